"""Imports from the GUI: files and folders (menu or drag and drop), pasted text, and typed notes.

The controller runs ``app.ingest.pipeline`` on a worker thread (``app.ui.workers.Task``), which makes
that thread the case's single writer for the duration; the GUI thread only reads, so it never waits on
the import. Progress arrives at most 20 times a second, Cancel stops between files (what finished stays,
nothing is half-written: each source is one transaction), and a summary lists every file's outcome. New
sources reach the views the usual way, as ``Change`` records through the ``StoreBridge``.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMimeData, QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.progress import CancelToken, ProgressSink, ProgressUpdate
from app.core.records import ImportOutcome, ImportStatus
from app.store import CaseStore
from app.ui.import_dialogs import ImportProgressDialog, ImportSummaryDialog, NoteDialog
from app.ui.workers import Task, Work

_gc_frozen = False


def freeze_long_lived_objects() -> None:
    """Move every object alive now (modules, Qt wrappers, parsers' tables) out of the cyclic collector's way.

    During an import the writer allocates fast, which triggers full collections; each one walks some
    150,000 long-lived objects with the GIL held — over 100 ms in which the GUI cannot run (measured with
    bench/bench_ui_import.py). Frozen objects are skipped, and a full collection drops to well under a
    millisecond. Done once per process, so garbage alive at that moment is the only thing ever kept.
    """
    global _gc_frozen
    if not _gc_frozen:
        gc.freeze()
        _gc_frozen = True


def accepts_drop(mime: QMimeData) -> bool:
    """True if the drag carries at least one local file or folder."""
    return mime.hasUrls() and any(url.isLocalFile() for url in mime.urls())


def paths_from_mime(mime: QMimeData) -> list[Path]:
    """The local files and folders of a drag, in order, without repeats; other URLs are ignored."""
    paths: dict[Path, None] = {}
    for url in mime.urls():
        if url.isLocalFile() and url.toLocalFile():
            paths.setdefault(Path(url.toLocalFile()), None)
    return list(paths)


class ImportController(QObject):
    """Runs imports for one open case at a time; see the module docstring."""

    import_started = Signal()
    import_finished = Signal(list)  # list[ImportOutcome], including a "cancelled" line if it was
    source_added = Signal(int)  # a note was stored (or was already there): open it
    busy_changed = Signal(bool)

    accepts_drop = staticmethod(accepts_drop)
    paths_from_mime = staticmethod(paths_from_mime)

    def __init__(self, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.parent_widget = parent_widget
        self._store: CaseStore | None = None
        self._task: Task | None = None
        self._last_update: ProgressUpdate | None = None
        self.progress_dialog: ImportProgressDialog | None = None
        self.summary_dialog: ImportSummaryDialog | None = None
        self.note_dialog: NoteDialog | None = None
        self.message_box: QMessageBox | None = None

    # --- the case ------------------------------------------------------------------------------------------

    def set_store(self, store: CaseStore | None) -> None:
        """Switch cases. A running import is cancelled and waited for (it ends after its current file),
        so the old store can be closed right after this returns."""
        if self._task is not None:
            self.cancel_and_wait()
        self._store = store

    def is_busy(self) -> bool:
        return self._task is not None

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            if self.progress_dialog is not None:
                self.progress_dialog.request_cancel()

    def cancel_and_wait(self, msecs: int = -1) -> bool:
        """Cancel and block until the worker stopped (closing the case or quitting); True if it did."""
        task = self._task
        if task is None:
            return True
        stopped = task.cancel_and_wait(msecs)
        if stopped:
            self._end_task(task)
        return stopped

    # --- files and folders -----------------------------------------------------------------------------

    def import_paths(self, paths: Sequence[Path]) -> bool:
        """Start importing ``paths`` (files and folders); False if no case is open or one is running."""
        store = self._store
        if store is None or not paths:
            return False
        if self._task is not None:
            self._inform(self.tr("An import is already running. Wait for it to finish, or cancel it first."))
            return False
        chosen = list(paths)

        def work(progress: ProgressSink, cancel: CancelToken) -> list[ImportOutcome]:
            from app.ingest import pipeline  # loaded on first use: it pulls in every parser

            return pipeline.import_paths(
                store, chosen, imported_by=store.actor, progress=progress, cancel=cancel
            )

        self._last_update = None
        freeze_long_lived_objects()
        dialog = ImportProgressDialog(self.parent_widget)
        dialog.cancel_requested.connect(self.cancel)
        self.progress_dialog = dialog
        task = self._start(work, "import")
        task.progressed.connect(self._on_progress)
        task.succeeded.connect(lambda outcomes: self._on_imported(task, outcomes))
        task.cancelled.connect(lambda: self._on_imported(task, []))
        dialog.show()
        self.import_started.emit()
        return True

    def _on_progress(self, update: ProgressUpdate) -> None:
        self._last_update = update
        if self.progress_dialog is not None:
            self.progress_dialog.update_progress(update)

    def _on_imported(self, task: Task, outcomes: list[ImportOutcome]) -> None:
        if task is not self._task:
            return  # stopped while switching cases; nobody is waiting for this report
        last = self._last_update
        cancelled = task.token.cancelled and (last is None or last.done < last.total)
        self._end_task(task)
        self.summary_dialog = ImportSummaryDialog(outcomes, cancelled, self.parent_widget)
        self.summary_dialog.show()
        self.import_finished.emit(outcomes)

    # --- notes -------------------------------------------------------------------------------------------

    def paste_as_new_source(self) -> NoteDialog | None:
        """Open the note window filled with the clipboard's text; adding it stores a note-kind source."""
        return self._ask_note(self.tr("Paste as New Source"), QGuiApplication.clipboard().text())

    def new_note(self) -> NoteDialog | None:
        return self._ask_note(self.tr("New Note"), "")

    def _ask_note(self, title: str, text: str) -> NoteDialog | None:
        if self._store is None:
            return None
        dialog = NoteDialog(title, text, self.parent_widget)
        dialog.accepted.connect(lambda: self._add_from(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.note_dialog = dialog
        dialog.open()
        return dialog

    def _add_from(self, dialog: NoteDialog) -> None:
        title, text = dialog.values()
        self.add_note(text, title)

    def add_note(self, text: str, title: str = "") -> bool:
        """Store ``text`` as a note-kind source on the worker; ``source_added`` follows."""
        store = self._store
        if store is None:
            return False
        if self._task is not None:
            self._inform(self.tr("An import is running. Add the note when it has finished."))
            return False

        def work(progress: ProgressSink, cancel: CancelToken) -> ImportOutcome:
            from app.ingest import pipeline

            return pipeline.import_note(store, text, title=title or None, imported_by=store.actor)

        task = self._start(work, "note")
        task.succeeded.connect(lambda outcome: self._on_note(task, outcome))
        task.cancelled.connect(lambda: self._end_task(task))
        return True

    def _on_note(self, task: Task, outcome: ImportOutcome) -> None:
        if task is not self._task:
            return
        self._end_task(task)
        if outcome.status == ImportStatus.FAILED:
            self._inform(self.tr("The note was not added: {reason}.").format(reason=outcome.reason))
        elif outcome.source_id is not None:
            self.source_added.emit(outcome.source_id)

    # --- running -----------------------------------------------------------------------------------------

    def _start(self, work: Work, name: str) -> Task:
        task = Task(work, self, name=name, background=name == "import")
        task.failed.connect(lambda message: self._on_error(task, message, QMessageBox.Icon.Warning))
        task.crashed.connect(lambda message: self._on_error(task, message, QMessageBox.Icon.Critical))
        self._task = task
        self.busy_changed.emit(True)
        task.start()
        return task

    def _on_error(self, task: Task, message: str, severity: QMessageBox.Icon) -> None:
        if task is not self._task:
            return
        self._end_task(task)
        self._inform(message, severity)

    def _end_task(self, task: Task) -> None:
        if task is not self._task:
            return
        self._task = None
        task.deleteLater()
        if self.progress_dialog is not None:
            self.progress_dialog.finish()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        self.busy_changed.emit(False)

    def _inform(self, message: str, severity: QMessageBox.Icon = QMessageBox.Icon.Information) -> None:
        """A window-modal message that does not block the caller (no nested event loop)."""
        box = QMessageBox(severity, self.tr("Threadline"), message, QMessageBox.StandardButton.Ok)
        box.setParent(self.parent_widget, box.windowFlags())
        box.finished.connect(box.deleteLater)
        self.message_box = box
        box.open()
