"""The report's timeline chart as data: the app's timeline items and lanes, cut into printable pages.

No Qt: ``app.export.pdf.chart`` draws what this decides. The chart uses the very layout the app's timeline
view uses (``app.core.timeline_layout.layout_lanes``: the same lanes, rows and bar packing), built from the
same ``TimelineRows`` the store hands the view; ``timeline_items`` is the one conversion between them
(times become half-open, as the layout wants: the stored ``latest`` is the last second, inclusive).

A page cannot zoom, so the chart is printed as panels, each a period at a zoom that fits its events: the
whole span first, then a period for each stretch too crowded to read at that scale, zoomed in until its
markers and numbers stand apart (``time_windows``); events of coarse precision ("c. 2019", a month) are
bars over their whole range where they are, never a period of their own. A panel whose lanes are taller
than a page is cut by whole lanes (a lane taller than a page by rows). A panel leaves out the rows that
would be blank in it, and keeps the others in the layout's order; panels are stacked on a page as long as
they fit, so a page is not mostly blank.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from app.core.event_records import EventFlag, LaneGrouping, LaneKey, TimelineRows
from app.core.timeline_layout import (
    DEFAULT_MAX_BAR_ROWS,
    NO_GROUPING,
    LaneLayout,
    TimelineItem,
    layout_lanes,
    time_domain,
)

DAY = 86_400.0
NO_LANE = "(none)"
MARKER_ROW = 1.5  # height of a lane's marker row, in bar rows


def timeline_items(
    rows: TimelineRows, titles: Mapping[int, str] | None = None, *, no_lane: str = NO_LANE
) -> list[TimelineItem]:
    """The items the app's timeline draws for ``rows``, lane by lane.

    The same conversion as the view's (``app.ui.events.timeline_items.items_from_rows``; a test holds them
    equal): ``latest`` and ``certain_end`` made exclusive, the certain span kept inside the possible
    range, "approximate" for approximate or uncertain dates, lanes in the store's label order with the
    events without a lane last (``no_lane``; an empty label is that lane too), an event with two lane keys
    in both lanes, two lanes of one name told apart by their keys. ``titles`` replaces events' titles.
    """
    names = {key: label or no_lane for key, label in rows.lane_labels}
    counts = Counter(names.values())
    names = {key: f"{name} (#{key})" if counts[name] > 1 else name for key, name in names.items()}
    if rows.grouping is LaneGrouping.NONE:
        return [_item(rows, index, "", titles) for index in range(len(rows))]
    members: dict[LaneKey, list[int]] = defaultdict(list)
    lonely: list[int] = []
    for index, keys in enumerate(rows.lane_keys):
        if not keys:
            lonely.append(index)
        for key in keys:
            members[key].append(index)
    items = [
        _item(rows, index, names[key], titles) for key, _label in rows.lane_labels for index in members[key]
    ]
    items.extend(_item(rows, index, no_lane, titles) for index in lonely)
    return items


def _item(rows: TimelineRows, index: int, lane: str, titles: Mapping[int, str] | None) -> TimelineItem:
    earliest, latest = rows.earliest[index], rows.latest[index]
    latest = None if latest is None else latest + 1
    first, last = rows.certain_start[index], rows.certain_end[index]
    if first is not None and last is not None:
        first, last = max(first, earliest) if earliest is not None else first, last + 1
        last = min(last, latest) if latest is not None else last
    if first is None or last is None or first > last:
        first = last = None
    flags = rows.flags[index]
    event_id = rows.ids[index]
    return TimelineItem(
        id=event_id,
        title=(titles or {}).get(event_id, rows.titles[index]),
        lane=lane,
        earliest=None if earliest is None else float(earliest),
        latest=None if latest is None else float(latest),
        certain_start=None if first is None else float(first),
        certain_end=None if last is None else float(last),
        has_end=bool(flags & EventFlag.HAS_END),
        approximate=bool(flags & (EventFlag.APPROXIMATE | EventFlag.UNCERTAIN)),
        disputed=bool(flags & EventFlag.DISPUTED),
        colour=None,
        evidence_count=rows.evidence_count[index],
    )


def chart_layout(
    rows: TimelineRows, titles: Mapping[int, str] | None = None
) -> tuple[list[TimelineItem], LaneLayout]:
    """The items and the app's lane layout of them (default bar rows, as the view)."""
    items = timeline_items(rows, titles)
    grouping = NO_GROUPING if rows.grouping is LaneGrouping.NONE else "lane"
    return items, layout_lanes(items, grouping, max_bar_rows=DEFAULT_MAX_BAR_ROWS)


# --- pages --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartPanel:
    """One period of the chart as printed: a time window and the layout rows drawn in it, top to bottom."""

    start: float  # epoch seconds
    end: float
    rows: tuple[int, ...]  # global rows of the layout, in order
    window: int  # 0-based period number (-1 for the overview) and how many periods there are
    windows: int
    overview: bool  # the whole span, before the periods that zoom into parts of it
    part: int  # 0-based part of this period's lanes, and how many parts
    parts: int
    depth: int = 0  # how many zooms in from the whole span
    zooms: tuple[tuple[float, float, int], ...] = ()  # the periods zooming into it: start, end, number


