"""Shared helpers for the benchmarks: timing statistics, memory sampling, machine facts, result files."""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
#: Caches and results; a run from a code snapshot (``run_all --at``) points here to share them.
OUT_DIR = Path(os.environ.get("THREADLINE_BENCH_OUT") or BENCH_DIR / "out")
RESULTS_DIR = OUT_DIR / "results"

PACKAGES = (
    "SQLAlchemy",
    "alembic",
    "trafilatura",
    "lxml",
    "pypdf",
    "python-docx",
    "charset-normalizer",
    "edtf",
    "pyparsing",
    "fpdf2",
    "psutil",
)


# -- statistics ----------------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``pct`` % of values at or below it."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


# -- memory --------------------------------------------------------------------------------------------


@dataclass
class MemoryPeak:
    """Peak resident memory seen while sampling (this process alone, and with all its descendants), and
    how much CPU *other* programs used meanwhile (this machine is shared; their load skews timings)."""

    start_self: int = 0
    peak_self: int = 0
    peak_total: int = 0
    peak_children: int = 0
    samples: int = 0
    max_children_seen: int = 0
    own_cpu_s: float = 0.0
    foreign_cpu_cores: float = 0.0  # average cores busy with other processes during the span

    def as_dict(self) -> dict[str, float]:
        return {
            "start_self_mb": self.start_self / 2**20,
            "peak_self_mb": self.peak_self / 2**20,
            "peak_children_mb": self.peak_children / 2**20,
            "peak_total_mb": self.peak_total / 2**20,
            "samples": self.samples,
            "max_children_seen": self.max_children_seen,
            "own_cpu_s": self.own_cpu_s,
            "foreign_cpu_cores": self.foreign_cpu_cores,
        }


def _busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores, all processes) since boot."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def own_cpu_seconds(process: psutil.Process) -> float:
    """CPU seconds used by this process, its reaped children and its live descendants."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    for child in process.children(recursive=True):
        try:
            times = child.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        total += times.user + times.system
    return total


def wait_for_quiet(max_wait: float, *, threshold_cores: float = 0.3, window: float = 2.0) -> dict[str, Any]:
    """Wait (up to ``max_wait`` seconds) until other programs use less than ``threshold_cores`` of CPU.

    On a machine shared with other work this keeps a timed round from starting in the middle of someone
    else's test run; the load actually seen during each round is recorded anyway (``foreign_cpu_cores``).
    """
    process = psutil.Process()
    started = time.perf_counter()
    foreign = math.inf
    while True:
        busy, own, t0 = _busy_cpu_seconds(), own_cpu_seconds(process), time.perf_counter()
        time.sleep(window)
        elapsed = time.perf_counter() - t0
        foreign = max(0.0, (_busy_cpu_seconds() - busy) - (own_cpu_seconds(process) - own)) / elapsed
        waited = time.perf_counter() - started
        if foreign < threshold_cores or waited >= max_wait:
            return {
                "waited_s": round(waited, 1),
                "foreign_cpu_cores": round(foreign, 2),
                "quiet": foreign < threshold_cores,
            }


class MemorySampler:
    """Samples the RSS of this process and its children (recursively) on a background thread.

    RSS double-counts pages shared between a parent and forked children, so the total is an upper bound
    of what the processes really hold; it is what a user watching a task manager would see added up.
    """

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak = MemoryPeak()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)
        self._process = psutil.Process()

    def __enter__(self) -> MemoryPeak:
        self.peak.start_self = self._process.memory_info().rss
        self._cpu_start = (_busy_cpu_seconds(), own_cpu_seconds(self._process), time.perf_counter())
        self._sample()
        self._thread.start()
        return self.peak

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        busy, own, started = self._cpu_start
        own_used = own_cpu_seconds(self._process) - own
        wall = max(time.perf_counter() - started, 1e-9)
        self.peak.own_cpu_s = own_used
        self.peak.foreign_cpu_cores = max(0.0, _busy_cpu_seconds() - busy - own_used) / wall

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        own = self._process.memory_info().rss
        children = 0
        count = 0
        for child in self._process.children(recursive=True):
            try:
                children += child.memory_info().rss
                count += 1
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        peak = self.peak
        peak.samples += 1
        peak.peak_self = max(peak.peak_self, own)
        peak.peak_children = max(peak.peak_children, children)
        peak.peak_total = max(peak.peak_total, own + children)
        peak.max_children_seen = max(peak.max_children_seen, count)


def ru_maxrss_mb() -> dict[str, float]:
    """Lifetime peak RSS of this process and of its largest waited-for child (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self_mb": own, "largest_child_mb": children}


# -- timing --------------------------------------------------------------------------------------------


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """``with stopwatch() as elapsed: …`` then ``elapsed[0]`` holds the wall time in seconds."""
    elapsed: list[float] = []
    start = time.perf_counter()
    try:
        yield elapsed
    finally:
        elapsed.append(time.perf_counter() - start)


# -- machine and software ------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str]:
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit() -> str:
    try:
        result = subprocess.run(
            ["git", "-C", str(REPO_DIR), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return result.stdout.strip()


def app_state() -> dict[str, Any]:
    """Which app code was measured: HEAD, whether app/ had uncommitted changes, and a hash of app/**.py
    (others may be working in the same tree while a benchmark runs)."""
    digest = hashlib.sha256()
    for path in sorted((REPO_DIR / "app").rglob("*.py")):
        digest.update(path.relative_to(REPO_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    snapshot = os.environ.get("THREADLINE_BENCH_REVISION")
    if snapshot:  # run_all --at: app/ was exported from this commit, untouched since
        return {"git_commit": snapshot, "app_uncommitted_changes": False, "app_hash": digest.hexdigest()[:12]}
    try:
        status = subprocess.run(
            ["git", "-C", str(REPO_DIR), "status", "--porcelain", "--", "app"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        status = "?"
    return {
        "git_commit": git_commit(),
        "app_uncommitted_changes": bool(status.strip()),
        "app_hash": digest.hexdigest()[:12],
    }


def machine_info() -> dict[str, Any]:
    memory = psutil.virtual_memory()
    return {
        "cpu": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram_gb": round(memory.total / 2**30, 1),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "packages": package_versions(),
        **app_state(),
        "started": datetime.now().isoformat(timespec="seconds"),
        "load_average_at_start": load_average(),
    }


def load_average() -> tuple[float, float, float] | None:
    """1, 5 and 15-minute load averages: other work on the machine skews timings, so record it."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return None
    return round(one, 2), round(five, 2), round(fifteen, 2)


# -- output --------------------------------------------------------------------------------------------


def write_results(name: str, results: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS_DIR / f"{name}-{stamp}.json"
    text = json.dumps(results, indent=2, ensure_ascii=False, default=str)
    path.write_text(text, encoding="utf-8")
    (RESULTS_DIR / f"{name}-latest.json").write_text(text, encoding="utf-8")
    return path


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table (also readable in a terminal)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


@dataclass
class Report:
    """Lines of a human-readable report, printed at the end and saved next to the JSON."""

    lines: list[str] = field(default_factory=list)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"
