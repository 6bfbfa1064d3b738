"""What a timeline report contains, decided without Qt: the events chosen, their order, citations, index.

``load_report`` reads the case through the store and hands the records to ``assemble_report``, which is
pure: the PDF writer, the TimelineJS export and the tests all read the same ``Report``.

**Order.** The chronology follows the store's date order (``EventRepository.event_ids`` with ``BY_DATE``):
by earliest possible instant, then latest, with the investigator's order inside a day where one was set;
undated events come last. That is a *reading* order, not a claim. An entry whose possible range overlaps
the previous entry's (neither is definitely before the other) says so (``overlaps_previous``), and an
entry placed by the investigator's same-day order says that instead of pretending the dates decided it.

**Citations.** Every quote cites the numbered source it comes from: ``[n]`` is the number of the source in
the report's list of sources, numbered in order of first citation, each source listed once. A quote also
carries its locator (page for paged sources, and always the code-point span in the source's stored
text), so a reader can find the words in the original.

**Entity index.** Each entity taking part in a reported event (a participant, in any role) lists the
chronology entries it appears in; entities only mentioned in a quote are not participants and are not
indexed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from app.core.dates import UncertainDate, display, parse_user_input
from app.core.errors import InvalidValue, NotFound
from app.core.event_records import (
    CONFIDENCE_RANK,
    EventDetail,
    EventFilter,
    EvidenceRecord,
    LaneGrouping,
    TimelineRows,
)
from app.core.progress import CancelToken, ProgressSink, ProgressUpdate, ignore_progress
from app.core.records import CaseInfo, Confidence, SourceDetail
from app.store import CaseStore

_DETAILS_CHUNK = 200  # events read per call, between progress reports and cancel checks
_LISTED = 12  # entities named in the message about an unknown one


class ReportPart(StrEnum):
    COVER = "cover"
    CHART = "chart"
    CHRONOLOGY = "chronology"
    SOURCES = "sources"
    INDEX = "index"


ALL_PARTS = frozenset(ReportPart)


@dataclass(frozen=True)
class ReportFilters:
    """Which events a report covers; every condition given must hold.

    ``date_from``/``date_to`` are dates as the user types them (EDTF, ISO or natural text): the report keeps
    events that *may* lie between the earliest instant of ``date_from`` and the latest of ``date_to``, so
    "2023" as ``date_to`` runs to the end of 2023. ``tags`` are tag names, ``entity_ids`` participants
    (any of them), ``categories`` event categories. ``min_confidence`` keeps events at least that sure
    ("unknown" counts below "doubtful"). Undated events are kept only without a date range.
    """

    date_from: str | None = None
    date_to: str | None = None
    tags: tuple[str, ...] = ()
    entity_ids: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()
    min_confidence: Confidence | None = None
    include_disputed: bool = True
    include_undated: bool = True


@dataclass(frozen=True)
class ReportOptions:
    filters: ReportFilters = field(default_factory=ReportFilters)
    parts: frozenset[ReportPart] = ALL_PARTS
    include_notes: bool = False
    marking: str = ""  # a classification or handling marking, e.g. "CONFIDENTIAL – LEGAL PRIVILEGE"
    lanes: LaneGrouping = LaneGrouping.NONE  # the chart's lanes, as in the app's timeline
    locale: str = "en"  # for dates: "en", "he" or "ar"
    time_zone: str = "UTC"  # the chart's times and the stamps: "UTC" or an IANA name (the display zone)


@dataclass(frozen=True)
class CitedQuote:
    """One evidence quote of an entry and the numbered source it cites."""

    evidence: EvidenceRecord
    source_number: int

    @property
    def locator(self) -> str:
        """Where the quote is in the source: the page (if the source has pages) and the code-point span."""
        span = f"characters {self.evidence.start}–{self.evidence.end}"
        pages = self.evidence.pages
        return f"{pages}, {span}" if pages else span


@dataclass(frozen=True)
class ChronologyEntry:
    number: int
    event: EventDetail
    date_text: str  # exactly as precise as known: dates.display of start (and end)
    quotes: tuple[CitedQuote, ...]
    overlaps_previous: bool  # the dates do not establish that it came after the previous entry
    ordered_by_hand: bool  # the investigator's same-day order placed it

    @property
    def undated(self) -> bool:
        return self.event.start is None


@dataclass(frozen=True)
class SourceEntry:
    number: int
    source: SourceDetail
    cited_in: tuple[int, ...]  # chronology entry numbers
    quotes: int


@dataclass(frozen=True)
class IndexEntry:
    entity_id: int
    name: str
    type_key: str
    type_label: str
    entries: tuple[int, ...]  # chronology entry numbers, ascending
    roles: tuple[str, ...]  # the roles it has in those events (without the empty role)


@dataclass(frozen=True, eq=False)
class Report:
    case: CaseInfo
    generated_at: datetime
    options: ReportOptions
    filter_summary: tuple[str, ...]  # the filters in words, for the cover ("" = none)
    total_events: int  # events in the whole case
    entries: tuple[ChronologyEntry, ...]
    sources: tuple[SourceEntry, ...]
    index: tuple[IndexEntry, ...]
    timeline: TimelineRows | None = None  # the chart's rows (the entries' events) when the chart is wanted

    @property
    def quote_count(self) -> int:
        return sum(len(entry.quotes) for entry in self.entries)

    def entry_numbers(self) -> dict[int, int]:
        """Event id → chronology number."""
        return {entry.event.id: entry.number for entry in self.entries}


# --- filters --------------------------------------------------------------------------------------------


def confidences_at_least(level: Confidence) -> frozenset[Confidence]:
    rank = CONFIDENCE_RANK[level]
    return frozenset(value for value, other in CONFIDENCE_RANK.items() if other <= rank)


def read_date(text: str, what: str) -> UncertainDate:
    try:
        return parse_user_input(text)
    except InvalidValue as exc:
        raise InvalidValue(f"The report's “{what}” date: {exc.message}") from None


def event_filter(filters: ReportFilters, tag_ids: Mapping[str, int]) -> EventFilter:
    """The store filter for ``filters``; ``tag_ids`` maps the case's tag names to ids.

    Disputed events are excluded afterwards (``assemble_report``): the store can only select them.
    """
    earliest = latest = None
    if filters.date_from:
        earliest = read_date(filters.date_from, "from").bounds_epoch()[0]
    if filters.date_to:
        latest = read_date(filters.date_to, "to").bounds_epoch()[1]
    if earliest is not None and latest is not None and earliest > latest:
        raise InvalidValue("The report's “from” date is after its “to” date.")
    unknown = [name for name in filters.tags if name not in tag_ids]
    if unknown:
        known = ", ".join(sorted(tag_ids)) or "none"
        raise InvalidValue(f"No event has the tag “{unknown[0]}” (tags on events: {known}).")
    return EventFilter(
        earliest=earliest,
        latest=latest,
        tag_ids=frozenset(tag_ids[name] for name in filters.tags),
        entity_ids=frozenset(filters.entity_ids),
        categories=frozenset(filters.categories),
        confidences=frozenset()
        if filters.min_confidence is None
        else confidences_at_least(filters.min_confidence),
        undated=filters.include_undated,
    )


def check_filter_names(store: CaseStore, filters: ReportFilters) -> None:
    """Refuse a category or entity the case does not have, naming the ones it has (as for tags, in
    ``event_filter``): a mistyped name must not quietly give an empty report."""
    if filters.categories:
        known = store.events.categories()
        unknown = [name for name in filters.categories if name not in known]
        if unknown:
            listed = ", ".join(known) or "none"
            raise InvalidValue(f"No event has the category “{unknown[0]}” (categories of events: {listed}).")
    if filters.entity_ids:
        entities = {summary.id: summary for summary in store.entities.list_entities()}
        missing = [entity_id for entity_id in filters.entity_ids if entity_id not in entities]
        if missing:
            taking_part = [summary for summary in entities.values() if summary.events]
            listed = ", ".join(f"#{summary.id} {summary.name}" for summary in taking_part[:_LISTED])
            more = f" and {len(taking_part) - _LISTED} more" if len(taking_part) > _LISTED else ""
            raise NotFound(
                f"No entity #{missing[0]} in this case (entities taking part in events: "
                f"{listed or 'none'}{more}; see threadline entity list)."
            )


def describe_filters(filters: ReportFilters, entity_names: Mapping[int, str]) -> tuple[str, ...]:
    """The filters in words, one line each, for the cover: a reader must know what was left out."""
    lines: list[str] = []
    if filters.date_from and filters.date_to:
        lines.append(f"Events that may lie between {filters.date_from} and {filters.date_to}")
    elif filters.date_from:
        lines.append(f"Events that may lie on or after {filters.date_from}")
    elif filters.date_to:
        lines.append(f"Events that may lie on or before {filters.date_to}")
    if filters.tags:
        lines.append("Tagged " + " or ".join(f"“{tag}”" for tag in filters.tags))
    if filters.entity_ids:
        names = [entity_names.get(entity_id, f"#{entity_id}") for entity_id in filters.entity_ids]
        lines.append("With " + " or ".join(names) + " taking part")
    if filters.categories:
        lines.append("In the categories " + ", ".join(f"“{name}”" for name in filters.categories))
    if filters.min_confidence is not None:
        lines.append(f"Confidence {filters.min_confidence.value} or better")
    if not filters.include_disputed:
        lines.append("Disputed events left out")
    if not filters.include_undated and not (filters.date_from or filters.date_to):
        lines.append("Undated events left out")
    return tuple(lines)


# --- assembly (pure) ------------------------------------------------------------------------------------


def event_date_text(event: EventDetail, locale: str = "en") -> str:
    """The event's date as precise as it is known: "31 July – 2 August 2023", "c. 2019", "before 2019"."""
    if event.start is None:
        return "Undated"
    if event.end is None:
        return display(event.start, locale)
    if not event.start.is_interval and not event.end.is_interval:
        try:
            return display(UncertainDate.between(event.start.start, event.end.start), locale)
        except InvalidValue:
            pass
    return f"{display(event.start, locale)} – {display(event.end, locale)}"


