"""The few graphics items that draw a whole lane each: bars, text, lane bands, the selection.

Each item draws many things in one ``paint`` (``QPainter.drawRects``/``drawLines`` over numpy-filled arrays,
``QStaticText`` for labels) and only what is in view, so the cost of a repaint follows the screen, not the
case. Coordinates are plot coordinates: x is ``time - origin`` in seconds, y is the row (row ``r`` spans
``r .. r + 1``, top to bottom).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from pyqtgraph.Qt import internals
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QStaticText

BAR_MARGIN = 0.18  # of a row, above and below a bar
MIN_BAR_PX = 2.0
DETAIL_PX = 6.0
CHEVRON_PX = 6.0
HATCH_PX = 24.0  # hatching is the costliest fill; on narrower bars the light colour says "possible" alone
DISPUTED = QColor("#d7002a")


def cosmetic_pen(colour: QColor, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(colour, width, style)
    pen.setCosmetic(True)
    return pen


def with_alpha(colour: QColor, alpha: int) -> QColor:
    faded = QColor(colour)
    faded.setAlpha(alpha)
    return faded


class ViewSpanningItem(pg.GraphicsObject):
    """An item whose bounds are whatever is in view (text and highlights live in pixels, not data)."""

    def __init__(self) -> None:
        super().__init__()
        self._bounds = QRectF()

    def follow_view(self, rect: QRectF) -> None:
        if rect != self._bounds:
            self.prepareGeometryChange()
            self._bounds = QRectF(rect)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds


@dataclass(eq=False)
class BarArrays:
    """One lane's bars, in plot coordinates; ``c0``/``c1`` are nan where nothing is certain."""

    x0: NDArray[np.float64]
    x1: NDArray[np.float64]
    row: NDArray[np.float64]
    c0: NDArray[np.float64]
    c1: NDArray[np.float64]
    colour: NDArray[np.int64]  # index into the lane's colours
    approximate: NDArray[np.bool_]
    disputed: NDArray[np.bool_]
    overflow: NDArray[np.bool_]
    open_start: NDArray[np.bool_]  # no earliest: the bar runs to the left edge of the data
    open_end: NDArray[np.bool_]
    colours: list[QColor] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.x0)


