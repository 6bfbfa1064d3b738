"""GUI responsiveness during an import: does the event loop keep turning while 1,000 files come in?

A real (offscreen) application shows the Sources dock over a new case and imports a folder through
``ImportController`` — the same worker thread, progress window, ``StoreBridge`` and live row insertion as
the desktop app — while a 10 ms ``QTimer`` heartbeat records when the GUI thread got round to it. The gap
between two beats is how long the GUI could not react; the target is that it never exceeds 100 ms.

Reported per round: the longest gap, the 99th percentile, the number of gaps over 50 and 100 ms, the total
import time (from the call to the summary window), and where the longest gap fell (before the first
progress update, during the import, or at the end). An idle baseline with no import shows the noise floor
of the timer on this machine.

Files: by default simple generated .txt and .html files (UTF-8 and legacy codepages), a third each in
Hebrew, Arabic and English; ``--corpus realistic`` uses the import benchmark's mixed corpus instead
(web pages, PDFs, Word files, text in four languages; ``bench.corpus``).

    python -m bench.bench_ui_import                 # 1,000 simple files, 3 rounds
    python -m bench.bench_ui_import --quick         # 100 files, 1 round
    python -m bench.bench_ui_import --corpus realistic
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import OUT_DIR, Report, machine_info, median, percentile, table, verdict, write_results

TARGET_MAX_GAP_MS = 100.0
HEARTBEAT_MS = 10
CORPUS_DIR = OUT_DIR / "ui-import-corpus"
WORK_DIR = OUT_DIR / "ui-import-cases"

WORDS = {
    "he": "המטוס נחת בשדה התעופה לפי עדים הטיסה יצאה בלילה מאירקוטסק וחנתה בקצה המסלול",
    "ar": "هبطت الطائرة في المطار بعد منتصف الليل وقال شهود إن الشاحنات كانت تنتظر في المدرج",
    "en": "the aircraft landed at the airport after midnight witnesses said trucks waited there",
}
LANGS = {"he": ("rtl", "windows-1255"), "ar": ("rtl", "windows-1256"), "en": ("ltr", None)}


# -- files ------------------------------------------------------------------------------------------------


def simple_corpus(files: int, seed: int = 20261125) -> Path:
    """``files`` small .txt/.html files, a third per language, cached under bench/out/."""
    folder = CORPUS_DIR / f"simple-v2-n{files}-s{seed}"
    done = folder / ".complete"
    if done.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for number in range(files):
        rng = random.Random(f"{seed}:{number}")
        lang = ("he", "ar", "en")[number % 3]
        words = WORDS[lang].split(" ")
        direction, legacy = LANGS[lang]
        paragraphs = [
            " ".join(rng.choice(words) for _ in range(rng.randint(40, 120))) + f" ({number}.{p})."
            for p in range(rng.randint(3, 12))
        ]
        title = f"{' '.join(rng.choice(words) for _ in range(5))} {number}"
        if number % 2:
            body = "".join(f"<p>{paragraph}</p>\n" for paragraph in paragraphs)
            page = (
                f'<!doctype html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8">'
                f"<title>{title}</title></head><body><article><h1>{title}</h1>\n{body}</article></body></html>"
            )
            (folder / f"{number:04d}-{lang}.html").write_text(page, encoding="utf-8")
        else:
            text = title + "\n\n" + "\n\n".join(paragraphs) + "\n"
            encoding = legacy if legacy and number % 4 == 0 else "utf-8"
            (folder / f"{number:04d}-{lang}.txt").write_bytes(text.encode(encoding))
    done.touch()
    return folder


def realistic_corpus(files: int) -> Path:
    from bench.corpus import ImportCorpusSpec, import_corpus

    return import_corpus(ImportCorpusSpec(files=files)).files_dir


# -- one round --------------------------------------------------------------------------------------------


@dataclass
class Heartbeat:
    """Timestamps of a 10 ms timer's ticks in the GUI thread."""

    beats: list[float] = field(default_factory=list)

    def tick(self) -> None:
        self.beats.append(time.perf_counter())

    def gaps_ms(self, start: float, end: float) -> list[tuple[float, float]]:
        """(time of the beat that ended the gap, gap in ms) for beats in [start, end]."""
        inside = [beat for beat in self.beats if start <= beat <= end]
        return [(later, (later - earlier) * 1000) for earlier, later in itertools.pairwise(inside)]


