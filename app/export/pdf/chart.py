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
from app.export.chart_data import ChartPage, ChartPanel, compact_numbers, row_heights
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
LINK = pt(24)  # marks closer than this do not read apart (with their numbers): a period zooms in on them
PANEL_GAP = pt(14)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class ChartGeometry:
    """Where the parts of a chart page go inside the page body: panels stacked from the top, each a title
    line, an axis and its rows; the legend at the foot."""

    body: QRectF
    grouped: bool

    @property
    def left(self) -> float:
        return self.body.left() + (GUTTER if self.grouped else pt(4))

    @property
    def width(self) -> float:
        """The plot's width, the same in every panel."""
        return self.body.right() - pt(4) - self.left

    @property
    def room(self) -> float:
        """How many bar rows fit a page's panels, titles and axes included (a marker row counts as
        ``MARKER_ROW``)."""
        return (self.body.height() - LEGEND_H) / ROW

    @property
    def header(self) -> float:
        """A panel's title, axis and the space below it, in bar rows."""
        return (TITLE_H + AXIS_H + PANEL_GAP) / ROW

    def used(self, page: ChartPage) -> float:
        """How far down the body ``page`` reaches, its legend included."""
        return page.height * ROW + LEGEND_H

    @property
    def max_markers(self) -> int:
        return max(int(self.width // MARKER_SPACING), 8)

    def plot(self, top: float, rows_height: float) -> QRectF:
        """The plot of a panel whose title starts at ``top``."""
        return QRectF(self.left, top + TITLE_H + AXIS_H, self.width, rows_height)


INK = QColor("#1a1a1a")
ZOOM_BAND = QColor(230, 159, 0, 30)
ZOOM_INK = QColor("#a06e00")


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
    text: str = ""  # the entry number(s)
    title: str = ""  # the event's title, drawn after the number where there is room for it
    priority: float = 0.0
    fixed: bool = False
    width: float = 0.0  # of a fixed box; a label's is measured
    height: float = ROW
    inside: bool = False  # drawn over its bar, on a light ground
    before: float = math.nan  # where a label put on the mark's left would end (nan: only on its right)


@dataclass
class _Label:
    """A mark's entry number, next to the mark on the side its title's direction starts from (left of
    the mark for a Hebrew or Arabic title, so the title reads right to left away from it; the other side
    where that one has no room), and the title beyond it where there is room."""

    box: Box
    left_side: bool
    start: float  # of the number
    width: float  # of the number
    title: str = ""  # as shown (elided), once placed
    title_start: float = 0.0
    title_width: float = 0.0

    @property
    def rtl(self) -> bool:
        return is_rtl(self.box.title)


def _number_label(box: Box, used: QRectF, width: float) -> _Label:
    can_left = not box.inside and not math.isnan(box.before)
    left_side = can_left and is_rtl(box.title)
    if left_side and box.before - width < used.left():
        left_side = False
    elif not left_side and can_left and box.x + width > used.right():
        left_side = True
    return _Label(box, left_side, box.before - width if left_side else box.x, width)


def _room(label: _Label, spans: list[tuple[float, float, int]], used: QRectF, gap: float) -> float:
    """The free width beyond ``label``'s number, up to the nearest mark or number of its row."""
    row = label.box.row
    if label.left_side:
        edge = label.start - gap
        stops = [right for left, right, lane in spans if lane == row and right <= edge + 0.01]
        return edge - max([used.left(), *stops])
    edge = label.start + label.width + gap
    stops = [left for left, right, lane in spans if lane == row and left >= edge - 0.01]
    return min([used.right(), *stops]) - edge


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
        top = body.top()
        for panel in page.panels:
            top = self._panel(painter, geometry, top, panel) + PANEL_GAP
        closest = max(page.panels, key=lambda panel: panel.depth)  # its offset is the one in effect
        self._legend(painter, QRectF(body.left(), top, body.width(), LEGEND_H), closest)

    def _panel(self, painter: QPainter, geometry: ChartGeometry, top: float, panel: ChartPanel) -> float:
        """Draw ``panel`` with its title at ``top``; returns the bottom of its rows."""
        heights = self._heights[list(panel.rows)] * ROW
        used = geometry.plot(top, float(heights.sum()))
        self._top[:] = np.nan
        self._top[list(panel.rows)] = used.top() + np.concatenate([[0.0], np.cumsum(heights)[:-1]])
        self._title(painter, QRectF(geometry.body.left(), top, geometry.body.width(), TITLE_H), panel)
        self._bands(painter, geometry, used, panel)
        ticks = axis_ticks(panel.start, panel.end, used.width(), self.zone, min_spacing_px=pt(62))
        self._grid(painter, used, panel, ticks)
        self._zooms(painter, used, panel)
        painter.save()
        painter.setClipRect(used.adjusted(-MARKER_R * 2, -1, MARKER_R * 2, 1))
        boxes = self._bars(painter, used, panel)
        boxes += self._markers(painter, used, panel)
        self._labels(painter, used, boxes)
        painter.restore()
        return used.bottom()

    def x_of(self, time: float, page: ChartPanel, plot: QRectF) -> float:
        return plot.left() + (float(time) - page.start) / (page.end - page.start) * plot.width()

    def _title(self, painter: QPainter, rect: QRectF, page: ChartPanel) -> None:
        text = tr("Timeline") + "  ·  " + window_text(page.start, page.end, self.zone)
        if page.overview:
            text += "  ·  " + tr("the whole span; {count} period(s) zoomed in below").format(
                count=page.windows
            )
        elif page.windows > 1 or page.depth:
            text += "  ·  " + tr("period {n} of {total}").format(n=page.window + 1, total=page.windows)
        if page.parts > 1:
            text += "  ·  " + tr("part {n} of {total}").format(n=page.part + 1, total=page.parts)
        draw_text(painter, rect, text, font(Face.SANS, 10.5 if page.depth == 0 else 9.5, bold=True), INK)

    def _bands(self, painter: QPainter, geometry: ChartGeometry, used: QRectF, page: ChartPanel) -> None:
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
                flush_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute  # a Hebrew name too
                draw_text(
                    painter, rect, label, font(Face.SANS, 7.5, bold=True), lane_colour(number), flush_left
                )
        painter.setPen(QPen(QColor("#c8ccd2"), pt(0.4)))
        painter.drawLine(QLineF(geometry.body.left(), used.bottom(), used.right(), used.bottom()))

    def _grid(self, painter: QPainter, used: QRectF, page: ChartPanel, ticks: Sequence[Tick]) -> None:
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

    def _zooms(self, painter: QPainter, used: QRectF, panel: ChartPanel) -> None:
        """Where the periods below zoom in: a light band over the rows and a bracket under them, named."""
        qfont = font(Face.SANS, 6.5, bold=True)
        metrics = QFontMetricsF(qfont, painter.device())
        taken = used.left() - pt(10)  # the right end of the last name drawn
        for start, end, number in panel.zooms:
            x0 = max(float(self.x_of(start, panel, used)), used.left())
            x1 = min(float(self.x_of(end, panel, used)), used.right())
            painter.fillRect(QRectF(x0, used.top(), max(x1 - x0, pt(1)), used.height()), ZOOM_BAND)
            below = used.bottom() + pt(2.5)
            painter.setPen(QPen(ZOOM_INK, pt(0.7)))
            painter.drawPolyline(
                QPolygonF(
                    [
                        QPointF(x0, below - pt(1.5)),
                        QPointF(x0, below),
                        QPointF(x1, below),
                        QPointF(x1, below - pt(1.5)),
                    ]
                )
            )
            for text in (tr("period {n}").format(n=number), str(number)):  # the number alone if crowded
                width = metrics.horizontalAdvance(text) + pt(2)
                left = min(max(x0, taken + pt(3)), used.right() - width)
                if left >= taken + pt(3) and (left <= x0 or left + width <= x1 + pt(2)):  # under its bracket
                    draw_text(painter, QRectF(left, below + pt(0.5), width, pt(8)), text, qfont, ZOOM_INK)
                    taken = left + width
                    break

    # -- bars ----------------------------------------------------------------------------------------------

    def _visible(self, indices: IntArray) -> IntArray:
        rows = self.layout.row[indices]
        shown: IntArray = indices[(rows >= 0) & ~np.isnan(self._top[np.maximum(rows, 0)])]
        return shown

    def _bars(self, painter: QPainter, used: QRectF, page: ChartPanel) -> list[Box]:
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
            title = item.title
            if columns.latest[index] > page.end:  # runs off the page: its label goes inside, at its start
                inset = x0 + (pt(5) if columns.earliest[index] < page.start else pt(2))
                boxes.append(Box(inset, float(self._top[row]), row, label, title, priority, inside=True))
            else:
                before = x0 - LABEL_GAP if columns.earliest[index] >= page.start else math.nan
                boxes.append(
                    Box(x1 + LABEL_GAP, float(self._top[row]), row, label, title, priority, before=before)
                )
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

    def _markers(self, painter: QPainter, used: QRectF, page: ChartPanel) -> list[Box]:
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
                title = items[0].title
                left, right = x - MARKER_R, x + MARKER_R
            else:
                left, right = self._badge(
                    painter, x, y, colour, len(items), any(item.disputed for item in items)
                )
                label = compact_numbers(
                    [self.numbers[item.id] for item in items if item.id in self.numbers], 3
                )
                title = ""
            weight = float(sum(i.evidence_count or 0 for i in items))
            top = y - row_height / 2
            boxes.append(
                Box(
                    right + LABEL_GAP,
                    top,
                    row,
                    label,
                    title,
                    weight,
                    height=row_height,
                    before=left - LABEL_GAP,
                )
            )
            boxes.append(Box(left, top, row, fixed=True, width=right - left))
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
        page: ChartPanel,
        used: QRectF,
    ) -> None:
        layout_columns = self.layout.columns
        low, high = layout_columns.earliest[index], layout_columns.latest[index]
        x0, x1 = float(self.x_of(low, page, used)), float(self.x_of(high, page, used))
        if x1 - x0 >= pt(4):  # the possible range of a day-long marker, once a day is wide enough to see:
            # a bracket under the marker, clear of the labels beside it
            below = y + MARKER_R + pt(1.8)
            painter.setPen(QPen(_alpha(colour, 170), pt(0.7)))
            painter.drawLine(QLineF(x0, below, x1, below))
            for end in (x0, x1):
                painter.drawLine(QLineF(end, below - pt(1.5), end, below))
        painter.setPen(QPen(DISPUTED, pt(1.3)) if item.disputed else QPen(colour.darker(130), pt(0.5)))
        painter.setBrush(QColor("white") if item.approximate else colour)
        painter.drawEllipse(QPointF(x, y), MARKER_R, MARKER_R)

    def _badge(
        self, painter: QPainter, x: float, y: float, colour: QColor, count: int, disputed: bool
    ) -> tuple[float, float]:
        """A count badge at ``x``; returns its left and right."""
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
        return rect.left(), rect.right()

    # -- labels --------------------------------------------------------------------------------------------

    def _labels(self, painter: QPainter, used: QRectF, boxes: list[Box]) -> None:
        """Every mark's number where it fits without touching another mark or number (the busiest marks
        first), then titles after the numbers where there is room, nothing where not even a number fits
        (the entry list has them all). A number stands next to its mark, on the side its title's direction
        starts from: a Hebrew or Arabic title goes left of its mark, right to left, number at its right."""
        if not boxes:
            return
        qfont = font(Face.SANS, 7)
        metrics = QFontMetricsF(qfont, painter.device())
        gap = max(metrics.horizontalAdvance(" "), pt(2.5))  # between a number and its title
        fixed = [box for box in boxes if box.fixed]
        labels = [
            _number_label(box, used, metrics.horizontalAdvance(box.text))
            for box in boxes
            if not box.fixed and box.text
        ]
        if not labels:
            return
        kept = self._declutter(
            [(box.x, box.width, box.row, box.priority) for box in fixed],
            [(label.start, label.width, label.box.row, label.box.priority) for label in labels],
            pt(1.5),
        )
        placed = [label for label, keep in zip(labels, kept, strict=True) if keep]
        spans = [(box.x, box.x + box.width, box.row) for box in fixed]
        spans += [(label.start, label.start + label.width, label.box.row) for label in placed]
        titled: list[_Label] = []
        for label in placed:
            room = min(_room(label, spans, used, gap), MAX_LABEL) - pt(2)
            if not label.box.title or room <= 0:
                continue
            shown = metrics.elidedText(
                reveal_bidi_controls(label.box.title), Qt.TextElideMode.ElideRight, room
            )
            if len(shown) <= 3:
                continue
            label.title, label.title_width = shown, metrics.horizontalAdvance(shown)
            label.title_start = (
                label.start - gap - label.title_width if label.left_side else label.start + label.width + gap
            )
            titled.append(label)
        with_title = self._declutter(
            [(left, right - left, row, 0.0) for left, right, row in spans],
            [(label.title_start, label.title_width, label.box.row, label.box.priority) for label in titled],
            pt(2),
        )
        for label, keep in zip(titled, with_title, strict=True):
            if not keep:
                label.title = ""
        for label in placed:
            self._draw_label(painter, label, qfont, gap)

    @staticmethod
    def _declutter(
        pinned: list[tuple[float, float, int, float]],
        wanted: list[tuple[float, float, int, float]],
        gap: float,
    ) -> np.ndarray:
        """Which of ``wanted`` (start, width, row, priority) can be drawn beside ``pinned`` and each other."""
        every = pinned + wanted
        starts, widths, rows, priority = (np.array([entry[n] for entry in every]) for n in range(4))
        fixed = np.array([True] * len(pinned) + [False] * len(wanted))
        chosen = declutter_labels(starts, widths, rows.astype(np.int64), priority, fixed=fixed, gap=gap)
        return np.asarray(chosen[len(pinned) :], np.bool_)

    @staticmethod
    def _draw_label(painter: QPainter, label: _Label, qfont: QFont, gap: float) -> None:
        box = label.box
        left = min(label.start, label.title_start) if label.title else label.start
        right = (
            max(label.start + label.width, label.title_start + label.title_width)
            if label.title
            else (label.start + label.width)
        )
        if box.inside:
            painter.fillRect(
                QRectF(left - pt(1), box.top + pt(1.5), right - left + pt(2), box.height - pt(3)),
                QColor(255, 255, 255, 215),
            )
        number = QRectF(label.start, box.top, label.width + pt(1), box.height)
        draw_text(painter, number, box.text, qfont, INK, ltr=True)
        if label.title:
            rect = QRectF(label.title_start, box.top, label.title_width + pt(1), box.height)
            align = Qt.AlignmentFlag.AlignRight if label.rtl else Qt.AlignmentFlag.AlignLeft
            draw_text(painter, rect, label.title, qfont, INK, align)

    # -- legend --------------------------------------------------------------------------------------------

    def _legend(self, painter: QPainter, body: QRectF, page: ChartPanel) -> None:
        """The legend in ``body``'s top ``LEGEND_H``."""
        top = body.top()
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
