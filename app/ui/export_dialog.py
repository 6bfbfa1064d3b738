"""File ▸ Export: the PDF report with a preview of its pages, and the open formats.

The dialog only gathers choices; the work is ``app.export``'s, and none of it runs in the GUI thread.
The PDF report and its preview are laid out and painted in a child process (``python -m app.export.pdf``,
the code ``threadline export pdf`` runs, through ``app.ui.workers.ProcessTask``): laying out a long report
takes seconds and building QTextDocuments on a worker thread deadlocks PySide, so the GUI only listens to
the child's progress lines and preview pages (PNG, drawn with the same page painter the PDF is written
with), showing each page as it arrives. A change of option kills the preview under way and starts another
after a short pause. The open formats are pure Python and run on a worker thread (``Task``).

Nothing half written is ever left under the chosen name: the child writes the PDF to a hidden temporary
file beside it, which the dialog moves into place only when the child reports success; Cancel kills the
child and removes the temporary file. The chart's times are in the display time zone (the events
feature's setting, or the zone chosen here).

Open it from the main window with ``ExportDialog(window, store, ExportFormat.PDF).open()``, or let
``add_export_menu`` build File ▸ Export.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, QTimeZone, Signal
from PySide6.QtGui import QCloseEvent, QIcon, QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.dates import parse_user_input
from app.core.errors import InvalidValue
from app.core.event_records import LaneGrouping
from app.core.progress import CancelToken, ProgressSink, ProgressUpdate
from app.core.records import Confidence
from app.export.common import zone_named
from app.export.pdf.job import PREVIEW_DPI, PREVIEW_FIRST, PREVIEW_LAST, PdfJob, PdfSummary
from app.export.pdf.pages import partial_path
from app.export.report import ReportFilters, ReportOptions, ReportPart
from app.store import CaseStore
from app.ui.workers import BACKGROUND_NICE, ProcessTask, Task

__all__ = ["PREVIEW_DPI", "PREVIEW_FIRST", "PREVIEW_LAST", "ExportDialog", "ExportFormat", "add_export_menu"]

PDF_MODULE = "app.export.pdf"  # the child process that lays out, paints and writes the report
PREVIEW_DELAY_MS = 450
MARKINGS = ("", "CONFIDENTIAL", "RESTRICTED", "LEGALLY PRIVILEGED", "DRAFT – NOT FOR PUBLICATION")


def tr(text: str) -> str:
    return QCoreApplication.translate("ExportDialog", text)


class ExportFormat(StrEnum):
    PDF = "pdf"
    CSV = "csv"
    JSON = "json"
    TIMELINEJS = "timelinejs"
    TIMESKETCH = "timesketch"


def format_titles() -> dict[ExportFormat, str]:
    return {
        ExportFormat.PDF: tr("Report (PDF)…"),
        ExportFormat.CSV: tr("Events (CSV)…"),
        ExportFormat.JSON: tr("Whole Case (JSON)…"),
        ExportFormat.TIMELINEJS: tr("TimelineJS…"),
        ExportFormat.TIMESKETCH: tr("Timesketch…"),
    }


_SUFFIXES = {
    ExportFormat.PDF: ".pdf",
    ExportFormat.CSV: ".csv",
    ExportFormat.JSON: ".json",
    ExportFormat.TIMELINEJS: ".timeline.json",
    ExportFormat.TIMESKETCH: ".jsonl",
}


def add_export_menu(menu: QMenu, window: QWidget, store_of: Callable[[], CaseStore | None]) -> QMenu:
    """File ▸ Export with one entry per format; each opens the dialog on the open case (disabled without)."""
    export_menu = menu.addMenu(tr("&Export"))
    export_menu.setObjectName("export_menu")
    for export_format, title in format_titles().items():
        action = export_menu.addAction(title)
        action.setObjectName(f"export_{export_format.value}")
        action.triggered.connect(lambda _=False, f=export_format: _open(window, store_of(), f))
    export_menu.aboutToShow.connect(lambda: _enable(export_menu, store_of() is not None))
    return export_menu


def _enable(menu: QMenu, enabled: bool) -> None:
    for action in menu.actions():
        action.setEnabled(enabled)


def _open(window: QWidget, store: CaseStore | None, export_format: ExportFormat) -> None:
    if store is not None:
        dialog = ExportDialog(window, store, export_format)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()


@dataclass(frozen=True)
class Preview:
    """A finished preview: page images (index, image) and the report's counts."""

    pages: list[tuple[int, QImage]]
    page_count: int
    events: int
    quotes: int
    sources: int
    pid: int = 0  # the process that laid it out and drew it


