"""Start-up pieces: application set-up, translations, and the two kinds of error reaching the top."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest
from PySide6.QtCore import QByteArray, QLocale, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.errors import CaseFileError
from app.ui.application import (
    APP_NAME,
    ExceptionHook,
    configure_logging,
    default_case_dir,
    install_translations,
)
from app.ui.settings import MAX_RECENT_CASES, SETTINGS_VERSION, Settings

# The offscreen platform cannot pass size hints to a window system and says so when a dialog shows.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    root = logging.getLogger()
    level = root.level
    handler = configure_logging(tmp_path / "logs")
    yield Path(handler.baseFilename)
    root.removeHandler(handler)
    handler.close()
    root.setLevel(level)


def answer_next_dialog(seen: list[QMessageBox], shot: Path | None = None) -> None:
    """Close the message box that is about to run modally, remembering it (and its picture) for the test."""

    def close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), f"expected a message box, found {box!r}"
        seen.append(box)
        if shot is not None:
            box.grab().save(str(shot))
        box.done(0)

    QTimer.singleShot(0, close)


def raise_and_hook(hook: ExceptionHook, error: BaseException) -> None:
    try:
        raise error
    except BaseException as caught:
        hook(type(caught), caught, caught.__traceback__)


def test_application_names(gui_app: QApplication) -> None:
    assert gui_app.applicationName() == APP_NAME
    assert gui_app.organizationName() == APP_NAME
    assert not gui_app.windowIcon().isNull()


def test_default_case_dir_is_in_user_data() -> None:
    assert default_case_dir() == platformdirs.user_data_path("Threadline") / "cases"


def test_no_translation_keeps_english_left_to_right(gui_app: QApplication) -> None:
    """Without our own Hebrew catalogue, Qt's alone must not mirror an English UI."""
    assert install_translations(gui_app, QLocale("he_IL")) == []
    assert gui_app.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_a_bug_is_logged_and_apologised_for(gui_app: QApplication, log_file: Path, tmp_path: Path) -> None:
    seen: list[QMessageBox] = []
    answer_next_dialog(seen, tmp_path / "threadline-apology.png")
    raise_and_hook(ExceptionHook(log_file), RuntimeError("the flux capacitor is empty"))
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged
    assert "RuntimeError: the flux capacitor is empty" in logged
    shown = seen[0].text() + seen[0].informativeText()
    assert str(log_file) in shown
    assert "Traceback" not in shown and "flux capacitor" not in shown
    assert seen[0].icon() == QMessageBox.Icon.Critical
    shutil.copyfile(tmp_path / "threadline-apology.png", "/tmp/threadline-apology.png")


def test_a_user_error_shows_its_own_message(gui_app: QApplication, log_file: Path) -> None:
    seen: list[QMessageBox] = []
    answer_next_dialog(seen)
    raise_and_hook(ExceptionHook(log_file), CaseFileError("That file is not a Threadline case."))
    assert seen[0].text() == "That file is not a Threadline case."
    assert seen[0].icon() == QMessageBox.Icon.Warning
    assert "Traceback" not in log_file.read_text(encoding="utf-8")


RUN_GUI_FOR_A_MOMENT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
application = QApplication(sys.argv[:1])
QTimer.singleShot(300, application.quit)
from app.ui.application import run_gui
sys.exit(run_gui(None))
"""


def test_run_gui_starts_and_quits_cleanly(tmp_path: Path) -> None:
    """The real entry point, in a child process whose user folders point into the test's tmp_path."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    child = subprocess.run(
        [sys.executable, "-c", RUN_GUI_FOR_A_MOMENT], env=env, capture_output=True, text=True, timeout=60
    )
    assert child.returncode == 0, child.stderr
    logs = list(tmp_path.rglob("threadline.log"))
    assert len(logs) == 1 and "UI fonts: Noto Sans" in logs[0].read_text(encoding="utf-8")


# --- settings ---------------------------------------------------------------------------------------------


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "settings" / "Threadline.ini"


def ini_settings(path: Path) -> Settings:
    return Settings(QSettings(str(path), QSettings.Format.IniFormat))


def test_a_first_run_writes_the_settings_version(settings_file: Path) -> None:
    settings = ini_settings(settings_file)
    assert settings.version == SETTINGS_VERSION
    assert settings.recent_cases == [] and settings.last_case is None
    assert settings.window_geometry is None and settings.window_state is None
    assert settings.word_wrap is True and settings.reader_point_size is None


def test_settings_round_trip_through_the_file(settings_file: Path, tmp_path: Path) -> None:
    case = tmp_path / "טיסות Il-62M.threadline"
    case.write_bytes(b"")
    settings = ini_settings(settings_file)
    settings.add_recent_case(case)
    settings.last_case = case
    settings.word_wrap = False
    settings.reader_point_size = 14.0
    settings.window_geometry = QByteArray(b"\x01\x02geometry")
    settings.sync()
    again = ini_settings(settings_file)
    assert again.recent_cases == [case.resolve()]
    assert again.last_case == case.resolve()
    assert again.word_wrap is False
    assert again.reader_point_size == 14.0
    assert again.window_geometry == QByteArray(b"\x01\x02geometry")


def test_recent_cases_are_capped_ordered_and_pruned(settings_file: Path, tmp_path: Path) -> None:
    settings = ini_settings(settings_file)
    cases = []
    for number in range(MAX_RECENT_CASES + 3):
        case = tmp_path / f"case {number}.threadline"
        case.write_bytes(b"")
        cases.append(case)
        settings.add_recent_case(case)
    settings.add_recent_case(cases[5])  # opened again: back to the top, not listed twice
    recent = settings.recent_cases
    assert len(recent) == MAX_RECENT_CASES
    assert recent[0] == cases[5].resolve() and recent.count(cases[5].resolve()) == 1
    assert recent[1] == cases[-1].resolve()
    cases[-1].unlink()
    assert cases[-1].resolve() not in settings.recent_cases
    assert len(ini_settings(settings_file).recent_cases) == MAX_RECENT_CASES - 1, "the pruning is stored"


def test_unreadable_values_fall_back_to_defaults(settings_file: Path) -> None:
    raw = QSettings(str(settings_file), QSettings.Format.IniFormat)
    raw.setValue("settings/version", 1)
    raw.setValue("cases/recent", "not json [")
    raw.setValue("reader/point_size", "large")
    raw.setValue("window/geometry", "text, not bytes")
    raw.sync()
    settings = ini_settings(settings_file)
    assert settings.recent_cases == []
    assert settings.reader_point_size is None
    assert settings.window_geometry is None


def test_settings_from_a_newer_threadline_keep_their_version(settings_file: Path) -> None:
    raw = QSettings(str(settings_file), QSettings.Format.IniFormat)
    raw.setValue("settings/version", SETTINGS_VERSION + 5)
    raw.sync()
    assert ini_settings(settings_file).version == SETTINGS_VERSION + 5
