"""The whole case as one JSON file, and back: ``export_case_json`` / ``import_case_json``.

The format is documented in ``docs/export-json-schema.md``: every table of the case file, row by row,
with the originals' bytes in base64, so a case can be archived, inspected with ordinary tools, and
recreated exactly. Reading takes one consistent snapshot (a single read transaction) while the app may go
on writing. Importing builds a *new* case file with the schema of this Threadline, inserts every row with
its own id in one transaction, rebuilds the full-text index from the texts, appends one audit entry
saying where the case came from, and checks the result (``CaseStore.verify``: hashes of the originals,
integrity, foreign keys) before it counts as done; on any failure the new file is removed.

Restoring tables row for row is a store-level operation that has no place in the ``CaseStore`` facade
yet; it lives here, on the store's engine and models, and should move into ``app.store`` if another
caller needs it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, LargeBinary, Table, insert, select, text
from sqlalchemy import Enum as SqlEnum

from app import __version__
from app.core.errors import CaseFileError, InvalidValue, ThreadlineError
from app.core.progress import CancelToken, ProgressSink, ProgressUpdate, ignore_progress
from app.export.common import ExportResult, replaced_atomically
from app.store import (
    CaseStore,
    fts,
    models_events,  # noqa: F401 - registers the schema 0003 tables with the metadata
    schema,
)
from app.store import engine as sqlite
from app.store.casestore import current_user
from app.store.models import AuditEntry, Base, UTCDateTime

FORMAT = "threadline-case"
FORMAT_VERSION = 1
#: Tables that are not case data: Alembic's bookkeeping, and the index rebuilt from ``source_texts``.
NOT_EXPORTED = frozenset({"alembic_version", "source_fts"})
#: Derived tables: recomputed on import when a file leaves them out.
DERIVED = frozenset({"event_derived", "source_dates", "source_date_scans"})
_BATCH = 500


def case_tables() -> list[Table]:
    """The case's tables, parents before children (the order rows are inserted in)."""
    return [table for table in Base.metadata.sorted_tables if table.name not in NOT_EXPORTED]


# --- values ----------------------------------------------------------------------------------------------


def to_json(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Enum):
        return value.value
    return value


def from_json(table: Table, column: str, value: object) -> object:
    if value is None:
        return None
    kind = table.c[column].type
    if isinstance(kind, UTCDateTime):
        moment = datetime.fromisoformat(str(value))
        if moment.tzinfo is None:
            raise InvalidValue(f"{table.name}.{column}: the time {value} has no UTC offset.")
        return moment
    if isinstance(kind, LargeBinary):
        return base64.b64decode(str(value), validate=True)
    if isinstance(kind, SqlEnum) and kind.enum_class is not None:
        return kind.enum_class(value)
    return value


# --- export ----------------------------------------------------------------------------------------------


def _check_columns(connection: Connection, table: Table) -> None:
    stored = [row[1] for row in connection.exec_driver_sql(f'PRAGMA table_info("{table.name}")')]
    known = [column.name for column in table.columns]
    if sorted(stored) != sorted(known):
        raise ThreadlineError(
            f"The case file's table {table.name} has the columns {', '.join(stored)}, "
            "but this Threadline knows "
            f"{', '.join(known)}; it cannot export this case completely."
        )


def _rows(connection: Connection, table: Table) -> Iterator[dict[str, object]]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execute(select(table).order_by(*order).execution_options(yield_per=_BATCH))
    for row in result.mappings():
        yield {key: to_json(value) for key, value in row.items()}


