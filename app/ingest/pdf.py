"""PDF documents: the text layer page by page, with a page map so every offset can cite its page.

A PDF without a text layer (a scan) is still imported, with empty text and a warning: the original is
evidence in its own right (it can be viewed, cited, hashed and OCR'd later), while refusing it would leave
the case without a document the investigator chose to add. A PDF that needs a password, or that pypdf
cannot read at all, is refused with the reason.

pypdf raises many exception types on malformed input (``PdfReadError``, but also ``KeyError``,
``ValueError``, ``TypeError`` … from deep inside its object parser); for this importer all of them mean
"this file is broken", so they become one ``ImportRejected`` line rather than a crash.
"""

from __future__ import annotations

import io
import logging
from bisect import bisect_right
from dataclasses import replace
from datetime import datetime

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from app.core.errors import ImportRejected
from app.core.records import Extraction, SourceKind, SourceMetadata
from app.core.textnorm import guess_language, normalize_text
from app.ingest import bidi
from app.ingest.html import language_tag
from app.ingest.limits import Limits

NO_TEXT_WARNING = "no text layer (scanned?)"
PASSWORD_REASON = "encrypted PDF (password required)"
_PAGE_SEPARATOR = "\n\n"

logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns about every harmless quirk it repairs


def corrupt(exc: BaseException | str) -> ImportRejected:
    detail = exc if isinstance(exc, str) else (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if len(detail) > 80:
        detail = detail[:77] + "…"
    return ImportRejected(f"corrupt or unreadable PDF: {detail}")


class PdfImporter:
    kind: SourceKind = SourceKind.PDF
    media_types: tuple[str, ...] = ("application/pdf",)
    extensions: tuple[str, ...] = (".pdf",)

    def extract(self, data: bytes, filename: str | None, limits: Limits) -> Extraction:
        if b"%PDF-" not in data[:1024]:
            raise corrupt("no PDF header")
        reader = _open(data)
        page_count = _page_count(reader, limits)
        texts, failed, visual = _page_texts(reader, page_count)
        text, page_starts = join_pages(texts)
        metadata = _metadata(reader, text, page_count)
        if visual:
            metadata = replace(metadata, extra={**metadata.extra, "rtl_order": "visual, reordered"})
        return Extraction(
            kind=self.kind,
            media_type="application/pdf",
            text=text,
            metadata=metadata,
            page_starts=page_starts,
            warnings=_warnings(texts, failed),
        )


def _open(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:  # see the module docstring
        raise corrupt(exc) from None
    if encrypted:
        try:
            opened = reader.decrypt("")
        except DependencyError:
            raise ImportRejected(
                "encrypted PDF (AES; opening it needs the 'cryptography' package, which is not installed)"
            ) from None
        except Exception as exc:
            raise corrupt(exc) from None
        if opened == PasswordType.NOT_DECRYPTED:
            raise ImportRejected(PASSWORD_REASON)
    return reader


def _page_count(reader: PdfReader, limits: Limits) -> int:
    try:
        count = len(reader.pages)
    except Exception as exc:
        raise corrupt(exc) from None
    if count > limits.max_pdf_pages:
        raise ImportRejected(f"PDF has {count:,} pages (limit {limits.max_pdf_pages:,})")
    if count == 0:
        raise corrupt("no pages")
    return count


def _page_texts(reader: PdfReader, count: int) -> tuple[list[str], list[int], bool]:
    """Normalised text of every page, in reading order; a page pypdf cannot read is left empty and
    reported. The flag tells whether right-to-left text had to be turned from visual into logical order."""
    raw_pages: list[str] = []
    failed: list[int] = []
    for number in range(count):
        try:
            raw_pages.append(reader.pages[number].extract_text() or "")
        except Exception:  # one bad page must not cost the other pages
            raw_pages.append("")
            failed.append(number + 1)
    visual = bidi.looks_visual("\n".join(raw_pages))
    texts = [_page_text(raw, visual) for raw in raw_pages]
    return texts, failed, visual


def _page_text(raw: str, visual: bool) -> str:
    text = normalize_text(raw)
    if visual:
        text = bidi.to_logical(text)
    return normalize_text(bidi.fold_presentation_forms(text)).strip()


def join_pages(texts: list[str]) -> tuple[str, tuple[int, ...]]:
    """Join page texts with a blank line; ``page_starts[i]`` is where page ``i + 1`` begins in the text."""
    starts: list[int] = []
    offset = 0
    for index, page in enumerate(texts):
        if index:
            offset += len(_PAGE_SEPARATOR)
        starts.append(offset)
        offset += len(page)
    return _PAGE_SEPARATOR.join(texts), tuple(starts)


def page_of(page_starts: tuple[int, ...], offset: int) -> int:
    """The 1-based page an offset falls on."""
    return max(bisect_right(page_starts, offset), 1)


def _warnings(texts: list[str], failed: list[int]) -> tuple[str, ...]:
    warnings: list[str] = []
    empty = [number for number, text in enumerate(texts, start=1) if not text and number not in failed]
    if len(empty) == len(texts):
        warnings.append(NO_TEXT_WARNING)
    elif empty:
        warnings.append(f"no text on {_pages(empty)} (scanned?)")
    if failed:
        warnings.append(f"text could not be read on {_pages(failed)}")
    return tuple(warnings)


def _pages(numbers: list[int]) -> str:
    shown = ", ".join(str(number) for number in numbers[:10])
    more = f" and {len(numbers) - 10} more" if len(numbers) > 10 else ""
    return f"page{'s' if len(numbers) > 1 else ''} {shown}{more}"


def _metadata(reader: PdfReader, text: str, page_count: int) -> SourceMetadata:
    """Title, author and language as the file states them. The creation date is *not* taken as the
    publication date: it is when some machine last wrote the file, often years off, and a wrong date
    would silently land on the timeline; it is kept in ``extra`` for the investigator to promote."""
    extra = {"pages": str(page_count)}
    try:
        info = reader.metadata
        title = _clean(info.title) if info else None
        author = _clean(info.author) if info else None
        if info is not None:
            extra.update(_dates(info.creation_date, info.modification_date))
            for key, value in (("producer", info.producer), ("creator", info.creator)):
                if cleaned := _clean(value):
                    extra[key] = cleaned
        declared = reader.root_object.get("/Lang")
    except Exception:  # broken metadata is not worth refusing the text for
        title = author = declared = None
    language = language_tag(str(declared)) if declared else None
    if reader.is_encrypted:
        extra["encrypted"] = "opened without a password"
    return SourceMetadata(title=title, author=author, language=language or guess_language(text), extra=extra)


def _dates(created: datetime | None, modified: datetime | None) -> dict[str, str]:
    found = {"created": created, "modified": modified}
    return {key: value.isoformat() for key, value in found.items() if value is not None}


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = normalize_text(" ".join(value.split()))
    return cleaned or None


PDF = PdfImporter()
