"""The open case: at most one ``CaseStore`` at a time, and the list of cases opened recently.

The session is the only place in the UI that opens or closes a case file. Widgets learn about the case
from ``case_opened`` / ``case_closed``; none of them holds a store the session has closed. What the user can
fix (a missing file, a case from a newer Threadline, a locked file) arrives as ``failed`` with the store's
own message, for the window to show; anything else is a bug and goes to the crash handler.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.core.errors import ThreadlineError
from app.store import CaseStore
from app.ui.settings import Settings

log = logging.getLogger(__name__)

CASE_SUFFIX = ".threadline"


class CaseSession(QObject):
    case_opened = Signal(object)  # the CaseStore, open until case_closed
    case_closed = Signal()
    failed = Signal(str)  # a message for the user: what went wrong and what to do
    upgraded = Signal(str)  # the path of the copy kept of a case that was upgraded on opening
    recent_cases_changed = Signal()

    def __init__(self, settings: Settings, case_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.case_dir = case_dir
        self._store: CaseStore | None = None

    @property
    def store(self) -> CaseStore | None:
        return self._store

    def recent_cases(self) -> list[Path]:
        return self.settings.recent_cases

    # --- opening ---------------------------------------------------------------------------------------

    def new_case(self, path: Path, title: str | None = None) -> bool:
        """Create a case file at ``path`` (its title defaults to the file name) and make it the open case."""
        path = with_case_suffix(path)
        try:
            store = CaseStore.create(path, title=title or path.stem)
        except ThreadlineError as error:
            self.failed.emit(error.message)
            return False
        self._switch_to(store)
        return True

    def open_case(self, path: Path) -> bool:
        """Open ``path``; the case open before stays open if this one cannot be opened."""
        current = self._store
        if current is not None and _same_file(current.path, path):
            return True
        try:
            store = CaseStore.open(path)
        except ThreadlineError as error:
            if not path.exists():
                self.settings.forget_recent_case(path)
                self.recent_cases_changed.emit()
            self.failed.emit(error.message)
            return False
        self._switch_to(store)
        if store.backup_made_on_upgrade:
            self.upgraded.emit(store.backup_made_on_upgrade)
        return True

    def reload_case(self) -> bool:
        """Close the open case and open it again (to show changes another program made)."""
        if self._store is None:
            return False
        path = self._store.path
        self._close_store()
        return self.open_case(path)

    def reopen_last_case(self) -> bool:
        """At start-up: reopen the case that was open when Threadline last closed, if it is still there."""
        last = self.settings.last_case
        if last is None:
            return False
        if not last.is_file():
            log.info("The last case %s is gone; starting without a case", last)
            self.settings.last_case = None
            return False
        return self.open_case(last)

    def _switch_to(self, store: CaseStore) -> None:
        self._close_store()
        self._store = store
        self.settings.add_recent_case(store.path)
        self.settings.last_case = store.path
        self.recent_cases_changed.emit()
        log.info("Opened case %s", store.path)
        self.case_opened.emit(store)

    # --- closing ---------------------------------------------------------------------------------------

    def close_case(self) -> None:
        """Close the case because the user asked to: the next start then begins at the welcome view."""
        if self._store is not None:
            self._close_store()
            self.settings.last_case = None

    def shut_down(self) -> None:
        """Close the case as the application quits; it reopens on the next start."""
        self._close_store()
        self.settings.sync()

    def _close_store(self) -> None:
        store, self._store = self._store, None
        if store is None:
            return
        self.case_closed.emit()  # views let go of the store while it is still open
        store.close()
        log.info("Closed case %s", store.path)

    def forget_recent_cases(self) -> None:
        self.settings.clear_recent_cases()
        self.recent_cases_changed.emit()


def with_case_suffix(path: Path) -> Path:
    return path if path.suffix else path.with_suffix(CASE_SUFFIX)


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve()
    except OSError:
        return False
