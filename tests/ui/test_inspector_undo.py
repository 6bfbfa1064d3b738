"""The inspector over a real case: metadata shown, edits committed through the undo stack, undone and redone
in the store and on screen, bad input refused inline, originals saved and shown without any request."""

from __future__ import annotations

import hashlib
import http.server
import stat
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QFontInfo, QGuiApplication, QKeyEvent, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTextEdit,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.core.records import Extraction, Reliability, SourceKind, SourceMetadata
from app.ingest.pipeline import import_paths
from app.store import CaseStore
from app.ui.inspector import InspectorDock
from app.ui.original_viewer import OriginalViewer, SafeTextBrowser, write_private_copy
from app.ui.store_bridge import StoreBridge
from app.ui.undo import EditFieldsCommand, apply_case_edit, apply_source_edit

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

TINY_PNG = (  # a 1×1 PNG, drawn inline from a data: URL
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAACXBIWXMAAA9hAAAPYQGoP6dpAAAADUlEQVQImWP4z8DwHwAFAAH"
    "/q842iQAAAABJRU5ErkJggg=="
)
HEBREW_TITLE = "דו״ח: מטוס Il-62M נחת בלילה"
HEBREW_HTML = f"""<!doctype html><html lang="he" dir="rtl"><head><meta charset="utf-8">
<title>{HEBREW_TITLE}</title></head><body><h1>{HEBREW_TITLE}</h1>
<p>המטוס נחת בשדה התעופה בשעה 02:40 לפי עדים.</p></body></html>"""


def add_source(
    store: CaseStore, title: str, data: bytes, kind: SourceKind = SourceKind.TEXT, **meta: str
) -> int:
    text = data.decode("utf-8", errors="replace") if kind != SourceKind.PDF else title
    extraction = Extraction(
        kind,
        "text/html" if kind == SourceKind.HTML else "text/plain",
        text.replace("\r", ""),
        SourceMetadata(title=title, **meta),
    )
    suffix = {SourceKind.HTML: ".html", SourceKind.PDF: ".pdf"}.get(kind, ".txt")
    return store.add_source(data, extraction, original_filename=f"original{suffix}").source_id


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CaseStore]:
    with CaseStore.create(tmp_path / "c.threadline", title="Inspector", actor="tester") as opened:
        yield opened


@pytest.fixture
def hebrew_id(store: CaseStore) -> int:
    return add_source(
        store,
        HEBREW_TITLE,
        HEBREW_HTML.encode(),
        SourceKind.HTML,
        language="he",
        url="https://news.example/il62",
        author="כתב הארץ",
        published="2023-07-31",
    )


@pytest.fixture
def english_id(store: CaseStore) -> int:
    return add_source(store, "Charter flight logs", b"Flight logs for July.\n", language="en")


@pytest.fixture
def bridge(store: CaseStore) -> Iterator[StoreBridge]:
    bridge = StoreBridge(store)
    yield bridge
    bridge.detach()


@pytest.fixture
def stack(gui_app: QApplication) -> QUndoStack:
    return QUndoStack()


@pytest.fixture
def inspector(
    gui_app: QApplication, qtbot: QtBot, store: CaseStore, bridge: StoreBridge, stack: QUndoStack
) -> InspectorDock:
    dock = InspectorDock(stack)
    qtbot.addWidget(dock)
    dock.resize(420, 900)
    dock.set_store(store, bridge)
    dock.show()
    qtbot.waitExposed(dock)
    return dock


