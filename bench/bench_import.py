"""Import benchmark: 1,000 mixed documents into a new case, against the bare extraction libraries.

In one run, on the same generated files (``bench.corpus``), this times

* **app**: ``app.ingest.pipeline.import_paths`` into a new case — the real thing: file collection,
  limits, format detection, extraction in worker processes, normalisation, language guess, fold and date
  expressions (also in the workers, since 0702faa), and the single writer storing original + text + FTS
  index + date expressions + audit row per source (each source all or nothing);
* **bare, 2 processes** and **bare, sequential**: the extraction libraries called directly, the way the
  importers call them (UTF-8 or charset-normalizer, ``trafilatura.extract``, pypdf page text, python-docx
  paragraphs), with no case file at all;
* attribution, not targets: **app importers, sequential** (``app.ingest.worker.extract_file`` on each
  file in this process: what the workers do, without the pool or the store) and **store only**
  (``CaseStore.add_source`` of the bare texts into a fresh case, grouped with ``CaseStore.batch()`` as the
  pipeline groups its writes): what extracting and what writing cost on their own.

Targets: the app imports the 1,000 files in under 60 s wall, and takes at most 25 % longer than the bare
libraries with the same parallelism (2 processes on this 2-core machine). Peak memory is the sampled RSS
of this process plus all its children.

    python -m bench.bench_import                 # 1,000 files, 5 rounds
    python -m bench.bench_import --quick         # 100 files, 1 repeat
    python -m bench.bench_import --profile       # also profile one app import (the writer process)
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import importlib
import importlib.util
import io
import json
import math
import multiprocessing
import os
import pstats
import shutil
import sys
import traceback
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any

from bench.common import (
    OUT_DIR,
    MemorySampler,
    Report,
    load_average,
    machine_info,
    median,
    ru_maxrss_mb,
    table,
    verdict,
    wait_for_quiet,
    write_results,
)
from bench.corpus import ImportCorpus, ImportCorpusSpec, import_corpus

TARGET_WALL_S = 60.0
TARGET_OVERHEAD = 0.25
WORK_DIR = OUT_DIR / "import-cases"
TRAFILATURA_OPTIONS: dict[str, Any] = {
    # the options app.ingest.html passes, so both sides ask trafilatura for the same work
    "favor_recall": True,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "deduplicate": False,
    "with_metadata": False,
    "output_format": "txt",
}


# -- the bare libraries ---------------------------------------------------------------------------------


def decode_bare(data: bytes) -> str:
    """UTF-8 when the bytes are UTF-8, else charset-normalizer's best guess (its ordinary use)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        return str(best) if best is not None else data.decode("latin-1")


def extract_txt(data: bytes) -> str:
    return decode_bare(data)


def extract_html(data: bytes) -> str:
    import trafilatura

    return trafilatura.extract(decode_bare(data), **TRAFILATURA_OPTIONS) or ""


def extract_pdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    pages = [page.extract_text() or "" for page in reader.pages]
    _ = reader.metadata  # the importers read title/author too
    return "\n\n".join(pages)


def extract_docx(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    _ = document.core_properties.title
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


EXTRACTORS = {".txt": extract_txt, ".html": extract_html, ".pdf": extract_pdf, ".docx": extract_docx}


@dataclass(frozen=True)
class BareResult:
    path: str
    format: str
    seconds: float
    chars: int
    text: str | None  # kept only when asked (store-only phase)


def bare_extract(path: str, keep_text: bool = True) -> BareResult:
    start = perf_counter()
    data = Path(path).read_bytes()
    suffix = os.path.splitext(path)[1]
    text = EXTRACTORS[suffix](data)
    return BareResult(path, suffix[1:], perf_counter() - start, len(text), text if keep_text else None)


def run_bare_sequential(paths: Sequence[Path], keep_text: bool) -> tuple[float, list[BareResult], dict]:
    gc.collect()
    with MemorySampler() as memory:
        start = perf_counter()
        results = [bare_extract(str(path), keep_text) for path in paths]
        wall = perf_counter() - start
    return wall, results, memory.as_dict()


def run_bare_parallel(paths: Sequence[Path], workers: int) -> tuple[float, list[BareResult], dict]:
    """The bare libraries in ``workers`` processes; texts travel back to the parent, as they must to be
    stored anywhere. Processes are started with "spawn", as the app's pipeline starts them (a GUI process
    has threads, and forking it is unsafe), and inside the timed span: both sides pay for their pool."""
    gc.collect()
    with MemorySampler() as memory:
        start = perf_counter()
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn")
        ) as pool:
            results = list(pool.map(bare_extract, [str(path) for path in paths], chunksize=1))
        wall = perf_counter() - start
    return wall, results, memory.as_dict()


