"""Show a source's original file without letting it reach out.

A saved web page or an e-mail can carry a tracking pixel, a remote style sheet or a link to a file share;
opening it in a browser or mail client would tell whoever sent it that, when and from where the
investigator read it. So HTML and e-mail originals are shown here, in ``SafeTextBrowser``: it answers
every resource request with nothing (only ``data:`` URLs, which carry their content inline, are drawn),
follows no link, runs no script (Qt's rich text has none), and says so in a banner.

Other originals (PDF, Word, text) are handed to the system's application for their type, but only when the
user asks: the exact bytes go to a private, read-only temporary file with an extension chosen from the
source's kind (never from the file's own name), and ``QDesktopServices.openUrl`` opens that file.
"""

from __future__ import annotations

import atexit
import html
import logging
import os
import shutil
import stat
import tempfile
from contextlib import suppress
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import ThreadlineError
from app.core.records import SourceDetail, SourceKind
from app.store import CaseStore
from app.ui.fonts import reader_font
from app.ui.reader import paragraph_direction
from app.ui.sources_model import plural

log = logging.getLogger(__name__)

#: Kinds shown inside Threadline; every other kind opens in the system's application.
INTERNAL_KINDS = frozenset({SourceKind.HTML, SourceKind.EMAIL})

# Chosen from the kind, never from the original's name: a page named "report.pdf" must not reach a browser,
# and Markdown goes out as plain text so no previewer fetches its images.
_EXTENSIONS = {
    SourceKind.TEXT: ".txt",
    SourceKind.MARKDOWN: ".txt",
    SourceKind.NOTE: ".txt",
    SourceKind.PDF: ".pdf",
    SourceKind.DOCX: ".docx",
    SourceKind.HTML: ".html",
    SourceKind.EMAIL: ".eml",
}
_EMAIL_HEADERS = ("From", "To", "Cc", "Date", "Subject")
_NAME_CHARS = 60


class SafeTextBrowser(QTextBrowser):
    """A rich-text view that loads nothing from anywhere and follows no link."""

    link_clicked = Signal(str)  # the URL of a link the user clicked (not followed)
    resource_blocked = Signal(str)  # the URL of something the document asked for and did not get

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setReadOnly(True)
        self.blocked: list[str] = []  # every URL the document asked for, in order
        self.anchorClicked.connect(lambda url: self.link_clicked.emit(url.toString()))

    def loadResource(self, kind: int, url: QUrl) -> object:
        """Refuse everything but inline ``data:`` URLs.

        Returning an empty (but not null) value matters: for a null one, ``QTextDocument`` would go on to
        read local and UNC paths itself, and a ``file://server/share/x.png`` is a network request.
        """
        if url.scheme().lower() == "data":
            return None  # decoded from the URL itself by QTextDocument; nothing is fetched
        self.blocked.append(url.toString())
        self.resource_blocked.emit(url.toString())
        return QByteArray()

    def doSetSource(self, name: QUrl, kind: QTextDocument.ResourceType) -> None:
        """Navigation is off: a source is never loaded by URL."""


