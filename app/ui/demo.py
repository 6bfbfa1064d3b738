"""The demo case: the fictional Meridian 3107 story (``resources/demo``) imported into a case of its own.

It is built once, the first time someone asks for it, with the same import pipeline as any other import,
and kept in the default case folder as ``Demo case.threadline``. It is built under a temporary name and
renamed when complete, so an interrupted build never leaves a half-filled demo that looks finished.
"""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from app.core.errors import CaseFileError
from app.core.progress import CancelToken, ProgressSink, ignore_progress
from app.core.records import ImportOutcome, ImportStatus
from app.ingest.pipeline import import_paths
from app.store import CaseStore
from app.ui.demo_story import add_demo_story
from app.ui.resources import resource_path

DEMO_CASE_FILE_NAME = "Demo case.threadline"
_SIDE_FILES = ("-wal", "-shm", "-journal")


def demo_case_path(case_dir: Path) -> Path:
    return case_dir / DEMO_CASE_FILE_NAME


def demo_source_files() -> list[Path]:
    """The demo's sources (the README describes them; it is not one of them)."""
    folder = resource_path("demo")
    return sorted(path for path in folder.iterdir() if path.is_file() and path.name != "README.md")


def demo_case_title() -> str:
    return QCoreApplication.translate("DemoCase", "Demo: the Meridian 3107 flight")


def ensure_demo_case(
    case_dir: Path, progress: ProgressSink = ignore_progress, cancel: CancelToken | None = None
) -> Path:
    """The demo case file, built now if it is not there yet. Runs on a worker thread; no widgets."""
    path = demo_case_path(case_dir)
    if not path.exists():
        build_demo_case(path, progress, cancel)
    return path


def build_demo_case(
    destination: Path,
    progress: ProgressSink = ignore_progress,
    cancel: CancelToken | None = None,
    *,
    worked: bool = True,
) -> list[ImportOutcome]:
    """Import the demo sources into a new case at ``destination``; with ``worked``, add what an
    investigator would have made of them (``app.ui.demo_story``: dates, grades, entities, events)."""
    building = destination.with_name(destination.name + ".building")
    _remove_with_side_files(building)
    try:
        with CaseStore.create(building, title=demo_case_title(), actor="Threadline demo") as store:
            # Nine small files: reading them here is quicker than starting worker processes.
            outcomes = import_paths(
                store,
                demo_source_files(),
                imported_by="Threadline demo",
                progress=progress,
                cancel=cancel,
                workers=1,
            )
            if worked and (cancel is None or not cancel.cancelled):
                add_demo_story(store)
        if cancel is not None:
            cancel.raise_if_cancelled()
        failed = [outcome for outcome in outcomes if outcome.status is ImportStatus.FAILED]
        if failed:  # the demo ships with the app, so this is a packaging bug, not the user's problem
            raise RuntimeError(f"demo sources failed to import: {failed}")
        _remove_with_side_files(destination, keep=True)
        os.replace(building, destination)
    except OSError as error:
        _remove_with_side_files(building)
        raise CaseFileError(
            f"Cannot build the demo case in {destination.parent}: {error.strerror or error}."
        ) from error
    except BaseException:
        _remove_with_side_files(building)
        raise
    return outcomes


def _remove_with_side_files(path: Path, *, keep: bool = False) -> None:
    """Remove ``path``'s WAL and shared-memory files (and ``path`` itself unless ``keep``)."""
    names = [f"{path}{suffix}" for suffix in _SIDE_FILES] + ([] if keep else [str(path)])
    for name in names:
        with suppress(FileNotFoundError):
            os.remove(name)
