"""The whole report laid out as pages, painted on a PDF or on preview images.

``ReportPages`` lays out once (flows for the text, chart pages for the timeline), then paints any page on
any painter whose unit is 1/96 inch: ``write_pdf`` on a ``QPdfWriter`` set to 96 DPI, ``render`` on an
image scaled to the preview's size. Every page carries the running head (case title, marking, date
generated) and foot (section, marking, "page X of Y"); the marking appears at the top and the bottom of
every page, as handling markings do.

The PDF is written to a temporary file beside the destination and moved into place only when complete,
so a cancelled or failed export never leaves half a report under the chosen name.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPdfWriter, QPen

from app import __version__
from app.core.errors import ThreadlineError
from app.core.event_records import LaneGrouping
from app.core.progress import CancelToken, ProgressSink, ProgressUpdate, ignore_progress
from app.core.textnorm import reveal_bidi_controls
from app.export.chart_data import ChartPage, chart_layout, chart_pages
from app.export.common import zone_named
from app.export.pdf.chart import LINK, ChartGeometry, ChartPainter, draw_text
from app.export.pdf.content import cover_flow, entry_flow, index_flows, section_flow, source_flow, tr, when
from app.export.pdf.flow import ALERT, MUTED, Paginator, Slice, TextFlow, paint_slice
from app.export.pdf.fonts import Face, font
from app.export.pdf.geometry import UNITS_PER_INCH, PageSetup, pt
from app.export.report import Report, ReportPart

_LANE_CAPTIONS = {
    LaneGrouping.CATEGORY: "by category",
    LaneGrouping.CONFIDENCE: "by confidence",
    LaneGrouping.ENTITY: "by entity taking part (an event with several appears in each lane)",
    LaneGrouping.TAG: "by tag (an event with several appears in each lane)",
}


SHARE_BELOW = 0.6  # the chronology starts under the chart when the chart's last page is at most this full


@dataclass(eq=False)
class Page:
    section: str
    slices: list[Slice] = field(default_factory=list)
    chart: ChartPage | None = None


@dataclass(frozen=True)
class PdfResult:
    path: Path
    pages: int
    size: int  # bytes


class ReportPages:
    """A report laid out for ``setup``; build with ``layout_report``."""

    def __init__(self, report: Report, setup: PageSetup) -> None:
        self.report = report
        self.setup = setup
        self.frame = setup.frame()
        self.pages: list[Page] = []
        self.entry_pages: dict[int, int] = {}  # chronology number → 1-based page
        self.contents: list[tuple[str, int | None]] = []
        self._chart: ChartPainter | None = None

    def chart_bottom(self, page: ChartPage) -> float:
        """How far down the body the chart page ``page`` reaches."""
        return ChartGeometry(self.frame.body, self._chart is not None and self._chart.grouped).used(page)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    # -- painting ----------------------------------------------------------------------------------------

    def paint(self, painter: QPainter, index: int) -> None:
        """Paint page ``index`` (0-based) with ``painter`` in layout units (1/96 inch)."""
        page = self.pages[index]
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self._running_heads(painter, index, page.section)
        body = self.frame.body
        if page.chart is not None and self._chart is not None:
            self._chart.paint(painter, body, page.chart)
        for piece in page.slices:
            paint_slice(painter, body, piece)

    def _running_heads(self, painter: QPainter, index: int, section: str) -> None:
        header, footer = self.frame.header, self.frame.footer
        marking = self.report.options.marking.strip()
        small = font(Face.SANS, 7.5)
        third = header.width() / 3
        title_width = third * (1 if marking else 1.9)
        draw_text(
            painter,
            QRectF(header.left(), header.top(), title_width, header.height()),
            self.report.case.title,
            small,
            MUTED,
        )
        generated = tr("Generated {when}").format(
            when=when(self.report.generated_at, zone_named(self.report.options.time_zone))
        )
        draw_text(
            painter,
            QRectF(header.right() - third, header.top(), third, header.height()),
            generated,
            small,
            MUTED,
            Qt.AlignmentFlag.AlignRight,
        )
        page_text = tr("Page {page} of {pages}").format(page=index + 1, pages=self.page_count)
        draw_text(
            painter,
            QRectF(footer.right() - third, footer.top(), third, footer.height()),
            page_text,
            small,
            MUTED,
            Qt.AlignmentFlag.AlignRight,
        )
        draw_text(
            painter,
            QRectF(footer.left(), footer.top(), third, footer.height()),
            f"Threadline · {section}",
            small,
            MUTED,
        )
        if marking:
            bold = font(Face.SANS, 8.5, bold=True)
            for band in (header, footer):
                draw_text(
                    painter,
                    QRectF(band.left() + third, band.top(), third, band.height()),
                    marking,
                    bold,
                    ALERT,
                    Qt.AlignmentFlag.AlignHCenter,
                )
        painter.setPen(QPen(QColor("#b0b0b0"), pt(0.5)))
        painter.drawLine(QLineF(header.left(), header.bottom(), header.right(), header.bottom()))
        painter.drawLine(QLineF(footer.left(), footer.top(), footer.right(), footer.top()))

    def render(self, index: int, dpi: float = 72.0) -> QImage:
        """Page ``index`` as an image of ``dpi`` (for the preview; any thread)."""
        size = self.frame.page.size()
        scale = dpi / UNITS_PER_INCH
        image = QImage(
            max(round(size.width() * scale), 1),
            max(round(size.height() * scale), 1),
            QImage.Format.Format_RGB32,
        )
        dots = round(UNITS_PER_INCH / 0.0254)
        image.setDotsPerMeterX(dots)
        image.setDotsPerMeterY(dots)
        image.fill(QColor("white"))
        painter = QPainter(image)
        try:
            painter.scale(scale, scale)
            self.paint(painter, index)
        finally:
            painter.end()
        return image

    def write_pdf(
        self,
        path: Path | str,
        *,
        progress: ProgressSink = ignore_progress,
        cancel: CancelToken | None = None,
        done_before: int = 0,
        total: int | None = None,
    ) -> PdfResult:
        destination = Path(path)
        partial = partial_path(destination)
        total = total if total is not None else self.page_count
        try:
            writer = QPdfWriter(str(partial))
            writer.setPageLayout(self.setup.page_layout())
            writer.setResolution(int(UNITS_PER_INCH))
            writer.setTitle(reveal_bidi_controls(f"{self.report.case.title} — " + tr("timeline report")))
            writer.setCreator(f"Threadline {__version__}")
            if self.report.case.investigator:
                writer.setAuthor(reveal_bidi_controls(self.report.case.investigator))
            painter = QPainter()
            if not painter.begin(writer):
                raise ThreadlineError(tr("Cannot write the PDF to {path}.").format(path=destination))
            try:
                for index in range(self.page_count):
                    if cancel is not None:
                        cancel.raise_if_cancelled()
                    if index:
                        writer.newPage()
                    self.paint(painter, index)
                    progress(
                        ProgressUpdate(
                            done_before + index + 1, total, tr("Writing page {n}").format(n=index + 1)
                        )
                    )
            finally:
                painter.end()
            del writer
            if not partial.exists() or partial.stat().st_size == 0:
                raise ThreadlineError(tr("Cannot write the PDF to {path}.").format(path=destination))
            os.replace(partial, destination)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return PdfResult(destination, self.page_count, destination.stat().st_size)


def partial_path(destination: Path) -> Path:
    """Where ``write_pdf`` writes before the PDF is complete (beside ``destination``, hidden)."""
    return destination.with_name(f".{destination.name}.part")


# --- layout ---------------------------------------------------------------------------------------------


def layout_report(
    report: Report,
    setup: PageSetup = PageSetup(),  # noqa: B008 - frozen
    *,
    progress: ProgressSink = ignore_progress,
    cancel: CancelToken | None = None,
    total: int | None = None,
) -> ReportPages:
    """Lay out every part of ``report`` that its options ask for."""
    pages = ReportPages(report, setup)
    parts = report.options.parts
    width = pages.frame.body.width()
    height = pages.frame.body.height()
    steps = layout_steps(report)
    denominator = total if total is not None else steps
    done = 0

    def step(current: str) -> None:
        nonlocal done
        if cancel is not None:
            cancel.raise_if_cancelled()
        done += 1
        if done % 10 == 0 or done == steps:
            progress(ProgressUpdate(done, denominator, current))

    progress(ProgressUpdate(0, denominator, tr("Laying out")))
    chart_page_list = _chart(pages) if ReportPart.CHART in parts else []
    # the chronology starts under the chart's last page when that leaves a good part of the page blank
    below_chart = pages.chart_bottom(chart_page_list[-1]) + pt(22) if chart_page_list else height
    shared = ReportPart.CHRONOLOGY in parts and below_chart < height * SHARE_BELOW
    chronology = (
        _chronology(report, width, height, pages.entry_pages, step, first_top=below_chart if shared else 0.0)
        if ReportPart.CHRONOLOGY in parts
        else None
    )
    sources = (
        _flows_paginated(
            [section_flow(tr("Sources"), [_sources_intro()], width)]
            + [
                _stepped(source_flow(entry, width, zone_named(report.options.time_zone)), step, tr("Sources"))
                for entry in report.sources
            ],
            height,
        )
        if ReportPart.SOURCES in parts
        else None
    )
    titles = [tr("Timeline")] * bool(chart_page_list) + [
        title
        for part, title in (
            (ReportPart.CHRONOLOGY, tr("Chronology")),
            (ReportPart.SOURCES, tr("Sources")),
            (ReportPart.INDEX, tr("Index of entities")),
        )
        if part in parts
    ]
    cover_pages = 0
    if ReportPart.COVER in parts:
        placeholder: list[tuple[str, int | None]] = [(title, 999) for title in titles]
        cover_pages = len(_flows_paginated([cover_flow(report, width, placeholder, 999)], height))
    first_chronology = cover_pages + len(chart_page_list) + (0 if shared else 1)
    if chronology is not None:
        pages.entry_pages = {number: page + first_chronology for number, page in pages.entry_pages.items()}
    index = None
    if ReportPart.INDEX in parts:
        intro = section_flow(tr("Index of entities"), [_index_intro()], width)
        index = _flows_paginated([intro, *index_flows(report.index, pages.entry_pages, width)], height)
    sections: list[tuple[str, list[Page]]] = []
    if chart_page_list:
        sections.append((tr("Timeline"), [Page(tr("Timeline"), chart=chart) for chart in chart_page_list]))
    if shared and chronology:
        last = sections[0][1][-1]
        last.section, last.slices = tr("Timeline · Chronology"), chronology[0]
        pages.contents.append((tr("Timeline"), cover_pages + 1))
        chronology = chronology[1:]
    for title, paged in (
        (tr("Chronology"), chronology),
        (tr("Sources"), sources),
        (tr("Index of entities"), index),
    ):
        if paged is not None:
            sections.append((title, [Page(title, slices) for slices in paged]))
    start = cover_pages + 1
    for title, section_pages in sections:
        if not shared:
            pages.contents.append((title, start))
        elif title == tr("Chronology"):
            pages.contents.append((title, start - 1))  # it begins on the chart's last page
        elif title != tr("Timeline"):
            pages.contents.append((title, start))
        start += len(section_pages)
    total_pages = start - 1
    if ReportPart.COVER in parts:
        cover = _flows_paginated([cover_flow(report, width, pages.contents, total_pages)], height)
        if len(cover) != cover_pages:  # cannot happen (same lines, other digits); kept honest all the same
            raise AssertionError("the cover changed length between passes")
        pages.pages.extend(Page(tr("Cover"), slices) for slices in cover)
    for _title, section_pages in sections:
        pages.pages.extend(section_pages)
    if not pages.pages:
        pages.pages.append(Page(tr("Report")))
    progress(ProgressUpdate(steps, denominator, tr("Laid out")))
    return pages


def layout_steps(report: Report) -> int:
    parts = report.options.parts
    return (
        (len(report.entries) if ReportPart.CHRONOLOGY in parts else 0)
        + (len(report.sources) if ReportPart.SOURCES in parts else 0)
        + 1
    )


def _stepped(flow: TextFlow, step: Callable[[str], None], what: str) -> TextFlow:
    step(what)
    return flow


def _chart(pages: ReportPages) -> list[ChartPage]:
    report = pages.report
    if report.timeline is None or not len(report.timeline):
        return []
    numbers = report.entry_numbers()
    items, layout = chart_layout(report.timeline)
    if not layout.placed.any():
        return []
    grouped = report.timeline.grouping is not LaneGrouping.NONE
    geometry = ChartGeometry(pages.frame.body, grouped)
    undated = sum(1 for entry in report.entries if entry.undated)
    pages._chart = ChartPainter(
        items,
        layout,
        numbers,
        grouped=grouped,
        lane_caption=tr(_LANE_CAPTIONS.get(report.timeline.grouping, "")),
        undated=undated,
        zone=zone_named(report.options.time_zone),
    )
    return chart_pages(
        layout,
        width=geometry.width,
        link=LINK,
        max_markers=geometry.max_markers,
        room=geometry.room,
        header=geometry.header,
    )


def _chronology(
    report: Report,
    width: float,
    height: float,
    entry_pages: dict[int, int],
    step: Callable[[str], None],
    *,
    first_top: float = 0.0,
) -> list[list[Slice]]:
    paginator = Paginator(height, first_top=first_top)
    paginator.place(section_flow(tr("Chronology"), [_chronology_intro(report)], width))
    previous: int | None = None
    for entry in report.entries:
        flow = entry_flow(
            entry,
            width,
            include_notes=report.options.include_notes,
            previous=previous,
            zone=zone_named(report.options.time_zone),
        )
        entry_pages[entry.number] = paginator.place(flow, space_before=pt(9))
        previous = entry.number
        step(tr("Chronology"))
    return paginator.pages


def _flows_paginated(flows: list[TextFlow], height: float) -> list[list[Slice]]:
    paginator = Paginator(height)
    for number, flow in enumerate(flows):
        paginator.place(flow, space_before=pt(7) if number else 0.0)
    return paginator.pages


def _chronology_intro(report: Report) -> str:
    return tr(
        "{count} events in time order. Each quote cites its source as [n] (see Sources), with its place in "
        "the source: the page where the source has pages, and always the characters of the source's stored "
        "text it spans. Grades are the Admiralty scale: the source's reliability (A–F) and the "
        "information's credibility (1–6)."
    ).format(count=len(report.entries))


def _sources_intro() -> str:
    return tr(
        "Every source cited above, once, in order of first citation. The SHA-256 is that of the original "
        "file as imported and kept in the case file; anyone holding the file can check it."
    )


def _index_intro() -> str:
    return tr(
        "Every entity taking part in a reported event, with the chronology entries (and pages) it appears in."
    )
