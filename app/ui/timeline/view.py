"""The timeline view: lanes of events over time, an overview strip, zoom, pan, selection and tooltips.

Drawing follows house habit 12: per lane, one ``ScatterPlotItem`` for the markers and count badges, one
``LaneBarsItem`` for every bar, one ``LaneTextItem`` for every title; never an item per event. The date
maths (ticks, packing, clustering, which labels fit) is in ``app.core.timeline_layout``. Each change of the
visible range re-clusters only the markers in view, so a repaint costs what the screen shows.

The signals report what the *user* did (click, double-click, keys); ``select()`` called by the program
moves the highlight without emitting ``item_selected``, so two views kept in step cannot ping-pong.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import NamedTuple

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QPalette,
    QPen,
    QStaticText,
)
from PySide6.QtWidgets import QLabel, QToolTip, QVBoxLayout, QWidget

from app.core.timeline_layout import (
    DEFAULT_MAX_BAR_ROWS,
    MAX_TIME,
    MIN_TIME,
    NO_GROUPING,
    MarkerClusters,
    TimelineItem,
    cluster_markers,
    declutter_labels,
)
from app.ui.fonts import ui_font
from app.ui.timeline.axes import LaneAxis, TimeAxis, tr, zone_caption
from app.ui.timeline.data import TimelineData, build, finish, item_colour
from app.ui.timeline.items import (
    BAR_MARGIN,
    CHEVRON_PX,
    DISPUTED,
    Label,
    LaneBands,
    LaneBarsItem,
    LaneTextItem,
    MarkerItem,
    SelectionItem,
    cosmetic_pen,
    with_alpha,
)
from app.ui.timeline.overview import OverviewStrip
from app.ui.timeline.text import compact_count, resolve_timezone, tooltip_for_cluster, tooltip_for_item
from app.ui.timeline.viewbox import TimelineViewBox

CLUSTER_PX = 30.0  # drawn markers in a lane are at least this far apart; closer ones become a badge
MARKER_PX = 10.0
BADGE_STEPS = (10, 100, 1000)  # a badge grows a size at each of these counts
BADGE_PX = (18.0, 22.0, 26.0, 30.0)
HIT_PX = 5.0  # how far from a marker or bar a click still counts
WHISKER_MIN_PX = 6.0  # a marker's possible range is drawn once it is this wide
LABEL_GAP_PX = 6.0
MAX_LABEL_PX = 320.0
MIN_LABEL_ROW_PX = 13.0  # rows thinner than this get no titles
MAX_ROW_PX = 30.0
MAX_CACHED_TITLES = 8000  # laid-out titles kept for reuse; panning through 100k events must not keep them all
MIN_RANGE = 5 * 60.0  # the closest zoom: five minutes across the view
LANE_HEADER_PX = (90.0, 220.0)
EDGE_PX = 6.0  # empty pixels above the first row and below the last, for a selected badge's ring


@dataclass(frozen=True)
class _Visible:
    """What the last view update drew in the marker rows: clusters and the items they hold."""

    clusters: MarkerClusters
    items: NDArray[np.int64]  # item index of each input to ``cluster_markers``
    lane_starts: NDArray[np.int64]  # clusters of lane ``n`` are ``lane_starts[n] : lane_starts[n + 1]``

    def members(self, cluster: int) -> NDArray[np.int64]:
        return self.items[self.clusters.members(cluster)]


class _Box(NamedTuple):
    """A box on a row, in pixels from the view's left edge, for ``declutter_labels``."""

    start: float
    width: float
    row: int
    priority: float
    fixed: bool  # a marker or badge: kept, and blocks titles
    item: int  # item index, -1 for a badge
    kind: str  # "marker", "bar", "certain" (a title on a solid bar: white), "" for fixed boxes


@dataclass(frozen=True)
class DrawnMarker:
    """A marker or count badge on screen (for tests, accessibility and the lead's wiring)."""

    lane: str
    time: float
    count: int
    ids: tuple[int, ...]


