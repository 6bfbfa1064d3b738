"""Search folding, tokenisation as SQLite sees it, and Hebrew/Arabic proclitics."""

from __future__ import annotations

import sqlite3
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.folding import (
    ARABIC_PREFIXES,
    HEBREW_PREFIXES,
    fold,
    prefixed_variants,
    strip_prefix_candidates,
    tokenize,
)


@pytest.mark.parametrize(
    ("original", "folded"),
    [
        # Hebrew: niqqud and cantillation go, final letters become their base letter
        ("שָׁלוֹם", "שלומ"),
        ("בְּרֵאשִׁ֖ית בָּרָ֣א", "בראשית ברא"),
        ("ארץ", "ארצ"),
        ("ךםןףץ", "כמנפצ"),
        # geresh and gershayim become the ASCII marks a Hebrew keyboard types
        ("צה״ל", 'צה"ל'),
        ("ג׳ונג", "ג'ונג"),
        # maqaf is kept as a separator (a space after folding, like every non-ASCII separator)
        ("בית־ספר", "בית ספר"),
        # sof pasuq is punctuation, not a mark: it still separates
        ("הארץ׃ויהי", "הארצ ויהי"),
        # Arabic: harakat, shadda, tatweel
        ("مُوسْــكُو", "موسكو"),
        # ... except where it joins a proclitic to a word in another script: there it separates
        ("وفقا لـNK News بـIl-62M لـ2023", "وفقا ل nk news ب il-62m ل 2023"),
        ("مُحَمَّدٌ", "محمد"),
        # hamza on any seat is a mark; alef wasla, alef maksura, teh marbuta
        ("أحمد إبراهيم آمال ٱلله", "احمد ابراهيم امال الله"),
        ("مسؤول رئيس", "مسوول رييس"),
        ("على مستشفى القاهرة", "علي مستشفي القاهره"),
        ("جزء", "جزء"),  # a hamza standing alone is a letter
        # Persian yeh and keheh, Arabic-Indic and Persian digits
        ("یک", "يك"),
        ("٢٠٢٣ و۱۹۹۵", "2023 و1995"),
        # presentation forms from PDF text, including the lam-alef ligature
        ("ﻣﻮﺳﻜﻮ", "موسكو"),
        ("ﻻ", "لا"),
        # Latin: case and accents; ß and ligatures expand
        ("Sérgio São Paulo", "sergio sao paulo"),
        ("ŁÓDŹ Øresund Đorđe", "lodz oresund dorde"),
        ("Straße ﬁnance Æther", "strasse finance aether"),
        # Russian: case, ё → е, but й stays
        ("Шойгу Ёлка ЙОД", "шойгу елка йод"),
        ("мо́й", "мой"),  # a stress mark is dropped, the letter й is not touched
        # Greek accents; final sigma folds to σ like a Hebrew final letter
        ("Άθως Σοφός", "αθωσ σοφοσ"),
        # bidi controls and joiners disappear inside a word
        ("Pyong\u200eyang \u202bקים\u202c x\u200dy\u200cz", "pyongyang קימ xyz"),
        ("\u2067קים\u2069", "קימ"),
        # symbols SQLite's Unicode 6.1 tables do not know become separators
        ("100₽ «Кремль»", "100   кремль "),
    ],
)
def test_fold_examples(original: str, folded: str) -> None:
    assert fold(original) == folded


def test_fold_keeps_ascii_punctuation_and_line_breaks() -> None:
    assert fold('Il-62M, (NK News): "yes"\nno_way') == 'il-62m, (nk news): "yes"\nno_way'


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once


