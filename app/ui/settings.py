"""What the desktop remembers between runs, typed and versioned, over ``QSettings``.

``QSettings`` hands back whatever a platform backend stored: a one-element list comes back as a string, an
empty one as ``None``, a number as text. Every read therefore goes through one typed property here, and
anything unreadable falls back to its default instead of reaching a widget. Lists are kept as JSON text,
which every backend stores the same way.

``settings/version`` says which layout the stored keys follow. ``_MIGRATIONS`` turns version *n* into
*n + 1*; settings written by a newer Threadline are read as far as they make sense and never rewritten
with an older version number.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

log = logging.getLogger(__name__)

SETTINGS_VERSION = 1
MAX_RECENT_CASES = 10

_VERSION_KEY = "settings/version"
_GEOMETRY_KEY = "window/geometry"
_STATE_KEY = "window/state"
_RECENT_KEY = "cases/recent"
_LAST_CASE_KEY = "cases/last"
_POINT_SIZE_KEY = "reader/point_size"
_WRAP_KEY = "reader/word_wrap"

# version n -> the function that brings version n's keys to version n + 1
_MIGRATIONS: dict[int, Callable[[QSettings], None]] = {}


class Settings:
    """The typed view of Threadline's ``QSettings``; construct it after the application has its names."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store if store is not None else QSettings()
        self._migrate()

    @property
    def file_name(self) -> str:
        return self._store.fileName()

    def sync(self) -> None:
        self._store.sync()

    # --- version -------------------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        return self._int(_VERSION_KEY, 0)

    def _migrate(self) -> None:
        version = self.version
        if version > SETTINGS_VERSION:
            log.warning("Settings are from a newer Threadline (version %s); reading what fits", version)
            return
        if version == 0 and not self._store.allKeys():
            self._store.setValue(_VERSION_KEY, SETTINGS_VERSION)  # a first run: nothing to migrate
            return
        for step in range(max(version, 1), SETTINGS_VERSION):
            _MIGRATIONS[step](self._store)
        self._store.setValue(_VERSION_KEY, SETTINGS_VERSION)

    # --- the window ----------------------------------------------------------------------------------------

    @property
    def window_geometry(self) -> QByteArray | None:
        return self._bytes(_GEOMETRY_KEY)

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._store.setValue(_GEOMETRY_KEY, value)

    @property
    def window_state(self) -> QByteArray | None:
        """Toolbars and docks (``QMainWindow.saveState``) as they were with a case open."""
        return self._bytes(_STATE_KEY)

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._store.setValue(_STATE_KEY, value)

    # --- cases ---------------------------------------------------------------------------------------------

    @property
    def recent_cases(self) -> list[Path]:
        """Most recent first; files that no longer exist are left out (and forgotten)."""
        stored = self._path_list(_RECENT_KEY)
        existing = [path for path in stored if path.is_file()]
        if existing != stored:
            self._set_path_list(_RECENT_KEY, existing)
        return existing

    def add_recent_case(self, path: Path) -> None:
        path = path.resolve()
        others = [known for known in self._path_list(_RECENT_KEY) if known != path]
        self._set_path_list(_RECENT_KEY, [path, *others][:MAX_RECENT_CASES])

    def forget_recent_case(self, path: Path) -> None:
        path = path.resolve()
        self._set_path_list(_RECENT_KEY, [known for known in self._path_list(_RECENT_KEY) if known != path])

    def clear_recent_cases(self) -> None:
        self._set_path_list(_RECENT_KEY, [])

    @property
    def last_case(self) -> Path | None:
        """The case open when Threadline last closed; None after closing the case by hand."""
        value = self._store.value(_LAST_CASE_KEY)
        return Path(value) if isinstance(value, str) and value else None

    @last_case.setter
    def last_case(self, path: Path | None) -> None:
        self._store.setValue(_LAST_CASE_KEY, str(path.resolve()) if path is not None else "")

    # --- the reader ----------------------------------------------------------------------------------------

    @property
    def reader_point_size(self) -> float | None:
        value = self._store.value(_POINT_SIZE_KEY)
        try:
            return float(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    @reader_point_size.setter
    def reader_point_size(self, size: float) -> None:
        self._store.setValue(_POINT_SIZE_KEY, float(size))

    @property
    def word_wrap(self) -> bool:
        return self._bool(_WRAP_KEY, True)

    @word_wrap.setter
    def word_wrap(self, wrap: bool) -> None:
        self._store.setValue(_WRAP_KEY, bool(wrap))

    # --- typed reads ---------------------------------------------------------------------------------------

    def _int(self, key: str, default: int) -> int:
        try:
            return int(self._store.value(key, default))
        except (TypeError, ValueError):
            return default

    def _bool(self, key: str, default: bool) -> bool:
        value = self._store.value(key, default)
        if isinstance(value, str):  # the INI backend gives "true" / "false" back as text
            return value.lower() in ("true", "1")
        return bool(value)

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._store.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        if isinstance(value, bytes) and value:
            return QByteArray(value)
        return None

    def _path_list(self, key: str) -> list[Path]:
        value = self._store.value(key)
        try:
            names = json.loads(value) if isinstance(value, str) and value else []
        except json.JSONDecodeError:
            return []
        if not isinstance(names, list):
            return []
        return [Path(name) for name in names if isinstance(name, str) and name]

    def _set_path_list(self, key: str, paths: list[Path]) -> None:
        self._store.setValue(key, json.dumps([str(path) for path in paths], ensure_ascii=False))
