"""The case file's schema as typed SQLAlchemy 2 models.

Models hold data and constraints only; behaviour lives in ``CaseStore``. Constraint names follow one naming
convention so Alembic batch migrations on SQLite can find them. Enumerations are stored as their string
values with CHECK constraints (portable to PostgreSQL); timestamps are stored in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.core.entity_records import CandidateStatus
from app.core.mentions import MatchKind
from app.core.records import Confidence, Reliability, SourceKind, Stance

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes, stored as naive UTC so SQLite and PostgreSQL agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _enum(enum_class: type[StrEnum], name: str) -> Enum:
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def _exactly_one(*columns: str) -> str:
    """A portable CHECK expression: exactly one of ``columns`` is set."""
    return " + ".join(f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)" for column in columns) + " = 1"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        dict[str, str]: JSON(),
        list[int]: JSON(),
    }


class CaseMeta(Base):
    """The case itself: a single row."""

    __tablename__ = "case_meta"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    investigator: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    notes: Mapped[str] = mapped_column(Text, default="")


class Original(Base):
    """Original bytes, content-addressed by SHA-256, kept inside the case so it stays one portable file."""

    __tablename__ = "originals"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Source(Base):
    __tablename__ = "sources"
    __table_args__ = (
        CheckConstraint("size >= 0", name="size_not_negative"),
        Index("ix_sources_parent_id", "parent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[SourceKind] = mapped_column(_enum(SourceKind, "source_kind"))
    original_filename: Mapped[str | None] = mapped_column(String(1000))
    media_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(ForeignKey("originals.sha256"), unique=True)
    imported_at: Mapped[datetime]
    imported_by: Mapped[str] = mapped_column(String(200))
    published: Mapped[str | None] = mapped_column(String(100))  # EDTF
    author: Mapped[str | None] = mapped_column(String(500))
    publisher: Mapped[str | None] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(4000))
    language: Mapped[str] = mapped_column(String(20), default="und")
    reliability: Mapped[Reliability] = mapped_column(_enum(Reliability, "reliability"), default=Reliability.F)
    notes: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    extra: Mapped[dict[str, str]] = mapped_column(default=dict)


class SourceText(Base):
    """The extracted, normalised text every offset in the case refers to. Written once, never changed."""

    __tablename__ = "source_texts"

    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    page_starts: Mapped[list[int]] = mapped_column(default=list)


class EntityType(Base):
    __tablename__ = "entity_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    label: Mapped[str] = mapped_column(String(100))
    colour: Mapped[str] = mapped_column(String(9))  # "#rrggbb"
    icon: Mapped[str] = mapped_column(String(100), default="")
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)


class Entity(Base):
    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(primary_key=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("entity_types.id"), index=True)
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class Alias(Base):
    __tablename__ = "aliases"
    __table_args__ = (UniqueConstraint("entity_id", "text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    folded: Mapped[str] = mapped_column(String(500), index=True)
    language: Mapped[str] = mapped_column(String(20), default="und")


class Mention(Base):
    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("entity_id", "source_id", "start", "end"),
        CheckConstraint('start >= 0 AND "end" > start', name="span_valid"),
        Index("ix_mentions_source_start", "source_id", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200), default="")


class Event(Base):
    """A dated happening. Dates are EDTF strings; earliest/latest are the bounds in UTC epoch seconds
    (NULL = open), kept in columns so the timeline can sort and window in SQL."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_earliest_latest", "earliest", "latest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(1000))
    description: Mapped[str] = mapped_column(Text, default="")
    start_edtf: Mapped[str | None] = mapped_column(String(100))
    end_edtf: Mapped[str | None] = mapped_column(String(100))
    earliest: Mapped[int | None] = mapped_column(BigInteger)
    latest: Mapped[int | None] = mapped_column(BigInteger)
    category: Mapped[str] = mapped_column(String(100), default="")
    confidence: Mapped[Confidence] = mapped_column(
        _enum(Confidence, "confidence"), default=Confidence.UNKNOWN
    )
    confidence_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    same_day_order: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Evidence(Base):
    """A link from an event to an exact quote in a source."""

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint('start >= 0 AND "end" > start', name="span_valid"),
        CheckConstraint("credibility BETWEEN 1 AND 6", name="credibility_range"),
        Index("ix_evidence_source_start", "source_id", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="RESTRICT"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    page: Mapped[int | None] = mapped_column(Integer)
    stance: Mapped[Stance] = mapped_column(_enum(Stance, "stance"), default=Stance.SUPPORTS)
    credibility: Mapped[int] = mapped_column(Integer, default=6)  # 1 confirmed … 6 cannot be judged
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class Participation(Base):
    """An entity taking part in an event, in a role (empty when unspecified)."""

    __tablename__ = "event_entities"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[int] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(200), primary_key=True, default="")


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    colour: Mapped[str] = mapped_column(String(9), default="")


class Tagging(Base):
    """A tag on exactly one event, source or entity (real foreign keys, not a polymorphic id)."""

    __tablename__ = "taggings"
    __table_args__ = (
        CheckConstraint(_exactly_one("event_id", "source_id", "entity_id"), name="one_target"),
        UniqueConstraint("tag_id", "event_id", "source_id", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)


class Note(Base):
    """A note on an event, entity or source; on a source it may annotate a span of the text."""

    __tablename__ = "notes"
    __table_args__ = (
        CheckConstraint(_exactly_one("event_id", "source_id", "entity_id"), name="one_target"),
        CheckConstraint('start IS NULL OR (source_id IS NOT NULL AND "end" > start)', name="span_on_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AuditEntry(Base):
    """Append-only record of every change: who, when, what, and a before/after summary."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


# -- schema 0002: mention candidates ---------------------------------------------------------------------


class MentionCandidate(Base):
    """A place where an entity may be mentioned, found by its aliases and waiting for a decision.

    One row per entity and span: finding again never duplicates a candidate, and a rejected one stays
    rejected (the finder skips spans that already have a row). ``mention_id`` links an accepted candidate to
    the mention it became.
    """

    __tablename__ = "mention_candidates"
    __table_args__ = (
        UniqueConstraint("entity_id", "source_id", "start", "end"),
        CheckConstraint('start >= 0 AND "end" > start', name="span_valid"),
        CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence_range"),
        Index("ix_mention_candidates_source_start", "source_id", "start"),
        # only accepted candidates link to a mention: a partial index keeps pending ones out of it
        Index(
            "ix_mention_candidates_mention_id",
            "mention_id",
            sqlite_where=sql_text("mention_id IS NOT NULL"),
            postgresql_where=sql_text("mention_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(1000))
    alias: Mapped[str] = mapped_column(String(500))
    kind: Mapped[MatchKind] = mapped_column(_enum(MatchKind, "candidate_kind"))
    status: Mapped[CandidateStatus] = mapped_column(
        _enum(CandidateStatus, "candidate_status"), default=CandidateStatus.PENDING
    )
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    reason: Mapped[str] = mapped_column(String(50), default="")
    mention_id: Mapped[int | None] = mapped_column(ForeignKey("mentions.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str] = mapped_column(String(200), default="")
