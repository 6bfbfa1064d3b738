"""Events in the real window at scale: 100,000 events and 300,000 evidence links, offscreen.

The case is the one ``bench.bench_events`` builds with SQLAlchemy Core bulk inserts (derived values checked
against the repository there) and caches under ``bench/out/cases/``; each run works on a copy. The window is
``MainWindow`` with ``EventsFeature`` installed, 1600 × 1000, every event dock shown. Measured:

- **open + first timeline paint**: from ``CaseSession.open_case`` until the timeline holds the events and
  its plot, axes and overview have been painted (``repaint()`` paints synchronously), the events table's
  first page painted too; split into the window's own opening, the timeline rows and items (read on a
  worker thread) and laying out and painting. Warm runs in this process (the case closed in between), and
  cold runs in a fresh process (interpreter, imports, window, case) timed from outside;
- **zoom/pan repaint**: a session of wheel zooms at varying positions, drags (``translateBy``) and zooms
  back out on the timeline, each timed from the input to the end of the repaint it causes;
- **events table scrolling**: the table scrolled through all 100,000 rows - a page at a time, then jumps
  to random places - each step timed from moving the scroll bar to the end of the repaint (rows are
  fetched a page of 200 at a time as they come into view); the longest step is the longest frame gap a
  user would see, and the same for sorting and filtering (store queries, then one model reset);
- **a change**: an event's title edited through the store, until the table row and the timeline show it
  (the timeline re-reads its rows on a worker and rebuilds only because a title it draws changed);
- **peak memory**: RSS sampled through the whole run.

Targets: open + first timeline paint < 2 s, zoom/pan repaint median < 50 ms, peak memory < 1.5 GB; the
table should scroll without stalls (no step near the 100 ms a user notices).

    python -m bench.bench_ui_timeline            # 100,000 events, 300,000 quotes
    python -m bench.bench_ui_timeline --quick    # 10,000 events, 30,000 quotes
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path
from time import perf_counter, process_time
from typing import Any

import numpy as np

from bench.common import (
    REPO_DIR,
    MemorySampler,
    Report,
    machine_info,
    median,
    percentile,
    ru_maxrss_mb,
    table,
    verdict,
    write_results,
)

TARGET_OPEN_S = 2.0
TARGET_REPAINT_MS = 50.0
TARGET_MEMORY_MB = 1500.0
STALL_MS = 100.0
WINDOW_SIZE = (1600, 1000)

CHILD = textwrap.dedent(
    """
    import sys, time
    started = time.perf_counter()
    from pathlib import Path
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    application = QApplication(sys.argv[:1])
    from app.ui.application import configure_application, create_main_window
    configure_application(application)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[2])
    from app.ui.events import EventsFeature
    from app.ui.settings import Settings
    window = create_main_window(Settings(), Path(sys.argv[2]))
    feature = getattr(window, "events", None)  # the window installs its own now
    feature = feature if isinstance(feature, EventsFeature) else EventsFeature(window)
    window.resize(1600, 1000)
    window.show()
    application.processEvents()
    shown = time.perf_counter()
    window.session.open_case(Path(sys.argv[1]))
    feature.timeline_dock.wait()
    feature.table_model.wait()
    feature.timeline_dock.view.plot.viewport().repaint()
    feature.table_dock.view.viewport().repaint()
    painted = time.perf_counter()
    print("READY", len(feature.timeline_dock.items()), shown - started, painted - shown, flush=True)
    """
)


# -- the case ---------------------------------------------------------------------------------------------


def events_case(quick: bool, rebuild: bool, workers: int) -> tuple[Path, dict[str, Any], bool]:
    """The cached case of ``bench.bench_events`` (built there if missing), and its facts."""
    from bench.bench_events import CASES_DIR, FULL, QUICK, build_events_case, cached, fingerprint

    sizes = QUICK if quick else FULL
    CASES_DIR.mkdir(parents=True, exist_ok=True)
    path = CASES_DIR / f"{sizes.key}-app{fingerprint()}.threadline"
    print(f"events case {path.name} …", file=sys.stderr, flush=True)
    facts, built = cached(path, lambda target: build_events_case(target, sizes, workers), rebuild)
    return path, facts, built


def working_copy(path: Path, folder: Path) -> Path:
    copy = folder / "bench.threadline"
    for suffix in ("-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(path, copy)
    return copy


# -- the window -------------------------------------------------------------------------------------------


class Bench:
    """A window with the events feature, in user folders of its own."""

    def __init__(self, folder: Path) -> None:
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication

        self.application = QApplication.instance() or QApplication(sys.argv[:1])
        from app.ui.application import configure_application, create_main_window

        configure_application(self.application)  # type: ignore[arg-type]
        for variable, name in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config")):
            os.environ[variable] = str(folder / name)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder / "settings"))
        from app.ui.events import EventsFeature
        from app.ui.settings import Settings

        self.window = create_main_window(Settings(), folder / "cases")
        installed = getattr(self.window, "events", None)  # the window installs its own now
        self.feature = installed if isinstance(installed, EventsFeature) else EventsFeature(self.window)
        self.window.resize(*WINDOW_SIZE)
        self.window.show()
        self.process_events()

    def process_events(self) -> None:
        self.application.processEvents()

    def open(self, path: Path) -> dict[str, float]:
        """Open the case and wait for the first timeline paint; seconds per phase."""
        feature = self.feature
        loaded: list[float] = []
        feature.timeline_dock.loaded.connect(lambda: loaded.append(perf_counter()))
        started = perf_counter()
        cpu = process_time()
        self.window.session.open_case(path)
        opened = perf_counter()
        feature.timeline_dock.wait()
        shown = loaded[-1] if loaded else perf_counter()
        feature.table_model.wait()
        view = feature.timeline_dock.view
        view.plot.viewport().repaint()
        view.overview.viewport().repaint()
        feature.table_dock.view.viewport().repaint()
        painted = perf_counter()
        feature.timeline_dock.loaded.disconnect()
        return {
            "total_s": painted - started,
            "window_open_s": opened - started,
            "rows_items_worker_and_layout_s": shown - opened,
            "paint_s": painted - shown,
            "cpu_s": process_time() - cpu,
            "items": len(feature.timeline_dock.items()),
            "table_rows": feature.table_model.rowCount(),
        }

    def idle_gaps(self, seconds: float) -> float:
        """Run the event loop for ``seconds`` with a 10 ms timer; the longest gap between its ticks."""
        from PySide6.QtCore import QTimer

        ticks: list[float] = []
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(lambda: ticks.append(perf_counter()))
        timer.start()
        end = perf_counter() + seconds
        while perf_counter() < end:
            self.application.processEvents()
        timer.stop()
        return max((b - a for a, b in pairwise(ticks)), default=0.0)

    def close_case(self) -> None:
        self.window.close_case()
        self.process_events()


def wheel(view: Any, x: float, steps: int) -> None:
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    viewport = view.plot.viewport()
    position = QPointF(x, viewport.height() / 2)
    event = QWheelEvent(
        position,
        QPointF(viewport.mapToGlobal(position.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)


def zoom_pan_session(view: Any, steps: int, seed: int) -> list[tuple[str, float, float]]:
    """(kind, wall seconds, CPU seconds) from each input to the end of its repaint."""
    rng = np.random.default_rng(seed)
    width = view.plot.viewport().width()
    zoom_in = steps * 2 // 5
    pans = steps * 3 // 10
    plan = ["zoom in"] * zoom_in + ["pan"] * pans + ["zoom out"] * (steps - zoom_in - pans)
    timings = []
    for kind in plan:
        cpu, started = process_time(), perf_counter()
        if kind == "pan":
            low, high = view.view_box.viewRange()[0]
            view.view_box.translateBy(x=(high - low) * rng.uniform(-0.3, 0.3))
        else:
            wheel(view, rng.uniform(0.3, 0.7) * width, 1 if kind == "zoom in" else -1)
        view.plot.viewport().repaint()
        view.overview.viewport().repaint()
        timings.append((kind, perf_counter() - started, process_time() - cpu))
    return timings


def scroll_session(bench: Bench, jumps: int, seed: int) -> dict[str, Any]:
    """Page through the table from top to bottom, then jump around; seconds per step."""
    bench.feature.table_dock.raise_()  # in front of the sources list, where it starts
    bench.process_events()
    view = bench.feature.table_dock.view
    bar = view.verticalScrollBar()
    fetched: list[int] = []
    bench.feature.table_model.rows_fetched.connect(fetched.append)
    steps: list[float] = []
    positions = list(range(0, bar.maximum() + 1, max(bar.pageStep(), 1)))
    rng = np.random.default_rng(seed)
    positions += [int(value) for value in rng.integers(0, bar.maximum() + 1, jumps)]
    for position in positions:
        started = perf_counter()
        bar.setValue(position)
        view.viewport().repaint()
        steps.append(perf_counter() - started)
    bench.feature.table_model.rows_fetched.disconnect()
    return {
        "steps": len(steps),
        "median_ms": median(steps) * 1000,
        "p99_ms": percentile(steps, 99) * 1000,
        "max_gap_ms": max(steps) * 1000,
        "stalls_over_100ms": sum(step * 1000 > STALL_MS for step in steps),
        "summaries_fetched": sum(fetched),
        "page_loads": len(fetched),
    }


def timed(work: Callable[[], object]) -> float:
    started = perf_counter()
    work()
    return perf_counter() - started


def table_queries(bench: Bench) -> dict[str, float]:
    """Sorting and filtering the table: a store query (a filter's on a worker, while the rows shown stay),
    then one model reset and a repaint."""
    from PySide6.QtCore import Qt

    from app.core.event_records import EventFilter
    from app.ui.events.table_model import Column

    model = bench.feature.table_model
    view = bench.feature.table_dock.view

    def then_paint(work: Callable[[], object]) -> Callable[[], object]:
        def run() -> None:
            work()
            model.wait()  # a filter's ids are read on a worker
            view.viewport().repaint()

        return run

    results = {
        "sort by title": timed(
            then_paint(lambda: model.sort(int(Column.TITLE), Qt.SortOrder.AscendingOrder))
        ),
        "sort by confidence": timed(then_paint(lambda: model.sort(int(Column.CONFIDENCE)))),
        "sort by disputed": timed(then_paint(lambda: model.sort(int(Column.DISPUTED)))),
        "sort by date": timed(then_paint(lambda: model.sort(int(Column.DATE)))),
        "filter: text": timed(then_paint(lambda: model.set_filter(EventFilter(text="פיונגיאנג")))),
        "filter: disputed only": timed(then_paint(lambda: model.set_filter(EventFilter(disputed_only=True)))),
        "filter: none": timed(then_paint(lambda: model.set_filter(EventFilter()))),
    }
    return {name: seconds * 1000 for name, seconds in results.items()}


def timeline_filter(bench: Bench) -> float:
    """One filter through the shared bar: the table and the timeline both follow (until painted)."""
    from app.core.event_records import EventFilter

    feature = bench.feature
    started = perf_counter()
    feature.filters.set_filter(EventFilter(disputed_only=True))
    feature.timeline_dock.wait()
    feature.timeline_dock.view.plot.viewport().repaint()
    feature.table_dock.view.viewport().repaint()
    seconds = perf_counter() - started
    feature.filters.clear()
    feature.timeline_dock.wait()
    return seconds


def until(bench: Bench, done: Callable[[], bool], limit_s: float = 60.0) -> tuple[float, float]:
    """Run the event loop until ``done()``; the seconds it took and the longest gap between the ticks of a
    5 ms timer meanwhile - the longest the GUI thread was busy with one thing (a frame the user waits for)."""
    from PySide6.QtCore import QEventLoop, QTimer

    started = perf_counter()
    ticks = [started]
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(perf_counter()))
    timer.start()
    while not done() and perf_counter() - started < limit_s:
        bench.application.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    for _ in range(3):  # the paint the last change scheduled
        bench.application.processEvents()
    ended = perf_counter()
    timer.stop()
    ticks.append(ended)
    return ended - started, max(b - a for a, b in pairwise(ticks))


def one_change(bench: Bench) -> dict[str, float]:
    """Edit a title in the store; time until the table row and the timeline show it, and the longest the
    GUI thread was busy meanwhile (the timeline re-reads and lays out on a worker)."""
    feature = bench.feature
    store = bench.window.store
    assert store is not None
    dock = feature.timeline_dock
    event_id = feature.table_model.event_id_at(5)
    feature.table_model.cells_at(5)  # the row is cached, so the change refreshes it
    title = "Renamed in the benchmark"
    seen: dict[str, float] = {}

    def shown() -> bool:
        if "table" not in seen and (feature.table_model.cells_at(5) or ("", ""))[1] == title:
            seen["table"] = perf_counter()
        return (
            not dock.is_loading()
            and "table" in seen
            and any(item.id == event_id and item.title == title for item in dock.items())
        )

    started = perf_counter()
    store.events.update(event_id, {"title": title})
    took, gap = until(bench, shown)
    return {
        "table_row_ms": (seen["table"] - started) * 1000,
        "timeline_ms": took * 1000,
        "gap_ms": gap * 1000,
    }


def regroup(bench: Bench) -> dict[str, dict[str, float]]:
    """Lanes by each grouping in turn: time until the timeline shows them, and the longest GUI-thread gap."""
    from app.ui.events.timeline_items import Grouping

    feature = bench.feature
    dock = feature.timeline_dock
    results = {}
    for grouping in (Grouping.SOURCE, Grouping.ENTITY, Grouping.TAG, Grouping.NONE):
        loaded: list[float] = []
        dock.loaded.connect(lambda found=loaded: found.append(perf_counter()))
        feature.set_grouping(grouping)
        took, gap = until(bench, lambda found=loaded: bool(found) and not dock.is_loading())
        dock.loaded.disconnect()
        results[grouping.value] = {
            "shown_ms": took * 1000,
            "gap_ms": gap * 1000,
            "lanes": len(dock.view.lane_titles()),
        }
    return results


def cold_runs(path: Path, folder: Path, runs: int) -> list[dict[str, float]]:
    results = []
    for run in range(runs):
        copy = working_copy(path, folder)
        settings = folder / f"cold-settings-{run}"
        started = perf_counter()
        output = subprocess.run(
            [sys.executable, "-c", CHILD, str(copy), str(settings)],
            cwd=REPO_DIR,
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")},
        ).stdout
        elapsed = perf_counter() - started
        _ready, items, window_s, case_s = next(
            line for line in output.splitlines() if line.startswith("READY")
        ).split()
        results.append(
            {
                "total_s": elapsed,
                "items": int(items),
                "start_to_window_shown_s": float(window_s),
                "open_to_first_paint_s": float(case_s),
                "interpreter_and_exit_s": elapsed - float(window_s) - float(case_s),
            }
        )
    return results


# -- running and reporting --------------------------------------------------------------------------------


def run(path: Path, *, steps: int, jumps: int, opens: int, cold: int, seed: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="threadline-bench-") as scratch:
        folder = Path(scratch)
        with MemorySampler() as memory:
            bench = Bench(folder)
            opened = []
            for _ in range(opens):
                copy = working_copy(path, folder)
                opened.append(bench.open(copy))
                opened[-1]["then_longest_gap_ms"] = bench.idle_gaps(1.5) * 1000
                if len(opened) < opens:
                    bench.close_case()
            results["open"] = opened
            results["after_open_longest_gap_ms"] = opened[0]["then_longest_gap_ms"]
            view = bench.feature.timeline_dock.view
            view.fit_all()
            view.plot.viewport().repaint()
            session = zoom_pan_session(view, steps, seed)
            results["zoom_pan"] = {
                "steps": len(session),
                "median_ms": median([wall for _, wall, _ in session]) * 1000,
                "p95_ms": percentile([wall for _, wall, _ in session], 95) * 1000,
                "max_ms": max(wall for _, wall, _ in session) * 1000,
                "cpu_median_ms": median([cpu for _, _, cpu in session]) * 1000,
                "by_kind_median_ms": {
                    kind: median([wall for k, wall, _ in session if k == kind]) * 1000
                    for kind in ("zoom in", "pan", "zoom out")
                },
            }
            results["table_scroll"] = scroll_session(bench, jumps, seed)
            results["table_queries_ms"] = table_queries(bench)
            results["shared_filter_ms"] = timeline_filter(bench) * 1000
            results["change"] = one_change(bench)
            results["regroup"] = regroup(bench)
            bench.close_case()
            bench.window.close()
        results["memory"] = memory.as_dict()
        results["ru_maxrss"] = ru_maxrss_mb()
        results["cold"] = cold_runs(path, folder, cold) if cold else []
    return results


def summarise(results: dict[str, Any]) -> str:
    report = Report()
    facts = results["case"]
    report.add(
        f"# Events in the window: {facts['events']:,} events, {facts['evidence']:,} quotes, "
        f"{facts['sources']:,} sources",
        "",
    )
    opens = results["open"]
    best = min(run["total_s"] for run in opens)
    report.add(
        "## Open + first timeline paint",
        table(
            ["run", "total s", "window opens s", "rows + items + layout s", "paint s", "CPU s", "items"],
            [
                [
                    number,
                    f"{run['total_s']:.2f}",
                    f"{run['window_open_s']:.2f}",
                    f"{run['rows_items_worker_and_layout_s']:.2f}",
                    f"{run['paint_s']:.3f}",
                    f"{run['cpu_s']:.2f}",
                    f"{run['items']:,}",
                ]
                for number, run in enumerate(opens, start=1)
            ],
        ),
        "",
    )
    report.add(
        "In the 1.5 s after the first paint the event loop's longest gap was "
        + ", ".join(f"{run['then_longest_gap_ms']:.0f} ms" for run in opens)
        + " (run by run; a collection, then the loaded events moved out of the cycle collector's way, "
        "so later full collections stay short)",
        "",
    )
    warm = median([run["total_s"] for run in opens])
    cold = [run["total_s"] for run in results["cold"]]
    line = f"In this process: median {warm:.2f} s (best {best:.2f} s)"
    if cold:
        runs = results["cold"]
        line += (
            f"; fresh process, start to first paint: median {median(cold):.2f} s, of which window up "
            f"{median([run['start_to_window_shown_s'] for run in runs]):.2f} s, case open to first paint "
            f"{median([run['open_to_first_paint_s'] for run in runs]):.2f} s, interpreter start and exit "
            f"{median([run['interpreter_and_exit_s'] for run in runs]):.2f} s"
        )
    report.add(line + f" - target < {TARGET_OPEN_S} s: {verdict(warm < TARGET_OPEN_S)}", "")
    zoom = results["zoom_pan"]
    report.add(
        "## Zoom and pan repaint",
        f"{zoom['steps']} steps: median {zoom['median_ms']:.1f} ms, p95 {zoom['p95_ms']:.1f} ms, max "
        f"{zoom['max_ms']:.1f} ms (CPU median {zoom['cpu_median_ms']:.1f} ms); by kind "
        + ", ".join(f"{kind} {value:.1f} ms" for kind, value in zoom["by_kind_median_ms"].items())
        + f" - target median < {TARGET_REPAINT_MS:.0f} ms: {verdict(zoom['median_ms'] < TARGET_REPAINT_MS)}",
        "",
    )
    scroll = results["table_scroll"]
    report.add(
        "## Events table scrolling",
        f"{scroll['steps']} steps (every page, then random jumps): median {scroll['median_ms']:.1f} ms, "
        f"p99 {scroll['p99_ms']:.1f} ms, longest frame gap {scroll['max_gap_ms']:.1f} ms, "
        f"{scroll['stalls_over_100ms']} steps over {STALL_MS:.0f} ms; {scroll['summaries_fetched']:,} rows "
        f"fetched in {scroll['page_loads']:,} page loads",
        "",
        table(
            ["table query (then repaint)", "ms"],
            [[k, f"{v:.0f}"] for k, v in results["table_queries_ms"].items()],
        ),
        "",
        f"One filter applied through the shared bar, table and timeline both repainted: "
        f"{results['shared_filter_ms']:.0f} ms",
        f"A title edited in the store: table row shows it after {results['change']['table_row_ms']:.0f} ms, "
        f"the timeline after {results['change']['timeline_ms']:.0f} ms (rows re-read and laid out on a "
        f"worker); longest GUI-thread gap meanwhile {results['change']['gap_ms']:.0f} ms",
        "",
        table(
            ["lanes by", "shown after ms", "longest GUI-thread gap ms", "lanes"],
            [
                [name, f"{run['shown_ms']:.0f}", f"{run['gap_ms']:.0f}", f"{run['lanes']:,}"]
                for name, run in results.get("regroup", {}).items()
            ],
        ),
        "",
    )
    memory = results["memory"]
    peak = memory["peak_self_mb"]
    report.add(
        "## Memory",
        f"peak RSS {peak:.0f} MB (ru_maxrss {results['ru_maxrss']['self_mb']:.0f} MB) - target < "
        f"{TARGET_MEMORY_MB:.0f} MB: {verdict(peak < TARGET_MEMORY_MB)}",
    )
    return report.text()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10,000 events and 30,000 quotes")
    parser.add_argument("--steps", type=int, default=60, help="zoom and pan steps")
    parser.add_argument("--jumps", type=int, default=100, help="random jumps while scrolling the table")
    parser.add_argument("--opens", type=int, default=3, help="times the case is opened in this process")
    parser.add_argument("--cold", type=int, default=3, help="fresh-process opens")
    parser.add_argument("--workers", type=int, default=2, help="processes generating the corpus")
    parser.add_argument("--rebuild", action="store_true", help="build the case even if a cached one exists")
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    path, facts, built = events_case(args.quick, args.rebuild, args.workers)
    print("measuring …", file=sys.stderr, flush=True)
    results = run(path, steps=args.steps, jumps=args.jumps, opens=args.opens, cold=args.cold, seed=args.seed)
    results.update({"case": facts, "case_built_now": built, "machine": machine_info()})
    text = summarise(results)
    results["report"] = text
    write_results("ui_timeline", results)
    print(text)
    print(
        json.dumps({key: results[key] for key in ("open", "zoom_pan", "table_scroll")}, indent=1),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
