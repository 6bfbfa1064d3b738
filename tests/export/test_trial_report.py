"""The report of the new-user trial's case (``trialcase``), written by ``threadline export pdf`` and read
back from the PDF: text as pdftotext extracts it, positions as ``pdftotext -bbox`` gives them.

To look at it: ``pdftoppm -r 60 -png`` on the PDF that ``test_write_the_trial_report_to_look_at`` leaves
in /tmp/threadline-trial-report.pdf.
"""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from app.export.pdf.content import when
from app.store import CaseStore
from tests.export.pdftext import Glyphs, lines_with, page_words, pdf_pages, plain, squash, visual
from tests.export.test_cli_export import ok
from tests.export.trialcase import (
    ARABIC_NAME,
    HEBREW_NAME,
    SPOOF_AUTHOR,
    SPOOF_ENTITY,
    SPOOF_QUOTE,
    SPOOF_TITLE,
    Trial,
    build_trial,
)

CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.fixture(scope="module")
def trial(tmp_path_factory: pytest.TempPathFactory) -> Trial:
    return build_trial(tmp_path_factory.mktemp("trial"))


@pytest.fixture(scope="module")
def report(trial: Trial) -> Path:
    out = trial.path.with_name("report.pdf")
    ok("export", "pdf", str(trial.path), str(out), "--notes")
    return out


@pytest.fixture(scope="module")
def texts(report: Path) -> list[str]:
    return pdf_pages(report)


def test_write_the_trial_report_to_look_at(report: Path) -> None:
    shutil.copy(report, "/tmp/threadline-trial-report.pdf")


def test_bidi_controls_in_user_text_are_printed_as_markers_not_obeyed(trial: Trial, texts: list[str]) -> None:
    """An override in a title or quote would print "reportpdf.exe" for the stored "report‮exe.fdp‬":
    the report shows each control as a marker, so the characters read in their stored order."""
    text = plain("\n".join(texts))
    for shown in (
        "Payment to ⟦RLO⟧exe.fdp⟦PDF⟧ account",  # title
        "Attachment name: report⟦RLO⟧exe.fdp⟦PDF⟧",  # quote
        "The invoice reads ⟦RLO⟧0001$ SU⟦PDF⟧.",  # description (Markdown)
        "Ask about ⟦RLI⟧exe.fdp⟦PDI⟧ again.",  # note
        "Taking part: ⟦LRO⟧Meridian Holdings⟦PDF⟧",  # participant
        "⟦LRO⟧Meridian Holdings⟦PDF⟧ (Organisation)",  # index
        "Author: ⟦RLO⟧rehtona⟦PDF⟧",  # source metadata
    ):
        assert shown in text, shown
    assert "pdf.exe" not in text and "anothe" not in text
    raw = "\n".join(texts)
    assert not any(
        char in raw for char in "\u202d\u202e\u2066\u2067\u2068\u2069"
    )  # pdftotext adds only RLE/PDF
    with CaseStore.open(trial.path) as store:  # what is stored is unchanged
        payment = store.events.get(trial.events["payment"])
        assert payment.title == SPOOF_TITLE and payment.evidence[0].quote == SPOOF_QUOTE
        assert store.source(trial.sources["tip-attachment"]).author == SPOOF_AUTHOR


def test_names_of_mixed_scripts_keep_their_order(report: Path, texts: list[str]) -> None:
    """ "Taking part: גנאדי סולובצוב; بيونغ يانغ" – each name is isolated, so the Hebrew name (first) stands
    left of the Arabic one on the page, as the list's left-to-right order says, not the other way round."""
    page = next(number for number, text in enumerate(texts, 1) if "Landing in Irkutsk" in text)
    seen = [visual(line) for line in lines_with(page_words(report, page), "Taking")]
    both = next(
        line for line in seen if squash(ARABIC_NAME)[::-1] in line and squash(HEBREW_NAME)[::-1] in line
    )
    assert both.index(squash(HEBREW_NAME)[::-1]) < both.index(squash(ARABIC_NAME)[::-1]), both
    assert both.startswith("Takingpart:")


def test_timelinejs_and_timesketch_messages_show_markers_data_fields_stay_exact(
    trial: Trial, tmp_path: Path
) -> None:
    js, csv, case = tmp_path / "t.json", tmp_path / "t.csv", tmp_path / "case.json"
    ok("export", "timelinejs", str(trial.path), str(js))
    slides = js.read_text(encoding="utf-8")
    assert "Payment to ⟦RLO⟧exe.fdp⟦PDF⟧ account" in json.loads(slides)["events"][-1]["text"]["headline"]
    assert not any(char in slides for char in CONTROLS) and "\\u202e" not in slides
    ok("export", "csv", str(trial.path), str(csv))
    assert SPOOF_TITLE in set(pd.read_csv(csv)["title"])  # a data export: the stored text, exact
    sketch = tmp_path / "t.jsonl"
    ok("export", "timesketch", str(trial.path), str(sketch))
    payment = [json.loads(line) for line in sketch.read_text(encoding="utf-8").splitlines()][-1]
    assert payment["message"].startswith("Payment to ⟦RLO⟧exe.fdp⟦PDF⟧ account (")  # the line shown
    assert payment["threadline_title"] == SPOOF_TITLE  # the data, exact
    ok("export", "json", str(trial.path), str(case))
    assert SPOOF_ENTITY in case.read_text(encoding="utf-8")  # the round trip stays exact


