"""The windows of an import: progress while it runs, the summary when it ends, and the note editor.

None of them runs the import; ``app.ui.import_controller`` does, and drives these. All are modeless: the
investigator can keep reading while files come in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QElapsedTimer,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QColor, QFont, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.progress import ProgressUpdate
from app.core.records import ImportOutcome, ImportStatus
from app.ui.sources_model import plural

ModelIndex = QModelIndex | QPersistentModelIndex
_FAILED_COLOUR = "#b3261e"
TICK_MS = 1000  # the clock in the progress window


def format_duration(seconds: float) -> str:
    """0:07, 12:40, 1:02:03."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# --- progress --------------------------------------------------------------------------------------------


class ImportProgressDialog(QDialog):
    """Files done of total, the file just read, elapsed and remaining time, and Cancel.

    Closing the window or pressing Escape asks to cancel, like the button: the import stops after the file
    being written, keeps what is done, and the controller closes this window when it has stopped.
    """

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import_progress")
        self.setWindowTitle(self.tr("Importing"))
        self.setModal(False)
        self.setMinimumWidth(460)
        self.status_label = QLabel(self.tr("Looking for files…"))
        self.status_label.setObjectName("import_status")
        self.current_label = QLabel()
        self.current_label.setObjectName("import_current")
        self.current_label.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.time_label = QLabel()
        self.time_label.setObjectName("import_time")
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("import_cancel")
        self.cancel_button.clicked.connect(self.request_cancel)
        buttons = QDialogButtonBox()
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        for widget in (self.status_label, self.bar, self.current_label, self.time_label):
            layout.addWidget(widget)
        layout.addWidget(buttons)
        self.updates = 0  # how many updates were shown (tests check the throttling)
        self.cancelling = False
        self._last: ProgressUpdate | None = None
        self._clock = QElapsedTimer()
        self._clock.start()
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self._show_time)
        self._ticker.start()
        self._show_time()

    def update_progress(self, update: ProgressUpdate) -> None:
        self.updates += 1
        self._last = update
        if update.total:
            self.bar.setRange(0, update.total)
            self.bar.setValue(update.done)
        if not self.cancelling:
            self.status_label.setText(
                self.tr("Imported {done} of {total} files").format(done=update.done, total=update.total)
            )
        if update.current:
            width = max(200, self.current_label.width())
            shown = self.current_label.fontMetrics().elidedText(
                update.current, Qt.TextElideMode.ElideMiddle, width
            )
            self.current_label.setText(shown)
            self.current_label.setToolTip(update.current)
        self._show_time()

    def elapsed(self) -> float:
        return self._clock.elapsed() / 1000

    def remaining(self) -> float | None:
        """Seconds left at the pace so far, or None before the first file is done."""
        update = self._last
        if update is None or update.done == 0 or not update.total:
            return None
        return self.elapsed() / update.done * (update.total - update.done)

    def _show_time(self) -> None:
        text = self.tr("Elapsed {elapsed}").format(elapsed=format_duration(self.elapsed()))
        remaining = self.remaining()
        if self.cancelling:
            pass
        elif remaining is None:
            text += " · " + self.tr("estimating time left…")
        else:
            text += " · " + self.tr("about {left} left").format(left=format_duration(math.ceil(remaining)))
        self.time_label.setText(text)

    def request_cancel(self) -> None:
        if self.cancelling:
            return
        self.cancelling = True
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(self.tr("Cancelling…"))
        self.status_label.setText(self.tr("Cancelling after the current file…"))
        self._show_time()
        self.cancel_requested.emit()

    def finish(self) -> None:
        """Close for good (the controller calls this when the import has stopped)."""
        self._ticker.stop()
        self.done(QDialog.DialogCode.Accepted)

    def reject(self) -> None:  # Escape
        self.request_cancel()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._ticker.isActive():  # still running: closing means cancel
            event.ignore()
            self.request_cancel()
        else:
            super().closeEvent(event)


# --- summary ---------------------------------------------------------------------------------------------


def status_label(status: ImportStatus) -> str:
    tr = QGuiApplication.translate
    return {
        ImportStatus.IMPORTED: tr("ImportSummary", "Imported"),
        ImportStatus.DUPLICATE: tr("ImportSummary", "Duplicate"),
        ImportStatus.FAILED: tr("ImportSummary", "Failed"),
        ImportStatus.SKIPPED: tr("ImportSummary", "Skipped"),
    }[status]


def outcome_details(outcome: ImportOutcome) -> str:
    """What the third column says: the new source, or the reason (the pipeline's words, as they are)."""
    if outcome.status == ImportStatus.IMPORTED:
        text = QGuiApplication.translate("ImportSummary", "source #{id}").format(id=outcome.source_id)
        return f"{text}; {outcome.reason}" if outcome.reason else text
    return outcome.reason


