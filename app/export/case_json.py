"""The whole case as one JSON file, and back: ``export_case_json`` / ``import_case_json``.

The format is documented in ``docs/export-json-schema.md``: every table of the case file, row by row,
with the originals' bytes in base64, so a case can be archived, inspected with ordinary tools, and
recreated exactly. Reading takes one consistent snapshot (a single read transaction) while the app may go
on writing (``CaseStore.table_snapshot``). Importing decodes the file's values and hands the tables to
``CaseStore.restore``, which builds a *new* case file with the schema of this Threadline in one transaction
(every row with its own id, the full-text index rebuilt, one audit entry saying where the case came from);
the result is then checked (``CaseStore.verify``: hashes of the originals, integrity, foreign keys) before
it counts as done, and on any failure the new file is removed. Nothing here knows the database engine.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import Enum as SqlEnum
from sqlalchemy import LargeBinary, Table

from app import __version__
from app.core.errors import CaseFileError, InvalidValue
from app.core.progress import CancelToken, ProgressSink, ProgressUpdate, ignore_progress
from app.export.common import ExportResult, replaced_atomically
from app.store import CaseStore, schema
from app.store.case_import import NOT_COPIED, TableRows, case_tables
from app.store.models import UTCDateTime

__all__ = ["DERIVED", "NOT_EXPORTED", "case_tables", "export_case_json", "import_case_json"]

FORMAT = "threadline-case"
FORMAT_VERSION = 1
#: Tables that are not case data: Alembic's bookkeeping, and the index rebuilt from ``source_texts``.
NOT_EXPORTED = NOT_COPIED
#: Derived tables: recomputed on import when a file leaves them out.
DERIVED = frozenset({"event_derived", "source_dates", "source_date_scans"})


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


def export_case_json(
    store: CaseStore,
    path: Path | str,
    *,
    progress: ProgressSink = ignore_progress,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Write every table of the case to ``path`` (see ``docs/export-json-schema.md``)."""
    tables = case_tables()
    with store.table_snapshot() as snapshot, replaced_atomically(path, "w", encoding="utf-8") as stream:
        head = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_revision": snapshot.revision,
            "threadline_version": __version__,
            "exported_at": datetime.now(UTC).isoformat(),
            "exported_by": store.actor,
            "case_title": store.case_info().title,
        }
        stream.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "tables": {')
        for number, table in enumerate(tables):
            if cancel is not None:
                cancel.raise_if_cancelled()
            progress(ProgressUpdate(number, len(tables), table.name))
            columns = json.dumps([column.name for column in table.columns])
            stream.write(
                ("," if number else "") + f'\n  {json.dumps(table.name)}: {{"columns": {columns}, "rows": ['
            )
            for index, row in enumerate(snapshot.rows(table)):
                values = {key: to_json(value) for key, value in row.items()}
                stream.write(("," if index else "") + "\n   " + json.dumps(values, ensure_ascii=False))
            stream.write("\n  ]}")
        stream.write("\n }\n}\n")
    progress(ProgressUpdate(len(tables), len(tables), "done"))
    return ExportResult(Path(path), len(tables), size=Path(path).stat().st_size)


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
    provenance = {"file": Path(file).name, "sha256": digest} | {
        key: document.get(key)
        for key in ("exported_at", "exported_by", "schema_revision", "threadline_version")
    }
    try:
        rows = CaseStore.restore(
            path,
            {name: _decoded(tables[name], data) for name, data in given.items()},
            provenance=provenance,
            actor=actor,
            progress=progress,
            cancel=cancel,
        )
    except InvalidValue as exc:
        reason = exc.message.removeprefix("The tables do not make a consistent case: ")
        raise InvalidValue(f"{file} does not hold a consistent case: {reason}") from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidValue(f"{file} does not hold a consistent case: {exc}.") from exc
    _verified(path, document, file)
    return ExportResult(path, rows, size=path.stat().st_size)


def _decoded(table: Table, data: Any) -> TableRows:
    """The rows of one table of the file as Python values, decoded as the store reads them."""
    columns = data.get("columns", [])
    unknown = sorted(set(columns) - set(table.c.keys()))
    if unknown:
        raise InvalidValue(
            f"The table {table.name} has columns this Threadline does not know: {', '.join(unknown)}."
        )
    for row in data.get("rows", []):
        yield {key: from_json(table, key, value) for key, value in row.items()}


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
