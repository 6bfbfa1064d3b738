"""``EntityRepository``: entity types, entities, aliases, mentions and mention candidates of a case.

Reached as ``store.entities``. Like the rest of the ``CaseStore`` facade, each public method is one
transaction, returns frozen records (``app.core.entity_records``), writes an audit row with the change and
notifies a ``Change`` ("entity", "mention", "candidate", "entity_type") after the commit. Every edit
returns what is needed to revert it through this repository, and the revert is audited too.

Finding candidates works in three steps. The full-text index preselects the sources that contain an alias
(with its Hebrew/Arabic prefixed forms, a Hebrew prefix glued to a Latin name, a name cut by a line-end
hyphen) or a near miss of one taken from the case's vocabulary; the folded text the index keeps tells on
which lines; and ``app.core.mentions`` runs the search matcher on those lines only. Candidates are stored
one row per entity and span, so a rerun neither duplicates them nor revives rejected ones; pending ones
that are no longer found (an alias was removed) are dropped.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import re
from collections import deque
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.core.entity_records import (
    AliasRecord,
    CandidateDecision,
    CandidateRecord,
    CandidateStatus,
    DeletionImpact,
    EntityRecord,
    EntitySnapshot,
    EntitySummary,
    EntityTypeRecord,
    MentionInContext,
    MentionRecord,
    MergeRecord,
    Row,
    SourceHighlight,
    TagResult,
)
from app.core.errors import InvalidValue, NotFound
from app.core.folding import fold
from app.core.identifiers import Identifier, extract_identifiers
from app.core.lifeline import exit_with_parent
from app.core.mentions import (
    Candidate,
    CandidateRow,
    MatchKind,
    MentionFinder,
    NameSuggestion,
    Near,
    NearRequest,
    ReviewReason,
    SearchTerm,
    TextJob,
    Vocabulary,
    alias_words,
    find_in_texts,
    near_keys,
    near_misses,
    snap_to_words,
    suggest_name,
)
from app.core.progress import CancelToken, ProgressSink, ProgressUpdate, ignore_progress
from app.core.records import Change, ChangeKind, FieldEdit, Snippet, Span
from app.core.textnorm import guess_language, span_problem
from app.store import audit, fts_vocab
from app.store.models import (
    Alias,
    Base,
    Entity,
    EntityType,
    Mention,
    MentionCandidate,
    Note,
    Participation,
    Source,
    SourceText,
    Tagging,
    utc_now,
)

if TYPE_CHECKING:
    from app.store.casestore import CaseStore

log = logging.getLogger(__name__)

EDITABLE_ENTITY_FIELDS = frozenset({"name", "description", "notes", "type_key"})
EDITABLE_TYPE_FIELDS = frozenset({"label", "colour", "icon"})
IDENTIFIER_TYPE = "identifier"
CONTEXT_WORDS = 6
_COLOUR = re.compile("#[0-9a-fA-F]{6}")
_PROGRESS_EVERY = 200  # sources between progress reports (and cancel checks) while finding
_TEXT_BATCH = 400  # sources whose texts are loaded at once while finding
_STORE_BATCH = 8_000  # candidates stored per write transaction (about 0.1 s): the write lock is held briefly
_CHUNK = 500  # ids per statement, well below SQLite's variable limit
_WORKER_MIN_PAIRS = 30_000  # (source, spelling) pairs to match before worker processes pay for their start
_ALONGSIDE_MIN_SOURCES = 200  # sources of a find's aliases worth matching before its near misses are known
_NEAR_WORKER_WORDS = 40  # alias words whose near misses the worker processes share (fewer: worked out here)
_NEAR_WORKER_TOKENS = 50_000  # ... in a vocabulary of at least so many tokens
_SCAN_WORKERS = 2
_BATCHES_AHEAD = 6  # text batches handed to the workers before the first is collected
_Model = TypeVar("_Model", bound=Base)


@dataclass(frozen=True)
class IdentifierOffer:
    """An identifier found in a source, offered as an identifier entity (``tag_identifier`` takes it)."""

    identifier: Identifier
    entity_id: int | None  # the identifier entity that already has this value, if any
    tagged: bool  # that entity is already tagged at exactly this span


class EntityRepository:
    """Entities and their mentions in one case; see the module docstring."""

    def __init__(self, store: CaseStore) -> None:
        self._store = store
        self._vocabulary: tuple[_SourcesKey, Vocabulary] | None = None
        self._hyphens: tuple[_SourcesKey, list[int]] | None = None

    # -- entity types ---------------------------------------------------------------------------------

    def list_types(self) -> list[EntityTypeRecord]:
        with self._store._read() as session:
            return [_type_record(row) for row in session.scalars(select(EntityType).order_by(EntityType.id))]

    def add_type(
        self, label: str, colour: str, icon: str = "", *, key: str | None = None
    ) -> EntityTypeRecord:
        """A type of the investigator's own, with the colour its mentions are highlighted in."""
        label = label.strip()
        if not label:
            raise InvalidValue("An entity type needs a name.")
        colour = _checked_colour(colour)
        key = _type_key(key or label)
        with self._store._write() as session:
            if session.scalar(select(EntityType.id).where(EntityType.key == key)) is not None:
                raise InvalidValue(f"There is already an entity type “{key}”.")
            row = EntityType(key=key, label=label, colour=colour, icon=icon.strip(), builtin=False)
            session.add(row)
            session.flush()
            record = _type_record(row)
            self._audit(session, "add entity type", "entity_type", row.id, after=_type_fields(record))
        self._store._notify(Change(ChangeKind.ADDED, "entity_type", (record.id,)))
        return record

    def update_type(self, type_id: int, changes: Mapping[str, object]) -> FieldEdit:
        """Change a type's label, colour or icon; ``edit.before`` undoes it."""
        unknown = sorted(set(changes) - EDITABLE_TYPE_FIELDS)
        if unknown:
            raise InvalidValue(f"These entity type fields cannot be edited: {', '.join(unknown)}.")
        values = {key: str(value).strip() for key, value in changes.items()}
        if "colour" in values:
            values["colour"] = _checked_colour(values["colour"])
        if "label" in values and not values["label"]:
            raise InvalidValue("An entity type needs a name.")
        with self._store._write() as session:
            row = _get(session, EntityType, type_id, "entity type")
            edit = _apply(row, values, "entity_type", type_id)
            if edit.changed:
                self._audit(session, "edit entity type", "entity_type", type_id, edit.before, edit.after)
        if edit.changed:
            self._store._notify(Change(ChangeKind.UPDATED, "entity_type", (type_id,)))
        return edit

    def remove_type(self, type_id: int) -> EntityTypeRecord:
        """Remove a type of the investigator's own that no entity uses; ``restore_type`` undoes it."""
        with self._store._write() as session:
            row = _get(session, EntityType, type_id, "entity type")
            if row.builtin:
                raise InvalidValue(f"“{row.label}” is built in and cannot be removed.")
            used = session.scalar(select(func.count(Entity.id)).where(Entity.type_id == type_id)) or 0
            if used:
                raise InvalidValue(f"{used} entities are of type “{row.label}”; change their type first.")
            record = _type_record(row)
            session.delete(row)
            self._audit(session, "remove entity type", "entity_type", type_id, before=_type_fields(record))
        self._store._notify(Change(ChangeKind.REMOVED, "entity_type", (type_id,)))
        return record

    def restore_type(self, record: EntityTypeRecord) -> EntityTypeRecord:
        with self._store._write() as session:
            session.add(
                EntityType(
                    id=record.id,
                    key=record.key,
                    label=record.label,
                    colour=record.colour,
                    icon=record.icon,
                    builtin=record.builtin,
                )
            )
            self._audit(session, "restore entity type", "entity_type", record.id, after=_type_fields(record))
        self._store._notify(Change(ChangeKind.ADDED, "entity_type", (record.id,)))
        return record

    # -- entities -------------------------------------------------------------------------------------

    def add(
        self,
        type_key: str,
        name: str,
        aliases: Iterable[str] = (),
        *,
        description: str = "",
        notes: str = "",
    ) -> EntityRecord:
        """A new entity; its name is its first alias, and every alias is one more spelling to find."""
        name = _clean_name(name)
        with self._store._write() as session:
            entity_type = _type_by_key(session, type_key)
            row = Entity(
                type_id=entity_type.id,
                name=name,
                description=description.strip(),
                notes=notes,
                created_at=utc_now(),
            )
            session.add(row)
            session.flush()
            for text in _unique_spellings([name, *aliases]):
                _add_alias_row(session, row.id, text)
            session.flush()
            record = _entity_record(session, row)
            self._audit(
                session,
                "add entity",
                "entity",
                row.id,
                after={"type": type_key, "name": name, "aliases": [a.text for a in record.aliases]},
            )
        self._store._notify(Change(ChangeKind.ADDED, "entity", (record.id,)))
        return record

    def get(self, entity_id: int) -> EntityRecord:
        with self._store._read() as session:
            return _entity_record(session, _get(session, Entity, entity_id, "entity"))

    def records(self, entity_ids: Iterable[int] | None = None) -> list[EntityRecord]:
        """Every entity (or those of ``entity_ids`` that exist) with its aliases, by id, in one query: the
        type-ahead needs every alias of the case, which ``get`` one entity at a time reads too slowly."""
        statement = (
            select(Entity, EntityType.key, Alias)
            .join(EntityType, EntityType.id == Entity.type_id)
            .outerjoin(Alias, Alias.entity_id == Entity.id)
            .order_by(Entity.id, Alias.id)
        )
        wanted = None if entity_ids is None else sorted(set(entity_ids))
        records: list[EntityRecord] = []
        with self._store._read() as session:
            chunks = [None] if wanted is None else [wanted[i : i + 500] for i in range(0, len(wanted), 500)]
            for chunk in chunks:
                chosen = statement if chunk is None else statement.where(Entity.id.in_(chunk))
                records += _records_with_aliases(session.execute(chosen).all())
        return records

    def list_entities(self, *, type_key: str | None = None) -> list[EntitySummary]:
        """Every entity with its counts, by name; one query, whatever the number of entities."""
        aliases = _count_by_entity(select(Alias.entity_id, func.count().label("n")), Alias.entity_id)
        mentions = (
            select(
                Mention.entity_id,
                func.count().label("n"),
                func.count(func.distinct(Mention.source_id)).label("sources"),
            )
            .group_by(Mention.entity_id)
            .subquery()
        )
        events = _count_by_entity(
            select(Participation.entity_id, func.count(func.distinct(Participation.event_id)).label("n")),
            Participation.entity_id,
        )
        pending = _count_by_entity(
            select(MentionCandidate.entity_id, func.count().label("n")).where(
                MentionCandidate.status == CandidateStatus.PENDING
            ),
            MentionCandidate.entity_id,
        )
        statement = (
            select(
                Entity.id,
                Entity.type_id,
                EntityType.key,
                Entity.name,
                func.coalesce(aliases.c.n, 0),
                func.coalesce(mentions.c.n, 0),
                func.coalesce(mentions.c.sources, 0),
                func.coalesce(events.c.n, 0),
                func.coalesce(pending.c.n, 0),
            )
            .join(EntityType, EntityType.id == Entity.type_id)
            .outerjoin(aliases, aliases.c.entity_id == Entity.id)
            .outerjoin(mentions, mentions.c.entity_id == Entity.id)
            .outerjoin(events, events.c.entity_id == Entity.id)
            .outerjoin(pending, pending.c.entity_id == Entity.id)
        )
        if type_key is not None:
            statement = statement.where(EntityType.key == type_key)
        with self._store._read() as session:
            rows = session.execute(statement).all()
        summaries = [EntitySummary(*row) for row in rows]
        return sorted(summaries, key=lambda summary: (summary.name.casefold(), summary.id))

    def rename(self, entity_id: int, name: str) -> FieldEdit:
        """Change the display name; the new name becomes an alias too. ``edit.before`` undoes it."""
        return self.update(entity_id, {"name": name})

    def update(self, entity_id: int, changes: Mapping[str, object]) -> FieldEdit:
        """Edit name, description, notes or type (``type_key``); apply ``edit.before`` to undo."""
        unknown = sorted(set(changes) - EDITABLE_ENTITY_FIELDS)
        if unknown:
            raise InvalidValue(f"These entity fields cannot be edited: {', '.join(unknown)}.")
        with self._store._write() as session:
            row = _get(session, Entity, entity_id, "entity")
            values: dict[str, object] = {}
            for key, value in changes.items():
                if key == "name":
                    values["name"] = _clean_name(str(value))
                elif key == "type_key":
                    values["type_id"] = _type_by_key(session, str(value)).id
                else:
                    values[key] = str(value)
            before_type = row.type_id
            edit = _apply(row, values, "entity", entity_id)
            if "name" in edit.after:
                known = {alias_words(alias.text) for alias in _aliases(session, entity_id)}
                if alias_words(row.name) not in known:
                    _add_alias_row(session, entity_id, row.name)
            edit = _with_type_keys(session, edit, before_type)
            if edit.changed:
                self._audit(session, "edit entity", "entity", entity_id, edit.before, edit.after)
        if edit.changed:
            self._store._notify(Change(ChangeKind.UPDATED, "entity", (entity_id,)))
        return edit

    def add_alias(self, entity_id: int, text: str, *, language: str | None = None) -> AliasRecord:
        """Another spelling of the entity (any script); ``remove_alias`` undoes it."""
        text = _clean_name(text)
        with self._store._write() as session:
            _get(session, Entity, entity_id, "entity")
            if any(alias.text == text for alias in _aliases(session, entity_id)):
                raise InvalidValue(f"“{text}” is already an alias of this entity.")
            row = _add_alias_row(session, entity_id, text, language)
            session.flush()
            record = _alias_record(row)
            self._audit(session, "add alias", "entity", entity_id, after={"alias": text, "alias_id": row.id})
        self._store._notify(Change(ChangeKind.UPDATED, "entity", (entity_id,)))
        return record

    def remove_alias(self, alias_id: int) -> AliasRecord:
        """Remove one spelling; mentions already made stay. ``restore_alias`` undoes it."""
        with self._store._write() as session:
            row = _get(session, Alias, alias_id, "alias")
            record = _alias_record(row)
            session.delete(row)
            self._audit(
                session,
                "remove alias",
                "entity",
                row.entity_id,
                before={"alias": row.text, "alias_id": alias_id},
            )
        self._store._notify(Change(ChangeKind.UPDATED, "entity", (record.entity_id,)))
        return record

    def restore_alias(self, record: AliasRecord) -> AliasRecord:
        with self._store._write() as session:
            _get(session, Entity, record.entity_id, "entity")
            session.add(
                Alias(
                    id=record.id,
                    entity_id=record.entity_id,
                    text=record.text,
                    folded=fold(record.text),
                    language=record.language,
                )
            )
            self._audit(
                session,
                "restore alias",
                "entity",
                record.entity_id,
                after={"alias": record.text, "alias_id": record.id},
            )
        self._store._notify(Change(ChangeKind.UPDATED, "entity", (record.entity_id,)))
        return record

    def deletion_impact(self, entity_id: int) -> DeletionImpact:
        """What deleting the entity would take with it, for the confirmation."""
        with self._store._read() as session:
            row = _get(session, Entity, entity_id, "entity")

            def count(statement: Any) -> int:
                return int(session.scalar(statement) or 0)

            return DeletionImpact(
                entity_id=entity_id,
                name=row.name,
                aliases=count(select(func.count()).where(Alias.entity_id == entity_id)),
                mentions=count(select(func.count()).where(Mention.entity_id == entity_id)),
                sources=count(
                    select(func.count(func.distinct(Mention.source_id))).where(Mention.entity_id == entity_id)
                ),
                event_links=count(select(func.count()).where(Participation.entity_id == entity_id)),
                candidates=count(select(func.count()).where(MentionCandidate.entity_id == entity_id)),
                notes=count(select(func.count()).where(Note.entity_id == entity_id)),
                taggings=count(select(func.count()).where(Tagging.entity_id == entity_id)),
            )

    def delete(self, entity_id: int) -> EntitySnapshot:
        """Delete the entity and everything attached to it; ``restore`` puts it all back, same ids."""
        with self._store._write() as session:
            snapshot = _snapshot(session, _get(session, Entity, entity_id, "entity"))
            session.execute(delete(Entity).where(Entity.id == entity_id))
            self._audit(session, "delete entity", "entity", entity_id, before=_snapshot_summary(snapshot))
        self._store._notify(Change(ChangeKind.REMOVED, "entity", (entity_id,)))
        if snapshot.mentions:
            self._store._notify(Change(ChangeKind.REMOVED, "mention", _mention_ids([snapshot])))
        return snapshot

    def restore(self, snapshot: EntitySnapshot) -> EntityRecord:
        with self._store._write() as session:
            _insert_snapshot(session, snapshot)
            entity_id = snapshot.entity.id
            session.flush()
            record = _entity_record(session, _get(session, Entity, entity_id, "entity"))
            self._audit(session, "restore entity", "entity", entity_id, after=_snapshot_summary(snapshot))
        self._store._notify(Change(ChangeKind.ADDED, "entity", (entity_id,)))
        if snapshot.mentions:
            self._store._notify(Change(ChangeKind.ADDED, "mention", _mention_ids([snapshot])))
        return record

    # -- tagging --------------------------------------------------------------------------------------

    def suggest_name(self, source_id: int, start: int, end: int) -> NameSuggestion:
        """What to call a selection: snapped to words, an attached prefix left out when the case supports
        it (the bare form is a known alias, or occurs on its own in some source)."""
        with self._store._read() as session:
            text = _source_text(session, source_id)
            known = list(session.scalars(select(Alias.text)))
            connection = session.connection()
            return suggest_name(
                text,
                (start, end),
                known_aliases=known,
                vocabulary=lambda words: fts_vocab.word_counts(connection, words),
            )

    def tag(
        self,
        source_id: int,
        start: int,
        end: int,
        entity_id: int,
        *,
        alias: str | None = None,
        expected_text: str | None = None,
    ) -> TagResult:
        """Mark ``text[start:end]`` of a source as a mention of the entity; ``undo_tag`` reverts it.

        The span must lie in the stored text and hold a word (``expected_text``, when given, must be what
        is there: offsets from a stale view are refused). A spelling the entity does not have yet becomes
        an alias: ``alias`` if given, else the selection's name (``suggest_name``), prefix left out.
        """
        with self._store._write() as session:
            result = self._tag(session, source_id, start, end, entity_id, alias, expected_text)
        self._notify_mention(ChangeKind.ADDED, result.mention, alias_added=result.added_alias is not None)
        return result

    def _tag(
        self,
        session: Session,
        source_id: int,
        start: int,
        end: int,
        entity_id: int,
        alias: str | None,
        expected_text: str | None,
    ) -> TagResult:
        entity = _get(session, Entity, entity_id, "entity")
        text = _source_text(session, source_id)
        exact = _checked_span(text, start, end, expected_text)
        if session.scalar(
            select(Mention.id).where(
                Mention.entity_id == entity_id,
                Mention.source_id == source_id,
                Mention.start == start,
                Mention.end == end,
            )
        ):
            raise InvalidValue(f"“{exact}” is already tagged as {entity.name} there.")
        added = self._alias_for_tag(session, text, start, end, entity_id, alias)
        mention = Mention(
            entity_id=entity_id,
            source_id=source_id,
            start=start,
            end=end,
            text=exact,
            created_at=utc_now(),
            created_by=self._store.actor,
        )
        session.add(mention)
        session.flush()
        _link_candidate(session, mention, self._store.actor)
        result = TagResult(_mention_record(mention), added)
        self._audit(
            session,
            "tag mention",
            "mention",
            mention.id,
            after={**_mention_fields(result.mention), "added_alias": added.text if added else None},
        )
        return result

    def undo_tag(self, result: TagResult) -> None:
        """Revert ``tag``: remove the mention, the alias it added and the entity it created (identifiers)."""
        with self._store._write() as session:
            mention = _get(session, Mention, result.mention.id, "mention")
            _unlink_candidates(session, [mention.id])
            session.delete(mention)
            if result.added_alias is not None:
                session.execute(delete(Alias).where(Alias.id == result.added_alias.id))
            if result.created_entity is not None:
                session.execute(delete(Entity).where(Entity.id == result.created_entity.id))
            self._audit(
                session, "undo tag", "mention", result.mention.id, before=_mention_fields(result.mention)
            )
        self._notify_mention(ChangeKind.REMOVED, result.mention, alias_added=result.added_alias is not None)
        if result.created_entity is not None:
            self._store._notify(Change(ChangeKind.REMOVED, "entity", (result.created_entity.id,)))

    def redo_tag(self, result: TagResult) -> TagResult:
        """Apply a reverted ``tag`` again, with the same mention (and alias) ids."""
        with self._store._write() as session:
            if result.created_entity is not None:
                _insert_entity(session, result.created_entity)
            if result.added_alias is not None:
                _insert_alias(session, result.added_alias)
            mention = _insert_mention(session, result.mention)
            session.flush()
            _link_candidate(session, mention, self._store.actor)
            self._audit(
                session, "redo tag", "mention", result.mention.id, after=_mention_fields(result.mention)
            )
        self._notify_mention(ChangeKind.ADDED, result.mention, alias_added=result.added_alias is not None)
        return result

    def untag(self, mention_id: int) -> MentionRecord:
        """Remove a mention (aliases stay); ``restore_mention`` puts it back with the same id."""
        with self._store._write() as session:
            row = _get(session, Mention, mention_id, "mention")
            record = _mention_record(row)
            _unlink_candidates(session, [mention_id])
            session.delete(row)
            self._audit(session, "untag mention", "mention", mention_id, before=_mention_fields(record))
        self._notify_mention(ChangeKind.REMOVED, record)
        return record

    def restore_mention(self, record: MentionRecord) -> MentionRecord:
        with self._store._write() as session:
            _get(session, Entity, record.entity_id, "entity")
            mention = _insert_mention(session, record)
            session.flush()
            _link_candidate(session, mention, record.created_by)
            self._audit(session, "restore mention", "mention", record.id, after=_mention_fields(record))
        self._notify_mention(ChangeKind.ADDED, record)
        return record

    def _alias_for_tag(
        self, session: Session, text: str, start: int, end: int, entity_id: int, alias: str | None
    ) -> AliasRecord | None:
        """The alias a tag adds: none when one of the entity's aliases already matches the span."""
        aliases = _aliases(session, entity_id)
        if alias is None:
            word_start, word_end = snap_to_words(text, start, end)
            found = MentionFinder(a.text for a in aliases).find(text[word_start:word_end])
            if _covers(found, start - word_start, end - word_start):
                return None
            if start > word_start:
                alias = text[start:end]  # the tagger cut the word's first letters off: a prefix
            else:
                connection = session.connection()
                alias = suggest_name(
                    text,
                    (start, end),
                    known_aliases=session.scalars(select(Alias.text)),
                    vocabulary=lambda words: fts_vocab.word_counts(connection, words),
                ).name
        alias = _clean_name(alias)
        if alias_words(alias) in {alias_words(a.text) for a in aliases} or not alias_words(alias):
            return None
        row = _add_alias_row(session, entity_id, alias)
        session.flush()
        return _alias_record(row)

    # -- reading mentions -----------------------------------------------------------------------------

    def mentions_of(
        self, entity_id: int, *, context_words: int = CONTEXT_WORDS, limit: int | None = None, offset: int = 0
    ) -> list[MentionInContext]:
        """The entity's mentions in source order, each with a few words either side."""
        with self._store._read() as session:
            _get(session, Entity, entity_id, "entity")
            statement = (
                select(Mention)
                .where(Mention.entity_id == entity_id)
                .order_by(Mention.source_id, Mention.start, Mention.id)
                .offset(offset)
            )
            if limit is not None:
                statement = statement.limit(limit)
            mentions = [_mention_record(row) for row in session.scalars(statement)]
            ids = {mention.source_id for mention in mentions}
            rows = session.execute(
                select(Source.id, Source.title, SourceText.text)
                .join(SourceText, SourceText.source_id == Source.id)
                .where(Source.id.in_(ids))
            ).all()
        sources = {row.id: (row.title, row.text) for row in rows}
        return [
            MentionInContext(
                m, sources[m.source_id][0], keyword_in_context(sources[m.source_id][1], m, context_words)
            )
            for m in mentions
        ]

    def mentions_in(self, source_id: int) -> list[SourceHighlight]:
        """Every mention in a source with its entity's colour, by position (for the reader's highlights)."""
        statement = (
            select(
                Mention.id,
                Mention.entity_id,
                Entity.name,
                EntityType.key,
                EntityType.colour,
                Mention.start,
                Mention.end,
            )
            .join(Entity, Entity.id == Mention.entity_id)
            .join(EntityType, EntityType.id == Entity.type_id)
            .where(Mention.source_id == source_id)
            .order_by(Mention.start, Mention.end)
        )
        with self._store._read() as session:
            return [SourceHighlight(*row) for row in session.execute(statement)]

    # -- candidates -----------------------------------------------------------------------------------

    def find_candidates(
        self,
        entity_id: int | None = None,
        *,
        variants: bool = True,
        progress: ProgressSink = ignore_progress,
        cancel: CancelToken | None = None,
    ) -> list[CandidateRecord]:
        """Find where one entity (or every entity) may be mentioned in every source; store and return the
        pending candidates.

        A span already decided (accepted, rejected) or already tagged is left alone; pending candidates
        that are not found again are dropped. Looking up and matching hold no write lock: the candidates
        are stored as sources are matched, in short write transactions (at most ``_STORE_BATCH``
        candidates each, audited each), so the investigator's edits go through while a long find runs.
        A cancel is seen between batches of sources: what was stored before it stays (pending candidates
        of the sources matched so far); a cancel before the first batch changes nothing.
        """
        pool = _scan_pool() if entity_id is None else None  # a long find: workers start while planning
        stored = _Stored()
        try:
            with self._store._read() as session:
                plan = self._plan(session, entity_id)
            pending = self._look_further(plan, pool, variants=variants)
            if pool is None:  # one entity: its aliases are matched while the rest is looked up
                self._look_up_aliases(plan, None)
            else:  # all: the vocabulary (read first) tells which prefixed forms to ask the index for
                self._look_up_aliases(plan, pending.vocabulary.result())
            if pool is None and plan.pairs() < _WORKER_MIN_PAIRS:
                scanned = self._scan_alongside(plan, pending, progress, cancel)
            else:
                self._complete(plan, pending)
                pool = _right_pool(pool, plan.pairs())
                progress(ProgressUpdate(0, len(plan.sources), "looking up the index"))
                scanned = self._scan(plan, pool, progress, cancel)
            with _no_cycle_collection():
                records = self._store_found(plan, scanned, stored)
        except BaseException:
            if stored.records or stored.dropped:  # cancelled (or failed) after some batches were stored
                self._notify_found(stored.dropped, stored.records)
            raise
        finally:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
        self._notify_found(stored.dropped, records)
        return records

    def _notify_found(self, dropped: Sequence[int], records: Sequence[CandidateRecord]) -> None:
        if dropped:
            self._store._notify(Change(ChangeKind.REMOVED, "candidate", tuple(dropped)))
        self._store._notify(Change(ChangeKind.UPDATED, "candidate", tuple(record.id for record in records)))

    def candidates(
        self,
        entity_id: int | None = None,
        *,
        source_id: int | None = None,
        status: CandidateStatus | None = CandidateStatus.PENDING,
    ) -> list[CandidateRecord]:
        statement = select(MentionCandidate).order_by(
            MentionCandidate.source_id, MentionCandidate.start, MentionCandidate.entity_id
        )
        if entity_id is not None:
            statement = statement.where(MentionCandidate.entity_id == entity_id)
        if source_id is not None:
            statement = statement.where(MentionCandidate.source_id == source_id)
        if status is not None:
            statement = statement.where(MentionCandidate.status == status)
        with self._store._read() as session:
            return [_candidate_record(row) for row in session.scalars(statement)]

    def accept(self, candidate_ids: Iterable[int]) -> CandidateDecision:
        """Turn candidates into mentions (a variant's spelling also becomes an alias)."""
        return self._decide(list(candidate_ids), CandidateStatus.ACCEPTED, strict=True)

    def reject(self, candidate_ids: Iterable[int]) -> CandidateDecision:
        """Mark candidates as not the entity; they stay rejected when candidates are found again."""
        return self._decide(list(candidate_ids), CandidateStatus.REJECTED, strict=True)

    def accept_all_in_source(
        self, entity_id: int, source_id: int, *, include_review: bool = False
    ) -> CandidateDecision:
        """Accept the entity's pending candidates in one source. Those needing review only with
        ``include_review``; variants never (accept them one by one)."""
        return self._accept_where(entity_id, source_id, include_review)

    def accept_all(self, entity_id: int, *, include_review: bool = False) -> CandidateDecision:
        """Accept the entity's pending candidates everywhere (same rules as ``accept_all_in_source``)."""
        return self._accept_where(entity_id, None, include_review)

    def undo_decision(self, decision: CandidateDecision) -> None:
        """Put candidates back as they were before ``accept``/``reject`` (mentions and aliases it made go)."""
        with self._store._write() as session:
            made = [mention.id for mention in decision.mentions]
            _unlink_candidates(session, made)
            session.execute(delete(Mention).where(Mention.id.in_(made)))
            session.execute(delete(Alias).where(Alias.id.in_([alias.id for alias in decision.added_aliases])))
            for removed in decision.removed_mentions:
                session.add(Mention(**removed.as_dict()))
            session.flush()
            by_id = {row.id: row for row in _rows_by_id(session, MentionCandidate, decision.candidate_ids)}
            for before in decision.before:
                candidate = by_id[before.id]
                for key, value in before.values:
                    setattr(candidate, key, value)
            self._audit(
                session,
                f"undo {decision.status.value} candidates",
                "candidate",
                None,
                after={"candidates": list(decision.candidate_ids)},
            )
        self._store._notify(Change(ChangeKind.UPDATED, "candidate", decision.candidate_ids))
        if decision.mentions or decision.removed_mentions:
            ids = tuple(m.id for m in decision.mentions) + tuple(r.id for r in decision.removed_mentions)
            self._store._notify(Change(ChangeKind.UPDATED, "mention", ids))

    def _accept_where(self, entity_id: int, source_id: int | None, include_review: bool) -> CandidateDecision:
        statement = select(MentionCandidate.id).where(
            MentionCandidate.entity_id == entity_id,
            MentionCandidate.status == CandidateStatus.PENDING,
            MentionCandidate.kind != MatchKind.VARIANT,
        )
        if source_id is not None:
            statement = statement.where(MentionCandidate.source_id == source_id)
        if not include_review:
            statement = statement.where(MentionCandidate.needs_review.is_(False))
        with self._store._read() as session:
            _get(session, Entity, entity_id, "entity")
            ids = list(session.scalars(statement))
        return self._decide(ids, CandidateStatus.ACCEPTED, strict=False)

    def _decide(
        self, candidate_ids: list[int], status: CandidateStatus, *, strict: bool
    ) -> CandidateDecision:
        with self._store._write() as session:
            rows = _rows_by_id(session, MentionCandidate, candidate_ids)
            missing = sorted(set(candidate_ids) - {row.id for row in rows})
            if missing and strict:
                raise NotFound(f"There is no mention candidate #{missing[0]} in this case.")
            changing = [row for row in rows if row.status != status]
            decision = _apply_decision(session, changing, status, self._store.actor)
            self._audit(
                session,
                f"{'accept' if status is CandidateStatus.ACCEPTED else 'reject'} candidates",
                "candidate",
                None,
                after={
                    "candidates": list(decision.candidate_ids),
                    "mentions": [m.id for m in decision.mentions],
                },
            )
        self._store._notify(Change(ChangeKind.UPDATED, "candidate", decision.candidate_ids))
        if decision.mentions:
            self._store._notify(Change(ChangeKind.ADDED, "mention", tuple(m.id for m in decision.mentions)))
        if decision.added_aliases:
            entity_ids = tuple(sorted({alias.entity_id for alias in decision.added_aliases}))
            self._store._notify(Change(ChangeKind.UPDATED, "entity", entity_ids))
        return decision

    # -- finding, step by step ------------------------------------------------------------------------

    def _plan(self, session: Session, entity_id: int | None) -> _Plan:
        """What to look for: the aliases of the entity (or of all), with the longer names that hold one."""
        rows = session.execute(select(Alias.entity_id, Alias.text)).all()
        by_words: dict[tuple[str, ...], set[int]] = {}
        for owner, text in rows:
            by_words.setdefault(alias_words(text), set()).add(owner)
        if entity_id is not None:
            _get(session, Entity, entity_id, "entity")
            targets = {text for owner, text in rows if owner == entity_id}
            wanted = {alias_words(text) for text in targets}
            looked_for = targets | {text for owner, text in rows if _contains_any(alias_words(text), wanted)}
            entity_ids = {entity_id}
        else:
            targets = looked_for = {text for _owner, text in rows}
            entity_ids = set(session.scalars(select(Entity.id)))
        finder = MentionFinder(sorted(looked_for))
        owners_of = {
            alias: sorted(entity_ids.intersection(by_words.get(alias_words(alias), ())))
            for alias in finder.aliases
        }
        exclude = tuple(text for _owner, text in rows)
        return _Plan(entity_id, entity_ids, finder, by_words, owners_of, tuple(sorted(targets)), exclude)

    def _look_up_aliases(self, plan: _Plan, vocabulary: Vocabulary | None) -> None:
        """Which sources the index says hold each alias (asking only for the spellings the ``vocabulary``
        has, when it is at hand)."""
        with self._store._read() as session:
            _look_up(session.connection(), list(plan.finder.alias_terms), plan.aliases, vocabulary)
        plan.compose()

    def _look_further(self, plan: _Plan, pool: ProcessPoolExecutor | None, *, variants: bool) -> _Pending:
        """Start, on a thread of its own, what else the plan needs from the whole case: its vocabulary,
        for near misses, and the sources with a word cut at a line end (where a one-word name may be
        cut); in a long find, the worker processes, which have nothing else to do yet, then find the near
        misses in the vocabulary. ``_complete`` adds it all to the plan."""
        plan.cut = [term for term in plan.finder.alias_terms if term.hyphen_splits]
        pending = _Pending(Future(), Future(), Future(), Future())
        thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="find-mentions")
        thread.submit(
            self._further, pending, pool, words=variants and bool(plan.targets), cuts=bool(plan.cut)
        )
        thread.shutdown(wait=False)
        try:  # worked out here while the thread reads
            pending.request.set_result(plan.finder.near_request(of=plan.targets, exclude=plan.exclude))
        except BaseException as error:
            pending.request.set_exception(error)
            raise
        return pending

    def _further(
        self, pending: _Pending, pool: ProcessPoolExecutor | None, *, words: bool, cuts: bool
    ) -> None:
        """The case vocabulary (with ``words``) and the sources with line-end cuts (with ``cuts``), kept
        between finds while the sources are the same (``_sources_key``); what is not kept is read, each
        in a child process of its own if there can be one (``fts_vocab.read_apart``), side by side."""
        try:
            with self._store._read() as session:
                key = _sources_key(session)
            kept_words, kept_cuts = self._vocabulary, self._hyphens
            read_words = words and (kept_words is None or kept_words[0] != key)
            read_cuts = cuts and (kept_cuts is None or kept_cuts[0] != key)
            reading = ThreadPoolExecutor(max_workers=2, thread_name_prefix="find-mentions-read")
            cuts_read = reading.submit(self._read_index, None, cuts=True) if read_cuts else None
            vocabulary = kept_words[1] if words and kept_words is not None and not read_words else None
            if read_words:
                # one entity: only the part of the vocabulary its near misses need
                keys = near_keys(pending.request.result().budgets) if pool is None else None
                whole = keys is None or len(keys[0]) > fts_vocab.PART_MAX_HEADS
                query = fts_vocab.vocabulary_query(*(() if whole or keys is None else keys))
                read = reading.submit(self._read_index, query, cuts=False).result()
                vocabulary = Vocabulary.from_index(read.tokens, read.counts, key[0], whole=whole)
                if whole:  # kept for the next finds
                    self._vocabulary = (key, vocabulary)
            reading.shutdown(wait=False)
            pending.vocabulary.set_result(vocabulary)
            if cuts_read is not None:
                kept_cuts = self._hyphens = (key, cuts_read.result().broken)
            pending.broken.set_result(kept_cuts[1] if cuts and kept_cuts is not None else [])
            near = None
            if vocabulary is not None and pool is not None:
                near = _near_in_workers(vocabulary, pending.request.result(), pool)
            pending.near.set_result(near)
        except BaseException as error:  # the finding thread raises it when it asks for the result
            for future in (pending.vocabulary, pending.broken, pending.near):
                if not future.done():
                    future.set_exception(error)

    def _read_index(self, words: fts_vocab.VocabularyQuery | None, *, cuts: bool) -> fts_vocab.IndexRead:
        read = fts_vocab.read_apart(self._store.path, words=words, cuts=cuts)
        if read is None:
            with self._store._read() as session:
                read = fts_vocab.read_here(session.connection(), words=words, cuts=cuts)
        return read

    def _complete(self, plan: _Plan, pending: _Pending) -> None:
        """Wait for what ``_look_further`` started; add the near misses (worked out here if no worker did)
        where the index has them, and the sources with line-end cuts, to the plan."""
        variants: _Sources = {}
        vocabulary = pending.vocabulary.result()
        if vocabulary is not None:
            request = pending.request.result()
            near = pending.near.result()
            if near is None:
                near = vocabulary.near(request.budgets, request.spellings)
            terms = plan.finder.variant_terms_from(request, near)
            with self._store._read() as session:
                _look_up(session.connection(), terms, variants, vocabulary)
        plan.variants = variants
        plan.broken = pending.broken.result()
        plan.compose()

    def _scan(
        self,
        plan: _Plan,
        pool: ProcessPoolExecutor | None,
        progress: ProgressSink,
        cancel: CancelToken | None,
    ) -> Iterator[tuple[int, list[CandidateRow]]]:
        """Each source of the plan with the candidates found in it (as plain values), in source order.
        Texts are read in short read transactions; with many sources, worker processes do the matching
        while the caller stores what came back."""
        ids = sorted(plan.sources)
        batches = [ids[start : start + _TEXT_BATCH] for start in range(0, len(ids), _TEXT_BATCH)]
        if pool is None:
            yield from self._scan_here(plan, batches, progress, cancel)
        else:
            yield from self._scan_in(pool, plan, batches, progress, cancel)
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(ProgressUpdate(len(ids), len(ids), "storing candidates"))

    def _jobs(self, plan: _Plan, batch: Sequence[int]) -> list[TextJob]:
        """(source, text, fold, terms) for a batch of sources, read in one short read transaction (a source
        removed since the plan was made is left out)."""
        with self._store._read() as session:
            found = fts_vocab.texts_and_folds(session.connection(), batch)
        return [(source_id, text, folded, plan.sources[source_id]) for source_id, text, folded in found]

    def _scan_here(
        self,
        plan: _Plan,
        batches: Sequence[Sequence[int]],
        progress: ProgressSink,
        cancel: CancelToken | None,
    ) -> Iterator[tuple[int, list[CandidateRow]]]:
        total = sum(map(len, batches))
        done = 0
        for batch in batches:
            for source_id, text, folded, terms in self._jobs(plan, batch):
                if done % _PROGRESS_EVERY == 0:
                    if cancel is not None:
                        cancel.raise_if_cancelled()
                    progress(ProgressUpdate(done, total, f"source #{source_id}"))
                yield (
                    source_id,
                    plan.finder.find_rows(source_id, text, plan.owners_of, folded=folded, terms=terms),
                )
                done += 1

    def _scan_alongside(
        self,
        plan: _Plan,
        pending: _Pending,
        progress: ProgressSink,
        cancel: CancelToken | None,
    ) -> Iterator[tuple[int, list[CandidateRow]]]:
        """``_scan_here`` while the near misses (and line-end cuts) are still being looked up: the sources
        of the aliases are matched meanwhile, those the rest adds to (or brings) once it is known. Nothing
        is given back before the plan is whole (the first store drops what the plan no longer holds)."""
        found: dict[int, list[CandidateRow]] = {}  # matched before the plan was whole
        matched: dict[int, int] = {}  # source → how many terms it was matched with
        known = len(plan.sources) < _ALONGSIDE_MIN_SOURCES  # a small find just waits
        if known:
            self._complete(plan, pending)
        queue = deque(sorted(plan.sources))
        done = 0
        while queue or not known:
            if not known and (not queue or pending.done()):
                self._complete(plan, pending)
                known = True
                for source_id in sorted(found):
                    if matched[source_id] == len(plan.sources.get(source_id, ())):
                        yield source_id, found[source_id]
                queue = deque(
                    source_id
                    for source_id in sorted(plan.sources)
                    if matched.get(source_id) != len(plan.sources[source_id])
                )
                continue
            batch = [queue.popleft() for _ in range(min(_TEXT_BATCH, len(queue)))]
            for source_id, text, folded, terms in self._jobs(plan, batch):
                if done % _PROGRESS_EVERY == 0:
                    if cancel is not None:
                        cancel.raise_if_cancelled()
                    progress(
                        ProgressUpdate(
                            min(done, len(plan.sources)), len(plan.sources), f"source #{source_id}"
                        )
                    )
                rows = plan.finder.find_rows(source_id, text, plan.owners_of, folded=folded, terms=terms)
                done += 1
                if known:
                    yield source_id, rows
                else:
                    found[source_id], matched[source_id] = rows, len(terms)
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(ProgressUpdate(len(plan.sources), len(plan.sources), "storing candidates"))

    def _scan_in(
        self,
        pool: ProcessPoolExecutor,
        plan: _Plan,
        batches: Sequence[Sequence[int]],
        progress: ProgressSink,
        cancel: CancelToken | None,
    ) -> Iterator[tuple[int, list[CandidateRow]]]:
        """Batches matched by worker processes, a few ahead of the one being collected; if the workers
        cannot run (a frozen app, a worker killed), the rest is matched here."""
        aliases = plan.finder.aliases
        pending: deque[tuple[Sequence[int], Future[list[tuple[int, list[CandidateRow]]]]]] = deque()
        total = sum(map(len, batches))
        queue = deque(batches)
        done = 0
        try:
            while queue or pending:
                while queue and len(pending) < _BATCHES_AHEAD:
                    batch = queue.popleft()
                    jobs = self._jobs(plan, batch)
                    pending.append((batch, pool.submit(find_in_texts, aliases, plan.owners_of, jobs)))
                if cancel is not None:
                    cancel.raise_if_cancelled()
                progress(ProgressUpdate(done, total, "matching names"))
                matched = pending[0][1].result()
                pending.popleft()
                yield from matched
                done += len(matched)
        except (BrokenProcessPool, OSError) as error:
            log.warning("mention workers failed (%s); matching in this process", error)
            left = [batch for batch, _future in pending] + list(queue)
            yield from self._scan_here(plan, left, progress, cancel)

    def _store_found(
        self, plan: _Plan, scanned: Iterable[tuple[int, list[CandidateRow]]], stored: _Stored
    ) -> list[CandidateRecord]:
        """Store what a find finds as it comes, in short write transactions of at most ``_STORE_BATCH``
        candidates (or ``_CHUNK`` sources), each with its audit row; the first also drops the pending
        candidates in sources the index no longer points to. ``stored`` follows what is committed;
        return every pending candidate of the entities searched."""
        counts = {"sources": len(plan.sources), "found": 0, "new": 0, "dropped": 0}
        dropped, records = stored.dropped, stored.records
        kept = started = False
        stamp: str | None = None
        for chunk in _store_chunks(scanned):
            with self._store._write() as session:
                stamp = stamp or _stored_time(session.connection(), utc_now())
                stale = [] if started else _stale_elsewhere(session, plan.entity_ids, plan.sources)
                _delete_candidates(session, stale)
                started = True
                ids, new, gone, seen = _store_candidates(session, plan, chunk, stamp)
                after = {"sources": len(chunk), "new": len(new), "dropped": len(stale) + len(gone)}
                self._audit(session, "store mention candidates", "entity", plan.entity_id, after=after)
            records += _new_records(ids, new)  # after the commit: the write lock is not held for this
            dropped += stale + gone
            kept = kept or seen
            counts["found"] += sum(len(candidates) for _source_id, candidates in chunk)
        with self._store._write() as session:
            if not started:  # no source to look in: every pending candidate of the entities is stale
                dropped += _stale_elsewhere(session, plan.entity_ids, ())
                _delete_candidates(session, dropped)
            counts["new"], counts["dropped"] = len(records), len(dropped)
            self._audit(session, "find mention candidates", "entity", plan.entity_id, after=counts)
        if kept:  # pending candidates found before and again: read them all, with the new ones
            with self._store._read() as session:
                return _candidate_records(session, plan.entity_ids, CandidateStatus.PENDING)
        return sorted(records, key=lambda r: (r.source_id, r.start, r.entity_id))

    # -- merging --------------------------------------------------------------------------------------

    def merge(self, survivor_id: int, other_ids: Iterable[int]) -> MergeRecord:
        """Fold other entities into one: their aliases (and names), mentions, candidates, event links,
        tags and notes move to the survivor; duplicates of what it has already are dropped. ``unmerge``
        splits them back exactly."""
        others = list(dict.fromkeys(other_ids))
        if not others or survivor_id in others:
            raise InvalidValue("Choose one entity to keep and at least one other to merge into it.")
        with self._store._write() as session:
            survivor = _get(session, Entity, survivor_id, "entity")
            survivor_before = _row(survivor)
            snapshots: list[EntitySnapshot] = []
            moved: list[tuple[str, int, int]] = []
            moved_links: list[tuple[int, str, int]] = []
            added_aliases: list[int] = []
            for other_id in others:
                other = _get(session, Entity, other_id, "entity")
                snapshot = _snapshot(session, other)
                snapshots.append(snapshot)
                added_aliases += _merge_into(session, survivor, other, moved, moved_links)
            record = MergeRecord(
                survivor_id,
                tuple(snapshots),
                tuple(moved),
                tuple(moved_links),
                survivor_before,
                tuple(added_aliases),
            )
            self._audit(
                session,
                "merge entities",
                "entity",
                survivor_id,
                before={"merged": [s.entity.as_dict()["name"] for s in snapshots], "ids": others},
                after={"moved": len(moved) + len(moved_links)},
            )
        self._store._notify(Change(ChangeKind.REMOVED, "entity", tuple(others)))
        self._store._notify(Change(ChangeKind.UPDATED, "entity", (survivor_id,)))
        self._store._notify(Change(ChangeKind.UPDATED, "mention", _mention_ids(record.merged)))
        return record

    def unmerge(self, record: MergeRecord) -> None:
        """Undo ``merge``: the merged entities come back with the same ids and exactly what they had."""
        with self._store._write() as session:
            survivor = _get(session, Entity, record.survivor_id, "entity")
            for key, value in record.survivor_before.values:
                setattr(survivor, key, value)
            session.execute(delete(Alias).where(Alias.id.in_(record.added_aliases)))
            for snapshot in record.merged:
                session.add(Entity(**snapshot.entity.as_dict()))
            session.flush()
            moved_ids = {(table, row_id) for table, row_id, _owner in record.moved}
            moved_links = {(event_id, role, owner) for event_id, role, owner in record.moved_event_links}
            for (
                snapshot
            ) in record.merged:  # first the duplicates the merge dropped: moved rows may point at them
                _insert_snapshot(session, snapshot, skip_entity=True, skip=moved_ids, skip_links=moved_links)
            _move_back(session, record)
            self._audit(
                session,
                "unmerge entities",
                "entity",
                record.survivor_id,
                after={"restored": [s.entity.id for s in record.merged]},
            )
        restored = tuple(s.entity.id for s in record.merged)
        self._store._notify(Change(ChangeKind.ADDED, "entity", restored))
        self._store._notify(Change(ChangeKind.UPDATED, "entity", (record.survivor_id,)))
        self._store._notify(Change(ChangeKind.UPDATED, "mention", _mention_ids(record.merged)))

    # -- identifiers ----------------------------------------------------------------------------------

    def identifier_candidates(self, source_id: int) -> list[IdentifierOffer]:
        """URLs, e-mail addresses, phone numbers, IP addresses, coordinates, handles and hashtags in a
        source, each with the identifier entity that already has its value (if any)."""
        with self._store._read() as session:
            text = _source_text(session, source_id)
            found = extract_identifiers(text)
            by_value = _identifier_entities(session, [item.value for item in found])
            spans = select(Mention.entity_id, Mention.start, Mention.end).where(
                Mention.source_id == source_id
            )
            tagged = {(owner, start, end) for owner, start, end in session.execute(spans)}
        offers = []
        for item in found:
            owner = by_value.get(item.value)
            offers.append(
                IdentifierOffer(item, owner, owner is not None and (owner, item.start, item.end) in tagged)
            )
        return offers

    def tag_identifier(self, source_id: int, identifier: Identifier) -> TagResult:
        """Tag an identifier found in a source, creating its identifier entity (named by the normalised
        value, its written form an alias) when the case has none yet; ``undo_tag`` reverts both."""
        with self._store._write() as session:
            owner = _identifier_entities(session, [identifier.value]).get(identifier.value)
            created = None
            if owner is None:
                row = Entity(
                    type_id=_type_by_key(session, IDENTIFIER_TYPE).id,
                    name=_clean_name(identifier.value),
                    description=identifier.kind.value,
                    notes="",
                    created_at=utc_now(),
                )
                session.add(row)
                session.flush()
                for text in _unique_spellings([identifier.value, identifier.text]):
                    _add_alias_row(session, row.id, text)
                created = _entity_record(session, row)
                owner = row.id
                self._audit(
                    session,
                    "add entity",
                    "entity",
                    owner,
                    after={
                        "type": IDENTIFIER_TYPE,
                        "name": row.name,
                        "aliases": [a.text for a in created.aliases],
                    },
                )
            result = self._tag(
                session, source_id, identifier.start, identifier.end, owner, None, identifier.text
            )
            result = TagResult(result.mention, result.added_alias, created)
        if created is not None:
            self._store._notify(Change(ChangeKind.ADDED, "entity", (created.id,)))
        self._notify_mention(ChangeKind.ADDED, result.mention, alias_added=result.added_alias is not None)
        return result

    # -- plumbing -------------------------------------------------------------------------------------

    def _audit(
        self,
        session: Session,
        action: str,
        object_type: str,
        object_id: int | None,
        before: Mapping[str, object] | None = None,
        after: Mapping[str, object] | None = None,
    ) -> None:
        audit.record(
            session,
            actor=self._store.actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            before=before,
            after=after,
        )

    def _notify_mention(self, kind: ChangeKind, mention: MentionRecord, *, alias_added: bool = False) -> None:
        self._store._notify(Change(kind, "mention", (mention.id,)))
        if alias_added:
            self._store._notify(Change(ChangeKind.UPDATED, "entity", (mention.entity_id,)))


