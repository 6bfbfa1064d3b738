"""The chart's data: the app's timeline layout of the report's events, cut into printable pages."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import numpy as np

from app.core.event_records import EventFlag, LaneGrouping, TimelineRows
from app.core.records import Confidence
from app.core.timeline_layout import NO_GROUPING, layout_lanes
from app.export.chart_data import (
    NO_LANE,
    chart_layout,
    chart_pages,
    compact_numbers,
    row_groups,
    time_windows,
    timeline_items,
    visible_rows,
)
from app.store import CaseStore
from tests.export.casefile import Built

DAY = 86_400


def epoch(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp())


def rows(
    events: list[tuple[int | None, int | None, int]],
    grouping: LaneGrouping = LaneGrouping.NONE,
    lanes: list[tuple[str, ...]] | None = None,
) -> TimelineRows:
    count = len(events)
    keys = lanes or [()] * count
    labels = tuple((key, f"lane {key}") for key in dict.fromkeys(k for ks in keys for k in ks))
    return TimelineRows(
        grouping=grouping,
        ids=tuple(range(1, count + 1)),
        titles=tuple(f"event {n}" for n in range(1, count + 1)),
        lane_keys=tuple(keys),
        earliest=tuple(e for e, _l, _f in events),
        latest=tuple(last for _e, last, _f in events),
        certain_start=(None,) * count,
        certain_end=(None,) * count,
        flags=tuple(f for _e, _l, f in events),
        confidence=(Confidence.UNKNOWN,) * count,
        evidence_count=(0,) * count,
        lane_labels=labels,
    )


def day(*parts: int) -> tuple[int, int, int]:
    start = epoch(*parts)
    return start, start + DAY - 1, 0


def test_items_are_half_open_as_the_layout_wants() -> None:
    start = epoch(2023, 7, 31)
    items = timeline_items(rows([(start, start + DAY - 1, int(EventFlag.DISPUTED))]))
    assert items[0].earliest == start and items[0].latest == start + DAY  # the stored latest is inclusive
    assert items[0].disputed and not items[0].has_end
    layout = layout_lanes(items, NO_GROUPING)
    assert not layout.columns.is_bar[0]  # a day is a marker, as in the app


def test_items_are_the_ones_the_app_timeline_draws(built: Built) -> None:
    """The chart must draw what the view draws: the same conversion of the store's rows."""
    from app.ui.events.timeline_items import items_from_rows

    with CaseStore.open(built.path) as store:
        for grouping in LaneGrouping:
            data = store.events.timeline_rows(grouping=grouping)
            assert timeline_items(data, no_lane="(none)") == items_from_rows(data, no_lane="(none)"), grouping


def test_lanes_follow_the_store_order_and_events_without_a_lane_come_last() -> None:
    data = rows(
        [day(2023, 1, 1), day(2023, 1, 2), day(2023, 1, 3)], LaneGrouping.ENTITY, [("b", "a"), (), ("a",)]
    )
    data = TimelineRows(**{**data.__dict__, "lane_labels": (("a", "Alpha"), ("b", "Beta"))})
    items = timeline_items(data)
    assert [(item.id, item.lane) for item in items] == [(1, "Alpha"), (3, "Alpha"), (1, "Beta"), (2, NO_LANE)]
    _items, layout = chart_layout(data)
    assert [lane.name for lane in layout.lanes] == ["Alpha", "Beta", NO_LANE]


WIDTH, LINK = 700.0, 30.0  # a plot's width and the least distance at which marks read apart


def test_a_crowded_stretch_gets_a_period_and_a_lone_event_none() -> None:
    data = rows([day(2015, 3, 1), day(2023, 7, 30), day(2023, 7, 31), day(2023, 8, 2)])
    _items, layout = chart_layout(data)
    periods = time_windows(layout, WIDTH, link=LINK, max_markers=50)
    assert [period.depth for period in periods] == [0, 1]
    whole, busy = periods
    assert whole.start < epoch(2015, 3, 1) and whole.end > epoch(2023, 8, 3)
    assert epoch(2023, 7, 29) < busy.start <= epoch(2023, 7, 30) and epoch(2023, 8, 3) <= busy.end
    assert busy.end - busy.start < 6 * DAY  # a busy week is printed at a week's scale, whole days in it


def test_two_close_events_read_as_a_pair_without_a_period() -> None:
    _items, layout = chart_layout(rows([day(2015, 3, 1), day(2023, 7, 30), day(2023, 7, 31)]))
    assert len(time_windows(layout, WIDTH, link=LINK, max_markers=50)) == 1


def test_a_big_case_gets_about_as_many_periods_as_cutting_by_count_would() -> None:
    start = epoch(2018, 1, 1)
    rng = np.random.default_rng(7)
    times = np.sort(start + rng.exponential(20_000, 1000).cumsum()).astype(int)  # bursts and lulls
    _items, layout = chart_layout(rows([(int(t), int(t), 0) for t in times]))
    periods = time_windows(layout, WIDTH, link=LINK, max_markers=80)
    assert 1 + 1000 / 80 <= len(periods) <= 1 + 1.5 * 1000 / 80 + 1
    assert periods[0].depth == 0 and all(p.depth >= 1 for p in periods[1:])


