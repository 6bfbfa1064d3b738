"""The sources of the open case as a Qt table model: ids in display order, rows fetched page by page.

The model never holds the case in memory. It keeps the ordered list of source ids the store returns for the
current sort and filter (cheap: ids only, even for 100,000 sources) and a cache of ``SourceSummary`` rows
that ``data()`` fills ``PAGE_SIZE`` rows at a time, when the view first paints them. Sorting and filtering
are queries, not Python sorts.

Changes arrive from the store as ``Change`` records through a ``StoreBridge``. They are gathered for a
moment and applied together, so an import of a thousand files produces a few row insertions a second, not
a thousand queries: new sources are inserted where the current sort puts them (at the end when sorting by
import order), edited ones are refreshed in place with ``dataChanged`` for just their rows. An edit never
moves a row; the next sort or filter puts it where it now belongs.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from enum import IntEnum
from functools import lru_cache
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QIcon

from app.core.records import Change, ChangeKind, Reliability, SourceKind, SourceSummary
from app.store import CaseStore
from app.ui.paged_rows import PagedRows, show_in_order
from app.ui.resources import icon
from app.ui.store_bridge import StoreBridge

PAGE_SIZE = 200
_CachedRow = tuple[SourceSummary, tuple[str, ...]]  # the summary and its cells, formatted once
FLUSH_INTERVAL_MS = 200  # changes arriving faster than this are applied together

ModelIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    TITLE = 0
    KIND = 1
    LANGUAGE = 2
    PUBLISHED = 3
    IMPORTED = 4
    SIZE = 5
    RELIABILITY = 6


#: What the store sorts by for each column (``CaseStore.source_ids(order_by=…)``).
ORDER_KEYS = {
    Column.TITLE: "title",
    Column.KIND: "kind",
    Column.LANGUAGE: "language",
    Column.PUBLISHED: "published",
    Column.IMPORTED: "imported_at",
    Column.SIZE: "size",
    Column.RELIABILITY: "reliability",
}
_APPEND_ORDERS = frozenset({"id", "imported_at"})  # a new source sorts last (first when descending)

SourceIdRole = Qt.ItemDataRole.UserRole + 1
SummaryRole = Qt.ItemDataRole.UserRole + 2

_LEADING = Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
_TRAILING = Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

# Plain ints, looked up in a set: data() runs thousands of times a second while a view scrolls.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
_ID_ROLE = int(SourceIdRole)
_SUMMARY_ROLE = int(SummaryRole)
_ANSWERED_ROLES = frozenset({_DISPLAY, _DECORATION, _TOOLTIP, _ALIGNMENT, _ID_ROLE, _SUMMARY_ROLE})
_TITLE_COLUMN = int(Column.TITLE)
_SIZE_COLUMN = int(Column.SIZE)


# --- how values read, shared with the inspector --------------------------------------------------------


def _tr(text: str) -> str:
    return QCoreApplication.translate("Sources", text)


def plural(text: str, count: int) -> str:
    """Finish Qt's ``tr("%n file(s)", "", n)`` when no catalogue translated it: "1 file", "2 files"."""
    return text.replace("(s)", "" if count == 1 else "s") if "(s)" in text else text


def column_title(column: Column) -> str:
    return {
        Column.TITLE: _tr("Title"),
        Column.KIND: _tr("Kind"),
        Column.LANGUAGE: _tr("Language"),
        Column.PUBLISHED: _tr("Published"),
        Column.IMPORTED: _tr("Imported"),
        Column.SIZE: _tr("Size"),
        Column.RELIABILITY: _tr("Reliability"),
    }[column]


def kind_label(kind: SourceKind) -> str:
    return {
        SourceKind.TEXT: _tr("Text"),
        SourceKind.MARKDOWN: _tr("Markdown"),
        SourceKind.HTML: _tr("Web page"),
        SourceKind.PDF: _tr("PDF"),
        SourceKind.DOCX: _tr("Word document"),
        SourceKind.EMAIL: _tr("E-mail"),
        SourceKind.NOTE: _tr("Note"),
    }[kind]


def reliability_meaning(grade: Reliability) -> str:
    return {
        Reliability.A: _tr("Completely reliable"),
        Reliability.B: _tr("Usually reliable"),
        Reliability.C: _tr("Fairly reliable"),
        Reliability.D: _tr("Not usually reliable"),
        Reliability.E: _tr("Unreliable"),
        Reliability.F: _tr("Reliability cannot be judged"),
    }[grade]


@lru_cache(maxsize=256)
def language_name(code: str) -> str:
    """ "Hebrew" for "he"; the code itself for one Qt does not know; "Unknown" for "und"."""
    if code in ("", "und"):
        return _tr("Unknown")
    language = QLocale(code).language()
    if language in (QLocale.Language.C, QLocale.Language.AnyLanguage):
        return code
    return QLocale.languageToString(language)


def format_size(size: int) -> str:
    return QLocale().formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat)


