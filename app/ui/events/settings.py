"""What the events feature remembers between runs (over ``QSettings``, typed, with its own version key).

Kept apart from ``app.ui.settings`` so the feature installs without touching the window's settings: the
display time zone, the timeline's lanes, and whether the feature's docks have been placed once (after that,
the window's saved layout - which includes them - decides where they are).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

EVENTS_SETTINGS_VERSION = 1
_VERSION_KEY = "events/version"
_ZONE_KEY = "events/display_timezone"
_GROUPING_KEY = "events/timeline_lanes"
_PLACED_KEY = "events/docks_placed"


class EventsSettings:
    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store if store is not None else QSettings()
        if self._int(_VERSION_KEY, 0) < EVENTS_SETTINGS_VERSION:
            self._store.setValue(_VERSION_KEY, EVENTS_SETTINGS_VERSION)

    @property
    def display_timezone(self) -> str:
        """ "UTC", "local" or an IANA zone name."""
        return self._text(_ZONE_KEY, "UTC")

    @display_timezone.setter
    def display_timezone(self, name: str) -> None:
        self._store.setValue(_ZONE_KEY, name)

    @property
    def timeline_lanes(self) -> str:
        return self._text(_GROUPING_KEY, "none")

    @timeline_lanes.setter
    def timeline_lanes(self, name: str) -> None:
        self._store.setValue(_GROUPING_KEY, name)

    @property
    def docks_placed(self) -> bool:
        value = self._store.value(_PLACED_KEY, False)
        return value.lower() in ("true", "1") if isinstance(value, str) else bool(value)

    @docks_placed.setter
    def docks_placed(self, placed: bool) -> None:
        self._store.setValue(_PLACED_KEY, bool(placed))

    def _text(self, key: str, default: str) -> str:
        value = self._store.value(key, default)
        return value if isinstance(value, str) and value else default

    def _int(self, key: str, default: int) -> int:
        value = self._store.value(key, default)
        try:
            return int(value) if isinstance(value, (int, str)) else default
        except ValueError:
            return default
