# The two commands in the README: `make run` and `make test`. Both set everything up first.
.PHONY: run test lint typecheck imports unit bench setup

VENV := .venv/bin

setup:
	@scripts/bootstrap.sh

run: setup
	$(VENV)/threadline gui

test: setup lint typecheck imports unit

lint:
	$(VENV)/ruff check app tests bench
	$(VENV)/ruff format --check app tests bench

typecheck:
	$(VENV)/mypy

imports:
	$(VENV)/lint-imports

unit:
	QT_QPA_PLATFORM=offscreen $(VENV)/pytest -q

bench: setup
	QT_QPA_PLATFORM=offscreen $(VENV)/python -m bench.run_all
