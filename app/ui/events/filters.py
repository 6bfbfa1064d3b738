"""One set of filters for the timeline and the events table, and the bar that edits it.

``FilterState`` holds the ``EventFilter`` in force and says when it changed; the table and the timeline both
follow it, so what one shows the other shows. ``EventFilterBar`` edits it: text (title and description,
with search folding), a date range (any date the date field reads: "2023", "July 2023", "31 ביולי 2023"),
an entity, a tag, a category, a confidence, and disputed events only. Typing is applied after a short pause;
the lists of entities, tags and categories are read from the store when the case changes.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFocusEvent, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from app.core.dates import display
from app.core.event_records import ALL_EVENTS, EventFilter
from app.core.records import Change, Confidence
from app.store import CaseStore
from app.ui.date_edit import ERROR_COLOUR, reading_of, ui_language
from app.ui.events.flow_layout import FlowLayout
from app.ui.events.formatting import confidence_label, tr
from app.ui.store_bridge import StoreBridge

TYPING_DELAY_MS = 250
LISTS_DELAY_MS = 400


def _day_of(epoch: int) -> str:
    """The calendar day (UTC, as stored dates are read) of an epoch second, as ISO."""
    return datetime.fromtimestamp(epoch, UTC).date().isoformat()


class LazyComboBox(QComboBox):
    """A combo box whose entries are read (``about_to_show``) when the user first reaches for them - the
    lists of a case with many events take a query each, not worth running for every case that opens."""

    about_to_show = Signal()

    def showPopup(self) -> None:
        self.about_to_show.emit()
        super().showPopup()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.about_to_show.emit()
        super().focusInEvent(event)


class FilterState(QObject):
    """The filter in force; see the module docstring."""

    changed = Signal(object)  # EventFilter

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._filter = ALL_EVENTS

    @property
    def filter(self) -> EventFilter:
        return self._filter

    def set_filter(self, filters: EventFilter) -> None:
        if filters != self._filter:
            self._filter = filters
            self.changed.emit(filters)

    def update(self, **changes: object) -> None:
        self.set_filter(dataclasses.replace(self._filter, **changes))  # type: ignore[arg-type]

    def clear(self) -> None:
        self.set_filter(ALL_EVENTS)

    def is_active(self) -> bool:
        return self._filter != ALL_EVENTS


class EventFilterBar(QWidget):
    """The filter controls in one row; see the module docstring."""

    def __init__(self, state: FilterState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("event_filter_bar")
        self.state = state
        self._store: CaseStore | None = None
        self._bridge: StoreBridge | None = None
        self._syncing = False
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_DELAY_MS)
        self._typing.timeout.connect(self._apply)
        self._lists_timer = QTimer(self)
        self._lists_timer.setSingleShot(True)
        self._lists_timer.setInterval(LISTS_DELAY_MS)
        self._lists_timer.timeout.connect(self._lists_changed)
        self._lists_stale = True
        self._build()
        state.changed.connect(self._show_filter)

    def _build(self) -> None:
        self.text_edit = QLineEdit(self)
        self.text_edit.setObjectName("event_filter_text")
        self.text_edit.setPlaceholderText(tr("Filter events…"))
        self.text_edit.setClearButtonEnabled(True)
        self.text_edit.setMinimumWidth(170)
        self.from_edit = self._date_edit("event_filter_from", tr("From"))
        self.to_edit = self._date_edit("event_filter_to", tr("To"))
        self.entity_combo = self._combo("event_filter_entity", tr("Any entity"))
        self.tag_combo = self._combo("event_filter_tag", tr("Any tag"))
        self.category_combo = self._combo("event_filter_category", tr("Any category"))
        self.confidence_combo = self._combo("event_filter_confidence", tr("Any confidence"))
        for level in Confidence:
            self.confidence_combo.addItem(confidence_label(level), level.value)
        self.disputed_check = QCheckBox(tr("Disputed only"), self)
        self.disputed_check.setObjectName("event_filter_disputed")
        self.clear_button = QToolButton(self)
        self.clear_button.setObjectName("event_filter_clear")
        self.clear_button.setText(tr("Clear"))
        self.clear_button.setToolTip(tr("Show all events"))
        self.count_label = QLabel(self)
        self.count_label.setObjectName("event_filter_count")
        self.count_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.flow = FlowLayout(self)
        self.flow.setContentsMargins(4, 2, 4, 2)
        for widget in (
            self.text_edit,
            self.from_edit,
            self.to_edit,
            self.entity_combo,
            self.tag_combo,
            self.category_combo,
            self.confidence_combo,
            self.disputed_check,
            self.clear_button,
            self.count_label,
        ):
            self.flow.addWidget(widget)
        self.text_edit.textChanged.connect(self._typing.start)
        self.from_edit.textChanged.connect(self._typing.start)
        self.to_edit.textChanged.connect(self._typing.start)
        self.text_edit.returnPressed.connect(self._apply)
        for combo in (self.entity_combo, self.tag_combo, self.category_combo, self.confidence_combo):
            combo.activated.connect(self._apply)
        self.disputed_check.toggled.connect(self._apply)
        self.clear_button.clicked.connect(self.state.clear)

    def _date_edit(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.setMinimumWidth(84)
        edit.setToolTip(tr("A date or period: 2023, July 2023, 31 ביולי 2023, 2019-05/2019-08 …"))
        return edit

    def _combo(self, name: str, everything: str) -> QComboBox:
        combo = LazyComboBox(self)
        combo.about_to_show.connect(self._ensure_lists)
        combo.setObjectName(name)
        combo.addItem(everything, None)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(9)
        return combo

    # --- the store -----------------------------------------------------------------------------------

    def set_store(self, store: CaseStore | None, bridge: StoreBridge | None) -> None:
        if self._bridge is not None:
            self._bridge.changed.disconnect(self._on_change)
        self._store, self._bridge = store, bridge
        if bridge is not None:
            bridge.changed.connect(self._on_change)
        self._lists_stale = True
        if store is None:
            self.reload_lists()
        self._show_filter(self.state.filter)

    def _on_change(self, change: Change) -> None:
        if change.object_type in ("entity", "event"):
            self._lists_timer.start()

    def _lists_changed(self) -> None:
        """Entities, events or tags changed: read the lists again now if one is in use, else when needed."""
        self._lists_stale = True
        if any(
            combo.currentIndex() > 0 for combo in (self.entity_combo, self.tag_combo, self.category_combo)
        ):
            self.reload_lists()

    def _ensure_lists(self) -> None:
        if self._lists_stale:
            self.reload_lists()

    def reload_lists(self) -> None:
        """Entities, tags and categories as the case has them now; the chosen ones stay chosen."""
        self._lists_stale = False
        store = self._store
        entities = store.entities.list_entities() if store is not None else []
        tags = store.events.event_tags() if store is not None else []
        categories = store.events.categories() if store is not None else []
        self._fill(self.entity_combo, [(entity.name, entity.id) for entity in entities])
        self._fill(self.tag_combo, [(tag.name, tag.id) for tag in tags])
        self._fill(self.category_combo, [(name, name) for name in categories])

    def _fill(self, combo: QComboBox, entries: list[tuple[str, object]]) -> None:
        chosen = combo.currentData()
        self._syncing = True
        try:
            while combo.count() > 1:
                combo.removeItem(1)
            for text, data in entries:
                combo.addItem(text, data)
            index = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(index, 0))
        finally:
            self._syncing = False

    # --- from the widgets to the state and back ------------------------------------------------------

    def _apply(self) -> None:
        if self._syncing:
            return
        self._typing.stop()
        earliest, from_ok = self._bound(self.from_edit, first=True)
        latest, to_ok = self._bound(self.to_edit, first=False)
        entity = self.entity_combo.currentData()
        tag = self.tag_combo.currentData()
        category = self.category_combo.currentData()
        level = self.confidence_combo.currentData()
        current = self.state.filter
        self.state.set_filter(
            EventFilter(
                earliest=earliest if from_ok else current.earliest,
                latest=latest if to_ok else current.latest,
                text=self.text_edit.text().strip(),
                entity_ids=frozenset({entity}) if entity is not None else frozenset(),
                tag_ids=frozenset({tag}) if tag is not None else frozenset(),
                categories=frozenset({category}) if category is not None else frozenset(),
                confidences=frozenset({Confidence(level)}) if level is not None else frozenset(),
                disputed_only=self.disputed_check.isChecked(),
            )
        )

    def _bound(self, edit: QLineEdit, *, first: bool) -> tuple[int | None, bool]:
        """The earliest (or latest, inclusive) second of the date typed, and whether it could be read."""
        value, problem, _relative = reading_of(edit.text(), date.today())
        palette = edit.palette()
        palette.setColor(
            QPalette.ColorRole.Text,
            QColor(ERROR_COLOUR) if problem else self.palette().color(QPalette.ColorRole.Text),
        )
        edit.setPalette(palette)
        if problem:
            edit.setToolTip(problem)
            return None, False
        if value is None:
            return None, True
        edit.setToolTip(display(value, ui_language()))
        low, high = value.bounds_epoch()
        return (low if first else high), True

    def _show_filter(self, filters: EventFilter) -> None:
        """Make the controls say what ``filters`` is (after ``set_filter`` or Clear)."""
        if filters.entity_ids or filters.tag_ids or filters.categories:
            self._ensure_lists()
        self._syncing = True
        try:
            if self.text_edit.text().strip() != filters.text:
                self.text_edit.setText(filters.text)
            for edit, bound, first in (
                (self.from_edit, filters.earliest, True),
                (self.to_edit, filters.latest, False),
            ):
                if self._bound(edit, first=first) != (bound, True):
                    edit.setText("" if bound is None else _day_of(bound))
            for combo, values in (
                (self.entity_combo, filters.entity_ids),
                (self.tag_combo, filters.tag_ids),
                (self.category_combo, filters.categories),
                (self.confidence_combo, {level.value for level in filters.confidences}),
            ):
                chosen = next(iter(values), None) if len(values) == 1 else None
                index = combo.findData(chosen) if chosen is not None else 0
                combo.setCurrentIndex(max(index, 0))
            self.disputed_check.setChecked(filters.disputed_only)
        finally:
            self._syncing = False
        self._typing.stop()
        self.clear_button.setEnabled(filters != ALL_EVENTS)

    def add_control(self, widget: QWidget) -> None:
        """Another control after the filters, in the same flow (the timeline's lanes and zone)."""
        self.flow.addWidget(widget)

    def show_count(self, shown: int, total: int) -> None:
        if shown == total:
            text = tr("{count} events").format(count=f"{total:,}") if total != 1 else tr("1 event")
        else:
            text = tr("{shown} of {total}").format(shown=f"{shown:,}", total=f"{total:,}")
        self.count_label.setText(text)

    def focus_text(self) -> None:
        self.text_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.text_edit.selectAll()
