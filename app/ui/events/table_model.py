"""The events of the open case as a Qt table model: ids in display order, rows fetched a page at a time.

Like the sources list (``app.ui.sources_model``) the model holds the ordered ids the store returns for the
current filter and order (``EventRepository.event_ids``: ids only, cheap for 100,000 events) and a cache of
``EventSummary`` rows that ``data()`` fills ``PAGE_SIZE`` rows at a time when a view first paints them. Every
cell's text is formatted once, when its row is fetched, so painting only looks it up.

The cache holds each row as plain text (its cells and tooltips) and two flags, never the summary records:
tuples of strings are invisible to Python's cycle collector, so scrolling through 100,000 rows does not
grow the heap it walks (a full collection over a few hundred thousand records stalls the window for a
fifth of a second). The cache keeps the ``MAX_CACHED_ROWS`` rows used last.

Changes from the store are gathered for a moment and applied together. The ids are read again (same filter
and order) and compared: events no longer there (deleted, or no longer matching the filter) are removed,
new ones are inserted where the order puts them, and edited ones are refreshed in place with ``dataChanged``
for their rows only. A row already shown never moves because of an edit; the next sort puts it in its place.

With ``background`` on (as in the window), a new store or filter is read on a worker thread, so opening a
case of 100,000 events or typing a filter never waits for the query; sorting stays a query in the GUI
thread, so the selection can follow its rows.

Columns sort in the store, except two: *Disputed* puts disputed events first (each part by date), and
*Participants* does not sort.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, tzinfo
from enum import IntEnum
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from app.core.event_records import (
    ALL_EVENTS,
    BY_DATE,
    EventFilter,
    EventOrder,
    EventSortKey,
    EventSummary,
)
from app.core.progress import CancelToken, ProgressSink
from app.core.records import Change, ChangeKind
from app.store import CaseStore
from app.ui.date_edit import ERROR_COLOUR, ui_language
from app.ui.events.formatting import confidence_label, event_date_text, tr
from app.ui.events.timeline_items import collector_paused
from app.ui.paged_rows import PagedRows, show_in_order
from app.ui.store_bridge import StoreBridge
from app.ui.workers import Task

PAGE_SIZE = 200
MAX_CACHED_ROWS = 20_000
FLUSH_INTERVAL_MS = 150

ModelIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    DATE = 0
    TITLE = 1
    CATEGORY = 2
    CONFIDENCE = 3
    DISPUTED = 4
    EVIDENCE = 5
    PARTICIPANTS = 6


ORDER_KEYS = {
    Column.DATE: EventSortKey.DATE,
    Column.TITLE: EventSortKey.TITLE,
    Column.CATEGORY: EventSortKey.CATEGORY,
    Column.CONFIDENCE: EventSortKey.CONFIDENCE,
    Column.EVIDENCE: EventSortKey.EVIDENCE,
}
SORTABLE = frozenset({*ORDER_KEYS, Column.DISPUTED})

EventIdRole = Qt.ItemDataRole.UserRole + 1

_LEADING = Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
_TRAILING = Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_ID_ROLE = int(EventIdRole)
_ANSWERED = frozenset({_DISPLAY, _TOOLTIP, _ALIGNMENT, _FOREGROUND, _FONT, _ID_ROLE})
_DISPUTED_COLUMN = int(Column.DISPUTED)
_EVIDENCE_COLUMN = int(Column.EVIDENCE)
_CONFIDENCE_COLUMN = int(Column.CONFIDENCE)


def column_title(column: Column) -> str:
    return {
        Column.DATE: tr("Date"),
        Column.TITLE: tr("Title"),
        Column.CATEGORY: tr("Category"),
        Column.CONFIDENCE: tr("Confidence"),
        Column.DISPUTED: tr("Disputed"),
        Column.EVIDENCE: tr("Evidence"),
        Column.PARTICIPANTS: tr("Participants"),
    }[column]


class _Row(NamedTuple):
    """One row as shown: text and flags only (see the module docstring)."""

    cells: tuple[str, ...]
    tooltips: tuple[str | None, ...]
    disputed: bool
    overridden: bool


class EventsTableModel(QAbstractTableModel):
    """Events of one case; see the module docstring."""

    rows_fetched = Signal(int)  # how many summaries a page load fetched (tests, benchmarks)
    ids_changed = Signal()  # the ids were read again (filter, order, changes): counts may differ

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store: CaseStore | None = None
        self._bridge: StoreBridge | None = None
        self._rows: PagedRows[_Row] = PagedRows(
            self._load_rows, page_size=PAGE_SIZE, max_cached=MAX_CACHED_ROWS
        )
        self._filter: EventFilter = ALL_EVENTS
        self._column = Column.DATE
        self._descending = False
        self._tz: tzinfo = UTC
        self._language = ui_language()
        self._pending: list[Change] = []
        self._last_flush = 0.0
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self.apply_pending_changes)
        self._generation = 0
        self._task: Task | None = None
        self._order_task: Task | None = None
        self._abandoned: list[Task] = []  # replaced while running, not yet finished
        #: Read ids on a worker thread when the store or the filter changes (the window sets it).
        self.background = False
        self._italic = QFont()
        self._italic.setItalic(True)
        self._red = QColor(ERROR_COLOUR)

    # --- the store, filter, order and zone ------------------------------------------------------------

    def set_store(self, store: CaseStore | None, bridge: StoreBridge | None) -> None:
        if self._bridge is not None:
            self._bridge.changed.disconnect(self._on_change)
        if self._store is not store and len(self._rows):
            self._show_ids([])  # another case's rows never stay while this one's load
        self._store, self._bridge = store, bridge
        self._pending.clear()
        self._flush_timer.stop()
        self._filter = ALL_EVENTS
        self._reset()
        if bridge is not None:
            bridge.changed.connect(self._on_change)

    def set_filter(self, filters: EventFilter) -> None:
        if filters == self._filter:
            return
        self._filter = filters
        self._reset()

    def filter(self) -> EventFilter:
        return self._filter

    def set_timezone(self, tz: tzinfo) -> None:
        """Dates with a time and a known offset are shown in ``tz``; nothing stored changes."""
        if tz == self._tz:
            return
        self._tz = tz
        self._forget_every_row()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A query in the store; selections and the current row follow their events."""
        if column not in SORTABLE:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (Column(column), descending) == (self._column, self._descending):
            return
        self._column, self._descending = Column(column), descending
        self._requery_keeping_persistent_indexes()

    def sort_order(self) -> tuple[Column, bool]:
        return self._column, self._descending

    def _query_ids(self) -> list[int]:
        if self._store is None:
            return []
        return ids_in_order(self._store, self._filter, self._column, self._descending)

    def _reset(self) -> None:
        """Read the ids for a new store or filter: at once, or with ``background`` on a worker (the rows
        shown stay until the new ids arrive; another store's rows go at once)."""
        self._generation += 1
        for task in (self._task, self._order_task):
            if task is not None:  # its result is dropped; ``wait`` still waits for it (closing the store)
                task.cancel()
                self._abandoned.append(task)
        self._task = self._order_task = None
        if self.background and self._store is not None:
            self._load_in_background()
            return
        self._show_ids(self._query_ids())

    def _show_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._rows.set_ids(ids, keep_cache=False)
        self.endResetModel()
        self.ids_changed.emit()

    def _load_in_background(self) -> None:
        store, filters, column, descending = self._store, self._filter, self._column, self._descending
        assert store is not None
        generation = self._generation

        def work(_progress: ProgressSink, _cancel: CancelToken) -> list[int]:
            with collector_paused():
                return ids_in_order(store, filters, column, descending)

        task = Task(work, self, name="event ids")
        task.succeeded.connect(lambda ids: self._loaded(generation, ids))
        task.finished.connect(task.deleteLater)
        task.finished.connect(lambda: self._task_done(task))
        self._task = task
        task.start()

    def _loaded(self, generation: int, ids: list[int]) -> None:
        if generation != self._generation:
            return
        self._show_ids(ids)
        if self._pending:
            self._flush_timer.start(0)

    def _task_done(self, task: Task) -> None:
        if self._task is task:
            self._task = None
        if task in self._abandoned:
            self._abandoned.remove(task)

    def is_loading(self) -> bool:
        return self._task is not None or self._order_task is not None

    def wait(self) -> None:
        """Block until ids being read in the background are shown, and reads abandoned for newer ones have
        ended (before the store closes; tests, benchmarks)."""
        while self._task is not None or self._order_task is not None or self._abandoned:
            for task in (self._task, self._order_task, *self._abandoned):
                if task is not None:
                    task.wait()
            QCoreApplication.processEvents()

    def refresh(self) -> None:
        """Read the ids again and forget every cached row."""
        self._rows.forget_all()
        self._requery_keeping_persistent_indexes()

    def _requery_keeping_persistent_indexes(self) -> None:
        self._apply_order(self._query_ids())

    def _resort(self) -> None:
        """Events were edited: put the rows where the sort now puts them (a date moved, a day put in
        order), the selection following its event. Read on a worker with ``background`` on."""
        if not self.background or self._store is None:
            self._requery_keeping_persistent_indexes()
            return
        if self._order_task is not None:
            self._order_task.cancel()
            self._abandoned.append(self._order_task)
        store, filters, column, descending = self._store, self._filter, self._column, self._descending
        generation = self._generation

        def work(_progress: ProgressSink, _cancel: CancelToken) -> list[int]:
            with collector_paused():
                return ids_in_order(store, filters, column, descending)

        task = Task(work, self, name="event order")
        task.succeeded.connect(lambda ids: self._reordered(generation, ids))
        task.finished.connect(task.deleteLater)
        task.finished.connect(lambda: self._order_task_done(task))
        self._order_task = task
        task.start()

    def _reordered(self, generation: int, ids: list[int]) -> None:
        if generation == self._generation and self._task is None and ids != self._rows.ids:
            self._apply_order(ids)

    def _order_task_done(self, task: Task) -> None:
        if self._order_task is task:
            self._order_task = None
        if task in self._abandoned:
            self._abandoned.remove(task)

    def _apply_order(self, new_ids: list[int]) -> None:
        show_in_order(self, self._rows, new_ids)
        self.ids_changed.emit()

    # --- ids and rows --------------------------------------------------------------------------------

    def event_id_at(self, row: int) -> int:
        return self._rows.id_at(row)

    def row_of(self, event_id: int) -> int | None:
        return self._rows.row_of(event_id)

    def event_ids(self) -> list[int]:
        """The ids in display order (a copy)."""
        return list(self._rows.ids)

    def summary_at(self, row: int) -> EventSummary | None:
        """The event's summary as the store has it now (one query; the model keeps only its text)."""
        if self._store is None or not 0 <= row < len(self._rows):
            return None
        found = self._store.events.summaries([self._rows.id_at(row)])
        return found[0] if found else None

    def cells_at(self, row: int) -> tuple[str, ...] | None:
        """The row's cells as shown."""
        cached = self._row(row)
        return cached.cells if cached is not None else None

    def _row(self, row: int) -> _Row | None:
        if self._store is None:
            return None
        cached = self._rows.get(row)
        if self._rows.fetched:
            fetched, self._rows.fetched = self._rows.fetched, 0
            self.rows_fetched.emit(fetched)
        return cached

    def _load_rows(self, ids: list[int]) -> Iterator[tuple[int, _Row]]:
        """Rows with their cells and tooltips already formatted: painting then only looks them up."""
        if self._store is None:
            return
        for summary in self._store.events.summaries(ids):
            cells = self._cells(summary)
            tooltips = tuple(_tooltip(summary, column, cells) for column in Column)
            yield summary.id, _Row(cells, tooltips, summary.disputed, summary.confidence_overridden)

    def _forget_every_row(self) -> None:
        """Every cached row is stale (another zone, a participant renamed): views read them again."""
        self._rows.forget_all()
        if len(self._rows):
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1))

    def _cells(self, summary: EventSummary) -> tuple[str, ...]:
        return (
            event_date_text(summary.start_edtf, summary.end_edtf, self._tz, self._language),
            summary.title,
            summary.category,
            confidence_label(summary.confidence),
            tr("disputed") if summary.disputed else "",
            str(summary.evidence_count),
            ", ".join(summary.participants),
        )

    # --- Qt model API --------------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return column_title(Column(section))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _TRAILING if section == _EVIDENCE_COLUMN else _LEADING
        if role == Qt.ItemDataRole.ToolTipRole and section not in SORTABLE:
            return tr("This column does not sort.")
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        """Kept lean: a view asks this several times per visible cell on every repaint."""
        if role not in _ANSWERED or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == _ALIGNMENT:
            return _TRAILING if column == _EVIDENCE_COLUMN else _LEADING
        if row >= len(self._rows):
            return None
        if role == _ID_ROLE:
            return self._rows.id_at(row)
        cached = self._row(row)
        if cached is None:
            return None
        if role == _DISPLAY:
            return cached.cells[column]
        if role == _FOREGROUND:
            return self._red if column == _DISPUTED_COLUMN and cached.disputed else None
        if role == _FONT:
            return self._italic if column == _CONFIDENCE_COLUMN and cached.overridden else None
        return cached.tooltips[column]  # ToolTipRole

    # --- changes from the store ----------------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        if change.object_type not in ("event", "entity"):
            return
        self._pending.append(change)
        if not self._flush_timer.isActive():
            since = (time.monotonic() - self._last_flush) * 1000
            self._flush_timer.start(max(0, int(FLUSH_INTERVAL_MS - since)))

    def has_pending_changes(self) -> bool:
        return bool(self._pending)

    def apply_pending_changes(self) -> None:
        """Apply the changes gathered since the last flush (the timer calls this; tests may too)."""
        self._flush_timer.stop()
        if self._task is not None:
            return  # once the ids being read arrive
        self._last_flush = time.monotonic()
        pending, self._pending = self._pending, []
        if self._store is None or not pending:
            return
        events = [change for change in pending if change.object_type == "event"]
        if any(change.object_type == "entity" for change in pending):  # a participant renamed or merged
            self._forget_every_row()
        membership = any(change.kind is not ChangeKind.UPDATED for change in events) or self._filtered()
        if membership:
            self._follow_membership(self._query_ids())
        updated = _ids_of(events, ChangeKind.UPDATED)
        self._refresh_rows(updated | _ids_of(events, ChangeKind.ADDED))
        if updated:
            self._resort()

    def _filtered(self) -> bool:
        return self._filter != ALL_EVENTS

    def _follow_membership(self, new_ids: list[int]) -> None:
        """Remove rows whose events are gone or no longer match; insert new ones where they sort."""
        keep = set(new_ids)
        gone = [row for row, event_id in enumerate(self._rows.ids) if event_id not in keep]
        for first, last in reversed(_runs(gone)):
            self.beginRemoveRows(QModelIndex(), first, last)
            self._rows.remove_rows(first, last)
            self.endRemoveRows()
        fresh = {event_id for event_id in new_ids if event_id not in self._rows}
        if fresh:
            self._insert_where_sorted(new_ids, fresh)
        self.ids_changed.emit()

    def _insert_where_sorted(self, ordered: Sequence[int], fresh: set[int]) -> None:
        """Place each run of new ids after the shown event before it in ``ordered``."""
        runs: list[tuple[int | None, list[int]]] = []
        anchor: int | None = None
        previous_was_fresh = False
        for event_id in ordered:
            if event_id in fresh:
                if previous_was_fresh:
                    runs[-1][1].append(event_id)
                else:
                    runs.append((anchor, [event_id]))
                previous_was_fresh = True
            elif event_id in self._rows:
                anchor, previous_was_fresh = event_id, False
        for anchor_id, run in runs:
            anchor_row = None if anchor_id is None else self._rows.row_of(anchor_id)
            row = 0 if anchor_row is None else anchor_row + 1
            self.beginInsertRows(QModelIndex(), row, row + len(run) - 1)
            self._rows.insert(row, run)
            self.endInsertRows()

    def _refresh_rows(self, updated: Iterable[int]) -> None:
        assert self._store is not None
        shown = [event_id for event_id in updated if self._rows.is_cached(event_id)]
        self._rows.forget(updated)
        if not shown:
            return
        last = len(Column) - 1
        for event_id in shown:
            row = self.row_of(event_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))


