"""Visual-order Hebrew and Arabic (as many PDF producers store it) is recognised and put back in order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.ingest.bidi import fold_presentation_forms, looks_visual, to_logical
from tests.ingest.ingest_samples import ARABIC, ENGLISH, HEBREW, RUSSIAN


def _visual(line: str) -> str:
    return line[::-1]


def test_logical_text_is_left_alone() -> None:
    for text in (HEBREW, ARABIC, ENGLISH, RUSSIAN, f"{ENGLISH} {HEBREW}"):
        assert not looks_visual(text)


def test_reversed_lines_are_recognised_and_restored() -> None:
    for text in (HEBREW, ARABIC):
        visual = _visual(text)
        assert looks_visual(visual)
        assert to_logical(visual) == text


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.sampled_from([HEBREW.split(), ARABIC.split()]), st.data())
def test_ten_words_decide_the_order(words: list[str], data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(words) - 10))
    line = " ".join(words[start : start + 10])
    assert not looks_visual(line)
    assert looks_visual(_visual(line))
    assert to_logical(_visual(line)) == line


def test_latin_runs_and_numbers_inside_right_to_left_text() -> None:
    # as fpdf2 writes it: each right-to-left fragment reversed, fragments in reading order
    stored = "-ב חתפ ריעה שאר2024 New York רהנ לעמ"
    assert to_logical(stored) == "ראש העיר פתח ב-2024 New York מעל נהר"


def test_left_to_right_line_with_a_reversed_hebrew_phrase() -> None:
    assert to_logical("Mixed line: the word  םלוע םולשappears here.") == (
        "Mixed line: the word שלום עולם appears here."
    )


def test_arabic_presentation_forms_become_letters() -> None:
    shaped = "\ufedf\ufe8e\ufee3\ufeae\ufea3\ufe92\ufe8e"  # مرحبا-like run of contextual forms
    folded = fold_presentation_forms(shaped)
    assert all("\u0600" <= char <= "\u06ff" for char in folded)
    assert fold_presentation_forms("\ufefb") == "لا"  # the lam-alef ligature is two letters
