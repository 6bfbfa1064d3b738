"""Finding hits in original stored text, and agreement with what the full-text index matches."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.folding import fold, tokenize
from app.core.matching import MatchSpan, compile_matcher, make_snippet, term_in_tokens
from app.core.query import Term, parse_query
from app.core.records import Span
from app.core.textnorm import normalize_text


def _detailed(query: str, text: str, *, prefixed: bool = True) -> list[MatchSpan]:
    hits = compile_matcher(parse_query(query).positive_terms, prefixed=prefixed).find_detailed(text)
    for hit in hits:  # every span is real: inside the text, ordered, not overlapping, name inside it
        assert 0 <= hit.start <= hit.name_start < hit.end <= len(text)
    assert all(a.end <= b.start for a, b in itertools.pairwise(hits))
    return hits


def _found(query: str, text: str, *, prefixed: bool = True) -> list[str]:
    """The exact substrings of ``text`` that the query's hits cover."""
    return [text[hit.start : hit.end] for hit in _detailed(query, text, prefixed=prefixed)]


def _names(query: str, text: str) -> list[str]:
    return [text[hit.name_start : hit.end] for hit in _detailed(query, text)]


# --- Hebrew ---------------------------------------------------------------------------------------

PYONGYANG_HE = (
    "המשלחת נחתה בפיונגיאנג ביום שלישי. משם המשיכה לפיונגיאנג הישנה, ופיונגיאנג עצמה "
    "נראתה ריקה. לפי NK News, המטוס טס ב-פיונגיאנג ובחזרה ב־פיונגיאנג. "
    "בְּפְיוֹנְגְיָאנְג נִרְאוּ חַיָּלִים. הפיונגיאנגים וגם אפיונגיאנג אינם העיר."
)


def test_hebrew_name_with_proclitics_hyphen_maqaf_and_niqqud() -> None:
    assert _found("פיונגיאנג", PYONGYANG_HE) == [
        "בפיונגיאנג",
        "לפיונגיאנג",
        "ופיונגיאנג",
        "ב-פיונגיאנג",
        "ב־פיונגיאנג",
        "בְּפְיוֹנְגְיָאנְג",
    ]
    assert _names("פיונגיאנג", PYONGYANG_HE) == ["פיונגיאנג"] * 5 + ["פְיוֹנְגְיָאנְג"]


def test_hebrew_name_is_not_found_inside_a_longer_word() -> None:
    text = "הפיונגיאנגים וגם אפיונגיאנג וגם פיונגיאנגית אינם העיר"
    assert _found("פיונגיאנג", text) == []


def test_hebrew_without_proclitics_finds_only_the_bare_word() -> None:
    assert _found("פיונגיאנג", "בפיונגיאנג ופיונגיאנג פיונגיאנג", prefixed=False) == ["פיונגיאנג"]


def test_final_letters() -> None:
    text = "שלום לכם, ושלום גם לכן. שָׁלוֹם! שלומית אינה שלום."
    assert _found("שלום", text) == ["שלום", "ושלום", "שָׁלוֹם", "שלום"]
    assert _found("שלומ", text) == _found("שלום", text)  # the final mem is folded on the query side too


def test_gershayim_and_ascii_quote_are_the_same_acronym() -> None:
    text = 'דובר צה״ל אמר כי בצה"ל יודעים, ולצה״ל אין תגובה; הצהלה אינה צה"ל.'
    expected = ["צה״ל", 'בצה"ל', "ולצה״ל", 'צה"ל']
    assert _found('צה"ל', text) == expected
    assert _found("צה״ל", text) == expected


def test_hebrew_article_swallowed_by_a_preposition() -> None:
    text = "בכנסת דנו אתמול; הכנסת אישרה, והכנסת תצביע שוב מהכנסת. כנסת ישראל."
    assert _found("הכנסת", text) == ["בכנסת", "הכנסת", "והכנסת", "מהכנסת"]
    assert _names("הכנסת", text)[0] == "כנסת"


def test_hebrew_prefix_hyphenated_to_a_latin_name_or_a_number() -> None:
    text = "הכתבה פורסמה ב-NK News ב־2023, ו-NK Pro שתק."
    assert _found('"NK News"', text) == ["ב-NK News"]
    assert _names('"NK News"', text) == ["NK News"]
    assert _found("2023", text) == ["ב־2023"]


def test_bidi_marks_inside_a_word_are_ignored_and_kept_out_of_the_edges() -> None:
    text = "ראש הממשלה \u200fנתני\u200eהו\u200f אמר"
    assert _found("נתניהו", text) == ["נתני\u200eהו"]
    assert _found("kim", "\u2066Kim\u2069 said") == ["Kim"]


def test_hebrew_phrase_across_a_line_break() -> None:
    text = normalize_text("ביקורו של קים ג'ונג\r\nאון בפיונגיאנג")
    assert _found('"קים ג\'ונג און"', text) == ["קים ג'ונג\nאון"]


