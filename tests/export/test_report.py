"""Report assembly on a real case: which events, in which order, cited how, indexed how."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from app.core.dates import parse
from app.core.errors import InvalidValue, NotFound
from app.core.event_records import LaneGrouping
from app.core.records import Confidence
from app.export.report import (
    ReportFilters,
    ReportOptions,
    ReportPart,
    assemble_report,
    confidences_at_least,
    event_date_text,
    load_report,
)
from app.store import CaseStore
from tests.export.casefile import Built


@pytest.fixture
def store(built: Built) -> Iterator[CaseStore]:
    with CaseStore.open(built.path) as opened:
        yield opened


def titles(report: object) -> list[str]:
    return [entry.event.title for entry in report.entries]  # type: ignore[attr-defined]


def test_chronology_is_in_time_order_with_undated_last(store: CaseStore, built: Built) -> None:
    report = load_report(store)
    ids = [entry.event.id for entry in report.entries]
    ev = built.events
    assert ids == [
        ev["earlier"],  # December 2019 or earlier: an open start comes first
        ev["seen2019"],  # c. 2019 (from 2018 with the margin)
        ev["cargo"],  # summer 2023 starts in June
        ev["landing"],
        ev["stay"],
        ev["talks"],
        ev["departure"],
        ev["denial"],
        ev["rumour"],  # undated
    ]
    assert [entry.number for entry in report.entries] == list(range(1, 10))
    assert report.entries[-1].undated and report.entries[-1].date_text == "Undated"


def test_entries_say_when_their_order_is_not_established(store: CaseStore, built: Built) -> None:
    report = load_report(store)
    by_id = {entry.event.id: entry for entry in report.entries}
    ev = built.events
    assert not by_id[ev["earlier"]].overlaps_previous  # the first
    assert by_id[ev["seen2019"]].overlaps_previous  # "before Dec 2019" may be c. 2019
    assert not by_id[ev["cargo"]].overlaps_previous  # summer 2023 is after 2019, surely
    assert by_id[ev["landing"]].overlaps_previous  # 31 July lies in summer 2023
    assert by_id[ev["departure"]].overlaps_previous  # 1 August 14:05 lies in the talks' 1–10 August
    assert not by_id[ev["rumour"]].overlaps_previous  # undated: no claim either way


def test_dates_are_as_precise_as_known(store: CaseStore, built: Built) -> None:
    texts = {entry.event.id: entry.date_text for entry in load_report(store).entries}
    ev = built.events
    assert texts[ev["earlier"]] == "December 2019 or earlier"
    assert texts[ev["seen2019"]] == "c. 2019"
    assert texts[ev["cargo"]] == "summer 2023"
    assert texts[ev["stay"]] == "31 Jul – 3 Aug 2023"
    assert texts[ev["talks"]] == "1–10 August 2023"
    assert texts[ev["departure"]] == "1 August 2023, 14:05 (UTC+9)"


def test_each_quote_cites_a_source_numbered_once_in_order_of_first_citation(
    store: CaseStore, built: Built
) -> None:
    report = load_report(store)
    numbers = [quote.source_number for entry in report.entries for quote in entry.quotes]
    first_seen = list(dict.fromkeys(numbers))
    assert first_seen == list(range(1, len(report.sources) + 1))
    assert [entry.number for entry in report.sources] == first_seen
    by_number = {entry.number: entry for entry in report.sources}
    for entry in report.entries:
        for quote in entry.quotes:
            assert by_number[quote.source_number].source.id == quote.evidence.source_id
            assert entry.number in by_number[quote.source_number].cited_in
    cited = {entry.source.id for entry in report.sources}
    assert built.sources["uncited"] not in cited
    assert len(cited) == len(report.sources) == 5
    assert sum(entry.quotes for entry in report.sources) == report.quote_count == 10


def test_quotes_carry_their_place_in_the_source(store: CaseStore, built: Built) -> None:
    report = load_report(store)
    pdf_quotes = [q for e in report.entries for q in e.quotes if q.evidence.source_id == built.sources["pdf"]]
    assert {q.evidence.page for q in pdf_quotes} == {1, 2}
    assert all(re.fullmatch(r"p\. \d, characters \d+–\d+", q.locator) for q in pdf_quotes)
    for entry in report.entries:
        for quote in entry.quotes:
            text = store.source_text(quote.evidence.source_id)
            assert text[quote.evidence.start : quote.evidence.end] == quote.evidence.quote


def test_entity_index_lists_entries_by_name(store: CaseStore, built: Built) -> None:
    report = load_report(store)
    numbers = {entry.event.id: entry.number for entry in report.entries}
    index = {item.entity_id: item for item in report.index}
    e, ev = built.entities, built.events
    assert index[e["pyongyang"]].entries == (numbers[ev["landing"]], numbers[ev["stay"]])
    assert index[e["pyongyang"]].roles == ("destination", "place")
    assert index[e["koryo"]].type_label == "Organisation"
    assert [item.name for item in report.index] == sorted(
        (item.name for item in report.index), key=str.casefold
    )


def test_filters_choose_events(store: CaseStore, built: Built) -> None:
    ev, e = built.events, built.entities

    def ids(**filters: object) -> set[int]:
        report = load_report(store, ReportOptions(filters=ReportFilters(**filters)))  # type: ignore[arg-type]
        return {entry.event.id for entry in report.entries}

    assert ids(date_from="2023-08-02") == {ev["cargo"], ev["stay"], ev["talks"], ev["denial"]}
    assert ids(date_to="2019") == {ev["earlier"], ev["seen2019"]}  # "2019" runs to its last second
    assert ev["rumour"] not in ids(date_from="2000")  # undated events drop out of a date range
    assert ids(tags=("flights",)) == {ev["landing"], ev["departure"]}
    assert ids(entity_ids=(e["delegation"],)) == {ev["stay"], ev["talks"]}
    assert ids(categories=("meeting", "statement")) == {ev["stay"], ev["talks"], ev["denial"]}
    assert ev["landing"] not in ids(include_disputed=False)
    assert ev["rumour"] not in ids(include_undated=False)
    probable = ids(min_confidence=Confidence.PROBABLE)
    assert probable and all(
        store.events.get(i).confidence in confidences_at_least(Confidence.PROBABLE) for i in probable
    )
    assert ev["seen2019"] not in ids(min_confidence=Confidence.DOUBTFUL)  # "unknown" ranks below doubtful


def test_filters_are_described_for_the_reader(store: CaseStore, built: Built) -> None:
    filters = ReportFilters(
        date_from="2023-07",
        tags=("flights",),
        entity_ids=(built.entities["koryo"],),
        min_confidence=Confidence.POSSIBLE,
        include_disputed=False,
    )
    report = load_report(store, ReportOptions(filters=filters))
    assert report.filter_summary == (
        "Events that may lie on or after 2023-07",
        "Tagged “flights”",
        "With Air Koryo taking part",
        "Confidence possible or better",
        "Disputed events left out",
    )
    assert report.total_events == 9


def test_mistakes_in_filters_are_explained(store: CaseStore) -> None:
    with pytest.raises(InvalidValue, match=r"No event has the tag “nope”.*flights, meetings"):
        load_report(store, ReportOptions(filters=ReportFilters(tags=("nope",))))
    with pytest.raises(InvalidValue, match="“from” date"):
        load_report(store, ReportOptions(filters=ReportFilters(date_from="the day after")))
    with pytest.raises(InvalidValue, match="after its “to” date"):
        load_report(store, ReportOptions(filters=ReportFilters(date_from="2024", date_to="2023")))
    with pytest.raises(NotFound):
        load_report(store, ReportOptions(filters=ReportFilters(entity_ids=(999,))))


def test_chart_rows_are_the_chronology_events(store: CaseStore, built: Built) -> None:
    options = ReportOptions(filters=ReportFilters(include_disputed=False), lanes=LaneGrouping.CATEGORY)
    report = load_report(store, options)
    assert report.timeline is not None
    assert set(report.timeline.ids) == {entry.event.id for entry in report.entries}
    assert built.events["landing"] not in report.timeline.ids
    assert dict(report.timeline.lane_labels).keys() <= {"meeting", "movement", "statement", ""}
    no_chart = load_report(store, ReportOptions(parts=frozenset({ReportPart.CHRONOLOGY})))
    assert no_chart.timeline is None


def test_assembly_is_pure_and_keeps_the_given_order(store: CaseStore) -> None:
    report = load_report(store)
    events = [entry.event for entry in reversed(report.entries)]
    sources = {entry.source.id: entry.source for entry in report.sources}
    again = assemble_report(report.case, events, sources)
    assert [entry.event.id for entry in again.entries] == [event.id for event in events]
    with pytest.raises(NotFound, match="missing"):
        assemble_report(report.case, events, {})


def test_event_date_text_joins_start_and_end(store: CaseStore, built: Built) -> None:
    event = store.events.get(built.events["stay"])
    assert event_date_text(event) == "31 Jul – 3 Aug 2023"
    assert event_date_text(event, "he").endswith("2023")
    ranged = store.events.get(built.events["talks"])
    assert ranged.start == parse("2023-08-01/2023-08-10")


def test_a_quote_running_onto_the_next_page_cites_both_pages(store: CaseStore, built: Built) -> None:
    from app.store.events import NewEvidence

    text = store.source_text(built.sources["pdf"])
    start = text.index("earlier years")
    end = text.index("Cargo was unloaded") + len("Cargo was unloaded")
    edit = store.events.create(
        "Across the page break",
        parse("2023"),
        evidence=[NewEvidence(built.sources["pdf"], start, end, quote=text[start:end])],
    )
    report = load_report(store)
    [entry] = [e for e in report.entries if e.event.id == edit.object_id]
    assert entry.quotes[0].locator == f"pp. 1–2, characters {start}–{end}"
    one_page = [
        q for e in report.entries for q in e.quotes if q.evidence.quote.startswith("Cargo was unloaded at")
    ]
    assert one_page and all(q.locator.startswith("p. 2, ") for q in one_page)
