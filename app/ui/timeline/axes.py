"""The time axis (ticks from ``app.core.timeline_layout.axis_ticks``, labels in the display time zone) and
the lane header column on the left.

Labels are formatted with ``QLocale`` from the tick's wall-clock time, so month names follow the UI
language, and the format patterns go through ``tr()`` so a translation can reorder them. The wall-clock
time is put in a UTC ``QDateTime`` only to be formatted: Qt never converts it, so the process time zone
cannot shift a label.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QTime, QTimeZone
from PySide6.QtGui import QFont, QFontMetricsF

from app.core.timeline_layout import Tick, TimeUnit, axis_ticks, declutter_labels, to_local

LABEL_GAP_PX = 12.0


def tr(text: str, disambiguation: str | None = None) -> str:
    return QCoreApplication.translate("Timeline", text, disambiguation)


def qt_wall_time(wall: datetime) -> QDateTime:
    return QDateTime(
        QDate(wall.year, wall.month, wall.day), QTime(wall.hour, wall.minute, wall.second), QTimeZone.utc()
    )


def format_wall(wall: datetime, pattern: str, locale: QLocale | None = None) -> str:
    return (locale or QLocale()).toString(qt_wall_time(wall), pattern)


def tick_label(tick: Tick, locale: QLocale | None = None) -> str:
    """What a tick says: the unit's own value, with more context on major ticks."""
    wall = tick.local
    if tick.unit is TimeUnit.YEAR or (tick.unit is TimeUnit.MONTH and tick.major):
        return year_text(wall.year, locale)
    if tick.unit is TimeUnit.MONTH:
        return format_wall(wall, tr("MMM", "axis: a month among months"), locale)
    if tick.unit is TimeUnit.DAY:
        pattern = (
            tr("MMM yyyy", "axis: first of a month among days") if tick.major else tr("d", "axis: a day")
        )
        return format_wall(wall, pattern, locale)
    if tick.major:
        pattern = (
            tr("d MMM yyyy", "axis: midnight among hours")
            if tick.unit is TimeUnit.HOUR
            else tr("d MMM HH:mm", "axis: a full hour among minutes")
        )
        return format_wall(wall, pattern, locale)
    return format_wall(wall, tr("HH:mm", "axis: a time of day"), locale)


def year_text(year: int, locale: QLocale | None = None) -> str:
    numbers = QLocale(locale or QLocale())
    numbers.setNumberOptions(QLocale.NumberOption.OmitGroupSeparator)
    return numbers.toString(year)


class TimeAxis(pg.AxisItem):
    """A bottom axis over plot coordinates ``time - origin``, ticking in a display time zone."""

    def __init__(self, tz: tzinfo, **kwargs: Any) -> None:
        super().__init__("bottom", **kwargs)
        self.tz = tz
        self.origin = 0.0
        self.setStyle(textFillLimits=[(0, 1.0)], autoExpandTextSpace=True, tickTextOffset=4)
        self._labels: dict[float, list[str]] = {}

    def set_origin(self, origin: float) -> None:
        self.origin = origin
        self.picture = None
        self.update()

    def set_timezone(self, tz: tzinfo) -> None:
        self.tz = tz
        self.picture = None
        self.update()

    def tickValues(self, low: float, high: float, size: float) -> list[tuple[float, list[float]]]:
        ticks = axis_ticks(low + self.origin, high + self.origin, size, self.tz)
        if not ticks:
            return []
        labels = [tick_label(tick) for tick in ticks]
        shown = self._declutter(ticks, labels, low, high, size)
        majors = [index for index, tick in enumerate(ticks) if tick.major]
        minors = [index for index, tick in enumerate(ticks) if not tick.major]
        step = ticks[0].step * 1.0
        levels = []
        for spacing, indices in ((2 * step, majors), (step, minors)):
            self._labels[spacing] = [labels[i] if shown[i] else "" for i in indices]
            levels.append((spacing, [ticks[i].time - self.origin for i in indices]))
        return levels

    def tickStrings(self, values: Sequence[float], scale: float, spacing: float) -> list[str]:
        labels = self._labels.get(spacing, [])
        return labels if len(labels) == len(values) else [""] * len(values)

    def _declutter(
        self, ticks: Sequence[Tick], labels: Sequence[str], low: float, high: float, size: float
    ) -> np.ndarray:
        metrics = QFontMetricsF(self.style["tickFont"] or QFont())
        widths = np.array([metrics.horizontalAdvance(label) for label in labels])
        centres = np.array([(tick.time - self.origin - low) / (high - low) * size for tick in ticks])
        priority = np.array([1.0 if tick.major else 0.0 for tick in ticks])
        return declutter_labels(centres - widths / 2, widths, priority=priority, gap=LABEL_GAP_PX)


class LaneAxis(pg.AxisItem):
    """The lane headers: each lane's name beside its rows, and a rule between lanes."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("left", **kwargs)
        self.setStyle(tickLength=0, autoExpandTextSpace=False, tickTextOffset=8)
        self.setWidth(140)

    def set_lanes(self, names: Sequence[str], centres: Sequence[float], width: float) -> None:
        self.setTicks([list(zip(centres, names, strict=True)), []])
        self.setWidth(width)


def zone_caption(tz: tzinfo, at: float) -> str:
    """ "Asia/Jerusalem (UTC+03:00)": the zone and its offset at ``at``."""
    name = getattr(tz, "key", None) or str(tz)
    local = to_local(at, tz).replace(tzinfo=tz)
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    if minutes == 0 and name.upper() in ("UTC", "ETC/UTC", "Z"):
        return tr("Times in UTC")  # not "UTC (UTC+00:00)"
    return tr("Times in {zone} (UTC{offset})").format(
        zone=name, offset=f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    )
