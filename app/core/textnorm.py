"""Normalisation applied once, at import, to every extracted text.

After this step a source's text never changes, so every offset stored against it stays valid forever.
We apply Unicode NFC, unify line endings to ``\\n``, and drop invisible junk that breaks matching
(zero-width spaces, byte-order marks, soft hyphens, stray C0/C1 controls). Bidi marks and ZWNJ/ZWJ carry
meaning for right-to-left and Persian text and are kept; matching ignores them instead.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

_INVISIBLE_JUNK = re.compile(
    "["
    "\u200b"  # zero-width space
    "\ufeff"  # byte-order mark / zero-width no-break space
    "\u2060"  # word joiner
    "\u00ad"  # soft hyphen
    "\u180e"  # Mongolian vowel separator (often junk)
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"  # C0 controls except tab and newline (CR handled before)
    "\x80-\x9f"  # C1 controls
    "]"
)
_LINE_BREAKS = re.compile("\r\n|\r|\u2028|\u2029|\x85")


def normalize_text(raw: str) -> str:
    """Return the canonical stored form of an extracted text (idempotent)."""
    text = _LINE_BREAKS.sub("\n", raw)
    text = _INVISIBLE_JUNK.sub("", text)
    return unicodedata.normalize("NFC", text)


class Script(StrEnum):
    HEBREW = "Hebr"
    ARABIC = "Arab"
    CYRILLIC = "Cyrl"
    LATIN = "Latn"
    UNKNOWN = "Zyyy"


_SCRIPT_RANGES: tuple[tuple[Script, int, int], ...] = (
    (Script.HEBREW, 0x0590, 0x05FF),
    (Script.HEBREW, 0xFB1D, 0xFB4F),
    (Script.ARABIC, 0x0600, 0x06FF),
    (Script.ARABIC, 0x0750, 0x077F),
    (Script.ARABIC, 0x08A0, 0x08FF),
    (Script.ARABIC, 0xFB50, 0xFDFF),
    (Script.ARABIC, 0xFE70, 0xFEFF),
    (Script.CYRILLIC, 0x0400, 0x052F),
    (Script.LATIN, 0x0041, 0x005A),
    (Script.LATIN, 0x0061, 0x007A),
    (Script.LATIN, 0x00C0, 0x024F),
    (Script.LATIN, 0x1E00, 0x1EFF),
)


def char_script(char: str) -> Script:
    code = ord(char)
    for script, low, high in _SCRIPT_RANGES:
        if low <= code <= high:
            return script
    return Script.UNKNOWN


_NOT_A_LETTER = re.compile(r"[\W\d_]+")
_SCRIPT_PATTERNS: dict[Script, re.Pattern[str]] = {
    script: re.compile(
        "["
        + "".join(f"\\u{low:04x}-\\u{high:04x}" for name, low, high in _SCRIPT_RANGES if name is script)
        + "]"
    )
    for script in (Script.HEBREW, Script.ARABIC, Script.CYRILLIC, Script.LATIN)
}


def script_counts(text: str, sample: int = 5_000) -> dict[Script, int]:
    """Count letters per script in (a prefix of) ``text``; marks and punctuation are not counted.

    Regular expressions rather than a loop over characters: this runs on every imported text.
    """
    letters = _NOT_A_LETTER.sub("", text[:sample])
    counts = {
        script: len(letters) - len(pattern.sub("", letters)) for script, pattern in _SCRIPT_PATTERNS.items()
    }
    return {script: count for script, count in counts.items() if count}


def dominant_script(text: str) -> Script:
    counts = script_counts(text)
    if not counts:
        return Script.UNKNOWN
    return max(counts, key=lambda script: counts[script])


_ENGLISH_MARKERS = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "in",
        "is",
        "was",
        "for",
        "that",
        "on",
        "with",
        "as",
        "by",
        "at",
        "from",
        "said",
        "were",
        "has",
        "have",
        "this",
        "it",
        "be",
        "are",
    ]
)
_SCRIPT_LANGUAGE = {Script.HEBREW: "he", Script.ARABIC: "ar", Script.CYRILLIC: "ru"}


def guess_language(text: str) -> str:
    """Guess a source's language from its script (and, for Latin, common English words).

    This is a first guess the investigator can edit: Hebrew script gives ``he``, Arabic ``ar``, Cyrillic
    ``ru``; Latin text is ``en`` when English function words are frequent, else ``und`` (undetermined).
    """
    script = dominant_script(text)
    if script in _SCRIPT_LANGUAGE:
        return _SCRIPT_LANGUAGE[script]
    if script is Script.LATIN:
        words = re.findall(r"[a-z]+", text[:20_000].lower())
        if words and sum(word in _ENGLISH_MARKERS for word in words) / len(words) > 0.08:
            return "en"
    return "und"


#: The explicit bidi formatting characters (embeddings, overrides, isolates and their pops) by their
#: Unicode abbreviations. Bidi *marks* (LRM, RLM, ALM) are not among them: they only act as a strong
#: letter would, and cannot make text read in an order other than the one it is stored in.
BIDI_CONTROL_NAMES: dict[str, str] = {
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
}
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
BIDI_CONTROL_MARKER = re.compile("⟦(?:" + "|".join(BIDI_CONTROL_NAMES.values()) + ")⟧")


def reveal_bidi_controls(text: str) -> str:
    """``text`` with each explicit bidi control replaced by a visible, inert marker ("⟦RLO⟧").

    For what is *shown* of stored text (a report, a page to read), never for what is stored. An override
    reorders what follows it on screen, so "report\\u202eexe.fdp" displays as "reportpdf.exe": the stored
    characters and the displayed ones differ, which is how file names and amounts get spoofed. Shown as
    markers (plain letters and brackets, neutral to the bidi algorithm) the text reads in the order it is
    stored, and the reader sees that a control was there. ``BIDI_CONTROL_MARKER`` finds the markers.
    """
    if not _BIDI_CONTROLS.search(text):
        return text
    return _BIDI_CONTROLS.sub(lambda found: f"⟦{BIDI_CONTROL_NAMES[found.group()]}⟧", text)


def span_problem(text: str, start: int, end: int, *, what: str = "span", trimmed: bool = False) -> str:
    """Why ``text[start:end]`` cannot be stored as a span (a mention, a quote); "" if it can.

    Offsets count code points of the stored text. A span may not be empty or reversed, leave the text, or
    cut a letter from its combining marks (niqqud, harakat, accents): "בְּפְ" without the vowel of its last
    letter misquotes the source. ``trimmed``: it may not begin or end with white space either (a name).
    """
    if not isinstance(start, int) or not isinstance(end, int):
        return f"The {what} needs whole-number offsets."
    if start >= end:
        return f"The {what} {start}–{end} is empty: its end must come after its start."
    if start < 0 or end > len(text):
        return f"The {what} {start}–{end} is outside the source's text, which has {len(text)} characters."
    if unicodedata.combining(text[start]):
        return f"The {what} {start}–{end} starts inside a letter (on its vowel or accent marks)."
    if end < len(text) and unicodedata.combining(text[end]):
        return f"The {what} {start}–{end} ends inside a letter: the marks after it belong to its last letter."
    if trimmed and (text[start].isspace() or text[end - 1].isspace()):
        return f"The {what} {start}–{end} begins or ends with a space or a line break."
    return ""
