"""The Timeline dock: the filter bar, a row of view controls, and the timeline of the filtered events.

The events come from ``EventRepository.timeline_rows`` (one query for 100,000 events) and are turned into
``TimelineItem``s (``app.ui.events.timeline_items``) on a worker thread, so opening a large case or changing
a filter never freezes the window. Changes to events are gathered for a moment and the rows read again; the
view is only rebuilt when what it draws differs (a note or a description changes nothing on the timeline),
and then it keeps the stretch of time shown and the selection.

The widget's signals report what the user did; ``select`` by the program does not echo back, so the table,
the timeline and the editor follow one another without ping-pong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QDockWidget, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from app.core.event_records import EventFilter
from app.core.progress import CancelToken, ProgressSink
from app.core.records import Change, Confidence
from app.store import CaseStore
from app.ui.events.filters import EventFilterBar, FilterState
from app.ui.events.formatting import confidence_label, tr
from app.ui.events.timeline_items import (
    Grouping,
    ItemCache,
    collector_paused,
    items_from_rows,
    overridden,
    uncertain,
)
from app.ui.store_bridge import StoreBridge
from app.ui.workers import Task

if TYPE_CHECKING:  # pyqtgraph and numpy load with the first case, not with the window
    from app.core.timeline_layout import TimelineItem
    from app.ui.timeline import TimelineView
    from app.ui.timeline.data import TimelineData

REFRESH_DELAY_MS = 150
#: Lanes drawn on their own; past this the least busy share one (``items_from_rows``). Forty lanes fill a
#: tall timeline already, and each costs the view its own drawing items to make.
MAX_LANES = 40


def _labelled(text: str, widget: QWidget) -> QWidget:
    """A label and its control as one piece, so the flow never wraps between them."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(4)
    row.addWidget(QLabel(text))
    row.addWidget(widget)
    return box


def grouping_label(grouping: Grouping) -> str:
    return {
        Grouping.NONE: tr("No lanes"),
        Grouping.CATEGORY: tr("Category"),
        Grouping.CONFIDENCE: tr("Confidence"),
        Grouping.ENTITY: tr("Entity"),
        Grouping.TAG: tr("Tag"),
        Grouping.SOURCE: tr("Source"),
    }[grouping]


@dataclass(frozen=True)
class _Words:
    """Everything the worker needs to say, translated beforehand in the GUI thread."""

    no_lane: dict[Grouping, str]
    other: dict[Grouping, str]  # the lane of the less busy ones, past MAX_LANES ("{count}" of them)
    lanes: dict[str, str]  # confidence values -> their words
    describe: dict[tuple[Confidence, bool, bool], str]

    @classmethod
    def now(cls) -> _Words:
        describe = {}
        for level in Confidence:
            for by_hand in (False, True):
                for unsure in (False, True):
                    text = tr("Confidence: {level}").format(level=confidence_label(level))
                    if by_hand:
                        text += " " + tr("(set by hand)")
                    if unsure:
                        text += " · " + tr("uncertain date")
                    describe[level, by_hand, unsure] = text
        return cls(
            no_lane={
                Grouping.NONE: "",
                Grouping.CATEGORY: tr("(no category)"),
                Grouping.CONFIDENCE: "",
                Grouping.ENTITY: tr("(no participant)"),
                Grouping.TAG: tr("(no tag)"),
                Grouping.SOURCE: tr("(no quote)"),
            },
            other={
                Grouping.NONE: "",
                Grouping.CATEGORY: tr("{count} other categories"),
                Grouping.CONFIDENCE: "",
                Grouping.ENTITY: tr("{count} other participants"),
                Grouping.TAG: tr("{count} other tags"),
                Grouping.SOURCE: tr("{count} other sources"),
            },
            lanes={level.value: confidence_label(level) for level in Confidence},
            describe=describe,
        )