# -- the app --------------------------------------------------------------------------------------------


@dataclass
class AppRun:
    wall: float
    create_s: float
    close_s: float
    outcomes: list[Any]
    memory: dict[str, float]
    case_bytes: int
    case_path: Path


def run_app(corpus: ImportCorpus, workers: int, case_path: Path, profile: Path | None = None) -> AppRun:
    from app.core.progress import CancelToken
    from app.ingest.limits import Limits
    from app.ingest.pipeline import import_paths
    from app.store import CaseStore

    _remove_case(case_path)
    gc.collect()
    start = perf_counter()
    store = CaseStore.create(case_path, title="Import benchmark", investigator="bench", actor="bench")
    create_s = perf_counter() - start
    profiler = cProfile.Profile() if profile else None
    with MemorySampler() as memory:
        start = perf_counter()
        if profiler:
            profiler.enable()
        outcomes = import_paths(
            store,
            [corpus.files_dir],
            limits=Limits(),
            published=None,
            imported_by="bench",
            progress=_no_progress,
            cancel=CancelToken(),
            workers=workers,
        )
        if profiler:
            profiler.disable()
        wall = perf_counter() - start
    start = perf_counter()
    store.close()
    close_s = perf_counter() - start
    if profiler and profile:
        profiler.dump_stats(profile)
    return AppRun(wall, create_s, close_s, outcomes, memory.as_dict(), _case_size(case_path), case_path)


def _no_progress(update: object) -> None:
    pass


class WriterClock:
    """Wall time of the writer's steps during one app import, by wrapping the functions it calls.

    Wrapping costs a few microseconds per call (unlike cProfile, which inflates call-heavy pure-Python code
    such as the EDTF parser several-fold), so these figures add up to the real wall time. Nothing in the
    app is edited: module attributes are swapped for timing wrappers and restored afterwards.
    """

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.counts: Counter[str] = Counter()
        self._undo: list[tuple[Any, str, Any]] = []
        self._commit_started = 0.0

    def wrap(self, owner: Any, name: str, label: str) -> None:
        """Time calls of ``owner.name`` under ``label`` (skipped if this version of the app has no such
        function: the benchmark also measures older commits)."""
        original = getattr(owner, name, None)
        if original is None:
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.totals[label] += perf_counter() - start
                self.counts[label] += 1

        self._undo.append((owner, name, original))
        setattr(owner, name, timed)

    def wrap_generator(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            inner = original(*args, **kwargs)
            while True:
                start = perf_counter()
                try:
                    item = next(inner)
                except StopIteration:
                    return
                finally:
                    self.totals[label] += perf_counter() - start
                    self.counts[label] += 1
                yield item

        self._undo.append((owner, name, original))
        setattr(owner, name, timed)

    def __enter__(self) -> WriterClock:
        from sqlalchemy import Engine, event
        from sqlalchemy.orm import Session

        import app.ingest.pipeline as pipeline
        import app.store.casestore as casestore
        import app.store.fts as fts
        from app.store import CaseStore

        self.wrap(CaseStore, "add_source", "add_source (all of it)")
        self.wrap(casestore, "normalize_edtf", "  published date check (edtf parser)")
        self.wrap(casestore, "normalize_text", "  normalised-text check")
        self.wrap(casestore, "guess_language", "  language guess")
        self.wrap(casestore, "source_fields", "  source fields (date check, language guess)")
        self.wrap(casestore, "find_source_dates", "  date expressions found here (nothing prepared)")
        self.wrap(fts, "fold", "  fold for the index")
        events = importlib.import_module("app.store.events") if _has_module("app.store.events") else None
        if events is not None and hasattr(events, "record_dates"):  # date expressions stored on import
            self.wrap(events, "record_dates", "  date expressions (find and store)")
        if _has_module("app.store.source_dates"):  # since the workers find them
            self.wrap(
                importlib.import_module("app.store.source_dates"), "insert_dates", "  store date expressions"
            )
        self.wrap(fts, "index_source", "  FTS insert incl. fold")
        self.wrap(CaseStore, "source_id_for_sha256", "duplicate pre-check (own read transaction)")
        self.wrap(pipeline, "read_original", "re-read original to store it")
        self.wrap_generator(pipeline, "_results_in_workers", "waiting for worker results")
        event.listen(Engine, "commit", self._before_commit)
        event.listen(Session, "after_commit", self._after_commit)
        return self

    def __exit__(self, *_exc: object) -> None:
        from sqlalchemy import Engine, event
        from sqlalchemy.orm import Session

        event.remove(Engine, "commit", self._before_commit)
        event.remove(Session, "after_commit", self._after_commit)
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)

    def _before_commit(self, _connection: Any) -> None:
        self._commit_started = perf_counter()

    def _after_commit(self, _session: Any) -> None:
        if self._commit_started:
            self.totals["  COMMIT (fsync, synchronous=FULL)"] += perf_counter() - self._commit_started
            self.counts["  COMMIT (fsync, synchronous=FULL)"] += 1
            self._commit_started = 0.0


