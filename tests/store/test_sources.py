"""Adding, reading, editing and verifying sources in a real case file."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from app.core.errors import CaseFileError, InvalidValue, NotFound
from app.core.records import Change, ChangeKind, Extraction, Reliability, SourceKind, SourceMetadata
from app.store import CaseStore


def row_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as raw:
        tables = ["sources", "originals", "source_texts", "source_fts", "audit_log"]
        return {table: raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}


def test_original_bytes_kept_exactly_with_their_hash(store: CaseStore) -> None:
    original = "שלום\r\nעולם\u200b".encode("windows-1255", errors="ignore") + b"\x00\xff raw tail"
    extraction = Extraction(SourceKind.TEXT, "text/plain", "שלום\nעולם")
    added = store.add_source(original, extraction, original_filename="hello.txt", imported_by="tester")
    detail = store.source(added.source_id)
    assert store.original_bytes(added.source_id) == original
    assert detail.sha256 == hashlib.sha256(original).hexdigest()
    assert detail.size == len(original)
    assert (detail.title, detail.original_filename, detail.language) == ("hello", "hello.txt", "he")
    assert store.source_text(added.source_id) == "שלום\nעולם"


def test_same_bytes_twice_are_one_source(store: CaseStore, case_path: Path) -> None:
    extraction = Extraction(SourceKind.TEXT, "text/plain", "once")
    first = store.add_source(b"once", extraction, original_filename="a.txt")
    counts = row_counts(case_path)
    second = store.add_source(b"once", extraction, original_filename="copy-of-a.txt")
    assert (second.source_id, second.duplicate) == (first.source_id, True)
    assert store.source_id_for_sha256(hashlib.sha256(b"once").hexdigest()) == first.source_id
    assert row_counts(case_path) == counts


def test_metadata_from_extraction_and_user_overrides(store: CaseStore) -> None:
    extraction = Extraction(
        SourceKind.HTML,
        "text/html",
        "Body",
        SourceMetadata(
            title="Found title", author="Found author", published="2023-07-31", url="https://x.test/a"
        ),
    )
    added = store.add_source(
        b"<html>", extraction, original_filename="a.html", overrides=SourceMetadata(published="2023-08")
    )
    detail = store.source(added.source_id)
    assert (detail.title, detail.author, detail.published, detail.url) == (
        "Found title",
        "Found author",
        "2023-08",
        "https://x.test/a",
    )
    assert detail.reliability is Reliability.F


def test_unreadable_extracted_date_is_kept_aside_not_invented(store: CaseStore) -> None:
    extraction = Extraction(SourceKind.HTML, "text/html", "Body", SourceMetadata(published="Tuesday-ish"))
    detail = store.source(store.add_source(b"x", extraction, original_filename="x.html").source_id)
    assert detail.published is None
    assert detail.extra["published_as_found"] == "Tuesday-ish"


def test_invalid_user_date_fails_and_leaves_no_trace(store: CaseStore, case_path: Path) -> None:
    before = row_counts(case_path)
    with pytest.raises(InvalidValue, match="not a date"):
        store.add_source(
            b"y",
            Extraction(SourceKind.TEXT, "text/plain", "y"),
            original_filename="y.txt",
            overrides=SourceMetadata(published="31 Febtember"),
        )
    assert row_counts(case_path) == before


def test_attachment_needs_an_existing_parent_and_failure_is_atomic(store: CaseStore, case_path: Path) -> None:
    before = row_counts(case_path)
    with pytest.raises(NotFound):
        store.add_source(
            b"z", Extraction(SourceKind.TEXT, "text/plain", "z"), original_filename="z", parent_id=999
        )
    assert row_counts(case_path) == before


def test_unnormalised_text_is_a_programming_error(store: CaseStore) -> None:
    with pytest.raises(ValueError, match="normalised"):
        store.add_source(b"q", Extraction(SourceKind.TEXT, "text/plain", "a\r\nb"), original_filename="q")


def test_edit_metadata_is_audited_and_undoable(store: CaseStore, add_text) -> None:  # type: ignore[no-untyped-def]
    source_id = add_text("Some report", title="Original title")
    edit = store.update_source(
        source_id, {"title": "Better title", "reliability": "b", "published": "2023-07"}
    )
    assert edit.before == {"title": "Original title", "reliability": Reliability.F, "published": None}
    detail = store.source(source_id)
    assert (detail.title, detail.reliability, detail.published) == ("Better title", Reliability.B, "2023-07")
    assert store.search("better").total == 1  # the search index follows title edits
    store.update_source(source_id, edit.before)  # undo
    assert store.source(source_id).title == "Original title"
    assert store.search("better").total == 0
    actions = [(entry.action, entry.object_id) for entry in store.audit_log()]
    assert actions[:3] == [
        ("edit source", source_id),
        ("edit source", source_id),
        ("import source", source_id),
    ]
    assert store.audit_log()[1].after == {"title": "Better title", "reliability": "B", "published": "2023-07"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reliability": "Z"}, "A to F"),
        ({"title": "   "}, "needs a title"),
        ({"published": "next week"}, "not a date"),
        ({"language": "he brew!"}, "language code"),
        ({"sha256": "0" * 64}, "cannot be edited"),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(store: CaseStore, add_text, changes, message) -> None:  # type: ignore[no-untyped-def]
    source_id = add_text("Unchanged", title="Unchanged")
    before = store.source(source_id)
    with pytest.raises(InvalidValue, match=message):
        store.update_source(source_id, changes)
    assert store.source(source_id) == before


def test_audit_log_is_append_only(store: CaseStore, case_path: Path, add_text) -> None:  # type: ignore[no-untyped-def]
    add_text("x")
    with sqlite3.connect(case_path) as raw, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("UPDATE audit_log SET actor = 'someone else'")
    with sqlite3.connect(case_path) as raw, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("DELETE FROM audit_log")


def test_subscribers_hear_committed_changes(store: CaseStore, add_text) -> None:  # type: ignore[no-untyped-def]
    heard: list[Change] = []
    store.subscribe(heard.append)
    source_id = add_text("news")
    store.update_source(source_id, {"notes": "checked with the desk"})
    store.update_source(source_id, {"notes": "checked with the desk"})  # no change, no notification
    assert heard == [
        Change(ChangeKind.ADDED, "source", (source_id,)),
        Change(ChangeKind.UPDATED, "source", (source_id,)),
    ]


def test_lists_sort_filter_and_page(store: CaseStore, add_text) -> None:  # type: ignore[no-untyped-def]
    ids = [
        add_text(text, title=title)
        for text, title in [("a", "Zebra report"), ("בעברית", 'דו"ח'), ("b", "alpha memo")]
    ]
    assert store.source_ids(order_by="title") == [ids[2], ids[0], ids[1]]
    assert store.source_ids(order_by="title", descending=True)[0] == ids[1]
    assert store.source_ids(language="he") == [ids[1]]
    assert store.source_ids(text="REPORT") == [ids[0]]
    assert store.count_sources(text="100%_") == 0  # LIKE wildcards are escaped
    assert [s.id for s in store.source_summaries([ids[2], ids[0]])] == [ids[2], ids[0]]
    with pytest.raises(InvalidValue):
        store.source_ids(order_by="sha256; drop table sources")


def test_missing_source_is_a_clear_error(store: CaseStore) -> None:
    with pytest.raises(NotFound, match="no source #42"):
        store.source(42)


def test_verify_passes_then_names_tampering(store: CaseStore, case_path: Path, add_text) -> None:  # type: ignore[no-untyped-def]
    first = add_text("first original")
    second = add_text("second original")
    report = store.verify()
    assert report.ok and report.sources_checked == 2
    with sqlite3.connect(case_path) as raw:
        raw.execute(
            "UPDATE originals SET data = ? WHERE sha256 = (SELECT sha256 FROM sources WHERE id = ?)",
            (b"tampered", first),
        )
        raw.execute("DELETE FROM source_fts WHERE rowid = ?", (second,))
    report = store.verify()
    details = " | ".join(problem.detail for problem in report.problems)
    assert not report.ok
    assert f"source #{first}: original has SHA-256" in details
    assert f"source #{second} is missing from the search index" in details


def test_verify_names_quotes_and_mentions_that_no_longer_match_their_text(
    store: CaseStore,
    case_path: Path,
    add_text,  # type: ignore[no-untyped-def]
) -> None:
    from app.store.events import NewEvidence

    text = "The Il-62M landed in Pyongyang on 31 July 2023 after a stop in Vladivostok."
    source_id = add_text(text)
    start = text.index("Pyongyang")
    store.events.create("Landing", "2023-07-31", evidence=[NewEvidence(source_id, 0, 30, credibility=2)])
    entity = store.entities.add("location", "Pyongyang")
    store.entities.tag(source_id, start, start + len("Pyongyang"), entity.id)
    assert store.verify().ok
    with sqlite3.connect(case_path) as raw:
        raw.execute('UPDATE evidence SET start = start + 5, "end" = "end" + 5')
        raw.execute("UPDATE source_texts SET text = replace(text, 'Pyongyang', 'Pjöngjang')")
    report = store.verify()
    details = " | ".join(problem.detail for problem in report.problems)
    assert not report.ok
    assert {problem.what for problem in report.problems} == {"quote", "mention"}
    assert f"no longer matches characters 5–35 of source #{source_id}" in details
    assert f"of source #{source_id}" in details and "mention #" in details


def test_save_copy_is_a_complete_case(store: CaseStore, tmp_path: Path, add_text) -> None:  # type: ignore[no-untyped-def]
    source_id = add_text("copied text", title="Copied")
    copy = tmp_path / "copy.threadline"
    store.save_copy(copy)
    with CaseStore.open(copy) as opened:
        assert opened.source(source_id).title == "Copied"
        assert opened.search("copied").total == 1


def test_batch_commits_once_keeps_each_write_atomic_and_tells_after_commit(
    store: CaseStore,
    case_path: Path,
) -> None:
    heard: list[Change] = []
    store.subscribe(heard.append)
    with store.batch():
        first = store.add_source(
            b"one", Extraction(SourceKind.TEXT, "text/plain", "one alpha"), original_filename="1"
        )
        with pytest.raises(NotFound):  # a failing write inside the batch ...
            store.add_source(
                b"two",
                Extraction(SourceKind.TEXT, "text/plain", "two alpha"),
                original_filename="2",
                parent_id=99,
            )
        third = store.add_source(
            b"three", Extraction(SourceKind.TEXT, "text/plain", "3 alpha"), original_filename="3"
        )
        assert heard == []  # nothing is told before the commit
        assert row_counts(case_path)["sources"] == 0  # another connection sees nothing yet
    assert row_counts(case_path)["sources"] == 2  # ... leaves no trace, and the others land
    assert row_counts(case_path)["originals"] == 2
    assert heard == [Change(ChangeKind.ADDED, "source", (first.source_id, third.source_id))]
    assert [hit.source_id for hit in store.search("alpha").hits] == [first.source_id, third.source_id]
    assert store.search("two").total == 0  # the failed write left nothing in the index either
    assert store.verify().ok


def test_a_batch_indexes_its_sources_as_one_index_segment(store: CaseStore, case_path: Path) -> None:
    """FTS5 writes its pending entries out at every savepoint: a batch indexes its sources together at
    the commit, so 50 sources make one small index segment, not 50 (and no merging of them)."""
    with store.batch():
        for number in range(50):
            text = f"report {number} about Pyongyang"
            store.add_source(
                text.encode(), Extraction(SourceKind.TEXT, "text/plain", text), original_filename="r"
            )
    with sqlite3.connect(case_path) as raw:
        index_rows = raw.execute("SELECT count(*) FROM source_fts_data").fetchone()[0]
    assert index_rows == 3  # the averages, the structure record, one leaf (7 when merged from 50 segments)
    assert store.search("Pyongyang").total == 50


def test_a_title_edited_in_the_batch_that_added_the_source_is_indexed(store: CaseStore) -> None:
    with store.batch():
        added = store.add_source(
            b"x", Extraction(SourceKind.TEXT, "text/plain", "body"), original_filename="x"
        )
        store.update_source(added.source_id, {"title": "Renamed Zanzibar"})
    assert [hit.source_id for hit in store.search("Zanzibar").hits] == [added.source_id]
    assert store.search("x").total == 0  # the old title is not in the index


def test_an_unexpected_error_in_a_batch_keeps_what_was_finished(store: CaseStore, case_path: Path) -> None:
    with pytest.raises(RuntimeError), store.batch():
        store.add_source(b"kept", Extraction(SourceKind.TEXT, "text/plain", "kept"), original_filename="k")
        raise RuntimeError("a bug in the caller")
    assert [s.title for s in store.list_sources()] == ["k"]
    assert store.search("kept").total == 1  # indexed with it
    assert store.verify().ok


def test_save_copy_into_a_missing_folder_is_explained(store: CaseStore, tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="does not exist"):
        store.save_copy(tmp_path / "no such folder" / "copy.threadline")


def test_an_edit_on_another_thread_waits_for_a_batch_instead_of_failing(store: CaseStore, add_text) -> None:  # type: ignore[no-untyped-def]
    import threading
    import time

    source_id = add_text("edited while an import writes", title="Before")
    store.source(source_id)  # a read on this thread first: the case a deferred transaction gets wrong
    in_batch, release = threading.Event(), threading.Event()

    def importer() -> None:
        with store.batch():
            store.add_source(
                b"batched", Extraction(SourceKind.TEXT, "text/plain", "b"), original_filename="b"
            )
            in_batch.set()
            release.wait(10)

    worker = threading.Thread(target=importer)
    worker.start()
    assert in_batch.wait(10)
    threading.Timer(0.3, release.set).start()
    started = time.monotonic()
    store.update_source(source_id, {"title": "After"})  # waits for the batch's commit, then lands
    waited = time.monotonic() - started
    worker.join(10)
    assert store.source(source_id).title == "After"
    assert 0.2 < waited < 5
    assert store.count_sources() == 2


def test_import_stores_the_sources_date_expressions_at_once(store: CaseStore, case_path: Path) -> None:
    text = "ב-31 ביולי 2023 נחת המטוס בפיונגיאנג, ובאוגוסט חזר."
    extraction = Extraction(SourceKind.TEXT, "text/plain", text, SourceMetadata(published="2023-08-02"))
    source_id = store.add_source(text.encode(), extraction, original_filename="he.txt").source_id
    with sqlite3.connect(case_path) as raw:
        stored = raw.execute(
            "SELECT count(*) FROM source_dates WHERE source_id = ?", (source_id,)
        ).fetchone()[0]
    assert stored >= 2
    dates = {record.text: record.edtf for record in store.events.dates_in(source_id)}
    assert dates["31 ביולי 2023"] == "2023-07-31"


def test_a_reliability_change_moves_the_confidence_of_events_quoting_the_source(
    store: CaseStore, add_text
) -> None:  # type: ignore[no-untyped-def]
    from app.store.events import NewEvidence

    source_id = add_text("The Il-62M landed in Pyongyang on 31 July 2023.", title="Wire")
    edit = store.events.create(
        "Landing", "2023-07-31", evidence=[NewEvidence(source_id, 0, 20, credibility=1)]
    )
    event_id = edit.object_id
    before = store.events.get(event_id).suggested_confidence
    heard: list[Change] = []
    store.subscribe(heard.append)
    store.update_source(source_id, {"reliability": "A"})
    after = store.events.get(event_id).suggested_confidence
    assert before != after
    assert Change(ChangeKind.UPDATED, "event", (event_id,)) in heard


def test_changes_by_another_program_are_noticed_and_own_changes_are_not(
    store: CaseStore, case_path: Path, add_text
) -> None:  # type: ignore[no-untyped-def]
    source_id = add_text("first text")
    assert not store.changed_elsewhere()  # its own writes
    with CaseStore.open(case_path, actor="terminal") as other:  # e.g. `threadline import` meanwhile
        assert not other.changed_elsewhere()
        other.add_source(
            b"b", Extraction(SourceKind.TEXT, "text/plain", "second text"), original_filename="b"
        )
        assert store.changed_elsewhere()
        store.acknowledge_changes()
        assert not store.changed_elsewhere()
        with store.batch():
            store.add_source(b"c", Extraction(SourceKind.TEXT, "text/plain", "third"), original_filename="c")
        assert not store.changed_elsewhere()
        assert other.changed_elsewhere()  # and the other way round
        other.update_source(source_id, {"title": "Edited in the terminal"})
        store.update_source(source_id, {"notes": "edited here after that"})  # its own write comes later ...
        assert store.changed_elsewhere()  # ... but does not hide the other program's change