# -- the plan of a find ------------------------------------------------------------------------------


_Sources = dict[int, list[SearchTerm]]  # source → the spellings the index says it contains


@dataclass
class _Plan:
    entity_id: int | None
    entity_ids: set[int]
    finder: MentionFinder
    owners: dict[tuple[str, ...], set[int]]  # alias words → entities with that spelling
    owners_of: dict[str, list[int]]  # alias → the entities searched that have it
    targets: tuple[str, ...]  # the aliases whose near misses are looked for
    exclude: tuple[str, ...]  # every alias in the case: never a near miss of another
    aliases: _Sources = field(default_factory=dict)  # where the index has the aliases
    broken: list[int] = field(default_factory=list)  # sources with a word cut at a line end
    cut: list[SearchTerm] = field(default_factory=list)  # the one-word names such a cut may split
    variants: _Sources = field(default_factory=dict)  # where the index has near misses of them
    sources: _Sources = field(default_factory=dict)  # all of it: what each source is searched for

    def compose(self) -> None:
        """``sources`` from the rest: aliases, near misses, then the names a line-end cut may split."""
        sources = {source_id: list(terms) for source_id, terms in self.aliases.items()}
        for source_id, terms in self.variants.items():
            sources.setdefault(source_id, []).extend(terms)
        for source_id in self.broken:
            present = set(sources.setdefault(source_id, []))
            sources[source_id] += [term for term in self.cut if term not in present]
        self.sources = sources

    def pairs(self) -> int:
        return sum(map(len, self.sources.values()))


