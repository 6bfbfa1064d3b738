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

import re
import subprocess
import unicodedata
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
