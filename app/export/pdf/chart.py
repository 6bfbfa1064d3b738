"""The timeline chart of the report, drawn as vector graphics with QPainter.

What goes where comes from ``app.export.chart_data`` (the app's own lane layout, cut into pages); this
module only draws it, in the app's visual language: per lane a colour (Okabe-Ito, red kept for
"disputed"); a marker for an event that happens once within a day, a count badge where markers would
overlap; a bar over the possible range of anything longer, light where the event only may be and solid
where it certainly is; a dashed outline for approximate dates, a red one for disputed events, and a
chevron where a range is open. Labels are the events' chronology numbers (with their titles where there is
room), so every mark on the chart leads to its entry and its evidence.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTextOption,
)

from app.core.textnorm import reveal_bidi_controls
from app.core.timeline_layout import (
    IntArray,
    LaneLayout,
    Tick,
    TimelineItem,
    TimeUnit,
    axis_ticks,
    cluster_markers,
    declutter_labels,
    to_local,
)
from app.export.chart_data import ChartPage, compact_numbers, row_heights
from app.export.common import zone_caption
from app.export.pdf.content import tr
from app.export.pdf.fonts import Face, font
from app.export.pdf.geometry import pt

LANE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#6B6B6B", "#B8860B")
DISPUTED = QColor("#d7002a")
ROW = pt(10.5)  # a bar row; a marker row is MARKER_ROW of these
TITLE_H = pt(18)
AXIS_H = pt(14)
LEGEND_H = pt(34)
GUTTER = pt(78)
MARKER_R = pt(3.3)
CLUSTER_PX = pt(9)
LABEL_GAP = pt(3)
MAX_LABEL = pt(150)
MARKER_SPACING = pt(6)  # a window holds about one event per this much width (clusters absorb the rest)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class ChartGeometry:
    """Where the parts of a chart page go inside the page body."""

    body: QRectF
    grouped: bool

    @property
    def plot(self) -> QRectF:
        left = self.body.left() + (GUTTER if self.grouped else pt(4))
        top = self.body.top() + TITLE_H + AXIS_H
        return QRectF(left, top, self.body.right() - left - pt(4), self.body.bottom() - LEGEND_H - top)

    @property
    def room(self) -> float:
        """How many bar rows fit the plot (a marker row counts as ``MARKER_ROW``)."""
        return self.plot.height() / ROW

    @property
    def max_markers(self) -> int:
        return max(int(self.plot.width() // MARKER_SPACING), 8)


def lane_colour(number: int) -> QColor:
    return QColor(LANE_COLOURS[number % len(LANE_COLOURS)])


def _alpha(colour: QColor, alpha: int) -> QColor:
    faded = QColor(colour)
    faded.setAlpha(alpha)
    return faded


def is_rtl(text: str) -> bool:
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def draw_text(
    painter: QPainter,
    rect: QRectF,
    text: str,
    qfont: QFont,
    colour: QColor,
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
    *,
    ltr: bool = False,
) -> None:
    """One line of text in ``rect``, elided to fit, in the direction its first strong character says
    (``ltr``: left to right whatever it holds, for a label that starts with a number)."""
    metrics = QFontMetricsF(qfont, painter.device())
    shown = metrics.elidedText(reveal_bidi_controls(text), Qt.TextElideMode.ElideRight, rect.width())
    option = QTextOption(align | Qt.AlignmentFlag.AlignVCenter)
    option.setWrapMode(QTextOption.WrapMode.NoWrap)
    rtl = not ltr and is_rtl(shown)
    option.setTextDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
    painter.setFont(qfont)
    painter.setPen(colour)
    painter.drawText(rect, shown, option)


def tick_label(tick: Tick, first: bool) -> str:
    wall = tick.local
    context = tick.major or first
    if tick.unit is TimeUnit.YEAR:
        return str(wall.year)
    if tick.unit is TimeUnit.MONTH:
        return f"{_MONTHS[wall.month - 1]} {wall.year}" if context else _MONTHS[wall.month - 1]
    if tick.unit is TimeUnit.DAY:
        text = f"{wall.day} {_MONTHS[wall.month - 1]}"
        return f"{text} {wall.year}" if context else text
    clock = f"{wall.hour:02d}:{wall.minute:02d}"
    return f"{wall.day} {_MONTHS[wall.month - 1]} {wall.year} {clock}" if context else clock


def _day(moment: datetime) -> str:
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def window_text(start: float, end: float, zone: tzinfo = UTC) -> str:
    """The period a chart page shows, as wall times of ``zone``."""
    first, last = to_local(start, zone), to_local(end, zone)
    span = end - start
    if span > 3 * 365 * 86_400:
        return f"{first.year} – {last.year}"
    if span > 60 * 86_400:
        return f"{_MONTHS[first.month - 1]} {first.year} – {_MONTHS[last.month - 1]} {last.year}"
    if span > 2 * 86_400:
        return f"{_day(first)} – {_day(last)}"
    return (
        f"{first.day} {_MONTHS[first.month - 1]} {first.year} {first.hour:02d}:{first.minute:02d} – "
        f"{last.day} {_MONTHS[last.month - 1]} {last.year} {last.hour:02d}:{last.minute:02d}"
    )


@dataclass(frozen=True)
class Box:
    """A label to place (``text``) or a mark that labels must not cover (``fixed``), in one row."""

    x: float
    top: float
    row: int
    text: str = ""
    long: str = ""  # the label with the event's title, drawn where there is room for it
    priority: float = 0.0
    fixed: bool = False
    width: float = 0.0  # of a fixed box; a label's is measured
    height: float = ROW
    inside: bool = False  # drawn over its bar, on a light ground


class ChartPainter:
    """Draws chart pages of one layout; ``numbers`` maps event ids to chronology numbers."""

    def __init__(
        self,
        items: Sequence[TimelineItem],
        layout: LaneLayout,
        numbers: Mapping[int, int],
        *,
        grouped: bool,
        lane_caption: str,
        undated: int,
        zone: tzinfo = UTC,
    ) -> None:
        """``zone``: the display time zone, in which the axis is ticked and labelled."""
        self.items = items
        self.zone = zone
        self.layout = layout
        self.numbers = numbers
        self.grouped = grouped
        self.lane_caption = lane_caption
        self.undated = undated
        self._heights = row_heights(layout)
        self._top = np.full(
            max(layout.total_rows, 1), np.nan
        )  # global row → its top on the page (nan: not drawn)

    # -- one page --------------------------------------------------------------------------------------

    def paint(self, painter: QPainter, body: QRectF, page: ChartPage) -> None:
        geometry = ChartGeometry(body, self.grouped)
        plot = geometry.plot
        heights = self._heights[list(page.rows)] * ROW
        self._top[:] = np.nan
        self._top[list(page.rows)] = plot.top() + np.concatenate([[0.0], np.cumsum(heights)[:-1]])
        used = QRectF(plot.left(), plot.top(), plot.width(), float(heights.sum()))
        self._title(painter, body, page)
        self._bands(painter, geometry, used, page)
        ticks = axis_ticks(page.start, page.end, plot.width(), self.zone, min_spacing_px=pt(62))
        self._grid(painter, used, page, ticks)
        painter.save()
        painter.setClipRect(used.adjusted(-MARKER_R * 2, -1, MARKER_R * 2, 1))
        boxes = self._bars(painter, used, page)
        boxes += self._markers(painter, used, page)
        self._labels(painter, used, boxes)
        painter.restore()
        self._legend(painter, body, page)

    def x_of(self, time: float, page: ChartPage, plot: QRectF) -> float:
        return plot.left() + (float(time) - page.start) / (page.end - page.start) * plot.width()

    def _title(self, painter: QPainter, body: QRectF, page: ChartPage) -> None:
        text = tr("Timeline") + "  ·  " + window_text(page.start, page.end, self.zone)
        if page.overview:
            text += "  ·  " + tr("overview of {count} periods shown after it").format(count=page.windows)
        elif page.windows > 1:
            text += "  ·  " + tr("period {n} of {total}").format(n=page.window + 1, total=page.windows)
        if page.parts > 1:
            text += "  ·  " + tr("part {n} of {total}").format(n=page.part + 1, total=page.parts)
        draw_text(
            painter,
            QRectF(body.left(), body.top(), body.width(), TITLE_H),
            text,
            font(Face.SANS, 10.5, bold=True),
            QColor("#1a1a1a"),
        )

    def _bands(self, painter: QPainter, geometry: ChartGeometry, used: QRectF, page: ChartPage) -> None:
        for number, lane in enumerate(self.layout.lanes):
            lines = [row for row in page.rows if lane.first_row <= row < lane.first_row + lane.rows]
            if not lines:
                continue
            top = float(self._top[lines[0]])
            height = float(self._heights[lines].sum()) * ROW
            band = QRectF(geometry.body.left(), top, used.right() - geometry.body.left(), height)
            painter.fillRect(band, QColor("#f3f5f8") if number % 2 == 0 else QColor("#ffffff"))
            painter.setPen(QPen(QColor("#c8ccd2"), pt(0.4)))
            painter.drawLine(QLineF(band.left(), band.top(), band.right(), band.top()))
            if self.grouped:
                first = next(row for row in page.rows if row >= lane.first_row)
                # "(cont.)" only where the lane's first rows are on the previous part of the same period;
                # a period page simply leaves out the rows with nothing in it
                continued = page.part > 0 and first != lane.first_row
                label = lane.name + (" " + tr("(cont.)") if continued else "")
                rect = QRectF(
                    geometry.body.left() + pt(2), top, GUTTER - pt(6), float(self._heights[lines[0]]) * ROW
                )
                draw_text(painter, rect, label, font(Face.SANS, 7.5, bold=True), lane_colour(number))
        painter.setPen(QPen(QColor("#c8ccd2"), pt(0.4)))
        painter.drawLine(QLineF(geometry.body.left(), used.bottom(), used.right(), used.bottom()))

    def _grid(self, painter: QPainter, used: QRectF, page: ChartPage, ticks: Sequence[Tick]) -> None:
        label_font = font(Face.SANS, 7.5)
        metrics = QFontMetricsF(label_font, painter.device())
        for position, tick in enumerate(ticks):
            x = float(self.x_of(tick.time, page, used))
            painter.setPen(
                QPen(QColor("#8c939c" if tick.major else "#d5d9de"), pt(0.6 if tick.major else 0.4))
            )
            painter.drawLine(QLineF(x, used.top() - pt(3), x, used.bottom()))
            text = tick_label(tick, position == 0)
            width = metrics.horizontalAdvance(text) + pt(1)
            rect = QRectF(x + pt(1.5), used.top() - AXIS_H, width, AXIS_H - pt(2))
            if rect.right() <= used.right() + pt(4):  # a label cut short at the edge reads as another date
                draw_text(painter, rect, text, label_font, QColor("#333333"))

    # -- bars ----------------------------------------------------------------------------------------------

    def _visible(self, indices: IntArray) -> IntArray:
        rows = self.layout.row[indices]
        shown: IntArray = indices[(rows >= 0) & ~np.isnan(self._top[np.maximum(rows, 0)])]
        return shown

    def _bars(self, painter: QPainter, used: QRectF, page: ChartPage) -> list[Box]:
        columns = self.layout.columns
        bars = np.flatnonzero(columns.is_bar)
        bars = self._visible(bars)
        bars = bars[(columns.latest[bars] >= page.start) & (columns.earliest[bars] <= page.end)]
        boxes: list[Box] = []
        height = ROW * 0.62
        for index in bars.tolist():
            item = self.items[index]
            row = int(self.layout.row[index])
            colour = lane_colour(int(self.layout.lane[index]))
            x0 = float(self.x_of(max(columns.earliest[index], page.start), page, used))
            x1 = float(self.x_of(min(columns.latest[index], page.end), page, used))
            x1 = max(x1, x0 + pt(1.2))
            top = float(self._top[row]) + (ROW - height) / 2
            rect = QRectF(x0, top, x1 - x0, height)
            alpha = 150 if self.layout.overflow[index] else 255
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_alpha(colour, 70))
            painter.drawRect(rect)
            if rect.width() >= pt(14):
                painter.setBrush(QBrush(_alpha(colour, 150), Qt.BrushStyle.BDiagPattern))
                painter.drawRect(rect)
            c0, c1 = columns.certain_start[index], columns.certain_end[index]
            if not math.isnan(c0) and c1 >= page.start and c0 <= page.end:
                s0 = float(self.x_of(max(c0, page.start), page, used))
                s1 = float(self.x_of(min(c1, page.end), page, used))
                painter.setBrush(_alpha(colour, alpha))
                painter.drawRect(QRectF(s0, top, max(s1 - s0, pt(1.2)), height))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            if item.approximate:
                painter.setPen(QPen(QColor("#444444"), pt(0.6), Qt.PenStyle.DashLine))
                painter.drawRect(rect)
            if item.disputed:
                painter.setPen(QPen(DISPUTED, pt(1.3)))
                painter.drawRect(rect)
            self._chevrons(
                painter, rect, columns.earliest[index] < page.start, columns.latest[index] > page.end
            )
            number = self.numbers.get(item.id)
            label = f"{number}" if number is not None else ""
            priority = float(item.evidence_count or 0)
            long = f"{label} {item.title}"
            if columns.latest[index] > page.end:  # runs off the page: its label goes inside, at its start
                inset = x0 + (pt(5) if columns.earliest[index] < page.start else pt(2))
                boxes.append(Box(inset, float(self._top[row]), row, label, long, priority, inside=True))
            else:
                boxes.append(Box(x1 + LABEL_GAP, float(self._top[row]), row, label, long, priority))
                boxes.append(Box(x0, top, row, fixed=True, width=x1 - x0))  # the bar blocks other labels
        return boxes

    def _chevrons(self, painter: QPainter, rect: QRectF, left: bool, right: bool) -> None:
        """A "<" or ">" where the bar runs on beyond the page (an open end, or the next window)."""
        painter.setPen(QPen(QColor("#333333"), pt(0.8)))
        reach = pt(3)
        middle = rect.center().y()
        half = rect.height() / 2
        if left:
            tip = rect.left() + pt(1)
            painter.drawPolyline(
                QPolygonF(
                    [
                        QPointF(tip + reach, middle - half),
                        QPointF(tip, middle),
                        QPointF(tip + reach, middle + half),
                    ]
                )
            )
        if right:
            tip = rect.right() - pt(1)
            painter.drawPolyline(
                QPolygonF(
                    [
                        QPointF(tip - reach, middle - half),
                        QPointF(tip, middle),
                        QPointF(tip - reach, middle + half),
                    ]
                )
            )

    # -- markers -------------------------------------------------------------------------------------------

    def _markers(self, painter: QPainter, used: QRectF, page: ChartPage) -> list[Box]:
        columns = self.layout.columns
        markers = np.flatnonzero(~columns.is_bar & columns.placed)
        markers = self._visible(markers)
        anchors = columns.anchor[markers]
        markers = markers[(anchors >= page.start) & (anchors <= page.end)]
        if not len(markers):
            return []
        px_per_second = used.width() / (page.end - page.start)
        clusters = cluster_markers(
            columns.anchor[markers], self.layout.row[markers], px_per_second, CLUSTER_PX
        )
        boxes: list[Box] = []
        for number in range(len(clusters)):
            members = markers[clusters.members(number)]
            row = int(clusters.lane[number])
            x = float(self.x_of(clusters.time[number], page, used))
            row_height = float(self._heights[row]) * ROW
            y = float(self._top[row]) + row_height / 2
            colour = lane_colour(int(self.layout.lane[members[0]]))
            items = [self.items[index] for index in members.tolist()]
            if len(items) == 1:
                self._marker(painter, x, y, colour, items[0], columns, int(members[0]), page, used)
                entry = self.numbers.get(items[0].id)
                label = "" if entry is None else str(entry)
                long = f"{label} {items[0].title}"
                right = x + MARKER_R
            else:
                right = self._badge(painter, x, y, colour, len(items), any(item.disputed for item in items))
                label = compact_numbers(
                    [self.numbers[item.id] for item in items if item.id in self.numbers], 3
                )
                long = label
            weight = float(sum(i.evidence_count or 0 for i in items))
            boxes.append(
                Box(right + LABEL_GAP, y - row_height / 2, row, label, long, weight, height=row_height)
            )
            boxes.append(Box(x - MARKER_R, y - row_height / 2, row, fixed=True, width=right - (x - MARKER_R)))
        return boxes

    def _marker(
        self,
        painter: QPainter,
        x: float,
        y: float,
        colour: QColor,
        item: TimelineItem,
        columns: object,
        index: int,
        page: ChartPage,
        used: QRectF,
    ) -> None:
        layout_columns = self.layout.columns
        low, high = layout_columns.earliest[index], layout_columns.latest[index]
        x0, x1 = float(self.x_of(low, page, used)), float(self.x_of(high, page, used))
        if x1 - x0 >= pt(4):  # the possible range of a day-long marker, once a day is wide enough to see
            painter.setPen(QPen(_alpha(colour, 160), pt(0.8)))
            painter.drawLine(QLineF(x0, y, x1, y))
        painter.setPen(QPen(DISPUTED, pt(1.3)) if item.disputed else QPen(colour.darker(130), pt(0.5)))
        painter.setBrush(QColor("white") if item.approximate else colour)
        painter.drawEllipse(QPointF(x, y), MARKER_R, MARKER_R)

    def _badge(
        self, painter: QPainter, x: float, y: float, colour: QColor, count: int, disputed: bool
    ) -> float:
        text = str(count) if count < 1000 else f"{count // 1000}k"
        qfont = font(Face.SANS, 6.5, bold=True)
        width = max(QFontMetricsF(qfont, painter.device()).horizontalAdvance(text) + pt(5), MARKER_R * 2.4)
        rect = QRectF(x - width / 2, y - MARKER_R * 1.25, width, MARKER_R * 2.5)
        path = QPainterPath()
        path.addRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setPen(QPen(DISPUTED, pt(1.2)) if disputed else QPen(colour.darker(130), pt(0.5)))
        painter.setBrush(colour)
        painter.drawPath(path)
        draw_text(painter, rect, text, qfont, QColor("white"), Qt.AlignmentFlag.AlignHCenter)
        return rect.right()

    # -- labels --------------------------------------------------------------------------------------------

    def _labels(self, painter: QPainter, used: QRectF, boxes: list[Box]) -> None:
        """Numbers with titles where they fit without touching another mark or label, numbers alone
        where only those fit, nothing where not even a number does (the entry list has them all)."""
        if not boxes:
            return
        qfont = font(Face.SANS, 7)
        metrics = QFontMetricsF(qfont, painter.device())
        starts = np.array([box.x for box in boxes])
        rows = np.array([box.row for box in boxes])
        priority = np.array([box.priority for box in boxes])
        fixed = np.array([box.fixed for box in boxes])
        labels = ~fixed & np.array([bool(box.text) for box in boxes])
        room = used.right() - starts
        long_texts = [
            metrics.elidedText(box.long, Qt.TextElideMode.ElideRight, min(MAX_LABEL, max(float(r), 0.0)))
            for box, r in zip(boxes, room.tolist(), strict=True)
        ]
        long_widths = np.array([metrics.horizontalAdvance(text) for text in long_texts])
        short_widths = np.array([metrics.horizontalAdvance(box.text) for box in boxes])
        mark_widths = np.array([box.width for box in boxes])
        long_ok = labels & np.array(
            [len(t) > len(b.text) + 3 for t, b in zip(long_texts, boxes, strict=True)]
        )
        long_ok &= starts + long_widths <= used.right()
        chosen = np.zeros(len(boxes), np.bool_)
        candidates = fixed | long_ok
        chosen[candidates] = declutter_labels(
            starts[candidates],
            np.where(fixed, mark_widths, long_widths)[candidates],
            rows[candidates],
            priority[candidates],
            fixed=fixed[candidates],
            gap=pt(2),
        )
        long_kept = chosen & long_ok
        short_ok = labels & ~long_kept & (starts + short_widths <= used.right())
        pinned = fixed | long_kept
        candidates = pinned | short_ok
        short_kept = np.zeros(len(boxes), np.bool_)
        short_kept[candidates] = declutter_labels(
            starts[candidates],
            np.where(fixed, mark_widths, np.where(long_kept, long_widths, short_widths))[candidates],
            rows[candidates],
            priority[candidates],
            fixed=pinned[candidates],
            gap=pt(1.5),
        )
        short_kept &= short_ok
        for index in np.flatnonzero(long_kept | short_kept).tolist():
            box = boxes[index]
            text, width = (
                (long_texts[index], long_widths[index])
                if long_kept[index]
                else (box.text, short_widths[index])
            )
            rect = QRectF(box.x, box.top, width + pt(2), box.height)
            if box.inside:
                painter.fillRect(rect.adjusted(-pt(1), pt(1.5), 0, -pt(1.5)), QColor(255, 255, 255, 215))
            draw_text(painter, rect, text, qfont, QColor("#1a1a1a"), ltr=True)

    # -- legend --------------------------------------------------------------------------------------------

    def _legend(self, painter: QPainter, body: QRectF, page: ChartPage) -> None:
        top = body.bottom() - LEGEND_H + pt(6)
        qfont = font(Face.SANS, 7)
        colour = lane_colour(0)
        x = body.left()
        y = top + pt(5)
        painter.setPen(QPen(colour.darker(130), pt(0.5)))
        painter.setBrush(colour)
        painter.drawEllipse(QPointF(x + MARKER_R, y), MARKER_R, MARKER_R)
        x = self._legend_text(painter, x + MARKER_R * 2 + pt(3), y, tr("one event within a day"), qfont)
        painter.setBrush(QColor("white"))
        painter.drawEllipse(QPointF(x + MARKER_R, y), MARKER_R, MARKER_R)
        x = self._legend_text(painter, x + MARKER_R * 2 + pt(3), y, tr("approximate"), qfont)
        rect = QRectF(x, y - pt(3), pt(22), pt(6))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_alpha(colour, 70))
        painter.drawRect(rect)
        painter.setBrush(colour)
        painter.drawRect(QRectF(rect.left() + pt(7), rect.top(), pt(8), rect.height()))
        x = self._legend_text(
            painter, rect.right() + pt(3), y, tr("possible range, solid where certain"), qfont
        )
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(DISPUTED, pt(1.3)))
        painter.drawRect(QRectF(x, y - pt(3), pt(12), pt(6)))
        x = self._legend_text(painter, x + pt(15), y, tr("disputed"), qfont)
        self._badge(painter, x + pt(6), y, colour, 3, False)
        self._legend_text(painter, x + pt(14), y, tr("several events close together"), qfont)
        middle = to_local((page.start + page.end) / 2, UTC).replace(tzinfo=UTC)
        note = tr("Numbers are chronology entries. Axis times in {zone}.").format(
            zone=zone_caption(self.zone, middle)
        )
        if self.grouped:
            note += " " + tr("Lanes: {what}.").format(what=self.lane_caption)
        if self.undated:
            note += " " + tr("{count} undated event(s) are not shown.").format(count=self.undated)
        draw_text(
            painter, QRectF(body.left(), y + pt(6), body.width(), pt(12)), note, qfont, QColor("#555555")
        )

    def _legend_text(self, painter: QPainter, x: float, y: float, text: str, qfont: QFont) -> float:
        width = QFontMetricsF(qfont, painter.device()).horizontalAdvance(text) + pt(2)
        draw_text(painter, QRectF(x, y - pt(6), width, pt(12)), text, qfont, QColor("#333333"))
        return x + width + pt(10)
