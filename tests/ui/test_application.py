"""Start-up pieces: application set-up, translations, and the two kinds of error reaching the top."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import platformdirs
import pytest
from PySide6.QtCore import QLocale, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.errors import CaseFileError
from app.ui.application import (
    APP_NAME,
    ExceptionHook,
    configure_logging,
    default_case_dir,
    install_translations,
)

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
