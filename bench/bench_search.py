"""Search benchmark: realistic queries against a case of 10,000 sources (about 50 MB of text).

The case is built from ``bench.corpus`` articles (a third Hebrew or Arabic). To save build time the
sources are added with ``CaseStore.add_source`` and ready-made ``Extraction`` records — the same write path
the import pipeline ends in (normalised text, folding, FTS5 row, audit row, one transaction each) — but
without running the format importers; each original is the article's UTF-8 text. The built case is cached
under ``bench/out/cases/``, keyed by the corpus parameters and a hash of the app files that decide what is
stored (folding, normalisation, FTS, models, migrations), so a change there rebuilds it.

Each query runs once untimed (its first-run time is reported separately), then ``--repeats`` times,
interleaved with the other queries. Reported: per-query median and p95, overall median and p95 of
``CaseStore.search(q, limit=20)`` (targets: median < 30 ms, p95 < 100 ms), each query's result count
against what the generator wrote, a breakdown of the time by layer, case file size and peak memory.

    python -m bench.bench_search                  # 10,000 sources, 50 MB, 20 repeats
    python -m bench.bench_search --quick          # 1,000 sources, 5 MB, 5 repeats
    python -m bench.bench_search --profile        # also cProfile every query
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import io
import json
import os
import pstats
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any

from bench.common import (
    OUT_DIR,
    REPO_DIR,
    MemorySampler,
    Report,
    machine_info,
    median,
    ms,
    percentile,
    ru_maxrss_mb,
    table,
    verdict,
    wait_for_quiet,
    write_results,
)
from bench.corpus import SearchCorpusSpec, SearchSource, search_sources

TARGET_MEDIAN_MS = 30.0
TARGET_P95_MS = 100.0
LIMIT = 20
CASES_DIR = OUT_DIR / "cases"
#: App files whose change alters what a built case contains.
FINGERPRINTED = (
    "app/core/folding.py",
    "app/core/textnorm.py",
    "app/store/fts.py",
    "app/store/models.py",
    "app/store/casestore.py",
    "app/store/migrations/versions",
)


@dataclass(frozen=True)
class Query:
    text: str
    what: str
    expect: Callable[[SearchSource], bool] | None  # which generated sources it should find


def _mentions(*required: str) -> Callable[[SearchSource], bool]:
    return lambda source: all(item in source.mentions for item in required)


def _word(pattern: str) -> Callable[[SearchSource], bool]:
    regex = re.compile(pattern, re.IGNORECASE)
    return lambda source: bool(regex.search(source.text) or regex.search(source.title))


QUERIES = (
    Query("Shoigu", "English name", _mentions("shoigu@en")),
    Query(
        "פיונגיאנג", "Hebrew name, mostly with prefixes (בפיונגיאנג, לפיונגיאנג …)", _mentions("pyongyang@he")
    ),
    Query("موسكو", "Arabic name with proclitics (بموسكو, وموسكو …)", _mentions("moscow@ar")),
    Query("القاهرة", "Arabic name with article (بالقاهرة, للقاهرة …)", _mentions("cairo@ar")),
    Query("Шойгу", "Russian name", _mentions("shoigu@ru")),
    Query('"NK News"', "phrase, every script", _mentions("nknews@latin")),
    Query('"Kim Jong Un"', "three-word phrase", _mentions("kim@en")),
    Query('"بيونغ يانغ"', "Arabic two-word name (phrase, proclitics)", _mentions("pyongyang@ar")),
    Query("Il-62M", "aircraft designation", _mentions("il62m@latin")),
    Query("Pyong*", "prefix query", _mentions("pyongyang@en")),
    Query("Пхеньян*", "Russian prefix query (declension)", _mentions("pyongyang@ru")),
    Query("Shoigu Pyongyang", "two-word AND", _mentions("shoigu@en", "pyongyang@en")),
    Query("said", "common English word", _word(r"\bsaid\b")),
    Query("אמר", "common Hebrew word", None),
)


# -- building the case ----------------------------------------------------------------------------------


def fingerprint() -> str:
    digest = hashlib.sha256()
    for name in FINGERPRINTED:
        path = REPO_DIR / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(file.relative_to(REPO_DIR).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:10]


def _extraction(source: SearchSource) -> Any:
    from app.core.records import Extraction, SourceKind, SourceMetadata
    from app.core.textnorm import normalize_text

    kinds = {"text": SourceKind.TEXT, "html": SourceKind.HTML, "pdf": SourceKind.PDF, "docx": SourceKind.DOCX}
    media = {
        "text": "text/plain",
        "html": "text/html",
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    return Extraction(
        kind=kinds[source.kind],
        media_type=media[source.kind],
        text=normalize_text(source.text),
        metadata=SourceMetadata(
            title=source.title,
            author=source.author,
            publisher=source.publisher,
            published=source.published,
            language=source.lang,
        ),
    )


def build_case(spec: SearchCorpusSpec, path: Path, workers: int) -> dict[str, Any]:
    """Add every generated source to a new case; return build facts and each query's expected count."""
    from app.store import CaseStore

    temporary = path.with_suffix(f".building-{os.getpid()}")
    _remove_case(temporary)
    expected = {query.text: 0 for query in QUERIES if query.expect}
    chars = text_bytes = 0
    languages: dict[str, int] = {}
    adding = 0.0
    print(f"building {spec.sources} sources into {path} …", file=sys.stderr, flush=True)
    with MemorySampler() as memory:
        start = perf_counter()
        with CaseStore.create(
            temporary, title="Search benchmark", investigator="bench", actor="bench"
        ) as store:
            for source in search_sources(spec, workers=workers):
                for query in QUERIES:
                    if query.expect and query.expect(source):
                        expected[query.text] += 1
                chars += len(source.text)
                text_bytes += len(source.text.encode())
                languages[source.lang] = languages.get(source.lang, 0) + 1
                extraction = _extraction(source)
                before = perf_counter()
                store.add_source(
                    source.text.encode(),
                    extraction,
                    original_filename=f"{source.index:05d}-{source.lang}.{source.kind}",
                    imported_by="bench",
                )
                adding += perf_counter() - before
                if (source.index + 1) % 1000 == 0:
                    print(f"  {source.index + 1} sources", file=sys.stderr, flush=True)
        wall = perf_counter() - start
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{temporary}{suffix}").exists():
            os.replace(f"{temporary}{suffix}", f"{path}{suffix}")
    return {
        "sources": spec.sources,
        "text_chars": chars,
        "text_mb": text_bytes / 1e6,
        "languages": languages,
        "build_wall_s": wall,
        "add_source_total_s": adding,
        "add_source_median_ms_estimate": adding / spec.sources * 1000,
        "build_memory": memory.as_dict(),
        "expected": expected,
        "built_with": "CaseStore.add_source with ready Extraction records (importers not run)",
    }


