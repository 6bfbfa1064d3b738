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

import gc
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from app.core.event_records import DAY_SECONDS, EventFlag, LaneGrouping, LaneKey, TimelineRows
from app.core.records import Confidence

if TYPE_CHECKING:  # numpy comes with the timeline's layout: loaded with the first case, not the window
    from app.core.timeline_layout import TimelineItem

NO_GROUPING = "none"  # app.core.timeline_layout.NO_GROUPING


class Grouping(StrEnum):
    """What the timeline's lanes are: the store's own ``LaneGrouping``, in the order the menus list them."""

    NONE = "none"
    CATEGORY = "category"
    CONFIDENCE = "confidence"
    ENTITY = "entity"
    TAG = "tag"
    SOURCE = "source"

    @property
    def store_grouping(self) -> LaneGrouping:
        return LaneGrouping(self.value)

    @property
    def widget_grouping(self) -> str:
        return NO_GROUPING if self is Grouping.NONE else "lane"


_HAS_END, _APPROXIMATE, _UNCERTAIN = (
    int(EventFlag.HAS_END),
    int(EventFlag.APPROXIMATE),
    int(EventFlag.UNCERTAIN),
)
_DISPUTED, _OVERRIDDEN = int(EventFlag.DISPUTED), int(EventFlag.CONFIDENCE_OVERRIDDEN)
_APPROXIMATE_OR_UNCERTAIN = _APPROXIMATE | _UNCERTAIN


ItemCache = dict[tuple[object, ...], "TimelineItem"]


def items_from_rows(
    rows: TimelineRows,
    *,
    cache: ItemCache | None = None,
    no_lane: str = "",
    describe: Callable[[Confidence, int], str] | None = None,
    label_of: Callable[[LaneKey, str], str] | None = None,
    max_lanes: int | None = None,
    other_lanes: Callable[[int], str] | None = None,
) -> list[TimelineItem]:
    """Items for ``rows``, lane by lane (see the module docstring).

    ``no_lane`` names the lane of events without a key; ``describe(confidence, flags)`` gives each item's
    extra tooltip line; ``label_of(key, label)`` what a lane header says. ``cache`` holds the items made
    last time and is refilled with those made now.

    With more than ``max_lanes`` lanes (a thousand sources, four hundred entities) the busiest
    ``max_lanes - 1`` keep their own and the rest share one, ``other_lanes(count)`` (an event once in it):
    a lane a pixel high says nothing, and each lane costs the view its own drawing items.
    """
    previous = dict(cache) if cache is not None else {}
    if cache is not None:
        cache.clear()
    make = _Maker(rows, describe, previous, cache)
    keys, labels = rows.lane_keys, rows.lane_labels
    grouped = rows.grouping is not LaneGrouping.NONE
    if not grouped:
        return [make(record, "") for record in make.records]
    names = _unique_names(labels, label_of, no_lane)
    members: dict[LaneKey, list[int]] = defaultdict(list)
    lonely: list[int] = []
    for index, event_keys in enumerate(keys):
        if not event_keys:
            lonely.append(index)
        for key in event_keys:
            members[key].append(index)
    records = make.records
    shown, rest = _busiest(labels, members, max_lanes)
    items = [make(records[index], names[key]) for key, _label in shown for index in members.get(key, ())]
    if rest:
        other = other_lanes(len(rest)) if other_lanes is not None else f"+{len(rest)}"
        once = sorted({index for key in rest for index in members.get(key, ())})
        items.extend(make(records[index], other) for index in once)
    items.extend(make(records[index], no_lane) for index in lonely)
    return items


