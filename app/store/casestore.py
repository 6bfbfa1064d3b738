"""``CaseStore``: the one door to a case file.

Each public method is one transaction and returns frozen records from ``app.core.records``, never live ORM
rows, so callers cannot change the case behind the store's back. After a write commits, subscribers get a
``Change`` saying what changed (they run on the writer's thread; the UI re-emits them as Qt signals).
"""

from __future__ import annotations

import getpass
import hashlib
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import Connection, Select, func, insert, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.core.dates import normalize_edtf
from app.core.errors import CaseFileError, InvalidValue, NotFound, QueryError
from app.core.folding import fold
from app.core.matching import compile_matcher, make_snippet
from app.core.query import parse_query
from app.core.records import (
    MAX_HITS_LISTED,
    AddedSource,
    AuditRecord,
    CaseInfo,
    Change,
    ChangeKind,
    Extraction,
    FieldEdit,
    Reliability,
    SearchHit,
    SearchResults,
    SourceDetail,
    SourceKind,
    SourceMetadata,
    SourceSummary,
    VerifyProblem,
    VerifyReport,
)
from app.core.source_prep import PreparedText, SourceFields, find_source_dates, source_fields
from app.core.textnorm import normalize_text
from app.store import audit, fts, schema
from app.store import engine as sqlite
from app.store.models import AuditEntry, CaseMeta, Original, Source, SourceText, utc_now

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from app.core.date_extraction import DateMention
    from app.core.progress import CancelToken, ProgressSink
    from app.store.case_import import TableRows, TableSnapshot
    from app.store.entities import EntityRepository
    from app.store.events import EventRepository

ChangeListener = Callable[[Change], None]

#: Source fields the investigator may edit after import (the original and its text never change).
EDITABLE_SOURCE_FIELDS = frozenset(
    {"title", "published", "author", "publisher", "url", "language", "reliability", "notes"}
)
EDITABLE_CASE_FIELDS = frozenset({"title", "investigator", "notes"})
SORTABLE_SOURCE_COLUMNS = {
    "id": Source.id,
    "title": func.lower(Source.title),
    "kind": Source.kind,
    "language": Source.language,
    "published": Source.published,
    "imported_at": Source.imported_at,
    "size": Source.size,
    "reliability": Source.reliability,
}


READ_ONLY_INDEX_CHECK = (
    "the search index's internal check needs write access (the case is read-only); the index was still "
    "compared with the sources"
)


def current_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