def load_items(
    store: CaseStore, filters: EventFilter, grouping: Grouping, words: _Words, cache: ItemCache | None = None
) -> list[TimelineItem]:
    """The items of the filtered events, lane by lane (runs on a worker thread)."""
    rows = store.events.timeline_rows(filters, grouping.store_grouping)

    def describe(level: Confidence, flags: int) -> str:
        return words.describe[level, overridden(flags), uncertain(flags)]

    def label_of(key: object, label: str) -> str:
        if grouping is Grouping.CONFIDENCE:
            return words.lanes.get(str(key), label)
        return label

    return items_from_rows(
        rows,
        cache=cache,
        no_lane=words.no_lane[grouping],
        describe=describe,
        label_of=label_of,
        max_lanes=MAX_LANES,
        other_lanes=lambda count: words.other[grouping].format(count=f"{count:,}"),
    )


@dataclass(frozen=True, eq=False)
class _Loaded:
    """What the worker hands the GUI thread: the items, whether they differ from those shown, the item
    cache to keep, their layout when they do differ (``app.ui.timeline.data.prepare``), and counts."""

    items: list[TimelineItem]
    changed: bool
    cache: ItemCache
    layout: TimelineData | None
    counts: tuple[int, int]  # events (an event in two lanes is one), items placed in time