def _busiest(
    labels: Sequence[tuple[LaneKey, str]], members: dict[LaneKey, list[int]], max_lanes: int | None
) -> tuple[list[tuple[LaneKey, str]], list[LaneKey]]:
    """The lanes shown on their own (in label order) and the keys merged into one other lane."""
    used = [label for label in labels if members.get(label[0])]
    if max_lanes is None or len(used) <= max_lanes:
        return list(labels), []
    ranked = sorted(used, key=lambda label: -len(members[label[0]]))  # stable: label order among equals
    kept = {key for key, _name in ranked[: max_lanes - 1]}
    return [label for label in used if label[0] in kept], [key for key, _name in used if key not in kept]


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
    """Makes the item of row ``index`` in a lane, or takes the one made last time for the same values.

    Kept lean (columns and the item class bound once, tooltip lines made once per kind): it runs
    100,000 times when a large case opens.
    """

    def __init__(
        self,
        rows: TimelineRows,
        describe: Callable[[Confidence, int], str] | None,
        previous: ItemCache,
        cache: ItemCache | None,
    ) -> None:
        from app.core.timeline_layout import TimelineItem

        self.item_class = TimelineItem
        self.records = list(
            zip(
                rows.ids,
                rows.titles,
                rows.earliest,
                rows.latest,
                rows.certain_start,
                rows.certain_end,
                rows.flags,
                rows.evidence_count,
                rows.confidence,
                strict=True,
            )
        )
        self.sequence = _sequence(rows)
        self.describe, self.previous, self.cache = describe, previous, cache
        self.lines: dict[tuple[Confidence, int], str | None] = {}

    def __call__(self, record: tuple[Any, ...], lane: str) -> TimelineItem:
        """``record`` is one row of the columns: id, title, earliest, latest, certain span, flags,
        evidence count, confidence."""
        event_id, title, earliest, latest, first, last, flags, evidence, level = record
        key: tuple[object, ...] = ()
        cache = self.cache
        sequence = self.sequence.get(event_id) if self.sequence else None
        if cache is not None:
            key = (
                event_id,
                title,
                lane,
                earliest,
                latest,
                first,
                last,
                flags,
                evidence,
                level.value,
                sequence,
            )
            found = self.previous.get(key)
            if found is not None:
                cache[key] = found
                return found
        if latest is not None:
            latest += 1
        if first is not None and last is not None:
            first, last = _certain(first, last, earliest, latest)
        else:
            first = last = None
        line = self.lines.get((level, flags), "")
        if line == "":
            line = self.lines[level, flags] = (
                self.describe(level, flags) if self.describe is not None else None
            )
        item = self.item_class(
            event_id,
            title,
            lane,
            earliest,
            latest,
            first,
            last,
            bool(flags & _HAS_END),
            bool(flags & _APPROXIMATE_OR_UNCERTAIN),
            bool(flags & _DISPUTED),
            None,
            evidence,
            line,
            sequence,
        )
        if cache is not None:
            cache[key] = item
        return item


def _sequence(rows: TimelineRows) -> dict[int, float]:
    """Where the markers of events put in order within a day sit in that day: the n ordered events of a
    day spread evenly across it, in their order (``TimelineItem.sequence``)."""
    ordered = [
        (event_id, position, earliest)
        for event_id, position, earliest in zip(rows.ids, rows.same_day_order, rows.earliest, strict=False)
        if position is not None and earliest is not None
    ]
    if not ordered:
        return {}
    last: dict[int, int] = defaultdict(int)
    for _event_id, position, earliest in ordered:
        day = earliest // DAY_SECONDS
        last[day] = max(last[day], position)
    return {
        event_id: position / (last[earliest // DAY_SECONDS] + 1) for event_id, position, earliest in ordered
    }


def _certain(
    first: int, last: int, earliest: int | None, latest: int | None
) -> tuple[int | None, int | None]:
    """The certain span, half-open (``last`` is inclusive) and inside the possible range (or nothing)."""
    last += 1
    if earliest is not None:
        first = max(first, earliest)
    if latest is not None:
        last = min(last, latest)
    return (first, last) if first <= last else (None, None)


@contextmanager
def collector_paused(*, keep: bool = False) -> Iterator[None]:
    """Pause Python's cycle collector while 100,000 objects are made at once (rows, items, the timeline's
    layout): each full collection it would start meanwhile walks everything alive, which more than doubles
    the time. Nothing made here forms a cycle, so nothing waits for the collector.

    With ``keep`` what is alive at the end is moved out of the collector's way (``gc.freeze``, as after a
    case opens): otherwise the first collection after the pause walks every new item at once - 50-70 ms
    holding the GIL, which the GUI thread then waits for. Frozen objects are still freed by reference
    counting when the items are replaced.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        if was_enabled:
            gc.enable()


def overridden(flags: int) -> bool:
    return bool(flags & _OVERRIDDEN)


def uncertain(flags: int) -> bool:
    return bool(flags & _UNCERTAIN)
