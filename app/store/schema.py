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
from sqlalchemy import Connection, Engine
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


def check_openable(identity: sqlite.FileIdentity, path: Path) -> None:
    """Refuse a file that is not a Threadline case, or one written by a newer Threadline."""
    if identity.revision is None:
        kind = "an empty database" if not identity.has_tables else "another program's database"
        raise CaseFileError(f"{path} is not a Threadline case file (it is {kind}).")
    if identity.application_id != sqlite.APPLICATION_ID:
        raise CaseFileError(f"{path} is not a Threadline case file.")
    if identity.revision not in known_revisions():
        raise CaseFileError(
            f"{path} was written by a newer version of Threadline (schema {identity.revision}). "
            f"This version understands schemas up to {head_revision()}; update Threadline to open this case."
        )


def upgrade_if_older(engine: Engine, path: Path, revision: str) -> str | None:
    """Bring an older case up to date after copying it aside; return the copy's path, or None if current."""
    head = head_revision()
    if revision == head:
        return None
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
