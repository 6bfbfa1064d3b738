"""Events as CSV: one row per event, for spreadsheets and scripts.

Columns (``CSV_COLUMNS``): the event's id, title, description (Markdown), its dates in EDTF as stored
(``start_edtf``/``end_edtf``), the same in words (``date_text``), and the earliest and latest instant the
dates admit as ISO 8601 UTC (``earliest_utc``/``latest_utc``; empty for an open end). Then category,
confidence (in effect, the suggestion, whether the investigator set it), disputed, participants and tags
(names, "; "-separated, with the participants' entity ids), and the evidence: ``evidence_quotes`` has one
quote per line (a line break inside a quote is written as a space; the JSON export keeps it),
``evidence_source_ids`` the source of each quote in the same order, and ``evidence_refs`` each quote's exact
place as ``source:start-end:stance:credibility`` (the form ``threadline event add --evidence`` takes).

UTF-8, with a byte-order mark if asked (``bom``): Excel needs it to read Hebrew and Arabic as UTF-8.
``excel_safe`` prefixes a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
with an apostrophe, so a hostile quote cannot run as a formula when the file is opened in a spreadsheet;
it changes those cells, so it is off for files meant for scripts.
"""

from __future__ import annotations

import csv
from pathlib import Path

from app.core.event_records import EventDetail
from app.core.progress import CancelToken, ProgressSink, ignore_progress
from app.export.common import ExportResult, chosen_events, instant, replaced_atomically
from app.export.report import ReportFilters, event_date_text
from app.store import CaseStore

CSV_COLUMNS = (
    "id",
    "title",
    "start_edtf",
    "end_edtf",
    "date_text",
    "earliest_utc",
    "latest_utc",
    "category",
    "confidence",
    "suggested_confidence",
    "confidence_set_by_hand",
    "disputed",
    "participants",
    "participant_ids",
    "tags",
    "evidence_count",
    "evidence_quotes",
    "evidence_source_ids",
    "evidence_refs",
    "description",
    "created_utc",
    "updated_utc",
)
_TEXT_COLUMNS = frozenset({"title", "description", "category", "participants", "tags", "evidence_quotes"})
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def event_row(event: EventDetail) -> dict[str, str]:
    quotes = event.evidence
    return {
        "id": str(event.id),
        "title": event.title,
        "start_edtf": event.start_edtf or "",
        "end_edtf": event.end_edtf or "",
        "date_text": event_date_text(event),
        "earliest_utc": instant(event.earliest),
        "latest_utc": instant(event.latest),
        "category": event.category,
        "confidence": event.confidence.value,
        "suggested_confidence": event.suggested_confidence.value,
        "confidence_set_by_hand": "yes" if event.confidence_overridden else "no",
        "disputed": "yes" if event.disputed else "no",
        "participants": "; ".join(p.name + (f" ({p.role})" if p.role else "") for p in event.participants),
        "participant_ids": "; ".join(str(p.entity_id) for p in event.participants),
        "tags": "; ".join(tag.name for tag in event.tags),
        "evidence_count": str(len(quotes)),
        "evidence_quotes": "\n".join(" ".join(q.quote.split("\n")) for q in quotes),
        "evidence_source_ids": "; ".join(str(q.source_id) for q in quotes),
        "evidence_refs": "; ".join(
            f"{q.source_id}:{q.start}-{q.end}:{q.stance.value}:{q.credibility}" for q in quotes
        ),
        "description": event.description,
        "created_utc": event.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "updated_utc": event.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _made_safe(row: dict[str, str]) -> dict[str, str]:
    return {
        key: "'" + value if key in _TEXT_COLUMNS and value.startswith(_FORMULA_STARTS) else value
        for key, value in row.items()
    }


def export_events_csv(
    store: CaseStore,
    path: Path | str,
    *,
    filters: ReportFilters | None = None,
    bom: bool = False,
    excel_safe: bool = False,
    progress: ProgressSink = ignore_progress,
    cancel: CancelToken | None = None,
) -> ExportResult:
    count = 0
    encoding = "utf-8-sig" if bom else "utf-8"
    with replaced_atomically(path, "w", encoding=encoding, newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for event in chosen_events(store, filters, progress, cancel):
            row = event_row(event)
            writer.writerow(_made_safe(row) if excel_safe else row)
            count += 1
    return ExportResult(Path(path), count, size=Path(path).stat().st_size)