def _overlap(previous: EventDetail, event: EventDetail) -> bool:
    """True when the dates do not put ``event`` after ``previous`` (both dated; latest is inclusive)."""
    if previous.latest is None or event.earliest is None:
        return True
    return not previous.latest < event.earliest


def assemble_report(
    case: CaseInfo,
    events: Sequence[EventDetail],
    sources: Mapping[int, SourceDetail],
    *,
    options: ReportOptions = ReportOptions(),
    generated_at: datetime | None = None,
    total_events: int | None = None,
    entity_types: Mapping[str, str] | None = None,
    entity_names: Mapping[int, str] | None = None,
    timeline: TimelineRows | None = None,
) -> Report:
    """The report of ``events`` (in the store's date order), citing ``sources`` (by id).

    Disputed events are dropped here when ``options.filters.include_disputed`` is off; every other filter
    was applied by the store. ``entity_types`` maps type keys to labels for the index.
    """
    kept = [event for event in events if options.filters.include_disputed or not event.disputed]
    source_numbers: dict[int, int] = {}
    cited_in: dict[int, list[int]] = defaultdict(list)
    quote_counts: dict[int, int] = defaultdict(int)
    entries: list[ChronologyEntry] = []
    previous: EventDetail | None = None
    for number, event in enumerate(kept, start=1):
        quotes = []
        for evidence in event.evidence:
            if evidence.source_id not in sources:
                raise NotFound(f"Event #{event.id} quotes source #{evidence.source_id}, which is missing.")
            source_number = source_numbers.setdefault(evidence.source_id, len(source_numbers) + 1)
            quotes.append(CitedQuote(evidence, source_number))
            quote_counts[evidence.source_id] += 1
            if number not in cited_in[evidence.source_id]:
                cited_in[evidence.source_id].append(number)
        dated = event.start is not None
        overlaps = dated and previous is not None and previous.start is not None and _overlap(previous, event)
        entries.append(
            ChronologyEntry(
                number=number,
                event=event,
                date_text=event_date_text(event, options.locale),
                quotes=tuple(quotes),
                overlaps_previous=overlaps,
                ordered_by_hand=event.same_day_order is not None,
            )
        )
        previous = event
    source_entries = tuple(
        SourceEntry(number, sources[source_id], tuple(cited_in[source_id]), quote_counts[source_id])
        for source_id, number in source_numbers.items()
    )
    entry_ids = {entry.event.id for entry in entries}
    rows = None if timeline is None else _rows_of(timeline, entry_ids)
    return Report(
        case=case,
        generated_at=generated_at or datetime.now(UTC),
        options=options,
        filter_summary=describe_filters(options.filters, entity_names or {}),
        total_events=len(events) if total_events is None else total_events,
        entries=tuple(entries),
        sources=source_entries,
        index=entity_index(entries, entity_types or {}),
        timeline=rows,
    )


