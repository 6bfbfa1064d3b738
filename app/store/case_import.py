"""Every table of a case at once: a consistent snapshot to export, and a new case file built from one.

This is the store's side of the JSON round trip (``app.export.case_json`` owns the file format and turns
its values into Python ones). ``CaseStore.table_snapshot`` reads every table in one read transaction while
the app goes on writing; ``CaseStore.restore`` makes a *new* case file with the schema of this Threadline
and inserts every row with its own id in one transaction, rebuilds the full-text index from the texts and
appends one audit entry saying where the case came from: all of it, or no file at all.

Foreign keys are checked at the commit, not row by row (a row may name a parent with a higher id: a source
extracted from an archive imported later), so a broken reference fails the whole restore.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Table, insert, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from app.core.errors import CaseFileError, InvalidValue, ThreadlineError
from app.core.progress import CancelToken, ProgressSink, ProgressUpdate, ignore_progress
from app.store import engine as sqlite
from app.store import (
    fts,
    models_events,  # noqa: F401 - registers the schema 0003 tables with the metadata
    schema,
)
from app.store.models import AuditEntry, Base, SourceText

if TYPE_CHECKING:
    from app.store.casestore import CaseStore

#: Tables that are not case data: Alembic's bookkeeping, and the index rebuilt from ``source_texts``.
NOT_COPIED = frozenset({"alembic_version", "source_fts"})
_BATCH = 500

#: Rows of one table as column → Python value (what the models hold: datetimes with their zone, bytes …).
TableRows = Iterable[Mapping[str, object]]


def case_tables() -> list[Table]:
    """The case's tables, parents before children (the order rows are inserted in)."""
    return [table for table in Base.metadata.sorted_tables if table.name not in NOT_COPIED]


# --- reading ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSnapshot:
    """Every table as of one moment; valid inside ``CaseStore.table_snapshot()`` only."""

    revision: str | None  # the case file's schema revision
    _connection: Connection

    def rows(self, table: Table) -> Iterator[Mapping[str, object]]:
        """The rows of ``table`` in primary-key order, a batch at a time."""
        order = list(table.primary_key.columns) or list(table.columns)
        result = self._connection.execute(select(table).order_by(*order).execution_options(yield_per=_BATCH))
        for row in result.mappings():
            yield {str(key): value for key, value in row.items()}


@contextmanager
def table_snapshot(store: CaseStore) -> Iterator[TableSnapshot]:
    """One read transaction over every table; ``ThreadlineError`` if the file holds tables or columns this
    Threadline does not know (an export would leave them out)."""
    with store._engine.connect() as connection, connection.begin():
        _check_known(connection)
        yield TableSnapshot(schema.current_revision(connection), connection)


def _check_known(connection: Connection) -> None:
    inspector = inspect(connection)
    known = {table.name: table for table in Base.metadata.sorted_tables}
    names = inspector.get_table_names()
    unknown = sorted(
        name
        for name in names
        if name not in known
        and not name.startswith((sqlite.INTERNAL_TABLE_PREFIX, fts.SHADOW_TABLE_PREFIX))
        and name not in NOT_COPIED
    )
    if unknown:
        raise ThreadlineError(
            f"The case file has tables this Threadline does not know ({', '.join(unknown)}); "
            "export it with the Threadline that wrote it."
        )
    for table in case_tables():
        stored = [column["name"] for column in inspector.get_columns(table.name)]
        expected = [column.name for column in table.columns]
        if sorted(stored) != sorted(expected):
            raise ThreadlineError(
                f"The case file's table {table.name} has the columns {', '.join(stored)}, but this "
                f"Threadline knows {', '.join(expected)}; it cannot export this case completely."
            )


# --- restoring ----------------------------------------------------------------------------------------------


def restore_case(
    path: Path,
    tables: Mapping[str, TableRows],
    *,
    actor: str,
    provenance: Mapping[str, object],
    progress: ProgressSink = ignore_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Create the case file ``path`` holding exactly ``tables`` (by name; a table not given keeps what a new
    case starts with) and an audit entry "import case from JSON" with ``provenance``; returns the rows
    inserted. ``InvalidValue`` if the rows do not make a consistent case; on any failure no file is left.
    """
    if path.exists():
        raise CaseFileError(f"{path} already exists; choose a new file for the imported case.")
    by_name = {table.name: table for table in case_tables()}
    unknown = sorted(set(tables) - set(by_name))
    if unknown:
        raise InvalidValue(f"Tables this Threadline does not know: {', '.join(unknown)}.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CaseFileError(f"Cannot create the folder {path.parent}: {exc.strerror or exc}.") from exc
    engine = sqlite.make_engine(path)
    rows = 0
    try:
        schema.create_schema(engine)
        with engine.begin() as connection:
            sqlite.defer_foreign_keys(connection)
            for table in reversed(case_tables()):  # a new case's seed rows (entity types) give way
                if table.name in tables and table.name != AuditEntry.__tablename__:
                    connection.execute(table.delete())
            for number, (name, table) in enumerate(by_name.items()):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                progress(ProgressUpdate(number, len(by_name), name))
                rows += _insert(connection, table, tables.get(name, ()))
            _index_texts(connection)
            connection.execute(
                insert(AuditEntry).values(
                    at=datetime.now(UTC),
                    actor=actor,
                    action="import case from JSON",
                    object_type="case",
                    object_id=1,
                    before=None,
                    after=dict(provenance),
                )
            )
    except BaseException as exc:
        engine.dispose()
        _remove(path)
        if isinstance(exc, SQLAlchemyError):
            raise InvalidValue(
                f"The tables do not make a consistent case: {getattr(exc, 'orig', None) or exc}."
            ) from exc
        raise
    engine.dispose()
    progress(ProgressUpdate(len(by_name), len(by_name), "done"))
    return rows


def _insert(connection: Connection, table: Table, rows: TableRows) -> int:
    batch: list[Mapping[str, object]] = []
    count = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            connection.execute(insert(table), batch)
            count, batch = count + len(batch), []
    if batch:
        connection.execute(insert(table), batch)
        count += len(batch)
    return count


def _index_texts(connection: Connection) -> None:
    from app.store.models import Source

    statement = (
        select(Source.id, Source.title, SourceText.text)
        .join(SourceText, SourceText.source_id == Source.id)
        .order_by(Source.id)
    )
    for source_id, title, body in connection.execute(statement).all():
        fts.index_source(connection, source_id, title, body)


def _remove(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with suppress(OSError):
            candidate.unlink(missing_ok=True)