@given(st.text())
def test_fold_output_has_no_marks_or_bidi_controls(text: str) -> None:
    folded = fold(text)
    for char in folded:
        if ord(char) < 0x10000:
            assert unicodedata.category(char) not in ("Mn", "Me"), repr(char)
        assert (
            char not in "\u200e\u200f\u200c\u200d\u0640\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        )


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("il-62m jet", ["il", "62m", "jet"]),
        ("o'brien no_way", ["o", "brien", "no", "way"]),
        ("צה\"ל ג'ונג", ["צה", "ל", "ג", "ונג"]),
        ("2023-07-31", ["2023", "07", "31"]),
        ("a\ue000b", ["a\ue000b"]),  # private use characters are token characters, as in SQLite
        ("", []),
    ],
)
def test_tokenize_examples(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens


def _fts5_tokens(rows: list[tuple[int, str]]) -> dict[int, list[str]]:
    """Tokens that SQLite's own FTS5 ``unicode61 remove_diacritics 2`` tokenizer stores for each row."""
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    connection.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    connection.executemany("INSERT INTO t (rowid, x) VALUES (?, ?)", rows)
    tokens: dict[int, list[str]] = {rowid: [] for rowid, _text in rows}
    for rowid, term in connection.execute("SELECT doc, term FROM v ORDER BY doc, offset"):
        tokens[rowid].append(term)
    connection.close()
    return tokens


def test_tokenize_agrees_with_sqlite_for_every_character() -> None:
    """Each character between two letters, folded, splits (or not) exactly as FTS5 splits it."""
    codes = [code for code in range(1, 0x30000) if not 0xD800 <= code < 0xE000]
    codes += [*range(0xE0000, 0xE0200), *range(0xF0000, 0xF0010), 0x10FFFD]
    rows = [(code, fold(f"x{chr(code)}x")) for code in codes]
    sqlite_tokens = _fts5_tokens(rows)
    disagreements = [(hex(code), folded) for code, folded in rows if sqlite_tokens[code] != tokenize(folded)]
    assert disagreements == []


SENTENCES = [
    "בשנת 2017 טס קים ג'ונג און לפיונגיאנג במטוס Il-62M, כך דיווח צה״ל.",
    "וּבְפְיוֹנְגְיָאנְג נִפְגְּשׁוּ הַשָּׂרִים׃ הַמּוֹסָד וְהַשַּׁ״בַּ״כּ",
    "وصل الوفدُ إلى مُوسْـــكو، والتقى أحمد بمسؤولين في القاهرة ٢٠٢٣.",
    "ﻭﺻﻞ ﺍﻟﻮﻓﺪ ﺇﻟﻰ ﻣﻮﺳﻜﻮ ﻻ ﺍﻟﻼﺟﺌﻴﻦ",
    "Министр обороны Шойгу прибыл в Москву; ёлка, ЁЛКА и йод — 100₽.",
    "Sérgio flew the Il-62M to São Paulo 🤲 via Straße; ﬁnance_officer O'Brien said “no”.",
    "\u202bקים\u202c met \u200fبوتين\u200f in Pyong\u200eyang",
]


def test_tokenize_agrees_with_sqlite_on_real_sentences() -> None:
    rows = [(index, fold(sentence)) for index, sentence in enumerate(SENTENCES, start=1)]
    sqlite_tokens = _fts5_tokens(rows)
    for rowid, folded in rows:
        assert sqlite_tokens[rowid] == tokenize(folded)


# --- proclitics -----------------------------------------------------------------------------------


def test_prefix_lists_are_folded_and_without_duplicates() -> None:
    for prefixes in (HEBREW_PREFIXES, ARABIC_PREFIXES):
        assert len(set(prefixes)) == len(prefixes)
        assert all(fold(prefix) == prefix and len(tokenize(prefix)) == 1 for prefix in prefixes)


def test_hebrew_prefixes_follow_the_orthography() -> None:
    for real in ("ו", "ב", "וב", "מה", "שב", "כש", "לכש", "ושב", "וכש", "ומה"):
        assert real in HEBREW_PREFIXES
    # the article after ב כ ל is swallowed, not written
    for impossible in ("בה", "כה", "לה", "הו", "בב", "לב"):
        assert impossible not in HEBREW_PREFIXES


def test_arabic_prefixes_follow_the_orthography() -> None:
    for real in ("و", "ف", "ب", "ك", "ل", "ال", "وال", "بال", "لل", "ولل", "فبال", "وب"):
        assert real in ARABIC_PREFIXES
    for impossible in ("لال", "سال", "الو", "بب"):
        assert impossible not in ARABIC_PREFIXES


def test_hebrew_variants() -> None:
    variants = prefixed_variants("פיונגיאנג")
    assert variants[0] == "פיונגיאנג"
    for form in ("בפיונגיאנג", "לפיונגיאנג", "ופיונגיאנג", "מפיונגיאנג", "שבפיונגיאנג", "וכשבפיונגיאנג"):
        assert form in variants
    assert len(set(variants)) == len(variants)


def test_hebrew_article_is_swallowed_by_a_preposition() -> None:
    variants = prefixed_variants("הכנסת")
    assert {"בכנסת", "לכנסת", "ובכנסת", "והכנסת", "מהכנסת", "שהכנסת", "בהכנסת"} <= set(variants)
    assert "ההכנסת" not in variants  # no double article
    assert "כנסת" not in variants  # the bare word is not a spelling of "the Knesset"


def test_arabic_variants_of_a_bare_word_include_the_article() -> None:
    variants = prefixed_variants("قاهره")
    assert variants[0] == "قاهره"
    for form in ("القاهره", "بالقاهره", "والقاهره", "للقاهره", "وللقاهره", "فبالقاهره", "بقاهره"):
        assert form in variants
    assert "لالقاهره" not in variants  # ل + ال is written لل


def test_arabic_variants_of_a_word_with_the_article() -> None:
    variants = prefixed_variants("الكتاب")
    assert {"والكتاب", "بالكتاب", "فالكتاب", "للكتاب", "وللكتاب"} <= set(variants)
    assert "الالكتاب" not in variants
    # three lams are written as two: ل + الليل = لليل
    assert "لليل" in prefixed_variants("الليل")
    assert "للليل" not in prefixed_variants("الليل")


@pytest.mark.parametrize("word", ["pyongyang", "шойгу", "2023", "ב", "ك", ""])
def test_words_without_proclitics(word: str) -> None:
    assert prefixed_variants(word) == (word,)


def test_strip_prefix_candidates() -> None:
    assert strip_prefix_candidates("בפיונגיאנג")[0] == "פיונגיאנג"
    assert strip_prefix_candidates("ושבפיונגיאנג")[:3] == ("פיונגיאנג", "הפיונגיאנג", "בפיונגיאנג")
    assert "הכנסת" in strip_prefix_candidates("בכנסת")
    assert strip_prefix_candidates("بالقاهره") == ("قاهره", "القاهره")
    assert strip_prefix_candidates("للقاهره")[:2] == ("قاهره", "القاهره")
    assert "الليل" in strip_prefix_candidates("لليل")
    assert strip_prefix_candidates("pyongyang") == ()
    assert strip_prefix_candidates("בן") == ()  # stripping ב would leave fewer than two letters
    assert strip_prefix_candidates("בית") == ("ית", "הית")  # two letters left is allowed, if unlikely


@given(st.sampled_from(["פיונגיאנג", "הכנסת", "צה", "قاهره", "الكتاب", "الليل", "موسكو", "ليبيا"]))
def test_strip_prefix_candidates_reverses_prefixed_variants(word: str) -> None:
    for variant in prefixed_variants(word)[1:]:
        candidates = strip_prefix_candidates(variant)
        assert word in candidates
        for candidate in candidates:
            assert len(candidate) >= 2 and variant in prefixed_variants(candidate)
