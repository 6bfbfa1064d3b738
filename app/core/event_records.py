"""Events on the timeline: the frozen records the store hands out, and the pure rules behind them.

Offsets follow ``app.core.records``: code-point indices into a source's stored text, half-open.

**Descriptions are Markdown** (CommonMark). Plain text is Markdown already, so a description typed or
pasted as plain text works as it is; Qt's ``QTextDocument`` reads and writes Markdown, and exports render
it with raw HTML switched off, so nothing in a description can inject markup into a report. HTML was
rejected: Qt's HTML is verbose and Qt-specific, and would have to be sanitised on every export.

**Dates.** An event has a ``start`` and an optional ``end``, each an ``UncertainDate`` stored as EDTF. A
start that is itself a range ("2019-05/2019-08") means *one moment somewhere in that range*; only an
``end`` makes an event last. ``earliest``/``latest`` are the start's earliest and the end's (or, without
an end, the start's) latest possible instant, as whole epoch seconds with ``latest`` *inclusive* (the last
second: ``UncertainDate.bounds_epoch``); ``None`` is an open end. An event without a start is undated.

**Confidence from evidence** (``assess_confidence``). Each supporting or contradicting quote weighs

    weight = reliability points × credibility points / 25

with the source's reliability A–E = 5–1 points and the information's credibility 1–5 = 5–1 points (the
Admiralty scale). So A1 weighs 1, B2 0.64, C3 0.36, D4 0.16. F ("reliability cannot be judged") and 6
("truth cannot be judged") are not grades but the absence of one, so they never add confidence of their
own: when the other half of the grade was judged, the unjudged half counts as the middle of its scale (3
points) and the judged half decides (F2 weighs 0.48 like C2, A6 0.6 like A3); a quote judged on neither
(F6, the grade of a quote nobody has assessed yet) weighs **nothing**. It is still listed and counted
(``unjudged_sources``), but however many F6 quotes support an event they do not move it from "unknown":
"someone says so", repeated, is not evidence that it happened until someone grades it. A contradicting
quote, judged or not, still disputes the event, so one with no judged support is doubtful.

A source counts once however often it is quoted (its best quote), and a source and the files attached to
it (an e-mail and its attachments) count as one, since they are not independent. Independent sources
corroborate each other: ``support = 1 − Π(1 − weight)`` over the supporting sources, and likewise
``contradiction`` over the contradicting ones. The score is ``support × (1 − contradiction)``:

    confirmed ≥ 0.9,  probable ≥ 0.6,  possible ≥ 0.3,  doubtful below;

and "unknown" when nothing judged supports the event and nothing contradicts it (no quote, only context,
or only F6 support).
Examples: one A1 quote is confirmed (credibility 1 already says "confirmed by other sources"); one B2 is
probable and three independent B2 are confirmed; one F2 is possible; one or four ungraded (F6) quotes are
unknown; a B2 quote against a B2 quote is doubtful. The arithmetic is exact (fractions), so a weight
never misses a threshold by a rounding error.
An event with any contradicting quote is **disputed**, whatever its score. The investigator may override
the suggestion; the event then keeps the chosen confidence (``confidence_overridden``) until the
override is cleared, and both values are shown.

**Undo.** Every edit of ``EventRepository`` returns an ``EventEdit``: the rows it inserted and deleted,
exactly as they were, and the fields it changed with their values before and after. ``revert`` applies
its ``inverse()``, ``reapply`` applies it again; both are audited edits like any other, and the values
derived from the rows (bounds, evidence count, disputed, suggested confidence) are recomputed each time.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntFlag, StrEnum
from fractions import Fraction
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import quote, unquote

from app.core.dates import DatePoint, UncertainDate, definitely_before
from app.core.errors import InvalidValue
from app.core.records import Confidence, Reliability, Stance

DAY_SECONDS = 86_400

# --- the confidence rule -----------------------------------------------------------------------------

CREDIBILITY_MEANING = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}
UNJUDGED_CREDIBILITY = 6
_RELIABILITY_POINTS = {
    Reliability.A: 5,
    Reliability.B: 4,
    Reliability.C: 3,
    Reliability.D: 2,
    Reliability.E: 1,
    Reliability.F: 3,
}
_CREDIBILITY_POINTS = {1: 5, 2: 4, 3: 3, 4: 2, 5: 1, 6: 3}
#: The lowest score of each confidence, best first; below the last one an event is doubtful.
CONFIDENCE_THRESHOLDS: tuple[tuple[Confidence, Fraction], ...] = (
    (Confidence.CONFIRMED, Fraction(9, 10)),
    (Confidence.PROBABLE, Fraction(3, 5)),
    (Confidence.POSSIBLE, Fraction(3, 10)),
)
#: Best first: the order of the confidence column and of the confidence filter.
CONFIDENCE_RANK = {
    Confidence.CONFIRMED: 0,
    Confidence.PROBABLE: 1,
    Confidence.POSSIBLE: 2,
    Confidence.DOUBTFUL: 3,
    Confidence.UNKNOWN: 4,
}


def checked_credibility(value: object) -> int:
    """The credibility grade as an int 1–6, or ``InvalidValue`` saying what the grades mean."""
    try:
        grade = int(str(value))
    except ValueError:
        grade = 0
    if str(grade) != str(value).strip() or not 1 <= grade <= 6:
        raise InvalidValue(
            f"Credibility is a grade from 1 to 6 (1 confirmed by other sources … 5 improbable, "
            f"6 cannot be judged), not “{value}”."
        )
    return grade


def checked_stance(value: object) -> Stance:
    try:
        return Stance(str(value).strip().lower())
    except ValueError:
        raise InvalidValue(
            f"A quote supports, contradicts or gives context to an event, not “{value}”."
        ) from None


def checked_confidence(value: object) -> Confidence:
    try:
        return Confidence(str(value).strip().lower())
    except ValueError:
        names = ", ".join(member.value for member in Confidence)
        raise InvalidValue(f"Confidence is one of {names}, not “{value}”.") from None


@dataclass(frozen=True)
class EvidenceGrade:
    """What the rule needs to know about one quote."""

    origin: int  # the source, or the source it is attached to: one origin counts once
    reliability: Reliability
    credibility: int
    stance: Stance


def evidence_weight(reliability: Reliability, credibility: int) -> Fraction:
    if is_unjudged(reliability, credibility):
        return Fraction(0)
    return Fraction(_RELIABILITY_POINTS[reliability] * _CREDIBILITY_POINTS[credibility], 25)


def is_unjudged(reliability: Reliability, credibility: int) -> bool:
    """Neither the source nor the information was judged (F6): the quote adds no confidence."""
    return reliability is Reliability.F and credibility == UNJUDGED_CREDIBILITY


@dataclass(frozen=True)
class ConfidenceAssessment:
    """The suggested confidence and how it came about (for the inspector's explanation)."""

    suggested: Confidence
    score: Fraction
    support: Fraction
    contradiction: Fraction
    supporting_sources: int
    contradicting_sources: int
    context_quotes: int
    unjudged_sources: int = 0  # supporting or contradicting sources quoted only with F6: weight 0

    @property
    def disputed(self) -> bool:
        return self.contradicting_sources > 0


def assess_confidence(grades: Iterable[EvidenceGrade]) -> ConfidenceAssessment:
    """Apply the rule in the module docstring to an event's quotes."""
    best: dict[Stance, dict[int, Fraction]] = {Stance.SUPPORTS: {}, Stance.CONTRADICTS: {}}
    context = 0
    for grade in grades:
        if grade.stance is Stance.CONTEXT:
            context += 1
            continue
        weights = best[grade.stance]
        weight = evidence_weight(grade.reliability, grade.credibility)
        weights[grade.origin] = max(weight, weights.get(grade.origin, Fraction(0)))
    support = _corroborated(best[Stance.SUPPORTS].values())
    contradiction = _corroborated(best[Stance.CONTRADICTS].values())
    score = support * (1 - contradiction)
    bearing = [*best[Stance.SUPPORTS].values(), *best[Stance.CONTRADICTS].values()]
    if not any(best[Stance.SUPPORTS].values()) and not best[Stance.CONTRADICTS]:
        suggested = Confidence.UNKNOWN  # nothing, only context, or only unjudged (F6) support
    else:
        suggested = next(
            (level for level, lowest in CONFIDENCE_THRESHOLDS if score >= lowest), Confidence.DOUBTFUL
        )
    return ConfidenceAssessment(
        suggested,
        score,
        support,
        contradiction,
        len(best[Stance.SUPPORTS]),
        len(best[Stance.CONTRADICTS]),
        context,
        sum(1 for weight in bearing if not weight),
    )


def _corroborated(weights: Iterable[Fraction]) -> Fraction:
    doubt = Fraction(1)
    for weight in weights:
        doubt *= 1 - weight
    return 1 - doubt


# --- dates ----------------------------------------------------------------------------------------------


def checked_dates(start: UncertainDate | None, end: UncertainDate | None) -> None:
    if start is None and end is not None:
        raise InvalidValue("An event with an end needs a start too.")
    if start is not None and end is not None and definitely_before(end, start):
        raise InvalidValue(f"The event ends ({end.to_edtf()}) before it starts ({start.to_edtf()}).")


def event_bounds(start: UncertainDate | None, end: UncertainDate | None) -> tuple[int | None, int | None]:
    """Earliest and latest instant (epoch seconds, latest inclusive) of an event from ``start`` to ``end``."""
    if start is None:
        return None, None
    earliest, latest = start.bounds_epoch()
    if end is not None:
        latest = end.bounds_epoch()[1]
    return earliest, latest


def certain_span(start: UncertainDate | None, end: UncertainDate | None) -> tuple[int | None, int | None]:
    """Where a lasting event is surely going on (epoch seconds, end inclusive), or ``(None, None)``.

    Only an event with an end lasts. Stated ends are read as the reader means them, whole units at their
    own precision ("31 July – 2 August" is going on on each of those three days; "July – September" on
    each of those months); approximation margins are left out. A start that is a range of possible
    moments contributes its latest moment, an end that is a range its earliest; an open or unknown end
    leaves nothing certain. This is the ``certain_start``/``certain_end`` of ``app.core.timeline_layout``.
    """
    if start is None or end is None:
        return None, None
    first = _latest_start(start)
    last = _earliest_end(end)
    if first is None or last is None or first > last:
        return None, None
    return first, last


def _nominal(point: DatePoint) -> tuple[int, int]:
    low, high = UncertainDate(point.qualified(approximate=False, uncertain=False)).bounds_epoch()
    assert low is not None and high is not None
    return low, high


def _latest_start(value: UncertainDate) -> int | None:
    if value.end is None:
        assert isinstance(value.start, DatePoint)
        return _nominal(value.start)[0]
    return _nominal(value.end)[1] if isinstance(value.end, DatePoint) else None


def _earliest_end(value: UncertainDate) -> int | None:
    if value.end is None:
        assert isinstance(value.start, DatePoint)
        return _nominal(value.start)[1]
    return _nominal(value.start)[0] if isinstance(value.start, DatePoint) else None


def day_of(epoch: int) -> int:
    """The day number (since 1970-01-01) of an instant, as the date is written (floating dates as UTC)."""
    return epoch // DAY_SECONDS


def within_one_day(earliest: int | None, latest: int | None) -> bool:
    return earliest is not None and latest is not None and day_of(earliest) == day_of(latest)


# --- text -----------------------------------------------------------------------------------------------

TITLE_FROM_QUOTE_CHARS = 120
_SPACES = re.compile(r"\s+")


def checked_title(title: str) -> str:
    cleaned = _SPACES.sub(" ", title).strip()
    if not cleaned:
        raise InvalidValue("An event needs a title.")
    if len(cleaned) > 1000:
        raise InvalidValue("An event title can be at most 1,000 characters; put the rest in the description.")
    return cleaned


def title_from_quote(quote: str, limit: int = TITLE_FROM_QUOTE_CHARS) -> str:
    """A first title for an event made from a selection: the quote on one line, cut at a word."""
    text = _SPACES.sub(" ", quote).strip()
    if len(text) <= limit:
        return text or "Untitled event"
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,.;:") + "…"


def page_of(offset: int, page_starts: tuple[int, ...] | list[int]) -> int | None:
    """The 1-based page an offset lies on, from a PDF's page starts; ``None`` for text without pages."""
    if not page_starts:
        return None
    from bisect import bisect_right

    return max(bisect_right(page_starts, offset), 1)


def date_extractor_version() -> str:
    """Identifies the date extractor's code: stored dates found by another version are found again.

    A hash of the modules that decide what ``extract_dates`` returns, so no one has to remember to bump a
    number; where the sources are not available (a frozen build) the application's version stands in.
    """
    return _extractor_version()


@cache
def _extractor_version() -> str:
    digest = hashlib.sha256()
    for module in ("app.core.date_extraction", "app.core.dates"):
        spec = find_spec(module)
        origin = spec.origin if spec is not None else None
        if origin is None or not origin.endswith(".py"):
            from app import __version__

            return f"app-{__version__}"
        digest.update(Path(origin).read_bytes())
    return digest.hexdigest()[:16]


# --- records ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceRecord:
    """A quote linked to an event: ``quote`` is exactly ``source_text[start:end]``."""

    id: int
    event_id: int
    source_id: int
    source_title: str
    source_reliability: Reliability
    start: int
    end: int
    quote: str
    page: int | None  # 1-based, for sources with pages (PDF)
    stance: Stance
    credibility: int  # 1 confirmed by other sources … 5 improbable, 6 cannot be judged
    note: str
    created_at: datetime
    last_page: int | None = None  # the page the quote ends on, when it runs past ``page``

    @property
    def pages(self) -> str:
        """ "p. 3", "pp. 3–4" (a quote that runs onto the next page), "" for a source without pages."""
        if self.page is None:
            return ""
        if self.last_page is None or self.last_page == self.page:
            return f"p. {self.page}"
        return f"pp. {self.page}–{self.last_page}"

    @property
    def grade(self) -> str:
        """The Admiralty grade, e.g. "B2"."""
        return f"{self.source_reliability.value}{self.credibility}"


@dataclass(frozen=True)
class ParticipantRecord:
    entity_id: int
    name: str
    type_key: str
    role: str  # "" when unspecified


@dataclass(frozen=True)
class TagRecord:
    id: int
    name: str
    colour: str


@dataclass(frozen=True)
class NoteRecord:
    id: int
    event_id: int
    body: str  # Markdown, like descriptions
    author: str
    created_at: datetime
    updated_at: datetime

    @property
    def edited(self) -> bool:
        return self.updated_at != self.created_at


@dataclass(frozen=True)
class EventDetail:
    """Everything the inspector shows about one event."""

    id: int
    title: str
    description: str  # Markdown
    start: UncertainDate | None
    end: UncertainDate | None
    earliest: int | None  # epoch seconds
    latest: int | None  # epoch seconds, inclusive
    category: str
    confidence: Confidence  # in effect: the override if there is one, else the suggestion
    suggested_confidence: Confidence
    confidence_overridden: bool
    assessment: ConfidenceAssessment
    disputed: bool
    same_day_order: int | None
    created_at: datetime
    updated_at: datetime
    evidence: tuple[EvidenceRecord, ...]
    participants: tuple[ParticipantRecord, ...]
    tags: tuple[TagRecord, ...]
    notes: tuple[NoteRecord, ...]

    @property
    def start_edtf(self) -> str | None:
        return None if self.start is None else self.start.to_edtf()

    @property
    def end_edtf(self) -> str | None:
        return None if self.end is None else self.end.to_edtf()


@dataclass(frozen=True)
class EventSummary:
    """One row of the events table."""

    id: int
    title: str
    start_edtf: str | None
    end_edtf: str | None
    earliest: int | None
    latest: int | None
    category: str
    confidence: Confidence
    suggested_confidence: Confidence
    confidence_overridden: bool
    disputed: bool
    evidence_count: int
    participants: tuple[str, ...]  # entity names
    tags: tuple[str, ...]
    same_day_order: int | None
    updated_at: datetime


@dataclass(frozen=True)
class EvidenceHighlight:
    """A linked quote as the reader draws it over its source."""

    evidence_id: int
    event_id: int
    event_title: str
    start: int
    end: int
    stance: Stance
    credibility: int
    disputed: bool  # the event is disputed


@dataclass(frozen=True)
class SourceDateRecord:
    """A date expression found in a source's text (``app.core.date_extraction``)."""

    id: int
    source_id: int
    start: int
    end: int
    text: str  # exactly ``source_text[start:end]``
    edtf: str | None  # None when the expression cannot be resolved (see ``note``)
    inferred: bool  # part of the value came from elsewhere (the publication date, an earlier date)
    relative: bool  # it needs a reference date ("yesterday", "last March")
    note: str

    @property
    def value(self) -> UncertainDate | None:
        from app.core.dates import parse

        return None if self.edtf is None else parse(self.edtf)


@dataclass(frozen=True)
class EventDraft:
    """What "New event from selection" suggests, before anything is written."""

    source_id: int
    start: int
    end: int
    quote: str
    title: str
    date: SourceDateRecord | None  # the suggested date: the first in the quote, else the nearest before
    date_candidates: tuple[SourceDateRecord, ...]  # resolvable dates in or near the quote, best first
    participants: tuple[ParticipantRecord, ...]  # entities mentioned inside the quote


# --- filters, order, timeline -------------------------------------------------------------------------


@dataclass(frozen=True)
class EventFilter:
    """Which events the timeline and the table show; every condition given must hold.

    ``earliest``/``latest`` (epoch seconds) keep events that *may* lie in that range, open-ended ones
    included ("before 2019" may lie in 2015), and drop undated events. ``text`` is looked up in title and
    description with search folding (niqqud, harakat, case ignored). Sets mean "any of".
    """

    earliest: int | None = None
    latest: int | None = None
    text: str = ""
    entity_ids: frozenset[int] = frozenset()
    tag_ids: frozenset[int] = frozenset()
    categories: frozenset[str] = frozenset()
    confidences: frozenset[Confidence] = frozenset()
    disputed_only: bool = False
    undated: bool = True  # include undated events (when no date range is given)


class EventSortKey(StrEnum):
    DATE = "date"  # chronological: day, then the investigator's same-day order, then earliest and latest
    TITLE = "title"
    CATEGORY = "category"
    CONFIDENCE = "confidence"  # best first
    EVIDENCE = "evidence"  # number of quotes
    CREATED = "created"
    UPDATED = "updated"
    ID = "id"


@dataclass(frozen=True)
class EventOrder:
    key: EventSortKey = EventSortKey.DATE
    descending: bool = False


ALL_EVENTS = EventFilter()
BY_DATE = EventOrder()


class LaneGrouping(StrEnum):
    NONE = "none"
    CATEGORY = "category"
    CONFIDENCE = "confidence"
    ENTITY = "entity"  # one lane per participant: an event with two participants is in two lanes
    TAG = "tag"
    SOURCE = "source"  # one lane per source quoted: an event quoting two sources is in two lanes


class EventFlag(IntFlag):
    HAS_END = 1  # it lasts: drawn as a bar from start to end
    APPROXIMATE = 2  # some date point is approximate (~ or %)
    UNCERTAIN = 4  # some date point is uncertain (? or %)
    DISPUTED = 8
    CONFIDENCE_OVERRIDDEN = 16
    UNDATED = 32


LaneKey = str | int


def event_flags(start_edtf: str | None, end_edtf: str | None, disputed: bool, overridden: bool) -> int:
    """The ``EventFlag`` bits of an event (stored with it, so the timeline reads one number)."""
    dates = f"{start_edtf or ''}{end_edtf or ''}"
    flags = EventFlag(0)
    for condition, flag in (
        (end_edtf is not None, EventFlag.HAS_END),
        (start_edtf is None, EventFlag.UNDATED),
        ("~" in dates or "%" in dates, EventFlag.APPROXIMATE),
        ("?" in dates or "%" in dates, EventFlag.UNCERTAIN),
        (disputed, EventFlag.DISPUTED),
        (overridden, EventFlag.CONFIDENCE_OVERRIDDEN),
    ):
        if condition:
            flags |= flag
    return int(flags)


@dataclass(frozen=True, eq=False)
class TimelineRows:
    """The filtered events as columns (index ``i`` is one event, in id order), cheap to hold for 100,000.

    Times are epoch seconds, ``latest``/``certain_end`` inclusive (add a second for the half-open ranges
    of ``app.core.timeline_layout``); ``None`` is an open end. ``lane_keys[i]`` are the event's lanes under
    the grouping asked for (category or confidence value, entity or tag ids; empty for none), and
    ``lane_labels`` names every key that occurs, in display order.
    """

    grouping: LaneGrouping
    ids: tuple[int, ...]
    titles: tuple[str, ...]
    lane_keys: tuple[tuple[LaneKey, ...], ...]
    earliest: tuple[int | None, ...]
    latest: tuple[int | None, ...]
    certain_start: tuple[int | None, ...]
    certain_end: tuple[int | None, ...]
    flags: tuple[int, ...]  # EventFlag bits
    confidence: tuple[Confidence, ...]
    evidence_count: tuple[int, ...]
    lane_labels: tuple[tuple[LaneKey, str], ...] = ()
    same_day_order: tuple[int | None, ...] = ()  # the investigator's order within a day (empty: none read)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Histogram:
    """Events per time bin (by the middle of their possible range, or their known end when one is open)."""

    edges: tuple[int, ...]  # bins + 1 epoch seconds
    counts: tuple[int, ...]
    undated: int


# --- undo records -------------------------------------------------------------------------------------

Values = tuple[tuple[str, object], ...]


def values_of(mapping: Mapping[str, object]) -> Values:
    return tuple(mapping.items())


@dataclass(frozen=True)
class StoredRow:
    """One database row as plain values, kept by an edit to re-create it with the same key."""

    table: str
    values: Values

    def as_dict(self) -> dict[str, object]:
        return dict(self.values)


@dataclass(frozen=True)
class RowUpdate:
    """Fields of one row (found by ``key``) changed from ``before`` to ``after``."""

    table: str
    key: Values
    before: Values
    after: Values

    def inverse(self) -> RowUpdate:
        return RowUpdate(self.table, self.key, self.after, self.before)


@dataclass(frozen=True)
class EventEdit:
    """An applied edit of events, enough to revert it and apply it again.

    ``deleted`` and ``inserted`` list rows parents first; applying deletes ``deleted`` (children first),
    inserts ``inserted`` and then sets ``updated``. ``object_id`` is the event, quote or note the edit
    created or changed (a new event's id, for instance).
    """

    action: str  # the audit log's words, e.g. "link evidence"; the undo menu can show them
    event_ids: tuple[int, ...]
    object_type: str
    object_id: int | None
    inserted: tuple[StoredRow, ...] = ()
    deleted: tuple[StoredRow, ...] = ()
    updated: tuple[RowUpdate, ...] = field(default=())

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.deleted or any(u.before != u.after for u in self.updated))

    def inverse(self) -> EventEdit:
        return EventEdit(
            self.action,
            self.event_ids,
            self.object_type,
            self.object_id,
            inserted=self.deleted,
            deleted=self.inserted,
            updated=tuple(update.inverse() for update in reversed(self.updated)),
        )