@dataclass
class _Pending:
    """What a find is still looking up on other threads while it starts (``_look_further``)."""

    request: Future[NearRequest]  # what near misses to look for (worked out by the finding thread)
    vocabulary: Future[Vocabulary | None]
    near: Future[dict[str, list[Near]] | None]  # None: to be worked out in the finding thread
    broken: Future[list[int]]

    def done(self) -> bool:
        return all(future.done() for future in (self.vocabulary, self.near, self.broken))


_SourcesKey = tuple[int, int, str]


def _sources_key(session: Session) -> _SourcesKey:
    """What tells whether the case's sources changed: a removal lowers their number, an addition brings a
    later import time (a source's text never changes, and a new one may take the id of the last removed)."""
    count, last, newest = session.execute(
        select(func.count(Source.id), func.max(Source.id), func.max(Source.imported_at))
    ).one()
    return int(count or 0), int(last or 0), str(newest)


@dataclass
class _Stored:
    """What a find has committed so far (told to subscribers even if it is cancelled midway)."""

    dropped: list[int] = field(default_factory=list)
    records: list[CandidateRecord] = field(default_factory=list)


def _contains_any(words: tuple[str, ...], wanted: Collection[tuple[str, ...]]) -> bool:
    """Whether ``words`` has one of ``wanted`` inside it (a longer name a wanted one is part of)."""
    return any(
        len(words) > len(part)
        and any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))
        for part in wanted
    )


