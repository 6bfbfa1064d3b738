"""Qt item models of the entity views. Each holds ids (or the few records the store handed it) and fills
what it shows lazily; none holds a widget or writes to the case.

* ``EntitiesModel``: every entity of the case, filtered by type and by typed text (any alias, folded),
  sortable. The store lists entities with their counts in one query whatever their number, so that list
  is the row cache; a change re-reads it and the model emits row insertions, removals and ``dataChanged``
  for exactly the rows that changed. An edit never moves a row; the next sort puts it in its place.
* ``MatchModel``: the tag dialog's type-ahead — entities whose alias matches the typed text, and a last
  row offering a new entity.
* ``CandidatesModel``: the review queue — the candidates a find returned, each with its keyword in
  context computed when the row is first shown.
* ``MentionsModel``: an entity's mentions in context, fetched a page at a time as the view scrolls.
* ``IdentifiersModel``, ``AliasesModel``, ``EventsModel``: small lists of the entity page and the dock.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from app.core.entity_records import (
    AliasRecord,
    CandidateRecord,
    CandidateStatus,
    EntitySummary,
    MentionInContext,
)
from app.core.errors import NotFound
from app.core.records import Change, Snippet, Span
from app.store import CaseStore
from app.store.entities import IdentifierOffer, keyword_in_context
from app.ui.entities.catalogue import EntityCatalogue, Match
from app.ui.entities.words import (
    counted,
    identifier_kind_label,
    kind_explanation,
    kind_label,
    quote,
    reason_label,
    status_label,
    tr,
)

ModelIndex = QModelIndex | QPersistentModelIndex

EntityIdRole = Qt.ItemDataRole.UserRole + 1
SummaryRole = Qt.ItemDataRole.UserRole + 2
SnippetRole = Qt.ItemDataRole.UserRole + 3  # a Snippet to draw as keyword in context
ColourRole = Qt.ItemDataRole.UserRole + 4  # "#rrggbb" of the highlighted words
CaptionRole = Qt.ItemDataRole.UserRole + 5  # a muted line over the context (the source's title)
RecordRole = Qt.ItemDataRole.UserRole + 6  # the record of the row

_DISPLAY = Qt.ItemDataRole.DisplayRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_FONT = Qt.ItemDataRole.FontRole
_EDIT = Qt.ItemDataRole.EditRole
_LEADING = Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
_TRAILING = Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

REFRESH_DELAY_MS = 50  # changes arriving together are applied together
MENTIONS_PAGE = 100
_SOURCE_TEXTS = 16  # source texts kept for keyword-in-context lines


def _muted() -> Any:
    return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)


# --- the entities ---------------------------------------------------------------------------------------


class EntityColumn(IntEnum):
    TYPE = 0
    NAME = 1
    MENTIONS = 2
    SOURCES = 3
    EVENTS = 4


def entity_column_title(column: EntityColumn) -> str:
    return {
        EntityColumn.TYPE: tr("Type"),
        EntityColumn.NAME: tr("Name"),
        EntityColumn.MENTIONS: tr("Mentions"),
        EntityColumn.SOURCES: tr("Sources"),
        EntityColumn.EVENTS: tr("Events"),
    }[column]


class EntitiesModel(QAbstractTableModel):
    """The entities of the case; see the module docstring."""

    filter_changed = Signal()

    def __init__(self, catalogue: EntityCatalogue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._catalogue = catalogue
        self._ids: list[int] = []
        self._rows: dict[int, int] | None = {}
        self._cache: dict[int, EntitySummary] = {}
        self._sort_column = EntityColumn.NAME
        self._descending = False
        self._type_key: str | None = None
        self._text = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        catalogue.entities_changed.connect(self._timer.start)
        catalogue.index_loaded.connect(self._index_loaded)

    # --- which rows --------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read everything again (a case opened or closed)."""
        self._timer.stop()
        self.beginResetModel()
        self._cache = dict(self._catalogue.summaries())
        self._ids = self._sorted(self._wanted(self._cache))
        self._rows = None
        self.endResetModel()

    def set_filter(self, *, type_key: str | None = None, text: str = "") -> None:
        text = text.strip()
        if (type_key, text) == (self._type_key, self._text):
            return
        self._type_key, self._text = type_key, text
        if text:
            self._catalogue.ensure_index()
        self.reload()
        self.filter_changed.emit()

    def filter(self) -> tuple[str | None, str]:
        return self._type_key, self._text

    def is_filtered(self) -> bool:
        return bool(self._type_key or self._text)

    def _index_loaded(self) -> None:
        if self._text:
            self.reload()

    def _wanted(self, summaries: dict[int, EntitySummary]) -> list[int]:
        matching = self._catalogue.matching_ids(self._text) if self._text else None
        return [
            entity_id
            for entity_id, summary in summaries.items()
            if (self._type_key is None or summary.type_key == self._type_key)
            and (matching is None or entity_id in matching)
        ]

    def _key(self, summary: EntitySummary) -> tuple[Any, ...]:
        name = summary.name.casefold()
        column = self._sort_column
        if column == EntityColumn.TYPE:
            return (self._catalogue.type_label(summary.type_key).casefold(), name, summary.id)
        if column == EntityColumn.MENTIONS:
            return (summary.mentions, name, summary.id)
        if column == EntityColumn.SOURCES:
            return (summary.sources, name, summary.id)
        if column == EntityColumn.EVENTS:
            return (summary.events, name, summary.id)
        return (name, summary.id)

    def _sorted(self, ids: Iterable[int]) -> list[int]:
        return sorted(ids, key=lambda entity_id: self._key(self._cache[entity_id]), reverse=self._descending)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in place; selections follow their entities (persistent indexes)."""
        wanted = EntityColumn(column) if 0 <= column < len(EntityColumn) else EntityColumn.NAME
        descending = order == Qt.SortOrder.DescendingOrder
        if (wanted, descending) == (self._sort_column, self._descending):
            return
        self._sort_column, self._descending = wanted, descending
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_ids = [self._ids[index.row()] for index in old]
        self._ids, self._rows = self._sorted(self._ids), None
        rows = self._row_map()
        moved = [
            self.index(rows[entity_id], index.column()) for entity_id, index in zip(old_ids, old, strict=True)
        ]
        self.changePersistentIndexList(old, moved)
        self.layoutChanged.emit()

    def refresh(self) -> None:
        """Apply what changed since the rows were read: precise removals, insertions and updates."""
        self._timer.stop()
        fresh = dict(self._catalogue.summaries())
        wanted = set(self._wanted(fresh))
        gone = [entity_id for entity_id in self._ids if entity_id not in wanted]
        for entity_id in gone:
            row = self._row_map()[entity_id]
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._ids[row]
            self._rows = None
            self.endRemoveRows()
        changed = [entity_id for entity_id in self._ids if fresh.get(entity_id) != self._cache.get(entity_id)]
        self._cache = fresh
        for entity_id in changed:
            row = self._row_map()[entity_id]
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(EntityColumn) - 1))
        shown = set(self._ids)
        for entity_id in self._sorted(entity_id for entity_id in wanted if entity_id not in shown):
            self._insert(entity_id)

    def _insert(self, entity_id: int) -> None:
        key = self._key(self._cache[entity_id])
        row = len(self._ids)
        for position, other in enumerate(self._ids):
            other_key = self._key(self._cache[other])
            if (other_key > key) if not self._descending else (other_key < key):
                row = position
                break
        self.beginInsertRows(QModelIndex(), row, row)
        self._ids.insert(row, entity_id)
        self._rows = None
        self.endInsertRows()

    # --- ids and rows ------------------------------------------------------------------------------------

    def entity_id_at(self, row: int) -> int:
        return self._ids[row]

    def entity_ids(self) -> list[int]:
        return list(self._ids)

    def row_of(self, entity_id: int) -> int | None:
        return self._row_map().get(entity_id)

    def summary_at(self, row: int) -> EntitySummary:
        return self._cache[self._ids[row]]

    def _row_map(self) -> dict[int, int]:
        if self._rows is None:
            self._rows = {entity_id: row for row, entity_id in enumerate(self._ids)}
        return self._rows

    # --- Qt model API ------------------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(EntityColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(EntityColumn):
            return None
        if role == _DISPLAY:
            return entity_column_title(EntityColumn(section))
        if role == _ALIGNMENT:
            return _LEADING if section <= EntityColumn.NAME else _TRAILING
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        summary = self._cache[self._ids[index.row()]]
        column = index.column()
        if role == EntityIdRole:
            return summary.id
        if role == SummaryRole:
            return summary
        if role == _ALIGNMENT:
            return _LEADING if column <= EntityColumn.NAME else _TRAILING
        if column == EntityColumn.TYPE:  # the swatch and icon say it; the name is in the tooltip
            if role == _TOOLTIP:
                return self._catalogue.type_label(summary.type_key)
            if role == _DECORATION:
                return self._catalogue.decoration(summary.type_key)
            return None
        if column == EntityColumn.NAME:
            if role == _DISPLAY:
                return summary.name
            if role == _TOOLTIP:
                return self._name_tooltip(summary)
            return None
        if role == _DISPLAY:
            value = {
                EntityColumn.MENTIONS: summary.mentions,
                EntityColumn.SOURCES: summary.sources,
                EntityColumn.EVENTS: summary.events,
            }[EntityColumn(column)]
            return str(value)
        if role == _TOOLTIP and column == EntityColumn.MENTIONS and summary.pending_candidates:
            return counted("%n candidate(s) to review", summary.pending_candidates)
        return None

    def _name_tooltip(self, summary: EntitySummary) -> str:
        lines = [summary.name, self._catalogue.type_label(summary.type_key)]
        record = self._catalogue.record(summary.id) if self._catalogue.is_index_loaded() else None
        if record is not None:
            others = [alias.text for alias in record.aliases if alias.text != record.name]
            if others:
                lines.append(tr("Also: {names}").format(names=", ".join(others)))
        else:
            lines.append(counted("%n alias(es)", summary.aliases))
        if summary.pending_candidates:
            lines.append(counted("%n candidate(s) to review", summary.pending_candidates))
        return "\n".join(lines)


# --- the tag dialog's matches ---------------------------------------------------------------------------


class MatchModel(QAbstractListModel):
    """Entities matching the typed text, best first, then a row offering to create a new entity."""

    def __init__(self, catalogue: EntityCatalogue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._catalogue = catalogue
        self._matches: list[Match] = []
        self._new_name = ""
        self._new_type = ""

    def set_matches(self, matches: Sequence[Match], new_name: str, new_type: str) -> None:
        self.beginResetModel()
        self._matches = list(matches)
        self._new_name = " ".join(new_name.split())
        self._new_type = new_type
        self.endResetModel()

    def set_new_type(self, type_key: str) -> None:
        self._new_type = type_key
        if self._new_name:
            row = len(self._matches)
            self.dataChanged.emit(self.index(row), self.index(row))

    def matches(self) -> list[Match]:
        return list(self._matches)

    def create_row(self) -> int | None:
        """The row offering a new entity (none while nothing is typed)."""
        return len(self._matches) if self._new_name else None

    def entity_id_at(self, row: int) -> int | None:
        return self._matches[row].entity_id if 0 <= row < len(self._matches) else None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._matches) + (1 if self._new_name else 0)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        row = index.row()
        if row == len(self._matches):
            return self._create_data(role)
        match = self._matches[row]
        summary = self._catalogue.summary(match.entity_id)
        if summary is None:
            return None
        if role == EntityIdRole:
            return match.entity_id
        if role == _DISPLAY:
            shown = summary.name
            if match.alias != summary.name:
                shown += f"  ·  {match.alias}"
            return shown
        if role == _DECORATION:
            return self._catalogue.decoration(summary.type_key)
        if role == _TOOLTIP:
            return "\n".join(
                [
                    summary.name,
                    self._catalogue.type_label(summary.type_key),
                    counted("%n mention(s)", summary.mentions),
                ]
            )
        return None

    def _create_data(self, role: int) -> Any:
        if role == _DISPLAY:
            return tr("New {type}: “{name}”").format(
                type=self._catalogue.type_label(self._new_type), name=quote(self._new_name, 200)
            )
        if role == _DECORATION:
            return self._catalogue.decoration(self._new_type)
        if role == _FONT:
            font = QFont()
            font.setItalic(True)
            return font
        if role == _TOOLTIP:
            return tr("Create a new entity with this name and tag the selection as it.")
        return None


# --- the review queue -----------------------------------------------------------------------------------


class CandidateColumn(IntEnum):
    CONTEXT = 0
    ENTITY = 1
    SOURCE = 2
    KIND = 3
    STATUS = 4


def candidate_column_title(column: CandidateColumn) -> str:
    return {
        CandidateColumn.CONTEXT: tr("In context"),
        CandidateColumn.ENTITY: tr("Entity"),
        CandidateColumn.SOURCE: tr("Source"),
        CandidateColumn.KIND: tr("Kind"),
        CandidateColumn.STATUS: tr("Status"),
    }[column]


class SourceTexts:
    """Source texts and titles for keyword-in-context lines: a few texts kept, titles read in batches."""

    def __init__(self) -> None:
        self._store: CaseStore | None = None
        self._texts: OrderedDict[int, str] = OrderedDict()
        self._titles: dict[int, str] = {}

    def set_store(self, store: CaseStore | None) -> None:
        self._store = store
        self._texts.clear()
        self._titles.clear()

    def text(self, source_id: int) -> str:
        if source_id in self._texts:
            self._texts.move_to_end(source_id)
            return self._texts[source_id]
        text = ""
        if self._store is not None:
            try:
                text = self._store.source_text(source_id)
            except NotFound:
                text = ""
        self._texts[source_id] = text
        while len(self._texts) > _SOURCE_TEXTS:
            self._texts.popitem(last=False)
        return text

    def load_titles(self, source_ids: Iterable[int]) -> None:
        wanted = sorted({source_id for source_id in source_ids if source_id not in self._titles})
        if wanted and self._store is not None:
            for summary in self._store.source_summaries(wanted):
                self._titles[summary.id] = summary.title

    def title(self, source_id: int) -> str:
        if source_id not in self._titles:
            self.load_titles([source_id])
        return self._titles.get(source_id, tr("Source #{id}").format(id=source_id))


class CandidatesModel(QAbstractTableModel):
    """The candidates of the last find, in source order; their status follows the store's changes."""

    def __init__(self, catalogue: EntityCatalogue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._catalogue = catalogue
        self._store: CaseStore | None = None
        self._ids: list[int] = []
        self._records: dict[int, CandidateRecord] = {}
        self._lines: dict[int, tuple[Snippet, int]] = {}  # id -> (keyword in context, line number)
        self.sources = SourceTexts()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        catalogue.entities_changed.connect(self._names_changed)

    def set_store(self, store: CaseStore | None) -> None:
        self._store = store
        self.sources.set_store(store)
        self.set_candidates([])

    def set_candidates(self, records: Sequence[CandidateRecord]) -> None:
        self._timer.stop()
        self.beginResetModel()
        self._ids = [record.id for record in records]
        self._records = {record.id: record for record in records}
        self._lines.clear()
        self.sources.load_titles(record.source_id for record in records)
        self.endResetModel()

    def on_change(self, change: Change) -> None:
        if change.object_type in ("candidate", "mention") and self._ids:
            self._timer.start()

    def _names_changed(self) -> None:
        if self._ids:
            column = int(CandidateColumn.ENTITY)
            self.dataChanged.emit(self.index(0, column), self.index(len(self._ids) - 1, column))

    def refresh(self) -> None:
        """Read the candidates' status again; rows of candidates that are gone are removed."""
        self._timer.stop()
        if self._store is None or not self._ids:
            return
        entity_ids = {record.entity_id for record in self._records.values()}
        fresh: dict[int, CandidateRecord] = {}
        if len(entity_ids) <= 20:
            for entity_id in entity_ids:
                for record in self._store.entities.candidates(entity_id, status=None):
                    fresh[record.id] = record
        else:
            fresh = {record.id: record for record in self._store.entities.candidates(status=None)}
        for row in range(len(self._ids) - 1, -1, -1):
            if self._ids[row] not in fresh:
                self.beginRemoveRows(QModelIndex(), row, row)
                self._records.pop(self._ids[row], None)
                del self._ids[row]
                self.endRemoveRows()
        for row, candidate_id in enumerate(self._ids):
            if fresh[candidate_id] != self._records[candidate_id]:
                self._records[candidate_id] = fresh[candidate_id]
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(CandidateColumn) - 1))

    # --- ids and rows ------------------------------------------------------------------------------------

    def candidate_at(self, row: int) -> CandidateRecord:
        return self._records[self._ids[row]]

    def candidates(self) -> list[CandidateRecord]:
        return [self._records[candidate_id] for candidate_id in self._ids]

    def row_of(self, candidate_id: int) -> int | None:
        return self._ids.index(candidate_id) if candidate_id in self._records else None

    def pending_count(self) -> int:
        return sum(1 for record in self._records.values() if record.status is CandidateStatus.PENDING)

    def context(self, row: int) -> tuple[Snippet, int]:
        """The candidate in context and the line it is on, computed when first asked for."""
        candidate_id = self._ids[row]
        if candidate_id not in self._lines:
            record = self._records[candidate_id]
            text = self.sources.text(record.source_id)
            if record.end <= len(text):
                snippet = keyword_in_context(text, Span(record.start, record.end))
                line = text.count("\n", 0, record.start) + 1
            else:
                snippet, line = Snippet(record.text, record.start, ()), 0
            self._lines[candidate_id] = (snippet, line)
        return self._lines[candidate_id]

    # --- Qt model API ------------------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(CandidateColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == _DISPLAY
            and 0 <= section < len(CandidateColumn)
        ):
            return candidate_column_title(CandidateColumn(section))
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        record = self._records[self._ids[index.row()]]
        column = index.column()
        if role == RecordRole:
            return record
        if role == EntityIdRole:
            return record.entity_id
        if role == _FOREGROUND and record.status is not CandidateStatus.PENDING:
            return _muted()
        if column == CandidateColumn.CONTEXT:
            return self._context_data(index.row(), record, role)
        if role == _DISPLAY:
            return self._display(index.row(), record, CandidateColumn(column))
        if role == _DECORATION and column == CandidateColumn.ENTITY:
            summary = self._catalogue.summary(record.entity_id)
            return self._catalogue.decoration(summary.type_key) if summary is not None else None
        if role == _TOOLTIP:
            return self._tooltip(record, CandidateColumn(column))
        return None

    def _context_data(self, row: int, record: CandidateRecord, role: int) -> Any:
        if role == SnippetRole:
            return self.context(row)[0]
        if role == _DISPLAY:
            return self.context(row)[0].text
        if role == ColourRole:
            summary = self._catalogue.summary(record.entity_id)
            return self._catalogue.colour(summary.type_key) if summary is not None else None
        if role == _TOOLTIP:
            return self.context(row)[0].text
        return None

    def _display(self, row: int, record: CandidateRecord, column: CandidateColumn) -> str:
        if column == CandidateColumn.ENTITY:
            summary = self._catalogue.summary(record.entity_id)
            return summary.name if summary is not None else f"#{record.entity_id}"
        if column == CandidateColumn.SOURCE:
            line = self.context(row)[1]
            title = self.sources.title(record.source_id)
            isolated = f"\u2068{title}\u2069"  # a Hebrew or Arabic title keeps its own order in the line
            return tr("line {line} · {title}").format(title=isolated, line=line) if line else title
        if column == CandidateColumn.KIND:
            text = kind_label(record.kind)
            return text + " · " + tr("needs review") if record.needs_review else text
        return status_label(record.status)

    def _tooltip(self, record: CandidateRecord, column: CandidateColumn) -> str | None:
        if column == CandidateColumn.KIND:
            lines = [
                kind_explanation(record.kind),
                tr("Matched “{alias}”.").format(alias=quote(record.alias)),
            ]
            if record.needs_review:
                reason = reason_label(record.reason)
                lines.append(
                    tr("Needs review: {reason}.").format(reason=reason) if reason else tr("Needs review.")
                )
            return "\n".join(lines)
        if column == CandidateColumn.SOURCE:
            return tr("{title}\ncharacters {start}–{end}").format(
                title=self.sources.title(record.source_id), start=record.start, end=record.end
            )
        return None


