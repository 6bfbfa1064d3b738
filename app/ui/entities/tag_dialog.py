"""Naming what is selected in the reader: the "Tag as Entity" dialog and the entity picker inside it.

The dialog opens with the name the store suggests for the selection (snapped to whole words, an attached
Hebrew or Arabic prefix left out: "בפיונגיאנג" offers "פיונגיאנג") and lists the entities one of whose
aliases matches what is typed, in any script. Enter links the selection to the highlighted entity, or,
on the last row, creates a new entity of the chosen type. The button says which of the two Enter does.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.entities.catalogue import EntityCatalogue
from app.ui.entities.matching import AT_START
from app.ui.entities.models import MatchModel
from app.ui.entities.words import quote, tr, type_label
from app.ui.reader import paragraph_direction

MATCH_LIMIT = 50
LARGE_CASE = 2000  # entities; above this, matching waits for a pause in the typing
TYPING_PAUSE_MS = 120
_NAVIGATION_KEYS = frozenset({Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown})


@dataclass(frozen=True)
class TagChoice:
    """What the investigator chose: an existing entity, or a new one with this name and type."""

    entity_id: int | None
    name: str
    type_key: str


class EntityPicker(QWidget):
    """A line to type in and the entities matching it; Up and Down move through them from the line."""

    current_changed = Signal()
    activated = Signal()  # Enter in the line, or a double-click on a row

    def __init__(
        self,
        catalogue: EntityCatalogue,
        *,
        offer_new: bool,
        exclude: frozenset[int] = frozenset(),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.offer_new = offer_new
        self.exclude = exclude
        self.new_type = ""
        self.model = MatchModel(catalogue, self)
        self.line = QLineEdit(self)
        self.line.setObjectName("entity_picker_line")
        self.line.setClearButtonEnabled(True)
        self.line.setPlaceholderText(tr("Type a name in any script"))
        self.view = QListView(self)
        self.view.setObjectName("entity_picker_list")
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setUniformItemSizes(True)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys go through the line
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line)
        layout.addWidget(self.view, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self.update_matches)
        self.line.textChanged.connect(self._typed)
        self.line.returnPressed.connect(self.activated)
        self.line.installEventFilter(self)
        self.view.doubleClicked.connect(lambda _index: self.activated.emit())
        self.view.selectionModel().currentChanged.connect(lambda *_: self.current_changed.emit())
        catalogue.index_loaded.connect(self.update_matches)
        catalogue.ensure_index()

    def set_text(self, text: str) -> None:
        self.line.setText(text)
        self.line.selectAll()
        self.update_matches()

    def text(self) -> str:
        return " ".join(self.line.text().split())

    def set_new_type(self, type_key: str) -> None:
        self.new_type = type_key
        self.model.set_new_type(type_key)

    def _typed(self) -> None:
        self.line.setLayoutDirection(paragraph_direction(self.line.text()) or Qt.LayoutDirection.LeftToRight)
        if len(self.catalogue.summaries()) > LARGE_CASE:
            self._timer.start()
        else:
            self.update_matches()

    def update_matches(self) -> None:
        self._timer.stop()
        text = self.text()
        matches = [
            m
            for m in self.catalogue.match(text, limit=MATCH_LIMIT + len(self.exclude))
            if m.entity_id not in self.exclude
        ]
        matches = matches[:MATCH_LIMIT]
        self.model.set_matches(matches, text if self.offer_new else "", self.new_type)
        good = [row for row, match in enumerate(matches) if match.rank[0] <= AT_START]
        create = self.model.create_row()
        row = good[0] if good else create if create is not None else (0 if matches else None)
        self.set_current_row(row)

    def set_current_row(self, row: int | None) -> None:
        selection = self.view.selectionModel()
        if row is None or not 0 <= row < self.model.rowCount():
            selection.clearCurrentIndex()
            selection.clearSelection()
        else:
            index = self.model.index(row)
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.view.scrollTo(index)
        self.current_changed.emit()

    def current_row(self) -> int | None:
        index = self.view.currentIndex()
        return index.row() if index.isValid() else None

    def current_entity_id(self) -> int | None:
        row = self.current_row()
        return None if row is None else self.model.entity_id_at(row)

    def is_create_current(self) -> bool:
        row = self.current_row()
        return row is not None and row == self.model.create_row()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.line
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in _NAVIGATION_KEYS
            and self.model.rowCount()
        ):
            self._move(Qt.Key(event.key()))
            return True
        return super().eventFilter(watched, event)

    def _move(self, key: Qt.Key) -> None:
        count = self.model.rowCount()
        row = self.current_row()
        step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -8, Qt.Key.Key_PageDown: 8}[key]
        self.set_current_row(max(0, min(count - 1, (row if row is not None else -1) + step)))


class TagDialog(QDialog):
    """Tag a selection as an existing entity or a new one; see the module docstring."""

    def __init__(
        self,
        catalogue: EntityCatalogue,
        selected_text: str,
        suggested_name: str,
        type_key: str,
        parent: QWidget | None = None,
        *,
        title: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tag_dialog")
        self.setWindowTitle(title or tr("Tag as Entity"))
        self.catalogue = catalogue
        self.quote_label = QLabel(self)
        self.quote_label.setObjectName("tag_quote")
        self.quote_label.setTextFormat(Qt.TextFormat.PlainText)
        self.quote_label.setWordWrap(True)
        self.quote_label.setText(tr("Selected: “{text}”").format(text=quote(selected_text, 80)))
        self.picker = EntityPicker(catalogue, offer_new=True, parent=self)
        self.type_combo = QComboBox(self)
        self.type_combo.setObjectName("tag_type")
        for entity_type in catalogue.types():
            self.type_combo.addItem(
                catalogue.decoration(entity_type.key), type_label(entity_type), entity_type.key
            )
        found = self.type_combo.findData(type_key)
        self.type_combo.setCurrentIndex(max(0, found))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = QPushButton(self)
        self.ok_button.setObjectName("tag_ok")
        self.ok_button.setDefault(True)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        form = QFormLayout()
        form.addRow(tr("Type of a new entity:"), self.type_combo)
        layout = QVBoxLayout(self)
        layout.addWidget(self.quote_label)
        layout.addWidget(self.picker, 1)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.picker.activated.connect(self._activated)
        self.picker.current_changed.connect(self._update_button)
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.picker.set_new_type(self.type_key())
        self.picker.set_text(suggested_name)
        self.resize(440, 380)
        self.picker.line.setFocus()

    def type_key(self) -> str:
        return str(self.type_combo.currentData() or "")

    def choice(self) -> TagChoice | None:
        """What Enter (or the button) does now; None when there is nothing to do."""
        entity_id = self.picker.current_entity_id()
        if entity_id is not None:
            return TagChoice(entity_id, "", "")
        if self.picker.is_create_current() and self.picker.text():
            return TagChoice(None, self.picker.text(), self.type_key())
        return None

    def _activated(self) -> None:
        if self.choice() is not None:
            self.accept()

    def _type_changed(self) -> None:
        self.picker.set_new_type(self.type_key())
        self._update_button()

    def _update_button(self) -> None:
        entity_id = self.picker.current_entity_id()
        creating = entity_id is None
        self.type_combo.setEnabled(creating)
        if entity_id is not None:
            summary = self.catalogue.summary(entity_id)
            name = summary.name if summary is not None else ""
            self.ok_button.setText(tr("Tag as {name}").format(name=quote(name, 30)))
        else:
            self.ok_button.setText(tr("Create and Tag"))
        self.ok_button.setEnabled(self.choice() is not None)


class PickEntityDialog(QDialog):
    """Choose one entity by typing (for "Merge Into…")."""

    def __init__(
        self,
        catalogue: EntityCatalogue,
        title: str,
        prompt: str,
        exclude: frozenset[int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pick_entity_dialog")
        self.setWindowTitle(title)
        label = QLabel(prompt, self)
        label.setWordWrap(True)
        self.picker = EntityPicker(catalogue, offer_new=False, exclude=exclude, parent=self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.picker, 1)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.picker.activated.connect(self._activated)
        self.picker.current_changed.connect(self._update_button)
        self._update_button()
        self.resize(420, 360)
        self.picker.line.setFocus()

    def entity_id(self) -> int | None:
        return self.picker.current_entity_id()

    def _activated(self) -> None:
        if self.entity_id() is not None:
            self.accept()

    def _update_button(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.entity_id() is not None)