def export_case_json(
    store: CaseStore,
    path: Path | str,
    *,
    progress: ProgressSink = ignore_progress,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Write every table of the case to ``path`` (see ``docs/export-json-schema.md``)."""
    tables = case_tables()
    engine = sqlite.make_engine(store.path)
    try:
        with engine.connect() as connection, connection.begin():
            unknown = _unknown_tables(connection)
            if unknown:
                raise ThreadlineError(
                    f"The case file has tables this Threadline does not know ({', '.join(unknown)}); "
                    "export it with the Threadline that wrote it."
                )
            for table in tables:
                _check_columns(connection, table)
            info = store.case_info()
            with replaced_atomically(path, "w", encoding="utf-8") as stream:
                head = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "schema_revision": schema.current_revision(connection),
                    "threadline_version": __version__,
                    "exported_at": datetime.now(UTC).isoformat(),
                    "exported_by": store.actor,
                    "case_title": info.title,
                }
                stream.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "tables": {')
                for number, table in enumerate(tables):
                    if cancel is not None:
                        cancel.raise_if_cancelled()
                    progress(ProgressUpdate(number, len(tables), table.name))
                    columns = json.dumps([column.name for column in table.columns])
                    stream.write(
                        ("," if number else "")
                        + f'\n  {json.dumps(table.name)}: {{"columns": {columns}, "rows": ['
                    )
                    for index, row in enumerate(_rows(connection, table)):
                        stream.write(("," if index else "") + "\n   " + json.dumps(row, ensure_ascii=False))
                    stream.write("\n  ]}")
                stream.write("\n }\n}\n")
            progress(ProgressUpdate(len(tables), len(tables), "done"))
    finally:
        engine.dispose()
    return ExportResult(Path(path), len(tables), size=Path(path).stat().st_size)


def _unknown_tables(connection: Connection) -> list[str]:
    names = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars()
    known = {table.name for table in Base.metadata.sorted_tables} | NOT_EXPORTED
    return sorted(
        name for name in names if name not in known and not name.startswith(("sqlite_", "source_fts_"))
    )


# --- import ----------------------------------------------------------------------------------------------


def read_case_json(file: Path | str) -> tuple[dict[str, Any], str]:
    """The parsed document and the SHA-256 of the file, or ``InvalidValue`` saying what is wrong."""
    raw = Path(file).read_bytes()
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidValue(f"{file} is not a JSON file ({exc}).") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidValue(f"{file} is not a Threadline case export (its “format” is not “{FORMAT}”).")
    if document.get("format_version") != FORMAT_VERSION:
        raise InvalidValue(
            f"{file} is format version {document.get('format_version')}; this Threadline reads version "
            f"{FORMAT_VERSION}. Import it with the Threadline that wrote it, or a newer one."
        )
    revision = document.get("schema_revision")
    if revision not in schema.known_revisions():
        raise InvalidValue(
            f"{file} comes from a case of schema {revision}, which this Threadline does not know; "
            "update Threadline to import it."
        )
    if not isinstance(document.get("tables"), dict):
        raise InvalidValue(f"{file} has no “tables”.")
    return document, hashlib.sha256(raw).hexdigest()


def import_case_json(
    new_case_path: Path | str,
    file: Path | str,
    *,
    actor: str | None = None,
    progress: ProgressSink = ignore_progress,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Recreate the exported case as a new case file at ``new_case_path`` (which must not exist)."""
    path = Path(new_case_path)
    if path.exists():
        raise CaseFileError(f"{path} already exists; choose a new file for the imported case.")
    document, digest = read_case_json(file)
    tables = {table.name: table for table in case_tables()}
    given: Mapping[str, Any] = document["tables"]
    unknown = sorted(set(given) - set(tables))
    if unknown:
        raise InvalidValue(f"{file} has tables this Threadline does not know: {', '.join(unknown)}.")
    if "case_meta" not in given or not given["case_meta"].get("rows"):
        raise InvalidValue(f"{file} holds no case (its case_meta table is empty).")
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = sqlite.make_engine(path)
    rows = 0
    try:
        schema.create_schema(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            _clear_seeds(connection, [tables[name] for name in given if name != AuditEntry.__tablename__])
            for number, (name, table) in enumerate(tables.items()):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                progress(ProgressUpdate(number, len(tables), name))
                rows += _insert_table(connection, table, given.get(name))
            _index_texts(connection)
            connection.execute(
                insert(AuditEntry).values(
                    at=datetime.now(UTC),
                    actor=actor or current_user(),
                    action="import case from JSON",
                    object_type="case",
                    object_id=1,
                    before=None,
                    after={
                        "file": Path(file).name,
                        "sha256": digest,
                        "exported_at": document.get("exported_at"),
                        "exported_by": document.get("exported_by"),
                        "schema_revision": document.get("schema_revision"),
                        "threadline_version": document.get("threadline_version"),
                    },
                )
            )
    except BaseException as exc:
        engine.dispose()
        _remove(path)
        if isinstance(exc, (KeyError, TypeError, ValueError)) and not isinstance(exc, ThreadlineError):
            raise InvalidValue(f"{file} does not hold a consistent case: {exc}.") from exc
        if exc.__class__.__module__.startswith("sqlalchemy"):
            raise InvalidValue(
                f"{file} does not hold a consistent case: {getattr(exc, 'orig', exc)}."
            ) from exc
        raise
    engine.dispose()
    _verified(path, document, file)
    progress(ProgressUpdate(len(tables), len(tables), "done"))
    return ExportResult(path, rows, size=path.stat().st_size)


def _clear_seeds(connection: Connection, tables: list[Table]) -> None:
    """Empty the tables the file provides: a new case comes with seed rows (the built-in entity types)
    that the file holds as they were in the exported case."""
    for table in reversed(case_tables()):
        if table in tables:
            connection.execute(table.delete())


def _insert_table(connection: Connection, table: Table, data: Any) -> int:
    if data is None:
        return 0
    columns = data.get("columns", [])
    unknown = sorted(set(columns) - set(table.c.keys()))
    if unknown:
        raise InvalidValue(
            f"The table {table.name} has columns this Threadline does not know: {', '.join(unknown)}."
        )
    batch: list[dict[str, object]] = []
    count = 0
    for row in data.get("rows", []):
        batch.append({key: from_json(table, key, value) for key, value in row.items()})
        if len(batch) >= _BATCH:
            connection.execute(insert(table), batch)
            count += len(batch)
            batch = []
    if batch:
        connection.execute(insert(table), batch)
        count += len(batch)
    return count


def _index_texts(connection: Connection) -> None:
    statement = text(
        "SELECT sources.id, sources.title, source_texts.text FROM sources "
        "JOIN source_texts ON source_texts.source_id = sources.id ORDER BY sources.id"
    )
    for source_id, title, body in connection.execute(statement).all():
        fts.index_source(connection, source_id, title, body)


def _verified(path: Path, document: Mapping[str, Any], file: Path | str) -> None:
    """Open the new case, recompute what the file left out, and check it; remove it if it fails."""
    try:
        with CaseStore.open(path) as store:
            given = document["tables"]
            if "event_derived" not in given:
                store.events.refresh_derived()
            if "source_date_scans" not in given:
                store.events.ensure_dates_extracted()
            report = store.verify()
        if not report.ok:
            problems = "; ".join(problem.detail for problem in report.problems[:3])
            raise InvalidValue(f"{file} does not recreate a sound case: {problems}.")
    except BaseException:
        _remove(path)
        raise


def _remove(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        candidate.unlink(missing_ok=True)
