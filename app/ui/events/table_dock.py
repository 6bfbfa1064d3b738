"""The Events dock: the filtered events as a sortable table, one row per event.

The table is a view of ``EventsTableModel`` (ids plus a lazily filled row cache), so it scrolls through
100,000 events without holding them. Selecting a row announces the event (``event_selected``); double-click
or Enter asks for the editor (``event_activated``). ``select`` by the program moves the selection without
announcing it. Titles and participants read in their own direction (``BidiItemDelegate``).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QHeaderView, QMenu, QTableView, QWidget

from app.ui.events.formatting import tr
from app.ui.events.table_model import SORTABLE, Column, EventsTableModel, column_title
from app.ui.sources_dock import BidiItemDelegate

#: Starting widths in "M"s of the view's font; the title gets the room left (at least TITLE_MIN_EMS).
_WIDTHS_EM = {
    Column.DATE: 10,
    Column.CATEGORY: 6,
    Column.CONFIDENCE: 7,
    Column.DISPUTED: 6,
    Column.EVIDENCE: 6,
    Column.PARTICIPANTS: 10,
}
TITLE_MIN_EMS = 12
#: The date column grows to its longest date ("c. 31 July 2023, 22:40", "31 Jul – 2 Aug 2023") up to this,
#: measured over at most DATE_SAMPLE_ROWS rows, until the user sets its width.
DATE_MAX_EMS = 24
DATE_SAMPLE_ROWS = 300
#: Which columns stay when the dock is too narrow for all of them (first kept longest).
COLUMN_PRIORITY = (
    Column.DATE,
    Column.CONFIDENCE,
    Column.DISPUTED,
    Column.EVIDENCE,
    Column.CATEGORY,
    Column.PARTICIPANTS,
)


class EventsTableView(QTableView):
    activated_by_key = Signal(QModelIndex)
    resized = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_by_key.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()


class EventsTableDock(QDockWidget):
    event_selected = Signal(int)
    event_activated = Signal(int)
    context_requested = Signal(int, QPoint)  # right click on a row (selected first): id, screen position

    def __init__(self, model: EventsTableModel, parent: QWidget | None = None) -> None:
        super().__init__(tr("Events"), parent)
        self.setObjectName("event_table_dock")
        self.model = model
        self._echo = False
        self._fitting = False
        self._user_hidden: set[Column] = set()
        view = EventsTableView(self)
        view.setObjectName("event_table")
        view.setModel(model)
        view.setItemDelegate(BidiItemDelegate(view))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSortingEnabled(True)
        view.setWordWrap(False)
        view.setShowGrid(False)
        view.setAlternatingRowColors(True)
        view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = view.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(view.fontMetrics().height() + 8)
        vertical.setResizeContentsPrecision(DATE_SAMPLE_ROWS)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(int(Column.TITLE), QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.setSortIndicator(int(Column.DATE), Qt.SortOrder.AscendingOrder)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        em = view.fontMetrics().horizontalAdvance("M")
        self._widths = {column: round(width * em) for column, width in _WIDTHS_EM.items()}
        header.sectionResized.connect(self._remember_width)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        view.resized.connect(self.fit_columns)
        view.doubleClicked.connect(self._activated)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._row_menu)
        view.activated_by_key.connect(self._activated)
        selection = view.selectionModel()
        assert selection is not None
        selection.currentRowChanged.connect(self._current_changed)
        model.modelReset.connect(self.fit_columns)
        self._date_sized_by_user = False
        self._date_timer = QTimer(self)
        self._date_timer.setSingleShot(True)
        self._date_timer.timeout.connect(self.fit_date_column)
        for signal in (model.modelReset, model.rowsInserted, model.dataChanged):
            signal.connect(self._date_timer.start)
        self.view = view
        self.setWidget(view)
        self.fit_columns()

    # --- columns -------------------------------------------------------------------------------------

    def fit_columns(self) -> None:
        """Show the columns the user wants that fit beside a readable title, in ``COLUMN_PRIORITY`` order;
        the others step aside until the dock grows. The header's context menu hides or shows any column."""
        em = self.view.fontMetrics().horizontalAdvance("M")
        room = self.view.viewport().width() - TITLE_MIN_EMS * em
        self._fitting = True
        try:
            for column in COLUMN_PRIORITY:
                width = self._widths[column]
                shown = column not in self._user_hidden and width <= room
                if shown:
                    room -= width
                self.view.setColumnHidden(int(column), not shown)
                if shown and self.view.columnWidth(int(column)) != width:
                    self.view.setColumnWidth(int(column), width)
        finally:
            self._fitting = False

    def fit_date_column(self) -> None:
        """Give the date column the width of its longest date (so "31 July 2023, 22:40" is not cut to
        "31 July 2023, 22:…"), within ``DATE_MAX_EMS``; a width the user set stays."""
        if self._date_sized_by_user or self.model.rowCount() == 0:
            return
        em = self.view.fontMetrics().horizontalAdvance("M")
        wanted = max(
            self.view.sizeHintForColumn(int(Column.DATE)) + em // 2,
            self.view.horizontalHeader().sectionSizeHint(int(Column.DATE)),
            round(_WIDTHS_EM[Column.DATE] * em),
        )
        wanted = min(wanted, DATE_MAX_EMS * em)
        if wanted != self._widths[Column.DATE]:
            self._widths[Column.DATE] = wanted
            self.fit_columns()

    def shown_columns(self) -> list[Column]:
        return [column for column in Column if not self.view.isColumnHidden(int(column))]

    def _remember_width(self, section: int, _old: int, new: int) -> None:
        if not self._fitting and new > 0 and section != Column.TITLE:
            self._widths[Column(section)] = new
            self._date_sized_by_user |= section == Column.DATE

    def _column_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        for column in sorted(COLUMN_PRIORITY):
            action = menu.addAction(column_title(column))
            action.setCheckable(True)
            action.setChecked(column not in self._user_hidden)
            action.toggled.connect(lambda checked, column=column: self._toggle_column(column, checked))
        menu.popup(self.view.horizontalHeader().mapToGlobal(position))

    def _toggle_column(self, column: Column, shown: bool) -> None:
        if shown:
            self._user_hidden.discard(column)
        else:
            self._user_hidden.add(column)
        self.fit_columns()

    def _sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        """A column that does not sort puts the indicator back where the order really is."""
        if column in SORTABLE:
            return
        current, descending = self.model.sort_order()
        header = self.view.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(
            int(current), Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        )
        header.blockSignals(False)

    # --- selection -----------------------------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._echo or not current.isValid():
            return
        self.event_selected.emit(self.model.event_id_at(current.row()))

    def _row_menu(self, position: QPoint) -> None:
        index = self.view.indexAt(position)
        if not index.isValid():
            return
        event_id = self.model.event_id_at(index.row())
        if self.selected_event() != event_id:
            self.view.selectRow(index.row())  # announced as a selection, so the editor follows
        viewport = self.view.viewport()
        assert viewport is not None
        self.context_requested.emit(event_id, viewport.mapToGlobal(position))

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.event_activated.emit(self.model.event_id_at(index.row()))

    def select(self, event_id: int | None) -> None:
        """Select the event's row and scroll to it, without announcing it."""
        selection = self.view.selectionModel()
        assert selection is not None
        row = None if event_id is None else self.model.row_of(event_id)
        self._echo = True
        try:
            if row is None:
                selection.clearSelection()
                return
            index = self.model.index(row, int(Column.TITLE))
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            selection.setCurrentIndex(index, flags)
            self.view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        finally:
            self._echo = False

    def selected_event(self) -> int | None:
        current = self.view.currentIndex()
        selection = self.view.selectionModel()
        if not current.isValid() or selection is None or not selection.isRowSelected(current.row()):
            return None
        return self.model.event_id_at(current.row())