def type_text(widget: QWidget, text: str) -> None:
    """Key events carrying the text (qtbot.keyClicks aborts on non-ASCII text on this stack)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def retype(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Focus the field, replace its text by typing, and press Enter."""
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    type_text(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


# --- showing ---------------------------------------------------------------------------------------------


def test_shows_the_metadata(
    inspector: InspectorDock, store: CaseStore, hebrew_id: int, qtbot: QtBot, screenshot
) -> None:  # type: ignore[no-untyped-def]
    inspector.show_source(hebrew_id)
    detail = store.source(hebrew_id)
    assert inspector.editors["title"].text() == HEBREW_TITLE
    assert inspector.editors["published"].text() == "2023-07-31"
    assert inspector.editors["author"].text() == "כתב הארץ"
    assert inspector.editors["url"].text() == "https://news.example/il62"
    assert inspector.editors["language"].text() == "he"
    assert inspector.language_name.text() == "Hebrew"
    assert inspector.reliability_combo.currentData() == "F"
    assert inspector.reliability_combo.currentText() == "F — Reliability cannot be judged"
    assert (
        inspector.sha256_edit.toPlainText()
        == detail.sha256
        == hashlib.sha256(HEBREW_HTML.encode()).hexdigest()
    )
    assert inspector.sha256_edit.isReadOnly()
    assert QFontInfo(inspector.sha256_edit.font()).fixedPitch()
    assert inspector.filename_label.text() == "original.html"
    assert inspector.media_type_label.text() == "text/html"
    assert inspector.size_label.text() == f"{detail.size} bytes"
    assert inspector.imported_label.text().endswith("by tester")
    assert inspector.kind_label.text() == f"Web page · source #{hebrew_id}"
    inspector.copy_sha256_button.click()
    assert QGuiApplication.clipboard().text() == detail.sha256
    qtbot.wait(50)  # let the scroll area lay the page out before grabbing it
    screenshot(inspector, "threadline-inspector.png")


def test_no_source_shows_a_hint(inspector: InspectorDock, hebrew_id: int) -> None:
    inspector.show_source(hebrew_id)
    inspector.show_source(None)
    assert inspector.source_id() is None
    assert inspector.empty_label.isVisible()


# --- edit, undo, redo ------------------------------------------------------------------------------------


def test_edit_undo_redo_through_the_stack(
    inspector: InspectorDock, store: CaseStore, stack: QUndoStack, hebrew_id: int, qtbot: QtBot
) -> None:
    inspector.show_source(hebrew_id)
    title = inspector.editors["title"]
    retype(qtbot, title, "דו״ח מעודכן")
    assert store.source(hebrew_id).title == "דו״ח מעודכן"
    assert stack.count() == 1
    assert stack.undoText() == f"Edit title of “{HEBREW_TITLE}”"
    assert title.text() == "דו״ח מעודכן"

    stack.undo()
    assert store.source(hebrew_id).title == HEBREW_TITLE
    qtbot.waitUntil(lambda: title.text() == HEBREW_TITLE)  # the store's change redraws the field

    stack.redo()
    assert store.source(hebrew_id).title == "דו״ח מעודכן"
    qtbot.waitUntil(lambda: title.text() == "דו״ח מעודכן")
    actions = [record.action for record in store.audit_log(object_type="source", object_id=hebrew_id)]
    assert actions[:3] == ["edit source", "edit source", "edit source"]  # edit, undo, redo: all audited


def test_published_date_is_normalised_and_undone(
    inspector: InspectorDock, store: CaseStore, stack: QUndoStack, hebrew_id: int, qtbot: QtBot
) -> None:
    inspector.show_source(hebrew_id)
    published = inspector.editors["published"]
    retype(qtbot, published, "1.8.2023")
    assert store.source(hebrew_id).published == "2023-08-01"
    assert published.text() == "2023-08-01"
    assert stack.undoText() == f"Edit published date of “{HEBREW_TITLE}”"
    stack.undo()
    qtbot.waitUntil(lambda: published.text() == "2023-07-31")
    assert store.source(hebrew_id).published == "2023-07-31"


def test_bad_date_shows_the_message_and_changes_nothing(
    inspector: InspectorDock, store: CaseStore, stack: QUndoStack, hebrew_id: int, qtbot: QtBot
) -> None:
    inspector.show_source(hebrew_id)
    audit_before = store.audit_log()
    published = inspector.editors["published"]
    retype(qtbot, published, "31 Febtember")
    error = inspector.errors["published"]
    assert error.isVisible()
    assert error.text().startswith("“31 Febtember” is not a date Threadline can read")
    assert published.text() == "2023-07-31"  # back to what the case holds
    assert store.source(hebrew_id).published == "2023-07-31"
    assert stack.count() == 0
    assert store.audit_log() == audit_before
    retype(qtbot, published, "2023-07")
    assert not error.isVisible()
    assert store.source(hebrew_id).published == "2023-07"


def test_empty_title_is_refused_and_empty_author_clears_it(
    inspector: InspectorDock, store: CaseStore, hebrew_id: int, qtbot: QtBot
) -> None:
    inspector.show_source(hebrew_id)
    retype(qtbot, inspector.editors["title"], " ")
    assert inspector.errors["title"].text() == "A source needs a title."
    assert inspector.editors["title"].text() == HEBREW_TITLE
    retype(qtbot, inspector.editors["author"], "")
    assert store.source(hebrew_id).author is None


def test_reliability_and_notes(
    inspector: InspectorDock, store: CaseStore, stack: QUndoStack, english_id: int, qtbot: QtBot
) -> None:
    inspector.show_source(english_id)
    combo = inspector.reliability_combo
    combo.setCurrentIndex(combo.findData("B"))
    combo.activated.emit(combo.currentIndex())
    assert store.source(english_id).reliability == Reliability.B
    assert stack.undoText() == "Edit reliability of “Charter flight logs”"
    notes = inspector.notes_edit
    notes.setFocus()
    type_text(notes, "Checked against ")
    type_text(notes, "ערוץ 12")
    inspector.editors["author"].setFocus()  # leaving the notes commits them
    qtbot.waitUntil(lambda: store.source(english_id).notes == "Checked against ערוץ 12")
    assert stack.count() == 2
    stack.undo()
    stack.undo()
    qtbot.waitUntil(lambda: combo.currentData() == "F" and notes.toPlainText() == "")
    assert store.source(english_id).reliability == Reliability.F
    assert store.source(english_id).notes == ""


def test_escape_puts_the_field_back(
    inspector: InspectorDock, store: CaseStore, english_id: int, qtbot: QtBot
) -> None:
    inspector.show_source(english_id)
    author = inspector.editors["author"]
    author.setFocus()
    type_text(author, "Someone")
    qtbot.keyClick(author, Qt.Key.Key_Escape)
    assert author.text() == ""
    author.clearFocus()
    assert store.source(english_id).author is None


def test_typing_is_committed_before_switching_source(
    inspector: InspectorDock, store: CaseStore, hebrew_id: int, english_id: int
) -> None:
    inspector.show_source(english_id)
    publisher = inspector.editors["publisher"]
    publisher.setFocus()
    type_text(publisher, "Flight Desk")
    inspector.show_source(hebrew_id)
    assert store.source(english_id).publisher == "Flight Desk"
    assert inspector.editors["publisher"].text() == ""


def test_a_change_made_elsewhere_redraws_the_shown_source(
    inspector: InspectorDock, store: CaseStore, english_id: int, qtbot: QtBot
) -> None:
    inspector.show_source(english_id)
    store.update_source(english_id, {"language": "RU", "title": "Переименовано"})
    qtbot.waitUntil(lambda: inspector.editors["title"].text() == "Переименовано")
    assert inspector.editors["language"].text() == "ru"
    assert inspector.language_name.text() == "Russian"


def test_a_change_does_not_overwrite_what_is_being_typed(
    inspector: InspectorDock, store: CaseStore, english_id: int, qtbot: QtBot
) -> None:
    inspector.show_source(english_id)
    author = inspector.editors["author"]
    author.setFocus()
    type_text(author, "half-typed")
    store.update_source(english_id, {"title": "Renamed meanwhile"})
    qtbot.waitUntil(lambda: inspector.editors["title"].text() == "Renamed meanwhile")
    assert author.text() == "half-typed"


def test_commands_wrap_store_edits(store: CaseStore, stack: QUndoStack, english_id: int) -> None:
    edit = apply_source_edit(stack, store, english_id, {"author": "A. Writer", "publisher": "Desk"})
    assert edit.changed and stack.undoText() == "Edit 2 fields of “Charter flight logs”"
    command = stack.command(0)
    assert isinstance(command, EditFieldsCommand) and command.edit == edit
    unchanged = apply_source_edit(stack, store, english_id, {"author": "A. Writer"})
    assert not unchanged.changed and stack.count() == 1  # nothing changed, nothing to undo
    apply_case_edit(stack, store, {"notes": "Case notes"})
    assert stack.undoText() == "Edit notes of the case"
    stack.undo()
    assert store.case_info().notes == ""
    stack.undo()
    assert store.source(english_id).author is None
    stack.redo()
    stack.redo()
    assert store.source(english_id).publisher == "Desk"
    assert store.case_info().notes == "Case notes"


# --- originals -------------------------------------------------------------------------------------------


def test_save_original_writes_the_exact_bytes(
    inspector: InspectorDock, hebrew_id: int, tmp_path: Path
) -> None:
    inspector.show_source(hebrew_id)
    target = tmp_path / "saved.html"
    inspector.save_original_to(target)
    assert target.read_bytes() == HEBREW_HTML.encode()


class CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012 -- shared with the test on purpose

    def do_GET(self) -> None:
        CountingHandler.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def loopback() -> Iterator[str]:
    CountingHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_html_original_is_shown_without_any_request(
    inspector: InspectorDock, store: CaseStore, loopback: str, qtbot: QtBot, screenshot
) -> None:
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>מעקב</title>
    <link rel="stylesheet" href="{loopback}/style.css"></head>
    <body background="{loopback}/bg.png"><p>פיקסל מעקב:</p><img src="{loopback}/img.png" width="1" height="1">
    <img src="file://127.0.0.1/share/leak.png"><a href="{loopback}/link">קישור</a>
    <img src="data:image/png;base64,{TINY_PNG}"></body></html>"""
    source_id = add_source(store, "מעקב", page.encode(), SourceKind.HTML)
    # prove the server counts: one direct request, then reset
    import urllib.request

    urllib.request.urlopen(f"{loopback}/probe").close()
    assert CountingHandler.requests == ["/probe"]
    CountingHandler.requests.clear()

    inspector.show_source(source_id)
    viewer = inspector.open_original()
    assert isinstance(viewer, OriginalViewer)
    qtbot.waitExposed(viewer)
    browser = viewer.browser
    assert isinstance(browser, SafeTextBrowser)
    browser.grab()  # paint: every resource the document wants is asked for now
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=browser.cursorRect().center())
    qtbot.wait(300)
    assert CountingHandler.requests == []
    assert f"{loopback}/img.png" in browser.blocked
    assert "file://127.0.0.1/share/leak.png" in browser.blocked  # a file-share path is a request too
    assert not any(url.startswith("data:") for url in browser.blocked)  # inline images are drawn
    assert "Remote content blocked" in viewer.banner.text()
    assert "פיקסל מעקב" in browser.toPlainText()
    browser.anchorClicked.emit(QUrl(f"{loopback}/link"))  # as a click on the link would
    qtbot.wait(100)
    assert CountingHandler.requests == []
    assert viewer.link_label.text() == f"Link not followed: {loopback}/link"
    screenshot(viewer, "threadline-original-viewer.png")
    viewer.close()


def test_email_original_shows_headers_and_body(
    inspector: InspectorDock, store: CaseStore, tmp_path: Path, qtbot: QtBot, screenshot
) -> None:
    mail = tmp_path / "tip.eml"
    mail.write_bytes(make_email())
    [outcome, attachment] = import_paths(store, [mail], imported_by="tester", workers=1)
    assert outcome.source_id is not None and attachment.source_id is not None
    inspector.show_source(outcome.source_id)
    assert "Attachments:" in inspector.related_label.text()
    assert f"source:{attachment.source_id}" in inspector.related_label.text()
    with qtbot.waitSignal(inspector.source_requested) as requested:
        inspector.related_label.linkActivated.emit(f"source:{attachment.source_id}")
    assert requested.args == [attachment.source_id]
    viewer = inspector.open_original()
    assert viewer is not None
    text = viewer.browser.toPlainText()
    assert "From:" in text and "מקור אנונימי" in text and "המטוס יצא ממינסק" in text
    body = viewer.browser.document().find("המטוס יצא ממינסק").block()
    assert body.blockFormat().layoutDirection() == Qt.LayoutDirection.RightToLeft
    screenshot(viewer, "threadline-original-email.png")
    viewer.close()
    inspector.show_source(attachment.source_id)
    assert "Attached to" in inspector.related_label.text()
    assert f"source:{outcome.source_id}" in inspector.related_label.text()


DEFAULT_DOCK_WIDTH = 333  # a quarter of a 1280-pixel window, as the first-run layout gives it


def shown_text(widget: QWidget) -> str:
    if isinstance(widget, (QLabel, QLineEdit)):
        return widget.text()
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return widget.toPlainText()
    return ""


def assert_fully_shown(widget: QWidget, viewport: QWidget) -> None:
    """Inside the scroll area's width (it scrolls only vertically) and not scrolled within itself."""
    left = widget.mapTo(viewport, QPoint(0, 0)).x()
    assert left >= 0 and left + widget.width() <= viewport.width(), (
        f"{widget.objectName() or type(widget).__name__} spans {left}..{left + widget.width()}, "
        f"the dock shows 0..{viewport.width()}"
    )
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        assert widget.verticalScrollBar().maximum() == 0, f"{widget.objectName()} hides lines"
        assert widget.horizontalScrollBar().maximum() == 0, f"{widget.objectName()} hides columns"


def test_email_hashes_are_shown_whole_at_the_default_width(
    inspector: InspectorDock, store: CaseStore, tmp_path: Path, qtbot: QtBot, screenshot
) -> None:  # type: ignore[no-untyped-def]
    """An investigator reads and copies every digest: the e-mail's own and each listed attachment's, all
    64 digits on screen, with the Copy button and every field inside the dock's width."""
    message = EmailMessage()
    message["From"] = "Source <src@example.org>"
    message["To"] = "inv@example.org"
    message["Subject"] = "Фото Ил-62М в Пхеньяне"
    message["Date"] = "Tue, 01 Aug 2023 10:00:00 +0300"
    message["Message-ID"] = "<20230801100000.a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6@mail.example.org>"
    message.set_content("Фото во вложении.\n")
    attachments = {
        "note.txt": b"Il-62M P-885 seen at Sunan, 25 July 2023.\n",
        "IMG_20230725_sunan_airport_apron_il62m_p885.png": b"\x89PNG\r\n\x1a\n" + bytes(100),
        "מניפסט_טיסה.txt": "נוסעים: 12\n".encode(),
    }
    for filename, data in attachments.items():
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=filename)
    mail = tmp_path / "mail.eml"
    mail.write_bytes(message.as_bytes())
    [outcome, *_] = import_paths(store, [mail], imported_by="tester", workers=1)
    assert outcome.source_id is not None
    inspector.resize(DEFAULT_DOCK_WIDTH, 900)
    inspector.show_source(outcome.source_id)
    qtbot.wait(50)  # let the scroll area lay the page out
    scroll = inspector.findChild(QScrollArea)
    assert scroll is not None
    viewport = scroll.viewport()
    page = scroll.widget()
    assert page.width() <= viewport.width()

    sha256 = store.source(outcome.source_id).sha256
    assert shown_text(inspector.sha256_edit) == sha256
    assert_fully_shown(inspector.sha256_edit, viewport)
    assert_fully_shown(inspector.copy_sha256_button, viewport)
    inspector.copy_sha256_button.click()
    assert QGuiApplication.clipboard().text() == sha256

    fields = [child for child in page.findChildren(QWidget) if child.isVisibleTo(page) and shown_text(child)]
    for field in fields:
        assert_fully_shown(field, viewport)
    texts = [shown_text(field) for field in fields]
    for filename, data in attachments.items():
        digest = hashlib.sha256(data).hexdigest()
        assert any(text == digest for text in texts), f"{filename}'s SHA-256 is not shown on its own"
        assert any(filename in text for text in texts)
    copy_buttons = page.findChildren(QToolButton, "inspector_copy_attachment_sha256")
    assert len(copy_buttons) == 3
    [hebrew] = [
        field
        for field in page.findChildren(QTextEdit, "inspector_attachment")
        if "מניפסט" in shown_text(field)
    ]
    direction = hebrew.document().begin().blockFormat().layoutDirection()
    assert direction == Qt.LayoutDirection.LeftToRight, "the line reads in the interface's direction"
    for button, data in zip(copy_buttons, attachments.values(), strict=True):
        assert_fully_shown(button, viewport)
        button.click()
        assert QGuiApplication.clipboard().text() == hashlib.sha256(data).hexdigest()
    screenshot(inspector, "threadline-inspector-email.png")


