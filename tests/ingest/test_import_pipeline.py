"""The import pipeline against real case files on disk: folders, duplicates, failures, cancels, workers."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import psutil
import pytest

from app.core.progress import CancelToken, ProgressUpdate
from app.core.records import ImportOutcome, ImportStatus, SourceKind
from app.ingest.limits import Limits
from app.ingest.pipeline import (
    CHANGED_REASON,
    SMALL_BATCH,
    _Writer,
    collect_paths,
    display_name,
    import_note,
    import_paths,
)
from app.ingest.worker import extract_file
from app.store import CaseStore
from tests.ingest.ingest_samples import (
    ARABIC,
    ENGLISH,
    HEBREW,
    RUSSIAN,
    make_docx,
    make_email,
    make_pdf,
)


def table_counts(case: Path) -> dict[str, int]:
    """Rows per table, read straight from the SQLite file (what is really there, not what the API says)."""
    with sqlite3.connect(case) as raw:
        names = [row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: raw.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def statuses(outcomes: list[ImportOutcome]) -> list[tuple[str, ImportStatus]]:
    return [(Path(outcome.path).name, outcome.status) for outcome in outcomes]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "material"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a-hebrew.txt").write_bytes(HEBREW.encode("cp1255"))
    (root / "sub" / "b-russian.md").write_text(f"# Мост\n\n{RUSSIAN}\n", encoding="utf-8")
    (root / "sub" / "deeper" / "c-arabic.html").write_text(
        f'<html lang="ar"><head><title>جسر</title></head><body><p>{ARABIC}</p></body></html>',
        encoding="utf-8",
    )
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[core]\n")
    (root / ".hidden.txt").write_text("hidden")
    (root / "sub" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    os.mkfifo(root / "sub" / "pipe")
    return root


def test_collect_paths_recurses_in_order_and_skips_hidden_loops_and_pipes(tree: Path) -> None:
    skipped: list[Path] = []
    found = collect_paths([tree], skipped)
    assert sorted(path.relative_to(tree).as_posix() for path in skipped) == [
        ".git",
        ".hidden.txt",
        "sub/.DS_Store",
    ]
    assert [path.relative_to(tree).as_posix() for path in found] == [
        "a-hebrew.txt",
        "sub/b-russian.md",
        "sub/deeper/c-arabic.html",
    ]
    explicit = collect_paths([tree / ".hidden.txt", tree / "a-hebrew.txt", tree])
    assert explicit[:2] == [tree / ".hidden.txt", tree / "a-hebrew.txt"] and len(explicit) == 4


def test_folder_tree_import(tree: Path, store: CaseStore) -> None:
    updates: list[ProgressUpdate] = []
    outcomes = import_paths(store, [tree], imported_by="tester", progress=updates.append)
    assert statuses(outcomes) == [
        ("a-hebrew.txt", ImportStatus.IMPORTED),
        ("b-russian.md", ImportStatus.IMPORTED),
        ("c-arabic.html", ImportStatus.IMPORTED),
        (".git", ImportStatus.SKIPPED),
        (".hidden.txt", ImportStatus.SKIPPED),
        (".DS_Store", ImportStatus.SKIPPED),
    ]
    assert outcomes[3].reason == "hidden folder, skipped with all it holds (name it to import it)"
    assert outcomes[4].reason == "hidden file, skipped (name it to import it)"
    assert [(u.done, u.total) for u in updates] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert updates[-1].current == str(tree / "sub" / "deeper" / "c-arabic.html")
    sources = {source.id: source for source in store.list_sources()}
    assert {(s.kind, s.language) for s in sources.values()} == {
        (SourceKind.TEXT, "he"),
        (SourceKind.MARKDOWN, "ru"),
        (SourceKind.HTML, "ar"),
    }
    hebrew_id = outcomes[0].source_id
    assert hebrew_id is not None
    assert store.source_text(hebrew_id) == HEBREW
    assert store.original_bytes(hebrew_id) == HEBREW.encode("cp1255")
    detail = store.source(hebrew_id)
    assert detail.original_filename == "a-hebrew.txt" and detail.imported_by == "tester"
    assert detail.extra["encoding"] == "windows-1255"
    assert store.verify().ok


def test_duplicates_name_the_source_that_holds_the_bytes(tree: Path, store: CaseStore) -> None:
    first = import_paths(store, [tree / "a-hebrew.txt"], imported_by="tester")
    original_id = first[0].source_id
    (tree / "copy-of-a.txt").write_bytes((tree / "a-hebrew.txt").read_bytes())
    (tree / "twin-1.txt").write_text("Twins arrive together.")
    (tree / "twin-2.txt").write_text("Twins arrive together.")
    outcomes = import_paths(store, [tree], imported_by="tester")
    by_name = {Path(outcome.path).name: outcome for outcome in outcomes}
    for name in ("a-hebrew.txt", "copy-of-a.txt"):
        assert by_name[name].status is ImportStatus.DUPLICATE
        assert by_name[name].source_id == original_id
        assert by_name[name].reason == f"same bytes as source #{original_id}"
    assert by_name["twin-1.txt"].status is ImportStatus.IMPORTED
    assert by_name["twin-2.txt"].status is ImportStatus.DUPLICATE
    assert by_name["twin-2.txt"].reason == f"same bytes as source #{by_name['twin-1.txt'].source_id}"
    assert len(store.list_sources()) == 4


def test_a_failing_file_in_the_middle_leaves_no_trace(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "1-good.txt").write_text(ENGLISH)
    (folder / "2-broken.pdf").write_bytes(make_pdf([ENGLISH])[:500])
    (folder / "3-good.txt").write_text(RUSSIAN)
    with_failure, without = tmp_path / "with.threadline", tmp_path / "without.threadline"
    for case in (with_failure, without):
        CaseStore.create(case, title="t", actor="tester").close()
    before = table_counts(with_failure)
    with CaseStore.open(with_failure, actor="tester") as store:
        outcomes = import_paths(store, [folder], imported_by="tester")
    assert statuses(outcomes) == [
        ("1-good.txt", ImportStatus.IMPORTED),
        ("2-broken.pdf", ImportStatus.FAILED),
        ("3-good.txt", ImportStatus.IMPORTED),
    ]
    assert outcomes[1].reason.startswith("corrupt or unreadable PDF: ") and outcomes[1].source_id is None
    with CaseStore.open(without, actor="tester") as store:
        import_paths(store, [folder / "1-good.txt", folder / "3-good.txt"], imported_by="tester")
    after = table_counts(with_failure)
    assert after == table_counts(without)  # row for row what the two good files alone produce
    assert after["sources"] == before["sources"] + 2
    assert after["originals"] == before["originals"] + 2


def test_a_file_changed_after_reading_is_not_stored(
    tmp_path: Path, store: CaseStore, case_path: Path
) -> None:
    path = tmp_path / "moving.txt"
    path.write_text(ENGLISH)
    result = extract_file(str(path), Limits())
    path.write_text(ENGLISH + " Updated later.")
    before = table_counts(case_path)
    writer = _Writer(store, "tester", None, Limits())
    (outcome,) = writer.write_file(path, result)
    assert (outcome.status, outcome.reason) == (ImportStatus.FAILED, CHANGED_REASON)
    assert table_counts(case_path) == before


def test_a_refusal_by_the_store_leaves_no_trace(tree: Path, store: CaseStore, case_path: Path) -> None:
    before = table_counts(case_path)
    outcomes = import_paths(store, [tree], imported_by="tester", published="in the spring")
    assert {outcome.status for outcome in outcomes} == {ImportStatus.FAILED, ImportStatus.SKIPPED}
    assert all(outcome.reason for outcome in outcomes)
    assert table_counts(case_path) == before


def test_published_overrides_what_files_say(tmp_path: Path, store: CaseStore) -> None:
    mail = tmp_path / "mail.eml"
    mail.write_bytes(make_email(plain=ENGLISH, attachments=[("n.txt", RUSSIAN.encode(), "text/plain")]))
    outcomes = import_paths(store, [mail], imported_by="tester", published="2023-08-01")
    assert [outcome.status for outcome in outcomes] == [ImportStatus.IMPORTED] * 2
    assert {source.published for source in store.list_sources()} == {"2023-08-01"}


def test_email_attachments_become_linked_sources(tmp_path: Path, store: CaseStore) -> None:
    mail = tmp_path / "mail.eml"
    report = make_pdf([ENGLISH, HEBREW])
    mail.write_bytes(
        make_email(
            plain=HEBREW,
            attachments=[
                ("report.pdf", report, "application/pdf"),
                ("notes.txt", RUSSIAN.encode("cp1251"), "text/plain"),
                ("broken.pdf", b"%PDF-1.7\n garbage", "application/pdf"),
                ("empty.txt", b"", "text/plain"),
            ],
        )
    )
    outcomes = import_paths(store, [mail], imported_by="tester")
    shown = display_name(mail)
    assert [(o.path, o.status, o.parent_path) for o in outcomes] == [
        (shown, ImportStatus.IMPORTED, None),
        (f"{shown} › report.pdf", ImportStatus.IMPORTED, shown),
        (f"{shown} › notes.txt", ImportStatus.IMPORTED, shown),
        (f"{shown} › broken.pdf", ImportStatus.FAILED, shown),
        (f"{shown} › empty.txt", ImportStatus.FAILED, shown),
    ]
    assert outcomes[3].reason.startswith("corrupt or unreadable PDF: ")
    assert outcomes[4].reason == "empty file"
    mail_id, report_id, notes_id = (outcome.source_id for outcome in outcomes[:3])
    assert mail_id is not None and report_id is not None and notes_id is not None
    assert [child.id for child in store.children_of(mail_id)] == [report_id, notes_id]
    report_detail = store.source(report_id)
    assert report_detail.parent_id == mail_id and report_detail.original_filename == "report.pdf"
    assert store.original_bytes(report_id) == report
    assert len(report_detail.page_starts) == 2
    assert store.source_text(notes_id) == RUSSIAN
    assert store.source(mail_id).title == "דוח: גשר חדש נפתח"


def test_an_attachment_in_a_format_not_read_is_skipped_not_failed(tmp_path: Path, store: CaseStore) -> None:
    """A photo in an e-mail is no failure: its bytes stay in the e-mail's original (and its SHA-256 in
    the e-mail's attachment list); the import says it was not read as a source."""
    mail = tmp_path / "mail.eml"
    photo = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    mail.write_bytes(make_email(plain=ENGLISH, attachments=[("photo.png", photo, "image/png")]))
    outcomes = import_paths(store, [mail], imported_by="tester")
    assert [o.status for o in outcomes] == [ImportStatus.IMPORTED, ImportStatus.SKIPPED]
    assert outcomes[1].reason.startswith("unsupported file type: .png; kept inside the original of ")
    mail_id = outcomes[0].source_id
    assert mail_id is not None and store.children_of(mail_id) == []
    listed = store.source(mail_id).extra["Attachments"]
    assert listed == f"photo.png ({len(photo)} bytes, SHA-256 {hashlib.sha256(photo).hexdigest()})"


