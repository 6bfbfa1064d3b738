"""Desktop benchmarks: start-up to a usable window, opening a case of 10,000 sources, searching it.

Start-up is measured from outside: the parent starts ``python`` on the real entry point (``run_gui``) in a
fresh process with its user folders in a temporary directory, and stops the clock when the child says its
main window is shown, exposed and the event loop has gone idle (two zero-timers after exposure). So the
figure includes the interpreter, every import, fonts, the settings file and the first paint. Three starts
are measured: a first run (welcome view), a start opening the demo case, and one opening the 10,000-source
case (``threadline gui CASE``).

Opening a case is measured inside one process, with the window already up: ``CaseStore.open`` plus the
window populated — the sources list's first page fetched and the window painted (``repaint``), the title
and status bar filled. The case is built once with ``CaseStore.add_source`` and ready ``Extraction``
records (``bench.corpus`` articles, a third Hebrew or Arabic) and cached under ``bench/out/cases/``.

Searching is measured through the search panel: from setting the query to the results in the list, the
query having run on the panel's worker thread.

    python -m bench.bench_ui_startup               # 7 runs of each
    python -m bench.bench_ui_startup --runs 5 --rebuild

Everything runs offscreen (``QT_QPA_PLATFORM=offscreen``) unless a display is set and ``--on-screen``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path
from time import perf_counter
from typing import Any

from bench.common import (
    OUT_DIR,
    REPO_DIR,
    Report,
    machine_info,
    median,
    ms,
    table,
    verdict,
    write_results,
)
from bench.corpus import SearchCorpusSpec, search_sources

TARGET_START_S = 1.5
TARGET_OPEN_S = 1.0
CASE_SPEC = SearchCorpusSpec(sources=10_000, total_mb=20)
CASES_DIR = OUT_DIR / "cases"
SEARCHES = ("Shoigu", "פיונגיאנג", "موسكو", '"NK News"', "Pyong*", "said")

CHILD = textwrap.dedent(
    """
    import sys
    import time
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    application = QApplication(sys.argv[:1])
    started = time.perf_counter()
    import app.ui.main_window  # run_gui imports it anyway; done here to time it
    print("IMPORTS", time.perf_counter() - started, flush=True)

    def idle_twice():
        QTimer.singleShot(0, lambda: QTimer.singleShot(0, ready))

    def ready():
        print("READY", flush=True)
        application.quit()

    def when_shown():
        windows = [w for w in application.topLevelWidgets() if w.objectName() == "main_window"]
        if windows and windows[0].isVisible() and windows[0].windowHandle().isExposed():
            idle_twice()
        else:
            QTimer.singleShot(1, when_shown)

    QTimer.singleShot(0, when_shown)
    from app.ui.application import run_gui
    case = Path(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] else None
    sys.exit(run_gui(case))
    """
)


# -- the 10,000-source case -----------------------------------------------------------------------------


def cached_case(rebuild: bool) -> Path:
    CASES_DIR.mkdir(parents=True, exist_ok=True)
    path = CASES_DIR / f"ui-{CASE_SPEC.key}-schema0001.threadline"
    if path.exists() and not rebuild:
        return path
    from app.core.records import Extraction, SourceKind, SourceMetadata
    from app.core.textnorm import normalize_text
    from app.store import CaseStore

    kinds = {"text": SourceKind.TEXT, "html": SourceKind.HTML, "pdf": SourceKind.PDF, "docx": SourceKind.DOCX}
    building = path.with_suffix(f".building-{os.getpid()}")
    print(f"building {CASE_SPEC.sources} sources into {path} …", file=sys.stderr, flush=True)
    started = perf_counter()
    with CaseStore.create(building, title="UI benchmark: 10,000 sources", actor="bench") as store:
        for source in search_sources(CASE_SPEC, workers=2):
            extraction = Extraction(
                kind=kinds[source.kind],
                media_type="text/plain",
                text=normalize_text(source.text),
                metadata=SourceMetadata(
                    title=source.title,
                    author=source.author,
                    publisher=source.publisher,
                    published=source.published,
                    language=source.lang,
                ),
            )
            store.add_source(
                source.text.encode(), extraction, original_filename=f"{source.index:05d}.{source.kind}"
            )
            if (source.index + 1) % 1000 == 0:
                print(f"  {source.index + 1} sources", file=sys.stderr, flush=True)
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{building}{suffix}").exists():
            os.replace(f"{building}{suffix}", f"{path}{suffix}")
    print(f"built in {perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return path


def demo_case(folder: Path) -> Path:
    from app.ui.demo import DEMO_CASE_FILE_NAME, build_demo_case

    path = folder / DEMO_CASE_FILE_NAME
    if not path.exists():
        build_demo_case(path)
    return path


# -- start-up -------------------------------------------------------------------------------------------


def child_environment(home: Path, on_screen: bool) -> dict[str, str]:
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if not on_screen:
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def start_once(case: Path | None, on_screen: bool) -> tuple[float, float]:
    """Seconds from starting a fresh process to its window shown and idle, and of those the seconds spent
    importing the main window's modules (store, importers, widgets); every run a first run."""
    with tempfile.TemporaryDirectory(prefix="threadline-start-") as home:
        env = child_environment(Path(home), on_screen)
        started = perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(case) if case else ""],
            cwd=REPO_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        imports = float(child.stdout.readline().split()[1])
        line = child.stdout.readline()
        elapsed = perf_counter() - started
        _out, err = child.communicate(timeout=60)
        if line.strip() != "READY" or child.returncode != 0:
            raise RuntimeError(f"the child did not start cleanly ({child.returncode}):\n{err}")
        return elapsed, imports


