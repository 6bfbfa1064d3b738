"""Noticing that another program changed the open case (``threadline import`` in a terminal, a second
window): the views show what this window wrote and read, so the investigator is told and offered a reload.

A check is one cheap read (``CaseStore.changed_elsewhere``: the last audit row) every few seconds, on a
worker thread so a busy disk never holds the window. Once changes are seen it stops asking until the case is
reloaded or the investigator dismisses the notice (then it asks again).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from app.store import CaseStore
from app.ui.workers import Task, run_task

CHECK_INTERVAL_MS = 3000


class CaseWatcher(QObject):
    changed_elsewhere = Signal()  # once per batch of outside changes, until ``resume``

    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_INTERVAL_MS) -> None:
        super().__init__(parent)
        self._store: CaseStore | None = None
        self._task: Task | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._check)

    def set_store(self, store: CaseStore | None) -> None:
        self._timer.stop()
        if self._task is not None:
            self._task.cancel_and_wait()
            self._task = None
        self._store = store
        if store is not None:
            self._timer.start()

    def resume(self) -> None:
        """Ask again (after the notice was dismissed): changes seen so far are taken as known."""
        if self._store is not None:
            self._store.acknowledge_changes()
            self._timer.start()

    def _check(self) -> None:
        store = self._store
        if store is None or self._task is not None:
            return
        self._task = run_task(
            lambda _progress, _cancel: store.changed_elsewhere(),
            self,
            name="check for outside changes",
            on_result=self._checked,
            on_error=lambda _message: None,  # a failed check is retried at the next tick
        )
        self._task.finished.connect(self._check_done)

    def _check_done(self) -> None:
        self._task = None

    def _checked(self, changed: object) -> None:
        if changed and self._store is not None:
            self._timer.stop()
            self.changed_elsewhere.emit()