def _has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def run_writer_breakdown(corpus: ImportCorpus, workers: int, case_path: Path) -> dict[str, Any]:
    with WriterClock() as clock:
        run = run_app(corpus, workers, case_path)
    steps = {label: {"s": seconds, "calls": clock.counts[label]} for label, seconds in clock.totals.items()}
    return {"wall_s": run.wall, "steps": dict(sorted(steps.items(), key=lambda item: -item[1]["s"]))}


def run_importers_sequential(paths: Sequence[Path]) -> tuple[float, list[BareResult], dict]:
    """The app's own per-file work (read, hash, sniff, extract, normalise, guess) without pool or store."""
    from app.ingest.limits import Limits
    from app.ingest.worker import extract_file

    limits = Limits()
    gc.collect()
    results = []
    with MemorySampler() as memory:
        start = perf_counter()
        for path in paths:
            began = perf_counter()
            outcome = extract_file(str(path), limits)
            chars = len(outcome.extraction.text) if outcome.extraction is not None else 0
            results.append(BareResult(str(path), path.suffix[1:], perf_counter() - began, chars, None))
        wall = perf_counter() - start
    return wall, results, memory.as_dict()


STORE_BATCH = 50  # sources per CaseStore.batch() in the store-only phase (the pipeline commits every 0.5 s)


def run_store_only(results: Sequence[BareResult], case_path: Path) -> tuple[float, dict]:
    """Write the bare extractions through ``CaseStore.add_source`` (same originals), one process."""
    from app.core.records import Extraction, SourceKind
    from app.core.textnorm import normalize_text
    from app.store import CaseStore

    kinds = {"txt": SourceKind.TEXT, "html": SourceKind.HTML, "pdf": SourceKind.PDF, "docx": SourceKind.DOCX}
    media = {"txt": "text/plain", "html": "text/html", "pdf": "application/pdf", "docx": "application/docx"}
    _remove_case(case_path)
    gc.collect()
    with (
        MemorySampler() as memory,
        CaseStore.create(case_path, title="Store only", investigator="bench", actor="bench") as store,
    ):
        start = perf_counter()
        for first in range(0, len(results), STORE_BATCH):
            with _batch(store):
                for result in results[first : first + STORE_BATCH]:
                    original = Path(result.path).read_bytes()
                    extraction = Extraction(
                        kind=kinds[result.format],
                        media_type=media[result.format],
                        text=normalize_text(result.text or ""),
                    )
                    store.add_source(original, extraction, original_filename=Path(result.path).name)
        wall = perf_counter() - start
    _remove_case(case_path)
    return wall, memory.as_dict()


def _batch(store: Any) -> Any:
    """``store.batch()`` where the store has it (grouped commits), else nothing."""
    return store.batch() if hasattr(store, "batch") else contextlib.nullcontext()


