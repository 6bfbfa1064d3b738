"""The reader lays out each paragraph in its own direction and speaks code-point offsets only."""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QContextMenuEvent, QImage, QTextBlock, QTextCursor, QWheelEvent
from PySide6.QtWidgets import QApplication, QMenu, QTextEdit, QWidget
from pytestqt.qtbot import QtBot

from app.core.entity_records import SourceHighlight
from app.core.records import Span
from app.ui.fonts import READER_POINT_SIZE, FontChoice
from app.ui.reader import (
    HighlightKind,
    OffsetMap,
    ReaderView,
    SelectedText,
    paragraph_direction,
    paragraph_directions,
)

LTR, RTL = Qt.LayoutDirection.LeftToRight, Qt.LayoutDirection.RightToLeft

HE = "המטוס מדגם Il-62M של חברת טייגה מרידיאן נחת בפיונגיאנג ב-1 באוגוסט 2023, כך דיווח האתר NK Flightwatch."
AR = "هبطت طائرة من طراز Il-62M تابعة لشركة تايغا ميريديان في بيونغ يانغ في 2 آب/أغسطس 2023."
EN = "The chartered Il-62M 🛩 landed in Pyongyang on 1 August 2023, NK Flightwatch reported."
RU = "Самолёт Ил-62М авиакомпании «Тайга Меридиан» вылетел из Внукова 31 июля 2023 года."
TEXT = "\n".join([HE, AR, EN, "2023-08-01", RU])


@pytest.fixture
def reader(fonts: FontChoice, qtbot: QtBot) -> ReaderView:
    view = ReaderView()
    qtbot.addWidget(view)
    view.resize(900, 480)
    view.set_text(TEXT)
    view.show()
    qtbot.waitExposed(view)
    return view


def block_at(reader: ReaderView, index: int) -> QTextBlock:
    return reader.document().findBlockByNumber(index)


# --- direction ---------------------------------------------------------------------------------------------


def test_each_paragraph_gets_its_own_direction_and_side(reader: ReaderView) -> None:
    expected = [RTL, RTL, LTR, LTR, LTR]  # the bare date follows the English paragraph before it
    for index, direction in enumerate(expected):
        block_format = block_at(reader, index).blockFormat()
        assert block_format.layoutDirection() == direction, f"paragraph {index}"
        side = Qt.AlignmentFlag.AlignRight if direction == RTL else Qt.AlignmentFlag.AlignLeft
        assert block_format.alignment() & side, f"paragraph {index} is not aligned to its reading side"
        assert block_at(reader, index).textDirection() == direction


def test_first_strong_character_decides() -> None:
    assert paragraph_direction("2023 — Il-62M ב") == LTR
    assert paragraph_direction("(1) «شركة» Il-62M") == RTL
    assert paragraph_direction("\u2066Il-62M\u2069 נחת") == RTL  # isolated runs do not count (rule P2)
    assert paragraph_direction("\u200fNK News") == RTL  # a right-to-left mark is strong
    assert paragraph_direction("2023-08-01 …") is None


def test_neutral_paragraphs_follow_their_neighbour() -> None:
    assert paragraph_directions("12:00\nשלום\n\n2023\nHello\n") == [RTL, RTL, RTL, RTL, LTR, LTR]
    assert paragraph_directions("1\n2") == [LTR, LTR]


def test_latin_runs_keep_their_visual_order_inside_hebrew(reader: ReaderView) -> None:
    """In "המטוס מדגם Il-62M של": Hebrew runs right to left, "Il-62M" reads left to right in between."""
    layout = block_at(reader, 0).layout()

    def x(text: str, inside: int = 1) -> float:
        position = HE.index(text) + inside
        return layout.lineForTextPosition(position).cursorToX(position)[0]

    first_word, latin_start, latin_end, next_word = x("המטוס", 2), x("Il-62M", 1), x("Il-62M", 5), x("של", 1)
    assert first_word > latin_end > latin_start > next_word


# --- offsets -----------------------------------------------------------------------------------------------