def test_reimporting_an_email_reports_only_the_email_as_duplicate(tmp_path: Path, store: CaseStore) -> None:
    mail = tmp_path / "mail.eml"
    mail.write_bytes(make_email(plain="x", attachments=[("n.txt", b"note", "text/plain")]))
    import_paths(store, [mail], imported_by="tester")
    again = import_paths(store, [mail], imported_by="tester")
    assert [outcome.status for outcome in again] == [ImportStatus.DUPLICATE]


def _mixed_corpus(folder: Path, count: int) -> Path:
    folder.mkdir()
    makers = [
        lambda n: (f"{n:02}.txt", f"{HEBREW} {n}".encode("cp1255")),
        lambda n: (f"{n:02}.md", f"# {n}\n\n{RUSSIAN}".encode()),
        lambda n: (f"{n:02}.html", f"<html><body><p>{ARABIC} {n}</p></body></html>".encode()),
        lambda n: (f"{n:02}.pdf", make_pdf([f"{ENGLISH} {n}", RUSSIAN])),
        lambda n: (f"{n:02}.docx", make_docx([f"Title {n}", HEBREW])),
        lambda n: (
            f"{n:02}.eml",
            make_email(plain=f"{ENGLISH} {n}", attachments=[("a.txt", b"same", "text/plain")]),
        ),
        lambda n: (f"{n:02}-bad.pdf", b"%PDF-1.4 truncated"),
    ]
    for number in range(count):
        name, data = makers[number % len(makers)](number)
        (folder / name).write_bytes(data)
    return folder