def _case_size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def _remove_case(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        candidate.unlink(missing_ok=True)


# -- checks on what the app stored -----------------------------------------------------------------------

_ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "cp1255": "windows-1255",
    "cp1256": "windows-1256",
    "cp1251": "windows-1251",
}


def check_import(corpus: ImportCorpus, run: AppRun) -> dict[str, Any]:
    """What landed in the case: statuses, and whether each source's text and metadata look right."""
    from app.store import CaseStore

    by_path = {str((corpus.files_dir / item.path).resolve()): item for item in corpus.files}
    statuses = Counter(str(getattr(o.status, "value", o.status)) for o in run.outcomes)
    failures = [f"{Path(o.path).name}: {o.reason}" for o in run.outcomes if o.source_id is None]
    readable: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong_language: list[str] = []
    wrong_encoding: list[str] = []
    with CaseStore.open(run.case_path, actor="bench") as store:
        for outcome in run.outcomes:
            item = by_path.get(str(Path(outcome.path).resolve()))
            if item is None or outcome.source_id is None:
                continue
            text = store.source_text(outcome.source_id)
            detail = store.source(outcome.source_id)
            key = f"{item.format}/{item.lang}"
            readable[key][1] += 1
            if unicodedata.normalize("NFC", item.probe) in text:
                readable[key][0] += 1
            if detail.language != item.lang:
                wrong_language.append(f"{Path(item.path).name}: {detail.language}")
            if item.format == "txt":
                found = detail.extra.get("encoding", "?")
                if found.lower() != _ENCODING_LABELS[item.encoding].lower():
                    wrong_encoding.append(f"{Path(item.path).name}: {item.encoding} read as {found}")
    return {
        "statuses": dict(statuses),
        "failures": failures[:20],
        "failure_count": len(failures),
        "probe_word_found": {key: f"{ok}/{total}" for key, (ok, total) in sorted(readable.items())},
        "language_mismatches": len(wrong_language),
        "language_mismatch_examples": wrong_language[:10],
        "txt_encoding_mismatches": len(wrong_encoding),
        "txt_encoding_mismatch_examples": wrong_encoding[:10],
    }


# -- reporting --------------------------------------------------------------------------------------------


def per_format(results: Iterable[BareResult]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[BareResult]] = defaultdict(list)
    for result in results:
        groups[result.format].append(result)
    return {
        fmt: {
            "files": len(items),
            "median_ms": median([r.seconds for r in items]) * 1000,
            "total_s": sum(r.seconds for r in items),
            "chars": sum(r.chars for r in items),
        }
        for fmt, items in sorted(groups.items())
    }


def print_profile(path: Path, limit: int = 25) -> str:
    buffer = io.StringIO()
    stats = pstats.Stats(str(path), stream=buffer)
    stats.sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)
    return buffer.getvalue()


def corpus_summary(corpus: ImportCorpus) -> dict[str, Any]:
    files = corpus.files
    return {
        "files": len(files),
        "by_format": dict(Counter(f.format for f in files)),
        "by_language": dict(Counter(f.lang for f in files)),
        "txt_encodings": dict(Counter(f.encoding for f in files if f.format == "txt")),
        "text_mb": sum(f.text_bytes for f in files) / 1e6,
        "file_mb": sum(f.file_bytes for f in files) / 1e6,
        "hebrew_or_arabic_share": sum(f.lang in ("he", "ar") for f in files) / len(files),
        "directory": str(corpus.files_dir),
    }


