"""Text blocks of the report and how they flow over pages.

Each chronology entry, source entry or index section is its own ``QTextDocument`` (a ``TextFlow``), laid
out at the body's width. Qt shapes and orders the text (Hebrew and Arabic right to left, paragraph
direction from the first strong character, as the reader does), and the PDF keeps it as real text.

``Paginator`` places flows on pages: a flow that fits stays whole (an entry is not cut when it can be
kept together), a longer one is cut between two lines of text, never through one. Each placement is a
``Slice`` of a flow, which ``paint_slice`` draws clipped to its lines.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from PySide6.QtCore import QRectF, QRegularExpression, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QPainter,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFrameFormat,
    QTextLength,
    QTextOption,
    QTextTableCellFormat,
    QTextTableFormat,
)

from app.core.textnorm import BIDI_CONTROL_MARKER, reveal_bidi_controls
from app.export.pdf.fonts import Face, font
from app.export.pdf.geometry import pt, reference_device

INK = QColor("#1a1a1a")
MUTED = QColor("#555555")
ACCENT = QColor("#1f4e79")
ALERT = QColor("#b00020")
RULE = QColor("#9a9a9a")
CONTROL = QColor("#8a6d00")  # a revealed bidi control ("⟦RLO⟧"): visible, but not read as the text
FSI, PDI = "\u2068", "\u2069"

#: Markdown in descriptions and notes: CommonMark with GitHub's tables and strike-through, raw HTML off.
MARKDOWN = QTextDocument.MarkdownFeature(
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub.value
    | QTextDocument.MarkdownFeature.MarkdownNoHTML.value
)


def char_format(
    face: Face = Face.SERIF,
    size: float = 10.0,
    *,
    bold: bool = False,
    italic: bool = False,
    colour: QColor = INK,
) -> QTextCharFormat:
    result = QTextCharFormat()
    result.setFont(
        font(face, size, bold=bold, italic=italic),
        QTextCharFormat.FontPropertiesInheritanceBehavior.FontPropertiesAll,
    )
    result.setForeground(QBrush(colour))
    return result


def block_format(
    *,
    above: float = 0.0,
    below: float = 0.0,
    indent: float = 0.0,
    ltr: bool = False,
    keep_line: bool = False,
    align: Qt.AlignmentFlag | None = None,
) -> QTextBlockFormat:
    """A paragraph format; spacing in points. ``ltr`` fixes the direction (for lines of English labels
    that embed Hebrew or Arabic values); otherwise Qt takes it from the first strong character."""
    result = QTextBlockFormat()
    result.setTopMargin(pt(above))
    result.setBottomMargin(pt(below))
    if indent:
        result.setLeftMargin(pt(indent))
        result.setRightMargin(pt(indent) if not ltr else 0)
    result.setLayoutDirection(
        Qt.LayoutDirection.LeftToRight if ltr else Qt.LayoutDirection.LayoutDirectionAuto
    )
    if keep_line:
        result.setNonBreakableLines(True)
    if align is not None:
        result.setAlignment(align)
    return result


class Isolated(str):
    """A run set apart from its neighbours' direction: "Taking part: A; B" with A in Hebrew and B in Arabic
    would otherwise read as one right-to-left run, B before A. ``DocWriter`` wraps it in FSI … PDI, the
    only bidi controls it lets into a document (those in the text itself are revealed, see below)."""


class DocWriter:
    """Builds one ``QTextDocument`` paragraph by paragraph, at a fixed width, in layout units.

    Every text it is given goes through ``reveal_bidi_controls``: an embedding, override or isolate in
    user data (a title, a quote, a name) is printed as a marker in a muted colour instead of reordering
    what follows, so the report shows the characters as stored. Only ``Isolated`` runs add isolates.
    """

    def __init__(self, width: float, device: QImage | None = None) -> None:
        self.device = device if device is not None else reference_device()
        self.document = QTextDocument()
        self.document.setUseDesignMetrics(True)
        self.document.documentLayout().setPaintDevice(self.device)
        self.document.setDocumentMargin(0)
        self.document.setDefaultFont(font(Face.SERIF, 10))
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        option.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)
        self.document.setDefaultTextOption(option)
        self.document.setTextWidth(width)
        self.cursor = QTextCursor(self.document)
        self._empty = True

    def paragraph(self, block: QTextBlockFormat, *runs: tuple[str, QTextCharFormat]) -> None:
        """A new paragraph of ``runs`` (text with its format); the first one replaces the empty start."""
        if self._empty:
            self.cursor.setBlockFormat(block)
            self._empty = False
        else:
            self.cursor.insertBlock(block)
        for text, fmt in runs:
            insert_run(self.cursor, text, fmt)

    def markdown(self, text: str, block: QTextBlockFormat, fmt: QTextCharFormat) -> None:
        """Markdown (raw HTML off) as paragraphs of the body style."""
        self.paragraph(block)
        start = self.cursor.position()
        self.cursor.insertMarkdown(reveal_bidi_controls(text), MARKDOWN)
        end = self.cursor.position()
        span = QTextCursor(self.document)
        span.setPosition(start)
        span.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        base = QTextCharFormat()
        base.setForeground(fmt.foreground())
        base.setFontFamilies(fmt.fontFamilies())
        span.mergeCharFormat(base)

    def quote_box(self, rule: QColor, *, indent: float = 10.0) -> QTextCursor:
        """A one-cell table with a coloured rule on its leading side; returns a cursor inside it.

        Writes after it continue below the box."""
        table_format = QTextTableFormat()
        table_format.setBorder(0)
        table_format.setCellSpacing(0)
        table_format.setCellPadding(0)
        table_format.setMargin(0)
        table_format.setTopMargin(pt(3))
        table_format.setBottomMargin(pt(2))
        table_format.setLeftMargin(pt(indent))
        table_format.setBorderCollapse(True)
        table_format.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        if self._empty:
            self._empty = False
        table = self.cursor.insertTable(1, 1, table_format)
        cell = table.cellAt(0, 0)
        cell_format = QTextTableCellFormat()
        for side in ("Top", "Right", "Bottom"):
            getattr(cell_format, f"set{side}Border")(0)
        cell_format.setLeftBorder(pt(2.2))
        cell_format.setLeftBorderBrush(QBrush(rule))
        cell_format.setLeftBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
        cell_format.setLeftPadding(pt(7))
        cell_format.setRightPadding(pt(2))
        cell_format.setTopPadding(pt(1))
        cell_format.setBottomPadding(pt(1))
        cell.setFormat(cell_format)
        inner = cell.firstCursorPosition()
        self.cursor.movePosition(QTextCursor.MoveOperation.End)
        return inner

    def flow(self) -> TextFlow:
        mark_controls(self.document)
        return TextFlow(self.document, self.device)


def cell_paragraph(
    cursor: QTextCursor, first: bool, block: QTextBlockFormat, *runs: tuple[str, QTextCharFormat]
) -> None:
    """A paragraph inside a ``quote_box`` cell."""
    if first:
        cursor.setBlockFormat(block)
    else:
        cursor.insertBlock(block)
    for text, fmt in runs:
        insert_run(cursor, text, fmt)


def insert_run(cursor: QTextCursor, text: str, fmt: QTextCharFormat) -> None:
    """``text`` with its bidi controls revealed (an ``Isolated`` run between FSI and PDI)."""
    if not text:
        return
    shown = reveal_bidi_controls(_one_paragraph(text))
    cursor.insertText(FSI + shown + PDI if isinstance(text, Isolated) else shown, fmt)


def mark_controls(document: QTextDocument) -> None:
    """Set the revealed bidi controls in a muted colour, so they do not read as part of the text."""
    pattern = QRegularExpression(BIDI_CONTROL_MARKER.pattern)
    found = document.find(pattern)
    while not found.isNull():
        muted = QTextCharFormat()
        muted.setForeground(QBrush(CONTROL))
        found.mergeCharFormat(muted)
        found = document.find(pattern, found)


def _one_paragraph(text: str) -> str:
    """Line breaks inside a run become line separators, so a quote's lines stay in one paragraph."""
    return text.replace("\r\n", "\n").replace("\n", "\u2028")


