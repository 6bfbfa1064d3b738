"""The whole case to JSON and back: every table row for row, originals byte for byte."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from app.core.errors import CaseFileError, InvalidValue
from app.export.case_json import NOT_EXPORTED, case_tables, export_case_json, import_case_json
from app.store import CaseStore
from tests.export.casefile import HEBREW_QUOTE, Built


def table_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table of a case file as raw SQLite values, rows sorted (the full-text index's content too)."""
    connection = sqlite3.connect(path)
    try:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'source_fts_%'"
            )
        ]
        found = {}
        for name in names:
            query = (
                "SELECT rowid, title, body FROM source_fts"
                if name == "source_fts"
                else f'SELECT * FROM "{name}"'
            )
            found[name] = sorted(connection.execute(query).fetchall(), key=repr)
        found["audit_log"] = connection.execute("SELECT * FROM audit_log ORDER BY id").fetchall()
        found["pragma application_id"] = connection.execute("PRAGMA application_id").fetchall()
        return found
    finally:
        connection.close()


@pytest.fixture(scope="module")
def round_trip(built: Built, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("json")
    exported, copy = folder / "case.json", folder / "copy.threadline"
    with CaseStore.open(built.path) as store:
        store.events.ensure_dates_extracted()
        found = store.entities.find_candidates()  # mentions and candidates, accepted and pending
        store.entities.accept([found[0].id])
        export_case_json(store, exported)
    import_case_json(copy, exported, actor="importer")
    return built.path, exported, copy


def test_every_table_comes_back_row_for_row(round_trip: tuple[Path, Path, Path]) -> None:
    original, _exported, copy = round_trip
    before, after = table_rows(original), table_rows(copy)
    assert before.keys() == after.keys()
    for name in before:
        if name == "audit_log":
            continue
        assert after[name] == before[name], name
    for name in (
        "sources",
        "originals",
        "source_texts",
        "events",
        "evidence",
        "entities",
        "aliases",
        "mentions",
        "mention_candidates",
        "event_entities",
        "tags",
        "taggings",
        "notes",
        "event_derived",
        "source_dates",
        "source_date_scans",
        "source_fts",
    ):
        assert before[name], f"the test case should have rows in {name}"


def test_the_audit_log_is_kept_and_the_import_appended(round_trip: tuple[Path, Path, Path]) -> None:
    original, exported, copy = round_trip
    before, after = table_rows(original)["audit_log"], table_rows(copy)["audit_log"]
    assert after[: len(before)] == before
    assert len(after) == len(before) + 1
    appended = after[-1]
    assert appended[2:6] == ("importer", "import case from JSON", "case", 1)
    assert json.loads(appended[7])["sha256"] == hashlib.sha256(exported.read_bytes()).hexdigest()


def test_originals_come_back_byte_for_byte_and_match_their_hashes(
    round_trip: tuple[Path, Path, Path],
) -> None:
    original, _exported, copy = round_trip
    with CaseStore.open(original) as a, CaseStore.open(copy) as b:
        assert [s.id for s in a.list_sources()] == [s.id for s in b.list_sources()]
        for source in a.list_sources():
            data = b.original_bytes(source.id)
            assert data == a.original_bytes(source.id)
            assert hashlib.sha256(data).hexdigest() == b.source(source.id).sha256
        assert b.verify().ok
        assert b.search("פיונגיאנג").total == a.search("פיונגיאנג").total >= 1  # the index was rebuilt
        landing = b.events.get(1)
        assert landing.evidence[0].quote == HEBREW_QUOTE and landing.disputed


def test_the_file_documents_itself(round_trip: tuple[Path, Path, Path]) -> None:
    _original, exported, _copy = round_trip
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["format"] == "threadline-case" and document["format_version"] == 1
    assert document["case_title"] == "Operation Night Flight"
    assert list(document["tables"]) == [table.name for table in case_tables()]
    assert not NOT_EXPORTED & document["tables"].keys()
    sources = document["tables"]["sources"]
    assert sources["columns"][0] == "id" and sources["rows"][0]["kind"] == "text"
    event = document["tables"]["events"]["rows"][0]
    assert event["created_at"].endswith("+00:00")


def test_import_refuses_an_existing_file_and_foreign_json(
    round_trip: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    original, exported, _copy = round_trip
    with pytest.raises(CaseFileError, match="already exists"):
        import_case_json(original, exported)
    other = tmp_path / "other.json"
    other.write_text('{"events": []}', encoding="utf-8")
    with pytest.raises(InvalidValue, match="not a Threadline case export"):
        import_case_json(tmp_path / "new.threadline", other)
    other.write_text("not json", encoding="utf-8")
    with pytest.raises(InvalidValue, match="not a JSON file"):
        import_case_json(tmp_path / "new.threadline", other)
    assert not (tmp_path / "new.threadline").exists()


def test_a_tampered_original_is_caught_and_nothing_is_left(
    round_trip: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _original, exported, _copy = round_trip
    document = json.loads(exported.read_text(encoding="utf-8"))
    row = document["tables"]["originals"]["rows"][0]
    row["data"] = "dGFtcGVyZWQ="  # "tampered": no longer the bytes its SHA-256 names
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(document), encoding="utf-8")
    target = tmp_path / "tampered.threadline"
    with pytest.raises(InvalidValue, match="does not recreate a sound case"):
        import_case_json(target, tampered)
    assert not list(tmp_path.glob("tampered.threadline*"))


def test_a_broken_reference_is_refused(round_trip: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _original, exported, _copy = round_trip
    document = json.loads(exported.read_text(encoding="utf-8"))
    document["tables"]["evidence"]["rows"][0]["source_id"] = 999
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InvalidValue, match="consistent case"):
        import_case_json(tmp_path / "broken.threadline", broken)
    assert not list(tmp_path.glob("broken.threadline*"))


def test_every_table_of_a_case_file_is_exported(tmp_path: Path) -> None:
    """A table added to the schema without a model would be left out of the export: fail here first."""
    with CaseStore.create(tmp_path / "new.threadline", title="Empty") as store:
        path = store.path
    names = {
        name for (name,) in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    tables = {table.name for table in case_tables()}
    assert {n for n in names if not n.startswith(("sqlite_", "source_fts_"))} == tables | NOT_EXPORTED


def test_a_cancelled_import_leaves_no_file(round_trip: tuple[Path, Path, Path], tmp_path: Path) -> None:
    from app.core.errors import Cancelled
    from app.core.progress import CancelToken, ProgressUpdate

    _original, exported, _copy = round_trip
    token = CancelToken()
    seen: list[str] = []

    def progress(update: ProgressUpdate) -> None:
        seen.append(update.current)
        if update.current == "evidence":  # half-way through the tables, inside the one transaction
            token.cancel()

    target = tmp_path / "cancelled.threadline"
    with pytest.raises(Cancelled):
        import_case_json(target, exported, progress=progress, cancel=token)
    assert "sources" in seen and "evidence" in seen
    assert not list(tmp_path.glob("cancelled.threadline*"))
