"""Which importer reads a file: by what its bytes are first, by its extension second.

Content wins because files arrive misnamed (a PDF saved as ``.bin``, a web page as ``.txt``, an e-mail
without an extension); the extension decides only for formats whose content has no signature (plain
text, Markdown). Everything a user can get wrong ends in an ``ImportRejected`` with a one-line reason.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath
from typing import Protocol

from app.core.errors import ImportRejected, UnsupportedFormat
from app.core.records import Extraction, SourceKind
from app.ingest.docx import DOCX
from app.ingest.email import EMAIL
from app.ingest.html import HTML
from app.ingest.limits import Limits, human_size
from app.ingest.markdown import MARKDOWN
from app.ingest.pdf import PDF
from app.ingest.text import TEXT

EMPTY_REASON = "empty file"
_EMAIL_SNIFF_BYTES = 16_384


class Importer(Protocol):
    kind: SourceKind
    media_types: tuple[str, ...]
    extensions: tuple[str, ...]  # lower-case, with the dot; "" for files without an extension

    def extract(self, data: bytes, filename: str | None, limits: Limits) -> Extraction: ...


IMPORTERS: tuple[Importer, ...] = (PDF, DOCX, EMAIL, HTML, MARKDOWN, TEXT)

# Formats people will try, with what to do instead.
_HINTS = {
    ".doc": "old Word format; save it as .docx",
    ".rtf": "save it as .docx or .txt",
    ".odt": "save it as .docx",
    ".msg": "Outlook message; save it as .eml",
    ".mbox": "a mailbox; export the messages as .eml files",
    ".pages": "save it as .docx",
    ".xls": "spreadsheets are not supported; save the sheet as .csv",
    ".xlsx": "spreadsheets are not supported; save the sheet as .csv",
}


def importer_for(data: bytes, filename: str | None) -> Importer:
    """The importer for these bytes, or ``ImportRejected`` saying why none fits."""
    if not data:
        raise ImportRejected(EMPTY_REASON)
    sniffed = _sniff(data, _extension(filename))
    if sniffed is not None:
        return sniffed
    extension = _extension(filename)
    for importer in IMPORTERS:
        if extension in importer.extensions:
            return importer
    hint = _HINTS.get(extension)
    raise UnsupportedFormat(f"unsupported file type: {extension}" + (f" ({hint})" if hint else ""))


def extract_bytes(data: bytes, filename: str | None, limits: Limits) -> Extraction:
    """Check the size limit, choose the importer and extract: the one entry point for raw bytes."""
    if len(data) > limits.max_file_bytes:
        raise ImportRejected(too_large(len(data), limits))
    return importer_for(data, filename).extract(data, filename, limits)


def too_large(size: int, limits: Limits) -> str:
    return f"file too large: {human_size(size)} (limit {human_size(limits.max_file_bytes)})"


def _extension(filename: str | None) -> str:
    return PurePath(filename).suffix.lower() if filename else ""


def _sniff(data: bytes, extension: str) -> Importer | None:
    if b"%PDF-" in data[:1024]:
        return PDF
    if data.startswith(b"PK\x03\x04") and _is_word_archive(data):
        return DOCX
    head = _head_text(data)
    if _looks_like_email(data[:_EMAIL_SNIFF_BYTES]):
        return EMAIL
    if _STRONG_HTML.match(head):
        return HTML
    if _WEAK_HTML.match(head) and (not extension or extension not in MARKDOWN.extensions + TEXT.extensions):
        return HTML
    return None


def _is_word_archive(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return False


def _head_text(data: bytes) -> str:
    """The first kilobytes as text good enough for looking at markup (any ASCII-compatible encoding)."""
    head = data[:4096]
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="ignore").lower()
    return head.decode("latin-1").lstrip("\ufeffï»¿").lower()


_PREAMBLE = r"\A(?:\s|<\?xml[^>]*>|<!--.*?-->)*"
_STRONG_HTML = re.compile(_PREAMBLE + r"(?:<!doctype\s+html|<html[\s>])", re.DOTALL)
_WEAK_HTML = re.compile(_PREAMBLE + r"<(?:head|body|meta|title)[\s>]", re.DOTALL)

_HEADER_LINE = re.compile(rb"^([!-9;-~]+):")
_MAIL_HEADERS = frozenset(
    (
        b"from",
        b"to",
        b"cc",
        b"subject",
        b"date",
        b"message-id",
        b"received",
        b"return-path",
        b"mime-version",
        b"content-type",
        b"delivered-to",
        b"reply-to",
        b"in-reply-to",
        b"references",
        b"sender",
        b"x-mailer",
        b"dkim-signature",
        b"authentication-results",
    )
)
_ORIGIN_HEADERS = frozenset((b"from", b"received", b"message-id", b"return-path", b"delivered-to"))


def _looks_like_email(head: bytes) -> bool:
    """An RFC 822 header block: only header lines up to the first blank line, with at least two known
    mail headers, one of which says where the message came from."""
    if head.startswith(b"From "):
        head = head.split(b"\n", 1)[1] if b"\n" in head else b""
    lines = head.splitlines()
    if len(head) >= _EMAIL_SNIFF_BYTES:
        lines = lines[:-1]  # cut off mid-line
    names: set[bytes] = set()
    for line in lines:
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t"):
            if not names:
                return False
            continue
        match = _HEADER_LINE.match(line)
        if match is None:
            return False
        names.add(match.group(1).lower())
    known = names & _MAIL_HEADERS
    return len(known) >= 2 and bool(known & _ORIGIN_HEADERS)
