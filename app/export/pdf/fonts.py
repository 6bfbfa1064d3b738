"""Fonts of the PDF report: family chains that cover Latin, Cyrillic, Hebrew and Arabic.

The same idea as ``app.ui.fonts`` (which this layer may not import): Qt takes each character from the first
family of the chain that has it, so a Hebrew quote never comes out as boxes and a Latin title is set in
the Latin face. The body is a serif for long reading (Noto Serif, with Noto Serif Hebrew and the Naskh
style of Arabic); headings, the chart and running heads are sans; hashes are monospaced so a reader can
compare them digit by digit. QPdfWriter embeds the subsets of the fonts actually used.

Chosen for what can be copied out of the PDF, not only for looks. Qt writes each font's glyph-to-text map
from its character map, so a glyph that only a ligature reaches maps to nothing: Noto Naskh Arabic's
lam-alef and "Allah" ligatures drop out of extracted text, while Noto Sans Arabic's (and DejaVu's) come out
right, so the report sets Arabic in Noto Sans Arabic. Optional Latin ligatures ("fi", "fl") are switched
off so extracted English reads "confidence", not "con\ufb01dence"; the ligatures Arabic requires are not
optional and stay.

Sizes are points. Hinting is off, so text measures the same on the PDF and on a preview image.
"""

from __future__ import annotations

from enum import Enum
from functools import cache

from PySide6.QtGui import QFont, QFontDatabase

SERIF = (
    "Noto Serif",
    "Noto Serif Hebrew",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "DejaVu Serif",
    "DejaVu Sans",
    "Times New Roman",
    "Arial",
    "Arial Hebrew",
    "Geeza Pro",
)
SANS = (
    "Noto Sans",
    "Noto Sans Hebrew",
    "Noto Sans Arabic",
    "DejaVu Sans",
    "Segoe UI",
    "Arial",
    "Arial Hebrew",
    "Geeza Pro",
)
MONO = ("DejaVu Sans Mono", "Noto Sans Mono", "Liberation Mono", "Consolas", "Menlo", "Courier New", *SANS)


_OFF = ("liga", "clig")


class Face(Enum):
    SERIF = SERIF
    SANS = SANS
    MONO = MONO


@cache
def chain(face: Face) -> tuple[str, ...]:
    """The families of ``face`` installed here, in order (the whole list if none is: Qt falls back)."""
    installed = set(QFontDatabase.families())
    found = tuple(family for family in face.value if family in installed)
    return found or face.value


def font(face: Face, size: float, *, bold: bool = False, italic: bool = False) -> QFont:
    result = QFont()
    result.setFamilies(list(chain(face)))
    result.setPointSizeF(size)
    result.setBold(bold)
    result.setItalic(italic)
    result.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    for feature in _OFF:
        result.setFeature(QFont.Tag.fromString(feature), 0)
    result.setStyleHint(
        QFont.StyleHint.Monospace
        if face is Face.MONO
        else QFont.StyleHint.Serif
        if face is Face.SERIF
        else QFont.StyleHint.SansSerif
    )
    return result