def run_round(
    args: argparse.Namespace,
    corpus: ImportCorpus,
    paths: Sequence[Path],
    case_path: Path,
    quiet: Callable[[], None],
) -> tuple[dict[str, Any], AppRun, list[BareResult], list[BareResult]]:
    """One round: the app, then each baseline and attribution phase, each after waiting for quiet."""
    quiet()
    app = run_app(corpus, args.workers, case_path)
    quiet()
    par_wall, _par, par_memory = run_bare_parallel(paths, args.workers)
    quiet()
    seq_wall, seq, seq_memory = run_bare_sequential(paths, keep_text=not args.no_store_only)
    quiet()
    importers_wall, importers, importers_memory = run_importers_sequential(paths)
    store_wall, store_memory = None, None
    if not args.no_store_only:
        quiet()
        store_wall, store_memory = run_store_only(seq, WORK_DIR / f"store-only-{os.getpid()}.threadline")
    record = {
        "app_s": app.wall,
        "app_create_s": app.create_s,
        "app_close_s": app.close_s,
        "app_memory": app.memory,
        "case_mb": app.case_bytes / 1e6,
        "bare_parallel_s": par_wall,
        "bare_parallel_memory": par_memory,
        "bare_sequential_s": seq_wall,
        "bare_sequential_memory": seq_memory,
        "importers_sequential_s": importers_wall,
        "importers_sequential_memory": importers_memory,
        "store_only_s": store_wall,
        "store_only_memory": store_memory,
        "load_average_after": load_average(),
    }
    return record, app, seq, importers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds; medians are reported")
    parser.add_argument("--workers", type=int, default=2, help="processes for the app and the bare run")
    parser.add_argument("--seed", type=int, default=ImportCorpusSpec.seed)
    parser.add_argument("--quick", action="store_true", help="100 files, 1 repeat")
    parser.add_argument("--no-store-only", action="store_true", help="skip the store-only attribution phase")
    parser.add_argument("--profile", action="store_true", help="cProfile one extra app import")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=300,
        metavar="S",
        help="before each timed phase, wait up to S seconds for other programs to leave the CPU (0: never)",
    )
    parser.add_argument(
        "--quiet-budget",
        type=float,
        default=1800,
        metavar="S",
        help="stop waiting for quiet once this many seconds have been spent waiting in total",
    )
    parser.add_argument(
        "--no-breakdown", action="store_true", help="skip the extra app import that times the writer's steps"
    )
    parser.add_argument("--report", type=Path, metavar="JSON", help="only re-print the report of a saved run")
    args = parser.parse_args(argv)
    if args.report:
        summarise(json.loads(args.report.read_text(encoding="utf-8")), save=False)
        return 0
    if args.quick:
        args.files, args.repeats, args.quiet_wait = min(args.files, 100), 1, 0

    corpus = import_corpus(ImportCorpusSpec(files=args.files, seed=args.seed))
    paths = corpus.paths()
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    case_path = WORK_DIR / f"import-{args.files}-{os.getpid()}.threadline"  # two runs never share a case
    results: dict[str, Any] = {
        "benchmark": "import",
        "machine": machine_info(),
        "command": " ".join([Path(sys.executable).name, "-m", "bench.bench_import", *(argv or sys.argv[1:])]),
        "corpus": corpus_summary(corpus),
        "workers": args.workers,
        "rounds": [],
    }
    print(f"import benchmark: {len(paths)} files, {args.repeats} rounds", file=sys.stderr, flush=True)
    first_app: AppRun | None = None
    first_seq: list[BareResult] = []
    first_importers: list[BareResult] = []
    waits: list[dict[str, Any]] = []

    def quiet() -> None:
        spent = sum(wait["waited_s"] for wait in waits)
        if args.quiet_wait > 0 and spent < args.quiet_budget:
            waits.append(wait_for_quiet(min(args.quiet_wait, args.quiet_budget - spent)))

    for round_number in range(args.repeats):
        try:
            record, app, seq, importers = run_round(args, corpus, paths, case_path, quiet)
        except Exception:  # the app under test broke (others edit the tree): keep the rounds we have
            results["error"] = f"round {round_number + 1} failed:\n{traceback.format_exc()}"
            print(results["error"], file=sys.stderr, flush=True)
            if not results["rounds"]:
                raise
            break
        if first_app is None:
            first_app = app
            results["checks"] = check_import(corpus, app)
            kept = WORK_DIR / f"import-{args.files}-last.threadline"
            _remove_case(kept)
            shutil.copy(case_path, kept)
        first_seq = first_seq or seq
        first_importers = first_importers or importers
        results["rounds"].append(record)
        print(
            f"  round {round_number + 1}: app {record['app_s']:.1f}s, bare×{args.workers} "
            f"{record['bare_parallel_s']:.1f}s, bare×1 {record['bare_sequential_s']:.1f}s, importers×1 "
            f"{record['importers_sequential_s']:.1f}s"
            + (f", store only {record['store_only_s']:.1f}s" if record["store_only_s"] else "")
            + f"; other programs used {app.memory['foreign_cpu_cores']:.2f} cores during the app run",
            file=sys.stderr,
            flush=True,
        )
    results["bare_per_format"] = per_format(first_seq)
    results["importers_per_format"] = per_format(first_importers)
    results["quiet_waits"] = waits
    if not args.no_breakdown:
        quiet()
        try:
            results["writer_breakdown"] = run_writer_breakdown(corpus, args.workers, case_path)
        except Exception:
            results["error"] = f"writer breakdown failed:\n{traceback.format_exc()}"
    results["ru_maxrss"] = ru_maxrss_mb()
    if args.profile:
        profile_path = OUT_DIR / "results" / "import-app.prof"
        profile_path.parent.mkdir(parents=True, exist_ok=True)
        run_app(corpus, args.workers, case_path, profile=profile_path)
        results["profile"] = str(profile_path)
        results["profile_text"] = print_profile(profile_path)
    _remove_case(case_path)
    summarise(results)
    return 0