class OriginalViewer(QDialog):
    """A window showing one HTML or e-mail original, with the remote-content banner above it."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("original_viewer")
        self.setWindowTitle(self.tr("Original of “{title}”").format(title=title))
        self.resize(820, 640)
        self.banner = QLabel(self._banner_text())
        self.banner.setObjectName("remote_content_banner")
        self.banner.setWordWrap(True)
        self.link_label = QLabel()
        self.link_label.setWordWrap(True)
        self.link_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.link_label.hide()
        self.browser = SafeTextBrowser(self)
        self.browser.setFont(reader_font())
        self.browser.link_clicked.connect(self._show_link)
        self.browser.resource_blocked.connect(self._count_blocked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self._banner_frame())
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.link_label)
        layout.addWidget(buttons)

    def _banner_text(self, count: int = 0) -> str:
        text = "<b>" + html.escape(self.tr("Remote content blocked")) + "</b> — "
        text += html.escape(
            self.tr("images, styles and links are never loaded, so no one learns that this was opened.")
        )
        if count:
            text += " " + html.escape(plural(self.tr("%n item(s) blocked.", "", count), count))
        return text

    def _banner_frame(self) -> QFrame:
        frame = QFrame(self)
        frame.setObjectName("remote_content_frame")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame.setAutoFillBackground(True)
        palette = frame.palette()
        palette.setColor(QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.ToolTipBase))
        palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.ToolTipText))
        frame.setPalette(palette)
        row = QHBoxLayout(frame)
        row.setContentsMargins(8, 6, 8, 6)
        row.addWidget(self.banner, 1)
        return frame

    def show_html(self, markup: str) -> None:
        self.browser.blocked.clear()
        self.browser.setHtml(markup)  # laid out as a browser would: direction only where the page says
        self._count_blocked()

    def _count_blocked(self) -> None:
        """Images ask when they are first drawn, so the count grows as the page is looked at."""
        self.banner.setText(self._banner_text(len(set(self.browser.blocked))))

    def _show_link(self, url: str) -> None:
        self.link_label.setText(self.tr("Link not followed: {url}").format(url=url))
        self.link_label.show()


# --- what "Open original" does -------------------------------------------------------------------------


def _tr(text: str) -> str:
    return QCoreApplication.translate("OriginalViewer", text)


def open_original(store: CaseStore, source_id: int, parent: QWidget | None = None) -> OriginalViewer | None:
    """Show the original: in a safe viewer (returned, already shown) or in the system's application.

    Raises ``ThreadlineError`` with a message for the user when the system cannot open it.
    """
    detail = store.source(source_id)
    if detail.kind in INTERNAL_KINDS:
        viewer = OriginalViewer(detail.title, parent)
        viewer.show_html(original_as_html(detail, store.original_bytes(source_id)))
        viewer.show()
        return viewer
    path = write_private_copy(store, source_id)
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        raise ThreadlineError(
            _tr(
                "No application is set up to open {suffix} files. "
                "A read-only copy of the original is at {path}."
            ).format(suffix=path.suffix, path=path)
        )
    return None


def original_as_html(detail: SourceDetail, data: bytes) -> str:
    """The markup to show for an HTML or e-mail original."""
    if detail.kind == SourceKind.EMAIL:
        return email_as_html(data)
    from app.ingest.html import decode_html  # parsers load on first use, not at start-up

    decoded, _warnings = decode_html(data)
    return decoded.text


def email_as_html(data: bytes) -> str:
    """The message's main headers, then its HTML body, or its plain-text body as preformatted text."""
    from app.ingest.email import parse_message, part_text

    message = parse_message(data)
    rows = []
    for name in _EMAIL_HEADERS:
        try:
            value = message.get(name)
        except (ValueError, TypeError, IndexError, AttributeError):  # a header the parser cannot model
            value = None
        if value:
            rows.append(
                f"<tr><th align='left'>{html.escape(name)}:&nbsp;</th><td>{html.escape(str(value))}</td></tr>"
            )
    head = f"<table cellspacing='2'>{''.join(rows)}</table><hr/>"
    body = message.get_body(preferencelist=("html", "plain"))
    if body is None:
        return head
    content = part_text(body)
    if body.get_content_subtype() == "html":
        return head + content
    return head + plain_text_as_html(content)


def plain_text_as_html(text: str) -> str:
    """Each line a paragraph in the direction of its first strong character, as mail clients show text."""
    paragraphs = []
    direction = "ltr"
    for line in text.replace("\r\n", "\n").split("\n"):
        found = paragraph_direction(line)
        if found is not None:
            direction = "rtl" if found == Qt.LayoutDirection.RightToLeft else "ltr"
        shown = html.escape(line) or "&nbsp;"
        paragraphs.append(f"<p dir='{direction}' style='margin: 0; white-space: pre-wrap'>{shown}</p>")
    return "".join(paragraphs)


# --- private read-only copies for the system's applications ---------------------------------------------

_private_folder: Path | None = None


def private_folder() -> Path:
    """One folder per run, readable by this user only, removed when Threadline exits."""
    global _private_folder
    if _private_folder is None or not _private_folder.is_dir():
        _private_folder = Path(tempfile.mkdtemp(prefix="threadline-originals-"))
        atexit.register(_remove_folder, _private_folder)
    return _private_folder


def _remove_folder(folder: Path) -> None:
    for path in folder.glob("*"):
        with suppress(OSError):
            path.chmod(stat.S_IRUSR | stat.S_IWUSR)  # Windows refuses to delete read-only files
    shutil.rmtree(folder, ignore_errors=True)


def copy_name(detail: SourceDetail) -> str:
    """``12-report.pdf``: the source number, a tidy stem of the original name, the kind's extension."""
    stem = Path(detail.original_filename or "").stem or detail.title
    tidy = "".join(char if char.isalnum() or char in "-_ " else "_" for char in stem).strip()[:_NAME_CHARS]
    return f"{detail.id}-{tidy or 'original'}{_EXTENSIONS[detail.kind]}"


def write_private_copy(store: CaseStore, source_id: int) -> Path:
    """Write the original's exact bytes to a read-only file in ``private_folder()``; return its path."""
    detail = store.source(source_id)
    data = store.original_bytes(source_id)
    path = private_folder() / copy_name(detail)
    try:
        if path.exists():
            if path.read_bytes() == data:
                return path
            path.chmod(stat.S_IRUSR | stat.S_IWUSR)
            path.unlink()
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        path.chmod(stat.S_IRUSR)
    except OSError as exc:
        raise ThreadlineError(
            _tr("Cannot write a copy of the original to {path}: {reason}.").format(
                path=path, reason=exc.strerror or exc
            )
        ) from exc
    return path
