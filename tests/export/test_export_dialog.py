"""The export dialog with real widgets, offscreen, on a real case: preview off the GUI thread, export."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from PySide6.QtCore import QProcess, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from pytestqt.qtbot import QtBot

from app.export.pdf.pages import partial_path
from app.store import CaseStore
from app.ui import export_dialog
from app.ui.export_dialog import ExportDialog, ExportFormat, add_export_menu
from tests.export.casefile import MARKING, Built
from tests.export.pdftext import pdf_pages, plain

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


@pytest.fixture
def store(built: Built) -> Iterator[CaseStore]:
    with CaseStore.open(built.path) as opened:
        yield opened


@pytest.fixture
def dialog(qtbot: QtBot, qapp: QApplication, store: CaseStore) -> Iterator[ExportDialog]:
    window = ExportDialog(None, store, ExportFormat.PDF)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()


def wait_for_preview(qtbot: QtBot, dialog: ExportDialog) -> None:
    qtbot.waitUntil(lambda: dialog._preview is not None and dialog._preview_task is None, timeout=30_000)


def test_preview_is_drawn_after_the_dialog_shows(qtbot: QtBot, dialog: ExportDialog) -> None:
    wait_for_preview(qtbot, dialog)
    preview = dialog._preview
    assert preview is not None
    assert preview.events == 9 and preview.sources == 5
    assert dialog.thumbnails.count() == preview.page_count == len(preview.pages)
    assert "9 events, 10 quotes, 5 sources" in dialog.preview_status.text()
    pixmap = dialog.page_label.pixmap()
    assert pixmap is not None and not pixmap.isNull() and pixmap.height() > pixmap.width()


def test_changing_an_option_redraws_the_preview(qtbot: QtBot, dialog: ExportDialog) -> None:
    wait_for_preview(qtbot, dialog)
    before = dialog._preview
    assert before is not None and before.pid not in (0, os.getpid())  # drawn by a child process
    dialog.orientation_box.setCurrentIndex(1)  # landscape
    qtbot.waitUntil(lambda: dialog._preview is not before and dialog._preview_task is None, timeout=30_000)
    after = dialog._preview
    assert after is not None and after.pid not in (0, os.getpid(), before.pid)
    image = after.pages[0][1]
    assert image.width() > image.height()


def test_an_option_changed_during_a_preview_kills_it_and_draws_again(
    qtbot: QtBot, dialog: ExportDialog
) -> None:
    qtbot.waitUntil(lambda: dialog._preview_task is not None, timeout=10_000)
    first = dialog._preview_task
    assert first is not None
    dialog.refresh_preview()  # as the options timer would, while the first one runs
    qtbot.waitUntil(lambda: dialog._preview is not None and dialog._preview_task is None, timeout=30_000)
    assert first.token.cancelled and dialog._preview is not None and dialog._preview.page_count > 1


def test_a_bad_date_is_said_and_blocks_export(qtbot: QtBot, dialog: ExportDialog) -> None:
    dialog.from_edit.setText("sometime soon-ish")
    dialog.from_edit.editingFinished.emit()
    assert dialog.date_error.isVisibleTo(dialog) and "From:" in dialog.date_error.text()
    assert not dialog.export_button.isEnabled()
    dialog.from_edit.setText("2023-08")
    dialog.from_edit.editingFinished.emit()
    assert not dialog.date_error.isVisibleTo(dialog) and dialog.export_button.isEnabled()


def test_export_pdf_with_choices(qtbot: QtBot, dialog: ExportDialog, tmp_path: Path, built: Built) -> None:
    dialog.marking_box.setEditText(MARKING)
    dialog.part_boxes[export_dialog.ReportPart.INDEX].setChecked(False)
    for row in range(dialog.tag_list.count()):
        item = dialog.tag_list.item(row)
        if item.text() == "flights":
            item.setCheckState(Qt.CheckState.Checked)
    path = tmp_path / "report.pdf"
    task = dialog.export_to(path)
    assert task is not None and dialog.progress.isVisibleTo(dialog) and not dialog.export_button.isEnabled()
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as signal:
        pass
    assert signal.args == [str(path)]
    qtbot.waitUntil(lambda: dialog._export_task is None)
    assert "Wrote" in dialog.status.text() and dialog.close_button.text() == "Close"
    pages = [plain(page) for page in pdf_pages(path)]
    assert len(pages) == len(PdfReader(path).pages)
    assert all(MARKING in page for page in pages)
    assert "Tagged “flights”" in pages[0] and not any("Threadline · Index of entities" in p for p in pages)


class Ticks:
    """Counts a 10 ms timer's ticks in the GUI thread and the longest gap between two of them."""

    def __init__(self) -> None:
        self.count = 0
        self.longest = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now
        self.count += 1


