"""The row cache behind the long list models: pages on demand, bounded, and in step with the ids."""

from __future__ import annotations

from app.ui.paged_rows import PagedRows


class Loader:
    def __init__(self, gone: frozenset[int] = frozenset()) -> None:
        self.calls: list[list[int]] = []
        self.gone = gone

    def __call__(self, ids: list[int]) -> list[tuple[int, str]]:
        self.calls.append(list(ids))
        return [(item_id, f"row {item_id}") for item_id in ids if item_id not in self.gone]


def test_a_row_loads_its_whole_page_once() -> None:
    loader = Loader()
    rows = PagedRows(loader, page_size=10)
    rows.set_ids(list(range(100, 150)))
    assert rows.get(13) == "row 113"
    assert loader.calls == [list(range(110, 120))]
    assert rows.fetched == 10
    assert [rows.get(row) for row in range(10, 20)] == [f"row {i}" for i in range(110, 120)]
    assert len(loader.calls) == 1


def test_the_cache_forgets_the_rows_used_longest_ago() -> None:
    loader = Loader()
    rows = PagedRows(loader, page_size=10, max_cached=20)
    rows.set_ids(list(range(100)))
    rows.get(0)
    rows.get(10)
    for row in range(10):
        rows.get(row)  # page 0 painted again: page 1 is now the oldest
    rows.get(20)
    assert rows.is_cached(0) and rows.is_cached(25) and not rows.is_cached(15)
    assert sum(rows.is_cached(i) for i in range(100)) == 20


def test_rows_follow_insertions_removals_and_forgetting() -> None:
    loader = Loader(gone=frozenset({7}))
    rows = PagedRows(loader, page_size=4)
    rows.set_ids([5, 6, 7, 8])
    assert rows.get(2) is None  # deleted meanwhile: nothing to show, no error
    rows.insert(1, [50, 51])
    assert rows.ids == [5, 50, 51, 6, 7, 8] and rows.row_of(6) == 3
    assert rows.remove_row(0) == 5 and rows.row_of(50) == 0 and not rows.is_cached(5)
    rows.forget([6])
    assert not rows.is_cached(6) and rows.cached(8) == "row 8"
    rows.set_ids([8, 6], keep_cache=False)
    assert rows.cached(8) is None and rows.row_of(6) == 1