class LaneBarsItem(pg.GraphicsObject):
    """All bars of one lane, plus the marker row's range whiskers (set per view by the view)."""

    def __init__(self, bars: BarArrays, bounds: QRectF) -> None:
        super().__init__()
        self.bars = bars
        self._bounds = bounds
        self._rects = internals.PrimitiveArray(QRectF, 4)
        self._lines = internals.PrimitiveArray(QLineF, 4)
        self.whiskers = np.zeros((0, 3))  # x0, x1, y per line
        self.whisker_colour = QColor("gray")
        self.paints = 0

    def boundingRect(self) -> QRectF:
        return self._bounds

    def set_bars(self, bars: BarArrays, bounds: QRectF) -> None:
        """Other bars (a new layout) in the same item: cheaper than a new item in the scene."""
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = bounds
        self.bars = bars
        self.whiskers = np.zeros((0, 3))
        self.update()

    def set_whiskers(self, lines: NDArray[np.float64], colour: QColor) -> None:
        self.whiskers = lines
        self.whisker_colour = colour
        self.update()

    def paint(self, painter: QPainter, *_args: Any) -> None:
        self.paints += 1
        view = self.viewRect()
        scale = painter.worldTransform().m11()
        if view is None or scale <= 0:
            return
        pad = 4.0 / scale
        left, right = view.left() - pad, view.right() + pad
        self._paint_whiskers(painter, left, right)
        bars = self.bars
        if not len(bars):
            return
        shown = np.flatnonzero((bars.x1 >= left) & (bars.x0 <= right))
        if not len(shown):
            return
        painter.setPen(Qt.PenStyle.NoPen)
        min_width = MIN_BAR_PX / scale
        x0, x1 = np.clip(bars.x0[shown], left, right), np.clip(bars.x1[shown], left, right)
        top = bars.row[shown] + BAR_MARGIN
        height = 1.0 - 2 * BAR_MARGIN
        # Hatching and outlines cost more than fills and cannot be seen on a sliver: wide bars only.
        wide = (x1 - x0) * scale >= DETAIL_PX
        colour_of = bars.colour[shown]
        certain = ~np.isnan(bars.c0[shown])
        overflow = bars.overflow[shown]
        for colour_index in np.flatnonzero(np.bincount(colour_of)).tolist():
            mine = colour_of == colour_index
            colour = bars.colours[colour_index]
            light = mine & (wide | ~certain)  # a sliver with a certain part is drawn solid, once
            painter.setBrush(with_alpha(colour, 70))
            painter.drawRects(*self._fill(x0[light], x1[light], top[light], height, min_width))
            hatched = mine & ((x1 - x0) * scale >= HATCH_PX)
            if hatched.any():
                painter.setBrush(QBrush(with_alpha(colour, 150), Qt.BrushStyle.BDiagPattern))
                painter.drawRects(*self._fill(x0[hatched], x1[hatched], top[hatched], height, min_width))
            for solid, alpha in ((mine & certain & ~overflow, 255), (mine & certain & overflow, 150)):
                if solid.any():
                    c0 = np.clip(bars.c0[shown][solid], left, right)
                    c1 = np.clip(bars.c1[shown][solid], left, right)
                    painter.setBrush(with_alpha(colour, alpha))  # overflow bars overlap: let both show
                    painter.drawRects(*self._fill(c0, c1, top[solid], height, min_width))
        disputed = bars.disputed[shown]
        slivers = disputed & ~wide  # too thin for an outline to show: fill them red instead
        if slivers.any():
            painter.setBrush(DISPUTED)
            painter.drawRects(*self._fill(x0[slivers], x1[slivers], top[slivers], height, min_width))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for flags, pen in (
            (bars.approximate[shown] & wide, cosmetic_pen(QColor("#444444"), 1.0, Qt.PenStyle.DashLine)),
            (disputed & wide, cosmetic_pen(DISPUTED, 2.0)),
        ):
            if flags.any():
                painter.setPen(pen)
                painter.drawRects(*self._fill(x0[flags], x1[flags], top[flags], height, min_width))
        self._paint_open_ends(painter, shown, top, height, scale, left, right)

    def _paint_open_ends(
        self,
        painter: QPainter,
        shown: NDArray[np.int64],
        top: NDArray[np.float64],
        height: float,
        scale: float,
        left: float,
        right: float,
    ) -> None:
        """A chevron ("<" or ">") where a bar is open-ended, so "before 2019" does not read as "from 2005"."""
        bars = self.bars
        reach = CHEVRON_PX / scale
        chevrons = []
        for flags, tips, direction in ((bars.open_start, bars.x0, 1.0), (bars.open_end, bars.x1, -1.0)):
            visible = flags[shown] & (tips[shown] >= left) & (tips[shown] <= right)
            tip = tips[shown][visible] + direction * reach / 3
            upper, lower = top[visible], top[visible] + height
            middle = (upper + lower) / 2
            chevrons.append(np.column_stack([tip + direction * reach, upper, tip, middle]))
            chevrons.append(np.column_stack([tip, middle, tip + direction * reach, lower]))
        lines = np.concatenate(chevrons)
        if not len(lines):
            return
        self._lines.resize(len(lines))
        self._lines.ndarray()[:] = lines
        painter.setPen(cosmetic_pen(QColor("#333333"), 1.5))
        painter.drawLines(*self._lines.drawargs())

    def _fill(
        self,
        x0: NDArray[np.float64],
        x1: NDArray[np.float64],
        top: NDArray[np.float64],
        height: float,
        min_width: float,
    ) -> tuple[Any, ...]:
        self._rects.resize(len(x0))
        rects = self._rects.ndarray()
        rects[:, 0] = x0
        rects[:, 1] = top
        rects[:, 2] = np.maximum(x1 - x0, min_width)
        rects[:, 3] = height
        return tuple(self._rects.drawargs())

    def _paint_whiskers(self, painter: QPainter, left: float, right: float) -> None:
        if not len(self.whiskers):
            return
        self._lines.resize(len(self.whiskers))
        lines = self._lines.ndarray()
        lines[:, 0] = np.clip(self.whiskers[:, 0], left, right)
        lines[:, 1] = self.whiskers[:, 2]
        lines[:, 2] = np.clip(self.whiskers[:, 1], left, right)
        lines[:, 3] = self.whiskers[:, 2]
        painter.setPen(cosmetic_pen(self.whisker_colour, 2.0))
        painter.drawLines(*self._lines.drawargs())


class MarkerItem(pg.ScatterPlotItem):
    """One lane's markers and count badges. Clicks pass through to the view, which hit-tests markers,
    badges and bars in one place (pyqtgraph's scatter would otherwise swallow clicks on its points)."""

    def __init__(self) -> None:
        super().__init__(pxMode=True, antialias=True, hoverable=False)
        self._bounds = QRectF()

    def set_bounds(self, rect: QRectF) -> None:
        """The marker row across the view. pyqtgraph recomputes a scatter's bounds from its data and
        pixel size on every paint (about half a millisecond a lane); the view already knows them."""
        if rect != self._bounds:
            self.prepareGeometryChange()
            self._bounds = QRectF(rect)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def mouseClickEvent(self, ev: Any) -> None:
        ev.ignore()


