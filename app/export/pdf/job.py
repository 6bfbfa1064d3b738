"""The PDF report as one job: read the case, lay out, then write the PDF or draw preview pages.

``threadline export pdf`` calls ``export_pdf`` in its own process. The export dialog runs the same code in a
child process (``python -m app.export.pdf``), so the GUI thread never builds a QTextDocument or paints a
page: laying out a long report takes seconds, and doing it on a worker thread deadlocks PySide (the worker
holds the GIL while Qt holds its connection lock). The child reads one ``PdfJob`` as JSON on standard input
and answers on standard output with one JSON object per line:

    {"progress": [done, total, "what"]}          at most every PROGRESS_INTERVAL_S
    {"page": index, "count": pages, "png": "…"}  a preview page (base64 PNG), as soon as it is drawn
    {"result": {...}}                            the summary (``PdfSummary`` as a dict); exit status 0
    {"error": "message"}                         a ``ThreadlineError``'s message for the user; status 1
    {"crash": "Type: text"}                      a bug; the traceback is on standard error; status 2

Anything else the child prints goes to standard error, never into that channel. A cancelled job is simply
killed: the PDF is written to a temporary file beside its destination (``write_pdf``), so nothing half
written is ever left under the chosen name.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from app.core.errors import Cancelled, InvalidValue, ThreadlineError
from app.core.event_records import LaneGrouping
from app.core.lifeline import exit_with_parent
from app.core.progress import CancelToken, ProgressSink, ProgressUpdate, ignore_progress
from app.core.records import Confidence
from app.export.pdf.geometry import PageSetup, Paper
from app.export.report import ReportFilters, ReportOptions, ReportPart

PROGRESS_INTERVAL_S = 0.05
PREVIEW_DPI = 80.0
PREVIEW_FIRST, PREVIEW_LAST = 30, 10  # pages previewed of a long report: the first and the last ones

PageSink = Callable[[int, int, bytes], None]  # (page index, page count, PNG bytes)


@dataclass(frozen=True)
class PdfJob:
    """What to report and where: ``out`` is the PDF to write; without it, preview pages are drawn."""

    case: Path
    options: ReportOptions = field(default_factory=ReportOptions)
    setup: PageSetup = field(default_factory=PageSetup)
    out: Path | None = None
    preview_dpi: float = PREVIEW_DPI
    nice: int = 0  # lower the child's CPU priority by this much (the dialog's exports)

    def to_json(self) -> str:
        options = self.options
        filters = options.filters
        return json.dumps(
            {
                "case": str(self.case),
                "out": None if self.out is None else str(self.out),
                "preview_dpi": self.preview_dpi,
                "nice": self.nice,
                "paper": self.setup.paper.value,
                "landscape": self.setup.landscape,
                "options": {
                    "parts": sorted(part.value for part in options.parts),
                    "include_notes": options.include_notes,
                    "marking": options.marking,
                    "lanes": options.lanes.value,
                    "locale": options.locale,
                    "time_zone": options.time_zone,
                    "filters": {
                        **asdict(filters),
                        "min_confidence": None
                        if filters.min_confidence is None
                        else filters.min_confidence.value,
                    },
                },
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> PdfJob:
        try:
            data = json.loads(text)
            options, filters = data["options"], data["options"]["filters"]
            level = filters.get("min_confidence")
            return cls(
                case=Path(data["case"]),
                out=None if data.get("out") is None else Path(data["out"]),
                preview_dpi=float(data.get("preview_dpi", PREVIEW_DPI)),
                nice=int(data.get("nice", 0)),
                setup=PageSetup(Paper(data["paper"]), bool(data["landscape"])),
                options=ReportOptions(
                    filters=ReportFilters(
                        date_from=filters["date_from"],
                        date_to=filters["date_to"],
                        tags=tuple(filters["tags"]),
                        entity_ids=tuple(int(value) for value in filters["entity_ids"]),
                        categories=tuple(filters["categories"]),
                        min_confidence=None if level is None else Confidence(level),
                        include_disputed=bool(filters["include_disputed"]),
                        include_undated=bool(filters["include_undated"]),
                    ),
                    parts=frozenset(ReportPart(name) for name in options["parts"]),
                    include_notes=bool(options["include_notes"]),
                    marking=str(options["marking"]),
                    lanes=LaneGrouping(options["lanes"]),
                    locale=str(options["locale"]),
                    time_zone=str(options["time_zone"]),
                ),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidValue(f"Not a report job: {exc}.") from exc


@dataclass(frozen=True)
class PdfSummary:
    """What a job did: the file written (``path``/``size``; none for a preview) and the report's counts."""

    path: str | None
    pages: int
    size: int
    events: int
    quotes: int
    sources: int
    entities: int
    previewed: int = 0  # preview pages drawn
    pid: int = 0  # the process that laid the report out

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> PdfSummary:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})


def preview_indices(count: int, first: int = PREVIEW_FIRST, last: int = PREVIEW_LAST) -> list[int]:
    """The pages a preview shows: all of a short report; the first and the last ones of a long one."""
    if count <= first + last:
        return list(range(count))
    return [*range(first), *range(count - last, count)]


