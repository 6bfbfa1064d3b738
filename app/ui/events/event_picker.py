""" "Add as Evidence to Event…": choose the event a selected quote bears on, by typing part of its title.

The list shows the events whose title or description holds what was typed (search folding: niqqud, harakat
and case do not matter), most recently changed first, at most ``MAX_SHOWN``; with nothing typed, the events
changed most recently. The quote is linked with the stance and credibility chosen here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from app.core.event_records import EventFilter, EventOrder, EventSortKey, EventSummary
from app.core.records import Stance
from app.store import CaseStore
from app.ui.date_edit import ui_language
from app.ui.events.formatting import credibility_label, event_date_text, stance_label, tr
from app.ui.reader import SelectedText
from app.ui.sources_dock import BidiItemDelegate

MAX_SHOWN = 50
TYPING_DELAY_MS = 150
RECENT = EventOrder(EventSortKey.UPDATED, descending=True)

ModelIndex = QModelIndex | QPersistentModelIndex


def _when(event: EventSummary, language: str) -> str:
    return event_date_text(event.start_edtf, event.end_edtf, language=language)


class EventChoices(QAbstractListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._events: list[EventSummary] = []
        self._texts: list[str] = []

    def set_events(self, events: list[EventSummary]) -> None:
        self.beginResetModel()
        self._events = events
        language = ui_language()
        undated = tr("undated")
        self._texts = [f"{event.title}   ·   {_when(event, language) or undated}" for event in events]
        self.endResetModel()

    def event_at(self, row: int) -> EventSummary:
        return self._events[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._events)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._events):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"#{self._events[index.row()].id}"
        return None


class EventPickerDialog(QDialog):
    """See the module docstring; ``chosen`` carries (event id, stance, credibility)."""

    chosen = Signal(int, str, int)

    def __init__(self, store: CaseStore, selected: SelectedText, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("event_picker")
        self.setWindowTitle(tr("Add as Evidence to Event"))
        self.store = store
        self.selected = selected
        quote = " ".join(selected.text.split())
        self.quote_label = QLabel(f"“{quote[:300]}{'…' if len(quote) > 300 else ''}”")
        self.quote_label.setObjectName("event_picker_quote")
        self.quote_label.setWordWrap(True)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("event_picker_search")
        self.search_edit.setPlaceholderText(tr("Type part of the event's title"))
        self.search_edit.installEventFilter(self)
        self.model = EventChoices(self)
        self.list_view = QListView()
        self.list_view.setObjectName("event_picker_list")
        self.list_view.setModel(self.model)
        self.list_view.setItemDelegate(BidiItemDelegate(self.list_view))
        self.list_view.doubleClicked.connect(self.accept)
        self.stance_combo = QComboBox()
        self.stance_combo.setObjectName("event_picker_stance")
        for stance in Stance:
            self.stance_combo.addItem(stance_label(stance), stance.value)
        self.credibility_combo = QComboBox()
        self.credibility_combo.setObjectName("event_picker_credibility")
        for grade in range(1, 7):
            self.credibility_combo.addItem(credibility_label(grade), grade)
        self.credibility_combo.setCurrentIndex(5)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok is not None
        ok.setText(tr("Link Quote"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(tr("This quote"), self.stance_combo)
        form.addRow(tr("Credibility"), self.credibility_combo)
        layout = QVBoxLayout(self)
        layout.addWidget(self.quote_label)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.list_view, 1)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(520, 420)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_DELAY_MS)
        self._timer.timeout.connect(self.search)
        self.search_edit.textChanged.connect(self._timer.start)
        self.search()

    def search(self) -> None:
        """Show the events matching what is typed (the timer calls this; tests may too)."""
        self._timer.stop()
        text = self.search_edit.text().strip()
        ids = self.store.events.event_ids(EventFilter(text=text), RECENT)[:MAX_SHOWN]
        self.model.set_events(self.store.events.summaries(ids))
        if self.model.rowCount():
            self.list_view.setCurrentIndex(self.model.index(0))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok is not None
        ok.setEnabled(self.model.rowCount() > 0)

    def titles(self) -> list[str]:
        return [self.model.event_at(row).title for row in range(self.model.rowCount())]

    def accept(self) -> None:
        current = self.list_view.currentIndex()
        if not current.isValid():
            return
        event = self.model.event_at(current.row())
        self.chosen.emit(
            event.id, str(self.stance_combo.currentData()), int(self.credibility_combo.currentData())
        )
        super().accept()

    def eventFilter(self, watched: Any, event: Any) -> bool:
        """Up and Down in the search field move through the list."""
        if (
            watched is self.search_edit
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down)
            and self.model.rowCount()
        ):
            row = self.list_view.currentIndex().row()
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = min(max(row + step, 0), self.model.rowCount() - 1)
            self.list_view.setCurrentIndex(self.model.index(row))
            return True
        return super().eventFilter(watched, event)