def cached_case(spec: SearchCorpusSpec, workers: int, rebuild: bool) -> tuple[Path, dict[str, Any], bool]:
    CASES_DIR.mkdir(parents=True, exist_ok=True)
    stem = f"{spec.key}-app{fingerprint()}"
    path = CASES_DIR / f"{stem}.threadline"
    facts_path = CASES_DIR / f"{stem}.json"
    if rebuild or not (path.exists() and facts_path.exists()):
        _remove_case(path)
        facts = build_case(spec, path, workers)
        facts_path.write_text(json.dumps(facts, indent=2, ensure_ascii=False), encoding="utf-8")
        return path, facts, True
    return path, json.loads(facts_path.read_text(encoding="utf-8")), False


def _remove_case(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _case_bytes(path: Path) -> int:
    return sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists())


# -- timing -------------------------------------------------------------------------------------------


def time_queries(store: Any, repeats: int) -> tuple[dict[str, list[float]], dict[str, float], dict[str, int]]:
    first: dict[str, float] = {}
    totals: dict[str, int] = {}
    for query in QUERIES:  # first run of each query, untimed in the statistics
        start = perf_counter()
        results = store.search(query.text, limit=LIMIT)
        first[query.text] = perf_counter() - start
        totals[query.text] = results.total
    timings: dict[str, list[float]] = {query.text: [] for query in QUERIES}
    gc.collect()
    for _ in range(repeats):
        for query in QUERIES:
            start = perf_counter()
            store.search(query.text, limit=LIMIT)
            timings[query.text].append(perf_counter() - start)
    return timings, first, totals


LAYERS = ("parse", "fts_rank", "fts_count", "load_texts", "match", "snippets")


