"""Creating, opening, refusing and upgrading case files: real SQLite files on disk."""

from __future__ import annotations

import hashlib
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.core.errors import CaseFileError
from app.store import CaseStore, schema
from app.store.engine import APPLICATION_ID

FIXTURES = Path(__file__).parent / "fixtures"


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_case_has_schema_pragmas_and_metadata(store: CaseStore, case_path: Path) -> None:
    info = store.case_info()
    assert (info.title, info.investigator, info.source_count) == ("Test case", "R. Analyst", 0)
    assert info.schema_revision == schema.head_revision()
    store.close()
    with sqlite3.connect(case_path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {
        "sources",
        "originals",
        "source_texts",
        "entities",
        "aliases",
        "mentions",
        "events",
        "evidence",
        "event_entities",
        "tags",
        "taggings",
        "notes",
        "audit_log",
        "source_fts",
    } <= tables


def test_every_connection_enforces_foreign_keys_and_full_sync(store: CaseStore) -> None:
    with store._engine.connect() as connection:  # white-box: the pragmas are per connection
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar_one() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 1000


def test_built_in_entity_types_exist(case_path: Path, store: CaseStore) -> None:
    store.close()
    with sqlite3.connect(case_path) as raw:
        keys = {row[0] for row in raw.execute("SELECT key FROM entity_types WHERE builtin")}
    assert keys == {"person", "organisation", "location", "equipment", "identifier", "other"}


def test_create_refuses_an_existing_file_and_leaves_it_alone(tmp_path: Path) -> None:
    existing = tmp_path / "notes.threadline"
    existing.write_text("my notes")
    with pytest.raises(CaseFileError, match="already exists"):
        CaseStore.create(existing, title="X")
    assert existing.read_text() == "my notes"


def test_create_in_an_unwritable_folder_explains_and_leaves_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if (folder / "probe").touch() is None and (folder / "probe").exists():
            pytest.skip("running as a user who can write anywhere")
    except PermissionError:
        pass
    finally:
        folder.chmod(0o700)
        (folder / "probe").unlink(missing_ok=True)
        folder.chmod(0o500)
    try:
        with pytest.raises(CaseFileError):
            CaseStore.create(folder / "case.threadline", title="X")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not an SQLite database"),
        (b"just some text, not a database", "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\x00" * 84, "damaged|not a Threadline case"),
    ],
)
def test_open_refuses_what_is_not_a_case(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "other.threadline"
    path.write_bytes(content)
    with pytest.raises(CaseFileError, match=message):
        CaseStore.open(path)
    assert path.read_bytes() == content


def test_open_refuses_another_programs_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE things (id INTEGER)")
    before = file_digest(path)
    with pytest.raises(CaseFileError, match="not a Threadline case file"):
        CaseStore.open(path)
    assert file_digest(path) == before


def test_open_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="No case file"):
        CaseStore.open(tmp_path / "nope.threadline")
    with pytest.raises(CaseFileError, match="is a folder"):
        CaseStore.open(tmp_path)


