"""Events, evidence, participants, tags, notes and dates found in sources, in real case files on disk."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from app.core.dates import parse
from app.core.errors import Cancelled, InvalidValue, NotFound
from app.core.event_records import (
    EventEdit,
    EventFilter,
    EventFlag,
    EventOrder,
    EventSortKey,
    LaneGrouping,
)
from app.core.progress import CancelToken, ProgressUpdate
from app.core.records import Change, ChangeKind, Confidence, Extraction, SourceKind, SourceMetadata, Stance
from app.core.textnorm import normalize_text
from app.store import CaseStore, schema
from app.store.events import (
    NewEvidence,
    NewParticipant,
    find_dates,
    record_dates,
    source_reliability_changed,
)
from app.store.models import Source
from app.store.models_events import SourceDateScan

AddText = Callable[..., int]
FIXTURES = Path(__file__).parent / "fixtures"

WIRE = "On 31 July 2023 the Il-62M landed in Pyongyang. Sergei Shoigu met Kim Jong Un the next day."
DENIAL = "The ministry denied that any aircraft landed in Pyongyang in July 2023."
# "The plane landed in Pyongyang on 31 July 2023", with niqqud on the first word
HEBREW = normalize_text("הַמָּטוֹס נחת בפיונגיאנג ב-31 ביולי 2023. שויגו נפגש עם קים.")
EVENT_TABLES = ("events", "event_derived", "evidence", "event_entities", "taggings", "tags", "notes")


def epoch(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp())  # type: ignore[misc]


def span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def dump(case_path: Path, *tables: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables, sorted: what "exactly as before" is compared on."""
    with sqlite3.connect(case_path) as raw:
        return {table: sorted(raw.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in tables}


def forget_dates(store: CaseStore) -> None:
    with sqlite3.connect(store.path) as raw:
        raw.execute("DELETE FROM source_date_scans")
        raw.execute("DELETE FROM source_dates")


def audit_actions(store: CaseStore, limit: int = 50) -> list[str]:
    return [record.action for record in store.audit_log(limit=limit)]


@pytest.fixture
def sources(add_text: AddText) -> dict[str, int]:
    return {
        "wire": add_text(WIRE, title="Wire", published="2023-08-01", language="en"),
        "denial": add_text(DENIAL, title="Statement", published="2023-08-02", language="en"),
        "he": add_text(HEBREW, title="ידיעה", published="2023-08-01", language="he"),
    }


@pytest.fixture
def changes(store: CaseStore) -> list[Change]:
    seen: list[Change] = []
    store.subscribe(seen.append)
    return seen


@pytest.fixture
def shoigu(store: CaseStore) -> int:
    return store.entities.add("person", "Sergei Shoigu", ["Shoigu", "שויגו"]).id


def landing(store: CaseStore, sources: dict[str, int], **kwargs: Any) -> int:
    start, end = span(WIRE, "the Il-62M landed in Pyongyang")
    edit = store.events.create(
        "Il-62M lands in Pyongyang",
        "2023-07-31",
        evidence=[NewEvidence(sources["wire"], start, end, credibility=2)],
        **kwargs,
    )
    assert edit.object_id is not None
    return edit.object_id


# --- creating, reading, deleting ----------------------------------------------------------------------------


def test_create_with_evidence_participants_and_tags(
    store: CaseStore, sources: dict[str, int], shoigu: int, changes: list[Change]
) -> None:
    start, end = span(WIRE, "Sergei Shoigu met Kim Jong Un the next day")
    edit = store.events.create(
        "  Shoigu meets Kim ",
        "2023-08-01",
        description="Met at the **airport**.",
        category="Meeting",
        evidence=[NewEvidence(sources["wire"], start, end, credibility=3, note="wire copy")],
        participants=[NewParticipant(shoigu, "guest")],
        tags=["Delegations", "  North  Korea ", "delegations"],
    )
    event = store.events.get(edit.object_id or 0)
    assert (event.title, event.category, event.description) == (
        "Shoigu meets Kim",
        "Meeting",
        "Met at the **airport**.",
    )
    assert event.start == parse("2023-08-01") and event.end is None and event.start_edtf == "2023-08-01"
    assert (event.earliest, event.latest) == (epoch(2023, 8, 1), epoch(2023, 8, 2) - 1)
    [quote] = event.evidence
    assert quote.quote == WIRE[start:end] and quote.source_title == "Wire" and quote.page is None
    assert (quote.stance, quote.credibility, quote.note, quote.grade) == (
        Stance.SUPPORTS,
        3,
        "wire copy",
        "F3",
    )
    assert [(p.entity_id, p.name, p.type_key, p.role) for p in event.participants] == [
        (shoigu, "Sergei Shoigu", "person", "guest")
    ]
    assert [tag.name for tag in event.tags] == ["Delegations", "North Korea"]
    assert event.confidence is event.suggested_confidence is Confidence.POSSIBLE  # F3 = 0.36
    assert not event.confidence_overridden and not event.disputed
    assert audit_actions(store)[0] == "create event"
    assert Change(ChangeKind.ADDED, "event", (event.id,)) in changes
    assert Change(ChangeKind.ADDED, "evidence", (quote.id,)) in changes


def test_create_undo_redo_restores_exactly_the_same_rows(
    store: CaseStore, case_path: Path, sources: dict[str, int], shoigu: int, changes: list[Change]
) -> None:
    empty = dump(case_path, *EVENT_TABLES)
    edit = store.events.create(
        "Landing",
        "2023-07-31",
        evidence=[NewEvidence(sources["wire"], 3, 15)],
        participants=[shoigu],
        tags=["New"],
    )
    created = dump(case_path, *EVENT_TABLES)
    undone = store.events.revert(edit)
    assert undone.action == "undo create event"
    assert dump(case_path, *EVENT_TABLES) == empty  # the tag it made went with it
    assert Change(ChangeKind.REMOVED, "event", (edit.object_id,)) in changes
    store.events.reapply(edit)
    redone = dump(case_path, *EVENT_TABLES)
    assert _without_timestamps(redone) == _without_timestamps(created)
    assert audit_actions(store)[:3] == ["redo create event", "undo create event", "create event"]


def _without_timestamps(tables: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """events.updated_at moves with every change, undo included; everything else must be identical."""
    copy = dict(tables)
    copy["events"] = [row[:-1] for row in tables["events"]]
    return copy


def test_delete_and_restore_bring_back_everything_with_the_same_ids(
    store: CaseStore, case_path: Path, sources: dict[str, int], shoigu: int, changes: list[Change]
) -> None:
    event_id = landing(store, sources, participants=[NewParticipant(shoigu, "passenger")], tags=["Flights"])
    store.events.link_evidence(event_id, sources["denial"], *span(DENIAL, "denied"), stance="contradicts")
    store.events.add_note(event_id, "Check the **flight radar**.")
    before = dump(case_path, *EVENT_TABLES)
    changes.clear()
    deletion = store.events.delete(event_id)
    after_delete = dump(case_path, *EVENT_TABLES)
    assert not after_delete["events"] and not after_delete["evidence"] and not after_delete["notes"]
    assert after_delete["tags"] == before["tags"]  # tags are the case's vocabulary: they stay
    assert changes[0] == Change(ChangeKind.REMOVED, "event", (event_id,))
    assert changes[1].kind is ChangeKind.REMOVED and changes[1].object_type == "evidence"
    with pytest.raises(NotFound):
        store.events.get(event_id)
    store.events.restore(deletion)
    assert _without_timestamps(dump(case_path, *EVENT_TABLES)) == _without_timestamps(before)
    assert store.events.get(event_id).disputed
    assert audit_actions(store)[:2] == ["undo delete event", "delete event"]


def test_bad_input_writes_nothing(store: CaseStore, case_path: Path, sources: dict[str, int]) -> None:
    before = dump(case_path, *EVENT_TABLES, "audit_log")
    wire = sources["wire"]
    bad_calls: list[tuple[Callable[[], object], str]] = [
        (lambda: store.events.create("x", "2023-13-45"), "no month 13"),
        (lambda: store.events.create("x", "31 July 2023"), "not a date"),
        (lambda: store.events.create("x", "2023-08-02", "2023-07-31"), "before it starts"),
        (lambda: store.events.create("x", None, "2023"), "needs a start"),
        (lambda: store.events.create("   ", "2023"), "needs a title"),
        (lambda: store.events.create("x", "2023", evidence=[NewEvidence(wire, 10, 5)]), "is empty"),
        (
            lambda: store.events.create("x", "2023", evidence=[NewEvidence(wire, 0, len(WIRE) + 1)]),
            "outside the source's text",
        ),
        (lambda: store.events.create("x", "2023", evidence=[NewEvidence(wire, -1, 4)]), "outside"),
        (
            lambda: store.events.create("x", "2023", evidence=[NewEvidence(wire, 0, 2, credibility=7)]),
            "1 to 6",
        ),
        (
            lambda: store.events.create("x", "2023", evidence=[NewEvidence(wire, 0, 2, credibility=0)]),
            "1 to 6",
        ),
        (
            lambda: store.events.create("x", "2023", evidence=[NewEvidence(wire, 0, 2, stance="agrees")]),
            "supports",
        ),
        (
            lambda: store.events.create("x", "2023", evidence=[NewEvidence(wire, 0, 2, quote="Xy")]),
            "not the quote",
        ),
        (lambda: store.events.create("x", "2023", evidence=[NewEvidence(999, 0, 2)]), "no source #999"),
        (lambda: store.events.create("x", "2023", participants=[999]), "no entity #999"),
        (lambda: store.events.create("x", "2023", tags=[" "]), "tag needs a name"),
    ]
    for call, message in bad_calls:
        with pytest.raises((InvalidValue, NotFound), match=message):
            call()
    assert dump(case_path, *EVENT_TABLES, "audit_log") == before


def test_day_first_input_is_accepted_and_stored_as_edtf(store: CaseStore) -> None:
    edit = store.events.create("x", "31.07.2023", parse("2023-08-02"))
    event = store.events.get(edit.object_id or 0)
    assert (event.start_edtf, event.end_edtf) == ("2023-07-31", "2023-08-02")


# --- fields --------------------------------------------------------------------------------------------


def test_update_fields_recomputes_bounds_and_undo_puts_them_back(
    store: CaseStore, sources: dict[str, int], changes: list[Change]
) -> None:
    event_id = landing(store, sources)
    edit = store.events.update(
        event_id,
        {"title": "Arrival", "start": "2023-07~", "end": "2023-09", "category": "Flight", "description": "d"},
    )
    event = store.events.get(event_id)
    assert (event.title, event.start_edtf, event.end_edtf, event.category) == (
        "Arrival",
        "2023-07~",
        "2023-09",
        "Flight",
    )
    assert (event.earliest, event.latest) == (epoch(2023, 6, 1), epoch(2023, 10, 1) - 1)
    assert event.updated_at > event.created_at
    assert Change(ChangeKind.UPDATED, "event", (event_id,)) in changes
    record = store.audit_log(limit=1)[0]
    assert record.action == "edit event" and record.object_id == event_id
    assert record.before is not None and record.before["fields"][0]["title"] == "Il-62M lands in Pyongyang"
    store.events.revert(edit)
    event = store.events.get(event_id)
    assert (event.title, event.start_edtf, event.end_edtf, event.category) == (
        "Il-62M lands in Pyongyang",
        "2023-07-31",
        None,
        "",
    )
    assert (event.earliest, event.latest) == (epoch(2023, 7, 31), epoch(2023, 8, 1) - 1)
    assert not store.events.update(event_id, {"title": "Il-62M lands in Pyongyang"}).changed
    with pytest.raises(InvalidValue, match="cannot be edited: confidence"):
        store.events.update(event_id, {"confidence": "confirmed"})
    with pytest.raises(InvalidValue, match="before it starts"):
        store.events.update(event_id, {"end": "2023-07-01"})
    with pytest.raises(NotFound):
        store.events.update(999, {"title": "x"})


def test_same_day_order(store: CaseStore, changes: list[Change]) -> None:
    ids = [store.events.create(f"E{n}", "2023-07-31").object_id or 0 for n in range(3)]
    timed = store.events.create("At noon", "2023-07-31T12:00").object_id or 0
    next_day = store.events.create("Next day", "2023-08-01").object_id or 0
    month = store.events.create("July", "2023-07").object_id or 0
    assert store.events.event_ids() == [month, *ids, timed, next_day]
    edit = store.events.set_same_day_order([timed, ids[2], ids[0], ids[1]])
    assert store.events.event_ids() == [month, timed, ids[2], ids[0], ids[1], next_day]
    undated = store.events.create("Undated", None).object_id or 0
    before = store.events.create("Before", "../2023-07-31").object_id or 0
    # a filter on other columns is sorted in Python, not by the index: the same order either way
    everything = EventFilter(categories=frozenset({""}))
    assert store.events.event_ids(everything) == [
        before,
        month,
        timed,
        ids[2],
        ids[0],
        ids[1],
        next_day,
        undated,
    ]
    for extra in (undated, before):
        store.events.delete(extra)
    assert [store.events.get(i).same_day_order for i in (timed, ids[2], ids[0], ids[1])] == [1, 2, 3, 4]
    assert store.events.event_ids(order=EventOrder(EventSortKey.DATE, descending=True)) == [
        next_day,
        ids[1],
        ids[0],
        ids[2],
        timed,
        month,
    ]
    for wrong in ([ids[0], next_day], [ids[0], month]):
        with pytest.raises(InvalidValue, match="one and the same day"):
            store.events.set_same_day_order(wrong)
    store.events.revert(edit)
    assert store.events.event_ids() == [month, *ids, timed, next_day]
    store.events.reapply(edit)
    moved = store.events.update(ids[2], {"start": "2023-08-05"})  # another day: its place there is gone
    assert store.events.get(ids[2]).same_day_order is None
    store.events.revert(moved)
    assert store.events.get(ids[2]).same_day_order == 2
    store.events.clear_same_day_order([timed, ids[2], ids[0], ids[1]])
    assert store.events.event_ids() == [month, *ids, timed, next_day]


def test_moving_an_event_within_its_day(store: CaseStore, changes: list[Change]) -> None:
    ids = [store.events.create(f"E{n}", "2023-07-31").object_id or 0 for n in range(3)]
    timed = store.events.create("At noon", "2023-07-31T12:00").object_id or 0
    month = store.events.create("July", "2023-07").object_id or 0
    store.events.create("Next day", "2023-08-01")
    assert store.events.same_day(ids[1]) == [*ids, timed] and store.events.same_day(month) == []
    changes.clear()
    edit = store.events.move_within_day(timed, -1)
    assert store.events.same_day(ids[0]) == [ids[0], ids[1], timed, ids[2]]
    assert [store.events.get(i).same_day_order for i in (ids[0], ids[1], timed, ids[2])] == [1, 2, 3, 4]
    assert store.events.event_ids()[1:5] == [ids[0], ids[1], timed, ids[2]], "the table's date order follows"
    assert audit_actions(store, 1) == ["order events of a day"] and changes
    rows = store.events.timeline_rows()
    order = dict(zip(rows.ids, rows.same_day_order, strict=True))
    assert (order[timed], order[ids[2]], order[month]) == (3, 4, None)
    store.events.move_within_day(ids[0], 1)
    assert store.events.same_day(timed) == [ids[1], ids[0], timed, ids[2]]
    for wrong, step in ((ids[1], -1), (ids[2], 1)):
        with pytest.raises(InvalidValue, match="first or the last"):
            store.events.move_within_day(wrong, step)
    with pytest.raises(InvalidValue, match="single day"):
        store.events.move_within_day(month, 1)
    store.events.revert(store.events.move_within_day(ids[2], -3))
    assert store.events.same_day(timed) == [ids[1], ids[0], timed, ids[2]], "undone exactly"
    store.events.revert(edit)
    assert [store.events.get(i).same_day_order for i in (*ids, timed)] == [None] * 4, "back to time order"


# --- evidence and confidence ---------------------------------------------------------------------------


def test_link_update_unlink_evidence_with_undo(
    store: CaseStore, sources: dict[str, int], changes: list[Change]
) -> None:
    event_id = landing(store, sources)
    start, end = span(DENIAL, "The ministry denied that any aircraft landed in Pyongyang")
    linked = store.events.link_evidence(
        event_id, sources["denial"], start, end, stance=Stance.CONTRADICTS, credibility=3
    )
    evidence_id = linked.object_id or 0
    assert Change(ChangeKind.ADDED, "evidence", (evidence_id,)) in changes
    event = store.events.get(event_id)
    assert event.disputed and [e.id for e in event.evidence][-1] == evidence_id
    assert event.evidence[-1].quote == DENIAL[start:end]
    with pytest.raises(InvalidValue, match="already linked"):
        store.events.link_evidence(event_id, sources["denial"], start, end)
    edited = store.events.update_evidence(evidence_id, {"stance": "context", "note": "background"})
    assert Change(ChangeKind.UPDATED, "evidence", (evidence_id,)) in changes
    assert not store.events.get(event_id).disputed
    with pytest.raises(InvalidValue, match="1 to 6"):
        store.events.update_evidence(evidence_id, {"credibility": 9})
    with pytest.raises(InvalidValue, match="cannot be edited: quote"):
        store.events.update_evidence(evidence_id, {"quote": "x"})
    store.events.revert(edited)
    assert store.events.get(event_id).evidence[-1].stance is Stance.CONTRADICTS
    unlinked = store.events.unlink_evidence(evidence_id)
    assert Change(ChangeKind.REMOVED, "evidence", (evidence_id,)) in changes
    assert not store.events.get(event_id).disputed and len(store.events.get(event_id).evidence) == 1
    store.events.revert(unlinked)
    assert store.events.get(event_id).evidence[-1].id == evidence_id and store.events.get(event_id).disputed
    with pytest.raises(NotFound):
        store.events.unlink_evidence(999)


def test_quotes_are_code_points_of_the_stored_text_and_pages_come_from_pdf_page_starts(
    store: CaseStore, sources: dict[str, int]
) -> None:
    end = span(HEBREW, "בפיונגיאנג")[1]
    edit = store.events.create(
        "נחיתה", "2023-07-31", evidence=[NewEvidence(sources["he"], 0, end, quote=HEBREW[:end])]
    )
    assert store.events.get(edit.object_id or 0).evidence[0].quote == normalize_text("הַמָּטוֹס נחת בפיונגיאנג")
    pages = "Page one text.\nPage two: the aircraft landed.\nPage three."
    pdf = Extraction(
        SourceKind.PDF, "application/pdf", pages, SourceMetadata(title="Report"), page_starts=(0, 15, 47)
    )
    pdf_id = store.add_source(b"%PDF-fake", pdf, original_filename="r.pdf").source_id
    linked = store.events.link_evidence(edit.object_id or 0, pdf_id, *span(pages, "the aircraft landed"))
    evidence = store.events.get(edit.object_id or 0).evidence
    assert [e.page for e in evidence] == [None, 2] and linked.object_id == evidence[1].id
    highlights = store.events.evidence_for_source(pdf_id)
    assert [(h.start, h.end, h.event_title) for h in highlights] == [
        (*span(pages, "the aircraft landed"), "נחיתה")
    ]
    assert store.events.evidence_for_source(sources["wire"]) == []


def test_confidence_follows_evidence_and_an_override_is_kept_and_recorded(
    store: CaseStore, sources: dict[str, int]
) -> None:
    event_id = landing(store, sources)  # F2: 0.48
    assert store.events.get(event_id).confidence is Confidence.POSSIBLE
    store.update_source(sources["wire"], {"reliability": "A"})
    store.events.refresh_derived()
    assert store.events.get(event_id).confidence is Confidence.PROBABLE  # A2
    override = store.events.set_confidence(event_id, "confirmed")
    event = store.events.get(event_id)
    assert (event.confidence, event.suggested_confidence, event.confidence_overridden) == (
        Confidence.CONFIRMED,
        Confidence.PROBABLE,
        True,
    )
    assert store.audit_log(limit=1)[0].action == "override confidence"
    store.events.link_evidence(
        event_id, sources["denial"], *span(DENIAL, "denied"), stance="contradicts", credibility=2
    )
    event = store.events.get(event_id)
    # A2 for, F2 against: 0.8 × (1 − 0.48)
    assert event.confidence is Confidence.CONFIRMED and event.suggested_confidence is Confidence.POSSIBLE
    assert event.disputed and event.assessment.contradicting_sources == 1
    [summary] = store.events.summaries([event_id])
    assert summary.confidence_overridden and summary.suggested_confidence is Confidence.POSSIBLE
    cleared = store.events.clear_confidence_override(event_id)
    assert store.events.get(event_id).confidence is Confidence.POSSIBLE
    store.events.revert(cleared)
    assert store.events.get(event_id).confidence is Confidence.CONFIRMED
    store.events.revert(override)
    event = store.events.get(event_id)
    assert not event.confidence_overridden and event.confidence is Confidence.POSSIBLE
    with pytest.raises(InvalidValue, match="Confidence is one of"):
        store.events.set_confidence(event_id, "certain")


def test_source_reliability_hook_updates_events_in_the_same_transaction(
    store: CaseStore, sources: dict[str, int]
) -> None:
    event_id = landing(store, sources)
    other = landing(store, sources)
    with store._write() as session:
        session.execute(update(Source).where(Source.id == sources["wire"]).values(reliability="A"))
        changed = source_reliability_changed(session, sources["wire"])
    assert changed == (event_id, other)
    assert store.events.get(event_id).confidence is Confidence.PROBABLE
    with store._write() as session:
        assert source_reliability_changed(session, sources["wire"]) == ()


def test_attachments_do_not_corroborate_their_parent(store: CaseStore, add_text: AddText) -> None:
    mail = add_text("Mail: the plane landed.", title="mail")
    attached = Extraction(SourceKind.TEXT, "text/plain", "The plane landed.")
    attachment = store.add_source(b"attached", attached, original_filename="a.txt", parent_id=mail).source_id
    independent = add_text("Radar: the plane landed.", title="radar")
    edit = store.events.create(
        "Landing",
        "2023",
        evidence=[NewEvidence(mail, 0, 4, credibility=2), NewEvidence(attachment, 0, 3, credibility=2)],
    )
    assert store.events.get(edit.object_id or 0).assessment.supporting_sources == 1
    store.events.link_evidence(edit.object_id or 0, independent, 0, 5, credibility=2)
    assert store.events.get(edit.object_id or 0).assessment.supporting_sources == 2


# --- participants, tags, notes -------------------------------------------------------------------------


def test_participants(store: CaseStore, sources: dict[str, int], shoigu: int) -> None:
    event_id = landing(store, sources)
    added = store.events.add_participant(event_id, shoigu, " passenger ")
    store.events.add_participant(event_id, shoigu, "minister")
    assert [(p.name, p.role) for p in store.events.get(event_id).participants] == [
        ("Sergei Shoigu", "minister"),
        ("Sergei Shoigu", "passenger"),
    ]
    with pytest.raises(InvalidValue, match="already takes part"):
        store.events.add_participant(event_id, shoigu, "passenger")
    with pytest.raises(NotFound, match="no entity #999"):
        store.events.add_participant(event_id, 999)
    with pytest.raises(NotFound, match="no event #999"):
        store.events.add_participant(999, shoigu)
    removed = store.events.remove_participant(event_id, shoigu, "minister")
    assert [p.role for p in store.events.get(event_id).participants] == ["passenger"]
    store.events.revert(removed)
    store.events.revert(added)
    assert [p.role for p in store.events.get(event_id).participants] == ["minister"]
    with pytest.raises(NotFound):
        store.events.remove_participant(event_id, shoigu, "pilot")
    assert store.entities.list_entities()[0].events == 1


def test_tags_are_shared_ignoring_case_and_undo_removes_only_a_tag_it_made(
    store: CaseStore, sources: dict[str, int], case_path: Path
) -> None:
    first, second = landing(store, sources), landing(store, sources)
    made = store.events.tag(first, "Flights")
    reused = store.events.tag(second, "flights")
    assert len(made.inserted) == 2 and len(reused.inserted) == 1  # the tag row, then the tagging
    assert [t.name for t in store.events.get(second).tags] == ["Flights"]
    with pytest.raises(InvalidValue, match="already tagged"):
        store.events.tag(first, "FLIGHTS")
    assert [t.name for t in store.events.event_tags()] == ["Flights"]
    store.events.revert(made)  # the tag is still used by the other event: it stays
    assert [t.name for t in store.events.get(second).tags] == ["Flights"] and not store.events.get(first).tags
    store.events.reapply(made)
    assert [t.name for t in store.events.get(first).tags] == ["Flights"]
    tag_id = store.events.get(first).tags[0].id
    untagged = store.events.untag(first, tag_id)
    assert not store.events.get(first).tags
    store.events.revert(untagged)
    assert store.events.get(first).tags[0].id == tag_id
    store.events.revert(reused)
    store.events.revert(made)
    assert dump(case_path, "tags", "taggings") == {"tags": [], "taggings": []}


def test_notes_have_author_and_edit_times(store: CaseStore, sources: dict[str, int]) -> None:
    event_id = landing(store, sources)
    added = store.events.add_note(event_id, "Ask the *Wire* desk.")
    note_id = added.object_id or 0
    [note] = store.events.get(event_id).notes
    assert (note.id, note.author, note.body, note.edited) == (
        note_id,
        "tester",
        "Ask the *Wire* desk.",
        False,
    )
    edited = store.events.edit_note(note_id, "Asked; no answer.")
    [note] = store.events.get(event_id).notes
    assert note.body == "Asked; no answer." and note.edited
    store.events.revert(edited)
    assert store.events.get(event_id).notes[0].body == "Ask the *Wire* desk."
    deleted = store.events.delete_note(note_id)
    assert not store.events.get(event_id).notes
    store.events.revert(deleted)
    assert store.events.get(event_id).notes[0].id == note_id
    with pytest.raises(InvalidValue, match="needs some text"):
        store.events.add_note(event_id, "  ")
    source_note = store.events.add_note(event_id, "x").object_id
    with sqlite3.connect(store.path) as raw:  # a note on a source is not an event's
        raw.execute("UPDATE notes SET event_id = NULL, source_id = 1 WHERE id = ?", (source_note,))
    with pytest.raises(NotFound, match="on an event"):
        store.events.edit_note(source_note or 0, "y")


# --- undo that the case has moved past -----------------------------------------------------------------


def test_redo_into_a_taken_id_is_refused_and_changes_nothing(
    store: CaseStore, case_path: Path, sources: dict[str, int]
) -> None:
    first = store.events.create("First", "2023")
    store.events.revert(first)
    store.events.create("Other", "2024")  # SQLite reuses the freed id
    before = dump(case_path, *EVENT_TABLES, "audit_log")
    with pytest.raises(InvalidValue, match="Cannot redo create event: the case has changed"):
        store.events.reapply(first)
    assert dump(case_path, *EVENT_TABLES, "audit_log") == before


def test_undo_of_an_edit_whose_event_is_gone_is_refused(store: CaseStore, sources: dict[str, int]) -> None:
    event_id = landing(store, sources)
    edit = store.events.update(event_id, {"title": "New"})
    store.events.delete(event_id)
    with pytest.raises(InvalidValue, match="is gone"):
        store.events.revert(edit)


# --- reading: filters, order, summaries, timeline --------------------------------------------------------


@pytest.fixture
def case_events(store: CaseStore, sources: dict[str, int], shoigu: int) -> dict[str, int]:
    events = store.events
    made = {
        "landing": landing(store, sources, participants=[shoigu], tags=["Flights"]),
        "meeting": events.create(
            "פגישה עם קים", "2023-08-01T10:00+03:00", category="Meeting", participants=[shoigu]
        ),
        "before": events.create("Talks before 2019", "../2019", category="Meeting"),
        "trip": events.create("Trip", "2023-07-30", "2023-08-02~", tags=["Flights"]),
        "undated": events.create("Undated rumour", description="Heard in Moscow"),
        "old": events.create("Treaty", "1961-07-11", category="Treaty"),
    }
    ids = {key: value if isinstance(value, int) else value.object_id or 0 for key, value in made.items()}
    events.link_evidence(ids["trip"], sources["denial"], *span(DENIAL, "denied"), stance="contradicts")
    events.set_confidence(ids["old"], "confirmed")
    return ids


def test_filters(store: CaseStore, case_events: dict[str, int], shoigu: int) -> None:
    ids = case_events

    def found(**conditions: Any) -> set[str]:
        names = {value: key for key, value in ids.items()}
        return {names[i] for i in store.events.event_ids(EventFilter(**conditions))}

    assert found() == set(ids)
    # possible overlap: "before 2019" may lie in 2015; undated events drop out of any date range
    assert found(earliest=epoch(2015, 1, 1), latest=epoch(2016, 1, 1)) == {"before"}
    assert found(earliest=epoch(2023, 8, 1), latest=epoch(2023, 8, 1, 23)) == {"meeting", "trip"}
    assert found(latest=epoch(1970, 1, 1)) == {"before", "old"}
    assert found(undated=False) == set(ids) - {"undated"}
    assert found(text="IL-62M") == {"landing"}
    assert found(text="פְּגִישָׁה") == {"meeting"}  # niqqud in the query is ignored, as in search
    assert found(text="moscow") == {"undated"}  # the description counts
    assert found(text="100%_") == set()
    assert found(entity_ids=frozenset({shoigu})) == {"landing", "meeting"}
    flights = store.events.event_tags()[0].id
    assert found(tag_ids=frozenset({flights})) == {"landing", "trip"}
    assert found(categories=frozenset({"Meeting", "Treaty"})) == {"meeting", "before", "old"}
    assert found(confidences=frozenset({Confidence.CONFIRMED})) == {"old"}
    assert found(confidences=frozenset({Confidence.DOUBTFUL, Confidence.POSSIBLE})) == {"landing", "trip"}
    assert found(disputed_only=True) == {"trip"}
    assert found(disputed_only=True, tag_ids=frozenset({flights}), text="trip") == {"trip"}
    assert store.events.count(EventFilter(categories=frozenset({"Meeting"}))) == 2
    assert store.events.categories() == ["Meeting", "Treaty"]


def test_orders(store: CaseStore, case_events: dict[str, int]) -> None:
    ids = case_events

    def ordered(key: EventSortKey, descending: bool = False) -> list[str]:
        names = {value: name for name, value in ids.items()}
        return [names[i] for i in store.events.event_ids(order=EventOrder(key, descending))]

    # open start first, the meeting (07:00 UTC on 1 August) after the trip that began on 30 July, undated last
    assert ordered(EventSortKey.DATE) == ["before", "old", "trip", "landing", "meeting", "undated"]
    assert ordered(EventSortKey.DATE, descending=True) == [
        "meeting",
        "landing",
        "trip",
        "old",
        "before",
        "undated",
    ]
    assert ordered(EventSortKey.TITLE)[:2] == ["landing", "before"]
    assert ordered(EventSortKey.CONFIDENCE)[:3] == ["old", "landing", "trip"]
    assert ordered(EventSortKey.EVIDENCE, descending=True)[:2] == ["trip", "landing"]
    assert ordered(EventSortKey.ID) == list(ids)


def test_summaries_in_the_order_asked(store: CaseStore, case_events: dict[str, int]) -> None:
    wanted = [case_events["trip"], 999, case_events["landing"]]
    trip, landing_ = store.events.summaries(wanted)
    assert (trip.id, landing_.id) == (case_events["trip"], case_events["landing"])
    assert (trip.start_edtf, trip.end_edtf, trip.disputed, trip.evidence_count, trip.tags) == (
        "2023-07-30",
        "2023-08-02~",
        True,
        1,
        ("Flights",),
    )
    assert landing_.participants == ("Sergei Shoigu",) and landing_.confidence is Confidence.POSSIBLE


def test_timeline_rows(store: CaseStore, case_events: dict[str, int], shoigu: int) -> None:
    rows = store.events.timeline_rows()
    assert len(rows) == 6 and rows.grouping is LaneGrouping.NONE
    at = {event_id: index for index, event_id in enumerate(rows.ids)}
    trip = at[case_events["trip"]]
    assert rows.flags[trip] == EventFlag.HAS_END | EventFlag.APPROXIMATE | EventFlag.DISPUTED
    assert (rows.earliest[trip], rows.latest[trip]) == (epoch(2023, 7, 30), epoch(2023, 8, 6) - 1)
    assert (rows.certain_start[trip], rows.certain_end[trip]) == (epoch(2023, 7, 30), epoch(2023, 8, 3) - 1)
    assert rows.flags[at[case_events["undated"]]] == EventFlag.UNDATED
    assert rows.flags[at[case_events["old"]]] == EventFlag.CONFIDENCE_OVERRIDDEN
    assert (rows.earliest[at[case_events["before"]]], rows.certain_start[at[case_events["before"]]]) == (
        None,
        None,
    )
    assert rows.confidence[at[case_events["old"]]] is Confidence.CONFIRMED
    assert rows.evidence_count[trip] == 1 and rows.titles[trip] == "Trip"

    by_entity = store.events.timeline_rows(EventFilter(undated=False), LaneGrouping.ENTITY)
    assert by_entity.lane_labels == ((shoigu, "Sergei Shoigu"),)
    keyed = dict(zip(by_entity.ids, by_entity.lane_keys, strict=True))
    assert keyed[case_events["landing"]] == (shoigu,) and keyed[case_events["trip"]] == ()
    by_category = store.events.timeline_rows(grouping=LaneGrouping.CATEGORY)
    assert [label for _key, label in by_category.lane_labels] == ["Meeting", "Treaty", ""]
    by_confidence = store.events.timeline_rows(grouping=LaneGrouping.CONFIDENCE)
    assert [key for key, _label in by_confidence.lane_labels] == [
        "confirmed",
        "possible",
        "doubtful",
        "unknown",
    ]
    by_tag = store.events.timeline_rows(grouping=LaneGrouping.TAG)
    assert [label for _key, label in by_tag.lane_labels] == ["Flights"]
    empty = store.events.timeline_rows(EventFilter(text="nothing like this"))
    assert len(empty) == 0 and empty.lane_keys == ()


def test_lanes_by_source_come_from_the_quotes_one_lane_per_source(
    store: CaseStore, sources: dict[str, int]
) -> None:
    both = landing(store, sources)
    store.events.link_evidence(both, sources["wire"], *span(WIRE, "Sergei Shoigu"))  # same source again
    store.events.link_evidence(both, sources["denial"], *span(DENIAL, "The ministry denied"))
    alone = store.events.create("No quote", "2023-08-02").object_id
    rows = store.events.timeline_rows(grouping=LaneGrouping.SOURCE)
    keyed = dict(zip(rows.ids, rows.lane_keys, strict=True))
    assert sorted(keyed[both]) == sorted([sources["wire"], sources["denial"]])
    assert keyed[alone] == ()
    assert rows.lane_labels == ((sources["denial"], "Statement"), (sources["wire"], "Wire"))
    only_quoted = store.events.timeline_rows(EventFilter(text="No quote"), LaneGrouping.SOURCE)
    assert only_quoted.lane_keys == ((),) and only_quoted.lane_labels == ()


def test_histogram(store: CaseStore, case_events: dict[str, int]) -> None:
    histogram = store.events.histogram(bins=4)
    assert len(histogram.edges) == 5 and sum(histogram.counts) == 5 and histogram.undated == 1
    # 1961 … 2023 in four bins: the treaty, then "before 2019" (at its known end) and the 2023 events
    assert histogram.counts == (1, 0, 0, 4)
    assert store.events.histogram(EventFilter(text="nothing")).counts == ()
    with pytest.raises(InvalidValue):
        store.events.histogram(bins=0)


# --- new event from selection ----------------------------------------------------------------------------


def test_event_from_selection_takes_mentioned_entities_and_the_date_in_the_quote(
    store: CaseStore, sources: dict[str, int], shoigu: int
) -> None:
    he = sources["he"]
    store.entities.tag(he, *span(HEBREW, "שויגו"), shoigu)
    quote = span(HEBREW, "נחת בפיונגיאנג ב-31 ביולי 2023. שויגו")
    draft = store.events.suggest_from_selection(he, *quote)
    assert draft.date is not None and draft.date.text == "31 ביולי 2023" and draft.date.edtf == "2023-07-31"
    assert [p.entity_id for p in draft.participants] == [shoigu]
    edit = store.events.create_from_selection(he, *quote)
    event = store.events.get(edit.object_id or 0)
    assert event.start_edtf == "2023-07-31" and event.title == "נחת בפיונגיאנג ב-31 ביולי 2023. שויגו"
    assert [p.entity_id for p in event.participants] == [shoigu]
    assert event.evidence[0].quote == HEBREW[quote[0] : quote[1]]
    # the date just before the quote, when the quote has none
    nearby = store.events.suggest_from_selection(sources["wire"], *span(WIRE, "the Il-62M landed"))
    assert nearby.date is not None and nearby.date.text == "31 July 2023"
    titled = store.events.create_from_selection(
        sources["wire"], *span(WIRE, "Sergei Shoigu met Kim"), title="Talks"
    )
    assert store.events.get(titled.object_id or 0).title == "Talks"
    with pytest.raises(InvalidValue, match="is empty"):
        store.events.suggest_from_selection(he, 5, 5)
    with pytest.raises(InvalidValue, match="ends inside a letter"):  # הַ without its vowel would misquote
        store.events.create("x", "2023", evidence=[NewEvidence(he, 0, 1)])


def test_a_date_in_another_paragraph_or_far_away_is_not_suggested(
    store: CaseStore, add_text: AddText
) -> None:
    text = (
        "Published on 3 May 2021.\n\nThe convoy left the base."
        + " Filler words." * 40
        + " It was 9 May 2021."
    )
    source = add_text(text, published="2021-05-10")
    draft = store.events.suggest_from_selection(source, *span(text, "The convoy left the base."))
    assert draft.date is None and draft.date_candidates == ()
    event = store.events.create_from_selection(source, *span(text, "The convoy left the base."))
    assert store.events.get(event.object_id or 0).start is None  # undated rather than guessed


def test_a_date_in_the_sentence_before_is_offered_not_taken(store: CaseStore, add_text: AddText) -> None:
    text = "On 31 July 2023 the aircraft landed. Officials in Cairo declined to comment."
    source = add_text(text)
    quote = span(text, "Officials in Cairo declined to comment.")
    draft = store.events.suggest_from_selection(source, *quote)
    assert draft.date is None  # another sentence: it may date another happening
    assert [found.text for found in draft.date_candidates] == ["31 July 2023"]  # one click away
    event = store.events.create_from_selection(source, *quote)
    assert store.events.get(event.object_id or 0).start is None
    same_sentence = store.events.suggest_from_selection(source, *span(text, "the aircraft landed"))
    assert same_sentence.date is not None and same_sentence.date.edtf == "2023-07-31"


# --- dates in sources ------------------------------------------------------------------------------------


def test_dates_are_found_lazily_and_again_when_the_publication_date_changes(
    store: CaseStore, add_text: AddText, changes: list[Change]
) -> None:
    text = "The talks ended on 31 July. Yesterday the delegation left."
    source = add_text(text, published="2023-08-02", language="en")
    forget_dates(store)  # whether or not the import stored them, they are found when asked
    found = store.events.dates_in(source)
    assert [(d.text, d.edtf, d.inferred, d.relative) for d in found] == [
        ("31 July", "2023-07-31", True, False),
        ("Yesterday", "2023-08-01", True, True),
    ]
    assert all(text[d.start : d.end] == d.text for d in found) and "publication" in found[0].note
    assert found[0].value == parse("2023-07-31")
    assert Change(ChangeKind.UPDATED, "source_dates", (source,)) in changes
    changes.clear()
    assert store.events.dates_in(source) == found and not changes  # stored: not found again
    store.update_source(source, {"published": "2024-08-02"})
    assert [d.edtf for d in store.events.dates_in(source)] == ["2024-07-31", "2024-08-01"]
    store.update_source(source, {"published": ""})
    undated = store.events.dates_in(source)
    assert [d.edtf for d in undated] == [None, None] and "reference date" in undated[1].note
    with pytest.raises(NotFound):
        store.events.dates_in(999)


def test_record_dates_hook_and_a_new_extractor_version(store: CaseStore, add_text: AddText) -> None:
    text = "ב-31 ביולי 2023 נחת המטוס."
    source = add_text(text, language="he")
    with store._write() as session:
        assert record_dates(session, source, text, "2023-08-01", "he") == 1
        session.execute(update(Source).where(Source.id == source).values(published="2023-08-01"))
    [found] = store.events.dates_in(source)
    assert (found.text, found.edtf) == ("31 ביולי 2023", "2023-07-31")
    found_elsewhere = find_dates(text, "2023-08-01", "he")  # as an import worker would
    with store._write() as session:
        assert record_dates(session, source, text, "2023-08-01", "he", found_elsewhere) == 1
    [again] = store.events.dates_in(source)
    assert dataclasses.replace(again, id=0) == dataclasses.replace(found, id=0)
    with store._write() as session:  # as if an older extractor had found them
        session.execute(update(SourceDateScan).values(extractor_version="old"))
    assert store.events.ensure_dates_extracted() == 1
    assert store.events.ensure_dates_extracted() == 0


def test_ensure_dates_extracted_reports_progress_and_can_be_cancelled(
    store: CaseStore, add_text: AddText
) -> None:
    for n in range(250):
        add_text(f"Report {n}: on {n % 28 + 1} March 2022 the convoy moved.", published="2022-04-01")
    forget_dates(store)
    updates: list[ProgressUpdate] = []
    token = CancelToken()

    def progress(update: ProgressUpdate) -> None:
        updates.append(update)
        if update.done >= 100:
            token.cancel()

    with pytest.raises(Cancelled):
        store.events.ensure_dates_extracted(progress, token)
    assert updates[0] == ProgressUpdate(0, 250) and updates[-1] == ProgressUpdate(100, 250)
    assert store.events.ensure_dates_extracted() == 150  # what finished before the cancel stays
    with sqlite3.connect(store.path) as raw:
        assert raw.execute("SELECT count(*) FROM source_dates").fetchone() == (250,)


# --- the schema: upgrading older cases -------------------------------------------------------------------


def test_a_schema_0001_case_with_events_upgrades_through_0002_and_0003_and_keeps_its_data(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "old.threadline"
    shutil.copy(FIXTURES / "schema-0001.threadline", copy)
    now = "2026-01-01 00:00:00.000000"
    with sqlite3.connect(copy) as raw:  # events as another program might have written them into 0001
        raw.executemany(
            "INSERT INTO events (id, title, description, start_edtf, end_edtf, earliest, latest, category, "
            "confidence, confidence_overridden, created_at, updated_at) "
            "VALUES (?, ?, '', ?, ?, ?, ?, '', ?, 0, ?, ?)",
            [
                (1, "Landing", "2023-07-31", "2023-08-02", 1690761600, 1691020799, "unknown", now, now),
                (2, "Chosen", "2023", None, 1672531200, 1704067199, "confirmed", now, now),
            ],
        )
        raw.executemany(
            "INSERT INTO evidence (event_id, source_id, start, end, quote, stance, credibility, note, "
            "created_at) VALUES (?, ?, 0, 5, ?, ?, 2, '', ?)",
            [
                (1, 1, "המטוס", "supports", now),
                (1, 2, "وصل ا", "contradicts", now),
                (2, 3, "The I", "supports", now),
            ],
        )
        before = {
            table: raw.execute(f"SELECT * FROM {table}").fetchall() for table in ("sources", "evidence")
        }
    with CaseStore.open(copy) as store:
        assert store.case_info().schema_revision == schema.head_revision() == "0003"
        assert store.backup_made_on_upgrade is not None
        landing_ = store.events.get(1)
        assert landing_.disputed and landing_.confidence is Confidence.DOUBTFUL  # the default gave way
        assert [e.quote for e in landing_.evidence] == ["המטוס", "وصل ا"]
        chosen = store.events.get(2)  # someone's choice is kept, marked as an override
        assert chosen.confidence is Confidence.CONFIRMED and chosen.confidence_overridden
        rows = store.events.timeline_rows()
        assert rows.ids == (1, 2) and rows.evidence_count == (2, 1)
        assert (rows.certain_start[0], rows.certain_end[0]) == (epoch(2023, 7, 31), epoch(2023, 8, 3) - 1)
        assert [s.title for s in store.list_sources()] == ["ידיעה", "خبر", "Wire"]
        [found] = store.events.dates_in(1)  # sources of older cases get their dates when asked
        assert found.edtf == "2023-07-31"
    with sqlite3.connect(copy) as raw:
        assert {
            table: raw.execute(f"SELECT * FROM {table}").fetchall() for table in ("sources", "evidence")
        } == before


def test_a_new_case_has_the_event_tables(store: CaseStore, case_path: Path) -> None:
    with sqlite3.connect(case_path) as raw:
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"event_derived", "source_dates", "source_date_scans"} <= tables
    assert store.events.timeline_rows().ids == ()
    assert store.events.event_ids() == [] and store.events.summaries([]) == []


def test_text_of_a_source_is_never_changed_by_date_extraction(
    store: CaseStore, sources: dict[str, int]
) -> None:
    texts = {source_id: store.source_text(source_id) for source_id in sources.values()}
    store.events.ensure_dates_extracted()
    assert {source_id: store.source_text(source_id) for source_id in sources.values()} == texts
    assert texts[sources["he"]] == HEBREW


def test_edits_return_records_an_undo_command_can_hold(store: CaseStore, sources: dict[str, int]) -> None:
    event_id = landing(store, sources)
    edits: list[EventEdit] = [
        store.events.update(event_id, {"title": "A"}),
        store.events.tag(event_id, "T"),
        store.events.add_note(event_id, "n"),
        store.events.set_confidence(event_id, "doubtful"),
    ]
    for edit in reversed(edits):
        store.events.revert(edit)
    event = store.events.get(event_id)
    assert (event.title, event.tags, event.notes, event.confidence_overridden) == (
        "Il-62M lands in Pyongyang",
        (),
        (),
        False,
    )
    for edit in edits:
        store.events.reapply(edit)
    event = store.events.get(event_id)
    assert (event.title, [t.name for t in event.tags], len(event.notes), event.confidence) == (
        "A",
        ["T"],
        1,
        Confidence.DOUBTFUL,
    )