# --- Arabic ---------------------------------------------------------------------------------------


def test_arabic_name_with_proclitics_harakat_and_tatweel() -> None:
    text = (
        "وصل الوفد إلى موسكو، ثم بموسكو التقى المسؤولين وموسكو تراقب. مُوسْـــكُو مدينة كبيرة. موسكوفي ليس هنا."
    )
    assert _found("موسكو", text) == ["موسكو", "بموسكو", "وموسكو", "مُوسْـــكُو"]
    assert _names("موسكو", text)[1] == "موسكو"


def test_a_latin_name_joined_to_an_arabic_proclitic_by_a_tatweel() -> None:
    text = "وفقا لـNK News، وصلت طائرة بـIl-62M إلى المطار."
    assert _found('"NK News"', text) == ["NK News"]
    assert _found("Il-62M", text) == ["Il-62M"]


def test_marks_on_the_last_letter_belong_to_the_hit() -> None:
    assert _found("محمد", "قال مُحَمَّدٌ ذلك") == ["مُحَمَّدٌ"]
    assert _found("shalo", "shalo\u0304\u0301 x") == ["shalo\u0304\u0301"]


def test_arabic_article_is_a_proclitic() -> None:
    text = "في القاهرة وبالقاهرة وللقاهرة، والقاهرة قاهرة المعز. القاهري ليس هنا."
    assert _found("قاهرة", text) == ["القاهرة", "وبالقاهرة", "وللقاهرة", "والقاهرة", "قاهرة"]
    assert _names("قاهرة", text)[:3] == ["قاهرة", "قاهرة", "قاهرة"]
    # with the article typed, the bare construct form is not a spelling of it
    assert _found("القاهرة", text) == ["القاهرة", "وبالقاهرة", "وللقاهرة", "والقاهرة"]


def test_arabic_alef_variants_and_hamza_seats() -> None:
    text = "التقى أحمد واحمد وإحمد وآحمد. المسؤول والمسئول لا المسول."
    assert _found("أحمد", text) == ["أحمد", "واحمد", "وإحمد", "وآحمد"]
    assert _found("احمد", text) == _found("أحمد", text)
    assert _found("مسؤول", text) == ["المسؤول"]  # ؤ → و and ئ → ي keep the two spellings apart


def test_arabic_presentation_forms_from_a_pdf() -> None:
    text = "ﻭﺻﻞ ﺍﻟﻮﻓﺪ ﺇﻟﻰ ﻣﻮﺳﻜﻮ ﻭﺍﻟﻼﺟﺌﻴﻦ"  # positional forms and the lam-alef ligature ﻼ
    assert _found("موسكو", text) == ["ﻣﻮﺳﻜﻮ"]
    assert _found("لاجئين", text) == ["ﻭﺍﻟﻼﺟﺌﻴﻦ"]
    assert _names("لاجئين", text) == ["ﻼﺟﺌﻴﻦ"]  # the name starts inside the ligature, at the ligature


# --- Latin and Cyrillic ---------------------------------------------------------------------------


def test_latin_case_and_accents() -> None:
    text = "Sérgio met SERGIO and sergio; Sergios is someone else."
    assert _found("sergio", text) == ["Sérgio", "SERGIO", "sergio"]
    assert _found("Sérgio", text) == _found("sergio", text)


def test_punctuated_name_as_a_phrase_and_across_a_line_break() -> None:
    text = "An Il-62M jet, another Il-\n62M, an IL 62m, but not an Il62M or Il-62MK."
    assert _found("Il-62M", text) == ["Il-62M", "Il-\n62M", "IL 62m"]


def test_prefix_query() -> None:
    text = "Pyongyang, PYONGYANG's airport and pyong; not Kim-Pyo or apyong."
    assert _found("Pyong*", text) == ["Pyongyang", "PYONGYANG", "pyong"]
    assert _found('"kim jong*"', "Kim Jong-un and Kim Jongil, not Kim Yo-jong") == ["Kim Jong", "Kim Jongil"]


def test_hebrew_prefix_query_with_proclitics() -> None:
    assert _found("פיונג*", "בפיונגיאנג ופיונג וגם אפיונגיאנג") == ["בפיונגיאנג", "ופיונג"]


def test_expanding_letters_map_back_to_the_original() -> None:
    text = "Die Straße, die STRASSE und die ﬁnance-Abteilung."
    assert _found("strasse", text) == ["Straße", "STRASSE"]
    assert _found("finance", text) == ["ﬁnance"]
    assert _found("stras*", text) == ["Straße", "STRASSE"]


