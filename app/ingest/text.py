"""Plain text in whatever encoding it arrived in.

Detecting the encoding of a short Hebrew, Arabic or Russian text is where general detectors fail: a
two-word Hebrew text in windows-1255 is, byte for byte, an equally valid windows-1251 or windows-1252
text, and charset-normalizer often picks a DOS codepage for it. So the order is:

1. a byte-order mark decides (UTF-8, UTF-16, UTF-32);
2. NUL bytes mean UTF-16 without a BOM, or a binary file;
3. bytes that decode as UTF-8 are UTF-8 (other encodings almost never form valid multi-byte sequences);
4. otherwise each single-byte codepage we expect (windows-1255, windows-1256, windows-1251,
   windows-1252) is scored by how much its non-ASCII characters look like real text of its language:
   letters of one script, in that language's letter frequencies, not glued to Latin letters;
5. charset-normalizer is asked only when none of them is convincing (a codepage we do not score).
"""

from __future__ import annotations

import codecs
import functools
import math
import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

from app.core.errors import ImportRejected
from app.core.records import Extraction, SourceKind, SourceMetadata
from app.core.textnorm import guess_language, normalize_text
from app.ingest.limits import Limits

SAMPLE_BYTES = 64 * 1024  # looked at for binary and UTF-16 detection
_FIRST_LOOK_BYTES = 4 * 1024  # scored per codepage first: usually thousands of letters, decisive
_SCORE_BYTES = 16 * 1024  # the second look, when the first was a close call
BINARY_REASON = "looks like a binary file, not text"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # a readable label: "UTF-8", "UTF-16LE", "windows-1255" …
    confident: bool = True


_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32LE"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32BE"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16BE"),
)

# Bytes that never occur in text; tab, LF, VT, FF, CR and ESC (ANSI colours in logs) are allowed.
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])


def decode_text(data: bytes) -> Decoded:
    """Decode bytes that are meant to be text, or reject them as binary."""
    bom = decode_with_bom(data)
    if bom is not None:
        return bom
    sample = data[:SAMPLE_BYTES]
    if b"\x00" in sample:
        utf16 = _decode_utf16_without_bom(data)
        if utf16 is None:
            raise ImportRejected(BINARY_REASON)
        return utf16
    if looks_binary(sample):
        raise ImportRejected(BINARY_REASON)
    try:
        return Decoded(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        pass
    return decode_single_byte(data)


def decode_with_bom(data: bytes) -> Decoded | None:
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(codec), label)
            except UnicodeDecodeError:
                raise ImportRejected(f"invalid {label} text (broken byte sequence)") from None
    return None


def looks_binary(sample: bytes) -> bool:
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > 0.01


