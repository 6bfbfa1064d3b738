"""Full-text search over a real case: ranking, prefixes, folding, offsets and snippets."""

from __future__ import annotations

import pytest

from app.core.errors import QueryError
from app.store import CaseStore

HEBREW = "המטוס נחת בפיונגיאנג אחרי עצירה. המשלחת המשיכה לפיונגיאנג ומשם חזרה."
HEBREW_POINTED = "הַמָּטוֹס הִגִּיעַ לְפְּיוֹנְגְיָאנְג"
ARABIC = "وصل الوفد إلى موسكو ثم غادر بموسكو صباحا، وموسكو تنفي."
ENGLISH = "The Il-62M landed in Pyongyang. Officials in São Paulo declined to comment."
RUSSIAN = "Шойгу прилетел в Пхеньян на самолёте Ил-62М."


@pytest.fixture
def sources(store: CaseStore, add_text) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {
        "he": add_text(HEBREW, title="ידיעה"),
        "he_pointed": add_text(HEBREW_POINTED, title="מנוקד"),
        "ar": add_text(ARABIC, title="خبر"),
        "en": add_text(ENGLISH, title="Wire report"),
        "ru": add_text(RUSSIAN, title="Сообщение"),
    }


def hit_texts(store: CaseStore, query: str) -> dict[int, list[str]]:
    results = store.search(query)
    return {
        hit.source_id: [store.source_text(hit.source_id)[s.start : s.end] for s in hit.hits]
        for hit in results.hits
    }


def test_hebrew_name_found_behind_prefixes_and_niqqud(store: CaseStore, sources: dict[str, int]) -> None:
    found = hit_texts(store, "פיונגיאנג")
    assert set(found) == {sources["he"], sources["he_pointed"]}
    assert found[sources["he"]] == ["בפיונגיאנג", "לפיונגיאנג"]
    assert found[sources["he_pointed"]] == ["לְפְּיוֹנְגְיָאנְג"]


def test_arabic_name_found_behind_proclitics(store: CaseStore, sources: dict[str, int]) -> None:
    found = hit_texts(store, "موسكو")
    assert found == {sources["ar"]: ["موسكو", "بموسكو", "وموسكو"]}


def test_latin_name_joined_to_an_arabic_proclitic_by_a_tatweel(store: CaseStore, add_text) -> None:  # type: ignore[no-untyped-def]
    source = add_text("وقالت الوكالة وفقا لـNK News إن الطائرة بـIl-62M هبطت.", title="خبر")
    assert hit_texts(store, '"NK News"') == {source: ["NK News"]}
    assert hit_texts(store, "Il-62M") == {source: ["Il-62M"]}


def test_a_title_only_match_says_so_and_huge_texts_list_a_bounded_number_of_hits(
    store: CaseStore,
    add_text,  # type: ignore[no-untyped-def]
) -> None:
    from app.core.records import MAX_HITS_LISTED

    titled = add_text("Nothing about aircraft in this text.", title="Il-62M arrivals")
    crowded = add_text("The Il-62M landed. " * (MAX_HITS_LISTED + 500), title="Log")
    found = {hit.source_id: hit for hit in store.search("Il-62M").hits}
    assert (found[titled].hits, [(s.start, s.end) for s in found[titled].title_hits]) == ((), [(0, 6)])
    assert len(found[crowded].hits) == MAX_HITS_LISTED and found[crowded].more_hits
    assert not found[titled].more_hits and found[crowded].title_hits == ()


def test_a_russian_name_is_found_declined(store: CaseStore, add_text) -> None:  # type: ignore[no-untyped-def]
    declined = add_text("Министр встретился с Геннадием Соловцовым в Иркутске.", title="Встреча")
    plain = add_text("Соловцов прилетел в Иркутск.", title="Прилёт")
    assert hit_texts(store, "Соловцов") == {declined: ["Соловцовым"], plain: ["Соловцов"]}
    assert hit_texts(store, "Иркутск") == {declined: ["Иркутске"], plain: ["Иркутск"]}
    assert store.search("Соловцов").total == 2


def test_latin_is_case_and_accent_insensitive(store: CaseStore, sources: dict[str, int]) -> None:
    assert hit_texts(store, "sao paulo") == {sources["en"]: ["São", "Paulo"]}
    assert hit_texts(store, '"sao paulo"') == {sources["en"]: ["São Paulo"]}
    assert hit_texts(store, "PYONGYANG") == {sources["en"]: ["Pyongyang"]}


def test_hyphenated_designation_phrase_and_prefix(store: CaseStore, sources: dict[str, int]) -> None:
    assert hit_texts(store, "Il-62M") == {sources["en"]: ["Il-62M"]}
    assert hit_texts(store, '"landed in pyongyang"') == {sources["en"]: ["landed in Pyongyang"]}
    assert hit_texts(store, "Pyong*") == {sources["en"]: ["Pyongyang"]}
    assert hit_texts(store, "шойгу") == {sources["ru"]: ["Шойгу"]}
    assert hit_texts(store, "самолет") == {sources["ru"]: ["самолёте"]} or store.search("самолет*").total == 1


def test_boolean_queries(store: CaseStore, sources: dict[str, int]) -> None:
    assert set(hit_texts(store, "Pyongyang OR موسكو")) == {sources["en"], sources["ar"]}
    assert set(hit_texts(store, "פיונגיאנג -עצירה")) == {sources["he_pointed"]}


def test_snippet_highlights_point_at_the_hits(store: CaseStore, sources: dict[str, int]) -> None:
    hit = store.search("פיונגיאנג").hits[0]
    text = store.source_text(hit.source_id)
    snippet = hit.snippet
    assert text[snippet.start : snippet.start + len(snippet.text)] == snippet.text
    for span in snippet.highlights:
        assert "פיונגיאנג" in snippet.text[span.start : span.end]


def test_results_rank_title_matches_first_and_count_all(store: CaseStore, add_text) -> None:  # type: ignore[no-untyped-def]
    body_only = add_text(
        "a long report that mentions sanctions once among many other words " * 3, title="Misc"
    )
    in_title = add_text("sanctions", title="Sanctions briefing")
    results = store.search("sanctions")
    assert results.total == 2
    assert [hit.source_id for hit in results.hits] == [in_title, body_only]
    assert store.search("sanctions", limit=1).total == 2
    second_page = store.search("sanctions", limit=1, offset=1)
    assert (second_page.total, [hit.source_id for hit in second_page.hits]) == (2, [body_only])
    beyond = store.search("sanctions", limit=1, offset=5)
    assert (beyond.total, beyond.hits) == (2, ())
    assert store.search("nowhere").total == 0


@pytest.mark.parametrize("query", ['"unclosed phrase', "", "   ", "-only -exclusions", "OR", "*"])
def test_malformed_queries_get_a_message_not_an_exception(store: CaseStore, query: str) -> None:
    with pytest.raises(QueryError) as raised:
        store.search(query)
    assert raised.value.message


@pytest.mark.parametrize(
    "query", ["NEAR(a b)", "title:x", "a AND", "^start", "x:y:z", "{col}", "a + b", "()"]
)
def test_fts_syntax_in_user_input_is_never_an_error(
    store: CaseStore, sources: dict[str, int], query: str
) -> None:
    try:
        store.search(query)
    except QueryError as exc:  # a clear message is fine; an OperationalError or a crash is not
        assert exc.message
