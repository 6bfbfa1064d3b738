"""The overview strip: how many events fall in each stretch of the whole case, and a region showing (and
moving, and resizing) what the main view shows."""

from __future__ import annotations

from datetime import tzinfo

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import QWidget

from app.core.timeline_layout import histogram
from app.ui.timeline.axes import TimeAxis
from app.ui.timeline.items import cosmetic_pen, with_alpha
from app.ui.timeline.viewbox import OverviewViewBox

HEIGHT = 84
BIN_PX = 3  # one histogram bin per few pixels of strip


class OverviewStrip(pg.PlotWidget):
    """A histogram of event counts over the whole range with a draggable, resizable region."""

    region_changed = Signal(float, float)  # plot coordinates, while the user drags
    recentre_requested = Signal(float)

    def __init__(self, tz: tzinfo, parent: QWidget | None = None) -> None:
        self.box = OverviewViewBox()
        self.axis = TimeAxis(tz)
        super().__init__(parent, background=None, viewBox=self.box, axisItems={"bottom": self.axis})
        self.setFixedHeight(HEIGHT)
        self.hideButtons()
        self.setMenuEnabled(False)
        self.getPlotItem().getAxis("left").setStyle(showValues=False, tickLength=0)
        self.curve = pg.PlotDataItem(stepMode="center", fillLevel=0)
        self.addItem(self.curve)
        self.region = pg.LinearRegionItem(swapMode="sort")
        self.region.setZValue(10)
        self.addItem(self.region)
        self.region.sigRegionChanged.connect(self._on_region_moved)
        self.box.clicked.connect(self.recentre_requested)
        self._anchors: NDArray[np.float64] = np.zeros(0)
        self._span = (0.0, 1.0)
        self._syncing = False
        self._ready = True
        self.apply_palette(self.palette())

    def apply_palette(self, palette: QPalette) -> None:
        self.setBackground(palette.color(QPalette.ColorRole.Base))
        highlight = palette.color(QPalette.ColorRole.Highlight)
        text = palette.color(QPalette.ColorRole.Text)
        self.curve.setPen(cosmetic_pen(with_alpha(text, 160)))
        self.curve.setBrush(with_alpha(text, 60))
        self.region.setBrush(with_alpha(highlight, 50))
        self.region.setHoverBrush(with_alpha(highlight, 80))
        for line in self.region.lines:
            line.setPen(cosmetic_pen(highlight, 2.0))
            line.setHoverPen(cosmetic_pen(highlight.darker(130), 3.0))
        for name in ("bottom", "left"):
            axis = self.getPlotItem().getAxis(name)
            axis.setPen(with_alpha(text, 120))
            axis.setTextPen(text)

    def set_data(self, anchors: NDArray[np.float64], span: tuple[float, float], origin: float) -> None:
        """``anchors`` and ``span`` in plot coordinates (epoch seconds minus ``origin``)."""
        self._anchors, self._span = anchors, span
        self.axis.set_origin(origin)
        self._redraw()

    def set_left_margin(self, width: float) -> None:
        self.getPlotItem().getAxis("left").setWidth(width)

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        if getattr(self, "_ready", False):  # pyqtgraph resizes once inside its own __init__
            self._redraw()

    def _redraw(self) -> None:
        bins = max(10, int(self.box.width() // BIN_PX) if self.box.width() > 0 else 200)
        edges, counts = histogram(self._anchors, bins, self._span)
        self.curve.setData(edges, counts.astype(np.float64))
        self.box.setRange(xRange=self._span, yRange=(0, max(1, int(counts.max(initial=0)))), padding=0)

    def show_region(self, low: float, high: float) -> None:
        self._syncing = True
        try:
            self.region.setRegion((low, high))
        finally:
            self._syncing = False

    def _on_region_moved(self) -> None:
        if self._syncing:
            return
        low, high = self.region.getRegion()
        if high > low:
            self.region_changed.emit(float(low), float(high))

    def set_timezone(self, tz: tzinfo) -> None:
        self.axis.set_timezone(tz)