def test_the_pdf_is_written_by_another_process_while_the_event_loop_ticks(
    qtbot: QtBot, dialog: ExportDialog, tmp_path: Path
) -> None:
    wait_for_preview(qtbot, dialog)
    path = tmp_path / "ticking.pdf"
    ticks = Ticks()
    started = time.perf_counter()
    task = dialog.export_to(path)
    assert isinstance(task, export_dialog.ProcessTask)
    with qtbot.waitSignal(dialog.exported, timeout=60_000):
        pass
    elapsed = time.perf_counter() - started
    ticks.timer.stop()
    summary = dialog.last_pdf
    assert summary is not None and summary.pid not in (0, os.getpid())
    assert summary.path is not None and Path(summary.path).parent == tmp_path and Path(summary.path) != path
    assert path.is_file() and sorted(p.name for p in tmp_path.iterdir()) == ["ticking.pdf"]
    assert len(PdfReader(path).pages) == summary.pages
    # The timer kept firing all along: the GUI thread never waited on the layout or the painting.
    assert ticks.count >= elapsed / 0.010 * 0.5, (ticks.count, elapsed)
    assert ticks.longest < 0.5, ticks.longest


def test_cancel_kills_the_export_and_leaves_nothing(
    qtbot: QtBot, dialog: ExportDialog, tmp_path: Path
) -> None:
    old = tmp_path / "kept.pdf"
    old.write_bytes(b"%PDF-1.4 an earlier report")
    fresh = tmp_path / "fresh.pdf"
    for path in (fresh, old):
        task = dialog.export_to(path)
        assert isinstance(task, export_dialog.ProcessTask)
        endings: list[object] = []
        task.process.finished.connect(lambda _code, status, seen=endings: seen.append(status))
        with qtbot.waitSignal(task.progressed, timeout=30_000):  # the child is under way
            pass
        dialog.close_button.click()
        qtbot.waitUntil(lambda: dialog._export_task is None, timeout=30_000)
        assert endings == [QProcess.ExitStatus.CrashExit]  # killed, not finished
        assert "cancelled; nothing was written" in dialog.status.text()
    assert not fresh.exists() and not partial_path(fresh).exists()
    assert old.read_bytes() == b"%PDF-1.4 an earlier report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.pdf"]


def test_a_failed_export_says_why(qtbot: QtBot, dialog: ExportDialog, tmp_path: Path) -> None:
    path = tmp_path / "no such folder" / "report.pdf"
    task = dialog.export_to(path)
    assert task is not None
    with qtbot.waitSignal(task.failed, timeout=60_000) as signal:
        pass
    qtbot.waitUntil(lambda: dialog._export_task is None)
    assert "Cannot write the PDF" in signal.args[0]
    assert dialog.status.text() == f"Cannot write the PDF to {path}."  # the file chosen, not the hidden one
    assert not path.parent.exists()


