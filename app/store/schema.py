"""Creating case files and bringing older ones up to date, with Alembic migrations shipped in the package.

Opening a case file written by an older Threadline first copies it next to itself, then upgrades it in one
transaction. A file written by a newer Threadline is refused with a clear message rather than damaged.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.exc import SQLAlchemyError

from app.core.errors import CaseFileError
from app.store import engine as sqlite

MIGRATIONS = Path(__file__).with_name("migrations")


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "the package ships no migrations"
    return head


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def create_schema(engine: Engine) -> None:
    """Build a new case's schema by running every migration, so new and upgraded files are identical."""
    with engine.begin() as connection:
        sqlite.mark_as_case(connection)
        command.upgrade(_alembic_config(connection), "head")


def backup_path_for(path: Path, revision: str | None) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return path.with_name(f"{path.name}.schema-{revision or 'none'}.{stamp}.bak")


def ensure_current(engine: Engine, path: Path) -> str | None:
    """Check the schema revision of an opened file; upgrade an older one after backing it up.

    Returns the path of the backup copy made (as a string), or None when the file was already current.
    """
    try:
        with engine.connect() as connection:
            revision = current_revision(connection)
            is_ours = sqlite.application_id(connection) == sqlite.APPLICATION_ID
            has_tables = bool(inspect(connection).get_table_names())
    except SQLAlchemyError as exc:
        raise sqlite.explain_sqlite_error(path, exc) from exc
    head = head_revision()
    if revision is None:
        kind = "an empty database" if not has_tables else "another program's database"
        raise CaseFileError(f"{path} is not a Threadline case file (it is {kind}).")
    if revision == head:
        return None
    if revision not in known_revisions():
        raise CaseFileError(
            f"{path} was written by a newer version of Threadline (schema {revision}). "
            f"This version understands schemas up to {head}; update Threadline to open this case."
        )
    if not is_ours:
        raise CaseFileError(f"{path} is not a Threadline case file.")
    backup = backup_path_for(path, revision)
    sqlite.backup_file(engine, backup)
    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "head")
    except SQLAlchemyError as exc:
        raise CaseFileError(
            f"Upgrading {path} to schema {head} failed and nothing was changed ({exc}). "
            f"A copy of the file as it was is at {backup}."
        ) from exc
    return str(backup)
