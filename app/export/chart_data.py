"""The report's timeline chart as data: the app's timeline items and lanes, cut into printable pages.

No Qt: ``app.export.pdf.chart`` draws what this decides. The chart uses the very layout the app's timeline
view uses (``app.core.timeline_layout.layout_lanes``: the same lanes, rows and bar packing), built from the
same ``TimelineRows`` the store hands the view; ``timeline_items`` is the one conversion between them
(times become half-open, as the layout wants: the stored ``latest`` is the last second, inclusive).

A page cannot zoom, so a long chart is cut: first in time, into windows holding at most ``max_markers``
events each (cut at long empty stretches and halfway between neighbouring events, never through a group
at the same instant), after an overview of the whole span; then, when the lanes are taller than a page,
by whole lanes (a lane taller than a page by rows). A page leaves out the rows that would be blank on it,
and keeps the others in the layout's order.
"""

from __future__ import annotations

import itertools
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
class ChartPage:
    """One printed page of the chart: a time window and the layout rows drawn on it, top to bottom."""

    start: float  # epoch seconds
    end: float
    rows: tuple[int, ...]  # global rows of the layout, in order
    window: int  # 0-based window number (-1 for the overview) and how many windows there are
    windows: int
    overview: bool  # the whole span on one page, before the windows
    part: int  # 0-based part of this window's lanes, and how many parts
    parts: int


def padded_domain(layout: LaneLayout) -> tuple[float, float] | None:
    """The span the view shows at first: every finite time, 3 % (at least half a day) either side."""
    found = time_domain(layout.columns)
    if found is None:
        return None
    low, high = found
    pad = max((high - low) * 0.03, DAY / 2)
    return low - pad, high + pad


def time_windows(
    layout: LaneLayout, max_markers: int, *, gap_share: float = 0.2
) -> list[tuple[float, float]]:
    """Consecutive windows of time that each print legibly.

    Windows follow where the events are (each event's anchor: a marker's time, a bar's middle); a long bar
    is drawn clipped, with a chevron, in every window it crosses. The anchors are first cut at long empty
    stretches (longer than ``gap_share`` of the whole span), so a few events years apart do not squeeze a
    busy month into a sliver; each part is then cut halfway between neighbouring events into windows of
    at most ``max_markers`` events (events at one instant are never split, so a window may hold more of
    those). Each window is padded a little beyond its events, never past the middle of a cut.
    """
    domain = padded_domain(layout)
    if domain is None:
        return []
    anchors = np.sort(layout.columns.anchor[layout.placed])
    segments = _covered_parts(anchors, anchors, (domain[1] - domain[0]) * gap_share)
    windows: list[tuple[float, float]] = []
    sparse: list[bool] = []
    for low, high in segments:
        inside = anchors[(anchors >= low) & (anchors <= high)]
        edges = [low, *_count_cuts(inside, max_markers), high]
        windows.extend(itertools.pairwise(edges))
        sparse.extend(len(np.unique(inside)) <= 2 for _ in edges[1:])
    return _padded(windows, sparse, domain)


def _covered_parts(starts: np.ndarray, ends: np.ndarray, min_gap: float) -> list[tuple[float, float]]:
    """The spans covered by events, merged across any gap shorter than ``min_gap``."""
    order = np.argsort(starts, kind="stable")
    parts: list[list[float]] = []
    for start, end in zip(starts[order].tolist(), ends[order].tolist(), strict=True):
        if parts and start - parts[-1][1] <= min_gap:
            parts[-1][1] = max(parts[-1][1], end)
        else:
            parts.append([start, end])
    return [(low, high) for low, high in parts]


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


def _padded(
    windows: list[tuple[float, float]], sparse: list[bool], domain: tuple[float, float]
) -> list[tuple[float, float]]:
    """Each window widened by 4 % (at least half a day; three days around a lone event or two, so a
    page does not zoom into a single day) where it borders a gap; cut edges stay put."""
    result: list[tuple[float, float]] = []
    for number, (low, high) in enumerate(windows):
        pad = max((high - low) * 0.04, 3 * DAY if sparse[number] else DAY / 2)
        before = windows[number - 1][1] if number else domain[0]
        after = windows[number + 1][0] if number + 1 < len(windows) else domain[1]
        new_low = low if before == low else max(low - pad, (before + low) / 2, domain[0])
        new_high = high if after == high else min(high + pad, (high + after) / 2, domain[1])
        result.append((new_low, new_high))
    return result


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


def chart_pages(layout: LaneLayout, *, max_markers: int, room: float) -> list[ChartPage]:
    """The overview (when the chart needs more than one window), then each window; each as many pages
    down as its non-blank rows need."""
    windows = time_windows(layout, max_markers)
    spans = [(window, False) for window in windows]
    if len(windows) > 1:
        spans.insert(0, ((windows[0][0], windows[-1][1]), True))
    pages: list[ChartPage] = []
    for index, ((start, end), overview) in enumerate(spans):
        window = index - 1 if len(windows) > 1 else index
        groups = row_groups(layout, visible_rows(layout, start, end), room)
        for part, rows in enumerate(groups):
            pages.append(ChartPage(start, end, rows, window, len(windows), overview, part, len(groups)))
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