def measure_starts(label: str, case: Path | None, runs: int, on_screen: bool) -> dict[str, Any]:
    start_once(case, on_screen)  # warm the OS file cache, as on any second start of the day
    measured = [start_once(case, on_screen) for _ in range(runs)]
    times = [total for total, _imports in measured]
    imports = [imported for _total, imported in measured]
    print(f"  start-up, {label}: median {ms(median(times))} ms", file=sys.stderr, flush=True)
    return {
        "what": label,
        "runs_s": times,
        "median_s": median(times),
        "max_s": max(times),
        "imports_median_s": median(imports),
    }


# -- opening a case and searching, in one process -------------------------------------------------------


def in_process(case: Path, runs: int, home: Path) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    application = QApplication.instance() or QApplication([])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(home / "settings"))
    from app.store import CaseStore
    from app.ui.application import configure_application, create_main_window
    from app.ui.settings import Settings

    configure_application(application)  # type: ignore[arg-type]
    window = create_main_window(Settings(), home / "cases")
    window.resize(1400, 860)
    window.show()
    settle(QCoreApplication.processEvents)

    store_open: list[float] = []
    for _ in range(runs + 1):
        started = perf_counter()
        store = CaseStore.open(case)
        store_open.append(perf_counter() - started)
        store.close()

    fetched: list[int] = []
    window.sources_dock.model.rows_fetched.connect(fetched.append)
    populated: list[float] = []
    for _ in range(runs + 1):
        fetched.clear()
        started = perf_counter()
        window.session.open_case(case)
        window.repaint()  # paints the list: its first page of rows is fetched now
        QCoreApplication.processEvents()
        populated.append(perf_counter() - started)
        assert window.sources_dock.model.rowCount() == CASE_SPEC.sources and fetched, "list not populated"
        window.session.close_case()
        settle(QCoreApplication.processEvents)

    window.session.open_case(case)
    searches = {query: measure_search(window, query, runs) for query in SEARCHES}
    window.close()
    return {
        "store_open_first_s": store_open[0],
        "store_open_median_s": median(store_open[1:]),
        "populated_first_s": populated[0],
        "populated_runs_s": populated[1:],
        "populated_median_s": median(populated[1:]),
        "searches": searches,
    }