def test_coarse_dates_are_bars_where_they_are_never_a_period_of_their_own() -> None:
    c2019 = (epoch(2018, 1, 1), epoch(2021, 1, 1) - 1, int(EventFlag.APPROXIMATE))  # "2019~"
    march = (epoch(2023, 3, 1), epoch(2023, 4, 1) - 1, 0)
    data = rows([day(2017, 12, 22), c2019, march, day(2023, 8, 2)])
    _items, layout = chart_layout(data)
    assert [period.depth for period in time_windows(layout, WIDTH, link=LINK, max_markers=50)] == [0]


def test_zooms_nest_until_the_marks_stand_apart() -> None:
    """Months apart, then hours apart: a period for the months, and inside it one for the day."""
    start = epoch(2023, 8, 1)
    hours = [(start + hour * 3600, start + hour * 3600, 0) for hour in (6, 9, 14)]
    data = rows([day(2010, 1, 1), day(2023, 3, 1), day(2023, 5, 1), *hours])
    _items, layout = chart_layout(data)
    periods = time_windows(layout, WIDTH, link=LINK, max_markers=50)
    assert [period.depth for period in periods] == [0, 1, 2]
    assert periods[1].start <= epoch(2023, 3, 1) and periods[1].end >= start + 14 * 3600
    assert start + 5 * 3600 < periods[2].start and periods[2].end < start + 15 * 3600


def test_evenly_busy_periods_are_cut_by_count_never_through_one_instant() -> None:
    start = epoch(2023, 1, 1)
    events = [(start + n * DAY, start + n * DAY + DAY - 1, 0) for n in range(30)] * 2  # two per day
    _items, layout = chart_layout(rows(events))
    periods = time_windows(layout, WIDTH, link=LINK, max_markers=10)[1:]
    anchors = layout.columns.anchor
    counts = [int(((anchors >= p.start) & (anchors < p.end)).sum()) for p in periods]
    assert sum(counts) == 60 and max(counts) <= 10
    assert all(count % 2 == 0 for count in counts)  # the two events of a day stay together
    assert all(a.end == b.start for a, b in itertools.pairwise(periods))  # contiguous


def test_panels_share_a_page_while_they_fit() -> None:
    data = rows([day(2015, 3, 1), day(2023, 7, 30), day(2023, 7, 31), day(2023, 8, 1)])
    _items, layout = chart_layout(data)
    pages = chart_pages(layout, width=WIDTH, link=LINK, max_markers=50, room=40, header=3)
    assert len(pages) == 1 and [panel.overview for panel in pages[0].panels] == [True, False]
    assert [(panel.window, panel.windows) for panel in pages[0].panels] == [(-1, 1), (0, 1)]
    assert pages[0].height == 2 * (3 + 1.5)  # header and marker row, twice
    tight = chart_pages(layout, width=WIDTH, link=LINK, max_markers=50, room=5, header=3)
    assert [len(page.panels) for page in tight] == [1, 1]


def test_row_groups_keep_lanes_whole_when_they_fit() -> None:
    keys = [("a",)] * 13 + [("b",)] * 2
    start = epoch(2023, 1, 1)
    events = [(start, start + 30 * DAY, int(EventFlag.HAS_END))] * 13 + [day(2023, 1, 5)] * 2
    _items, layout = chart_layout(rows(events, LaneGrouping.TAG, keys))
    assert [lane.rows for lane in layout.lanes] == [12, 1]  # 13 overlapping bars: 12 rows, one overflows
    shown = tuple(range(13))
    assert row_groups(layout, shown, 20) == [shown]
    assert row_groups(layout, shown, 12) == [shown[:12], (12,)]
    assert row_groups(layout, shown, 5) == [(0, 1, 2, 3, 4), (5, 6, 7, 8, 9), (10, 11, 12)]
    assert np.any(layout.overflow)


def test_pages_leave_out_rows_that_would_be_blank() -> None:
    long_bar = (epoch(2020, 1, 1), epoch(2020, 12, 31), int(EventFlag.HAS_END))
    events = [long_bar, long_bar, day(2020, 6, 1), day(2023, 6, 1)]
    _items, layout = chart_layout(rows(events, LaneGrouping.TAG, [("a",), ("a",), ("a",), ("b",)]))
    assert [(lane.first_row, lane.rows) for lane in layout.lanes] == [(0, 3), (3, 1)]  # markers, two bars
    assert visible_rows(layout, epoch(2020, 1, 1), epoch(2021, 1, 1)) == (0, 1, 2, 3)  # lane b shows, empty
    assert visible_rows(layout, epoch(2023, 1, 1), epoch(2024, 1, 1)) == (0, 3)  # lane a shows, empty
    pages = chart_pages(layout, width=WIDTH, link=LINK, max_markers=50, room=20, header=3)
    assert [panel.rows for page in pages for panel in page.panels] == [(0, 1, 2, 3)]  # nothing crowded


def test_compact_numbers() -> None:
    assert compact_numbers([5, 3, 4, 9, 12, 13]) == "3–5, 9, 12–13"
    assert compact_numbers(list(range(1, 40, 2)), limit=3) == "1, 3, 5, …"
