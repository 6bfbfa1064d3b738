"""Events for Timesketch: JSON Lines (``.jsonl``) or CSV (``.csv``) with its required fields.

Timesketch wants instants: every row has ``message``, ``datetime`` (ISO 8601 with offset), ``timestamp``
(microseconds since the epoch) and ``timestamp_desc`` (what the instant is). Threadline's dates are
ranges as precise as known, so each event becomes a row at the *earliest* instant its dates admit, and
the description says so and at which precision ("Event start (earliest possible; day precision)"); an
event that lasts gets a second row at the latest instant it may end. An event with an open start
("before 2019") has one row at its latest instant. Our own fields ride along (``threadline_*``): the EDTF
dates, both bounds, confidence, disputed, participants, tags and the evidence with its sources, so
nothing about the uncertainty is lost. Undated events cannot be placed and are left out (counted in the
result). ``message`` is for reading, so bidi controls in it are shown as markers ("⟦RLO⟧"); the
``threadline_*`` fields keep the stored text exact.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.core.event_records import EventDetail
from app.core.progress import CancelToken, ProgressSink, ignore_progress
from app.core.textnorm import reveal_bidi_controls
from app.export.common import ExportResult, chosen_events, instant, precision_word, replaced_atomically
from app.export.report import ReportFilters, event_date_text
from app.store import CaseStore

FIELDS = (
    "message",
    "datetime",
    "timestamp",
    "timestamp_desc",
    "data_type",
    "threadline_event_id",
    "threadline_title",
    "threadline_date",
    "threadline_start_edtf",
    "threadline_end_edtf",
    "threadline_earliest",
    "threadline_latest",
    "threadline_precision",
    "threadline_confidence",
    "threadline_disputed",
    "threadline_category",
    "threadline_participants",
    "threadline_tags",
    "threadline_evidence",
    "threadline_source_ids",
)


def _timestamp(epoch: int) -> tuple[str, int]:
    return instant(epoch).replace("Z", "+00:00"), epoch * 1_000_000


def event_rows(event: EventDetail) -> Iterator[dict[str, Any]]:
    if event.earliest is None and event.latest is None:
        return
    precision = precision_word(event.start)
    points = [point for value in (event.start, event.end) if value is not None for point in value.points]
    qualifiers = [
        word
        for word, present in (
            ("approximate", any(point.approximate for point in points)),
            ("uncertain", any(point.uncertain for point in points)),
        )
        if present
    ]
    detail = f"{precision} precision" + "".join(f", {word}" for word in qualifiers)
    common = {
        "data_type": "threadline:event",
        "threadline_event_id": event.id,
        "threadline_title": event.title,
        "threadline_date": event_date_text(event),
        "threadline_start_edtf": event.start_edtf or "",
        "threadline_end_edtf": event.end_edtf or "",
        "threadline_earliest": instant(event.earliest),
        "threadline_latest": instant(event.latest),
        "threadline_precision": precision,
        "threadline_confidence": event.confidence.value,
        "threadline_disputed": event.disputed,
        "threadline_category": event.category,
        "threadline_participants": "; ".join(p.name for p in event.participants),
        "threadline_tags": "; ".join(t.name for t in event.tags),
        "threadline_evidence": "\n".join(
            f"[source #{q.source_id}, {q.start}-{q.end}, {q.stance.value}, {q.grade}] {q.quote}"
            for q in event.evidence
        ),
        "threadline_source_ids": "; ".join(str(q.source_id) for q in event.evidence),
    }
    # the line Timesketch shows: bidi controls revealed, as in the report; threadline_title keeps them
    message = reveal_bidi_controls(f"{event.title} ({event_date_text(event)})")
    message += " [disputed]" if event.disputed else ""
    if event.earliest is not None:
        when, stamp = _timestamp(event.earliest)
        what = "Event start" if event.end is not None else "Event"
        yield {
            "message": message,
            "datetime": when,
            "timestamp": stamp,
            "timestamp_desc": f"{what} (earliest possible; {detail})",
            **common,
        }
        if event.end is not None and event.latest is not None:
            when, stamp = _timestamp(event.latest)
            yield {
                "message": message,
                "datetime": when,
                "timestamp": stamp,
                "timestamp_desc": f"Event end (latest possible; {detail})",
                **common,
            }
    elif event.latest is not None:
        when, stamp = _timestamp(event.latest)
        yield {
            "message": message,
            "datetime": when,
            "timestamp": stamp,
            "timestamp_desc": f"Event (latest possible, open start; {detail})",
            **common,
        }


def export_timesketch(
    store: CaseStore,
    path: Path | str,
    *,
    filters: ReportFilters | None = None,
    as_csv: bool | None = None,
    progress: ProgressSink = ignore_progress,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Write JSON Lines, or CSV when ``as_csv`` (by default: when ``path`` ends in ``.csv``)."""
    path = Path(path)
    csv_format = path.suffix.lower() == ".csv" if as_csv is None else as_csv
    rows = skipped = 0
    with replaced_atomically(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=FIELDS, lineterminator="\r\n") if csv_format else None
        if writer is not None:
            writer.writeheader()
        for event in chosen_events(store, filters, progress, cancel):
            written = 0
            for row in event_rows(event):
                if writer is not None:
                    writer.writerow(
                        {
                            key: str(value).lower() if isinstance(value, bool) else value
                            for key, value in row.items()
                        }
                    )
                else:
                    stream.write(json.dumps(row, ensure_ascii=False) + "\n")
                written += 1
            rows += written
            skipped += written == 0
    return ExportResult(path, rows, skipped, path.stat().st_size)
