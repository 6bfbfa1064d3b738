"""The Entities dock: every entity of the case in a sortable table, filtered by type and by any alias,
and under it the identifiers found in the source open in the reader.

Double-click (or Enter) opens an entity's page. The dock's buttons and context menu reach the window's
entity commands (new, find mentions, merge, delete). An identifier is tagged with one click on its "Tag"
cell: the value becomes an identifier entity (or a mention of the one the case has) at that place.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.store.entities import IdentifierOffer
from app.ui.entities.catalogue import SWATCH, EntityCatalogue
from app.ui.entities.models import EntitiesModel, EntityColumn, IdentifierColumn, IdentifiersModel
from app.ui.entities.words import counted, tr, type_label
from app.ui.sources_dock import BidiItemDelegate, SourcesView

FILTER_DELAY_MS = 200
NAME_MIN_EMS = 12
COUNT_COLUMNS = (EntityColumn.MENTIONS, EntityColumn.SOURCES, EntityColumn.EVENTS)  # kept in this order


class EntitiesDock(QDockWidget):
    """See the module docstring."""

    entity_activated = Signal(int)  # open the entity's page
    selection_changed = Signal(list)  # ids of the selected entities
    identifier_tag_requested = Signal(object)  # IdentifierOffer
    identifier_activated = Signal(object)  # IdentifierOffer: show it in the reader

    def __init__(self, catalogue: EntityCatalogue, parent: QWidget | None = None) -> None:
        super().__init__(tr("Entities"), parent)
        self.setObjectName("entities_dock")
        self.catalogue = catalogue
        self.model = EntitiesModel(catalogue, self)
        self.identifiers = IdentifiersModel(self)
        self.filter_edit = QLineEdit()
        self.type_combo = QComboBox()
        self.view = SourcesView()
        self.count_label = QLabel()
        self.identifiers_view = SourcesView()
        self.identifiers_label = QLabel()
        self.menu_actions: list[QAction] = []
        self._widths: dict[EntityColumn, int] = {}
        self.selection_actions: list[QAction] = []
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self._buttons = QHBoxLayout()
        self._build()
        self._connect()
        self._fill_types()
        self._update_count()

    # --- building ------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.filter_edit.setObjectName("entities_filter")
        self.filter_edit.setPlaceholderText(tr("Filter by any name"))
        self.filter_edit.setClearButtonEnabled(True)
        self.type_combo.setObjectName("entities_type")
        self.count_label.setObjectName("entities_count")
        self.count_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._build_view()
        self._build_identifiers()
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.filter_edit, 3)
        filters.addWidget(self.type_combo, 2)
        self._buttons.setContentsMargins(0, 0, 0, 0)
        self._buttons.setSpacing(2)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(4)
        top_layout.addLayout(filters)
        top_layout.addWidget(self.view, 1)
        bottom_row = QHBoxLayout()
        bottom_row.setContentsMargins(0, 0, 0, 0)
        bottom_row.addWidget(self.count_label, 1)
        bottom_row.addLayout(self._buttons)
        top_layout.addLayout(bottom_row)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.setSpacing(2)
        bottom_layout.addWidget(self.identifiers_label)
        bottom_layout.addWidget(self.identifiers_view, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("entities_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        self.setWidget(body)

    def _build_view(self) -> None:
        view = self.view
        view.setObjectName("entities_view")
        view.setModel(self.model)
        view.setItemDelegateForColumn(EntityColumn.NAME, BidiItemDelegate(view))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setShowGrid(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        rows = view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(view.fontMetrics().height() + 10)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(EntityColumn.NAME, QHeaderView.ResizeMode.Stretch)
        view.setIconSize(QSize(SWATCH + 20, 16))
        type_title = header.fontMetrics().horizontalAdvance(
            str(self.model.headerData(0, Qt.Orientation.Horizontal))
        )
        view.setColumnWidth(EntityColumn.TYPE, max(SWATCH + 20 + 16, type_title + 24))
        for column in COUNT_COLUMNS:
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            self._widths[column] = header.fontMetrics().horizontalAdvance(title) + 24
            view.setColumnWidth(column, self._widths[column])
        header.setSortIndicator(EntityColumn.NAME, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
        view.resized.connect(self.fit_columns)

    def fit_columns(self) -> None:
        """The counts that fit beside a readable name; Events steps aside first, then Sources."""
        view = self.view
        room = view.viewport().width() - view.columnWidth(EntityColumn.TYPE)
        room -= NAME_MIN_EMS * view.fontMetrics().horizontalAdvance("M")
        for column in COUNT_COLUMNS:
            shown = self._widths[column] <= room
            if shown:
                room -= self._widths[column]
            view.setColumnHidden(column, not shown)
            if shown and view.columnWidth(column) != self._widths[column]:
                view.setColumnWidth(column, self._widths[column])

    def _build_identifiers(self) -> None:
        self.identifiers_label.setObjectName("identifiers_label")
        self.identifiers_label.setText(tr("Identifiers in this source"))
        self.identifiers_label.setToolTip(
            tr("URLs, e-mail addresses, phone numbers, IP addresses, coordinates, @handles and #hashtags.")
        )
        view = self.identifiers_view
        view.setObjectName("identifiers_view")
        view.setModel(self.identifiers)
        view.placeholder = tr("Open a source to see the identifiers in it.")
        view.setItemDelegateForColumn(IdentifierColumn.TEXT, BidiItemDelegate(view))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setShowGrid(False)
        view.setWordWrap(False)
        view.setMouseTracking(True)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
        view.horizontalHeader().hide()  # kind, value and "Tag" say what they are
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(IdentifierColumn.KIND, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(IdentifierColumn.TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(IdentifierColumn.ACTION, QHeaderView.ResizeMode.ResizeToContents)

    def add_button_actions(self, buttons: list[tuple[str, QAction]]) -> None:
        """Short buttons under the table for the window's entity commands (enabled as the action is)."""
        for text, action in buttons:
            button = QToolButton(self)
            button.setObjectName(f"entities_{action.objectName()}")
            button.setText(text)
            button.setToolTip(action.text().replace("&", ""))
            button.setAutoRaise(True)
            button.setEnabled(action.isEnabled())
            button.clicked.connect(action.trigger)
            action.changed.connect(lambda button=button, action=action: button.setEnabled(action.isEnabled()))
            self._buttons.addWidget(button)

    def _connect(self) -> None:
        self.filter_edit.textChanged.connect(self._filter_timer.start)
        self.filter_edit.returnPressed.connect(self.apply_filter)
        self.type_combo.currentIndexChanged.connect(self.apply_filter)
        self.view.activated.connect(self._activated)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().selectionChanged.connect(
            lambda *_: self.selection_changed.emit(self.selected_ids())
        )
        self.identifiers_view.clicked.connect(self._identifier_clicked)
        self.identifiers_view.doubleClicked.connect(self._identifier_double_clicked)
        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._update_count)
        self.identifiers.modelReset.connect(self._update_identifiers_label)
        self.catalogue.types_changed.connect(self._fill_types)

    def _fill_types(self) -> None:
        current = self.type_combo.currentData()
        self.type_combo.blockSignals(True)
        self.type_combo.clear()
        self.type_combo.addItem(tr("All types"), None)
        for entity_type in self.catalogue.types():
            self.type_combo.addItem(
                self.catalogue.decoration(entity_type.key), type_label(entity_type), entity_type.key
            )
        self.type_combo.setCurrentIndex(max(0, self.type_combo.findData(current)))
        self.type_combo.blockSignals(False)

    # --- the store -----------------------------------------------------------------------------------------

    def reload(self) -> None:
        """A case was opened or closed: read everything again."""
        self._filter_timer.stop()
        self._fill_types()
        self.model.reload()
        self.identifiers.set_offers([])
        has_case = self.catalogue.store() is not None
        for widget in (self.filter_edit, self.type_combo, self.view, self.identifiers_view):
            widget.setEnabled(has_case)
        self._update_count()

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        if self.catalogue.store() is None:
            self.count_label.setText(tr("No case open"))
            self.view.placeholder = ""
        elif self.model.is_filtered():
            total = len(self.catalogue.summaries())
            self.count_label.setText(tr("{shown} of {total}").format(shown=shown, total=total))
            self.view.placeholder = tr("No entity matches the filter.")
        else:
            self.count_label.setText(counted("%n entity(ies)", shown))
            self.view.placeholder = tr(
                "No entities yet.\nSelect a name in the reader and press Ctrl+E to tag it."
            )
        self.view.viewport().update()

    def _update_identifiers_label(self) -> None:
        offers = self.identifiers.offers()
        untagged = sum(1 for offer in offers if not offer.tagged)
        text = tr("Identifiers in this source")
        if offers:
            text += " — " + tr("{untagged} of {total} not tagged").format(
                untagged=untagged, total=len(offers)
            )
        self.identifiers_label.setText(text)

    # --- filtering -----------------------------------------------------------------------------------------

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        selected = self.selected_ids()
        self.model.set_filter(type_key=self.type_combo.currentData(), text=self.filter_edit.text())
        self._select_ids(selected)

    def clear_filter(self) -> None:
        for widget in (self.filter_edit, self.type_combo):
            widget.blockSignals(True)
        self.filter_edit.clear()
        self.type_combo.setCurrentIndex(0)
        for widget in (self.filter_edit, self.type_combo):
            widget.blockSignals(False)
        self.apply_filter()

    # --- selection -----------------------------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        return [self.model.entity_id_at(row) for row in rows]

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.entity_id_at(index.row()) if index.isValid() else None

    def select_entity(self, entity_id: int) -> bool:
        """Select and show ``entity_id`` (clearing a filter that hides it)."""
        row = self.model.row_of(entity_id)
        if row is None:  # made a moment ago: its change may still be on its way
            self.catalogue.invalidate()
            self.model.refresh()
            row = self.model.row_of(entity_id)
        if row is None and self.model.is_filtered():
            self.clear_filter()
            row = self.model.row_of(entity_id)
        if row is None:
            return False
        index = self.model.index(row, EntityColumn.NAME)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.view.selectionModel().setCurrentIndex(index, flags)
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def _select_ids(self, ids: list[int]) -> None:
        selection = self.view.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for entity_id in ids:
            row = self.model.row_of(entity_id)
            if row is not None:
                selection.select(self.model.index(row, 0), flags)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.entity_activated.emit(self.model.entity_id_at(index.row()))

    def _context_menu(self, position: QPoint) -> None:
        if not self.menu_actions:
            return
        menu = QMenu(self)
        menu.addActions(self.menu_actions)
        menu.popup(self.view.viewport().mapToGlobal(position))

    # --- identifiers ---------------------------------------------------------------------------------------

    def set_identifiers(self, offers: list[IdentifierOffer], *, note: str = "") -> None:
        """Show these identifiers; ``note`` is what the empty list says instead of "none found"."""
        self.identifiers.set_offers(offers)
        self.identifiers_view.placeholder = note or tr("None found in this source.")
        self.identifiers_view.viewport().update()
        self._update_identifiers_label()

    def _identifier_clicked(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        offer = self.identifiers.offer_at(index.row())
        if index.column() == IdentifierColumn.ACTION and not offer.tagged:
            self.identifier_tag_requested.emit(offer)
        else:
            self.identifier_activated.emit(offer)

    def _identifier_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid() and index.column() != IdentifierColumn.ACTION:
            offer = self.identifiers.offer_at(index.row())
            if not offer.tagged:
                self.identifier_tag_requested.emit(offer)
