"""Plain text arrives in whatever encoding its author's machine used; the importer must read it right."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.errors import ImportRejected
from app.core.records import SourceKind
from app.core.textnorm import normalize_text
from app.ingest.limits import Limits
from app.ingest.text import TEXT, decode_text
from tests.ingest.ingest_samples import ARABIC, ENGLISH, FRENCH, HEBREW, RUSSIAN

LIMITS = Limits()


@pytest.mark.parametrize(
    ("text", "codec", "label", "language"),
    [
        (HEBREW, "cp1255", "windows-1255", "he"),
        (ARABIC, "cp1256", "windows-1256", "ar"),
        (RUSSIAN, "cp1251", "windows-1251", "ru"),
        (HEBREW, "utf-8", "UTF-8", "he"),
        (ENGLISH, "ascii", "UTF-8", "en"),
    ],
)
def test_legacy_codepages_and_utf8(text: str, codec: str, label: str, language: str) -> None:
    extraction = TEXT.extract(text.encode(codec), "article.txt", LIMITS)
    assert extraction.text == text
    assert extraction.kind is SourceKind.TEXT and extraction.media_type == "text/plain"
    assert extraction.metadata.extra["encoding"] == label
    assert extraction.metadata.language == language
    assert extraction.warnings == ()


def test_latin1_french() -> None:
    extraction = TEXT.extract(FRENCH.encode("latin-1"), "article.txt", LIMITS)
    assert extraction.text == FRENCH
    # windows-1252 is latin-1 plus printable characters where latin-1 has invisible C1 controls
    assert extraction.metadata.extra["encoding"] == "windows-1252"
    assert extraction.metadata.language == "und"


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.binary(min_size=1, max_size=300))
def test_any_bytes_decode_or_are_refused_in_one_line(data: bytes) -> None:
    try:
        decoded = decode_text(data)
    except ImportRejected as rejected:
        assert str(rejected) in ("looks like a binary file, not text",) or str(rejected).startswith(
            "invalid UTF-"
        )
    else:
        assert isinstance(decoded.text, str) and decoded.encoding


@pytest.mark.parametrize(
    ("prefix", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (b"", "utf-16-le"),
        (b"", "utf-16-be"),
    ],
)
@pytest.mark.parametrize("text", [HEBREW, ARABIC, RUSSIAN, ENGLISH])
def test_unicode_with_and_without_byte_order_mark(prefix: bytes, codec: str, text: str) -> None:
    decoded = decode_text(prefix + (text + "\r\n").encode(codec))
    assert decoded.text == text + "\r\n"
    assert decoded.encoding.replace("-", "").upper() == codec.replace("-", "").upper()
    assert TEXT.extract(prefix + text.encode(codec), None, LIMITS).text == text


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("שלום עולם", "cp1255"),
        ("כן", "cp1255"),
        ("ראש העיר", "cp1255"),
        ("مرحبا بالعالم", "cp1256"),
        ("لا", "cp1256"),
        ("Привет мир", "cp1251"),
        ("Путин", "cp1251"),
        ("5 млн рублей", "cp1251"),
        ("МОСКВА, 5 МАРТА — ТАСС", "cp1251"),
        ("Größe Straße", "cp1252"),
        ("café", "cp1252"),
        ("הודעה ל-CNN: ראש העיר Smith אמר", "cp1255"),
        ("בְּרֵאשִׁית בָּרָא", "cp1255"),
    ],
)
def test_short_texts_where_general_detectors_guess_wrong(text: str, codec: str) -> None:
    assert decode_text(text.encode(codec)).text == text


_WORDS = {
    "cp1255": HEBREW.split(),
    "cp1256": ARABIC.split(),
    "cp1251": RUSSIAN.split(),
    "cp1252": FRENCH.split(),
}


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.sampled_from(sorted(_WORDS)), st.data())
def test_any_few_words_of_a_language_decode_back(codec: str, data: st.DataObject) -> None:
    words = _WORDS[codec]
    start = data.draw(st.integers(0, len(words) - 2))
    count = data.draw(st.integers(2, 8))
    text = " ".join(words[start : start + count])
    encoded = text.encode(codec)
    if encoded.isascii():
        return
    decoded = decode_text(encoded)
    assert decoded.text == text


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.sampled_from(sorted(_WORDS)), st.data())
def test_a_single_word_is_never_misread_with_confidence(codec: str, data: st.DataObject) -> None:
    word = data.draw(st.sampled_from(_WORDS[codec]))
    encoded = word.encode(codec)
    if encoded.isascii():
        return
    decoded = decode_text(encoded)
    assert decoded.text == word or not decoded.confident


def test_an_uncertain_guess_is_reported_as_a_warning() -> None:
    extraction = TEXT.extract("Да".encode("cp1251"), "reply.txt", LIMITS)
    assert extraction.text == "Да"
    assert extraction.warnings == ("character encoding uncertain; read as windows-1251",)


def test_line_endings_and_invisible_junk_are_normalised() -> None:
    raw = "שורה ראשונה\r\nשורה\u200bשנייה\rשלישית\n"
    extraction = TEXT.extract(raw.encode("cp1255", errors="ignore"), "a.txt", LIMITS)
    assert extraction.text == "שורה ראשונה\nשורהשנייה\nשלישית\n"
    assert normalize_text(extraction.text) == extraction.text


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        bytes(range(256)) * 4,
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00",
        b"plain start then \x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11" * 3,
    ],
)
def test_binary_is_refused(data: bytes) -> None:
    with pytest.raises(ImportRejected) as caught:
        TEXT.extract(data, "photo.txt", LIMITS)
    assert str(caught.value) == "looks like a binary file, not text"


def test_whitespace_only_is_refused() -> None:
    with pytest.raises(ImportRejected) as caught:
        TEXT.extract(b" \r\n\t\n", "blank.txt", LIMITS)
    assert str(caught.value) == "empty file (only whitespace)"


def test_csv_keeps_its_media_type() -> None:
    extraction = TEXT.extract("עיר,תאריך\nחיפה,2024-03-05\n".encode(), "table.csv", LIMITS)
    assert extraction.media_type == "text/csv"
    assert extraction.text == "עיר,תאריך\nחיפה,2024-03-05\n"
