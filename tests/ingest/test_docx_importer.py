"""Word documents, and the zip and XML attacks a .docx can carry."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest

from app.core.errors import ImportRejected
from app.core.records import SourceKind
from app.core.textnorm import normalize_text
from app.ingest.docx import DOCX, MEDIA_TYPE
from app.ingest.limits import Limits
from tests.ingest.ingest_samples import (
    ARABIC,
    ENTITY_BOMB_DOCUMENT,
    HEBREW,
    RUSSIAN,
    make_docx,
    rewritten_zip,
)

LIMITS = Limits()


def test_paragraphs_tables_and_core_properties() -> None:
    data = make_docx(
        ["דוח הגשר", HEBREW, RUSSIAN],
        table=[["עיר", "תאריך"], ["حيفا", "2024-03-05"]],
        title="דוח הגשר",
        author="דנה לוי",
        language="he-IL",
        created=datetime(2019, 1, 2, 3, 4, 5),
    )
    extraction = DOCX.extract(data, "report.docx", LIMITS)
    assert extraction.kind is SourceKind.DOCX and extraction.media_type == MEDIA_TYPE
    assert extraction.text == "\n".join(
        ["דוח הגשר", HEBREW, RUSSIAN, "עיר\tתאריך", "حيفا\t2024-03-05", "After the table."]
    )
    assert normalize_text(extraction.text) == extraction.text
    metadata = extraction.metadata
    assert (metadata.title, metadata.author, metadata.language) == ("דוח הגשר", "דנה לוי", "he")
    assert metadata.published is None  # creation is not publication
    assert metadata.extra["created"] == "2019-01-02T03:04:05+00:00"


def test_language_is_guessed_when_the_document_does_not_say() -> None:
    extraction = DOCX.extract(make_docx(["عنوان", ARABIC]), "ar.docx", LIMITS)
    assert extraction.metadata.language == "ar"


def _reason(data: bytes, limits: Limits = LIMITS) -> str:
    with pytest.raises(ImportRejected) as caught:
        DOCX.extract(data, "bad.docx", limits)
    return str(caught.value)


def test_not_a_zip() -> None:
    assert _reason(b"Just some text that someone renamed to .docx") == "not a DOCX (not a zip archive)"


def test_a_zip_without_a_word_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    assert _reason(buffer.getvalue()) == "not a DOCX (a zip archive without a Word document)"


def test_a_truncated_docx_is_corrupt() -> None:
    data = make_docx(["Title", "Body"])
    assert _reason(data[: len(data) // 2]).startswith("corrupt DOCX: ")


def test_zip_bomb_by_compression_ratio() -> None:
    data = rewritten_zip(make_docx(["Title", "Body"]), add={"word/media/bomb.bin": bytes(8 * 1024 * 1024)})
    reason = _reason(data)
    assert reason.startswith("DOCX part word/media/bomb.bin is compressed ")
    assert reason.endswith(":1 (limit 100:1; possible zip bomb)")


def test_zip_bomb_by_total_size() -> None:
    data = make_docx(["Title", "Body"])
    reason = _reason(data, Limits(max_uncompressed_bytes=20_000))
    assert reason.startswith("DOCX expands to ")
    assert reason.endswith(" (limit 20 KB; possible zip bomb)")


def test_too_many_parts() -> None:
    data = make_docx(["Title", "Body"])
    count = len(zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert _reason(data, Limits(max_zip_members=5)) == f"DOCX has {count} parts (limit 5)"


def test_entity_bomb_inside_the_document_xml() -> None:
    data = rewritten_zip(make_docx(["Title", "Body"]), replace={"word/document.xml": ENTITY_BOMB_DOCUMENT})
    assert _reason(data) == "DOCX contains an XML DOCTYPE or entity declaration (possible entity bomb)"


def test_external_entity_inside_a_relationship_part() -> None:
    rels = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">&x;'
        b"</Relationships>"
    )
    data = rewritten_zip(make_docx(["Title", "Body"]), replace={"_rels/.rels": rels})
    assert _reason(data) == "DOCX contains an XML DOCTYPE or entity declaration (possible entity bomb)"


def test_malformed_xml_is_corrupt() -> None:
    data = rewritten_zip(
        make_docx(["Title", "Body"]), replace={"word/document.xml": b"<w:document><unclosed>"}
    )
    assert _reason(data).startswith("corrupt DOCX: malformed XML")
