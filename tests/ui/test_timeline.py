"""The timeline widget, offscreen with real input events: zoom, pan, band zoom, clicks, keys, badges, RTL."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import pairwise

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPalette,
    QStaticText,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from app.core.timeline_layout import NO_GROUPING, TimelineItem
from app.ui.fonts import FontChoice, ui_font
from app.ui.timeline import TimelineView
from app.ui.timeline.items import Label
from tests.ui.conftest import Screenshot

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

DAY = 86_400.0
LANES = ("Flights", "Money", "מקורות")
TITLES = (
    "Aircraft landed at Pyongyang",
    "המטוס נחת בפיונגיאנג",
    "هبطت الطائرة في بيونغ يانغ",
    "Самолёт вылетел",
)
LONE_MARKER, LONE_BAR, NEIGHBOUR = 5001, 5002, 5003
SHIFT = Qt.KeyboardModifier.ShiftModifier


def at(*parts: int) -> float:
    return datetime(*parts, tzinfo=UTC).timestamp()  # type: ignore[misc]


def event(
    id: int, title: str, lane: str, earliest: float | None, latest: float | None, **flags: object
) -> TimelineItem:
    values: dict[str, object] = {
        "certain_start": None,
        "certain_end": None,
        "has_end": False,
        "approximate": False,
        "disputed": False,
        "colour": None,
    }
    values.update(flags)
    return TimelineItem(id, title, lane, earliest, latest, **values)  # type: ignore[arg-type]


def thousand_items() -> list[TimelineItem]:
    """1,000 events in three lanes over 2020-2022, plus three alone in 2019 to aim at."""
    rng = np.random.default_rng(4)
    items = []
    for n in range(1000):
        lane = LANES[n % 3]
        day = at(2020, 1, 1) + math.floor(rng.uniform(0, 3 * 365)) * DAY
        if lane == "Money" and n % 2:
            length = math.floor(rng.uniform(2, 60)) * DAY
            certain = {"certain_start": day + DAY, "certain_end": day + length - DAY} if n % 4 == 1 else {}
            items.append(event(n, TITLES[n % 4], lane, day, day + length, has_end=True, **certain))
        else:
            items.append(event(n, TITLES[n % 4], lane, day, day + DAY, evidence_count=n % 3))
    items.append(event(LONE_MARKER, "Lone sighting", "Flights", at(2019, 6, 15), at(2019, 6, 16)))
    items.append(event(LONE_BAR, "Lone lease", "Money", at(2019, 5, 1), at(2019, 5, 20), has_end=True))
    items.append(event(NEIGHBOUR, "Next sighting", "Flights", at(2019, 7, 1, 9), at(2019, 7, 1, 9)))
    return items


@pytest.fixture
def view(fonts: FontChoice, qtbot: QtBot) -> Iterator[TimelineView]:
    widget = TimelineView()
    qtbot.addWidget(widget)
    widget.resize(1200, 520)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_items(thousand_items())
    yield widget


def viewport_pos(view: TimelineView, pos: QPoint) -> QPointF:
    return QPointF(view.plot.viewport().mapFrom(view, pos))


def send_mouse(
    view: TimelineView,
    kind: QEvent.Type,
    pos: QPointF,
    button: Qt.MouseButton,
    held: Qt.MouseButton,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    viewport = view.plot.viewport()
    mouse = QMouseEvent(kind, pos, QPointF(viewport.mapToGlobal(pos.toPoint())), button, held, modifiers)
    QApplication.sendEvent(viewport, mouse)


def click(view: TimelineView, pos: QPoint, *, double: bool = False) -> None:
    at_pos = viewport_pos(view, pos)
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    send_mouse(view, QEvent.Type.MouseButtonPress, at_pos, left, left)
    send_mouse(view, QEvent.Type.MouseButtonRelease, at_pos, left, none)
    if double:
        send_mouse(view, QEvent.Type.MouseButtonDblClick, at_pos, left, left)
        send_mouse(view, QEvent.Type.MouseButtonRelease, at_pos, left, none)


def drag(
    view: TimelineView,
    start: QPoint,
    end: QPoint,
    button: Qt.MouseButton,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    first, last = viewport_pos(view, start), viewport_pos(view, end)
    send_mouse(view, QEvent.Type.MouseButtonPress, first, button, button, modifiers)
    for fraction in np.linspace(0.1, 1.0, 10):
        point = first + (last - first) * float(fraction)
        QTest.qWait(12)  # pyqtgraph drops moves closer together than its mouseRateLimit (100 per second)
        send_mouse(view, QEvent.Type.MouseMove, point, Qt.MouseButton.NoButton, button, modifiers)
    send_mouse(view, QEvent.Type.MouseButtonRelease, last, button, Qt.MouseButton.NoButton, modifiers)


def wheel(view: TimelineView, x: float, notches: int) -> None:
    viewport = view.plot.viewport()
    position = QPointF(x, viewport.height() / 3)
    QApplication.sendEvent(
        viewport,
        QWheelEvent(
            position,
            QPointF(viewport.mapToGlobal(position.toPoint())),
            QPoint(0, 0),
            QPoint(0, 120 * notches),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        ),
    )


def span(view: TimelineView) -> float:
    low, high = view.visible_range()
    return high - low


# --- zoom and pan ---------------------------------------------------------------------------------------


def markers_of(items: list[TimelineItem]) -> list[TimelineItem]:
    return [item for item in items if not item.has_end]  # every point event here is a day or finer


def test_fit_all_shows_every_event(view: TimelineView) -> None:
    low, high = view.visible_range()
    assert low < at(2019, 5, 1) and high > at(2022, 12, 1)
    assert sum(marker.count for marker in view.drawn_markers()) == len(markers_of(thousand_items()))


def test_the_wheel_zooms_time_around_the_pointer_and_leaves_rows_alone(
    view: TimelineView, qtbot: QtBot
) -> None:
    rows_before = view.view_box.viewRange()[1]
    x = view.plot.viewport().width() * 0.7
    pointer_time = view.time_at(view.plot.viewport().mapTo(view, QPoint(round(x), 0)).x())
    before = span(view)
    with qtbot.waitSignal(view.visible_range_changed) as changed:
        wheel(view, x, 3)
    low, high = changed.args
    assert (low, high) == pytest.approx(view.visible_range())
    assert span(view) < before * 0.95
    assert view.time_at(view.plot.viewport().mapTo(view, QPoint(round(x), 0)).x()) == pytest.approx(
        pointer_time, abs=before / 1000
    )
    assert view.view_box.viewRange()[1] == rows_before
    narrowed = span(view)
    wheel(view, x, -6)
    assert span(view) > narrowed * 1.05


def test_dragging_pans_and_right_dragging_zooms_to_the_band(view: TimelineView) -> None:
    view.zoom_to(at(2021, 1, 1), at(2021, 12, 31))
    width = span(view)
    low = view.visible_range()[0]
    y = view.plot.viewport().mapTo(view, QPoint(0, 60)).y()
    left = view.plot.viewport().mapTo(view, QPoint(300, 0)).x()
    drag(view, QPoint(left + 200, y), QPoint(left, y), Qt.MouseButton.LeftButton)
    assert span(view) == pytest.approx(width, rel=1e-6)
    assert view.visible_range()[0] > low + width * 0.05  # dragged leftwards: later times come into view
    start, end = view.time_at(left), view.time_at(left + 300)
    drag(view, QPoint(left, y), QPoint(left + 300, y), Qt.MouseButton.RightButton)
    assert view.visible_range() == pytest.approx((start, end), abs=(end - start) / 100)
    start, end = view.time_at(left + 100), view.time_at(left + 400)
    drag(view, QPoint(left + 400, y), QPoint(left + 100, y), Qt.MouseButton.LeftButton, SHIFT)  # either way
    assert view.visible_range() == pytest.approx((start, end), abs=(end - start) / 100)


def test_zoom_to_and_fit_all_report_the_range(view: TimelineView, qtbot: QtBot) -> None:
    with qtbot.waitSignal(view.visible_range_changed) as changed:
        view.zoom_to(at(2021, 3, 1), at(2021, 4, 1))
    assert changed.args == pytest.approx([at(2021, 3, 1), at(2021, 4, 1)])
    view.fit_all()
    assert span(view) > 3 * 365 * DAY


# --- clicks, keys and tooltips --------------------------------------------------------------------------


def test_clicking_the_pixel_of_a_marker_selects_it(view: TimelineView, qtbot: QtBot) -> None:
    view.zoom_to(at(2019, 4, 20), at(2019, 7, 10))
    pos = view.item_position(LONE_MARKER)
    assert pos is not None
    assert view.time_at(pos.x()) == pytest.approx(at(2019, 6, 15, 12), abs=span(view) / 1000)  # mid-day
    with qtbot.waitSignal(view.item_selected) as selected:
        click(view, pos + QPoint(2, 1))  # a few pixels off still hits
    assert selected.args == [LONE_MARKER]
    assert view.selected() == LONE_MARKER


def test_clicking_a_bar_selects_it_and_double_clicking_activates(view: TimelineView, qtbot: QtBot) -> None:
    view.zoom_to(at(2019, 4, 20), at(2019, 7, 10))
    pos = view.item_position(LONE_BAR)
    assert pos is not None
    assert at(2019, 5, 1) < view.time_at(pos.x()) < at(2019, 5, 20)
    with qtbot.waitSignal(view.item_selected) as selected:
        click(view, pos)
    assert selected.args == [LONE_BAR]
    with qtbot.waitSignal(view.item_activated) as activated:
        click(view, pos, double=True)
    assert activated.args == [LONE_BAR]


def test_clicking_empty_space_selects_nothing(view: TimelineView, qtbot: QtBot) -> None:
    view.zoom_to(at(2019, 4, 20), at(2019, 7, 10))
    pos = view.item_position(LONE_MARKER)
    assert pos is not None
    with qtbot.assertNotEmitted(view.item_selected):
        click(view, pos + QPoint(0, 200))
        click(view, QPoint(view.width() - 40, pos.y()))  # far from any marker in the row
    assert view.selected() is None


def reading_order(items: list[TimelineItem]) -> list[int]:
    def key(item: TimelineItem) -> tuple[float, float, int]:
        earliest = -math.inf if item.earliest is None else item.earliest
        latest = math.inf if item.latest is None else item.latest
        return earliest, latest, item.id

    return [item.id for item in sorted(items, key=key)]


def test_left_and_right_step_through_events_in_time_home_and_end_jump(
    view: TimelineView, qtbot: QtBot
) -> None:
    order = reading_order(thousand_items())
    assert order[:3] == [LONE_BAR, LONE_MARKER, NEIGHBOUR]
    view.select(LONE_MARKER)
    view.setFocus()
    with qtbot.waitSignal(view.item_selected) as selected:
        qtbot.keyClick(view, Qt.Key.Key_Right)
    assert selected.args == [NEIGHBOUR]
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.selected() == order[3]
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert view.selected() == LONE_MARKER
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.selected() == order[-1]
    low, high = view.visible_range()
    assert low <= at(2022, 12, 1) and high >= at(2022, 12, 1)  # the last event was brought into view
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.selected() == LONE_BAR
    with qtbot.waitSignal(view.item_activated) as activated:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert activated.args == [LONE_BAR]


def test_select_by_the_program_highlights_without_signalling(view: TimelineView, qtbot: QtBot) -> None:
    view.zoom_to(at(2021, 1, 1), at(2021, 2, 1))
    with qtbot.assertNotEmitted(view.item_selected):
        view.select(LONE_BAR)
    assert view.selected() == LONE_BAR
    low, high = view.visible_range()
    assert low <= at(2019, 5, 20) and high >= at(2019, 5, 1)  # revealed
    assert view.selection.bar is not None
    view.select(None)
    assert view.selected() is None


def test_tooltips_say_when_what_and_how_sure(view: TimelineView) -> None:
    view.set_display_timezone("Asia/Jerusalem")
    view.zoom_to(at(2019, 4, 20), at(2019, 7, 10))
    marker, bar = view.item_position(LONE_MARKER), view.item_position(LONE_BAR)
    assert marker is not None and bar is not None
    text = view.tooltip_at(marker)
    assert "Lone sighting" in text and "15 Jun 2019 03:00 IDT" in text  # day in UTC, shown in Israel
    assert "Lone lease" in view.tooltip_at(
        bar
    ) and "1 May 2019 03:00 IDT – 20 May 2019 03:00 IDT" in view.tooltip_at(bar)
    view.select(LONE_BAR)
    assert "After the selected event" in view.tooltip_at(marker)
    view.select(NEIGHBOUR)
    assert "Before the selected event" in view.tooltip_at(marker)
    assert view.tooltip_at(QPoint(5, 5)) == ""


@pytest.mark.qt_log_ignore(  # offscreen cannot raise the tip's window either
    "This plugin does not support propagateSizeHints", "This plugin does not support raise"
)
def test_hovering_shows_the_tooltip(view: TimelineView, qtbot: QtBot) -> None:
    view.zoom_to(at(2019, 4, 20), at(2019, 7, 10))
    pos = view.item_position(LONE_MARKER)
    assert pos is not None
    viewport = view.plot.viewport()
    inside = viewport.mapFrom(view, pos)
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, inside, viewport.mapToGlobal(inside)))
    qtbot.waitUntil(QToolTip.isVisible)
    assert "Lone sighting" in QToolTip.text()
    outside = QPoint(3, 3)
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, outside, viewport.mapToGlobal(outside)))
    qtbot.waitUntil(lambda: not QToolTip.isVisible())


# --- clustering -----------------------------------------------------------------------------------------


def test_dense_stretches_become_count_badges_that_split_as_you_zoom_in(view: TimelineView) -> None:
    zoomed_out = view.drawn_markers()
    badges = [marker for marker in zoomed_out if marker.count > 1]
    assert badges, "a 4-year view of 835 markers must cluster"
    badge = max(badges, key=lambda marker: marker.count)
    members = set(badge.ids)
    view.zoom_to(at(2019, 4, 1), at(2023, 2, 1))
    pos = view.item_position(badge.ids[0])
    assert pos is not None
    click(view, pos)  # clicking a badge zooms to what it holds
    assert span(view) < (at(2023, 2, 1) - at(2019, 4, 1)) / 5
    inside = [marker for marker in view.drawn_markers() if set(marker.ids) & members]
    assert len(inside) > 1 and sum(len(set(marker.ids) & members) for marker in inside) == len(members)
    assert max(marker.count for marker in inside) < badge.count


def test_markers_in_view_are_all_counted_once(view: TimelineView) -> None:
    view.zoom_to(at(2020, 6, 1), at(2020, 9, 1))
    drawn = view.drawn_markers()
    ids = [item_id for marker in drawn for item_id in marker.ids]
    assert len(ids) == len(set(ids))
    low, high = view.visible_range()
    expected = {
        item.id
        for item in thousand_items()
        if not item.has_end and low <= (item.earliest + item.latest) / 2 <= high  # type: ignore[operator]
    }
    assert expected <= set(ids)


def test_drawn_titles_never_overlap(view: TimelineView) -> None:
    drawn = 0
    for start, end in (
        (at(2020, 1, 1), at(2023, 1, 1)),
        (at(2021, 3, 1), at(2021, 5, 1)),
        (at(2021, 3, 20), at(2021, 4, 5)),
    ):
        view.zoom_to(start, end)
        boxes: dict[float, list[tuple[float, float]]] = {}
        for label in view.drawn_labels():
            if label.centred:
                continue  # a badge's number, inside its badge
            corner = label_corner(view, label)
            boxes.setdefault(label.y, []).append((corner.x(), corner.x() + label.text.size().width()))
        for row in boxes.values():
            row.sort()
            assert all(left[1] <= right[0] for left, right in pairwise(row)), row
        drawn += sum(len(row) for row in boxes.values())
    assert drawn > 20


def test_double_clicking_a_badge_zooms_once_and_activates_nothing(view: TimelineView, qtbot: QtBot) -> None:
    badge = max(view.drawn_markers(), key=lambda marker: marker.count)
    pos = view.item_position(badge.ids[0])
    assert pos is not None and badge.count > 1
    with qtbot.assertNotEmitted(view.item_activated), qtbot.assertNotEmitted(view.item_selected):
        click(view, pos, double=True)
    assert span(view) < 365 * DAY


def test_nothing_to_show_is_shown_quietly(fonts: FontChoice, qtbot: QtBot) -> None:
    view = TimelineView()
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    view.set_items([])
    assert view.drawn_markers() == [] and view.lane_titles() == []
    view.set_items([event(1, "Undated", "A", None, None)])
    assert view.drawn_markers() == [] and view.lane_titles() == []
    view.fit_all()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.selected() is None
    view.set_items(
        [event(1, "Undated", "A", None, None), event(2, "Only one", "B", at(2023, 1, 1), at(2023, 1, 1))]
    )
    assert view.lane_titles() == ["B"]
    assert [marker.ids for marker in view.drawn_markers()] == [(2,)]
    low, high = view.visible_range()
    assert low < at(2023, 1, 1) < high


def test_lanes_stop_growing_at_max_bar_rows(fonts: FontChoice, qtbot: QtBot) -> None:
    view = TimelineView(max_bar_rows=3)
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    stack = [event(n, f"Lease {n}", "A", at(2023, 1, 1), at(2023, 2, 1), has_end=True) for n in range(6)]
    view.set_items(stack)
    positions = [view.item_position(n) for n in range(6)]
    assert all(positions)
    assert len({pos.y() for pos in positions if pos is not None}) == 3  # the last three overlap others


# --- lanes, zones, the overview -------------------------------------------------------------------------


def test_grouping_none_puts_everything_in_one_lane(view: TimelineView) -> None:
    assert view.lane_titles() == list(LANES)
    view.set_grouping(NO_GROUPING)
    assert view.lane_titles() == ["All events"]
    assert sum(marker.count for marker in view.drawn_markers()) == len(markers_of(thousand_items()))
    view.set_grouping("lane")
    assert view.lane_titles() == list(LANES)


def test_the_display_zone_changes_labels_not_positions(view: TimelineView) -> None:
    view.zoom_to(at(2019, 6, 14), at(2019, 6, 17))
    before = view.item_position(LONE_MARKER)
    view.set_display_timezone("America/New_York")
    assert view.item_position(LONE_MARKER) == before
    assert "America/New_York (UTC−04:00)" in view.time_axis.labelText
    view.set_display_timezone("UTC")
    assert "UTC" in view.time_axis.labelText


def test_the_overview_region_follows_and_drives_the_main_view(view: TimelineView) -> None:
    view.zoom_to(at(2021, 1, 1), at(2021, 7, 1))
    low, high = view.overview.region.getRegion()
    origin = view.visible_range()[0] - view.view_box.viewRange()[0][0]
    assert (low + origin, high + origin) == pytest.approx((at(2021, 1, 1), at(2021, 7, 1)))
    view.overview.region.setRegion((at(2020, 2, 1) - origin, at(2020, 3, 1) - origin))  # as a drag does
    assert view.visible_range() == pytest.approx((at(2020, 2, 1), at(2020, 3, 1)))


# --- right-to-left titles -------------------------------------------------------------------------------


MIXED_HEBREW = "המטוס Il-62M נחת בפיונגיאנג"
ARABIC = "هبطت طائرة Il-62M في بيونغ يانغ"


def rtl_items() -> list[TimelineItem]:
    return [
        event(1, MIXED_HEBREW, "טיסות", at(2023, 8, 1, 9), at(2023, 8, 1, 9)),
        event(2, ARABIC, "رحلات", at(2023, 8, 1, 14), at(2023, 8, 1, 14), approximate=True),
        event(
            3,
            "Crew in Irkutsk",
            "رحلات",
            at(2023, 7, 31),
            at(2023, 8, 3),
            has_end=True,
            certain_start=at(2023, 7, 31),
            certain_end=at(2023, 8, 2),
            disputed=True,
        ),
        event(4, "Самолёт вылетел из Внукова", "טיסות", at(2023, 7, 31, 22), at(2023, 7, 31, 22)),
    ]


def label_image(
    text: str,
    direction: Qt.LayoutDirection,
    size: tuple[int, int],
    fraction: QPointF,
    base: QColor,
    ink: QColor,
) -> QImage:
    image = QImage(size[0], size[1], QImage.Format.Format_ARGB32)
    image.fill(base)
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    option = QTextOption()
    option.setTextDirection(direction)
    static.setTextOption(option)
    painter = QPainter(image)
    painter.setFont(ui_font())
    painter.setPen(ink)
    painter.drawStaticText(fraction, static)
    painter.end()
    return image


def difference(a: QImage, b: QImage) -> float:
    def grey(image: QImage) -> np.ndarray:
        converted = image.convertToFormat(QImage.Format.Format_Grayscale8)
        bits = np.frombuffer(converted.constBits(), np.uint8, converted.sizeInBytes())
        return bits.reshape(converted.height(), converted.bytesPerLine())[:, : converted.width()].astype(
            float
        )

    return float(np.abs(grey(a) - grey(b)).mean())


def drawn_labels(view: TimelineView) -> dict[str, Label]:
    return {label.text.text(): label for label in view.drawn_labels()}


def label_corner(view: TimelineView, label: Label) -> QPointF:
    """Where the text item draws ``label``, in the view widget's pixels (it maps the same way)."""
    scene = view.view_box.mapViewToScene(QPointF(label.x, label.y))
    anchor = view.plot.viewportTransform().map(scene)
    corner = anchor - QPointF(0, label.text.size().height() / 2)
    return corner + QPointF(view.plot.viewport().mapTo(view, QPoint(0, 0)))