@dataclass(frozen=True)
class Label:
    """Text starting at a point in plot coordinates (its left end, vertically centred), or centred on it."""

    x: float
    y: float
    text: QStaticText
    colour: QColor
    font: QFont
    centred: bool = False


class LaneTextItem(ViewSpanningItem):
    """The titles and count badges' numbers of one lane, drawn upright in pixels over the plot."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: Sequence[Label] = ()

    def set_labels(self, labels: Sequence[Label], view: QRectF) -> None:
        self.labels = labels
        self.follow_view(view)

    def paint(self, painter: QPainter, *_args: Any) -> None:
        if not self.labels:
            return
        transform = painter.worldTransform()
        painter.save()
        painter.resetTransform()
        pen_colour: QColor | None = None
        font: QFont | None = None
        for label in self.labels:
            if label.colour != pen_colour:
                pen_colour = label.colour
                painter.setPen(pen_colour)
            if label.font is not font:
                font = label.font
                painter.setFont(font)  # drawStaticText lays out in the painter's font
            anchor = transform.map(QPointF(label.x, label.y))
            size = label.text.size()
            if label.centred:
                corner = QPointF(anchor.x() - size.width() / 2, anchor.y() - size.height() / 2)
            else:
                corner = QPointF(anchor.x(), anchor.y() - size.height() / 2)
            painter.drawStaticText(corner, label.text)
        painter.restore()


class LaneBands(ViewSpanningItem):
    """Alternate shading behind lanes and a rule between them, so lanes read as bands."""

    def __init__(self) -> None:
        super().__init__()
        self.lanes: Sequence[tuple[int, int]] = ()  # (first row, rows)
        self.shade = QColor(0, 0, 0, 12)
        self.rule = QColor(0, 0, 0, 60)

    def paint(self, painter: QPainter, *_args: Any) -> None:
        rect = self.boundingRect()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.shade)
        for index, (first, rows) in enumerate(self.lanes):
            if index % 2:
                painter.drawRect(QRectF(rect.left(), first, rect.width(), rows))
        painter.setPen(cosmetic_pen(self.rule))
        for first, _rows in self.lanes[1:]:
            painter.drawLine(QPointF(rect.left(), first), QPointF(rect.right(), first))


class SelectionItem(ViewSpanningItem):
    """A highlight around the selected marker or bar (or the badge that holds it)."""

    def __init__(self) -> None:
        super().__init__()
        self.colour = QColor("#1a73e8")
        self.marker: tuple[float, float, float] | None = None  # x, y, radius in pixels
        self.bar: QRectF | None = None

    def show_marker(self, x: float, y: float, radius_px: float, view: QRectF) -> None:
        self.marker, self.bar = (x, y, radius_px), None
        self.follow_view(view)

    def show_bar(self, rect: QRectF, view: QRectF) -> None:
        self.marker, self.bar = None, QRectF(rect)
        self.follow_view(view)

    def clear(self) -> None:
        self.marker = self.bar = None
        self.update()

    def paint(self, painter: QPainter, *_args: Any) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.bar is not None:
            view = self.boundingRect()
            rect = QRectF(self.bar)
            rect.setLeft(max(rect.left(), view.left()))
            rect.setRight(min(rect.right(), view.right()))
            painter.setPen(cosmetic_pen(self.colour, 3.0))
            painter.drawRect(rect)
        elif self.marker is not None:
            x, y, radius = self.marker
            transform = painter.worldTransform()
            centre = transform.map(QPointF(x, y))
            ring = self.ring_radius(centre, transform.mapRect(self.boundingRect()), radius)
            painter.save()
            painter.resetTransform()
            painter.setPen(cosmetic_pen(self.colour, 3.0))
            painter.drawEllipse(centre, ring, ring)
            painter.restore()

    @staticmethod
    def ring_radius(centre: QPointF, view: QRectF, radius: float) -> float:
        """The ring's radius (pixels) around a marker of ``radius`` at ``centre``: 4 px clear of it, closer
        where the plot's edge is nearer (a badge in the top row, a marker at the end of the range), so the
        ring is never cut off; never closer than 1 px."""
        left, right = centre.x() - view.left(), view.right() - centre.x()
        room = min(left, right, centre.y() - view.top(), view.bottom() - centre.y())
        return max(radius + 1, min(radius + 4, room - 2))
