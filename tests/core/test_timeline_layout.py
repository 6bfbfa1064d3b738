"""Timeline layout: packing, ordering under uncertainty, time-zone ticks, clustering, labels, histogram."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, tzinfo
from itertools import pairwise
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.timeline_layout import (
    MAX_TIME,
    MIN_TIME,
    NO_GROUPING,
    Order,
    TimelineItem,
    TimeUnit,
    axis_ticks,
    cluster_markers,
    declutter_labels,
    definitely_before,
    histogram,
    layout_lanes,
    pack_bars,
    relative_order,
    time_columns,
    time_domain,
    time_order,
    to_local,
    wall_to_utc,
)

JERUSALEM = ZoneInfo("Asia/Jerusalem")
NEW_YORK = ZoneInfo("America/New_York")
DAY = 86_400.0
HOUR = 3_600.0


def at(*parts: int, tz: tzinfo = UTC) -> float:
    return datetime(*parts, tzinfo=tz).timestamp()  # type: ignore[misc]


def item(
    id: int,
    earliest: float | None,
    latest: float | None = None,
    *,
    lane: str = "A",
    has_end: bool = False,
    certain: tuple[float, float] | None = None,
) -> TimelineItem:
    return TimelineItem(
        id=id,
        title=f"event {id}",
        lane=lane,
        earliest=earliest,
        latest=earliest if latest is None and earliest is not None else latest,
        certain_start=certain[0] if certain else None,
        certain_end=certain[1] if certain else None,
        has_end=has_end,
        approximate=False,
        disputed=False,
        colour=None,
    )


def day(year: int, month: int, dom: int) -> TimelineItem:
    return item(0, at(year, month, dom), at(year, month, dom) + DAY)


# --- the model ------------------------------------------------------------------------------------------


def test_an_item_refuses_impossible_times() -> None:
    with pytest.raises(ValueError, match="earliest is after latest"):
        item(1, 10.0, 5.0)
    with pytest.raises(ValueError, match="inside the possible range"):
        item(1, 10.0, 20.0, certain=(5.0, 15.0))
    with pytest.raises(ValueError, match="both ends"):
        TimelineItem(1, "x", "A", 0.0, 1.0, 0.5, None, True, False, False, None)


def test_points_of_a_day_or_finer_are_markers_and_everything_else_is_a_bar() -> None:
    items = [
        item(1, at(2023, 7, 31, 10, 20)),  # exact instant
        item(2, at(2023, 7, 31), at(2023, 8, 1)),  # "31 July 2023"
        item(3, at(2023, 7, 1), at(2023, 8, 1)),  # "July 2023": a bar over the month
        item(4, at(2023, 7, 31), at(2023, 8, 3), has_end=True, certain=(at(2023, 7, 31), at(2023, 8, 3))),
        item(5, None, at(2019, 1, 1)),  # "before 2019"
        item(6, at(2023, 7, 31), at(2023, 7, 31), has_end=True),  # a duration, even if zero long
        item(7, None, None),  # nothing known: cannot be placed
    ]
    columns = time_columns(items)
    assert columns.is_bar.tolist() == [False, False, True, True, True, True, False]
    assert columns.placed.tolist() == [True] * 6 + [False]
    assert columns.anchor[1] == at(2023, 7, 31, 12)  # a marker sits mid-range
    assert columns.earliest[4] == -np.inf and columns.anchor[4] == at(2019, 1, 1)
    assert np.isnan(columns.certain_start[0]) and columns.certain_end[3] == at(2023, 8, 3)
    assert time_domain(columns) == (at(2019, 1, 1), at(2023, 8, 3))


def test_ordering_never_invents_an_order_the_dates_do_not_give() -> None:
    july, first_august = item(1, at(2023, 7, 1), at(2023, 8, 1)), day(2023, 8, 1)
    assert definitely_before(july, first_august)  # half-open: July ends where 1 August starts
    assert relative_order(first_august, july) is Order.AFTER
    thirty_first = day(2023, 7, 31)
    assert not definitely_before(july, thirty_first) and not definitely_before(thirty_first, july)
    assert relative_order(july, thirty_first) is Order.UNORDERED  # the 31st is inside July
    noon, noon_too = item(2, at(2023, 7, 31, 12)), item(3, at(2023, 7, 31, 12))
    assert relative_order(noon, noon_too) is Order.UNORDERED  # the same instant is not "before"
    assert not definitely_before(noon, day(2023, 7, 31))  # an instant at the start of a day
    before_2019 = item(4, None, at(2019, 1, 1))
    assert definitely_before(before_2019, july)
    assert relative_order(before_2019, item(5, at(2015, 1, 1), None)) is Order.UNORDERED  # both open


def test_time_order_reads_by_earliest_then_latest_then_id_and_skips_the_unplaced() -> None:
    items = [
        item(30, at(2023, 1, 1), at(2023, 2, 1)),
        item(10, at(2023, 1, 1), at(2023, 1, 2)),
        item(20, None, None),
        item(40, None, at(2000, 1, 1)),
        item(5, at(2023, 1, 1), at(2023, 1, 2)),
    ]
    columns = time_columns(items)
    order = time_order(columns, [entry.id for entry in items])
    assert [items[i].id for i in order] == [40, 5, 10, 30]


def test_events_put_in_order_within_a_day_sit_across_it_in_that_order() -> None:
    start = at(2023, 7, 31)
    items = [
        dataclasses.replace(item(1, start, start + DAY), sequence=2 / 3),
        dataclasses.replace(item(2, start, start + DAY), sequence=1 / 3),
        item(3, start, start + DAY),
    ]
    columns = time_columns(items)
    assert list(columns.anchor) == [start + DAY * 2 / 3, start + DAY / 3, start + DAY / 2]
    assert not columns.is_bar.any(), "still markers within their possible range"
    assert [items[i].id for i in time_order(columns, [entry.id for entry in items])] == [2, 3, 1]


# --- lanes and packing ----------------------------------------------------------------------------------


def test_lanes_come_in_order_of_first_appearance_with_markers_on_top() -> None:
    items = [
        item(1, at(2023, 1, 1), lane="Flights"),
        item(2, at(2023, 1, 1), at(2023, 3, 1), lane="Money", has_end=True),
        item(3, at(2023, 2, 1), at(2023, 4, 1), lane="Money", has_end=True),  # overlaps 2
        item(4, at(2023, 3, 1), at(2023, 5, 1), lane="Money", has_end=True),  # starts where 2 ends
        item(5, at(2023, 1, 5), lane="Money"),
        item(6, None, None, lane="Nowhere"),
    ]
    layout = layout_lanes(items, "Source")
    assert [(lane.name, lane.first_row, lane.rows, lane.has_markers) for lane in layout.lanes] == [
        ("Flights", 0, 1, True),
        ("Money", 1, 3, True),
    ]
    assert layout.lane.tolist() == [0, 1, 1, 1, 1, -1]
    assert layout.row.tolist() == [0, 2, 3, 2, 1, -1]  # 4 reuses 2's row: touching is not overlapping
    assert layout.total_rows == 4 and not layout.overflow.any()
    assert [members.tolist() for members in layout.members] == [[0], [1, 2, 3, 4]]


def test_a_lane_of_undated_events_gets_no_lane_and_the_rest_are_numbered_without_gaps() -> None:
    items = [
        item(1, None, None, lane="Undated"),
        item(2, 0.0, lane="Dated"),
        item(3, None, None, lane="Dated"),
    ]
    layout = layout_lanes(items)
    assert [lane.name for lane in layout.lanes] == ["Dated"]
    assert layout.lane.tolist() == [-1, 0, -1] and layout.row.tolist() == [-1, 0, -1]
    assert [members.tolist() for members in layout.members] == [[1]]


def test_no_grouping_puts_everything_in_one_lane() -> None:
    items = [item(1, 0.0, lane="A"), item(2, 5.0, lane="B"), item(3, 0.0, 10.0 * DAY, lane="C")]
    layout = layout_lanes(items, NO_GROUPING)
    assert len(layout.lanes) == 1 and layout.lanes[0].rows == 2
    assert layout.row.tolist() == [0, 0, 1]


def test_a_lane_of_bars_only_has_no_marker_row() -> None:
    layout = layout_lanes([item(1, 0.0, 10.0, has_end=True), item(2, 5.0, 20.0, has_end=True)])
    assert layout.lanes[0].rows == 2 and not layout.lanes[0].has_markers
    assert sorted(layout.row.tolist()) == [0, 1]


def test_rows_stop_growing_at_the_limit_and_the_rest_overflow() -> None:
    starts = np.zeros(5)
    ends = np.arange(1.0, 6.0)
    rows, overflow = pack_bars(starts, ends, max_rows=3)
    assert rows.max() == 2 and overflow.sum() == 2


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 100), st.integers(0, 30)), min_size=1, max_size=60))
def test_packed_bars_never_overlap_in_a_row_and_use_as_few_rows_as_the_densest_moment(
    spans: list[tuple[int, int]],
) -> None:
    starts = np.array([float(s) for s, _ in spans])
    ends = starts + np.array([float(length) for _, length in spans])
    rows, overflow = pack_bars(starts, ends, max_rows=1000)
    assert not overflow.any()
    for row in set(rows.tolist()):
        members = np.flatnonzero(rows == row)
        order = members[np.argsort(starts[members])]
        following, before = order[1:], order[:-1]
        assert np.all(starts[following] >= ends[before])
        assert not np.any((starts[following] == starts[before]) & (ends[before] == starts[before]))
    holds = [(starts <= s) & ((ends > s) | ((starts == s) & (ends == s))) for s in starts.tolist()]
    depth = max(int(np.sum(h)) for h in holds)
    assert rows.max() + 1 == max(depth, 1)  # interval graphs: greedy by start is optimal


# --- axis ticks -----------------------------------------------------------------------------------------


def assert_ticks_are_at_their_wall_times(ticks: list, tz: tzinfo) -> None:
    times = [tick.time for tick in ticks]
    assert times == sorted(set(times)), "ticks must be strictly increasing"
    for tick in ticks:
        local = datetime.fromtimestamp(tick.time, tz)
        assert local.replace(tzinfo=None) == tick.local.replace(fold=0)
        assert local.fold == tick.local.fold


def test_hour_ticks_skip_the_hour_jerusalem_springs_over() -> None:
    # Israel moved its clocks from 02:00 to 03:00 on Friday 24 March 2023.
    ticks = axis_ticks(at(2023, 3, 23, 20), at(2023, 3, 24, 4), 800, JERUSALEM, min_spacing_px=60)
    assert_ticks_are_at_their_wall_times(ticks, JERUSALEM)
    assert {tick.unit for tick in ticks} == {TimeUnit.HOUR}
    hours = [tick.local.hour for tick in ticks]
    assert hours == [22, 23, 0, 1, 3, 4, 5, 6, 7]
    assert [tick.major for tick in ticks].count(True) == 1 and ticks[2].major  # midnight
    assert ticks[4].time - ticks[3].time == HOUR  # 01:00 → 03:00 is one real hour


def test_hour_ticks_show_the_repeated_hour_twice_when_jerusalem_falls_back() -> None:
    # Israel moved its clocks from 02:00 back to 01:00 on Sunday 29 October 2023.
    ticks = axis_ticks(at(2023, 10, 28, 21), at(2023, 10, 29, 2), 400, JERUSALEM, min_spacing_px=60)
    assert_ticks_are_at_their_wall_times(ticks, JERUSALEM)
    labels = [(tick.local.hour, tick.local.fold) for tick in ticks]
    assert labels == [(0, 0), (1, 0), (1, 1), (2, 0), (3, 0), (4, 0)]
    assert ticks[2].time - ticks[1].time == HOUR


def test_day_ticks_stay_on_local_midnight_across_daylight_saving() -> None:
    for tz, change in ((JERUSALEM, (2023, 3, 24)), (NEW_YORK, (2023, 3, 12)), (NEW_YORK, (2023, 11, 5))):
        middle = at(*change, tz=tz)
        ticks = axis_ticks(middle - 5 * DAY, middle + 5 * DAY, 1000, tz)
        assert_ticks_are_at_their_wall_times(ticks, tz)
        assert {tick.unit for tick in ticks} == {TimeUnit.DAY} and ticks[0].step == 1
        assert all(tick.local.time() == datetime.min.time() for tick in ticks)
        gaps = {tick.time - before.time for before, tick in pairwise(ticks)}
        assert gaps == {DAY, DAY + (HOUR if change[1] == 11 else -HOUR)}  # one 23- or 25-hour day


def test_new_york_minutes_through_both_changes() -> None:
    spring = axis_ticks(at(2023, 3, 12, 6), at(2023, 3, 12, 8), 1000, NEW_YORK)  # 01:00-04:00 local
    assert_ticks_are_at_their_wall_times(spring, NEW_YORK)
    assert spring[0].unit is TimeUnit.MINUTE and spring[0].step == 10
    assert not any(tick.local.hour == 2 for tick in spring)  # 02:xx never happened
    autumn = axis_ticks(at(2023, 11, 5, 4, 30), at(2023, 11, 5, 7, 30), 1200, NEW_YORK)
    assert_ticks_are_at_their_wall_times(autumn, NEW_YORK)
    repeated = [tick for tick in autumn if tick.local.hour == 1]
    assert len(repeated) == 2 * len({tick.local for tick in repeated})  # each 01:xx twice
    assert [tick.local.fold for tick in repeated] == sorted(tick.local.fold for tick in repeated)


def test_the_display_zone_changes_labels_not_instants() -> None:
    start, end = at(2023, 7, 1), at(2023, 7, 8)
    utc = axis_ticks(start, end, 1000, UTC)
    jerusalem = axis_ticks(start, end, 1000, JERUSALEM)
    assert [tick.local.day for tick in utc][:2] == [1, 2]
    assert [tick.time for tick in jerusalem][:2] == [
        at(2023, 7, 2, tz=JERUSALEM),
        at(2023, 7, 3, tz=JERUSALEM),
    ]
    assert all(tick.local.hour == 0 for tick in jerusalem)


YEAR = 365.2425 * DAY


@pytest.mark.parametrize(
    ("span", "unit", "step"),
    [
        (8000 * YEAR, TimeUnit.YEAR, 1000),
        (3000 * YEAR, TimeUnit.YEAR, 500),
        (1200 * YEAR, TimeUnit.YEAR, 100),
        (120 * YEAR, TimeUnit.YEAR, 10),
        (12 * YEAR, TimeUnit.YEAR, 1),
        (6 * YEAR, TimeUnit.MONTH, 6),
        (2 * YEAR, TimeUnit.MONTH, 3),
        (0.5 * YEAR, TimeUnit.MONTH, 1),
        (20 * DAY, TimeUnit.DAY, 2),
        (3 * DAY, TimeUnit.HOUR, 6),
        (10 * HOUR, TimeUnit.HOUR, 1),
        (3 * HOUR, TimeUnit.MINUTE, 15),
        (10 * 60, TimeUnit.MINUTE, 1),
    ],
)
def test_units_adapt_from_millennia_to_minutes(span: float, unit: TimeUnit, step: int) -> None:
    start = at(1000, 1, 1) if span > 100 * YEAR else at(2023, 7, 31, 9)
    ticks = axis_ticks(start, start + span, 1000, JERUSALEM)
    assert (ticks[0].unit, ticks[0].step) == (unit, step)
    assert 3 <= len(ticks) <= 1000 / 80 + 2
    assert_ticks_are_at_their_wall_times(ticks, JERUSALEM)


def test_year_ticks_are_round_and_majors_every_ten_steps() -> None:
    ticks = axis_ticks(at(1000, 1, 1), at(2100, 1, 1), 1000, UTC)
    assert [tick.local.year for tick in ticks] == list(range(1000, 2101, 100))
    assert [tick.local.year for tick in ticks if tick.major] == [1000, 2000]
    decades = axis_ticks(at(1955, 1, 1), at(2030, 1, 1), 1000, UTC)
    assert [tick.local.year for tick in decades if tick.major] == [2000]
    fives = axis_ticks(at(1985, 1, 1), at(2031, 1, 1), 1000, UTC)
    assert fives[0].step == 5 and [tick.local.year for tick in fives if tick.major] == [
        1990,
        2000,
        2010,
        2020,
        2030,
    ]


def test_month_ticks_mark_new_years_as_major() -> None:
    ticks = axis_ticks(at(2022, 10, 1), at(2023, 6, 1), 1000, JERUSALEM)
    assert ticks[0].unit is TimeUnit.MONTH
    assert [tick.local.month for tick in ticks if tick.major] == [1]


def test_ticks_clamp_to_what_a_calendar_can_label() -> None:
    assert axis_ticks(-1e13, 1e13, 1000, UTC)  # far beyond year 1..9999: still ticks, no overflow
    assert at(1, 1, 1) < MIN_TIME < at(1, 1, 3)
    assert at(9999, 12, 1) < MAX_TIME < at(9999, 12, 31)
    assert to_local(MIN_TIME, JERUSALEM).year == 1
    assert axis_ticks(10.0, 5.0, 1000, UTC) == []


def test_a_skipped_wall_time_has_no_instant() -> None:
    assert wall_to_utc(datetime(2023, 3, 24, 2, 30), JERUSALEM) is None
    assert wall_to_utc(datetime(2023, 10, 29, 1, 30), JERUSALEM) == at(2023, 10, 28, 22, 30)  # summer
    assert wall_to_utc(datetime(2023, 10, 29, 1, 30), JERUSALEM, fold=1) == at(2023, 10, 28, 23, 30)
    assert wall_to_utc(datetime(2023, 7, 1, 1, 30), JERUSALEM, fold=1) is None  # not repeated


# --- clustering -----------------------------------------------------------------------------------------


def drawn_gaps(clusters, pps: float) -> np.ndarray:  # type: ignore[no-untyped-def]
    same_lane = clusters.lane[1:] == clusters.lane[:-1]
    return (np.diff(clusters.time) * pps)[same_lane]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 1e9), st.integers(0, 3)), min_size=1, max_size=300),
    st.floats(1e-8, 1.0),
)
def test_clusters_conserve_every_marker_and_keep_drawn_positions_apart(
    points: list[tuple[float, int]], pps: float
) -> None:
    times = np.array([t for t, _ in points])
    lanes = np.array([lane for _, lane in points])
    clusters = cluster_markers(times, lanes, pps, 30.0)
    assert clusters.count.sum() == len(times)
    members = np.concatenate([clusters.members(k) for k in range(len(clusters))])
    assert sorted(members.tolist()) == list(range(len(times)))
    for k in range(len(clusters)):
        inside = clusters.members(k)
        assert set(lanes[inside].tolist()) == {clusters.lane[k]}
        assert times[inside].min() == clusters.first[k] and times[inside].max() == clusters.last[k]
    assert np.all(drawn_gaps(clusters, pps) >= 30.0 - 1e-6)


def test_a_dense_stretch_is_one_badge_zoomed_out_and_splits_as_you_zoom_in() -> None:
    start = at(2023, 8, 1, 10)
    burst = start + np.arange(12) * 600.0  # twelve events ten minutes apart
    lanes = np.zeros(12, np.int64)
    year_view = cluster_markers(burst, lanes, 1000 / YEAR, 30)
    assert year_view.count.tolist() == [12]
    counts = [
        len(cluster_markers(burst, lanes, 1000 / span, 30)) for span in (30 * DAY, DAY, 6 * HOUR, 2 * HOUR)
    ]
    assert counts == sorted(counts) and counts[0] < counts[-1] == 12


def test_clusters_do_not_move_when_the_view_pans() -> None:
    rng = np.random.default_rng(7)
    times = np.sort(rng.uniform(0, 1e8, 2000))
    lanes = np.zeros(2000, np.int64)
    whole = cluster_markers(times, lanes, 1e-5, 30)
    window = (times > 3e7) & (times < 6e7)
    part = cluster_markers(times[window], lanes[window], 1e-5, 30)
    inner = (part.first > 3.2e7) & (part.last < 5.8e7)  # away from the window's cut edges
    assert set(part.time[inner].tolist()) <= set(whole.time.tolist())


def test_unsorted_input_clusters_like_sorted() -> None:
    rng = np.random.default_rng(3)
    times, lanes = rng.uniform(0, 1e7, 500), rng.integers(0, 3, 500)
    shuffled = cluster_markers(times, lanes, 1e-4, 25)
    order = np.lexsort((times, lanes))
    tidy = cluster_markers(times[order], lanes[order], 1e-4, 25)
    assert shuffled.count.tolist() == tidy.count.tolist()
    assert np.array_equal(times[shuffled.order], times[order][tidy.order])
    assert len(cluster_markers(np.zeros(0), np.zeros(0, np.int64), 1.0, 10)) == 0


# --- labels and histogram -------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 1000), st.floats(1, 200), st.integers(0, 2), st.integers(0, 3), st.booleans()),
        max_size=80,
    )
)
def test_kept_labels_never_overlap_and_every_dropped_one_had_to_go(
    labels: list[tuple[float, float, int, int, bool]],
) -> None:
    starts = np.array([x for x, *_ in labels])
    widths = np.array([w for _, w, *_ in labels])
    rows = np.array([r for _, _, r, *_ in labels], np.int64)
    priority = np.array([p for *_, p, _ in labels], np.float64)
    fixed = np.array([f for *_, f in labels], np.bool_)
    keep = declutter_labels(starts, widths, rows, priority, fixed=fixed, gap=4.0)
    assert np.all(keep[fixed])

    def clash(a: int, b: int) -> bool:
        return bool(
            rows[a] == rows[b]
            and starts[a] < starts[b] + widths[b] + 4
            and starts[b] < starts[a] + widths[a] + 4
        )

    kept = np.flatnonzero(keep).tolist()
    for a in kept:
        for b in kept:
            if a < b and not (fixed[a] and fixed[b]):
                assert not clash(a, b), "two drawn labels overlap"
    for dropped in np.flatnonzero(~keep).tolist():
        assert any(clash(dropped, other) for other in kept), "a label was dropped for nothing"


def test_higher_priority_labels_win_and_rows_do_not_interfere() -> None:
    keep = declutter_labels([0, 50, 50], [100, 100, 100], rows=[0, 0, 1], priority=[0, 5, 0])
    assert keep.tolist() == [False, True, True]
    keep = declutter_labels([0, 10, 200], [100, 20, 10], fixed=[False, True, False])
    assert keep.tolist() == [False, True, True]
    assert declutter_labels([], []).tolist() == []


def test_histogram_counts_every_finite_time_once() -> None:
    times = np.array([0.0, 1.0, 2.0, 2.5, 10.0, np.inf, -np.inf, np.nan])
    edges, counts = histogram(times, 5)
    assert counts.sum() == 5 and len(edges) == 6 and edges[0] == 0.0 and edges[-1] == 10.0
    edges, counts = histogram(times, 2, span=(0.0, 4.0))
    assert counts.tolist() == [2, 2]
    _, empty = histogram(np.array([np.inf]), 3)
    assert empty.tolist() == [0, 0, 0]
