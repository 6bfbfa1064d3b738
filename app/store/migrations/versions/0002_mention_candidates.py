"""Mention candidates: where an entity's aliases (or near misses of them) were found, and the decision.

Only adds a table, so a case from schema 0001 upgrades without copying any existing table; its entities,
aliases and mentions are untouched. Written by hand; batch mode is used for the indexes, as in 0001.

Indexes are few on purpose: a find may insert 100,000s of rows at once. The unique (entity, source,
start, end) index serves lookups by entity; (source, start) serves the reader; a partial index on
mention_id (accepted candidates only) serves the foreign key: deleting a mention nulls their link.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mention_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("alias", sa.String(length=500), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "exact",
                "prefixed",
                "variant",
                name="candidate_kind",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "accepted",
                "rejected",
                name="candidate_status",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(length=50), nullable=False),
        sa.Column("mention_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint('start >= 0 AND "end" > start', name=op.f("ck_mention_candidates_span_valid")),
        sa.CheckConstraint(
            "confidence >= 0 AND confidence <= 1", name=op.f("ck_mention_candidates_confidence_range")
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_mention_candidates_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mention_id"],
            ["mentions.id"],
            name=op.f("fk_mention_candidates_mention_id_mentions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_mention_candidates_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mention_candidates")),
        sa.UniqueConstraint(
            "entity_id",
            "source_id",
            "start",
            "end",
            name=op.f("uq_mention_candidates_entity_id_source_id_start_end"),
        ),
    )
    with op.batch_alter_table("mention_candidates", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mention_candidates_mention_id",
            ["mention_id"],
            unique=False,
            sqlite_where=sa.text("mention_id IS NOT NULL"),
            postgresql_where=sa.text("mention_id IS NOT NULL"),
        )
        batch_op.create_index("ix_mention_candidates_source_start", ["source_id", "start"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mention_candidates", schema=None) as batch_op:
        batch_op.drop_index("ix_mention_candidates_source_start")
        batch_op.drop_index("ix_mention_candidates_mention_id")
    op.drop_table("mention_candidates")
