"""The event editor: everything about one event, each field editable in place, each edit one undo step.

Fields commit when the user leaves them (or presses Enter); a commit is one store edit pushed on the
window's undo stack (``app.ui.events.commands``). The store validates: when it refuses a value (an end
before the start, an empty title) its message appears under the field and the field goes back to the stored
value. The editor redraws from the store whenever a ``Change`` names the event shown - after an undo, say -
and leaves alone a field the user is typing in.

Dates use the date field (``app.ui.date_edit``) with the publication date of the first quoted source as the
reference for relative words. Confidence shows what the evidence suggests and, when the investigator chose
another level, marks it as set by hand with a way back to the suggestion. Each quote shows its text in its
own direction, the source, its stance and credibility, and a note; clicking the quote opens the source at it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QPalette, QTextCharFormat, QTextListFormat, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.dates import Precision, parse
from app.core.errors import InvalidValue, NotFound, ThreadlineError
from app.core.event_records import EventDetail, EventEdit, EvidenceRecord, NoteRecord, ParticipantRecord
from app.core.records import Change, ChangeKind, Confidence, Stance
from app.store import CaseStore
from app.ui.date_edit import ERROR_COLOUR, DateEdit, day_text
from app.ui.events.commands import push_edit
from app.ui.events.entity_picker import EntityIndex, EntityPicker
from app.ui.events.filters import LazyComboBox
from app.ui.events.formatting import confidence_label, credibility_label, isolate, stance_label, tr
from app.ui.reader import paragraph_direction
from app.ui.sources_model import format_timestamp
from app.ui.store_bridge import StoreBridge

MAX_QUOTE_CHARS = 600
MAX_CARDS = 200
CONTRADICTS_COLOUR = ERROR_COLOUR


def _direction_of(text: str) -> Qt.LayoutDirection:
    return paragraph_direction(text) or Qt.LayoutDirection.LeftToRight


def _aligned(label: QLabel, text: str) -> None:
    """Lay a label out in its text's direction: a Hebrew quote starts at the right."""
    direction = _direction_of(text)
    label.setLayoutDirection(direction)
    side = (
        Qt.AlignmentFlag.AlignRight
        if direction == Qt.LayoutDirection.RightToLeft
        else Qt.AlignmentFlag.AlignLeft
    )
    label.setAlignment(side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignTop)


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.hide()
    return label


