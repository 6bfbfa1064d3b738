"""Text the investigator pastes or types (a chat message, a transcript, a field note) as a source."""

from __future__ import annotations

from app.core.errors import ImportRejected
from app.core.records import Extraction, SourceKind, SourceMetadata
from app.core.textnorm import guess_language, normalize_text

EMPTY_NOTE_REASON = "the note is empty"
_TITLE_CHARS = 80


def extraction_from_pasted(text: str, title: str | None = None) -> Extraction:
    """An ``Extraction`` for pasted text; the title defaults to the note's first line."""
    normalised = normalize_text(text).strip()
    if not normalised:
        raise ImportRejected(EMPTY_NOTE_REASON)
    return Extraction(
        kind=SourceKind.NOTE,
        media_type="text/plain",
        text=normalised,
        metadata=SourceMetadata(
            title=_title(title, normalised),
            language=guess_language(normalised),
            extra={"entered": "pasted or typed by the investigator"},
        ),
    )


def pasted_original(text: str) -> bytes:
    """The bytes stored as the note's original (and hashed): its text exactly as given, in UTF-8."""
    return text.encode("utf-8")


def _title(title: str | None, text: str) -> str:
    given = " ".join(normalize_text(title or "").split())
    if given:
        return given
    first_line = " ".join(text.split("\n", 1)[0].split())
    return first_line if len(first_line) <= _TITLE_CHARS else first_line[: _TITLE_CHARS - 1] + "…"