def test_the_chart_zone_is_the_display_zone_and_can_be_changed(
    qtbot: QtBot, qapp: QApplication, store: CaseStore, tmp_path: Path
) -> None:
    window = ExportDialog(None, store, ExportFormat.PDF, time_zone="Asia/Tokyo")
    qtbot.addWidget(window)
    window.show()
    assert window.report_options().time_zone == "Asia/Tokyo"
    window.zone_box.setCurrentText("Mars/Olympus")
    assert window.date_error.isVisibleTo(window) and not window.export_button.isEnabled()
    assert "Mars/Olympus" in window.date_error.text()
    window.zone_box.setCurrentText("America/New_York")
    assert window.export_button.isEnabled()
    path = tmp_path / "zoned.pdf"
    window.export_to(path)
    with qtbot.waitSignal(window.exported, timeout=60_000):
        pass
    text = " ".join(plain(page) for page in pdf_pages(path))
    assert "Axis times in America/New_York (UTC−04:00)" in text
    qtbot.waitUntil(lambda: window._export_task is None)
    window.close()


def test_export_csv_and_cancel(qtbot: QtBot, dialog: ExportDialog, tmp_path: Path) -> None:
    dialog.format_box.setCurrentIndex(list(ExportFormat).index(ExportFormat.CSV))
    assert not dialog.preview_panel.isVisibleTo(dialog) and dialog.bom_box.isVisibleTo(dialog)
    dialog.bom_box.setChecked(True)
    path = tmp_path / "events.csv"
    dialog.export_to(path)
    with qtbot.waitSignal(dialog.exported, timeout=30_000):
        pass
    qtbot.waitUntil(lambda: dialog._export_task is None)
    assert len(pd.read_csv(path, encoding="utf-8-sig")) == 9
    task = dialog.export_to(tmp_path / "cancelled.csv")
    assert task is not None
    assert dialog.close_button.text() == "Cancel"
    dialog.close_button.click()  # cancels the export, does not close the window
    qtbot.waitUntil(lambda: dialog._export_task is None, timeout=30_000)
    assert dialog.isVisible()
    cancelled = "cancelled" in dialog.status.text()
    assert cancelled != (tmp_path / "cancelled.csv").exists()  # cancelled: nothing written; else it finished


def test_export_menu_opens_the_dialog_for_each_format(
    qtbot: QtBot, qapp: QApplication, store: CaseStore
) -> None:
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    file_menu = window.menuBar().addMenu("&File")
    current: list[CaseStore | None] = [store]
    menu = add_export_menu(file_menu, window, lambda: current[0])
    names = [action.objectName() for action in menu.actions()]
    assert names == [f"export_{f.value}" for f in ExportFormat]
    menu.actions()[3].trigger()  # TimelineJS
    opened = [w for w in window.findChildren(QWidget) if isinstance(w, ExportDialog)]
    assert len(opened) == 1 and opened[0].export_format is ExportFormat.TIMELINEJS
    opened[0].close()
    current[0] = None
    menu.aboutToShow.emit()
    assert not any(action.isEnabled() for action in menu.actions())
    assert shutil.which("pdftotext")


def test_in_the_real_main_window(
    qtbot: QtBot, qapp: QApplication, built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The line app/ui/main_window.py needs, applied to the real window with a case open."""
    from app.ui.application import configure_application, create_main_window
    from app.ui.settings import Settings
    from tests.ui.test_workspace import close_dialogs, user_folders_in

    configure_application(qapp)
    case = tmp_path / "copy.threadline"
    with CaseStore.open(built.path) as store:
        store.save_copy(case)
    with user_folders_in(tmp_path, monkeypatch) as case_dir:
        window = create_main_window(Settings(), case_dir)
        qtbot.addWidget(window)
        window.show()
        window.start(case)
        qtbot.waitUntil(lambda: window.store is not None, timeout=10_000)
        file_menu = window.menuBar().actions()[0].menu()
        assert file_menu.title() == "&File"
        menu = file_menu.findChild(QMenu, "export_menu")
        assert menu is not None and menu.menuAction() in file_menu.actions()
        menu.aboutToShow.emit()
        assert all(action.isEnabled() for action in menu.actions())
        menu.actions()[0].trigger()
        dialog = next(w for w in window.findChildren(ExportDialog))
        qtbot.waitUntil(lambda: dialog._preview is not None, timeout=30_000)
        assert dialog.isVisible() and dialog.windowModality() == Qt.WindowModality.WindowModal
        close_dialogs(window)
        window.close()
