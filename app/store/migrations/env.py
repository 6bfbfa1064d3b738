"""Alembic environment: migrations run on a connection handed over by ``app.store.schema``.

The caller opens the transaction, so an upgrade lands whole or not at all. Batch mode lets SQLite alter
tables by copy-and-move.
"""

from alembic import context
from sqlalchemy import create_engine

import app.store.models_events  # noqa: F401
from app.store.models import Base

FTS_TABLE_PREFIX = "source_fts"


def _include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """Leave the FTS5 virtual table and its shadow tables out of autogenerate comparisons."""
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLE_PREFIX))


def _configure(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=_include_object,
    )


connection = context.config.attributes.get("connection")
if connection is not None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()
else:  # `alembic` command line, used by developers to autogenerate a revision
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as conn:
        _configure(conn)
        context.run_migrations()
