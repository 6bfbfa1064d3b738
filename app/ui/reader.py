"""The reader: a read-only view of one source's stored text, right-to-left where the text is.

Two translations happen here and nowhere else.

*Direction.* Each paragraph gets its own base direction from its first strong character (Unicode bidi rule
P2), so a Hebrew or Arabic paragraph is laid out right-to-left and right-aligned and an English one
left-to-right, and Latin runs such as "Il-62M" inside Hebrew keep their place. A paragraph with no strong
character (a bare date, a blank line) takes its neighbour's direction so alignment does not jump.

*Offsets.* Everything outside this module speaks code-point offsets into the stored text (see
``app.core.records``). ``QTextDocument`` positions count UTF-16 units, so every character outside the
Basic Multilingual Plane (emoji, some CJK) shifts later positions by one. ``OffsetMap`` converts both ways.

*Mentions* of entities are drawn in their type's colour as a light tint with an underline, never a heavy
fill: Hebrew points and Arabic marks stay legible on it. The reader knows which mention lies under the
mouse, so hovering, clicking and the context menu can speak of it; what they mean is up to the window.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal, SignalInstance
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QHelpEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QMenu, QTextEdit, QToolTip, QWidget

from app.core.entity_records import SourceHighlight
from app.core.records import Span
from app.ui.fonts import READER_POINT_SIZE, reader_font
from app.ui.resources import icon

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ISOLATE_INITIATORS = frozenset({"LRI", "RLI", "FSI"})
_LINE_HEIGHT_PERCENT = 125  # Arabic marks and Hebrew points need air between lines
MENTION_TINT_ALPHA = 60  # of 255: a mention's background is its type's colour, mostly see-through
_MENTION_LOOKBACK = 64  # mentions starting before an offset that are checked for covering it


class OffsetMap:
    """Converts code-point offsets of a text to ``QTextDocument`` positions (UTF-16 units) and back."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        self._astral = [match.start() for match in _ASTRAL.finditer(text)]
        self._astral_positions = [offset + index for index, offset in enumerate(self._astral)]

    def to_position(self, offset: int) -> int:
        if not 0 <= offset <= self.length:
            raise ValueError(f"offset {offset} outside the text (0..{self.length})")
        return offset + bisect_left(self._astral, offset)

    def to_offset(self, position: int) -> int:
        """A position inside a surrogate pair maps to the start of its character."""
        before = bisect_left(self._astral_positions, position)
        if before and self._astral_positions[before - 1] + 1 == position:
            return self._astral[before - 1]
        return position - before


def paragraph_direction(paragraph: str) -> Qt.LayoutDirection | None:
    """The direction of the first strong character outside isolates, or None if there is none."""
    depth = 0
    for char in paragraph:
        bidi = unicodedata.bidirectional(char)
        if bidi in _ISOLATE_INITIATORS:
            depth += 1
        elif bidi == "PDI":
            depth = max(0, depth - 1)
        elif depth == 0 and bidi == "L":
            return Qt.LayoutDirection.LeftToRight
        elif depth == 0 and bidi in ("R", "AL"):
            return Qt.LayoutDirection.RightToLeft
    return None


def paragraph_directions(text: str) -> list[Qt.LayoutDirection]:
    """One direction per ``\\n``-separated paragraph; neutral paragraphs follow the one before them."""
    found = [paragraph_direction(paragraph) for paragraph in text.split("\n")]
    first = next((direction for direction in found if direction is not None), Qt.LayoutDirection.LeftToRight)
    resolved: list[Qt.LayoutDirection] = []
    for direction in found:
        resolved.append(direction or (resolved[-1] if resolved else first))
    return resolved


class HighlightKind(StrEnum):
    """Kinds of highlight, in drawing order: a later kind is drawn over an earlier one.

    ``EVIDENCE`` and ``DATE`` are painted by the reader under the text, like the mentions (see
    ``set_mentions`` for why not extra selections), so the three combine: a quote linked as evidence is a
    pale band behind its lines, the mentions in it keep their tint and underline over the band, and a date
    in it keeps its dotted line. ``DATE`` is a thin dotted line below the line's descent, so the dots and
    marks under Hebrew and Arabic letters stay clear of it; the band draws nothing on the letters at all.
    """

    DATE = "date"  # date expressions found in the source
    SEARCH = "search"
    MENTION = "mention"
    EVIDENCE = "evidence"
    FIND = "find"  # matches of the find bar, lighter than the current one
    CURRENT = "current"  # the one hit the user is looking at; drawn over the others


