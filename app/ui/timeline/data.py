"""The items prepared once per ``set_items``/``set_grouping``: per-lane arrays sorted the way each view
update reads them (markers by time for a binary search of what is in view, bars by start).

``prepare`` does all of it that is arithmetic (the lanes' layout, bar packing, sorting: about 0.1 s for
100,000 items) and makes no Qt object, so it may run on a worker thread while the view keeps showing what
it shows; ``finish`` then adds the colours in the GUI thread, in well under a millisecond. ``build`` is
the two in a row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from operator import attrgetter

import numpy as np
from numpy.typing import NDArray
from PySide6.QtGui import QColor

from app.core.timeline_layout import Lane, LaneLayout, TimelineItem, layout_lanes, time_domain, time_order
from app.ui.timeline.items import BarArrays

DAY = 86_400.0
# Okabe-Ito colours, which colour-blind readers can tell apart; red is kept for "disputed".
LANE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#6B6B6B", "#B8860B")


def lane_colour(number: int) -> QColor:
    return QColor(LANE_COLOURS[number % len(LANE_COLOURS)])


def item_colour(value: str | None, fallback: QColor) -> QColor:
    if value is None:
        return fallback
    colour = QColor(value)
    return colour if colour.isValid() else fallback


@dataclass(eq=False)
class LaneData:
    number: int
    lane: Lane
    marker_items: NDArray[np.int64]  # item indices, by time
    marker_times: NDArray[np.float64]  # epoch seconds
    bar_items: NDArray[np.int64]  # item indices, by start
    bars: BarArrays  # its ``colours`` are filled in by ``finish``
    colour_names: list[str | None]  # the bars' own colours (None: the lane's), as ``bars.colour`` counts
    finished_colour: QColor | None = None  # set by ``finish``

    @property
    def colour(self) -> QColor:
        assert self.finished_colour is not None, "finish() gives the lanes their colours"
        return self.finished_colour

    @property
    def marker_row(self) -> int:
        return self.lane.first_row


@dataclass(eq=False)
class TimelineData:
    items: tuple[TimelineItem, ...]
    grouping: str
    max_bar_rows: int
    layout: LaneLayout
    lanes: list[LaneData]
    origin: float  # plot x = epoch seconds - origin, to keep plot numbers small
    domain: tuple[float, float]  # epoch seconds, padded; open ends are drawn to here
    bar_x0: NDArray[np.float64]  # per item, epoch, open ends clamped to the domain (markers: anchor)
    bar_x1: NDArray[np.float64]

    finished: bool = False

    @property
    def empty(self) -> bool:
        return not self.lanes

    def made_for(self, items: tuple[TimelineItem, ...], grouping: str, max_bar_rows: int) -> bool:
        return self.items is items and (self.grouping, self.max_bar_rows) == (grouping, max_bar_rows)

    # Needed only once the user selects or steps through events, so not paid for in the first render.

    @cached_property
    def ids(self) -> NDArray[np.int64]:
        return np.fromiter(map(attrgetter("id"), self.items), np.int64, len(self.items))

    @cached_property
    def by_id(self) -> NDArray[np.int64]:
        return np.argsort(self.ids, kind="stable")

    @cached_property
    def order(self) -> NDArray[np.int64]:
        """Placed item indices by time, for previous/next."""
        return time_order(self.layout.columns, self.ids)

    @cached_property
    def rank(self) -> NDArray[np.int64]:
        """Position of each item in ``order`` (-1 if unplaced)."""
        rank = np.full(len(self.items), -1, np.int64)
        rank[self.order] = np.arange(len(self.order))
        return rank

    def index(self, item_id: int) -> int | None:
        ids_sorted = self.ids[self.by_id]
        position = int(np.searchsorted(ids_sorted, item_id))
        if position < len(ids_sorted) and ids_sorted[position] == item_id:
            return int(self.by_id[position])
        return None


def build(items: Sequence[TimelineItem], grouping: str, max_bar_rows: int) -> TimelineData:
    return finish(prepare(items, grouping, max_bar_rows))


def _this_year() -> tuple[float, float]:
    """The span shown when nothing is dated: the current year (UTC), rather than 1 January 1970."""
    year = datetime.now(UTC).year
    return datetime(year, 1, 1, tzinfo=UTC).timestamp(), datetime(year + 1, 1, 1, tzinfo=UTC).timestamp()


def prepare(items: Sequence[TimelineItem], grouping: str, max_bar_rows: int) -> TimelineData:
    """Everything but the colours; no Qt object is made (see the module docstring)."""
    items = tuple(items)
    layout = layout_lanes(items, grouping, max_bar_rows=max_bar_rows)
    columns = layout.columns
    found = time_domain(columns)
    low, high = found if found is not None else _this_year()
    pad = max((high - low) * 0.03, DAY / 2)
    domain = (low - pad, high + pad)
    origin = math.floor(domain[0] / DAY) * DAY
    x0 = np.clip(columns.earliest, *domain)
    x1 = np.clip(columns.latest, *domain)
    x0 = np.where(columns.is_bar, x0, columns.anchor)
    x1 = np.where(columns.is_bar, x1, columns.anchor)
    lanes = [
        _lane_data(number, lane, items, layout, x0, x1, origin) for number, lane in enumerate(layout.lanes)
    ]
    data = TimelineData(
        items=items,
        grouping=grouping,
        max_bar_rows=max_bar_rows,
        layout=layout,
        lanes=lanes,
        origin=origin,
        domain=domain,
        bar_x0=x0,
        bar_x1=x1,
    )
    _ = data.by_id  # what selecting an item needs first, while off the GUI thread
    return data


def finish(data: TimelineData) -> TimelineData:
    """The lanes' and bars' colours (``QColor``s: made in the GUI thread)."""
    if not data.finished:
        for lane in data.lanes:
            lane.finished_colour = colour = lane_colour(lane.number)
            lane.bars.colours = [item_colour(name, colour) for name in lane.colour_names]
        data.finished = True
    return data


def _lane_data(
    number: int,
    lane: Lane,
    items: tuple[TimelineItem, ...],
    layout: LaneLayout,
    x0: NDArray[np.float64],
    x1: NDArray[np.float64],
    origin: float,
) -> LaneData:
    columns = layout.columns
    members = layout.members[number]
    bar_mask = columns.is_bar[members]
    markers = members[~bar_mask]
    markers = markers[np.argsort(columns.anchor[markers], kind="stable")]
    bars = members[bar_mask]
    bars = bars[np.argsort(x0[bars], kind="stable")]
    names: dict[str | None, int] = {None: 0}
    colour_index = np.fromiter(
        (names.setdefault(items[i].colour, len(names)) for i in bars), np.int64, len(bars)
    )
    arrays = BarArrays(
        x0=x0[bars] - origin,
        x1=x1[bars] - origin,
        row=layout.row[bars].astype(np.float64),
        c0=columns.certain_start[bars] - origin,
        c1=columns.certain_end[bars] - origin,
        colour=colour_index,
        approximate=np.fromiter((items[i].approximate for i in bars), np.bool_, len(bars)),
        disputed=np.fromiter((items[i].disputed for i in bars), np.bool_, len(bars)),
        overflow=layout.overflow[bars],
        open_start=np.isneginf(columns.earliest[bars]),
        open_end=np.isposinf(columns.latest[bars]),
    )
    return LaneData(number, lane, markers, columns.anchor[markers], bars, arrays, list(names))
