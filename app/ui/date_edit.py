"""A date typed the way the sources write it, read back to the user before it is taken.

The field accepts what ``app.core.dates.parse_user_input`` reads: EDTF and ISO (``2023-07-31``, ``2019~``,
``2023-07-31/2023-08-02``), a day-first ``31.07.2023``, and natural text in English, Hebrew and Arabic
("31 July 2023", "31 ביולי 2023", "אוגוסט 2023", "31 يوليو 2023", "mid-2019", "before 2019"). Words that
need a point of reference ("last March", "yesterday", a day without its year) are resolved against
``reference``: for an event, the publication date of the source it was quoted from.

Under the field a line says how the text was read - the display form at the value's own precision, its
EDTF and how an ambiguous text was taken ("day/month order assumed day-first") - or, while it cannot be
read, why not. ``threadline event add`` reads ``--date`` with the same reader and prints the same.
Nothing is taken until the user presses Enter or leaves the field (``value_committed``); Escape puts back
the value last set. Hebrew and Arabic input is laid out
right-to-left as it is typed.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from app.core.dates import (
    DatePoint,
    TypedDate,
    UncertainDate,
    display,
    parse,
    parse_user_input,
    read_user_input,
)
from app.core.errors import InvalidValue
from app.ui.reader import paragraph_direction

ERROR_COLOUR = "#b3261e"
DISPLAY_LANGUAGES = ("en", "he", "ar")


def _tr(text: str) -> str:
    return QCoreApplication.translate("DateEdit", text)


def ui_language() -> str:
    """The language dates are displayed in: the UI's, where ``display`` knows it, else English."""
    name = QLocale().name()[:2]
    return name if name in DISPLAY_LANGUAGES else "en"


def day_text(day: date) -> str:
    """A calendar day as the UI writes dates ("2 August 2023")."""
    return display(UncertainDate(DatePoint(day.year, day.month, day.day)), ui_language())


def reading_of(text: str, reference: date | None) -> tuple[UncertainDate | None, str, bool]:
    """(value, problem, used the reference) for ``text``; an empty text is no date and no problem."""
    typed, problem, relative = typed_reading_of(text, reference)
    return (None if typed is None else typed.value), problem, relative


def typed_reading_of(text: str, reference: date | None) -> tuple[TypedDate | None, str, bool]:
    """``reading_of`` with the note on how an ambiguous text was taken (the CLI prints the same)."""
    if not text.strip():
        return None, "", False
    try:
        typed = read_user_input(text, reference=reference)
    except InvalidValue as error:
        return None, error.message, False
    return typed, "", reference is not None and _needs_reference(text, typed.value)


def _needs_reference(text: str, value: UncertainDate) -> bool:
    try:
        parse(text.strip())
    except InvalidValue:
        try:
            return parse_user_input(text, reference=None) != value
        except InvalidValue:
            return True
    return False