def ids_in_order(store: CaseStore, filters: EventFilter, column: Column, descending: bool) -> list[int]:
    """The ids of the matching events in the table's order (see the module docstring for *Disputed*)."""
    events = store.events
    if column is Column.DISPUTED:
        disputed = events.event_ids(_with(filters, disputed_only=True), BY_DATE)
        if filters.disputed_only:
            return disputed
        known = set(disputed)
        rest = [event_id for event_id in events.event_ids(filters, BY_DATE) if event_id not in known]
        return rest + disputed if descending else disputed + rest
    return events.event_ids(filters, EventOrder(ORDER_KEYS[column], descending))


def _with(filters: EventFilter, **changes: Any) -> EventFilter:
    from dataclasses import replace

    return replace(filters, **changes)


def _ids_of(changes: Iterable[Change], kind: ChangeKind) -> set[int]:
    return {event_id for change in changes if change.kind == kind for event_id in change.ids}


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive rows as (first, last) pairs, in order."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _tooltip(summary: EventSummary, column: Column, cells: tuple[str, ...]) -> str | None:
    if column == Column.TITLE:
        return f"{summary.title}\n#{summary.id}"
    if column == Column.DATE:
        return " / ".join(part for part in (summary.start_edtf, summary.end_edtf) if part) or tr("Undated")
    if column == Column.CONFIDENCE:
        if summary.confidence_overridden:
            return tr("Set by hand; the evidence suggests “{level}”.").format(
                level=confidence_label(summary.suggested_confidence)
            )
        return tr("Suggested by the evidence.")
    if column == Column.DISPUTED and summary.disputed:
        return tr("At least one quote contradicts this event.")
    if column == Column.PARTICIPANTS and cells[column]:
        return cells[column]
    return None
