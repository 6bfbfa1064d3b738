"""Tables of schema 0003: values derived from events, and the date expressions found in sources.

Both hold only what can be computed again from other tables (the events with their evidence, the sources'
texts), kept so that the timeline, the table and the filters read them in SQL instead of recomputing them
for 100,000 events. ``app.store.events`` keeps them up to date in the transaction of every change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.records import Confidence
from app.store.models import Base, _enum


class EventDerived(Base):
    """One row per event (``events``), derived from its dates, text and evidence.

    ``certain_start``/``certain_end`` are ``app.core.event_records.certain_span``, ``flags`` its
    ``event_flags`` (what the timeline draws differently); ``folded`` is the title
    and description folded for the text filter; ``suggested_confidence`` is what the evidence says
    (``events.confidence`` is the confidence in effect, an override if there is one).
    """

    __tablename__ = "event_derived"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    certain_start: Mapped[int | None] = mapped_column(BigInteger)
    certain_end: Mapped[int | None] = mapped_column(BigInteger)
    evidence_count: Mapped[int] = mapped_column(Integer, default=0)
    disputed: Mapped[bool] = mapped_column(Boolean, default=False)
    flags: Mapped[int] = mapped_column(Integer, default=0)  # app.core.event_records.EventFlag bits
    suggested_confidence: Mapped[Confidence] = mapped_column(
        _enum(Confidence, "suggested_confidence"), default=Confidence.UNKNOWN
    )
    folded: Mapped[str] = mapped_column(Text, default="")


class SourceDateScan(Base):
    """That a source's text was searched for dates, by which extractor and with which reference values.

    A source whose scan is missing, or was made by another extractor version or with another publication
    date or language than the source now has, is searched again (``EventRepository.dates_in``).
    """

    __tablename__ = "source_date_scans"

    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True)
    extractor_version: Mapped[str] = mapped_column(String(40))
    published: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(20))
    found: Mapped[int] = mapped_column(Integer, default=0)
    scanned_at: Mapped[datetime]


class SourceDate(Base):
    """A date expression in a source's text: ``text`` is exactly ``source_text[start:end]``."""

    __tablename__ = "source_dates"
    __table_args__ = (
        CheckConstraint('start >= 0 AND "end" > start', name="span_valid"),
        Index("ix_source_dates_source_start", "source_id", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(1000))
    edtf: Mapped[str | None] = mapped_column(String(100))  # NULL: cannot be resolved (see note)
    earliest: Mapped[int | None] = mapped_column(BigInteger)
    latest: Mapped[int | None] = mapped_column(BigInteger)
    inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    relative: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(500), default="")
    extractor_version: Mapped[str] = mapped_column(String(40))
