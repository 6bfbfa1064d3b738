"""Child processes that end when the program that started them is gone.

A worker process (an import's extraction pool, the report writer) that outlives its parent — killed, or
crashed — is reparented and, blocked on a pipe nobody reads, would stay for ever holding memory and,
for a report, a half-finished file beside the investigator's. ``exit_with_parent`` starts a small
daemon thread that notices the parent is gone (its process id changes) and ends the process, after an
optional clean-up. Plain standard library, so any worker can call it first thing.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

CHECK_INTERVAL_S = 0.5


def exit_with_parent(cleanup: Callable[[], None] | None = None, interval: float = CHECK_INTERVAL_S) -> None:
    """End this process (status 1) soon after its parent process ends, running ``cleanup`` first."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        try:
            if cleanup is not None:
                cleanup()
        finally:
            os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