def format_timestamp(moment: datetime) -> str:
    """Local time, ISO-like (investigators compare these across sources); naive values are UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M")


# --- the model -----------------------------------------------------------------------------------------


class SourcesModel(QAbstractTableModel):
    """Sources of one case; see the module docstring for how rows are kept."""

    filter_changed = Signal()
    rows_fetched = Signal(int)  # how many summaries one page load fetched (for tests and benchmarks)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store: CaseStore | None = None
        self._bridge: StoreBridge | None = None
        self._rows: PagedRows[_CachedRow] = PagedRows(self._load_rows, page_size=PAGE_SIZE)
        self._order_by = "id"
        self._descending = False
        self._text = ""
        self._kind: SourceKind | None = None
        self._language: str | None = None
        self._pending: list[Change] = []
        self._last_flush = 0.0
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self.apply_pending_changes)
        self._icons: dict[SourceKind, QIcon] = {}

    # --- the store -----------------------------------------------------------------------------------------

    def set_store(self, store: CaseStore | None, bridge: StoreBridge | None) -> None:
        if self._bridge is not None:
            self._bridge.changed.disconnect(self._on_change)
        self.beginResetModel()
        self._store, self._bridge = store, bridge
        self._pending.clear()
        self._flush_timer.stop()
        self._rows.set_ids(self._query_ids(), keep_cache=False)
        self.endResetModel()
        if bridge is not None:
            bridge.changed.connect(self._on_change)

    def store(self) -> CaseStore | None:
        return self._store

    def _query_ids(self) -> list[int]:
        if self._store is None:
            return []
        return self._store.source_ids(
            order_by=self._order_by,
            descending=self._descending,
            text=self._text,
            kind=self._kind,
            language=self._language,
        )

    # --- sorting and filtering: queries --------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Server-side sort; selections and the current row follow their sources (persistent indexes)."""
        order_by = ORDER_KEYS.get(Column(column), "id") if 0 <= column < len(Column) else "id"
        descending = order == Qt.SortOrder.DescendingOrder and order_by != "id"
        if (order_by, descending) == (self._order_by, self._descending):
            return
        self._order_by, self._descending = order_by, descending
        self._requery_keeping_persistent_indexes()

    def sort_key(self) -> tuple[str, bool]:
        return self._order_by, self._descending

    def set_filter(
        self, *, text: str = "", kind: SourceKind | None = None, language: str | None = None
    ) -> None:
        text = text.strip()
        if (text, kind, language or None) == (self._text, self._kind, self._language):
            return
        self._text, self._kind, self._language = text, kind, language or None
        self.beginResetModel()
        self._rows.set_ids(self._query_ids())
        self.endResetModel()
        self.filter_changed.emit()

    def filter(self) -> tuple[str, SourceKind | None, str | None]:
        return self._text, self._kind, self._language

    def is_filtered(self) -> bool:
        return bool(self._text or self._kind or self._language)

    def refresh(self) -> None:
        """Re-read the ids (same sort and filter) and drop the row cache."""
        self._rows.forget_all()
        self._requery_keeping_persistent_indexes()

    def _requery_keeping_persistent_indexes(self) -> None:
        show_in_order(self, self._rows, self._query_ids())

    # --- ids and rows --------------------------------------------------------------------------------------

    def source_id_at(self, row: int) -> int:
        return self._rows.id_at(row)

    def row_of(self, source_id: int) -> int | None:
        return self._rows.row_of(source_id)

    def source_ids(self) -> list[int]:
        """The ids in display order (a copy)."""
        return list(self._rows.ids)

    def summary_at(self, row: int) -> SourceSummary | None:
        cached = self._row(row)
        return cached[0] if cached is not None else None

    def _row(self, row: int) -> _CachedRow | None:
        if self._store is None:
            return None
        cached = self._rows.get(row)
        if self._rows.fetched:
            fetched, self._rows.fetched = self._rows.fetched, 0
            self.rows_fetched.emit(fetched)
        return cached

    def _load_rows(self, ids: list[int]) -> Iterator[tuple[int, _CachedRow]]:
        """Rows with their cells already formatted: painting then only looks them up."""
        if self._store is None:
            return
        for summary in self._store.source_summaries(ids):
            yield summary.id, (summary, tuple(_display(summary, column) for column in Column))

    # --- Qt model API --------------------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return column_title(Column(section))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _TRAILING if section == Column.SIZE else _LEADING
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        """Kept lean: a view asks this about eight times per visible cell on every repaint."""
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == _ALIGNMENT:
            return _TRAILING if column == _SIZE_COLUMN else _LEADING
        if row >= len(self._rows):
            return None
        if role == _ID_ROLE:
            return self._rows.id_at(row)
        cached = self._row(row)
        if cached is None:
            return None
        summary, cells = cached
        if role == _DISPLAY:
            return cells[column]
        if role == _DECORATION:
            return self._icon(summary.kind) if column == _TITLE_COLUMN else None
        if role == _TOOLTIP:
            return _tooltip(summary, Column(column))
        return summary  # SummaryRole

    def _icon(self, kind: SourceKind) -> QIcon:
        if kind not in self._icons:
            self._icons[kind] = icon("note" if kind == SourceKind.NOTE else "source")
        return self._icons[kind]

    # --- changes from the store ----------------------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        if change.object_type != "source":
            return
        self._pending.append(change)
        if not self._flush_timer.isActive():
            since = (time.monotonic() - self._last_flush) * 1000
            self._flush_timer.start(max(0, int(FLUSH_INTERVAL_MS - since)))

    def has_pending_changes(self) -> bool:
        return bool(self._pending)

    def apply_pending_changes(self) -> None:
        """Apply the changes gathered since the last flush (the timer calls this; tests may too)."""
        self._flush_timer.stop()
        self._last_flush = time.monotonic()
        pending, self._pending = self._pending, []
        if self._store is None:
            return
        added = _ids_of(pending, ChangeKind.ADDED)
        updated = _ids_of(pending, ChangeKind.UPDATED)
        removed = _ids_of(pending, ChangeKind.REMOVED)
        if removed:
            self._remove(removed)
        if added:
            self._insert([source_id for source_id in added if source_id not in removed])
        if updated:
            self._refresh(updated - removed)

    def _insert(self, added: Sequence[int]) -> None:
        fresh = [source_id for source_id in dict.fromkeys(added) if self._rows.row_of(source_id) is None]
        if not fresh:
            return
        if self._order_by in _APPEND_ORDERS and not self.is_filtered():
            fresh.sort(reverse=self._descending)
            if self._descending:
                self._insert_run(0, fresh)
            else:
                self._insert_run(len(self._rows), fresh)
            return
        self._insert_where_sorted(set(fresh))

    def _insert_where_sorted(self, fresh: set[int]) -> None:
        """Ask the store for the order, then place each run of new ids after the known source before it.

        Only the new ids are inserted: rows already shown stay where they are, even if an edit changed
        where they would sort now, and a new source that does not match the filter is not shown.
        """
        runs: list[tuple[int | None, list[int]]] = []  # (id of the shown source before the run, run)
        anchor: int | None = None
        previous_was_fresh = False
        for source_id in self._query_ids():
            if source_id in fresh:
                if previous_was_fresh:
                    runs[-1][1].append(source_id)
                else:
                    runs.append((anchor, [source_id]))
                previous_was_fresh = True
            elif self._rows.row_of(source_id) is not None:
                anchor, previous_was_fresh = source_id, False
        for anchor_id, run in runs:
            anchor_row = None if anchor_id is None else self._rows.row_of(anchor_id)
            row = 0 if anchor_row is None else anchor_row + 1
            self._insert_run(row, run)

    def _insert_run(self, row: int, ids: list[int]) -> None:
        self.beginInsertRows(QModelIndex(), row, row + len(ids) - 1)
        self._rows.insert(row, ids)
        self.endInsertRows()

    def _remove(self, removed: set[int]) -> None:
        self._rows.forget(removed)
        for source_id in removed:
            row = self.row_of(source_id)
            if row is not None:
                self.beginRemoveRows(QModelIndex(), row, row)
                self._rows.remove_row(row)
                self.endRemoveRows()

    def _refresh(self, updated: Iterable[int]) -> None:
        assert self._store is not None
        shown = [source_id for source_id in updated if self._rows.is_cached(source_id)]
        self._rows.forget(updated)
        if not shown:
            return
        last_column = len(Column) - 1
        for source_id in shown:
            row = self.row_of(source_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, last_column))


def _ids_of(changes: Iterable[Change], kind: ChangeKind) -> set[int]:
    return {source_id for change in changes if change.kind == kind for source_id in change.ids}


def _display(summary: SourceSummary, column: Column) -> str:
    if column == Column.TITLE:
        return summary.title
    if column == Column.KIND:
        return kind_label(summary.kind)
    if column == Column.LANGUAGE:
        return language_name(summary.language)
    if column == Column.PUBLISHED:
        return summary.published or ""
    if column == Column.IMPORTED:
        return format_timestamp(summary.imported_at)
    if column == Column.SIZE:
        return format_size(summary.size)
    return summary.reliability.value


def _tooltip(summary: SourceSummary, column: Column) -> str | None:
    if column == Column.TITLE:
        tip = f"{summary.title}\n#{summary.id}"
        if summary.parent_id is not None:
            tip += "\n" + _tr("Attachment of source #{parent}").format(parent=summary.parent_id)
        return tip
    if column == Column.RELIABILITY:
        return f"{summary.reliability.value}: {reliability_meaning(summary.reliability)}"
    if column == Column.LANGUAGE:
        return summary.language
    if column == Column.SIZE:
        return _tr("{count} bytes").format(count=f"{summary.size:,}")
    return None