def _decode_utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text without a BOM has NULs in one byte parity (the high byte of ASCII and of spaces)."""
    sample = data[: SAMPLE_BYTES & ~1]
    if len(data) % 2 or len(sample) < 2:
        return None
    even_zeros = sample[0::2].count(0) / (len(sample) / 2)
    odd_zeros = sample[1::2].count(0) / (len(sample) / 2)
    if odd_zeros >= 0.1 and even_zeros <= 0.01:
        codec, label = "utf-16-le", "UTF-16LE"
    elif even_zeros >= 0.1 and odd_zeros <= 0.01:
        codec, label = "utf-16-be", "UTF-16BE"
    else:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return Decoded(text, label) if _looks_like_text(text[: SAMPLE_BYTES // 2]) else None


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    bad = 0
    for char in text:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in "\t\n\r\x0b\x0c\x1b") or category in ("Cn", "Co", "Cs"):
            bad += 1
    return bad / len(text) <= 0.005


# -- single-byte codepages ------------------------------------------------------------------------------

# Approximate letter frequencies (per cent) of running news text; only their shape matters.
_RUSSIAN = dict(
    zip(
        "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё",
        (10.97, 8.45, 8.01, 7.35, 6.70, 6.26, 5.47, 4.73, 4.54, 4.40, 3.49, 3.21, 2.98, 2.81, 2.62, 2.01,
         1.90, 1.74, 1.70, 1.65, 1.59, 1.44, 1.21, 0.97, 0.94, 0.73, 0.64, 0.48, 0.36, 0.32, 0.26, 0.04,
         0.04),
        strict=True,
    )
)  # fmt: skip
_HEBREW = dict(
    zip(
        "יוהלאמרתבשעםנדחכקפןטסגצזךףץ",
        (11.06, 10.38, 8.89, 7.09, 6.34, 5.03, 5.57, 5.27, 4.71, 4.22, 2.86, 2.76, 2.87, 2.55, 2.21, 2.05,
         1.85, 1.51, 1.44, 1.14, 1.08, 1.04, 0.83, 0.75, 0.71, 0.30, 0.18),
        strict=True,
    )
)  # fmt: skip
_ARABIC = dict(
    zip(
        "الميونرتبهةعدفقسكحأىجشصطخذإضثغزئءظؤآ",
        (12.0, 11.0, 6.0, 6.5, 5.5, 5.5, 4.5, 3.8, 3.7, 3.5, 2.8, 3.0, 2.7, 2.6, 2.5, 2.4, 2.2, 2.0, 2.5,
         1.5, 1.2, 1.0, 0.9, 0.8, 0.8, 0.8, 1.0, 0.6, 0.5, 0.5, 0.5, 0.5, 0.4, 0.3, 0.2, 0.2),
        strict=True,
    )
)  # fmt: skip
_WESTERN = dict(
    zip(
        "éèàçêüäöóíáñúâôßãîûùëïõœÉÀÇÈÊÜÖÄÓÁÑ",
        (30.0, 5.0, 8.0, 2.5, 2.5, 4.0, 4.0, 3.0, 3.5, 3.5, 3.5, 2.5, 1.0, 1.0, 1.0, 2.0, 1.5, 0.5, 0.5,
         0.5, 0.5, 0.5, 0.5, 0.2, 1.0, 0.2, 0.2, 0.2, 0.1, 0.3, 0.3, 0.3, 0.2, 0.2, 0.1),
        strict=True,
    )
)  # fmt: skip


@dataclass(frozen=True, eq=False)  # hashed by identity: there are four, made once
class _Model:
    codec: str
    label: str
    script: str  # the Unicode name prefix of its letters: "HEBREW" …
    log_p: dict[str, float]
    entropy: float
    bicameral: bool  # scored case-blind, but "aBc" inside a word is implausible


def _model(codec: str, label: str, script: str, freqs: dict[str, float], *, bicameral: bool) -> _Model:
    total = sum(freqs.values())
    probabilities = {char: weight / total for char, weight in freqs.items()}
    entropy = -sum(p * math.log(p) for p in probabilities.values())
    log_p = {char: math.log(p) for char, p in probabilities.items()}
    return _Model(codec, label, script, log_p, entropy, bicameral)


_MODELS = (
    _model("cp1255", "windows-1255", "HEBREW", _HEBREW, bicameral=False),
    _model("cp1256", "windows-1256", "ARABIC", _ARABIC, bicameral=False),
    _model("cp1251", "windows-1251", "CYRILLIC", _RUSSIAN, bicameral=True),
    _model("cp1252", "windows-1252", "LATIN", _WESTERN, bicameral=True),
)
_OTHER_LETTER = math.log(1e-4)  # a letter of the script, but one the table does not list
_NOT_TEXT = math.log(1e-6)  # a symbol, a control, a letter of a foreign script, a mark on nothing
_GLUED = math.log(1e-5)  # a non-Latin letter in the same word as an ASCII letter: "cafй"
_CAMEL = math.log(1e-3)  # a capital right after a small letter: "ЗбУбЗг" is Arabic read as Cyrillic
_MARK = math.log(0.01)  # a vowel point or harakah after a letter
_HEBREW_FINAL = dict(zip("ךםןףץ", "כמנפצ", strict=True))
_WORD_END_BONUS = math.log(4.5)  # a final form where it belongs (about one letter in 4.5 ends a word)
_MISPLACED_FORM = math.log(1e-3)  # a final form inside a word, or a plain form ending one
_NEUTRAL = frozenset("\u00a0‘’‚“”„•–—…«»‹›€№°©®™§¶·±×")
_MARKS = re.compile("[\u05b0-\u05c2\u05c4\u05c5\u05c7\u064b-\u0652]")  # niqqud and harakat
_WORD = re.compile(r"[^\s!-@\[-`{-~]+")  # runs of letters (ASCII or not) and other symbols
_NO_VOWEL = math.log(
    0.05
)  # per letter of a small-letter Russian word without a vowel: Hebrew read as Cyrillic
_ASCII_WORD = math.log(0.5)  # per Latin word in a text said to be Hebrew, Arabic or Russian
_RUSSIAN_VOWELS = frozenset("аеёиоуыэюя")
_RUSSIAN_ABBREVIATIONS = frozenset(
    (
        "млн",
        "млрд",
        "трлн",
        "км",
        "см",
        "мм",
        "кг",
        "гг",
        "вв",
        "св",
        "ст",
        "пр",
        "др",
        "тд",
        "тп",
        "кв",
        "вс",
    )
)
_CONVINCING = -1.5  # mean log-likelihood above the model's own expectation; real text scores near 0
_DECISIVE = 3.0  # nats of total log-likelihood between the best and the runner-up (odds of about 20:1)
_CLEAR_LEAD = 50.0  # a lead no longer sample could overturn


def decode_single_byte(data: bytes) -> Decoded:
    """Pick the single-byte codepage under which the text reads most like its language.

    A first look at 4 KB settles almost every file; a close call gets a second, longer look.
    """
    scored = _ranked(data[:_FIRST_LOOK_BYTES])
    if len(data) > _FIRST_LOOK_BYTES and not _clear_lead(scored, _CLEAR_LEAD):
        scored = _ranked(data[:_SCORE_BYTES])
    if scored and scored[0][0] >= _CONVINCING:
        return _decode_all(data, scored[0][2], confident=_clear_lead(scored, _DECISIVE))
    guess = _charset_normalizer_guess(data)
    if guess is not None:
        return guess
    if scored:
        return _decode_all(data, scored[0][2], confident=False)
    return Decoded(data.decode("latin-1"), "ISO-8859-1", confident=False)


def _ranked(sample: bytes) -> list[tuple[float, int, _Model]]:
    scored: list[tuple[float, int, _Model]] = []
    for model in _MODELS:
        text = _strict(sample, model)
        score = _score(text, model) if text is not None else None
        if score is not None:
            scored.append((*score, model))
    return sorted(scored, key=lambda item: item[0], reverse=True)


def _clear_lead(scored: list[tuple[float, int, _Model]], nats: float) -> bool:
    """Whether the best codepage beats the runner-up by ``nats`` of total log-likelihood."""
    if not scored or scored[0][0] < _CONVINCING:
        return False
    mean, count, _ = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else -math.inf
    return (mean - runner_up) * count >= nats


def _strict(data: bytes, model: _Model) -> str | None:
    try:
        return data.decode(model.codec)
    except UnicodeDecodeError:
        pass
    if model.codec == "cp1252":  # five bytes are unassigned in windows-1252 but are C1 controls in latin-1
        return data.decode("latin-1")
    return None


def _decode_all(data: bytes, model: _Model, *, confident: bool) -> Decoded:
    """The sample decided the codepage; a later byte it cannot decode makes the result uncertain."""
    text = _strict(data, model)
    if text is not None:
        label = model.label if model.codec != "cp1252" or _strict_ok(data, "cp1252") else "ISO-8859-1"
        return Decoded(text, label, confident)
    return Decoded(data.decode(model.codec, errors="replace"), model.label, confident=False)


def _strict_ok(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _score(text: str, model: _Model) -> tuple[float, int] | None:
    """Mean log-likelihood per non-ASCII character, relative to what real text of the language gets.

    Returns it with the number of characters scored, so the caller can tell a decisive lead from a tie.
    """
    total = 0.0
    count = 0
    for word in _WORD.findall(text):
        glued = model.script != "LATIN" and re.search("[A-Za-z]", word) is not None
        if glued and word.isascii() and len(word) > 1:
            total += _ASCII_WORD
            continue
        for index, char in enumerate(word):
            if ord(char) < 0x80 or char in _NEUTRAL:
                continue
            total += _char_log_p(word, index, model, glued)
            count += 1
        if model.codec == "cp1251":
            total += _vowelless_penalty(word)
    return (total / count + model.entropy, count) if count else None


def _vowelless_penalty(word: str) -> float:
    letters = [char for char in word if "а" <= char.lower() <= "я" or char in "ёЁ"]
    lowered = word.lower()
    if len(letters) < 2 or word.isupper() or _RUSSIAN_VOWELS.intersection(lowered):
        return 0.0
    if lowered.strip(".") in _RUSSIAN_ABBREVIATIONS:
        return 0.0
    return _NO_VOWEL * len(letters)


def _char_log_p(word: str, index: int, model: _Model, glued: bool) -> float:
    char = word[index]
    previous = word[index - 1] if index else ""
    log_p = _base_log_p(char, model)
    if log_p is None:  # a vowel point or harakah: only after a letter
        return _MARK if previous.isalpha() or _MARKS.match(previous) else _NOT_TEXT
    if log_p == _NOT_TEXT:
        return log_p
    if glued:
        return _GLUED
    if model.bicameral and char.isupper() and previous.islower():
        log_p += _CAMEL
    if model.codec == "cp1255":
        log_p += _hebrew_form(word, index)
    return log_p


@functools.lru_cache(maxsize=4096)
def _base_log_p(char: str, model: _Model) -> float | None:
    """What a character is worth under a model, before its neighbours are considered (``None``: a mark)."""
    if _MARKS.match(char):
        return None
    if not char.isalpha() or not unicodedata.name(char, "").startswith(model.script):
        return _NOT_TEXT
    return model.log_p.get(char.lower() if model.bicameral else char, _OTHER_LETTER)


def _hebrew_form(word: str, index: int) -> float:
    """Hebrew has five letters with a separate final form: their placement is a strong signal."""
    char = word[index]
    at_end = index == len(word) - 1 or not word[index + 1].isalpha()
    if char in _HEBREW_FINAL:
        return _WORD_END_BONUS if at_end else _MISPLACED_FORM
    if at_end and index > 0 and char in _HEBREW_FINAL.values():
        return _MISPLACED_FORM
    return 0.0


def _charset_normalizer_guess(data: bytes) -> Decoded | None:
    match = from_bytes(data[: SAMPLE_BYTES * 4]).best()
    if match is None or match.encoding.startswith(("ascii", "utf")):  # no NULs here: not UTF-16/32
        return None
    try:
        text = data.decode(match.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    if not _looks_like_text(text[:SAMPLE_BYTES]):
        return None
    return Decoded(text, encoding_label(match.encoding), confident=False)


def encoding_label(codec: str) -> str:
    """The name people know an encoding by: ``windows-1255`` rather than Python's ``cp1255``."""
    name = codecs.lookup(codec).name
    if name.startswith("cp125"):
        return f"windows-{name[2:]}"
    if name.startswith("iso8859-"):
        return f"ISO-8859-{name[8:]}"
    return {"utf-8": "UTF-8", "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE"}.get(name, name)


