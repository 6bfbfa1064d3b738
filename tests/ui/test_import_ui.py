"""Imports from the GUI over real files and a real case: progress, summary, cancel, notes, drag and drop,
and the worker helper underneath."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fpdf import FPDF
from PySide6.QtCore import QCoreApplication, QMimeData, QThread, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.core.errors import InvalidValue
from app.core.progress import CancelToken, ProgressSink, ProgressUpdate
from app.core.records import ImportOutcome, ImportStatus, SourceKind
from app.store import CaseStore
from app.ui.import_controller import ImportController, accepts_drop, paths_from_mime
from app.ui.import_dialogs import (
    ImportProgressDialog,
    ImportSummaryDialog,
    OutcomesModel,
    format_duration,
    summary_headline,
)
from app.ui.sources_model import Column, SourcesModel
from app.ui.store_bridge import StoreBridge
from app.ui.workers import BACKGROUND_NICE, PROGRESS_INTERVAL_MS, Task, run_task

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
HEBREW_HTML = """<!doctype html><html lang="he" dir="rtl"><head><meta charset="utf-8">
<title>המטוס נחת במינסק</title></head><body><article><h1>המטוס נחת במינסק</h1>
<p>מטוס מסוג Il-62M נחת הלילה בשדה התעופה של מינסק אחרי טיסה לילית ארוכה. עדים סיפרו כי המטוס חנה
בקצה המסלול, הרחק מהטרמינל, ושלוש משאיות המתינו לו שם. הרשויות סירבו להגיב על הדיווח.</p>
<p>לפי נתוני מעקב הטיסות, המטוס המריא מאירקוטסק ועשה עצירת ביניים לתדלוק. הטיסה לא הופיעה בלוח הזמנים
הרגיל של החברה, ואנשי הצוות לא נראו יוצאים מהמטוס עד הבוקר.</p></article></body></html>"""
ARABIC_TEXT = (
    "بيان صحفي حول الرحلة الليلية\n"
    "أعلنت سلطات المطار أن الطائرة هبطت بعد منتصف الليل بقليل، وأن الركاب لم يغادروا الطائرة حتى الصباح.\n"
    "وقال شهود عيان إن ثلاث شاحنات كانت تنتظر في نهاية المدرج، وإن الطاقم رفض الإجابة على أسئلة الصحفيين.\n"
)
ENGLISH_PDF_TEXT = (
    "Charter flight logs, July 2023. The Il-62M departed Irkutsk at 23:10 and landed in Minsk at 02:40 local "
    "time. The crew filed no passenger manifest."
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CaseStore]:
    with CaseStore.create(tmp_path / "c.threadline", title="Imports", actor="tester") as opened:
        yield opened


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "incoming"
    folder.mkdir()
    hebrew = folder / "minsk-he.html"
    hebrew.write_text(HEBREW_HTML, encoding="utf-8")
    arabic = folder / "bayan-ar.txt"
    arabic.write_bytes(ARABIC_TEXT.encode("windows-1256"))
    english = folder / "logs-en.pdf"
    pdf = FPDF()
    pdf.set_title("Charter flight logs")
    pdf.add_page()
    pdf.add_font("DejaVu", fname=str(DEJAVU))
    pdf.set_font("DejaVu", size=12)
    pdf.multi_cell(0, 8, ENGLISH_PDF_TEXT)
    pdf.output(str(english))
    return [hebrew, arabic, english]


class Window:
    """A parent widget with the pieces the main window wires together (controller, bridge, model)."""

    def __init__(self, store: CaseStore, qtbot: QtBot) -> None:
        self.widget = QWidget()
        qtbot.addWidget(self.widget)
        self.bridge = StoreBridge(store)
        self.model = SourcesModel(self.widget)
        self.model.set_store(store, self.bridge)
        self.controller = ImportController(self.widget)
        self.controller.set_store(store)
        self.dialogs: list[ImportProgressDialog] = []
        self.updates: list[int] = []
        self.controller.import_started.connect(self._started)
        self.controller.import_finished.connect(self._finished)

    def _started(self) -> None:
        assert self.controller.progress_dialog is not None
        self.dialogs.append(self.controller.progress_dialog)

    def _finished(self) -> None:
        self.updates.append(self.dialogs[-1].updates)

    def close(self) -> None:
        self.controller.set_store(None)
        self.model.set_store(None, None)
        self.bridge.detach()
        for widget in QApplication.topLevelWidgets():
            if widget is not self.widget and widget.isVisible():
                widget.close()


@pytest.fixture
def window(gui_app: QApplication, qtbot: QtBot, store: CaseStore) -> Iterator[Window]:
    window = Window(store, qtbot)
    yield window
    window.close()


def run_import(window: Window, qtbot: QtBot, paths: list[Path], timeout: int = 60_000) -> list[ImportOutcome]:
    with qtbot.waitSignal(window.controller.import_finished, timeout=timeout) as finished:
        assert window.controller.import_paths(paths)
        assert window.controller.is_busy()
        dialog = window.controller.progress_dialog
        assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    return finished.args[0]


# --- importing real files --------------------------------------------------------------------------------


def test_import_shows_progress_summary_and_new_rows(
    window: Window, store: CaseStore, files: list[Path], qtbot: QtBot, screenshot
) -> None:  # type: ignore[no-untyped-def]
    outcomes = run_import(window, qtbot, files)
    assert [outcome.status for outcome in outcomes] == [ImportStatus.IMPORTED] * 3
    assert not window.controller.is_busy()
    assert window.controller.progress_dialog is None  # closed when the import ended
    summary = window.controller.summary_dialog
    assert isinstance(summary, ImportSummaryDialog) and summary.isVisible() and not summary.cancelled
    assert summary.headline.text() == "3 files imported."
    rows = [OutcomesModel.cells(outcome) for outcome in summary.model.outcomes]
    assert [row[0] for row in rows] == ["Imported"] * 3
    assert {Path(row[1]).name for row in rows} == {"minsk-he.html", "bayan-ar.txt", "logs-en.pdf"}
    qtbot.wait(50)
    screenshot(summary, "threadline-import-summary.png")

    qtbot.waitUntil(lambda: window.model.rowCount() == 3)  # no restart, no reset: rows arrived as changes
    by_kind = {window.model.index(row, Column.KIND).data(): row for row in range(3)}
    assert set(by_kind) == {"Web page", "Text", "PDF"}
    assert window.model.index(by_kind["Web page"], Column.LANGUAGE).data() == "Hebrew"
    assert window.model.index(by_kind["Text"], Column.LANGUAGE).data() == "Arabic"
    assert window.model.index(by_kind["PDF"], Column.LANGUAGE).data() == "English"
    arabic_id = next(o.source_id for o in outcomes if o.path.endswith("bayan-ar.txt"))
    assert arabic_id is not None
    assert "الطائرة هبطت" in store.source_text(arabic_id)  # windows-1256 read as Arabic
    assert store.source(arabic_id).kind == SourceKind.TEXT

    summary.copy_report()
    report = QGuiApplication.clipboard().text()
    assert report.splitlines()[0] == "Status\tFile\tDetails"
    assert len(report.splitlines()) == 4 and "Imported\t" in report

    again = run_import(window, qtbot, [files[0]])
    [duplicate] = again
    hebrew_id = next(o.source_id for o in outcomes if o.path.endswith("minsk-he.html"))
    assert duplicate.status == ImportStatus.DUPLICATE
    details = OutcomesModel.cells(window.controller.summary_dialog.model.outcomes[0])
    assert details[0] == "Duplicate" and details[2] == f"same bytes as source #{hebrew_id}"
    assert window.controller.summary_dialog.headline.text() == (
        "0 files imported, 1 duplicate already in the case."
    )
    assert store.count_sources() == 3


def test_failures_are_listed_with_their_reason(window: Window, tmp_path: Path, qtbot: QtBot) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    sheet = tmp_path / "budget.xls"
    sheet.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    outcomes = run_import(window, qtbot, [empty, sheet, tmp_path / "missing.txt"])
    assert [o.status for o in outcomes] == [ImportStatus.FAILED] * 3
    summary = window.controller.summary_dialog
    assert summary is not None
    reasons = [OutcomesModel.cells(o)[2] for o in summary.model.outcomes]
    assert reasons[0] == "empty file"
    assert reasons[1].startswith("unsupported file type: .xls")
    assert "not found" in reasons[2]
    assert summary.headline.text() == "0 files imported, 3 failed."


def test_cancel_mid_import_keeps_the_case_consistent(
    window: Window, store: CaseStore, tmp_path: Path, qtbot: QtBot, screenshot
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(40):
        text = f"דיווח מספר {number}: המטוס נחת.\nReport {number}: the aircraft landed in Minsk.\n" * 20
        (folder / f"report-{number:02d}.txt").write_text(text, encoding="utf-8")
    controller = window.controller
    with qtbot.waitSignal(controller.import_finished, timeout=120_000) as finished:
        controller.import_paths([folder])
        dialog = controller.progress_dialog
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.updates > 0 and dialog.bar.value() >= 1, timeout=60_000)
        screenshot(dialog, "threadline-import-progress.png")
        dialog.cancel_button.click()
        assert dialog.cancelling and dialog.cancel_button.text() == "Cancelling…"
    outcomes: list[ImportOutcome] = finished.args[0]
    imported = [o for o in outcomes if o.status == ImportStatus.IMPORTED]
    print(f"\ncancelled after {len(imported)} of 40 files")
    assert 1 <= len(imported) < 40
    assert outcomes[-1].reason.startswith("cancelled by the user;")
    summary = controller.summary_dialog
    assert summary is not None and summary.cancelled
    assert summary.windowTitle() == "Import Cancelled"
    assert summary.headline.text().startswith("Import cancelled. What was imported before stays in the case:")
    assert f"{len(imported)} files imported" in summary.headline.text() or len(imported) == 1
    assert store.count_sources() == len(imported)
    report = store.verify()
    assert report.ok, report.problems
    for source_id in store.source_ids():
        assert store.source_text(source_id).startswith("דיווח מספר")
    qtbot.waitUntil(lambda: window.model.rowCount() == len(imported))


def test_progress_is_throttled_and_timed(window: Window, tmp_path: Path, qtbot: QtBot) -> None:
    folder = tmp_path / "quick"
    folder.mkdir()
    for number in range(60):
        (folder / f"n{number}.txt").write_text(f"Note {number} about the flight.\n", encoding="utf-8")
    started = time.perf_counter()
    outcomes = run_import(window, qtbot, [folder])
    elapsed = time.perf_counter() - started
    assert len(outcomes) == 60
    [updates] = window.updates
    assert updates >= 1
    assert updates <= elapsed * 1000 / PROGRESS_INTERVAL_MS + 2  # at most one per 50 ms, plus the last


def test_progress_dialog_estimates_time_left(gui_app: QApplication, qtbot: QtBot) -> None:
    dialog = ImportProgressDialog()
    qtbot.addWidget(dialog)
    assert "estimating time left" in dialog.time_label.text()
    dialog.update_progress(ProgressUpdate(0, 10))
    assert dialog.remaining() is None
    qtbot.wait(120)
    dialog.update_progress(ProgressUpdate(2, 10, current="/cases/incoming/מסמך.html"))
    remaining = dialog.remaining()
    assert remaining is not None and 0.3 < remaining < 5
    assert dialog.status_label.text() == "Imported 2 of 10 files"
    assert dialog.current_label.toolTip() == "/cases/incoming/מסמך.html"
    assert "left" in dialog.time_label.text()
    with qtbot.waitSignal(dialog.cancel_requested):
        dialog.reject()  # Escape asks to cancel
    assert dialog.cancelling
    dialog.finish()
    assert format_duration(7) == "0:07" and format_duration(3723) == "1:02:03"


def test_a_second_import_waits_for_the_first(window: Window, files: list[Path], qtbot: QtBot) -> None:
    with qtbot.waitSignal(window.controller.import_finished, timeout=60_000):
        assert window.controller.import_paths(files[:1])
        assert not window.controller.import_paths(files[1:])
        box = window.controller.message_box
        assert box is not None and "already running" in box.text()
        box.close()


def test_switching_case_stops_the_import(
    window: Window, store: CaseStore, tmp_path: Path, qtbot: QtBot
) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    for number in range(30):
        (folder / f"f{number}.txt").write_text(f"File {number}\n" * 50, encoding="utf-8")
    finished: list[object] = []
    window.controller.import_finished.connect(finished.append)
    window.controller.import_paths([folder])
    window.controller.set_store(None)  # blocks until the worker stopped after its current file
    assert not window.controller.is_busy()
    assert store.verify().ok
    qtbot.wait(100)
    assert finished == []  # nobody is waiting for the old case's report


# --- notes -----------------------------------------------------------------------------------------------


def test_paste_as_new_source_stores_a_note(window: Window, store: CaseStore, qtbot: QtBot) -> None:
    QGuiApplication.clipboard().setText("הודעה מטלגרם: המטוס נחת ב-02:40\nשורה שנייה")
    dialog = window.controller.paste_as_new_source()
    assert dialog is not None and dialog.isVisible()
    assert dialog.text_edit.toPlainText().startswith("הודעה מטלגרם")
    dialog.title_edit.setText("הודעת טלגרם")
    with qtbot.waitSignal(window.controller.source_added, timeout=10_000) as added:
        dialog.add_button.click()
    source_id = added.args[0]
    detail = store.source(source_id)
    assert detail.kind == SourceKind.NOTE and detail.title == "הודעת טלגרם" and detail.language == "he"
    assert store.original_bytes(source_id) == "הודעה מטלגרם: המטוס נחת ב-02:40\nשורה שנייה".encode()
    qtbot.waitUntil(lambda: window.model.row_of(source_id) is not None)

    with qtbot.waitSignal(window.controller.source_added, timeout=10_000) as again:
        window.controller.add_note("הודעה מטלגרם: המטוס נחת ב-02:40\nשורה שנייה")
    assert again.args == [source_id]  # the same text is the same source
    assert store.count_sources() == 1


def test_new_note_starts_empty_and_refuses_blank_text(window: Window, qtbot: QtBot) -> None:
    dialog = window.controller.new_note()
    assert dialog is not None and dialog.text_edit.toPlainText() == ""
    assert not dialog.add_button.isEnabled()
    dialog.reject()
    with qtbot.waitSignal(
        window.controller.busy_changed, check_params_cb=lambda busy: not busy, timeout=10_000
    ):
        window.controller.add_note("   \n  ")
    box = window.controller.message_box
    assert box is not None and box.text() == "The note was not added: the note is empty."
    box.close()


# --- drag and drop ---------------------------------------------------------------------------------------


def test_drops_of_local_files_and_folders(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    file = tmp_path / "מסמך.txt"
    file.write_text("x", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls(
        [
            QUrl.fromLocalFile(str(file)),
            QUrl("https://example.org/page.html"),
            QUrl.fromLocalFile(str(folder)),
            QUrl.fromLocalFile(str(file)),
        ]
    )
    assert accepts_drop(mime)
    assert paths_from_mime(mime) == [file, folder]
    assert ImportController.paths_from_mime(mime) == [file, folder]
    remote_only = QMimeData()
    remote_only.setUrls([QUrl("https://example.org/page.html")])
    assert not accepts_drop(remote_only) and paths_from_mime(remote_only) == []
    text_only = QMimeData()
    text_only.setText(str(file))
    assert not accepts_drop(text_only)


# --- the worker helper -----------------------------------------------------------------------------------


def test_task_delivers_result_and_throttled_progress_in_the_gui_thread(
    gui_app: QApplication, qtbot: QtBot
) -> None:
    threads: list[QThread] = []

    def work(progress: ProgressSink, cancel: CancelToken) -> str:
        threads.append(QThread.currentThread())
        for done in range(1, 2001):
            progress(ProgressUpdate(done, 2000, f"item {done}"))
            if done % 200 == 0:
                time.sleep(0.02)
        return "done"

    task = Task(work, name="test")
    seen: list[ProgressUpdate] = []
    task.progressed.connect(lambda update: (seen.append(update), threads.append(QThread.currentThread())))
    with qtbot.waitSignal(task.succeeded, timeout=10_000) as result:
        task.start()
    assert result.args == ["done"]
    assert seen[-1] == ProgressUpdate(2000, 2000, "item 2000")  # the last one always arrives
    assert len(seen) < 40  # not one signal per update
    gui = QCoreApplication.instance().thread()
    assert threads[0] is not gui and all(thread is gui for thread in threads[1:])
    assert not task.is_running()


def test_task_reports_user_errors_cancel_and_bugs(
    gui_app: QApplication, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    def user_error(progress: ProgressSink, cancel: CancelToken) -> None:
        raise InvalidValue("That date cannot be read.")

    task = Task(user_error)
    with qtbot.waitSignal(task.failed) as failed:
        task.start()
    assert failed.args == ["That date cannot be read."]

    def cancellable(progress: ProgressSink, cancel: CancelToken) -> None:
        while True:
            cancel.raise_if_cancelled()
            time.sleep(0.005)

    task = Task(cancellable)
    with qtbot.waitSignal(task.cancelled):
        task.start()
        task.cancel()

    def bug(progress: ProgressSink, cancel: CancelToken) -> None:
        raise KeyError("oops")

    caplog.set_level(logging.ERROR)
    messages: list[str] = []
    parent = QWidget()
    crashing = run_task(bug, parent, name="import", on_error=messages.append)
    qtbot.waitUntil(lambda: bool(messages))
    assert messages[0].startswith("Sorry, Threadline ran into a problem it did not expect (import).")
    assert "threadline.log" in messages[0] and "KeyError" not in messages[0]
    record = next(r for r in caplog.records if r.name == "app.ui.workers")
    assert record.exc_info is not None and record.exc_info[0] is KeyError  # the traceback is in the log
    assert isinstance(crashing, Task)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are a Linux feature")
def test_background_tasks_yield_the_cpu(gui_app: QApplication, qtbot: QtBot) -> None:
    def nice_of_this_thread(progress: ProgressSink, cancel: CancelToken) -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    gui_nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    background = Task(nice_of_this_thread, background=True)
    with qtbot.waitSignal(background.succeeded) as result:
        background.start()
    assert result.args == [max(gui_nice, BACKGROUND_NICE)]
    ordinary = Task(nice_of_this_thread)
    with qtbot.waitSignal(ordinary.succeeded) as result:
        ordinary.start()
    assert result.args == [gui_nice]
    assert (
        os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == gui_nice
    )  # the GUI thread is untouched


def test_the_headline_counts_files_and_their_attachments_apart(gui_app: QApplication) -> None:
    mail, other = "inbox/mail.eml", "inbox/wire.txt"
    outcomes = [
        ImportOutcome(mail, ImportStatus.IMPORTED, 1),
        ImportOutcome(f"{mail} › note.txt", ImportStatus.IMPORTED, 2, parent_path=mail),
        ImportOutcome(
            f"{mail} › photo.png", ImportStatus.SKIPPED, reason="unsupported file type", parent_path=mail
        ),
        ImportOutcome(other, ImportStatus.IMPORTED, 3),
        ImportOutcome("inbox/.DS_Store", ImportStatus.SKIPPED, reason="hidden file"),
    ]
    assert summary_headline(outcomes, cancelled=False) == (
        "2 files imported with 1 attachment, 1 hidden item skipped, "
        "1 attachment in a format not read (kept in the e-mail)."
    )
