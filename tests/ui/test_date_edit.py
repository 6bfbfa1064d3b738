"""The date field: what it reads from English, Hebrew and Arabic text, shown before it is taken."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.core.dates import parse
from app.ui.date_edit import ERROR_COLOUR, DateEdit
from app.ui.fonts import FontChoice

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

PUBLISHED = date(2023, 8, 2)


@pytest.fixture
def field(fonts: FontChoice, qtbot: QtBot) -> Iterator[DateEdit]:
    widget = DateEdit()
    qtbot.addWidget(widget)
    widget.resize(420, 60)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_reference(PUBLISHED)
    yield widget


def type_text(widget: QWidget, text: str) -> None:
    """Key events carrying the text (qtbot.keyClicks aborts on non-ASCII text on this stack)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            )


def press(widget: QWidget, key: Qt.Key) -> None:
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier))


@pytest.mark.parametrize(
    ("typed", "edtf", "reading"),
    [
        ("31 ביולי 2023", "2023-07-31", "Reads as 31 July 2023 · EDTF 2023-07-31"),
        ("אוגוסט 2023", "2023-08", "Reads as August 2023 · EDTF 2023-08"),
        ("31 يوليو 2023", "2023-07-31", "Reads as 31 July 2023 · EDTF 2023-07-31"),
        ("mid-2019", "2019-05/2019-08", "Reads as May – Aug 2019 · EDTF 2019-05/2019-08"),
        ("2023-07-31", "2023-07-31", "Reads as 31 July 2023 · EDTF 2023-07-31"),
        ("2019~", "2019~", "Reads as c. 2019 · EDTF 2019~"),
        ("31.07.2023", "2023-07-31", "Reads as 31 July 2023 · EDTF 2023-07-31"),
        # the same readings ``threadline event add --date`` prints (tests/cli/test_cli_events.py)
        (
            "08/01/2023",
            "2023-01-08?",
            "Reads as 8 January 2023? · EDTF 2023-01-08? (day/month order assumed day-first)",
        ),
        ("2023/08/01", "2023-08-01", "Reads as 1 August 2023 · EDTF 2023-08-01"),  # year first: ISO
    ],
)
def test_what_is_typed_is_read_back_before_it_is_taken(
    field: DateEdit, qtbot: QtBot, typed: str, edtf: str, reading: str
) -> None:
    taken: list[object] = []
    field.value_committed.connect(taken.append)
    field.line.setFocus()
    type_text(field.line, typed)
    assert field.text() == typed
    assert field.is_valid() and field.value() == parse(edtf)
    assert field.reading() == reading
    assert taken == [], "nothing is taken while typing"
    press(field.line, Qt.Key.Key_Return)
    assert taken == [parse(edtf)]


def test_relative_words_count_from_the_reference_date(field: DateEdit) -> None:
    field.set_text("last March")
    assert field.value() == parse("2023-03")
    assert field.reading() == "Reads as March 2023 · EDTF 2023-03 (counted from 2 August 2023)"
    field.set_reference(date(2021, 1, 10))
    assert field.value() == parse("2020-03"), "a new reference reads the same words again"
    field.set_reference(None)
    assert not field.is_valid()
    assert "last March" in field.problem()


def test_text_it_cannot_read_says_why_inline_and_is_not_taken(field: DateEdit, qtbot: QtBot) -> None:
    taken: list[object] = []
    field.value_committed.connect(taken.append)
    field.line.setFocus()
    type_text(field.line, "sometime soon")
    assert not field.is_valid() and field.value() is None
    assert field.reading().startswith("“sometime soon” is not a date Threadline can read")
    colour = field.reading_label.palette().color(field.reading_label.foregroundRole())
    assert colour.name() == ERROR_COLOUR
    press(field.line, Qt.Key.Key_Return)
    assert taken == []
    press(field.line, Qt.Key.Key_Escape)
    assert field.text() == "" and field.is_valid() and field.reading() == "No date"


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("2023-13-01", "There is no month 13."),  # as the CLI says it, not the list of forms
        ("2023/02/30", "2023-02 has no day 30."),
    ],
)
def test_iso_shaped_text_with_parts_that_do_not_exist_says_which(
    field: DateEdit, typed: str, problem: str
) -> None:
    field.set_text(typed)
    assert not field.is_valid() and field.value() is None
    assert field.problem() == problem and field.reading() == problem


def test_hebrew_and_arabic_input_is_laid_out_right_to_left(field: DateEdit) -> None:
    field.line.setFocus()
    type_text(field.line, "31 ביולי 2023")
    assert field.line.layoutDirection() == Qt.LayoutDirection.RightToLeft
    field.line.clear()
    type_text(field.line, "2 آب 2023")
    assert field.line.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert field.value() == parse("2023-08-02")
    field.line.clear()
    type_text(field.line, "2 August 2023")
    assert field.line.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_a_value_set_shows_its_edtf_and_escape_goes_back_to_it(field: DateEdit) -> None:
    value = parse("2023-07-31/2023-08-02")
    field.set_value(value)
    assert field.text() == "2023-07-31/2023-08-02" and not field.is_modified()
    assert field.reading() == "Reads as 31 Jul – 2 Aug 2023 · EDTF 2023-07-31/2023-08-02"
    field.line.setFocus()
    field.line.selectAll()
    type_text(field.line, "אוגוסט 2023")
    assert field.is_modified()
    press(field.line, Qt.Key.Key_Escape)
    assert field.text() == "2023-07-31/2023-08-02" and not field.is_modified()


def test_emptying_the_field_takes_no_date(field: DateEdit) -> None:
    taken: list[object] = []
    field.set_value(parse("2023"))
    field.value_committed.connect(taken.append)
    field.line.setFocus()
    field.line.clear()
    press(field.line, Qt.Key.Key_Return)
    assert taken == [None]
    required = DateEdit(allow_empty=False)
    assert not required.is_valid() and required.problem() == "A date is needed here."
    required.deleteLater()
