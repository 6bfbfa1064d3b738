"""Initial schema: case, sources and originals, text, entities, events, evidence, tags, notes, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 11:39:37.140082
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _create_tables()
    _seed_entity_types()
    if op.get_bind().dialect.name == "sqlite":
        _create_sqlite_extras()


# Exactly one of event_id, source_id, entity_id is set (taggings and notes).
ONE_TARGET = (
    "(CASE WHEN event_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN source_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN entity_id IS NULL THEN 0 ELSE 1 END) = 1"
)


def _create_tables() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("object_type", sa.String(length=50), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)

    op.create_table(
        "case_meta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("investigator", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_case_meta_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_meta")),
    )
    op.create_table(
        "entity_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("colour", sa.String(length=9), nullable=False),
        sa.Column("icon", sa.String(length=100), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_types")),
        sa.UniqueConstraint("key", name=op.f("uq_entity_types_key")),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=1000), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("start_edtf", sa.String(length=100), nullable=True),
        sa.Column("end_edtf", sa.String(length=100), nullable=True),
        sa.Column("earliest", sa.BigInteger(), nullable=True),
        sa.Column("latest", sa.BigInteger(), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column(
            "confidence",
            sa.Enum(
                "confirmed",
                "probable",
                "possible",
                "doubtful",
                "unknown",
                name="confidence",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("confidence_overridden", sa.Boolean(), nullable=False),
        sa.Column("same_day_order", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_earliest_latest", ["earliest", "latest"], unique=False)

    op.create_table(
        "originals",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_originals")),
    )
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("colour", sa.String(length=9), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("name", name=op.f("uq_tags_name")),
    )
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["type_id"], ["entity_types.id"], name=op.f("fk_entities_type_id_entity_types")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entities")),
    )
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entities_type_id"), ["type_id"], unique=False)

    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=1000), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "text",
                "markdown",
                "html",
                "pdf",
                "docx",
                "email",
                "note",
                name="source_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("original_filename", sa.String(length=1000), nullable=True),
        sa.Column("media_type", sa.String(length=200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.Column("published", sa.String(length=100), nullable=True),
        sa.Column("author", sa.String(length=500), nullable=True),
        sa.Column("publisher", sa.String(length=500), nullable=True),
        sa.Column("url", sa.String(length=4000), nullable=True),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column(
            "reliability",
            sa.Enum(
                "A",
                "B",
                "C",
                "D",
                "E",
                "F",
                name="reliability",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.CheckConstraint("size >= 0", name=op.f("ck_sources_size_not_negative")),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["sources.id"], name=op.f("fk_sources_parent_id_sources"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["sha256"], ["originals.sha256"], name=op.f("fk_sources_sha256_originals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("sha256", name=op.f("uq_sources_sha256")),
    )
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.create_index("ix_sources_parent_id", ["parent_id"], unique=False)

    op.create_table(
        "aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("folded", sa.String(length=500), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_aliases_entity_id_entities"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aliases")),
        sa.UniqueConstraint("entity_id", "text", name=op.f("uq_aliases_entity_id_text")),
    )
    with op.batch_alter_table("aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aliases_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_aliases_folded"), ["folded"], unique=False)

    op.create_table(
        "event_entities",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_event_entities_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_entities_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "entity_id", "role", name=op.f("pk_event_entities")),
    )
    with op.batch_alter_table("event_entities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_entities_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column(
            "stance",
            sa.Enum(
                "supports",
                "contradicts",
                "context",
                name="stance",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("credibility", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("credibility BETWEEN 1 AND 6", name=op.f("ck_evidence_credibility_range")),
        sa.CheckConstraint('start >= 0 AND "end" > start', name=op.f("ck_evidence_span_valid")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_evidence_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_evidence_source_id_sources"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_event_id"), ["event_id"], unique=False)
        batch_op.create_index("ix_evidence_source_start", ["source_id", "start"], unique=False)

    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint('start >= 0 AND "end" > start', name=op.f("ck_mentions_span_valid")),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_mentions_entity_id_entities"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_mentions_source_id_sources"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentions")),
        sa.UniqueConstraint(
            "entity_id", "source_id", "start", "end", name=op.f("uq_mentions_entity_id_source_id_start_end")
        ),
    )
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentions_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index("ix_mentions_source_start", ["source_id", "start"], unique=False)

    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            ONE_TARGET,
            name=op.f("ck_notes_one_target"),
        ),
        sa.CheckConstraint(
            'start IS NULL OR (source_id IS NOT NULL AND "end" > start)', name=op.f("ck_notes_span_on_source")
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_notes_entity_id_entities"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_notes_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_notes_source_id_sources"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notes_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notes_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notes_source_id"), ["source_id"], unique=False)

    op.create_table(
        "source_texts",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("page_starts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_source_texts_source_id_sources"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_source_texts")),
    )
    op.create_table(
        "taggings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            ONE_TARGET,
            name=op.f("ck_taggings_one_target"),
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["entities.id"], name=op.f("fk_taggings_entity_id_entities"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_taggings_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_taggings_source_id_sources"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_taggings_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taggings")),
        sa.UniqueConstraint(
            "tag_id",
            "event_id",
            "source_id",
            "entity_id",
            name=op.f("uq_taggings_tag_id_event_id_source_id_entity_id"),
        ),
    )
    with op.batch_alter_table("taggings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_taggings_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_taggings_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_taggings_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_taggings_tag_id"), ["tag_id"], unique=False)


BUILTIN_ENTITY_TYPES = (
    ("person", "Person", "#1f77b4", "person"),
    ("organisation", "Organisation", "#ff7f0e", "organisation"),
    ("location", "Location", "#2ca02c", "location"),
    ("equipment", "Equipment / vehicle", "#9467bd", "equipment"),
    ("identifier", "Identifier", "#8c564b", "identifier"),
    ("other", "Other", "#7f7f7f", "other"),
)


def _seed_entity_types() -> None:
    table = sa.table(
        "entity_types",
        sa.column("key", sa.String),
        sa.column("label", sa.String),
        sa.column("colour", sa.String),
        sa.column("icon", sa.String),
        sa.column("builtin", sa.Boolean),
    )
    op.bulk_insert(
        table,
        [
            {"key": key, "label": label, "colour": colour, "icon": icon, "builtin": True}
            for key, label, colour, icon in BUILTIN_ENTITY_TYPES
        ],
    )


def _create_sqlite_extras() -> None:
    """FTS5 index over folded title and text (rowid = source id), and an append-only audit log."""
    op.execute(
        "CREATE VIRTUAL TABLE source_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')"
    )
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        op.execute("DROP TABLE IF EXISTS source_fts")

    with op.batch_alter_table("taggings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_taggings_tag_id"))
        batch_op.drop_index(batch_op.f("ix_taggings_source_id"))
        batch_op.drop_index(batch_op.f("ix_taggings_event_id"))
        batch_op.drop_index(batch_op.f("ix_taggings_entity_id"))

    op.drop_table("taggings")
    op.drop_table("source_texts")
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notes_source_id"))
        batch_op.drop_index(batch_op.f("ix_notes_event_id"))
        batch_op.drop_index(batch_op.f("ix_notes_entity_id"))

    op.drop_table("notes")
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_index("ix_mentions_source_start")
        batch_op.drop_index(batch_op.f("ix_mentions_entity_id"))

    op.drop_table("mentions")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_source_start")
        batch_op.drop_index(batch_op.f("ix_evidence_event_id"))

    op.drop_table("evidence")
    with op.batch_alter_table("event_entities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_entities_entity_id"))

    op.drop_table("event_entities")
    with op.batch_alter_table("aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aliases_folded"))
        batch_op.drop_index(batch_op.f("ix_aliases_entity_id"))

    op.drop_table("aliases")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_index("ix_sources_parent_id")

    op.drop_table("sources")
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entities_type_id"))

    op.drop_table("entities")
    op.drop_table("tags")
    op.drop_table("originals")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_earliest_latest")

    op.drop_table("events")
    op.drop_table("entity_types")
    op.drop_table("case_meta")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