# --- an entity's mentions -------------------------------------------------------------------------------


class MentionsModel(QAbstractListModel):
    """An entity's mentions in context, in source order, fetched ``MENTIONS_PAGE`` at a time."""

    def __init__(self, catalogue: EntityCatalogue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._catalogue = catalogue
        self._store: CaseStore | None = None
        self._entity_id: int | None = None
        self._colour = "#7f7f7f"
        self._rows: list[MentionInContext] = []
        self._complete = True

    def set_entity(self, store: CaseStore | None, entity_id: int | None, colour: str = "#7f7f7f") -> None:
        self.beginResetModel()
        self._store, self._entity_id, self._colour = store, entity_id, colour
        self._rows = []
        self._complete = store is None or entity_id is None
        self.endResetModel()
        if not self._complete:
            self.fetchMore(QModelIndex())

    def reload(self) -> None:
        """Read the mentions again, as many as were shown."""
        shown = max(len(self._rows), MENTIONS_PAGE)
        self.set_entity(self._store, self._entity_id, self._colour)
        while not self._complete and len(self._rows) < shown:
            self.fetchMore(QModelIndex())

    def entity_id(self) -> int | None:
        return self._entity_id

    def mention_at(self, row: int) -> MentionInContext:
        return self._rows[row]

    def canFetchMore(self, parent: ModelIndex) -> bool:
        return not parent.isValid() and not self._complete

    def fetchMore(self, parent: ModelIndex) -> None:
        if parent.isValid() or self._complete or self._store is None or self._entity_id is None:
            return
        try:
            page = self._store.entities.mentions_of(
                self._entity_id, limit=MENTIONS_PAGE, offset=len(self._rows)
            )
        except NotFound:
            page = []
        self._complete = len(page) < MENTIONS_PAGE
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (_DISPLAY, _TOOLTIP):
            return row.context.text
        if role == SnippetRole:
            return row.context
        if role == CaptionRole:
            return row.source_title
        if role == ColourRole:
            return self._colour
        if role == RecordRole:
            return row
        return None


# --- identifiers in the open source ---------------------------------------------------------------------


class IdentifierColumn(IntEnum):
    KIND = 0
    TEXT = 1
    ACTION = 2


class IdentifiersModel(QAbstractTableModel):
    """The identifiers the store found in one source, each offered as an identifier entity."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._offers: list[IdentifierOffer] = []

    def set_offers(self, offers: Sequence[IdentifierOffer]) -> None:
        if [(o.identifier, o.tagged, o.entity_id) for o in offers] == [
            (o.identifier, o.tagged, o.entity_id) for o in self._offers
        ]:
            return
        self.beginResetModel()
        self._offers = list(offers)
        self.endResetModel()

    def offer_at(self, row: int) -> IdentifierOffer:
        return self._offers[row]

    def offers(self) -> list[IdentifierOffer]:
        return list(self._offers)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._offers)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(IdentifierColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if (
            orientation != Qt.Orientation.Horizontal
            or role != _DISPLAY
            or not 0 <= section < len(IdentifierColumn)
        ):
            return None
        return {
            IdentifierColumn.KIND: tr("Kind"),
            IdentifierColumn.TEXT: tr("Identifier"),
            IdentifierColumn.ACTION: "",
        }[IdentifierColumn(section)]

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid() or index.row() >= len(self._offers):
            return None
        offer = self._offers[index.row()]
        column = index.column()
        if role == RecordRole:
            return offer
        if role == _DISPLAY:
            if column == IdentifierColumn.KIND:
                return identifier_kind_label(offer.identifier.kind)
            if column == IdentifierColumn.TEXT:
                return offer.identifier.text
            return tr("Tagged") if offer.tagged else tr("Tag")
        if role == _TOOLTIP:
            if column == IdentifierColumn.ACTION:
                return (
                    tr("Already tagged here.")
                    if offer.tagged
                    else tr("Tag it as an identifier entity (one click; Edit ▸ Undo reverts it).")
                )
            return offer.identifier.value
        if role == _FOREGROUND and column == IdentifierColumn.ACTION:
            palette = QGuiApplication.palette()
            return _muted() if offer.tagged else palette.color(QPalette.ColorRole.Link)
        if role == _ALIGNMENT:
            return _TRAILING if column == IdentifierColumn.ACTION else _LEADING
        return None


# --- an entity's aliases and events ---------------------------------------------------------------------


class AliasesModel(QAbstractListModel):
    """The entity's spellings; editing one asks for a rename (the page makes it an undoable edit)."""

    rename_requested = Signal(object, str)  # AliasRecord, new text

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._aliases: list[AliasRecord] = []
        self._name = ""

    def set_aliases(self, name: str, aliases: Sequence[AliasRecord]) -> None:
        if (name, list(aliases)) == (self._name, self._aliases):
            return
        self.beginResetModel()
        self._name, self._aliases = name, list(aliases)
        self.endResetModel()

    def alias_at(self, row: int) -> AliasRecord:
        return self._aliases[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._aliases)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _ROW_FLAGS | Qt.ItemFlag.ItemIsEditable

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid() or index.row() >= len(self._aliases):
            return None
        alias = self._aliases[index.row()]
        if role in (_DISPLAY, _EDIT):
            return alias.text
        if role == RecordRole:
            return alias
        if role == _FONT and alias.text == self._name:
            font = QFont()
            font.setBold(True)
            return font
        if role == _TOOLTIP:
            language = alias.language if alias.language != "und" else tr("unknown language")
            if alias.text == self._name:
                return tr("The entity's name ({language})").format(language=language)
            return tr("Alias ({language})").format(language=language)
        return None

    def setData(self, index: ModelIndex, value: Any, role: int = _EDIT) -> bool:
        if role != _EDIT or not index.isValid() or index.row() >= len(self._aliases):
            return False
        text = " ".join(str(value).split())
        alias = self._aliases[index.row()]
        if text and text != alias.text:
            self.rename_requested.emit(alias, text)
        return False  # the store decides; its change refreshes the list


class EventsModel(QAbstractTableModel):
    """The events an entity takes part in, in the order the store gives: the date in words (as the events
    table reads it) in one column and the title in the next, so the dates stay in one column whatever
    the direction of each title."""

    DATE_COLUMN, TITLE_COLUMN = 0, 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[int, str, str]] = []  # (event id, date as shown, title)

    def set_events(self, rows: Sequence[tuple[int, str, str]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def event_id_at(self, row: int) -> int:
        return self._rows[row][0]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        event_id, date, title = self._rows[index.row()]
        if role == _DISPLAY:
            return date if index.column() == self.DATE_COLUMN else title
        if role == _TOOLTIP:
            return f"{date} — \u2068{title}\u2069" if date else title  # the title isolated: any direction
        if role == _ALIGNMENT:
            return _LEADING
        if role == RecordRole:
            return event_id
        return None
