"""Fictional news sentences and real files built from them (PDF, DOCX, e-mail) for the ingest tests."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

HEBREW = (
    "ראש העיר הודיע היום על פתיחת גשר חדש מעל הנהר, לאחר שלוש שנות עבודה. "
    "לדברי מהנדסת העירייה, הגשר יעמוד ברעידות אדמה חזקות."
)
ARABIC = (
    "أعلن رئيس البلدية اليوم افتتاح جسر جديد فوق النهر بعد ثلاث سنوات من العمل. "
    "وقالت مهندسة البلدية إن الجسر سيصمد أمام الزلازل القوية."
)
RUSSIAN = (
    "Мэр города сегодня объявил об открытии нового моста через реку после трёх лет работы. "
    "По словам инженера мэрии, мост выдержит сильные землетрясения."
)
ENGLISH = (
    "The mayor announced today the opening of a new bridge over the river after three years of work. "
    "According to the city engineer, the bridge will withstand strong earthquakes."
)
FRENCH = (
    "Le maire a annoncé aujourd'hui l'ouverture d'un nouveau pont sur la rivière après trois années "
    "de travaux. Selon l'ingénieure de la ville, le pont résistera à des séismes très forts."
)


def make_pdf(
    pages: list[str], *, title: str | None = None, author: str | None = None, lang: str | None = None
) -> bytes:
    """A real PDF with one paragraph per page, set in DejaVu Sans (Latin, Cyrillic, Hebrew, Arabic)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=12)
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    if lang:
        pdf.set_lang(lang)
    for text in pages:
        pdf.add_page()
        for paragraph in text.split("\n"):
            if paragraph:
                pdf.multi_cell(0, 8, paragraph, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def make_blank_pdf(pages: int = 1) -> bytes:
    """A PDF whose pages carry no text at all: what a scanner without OCR produces."""
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.rect(20, 20, 100, 60, style="F")
    return bytes(pdf.output())


def make_docx(
    paragraphs: list[str],
    *,
    table: list[list[str]] | None = None,
    title: str | None = None,
    author: str | None = None,
    language: str | None = None,
    created: datetime | None = None,
) -> bytes:
    import docx

    document = docx.Document()
    properties = document.core_properties
    if title:
        properties.title = title
    if author:
        properties.author = author
    if language:
        properties.language = language
    if created:
        properties.created = created
    document.add_heading(paragraphs[0], level=1)
    for paragraph in paragraphs[1:]:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
        document.add_paragraph("After the table.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_email(
    *,
    plain: str | None = None,
    html: str | None = None,
    attachments: list[tuple[str, bytes, str]] = (),  # type: ignore[assignment]
    subject: str = "דוח: גשר חדש נפתח",
    sender: str = "דנה לוי <dana@example.org>",
    date: str = "Tue, 05 Mar 2024 23:30:00 -0500",
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "Omar Haddad <omar@example.com>, Ivan Petrov <ivan@example.ru>"
    message["Cc"] = "desk@example.org"
    message["Subject"] = subject
    message["Date"] = date
    message["Message-ID"] = "<bridge-42@example.org>"
    message["In-Reply-To"] = "<bridge-41@example.org>"
    if plain is not None:
        message.set_content(plain)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    for filename, data, media_type in attachments:
        maintype, subtype = media_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def rewritten_zip(
    data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    """A copy of a DOCX with some parts replaced or added (deflated, as Word writes them)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, (replace or {}).get(item.filename, source.read(item.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return buffer.getvalue()


ENTITY_BOMB_DOCUMENT = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE w:document [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;</w:t></w:r></w:p></w:body>
</w:document>"""


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE html [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&lol9;</p></body></html>
"""