def _case_snapshot(store: CaseStore) -> list[tuple[object, ...]]:
    snapshot = []
    for summary in store.list_sources():
        detail = store.source(summary.id)
        snapshot.append(
            (
                detail.id,
                detail.title,
                detail.kind,
                detail.language,
                detail.published,
                detail.sha256,
                detail.parent_id,
                detail.original_filename,
                detail.page_starts,
                store.source_text(detail.id),
            )
        )
    return snapshot


def test_parallel_workers_give_the_same_case_as_one(tmp_path: Path) -> None:
    corpus = _mixed_corpus(tmp_path / "corpus", 3 * SMALL_BATCH)
    results = {}
    for workers in (1, 2):
        with CaseStore.create(tmp_path / f"w{workers}.threadline", title="t", actor="tester") as store:
            outcomes = import_paths(store, [corpus], imported_by="tester", workers=workers)
            results[workers] = (outcomes, _case_snapshot(store))
    assert results[1] == results[2]
    outcomes = results[2][0]
    assert sum(o.status is ImportStatus.FAILED for o in outcomes) == 3
    assert sum(o.status is ImportStatus.DUPLICATE for o in outcomes) == 2  # "a.txt" in the 2nd and 3rd e-mail


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_between_files_keeps_what_finished(tmp_path: Path, workers: int) -> None:
    total = 2 * SMALL_BATCH + 2
    corpus = tmp_path / "notes"
    corpus.mkdir()
    for number in range(total):
        (corpus / f"{number:02}.txt").write_text(f"{ENGLISH} Note {number}.")
    cancel = CancelToken()

    def cancel_after_three(update: ProgressUpdate) -> None:
        if update.done == 3:
            cancel.cancel()

    case = tmp_path / "case.threadline"
    with CaseStore.create(case, title="t", actor="tester") as store:
        outcomes = import_paths(
            store, [corpus], imported_by="tester", progress=cancel_after_three, cancel=cancel, workers=workers
        )
        assert [o.status for o in outcomes[:3]] == [ImportStatus.IMPORTED] * 3
        assert outcomes[3] == ImportOutcome(
            "(import cancelled)",
            ImportStatus.FAILED,
            reason=f"cancelled by the user; {total - 3} of {total} files were not imported",
        )
        assert len(outcomes) == 4
        assert [store.source_text(s.id) for s in store.list_sources()] == [
            f"{ENGLISH} Note {n}." for n in range(3)
        ]
        assert store.verify().ok


