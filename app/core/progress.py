"""A small progress/cancel protocol shared by long operations (import, mention finding, export).

The core reports progress through a plain callable and checks a cancel token between units of work, so
the same code runs from the CLI (printing), from tests (recording) and from a Qt worker (emitting signals).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

from app.core.errors import Cancelled


@dataclass(frozen=True)
class ProgressUpdate:
    done: int
    total: int
    current: str = ""


class ProgressSink(Protocol):
    def __call__(self, update: ProgressUpdate) -> None: ...


def ignore_progress(update: ProgressUpdate) -> None:
    """A sink for callers that do not display progress."""


class CancelToken:
    """Thread-safe cancellation flag; work checks it between units, never mid-write."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("Cancelled by the user.")