def measure_search(window: Any, query: str, runs: int) -> dict[str, Any]:
    from PySide6.QtCore import QCoreApplication

    panel = window.search_panel
    times: list[float] = []
    worker: list[float] = []
    total = 0
    for _ in range(runs + 1):
        panel.query_edit.clear()
        settle(QCoreApplication.processEvents)
        done: list[float] = []
        panel.searched.connect(lambda _text, seconds, done=done: done.append(seconds))
        started = perf_counter()
        panel.set_query(query)
        while not done:
            QCoreApplication.processEvents()
        times.append(perf_counter() - started)
        worker.append(done[0])
        panel.searched.disconnect()
        total = panel.model.total
    return {
        "median_s": median(times[1:]),
        "worker_median_s": median(worker[1:]),
        "sources_matching": total,
    }


def settle(process_events: Callable[[], None], seconds: float = 0.3) -> None:
    end = perf_counter() + seconds
    while perf_counter() < end:
        process_events()


# -- the report -----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="measured runs of each (default 7, at least 5)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached 10,000-source case")
    parser.add_argument("--on-screen", action="store_true", help="use the real display, not offscreen")
    args = parser.parse_args(argv)
    runs = max(5, args.runs)
    machine = machine_info()
    case = cached_case(args.rebuild)
    with tempfile.TemporaryDirectory(prefix="threadline-bench-") as scratch:
        demo = demo_case(Path(scratch))
        starts = [
            measure_starts("first run, welcome view", None, runs, args.on_screen),
            measure_starts("opening the demo case (9 sources)", demo, runs, args.on_screen),
            measure_starts("opening a 10,000-source case", case, runs, args.on_screen),
        ]
        inside = in_process(case, runs, Path(scratch) / "home")
    results = {
        "benchmark": "ui_startup",
        "machine": machine,
        "command": "python -m bench.bench_ui_startup " + " ".join(argv or sys.argv[1:]),
        "platform": "on-screen" if args.on_screen else "offscreen",
        "case": {"path": str(case), "sources": CASE_SPEC.sources, "text_mb": CASE_SPEC.total_mb},
        "runs": runs,
        "starts": starts,
        "open_case": inside,
        "targets": {"start_s": TARGET_START_S, "open_s": TARGET_OPEN_S},
    }
    report = Report()
    report.add(
        f"## Desktop: start-up and a 10,000-source case ({results['platform']}, median of {runs} runs)",
        "",
        table(
            ["what", "median ms", "slowest ms", "of which imports, ms", "target"],
            [
                [
                    start["what"],
                    ms(start["median_s"]),
                    ms(start["max_s"]),
                    ms(start["imports_median_s"]),
                    f"< {TARGET_START_S:g} s",
                ]
                for start in starts
            ]
            + [
                [
                    "open a 10,000-source case: CaseStore.open + list's first page + window painted",
                    ms(inside["populated_median_s"]),
                    ms(max(inside["populated_runs_s"])),
                    "",
                    f"< {TARGET_OPEN_S:g} s",
                ],
                ["  of which CaseStore.open", ms(inside["store_open_median_s"]), "", "", ""],
            ],
        ),
        "",
        table(
            [
                "search in the panel (10,000 sources)",
                "sources",
                "query → list filled, ms",
                "on the worker, ms",
            ],
            [
                [
                    f"`{query}`",
                    f"{found['sources_matching']:,}",
                    ms(found["median_s"]),
                    ms(found["worker_median_s"]),
                ]
                for query, found in inside["searches"].items()
            ],
        ),
        "",
        f"- start-up (first run) {verdict(starts[0]['median_s'] < TARGET_START_S)}; "
        f"opening the case {verdict(inside['populated_median_s'] < TARGET_OPEN_S)}",
        f"- first open of the case in the process (cold SQLAlchemy/Alembic caches): "
        f"{ms(inside['populated_first_s'])} ms",
        f"- load average at start: {machine.get('load_average_at_start')}; other work on the machine "
        "inflates these figures",
    )
    path = write_results("ui_startup", results)
    path.with_suffix(".md").write_text(report.text(), encoding="utf-8")
    print(report.text())
    print(f"results: {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
