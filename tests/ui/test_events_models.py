"""The events table model, the timeline items and the words and links of events, on real case files."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.core.dates import parse
from app.core.event_records import EventFilter, EventLink, LaneGrouping, TimelineRows, case_key, parse_link
from app.core.records import Change, ChangeKind, Confidence, Stance
from app.store import CaseStore
from app.store.events import NewEvidence
from app.ui.events.formatting import event_date_text, in_zone, isolate, sentence_around
from app.ui.events.source_dates import SourceDatesModel
from app.ui.events.table_model import PAGE_SIZE, Column, EventsTableModel
from app.ui.events.timeline_items import Grouping, items_from_rows
from app.ui.store_bridge import StoreBridge
from tests.conftest import AddText

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

HEBREW = "ב-31 ביולי 2023 נחת המטוס בפיונגיאנג. המשלחת חזרה ב-2 באוגוסט 2023."
ARABIC = "هبطت الطائرة في بيونغ يانغ يوم 1 أغسطس 2023. وقالت مصادر إن الصناديق حُمّلت."


def epoch(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp())  # type: ignore[misc]


@pytest.fixture
def events_case(store: CaseStore, add_text: AddText) -> CaseStore:
    """Eight events: Hebrew and Arabic titles, a range, an approximate year, an undated and a disputed one."""
    hebrew = add_text(HEBREW, title="מבט גלובלי", language="he", published="2023-08-02")
    arabic = add_text(ARABIC, title="مرصد الملاحة", language="ar", published="2023-08-02")
    events = store.events
    landed = events.create(
        "המטוס נחת בפיונגיאנג",
        "2023-07-31",
        category="Flight",
        evidence=[NewEvidence(hebrew, 0, HEBREW.index(".") + 1)],
    ).object_id
    assert landed is not None
    events.create("هبطت الطائرة", "2023-08-01", category="Flight", evidence=[NewEvidence(arabic, 0, 45)])
    events.create("Delegation in Pyongyang", "2023-07-31", "2023-08-02", category="Meeting")
    events.create("Aircraft bought", "2019~", category="Payment")
    events.create("Refuelling in Irkutsk", "2023-08-01T03:10+08:00", category="Flight")
    events.create("Crates loaded", "2023-08")
    events.create("Undated rumour")
    disputed = events.create("Return flight", "2023-08-02").object_id
    assert disputed is not None
    start = HEBREW.index("המשלחת")
    events.link_evidence(disputed, hebrew, start, len(HEBREW), stance=Stance.CONTRADICTS)
    return store


def column(model: EventsTableModel, which: Column) -> list[str]:
    return [model.data(model.index(row, int(which))) for row in range(model.rowCount())]


def test_the_table_model_passes_the_model_tester(
    events_case: CaseStore, qtmodeltester: ModelTester, qtbot: QtBot
) -> None:
    bridge = StoreBridge(events_case)
    model = EventsTableModel()
    model.set_store(events_case, bridge)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 8 and model.columnCount() == len(Column)
    assert column(model, Column.TITLE)[:2] == ["Aircraft bought", "המטוס נחת בפיונגיאנג"]
    assert column(model, Column.TITLE)[-1] == "Undated rumour", "undated events come last"
    dates = dict(zip(column(model, Column.TITLE), column(model, Column.DATE), strict=True))
    assert dates["Aircraft bought"] == "c. 2019"
    assert dates["Crates loaded"] == "August 2023"
    assert dates["Delegation in Pyongyang"] == "31 July 2023 – 2 August 2023"
    assert dates["Refuelling in Irkutsk"] == "31 July 2023, 19:10 (UTC)", "shown in the display zone, UTC"
    assert dates["Undated rumour"] == ""
    disputed = dict(zip(column(model, Column.TITLE), column(model, Column.DISPUTED), strict=True))
    assert disputed["Return flight"] == "disputed" and disputed["Aircraft bought"] == ""
    row = column(model, Column.TITLE).index("Return flight")
    assert model.data(model.index(row, int(Column.DISPUTED)), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(row, int(Column.EVIDENCE))) == "1"
    bridge.detach()


def test_sorting_and_filtering_are_queries_and_keep_the_selection(
    events_case: CaseStore, qtmodeltester: ModelTester
) -> None:
    model = EventsTableModel()
    model.set_store(events_case, None)
    qtmodeltester.check(model, force_py=True)
    landed_row = column(model, Column.TITLE).index("המטוס נחת בפיונגיאנג")
    kept = model.index(landed_row, 0)
    from PySide6.QtCore import QPersistentModelIndex

    persistent = QPersistentModelIndex(kept)
    model.sort(int(Column.TITLE), Qt.SortOrder.AscendingOrder)
    assert column(model, Column.TITLE)[0] == "Aircraft bought"
    assert model.data(model.index(persistent.row(), int(Column.TITLE))) == "המטוס נחת בפיונגיאנג"
    model.sort(int(Column.DISPUTED), Qt.SortOrder.AscendingOrder)
    assert column(model, Column.TITLE)[0] == "Return flight", "disputed first"
    model.sort(int(Column.PARTICIPANTS), Qt.SortOrder.AscendingOrder)
    assert model.sort_order() == (Column.DISPUTED, False), "participants do not sort"
    model.sort(int(Column.DATE))
    model.set_filter(EventFilter(disputed_only=True))
    assert column(model, Column.TITLE) == ["Return flight"]
    model.set_filter(EventFilter(text="פיונגיאנג"))
    assert column(model, Column.TITLE) == ["המטוס נחת בפיונגיאנג"]
    model.set_filter(EventFilter(earliest=epoch(2023, 8, 1), latest=epoch(2023, 8, 1, 23, 59, 59)))
    assert set(column(model, Column.TITLE)) == {"هبطت الطائرة", "Delegation in Pyongyang", "Crates loaded"}
    # 03:10 in Irkutsk (UTC+8) on 1 August is 31 July in UTC: outside the day


def test_changes_insert_remove_and_refresh_only_their_rows(
    events_case: CaseStore, qtmodeltester: ModelTester, qtbot: QtBot
) -> None:
    bridge = StoreBridge(events_case)
    model = EventsTableModel()
    model.set_store(events_case, bridge)
    qtmodeltester.check(model, force_py=True)
    column(model, Column.TITLE)  # every row fetched
    events = events_case.events
    with qtbot.waitSignal(model.rowsInserted, timeout=3000) as inserted:
        made = events.create("Second landing", "2023-07-31T23:00")
    assert inserted.args[1] == inserted.args[2] == column(model, Column.TITLE).index("Second landing")
    assert made.object_id is not None
    with qtbot.waitSignal(model.dataChanged, timeout=3000) as changed:
        events.update(made.object_id, {"title": "Second landing (corrected)"})
    row = column(model, Column.TITLE).index("Second landing (corrected)")
    assert changed.args[0].row() == changed.args[1].row() == row
    with qtbot.waitSignal(model.rowsRemoved, timeout=3000):
        events.revert(made)
    assert "Second landing (corrected)" not in column(model, Column.TITLE)
    model.set_filter(EventFilter(disputed_only=True))
    returned = model.event_id_at(0)
    with qtbot.waitSignal(model.rowsRemoved, timeout=3000):
        edit = events.update_evidence(events.get(returned).evidence[0].id, {"stance": "supports"})
    assert model.rowCount() == 0, "an event that no longer matches the filter leaves it"
    with qtbot.waitSignal(model.rowsInserted, timeout=3000):
        events.revert(edit)
    assert column(model, Column.TITLE) == ["Return flight"]
    bridge.detach()


def test_in_the_background_the_rows_shown_stay_until_the_new_ones_arrive(
    events_case: CaseStore, qtmodeltester: ModelTester, qtbot: QtBot
) -> None:
    model = EventsTableModel()
    model.background = True
    with qtbot.waitSignal(model.ids_changed, timeout=3000):
        model.set_store(events_case, None)
    assert model.rowCount() == 8
    qtmodeltester.check(model, force_py=True)
    model.set_filter(EventFilter(disputed_only=True))
    assert model.is_loading() and model.rowCount() == 8, "the rows shown stay while the query runs"
    model.set_filter(EventFilter(text="Delegation"))  # typed on: only the last filter's ids are shown
    with qtbot.waitSignal(model.ids_changed, timeout=3000):
        pass
    model.wait()
    assert column(model, Column.TITLE) == ["Delegation in Pyongyang"]
    model.set_store(None, None)
    assert model.rowCount() == 0


def test_rows_are_fetched_a_page_at_a_time(store: CaseStore, qtmodeltester: ModelTester) -> None:
    for number in range(PAGE_SIZE * 2 + 10):
        store.events.create(f"Event {number}", f"2020-01-{number % 28 + 1:02d}")
    model = EventsTableModel()
    fetched: list[int] = []
    model.rows_fetched.connect(fetched.append)
    model.set_store(store, None)
    assert model.rowCount() == PAGE_SIZE * 2 + 10 and fetched == []
    model.data(model.index(PAGE_SIZE + 3, int(Column.TITLE)))
    assert fetched == [PAGE_SIZE]
    model.data(model.index(PAGE_SIZE + 4, int(Column.DATE)))
    assert fetched == [PAGE_SIZE], "the rest of the page was fetched with it"
    qtmodeltester.check(model, force_py=True)


def test_the_display_zone_moves_times_with_a_known_offset_only(events_case: CaseStore, qtbot: QtBot) -> None:
    model = EventsTableModel()
    model.set_store(events_case, None)
    with qtbot.waitSignal(model.dataChanged, timeout=1000):
        model.set_timezone(ZoneInfo("Asia/Jerusalem"))
    dates = dict(zip(column(model, Column.TITLE), column(model, Column.DATE), strict=True))
    assert dates["Refuelling in Irkutsk"] == "31 July 2023, 22:10 (UTC+3)"
    assert dates["המטוס נחת בפיונגיאנג"] == "31 July 2023", "a day has no zone to move it by"
    assert events_case.events.get(
        model.event_id_at(column(model, Column.TITLE).index("Refuelling in Irkutsk"))
    ).start_edtf == ("2023-08-01T03:10+08:00"), "nothing stored changes"


# --- timeline items ---------------------------------------------------------------------------------------


def test_timeline_items_use_half_open_ranges_and_lanes_in_label_order(events_case: CaseStore) -> None:
    rows = events_case.events.timeline_rows()
    items = {item.title: item for item in items_from_rows(rows)}
    day = items["המטוס נחת בפיונגיאנג"]
    assert (day.earliest, day.latest) == (epoch(2023, 7, 31), epoch(2023, 8, 1)), "latest is exclusive"
    span = items["Delegation in Pyongyang"]
    assert span.has_end and (span.certain_start, span.certain_end) == (epoch(2023, 7, 31), epoch(2023, 8, 3))
    assert items["Aircraft bought"].approximate and not items["Aircraft bought"].has_end
    assert items["Return flight"].disputed and not items["המטוס נחת בפיונגיאנג"].disputed
    assert items["Undated rumour"].earliest is None and items["Undated rumour"].latest is None
    by_category = items_from_rows(
        events_case.events.timeline_rows(grouping=LaneGrouping.CATEGORY), no_lane="(no category)"
    )
    lanes = list(dict.fromkeys(item.lane for item in by_category))
    assert lanes == ["Flight", "Meeting", "Payment", "(no category)"]
    assert Grouping.SOURCE.store_grouping is LaneGrouping.SOURCE


def test_lanes_by_source_put_an_event_in_each_source_it_quotes(events_case: CaseStore) -> None:
    rows = events_case.events.timeline_rows(grouping=LaneGrouping.SOURCE)
    items = items_from_rows(rows, no_lane="(no quote)")
    lanes = list(dict.fromkeys(item.lane for item in items))
    assert lanes == ["מבט גלובלי", "مرصد الملاحة", "(no quote)"]
    assert len(items) == len(rows), "each event quotes one source here"


def test_past_the_most_lanes_the_least_busy_share_one() -> None:
    keys = [(1,), (1,), (1, 2), (2,), (3, 2), (3, 4), (4,), ()]  # lanes 1 and 2: 3 events, 3 and 4: 2
    rows = TimelineRows(
        grouping=LaneGrouping.SOURCE,
        ids=tuple(range(1, 9)),
        titles=tuple(f"E{n}" for n in range(1, 9)),
        lane_keys=tuple(keys),
        earliest=(epoch(2023, 7, 31),) * 8,
        latest=(epoch(2023, 8, 1) - 1,) * 8,
        certain_start=(None,) * 8,
        certain_end=(None,) * 8,
        flags=(0,) * 8,
        confidence=(Confidence.UNKNOWN,) * 8,
        evidence_count=(1,) * 8,
        lane_labels=((4, "Delta"), (2, "Beta"), (1, "Alpha"), (3, "Gamma")),
    )
    every = items_from_rows(rows, no_lane="(no quote)")
    assert list(dict.fromkeys(item.lane for item in every)) == [
        "Delta",
        "Beta",
        "Alpha",
        "Gamma",
        "(no quote)",
    ]
    items = items_from_rows(rows, no_lane="(no quote)", max_lanes=3, other_lanes=lambda n: f"{n} others")
    lanes: dict[str, list[int]] = {}
    for item in items:
        lanes.setdefault(item.lane, []).append(item.id)
    assert list(lanes) == ["Beta", "Alpha", "2 others", "(no quote)"], "the busiest, in label order"
    assert lanes["2 others"] == [5, 6, 7], "an event in two merged lanes is there once"
    assert lanes["Alpha"] == [1, 2, 3] and lanes["(no quote)"] == [8]


# --- words, dates and links ---------------------------------------------------------------------------------


def test_the_sentence_around_a_date() -> None:
    text = "Il-62M ready. On 31.07.2023 the Il-62M landed in Pyongyang. Then it left."
    start = text.index("31.07.2023")
    first, last = sentence_around(text, start, start + 10)
    assert text[first:last] == "On 31.07.2023 the Il-62M landed in Pyongyang."
    start = HEBREW.index("2 באוגוסט")
    first, last = sentence_around(HEBREW, start, start + 9)
    assert HEBREW[first:last] == "המשלחת חזרה ב-2 באוגוסט 2023."
    lines = "כותרת\nב-31 ביולי 2023 נחת המטוס\nשורה אחרת"
    start = lines.index("31")
    first, last = sentence_around(lines, start, start + 2)
    assert lines[first:last] == "ב-31 ביולי 2023 נחת המטוס", "a line break ends a sentence too"
    wrapped = (
        "PRESS STATEMENT\n\nTaiga Meridian Airlines confirms that on 1 August 2023 its Il-62M aircraft\n"
        "operated a charter flight from Moscow to Pyongyang, with a technical stop in Irkutsk, on behalf\n"
        "of a government delegation. The aircraft returned to Moscow on 2 August 2023.\n\nMedia contact"
    )
    start = wrapped.index("1 August")
    first, last = sentence_around(wrapped, start, start + 8)
    assert wrapped[first:last].startswith("Taiga Meridian") and wrapped[first:last].endswith("delegation.")
    assert "\n" in wrapped[first:last], "in hard-wrapped text a single line break does not end a sentence"


def test_event_dates_read_at_their_precision_in_the_display_zone() -> None:
    assert event_date_text("2023-07-31", None) == "31 July 2023"
    assert event_date_text("2023-07-31", None, language="he") == "31 ביולי 2023"
    assert event_date_text("2019-05/2019-08", None) == "May – Aug 2019"
    assert event_date_text("../2018", None) == "2018 or earlier"
    assert event_date_text(None, None) == ""
    assert event_date_text("2023-08-01T03:10+08:00", None, ZoneInfo("UTC")) == "31 July 2023, 19:10 (UTC)"
    point = parse("2023-07-31T23:30:15Z").points[0]
    moved = in_zone(point, ZoneInfo("Asia/Tokyo"))
    assert (moved.day, moved.hour, moved.minute, moved.second, moved.tz_offset_minutes) == (1, 8, 30, 15, 540)
    floating = parse("2023-07-31T23:30").points[0]
    assert in_zone(floating, ZoneInfo("Asia/Tokyo")) == floating, "a time without a zone stays put"


def test_event_links_round_trip() -> None:
    link = EventLink("Demo case.threadline", 12)
    assert link.url() == "threadline://case/Demo%20case.threadline/event/12"
    assert parse_link(link.url()) == link
    hebrew = EventLink("טיסות Il-62M.threadline", 3)
    assert parse_link(hebrew.url()) == hebrew
    assert parse_link("https://example.com/event/3") is None
    assert parse_link("threadline://case/x.threadline/source/3") is None
    keyed = EventLink(
        "טיסות Il-62M.threadline", 3, case_key(datetime(2026, 11, 25, 9, 30, 1, 250, tzinfo=UTC))
    )
    assert keyed.url().endswith(f"/event/3?case={keyed.case_key}") and len(keyed.case_key) == 12
    assert parse_link(keyed.url()) == keyed and parse_link(keyed.url() + "x") is None
    assert keyed.names_case("renamed.threadline", keyed.case_key), "the key, not the name, decides"
    assert not keyed.names_case(keyed.case_name, "0" * 12)
    assert link.names_case("Demo case.threadline", "anything") and not link.names_case("other", "")
    assert isolate("מבט") == "\u2068מבט\u2069" and isolate("Ledger") == "Ledger"


def test_the_dates_list_model_passes_the_model_tester(
    store: CaseStore, add_text: AddText, qtmodeltester: ModelTester
) -> None:
    source = add_text(HEBREW + " אתמול נפגשו.", title="t", language="he")  # "yesterday": no reference date
    model = SourceDatesModel()
    model.set_dates(store.events.dates_in(source))
    qtmodeltester.check(model, force_py=True)
    written = [model.data(model.index(row, SourceDatesModel.WRITTEN)) for row in range(model.rowCount())]
    assert written == ["31 ביולי 2023", "2 באוגוסט 2023", "אתמול"]
    assert model.data(model.index(0, SourceDatesModel.READING)) == "31 July 2023"
    assert model.data(model.index(0, SourceDatesModel.ACTION)) == "+ Event"
    unresolved = model.index(2, SourceDatesModel.ACTION)
    assert model.data(unresolved) == "" and not model.flags(unresolved) & Qt.ItemFlag.ItemIsEnabled
    assert model.rowCount(model.index(0, 0)) == 0


def test_changes_of_other_objects_are_ignored(events_case: CaseStore) -> None:
    model = EventsTableModel()
    model.set_store(events_case, None)
    model._on_change(Change(ChangeKind.ADDED, "source", (1,)))
    assert not model.has_pending_changes()
