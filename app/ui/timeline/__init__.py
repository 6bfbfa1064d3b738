"""The timeline: events in lanes over time, drawn in a few batched pyqtgraph items per lane."""

from app.ui.timeline.view import DrawnMarker, TimelineView

__all__ = ["DrawnMarker", "TimelineView"]