def gap_stats(gaps: list[tuple[float, float]]) -> dict[str, Any]:
    values = [gap for _, gap in gaps]
    return {
        "beats": len(values) + 1,
        "max_gap_ms": round(max(values), 1) if values else None,
        "p99_gap_ms": round(percentile(values, 99), 1) if values else None,
        "p50_gap_ms": round(percentile(values, 50), 1) if values else None,
        "gaps_over_50ms": sum(value > 50 for value in values),
        "gaps_over_100ms": sum(value > 100 for value in values),
    }


def idle_baseline(app: Any, seconds: float) -> dict[str, Any]:
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer

    heart = Heartbeat()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(HEARTBEAT_MS)
    timer.timeout.connect(heart.tick)
    timer.start()
    clock = QElapsedTimer()
    clock.start()
    start = time.perf_counter()
    while clock.elapsed() < seconds * 1000:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    return gap_stats(heart.gaps_ms(start, time.perf_counter()))


def run_round(app: Any, folder: Path, case_path: Path) -> dict[str, Any]:
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QMainWindow

    from app.core.records import ImportStatus
    from app.store import CaseStore
    from app.ui.import_controller import ImportController
    from app.ui.sources_dock import SourcesDock
    from app.ui.store_bridge import StoreBridge

    for leftover in case_path.parent.glob(case_path.name + "*"):
        leftover.unlink()
    store = CaseStore.create(case_path, title="UI import benchmark", actor="bench")
    window = QMainWindow()
    window.resize(1200, 800)
    dock = SourcesDock(window)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    bridge = StoreBridge(store, window)
    dock.set_store(store, bridge)
    controller = ImportController(window)
    controller.set_store(store)
    window.show()
    app.processEvents()

    heart = Heartbeat()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(HEARTBEAT_MS)
    timer.timeout.connect(heart.tick)
    marks: dict[str, float] = {}
    outcomes: list[Any] = []
    loop = QEventLoop()

    def first_progress() -> None:
        marks.setdefault("first_done", time.perf_counter())

    def finished(result: list[Any]) -> None:
        marks["finished"] = time.perf_counter()
        outcomes.extend(result)
        QTimer.singleShot(300, loop.quit)  # keep beating while the summary window appears and settles

    controller.import_finished.connect(finished)
    timer.start()
    app.processEvents()
    marks["start"] = time.perf_counter()
    controller.import_paths([folder])
    assert controller.progress_dialog is not None
    controller.progress_dialog.bar.valueChanged.connect(lambda value: first_progress() if value else None)
    loop.exec()
    end = time.perf_counter()
    timer.stop()
    rows_shown = dock.model.rowCount()

    gaps = heart.gaps_ms(marks["start"], end)
    worst_at, worst = max(gaps, key=lambda item: item[1])
    if worst_at <= marks.get("first_done", end):
        phase = "before the first file was written (worker start-up)"
    elif worst_at <= marks["finished"]:
        phase = "during the import"
    else:
        phase = "at the end (summary window)"
    statuses = {status.value: sum(o.status == status for o in outcomes) for status in ImportStatus}
    result = {
        **gap_stats(gaps),
        "worst_gap_at_s": round(worst_at - marks["start"], 2),
        "worst_gap_phase": phase,
        "worst_gap_ms": round(worst, 1),
        "import_s": round(marks["finished"] - marks["start"], 2),
        "first_file_written_s": round(marks.get("first_done", end) - marks["start"], 2),
        "files_per_s": round(len(outcomes) / (marks["finished"] - marks["start"]), 1),
        "outcomes": statuses,
        "rows_shown": rows_shown,
        "gaps_over_50ms_at_s": [
            (round(at - marks["start"], 2), round(gap, 1)) for at, gap in gaps if gap > 50
        ][:50],
        "finished_at_s": round(marks["finished"] - marks["start"], 2),
        "sources_in_case": store.count_sources(),
    }
    if controller.summary_dialog is not None:
        controller.summary_dialog.close()
    controller.set_store(None)
    dock.set_store(None, None)
    bridge.detach()
    window.close()
    window.deleteLater()
    app.processEvents()
    store.close()
    return result


