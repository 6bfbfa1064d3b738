"""The main window opens offscreen with its menus and the welcome view's three ways in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QCommandLinkButton, QWidget
from pytestqt.qtbot import QtBot

from app.ui.application import create_main_window
from app.ui.main_window import MainWindow, isolated
from app.ui.settings import Settings
from tests.ui.test_workspace import user_folders_in

# The offscreen platform cannot pass size hints to a window system and says so when a main window shows.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def window(
    gui_app: QApplication, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MainWindow]:
    with user_folders_in(tmp_path, monkeypatch) as case_dir:
        main = create_main_window(Settings(), case_dir)
        qtbot.addWidget(main)
        main.show()
        qtbot.waitExposed(main)
        yield main
        main.close()


def test_window_title_and_menus(window: MainWindow) -> None:
    assert window.windowTitle() == "Threadline"
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&View", "E&ntities", "E&vents", "&Help"]
    file_menu = window.menuBar().actions()[0].menu()
    texts = [action.text() for action in file_menu.actions() if not action.isSeparator()]
    assert texts == [
        "&New Case…",
        "&Open Case…",
        "Open &Recent",
        "Open the &Demo Case",
        "Save a &Copy…",
        "&Close Case",
        "&Export",
        "&Import Files…",
        "Import &Folder…",
        "&Paste as New Source…",
        "New &Note…",
        "&Quit",
    ]
    help_menu = window.menuBar().actions()[-1].menu()
    assert [action.text() for action in help_menu.actions()] == ["&About Threadline"]


def test_standard_shortcuts(window: MainWindow) -> None:
    assert window.actions.new_case.shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    assert window.actions.open_case.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert window.actions.quit.shortcut().toString() == "Ctrl+Q"
    assert window.undo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert window.actions.copy.shortcut() == QKeySequence(QKeySequence.StandardKey.Copy)


def test_toolbar_tooltips_name_the_key(window: MainWindow) -> None:
    assert window.actions.import_files.toolTip() == "Import Files (Ctrl+I)"
    assert window.actions.search_all.toolTip() == "Search All Sources (Ctrl+Shift+F)"
    assert window.reader.tag_entity_action.toolTip() == "Tag as Entity (Ctrl+E)"


def test_right_to_left_names_are_isolated_in_titles() -> None:
    assert isolated("Il-62M flights") == "Il-62M flights"
    assert isolated("טיסות Il-62M") == "\u2068טיסות Il-62M\u2069"
    assert isolated("رحلات Il-62M") == "\u2068رحلات Il-62M\u2069"


def test_welcome_offers_three_ways_in(window: MainWindow) -> None:
    assert window.current_view() is window.welcome
    buttons = {button.objectName(): button for button in window.welcome.findChildren(QCommandLinkButton)}
    assert set(buttons) == {"welcome_new_case", "welcome_open_case", "welcome_demo_case"}
    assert all(button.isVisible() and not button.icon().isNull() for button in buttons.values())


def test_demo_button_requests_the_demo_case(window: MainWindow, qtbot: QtBot) -> None:
    with qtbot.waitSignal(window.demo_case_requested, timeout=1000):
        window.welcome.demo_case_button.click()


def test_window_renders(window: MainWindow, screenshot: Callable[[QWidget, str], Path]) -> None:
    shot = screenshot(window, "threadline-shell.png")
    image = window.grab().toImage()
    assert shot.stat().st_size > 0
    assert image.width() >= 800 and image.height() >= 600
    colours = {
        image.pixelColor(x, y).rgb() for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 10, "the window rendered as a flat area"
