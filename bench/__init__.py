"""Benchmarks for the case file, import and search (``make bench`` → ``python -m bench.run_all``).

These are runnable scripts, not tests: they build realistic corpora (``bench.corpus``), time the app
against targets and print medians. Generated corpora and case files are cached under ``bench/out/``.
"""
