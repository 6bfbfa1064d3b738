"""``EventRepository``: events, their dates, evidence, participants, tags and notes, and the dates in sources.

Reached as ``store.events``. Like the rest of the ``CaseStore`` facade, each public method is one
transaction and returns frozen records (``app.core.event_records``). Every edit writes an audit row in its
transaction, notifies ``Change``\\ s after the commit ("event"; "evidence" too when quotes change, so the
reader can redraw its highlights) and returns an ``EventEdit`` that ``revert``/``reapply`` take to undo and
redo it; those are audited edits as well ("undo link evidence").

Values derived from an event – its bounds, certain span, folded text, evidence count, disputed flag and
suggested confidence – are recomputed in the transaction of every change that can alter them and kept in
``event_derived`` (schema 0003), so the timeline, the table and the filters read them in SQL. The confidence
rule is ``app.core.event_records.assess_confidence``. A source's reliability is part of the rule: whoever
changes it calls ``source_reliability_changed`` in the same transaction.

Date expressions in sources are found by ``app.core.date_extraction`` and stored in ``source_dates``, with
a ``source_date_scans`` row saying which extractor version and which publication date and language they
were found with; ``dates_in`` finds them again when any of those changed, ``ensure_dates_extracted`` does
it for the whole case, and ``record_dates`` is called by ``CaseStore.add_source`` so imports store them at
once.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Table,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.date_extraction import DateMention
from app.core.dates import UncertainDate, normalize_edtf, parse
from app.core.errors import InvalidValue, NotFound
from app.core.event_records import (
    ALL_EVENTS,
    BY_DATE,
    CONFIDENCE_RANK,
    DAY_SECONDS,
    ConfidenceAssessment,
    EventDetail,
    EventDraft,
    EventEdit,
    EventFilter,
    EventOrder,
    EventSortKey,
    EventSummary,
    EvidenceGrade,
    EvidenceHighlight,
    EvidenceRecord,
    Histogram,
    LaneGrouping,
    LaneKey,
    NoteRecord,
    ParticipantRecord,
    RowUpdate,
    SourceDateRecord,
    StoredRow,
    TagRecord,
    TimelineRows,
    assess_confidence,
    certain_span,
    checked_confidence,
    checked_credibility,
    checked_dates,
    checked_stance,
    checked_title,
    date_extractor_version,
    day_of,
    event_bounds,
    event_flags,
    page_of,
    title_from_quote,
    values_of,
    within_one_day,
)
from app.core.folding import fold
from app.core.progress import CancelToken, ProgressSink, ProgressUpdate, ignore_progress
from app.core.records import Change, ChangeKind, Confidence, Stance
from app.core.source_prep import find_source_dates
from app.core.textnorm import span_problem
from app.store import audit
from app.store.models import (
    Base,
    Entity,
    EntityType,
    Event,
    Evidence,
    Mention,
    Note,
    Participation,
    Source,
    SourceText,
    Tag,
    Tagging,
    utc_now,
)
from app.store.models_events import EventDerived, SourceDate, SourceDateScan
from app.store.source_dates import delete_dates, insert_dates

if TYPE_CHECKING:
    from app.store.casestore import CaseStore

DateInput = UncertainDate | str | None
_AnySelect = TypeVar("_AnySelect", bound=Select[*tuple[Any, ...]])
EDITABLE_EVENT_FIELDS = frozenset({"title", "description", "category", "start", "end"})
EDITABLE_EVIDENCE_FIELDS = frozenset({"stance", "credibility", "note"})
#: How far from a selection a date expression still counts as "near" it (code points, same paragraph).
NEAR_SELECTION = 300
_CHUNK = 500  # ids per IN (…) list: well under SQLite's variable limit
_SCAN_BATCH = 100  # sources per transaction while finding dates in the whole case


@dataclasses.dataclass(frozen=True)
class NewEvidence:
    """A quote to link when creating an event."""

    source_id: int
    start: int
    end: int
    stance: Stance | str = Stance.SUPPORTS
    credibility: int = 6
    note: str = ""
    quote: str | None = None  # when given, the text at start:end must be exactly this


@dataclasses.dataclass(frozen=True)
class NewParticipant:
    entity_id: int
    role: str = ""


class EventRepository:
    """Events of one case; see the module docstring."""

    def __init__(self, store: CaseStore) -> None:
        self._store = store

    # -- creating and deleting ----------------------------------------------------------------------------

    def create(
        self,
        title: str,
        start: DateInput = None,
        end: DateInput = None,
        *,
        description: str = "",
        category: str = "",
        evidence: Iterable[NewEvidence] = (),
        participants: Iterable[NewParticipant | int] = (),
        tags: Iterable[str] = (),
    ) -> EventEdit:
        """A new event, with its first quotes, participants and tags; ``edit.object_id`` is its id."""
        title = checked_title(title)
        start_value, end_value = as_date(start, "start"), as_date(end, "end")
        checked_dates(start_value, end_value)
        quotes = list(evidence)
        people = [p if isinstance(p, NewParticipant) else NewParticipant(p) for p in participants]
        tag_names = _unique_ignoring_case(map(_checked_tag_name, tags))

        def build(session: Session) -> EventEdit:
            now = utc_now()
            earliest, latest = event_bounds(start_value, end_value)
            event_id = _insert(
                session,
                Event,
                title=title,
                description=description,
                start_edtf=None if start_value is None else start_value.to_edtf(),
                end_edtf=None if end_value is None else end_value.to_edtf(),
                earliest=earliest,
                latest=latest,
                category=category.strip(),
                confidence=Confidence.UNKNOWN,
                confidence_overridden=False,
                same_day_order=None,
                created_at=now,
                updated_at=now,
            )
            for quote in quotes:
                _insert_evidence(session, event_id, quote, now)
            for person in people:
                _insert_participant(session, event_id, person.entity_id, person.role)
            new_tags = [row for name in tag_names for row in _tag_event(session, event_id, name)[1]]
            rows = _event_rows(session, event_id, new_tags)
            return EventEdit("create event", (event_id,), "event", event_id, inserted=tuple(rows))

        return self._commit(build, touch=False)

    def suggest_from_selection(self, source_id: int, start: int, end: int) -> EventDraft:
        """What an event made from a selected quote would be: its title, date and participants.

        Participants are the entities with a mention inside the quote. The date is the first resolvable
        date expression in the quote, else the nearest one in the same sentence; dates elsewhere in the
        paragraph (within ``NEAR_SELECTION`` characters, nearest first) are only offered as
        ``date_candidates``: a date from another sentence may belong to another happening, and an event
        must not silently take it.
        """
        with self._store._read() as session:
            text, _pages = _source_text(session, source_id)
            quote = _checked_span(text, start, end, None)
            people = _mentioned_entities(session, source_id, start, end)
        candidates = _date_candidates(self.dates_in(source_id), text, start, end)
        return EventDraft(
            source_id=source_id,
            start=start,
            end=end,
            quote=quote,
            title=title_from_quote(quote),
            date=candidates[0] if candidates and _same_sentence(text, candidates[0], start, end) else None,
            date_candidates=tuple(candidates),
            participants=tuple(people),
        )

    def create_from_selection(
        self, source_id: int, start: int, end: int, title: str | None = None
    ) -> EventEdit:
        """The "New event from selection" command: the quote as supporting evidence, with the suggested
        date and participants (``suggest_from_selection``)."""
        draft = self.suggest_from_selection(source_id, start, end)
        date_value = draft.date.value if draft.date is not None else None
        return self.create(
            title or draft.title,
            date_value,
            evidence=[NewEvidence(source_id, start, end, quote=draft.quote)],
            participants=[NewParticipant(person.entity_id) for person in draft.participants],
        )

    def delete(self, event_id: int) -> EventEdit:
        """Delete an event with its quotes, participants, tags and notes; ``restore`` (or ``revert``)
        brings it all back with the same ids."""

        def build(session: Session) -> EventEdit:
            rows = _event_rows(session, _event_id(session, event_id), [])
            edit = EventEdit("delete event", (event_id,), "event", event_id, deleted=tuple(rows))
            _apply(session, edit)
            return edit

        return self._commit(build)

    def restore(self, deletion: EventEdit) -> EventEdit:
        """Undo ``delete``."""
        return self.revert(deletion)

    # -- undo and redo --------------------------------------------------------------------------------------

    def revert(self, edit: EventEdit) -> EventEdit:
        """Undo ``edit`` (any edit this repository returned); returns what the undo did."""
        return self._replay(dataclasses.replace(edit.inverse(), action=f"undo {edit.action}"))

    def reapply(self, edit: EventEdit) -> EventEdit:
        """Redo ``edit`` after ``revert``."""
        return self._replay(dataclasses.replace(edit, action=f"redo {edit.action}"))

    # -- fields ---------------------------------------------------------------------------------------------

    def update(self, event_id: int, changes: Mapping[str, object]) -> EventEdit:
        """Change title, description (Markdown), category, start or end.

        Moving an event to another day drops its same-day order, which only meant something on that day.
        """
        unknown = sorted(set(changes) - EDITABLE_EVENT_FIELDS)
        if unknown:
            raise InvalidValue(f"These event fields cannot be edited: {', '.join(unknown)}.")

        def build(session: Session) -> EventEdit:
            row = _event(session, event_id)
            after = _event_field_values(row, changes)
            start = as_date(after.get("start_edtf", row.start_edtf), "start")
            end = as_date(after.get("end_edtf", row.end_edtf), "end")
            checked_dates(start, end)
            earliest, latest = event_bounds(start, end)
            if row.same_day_order is not None and not _same_day(row.earliest, earliest, latest):
                after["same_day_order"] = None
            return _field_edit(session, "edit event", "events", event_id, row, after)

        return self._commit(build)

    def set_confidence(self, event_id: int, confidence: Confidence | str) -> EventEdit:
        """Override the suggested confidence; the event keeps it until ``clear_confidence_override``."""
        level = checked_confidence(confidence)

        def build(session: Session) -> EventEdit:
            row = _event(session, event_id)
            after = {"confidence": level, "confidence_overridden": True}
            return _field_edit(session, "override confidence", "events", event_id, row, after)

        return self._commit(build)

    def clear_confidence_override(self, event_id: int) -> EventEdit:
        """Go back to the confidence the evidence suggests."""

        def build(session: Session) -> EventEdit:
            row = _event(session, event_id)
            suggested = _assessments(session, [event_id])[event_id].suggested
            after = {"confidence": suggested, "confidence_overridden": False}
            return _field_edit(session, "clear confidence override", "events", event_id, row, after)

        return self._commit(build)

    def set_same_day_order(self, event_ids: Sequence[int]) -> EventEdit:
        """Put events of one day in the given order (the timeline and the table follow it on that day).

        Every event must lie within a single calendar day, the same for all of them.
        """
        ids = list(dict.fromkeys(event_ids))

        def build(session: Session) -> EventEdit:
            rows = [_event(session, event_id) for event_id in ids]
            days = {_day_within(row.earliest, row.latest) for row in rows}
            if len(days) != 1 or None in days:
                raise InvalidValue("Only events of one and the same day can be put in order.")
            updates = [
                _row_update("events", row.id, row, {"same_day_order": position})
                for position, row in enumerate(rows, start=1)
            ]
            return _updates_edit(session, "order events of a day", ids, updates)

        return self._commit(build)

    def move_within_day(self, event_id: int, step: int) -> EventEdit:
        """Move an event ``step`` places earlier (negative) or later among the events of its day, in one
        edit; every event of that day then has an explicit order (as the investigator now sees it)."""

        def build(session: Session) -> EventEdit:
            ids = _same_day_ids(session, event_id)
            if event_id not in ids:
                raise InvalidValue("Only an event within a single day can be put in order with others.")
            position = ids.index(event_id)
            target = position + step
            if not 0 <= target < len(ids):
                raise InvalidValue("The event is already the first or the last of its day.")
            ids.insert(target, ids.pop(position))
            rows = [_event(session, each) for each in ids]
            updates = [
                _row_update("events", row.id, row, {"same_day_order": number})
                for number, row in enumerate(rows, start=1)
            ]
            return _updates_edit(session, "order events of a day", ids, updates)

        return self._commit(build)

    def same_day(self, event_id: int) -> list[int]:
        """The events lying within the same single day as ``event_id`` (itself included), in the order the
        table and the timeline show them: those put in order first, then by time and id. Empty when the
        event is not within a single day (undated, a month, a range over days)."""
        with self._store._read() as session:
            return _same_day_ids(session, event_id)

    def clear_same_day_order(self, event_ids: Sequence[int]) -> EventEdit:
        ids = list(dict.fromkeys(event_ids))

        def build(session: Session) -> EventEdit:
            rows = [_event(session, event_id) for event_id in ids]
            updates = [_row_update("events", row.id, row, {"same_day_order": None}) for row in rows]
            return _updates_edit(session, "clear order of a day", ids, updates)

        return self._commit(build)

    # -- evidence -------------------------------------------------------------------------------------------

    def link_evidence(
        self,
        event_id: int,
        source_id: int,
        start: int,
        end: int,
        *,
        stance: Stance | str = Stance.SUPPORTS,
        credibility: int = 6,
        note: str = "",
        quote: str | None = None,
    ) -> EventEdit:
        """Link the quote ``source_text[start:end]`` to an event; ``edit.object_id`` is the new evidence id.

        The span must lie inside the source's text and be new for this event; ``quote``, when given, must be
        exactly the text there (a check against a stale selection).
        """
        spec = NewEvidence(source_id, start, end, stance, credibility, note, quote)

        def build(session: Session) -> EventEdit:
            _event_id(session, event_id)
            evidence_id = _insert_evidence(session, event_id, spec, utc_now())
            row = _stored(session, Evidence.__table__, Evidence.id == evidence_id)
            return EventEdit("link evidence", (event_id,), "evidence", evidence_id, inserted=(row,))

        return self._commit(build)

    def unlink_evidence(self, evidence_id: int) -> EventEdit:
        def build(session: Session) -> EventEdit:
            row = _stored_or_missing(session, Evidence.__table__, Evidence.id == evidence_id, "quote")
            event_id = _int(row.as_dict()["event_id"])
            edit = EventEdit("unlink evidence", (event_id,), "evidence", evidence_id, deleted=(row,))
            _apply(session, edit)
            return edit

        return self._commit(build)

    def update_evidence(self, evidence_id: int, changes: Mapping[str, object]) -> EventEdit:
        """Change a quote's stance, credibility (1–6) or note."""
        unknown = sorted(set(changes) - EDITABLE_EVIDENCE_FIELDS)
        if unknown:
            raise InvalidValue(f"These evidence fields cannot be edited: {', '.join(unknown)}.")
        values: dict[str, object] = {}
        if "stance" in changes:
            values["stance"] = checked_stance(changes["stance"])
        if "credibility" in changes:
            values["credibility"] = checked_credibility(changes["credibility"])
        if "note" in changes:
            values["note"] = str(changes["note"] or "")

        def build(session: Session) -> EventEdit:
            row = session.get(Evidence, evidence_id)
            if row is None:
                raise NotFound(f"There is no quote #{evidence_id} in this case.")
            update_ = _row_update("evidence", evidence_id, row, values)
            edit = EventEdit("edit evidence", (row.event_id,), "evidence", evidence_id, updated=(update_,))
            _apply(session, edit)
            return edit

        return self._commit(build)

    # -- participants, tags, notes -----------------------------------------------------------------------

    def add_participant(self, event_id: int, entity_id: int, role: str = "") -> EventEdit:
        def build(session: Session) -> EventEdit:
            _event_id(session, event_id)
            key = _insert_participant(session, event_id, entity_id, role)
            row = _stored(session, Participation.__table__, *_participation_key(*key))
            return EventEdit("add participant", (event_id,), "event", event_id, inserted=(row,))

        return self._commit(build)

    def remove_participant(self, event_id: int, entity_id: int, role: str = "") -> EventEdit:
        def build(session: Session) -> EventEdit:
            where = _participation_key(event_id, entity_id, role.strip())
            row = _stored_or_missing(session, Participation.__table__, and_(*where), "participant")
            edit = EventEdit("remove participant", (event_id,), "event", event_id, deleted=(row,))
            _apply(session, edit)
            return edit

        return self._commit(build)

    def tag(self, event_id: int, name: str) -> EventEdit:
        """Tag an event, making the tag if the case has none of that name (ignoring case)."""
        name = _checked_tag_name(name)

        def build(session: Session) -> EventEdit:
            _event_id(session, event_id)
            tagging, new_tags = _tag_event(session, event_id, name)
            return EventEdit("tag event", (event_id,), "event", event_id, inserted=(*new_tags, tagging))

        return self._commit(build)

    def untag(self, event_id: int, tag_id: int) -> EventEdit:
        def build(session: Session) -> EventEdit:
            where = and_(Tagging.event_id == event_id, Tagging.tag_id == tag_id)
            row = _stored_or_missing(session, Tagging.__table__, where, "tag on this event")
            edit = EventEdit("untag event", (event_id,), "event", event_id, deleted=(row,))
            _apply(session, edit)
            return edit

        return self._commit(build)

    def add_note(self, event_id: int, body: str) -> EventEdit:
        """A note (Markdown) by the current actor; ``edit.object_id`` is the note's id."""
        body = _checked_note(body)

        def build(session: Session) -> EventEdit:
            _event_id(session, event_id)
            now = utc_now()
            note_id = _insert(
                session,
                Note,
                event_id=event_id,
                body=body,
                author=self._store.actor,
                created_at=now,
                updated_at=now,
            )
            row = _stored(session, Note.__table__, Note.id == note_id)
            return EventEdit("add note", (event_id,), "note", note_id, inserted=(row,))

        return self._commit(build)

    def edit_note(self, note_id: int, body: str) -> EventEdit:
        body = _checked_note(body)

        def build(session: Session) -> EventEdit:
            row = _event_note(session, note_id)
            assert row.event_id is not None
            update_ = _row_update("notes", note_id, row, {"body": body})
            edit = EventEdit("edit note", (row.event_id,), "note", note_id, updated=(update_,))
            _apply(session, edit)
            return edit

        return self._commit(build)

    def delete_note(self, note_id: int) -> EventEdit:
        def build(session: Session) -> EventEdit:
            event_id = _event_note(session, note_id).event_id
            assert event_id is not None
            row = _stored(session, Note.__table__, Note.id == note_id)
            edit = EventEdit("delete note", (event_id,), "note", note_id, deleted=(row,))
            _apply(session, edit)
            return edit

        return self._commit(build)

    # -- reading --------------------------------------------------------------------------------------------

    def get(self, event_id: int) -> EventDetail:
        found = self.details([event_id])
        if not found:
            raise NotFound(f"There is no event #{event_id} in this case.")
        return found[0]

    def details(self, ids: Sequence[int]) -> list[EventDetail]:
        """Full records of several events in the order given (missing ids are left out)."""
        found: dict[int, EventDetail] = {}
        with self._store._read() as session:
            for chunk in _chunks(list(dict.fromkeys(ids))):
                found.update((detail.id, detail) for detail in _details(session, chunk))
        return [found[event_id] for event_id in ids if event_id in found]

    def count(self, filters: EventFilter = ALL_EVENTS) -> int:
        with self._store._read() as session:
            statement = _filtered(select(func.count(Event.id)), filters)
            return session.scalar(statement) or 0

    def event_ids(self, filters: EventFilter = ALL_EVENTS, order: EventOrder = BY_DATE) -> list[int]:
        """Ids of the matching events in display order: cheap for 100,000 events (ids only)."""
        with self._store._read() as session:
            if order.key is EventSortKey.DATE:
                return _by_date(session, filters, order.descending)
            derived = order.key is EventSortKey.EVIDENCE
            statement = _filtered(select(Event.id), filters, derived=derived).order_by(*_ordering(order))
            return [row[0] for row in _plain_rows(session, statement)]

    def summaries(self, ids: Sequence[int]) -> list[EventSummary]:
        """Summaries for ``ids`` in the order given (for a lazily filled table model)."""
        found: dict[int, EventSummary] = {}
        with self._store._read() as session:
            for chunk in _chunks(list(dict.fromkeys(ids))):
                people = _names_by_event(session, chunk, participants=True)
                tags = _names_by_event(session, chunk, participants=False)
                statement = (
                    select(Event, EventDerived)
                    .outerjoin(EventDerived, EventDerived.event_id == Event.id)
                    .where(Event.id.in_(chunk))
                )
                for event, derived in session.execute(statement):
                    found[event.id] = _summary(event, derived, people[event.id], tags[event.id])
        return [found[event_id] for event_id in ids if event_id in found]

    def timeline_rows(
        self, filters: EventFilter = ALL_EVENTS, grouping: LaneGrouping = LaneGrouping.NONE
    ) -> TimelineRows:
        """The matching events as columns for the timeline, in id order (see ``TimelineRows``).

        Read in table order as plain tuples (``_plain_rows``), flags stored with the event; the timeline
        sorts by time itself. Figures for 100,000 events: ``bench/bench_events.py``.
        """
        columns = (
            Event.id,
            Event.title,
            Event.earliest,
            Event.latest,
            EventDerived.certain_start,
            EventDerived.certain_end,
            func.coalesce(EventDerived.flags, 0),
            type_coerce(Event.confidence, String),
            func.coalesce(EventDerived.evidence_count, 0),
            Event.same_day_order,
            *([Event.category] if grouping is LaneGrouping.CATEGORY else []),  # strings cost: only if needed
        )
        statement = _filtered(select(*columns), filters, derived=True).order_by(Event.id)
        with self._store._read() as session:
            rows = _plain_rows(session, statement)
            ids, titles, earliest, latest, certain0, certain1, flags, levels, evidence, order, *rest = (
                tuple(map(itemgetter(index), rows)) for index in range(len(columns))
            )
            categories: tuple[str, ...] = rest[0] if rest else ()
            confidence = tuple(map(_CONFIDENCE_OF.__getitem__, levels))
            lane_keys, labels = _lanes(session, grouping, ids, categories, confidence)
        return TimelineRows(
            grouping=grouping,
            ids=ids,
            titles=titles,
            lane_keys=lane_keys,
            earliest=earliest,
            latest=latest,
            certain_start=certain0,
            certain_end=certain1,
            flags=flags,
            confidence=confidence,
            evidence_count=evidence,
            lane_labels=labels,
            same_day_order=order,
        )

    def histogram(self, filters: EventFilter = ALL_EVENTS, bins: int = 100) -> Histogram:
        """How many matching events fall in each of ``bins`` equal spans of time (counted by SQLite)."""
        if bins < 1:
            raise InvalidValue("A histogram needs at least one bin.")
        anchor = case(
            (Event.earliest.is_(None), Event.latest),
            (Event.latest.is_(None), Event.earliest),
            else_=(Event.earliest + Event.latest) // 2,
        )
        with self._store._read() as session:
            connection = session.connection()
            statement = select(func.min(anchor), func.max(anchor), func.count(anchor), func.count(Event.id))
            low, high, placed, total = connection.execute(_filtered(statement, filters)).one()
            if not placed:
                return Histogram((), (), total)
            width = max(-(-(high + 1 - low) // bins), 1)
            bin_of = (anchor - low) // width
            statement = select(bin_of, func.count()).where(anchor.is_not(None)).group_by(bin_of)
            counts = [0] * bins
            for index, count in connection.execute(_filtered(statement, filters)):
                counts[min(index, bins - 1)] += count
        edges = tuple(low + index * width for index in range(bins + 1))
        return Histogram(edges, tuple(counts), total - placed)

    def evidence_for_source(self, source_id: int) -> list[EvidenceHighlight]:
        """Every quote linked from this source, by position (for the reader's highlights)."""
        statement = (
            select(
                Evidence.id,
                Evidence.event_id,
                Event.title,
                Evidence.start,
                Evidence.end,
                Evidence.stance,
                Evidence.credibility,
                func.coalesce(EventDerived.disputed, False),
            )
            .join(Event, Event.id == Evidence.event_id)
            .outerjoin(EventDerived, EventDerived.event_id == Event.id)
            .where(Evidence.source_id == source_id)
            .order_by(Evidence.start, Evidence.end, Evidence.id)
        )
        with self._store._read() as session:
            return [EvidenceHighlight(*row) for row in session.execute(statement)]

    def categories(self) -> list[str]:
        """The categories events have, for the filter and the editor's suggestions."""
        statement = select(Event.category).where(Event.category != "").distinct().order_by(Event.category)
        with self._store._read() as session:
            return list(session.scalars(statement))

    def event_tags(self) -> list[TagRecord]:
        """The tags at least one event has."""
        used = exists().where(Tagging.tag_id == Tag.id, Tagging.event_id.is_not(None))
        statement = select(Tag.id, Tag.name, Tag.colour).where(used).order_by(func.lower(Tag.name))
        with self._store._read() as session:
            return [TagRecord(*row) for row in session.execute(statement)]

    # -- dates found in sources --------------------------------------------------------------------------

    def dates_in(self, source_id: int) -> list[SourceDateRecord]:
        """The date expressions of a source's text, found now if they were not found yet or are stale."""
        with self._store._read() as session:
            if _scan_is_current(session, source_id):
                return _source_dates(session, source_id)
        with self._store._write() as session:
            if not _scan_is_current(session, source_id):
                values = session.execute(
                    select(SourceText.text, Source.published, Source.language)
                    .join(Source, Source.id == SourceText.source_id)
                    .where(Source.id == source_id)
                ).one()
                record_dates(session, source_id, *values)
            records = _source_dates(session, source_id)
        self._store._notify(Change(ChangeKind.UPDATED, "source_dates", (source_id,)))
        return records

    def ensure_dates_extracted(
        self, progress: ProgressSink = ignore_progress, cancel: CancelToken | None = None
    ) -> int:
        """Find the dates of every source that has none stored or stale ones; returns how many were done.

        One transaction per batch of sources; cancelling keeps the batches finished before
        (``Cancelled`` is raised).
        """
        with self._store._read() as session:
            pending = list(session.scalars(_stale_scans().order_by(Source.id)))
        done = 0
        progress(ProgressUpdate(0, len(pending)))
        for chunk in _chunks(pending, _SCAN_BATCH):
            if cancel is not None:
                cancel.raise_if_cancelled()
            with self._store._write() as session:
                statement = (
                    select(Source.id, SourceText.text, Source.published, Source.language)
                    .join(SourceText, SourceText.source_id == Source.id)
                    .where(Source.id.in_(chunk))
                )
                for source_id, text, published, language in session.execute(statement):
                    record_dates(session, source_id, text, published, language)
            done += len(chunk)
            self._store._notify(Change(ChangeKind.UPDATED, "source_dates", tuple(chunk)))
            progress(ProgressUpdate(done, len(pending)))
        return done

    # -- maintenance -------------------------------------------------------------------------------------

    def refresh_derived(self, event_ids: Iterable[int] | None = None) -> int:
        """Recompute derived values (bounds, certain span, confidence …) of some or all events.

        Not needed in normal use; for a case whose source reliabilities were changed without
        ``source_reliability_changed``, or edited by another program.
        """
        with self._store._write() as session:
            ids = list(event_ids) if event_ids is not None else list(session.scalars(select(Event.id)))
            _refresh(session, ids, touch=False)
            audit.record(
                session,
                actor=self._store.actor,
                action="recompute event confidence",
                object_type="event",
                object_id=None,
                after={"events": len(ids)},
            )
        if ids:
            self._store._notify(Change(ChangeKind.UPDATED, "event", tuple(ids)))
        return len(ids)

    # -- the one way edits are written ----------------------------------------------------------------

    def _commit(self, build: Callable[[Session], EventEdit], *, touch: bool = True) -> EventEdit:
        with self._store._write() as session:
            edit = build(session)
            if edit.changed:
                _refresh(session, edit.event_ids, touch=touch)
                before, after = _audit_sides(edit)
                audit.record(
                    session,
                    actor=self._store.actor,
                    action=edit.action,
                    object_type="event",
                    object_id=edit.event_ids[0] if len(edit.event_ids) == 1 else None,
                    before=before,
                    after=after,
                )
        if edit.changed:
            for change in _changes(edit):
                self._store._notify(change)
        return edit

    def _replay(self, edit: EventEdit) -> EventEdit:
        """Apply an undo or redo; a case that has moved on since (a key taken, a row gone) refuses it."""
        try:
            return self._commit(lambda session: _applied(session, edit))
        except IntegrityError as exc:
            raise InvalidValue(
                f"Cannot {edit.action}: the case has changed since then ({exc.orig})."
            ) from exc


# -- hooks for CaseStore ----------------------------------------------------------------------------------


def record_dates(
    session: Session,
    source_id: int,
    text: str,
    published: str | None,
    language: str,
    mentions: Sequence[DateMention] | None = None,
) -> int:
    """Find and store the date expressions of a source's text, replacing any stored before.

    ``published`` (EDTF) resolves years and relative expressions; ``language`` decides numeric dates and
    the first day of the week where the script does not. ``mentions``, when given, are what
    ``find_dates`` returned for the same arguments elsewhere (a worker), so nothing is extracted here.
    """
    connection = session.connection()
    delete_dates(connection, source_id)
    if mentions is None:
        mentions = find_dates(text, published, language)
    return insert_dates(connection, source_id, mentions, published=published, language=language)


def find_dates(text: str, published: str | None, language: str) -> list[DateMention]:
    """The date expressions ``record_dates`` stores for a text (pure: safe to run in a worker process)."""
    return find_source_dates(text, published, language)


def source_reliability_changed(session: Session, source_id: int) -> tuple[int, ...]:
    """Recompute the confidence of events quoting a source whose reliability changed; call it in the
    transaction that changed it. Returns the events whose suggested confidence changed (to notify)."""
    ids = list(session.scalars(select(Evidence.event_id).where(Evidence.source_id == source_id).distinct()))
    before = _suggestions(session, ids)
    _refresh(session, ids, touch=False)
    after = _suggestions(session, ids)
    return tuple(sorted(i for i in ids if before.get(i) != after.get(i)))


def _suggestions(session: Session, event_ids: Sequence[int]) -> dict[int, Confidence]:
    found: dict[int, Confidence] = {}
    for chunk in _chunks(event_ids):
        statement = select(EventDerived.event_id, EventDerived.suggested_confidence).where(
            EventDerived.event_id.in_(chunk)
        )
        for event_id, level in session.execute(statement):  # dict(result) would read its keys()
            found[event_id] = level
    return found


# -- parsing and checking input ----------------------------------------------------------------------------


def as_date(value: object, what: str) -> UncertainDate | None:
    """An event date from an ``UncertainDate``, EDTF text (or a day-first 31.07.2023), or nothing."""
    if value is None or value == "":
        return None
    if isinstance(value, UncertainDate):
        return value
    if not isinstance(value, str):
        raise InvalidValue(f"The {what} of an event must be a date, not {value!r}.")
    try:
        return parse(value)
    except InvalidValue as error:
        try:
            return parse(normalize_edtf(value))
        except InvalidValue:
            raise error from None


def _stored_date(edtf: str | None) -> UncertainDate | None:
    return None if edtf is None else parse(edtf)


def _checked_tag_name(name: str) -> str:
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise InvalidValue("A tag needs a name.")
    if len(cleaned) > 200:
        raise InvalidValue("A tag name can be at most 200 characters.")
    return cleaned


def _unique_ignoring_case(names: Iterable[str]) -> list[str]:
    """Each name once (the first spelling given), as tags are matched ignoring case."""
    unique: dict[str, str] = {}
    for name in names:
        unique.setdefault(name.lower(), name)
    return list(unique.values())


def _checked_note(body: str) -> str:
    if not str(body).strip():
        raise InvalidValue("A note needs some text.")
    return str(body)


def _checked_span(text: str, start: int, end: int, expected: str | None) -> str:
    problem = span_problem(text, start, end, what="quote")
    if problem:
        raise InvalidValue(f"{problem} Select the text again.")
    quote = text[start:end]
    if expected is not None and expected != quote:
        raise InvalidValue("The source's text at that place is not the quote given; select the text again.")
    return quote


# -- rows, edits and their application ----------------------------------------------------------------------


def _int(value: object) -> int:
    assert isinstance(value, int)
    return value


def _plain_rows(session: Session, statement: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows of a bulk read as the DBAPI cursor returns them.

    For 100,000 rows SQLAlchemy's ``Row`` objects cost three to five times the query itself
    (``bench/bench_events.py``), so the timeline and the ordered id lists read through the DBAPI cursor.
    Type processing is skipped both ways: such statements select only integers and strings (an enum column
    through ``type_coerce(…, String)``) and bind only plain ints and strings, as ``_filtered`` does.
    """
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    parameters = compiled.construct_params()
    values: Any = parameters
    if compiled.positional:
        assert compiled.positiontup is not None
        values = tuple(parameters[name] for name in compiled.positiontup)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(compiled.string, values)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _rowcount(result: Result[Any]) -> int:
    assert isinstance(result, CursorResult)
    return result.rowcount


def _insert(session: Session, model: type[Base], **values: object) -> int:
    result = session.execute(insert(model).values(**values))
    assert isinstance(result, CursorResult)
    key = result.inserted_primary_key
    assert key is not None
    return _int(key[0])


def _table(name: str) -> Table:
    table = Base.metadata.tables[name]
    assert isinstance(table, Table)
    return table


def _stored(session: Session, table: Any, *where: ColumnElement[bool]) -> StoredRow:
    mapping = session.execute(select(table).where(*where)).mappings().one()
    return StoredRow(table.name, values_of(dict(mapping)))


def _stored_or_missing(session: Session, table: Any, where: ColumnElement[bool], what: str) -> StoredRow:
    mapping = session.execute(select(table).where(where)).mappings().first()
    if mapping is None:
        raise NotFound(f"There is no such {what} in this case.")
    return StoredRow(table.name, values_of(dict(mapping)))


def _stored_rows(session: Session, table: Any, where: ColumnElement[bool], *order: Any) -> list[StoredRow]:
    result = session.execute(select(table).where(where).order_by(*order)).mappings()
    return [StoredRow(table.name, values_of(dict(mapping))) for mapping in result]


def _event_rows(session: Session, event_id: int, new_tags: Sequence[StoredRow]) -> list[StoredRow]:
    """The event and everything attached to it, parents first (``new_tags`` before the taggings)."""
    return [
        _stored(session, Event.__table__, Event.id == event_id),
        *_stored_rows(session, Evidence.__table__, Evidence.event_id == event_id, Evidence.id),
        *_stored_rows(
            session,
            Participation.__table__,
            Participation.event_id == event_id,
            Participation.entity_id,
            Participation.role,
        ),
        *new_tags,
        *_stored_rows(session, Tagging.__table__, Tagging.event_id == event_id, Tagging.id),
        *_stored_rows(session, Note.__table__, Note.event_id == event_id, Note.id),
    ]


def _key_of(table: Table, values: Mapping[str, object]) -> list[ColumnElement[bool]]:
    return [column == values[column.name] for column in table.primary_key.columns]


def _row_update(table_name: str, object_id: int, row: Any, after: Mapping[str, object]) -> RowUpdate:
    changed = {key: value for key, value in after.items() if getattr(row, key) != value}
    before = {key: getattr(row, key) for key in changed}
    return RowUpdate(table_name, (("id", object_id),), values_of(before), values_of(changed))


def _field_edit(
    session: Session, action: str, table_name: str, object_id: int, row: Any, after: Mapping[str, object]
) -> EventEdit:
    update_ = _row_update(table_name, object_id, row, after)
    edit = EventEdit(action, (object_id,), "event", object_id, updated=(update_,) if update_.after else ())
    _apply(session, edit)
    return edit


def _updates_edit(session: Session, action: str, ids: Sequence[int], updates: list[RowUpdate]) -> EventEdit:
    changed = tuple(update_ for update_ in updates if update_.after)
    edit = EventEdit(action, tuple(ids), "event", ids[0] if len(ids) == 1 else None, updated=changed)
    _apply(session, edit)
    return edit


def _applied(session: Session, edit: EventEdit) -> EventEdit:
    _apply(session, edit)
    return edit


def _apply(session: Session, edit: EventEdit) -> None:
    """Delete ``edit.deleted`` (children first), insert ``edit.inserted``, then set ``edit.updated``."""
    session.flush()
    for row in reversed(edit.deleted):
        _delete_row(session, row)
    for row in edit.inserted:
        _insert_row(session, row)
    for change in edit.updated:
        _update_row(session, change)
    session.expire_all()  # the ORM must not answer from rows these statements changed


def _delete_row(session: Session, row: StoredRow) -> None:
    table = _table(row.table)
    values = row.as_dict()
    if row.table == "tags" and session.scalar(select(exists().where(Tagging.tag_id == values["id"]))):
        return  # the tag came with this edit but is used elsewhere by now: it stays
    if not _rowcount(session.execute(delete(table).where(*_key_of(table, values)))):
        raise InvalidValue(f"Cannot change the case this way any more: a row of {row.table} is gone.")


def _insert_row(session: Session, row: StoredRow) -> None:
    table = _table(row.table)
    values = row.as_dict()
    if row.table == "tags":
        same = session.scalar(select(Tag.name).where(Tag.id == values["id"]))
        if same == values["name"]:
            return  # still there (it was in use when the edit was reverted)
    session.execute(insert(table).values(**values))


def _update_row(session: Session, change: RowUpdate) -> None:
    table = _table(change.table)
    values = dict(change.after)
    if "updated_at" in table.columns and change.table == "notes":
        values["updated_at"] = utc_now()
    if not _rowcount(session.execute(update(table).where(*_key_of(table, dict(change.key))).values(values))):
        raise InvalidValue(f"Cannot change the case this way any more: a row of {change.table} is gone.")


def _audit_sides(edit: EventEdit) -> tuple[dict[str, object], dict[str, object]]:
    def rows(stored: Sequence[StoredRow]) -> list[dict[str, object]]:
        return [{"table": row.table, **row.as_dict()} for row in stored]

    def fields(side: str) -> list[dict[str, object]]:
        return [{"table": u.table, **dict(u.key), **dict(getattr(u, side))} for u in edit.updated]

    before: dict[str, object] = {}
    after: dict[str, object] = {}
    if edit.deleted:
        before["rows"] = rows(edit.deleted)
    if edit.inserted:
        after["rows"] = rows(edit.inserted)
    if edit.updated:
        before["fields"], after["fields"] = fields("before"), fields("after")
    return before, after


def _changes(edit: EventEdit) -> list[Change]:
    added = tuple(_row_ids(edit.inserted, "events"))
    removed = tuple(_row_ids(edit.deleted, "events"))
    updated = tuple(i for i in edit.event_ids if i not in added and i not in removed)
    changes = [
        Change(kind, "event", ids)
        for kind, ids in (
            (ChangeKind.ADDED, added),
            (ChangeKind.REMOVED, removed),
            (ChangeKind.UPDATED, updated),
        )
        if ids
    ]
    quotes_added = tuple(_row_ids(edit.inserted, "evidence"))
    quotes_removed = tuple(_row_ids(edit.deleted, "evidence"))
    quotes_updated = tuple(_int(dict(u.key)["id"]) for u in edit.updated if u.table == "evidence")
    for kind, ids in (
        (ChangeKind.ADDED, quotes_added),
        (ChangeKind.REMOVED, quotes_removed),
        (ChangeKind.UPDATED, quotes_updated),
    ):
        if ids:
            changes.append(Change(kind, "evidence", ids))
    return changes


def _row_ids(rows: Iterable[StoredRow], table: str) -> Iterator[int]:
    return (_int(row.as_dict()["id"]) for row in rows if row.table == table)


# -- writing pieces -------------------------------------------------------------------------------------


def _event(session: Session, event_id: int) -> Event:
    row = session.get(Event, event_id)
    if row is None:
        raise NotFound(f"There is no event #{event_id} in this case.")
    return row


def _event_id(session: Session, event_id: int) -> int:
    if session.scalar(select(Event.id).where(Event.id == event_id)) is None:
        raise NotFound(f"There is no event #{event_id} in this case.")
    return event_id


def _event_note(session: Session, note_id: int) -> Note:
    row = session.get(Note, note_id)
    if row is None or row.event_id is None:
        raise NotFound(f"There is no note #{note_id} on an event in this case.")
    return row


def _day_within(earliest: int | None, latest: int | None) -> int | None:
    """The day an event lies within, or None when it is not within a single day."""
    if earliest is None or latest is None or not within_one_day(earliest, latest):
        return None
    return day_of(earliest)


def _same_day_ids(session: Session, event_id: int) -> list[int]:
    row = _event(session, event_id)
    day = _day_within(row.earliest, row.latest)
    if day is None:
        return []
    low, high = day * DAY_SECONDS, (day + 1) * DAY_SECONDS
    statement = select(Event.id, Event.earliest, Event.latest, Event.same_day_order).where(
        Event.earliest >= low, Event.earliest < high, Event.latest < high
    )
    rows = [found for found in session.execute(statement) if within_one_day(found[1], found[2])]
    rows.sort(key=lambda found: (found[3] is None, found[3] or 0, found[1], found[2], found[0]))
    return [found[0] for found in rows]


def _same_day(old_earliest: int | None, earliest: int | None, latest: int | None) -> bool:
    """Whether an event now within one day is still on the day it was on."""
    if old_earliest is None or earliest is None or not within_one_day(earliest, latest):
        return False
    return day_of(earliest) == day_of(old_earliest)


def _event_field_values(row: Event, changes: Mapping[str, object]) -> dict[str, object]:
    values: dict[str, object] = {}
    for key, value in changes.items():
        if key == "title":
            values["title"] = checked_title(str(value))
        elif key in ("start", "end"):
            parsed = as_date(value, key)
            values[f"{key}_edtf"] = None if parsed is None else parsed.to_edtf()
        elif key == "category":
            values["category"] = str(value or "").strip()
        else:
            values[key] = str(value or "")
    return values


def _source_text(session: Session, source_id: int) -> tuple[str, list[int]]:
    row = session.execute(
        select(SourceText.text, SourceText.page_starts).where(SourceText.source_id == source_id)
    ).first()
    if row is None:
        raise NotFound(f"There is no source #{source_id} in this case.")
    return row[0], list(row[1] or [])


def _insert_evidence(session: Session, event_id: int, spec: NewEvidence, now: datetime) -> int:
    stance = checked_stance(spec.stance)
    credibility = checked_credibility(spec.credibility)
    text, pages = _source_text(session, spec.source_id)
    quote = _checked_span(text, spec.start, spec.end, spec.quote)
    duplicate = select(Evidence.id).where(
        Evidence.event_id == event_id,
        Evidence.source_id == spec.source_id,
        Evidence.start == spec.start,
        Evidence.end == spec.end,
    )
    if session.scalar(duplicate) is not None:
        raise InvalidValue("This quote is already linked to the event.")
    return _insert(
        session,
        Evidence,
        event_id=event_id,
        source_id=spec.source_id,
        start=spec.start,
        end=spec.end,
        quote=quote,
        page=page_of(spec.start, pages),
        stance=stance,
        credibility=credibility,
        note=spec.note,
        created_at=now,
    )


def _participation_key(event_id: int, entity_id: int, role: str) -> list[ColumnElement[bool]]:
    return [
        Participation.event_id == event_id,
        Participation.entity_id == entity_id,
        Participation.role == role,
    ]


def _insert_participant(session: Session, event_id: int, entity_id: int, role: str) -> tuple[int, int, str]:
    role = " ".join(role.split())
    if len(role) > 200:
        raise InvalidValue("A role can be at most 200 characters.")
    if session.get(Entity, entity_id) is None:
        raise NotFound(f"There is no entity #{entity_id} in this case.")
    if session.scalar(select(exists().where(*_participation_key(event_id, entity_id, role)))):
        raise InvalidValue("The entity already takes part in this event in that role.")
    session.execute(insert(Participation).values(event_id=event_id, entity_id=entity_id, role=role))
    return event_id, entity_id, role


def _tag_event(session: Session, event_id: int, name: str) -> tuple[StoredRow, list[StoredRow]]:
    """Tag the event; returns the tagging and the tag row if it had to be made."""
    tag_id = session.scalar(select(Tag.id).where(func.lower(Tag.name) == name.lower()).order_by(Tag.id))
    new_tags = []
    if tag_id is None:
        tag_id = _insert(session, Tag, name=name, colour="")
        new_tags.append(_stored(session, Tag.__table__, Tag.id == tag_id))
    elif session.scalar(select(exists().where(Tagging.event_id == event_id, Tagging.tag_id == tag_id))):
        raise InvalidValue(f"The event is already tagged “{name}”.")
    tagging_id = _insert(session, Tagging, tag_id=tag_id, event_id=event_id)
    return _stored(session, Tagging.__table__, Tagging.id == tagging_id), new_tags


# -- derived values -----------------------------------------------------------------------------------------


def _chunks(ids: Sequence[int], size: int = _CHUNK) -> Iterator[list[int]]:
    for index in range(0, len(ids), size):
        yield list(ids[index : index + size])


def _grades(session: Session, event_ids: Sequence[int]) -> dict[int, list[EvidenceGrade]]:
    statement = (
        select(
            Evidence.event_id,
            func.coalesce(Source.parent_id, Source.id),
            Source.reliability,
            Evidence.credibility,
            Evidence.stance,
        )
        .join(Source, Source.id == Evidence.source_id)
        .where(Evidence.event_id.in_(event_ids))
    )
    grades: dict[int, list[EvidenceGrade]] = defaultdict(list)
    for event_id, origin, reliability, credibility, stance in session.execute(statement):
        grades[event_id].append(EvidenceGrade(origin, reliability, credibility, stance))
    return grades


def _assessments(session: Session, event_ids: Sequence[int]) -> dict[int, ConfidenceAssessment]:
    found: dict[int, ConfidenceAssessment] = {}
    for chunk in _chunks(list(event_ids)):
        grades = _grades(session, chunk)
        found.update({event_id: assess_confidence(grades.get(event_id, ())) for event_id in chunk})
    return found


def _refresh(session: Session, event_ids: Iterable[int], *, touch: bool) -> None:
    """Recompute what is derived from these events (those that still exist) and store it."""
    session.flush()
    now = utc_now()
    for chunk in _chunks(sorted(set(event_ids))):
        events = session.execute(
            select(
                Event.id,
                Event.title,
                Event.description,
                Event.start_edtf,
                Event.end_edtf,
                Event.confidence_overridden,
            ).where(Event.id.in_(chunk))
        ).all()
        grades = _grades(session, chunk)
        have_derived = set(
            session.scalars(select(EventDerived.event_id).where(EventDerived.event_id.in_(chunk)))
        )
        for event_id, title, description, start_edtf, end_edtf, overridden in events:
            quotes = grades.get(event_id, [])
            assessment = assess_confidence(quotes)
            own, derived = _derived_values(title, description, start_edtf, end_edtf, assessment)
            derived["evidence_count"] = len(quotes)
            derived["flags"] = event_flags(start_edtf, end_edtf, assessment.disputed, overridden)
            if not overridden:
                own["confidence"] = assessment.suggested
            if touch:
                own["updated_at"] = now
            if own:
                session.execute(update(Event).where(Event.id == event_id).values(own))
            if event_id in have_derived:
                session.execute(update(EventDerived).where(EventDerived.event_id == event_id).values(derived))
            else:
                session.execute(insert(EventDerived).values(event_id=event_id, **derived))
    session.expire_all()


def _derived_values(
    title: str,
    description: str,
    start_edtf: str | None,
    end_edtf: str | None,
    assessment: ConfidenceAssessment,
) -> tuple[dict[str, object], dict[str, object]]:
    """(values for ``events``, values for ``event_derived``) of one event."""
    own: dict[str, object] = {}
    certain: tuple[int | None, int | None] = (None, None)
    try:
        start, end = _stored_date(start_edtf), _stored_date(end_edtf)
    except InvalidValue:  # written by another program in a form the date model cannot hold: keep its bounds
        pass
    else:
        own["earliest"], own["latest"] = event_bounds(start, end)
        certain = certain_span(start, end)
    derived: dict[str, object] = {
        "certain_start": certain[0],
        "certain_end": certain[1],
        "disputed": assessment.disputed,
        "suggested_confidence": assessment.suggested,
        "folded": fold(f"{title}\n{description}"),
    }
    return own, derived


# -- reading pieces ------------------------------------------------------------------------------------------


def _details(session: Session, event_ids: list[int]) -> list[EventDetail]:
    evidence = _evidence_records(session, event_ids)
    people = _participants(session, event_ids)
    tags = _tags_of(session, event_ids)
    notes = _notes(session, event_ids)
    grades = _grades(session, event_ids)
    details = []
    for row in session.scalars(select(Event).where(Event.id.in_(event_ids))):
        assessment = assess_confidence(grades.get(row.id, ()))
        details.append(
            EventDetail(
                id=row.id,
                title=row.title,
                description=row.description,
                start=_stored_date(row.start_edtf),
                end=_stored_date(row.end_edtf),
                earliest=row.earliest,
                latest=row.latest,
                category=row.category,
                confidence=row.confidence if row.confidence_overridden else assessment.suggested,
                suggested_confidence=assessment.suggested,
                confidence_overridden=row.confidence_overridden,
                assessment=assessment,
                disputed=assessment.disputed,
                same_day_order=row.same_day_order,
                created_at=row.created_at,
                updated_at=row.updated_at,
                evidence=tuple(evidence[row.id]),
                participants=tuple(people[row.id]),
                tags=tuple(tags[row.id]),
                notes=tuple(notes[row.id]),
            )
        )
    return details


def _evidence_records(session: Session, event_ids: list[int]) -> dict[int, list[EvidenceRecord]]:
    statement = (
        select(Evidence, Source.title, Source.reliability)
        .join(Source, Source.id == Evidence.source_id)
        .where(Evidence.event_id.in_(event_ids))
        .order_by(Evidence.id)
    )
    found: dict[int, list[EvidenceRecord]] = defaultdict(list)
    for row, title, reliability in session.execute(statement):
        found[row.event_id].append(
            EvidenceRecord(
                id=row.id,
                event_id=row.event_id,
                source_id=row.source_id,
                source_title=title,
                source_reliability=reliability,
                start=row.start,
                end=row.end,
                quote=row.quote,
                page=row.page,
                stance=row.stance,
                credibility=row.credibility,
                note=row.note,
                created_at=row.created_at,
            )
        )
    return _with_last_pages(session, found)


def _with_last_pages(
    session: Session, found: dict[int, list[EvidenceRecord]]
) -> dict[int, list[EvidenceRecord]]:
    """Fill in the page each paged quote ends on (a quote can run onto the next page)."""
    paged = {record.source_id for records in found.values() for record in records if record.page is not None}
    if not paged:
        return found
    statement = select(SourceText.source_id, SourceText.page_starts).where(SourceText.source_id.in_(paged))
    starts: dict[int, list[int]] = dict(session.execute(statement).all())
    for event_id, records in found.items():
        found[event_id] = [
            dataclasses.replace(
                record, last_page=page_of(max(record.end - 1, record.start), starts[record.source_id])
            )
            if record.page is not None and record.source_id in starts
            else record
            for record in records
        ]
    return found


def _participants(session: Session, event_ids: list[int]) -> dict[int, list[ParticipantRecord]]:
    statement = (
        select(
            Participation.event_id, Participation.entity_id, Entity.name, EntityType.key, Participation.role
        )
        .join(Entity, Entity.id == Participation.entity_id)
        .join(EntityType, EntityType.id == Entity.type_id)
        .where(Participation.event_id.in_(event_ids))
        .order_by(func.lower(Entity.name), Participation.entity_id, Participation.role)
    )
    found: dict[int, list[ParticipantRecord]] = defaultdict(list)
    for event_id, entity_id, name, type_key, role in session.execute(statement):
        found[event_id].append(ParticipantRecord(entity_id, name, type_key, role))
    return found


def _tags_of(session: Session, event_ids: list[int]) -> dict[int, list[TagRecord]]:
    statement = (
        select(Tagging.event_id, Tag.id, Tag.name, Tag.colour)
        .join(Tagging, Tagging.tag_id == Tag.id)
        .where(Tagging.event_id.in_(event_ids))
        .order_by(func.lower(Tag.name))
    )
    found: dict[int, list[TagRecord]] = defaultdict(list)
    for event_id, tag_id, name, colour in session.execute(statement):
        assert event_id is not None
        found[event_id].append(TagRecord(tag_id, name, colour))
    return found


def _notes(session: Session, event_ids: list[int]) -> dict[int, list[NoteRecord]]:
    statement = select(Note).where(Note.event_id.in_(event_ids)).order_by(Note.created_at, Note.id)
    found: dict[int, list[NoteRecord]] = defaultdict(list)
    for row in session.scalars(statement):
        assert row.event_id is not None
        found[row.event_id].append(
            NoteRecord(row.id, row.event_id, row.body, row.author, row.created_at, row.updated_at)
        )
    return found


def _names_by_event(
    session: Session, event_ids: Sequence[int], *, participants: bool
) -> dict[int, tuple[str, ...]]:
    statement: Select[Any, str]
    if participants:
        statement = (
            select(Participation.event_id, Entity.name)
            .join(Entity, Entity.id == Participation.entity_id)
            .where(Participation.event_id.in_(event_ids))
            .order_by(func.lower(Entity.name))
        )
    else:
        statement = (
            select(Tagging.event_id, Tag.name)
            .join(Tag, Tag.id == Tagging.tag_id)
            .where(Tagging.event_id.in_(event_ids))
            .order_by(func.lower(Tag.name))
        )
    names: dict[int, list[str]] = defaultdict(list)
    for event_id, name in session.execute(statement):
        assert event_id is not None
        if name not in names[event_id]:
            names[event_id].append(name)
    return defaultdict(tuple, {event_id: tuple(found) for event_id, found in names.items()})


def _summary(
    event: Event, derived: EventDerived | None, people: tuple[str, ...], tags: tuple[str, ...]
) -> EventSummary:
    return EventSummary(
        id=event.id,
        title=event.title,
        start_edtf=event.start_edtf,
        end_edtf=event.end_edtf,
        earliest=event.earliest,
        latest=event.latest,
        category=event.category,
        confidence=event.confidence,
        suggested_confidence=derived.suggested_confidence if derived else Confidence.UNKNOWN,
        confidence_overridden=event.confidence_overridden,
        disputed=derived.disputed if derived else False,
        evidence_count=derived.evidence_count if derived else 0,
        participants=people,
        tags=tags,
        same_day_order=event.same_day_order,
        updated_at=event.updated_at,
    )


_CONFIDENCE_OF = {level.value: level for level in Confidence}


def _lanes(
    session: Session,
    grouping: LaneGrouping,
    ids: Sequence[int],
    categories: Sequence[str],
    confidences: Sequence[Confidence],
) -> tuple[tuple[tuple[LaneKey, ...], ...], tuple[tuple[LaneKey, str], ...]]:
    """Each event's lane keys under ``grouping``, and the label of every key (display order)."""
    if grouping is LaneGrouping.NONE:
        return ((),) * len(ids), ()
    if grouping is LaneGrouping.CATEGORY:
        names = sorted(set(categories), key=lambda name: (name == "", name.lower()))
        return tuple((name,) for name in categories), tuple((name, name) for name in names)
    if grouping is LaneGrouping.CONFIDENCE:
        levels = sorted(set(confidences), key=CONFIDENCE_RANK.__getitem__)
        labels_by_rank = tuple((level.value, level.value) for level in levels)
        return tuple((level.value,) for level in confidences), labels_by_rank
    links: Select[Any, int]
    label_query: Select[int, str]
    if grouping is LaneGrouping.ENTITY:
        links = (  # one lane per entity, whatever its roles
            select(Participation.event_id, Participation.entity_id)
            .distinct()
            .order_by(Participation.event_id, Participation.entity_id)
        )
        label_query = select(Entity.id, Entity.name)
    elif grouping is LaneGrouping.SOURCE:  # one row per event and source quoted, however many quotes
        links = (
            select(Evidence.event_id, Evidence.source_id)
            .distinct()
            .order_by(Evidence.event_id, Evidence.source_id)
        )
        label_query = select(Source.id, Source.title)
    else:
        links = (
            select(Tagging.event_id, Tagging.tag_id)
            .where(Tagging.event_id.is_not(None))
            .order_by(Tagging.event_id, Tagging.tag_id)
        )
        label_query = select(Tag.id, Tag.name)
    second = itemgetter(1)
    by_event: dict[int, tuple[LaneKey, ...]] = {  # (event, key) pairs come distinct, by event
        event_id: tuple(map(second, links_of))
        for event_id, links_of in groupby(_plain_rows(session, links), key=itemgetter(0))
    }
    lane_of = by_event.get
    lanes = tuple(lane_of(event_id, ()) for event_id in ids)
    used = {key for found in lanes for key in found}
    labels = [(key, name) for key, name in _plain_rows(session, label_query) if key in used]
    ordered = sorted(labels, key=lambda item: (item[1].lower(), item[0]))
    return lanes, tuple(ordered)


# -- filters and order -------------------------------------------------------------------------------------


def _filtered(statement: _AnySelect, filters: EventFilter, *, derived: bool = False) -> _AnySelect:
    """``statement`` over events, restricted by ``filters``; joined to ``event_derived`` when a filter
    (or the caller, ``derived``) needs it, and only then: the join alone costs a scan of every event."""
    statement = statement.select_from(Event)
    if derived or filters.disputed_only or fold(filters.text).strip():
        statement = statement.outerjoin(EventDerived, EventDerived.event_id == Event.id)
    dated = or_(Event.earliest.is_not(None), Event.latest.is_not(None))
    if filters.earliest is not None:
        statement = statement.where(dated, or_(Event.latest.is_(None), Event.latest >= filters.earliest))
    if filters.latest is not None:
        statement = statement.where(dated, or_(Event.earliest.is_(None), Event.earliest <= filters.latest))
    if not filters.undated and filters.earliest is None and filters.latest is None:
        statement = statement.where(dated)
    text = fold(filters.text).strip()
    if text:
        statement = statement.where(EventDerived.folded.contains(text, autoescape=True))
    if filters.entity_ids:
        people = select(Participation.event_id).where(Participation.entity_id.in_(filters.entity_ids))
        statement = statement.where(Event.id.in_(people))
    if filters.tag_ids:
        tagged = select(Tagging.event_id).where(Tagging.tag_id.in_(filters.tag_ids))
        statement = statement.where(Event.id.in_(tagged))
    if filters.categories:
        statement = statement.where(Event.category.in_(filters.categories))
    if filters.confidences:
        levels = sorted(level.value for level in filters.confidences)  # plain strings: see _plain_rows
        statement = statement.where(type_coerce(Event.confidence, String).in_(levels))
    if filters.disputed_only:
        statement = statement.where(EventDerived.disputed.is_(True))
    return statement


def _ordering(order: EventOrder) -> list[Any]:
    """ORDER BY terms of the orders other than by date, the id last of all."""
    key = _SORT_COLUMNS[order.key]
    if order.descending:
        return [key.desc(), Event.id.desc()]
    return [key.asc(), Event.id.asc()]


def _by_date(session: Session, filters: EventFilter, descending: bool) -> list[int]:
    """Chronological: open starts first, then by day, the investigator's order within a day, earliest,
    latest and id; undated events last in either direction.

    Unfiltered or by date range, SQLite reads ids in ``ix_events_earliest_latest`` order (the index covers
    the query); a filter that tests other columns makes a scan in table order and a sort here cheaper than
    following the index to every row. Only days with an explicit order are sorted again afterwards.
    """
    statement = _filtered(select(Event.id, Event.earliest, Event.latest), filters)
    if _tests_rows(filters):  # the index would lead to every row to test it: scan and sort here
        rows = _plain_rows(session, statement)
        rows.sort(key=_chronological)
    else:
        order = (Event.earliest.asc().nulls_first(), Event.latest.asc().nulls_first(), Event.id)
        rows = _plain_rows(session, statement.order_by(*order))
    undated = [event_id for event_id, earliest, latest in rows if earliest is None and latest is None]
    dated = [row for row in rows if row[1] is not None or row[2] is not None]
    ordered = session.connection().execute(
        select(Event.id, Event.same_day_order).where(Event.same_day_order.is_not(None))
    )
    explicit: dict[int, int] = {}
    for event_id, position in ordered:  # dict(result) would read its keys()
        if position is not None:
            explicit[event_id] = position
    if explicit:
        _order_days(dated, explicit)
    ids = [row[0] for row in dated]
    if descending:
        ids.reverse()
        undated.reverse()
    return ids + undated


def _tests_rows(filters: EventFilter) -> bool:
    """Whether ``filters`` test more than the dates (which the index on earliest/latest answers)."""
    return bool(
        fold(filters.text).strip()
        or filters.entity_ids
        or filters.tag_ids
        or filters.categories
        or filters.confidences
        or filters.disputed_only
    )


def _chronological(row: tuple[int, int | None, int | None]) -> tuple[bool, int, bool, int, int]:
    """Sort key of (id, earliest, latest): as ORDER BY earliest NULLS FIRST, latest NULLS FIRST, id."""
    event_id, earliest, latest = row
    return (earliest is not None, earliest or 0, latest is not None, latest or 0, event_id)


def _order_days(rows: list[Any], explicit: Mapping[int, int]) -> None:
    """Sort, in place, the days of ``rows`` (id, earliest, latest; by earliest, open starts first) that
    hold events with an explicit order: those first, in that order, then the others as they were."""
    first_dated = _first_not_none([row[1] for row in rows])
    starts: list[int] = [row[1] for row in rows[first_dated:]]
    days = {day_of(row[1]) for row in rows[first_dated:] if row[0] in explicit}
    for day in days:
        low = first_dated + bisect_left(starts, day * DAY_SECONDS)
        high = first_dated + bisect_left(starts, (day + 1) * DAY_SECONDS)
        rows[low:high] = sorted(
            rows[low:high], key=lambda row: (row[0] not in explicit, explicit.get(row[0], 0))
        )


def _first_not_none(values: Sequence[int | None]) -> int:
    return next((index for index, value in enumerate(values) if value is not None), len(values))


_SORT_COLUMNS: dict[EventSortKey, Any] = {
    EventSortKey.DATE: Event.earliest,
    EventSortKey.TITLE: func.lower(Event.title),
    EventSortKey.CATEGORY: func.lower(Event.category),
    EventSortKey.CONFIDENCE: case(
        *((Event.confidence == level, rank) for level, rank in CONFIDENCE_RANK.items()),
        else_=len(CONFIDENCE_RANK),
    ),
    EventSortKey.EVIDENCE: func.coalesce(EventDerived.evidence_count, 0),
    EventSortKey.CREATED: Event.created_at,
    EventSortKey.UPDATED: Event.updated_at,
    EventSortKey.ID: Event.id,
}


# -- dates in sources ----------------------------------------------------------------------------------------


def _stale_scans() -> Select[int]:
    """Sources whose stored dates are missing or were found with another extractor, date or language."""
    return (
        select(Source.id)
        .outerjoin(SourceDateScan, SourceDateScan.source_id == Source.id)
        .where(
            or_(
                SourceDateScan.source_id.is_(None),
                SourceDateScan.extractor_version != date_extractor_version(),
                SourceDateScan.language != Source.language,
                SourceDateScan.published.is_distinct_from(Source.published),
            )
        )
    )


def _scan_is_current(session: Session, source_id: int) -> bool:
    if session.scalar(select(Source.id).where(Source.id == source_id)) is None:
        raise NotFound(f"There is no source #{source_id} in this case.")
    return session.scalar(_stale_scans().where(Source.id == source_id)) is None


def _source_dates(session: Session, source_id: int) -> list[SourceDateRecord]:
    statement = (
        select(SourceDate)
        .where(SourceDate.source_id == source_id)
        .order_by(SourceDate.start, SourceDate.end, SourceDate.id)
    )
    return [
        SourceDateRecord(
            row.id,
            row.source_id,
            row.start,
            row.end,
            row.text,
            row.edtf,
            row.inferred,
            row.relative,
            row.note,
        )
        for row in session.scalars(statement)
    ]


def _mentioned_entities(session: Session, source_id: int, start: int, end: int) -> list[ParticipantRecord]:
    statement = (
        select(Mention.entity_id, Entity.name, EntityType.key)
        .join(Entity, Entity.id == Mention.entity_id)
        .join(EntityType, EntityType.id == Entity.type_id)
        .where(Mention.source_id == source_id, Mention.start >= start, Mention.end <= end)
        .order_by(Mention.start, Mention.id)
    )
    seen: dict[int, ParticipantRecord] = {}
    for entity_id, name, type_key in session.execute(statement):
        seen.setdefault(entity_id, ParticipantRecord(entity_id, name, type_key, ""))
    return list(seen.values())


_SENTENCE_BREAK = re.compile(r"[.!?;؟؛।]\s|\n")


def _same_sentence(text: str, found: SourceDateRecord, start: int, end: int) -> bool:
    """Whether the date lies in the quote or in the sentence the quote is part of."""
    if found.start < end and found.end > start:
        return True
    between = text[found.end : start] if found.end <= start else text[end : found.start]
    return _SENTENCE_BREAK.search(between) is None


def _date_candidates(
    found: Sequence[SourceDateRecord], text: str, start: int, end: int
) -> list[SourceDateRecord]:
    """Resolvable dates inside the quote (in order), then near it (nearest first, before wins a tie)."""
    inside = [d for d in found if d.edtf is not None and d.start < end and d.end > start]
    near: list[tuple[int, int, SourceDateRecord]] = []
    for found_date in found:
        if found_date.edtf is None or found_date in inside:
            continue
        if found_date.end <= start:
            gap, side, between = start - found_date.end, 0, text[found_date.end : start]
        else:
            gap, side, between = found_date.start - end, 1, text[end : found_date.start]
        if gap <= NEAR_SELECTION and "\n\n" not in between:
            near.append((gap, side, found_date))
    near.sort(key=lambda item: (item[0], item[1]))
    return inside + [item[2] for item in near]
