"""The store's timeline columns (``TimelineRows``) as the timeline widget's ``TimelineItem``s, lane by lane.

Two conventions meet here. The store gives ``latest`` and ``certain_end`` as the *last* second an event
may take (inclusive, ``UncertainDate.bounds_epoch``); the timeline core works with half-open ranges, so one
second is added to each ("31 July 2023" is ``[31 July 00:00, 1 August 00:00)``). And the widget orders lanes
by first appearance, so items are emitted lane by lane in the store's label order, events without a lane
(no participant, no tag, no category) last. Under entity, tag or source grouping an event with two of them
is drawn in both lanes, as the same id.

Pure Python on purpose (no Qt): the conversion of 100,000 rows runs on a worker thread. Items are kept
by their values (``ItemCache``), so reading the rows again after a change makes new items only for the
events that changed, and an unchanged list is the same list of the same objects (cheap to compare).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from app.core.event_records import EventFlag, LaneGrouping, LaneKey, TimelineRows
from app.core.records import Confidence

if TYPE_CHECKING:  # numpy comes with the timeline's layout: loaded with the first case, not the window
    from app.core.timeline_layout import TimelineItem

NO_GROUPING = "none"  # app.core.timeline_layout.NO_GROUPING


class Grouping(StrEnum):
    """What the timeline's lanes are; all but ``SOURCE`` are the store's own ``LaneGrouping``."""

    NONE = "none"
    CATEGORY = "category"
    CONFIDENCE = "confidence"
    ENTITY = "entity"
    TAG = "tag"
    SOURCE = "source"

    @property
    def store_grouping(self) -> LaneGrouping:
        return LaneGrouping.NONE if self is Grouping.SOURCE else LaneGrouping(self.value)

    @property
    def widget_grouping(self) -> str:
        return NO_GROUPING if self is Grouping.NONE else "lane"


_HAS_END, _APPROXIMATE, _UNCERTAIN = (
    int(EventFlag.HAS_END),
    int(EventFlag.APPROXIMATE),
    int(EventFlag.UNCERTAIN),
)
_DISPUTED, _OVERRIDDEN = int(EventFlag.DISPUTED), int(EventFlag.CONFIDENCE_OVERRIDDEN)


ItemCache = dict[tuple[object, ...], "TimelineItem"]


def items_from_rows(
    rows: TimelineRows,
    *,
    cache: ItemCache | None = None,
    lane_keys: Sequence[tuple[LaneKey, ...]] | None = None,
    lane_labels: Sequence[tuple[LaneKey, str]] | None = None,
    no_lane: str = "",
    describe: Callable[[Confidence, int], str] | None = None,
    label_of: Callable[[LaneKey, str], str] | None = None,
) -> list[TimelineItem]:
    """Items for ``rows``, lane by lane (see the module docstring).

    ``lane_keys``/``lane_labels`` replace the rows' own (lanes by source are not the store's);
    ``no_lane`` names the lane of events without a key; ``describe(confidence, flags)`` gives each item's
    extra tooltip line; ``label_of(key, label)`` what a lane header says. ``cache`` holds the items made
    last time and is refilled with those made now.
    """
    previous = dict(cache) if cache is not None else {}
    if cache is not None:
        cache.clear()
    make = _Maker(rows, describe, previous, cache)
    keys = rows.lane_keys if lane_keys is None else lane_keys
    labels = rows.lane_labels if lane_labels is None else lane_labels
    grouped = rows.grouping is not LaneGrouping.NONE or lane_keys is not None
    if not grouped:
        return [make(index, "") for index in range(len(rows))]
    names = _unique_names(labels, label_of, no_lane)
    members: dict[LaneKey, list[int]] = defaultdict(list)
    lonely: list[int] = []
    for index, event_keys in enumerate(keys):
        if not event_keys:
            lonely.append(index)
        for key in event_keys:
            members[key].append(index)
    items = [make(index, names[key]) for key, _label in labels for index in members.get(key, ())]
    items.extend(make(index, no_lane) for index in lonely)
    return items


def _unique_names(
    labels: Sequence[tuple[LaneKey, str]], label_of: Callable[[LaneKey, str], str] | None, no_lane: str
) -> dict[LaneKey, str]:
    """Lane names as the headers say them (an empty one is ``no_lane``, as for the events without a
    category); two entities of one name get their ids added."""
    names = {
        key: (label_of(key, label) if label_of is not None else label) or no_lane for key, label in labels
    }
    counts: dict[str, int] = defaultdict(int)
    for name in names.values():
        counts[name] += 1
    return {key: (f"{name} (#{key})" if counts[name] > 1 else name) for key, name in names.items()}


class _Maker:
    """Makes the item of row ``index`` in a lane, or takes the one made last time for the same values."""

    def __init__(
        self,
        rows: TimelineRows,
        describe: Callable[[Confidence, int], str] | None,
        previous: ItemCache,
        cache: ItemCache | None,
    ) -> None:
        self.rows, self.describe, self.previous, self.cache = rows, describe, previous, cache

    def __call__(self, index: int, lane: str) -> TimelineItem:
        rows = self.rows
        key = (
            rows.ids[index],
            rows.titles[index],
            lane,
            rows.earliest[index],
            rows.latest[index],
            rows.certain_start[index],
            rows.certain_end[index],
            rows.flags[index],
            rows.evidence_count[index],
            rows.confidence[index].value,  # plain values only: the cycle collector then ignores the key
        )
        item = self.previous.get(key)
        if item is None:
            item = _item(rows, index, lane, self.describe)
        if self.cache is not None:
            self.cache[key] = item
        return item


def _item(
    rows: TimelineRows, index: int, lane: str, describe: Callable[[Confidence, int], str] | None
) -> TimelineItem:
    earliest = rows.earliest[index]
    latest = rows.latest[index]
    latest = None if latest is None else latest + 1
    certain = _certain(rows.certain_start[index], rows.certain_end[index], earliest, latest)
    flags = rows.flags[index]
    from app.core.timeline_layout import TimelineItem

    return TimelineItem(
        rows.ids[index],
        rows.titles[index],
        lane,
        earliest,
        latest,
        certain[0],
        certain[1],
        bool(flags & _HAS_END),
        bool(flags & (_APPROXIMATE | _UNCERTAIN)),
        bool(flags & _DISPUTED),
        None,
        rows.evidence_count[index],
        describe(rows.confidence[index], flags) if describe is not None else None,
    )


def _certain(
    first: int | None, last: int | None, earliest: int | None, latest: int | None
) -> tuple[int | None, int | None]:
    """The certain span, half-open and inside the possible range (or nothing)."""
    if first is None or last is None:
        return None, None
    last += 1
    if earliest is not None:
        first = max(first, earliest)
    if latest is not None:
        last = min(last, latest)
    return (first, last) if first <= last else (None, None)


def lanes_by_source(
    event_ids: Sequence[int], sources_of: Mapping[int, Sequence[int]], titles: Mapping[int, str]
) -> tuple[list[tuple[LaneKey, ...]], list[tuple[LaneKey, str]]]:
    """Lane keys (source ids) of each event and the lanes' labels, by title, from the sources each event
    quotes (``sources_of``) and the sources' titles."""
    keys: list[tuple[LaneKey, ...]] = [tuple(sources_of.get(event_id, ())) for event_id in event_ids]
    used = {key for event_keys in keys for key in event_keys}
    labels: list[tuple[LaneKey, str]] = sorted(
        ((key, titles.get(int(key), "")) for key in used), key=lambda pair: (pair[1].casefold(), pair[0])
    )
    return keys, labels


def overridden(flags: int) -> bool:
    return bool(flags & _OVERRIDDEN)


def uncertain(flags: int) -> bool:
    return bool(flags & _UNCERTAIN)
