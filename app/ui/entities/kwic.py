"""Keyword-in-context lines: a few words either side of a mention, in the text's own direction.

A Hebrew or Arabic line is laid out right to left and set against the cell's right edge; an English one
left to right against the left edge. The matched words get a tint of the entity type's colour. When the
line is wider than the cell, it is shifted so the match stays in view, centred if it can be, and the
words that do not fit are cut off at the cell's edges.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QTextCharFormat, QTextLayout, QTextOption
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.core.records import Snippet
from app.ui.entities.models import CaptionRole, ColourRole, SnippetRole
from app.ui.reader import MENTION_TINT_ALPHA, OffsetMap, paragraph_direction

_PADDING = 4
_LINE_WIDTH = 1_000_000.0  # a line as wide as it wants: nothing wraps
MATCH_TINT_ALPHA = MENTION_TINT_ALPHA + 40  # a little stronger than in the reader: the line is short


def kwic_layout(
    snippet: Snippet, font: QFont, colour: str | None
) -> tuple[QTextLayout, Qt.LayoutDirection, tuple[float, float] | None]:
    """The laid-out line, its direction, and the horizontal extent of the match (or None)."""
    text = snippet.text
    direction = paragraph_direction(text) or Qt.LayoutDirection.LeftToRight
    layout = QTextLayout(text, font)
    option = QTextOption(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute)
    option.setTextDirection(direction)
    option.setWrapMode(QTextOption.WrapMode.NoWrap)
    layout.setTextOption(option)
    offsets = OffsetMap(text)
    ranges = []
    spans = [(offsets.to_position(span.start), offsets.to_position(span.end)) for span in snippet.highlights]
    if colour is not None:
        char_format = QTextCharFormat()
        tint = QColor(colour)
        tint.setAlpha(MATCH_TINT_ALPHA)
        char_format.setBackground(tint)
        char_format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        char_format.setUnderlineColor(QColor(colour))
        for start, end in spans:
            span_range = QTextLayout.FormatRange()
            span_range.start, span_range.length, span_range.format = start, end - start, char_format
            ranges.append(span_range)
    layout.setFormats(ranges)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(_LINE_WIDTH)
    line.setPosition(QPointF(0, 0))
    layout.endLayout()
    extent = None
    if spans:
        start, end = spans[0]
        xs = (_x(line.cursorToX(start)), _x(line.cursorToX(end)))
        extent = (min(xs), max(xs))
    return layout, direction, extent


def _x(found: object) -> float:
    """``QTextLine.cursorToX`` answers (x, position) in PySide6."""
    return float(found[0]) if isinstance(found, tuple) else float(found)  # type: ignore[arg-type]


def line_origin(
    width: float, rect: QRect, direction: Qt.LayoutDirection, extent: tuple[float, float] | None
) -> float:
    """Where the line starts so it sits on its reading side, or, when too wide, keeps the match in view."""
    if width <= rect.width():
        return (
            float(rect.right() + 1 - width)
            if direction == Qt.LayoutDirection.RightToLeft
            else float(rect.left())
        )
    if extent is None:
        return (
            float(rect.right() + 1 - width)
            if direction == Qt.LayoutDirection.RightToLeft
            else float(rect.left())
        )
    middle = (extent[0] + extent[1]) / 2
    origin = rect.left() + rect.width() / 2 - middle
    return min(float(rect.left()), max(float(rect.right() + 1) - width, origin))


def draw_kwic(painter: QPainter, rect: QRect, snippet: Snippet, font: QFont, colour: str | None) -> None:
    layout, direction, extent = kwic_layout(snippet, font, colour)
    line = layout.lineAt(0)
    width = line.naturalTextWidth()
    natural_left = line.naturalTextRect().left()
    shifted = None if extent is None else (extent[0] - natural_left, extent[1] - natural_left)
    origin = line_origin(width, rect, direction, shifted)
    top = rect.top() + (rect.height() - line.height()) / 2
    painter.save()
    painter.setClipRect(rect)
    painter.setFont(font)
    layout.draw(painter, QPointF(origin - natural_left, top))
    painter.restore()


class KwicDelegate(QStyledItemDelegate):
    """Draws ``SnippetRole`` as a keyword-in-context line (``CaptionRole``, if any, muted above it)."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        snippet = index.data(SnippetRole)
        if not isinstance(snippet, Snippet):
            super().paint(painter, option, index)
            return
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.text = ""
        widget = item.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
        area = item.rect.adjusted(_PADDING, 0, -_PADDING, 0)
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        group = (
            QPalette.ColorGroup.Normal
            if item.state & QStyle.StateFlag.State_Active
            else QPalette.ColorGroup.Inactive
        )
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_colour = item.palette.color(group, role)
        foreground = index.data(Qt.ItemDataRole.ForegroundRole)
        if isinstance(foreground, QColor) and not selected:
            text_colour = foreground
        caption = index.data(CaptionRole)
        line_height = item.fontMetrics.height() + _PADDING
        painter.save()
        if caption:
            caption_rect = QRect(area.left(), area.top() + _PADDING // 2, area.width(), line_height)
            self._draw_caption(painter, caption_rect, str(caption), item, selected)
            area = QRect(
                area.left(), caption_rect.bottom(), area.width(), area.bottom() - caption_rect.bottom()
            )
        painter.setPen(text_colour)
        colour = index.data(ColourRole)
        draw_kwic(painter, area, snippet, item.font, colour if isinstance(colour, str) else None)
        painter.restore()

    def _draw_caption(
        self, painter: QPainter, rect: QRect, caption: str, item: QStyleOptionViewItem, selected: bool
    ) -> None:
        font = QFont(item.font)
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
        painter.setFont(font)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        painter.setPen(item.palette.color(role))
        direction = paragraph_direction(caption) or Qt.LayoutDirection.LeftToRight
        side = (
            Qt.AlignmentFlag.AlignRight
            if direction == Qt.LayoutDirection.RightToLeft
            else Qt.AlignmentFlag.AlignLeft
        )
        option = QTextOption(side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter)
        option.setTextDirection(direction)  # a Hebrew title keeps its word order beside Latin runs
        option.setWrapMode(QTextOption.WrapMode.NoWrap)
        elided = painter.fontMetrics().elidedText(caption, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(QRectF(rect), elided, option)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        lines = 2 if index.data(CaptionRole) else 1
        height = option.fontMetrics.height() * lines + _PADDING * (lines + 1)
        return QSize(option.fontMetrics.horizontalAdvance("M") * 8, height)  # as wide as the view