def test_hebrew_and_arabic_titles_are_drawn_right_to_left(
    fonts: FontChoice, qtbot: QtBot, screenshot: Screenshot
) -> None:
    view = TimelineView()
    qtbot.addWidget(view)
    view.resize(1100, 300)
    view.show()
    qtbot.waitExposed(view)
    view.set_items(rtl_items())
    view.set_display_timezone("Asia/Jerusalem")
    view.zoom_to(at(2023, 7, 31, 12), at(2023, 8, 2, 12))
    view.select(4)
    qtbot.wait(50)  # let the axes settle their height once they have measured their labels
    grabbed = QImage(str(screenshot(view, "threadline-timeline.png")))
    ink = view.palette().color(QPalette.ColorRole.Text)
    labels = drawn_labels(view)
    for title in (MIXED_HEBREW, "~ " + ARABIC):
        label = labels[title]
        corner = label_corner(view, label)
        whole = QPoint(math.floor(corner.x()), math.floor(corner.y()))
        box = (math.ceil(label.text.size().width()) + 2, math.ceil(label.text.size().height()) + 2)
        region = grabbed.copy(whole.x(), whole.y(), *box)
        fraction = corner - QPointF(whole)
        base = region.pixelColor(0, 0)  # the lane's band colour
        rtl = label_image(title, Qt.LayoutDirection.RightToLeft, box, fraction, base, ink)
        ltr = label_image(title, Qt.LayoutDirection.LeftToRight, box, fraction, base, ink)
        assert difference(region, rtl) < 2 < 10 < difference(region, ltr), title
    assert "Crew in Irkutsk" in labels and "Самолёт вылетел из Внукова" in labels