def test_a_killed_worker_costs_no_file(tmp_path: Path) -> None:
    corpus = _mixed_corpus(tmp_path / "corpus", 2 * SMALL_BATCH)
    killed: list[int] = []

    def kill_workers_once(update: ProgressUpdate) -> None:
        if update.done == 1 and not killed:
            for child in psutil.Process().children(recursive=True):
                if "spawn_main" in " ".join(child.cmdline()):
                    child.kill()
                    killed.append(child.pid)

    with CaseStore.create(tmp_path / "case.threadline", title="t", actor="tester") as store:
        outcomes = import_paths(store, [corpus], imported_by="tester", progress=kill_workers_once, workers=2)
        crashed = _case_snapshot(store)
    with CaseStore.create(tmp_path / "calm.threadline", title="t", actor="tester") as store:
        calm_outcomes = import_paths(store, [corpus], imported_by="tester", workers=1)
        calm = _case_snapshot(store)
    assert killed
    assert outcomes == calm_outcomes and crashed == calm


def test_the_case_file_itself_is_never_imported(tmp_path: Path) -> None:
    case = tmp_path / "case.threadline"
    (tmp_path / "note.txt").write_text(ENGLISH)
    with CaseStore.create(case, title="t", actor="tester") as store:
        outcomes = import_paths(store, [tmp_path, case], imported_by="tester")
        assert [(Path(o.path).name, o.status) for o in outcomes] == [("note.txt", ImportStatus.IMPORTED)]


