"""Reading a PDF back the way a reader's tools do: poppler's pdftotext, one string per page.

pdftotext keeps a run of Hebrew or Arabic letters in logical order, but on a page that is mostly
left-to-right it puts the *runs* of a right-to-left line in visual order, each wrapped in embedding marks
(RLE … PDF): a Hebrew sentence with a number or a comma in it comes out with its pieces swapped. That is
the extractor's reading, not the PDF's content (Qt writes the glyphs with their characters; the order on
the page is right). ``logical`` undoes it for the lines that are mostly right-to-left: their runs, as the
marks delimit them, are put back in reading order (right to left). Arabic comes out in presentation
forms, which NFKC folds back to the letters.
"""

from __future__ import annotations

import html
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_EMBEDDINGS = "\u202a\u202b\u202d\u202e"
_POP = "\u202c"


def pdf_pages(path: Path) -> list[str]:
    """The text of every page (pdftotext's reading order, marks kept)."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def plain(text: str) -> str:
    """Marks removed, presentation forms and ligatures folded (NFKC)."""
    return unicodedata.normalize("NFKC", MARKS.sub("", text))


def _runs(line: str) -> list[str]:
    runs: list[str] = []
    current = ""
    for char in line:
        if char in _EMBEDDINGS or char == _POP:
            if current:
                runs.append(current)
            current = ""
        else:
            current += char
    if current:
        runs.append(current)
    return runs


def _mostly_rtl(line: str) -> bool:
    rtl = sum(unicodedata.bidirectional(c) in ("R", "AL") for c in line)
    ltr = sum(unicodedata.bidirectional(c) == "L" for c in line)
    return rtl > ltr


def logical(text: str) -> str:
    """``text`` with each mostly right-to-left line's runs back in reading order, then ``plain``."""
    lines = []
    for line in text.splitlines():
        runs = _runs(line)
        lines.append("".join(reversed(runs)) if _mostly_rtl(line) else "".join(runs))
    return plain("\n".join(lines))


def squash(text: str) -> str:
    """Without any white space: the extractor moves spaces around numbers and punctuation."""
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class Glyphs:
    """A word (or, for Hebrew and Arabic, often a single letter) as ``pdftotext -bbox`` places it, in
    points from the page's top left; ``text`` is NFKC-folded (Arabic presentation forms → letters)."""

    text: str
    left: float
    top: float
    right: float
    bottom: float


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def page_words(path: Path, page: int) -> list[Glyphs]:
    """The words of page ``page`` (1-based) with their boxes: where a reader *sees* each piece of text."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        Glyphs(plain(html.unescape(text)), float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, text in _WORD.findall(out)
    ]


def lines_with(words: list[Glyphs], text: str) -> list[list[Glyphs]]:
    """The lines that hold the word ``text``: for each such word, the words whose vertical middles lie in
    its box, left to right."""
    return [
        sorted(
            (word for word in words if anchor.top <= (word.top + word.bottom) / 2 <= anchor.bottom),
            key=lambda word: word.left,
        )
        for anchor in words
        if anchor.text == text
    ]


def visual(words: list[Glyphs]) -> str:
    """The characters of ``words`` as they stand on the page, left to right (letters of a right-to-left
    word come out reversed, as they are seen)."""
    return "".join(
        word.text if len(word.text) == 1 or not _mostly_rtl(word.text) else word.text[::-1] for word in words
    )
