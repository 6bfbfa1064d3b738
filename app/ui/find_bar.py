"""The find bar under the reader: find words in the source being read, with the search's own matching.

A word is found here exactly when searching all sources would find it (``parse_query`` and
``compile_matcher``, proclitics included), so פיונגיאנג finds בפיונגיאנג in the text as it does in the
case. Every match is highlighted lightly and the current one strongly; the count says where you are.
"""

from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStyle,
    QToolButton,
    QWidget,
)

from app.core.errors import QueryError
from app.core.matching import compile_matcher
from app.core.query import parse_query
from app.core.records import Span
from app.ui.reader import HighlightKind, ReaderView

_ERROR_COLOUR = "#b3261e"


class FindBar(QWidget):
    """Finds in ``reader``'s text; hidden until opened (Ctrl+F), closed with Esc."""

    closed = Signal()

    def __init__(self, reader: ReaderView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("find_bar")
        self.reader = reader
        self._matches: list[Span] = []
        self._current: int | None = None
        # Where finding starts: the caret when the bar opened, then the match last stepped to. Typing
        # searches again from here, so the partial words typed on the way do not move it.
        self._anchor = 0
        self._create_widgets()
        self.reader.text_replaced.connect(self._find_in_new_text)
        self.hide()

    def _create_widgets(self) -> None:
        self.query_edit = QLineEdit(self)
        self.query_edit.setObjectName("find_query")
        self.query_edit.setPlaceholderText(self.tr("Find in this source"))
        self.query_edit.setClearButtonEnabled(True)
        self.query_edit.textChanged.connect(self._find)
        self.query_edit.installEventFilter(self)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("find_count")
        self.message_label = QLabel(self)
        self.message_label.setObjectName("find_message")
        self.message_label.setWordWrap(True)
        self.message_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        palette = self.message_label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(_ERROR_COLOUR))
        self.message_label.setPalette(palette)
        self.previous_button = self._button(self.tr("Previous match (Shift+Enter, Shift+F3)"))
        self.next_button = self._button(self.tr("Next match (Enter, F3)"))
        self.close_button = self._button(self.tr("Close the find bar (Esc)"))
        self.previous_button.setArrowType(Qt.ArrowType.UpArrow)
        self.next_button.setArrowType(Qt.ArrowType.DownArrow)
        self.close_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        self.previous_button.clicked.connect(self.find_previous)
        self.next_button.clicked.connect(self.find_next)
        self.close_button.clicked.connect(self.close_bar)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 3, 6, 3)
        row.addWidget(QLabel(self.tr("Find:"), self))
        row.addWidget(self.query_edit, 2)
        row.addWidget(self.previous_button)
        row.addWidget(self.next_button)
        row.addWidget(self.count_label)
        row.addWidget(self.message_label, 3)
        row.addWidget(self.close_button)
        self.query_edit.setMinimumWidth(260)

    def _button(self, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        return button

    # --- what the window calls -----------------------------------------------------------------------------

    def open_bar(self) -> None:
        """Show the bar with its query selected, so typing replaces it (Ctrl+F)."""
        selected = self.reader.selected_text()
        if selected is not None and "\n" not in selected.text and selected.text.strip():
            self.query_edit.setText(selected.text.strip())
        self._anchor = self.reader.cursor_offset()
        self.show()
        self.query_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query_edit.selectAll()
        self._find()

    def close_bar(self) -> None:
        if not self.isVisible():
            return
        self.hide()
        self.reader.clear_highlights(HighlightKind.FIND)
        self.reader.clear_highlights(HighlightKind.CURRENT)
        self.reader.setFocus(Qt.FocusReason.OtherFocusReason)
        self.closed.emit()

    def find_next(self) -> None:
        self._step(+1)

    def find_previous(self) -> None:
        self._step(-1)

    def matches(self) -> list[Span]:
        return list(self._matches)

    def current_index(self) -> int | None:
        return self._current

    # --- finding -------------------------------------------------------------------------------------------

    def _step(self, direction: int) -> None:
        if not self.isVisible():
            self.open_bar()
            return
        if not self._matches:
            return
        if self._current is None:
            self._current = 0 if direction > 0 else len(self._matches) - 1
        else:
            self._current = (self._current + direction) % len(self._matches)
        self._anchor = self._matches[self._current].start
        self._show_current()

    def _find_in_new_text(self) -> None:
        """The reader shows another source: find the same words there, from its start."""
        self._anchor = 0
        if self.isVisible():
            self._find()
        else:
            self._matches, self._current = [], None

    def _find(self) -> None:
        query_text = self.query_edit.text()
        self.message_label.clear()
        if not query_text.strip():
            self._set_matches([])
            self.count_label.clear()
            return
        try:
            query = parse_query(query_text)
        except QueryError as error:
            self._set_matches([])
            self.count_label.clear()
            self.message_label.setText(error.message)
            return
        self._set_matches(compile_matcher(query.positive_terms).find(self.reader.text()))

    def _set_matches(self, matches: list[Span]) -> None:
        self._matches = matches
        self.reader.highlight(matches, HighlightKind.FIND)
        if not matches:
            self._current = None
            self.reader.clear_highlights(HighlightKind.CURRENT)
            self.count_label.setText(self.tr("No matches") if self.query_edit.text().strip() else "")
            return
        starts = [match.start for match in matches]
        self._current = bisect_left(starts, self._anchor) % len(matches)
        self._show_current()

    def _show_current(self) -> None:
        assert self._current is not None
        match = self._matches[self._current]
        self.reader.highlight([match], HighlightKind.CURRENT)
        self.reader.scroll_to(match.start)
        self.count_label.setText(
            self.tr("{current} of {total}").format(current=self._current + 1, total=len(self._matches))
        )

    # --- keys ----------------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.query_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            return self._handle_key(event)
        return super().eventFilter(watched, event)

    def _handle_key(self, event: QKeyEvent) -> bool:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shifted = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            self.find_previous() if shifted else self.find_next()
            return True
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)