def encoding_warning(decoded: Decoded) -> tuple[str, ...]:
    if decoded.confident:
        return ()
    return (f"character encoding uncertain; read as {decoded.encoding}",)


# -- the importer ----------------------------------------------------------------------------------------


class TextImporter:
    """Plain text files (.txt, .log, .csv …) and files without an extension that turn out to be text."""

    kind: SourceKind = SourceKind.TEXT
    media_types: tuple[str, ...] = ("text/plain", "text/csv", "text/tab-separated-values")
    extensions: tuple[str, ...] = (
        ".txt",
        ".text",
        ".log",
        ".csv",
        ".tsv",
        ".srt",
        ".vtt",
        ".json",
        ".nfo",
        ".asc",
        "",
    )

    def extract(self, data: bytes, filename: str | None, limits: Limits) -> Extraction:
        decoded = decode_text(data)
        text = normalize_text(decoded.text)
        if not text.strip():
            raise ImportRejected("empty file (only whitespace)")
        metadata = SourceMetadata(language=guess_language(text), extra={"encoding": decoded.encoding})
        return Extraction(
            kind=self.kind,
            media_type=_media_type(filename),
            text=text,
            metadata=metadata,
            warnings=encoding_warning(decoded),
        )


def _media_type(filename: str | None) -> str:
    lowered = (filename or "").lower()
    if lowered.endswith(".csv"):
        return "text/csv"
    if lowered.endswith(".tsv"):
        return "text/tab-separated-values"
    return "text/plain"


TEXT = TextImporter()

__all__ = ["BINARY_REASON", "TEXT", "Decoded", "TextImporter", "decode_text", "looks_binary"]
