"""What the timeline says in words: dates in the display time zone, tooltips, badge counts, zone names.

Every phrase goes through ``tr()``; dates are formatted from the wall-clock time in the display zone (see
``axes.format_wall``), so neither the process time zone nor Qt's own conversions can shift them.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QCoreApplication, Qt, QTimeZone

from app.core.timeline_layout import Order, TimelineItem, relative_order, to_local
from app.ui.reader import paragraph_direction
from app.ui.timeline.axes import format_wall, tr


def resolve_timezone(tz: tzinfo | str | None) -> tzinfo:
    """A zone from a zone, an IANA name, ``"UTC"``, or None/``"local"`` for the system's zone."""
    if isinstance(tz, tzinfo):
        return tz
    if tz is None or tz == "local":
        tz = bytes(QTimeZone.systemTimeZoneId().data()).decode() or "UTC"
    if tz.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz!r}") from exc


def compact_count(count: int) -> str:
    """A badge's number in at most four characters: 7, 950, 1.2k, 12k, 340k, 1.2M."""
    for divisor, template in (
        (1_000_000, tr("{0}M", "millions of events")),
        (1000, tr("{0}k", "thousands of events")),
    ):
        if count >= divisor:
            value = count / divisor
            return template.format(f"{value:.1f}" if value < 10 else f"{value:.0f}")
    return str(count)


def when_text(earliest: float | None, latest: float | None, tz: tzinfo) -> str:
    """A possible range as a person would say it: "31 Jul 2023", "1 Jul 2023 – 31 Jul 2023", "Before …"."""
    if earliest is None and latest is None:
        return tr("Undated")
    if earliest is None:
        return tr("Before {time}").format(time=_instant_text(latest, tz, end=True))
    if latest is None:
        return tr("After {time}").format(time=_instant_text(earliest, tz, end=False))
    if earliest == latest:
        return _instant_text(earliest, tz, end=False)
    start, end = _instant_text(earliest, tz, end=False), _instant_text(latest, tz, end=True)
    return start if start == end else tr("{start} – {end}").format(start=start, end=end)


def _instant_text(time: float | None, tz: tzinfo, *, end: bool) -> str:
    """A date, or a date and time if not at midnight; an (exclusive) end at midnight names the day before."""
    assert time is not None
    wall = to_local(time, tz)
    if wall.time() == wall.min.time():
        day = wall - timedelta(days=1) if end else wall
        return format_wall(day, tr("d MMM yyyy", "tooltip: a date"))
    zone = wall.replace(tzinfo=tz).tzname() or ""
    return f"{format_wall(wall, tr('d MMM yyyy HH:mm', 'tooltip: a date and time'))} {zone}".strip()


def _line(text: str, *, bold: bool = False) -> str:
    """One tooltip line as rich text, escaped, in its own direction (a Hebrew title reads from the right)."""
    direction = "rtl" if paragraph_direction(text) == Qt.LayoutDirection.RightToLeft else "ltr"
    body = f"<b>{html.escape(text)}</b>" if bold else html.escape(text)
    return f"<div dir='{direction}'>{body}</div>"


def _order_text(order: Order) -> str:
    if order is Order.BEFORE:
        return tr("Before the selected event")
    if order is Order.AFTER:
        return tr("After the selected event")
    return tr("Its order against the selected event is uncertain")  # possible ranges overlap


def tooltip_for_item(item: TimelineItem, tz: tzinfo, selected: TimelineItem | None = None) -> str:
    lines = [_line(item.title, bold=True), _line(when_text(item.earliest, item.latest, tz))]
    certain = (item.certain_start, item.certain_end)
    if item.certain_start is not None and certain != (item.earliest, item.latest):
        lines.append(_line(tr("Certain: {when}").format(when=when_text(*certain, tz))))
    flags = [tr("approximate")] * item.approximate + [tr("disputed")] * item.disputed
    if flags:
        lines.append(_line(", ".join(flags)))
    if item.evidence_count is not None:
        lines.append(_line(tr("Evidence: {count}").format(count=item.evidence_count)))
    if item.tooltip:
        lines.append(_line(item.tooltip))
    if selected is not None and selected.id != item.id:
        lines.append(_line(_order_text(relative_order(item, selected))))
    return "".join(lines)


def tooltip_for_cluster(items: Sequence[TimelineItem], tz: tzinfo) -> str:
    earliest = min((item.earliest for item in items if item.earliest is not None), default=None)
    latest = max((item.latest for item in items if item.latest is not None), default=None)
    return "".join(
        [
            _line(QCoreApplication.translate("Timeline", "%n events", None, len(items)), bold=True),
            _line(when_text(earliest, latest, tz)),
            _line(tr("Click to zoom in")),
        ]
    )