def test_reveal_bidi_controls_is_pure_and_leaves_marks_alone() -> None:
    from app.core.textnorm import BIDI_CONTROL_MARKER, reveal_bidi_controls

    assert reveal_bidi_controls(SPOOF_QUOTE) == "Attachment name: report⟦RLO⟧exe.fdp⟦PDF⟧"
    assert reveal_bidi_controls("".join(CONTROLS)) == "⟦LRE⟧⟦RLE⟧⟦PDF⟧⟦LRO⟧⟦RLO⟧⟦LRI⟧⟦RLI⟧⟦FSI⟧⟦PDI⟧"
    marks = "שלום\u200f, ok\u200e \u061c"  # RLM, LRM, ALM: they only act as letters would, and stay
    assert reveal_bidi_controls(marks) == marks
    assert len(BIDI_CONTROL_MARKER.findall(reveal_bidi_controls(SPOOF_TITLE))) == 2


def _chart_words(report: Path, texts: list[str]) -> tuple[int, list[Glyphs]]:
    page = next(number for number, text in enumerate(texts, 1) if "Threadline · Timeline" in text)
    return page, page_words(report, page)


def test_the_chart_zooms_on_the_busy_days_and_gives_coarse_dates_no_period(
    report: Path, texts: list[str]
) -> None:
    """The whole span, then one period on the flight (31 July – 3 August 2023), where its markers and
    numbers stand apart; nothing for a week in December 2017 or inside "c. 2019"."""
    chart = plain("\n".join(text for text in texts if "Threadline · Timeline" in text))
    titles = [line for line in chart.splitlines() if line.startswith("Timeline")]
    assert titles == [
        "Timeline · 2017 – 2023 · the whole span; 1 period(s) zoomed in below",
        "Timeline · 31 Jul 2023 – 4 Aug 2023 · period 1 of 1",
    ]
    _page, words = _chart_words(report, texts)
    zoom = next(word for word in words if word.text == "31" and word.top > 0)  # the second title
    below = [word for word in words if zoom.bottom < word.top < zoom.bottom + 60]
    numbers = {word.text: word for word in below if word.text in {"4", "5", "6", "7", "8"}}
    assert set(numbers) == {"4", "5", "6", "7", "8"}  # each flight event's own number, none in a bubble
    lefts = sorted(word.left for word in numbers.values())
    assert min(b - a for a, b in itertools.pairwise(lefts)) > 20  # apart, in points
    assert "8Paymentto⟦RLO⟧exe" in visual(lines_with(below, "8")[0])  # a title, its override revealed


def test_the_chronology_starts_under_a_short_chart(texts: list[str]) -> None:
    """No mostly blank page: the two panels take a third of the page, the chronology follows them."""
    page = next(text for text in texts if "Threadline · Timeline" in text)
    assert "Chronology" in page and "Threadline · Timeline · Chronology" in page
    assert "Timeline · page 2" in plain(texts[0]) and "Chronology · page 2" in plain(texts[0])  # contents


def test_right_to_left_titles_read_from_their_number_beside_the_mark(report: Path, texts: list[str]) -> None:
    """A Hebrew or Arabic title is laid out right to left, its number on its start (right) side next to
    the mark: "…המטוס נח 5 ●", never "5 …" with the title's pieces in left-to-right order, and the Arabic
    entry number is not next to the title's "2023" (which reads as part of it)."""
    _page, words = _chart_words(report, texts)
    five = [line for line in lines_with(words, "5") if any(word.text == "ה" for word in line)]
    assert five, "the Hebrew title is shown"
    line = five[-1]
    number = next(word for word in line if word.text == "5")
    hebrew = [word for word in line if word.text and "\u0590" <= word.text[0] <= "\u05ff"]
    assert max(word.right for word in hebrew) < number.left  # the title is left of its number
    seven = next(line for line in lines_with(words, "7") if any(word.text == "2023" for word in line))
    number = next(word for word in seven if word.text == "7")
    year = next(word for word in seven if word.text == "2023")
    arabic = [word for word in seven if word.text and "\u0600" <= word.text[0] <= "\u06ff"]
    assert year.right < min(word.left for word in arabic) < max(word.right for word in arabic) < number.left


def test_every_stamp_is_in_the_display_time_zone(trial: Trial, tmp_path: Path) -> None:
    """--tz puts the notes' and the sources' stamps in the zone too, not only the cover's and the axis."""
    out = tmp_path / "jerusalem.pdf"
    ok("export", "pdf", str(trial.path), str(out), "--notes", "--tz", "Asia/Jerusalem")
    text = plain("\n".join(pdf_pages(out)))
    zone = ZoneInfo("Asia/Jerusalem")
    with CaseStore.open(trial.path) as store:
        note = store.events.get(trial.events["payment"]).notes[0]
        imported = store.source(trial.sources["tip-attachment"]).imported_at
    assert f"— tester, {when(note.updated_at, zone)}" in text
    assert f"Imported: {when(imported, zone)} by tester" in text
    assert " UTC\n" not in text.replace("Axis times in UTC", "")  # no stamp left in UTC