# --- links to events ------------------------------------------------------------------------------------

LINK_SCHEME = "threadline"


@dataclass(frozen=True)
class EventLink:
    """``threadline://case/<case file name>/event/<id>?case=<case key>``.

    The name says which file to look for; the key (``case_key``) says which case it must be, whatever its
    file is called now and wherever it was moved: two cases both called "Flights.threadline" are told apart,
    and a renamed case still opens its links. A link without a key (as first copied) is matched by name.
    """

    case_name: str  # the case file's name, e.g. "Demo case.threadline"
    event_id: int
    case_key: str = ""

    def url(self) -> str:
        path = f"{LINK_SCHEME}://case/{quote(self.case_name, safe='')}/event/{self.event_id}"
        return f"{path}?case={self.case_key}" if self.case_key else path

    def names_case(self, file_name: str, key: str) -> bool:
        """Whether the link is to the case of that file name and key."""
        return self.case_key == key if self.case_key else self.case_name == file_name


_LINK = re.compile(
    rf"{LINK_SCHEME}://case/(?P<case>[^/?#]+)/event/(?P<id>\d+)/?(?:\?case=(?P<key>[0-9a-f]{{12}}))?"
)


def case_key(created_at: datetime) -> str:
    """A case's key in its links: a digest of the moment it was created, which no edit, copy or rename
    changes (a copy made with Save a Copy holds the same events, so it may answer the same links)."""
    return hashlib.sha256(created_at.isoformat().encode()).hexdigest()[:12]


def parse_link(url: str) -> EventLink | None:
    """The case and event a link names, or None if it is not an event link."""
    match = _LINK.fullmatch(url.strip())
    if match is None:
        return None
    return EventLink(unquote(match.group("case")), int(match.group("id")), match.group("key") or "")
