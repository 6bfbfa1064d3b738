"""The review queue: places where an entity may be mentioned, found by "Find Mentions", waiting for the
investigator's decision.

Each row shows the words around the match in the text's own direction (right-aligned for Hebrew and
Arabic), the entity, the source and line, the kind of match (exact, behind a prefix, or a variant
spelling; "needs review" when a hit is likely but not certain) and its status. Accept makes it a mention
(highlighted in the reader at once), Reject marks it so a later find does not bring it back; "Accept All
in This Source" and "Accept All" take the certain ones only, leaving those that need review and variants
to be decided one by one. Every decision is one undoable step. Rows stay after a decision, dimmed, so the
list does not jump under the mouse; the next find shows only what is still pending.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.entity_records import CandidateRecord, CandidateStatus
from app.core.progress import ProgressUpdate
from app.ui.entities.catalogue import SWATCH, EntityCatalogue
from app.ui.entities.kwic import KwicDelegate
from app.ui.entities.models import CandidateColumn, CandidatesModel
from app.ui.entities.words import counted, quote, tr
from app.ui.sources_dock import BidiItemDelegate, SourcesView


class ReviewDock(QDockWidget):
    """See the module docstring."""

    accept_requested = Signal(list)  # candidate ids
    reject_requested = Signal(list)
    accept_source_requested = Signal(object)  # the current CandidateRecord: its entity, in its source
    accept_all_requested = Signal()
    candidate_activated = Signal(object)  # CandidateRecord: show it in the reader
    cancel_requested = Signal()

    def __init__(self, catalogue: EntityCatalogue, parent: QWidget | None = None) -> None:
        super().__init__(tr("Mention Review"), parent)
        self.setObjectName("review_dock")
        self.catalogue = catalogue
        self.model = CandidatesModel(catalogue, self)
        self.scope: int | None = None  # the entity the last find was for (None: all)
        self._finding = False
        self._next_row: int | None = None
        self.view = SourcesView()
        self.summary_label = QLabel()
        self.progress = QProgressBar()
        self.cancel_button = QPushButton(tr("Cancel"))
        self.accept_button = QPushButton(tr("&Accept"))
        self.reject_button = QPushButton(tr("&Reject"))
        self.accept_source_button = QPushButton(tr("Accept All in This &Source"))
        self.accept_all_button = QPushButton(tr("Accept A&ll"))
        self._build()
        self._connect()
        self._update()

    # --- building ------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.summary_label.setObjectName("review_summary")
        self.summary_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.progress.setObjectName("review_progress")
        self.progress.setTextVisible(True)
        self.progress.setMaximumWidth(260)
        self.cancel_button.setObjectName("review_cancel")
        for name, button in (
            ("review_accept", self.accept_button),
            ("review_reject", self.reject_button),
            ("review_accept_source", self.accept_source_button),
            ("review_accept_all", self.accept_all_button),
        ):
            button.setObjectName(name)
        self.accept_button.setToolTip(tr("Make the selected candidates mentions (A)"))
        self.reject_button.setToolTip(tr("Not this entity: a later find leaves them out (R)"))
        tip = tr(
            "Accept the certain ones; those that need review and variant spellings stay for you to decide."
        )
        self.accept_source_button.setToolTip(tip)
        self.accept_all_button.setToolTip(tip)
        self._build_view()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.progress)
        top.addWidget(self.cancel_button)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reject_button)
        buttons.addStretch(1)
        buttons.addWidget(self.accept_source_button)
        buttons.addWidget(self.accept_all_button)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.setWidget(body)
        self.progress.hide()
        self.cancel_button.hide()

    def _build_view(self) -> None:
        view = self.view
        view.setObjectName("review_view")
        view.setModel(self.model)
        view.setItemDelegateForColumn(CandidateColumn.CONTEXT, KwicDelegate(view))
        for column in (CandidateColumn.ENTITY, CandidateColumn.SOURCE):
            view.setItemDelegateForColumn(column, BidiItemDelegate(view))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setWordWrap(False)
        view.setShowGrid(False)
        view.setAlternatingRowColors(True)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(view.fontMetrics().height() + 12)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(CandidateColumn.CONTEXT, QHeaderView.ResizeMode.Stretch)
        em = view.fontMetrics().horizontalAdvance("M")
        view.setColumnWidth(CandidateColumn.ENTITY, em * 10)
        view.setColumnWidth(CandidateColumn.SOURCE, em * 11)
        view.setColumnWidth(CandidateColumn.KIND, em * 9)
        view.setColumnWidth(CandidateColumn.STATUS, em * 6)
        view.setIconSize(QSize(SWATCH + 20, 16))
        view.placeholder = tr(
            "Nothing to review.\nUse Find Mentions on an entity's page, or Entities ▸ Find All Mentions."
        )
        for keys, slot in (("A", self.accept_selected), ("R", self.reject_selected)):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            view.addAction(action)

    def _connect(self) -> None:
        self.accept_button.clicked.connect(self.accept_selected)
        self.reject_button.clicked.connect(self.reject_selected)
        self.accept_source_button.clicked.connect(self._accept_source)
        self.accept_all_button.clicked.connect(self.accept_all_requested)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.view.activated.connect(self._activated)
        self.view.clicked.connect(self._activated)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update())
        for signal in (self.model.modelReset, self.model.dataChanged, self.model.rowsRemoved):
            signal.connect(self._update)

    # --- content -------------------------------------------------------------------------------------

    def show_candidates(self, scope: int | None, records: list[CandidateRecord]) -> None:
        self.scope = scope
        self.model.set_candidates(records)
        if records:
            self.select_row(0)
        self._update()

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            index = self.model.index(row, CandidateColumn.CONTEXT)
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            self.view.selectionModel().setCurrentIndex(index, flags)
            self.view.scrollTo(index)

    def selected_candidates(self) -> list[CandidateRecord]:
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        return [self.model.candidate_at(row) for row in rows]

    def current_candidate(self) -> CandidateRecord | None:
        index = self.view.currentIndex()
        return self.model.candidate_at(index.row()) if index.isValid() else None

    # --- progress of a find ----------------------------------------------------------------------------

    def finding_started(self, title: str) -> None:
        self._finding = True
        self.summary_label.setText(title)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)

    def finding_progressed(self, update: ProgressUpdate) -> None:
        if update.total:
            self.progress.setRange(0, update.total)
            self.progress.setValue(update.done)
            self.progress.setFormat(tr("%v of %m sources"))

    def finding_finished(self) -> None:
        self._finding = False
        self.progress.hide()
        self.cancel_button.hide()
        self._update()

    def is_finding(self) -> bool:
        return self._finding

    # --- decisions -------------------------------------------------------------------------------------

    def accept_selected(self) -> None:
        ids = [c.id for c in self.selected_candidates() if c.status is not CandidateStatus.ACCEPTED]
        if ids:
            self._after_decision()
            self.accept_requested.emit(ids)

    def reject_selected(self) -> None:
        ids = [c.id for c in self.selected_candidates() if c.status is not CandidateStatus.REJECTED]
        if ids:
            self._after_decision()
            self.reject_requested.emit(ids)

    def _accept_source(self) -> None:
        current = self.current_candidate()
        if current is not None:
            self.accept_source_requested.emit(current)

    def _after_decision(self) -> None:
        """Move on to the next pending candidate after the selection, as a reviewer works down the list."""
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        if not rows:
            return
        for row in range(rows[-1] + 1, self.model.rowCount()):
            if self.model.candidate_at(row).status is CandidateStatus.PENDING:
                self._next_row = row
                return
        self._next_row = rows[-1]

    def move_on(self) -> None:
        """Select the row ``_after_decision`` chose (after the decision was applied)."""
        row = self._next_row
        if row is not None:
            self.select_row(min(row, self.model.rowCount() - 1))
            self._next_row = None

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.candidate_activated.emit(self.model.candidate_at(index.row()))

    def _update(self) -> None:
        selected = self.selected_candidates()
        has_store = self.catalogue.store() is not None
        pending = self.model.pending_count()
        self.accept_button.setEnabled(
            has_store and any(c.status is not CandidateStatus.ACCEPTED for c in selected)
        )
        self.reject_button.setEnabled(
            has_store and any(c.status is not CandidateStatus.REJECTED for c in selected)
        )
        self.accept_source_button.setEnabled(
            has_store and self.current_candidate() is not None and pending > 0
        )
        self.accept_all_button.setEnabled(has_store and pending > 0)
        if not self._finding:
            self.summary_label.setText(self._summary(pending))

    def _summary(self, pending: int) -> str:
        total = self.model.rowCount()
        if not total:
            return tr("No candidates.")
        name = ""
        if self.scope is not None:
            summary = self.catalogue.summary(self.scope)
            name = quote(summary.name, 40) if summary is not None else ""
        found = counted("%n candidate(s)", total)
        if name:
            return tr("{found} for {name}, {pending} to review").format(
                found=found, name=name, pending=pending
            )
        return tr("{found} for every entity, {pending} to review").format(found=found, pending=pending)