def test_open_refuses_a_case_from_a_newer_version_without_touching_it(
    store: CaseStore, case_path: Path
) -> None:
    store.close()
    with sqlite3.connect(case_path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = file_digest(case_path)
    with pytest.raises(CaseFileError, match="newer version of Threadline"):
        CaseStore.open(case_path)
    assert file_digest(case_path) == before
    assert not list(case_path.parent.glob("*.bak"))


def test_reopen_finds_everything(store: CaseStore, case_path: Path, add_text) -> None:  # type: ignore[no-untyped-def]
    source_id = add_text("Reopened text", title="Persisted")
    store.close()
    with CaseStore.open(case_path) as reopened:
        assert reopened.source(source_id).title == "Persisted"
        assert reopened.source_text(source_id) == "Reopened text"
        assert reopened.backup_made_on_upgrade is None


def _migrations_with_extra_revision(tmp_path: Path, upgrade_body: str) -> Path:
    """A copy of the shipped migrations plus one more revision: a real Alembic upgrade path to test."""
    migrations = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    body = textwrap.indent(textwrap.dedent(upgrade_body).strip(), "    ")
    lines = [
        "import sqlalchemy as sa",
        "from alembic import op",
        'revision = "9000"',
        f'down_revision = "{schema.head_revision()}"',
        "branch_labels = None",
        "depends_on = None",
        "def upgrade():",
        body,
        "def downgrade():",
        "    pass",
    ]
    (migrations / "versions" / "9000_next.py").write_text("\n".join(lines) + "\n")
    return migrations


def test_older_case_is_backed_up_then_upgraded(
    store: CaseStore,
    case_path: Path,
    tmp_path: Path,
    add_text,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    add_text("Text from an older schema", title="Old source")
    store.close()
    old_head = schema.head_revision()
    migrations = _migrations_with_extra_revision(
        tmp_path, 'op.add_column("sources", sa.Column("summary", sa.Text(), nullable=True))'
    )
    monkeypatch.setattr(schema, "MIGRATIONS", migrations)
    with CaseStore.open(case_path) as upgraded:
        assert upgraded.case_info().schema_revision == "9000"
        assert upgraded.backup_made_on_upgrade is not None
        backup = Path(upgraded.backup_made_on_upgrade)
        assert upgraded.list_sources()[0].title == "Old source"
    with sqlite3.connect(case_path) as raw:
        columns = {row[1] for row in raw.execute("PRAGMA table_info(sources)")}
    assert "summary" in columns
    with sqlite3.connect(backup) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == old_head
        assert raw.execute("SELECT title FROM sources").fetchone()[0] == "Old source"
    assert backup.name.startswith(f"{case_path.name}.schema-{old_head}.")


def test_failed_upgrade_changes_nothing(
    store: CaseStore,
    case_path: Path,
    tmp_path: Path,
    add_text,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    add_text("Text that must survive a failed upgrade", title="Survivor")
    store.close()
    head = schema.head_revision()
    migrations = _migrations_with_extra_revision(
        tmp_path,
        """
        op.add_column("sources", sa.Column("summary", sa.Text(), nullable=True))
        op.execute("CREATE TABLE half_done (id INTEGER)")
        op.execute("SELECT no_such_function()")
        """,
    )
    monkeypatch.setattr(schema, "MIGRATIONS", migrations)
    with pytest.raises(CaseFileError, match="nothing was changed"):
        CaseStore.open(case_path)
    with sqlite3.connect(case_path) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        columns = {row[1] for row in raw.execute("PRAGMA table_info(sources)")}
    assert "half_done" not in tables
    assert "summary" not in columns


def test_released_schema_fixtures_open(tmp_path: Path) -> None:
    """Every schema ever released must keep opening (and upgrading) in every later version."""
    fixtures = sorted(FIXTURES.glob("schema-*.threadline"))
    assert fixtures, "keep a case file of every released schema in tests/store/fixtures"
    for fixture in fixtures:
        copy = tmp_path / fixture.name
        shutil.copy(fixture, copy)
        with CaseStore.open(copy) as opened:
            assert opened.case_info().schema_revision == schema.head_revision()
            sources = opened.list_sources()
            assert sources, f"{fixture.name} should hold sample sources"
            assert opened.verify().ok
            assert opened.search("פיונגיאנג").total >= 1


def test_killed_writer_loses_nothing_committed(case_path: Path, store: CaseStore) -> None:
    """A process killed right after a commit (no close, no checkpoint) keeps what it committed."""
    store.close()
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from app.core.records import Extraction, SourceKind
        from app.store import CaseStore
        store = CaseStore.open({str(case_path)!r})
        for i in range(5):
            text = f"committed number {{i}}"
            store.add_source(text.encode(), Extraction(SourceKind.TEXT, "text/plain", text),
                             original_filename=f"{{i}}.txt")
        print("committed", flush=True)
        sys.stdin.readline()
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "committed"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    with CaseStore.open(case_path) as reopened:
        assert [s.title for s in reopened.list_sources()] == ["0", "1", "2", "3", "4"]
        assert reopened.verify().ok


def _case_with_a_source(folder: Path) -> tuple[Path, int]:
    from tests.conftest import text_extraction

    path = folder / "evidence.threadline"
    with CaseStore.create(path, title="Evidence copy") as store:
        text = "הַמָּטוֹס נחת בפיונגיאנג on 31 July 2023."
        added = store.add_source(text.encode(), text_extraction(text), original_filename="he.txt")
    return path, added.source_id


def _reads_everything_and_changes_nothing(path: Path, source_id: int) -> None:
    before = {p.name: file_digest(p) for p in path.parent.iterdir()}
    with CaseStore.open(path) as store:
        assert store.read_only
        assert store.source_text(source_id).startswith("הַמָּטוֹס")
        assert store.search("פיונגיאנג").total == 1
        report = store.verify()
        assert report.ok and report.not_checked and "read-only" in report.not_checked[0]
        with pytest.raises(CaseFileError, match=r"open read-only .* nothing was changed"):
            store.update_source(source_id, {"title": "Renamed"})
        with pytest.raises(CaseFileError, match="read-only"):
            store.events.create("An event", None)
        with pytest.raises(CaseFileError, match="read-only"), store.batch():
            pass
    assert {p.name: file_digest(p) for p in path.parent.iterdir()} == before  # no journal files either


def test_a_case_opened_read_only_reads_everything_and_refuses_changes(tmp_path: Path) -> None:
    path, source_id = _case_with_a_source(tmp_path)
    with CaseStore.open(path, read_only=True) as store:
        assert store.source(source_id).original_filename == "he.txt"
    before = file_digest(path)
    with CaseStore.open(path, read_only=True) as store, pytest.raises(CaseFileError, match="read-only"):
        store.update_case({"title": "Changed"})
    assert file_digest(path) == before


def test_a_case_on_a_read_only_mount_opens_read_only(tmp_path: Path) -> None:
    """The real thing: a write-protected bind mount (needs the right to mount; skipped without it)."""
    source_folder, mount = tmp_path / "files", tmp_path / "mount"
    source_folder.mkdir()
    mount.mkdir()
    path, source_id = _case_with_a_source(source_folder)
    mounted = subprocess.run(["mount", "--bind", str(source_folder), str(mount)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {mounted.stderr.decode().strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(mount)], check=True, capture_output=True)
        _reads_everything_and_changes_nothing(mount / path.name, source_id)
        (source_folder / (path.name + "-wal")).write_bytes(b"committed work left by a crash")
        with pytest.raises(CaseFileError, match="did not close cleanly"):
            CaseStore.open(mount / path.name)
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_case_whose_name_has_percent_signs_opens_where_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "Case%20files"  # as a URL, "%20" would be read as a space: another file
    path = folder / "Night 100%.threadline"
    with CaseStore.create(path, title="Percent") as store:
        assert store.case_info().title == "Percent"
    assert sorted(p.name for p in folder.iterdir()) == ["Night 100%.threadline"]
    with CaseStore.open(path) as store:
        assert store.case_info().title == "Percent"
