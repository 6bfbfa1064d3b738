"""The main window opens offscreen with its menus and the welcome view's three ways in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QCommandLinkButton, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow

# The offscreen platform cannot pass size hints to a window system and says so when a main window shows.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def window(gui_app: QApplication, qtbot: QtBot, tmp_path: Path) -> MainWindow:
    main = MainWindow(tmp_path / "cases")
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def test_window_title_and_menus(window: MainWindow) -> None:
    assert window.windowTitle() == "Threadline"
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["&File", "&Help"]
    file_menu = window.menuBar().actions()[0].menu()
    texts = [action.text() for action in file_menu.actions() if not action.isSeparator()]
    assert texts == ["&New Case…", "&Open Case…", "Open the &Demo Case", "&Quit"]


def test_standard_shortcuts(window: MainWindow) -> None:
    assert window.new_case_action.shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    assert window.open_case_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"


def test_welcome_offers_three_ways_in(window: MainWindow) -> None:
    assert window.current_view() is window.welcome
    buttons = {button.objectName(): button for button in window.welcome.findChildren(QCommandLinkButton)}
    assert set(buttons) == {"welcome_new_case", "welcome_open_case", "welcome_demo_case"}
    assert all(button.isVisible() and not button.icon().isNull() for button in buttons.values())


def test_demo_button_requests_the_demo_case(window: MainWindow, qtbot: QtBot) -> None:
    with qtbot.waitSignal(window.demo_case_requested, timeout=1000):
        window.welcome.demo_case_button.click()


def test_workspace_replaces_welcome_and_back(window: MainWindow, qtbot: QtBot) -> None:
    workspace = QLabel("workspace")
    window.show_workspace(workspace)
    assert window.current_view() is workspace
    window.show_welcome()
    assert window.current_view() is window.welcome


def test_window_renders(window: MainWindow, screenshot: Callable[[QWidget, str], Path]) -> None:
    shot = screenshot(window, "threadline-shell.png")
    image = window.grab().toImage()
    assert shot.stat().st_size > 0
    assert image.width() >= 800 and image.height() >= 600
    colours = {
        image.pixelColor(x, y).rgb() for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 10, "the window rendered as a flat area"
