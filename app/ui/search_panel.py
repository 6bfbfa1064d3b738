"""Search every source of the case: results update as you type, each with a highlighted snippet.

Typing never waits for the case file. A pause of ``DEBOUNCE_MS`` starts the query on a worker thread; at
most one query runs at a time and only the newest text waits behind it, so a burst of typing costs one or
two queries and a late answer to an old text is dropped. The query is parsed here first, in the GUI
thread (it takes microseconds), so a malformed query is explained at once, inline, without a round trip.

Results come a page at a time (``PAGE_SIZE``); scrolling to the end of the list asks for the next page.
Each row draws the source title, the hit count and the snippet as laid-out text, right-to-left and
right-aligned when the snippet is mostly Hebrew or Arabic, with the hits highlighted.
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QListView,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import QueryError
from app.core.query import parse_query
from app.core.records import Change, SearchHit, SearchResults, Snippet
from app.store import CaseStore
from app.ui.reader import OffsetMap
from app.ui.store_bridge import StoreBridge
from app.ui.workers import Task, run_task

DEBOUNCE_MS = 250
PAGE_SIZE = 50
HIT_ROLE = Qt.ItemDataRole.UserRole + 1
ELLIPSIS = "…"
_HIGHLIGHT = QColor("#fff176")

ModelIndex = QModelIndex | QPersistentModelIndex


# --- direction -------------------------------------------------------------------------------------------


def is_right_to_left(text: str) -> bool:
    """Whether most strong characters are Hebrew or Arabic.

    A snippet is cut out of a paragraph, so its first strong character (the reader's rule) may be a Latin
    name inside a Hebrew sentence; the majority says which way the excerpt reads.
    """
    rtl = ltr = 0
    for char in text:
        bidi = unicodedata.bidirectional(char)
        if bidi in ("R", "AL"):
            rtl += 1
        elif bidi == "L":
            ltr += 1
    return rtl > ltr


def text_option(rtl: bool) -> QTextOption:
    option = QTextOption()
    option.setTextDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
    side = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
    option.setAlignment(side | Qt.AlignmentFlag.AlignAbsolute)
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    return option


def snippet_document(snippet: Snippet, cut_before: bool, font: QFont, colour: QColor) -> QTextDocument:
    """The snippet as a laid-out document, hits highlighted; call ``setTextWidth`` before drawing."""
    text = (ELLIPSIS if cut_before else "") + snippet.text
    rtl = is_right_to_left(snippet.text)
    document = QTextDocument()
    document.setDocumentMargin(0)
    document.setDefaultFont(font)
    document.setDefaultTextOption(text_option(rtl))
    document.setUndoRedoEnabled(False)
    document.setPlainText(text)
    cursor = QTextCursor(document)
    block_format = QTextBlockFormat()
    block_format.setLayoutDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
    block_format.setAlignment(
        (Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft) | Qt.AlignmentFlag.AlignAbsolute
    )
    cursor.select(QTextCursor.SelectionType.Document)
    cursor.setBlockFormat(block_format)
    plain = QTextCharFormat()
    plain.setForeground(colour)
    cursor.mergeCharFormat(plain)
    offsets = OffsetMap(text)
    shift = len(text) - len(snippet.text)
    hit_format = QTextCharFormat()
    hit_format.setBackground(_HIGHLIGHT)
    hit_format.setForeground(QColor("#000000"))
    for span in snippet.highlights:
        cursor.setPosition(offsets.to_position(span.start + shift))
        cursor.setPosition(offsets.to_position(span.end + shift), QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(hit_format)
    return document


# --- the results -----------------------------------------------------------------------------------------


class SearchResultsModel(QAbstractListModel):
    """One row per matching source, a page at a time; ``more_requested`` asks the panel for the next."""

    more_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.query = ""
        self.total = 0
        self._hits: list[SearchHit] = []
        self._fetching = False

    def set_results(self, results: SearchResults | None) -> None:
        self.beginResetModel()
        self.query = results.query if results else ""
        self.total = results.total if results else 0
        self._hits = list(results.hits) if results else []
        self._fetching = False
        self.endResetModel()

    def append_page(self, results: SearchResults) -> None:
        self._fetching = False
        new = [hit for hit in results.hits if hit.source_id not in {known.source_id for known in self._hits}]
        if not new:
            self.total = len(self._hits)  # the case changed under us; stop asking for more
            return
        first = len(self._hits)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self._hits.extend(new)
        self.endInsertRows()

    def fetch_failed(self) -> None:
        self._fetching = False
        self.total = len(self._hits)

    def hits(self) -> list[SearchHit]:
        return list(self._hits)

    def hit(self, row: int) -> SearchHit:
        return self._hits[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.title
        if role == HIT_ROLE:
            return hit
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.title
        return None

    def canFetchMore(self, parent: ModelIndex) -> bool:
        return not parent.isValid() and not self._fetching and len(self._hits) < self.total

    def fetchMore(self, parent: ModelIndex) -> None:
        if self.canFetchMore(parent):
            self._fetching = True
            self.more_requested.emit()


@dataclass(frozen=True)
class _RowLayout:
    title: QRect
    count: QRect
    snippet: QRectF


class SnippetDelegate(QStyledItemDelegate):
    """Draws a result: title and hit count on one line, the highlighted snippet under it."""

    MARGIN = 6
    SPACING = 3

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        if not isinstance(hit, SearchHit):
            super().paint(painter, option, index)
            return
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.text = ""
        widget = item.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Normal
        text_colour = item.palette.color(
            group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = text_colour if selected else item.palette.color(group, QPalette.ColorRole.PlaceholderText)
        rtl = is_right_to_left(hit.snippet.text)
        layout = self._layout(option.rect, option.font, hit, rtl)
        painter.save()
        painter.setFont(self._title_font(option.font))
        painter.setPen(text_colour)
        title = QFontMetrics(painter.font()).elidedText(
            hit.title, Qt.TextElideMode.ElideRight, layout.title.width()
        )
        painter.drawText(QRectF(layout.title), title, self._line_option(is_right_to_left(hit.title), rtl))
        painter.setFont(option.font)
        painter.setPen(muted)
        count_option = self._line_option(widget is not None and widget.isRightToLeft(), not rtl)
        painter.drawText(QRectF(layout.count), hit_count_text(hit), count_option)
        document = snippet_document(hit.snippet, hit.snippet.start > 0, option.font, text_colour)
        document.setTextWidth(layout.snippet.width())
        painter.translate(layout.snippet.topLeft())
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, text_colour)
        painter.setClipRect(QRectF(0, 0, layout.snippet.width(), layout.snippet.height()))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        hit = index.data(HIT_ROLE)
        if not isinstance(hit, SearchHit):
            return super().sizeHint(option, index)
        width = self._available_width(option)
        document = snippet_document(hit.snippet, hit.snippet.start > 0, option.font, QColor("#000000"))
        document.setTextWidth(width - 2 * self.MARGIN)
        height = (
            2 * self.MARGIN
            + QFontMetrics(self._title_font(option.font)).height()
            + self.SPACING
            + int(document.size().height() + 0.999)
        )
        return QSize(width, height)

    def _available_width(self, option: QStyleOptionViewItem) -> int:
        view = option.widget
        if isinstance(view, QAbstractItemView):
            return max(120, view.viewport().width())
        return max(120, option.rect.width())

    def _layout(self, rect: QRect, font: QFont, hit: SearchHit, rtl: bool) -> _RowLayout:
        inner = rect.adjusted(self.MARGIN, self.MARGIN, -self.MARGIN, -self.MARGIN)
        title_height = QFontMetrics(self._title_font(font)).height()
        count_width = QFontMetrics(font).horizontalAdvance(hit_count_text(hit)) + self.MARGIN
        line = QRect(inner.left(), inner.top(), inner.width(), title_height)
        if rtl:  # reading side on the right: title right, count at the line's end on the left
            count = QRect(line.left(), line.top(), count_width, title_height)
            title = QRect(line.left() + count_width, line.top(), line.width() - count_width, title_height)
        else:
            title = QRect(line.left(), line.top(), line.width() - count_width, title_height)
            count = QRect(line.right() - count_width + 1, line.top(), count_width, title_height)
        snippet_top = line.bottom() + 1 + self.SPACING
        snippet = QRectF(inner.left(), snippet_top, inner.width(), inner.bottom() - snippet_top + 1)
        return _RowLayout(title, count, snippet)

    @staticmethod
    def _title_font(font: QFont) -> QFont:
        bold = QFont(font)
        bold.setWeight(QFont.Weight.DemiBold)
        return bold

    @staticmethod
    def _line_option(rtl: bool, align_right: bool) -> QTextOption:
        """One line of text in its own direction, put on the side the row reads from."""
        option = text_option(rtl)
        option.setWrapMode(QTextOption.WrapMode.NoWrap)
        side = Qt.AlignmentFlag.AlignRight if align_right else Qt.AlignmentFlag.AlignLeft
        option.setAlignment(side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter)
        return option


def hit_count_text(hit: SearchHit) -> str:
    """How many matches a source holds: "3 hits", "1000+ hits", or "in the title" when only its title
    matched (its text then has nothing to highlight)."""
    count = len(hit.hits)
    if not count and hit.title_hits:
        return QCoreApplication.translate("SearchPanel", "in the title")
    if hit.more_hits:
        return QCoreApplication.translate("SearchPanel", "%Ln+ hits", None, count)
    if count == 1:
        return QCoreApplication.translate("SearchPanel", "1 hit")
    return QCoreApplication.translate("SearchPanel", "%Ln hits", None, count)


# --- the panel -------------------------------------------------------------------------------------------


class SearchPanel(QWidget):
    """A query box over a results list; ``hit_activated`` opens a result (Enter or click)."""

    hit_activated = Signal(object)  # SearchHit
    searched = Signal(str, float)  # query text, seconds the query took (for the status bar and tests)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("search_panel")
        self._store: CaseStore | None = None
        self._bridge: StoreBridge | None = None
        self._task: Task | None = None
        self._pending: tuple[str, int] | None = None  # (text, offset) waiting for the running task
        self._generation = 0  # bumped by every new text; answers to an older one are dropped
        self._activate_when_done = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_now)
        self._create_widgets()
        self.setEnabled(False)

    def _create_widgets(self) -> None:
        self.query_edit = QLineEdit(self)
        self.query_edit.setObjectName("search_query")
        self.query_edit.setPlaceholderText(self.tr("Search all sources"))
        self.query_edit.setClearButtonEnabled(True)
        self.query_edit.textChanged.connect(self._text_changed)
        self.query_edit.installEventFilter(self)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("search_summary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.model = SearchResultsModel(self)
        self.model.more_requested.connect(self._fetch_more)
        self.results_view = QListView(self)
        self.results_view.setObjectName("search_results")
        self.results_view.setModel(self.model)
        self.results_view.setItemDelegate(SnippetDelegate(self.results_view))
        self.results_view.setUniformItemSizes(False)
        self.results_view.setWordWrap(True)
        self.results_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_view.activated.connect(self._activate)
        self.results_view.clicked.connect(self._activate)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.query_edit)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.results_view, 1)
        self._show_help()

    # --- the store -----------------------------------------------------------------------------------------

    def set_store(self, store: CaseStore | None, bridge: StoreBridge | None = None) -> None:
        """Search ``store`` from now on (None: no case open); results of the previous one are dropped."""
        self._generation += 1
        self._debounce.stop()
        self._pending = None
        if self._task is not None:
            self._task.wait()  # a query takes milliseconds; the store must not close under it
        if self._bridge is not None:
            self._bridge.changed.disconnect(self._store_changed)
        self._store, self._bridge = store, bridge
        if bridge is not None:
            bridge.changed.connect(self._store_changed)
        self.model.set_results(None)
        self.query_edit.clear()
        self._show_help()
        self.setEnabled(store is not None)

    def _store_changed(self, change: Change) -> None:
        if change.object_type == "source" and self.query_edit.text().strip():
            self._debounce.start()  # new or retitled sources may now match

    # --- what the window calls -----------------------------------------------------------------------------

    def focus_query(self) -> None:
        self.query_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query_edit.selectAll()

    def set_query(self, text: str) -> None:
        """Put ``text`` in the box and search at once (without waiting for the typing pause)."""
        self.query_edit.setText(text)
        self.run_now()

    def is_busy(self) -> bool:
        return self._debounce.isActive() or self._task is not None

    # --- running queries -----------------------------------------------------------------------------------

    def _text_changed(self, _text: str) -> None:
        self._generation += 1
        self._activate_when_done = False
        self._debounce.start()

    def run_now(self) -> None:
        self._debounce.stop()
        text = self.query_edit.text()
        if self._store is None:
            return
        if not text.strip():
            self.model.set_results(None)
            self._show_help()
            return
        try:
            parse_query(text)
        except QueryError as error:
            self.model.set_results(None)
            self._show_error(error.message)
            return
        self._request(text, 0)

    def _fetch_more(self) -> None:
        if self.model.query and self.model.query == self.query_edit.text():
            self._request(self.model.query, self.model.rowCount())
        else:
            self.model.fetch_failed()

    def _request(self, text: str, offset: int) -> None:
        if self._task is not None:
            self._pending = (text, offset)  # only the newest waits; older pending texts are forgotten
            return
        store, generation = self._store, self._generation
        assert store is not None
        started = time.perf_counter()

        def work(_progress: object, _cancel: object) -> tuple[SearchResults, float]:
            results = store.search(text, limit=PAGE_SIZE, offset=offset)
            return results, time.perf_counter() - started

        self._task = run_task(
            work,
            self,
            name="search",
            on_result=lambda answer: self._answered(generation, offset, *answer),
            on_error=lambda message: self._failed(generation, offset, message),
        )
        self._task.finished.connect(self._task_finished)

    def _task_finished(self) -> None:
        self._task = None
        pending, self._pending = self._pending, None
        if pending is not None and self._store is not None:
            self._request(*pending)

    def _answered(self, generation: int, offset: int, results: SearchResults, seconds: float) -> None:
        if generation != self._generation or results.query != self.query_edit.text():
            return  # the text changed while the query ran
        if offset:
            self.model.append_page(results)
        else:
            self.model.set_results(results)
            if results.hits:
                self.results_view.setCurrentIndex(self.model.index(0))
        self._show_summary(results.total)
        self.searched.emit(results.query, seconds)
        if self._activate_when_done and not offset:
            self._activate_when_done = False
            self._activate(self.results_view.currentIndex())

    def _failed(self, generation: int, offset: int, message: str) -> None:
        if generation != self._generation:
            return
        if offset:
            self.model.fetch_failed()
        else:
            self.model.set_results(None)
        self._show_error(message)

    # --- messages ------------------------------------------------------------------------------------------

    def _show_help(self) -> None:
        self._set_summary(
            self.tr(
                "Type words to find them in every source. "
                '"Quotes" keep a phrase together, pyong* finds words that start so, '
                "OR gives a choice, -word leaves a word out."
            ),
            error=False,
        )

    def _show_summary(self, total: int) -> None:
        if total == 0:
            text = self.tr("No source matches.")
        elif total == 1:
            text = self.tr("1 source matches.")
        else:
            text = self.tr("%Ln sources match.", "", total)
        self._set_summary(text, error=False)

    def _show_error(self, message: str) -> None:
        self._set_summary(message, error=True)

    def _set_summary(self, text: str, *, error: bool) -> None:
        self.summary_label.setText(text)
        self.summary_label.setProperty("error", error)
        role = QPalette.ColorRole.BrightText if error else QPalette.ColorRole.PlaceholderText
        self.summary_label.setForegroundRole(role)
        palette = self.summary_label.palette()
        if error:
            palette.setColor(QPalette.ColorRole.BrightText, QColor("#b3261e"))
        self.summary_label.setPalette(palette)

    def summary(self) -> str:
        return self.summary_label.text()

    def has_error(self) -> bool:
        return bool(self.summary_label.property("error"))

    # --- keys and activation -------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.query_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._enter_in_query()
                return True
            if event.key() == Qt.Key.Key_Down and self.model.rowCount():
                self.results_view.setFocus(Qt.FocusReason.OtherFocusReason)
                if not self.results_view.currentIndex().isValid():
                    self.results_view.setCurrentIndex(self.model.index(0))
                return True
        return super().eventFilter(watched, event)

    def _enter_in_query(self) -> None:
        """Enter opens the current result, once the results belong to what is typed."""
        if (
            not self._debounce.isActive()
            and self._task is None
            and self.model.query == self.query_edit.text()
        ):
            self._activate(self.results_view.currentIndex())
            return
        self._activate_when_done = True
        if self._debounce.isActive():
            self.run_now()

    def _activate(self, index: QModelIndex) -> None:
        if index.isValid():
            self.hit_activated.emit(self.model.hit(index.row()))