def entity_index(
    entries: Sequence[ChronologyEntry], type_labels: Mapping[str, str]
) -> tuple[IndexEntry, ...]:
    """Every participant of the entries, by name (case-insensitive), with the entries it appears in."""
    found: dict[int, tuple[str, str]] = {}
    numbers: dict[int, list[int]] = defaultdict(list)
    roles: dict[int, list[str]] = defaultdict(list)
    for entry in entries:
        for person in entry.event.participants:
            found[person.entity_id] = (person.name, person.type_key)
            if entry.number not in numbers[person.entity_id]:
                numbers[person.entity_id].append(entry.number)
            if person.role and person.role not in roles[person.entity_id]:
                roles[person.entity_id].append(person.role)
    index = [
        IndexEntry(
            entity_id,
            name,
            type_key,
            type_labels.get(type_key, type_key),
            tuple(numbers[entity_id]),
            tuple(roles[entity_id]),
        )
        for entity_id, (name, type_key) in found.items()
    ]
    return tuple(sorted(index, key=lambda item: (item.name.casefold(), item.entity_id)))


def _rows_of(rows: TimelineRows, keep: set[int]) -> TimelineRows:
    """``rows`` restricted to the events in ``keep`` (the chart shows exactly the chronology's events)."""
    chosen = [index for index, event_id in enumerate(rows.ids) if event_id in keep]
    if len(chosen) == len(rows.ids):
        return rows

    def pick(values: Sequence[object]) -> tuple[object, ...]:
        return tuple(values[index] for index in chosen)

    used = {key for index in chosen for key in rows.lane_keys[index]}
    return TimelineRows(
        grouping=rows.grouping,
        ids=pick(rows.ids),  # type: ignore[arg-type]
        titles=pick(rows.titles),  # type: ignore[arg-type]
        lane_keys=pick(rows.lane_keys),  # type: ignore[arg-type]
        earliest=pick(rows.earliest),  # type: ignore[arg-type]
        latest=pick(rows.latest),  # type: ignore[arg-type]
        certain_start=pick(rows.certain_start),  # type: ignore[arg-type]
        certain_end=pick(rows.certain_end),  # type: ignore[arg-type]
        flags=pick(rows.flags),  # type: ignore[arg-type]
        confidence=pick(rows.confidence),  # type: ignore[arg-type]
        evidence_count=pick(rows.evidence_count),  # type: ignore[arg-type]
        lane_labels=tuple(label for label in rows.lane_labels if label[0] in used),
    )