class DateEdit(QWidget):
    """A line edit for one date with its live reading underneath; see the module docstring."""

    value_committed = Signal(object)  # UncertainDate | None (the field was emptied)
    reading_changed = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, allow_empty: bool = True, placeholder: str | None = None
    ) -> None:
        super().__init__(parent)
        self._allow_empty = allow_empty
        self._reference: date | None = None
        self._value: UncertainDate | None = None
        self._problem = ""
        self._note = ""
        self._relative = False
        self._committed_text = ""
        self.line = QLineEdit(self)
        self.line.setObjectName("date_edit_line")
        self.line.setPlaceholderText(
            placeholder or _tr("31 July 2023, 31 ביולי 2023, 2023-07, mid-2019, around 2019 …")
        )
        self.line.setClearButtonEnabled(True)
        self.line.installEventFilter(self)
        self.reading_label = QLabel(self)
        self.reading_label.setObjectName("date_edit_reading")
        self.reading_label.setWordWrap(True)
        self.reading_label.setTextFormat(Qt.TextFormat.PlainText)
        self.reading_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.reading_label.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        self.reading_label.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(self.line)
        layout.addWidget(self.reading_label)
        self.setFocusProxy(self.line)
        self.line.textChanged.connect(self._read)
        self.line.editingFinished.connect(self._finish)
        self._read()

    # --- the value -----------------------------------------------------------------------------------

    def set_value(self, value: UncertainDate | None) -> None:
        """Show ``value`` (its EDTF, which reads back exactly) as the committed value; no signal."""
        text = "" if value is None else value.to_edtf()
        self._committed_text = text
        if self.line.text() != text:
            self.line.setText(text)
            self.line.setCursorPosition(0)
        else:
            self._read()

    def value(self) -> UncertainDate | None:
        """The reading of the current text (None when empty or unreadable: see ``is_valid``)."""
        return self._value

    def is_valid(self) -> bool:
        return not self._problem and (self._allow_empty or self._value is not None)

    def problem(self) -> str:
        """Why the text cannot be taken, in the user's words; empty when it can."""
        return self._problem

    def reading(self) -> str:
        """The line under the field, as shown."""
        return self.reading_label.text()

    def text(self) -> str:
        return self.line.text()

    def set_text(self, text: str) -> None:
        """Put ``text`` in the field as if typed (it is read at once, and not committed)."""
        self.line.setText(text)

    def is_modified(self) -> bool:
        """The text differs from the value last set or committed."""
        return self.line.text() != self._committed_text

    def revert(self) -> None:
        self.line.setText(self._committed_text)
        self.line.setCursorPosition(0)

    # --- the reference date ---------------------------------------------------------------------------

    def set_reference(self, reference: date | None, description: str = "") -> None:
        """The day relative words are counted from; ``description`` says where it comes from."""
        self._reference = reference
        tip = (
            _tr("“last March”, “yesterday” and a day without its year are read relative to {day}.").format(
                day=day_text(reference)
            )
            if reference is not None
            else _tr("No reference date: relative words such as “last March” cannot be read.")
        )
        self.line.setToolTip(f"{tip}\n{description}".strip())
        self._read()

    def reference(self) -> date | None:
        return self._reference

    # --- reading and committing -----------------------------------------------------------------------

    def _read(self) -> None:
        text = self.line.text()
        typed, self._problem, self._relative = typed_reading_of(text, self._reference)
        self._value = None if typed is None else typed.value
        self._note = "" if typed is None else typed.note
        if not self._problem and self._value is None and not self._allow_empty and text.strip() == "":
            self._problem = _tr("A date is needed here.")
        direction = paragraph_direction(text) or Qt.LayoutDirection.LeftToRight
        if self.line.layoutDirection() != direction:
            self.line.setLayoutDirection(direction)
        self._show_reading()
        self.reading_changed.emit()

    def _show_reading(self) -> None:
        palette = self.reading_label.palette()
        if self._problem:
            palette.setColor(QPalette.ColorRole.WindowText, QColor(ERROR_COLOUR))
            self.reading_label.setText(self._problem)
        else:
            colour = self.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText)
            palette.setColor(QPalette.ColorRole.WindowText, colour)
            self.reading_label.setText(self._describe())
        self.reading_label.setPalette(palette)

    def _describe(self) -> str:
        value = self._value
        if value is None:
            return _tr("No date")
        text = _tr("Reads as {display} · EDTF {edtf}").format(
            display=display(value, ui_language()), edtf=value.to_edtf()
        )
        if self._relative and self._reference is not None:
            text += " " + _tr("(counted from {day})").format(day=day_text(self._reference))
        elif self._note:
            text += " " + _tr("({note})").format(note=_tr(self._note))
        return text

    def _finish(self) -> None:
        """Enter or leaving the field: take the reading if it is new and readable."""
        if not self.is_modified() or not self.is_valid():
            return
        self._committed_text = self.line.text()
        self.value_committed.emit(self._value)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.line
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self.is_modified()
        ):
            self.revert()
            return True
        return super().eventFilter(watched, event)