def make_email() -> bytes:
    message = EmailMessage()
    message["From"] = "מקור אנונימי <tip@example.org>"
    message["To"] = "desk@example.org"
    message["Subject"] = "טיסה לילית"
    message["Date"] = "Mon, 31 Jul 2023 02:40:00 +0300"
    message["Message-ID"] = "<tip-1@example.org>"
    message.set_content("המטוס יצא ממינסק בשעה 23:10.\n")
    message.add_attachment(
        b"Manifest: 12 passengers\n", maintype="text", subtype="plain", filename="manifest.txt"
    )
    return message.as_bytes()


class UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_other_originals_go_to_the_system_as_read_only_copies(
    inspector: InspectorDock, store: CaseStore, gui_app: QApplication
) -> None:
    data = b"%PDF-1.4\n% not really a pdf, but the bytes are what matter\n"
    source_id = add_source(store, "Manifest scan", data, SourceKind.PDF)
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")  # stands in for the system's file opener
    try:
        inspector.show_source(source_id)
        assert inspector.open_original() is None
    finally:
        QDesktopServices.unsetUrlHandler("file")
    [url] = catcher.urls
    path = Path(url.toLocalFile())
    assert path.suffix == ".pdf" and path.name.startswith(f"{source_id}-")
    assert path.read_bytes() == data
    assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IRWXG | stat.S_IRWXO)  # read-only, ours alone
    assert write_private_copy(store, source_id) == path  # the same copy is reused


