"""Events benchmark: a case of 100,000 events and 300,000 evidence links; dates found in 10,000 sources.

The events case is built fast, *not* through ``EventRepository``: sources (generated ``bench.corpus``
articles, without the full-text index, which nothing here reads), entities, events, evidence, participants,
tags and the ``event_derived`` rows go in with bulk inserts through SQLAlchemy Core. Derived values are
computed with the same ``app.core`` functions the repository uses, and before timing a sample of 500 events
is recomputed by ``EventRepository.refresh_derived`` and must come out identical. Built cases are cached under
``bench/out/cases/`` keyed by their size and a hash of the app files that decide their content.

Events: 20 years, in bursts; 70 % at day precision, 10 % to the minute, 10 % a month, 4 % "around" a year,
5 % lasting (day or month ranges), 1 % "before …", and some undated; 1–5 quotes each (3 on average) from
1,000 sources, 85 % supporting, 10 % context, 5 % contradicting; 0–3 participants of 400 entities; a tag on
30 %; 5 % with the confidence set by hand. Measured:

- cold: a fresh process imports the store, opens the case and fetches ``timeline_rows`` for all events
  (what the app does before the first timeline paint), three runs;
- warm (median of ``--repeats``): opening; ``timeline_rows`` under each lane grouping;
  ``event_ids`` in date and title order and under each filter; ``summaries`` of a page of 50; ``get``;
  ``details`` of 50; ``histogram``; ``evidence_for_source``; an edit (link a quote) and its undo;
- peak memory (sampled RSS) and what holding the timeline rows costs;
- date extraction: ``ensure_dates_extracted`` over a case of 10,000 generated sources (50 MB of text, built
  the same way), and ``dates_in`` for a stored and for a stale source.

Targets: open + first timeline paint < 2 s for the whole app (the store's part: import + open +
``timeline_rows`` < 0.5 s); whole app < 1.5 GB; date extraction over 10,000 sources < 60 s.

    python -m bench.bench_events               # 100,000 events, 300,000 quotes; 10,000 sources for dates
    python -m bench.bench_events --quick       # 10,000 events, 30,000 quotes; 1,000 sources
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter, process_time
from typing import Any

from bench.common import (
    OUT_DIR,
    REPO_DIR,
    MemorySampler,
    Report,
    machine_info,
    median,
    table,
    verdict,
    wait_for_quiet,
    write_results,
)

CASES_DIR = OUT_DIR / "cases"
TARGET_STORE_PART_S = 0.5
TARGET_FIRST_PAINT_S = 2.0
TARGET_MEMORY_MB = 1500
TARGET_DATES_S = 60.0
#: App files whose change alters what a built case contains.
FINGERPRINTED = (
    "app/store/models.py",
    "app/store/models_events.py",
    "app/store/migrations",
    "app/core/event_records.py",
    "app/core/dates.py",
    "app/core/folding.py",
    "app/core/textnorm.py",
    "bench/corpus.py",
    "bench/bench_events.py",
)
CATEGORIES = ("Flight", "Meeting", "Payment", "Shipment", "Statement", "Court", "Arrest", "")
TAGS = ("Il-62M", "Sanctions", "Delegation", "טיסות", "رحلات", "Follow up", "Cargo", "Key", "Press", "Court")
TITLES = (
    "Aircraft landed at Sunan, event {n}",
    "המטוס נחת בפיונגיאנג, אירוע {n}",
    "هبطت الطائرة في بيونغ يانغ، حدث {n}",
    "Самолёт вылетел из Внукова, событие {n}",
    "Payment of $1.2M routed through account {n}",
    "Delegation met officials in Vladivostok ({n})",
)
ENTITY_TYPES = (1, 2, 3)  # person, organisation, location (built-in ids)


@dataclass(frozen=True)
class Sizes:
    events: int
    evidence: int
    sources: int
    entities: int
    date_sources: int

    @property
    def key(self) -> str:
        return f"events-e{self.events}-q{self.evidence}-s{self.sources}-n{self.entities}"


FULL = Sizes(events=100_000, evidence=300_000, sources=1_000, entities=400, date_sources=10_000)
QUICK = Sizes(events=10_000, evidence=30_000, sources=300, entities=100, date_sources=1_000)


# -- building cases with bulk inserts -------------------------------------------------------------------


def fingerprint() -> str:
    digest = hashlib.sha256()
    for name in FINGERPRINTED:
        path = REPO_DIR / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(file.relative_to(REPO_DIR).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:10]


def _remove_case(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _new_case(path: Path, title: str) -> Any:
    """An empty case made by the app (so its schema is the migrations'), and a fast Core engine on it."""
    from sqlalchemy import create_engine, event

    from app.store import CaseStore

    _remove_case(path)
    CaseStore.create(path, title=title, investigator="bench", actor="bench").close()
    engine = create_engine(f"sqlite+pysqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _fast(dbapi_connection: Any, _record: Any) -> None:  # a throwaway build: no fsync per commit
        dbapi_connection.execute("PRAGMA journal_mode = WAL")
        dbapi_connection.execute("PRAGMA synchronous = OFF")
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    return engine


def insert_sources(connection: Any, count: int, total_mb: float, workers: int) -> list[tuple[int, str]]:
    """Generated articles as sources (originals, rows, texts; no search index). Returns (id, text)."""
    from sqlalchemy import insert

    from app.core.records import Reliability, SourceKind
    from app.core.textnorm import normalize_text
    from app.store.models import Original, Source, SourceText, utc_now
    from bench.corpus import SearchCorpusSpec, search_sources

    kinds = {"text": SourceKind.TEXT, "html": SourceKind.HTML, "pdf": SourceKind.PDF, "docx": SourceKind.DOCX}
    grades = list(Reliability)
    now = utc_now()
    made: list[tuple[int, str]] = []
    batch: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = []

    def flush() -> None:
        connection.execute(insert(Original), [original for original, _s, _t in batch])
        connection.execute(insert(Source), [source for _o, source, _t in batch])
        connection.execute(insert(SourceText), [text for _o, _s, text in batch])
        batch.clear()

    for generated in search_sources(SearchCorpusSpec(sources=count, total_mb=total_mb), workers=workers):
        text = normalize_text(generated.text)
        data = text.encode()
        sha = hashlib.sha256(data).hexdigest()
        source_id = generated.index + 1
        batch.append(
            (
                {"sha256": sha, "size": len(data), "data": data},
                {
                    "id": source_id,
                    "title": generated.title,
                    "kind": kinds[generated.kind],
                    "original_filename": f"{generated.index:05d}.{generated.kind}",
                    "media_type": "text/plain",
                    "size": len(data),
                    "sha256": sha,
                    "imported_at": now,
                    "imported_by": "bench",
                    "published": generated.published,
                    "author": generated.author,
                    "publisher": generated.publisher,
                    "language": generated.lang,
                    "reliability": grades[generated.index % len(grades)],
                    "notes": "",
                    "extra": {},
                },
                {"source_id": source_id, "text": text, "page_starts": []},
            )
        )
        made.append((source_id, text))
        if len(batch) == 500:
            flush()
    if batch:
        flush()
    return made


def _event_dates(rng: random.Random, anchor: float) -> tuple[Any, Any]:
    from app.core.dates import DatePoint, Unbounded, UncertainDate

    day = datetime.fromtimestamp(anchor, UTC)
    roll = rng.random()
    point = DatePoint(day.year, day.month, day.day)
    if roll < 0.70:
        return UncertainDate(point), None
    if roll < 0.80:
        return UncertainDate(DatePoint(day.year, day.month, day.day, day.hour, day.minute)), None
    if roll < 0.90:
        return UncertainDate(DatePoint(day.year, day.month)), None
    if roll < 0.94:
        return UncertainDate(DatePoint(day.year, approximate=True)), None
    if roll < 0.99:
        later = datetime.fromtimestamp(anchor + rng.uniform(1, 90) * 86_400, UTC)
        if rng.random() < 0.5:
            return UncertainDate(point), UncertainDate(DatePoint(later.year, later.month, later.day))
        end = DatePoint(later.year, later.month, approximate=rng.random() < 0.3)
        return UncertainDate(DatePoint(day.year, day.month)), UncertainDate(end)
    return UncertainDate(Unbounded.OPEN, DatePoint(day.year)), None


def _quote_span(rng: random.Random, text: str) -> tuple[int, int]:
    start = rng.randrange(0, max(1, len(text) - 250))
    space = text.find(" ", start)
    start = space + 1 if 0 <= space < len(text) - 40 else start
    end = min(len(text), start + rng.randint(40, 240))
    space = text.rfind(" ", start + 20, end)
    return start, space if space > start else end


def build_events_case(path: Path, sizes: Sizes, workers: int) -> dict[str, Any]:
    from sqlalchemy import insert

    from app.core.event_records import (
        EvidenceGrade,
        assess_confidence,
        certain_span,
        event_bounds,
        event_flags,
    )
    from app.core.folding import fold
    from app.core.records import Confidence, Reliability, Stance
    from app.store.models import Entity, Event, Evidence, Participation, Source, Tag, Tagging, utc_now
    from app.store.models_events import EventDerived

    rng = random.Random(20261125)
    started = perf_counter()
    engine = _new_case(path, "Events benchmark")
    now = utc_now()
    with engine.begin() as connection:
        sources = insert_sources(connection, sizes.sources, sizes.sources * 5 / 1000, workers)
        reliability = {row.id: row.reliability for row in connection.execute(Source.__table__.select())}
        connection.execute(
            insert(Entity),
            [
                {"id": n, "type_id": ENTITY_TYPES[n % 3], "name": f"Entity {n}", "description": "",
                 "notes": "", "created_at": now}
                for n in range(1, sizes.entities + 1)
            ],
        )  # fmt: skip
        connection.execute(
            insert(Tag), [{"id": n + 1, "name": name, "colour": ""} for n, name in enumerate(TAGS)]
        )
        origin = datetime(2005, 1, 1, tzinfo=UTC).timestamp()
        span = 20 * 365.25 * 86_400
        bursts = [rng.uniform(origin, origin + span) for _ in range(60)]
        per_event = _spread(rng, sizes.evidence, sizes.events)
        events, derived, quotes, people, taggings = [], [], [], [], []
        evidence_id = 0
        for event_id in range(1, sizes.events + 1):
            undated = rng.random() < 0.005
            centre = rng.choice(bursts) + rng.gauss(0, 20 * 86_400) if rng.random() < 0.5 else None
            anchor = min(max(centre or rng.uniform(origin, origin + span), origin), origin + span)
            start, end = (None, None) if undated else _event_dates(rng, anchor)
            earliest, latest = event_bounds(start, end)
            title = rng.choice(TITLES).format(n=event_id)
            description = "Reported by several outlets; see the quotes." if rng.random() < 0.3 else ""
            grades = []
            for _ in range(per_event[event_id - 1]):
                source_id, text = rng.choice(sources)
                first, last = _quote_span(rng, text)
                roll = rng.random()
                stance = (
                    Stance.SUPPORTS if roll < 0.85 else Stance.CONTEXT if roll < 0.95 else Stance.CONTRADICTS
                )
                credibility = rng.randint(1, 6)
                evidence_id += 1
                quotes.append(
                    {"id": evidence_id, "event_id": event_id, "source_id": source_id, "start": first,
                     "end": last, "quote": text[first:last], "page": None, "stance": stance,
                     "credibility": credibility, "note": "", "created_at": now}
                )  # fmt: skip
                grades.append(
                    EvidenceGrade(source_id, Reliability(reliability[source_id]), credibility, stance)
                )
            assessment = assess_confidence(grades)
            overridden = rng.random() < 0.05
            certain = certain_span(start, end)
            events.append(
                {"id": event_id, "title": title, "description": description,
                 "start_edtf": start.to_edtf() if start else None, "end_edtf": end.to_edtf() if end else None,
                 "earliest": earliest, "latest": latest, "category": rng.choice(CATEGORIES),
                 "confidence": rng.choice(list(Confidence)) if overridden else assessment.suggested,
                 "confidence_overridden": overridden, "same_day_order": None, "created_at": now,
                 "updated_at": now}
            )  # fmt: skip
            derived.append(
                {"event_id": event_id, "certain_start": certain[0], "certain_end": certain[1],
                 "evidence_count": len(grades), "disputed": assessment.disputed,
                 "flags": event_flags(events[-1]["start_edtf"], events[-1]["end_edtf"], assessment.disputed,
                                      overridden),
                 "suggested_confidence": assessment.suggested, "folded": fold(f"{title}\n{description}")}
            )  # fmt: skip
            for entity_id in rng.sample(range(1, sizes.entities + 1), rng.choice((0, 1, 1, 2, 2, 3))):
                people.append({"event_id": event_id, "entity_id": entity_id, "role": ""})
            if rng.random() < 0.3:
                taggings.append({"tag_id": rng.randint(1, len(TAGS)), "event_id": event_id})
        generated = perf_counter()
        for model, rows in (
            (Event, events),
            (EventDerived, derived),
            (Evidence, quotes),
            (Participation, people),
            (Tagging, taggings),
        ):
            for index in range(0, len(rows), 20_000):
                connection.execute(insert(model), rows[index : index + 20_000])
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return {
        "events": len(events),
        "evidence": len(quotes),
        "participants": len(people),
        "taggings": len(taggings),
        "sources": len(sources),
        "entities": sizes.entities,
        "build_s": perf_counter() - started,
        "generate_and_insert_split_s": [generated - started, perf_counter() - generated],
        "built_with": "bulk inserts through SQLAlchemy Core (not EventRepository); no full-text index",
    }


def _spread(rng: random.Random, total: int, count: int) -> list[int]:
    """``count`` numbers from 1 to 5 summing to ``total`` (3 on average for 300,000 over 100,000)."""
    numbers = [1] * count
    for _ in range(total - count):
        while True:
            index = rng.randrange(count)
            if numbers[index] < 5:
                numbers[index] += 1
                break
    return numbers


def build_dates_case(path: Path, sources: int, workers: int) -> dict[str, Any]:
    started = perf_counter()
    engine = _new_case(path, "Date extraction benchmark")
    with engine.begin() as connection:
        made = insert_sources(connection, sources, sources * 5 / 1000, workers)
    engine.dispose()
    return {
        "sources": len(made),
        "text_chars": sum(len(text) for _id, text in made),
        "build_s": perf_counter() - started,
    }


def cached(path: Path, build: Callable[[Path], dict[str, Any]], rebuild: bool) -> tuple[dict[str, Any], bool]:
    """The case at ``path`` with its facts, built (under a temporary name, then moved) if need be."""
    facts_path = path.with_suffix(".json")
    if not rebuild and path.exists() and facts_path.exists():
        return json.loads(facts_path.read_text(encoding="utf-8")), False
    building = path.with_suffix(f".building-{os.getpid()}")
    facts = build(building)
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{building}{suffix}").exists():
            os.replace(f"{building}{suffix}", f"{path}{suffix}")
    facts_path.write_text(json.dumps(facts, indent=2, ensure_ascii=False), encoding="utf-8")
    return facts, True


# -- measuring -------------------------------------------------------------------------------------------


def timed(repeats: int, work: Callable[[], object]) -> tuple[tuple[float, float], object]:
    """Median wall and CPU seconds of ``repeats`` runs (the machine is shared: CPU time is the steadier)."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        started, cpu = perf_counter(), process_time()
        result = work()
        walls.append(perf_counter() - started)
        cpus.append(process_time() - cpu)
    return (median(walls), median(cpus)), result


def probe(path: Path) -> dict[str, float]:
    """Run in a fresh process: import, open, first timeline rows (what precedes the first paint)."""
    started = perf_counter()
    from app.store import CaseStore

    store_imported = perf_counter()
    from app.core.event_records import LaneGrouping
    from app.store.events import EventRepository

    imported = perf_counter()
    store = CaseStore.open(path)
    opened = perf_counter()
    repository: EventRepository = store.events
    rows = repository.timeline_rows(grouping=LaneGrouping.NONE)
    fetched = perf_counter()
    import psutil

    result = {
        "store_import_s": store_imported - started,
        "import_s": imported - store_imported,
        "open_s": opened - imported,
        "timeline_rows_s": fetched - opened,
        "total_s": fetched - store_imported,
        "rows": len(rows),
        "rss_mb": psutil.Process().memory_info().rss / 2**20,
    }
    store.close()
    return result


def cold_runs(path: Path, runs: int = 3) -> list[dict[str, float]]:
    results = []
    for _ in range(runs):
        command = [sys.executable, "-m", "bench.bench_events", "--probe", str(path)]
        output = subprocess.run(command, cwd=REPO_DIR, capture_output=True, text=True, check=True).stdout
        results.append(json.loads(output))
    return results


def sanity_check(store: Any, sample: Sequence[int]) -> None:
    """The bulk-built derived rows must be what the repository computes."""
    import sqlite3

    def rows() -> list[tuple[Any, ...]]:
        marks = ",".join("?" * len(sample))
        query = (
            "SELECT e.id, e.earliest, e.latest, e.confidence, d.certain_start, d.certain_end, "
            "d.evidence_count, d.disputed, d.flags, d.suggested_confidence, d.folded "
            "FROM events e JOIN event_derived d ON d.event_id = e.id "
            f"WHERE e.id IN ({marks}) ORDER BY e.id"
        )
        with sqlite3.connect(store.path) as raw:
            return raw.execute(query, list(sample)).fetchall()

    before = rows()
    store.events.refresh_derived(sample)
    after = rows()
    if before != after:
        differ = [(b, a) for b, a in zip(before, after, strict=True) if b != a][:3]
        raise SystemExit(f"bulk-built derived values differ from the repository's: {differ}")


def measure_events(path: Path, repeats: int) -> dict[str, Any]:
    import tracemalloc

    from app.core.event_records import EventFilter, EventOrder, EventSortKey, LaneGrouping
    from app.core.records import Confidence
    from app.store import CaseStore

    results: dict[str, Any] = {}
    (results["open_s"], _cpu), _ = timed(repeats, lambda: CaseStore.open(path).close())
    store = CaseStore.open(path, actor="bench")
    events = store.events
    sanity_check(store, list(range(1, 100_000, 200)))
    tracemalloc.start()
    rows = events.timeline_rows()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results["timeline_rows_mb"] = {"held": held / 2**20, "peak": peak / 2**20}
    timings: dict[str, tuple[float, float]] = {}
    for grouping in LaneGrouping:  # lanes by entity, tag and source are one query of links each
        timings[f"timeline_rows ({grouping.value})"], _ = timed(
            repeats, lambda g=grouping: events.timeline_rows(grouping=g)
        )
    timings["TimelineItems from rows (the UI's side)"], _ = timed(repeats, lambda: _as_items(rows))
    one_year = EventFilter(earliest=_epoch(2015, 1, 1), latest=_epoch(2015, 12, 31))
    filters = {
        "all": EventFilter(),
        "text 'פיונגיאנג'": EventFilter(text="פיונגיאנג"),
        "one year": one_year,
        "entity": EventFilter(entity_ids=frozenset({7})),
        "tag": EventFilter(tag_ids=frozenset({1})),
        "disputed only": EventFilter(disputed_only=True),
        "probable or better": EventFilter(confidences=frozenset({Confidence.CONFIRMED, Confidence.PROBABLE})),
        "combined": EventFilter(earliest=_epoch(2010, 1, 1), text="payment", disputed_only=True),
    }
    counts = {}
    for name, conditions in filters.items():
        timings[f"event_ids by date: {name}"], found = timed(
            repeats, lambda c=conditions: events.event_ids(c)
        )
        counts[name] = len(found)  # type: ignore[arg-type]
    timings["event_ids by title: all"], _ = timed(
        repeats, lambda: events.event_ids(order=EventOrder(EventSortKey.TITLE))
    )
    timings["event_ids by confidence: all"], _ = timed(
        repeats, lambda: events.event_ids(order=EventOrder(EventSortKey.CONFIDENCE))
    )
    timings["timeline_rows: one year"], _ = timed(repeats, lambda: events.timeline_rows(one_year))
    timings["count: all"], _ = timed(repeats, lambda: events.count())
    ordered = events.event_ids()
    page = ordered[len(ordered) // 2 : len(ordered) // 2 + 50]
    timings["summaries: page of 50"], _ = timed(repeats, lambda: events.summaries(page))
    timings["get: one event"], _ = timed(repeats, lambda: events.get(page[0]))
    timings["details: 50 events"], _ = timed(repeats, lambda: events.details(page))
    timings["histogram: 200 bins"], _ = timed(repeats, lambda: events.histogram(bins=200))
    timings["evidence_for_source"], highlights = timed(repeats, lambda: events.evidence_for_source(1))
    text = store.source_text(1)

    def edit_and_undo() -> None:
        edit = events.link_evidence(page[0], 1, 0, min(40, len(text)), credibility=2)
        events.revert(edit)

    timings["link a quote + undo it (2 commits)"], _ = timed(repeats, edit_and_undo)
    store.close()
    results["timings_s"] = timings
    results["filter_counts"] = counts
    results["highlights_in_source_1"] = len(highlights)  # type: ignore[arg-type]
    results["timeline_rows"] = len(rows)
    return results


def _as_items(rows: Any) -> list[Any]:
    """What the timeline widget needs, built the obvious way (half-open ends: latest + 1 s)."""
    from app.core.event_records import EventFlag
    from app.core.timeline_layout import TimelineItem

    items = []
    for index, event_id in enumerate(rows.ids):
        flags = rows.flags[index]
        earliest, latest = rows.earliest[index], rows.latest[index]
        certain0, certain1 = rows.certain_start[index], rows.certain_end[index]
        items.append(
            TimelineItem(
                id=event_id,
                title=rows.titles[index],
                lane="",
                earliest=earliest,
                latest=None if latest is None else latest + 1,
                certain_start=certain0,
                certain_end=None if certain1 is None else certain1 + 1,
                has_end=bool(flags & EventFlag.HAS_END),
                approximate=bool(flags & EventFlag.APPROXIMATE),
                disputed=bool(flags & EventFlag.DISPUTED),
                colour=None,
                evidence_count=rows.evidence_count[index],
            )
        )
    return items


def _epoch(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp())  # type: ignore[misc]


def measure_dates(path: Path) -> dict[str, Any]:
    import sqlite3

    from app.store import CaseStore

    with sqlite3.connect(path) as raw:  # from scratch each run
        raw.execute("DELETE FROM source_dates")
        raw.execute("DELETE FROM source_date_scans")
    store = CaseStore.open(path, actor="bench")
    wall, cpu = perf_counter(), process_time()
    done = store.events.ensure_dates_extracted()
    wall, cpu = perf_counter() - wall, process_time() - cpu
    with sqlite3.connect(path) as raw:
        found = raw.execute("SELECT count(*), sum(edtf IS NULL), sum(inferred) FROM source_dates").fetchone()
    (stored, _cpu), _ = timed(5, lambda: store.events.dates_in(1))
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE source_date_scans SET extractor_version = 'old' WHERE source_id = 2")
    started = perf_counter()
    store.events.dates_in(2)
    stale = perf_counter() - started
    store.close()
    return {
        "sources": done,
        "wall_s": wall,
        "cpu_s": cpu,
        "dates_found": found[0],
        "unresolved": found[1],
        "inferred": found[2],
        "dates_in_stored_s": stored,
        "dates_in_stale_s": stale,
    }


# -- report --------------------------------------------------------------------------------------------------


def summarise(results: dict[str, Any]) -> str:
    case, events, cold, dates = results["events_case"], results["events"], results["cold"], results["dates"]
    part = median([run["total_s"] for run in cold])
    keys = ("store_import_s", "import_s", "open_s", "timeline_rows_s", "rss_mb")
    at = {key: median([run[key] for run in cold]) for key in keys}
    ms = {key: value * 1000 for key, value in at.items()}
    memory = results["memory"]["peak_total_mb"]
    rows_mb = events["timeline_rows_mb"]
    timings = [
        (name, f"{wall * 1000:.1f}", f"{cpu * 1000:.1f}") for name, (wall, cpu) in events["timings_s"].items()
    ]
    report = Report()
    report.add(
        f"## Events: {case['events']:,} events, {case['evidence']:,} quotes, {case['participants']:,} "
        f"participants, {case['sources']:,} sources",
        "",
        f"- cold process (median of {len(cold)}), after `import app.store` ({ms['store_import_s']:.0f} ms, "
        f"paid at start-up anyway): events modules imported in {ms['import_s']:.0f} ms, case opened in "
        f"{ms['open_s']:.0f} ms, timeline_rows of every event in {ms['timeline_rows_s']:.0f} ms: "
        f"**{part * 1000:.0f} ms** (target < {TARGET_STORE_PART_S * 1000:.0f} ms of the "
        f"{TARGET_FIRST_PAINT_S:.0f} s to the first timeline paint: {verdict(part < TARGET_STORE_PART_S)}); "
        f"RSS then {at['rss_mb']:.0f} MB",
        f"- warm open {events['open_s'] * 1000:.0f} ms; the timeline rows hold {rows_mb['held']:.0f} MB "
        f"({rows_mb['peak']:.0f} MB at the peak of reading them, tracemalloc); peak RSS of this benchmark "
        f"process {memory:.0f} MB (whole-app target {TARGET_MEMORY_MB} MB: "
        f"{verdict(memory < TARGET_MEMORY_MB)})",
        "",
        table(("operation (warm, median)", "wall ms", "CPU ms"), timings),
        "",
        "Events per filter: "
        + ", ".join(f"{name} {count:,}" for name, count in events["filter_counts"].items()),
        "",
        f"## Dates in sources: {dates['sources']:,} sources, "
        f"{results['dates_case']['text_chars'] / 1e6:.0f} M characters",
        "",
        f"- ensure_dates_extracted: **{dates['wall_s']:.1f} s** wall, {dates['cpu_s']:.1f} s CPU "
        f"(target < {TARGET_DATES_S:.0f} s: {verdict(dates['wall_s'] < TARGET_DATES_S)}); "
        f"{dates['dates_found']:,} expressions, {dates['inferred']:,} with an inferred part, "
        f"{dates['unresolved']:,} unresolved",
        f"- dates_in: stored {dates['dates_in_stored_s'] * 1000:.1f} ms, stale (found again) "
        f"{dates['dates_in_stale_s'] * 1000:.1f} ms",
        "",
        f"Cases built with {case['built_with']}; events case {case['build_s']:.0f} s "
        f"({'built this run' if results['built']['events'] else 'cached'}). Machine load during the run: "
        f"{results['memory']['foreign_cpu_cores']:.1f} cores busy with other programs on average.",
    )
    return report.text()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10,000 events and 1,000 sources")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="processes generating the corpus")
    parser.add_argument("--rebuild", action="store_true", help="build the cases even if cached ones exist")
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        print(json.dumps(probe(args.probe)))
        return 0
    sizes = QUICK if args.quick else FULL
    CASES_DIR.mkdir(parents=True, exist_ok=True)
    stem = f"app{fingerprint()}"
    events_path = CASES_DIR / f"{sizes.key}-{stem}.threadline"
    dates_path = CASES_DIR / f"dates-n{sizes.date_sources}-{stem}.threadline"
    print(f"events case {events_path.name} …", file=sys.stderr, flush=True)
    events_case, events_built = cached(
        events_path, lambda path: build_events_case(path, sizes, args.workers), args.rebuild
    )
    print(f"dates case {dates_path.name} …", file=sys.stderr, flush=True)
    dates_case, dates_built = cached(
        dates_path, lambda path: build_dates_case(path, sizes.date_sources, args.workers), args.rebuild
    )
    results: dict[str, Any] = {
        "machine": machine_info(),
        "sizes": sizes.__dict__,
        "events_case": events_case,
        "dates_case": dates_case,
        "built": {"events": events_built, "dates": dates_built},
    }
    print("waiting for a quiet machine, then cold runs …", file=sys.stderr, flush=True)
    results["quiet_before_cold"] = wait_for_quiet(120)
    results["cold"] = cold_runs(events_path)
    results["quiet_before_warm"] = wait_for_quiet(120)
    print("warm runs …", file=sys.stderr, flush=True)
    with MemorySampler() as memory:
        results["events"] = measure_events(events_path, args.repeats)
        print("date extraction …", file=sys.stderr, flush=True)
        results["dates"] = measure_dates(dates_path)
    results["memory"] = memory.as_dict()
    text = summarise(results)
    results["report"] = text
    write_results("events", results)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