class OutcomesModel(QAbstractTableModel):
    """The outcomes of one import, one row each (a finished report, so a plain list is right here)."""

    def __init__(self, outcomes: Sequence[ImportOutcome], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.outcomes = list(outcomes)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.outcomes)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        headers = self.headers()
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return headers[section] if 0 <= section < len(headers) else None
        return None

    @staticmethod
    def headers() -> tuple[str, str, str]:
        tr = QGuiApplication.translate
        return tr("ImportSummary", "Status"), tr("ImportSummary", "File"), tr("ImportSummary", "Details")

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.outcomes):
            return None
        outcome = self.outcomes[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cells(outcome)[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.UserRole:
            return outcome
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and outcome.status == ImportStatus.FAILED
            and not index.column()
        ):
            return QColor(_FAILED_COLOUR)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    @staticmethod
    def cells(outcome: ImportOutcome) -> tuple[str, str, str]:
        return status_label(outcome.status), outcome.path, outcome_details(outcome)

    def as_text(self, rows: Sequence[int] | None = None) -> str:
        """Tab-separated, with a header line: pastes into a spreadsheet or a report."""
        chosen = range(len(self.outcomes)) if rows is None else rows
        lines = ["\t".join(self.headers())]
        lines += ["\t".join(self.cells(self.outcomes[row])) for row in chosen]
        return "\n".join(lines) + "\n"


def summary_headline(outcomes: Sequence[ImportOutcome], cancelled: bool) -> str:
    tr = QGuiApplication.translate
    counts = {status: sum(1 for o in outcomes if o.status == status) for status in ImportStatus}
    attached = {
        status: sum(1 for o in outcomes if o.status == status and o.parent_path) for status in ImportStatus
    }
    imported = counts[ImportStatus.IMPORTED] - attached[ImportStatus.IMPORTED]
    duplicates = counts[ImportStatus.DUPLICATE]
    failed = counts[ImportStatus.FAILED] - (1 if cancelled else 0)
    parts = [plural(tr("ImportSummary", "%n file(s) imported", "", imported), imported)]
    if attachments := attached[ImportStatus.IMPORTED]:
        parts[0] += " " + plural(tr("ImportSummary", "with %n attachment(s)", "", attachments), attachments)
    if duplicates:
        parts.append(
            plural(tr("ImportSummary", "%n duplicate(s) already in the case", "", duplicates), duplicates)
        )
    if failed:
        parts.append(tr("ImportSummary", "%n failed", "", failed))
    if hidden := counts[ImportStatus.SKIPPED] - attached[ImportStatus.SKIPPED]:
        parts.append(plural(tr("ImportSummary", "%n hidden item(s) skipped", "", hidden), hidden))
    if unread := attached[ImportStatus.SKIPPED]:
        parts.append(
            plural(
                tr("ImportSummary", "%n attachment(s) in a format not read (kept in the e-mail)", "", unread),
                unread,
            )
        )
    text = ", ".join(parts) + "."
    if cancelled:
        return (
            tr("ImportSummary", "Import cancelled. What was imported before stays in the case:") + " " + text
        )
    return text


class ImportSummaryDialog(QDialog):
    """What happened to every file: imported, duplicate (of which source) or failed (why)."""

    source_requested = Signal(int)  # double-click on a row that names a source

    def __init__(
        self, outcomes: Sequence[ImportOutcome], cancelled: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("import_summary")
        self.setWindowTitle(self.tr("Import Cancelled") if cancelled else self.tr("Import Finished"))
        self.setModal(False)
        self.resize(760, 420)
        self.cancelled = cancelled
        self.model = OutcomesModel(outcomes, self)
        self.headline = QLabel(summary_headline(outcomes, cancelled))
        self.headline.setObjectName("import_headline")
        self.headline.setWordWrap(True)
        font = QFont(self.headline.font())
        font.setWeight(QFont.Weight.DemiBold)
        self.headline.setFont(font)
        self.table = self._table()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton(self.tr("Copy Report"), QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("import_copy")
        self.copy_button.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.close)
        QShortcut(QKeySequence.StandardKey.Copy, self.table, self.copy_report)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def _table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("import_outcomes")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # the file's name is at the end of its path
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # never measure 1,000 rows
        header.setStretchLastSection(True)
        widest = max(table.fontMetrics().horizontalAdvance(status_label(status)) for status in ImportStatus)
        table.setColumnWidth(0, widest + 24)
        table.setColumnWidth(1, 320)
        table.doubleClicked.connect(self._on_double_click)
        return table

    def copy_report(self) -> None:
        """The selected rows, or all of them when none is selected, to the clipboard as text."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        QGuiApplication.clipboard().setText(self.model.as_text(rows or None))

    def _on_double_click(self, index: QModelIndex) -> None:
        outcome = self.model.outcomes[index.row()]
        if outcome.source_id is not None:
            self.source_requested.emit(outcome.source_id)


# --- a note typed or pasted --------------------------------------------------------------------------------


class NoteDialog(QDialog):
    """Title and text of a new note-kind source; the text is stored exactly as entered."""

    def __init__(self, title: str, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("note_dialog")
        self.setWindowTitle(title)
        self.resize(560, 420)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("note_title")
        self.title_edit.setPlaceholderText(self.tr("Title (leave empty to use the first line)"))
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName("note_text")
        self.text_edit.setPlaceholderText(self.tr("The text of the source, exactly as you received it"))
        self.text_edit.setPlainText(text)
        hint = QLabel(
            self.tr("Stored as a note: the text you enter here is the original, fingerprinted like any file.")
        )
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = buttons.addButton(self.tr("Add Source"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setObjectName("note_add")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.text_edit.textChanged.connect(self._update_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_edit)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self._update_button()

    def _update_button(self) -> None:
        self.add_button.setEnabled(bool(self.text_edit.toPlainText().strip()))

    def values(self) -> tuple[str, str]:
        return self.title_edit.text().strip(), self.text_edit.toPlainText()
