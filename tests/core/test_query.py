"""The search language: words, phrases, prefixes, OR, exclusions, and messages for what cannot be parsed."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.core.errors import QueryError
from app.core.folding import tokenize
from app.core.query import Query, Term, parse_query


def _groups(text: str) -> tuple[tuple[Term, ...], ...]:
    return parse_query(text).groups


def test_words_are_all_required() -> None:
    assert _groups("Kim Pyongyang") == ((Term(("kim",)),), (Term(("pyongyang",)),))


def test_query_keeps_what_was_typed() -> None:
    assert parse_query("  Kim  ").text == "  Kim  "


def test_words_are_folded() -> None:
    assert _groups("Sérgio ШОЙГУ שָׁלוֹם أحمد") == (
        (Term(("sergio",)),),
        (Term(("шойгу",)),),
        (Term(("שלומ",)),),
        (Term(("احمد",)),),
    )


def test_phrase() -> None:
    assert _groups('"Kim Jong Un" visit') == ((Term(("kim", "jong", "un")),), (Term(("visit",)),))


def test_punctuated_word_becomes_a_phrase() -> None:
    assert _groups("Il-62M") == ((Term(("il", "62m")),),)
    assert _groups("O'Brien") == ((Term(("o", "brien")),),)


def test_hebrew_acronym_with_a_quote_mark_or_gershayim() -> None:
    assert _groups('צה"ל') == ((Term(("צה", "ל")),),)
    assert _groups("צה״ל") == ((Term(("צה", "ל")),),)
    assert _groups('"בסיס צה"ל"') == ((Term(("בסיס", "צה", "ל")),),)


def test_typographic_quotes_delimit_phrases() -> None:
    assert _groups("“kim jong” „Кремль“") == ((Term(("kim", "jong")),), (Term(("кремль",)),))


def test_prefix_word() -> None:
    assert _groups("pyong*") == ((Term(("pyong",), prefix=True),),)


def test_prefix_on_the_last_word_of_a_phrase() -> None:
    expected = ((Term(("kim", "jong"), prefix=True),),)
    assert _groups('"kim jong*"') == expected
    assert _groups('"kim jong"*') == expected
    assert _groups('"kim jong* "') == expected


def test_or_joins_its_neighbours_and_binds_tighter_than_and() -> None:
    assert _groups("kim OR ким pyongyang") == (
        (Term(("kim",)), Term(("ким",))),
        (Term(("pyongyang",)),),
    )
    assert _groups('moscow OR москва OR "موسكو"') == (
        (Term(("moscow",)), Term(("москва",)), Term(("موسكو",))),
    )


def test_lowercase_or_is_a_word() -> None:
    assert _groups("war or peace") == ((Term(("war",)),), (Term(("or",)),), (Term(("peace",)),))


def test_quoted_or_is_a_word() -> None:
    assert _groups('"OR" gate') == ((Term(("or",)),), (Term(("gate",)),))


def test_exclusions() -> None:
    query = parse_query('kim -"jong un" -Pyongyang')
    assert query.groups == (
        (Term(("kim",)),),
        (Term(("jong", "un"), negated=True),),
        (Term(("pyongyang",), negated=True),),
    )
    assert query.positive_terms == (Term(("kim",)),)
    assert query.negative_terms == (Term(("jong", "un"), negated=True), Term(("pyongyang",), negated=True))


def test_hyphen_inside_a_word_is_not_an_exclusion() -> None:
    assert _groups("Il-62M -jet") == ((Term(("il", "62m")),), (Term(("jet",), negated=True),))


def test_punctuation_only_terms_are_ignored() -> None:
    assert _groups("kim — ... - pyongyang") == ((Term(("kim",)),), (Term(("pyongyang",)),))


def _message(text: str) -> str:
    with pytest.raises(QueryError) as error:
        parse_query(text)
    return error.value.message


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "—", '""'])
def test_empty_query(text: str) -> None:
    assert _message(text) == "Type a word to search for."


def test_unclosed_quote_names_where_it_starts() -> None:
    assert _message('kim "jong un') == 'The quote that starts at “"jong un” is not closed.'
    long = _message('"kim jong un visited pyongyang in an il-62m')
    assert long == 'The quote that starts at “"kim jong un visited pyo…” is not closed.'


def test_stray_closing_quote() -> None:
    assert "does not open or close a phrase" in _message('kim jong"')


@pytest.mark.parametrize("text", ["OR kim", "kim OR", "kim OR OR jong", "OR"])
def test_dangling_or(text: str) -> None:
    assert _message(text) == "OR must stand between two search terms, as in moscow OR москва."


@pytest.mark.parametrize("text", ["kim OR -jong", "-kim OR jong", '-"kim jong" OR un'])
def test_or_next_to_an_exclusion(text: str) -> None:
    assert _message(text) == "OR cannot join an exclusion (-word); write the exclusion on its own."


@pytest.mark.parametrize("text", ["-kim", '-kim -"jong un"'])
def test_only_exclusions(text: str) -> None:
    assert "only of exclusions" in _message(text)


@pytest.mark.parametrize("text", ["*", "kim *", '"*"', "-*"])
def test_star_alone(text: str) -> None:
    assert "* must directly follow the start of a word" in _message(text)


@pytest.mark.parametrize("text", ["s*", "ב*", "-a*", "x* OR y"])
def test_a_lone_one_letter_prefix_is_refused_with_a_reason(text: str) -> None:
    assert "type at least 2 letters before *" in _message(text)
    assert _groups('"kim j*"') == ((Term(("kim", "j"), prefix=True),),)  # inside a phrase it narrows
    assert _groups("py*") == ((Term(("py",), prefix=True),),)


@pytest.mark.parametrize("text", ["*kim", "ki*m", "kim**"])
def test_star_inside_a_word(text: str) -> None:
    assert "* may only end a word" in _message(text)


def test_star_inside_a_phrase() -> None:
    assert "only the last word may end with *" in _message('"kim* jong"')
    assert "* must directly follow" in _message('"kim jong *"')


@pytest.mark.parametrize("text", ["(kim OR jong) un", "kim (jong)", "f(x)"])
def test_brackets_are_rejected(text: str) -> None:
    assert _message(text).startswith("Brackets are not supported")


def test_brackets_inside_quotes_are_punctuation() -> None:
    assert _groups('"Kim (Jong) Un"') == ((Term(("kim", "jong", "un")),),)


_PIECES = st.sampled_from(
    [
        '"',
        "“",
        "”",
        "*",
        "-",
        "OR",
        "or",
        "(",
        ")",
        " ",
        "\n",
        "kim",
        "צה",
        "ל",
        "״",
        "أحمد",
        "Ё",
        "\u200f",
        "_",
    ]
)


@given(st.one_of(st.text(), st.lists(_PIECES, max_size=12).map("".join)))
@example('"צה"ל"*')
@example('-"')
@example("OR OR")
def test_any_text_gives_a_query_or_a_query_error(text: str) -> None:
    try:
        query = parse_query(text)
    except QueryError as error:
        assert error.message and error.message[-1] in ".)"
        return
    assert isinstance(query, Query) and query.positive_terms
    for group in query.groups:
        assert group
        assert len(group) == 1 or not any(term.negated for term in group)
        for term in group:
            assert term.words and all(tokenize(word) == [word] for word in term.words)