def _muted(label: QLabel) -> QLabel:
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def _shrinkable(combo: QComboBox, letters: int = 6) -> None:
    """A combo box that may be narrower than its longest entry, so a narrow dock never clips the form."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(letters)


def _small_button(text: str, tooltip: str, name: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tooltip)
    button.setObjectName(name)
    button.setAutoRaise(True)
    return button


class EvidenceCard(QFrame):
    """One quote of the event: its text, where it comes from, and how it bears on the event."""

    def __init__(self, editor: EventEditor, record: EvidenceRecord) -> None:
        super().__init__()
        self.setObjectName("evidence_card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.editor = editor
        self.record = record
        self.quote_label = QLabel()
        self.quote_label.setObjectName("evidence_quote")
        self.quote_label.setWordWrap(True)
        self.quote_label.setTextFormat(Qt.TextFormat.RichText)
        self.quote_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.quote_label.linkActivated.connect(lambda _link: editor.evidence_requested.emit(self.record))
        self.source_label = _muted(QLabel())
        self.source_label.setObjectName("evidence_source")
        self.source_label.setWordWrap(True)
        self.stance_combo = QComboBox()
        self.stance_combo.setObjectName("evidence_stance")
        for stance in Stance:
            self.stance_combo.addItem(stance_label(stance), stance.value)
        self.credibility_combo = QComboBox()
        self.credibility_combo.setObjectName("evidence_credibility")
        for grade in range(1, 7):
            self.credibility_combo.addItem(credibility_label(grade), grade)
        self.credibility_combo.setToolTip(tr("How credible the information is (the Admiralty scale)."))
        for combo in (self.stance_combo, self.credibility_combo):
            _shrinkable(combo)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("evidence_note")
        self.note_edit.setPlaceholderText(tr("Note on this quote"))
        self.unlink_button = _small_button("✕", tr("Unlink this quote from the event"), "evidence_unlink")
        self.error_label = _error_label()
        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.addWidget(self.stance_combo)
        controls.addWidget(self.credibility_combo, 1)
        controls.addWidget(self.unlink_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(3)
        layout.addWidget(self.quote_label)
        layout.addWidget(self.source_label)
        layout.addLayout(controls)
        layout.addWidget(self.note_edit)
        layout.addWidget(self.error_label)
        self.stance_combo.activated.connect(lambda: self._commit("stance", self.stance_combo.currentData()))
        self.credibility_combo.activated.connect(
            lambda: self._commit("credibility", self.credibility_combo.currentData())
        )
        self.note_edit.editingFinished.connect(self._commit_note)
        self.unlink_button.clicked.connect(lambda: editor.unlink_evidence(self.record))
        self.show_record(record)

    def show_record(self, record: EvidenceRecord) -> None:
        self.record = record
        quote = " ".join(record.quote.split())
        if len(quote) > MAX_QUOTE_CHARS:
            quote = quote[: MAX_QUOTE_CHARS - 1] + "…"
        direction = "rtl" if _direction_of(quote) == Qt.LayoutDirection.RightToLeft else "ltr"
        contradicts = record.stance is Stance.CONTRADICTS
        # A link without the look of one: an underline would cross the dots under Arabic letters and the
        # points under Hebrew ones. The pointing hand and the tooltip say it opens the source.
        text_colour = self.palette().color(QPalette.ColorRole.WindowText).name()
        colour = CONTRADICTS_COLOUR if contradicts else text_colour
        self.quote_label.setText(
            f"<div dir='{direction}'><a href='evidence:{record.id}' style='color:{colour};"
            f" text-decoration:none'>“{html.escape(quote)}”</a></div>"
        )
        _aligned(self.quote_label, quote)
        self.quote_label.setToolTip(tr("Open the source at this quote"))
        page = tr(", p. {page}").format(page=record.page) if record.page is not None else ""
        self.source_label.setText(
            tr("— {source}{page} · graded {grade}").format(
                source=isolate(record.source_title), page=page, grade=record.grade
            )
        )
        self.stance_combo.setCurrentIndex(self.stance_combo.findData(record.stance.value))
        self.credibility_combo.setCurrentIndex(self.credibility_combo.findData(record.credibility))
        if not self.note_edit.hasFocus() or self.note_edit.text() == record.note:
            self.note_edit.setText(record.note)
        self.setStyleSheet(
            f"QFrame#evidence_card {{ border-left: 3px solid {CONTRADICTS_COLOUR}; }}" if contradicts else ""
        )

    def _commit(self, name: str, value: object) -> None:
        current = {
            "stance": self.record.stance.value,
            "credibility": self.record.credibility,
            "note": self.record.note,
        }
        if current[name] == value:
            return
        problem = self.editor.edit_evidence(self.record, {name: value})
        self.error_label.setText(problem)
        self.error_label.setVisible(bool(problem))
        if problem:
            self.show_record(self.record)

    def _commit_note(self) -> None:
        self._commit("note", self.note_edit.text())

    def pending(self) -> bool:
        return self.note_edit.text() != self.record.note


class NoteCard(QFrame):
    """A note on the event: its text, who wrote it and when, and whether it was edited."""

    def __init__(self, editor: EventEditor, record: NoteRecord) -> None:
        super().__init__()
        self.setObjectName("note_card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.editor = editor
        self.record = record
        self.body_label = QLabel()
        self.body_label.setObjectName("note_body")
        self.body_label.setWordWrap(True)
        self.body_label.setTextFormat(Qt.TextFormat.MarkdownText)
        self.body_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("note_body_edit")
        self.body_edit.setTabChangesFocus(True)
        self.body_edit.setFixedHeight(self.body_edit.fontMetrics().lineSpacing() * 4 + 12)
        self.body_edit.hide()
        self.meta_label = _muted(QLabel())
        self.meta_label.setObjectName("note_meta")
        self.edit_button = _small_button(tr("Edit"), tr("Edit this note"), "note_edit")
        self.save_button = _small_button(tr("Save"), tr("Save the note"), "note_save")
        self.save_button.hide()
        self.delete_button = _small_button(tr("Delete"), tr("Delete this note"), "note_delete")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.meta_label, 1)
        row.addWidget(self.edit_button)
        row.addWidget(self.save_button)
        row.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addWidget(self.body_label)
        layout.addWidget(self.body_edit)
        layout.addLayout(row)
        self.edit_button.clicked.connect(self.start_editing)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(lambda: editor.delete_note(self.record))
        self.show_record(record)

    def show_record(self, record: NoteRecord) -> None:
        self.record = record
        self.body_label.setText(record.body)
        _aligned(self.body_label, record.body)
        meta = tr("{author} · {when}").format(author=record.author, when=format_timestamp(record.created_at))
        if record.edited:
            meta += " · " + tr("edited {when}").format(when=format_timestamp(record.updated_at))
        self.meta_label.setText(meta)

    def start_editing(self) -> None:
        self.body_edit.setPlainText(self.record.body)
        self.body_label.hide()
        self.body_edit.show()
        self.edit_button.hide()
        self.save_button.show()
        self.body_edit.setFocus()

    def save(self) -> None:
        text = self.body_edit.toPlainText()
        if text != self.record.body:
            self.editor.edit_note(self.record, text)
        self.body_edit.hide()
        self.body_label.show()
        self.save_button.hide()
        self.edit_button.show()

    def pending(self) -> bool:
        return self.body_edit.isVisible() and self.body_edit.toPlainText() != self.record.body


class ParticipantRow(QWidget):
    def __init__(self, editor: EventEditor, record: ParticipantRecord) -> None:
        super().__init__()
        self.setObjectName("participant_row")
        self.record = record
        self.label = QLabel()
        self.label.setObjectName("participant_label")
        role = f" — {record.role}" if record.role else ""
        self.label.setText(f"{record.name}{role}")
        self.label.setToolTip(tr("{type} #{id}").format(type=record.type_key, id=record.entity_id))
        _aligned(self.label, record.name)
        remove = _small_button("✕", tr("Remove from this event"), "participant_remove")
        remove.clicked.connect(lambda: editor.remove_participant(self.record))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(remove)


class EventEditor(QWidget):
    """The form for one event; see the module docstring."""

    evidence_requested = Signal(object)  # EvidenceRecord: open its source at the quote
    delete_requested = Signal(int)
    link_requested = Signal(int)  # copy the event's link
    message = Signal(str)  # a short status message
    event_shown = Signal(object)  # the event id shown now, or None

    def __init__(self, undo_stack: QUndoStack, entities: EntityIndex, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("event_editor")
        self.undo_stack = undo_stack
        self.entities = entities
        self._store: CaseStore | None = None
        self._bridge: StoreBridge | None = None
        self._detail: EventDetail | None = None
        self._hints: dict[int, str] = {}
        self._evidence_cards: dict[int, EvidenceCard] = {}
        self._note_cards: dict[int, NoteCard] = {}
        self._categories_loaded = False
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.timeout.connect(self._reload)
        self._build()

    # --- building ------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.pages = QStackedWidget(self)
        self.empty_label = _muted(
            QLabel(tr("Select an event on the timeline or in the table to edit it here."))
        )
        self.empty_label.setObjectName("event_editor_empty")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(self.empty_label)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self._form())
        self.scroll_area = scroll
        self.pages.addWidget(scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.title_edit.installEventFilter(self)
        self.description_edit.installEventFilter(self)

    def _form(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("event_title")
        self.title_edit.setPlaceholderText(tr("What happened"))
        font = QFont(self.title_edit.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setWeight(QFont.Weight.DemiBold)
        self.title_edit.setFont(font)
        self.title_edit.editingFinished.connect(self._commit_title)
        self.title_edit.textChanged.connect(self._title_direction)
        self.title_error = _error_label()
        self.disputed_label = QLabel()
        self.disputed_label.setObjectName("event_disputed")
        self.disputed_label.setWordWrap(True)
        self.disputed_label.setStyleSheet(
            f"color: white; background: {CONTRADICTS_COLOUR}; border-radius: 3px; padding: 2px 6px;"
        )
        self.meta_label = _muted(QLabel())
        self.meta_label.setObjectName("event_meta")
        self.meta_label.setWordWrap(True)
        layout.addWidget(self.title_edit)
        layout.addWidget(self.title_error)
        layout.addWidget(self.disputed_label)
        layout.addWidget(self.meta_label)
        layout.addLayout(self._fields())
        self.evidence_heading = self._heading(tr("Evidence"))
        layout.addWidget(self.evidence_heading)
        self.evidence_box = QVBoxLayout()
        self.evidence_box.setSpacing(4)
        layout.addLayout(self.evidence_box)
        self.evidence_empty = _muted(
            QLabel(tr("No quotes yet: select text in the reader and choose Add as Evidence to Event."))
        )
        self.evidence_empty.setWordWrap(True)
        layout.addWidget(self.evidence_empty)
        layout.addWidget(self._heading(tr("Participants")))
        self.participants_box = QVBoxLayout()
        self.participants_box.setSpacing(0)
        layout.addLayout(self.participants_box)
        layout.addLayout(self._add_participant_row())
        layout.addWidget(self._heading(tr("Description")))
        layout.addWidget(self._description())
        self.notes_heading = self._heading(tr("Notes"))
        layout.addWidget(self.notes_heading)
        self.notes_box = QVBoxLayout()
        self.notes_box.setSpacing(4)
        layout.addLayout(self.notes_box)
        layout.addLayout(self._add_note_row())
        layout.addLayout(self._buttons())
        layout.addStretch(1)
        return page

    def _heading(self, text: str) -> QLabel:
        label = QLabel(text)
        font = QFont(label.font())
        font.setWeight(QFont.Weight.DemiBold)
        label.setFont(font)
        label.setContentsMargins(0, 6, 0, 0)
        return label

    def _fields(self) -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.start_edit = DateEdit(self)
        self.start_edit.setObjectName("event_start")
        self.start_edit.value_committed.connect(lambda value: self._commit_fields({"start": value}, "start"))
        self.start_hint = _muted(QLabel())
        self.start_hint.setObjectName("event_start_hint")
        self.start_hint.setWordWrap(True)
        self.end_edit = DateEdit(self, placeholder=tr("Only for an event that lasts"))
        self.end_edit.setObjectName("event_end")
        self.end_edit.value_committed.connect(lambda value: self._commit_fields({"end": value}, "end"))
        self.date_error = _error_label()
        form.addRow(tr("Start"), self.start_edit)
        form.addRow("", self.start_hint)
        form.addRow(tr("End"), self.end_edit)
        form.addRow("", self.date_error)
        self.category_combo = LazyComboBox()
        self.category_combo.setObjectName("event_category")
        self.category_combo.about_to_show.connect(self._load_categories)
        self.category_combo.setEditable(True)
        self.category_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        _shrinkable(self.category_combo)
        line = self.category_combo.lineEdit()
        assert line is not None
        line.setPlaceholderText(tr("Flight, Meeting, Payment …"))
        line.editingFinished.connect(self._commit_category)
        self.category_combo.activated.connect(self._commit_category)
        form.addRow(tr("Category"), self.category_combo)
        form.addRow(tr("Tags"), self._tags_row())
        form.addRow(tr("Confidence"), self._confidence_row())
        return form

    def _tags_row(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        self.tags_label = QLabel()
        self.tags_label.setObjectName("event_tags")
        self.tags_label.setWordWrap(True)
        self.tags_label.setTextFormat(Qt.TextFormat.RichText)
        self.tags_label.linkActivated.connect(self._untag_link)
        self.tag_edit = QLineEdit()
        self.tag_edit.setObjectName("event_tag_add")
        self.tag_edit.setPlaceholderText(tr("Add a tag and press Enter"))
        self.tag_completer = QCompleter([], self.tag_edit)
        self.tag_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tag_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.tag_edit.setCompleter(self.tag_completer)
        self.tag_edit.returnPressed.connect(self._add_tag)
        column.addWidget(self.tags_label)
        column.addWidget(self.tag_edit)
        return box

    def _confidence_row(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.confidence_combo = QComboBox()
        self.confidence_combo.setObjectName("event_confidence")
        for level in Confidence:
            self.confidence_combo.addItem(confidence_label(level), level.value)
        self.confidence_combo.activated.connect(self._commit_confidence)
        _shrinkable(self.confidence_combo)
        self.use_suggested_button = QPushButton(tr("Use Suggested"))
        self.use_suggested_button.setObjectName("event_use_suggested")
        self.use_suggested_button.setToolTip(tr("Go back to the confidence the evidence suggests"))
        self.use_suggested_button.clicked.connect(self._clear_override)
        row.addWidget(self.confidence_combo, 1)
        row.addWidget(self.use_suggested_button)
        self.confidence_note = _muted(QLabel())
        self.confidence_note.setObjectName("event_confidence_note")
        self.confidence_note.setWordWrap(True)
        column.addLayout(row)
        column.addWidget(self.confidence_note)
        return box

    def _description(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        tools = QHBoxLayout()
        tools.setContentsMargins(0, 0, 0, 0)
        self.description_edit = QTextEdit()
        self.description_edit.setObjectName("event_description")
        self.description_edit.setAcceptRichText(True)
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setPlaceholderText(
            tr("What is known, and how (bold, italic and lists are kept)")
        )
        self.description_edit.setFixedHeight(self.description_edit.fontMetrics().lineSpacing() * 5 + 14)
        for text, tip, name, action in (
            (tr("B"), tr("Bold"), "description_bold", self._bold),
            (tr("I"), tr("Italic"), "description_italic", self._italic),
            (tr("•"), tr("Bulleted list"), "description_list", self._bullets),
        ):
            button = _small_button(text, tip, name)
            button.clicked.connect(action)
            tools.addWidget(button)
        tools.addStretch(1)
        column.addLayout(tools)
        column.addWidget(self.description_edit)
        return box

    def _add_participant_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.entity_picker = EntityPicker(self.entities)
        self.role_edit = QLineEdit()
        self.role_edit.setObjectName("participant_role")
        self.role_edit.setPlaceholderText(tr("Role (optional)"))
        self.add_participant_button = QPushButton(tr("Add"))
        self.add_participant_button.setObjectName("participant_add")
        self.add_participant_button.clicked.connect(self._add_participant)
        self.role_edit.returnPressed.connect(self._add_participant)
        self.participant_error = _error_label()
        row.addWidget(self.entity_picker, 2)
        row.addWidget(self.role_edit, 1)
        row.addWidget(self.add_participant_button)
        outer = QVBoxLayout()
        outer.addLayout(row)
        outer.addWidget(self.participant_error)
        holder = QHBoxLayout()
        holder.addLayout(outer)
        return holder

    def _add_note_row(self) -> QHBoxLayout:
        self.note_edit = QPlainTextEdit()
        self.note_edit.setObjectName("event_note_add")
        self.note_edit.setPlaceholderText(tr("A note for yourself or your team"))
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(self.note_edit.fontMetrics().lineSpacing() * 3 + 12)
        self.add_note_button = QPushButton(tr("Add Note"))
        self.add_note_button.setObjectName("event_note_add_button")
        self.add_note_button.clicked.connect(self._add_note)
        row = QHBoxLayout()
        row.addWidget(self.note_edit, 1)
        row.addWidget(self.add_note_button, 0, Qt.AlignmentFlag.AlignTop)
        return row

    def _buttons(self) -> QHBoxLayout:
        self.link_button = QPushButton(tr("Copy Link"))
        self.link_button.setObjectName("event_copy_link")
        self.link_button.setToolTip(tr("Copy a threadline:// link to this event"))
        self.link_button.clicked.connect(self._ask_link)
        self.delete_button = QPushButton(tr("Delete Event"))
        self.delete_button.setObjectName("event_delete")
        self.delete_button.clicked.connect(self._ask_delete)
        row = QHBoxLayout()
        row.addWidget(self.link_button)
        row.addStretch(1)
        row.addWidget(self.delete_button)
        return row

    def _ask_link(self) -> None:
        if self._detail is not None:
            self.link_requested.emit(self._detail.id)

    def _ask_delete(self) -> None:
        if self._detail is not None:
            self.delete_requested.emit(self._detail.id)

    # --- store and event -----------------------------------------------------------------------------

    def set_store(self, store: CaseStore | None, bridge: StoreBridge | None) -> None:
        self.commit_pending()
        if self._bridge is not None:
            self._bridge.changed.disconnect(self._on_change)
        self._store, self._bridge = store, bridge
        self._hints.clear()
        if bridge is not None:
            bridge.changed.connect(self._on_change)
        self.show_event(None)

    def event_id(self) -> int | None:
        return self._detail.id if self._detail is not None else None

    def detail(self) -> EventDetail | None:
        return self._detail

    def note_suggestion(self, event_id: int, hint: str) -> None:
        """Say under the start date where its value was suggested from (shown while this session lasts)."""
        self._hints[event_id] = hint
        if self.event_id() == event_id:
            self.start_hint.setText(hint)
            self.start_hint.setVisible(bool(hint))

    def show_event(self, event_id: int | None) -> None:
        """Show ``event_id`` (None: nothing); edits typed for the event shown before are committed first."""
        if self._detail is not None and event_id != self._detail.id:
            self.commit_pending()
            self._clear_errors()
        detail = None
        if event_id is not None and self._store is not None:
            try:
                detail = self._store.events.get(event_id)
            except NotFound:
                detail = None
        if detail is None:
            self._detail = None
            self.pages.setCurrentIndex(0)
            self.event_shown.emit(None)
            return
        switched = self._detail is None or self._detail.id != detail.id
        self._show(detail, switched=switched)
        self.pages.setCurrentIndex(1)
        if switched:
            self.scroll_area.verticalScrollBar().setValue(0)
            self.event_shown.emit(detail.id)

    def _on_change(self, change: Change) -> None:
        if self._detail is None:
            return
        if change.object_type == "event" and self._detail.id in change.ids:
            if change.kind is ChangeKind.REMOVED:
                self.show_event(None)
            else:
                self._reload_timer.start(0)
        elif change.object_type in ("entity", "source"):
            self._reload_timer.start(0)

    def _reload(self) -> None:
        if self._detail is not None:
            self.show_event(self._detail.id)

    # --- filling -------------------------------------------------------------------------------------

    def _show(self, detail: EventDetail, *, switched: bool) -> None:
        previous = None if switched else self._detail
        self._detail = detail
        if switched or not self._typing(self.title_edit, previous.title if previous else None):
            self.title_edit.setText(detail.title)
            self.title_edit.setCursorPosition(0)
        self.disputed_label.setText(tr("Disputed: at least one quote contradicts this event."))
        self.disputed_label.setVisible(detail.disputed)
        self.meta_label.setText(
            tr("Event #{id} · created {created} · changed {updated}").format(
                id=detail.id,
                created=format_timestamp(detail.created_at),
                updated=format_timestamp(detail.updated_at),
            )
        )
        reference, source = self._reference(detail)
        for edit, value in ((self.start_edit, detail.start), (self.end_edit, detail.end)):
            edit.set_reference(reference, source)
            if switched or not (edit.line.hasFocus() and edit.is_modified()):
                edit.set_value(value)
        hint = self._hints.get(detail.id, "")
        self.start_hint.setText(hint)
        self.start_hint.setVisible(bool(hint))
        self._fill_category(detail, switched)
        self._fill_tags(detail)
        self._fill_confidence(detail)
        if switched or not self.description_edit.hasFocus():
            self._set_description(detail.description)
        self._fill_participants(detail)
        self._fill_evidence(detail)
        self._fill_notes(detail)

    def _typing(self, editor: QLineEdit, stored: str | None) -> bool:
        return editor.hasFocus() and stored is not None and editor.text() != stored

    def _reference(self, detail: EventDetail) -> tuple[date | None, str]:
        """The day relative dates are read from: the first quoted source's publication day, else today."""
        if self._store is not None:
            for record in detail.evidence:
                try:
                    published = self._store.source(record.source_id).published
                    value = parse(published) if published else None
                except (ThreadlineError, InvalidValue):
                    continue
                point = value.points[0] if value is not None and value.points else None
                if point is not None and point.precision >= Precision.DAY:
                    assert point.month is not None and point.day is not None
                    day = date(point.year, point.month, point.day)
                    return day, tr("The reference is the publication date of “{source}”.").format(
                        source=isolate(record.source_title)
                    )
        today = date.today()
        return today, tr("The reference is today, {day}: no quoted source has a publication date.").format(
            day=day_text(today)
        )

    def _fill_category(self, detail: EventDetail, switched: bool) -> None:
        line = self.category_combo.lineEdit()
        assert line is not None
        if (
            not switched
            and line.hasFocus()
            and line.text() != (self._detail.category if self._detail else "")
        ):
            return
        self._categories_loaded = False  # the list of the case's categories is read when it is opened
        self.category_combo.blockSignals(True)
        self.category_combo.setEditText(detail.category)
        self.category_combo.blockSignals(False)

    def _load_categories(self) -> None:
        if self._categories_loaded or self._store is None:
            return
        self._categories_loaded = True
        text = self.category_combo.currentText()
        self.category_combo.blockSignals(True)
        self.category_combo.clear()
        self.category_combo.addItems(self._store.events.categories())
        self.category_combo.setEditText(text)
        self.category_combo.blockSignals(False)

    def _fill_tags(self, detail: EventDetail) -> None:
        remove = html.escape(tr("Remove this tag"))
        chips = [
            f"<span>{html.escape(tag.name)}</span>&nbsp;<a href='untag:{tag.id}' title='{remove}'>✕</a>"
            for tag in detail.tags
        ]
        self.tags_label.setText("&nbsp;&nbsp; ".join(chips) if chips else html.escape(tr("No tags")))
        if self._store is not None:
            names = [tag.name for tag in self._store.events.event_tags()]
            model = self.tag_completer.model()
            if hasattr(model, "setStringList"):
                model.setStringList(names)

    def _fill_confidence(self, detail: EventDetail) -> None:
        self.confidence_combo.setCurrentIndex(self.confidence_combo.findData(detail.confidence.value))
        assessment = detail.assessment
        suggested = confidence_label(detail.suggested_confidence)
        if detail.confidence_overridden:
            text = tr("Set by hand. The evidence suggests “{level}”.").format(level=suggested)
        else:
            text = tr("Suggested by the evidence.")
        text += " " + tr(
            "Score {score:.2f}: {supporting} supporting, {contradicting} contradicting sources."
        ).format(
            score=float(assessment.score),
            supporting=assessment.supporting_sources,
            contradicting=assessment.contradicting_sources,
        )
        if assessment.unjudged_sources:
            text += " " + tr(
                "{count} of them quoted only ungraded (F6): they add nothing until graded."
            ).format(count=assessment.unjudged_sources)
        self.confidence_note.setText(text)
        font = QFont(self.confidence_combo.font())
        font.setItalic(detail.confidence_overridden)
        self.confidence_combo.setFont(font)
        self.confidence_combo.setToolTip(
            tr("Set by hand") if detail.confidence_overridden else tr("Suggested")
        )
        self.use_suggested_button.setVisible(detail.confidence_overridden)

    def _set_description(self, markdown: str) -> None:
        self.description_edit.setMarkdown(markdown)
        self.description_edit.document().setModified(False)
        direction = _direction_of(markdown)
        option = self.description_edit.document().defaultTextOption()
        option.setTextDirection(direction)
        self.description_edit.document().setDefaultTextOption(option)

    def _fill_participants(self, detail: EventDetail) -> None:
        while self.participants_box.count():
            item = self.participants_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for record in detail.participants:
            self.participants_box.addWidget(ParticipantRow(self, record))
        if not detail.participants:
            self.participants_box.addWidget(_muted(QLabel(tr("No participants yet."))))

    def _fill_evidence(self, detail: EventDetail) -> None:
        records = list(detail.evidence[:MAX_CARDS])
        if [record.id for record in records] == list(self._evidence_cards):
            for record in records:
                self._evidence_cards[record.id].show_record(record)
        else:
            self._clear_box(self.evidence_box)
            self._evidence_cards = {}
            for record in records:
                card = EvidenceCard(self, record)
                self._evidence_cards[record.id] = card
                self.evidence_box.addWidget(card)
            if len(detail.evidence) > MAX_CARDS:
                more = len(detail.evidence) - MAX_CARDS
                self.evidence_box.addWidget(
                    _muted(QLabel(tr("… and {count} more quotes").format(count=more)))
                )
        self.evidence_heading.setText(tr("Evidence ({count})").format(count=len(detail.evidence)))
        self.evidence_empty.setVisible(not detail.evidence)

    def _fill_notes(self, detail: EventDetail) -> None:
        if [note.id for note in detail.notes] == list(self._note_cards):
            for note in detail.notes:
                if not self._note_cards[note.id].pending():
                    self._note_cards[note.id].show_record(note)
        else:
            self._clear_box(self.notes_box)
            self._note_cards = {}
            for note in detail.notes:
                card = NoteCard(self, note)
                self._note_cards[note.id] = card
                self.notes_box.addWidget(card)
        self.notes_heading.setText(tr("Notes ({count})").format(count=len(detail.notes)))

    def _clear_box(self, box: QVBoxLayout) -> None:
        while box.count():
            item = box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()

    def evidence_cards(self) -> list[EvidenceCard]:
        return list(self._evidence_cards.values())

    def note_cards(self) -> list[NoteCard]:
        return list(self._note_cards.values())

    def participant_rows(self) -> list[ParticipantRow]:
        rows = []
        for index in range(self.participants_box.count()):
            item = self.participants_box.itemAt(index)
            widget = item.widget() if item is not None else None
            if isinstance(widget, ParticipantRow):
                rows.append(widget)
        return rows

    # --- committing ----------------------------------------------------------------------------------

    def _apply(self, make: Callable[[CaseStore], EventEdit]) -> str:
        """Make one store edit and push it; returns the store's message if it refused (else "")."""
        store, detail = self._store, self._detail
        if store is None or detail is None:
            return ""
        try:
            edit = make(store)
        except ThreadlineError as error:
            return error.message
        push_edit(self.undo_stack, store, edit, detail.title, self.message.emit)
        return ""

    def _commit_fields(self, changes: dict[str, Any], field: str) -> None:
        detail = self._detail
        if detail is None:
            return
        problem = self._apply(lambda store: store.events.update(detail.id, changes))
        label = {"title": self.title_error, "start": self.date_error, "end": self.date_error}.get(field)
        if label is not None:
            label.setText(problem)
            label.setVisible(bool(problem))
        if problem:
            self._revert(field)
        else:
            self._reload()

    def _revert(self, field: str) -> None:
        detail = self._detail
        if detail is None:
            return
        if field == "title":
            self.title_edit.setText(detail.title)
        elif field == "start":
            self.start_edit.set_value(detail.start)
        elif field == "end":
            self.end_edit.set_value(detail.end)
        elif field == "category":
            self.category_combo.setEditText(detail.category)

    def _commit_title(self) -> None:
        if self._detail is not None and self.title_edit.text().strip() != self._detail.title:
            self._commit_fields({"title": self.title_edit.text()}, "title")

    def _commit_category(self) -> None:
        text = self.category_combo.currentText().strip()
        if self._detail is not None and text != self._detail.category:
            self._commit_fields({"category": text}, "category")

    def _commit_description(self) -> None:
        detail = self._detail
        if detail is None or not self.description_edit.document().isModified():
            return
        markdown = self.description_edit.toMarkdown().strip()
        self.description_edit.document().setModified(False)
        if markdown != detail.description.strip():
            self._commit_fields({"description": markdown}, "description")

    def _commit_confidence(self) -> None:
        detail = self._detail
        if detail is None:
            return
        level = Confidence(self.confidence_combo.currentData())
        if level == detail.confidence and (
            detail.confidence_overridden or level == detail.suggested_confidence
        ):
            return
        problem = self._apply(lambda store: store.events.set_confidence(detail.id, level))
        if problem:
            self.message.emit(problem)
        self._reload()

    def _clear_override(self) -> None:
        detail = self._detail
        if detail is not None and detail.confidence_overridden:
            self._apply(lambda store: store.events.clear_confidence_override(detail.id))
            self._reload()

    def _add_tag(self) -> None:
        detail = self._detail
        name = self.tag_edit.text().strip()
        if detail is None or not name:
            return
        problem = self._apply(lambda store: store.events.tag(detail.id, name))
        if problem:
            self.message.emit(problem)
        else:
            self.tag_edit.clear()
            self._reload()

    def _untag_link(self, link: str) -> None:
        detail = self._detail
        if detail is not None and link.startswith("untag:"):
            tag_id = int(link.removeprefix("untag:"))
            self._apply(lambda store: store.events.untag(detail.id, tag_id))
            self._reload()

    def _add_participant(self) -> None:
        detail = self._detail
        if detail is None:
            return
        entity_id = self.entity_picker.chosen()
        if entity_id is None:
            problem = tr("Choose an entity from the list (type part of its name or an alias).")
        else:
            role = self.role_edit.text()
            problem = self._apply(lambda store: store.events.add_participant(detail.id, entity_id, role))
        self.participant_error.setText(problem)
        self.participant_error.setVisible(bool(problem))
        if not problem:
            self.entity_picker.clear_choice()
            self.role_edit.clear()
            self._reload()

    def remove_participant(self, record: ParticipantRecord) -> None:
        detail = self._detail
        if detail is not None:
            self._apply(
                lambda store: store.events.remove_participant(detail.id, record.entity_id, record.role)
            )
            self._reload()

    def edit_evidence(self, record: EvidenceRecord, changes: dict[str, object]) -> str:
        problem = self._apply(lambda store: store.events.update_evidence(record.id, changes))
        if not problem:
            self._reload()
        return problem

    def unlink_evidence(self, record: EvidenceRecord) -> None:
        self._apply(lambda store: store.events.unlink_evidence(record.id))
        self._reload()

    def _add_note(self) -> None:
        detail = self._detail
        body = self.note_edit.toPlainText()
        if detail is None or not body.strip():
            return
        problem = self._apply(lambda store: store.events.add_note(detail.id, body))
        if problem:
            self.message.emit(problem)
        else:
            self.note_edit.clear()
            self._reload()

    def edit_note(self, record: NoteRecord, body: str) -> None:
        problem = self._apply(lambda store: store.events.edit_note(record.id, body))
        if problem:
            self.message.emit(problem)
        self._reload()

    def delete_note(self, record: NoteRecord) -> None:
        self._apply(lambda store: store.events.delete_note(record.id))
        self._reload()

    def commit_pending(self) -> None:
        """Commit whatever was typed but not yet committed (before switching event or case)."""
        detail = self._detail
        if detail is None or self._store is None:
            return
        if self.title_edit.text().strip() and self.title_edit.text().strip() != detail.title:
            self._commit_title()
        for edit, field in ((self.start_edit, "start"), (self.end_edit, "end")):
            if edit.is_modified() and edit.is_valid() and self._detail is not None:
                self._commit_fields({field: edit.value()}, field)
        self._commit_category()
        self._commit_description()
        for card in list(self._evidence_cards.values()):
            if card.pending():
                card._commit_note()
        for note in list(self._note_cards.values()):
            if note.pending():
                note.save()

    def _clear_errors(self) -> None:
        for label in (self.title_error, self.date_error, self.participant_error):
            label.hide()

    # --- description formatting ----------------------------------------------------------------------

    def _bold(self) -> None:
        char_format = QTextCharFormat()
        weight = self.description_edit.fontWeight()
        char_format.setFontWeight(QFont.Weight.Normal if weight >= QFont.Weight.Bold else QFont.Weight.Bold)
        self.description_edit.mergeCurrentCharFormat(char_format)
        self.description_edit.setFocus()

    def _italic(self) -> None:
        self.description_edit.setFontItalic(not self.description_edit.fontItalic())
        self.description_edit.setFocus()

    def _bullets(self) -> None:
        cursor = self.description_edit.textCursor()
        cursor.createList(QTextListFormat.Style.ListDisc)
        self.description_edit.setFocus()

    def _title_direction(self, text: str) -> None:
        direction = _direction_of(text)
        if self.title_edit.layoutDirection() != direction:
            self.title_edit.setLayoutDirection(direction)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Leaving the description commits it; Escape in the title puts it back as stored."""
        if watched is self.description_edit and event.type() == QEvent.Type.FocusOut:
            self._commit_description()
        elif (
            watched is self.title_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self._detail is not None
        ):
            self.title_edit.setText(self._detail.title)
            return True
        return super().eventFilter(watched, event)
