"""The store's changes reach Qt in the GUI thread, in commit order, whichever thread wrote them."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.records import Change, ChangeKind, Extraction, SourceKind, SourceMetadata
from app.store import CaseStore
from app.ui.store_bridge import StoreBridge


def extraction(text: str, title: str) -> Extraction:
    return Extraction(SourceKind.TEXT, "text/plain", text, SourceMetadata(title=title, language="en"))


def add(store: CaseStore, text: str) -> int:
    return store.add_source(text.encode(), extraction(text, text), original_filename=None).source_id


class Recorder:
    def __init__(self) -> None:
        self.changes: list[Change] = []
        self.threads: list[QThread] = []

    def __call__(self, change: Change) -> None:
        self.changes.append(change)
        self.threads.append(QThread.currentThread())


def test_change_from_the_gui_thread_is_delivered_queued(
    gui_app: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    with CaseStore.create(tmp_path / "c.threadline", title="Bridge") as store:
        bridge = StoreBridge(store)
        seen = Recorder()
        bridge.changed.connect(seen)
        source_id = add(store, "first")
        assert seen.changes == []  # queued: not inside the store call
        qtbot.waitUntil(lambda: len(seen.changes) == 1)
        assert seen.changes == [Change(ChangeKind.ADDED, "source", (source_id,))]
        store.update_source(source_id, {"title": "renamed"})
        qtbot.waitUntil(lambda: len(seen.changes) == 2)
        assert seen.changes[1] == Change(ChangeKind.UPDATED, "source", (source_id,))
        bridge.detach()


def test_changes_from_a_worker_thread_arrive_in_the_gui_thread_in_order(
    gui_app: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    with CaseStore.create(tmp_path / "c.threadline", title="Bridge") as store:
        bridge = StoreBridge(store)
        seen = Recorder()
        bridge.changed.connect(seen)
        written: list[int] = []
        worker = threading.Thread(target=lambda: written.extend(add(store, f"text {i}") for i in range(25)))
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(seen.changes) == 25)
        assert [change.ids[0] for change in seen.changes] == written
        gui_thread = QCoreApplication.instance().thread()
        assert all(thread is gui_thread for thread in seen.threads)
        bridge.detach()


def test_detach_drops_changes_not_yet_delivered(gui_app: QApplication, qtbot: QtBot, tmp_path: Path) -> None:
    with CaseStore.create(tmp_path / "c.threadline", title="Bridge") as store:
        bridge = StoreBridge(store)
        seen = Recorder()
        bridge.changed.connect(seen)
        add(store, "posted before detach")
        bridge.detach()
        bridge.detach()  # twice is harmless
        add(store, "after detach")
        qtbot.wait(50)
        assert seen.changes == []
        assert store._listeners == []


def test_a_deleted_bridge_never_fails_the_writer(gui_app: QApplication, qtbot: QtBot, tmp_path: Path) -> None:
    with CaseStore.create(tmp_path / "c.threadline", title="Bridge") as store:
        bridge = StoreBridge(store)
        on_change = bridge._on_change
        bridge.deleteLater()
        qtbot.waitUntil(lambda: not _alive(bridge))
        store.subscribe(on_change)  # as if the writer still held it while the bridge went away
        add(store, "still written")
        assert store.count_sources() == 1


def _alive(obj: object) -> bool:
    from shiboken6 import isValid

    return isValid(obj)
