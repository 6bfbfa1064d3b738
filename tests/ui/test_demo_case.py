"""The demo case: built once from resources/demo with the real import pipeline, then opened like any case."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.core.errors import Cancelled
from app.core.progress import CancelToken
from app.store import CaseStore
from app.ui.application import create_main_window
from app.ui.demo import DEMO_CASE_FILE_NAME, build_demo_case, demo_source_files
from app.ui.main_window import MainWindow
from app.ui.reader import HighlightKind
from app.ui.settings import Settings
from tests.ui.test_workspace import activate, type_text, user_folders_in

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

HEBREW_PAGE = "מטוס Il-62M של חברת שכר רוסית נחת בפיונגיאנג"


@pytest.fixture
def window(
    gui_app: QApplication, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MainWindow]:
    with user_folders_in(tmp_path, monkeypatch) as case_dir:
        main = create_main_window(Settings(), case_dir)
        qtbot.addWidget(main)
        main.resize(1400, 860)
        main.show()
        main.start()
        qtbot.waitExposed(main)
        yield main
        main.close()


def open_demo(window: MainWindow, qtbot: QtBot) -> None:
    with qtbot.waitSignal(window.session.case_opened, timeout=30_000):
        window.welcome.demo_case_button.click()
    qtbot.waitUntil(lambda: window.sources_dock.model.rowCount() == 9, timeout=5000)


def test_the_demo_case_opens_with_its_nine_sources(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(window, qtbot)
    store = window.store
    assert store is not None
    assert store.path == window.case_dir / DEMO_CASE_FILE_NAME
    assert store.case_info().source_count == 9  # eight files and the e-mail's attachment
    assert window.windowTitle() == "Demo: the Meridian 3107 flight — Threadline"
    languages = {summary.language for summary in store.list_sources()}
    assert {"he", "ar", "en", "ru"} <= languages


def test_the_demo_is_built_once(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(window, qtbot)
    path = window.case_dir / DEMO_CASE_FILE_NAME
    built = path.stat().st_mtime_ns
    window.actions.close_case.trigger()
    open_demo(window, qtbot)
    assert path.stat().st_mtime_ns >= built
    assert window.store is not None and window.store.case_info().source_count == 9
    leftovers = [name for name in os.listdir(window.case_dir) if name != DEMO_CASE_FILE_NAME]
    assert not [name for name in leftovers if "building" in name]


def test_building_is_kept_off_the_gui_thread(window: MainWindow, qtbot: QtBot) -> None:
    """The click returns at once; the event loop keeps running while the demo is imported."""
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    with qtbot.waitSignal(window.session.case_opened, timeout=30_000):
        window.welcome.demo_case_button.click()
        assert not window.welcome.demo_case_button.isEnabled(), "no second build while one runs"
    timer.stop()
    assert ticks, "the GUI thread went on handling events during the build"
    assert window.welcome.demo_case_button.isEnabled()


def test_a_cancelled_build_leaves_nothing(tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    destination = tmp_path / DEMO_CASE_FILE_NAME
    with pytest.raises(Cancelled):
        build_demo_case(destination, cancel=token)
    assert list(tmp_path.iterdir()) == []


def test_the_demo_build_imports_every_file(tmp_path: Path) -> None:
    outcomes = build_demo_case(tmp_path / DEMO_CASE_FILE_NAME)
    assert len(demo_source_files()) == 8
    assert len(outcomes) == 9
    with CaseStore.open(tmp_path / DEMO_CASE_FILE_NAME) as store:
        assert store.search("פיונגיאנג").total == 2


# --- the picture -------------------------------------------------------------------------------------------


def test_the_demo_comes_with_dates_grades_entities_and_quoted_events(tmp_path: Path) -> None:
    from app.ui.demo_story import ENTITIES, EVENTS

    destination = tmp_path / DEMO_CASE_FILE_NAME
    build_demo_case(destination)
    with CaseStore.open(destination) as store:
        summaries = store.events.summaries(store.events.event_ids())
        assert sorted(event.title for event in summaries) == sorted(story.title for story in EVENTS)
        wanted = {story.title: len(story.quotes) for story in EVENTS}
        assert {event.title: event.evidence_count for event in summaries} == wanted  # every quote found
        assert [event.title for event in summaries if event.disputed] == [
            "Refuelling stop in Irkutsk; crates loaded"
        ]
        assert {entity.name for entity in store.entities.list_entities()} >= {
            name for _kind, name, _aliases in ENTITIES
        }
        undated = [s.title for s in store.list_sources() if not s.published]
        assert undated == ["manifest_excerpt"]  # the e-mail attachment states no date of its own
        assert store.verify().ok  # every quote is exactly the characters its offsets name


def test_screenshot_of_the_workspace(
    window: MainWindow, qtbot: QtBot, screenshot: Callable[[QWidget, str], Path]
) -> None:
    open_demo(window, qtbot)
    activate(window, qtbot)
    window.actions.search_all.trigger()
    type_text(window.search_panel.query_edit, "פיונגיאנג")
    qtbot.waitUntil(lambda: window.search_panel.model.rowCount() == 2, timeout=5000)
    panel = window.search_panel
    first = panel.model.hit(0)
    assert first.title == HEBREW_PAGE
    rect = panel.results_view.visualRect(panel.model.index(0))
    qtbot.mouseClick(panel.results_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.source_header.title() == HEBREW_PAGE
    text = window.reader.text()
    spans = window.reader.highlighted_spans(HighlightKind.SEARCH)
    assert [text[start:end] for start, end in spans][:1] == ["בפיונגיאנג"]
    qtbot.wait(50)  # let the deferred scroll and the list's layout settle
    shot = screenshot(window, "threadline-main.png")
    assert shot.stat().st_size > 50_000
