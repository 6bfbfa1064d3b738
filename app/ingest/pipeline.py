"""The import pipeline shared by the CLI and the GUI: files in, sources in the case, one report line each.

Extraction (reading, hashing, parsing) runs in worker processes; every write happens in the calling thread
through the ``CaseStore``, one transaction per source, so a failure or a cancel never leaves half a source
behind. Workers are started with "spawn" on every platform: a GUI process has threads, and forking a
threaded process can deadlock the child. Results are written in input order (a small reorder buffer
absorbs completion order), so the same files always get the same source numbers, however many workers.

A worker hands back a ``FileResult``: the SHA-256 of the bytes it read and their ``Extraction``, or the
reason it could not. The writer reads the file again and stores those bytes only if their hash still
matches; otherwise the file changed while it was being read.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing
import os
import stat
import time
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from app.core.errors import ImportRejected, ThreadlineError
from app.core.lifeline import exit_with_parent
from app.core.progress import CancelToken, ProgressSink, ProgressUpdate, ignore_progress
from app.core.records import ImportOutcome, ImportStatus, SourceMetadata
from app.ingest.limits import Limits
from app.ingest.note import extraction_from_pasted, pasted_original
from app.ingest.text import decode_text
from app.ingest.worker import FileResult, extract_file, read_original
from app.store import CaseStore

log = logging.getLogger(__name__)

CHANGED_REASON = "file changed during import"
CRASH_REASON = "reading this file crashed its worker process (out of memory or a parser fault)"
SMALL_BATCH = 8  # up to this many files are read here: starting workers costs about a second
DEFAULT_LIMITS = Limits()
_WINDOW_PER_WORKER = 16  # files read ahead of the writer, per worker: a slow file must not idle the rest

FileReader = Callable[[str], FileResult]  # a path in, what a worker learned about that file out


# -- collecting files ---------------------------------------------------------------------------------


def collect_paths(paths: Iterable[str | os.PathLike[str]], skipped: list[Path] | None = None) -> list[Path]:
    """The files to import: given files as they are, folders recursively in name order.

    Hidden files and folders (".git", ".DS_Store", Windows' hidden attribute) inside folders are skipped
    (and added to ``skipped``, a hidden folder once for all it holds); a hidden path given explicitly is
    taken. Folder symlinks are followed once: a loop ends at a folder
    already visited. Devices, pipes and sockets inside folders are skipped. A path that is missing or a
    folder that cannot be listed stays in the list, so the import reports it.
    """
    collected: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        found = _walk(path, skipped) if path.is_dir() else [path]
        for file in found:
            if file not in seen:
                seen.add(file)
                collected.append(file)
    return collected


def _walk(root: Path, skipped: list[Path] | None = None) -> list[Path]:
    found: list[Path] = []
    visited: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            info = folder.stat()
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            found.append(folder)  # vanished or unreadable: reported as such
            continue
        if (info.st_dev, info.st_ino) in visited:
            continue
        visited.add((info.st_dev, info.st_ino))
        subfolders: list[Path] = []
        for entry in entries:
            if _hidden(entry):
                if skipped is not None:
                    skipped.append(Path(entry.path))
                continue
            if _is_dir(entry):
                subfolders.append(Path(entry.path))
            elif _is_file(entry):
                found.append(Path(entry.path))
        stack.extend(reversed(subfolders))
    return sorted(found, key=lambda path: path.parts)


def _hidden(entry: os.DirEntry[str]) -> bool:
    if entry.name.startswith("."):
        return True
    attributes = getattr(_safe_stat(entry), "st_file_attributes", 0)
    return bool(attributes & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0))


def _safe_stat(entry: os.DirEntry[str]) -> os.stat_result | None:
    try:
        return entry.stat()
    except OSError:
        return None


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


# -- results in input order ---------------------------------------------------------------------------


def _results_in_process(files: list[Path], read: FileReader) -> Generator[FileResult, None, None]:
    for path in files:
        yield read(str(path))


def _results_in_workers(
    files: list[Path], read: FileReader, workers: int
) -> Generator[FileResult, None, None]:
    """Results in input order while up to ``workers × 16`` files are being read ahead.

    If a worker dies (killed, out of memory), every file it might have been reading is read again alone
    in a fresh process: the innocent ones import, the culprit fails with ``CRASH_REASON``. If workers
    cannot start at all (a frozen app, a main module that is not import-safe), files are read here.
    """
    context = multiprocessing.get_context("spawn")
    pool: ProcessPoolExecutor | None = _pool(workers, context)
    pending: dict[int, Future[FileResult]] = {}
    ready: dict[int, FileResult] = {}
    submitted = 0
    started = False
    try:
        index = 0
        while index < len(files):
            if pool is None:
                yield read(str(files[index]))
                index += 1
                continue
            if index not in ready:
                try:
                    while submitted < len(files) and submitted - index < workers * _WINDOW_PER_WORKER:
                        pending[submitted] = pool.submit(read, str(files[submitted]))
                        submitted += 1
                    ready[index] = pending[index].result()
                    started = True
                except BrokenProcessPool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = _restarted(files, pending, ready, read, workers, context, started)
                    continue  # this file is now re-read, or goes to the new pool, or is read here
            pending.pop(index, None)
            yield ready.pop(index)
            index += 1
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _restarted(
    files: list[Path],
    pending: dict[int, Future[FileResult]],
    ready: dict[int, FileResult],
    read: FileReader,
    workers: int,
    context: multiprocessing.context.BaseContext,
    started: bool,
) -> ProcessPoolExecutor | None:
    """After a worker died: re-read the suspects one by one, then a fresh pool (or none, if workers
    cannot start here at all: the caller then reads the files in this process)."""
    if not started and not _workers_start(context):
        log.warning("import workers could not start; reading the files in this process")
        pending.clear()
        return None
    log.warning("an import worker died; re-reading %d file(s) one by one", len(pending))
    for suspect in sorted(pending):
        ready[suspect] = _alone(files[suspect], read, context)
    pending.clear()
    return _pool(workers, context)


def _pool(workers: int, context: multiprocessing.context.BaseContext) -> ProcessPoolExecutor:
    """Worker processes that end by themselves if this process dies (``kill -9`` of an import)."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=exit_with_parent)


def _workers_start(context: multiprocessing.context.BaseContext) -> bool:
    """Whether a worker process can run at all here (a frozen app or an unguarded main module cannot)."""
    try:
        with _pool(1, context) as pool:
            return pool.submit(os.getpid).result() > 0
    except (BrokenProcessPool, OSError, RuntimeError):
        return False


def _alone(path: Path, read: FileReader, context: multiprocessing.context.BaseContext) -> FileResult:
    with _pool(1, context) as pool:
        try:
            return pool.submit(read, str(path)).result()
        except BrokenProcessPool:
            return FileResult(reason=CRASH_REASON)


# -- writing ------------------------------------------------------------------------------------------


def display_name(path: Path | str) -> str:
    """A path as text that can always be printed and stored: undecodable bytes appear as ``\\xe9``."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def _name_warning(path: Path) -> str | None:
    """Names from other systems arrive as bytes that are not UTF-8; say so, and guess what they were."""
    raw = os.fsencode(path.name)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return None
    try:
        guess = decode_text(raw)
    except ImportRejected:
        guess = None
    hint = f" (probably “{guess.text}” in {guess.encoding})" if guess else ""
    return f"file name is not valid UTF-8; stored as “{display_name(path.name)}”{hint}"


class _Writer:
    """Stores results through the case's single writer and words the report lines."""

    def __init__(
        self, store: CaseStore, imported_by: str, overrides: SourceMetadata | None, limits: Limits
    ) -> None:
        self.store = store
        self.imported_by = imported_by
        self.overrides = overrides
        self.limits = limits

    def write_file(self, path: Path, result: FileResult) -> list[ImportOutcome]:
        """Store one file (and its attachments). Duplicates are found by ``add_source`` itself, inside
        its transaction: a separate look-up first would cost a second transaction per file."""
        shown = display_name(path)
        if result.extraction is None:
            return [self._failed(shown, result)]
        try:
            data = read_original(path, self.limits)
        except ImportRejected as exc:
            return [ImportOutcome(shown, ImportStatus.FAILED, reason=exc.message)]
        if hashlib.sha256(data).hexdigest() != result.sha256:
            return [ImportOutcome(shown, ImportStatus.FAILED, reason=CHANGED_REASON)]
        name_warning = _name_warning(path)
        extraction = result.extraction
        if name_warning:
            extraction = replace(extraction, warnings=(*extraction.warnings, name_warning))
        return self._add(data, replace(result, extraction=extraction), display_name(path.name), shown, None)

    def _add(
        self, data: bytes, result: FileResult, filename: str, shown: str, parent: tuple[int, str] | None
    ) -> list[ImportOutcome]:
        extraction = result.extraction
        assert extraction is not None
        parent_id, parent_path = parent if parent else (None, None)
        try:
            added = self.store.add_source(
                data,
                extraction,
                original_filename=filename,
                imported_by=self.imported_by,
                parent_id=parent_id,
                overrides=self.overrides,
                prepared=result.prepared,
            )
        except ThreadlineError as exc:
            return [ImportOutcome(shown, ImportStatus.FAILED, reason=exc.message, parent_path=parent_path)]
        if added.duplicate:
            return [_duplicate(shown, added.source_id, parent_path)]
        reason = "; ".join(extraction.warnings)
        outcomes = [ImportOutcome(shown, ImportStatus.IMPORTED, added.source_id, reason, parent_path)]
        for attachment, child in zip(extraction.attachments, result.children, strict=True):
            outcomes.extend(self._child(attachment.data, child, attachment.filename, shown, added.source_id))
        return outcomes

    def _child(
        self, data: bytes, result: FileResult, name: str, parent_shown: str, parent_id: int
    ) -> list[ImportOutcome]:
        shown = f"{parent_shown} › {name}"
        if result.unsupported:  # an e-mail's photo: its bytes stay in the e-mail, its SHA-256 is listed there
            reason = f"{result.reason}; kept inside the original of {parent_shown}, not read as a source"
            return [ImportOutcome(shown, ImportStatus.SKIPPED, reason=reason, parent_path=parent_shown)]
        if result.extraction is None:
            return [self._failed(shown, result, parent_shown)]
        return self._add(data, result, name, shown, (parent_id, parent_shown))

    def _failed(self, shown: str, result: FileResult, parent_path: str | None = None) -> ImportOutcome:
        if result.bug:
            log.error("Importing %s failed with an unexpected error:\n%s", shown, result.bug)
        return ImportOutcome(shown, ImportStatus.FAILED, reason=result.reason, parent_path=parent_path)


def _duplicate(shown: str, existing: int, parent_path: str | None = None) -> ImportOutcome:
    return ImportOutcome(
        shown, ImportStatus.DUPLICATE, existing, f"same bytes as source #{existing}", parent_path
    )


# -- the entry points ---------------------------------------------------------------------------------


def import_paths(
    store: CaseStore,
    paths: Iterable[str | os.PathLike[str]],
    *,
    limits: Limits = DEFAULT_LIMITS,
    published: str | None = None,
    imported_by: str,
    progress: ProgressSink = ignore_progress,
    cancel: CancelToken | None = None,
    workers: int | None = None,
) -> list[ImportOutcome]:
    """Import files and folders into the case; one outcome per file (and per attachment), in input order.

    ``published`` (EDTF) overrides whatever date the files state, for every source of this import.
    Cancelling stops between files: the files already written stay, the rest are not touched, and the
    report ends with a line saying how many were left out.
    """
    hidden: list[Path] = []
    files = [path for path in collect_paths(paths, hidden) if not _belongs_to_case(path, store)]
    total = len(files)
    workers = max(1, workers if workers is not None else min(2, os.cpu_count() or 1))
    overrides = SourceMetadata(published=published) if published else None
    writer = _Writer(store, imported_by, overrides, limits)
    read = partial(extract_file, limits=limits, overrides=overrides)  # picklable: workers run it
    if workers == 1 or total <= SMALL_BATCH:
        results = _results_in_process(files, read)
    else:
        results = _results_in_workers(files, read, workers)
    outcomes: list[ImportOutcome] = []
    progress(ProgressUpdate(0, total))
    done = 0
    try:
        with _CommitPacer(store) as pacer:
            for path in files:
                if cancel is not None and cancel.cancelled:
                    break
                outcomes.extend(writer.write_file(path, next(results)))
                done += 1
                pacer.written()
                progress(ProgressUpdate(done, total, current=display_name(path)))
    finally:
        results.close()  # stops the workers; files not yet written are simply dropped
    if done < total:
        outcomes.append(_cancelled_note(total - done, total))
    return outcomes + [_skipped_note(path) for path in sorted(hidden, key=lambda path: path.parts)]


def _skipped_note(path: Path) -> ImportOutcome:
    what = "hidden folder, skipped with all it holds" if path.is_dir() else "hidden file, skipped"
    return ImportOutcome(display_name(path), ImportStatus.SKIPPED, reason=f"{what} (name it to import it)")


class _CommitPacer:
    """Commit an import every so many files or fractions of a second instead of after each file.

    A synchronous (``synchronous=FULL``) commit costs several milliseconds; each file still lands whole
    or not at all through its own savepoint, and at most a quarter second of finished work waits for its
    commit — which also happens on cancel and on any error.
    """

    def __init__(self, store: CaseStore, max_files: int = 100, max_seconds: float = 0.25) -> None:
        self._store, self._max_files, self._max_seconds = store, max_files, max_seconds
        self._batch: contextlib.AbstractContextManager[None] | None = None
        self._count, self._started = 0, 0.0

    def __enter__(self) -> _CommitPacer:
        self._open()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        assert self._batch is not None
        self._batch.__exit__(*exc_info)

    def written(self) -> None:
        self._count += 1
        if self._count >= self._max_files or time.monotonic() - self._started >= self._max_seconds:
            assert self._batch is not None
            self._batch.__exit__(None, None, None)
            self._open()

    def _open(self) -> None:
        self._batch = self._store.batch()
        self._batch.__enter__()
        self._count, self._started = 0, time.monotonic()


def _belongs_to_case(path: Path, store: CaseStore) -> bool:
    """The open case file and its SQLite companions, met when importing the folder the case lives in."""
    case = Path(store.path)
    if path.name not in {case.name + suffix for suffix in ("", "-wal", "-shm", "-journal")}:
        return False
    try:
        return path.resolve().parent == case.resolve().parent
    except OSError:
        return False


def _cancelled_note(left: int, total: int) -> ImportOutcome:
    return ImportOutcome(
        "(import cancelled)",
        ImportStatus.FAILED,
        reason=f"cancelled by the user; {left} of {total} files were not imported",
    )


def import_note(store: CaseStore, text: str, *, title: str | None = None, imported_by: str) -> ImportOutcome:
    """Add pasted or typed text as a source; its UTF-8 bytes are the original."""
    shown = title or "(note)"
    try:
        extraction = extraction_from_pasted(text, title)
    except ImportRejected as exc:
        return ImportOutcome(shown, ImportStatus.FAILED, reason=exc.message)
    added = store.add_source(
        pasted_original(text), extraction, original_filename=None, imported_by=imported_by
    )
    if added.duplicate:
        return _duplicate(shown, added.source_id)
    return ImportOutcome(shown, ImportStatus.IMPORTED, added.source_id)
