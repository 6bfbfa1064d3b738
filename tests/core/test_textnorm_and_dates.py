"""Import-time normalisation, script/language guessing and published-date validation."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.dates import normalize_edtf
from app.core.errors import InvalidValue
from app.core.textnorm import Script, dominant_script, guess_language, normalize_text


def test_normalisation_unifies_line_endings_and_drops_invisible_junk() -> None:
    raw = "\ufeffline one\r\nline\u200b two\rthree\u00ad\x07"
    assert normalize_text(raw) == "line one\nline two\nthree"


def test_normalisation_composes_and_keeps_meaningful_marks() -> None:
    decomposed = "Se\u0301rgio"  # e + combining acute
    assert normalize_text(decomposed) == "Sérgio"
    hebrew_with_rlm = "צה״ל\u200f NK News"
    assert normalize_text(hebrew_with_rlm) == hebrew_with_rlm  # bidi marks stay; matching ignores them
    persian = "می\u200cخواهم"
    assert normalize_text(persian) == persian  # ZWNJ is spelling in Persian


@given(st.text())
def test_normalisation_is_idempotent_and_nfc(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert "\r" not in once


@pytest.mark.parametrize(
    ("text", "script", "language"),
    [
        ("המטוס נחת בפיונגיאנג, כך דיווח NK News.", Script.HEBREW, "he"),
        ("وصل الوفد إلى موسكو صباح الاثنين.", Script.ARABIC, "ar"),
        ("Шойгу прилетел в Пхеньян.", Script.CYRILLIC, "ru"),
        ("The delegation flew to Pyongyang on an Il-62M.", Script.LATIN, "en"),
        ("La délégation est arrivée hier soir à Pyongyang.", Script.LATIN, "und"),
        ("12345 ---", Script.UNKNOWN, "und"),
    ],
)
def test_script_and_language_guess(text: str, script: Script, language: str) -> None:
    assert dominant_script(text) is script
    assert guess_language(text) == language


@pytest.mark.parametrize(
    ("given_text", "edtf"),
    [
        ("2023", "2023"),
        ("2023-07", "2023-07"),
        ("2023-07-31", "2023-07-31"),
        ("31.07.2023", "2023-07-31"),
        ("1/8/2023", "2023-08-01"),
        ("2019~", "2019~"),
        ("2023-07-31T10:20:00+03:00", "2023-07-31T10:20:00+03:00"),
        ("2023-07-31/2023-08-02", "2023-07-31/2023-08-02"),
    ],
)
def test_published_dates_keep_their_precision(given_text: str, edtf: str) -> None:
    assert normalize_edtf(given_text) == edtf


@pytest.mark.parametrize("bad", ["", "soon", "2023-13-01", "31.02.2023x", "July"])
def test_unreadable_dates_are_refused_with_guidance(bad: str) -> None:
    with pytest.raises(InvalidValue, match="2023-07-31"):
        normalize_edtf(bad)


def test_term_in_tokens_matches_phrases_given_as_a_tuple_or_a_list() -> None:
    from app.core.folding import fold, tokenize
    from app.core.matching import term_in_tokens
    from app.core.query import parse_query

    term = parse_query('"kim jong un"').positive_terms[0]
    tokens = tokenize(fold("Leader Kim Jong Un arrived."))
    assert term_in_tokens(term, tokens)
    assert term_in_tokens(term, tuple(tokens))
