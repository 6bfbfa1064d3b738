"""Turn the store's change notifications into a Qt signal delivered in the GUI thread.

``CaseStore`` calls its listeners on whichever thread committed the write: the GUI thread for an edit in
the inspector, a worker thread during an import. Views must only be touched from the GUI thread, so the
bridge posts every ``Change`` through a queued connection and re-emits it as ``changed`` there. Queuing
even the GUI thread's own changes keeps them in commit order with the worker's.
"""

from __future__ import annotations

import threading
from contextlib import suppress

from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.core.records import Change
from app.store import CaseStore


class StoreBridge(QObject):
    """Re-emits each ``Change`` of one store as ``changed(Change)`` in the thread the bridge lives in."""

    changed = Signal(object)  # Change
    _posted = Signal(object)  # emitted on the writer's thread; queued into ours

    def __init__(self, store: CaseStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store: CaseStore | None = store
        self._attached = threading.Event()
        self._attached.set()
        self._posted.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        store.subscribe(self._on_change)

    def detach(self) -> None:
        """Stop listening; changes already posted but not yet delivered are dropped."""
        if self.store is None:
            return
        self._attached.clear()
        self.store.unsubscribe(self._on_change)
        self.store = None

    def _on_change(self, change: Change) -> None:
        """Runs on the writer's thread, right after its transaction committed."""
        if not self._attached.is_set():
            return
        with suppress(RuntimeError):  # deleted between detach() and here: never fail the writer
            self._posted.emit(change)

    @Slot(object)
    def _deliver(self, change: Change) -> None:
        if self._attached.is_set():
            self.changed.emit(change)
