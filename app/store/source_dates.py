"""Storing the date expressions found in a source's text (``app.core.date_extraction``).

One module for the rows, so the import's writer (``CaseStore.add_source``) and a rescan
(``app.store.events.record_dates``) store exactly the same thing. The rows go in as one Core
``executemany``: an import stores a dozen per source, and the ORM's bulk path costs several times more
per row for objects nobody reads back.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, insert

from app.core.date_extraction import DateMention
from app.core.event_records import date_extractor_version
from app.store.models import utc_now
from app.store.models_events import SourceDate, SourceDateScan


def insert_dates(
    connection: Connection,
    source_id: int,
    mentions: Sequence[DateMention],
    *,
    published: str | None,
    language: str,
) -> int:
    """Store a source's date expressions and the scan that found them; the source must have none yet."""
    version = date_extractor_version()
    rows = [_row(source_id, mention, version) for mention in mentions]
    if rows:
        connection.execute(insert(SourceDate), rows)
    scan = {
        "source_id": source_id,
        "extractor_version": version,
        "published": published,
        "language": language,
        "found": len(rows),
        "scanned_at": utc_now(),
    }
    connection.execute(insert(SourceDateScan), [scan])
    return len(rows)


def delete_dates(connection: Connection, source_id: int) -> None:
    """Forget a source's date expressions and its scan (before it is scanned again)."""
    connection.execute(delete(SourceDate).where(SourceDate.source_id == source_id))
    connection.execute(delete(SourceDateScan).where(SourceDateScan.source_id == source_id))


def _row(source_id: int, mention: DateMention, version: str) -> dict[str, object]:
    value = mention.value
    earliest, latest = (None, None) if value is None else value.bounds_epoch()
    return {
        "source_id": source_id,
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "edtf": None if value is None else value.to_edtf(),
        "earliest": earliest,
        "latest": latest,
        "inferred": mention.inferred,
        "relative": mention.relative,
        "note": mention.note,
        "extractor_version": version,
    }
