"""The PDF timeline report: QPdfWriter, QPainter and QTextDocument, never widgets.

Qt shapes Hebrew and Arabic and embeds the subsets of the fonts used; the text stays selectable and is
extracted in logical order. Only QtGui is used, so ``threadline export pdf`` runs without a display on an
offscreen ``QGuiApplication`` (``ensure_gui_application``).

    pages = layout_report(report, PageSetup(Paper.A4, landscape=True))
    pages.render(0, dpi=60)           # a preview image of the first page
    pages.write_pdf("report.pdf")     # or, in one call: write_report_pdf(report, "report.pdf")
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication

from app.core.progress import CancelToken, ProgressSink, ignore_progress
from app.export.pdf.geometry import PageSetup, Paper
from app.export.pdf.pages import PdfResult, ReportPages, layout_report, layout_steps
from app.export.report import Report

__all__ = [
    "PageSetup",
    "Paper",
    "PdfResult",
    "ReportPages",
    "ensure_gui_application",
    "layout_report",
    "write_report_pdf",
]

_application: QGuiApplication | None = None


def ensure_gui_application() -> None:
    """Make sure a ``QGuiApplication`` exists (fonts and painting need one); offscreen unless the
    platform was chosen already, so the command line works without a display."""
    global _application
    if QGuiApplication.instance() is not None:
        return
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _application = QGuiApplication(sys.argv[:1] or ["threadline"])


def write_report_pdf(
    report: Report,
    path: Path | str,
    setup: PageSetup = PageSetup(),  # noqa: B008 - frozen
    *,
    progress: ProgressSink = ignore_progress,
    cancel: CancelToken | None = None,
) -> PdfResult:
    """Lay out ``report`` and write it to ``path``; progress counts layout steps, then pages."""
    steps = layout_steps(report)
    estimate = steps + max(len(report.entries) // 3, 1)
    pages = layout_report(report, setup, progress=progress, cancel=cancel, total=estimate)
    total = steps + pages.page_count
    return pages.write_pdf(path, progress=progress, cancel=cancel, done_before=steps, total=total)