@dataclass(eq=False)
class TextFlow:
    """A laid-out document and the heights at which it may be cut (the bottoms of its lines)."""

    document: QTextDocument
    device: QImage  # the layout's paint device: kept alive as long as the document
    _cuts: list[float] = field(default_factory=list)

    @property
    def height(self) -> float:
        return float(self.document.size().height())

    def cuts(self) -> list[float]:
        if not self._cuts:
            layout = self.document.documentLayout()
            bottoms = {self.height}
            block = self.document.begin()
            while block.isValid():
                top = layout.blockBoundingRect(block).top()
                lines = block.layout()
                for number in range(lines.lineCount()):
                    line = lines.lineAt(number)
                    bottoms.add(top + line.y() + line.height())
                block = block.next()
            self._cuts = sorted(value for value in bottoms if 0 < value <= self.height)
        return self._cuts

    def cut_at_or_before(self, limit: float) -> float:
        """The lowest cut not below ``limit`` (0 when even the first line does not fit)."""
        cuts = self.cuts()
        position = bisect.bisect_right(cuts, limit + 0.01)
        return cuts[position - 1] if position else 0.0


@dataclass(eq=False)
class Slice:
    flow: TextFlow
    top: float  # the part of the flow shown: top .. bottom
    bottom: float
    y: float  # where it starts in the page body


