"""Run every benchmark (``make bench``): the import benchmark, then the search benchmark.

Each runs in its own process so that peak-memory figures (sampled RSS, ``ru_maxrss``) belong to one
benchmark only. Their reports are printed and collected in ``bench/out/results/latest.md``.

    python -m bench.run_all                 # full sizes: 1,000 files to import; 10,000 sources to search
    python -m bench.run_all --quick         # small sizes, one round: a smoke test in a minute or two
    python -m bench.run_all --only search   # one benchmark
    python -m bench.run_all --at HEAD       # measure app/ as committed, not the working tree
    python -m bench.run_all --only import -- --repeats 3   # anything after "--" goes to each benchmark

``--at REV`` copies ``app/`` as of that commit (and these benchmark scripts) into
``bench/out/snapshots/<commit>/`` and runs from there, so edits made in the tree while a long benchmark
runs (worker processes import the app afresh each round) cannot mix two versions into one result.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.common import BENCH_DIR, OUT_DIR, REPO_DIR, RESULTS_DIR

BENCHMARKS = {"import": "bench.bench_import", "search": "bench.bench_search"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes and one round (smoke test)")
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append", help="run just this one")
    parser.add_argument("--profile", action="store_true", help="add cProfile output to the reports")
    parser.add_argument("--at", metavar="REV", help="benchmark app/ as of this git revision (e.g. HEAD)")
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = parser.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    where, env = REPO_DIR, dict(os.environ)
    if args.at:
        where = snapshot(args.at)
        env["THREADLINE_BENCH_OUT"] = str(OUT_DIR)
        env["THREADLINE_BENCH_REVISION"] = where.name
    names = args.only or list(BENCHMARKS)
    flags = [*(["--quick"] if args.quick else []), *(["--profile"] if args.profile else []), *extra]
    failed = []
    reports = []
    for name in names:
        command = [sys.executable, "-m", BENCHMARKS[name], *flags]
        print(f"$ {' '.join(command[1:])}", file=sys.stderr, flush=True)
        if subprocess.run(command, cwd=where, env=env, check=False).returncode != 0:
            failed.append(name)
            continue
        latest = RESULTS_DIR / f"{name}-latest.json"
        reports.append(json.loads(latest.read_text(encoding="utf-8"))["report"])
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "latest.md").write_text("\n\n".join(reports), encoding="utf-8")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def snapshot(revision: str) -> Path:
    """``app/`` at ``revision`` plus the current benchmark scripts, in a folder of their own."""
    commit = subprocess.run(
        ["git", "-C", str(REPO_DIR), "rev-parse", "--short", revision],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    target = OUT_DIR / "snapshots" / commit
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(REPO_DIR), "archive", "--format=tar", commit, "app", "pyproject.toml"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    shutil.copytree(BENCH_DIR, target / "bench", ignore=shutil.ignore_patterns("out", "__pycache__"))
    print(f"benchmarking app/ at {commit} from {target}", file=sys.stderr, flush=True)
    return target


if __name__ == "__main__":
    raise SystemExit(main())
