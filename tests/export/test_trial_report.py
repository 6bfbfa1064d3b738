"""The report of the new-user trial's case (``trialcase``), written by ``threadline export pdf`` and read
back from the PDF: text as pdftotext extracts it, positions as ``pdftotext -bbox`` gives them.

To look at it: ``pdftoppm -r 60 -png`` on the PDF that ``test_write_the_trial_report_to_look_at`` leaves
in /tmp/threadline-trial-report.pdf.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from app.store import CaseStore
from tests.export.pdftext import lines_with, page_words, pdf_pages, plain, squash, visual
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


def test_timelinejs_shows_the_markers_and_the_data_exports_keep_the_text_exact(
    trial: Trial, tmp_path: Path
) -> None:
    js, csv, case = tmp_path / "t.json", tmp_path / "t.csv", tmp_path / "case.json"
    ok("export", "timelinejs", str(trial.path), str(js))
    slides = js.read_text(encoding="utf-8")
    assert "Payment to ⟦RLO⟧exe.fdp⟦PDF⟧ account" in json.loads(slides)["events"][-1]["text"]["headline"]
    assert not any(char in slides for char in CONTROLS) and "\\u202e" not in slides
    ok("export", "csv", str(trial.path), str(csv))
    assert SPOOF_TITLE in set(pd.read_csv(csv)["title"])  # a data export: the stored text, exact
    ok("export", "json", str(trial.path), str(case))
    assert SPOOF_ENTITY in case.read_text(encoding="utf-8")  # the round trip stays exact


def test_reveal_bidi_controls_is_pure_and_leaves_marks_alone() -> None:
    from app.core.textnorm import BIDI_CONTROL_MARKER, reveal_bidi_controls

    assert reveal_bidi_controls(SPOOF_QUOTE) == "Attachment name: report⟦RLO⟧exe.fdp⟦PDF⟧"
    assert reveal_bidi_controls("".join(CONTROLS)) == "⟦LRE⟧⟦RLE⟧⟦PDF⟧⟦LRO⟧⟦RLO⟧⟦LRI⟧⟦RLI⟧⟦FSI⟧⟦PDI⟧"
    marks = "שלום\u200f, ok\u200e \u061c"  # RLM, LRM, ALM: they only act as letters would, and stay
    assert reveal_bidi_controls(marks) == marks
    assert len(BIDI_CONTROL_MARKER.findall(reveal_bidi_controls(SPOOF_TITLE))) == 2
