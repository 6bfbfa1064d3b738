"""Opening a large source with many highlighted mentions in the reader.

A real (offscreen) main window opens a case holding one ~200 KB source (mostly Hebrew, with Arabic and
Latin runs, paragraphs in both directions) and 2,000 mentions of 40 entities of five types in it, tagged
through the store. Each round opens a small source first, then the large one, and times what the user
waits for: ``MainWindow.open_source`` (the store reads the source, the reader lays out the text, the
entities controller reads ``mentions_in`` and hands the mentions to the reader) and the first paint of
the reader's viewport, which draws the mentions it shows. The identifiers of the source are looked for
afterwards on a worker; each round waits for that scan to end before the next timing. The parts are then
timed alone on the open source: the ``mentions_in`` query, ``ReaderView.set_mentions``, a repaint with
the highlights, the identifier scan, and the refresh that follows a change (a tag or an undo).
Target: open + first paint under 200 ms (median).

    python -m bench.bench_ui_mentions              # 200 KB, 2,000 mentions, 7 rounds
    python -m bench.bench_ui_mentions --quick      # 3 rounds (fewer than the 5 the target asks for)
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import OUT_DIR, Report, machine_info, median, table, verdict, write_results

TARGET_MS = 200.0
WORK_DIR = OUT_DIR / "ui-mentions-cases"


def words(sentence: str) -> list[str]:
    return sentence.split()


HEBREW = words(
    "המטוס נחת בשדה התעופה לפי עדים הטיסה יצאה בלילה וחנתה בקצה המסלול המשלחת הגיעה כדי לחתום על הסכם "
    "לשיתוף פעולה תעשייתי כך נמסר בהודעה רשמית ומומחים הזכירו כי ההחלטה אוסרת להעביר מכונות"
)
ARABIC = words("هبطت الطائرة في المطار بعد منتصف الليل وقال شهود إن الشاحنات كانت تنتظر في المدرج")
ENGLISH = words("the aircraft landed at the airport after midnight witnesses said trucks waited there")
TYPES = ("person", "organisation", "location", "equipment", "other")


def entity_names(count: int) -> list[tuple[str, str]]:
    """(type, name) for ``count`` made-up entities; names in Hebrew, Arabic and Latin."""
    stems = ["גנאדי", "טייגה", "אירקוטסק", "סונאן", "מרידיאן", "تايغا", "إيركوتسك", "Solovtsov", "Vnukovo"]
    return [
        (TYPES[i % len(TYPES)], f"{stems[i % len(stems)]}{chr(0x05D0 + i % 22) if i % 3 else ''}{i}")
        for i in range(count)
    ]


def build_text(
    size: int, names: list[str], mentions: int, seed: int = 20261125
) -> tuple[str, list[tuple[int, int, int]]]:
    """About ``size`` bytes of text with ``mentions`` names spread evenly through it; (entity, start, end)."""
    rng = random.Random(seed)
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    length = encoded = 0
    every = size / mentions  # bytes between two names
    words = HEBREW
    while encoded < size or len(spans) < mentions:
        if rng.random() < 0.08:  # a new sentence, maybe a new paragraph, maybe another language
            words = rng.choice((HEBREW, HEBREW, HEBREW, ARABIC, ENGLISH))
            piece = ".\n" if rng.random() < 0.15 else ". "
        elif len(spans) < mentions and encoded >= len(spans) * every:
            entity = rng.randrange(len(names))
            spans.append((entity, length + 1, length + 1 + len(names[entity])))
            piece = " " + names[entity]
        else:
            piece = " " + rng.choice(words)
        parts.append(piece)
        length += len(piece)
        encoded += len(piece.encode())
    return "".join(parts).strip(" ") + "\n", spans


def build_case(path: Path, size: int, mentions: int, entities: int) -> tuple[int, int]:
    """A case with a small source and the large one, mentions tagged; (small id, large id)."""
    from app.ingest.pipeline import import_paths
    from app.store import CaseStore

    folder = path.parent / f"{path.stem}-files"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    kinds_and_names = entity_names(entities)
    text, spans = build_text(size, [name for _kind, name in kinds_and_names], mentions)
    (folder / "large.txt").write_text(text, encoding="utf-8")
    (folder / "small.txt").write_text("מסמך קצר. A short note.\n", encoding="utf-8")
    with CaseStore.create(path, title="UI mentions benchmark", actor="bench") as store:
        outcomes = import_paths(store, sorted(folder.iterdir()), imported_by="bench", workers=1)
        ids = {Path(o.path).stem: o.source_id for o in outcomes}
        large, small = ids["large"], ids["small"]
        assert isinstance(large, int) and isinstance(small, int)
        stored = store.source_text(large)
        assert stored == text, "the generated text is already normalised"
        with store.batch():
            entity_ids = [store.entities.add(kind, name).id for kind, name in kinds_and_names]
            for entity, start, end in spans:
                store.entities.tag(large, start, end, entity_ids[entity])
        assert len(store.entities.mentions_in(large)) == len(spans)
    shutil.rmtree(folder, ignore_errors=True)
    return small, large


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def settle(app: Any, window: Any) -> None:
    """Wait for the identifier scan the controller starts after a paint, so it overlaps no timing."""
    deadline = time.perf_counter() + 10
    while window.entities.is_scanning() and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.005)
    app.processEvents()


def run(case: Path, small: int, large: int, rounds: int) -> list[dict[str, Any]]:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.ui.application import configure_application, create_main_window
    from app.ui.main_window import MainWindow
    from app.ui.settings import Settings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    configure_application(app)
    home = WORK_DIR / f"home-{os.getpid()}"  # settings of our own: the user's stay untouched
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(home / "settings"))
    window: MainWindow = create_main_window(Settings(), home / "cases")
    window.resize(1400, 900)
    window.show()
    window.session.open_case(case)
    app.processEvents()
    store = window.store
    assert store is not None
    reader = window.reader
    results = []
    for _round in range(rounds):
        window.open_source(small)
        reader.viewport().repaint()
        settle(app, window)
        started = time.perf_counter()
        window.open_source(large)
        opened = time.perf_counter()
        reader.viewport().repaint()
        painted = time.perf_counter()
        shown = len(reader.mentions())
        settle(app, window)
        # the parts, alone, on the open source
        t0 = time.perf_counter()
        highlights = store.entities.mentions_in(large)
        t1 = time.perf_counter()
        reader.set_mentions(highlights)
        t2 = time.perf_counter()
        reader.viewport().repaint()
        t3 = time.perf_counter()
        store.entities.identifier_candidates(large)
        t4 = time.perf_counter()
        window.entities.refresh_source()
        reader.viewport().repaint()
        t5 = time.perf_counter()
        settle(app, window)
        results.append(
            {
                "open_and_first_paint_ms": ms(painted - started),
                "open_source_ms": ms(opened - started),
                "first_paint_ms": ms(painted - opened),
                "mentions_in_ms": ms(t1 - t0),
                "set_mentions_ms": ms(t2 - t1),
                "repaint_with_highlights_ms": ms(t3 - t2),
                "identifier_scan_ms": ms(t4 - t3),
                "refresh_after_change_ms": ms(t5 - t4),
                "mentions_drawn": shown,
            }
        )
        print(
            f"  open + first paint {results[-1]['open_and_first_paint_ms']} ms ({shown} mentions drawn)",
            file=sys.stderr,
        )
    window.close()
    shutil.rmtree(home, ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=200_000, help="bytes of the large source")
    parser.add_argument("--mentions", type=int, default=2000)
    parser.add_argument("--entities", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="3 rounds")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds = 3
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    case = WORK_DIR / f"ui-mentions-{os.getpid()}.threadline"
    print(
        f"UI mentions benchmark: {args.size:,} bytes, {args.mentions} mentions, {args.rounds} rounds",
        file=sys.stderr,
    )
    small, large = build_case(case, args.size, args.mentions, args.entities)
    rounds = run(case, small, large, args.rounds)
    for leftover in WORK_DIR.glob(case.name + "*"):
        leftover.unlink()
    keys = [key for key in rounds[0] if key != "mentions_drawn"]
    summary: dict[str, object] = {f"{key}_median": median([r[key] for r in rounds]) for key in keys}
    total = float(summary["open_and_first_paint_ms_median"])  # type: ignore[arg-type]
    summary.update({"target_ms": TARGET_MS, "target": verdict(total < TARGET_MS)})
    results = {
        "benchmark": "ui_mentions",
        "machine": machine_info(),
        "command": " ".join(
            ["python", "-m", "bench.bench_ui_mentions", *(argv if argv is not None else sys.argv[1:])]
        ),
        "size_bytes": args.size,
        "mentions": args.mentions,
        "entities": args.entities,
        "rounds": rounds,
        "summary": summary,
    }
    path = write_results("ui_mentions", results)
    report = Report()
    labels = {
        "open_and_first_paint_ms": "open + first paint (what the user waits for)",
        "open_source_ms": "  open_source: read, lay out, mentions query, hand over the highlights",
        "first_paint_ms": "  first paint of the viewport",
        "mentions_in_ms": "mentions_in query alone",
        "set_mentions_ms": "set_mentions alone (2,000 highlights)",
        "repaint_with_highlights_ms": "repaint with the highlights",
        "identifier_scan_ms": "identifier scan of the text alone (on a worker, after the paint)",
        "refresh_after_change_ms": "refresh after a change (query, highlights, repaint)",
    }
    report.add(
        f"## Opening a {args.size / 1000:.0f} KB source with {args.mentions:,} highlighted mentions "
        f"({args.rounds} rounds)",
        "",
        table(
            ("", "median ms", "min ms", "max ms"),
            [
                (
                    labels[key],
                    summary[f"{key}_median"],
                    min(r[key] for r in rounds),
                    max(r[key] for r in rounds),
                )
                for key in keys
            ],
        ),
        "",
        f"Mentions drawn: {rounds[0]['mentions_drawn']}.",
        f"Target: open + first paint under {TARGET_MS:.0f} ms — {summary['target']} (median {total} ms).",
        f"Results: {path}",
    )
    print(report.text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
