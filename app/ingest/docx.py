"""Word documents (.docx): body paragraphs and tables in reading order, plus the core properties.

A DOCX is a zip of XML parts, which makes it a carrier for two classic attacks: a zip bomb (a few
kilobytes that inflate to gigabytes) and an XML entity bomb. Both are checked with the standard library
and defusedxml *before* python-docx opens the file: the declared sizes and compression ratios of the
members against ``Limits`` (``zipfile`` will not inflate a member past its declared size, so the
declaration is binding), then every XML part is streamed through a parser that refuses any DOCTYPE.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from xml.etree.ElementTree import ParseError

import docx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from app.core.errors import ImportRejected
from app.core.records import Extraction, SourceKind, SourceMetadata
from app.core.textnorm import guess_language, normalize_text
from app.ingest.html import language_tag
from app.ingest.limits import MB, Limits, human_size

NOT_ZIP_REASON = "not a DOCX (not a zip archive)"
NOT_WORD_REASON = "not a DOCX (a zip archive without a Word document)"
ENTITY_REASON = "DOCX contains an XML DOCTYPE or entity declaration (possible entity bomb)"
NO_TEXT_WARNING = "no text in the document"
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_RATIO_CHECK_FROM = 1 * MB  # smaller members cannot bomb, and tiny XML compresses absurdly well


def open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        if data.startswith(b"PK\x03\x04"):
            raise ImportRejected(f"corrupt DOCX: {exc}") from None
        raise ImportRejected(NOT_ZIP_REASON) from None


def check_zip_limits(archive: zipfile.ZipFile, limits: Limits, what: str = "DOCX") -> None:
    """Refuse an archive whose members would inflate beyond the limits (zip bombs)."""
    members = archive.infolist()
    if len(members) > limits.max_zip_members:
        raise ImportRejected(f"{what} has {len(members):,} parts (limit {limits.max_zip_members:,})")
    total = sum(member.file_size for member in members)
    if total > limits.max_uncompressed_bytes:
        raise ImportRejected(
            f"{what} expands to {human_size(total)} (limit {human_size(limits.max_uncompressed_bytes)}; "
            "possible zip bomb)"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= _RATIO_CHECK_FROM and ratio > limits.max_compression_ratio:
            raise ImportRejected(
                f"{what} part {member.filename} is compressed {ratio:,.0f}:1 "
                f"(limit {limits.max_compression_ratio:,.0f}:1; possible zip bomb)"
            )


class _Discard:
    """A parser target that builds nothing: we only want to know the XML is harmless."""

    def start(self, tag: str, attrib: dict[str, str]) -> None: ...
    def end(self, tag: str) -> None: ...
    def data(self, data: str) -> None: ...
    def close(self) -> None: ...


_ELEMENT_START = re.compile(rb"<[A-Za-z_:]")
_PROLOG_LIMIT = 64 * 1024


def check_xml_parts(archive: zipfile.ZipFile) -> None:
    """Refuse any XML part that declares a DTD (Office never writes one): an entity bomb needs one.

    A DTD can only stand in the prolog, before the root element, so reading up to the first element is
    enough; that keeps the check to microseconds where parsing every part cost more than the import.
    Parts not in UTF-8 (a UTF-16 byte-order mark) are streamed through defusedxml instead.
    """
    for member in archive.infolist():
        if not member.filename.lower().endswith((".xml", ".rels")):
            continue
        try:
            with archive.open(member) as stream:
                head = stream.read(_PROLOG_LIMIT)
                if head.startswith((b"\xff\xfe", b"\xfe\xff")):
                    _stream_through_defusedxml(archive, member)
                    continue
                element = _ELEMENT_START.search(head)
                prolog = head[: element.start()] if element else head
                if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
                    raise ImportRejected(ENTITY_REASON)
                if element is None and len(head) == _PROLOG_LIMIT:
                    _stream_through_defusedxml(archive, member)  # an unusually long prolog
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as exc:
            raise ImportRejected(f"corrupt DOCX: {member.filename}: {exc}") from None


def _stream_through_defusedxml(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    parser = DefusedXMLParser(target=_Discard(), forbid_dtd=True)
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1 * MB):
                parser.feed(chunk)
        parser.close()
    except DefusedXmlException:
        raise ImportRejected(ENTITY_REASON) from None
    except ParseError as exc:
        raise ImportRejected(f"corrupt DOCX: malformed XML in {member.filename} ({exc})") from None


def _open_document(data: bytes) -> Any:
    try:
        return docx.Document(io.BytesIO(data))
    except PackageNotFoundError:
        raise ImportRejected(NOT_WORD_REASON) from None
    except ValueError as exc:  # "file '…' is not a Word file, content type is '…'"
        detail = str(exc).split("content type is", 1)[-1].strip(" '")
        raise ImportRejected(f"not a Word document (content type {detail})") from None
    except etree.XMLSyntaxError as exc:
        raise ImportRejected(f"corrupt DOCX: malformed XML ({exc})") from None
    except (KeyError, zipfile.BadZipFile, AttributeError, TypeError) as exc:
        raise ImportRejected(f"corrupt DOCX: {str(exc).strip() or type(exc).__name__}") from None


def document_text(document: Any) -> str:
    """Paragraphs one per line and table rows one per line (cells separated by tabs), in body order."""
    lines: list[str] = []
    for block in document.iter_inner_content():
        lines.extend(_block_lines(block))
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return normalize_text(text).strip()


def _block_lines(block: Paragraph | Table) -> Iterator[str]:
    if isinstance(block, Paragraph):
        yield block.text
        return
    for row in block.rows:
        yield "\t".join(" ".join(text.split()) for text in _row_cells(row))


def _row_cells(row: Any) -> Iterator[str]:
    """Cell texts of a row, once per cell even when it is merged across columns."""
    seen: set[int] = set()
    for cell in row.cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        nested = [line for table in cell.tables for line in _block_lines(table)]
        yield " ".join([paragraph.text for paragraph in cell.paragraphs] + nested)


def _metadata(document: Any, text: str) -> SourceMetadata:
    """Title, author and language as stored. The creation date is *not* taken as the publication date
    (it is when the file, or the template it came from, was first saved); it stays in ``extra``."""
    properties = document.core_properties
    extra: dict[str, str] = {}
    for key in ("subject", "keywords", "category", "comments", "last_modified_by", "revision"):
        value = _clean(getattr(properties, key, None))
        if value and value != "0":
            extra[key] = value
    for key in ("created", "modified", "last_printed"):
        value = getattr(properties, key, None)
        if isinstance(value, datetime):
            extra[key] = value.isoformat()
    return SourceMetadata(
        title=_clean(properties.title),
        author=_clean(properties.author),
        language=language_tag(properties.language) or guess_language(text),
        extra=extra,
    )


def _clean(value: object) -> str | None:
    if value is None or isinstance(value, datetime):
        return None
    cleaned = normalize_text(" ".join(str(value).split()))
    return cleaned or None


class DocxImporter:
    kind: SourceKind = SourceKind.DOCX
    media_types: tuple[str, ...] = (MEDIA_TYPE,)
    extensions: tuple[str, ...] = (".docx",)

    def extract(self, data: bytes, filename: str | None, limits: Limits) -> Extraction:
        with open_zip(data) as archive:
            if "[Content_Types].xml" not in archive.namelist():
                raise ImportRejected(NOT_WORD_REASON)
            check_zip_limits(archive, limits)
            check_xml_parts(archive)
        document = _open_document(data)
        text = document_text(document)
        return Extraction(
            kind=self.kind,
            media_type=MEDIA_TYPE,
            text=text,
            metadata=_metadata(document, text),
            warnings=() if text else (NO_TEXT_WARNING,),
        )


DOCX = DocxImporter()
