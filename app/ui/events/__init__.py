"""Events in the desktop app: the timeline, the events table, the event editor and the dates in a source."""
