"""Mouse handling for the timeline plot: wheel zooms time only, drag pans, right- or shift-drag zooms to
a stretch (rubber band), clicks are reported for hit-testing by the view."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal


class TimelineViewBox(pg.ViewBox):
    """A ViewBox that only ever moves along time; rows stay put (the view sets the y range)."""

    clicked = Signal(QPointF, bool)  # position in view (data) coordinates, double-click
    context_clicked = Signal(QPointF, QPointF)  # a right click (no drag): view position, screen position
    band_zoom_requested = Signal(float, float)  # x range in view coordinates

    def __init__(self) -> None:
        super().__init__(enableMenu=False, invertY=True)
        self.setMouseEnabled(x=True, y=False)

    def mouseClickEvent(self, ev: Any) -> None:
        if ev.button() == Qt.MouseButton.RightButton and not ev.double():  # a right drag is a band zoom
            ev.accept()
            self.context_clicked.emit(self.mapToView(ev.pos()), QPointF(ev.screenPos()))
            return
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        self.clicked.emit(self.mapToView(ev.pos()), bool(ev.double()))

    def mouseDragEvent(self, ev: Any, axis: int | None = None) -> None:
        band = ev.button() == Qt.MouseButton.RightButton or (
            ev.button() == Qt.MouseButton.LeftButton and ev.modifiers() & Qt.KeyboardModifier.ShiftModifier
        )
        if not band:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        down = ev.buttonDownPos(ev.button())
        height = self.boundingRect().height()
        if not ev.isFinish():
            self.updateScaleBox(QPointF(down.x(), 0.0), QPointF(ev.pos().x(), height))
            return
        self.rbScaleBox.hide()
        start, end = sorted((self.mapToView(down).x(), self.mapToView(ev.pos()).x()))
        if end > start:
            self.band_zoom_requested.emit(start, end)


class OverviewViewBox(pg.ViewBox):
    """The overview strip does not pan or zoom itself; a click recentres the main view there."""

    clicked = Signal(float)  # x in view coordinates

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.setMouseEnabled(x=False, y=False)

    def mouseClickEvent(self, ev: Any) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        self.clicked.emit(self.mapToView(ev.pos()).x())

    def mouseDragEvent(self, ev: Any, axis: int | None = None) -> None:
        ev.ignore()

    def wheelEvent(self, ev: Any, axis: int | None = None) -> None:
        ev.ignore()
