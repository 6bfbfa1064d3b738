"""The find bar finds what search would find (proclitics included), counts, steps and explains bad queries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.ui.find_bar import FindBar
from app.ui.fonts import FontChoice
from app.ui.reader import HighlightKind, ReaderView

HE = (
    "המטוס נחת בפיונגיאנג אחרי עצירה באירקוטסק.\n"
    "The Il-62M left Vnukovo for Pyongyang.\n"
    "משם המשיכה המשלחת לפיונגיאנג, ושם נפגשה עם נציגי המשטר; פיונגיאנג לא הגיבה."
)


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` as key events carrying it (qtbot.keyClicks aborts on non-ASCII text here)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            )


def press(
    widget: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, key, modifiers))


# The offscreen platform cannot pass size hints to a window system and says so when a window shows.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def bar(fonts: FontChoice, qtbot: QtBot) -> Iterator[FindBar]:
    host = QWidget()
    qtbot.addWidget(host)
    reader = ReaderView(host)
    find_bar = FindBar(reader, host)
    layout = QVBoxLayout(host)
    layout.addWidget(reader)
    layout.addWidget(find_bar)
    reader.set_text(HE, source_id=7)
    host.resize(800, 400)
    host.show()
    qtbot.waitExposed(host)
    yield find_bar  # the host (and so the bar) lives until the test ends


def texts(bar: FindBar, kind: HighlightKind) -> list[str]:
    text = bar.reader.text()
    return [text[start:end] for start, end in bar.reader.highlighted_spans(kind)]


def test_finds_hebrew_words_with_their_prefixes(bar: FindBar) -> None:
    bar.open_bar()
    type_text(bar.query_edit, "פיונגיאנג")
    assert texts(bar, HighlightKind.FIND) == ["בפיונגיאנג", "לפיונגיאנג", "פיונגיאנג"]
    assert bar.count_label.text() == "1 of 3"
    assert texts(bar, HighlightKind.CURRENT) == ["בפיונגיאנג"]
    assert bar.message_label.text() == ""


def test_enter_and_shift_enter_step_through_the_matches(bar: FindBar) -> None:
    bar.open_bar()
    type_text(bar.query_edit, "פיונגיאנג")
    press(bar.query_edit, Qt.Key.Key_Return)
    assert bar.count_label.text() == "2 of 3"
    assert texts(bar, HighlightKind.CURRENT) == ["לפיונגיאנג"]
    press(bar.query_edit, Qt.Key.Key_Return)
    press(bar.query_edit, Qt.Key.Key_Return)
    assert bar.count_label.text() == "1 of 3", "stepping past the last match wraps to the first"
    press(bar.query_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count_label.text() == "3 of 3"
    assert bar.reader.cursor_offset() == bar.matches()[2].start, "the current match is scrolled to"


def test_the_current_match_is_drawn_over_the_others(bar: FindBar) -> None:
    bar.open_bar()
    type_text(bar.query_edit, "פיונגיאנג")
    selections = bar.reader.extraSelections()
    assert len(selections) == 4
    last = selections[-1]
    assert last.cursor.selectedText() == "בפיונגיאנג"
    assert last.format.background().color() != selections[0].format.background().color()


def test_latin_words_and_phrases(bar: FindBar) -> None:
    bar.open_bar()
    bar.query_edit.setText('"left vnukovo"')
    assert texts(bar, HighlightKind.FIND) == ["left Vnukovo"]
    bar.query_edit.setText("il-62m")
    assert texts(bar, HighlightKind.FIND) == ["Il-62M"]
    assert bar.count_label.text() == "1 of 1"


def test_no_match_says_so(bar: FindBar) -> None:
    bar.open_bar()
    bar.query_edit.setText("Irkutsk")
    assert bar.count_label.text() == "No matches"
    assert bar.reader.highlighted_spans(HighlightKind.FIND) == []


def test_a_malformed_query_is_explained_in_the_bar(bar: FindBar) -> None:
    bar.open_bar()
    bar.query_edit.setText('"pyongyang')
    assert "not closed" in bar.message_label.text()
    assert bar.count_label.text() == ""
    assert bar.reader.highlighted_spans(HighlightKind.FIND) == []
    bar.query_edit.setText("pyongyang")
    assert bar.message_label.text() == ""
    assert bar.count_label.text() == "1 of 1"


def test_escape_closes_and_clears(bar: FindBar, qtbot: QtBot) -> None:
    bar.open_bar()
    bar.query_edit.setText("פיונגיאנג")
    with qtbot.waitSignal(bar.closed, timeout=1000):
        press(bar.query_edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    assert bar.reader.extraSelections() == []


def test_opening_takes_the_selected_words(bar: FindBar) -> None:
    start = HE.index("Vnukovo")
    bar.reader.select_span(start, start + len("Vnukovo"))
    bar.open_bar()
    assert bar.query_edit.text() == "Vnukovo"
    assert bar.count_label.text() == "1 of 1"


def test_another_text_is_searched_again(bar: FindBar) -> None:
    bar.open_bar()
    bar.query_edit.setText("פיונגיאנג")
    bar.reader.set_text("רק פיונגיאנג אחת כאן", source_id=8)
    assert bar.count_label.text() == "1 of 1"
    assert texts(bar, HighlightKind.FIND) == ["פיונגיאנג"]


def test_f3_when_closed_opens_the_bar(bar: FindBar) -> None:
    bar.find_next()
    assert bar.isVisible()
    assert bar.query_edit.hasFocus()


def test_typing_finds_from_where_the_bar_opened(bar: FindBar) -> None:
    """Partial words on the way (פ, פי …) match elsewhere; they must not move where finding starts."""
    bar.open_bar()
    type_text(bar.query_edit, "פ")
    type_text(bar.query_edit, "יונגיאנג")
    assert bar.count_label.text() == "1 of 3"
    bar.find_next()
    bar.query_edit.setText("פיונגיאנג,")  # a change after stepping searches on from the match stepped to
    assert bar.count_label.text() == "2 of 3"