class CaseStore:
    """An open case file. Create with ``CaseStore.create`` or ``CaseStore.open``; close when done."""

    def __init__(self, path: Path, actor: str | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.actor = actor or current_user()
        self.read_only = read_only
        self.backup_made_on_upgrade: str | None = None
        self._engine = sqlite.make_engine(path, read_only=read_only)
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        writer_engine = self._engine.execution_options(**{sqlite.WRITER_OPTION: True})
        self._write_sessions = sessionmaker(writer_engine, expire_on_commit=False)
        self._listeners: list[ChangeListener] = []
        self._batch = threading.local()  # per thread: the UI's edits never join an import's batch
        self._watch_lock = threading.Lock()
        self._audit_seen = 0  # the last audit row accounted for (see ``changed_elsewhere``)
        self._foreign_changes = False
        self._writes_in_flight = 0

    # -- opening and closing ----------------------------------------------------------------------

    @classmethod
    def create(
        cls, path: Path | str, *, title: str, investigator: str = "", actor: str | None = None
    ) -> Self:
        path = Path(path)
        if path.exists():
            raise CaseFileError(f"{path} already exists; choose another name or open it.")
        if not title.strip():
            raise InvalidValue("A case needs a title.")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CaseFileError(f"Cannot create the folder {path.parent}: {exc.strerror or exc}.") from exc
        store = cls(path, actor)
        try:
            schema.create_schema(store._engine)
            with store._write() as session:
                session.add(
                    CaseMeta(
                        id=1, title=title.strip(), investigator=investigator.strip(), created_at=utc_now()
                    )
                )
                audit.record(
                    session,
                    actor=store.actor,
                    action="create case",
                    object_type="case",
                    object_id=1,
                    after={"title": title, "investigator": investigator},
                )
        except BaseException as exc:
            store.close()
            _remove_case_files(path)
            if isinstance(exc, SQLAlchemyError):
                raise sqlite.explain_sqlite_error(path, exc) from exc
            raise
        return store

    @classmethod
    def open(cls, path: Path | str, *, actor: str | None = None, read_only: bool | None = None) -> Self:
        """Open a case; one on storage this process cannot write to (``read_only`` None: found out) opens
        read-only: everything reads, every change is refused with a message saying why."""
        path = Path(path)
        sqlite.check_case_file(path)
        if read_only is None:
            read_only = not sqlite.is_writable(path)
        identity = sqlite.identify(path, read_only=read_only)
        schema.check_openable(identity, path)
        assert identity.revision is not None
        if read_only and identity.revision != schema.head_revision():
            raise CaseFileError(
                f"{path} is read-only and was written by an older Threadline: opening it means upgrading it "
                f"(schema {identity.revision}). Copy it to a folder you can write to, and open the copy."
            )
        store = cls(path, actor, read_only=read_only)
        try:
            store.backup_made_on_upgrade = schema.upgrade_if_older(store._engine, path, identity.revision)
            store.acknowledge_changes()
        except BaseException:
            store._engine.dispose()
            raise
        return store

    def close(self) -> None:
        if self.read_only:
            self._engine.dispose()
            return
        try:
            with self._engine.connect() as connection:
                sqlite.checkpoint(connection)
        except SQLAlchemyError:
            pass  # closing must not fail; the WAL is folded in on the next open
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object | TracebackType) -> None:
        self.close()

    # -- parts of the facade, one file each -------------------------------------------------------

    @cached_property
    def entities(self) -> EntityRepository:
        """Entities, aliases, mentions and mention candidates (``app.store.entities``)."""
        from app.store.entities import EntityRepository

        return EntityRepository(self)

    @cached_property
    def events(self) -> EventRepository:
        """Events, their dates, evidence links, participants, tags and notes (``app.store.events``)."""
        from app.store.events import EventRepository

        return EventRepository(self)

    # -- change notification ----------------------------------------------------------------------

    def subscribe(self, listener: ChangeListener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: ChangeListener) -> None:
        self._listeners.remove(listener)

    def _notify(self, change: Change) -> None:
        pending: list[Change] | None = getattr(self._batch, "changes", None)
        if pending is not None:
            pending.append(change)  # told after the batch commits, never before
            return
        for listener in list(self._listeners):
            listener(change)

    # -- transactions -----------------------------------------------------------------------------

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise CaseFileError(
                f"{self.path} is open read-only (this account cannot write to it or to its folder): nothing "
                "was changed. Copy the case to a folder you can write to in order to work on it."
            )

    @contextmanager
    def _write(self) -> Iterator[Session]:
        self._refuse_if_read_only()
        batch_session: Session | None = getattr(self._batch, "session", None)
        if batch_session is not None:
            with batch_session.begin_nested():  # one savepoint per write: it lands whole or not at all
                yield batch_session
            return
        with self._writing():
            with self._write_sessions.begin() as session:
                first = _last_audit_id(session)
                yield session
                last = _last_audit_id(session)
            self._saw_own_writes(first, last)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Marks a write of this store in flight: its audit rows, committed but not yet accounted for, must
        not be taken for another program's (see ``changed_elsewhere``)."""
        with self._watch_lock:
            self._writes_in_flight += 1
        try:
            yield
        finally:
            with self._watch_lock:
                self._writes_in_flight -= 1

    # -- changes made by other programs ----------------------------------------------------------------

    def changed_elsewhere(self) -> bool:
        """Whether another program (``threadline import`` in a terminal, a second window) has committed
        changes to this case since it was opened here or since ``acknowledge_changes``.

        Every change writes an audit row, and this store remembers the last audit row it has accounted for:
        rows beyond it that it did not write itself come from elsewhere. A cheap read (the last row id).
        """
        with self._read() as session:
            latest = _last_audit_id(session)
        with self._watch_lock:
            if self._writes_in_flight:  # asked again at the next check
                return self._foreign_changes
            return self._foreign_changes or latest > self._audit_seen

    def acknowledge_changes(self) -> None:
        """The caller has taken in every change so far (it reloaded what it shows)."""
        with self._read() as session:
            latest = _last_audit_id(session)
        with self._watch_lock:
            self._audit_seen, self._foreign_changes = max(self._audit_seen, latest), False

    def _saw_own_writes(self, first: int, last: int) -> None:
        """A write transaction saw audit rows up to ``first`` when it began and wrote up to ``last``."""
        with self._watch_lock:
            if first > self._audit_seen:
                self._foreign_changes = True  # committed by someone else before this write began
            self._audit_seen = max(self._audit_seen, last)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group many writes of this thread (an import) into one commit.

        Each write inside still lands whole or not at all (a savepoint each); the batch saves the cost
        of a synchronous commit per write. If something unexpected escapes, what the batch finished
        before is still committed. Subscribers hear of the changes after the commit.
        """
        if getattr(self._batch, "session", None) is not None:
            yield  # already batching on this thread
            return
        self._refuse_if_read_only()
        with self._writing():
            yield from self._batched()

    def _batched(self) -> Iterator[None]:
        session = self._write_sessions()
        session.begin()
        self._batch.session, self._batch.changes, self._batch.index_rows = session, [], []
        first = _last_audit_id(session)
        committed = False
        try:
            yield
            last = _last_audit_id(session)
            self._commit_batch(session)
            committed = True
        except BaseException:
            try:
                last = _last_audit_id(session)
                self._commit_batch(session)  # the failed write's savepoint is already rolled back
                committed = True
            except SQLAlchemyError:
                session.rollback()
            raise
        finally:
            changes = self._batch.changes
            self._batch.session = self._batch.changes = self._batch.index_rows = None
            session.close()
            if committed:
                self._saw_own_writes(first, last)
                for change in _merged(changes):
                    self._notify(change)

    def _commit_batch(self, session: Session) -> None:
        """Index the batch's new sources, then commit. FTS5 writes its pending index data out at every
        savepoint, so indexing each source inside its own savepoint made one tiny index segment per source
        (and the merges that follow); indexed together they make one. A source's rows and its index entry
        still land in the same transaction."""
        self._index_batch_now(session)
        session.commit()

    def _index_batch_now(self, session: Session) -> None:
        rows: list[fts.IndexRow] | None = getattr(self._batch, "index_rows", None)
        if rows:
            fts.index_sources(session.connection(), rows)
            rows.clear()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    # -- the case ---------------------------------------------------------------------------------

    def case_info(self) -> CaseInfo:
        with self._read() as session:
            meta = session.get_one(CaseMeta, 1)
            count = session.scalar(select(func.count(Source.id))) or 0
            revision = schema.current_revision(session.connection()) or ""
            return CaseInfo(meta.title, meta.investigator, meta.created_at, meta.notes, revision, count)

    def update_case(self, changes: Mapping[str, object]) -> FieldEdit:
        _reject_unknown_fields(changes, EDITABLE_CASE_FIELDS, "case")
        if "title" in changes and not str(changes["title"]).strip():
            raise InvalidValue("A case needs a title.")
        with self._write() as session:
            meta = session.get_one(CaseMeta, 1)
            edit = _apply_fields(meta, {key: str(value) for key, value in changes.items()}, "case", 1)
            if edit.changed:
                audit.record(
                    session,
                    actor=self.actor,
                    action="edit case",
                    object_type="case",
                    object_id=1,
                    before=edit.before,
                    after=edit.after,
                )
        if edit.changed:
            self._notify(Change(ChangeKind.UPDATED, "case", (1,)))
        return edit

    # -- adding sources ---------------------------------------------------------------------------

    def source_id_for_sha256(self, sha256: str) -> int | None:
        with self._read() as session:
            return session.scalar(select(Source.id).where(Source.sha256 == sha256))

    def add_source(
        self,
        original: bytes,
        extraction: Extraction,
        *,
        original_filename: str | None,
        imported_by: str | None = None,
        parent_id: int | None = None,
        overrides: SourceMetadata | None = None,
        prepared: PreparedText | None = None,
    ) -> AddedSource:
        """Store an original and its extracted text as a new source, unless the same bytes are already here.

        Everything — original bytes, source row, text, search index, date expressions, audit entry —
        lands in one transaction, so a failure leaves no trace. ``prepared`` is the text's folded form
        and dates computed elsewhere (an import worker, ``app.core.source_prep.prepare_text``); when it
        does not fit this source's text, date and language, the work is done here instead.
        """
        if normalize_text(extraction.text) != extraction.text:
            raise ValueError("importers must hand over normalised text")  # a bug, not user input
        sha256 = hashlib.sha256(original).hexdigest()
        fields = source_fields(extraction, overrides, original_filename)
        if prepared is not None and not prepared.fits(extraction.text, fields.published, fields.language):
            prepared = None
        with self._write() as session:
            connection = session.connection()  # Core statements: the ORM's unit of work cost 2 ms a source
            existing = connection.scalar(select(Source.id).where(Source.sha256 == sha256))
            if existing is not None:
                return AddedSource(existing, duplicate=True)
            if (
                parent_id is not None
                and connection.scalar(select(Source.id).where(Source.id == parent_id)) is None
            ):
                raise NotFound(f"There is no source #{parent_id} to attach to.")
            source_id = _insert_source_rows(
                connection,
                original,
                sha256,
                extraction,
                fields,
                original_filename=original_filename,
                imported_by=imported_by or self.actor,
                parent_id=parent_id,
            )
            index_row = fts.IndexRow(
                source_id, fields.title, prepared.folded if prepared else fold(extraction.text)
            )
            batch_index: list[fts.IndexRow] | None = getattr(self._batch, "index_rows", None)
            if batch_index is None:
                fts.index_sources(connection, [index_row])
            if prepared is not None:
                dates: Sequence[DateMention] = prepared.dates
            else:
                dates = find_source_dates(extraction.text, fields.published, fields.language)
            from app.store.source_dates import insert_dates  # local: keeps the extractor out of start-up

            insert_dates(connection, source_id, dates, published=fields.published, language=fields.language)
            audit.record_on(
                connection,
                actor=self.actor,
                action="import source",
                object_type="source",
                object_id=source_id,
                after={"title": fields.title, "sha256": sha256, "original_filename": original_filename},
            )
        if batch_index is not None:
            batch_index.append(index_row)  # only once the source's savepoint is released
        self._notify(Change(ChangeKind.ADDED, "source", (source_id,)))
        return AddedSource(source_id, duplicate=False)

    # -- reading sources --------------------------------------------------------------------------

    def count_sources(
        self, *, text: str = "", kind: SourceKind | None = None, language: str | None = None
    ) -> int:
        with self._read() as session:
            statement = _filtered(select(func.count(Source.id)), text, kind, language)
            return session.scalar(statement) or 0

    def source_ids(
        self,
        *,
        order_by: str = "id",
        descending: bool = False,
        text: str = "",
        kind: SourceKind | None = None,
        language: str | None = None,
    ) -> list[int]:
        """All matching source ids in display order: cheap even for 100k sources (ids only)."""
        column = SORTABLE_SOURCE_COLUMNS.get(order_by)
        if column is None:
            raise InvalidValue(f"Cannot sort sources by “{order_by}”.")
        ordering = (column.desc(), Source.id.desc()) if descending else (column.asc(), Source.id.asc())
        with self._read() as session:
            statement = _filtered(select(Source.id), text, kind, language).order_by(*ordering)
            return list(session.scalars(statement))

    def source_summaries(self, ids: Sequence[int]) -> list[SourceSummary]:
        """Summaries for ``ids``, in the order given (for lazily filled list models)."""
        with self._read() as session:
            rows = {row.id: row for row in session.scalars(select(Source).where(Source.id.in_(ids)))}
            return [_summary(rows[source_id]) for source_id in ids if source_id in rows]

    def list_sources(self) -> list[SourceSummary]:
        with self._read() as session:
            return [_summary(row) for row in session.scalars(select(Source).order_by(Source.id))]

    def source(self, source_id: int) -> SourceDetail:
        with self._read() as session:
            row = _get_source(session, source_id)
            text_row = _stored_text(session, source_id)
            return SourceDetail(
                id=row.id,
                title=row.title,
                kind=row.kind,
                original_filename=row.original_filename,
                media_type=row.media_type,
                size=row.size,
                sha256=row.sha256,
                imported_at=row.imported_at,
                imported_by=row.imported_by,
                published=row.published,
                author=row.author,
                publisher=row.publisher,
                url=row.url,
                language=row.language,
                reliability=row.reliability,
                notes=row.notes,
                parent_id=row.parent_id,
                extra=dict(row.extra),
                text_length=len(text_row.text),
                page_starts=tuple(text_row.page_starts),
            )

    def source_text(self, source_id: int) -> str:
        with self._read() as session:
            _get_source(session, source_id)
            return _stored_text(session, source_id).text

    def original_bytes(self, source_id: int) -> bytes:
        with self._read() as session:
            sha256 = _get_source(session, source_id).sha256
            original = session.get(Original, sha256)
            if original is None:
                raise CaseFileError(_damaged(f"the original bytes of source #{source_id} are missing"))
            return original.data

    def children_of(self, source_id: int) -> list[SourceSummary]:
        with self._read() as session:
            rows = session.scalars(select(Source).where(Source.parent_id == source_id).order_by(Source.id))
            return [_summary(row) for row in rows]

    # -- editing sources --------------------------------------------------------------------------

    def update_source(self, source_id: int, changes: Mapping[str, object]) -> FieldEdit:
        """Edit metadata of a source; the returned edit's ``before`` undoes it."""
        _reject_unknown_fields(changes, EDITABLE_SOURCE_FIELDS, "source")
        values = {key: _clean_source_value(key, value) for key, value in changes.items()}
        changed_events: tuple[int, ...] = ()
        with self._write() as session:
            row = _get_source(session, source_id)
            edit = _apply_fields(row, values, "source", source_id)
            if "reliability" in edit.after:  # the confidence of events quoting it may follow
                from app.store.events import source_reliability_changed

                changed_events = source_reliability_changed(session, source_id)
            if "title" in edit.after and edit.changed:
                self._index_batch_now(session)  # the source may be one of the batch's, not indexed yet
                fts.reindex_title(session.connection(), source_id, row.title)
            if edit.changed:
                audit.record(
                    session,
                    actor=self.actor,
                    action="edit source",
                    object_type="source",
                    object_id=source_id,
                    before=edit.before,
                    after=edit.after,
                )
        if edit.changed:
            self._notify(Change(ChangeKind.UPDATED, "source", (source_id,)))
        if changed_events:
            self._notify(Change(ChangeKind.UPDATED, "event", changed_events))
        return edit

    # -- search -----------------------------------------------------------------------------------

    def search(self, query_text: str, *, limit: int = 20, offset: int = 0) -> SearchResults:
        """Ranked full-text search with every hit's offsets and a highlighted snippet per source."""
        query = parse_query(query_text)
        matcher = compile_matcher(query.positive_terms)
        with self._read() as session:
            connection = session.connection()
            try:
                ranked = fts.ranked_source_ids(connection, query, limit, offset)
                # a second, plain count: a window over the ranked query must keep every matching row
                total = fts.count_matching_sources(connection, query) if ranked or offset else 0
            except OperationalError as exc:
                raise QueryError(f"Cannot search for “{query_text}”: {exc.orig}.") from exc
            ids = [source_id for source_id, _score in ranked]
            rows = session.execute(
                select(Source.id, Source.title, SourceText.text)
                .join(SourceText, SourceText.source_id == Source.id)
                .where(Source.id.in_(ids))
            ).all()
        by_id = {row.id: row for row in rows}
        hits = []
        for source_id, score in ranked:
            row = by_id[source_id]
            spans = tuple(matcher.find(row.text, limit=MAX_HITS_LISTED + 1))
            listed = spans[:MAX_HITS_LISTED]
            hits.append(
                SearchHit(
                    source_id,
                    row.title,
                    -score,
                    listed,
                    make_snippet(row.text, listed),
                    title_hits=tuple(matcher.find(row.title)),
                    more_hits=len(spans) > MAX_HITS_LISTED,
                )
            )
        return SearchResults(query_text, total, tuple(hits))

    # -- integrity --------------------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Re-hash every original and run SQLite's integrity, foreign-key and index checks."""
        problems: list[VerifyProblem] = []
        with self._read() as session:
            connection = session.connection()
            problems += [VerifyProblem("integrity", line) for line in sqlite.integrity_problems(connection)]
            if not self.read_only:  # FTS5's own check is written as an INSERT command
                problems += [VerifyProblem("index", line) for line in fts.integrity_problems(connection)]
            sources = session.execute(select(Source.id, Source.sha256, Source.size)).all()
            text_ids = set(session.scalars(select(SourceText.source_id)))
            indexed = fts.indexed_source_ids(connection)
            for source_id, sha256, size in sources:
                problems += _check_original(session, source_id, sha256, size)
                if source_id not in text_ids:
                    problems.append(VerifyProblem("text", f"source #{source_id} has no extracted text"))
                if source_id not in indexed:
                    problems.append(
                        VerifyProblem("index", f"source #{source_id} is missing from the search index")
                    )
            problems += _check_spans(session)
            session.rollback()
        not_checked = (READ_ONLY_INDEX_CHECK,) if self.read_only else ()
        return VerifyReport(len(sources), tuple(problems), not_checked)

    def save_copy(self, destination: Path | str) -> None:
        """Write a consistent copy of the case (SQLite online backup) while it stays open."""
        try:
            sqlite.backup_file(self._engine, Path(destination))
        except SQLAlchemyError as exc:
            raise sqlite.explain_sqlite_error(Path(destination), exc) from exc

    # -- audit ------------------------------------------------------------------------------------

    def audit_log(
        self, *, limit: int = 200, object_type: str | None = None, object_id: int | None = None
    ) -> list[AuditRecord]:
        with self._read() as session:
            statement = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            if object_type is not None:
                statement = statement.where(AuditEntry.object_type == object_type)
            if object_id is not None:
                statement = statement.where(AuditEntry.object_id == object_id)
            return [
                AuditRecord(
                    row.id,
                    row.at,
                    row.actor,
                    row.action,
                    row.object_type,
                    row.object_id,
                    row.before,
                    row.after,
                )
                for row in session.scalars(statement)
            ]

    # -- every table at once: the JSON round trip (app.store.case_import) -------------------------

    def table_snapshot(self) -> AbstractContextManager[TableSnapshot]:
        """Every table as of one moment, in one read transaction, while others go on writing."""
        from app.store.case_import import table_snapshot

        return table_snapshot(self)

    @classmethod
    def restore(
        cls,
        path: Path | str,
        tables: Mapping[str, TableRows],
        *,
        provenance: Mapping[str, object],
        actor: str | None = None,
        progress: ProgressSink | None = None,
        cancel: CancelToken | None = None,
    ) -> int:
        """Create the case file ``path`` holding exactly ``tables``, in one transaction or not at all."""
        from app.store.case_import import restore_case

        return restore_case(
            Path(path),
            tables,
            actor=actor or current_user(),
            provenance=provenance,
            progress=progress or (lambda _update: None),
            cancel=cancel,
        )