def _round_line(record: dict[str, Any]) -> str:
    parts = []
    for wall_key, memory_key in (
        ("app_s", "app_memory"),
        ("bare_parallel_s", "bare_parallel_memory"),
        ("bare_sequential_s", "bare_sequential_memory"),
        ("importers_sequential_s", "importers_sequential_memory"),
        ("store_only_s", "store_only_memory"),
    ):
        if record.get(wall_key) is None:
            parts.append("—")
            continue
        foreign = (record.get(memory_key) or {}).get("foreign_cpu_cores", math.nan)
        parts.append(f"{record[wall_key]:.1f} ({foreign:.1f})")
    return " / ".join(parts)


def summarise(results: dict[str, Any], *, save: bool = True) -> None:
    rounds = results["rounds"]
    n = results["corpus"]["files"]
    app = median([r["app_s"] for r in rounds])
    par = median([r["bare_parallel_s"] for r in rounds])
    seq = median([r["bare_sequential_s"] for r in rounds])
    stores = [r["store_only_s"] for r in rounds if r["store_only_s"] is not None]
    store = median(stores) if stores else None
    overhead = app / par - 1
    results["summary"] = {
        "app_median_s": app,
        "app_files_per_s": n / app,
        "bare_parallel_median_s": par,
        "bare_sequential_median_s": seq,
        "store_only_median_s": store,
        "overhead_vs_bare_parallel": overhead,
        "overhead_vs_bare_sequential": app / seq - 1,
        "target_wall_met": app < TARGET_WALL_S,
        "target_overhead_met": overhead <= TARGET_OVERHEAD,
        "app_peak_total_mb": rounds[0]["app_memory"]["peak_total_mb"],
        "app_peak_self_mb": rounds[0]["app_memory"]["peak_self_mb"],
        "case_mb": rounds[0]["case_mb"],
    }
    s = results["summary"]
    phases = [
        ("app import_paths", "app_s", "app_memory"),
        (f"bare libraries, {results['workers']} processes", "bare_parallel_s", "bare_parallel_memory"),
        ("bare libraries, sequential", "bare_sequential_s", "bare_sequential_memory"),
        (
            "app importers, sequential (no pool, no store)",
            "importers_sequential_s",
            "importers_sequential_memory",
        ),
        ("store only (add_source of bare texts, batched)", "store_only_s", "store_only_memory"),
    ]
    rows = []
    for label, wall_key, memory_key in phases:
        measured = [r for r in rounds if r.get(wall_key) is not None]
        if not measured:
            continue
        wall = median([r[wall_key] for r in measured])
        cpu = median([r[memory_key].get("own_cpu_s", math.nan) for r in measured])
        foreign = median([r[memory_key].get("foreign_cpu_cores", math.nan) for r in measured])
        s[f"{wall_key[:-2]}_cpu_median_s"] = cpu
        rows.append(
            (
                label,
                f"{wall:.1f}",
                f"{n / wall:.1f}",
                f"{cpu:.1f}",
                f"{foreign:.2f}",
                f"{measured[0][memory_key]['peak_total_mb']:.0f}",
            )
        )
    app_cpu = s.get("app_cpu_median_s", math.nan)
    bare_cpu = s.get("bare_parallel_cpu_median_s", math.nan)
    report = Report()
    corpus = results["corpus"]
    report.add(
        f"## Import: {n} files ({corpus['text_mb']:.1f} MB of text, {corpus['file_mb']:.1f} MB of files), "
        f"{len(rounds)} rounds, medians",
        "",
        table(
            (
                "run",
                "wall s",
                "files/s",
                "CPU s (all its processes)",
                "other programs' CPU (cores)",
                "peak RSS MB, round 1 (self + children)",
            ),
            rows,
        ),
        "",
        f"- app under {TARGET_WALL_S:.0f} s: {verdict(s['target_wall_met'])} ({app:.1f} s)",
        f"- app vs bare libraries with {results['workers']} processes: {overhead:+.0%} "
        f"(target ≤ +{TARGET_OVERHEAD:.0%}): {verdict(s['target_overhead_met'])}; "
        f"vs sequential: {s['overhead_vs_bare_sequential']:+.0%}; in CPU time (less sensitive to other "
        f"programs): app {app_cpu:.1f} s vs bare {bare_cpu:.1f} s ({app_cpu / bare_cpu - 1:+.0%})",
        f"- case file: {s['case_mb']:.1f} MB; create {rounds[0]['app_create_s']:.2f} s, "
        f"close {rounds[0]['app_close_s']:.2f} s",
        f"- per round, s (CPU cores used by other programs meanwhile) — app / bare×{results['workers']} / "
        "bare×1 / importers×1 / store only: " + "; ".join(_round_line(r) for r in rounds),
        *([f"- stopped early: {results['error'].splitlines()[0]}"] if "error" in results else []),
        f"- ru_maxrss: this process {results['ru_maxrss']['self_mb']:.0f} MB, largest child "
        f"{results['ru_maxrss']['largest_child_mb']:.0f} MB; load average at start "
        f"{results['machine']['load_average_at_start']}",
        "",
        "Extraction per format, sequential, round 1 — bare libraries vs the app's importers:",
        "",
        table(
            ("format", "files", "bare median ms", "bare total s", "importers median ms", "importers total s"),
            [
                (
                    fmt,
                    v["files"],
                    f"{v['median_ms']:.1f}",
                    f"{v['total_s']:.1f}",
                    f"{results.get('importers_per_format', {}).get(fmt, {}).get('median_ms', math.nan):.1f}",
                    f"{results.get('importers_per_format', {}).get(fmt, {}).get('total_s', math.nan):.1f}",
                )
                for fmt, v in results["bare_per_format"].items()
            ],
        ),
        "",
        "Checks on the imported case:",
        "",
        f"- statuses: {results['checks']['statuses']}",
        f"- failures: {results['checks']['failure_count']} {results['checks']['failures'][:5]}",
        f"- probe word found in stored text (format/lang ok/total): {results['checks']['probe_word_found']}",
        f"- language mismatches: {results['checks']['language_mismatches']} "
        f"{results['checks']['language_mismatch_examples'][:5]}",
        f"- txt encoding mismatches: {results['checks']['txt_encoding_mismatches']} "
        f"{results['checks']['txt_encoding_mismatch_examples'][:5]}",
    )
    if "writer_breakdown" in results:
        breakdown = results["writer_breakdown"]
        report.add(
            "",
            f"Writer (main process) time by step, one extra app import of {breakdown['wall_s']:.1f} s:",
            "",
            table(
                ("step", "s", "calls", "share of wall"),
                [
                    (label, f"{v['s']:.2f}", v["calls"], f"{v['s'] / breakdown['wall_s']:.0%}")
                    for label, v in breakdown["steps"].items()
                ],
            ),
        )
    if "profile_text" in results:
        report.add("", "Profile of one app import (writer process), see " + results["profile"], "")
        report.add(results["profile_text"])
    results["report"] = report.text()
    print(report.text())
    if save:
        print(f"results: {write_results('import', results)}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
