"""The small dialogs of the entity views: a new entity, a new entity type, a merge and a delete.

None of them writes anything: each collects a decision and the controller turns it into one undoable
edit. They are opened with ``open()`` (window-modal), so nothing else waits on them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.core.entity_records import DeletionImpact, EntitySummary
from app.ui.entities.catalogue import EntityCatalogue, available_icons, type_icon
from app.ui.entities.words import counted, deletion_text, quote, tr, type_label

DEFAULT_TYPE_COLOUR = "#00897b"


def _type_combo(catalogue: EntityCatalogue, selected: str, parent: QWidget) -> QComboBox:
    combo = QComboBox(parent)
    for entity_type in catalogue.types():
        combo.addItem(catalogue.decoration(entity_type.key), type_label(entity_type), entity_type.key)
    combo.setCurrentIndex(max(0, combo.findData(selected)))
    return combo


class NewEntityDialog(QDialog):
    """Name, type, other spellings (one per line) and a description of a new entity."""

    def __init__(self, catalogue: EntityCatalogue, type_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("new_entity_dialog")
        self.setWindowTitle(tr("New Entity"))
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("new_entity_name")
        self.type_combo = _type_combo(catalogue, type_key, self)
        self.type_combo.setObjectName("new_entity_type")
        self.aliases_edit = QPlainTextEdit(self)
        self.aliases_edit.setObjectName("new_entity_aliases")
        self.aliases_edit.setPlaceholderText(tr("Other spellings, one per line, in any script"))
        self.aliases_edit.setTabChangesFocus(True)
        self.description_edit = QLineEdit(self)
        self.description_edit.setObjectName("new_entity_description")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        form = QFormLayout()
        form.addRow(tr("&Name:"), self.name_edit)
        form.addRow(tr("&Type:"), self.type_combo)
        form.addRow(tr("&Aliases:"), self.aliases_edit)
        form.addRow(tr("&Description:"), self.description_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(self._update_button)
        self._update_button()

    def name(self) -> str:
        return " ".join(self.name_edit.text().split())

    def type_key(self) -> str:
        return str(self.type_combo.currentData() or "")

    def aliases(self) -> list[str]:
        return [line.strip() for line in self.aliases_edit.toPlainText().splitlines() if line.strip()]

    def description(self) -> str:
        return self.description_edit.text().strip()

    def _update_button(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.name()))


class EntityTypeDialog(QDialog):
    """A type of the investigator's own: its name, the colour its mentions get, and an icon."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("entity_type_dialog")
        self.setWindowTitle(tr("New Entity Type"))
        self._colour = QColor(DEFAULT_TYPE_COLOUR)
        self.label_edit = QLineEdit(self)
        self.label_edit.setObjectName("entity_type_label")
        self.colour_button = QPushButton(self)
        self.colour_button.setObjectName("entity_type_colour")
        self.icon_combo = QComboBox(self)
        self.icon_combo.setObjectName("entity_type_icon")
        for name in available_icons():
            self.icon_combo.addItem(type_icon(name), name, name)
        self.icon_combo.setCurrentIndex(max(0, self.icon_combo.findData("entity")))
        self.sample = QLabel(tr("Sample mention"), self)
        self.sample.setObjectName("entity_type_sample")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        form = QFormLayout()
        form.addRow(tr("&Name:"), self.label_edit)
        form.addRow(tr("&Colour:"), self.colour_button)
        form.addRow(tr("&Icon:"), self.icon_combo)
        form.addRow(tr("In the reader:"), self.sample)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.label_edit.textChanged.connect(self._update_button)
        self.colour_button.clicked.connect(self.choose_colour)
        self.colour_dialog: QColorDialog | None = None
        self.set_colour(self._colour)
        self._update_button()

    def label(self) -> str:
        return " ".join(self.label_edit.text().split())

    def colour(self) -> str:
        return str(self._colour.name())

    def icon_name(self) -> str:
        return str(self.icon_combo.currentData() or "")

    def set_colour(self, colour: QColor) -> None:
        if not colour.isValid():
            return
        self._colour = QColor(colour)
        self.colour_button.setText(self._colour.name())
        self.colour_button.setStyleSheet(
            f"QPushButton {{ border-left: 18px solid {self._colour.name()}; padding: 3px 8px; }}"
        )
        tint = QColor(self._colour)
        tint.setAlpha(60)
        self.sample.setStyleSheet(
            f"QLabel {{ background: rgba({tint.red()}, {tint.green()}, {tint.blue()}, {tint.alpha()});"
            f" border-bottom: 1px solid {self._colour.name()}; padding: 1px 3px; }}"
        )

    def choose_colour(self) -> None:
        dialog = QColorDialog(self._colour, self)
        dialog.setObjectName("entity_type_colour_dialog")
        dialog.setOption(QColorDialog.ColorDialogOption.DontUseNativeDialog)
        dialog.colorSelected.connect(self.set_colour)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.colour_dialog = dialog
        dialog.open()

    def _update_button(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.label()))


class MergeDialog(QDialog):
    """Merge two or more entities: choose the one that stays; the others' names, aliases, mentions, event
    links and notes move to it."""

    def __init__(
        self, catalogue: EntityCatalogue, entities: Sequence[EntitySummary], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("merge_dialog")
        self.setWindowTitle(tr("Merge Entities"))
        self._entities = list(entities)
        intro = QLabel(
            tr(
                "Keep one of these entities. The others are merged into it: their names become its "
                "aliases, and their mentions, event links and notes move to it. Edit ▸ Undo splits them "
                "again."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        busiest = max(range(len(entities)), key=lambda i: (entities[i].mentions, -entities[i].id))
        for position, summary in enumerate(entities):
            button = QRadioButton(self._label(catalogue, summary), self)
            button.setObjectName(f"merge_keep_{summary.id}")
            button.setIcon(catalogue.decoration(summary.type_key))
            self.group.addButton(button, position)
            layout.addWidget(button)
            if position == busiest:
                button.setChecked(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.merge_button = self.buttons.addButton(tr("Merge"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setObjectName("merge_ok")
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    @staticmethod
    def _label(catalogue: EntityCatalogue, summary: EntitySummary) -> str:
        return tr("{name} — {type}, {mentions}").format(
            name=quote(summary.name, 60),
            type=catalogue.type_label(summary.type_key),
            mentions=counted("%n mention(s)", summary.mentions),
        )

    def survivor_id(self) -> int:
        return self._entities[max(0, self.group.checkedId())].id

    def set_survivor(self, entity_id: int) -> None:
        for position, summary in enumerate(self._entities):
            if summary.id == entity_id:
                button = self.group.button(position)
                button.setChecked(True)

    def merged_ids(self) -> list[int]:
        survivor = self.survivor_id()
        return [summary.id for summary in self._entities if summary.id != survivor]


def delete_confirmation(impact: DeletionImpact, parent: QWidget) -> QMessageBox:
    """The question before a delete, naming what goes with the entity; the caller opens it."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        tr("Delete Entity"),
        deletion_text(impact),
        QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setObjectName("delete_entity_box")
    delete = box.addButton(tr("Delete"), QMessageBox.ButtonRole.DestructiveRole)
    delete.setObjectName("delete_entity_ok")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return box