# -- helpers -------------------------------------------------------------------------------------


def _merged(changes: list[Change]) -> list[Change]:
    """Consecutive changes of the same kind and type told as one (an import adds hundreds of sources)."""
    merged: list[Change] = []
    for change in changes:
        last = merged[-1] if merged else None
        if last is not None and (last.kind, last.object_type) == (change.kind, change.object_type):
            merged[-1] = Change(last.kind, last.object_type, last.ids + change.ids)
        else:
            merged.append(change)
    return merged


def _remove_case_files(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with suppress(FileNotFoundError):
            os.remove(candidate)


def _get_source(session: Session, source_id: int) -> Source:
    row = session.get(Source, source_id)
    if row is None:
        raise NotFound(f"There is no source #{source_id} in this case.")
    return row


def _summary(row: Source) -> SourceSummary:
    return SourceSummary(
        row.id,
        row.title,
        row.kind,
        row.language,
        row.published,
        row.imported_at,
        row.size,
        row.reliability,
        row.parent_id,
    )


def _filtered(
    statement: Select[Any], text: str, kind: SourceKind | None, language: str | None
) -> Select[Any]:
    if text.strip():
        statement = statement.where(Source.title.icontains(text.strip(), autoescape=True))
    if kind is not None:
        statement = statement.where(Source.kind == kind)
    if language:
        statement = statement.where(Source.language == language)
    return statement


def _reject_unknown_fields(changes: Mapping[str, object], allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidValue(f"These {what} fields cannot be edited: {', '.join(unknown)}.")


def _apply_fields(row: Any, values: Mapping[str, object], object_type: str, object_id: int) -> FieldEdit:
    before = {key: getattr(row, key) for key in values}
    for key, value in values.items():
        setattr(row, key, value)
    changed = {key for key in values if before[key] != values[key]}
    return FieldEdit(
        object_type, object_id, {key: before[key] for key in changed}, {key: values[key] for key in changed}
    )


def _clean_source_value(key: str, value: object) -> object:
    if key == "reliability":
        try:
            return Reliability(str(value).upper())
        except ValueError:
            raise InvalidValue(f"Reliability is a grade from A to F, not “{value}”.") from None
    if key == "published":
        return normalize_edtf(str(value)) if value not in (None, "") else None
    if key == "title":
        title = str(value).strip()
        if not title:
            raise InvalidValue("A source needs a title.")
        return title
    if key == "language":
        language = str(value).strip().lower()
        if not language or len(language) > 20 or not language.replace("-", "").isalnum():
            raise InvalidValue(f"“{value}” is not a language code (use he, ar, en, ru …).")
        return language
    if key in ("author", "publisher", "url"):
        return str(value).strip() or None if value is not None else None
    return str(value)


#: Mismatched quotes or mentions listed one by one before the rest are only counted.
SPAN_PROBLEMS_LISTED = 20


def _check_spans(session: Session) -> list[VerifyProblem]:
    """Every evidence quote and entity mention must still be exactly the characters its offsets name:
    a citation that points elsewhere would send a reader of the report to the wrong words."""
    from app.store.models import Evidence, Mention  # local: verify is rare, start-up is not

    checks = (
        (
            "quote",
            "evidence",
            select(Evidence.source_id, Evidence.id, Evidence.start, Evidence.end, Evidence.quote),
        ),
        (
            "mention",
            "mention",
            select(Mention.source_id, Mention.id, Mention.start, Mention.end, Mention.text),
        ),
    )
    problems: list[VerifyProblem] = []
    for what, name, statement in checks:
        wrong = 0
        texts: dict[int, str] = {}
        for source_id, row_id, start, end, stored in session.execute(
            statement.order_by(statement.selected_columns[0])
        ):
            if source_id not in texts:
                texts = {
                    source_id: session.scalar(
                        select(SourceText.text).where(SourceText.source_id == source_id)
                    )
                    or ""
                }
            if texts[source_id][start:end] == stored:
                continue
            wrong += 1
            if wrong <= SPAN_PROBLEMS_LISTED:
                problems.append(
                    VerifyProblem(
                        what,
                        f"{name} #{row_id} no longer matches characters {start}–{end} of source #{source_id}",
                    )
                )
        if wrong > SPAN_PROBLEMS_LISTED:
            problems.append(
                VerifyProblem(what, f"… and {wrong - SPAN_PROBLEMS_LISTED} more {name} rows like these")
            )
    return problems


def _stored_text(session: Session, source_id: int) -> SourceText:
    stored = session.get(SourceText, source_id)
    if stored is None:
        raise CaseFileError(_damaged(f"source #{source_id} has no stored text"))
    return stored


def _damaged(what: str) -> str:
    return f"The case file is damaged: {what}. Run “threadline verify” on it, and restore it from a copy."


def _check_original(session: Session, source_id: int, sha256: str, size: int) -> list[VerifyProblem]:
    data = session.scalar(select(Original.data).where(Original.sha256 == sha256))
    if data is None:
        return [VerifyProblem("hash", f"source #{source_id}: the original bytes are missing")]
    problems = []
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256:
        problems.append(
            VerifyProblem("hash", f"source #{source_id}: original has SHA-256 {actual}, recorded {sha256}")
        )
    if len(data) != size:
        problems.append(
            VerifyProblem("hash", f"source #{source_id}: original is {len(data)} bytes, recorded {size}")
        )
    return problems


def _insert_source_rows(
    connection: Connection,
    original: bytes,
    sha256: str,
    extraction: Extraction,
    fields: SourceFields,
    *,
    original_filename: str | None,
    imported_by: str,
    parent_id: int | None,
) -> int:
    """Insert a new source's original (unless stored already), its row and its text; return its id."""
    if connection.scalar(select(Original.sha256).where(Original.sha256 == sha256)) is None:
        connection.execute(insert(Original), {"sha256": sha256, "size": len(original), "data": original})
    inserted = connection.execute(
        insert(Source),
        {
            "sha256": sha256,
            "size": len(original),
            "kind": extraction.kind,
            "media_type": extraction.media_type,
            "original_filename": original_filename,
            "imported_at": utc_now(),
            "imported_by": imported_by,
            "parent_id": parent_id,
            "reliability": Reliability.F,
            "notes": "",
            **asdict(fields),
        },
    )
    key = inserted.inserted_primary_key
    assert key is not None
    source_id = int(key[0])
    connection.execute(
        insert(SourceText),
        {"source_id": source_id, "text": extraction.text, "page_starts": list(extraction.page_starts)},
    )
    return source_id


def _last_audit_id(session: Session) -> int:
    return session.scalar(select(func.max(AuditEntry.id))) or 0
