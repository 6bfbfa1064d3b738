"""Choosing an entity by typing part of its name or any alias, in any script.

``EntityIndex`` knows every entity's name and aliases, folded the way search folds them (niqqud, harakat,
case and final letters do not matter). The names come in one query; the aliases need one read per entity,
so they are loaded on a worker thread the first time the index is used, and until then typed text is
matched against names only. ``EntityPicker`` is a line edit whose pop-up lists the best matches (the whole
name first, then names and aliases that start with the text, then those that contain it).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from app.core.errors import ThreadlineError
from app.core.folding import fold
from app.core.progress import CancelToken, ProgressSink
from app.core.records import Change
from app.store import CaseStore
from app.ui.events.formatting import tr
from app.ui.store_bridge import StoreBridge
from app.ui.workers import Task

MAX_MATCHES = 20


@dataclass(frozen=True)
class Known:
    entity_id: int
    name: str
    type_key: str
    spellings: tuple[str, ...]  # folded name and aliases


class EntityIndex(QObject):
    """Names and aliases of the open case's entities; see the module docstring."""

    loaded = Signal()  # the aliases are in

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store: CaseStore | None = None
        self._bridge: StoreBridge | None = None
        self._known: dict[int, Known] = {}
        self._stale = True
        self._aliases_loaded = False
        self._task: Task | None = None

    def set_store(self, store: CaseStore | None, bridge: StoreBridge | None) -> None:
        self._cancel()
        if self._bridge is not None:
            self._bridge.changed.disconnect(self._on_change)
        self._store, self._bridge = store, bridge
        self._known, self._stale, self._aliases_loaded = {}, True, False
        if bridge is not None:
            bridge.changed.connect(self._on_change)

    def _on_change(self, change: Change) -> None:
        if change.object_type in ("entity", "alias", "entity_type"):
            self._stale = True
            self._aliases_loaded = False

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel_and_wait()
            self._task = None

    def _ensure(self) -> None:
        if not self._stale or self._store is None:
            return
        self._stale = False
        previous = self._known
        self._known = {
            entity.id: Known(
                entity.id, entity.name, entity.type_key, _spellings(entity.name, previous.get(entity.id))
            )
            for entity in self._store.entities.list_entities()
        }
        if not self._aliases_loaded:
            self._load_aliases()

    def _load_aliases(self) -> None:
        store = self._store
        if store is None or self._task is not None:
            return
        ids = list(self._known)

        def work(_progress: ProgressSink, cancel: CancelToken) -> dict[int, Known]:
            found: dict[int, Known] = {}
            for entity_id in ids:
                cancel.raise_if_cancelled()
                try:
                    record = store.entities.get(entity_id)
                except ThreadlineError:  # deleted meanwhile
                    continue
                spellings = tuple(
                    dict.fromkeys(fold(text) for text in (record.name, *(a.text for a in record.aliases)))
                )
                found[entity_id] = Known(entity_id, record.name, record.type_key, spellings)
            return found

        task = Task(work, self, name="entity aliases")
        task.succeeded.connect(self._aliases_ready)
        task.finished.connect(self._task_done)
        self._task = task
        task.start()

    def _aliases_ready(self, found: dict[int, Known]) -> None:
        self._known.update(
            {entity_id: known for entity_id, known in found.items() if entity_id in self._known}
        )
        self._aliases_loaded = not self._stale
        self.loaded.emit()

    def _task_done(self) -> None:
        if self._task is not None:
            self._task.deleteLater()
        self._task = None

    def wait(self) -> None:
        """Block until the aliases are loaded (tests, benchmarks)."""
        self._ensure()
        if self._task is not None:
            self._task.wait()

    def name_of(self, entity_id: int) -> str:
        self._ensure()
        known = self._known.get(entity_id)
        return known.name if known is not None else ""

    def matches(self, text: str, limit: int = MAX_MATCHES) -> list[Known]:
        """Entities whose name or an alias holds ``text``, best first."""
        self._ensure()
        query = fold(text).strip()
        if not query:
            return []
        ranked: list[tuple[int, str, int, Known]] = []
        for known in self._known.values():
            best = min((_rank(query, spelling) for spelling in known.spellings), default=3)
            if best < 3:
                ranked.append((best, known.name.casefold(), known.entity_id, known))
        ranked.sort(key=lambda entry: entry[:3])
        return [entry[3] for entry in ranked[:limit]]


def _spellings(name: str, known: Known | None) -> tuple[str, ...]:
    """The folded name first, then the aliases known so far."""
    return tuple(dict.fromkeys((fold(name), *(known.spellings if known is not None else ()))))


def _rank(query: str, spelling: str) -> int:
    if spelling == query:
        return 0
    if spelling.startswith(query) or f" {query}" in f" {spelling}":
        return 1
    return 2 if query in spelling else 3


class EntityPicker(QLineEdit):
    """Type-ahead over the entity index; ``chosen()`` is the entity picked, if any."""

    entity_chosen = Signal(int)

    def __init__(self, index: EntityIndex, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("entity_picker")
        self.setPlaceholderText(tr("Entity name or alias…"))
        self.setClearButtonEnabled(True)
        self._index = index
        self._choices: dict[str, int] = {}
        self._chosen: int | None = None
        self._list = QStringListModel(self)
        self._completer = QCompleter(self._list, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setMaxVisibleItems(12)
        self._completer.setWidget(self)
        self._completer.activated.connect(self._picked)
        self.textEdited.connect(self._typed)
        index.loaded.connect(lambda: self._typed(self.text()) if self.hasFocus() else None)

    def chosen(self) -> int | None:
        """The entity picked from the list, or the one whose name is exactly the text typed."""
        if self._chosen is not None:
            return self._chosen
        exact = [known for known in self._index.matches(self.text()) if fold(known.name) == fold(self.text())]
        return exact[0].entity_id if len(exact) == 1 else None

    def matches(self) -> list[str]:
        """The entries offered for the text typed (for tests)."""
        return self._list.stringList()

    def clear_choice(self) -> None:
        self._chosen = None
        self.clear()

    def _typed(self, text: str) -> None:
        self._chosen = None
        found = self._index.matches(text)
        labels: dict[str, int] = {}
        for known in found:
            label = f"{known.name} · {known.type_key}"
            if label in labels:
                label += f" (#{known.entity_id})"
            labels[label] = known.entity_id
        self._choices = labels
        self._list.setStringList(list(labels))
        if labels and self.hasFocus():
            self._completer.complete()

    def _picked(self, label: str) -> None:
        entity_id = self._choices.get(label)
        if entity_id is None:
            return
        self._chosen = entity_id
        self.setText(self._index.name_of(entity_id))
        self.entity_chosen.emit(entity_id)

    def pick(self, label: str) -> None:
        """Choose an offered entry as if clicked (keyboard users press Enter in the pop-up)."""
        self._picked(label)