def system_zone_name() -> str:
    return bytes(QTimeZone.systemTimeZoneId().data()).decode() or "UTC"


def display_zone_name() -> str:
    """The time zone the app displays times in (the events feature's setting), as a zone name."""
    from app.ui.events.settings import EventsSettings

    name = EventsSettings().display_timezone
    return system_zone_name() if name == "local" else name


class ExportDialog(QDialog):
    """Choose what to export and how; preview a PDF report; export on a worker thread."""

    exported = Signal(str)  # the path written

    def __init__(
        self,
        parent: QWidget | None,
        store: CaseStore,
        export_format: ExportFormat = ExportFormat.PDF,
        *,
        time_zone: str | None = None,
    ) -> None:
        """``time_zone``: the chart's zone (an IANA name or "UTC"); by default the app's display zone."""
        super().__init__(parent)
        self.setObjectName("export_dialog")
        self.setWindowTitle(tr("Export"))
        self.store = store
        self._initial_zone = time_zone or display_zone_name()
        self._preview_task: ProcessTask | None = None
        self._preview_again = False
        self._export_task: ProcessTask | Task | None = None
        self._preview: Preview | None = None
        self._incoming: list[tuple[int, QImage]] = []  # pages of the preview under way
        self.last_pdf: PdfSummary | None = None  # what the last PDF export reported
        self._hidden_names: dict[str, str] = {}  # an export's temporary file → the file chosen
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.refresh_preview)
        self._build()
        self._fill_choices()
        self.format_box.setCurrentIndex(list(ExportFormat).index(export_format))
        self._format_changed()
        self.resize(1100, 760)

    # --- building ---------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.format_box = QComboBox()
        self.format_box.setObjectName("export_format")
        for export_format, title in format_titles().items():
            self.format_box.addItem(title.rstrip("…"), export_format.value)
        options = QWidget()
        column = QVBoxLayout(options)
        form = QFormLayout()
        form.addRow(tr("Format:"), self.format_box)
        column.addLayout(form)
        column.addWidget(self._parts_group())
        column.addWidget(self._filters_group())
        column.addWidget(self._page_group())
        column.addWidget(self._file_group())
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(options)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(380)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(self._preview_panel())
        splitter.setStretchFactor(1, 1)
        self.status = QLabel()
        self.status.setObjectName("export_status")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("export_progress")
        self.progress.setMinimumWidth(280)  # room for "Writing page 480  63%" on one line
        self.progress.setVisible(False)
        self.export_button = QPushButton(tr("Export…"))
        self.export_button.setObjectName("export_button")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self._choose_path)
        self.close_button = QPushButton(tr("Close"))
        self.close_button.setObjectName("export_close")
        self.close_button.clicked.connect(self._cancel_or_close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.progress)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self.format_box.currentIndexChanged.connect(self._format_changed)

    def _parts_group(self) -> QGroupBox:
        self.parts_group = QGroupBox(tr("Parts of the report"))
        layout = QVBoxLayout(self.parts_group)
        titles = {
            ReportPart.COVER: tr("Cover: case, investigator, date, summary"),
            ReportPart.CHART: tr("Timeline chart"),
            ReportPart.CHRONOLOGY: tr("Chronology with quotes and citations"),
            ReportPart.SOURCES: tr("Sources with their SHA-256"),
            ReportPart.INDEX: tr("Index of entities"),
        }
        self.part_boxes: dict[ReportPart, QCheckBox] = {}
        for part, title in titles.items():
            box = QCheckBox(title)
            box.setObjectName(f"part_{part.value}")
            box.setChecked(True)
            box.toggled.connect(self._options_changed)
            layout.addWidget(box)
            self.part_boxes[part] = box
            if part is ReportPart.CHRONOLOGY:
                self.notes_box = QCheckBox(tr("with the events' notes"))
                self.notes_box.setObjectName("include_notes")
                self.notes_box.toggled.connect(self._options_changed)
                box.toggled.connect(self.notes_box.setEnabled)
                indented = QHBoxLayout()
                indented.addSpacing(24)
                indented.addWidget(self.notes_box)
                layout.addLayout(indented)
        return self.parts_group

    def _filters_group(self) -> QGroupBox:
        self.filters_group = QGroupBox(tr("Which events"))
        form = QFormLayout(self.filters_group)
        self.from_edit = QLineEdit()
        self.from_edit.setObjectName("date_from")
        self.to_edit = QLineEdit()
        self.to_edit.setObjectName("date_to")
        for edit in (self.from_edit, self.to_edit):
            edit.setPlaceholderText(tr("e.g. 2023, 2023-07, 31 July 2023"))
            edit.setClearButtonEnabled(True)
            edit.editingFinished.connect(self._options_changed)
        form.addRow(tr("From:"), self.from_edit)
        form.addRow(tr("To:"), self.to_edit)
        self.date_error = QLabel()
        self.date_error.setObjectName("date_error")
        self.date_error.setStyleSheet("color: #b3261e")
        self.date_error.setWordWrap(True)
        self.date_error.setVisible(False)
        form.addRow(self.date_error)
        self.confidence_box = QComboBox()
        self.confidence_box.setObjectName("min_confidence")
        self.confidence_box.addItem(tr("any"), "")
        for level in (Confidence.CONFIRMED, Confidence.PROBABLE, Confidence.POSSIBLE, Confidence.DOUBTFUL):
            self.confidence_box.addItem(tr(level.value), level.value)
        self.confidence_box.currentIndexChanged.connect(self._options_changed)
        form.addRow(tr("Confidence at least:"), self.confidence_box)
        self.disputed_box = QCheckBox(tr("Include disputed events"))
        self.disputed_box.setObjectName("include_disputed")
        self.undated_box = QCheckBox(tr("Include undated events"))
        self.undated_box.setObjectName("include_undated")
        for box in (self.disputed_box, self.undated_box):
            box.setChecked(True)
            box.toggled.connect(self._options_changed)
            form.addRow(box)
        self.category_list = self._checklist("categories")
        self.tag_list = self._checklist("tags")
        self.entity_filter = QLineEdit()
        self.entity_filter.setObjectName("entity_filter")
        self.entity_filter.setPlaceholderText(tr("Find an entity"))
        self.entity_filter.textChanged.connect(self._filter_entities)
        self.entity_list = self._checklist("entities")
        form.addRow(tr("Categories:"), self.category_list)
        form.addRow(tr("Tags:"), self.tag_list)
        entities = QVBoxLayout()
        entities.addWidget(self.entity_filter)
        entities.addWidget(self.entity_list)
        form.addRow(tr("Taking part:"), entities)
        hint = QLabel(
            tr("Nothing ticked in a list means no condition on it; several ticked mean any of them.")
        )
        hint.setWordWrap(True)
        hint.setEnabled(False)
        form.addRow(hint)
        return self.filters_group

    def _checklist(self, name: str) -> QListWidget:
        widget = QListWidget()
        widget.setObjectName(f"{name}_list")
        widget.setMaximumHeight(96)
        widget.itemChanged.connect(self._options_changed)
        return widget

    def _page_group(self) -> QGroupBox:
        self.page_group = QGroupBox(tr("Page"))
        form = QFormLayout(self.page_group)
        self.marking_box = QComboBox()
        self.marking_box.setObjectName("marking")
        self.marking_box.setEditable(True)
        self.marking_box.addItems(list(MARKINGS))
        editor = self.marking_box.lineEdit()
        if editor is not None:
            editor.setPlaceholderText(tr("none"))
        self.marking_box.currentTextChanged.connect(self._options_changed)
        form.addRow(tr("Marking on every page:"), self.marking_box)
        self.paper_box = QComboBox()
        self.paper_box.setObjectName("paper")
        self.paper_box.addItem("A4", "a4")
        self.paper_box.addItem("Letter", "letter")
        self.orientation_box = QComboBox()
        self.orientation_box.setObjectName("orientation")
        self.orientation_box.addItem(tr("Portrait"), False)
        self.orientation_box.addItem(tr("Landscape"), True)
        self.lanes_box = QComboBox()
        self.lanes_box.setObjectName("lanes")
        for grouping, title in (
            (LaneGrouping.NONE, tr("one lane")),
            (LaneGrouping.CATEGORY, tr("by category")),
            (LaneGrouping.CONFIDENCE, tr("by confidence")),
            (LaneGrouping.ENTITY, tr("by entity taking part")),
            (LaneGrouping.TAG, tr("by tag")),
        ):
            self.lanes_box.addItem(title, grouping.value)
        for box in (self.paper_box, self.orientation_box, self.lanes_box):
            box.currentIndexChanged.connect(self._options_changed)
        form.addRow(tr("Paper:"), self.paper_box)
        form.addRow(tr("Orientation:"), self.orientation_box)
        self.zone_box = QComboBox()
        self.zone_box.setObjectName("time_zone")
        self.zone_box.setEditable(True)
        for name in dict.fromkeys([self._initial_zone, "UTC", system_zone_name()]):
            self.zone_box.addItem(name)
        self.zone_box.setCurrentText(self._initial_zone)
        self.zone_box.setToolTip(tr("The chart's times and the report's stamps are given in this zone."))
        self.zone_box.currentTextChanged.connect(self._options_changed)
        form.addRow(tr("Times in:"), self.zone_box)
        self.lanes_label = QLabel(tr("Chart lanes:"))
        form.addRow(self.lanes_label, self.lanes_box)
        return self.page_group

    def _file_group(self) -> QGroupBox:
        self.file_group = QGroupBox(tr("File"))
        layout = QVBoxLayout(self.file_group)
        self.bom_box = QCheckBox(tr("Byte-order mark, so Excel reads Hebrew and Arabic"))
        self.bom_box.setObjectName("csv_bom")
        self.safe_box = QCheckBox(tr("Protect against spreadsheet formulas (prefixes = + - @ with ')"))
        self.safe_box.setObjectName("csv_excel_safe")
        self.sketch_box = QComboBox()
        self.sketch_box.setObjectName("timesketch_format")
        self.sketch_box.addItem(tr("JSON Lines (.jsonl)"), "jsonl")
        self.sketch_box.addItem(tr("CSV (.csv)"), "csv")
        for widget in (self.bom_box, self.safe_box, self.sketch_box):
            layout.addWidget(widget)
        self.json_note = QLabel(
            tr(
                "Every table of the case, the original files included (base64): a new case can be made "
                "from it exactly with “threadline import-json”."
            )
        )
        self.json_note.setWordWrap(True)
        layout.addWidget(self.json_note)
        return self.file_group

    def _preview_panel(self) -> QWidget:
        panel = QWidget()
        self.preview_panel = panel
        layout = QVBoxLayout(panel)
        self.preview_status = QLabel(tr("Preview"))
        self.preview_status.setObjectName("preview_status")
        self.preview_status.setWordWrap(True)
        self.preview_progress = QProgressBar()
        self.preview_progress.setObjectName("preview_progress")
        self.preview_progress.setVisible(False)
        self.thumbnails = QListWidget()
        self.thumbnails.setObjectName("preview_pages")
        self.thumbnails.setViewMode(QListWidget.ViewMode.ListMode)
        self.thumbnails.setIconSize(QSize(84, 118))
        self.thumbnails.setMaximumWidth(150)
        self.thumbnails.currentRowChanged.connect(self._show_page)
        self.page_label = QLabel()
        self.page_label.setObjectName("preview_page")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        page_scroll = QScrollArea()
        self.page_scroll = page_scroll
        page_scroll.setWidget(self.page_label)
        page_scroll.setWidgetResizable(True)
        page_scroll.setStyleSheet("QScrollArea { background: #8a8f96; }")
        row = QHBoxLayout()
        row.addWidget(self.thumbnails)
        row.addWidget(page_scroll, 1)
        layout.addWidget(self.preview_status)
        layout.addWidget(self.preview_progress)
        layout.addLayout(row, 1)
        return panel

    def _fill_choices(self) -> None:
        events = self.store.events
        for name in events.categories():
            self._add_check(self.category_list, name, name)
        for tag in events.event_tags():
            self._add_check(self.tag_list, tag.name, tag.name)
        for entity in self.store.entities.list_entities():
            if entity.events:
                self._add_check(self.entity_list, f"{entity.name} ({entity.type_key})", entity.id)

    def _add_check(self, widget: QListWidget, text: str, value: object) -> None:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        item.setData(Qt.ItemDataRole.UserRole, value)
        widget.blockSignals(True)
        widget.addItem(item)
        widget.blockSignals(False)

    def _filter_entities(self, text: str) -> None:
        needle = text.casefold().strip()
        for row in range(self.entity_list.count()):
            item = self.entity_list.item(row)
            item.setHidden(bool(needle) and needle not in item.text().casefold())

    # --- choices ----------------------------------------------------------------------------------------

    @property
    def export_format(self) -> ExportFormat:
        return ExportFormat(self.format_box.currentData())

    def _checked(self, widget: QListWidget) -> list[Any]:
        return [
            widget.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(widget.count())
            if widget.item(row).checkState() == Qt.CheckState.Checked
        ]

    def time_zone(self) -> str:
        """The zone as chosen; ``InvalidValue`` if there is no such zone."""
        name = self.zone_box.currentText().strip() or "UTC"
        try:
            zone_named(name)
        except ValueError:
            raise InvalidValue(tr("Times in: there is no time zone “{name}”.").format(name=name)) from None
        return name

    def filters(self) -> ReportFilters:
        """The filters as chosen; ``InvalidValue`` if a date cannot be read."""
        for edit, what in ((self.from_edit, tr("From")), (self.to_edit, tr("To"))):
            if edit.text().strip():
                try:
                    parse_user_input(edit.text())
                except InvalidValue as exc:
                    raise InvalidValue(f"{what}: {exc.message}") from None
        level = self.confidence_box.currentData()
        return ReportFilters(
            date_from=self.from_edit.text().strip() or None,
            date_to=self.to_edit.text().strip() or None,
            tags=tuple(self._checked(self.tag_list)),
            entity_ids=tuple(self._checked(self.entity_list)),
            categories=tuple(self._checked(self.category_list)),
            min_confidence=Confidence(level) if level else None,
            include_disputed=self.disputed_box.isChecked(),
            include_undated=self.undated_box.isChecked(),
        )

    def report_options(self) -> ReportOptions:
        parts = frozenset(part for part, box in self.part_boxes.items() if box.isChecked())
        return ReportOptions(
            filters=self.filters(),
            parts=parts,
            include_notes=self.notes_box.isChecked(),
            marking=self.marking_box.currentText().strip(),
            lanes=LaneGrouping(self.lanes_box.currentData()),
            time_zone=self.time_zone(),
        )

    def page_setup(self) -> Any:
        from app.export.pdf import PageSetup, Paper

        return PageSetup(Paper(self.paper_box.currentData()), bool(self.orientation_box.currentData()))

    def _format_changed(self) -> None:
        export_format = self.export_format
        pdf = export_format is ExportFormat.PDF
        self.parts_group.setVisible(pdf)
        self.page_group.setVisible(pdf or export_format is ExportFormat.TIMELINEJS)
        for widget in (self.paper_box, self.orientation_box, self.zone_box):
            widget.setEnabled(pdf)
        self.marking_box.setEnabled(pdf or export_format is ExportFormat.TIMELINEJS)
        self.lanes_label.setText(tr("Chart lanes:") if pdf else tr("Groups:"))
        self.filters_group.setVisible(export_format is not ExportFormat.JSON)
        self.file_group.setVisible(not pdf and export_format is not ExportFormat.TIMELINEJS)
        self.bom_box.setVisible(export_format is ExportFormat.CSV)
        self.safe_box.setVisible(export_format is ExportFormat.CSV)
        self.sketch_box.setVisible(export_format is ExportFormat.TIMESKETCH)
        self.json_note.setVisible(export_format is ExportFormat.JSON)
        self.preview_panel.setVisible(pdf)
        self._options_changed()

    def _options_changed(self) -> None:
        if self._validate() and self.export_format is ExportFormat.PDF:
            self._preview_timer.start()

    def _validate(self) -> bool:
        """Say what is wrong with the choices, if anything; Export is enabled only when nothing is."""
        try:
            self.filters()
            if self.export_format is ExportFormat.PDF:
                self.time_zone()
        except InvalidValue as exc:
            self.date_error.setText(exc.message)
            self.date_error.setVisible(True)
            self.export_button.setEnabled(False)
            return False
        self.date_error.setVisible(False)
        self.export_button.setEnabled(self._export_task is None)
        return True

    # --- preview ----------------------------------------------------------------------------------------

    def refresh_preview(self) -> None:
        """Lay out and draw the report as now chosen, in a child process; a preview under way is killed."""
        if self.export_format is not ExportFormat.PDF:
            return
        if self._preview_task is not None:
            self._preview_again = True
            self._preview_task.cancel()
            return
        try:
            options, setup = self.report_options(), self.page_setup()
        except InvalidValue:
            return
        self.preview_status.setText(tr("Laying out the report…"))
        self.preview_progress.setVisible(True)
        self.preview_progress.setRange(0, 0)
        self._incoming = []
        job = PdfJob(Path(self.store.path), options, setup, preview_dpi=PREVIEW_DPI, nice=BACKGROUND_NICE)
        task = ProcessTask(PDF_MODULE, job.to_json(), self, name="report preview")
        task.progressed.connect(lambda update: _show_progress(self.preview_progress, update))
        task.received.connect(self._preview_page)
        task.succeeded.connect(self._preview_ready)
        task.failed.connect(self._preview_failed)
        task.crashed.connect(self._preview_failed)
        task.finished.connect(self._preview_finished)
        self._preview_task = task
        task.start()

    def _preview_page(self, message: dict[str, Any]) -> None:
        """One page drawn by the child: shown at once (the first replaces the last preview's pages)."""
        if "png" not in message:
            return
        image = QImage.fromData(base64.b64decode(message["png"]), "PNG")
        first = not self._incoming
        self._incoming.append((int(message["page"]), image))
        if first:
            self._preview = None
            self.thumbnails.blockSignals(True)
            self.thumbnails.clear()
            self.thumbnails.blockSignals(False)
        icon = QIcon(
            QPixmap.fromImage(
                image.scaled(
                    84, 118, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
            )
        )
        self.thumbnails.addItem(QListWidgetItem(icon, tr("Page {n}").format(n=int(message["page"]) + 1)))
        if first:
            self.thumbnails.setCurrentRow(0)

    def _preview_ready(self, result: dict[str, Any]) -> None:
        summary = PdfSummary.from_mapping(result)
        counts = (summary.pages, summary.events, summary.quotes, summary.sources, summary.pid)
        preview = Preview(list(self._incoming), *counts)
        self._preview = preview
        shown = len(preview.pages)
        text = tr("{events} events, {quotes} quotes, {sources} sources: {pages} pages.").format(
            events=preview.events, quotes=preview.quotes, sources=preview.sources, pages=preview.page_count
        )
        if shown < preview.page_count:
            text += " " + tr("The preview shows the first {first} and the last {last}.").format(
                first=PREVIEW_FIRST, last=PREVIEW_LAST
            )
        self.preview_status.setText(text)
        self._show_page(max(self.thumbnails.currentRow(), 0))

    def _show_page(self, row: int) -> None:
        """The page, as wide as the view allows (never wider than drawn)."""
        pages = self._preview.pages if self._preview is not None else self._incoming
        if not 0 <= row < len(pages):
            self.page_label.clear()
            return
        image = pages[row][1]
        width = min(image.width(), max(self.page_scroll.viewport().width() - 16, 120))
        if width < image.width():
            image = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
        self.page_label.setPixmap(QPixmap.fromImage(image))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._show_page(self.thumbnails.currentRow())

    def _preview_failed(self, message: str) -> None:
        self.preview_status.setText(message)

    def _preview_finished(self) -> None:
        self.preview_progress.setVisible(False)
        task, self._preview_task = self._preview_task, None
        if task is not None:
            task.deleteLater()
        if self._preview_again:
            self._preview_again = False
            self.refresh_preview()

    # --- exporting --------------------------------------------------------------------------------------

    def _choose_path(self) -> None:
        export_format = self.export_format
        suffix = _SUFFIXES[export_format]
        if export_format is ExportFormat.TIMESKETCH and self.sketch_box.currentData() == "csv":
            suffix = ".timesketch.csv"
        stem = re.sub(r"[\\/:*?\"<>|]+", "-", self.store.case_info().title).strip() or "case"
        suggested = str(Path(self.store.path).with_name(stem + suffix))
        path, _filter = QFileDialog.getSaveFileName(self, tr("Export to"), suggested)
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> ProcessTask | Task | None:
        """Export in the chosen format to ``path``, off the GUI thread; returns the task (None if the
        choices are not valid, which the status line then says)."""
        try:
            task = self._pdf_task(path) if self.export_format is ExportFormat.PDF else self._data_task(path)
        except InvalidValue as exc:
            self.status.setText(exc.message)
            return None
        self.status.setText(tr("Exporting to {path}…").format(path=path))
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.export_button.setEnabled(False)
        self.close_button.setText(tr("Cancel"))
        task.progressed.connect(lambda update: _show_progress(self.progress, update))
        task.failed.connect(self._export_failed)
        task.crashed.connect(self._export_failed)
        task.cancelled.connect(lambda: self.status.setText(tr("Export cancelled; nothing was written.")))
        task.finished.connect(self._export_finished)
        self._export_task = task
        task.start()
        return task

    def _pdf_task(self, path: Path) -> ProcessTask:
        """The report written by a child process to a hidden file beside ``path``, moved into place here."""
        partial = path.with_name(f".{path.name}.{os.getpid()}.exporting")
        job = PdfJob(
            Path(self.store.path), self.report_options(), self.page_setup(), out=partial, nice=BACKGROUND_NICE
        )
        task = ProcessTask(
            PDF_MODULE, job.to_json(), self, name="export", cleanup=[partial, partial_path(partial)]
        )
        task.succeeded.connect(
            lambda result: self._pdf_written(PdfSummary.from_mapping(result), partial, path)
        )
        self._hidden_names = {str(partial_path(partial)): str(path), str(partial): str(path)}
        return task

    def _pdf_written(self, summary: PdfSummary, partial: Path, path: Path) -> None:
        self.last_pdf = summary
        try:
            os.replace(partial, path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            self.status.setText(
                tr("Cannot write the PDF to {path}: {why}.").format(path=path, why=exc.strerror or exc)
            )
            return
        self._exported(
            (
                tr("Wrote {path}: {pages} pages, {size} KB.").format(
                    path=path, pages=summary.pages, size=f"{summary.size // 1024:,}"
                ),
                path,
            )
        )

    def _data_task(self, path: Path) -> Task:
        self._hidden_names = {}
        task = Task(self._export_work(path), self, name="export")
        task.succeeded.connect(self._exported)
        return task

    def _export_work(self, path: Path) -> Callable[[ProgressSink, CancelToken], Any]:
        """The work of exporting an open format (pure Python, on a worker thread)."""
        store = self.store
        export_format = self.export_format
        if export_format is ExportFormat.JSON:

            def whole(progress: ProgressSink, cancel: CancelToken) -> Any:
                from app.export.case_json import export_case_json

                result = export_case_json(store, path, progress=progress, cancel=cancel)
                return tr("Wrote the whole case to {path}.").format(path=result.path), result.path

            return whole
        filters = self.filters()
        if export_format is ExportFormat.CSV:
            bom, safe = self.bom_box.isChecked(), self.safe_box.isChecked()

            def rows(progress: ProgressSink, cancel: CancelToken) -> Any:
                from app.export.csv_events import export_events_csv

                result = export_events_csv(
                    store, path, filters=filters, bom=bom, excel_safe=safe, progress=progress, cancel=cancel
                )
                return tr("Wrote {count} events to {path}.").format(
                    count=result.items, path=result.path
                ), result.path

            return rows
        if export_format is ExportFormat.TIMELINEJS:
            options = ReportOptions(
                filters=filters,
                marking=self.marking_box.currentText().strip(),
                lanes=LaneGrouping(self.lanes_box.currentData()),
            )

            def timeline(progress: ProgressSink, cancel: CancelToken) -> Any:
                from app.export.timelinejs import export_timelinejs

                result = export_timelinejs(store, path, options, progress=progress, cancel=cancel)
                return _written(result), result.path

            return timeline
        as_csv = self.sketch_box.currentData() == "csv"

        def sketch(progress: ProgressSink, cancel: CancelToken) -> Any:
            from app.export.timesketch import export_timesketch

            result = export_timesketch(
                store, path, filters=filters, as_csv=as_csv, progress=progress, cancel=cancel
            )
            return _written(result), result.path

        return sketch

    def _exported(self, outcome: tuple[str, Path]) -> None:
        message, path = outcome
        self.status.setText(message)
        self.exported.emit(str(path))

    def _export_failed(self, message: str) -> None:
        for hidden, chosen in self._hidden_names.items():  # the user knows the file they chose
            message = message.replace(hidden, chosen)
        self.status.setText(message)

    def _export_finished(self) -> None:
        self.progress.setVisible(False)
        self.close_button.setText(tr("Close"))
        task, self._export_task = self._export_task, None
        if task is not None:
            task.deleteLater()
        self._validate()  # the choices have not changed: the preview stands

    def _cancel_or_close(self) -> None:
        if self._export_task is not None:
            self._export_task.cancel()
            return
        self.reject()

    # --- closing ----------------------------------------------------------------------------------------

    def done(self, result: int) -> None:
        self._stop_tasks()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop_tasks()
        super().closeEvent(event)

    def _stop_tasks(self) -> None:
        self._preview_timer.stop()
        self._preview_again = False
        tasks, self._preview_task, self._export_task = (self._preview_task, self._export_task), None, None
        for task in tasks:
            if task is not None:
                task.blockSignals(True)  # the dialog is going: no slot of it runs from inside its closing
                task.cancel_and_wait()  # a killed export still removes its partial file


def _show_progress(bar: QProgressBar, update: ProgressUpdate) -> None:
    if update.total <= 0:
        bar.setRange(0, 0)
        return
    bar.setRange(0, update.total)
    bar.setValue(min(update.done, update.total))
    bar.setFormat(f"{update.current} %p%" if update.current else "%p%")


def _written(result: Any) -> str:
    text = tr("Wrote {count} to {path}.").format(count=result.items, path=result.path)
    if result.skipped:
        text += " " + tr("{n} undated event(s) left out: the format needs a date.").format(n=result.skipped)
    return text