def _look_up(
    connection: Any,
    terms: Sequence[SearchTerm],
    sources: dict[int, list[SearchTerm]],
    vocabulary: Vocabulary | None = None,
) -> None:
    """Add each term to the sources the index says contain it (a Latin name also with a Hebrew or Arabic
    prefix written onto it, where the index has such tokens). With the case ``vocabulary``, the index is
    asked only for the spellings it has (of a Hebrew or Arabic name's dozens of prefixed forms, a few)."""
    glued = fts_vocab.glued_in_index(connection, terms)
    present = vocabulary.has if vocabulary is not None and vocabulary.whole else None
    expressions = [fts_vocab.search_expression(term, glued.get(term, ()), present) for term in terms]
    asked = [(term, expression) for term, expression in zip(terms, expressions, strict=True) if expression]
    found = fts_vocab.sources_matching_each(connection, [expression for _term, expression in asked])
    for (term, _expression), source_ids in zip(asked, found, strict=True):
        for source_id in source_ids:
            sources.setdefault(source_id, []).append(term)


def _near_in_workers(
    vocabulary: Vocabulary, request: NearRequest, pool: ProcessPoolExecutor
) -> dict[str, list[Near]] | None:
    """``vocabulary.near`` for the request, shared between the worker processes when there are many words
    and a large vocabulary (the workers get the vocabulary as two texts, cheap to send); None otherwise
    (or if the workers cannot run): then it is worked out in the finding thread."""
    words = sorted(request.budgets)
    joined = vocabulary.joined
    if joined is None or len(words) < _NEAR_WORKER_WORDS or len(vocabulary.tokens) < _NEAR_WORKER_TOKENS:
        return None
    parts = [words[: len(words) // 2], words[len(words) // 2 :]]
    try:
        futures = [
            pool.submit(near_misses, joined, vocabulary.sources, request.budgets, part, request.spellings)
            for part in parts
        ]
        near: dict[str, list[Near]] = {}
        for future in futures:
            near.update(future.result())
        return near
    except (BrokenProcessPool, OSError, RuntimeError) as error:
        log.warning("mention workers failed (%s); near misses are worked out in this process", error)
        return None


def _right_pool(pool: ProcessPoolExecutor | None, pairs: int) -> ProcessPoolExecutor | None:
    """The worker processes a find of so many (source, spelling) pairs should match in: none below
    ``_WORKER_MIN_PAIRS`` (the pool started early is let go), otherwise the early pool or a new one."""
    if pairs < _WORKER_MIN_PAIRS:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        return None
    return pool if pool is not None else _scan_pool()


def _scan_pool() -> ProcessPoolExecutor | None:
    """Worker processes for matching, started with "spawn" as the import's are (a GUI process has threads,
    and forking a threaded process can deadlock the child); None on a single core."""
    workers = min(_SCAN_WORKERS, os.cpu_count() or 1)
    if workers < 2:
        return None
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=exit_with_parent
    )
    try:
        for _ in range(workers):  # processes start on demand: start them (and import the matcher) now
            pool.submit(find_in_texts, (), {}, [])
    except (BrokenProcessPool, OSError, RuntimeError):
        pool.shutdown(wait=False, cancel_futures=True)
        return None
    return pool


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while a find stores and returns what it found: 200,000 candidates
    come as tuples from the workers and leave as records, and every few hundred of those new objects made
    the collector walk the ones before (0.3 s of 0.55 s making records). What a find makes is freed by
    reference counting; a cycle made meanwhile (by any thread) is collected once the collector is back on,
    after the find (unless it was off before)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _store_chunks(
    found: Iterable[tuple[int, list[CandidateRow]]],
) -> Iterator[list[tuple[int, list[CandidateRow]]]]:
    """Runs of sources of at most ``_CHUNK`` sources and (unless one source has more) ``_STORE_BATCH``
    candidates: what one short write transaction stores."""
    chunk: list[tuple[int, list[CandidateRow]]] = []
    size = 0
    for source_id, candidates in found:
        if chunk and (len(chunk) >= _CHUNK or size + len(candidates) > _STORE_BATCH):
            yield chunk
            chunk, size = [], 0
        chunk.append((source_id, candidates))
        size += len(candidates)
    if chunk:
        yield chunk


def _store_candidates(
    session: Session, plan: _Plan, chunk: list[tuple[int, list[CandidateRow]]], stamp: str
) -> tuple[list[int], list[CandidateRow], list[int], bool]:
    """For a run of scanned sources: insert new candidates, keep decided ones as they are, drop pending
    ones not found again. Return the new rows' ids, the new rows, the dropped ids and whether pending ones
    were kept.

    A source with no candidates and no mentions yet (most, on a first find) takes its rows as they are."""
    table = _CANDIDATES
    connection = session.connection()
    source_ids = [source_id for source_id, _rows in chunk]
    existing: dict[tuple[int, int, int, int], tuple[int, CandidateStatus]] = {}
    for candidate_id, owner, source_id, start, end, status in connection.execute(
        select(
            table.c.id, table.c.entity_id, table.c.source_id, table.c.start, table.c.end, table.c.status
        ).where(table.c.source_id.in_(source_ids))
    ):
        if owner in plan.entity_ids:
            existing[(owner, source_id, start, end)] = (candidate_id, status)
    had = {key[1] for key in existing}
    mentions = _mention_spans(session, source_ids)
    seen: set[int] = set()
    new: list[CandidateRow] = []
    for source_id, rows in chunk:
        spans = mentions.get(source_id)
        if not spans and source_id not in had:
            new += rows
            continue
        for row in rows:
            owner, _source, start, end = row[:4]
            known = existing.get((owner, source_id, start, end))
            if known is not None:
                seen.add(known[0])
            elif not spans:
                new.append(row)
            elif not _overlaps_mention(spans, owner, start, end, same=True):
                inside = _overlaps_mention(spans, owner, start, end, same=False)
                new.append(_inside_other(row) if inside else row)
    stale = [
        candidate_id
        for candidate_id, status in existing.values()
        if status is CandidateStatus.PENDING and candidate_id not in seen
    ]
    _delete_candidates(session, stale)
    same: dict[str, str | None] = {
        "status": _PENDING,
        "mention_id": None,
        "created_at": stamp,
        "decided_at": None,
        "decided_by": "",
    }
    _check_rows(new)
    ids = fts_vocab.insert_rows(connection, "mention_candidates", _INSERT_COLUMNS, new, same, checked=True)
    return ids, new, stale, bool(seen)


def _check_rows(rows: Sequence[CandidateRow]) -> None:
    """The CHECK constraints of ``mention_candidates`` for rows about to be inserted with SQLite's checks
    off (``insert_rows(checked=True)``): a valid span, a known kind, a confidence in [0, 1]. Checked here
    for a whole batch, they cost a few milliseconds instead of SQLite's 0.8 s for 200,000 rows."""
    valid = (
        {row[6] for row in rows} <= _KIND_VALUES
        and all(0 <= row[2] < row[3] for row in rows)
        and all(0 <= row[8] <= 1 for row in rows)
    )
    if not valid:
        bad = next(
            row
            for row in rows
            if row[6] not in _KIND_VALUES or not (0 <= row[2] < row[3] and 0 <= row[8] <= 1)
        )
        raise ValueError(f"a candidate breaks a CHECK constraint of mention_candidates: {bad!r}")


def _stale_elsewhere(session: Session, entity_ids: Collection[int], scanned: Collection[int]) -> list[int]:
    """Pending candidates of the entities in sources a find did not look in (no spelling is there now)."""
    table = _CANDIDATES
    stale: list[int] = []
    ids = sorted(entity_ids)
    for index in range(0, len(ids), _CHUNK):
        rows = session.connection().execute(
            select(table.c.id, table.c.source_id).where(
                table.c.entity_id.in_(ids[index : index + _CHUNK]),
                table.c.status == CandidateStatus.PENDING,
            )
        )
        stale += [candidate_id for candidate_id, source_id in rows if source_id not in scanned]
    return stale


def _delete_candidates(session: Session, candidate_ids: Sequence[int]) -> None:
    for index in range(0, len(candidate_ids), _CHUNK):
        chunk = candidate_ids[index : index + _CHUNK]
        session.execute(delete(MentionCandidate).where(MentionCandidate.id.in_(chunk)))


def _mention_spans(session: Session, source_ids: Collection[int]) -> dict[int, list[tuple[int, int, int]]]:
    spans: dict[int, list[tuple[int, int, int]]] = {}
    ids = sorted(source_ids)
    for index in range(0, len(ids), 500):
        statement = select(Mention.entity_id, Mention.source_id, Mention.start, Mention.end).where(
            Mention.source_id.in_(ids[index : index + 500])
        )
        for owner, source_id, start, end in session.connection().execute(statement):
            spans.setdefault(source_id, []).append((owner, start, end))
    return spans


def _stored_time(connection: Any, moment: datetime) -> str:
    """A timestamp as the candidates' ``created_at`` column stores it (for rows inserted as plain values)."""
    processor = _CANDIDATES.c.created_at.type.bind_processor(connection.dialect)
    value = processor(moment) if processor is not None else moment
    # the driver would turn a datetime into this text once per row (its default adapter); do it once
    return value.isoformat(" ") if isinstance(value, datetime) else str(value)


def _overlaps_mention(
    mentions: Iterable[tuple[int, int, int]], owner: int, start: int, end: int, *, same: bool
) -> bool:
    """Whether a span overlaps a mention of the same entity (``same``) or lies inside another's."""
    for mention_owner, mention_start, mention_end in mentions:
        if (mention_owner == owner) != same:
            continue
        if same and mention_start < end and start < mention_end:
            return True
        if not same and mention_start <= start and end <= mention_end:
            return True
    return False


_INSERT_COLUMNS = (  # a ``CandidateRow``
    "entity_id",
    "source_id",
    "start",
    "end",
    "text",
    "alias",
    "kind",
    "needs_review",
    "confidence",
    "reason",
)
_PENDING = CandidateStatus.PENDING.value
_INSIDE_OTHER = ReviewReason.INSIDE_OTHER_MENTION.value


def _inside_other(row: CandidateRow) -> CandidateRow:
    """A candidate inside another entity's mention: reviewed, at most half confident."""
    owner, source_id, start, end, text, alias, kind, review, confidence, reason = row
    reason = reason if review else _INSIDE_OTHER
    return (owner, source_id, start, end, text, alias, kind, True, min(confidence, 0.5), reason)


def _new_records(ids: Sequence[int], rows: Sequence[CandidateRow]) -> list[CandidateRecord]:
    """Records of just-inserted pending candidates (one comprehension: a find may make 200,000)."""
    kinds, reasons, pending, record = _KINDS, _REASONS, CandidateStatus.PENDING, CandidateRecord
    return [
        record(
            candidate_id,
            owner,
            source_id,
            start,
            end,
            text,
            alias,
            kinds[kind],
            pending,
            bool(review),
            confidence,
            reasons[reason],
            None,
        )
        for candidate_id, (
            owner,
            source_id,
            start,
            end,
            text,
            alias,
            kind,
            review,
            confidence,
            reason,
        ) in zip(ids, rows, strict=True)
    ]


def _candidate_records(
    session: Session, entity_ids: Collection[int], status: CandidateStatus
) -> list[CandidateRecord]:
    """All candidates of the entities with the status, by position (Core rows: a find may make 100,000s)."""
    table = _CANDIDATES
    columns = [table.c[name] for name in _CANDIDATE_COLUMNS]
    connection = session.connection()
    records: list[CandidateRecord] = []
    ids = sorted(entity_ids)
    for index in range(0, len(ids), 500):
        rows = connection.execute(
            select(*columns).where(table.c.entity_id.in_(ids[index : index + 500]), table.c.status == status)
        )
        records += [_record_from_values(values) for values in rows]
    return sorted(records, key=lambda r: (r.source_id, r.start, r.entity_id))


_CANDIDATES: Any = MentionCandidate.__table__
_CANDIDATE_COLUMNS = (
    "id",
    "entity_id",
    "source_id",
    "start",
    "end",
    "text",
    "alias",
    "kind",
    "status",
    "needs_review",
    "confidence",
    "reason",
    "mention_id",
)
_REASONS = {reason.value: reason for reason in ReviewReason}
_KINDS = {kind.value: kind for kind in MatchKind}
_KIND_VALUES = frozenset(_KINDS)


def _record_from_values(values: Sequence[Any]) -> CandidateRecord:
    """A record from the columns in ``_CANDIDATE_COLUMNS`` order, which is the record's field order."""
    v = values
    return CandidateRecord(
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], _REASONS[v[11]], v[12]
    )


