"""The export dialog with real widgets, offscreen, on a real case: preview off the GUI thread, export."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from pytestqt.qtbot import QtBot

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
    threads: list[str] = []
    original = export_dialog.preview_work

    def spy(*args: object) -> object:
        work = original(*args)  # type: ignore[arg-type]

        def wrapped(progress: object, cancel: object) -> object:
            threads.append(threading.current_thread().name)
            return work(progress, cancel)  # type: ignore[arg-type]

        return wrapped

    export_dialog.preview_work = spy  # type: ignore[assignment]
    try:
        dialog.orientation_box.setCurrentIndex(1)  # landscape
        qtbot.waitUntil(
            lambda: dialog._preview is not before and dialog._preview_task is None, timeout=30_000
        )
    finally:
        export_dialog.preview_work = original
    # Laid out in the GUI thread on purpose (see app.ui.workers.GuiThreadTask): building QTextDocuments
    # on a worker thread deadlocked against the GUI thread's signal disconnections.
    assert threads == [threading.main_thread().name]
    image = dialog._preview.pages[0][1]  # type: ignore[union-attr]
    assert image.width() > image.height()


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
