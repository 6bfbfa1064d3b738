"""Run every benchmark (``make bench``): the import benchmark, then the search benchmark.

Each runs in its own process so that peak-memory figures (sampled RSS, ``ru_maxrss``) belong to one
benchmark only. Their reports are printed and collected in ``bench/out/results/latest.md``.

    python -m bench.run_all                 # full sizes: 1,000 files to import; 10,000 sources to search
    python -m bench.run_all --quick         # small sizes, one round: a smoke test in a minute or two
    python -m bench.run_all --only search   # one benchmark
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Sequence

from bench.common import REPO_DIR, RESULTS_DIR

BENCHMARKS = {"import": "bench.bench_import", "search": "bench.bench_search"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes and one round (smoke test)")
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append", help="run just this one")
    parser.add_argument("--profile", action="store_true", help="add cProfile output to the reports")
    args = parser.parse_args(argv)
    names = args.only or list(BENCHMARKS)
    flags = [*(["--quick"] if args.quick else []), *(["--profile"] if args.profile else [])]
    failed = []
    reports = []
    for name in names:
        command = [sys.executable, "-m", BENCHMARKS[name], *flags]
        print(f"$ {' '.join(command[1:])}", file=sys.stderr, flush=True)
        if subprocess.run(command, cwd=REPO_DIR, check=False).returncode != 0:
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


if __name__ == "__main__":
    raise SystemExit(main())
