"""Values derived from events (event_derived) and the date expressions found in sources (source_dates,
source_date_scans).

Only adds tables, so no existing table is copied or altered; indexes go through batch mode as in 0001 and
0002. Sources get their dates lazily (``EventRepository.dates_in`` / ``ensure_dates_extracted``): running
the extractor over a large case does not belong in an upgrade.

Events already in the file get their ``event_derived`` row here, computed by the same pure functions the
repository uses (``app.core``; nothing from ``app.store``, whose models may change later). Threadline
before 0003 never wrote events, so such events come from another program: where the confidence stored
with one differs from what its evidence suggests, it is kept and marked as the investigator's override
rather than silently replaced (one left at the default "unknown" takes the suggestion).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 15:00:00
"""

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONFIDENCE = ("confirmed", "probable", "possible", "doubtful", "unknown")


def upgrade() -> None:
    _create_tables()
    _backfill_events()


def _create_tables() -> None:
    op.create_table(
        "event_derived",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("certain_start", sa.BigInteger(), nullable=True),
        sa.Column("certain_end", sa.BigInteger(), nullable=True),
        sa.Column("evidence_count", sa.Integer(), nullable=False),
        sa.Column("disputed", sa.Boolean(), nullable=False),
        sa.Column("flags", sa.Integer(), nullable=False),
        sa.Column(
            "suggested_confidence",
            sa.Enum(
                *CONFIDENCE, name="suggested_confidence", native_enum=False, create_constraint=True, length=16
            ),
            nullable=False,
        ),
        sa.Column("folded", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_derived_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_derived")),
    )
    op.create_table(
        "source_date_scans",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("extractor_version", sa.String(length=40), nullable=False),
        sa.Column("published", sa.String(length=100), nullable=True),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column("found", sa.Integer(), nullable=False),
        sa.Column("scanned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_source_date_scans_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_source_date_scans")),
    )
    op.create_table(
        "source_dates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("edtf", sa.String(length=100), nullable=True),
        sa.Column("earliest", sa.BigInteger(), nullable=True),
        sa.Column("latest", sa.BigInteger(), nullable=True),
        sa.Column("inferred", sa.Boolean(), nullable=False),
        sa.Column("relative", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("extractor_version", sa.String(length=40), nullable=False),
        sa.CheckConstraint('start >= 0 AND "end" > start', name=op.f("ck_source_dates_span_valid")),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_source_dates_source_id_sources"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_dates")),
    )
    with op.batch_alter_table("source_dates", schema=None) as batch_op:
        batch_op.create_index("ix_source_dates_source_start", ["source_id", "start"], unique=False)


def _backfill_events() -> None:
    from app.core.dates import parse
    from app.core.errors import InvalidValue
    from app.core.event_records import EvidenceGrade, assess_confidence, certain_span, event_flags
    from app.core.folding import fold
    from app.core.records import Reliability, Stance

    bind = op.get_bind()
    events = bind.execute(
        sa.text(
            "SELECT id, title, description, start_edtf, end_edtf, confidence, confidence_overridden "
            "FROM events"
        )
    ).all()
    if not events:
        return
    grades = defaultdict(list)
    quotes = bind.execute(
        sa.text(
            "SELECT e.event_id, COALESCE(s.parent_id, s.id), s.reliability, e.credibility, e.stance "
            "FROM evidence e JOIN sources s ON s.id = e.source_id"
        )
    )
    for event_id, origin, reliability, credibility, stance in quotes:
        grades[event_id].append(EvidenceGrade(origin, Reliability(reliability), credibility, Stance(stance)))
    derived, overrides, adopted = [], [], []
    for event_id, title, description, start_edtf, end_edtf, confidence, overridden in events:
        assessment = assess_confidence(grades[event_id])
        if not overridden and confidence != assessment.suggested.value:
            if confidence == "unknown":  # the default: nobody chose it, so the evidence decides
                adopted.append({"event_id": event_id, "confidence": assessment.suggested.value})
            else:
                overrides.append({"event_id": event_id, "yes": True})
                overridden = True
        try:
            certain = certain_span(
                parse(start_edtf) if start_edtf else None, parse(end_edtf) if end_edtf else None
            )
        except InvalidValue:
            certain = (None, None)
        derived.append(
            {
                "event_id": event_id,
                "certain_start": certain[0],
                "certain_end": certain[1],
                "evidence_count": len(grades[event_id]),
                "disputed": assessment.disputed,
                "flags": event_flags(start_edtf, end_edtf, assessment.disputed, bool(overridden)),
                "suggested_confidence": assessment.suggested.value,
                "folded": fold(f"{title}\n{description}"),
            }
        )
    bind.execute(
        sa.text(
            "INSERT INTO event_derived (event_id, certain_start, certain_end, evidence_count, disputed, "
            "flags, suggested_confidence, folded) VALUES (:event_id, :certain_start, :certain_end, "
            ":evidence_count, :disputed, :flags, :suggested_confidence, :folded)"
        ),
        derived,
    )
    if overrides:
        bind.execute(
            sa.text("UPDATE events SET confidence_overridden = :yes WHERE id = :event_id"), overrides
        )
    if adopted:
        bind.execute(sa.text("UPDATE events SET confidence = :confidence WHERE id = :event_id"), adopted)


def downgrade() -> None:
    with op.batch_alter_table("source_dates", schema=None) as batch_op:
        batch_op.drop_index("ix_source_dates_source_start")
    op.drop_table("source_dates")
    op.drop_table("source_date_scans")
    op.drop_table("event_derived")
