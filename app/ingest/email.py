"""E-mails saved as .eml (RFC 822 / MIME), read with the standard library's ``email`` package.

Subject, From and Date become title, author and publication date; the other headers an investigator
follows a thread by (To, Cc, Message-ID, In-Reply-To, References) go into ``metadata.extra``. The text is
the plain-text body when there is one, else the visible text of the HTML body (all of it: an e-mail has
no navigation to drop, and quoted replies are evidence). Attachments come back as ``Attachment`` objects;
the pipeline imports each as a source of its own, linked to the e-mail.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import mimetypes
import quopri
import re
from dataclasses import replace
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

from app.core.errors import ImportRejected
from app.core.records import Attachment, Extraction, SourceKind, SourceMetadata
from app.core.textnorm import guess_language, normalize_text
from app.ingest.html import html_text, language_tag
from app.ingest.limits import Limits
from app.ingest.text import decode_text

NOT_EMAIL_REASON = "not an e-mail (no From, To, Subject or Date header)"
_THREAD_HEADERS = ("To", "Cc", "Reply-To", "Message-ID", "In-Reply-To", "References")


def parse_message(data: bytes) -> EmailMessage:
    if data.startswith(b"From "):  # an mbox separator line left at the top of a single message
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)  # guaranteed by policy.default
    return message


class EmailImporter:
    kind: SourceKind = SourceKind.EMAIL
    media_types: tuple[str, ...] = ("message/rfc822",)
    extensions: tuple[str, ...] = (".eml",)

    def extract(self, data: bytes, filename: str | None, limits: Limits) -> Extraction:
        message = parse_message(data)
        if not any(_header(message, name) for name in ("From", "To", "Subject", "Date")):
            raise ImportRejected(NOT_EMAIL_REASON)
        text = _body_text(message)
        attachments, warnings = _attachments(message, limits)
        metadata = _metadata(message, text)
        if attachments:  # the e-mail's own record of what it carried, even where a copy is already stored
            listed = "; ".join(_attachment_line(item) for item in attachments)
            metadata = replace(metadata, extra={**metadata.extra, "Attachments": listed})
        return Extraction(
            kind=self.kind,
            media_type="message/rfc822",
            text=text,
            metadata=metadata,
            attachments=attachments,
            warnings=warnings,
        )


def _attachment_line(item: Attachment) -> str:
    return f"{item.filename} ({len(item.data):,} bytes, SHA-256 {hashlib.sha256(item.data).hexdigest()})"


def _metadata(message: EmailMessage, text: str) -> SourceMetadata:
    subject = _header(message, "Subject")
    extra = {name: value for name in _THREAD_HEADERS if (value := _header(message, name))}
    sent = _sent(message)
    published = None
    if sent is not None:
        extra["Date"] = sent.isoformat()
        published = sent.date().isoformat()  # the sender's own calendar day
    elif raw_date := _header(message, "Date"):
        extra["Date"] = raw_date
    language = language_tag(_header(message, "Content-Language"))
    return SourceMetadata(
        title=subject,
        author=_header(message, "From"),
        published=published,
        language=language or guess_language(f"{subject or ''}\n{text}"),
        extra=extra,
    )


def _sent(message: EmailMessage) -> datetime | None:
    raw = _header(message, "Date")
    if not raw:
        return None
    try:
        return parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _header(message: Message, name: str) -> str | None:
    """A header as readable text, whatever state it arrived in (RFC 2047, raw 8-bit, folded)."""
    raw = next((value for key, value in message.raw_items() if key.lower() == name.lower()), None)
    if raw is None:
        return None
    if re.search("[\udc80-\udcff]", str(raw)):  # raw 8-bit bytes: the parser would make them "�"
        text = _decode_raw_header(str(raw).encode("ascii", errors="surrogateescape"))
    else:
        try:
            text = str(message.get(name))
        except (ValueError, TypeError, IndexError, AttributeError):  # one the parser cannot model
            text = str(raw)
    cleaned = normalize_text(" ".join(text.split()))
    return cleaned or None


def _decode_raw_header(raw: bytes) -> str:
    try:
        return decode_text(raw).text
    except ImportRejected:
        return raw.decode("utf-8", errors="replace")


def _body_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    content = part_text(body)
    if body.get_content_subtype() == "html":
        return html_text(content, main_content_only=False)
    return normalize_text(content).strip()


def part_text(part: Message) -> str:
    """A text part decoded by its declared charset, or by detection when that is missing or wrong."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload:
        return ""
    charset = part.get_content_charset()
    if charset:
        try:
            return payload.decode(codecs.lookup(charset).name)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return decode_text(payload).text
    except ImportRejected:
        return payload.decode("utf-8", errors="replace")


def _attachments(message: EmailMessage, limits: Limits) -> tuple[tuple[Attachment, ...], tuple[str, ...]]:
    found: list[Attachment] = []
    for index, part in enumerate(message.iter_attachments(), start=1):
        attachment = _attachment(part, index)
        if attachment is not None:
            found.append(attachment)
    if len(found) > limits.max_attachments:
        skipped = len(found) - limits.max_attachments
        warning = f"{skipped} attachments beyond the first {limits.max_attachments} were not imported"
        return tuple(found[: limits.max_attachments]), (warning,)
    return tuple(found), ()


def _attachment(part: EmailMessage, index: int) -> Attachment | None:
    media_type = part.get_content_type()
    if media_type == "message/rfc822":
        data = _forwarded_bytes(part)
    elif part.is_multipart():
        return None
    else:
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
    name = _safe_filename(part.get_filename()) or _default_name(index, media_type)
    return Attachment(filename=name, data=data, media_type=media_type)


def _forwarded_bytes(part: EmailMessage) -> bytes:
    """A forwarded message as bytes. Some mailers base64-encode message/rfc822 parts (RFC 2046 forbids
    it); the parser then reads the encoded text as a message without headers, which we decode back."""
    inner = part.get_payload(0) if part.is_multipart() else None
    if not isinstance(inner, Message):
        return b""
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    serialised = inner.as_bytes(policy=policy.default)
    if encoding == "base64":
        try:
            return base64.b64decode(serialised)
        except binascii.Error:
            return serialised
    if encoding == "quoted-printable":
        return quopri.decodestring(serialised.lstrip(b"\r\n"))
    return serialised


def _safe_filename(name: str | None) -> str | None:
    """The attachment's own name, reduced to a plain file name: no folders, no control characters."""
    if not name:
        return None
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(char for char in name if char.isprintable()).strip(" .")
    return name[:200] or None


def _default_name(index: int, media_type: str) -> str:
    extension = ".eml" if media_type == "message/rfc822" else mimetypes.guess_extension(media_type) or ""
    return f"attachment-{index}{extension}"


EMAIL = EmailImporter()
