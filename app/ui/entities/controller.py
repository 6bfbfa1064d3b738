"""The entity features of the main window in one place: tagging from the reader, mention highlights,
finding and reviewing mentions, identifiers, the entities dock and the entity page, merge and delete.

The controller owns the three docks and the dialogs, turns every decision into one store edit and pushes
the command that reverts it on the window's undo stack. It never draws anything from its own copy of the
case: after an edit, the store's ``Change`` reaches the catalogue, the docks and the reader's highlights,
and each refreshes what it shows. The window gives it the reader, the undo stack and the actions, and
shows the messages it emits.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from app.core.entity_records import (
    AliasRecord,
    CandidateDecision,
    CandidateRecord,
    CandidateStatus,
    MentionInContext,
    SourceHighlight,
)
from app.core.errors import ThreadlineError
from app.core.mentions import NameSuggestion
from app.core.progress import CancelToken, ProgressSink
from app.core.records import Change
from app.store import CaseStore
from app.store.entities import IdentifierOffer
from app.ui.actions import WindowActions
from app.ui.entities.catalogue import EntityCatalogue
from app.ui.entities.commands import (
    AddAliasCommand,
    AddTypeCommand,
    DecisionCommand,
    DeleteEntityCommand,
    EditEntityCommand,
    GroupCommand,
    MergeCommand,
    NewEntityCommand,
    RemoveAliasCommand,
    TagCommand,
    UntagCommand,
)
from app.ui.entities.dialogs import EntityTypeDialog, MergeDialog, NewEntityDialog, delete_confirmation
from app.ui.entities.dock import EntitiesDock
from app.ui.entities.page import EntityPage
from app.ui.entities.review import ReviewDock
from app.ui.entities.tag_dialog import PickEntityDialog, TagChoice, TagDialog
from app.ui.entities.words import counted, quote, tr
from app.ui.reader import ReaderView, SelectedText
from app.ui.store_bridge import StoreBridge
from app.ui.workers import Task

DEFAULT_TYPE = "person"
REFRESH_DELAY_MS = 30  # the reader's highlights follow a burst of changes once
SCAN_DELAY_MS = 150  # identifiers are looked for once the reader has painted and the choice settled
_TOOLTIP_ALIASES = 8


class EntitiesController(QObject):
    """See the module docstring."""

    span_requested = Signal(int, int, int)  # source id, start, end: show it in the reader
    message = Signal(str)  # for the status bar
    error = Signal(str)  # a problem the user can fix, for a dialog

    def __init__(self, window: QWidget, reader: ReaderView, undo_stack: QUndoStack) -> None:
        super().__init__(window)
        self.window = window
        self.reader = reader
        self.undo_stack = undo_stack
        self.catalogue = EntityCatalogue(self)
        self.dock = EntitiesDock(self.catalogue, window)
        self.page = EntityPage(self.catalogue, window)
        self.review = ReviewDock(self.catalogue, window)
        self._store: CaseStore | None = None
        self._bridge: StoreBridge | None = None
        self._actions: WindowActions | None = None
        self._task: Task | None = None
        self._last_type = DEFAULT_TYPE
        self.tag_dialog: TagDialog | None = None
        self.dialog: QWidget | None = None  # the last other dialog opened (new entity, merge, delete …)
        self._identifier_scan = 0
        self._identifiers_of: int | None = None  # the source the identifiers list is about
        self._scans: set[Task] = set()
        self._scan_timer = QTimer(self)
        self._scan_timer.setSingleShot(True)
        self._scan_timer.setInterval(SCAN_DELAY_MS)
        self._scan_timer.timeout.connect(self._start_scan)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh_source)
        self.reader.mention_tooltip = self.mention_tooltip
        self._connect()

    def _connect(self) -> None:
        r = self.reader
        r.text_replaced.connect(self.refresh_source)
        r.mention_clicked.connect(lambda mention: self.show_entity(mention.entity_id))
        r.mention_removal_requested.connect(self.remove_mention)
        r.mention_retag_requested.connect(self.retag_mention)
        d = self.dock
        d.entity_activated.connect(self.show_entity)
        d.selection_changed.connect(self._dock_selection_changed)
        d.identifier_tag_requested.connect(self.tag_identifier)
        d.identifier_activated.connect(
            lambda offer: self.span_requested.emit(
                self._shown_source(), offer.identifier.start, offer.identifier.end
            )
        )
        p = self.page
        p.field_edited.connect(self.edit_entity)
        p.alias_added.connect(self.add_alias)
        p.alias_removed.connect(self.remove_alias)
        p.alias_renamed.connect(self.rename_alias)
        p.mention_activated.connect(self._mention_activated)
        p.find_requested.connect(self.find_mentions)
        p.merge_requested.connect(self.merge_into)
        p.delete_requested.connect(self.delete_entity)
        v = self.review
        v.accept_requested.connect(self.accept)
        v.reject_requested.connect(self.reject)
        v.accept_source_requested.connect(self.accept_all_in_source)
        v.accept_all_requested.connect(self.accept_all)
        v.candidate_activated.connect(
            lambda candidate: self.span_requested.emit(candidate.source_id, candidate.start, candidate.end)
        )
        v.cancel_requested.connect(self.cancel_find)
        self.catalogue.failed.connect(self.error)

    def connect_actions(self, actions: WindowActions) -> None:
        """Wire the window's entity commands (their menus and shortcuts are the window's)."""
        self._actions = actions
        actions.new_entity.triggered.connect(self.new_entity)
        actions.new_entity_type.triggered.connect(self.new_entity_type)
        actions.find_mentions.triggered.connect(self._find_current)
        actions.find_all_mentions.triggered.connect(lambda: self.find_mentions(None))
        actions.review_mentions.triggered.connect(self.show_review)
        actions.merge_entities.triggered.connect(self.merge_selected)
        actions.delete_entity.triggered.connect(self._delete_current)
        self.dock.add_button_actions(
            [
                (tr("New…"), actions.new_entity),
                (tr("Merge…"), actions.merge_entities),
                (tr("Delete…"), actions.delete_entity),
            ]
        )
        self.dock.menu_actions = [
            actions.find_mentions,
            actions.merge_entities,
            actions.delete_entity,
            actions.new_entity,
        ]
        self._update_actions()

    # --- the case ------------------------------------------------------------------------------------------

    def set_store(self, store: CaseStore | None, bridge: StoreBridge | None) -> None:
        self.page.commit_pending()
        if self._task is not None:
            self._task.cancel_and_wait()
            self._task = None
            self.review.finding_finished()
        for scan in list(self._scans):
            scan.wait()  # reads of the store that is about to close
        if self._bridge is not None:
            self._bridge.changed.disconnect(self._on_change)
        self._store, self._bridge = store, bridge
        self.catalogue.set_store(store, bridge)
        self.catalogue.ensure_index()  # on a worker: ready by the time the first name is typed
        if bridge is not None:
            bridge.changed.connect(self._on_change)
        self.review.model.set_store(store)
        self.review.show_candidates(None, [])
        if store is not None:
            self._load_pending(store)
        self.dock.reload()
        self.page.show_entity(None)
        self.refresh_source()
        self._update_actions()

    def store(self) -> CaseStore | None:
        return self._store

    def _on_change(self, change: Change) -> None:
        self.page.on_change(change)
        self.review.model.on_change(change)
        if change.object_type in ("mention", "entity", "entity_type"):
            self._refresh_timer.start()
        if change.object_type == "entity":
            self._update_actions()

    def push(self, command: QUndoCommand) -> None:
        self.undo_stack.push(command)

    # --- the reader: highlights, identifiers, tooltips ---------------------------------------------------

    def _shown_source(self) -> int:
        source_id = self.reader.source_id()
        return -1 if source_id is None else source_id

    def refresh_source(self) -> None:
        """Highlight the shown source's mentions and list its identifiers (a source opened, or changed).

        The highlights are drawn at once; the identifiers are looked for on a worker, since scanning a
        long text takes longer than reading its mentions (60 ms for 200 KB) and the reader should not
        wait for it.
        """
        self._refresh_timer.stop()
        self._scan_timer.stop()
        self._identifier_scan += 1
        source_id = self.reader.source_id()
        store = self._store
        if store is None or source_id is None or not self.reader.text():
            self.reader.set_mentions([])
            self._identifiers_of = None
            self.dock.set_identifiers([], note=tr("Open a source to see the identifiers in it."))
            return
        try:
            self.reader.set_mentions(store.entities.mentions_in(source_id))
        except ThreadlineError:
            self.reader.set_mentions([])
        if source_id != self._identifiers_of:  # another source: the old list goes; a change keeps it
            self._identifiers_of = source_id
            self.dock.set_identifiers([], note=tr("Looking for identifiers…"))
        self._scan_timer.start()

    def _start_scan(self) -> None:
        """The scan starts once the reader has painted (and the investigator stopped flicking through
        sources): a Python worker shares the interpreter with the GUI thread and would slow that paint."""
        source_id, store = self.reader.source_id(), self._store
        if store is not None and source_id is not None:
            self._scan_identifiers(store, source_id, self._identifier_scan)

    def _scan_identifiers(self, store: CaseStore, source_id: int, scan: int) -> None:
        def work(_progress: ProgressSink, _cancel: CancelToken) -> list[IdentifierOffer]:
            return store.entities.identifier_candidates(source_id)

        task = Task(work, self, name="identifiers")
        task.succeeded.connect(lambda offers: self._identifiers_found(scan, offers))
        task.failed.connect(lambda _message: self._identifiers_found(scan, []))
        task.crashed.connect(self.error)
        task.finished.connect(lambda: self._scans.discard(task))
        task.finished.connect(task.deleteLater)
        self._scans.add(task)
        task.start()

    def _load_pending(self, store: CaseStore) -> None:
        """The candidates a find of an earlier session (or ``threadline entity find``) left for review."""

        def work(_progress: ProgressSink, _cancel: CancelToken) -> list[CandidateRecord]:
            return store.entities.candidates()

        task = Task(work, self, name="candidates to review")
        task.succeeded.connect(lambda records: self._pending_loaded(store, records))
        task.crashed.connect(self.error)
        task.finished.connect(lambda: self._scans.discard(task))
        task.finished.connect(task.deleteLater)
        self._scans.add(task)
        task.start()

    def _pending_loaded(self, store: CaseStore, records: list[CandidateRecord]) -> None:
        if store is self._store and self._task is None and records:  # a find since then shows its own
            self.review.show_candidates(None, records)

    def _identifiers_found(self, scan: int, offers: list[IdentifierOffer]) -> None:
        if scan == self._identifier_scan:  # else the reader moved on (another source, a later change)
            self.dock.set_identifiers(offers)

    def is_scanning(self) -> bool:
        """Whether the identifiers of the shown source are still being looked for."""
        return self._scan_timer.isActive() or bool(self._scans)

    def mention_tooltip(self, mention: SourceHighlight) -> str:
        record = self.catalogue.record(mention.entity_id)
        name = record.name if record is not None else mention.entity_name
        lines = [name, self.catalogue.type_label(mention.type_key)]
        if record is not None:
            others = [alias.text for alias in record.aliases if alias.text != record.name]
            if others:
                lines.append(tr("Also known as:"))
                lines += [f"  {text}" for text in others[:_TOOLTIP_ALIASES]]
                if len(others) > _TOOLTIP_ALIASES:
                    lines.append("  " + tr("and {count} more").format(count=len(others) - _TOOLTIP_ALIASES))
        lines.append(tr("Click to show the entity."))
        return "\n".join(lines)

    # --- tagging -------------------------------------------------------------------------------------------

    def tag_selection(self, selected: SelectedText) -> TagDialog | None:
        """Open the tag dialog for a selection in the reader."""
        store, source_id = self._store, selected.source_id
        if store is None or source_id is None:
            return None
        try:
            suggestion = store.entities.suggest_name(source_id, selected.span.start, selected.span.end)
        except ThreadlineError as error:
            self.message.emit(error.message)
            return None
        dialog = self._open_tag_dialog(selected.text, suggestion.name)
        dialog.accepted.connect(lambda: self._tag_chosen(source_id, suggestion, dialog.choice()))
        return dialog

    def _open_tag_dialog(self, selected: str, name: str, title: str = "") -> TagDialog:
        if self.tag_dialog is not None:
            self.tag_dialog.close()
        dialog = TagDialog(self.catalogue, selected, name, self._last_type, self.window, title=title)
        dialog.finished.connect(dialog.deleteLater)
        dialog.destroyed.connect(lambda: self._forget_tag_dialog(dialog))
        self.tag_dialog = dialog
        dialog.open()
        return dialog

    def _forget_tag_dialog(self, dialog: TagDialog) -> None:
        if self.tag_dialog is dialog:
            self.tag_dialog = None

    def _tag_chosen(self, source_id: int, suggestion: NameSuggestion, choice: TagChoice | None) -> None:
        command = self._tag(source_id, suggestion.start, suggestion.end, choice)
        if command is not None:
            self.push(command)

    def _tag(self, source_id: int, start: int, end: int, choice: TagChoice | None) -> QUndoCommand | None:
        """Tag ``start``–``end`` as the chosen entity (making it first if it is new); the command to push."""
        store = self._store
        if store is None or choice is None:
            return None
        expected = self.reader.text()[start:end] if self.reader.source_id() == source_id else None
        try:
            if choice.entity_id is not None:
                name = store.entities.get(choice.entity_id).name
                result = store.entities.tag(source_id, start, end, choice.entity_id, expected_text=expected)
                return TagCommand(store, result, name, self.error.emit)
            entity = store.entities.add(choice.type_key, choice.name)
            try:
                result = store.entities.tag(source_id, start, end, entity.id, expected_text=expected)
            except ThreadlineError:
                store.entities.delete(entity.id)
                raise
            self._last_type = choice.type_key
            return NewEntityCommand(store, entity, result, self.error.emit)
        except ThreadlineError as error:
            self.error.emit(error.message)
            return None

    def remove_mention(self, mention: SourceHighlight) -> None:
        store = self._store
        if store is None:
            return
        try:
            record = store.entities.untag(mention.mention_id)
        except ThreadlineError as error:
            self.error.emit(error.message)
            return
        self.push(UntagCommand(store, record, mention.entity_name, self.error.emit))

    def retag_mention(self, mention: SourceHighlight) -> TagDialog | None:
        """Tag a mention's words as another entity: the old mention goes, the new one comes, in one step."""
        store = self._store
        source_id = self.reader.source_id()
        if store is None or source_id is None:
            return None
        text = self.reader.text()[mention.start : mention.end]
        dialog = self._open_tag_dialog(text, text, tr("Tag as Another Entity"))
        dialog.accepted.connect(lambda: self._retag_chosen(source_id, mention, dialog.choice()))
        return dialog

    def _retag_chosen(self, source_id: int, mention: SourceHighlight, choice: TagChoice | None) -> None:
        store = self._store
        if store is None or choice is None or choice.entity_id == mention.entity_id:
            return
        try:
            old = store.entities.untag(mention.mention_id)
        except ThreadlineError as error:
            self.error.emit(error.message)
            return
        removal = UntagCommand(store, old, mention.entity_name, self.error.emit)
        tagging = self._tag(source_id, mention.start, mention.end, choice)
        if tagging is None:
            store.entities.restore_mention(old)
            return
        self.push(GroupCommand(tr("Re-tag “{text}”").format(text=quote(old.text)), [removal, tagging]))

    def tag_identifier(self, offer: IdentifierOffer) -> None:
        store, source_id = self._store, self.reader.source_id()
        if store is None or source_id is None or offer.tagged:
            return
        try:
            result = store.entities.tag_identifier(source_id, offer.identifier)
        except ThreadlineError as error:
            self.error.emit(error.message)
            return
        if offer.entity_id is None:
            entity = store.entities.get(result.mention.entity_id)
            self.push(NewEntityCommand(store, entity, result, self.error.emit))
        else:
            self.push(TagCommand(store, result, offer.identifier.value, self.error.emit))
        self.message.emit(tr("Tagged {value} as an identifier.").format(value=quote(offer.identifier.value)))

    # --- the entity page and the dock --------------------------------------------------------------------

    def show_entity(self, entity_id: int) -> None:
        """Select the entity in the dock and show its page."""
        if self.dock.isHidden():
            self.dock.show()
        self.dock.select_entity(entity_id)
        self.page.show_entity(entity_id)
        self.page.show()
        self.page.raise_()
        self._update_actions()

    def show_review(self) -> None:
        self.review.show()
        self.review.raise_()

    def _mention_activated(self, mention: MentionInContext) -> None:
        record = mention.mention
        self.span_requested.emit(record.source_id, record.start, record.end)

    def _dock_selection_changed(self, ids: list[int]) -> None:
        self._update_actions()

    def current_entity(self) -> int | None:
        """The entity the Entities menu means: the one selected in the dock, else the one on the page."""
        selected = self.dock.selected_ids()
        if len(selected) == 1:
            return selected[0]
        return self.page.entity_id() if not selected else None

    def _update_actions(self) -> None:
        actions = self._actions
        if actions is None:
            return
        has_case = self._store is not None
        current = self.current_entity()
        for action in (
            actions.new_entity,
            actions.new_entity_type,
            actions.find_all_mentions,
            actions.review_mentions,
        ):
            action.setEnabled(has_case)
        actions.find_mentions.setEnabled(has_case and current is not None)
        actions.delete_entity.setEnabled(has_case and current is not None)
        actions.merge_entities.setEnabled(
            has_case and (len(self.dock.selected_ids()) >= 2 or current is not None)
        )

    def edit_entity(self, entity_id: int, changes: dict[str, object]) -> None:
        store = self._store
        if store is None:
            return
        try:
            subject = store.entities.get(entity_id).name
            edit = store.entities.update(entity_id, changes)
        except ThreadlineError as error:
            self.error.emit(error.message)
            self.page.show_entity(entity_id)
            return
        if edit.changed:
            self.push(EditEntityCommand(store, edit, subject, self.error.emit))

    def add_alias(self, entity_id: int, text: str) -> None:
        store = self._store
        if store is None:
            return
        try:
            alias = store.entities.add_alias(entity_id, text)
        except ThreadlineError as error:
            self.error.emit(error.message)
            return
        self.push(AddAliasCommand(store, alias, self.error.emit))

    def remove_alias(self, alias: AliasRecord) -> None:
        store = self._store
        record = self.page.record()
        if store is None:
            return
        if record is not None and alias.text == record.name:
            self.error.emit(
                tr("“{name}” is the entity's name; rename the entity to remove it.").format(
                    name=quote(alias.text)
                )
            )
            return
        try:
            removed = store.entities.remove_alias(alias.id)
        except ThreadlineError as error:
            self.error.emit(error.message)
            return
        self.push(RemoveAliasCommand(store, removed, self.error.emit))

    def rename_alias(self, alias: AliasRecord, text: str) -> None:
        """Renaming the name renames the entity; renaming another alias replaces it (one undo step)."""
        store = self._store
        record = self.page.record()
        if store is None:
            return
        if record is not None and alias.text == record.name:
            self.edit_entity(alias.entity_id, {"name": text})
            return
        try:
            added = store.entities.add_alias(alias.entity_id, text)
        except ThreadlineError as error:
            self.error.emit(error.message)
            return
        try:
            removed = store.entities.remove_alias(alias.id)
        except ThreadlineError as error:
            store.entities.remove_alias(added.id)
            self.error.emit(error.message)
            return
        self.push(
            GroupCommand(
                tr("Rename alias “{old}” to “{new}”").format(old=quote(alias.text), new=quote(text)),
                [AddAliasCommand(store, added), RemoveAliasCommand(store, removed)],
            )
        )

    def new_entity(self) -> NewEntityDialog | None:
        if self._store is None:
            return None
        dialog = NewEntityDialog(self.catalogue, self._last_type, self.window)
        dialog.accepted.connect(lambda: self._create_entity(dialog))
        self._open(dialog)
        return dialog

    def _create_entity(self, dialog: NewEntityDialog) -> None:
        store = self._store
        if store is None:
            return
        try:
            entity = store.entities.add(
                dialog.type_key(), dialog.name(), dialog.aliases(), description=dialog.description()
            )
        except ThreadlineError as error:
            self.error.emit(error.message)
            return
        self._last_type = dialog.type_key()
        self.push(NewEntityCommand(store, entity, None, self.error.emit))
        self.show_entity(entity.id)

    def new_entity_type(self) -> EntityTypeDialog | None:
        if self._store is None:
            return None
        dialog = EntityTypeDialog(self.window)
        dialog.accepted.connect(lambda: self._create_type(dialog))
        self._open(dialog)
        return dialog

    def _create_type(self, dialog: EntityTypeDialog) -> None:
        store = self._store
        if store is None:
            return
        try:
            record = store.entities.add_type(dialog.label(), dialog.colour(), dialog.icon_name())
        except ThreadlineError as error:
            self.error.emit(error.message)
            return
        self.push(AddTypeCommand(store, record, self.error.emit))
        self.message.emit(tr("Added the entity type {name}.").format(name=quote(record.label)))

    def _open(self, dialog: QWidget) -> None:
        self.dialog = dialog
        dialog.finished.connect(dialog.deleteLater)  # type: ignore[attr-defined]
        dialog.open()  # type: ignore[attr-defined]

    # --- merge and delete ------------------------------------------------------------------------------

    def merge_selected(self) -> MergeDialog | PickEntityDialog | None:
        """Merge the entities selected in the dock (two or more), or pick one to merge the current into."""
        ids = self.dock.selected_ids()
        if len(ids) < 2:
            current = self.current_entity()
            return self.merge_into(current) if current is not None else None
        summaries = [self.catalogue.summary(entity_id) for entity_id in ids]
        entities = [summary for summary in summaries if summary is not None]
        dialog = MergeDialog(self.catalogue, entities, self.window)
        dialog.accepted.connect(lambda: self.merge(dialog.survivor_id(), dialog.merged_ids()))
        self._open(dialog)
        return dialog

    def merge_into(self, entity_id: int) -> PickEntityDialog | None:
        summary = self.catalogue.summary(entity_id)
        if self._store is None or summary is None:
            return None
        dialog = PickEntityDialog(
            self.catalogue,
            tr("Merge Into…"),
            tr(
                "Merge “{name}” into which entity? Its names, mentions, event links and notes move there."
            ).format(name=quote(summary.name)),
            frozenset({entity_id}),
            self.window,
        )
        dialog.accepted.connect(lambda: self._merge_picked(dialog, entity_id))
        self._open(dialog)
        return dialog

    def _merge_picked(self, dialog: PickEntityDialog, entity_id: int) -> None:
        target = dialog.entity_id()
        if target is not None:
            self.merge(target, [entity_id])

    def merge(self, survivor_id: int, others: list[int]) -> None:
        store = self._store
        if store is None or not others:
            return
        try:
            name = store.entities.get(survivor_id).name
            record = store.entities.merge(survivor_id, others)
        except ThreadlineError as error:
            self.error.emit(error.message)
            return
        self.push(MergeCommand(store, record, name, self.error.emit))
        self.show_entity(survivor_id)
        self.message.emit(counted("Merged %n entity(ies) into {name}.", len(others)).format(name=quote(name)))

    def _delete_current(self) -> None:
        current = self.current_entity()
        if current is not None:
            self.delete_entity(current)

    def delete_entity(self, entity_id: int) -> QMessageBox | None:
        """Ask, naming what goes with it (aliases, mentions, event links), then delete."""
        store = self._store
        if store is None:
            return None
        try:
            impact = store.entities.deletion_impact(entity_id)
        except ThreadlineError as error:
            self.error.emit(error.message)
            return None
        box = delete_confirmation(impact, self.window)
        box.buttonClicked.connect(lambda button: self._delete_answered(box, button, entity_id))
        self._open(box)
        return box

    def _delete_answered(self, box: QMessageBox, button: QAbstractButton, entity_id: int) -> None:
        store = self._store
        if store is None or box.buttonRole(button) != QMessageBox.ButtonRole.DestructiveRole:
            return
        try:
            snapshot = store.entities.delete(entity_id)
        except ThreadlineError as error:
            self.error.emit(error.message)
            return
        self.push(DeleteEntityCommand(store, snapshot, self.error.emit))
        if self.page.entity_id() == entity_id:
            self.page.show_entity(None)

    # --- finding and reviewing mentions ------------------------------------------------------------------

    def _find_current(self) -> None:
        current = self.current_entity()
        if current is not None:
            self.find_mentions(current)

    def find_mentions(self, entity_id: int | None) -> Task | None:
        """Look for one entity's names (or every entity's) in every source, on a worker thread."""
        store = self._store
        if store is None:
            return None
        if self._task is not None:
            self.message.emit(tr("Already finding mentions; wait for it to finish or cancel it."))
            return None
        if entity_id is None:
            title = tr("Finding mentions of every entity…")
        else:
            summary = self.catalogue.summary(entity_id)
            title = tr("Finding mentions of {name}…").format(name=quote(summary.name if summary else ""))

        def work(progress: ProgressSink, cancel: CancelToken) -> list[CandidateRecord]:
            return store.entities.find_candidates(entity_id, progress=progress, cancel=cancel)

        task = Task(work, self, name="find mentions")
        task.progressed.connect(self.review.finding_progressed)
        task.succeeded.connect(lambda records: self._found(entity_id, records))
        task.failed.connect(self.error)
        task.crashed.connect(self.error)
        task.cancelled.connect(
            lambda: self.message.emit(
                tr("Finding mentions was cancelled; the places found before it are kept for review.")
            )
        )
        task.finished.connect(self._find_finished)
        task.finished.connect(task.deleteLater)
        self._task = task
        self.review.finding_started(title)
        self.show_review()
        task.start()
        return task

    def cancel_find(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def is_finding(self) -> bool:
        return self._task is not None

    def _find_finished(self) -> None:
        self._task = None
        self.review.finding_finished()

    def _found(self, entity_id: int | None, records: list[CandidateRecord]) -> None:
        self.review.show_candidates(entity_id, records)
        review = sum(1 for record in records if record.needs_review)
        text = counted("Found %n place(s) to review", len(records))
        if review:
            text += " " + tr("({count} of them need a closer look)").format(count=review)
        self.message.emit(text + ".")

    def accept(self, candidate_ids: list[int]) -> None:
        self._decide(lambda store: store.entities.accept(candidate_ids))

    def reject(self, candidate_ids: list[int]) -> None:
        self._decide(lambda store: store.entities.reject(candidate_ids))

    def _decide(self, decide: Callable[[CaseStore], CandidateDecision]) -> None:
        store = self._store
        if store is None:
            return
        try:
            decision = decide(store)
        except ThreadlineError as error:
            self.error.emit(error.message)
            return
        if decision.candidate_ids:
            self.push(DecisionCommand(store, decision, self.error.emit))
        self.review.model.refresh()
        self.review.move_on()

    def accept_all_in_source(self, candidate: CandidateRecord) -> None:
        """Accept the certain pending candidates in the current row's source (of its entity, or of every
        entity when the queue is for all of them)."""
        entity_ids = (
            [candidate.entity_id]
            if self.review.scope is not None
            else self._pending_entities(lambda c: c.source_id == candidate.source_id)
        )
        self._accept_many(
            entity_ids,
            lambda store, entity_id: store.entities.accept_all_in_source(entity_id, candidate.source_id),
        )

    def accept_all(self) -> None:
        scope = self.review.scope
        entity_ids = [scope] if scope is not None else self._pending_entities(lambda _c: True)
        self._accept_many(entity_ids, lambda store, entity_id: store.entities.accept_all(entity_id))

    def _pending_entities(self, wanted: Callable[[CandidateRecord], bool]) -> list[int]:
        return sorted(
            {
                c.entity_id
                for c in self.review.model.candidates()
                if c.status is CandidateStatus.PENDING and wanted(c)
            }
        )

    def _accept_many(
        self, entity_ids: list[int], decide: Callable[[CaseStore, int], CandidateDecision]
    ) -> None:
        store = self._store
        if store is None:
            return
        commands: list[QUndoCommand] = []
        accepted = 0
        for entity_id in entity_ids:
            try:
                decision = decide(store, entity_id)
            except ThreadlineError as error:
                self.error.emit(error.message)
                break
            if decision.candidate_ids:
                commands.append(DecisionCommand(store, decision, self.error.emit))
                accepted += len(decision.candidate_ids)
        if len(commands) == 1:
            self.push(commands[0])
        elif commands:
            self.push(GroupCommand(counted("Accept %n candidate(s)", accepted), commands))
        self.review.model.refresh()
        left = self.review.model.pending_count()
        if not accepted:
            self.message.emit(tr("Nothing certain left to accept here; review the rest one by one."))
            return
        text = counted("Accepted %n candidate(s)", accepted)
        if left:
            text += "; " + counted("%n in the queue still to review one by one", left)
        self.message.emit(text + ".")
