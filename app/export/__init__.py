"""Exports: open formats (CSV, JSON, TimelineJS, Timesketch) and the PDF report (QtGui only, no widgets)."""
