"""The Inspector dock: everything the case knows about one source, and its editable metadata.

Each field is edited in place and committed when the user leaves it (or presses Enter): one commit is one
``apply_source_edit`` on the undo stack, so Edit ▸ Undo reverts exactly that. The store validates; when it
refuses a value (a date it cannot read, an empty title) its message appears under the field and the field
goes back to the stored value, so the case and the screen never disagree. The dock redraws from the store
whenever a ``Change`` names the shown source — after an undo, say — and leaves alone a field the user is
typing in.

Nothing here follows the source's URL: it is shown as text. "Open original" uses the safe viewer
(``app.ui.original_viewer``); "Save original as…" writes the exact stored bytes.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QGuiApplication,
    QKeyEvent,
    QPalette,
    QResizeEvent,
    QTextBlockFormat,
    QTextCursor,
    QTextOption,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import NotFound, ThreadlineError
from app.core.records import Change, ChangeKind, Reliability, SourceDetail, SourceKind
from app.store import CaseStore
from app.ui.original_viewer import OriginalViewer, copy_name, open_original
from app.ui.sources_model import (
    format_size,
    format_timestamp,
    kind_label,
    language_name,
    reliability_meaning,
)
from app.ui.store_bridge import StoreBridge
from app.ui.undo import apply_source_edit

LINE_FIELDS = ("title", "published", "author", "publisher", "url", "language")
LANGUAGE_SUGGESTIONS = ("he", "ar", "en", "ru", "und")
_MAX_EXTRA_ROWS = 30
_ERROR_COLOUR = "#b3261e"


class WrappedText(QTextEdit):
    """Read-only text that looks like a label but never clips: a word longer than the width (a hash, a
    message id, a file name) wraps anywhere, and the widget grows to as many lines as the text takes, so it
    never widens its dock either. Copying a selection gives the text without the wrapping."""

    def __init__(self, parent: QWidget | None = None, *, object_name: str = "") -> None:
        super().__init__(parent)
        if object_name:
            self.setObjectName(object_name)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.viewport().setAutoFillBackground(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().setDocumentMargin(1)
        self.document().documentLayout().documentSizeChanged.connect(self._fit_height)
        self._fit_height()

    def setText(self, text: str) -> None:  # always plain text, never markup
        self.setPlainText(text)

    def text(self) -> str:
        return self.toPlainText()

    def set_ui_text(self, text: str) -> None:
        """A line of the interface with user text in it: laid out in the interface's direction, not in
        that of its first letter."""
        self.setPlainText(text)
        block_format = QTextBlockFormat()
        block_format.setLayoutDirection(QGuiApplication.layoutDirection())
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.mergeBlockFormat(block_format)

    def lines_shown(self) -> int:
        """How many lines the text takes at the present width (each one visible: the height follows)."""
        block, lines = self.document().begin(), 0
        while block.isValid():
            lines += max(1, block.layout().lineCount())
            block = block.next()
        return lines

    def _fit_height(self) -> None:
        height = math.ceil(self.document().size().height()) + 2 * self.frameWidth()
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def sizeHint(self) -> QSize:
        return QSize(self.minimumSizeHint().width(), self.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("0" * 12), self.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()


class HashView(WrappedText):
    """A digest in full, in a monospace font, in lines of 64, 32 or 16 digits (whatever the width allows:
    even blocks are easier to read out and compare); copying it copies one line."""

    COLUMNS = (64, 32, 16)

    def __init__(self, parent: QWidget | None = None, *, object_name: str = "") -> None:
        super().__init__(parent, object_name=object_name)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(7.0, QGuiApplication.font().pointSizeF() * 0.9))
        self.setFont(font)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)
        self.setLineWrapMode(QTextEdit.LineWrapMode.FixedColumnWidth)
        self.setLineWrapColumnOrWidth(self.COLUMNS[-1])

    def minimumSizeHint(self) -> QSize:
        return QSize(self._width_for(self.COLUMNS[-1]), self.height())

    def _width_for(self, columns: int) -> int:
        margins = 2 * (self.document().documentMargin() + self.frameWidth()) + 2
        return math.ceil(columns * self.fontMetrics().horizontalAdvance("x") + margins)

    def resizeEvent(self, event: QResizeEvent) -> None:
        fitting = [columns for columns in self.COLUMNS if self._width_for(columns) <= event.size().width()]
        columns = fitting[0] if fitting else self.COLUMNS[-1]
        if columns != self.lineWrapColumnOrWidth():
            self.setLineWrapColumnOrWidth(columns)
        super().resizeEvent(event)


class InspectorDock(QDockWidget):
    """Metadata of one source; see the module docstring."""

    source_requested = Signal(int)  # the user clicked a related source (parent e-mail or attachment)

    def __init__(self, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Inspector"), parent)
        self.setObjectName("inspector_dock")
        self.undo_stack = undo_stack
        self._store: CaseStore | None = None
        self._bridge: StoreBridge | None = None
        self._detail: SourceDetail | None = None
        self.viewers: list[OriginalViewer] = []
        self.editors: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self._related_ids: set[int] = set()
        self.attachment_hashes: list[HashView] = []  # those of the attachments an e-mail lists
        self._build()

    # --- building ------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self._pages = QStackedWidget(self)
        self.empty_label = QLabel(self.tr("Select a source to see its details."))
        self.empty_label.setObjectName("inspector_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self._pages.addWidget(self.empty_label)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._details_page())  # a horizontal bar only if dragged narrower than the fields
        self._pages.addWidget(scroll)
        self.setWidget(self._pages)

    def _details_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(self._title_row())
        self.kind_label = QLabel()
        self.kind_label.setObjectName("inspector_kind")
        self.kind_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(self.kind_label)
        layout.addWidget(self._description_box())
        layout.addWidget(self._file_box())
        self.related_label = self._link_label("inspector_related")
        layout.addWidget(self.related_label)
        self.extra_box = QGroupBox(self.tr("Found in the file"))
        self.extra_form = QFormLayout(self.extra_box)
        layout.addWidget(self.extra_box)
        layout.addLayout(self._buttons())
        layout.addStretch(1)
        return page

    def _title_row(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(2)
        title = self._line_editor("title", self.tr("Title"))
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setWeight(QFont.Weight.DemiBold)
        title.setFont(font)
        column.addWidget(title)
        column.addWidget(self.errors["title"])
        return column

    def _description_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Description"))
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        published = self._line_editor("published", self.tr("2023-07-31, 2023-07, 2019~ …"))
        published.setToolTip(
            self.tr(
                "The date the source was published, in EDTF: 2023, 2023-07, 2023-07-31, 2019~ (about), "
                "2023-07-31/2023-08-02 (a range). 31.07.2023 is read as day.month.year."
            )
        )
        self._add_row(form, self.tr("Published"), "published")
        self._line_editor("author", self.tr("Author"))
        self._add_row(form, self.tr("Author"), "author")
        self._line_editor("publisher", self.tr("Publisher"))
        self._add_row(form, self.tr("Publisher"), "publisher")
        url = self._line_editor("url", self.tr("Where it was found"))
        url.setToolTip(self.tr("Shown as text only: Threadline never opens or fetches it."))
        self._add_row(form, self.tr("URL"), "url")
        language = self._line_editor("language", self.tr("he, ar, en, ru …"))
        language.setCompleter(QCompleter(list(LANGUAGE_SUGGESTIONS), language))
        self.language_name = QLabel()
        row = QHBoxLayout()
        row.addWidget(language, 1)
        row.addWidget(self.language_name, 2)
        form.addRow(self.tr("Language"), row)
        form.addRow("", self.errors["language"])
        self.reliability_combo = QComboBox()
        self.reliability_combo.setObjectName("inspector_reliability")
        for grade in Reliability:
            self.reliability_combo.addItem(f"{grade.value} — {reliability_meaning(grade)}", grade.value)
        self.reliability_combo.setToolTip(self.tr("How far the source can be trusted (the Admiralty scale)."))
        self.reliability_combo.activated.connect(self._commit_reliability)
        form.addRow(self.tr("Reliability"), self.reliability_combo)
        self.errors["reliability"] = self._error_label()
        form.addRow("", self.errors["reliability"])
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("inspector_notes")
        self.notes_edit.setPlaceholderText(self.tr("Your notes on this source"))
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(self.notes_edit.fontMetrics().lineSpacing() * 5 + 12)
        self.notes_edit.installEventFilter(self)
        form.addRow(self.tr("Notes"), self.notes_edit)
        self.errors["notes"] = self._error_label()
        form.addRow("", self.errors["notes"])
        return box

    def _file_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Original file"))
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.filename_label = self._value_label("inspector_filename")
        self.media_type_label = self._value_label("inspector_media_type")
        self.size_label = self._value_label("inspector_size")
        self.imported_label = self._value_label("inspector_imported")
        self.sha256_edit = HashView(object_name="inspector_sha256")
        self.copy_sha256_button = self._copy_button("inspector_copy_sha256", self.copy_sha256)
        form.addRow(self.tr("Name"), self.filename_label)
        form.addRow(self.tr("Type"), self.media_type_label)
        form.addRow(self.tr("Size"), self.size_label)
        # The Copy button sits under the row's label, leaving the field's width to the digest
        form.addRow(_label_over(self.tr("SHA-256"), self.copy_sha256_button), self.sha256_edit)
        form.addRow(self.tr("Imported"), self.imported_label)
        return box

    def _buttons(self) -> QHBoxLayout:
        self.open_button = QPushButton(self.tr("Open Original"))
        self.open_button.setObjectName("inspector_open_original")
        self.open_button.clicked.connect(self.open_original)
        self.save_button = QPushButton(self.tr("Save Original As…"))
        self.save_button.setObjectName("inspector_save_original")
        self.save_button.setToolTip(self.tr("Write the original file exactly as it was imported"))
        self.save_button.clicked.connect(self.save_original_as)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        return row

    def _line_editor(self, name: str, placeholder: str) -> QLineEdit:
        editor = QLineEdit()
        editor.setObjectName(f"inspector_{name}")
        editor.setPlaceholderText(placeholder)
        editor.editingFinished.connect(lambda: self._commit_line(name))
        editor.installEventFilter(self)
        self.editors[name] = editor
        self.errors[name] = self._error_label()
        return editor

    def _add_row(self, form: QFormLayout, label: str, name: str) -> None:
        form.addRow(label, self.editors[name])
        form.addRow("", self.errors[name])

    def _error_label(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {_ERROR_COLOUR};")
        label.hide()
        return label

    def _value_label(self, name: str) -> WrappedText:
        return WrappedText(object_name=name)

    def _copy_button(self, name: str, copy: Callable[[], None]) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setText(self.tr("Copy"))
        button.setToolTip(self.tr("Copy the SHA-256 to the clipboard"))
        button.clicked.connect(copy)
        return button

    def _link_label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        label.linkActivated.connect(self._on_link)
        return label

    # --- store and source ----------------------------------------------------------------------------------

    def set_store(self, store: CaseStore | None, bridge: StoreBridge | None) -> None:
        """Switch cases. Unsaved typing goes to the old store first: call this before closing it."""
        self.commit_pending()
        if self._bridge is not None:
            self._bridge.changed.disconnect(self._on_change)
        self._store, self._bridge = store, bridge
        if bridge is not None:
            bridge.changed.connect(self._on_change)
        self.show_source(None)

    def show_source(self, source_id: int | None) -> None:
        """Show ``source_id`` (None: nothing). Edits typed for the previous source are committed first."""
        if self._detail is not None and source_id != self._detail.id:
            self.commit_pending()
        if source_id is None or self._store is None:
            self._detail = None
            self._clear_errors()
            self._pages.setCurrentIndex(0)
            return
        if self._detail is None or self._detail.id != source_id:
            self._clear_errors()
        self._detail = None  # nothing is "dirty" against another source's values
        self._show(self._store.source(source_id))

    def source_id(self) -> int | None:
        return self._detail.id if self._detail is not None else None

    def detail(self) -> SourceDetail | None:
        return self._detail

    def _reload(self) -> None:
        if self._detail is None or self._store is None:
            return
        try:
            detail = self._store.source(self._detail.id)
        except NotFound:  # removed meanwhile
            self.show_source(None)
            return
        self._show(detail)

    def _on_change(self, change: Change) -> None:
        if self._detail is None or change.object_type != "source":
            return
        if self._detail.id in change.ids:
            if change.kind == ChangeKind.REMOVED:
                self.show_source(None)
            else:
                self._reload()
        elif self._related_ids & set(change.ids) or (
            change.kind == ChangeKind.ADDED and self._detail.kind == SourceKind.EMAIL
        ):
            self._fill_related(self._detail)  # a renamed attachment, or one that just arrived

    # --- filling -------------------------------------------------------------------------------------------

    def _show(self, detail: SourceDetail, committed: str = "") -> None:
        """Fill the fields from ``detail``, except one the user is typing in (``committed`` is not)."""
        previous, self._detail = self._detail, detail
        for name, editor in self.editors.items():
            typing = editor.hasFocus() and previous is not None and editor.text() != _text(previous, name)
            if not typing or name == committed:
                editor.setText(_text(detail, name))
                editor.setCursorPosition(0)
        notes_typing = (
            self.notes_edit.hasFocus()
            and previous is not None
            and self.notes_edit.toPlainText() != previous.notes
        )
        if (not notes_typing or committed == "notes") and self.notes_edit.toPlainText() != detail.notes:
            self.notes_edit.setPlainText(detail.notes)
        self.reliability_combo.setCurrentIndex(self.reliability_combo.findData(detail.reliability.value))
        self.language_name.setText(language_name(detail.language))
        self.kind_label.setText(
            self.tr("{kind} · source #{id}").format(kind=kind_label(detail.kind), id=detail.id)
        )
        self._fill_file(detail)
        self._fill_related(detail)
        self._fill_extra(detail)
        self._pages.setCurrentIndex(1)

    def _fill_file(self, detail: SourceDetail) -> None:
        self.filename_label.setText(detail.original_filename or self.tr("(pasted or typed in Threadline)"))
        self.media_type_label.setText(detail.media_type)
        size = format_size(detail.size)
        if detail.size >= 1024:
            size = self.tr("{size} ({bytes} bytes)").format(size=size, bytes=f"{detail.size:,}")
        self.size_label.setText(size)
        self.sha256_edit.setPlainText(detail.sha256)
        self.imported_label.setText(
            self.tr("{at} by {who}").format(at=format_timestamp(detail.imported_at), who=detail.imported_by)
        )
        self.open_button.setToolTip(
            self.tr("Show it here, with remote content blocked")
            if detail.kind in (SourceKind.HTML, SourceKind.EMAIL)
            else self.tr("Open a read-only copy in the application your system uses for this type")
        )

    def _fill_related(self, detail: SourceDetail) -> None:
        assert self._store is not None
        parts: list[str] = []
        related: set[int] = set()
        if detail.parent_id is not None:
            parent = self._store.source(detail.parent_id)
            related.add(parent.id)
            parts.append(self.tr("Attached to {link}").format(link=_link(parent.id, parent.title)))
        children = self._store.children_of(detail.id)
        if children:
            related.update(child.id for child in children)
            links = "<br/>".join(_link(child.id, child.title) for child in children)
            parts.append(self.tr("Attachments:") + "<br/>" + links)
        self._related_ids = related
        direction = "rtl" if QGuiApplication.isRightToLeft() else "ltr"  # the interface's, not a title's
        self.related_label.setText(f"<div dir='{direction}'>{'<br/>'.join(parts)}</div>")
        self.related_label.setVisible(bool(parts))

    def _fill_extra(self, detail: SourceDetail) -> None:
        while self.extra_form.rowCount():
            self.extra_form.removeRow(0)
        self.attachment_hashes = []
        for key, value in list(detail.extra.items())[:_MAX_EXTRA_ROWS]:
            listed = parse_attachments(value) if key == _ATTACHMENTS_KEY else None
            if listed:  # across both columns: the digests need the width
                self.extra_form.addRow(QLabel(_extra_label(key)))
                self.extra_form.addRow(self._attachments_list(listed))
                continue
            label = self._value_label("inspector_extra")
            label.setText(value)
            self.extra_form.addRow(_extra_label(key), label)
        self.extra_box.setVisible(bool(detail.extra))

    def _attachments_list(self, listed: list[ListedAttachment]) -> QWidget:
        """Each attachment the e-mail lists: its name and size, then its SHA-256 in full with a Copy
        button, as for the e-mail's own file."""
        widget = QWidget()
        column = QVBoxLayout(widget)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        for item in listed:
            name = self._value_label("inspector_attachment")
            # the file name isolated, so a Hebrew or Arabic name does not turn the line around
            isolated = f"\u2068{item.name}\u2069"  # a Hebrew or Arabic name stays out of the line's order
            name.set_ui_text(self.tr("{name} — {size}").format(name=isolated, size=format_size(item.size)))
            column.addWidget(name)
            digest = HashView(object_name="inspector_attachment_sha256")
            digest.setPlainText(item.sha256)
            button = self._copy_button(
                "inspector_copy_attachment_sha256",
                lambda _checked=False, sha=item.sha256: QGuiApplication.clipboard().setText(sha),
            )
            column.addLayout(_hash_row(digest, button))
            self.attachment_hashes.append(digest)
        return widget

    # --- committing edits ----------------------------------------------------------------------------------

    def commit_pending(self) -> None:
        """Commit whatever was typed but not yet committed (before switching source or case)."""
        if self._detail is None or self._store is None:
            return
        for name in LINE_FIELDS:
            if self.editors[name].text() != _text(self._detail, name):
                self._commit_line(name)
        if self._detail is not None and self.notes_edit.toPlainText() != self._detail.notes:
            self._commit("notes", self.notes_edit.toPlainText())

    def _commit_line(self, name: str) -> None:
        self._commit(name, self.editors[name].text())

    def _commit_reliability(self) -> None:
        self._commit("reliability", self.reliability_combo.currentData())

    def _commit(self, name: str, value: str) -> None:
        detail, store = self._detail, self._store
        if detail is None or store is None:
            return
        if value == _text(detail, name):
            self.errors[name].hide()
            return
        stored: object = value if value.strip() or name in ("notes", "title", "language") else None
        try:
            apply_source_edit(self.undo_stack, store, detail.id, {name: stored})
        except ThreadlineError as error:
            self._revert(name, detail)
            self.errors[name].setText(error.message)
            self.errors[name].show()
            return
        self.errors[name].hide()
        self._show(store.source(detail.id), committed=name)

    def _revert(self, name: str, detail: SourceDetail) -> None:
        if name == "notes":
            self.notes_edit.setPlainText(detail.notes)
        elif name == "reliability":
            self.reliability_combo.setCurrentIndex(self.reliability_combo.findData(detail.reliability.value))
        else:
            self.editors[name].setText(_text(detail, name))
            self.editors[name].setCursorPosition(0)

    def _clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Escape puts a field back as stored; leaving the notes commits them."""
        if event.type() == QEvent.Type.FocusOut and watched is self.notes_edit:
            if self._detail is not None and self.notes_edit.toPlainText() != self._detail.notes:
                self._commit("notes", self.notes_edit.toPlainText())
        elif (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self._detail is not None
        ):
            for name, editor in (*self.editors.items(), ("notes", self.notes_edit)):
                if watched is editor:
                    self._revert(name, self._detail)
                    self.errors[name].hide()
                    return True
        return super().eventFilter(watched, event)

    # --- actions -------------------------------------------------------------------------------------------

    def copy_sha256(self) -> None:
        if self._detail is not None:
            QGuiApplication.clipboard().setText(self._detail.sha256)

    def open_original(self) -> OriginalViewer | None:
        if self._detail is None or self._store is None:
            return None
        try:
            viewer = open_original(self._store, self._detail.id, self)
        except ThreadlineError as error:
            QMessageBox.warning(self, self.tr("Open Original"), error.message)
            return None
        if viewer is not None:
            viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            viewer.destroyed.connect(lambda: self.viewers.remove(viewer) if viewer in self.viewers else None)
            self.viewers.append(viewer)
        return viewer

    def save_original_as(self) -> None:
        if self._detail is None:
            return
        suggested = self._detail.original_filename or copy_name(self._detail)
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save Original As"), str(Path.home() / Path(suggested).name)
        )
        if not chosen:
            return
        try:
            self.save_original_to(Path(chosen))
        except ThreadlineError as error:
            QMessageBox.warning(self, self.tr("Save Original As"), error.message)

    def save_original_to(self, path: Path) -> None:
        """Write the exact bytes that were imported; ``ThreadlineError`` if the file cannot be written."""
        if self._detail is None or self._store is None:
            return
        data = self._store.original_bytes(self._detail.id)
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise ThreadlineError(
                self.tr("Cannot write {path}: {reason}.").format(path=path, reason=exc.strerror or exc)
            ) from exc

    def _on_link(self, link: str) -> None:
        if link.startswith("source:"):
            self.source_requested.emit(int(link.removeprefix("source:")))


@dataclass(frozen=True)
class ListedAttachment:
    """One attachment as an e-mail's ``extra["Attachments"]`` records it (``app.ingest.email``)."""

    name: str
    size: int
    sha256: str


