"""Search folding: the one place that decides which spellings of a word count as the same word.

``fold`` produces the text the full-text index stores and the form every query word is compared in; the
regex matcher (``app.core.matching``) is derived from the very same table, so the index and the
highlighter cannot disagree about what matches.

What folding ignores or merges, and why:

* Case (``str.casefold``: Latin, Greek, Cyrillic; ß → ss, ﬁ → fi).
* Every combining mark (Unicode category Mn/Me): Latin accents (é → e), Greek tonos, Russian stress
  marks, Hebrew niqqud and cantillation, Arabic harakat. Investigators type without them.
* Invisible format characters kept in stored text: bidi marks and isolates, ZWJ/ZWNJ, the Arabic letter
  mark, and the Arabic tatweel (a stretching stroke, not a letter).
* A few Latin letters that English-language sources routinely write without their stroke:
  ł ø đ ħ ŧ ı → l o d h t i, and æ œ → ae oe.
* Russian ё → е (and the stressed ѐ ѝ → е и); й, ї, ў and other Cyrillic letters stay distinct.
* Hebrew final letters ך ם ן ף ץ → כ מ נ פ צ; geresh ׳ → ' and gershayim ״ → " (both separate words,
  exactly like the ASCII marks typed on a Hebrew keyboard). Hebrew presentation forms → plain letters.
* Arabic hamza is treated as a mark on any seat: أ إ آ ٱ → ا, ؤ → و, ئ → ي (a lone ء stays a letter);
  ى → ي, ة → ه, Persian ی ک → ي ك; Arabic-Indic and Persian digits → 0-9; presentation forms (common in
  text extracted from PDFs) → plain letters, so the lam-alef ligature ﻻ becomes لا.
* Every character that is neither a token character (letter, digit, private use) nor ASCII becomes a
  space. SQLite's ``unicode61`` tokenizer knows Unicode 6.1 only and would glue newer symbols (recent
  emoji, the rouble sign ₽ …) to the neighbouring word; after folding it only ever sees letters, digits
  and ASCII punctuation, so ``tokenize`` below gives exactly its tokens.

Hebrew and Arabic attach prepositions, conjunctions and the article to the next word, so a search for a
name must also find it with those prefixes; the prefix lists and their real orthography live here too.
"""

from __future__ import annotations

import array
import re
import unicodedata
from collections.abc import Iterable

# --- the fold table -------------------------------------------------------------------------------

