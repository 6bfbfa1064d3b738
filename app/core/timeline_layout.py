"""Where events go on the timeline, what the time axis says, and what collapses when zoomed out.

Pure Python and numpy, no Qt: ``app.ui.timeline`` draws what these functions decide, and the decisions are
tested here without a display. Everything that runs on every zoom step (clustering, label decluttering,
ticks) is vectorised or bounded by what is on screen, never by the size of the case.

The time model
--------------
Every time is UTC epoch seconds (a float); the display time zone only changes what the axis and tooltips
*say*, never a stored value. An item has:

- a **possible range** ``[earliest, latest)``: the whole event lies inside it. ``None`` is an open end
  ("before 2019" has no earliest). A calendar period ends where the next one starts, so "July 2023" is
  ``[1 July 00:00, 1 August 00:00)``, half-open; an exact instant has ``earliest == latest``.
- a **certain span** ``[certain_start, certain_end]``: where the event is known to be going on. It lies inside
  the possible range; both ``None`` when nothing is known for sure. "31 July – 2 August 2023" is read as the
  reader means it, certain on each of those days: possible and certain are both ``[31 July, 3 August)``.
  "July 2023" (one event some time that month) is possible over the month and certain nowhere.
- ``has_end``: the event lasts (a start and an end were given), as opposed to happening once.

An item is drawn as a **marker** when it happens once and its possible range is at most
``MARKER_MAX_SPAN`` (a day): at timeline scale a day-precise date is a point, and 90 % of a case's events
are like that. It sits at the middle of its possible range. Anything else - a duration, "July 2023",
"before 2019" - is a **bar** over its possible range, solid where certain and light where only possible.
Open ends run to the edge of the data. Items with neither earliest nor latest cannot be placed and are left
out (``LaneLayout.placed``).

pyqtgraph's DateAxisItem
------------------------
Checked with pyqtgraph 0.14 (``utcOffset`` in ``DateAxisItem.py``): with ``utcOffset=None`` ticks and labels
follow the *process* time zone (``QDateTime`` local time), which handles DST but cannot show any other zone.
Any other zone needs a fixed ``utcOffset`` - seconds *west* of UTC, the opposite sign to ISO 8601 - which
ignores DST: with ``-7200`` for Asia/Jerusalem, after 24 March 2023 day ticks land at 01:00 local and the hour
labels are an hour behind the wall clock. Its labels are English ``strftime`` text. So the axis here steps in
the display zone's wall-clock time through ``zoneinfo`` (a repeated hour appears twice, a skipped one not at
all), and the widget formats labels with ``QLocale``.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from enum import Enum, StrEnum
from operator import attrgetter

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

MARKER_MAX_SPAN = 86_400.0
NO_GROUPING = "none"
DEFAULT_MAX_BAR_ROWS = 12
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: The span ``datetime`` can label, with a day's margin for time-zone offsets either side.
MIN_TIME = (datetime(1, 1, 2, tzinfo=UTC) - EPOCH).total_seconds()
MAX_TIME = (datetime(9999, 12, 30, tzinfo=UTC) - EPOCH).total_seconds()


@dataclass(frozen=True)
class TimelineItem:
    """One event as the timeline needs it (see the module docstring for what the times mean)."""

    id: int
    title: str
    lane: str
    earliest: float | None
    latest: float | None
    certain_start: float | None
    certain_end: float | None
    has_end: bool
    approximate: bool
    disputed: bool
    colour: str | None
    evidence_count: int | None = None
    tooltip: str | None = None
    #: Where in its possible range a marker sits (0 … 1; None: the middle). Events of one day put in an
    #: explicit order are spread across that day in that order, so the order shows once zoomed in and in
    #: previous/next - still each within its own possible range, so no time is claimed.
    sequence: float | None = None

    def __post_init__(self) -> None:
        if self.earliest is not None and self.latest is not None and self.earliest > self.latest:
            raise ValueError(f"event {self.id}: earliest is after latest")
        if (self.certain_start is None) != (self.certain_end is None):
            raise ValueError(f"event {self.id}: give both ends of the certain span or neither")
        if self.certain_start is not None and self.certain_end is not None:
            low = -math.inf if self.earliest is None else self.earliest
            high = math.inf if self.latest is None else self.latest
            if not low <= self.certain_start <= self.certain_end <= high:
                raise ValueError(f"event {self.id}: the certain span must lie inside the possible range")


# --- columns --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TimeColumns:
    """The items' times as arrays, one entry per item in input order.

    Open ends are ``-inf``/``+inf``; an absent certain span is ``nan``. ``anchor`` is where the item sits for
    histograms and ordering: a marker's time, a bar's middle (its known end when the other is open).
    """

    earliest: FloatArray
    latest: FloatArray
    certain_start: FloatArray
    certain_end: FloatArray
    anchor: FloatArray
    is_bar: BoolArray
    placed: BoolArray

    def __len__(self) -> int:
        return len(self.earliest)


def time_columns(items: Sequence[TimelineItem], marker_max_span: float = MARKER_MAX_SPAN) -> TimeColumns:
    # One field at a time through C-level map/attrgetter: about three times faster than a loop of tuples.
    earliest, latest, certain_start, certain_end = (
        np.array(list(map(attrgetter(name), items)), dtype=np.float64).reshape(len(items))  # None -> nan
        for name in ("earliest", "latest", "certain_start", "certain_end")
    )
    has_end = np.fromiter(map(attrgetter("has_end"), items), np.bool_, len(items))
    placed = ~(np.isnan(earliest) & np.isnan(latest))
    earliest = np.where(np.isnan(earliest), -np.inf, earliest)
    latest = np.where(np.isnan(latest), np.inf, latest)
    is_bar = has_end | ~(latest - earliest <= marker_max_span)
    sequence = np.array(list(map(attrgetter("sequence"), items)), dtype=np.float64).reshape(len(items))
    sequence = np.where(np.isnan(sequence), 0.5, sequence)
    with np.errstate(invalid="ignore"):
        middle = earliest + (latest - earliest) * sequence
    anchor = np.where(np.isfinite(middle), middle, np.where(np.isfinite(earliest), earliest, latest))
    return TimeColumns(
        earliest=earliest,
        latest=latest,
        certain_start=certain_start,
        certain_end=certain_end,
        anchor=anchor,
        is_bar=is_bar & placed,
        placed=placed,
    )


def time_domain(columns: TimeColumns) -> tuple[float, float] | None:
    """The span holding every finite time of the placed items, or None if there is none."""
    finite = np.concatenate([columns.earliest, columns.latest, columns.anchor])
    finite = finite[np.isfinite(finite)]
    if not len(finite):
        return None
    return float(finite.min()), float(finite.max())


# --- lanes and rows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lane:
    """A horizontal band of rows: a marker row (if the lane has markers) on top, then bar rows."""

    name: str
    first_row: int
    rows: int
    has_markers: bool


@dataclass(frozen=True, eq=False)
class LaneLayout:
    """Which lane and global row each item is drawn in (``-1`` for items that cannot be placed).

    ``overflow`` marks bars that overlap another bar of their row because the lane ran out of rows
    (``max_bar_rows``); the widget draws them translucent rather than growing the lane without bound.
    """

    lanes: tuple[Lane, ...]
    lane: IntArray
    row: IntArray
    overflow: BoolArray
    columns: TimeColumns
    total_rows: int
    members: tuple[IntArray, ...]  # item indices of each lane, in input order

    @property
    def placed(self) -> BoolArray:
        return self.columns.placed


def layout_lanes(
    items: Sequence[TimelineItem],
    group: str = "lane",
    *,
    max_bar_rows: int = DEFAULT_MAX_BAR_ROWS,
    marker_max_span: float = MARKER_MAX_SPAN,
) -> LaneLayout:
    """Lanes in order of first appearance (the caller orders them), bars stacked so none overlap.

    ``group`` is ``NO_GROUPING`` for one lane holding everything; any other name groups by the items'
    ``lane`` field (the name is the caller's, e.g. what the lane header says).
    """
    columns = time_columns(items, marker_max_span)
    names = [""] * len(items) if group == NO_GROUPING else list(map(attrgetter("lane"), items))
    first_seen = {name: number for number, name in enumerate(dict.fromkeys(names))}
    given = np.fromiter(map(first_seen.__getitem__, names), np.int64, len(names))
    given[~columns.placed] = -1
    # Lanes whose events all lack dates get no lane; number the rest 0, 1, … in order of first appearance.
    kept = np.flatnonzero(np.bincount(given[given >= 0], minlength=len(first_seen)))
    renumber = np.full(len(first_seen) + 1, -1, np.int64)  # the extra slot maps -1 to -1
    renumber[kept] = np.arange(len(kept))
    lane = renumber[given]
    by_lane = np.argsort(lane, kind="stable")
    bounds = np.searchsorted(lane[by_lane], np.arange(len(kept) + 1))
    row = np.full(len(items), -1, np.int64)
    overflow = np.zeros(len(items), np.bool_)
    lanes: list[Lane] = []
    members_of: list[IntArray] = []
    next_row = 0
    names_in_order = list(first_seen)
    for number, given_number in enumerate(kept.tolist()):
        members = by_lane[bounds[number] : bounds[number + 1]]
        bars = members[columns.is_bar[members]]
        has_markers = len(bars) < len(members)
        bar_rows, bar_overflow = pack_bars(columns.earliest[bars], columns.latest[bars], max_bar_rows)
        row[members] = next_row
        row[bars] = next_row + int(has_markers) + bar_rows
        overflow[bars] = bar_overflow
        rows = int(has_markers) + (int(bar_rows.max()) + 1 if len(bars) else 0)
        lanes.append(Lane(names_in_order[given_number], next_row, rows, has_markers))
        members_of.append(members)
        next_row += rows
    return LaneLayout(tuple(lanes), lane, row, overflow, columns, next_row, tuple(members_of))


def pack_bars(starts: FloatArray, ends: FloatArray, max_rows: int) -> tuple[IntArray, BoolArray]:
    """Give each interval the lowest row free at its start; past ``max_rows``, the row that frees first.

    Intervals that merely touch (one ends where the next starts) share a row; an instant (zero length) at
    the start of another interval does not. Returns each interval's row and whether it had to overlap
    another (overflow).
    """
    rows = np.zeros(len(starts), np.int64)
    overflow = np.zeros(len(starts), np.bool_)
    busy: list[tuple[float, int]] = []  # (end, row) of the last interval in each row
    free: list[int] = []
    used = 0
    for index in np.lexsort((ends, starts)).tolist():
        start, end = float(starts[index]), float(ends[index])
        if end == start:
            end = math.nextafter(end, math.inf)  # an instant occupies its own start
        while busy and busy[0][0] <= start:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            row = heapq.heappop(free)
        elif used < max_rows:
            row, used = used, used + 1
        else:
            last_end, row = heapq.heappop(busy)
            end = max(end, last_end)
            overflow[index] = True
        rows[index] = row
        heapq.heappush(busy, (end, row))
    return rows, overflow


# --- ordering -------------------------------------------------------------------------------------------


class Order(Enum):
    BEFORE = -1
    UNORDERED = 0  # the possible ranges overlap: neither can be said to come first
    AFTER = 1


def definitely_before(a: TimelineItem, b: TimelineItem) -> bool:
    """True only if every possible time of ``a`` comes before every possible time of ``b``.

    Ranges are half-open, so "July 2023" is before "1 August 2023"; two events at the same instant are not
    ordered.
    """
    if a.latest is None or b.earliest is None:
        return False
    if a.latest < b.earliest:
        return True
    return a.latest == b.earliest and a.earliest is not None and a.earliest < a.latest


def relative_order(a: TimelineItem, b: TimelineItem) -> Order:
    if definitely_before(a, b):
        return Order.BEFORE
    if definitely_before(b, a):
        return Order.AFTER
    return Order.UNORDERED


def time_order(columns: TimeColumns, ids: Sequence[int] | IntArray) -> IntArray:
    """Indices of the placed items by time (earliest, then latest, then where the marker sits - which
    follows an explicit order within a day - then id), for previous/next keys.

    This is a reading order, not a claim that one came first: see ``definitely_before``.
    """
    keys = np.asarray(ids, np.int64)
    order = np.lexsort((keys, columns.anchor, columns.latest, columns.earliest))
    return order[columns.placed[order]]


# --- the time axis --------------------------------------------------------------------------------------


class TimeUnit(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    HOUR = "hour"
    MINUTE = "minute"


_NOMINAL_SECONDS = {
    TimeUnit.YEAR: 365.2425 * 86_400,
    TimeUnit.MONTH: 30.436875 * 86_400,
    TimeUnit.DAY: 86_400.0,
    TimeUnit.HOUR: 3_600.0,
    TimeUnit.MINUTE: 60.0,
}
#: Finest first. Year steps go on 1-2-5 past 1000 (``_year_step``).
_LADDER: tuple[tuple[TimeUnit, int], ...] = (
    *((TimeUnit.MINUTE, step) for step in (1, 5, 10, 15, 30)),
    *((TimeUnit.HOUR, step) for step in (1, 3, 6, 12)),
    *((TimeUnit.DAY, step) for step in (1, 2, 5, 10)),
    *((TimeUnit.MONTH, step) for step in (1, 3, 6)),
    *((TimeUnit.YEAR, step) for step in (1, 2, 5, 10, 50, 100, 500, 1000)),
)
_PARENT = {TimeUnit.MINUTE: TimeUnit.HOUR, TimeUnit.HOUR: TimeUnit.DAY, TimeUnit.DAY: TimeUnit.MONTH}


@dataclass(frozen=True)
class TickScale:
    unit: TimeUnit
    step: int

    @property
    def seconds(self) -> float:
        return self.step * _NOMINAL_SECONDS[self.unit]


@dataclass(frozen=True)
class Tick:
    """A tick at a round wall-clock time of the display zone.

    ``local`` is that wall-clock time (naive; ``fold=1`` for the second pass of a repeated hour). ``major``
    ticks also start the next coarser unit (a year among months, midnight among hours): the widget labels
    them with more context.
    """

    time: float
    local: datetime
    unit: TimeUnit
    step: int
    major: bool


def choose_tick_scale(start: float, end: float, pixel_width: float, min_spacing_px: float) -> TickScale:
    """The finest scale whose ticks are at least ``min_spacing_px`` apart."""
    seconds_needed = (end - start) * min_spacing_px / max(pixel_width, 1.0)
    for unit, step in _LADDER:
        if step * _NOMINAL_SECONDS[unit] >= seconds_needed:
            return TickScale(unit, step)
    return TickScale(TimeUnit.YEAR, _year_step(seconds_needed / _NOMINAL_SECONDS[TimeUnit.YEAR]))


def _year_step(years: float) -> int:
    magnitude = 10 ** math.floor(math.log10(max(years, 1.0)))
    return next(int(m * magnitude) for m in (1, 2, 5, 10) if m * magnitude >= years)


def axis_ticks(
    start: float, end: float, pixel_width: float, tz: tzinfo, *, min_spacing_px: float = 80.0
) -> list[Tick]:
    """Ticks for ``[start, end]`` drawn ``pixel_width`` pixels wide, at round times of zone ``tz``."""
    start, end = max(start, MIN_TIME), min(end, MAX_TIME)
    if not end > start:
        return []
    scale = choose_tick_scale(start, end, pixel_width, min_spacing_px)
    first = to_local(start, tz)
    last = to_local(end, tz)
    folds = (0, 1) if scale.unit in (TimeUnit.HOUR, TimeUnit.MINUTE) else (0,)
    # keyed by time: a repeated wall time gives two instants, interleaved with its neighbours
    ticks: dict[float, Tick] = {}
    for wall in _wall_times(first, last, scale):
        for fold in folds:
            time = wall_to_utc(wall, tz, fold)
            if time is not None and start <= time <= end:
                ticks[time] = Tick(
                    time, wall.replace(fold=fold), scale.unit, scale.step, _is_major(wall, scale)
                )
    return [ticks[time] for time in sorted(ticks)]


def to_local(time: float, tz: tzinfo) -> datetime:
    """Naive wall-clock time in ``tz`` of UTC epoch seconds (any year ``datetime`` holds, on any OS)."""
    aware = (EPOCH + timedelta(seconds=time)).astimezone(tz)
    return aware.replace(tzinfo=None, fold=aware.fold)


def wall_to_utc(wall: datetime, tz: tzinfo, fold: int = 0) -> float | None:
    """UTC epoch seconds of a wall-clock time in ``tz``; None if the clocks skipped it (or, for
    ``fold=1``, if it happens only once)."""
    aware = wall.replace(tzinfo=tz, fold=fold)
    time = (aware - EPOCH).total_seconds()
    if to_local(time, tz).replace(fold=0) != wall.replace(fold=0):
        return None  # in a gap: spring forward
    if fold and aware.utcoffset() == wall.replace(tzinfo=tz, fold=0).utcoffset():
        return None  # not repeated
    return time


def _wall_times(first: datetime, last: datetime, scale: TickScale) -> list[datetime]:
    unit, step = scale.unit, scale.step
    if unit is TimeUnit.YEAR:
        years = range(max(1, first.year // step * step), last.year + 1, step)
        return [datetime(year, 1, 1) for year in years if year >= 1]
    if unit is TimeUnit.MONTH:
        months = range((first.year * 12 + first.month - 1) // step * step, last.year * 12 + last.month, step)
        return [datetime(month // 12, month % 12 + 1, 1) for month in months if month >= 12]
    if unit is TimeUnit.DAY:
        return _day_walls(first, last, step)
    whole = timedelta(hours=1) if unit is TimeUnit.HOUR else timedelta(minutes=1)
    if unit is TimeUnit.HOUR:
        wall = first.replace(hour=first.hour // step * step, minute=0, second=0, microsecond=0, fold=0)
    else:
        wall = first.replace(minute=first.minute // step * step, second=0, microsecond=0, fold=0)
    walls: list[datetime] = []
    while wall <= last:
        walls.append(wall)
        wall += whole * step
    return walls


def _day_walls(first: datetime, last: datetime, step: int) -> list[datetime]:
    """Days of each month at 1, 1+step, ... keeping a tick only if its interval is at least half a step."""
    walls: list[datetime] = []
    month = datetime(first.year, first.month, 1)
    while month <= last:
        following = (month + timedelta(days=32)).replace(day=1)
        length = (following - month).days
        walls.extend(
            month.replace(day=day)
            for day in range(1, length + 1, step)
            if day == 1 or length + 1 - day >= step / 2
        )
        month = following
    return [wall for wall in walls if first - timedelta(days=1) <= wall <= last]


def _is_major(wall: datetime, scale: TickScale) -> bool:
    if scale.unit is TimeUnit.YEAR:  # decades among years, centuries among decades, and so on
        every: int = 10 ** (math.floor(math.log10(scale.step)) + 1)
        return wall.year % every == 0
    if scale.unit is TimeUnit.MONTH:
        return wall.month == 1
    parent = _PARENT[scale.unit]
    if parent is TimeUnit.MONTH:
        return wall.day == 1
    if parent is TimeUnit.DAY:
        return wall.hour == 0
    return wall.minute == 0


# --- clustering -----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class MarkerClusters:
    """Markers grouped so that no two drawn positions in a lane are closer than ``min_px``.

    Cluster ``k`` holds the input indices ``order[start[k] : start[k] + count[k]]``, which span
    ``first[k]..last[k]``; it is drawn at ``time[k]``, the middle of that span. A count of 1 is a plain
    marker; more is a count badge.
    """

    lane: IntArray
    time: FloatArray
    first: FloatArray
    last: FloatArray
    count: IntArray
    start: IntArray
    order: IntArray

    def __len__(self) -> int:
        return len(self.count)

    def members(self, cluster: int) -> IntArray:
        begin = int(self.start[cluster])
        return self.order[begin : begin + int(self.count[cluster])]


def cluster_markers(
    times: FloatArray, lanes: IntArray, px_per_second: float, min_px: float
) -> MarkerClusters:
    """Collapse markers closer than ``min_px`` on screen into clusters, per lane, like a zoomed-out map.

    Markers first fall into cells ``min_px`` wide at the nearest coarser power-of-two zoom, counted from the
    epoch: panning never reshuffles them, zooming within a factor of two leaves them alone, and each
    doubling splits a cell in two, as map tiles do. Neighbouring cells whose centres still come closer than
    ``min_px`` are then merged. Cost: a sort (skipped if already sorted by lane and time), a few vector
    passes, and a Python step per pair of cells that needs merging, so pass only what is on screen.
    """
    times = np.asarray(times, np.float64)
    lanes = np.asarray(lanes, np.int64)
    count = len(times)
    if count == 0:
        empty = np.zeros(0, np.int64)
        return MarkerClusters(empty, np.zeros(0), np.zeros(0), np.zeros(0), empty, empty, empty)
    order = np.arange(count) if _sorted_by_lane_and_time(times, lanes) else np.lexsort((times, lanes))
    t, lane = times[order], lanes[order]
    cell_seconds = min_px / 2.0 ** math.floor(math.log2(px_per_second))
    cell = np.floor(t / cell_seconds)
    new = np.ones(count, np.bool_)
    new[1:] = (lane[1:] != lane[:-1]) | (cell[1:] != cell[:-1])
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], count) - 1
    starts, ends = _merge_close(t, lane, starts, ends, min_px / px_per_second)
    first, last = t[starts], t[ends]
    return MarkerClusters(
        lane=lane[starts],
        time=(first + last) / 2,
        first=first,
        last=last,
        count=ends - starts + 1,
        start=starts,
        order=order,
    )


def _sorted_by_lane_and_time(times: FloatArray, lanes: IntArray) -> bool:
    lane_step = np.diff(lanes)
    return bool(np.all(lane_step >= 0) and np.all((lane_step > 0) | (np.diff(times) >= 0)))


def _merge_close(
    t: FloatArray, lane: IntArray, starts: IntArray, ends: IntArray, min_gap: float
) -> tuple[IntArray, IntArray]:
    """Merge each group into the one before it while their centres are closer than ``min_gap``.

    Merging moves a centre left (towards the earlier group), so only pairs that start out close can merge:
    the loop visits just those.
    """
    centre = (t[starts] + t[ends]) / 2
    close = (lane[starts[1:]] == lane[starts[:-1]]) & (np.diff(centre) < min_gap)
    if not close.any():
        return starts, ends
    keep = np.ones(len(starts), np.bool_)
    new_ends = ends.copy()
    absorber = -1  # the kept group that swallowed the right side of the last pair merged
    for pair in np.flatnonzero(close).tolist():
        left, right = (pair if keep[pair] else absorber), pair + 1
        left_centre = (t[starts[left]] + t[new_ends[left]]) / 2
        if centre[right] - left_centre < min_gap:
            keep[right] = False
            new_ends[left] = ends[right]
            absorber = left
    return starts[keep], new_ends[keep]


# --- labels and the overview ----------------------------------------------------------------------------


def declutter_labels(
    starts: FloatArray | Sequence[float],
    widths: FloatArray | Sequence[float],
    rows: IntArray | Sequence[int] | None = None,
    priority: FloatArray | Sequence[float] | None = None,
    *,
    fixed: BoolArray | Sequence[bool] | None = None,
    gap: float = 4.0,
) -> BoolArray:
    """Which labels to draw so that no two in a row come closer than ``gap`` pixels.

    Labels are boxes ``[start, start + width]`` in pixels. Higher ``priority`` wins, then the leftmost.
    ``fixed`` boxes (markers, badges) are always kept and block labels without being labels themselves.
    The result is maximal: every dropped label overlaps a kept box. O(n log n) in the labels on screen.
    """
    x0 = np.asarray(starts, np.float64)
    x1 = x0 + np.asarray(widths, np.float64)
    count = len(x0)
    row = np.zeros(count, np.int64) if rows is None else np.asarray(rows, np.int64)
    rank = np.zeros(count) if priority is None else np.asarray(priority, np.float64)
    pinned = np.zeros(count, np.bool_) if fixed is None else np.asarray(fixed, np.bool_)
    keep = pinned.copy()
    taken: dict[int, tuple[list[float], list[float]]] = {}  # row -> sorted disjoint (starts, ends)
    for index in np.flatnonzero(pinned)[np.argsort(x0[pinned], kind="stable")].tolist():
        _occupy(taken.setdefault(int(row[index]), ([], [])), float(x0[index]), float(x1[index]), merge=True)
    candidates = np.flatnonzero(~pinned)
    for index in candidates[np.lexsort((x0[candidates], -rank[candidates]))].tolist():
        lo, hi = float(x0[index]) - gap, float(x1[index]) + gap
        boxes = taken.setdefault(int(row[index]), ([], []))
        position = bisect.bisect_right(boxes[0], lo)
        if position and boxes[1][position - 1] > lo:
            continue
        if position < len(boxes[0]) and boxes[0][position] < hi:
            continue
        keep[index] = True
        _occupy(boxes, float(x0[index]), float(x1[index]), merge=False)
    return keep


def _occupy(boxes: tuple[list[float], list[float]], start: float, end: float, *, merge: bool) -> None:
    box_starts, box_ends = boxes
    position = bisect.bisect_right(box_starts, start)
    if merge and position and box_ends[position - 1] >= start:  # pinned boxes may overlap: keep a union
        box_ends[position - 1] = max(box_ends[position - 1], end)
        return
    box_starts.insert(position, start)
    box_ends.insert(position, end)


def histogram(
    times: FloatArray, bins: int | FloatArray, span: tuple[float, float] | None = None
) -> tuple[FloatArray, IntArray]:
    """Counts of ``times`` per bin (edges and counts), ignoring open (infinite) and missing times."""
    values = np.asarray(times, np.float64)
    values = values[np.isfinite(values)]
    if span is None and not len(values):
        span = (0.0, 1.0)
    counts, edges = np.histogram(values, bins=bins, range=span)
    return edges.astype(np.float64), counts.astype(np.int64)