def _candidate_record(row: MentionCandidate) -> CandidateRecord:
    return _record_from_values([getattr(row, name) for name in _CANDIDATE_COLUMNS])


def _apply_decision(
    session: Session, rows: Sequence[MentionCandidate], status: CandidateStatus, actor: str
) -> CandidateDecision:
    now = utc_now()
    previous = tuple(row.status for row in rows)
    before = tuple(_row(row) for row in rows)
    made: list[MentionRecord] = []
    removed: list[Row] = []
    added: list[AliasRecord] = []
    for row in rows:
        if status is CandidateStatus.ACCEPTED:
            mention = _mention_for(session, row, actor, now)
            if mention is not None:
                made.append(_mention_record(mention))
            row.mention_id = _existing_mention_id(session, row) if mention is None else mention.id
            if row.kind is MatchKind.VARIANT:
                alias = _alias_from_variant(session, row)
                if alias is not None:
                    added.append(alias)
        elif row.mention_id is not None:
            mention_row = session.get(Mention, row.mention_id)
            if mention_row is not None:
                removed.append(_row(mention_row))
                session.delete(mention_row)
            row.mention_id = None
        row.status, row.decided_at, row.decided_by = status, now, actor
    session.flush()
    return CandidateDecision(
        status=status,
        candidate_ids=tuple(row.id for row in rows),
        previous=previous,
        before=before,
        mentions=tuple(made),
        removed_mentions=tuple(removed),
        added_aliases=tuple(added),
    )


