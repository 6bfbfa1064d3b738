"""Events in the desktop app: the timeline, the events table, the event editor and the dates in a source.

``EventsFeature(window)`` installs all of it in a ``MainWindow``; see ``app.ui.events.feature``.
"""

from app.ui.events.feature import EventsFeature

__all__ = ["EventsFeature"]