def test_russian_case_and_yo() -> None:
    text = "Шойгу заявил, что шойгу — ШОЙГУ. Ёлка и елка, но не йолка."
    assert _found("Шойгу", text) == ["Шойгу", "шойгу", "ШОЙГУ"]
    assert _found("елка", text) == ["Ёлка", "елка"]
    assert _found("ёлка", text) == ["Ёлка", "елка"]
    assert _found("мои", "мой и мои") == ["мои"]  # й is a letter of its own


def test_phrases_win_over_their_first_word_and_hits_do_not_overlap() -> None:
    text = "Kim Jong Un met Kim Yo Jong."
    matcher = compile_matcher(parse_query('kim OR "kim jong un"').positive_terms)
    assert [text[span.start : span.end] for span in matcher.find(text)] == ["Kim Jong Un", "Kim"]


def test_exclusions_and_empty_matchers_find_nothing() -> None:
    assert compile_matcher(parse_query("kim -jong").groups[1]).find("kim jong") == []
    assert compile_matcher([]).find("anything") == []
    assert compile_matcher([Term(("kim",))]).find("") == []


def test_find_returns_span_records() -> None:
    assert compile_matcher([Term(("kim",))]).find("a kim b") == [Span(2, 5)]


# --- the index and the matcher agree --------------------------------------------------------------

CORPUS = [
    PYONGYANG_HE,
    "בשנת 2017 טס קים ג'ונג און לפיונגיאנג במטוס Il-62M, כך דיווח צה״ל. בכנסת ובצה\"ל שתקו.",
    "וּבְפְיוֹנְגְיָאנְג נִפְגְּשׁוּ הַשָּׂרִים׃ הַמּוֹסָד וְהַשַּׁ״בַּ״כּ, ב־NK News דיווחו.",
    "وصل الوفدُ إلى مُوسْـــكو، والتقى أحمد بمسؤولين في القاهرة وللقاهرة ٢٠٢٣.",
    "ﻭﺻﻞ ﺍﻟﻮﻓﺪ ﺇﻟﻰ ﻣﻮﺳﻜﻮ ﻭﺍﻟﻼﺟﺌﻴﻦ في الليل ولليل",
    "Министр обороны Шойгу прибыл в Москву; ёлка, ЁЛКА и йод — 100₽.",
    "Sérgio flew the Il-62M to São Paulo 🤲 via Straße; ﬁnance_officer O'Brien said “no”.",
    "\u202bקים\u202c met \u200fبوتين\u200f in Pyong\u200eyang, Kim Jong-\nun too.",
]
QUERIES = [
    "פיונגיאנג",
    "פיונג*",
    "קים",
    '"קים ג\'ונג און"',
    'צה"ל',
    "הכנסת",
    "כנסת",
    "מוסד",
    "השב״כ",
    "موسكو",
    "قاهرة",
    "القاهرة",
    "أحمد",
    "مسؤول*",
    "الليل",
    "لاجئين",
    "шойгу",
    "москв*",
    "елка",
    "Il-62M",
    "sergio",
    "strasse",
    "finance",
    "officer",
    "o'brien",
    '"kim jong un"',
    "pyongyang",
    "NK",
    "2023",
    "100",
    "بوتين",
]


def _index_agrees(term: Term, text: str, prefixed: bool) -> None:
    found = compile_matcher([term], prefixed=prefixed).find_detailed(text)
    assert bool(found) == term_in_tokens(term, tokenize(fold(text)), prefixed=prefixed), (term, text)
    for hit in found:  # and each hit on its own is a match for the index too
        assert term_in_tokens(term, tokenize(fold(text[hit.start : hit.end])), prefixed=prefixed)


@pytest.mark.parametrize("prefixed", [True, False])
@pytest.mark.parametrize("query", QUERIES)
def test_matcher_agrees_with_the_index(query: str, prefixed: bool) -> None:
    for term in parse_query(query).positive_terms:
        for text in CORPUS:
            _index_agrees(term, text, prefixed)


def test_the_corpus_exercises_both_outcomes() -> None:
    """The agreement test above would be vacuous if every query missed (or hit) every text."""
    outcomes = {
        bool(compile_matcher(parse_query(query).positive_terms).find(text))
        for query in QUERIES
        for text in CORPUS
    }
    found = sum(bool(compile_matcher(parse_query(q).positive_terms).find(t)) for q in QUERIES for t in CORPUS)
    assert outcomes == {True, False} and found >= 30