#: Invisible characters removed besides combining marks: tatweel, Arabic letter mark, ZWNJ, ZWJ, LRM,
#: RLM, the bidi embeddings/overrides and the bidi isolates.
FORMAT_IGNORABLES = (
    "\u0640\u061c\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

_LETTER_MAP = {
    # Hebrew final letters and the Hebrew punctuation that stands in for ASCII quote marks
    "ך": "כ",
    "ם": "מ",
    "ן": "נ",
    "ף": "פ",
    "ץ": "צ",
    "\u05f3": "'",
    "\u05f4": '"',
    # Arabic: alef wasla and wavy-hamza alefs, alef maksura, teh marbuta, Persian yeh and keheh
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ى": "ي",
    "ة": "ه",
    "ی": "ي",
    "ک": "ك",
    # Latin letters with a stroke or ligatures that English text usually writes plainly
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ħ": "h",
    "ŧ": "t",
    "ı": "i",
    "æ": "ae",
    "œ": "oe",
}
_LETTER_MAP.update({chr(0x0660 + digit): str(digit) for digit in range(10)})  # Arabic-Indic digits
_LETTER_MAP.update({chr(0x06F0 + digit): str(digit) for digit in range(10)})  # Persian digits

#: Characters whose canonical decomposition carries a mark but that are letters of their own.
_CYRILLIC_FOLDED = frozenset("ёѐѝ")

# Letters that SQLite's Unicode 6.1 tables treat as separators although they are letters today
# (New Tai Lue vowel signs re-categorised in Unicode 8, two Vedic signs); fold them to spaces.
_FTS_SEPARATOR_LETTERS = [*range(0x19B0, 0x19C1), 0x19C8, 0x19C9, 0x1CF2, 0x1CF3]

_FOLD_RANGES = (
    (0x00C0, 0x024F),  # Latin-1 letters, Latin Extended-A and -B
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x052F),  # Cyrillic and Cyrillic Supplement
    (0x0590, 0x05FF),  # Hebrew
    (0x0600, 0x06FF),  # Arabic
    (0x0750, 0x077F),  # Arabic Supplement
    (0x08A0, 0x08FF),  # Arabic Extended-A
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x1F00, 0x1FFF),  # Greek Extended
    (0xFB00, 0xFB4F),  # Latin and Hebrew presentation forms
    (0xFB50, 0xFDFF),  # Arabic presentation forms A
    (0xFE70, 0xFEFF),  # Arabic presentation forms B
)
_PRESENTATION_FORMS = ((0xFB1D, 0xFB4F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
_MARK_CATEGORIES = frozenset({"Mn", "Me"})


def _in_ranges(code: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _strip_marks(text: str) -> str:
    out: list[str] = []
    for char in text:
        keep_whole = "\u0400" <= char <= "\u052f" and char not in _CYRILLIC_FOLDED
        for piece in char if keep_whole else unicodedata.normalize("NFD", char):
            if unicodedata.category(piece) not in _MARK_CATEGORIES and piece not in FORMAT_IGNORABLES:
                out.append(_LETTER_MAP.get(piece, piece))
    return "".join(out)


def _fold_char(char: str) -> str:
    code = ord(char)
    if char not in _LETTER_MAP and not unicodedata.decomposition(char) and char.casefold() == char:
        return char  # nothing to fold (marks and format characters are deleted before this is asked)
    if _in_ranges(code, _PRESENTATION_FORMS):
        if not unicodedata.category(char).startswith(("L", "M")):
            return char  # ornate brackets, the rial sign …: plain punctuation/symbols
        compat = unicodedata.normalize("NFKC", char)
        if " " in compat and _strip_marks(compat.casefold()).strip():
            return char  # whole-phrase ligatures (ﷺ): a word sequence, not a letter
        char = compat.replace(" ", "")
    return _strip_marks(char.casefold())


FoldTable = list[int | str | None]  # for ``str.translate``: code point → same code point, text, or deletion


def _bmp() -> str:
    """Every code point of the Basic Multilingual Plane, in order (surrogates included)."""
    return array.array("I", range(0x10000)).tobytes().decode("utf-32-le", "surrogatepass")


_BMP = _bmp()


def _marks() -> Iterable[int]:
    """Code points of the combining marks (Mn, Me) in the plane, found without a Python-level loop."""
    categories = "|".join(map(unicodedata.category, _BMP))  # three characters per code point
    return (match.start() // 3 for match in re.finditer("M[ne]", categories))


def _build_table() -> FoldTable:
    """The per-character fold of the Basic Multilingual Plane, applied after ``str.casefold``.

    A list rather than a dict: ``str.translate`` indexes it without hashing, twice as fast on non-ASCII
    text; code points beyond it raise ``IndexError`` and are left unchanged.
    """
    table: FoldTable = list(range(0x10000))
    for code in _marks():
        table[code] = None
    for char in FORMAT_IGNORABLES:
        table[ord(char)] = None
    for low, high in _FOLD_RANGES:
        for code in range(low, high + 1):
            if table[code] is not None:
                folded = _fold_char(chr(code))
                if folded != chr(code):
                    table[code] = folded or None
    for code in _FTS_SEPARATOR_LETTERS:
        table[code] = " "
    return table


def changes_pattern(table: FoldTable, extra: str = "") -> re.Pattern[str]:
    """A regex class of the characters ``table`` changes (plus ``extra``, a class body).

    Substituting only these is 1.5 to 5 times faster than ``str.translate`` over every character.
    """
    ranges: list[list[int]] = []
    for code, value in enumerate(table):
        if value != code:
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    body = "".join(
        re.escape(chr(low)) + (f"-{re.escape(chr(high))}" if high > low else "") for low, high in ranges
    )
    return re.compile(f"[{body}{extra}]")


_TABLE = _build_table()
_ASTRAL_MARKS = "\U000e0100-\U000e01ef"  # variation selectors supplement: deleted too
_CHANGES = changes_pattern(_TABLE, _ASTRAL_MARKS)
_CO = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"  # private use: tokens for SQLite too
#: A regex fragment for one token character (letter, digit, private use), for patterns built elsewhere.
TOKEN_CHAR_PATTERN = f"(?:[^\\W_]|[{_CO}])"
_NON_TOKEN_RUN = re.compile(f"[^\\w\\x00-\\x7f{_CO}]+")
_TOKEN = re.compile(TOKEN_CHAR_PATTERN + "+")


def _changed(match: re.Match[str]) -> str:
    char = match.group()
    value = _TABLE[ord(char)] if char < "\U00010000" else None
    return value if isinstance(value, str) else ""


def fold(text: str) -> str:
    """The search-folded form of ``text``, for the index and for query words (not length-preserving)."""
    if text.isascii():
        return text.lower()  # nothing in ASCII folds beyond case, and ASCII separators stay
    return _NON_TOKEN_RUN.sub(" ", _CHANGES.sub(_changed, split_tatweel_joins(text).casefold()))


_ARABIC_SCRIPT = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_TATWEEL_JOIN = re.compile(f"\u0640+(?=[^\\W_{_ARABIC_SCRIPT}])")


def split_tatweel_joins(text: str) -> str:
    """Tatweels that join an Arabic proclitic to a word in another script (لـNK News, بـIl-62M, لـ2023)
    become spaces, one each (length-preserving): the stroke is written exactly there so that the letter
    does not look detached, and deleting it, as elsewhere, would glue the proclitic to the name."""
    if "\u0640" not in text:
        return text
    return _TATWEEL_JOIN.sub(lambda match: " " * len(match.group()), text)


def fold_table() -> FoldTable:
    """A copy of the table ``fold`` applies after case folding (the matcher derives its own from it)."""
    return list(_TABLE)


def _is_long(value: int | str | None) -> bool:
    return isinstance(value, str) and len(value) > 1


def expanding_characters() -> frozenset[str]:
    """The characters that fold to more than one character: ß, ﬁ, æ, İ, the lam-alef ligature ﻻ …"""
    several = {
        chr(code) for low, high in _FOLD_RANGES for code in range(low, high + 1) if _is_long(_TABLE[code])
    }
    for start in range(0, 0x10000, 0x1000):  # multi-character case foldings are all in this plane
        chunk = _BMP[start : start + 0x1000]
        if len(chunk.casefold()) != len(chunk):
            several.update(char for char in chunk if len(char.casefold()) > 1)
    return frozenset(several)


def tokenize(folded: str) -> list[str]:
    """Split folded text into the tokens SQLite FTS5's ``unicode61 remove_diacritics 2`` produces for it.

    Token characters are letters, digits and private-use characters; everything else (underscore,
    apostrophe, quote, hyphen, maqaf …) separates tokens.
    """
    return _TOKEN.findall(folded)


def is_token_text(text: str) -> bool:
    """True when ``text`` is exactly one token: non-empty and made of token characters only."""
    return _TOKEN.fullmatch(text) is not None


# --- Hebrew and Arabic proclitics -----------------------------------------------------------------

#: Hebrew prefix letters as written before a word (folded). The slots are: conjunction ו; relative ש or
#: the compounds כש (when), מש (since), לכש (once, literary); a preposition ב כ ל מ; the article ה. The
#: article is written after מ (מהבית) but swallowed by ב כ ל (בבית = in the house), so בה/כה/לה are not
#: prefixes; words starting with ה get that elided form separately (``prefixed_variants``).
HEBREW_PREFIXES: tuple[str, ...] = (
    *("ו", "ה", "ב", "כ", "ל", "מ", "ש"),
    *("וה", "וב", "וכ", "ול", "ומ", "וש", "מה", "שה", "שב", "שכ", "של", "שמ", "כש", "מש"),
    *("ומה", "ושה", "ושב", "ושכ", "ושל", "ושמ", "שמה", "כשה", "כשב", "כשל", "כשמ", "וכש", "ומש", "לכש"),
    *("ושמה", "כשמה", "וכשה", "וכשב", "וכשל", "וכשמ", "ולכש"),
)
#: The prefixes that end in ב, כ or ל: before a word with the article ה they swallow it.
_HEBREW_ELIDING = tuple(prefix for prefix in HEBREW_PREFIXES if prefix[-1] in "בכל")

#: Arabic proclitics (folded): conjunctions و ف, prepositions ب ك ل, the article ال and their legal
#: combinations. ل + ال is written لل (للكتاب). The future marker س only precedes verbs and is left out.
ARABIC_PREFIXES: tuple[str, ...] = (
    *("و", "ف", "ب", "ك", "ل"),
    *("وب", "فب", "وك", "فك", "ول", "فل"),
    *("ال", "وال", "فال", "بال", "كال", "لل"),
    *("وبال", "فبال", "وكال", "فكال", "ولل", "فلل"),
)
_ARABIC_NO_ARTICLE = tuple(prefix for prefix in ARABIC_PREFIXES if not prefix.endswith(("ال", "لل")))
_ARABIC_LAM = ("ل", "ول", "فل")  # prefixes ending in the preposition ل, which eats the alef of ال
_MIN_NAME = 2  # never add prefixes to, or strip them down to, fewer letters than this


def _is_hebrew_letter(char: str) -> bool:
    return "\u05d0" <= char <= "\u05ea" or "\u05f0" <= char <= "\u05f2"


def is_hebrew_word(folded_word: str) -> bool:
    """True when the (folded) word starts with a Hebrew letter."""
    return bool(folded_word) and _is_hebrew_letter(folded_word[0])


def _is_arabic_letter(char: str) -> bool:
    code = ord(char)
    return (
        0x0620 <= code <= 0x064A
        or 0x066E <= code <= 0x06D5
        or 0x06EE <= code <= 0x06FF
        or 0x0750 <= code <= 0x077F
        or 0x08A0 <= code <= 0x08FF
    ) and unicodedata.category(char) == "Lo"


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def hebrew_prefix_forms(folded_word: str) -> tuple[tuple[str, str], ...]:
    """``(prefix, rest)`` pairs such that ``prefix + rest`` is a prefixed spelling of the word.

    ``rest`` is the word itself, or the word without its article ה after a preposition that swallows it.
    Empty for a word that is not Hebrew or is too short.
    """
    if len(folded_word) < _MIN_NAME or not _is_hebrew_letter(folded_word[0]):
        return ()
    starts_with_article = folded_word[0] == "ה"
    forms = [
        (prefix, folded_word) for prefix in HEBREW_PREFIXES if not (starts_with_article and prefix[-1] == "ה")
    ]
    if starts_with_article and len(folded_word) > _MIN_NAME:
        forms += [(prefix, folded_word[1:]) for prefix in _HEBREW_ELIDING]
    return tuple(forms)


def arabic_prefix_forms(folded_word: str) -> tuple[tuple[str, str], ...]:
    """``(prefix, rest)`` pairs such that ``prefix + rest`` is a prefixed spelling of the word.

    A bare word takes every proclitic including the article (ال, بال, لل …). A word that already has the
    article takes و ف ب ك and their pairs, and with ل the article's alef drops: ل + الكتاب = للكتاب, and
    ل + الليل = لليل (three lams are written as two). Since ال may also be root letters (الف, thousand),
    ل + word is kept as well.
    """
    if len(folded_word) < _MIN_NAME or not _is_arabic_letter(folded_word[0]):
        return ()
    if folded_word.startswith("ال") and len(folded_word) >= 2 + _MIN_NAME:
        forms = [(prefix, folded_word) for prefix in _ARABIC_NO_ARTICLE]
        rest = folded_word[2:] if folded_word.startswith("الل") else folded_word[1:]
        forms += [(prefix, rest) for prefix in _ARABIC_LAM]
        return tuple(forms)
    lam_initial = folded_word[0] == "ل"  # ل + ال + ليل is لليل, already produced by ل + ليل
    return tuple(
        (prefix, folded_word) for prefix in ARABIC_PREFIXES if not (lam_initial and prefix.endswith("لل"))
    )


def prefix_forms(folded_word: str) -> tuple[tuple[str, str], ...]:
    """``(prefix, rest)`` pairs for the word's script; empty for Latin, Cyrillic, digits and short words."""
    return hebrew_prefix_forms(folded_word) or arabic_prefix_forms(folded_word)


def prefixed_variants(folded_word: str) -> tuple[str, ...]:
    """The word itself, then every spelling of it with Hebrew or Arabic proclitics attached."""
    return _dedupe([folded_word, *(prefix + rest for prefix, rest in prefix_forms(folded_word))])


# --- Russian case endings -------------------------------------------------------------------------

#: Case and number endings of Russian nouns, names and adjectives, folded (ё is е). A name is declined in
#: running text (Соловцов → Соловцова, Соловцовым; Москва → Москве, Москву), so a search for one word
#: also finds its stem with each of these.
RUSSIAN_ENDINGS: tuple[str, ...] = (
    *("а", "я", "у", "ю", "е", "и", "ы", "о", "ь", "й"),
    *("ом", "ем", "ой", "ей", "ою", "ею", "ам", "ям", "ах", "ях", "ов", "ев", "ий", "ый", "ая", "яя"),
    *("ое", "ее", "ые", "ие", "ую", "юю", "ым", "им", "ых", "их"),
    *("ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими"),
)
_RUSSIAN_ENDING_SET = frozenset(RUSSIAN_ENDINGS)
_MIN_RUSSIAN_WORD = 4  # shorter words (и, по, для …) are not declined names
_MIN_RUSSIAN_STEM = 3


def russian_stems(folded_word: str) -> tuple[str, ...]:
    """The word and what is left of it without each ending it may carry (at least three letters);
    empty for a word that is not Russian or too short to be declined as a name."""
    if len(folded_word) < _MIN_RUSSIAN_WORD or not all("а" <= char <= "я" for char in folded_word):
        return ()
    stems = [folded_word]
    for cut in (1, 2, 3):
        if len(folded_word) - cut >= _MIN_RUSSIAN_STEM and folded_word[-cut:] in _RUSSIAN_ENDING_SET:
            stems.append(folded_word[:-cut])
    return _dedupe(stems)


def inflected_variants(folded_word: str) -> tuple[str, ...]:
    """The word itself, then its Russian case forms (each stem with each ending); just the word for
    any other script. Over-generates on purpose: a form no text contains costs one index look-up."""
    stems = russian_stems(folded_word)
    return _dedupe([folded_word, *(stem + ending for stem in stems for ending in ("", *RUSSIAN_ENDINGS))])


def strip_prefix_candidates(folded_word: str) -> tuple[str, ...]:
    """Possible bare forms of a token that may carry proclitics, the longest prefix stripped first.

    A candidate is returned only if ``folded_word`` is one of its ``prefixed_variants`` and it keeps at
    least two letters. The spelling is ambiguous, so this over-generates and the caller ranks (by what
    else occurs in the case): בפיונגיאנג → פיונגיאנג, הפיונגיאנג; للقاهره → قاهره, القاهره, لقاهره, اللقاهره.
    """
    if not folded_word:
        return ()
    restorations: tuple[str, ...]  # what a prefix may have swallowed: the article ה, the alef of ال
    if _is_hebrew_letter(folded_word[0]):
        prefixes, restorations = HEBREW_PREFIXES, ("", "ה")
    elif _is_arabic_letter(folded_word[0]):
        prefixes, restorations = ARABIC_PREFIXES, ("", "ا", "ال")
    else:
        return ()
    candidates: list[str] = []
    for prefix in sorted(prefixes, key=len, reverse=True):
        if not folded_word.startswith(prefix) or len(folded_word) - len(prefix) < _MIN_NAME:
            continue
        rest = folded_word[len(prefix) :]
        for restored in restorations:
            candidate = restored + rest
            if candidate != folded_word and folded_word in prefixed_variants(candidate):
                candidates.append(candidate)
    return _dedupe(candidates)
