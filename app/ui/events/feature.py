"""Events in the main window: the timeline, the events table and the event editor, installed from outside.

``EventsFeature(window)`` is made once the ``MainWindow`` exists and attaches itself: three docks (Timeline,
Events, Event - with "Dates in this source" under the editor), their toggles in the View menu, an Events
menu, the reader's "New Event from Selection…" (Ctrl+Shift+E) and "Add as Evidence to Event…" commands, the
date underlines and evidence highlights of the source being read, and links to events. It follows the
session's ``case_opened``/``case_closed`` and uses the window's undo stack and store bridge, so it needs no
change to the window beyond the line that makes it.

Events of one day can be put in the order they happened: Move Earlier/Later in Its Day (Alt+Up/Down, the
Events menu, and the menu of an event right-clicked in the table or on the timeline) is enabled when the
event lies within one day and has a neighbour that way; each move is one store edit and one undo step, the
table's date order and the timeline (markers spread across the day in that order, Previous/Next) follow.

Selection is one value, ``current_event()``: a click on the timeline, a row of the table or a step with
Next/Previous Event sets it, and the other views follow without echoing back. Every edit is one store edit
wrapped in one undo command (``app.ui.events.commands``); the views refresh from the store's ``Change``\\ s.

Event links are ``threadline://case/<case file name>/event/<id>?case=<key>`` (``EventLink`` in
``app.ui.events.formatting``; the key tells cases apart whatever their files are called); "Copy Event
Link" puts one on the clipboard, and ``open_link`` (Open Event Link…, ``threadline gui --open LINK``)
shows the event it names.
"""

from __future__ import annotations

import gc
import importlib
import sys
import threading
from collections.abc import Callable
from datetime import tzinfo
from typing import TYPE_CHECKING
from zoneinfo import available_timezones

from PySide6.QtCore import QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDockWidget, QInputDialog, QMenu, QSplitter

from app.core.errors import NotFound, ThreadlineError
from app.core.event_records import (
    BY_DATE,
    EventEdit,
    EventLink,
    EvidenceRecord,
    SourceDateRecord,
    case_key,
    parse_link,
)
from app.core.progress import CancelToken, ProgressSink
from app.core.records import Change, ChangeKind, Stance
from app.store import CaseStore
from app.ui.actions import bring_up_with
from app.ui.events.commands import push_edit
from app.ui.events.editor import EventEditor
from app.ui.events.entity_picker import EntityIndex
from app.ui.events.event_picker import EventPickerDialog
from app.ui.events.filters import FilterState
from app.ui.events.formatting import isolate, resolve_timezone, sentence_around, tr
from app.ui.events.settings import EventsSettings
from app.ui.events.source_dates import SourceDatesPanel, underline_dates
from app.ui.events.table_dock import EventsTableDock
from app.ui.events.table_model import EventsTableModel
from app.ui.events.timeline_dock import TimelineDock, grouping_label
from app.ui.events.timeline_items import Grouping
from app.ui.reader import HighlightKind, SelectedText
from app.ui.resources import icon
from app.ui.store_bridge import StoreBridge
from app.ui.workers import Task

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

MESSAGE_MS = 8000
SETTLE_DELAY_MS = 300  # after the first timeline paint of a case
WARM_UP_DELAY_MS = 1000  # after the window is up without a case
#: Loaded with the first case (pyqtgraph, numpy and the store's events take a third of a second), or
#: ahead of it on a thread while the welcome view waits for the user.
HEAVY_MODULES = ("app.ui.timeline", "app.core.timeline_layout", "app.store.events")
#: Offered in Display Time Zone besides UTC and the computer's own; any other is one "Other…" away.
COMMON_ZONES = (
    "Asia/Jerusalem",
    "Asia/Riyadh",
    "Asia/Baghdad",
    "Europe/Moscow",
    "Asia/Irkutsk",
    "Asia/Pyongyang",
    "Europe/London",
    "America/New_York",
)


def find_bridge(window: QObject, store: CaseStore) -> StoreBridge | None:
    """The window's bridge for ``store`` (the window makes one per open case, as its child)."""
    return next((bridge for bridge in window.findChildren(StoreBridge) if bridge.store is store), None)


