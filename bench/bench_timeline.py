"""Timeline benchmark: 100,000 markers and 10,000 bars across lanes, drawn offscreen by ``TimelineView``.

The items are generated (deterministically) before timing: point events at day precision, a few exact to the
minute, in bursts and quiet stretches over twenty years; bars from a day to a year long, some certain over
part of their range, some open-ended; a few approximate or disputed; titles in Hebrew, Arabic, Russian and
English. Measured, with ``QT_QPA_PLATFORM=offscreen``:

- first render: ``set_items`` until the first paint of the plot, its axes and the overview strip has finished
  (``repaint()`` of their viewports paints synchronously);
- zoom/pan repaint: a session of ``--steps`` steps - wheel zooms (real ``QWheelEvent``s at varying
  positions), drags (``ViewBox.translateBy``, what a drag calls) and zooms back out - each timed from the
  input to the end of the repaint it causes, split into the view update (clustering, labels) and the paint;
- peak memory (sampled RSS, and ``ru_maxrss``).

Target: zoom/pan repaint median < 50 ms (brief: about 15 ms; first render about 0.3 s).

    python -m bench.bench_timeline                # 100,000 markers + 10,000 bars, 8 lanes, 50 steps
    python -m bench.bench_timeline --quick        # 10,000 + 1,000, 20 steps
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter, process_time
from typing import Any

import numpy as np

from bench.common import (
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

TARGET_MEDIAN_MS = 50.0
TARGET_FIRST_RENDER_S = 0.3
DAY = 86_400.0
LANES = ("Flights", "Money", "Crew", "Cargo", "טיסות", "رحلات", "Press", "Court")
TITLES = (
    "Aircraft landed at {n}",
    "המטוס נחת בפיונגיאנג, אירוע {n}",
    "هبطت الطائرة في بيونغ يانغ، حدث {n}",
    "Самолёт вылетел из Внукова, событие {n}",
    "Payment of $1.2M routed through account {n}",
)


def generate_items(markers: int, bars: int, seed: int = 20261125) -> list[Any]:
    from app.core.timeline_layout import TimelineItem

    rng = np.random.default_rng(seed)
    start = datetime(2005, 1, 1, tzinfo=UTC).timestamp()
    span = 20 * 365.25 * DAY
    burst_centres = rng.uniform(start, start + span, 60)
    in_burst = rng.random(markers) < 0.5
    times = np.where(
        in_burst,
        rng.choice(burst_centres, markers) + rng.normal(0, 20 * DAY, markers),
        rng.uniform(start, start + span, markers),
    )
    exact = rng.random(markers) < 0.1
    lanes = rng.integers(0, len(LANES), markers + bars)
    items = []
    for n in range(markers):
        if exact[n]:
            earliest = latest = float(times[n] // 60 * 60)
        else:
            earliest = float(times[n] // DAY * DAY)
            latest = earliest + DAY
        items.append(
            TimelineItem(
                id=n,
                title=TITLES[n % len(TITLES)].format(n=n),
                lane=LANES[lanes[n]],
                earliest=earliest,
                latest=latest,
                certain_start=None,
                certain_end=None,
                has_end=False,
                approximate=n % 17 == 0,
                disputed=n % 23 == 0,
                colour=None,
                evidence_count=int(n % 5),
            )
        )
    lengths = np.exp(rng.uniform(np.log(DAY), np.log(365 * DAY), bars))
    bar_starts = rng.uniform(start, start + span, bars)
    for k in range(bars):
        n = markers + k
        earliest, latest = float(bar_starts[k]), float(bar_starts[k] + lengths[k])
        certain = None
        if k % 3 == 0:
            certain = (earliest + 0.25 * (latest - earliest), earliest + 0.75 * (latest - earliest))
        if k % 97 == 0:
            earliest = None  # "before …"
        items.append(
            TimelineItem(
                id=n,
                title=TITLES[n % len(TITLES)].format(n=n),
                lane=LANES[lanes[n]],
                earliest=earliest,
                latest=latest,
                certain_start=certain[0] if certain else None,
                certain_end=certain[1] if certain else None,
                has_end=k % 4 != 0,
                approximate=k % 11 == 0,
                disputed=k % 13 == 0,
                colour="#8B4513" if k % 29 == 0 else None,
            )
        )
    return items


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


def paint_now(view: Any) -> None:
    """Paint the plot (with its axes) and the overview strip now; ``repaint()`` returns when done."""
    view.plot.viewport().repaint()
    view.overview.viewport().repaint()


def session(view: Any, steps: int, seed: int) -> list[tuple[str, float, float, float]]:
    """(kind, update seconds, paint seconds, CPU seconds) per step.

    CPU time (this process) is reported beside wall time because the benchmark often shares the machine:
    wall time then includes waiting for a core, CPU time does not.
    """
    rng = np.random.default_rng(seed)
    viewport = view.plot.viewport()
    width = viewport.width()
    zoom_in = steps * 2 // 5
    pans = steps * 3 // 10
    plan = ["zoom in"] * zoom_in + ["pan"] * pans + ["zoom out"] * (steps - zoom_in - pans)
    timings = []
    for kind in plan:
        cpu = process_time()
        started = perf_counter()
        if kind == "pan":
            low, high = view.view_box.viewRange()[0]
            view.view_box.translateBy(x=(high - low) * rng.uniform(-0.3, 0.3))
        else:
            wheel(view, rng.uniform(0.3, 0.7) * width, 1 if kind == "zoom in" else -1)
        updated = perf_counter()
        paint_now(view)
        painted = perf_counter()
        timings.append((kind, updated - started, painted - updated, process_time() - cpu))
    return timings


def relayout_times(view: Any, items: list[Any], rounds: int = 5) -> dict[str, float]:
    """After a change (one title, so every item is new to the view but most titles are not): the layout a
    worker makes (``prepare``), what the GUI thread then does with it (``set_items`` with the layout,
    keeping the visible range, and the paint), and the whole relayout in the GUI thread as it was before
    the worker made the layout. Medians of ``rounds``, ms."""
    from app.ui.timeline.data import prepare

    worker, swap, whole = [], [], []
    for round_ in range(rounds):
        changed = list(items)
        changed[round_] = dataclasses.replace(changed[round_], title=f"Changed {round_}")
        kept = view.visible_range()
        started = perf_counter()
        layout = prepare(changed, view._grouping, view.max_bar_rows)
        worker.append(perf_counter() - started)
        started = perf_counter()
        view.set_items(changed, layout, kept)
        paint_now(view)
        swap.append(perf_counter() - started)
        started = perf_counter()
        view.set_items(list(changed), None, kept)
        paint_now(view)
        whole.append(perf_counter() - started)
    return {
        "worker_prepare": median(worker) * 1000,
        "gui_swap_and_paint": median(swap) * 1000,
        "all_in_gui_thread": median(whole) * 1000,
    }


def run(markers: int, bars: int, steps: int, seed: int) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    application = QApplication.instance() or QApplication(sys.argv[:1])
    from app.ui.application import configure_application
    from app.ui.timeline import TimelineView

    configure_application(application)
    started = perf_counter()
    items = generate_items(markers, bars, seed)
    generate_s = perf_counter() - started
    view = TimelineView()
    view.resize(1600, 900)
    view.show()
    application.processEvents()
    gc.collect()
    load = os.getloadavg()
    with MemorySampler(interval=0.01) as memory:
        cpu = process_time()
        started = perf_counter()
        view.set_items(items)
        set_items_s = perf_counter() - started
        paint_now(view)
        first_render_s = perf_counter() - started
        first_render_cpu_s = process_time() - cpu
        application.processEvents()
        second = perf_counter()
        paint_now(view)
        repaint_still_s = perf_counter() - second
        timings = session(view, steps, seed)
        relayout = relayout_times(view, items)
    drawn = view.drawn_markers()
    totals = [update + paint for _, update, paint, _ in timings]
    cpu_totals = [cpu for *_, cpu in timings]
    by_kind = {
        kind: {
            "median_ms": median([u + p for k, u, p, _ in timings if k == kind]) * 1000,
            "p95_ms": percentile([u + p for k, u, p, _ in timings if k == kind], 95) * 1000,
            "steps": sum(1 for k, *_ in timings if k == kind),
        }
        for kind in ("zoom in", "pan", "zoom out")
    }
    return {
        "benchmark": "timeline",
        "machine": machine_info(),
        "command": " ".join([Path(sys.executable).name, "-m", "bench.bench_timeline", *sys.argv[1:]]),
        "markers": markers,
        "bars": bars,
        "lanes": len(LANES),
        "rows": int(view._data.layout.total_rows) if view._data is not None else 0,
        "generate_items_s": generate_s,
        "set_items_s": set_items_s,
        "first_render_s": first_render_s,
        "first_render_cpu_s": first_render_cpu_s,
        "load_average_at_start": load,
        "still_repaint_ms": repaint_still_s * 1000,
        "steps": len(timings),
        "step_median_ms": median(totals) * 1000,
        "step_p95_ms": percentile(totals, 95) * 1000,
        "step_max_ms": max(totals) * 1000,
        "step_cpu_median_ms": median(cpu_totals) * 1000,
        "step_cpu_p95_ms": percentile(cpu_totals, 95) * 1000,
        "update_median_ms": median([u for _, u, _, _ in timings]) * 1000,
        "paint_median_ms": median([p for _, _, p, _ in timings]) * 1000,
        "by_kind": by_kind,
        "relayout_ms": relayout,
        "final_view": {"drawn": len(drawn), "badges": sum(1 for m in drawn if m.count > 1)},
        "memory": memory.as_dict(),
        "ru_maxrss": ru_maxrss_mb(),
    }


def summarise(results: dict[str, Any]) -> str:
    report = Report()
    report.add(
        f"## Timeline: {results['markers']:,} markers + {results['bars']:,} bars in {results['lanes']} lanes "
        f"({results['rows']} rows), offscreen, 1600×900",
        "",
        table(
            ("measure", "value", "target"),
            [
                (
                    "first render (set_items → first paint done)",
                    f"{results['first_render_s'] * 1000:.0f} ms",
                    f"≈ {TARGET_FIRST_RENDER_S * 1000:.0f} ms",
                ),
                ("  the same in CPU time", f"{results['first_render_cpu_s'] * 1000:.0f} ms", ""),
                (
                    "  of which set_items (layout, first view update)",
                    f"{results['set_items_s'] * 1000:.0f} ms",
                    "",
                ),
                ("repaint with nothing changed", f"{results['still_repaint_ms']:.1f} ms", ""),
                (
                    "relayout after a change: layout on the worker / GUI thread (swap + paint)",
                    f"{results['relayout_ms']['worker_prepare']:.0f} / "
                    f"{results['relayout_ms']['gui_swap_and_paint']:.0f} ms",
                    "the GUI thread never blocks",
                ),
                (
                    "  the same relayout all in the GUI thread (as before)",
                    f"{results['relayout_ms']['all_in_gui_thread']:.0f} ms",
                    "",
                ),
                (
                    f"zoom/pan step, median of {results['steps']}",
                    f"{results['step_median_ms']:.1f} ms",
                    f"< {TARGET_MEDIAN_MS:.0f} ms: {verdict(results['step_median_ms'] < TARGET_MEDIAN_MS)}",
                ),
                ("zoom/pan step, p95", f"{results['step_p95_ms']:.1f} ms", ""),
                ("zoom/pan step, max", f"{results['step_max_ms']:.1f} ms", ""),
                (
                    "zoom/pan step in CPU time, median / p95",
                    f"{results['step_cpu_median_ms']:.1f} / {results['step_cpu_p95_ms']:.1f} ms",
                    "",
                ),
                ("  update (cluster, labels) median", f"{results['update_median_ms']:.1f} ms", ""),
                ("  paint median", f"{results['paint_median_ms']:.1f} ms", ""),
                *(
                    (f"  {kind} median / p95", f"{v['median_ms']:.1f} / {v['p95_ms']:.1f} ms", "")
                    for kind, v in results["by_kind"].items()
                ),
                (
                    "peak RSS (sampled, from set_items on)",
                    f"{results['memory']['peak_self_mb']:.0f} MB "
                    f"(started at {results['memory']['start_self_mb']:.0f} MB)",
                    "",
                ),
                ("ru_maxrss of the process", f"{results['ru_maxrss']['self_mb']:.0f} MB", ""),
            ],
        ),
        "",
        f"- items generated in {results['generate_items_s']:.2f} s (not timed above); at the end "
        f"{results['final_view']['drawn']} markers drawn, "
        f"{results['final_view']['badges']} of them count badges",
        f"- machine: {results['machine']['cpu']}, {results['machine']['usable_cpus']} CPUs, "
        f"Python {results['machine']['python']}; load average at start "
        f"{', '.join(f'{value:.1f}' for value in results['load_average_at_start'])}",
    )
    return report.text()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--markers", type=int, default=100_000)
    parser.add_argument("--bars", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--quick", action="store_true", help="10,000 markers, 1,000 bars, 20 steps")
    args = parser.parse_args(argv)
    if args.quick:
        args.markers, args.bars, args.steps = 10_000, 1_000, 20
    results = run(args.markers, args.bars, args.steps, args.seed)
    text = summarise(results)
    results["report"] = text
    path = write_results("timeline", results)
    print(text)
    print(f"results: {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
