"""Find the plain files under ``resources/`` (icons, fonts, demo sources) wherever Threadline runs from.

Two layouts exist. In a checkout or an editable install, ``resources/`` sits next to the ``app`` package.
An installed wheel only carries what is inside ``app``, so packaging copies the folder to
``app/resources``; we look there second. Nothing is compiled into a generated ``rc.py``.
"""

from __future__ import annotations

from importlib import resources as importlib_resources
from pathlib import Path

from PySide6.QtGui import QIcon

_CHECKOUT_ROOT = Path(__file__).resolve().parents[2] / "resources"


def resource_roots() -> tuple[Path, ...]:
    """Folders that may hold the resources, in the order they are searched."""
    roots = [_CHECKOUT_ROOT]
    packaged = importlib_resources.files("app").joinpath("resources")
    if isinstance(packaged, Path):  # a zipped install has no real path; we do not support it
        roots.append(packaged)
    return tuple(root for root in roots if root.is_dir())


def resource_path(*parts: str) -> Path:
    """Return the path of ``resources/<parts…>``; a missing resource is a packaging bug, so it raises."""
    for root in resource_roots():
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    searched = ", ".join(str(root) for root in resource_roots()) or "no resources folder"
    raise FileNotFoundError(f"resource {'/'.join(parts)!r} not found (searched {searched})")


def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg``; Qt renders the SVG crisply at every size."""
    return QIcon(str(resource_path("icons", f"{name}.svg")))