def test_paths_that_cannot_be_read(tmp_path: Path, store: CaseStore) -> None:
    outcomes = import_paths(store, [tmp_path / "missing.txt", tmp_path / "gone-folder"], imported_by="tester")
    assert [(o.status, o.reason) for o in outcomes] == [
        (ImportStatus.FAILED, "file not found (moved or deleted?)"),
        (ImportStatus.FAILED, "file not found (moved or deleted?)"),
    ]


def test_file_names_that_are_not_utf8(tmp_path: Path, store: CaseStore) -> None:
    folder = tmp_path / "from-windows"
    folder.mkdir()
    raw_name = "שלום.txt".encode("cp1255")
    with open(os.path.join(os.fsencode(folder), raw_name), "wb") as stream:
        stream.write(ENGLISH.encode())
    (outcome,) = import_paths(store, [folder], imported_by="tester")
    escaped = "\\xf9\\xec\\xe5\\xed.txt"
    assert outcome.status is ImportStatus.IMPORTED
    assert outcome.path == f"{folder}/{escaped}"
    assert (
        outcome.reason
        == f"file name is not valid UTF-8; stored as “{escaped}” (probably “שלום.txt” in windows-1255)"
    )
    assert outcome.source_id is not None
    assert store.source(outcome.source_id).original_filename == escaped
    outcome.path.encode("utf-8")  # printable and storable as it is


def test_pasted_note(store: CaseStore) -> None:
    outcome = import_note(store, f"  {HEBREW}\r\nשורה שנייה  ", imported_by="tester")
    assert outcome.status is ImportStatus.IMPORTED and outcome.source_id is not None
    detail = store.source(outcome.source_id)
    assert detail.kind is SourceKind.NOTE and detail.language == "he"
    assert store.source_text(outcome.source_id) == f"{HEBREW}\nשורה שנייה"
    assert import_note(store, " \n ", imported_by="tester").reason == "the note is empty"


def test_workers_end_when_the_importing_process_is_killed(tmp_path: Path) -> None:
    """``kill -9`` of an import must not leave its worker processes behind (they blocked on a pipe for
    ever, holding memory): each one ends by itself once its parent is gone."""
    import signal
    import subprocess
    import sys
    import textwrap
    import time

    import psutil

    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(400):
        (folder / f"{number:03}.txt").write_text(f"{ENGLISH} {number}\n" * 400, encoding="utf-8")
    script = textwrap.dedent(
        f"""
        from app.ingest.pipeline import import_paths
        from app.store import CaseStore
        store = CaseStore.create({str(tmp_path / "case.threadline")!r}, title="t")
        import_paths(store, [{str(folder)!r}], imported_by="t", workers=2)
        """
    )
    importer = subprocess.Popen([sys.executable, "-c", script])
    parent = psutil.Process(importer.pid)
    workers: list[psutil.Process] = []
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and importer.poll() is None:
        workers = [
            c for c in parent.children(recursive=True) if "resource_tracker" not in " ".join(c.cmdline())
        ]
        time.sleep(0.05)
    assert len(workers) >= 2, "the import ended before its workers could be seen"
    importer.send_signal(signal.SIGKILL)
    importer.wait()
    _gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"workers still running after their parent was killed: {alive}"
