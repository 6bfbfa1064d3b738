"""What every entity view shares about the open case: the entity types, the entities' names and counts,
and an index of every alias for matching typed text.

The types and the list of entities are single queries, re-read when a ``Change`` says they changed. The
alias index holds every entity's aliases; it is filled once per case on a worker thread (one query,
``store.entities.records``) and then kept up to date from the changes (one query per change). Until it
is ready, typed text is matched against the entities' names only, and ``index_loaded`` tells the views
to match again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from app.core.entity_records import EntityRecord, EntitySummary, EntityTypeRecord
from app.core.errors import NotFound
from app.core.mentions import alias_words
from app.core.progress import CancelToken, ProgressSink, ProgressUpdate
from app.core.records import Change, ChangeKind
from app.store import CaseStore
from app.ui.entities.matching import QueryForms, alias_rank, query_forms
from app.ui.entities.words import type_label
from app.ui.resources import icon, resource_path
from app.ui.store_bridge import StoreBridge
from app.ui.workers import Task

log = logging.getLogger(__name__)

DEFAULT_ICON = "entity"
SWATCH = 12  # pixels: the colour square before a type's icon


@dataclass(frozen=True)
class Match:
    """An entity whose alias matches typed text; ``rank`` orders matches, best first."""

    entity_id: int
    alias: str
    rank: tuple[int, int]


_Spelling = tuple[str, tuple[str, ...], str]  # alias text, folded words, the words joined (a quick filter)


class EntityCatalogue(QObject):
    """Types, entities and aliases of one case; see the module docstring."""

    types_changed = Signal()
    entities_changed = Signal()  # names, aliases or counts changed
    index_loaded = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store: CaseStore | None = None
        self._bridge: StoreBridge | None = None
        self._types: list[EntityTypeRecord] = []
        self._summaries: dict[int, EntitySummary] | None = None
        self._index: dict[int, tuple[EntityRecord, tuple[_Spelling, ...]]] = {}
        self._loaded = False
        self._task: Task | None = None
        self._dirty: set[int] = set()
        self._icons: dict[str, QIcon] = {}
        self._count_reads: set[Task] = set()
        self._count_generation = 0  # a read of the counts overtaken by a later change is dropped

    # --- the store -----------------------------------------------------------------------------------------

    def set_store(self, store: CaseStore | None, bridge: StoreBridge | None) -> None:
        if self._task is not None:
            self._task.cancel_and_wait()
            self._task = None
        self._count_generation += 1
        for read in list(self._count_reads):
            read.wait()  # reads of the store that is about to close
        if self._bridge is not None:
            self._bridge.changed.disconnect(self._on_change)
        self._store, self._bridge = store, bridge
        self._summaries = None
        self._index.clear()
        self._dirty.clear()
        self._loaded = False
        self._icons.clear()
        self._types = store.entities.list_types() if store is not None else []
        if bridge is not None:
            bridge.changed.connect(self._on_change)
        self.types_changed.emit()
        self.entities_changed.emit()

    def store(self) -> CaseStore | None:
        return self._store

    # --- types ---------------------------------------------------------------------------------------------

    def types(self) -> list[EntityTypeRecord]:
        return list(self._types)

    def type_for(self, key: str) -> EntityTypeRecord | None:
        return next((entity_type for entity_type in self._types if entity_type.key == key), None)

    def type_label(self, key: str) -> str:
        entity_type = self.type_for(key)
        return type_label(entity_type) if entity_type is not None else key

    def colour(self, key: str) -> str:
        entity_type = self.type_for(key)
        return entity_type.colour if entity_type is not None else "#7f7f7f"

    def decoration(self, key: str) -> QIcon:
        """The type's colour swatch followed by its icon, as one icon for item views."""
        if key not in self._icons:
            entity_type = self.type_for(key)
            colour = entity_type.colour if entity_type is not None else "#7f7f7f"
            name = entity_type.icon if entity_type is not None else DEFAULT_ICON
            label = type_label(entity_type) if entity_type is not None else key
            self._icons[key] = swatch_icon(colour, name, label[:1].upper())
        return self._icons[key]

    # --- entities ------------------------------------------------------------------------------------------

    def summaries(self) -> dict[int, EntitySummary]:
        """Every entity with its counts (read again after a change)."""
        if self._summaries is None:
            listed = self._store.entities.list_entities() if self._store is not None else []
            self._summaries = {summary.id: summary for summary in listed}
        return self._summaries

    def invalidate(self) -> None:
        """Read the entities again when next asked (an edit whose change is still on its way)."""
        self._summaries = None
        self._count_generation += 1

    def summary(self, entity_id: int) -> EntitySummary | None:
        return self.summaries().get(entity_id)

    def record(self, entity_id: int) -> EntityRecord | None:
        """The entity with its aliases: from the index when it holds it, else read now."""
        held = self._index.get(entity_id)
        if held is not None:
            return held[0]
        if self._store is None:
            return None
        try:
            return self._store.entities.get(entity_id)
        except NotFound:
            return None

    # --- matching typed text -----------------------------------------------------------------------------

    def is_index_loaded(self) -> bool:
        return self._loaded

    def ensure_index(self) -> None:
        """Start filling the alias index if it is not there yet (on a worker; ``index_loaded`` follows)."""
        if self._loaded or self._task is not None or self._store is None:
            return
        store = self._store

        def read_all(progress: ProgressSink, cancel: CancelToken) -> list[EntityRecord]:
            cancel.raise_if_cancelled()
            progress(ProgressUpdate(0, 1, ""))
            return store.entities.records()  # every entity with its aliases, one query

        task = Task(read_all, self, name="entity aliases")
        task.succeeded.connect(self._index_read)
        task.failed.connect(self._index_failed)
        task.crashed.connect(self._index_failed)
        task.finished.connect(task.deleteLater)
        self._task = task
        task.start()

    def _index_read(self, records: list[EntityRecord]) -> None:
        self._task = None
        for record in records:
            self._hold(record)
        self._loaded = True
        dirty, self._dirty = self._dirty, set()
        self._refresh_index(dirty)
        self.index_loaded.emit()
        self.entities_changed.emit()

    def _index_failed(self, message: str) -> None:
        self._task = None
        self.failed.emit(message)

    def _hold(self, record: EntityRecord) -> None:
        spellings = []
        for text in dict.fromkeys([record.name, *(alias.text for alias in record.aliases)]):
            words = alias_words(text)
            if words:
                spellings.append((text, words, " ".join(words)))
        self._index[record.id] = (record, tuple(spellings))

    def _refresh_index(self, entity_ids: set[int]) -> None:
        if not entity_ids:
            return
        records = self._store.entities.records(entity_ids) if self._store is not None else []
        for record in records:
            self._hold(record)
        for entity_id in entity_ids - {record.id for record in records}:
            self._index.pop(entity_id, None)  # deleted

    def match(self, text: str, *, limit: int | None = None) -> list[Match]:
        """Entities one of whose aliases (in any script) matches ``text``, best first; see ``matching``."""
        forms = query_forms(text)
        if forms.empty:
            return []
        summaries = self.summaries()
        found = []
        for entity_id, spellings in self._spellings():
            best = _best(forms, spellings)
            if best is not None:
                found.append(Match(entity_id, best[1], best[0]))
        names = {entity_id: summary.name.casefold() for entity_id, summary in summaries.items()}
        found.sort(key=lambda match: (match.rank, names.get(match.entity_id, ""), match.entity_id))
        return found if limit is None else found[:limit]

    def matching_ids(self, text: str) -> set[int]:
        return {match.entity_id for match in self.match(text)}

    def _spellings(self) -> list[tuple[int, tuple[_Spelling, ...]]]:
        if self._loaded:
            return [(entity_id, spellings) for entity_id, (_record, spellings) in self._index.items()]
        named: list[tuple[int, tuple[_Spelling, ...]]] = []
        for summary in self.summaries().values():
            words = alias_words(summary.name)
            named.append((summary.id, ((summary.name, words, " ".join(words)),)))
        return named

    # --- changes ---------------------------------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        if change.object_type == "entity_type":
            self._types = self._store.entities.list_types() if self._store is not None else []
            self._icons.clear()
            self.invalidate()
            self.types_changed.emit()
            self.entities_changed.emit()
        elif change.object_type == "entity":
            self.invalidate()
            self._entities_changed(change)
            self.entities_changed.emit()
        elif change.object_type in ("mention", "candidate", "event"):
            self._read_counts()

    def _read_counts(self) -> None:
        """Mentions, sources and events per entity changed: read them again on a worker and keep showing
        the old counts until then (with 100,000 events the query takes 80–120 ms: not for the GUI thread)."""
        if self._summaries is None or self._store is None:
            self.entities_changed.emit()  # nothing shown yet: the next ``summaries()`` reads them
            return
        self._count_generation += 1
        generation, store = self._count_generation, self._store

        def read(_progress: ProgressSink, _cancel: CancelToken) -> list[EntitySummary]:
            return store.entities.list_entities()

        task = Task(read, self, name="entity counts")
        task.succeeded.connect(lambda listed: self._counts_read(generation, listed))
        task.finished.connect(lambda: self._count_reads.discard(task))
        task.finished.connect(task.deleteLater)
        self._count_reads.add(task)
        task.start()

    def _counts_read(self, generation: int, listed: list[EntitySummary]) -> None:
        if generation != self._count_generation or self._summaries is None:
            return  # a later change, another case, or a name change that re-reads everything anyway
        self._summaries = {summary.id: summary for summary in listed}
        self.entities_changed.emit()

    def is_reading_counts(self) -> bool:
        return bool(self._count_reads)

    def _entities_changed(self, change: Change) -> None:
        ids = set(change.ids)
        if self._task is not None:
            self._dirty |= ids
            return
        if not self._loaded:
            return
        if change.kind is ChangeKind.REMOVED:
            for entity_id in ids:
                self._index.pop(entity_id, None)
        else:
            self._refresh_index(ids)


