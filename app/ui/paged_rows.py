"""The rows of a long list model: every id in display order, and a bounded cache of what each row shows.

A case holds tens of thousands of sources and a hundred thousand events; a model keeps only their ids (a
list of ints) and fills the rest a page at a time, when a view first asks for a row of that page. The
cache forgets the rows used longest ago beyond ``max_cached``, so scrolling through everything does not
keep everything. Item models (``SourcesModel``, ``EventsTableModel``) own one and translate Qt's calls.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractItemModel

Row = TypeVar("Row")

#: Reads the rows of some ids (in any order; an id that is gone is simply missing).
RowLoader = Callable[[list[int]], Iterable[tuple[int, Row]]]


class PagedRows(Generic[Row]):
    """Ids in display order with a least-recently-used cache of their rows, filled page by page."""

    def __init__(self, load: RowLoader[Row], *, page_size: int = 200, max_cached: int = 5000) -> None:
        self._load = load
        self.page_size = page_size
        self.max_cached = max(max_cached, page_size)
        self._ids: list[int] = []
        self._rows: dict[int, int] | None = {}  # id -> row, rebuilt lazily after a change of order
        self._cache: OrderedDict[int, Row] = OrderedDict()
        self.fetched = 0  # rows read by the last page load (for tests and benchmarks)

    # -- ids and their order ---------------------------------------------------------------------------

    @property
    def ids(self) -> list[int]:
        """The ids in display order (the list itself: do not change it, use the methods below)."""
        return self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, item_id: int) -> int | None:
        if self._rows is None:
            self._rows = {item_id: row for row, item_id in enumerate(self._ids)}
        return self._rows.get(item_id)

    def set_ids(self, ids: list[int], *, keep_cache: bool = True) -> None:
        """Show these ids in this order; cached rows stay valid unless ``keep_cache`` is off."""
        self._ids = ids
        self._rows = None
        if not keep_cache:
            self._cache.clear()

    def insert(self, row: int, ids: Sequence[int]) -> None:
        self._ids[row:row] = ids
        self._rows = None

    def remove_row(self, row: int) -> int:
        return self.remove_rows(row, row)[0]

    def remove_rows(self, first: int, last: int) -> list[int]:
        """Remove rows ``first`` to ``last`` (inclusive) and forget their cached values."""
        removed = self._ids[first : last + 1]
        del self._ids[first : last + 1]
        self._rows = None
        self.forget(removed)
        return removed

    def __contains__(self, item_id: object) -> bool:
        return isinstance(item_id, int) and self.row_of(item_id) is not None

    # -- the cache -------------------------------------------------------------------------------------

    def get(self, row: int) -> Row | None:
        """The row's cached value, loading its page first if it is not cached (None: the id is gone)."""
        item_id = self._ids[row]
        cached = self._cache.get(item_id)
        if cached is None:
            self._load_page(row)
            cached = self._cache.get(item_id)
        else:
            self._cache.move_to_end(item_id)
        return cached

    def cached(self, item_id: int) -> Row | None:
        """The cached value of an id, without loading anything."""
        return self._cache.get(item_id)

    def is_cached(self, item_id: int) -> bool:
        return item_id in self._cache

    def forget(self, ids: Iterable[int]) -> None:
        """Drop these ids' cached rows (they changed): the next ``get`` reads them again."""
        for item_id in ids:
            self._cache.pop(item_id, None)

    def forget_all(self) -> None:
        self._cache.clear()

    def _load_page(self, row: int) -> None:
        first = row - row % self.page_size
        wanted = [
            item_id for item_id in self._ids[first : first + self.page_size] if item_id not in self._cache
        ]
        for item_id, value in self._load(wanted):
            self._cache[item_id] = value
            self._cache.move_to_end(item_id)
        while len(self._cache) > self.max_cached:
            self._cache.popitem(last=False)
        self.fetched = len(wanted)


def show_in_order(model: QAbstractItemModel, rows: PagedRows[Any], new_ids: list[int]) -> None:
    """Show ``new_ids`` in ``model``: the same ids in another order keep their selections and current
    row (persistent indexes follow their ids through a layout change); other ids reset the model."""
    if len(new_ids) != len(rows) or set(new_ids) != set(rows.ids):
        model.beginResetModel()  # other rows, not just another order: start over
        rows.set_ids(new_ids)
        model.endResetModel()
        return
    model.layoutAboutToBeChanged.emit()
    old = model.persistentIndexList()
    old_ids = [rows.id_at(index.row()) for index in old]
    rows.set_ids(new_ids)
    moved = [
        model.index(rows.row_of(item_id) or 0, index.column())
        for item_id, index in zip(old_ids, old, strict=True)
    ]
    model.changePersistentIndexList(old, moved)
    model.layoutChanged.emit()