class TimelineView(QWidget):
    item_selected = Signal(int)
    item_activated = Signal(int)
    item_context_requested = Signal(int, QPoint)  # right click on an item (now selected): id, screen position
    visible_range_changed = Signal(float, float)

    def __init__(self, parent: QWidget | None = None, *, max_bar_rows: int = DEFAULT_MAX_BAR_ROWS) -> None:
        super().__init__(parent)
        self._max_bar_rows = max_bar_rows
        self.layouts_made_here = 0  # by the view itself, not handed one made on a worker (tests, benchmarks)
        self._tz: tzinfo = UTC
        self._grouping = "lane"
        self._items: tuple[TimelineItem, ...] = ()
        self._data: TimelineData | None = None
        self._selected: int | None = None
        self._visible: _Visible | None = None
        self._lane_items: list[tuple[LaneBarsItem, MarkerItem, LaneTextItem]] = []
        self._statics: OrderedDict[tuple[bool, str], QStaticText] = OrderedDict()  # least recently used first
        self._badge_statics: dict[str, QStaticText] = {}
        self._syncing_overview = False
        self._held = 0
        self._zoomed_by_click = False
        self._last_range: tuple[float, float] | None = None
        self._styles: dict[tuple[int, str], tuple[QPen, QBrush]] = {}
        self._build_widgets()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFont(ui_font())
        self._label_font = ui_font()
        self._badge_font = QFont(self._label_font)
        self._badge_font.setBold(True)
        self._badge_font.setPointSizeF(max(6.0, self._label_font.pointSizeF() * 0.85))
        self._metrics = QFontMetricsF(self._label_font)
        self._apply_palette()
        self._update_caption()  # so the axis keeps room for it from the first layout

    # --- public API ---------------------------------------------------------------------------------

    def set_items(
        self,
        items: Sequence[TimelineItem],
        prepared: TimelineData | None = None,
        visible: tuple[float, float] | None = None,
        *,
        grouping: str | None = None,
    ) -> None:
        """Show ``items`` (replacing what was shown), all in view or else the ``visible`` range; with
        ``grouping``, in those lanes (laid out once, unlike ``set_grouping`` and then ``set_items``).

        ``prepared`` is ``app.ui.timeline.data.prepare(items, grouping, max_bar_rows)`` made ahead (on a
        worker thread) for this view's grouping and ``max_bar_rows``; without it the layout is made here.
        """
        self._items = tuple(prepared.items if prepared is not None else items)
        if grouping is not None:
            self._grouping = grouping
        with self._one_refresh():
            self._rebuild(prepared)
            if visible is not None and visible[1] > visible[0]:
                self._set_range(*visible)
            else:
                self.fit_all()

    @property
    def max_bar_rows(self) -> int:
        return self._max_bar_rows

    def set_grouping(self, name: str) -> None:
        """Lanes by the items' ``lane`` field; ``"none"`` (``NO_GROUPING``) for one lane of everything."""
        if name == self._grouping:
            return
        self._grouping = name
        with self._one_refresh():
            self._rebuild()

    def select(self, item_id: int | None) -> None:
        """Highlight an item (and bring it into view), without emitting ``item_selected``."""
        index = None if item_id is None or self._data is None else self._data.index(item_id)
        with self._one_refresh():
            self._selected = index
            if index is not None:
                self._reveal(index)

    def selected(self) -> int | None:
        if self._selected is None or self._data is None:
            return None
        return self._data.items[self._selected].id

    def set_empty_text(self, text: str) -> None:
        """What the view says, centred, while it has no dated event to draw."""
        self.empty_label.setText(text)
        self._place_empty_label()

    def empty_text(self) -> str:
        """The hint shown (empty when events are drawn)."""
        return self.empty_label.text() if not self.empty_label.isHidden() else ""

    def fit_all(self) -> None:
        if self._data is None:
            return
        low, high = self._data.domain  # nothing dated: the current year, for an axis that makes sense
        self._set_range(low, high)

    def zoom_to(self, start: float, end: float) -> None:
        """Show ``[start, end]`` (UTC epoch seconds)."""
        if end > start:
            self._set_range(start, end)

    def visible_range(self) -> tuple[float, float]:
        (low, high), _ = self.view_box.viewRange()
        origin = self._origin()
        return low + origin, high + origin

    def set_display_timezone(self, tz: tzinfo | str | None) -> None:
        """Label times in ``tz`` (a zone, an IANA name, ``"UTC"``, or None/``"local"`` for the system zone).

        Only what the axis and tooltips say changes; no stored time moves.
        """
        self._tz = resolve_timezone(tz)
        self.time_axis.set_timezone(self._tz)
        self.overview.set_timezone(self._tz)
        self._update_caption()

    def display_timezone(self) -> tzinfo:
        return self._tz

    def drawn_markers(self) -> list[DrawnMarker]:
        """The markers and badges currently drawn, lane by lane, left to right."""
        if self._visible is None or self._data is None:
            return []
        clusters, lanes = self._visible.clusters, self._data.lanes
        return [
            DrawnMarker(
                lane=lanes[int(clusters.lane[k])].lane.name,
                time=float(clusters.time[k]),
                count=int(clusters.count[k]),
                ids=tuple(self._data.items[i].id for i in self._visible.members(k)),
            )
            for k in range(len(clusters))
        ]

    def drawn_labels(self) -> list[Label]:
        """The titles and badge numbers currently drawn (their text and where they start)."""
        return [label for _, _, text in self._lane_items for label in text.labels]

    def lane_titles(self) -> list[str]:
        """The lane headers, top to bottom."""
        return [] if self._data is None else [self._lane_title(lane.lane.name) for lane in self._data.lanes]

    def item_position(self, item_id: int) -> QPoint | None:
        """Where the item is drawn, in this widget's coordinates (its badge, if it is in one), or None."""
        index = None if self._data is None else self._data.index(item_id)
        if index is None:
            return None
        point = self._drawn_point(index)
        if point is None:
            return None
        scene = self.view_box.mapViewToScene(point)
        viewport = self.plot.viewport()
        local = viewport.mapTo(self, self.plot.mapFromScene(scene))
        return local if self.rect().contains(local) else None

    def label_time(self, label: Label) -> float:
        """The UTC epoch second where a drawn label (``drawn_labels``) starts."""
        return label.x + self._origin()

    def time_at(self, x: float) -> float:
        """The UTC epoch second at horizontal position ``x`` of this widget."""
        viewport = self.plot.viewport()
        scene = self.plot.mapToScene(viewport.mapFrom(self, QPoint(round(x), 0)))
        return float(self.view_box.mapSceneToView(scene).x()) + self._origin()

    def tooltip_at(self, pos: QPoint) -> str:
        """The tooltip for what is under ``pos`` (this widget's coordinates); empty if nothing is."""
        hit = self._hit_widget(pos)
        if hit is None or self._data is None:
            return ""
        kind, index = hit
        if kind == "cluster" and self._visible is not None:
            members = self._visible.members(index)
            return tooltip_for_cluster([self._data.items[i] for i in members], self._tz)
        selected = None if self._selected is None else self._data.items[self._selected]
        return tooltip_for_item(self._data.items[index], self._tz, selected)

    # --- building -----------------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.view_box = TimelineViewBox()
        self.time_axis = TimeAxis(self._tz)
        self.lane_axis = LaneAxis()
        self.plot = pg.PlotWidget(
            self,
            background=None,
            viewBox=self.view_box,
            axisItems={"bottom": self.time_axis, "left": self.lane_axis},
        )
        self.plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.view_box.disableAutoRange()
        self.plot.viewport().installEventFilter(self)
        self.bands = LaneBands()
        self.bands.setZValue(-10)
        self.selection = SelectionItem()
        self.selection.setZValue(20)
        self.view_box.addItem(self.bands, ignoreBounds=True)
        self.view_box.addItem(self.selection, ignoreBounds=True)
        self.overview = OverviewStrip(self._tz, self)
        self.overview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.overview)
        self.view_box.sigXRangeChanged.connect(self._refresh)
        self.view_box.sigResized.connect(self._refresh)
        self.view_box.clicked.connect(self._on_clicked)
        self.view_box.context_clicked.connect(self._on_context_clicked)
        self.view_box.band_zoom_requested.connect(self._on_band_zoom)
        self.overview.region_changed.connect(self._on_overview_region)
        self.overview.recentre_requested.connect(self._on_overview_click)
        self.empty_label = QLabel(tr("No dated events"), self.plot.viewport())
        self.empty_label.setObjectName("timeline_empty_hint")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.empty_label.hide()

    def _apply_palette(self) -> None:
        palette = self.palette()
        self.plot.setBackground(palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        for axis in (self.time_axis, self.lane_axis):
            axis.setPen(with_alpha(text, 140))
            axis.setTextPen(text)
            axis.setStyle(tickFont=self.font())
        base = palette.color(QPalette.ColorRole.Base)
        self.bands.shade = blend(base, text, 0.04)  # opaque: a translucent fill this big costs milliseconds
        self.bands.rule = blend(base, text, 0.2)
        self.selection.colour = palette.color(QPalette.ColorRole.Highlight)
        self.overview.apply_palette(palette)

    def _rebuild(self, prepared: TimelineData | None = None) -> None:
        self._visible = None
        previous = (
            None if self._selected is None or self._data is None else self._data.items[self._selected].id
        )
        if prepared is not None and prepared.made_for(self._items, self._grouping, self._max_bar_rows):
            self._data = data = finish(prepared)
        else:
            self._data = data = build(self._items, self._grouping, self._max_bar_rows)
            self.layouts_made_here += 1 if self._items else 0
        self._selected = data.index(previous) if previous is not None else None
        origin = data.origin
        spare = self._lane_items[len(data.lanes) :]
        for lane_items in spare:  # lanes no longer there
            for graphics in lane_items:
                self.view_box.removeItem(graphics)
        kept = self._lane_items[: len(data.lanes)]
        self._lane_items = []
        for number, lane in enumerate(data.lanes):
            top, rows = lane.lane.first_row, lane.lane.rows
            bounds = QRectF(data.domain[0] - origin, top, data.domain[1] - data.domain[0], rows)
            if number < len(kept):  # a lane's items are reused: adding and removing them costs more
                bars, markers, text = kept[number]
                bars.set_bars(lane.bars, bounds)
                markers.clear()
                text.set_labels([], self.view_box.viewRect())
            else:
                bars = LaneBarsItem(lane.bars, bounds)
                markers = MarkerItem()
                markers.setZValue(5)
                text = LaneTextItem()
                text.setZValue(10)
                for graphics in (bars, markers, text):
                    self.view_box.addItem(graphics, ignoreBounds=True)
            self._lane_items.append((bars, markers, text))
        self.bands.lanes = [(lane.lane.first_row, lane.lane.rows) for lane in data.lanes]
        self._layout_rows()
        self.time_axis.set_origin(origin)
        self.view_box.setLimits(
            xMin=MIN_TIME - origin,
            xMax=MAX_TIME - origin,
            minXRange=MIN_RANGE,
            maxXRange=MAX_TIME - MIN_TIME,
        )
        anchors = data.layout.columns.anchor[data.layout.placed] - origin
        self.overview.set_data(anchors, (data.domain[0] - origin, data.domain[1] - origin), origin)
        self._update_caption()
        self.empty_label.setVisible(data.empty)
        self._place_empty_label()

    def _place_empty_label(self) -> None:
        """Centred on the plot; when the hint does not fit there (a short dock's plot is a strip), over the
        whole view with a background of its own, so it never runs into the axis labels."""
        viewport = self.plot.viewport().rect()
        box = self.view_box.sceneBoundingRect().toAlignedRect() & viewport
        margin = min(24, box.width() // 10)
        fits = box.width() >= 40 and self.empty_label.heightForWidth(box.width() - 2 * margin) <= box.height()
        self.empty_label.setAutoFillBackground(not fits)
        self.empty_label.setGeometry(box.adjusted(margin, 0, -margin, 0) if fits else viewport)

    def _layout_rows(self) -> None:
        data = self._data
        if data is None:
            return
        self._fit_rows()
        metrics = QFontMetricsF(self.font())
        names = [self._lane_title(lane.lane.name) for lane in data.lanes]
        centres = [lane.lane.first_row + lane.lane.rows / 2 for lane in data.lanes]
        widest = max((metrics.horizontalAdvance(name) for name in names), default=0.0)
        width = min(max(widest + 20, LANE_HEADER_PX[0]), LANE_HEADER_PX[1])
        names = [metrics.elidedText(name, Qt.TextElideMode.ElideRight, width - 20) for name in names]
        self.lane_axis.set_lanes(names, centres, width)
        self.overview.set_left_margin(width)

    def _fit_rows(self) -> None:
        """All rows in view, none taller than ``MAX_ROW_PX`` (spare height stays empty below), with
        ``EDGE_PX`` above and below them so that nothing drawn around the first row (a badge, the ring of
        the selection) is cut off by the plot's edge."""
        rows = max(self._data.layout.total_rows if self._data is not None else 1, 1)
        usable = max(self.view_box.height() - 2 * EDGE_PX, 1.0)
        rows = max(rows, usable / MAX_ROW_PX)
        pad = EDGE_PX * rows / usable
        (_, _), (top, bottom) = self.view_box.viewRange()
        if not (math.isclose(top, -pad) and math.isclose(bottom, rows + pad)):
            self.view_box.setLimits(yMin=-pad, yMax=rows + pad)
            self.view_box.setYRange(-pad, rows + pad, padding=0)

    def _lane_title(self, name: str) -> str:
        if self._grouping == NO_GROUPING:
            return tr("All events")
        return name or tr("(no lane)")

    def _origin(self) -> float:
        return self._data.origin if self._data is not None else 0.0

    def _set_range(self, start: float, end: float) -> None:
        origin = self._origin()
        start, end = max(start, MIN_TIME), min(end, MAX_TIME)
        if end - start < MIN_RANGE:
            middle = (start + end) / 2
            start, end = middle - MIN_RANGE / 2, middle + MIN_RANGE / 2
        with self._one_refresh():
            self.view_box.setXRange(start - origin, end - origin, padding=0)

    def _update_caption(self) -> None:
        low, high = self.visible_range()
        caption = zone_caption(self._tz, (low + high) / 2)
        if caption != self.time_axis.labelText:  # setLabel re-lays out the axis: only on a change
            self.time_axis.setLabel(caption)

    # --- the per-view update ------------------------------------------------------------------------

    @contextmanager
    def _one_refresh(self) -> Iterator[None]:
        """Hold view updates back while several changes are made, then update once."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
        if not self._held:
            self._refresh()

    def _refresh(self) -> None:
        data = self._data
        if data is None or self._held:
            return
        (low, high), _ = self.view_box.viewRange()
        width = self.view_box.width()
        if width <= 0 or high <= low:
            return
        if self.empty_label.isVisible():
            self._place_empty_label()
        pps = width / (high - low)
        self._fit_rows()
        view = self.view_box.viewRect()
        self.bands.follow_view(view)
        self._visible = self._cluster_visible(data, low + data.origin, high + data.origin, pps)
        labels = self._place_labels(data, low, high, pps)
        for lane, (bars, markers, text) in zip(data.lanes, self._lane_items, strict=True):
            self._draw_markers(data, lane.number, bars, markers, pps)
            text.set_labels(labels.get(lane.number, []), view)
        self._show_selection(view, pps)
        self._update_caption()
        origin = data.origin
        self._syncing_overview = True
        try:
            self.overview.show_region(low, high)
        finally:
            self._syncing_overview = False
        if (low + origin, high + origin) != self._last_range:
            self._last_range = (low + origin, high + origin)
            self.visible_range_changed.emit(low + origin, high + origin)

    def _cluster_visible(self, data: TimelineData, low: float, high: float, pps: float) -> _Visible:
        margin = CLUSTER_PX / pps
        times, lanes, items = [], [], []
        for lane in data.lanes:
            first, last = np.searchsorted(lane.marker_times, [low - margin, high + margin])
            times.append(lane.marker_times[first:last])
            items.append(lane.marker_items[first:last])
            lanes.append(np.full(last - first, lane.number, np.int64))
        empty = np.zeros(0, np.int64)
        clusters = cluster_markers(
            np.concatenate([np.zeros(0), *times]), np.concatenate([empty, *lanes]), pps, CLUSTER_PX
        )
        lane_starts = np.searchsorted(clusters.lane, np.arange(len(data.lanes) + 1))
        return _Visible(clusters, np.concatenate([empty, *items]), lane_starts)

    def _draw_markers(
        self, data: TimelineData, number: int, bars: LaneBarsItem, markers: MarkerItem, pps: float
    ) -> None:
        visible = self._visible
        assert visible is not None
        clusters = visible.clusters
        first, last = int(visible.lane_starts[number]), int(visible.lane_starts[number + 1])
        lane = data.lanes[number]
        y = lane.marker_row + 0.5
        if first == last:
            markers.clear()
            bars.set_whiskers(np.zeros((0, 3)), lane.colour)
            return
        counts = clusters.count[first:last]
        x = clusters.time[first:last] - data.origin
        sizes = _drawn_sizes(counts)
        brushes, pens = [], []
        columns = data.layout.columns
        whiskers = []
        for k, count in enumerate(counts.tolist(), start=first):
            if count > 1:
                pen, brush = self._style(lane.colour, "badge")
                pens.append(pen)
                brushes.append(brush)
                whiskers.append((clusters.first[k] - data.origin, clusters.last[k] - data.origin, y))
                continue
            index = int(visible.items[clusters.order[clusters.start[k]]])
            item = data.items[index]
            colour = item_colour(item.colour, lane.colour)
            pen, brush = self._style(colour, "disputed" * item.disputed + "approximate" * item.approximate)
            pens.append(pen)
            brushes.append(brush)
            span = (columns.latest[index] - columns.earliest[index]) * pps
            if span >= WHISKER_MIN_PX:
                whiskers.append(
                    (columns.earliest[index] - data.origin, columns.latest[index] - data.origin, y)
                )
        markers.setData(x=x, y=np.full(len(x), y), size=sizes, brush=brushes, pen=pens, symbol="o")
        view = self.view_box.viewRect()
        markers.set_bounds(QRectF(view.left(), lane.marker_row, view.width(), 1.0))
        bars.set_whiskers(np.array(whiskers, np.float64).reshape(-1, 3), with_alpha(lane.colour, 120))

    def _style(self, colour: QColor, kind: str) -> tuple[QPen, QBrush]:
        """Shared pens and brushes: pyqtgraph caches a symbol's image per pen and brush *object*."""
        key = (colour.rgba(), kind)
        style = self._styles.get(key)
        if style is None:
            if kind == "badge":
                pen, brush = cosmetic_pen(QColor("white"), 1.5), QBrush(with_alpha(colour, 215))
            else:
                fill = with_alpha(colour, 110) if "approximate" in kind else colour
                if "disputed" in kind:
                    pen = cosmetic_pen(DISPUTED, 2.0)
                elif "approximate" in kind:
                    pen = cosmetic_pen(colour.darker(140), 1.2, Qt.PenStyle.DotLine)
                else:
                    pen = cosmetic_pen(colour.darker(150), 1.0)
                brush = QBrush(fill)
            style = self._styles[key] = (pen, brush)
        return style

    def _place_labels(
        self, data: TimelineData, low: float, high: float, pps: float
    ) -> dict[int, list[Label]]:
        """Titles beside single markers and inside bars wide enough, then count numbers on badges."""
        row_px = self.view_box.height() / max(self.view_box.viewRange()[1][1], 1)
        view_px = self.view_box.width()
        visible = self._visible
        assert visible is not None
        clusters = visible.clusters
        cluster_x = (clusters.time - data.origin - low) * pps
        cluster_r = np.where(clusters.count > 1, CLUSTER_PX / 2, MARKER_PX / 2)
        cluster_rows = np.array([data.lanes[n].marker_row for n in clusters.lane.tolist()], np.int64)
        boxes = [  # markers and badges: never dropped, and no title may cover them
            _Box(cluster_x[k] - cluster_r[k], 2 * cluster_r[k], int(cluster_rows[k]), 0.0, True, -1, "")
            for k in range(len(clusters))
        ]
        left_side: list[_Box] = []  # a marker's title goes on its left where the right has no room
        beside: tuple[list[_Box], list[_Box], list[_Box]] = ([], [], [])
        if row_px >= MIN_LABEL_ROW_PX:
            for k in np.flatnonzero(clusters.count == 1).tolist():
                index = int(visible.items[clusters.order[clusters.start[k]]])
                width = self._static(index).size().width()
                start = cluster_x[k] + MARKER_PX / 2 + LABEL_GAP_PX + 1
                row, priority = int(cluster_rows[k]), self._priority(index)
                before = cluster_x[k] - MARKER_PX / 2 - LABEL_GAP_PX - 1 - width
                if before >= 0:
                    left_side.append(_Box(before, width, row, priority, False, index, "marker"))
                if start + width <= view_px:  # else it would run off the right edge
                    boxes.append(_Box(start, width, row, priority, False, index, "marker"))
            boxes.extend(self._bar_label_boxes(data, low, high, pps))
            beside = self._beside_bar_boxes(data, low, high, pps)
        if not boxes:
            return {}
        starts, widths, rows, priority, fixed, indices, kinds = zip(*boxes, strict=True)
        keep = declutter_labels(starts, widths, rows, priority, fixed=fixed, gap=LABEL_GAP_PX)
        if left_side:
            boxes, keep = self._second_side(boxes, keep, left_side)
        bars, right_of_bars, left_of_bars = beside  # titles too long for their bars: beside them
        for tries in (right_of_bars, left_of_bars):
            if tries:
                boxes, keep = self._second_side(boxes, keep, bars + tries)
        if left_side or any(beside):
            starts, widths, rows, priority, fixed, indices, kinds = zip(*boxes, strict=True)
        text_colour = self.palette().color(QPalette.ColorRole.Text)
        labels: dict[int, list[Label]] = {}
        for position in np.flatnonzero(keep).tolist():
            index, kind = indices[position], kinds[position]
            if kind == "":
                continue
            lane = int(data.layout.lane[index])
            x_plot = starts[position] / pps + low
            colour = QColor("white") if kind == "certain" else text_colour
            labels.setdefault(lane, []).append(
                Label(x_plot, rows[position] + 0.5, self._static(index), colour, self._label_font)
            )
        for k in np.flatnonzero(clusters.count > 1).tolist():
            lane = int(clusters.lane[k])
            text = self._badge_static(int(clusters.count[k]))
            labels.setdefault(lane, []).append(
                Label(
                    clusters.time[k] - data.origin,
                    cluster_rows[k] + 0.5,
                    text,
                    QColor("white"),
                    self._badge_font,
                    centred=True,
                )
            )
        return labels

    def _second_side(
        self, boxes: list[_Box], keep: NDArray[np.bool_], left_side: list[_Box]
    ) -> tuple[list[_Box], NDArray[np.bool_]]:
        """Titles that found no room right of their marker try its left, around everything already kept
        (which stays where it is)."""
        placed = {boxes[i].item for i in np.flatnonzero(keep).tolist() if boxes[i].kind}
        tries = [box for box in left_side if box.item not in placed]
        if not tries:
            return boxes, keep
        kept = [box._replace(fixed=True) for box, kept in zip(boxes, keep.tolist(), strict=True) if kept]
        second = kept + tries
        starts, widths, rows, priority, fixed, _indices, _kinds = zip(*second, strict=True)
        again = declutter_labels(starts, widths, rows, priority, fixed=fixed, gap=LABEL_GAP_PX)
        return second, np.asarray(again, dtype=bool)

    def _bar_label_boxes(self, data: TimelineData, low: float, high: float, pps: float) -> list[_Box]:
        boxes = []
        for lane in data.lanes:
            bars = lane.bars
            if not len(bars):
                continue
            left = np.maximum(bars.x0, low)
            right = np.minimum(bars.x1, high)
            # Titles sit 4 px inside the bar, and after the "<" of an open start when that is in view.
            indent = 4 + np.where(bars.open_start & (bars.x0 >= low), CHEVRON_PX + 4, 0)
            room = (right - left) * pps - indent - 4
            for position in np.flatnonzero(room >= 24).tolist():
                index = int(lane.bar_items[position])
                width = self._static(index).size().width()
                if width > room[position]:
                    continue
                start = (left[position] - low) * pps + indent[position]
                c0, c1 = bars.c0[position], bars.c1[position]
                certain = (
                    not math.isnan(c0)
                    and c0 <= left[position] + 4 / pps
                    and c1 >= left[position] + (width + 4) / pps
                )
                row = int(bars.row[position])
                kind = "certain" if certain else "bar"
                boxes.append(_Box(start, width, row, self._priority(index), False, index, kind))
        return boxes

    def _beside_bar_boxes(
        self, data: TimelineData, low: float, high: float, pps: float
    ) -> tuple[list[_Box], list[_Box], list[_Box]]:
        """For titles that do not fit inside their bars (a short or hatched bar, an approximate title with
        its "~"): the bars in view, which such a title must not cover, and the places right and left of
        each bar where its title may go instead."""
        obstacles: list[_Box] = []
        right_side: list[_Box] = []
        left_side: list[_Box] = []
        view_px = self.view_box.width()
        for lane in data.lanes:
            bars = lane.bars
            shown = np.flatnonzero((bars.x1 > low) & (bars.x0 < high))
            for position in shown.tolist():
                x0, x1 = float(bars.x0[position]), float(bars.x1[position])
                left_px, right_px = (max(x0, low) - low) * pps, (min(x1, high) - low) * pps
                row = int(bars.row[position])
                obstacles.append(_Box(left_px, max(right_px - left_px, 1.0), row, 0.0, True, -1, ""))
                index = int(lane.bar_items[position])
                width = self._static(index).size().width()
                priority = self._priority(index)
                after = right_px + LABEL_GAP_PX + 1  # clear of the gap the decluttering keeps
                if x1 < high and after + width <= view_px:
                    right_side.append(_Box(after, width, row, priority, False, index, "marker"))
                before = left_px - LABEL_GAP_PX - 1 - width
                if x0 > low and before >= 0:
                    left_side.append(_Box(before, width, row, priority, False, index, "marker"))
        return obstacles, right_side, left_side

    def _priority(self, index: int) -> float:
        if index == self._selected:
            return math.inf
        return float(self._items[index].evidence_count or 0)

    def _static(self, index: int) -> QStaticText:
        """An item's title, laid out once; kept by its words (not its position), so a new layout after a
        change prepares only the titles that are new."""
        item = self._items[index]
        key = (item.approximate, item.title)
        static = self._statics.get(key)
        if static is not None:
            self._statics.move_to_end(key)
            return static
        title = ("~ " if item.approximate else "") + " ".join(item.title.split())
        title = self._metrics.elidedText(title, Qt.TextElideMode.ElideRight, MAX_LABEL_PX)
        static = QStaticText(title)
        static.setTextFormat(Qt.TextFormat.PlainText)
        static.prepare(font=self._label_font)
        self._statics[key] = static
        if len(self._statics) > MAX_CACHED_TITLES:
            self._statics.popitem(last=False)
        return static

    def _badge_static(self, count: int) -> QStaticText:
        text = compact_count(count)
        static = self._badge_statics.get(text)
        if static is None:
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(font=self._badge_font)
            self._badge_statics[text] = static
        return static

    # --- selection ----------------------------------------------------------------------------------

    def _show_selection(self, view: QRectF, pps: float) -> None:
        data = self._data
        if data is None or self._selected is None:
            self.selection.clear()
            return
        index = self._selected
        if data.layout.columns.is_bar[index]:
            row = float(data.layout.row[index])
            x0, x1 = data.bar_x0[index] - data.origin, data.bar_x1[index] - data.origin
            x1 = max(x1, x0 + 2 / pps)
            self.selection.show_bar(QRectF(x0, row + BAR_MARGIN, x1 - x0, 1 - 2 * BAR_MARGIN), view)
            return
        point = self._drawn_point(index)
        cluster = self._cluster_of(index)
        if point is None or cluster is None:
            self.selection.clear()
            return
        count = int(self._visible.clusters.count[cluster]) if self._visible is not None else 1
        self.selection.show_marker(point.x(), point.y(), _drawn_size(count) / 2, view)

    def _cluster_of(self, index: int) -> int | None:
        """The visible cluster holding marker item ``index``, if it is in view."""
        visible, data = self._visible, self._data
        if visible is None or data is None or data.layout.columns.is_bar[index]:
            return None
        number = int(data.layout.lane[index])
        first, last = int(visible.lane_starts[number]), int(visible.lane_starts[number + 1])
        time = data.layout.columns.anchor[index]
        k = first + int(np.searchsorted(visible.clusters.last[first:last], time))
        if k < last and visible.clusters.first[k] <= time and index in visible.members(k):
            return k
        return None

    def _drawn_point(self, index: int) -> QPointF | None:
        data = self._data
        if data is None or not data.layout.placed[index]:
            return None
        if data.layout.columns.is_bar[index]:
            (low, high), _ = self.view_box.viewRange()
            x0 = max(data.bar_x0[index] - data.origin, low)
            x1 = min(data.bar_x1[index] - data.origin, high)
            if x1 < x0:
                return None
            return QPointF((x0 + x1) / 2, float(data.layout.row[index]) + 0.5)
        cluster = self._cluster_of(index)
        if cluster is None or self._visible is None:
            return None
        row = data.lanes[int(data.layout.lane[index])].marker_row
        return QPointF(float(self._visible.clusters.time[cluster]) - data.origin, row + 0.5)

    def _select_by_user(self, index: int) -> None:
        data = self._data
        if data is None:
            return
        changed = index != self._selected
        with self._one_refresh():
            self._selected = index
            self._reveal(index)
        if changed:
            self.item_selected.emit(data.items[index].id)

    def _reveal(self, index: int) -> None:
        data = self._data
        if data is None or not data.layout.placed[index]:
            return
        low, high = self.visible_range()
        start, end = float(data.bar_x0[index]), float(data.bar_x1[index])
        if start <= high and end >= low:
            return
        middle, half = (start + end) / 2, (high - low) / 2
        self._set_range(middle - half, middle + half)

    # --- hit testing --------------------------------------------------------------------------------

    def _hit_widget(self, pos: QPoint) -> tuple[str, int] | None:
        viewport = self.plot.viewport()
        scene = self.plot.mapToScene(viewport.mapFrom(self, pos))
        if not self.view_box.sceneBoundingRect().contains(scene):
            return None
        return self._hit(self.view_box.mapSceneToView(scene))

    def _hit(self, point: QPointF) -> tuple[str, int] | None:
        """("item", item index) or ("cluster", visible cluster) under ``point`` (view coordinates)."""
        data, visible = self._data, self._visible
        if data is None or visible is None:
            return None
        (low, high), _ = self.view_box.viewRange()
        pps = self.view_box.width() / (high - low)
        row = math.floor(point.y())
        lane = next(
            (
                lane
                for lane in data.lanes
                if lane.lane.first_row <= row < lane.lane.first_row + lane.lane.rows
            ),
            None,
        )
        if lane is None:
            return None
        if lane.lane.has_markers and row == lane.marker_row:
            first, last = int(visible.lane_starts[lane.number]), int(visible.lane_starts[lane.number + 1])
            if first == last:
                return None
            distance = np.abs(visible.clusters.time[first:last] - data.origin - point.x()) * pps
            k = int(np.argmin(distance))
            count = int(visible.clusters.count[first + k])
            reach = (CLUSTER_PX / 2 if count > 1 else MARKER_PX / 2) + HIT_PX
            if distance[k] > reach:
                return None
            if count > 1:
                return "cluster", first + k
            return "item", int(visible.members(first + k)[0])
        bars = lane.bars
        slack = HIT_PX / pps
        inside = np.flatnonzero(
            (bars.row == row)
            & (bars.x0 - slack <= point.x())
            & (np.maximum(bars.x1, bars.x0 + 2 / pps) + slack >= point.x())
        )
        if not len(inside):
            return None
        centres = (bars.x0[inside] + bars.x1[inside]) / 2
        best = inside[int(np.argmin(np.abs(centres - point.x())))]
        return "item", int(lane.bar_items[best])

    # --- events -------------------------------------------------------------------------------------

    def _on_clicked(self, point: QPointF, double: bool) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        zoomed, self._zoomed_by_click = self._zoomed_by_click, False
        if double and zoomed:
            return  # the second click of a double-click on a badge: what is under it now was not aimed at
        hit = self._hit(point)
        if hit is None or self._data is None:
            return
        kind, index = hit
        if kind == "cluster" and self._visible is not None:
            clusters = self._visible.clusters
            first, last = float(clusters.first[index]), float(clusters.last[index])
            pad = max((last - first) * 0.15, MIN_RANGE)
            self.zoom_to(first - pad, last + pad)
            self._zoomed_by_click = True
            return
        if double:
            self.item_activated.emit(self._data.items[index].id)
        else:
            self._select_by_user(index)

    def _on_context_clicked(self, point: QPointF, screen: QPointF) -> None:
        """A right click on an item selects it and asks for its menu (on a badge or nothing: no menu)."""
        hit = self._hit(point)
        if hit is None or self._data is None or hit[0] != "item":
            return
        self._select_by_user(hit[1])
        self.item_context_requested.emit(self._data.items[hit[1]].id, screen.toPoint())

    def _on_band_zoom(self, low: float, high: float) -> None:
        origin = self._origin()
        self.zoom_to(low + origin, high + origin)

    def _on_overview_region(self, low: float, high: float) -> None:
        if self._syncing_overview:
            return
        origin = self._origin()
        self.zoom_to(low + origin, high + origin)

    def _on_overview_click(self, x: float) -> None:
        low, high = self.visible_range()
        half = (high - low) / 2
        centre = x + self._origin()
        self.zoom_to(centre - half, centre + half)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End):
            self._step(key)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._selected is not None and self._data:
            self.item_activated.emit(self._data.items[self._selected].id)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal, Qt.Key.Key_Minus):
            self._zoom_by(0.5 if key != Qt.Key.Key_Minus else 2.0)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _step(self, key: int) -> None:
        data = self._data
        if data is None or not len(data.order):
            return
        order = data.order
        if key == Qt.Key.Key_Home:
            position = 0
        elif key == Qt.Key.Key_End:
            position = len(order) - 1
        elif self._selected is not None and data.rank[self._selected] >= 0:
            step = 1 if key == Qt.Key.Key_Right else -1
            position = int(np.clip(data.rank[self._selected] + step, 0, len(order) - 1))
        else:
            low, high = self.visible_range()
            starts = np.clip(data.layout.columns.earliest[order], *data.domain)  # sorted, as ``order`` is
            position = (
                int(np.searchsorted(starts, low))
                if key == Qt.Key.Key_Right
                else int(np.searchsorted(starts, high)) - 1
            )
            position = int(np.clip(position, 0, len(order) - 1))
        self._select_by_user(int(order[position]))

    def _zoom_by(self, factor: float) -> None:
        low, high = self.visible_range()
        middle, half = (low + high) / 2, (high - low) / 2 * factor
        self.zoom_to(middle - half, middle + half)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and watched is self.plot.viewport():
            assert isinstance(event, QHelpEvent)
            text = self.tooltip_at(self.plot.viewport().mapTo(self, event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self.plot.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)


def _drawn_sizes(counts: NDArray[np.int64]) -> NDArray[np.float64]:
    """The diameter (pixels) of a marker (count 1) or of a badge counting ``counts`` markers."""
    return np.where(counts > 1, np.take(BADGE_PX, np.searchsorted(BADGE_STEPS, counts, "right")), MARKER_PX)


def _drawn_size(count: int) -> float:
    return float(_drawn_sizes(np.array([count], np.int64))[0])


def blend(base: QColor, over: QColor, amount: float) -> QColor:
    def mix(b: float, o: float) -> float:
        return b + (o - b) * amount

    return QColor.fromRgbF(
        mix(base.redF(), over.redF()), mix(base.greenF(), over.greenF()), mix(base.blueF(), over.blueF())
    )
