"""E-mails: headers as metadata, the body as text, attachments handed on to become sources."""

from __future__ import annotations

import hashlib

import pytest

from app.core.errors import ImportRejected
from app.core.records import SourceKind
from app.ingest.email import EMAIL
from app.ingest.limits import Limits
from tests.ingest.ingest_samples import ENGLISH, HEBREW, RUSSIAN, make_email, make_pdf

LIMITS = Limits()


def test_plain_body_headers_and_attachments() -> None:
    pdf = make_pdf([ENGLISH])
    data = make_email(
        plain=HEBREW + "\n",
        html="<p>HTML alternative that must not win</p>",
        attachments=[("report.pdf", pdf, "application/pdf"), ("notes.txt", RUSSIAN.encode(), "text/plain")],
    )
    extraction = EMAIL.extract(data, "mail.eml", LIMITS)
    assert extraction.kind is SourceKind.EMAIL and extraction.media_type == "message/rfc822"
    assert extraction.text == HEBREW
    metadata = extraction.metadata
    assert metadata.title == "דוח: גשר חדש נפתח"
    assert metadata.author == "דנה לוי <dana@example.org>"
    assert metadata.published == "2024-03-05"  # the sender's day, although it was the 6th in UTC
    assert metadata.language == "he"
    notes = RUSSIAN.encode()
    assert dict(metadata.extra) == {
        "To": "Omar Haddad <omar@example.com>, Ivan Petrov <ivan@example.ru>",
        "Cc": "desk@example.org",
        "Message-ID": "<bridge-42@example.org>",
        "In-Reply-To": "<bridge-41@example.org>",
        "Date": "2024-03-05T23:30:00-05:00",
        "Attachments": (  # the e-mail keeps its own record of what it carried, duplicates included
            f"report.pdf ({len(pdf):,} bytes, SHA-256 {hashlib.sha256(pdf).hexdigest()}); "
            f"notes.txt ({len(notes):,} bytes, SHA-256 {hashlib.sha256(notes).hexdigest()})"
        ),
    }
    assert [(a.filename, a.media_type) for a in extraction.attachments] == [
        ("report.pdf", "application/pdf"),
        ("notes.txt", "text/plain"),
    ]
    assert extraction.attachments[0].data == pdf
    assert extraction.attachments[1].data == RUSSIAN.encode()


def test_html_only_body_keeps_every_visible_text() -> None:
    html = (
        "<html><head><style>p {color: red}</style></head><body>"
        f"<p>{RUSSIAN}</p><table><tr><td>Иркутск</td><td>2023-08-01</td></tr></table>"
        "<blockquote>Quoted earlier message</blockquote></body></html>"
    )
    extraction = EMAIL.extract(make_email(html=html, subject="Мост"), "mail.eml", LIMITS)
    assert extraction.text == f"{RUSSIAN}\nИркутск 2023-08-01\nQuoted earlier message"
    assert extraction.metadata.language == "ru"


def test_raw_8bit_headers_and_undeclared_body_charset() -> None:
    raw = (
        b"From: \xc8\xe2\xe0\xed <x@example.org>\r\n"
        b"Subject: =?windows-1255?B?+ezl7SDy5ezt?=\r\n"
        b"Date: not a date\r\n"
        b"Content-Type: text/plain\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + RUSSIAN.encode("cp1251") + b"\r\n"
    )
    extraction = EMAIL.extract(raw, "old.eml", LIMITS)
    assert extraction.metadata.title == "שלום עולם"
    assert extraction.metadata.author == "Иван <x@example.org>"
    assert extraction.metadata.published is None
    assert extraction.metadata.extra["Date"] == "not a date"
    assert extraction.text == RUSSIAN


def test_forwarded_message_and_nameless_attachment() -> None:
    inner = make_email(plain="Inner message body.", subject="Inner")
    data = make_email(
        plain="See the forwarded message.",
        attachments=[("", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"), ("fwd.eml", inner, "message/rfc822")],
    )
    extraction = EMAIL.extract(data, "outer.eml", LIMITS)
    names = [attachment.filename for attachment in extraction.attachments]
    assert names == ["attachment-1.png", "fwd.eml"]
    forwarded = EMAIL.extract(extraction.attachments[1].data, "fwd.eml", LIMITS)
    assert forwarded.metadata.title == "Inner" and forwarded.text == "Inner message body."


def test_attachment_names_cannot_point_into_folders() -> None:
    data = make_email(plain="x", attachments=[("../../etc/passwd\x07", b"root", "text/plain")])
    assert EMAIL.extract(data, "m.eml", LIMITS).attachments[0].filename == "passwd"


def test_attachment_limit() -> None:
    attachments = [(f"a{n}.txt", f"note {n}".encode(), "text/plain") for n in range(3)]
    extraction = EMAIL.extract(
        make_email(plain="x", attachments=attachments), "m.eml", Limits(max_attachments=2)
    )
    assert len(extraction.attachments) == 2
    assert extraction.warnings == ("1 attachments beyond the first 2 were not imported",)


def test_text_without_headers_is_not_an_email() -> None:
    with pytest.raises(ImportRejected) as caught:
        EMAIL.extract(b"Just a note, saved with the wrong extension.\n", "note.eml", LIMITS)
    assert str(caught.value) == "not an e-mail (no From, To, Subject or Date header)"


def test_forwarded_message_attached_the_standard_way() -> None:
    from email import message_from_bytes, policy
    from email.message import EmailMessage

    inner = message_from_bytes(
        make_email(plain="Inner message body.", subject="Inner"), policy=policy.default
    )
    outer = EmailMessage()
    outer["From"] = "desk@example.org"
    outer["Subject"] = "Fwd: Inner"
    outer.set_content("Forwarding.")
    outer.add_attachment(inner)
    extraction = EMAIL.extract(outer.as_bytes(), "outer.eml", LIMITS)
    (attachment,) = extraction.attachments
    assert attachment.media_type == "message/rfc822" and attachment.filename == "attachment-1.eml"
    forwarded = EMAIL.extract(attachment.data, attachment.filename, LIMITS)
    assert forwarded.metadata.title == "Inner" and forwarded.text == "Inner message body."