# --- reading the case -----------------------------------------------------------------------------------


def load_report(
    store: CaseStore,
    options: ReportOptions = ReportOptions(),
    *,
    progress: ProgressSink = ignore_progress,
    cancel: CancelToken | None = None,
    generated_at: datetime | None = None,
) -> Report:
    """Read what the report needs from the case (one call per chunk of events) and assemble it."""
    events_repo = store.events
    tags = {tag.name: tag.id for tag in events_repo.event_tags()}
    filters = options.filters
    check_filter_names(store, filters)
    query = event_filter(filters, tags)
    ids = events_repo.event_ids(query)
    total = len(ids)
    details: list[EventDetail] = []
    progress(ProgressUpdate(0, total, "Reading events"))
    for start in range(0, total, _DETAILS_CHUNK):
        if cancel is not None:
            cancel.raise_if_cancelled()
        details.extend(events_repo.details(ids[start : start + _DETAILS_CHUNK]))
        progress(ProgressUpdate(len(details), total, "Reading events"))
    source_ids = dict.fromkeys(quote.source_id for event in details for quote in event.evidence)
    sources = {source_id: store.source(source_id) for source_id in source_ids}
    timeline = None
    if ReportPart.CHART in options.parts:
        timeline = events_repo.timeline_rows(query, options.lanes)
    types = {record.key: record.label for record in store.entities.list_types()}
    names = {entity_id: store.entities.get(entity_id).name for entity_id in filters.entity_ids}
    return assemble_report(
        store.case_info(),
        details,
        sources,
        options=options,
        generated_at=generated_at,
        total_events=events_repo.count(),
        entity_types=types,
        entity_names=names,
        timeline=timeline,
    )
