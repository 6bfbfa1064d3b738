"""Choosing the importer: what the bytes are wins over what the name says."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.errors import ImportRejected
from app.core.records import SourceKind
from app.core.textnorm import normalize_text
from app.ingest.limits import Limits
from app.ingest.registry import IMPORTERS, extract_bytes, importer_for
from tests.ingest.ingest_samples import ENGLISH, HEBREW, make_docx, make_email, make_pdf

HTML_PAGE = b"<!DOCTYPE html><html><head><title>T</title></head><body><p>Hello there.</p></body></html>"


@pytest.mark.parametrize(
    ("data", "filename", "kind"),
    [
        (make_pdf([ENGLISH]), "download.bin", SourceKind.PDF),
        (make_pdf([ENGLISH]), None, SourceKind.PDF),
        (b"junk before the header " + make_pdf([ENGLISH]), "x.pdf", SourceKind.PDF),
        (make_docx(["Title", "Body"]), "report", SourceKind.DOCX),
        (make_docx(["Title", "Body"]), "report.zip", SourceKind.DOCX),
        (make_email(plain="Hi"), "message.txt", SourceKind.EMAIL),
        (make_email(plain="Hi"), None, SourceKind.EMAIL),
        (
            b"From someone@example.org Tue Mar  5 10:00:00 2024\n" + make_email(plain="Hi"),
            None,
            SourceKind.EMAIL,
        ),
        (HTML_PAGE, "page.txt", SourceKind.HTML),
        (HTML_PAGE, "page.pdf", SourceKind.HTML),
        (b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"></html>', None, SourceKind.HTML),
        (b"\xef\xbb\xbf  <!-- saved -->\n<html><body>x</body></html>", "x", SourceKind.HTML),
        (b"<head><title>t</title></head>", "fragment", SourceKind.HTML),
        (b"<head> is how this note starts", "note.md", SourceKind.MARKDOWN),
        (b"# Title\n\nText", "note.md", SourceKind.MARKDOWN),
        (b"# Title\n\nText", "NOTE.MARKDOWN", SourceKind.MARKDOWN),
        ("שלום".encode("cp1255"), "he.txt", SourceKind.TEXT),
        (b"Subject: minutes\nAttendees: Dana\n\nText", "minutes", SourceKind.TEXT),
        (b"a,b\n1,2\n", "table.csv", SourceKind.TEXT),
        (b"no extension at all", "README", SourceKind.TEXT),
        (HEBREW.encode(), "article.html", SourceKind.HTML),
    ],
)
def test_content_first_then_extension(data: bytes, filename: str | None, kind: SourceKind) -> None:
    assert importer_for(data, filename).kind is kind


def test_every_importer_extracts_normalised_text_through_the_registry() -> None:
    samples = {
        SourceKind.PDF: (make_pdf([HEBREW]), "a.pdf"),
        SourceKind.DOCX: (make_docx(["T", HEBREW]), "a.docx"),
        SourceKind.EMAIL: (make_email(plain=HEBREW), "a.eml"),
        SourceKind.HTML: (f"<html><body><p>{HEBREW}</p></body></html>".encode(), "a.html"),
        SourceKind.MARKDOWN: (f"# T\n\n{HEBREW}".encode(), "a.md"),
        SourceKind.TEXT: (HEBREW.encode("cp1255"), "a.txt"),
    }
    assert {importer.kind for importer in IMPORTERS} == set(samples)
    for kind, (data, name) in samples.items():
        extraction = extract_bytes(data, name, Limits())
        assert extraction.kind is kind
        assert " ".join(HEBREW.split()[:4]) in " ".join(extraction.text.split())
        assert extraction.metadata.language == "he"


@pytest.mark.parametrize(
    ("filename", "reason"),
    [
        ("photo.jpg", "unsupported file type: .jpg"),
        ("mail.msg", "unsupported file type: .msg (Outlook message; save it as .eml)"),
        (
            "sheet.xlsx",
            "unsupported file type: .xlsx (spreadsheets are not supported; save the sheet as .csv)",
        ),
    ],
)
def test_unsupported_types(filename: str, reason: str) -> None:
    with pytest.raises(ImportRejected) as caught:
        importer_for(b"\x00\x01\x02 binary", filename)
    assert str(caught.value) == reason


def test_size_limit_applies_to_bytes_too() -> None:
    with pytest.raises(ImportRejected) as caught:
        extract_bytes(b"x" * 2000, "a.txt", Limits(max_file_bytes=1000))
    assert str(caught.value) == "file too large: 2 KB (limit 1000 bytes)"


_SPECIAL = ["\u0301", "\u05b8", "\u200b", "\ufeff", "\x00", "\x0c", "\u2028", "\x85"]  # marks, junk, controls
_AWKWARD = st.text(
    alphabet=st.sampled_from([*"abc אבג ابت где\r\n\t<>&#;*_`|-", *_SPECIAL]), min_size=1, max_size=200
)


@settings(max_examples=150, derandomize=True, deadline=None)
@given(_AWKWARD, st.sampled_from(["a.txt", "a.md", "a.html", "a.eml"]))
def test_whatever_the_content_the_text_is_already_normalised(content: str, filename: str) -> None:
    if filename == "a.html":
        data = f"<html><body><p>{content}</p></body></html>".encode()
    elif filename == "a.eml":
        data = make_email(plain=content.replace("\x00", "")) if content.strip("\x00") else b"From: x\n\n"
    else:
        data = content.encode("utf-8")
    try:
        extraction = extract_bytes(data, filename, Limits())
    except ImportRejected as rejected:
        assert "\n" not in str(rejected)
        return
    assert normalize_text(extraction.text) == extraction.text
