"""Fixtures for the GUI tests, which run offscreen against real widgets (see the pytest options)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from app.ui.application import configure_application
from app.ui.fonts import FontChoice, font_choice


@pytest.fixture(scope="session")
def gui_app(qapp: QApplication) -> QApplication:
    """The test QApplication, set up the way ``run_gui`` sets up the real one."""
    configure_application(qapp)
    return qapp


@pytest.fixture(scope="session")
def fonts(gui_app: QApplication) -> FontChoice:
    return font_choice()


Screenshot = Callable[[QWidget, str], Path]


@pytest.fixture
def screenshot(tmp_path: Path) -> Screenshot:
    """Grab a widget to ``tmp_path/<name>`` and copy it to ``/tmp/<name>`` for a human to look at."""

    def grab(widget: QWidget, name: str) -> Path:
        shot = tmp_path / name
        assert widget.grab().save(str(shot)), f"could not write {shot}"
        shutil.copyfile(shot, Path("/tmp") / name)
        return shot

    return grab