def _mention_for(session: Session, row: MentionCandidate, actor: str, now: datetime) -> Mention | None:
    """A new mention for an accepted candidate, or None when the span is already tagged as the entity."""
    if _existing_mention_id(session, row) is not None:
        return None
    mention = Mention(
        entity_id=row.entity_id,
        source_id=row.source_id,
        start=row.start,
        end=row.end,
        text=row.text,
        created_at=now,
        created_by=actor,
    )
    session.add(mention)
    session.flush()
    return mention


def _existing_mention_id(session: Session, row: MentionCandidate) -> int | None:
    return session.scalar(
        select(Mention.id).where(
            Mention.entity_id == row.entity_id,
            Mention.source_id == row.source_id,
            Mention.start == row.start,
            Mention.end == row.end,
        )
    )


def _alias_from_variant(session: Session, row: MentionCandidate) -> AliasRecord | None:
    known = {alias_words(alias.text) for alias in _aliases(session, row.entity_id)}
    name = " ".join(row.text.split())
    if alias_words(name) in known or not alias_words(name):
        return None
    alias = _add_alias_row(session, row.entity_id, name)
    session.flush()
    return _alias_record(alias)


def _link_candidate(session: Session, mention: Mention, actor: str) -> None:
    """A pending candidate at exactly the tagged span is decided by the tagging: accepted."""
    session.execute(
        update(MentionCandidate)
        .where(
            MentionCandidate.entity_id == mention.entity_id,
            MentionCandidate.source_id == mention.source_id,
            MentionCandidate.start == mention.start,
            MentionCandidate.end == mention.end,
            MentionCandidate.status == CandidateStatus.PENDING,
        )
        .values(
            status=CandidateStatus.ACCEPTED, mention_id=mention.id, decided_at=utc_now(), decided_by=actor
        )
    )


