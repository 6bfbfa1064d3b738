"""PDF report benchmark: 1,000 events with 3,000 evidence quotes across 300 sources (target: under 15 s).

The case is built through the real store: 300 generated ``bench.corpus`` articles (half English, a third
Hebrew or Arabic, some Russian) added with ``CaseStore.add_source``, 60 entities, and 1,000 events created
with ``EventRepository.create`` (three quotes each, cut at word boundaries from random sources; 0–3
participants; a tag on a third; dates in the mix of ``bench.bench_events``: mostly days, some times,
months, "around" years, ranges and "before …"), all in one ``CaseStore.batch``. The case is cached under
``bench/out/cases/`` and rebuilt when ``--rebuild`` is given.

Measured, each in a fresh process:

- end to end: ``threadline export pdf CASE OUT.pdf`` as a user runs it (start-up, imports, an offscreen
  ``QGuiApplication``, reading, layout, writing), with the chart in category lanes and a marking;
- the parts, in-process: ``load_report`` (store reads), ``layout_report`` (text documents, pagination,
  chart pages) and ``write_pdf`` (painting every page into the PDF);
- the file: size, pages, and that ``qpdf --check`` passes;
- the export dialog, offscreen in a fresh process: its preview and then the export of the same report,
  both laid out in a child process, while a 5 ms timer in the GUI thread records every gap of the event
  loop (target: none over 100 ms).

The end-to-end export runs ``--rounds`` times (default 3); the median is the figure.

    python -m bench.bench_report            # 1,000 events, 3,000 quotes, 300 sources
    python -m bench.bench_report --quick    # 200 events, 600 quotes, 60 sources
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter
from typing import Any

from bench.common import (
    OUT_DIR,
    REPO_DIR,
    Report,
    machine_info,
    median,
    percentile,
    table,
    verdict,
    write_results,
)

CASES_DIR = OUT_DIR / "cases"
TARGET_S = 15.0
GAP_TARGET_MS = 100


@dataclass(frozen=True)
class Sizes:
    events: int
    quotes_per_event: int
    sources: int
    entities: int

    @property
    def key(self) -> str:
        return f"report-e{self.events}-q{self.quotes_per_event}-s{self.sources}"


FULL = Sizes(events=1000, quotes_per_event=3, sources=300, entities=60)
QUICK = Sizes(events=200, quotes_per_event=3, sources=60, entities=20)


def _dates(rng: random.Random, anchor: float) -> tuple[str | None, str | None]:
    day = datetime.fromtimestamp(anchor, UTC)
    roll = rng.random()
    if roll < 0.65:
        return f"{day:%Y-%m-%d}", None
    if roll < 0.75:
        return f"{day:%Y-%m-%dT%H:%M}", None
    if roll < 0.85:
        return f"{day:%Y-%m}", None
    if roll < 0.89:
        return f"{day.year}~", None
    if roll < 0.97:
        later = datetime.fromtimestamp(anchor + rng.uniform(1, 60) * 86_400, UTC)
        return f"{day:%Y-%m-%d}", f"{later:%Y-%m-%d}"
    if roll < 0.99:
        return f"../{day.year}", None
    return None, None


def _span(rng: random.Random, text: str) -> tuple[int, int]:
    start = rng.randrange(0, max(1, len(text) - 200))
    space = text.find(" ", start)
    start = space + 1 if 0 <= space < len(text) - 40 else start
    end = min(len(text), start + rng.randint(40, 180))
    space = text.rfind(" ", start + 20, end)
    end = space if space > start else end
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def build_case(path: Path, sizes: Sizes) -> dict[str, Any]:
    from app.core.records import Extraction, SourceKind, SourceMetadata
    from app.core.textnorm import normalize_text
    from app.store import CaseStore
    from app.store.events import NewEvidence, NewParticipant
    from bench.corpus import make_article, pick_language

    started = perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    rng = random.Random("report-bench")
    with CaseStore.create(
        path, title="Benchmark: Night Flights", investigator="Bench", actor="bench"
    ) as store:
        store.update_case({"notes": "A generated case: 1,000 events from 300 multilingual sources."})
        sources: list[tuple[int, str]] = []
        with store.batch():
            for index in range(sizes.sources):
                article = make_article(index, pick_language(rng), random.Random(f"report:{index}"), 3000)
                text = normalize_text(article.text)
                extraction = Extraction(
                    SourceKind.TEXT,
                    "text/plain",
                    text,
                    SourceMetadata(
                        title=article.title,
                        author=article.author,
                        publisher=article.publisher,
                        published=article.published,
                        language=article.lang,
                        url=f"https://example.org/{article.lang}/{index}",
                    ),
                )
                added = store.add_source(
                    text.encode("utf-8"), extraction, original_filename=f"article-{index}.txt"
                )
                sources.append((added.source_id, text))
        for source_id, _text in sources:
            store.update_source(source_id, {"reliability": rng.choice("ABCDEF")})
        kinds = ("person", "organisation", "location", "equipment")
        entities = [store.entities.add(kinds[n % 4], f"Entity {n:02d}").id for n in range(sizes.entities)]
        categories = ("movement", "meeting", "statement", "transfer", "sighting")
        start = datetime(2019, 1, 1, tzinfo=UTC).timestamp()
        quotes = 0
        with store.batch():
            for number in range(sizes.events):
                anchor = start + rng.uniform(0, 4 * 365) * 86_400
                begin, end = _dates(rng, anchor)
                evidence = []
                for _ in range(sizes.quotes_per_event):
                    source_id, text = rng.choice(sources)
                    low, high = _span(rng, text)
                    stance = rng.choices(("supports", "contradicts", "context"), weights=(85, 5, 10))[0]
                    evidence.append(NewEvidence(source_id, low, high, stance, rng.randint(1, 6)))
                quotes += len({(e.source_id, e.start, e.end) for e in evidence})
                people = [NewParticipant(e) for e in rng.sample(entities, rng.randint(0, 3))]
                store.events.create(
                    f"Event {number}: "
                    + rng.choice(
                        (
                            "plane lands",
                            "delegation meets",
                            "cargo moved",
                            "statement issued",
                            "aircraft seen",
                        )
                    ),
                    begin,
                    end,
                    description="Generated **event** for the benchmark.",
                    category=rng.choice(categories),
                    evidence=_unique(evidence),
                    participants=people,
                    tags=["flagged"] if rng.random() < 0.33 else [],
                )
    return {
        "build_s": perf_counter() - started,
        "sources": sizes.sources,
        "events": sizes.events,
        "quotes": quotes,
        "size_bytes": path.stat().st_size,
    }


def _unique(evidence: list[Any]) -> list[Any]:
    seen: set[tuple[int, int, int]] = set()
    kept = []
    for item in evidence:
        key = (item.source_id, item.start, item.end)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def end_to_end(case: Path, out: Path) -> dict[str, Any]:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("QT_", "DISPLAY", "WAYLAND"))
    }
    command = [
        sys.executable,
        "-m",
        "app.cli_export",
        "export",
        "pdf",
        str(case),
        str(out),
        "--lanes",
        "category",
        "--marking",
        "CONFIDENTIAL",
        "--json",
    ]
    started = perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO_DIR, check=False)
    elapsed = perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"threadline export pdf failed: {result.stderr}")
    return {"wall_s": elapsed, **json.loads(result.stdout)}


def parts(case: Path, out: Path) -> dict[str, Any]:
    """Run in a fresh process (``--parts``): the time of each stage of the export."""
    started = perf_counter()
    from app.core.event_records import LaneGrouping
    from app.export.pdf import PageSetup, ensure_gui_application, layout_report
    from app.export.report import ReportOptions, load_report
    from app.store import CaseStore

    ensure_gui_application()
    imported = perf_counter()
    with CaseStore.open(case) as store:
        report = load_report(store, ReportOptions(marking="CONFIDENTIAL", lanes=LaneGrouping.CATEGORY))
    loaded = perf_counter()
    pages = layout_report(report, PageSetup())
    laid_out = perf_counter()
    result = pages.write_pdf(out)
    written = perf_counter()
    return {
        "start_s": imported - started,
        "load_s": loaded - imported,
        "layout_s": laid_out - loaded,
        "write_s": written - laid_out,
        "pages": result.pages,
        "bytes": result.size,
        "chart_pages": sum(page.chart is not None for page in pages.pages),
        "quotes": report.quote_count,
        "sources": len(report.sources),
    }


def dialog(case: Path, out: Path) -> dict[str, Any]:
    """Run in a fresh process (``--dialog``): the export dialog's preview and export, and the GUI gaps."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from app.core.event_records import LaneGrouping
    from app.store import CaseStore
    from app.ui.export_dialog import ExportDialog, ExportFormat

    application = QApplication(sys.argv[:1])
    gaps: list[float] = []
    busy: list[float] = []  # the GUI thread's own CPU time within each gap: work, not waiting for a core
    last = [perf_counter(), time.thread_time()]

    def tick() -> None:
        now, cpu = perf_counter(), time.thread_time()
        gaps.append(now - last[0])
        busy.append(cpu - last[1])
        last[:] = [now, cpu]

    def wait(condition: Any, timeout: float = 600.0) -> float:
        started = perf_counter()
        loop = QEventLoop()
        check = QTimer()
        check.setInterval(20)
        check.timeout.connect(
            lambda: loop.quit() if condition() or perf_counter() - started > timeout else None
        )
        check.start()
        loop.exec()
        check.stop()
        return perf_counter() - started

    ticker = QTimer()
    ticker.setTimerType(Qt.TimerType.PreciseTimer)
    ticker.setInterval(5)
    ticker.timeout.connect(tick)
    with CaseStore.open(case) as store:
        # what the app has loaded before File ▸ Export: the events feature (its settings hold the display
        # zone) and the store's parts
        importlib.import_module("app.ui.events.settings")
        store.events.event_tags(), store.entities.list_types()
        opened = perf_counter()
        window = ExportDialog(None, store, ExportFormat.PDF)
        window.lanes_box.setCurrentIndex(window.lanes_box.findData(LaneGrouping.CATEGORY.value))
        window.marking_box.setEditText("CONFIDENTIAL")
        window.show()
        open_s = perf_counter() - opened
        last[:] = [perf_counter(), time.thread_time()]
        ticker.start()
        preview_s = wait(lambda: window._preview is not None and window._preview_task is None)
        preview_gaps, gaps[:] = list(gaps), []
        preview_busy, busy[:] = list(busy), []
        window.export_to(out)
        export_s = wait(lambda: window._export_task is None)
        export_gaps, export_busy = list(gaps), list(busy)
        ticker.stop()
        summary = window.last_pdf
        status = window.status.text()
        window.close()
    application.processEvents()
    if summary is None:
        raise SystemExit(f"the dialog's export failed: {status}")
    return {
        "open_s": open_s,
        "preview_s": preview_s,
        "preview_pages": len(window._preview.pages) if window._preview else 0,
        "preview_max_gap_ms": max(preview_gaps) * 1000,
        "preview_p99_gap_ms": percentile(preview_gaps, 99) * 1000,
        "preview_max_busy_ms": max(preview_busy) * 1000,
        "preview_worst_gap_busy_ms": preview_busy[preview_gaps.index(max(preview_gaps))] * 1000,
        "export_s": export_s,
        "export_max_gap_ms": max(export_gaps) * 1000,
        "export_p99_gap_ms": percentile(export_gaps, 99) * 1000,
        "export_max_busy_ms": max(export_busy) * 1000,
        "export_worst_gap_busy_ms": export_busy[export_gaps.index(max(export_gaps))] * 1000,
        "ticks": len(preview_gaps) + len(export_gaps),
        "pages": summary.pages,
        "bytes": summary.size,
        "child_pid_differs": summary.pid != os.getpid(),
    }


