"""Frozen records about entities, their names and where they are mentioned, handed out by the store.

Offsets follow ``app.core.records``: code-point indices into a source's stored text, half-open.

Every edit of the entity repository returns a record that is enough to revert it through the repository
again (``untag`` ↔ ``restore_mention``, ``merge`` ↔ ``unmerge``, ``delete_entity`` ↔ ``restore_entity``
…), so an undo is an audited edit like any other and a ``QUndoCommand`` only has to hold the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.core.mentions import MatchKind, ReviewReason
from app.core.records import Snippet


class CandidateStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Row:
    """One database row as plain values (column name → value), kept by undo records to re-create it."""

    values: tuple[tuple[str, object], ...]

    def as_dict(self) -> dict[str, object]:
        return dict(self.values)

    @property
    def id(self) -> int:
        value = self.as_dict()["id"]
        assert isinstance(value, int)
        return value


@dataclass(frozen=True)
class EntityTypeRecord:
    id: int
    key: str  # "person", "organisation", … or the key of a type the investigator added
    label: str
    colour: str  # "#rrggbb": the highlight colour of this type's mentions in the reader
    icon: str
    builtin: bool


@dataclass(frozen=True)
class AliasRecord:
    id: int
    entity_id: int
    text: str
    language: str


@dataclass(frozen=True)
class EntityRecord:
    id: int
    type_id: int
    type_key: str
    name: str
    description: str
    notes: str
    created_at: datetime
    aliases: tuple[AliasRecord, ...]


@dataclass(frozen=True)
class EntitySummary:
    """One row of the entities list, with its counts."""

    id: int
    type_id: int
    type_key: str
    name: str
    aliases: int
    mentions: int
    sources: int  # distinct sources with at least one mention
    events: int  # events the entity takes part in
    pending_candidates: int


@dataclass(frozen=True)
class MentionRecord:
    id: int
    entity_id: int
    source_id: int
    start: int
    end: int
    text: str  # exactly ``source_text[start:end]``
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class TagResult:
    """What ``tag`` did: the new mention, the alias it added when the spelling was new, and the entity it
    created (``tag_identifier``, for an identifier the case did not have yet)."""

    mention: MentionRecord
    added_alias: AliasRecord | None
    created_entity: EntityRecord | None = None


@dataclass(frozen=True)
class MentionInContext:
    """A mention with a few words either side (keyword in context).

    ``context.text`` is ``source_text[context.start : context.start + len(context.text)]`` with line breaks
    and tabs shown as spaces one for one, so ``context.highlights[0]`` (offsets into the excerpt) plus
    ``context.start`` gives the mention's offsets in the source.
    """

    mention: MentionRecord
    source_title: str
    context: Snippet


@dataclass(frozen=True)
class SourceHighlight:
    """A mention as the reader draws it: its span, whose it is and in which colour."""

    mention_id: int
    entity_id: int
    entity_name: str
    type_key: str
    colour: str
    start: int
    end: int


@dataclass(frozen=True)
class CandidateRecord:
    """A place where an entity may be mentioned, waiting for (or past) the investigator's decision."""

    id: int
    entity_id: int
    source_id: int
    start: int
    end: int
    text: str  # exactly ``source_text[start:end]``
    alias: str  # the alias it matched (for a variant: the alias it is a near miss of)
    kind: MatchKind
    status: CandidateStatus
    needs_review: bool
    confidence: float
    reason: ReviewReason
    mention_id: int | None  # the mention made when it was accepted


@dataclass(frozen=True)
class CandidateDecision:
    """The result of ``accept``/``reject``: enough to put the candidates back (``undo_decision``)."""

    status: CandidateStatus
    candidate_ids: tuple[int, ...]  # the candidates whose status changed
    previous: tuple[CandidateStatus, ...]  # their status before, in the same order
    before: tuple[Row, ...]  # the candidates as they were, in the same order
    mentions: tuple[MentionRecord, ...]  # mentions created by accepting
    removed_mentions: tuple[Row, ...]  # mentions removed by rejecting accepted candidates
    added_aliases: tuple[AliasRecord, ...]  # spellings of accepted variants, now aliases


@dataclass(frozen=True)
class DeletionImpact:
    """What deleting an entity takes with it, for the confirmation dialog."""

    entity_id: int
    name: str
    aliases: int
    mentions: int
    sources: int
    event_links: int
    candidates: int
    notes: int
    taggings: int


@dataclass(frozen=True)
class EntitySnapshot:
    """An entity and everything attached to it, as it was before a delete (``restore_entity`` re-creates it
    with the same ids)."""

    entity: Row
    aliases: tuple[Row, ...]
    mentions: tuple[Row, ...]
    candidates: tuple[Row, ...]
    event_links: tuple[Row, ...]
    taggings: tuple[Row, ...]
    notes: tuple[Row, ...]


@dataclass(frozen=True)
class MergeRecord:
    """What ``merge`` moved and removed, so ``unmerge`` can split the entities back exactly.

    ``moved`` lists (table, row id, entity the row came from). Rows that would have duplicated one of the
    survivor's (the same alias, the same mention span, the same event role …) were deleted instead; they
    are in the snapshots' row lists, and so are the merged entities themselves.
    """

    survivor_id: int
    merged: tuple[EntitySnapshot, ...]  # the other entities as they were, with their duplicate rows
    moved: tuple[tuple[str, int, int], ...]
    moved_event_links: tuple[tuple[int, str, int], ...]  # (event id, role, entity it came from)
    survivor_before: Row  # the survivor's own fields (description and notes are combined)
    added_aliases: tuple[int, ...]  # aliases the merge gave the survivor (the merged entities' names)