def layer_times(path: Path, query_text: str, repeats: int) -> dict[str, float]:
    """Median seconds per layer of one query, replaying the steps of ``CaseStore.search`` one by one.

    This mirrors ``CaseStore.search`` as of this writing (parse → FTS rank → FTS count → load texts →
    find hits → snippets); if the search method changes shape, update this alongside.
    """
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app.core.matching import compile_matcher, make_snippet
    from app.core.query import parse_query
    from app.store import fts
    from app.store.engine import make_engine
    from app.store.models import Source, SourceText

    engine = make_engine(path)
    samples: dict[str, list[float]] = {layer: [] for layer in LAYERS}
    try:
        for _ in range(repeats):
            t0 = perf_counter()
            query = parse_query(query_text)
            matcher = compile_matcher(query.positive_terms)
            t1 = perf_counter()
            with Session(engine) as session:
                connection = session.connection()
                ranked = fts.ranked_source_ids(connection, query, LIMIT, 0)
                t2 = perf_counter()
                fts.count_matching_sources(connection, query)
                t3 = perf_counter()
                ids = [source_id for source_id, _ in ranked]
                rows = session.execute(
                    select(Source.id, Source.title, SourceText.text)
                    .join(SourceText, SourceText.source_id == Source.id)
                    .where(Source.id.in_(ids))
                ).all()
                t4 = perf_counter()
            spans = [tuple(matcher.find(row.text)) for row in rows]
            t5 = perf_counter()
            for row, found in zip(rows, spans, strict=True):
                make_snippet(row.text, found)
            t6 = perf_counter()
            for layer, seconds in zip(
                LAYERS, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5), strict=True
            ):
                samples[layer].append(seconds)
    finally:
        engine.dispose()
    return {layer: median(values) for layer, values in samples.items()}


def profile_queries(store: Any, queries: Sequence[str], repeats: int, out: Path) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeats):
        for text in queries:
            store.search(text, limit=LIMIT)
    profiler.disable()
    profiler.dump_stats(out)
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)
    return buffer.getvalue()