def test_offset_map_counts_utf16_units_outside_the_bmp() -> None:
    text = "a🛩b\n𝔘x😀😀y"
    offsets = OffsetMap(text)
    for offset in range(len(text) + 1):
        position = offsets.to_position(offset)
        assert position == len(text[:offset].encode("utf-16-le")) // 2
        assert offsets.to_offset(position) == offset
    assert offsets.to_offset(2) == 1  # inside the aeroplane's surrogate pair: snap to its start
    with pytest.raises(ValueError, match="outside the text"):
        offsets.to_position(len(text) + 1)


def test_selection_after_an_emoji_round_trips(reader: ReaderView) -> None:
    start = TEXT.index("landed")
    assert reader._offsets.to_position(start) == start + 1  # the emoji before it takes two UTF-16 units
    reader.select_span(start, start + len("landed"))
    assert reader.textCursor().selectedText() == "landed"
    assert reader.selected_span() == (start, start + len("landed"))
    emoji = TEXT.index("🛩")
    reader.select_span(emoji, emoji + 1)
    assert reader.textCursor().selectedText() == "🛩"
    assert reader.selected_span() == (emoji, emoji + 1)


def test_keyboard_selection_reports_code_points(reader: ReaderView, qtbot: QtBot) -> None:
    start = TEXT.index("🛩")
    reader.scroll_to(start)
    for _ in range(3):  # the emoji, a space, "l"
        qtbot.keyClick(reader, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert reader.selected_span() == (start, start + 3)
    assert TEXT[start : start + 3] == "🛩 l"


def test_no_selection_is_none(reader: ReaderView) -> None:
    reader.scroll_to(10)
    assert reader.selected_span() is None
    assert reader.cursor_offset() == 10


def test_unnormalised_line_breaks_are_refused(fonts: FontChoice, qtbot: QtBot) -> None:
    view = ReaderView()
    qtbot.addWidget(view)
    with pytest.raises(ValueError, match="normalise"):
        view.set_text("one\rtwo")


# --- highlights --------------------------------------------------------------------------------------------


def spans_of(needle: str, text: str) -> list[tuple[int, int]]:
    return [(match.start(), match.end()) for match in re.finditer(re.escape(needle), text)]


def test_highlights_mark_exactly_the_spans(reader: ReaderView) -> None:
    hits = spans_of("Il-62M", TEXT)
    reader.highlight(hits, HighlightKind.SEARCH)
    reader.highlight(hits[2:], HighlightKind.CURRENT)
    selections = reader.extraSelections()
    assert [selection.cursor.selectedText() for selection in selections] == ["Il-62M"] * 4
    assert reader.highlighted_spans(HighlightKind.SEARCH) == hits
    search, current = selections[0].format.background().color(), selections[-1].format.background().color()
    assert current != search, "the current hit must be drawn last, over the other hits"
    reader.clear_highlights(HighlightKind.SEARCH)
    assert reader.highlighted_spans(HighlightKind.CURRENT) == hits[2:]
    assert len(reader.extraSelections()) == 1
    reader.clear_highlights()
    assert reader.extraSelections() == []


def test_dates_are_a_dotted_underline_below_the_letters_even_in_arabic(reader: ReaderView) -> None:
    """``HighlightKind.DATE``: no fill, no extra selection, nothing drawn on the letters themselves - only
    a thin line under the descent of the line, along the date, in Arabic and Hebrew as in English."""
    dates = [*spans_of("2 آب/أغسطس 2023", TEXT), *spans_of("1 August 2023", TEXT)]
    reader.highlight(hits := spans_of("Il-62M", TEXT), HighlightKind.SEARCH)
    plain = reader.viewport().grab().toImage()
    reader.highlight(dates, HighlightKind.DATE)
    assert reader.highlighted_spans(HighlightKind.DATE) == sorted(dates)
    assert len(reader.extraSelections()) == len(hits), "drawn by the reader, not as a selection"
    marked = reader.viewport().grab().toImage()
    shift = -reader.verticalScrollBar().value()
    for start, end in dates:
        boxes = reader.span_boxes(start, end, underline="lower")
        assert boxes
        changed = 0
        for box, line_y in boxes:
            for x in range(int(box.left()) + 1, int(box.right()) - 1):
                for y in range(int(box.top() + shift), int(line_y + shift) - 1):  # the letters' own rows
                    assert plain.pixel(x, y) == marked.pixel(x, y), "nothing is drawn over the letters"
                row = round(line_y + shift - 0.5)
                changed += any(plain.pixel(x, y) != marked.pixel(x, y) for y in (row, row + 1))
        assert changed > (boxes[0][0].width() - 2) / 4, "a dotted line runs along the date"
    reader.clear_highlights(HighlightKind.DATE)
    assert reader.highlighted_spans(HighlightKind.DATE) == []
    assert reader.highlighted_spans(HighlightKind.SEARCH) == hits
    reader.highlight(dates, HighlightKind.DATE)
    reader.set_text(TEXT)
    assert reader.highlighted_spans(HighlightKind.DATE) == [], "another text: its own dates"


QUOTE_HE = "שר ההגנה הרוסי סרגיי שויגו נחת בפיונגיאנג ב-25 ביולי 2023 במטוס Il-62M."
QUOTE_AR = "وصل وزير الدفاع سيرغي شويغو إلى بيونغيانغ في 26 تموز 2023."


def commonest(image: QImage, boxes: list[tuple[QRectF, float]], shift: float, *, rows: str) -> QColor:
    """The commonest colour over the boxes' insides (``rows="inside"``) or along their underlines."""
    counts: Counter[int] = Counter()
    for box, line_y in boxes:
        for x in range(int(box.left()) + 1, int(box.right())):
            if rows == "inside":
                ys = range(int(box.top() + shift) + 1, int(box.bottom() + shift))
            else:
                ys = range(math.floor(line_y + shift), math.ceil(line_y + shift) + 1)
            counts.update(image.pixel(x, y) for y in ys)
    return QColor(counts.most_common(1)[0][0])


@pytest.mark.parametrize(
    ("quote", "person", "date"),
    [(QUOTE_HE, "סרגיי שויגו", "25 ביולי 2023"), (QUOTE_AR, "سيرغي شويغو", "26 تموز 2023")],
)
def test_mentions_and_dates_stay_marked_inside_an_evidence_quote(
    fonts: FontChoice, qtbot: QtBot, screenshot, quote: str, person: str, date: str
) -> None:  # type: ignore[no-untyped-def]
    """A quote linked as evidence is marked without hiding what else is marked in it: the person keeps
    the tint and underline of its type, the date its dotted line, and the quote's band shows around
    them."""
    text = f"הקדמה.\n{quote}\nסוף."
    view = ReaderView()
    qtbot.addWidget(view)
    view.resize(900, 240)
    view.set_text(text)
    view.show()
    qtbot.waitExposed(view)
    plain = view.viewport().grab().toImage()
    [(q_start, q_end)] = spans_of(quote, text)
    [(p_start, p_end)] = spans_of(person, text)
    [(d_start, d_end)] = spans_of(date, text)
    mention = SourceHighlight(1, 1, "Sergei Shoigu", "person", "#1f77b4", p_start, p_end)
    view.set_mentions([mention])
    view.highlight([(d_start, d_end)], HighlightKind.DATE)
    view.highlight([(q_start, q_end)], HighlightKind.EVIDENCE)
    assert view.highlighted_spans(HighlightKind.EVIDENCE) == [(q_start, q_end)]
    image = view.viewport().grab().toImage()
    shift = -view.verticalScrollBar().value()
    white = QColor(plain.pixel(2, 2))

    around = view.span_boxes(q_end - 3, q_end)  # quote text away from the mention and the date
    band = commonest(image, around, shift, rows="inside")
    assert band != white, "the quote is marked"
    mention_boxes = view.mention_boxes(mention)
    inside = commonest(image, mention_boxes, shift, rows="inside")
    assert inside not in (band, white), "the mention's tint shows over the quote's band"
    underline = commonest(image, mention_boxes, shift, rows="underline")
    assert underline == QColor("#1f77b4"), "the mention keeps its underline in its type's colour"
    date_boxes = view.span_boxes(d_start, d_end, underline="lower")
    dotted = sum(
        image.pixel(x, round(y + shift - 0.5)) != band.rgb()
        for box, y in date_boxes
        for x in range(int(box.left()) + 1, int(box.right()) - 1)
    )
    assert dotted > (date_boxes[0][0].width() - 2) / 4, "the date's dotted line shows inside the quote"
    screenshot(view, f"threadline-reader-evidence-{'he' if quote == QUOTE_HE else 'ar'}.png")
    view.clear_highlights(HighlightKind.EVIDENCE)
    assert view.highlighted_spans(HighlightKind.EVIDENCE) == []


def test_highlights_after_an_emoji_land_on_the_words(reader: ReaderView) -> None:
    reader.highlight([Span(*span) for span in spans_of("NK Flightwatch", TEXT)], HighlightKind.MENTION)
    assert [s.cursor.selectedText() for s in reader.extraSelections()] == ["NK Flightwatch"] * 2


def test_thousands_of_highlights_are_cheap(fonts: FontChoice, qtbot: QtBot) -> None:
    text = "\n".join([HE, AR, EN] * 2000)
    view = ReaderView()
    qtbot.addWidget(view)
    view.set_text(text)
    hits = spans_of("Il-62M", text)
    started = time.perf_counter()
    view.highlight(hits)
    assert len(hits) == 6000
    assert time.perf_counter() - started < 3, "highlighting 6,000 hits took too long"
    assert len(view.extraSelections()) == 6000


def test_a_backwards_span_is_refused(reader: ReaderView) -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        reader.highlight([(5, 2)])


# --- scrolling and pages -----------------------------------------------------------------------------------


def test_scroll_to_brings_a_far_offset_into_view(fonts: FontChoice, qtbot: QtBot) -> None:
    paragraphs = [HE, AR, EN] * 150
    text = "\n".join(paragraphs)
    view = ReaderView()
    qtbot.addWidget(view)
    view.resize(700, 400)
    view.set_text(text)
    view.show()
    qtbot.waitExposed(view)
    target = text.index(EN, len(text) // 2)
    view.scroll_to(target)
    assert view.verticalScrollBar().value() > 0
    assert view.viewport().rect().contains(view.cursorRect().center())
    assert view.cursor_offset() == target


def test_pages_follow_the_cursor(reader: ReaderView, qtbot: QtBot) -> None:
    page_starts = (0, TEXT.index(AR), TEXT.index(EN))
    reader.set_text(TEXT, page_starts)
    assert reader.current_page() == 1
    assert reader.page_at(TEXT.index(AR) - 1) == 1
    assert reader.page_at(TEXT.index(AR)) == 2
    assert reader.page_at(len(TEXT)) == 3
    with qtbot.waitSignal(reader.page_changed, timeout=1000) as changed:
        reader.scroll_to(TEXT.index("landed"))
    assert changed.args == [3]


def test_a_text_without_pages_has_no_page_number(reader: ReaderView) -> None:
    assert reader.page_at(0) is None and reader.current_page() is None


# --- zoom and wrapping -------------------------------------------------------------------------------------


def test_zoom_changes_the_reader_font_within_bounds(reader: ReaderView, qtbot: QtBot) -> None:
    with qtbot.waitSignal(reader.zoom_changed, timeout=1000):
        reader.zoom_in()
    assert reader.point_size() == READER_POINT_SIZE + 1
    assert reader.font().pointSizeF() == READER_POINT_SIZE + 1
    for _ in range(100):
        reader.zoom_out()
    assert reader.point_size() == ReaderView.MIN_POINT_SIZE
    reader.reset_zoom()
    assert reader.point_size() == READER_POINT_SIZE


def test_ctrl_wheel_zooms_through_our_own_zoom(reader: ReaderView) -> None:
    centre = QPointF(reader.viewport().rect().center())
    wheel = QWheelEvent(
        centre,
        QPointF(reader.viewport().mapToGlobal(QPoint(int(centre.x()), int(centre.y())))),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(reader.viewport(), wheel)
    assert reader.point_size() == READER_POINT_SIZE + 1
    assert reader.font().pointSizeF() == READER_POINT_SIZE + 1


def test_word_wrap_toggles(reader: ReaderView) -> None:
    assert reader.word_wrap()
    reader.wrap_action.trigger()
    assert not reader.word_wrap()
    assert reader.lineWrapMode() is QTextEdit.LineWrapMode.NoWrap
    reader.set_word_wrap(True)
    assert reader.word_wrap() and reader.wrap_action.isChecked()


def test_reader_is_read_only(reader: ReaderView, qtbot: QtBot) -> None:
    reader.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(reader, "abc")
    assert reader.toPlainText() == TEXT


# --- a picture ---------------------------------------------------------------------------------------------


def test_reader_renders(reader: ReaderView, screenshot: Callable[[QWidget, str], Path]) -> None:
    hits = spans_of("Il-62M", TEXT)
    reader.highlight(hits, HighlightKind.SEARCH)
    reader.highlight(hits[1:2], HighlightKind.CURRENT)
    reader.highlight(spans_of("NK Flightwatch", TEXT), HighlightKind.MENTION)
    reader.select_span(TEXT.index("Pyongyang"), TEXT.index("Pyongyang") + len("Pyongyang"))
    reader.resize(620, 400)  # narrow enough that the Hebrew and Arabic paragraphs wrap
    shot = screenshot(reader, "threadline-reader.png")
    assert shot.stat().st_size > 0


# --- actions on the selection ------------------------------------------------------------------------------


def test_selection_actions_need_a_selection(reader: ReaderView) -> None:
    actions = reader.selection_actions
    assert [action.text() for action in actions] == [
        "Tag as &Entity…",
        "New &Event from Selection…",
        "Add as Evidence to E&vent…",
    ]
    assert [action.shortcut().toString() for action in actions] == ["Ctrl+E", "Ctrl+Shift+E", "Ctrl+Shift+L"]
    assert not any(action.isEnabled() for action in actions)
    start = TEXT.index("Pyongyang")
    reader.select_span(start, start + len("Pyongyang"))
    assert all(action.isEnabled() for action in actions)
    reader.select_span(start, start)
    assert not any(action.isEnabled() for action in actions)


@pytest.mark.parametrize(
    ("action_name", "signal_name"),
    [
        ("tag_entity_action", "entity_tag_requested"),
        ("new_event_action", "event_from_selection_requested"),
        ("add_evidence_action", "evidence_requested"),
    ],
)
def test_selection_actions_carry_the_span_and_text(
    reader: ReaderView, qtbot: QtBot, action_name: str, signal_name: str
) -> None:
    reader.set_text(TEXT, source_id=42)
    start = TEXT.index("בפיונגיאנג")
    reader.select_span(start, start + len("בפיונגיאנג"))
    with qtbot.waitSignal(getattr(reader, signal_name), timeout=1000) as requested:
        getattr(reader, action_name).trigger()
    selected = requested.args[0]
    assert selected == SelectedText(42, Span(start, start + len("בפיונגיאנג")), "בפיונגיאנג")


def test_ctrl_e_tags_the_selection(reader: ReaderView, qtbot: QtBot) -> None:
    start = TEXT.index("NK Flightwatch")
    reader.select_span(start, start + 5)
    reader.setFocus()
    with qtbot.waitSignal(reader.entity_tag_requested, timeout=1000) as requested:
        qtbot.keyClick(reader, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert requested.args[0].span == Span(start, start + 5)


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")  # offscreen popups
def test_the_context_menu_offers_the_selection_actions(reader: ReaderView) -> None:
    start = TEXT.index("Pyongyang")
    reader.select_span(start, start + len("Pyongyang"))
    offered: list[QAction] = []

    def look_and_close() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        offered.extend(menu.actions())
        menu.close()

    QTimer.singleShot(0, look_and_close)
    centre = reader.viewport().rect().center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, centre, reader.viewport().mapToGlobal(centre))
    reader.contextMenuEvent(event)
    for action in reader.selection_actions:
        assert action in offered and action.isEnabled()
    assert reader.zoom_in_action in offered


def test_text_and_source_are_kept_with_a_signal(reader: ReaderView, qtbot: QtBot) -> None:
    with qtbot.waitSignal(reader.text_replaced, timeout=1000):
        reader.set_text(EN, source_id=3)
    assert reader.text() == EN
    assert reader.source_id() == 3
    assert reader.page_count() == 0


def test_find_matches_are_drawn_under_the_current_one(reader: ReaderView) -> None:
    hits = spans_of("Il-62M", TEXT)
    reader.highlight(hits[1:2], HighlightKind.CURRENT)
    reader.highlight(hits, HighlightKind.FIND)
    colours = [selection.format.background().color().name() for selection in reader.extraSelections()]
    assert colours[:-1] == [colours[0]] * len(hits) and colours[-1] != colours[0]