# --- a small dock: the trial's case ----------------------------------------------------------------------

RUMOUR, CLUSTERED = 7002, 7012


def trial_items() -> list[TimelineItem]:
    """Like the trial's case: an open-ended bar, a disputed "about May to August 2019" bar whose title is
    longer than the bar, and six events within days of each other in summer 2023 (a badge at the end)."""
    items = [
        event(7010, "before", "", None, at(2019, 12, 31), has_end=True),
        event(
            RUMOUR,
            "Il-62M flight (rumour)",
            "",
            at(2019, 5, 1),
            at(2019, 8, 31),
            has_end=True,
            approximate=True,
            disputed=True,
        ),
        event(7005, "Ambiguous", "", at(2023, 1, 1), at(2023, 1, 2), approximate=True),
    ]
    for n, day in enumerate((25, 25, 27, 28, 31, 31)):
        items.append(event(CLUSTERED + n, f"Day {n}", "", at(2023, 7, day), at(2023, 7, day) + DAY))
    return items


@pytest.fixture
def small(fonts: FontChoice, qtbot: QtBot) -> Iterator[TimelineView]:
    """The view at about the size of the timeline dock in the first-run layout."""
    widget = TimelineView()
    qtbot.addWidget(widget)
    widget.resize(700, 230)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_grouping(NO_GROUPING)
    widget.set_items(trial_items())
    yield widget


