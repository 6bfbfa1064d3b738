"""Everything SQLite-specific about opening a case file lives here (and full-text search in ``fts``).

The rest of ``app.store`` speaks portable SQLAlchemy, so a case can later live on a PostgreSQL server.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.pool import QueuePool

from app.core.errors import CaseFileError

SQLITE_HEADER = b"SQLite format 3\x00"
#: PRAGMA application_id marks a file as a Threadline case ("THLN").
APPLICATION_ID = 0x54484C4E
BUSY_TIMEOUT_MS = 10_000


#: Tables SQLite keeps for itself (``sqlite_sequence``, ``sqlite_stat1`` …): not part of a case.
INTERNAL_TABLE_PREFIX = "sqlite_"


def defer_foreign_keys(connection: Connection) -> None:
    """Check foreign keys at commit rather than per statement, for this transaction only (a restore
    inserts tables in whatever order; a dangling reference still fails the whole transaction)."""
    connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine on a case file with the pragmas every connection needs.

    pysqlite's own transaction handling is switched off so that SQLAlchemy's BEGIN covers DDL too: a
    migration is then one transaction that either lands whole or not at all. ``read_only`` opens a case
    on read-only media (a write-protected share, a mounted evidence copy): see ``read_only_uri``.
    """
    if read_only:
        uri = read_only_uri(path)
        engine = create_engine(
            "sqlite+pysqlite://",
            creator=lambda: sqlite3.connect(
                uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
            ),
        )
    else:  # a creator, not a URL: a URL would read "%20" in a file name as a space
        engine = create_engine(
            "sqlite+pysqlite://",
            creator=lambda: sqlite3.connect(path, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000),
            poolclass=QueuePool,
        )
    event.listen(engine, "connect", _configure_read_only if read_only else _configure_connection)
    event.listen(engine, "begin", _begin)
    return engine


def is_writable(path: Path) -> bool:
    """Whether this process may change the case file and create its journal files next to it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def read_only_uri(path: Path) -> str:
    """SQLite cannot even read a WAL database it may not write beside (it needs a shared-memory file), so
    a case on read-only media is opened ``immutable``: nothing is locked or journalled. That is only
    right when the write-ahead log holds nothing (Threadline folds it in when it closes a case); one left
    by a crash holds committed work that an immutable reader would not see, so it is refused instead."""
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise CaseFileError(
            f"{path} is on read-only storage and its last session did not close cleanly (its changes are "
            f"still in {wal.name}). Copy both files to a folder you can write to, and open the copy."
        )
    return f"{path.resolve().as_uri()}?mode=ro&immutable=1"


def _configure_connection(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = FULL",
        "PRAGMA foreign_keys = ON",
        f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    ):
        cursor.execute(pragma)
    cursor.close()


def _configure_read_only(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


#: Execution option marking connections that will write: they take SQLite's write lock at BEGIN.
WRITER_OPTION = "threadline_writer"


def _begin(connection: Connection) -> None:
    """Writers begin IMMEDIATE: a deferred transaction that reads and then writes cannot wait for another
    writer (SQLite reports "database is locked" at once); an immediate one waits its turn."""
    writer = connection.get_execution_options().get(WRITER_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


def looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def check_case_file(path: Path) -> None:
    """Refuse, with a clear message, anything that is not an existing SQLite file."""
    if not path.exists():
        raise CaseFileError(f"No case file at {path}.")
    if path.is_dir():
        raise CaseFileError(f"{path} is a folder, not a case file.")
    try:
        is_sqlite = looks_like_sqlite(path)
    except OSError as exc:
        raise CaseFileError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    if not is_sqlite:
        raise CaseFileError(f"{path} is not a Threadline case file (it is not an SQLite database).")


@dataclass(frozen=True)
class FileIdentity:
    """What a read-only look at a database file tells about it, before anything writes to it."""

    application_id: int
    revision: str | None
    has_tables: bool


def identify(path: Path, *, read_only: bool = False) -> FileIdentity:
    """Look at a database file read-only: opening it through the engine would already change it (WAL).
    ``read_only``: the file is on storage this process cannot write to (see ``read_only_uri``)."""
    uri = read_only_uri(path) if read_only else f"{path.resolve().as_uri()}?mode=ro"
    try:
        raw = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise explain_sqlite_error(path, exc) from exc
    try:
        app_id = int(raw.execute("PRAGMA application_id").fetchone()[0])
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = None
        if "alembic_version" in tables:
            row = raw.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = str(row[0]) if row else None
        return FileIdentity(app_id, revision, bool(tables))
    except sqlite3.Error as exc:
        raise explain_sqlite_error(path, exc) from exc
    finally:
        raw.close()


def mark_as_case(connection: Connection) -> None:
    connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")


def application_id(connection: Connection) -> int:
    return int(connection.exec_driver_sql("PRAGMA application_id").scalar_one())


def integrity_problems(connection: Connection) -> list[str]:
    """SQLite's own integrity and foreign-key checks, as readable lines (empty when all is well)."""
    problems = [str(row[0]) for row in connection.exec_driver_sql("PRAGMA integrity_check") if row[0] != "ok"]
    for table, rowid, parent, _fk in connection.exec_driver_sql("PRAGMA foreign_key_check"):
        problems.append(f"row {rowid} of {table} points to a missing row in {parent}")
    return problems


def checkpoint(connection: Connection) -> None:
    """Fold the write-ahead log into the main file (before copying or closing)."""
    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def backup_file(engine: Engine, destination: Path) -> None:
    """Copy a consistent snapshot of the live case with SQLite's online backup API."""
    if destination.exists():
        raise CaseFileError(f"{destination} already exists; choose another name.")
    if not destination.parent.is_dir():
        raise CaseFileError(
            f"Cannot write a copy to {destination}: the folder {destination.parent} does not exist."
        )
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(destination)
        try:
            raw.driver_connection.backup(target)  # type: ignore[union-attr]
        finally:
            target.close()
    except sqlite3.Error as exc:
        destination.unlink(missing_ok=True)
        raise CaseFileError(f"Cannot write a copy to {destination}: {exc}.") from exc
    finally:
        raw.close()


def explain_sqlite_error(path: Path, exc: BaseException) -> CaseFileError:
    message = str(getattr(exc, "orig", exc))
    if "locked" in message or "busy" in message:
        return CaseFileError(f"{path} is in use by another program; close it there and try again.")
    if "not a database" in message or "malformed" in message:
        return CaseFileError(f"{path} is damaged or not a case file ({message}).")
    if "readonly" in message or "unable to open" in message:
        return CaseFileError(f"Cannot write to {path} ({message}); check the folder's permissions.")
    return CaseFileError(f"Cannot use the case file {path}: {message}.")


def sqlite_version(connection: Connection) -> str:
    return str(connection.execute(text("select sqlite_version()")).scalar_one())