_HIGHLIGHT_COLOURS = {
    HighlightKind.DATE: "#8d6e63",  # a muted brown, the underline's: visible on white and under the fills
    HighlightKind.SEARCH: "#fff176",
    HighlightKind.MENTION: "#b3e5fc",
    HighlightKind.EVIDENCE: "#dcedc8",  # a pale green band: the mention tints stay distinct over it
    HighlightKind.FIND: "#ffe9a8",
    HighlightKind.CURRENT: "#ff9f43",
}


@dataclass(frozen=True)
class SelectedText:
    """What the user selected in the reader: the span (code points of the stored text) and its text."""

    source_id: int | None
    span: Span
    text: str


class ReaderView(QTextEdit):
    """Shows a source's text; all offsets in and out are code points of that text."""

    page_changed = Signal(int)  # 1-based page of the cursor, when the text has pages
    zoom_changed = Signal(float)  # point size
    text_replaced = Signal()  # set_text showed another text; offsets into the old one mean nothing now
    # The later issues' actions on a selection; each carries a SelectedText.
    entity_tag_requested = Signal(object)
    event_from_selection_requested = Signal(object)
    evidence_requested = Signal(object)
    # About a mention (a SourceHighlight) under the mouse: clicked, or chosen in the context menu.
    mention_clicked = Signal(object)
    mention_removal_requested = Signal(object)
    mention_retag_requested = Signal(object)

    MIN_POINT_SIZE = 6.0
    MAX_POINT_SIZE = 48.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setAcceptRichText(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.document().setDocumentMargin(12)
        self.setAcceptDrops(False)  # files dropped here go to the window, which imports them
        self._text = ""
        self._source_id: int | None = None
        self._offsets = OffsetMap("")
        self._page_starts: tuple[int, ...] = ()
        self._page: int | None = None
        self._highlights: dict[HighlightKind, list[QTextEdit.ExtraSelection]] = {}
        self._mentions: list[SourceHighlight] = []  # by start, longer first
        self._mention_starts: list[int] = []
        self._mention_reach = 0  # the longest mention, in characters
        self._mention_pens: dict[str, tuple[QColor, QColor]] = {}  # colour -> (tint, underline)
        self._painted = {kind: _PaintedSpans() for kind in _PAINTED_KINDS}  # evidence bands, date lines
        self._press_pos: QPoint | None = None
        #: Gives the tooltip of a mention under the mouse (the window knows the entity); none: no tooltip.
        self.mention_tooltip: Callable[[SourceHighlight], str] | None = None
        self._point_size = READER_POINT_SIZE
        self.setFont(reader_font(self._point_size))
        self.cursorPositionChanged.connect(self._update_page)
        self._create_actions()
        self.selectionChanged.connect(self._update_selection_actions)

    # --- content -------------------------------------------------------------------------------------------

    def set_text(self, text: str, page_starts: tuple[int, ...] = (), source_id: int | None = None) -> None:
        """Show ``text`` (stored, normalised); ``page_starts`` are the offsets where pages begin.

        ``source_id`` names the source the text belongs to, so requests about a selection can say so.
        """
        self._text = text
        self._source_id = source_id
        self._offsets = OffsetMap(text)
        self._page_starts = tuple(page_starts)
        self._page = None
        self._highlights.clear()
        self._mentions, self._mention_starts = [], []
        for painted in self._painted.values():
            painted.set([], 0)
        self.setExtraSelections([])
        self.setPlainText(text)
        self._check_positions_match(text)
        self._apply_directions(paragraph_directions(text))
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self._update_page()
        self._update_selection_actions()
        self.text_replaced.emit()

    def text(self) -> str:
        """The text shown, exactly as stored: offsets from elsewhere index into this string."""
        return self._text

    def source_id(self) -> int | None:
        return self._source_id

    def page_count(self) -> int:
        return len(self._page_starts)

    def _check_positions_match(self, text: str) -> None:
        """Qt also breaks paragraphs at \r and friends; stored text has only \n, so a mismatch is a bug."""
        document = self.document()
        expected = self._offsets.to_position(len(text)) + 1  # the document adds a final paragraph mark
        if document.characterCount() != expected or document.blockCount() != text.count("\n") + 1:
            raise ValueError("the text has line breaks Qt reads differently; normalise it first")

    def _apply_directions(self, directions: list[Qt.LayoutDirection]) -> None:
        """Set each run of same-direction paragraphs in one call; there are far fewer runs than blocks."""
        formats = {direction: _block_format(direction) for direction in set(directions)}
        document = self.document()
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        first = 0
        while first < len(directions):
            last = first
            while last + 1 < len(directions) and directions[last + 1] == directions[first]:
                last += 1
            cursor.setPosition(document.findBlockByNumber(first).position())
            cursor.setPosition(document.findBlockByNumber(last).position(), QTextCursor.MoveMode.KeepAnchor)
            cursor.setBlockFormat(formats[directions[first]])
            first = last + 1
        cursor.endEditBlock()

    # --- offsets, selection, scrolling ---------------------------------------------------------------------

    def selected_span(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self._offsets.to_offset(cursor.selectionStart()), self._offsets.to_offset(
            cursor.selectionEnd()
        )

    def selected_text(self) -> SelectedText | None:
        span = self.selected_span()
        if span is None:
            return None
        start, end = span
        return SelectedText(self._source_id, Span(start, end), self._text[start:end])

    def select_span(self, start: int, end: int) -> None:
        self.setTextCursor(self._cursor_for(start, end))

    def cursor_offset(self) -> int:
        return self._offsets.to_offset(self.textCursor().position())

    def scroll_to(self, offset: int) -> None:
        """Put the caret at ``offset`` and scroll so that line sits a third of the way down."""
        cursor = self._cursor_for(offset, offset)
        self.setTextCursor(cursor)
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + self.cursorRect(cursor).top() - self.viewport().height() // 3)

    def _cursor_for(self, start: int, end: int) -> QTextCursor:
        if start > end:
            raise ValueError(f"span ({start}, {end}) ends before it starts")
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_position(start))
        cursor.setPosition(self._offsets.to_position(end), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    # --- highlights ----------------------------------------------------------------------------------------

    def highlight(
        self, spans: Iterable[tuple[int, int] | Span], kind: HighlightKind = HighlightKind.SEARCH
    ) -> None:
        """Replace the highlights of ``kind`` with ``spans`` (pairs or ``Span``s); other kinds stay."""
        if kind in _PAINTED_KINDS:
            self._painted[kind].set(spans, self._offsets.length)
            self.viewport().update()
            return
        char_format = QTextCharFormat()
        char_format.setBackground(QColor(_HIGHLIGHT_COLOURS[kind]))
        char_format.setForeground(QColor("#000000"))
        selections = []
        for span in spans:
            start, end = (span.start, span.end) if isinstance(span, Span) else span
            selection = QTextEdit.ExtraSelection()
            selection.cursor = self._cursor_for(start, end)
            selection.format = char_format
            selections.append(selection)
        self._highlights[kind] = selections
        self._show_highlights()

    def clear_highlights(self, kind: HighlightKind | None = None) -> None:
        if kind is None:
            self._highlights.clear()
        else:
            self._highlights.pop(kind, None)
        if kind in (None, HighlightKind.MENTION):
            self._mentions, self._mention_starts = [], []
            self.viewport().update()
        for painted_kind, painted in self._painted.items():
            if kind in (None, painted_kind):
                painted.set([], 0)
                self.viewport().update()
        self._show_highlights()

    def set_mentions(self, mentions: Sequence[SourceHighlight]) -> None:
        """Draw these mentions (replacing any shown), each in its entity type's colour.

        Mentions are painted by the reader itself, under the text, and only where the viewport shows
        them (``paintEvent``). As extra selections they would cost a layout of every paragraph holding
        one the moment they are set (Qt measures each selection to repaint it): 130 ms for 2,000
        mentions in a fresh 200 KB text, against nothing now and a few milliseconds per paint.
        """
        ordered = sorted(mentions, key=lambda mention: (mention.start, -mention.end, mention.mention_id))
        self._mentions = ordered
        self._mention_starts = [mention.start for mention in ordered]
        self._mention_reach = max((mention.end - mention.start for mention in ordered), default=0)
        for mention in ordered:
            if mention.colour not in self._mention_pens:
                self._mention_pens[mention.colour] = mention_colours(mention.colour)
        self.viewport().update()

    def mentions(self) -> list[SourceHighlight]:
        """The mentions drawn, by position (a copy)."""
        return list(self._mentions)

    def mention_at(self, offset: int) -> SourceHighlight | None:
        """The innermost mention covering the character at ``offset``, if any."""
        found: SourceHighlight | None = None
        index = bisect_right(self._mention_starts, offset)
        for mention in reversed(self._mentions[max(0, index - _MENTION_LOOKBACK) : index]):
            if mention.start <= offset < mention.end and (
                found is None or mention.end - mention.start < found.end - found.start
            ):
                found = mention
        return found

    def mention_at_point(self, point: QPoint) -> SourceHighlight | None:
        """The mention under ``point`` (viewport coordinates)."""
        offset = self.offset_at_point(point)
        return None if offset is None else self.mention_at(offset)

    def offset_at_point(self, point: QPoint) -> int | None:
        """The character under ``point`` (viewport coordinates), or None over empty space.

        The layout's hit test gives the caret position nearest the point; the character is the one on
        either side of it whose box holds the point, which works for right-to-left lines too.
        """
        document_point = QPointF(
            point.x() + self.horizontalScrollBar().value(), point.y() + self.verticalScrollBar().value()
        )
        position = self.document().documentLayout().hitTest(document_point, Qt.HitTestAccuracy.ExactHit)
        if position < 0:
            return None
        last = self._offsets.to_position(self._offsets.length)
        for candidate in (position, position - 1):
            if not 0 <= candidate < last:
                continue
            before = self.cursorRect(self._position_cursor(candidate))
            after = self.cursorRect(self._position_cursor(candidate + 1))
            same_line = before.top() == after.top()
            left, right = sorted((before.x(), after.x()))
            if same_line and left <= point.x() <= right and before.top() <= point.y() <= before.bottom():
                return self._offsets.to_offset(candidate)
        return None

    def _position_cursor(self, position: int) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.setPosition(position)
        return cursor

    def highlighted_spans(self, kind: HighlightKind) -> list[tuple[int, int]]:
        if kind in _PAINTED_KINDS:
            return list(self._painted[kind].spans)
        return [
            (
                self._offsets.to_offset(s.cursor.selectionStart()),
                self._offsets.to_offset(s.cursor.selectionEnd()),
            )
            for s in self._highlights.get(kind, [])
        ]

    def _show_highlights(self) -> None:
        ordered = [kind for kind in HighlightKind if kind in self._highlights]  # CURRENT last, on top
        self.setExtraSelections([selection for kind in ordered for selection in self._highlights[kind]])

    # --- pages ---------------------------------------------------------------------------------------------

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding ``offset``, or None for a text without pages."""
        if not self._page_starts:
            return None
        return max(1, bisect_right(self._page_starts, offset))

    def current_page(self) -> int | None:
        return self.page_at(self.cursor_offset())

    def _update_page(self) -> None:
        page = self.current_page()
        if page is not None and page != self._page:
            self._page = page
            self.page_changed.emit(page)

    # --- zoom and wrapping ---------------------------------------------------------------------------------

    def point_size(self) -> float:
        return self._point_size

    def zoom_in(self) -> None:
        self.set_point_size(self._point_size + 1)

    def zoom_out(self) -> None:
        self.set_point_size(self._point_size - 1)

    def reset_zoom(self) -> None:
        self.set_point_size(READER_POINT_SIZE)

    def set_point_size(self, size: float) -> None:
        size = min(self.MAX_POINT_SIZE, max(self.MIN_POINT_SIZE, size))
        if size != self._point_size:
            self._point_size = size
            self.setFont(reader_font(size))
            self.zoom_changed.emit(size)

    def word_wrap(self) -> bool:
        return self.lineWrapMode() is not QTextEdit.LineWrapMode.NoWrap

    def set_word_wrap(self, wrap: bool) -> None:
        mode = QTextEdit.LineWrapMode.WidgetWidth if wrap else QTextEdit.LineWrapMode.NoWrap
        self.setLineWrapMode(mode)
        self._wrap_action.setChecked(wrap)

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Ctrl+wheel goes through our zoom, so the point size we report stays true."""
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            delta = event.angleDelta().y()
            if delta:
                self.zoom_in() if delta > 0 else self.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)

    # --- actions -------------------------------------------------------------------------------------------

    def _create_actions(self) -> None:
        self.zoom_in_action = self._action(self.tr("Zoom In"), QKeySequence.StandardKey.ZoomIn, self.zoom_in)
        self.zoom_out_action = self._action(
            self.tr("Zoom Out"), QKeySequence.StandardKey.ZoomOut, self.zoom_out
        )
        self.reset_zoom_action = self._action(self.tr("Actual Size"), QKeySequence("Ctrl+0"), self.reset_zoom)
        self._wrap_action = self._action(self.tr("Wrap Lines"), None, self.set_word_wrap)
        self._wrap_action.setCheckable(True)
        self._wrap_action.setChecked(True)
        self.tag_entity_action = self._selection_action(
            self.tr("Tag as &Entity…"), "entity", QKeySequence("Ctrl+E"), self.entity_tag_requested
        )
        self.new_event_action = self._selection_action(
            self.tr("New &Event from Selection…"),
            "event",
            QKeySequence("Ctrl+Shift+E"),
            self.event_from_selection_requested,
        )
        self.add_evidence_action = self._selection_action(
            self.tr("Add as Evidence to E&vent…"), None, QKeySequence("Ctrl+Shift+L"), self.evidence_requested
        )

    @property
    def selection_actions(self) -> tuple[QAction, ...]:
        """The actions on the selected text; enabled only while there is a selection."""
        return (self.tag_entity_action, self.new_event_action, self.add_evidence_action)

    def _selection_action(
        self, text: str, icon_name: str | None, keys: QKeySequence, signal: SignalInstance
    ) -> QAction:
        def emit_selection() -> None:
            selected = self.selected_text()
            if selected is not None:
                signal.emit(selected)

        action = self._action(text, keys, emit_selection)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)  # also offered in the window's menu
        if icon_name is not None:
            action.setIcon(icon(icon_name))
        action.setEnabled(False)
        return action

    def _update_selection_actions(self) -> None:
        selected = self.textCursor().hasSelection()
        for action in self.selection_actions:
            action.setEnabled(selected)

    def _action(
        self, text: str, keys: QKeySequence | QKeySequence.StandardKey | None, slot: Callable[..., None]
    ) -> QAction:
        action = QAction(text, self)
        if keys is not None:
            action.setShortcut(keys)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    @property
    def wrap_action(self) -> QAction:
        return self._wrap_action

    # --- painting the mentions -----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        """Evidence bands, then mentions, then date underlines, so each shows over the one before; all
        under the text, the selection and the other highlights."""
        evidence, dates = self._painted[HighlightKind.EVIDENCE], self._painted[HighlightKind.DATE]
        if self._mentions or evidence.spans or dates.spans:
            painter = QPainter(self.viewport())
            try:
                if evidence.spans:
                    self._paint_bands(painter, event.rect(), evidence)
                if self._mentions:
                    self._paint_mentions(painter, event.rect())
                if dates.spans:
                    self._paint_underlines(painter, event.rect(), dates)
            finally:
                painter.end()
        super().paintEvent(event)

    def _paint_bands(self, painter: QPainter, area: QRect, painted: _PaintedSpans) -> None:
        """A pale band behind each line of each quote linked as evidence."""
        first, last = self._offsets_in(area)
        shift = QPointF(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())
        colour = QColor(_HIGHLIGHT_COLOURS[HighlightKind.EVIDENCE])
        for start, end in painted.between(first, last):
            for box, _y in self.span_boxes(start, end):
                painter.fillRect(box.translated(shift), colour)

    def _paint_underlines(self, painter: QPainter, area: QRect, painted: _PaintedSpans) -> None:
        """A thin dotted line under each date, at the bottom of the line's descent."""
        first, last = self._offsets_in(area)
        shift = QPointF(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())
        pen = QPen(QColor(_HIGHLIGHT_COLOURS[HighlightKind.DATE]), 1, Qt.PenStyle.DotLine)
        painter.setPen(pen)
        for start, end in painted.between(first, last):
            for box, y in self.span_boxes(start, end, underline="lower"):
                box.translate(shift)
                painter.drawLine(QPointF(box.left(), y + shift.y()), QPointF(box.right(), y + shift.y()))

    def _paint_mentions(self, painter: QPainter, area: QRect) -> None:
        first, last = self._offsets_in(area)
        begin = bisect_left(self._mention_starts, first - self._mention_reach)
        stop = bisect_right(self._mention_starts, last)
        shift = QPointF(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())
        for mention in self._mentions[begin:stop]:
            if mention.end <= first:
                continue
            tint, line_colour = self._mention_pens[mention.colour]
            for box, baseline in self.mention_boxes(mention):
                box.translate(shift)
                painter.fillRect(box, tint)
                painter.setPen(QPen(line_colour, 1))
                y = baseline + shift.y()
                painter.drawLine(QPointF(box.left(), y), QPointF(box.right(), y))

    def _offsets_in(self, area: QRect) -> tuple[int, int]:
        """The first and last offsets of the paragraphs that ``area`` (viewport coordinates) shows."""
        corners = (area.topLeft(), area.topRight(), area.bottomLeft(), area.bottomRight())
        positions = [self.cursorForPosition(corner).position() for corner in corners]
        document = self.document()
        first_block = document.findBlock(min(positions))
        last_block = document.findBlock(max(positions))
        first = first_block.position()
        last = last_block.position() + last_block.length()
        return self._offsets.to_offset(first), self._offsets.to_offset(min(last, self._offsets.length))

    def mention_boxes(self, mention: SourceHighlight) -> list[tuple[QRectF, float]]:
        """Where a mention is drawn (document coordinates): one box per visual run of it on each line,
        so a name broken over lines, or with a run in the other direction, is covered exactly; and the
        y of each box's underline, below the line's descent (under the baseline it would cross the dots
        under Arabic letters and the points under Hebrew ones)."""
        return self.span_boxes(mention.start, mention.end, underline="below")

    def span_boxes(
        self, start_offset: int, end_offset: int, *, underline: str = "baseline"
    ) -> list[tuple[QRectF, float]]:
        """The boxes of a span (see ``mention_boxes``) and the y of its underline: just under the
        baseline, ``"below"`` the line's descent (clear of the marks under Arabic and Hebrew: a mention's
        line), or ``"lower"`` still, two pixels under that (a date's dotted line, apart from the line of a
        mention holding the date); the lines' extra spacing leaves room for both."""
        document = self.document()
        start, end = self._offsets.to_position(start_offset), self._offsets.to_position(end_offset)
        boxes: list[tuple[QRectF, float]] = []
        block = document.findBlock(start)
        while block.isValid() and block.position() < end:
            layout = block.layout()
            origin = layout.position()
            first = max(start - block.position(), 0)
            last = min(end - block.position(), block.length() - 1)
            for number in range(layout.lineCount()):
                line = layout.lineAt(number)
                line_start = line.textStart()
                line_end = line_start + line.textLength()
                if line_end <= first or line_start >= last:
                    continue
                run_start, run_end = max(first, line_start), min(last, line_end)
                top = origin.y() + line.y()
                if underline in ("below", "lower"):
                    baseline = top + line.ascent() + line.descent() + (0.5 if underline == "below" else 2.5)
                else:
                    baseline = top + line.ascent() + 1.5
                runs = line.glyphRuns(run_start, run_end - run_start)
                spans = [(run.boundingRect().left(), run.boundingRect().right()) for run in runs]
                for left, right in _merged_spans(spans):  # runs of one font each may share their extent
                    boxes.append((QRectF(origin.x() + left, top, right - left, line.height()), baseline))
            block = block.next()
        return boxes

    def viewportEvent(self, event: QEvent) -> bool:
        """A tooltip over a mention names its entity (``mention_tooltip`` says how)."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            mention = self.mention_at_point(event.pos())
            text = self.mention_tooltip(mention) if mention is not None and self.mention_tooltip else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press_pos = event.position().toPoint() if event.button() == Qt.MouseButton.LeftButton else None
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A click (not a drag that selects) on a mention announces it."""
        super().mouseReleaseEvent(event)
        pressed, self._press_pos = self._press_pos, None
        if pressed is None or event.button() != Qt.MouseButton.LeftButton:
            return
        point = event.position().toPoint()
        moved = (point - pressed).manhattanLength() >= QApplication.startDragDistance()
        if moved or self.textCursor().hasSelection():
            return
        mention = self.mention_at_point(point)
        if mention is not None:
            self.mention_clicked.emit(mention)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(event.pos())
        mention = self.mention_at_point(event.pos())
        if mention is not None:
            self._add_mention_actions(menu, mention)
        menu.addSeparator()
        menu.addActions(list(self.selection_actions))
        menu.addSeparator()
        menu.addActions(
            [self.zoom_in_action, self.zoom_out_action, self.reset_zoom_action, self._wrap_action]
        )
        menu.exec(event.globalPos())
        menu.deleteLater()

    def _add_mention_actions(self, menu: QMenu, mention: SourceHighlight) -> None:
        menu.addSeparator()
        name = _short(mention.entity_name)
        show = menu.addAction(self.tr("Show “{name}”").format(name=name))
        show.setObjectName("mention_show")
        show.triggered.connect(lambda: self.mention_clicked.emit(mention))
        retag = menu.addAction(self.tr("Tag as Another Entity…"))
        retag.setObjectName("mention_retag")
        retag.triggered.connect(lambda: self.mention_retag_requested.emit(mention))
        remove = menu.addAction(self.tr("Remove Mention"))
        remove.setObjectName("mention_remove")
        remove.triggered.connect(lambda: self.mention_removal_requested.emit(mention))


