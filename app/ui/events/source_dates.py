"""Dates in the source being read: subtle underlines in the reader, and a list that turns one into an event.

The store finds a source's date expressions (``EventRepository.dates_in``, which extracts them on first
use, so it runs on a worker thread) and the reader shows each under a thin dotted line, its highlight kind
``HighlightKind.DATE``: painted under the text and below the line's descent, so Arabic and Hebrew marks stay
clear of it, and search hits, mentions and the current quote are drawn over it as they are.

Underneath the event editor, "Dates in this source" lists them in reading order: the words as written and how
they were read. Clicking a row shows it in the reader; clicking "+ Event" makes an event at that date with the
sentence around it as supporting evidence (and the entities mentioned in that sentence as participants).
Expressions that cannot be resolved (a relative date in a source without a publication date) are listed
greyed, with the reason, and make no event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from app.core.dates import display
from app.core.event_records import SourceDateRecord
from app.ui.date_edit import ui_language
from app.ui.events.formatting import tr
from app.ui.reader import HighlightKind, ReaderView
from app.ui.sources_dock import BidiItemDelegate

ModelIndex = QModelIndex | QPersistentModelIndex


def underline_dates(reader: ReaderView, dates: Sequence[SourceDateRecord]) -> int:
    """Underline ``dates`` in the reader (``HighlightKind.DATE``: a subtle dotted line below the text),
    replacing earlier ones; returns how many. Offsets are code points of the stored text."""
    reader.highlight([(found.start, found.end) for found in dates], HighlightKind.DATE)
    return len(reader.highlighted_spans(HighlightKind.DATE))


def underlined_spans(reader: ReaderView) -> list[tuple[int, int]]:
    """The code-point spans drawn underlined as dates (for tests and accessibility)."""
    return reader.highlighted_spans(HighlightKind.DATE)


class SourceDatesModel(QAbstractTableModel):
    """The date expressions of one source: as written, how read, and the "+ Event" action."""

    WRITTEN, READING, ACTION = range(3)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dates: list[SourceDateRecord] = []
        self._readings: list[str] = []

    def set_dates(self, dates: Sequence[SourceDateRecord]) -> None:
        self.beginResetModel()
        self._dates = list(dates)
        language = ui_language()
        self._readings = [
            display(found.value, language) if found.value is not None else found.note or tr("cannot be read")
            for found in self._dates
        ]
        self.endResetModel()

    def dates(self) -> list[SourceDateRecord]:
        return list(self._dates)

    def date_at(self, row: int) -> SourceDateRecord:
        return self._dates[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._dates)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {self.WRITTEN: tr("As written"), self.READING: tr("Reads as"), self.ACTION: ""}.get(section)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if self._dates[index.row()].value is not None or index.column() != self.ACTION:
            flags |= Qt.ItemFlag.ItemIsEnabled
        return flags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._dates):
            return None
        found = self._dates[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.WRITTEN:
                return " ".join(found.text.split())
            if column == self.READING:
                return self._readings[index.row()]
            return tr("+ Event") if found.value is not None else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.ACTION and found.value is not None:
                return tr("New event on this date, with the sentence around it as evidence")
            parts = [found.edtf or "", found.note]
            if found.inferred:
                parts.append(tr("part of the date comes from elsewhere in the source"))
            return "\n".join(part for part in parts if part) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            if found.value is None:
                return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
            if column == self.ACTION:
                return QGuiApplication.palette().color(QPalette.ColorRole.Link)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
        return None


class SourceDatesPanel(QWidget):
    """ "Dates in this source": the list, its heading, and what a click asks for."""

    create_requested = Signal(object)  # SourceDateRecord: make an event at this date
    show_requested = Signal(object)  # SourceDateRecord: show it in the reader

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("source_dates_panel")
        self.heading = QLabel(tr("Dates in this source"), self)
        self.heading.setObjectName("source_dates_heading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.model = SourceDatesModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("source_dates_view")
        self.view.setModel(self.model)
        self.view.setItemDelegate(BidiItemDelegate(self.view))
        self.view.verticalHeader().hide()
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(SourceDatesModel.WRITTEN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SourceDatesModel.READING, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(SourceDatesModel.ACTION, QHeaderView.ResizeMode.ResizeToContents)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        self.view.clicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(2)
        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("source_dates_empty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeading)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label, 1)
        self.show_dates(None, [])

    def show_dates(self, source_title: str | None, dates: Sequence[SourceDateRecord]) -> None:
        self.model.set_dates(dates)
        if source_title is None:
            self.heading.setText(tr("Dates in this source"))
            self.heading.setToolTip(tr("Open a source in the reader to see the dates it mentions."))
            self.empty_label.setText(tr("Open a source in the reader to see the dates it mentions."))
        else:
            self.heading.setText(tr("Dates in this source ({count})").format(count=len(dates)))
            self.heading.setToolTip(source_title)
            self.empty_label.setText(
                tr(
                    "No dates found in this source. Dates it writes out (31 July 2023, 31.07.2023, "
                    "“last March” …) are listed here, each one click from an event."
                )
            )
        self.view.setVisible(bool(dates))
        self.empty_label.setVisible(not dates)

    def _clicked(self, index: QModelIndex) -> None:
        found = self.model.date_at(index.row())
        if index.column() == SourceDatesModel.ACTION:
            if found.value is not None:
                self.create_requested.emit(found)
        else:
            self.show_requested.emit(found)