class EventsFeature(QObject):
    """See the module docstring."""

    dates_shown = Signal(int)  # the dates of this source are underlined and listed
    event_selected = Signal(object)  # the current event changed (id or None)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("events_feature")
        self.window = window
        self.reader = window.reader
        self.settings = EventsSettings()
        self._store: CaseStore | None = None
        self._bridge: StoreBridge | None = None
        self._current: int | None = None
        self._chronology: list[int] | None = None
        self._dates_task: Task | None = None
        self._dates_running: list[Task] = []  # not finished yet, the current one and any it replaced
        self._dates_source: int | None = None
        self._zone_name = "UTC"
        self._case_key = ""
        self._settle_pending = False
        self.evidence_picker: EventPickerDialog | None = None
        self.filters = FilterState(self)
        self.entities = EntityIndex(self)
        self.table_model = EventsTableModel(self)
        self.table_model.background = True
        self._build_docks()
        self._place_docks()
        self._create_actions()
        self._create_menus()
        self.timeline_dock.new_event_keys = self.reader.new_event_action.shortcut().toString(
            QKeySequence.SequenceFormat.NativeText
        )
        self._connect()
        self._marks_timer = QTimer(self)
        self._marks_timer.setSingleShot(True)
        self._marks_timer.timeout.connect(self._show_evidence_marks)
        self.set_timezone(self.settings.display_timezone)
        self.set_grouping(_grouping(self.settings.timeline_lanes))
        if window.store is not None:
            self._case_opened(window.store)
        else:
            self._show_no_case()
            QTimer.singleShot(WARM_UP_DELAY_MS, self._warm_up)

    # --- building ------------------------------------------------------------------------------------

    def _build_docks(self) -> None:
        window = self.window
        self.timeline_dock = TimelineDock(self.filters, window)
        self.table_dock = EventsTableDock(self.table_model, window)
        self.editor = EventEditor(window.undo_stack, self.entities)
        self.dates_panel = SourceDatesPanel()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("event_editor_splitter")
        splitter.addWidget(self.editor)
        splitter.addWidget(self.dates_panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([720, 240])
        self.editor_splitter = splitter
        self.editor_dock = QDockWidget(tr("Event"), window)
        self.editor_dock.setObjectName("event_editor_dock")
        self.editor_dock.setWidget(splitter)

    def docks(self) -> list[QDockWidget]:
        return [self.timeline_dock, self.table_dock, self.editor_dock]

    def _place_docks(self) -> None:
        """The first layout: the timeline under the reader (in front of search), the events table beside
        the sources, the editor in front of the inspector."""
        window = self.window
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.timeline_dock)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.table_dock)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.editor_dock)
        window.tabifyDockWidget(window.search_dock, self.timeline_dock)
        window.tabifyDockWidget(window.sources_dock, self.table_dock)
        window.tabifyDockWidget(window.inspector_dock, self.editor_dock)

    def _show_placed_docks(self) -> None:
        """Show the docks where ``_place_docks`` put them, the first time a case is open.

        After that the window's saved layout decides. That layout is otherwise saved only when the window
        closes, so it is saved here as well, together with the mark: a run that ends without closing the
        window (killed, crashed) must not leave the mark without a layout that shows the docks. A mark
        without any saved layout (a profile from before this was so) places them again."""
        if self.settings.docks_placed and self.window.settings.window_state is not None:
            return  # the window's saved layout has them
        for dock in self.docks():
            dock.show()
        # The timeline in front of the search results; the sources list and the inspector stay in front of
        # the events table and the editor (which comes forward when an event is chosen).
        for dock in (self.timeline_dock, self.window.sources_dock, self.window.inspector_dock):
            dock.raise_()
        window = self.window
        window.resizeDocks([self.timeline_dock], [int(window.height() * 0.36)], Qt.Orientation.Vertical)
        window.settings.window_state = window.saveState()
        self.settings.docks_placed = True

    def _create_actions(self) -> None:
        def make(name: str, text: str, keys: str | None = None, icon_name: str | None = None) -> QAction:
            action = QAction(text, self.window)
            action.setObjectName(name)
            if keys:
                action.setShortcut(QKeySequence(keys))
            if icon_name:
                action.setIcon(icon(icon_name))
            return action

        self.new_event_action = make("new_event", tr("&New Event…"), "Ctrl+Alt+N", "event")
        self.delete_event_action = make("delete_event", tr("&Delete Event"), "Del")
        self.delete_event_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for view in (self.table_dock, self.timeline_dock):  # Del in the table or on the timeline
            view.addAction(self.delete_event_action)
        self.next_event_action = make("next_event", tr("Ne&xt Event"), "Ctrl+]")
        self.previous_event_action = make("previous_event", tr("&Previous Event"), "Ctrl+[")
        self.fit_timeline_action = make("fit_timeline", tr("&Fit Timeline"), "Ctrl+Alt+0")
        self.filter_events_action = make("filter_events", tr("F&ilter Events…"), "Ctrl+Alt+F")
        self.copy_link_action = make("copy_event_link", tr("Copy Event &Link"), "Ctrl+Alt+L")
        self.open_link_action = make("open_event_link", tr("&Open Event Link…"))
        self.edit_event_action = make("edit_event", tr("&Edit Event"))
        self.move_earlier_action = make("move_event_earlier", tr("Move &Earlier in Its Day"), "Alt+Up")
        self.move_later_action = make("move_event_later", tr("Move Lat&er in Its Day"), "Alt+Down")
        for action in (self.move_earlier_action, self.move_later_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(tr("Events of the same day can be put in the order they happened"))
        for view in (self.table_dock, self.timeline_dock):
            view.addActions([self.move_earlier_action, self.move_later_action])
        self.zone_menu = QMenu(tr("Display &Time Zone"), self.window)
        self.zone_menu.setObjectName("event_zone_menu")
        self.zone_group = QActionGroup(self)
        for name in ("UTC", "local", *COMMON_ZONES):
            action = self.zone_menu.addAction(_zone_label(name))
            action.setCheckable(True)
            action.setData(name)
            self.zone_group.addAction(action)
        self.zone_menu.addSeparator()
        self.other_zone_action = self.zone_menu.addAction(tr("Other…"))
        self.other_zone_action.setObjectName("event_zone_other")
        self.zone_group.triggered.connect(lambda action: self.set_timezone(str(action.data())))
        self.other_zone_action.triggered.connect(self._ask_zone)
        self.grouping_menu = QMenu(tr("&Group by"), self.window)
        self.grouping_menu.setObjectName("event_grouping_menu")
        self.grouping_group = QActionGroup(self)
        for grouping in Grouping:
            action = self.grouping_menu.addAction(grouping_label(grouping))
            action.setCheckable(True)
            action.setData(grouping.value)
            self.grouping_group.addAction(action)
        self.grouping_group.triggered.connect(lambda action: self.set_grouping(Grouping(str(action.data()))))
        toggles = ((self.timeline_dock, "Ctrl+7"), (self.table_dock, "Ctrl+8"), (self.editor_dock, "Ctrl+9"))
        for dock, keys in toggles:
            bring_up_with(dock, keys, self.window)

    def case_actions(self) -> list[QAction]:
        """Enabled while a case is open."""
        return [
            self.new_event_action,
            self.next_event_action,
            self.previous_event_action,
            self.fit_timeline_action,
            self.filter_events_action,
            self.open_link_action,
        ]

    def event_actions(self) -> list[QAction]:
        """Enabled while an event is selected."""
        return [self.delete_event_action, self.copy_link_action, self.edit_event_action]

    def _create_menus(self) -> None:
        window = self.window
        menu = QMenu(tr("E&vents"), window)
        menu.setObjectName("events_menu")
        menu.addActions(
            [self.new_event_action, self.reader.new_event_action, self.reader.add_evidence_action]
        )
        menu.addSeparator()
        menu.addActions([self.delete_event_action, self.copy_link_action, self.open_link_action])
        menu.addSeparator()
        menu.addActions([self.move_earlier_action, self.move_later_action])
        menu.addSeparator()
        menu.addActions([self.next_event_action, self.previous_event_action, self.fit_timeline_action])
        menu.addAction(self.filter_events_action)
        menu.addSeparator()
        menu.addMenu(self.zone_menu)
        menu.addMenu(self.grouping_menu)
        self.menu = menu
        bar = window.menuBar()
        about = window.actions.about  # type: ignore[attr-defined]  # WindowActions shadows QWidget.actions
        help_action = next((action for action in bar.actions() if _holds(action, about)), None)
        if help_action is not None:
            bar.insertMenu(help_action, menu)
        else:
            bar.addMenu(menu)
        view_menu: QMenu = window.view_menu
        separator = next((action for action in view_menu.actions() if action.isSeparator()), None)
        toggles = [dock.toggleViewAction() for dock in self.docks()]
        if separator is not None:
            view_menu.insertActions(separator, toggles)
        else:
            view_menu.addActions(toggles)

    def _connect(self) -> None:
        session = self.window.session
        session.case_opened.connect(self._case_opened)
        session.case_closed.connect(self._case_closed)
        self.reader.event_from_selection_requested.connect(self.new_event_from_selection)
        self.reader.evidence_requested.connect(self.add_evidence_from_selection)
        self.reader.text_replaced.connect(self._source_shown)
        self.timeline_dock.event_selected.connect(
            lambda event_id: self.select_event(event_id, self.timeline_dock)
        )
        self.timeline_dock.event_activated.connect(self.edit_event)
        self.timeline_dock.failed.connect(self.window.show_error)
        self.timeline_dock.loaded.connect(self._follow_timeline)
        self.table_dock.event_selected.connect(lambda event_id: self.select_event(event_id, self.table_dock))
        self.table_dock.event_activated.connect(self.edit_event)
        self.table_model.ids_changed.connect(self._table_ids_changed)
        self.filters.changed.connect(self._filter_changed)
        self.editor.evidence_requested.connect(self.open_quote)
        self.editor.delete_requested.connect(self.delete_event)
        self.editor.link_requested.connect(self.copy_link)
        self.editor.message.connect(self.say)
        self.editor.event_shown.connect(self._editor_showed)
        self.dates_panel.create_requested.connect(self.event_from_date)
        self.dates_panel.show_requested.connect(self._show_date)
        self.new_event_action.triggered.connect(self.new_event)
        self.delete_event_action.triggered.connect(lambda: self._current and self.delete_event(self._current))
        self.copy_link_action.triggered.connect(lambda: self._current and self.copy_link(self._current))
        self.open_link_action.triggered.connect(self.ask_link)
        self.edit_event_action.triggered.connect(lambda: self._current and self.edit_event(self._current))
        self.move_earlier_action.triggered.connect(
            lambda: self._current and self.move_in_day(self._current, -1)
        )
        self.move_later_action.triggered.connect(lambda: self._current and self.move_in_day(self._current, 1))
        self.table_dock.context_requested.connect(self.show_event_menu)
        self.timeline_dock.context_requested.connect(self.show_event_menu)
        self.next_event_action.triggered.connect(lambda: self.step(1))
        self.previous_event_action.triggered.connect(lambda: self.step(-1))
        self.fit_timeline_action.triggered.connect(self.fit_timeline)
        self.filter_events_action.triggered.connect(self.focus_filter)
        self.timeline_dock.zone_combo.activated.connect(
            lambda: self.set_timezone(str(self.timeline_dock.zone_combo.currentData()))
        )
        self.timeline_dock.grouping_combo.activated.connect(
            lambda: self.set_grouping(Grouping(self.timeline_dock.grouping_combo.currentData()))
        )

    def _warm_up(self) -> None:
        """While no case is open, load what the first one will need on a thread of its own (imports only,
        no Qt objects), so opening a case from the welcome view does not wait for them."""
        if self._store is None and not all(name in sys.modules for name in HEAVY_MODULES):
            threading.Thread(target=_import_all, args=(HEAVY_MODULES,), name="warm up", daemon=True).start()

    # --- the case ------------------------------------------------------------------------------------

    @property
    def store(self) -> CaseStore | None:
        return self._store

    def _case_opened(self, store: CaseStore) -> None:
        """After the window's own handler: its bridge exists and its layout is restored."""
        self._store = store
        self._case_key = case_key(store.case_info().created_at)
        self._bridge = find_bridge(self.window, store)
        if self._bridge is None:  # a window without one (not ours): make our own
            self._bridge = StoreBridge(store, self)
        self._bridge.changed.connect(self._on_change)
        self._current = None
        self._chronology = None
        self._settle_pending = True
        self.filters.clear()
        self.timeline_dock.set_store(store, self._bridge)  # first: its rows are read on a worker meanwhile
        self.entities.set_store(store, self._bridge)
        self.table_model.set_store(store, self._bridge)
        self.editor.set_store(store, self._bridge)
        self._set_enabled(True)
        self._show_placed_docks()
        self._source_shown()

    def _case_closed(self) -> None:
        """After the window's handler, while the store is still open."""
        self.editor.set_store(None, None)
        self.window.undo_stack.clear()  # nothing may point at the closing case
        for running in list(self._dates_running):  # the current one and any it replaced
            running.cancel_and_wait()
        if self.evidence_picker is not None:
            self.evidence_picker.close()
        self.timeline_dock.set_store(None, None)
        self.table_model.set_store(None, None)
        self.table_model.wait()
        self.entities.set_store(None, None)
        if self._bridge is not None:
            self._bridge.changed.disconnect(self._on_change)
        self._store, self._bridge, self._current = None, None, None
        self.dates_panel.show_dates(None, [])
        self._show_no_case()

    def _show_no_case(self) -> None:
        for dock in self.docks():
            dock.hide()
        self._set_enabled(False)

    def _set_enabled(self, enabled: bool) -> None:
        for action in self.case_actions():
            action.setEnabled(enabled)
        for dock in self.docks():
            dock.toggleViewAction().setEnabled(enabled)
        self._update_event_actions()

    def _update_event_actions(self) -> None:
        for action in self.event_actions():
            action.setEnabled(self._store is not None and self._current is not None)
        day = self._day_of_current()
        at = day.index(self._current) if self._current in day else -1
        self.move_earlier_action.setEnabled(at > 0)
        self.move_later_action.setEnabled(0 <= at < len(day) - 1)

    def _day_of_current(self) -> list[int]:
        """The events of the current event's day in their order (empty unless it lies within one day)."""
        if self._store is None or self._current is None:
            return []
        try:
            return self._store.events.same_day(self._current)
        except NotFound:
            return []

    def _on_change(self, change: Change) -> None:
        if change.object_type in ("event", "evidence"):
            self._chronology = None
            self._marks_timer.start(0)
            if change.object_type == "event" and self._current is not None:
                self._update_event_actions()  # a date changed: the day's neighbours may have too
            if (
                change.object_type == "event"
                and change.kind is ChangeKind.REMOVED
                and self._current in change.ids
            ):
                self._current = None
                self._update_event_actions()
        elif change.object_type == "source" and self.reader.source_id() in change.ids:
            self._source_shown()

    # --- selection -----------------------------------------------------------------------------------

    def current_event(self) -> int | None:
        return self._current

    def select_event(self, event_id: int | None, origin: QObject | None = None) -> None:
        """Make ``event_id`` the current event; the views other than ``origin`` follow."""
        self._current = event_id
        if origin is not self.table_dock:
            self.table_dock.select(event_id)
        if origin is not self.timeline_dock:
            self.timeline_dock.select(event_id)
        if origin is not self.editor:
            self.editor.show_event(event_id)
        if origin in (self.table_dock, self.timeline_dock) and event_id is not None:
            self._bring_forward(self.editor_dock)
        self._update_event_actions()
        self.event_selected.emit(event_id)

    def _bring_forward(self, dock: QDockWidget) -> None:
        """Show a dock that is open but behind another tab (a closed dock stays closed)."""
        if dock.toggleViewAction().isChecked():
            dock.raise_()

    def edit_event(self, event_id: int) -> None:
        """Select the event and bring its editor up, the title ready for typing."""
        self.select_event(event_id)
        self.editor_dock.show()
        self.editor_dock.raise_()
        self._focus_title()
        QTimer.singleShot(0, self._focus_title)  # a dock brought to the front shows on the next pass

    def _focus_title(self) -> None:
        if self.editor.event_id() is not None and self.editor.isVisible():
            self.editor.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _editor_showed(self, event_id: int | None) -> None:
        if event_id is None and self._current is not None and self._store is not None:
            self._current = None
            self._update_event_actions()

    def _table_ids_changed(self) -> None:
        """Rows came or went: the current event keeps its row selected, and the counts follow."""
        if self._current is not None and self.table_dock.selected_event() != self._current:
            self.table_dock.select(self._current)
        self._show_count()

    def _follow_timeline(self) -> None:
        if self._current is not None:
            self.timeline_dock.select(self._current)
        if self._settle_pending:
            self._settle_pending = False
            QTimer.singleShot(SETTLE_DELAY_MS, _settle_memory)

    def _show_count(self) -> None:
        if self._store is None:
            self.timeline_dock.show_count(None)
            return
        shown = self.table_model.rowCount()
        total = shown if not self.filters.is_active() else self._store.events.count()
        self.timeline_dock.show_count(shown, total)

    def _filter_changed(self) -> None:
        self._chronology = None
        self.table_model.set_filter(self.filters.filter)

    def step(self, direction: int) -> int | None:
        """Select the next (1) or previous (-1) event in time among those the filters let through."""
        if self._store is None:
            return None
        if self._chronology is None:
            self._chronology = self._store.events.event_ids(self.filters.filter, BY_DATE)
        ids = self._chronology
        if not ids:
            return None
        if self._current in ids:
            position = min(max(ids.index(self._current) + direction, 0), len(ids) - 1)
        else:
            position = 0 if direction > 0 else len(ids) - 1
        self.select_event(ids[position])
        return ids[position]

    # --- making and changing events ------------------------------------------------------------------

    def say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, MESSAGE_MS)

    def _push(self, make: Callable[[], EventEdit], title: str) -> int | None:
        """Run one store edit (``make()``), put it on the undo stack; the edit's object id, or None."""
        store = self._store
        if store is None:
            return None
        try:
            edit = make()
        except ThreadlineError as error:
            self.window.show_error(error.message)
            return None
        push_edit(self.window.undo_stack, store, edit, title, self.say)
        return edit.object_id

    def new_event(self) -> int | None:
        store = self._store
        if store is None:
            return None
        title = tr("New event")
        event_id = self._push(lambda: store.events.create(title), title)
        if event_id is not None:
            self.edit_event(event_id)
            self.editor.title_edit.selectAll()
        return event_id

    def new_event_from_selection(self, selected: SelectedText) -> int | None:
        """The quote as supporting evidence, the date and participants the store suggests from it."""
        store = self._store
        if store is None or selected.source_id is None:
            return None
        source_id, start, end = selected.source_id, selected.span.start, selected.span.end
        try:
            draft = store.events.suggest_from_selection(source_id, start, end)
        except ThreadlineError as error:
            self.window.show_error(error.message)
            return None
        event_id = self._push(lambda: store.events.create_from_selection(source_id, start, end), draft.title)
        if event_id is None:
            return None
        if draft.date is not None:
            self.editor.note_suggestion(
                event_id,
                tr("Suggested from “{text}” in the source.").format(
                    text=isolate(" ".join(draft.date.text.split()))
                ),
            )
        self.edit_event(event_id)
        self.editor.title_edit.selectAll()
        self.say(tr("New event “{title}” with the selection as evidence.").format(title=isolate(draft.title)))
        return event_id

    def add_evidence_from_selection(self, selected: SelectedText) -> EventPickerDialog | None:
        """Ask which event the selection bears on, then link it."""
        store = self._store
        if store is None or selected.source_id is None:
            return None
        if self.evidence_picker is not None:
            self.evidence_picker.close()
        dialog = EventPickerDialog(store, selected, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(
            lambda event_id, stance, grade: self.link_selection(selected, event_id, stance, grade)
        )
        dialog.destroyed.connect(lambda: setattr(self, "evidence_picker", None))
        self.evidence_picker = dialog
        dialog.open()
        return dialog

    def link_selection(
        self, selected: SelectedText, event_id: int, stance: str = Stance.SUPPORTS.value, credibility: int = 6
    ) -> int | None:
        store = self._store
        if store is None or selected.source_id is None:
            return None
        try:
            title = store.events.get(event_id).title
        except NotFound as error:
            self.window.show_error(error.message)
            return None
        source_id, start, end = selected.source_id, selected.span.start, selected.span.end
        evidence_id = self._push(
            lambda: store.events.link_evidence(
                event_id, source_id, start, end, stance=stance, credibility=credibility, quote=selected.text
            ),
            title,
        )
        if evidence_id is not None:
            self.select_event(event_id)
            self.editor_dock.show()
            self.editor_dock.raise_()
            self.say(tr("The quote is now evidence for “{title}”.").format(title=isolate(title)))
        return evidence_id

    def event_from_date(self, found: SourceDateRecord) -> int | None:
        """An event at a date found in the source, with the sentence around it as evidence."""
        store = self._store
        value = found.value
        if store is None or value is None:
            return None
        text = (
            self.reader.text()
            if self.reader.source_id() == found.source_id
            else store.source_text(found.source_id)
        )
        start, end = sentence_around(text, found.start, found.end)
        try:
            draft = store.events.suggest_from_selection(found.source_id, start, end)
        except ThreadlineError as error:
            self.window.show_error(error.message)
            return None
        from app.store.events import NewEvidence, NewParticipant  # the store's events load with a case

        evidence = NewEvidence(found.source_id, start, end, quote=draft.quote)
        people = [NewParticipant(person.entity_id) for person in draft.participants]
        event_id = self._push(
            lambda: store.events.create(draft.title, value, evidence=[evidence], participants=people),
            draft.title,
        )
        if event_id is not None:
            self.editor.note_suggestion(
                event_id, tr("From “{text}” in the source.").format(text=isolate(found.text))
            )
            self.edit_event(event_id)
        return event_id

    def move_in_day(self, event_id: int, step: int) -> bool:
        """Move an event one place earlier (-1) or later (1) among the events of its day: one undo step."""
        store = self._store
        if store is None:
            return False
        try:
            title = store.events.get(event_id).title
        except NotFound:
            return False
        if self._push(lambda: store.events.move_within_day(event_id, step), title) is None:
            return False
        self._update_event_actions()
        return True

    def show_event_menu(self, event_id: int, position: QPoint) -> QMenu:
        """The menu of an event right-clicked in the table or on the timeline, at ``position``."""
        menu = self.event_menu(event_id)
        menu.popup(position)
        return menu

    def event_menu(self, event_id: int) -> QMenu:
        """Edit, order within its day, link, delete: the event is made the current one first."""
        if self._current != event_id:
            self.select_event(event_id)
        menu = QMenu(self.window)
        menu.setObjectName("event_context_menu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction(self.edit_event_action)
        menu.addSeparator()
        menu.addActions([self.move_earlier_action, self.move_later_action])
        menu.addSeparator()
        menu.addActions([self.copy_link_action, self.delete_event_action])
        return menu

    def delete_event(self, event_id: int) -> bool:
        store = self._store
        if store is None:
            return False
        try:
            title = store.events.get(event_id).title
        except NotFound:
            return False
        if self._push(lambda: store.events.delete(event_id), title) is None:
            return False
        if self._current == event_id:
            self.select_event(None)
        self.say(tr("Deleted “{title}”. Undo brings it back.").format(title=isolate(title)))
        return True

    # --- the reader ----------------------------------------------------------------------------------

    def open_quote(self, record: EvidenceRecord) -> bool:
        """Open the quote's source in the reader, the quote marked as the current passage and in view."""
        window = self.window
        if not window.open_source(record.source_id):
            return False
        window.sources_dock.select_source(record.source_id)
        self.reader.highlight([(record.start, record.end)], HighlightKind.CURRENT)
        self.reader.scroll_to(record.start)
        QTimer.singleShot(0, lambda: self._scroll_again(record.source_id, record.start))
        return True

    def _scroll_again(self, source_id: int, offset: int) -> None:
        """Once laid out: a source just shown may not know its line positions yet."""
        if self.reader.source_id() == source_id:
            self.reader.scroll_to(offset)

    def _show_date(self, found: SourceDateRecord) -> None:
        if self.reader.source_id() == found.source_id:
            self.reader.highlight([(found.start, found.end)], HighlightKind.CURRENT)
            self.reader.scroll_to(found.start)

    def _source_shown(self) -> None:
        """A source is shown in the reader (or none): its quotes, then its dates once found."""
        source_id = self.reader.source_id()
        self._show_evidence_marks()
        store = self._store
        if store is None or source_id is None:
            self._dates_source = None
            self.dates_panel.show_dates(None, [])
            return
        self._dates_source = source_id
        if self._dates_task is not None:
            self._dates_task.cancel()

        def work(_progress: ProgressSink, _cancel: CancelToken) -> list[SourceDateRecord]:
            return store.events.dates_in(source_id)

        task = Task(work, self, name="dates in source")
        task.succeeded.connect(lambda dates: self._dates_found(source_id, dates))
        task.failed.connect(self.say)
        task.finished.connect(task.deleteLater)
        task.finished.connect(lambda: self._dates_task_done(task))
        self._dates_task = task
        self._dates_running.append(task)
        task.start()

    def _dates_task_done(self, task: Task) -> None:
        if self._dates_task is task:
            self._dates_task = None
        if task in self._dates_running:
            self._dates_running.remove(task)

    def _dates_found(self, source_id: int, dates: list[SourceDateRecord]) -> None:
        if self._store is None or self.reader.source_id() != source_id or self._dates_source != source_id:
            return
        underline_dates(self.reader, dates)
        try:
            title = self._store.source(source_id).title
        except NotFound:
            title = ""
        self.dates_panel.show_dates(title, dates)
        self.dates_shown.emit(source_id)

    def _show_evidence_marks(self) -> None:
        source_id = self.reader.source_id()
        if self._store is None or source_id is None:
            self.reader.clear_highlights(HighlightKind.EVIDENCE)
            return
        quotes = self._store.events.evidence_for_source(source_id)
        self.reader.highlight([(quote.start, quote.end) for quote in quotes], HighlightKind.EVIDENCE)

    # --- views, zone, lanes, links -------------------------------------------------------------------

    def fit_timeline(self) -> None:
        self.timeline_dock.show()
        self.timeline_dock.raise_()
        self.timeline_dock.view.fit_all()

    def focus_filter(self) -> None:
        self.timeline_dock.show()
        self.timeline_dock.raise_()
        self.timeline_dock.filter_bar.focus_text()

    def set_grouping(self, grouping: Grouping) -> None:
        self.timeline_dock.set_grouping(grouping)
        self.settings.timeline_lanes = grouping.value
        for action in self.grouping_group.actions():
            action.setChecked(action.data() == grouping.value)

    def timezone(self) -> tzinfo:
        return self.timeline_dock.timezone()

    def set_timezone(self, name: str) -> bool:
        """Show times in zone ``name`` ("UTC", "local" or an IANA name); stored values do not change."""
        try:
            tz = resolve_timezone(name)
        except ValueError:
            self.say(tr("Threadline does not know the time zone “{name}”.").format(name=name))
            return False
        self._zone_name = name
        self.timeline_dock.set_timezone(tz)
        self.table_model.set_timezone(tz)
        self.window.entity_page_dock.set_timezone(tz)  # its list of the entity's events
        self.settings.display_timezone = name
        for action in self.zone_group.actions():
            action.setChecked(action.data() == name)
        combo = self.timeline_dock.zone_combo
        combo.blockSignals(True)
        combo.clear()
        for zone in (
            "UTC",
            "local",
            *COMMON_ZONES,
            *([name] if name not in ("UTC", "local", *COMMON_ZONES) else []),
        ):
            combo.addItem(_zone_label(zone), zone)
        combo.setCurrentIndex(combo.findData(name))
        combo.blockSignals(False)
        return True

    def _ask_zone(self) -> None:
        zones = sorted(available_timezones())
        name, accepted = QInputDialog.getItem(
            self.window,
            tr("Display Time Zone"),
            tr("Show times in:"),
            zones,
            zones.index("UTC") if "UTC" in zones else 0,
        )
        if accepted and name:
            self.set_timezone(name)
        else:
            for action in self.zone_group.actions():
                action.setChecked(action.data() == self._zone_name)

    def link_for(self, event_id: int) -> str | None:
        if self._store is None:
            return None
        return EventLink(self._store.path.name, event_id, self._case_key).url()

    def copy_link(self, event_id: int) -> str | None:
        url = self.link_for(event_id)
        if url is not None:
            QGuiApplication.clipboard().setText(url)
            self.say(tr("Copied {link}").format(link=url))
        return url

    def ask_link(self) -> None:
        """Open Event Link…: the link on the clipboard, or one typed or pasted."""
        copied = QGuiApplication.clipboard().text().strip()
        url, accepted = QInputDialog.getText(
            self.window,
            tr("Open Event Link"),
            tr("Event link (threadline://…):"),
            text=copied if parse_link(copied) is not None else "",
        )
        if accepted and url.strip():
            self.open_link(url, loud=True)

    def open_link(self, url: str, *, loud: bool = False) -> bool:
        """Show the event a ``threadline://case/<case>/event/<id>`` link names, if it is in the open case.

        Why it cannot goes to the status bar, or with ``loud`` (a link from the command line or typed in)
        to a message box, which cannot be missed.
        """
        problem = self._link_problem(url)
        if problem is not None:
            (self.window.show_error if loud else self.say)(problem)
            return False
        link = parse_link(url)
        assert link is not None
        self.edit_event(link.event_id)
        return True

    def _link_problem(self, url: str) -> str | None:
        link = parse_link(url)
        if link is None:
            return tr("“{link}” is not a link to an event.").format(link=url.strip())
        store = self._store
        case = isolate(link.case_name)
        if store is None:
            return tr("That event is in the case “{case}”: open that case first.").format(case=case)
        if not link.names_case(store.path.name, self._case_key):
            if link.case_name == store.path.name:
                return tr(
                    "That event is in another case that is also called “{case}”: open that case first."
                ).format(case=case)
            return tr("That event is in the case “{case}”: open that case first.").format(case=case)
        try:
            store.events.get(link.event_id)
        except NotFound:
            return tr("There is no event #{id} in this case: it may have been deleted.").format(
                id=link.event_id
            )
        return None


def _import_all(names: tuple[str, ...]) -> None:
    for name in names:
        importlib.import_module(name)


def _holds(action: QAction, wanted: QAction) -> bool:
    menu = action.menu()
    return isinstance(menu, QMenu) and wanted in menu.actions()


def _settle_memory() -> None:
    """Once a case's events are loaded: collect what the case before left behind, then move everything
    alive out of the cycle collector's way (``gc.freeze``, as start-up does in ``app.ui.application``).

    A case of 100,000 events holds as many timeline items; every full collection would walk them again,
    a stall of 100-200 ms that shows while scrolling the table. They hold no reference cycles, so when
    they are replaced, reference counting frees them all the same.
    """
    gc.collect()
    gc.freeze()


def _grouping(name: str) -> Grouping:
    try:
        return Grouping(name)
    except ValueError:
        return Grouping.NONE


def _zone_label(name: str) -> str:
    if name == "UTC":
        return tr("UTC")
    if name == "local":
        tz = resolve_timezone("local")
        return tr("Local time ({zone})").format(zone=str(tz))
    return name