_ATTACHMENTS_KEY = "Attachments"
_LISTED_ATTACHMENT = re.compile(r"(?P<name>.*?) \((?P<size>[\d,]+) bytes, SHA-256 (?P<sha>[0-9a-f]{64})\)")


def parse_attachments(value: str) -> list[ListedAttachment] | None:
    """The attachments in ``name (1,234 bytes, SHA-256 <hex>); …``, or None if the value is not all in
    that form (then it is shown as it is)."""
    listed: list[ListedAttachment] = []
    position = 0
    while position < len(value):
        match = _LISTED_ATTACHMENT.match(value, position)
        if match is None:
            return None
        listed.append(ListedAttachment(match["name"], int(match["size"].replace(",", "")), match["sha"]))
        position = match.end()
        if value.startswith("; ", position):
            position += 2
        elif position != len(value):
            return None
    return listed or None


def _hash_row(view: HashView, button: QToolButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(view, 1)
    row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
    return row


def _label_over(text: str, button: QToolButton) -> QWidget:
    """A form row's label with a button under it."""
    widget = QWidget()
    column = QVBoxLayout(widget)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(QLabel(text))
    column.addWidget(button, 0, Qt.AlignmentFlag.AlignLeading)
    column.addStretch(1)
    return widget


def _text(detail: SourceDetail, name: str) -> str:
    value = getattr(detail, name)
    if isinstance(value, Reliability):
        return value.value
    return "" if value is None else str(value)


def _link(source_id: int, title: str) -> str:
    return f'<a href="source:{source_id}">\u2068{html.escape(title)}\u2069</a> (#{source_id})'


def _extra_label(key: str) -> str:
    if key == "published_as_found":
        return QCoreApplication.translate("InspectorDock", "Date as written")
    return key
