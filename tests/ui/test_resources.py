"""Resources are plain files found by one helper; the icons are simple, single-colour 24 px SVGs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from app.ui.resources import icon, resource_path, resource_roots

ICONS = ("import", "new-case", "open", "search", "source", "note", "entity", "event", "undo", "redo")
SVG = "{http://www.w3.org/2000/svg}"


def test_resources_are_found_in_the_checkout() -> None:
    assert resource_roots()
    assert resource_path("icons", "search.svg").is_file()
    assert resource_path("demo").is_dir()


def test_a_missing_resource_names_what_was_searched() -> None:
    with pytest.raises(FileNotFoundError, match=r"icons/nope\.svg"):
        resource_path("icons", "nope.svg")


@pytest.mark.parametrize("name", ICONS)
def test_icon_is_a_24px_single_colour_svg(name: str) -> None:
    root = ET.parse(resource_path("icons", f"{name}.svg")).getroot()
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 24 24"
    colours = {
        value.lower()
        for element in root.iter()
        for attribute in ("stroke", "fill")
        if (value := element.get(attribute)) is not None
    }
    assert colours <= {"none", "#37474f"}, f"{name}.svg uses {colours}"
    assert not re.search(r"<(image|script|text)\b", resource_path("icons", f"{name}.svg").read_text())


@pytest.mark.parametrize("name", ICONS)
def test_icon_renders(gui_app: QApplication, name: str) -> None:
    image = icon(name).pixmap(48, 48).toImage()
    assert not image.isNull()
    opaque = sum(image.pixelColor(x, y).alpha() > 0 for x in range(48) for y in range(48))
    assert 48 < opaque < 48 * 48 * 0.6, f"{name} drew {opaque} pixels"


def test_icon_sheet(gui_app: QApplication, screenshot: Callable[[QWidget, str], Path]) -> None:
    """All icons side by side at 24 and 48 px, for a human to check they look like one family."""
    sheet = QImage(len(ICONS) * 56 + 8, 96, QImage.Format.Format_ARGB32_Premultiplied)
    sheet.fill(QColor("white"))
    painter = QPainter(sheet)
    for index, name in enumerate(ICONS):
        painter.drawPixmap(8 + index * 56 + 12, 8, icon(name).pixmap(24, 24))
        painter.drawPixmap(8 + index * 56, 40, icon(name).pixmap(48, 48))
    painter.end()
    label = QLabel()
    label.setPixmap(QPixmap.fromImage(sheet))
    label.resize(sheet.size())
    assert screenshot(label, "threadline-icons.png").is_file()
