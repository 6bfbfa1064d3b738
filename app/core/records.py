"""Frozen value objects exchanged between layers.

The store hands these out instead of live ORM rows, importers produce them, the UI and CLI display them.
Offsets (``start``/``end``) everywhere are code-point indices into a source's stored, normalised text
(Python ``str`` indices), half-open: ``text[start:end]``. That text never changes after import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class SourceKind(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"
    EMAIL = "email"
    NOTE = "note"


class Reliability(StrEnum):
    """Source reliability on the Admiralty scale; F means it cannot be judged."""

    A = "A"  # completely reliable
    B = "B"  # usually reliable
    C = "C"  # fairly reliable
    D = "D"  # not usually reliable
    E = "E"  # unreliable
    F = "F"  # reliability cannot be judged


class Stance(StrEnum):
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    CONTEXT = "context"


class Confidence(StrEnum):
    CONFIRMED = "confirmed"
    PROBABLE = "probable"
    POSSIBLE = "possible"
    DOUBTFUL = "doubtful"
    UNKNOWN = "unknown"


class ImportStatus(StrEnum):
    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    FAILED = "failed"
    SKIPPED = "skipped"  # a hidden file in a folder, an attachment in a format not read: left out, said so


@dataclass(frozen=True)
class SourceMetadata:
    """Descriptive metadata an importer found (or the user supplied); every field optional."""

    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: str | None = None  # EDTF string, e.g. "2023-07-31" or "2023-07"
    url: str | None = None
    language: str | None = None  # BCP-47 primary tag: "he", "ar", "ru", "en", "und"
    extra: Mapping[str, str] = field(default_factory=dict)  # e.g. e-mail headers, DOCX properties


@dataclass(frozen=True)
class Attachment:
    """A file carried inside another (an e-mail attachment); imported as its own source."""

    filename: str
    data: bytes
    media_type: str | None = None


@dataclass(frozen=True)
class Extraction:
    """What an importer makes of one original: normalised text plus what it learned about it.

    ``text`` is already normalised (``app.core.textnorm.normalize_text``); ``page_starts`` holds the offset
    in ``text`` where each page begins (PDF), so an offset maps to a page by bisection.
    """

    kind: SourceKind
    media_type: str
    text: str
    metadata: SourceMetadata = field(default_factory=SourceMetadata)
    page_starts: tuple[int, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseInfo:
    title: str
    investigator: str
    created_at: datetime
    notes: str
    schema_revision: str
    source_count: int


@dataclass(frozen=True)
class SourceSummary:
    """One row of the sources list."""

    id: int
    title: str
    kind: SourceKind
    language: str
    published: str | None
    imported_at: datetime
    size: int
    reliability: Reliability
    parent_id: int | None = None


@dataclass(frozen=True)
class SourceDetail:
    """Everything the inspector shows about one source."""

    id: int
    title: str
    kind: SourceKind
    original_filename: str | None
    media_type: str
    size: int
    sha256: str
    imported_at: datetime
    imported_by: str
    published: str | None
    author: str | None
    publisher: str | None
    url: str | None
    language: str
    reliability: Reliability
    notes: str
    parent_id: int | None
    extra: Mapping[str, str]
    text_length: int
    page_starts: tuple[int, ...]


@dataclass(frozen=True)
class AddedSource:
    """Result of adding one original to the case: a new source, or the one that already holds the bytes."""

    source_id: int
    duplicate: bool


@dataclass(frozen=True)
class ImportOutcome:
    """One line of an import report."""

    path: str
    status: ImportStatus
    source_id: int | None = None
    reason: str = ""
    parent_path: str | None = None  # for e-mail attachments: the e-mail they came from


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Snippet:
    """A short excerpt of a text around hits; ``highlights`` are offsets into ``text`` (the excerpt)."""

    text: str
    start: int  # offset of the excerpt in the source text
    highlights: tuple[Span, ...]


#: Matches listed per source in a search result: enough to show and count, bounded for huge texts.
MAX_HITS_LISTED = 1000


@dataclass(frozen=True)
class SearchHit:
    source_id: int
    title: str
    score: float
    hits: tuple[Span, ...]  # the matches in the source text, in order (the first ``MAX_HITS_LISTED``)
    snippet: Snippet
    title_hits: tuple[Span, ...] = ()  # matches in the title
    more_hits: bool = False  # the text holds more matches than ``hits`` lists


@dataclass(frozen=True)
class VerifyProblem:
    what: str  # "hash", "integrity", "foreign-key", "text"
    detail: str


@dataclass(frozen=True)
class VerifyReport:
    sources_checked: int
    problems: tuple[VerifyProblem, ...]
    not_checked: tuple[str, ...] = ()  # checks that could not run here, and why

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class SearchResults:
    query: str
    total: int  # sources matching, of which ``hits`` is one page
    hits: tuple[SearchHit, ...]


@dataclass(frozen=True)
class FieldEdit:
    """An applied edit of some fields of one object: enough to undo it (apply ``before``) or redo it."""

    object_type: str
    object_id: int
    before: Mapping[str, object]
    after: Mapping[str, object]

    @property
    def changed(self) -> bool:
        return self.before != self.after


class ChangeKind(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    REMOVED = "removed"


@dataclass(frozen=True)
class Change:
    """What a committed transaction changed, so views refresh just that (store → change → views)."""

    kind: ChangeKind
    object_type: str  # "source", "case", "entity", "event", …
    ids: tuple[int, ...]


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: int | None
    before: Mapping[str, object] | None
    after: Mapping[str, object] | None