def run_job(
    job: PdfJob,
    *,
    progress: ProgressSink = ignore_progress,
    on_page: PageSink | None = None,
    cancel: CancelToken | None = None,
) -> PdfSummary:
    """Read the report from the case, lay it out, then write ``job.out`` or draw the preview pages."""
    from app.export.pdf import ensure_gui_application
    from app.export.pdf.pages import layout_report
    from app.export.report import load_report
    from app.store import CaseStore

    reading, laying_out, finishing = _phases(progress, job.out is None)
    with CaseStore.open(job.case) as store:
        report = load_report(store, job.options, progress=reading, cancel=cancel)
    ensure_gui_application()
    pages = layout_report(report, job.setup, progress=laying_out, cancel=cancel)
    counts = {
        "events": len(report.entries),
        "quotes": report.quote_count,
        "sources": len(report.sources),
        "entities": len(report.index),
        "pid": os.getpid(),
    }
    if job.out is not None:
        result = pages.write_pdf(job.out, progress=finishing, cancel=cancel)
        return PdfSummary(str(result.path), result.pages, result.size, **counts)
    chosen = preview_indices(pages.page_count)
    for number, index in enumerate(chosen):
        if cancel is not None:
            cancel.raise_if_cancelled()
        png = image_png(pages.render(index, job.preview_dpi))
        if on_page is not None:
            on_page(index, pages.page_count, png)
        finishing(ProgressUpdate(number + 1, len(chosen), f"Drawing page {index + 1}"))
    return PdfSummary(None, pages.page_count, 0, previewed=len(chosen), **counts)


#: Shares of the whole job: reading the case, laying out, then writing the PDF (or drawing the preview).
_SHARES = {False: (0.1, 0.55, 0.35), True: (0.1, 0.5, 0.4)}
_SCALE = 1000


def _phases(progress: ProgressSink, preview: bool) -> tuple[ProgressSink, ProgressSink, ProgressSink]:
    """One progress bar for the whole job: each phase's own count mapped onto its share of it."""
    sinks: list[ProgressSink] = []
    start = 0.0
    for share in _SHARES[preview]:

        def sink(update: ProgressUpdate, start: float = start, share: float = share) -> None:
            fraction = min(update.done / update.total, 1.0) if update.total > 0 else 0.0
            progress(ProgressUpdate(round((start + share * fraction) * _SCALE), _SCALE, update.current))

        sinks.append(sink)
        start += share
    return sinks[0], sinks[1], sinks[2]


def export_pdf(
    case: Path,
    out: Path,
    options: ReportOptions,
    setup: PageSetup,
    *,
    progress: ProgressSink = ignore_progress,
    cancel: CancelToken | None = None,
) -> PdfSummary:
    """``threadline export pdf``: the report of ``case`` written to ``out``."""
    return run_job(PdfJob(case, options, setup, out), progress=progress, cancel=cancel)


def image_png(image: Any) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


# --- the child process ------------------------------------------------------------------------------------


class _Channel:
    """The JSON lines on the real standard output; progress throttled to one line per interval."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._last = 0.0
        self._parent = os.getppid()

    def send(self, message: Mapping[str, Any]) -> None:
        with suppress(OSError):  # nobody is listening any more (the app quit): the job ends anyway
            self._stream.write(json.dumps(message, ensure_ascii=False) + "\n")
            self._stream.flush()

    def progress(self, update: ProgressUpdate) -> None:
        if os.getppid() != self._parent:  # the app is gone: stop (write_pdf removes its partial file)
            raise Cancelled("The program that asked for the report has gone.")
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL_S or update.done >= update.total:
            self._last = now
            self.send({"progress": [update.done, update.total, update.current]})

    def page(self, index: int, count: int, png: bytes) -> None:
        self.send({"page": index, "count": count, "png": base64.b64encode(png).decode("ascii")})


def _removing(out: Path | None) -> Callable[[], None]:
    """Removes what this job wrote: the app gives the child a hidden name of its own to write, and moves
    the file into place only when the child succeeds, so a file left there is only ever half of a report."""

    from app.export.pdf.pages import partial_path

    written = [] if out is None else [out, partial_path(out)]

    def remove() -> None:
        for path in written:
            path.unlink(missing_ok=True)

    return remove


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m app.export.pdf``: run the job read from standard input (see the module's docstring)."""
    del argv
    channel = _Channel(sys.stdout)
    sys.stdout = sys.stderr  # a stray print must not corrupt the channel
    try:
        job = PdfJob.from_json(sys.stdin.read())
        exit_with_parent(cleanup=_removing(job.out))  # the app was killed: leave no file behind
        if job.nice and hasattr(os, "nice"):
            os.nice(job.nice)
        summary = run_job(job, progress=channel.progress, on_page=channel.page)
    except ThreadlineError as exc:
        channel.send({"error": exc.message})
        return 1
    except Exception as exc:  # a bug: the parent logs standard error and apologises
        traceback.print_exc()
        channel.send({"crash": f"{type(exc).__name__}: {exc}"})
        return 2
    channel.send({"result": asdict(summary)})
    return 0