class _PaintedSpans:
    """Spans of one kind the reader paints itself, by start, with what it takes to find those that reach
    into an area quickly."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []
        self._starts: list[int] = []
        self._reach = 0  # the longest span, in characters

    def set(self, spans: Iterable[tuple[int, int] | Span], length: int) -> None:
        pairs = ((span.start, span.end) if isinstance(span, Span) else span for span in spans)
        self.spans = sorted((start, end) for start, end in pairs if 0 <= start < end <= length)
        self._starts = [start for start, _end in self.spans]
        self._reach = max((end - start for start, end in self.spans), default=0)

    def between(self, first: int, last: int) -> list[tuple[int, int]]:
        """The spans that reach into offsets ``first`` … ``last``."""
        begin = bisect_left(self._starts, first - self._reach)
        stop = bisect_right(self._starts, last)
        return [(start, end) for start, end in self.spans[begin:stop] if end > first]


_PAINTED_KINDS = (HighlightKind.EVIDENCE, HighlightKind.DATE)


def _merged_spans(spans: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for left, right in sorted(spans):
        if merged and left <= merged[-1][1] + 0.5:
            merged[-1] = (merged[-1][0], max(merged[-1][1], right))
        else:
            merged.append((left, right))
    return merged


def mention_colours(colour: str) -> tuple[QColor, QColor]:
    """A light tint of the type's colour for the background, and the colour itself for the underline;
    the text keeps its own colour."""
    solid = QColor(colour)
    tint = QColor(solid)
    tint.setAlpha(MENTION_TINT_ALPHA)
    return tint, solid


def _short(name: str, limit: int = 40) -> str:
    name = " ".join(name.split())
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _block_format(direction: Qt.LayoutDirection) -> QTextBlockFormat:
    block_format = QTextBlockFormat()
    block_format.setLayoutDirection(direction)
    side = (
        Qt.AlignmentFlag.AlignRight
        if direction == Qt.LayoutDirection.RightToLeft
        else Qt.AlignmentFlag.AlignLeft
    )
    block_format.setAlignment(side | Qt.AlignmentFlag.AlignAbsolute)
    block_format.setLineHeight(
        _LINE_HEIGHT_PERCENT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
    )
    return block_format
