"""Paper, orientation and the regions of a report page, in layout units.

Everything is laid out in units of 1/96 inch (Qt's "pixel" at the default DPI), whatever it is drawn on:
the text documents measure against a reference image of 96 DPI, the PDF writer is set to 96 DPI, and a
preview image is the same page scaled. So the preview and the PDF break lines and pages identically, and
Qt's block margins (which it scales by the device's DPI over 96) mean what they say.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize

UNITS_PER_INCH = 96.0
_METRES_PER_INCH = 0.0254


def mm(value: float) -> float:
    return value / 25.4 * UNITS_PER_INCH


def pt(value: float) -> float:
    return value / 72.0 * UNITS_PER_INCH


class Paper(StrEnum):
    A4 = "a4"
    LETTER = "letter"


_PAGE_SIZES = {Paper.A4: QPageSize.PageSizeId.A4, Paper.LETTER: QPageSize.PageSizeId.Letter}


@dataclass(frozen=True)
class PageSetup:
    paper: Paper = Paper.A4
    landscape: bool = False

    def page_layout(self) -> QPageLayout:
        orientation = (
            QPageLayout.Orientation.Landscape if self.landscape else QPageLayout.Orientation.Portrait
        )
        return QPageLayout(QPageSize(_PAGE_SIZES[self.paper]), orientation, QMarginsF(0, 0, 0, 0))

    def size(self) -> QSizeF:
        """The page in layout units."""
        points = self.page_layout().fullRectPoints()
        return QSizeF(pt(points.width()), pt(points.height()))

    def frame(self) -> PageFrame:
        size = self.size()
        side, top, bottom = mm(18), mm(12), mm(12)
        head = pt(22)
        page = QRectF(0, 0, size.width(), size.height())
        header = QRectF(side, top, size.width() - 2 * side, head)
        footer = QRectF(side, size.height() - bottom - head, size.width() - 2 * side, head)
        gap = pt(10)
        body = QRectF(side, header.bottom() + gap, header.width(), footer.top() - gap - header.bottom() - gap)
        return PageFrame(page, header, body, footer)


@dataclass(frozen=True)
class PageFrame:
    page: QRectF
    header: QRectF
    body: QRectF
    footer: QRectF


def reference_device() -> QImage:
    """A paint device of exactly 96 DPI for text layout (any thread may make one)."""
    image = QImage(1, 1, QImage.Format.Format_RGB32)
    dots = round(UNITS_PER_INCH / _METRES_PER_INCH)
    image.setDotsPerMeterX(dots)
    image.setDotsPerMeterY(dots)
    return image
