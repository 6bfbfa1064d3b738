"""The search panel: results as you type, off the GUI thread, snippets in their own direction."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.core.records import SearchHit
from app.store import CaseStore
from app.ui.fonts import FontChoice
from app.ui.search_panel import PAGE_SIZE, SearchPanel, is_right_to_left, snippet_document
from app.ui.store_bridge import StoreBridge

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

AddText = Callable[..., int]  # the add_text fixture of tests/conftest.py

HE = "דיווח: המטוס מדגם Il-62M נחת בפיונגיאנג אחרי עצירה באירקוטסק, ומשם חזר לפיונגיאנג."
AR = "هبطت طائرة من طراز Il-62M في بيونغ يانغ بعد توقف في إيركوتسك."
EN = "The chartered Il-62M landed in Pyongyang after a stop in Irkutsk."


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` as key events carrying it (qtbot.keyClicks aborts on non-ASCII text here)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            )


@pytest.fixture
def panel(fonts: FontChoice, qtbot: QtBot, store: CaseStore, add_text: AddText) -> Iterator[SearchPanel]:
    add_text(HE, title="מבט גלובלי: המטוס נחת", language="he")
    add_text(AR, title="مرصد الملاحة", language="ar")
    add_text(EN, title="Open Skies Ledger", language="en")
    bridge = StoreBridge(store)
    view = SearchPanel()
    qtbot.addWidget(view)
    view.set_store(store, bridge)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view)
    yield view
    view.set_store(None)
    bridge.detach()


def wait_for_results(qtbot: QtBot, panel: SearchPanel) -> None:
    qtbot.waitUntil(
        lambda: not panel.is_busy() and panel.model.query == panel.query_edit.text(), timeout=5000
    )


def test_typing_searches_after_a_pause_once(panel: SearchPanel, qtbot: QtBot) -> None:
    seen: list[str] = []
    panel.searched.connect(lambda text, _seconds: seen.append(text))
    type_text(panel.query_edit, "פיונגיאנג")
    assert seen == [], "nothing runs while the user is still typing"
    wait_for_results(qtbot, panel)
    assert seen == ["פיונגיאנג"], "a burst of typing costs one query"
    assert panel.summary() == "1 source matches."
    hit = panel.model.hit(0)
    assert hit.title == "מבט גלובלי: המטוס נחת"
    assert [HE[span.start : span.end] for span in hit.hits] == ["בפיונגיאנג", "לפיונגיאנג"]


def test_typing_stays_responsive(panel: SearchPanel) -> None:
    """The query runs on a worker: each key press returns at once."""
    started = time.perf_counter()
    type_text(panel.query_edit, "Il-62M Pyongyang")
    assert time.perf_counter() - started < 0.25


def test_many_sources_match_and_are_counted(panel: SearchPanel, qtbot: QtBot) -> None:
    type_text(panel.query_edit, "il-62m")
    wait_for_results(qtbot, panel)
    assert panel.summary() == "3 sources match."
    assert panel.model.rowCount() == 3


def test_a_malformed_query_is_explained_inline(panel: SearchPanel, qtbot: QtBot) -> None:
    type_text(panel.query_edit, "(pyongyang")
    panel.run_now()
    assert panel.has_error()
    assert "Brackets are not supported" in panel.summary()
    assert panel.model.rowCount() == 0
    assert not any(isinstance(widget, QMessageBox) for widget in QApplication.topLevelWidgets())
    panel.query_edit.clear()
    type_text(panel.query_edit, "pyongyang")
    wait_for_results(qtbot, panel)
    assert not panel.has_error()


def test_click_opens_a_result(panel: SearchPanel, qtbot: QtBot) -> None:
    type_text(panel.query_edit, "il-62m")
    wait_for_results(qtbot, panel)
    view = panel.results_view
    rect = view.visualRect(panel.model.index(1))
    with qtbot.waitSignal(panel.hit_activated, timeout=1000) as activated:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    hit = activated.args[0]
    assert isinstance(hit, SearchHit) and hit.source_id == panel.model.hit(1).source_id


def test_enter_in_the_query_opens_the_first_result(panel: SearchPanel, qtbot: QtBot) -> None:
    type_text(panel.query_edit, "irkutsk")
    with qtbot.waitSignal(panel.hit_activated, timeout=3000) as activated:
        QApplication.sendEvent(
            panel.query_edit,
            QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier),
        )
    assert activated.args[0].title == "Open Skies Ledger"


def test_new_sources_join_the_results(panel: SearchPanel, qtbot: QtBot, add_text: AddText) -> None:
    type_text(panel.query_edit, "irkutsk")
    wait_for_results(qtbot, panel)
    assert panel.model.rowCount() == 1
    add_text("Another note about Irkutsk and its airport.", title="Note")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=3000)


def test_results_come_a_page_at_a_time(
    fonts: FontChoice, qtbot: QtBot, store: CaseStore, add_text: AddText
) -> None:
    for number in range(PAGE_SIZE + 12):
        add_text(f"Report {number}: the aircraft refuelled in Irkutsk.", title=f"Report {number}")
    view = SearchPanel()
    qtbot.addWidget(view)
    view.set_store(store)
    view.resize(500, 400)
    view.show()
    view.set_query("irkutsk")
    wait_for_results(qtbot, view)
    assert view.model.rowCount() == PAGE_SIZE
    assert view.summary() == f"{PAGE_SIZE + 12} sources match."
    view.results_view.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() == PAGE_SIZE + 12, timeout=5000)
    assert len({hit.source_id for hit in view.model.hits()}) == PAGE_SIZE + 12
    view.set_store(None)


# --- right to left ---------------------------------------------------------------------------------------


def test_snippet_direction_follows_the_majority() -> None:
    assert is_right_to_left(HE)
    assert is_right_to_left(AR)
    assert not is_right_to_left(EN)
    assert is_right_to_left("Il-62M NK Flightwatch נחת בפיונגיאנג אחרי עצירה באירקוטסק")


def test_hebrew_snippets_read_right_to_left(panel: SearchPanel, qtbot: QtBot) -> None:
    type_text(panel.query_edit, "פיונגיאנג")
    wait_for_results(qtbot, panel)
    hit = panel.model.hit(0)
    document = snippet_document(hit.snippet, False, panel.font(), panel.palette().text().color())
    document.setTextWidth(2000)  # one line, so x positions compare
    assert document.size().height() > 0  # lays the document out
    block = document.firstBlock()
    assert block.textDirection() == Qt.LayoutDirection.RightToLeft
    assert block.blockFormat().alignment() & Qt.AlignmentFlag.AlignRight
    line = block.layout().lineAt(0)
    assert line.isValid() and block.layout().lineCount() == 1
    text = hit.snippet.text

    def x(word: str) -> float:
        return line.cursorToX(text.index(word) + 1)[0]

    assert x("דיווח") > x("המטוס") > x("באירקוטסק"), "Hebrew words run from right to left"
    assert x("המטוס") > x("Il-62M") > x("נחת"), "the Latin name sits between its Hebrew neighbours"
    # the highlighted hit is the prefixed word
    cursor = QTextCursor(document)
    start = text.index("בפיונגיאנג")
    cursor.setPosition(start + 1)
    assert cursor.charFormat().background().color().name() == "#fff176"


def test_rtl_rows_are_drawn_on_the_right(panel: SearchPanel, qtbot: QtBot) -> None:
    type_text(panel.query_edit, "il-62m")
    wait_for_results(qtbot, panel)
    view = panel.results_view
    image = view.viewport().grab().toImage()
    background = image.pixelColor(QPoint(image.width() // 2, 2)).rgb()
    rows = {panel.model.hit(row).title: view.visualRect(panel.model.index(row)) for row in range(3)}

    def ink_extent(rect_title: str) -> tuple[int, int]:
        rect = rows[rect_title]
        xs = [
            x
            for x in range(rect.left(), rect.right())
            for y in range(rect.top() + 24, rect.bottom() - 4, 3)
            if image.pixelColor(x, y).rgb() != background
        ]
        return min(xs), max(xs)

    _he_left, he_right = ink_extent("מבט גלובלי: המטוס נחת")
    en_left, _en_right = ink_extent("Open Skies Ledger")
    assert he_right > image.width() - 30, "a Hebrew snippet starts at the right edge"
    assert en_left < 30, "an English snippet starts at the left edge"


def test_the_hit_count_says_title_only_and_bounded_counts(qapp: QApplication) -> None:
    from app.core.records import Snippet, Span
    from app.ui.search_panel import hit_count_text

    snippet = Snippet("text", 0, ())
    title_only = SearchHit(1, "Il-62M", 1.0, (), snippet, title_hits=(Span(0, 6),))
    assert hit_count_text(title_only) == "in the title"
    many = tuple(Span(i, i + 1) for i in range(1000))
    assert hit_count_text(SearchHit(2, "Log", 1.0, many, snippet, more_hits=True)) == "1000+ hits"
    assert hit_count_text(SearchHit(3, "x", 1.0, many[:1], snippet)) == "1 hit"