def _best(forms: QueryForms, spellings: tuple[_Spelling, ...]) -> tuple[tuple[int, int], str] | None:
    firsts = (forms.words[0], *(words[0] for words in forms.stripped))
    best: tuple[tuple[int, int], str] | None = None
    for text, words, joined in spellings:
        if not any(first in joined for first in firsts):
            continue  # cheap: no alias word even contains the first typed word
        rank = alias_rank(forms, words)
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, text)
    return best


@lru_cache(maxsize=64)
def icon_path_exists(name: str) -> bool:
    try:
        resource_path("icons", f"{name}.svg")
    except FileNotFoundError:
        return False
    return True


def type_icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg``, or the generic entity icon when there is none."""
    return icon(name if name and icon_path_exists(name) else DEFAULT_ICON)


def available_icons() -> list[str]:
    """The icons a type may take: every SVG in ``resources/icons``."""
    folder = resource_path("icons")
    return sorted(path.stem for path in folder.glob("*.svg"))


def swatch_icon(colour: str, icon_name: str, initial: str = "", size: int = 16) -> QIcon:
    """A colour square and the type's icon side by side, drawn for 1x and 2x screens.

    A type whose icon is not among the resources (the built-in types name icons that may come later)
    shows its initial instead of a generic figure that would say "person" for a place.
    """
    result = QIcon()
    for ratio in (1, 2):
        pixmap = QPixmap(QSize((size + SWATCH + 4) * ratio, size * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        swatch = QRectF(0.5, (size - SWATCH) / 2 + 0.5, SWATCH - 1, SWATCH - 1)
        painter.setPen(QColor(colour).darker(130))
        painter.setBrush(QColor(colour))
        painter.drawRoundedRect(swatch, 2, 2)
        if (icon_name and icon_path_exists(icon_name)) or not initial:
            type_icon(icon_name).paint(painter, SWATCH + 4, 0, size, size)
        else:
            _draw_initial(painter, QRectF(SWATCH + 4, 0, size, size), initial, QColor(colour))
        painter.end()
        result.addPixmap(pixmap)
    return result


def _draw_initial(painter: QPainter, box: QRectF, initial: str, colour: QColor) -> None:
    font = QFont(painter.font())
    font.setPixelSize(int(box.height() * 0.75))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(colour.darker(150))
    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), initial)
