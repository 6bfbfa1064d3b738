"""Entities, aliases, mentions and mention candidates in a real case file on disk."""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.core.entity_records import CandidateStatus
from app.core.errors import Cancelled, InvalidValue, NotFound
from app.core.identifiers import IdentifierKind
from app.core.mentions import MatchKind, ReviewReason
from app.core.progress import CancelToken, ProgressUpdate
from app.core.records import Change, ChangeKind
from app.store import CaseStore, schema
from app.store.models import Event, Note, Participation, Tag, Tagging, utc_now

AddText = Callable[..., int]
FIXTURES = Path(__file__).parent / "fixtures"

HEBREW = "המטוס נחת בפיונגיאנג. שויגו הגיע לפיונגיאנג, ושוייגו נאם בפני הקהל.\nברון רוטשילד לא הגיע."
ENGLISH = "Sergei Shoigu flew to Pyongyang; Shoygu met Kim Jong Un.\nKim Jong\nUn smiled. Ron stayed home."
ARABIC = "وصل شويغو إلى بيونغ يانغ، ثم غادر شويجو إلى موسكو."


@pytest.fixture
def sources(add_text: AddText) -> dict[str, int]:
    return {
        "he": add_text(HEBREW, title="ידיעה"),
        "en": add_text(ENGLISH, title="Wire"),
        "ar": add_text(ARABIC, title="خبر"),
    }


@pytest.fixture
def changes(store: CaseStore) -> list[Change]:
    seen: list[Change] = []
    store.subscribe(seen.append)
    return seen


def _shoigu(store: CaseStore) -> int:
    return store.entities.add("person", "Sergei Shoigu", ["Shoigu", "שויגו", "شويغو"]).id