def test_a_page_named_like_a_pdf_still_opens_inside(store: CaseStore, gui_app: QApplication) -> None:
    extraction = Extraction(SourceKind.HTML, "text/html", "x", SourceMetadata(title="sneaky"))
    source_id = store.add_source(
        b"<html><body>x</body></html>", extraction, original_filename="report.pdf"
    ).source_id
    copy = write_private_copy(store, source_id)
    assert copy.suffix == ".html"  # the kind decides, never the file's own name


def test_an_edit_during_an_import_waits_its_turn(
    inspector: InspectorDock, store: CaseStore, english_id: int, tmp_path: Path, qtbot: QtBot
) -> None:
    from app.ui.import_controller import ImportController

    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(80):
        (folder / f"n{number}.txt").write_text(f"Note {number} on the flight.\n" * 40, encoding="utf-8")
    controller = ImportController(inspector)
    controller.set_store(store)
    inspector.show_source(english_id)
    try:
        with qtbot.waitSignal(controller.import_finished, timeout=120_000):
            controller.import_paths([folder])
            qtbot.waitUntil(lambda: store.count_sources() > 1, timeout=60_000)
            retype(qtbot, inspector.editors["author"], "Edited mid-import")
        assert store.source(english_id).author == "Edited mid-import"
    finally:
        controller.set_store(None)
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() in ("import_summary", "import_progress"):
                widget.close()
