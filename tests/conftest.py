"""Fixtures shared by every test: real case files on disk in the test's temporary folder."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Widgets are tested offscreen; a bare `pytest` on a machine without a display must not abort in Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.core.records import Extraction, SourceKind, SourceMetadata
from app.core.textnorm import normalize_text
from app.store import CaseStore


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    return tmp_path / "case.threadline"


@pytest.fixture
def store(case_path: Path) -> Iterator[CaseStore]:
    with CaseStore.create(case_path, title="Test case", investigator="R. Analyst", actor="tester") as opened:
        yield opened


def text_extraction(
    text: str, *, title: str | None = None, language: str | None = None, **meta: str
) -> Extraction:
    """An extraction as a plain-text importer would hand it over."""
    return Extraction(
        kind=SourceKind.TEXT,
        media_type="text/plain",
        text=normalize_text(text),
        metadata=SourceMetadata(title=title, language=language, **meta),
    )


AddText = Callable[..., int]


@pytest.fixture
def add_text(store: CaseStore) -> AddText:
    """A function adding ``text`` as a source (its UTF-8 bytes as the original), returning the new id."""

    def add(text: str, *, title: str | None = None, filename: str | None = None, **meta: str) -> int:
        extraction = text_extraction(text, title=title, **meta)
        added = store.add_source(
            text.encode("utf-8"), extraction, original_filename=filename, imported_by="tester"
        )
        assert not added.duplicate
        return added.source_id

    return add
