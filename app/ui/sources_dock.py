"""The Sources dock: every source of the case in a sortable table, with a title filter and kind/language.

Selecting one row (by click, keys or ``select_source``) or activating it (double-click, Enter) announces
that source so the main window can open it in the reader. Titles read in their own direction: a Hebrew or
Arabic title is laid out right-to-left and starts at the cell's right edge (``BidiItemDelegate``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.records import SourceKind
from app.store import CaseStore
from app.ui.reader import paragraph_direction
from app.ui.sources_model import (
    Column,
    SourcesModel,
    format_size,
    format_timestamp,
    kind_label,
    language_name,
    plural,
)
from app.ui.store_bridge import StoreBridge

FILTER_DELAY_MS = 200
#: Offered in the language filter; the languages Threadline is built for, and "und" for unknown.
FILTER_LANGUAGES = ("he", "ar", "en", "ru", "und")
#: Which columns stay when the dock is too narrow for all of them (first kept longest); the title always
#: stays and keeps at least TITLE_MIN_EMS of room.
COLUMN_PRIORITY = (
    Column.PUBLISHED,
    Column.RELIABILITY,
    Column.LANGUAGE,
    Column.KIND,
    Column.IMPORTED,
    Column.SIZE,
)
TITLE_MIN_EMS = 22
_DIRECTION_CACHE = 5_000

ModelIndex = QModelIndex | QPersistentModelIndex


class BidiItemDelegate(QStyledItemDelegate):
    """Lays out each cell's text in the direction of its first strong character.

    Qt's item views use the widget's direction for every cell, so in a left-to-right window a Hebrew
    title would be a left-to-right paragraph: left-aligned, with its Latin and number runs in the wrong
    order. With ``AlignLeading`` from the model, a right-to-left cell then also aligns right; its icon
    stays on the left, in line with the others.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._directions: dict[str, Qt.LayoutDirection | None] = {}

    def initStyleOption(self, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        super().initStyleOption(option, index)
        direction = self._direction(option.text)
        if direction is not None:
            option.direction = direction
            if direction == Qt.LayoutDirection.RightToLeft:  # keep icons in one column, on the left
                option.decorationPosition = QStyleOptionViewItem.Position.Right

    def _direction(self, text: str) -> Qt.LayoutDirection | None:
        """Remembered per text: a repaint asks again for every visible row."""
        if text not in self._directions:
            if len(self._directions) > _DIRECTION_CACHE:
                self._directions.clear()
            self._directions[text] = paragraph_direction(text) if text else None
        return self._directions[text]


class SourcesView(QTableView):
    """The table, with a hint painted over it while it is empty."""

    resized = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder = ""

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if self.placeholder and model is not None and model.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            area = self.viewport().rect().adjusted(16, 24, -16, -16)
            flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
            painter.drawText(QRect(area), int(flags), self.placeholder)
            painter.end()


class SourcesDock(QDockWidget):
    """A dock listing the sources of the open case; see the module docstring."""

    source_activated = Signal(int)  # open this source in the reader
    selection_changed = Signal(list)  # ids of the selected sources, in display order

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Sources"), parent)
        self.setObjectName("sources_dock")
        self.model = SourcesModel(self)
        self._store: CaseStore | None = None
        self._quiet = False  # selecting programmatically: do not announce an activation
        self._last_announced: int | None = None
        self.filter_edit = QLineEdit()
        self.kind_combo = QComboBox()
        self.language_combo = QComboBox()
        self.count_label = QLabel()
        self.view = SourcesView()
        self._widths: dict[Column, int] = {}  # each column's width when shown
        self._user_hidden: set[Column] = set()  # hidden from the header's menu
        self._fitting = False
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self._build()
        self._connect()
        self._update_enabled()
        self._update_count()

    # --- building ------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.filter_edit.setObjectName("sources_filter")
        self.filter_edit.setPlaceholderText(self.tr("Filter by title"))
        self.filter_edit.setClearButtonEnabled(True)
        self.kind_combo.setObjectName("sources_kind")
        self.kind_combo.addItem(self.tr("All kinds"), None)
        for kind in SourceKind:
            self.kind_combo.addItem(kind_label(kind), kind)
        self.language_combo.setObjectName("sources_language")
        self.language_combo.addItem(self.tr("All languages"), None)
        for code in FILTER_LANGUAGES:
            self.language_combo.addItem(language_name(code), code)
        self.count_label.setObjectName("sources_count")
        self.count_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._build_view()
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.filter_edit, 3)
        filters.addWidget(self.kind_combo, 1)
        filters.addWidget(self.language_combo, 1)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)
        self.setWidget(body)

    def _build_view(self) -> None:
        view = self.view
        view.setObjectName("sources_view")
        view.setModel(self.model)
        view.setItemDelegateForColumn(Column.TITLE, BidiItemDelegate(view))  # the other columns are ours
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setShowGrid(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # measuring rows would load them all
        rows.setDefaultSectionSize(view.fontMetrics().height() + 10)
        header = view.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setSortIndicatorClearable(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        self._size_columns()
        header.setSortIndicator(Column.IMPORTED, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        header.sectionResized.connect(self._remember_width)
        view.resized.connect(self.fit_columns)

    def _size_columns(self) -> None:
        """Wide enough for the header and the longest value each column usually holds."""
        metrics = self.view.fontMetrics()
        samples = {
            Column.KIND: [kind_label(kind) for kind in SourceKind],
            Column.LANGUAGE: [language_name(code) for code in FILTER_LANGUAGES],
            Column.PUBLISHED: ["2023-07-31"],
            Column.IMPORTED: [format_timestamp(datetime(2026, 12, 31, 23, 59, tzinfo=UTC))],
            Column.SIZE: [format_size(999_900)],
            Column.RELIABILITY: ["A"],
        }
        header = self.view.horizontalHeader()
        for column, texts in samples.items():
            title = self.model.headerData(column, Qt.Orientation.Horizontal)
            widest = max(metrics.horizontalAdvance(text) for text in texts)
            title_width = header.fontMetrics().horizontalAdvance(title) + 28  # room for the sort arrow
            self._widths[column] = max(widest + 16, title_width)
            self.view.setColumnWidth(column, self._widths[column])

    # --- columns that fit ----------------------------------------------------------------------------------

    def fit_columns(self) -> None:
        """Show the columns the user wants that fit beside a readable title, in ``COLUMN_PRIORITY`` order.

        A dock is often narrow; rather than squeezing the title to nothing, the least useful columns step
        aside and come back when the dock grows. The header's context menu hides or shows any column.
        """
        room = self.view.viewport().width() - TITLE_MIN_EMS * self.view.fontMetrics().horizontalAdvance("M")
        self._fitting = True
        try:
            for column in COLUMN_PRIORITY:
                width = self._widths[column]
                shown = column not in self._user_hidden and width <= room
                if shown:
                    room -= width
                self.view.setColumnHidden(column, not shown)
                if shown and self.view.columnWidth(column) != width:
                    self.view.setColumnWidth(column, width)
        finally:
            self._fitting = False

    def hidden_columns(self) -> list[str]:
        """Columns the user hid (by name), for the window's settings."""
        return sorted(column.name.lower() for column in self._user_hidden)

    def set_hidden_columns(self, names: list[str]) -> None:
        self._user_hidden = {column for column in COLUMN_PRIORITY if column.name.lower() in names}
        self.fit_columns()

    def _remember_width(self, section: int, old: int, new: int) -> None:
        if not self._fitting and new > 0 and section != Column.TITLE:
            self._widths[Column(section)] = new

    def _column_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        for column in sorted(COLUMN_PRIORITY):
            action = menu.addAction(str(self.model.headerData(column, Qt.Orientation.Horizontal)))
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

    def _connect(self) -> None:
        self.filter_edit.textChanged.connect(self._filter_timer.start)
        self.filter_edit.returnPressed.connect(self.apply_filter)
        self.kind_combo.currentIndexChanged.connect(self.apply_filter)
        self.language_combo.currentIndexChanged.connect(self.apply_filter)
        self.view.activated.connect(self._on_activated)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        self.model.rowsRemoved.connect(self._update_count)

    # --- the store -----------------------------------------------------------------------------------------

    def set_store(self, store: CaseStore | None, bridge: StoreBridge | None) -> None:
        self._store = store
        self._filter_timer.stop()
        self._last_announced = None
        self.model.set_store(store, bridge)
        self._update_enabled()
        self._update_count()
        self.selection_changed.emit([])

    def _update_enabled(self) -> None:
        has_case = self._store is not None
        for widget in (self.filter_edit, self.kind_combo, self.language_combo, self.view):
            widget.setEnabled(has_case)

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        if self._store is None:
            self.count_label.setText(self.tr("No case open"))
            self.view.placeholder = ""
        elif self.model.is_filtered():
            total = self._store.count_sources()
            self.count_label.setText(self.tr("{shown} of {total} sources").format(shown=shown, total=total))
            self.view.placeholder = self.tr("No source matches the filter.")
        else:
            self.count_label.setText(plural(self.tr("%n source(s)", "", shown), shown))
            self.view.placeholder = self.tr(
                "No sources yet.\nDrop files or folders here, or paste text as a new source."
            )
        self.view.viewport().update()

    # --- filtering -----------------------------------------------------------------------------------------

    def apply_filter(self) -> None:
        """Apply the filter line and combos now (the line applies itself 200 ms after the last key)."""
        self._filter_timer.stop()
        selected, current = self.selected_ids(), self._current_id()
        self.model.set_filter(
            text=self.filter_edit.text(),
            kind=self.kind_combo.currentData(),
            language=self.language_combo.currentData(),
        )
        self._restore_selection(selected, current)

    def clear_filter(self) -> None:
        for widget in (self.filter_edit, self.kind_combo, self.language_combo):
            widget.blockSignals(True)
        self.filter_edit.clear()
        self.kind_combo.setCurrentIndex(0)
        self.language_combo.setCurrentIndex(0)
        for widget in (self.filter_edit, self.kind_combo, self.language_combo):
            widget.blockSignals(False)
        self.apply_filter()

    def _restore_selection(self, selected: list[int], current: int | None) -> None:
        selection = QItemSelection()
        for source_id in selected:
            row = self.model.row_of(source_id)
            if row is not None:
                selection.select(self.model.index(row, 0), self.model.index(row, len(Column) - 1))
        self._quiet = True
        try:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
            self.view.selectionModel().select(selection, flags)
            row = self.model.row_of(current) if current is not None else None
            if row is not None:
                self.view.selectionModel().setCurrentIndex(
                    self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate
                )
        finally:
            self._quiet = False
        self.selection_changed.emit(self.selected_ids())

    # --- selection and activation --------------------------------------------------------------------------

    def select_source(self, source_id: int) -> bool:
        """Select and show ``source_id`` without announcing it (the caller already opened it).

        A source hidden by the filter clears the filter. Returns False if the case has no such source.
        """
        row = self.model.row_of(source_id)
        if row is None and self.model.is_filtered():
            self.clear_filter()
            row = self.model.row_of(source_id)
        if row is None:
            return False
        index = self.model.index(row, Column.TITLE)
        self._quiet = True
        try:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            self.view.selectionModel().setCurrentIndex(index, flags)
        finally:
            self._quiet = False
        self._last_announced = source_id
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        return [self.model.source_id_at(row) for row in rows]

    def _current_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.source_id_at(index.row()) if index.isValid() else None

    def _on_selection_changed(self) -> None:
        selected = self.selected_ids()
        self.selection_changed.emit(selected)
        if not self._quiet and len(selected) == 1 and selected[0] != self._last_announced:
            self._last_announced = selected[0]
            self.source_activated.emit(selected[0])

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self._last_announced = self.model.source_id_at(index.row())
            self.source_activated.emit(self._last_announced)
