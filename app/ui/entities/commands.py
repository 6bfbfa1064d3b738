"""Undo for entity edits: each command wraps one store edit and the record the store returned for it.

The entity repository returns, for every edit, what reverts it through the repository again (``tag`` ↔
``undo_tag``/``redo_tag``, ``untag`` ↔ ``restore_mention``, ``delete`` ↔ ``restore``, ``merge`` ↔
``unmerge``, ``accept``/``reject`` ↔ ``undo_decision`` …). A command holds that record and nothing else:
no widget, no copy of the case. As in ``app.ui.undo``, the edit is applied before the command is pushed,
so its first ``redo()`` does nothing. When the store refuses a later undo or redo (the case changed
underneath in a way that makes it impossible), the command leaves the stack and the refusal is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtGui import QUndoCommand

from app.core.entity_records import (
    AliasRecord,
    CandidateDecision,
    CandidateStatus,
    EntityRecord,
    EntitySnapshot,
    EntityTypeRecord,
    MentionRecord,
    MergeRecord,
    TagResult,
)
from app.core.errors import ThreadlineError
from app.core.records import FieldEdit
from app.store import CaseStore
from app.ui.entities.words import counted, quote, tr

ErrorReporter = Callable[[str], None]


def _ignore(_message: str) -> None:
    pass


class StoreCommand(QUndoCommand):
    """Applied already when pushed; ``_undo``/``_redo`` do the store calls."""

    def __init__(self, store: CaseStore, text: str, report: ErrorReporter = _ignore) -> None:
        super().__init__(text)
        self.store = store
        self.report = report
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            return
        self._run(self._redo)
        self._applied = True

    def undo(self) -> None:
        self._run(self._undo)
        self._applied = False

    def _run(self, step: Callable[[], None]) -> None:
        try:
            step()
        except ThreadlineError as error:
            self.setObsolete(True)
            self.report(error.message)

    def _undo(self) -> None:
        raise NotImplementedError

    def _redo(self) -> None:
        raise NotImplementedError


class TagCommand(StoreCommand):
    """A mention tagged for an existing entity."""

    def __init__(
        self, store: CaseStore, result: TagResult, name: str, report: ErrorReporter = _ignore
    ) -> None:
        super().__init__(
            store,
            tr("Tag “{text}” as {name}").format(text=quote(result.mention.text), name=quote(name)),
            report,
        )
        self.result = result

    def _undo(self) -> None:
        self.store.entities.undo_tag(self.result)

    def _redo(self) -> None:
        self.result = self.store.entities.redo_tag(self.result)


class NewEntityCommand(StoreCommand):
    """An entity made by the investigator (maybe tagged at once): undo deletes it with what it got."""

    def __init__(
        self,
        store: CaseStore,
        entity: EntityRecord,
        result: TagResult | None = None,
        report: ErrorReporter = _ignore,
    ) -> None:
        text = (
            tr("Tag “{text}” as new entity {name}").format(
                text=quote(result.mention.text), name=quote(entity.name)
            )
            if result is not None
            else tr("New entity {name}").format(name=quote(entity.name))
        )
        super().__init__(store, text, report)
        self.entity_id = entity.id
        self.result = result
        self.snapshot: EntitySnapshot | None = None

    def _undo(self) -> None:
        self.snapshot = self.store.entities.delete(self.entity_id)

    def _redo(self) -> None:
        assert self.snapshot is not None
        self.store.entities.restore(self.snapshot)


class UntagCommand(StoreCommand):
    def __init__(
        self, store: CaseStore, mention: MentionRecord, name: str, report: ErrorReporter = _ignore
    ) -> None:
        super().__init__(
            store,
            tr("Remove mention “{text}” of {name}").format(text=quote(mention.text), name=quote(name)),
            report,
        )
        self.mention = mention

    def _undo(self) -> None:
        self.store.entities.restore_mention(self.mention)

    def _redo(self) -> None:
        self.store.entities.untag(self.mention.id)


class DecisionCommand(StoreCommand):
    """Candidates accepted or rejected; undo puts them back as they were (and removes mentions made)."""

    def __init__(
        self, store: CaseStore, decision: CandidateDecision, report: ErrorReporter = _ignore
    ) -> None:
        count = len(decision.candidate_ids)
        if decision.status is CandidateStatus.ACCEPTED:
            text = counted("Accept %n candidate(s)", count)
        else:
            text = counted("Reject %n candidate(s)", count)
        super().__init__(store, text, report)
        self.decision = decision

    def _undo(self) -> None:
        self.store.entities.undo_decision(self.decision)

    def _redo(self) -> None:
        ids = list(self.decision.candidate_ids)
        if self.decision.status is CandidateStatus.ACCEPTED:
            self.decision = self.store.entities.accept(ids)
        else:
            self.decision = self.store.entities.reject(ids)


class MergeCommand(StoreCommand):
    def __init__(
        self, store: CaseStore, record: MergeRecord, name: str, report: ErrorReporter = _ignore
    ) -> None:
        text = counted("Merge %n entity(ies) into {name}", len(record.merged)).format(name=quote(name))
        super().__init__(store, text, report)
        self.record = record

    def _undo(self) -> None:
        self.store.entities.unmerge(self.record)

    def _redo(self) -> None:
        others = [snapshot.entity.id for snapshot in self.record.merged]
        self.record = self.store.entities.merge(self.record.survivor_id, others)


class DeleteEntityCommand(StoreCommand):
    def __init__(self, store: CaseStore, snapshot: EntitySnapshot, report: ErrorReporter = _ignore) -> None:
        name = str(snapshot.entity.as_dict().get("name", ""))
        super().__init__(store, tr("Delete entity {name}").format(name=quote(name)), report)
        self.snapshot = snapshot

    def _undo(self) -> None:
        self.store.entities.restore(self.snapshot)

    def _redo(self) -> None:
        self.snapshot = self.store.entities.delete(self.snapshot.entity.id)


def field_label(name: str) -> str:
    return {
        "name": tr("name"),
        "description": tr("description"),
        "notes": tr("notes"),
        "type_key": tr("type"),
    }.get(name, name)


class EditEntityCommand(StoreCommand):
    """One applied ``FieldEdit`` of an entity: undo applies ``before``, redo ``after``."""

    def __init__(
        self, store: CaseStore, edit: FieldEdit, subject: str, report: ErrorReporter = _ignore
    ) -> None:
        fields = sorted(edit.after)
        what = field_label(fields[0]) if len(fields) == 1 else tr("{count} fields").format(count=len(fields))
        super().__init__(store, tr("Edit {what} of {name}").format(what=what, name=quote(subject)), report)
        self.edit = edit

    def _apply(self, values: Mapping[str, object]) -> None:
        self.store.entities.update(self.edit.object_id, values)

    def _undo(self) -> None:
        self._apply(self.edit.before)

    def _redo(self) -> None:
        self._apply(self.edit.after)


class AddAliasCommand(StoreCommand):
    def __init__(self, store: CaseStore, alias: AliasRecord, report: ErrorReporter = _ignore) -> None:
        super().__init__(store, tr("Add alias “{text}”").format(text=quote(alias.text)), report)
        self.alias = alias

    def _undo(self) -> None:
        self.store.entities.remove_alias(self.alias.id)

    def _redo(self) -> None:
        self.store.entities.restore_alias(self.alias)


class RemoveAliasCommand(StoreCommand):
    def __init__(self, store: CaseStore, alias: AliasRecord, report: ErrorReporter = _ignore) -> None:
        super().__init__(store, tr("Remove alias “{text}”").format(text=quote(alias.text)), report)
        self.alias = alias

    def _undo(self) -> None:
        self.store.entities.restore_alias(self.alias)

    def _redo(self) -> None:
        self.store.entities.remove_alias(self.alias.id)


class AddTypeCommand(StoreCommand):
    def __init__(self, store: CaseStore, record: EntityTypeRecord, report: ErrorReporter = _ignore) -> None:
        super().__init__(store, tr("New entity type {name}").format(name=quote(record.label)), report)
        self.record = record

    def _undo(self) -> None:
        self.store.entities.remove_type(self.record.id)

    def _redo(self) -> None:
        self.store.entities.restore_type(self.record)


class GroupCommand(QUndoCommand):
    """Several applied commands as one step (a re-tag is an untag and a tag; "accept all" may be many
    decisions): redone in order, undone in reverse. Each part's first ``redo()`` does nothing, so pushing
    the group applies nothing twice."""

    def __init__(self, text: str, parts: list[QUndoCommand]) -> None:
        super().__init__(text)
        self.parts = parts  # held here, not as Qt children, so their Python overrides stay alive

    def redo(self) -> None:
        for part in self.parts:
            part.redo()
        self.setObsolete(any(part.isObsolete() for part in self.parts))

    def undo(self) -> None:
        for part in reversed(self.parts):
            part.undo()
        self.setObsolete(any(part.isObsolete() for part in self.parts))
