"""Hebrew and Arabic that a PDF stores in *visual* order, put back into reading (logical) order.

Many PDF producers draw right-to-left text as glyph runs laid out left to right, so a text extractor
returns "רהנה לעמ" for "מעל הנהר". Searching such text finds nothing. Whether a document is stored that
way shows in its words: a Hebrew final letter (ם ן ץ ף ך) or an Arabic ة/ى can only end a word, so a word
that *starts* with one is reversed; Arabic presentation forms tell the same by their shapes. When a
document's words say "visual", every right-to-left run of each line is reversed in place, leaving
numbers and Latin words as they read. Brackets are not mirrored: producers that reverse store the bracket
characters reversed along with the letters. Arabic presentation forms are then folded to ordinary letters.
"""

from __future__ import annotations

import re
import unicodedata

_HEBREW_LETTERS = "\u05d0-\u05ea"
_ARABIC_LETTERS = "\u0621-\u064a\u0671-\u06d3\ufb50-\ufdff\ufe70-\ufefc"
_RTL = "\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
_RTL_WORD = re.compile(f"[{_HEBREW_LETTERS}]+|[{_ARABIC_LETTERS}]+")
# A run of right-to-left text as one producer fragment: RTL characters with the spaces and punctuation
# between them, plus the spaces and sentence punctuation at its edges (they were reversed with it).
_EDGE = r"[\s\-.,:;!?]*"
_RTL_RUN = re.compile(f"{_EDGE}[{_RTL}](?:[{_RTL}\\s\\-.,:;!?()\\[\\]\"'׳״]*[{_RTL}])?{_EDGE}")
_GLUED = re.compile(
    f"(?<=[{_RTL}])(?=[A-Za-z0-9\u00c0-\u024f\u0400-\u04ff])|(?<=[A-Za-z0-9\u00c0-\u024f\u0400-\u04ff])(?=[{_RTL}])"
)
_SPACES = re.compile(r"[ \t]{2,}")
_PRESENTATION_FORMS = re.compile("[\ufb1d-\ufdff\ufe70-\ufefc]+")
_HEBREW_FINALS = frozenset("ךםןףץ")
_HEBREW_PLAIN = frozenset("כמנפצ")
# An RTL word with sentence punctuation glued before it (visual order) or after it (logical order).
_PUNCTUATED = re.compile(
    f"(?:(?<=\\s)|^)(?P<before>[.,:;!?،؛؟]?)[{_RTL}]+(?P<after>[.,:;!?،؛؟]?)(?=\\s|$)", re.MULTILINE
)
_ARABIC_WORD_FINAL = frozenset("ةى")
_ARTICLE_START = re.compile("[وفبكل]?ال|لل")  # the article, maybe after a one-letter prefix
_ARTICLE_END = re.compile("لا[وفبكل]?$|لل$")


def evidence(text: str) -> tuple[int, int]:
    """How many signs say visual order, and how many say logical order.

    Signs: Hebrew's five letters with a final form (a final form ends a word, the plain form does not);
    Arabic's word-final ة and ى and its word-initial article ال (also وال, بال, لل …); the shapes of
    Arabic presentation forms; and punctuation, which follows a word in reading order and so precedes
    it once the word is reversed.
    """
    visual = logical = 0
    for word in _RTL_WORD.findall(text):
        if len(word) >= 2:
            found_visual, found_logical = _word_signs(word)
            visual += found_visual
            logical += found_logical
    for match in _PUNCTUATED.finditer(text):
        if match.group("before"):
            visual += 1
        if match.group("after"):
            logical += 1
    return visual, logical


def _word_signs(word: str) -> tuple[int, int]:
    first, last = word[0], word[-1]
    visual = (
        (first in _HEBREW_FINALS)
        + (last in _HEBREW_PLAIN)
        + (first in _ARABIC_WORD_FINAL)
        + (_shape(first) == "final")
        + (_shape(last) == "initial")
        + (len(word) > 3 and _ARTICLE_END.search(word) is not None)
    )
    logical = (
        (last in _HEBREW_FINALS)
        + (first in _HEBREW_PLAIN)
        + (last in _ARABIC_WORD_FINAL)
        + (_shape(last) == "final")
        + (_shape(first) == "initial")
        + (len(word) > 3 and _ARTICLE_START.match(word) is not None)
    )
    return visual, logical


def looks_visual(text: str) -> bool:
    visual, logical = evidence(text)
    return visual >= 2 and visual > 2 * logical


def to_logical(text: str) -> str:
    """Reorder every line of a visually stored text (see the module docstring)."""
    return "\n".join(_line_to_logical(line) for line in text.split("\n"))


def _line_to_logical(line: str) -> str:
    """Reverse each right-to-left run in place.

    Producers differ: some reverse a whole line, others reverse each right-to-left fragment but keep the
    fragments in reading order. Reversing run by run gets every word right in both cases (the order of
    runs split by a number may stay off in the first); a space is then put where a reversed run ended up
    glued to a Latin word or a number, and doubled spaces are collapsed.
    """
    reordered = _RTL_RUN.sub(lambda match: match.group()[::-1], line)
    if reordered == line:
        return line
    return _SPACES.sub(" ", _GLUED.sub(" ", reordered)).strip(" ")


def fold_presentation_forms(text: str) -> str:
    """Arabic (and Hebrew) presentation forms to the ordinary letters that searching expects."""
    return _PRESENTATION_FORMS.sub(lambda match: unicodedata.normalize("NFKC", match.group()), text)


def _shape(char: str) -> str:
    decomposition = unicodedata.decomposition(char)
    if decomposition.startswith("<"):
        return decomposition[1 : decomposition.index(">")]
    return ""