def test_a_bar_too_short_for_its_title_shows_it_beside(small: TimelineView, screenshot: Screenshot) -> None:
    small.select(RUMOUR)
    labels = drawn_labels(small)
    screenshot(small, "threadline-timeline-disputed-title.png")
    assert "~ Il-62M flight (rumour)" in labels, sorted(labels)
    label = labels["~ Il-62M flight (rumour)"]
    bar_end = small.view_box.mapViewToScene(QPointF(at(2019, 8, 31) - small._origin(), label.y))
    bar_end_x = (
        small.plot.viewportTransform().map(bar_end).x() + small.plot.viewport().mapTo(small, QPoint()).x()
    )
    assert label_corner(small, label).x() > bar_end_x, "beside the bar, not over it"


def test_the_ring_of_a_selected_badge_is_not_cut_off(small: TimelineView, screenshot: Screenshot) -> None:
    small.select(CLUSTERED + 2)
    [badge] = [marker for marker in small.drawn_markers() if marker.count > 1]
    assert CLUSTERED + 2 in badge.ids
    image = small.plot.viewport().grab().toImage()
    ring = small.selection.colour
    xs, ys = [], []
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = QColor(image.pixel(x, y))
            if max(abs(a - b) for a, b in zip(pixel.getRgb()[:3], ring.getRgb()[:3], strict=True)) <= 12:
                xs.append(x)
                ys.append(y)
    screenshot(small, "threadline-timeline-badge-ring.png")
    assert xs, "the ring is drawn"
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    assert abs(width - height) <= 2, f"the ring is {width} px wide but {height} px high: cut off"