_NOISE = [
    *"בוהלמשכפיונגאםצ",  # Hebrew letters, prefix letters among them
    *"\u05b0\u05b4\u05bc\u05c1\u0591",  # niqqud, dagesh, shin dot, a cantillation mark
    *"والبكفمسقاهرةأإآىـ\u064e\u0651",  # Arabic letters, alef variants, tatweel, harakat
    *"kimKéÉßs",
    *" -\u05be\n'\"\u200f\u200e\u2067\u2069.,",
]
_SPELLINGS = [  # the searched words as they appear in text, with and without proclitics
    *("פיונגיאנג", "בפיונגיאנג", "ושבפיונגיאנג", "פְּיוֹנְגְיָאנְג", "הכנסת", "בכנסת", "כנסת", "מש"),
    *("القاهرة", "للقاهرة", "بالقاهرة", "قاهرة", "أحمد", "واحمد", "إحمد", "ـأحمد"),
    *("Kim", "KIM", "kiss", "Kiß", "Ké", "KE"),
]
_SEPARATORS = ["", " ", " ", "\n", "-", "\u05be", ", ", "\u200f ", "'"]
_TEXTS = st.lists(
    st.tuples(st.sampled_from(_SPELLINGS) | st.sampled_from(_NOISE), st.sampled_from(_SEPARATORS)),
    max_size=10,
).map(lambda parts: "".join(piece + separator for piece, separator in parts))
_WORDS = st.sampled_from(
    ["פיונגיאנג", "פיונג", "כנסת", "הכנסת", "قاهرة", "القاهرة", "أحمد", "kim", "kiß", "ké"]
)


@settings(max_examples=500, deadline=None)
@given(_TEXTS, _WORDS, _WORDS, st.sampled_from([False, False, True]), st.booleans())
def test_matcher_agrees_with_the_index_on_generated_text(
    text: str, first: str, second: str, phrase: bool, prefix: bool
) -> None:
    words = tuple(tokenize(fold(first + (" " + second if phrase else ""))))
    term = Term(words, prefix)
    for prefixed in (True, False):
        _index_agrees(term, text, prefixed)


# --- snippets -------------------------------------------------------------------------------------

LONG_TEXT = (
    "The delegation left Beijing early in the morning.\nAfter a long flight over the Yellow Sea the "
    "Il-62M landed in Pyongyang, where officials waited on the tarmac for hours. Later that day\n"
    "the aircraft returned to Pyongyang again, and the crew stayed overnight in a guest house."
)


def test_snippet_around_the_first_hit_with_honest_offsets() -> None:
    hits = compile_matcher(parse_query("pyongyang").positive_terms).find(LONG_TEXT)
    snippet = make_snippet(LONG_TEXT, hits, context_chars=60)
    assert "\n" not in snippet.text
    assert snippet.text == LONG_TEXT[snippet.start : snippet.start + len(snippet.text)].replace("\n", " ")
    assert [snippet.text[span.start : span.end] for span in snippet.highlights] == ["Pyongyang"] * len(
        snippet.highlights
    )
    assert snippet.highlights and snippet.start + snippet.highlights[0].start == hits[0].start
    # cut at spaces: the excerpt starts and ends on whole words
    assert LONG_TEXT[snippet.start - 1].isspace() and not snippet.text[0].isspace()
    end = snippet.start + len(snippet.text)
    assert LONG_TEXT[end].isspace() and not snippet.text[-1].isspace()
    assert len(snippet.text) <= 60 * 2 + len("Pyongyang")


def test_snippet_limits_highlights_and_keeps_only_whole_hits() -> None:
    text = " ".join(["kim"] * 50)
    hits = compile_matcher([Term(("kim",))]).find(text)
    snippet = make_snippet(text, hits, context_chars=20, max_hits=3)
    assert len(snippet.highlights) == 3
    assert all(snippet.text[span.start : span.end] == "kim" for span in snippet.highlights)


def test_snippet_at_the_start_and_without_hits() -> None:
    snippet = make_snippet("Kim landed. " * 30, [Span(0, 3)], context_chars=20)
    assert snippet.start == 0 and snippet.highlights == (Span(0, 3),)
    assert snippet.text.startswith("Kim landed.") and len(snippet.text) <= 23
    assert make_snippet("short text", []).text == "short text"
    assert make_snippet("", []).text == ""


def test_snippet_in_hebrew_keeps_offsets() -> None:
    hits = compile_matcher(parse_query("פיונגיאנג").positive_terms).find(PYONGYANG_HE)
    snippet = make_snippet(PYONGYANG_HE, hits, context_chars=30)
    for span in snippet.highlights:
        source_span = Span(snippet.start + span.start, snippet.start + span.end)
        assert source_span in hits


def test_a_lone_russian_word_is_found_in_its_case_forms() -> None:
    text = "Министр встретился с Геннадием Соловцовым. В Иркутске и в Москве; в Москву. Соловцов."
    assert _found("Соловцов", text) == ["Соловцовым", "Соловцов"]
    assert _found("Иркутск", text) == ["Иркутске"]
    assert _found("Москва", text) == ["Москве", "Москву"]
    assert _found("Москва", text, prefixed=False) == []  # the exact-word Find stays exact
    assert _found("Москвич", text) == []
    assert _found('"Геннадий Соловцов"', text) == []  # phrases are matched as written
