"""Choose the fonts explicitly, so Hebrew and Arabic never render as empty boxes.

PySide6 wheels ship no fonts, and Qt's own fallback differs between machines: left alone, a Hebrew paragraph
may come out in whatever font fontconfig ranks first, or not at all. So at start-up we pick a chain of
families per purpose from what is really installed (plus anything shipped under ``resources/fonts/``) and
give it to ``QFont.setFamilies``; Qt then takes each character from the first family in the chain that has
it. Latin and Cyrillic come from the first family, Hebrew and Arabic from the script families after it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from app.ui.resources import resource_roots

log = logging.getLogger(__name__)

READER_POINT_SIZE = 12.0

# Debian/Ubuntu (fonts-noto-core, fonts-dejavu-core) first, then what Windows and macOS carry.
UI_FAMILIES = (
    "Noto Sans",
    "Noto Sans Hebrew",
    "Noto Sans Arabic",
    "DejaVu Sans",
    "Segoe UI",
    "Arial",
    "Arial Hebrew",
    "Geeza Pro",
)
# Naskh is the book style of Arabic, easier on the eye for long reading than the UI-oriented Sans.
READER_FAMILIES = (
    "Noto Sans",
    "Noto Sans Hebrew",
    "Noto Naskh Arabic",
    "Noto Sans Arabic",
    "DejaVu Sans",
    "Segoe UI",
    "Arial",
    "Arial Hebrew",
    "Geeza Pro",
)
REQUIRED_WRITING_SYSTEMS = (
    QFontDatabase.WritingSystem.Latin,
    QFontDatabase.WritingSystem.Cyrillic,
    QFontDatabase.WritingSystem.Hebrew,
    QFontDatabase.WritingSystem.Arabic,
)
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc")


@dataclass(frozen=True)
class FontChoice:
    """The family chains in use; ``bundled`` are families loaded from ``resources/fonts/``."""

    ui: tuple[str, ...]
    reader: tuple[str, ...]
    bundled: tuple[str, ...] = ()


_choice: FontChoice | None = None
_loaded_files: dict[Path, tuple[str, ...]] = {}  # font file -> its families, so each loads once


def setup_fonts(app: QGuiApplication) -> FontChoice:
    """Load bundled fonts, choose the chains and make the UI chain the application font."""
    global _choice
    bundled = load_bundled_fonts()
    installed = set(QFontDatabase.families())
    _choice = FontChoice(
        ui=available_families((*bundled, *UI_FAMILIES), installed),
        reader=available_families((*bundled, *READER_FAMILIES), installed),
        bundled=bundled,
    )
    app.setFont(ui_font())
    log.info("UI fonts: %s; reader fonts: %s", ", ".join(_choice.ui), ", ".join(_choice.reader))
    for system in uncovered_writing_systems(_choice.reader):
        log.warning("No installed font covers %s; such text will show as boxes", system.name)
    return _choice


def font_choice() -> FontChoice:
    """The chains chosen by ``setup_fonts`` (chosen now, without bundled fonts, if it has not run)."""
    if _choice is None:
        installed = set(QFontDatabase.families())
        return FontChoice(
            available_families(UI_FAMILIES, installed), available_families(READER_FAMILIES, installed)
        )
    return _choice


def ui_font() -> QFont:
    font = QFont(QGuiApplication.font())
    font.setFamilies(list(font_choice().ui))
    return font


def reader_font(point_size: float = READER_POINT_SIZE) -> QFont:
    font = QFont()
    font.setFamilies(list(font_choice().reader))
    font.setPointSizeF(point_size)
    return font


def available_families(preferred: Iterable[str], installed: set[str]) -> tuple[str, ...]:
    """``preferred`` in order, without duplicates and without families this machine lacks."""
    return tuple(dict.fromkeys(family for family in preferred if family in installed))


def uncovered_writing_systems(families: Sequence[str]) -> list[QFontDatabase.WritingSystem]:
    covered = {system for family in families for system in QFontDatabase.writingSystems(family)}
    return [system for system in REQUIRED_WRITING_SYSTEMS if system not in covered]


def load_bundled_fonts() -> tuple[str, ...]:
    """Register every font file under ``resources/fonts/`` (once); return the families they provide."""
    families: list[str] = []
    for path in _bundled_font_files():
        if path not in _loaded_files:
            _loaded_files[path] = _add_font_file(path)
        families.extend(_loaded_files[path])
    return tuple(dict.fromkeys(families))


def _add_font_file(path: Path) -> tuple[str, ...]:
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id == -1:
        log.warning("Could not load the font file %s", path)
        return ()
    return tuple(QFontDatabase.applicationFontFamilies(font_id))


def _bundled_font_files() -> list[Path]:
    folders = [root / "fonts" for root in resource_roots() if (root / "fonts").is_dir()]
    return sorted(
        path for folder in folders for path in folder.iterdir() if path.suffix.lower() in _FONT_SUFFIXES
    )
