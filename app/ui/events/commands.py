"""Undo for event edits: one ``QUndoCommand`` per ``EventEdit`` the store applied.

The store does the work (``app.store.events``): each edit is one audited transaction and returns an
``EventEdit`` holding the rows it inserted and deleted and the fields it changed. ``undo()`` hands it to
``EventRepository.revert`` and ``redo()`` to ``reapply``; both are audited edits too and announce their
``Change``, so every view refreshes as after any edit. A command holds the edit and nothing else: no widget,
no copy of the event. Its first ``redo()`` - the one ``QUndoStack.push`` makes - does nothing, because the
store applied the edit before the command was made.

When the case has moved on so that an undo can no longer be applied (the event was deleted meanwhile, a key
was taken), the store refuses with a message; the command then leaves the stack and ``refused`` says why.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.core.errors import ThreadlineError
from app.core.event_records import EventEdit
from app.store import CaseStore
from app.ui.events.formatting import isolate

_TITLE_CHARS = 40

Refused = Callable[[str], None]


def _tr(text: str) -> str:
    return QCoreApplication.translate("EventUndo", text)


def short_title(title: str) -> str:
    title = " ".join(title.split())
    return title if len(title) <= _TITLE_CHARS else title[: _TITLE_CHARS - 1] + "…"


def describe(edit: EventEdit, title: str) -> str:
    """What the Edit menu says: "Undo Link evidence to “Flight landed”"."""
    subject = isolate(short_title(title))
    phrases = {
        "create event": _tr("Create event “{title}”"),
        "delete event": _tr("Delete event “{title}”"),
        "edit event": _tr("Edit event “{title}”"),
        "override confidence": _tr("Set confidence of “{title}”"),
        "clear confidence override": _tr("Use suggested confidence of “{title}”"),
        "link evidence": _tr("Link evidence to “{title}”"),
        "unlink evidence": _tr("Unlink evidence from “{title}”"),
        "edit evidence": _tr("Edit evidence of “{title}”"),
        "add participant": _tr("Add participant to “{title}”"),
        "remove participant": _tr("Remove participant from “{title}”"),
        "tag event": _tr("Tag “{title}”"),
        "untag event": _tr("Remove tag from “{title}”"),
        "add note": _tr("Add note to “{title}”"),
        "edit note": _tr("Edit note on “{title}”"),
        "delete note": _tr("Delete note on “{title}”"),
        "order events of a day": _tr("Order events of a day"),
        "clear order of a day": _tr("Clear order of a day"),
    }
    return phrases.get(edit.action, _tr("Edit event “{title}”")).format(title=subject)


class EventEditCommand(QUndoCommand):
    """One applied ``EventEdit`` on the undo stack; see the module docstring."""

    def __init__(self, store: CaseStore, edit: EventEdit, text: str, refused: Refused | None = None) -> None:
        super().__init__(text)
        self.store = store
        self.edit = edit
        self._refused = refused
        self._applied = True  # pushed after the store applied it

    def redo(self) -> None:
        if self._applied:
            return
        self._run(lambda: self.store.events.reapply(self.edit))
        self._applied = True

    def undo(self) -> None:
        self._run(lambda: self.store.events.revert(self.edit))
        self._applied = False

    def _run(self, step: Callable[[], object]) -> None:
        try:
            step()
        except ThreadlineError as error:
            self.setObsolete(True)
            if self._refused is not None:
                self._refused(error.message)


def push_edit(
    stack: QUndoStack, store: CaseStore, edit: EventEdit, title: str, refused: Refused | None = None
) -> EventEdit:
    """Put an edit the store has applied on ``stack`` (if it changed anything); returns it."""
    if edit.changed:
        stack.push(EventEditCommand(store, edit, describe(edit, title), refused))
    return edit