# -- main -------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", choices=("simple", "realistic"), default="simple")
    parser.add_argument("--quick", action="store_true", help="100 files, 1 round")
    args = parser.parse_args(argv)
    if args.quick:
        args.files, args.rounds = min(args.files, 100), 1
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication

    from app.ui.application import configure_application

    folder = simple_corpus(args.files) if args.corpus == "simple" else realistic_corpus(args.files)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_application(app)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    case_path = WORK_DIR / f"ui-import-{os.getpid()}.threadline"

    print(f"UI import benchmark: {args.files} {args.corpus} files, {args.rounds} round(s)", file=sys.stderr)
    baseline = idle_baseline(app, 2.0)
    rounds = []
    for number in range(args.rounds):
        result = run_round(app, folder, case_path)
        rounds.append(result)
        print(
            f"  round {number + 1}: max gap {result['max_gap_ms']} ms, p99 {result['p99_gap_ms']} ms, "
            f"import {result['import_s']} s",
            file=sys.stderr,
        )
    for leftover in WORK_DIR.glob(case_path.name + "*"):
        leftover.unlink()

    worst = max(r["max_gap_ms"] for r in rounds)
    results = {
        "benchmark": "ui_import",
        "machine": machine_info(),
        "command": " ".join(
            ["python", "-m", "bench.bench_ui_import", *(argv if argv is not None else sys.argv[1:])]
        ),
        "files": args.files,
        "corpus": args.corpus,
        "heartbeat_ms": HEARTBEAT_MS,
        "idle_baseline": baseline,
        "rounds": rounds,
        "summary": {
            "max_gap_ms_worst_round": worst,
            "max_gap_ms_median": median([r["max_gap_ms"] for r in rounds]),
            "p99_gap_ms_median": median([r["p99_gap_ms"] for r in rounds]),
            "import_s_median": median([r["import_s"] for r in rounds]),
            "target_max_gap_ms": TARGET_MAX_GAP_MS,
            "target": verdict(worst <= TARGET_MAX_GAP_MS),
        },
    }
    path = write_results(f"ui_import-{args.corpus}", results)
    report = Report()
    report.add(
        f"## GUI event loop while importing {args.files} {args.corpus} files (heartbeat {HEARTBEAT_MS} ms)",
        "",
        table(
            (
                "round",
                "max gap ms",
                "p99 gap ms",
                "p50 gap ms",
                ">50 ms",
                ">100 ms",
                "import s",
                "files/s",
                "worst gap",
            ),
            [
                (
                    number + 1,
                    r["max_gap_ms"],
                    r["p99_gap_ms"],
                    r["p50_gap_ms"],
                    r["gaps_over_50ms"],
                    r["gaps_over_100ms"],
                    r["import_s"],
                    r["files_per_s"],
                    f"{r['worst_gap_phase']} at {r['worst_gap_at_s']} s",
                )
                for number, r in enumerate(rounds)
            ],
        ),
        "",
        f"Idle baseline (no import, 2 s): max gap {baseline['max_gap_ms']} ms, "
        f"p99 {baseline['p99_gap_ms']} ms.",
        f"Outcomes per round: {rounds[0]['outcomes']}; rows shown in the Sources dock: "
        f"{[r['rows_shown'] for r in rounds]}.",
        f"Target: no gap over {TARGET_MAX_GAP_MS:.0f} ms — {results['summary']['target']} "
        f"(worst round {worst} ms).",
        f"Results: {path}",
    )
    print(report.text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