def paint_slice(painter: QPainter, body: QRectF, piece: Slice) -> None:
    painter.save()
    painter.translate(body.left(), body.top() + piece.y - piece.top)
    clip = QRectF(-body.left(), piece.top, body.width() + 2 * body.left(), piece.bottom - piece.top)
    piece.flow.document.drawContents(painter, clip)
    painter.restore()


class Paginator:
    """Places flows down page bodies of ``height``; ``pages`` holds each page's slices."""

    MIN_START = pt(40)  # a flow cut across pages starts on a fresh page rather than in less room than this

    def __init__(self, height: float, *, first_top: float = 0.0) -> None:
        """``first_top``: where the first page's room starts (below what another part put there)."""
        self.height = height
        self.first_top = first_top
        self.pages: list[list[Slice]] = []
        self.y = 0.0

    def new_page(self) -> None:
        self.y = 0.0 if self.pages else self.first_top
        self.pages.append([])

    def place(self, flow: TextFlow, *, space_before: float = 0.0, keep_together: bool = True) -> int:
        """Place ``flow``; returns the index (in ``pages``) of the page where it starts."""
        if not self.pages:
            self.new_page()
        if self.y > 0:
            self.y += space_before
        total = flow.height
        room = self.height - self.y
        fits_a_page = total <= self.height
        if total > room and self.y > 0 and ((keep_together and fits_a_page) or room < self.MIN_START):
            self.new_page()
        first_page: int | None = None
        top = 0.0
        while top < total - 0.01:
            room = self.height - self.y
            cut = total if total - top <= room else flow.cut_at_or_before(top + room)
            if cut <= top:
                if self.y > 0:
                    self.new_page()
                    continue
                cut = top + room  # one line taller than a page: clip it rather than loop forever
            self.pages[-1].append(Slice(flow, top, cut, self.y))
            if first_page is None:
                first_page = len(self.pages) - 1
            self.y += cut - top
            top = cut
            if top < total - 0.01:
                self.new_page()
        return len(self.pages) - 1 if first_page is None else first_page


def rule_font() -> QFont:
    return font(Face.SANS, 8)
