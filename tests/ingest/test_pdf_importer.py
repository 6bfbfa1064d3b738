"""PDFs: the text layer page by page, with offsets that map back to the right page."""

from __future__ import annotations

import re

import pytest
from fpdf import FPDF
from fpdf.enums import EncryptionMethod

from app.core.errors import ImportRejected
from app.core.records import SourceKind
from app.core.textnorm import normalize_text
from app.ingest.limits import Limits
from app.ingest.pdf import PDF, page_of
from tests.ingest.ingest_samples import ARABIC, ENGLISH, FONT, HEBREW, RUSSIAN, make_blank_pdf, make_pdf

LIMITS = Limits()
PAGES = [ENGLISH, RUSSIAN, HEBREW, ARABIC]


def test_every_page_in_order_with_page_starts() -> None:
    data = make_pdf(PAGES, title="Bridge report", author="Dana Levi", lang="en")
    extraction = PDF.extract(data, "report.pdf", LIMITS)
    assert extraction.kind is SourceKind.PDF and extraction.media_type == "application/pdf"
    assert normalize_text(extraction.text) == extraction.text
    assert len(extraction.page_starts) == 4 and extraction.page_starts[0] == 0
    ends = [*extraction.page_starts[1:], len(extraction.text)]
    pages = [
        extraction.text[start:end].strip() for start, end in zip(extraction.page_starts, ends, strict=True)
    ]
    assert [" ".join(page.split()) for page in pages] == PAGES
    for number, sentence in enumerate(PAGES, start=1):
        words = sentence.split()
        offset = re.search(r"\s+".join(map(re.escape, words[-3:])), extraction.text).start()
        assert page_of(extraction.page_starts, offset) == number
    metadata = extraction.metadata
    assert (metadata.title, metadata.author, metadata.language) == ("Bridge report", "Dana Levi", "en")
    assert metadata.published is None  # a file's creation date is not a publication date
    assert metadata.extra["pages"] == "4" and "created" in metadata.extra


def test_right_to_left_text_stored_in_visual_order_is_read_in_reading_order() -> None:
    lines = [
        "עמוד שלוש: ראש העיר פתח ב-2024 גשר חדש מעל נהר New York.",
        "Mixed line: the word שלום עולם appears here.",
        "افتتح رئيس البلدية جسرا جديدا فوق النهر سنة 2024",
    ]
    extraction = PDF.extract(make_pdf(["\n".join(lines)]), "rtl.pdf", LIMITS)
    assert extraction.text.split("\n") == lines
    assert extraction.metadata.extra["rtl_order"] == "visual, reordered"


def test_language_is_guessed_when_the_pdf_does_not_say() -> None:
    extraction = PDF.extract(make_pdf([RUSSIAN, RUSSIAN]), "ru.pdf", LIMITS)
    assert extraction.metadata.language == "ru"


def test_a_scan_without_text_layer_imports_with_a_warning() -> None:
    extraction = PDF.extract(make_blank_pdf(pages=2), "scan.pdf", LIMITS)
    assert extraction.text == "\n\n"
    assert extraction.page_starts == (0, 2)
    assert extraction.warnings == ("no text layer (scanned?)",)


def _encrypted(user_password: str) -> bytes:
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, ENGLISH)
    pdf.set_encryption(
        owner_password="owner-secret", user_password=user_password, encryption_method=EncryptionMethod.RC4
    )
    return bytes(pdf.output())


def test_encrypted_pdf_that_opens_without_a_password() -> None:
    extraction = PDF.extract(_encrypted(""), "locked.pdf", LIMITS)
    assert " ".join(extraction.text.split()) == ENGLISH
    assert extraction.metadata.extra["encrypted"] == "opened without a password"


def test_encrypted_pdf_that_needs_a_password() -> None:
    with pytest.raises(ImportRejected) as caught:
        PDF.extract(_encrypted("s3cret"), "locked.pdf", LIMITS)
    assert str(caught.value) == "encrypted PDF (password required)"


def test_truncated_pdf_is_corrupt() -> None:
    data = make_pdf([ENGLISH])
    with pytest.raises(ImportRejected) as caught:
        PDF.extract(data[:400], "cut.pdf", LIMITS)
    message = str(caught.value)
    assert message.startswith("corrupt or unreadable PDF: ")
    assert "\n" not in message and len(message) < 120


def test_not_a_pdf_at_all() -> None:
    with pytest.raises(ImportRejected) as caught:
        PDF.extract(b"this is not a PDF, whatever its name says", "fake.pdf", LIMITS)
    assert str(caught.value) == "corrupt or unreadable PDF: no PDF header"


def test_page_limit() -> None:
    with pytest.raises(ImportRejected) as caught:
        PDF.extract(make_blank_pdf(pages=3), "long.pdf", Limits(max_pdf_pages=2))
    assert str(caught.value) == "PDF has 3 pages (limit 2)"