def _unlink_candidates(session: Session, mention_ids: Sequence[int]) -> None:
    """Candidates accepted as these mentions go back to pending when the mentions go."""
    if mention_ids:
        session.execute(
            update(MentionCandidate)
            .where(MentionCandidate.mention_id.in_(mention_ids))
            .values(status=CandidateStatus.PENDING, mention_id=None, decided_at=None, decided_by="")
        )


# -- merge helpers ----------------------------------------------------------------------------------

_MOVABLE: tuple[tuple[str, type[Base]], ...] = (
    ("aliases", Alias),
    ("mentions", Mention),
    ("mention_candidates", MentionCandidate),
    ("taggings", Tagging),
    ("notes", Note),
)


def _merge_into(
    session: Session,
    survivor: Entity,
    other: Entity,
    moved: list[tuple[str, int, int]],
    moved_links: list[tuple[int, str, int]],
) -> list[int]:
    """Move ``other``'s rows to ``survivor`` (keeping the survivor's where they would clash), then delete
    ``other``. Returns the ids of aliases added to the survivor (``other``'s name)."""
    added: list[int] = []
    survivor_aliases = {alias_words(alias.text) for alias in _aliases(session, survivor.id)}
    if alias_words(other.name) not in survivor_aliases and not any(
        alias_words(alias.text) == alias_words(other.name) for alias in _aliases(session, other.id)
    ):
        added.append(_add_alias_row(session, survivor.id, other.name).id)
    for table, model in _MOVABLE:
        keys = {_clash_key(table, row) for row in _owned(session, model, survivor.id)}
        for row in _owned(session, model, other.id):
            if table != "notes" and _clash_key(table, row) in keys:
                continue  # a duplicate of the survivor's: deleted with ``other``, kept in its snapshot
            keys.add(_clash_key(table, row))
            row.entity_id = survivor.id  # type: ignore[attr-defined]
            moved.append((table, row.id, other.id))  # type: ignore[attr-defined]
        session.flush()
    survivor_links = {(link.event_id, link.role) for link in _owned(session, Participation, survivor.id)}
    for link in _owned(session, Participation, other.id):
        if (link.event_id, link.role) not in survivor_links:
            session.add(Participation(event_id=link.event_id, entity_id=survivor.id, role=link.role))
            moved_links.append((link.event_id, link.role, other.id))
    if other.description.strip() and other.description.strip() not in survivor.description:
        survivor.description = "\n\n".join(
            part for part in (survivor.description.strip(), other.description.strip()) if part
        )
    if other.notes.strip() and other.notes.strip() not in survivor.notes:
        survivor.notes = "\n\n".join(part for part in (survivor.notes.strip(), other.notes.strip()) if part)
    session.flush()
    session.execute(delete(Entity).where(Entity.id == other.id))
    _relink_accepted(session, survivor.id)
    session.expire_all()
    return added


def _relink_accepted(session: Session, entity_id: int) -> None:
    """Accepted candidates whose mention was dropped as a duplicate point at the survivor's mention."""
    same_span = (
        select(Mention.id)
        .where(
            Mention.entity_id == MentionCandidate.entity_id,
            Mention.source_id == MentionCandidate.source_id,
            Mention.start == MentionCandidate.start,
            Mention.end == MentionCandidate.end,
        )
        .scalar_subquery()
    )
    session.execute(
        update(MentionCandidate)
        .where(
            MentionCandidate.entity_id == entity_id,
            MentionCandidate.status == CandidateStatus.ACCEPTED,
            MentionCandidate.mention_id.is_(None),
        )
        .values(mention_id=same_span)
    )


def _clash_key(table: str, row: Any) -> tuple[object, ...]:
    if table == "aliases":
        return (row.text,)
    if table in ("mentions", "mention_candidates"):
        return (row.source_id, row.start, row.end)
    if table == "taggings":
        return (row.tag_id,)
    return (row.id,)


def _move_back(session: Session, record: MergeRecord) -> None:
    """Give moved rows back to the entities they came from, every column as it was before the merge."""
    tables: dict[str, Any] = {table: model.__table__ for table, model in _MOVABLE}
    before = {
        (table, row.id): row
        for snapshot in record.merged
        for table, rows in _snapshot_tables(snapshot)
        for row in rows
    }
    for table, row_id, _owner in record.moved:
        values = before[(table, row_id)].as_dict()
        columns = tables[table].c
        result = session.execute(update(tables[table]).where(columns.id == row_id).values(**values))
        if getattr(result, "rowcount", 1) != 1:
            raise InvalidValue("The merged entities changed since the merge; undo the later edits first.")
    for event_id, role, owner in record.moved_event_links:
        session.execute(
            delete(Participation).where(
                Participation.event_id == event_id,
                Participation.entity_id == record.survivor_id,
                Participation.role == role,
            )
        )
        session.add(Participation(event_id=event_id, entity_id=owner, role=role))
    session.flush()


def _snapshot_tables(snapshot: EntitySnapshot) -> tuple[tuple[str, tuple[Row, ...]], ...]:
    return (
        ("aliases", snapshot.aliases),
        ("mentions", snapshot.mentions),
        ("mention_candidates", snapshot.candidates),
        ("taggings", snapshot.taggings),
        ("notes", snapshot.notes),
    )


# -- snapshots --------------------------------------------------------------------------------------


def _row(obj: Base) -> Row:
    mapper = obj.__mapper__
    return Row(tuple((attribute.key, getattr(obj, attribute.key)) for attribute in mapper.column_attrs))


def _owned(session: Session, model: type[_Model], entity_id: int) -> list[_Model]:
    column = model.entity_id  # type: ignore[attr-defined]
    order = [model.id] if hasattr(model, "id") else [model.event_id, model.role]  # type: ignore[attr-defined]
    return list(session.scalars(select(model).where(column == entity_id).order_by(*order)))


def _snapshot(session: Session, entity: Entity) -> EntitySnapshot:
    return EntitySnapshot(
        entity=_row(entity),
        aliases=tuple(_row(row) for row in _owned(session, Alias, entity.id)),
        mentions=tuple(_row(row) for row in _owned(session, Mention, entity.id)),
        candidates=tuple(_row(row) for row in _owned(session, MentionCandidate, entity.id)),
        event_links=tuple(_row(row) for row in _owned(session, Participation, entity.id)),
        taggings=tuple(_row(row) for row in _owned(session, Tagging, entity.id)),
        notes=tuple(_row(row) for row in _owned(session, Note, entity.id)),
    )


def _insert_snapshot(
    session: Session,
    snapshot: EntitySnapshot,
    *,
    skip_entity: bool = False,
    skip: Collection[tuple[str, int]] = (),
    skip_links: Collection[tuple[int, str, int]] = (),
) -> None:
    if not skip_entity:
        session.add(Entity(**snapshot.entity.as_dict()))
        session.flush()
    models = dict(_MOVABLE)
    for table, rows in _snapshot_tables(snapshot):
        model = models[table]
        for row in rows:
            values = row.as_dict()
            if (table, values["id"]) not in skip:
                session.add(model(**values))
        session.flush()
    for row in snapshot.event_links:
        values = row.as_dict()
        if (values["event_id"], values["role"], values["entity_id"]) not in skip_links:
            session.add(Participation(**values))
    session.flush()


