"""What a new source's text yields before any database sees it: its fields, its search form, its dates.

An import spends most of its CPU time on work that needs only the text: deciding the source's fields
(publication date, language), folding the text for the search index and finding its date expressions.
Done here, in pure functions, that work runs in the import's worker processes, in parallel, and the
case's single writer only inserts rows. ``CaseStore.add_source`` does the same work itself when it is
handed nothing prepared, or something prepared for other inputs, so a mistake costs time, never truth.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.dates import UncertainDate, normalize_edtf, parse
from app.core.errors import InvalidValue
from app.core.folding import fold
from app.core.records import Extraction, SourceMetadata
from app.core.textnorm import guess_language

if TYPE_CHECKING:
    from app.core.date_extraction import DateMention

#: Languages whose conventions the date extractor knows; any other is read as unknown.
DATE_LANGUAGES = ("en", "he", "ar", "ru")


@dataclass(frozen=True)
class SourceFields:
    """The descriptive fields a new source gets: what the investigator gave, else what the file said."""

    title: str
    published: str | None  # EDTF
    author: str | None
    publisher: str | None
    url: str | None
    language: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PreparedText:
    """The derived forms of one extracted text, and the inputs they were derived for.

    ``published`` and ``language`` are those the dates were resolved with: the writer uses ``dates`` only
    if the source it stores has the same two (and ``folded`` only for the same text).
    """

    text_check: int  # length and CRC-32 of the text they were derived from
    published: str | None
    language: str
    folded: str  # ``fold(text)``: what the search index holds
    dates: tuple[DateMention, ...]

    def fits(self, text: str, published: str | None, language: str) -> bool:
        return self.published == published and self.language == language and self.text_check == _check(text)


def source_fields(
    extraction: Extraction, overrides: SourceMetadata | None = None, filename: str | None = None
) -> SourceFields:
    """The fields of a source made from ``extraction``; ``overrides`` (the investigator's) win.

    A publication date the file states but that is not a date keeps its wording in ``extra`` and leaves
    the date empty; one the investigator gives must be valid (``InvalidValue`` otherwise).
    """
    found = extraction.metadata
    given = overrides or SourceMetadata()
    extra = dict(found.extra)
    published = given.published or found.published
    if published and published is not given.published:
        try:
            published = normalize_edtf(published)
        except InvalidValue:
            extra["published_as_found"] = published
            published = None
    elif published:
        published = normalize_edtf(published)
    title = given.title or found.title or title_from(extraction.text, filename)
    return SourceFields(
        title=title.strip()[:1000],
        published=published,
        author=given.author or found.author,
        publisher=given.publisher or found.publisher,
        url=given.url or found.url,
        language=given.language or found.language or guess_language(extraction.text),
        extra=extra,
    )


def title_from(text: str, filename: str | None) -> str:
    """A title for a source that states none: its file name, else its first line."""
    if filename:
        return Path(filename).stem or filename
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first_line[:120] or "Untitled"


def find_source_dates(text: str, published: str | None, language: str) -> list[DateMention]:
    """The date expressions stored for a source: ``published`` (EDTF) resolves years and relative ones."""
    from app.core.date_extraction import extract_dates  # local: the extractor costs start-up time

    return extract_dates(
        text,
        published=reference_date(published),
        language=language if language in DATE_LANGUAGES else None,
    )


def reference_date(published: str | None) -> UncertainDate | None:
    """The publication date as a reference for relative expressions, if the date model can hold it."""
    if not published:
        return None
    try:
        return parse(published)
    except InvalidValue:  # valid EDTF the date model cannot hold (e.g. 2019-XX): no reference date
        return None


def prepare_text(extraction: Extraction, overrides: SourceMetadata | None = None) -> PreparedText | None:
    """Fold and date an extracted text for ``CaseStore.add_source``; None if its fields are not valid
    (the writer then reports the problem with its own message)."""
    try:
        fields = source_fields(extraction, overrides)
    except InvalidValue:
        return None
    text = extraction.text
    return PreparedText(
        text_check=_check(text),
        published=fields.published,
        language=fields.language,
        folded=fold(text),
        dates=tuple(find_source_dates(text, fields.published, fields.language)),
    )


def _check(text: str) -> int:
    return (len(text) << 32) | zlib.crc32(text.encode("utf-8", "surrogatepass"))