@dataclass(frozen=True)
class ChartPage:
    """The panels printed on one page, top to bottom (as many as fit, so no page is mostly blank)."""

    panels: tuple[ChartPanel, ...]
    height: float  # of the panels with their headers, in bar rows (``row_heights``)


@dataclass(frozen=True)
class Period:
    """A time window worth a panel of its own, and how many zooms in from the whole span it is."""

    start: float
    end: float
    depth: int
    events: int = 0  # the crowded events it was made for


def padded_domain(layout: LaneLayout) -> tuple[float, float] | None:
    """The span the view shows at first: every finite time, 3 % (at least half a day) either side."""
    found = time_domain(layout.columns)
    if found is None:
        return None
    low, high = found
    pad = max((high - low) * 0.03, DAY / 2)
    return low - pad, high + pad


ZOOM = 0.5  # a period zooms in at least this much on the one it is in, or it is not worth a panel
MAX_DEPTH = 4
MIN_CROWD = 3  # events: two close marks read well enough as a pair (or a badge with both numbers)


def time_windows(layout: LaneLayout, width: float, *, link: float, max_markers: int) -> list[Period]:
    """The whole span, then the periods that zoom in where it is too crowded to read, in reading order.

    ``width`` is the plot's width and ``link`` the least distance (same units) at which two marks, and
    their numbers, read apart. In a window, the events drawn narrower than ``link`` (markers, and bars
    over a short range) that stand closer than ``link`` to a neighbour form a crowded group: it gets a
    period of its own, spanning its events' whole possible ranges, a little padded, and is looked at
    again at that zoom (a group inside it may zoom further). Events drawn wider (a year, "c. 2019")
    read as bars where they are and get no period of their own; a lone event needs none either. A
    group that no zoom separates (evenly busy) is cut by count, into periods of at most
    ``max_markers`` events, never through one instant. Each period follows the one it zooms into.
    """
    domain = padded_domain(layout)
    if domain is None:
        return []
    columns = layout.columns
    placed = np.flatnonzero(layout.placed)
    low = np.clip(columns.earliest[placed], *domain)
    high = np.clip(columns.latest[placed], *domain)
    anchor = columns.anchor[placed]
    order = np.argsort(anchor, kind="stable")
    extents = _Extents(low[order], high[order], anchor[order], width, link, max_markers)
    zooms = extents.zooms(domain, 0)
    budget = max(8, math.ceil(1.5 * len(placed) / max_markers))  # about what cutting by count would need
    if len(zooms) > budget:  # the busiest periods, the wider first; kept in reading order
        ranked = sorted(range(len(zooms)), key=lambda n: (-zooms[n].events, zooms[n].depth, n))
        zooms = [zooms[n] for n in sorted(ranked[:budget])]
    return [Period(*domain, 0, len(placed)), *zooms]


@dataclass(frozen=True, eq=False)
class _Extents:
    """The placed events' possible ranges (clipped to the chart) and anchors, sorted by anchor."""

    low: np.ndarray
    high: np.ndarray
    anchor: np.ndarray
    width: float
    link: float
    max_markers: int

    def zooms(self, window: tuple[float, float], depth: int) -> list[Period]:
        if depth >= MAX_DEPTH:
            return []
        start, end = window
        scale = self.width / (end - start)
        narrow = (self.high >= start) & (self.low <= end) & ((self.high - self.low) * scale < self.link)
        chosen = np.flatnonzero(narrow)
        periods: list[Period] = []
        for group in _crowded(self.anchor[chosen], self.link / scale):
            members = chosen[group]
            periods.extend(self._zoom(members, window, depth))
        return periods

    def _zoom(self, members: np.ndarray, window: tuple[float, float], depth: int) -> list[Period]:
        start, end = window
        low, high = float(self.low[members].min()), float(self.high[members].max())
        pad = max((high - low) * 0.04, 60.0)
        inner = (max(low - pad, start), min(high + pad, end))
        if inner[1] - inner[0] <= ZOOM * (end - start):
            return [Period(*inner, depth + 1, len(members)), *self.zooms(inner, depth + 1)]
        anchors = self.anchor[members]
        cuts = _count_cuts(anchors, self.max_markers)
        if not cuts:
            return []
        edges = [inner[0], *cuts, inner[1]]
        periods: list[Period] = []
        for piece in itertools.pairwise(edges):
            held = int(((anchors >= piece[0]) & (anchors < piece[1])).sum())
            periods.append(Period(*piece, depth + 1, held))
            periods.extend(self.zooms(piece, depth + 1))
        return periods