# -- main ---------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--mb", type=float, default=50, help="total text in MB (UTF-8)")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--seed", type=int, default=SearchCorpusSpec.seed)
    parser.add_argument("--quick", action="store_true", help="1,000 sources, 5 MB, 5 repeats")
    parser.add_argument("--rebuild", action="store_true", help="build the case even if a cached one exists")
    parser.add_argument("--workers", type=int, default=1, help="generator processes while building")
    parser.add_argument("--profile", action="store_true", help="cProfile the queries (always done on a miss)")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=300,
        metavar="S",
        help="before timing, wait up to S seconds for other programs to leave the CPU (0: never)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sources, args.mb, args.repeats = min(args.sources, 1000), min(args.mb, 5), min(args.repeats, 5)
        args.quiet_wait = 0

    from app.store import CaseStore

    spec = SearchCorpusSpec(sources=args.sources, total_mb=args.mb, seed=args.seed)
    path, facts, built = cached_case(spec, args.workers, args.rebuild)
    results: dict[str, Any] = {
        "benchmark": "search",
        "machine": machine_info(),
        "command": " ".join([Path(sys.executable).name, "-m", "bench.bench_search", *(argv or sys.argv[1:])]),
        "case": {**facts, "path": str(path), "built_this_run": built, "file_mb": _case_bytes(path) / 1e6},
        "repeats": args.repeats,
        "limit": LIMIT,
    }
    results["quiet_wait"] = wait_for_quiet(args.quiet_wait) if args.quiet_wait > 0 else None
    gc.collect()
    with MemorySampler() as memory:
        start = perf_counter()
        store = CaseStore.open(path, actor="bench")
        open_s = perf_counter() - start
        try:
            timings, first, totals = time_queries(store, args.repeats)
        finally:
            store.close()
    results["open_s"] = open_s
    results["query_memory"] = memory.as_dict()
    results["ru_maxrss"] = ru_maxrss_mb()
    results["case"]["file_mb_after"] = _case_bytes(path) / 1e6
    everything = [seconds for values in timings.values() for seconds in values]
    results["queries"] = {
        query.text: {
            "what": query.what,
            "median_ms": median(timings[query.text]) * 1000,
            "p95_ms": percentile(timings[query.text], 95) * 1000,
            "max_ms": max(timings[query.text]) * 1000,
            "first_run_ms": first[query.text] * 1000,
            "total": totals[query.text],
            "expected": facts["expected"].get(query.text),
        }
        for query in QUERIES
    }
    overall_median = median(everything) * 1000
    overall_p95 = percentile(everything, 95) * 1000
    results["overall"] = {
        "median_ms": overall_median,
        "p95_ms": overall_p95,
        "runs": len(everything),
        "target_median_met": overall_median < TARGET_MEDIAN_MS,
        "target_p95_met": overall_p95 < TARGET_P95_MS,
    }
    layer_repeats = max(3, args.repeats // 4)
    results["layers_ms"] = {
        query.text: {
            layer: seconds * 1000 for layer, seconds in layer_times(path, query.text, layer_repeats).items()
        }
        for query in QUERIES
    }
    missed = not (results["overall"]["target_median_met"] and results["overall"]["target_p95_met"])
    if args.profile or missed:
        slow = [q for q, v in results["queries"].items() if v["median_ms"] >= TARGET_MEDIAN_MS] or [
            q.text for q in QUERIES
        ]
        out = OUT_DIR / "results" / "search.prof"
        out.parent.mkdir(parents=True, exist_ok=True)
        with CaseStore.open(path, actor="bench") as store:
            results["profile_queries"] = slow
            results["profile_text"] = profile_queries(store, slow, max(3, args.repeats // 4), out)
        results["profile"] = str(out)
    summarise(results)
    return 0


def summarise(results: dict[str, Any]) -> None:
    case = results["case"]
    overall = results["overall"]
    report = Report()
    report.add(
        f"## Search: {case['sources']:,} sources, {case['text_mb']:.1f} MB of text, "
        f"{results['repeats']} runs per query, limit {results['limit']}",
        "",
        table(
            ("query", "what", "median ms", "p95 ms", "first run ms", "found", "expected"),
            [
                (
                    f"`{text}`",
                    v["what"],
                    f"{v['median_ms']:.1f}",
                    f"{v['p95_ms']:.1f}",
                    f"{v['first_run_ms']:.1f}",
                    f"{v['total']:,}",
                    "—" if v["expected"] is None else f"{v['expected']:,}",
                )
                for text, v in results["queries"].items()
            ],
        ),
        "",
        f"- overall median {overall['median_ms']:.1f} ms (target < {TARGET_MEDIAN_MS:.0f}): "
        f"{verdict(overall['target_median_met'])}",
        f"- overall p95 {overall['p95_ms']:.1f} ms (target < {TARGET_P95_MS:.0f}): "
        f"{verdict(overall['target_p95_met'])}",
        f"- case file {case['file_mb']:.1f} MB; open {results['open_s'] * 1000:.0f} ms; peak RSS while "
        f"querying {results['query_memory']['peak_total_mb']:.0f} MB; while building "
        f"{case['build_memory']['peak_total_mb']:.0f} MB "
        f"(self {case['build_memory']['peak_self_mb']:.0f} MB)",
        f"- ru_maxrss of the query process {results['ru_maxrss']['self_mb']:.0f} MB; load average at start "
        f"{results['machine']['load_average_at_start']}; other programs used "
        f"{results['query_memory']['foreign_cpu_cores']:.2f} CPU cores on average while the queries ran",
        f"- build: {case['build_wall_s']:.0f} s wall, add_source {case['add_source_total_s']:.0f} s "
        f"({case['add_source_median_ms_estimate']:.1f} ms per source on average); "
        f"{'built this run' if case['built_this_run'] else 'cached case reused'}",
        "",
        "Where the time goes (median ms per layer, replayed step by step):",
        "",
        table(
            ("query", *LAYERS, "sum"),
            [
                (
                    f"`{text}`",
                    *(ms(layers[layer] / 1000) for layer in LAYERS),
                    ms(sum(layers.values()) / 1000),
                )
                for text, layers in results["layers_ms"].items()
            ],
        ),
    )
    if "profile_text" in results:
        report.add(
            "",
            f"Profile of {results['profile_queries']} ({results['profile']}):",
            "",
            results["profile_text"],
        )
    results["report"] = report.text()
    path = write_results("search", results)
    print(report.text())
    print(f"results: {path}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