class TimelineDock(QDockWidget):
    """See the module docstring."""

    event_selected = Signal(int)  # the user clicked or stepped to an event
    event_activated = Signal(int)  # double-click or Enter: edit it
    context_requested = Signal(int, QPoint)  # right click on an event (selected first): id, screen position
    loaded = Signal()  # new items are shown (tests, benchmarks)
    failed = Signal(str)

    def __init__(self, state: FilterState, parent: QWidget | None = None) -> None:
        super().__init__(tr("Timeline"), parent)
        self.setObjectName("event_timeline_dock")
        self.state = state
        self._store: CaseStore | None = None
        self._bridge: StoreBridge | None = None
        self._grouping = Grouping.NONE
        self._widget_grouping = "lane"  # TimelineView's own default
        self._fitted_range: tuple[float, float] | None = None  # the range "fit all" showed, until moved
        self._cache: ItemCache = {}
        self.rebuilds = 0  # times the timeline was laid out again (tests, benchmarks)
        self._items: list[TimelineItem] = []
        self._wanted: int | None = None
        self._task: Task | None = None
        self._again = False
        self._fit_next = True
        self._generation = 0
        self._counts: tuple[int, int] | None = None  # (shown, total) events, as the table has them
        self._placed: tuple[int, int] | None = None  # (on the timeline, undated) of those loaded
        self.new_event_keys = "Ctrl+Shift+E"  # the reader's New Event from Selection, for the empty hint
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.filter_bar = EventFilterBar(state)
        self._view: TimelineView | None = None
        self._tz: tzinfo = UTC
        self._placeholder = QLabel(tr("Open a case to see its events on a timeline."))
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        body = QWidget()
        self._body = QVBoxLayout(body)
        self._body.setContentsMargins(0, 0, 0, 0)
        self._body.setSpacing(0)
        self._body.addWidget(self.filter_bar)
        self._body.addWidget(self._placeholder, 1)
        self._controls()
        self.setWidget(body)
        state.changed.connect(self._filter_changed)

    def _controls(self) -> None:
        """Lanes, time zone and Fit All, in the filter bar's flow after the filters."""
        self.grouping_combo = QComboBox()
        self.grouping_combo.setObjectName("event_timeline_grouping")
        for grouping in Grouping:
            self.grouping_combo.addItem(grouping_label(grouping), grouping.value)
        self.grouping_combo.activated.connect(
            lambda: self.set_grouping(Grouping(self.grouping_combo.currentData()))
        )
        self.zone_combo = QComboBox()
        self.zone_combo.setObjectName("event_timeline_zone")
        self.zone_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.zone_combo.setMinimumContentsLength(12)
        self.fit_button = QToolButton()
        self.fit_button.setObjectName("event_timeline_fit")
        self.fit_button.setText(tr("Fit All"))
        self.fit_button.setToolTip(tr("Show every event on the timeline"))
        self.fit_button.clicked.connect(lambda: self.view.fit_all())
        self.status_label = QLabel()
        self.status_label.setObjectName("event_timeline_status")
        self.status_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        bar = self.filter_bar
        bar.add_control(_labelled(tr("Lanes:"), self.grouping_combo))
        bar.add_control(_labelled(tr("Time zone:"), self.zone_combo))
        bar.add_control(self.fit_button)
        bar.add_control(self.status_label)
        bar.count_label.hide()  # the status line says it, with how many are on the timeline

    @property
    def view(self) -> TimelineView:
        """The timeline widget, made (and pyqtgraph loaded) the first time it is needed."""
        if self._view is None:
            from app.ui.timeline import TimelineView

            view = TimelineView()
            view.setObjectName("event_timeline")
            view.item_selected.connect(self._user_selected)
            view.item_activated.connect(self.event_activated)
            view.item_context_requested.connect(self.context_requested)
            view.set_display_timezone(self._tz)
            self._body.replaceWidget(self._placeholder, view)
            self._placeholder.deleteLater()
            self._view = view
        return self._view

    # --- store ---------------------------------------------------------------------------------------

    def set_store(self, store: CaseStore | None, bridge: StoreBridge | None) -> None:
        self._cancel()
        if self._bridge is not None:
            self._bridge.changed.disconnect(self._on_change)
        self._store, self._bridge = store, bridge
        self.filter_bar.set_store(store, bridge)
        self._wanted = None
        self._fit_next = True
        if bridge is not None:
            bridge.changed.connect(self._on_change)
        self._cache = {}
        if store is None:
            self._items = []
            if self._view is not None:
                self._view.set_items([])
        else:
            _ = self.view  # made now, while the rows are read
            self.refresh()

    def _cancel(self) -> None:
        self._refresh_timer.stop()
        self._generation += 1
        if self._task is not None:
            self._task.cancel_and_wait()
            self._task = None
        self._again = False

    def _on_change(self, change: Change) -> None:
        if change.object_type in ("event", "evidence") or (
            change.object_type in ("entity", "source") and self._grouping is not Grouping.NONE
        ):
            self._refresh_timer.start()

    def _filter_changed(self, _filters: EventFilter) -> None:
        self._fit_next = True
        self.refresh()

    # --- grouping and zone ---------------------------------------------------------------------------

    def grouping(self) -> Grouping:
        return self._grouping

    def set_grouping(self, grouping: Grouping) -> None:
        index = self.grouping_combo.findData(grouping.value)
        if index != self.grouping_combo.currentIndex():
            self.grouping_combo.setCurrentIndex(index)
        if grouping is self._grouping:
            return
        self._grouping = grouping
        self._fit_next = False
        self.refresh()

    def set_timezone(self, tz: tzinfo) -> None:
        self._tz = tz
        if self._view is not None:
            self._view.set_display_timezone(tz)

    def timezone(self) -> tzinfo:
        return self._tz

    # --- loading -------------------------------------------------------------------------------------

    def is_loading(self) -> bool:
        return self._task is not None or self._refresh_timer.isActive()

    def refresh(self) -> None:
        """Read the events again (on a worker); a refresh asked for meanwhile runs once this one is done."""
        self._refresh_timer.stop()
        store = self._store
        if store is None:
            return
        if self._task is not None:
            self._again = True
            return
        filters, grouping, words = self.state.filter, self._grouping, _Words.now()
        generation = self._generation
        self.status_label.setText(tr("Loading…"))

        previous = self._items if not self._fit_next else None
        regroup = grouping.widget_grouping != self._widget_grouping
        max_bar_rows = self.view.max_bar_rows
        cache = dict(self._cache)  # the worker fills a copy; the GUI thread keeps the one that is shown

        def work(_progress: ProgressSink, _cancel: CancelToken) -> _Loaded:
            from app.ui.timeline.data import prepare

            with collector_paused(keep=True):
                items = load_items(store, filters, grouping, words, cache)
                changed = items != previous or regroup
                # The layout too, here: the GUI thread only swaps the picture when it is ready.
                layout = prepare(items, grouping.widget_grouping, max_bar_rows) if changed else None
                placed = sum(1 for item in items if item.earliest is not None or item.latest is not None)
                return _Loaded(items, changed, cache, layout, (len({item.id for item in items}), placed))

        task = Task(work, self, name="timeline")
        task.succeeded.connect(lambda result: self._loaded(result, grouping, generation))
        task.failed.connect(self.failed)
        task.crashed.connect(self.failed)
        task.finished.connect(self._task_finished)
        self._task = task
        task.start()

    def _task_finished(self) -> None:
        if self._task is not None:
            self._task.deleteLater()
        self._task = None
        if self._again:
            self._again = False
            self.refresh()

    def _loaded(self, result: _Loaded, grouping: Grouping, generation: int) -> None:
        """In the GUI thread: show the items and the layout the worker made (unless a newer read is on its
        way: then this one is stale, and the view keeps its picture until the newer one is ready)."""
        if generation != self._generation or self._store is None or self._again:
            return
        self._cache = result.cache
        items = result.items
        untouched = self._fitted_range is not None and self.view.visible_range() == self._fitted_range
        kept = None if self._fit_next or untouched or not self._items else self.view.visible_range()
        regroup = grouping.widget_grouping != self._widget_grouping
        if result.changed or self._fit_next or regroup:
            self._items = items
            self._widget_grouping = grouping.widget_grouping
            self.rebuilds += 1
            with collector_paused():
                self.view.set_items(items, result.layout, kept, grouping=grouping.widget_grouping)
            self._fitted_range = self.view.visible_range() if kept is None else None
        self._fit_next = False
        if self._wanted is not None:
            self.view.select(self._wanted)
        _events, placed = result.counts
        self._placed = (placed, len(items) - placed)
        self._show_status()
        self.view.set_empty_text(self._empty_text(bool(items)))
        self.loaded.emit()

    def show_count(self, shown: int | None, total: int = 0) -> None:
        """How many events the filters let through of how many there are (None: no case)."""
        self._counts = None if shown is None else (shown, total)
        if shown is None:
            self.filter_bar.count_label.clear()
            self._placed = None
        else:
            self.filter_bar.show_count(shown, total)
        self._show_status()

    def _show_status(self) -> None:
        """One line: "21 events: 20 on the timeline, 1 undated", "5 of 21 events, all on the timeline"."""
        if self._counts is None:
            self.status_label.clear()
            return
        shown, total = self._counts
        if shown == total:
            events = tr("1 event") if total == 1 else tr("{count} events").format(count=f"{total:,}")
        else:
            events = tr("{shown} of {total} events").format(shown=f"{shown:,}", total=f"{total:,}")
        if self._placed is None or shown == 0:
            self.status_label.setText(events)
            return
        placed, undated = self._placed
        if not undated:
            where = tr("all on the timeline") if shown > 1 else tr("on the timeline")
            self.status_label.setText(tr("{events}, {where}").format(events=events, where=where))
        elif not placed:
            self.status_label.setText(tr("{events}, none dated").format(events=events))
        else:
            self.status_label.setText(
                tr("{events}: {placed} on the timeline, {undated} undated").format(
                    events=events, placed=f"{placed:,}", undated=f"{undated:,}"
                )
            )

    def _empty_text(self, any_items: bool) -> str:
        if self.state.is_active():
            return tr("No dated event matches the filters.")
        if any_items:
            return tr("No dated events yet: give an event a date in the Event editor.")
        return tr(
            "No dated events yet — select a passage in the reader and create one with "
            "New Event from Selection ({keys})."
        ).format(keys=self.new_event_keys)

    def items(self) -> list[TimelineItem]:
        return list(self._items)

    def wait(self) -> None:
        """Block until the items being loaded are shown (tests, benchmarks)."""
        from PySide6.QtCore import QCoreApplication

        while self.is_loading():
            if self._refresh_timer.isActive():
                self.refresh()
            if self._task is not None:
                self._task.wait()
            QCoreApplication.processEvents()

    # --- selection -----------------------------------------------------------------------------------

    def select(self, event_id: int | None) -> None:
        """Highlight the event (and bring it into view) without announcing it."""
        self._wanted = event_id
        if self._view is not None:
            self._view.select(event_id)

    def _user_selected(self, event_id: int) -> None:
        self._wanted = event_id
        self.event_selected.emit(event_id)
