"""Hebrew, Arabic, Cyrillic and Latin text renders with real glyphs from the chosen font chain."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter, QRawFont, QTextLayout
from PySide6.QtWidgets import QApplication

from app.ui.fonts import FontChoice, available_families, reader_font, ui_font, uncovered_writing_systems

log = logging.getLogger(__name__)

SAMPLES = {
    "hebrew": "המטוס נחת בפיונגיאנג אחרי עצירה באירקוטסק",
    "arabic": "هبطت الطائرة في بيونغ يانغ بعد توقف في إيركوتسك",
    "russian": "Самолёт приземлился в Пхеньяне",
    "english": "The aircraft landed in Pyongyang",
}


def test_chains_come_from_installed_families(fonts: FontChoice) -> None:
    log.info("UI chain: %s; reader chain: %s", fonts.ui, fonts.reader)
    installed = set(QFontDatabase.families())
    assert fonts.ui and fonts.reader
    assert set(fonts.ui) <= installed and set(fonts.reader) <= installed


def test_every_required_script_is_covered(fonts: FontChoice) -> None:
    assert uncovered_writing_systems(fonts.reader) == []
    assert uncovered_writing_systems(fonts.ui) == []


def test_fonts_carry_the_chains(fonts: FontChoice, gui_app: QApplication) -> None:
    assert tuple(reader_font(14).families()) == fonts.reader
    assert reader_font(14).pointSizeF() == 14
    assert tuple(ui_font().families()) == fonts.ui
    assert tuple(gui_app.font().families()) == fonts.ui


def test_available_families_keeps_order_and_drops_the_missing() -> None:
    chosen = available_families(["B", "Missing", "A", "B"], {"A", "B", "C"})
    assert chosen == ("B", "A")


@pytest.mark.parametrize("script", SAMPLES)
def test_every_letter_has_a_glyph_in_the_chain(fonts: FontChoice, script: str) -> None:
    raw_fonts = {family: QRawFont.fromFont(QFont(family)) for family in fonts.reader}
    for letter in {char for char in SAMPLES[script] if char.isalpha()}:
        owners = [family for family, raw in raw_fonts.items() if raw.supportsCharacter(ord(letter))]
        assert owners, f"no font in {fonts.reader} has {letter!r} (U+{ord(letter):04X})"
    log.info("%s letters are in the chain; the first holder of each is used", script)


@pytest.mark.parametrize("script", SAMPLES)
def test_shaped_text_uses_real_glyphs_from_the_chain(fonts: FontChoice, script: str) -> None:
    layout = QTextLayout(SAMPLES[script], reader_font(14))
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    used = set()
    for run in layout.glyphRuns():
        used.add(run.rawFont().familyName())
        assert 0 not in run.glyphIndexes(), f"{script} text fell back to the missing-glyph box"
    log.info("%s rendered with %s", script, sorted(used))
    assert used <= set(fonts.reader)


@pytest.mark.parametrize("script", ["hebrew", "arabic"])
def test_rendered_text_is_not_blank(fonts: FontChoice, script: str) -> None:
    image = QImage(640, 64, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(reader_font(20))
    painter.setPen(QColor("black"))
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, SAMPLES[script])
    painter.end()
    ink = [
        (x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).value() < 128
    ]
    assert len(ink) > 500, f"{script} text left almost no ink"
    xs = [x for x, _ in ink]
    assert max(xs) - min(xs) > 200, f"{script} text is suspiciously narrow"
