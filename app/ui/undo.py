"""Undo for edits of the case, as thin ``QUndoCommand``s over the store's own undoable edits.

The store applies an edit and returns a ``FieldEdit`` (``before``/``after``); undoing is applying
``before`` through the same store method, so an undo is validated, audited and announced as a ``Change``
like any edit, and every view refreshes from that change. A command therefore holds no widget and no
copy of the case, only the edit, and its first ``redo()`` — which ``QUndoStack.push`` calls — does nothing,
because the edit was already applied when the command was made.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.core.records import FieldEdit
from app.store import CaseStore

_TITLE_CHARS = 40


def _tr(text: str) -> str:
    return QCoreApplication.translate("Undo", text)


def field_label(name: str) -> str:
    """A field's name as the Edit menu says it ("Undo Edit published date of …")."""
    return {
        "title": _tr("title"),
        "published": _tr("published date"),
        "author": _tr("author"),
        "publisher": _tr("publisher"),
        "url": _tr("URL"),
        "language": _tr("language"),
        "reliability": _tr("reliability"),
        "notes": _tr("notes"),
        "investigator": _tr("investigator"),
    }.get(name, name)


def _short(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= _TITLE_CHARS else title[: _TITLE_CHARS - 1] + "…"


def describe_edit(edit: FieldEdit, subject: str) -> str:
    """ "Edit title of “Report”", "Edit 3 fields of “Report”", "Edit notes of the case"."""
    fields = sorted(edit.after)
    what = field_label(fields[0]) if len(fields) == 1 else _tr("{count} fields").format(count=len(fields))
    if edit.object_type == "case":
        return _tr("Edit {what} of the case").format(what=what)
    return _tr("Edit {what} of “{subject}”").format(what=what, subject=_short(subject))


class EditFieldsCommand(QUndoCommand):
    """One applied ``FieldEdit`` on the undo stack: undo applies ``before``, redo applies ``after``."""

    def __init__(self, store: CaseStore, edit: FieldEdit, subject: str = "") -> None:
        super().__init__(describe_edit(edit, subject))
        self.store = store
        self.edit = edit
        self._applied = True  # pushed after the store applied it

    def redo(self) -> None:
        if self._applied:
            return
        self._apply(self.edit.after)
        self._applied = True

    def undo(self) -> None:
        self._apply(self.edit.before)
        self._applied = False

    def _apply(self, values: Mapping[str, object]) -> None:
        """Through the store; if it refuses (the source is gone), the command leaves the stack."""
        try:
            if self.edit.object_type == "case":
                self.store.update_case(values)
            else:
                self.store.update_source(self.edit.object_id, values)
        except Exception:
            self.setObsolete(True)
            raise


def apply_source_edit(
    stack: QUndoStack, store: CaseStore, source_id: int, changes: Mapping[str, object]
) -> FieldEdit:
    """Edit a source through the store and, if anything changed, put the edit on ``stack``.

    Invalid values raise the store's ``InvalidValue`` before anything is written or pushed.
    """
    subject = store.source(source_id).title
    edit = store.update_source(source_id, changes)
    if edit.changed:
        stack.push(EditFieldsCommand(store, edit, subject))
    return edit


def apply_case_edit(stack: QUndoStack, store: CaseStore, changes: Mapping[str, object]) -> FieldEdit:
    """The same for the case's own fields (title, investigator, notes)."""
    edit = store.update_case(changes)
    if edit.changed:
        stack.push(EditFieldsCommand(store, edit))
    return edit