def _crowded(anchors: np.ndarray, gap: float) -> list[np.ndarray]:
    """Positions of ``anchors`` (sorted) in runs whose neighbours lie closer than ``gap``: each run of at
    least ``MIN_CROWD`` events at two or more different times."""
    if len(anchors) < MIN_CROWD:
        return []
    breaks = np.flatnonzero(np.diff(anchors) >= gap) + 1
    runs = np.split(np.arange(len(anchors)), breaks)
    return [run for run in runs if len(run) >= MIN_CROWD and anchors[run[-1]] > anchors[run[0]]]


def _count_cuts(anchors: np.ndarray, max_markers: int) -> list[float]:
    values, counts = np.unique(anchors, return_counts=True)
    cuts: list[float] = []
    held = 0
    for position, count in enumerate(counts.tolist()):
        if held and held + count > max_markers:
            cuts.append(float((values[position - 1] + values[position]) / 2))
            held = 0
        held += count
    return cuts


def visible_rows(layout: LaneLayout, start: float, end: float) -> tuple[int, ...]:
    """The rows with something to draw between ``start`` and ``end``, plus the first row of every lane
    that has nothing there (so each lane still shows, empty): rows keep their order, a page only leaves
    out the rows that would be blank on it."""
    columns = layout.columns
    shown = layout.placed & np.where(
        columns.is_bar,
        (columns.latest >= start) & (columns.earliest <= end),
        (columns.anchor >= start) & (columns.anchor <= end),
    )
    rows = set(layout.row[shown].tolist())
    for lane in layout.lanes:
        if not any(lane.first_row <= row < lane.first_row + lane.rows for row in rows):
            rows.add(lane.first_row)
    return tuple(sorted(rows))


def row_heights(layout: LaneLayout) -> np.ndarray:
    """Each row's height in bar rows: a lane's marker row is ``MARKER_ROW`` (its labels need the room)."""
    heights = np.ones(max(layout.total_rows, 1), np.float64)
    for lane in layout.lanes:
        if lane.has_markers:
            heights[lane.first_row] = MARKER_ROW
    return heights


def row_groups(layout: LaneLayout, rows: Sequence[int], room: float) -> list[tuple[int, ...]]:
    """``rows`` in runs whose heights (``row_heights``) fit ``room``. A lane that does not fit what is
    left of a page starts the next page, unless a good part of the page is left (a quarter): then it is
    cut there and goes on overleaf, as is a lane taller than a whole page."""
    heights = row_heights(layout)
    room = max(room, MARKER_ROW)
    groups: list[tuple[int, ...]] = []
    current: list[int] = []
    used = 0.0
    for lane in layout.lanes:
        mine = [row for row in rows if lane.first_row <= row < lane.first_row + lane.rows]
        need = float(heights[mine].sum()) if mine else 0.0
        if current and used + need > room and room - used < room / 4:
            groups.append(tuple(current))
            current, used = [], 0.0
        for row in mine:
            if current and used + heights[row] > room:
                groups.append(tuple(current))
                current, used = [], 0.0
            current.append(row)
            used += float(heights[row])
    if current:
        groups.append(tuple(current))
    return groups


def chart_pages(
    layout: LaneLayout, *, width: float, link: float, max_markers: int, room: float, header: float
) -> list[ChartPage]:
    """The periods (``time_windows``) as panels, each as many parts down as its non-blank rows need,
    stacked on pages as they fit. ``room`` is a page's height and ``header`` a panel's title and axis,
    both in bar rows (``row_heights``)."""
    periods = time_windows(layout, width, link=link, max_markers=max_markers)
    zoomed = len(periods) > 1
    heights = row_heights(layout)
    pages: list[ChartPage] = []
    current: list[ChartPanel] = []
    used = 0.0
    for number, period in enumerate(periods):
        zooms = tuple(
            (inner.start, inner.end, other)
            for other, inner in enumerate(periods[number + 1 :], start=number + 1)
            if inner.depth == period.depth + 1 and period.start <= inner.start and inner.end <= period.end
        )
        rows = visible_rows(layout, period.start, period.end)
        groups = row_groups(layout, rows, room - header)
        window = number - 1 if zoomed else 0
        for part, chosen in enumerate(groups):
            need = header + float(heights[list(chosen)].sum())
            if current and used + need > room:
                pages.append(ChartPage(tuple(current), used))
                current, used = [], 0.0
            overview = zoomed and number == 0
            current.append(
                ChartPanel(
                    period.start,
                    period.end,
                    chosen,
                    window,
                    len(periods) - 1 if zoomed else 1,
                    overview,
                    part,
                    len(groups),
                    period.depth,
                    zooms if part == len(groups) - 1 else (),
                )
            )
            used += need
    if current:
        pages.append(ChartPage(tuple(current), used))
    return pages


def compact_numbers(numbers: Sequence[int], limit: int = 6) -> str:
    """Entry numbers as short text: "3–5, 9, 12–13" (at most ``limit`` runs, then "…")."""
    ordered = sorted(set(numbers))
    runs: list[tuple[int, int]] = []
    for number in ordered:
        if runs and number == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    parts = [str(low) if low == high else f"{low}–{high}" for low, high in runs[:limit]]
    return ", ".join(parts) + (", …" if len(runs) > limit else "")