def summarise(results: dict[str, Any]) -> str:
    e2e, stages, case = results["end_to_end"], results["parts"], results["case"]
    ui = results.get("dialog")
    walls = results["end_to_end_walls"]
    report = Report()
    report.add(
        f"# PDF report: {case['events']:,} events, {stages['quotes']:,} quotes, {stages['sources']} sources",
        "",
        table(
            ("measure", "result", "target"),
            [
                (
                    f"threadline export pdf, end to end: median of {len(walls)} (min–max)",
                    f"{median(walls):.2f} s ({min(walls):.2f}–{max(walls):.2f})",
                    f"< {TARGET_S:.0f} s ({verdict(median(walls) < TARGET_S)})",
                ),
                ("  start-up (imports, QGuiApplication)", f"{stages['start_s']:.2f} s", ""),
                ("  load_report (store reads)", f"{stages['load_s']:.2f} s", ""),
                ("  layout_report (documents, pages, chart)", f"{stages['layout_s']:.2f} s", ""),
                ("  write_pdf (painting every page)", f"{stages['write_s']:.2f} s", ""),
                ("pages (of which chart)", f"{stages['pages']:,} ({stages['chart_pages']})", ""),
                ("file size", f"{e2e['bytes'] / 2**20:.2f} MB ({e2e['bytes']:,} bytes)", ""),
                ("qpdf --check", "passed" if results["qpdf_ok"] else "FAILED", "passes"),
                *(
                    []
                    if ui is None
                    else [
                        ("export dialog opens (GUI thread)", f"{ui['open_s'] * 1000:.0f} ms", ""),
                        (
                            f"dialog preview, {ui['preview_pages']} pages drawn in a child process",
                            f"{ui['preview_s']:.2f} s",
                            "",
                        ),
                        (
                            "  longest GUI event-loop gap during it (p99)",
                            f"{ui['preview_max_gap_ms']:.0f} ms ({ui['preview_p99_gap_ms']:.0f} ms)",
                            f"< {GAP_TARGET_MS} ms ({verdict(ui['preview_max_gap_ms'] < GAP_TARGET_MS)})",
                        ),
                        (
                            "  GUI thread's CPU in that gap; most in any gap",
                            f"{ui['preview_worst_gap_busy_ms']:.0f} ms; {ui['preview_max_busy_ms']:.0f} ms",
                            "",
                        ),
                        ("dialog export, child process", f"{ui['export_s']:.2f} s", ""),
                        (
                            "  longest GUI event-loop gap during it (p99)",
                            f"{ui['export_max_gap_ms']:.0f} ms ({ui['export_p99_gap_ms']:.0f} ms)",
                            f"< {GAP_TARGET_MS} ms ({verdict(ui['export_max_gap_ms'] < GAP_TARGET_MS)})",
                        ),
                        (
                            "  GUI thread's CPU in that gap; most in any gap",
                            f"{ui['export_worst_gap_busy_ms']:.0f} ms; {ui['export_max_busy_ms']:.0f} ms",
                            "",
                        ),
                    ]
                ),
            ],
        ),
        "",
        f"Load average at the start (1, 5, 15 min): {results['machine'].get('load_average_at_start')}.",
        "",
        f"Case built through the store in {case['build_s']:.0f} s "
        f"({'this run' if results['built'] else 'cached'}); case file {case['size_bytes'] / 2**20:.1f} MB.",
    )
    return report.text()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="200 events, 600 quotes, 60 sources")
    parser.add_argument("--rebuild", action="store_true", help="build the case even if a cached one exists")
    parser.add_argument("--rounds", type=int, default=3, help="end-to-end exports to take the median of")
    parser.add_argument("--no-dialog", action="store_true", help="skip the export dialog's measurement")
    parser.add_argument("--parts", nargs=2, type=Path, metavar=("CASE", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--dialog", nargs=2, type=Path, metavar=("CASE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.parts:
        print(json.dumps(parts(*args.parts)))
        return 0
    if args.dialog:
        print(json.dumps(dialog(*args.dialog)))
        return 0
    sizes = QUICK if args.quick else FULL
    CASES_DIR.mkdir(parents=True, exist_ok=True)
    case = CASES_DIR / f"{sizes.key}.threadline"
    meta = case.with_suffix(".json")
    built = args.rebuild or not (case.exists() and meta.exists())
    if built:
        print(f"building {case.name} through the store …", file=sys.stderr, flush=True)
        meta.write_text(json.dumps(build_case(case, sizes)), encoding="utf-8")
    out = OUT_DIR / "report-bench.pdf"
    print("export pdf, end to end …", file=sys.stderr, flush=True)
    results: dict[str, Any] = {
        "machine": machine_info(),
        "case": json.loads(meta.read_text()),
        "built": built,
    }
    rounds = [end_to_end(case, out) for _ in range(max(args.rounds, 1))]
    results["end_to_end_walls"] = [run["wall_s"] for run in rounds]
    results["end_to_end"] = rounds[-1]
    check = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True, check=False)
    results["qpdf_ok"] = check.returncode == 0
    print("stages …", file=sys.stderr, flush=True)
    staged = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.bench_report",
            "--parts",
            str(case),
            str(OUT_DIR / "report-bench-parts.pdf"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO_DIR,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=True,
    )
    results["parts"] = json.loads(staged.stdout.strip().splitlines()[-1])
    if not args.no_dialog:
        print("export dialog: preview and export, GUI gaps …", file=sys.stderr, flush=True)
        shown = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.bench_report",
                "--dialog",
                str(case),
                str(OUT_DIR / "report-bench-dialog.pdf"),
            ],
            capture_output=True,
            text=True,
            cwd=REPO_DIR,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            check=True,
        )
        results["dialog"] = json.loads(shown.stdout.strip().splitlines()[-1])
    text = summarise(results)
    results["report"] = text
    write_results("report", results)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