def _dump(case_path: Path, *tables: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables, sorted: what "exactly as before" is compared on."""
    with sqlite3.connect(case_path) as raw:
        return {table: sorted(raw.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in tables}


ENTITY_TABLES = (
    "entities",
    "aliases",
    "mentions",
    "mention_candidates",
    "event_entities",
    "taggings",
    "notes",
)


# --- entity types --------------------------------------------------------------------------------------


def test_builtin_types_and_a_type_of_the_investigators_own(store: CaseStore) -> None:
    repo = store.entities
    assert [t.key for t in repo.list_types()] == [
        "person",
        "organisation",
        "location",
        "equipment",
        "identifier",
        "other",
    ]
    vessel = repo.add_type("Vessel", "#1A2B3C", "ship")
    assert (vessel.key, vessel.colour, vessel.icon, vessel.builtin) == ("vessel", "#1a2b3c", "ship", False)
    with pytest.raises(InvalidValue, match="already"):
        repo.add_type("vessel", "#000000")
    with pytest.raises(InvalidValue, match="#rrggbb"):
        repo.add_type("Drone", "red")
    edit = repo.update_type(vessel.id, {"colour": "#00ff00"})
    assert edit.before == {"colour": "#1a2b3c"} and repo.list_types()[-1].colour == "#00ff00"
    with pytest.raises(InvalidValue, match="built in"):
        repo.remove_type(1)
    removed = repo.remove_type(vessel.id)
    assert "vessel" not in [t.key for t in repo.list_types()]
    repo.restore_type(removed)
    assert repo.list_types()[-1].key == "vessel"


def test_a_type_in_use_cannot_be_removed(store: CaseStore) -> None:
    drone = store.entities.add_type("Drone", "#abcdef")
    store.entities.add("drone", "Shahed-136")
    with pytest.raises(InvalidValue, match="change their type first"):
        store.entities.remove_type(drone.id)


# --- entities and aliases ------------------------------------------------------------------------------


def test_add_entity_with_aliases_in_any_script(store: CaseStore, changes: list[Change]) -> None:
    record = store.entities.add("person", "Sergei Shoigu", ["Shoigu", "שויגו", "Шойгу", "Shoigu"])
    assert [(a.text, a.language) for a in record.aliases] == [
        ("Sergei Shoigu", "und"),
        ("Shoigu", "und"),
        ("שויגו", "he"),
        ("Шойгу", "ru"),
    ]
    assert store.entities.get(record.id) == record
    assert changes == [Change(ChangeKind.ADDED, "entity", (record.id,))]
    assert store.audit_log(object_type="entity", object_id=record.id)[0].action == "add entity"
    with pytest.raises(InvalidValue, match="no entity type"):
        store.entities.add("ship", "Ever Given")
    with pytest.raises(InvalidValue, match="letter or digit"):
        store.entities.add("person", " -- ")


def test_rename_edit_and_undo_through_the_edit_record(store: CaseStore) -> None:
    entity = store.entities.add("person", "S. Shoigu")
    edit = store.entities.rename(entity.id, "Sergei Shoigu")
    assert edit.before == {"name": "S. Shoigu"}
    assert [a.text for a in store.entities.get(entity.id).aliases] == ["S. Shoigu", "Sergei Shoigu"]
    typed = store.entities.update(entity.id, {"type_key": "other", "description": "Minister", "notes": "n"})
    assert typed.before == {"type_key": "person", "description": "", "notes": ""}
    store.entities.update(entity.id, typed.before)
    after = store.entities.get(entity.id)
    assert (after.type_key, after.description, after.notes) == ("person", "", "")
    with pytest.raises(InvalidValue, match="cannot be edited"):
        store.entities.update(entity.id, {"created_at": "now"})


def test_add_remove_and_restore_an_alias(store: CaseStore) -> None:
    entity = store.entities.add("location", "Pyongyang")
    alias = store.entities.add_alias(entity.id, "פיונגיאנג")
    with pytest.raises(InvalidValue, match="already an alias"):
        store.entities.add_alias(entity.id, "פיונגיאנג")
    removed = store.entities.remove_alias(alias.id)
    assert [a.text for a in store.entities.get(entity.id).aliases] == ["Pyongyang"]
    store.entities.restore_alias(removed)
    assert store.entities.get(entity.id).aliases[-1] == alias
    actions = [entry.action for entry in store.audit_log(object_type="entity", object_id=entity.id)]
    assert actions[:3] == ["restore alias", "remove alias", "add alias"]


# --- tagging -------------------------------------------------------------------------------------------


def test_tag_stores_the_exact_text_and_adds_a_new_spelling_as_alias(
    store: CaseStore, sources: dict[str, int], changes: list[Change]
) -> None:
    entity = store.entities.add("location", "Pyongyang")
    start = HEBREW.index("פיונגיאנג")  # the name inside בפיונגיאנג, prefix left out
    result = store.entities.tag(sources["he"], start, start + 9, entity.id, expected_text="פיונגיאנג")
    assert result.mention.text == "פיונגיאנג" and result.mention.created_by == "tester"
    assert result.added_alias is not None and result.added_alias.text == "פיונגיאנג"
    assert Change(ChangeKind.ADDED, "mention", (result.mention.id,)) in changes
    second = HEBREW.index("לפיונגיאנג") + 1
    again = store.entities.tag(sources["he"], second, second + 9, entity.id)
    assert again.added_alias is None  # the spelling is an alias now
    whole = HEBREW.index("לפיונגיאנג")
    assert (
        store.entities.tag(sources["he"], whole, whole + 10, entity.id).added_alias is None
    )  # prefixed form
    assert [a.text for a in store.entities.get(entity.id).aliases] == ["Pyongyang", "פיונגיאנג"]


def test_tag_suggests_a_name_without_the_prefix_when_the_case_knows_it(
    store: CaseStore, sources: dict[str, int]
) -> None:
    store.entities.add("location", "Pyongyang", ["פיונגיאנג"])
    other = store.entities.add("location", "Pyongyang (old city)")
    start = HEBREW.index("בפיונגיאנג")
    suggestion = store.entities.suggest_name(sources["he"], start, start + 4)
    assert suggestion == (start + 1, start + 10, "פיונגיאנג")
    added = store.entities.tag(sources["he"], start, start + 10, other.id).added_alias
    assert added is not None and added.text == "פיונגיאנג"  # tagged with its prefix, named without it


def test_tag_refuses_bad_offsets(store: CaseStore, sources: dict[str, int]) -> None:
    entity = store.entities.add("person", "Shoigu")
    repo, source = store.entities, sources["en"]
    with pytest.raises(InvalidValue, match="outside the source"):
        repo.tag(source, 10, len(ENGLISH) + 1, entity.id)
    with pytest.raises(InvalidValue, match="not “Lavrov”"):
        repo.tag(source, 7, 13, entity.id, expected_text="Lavrov")
    with pytest.raises(InvalidValue, match="no word"):
        repo.tag(source, 13, 14, entity.id)
    with pytest.raises(InvalidValue, match="is empty"):  # reversed: not "outside"
        repo.tag(source, 14, 7, entity.id)
    shoigu = ENGLISH.index("Shoigu")
    with pytest.raises(InvalidValue, match="space or a line break"):
        repo.tag(source, shoigu - 1, shoigu + 6, entity.id)
    with pytest.raises(NotFound):
        repo.tag(999, 0, 3, entity.id)
    repo.tag(source, 7, 13, entity.id)
    with pytest.raises(InvalidValue, match="already tagged"):
        repo.tag(source, 7, 13, entity.id)


def test_untag_and_restore_mention_keep_the_same_id(store: CaseStore, sources: dict[str, int]) -> None:
    entity = store.entities.add("person", "Sergei Shoigu")
    mention = store.entities.tag(sources["en"], 0, 13, entity.id).mention
    removed = store.entities.untag(mention.id)
    assert removed == mention and store.entities.mentions_in(sources["en"]) == []
    store.entities.restore_mention(removed)
    assert [h.mention_id for h in store.entities.mentions_in(sources["en"])] == [mention.id]
    actions = [entry.action for entry in store.audit_log(object_type="mention", object_id=mention.id)]
    assert actions == ["restore mention", "untag mention", "tag mention"]


def test_undo_and_redo_a_tag_that_added_an_alias(store: CaseStore, sources: dict[str, int]) -> None:
    entity = store.entities.add("person", "Sergei Shoigu")
    start = ARABIC.index("شويغو")
    result = store.entities.tag(sources["ar"], start, start + 5, entity.id)
    assert result.added_alias is not None
    store.entities.undo_tag(result)
    assert [a.text for a in store.entities.get(entity.id).aliases] == ["Sergei Shoigu"]
    assert store.entities.mentions_in(sources["ar"]) == []
    store.entities.redo_tag(result)
    assert store.entities.get(entity.id).aliases[-1] == result.added_alias
    assert store.entities.mentions_in(sources["ar"])[0].mention_id == result.mention.id


# --- reading mentions ----------------------------------------------------------------------------------


def test_mentions_in_a_source_in_order_with_their_type_colour(
    store: CaseStore, sources: dict[str, int]
) -> None:
    person = store.entities.add("person", "Sergei Shoigu")
    place = store.entities.add("location", "Pyongyang")
    store.entities.tag(sources["en"], ENGLISH.index("Pyongyang"), ENGLISH.index("Pyongyang") + 9, place.id)
    store.entities.tag(sources["en"], 0, 13, person.id)
    highlights = store.entities.mentions_in(sources["en"])
    assert [(h.entity_name, h.type_key, h.colour) for h in highlights] == [
        ("Sergei Shoigu", "person", "#1f77b4"),
        ("Pyongyang", "location", "#2ca02c"),
    ]
    assert [ENGLISH[h.start : h.end] for h in highlights] == ["Sergei Shoigu", "Pyongyang"]


def test_mentions_of_an_entity_with_honest_keyword_in_context(
    store: CaseStore, sources: dict[str, int]
) -> None:
    entity = store.entities.add("person", "Kim Jong Un")
    first = ENGLISH.index("Kim Jong Un")
    second = ENGLISH.index("Kim Jong\nUn")
    store.entities.tag(sources["en"], second, second + 11, entity.id)
    store.entities.tag(sources["en"], first, first + 11, entity.id)
    listed = store.entities.mentions_of(entity.id, context_words=3)
    assert [item.mention.start for item in listed] == [first, second]
    for item in listed:
        context = item.context
        assert context.text == ENGLISH[context.start : context.start + len(context.text)].replace("\n", " ")
        (highlight,) = context.highlights
        assert context.start + highlight.start == item.mention.start
        assert context.start + highlight.end == item.mention.end
        assert item.source_title == "Wire"
    assert listed[0].context.text == "Pyongyang; Shoygu met Kim Jong Un. Kim Jong Un"


# --- candidates ----------------------------------------------------------------------------------------


def test_find_candidates_across_scripts_with_kinds_and_review(
    store: CaseStore, sources: dict[str, int]
) -> None:
    shoigu = _shoigu(store)
    found = store.entities.find_candidates(shoigu)
    described = {(c.source_id, c.text, c.kind, c.needs_review) for c in found}
    assert described == {
        (sources["he"], "שויגו", MatchKind.EXACT, False),
        (sources["he"], "שוייגו", MatchKind.VARIANT, True),
        (sources["en"], "Sergei Shoigu", MatchKind.EXACT, False),
        (sources["en"], "Shoygu", MatchKind.VARIANT, True),
        (sources["ar"], "شويغو", MatchKind.EXACT, False),
        (sources["ar"], "شويجو", MatchKind.VARIANT, True),
    }
    for candidate in found:
        assert store.source_text(candidate.source_id)[candidate.start : candidate.end] == candidate.text
        assert candidate.status is CandidateStatus.PENDING
    summary = next(s for s in store.entities.list_entities() if s.id == shoigu)
    assert summary.pending_candidates == 6


def test_rejected_candidates_stay_rejected_and_accepted_are_not_found_again(
    store: CaseStore, sources: dict[str, int], add_text: AddText
) -> None:
    shoigu = _shoigu(store)
    found = store.entities.find_candidates(shoigu)
    variant = next(c for c in found if c.text == "Shoygu")
    exact = next(c for c in found if c.text == "Sergei Shoigu")
    store.entities.reject([variant.id])
    decision = store.entities.accept([exact.id])
    assert [m.text for m in decision.mentions] == ["Sergei Shoigu"]
    rerun = store.entities.find_candidates(shoigu)
    assert {c.text for c in rerun} == {"שויגו", "שוייגו", "شويغو", "شويجو"}
    statuses = {c.id: c.status for c in store.entities.candidates(shoigu, status=None)}
    assert statuses[variant.id] is CandidateStatus.REJECTED and statuses[exact.id] is CandidateStatus.ACCEPTED
    assert len(statuses) == 6  # nothing duplicated
    new_source = add_text("Shoygu again, and Sergei Shoigu.", title="Later")
    third = store.entities.find_candidates(shoigu)
    assert {c.text for c in third if c.source_id == new_source} == {"Shoygu", "Sergei Shoigu"}
    assert len(store.entities.mentions_in(sources["en"])) == 1


def test_pending_candidates_of_a_removed_alias_are_dropped(store: CaseStore, sources: dict[str, int]) -> None:
    entity = store.entities.add("person", "Sergei Shoigu", ["שויגו"])
    assert any(c.text == "שויגו" for c in store.entities.find_candidates(entity.id, variants=False))
    hebrew_alias = store.entities.get(entity.id).aliases[1]
    store.entities.remove_alias(hebrew_alias.id)
    assert [c.text for c in store.entities.find_candidates(entity.id, variants=False)] == ["Sergei Shoigu"]


def test_accept_all_leaves_review_cases_and_variants(store: CaseStore, sources: dict[str, int]) -> None:
    ron = store.entities.add("person", "Ron", ["רון"]).id
    shoigu = _shoigu(store)
    store.entities.find_candidates()
    ron_candidates = store.entities.candidates(ron)
    assert {(c.text, c.reason) for c in ron_candidates} == {
        ("רון", ReviewReason.SHORT_AFTER_PREFIX),  # ברון רוטשילד: a baron, not "in Ron"
        ("Ron", ReviewReason.NONE),
    }
    accepted = store.entities.accept_all(ron)
    assert [m.text for m in accepted.mentions] == ["Ron"]
    in_source = store.entities.accept_all_in_source(shoigu, sources["he"])
    assert [m.text for m in in_source.mentions] == ["שויגו"]
    everything = store.entities.accept_all(shoigu, include_review=True)
    assert {m.text for m in everything.mentions} == {"Sergei Shoigu", "شويغو"}  # variants one by one only
    assert {c.kind for c in store.entities.candidates(shoigu)} == {MatchKind.VARIANT}


def test_accepting_a_variant_makes_its_spelling_an_alias_and_undo_reverts_all(
    store: CaseStore, sources: dict[str, int], case_path: Path
) -> None:
    shoigu = _shoigu(store)
    variant = next(c for c in store.entities.find_candidates(shoigu) if c.text == "Shoygu")
    before = _dump(case_path, *ENTITY_TABLES)
    decision = store.entities.accept([variant.id])
    assert [a.text for a in decision.added_aliases] == ["Shoygu"]
    assert [m.text for m in decision.mentions] == ["Shoygu"]
    store.entities.undo_decision(decision)
    after = _dump(case_path, *ENTITY_TABLES)
    assert after == before


def test_rejecting_an_accepted_candidate_removes_its_mention_and_undo_restores_it(
    store: CaseStore, sources: dict[str, int], case_path: Path
) -> None:
    shoigu = _shoigu(store)
    exact = next(c for c in store.entities.find_candidates(shoigu) if c.text == "شويغو")
    store.entities.accept([exact.id])
    before = _dump(case_path, *ENTITY_TABLES)
    decision = store.entities.reject([exact.id])
    assert store.entities.mentions_in(sources["ar"]) == []
    store.entities.undo_decision(decision)
    assert _dump(case_path, *ENTITY_TABLES) == before
    with pytest.raises(NotFound):
        store.entities.accept([12345])


def test_tagging_decides_the_candidate_at_that_span(store: CaseStore, sources: dict[str, int]) -> None:
    shoigu = _shoigu(store)
    candidate = next(c for c in store.entities.find_candidates(shoigu) if c.text == "Sergei Shoigu")
    mention = store.entities.tag(candidate.source_id, candidate.start, candidate.end, shoigu).mention
    (linked,) = [c for c in store.entities.candidates(shoigu, status=None) if c.id == candidate.id]
    assert linked.status is CandidateStatus.ACCEPTED and linked.mention_id == mention.id
    store.entities.untag(mention.id)
    assert candidate.id in {c.id for c in store.entities.candidates(shoigu)}  # pending again


def test_one_entity_is_not_found_inside_the_longer_name_of_another(
    store: CaseStore, add_text: AddText
) -> None:
    source = add_text("Kim Jong Un met Kim Yo Jong. Kim laughed.", title="Kims")
    store.entities.add("person", "Kim Jong Un")
    kim = store.entities.add("person", "Kim").id
    assert [(c.start, c.text) for c in store.entities.find_candidates(kim)] == [(16, "Kim"), (29, "Kim")]
    assert {c.source_id for c in store.entities.candidates(kim)} == {source}


def test_a_candidate_inside_another_entitys_mention_needs_review(store: CaseStore, add_text: AddText) -> None:
    source = add_text("The Kim Il Sung Square was full.", title="Square")
    square = store.entities.add("location", "Main Square")
    store.entities.tag(source, 4, 22, square.id, alias="Main Square")  # tagged by hand, not by an alias
    person = store.entities.add("person", "Kim Il Sung").id
    (candidate,) = store.entities.find_candidates(person)
    assert candidate.needs_review and candidate.reason is ReviewReason.INSIDE_OTHER_MENTION


def test_finding_reports_progress_and_a_cancel_changes_nothing(
    store: CaseStore, sources: dict[str, int], case_path: Path
) -> None:
    shoigu = _shoigu(store)
    updates: list[ProgressUpdate] = []
    store.entities.find_candidates(shoigu, progress=updates.append)
    assert updates[0].done == 0 and updates[-1].done == updates[-1].total == 3
    store.entities.reject([c.id for c in store.entities.candidates(shoigu)][:1])
    before = _dump(case_path, "mention_candidates", "audit_log")
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        store.entities.find_candidates(shoigu, cancel=token)
    assert _dump(case_path, "mention_candidates", "audit_log") == before


def test_list_entities_counts_mentions_sources_and_events(store: CaseStore, sources: dict[str, int]) -> None:
    shoigu = _shoigu(store)
    place = store.entities.add("location", "Pyongyang", ["פיונגיאנג"]).id
    store.entities.accept_all(shoigu)
    store.entities.find_candidates()
    store.entities.accept_all(shoigu)
    _link_event(store, shoigu, "visit", roles=("guest", "speaker"))
    summaries = {s.name: s for s in store.entities.list_entities()}
    assert (summaries["Sergei Shoigu"].mentions, summaries["Sergei Shoigu"].sources) == (3, 3)
    assert summaries["Sergei Shoigu"].events == 1 and summaries["Sergei Shoigu"].aliases == 4
    assert summaries["Pyongyang"].mentions == 0 and summaries["Pyongyang"].pending_candidates == 3
    assert [s.id for s in store.entities.list_entities(type_key="location")] == [place]


# --- merge, delete ---------------------------------------------------------------------------------------


def _link_event(store: CaseStore, entity_id: int, title: str, roles: tuple[str, ...] = ("",)) -> int:
    """An event with the entity in it, written the way an event repository would (no such API here yet)."""
    with store._write() as session:
        now = utc_now()
        event = Event(title=title, created_at=now, updated_at=now)
        session.add(event)
        session.flush()
        for role in roles:
            session.add(Participation(event_id=event.id, entity_id=entity_id, role=role))
        return event.id


def _tag_and_note(store: CaseStore, entity_id: int, tag_name: str, body: str) -> None:
    with store._write() as session:
        tag = session.query(Tag).filter_by(name=tag_name).one_or_none()
        if tag is None:
            tag = Tag(name=tag_name, colour="")
            session.add(tag)
            session.flush()
        session.add(Tagging(tag_id=tag.id, entity_id=entity_id))
        now = utc_now()
        session.add(Note(entity_id=entity_id, body=body, author="tester", created_at=now, updated_at=now))


def test_merge_moves_everything_and_unmerge_splits_it_back_exactly(
    store: CaseStore, sources: dict[str, int], case_path: Path
) -> None:
    repo = store.entities
    survivor = repo.add("person", "Sergei Shoigu", ["Shoigu"], description="Minister").id
    other = repo.add("person", "С. Шойгу", ["Sergei Shoigu", "שויגו", "شويغو"], notes="From Russian media").id
    repo.tag(sources["en"], 0, 13, survivor)
    start = HEBREW.index("שויגו")
    repo.tag(sources["he"], start, start + 5, other)
    found = repo.find_candidates(other)
    # the same span accepted as the other: its mention is a duplicate after merging, its candidate is not
    repo.accept([c.id for c in found if c.text == "Sergei Shoigu"])
    shared_event = _link_event(store, survivor, "talks", roles=("guest",))
    with store._write() as session:
        session.add(Participation(event_id=shared_event, entity_id=other, role="guest"))
        session.add(Participation(event_id=shared_event, entity_id=other, role="host"))
    _tag_and_note(store, survivor, "minister", "seen in Pyongyang")
    _tag_and_note(store, other, "minister", "Russian spelling")
    _tag_and_note(store, other, "sanctioned", "on the list")
    before = _dump(case_path, *ENTITY_TABLES)

    record = repo.merge(survivor, [other])
    with pytest.raises(NotFound):
        repo.get(other)
    merged = repo.get(survivor)
    assert [a.text for a in merged.aliases] == ["Sergei Shoigu", "Shoigu", "С. Шойгу", "שויגו", "شويغو"]
    accepted = repo.candidates(survivor, status=CandidateStatus.ACCEPTED)
    assert [(c.text, c.mention_id) for c in accepted] == [
        ("Sergei Shoigu", repo.mentions_in(sources["en"])[0].mention_id)
    ]
    assert merged.description == "Minister" and merged.notes == "From Russian media"
    assert len(repo.mentions_in(sources["en"])) == 1 and len(repo.mentions_in(sources["he"])) == 1
    impact = repo.deletion_impact(survivor)
    assert (impact.event_links, impact.taggings, impact.notes) == (2, 2, 3)
    assert impact.candidates >= 1

    repo.unmerge(record)
    assert _dump(case_path, *ENTITY_TABLES) == before
    actions = [entry.action for entry in store.audit_log(object_type="entity", object_id=survivor)]
    assert actions[:2] == ["unmerge entities", "merge entities"]


def test_merge_needs_another_entity(store: CaseStore) -> None:
    entity = store.entities.add("person", "A")
    with pytest.raises(InvalidValue):
        store.entities.merge(entity.id, [entity.id])
    with pytest.raises(NotFound):
        store.entities.merge(entity.id, [99])


def test_delete_reports_its_impact_and_restore_puts_everything_back(
    store: CaseStore, sources: dict[str, int], case_path: Path
) -> None:
    shoigu = _shoigu(store)
    store.entities.find_candidates(shoigu)
    store.entities.accept_all(shoigu)
    _link_event(store, shoigu, "visit")
    _tag_and_note(store, shoigu, "minister", "note")
    impact = store.entities.deletion_impact(shoigu)
    assert (impact.aliases, impact.mentions, impact.sources, impact.event_links) == (4, 3, 3, 1)
    assert (impact.candidates, impact.notes, impact.taggings) == (6, 1, 1)
    before = _dump(case_path, *ENTITY_TABLES)
    snapshot = store.entities.delete(shoigu)
    assert all(not rows for rows in _dump(case_path, *ENTITY_TABLES).values())
    store.entities.restore(snapshot)
    assert _dump(case_path, *ENTITY_TABLES) == before


# --- identifiers -----------------------------------------------------------------------------------------


def test_identifiers_offered_and_tagged_as_identifier_entities(store: CaseStore, add_text: AddText) -> None:
    first = add_text("פרטים: 03-1234567 או https://nknews.org/x ו-#פיונגיאנג.", title="a")
    second = add_text("Call +972 3 123 4567 or 03-1234567.", title="b")
    offers = store.entities.identifier_candidates(first)
    assert [o.identifier.kind for o in offers] == [
        IdentifierKind.PHONE,
        IdentifierKind.URL,
        IdentifierKind.HASHTAG,
    ]
    assert all(o.entity_id is None and not o.tagged for o in offers)
    result = store.entities.tag_identifier(first, offers[0].identifier)
    entity = store.entities.get(result.mention.entity_id)
    assert (entity.type_key, entity.name, entity.description) == ("identifier", "031234567", "phone")
    again = store.entities.identifier_candidates(first)[0]
    assert again.entity_id == entity.id and again.tagged
    in_second = store.entities.identifier_candidates(second)
    assert [o.entity_id for o in in_second] == [None, entity.id]
    store.entities.tag_identifier(second, in_second[1].identifier)
    assert store.entities.deletion_impact(entity.id).sources == 2


# --- schema ----------------------------------------------------------------------------------------------


def test_a_case_of_schema_0001_upgrades_and_keeps_its_data(tmp_path: Path) -> None:
    copy = tmp_path / "old.threadline"
    shutil.copy(FIXTURES / "schema-0001.threadline", copy)
    with sqlite3.connect(copy) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        old_texts = raw.execute("SELECT source_id, text FROM source_texts ORDER BY source_id").fetchall()
        old_types = raw.execute("SELECT * FROM entity_types ORDER BY id").fetchall()
    with CaseStore.open(copy, actor="tester") as store:
        assert store.backup_made_on_upgrade is not None and Path(store.backup_made_on_upgrade).exists()
        assert store.case_info().schema_revision == schema.head_revision()
        assert [(s, store.source_text(s)) for s, _t in old_texts] == old_texts
        place = store.entities.add("location", "Pyongyang", ["פיונגיאנג"]).id
        found = store.entities.find_candidates(place)
        assert sorted((c.text, c.kind.value) for c in found) == [
            ("Pyongyang", "exact"),
            ("פיונגיאנג", "prefixed"),
        ]
        assert store.verify().ok
    with sqlite3.connect(copy) as raw:
        assert raw.execute("SELECT * FROM entity_types ORDER BY id").fetchall() == old_types
        assert raw.execute("SELECT count(*) FROM mention_candidates").fetchone()[0] == 2


def test_a_name_cut_by_a_line_end_hyphen_is_found(store: CaseStore, add_text: AddText) -> None:
    source = add_text("The plane landed in Pyong-\nyang at dawn; NK\nNews saw it.", title="PDF text")
    place = store.entities.add("location", "Pyongyang").id
    outlet = store.entities.add("organisation", "NK News").id
    assert [(c.source_id, c.text) for c in store.entities.find_candidates(place)] == [
        (source, "Pyong-\nyang")
    ]
    assert [c.text for c in store.entities.find_candidates(outlet)] == ["NK\nNews"]


def test_tagging_an_identifier_is_one_edit_that_undo_takes_back_whole(
    store: CaseStore, add_text: AddText, case_path: Path, changes: list[Change]
) -> None:
    source = add_text("Call +972 3 123 4567 now.", title="c")
    before = _dump(case_path, *ENTITY_TABLES)
    (offer,) = store.entities.identifier_candidates(source)
    result = store.entities.tag_identifier(source, offer.identifier)
    assert result.created_entity is not None and result.created_entity.name == "+97231234567"
    assert [a.text for a in result.created_entity.aliases] == ["+97231234567", "+972 3 123 4567"]
    assert Change(ChangeKind.ADDED, "entity", (result.created_entity.id,)) in changes
    store.entities.undo_tag(result)
    assert _dump(case_path, *ENTITY_TABLES) == before
    store.entities.redo_tag(result)
    assert store.entities.mentions_in(source)[0].entity_name == "+97231234567"
    with pytest.raises(InvalidValue, match="already tagged"):
        store.entities.tag_identifier(source, offer.identifier)
    assert len(store.entities.list_entities()) == 1  # the failed second tag left nothing behind


# --- reading every alias at once, and finding without holding the write lock -----------------------------


def test_records_reads_every_entity_with_its_aliases_in_one_query(store: CaseStore, case_path: Path) -> None:
    shoigu = _shoigu(store)
    city = store.entities.add("location", "Pyongyang", ["פיונגיאנג", "بيونغ يانغ"]).id
    bare = store.entities.add("other", "Nameless").id
    statements: list[str] = []
    engine = store._engine
    from sqlalchemy import event

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        records = store.entities.records()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert [r.id for r in records] == [shoigu, city, bare]
    assert records == [store.entities.get(entity_id) for entity_id in (shoigu, city, bare)]
    assert [a.text for a in records[1].aliases] == ["Pyongyang", "פיונגיאנג", "بيونغ يانغ"]
    assert records[2].aliases == (store.entities.get(bare).aliases)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    assert store.entities.records([city, 999]) == [records[1]]  # ids that do not exist are left out
    assert store.entities.records([]) == []


def test_a_write_from_another_connection_goes_through_while_candidates_are_found(
    store: CaseStore, case_path: Path, add_text: AddText, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The UI's edits must not wait for a long find: looking up and matching hold no write lock, and the
    candidates are stored in short transactions. A second store on the same file (another connection,
    as the UI's writer would be) writes from inside the find's progress callback, which runs while the
    find is matching; with the lock held, that write would wait for the busy timeout and fail."""
    from app.store import entities as entities_module

    monkeypatch.setattr(entities_module, "_STORE_BATCH", 3)  # several short transactions
    monkeypatch.setattr(entities_module, "_PROGRESS_EVERY", 1)
    for index in range(12):
        add_text(f"Report {index}: Sergei Shoigu met Shoigu; שויגו נאם.", title=f"r{index}")
    shoigu = _shoigu(store)
    written: list[float] = []
    with CaseStore.open(case_path, actor="ui") as other:
        other_entity = other.entities.add("person", "Somebody").id

        def edit_meanwhile(update: ProgressUpdate) -> None:
            if 0 < update.done < update.total:
                started = time.perf_counter()
                other.entities.add_alias(other_entity, f"Alias {update.done}")
                written.append(time.perf_counter() - started)

        found = store.entities.find_candidates(shoigu, variants=False, progress=edit_meanwhile)
    assert len(found) == 36
    assert written and max(written) < 2.0  # no wait for the busy timeout (10 s)
    stored = list(store.audit_log(object_type="entity", object_id=shoigu))
    batches = [e for e in stored if e.action == "store mention candidates"]
    assert len(batches) == 12  # 3 candidates per source, at most 3 per transaction
    assert sum(int(e.after["new"]) for e in batches) == 36
    assert [e.action for e in stored].count("find mention candidates") == 1
    assert len(store.entities.get(other_entity).aliases) == 1 + len(written)


def test_finding_in_worker_processes_finds_the_same_as_here(
    store: CaseStore, sources: dict[str, int], add_text: AddText, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.store import entities as entities_module

    for index in range(6):
        add_text(
            f"Shoygu in Pyongyang ({index}); בפיונגיאנג שויגו.\nSergei Shoi-\ngu left.", title=str(index)
        )
    shoigu = _shoigu(store)
    store.entities.add("location", "Pyongyang", ["פיונגיאנג"])
    here = store.entities.find_candidates()
    for candidate in store.entities.candidates():
        assert candidate.status is CandidateStatus.PENDING
    store.entities.reject([c.id for c in here if c.entity_id == shoigu][:2])
    expected = [
        (c.entity_id, c.source_id, c.start, c.end, c.kind, c.reason) for c in store.entities.candidates()
    ]
    monkeypatch.setattr(entities_module, "_WORKER_MIN_PAIRS", 1)
    monkeypatch.setattr(entities_module, "_TEXT_BATCH", 2)
    again = store.entities.find_candidates()
    assert [(c.entity_id, c.source_id, c.start, c.end, c.kind, c.reason) for c in again] == expected
    assert len(expected) == len(here) - 2


def test_a_cancel_midway_keeps_the_batches_stored_and_says_so(
    store: CaseStore, add_text: AddText, changes: list[Change], monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.store import entities as entities_module

    monkeypatch.setattr(entities_module, "_STORE_BATCH", 3)
    monkeypatch.setattr(entities_module, "_PROGRESS_EVERY", 1)
    for index in range(6):
        add_text(f"Report {index}: Sergei Shoigu met Shoigu; שויגו נאם.", title=f"r{index}")
    shoigu = _shoigu(store)
    token = CancelToken()

    def cancel_at_the_third(update: ProgressUpdate) -> None:
        if update.done == 3:
            token.cancel()

    changes.clear()
    with pytest.raises(Cancelled):
        store.entities.find_candidates(shoigu, variants=False, progress=cancel_at_the_third, cancel=token)
    kept = store.entities.candidates(shoigu)
    assert len(kept) == 9 and len({c.source_id for c in kept}) == 3  # the batches stored before the cancel
    told = [c for c in changes if c.object_type == "candidate"]
    assert [(c.kind, sorted(c.ids)) for c in told] == [(ChangeKind.UPDATED, sorted(c.id for c in kept))]
    actions = [e.action for e in store.audit_log(object_type="entity", object_id=shoigu)]
    assert actions.count("store mention candidates") == 3 and "find mention candidates" not in actions
    assert len(store.entities.find_candidates(shoigu, variants=False)) == 18  # a new find completes it


def test_near_misses_in_worker_processes_and_matching_alongside_find_the_same(
    store: CaseStore, sources: dict[str, int], add_text: AddText, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.store import entities as entities_module

    for index in range(4):
        add_text(
            f"Shoygu in Pyongyang ({index}); בפיונגיאנג שויגו ושוייגו.\nPjongjang, Kim Jong\nUn.",
            title=str(index),
        )
    shoigu = _shoigu(store)
    place = store.entities.add("location", "Pyongyang", ["פיונגיאנג", "Pjöngjang"]).id
    store.entities.add("person", "Kim Jong Un")

    def seen(found: list[Any]) -> list[tuple[Any, ...]]:
        return [(c.entity_id, c.source_id, c.start, c.end, c.kind, c.reason, c.confidence) for c in found]

    here = seen(store.entities.find_candidates())
    assert {MatchKind.EXACT, MatchKind.PREFIXED, MatchKind.VARIANT} <= {row[4] for row in here}
    one = {entity: seen(store.entities.find_candidates(entity)) for entity in (shoigu, place)}
    monkeypatch.setattr(entities_module, "_WORKER_MIN_PAIRS", 1)  # all: near misses in the workers
    monkeypatch.setattr(entities_module, "_NEAR_WORKER_WORDS", 1)
    monkeypatch.setattr(entities_module, "_NEAR_WORKER_TOKENS", 1)
    monkeypatch.setattr(entities_module, "_ALONGSIDE_MIN_SOURCES", 0)  # one: matched while they are read
    store.entities._vocabulary = None  # read again, in a child process
    assert seen(store.entities.find_candidates()) == here
    monkeypatch.setattr(entities_module, "_WORKER_MIN_PAIRS", 10_000)
    for entity, expected in one.items():
        store.entities._vocabulary = store.entities._hyphens = None
        assert seen(store.entities.find_candidates(entity)) == expected


def test_the_index_read_in_a_child_process_is_the_one_read_here(
    store: CaseStore, sources: dict[str, int], add_text: AddText
) -> None:
    from app.store import fts_vocab

    add_text("Sergei Shoi-\ngu left Pyong-\nyang.", title="cut")
    whole, part = fts_vocab.vocabulary_query(), fts_vocab.vocabulary_query(["שו", "pyo"], ["גו", "ng"])
    apart = fts_vocab.read_apart(store.path, words=whole, cuts=True)
    apart_part = fts_vocab.read_apart(store.path, words=part, cuts=False)
    with store._read() as session:
        here = fts_vocab.read_here(session.connection(), words=whole, cuts=True)
        here_part = fts_vocab.read_here(session.connection(), words=part, cuts=False)
    assert apart == here and here.broken and "שויגו" in here.tokens.split("\n")
    assert fts_vocab.read_apart(store.path, words=None, cuts=True) == fts_vocab.IndexRead("", "", here.broken)
    tokens = here.tokens.split("\n")
    wanted = [t for t in tokens if t.startswith(("שו", "pyo")) or t[-2:] in ("גו", "ng")]
    assert apart_part == here_part and here_part.tokens.split("\n") == wanted and "pyongyang" in wanted
    counts = dict(zip(tokens, here.counts.split("\n"), strict=True))
    assert here_part.counts.split("\n") == [counts[t] for t in wanted]


def test_look_ups_many_per_statement_and_only_for_forms_the_index_has_find_the_same_sources(
    store: CaseStore, sources: dict[str, int], add_text: AddText
) -> None:
    from app.core.mentions import MentionFinder
    from app.store import fts_vocab

    add_text("ב-NK News ובNK News כתבו; لـNK News; Иркутске и Москве.", title="glued")
    names = ["Pyongyang", "פיונגיאנג", "שויגו", "شويغو", "NK News", "Иркутск", "Москва", "Nowhere"]
    terms = list(MentionFinder(names).alias_terms)
    with store._read() as session:
        connection = session.connection()
        tokens, _counts = fts_vocab.read_vocabulary(connection)
        vocabulary = set(tokens.split("\n"))
        glued = fts_vocab.glued_in_index(connection, terms)
        one_by_one = [
            fts_vocab.sources_matching(connection, str(fts_vocab.search_expression(t, glued.get(t, ()))))
            for t in terms
        ]
        pruned = [fts_vocab.search_expression(t, glued.get(t, ()), vocabulary.__contains__) for t in terms]
        together = fts_vocab.sources_matching_each(connection, [e or 'body : "nowhere"' for e in pruned])
    assert together == one_by_one and any(one_by_one) and pruned[-1] is None
    asked = sum(len(e or "") for e in pruned)
    assert asked < sum(len(str(fts_vocab.search_expression(t, glued.get(t, ())))) for t in terms) / 2


def test_a_source_added_after_a_find_is_searched_by_the_next(
    store: CaseStore, sources: dict[str, int], add_text: AddText
) -> None:
    shoigu = _shoigu(store)
    first = store.entities.find_candidates()
    added = add_text("ובשויגו דובר רבות; Shoigu.", title="later")
    again = store.entities.find_candidates()
    assert {c.source_id for c in again if c.entity_id == shoigu} == {c.source_id for c in first} | {added}


def test_a_case_whose_path_a_child_process_cannot_open_is_read_here(tmp_path: Path) -> None:
    from app.store import fts_vocab
    from tests.conftest import text_extraction

    path = tmp_path / "what?" / "case.threadline"
    path.parent.mkdir()
    text = "Sergei Shoigu flew to Pyong-\nyang; Shoygu met the press."
    with CaseStore.create(path, title="t", investigator="i", actor="tester") as store:
        extraction = text_extraction(text, title="w")
        store.add_source(text.encode(), extraction, original_filename=None, imported_by="tester")
        assert fts_vocab.read_apart(store.path, words=fts_vocab.vocabulary_query(), cuts=True) is None
        shoigu = _shoigu(store)
        place = store.entities.add("location", "Pyongyang").id
        found = [(c.entity_id, c.text, c.kind) for c in store.entities.find_candidates()]
    assert (place, "Pyong-\nyang", MatchKind.EXACT) in found and (
        shoigu,
        "Shoygu",
        MatchKind.VARIANT,
    ) in found


def test_candidates_inserted_with_sqlite_checks_off_are_checked_first_and_the_checks_come_back(
    store: CaseStore, sources: dict[str, int]
) -> None:
    from sqlalchemy.exc import IntegrityError

    from app.store import entities, fts_vocab

    entity = _shoigu(store)
    source = next(iter(sources.values()))
    good = (entity, source, 0, 6, "Sergei", "Sergei", "exact", False, 1.0, "")
    bad_rows = [
        (entity, source, 5, 5, "", "Sergei", "exact", False, 1.0, ""),  # empty span
        (entity, source, -1, 3, "Ser", "Sergei", "exact", False, 1.0, ""),
        (entity, source, 10, 16, "Sergei", "Sergei", "fuzzy", False, 1.0, ""),  # unknown kind
        (entity, source, 0, 6, "Sergei", "Sergei", "exact", False, 1.5, ""),
        (entity, source, 0, 6, "Sergei", "Sergei", "exact", False, float("nan"), ""),
    ]
    entities._check_rows([good])
    for bad in bad_rows:
        with pytest.raises(ValueError, match="CHECK constraint"):
            entities._check_rows([good, bad])
    same = {"status": "pending", "created_at": "2026-11-25 12:00:00.000000", "decided_by": ""}
    columns = entities._INSERT_COLUMNS
    with store._write() as session:
        connection = session.connection()
        fts_vocab.insert_rows(connection, "mention_candidates", columns, [good], same, checked=True)
        # the same statement without ``checked`` is checked by SQLite again (the pragma is back off)
        with pytest.raises(IntegrityError, match="CHECK constraint failed"):
            fts_vocab.insert_rows(connection, "mention_candidates", columns, [bad_rows[2]], same)
        assert connection.exec_driver_sql("PRAGMA ignore_check_constraints").scalar_one() == 0
    assert [(c.start, c.end, c.kind) for c in store.entities.candidates(entity)] == [(0, 6, MatchKind.EXACT)]
