"""The entity page, a dock beside the reader: one entity's names, description, notes, mentions and events.

Everything is edited in place and each commit is one undoable edit: the name when the line is left (or
Enter pressed), the description and notes when their box loses the focus, an alias when it is added,
removed or renamed in the list. The page asks the controller to do the edit (it holds the undo stack)
and redraws from the store when a ``Change`` names the entity, leaving alone a field being typed in.

Clicking a mention opens its source in the reader with the mention selected.
"""

from __future__ import annotations

from datetime import UTC, tzinfo

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.core.entity_records import AliasRecord, EntityRecord, MentionInContext
from app.core.event_records import EventFilter
from app.core.records import Change
from app.ui.date_edit import ui_language
from app.ui.entities.catalogue import EntityCatalogue
from app.ui.entities.kwic import KwicDelegate
from app.ui.entities.models import AliasesModel, EventsModel, MentionsModel
from app.ui.entities.words import counted, tr, type_label
from app.ui.events.formatting import event_date_text
from app.ui.reader import paragraph_direction
from app.ui.sources_dock import BidiItemDelegate

_LIST_ROWS = 5  # rows the alias and event lists show before they scroll
_EVENTS_SHOWN = 200


class _GapAfter(QStyledItemDelegate):
    """A column sized to its contents, with an em of space before the next one."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + option.fontMetrics.horizontalAdvance("M"), size.height())


class EntityPage(QDockWidget):
    """See the module docstring."""

    field_edited = Signal(int, dict)  # entity id, {field: value}
    alias_added = Signal(int, str)  # entity id, text
    alias_removed = Signal(object)  # AliasRecord
    alias_renamed = Signal(object, str)  # AliasRecord, new text
    mention_activated = Signal(object)  # MentionInContext
    find_requested = Signal(int)
    merge_requested = Signal(int)
    delete_requested = Signal(int)

    def __init__(self, catalogue: EntityCatalogue, parent: QWidget | None = None) -> None:
        super().__init__(tr("Entity"), parent)
        self.setObjectName("entity_page_dock")
        self.catalogue = catalogue
        self._record: EntityRecord | None = None
        self.aliases = AliasesModel(self)
        self.mentions = MentionsModel(catalogue, self)
        self.events = EventsModel(self)
        self._tz: tzinfo = UTC  # the display time zone, as the events table shows times
        self._language = ui_language()
        self._build()
        self._connect()
        self.show_entity(None)

    # --- building ------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self._pages = QStackedWidget(self)
        self.empty_label = QLabel(
            tr("Choose an entity in the Entities list, or click a mention in the reader.")
        )
        self.empty_label.setObjectName("entity_page_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._pages.addWidget(self.empty_label)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self._details())
        self._pages.addWidget(scroll)
        self.setWidget(self._pages)

    def _details(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(self._title_row())
        layout.addWidget(self._names_box())
        layout.addWidget(self._text_box())
        layout.addWidget(self._mentions_box(), 1)
        layout.addWidget(self._events_box())
        layout.addLayout(self._buttons())
        return page

    def _title_row(self) -> QHBoxLayout:
        self.swatch = QLabel()
        self.swatch.setObjectName("entity_page_swatch")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("entity_page_name")
        font = self.name_edit.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.name_edit.setFont(font)
        self.name_edit.setFrame(False)
        self.name_edit.setToolTip(tr("The entity's name; edit it here (the old name stays an alias)."))
        self.type_combo = QComboBox()
        self.type_combo.setObjectName("entity_page_type")
        self.type_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        row = QHBoxLayout()
        row.addWidget(self.swatch)
        row.addWidget(self.name_edit, 1)
        row.addWidget(self.type_combo)
        return row

    def _names_box(self) -> QGroupBox:
        box = QGroupBox(tr("Names and aliases"))
        self.alias_view = QListView()
        self.alias_view.setObjectName("entity_page_aliases")
        self.alias_view.setModel(self.aliases)
        self.alias_view.setItemDelegate(BidiItemDelegate(self.alias_view))
        self.alias_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.alias_view.setUniformItemSizes(True)
        self.alias_view.setMaximumHeight(self.alias_view.fontMetrics().height() * (_LIST_ROWS + 1) + 12)
        self.alias_edit = QLineEdit()
        self.alias_edit.setObjectName("entity_page_new_alias")
        self.alias_edit.setPlaceholderText(tr("Another spelling, in any script"))
        self.add_alias_button = QToolButton()
        self.add_alias_button.setObjectName("entity_page_add_alias")
        self.add_alias_button.setText(tr("Add"))
        self.remove_alias_button = QToolButton()
        self.remove_alias_button.setObjectName("entity_page_remove_alias")
        self.remove_alias_button.setText(tr("Remove"))
        row = QHBoxLayout()
        row.addWidget(self.alias_edit, 1)
        row.addWidget(self.add_alias_button)
        row.addWidget(self.remove_alias_button)
        layout = QVBoxLayout(box)
        layout.addWidget(self.alias_view)
        layout.addLayout(row)
        return box

    def _text_box(self) -> QGroupBox:
        box = QGroupBox(tr("Description and notes"))
        self.description_edit = QPlainTextEdit()
        self.description_edit.setObjectName("entity_page_description")
        self.description_edit.setPlaceholderText(tr("Who or what this is"))
        self.description_edit.setTabChangesFocus(True)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("entity_page_notes")
        self.notes_edit.setPlaceholderText(tr("Your notes"))
        self.notes_edit.setTabChangesFocus(True)
        line = self.description_edit.fontMetrics().lineSpacing()
        for editor, lines in ((self.description_edit, 2), (self.notes_edit, 3)):
            editor.setFixedHeight(line * lines + 12)
            editor.installEventFilter(self)
        layout = QVBoxLayout(box)
        layout.addWidget(self.description_edit)
        layout.addWidget(self.notes_edit)
        return box

    def _mentions_box(self) -> QGroupBox:
        self.mentions_box = QGroupBox(tr("Mentions"))
        self.mention_view = QListView()
        self.mention_view.setObjectName("entity_page_mentions")
        self.mention_view.setModel(self.mentions)
        self.mention_view.setItemDelegate(KwicDelegate(self.mention_view))
        self.mention_view.setUniformItemSizes(True)
        self.mention_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.mention_view.setMinimumHeight(self.mention_view.fontMetrics().height() * 8)
        self.mention_view.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self.mentions_box)
        layout.addWidget(self.mention_view)
        return self.mentions_box

    def _events_box(self) -> QGroupBox:
        self.events_box = QGroupBox(tr("Events"))
        self.event_view = QTreeView()  # a date column, then the title in its own direction
        self.event_view.setObjectName("entity_page_events")
        self.event_view.setRootIsDecorated(False)
        self.event_view.setItemsExpandable(False)
        self.event_view.setUniformRowHeights(True)
        self.event_view.setAllColumnsShowFocus(True)
        self.event_view.setHeaderHidden(True)
        self.event_view.setModel(self.events)
        header = self.event_view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(EventsModel.DATE_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self.event_view.setItemDelegateForColumn(EventsModel.DATE_COLUMN, _GapAfter(self.event_view))
        self.event_view.setItemDelegateForColumn(EventsModel.TITLE_COLUMN, BidiItemDelegate(self.event_view))
        self.event_view.setMaximumHeight(self.event_view.fontMetrics().height() * (_LIST_ROWS + 1) + 12)
        self.events_empty = QLabel()
        self.events_empty.setObjectName("entity_page_events_empty")
        self.events_empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.events_empty.setWordWrap(True)
        layout = QVBoxLayout(self.events_box)
        layout.addWidget(self.event_view)
        layout.addWidget(self.events_empty)
        return self.events_box

    def _buttons(self) -> QHBoxLayout:
        self.find_button = QPushButton(tr("Find Mentions"))
        self.find_button.setObjectName("entity_page_find")
        self.find_button.setToolTip(
            tr("Look for this entity's names in every source and review what is found.")
        )
        self.merge_button = QPushButton(tr("Merge Into…"))
        self.merge_button.setObjectName("entity_page_merge")
        self.delete_button = QPushButton(tr("Delete…"))
        self.delete_button.setObjectName("entity_page_delete")
        row = QHBoxLayout()
        row.addWidget(self.find_button)
        row.addWidget(self.merge_button)
        row.addStretch(1)
        row.addWidget(self.delete_button)
        return row

    def _connect(self) -> None:
        self.name_edit.editingFinished.connect(self._commit_name)
        self.name_edit.installEventFilter(self)
        self.type_combo.activated.connect(self._commit_type)
        self.alias_edit.returnPressed.connect(self._add_alias)
        self.add_alias_button.clicked.connect(self._add_alias)
        self.remove_alias_button.clicked.connect(self._remove_alias)
        self.aliases.rename_requested.connect(self.alias_renamed)
        self.mention_view.clicked.connect(self._mention_clicked)
        self.mention_view.activated.connect(self._mention_clicked)
        self.find_button.clicked.connect(lambda: self._emit_for(self.find_requested))
        self.merge_button.clicked.connect(lambda: self._emit_for(self.merge_requested))
        self.delete_button.clicked.connect(lambda: self._emit_for(self.delete_requested))
        self.catalogue.types_changed.connect(self._fill_types)

    def _fill_types(self) -> None:
        self.type_combo.blockSignals(True)
        self.type_combo.clear()
        for entity_type in self.catalogue.types():
            self.type_combo.addItem(
                self.catalogue.decoration(entity_type.key), type_label(entity_type), entity_type.key
            )
        if self._record is not None:
            self.type_combo.setCurrentIndex(max(0, self.type_combo.findData(self._record.type_key)))
        self.type_combo.blockSignals(False)

    # --- which entity ----------------------------------------------------------------------------------

    def entity_id(self) -> int | None:
        return self._record.id if self._record is not None else None

    def record(self) -> EntityRecord | None:
        return self._record

    def show_entity(self, entity_id: int | None) -> None:
        """Show ``entity_id`` (None: nothing); what was typed for the previous entity is committed first."""
        if self._record is not None and entity_id != self._record.id:
            self.commit_pending()
        record = self.catalogue.record(entity_id) if entity_id is not None else None
        self._record = None
        if record is None:
            self._pages.setCurrentIndex(0)
            self.setWindowTitle(tr("Entity"))
            self.mentions.set_entity(None, None)
            self.aliases.set_aliases("", [])
            self.events.set_events([])
            return
        self._pages.setCurrentIndex(1)
        self._show(record, reset=True)
        self.mentions.set_entity(self.catalogue.store(), record.id, self.catalogue.colour(record.type_key))
        self._update_mentions_title()
        self._load_events()

    def _show(self, record: EntityRecord, *, reset: bool, committed: str = "") -> None:
        """Fill the fields from ``record``, except one the user is typing in (unless just committed)."""
        self._record = record
        self.setWindowTitle(tr("Entity: {name}").format(name=record.name))
        self._fill_types()
        self.swatch.setPixmap(self.catalogue.decoration(record.type_key).pixmap(32, 16))
        for name, editor in (
            ("name", self.name_edit),
            ("description", self.description_edit),
            ("notes", self.notes_edit),
        ):
            typing = editor.hasFocus() and not reset and name != committed
            value = getattr(record, name)
            if typing:
                continue
            if isinstance(editor, QLineEdit):
                if editor.text() != value:
                    editor.setText(value)
                    editor.setCursorPosition(0)
                editor.setLayoutDirection(paragraph_direction(value) or Qt.LayoutDirection.LeftToRight)
            elif editor.toPlainText() != value:
                editor.setPlainText(value)
        self.aliases.set_aliases(record.name, record.aliases)

    def _update_mentions_title(self) -> None:
        summary = self.catalogue.summary(self._record.id) if self._record is not None else None
        if summary is None:
            self.mentions_box.setTitle(tr("Mentions"))
            return
        title = tr("Mentions — {mentions} in {sources}").format(
            mentions=summary.mentions, sources=counted("%n source(s)", summary.sources)
        )
        if summary.pending_candidates:
            title += " · " + counted("%n to review", summary.pending_candidates)
        self.mentions_box.setTitle(title)

    def set_timezone(self, tz: tzinfo) -> None:
        """Show event times in ``tz``, as the events table does."""
        if tz != self._tz:
            self._tz = tz
            self._load_events()

    def _date_text(self, start: str | None, end: str | None) -> str:
        return event_date_text(start, end, self._tz, self._language)

    def _load_events(self) -> None:
        """The events the entity takes part in, through the events part of the store."""
        store = self.catalogue.store()
        if store is None or self._record is None:
            self.events.set_events([])
            return
        ids = store.events.event_ids(EventFilter(entity_ids=frozenset({self._record.id})))
        rows = [
            (summary.id, self._date_text(summary.start_edtf, summary.end_edtf), summary.title)
            for summary in store.events.summaries(ids[:_EVENTS_SHOWN])
        ]
        self.events.set_events(rows)
        self.events_box.setTitle(tr("Events — {count}").format(count=len(ids)) if ids else tr("Events"))
        self.event_view.setVisible(bool(rows))
        self.events_empty.setVisible(not rows)
        self.events_empty.setText(tr("Not linked to any event yet."))

    # --- changes -------------------------------------------------------------------------------------

    def on_change(self, change: Change) -> None:
        if self._record is None:
            return
        entity_id = self._record.id
        if change.object_type == "entity" and (entity_id in change.ids or not change.ids):
            record = self.catalogue.record(entity_id)
            if record is None:
                self.show_entity(None)
                return
            self._show(record, reset=False)
            self.mentions.reload()
            self._update_mentions_title()
        elif change.object_type in ("mention", "candidate"):
            self.mentions.reload()
            self._update_mentions_title()
        elif change.object_type == "entity_type":
            record = self.catalogue.record(entity_id)
            if record is not None:
                self._show(record, reset=False)
                self.mentions.set_entity(
                    self.catalogue.store(), entity_id, self.catalogue.colour(record.type_key)
                )
        elif change.object_type == "event":
            self._load_events()

    # --- committing edits ------------------------------------------------------------------------------

    def commit_pending(self) -> None:
        """Commit whatever was typed and not yet committed (before another entity or case)."""
        if self._record is None:
            return
        self._commit("name", " ".join(self.name_edit.text().split()))
        self._commit("description", self.description_edit.toPlainText())
        self._commit("notes", self.notes_edit.toPlainText())

    def _commit(self, name: str, value: str) -> None:
        record = self._record
        if record is None or getattr(record, name) == value:
            return
        if name == "name" and not value:
            self.name_edit.setText(record.name)
            return
        self.field_edited.emit(record.id, {name: value})

    def _commit_name(self) -> None:
        self._commit("name", " ".join(self.name_edit.text().split()))

    def _commit_type(self) -> None:
        record = self._record
        key = self.type_combo.currentData()
        if record is not None and key and key != record.type_key:
            self.field_edited.emit(record.id, {"type_key": key})

    def _add_alias(self) -> None:
        text = " ".join(self.alias_edit.text().split())
        if self._record is not None and text:
            self.alias_added.emit(self._record.id, text)
            self.alias_edit.clear()

    def _remove_alias(self) -> None:
        index = self.alias_view.currentIndex()
        if index.isValid():
            alias: AliasRecord = self.aliases.alias_at(index.row())
            self.alias_removed.emit(alias)

    def _mention_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            mention: MentionInContext = self.mentions.mention_at(index.row())
            self.mention_activated.emit(mention)

    def _emit_for(self, signal: object) -> None:
        if self._record is not None:
            signal.emit(self._record.id)  # type: ignore[attr-defined]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Leaving the description or notes commits them; Escape puts a field back as stored."""
        record = self._record
        if record is not None and event.type() == QEvent.Type.FocusOut:
            if watched is self.description_edit:
                self._commit("description", self.description_edit.toPlainText())
            elif watched is self.notes_edit:
                self._commit("notes", self.notes_edit.toPlainText())
        if (
            record is not None
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            if watched is self.name_edit:
                self.name_edit.setText(record.name)
                return True
            if watched is self.description_edit:
                self.description_edit.setPlainText(record.description)
                return True
            if watched is self.notes_edit:
                self.notes_edit.setPlainText(record.notes)
                return True
        return super().eventFilter(watched, event)
