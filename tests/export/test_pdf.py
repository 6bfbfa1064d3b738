"""The PDF report written from a real case and read back with poppler, qpdf and pypdf.

Text checks use pdftotext (pypdf returns Hebrew reversed); see ``tests.export.pdftext`` for how its
right-to-left lines are read. The pages are also rendered with pdftoppm to /tmp/threadline-report-*.png
for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QColor

from app.core.errors import Cancelled
from app.core.event_records import LaneGrouping
from app.core.progress import CancelToken, ProgressUpdate
from app.core.timeline_layout import axis_ticks
from app.export.pdf import PageSetup, Paper, layout_report, write_report_pdf
from app.export.pdf.chart import tick_label, window_text
from app.export.pdf.content import when
from app.export.report import Report, ReportFilters, ReportOptions, ReportPart, load_report
from app.store import CaseStore
from tests.export.casefile import (
    ARABIC_DENIAL,
    ARABIC_QUOTE,
    HEBREW_QUOTE,
    HEBREW_RUMOUR,
    MARKING,
    PDF_QUOTE,
    RUSSIAN_QUOTE,
    Built,
)
from tests.export.pdftext import logical, pdf_pages, plain, squash

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture(scope="module")
def report(built: Built) -> Report:
    options = ReportOptions(marking=MARKING, include_notes=True, lanes=LaneGrouping.CATEGORY)
    with CaseStore.open(built.path) as store:
        return load_report(store, options)


@pytest.fixture(scope="module")
def written(report: Report, tmp_path_factory: pytest.TempPathFactory, qapp: object) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    write_report_pdf(report, path, PageSetup(Paper.A4))
    return path


@pytest.fixture(scope="module")
def pages(written: Path) -> list[str]:
    return pdf_pages(written)


def parts_of(page: str) -> list[str]:
    """The parts a page holds, as its foot names them ("Threadline · Timeline · Chronology": the
    chronology starts under the chart)."""
    found = re.search(r"^Threadline · (.+)$", plain(page), re.M)
    return [] if found is None else found.group(1).split(" · ")


def section(pages: list[str], name: str) -> list[str]:
    return [page for page in pages if name in parts_of(page)]


def test_qpdf_finds_no_error_and_pypdf_reads_every_page(written: Path, pages: list[str]) -> None:
    check = subprocess.run(["qpdf", "--check", str(written)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout
    reader = PdfReader(written)
    assert len(reader.pages) == len(pages) >= 6
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert reader.metadata is not None and "Operation Night Flight" in (reader.metadata.title or "")
    assert (reader.metadata.creator or "").startswith("Threadline")


def test_fonts_are_embedded(written: Path) -> None:
    listing = subprocess.run(["pdffonts", str(written)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    assert rows
    names = {row[0] for row in rows}
    assert any("Hebrew" in name for name in names) and any("Arabic" in name for name in names)
    for row in rows:
        emb, uni = row[-5], row[-3]
        assert (emb, uni) == ("yes", "yes"), row  # embedded, with a map back to the text


def test_every_page_has_marking_page_number_and_date(pages: list[str], report: Report) -> None:
    generated = report.generated_at.strftime("%Y-%m-%d %H:%M UTC")
    for number, page in enumerate(pages, start=1):
        text = plain(page)
        assert text.count(MARKING) >= 2, f"page {number}: the marking is not in both head and foot"
        assert f"Page {number} of {len(pages)}" in text
        assert f"Generated {generated}" in text
        assert "Operation Night Flight" in text


def test_the_parts_come_in_order(pages: list[str]) -> None:
    order = [part for page in pages for part in parts_of(page)]
    assert order[0] == "Cover"
    assert order == sorted(
        order, key=["Cover", "Timeline", "Chronology", "Sources", "Index of entities"].index
    )
    assert {"Timeline", "Chronology", "Sources", "Index of entities"} <= set(order)


def test_cover_says_what_the_report_covers(pages: list[str]) -> None:
    cover = plain(pages[0])
    for text in (
        "Timeline report",
        "Investigator: R. Analyst",
        "9 of the case's 9 events",
        "10 quotes from 5 sources",
        "Case summary",
        "Sources disagree: the ministry denies the landing.",
        "Contents",
    ):
        assert text in cover
    contents = dict(
        re.findall(r"^(Timeline|Chronology|Sources|Index of entities) · page (\d+)$", cover, re.M)
    )
    for name, page in contents.items():
        assert name in parts_of(pages[int(page) - 1])


def test_hebrew_and_arabic_quotes_read_in_logical_order(pages: list[str]) -> None:
    chronology = "\n".join(section(pages, "Chronology"))
    assert HEBREW_RUMOUR in plain(chronology)  # Hebrew letters only: pdftotext keeps it as it is
    text = squash(logical(chronology))
    for quote in (HEBREW_QUOTE, ARABIC_QUOTE, ARABIC_DENIAL, RUSSIAN_QUOTE, PDF_QUOTE):
        assert squash(quote) in text, quote
    assert "הארץ: המטוס נחת בפיונגיאנג" in logical(chronology)  # a source title under its quote


def test_every_citation_resolves_to_one_source_entry_with_its_hash(pages: list[str], report: Report) -> None:
    chronology = plain("\n".join(section(pages, "Chronology")))
    sources = plain("\n".join(section(pages, "Sources")))
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", chronology)}
    listed = [int(n) for n in re.findall(r"^\[(\d+)\] source #\d+ · cited in entries", sources, re.M)]
    assert cited == set(listed) == set(range(1, len(report.sources) + 1))
    assert len(listed) == len(set(listed))  # each source once
    for entry in report.sources:
        block = sources.split(f"[{entry.number}] source #{entry.source.id}", 1)[1]
        block = re.split(r"^\[\d+\] source #", block, flags=re.M)[0]
        assert f"SHA-256: {entry.source.sha256}" in block
        assert entry.source.original_filename in block


def test_uncited_sources_are_not_listed(pages: list[str], built: Built) -> None:
    with CaseStore.open(built.path) as store:
        uncited = store.source(built.sources["uncited"]).sha256
    assert uncited not in plain("\n".join(pages))


def test_chronology_entries_carry_dates_confidence_and_flags(pages: list[str]) -> None:
    text = plain("\n".join(section(pages, "Chronology")))
    for line in (
        "1. December 2019 or earlier",
        "2. c. 2019",
        "3. summer 2023",
        "4. 31 July 2023",
        "5. 31 Jul – 3 Aug 2023",
        "6. 1–10 August 2023",
        "7. 1 August 2023, 14:05 (UTC+9)",
        "9. Undated",
    ):
        assert line in text
    assert "DISPUTED: a source contradicts it" in text
    assert "Its dates overlap those of entry 3: which came first is not established." in text
    assert "Checked against the ADS-B archive on 3 August." in text  # notes were asked for
    assert "p. 2, characters" in text  # the PDF source's page
    assert "contradicts · C3 (fairly reliable; possibly true)" in text
    assert "ﬁ" not in "\n".join(pages)  # no ligature glyphs: "confidence" is searchable as typed


def test_index_refers_to_entries_and_pages(pages: list[str], report: Report) -> None:
    index = plain("\n".join(section(pages, "Index of entities")))
    assert "Air Koryo" in index and "Pyongyang" in index
    first_chronology = next(n for n, page in enumerate(pages, 1) if "Chronology" in parts_of(page))
    refs = [(int(entry), int(page)) for entry, page in re.findall(r"(\d+) \(p\. (\d+)\)", index)]
    assert refs
    for entry, page in refs:
        assert page >= first_chronology
        assert re.search(rf"^{entry}\. ", plain(pages[page - 1]), re.M), (entry, page)


def test_chart_draws_the_events_as_vectors(written: Path, pages: list[str]) -> None:
    chart = plain("\n".join(section(pages, "Timeline")))
    assert "the whole span; 2 period(s) zoomed in below" in chart and "period 2 of 2" in chart
    assert "movement" in chart and "meeting" in chart  # lanes by category
    assert "Jun 2023" in chart or "Aug" in chart  # the axis has dates
    assert "1 undated event(s) are not shown" in chart
    reader = PdfReader(written)
    chart_page = next(n for n, page in enumerate(pages) if "Threadline · Timeline" in page)
    assert not reader.pages[chart_page].images  # drawn, not pasted in as a picture


def test_letter_landscape_and_chosen_parts(report: Report, tmp_path: Path) -> None:
    only = ReportOptions(parts=frozenset({ReportPart.CHRONOLOGY, ReportPart.SOURCES}), marking="")
    partial = Report(**{**report.__dict__, "options": only})
    path = tmp_path / "letter.pdf"
    result = write_report_pdf(partial, path, PageSetup(Paper.LETTER, landscape=True))
    reader = PdfReader(path)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (792, 612)
    texts = pdf_pages(path)
    assert result.pages == len(texts)
    assert "Threadline · Chronology" in texts[0]
    assert not any("Threadline · Cover" in t or "Threadline · Timeline" in t for t in texts)


def test_a_report_without_events_still_says_what_it_covers(built: Built, tmp_path: Path) -> None:
    with CaseStore.open(built.path) as store:
        empty = load_report(store, ReportOptions(filters=ReportFilters(date_from="2030", date_to="2031")))
    path = tmp_path / "empty.pdf"
    write_report_pdf(empty, path)
    text = plain("\n".join(pdf_pages(path)))
    assert "0 of the case's 9 events" in text and "Events that may lie between 2030 and 2031" in text


def test_progress_counts_up_and_cancel_leaves_no_file(report: Report, tmp_path: Path) -> None:
    updates: list[ProgressUpdate] = []
    path = tmp_path / "progress.pdf"
    result = write_report_pdf(report, path, progress=updates.append)
    assert updates[-1].done == updates[-1].total
    assert [u.done for u in updates] == sorted(u.done for u in updates)
    assert result.size == path.stat().st_size
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        write_report_pdf(report, tmp_path / "cancelled.pdf", cancel=token)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.pdf"]


def test_preview_images_are_the_pdf_pages(report: Report) -> None:
    laid_out = layout_report(report, PageSetup(Paper.A4))
    image = laid_out.render(0, dpi=48)
    assert (image.width(), image.height()) == (397, 561)  # A4 at 48 dpi
    dark = sum(
        QColor(image.pixel(x, y)).lightness() < 128 for x in range(0, 397, 3) for y in range(0, 561, 3)
    )
    assert dark > 200  # text was drawn


def test_render_pages_for_a_person_to_look_at(written: Path) -> None:
    """pdftoppm -r 60 -png report.pdf /tmp/threadline-report (look at them: cover, chart, chronology…)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    for old in Path("/tmp").glob("threadline-report-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(written), "/tmp/threadline-report"], check=True)
    assert len(list(Path("/tmp").glob("threadline-report-*.png"))) == len(PdfReader(written).pages)


@pytest.fixture
def store(built: Built) -> Iterator[CaseStore]:
    with CaseStore.open(built.path) as opened:
        yield opened


def test_the_chart_and_the_stamps_are_in_the_display_time_zone(
    report: Report, pages: list[str], tmp_path: Path
) -> None:
    zoned = Report(**{**report.__dict__, "options": replace(report.options, time_zone="Pacific/Kiritimati")})
    path = tmp_path / "kiritimati.pdf"
    write_report_pdf(zoned, path)
    texts = pdf_pages(path)
    chart = plain("\n".join(section(texts, "Timeline")))
    assert "Axis times in Pacific/Kiritimati (UTC+14:00)" in chart and "UTC;" not in chart
    generated = when(report.generated_at, ZoneInfo("Pacific/Kiritimati"))
    assert generated.endswith("UTC+14:00") and all(generated in page for page in texts)
    assert "Axis times in UTC." in plain("\n".join(section(pages, "Timeline")))  # the default


def test_chart_windows_are_told_in_the_zone() -> None:
    start = datetime(2023, 7, 31, 20, 0, tzinfo=UTC).timestamp()
    end = datetime(2023, 8, 1, 2, 0, tzinfo=UTC).timestamp()
    assert window_text(start, end) == "31 Jul 2023 20:00 – 1 Aug 2023 02:00"
    assert window_text(start, end, ZoneInfo("Asia/Tokyo")) == "1 Aug 2023 05:00 – 1 Aug 2023 11:00"
    assert window_text(start, end, ZoneInfo("America/New_York")) == "31 Jul 2023 16:00 – 31 Jul 2023 22:00"
    # the chart ticks with these arguments (ChartPainter.paint): round hours of the zone, not of UTC
    tokyo = axis_ticks(start, end, 400, ZoneInfo("Asia/Tokyo"), min_spacing_px=80)
    utc = axis_ticks(start, end, 400, UTC, min_spacing_px=80)
    assert [tick.time for tick in tokyo] == [tick.time for tick in utc]  # whole-hour offset: same instants
    assert [tick_label(tick, False) for tick in tokyo][:2] == ["06:00", "09:00"]
    assert [tick_label(tick, False) for tick in utc][:2] == ["21:00", "1 Aug 2023 00:00"]
    india = axis_ticks(start, end, 400, ZoneInfo("Asia/Kolkata"), min_spacing_px=80)
    assert [tick.time % 3600 for tick in india] == [1800] * len(india)  # UTC+05:30: on the zone's hours