def _mention_ids(snapshots: Iterable[EntitySnapshot]) -> tuple[int, ...]:
    return tuple(row.id for snapshot in snapshots for row in snapshot.mentions)


def _snapshot_summary(snapshot: EntitySnapshot) -> dict[str, object]:
    entity = snapshot.entity.as_dict()
    return {
        "name": entity["name"],
        "aliases": [row.as_dict()["text"] for row in snapshot.aliases],
        "mentions": len(snapshot.mentions),
        "candidates": len(snapshot.candidates),
        "event_links": len(snapshot.event_links),
        "taggings": len(snapshot.taggings),
        "notes": len(snapshot.notes),
    }


# -- small helpers ----------------------------------------------------------------------------------


def _get(session: Session, model: type[_Model], object_id: int, what: str) -> _Model:
    row = session.get(model, object_id)
    if row is None:
        raise NotFound(f"There is no {what} #{object_id} in this case.")
    return row


def _rows_by_id(session: Session, model: type[_Model], ids: Sequence[int]) -> list[_Model]:
    rows: list[_Model] = []
    unique = sorted(set(ids))
    for index in range(0, len(unique), 500):
        column = model.id  # type: ignore[attr-defined]
        rows += session.scalars(select(model).where(column.in_(unique[index : index + 500]))).all()
    order = {row_id: position for position, row_id in enumerate(dict.fromkeys(ids))}
    return sorted(rows, key=lambda row: order[row.id])  # type: ignore[attr-defined]


def _source_text(session: Session, source_id: int) -> str:
    text = session.scalar(select(SourceText.text).where(SourceText.source_id == source_id))
    if text is None:
        raise NotFound(f"There is no source #{source_id} in this case.")
    return text


def _checked_span(text: str, start: int, end: int, expected: str | None) -> str:
    """The text of a span to tag, or ``InvalidValue`` saying what is wrong with it: empty, reversed or
    outside the text, cutting a letter from its niqqud or harakat, holding no word, or beginning or ending
    with white space (a mention covers a name, not the line break before it)."""
    problem = span_problem(text, start, end)
    if problem:
        raise InvalidValue(problem)
    exact = text[start:end]
    if expected is not None and exact != expected:
        raise InvalidValue(
            f"The source has “{exact}” at {start}–{end}, not “{expected}”; reload it and retry."
        )
    if not alias_words(exact):
        raise InvalidValue(f"The span {start}–{end} holds no word to tag.")
    if exact != exact.strip():
        raise InvalidValue(
            f"The span {start}–{end} begins or ends with a space or a line break; tag the name alone."
        )
    return exact


def _covers(candidates: Sequence[Candidate], start: int, end: int) -> bool:
    """Whether an alias was found exactly at ``start``–``end``, as the name or with its prefix."""
    return any(
        candidate.kind is not MatchKind.VARIANT
        and candidate.end == end
        and start in (candidate.start, candidate.token_start)
        for candidate in candidates
    )


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not alias_words(cleaned):
        raise InvalidValue("A name needs at least one letter or digit.")
    if len(cleaned) > 500:
        raise InvalidValue("A name may have at most 500 characters.")
    return cleaned


def _unique_spellings(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    spellings: list[str] = []
    for name in names:
        cleaned = _clean_name(name)
        if cleaned not in seen:
            seen.add(cleaned)
            spellings.append(cleaned)
    return spellings


def _language(text: str) -> str:
    guessed = guess_language(text)
    return guessed if guessed in ("he", "ar", "ru") else "und"


def _add_alias_row(session: Session, entity_id: int, text: str, language: str | None = None) -> Alias:
    row = Alias(entity_id=entity_id, text=text, folded=fold(text), language=language or _language(text))
    session.add(row)
    session.flush()
    return row


def _insert_entity(session: Session, record: EntityRecord) -> None:
    session.add(
        Entity(
            id=record.id,
            type_id=record.type_id,
            name=record.name,
            description=record.description,
            notes=record.notes,
            created_at=record.created_at,
        )
    )
    session.flush()  # (no ORM relationships: the entity goes in before the rows that point at it)
    for alias in record.aliases:
        _insert_alias(session, alias)
    session.flush()


def _insert_alias(session: Session, record: AliasRecord) -> None:
    session.add(
        Alias(
            id=record.id,
            entity_id=record.entity_id,
            text=record.text,
            folded=fold(record.text),
            language=record.language,
        )
    )


def _insert_mention(session: Session, record: MentionRecord) -> Mention:
    mention = Mention(
        id=record.id,
        entity_id=record.entity_id,
        source_id=record.source_id,
        start=record.start,
        end=record.end,
        text=record.text,
        created_at=record.created_at,
        created_by=record.created_by,
    )
    session.add(mention)
    return mention


def _aliases(session: Session, entity_id: int) -> list[Alias]:
    return list(session.scalars(select(Alias).where(Alias.entity_id == entity_id).order_by(Alias.id)))


def _type_by_key(session: Session, key: str) -> EntityType:
    row = session.scalar(select(EntityType).where(EntityType.key == key))
    if row is None:
        keys = ", ".join(session.scalars(select(EntityType.key).order_by(EntityType.id)))
        raise InvalidValue(f"There is no entity type “{key}”; the types are: {keys}.")
    return row


def _type_key(text: str) -> str:
    key = "-".join(text.casefold().split())
    if not key or len(key) > 50 or not all(char.isalnum() or char in "-_" for char in key):
        raise InvalidValue(f"“{text}” cannot be an entity type key: use letters, digits and hyphens.")
    return key


def _checked_colour(colour: str) -> str:
    colour = colour.strip()
    if not _COLOUR.fullmatch(colour):
        raise InvalidValue(f"“{colour}” is not a colour; write it as #rrggbb.")
    return colour.lower()


def _apply(row: Any, values: Mapping[str, object], object_type: str, object_id: int) -> FieldEdit:
    before = {key: getattr(row, key) for key in values}
    for key, value in values.items():
        setattr(row, key, value)
    changed = [key for key in values if before[key] != values[key]]
    return FieldEdit(
        object_type, object_id, {key: before[key] for key in changed}, {key: values[key] for key in changed}
    )


def _with_type_keys(session: Session, edit: FieldEdit, before_type: int) -> FieldEdit:
    """Report a type change as ``type_key`` (what ``update`` takes), so ``edit.before`` can be applied."""
    if "type_id" not in edit.after:
        return edit
    keys: dict[int, str] = dict(session.execute(select(EntityType.id, EntityType.key)).all())
    before = {key: value for key, value in edit.before.items() if key != "type_id"}
    after = {key: value for key, value in edit.after.items() if key != "type_id"}
    before["type_key"] = keys[before_type]
    after["type_key"] = keys[int(edit.after["type_id"])]  # type: ignore[call-overload]
    return FieldEdit(edit.object_type, edit.object_id, before, after)


def _count_by_entity(statement: Any, column: Any) -> Any:
    return statement.group_by(column).subquery()


def _identifier_entities(session: Session, values: Iterable[str]) -> dict[str, int]:
    """Identifier entities by normalised value (their name)."""
    wanted = set(values)
    if not wanted:
        return {}
    rows = session.execute(
        select(Entity.name, Entity.id)
        .join(EntityType, EntityType.id == Entity.type_id)
        .where(EntityType.key == IDENTIFIER_TYPE, Entity.name.in_(wanted))
        .order_by(Entity.id)
    )
    found: dict[str, int] = {}
    for name, entity_id in rows:
        found.setdefault(name, entity_id)
    return found


def keyword_in_context(text: str, mention: MentionRecord | Span, words: int = CONTEXT_WORDS) -> Snippet:
    """``words`` words either side of a span, cut at whitespace; offsets into ``text`` stay exact."""
    start = _words_before(text, mention.start, words)
    end = _words_after(text, mention.end, words)
    excerpt = text[start:end].replace("\n", " ").replace("\t", " ")
    return Snippet(excerpt, start, (Span(mention.start - start, mention.end - start),))


def _words_before(text: str, position: int, words: int) -> int:
    while position > 0 and not text[position - 1].isspace():
        position -= 1  # the rest of the word the span starts in (a prefix, a quote) is not counted
    for _ in range(words):
        while position > 0 and text[position - 1].isspace():
            position -= 1
        while position > 0 and not text[position - 1].isspace():
            position -= 1
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _words_after(text: str, position: int, words: int) -> int:
    while position < len(text) and not text[position].isspace():
        position += 1  # punctuation after the span belongs to its word
    for _ in range(words):
        while position < len(text) and text[position].isspace():
            position += 1
        while position < len(text) and not text[position].isspace():
            position += 1
    while position > 0 and text[position - 1].isspace():
        position -= 1
    return position


# -- records ----------------------------------------------------------------------------------------


def _type_record(row: EntityType) -> EntityTypeRecord:
    return EntityTypeRecord(row.id, row.key, row.label, row.colour, row.icon, row.builtin)


def _type_fields(record: EntityTypeRecord) -> dict[str, object]:
    return {"key": record.key, "label": record.label, "colour": record.colour, "icon": record.icon}


def _alias_record(row: Alias) -> AliasRecord:
    return AliasRecord(row.id, row.entity_id, row.text, row.language)


def _entity_record(session: Session, row: Entity) -> EntityRecord:
    type_key = session.scalar(select(EntityType.key).where(EntityType.id == row.type_id)) or ""
    aliases = tuple(_alias_record(alias) for alias in _aliases(session, row.id))
    return EntityRecord(
        row.id, row.type_id, type_key, row.name, row.description, row.notes, row.created_at, aliases
    )


def _records_with_aliases(rows: Sequence[Any]) -> list[EntityRecord]:
    """Entity records from (entity, type key, alias or None) rows ordered by entity, then alias."""
    records: list[EntityRecord] = []
    current: Entity | None = None
    key = ""
    aliases: list[AliasRecord] = []
    for entity, type_key, alias in (*rows, (None, "", None)):
        if current is not None and entity is not current:
            records.append(
                EntityRecord(
                    current.id,
                    current.type_id,
                    key,
                    current.name,
                    current.description,
                    current.notes,
                    current.created_at,
                    tuple(aliases),
                )
            )
            aliases = []
        current, key = entity, type_key
        if alias is not None:
            aliases.append(_alias_record(alias))
    return records


def _mention_record(row: Mention) -> MentionRecord:
    return MentionRecord(
        row.id, row.entity_id, row.source_id, row.start, row.end, row.text, row.created_at, row.created_by
    )


def _mention_fields(record: MentionRecord) -> dict[str, object]:
    return {
        "entity_id": record.entity_id,
        "source_id": record.source_id,
        "start": record.start,
        "end": record.end,
        "text": record.text,
    }
