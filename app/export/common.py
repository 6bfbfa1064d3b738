"""What the open exports share: reading the chosen events in chunks, instants as text, the result record."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.core.dates import Precision, UncertainDate
from app.core.errors import ThreadlineError
from app.core.event_records import EventDetail
from app.core.progress import CancelToken, ProgressSink, ProgressUpdate
from app.export.report import ReportFilters, check_filter_names, event_filter
from app.store import CaseStore

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CHUNK = 200  # events read per call


@dataclass(frozen=True)
class ExportResult:
    path: Path
    items: int  # rows, events or tables written
    skipped: int = 0  # events a format cannot hold (undated, for the time-based formats)
    size: int = 0  # bytes written


def instant(epoch: int | None) -> str:
    """Epoch seconds as ISO 8601 in UTC ("2023-07-31T00:00:00Z"); "" for an open end."""
    if epoch is None:
        return ""
    return (_EPOCH + timedelta(seconds=epoch)).strftime("%Y-%m-%dT%H:%M:%SZ")


def zone_named(name: str) -> tzinfo:
    """The time zone called ``name``: "UTC", an IANA name ("Asia/Jerusalem"), or "local" (this machine's
    zone: ``TZ``, else /etc/localtime, else UTC); ``ValueError`` if there is none of that name."""
    if name.strip().upper() in ("UTC", "Z", ""):
        return UTC
    if name == "local":
        return zone_named(local_zone_name())
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def local_zone_name() -> str:
    """This machine's time zone as an IANA name ("UTC" when it cannot be told)."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    with_file = Path("/etc/timezone")
    if with_file.is_file():
        candidates.append(with_file.read_text(encoding="utf-8", errors="replace").strip())
    for candidate in candidates:
        if candidate and candidate != "local":
            try:
                zone_named(candidate)
            except ValueError:
                continue
            return "UTC" if candidate.upper() in ("UTC", "ETC/UTC", "Z") else candidate
    return "UTC"


def zone_caption(zone: tzinfo, moment: datetime) -> str:
    """ "UTC", or "Asia/Jerusalem (UTC+03:00)": the zone and its offset at ``moment``."""
    if zone is UTC:
        return "UTC"
    offset = moment.astimezone(zone).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    name = getattr(zone, "key", None) or str(zone)
    return f"{name} (UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d})"


def precision_word(value: UncertainDate | None) -> str:
    if value is None:
        return ""
    words = {
        Precision.YEAR: "year",
        Precision.SEASON: "season",
        Precision.MONTH: "month",
        Precision.DAY: "day",
        Precision.HOUR: "hour",
        Precision.MINUTE: "minute",
        Precision.SECOND: "second",
    }
    return words[value.precision]


def chosen_events(
    store: CaseStore,
    filters: ReportFilters | None,
    progress: ProgressSink,
    cancel: CancelToken | None,
) -> Iterator[EventDetail]:
    """The events ``filters`` choose (all without), in date order, read a chunk at a time."""
    filters = filters or ReportFilters()
    tags = {tag.name: tag.id for tag in store.events.event_tags()}
    check_filter_names(store, filters)
    ids = store.events.event_ids(event_filter(filters, tags))
    total = len(ids)
    progress(ProgressUpdate(0, total, "Reading events"))
    for start in range(0, total, CHUNK):
        if cancel is not None:
            cancel.raise_if_cancelled()
        for event in store.events.details(ids[start : start + CHUNK]):
            if filters.include_disputed or not event.disputed:
                yield event
        progress(ProgressUpdate(min(start + CHUNK, total), total, "Writing"))


@contextmanager
def replaced_atomically(path: Path | str, mode: str = "w", **kwargs: object) -> Iterator[IO[str]]:
    """Write to a temporary file beside ``path`` and move it into place only when writing succeeded."""
    destination = Path(path)
    partial = destination.with_name(f".{destination.name}.part")
    try:
        with open(partial, mode, **kwargs) as stream:  # type: ignore[call-overload]
            yield stream
        os.replace(partial, destination)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ThreadlineError(f"Cannot write {destination}: {exc.strerror or exc}.") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
