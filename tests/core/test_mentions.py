"""Finding entity names in text: kinds, honest offsets, review flags, near misses, naming a selection."""

from __future__ import annotations

import importlib.util
import itertools
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.errors import InvalidValue
from app.core.folding import fold, tokenize
from app.core.mentions import (
    Candidate,
    MatchKind,
    MentionFinder,
    ReviewReason,
    Vocabulary,
    candidate_rows,
    find_candidates,
    find_in_texts,
    max_edits,
    snap_to_words,
    suggest_name,
)
from app.core.records import Span
from app.core.textnorm import normalize_text


def _found(text: str, aliases: list[str], *, variants: bool = True) -> list[Candidate]:
    candidates = find_candidates(text, aliases, variants=variants)
    for candidate in candidates:  # every candidate is real: its text is what the text holds there
        assert text[candidate.start : candidate.end] == candidate.text
        token_start = candidate.token_start if candidate.token_start is not None else candidate.start
        assert 0 <= token_start <= candidate.start < candidate.end <= len(text)
    assert all(a.end <= b.start for a, b in itertools.pairwise(candidates))
    return candidates


def _texts(candidates: list[Candidate]) -> list[str]:
    return [candidate.text for candidate in candidates]


def _kinds(candidates: list[Candidate]) -> list[str]:
    return [candidate.kind.value for candidate in candidates]


def _whole(text: str, candidate: Candidate) -> str:
    """The whole word(s) the candidate was found in, prefix included."""
    start = candidate.token_start if candidate.token_start is not None else candidate.start
    return text[start : candidate.end]


# --- Hebrew --------------------------------------------------------------------------------------------

SHOIGU_HE = (
    "שויגו הגיע למוסקבה. ושויגו אמר, כששויגו נחת, ומשויגו לא שמענו דבר. "
    "וכשבשויגו מדובר, הכול אפשרי. לשויגו־ ו־שויגו. שׁוֹיְגוּ דִּבֵּר, ושֹׁויְג֑וּ שתק. השויגואים אינם הוא."
)


def test_hebrew_proclitics_combinations_maqaf_niqqud_and_cantillation() -> None:
    found = _found(SHOIGU_HE, ["שויגו"], variants=False)
    assert [_whole(SHOIGU_HE, c) for c in found] == [
        "שויגו",
        "ושויגו",
        "כששויגו",
        "ומשויגו",
        "וכשבשויגו",
        "לשויגו",
        "ו־שויגו",
        "שׁוֹיְגוּ",
        "ושֹׁויְג֑וּ",
    ]
    assert _texts(found)[:3] == ["שויגו"] * 3  # the name without its prefix: "and Shoigu" is Shoigu
    assert _kinds(found) == ["exact"] + ["prefixed"] * 6 + ["exact", "prefixed"]
    assert not any(candidate.needs_review for candidate in found)


def test_hebrew_article_swallowed_by_a_preposition() -> None:
    text = "הכנסת אישרה. בכנסת דנו, ומהכנסת יצאו. כנסת ישראל."
    found = _found(text, ["הכנסת"], variants=False)
    assert [_whole(text, c) for c in found] == ["הכנסת", "בכנסת", "ומהכנסת"]
    assert found[1].text == "כנסת"  # ב swallowed the article: the name span is what is written


def test_hebrew_geresh_gershayim_ascii_quotes_and_final_letters() -> None:
    text = 'דובר צה״ל אמר כי בצה"ל יודעים. השר כ"ץ וכ״ץ. ירושלים וירושלַיִם ובירושלים; ירושלמי אינו.'
    found = _found(text, ['צה"ל', "כ״ץ", "ירושלים"], variants=False)
    assert [_whole(text, c) for c in found] == [
        "צה״ל",
        'בצה"ל',
        'כ"ץ',  # (וכ״ץ is not found: search never prefixes a one-letter word, and כ״ץ starts with one)
        "ירושלים",
        "וירושלַיִם",
        "ובירושלים",
    ]
    assert _found("שלום לכם ושלום", ["שלומ"], variants=False)[1].text == "שלום"  # final mem typed plain


def test_latin_names_inside_hebrew_text() -> None:
    text = "לפי NK News, המטוס מדגם Il-62M נחת. ב-NK News דיווחו, ובNK News אישרו; וב־Il-62M טסו."
    found = _found(text, ["NK News", "Il-62M"], variants=False)
    assert [_whole(text, c) for c in found] == ["NK News", "Il-62M", "ב-NK News", "ובNK News", "וב־Il-62M"]
    assert _texts(found) == ["NK News", "Il-62M", "NK News", "NK News", "Il-62M"]
    assert _kinds(found) == ["exact", "exact", "prefixed", "prefixed", "prefixed"]


# --- Arabic --------------------------------------------------------------------------------------------


def test_arabic_tashkeel_tatweel_letter_variants_and_proclitics() -> None:
    text = (
        "وَصَلَ الوفد إلى القَاهِرَة ثم القـــاهرة، وبالقاهرة التقى، وللقاهرة عاد، فالقاهرة مدينة كبيرة. "
        "القاهره بلا نقطتين. القاهريون ليسوا المدينة."
    )
    found = _found(text, ["القاهرة"], variants=False)
    assert [_whole(text, c) for c in found] == [
        "القَاهِرَة",
        "القـــاهرة",
        "وبالقاهرة",
        "وللقاهرة",
        "فالقاهرة",
        "القاهره",
    ]
    assert _kinds(found) == ["exact", "exact", "prefixed", "prefixed", "prefixed", "exact"]
    assert found[3].text == "لقاهرة"  # ل + القاهرة is written للقاهرة: the name starts at the article's lam


def test_arabic_hamza_seats_and_alef_maksura() -> None:
    text = "أعلن المتحدث، ثم اعلن مرة أخرى وآعلن. مستشفى موسى ومستشفي الشفاء."
    found = _found(text, ["أعلن", "مستشفى"], variants=False)
    assert [_whole(text, c) for c in found] == ["أعلن", "اعلن", "وآعلن", "مستشفى", "ومستشفي"]


# --- English and Russian ---------------------------------------------------------------------------------


def test_latin_case_accents_and_word_boundaries() -> None:
    text = "Kimberly met Kim Jong Un. KIM JONG UN waved. Pyóngyang and PYONGYANG; Pyongyangers are people."
    found = _found(text, ["Kim Jong Un", "Pyongyang"], variants=False)
    assert _texts(found) == ["Kim Jong Un", "KIM JONG UN", "Pyóngyang", "PYONGYANG"]
    assert _kinds(found) == ["exact"] * 4


def test_russian_case_and_yo() -> None:
    text = "Шойгу прибыл. ШОЙГУ уехал. Ёлкин и Елкин — одна фамилия."
    found = _found(text, ["Шойгу", "Ёлкин"], variants=False)
    assert _texts(found) == ["Шойгу", "ШОЙГУ", "Ёлкин", "Елкин"]


def test_russian_declined_forms_are_variants_for_review() -> None:
    text = "Делегация прибыла в Москву, а потом в Москве прошли переговоры. Москва молчит."
    found = _found(text, ["Москва"])
    assert _texts(found) == ["Москву", "Москве", "Москва"]
    assert _kinds(found) == ["variant", "variant", "exact"]
    assert [c.needs_review for c in found] == [True, True, False]


# --- line breaks ---------------------------------------------------------------------------------------


def test_a_name_split_by_a_line_break_matches() -> None:
    text = "The delegation of Kim Jong\nUn arrived in Pyong-\nyang. Sergei\nShoigu, too; קים ג'ונג\nאון."
    found = _found(text, ["Kim Jong Un", "Pyongyang", "Sergei Shoigu", "קים ג'ונג און"], variants=False)
    assert _texts(found) == ["Kim Jong\nUn", "Pyong-\nyang", "Sergei\nShoigu", "קים ג'ונג\nאון"]
    assert _kinds(found) == ["exact"] * 4


def test_a_longer_name_wins_over_a_shorter_one_inside_it() -> None:
    text = "Kim Jong Un spoke; Kim Yo Jong listened; Kim left."
    found = _found(text, ["Kim Jong Un", "Kim"], variants=False)
    assert [(c.text, c.alias) for c in found] == [
        ("Kim Jong Un", "Kim Jong Un"),
        ("Kim", "Kim"),
        ("Kim", "Kim"),
    ]


# --- traps: review, never a silent accept -----------------------------------------------------------------


def test_short_hebrew_name_that_is_the_tail_of_an_ordinary_word_needs_review() -> None:
    text = "ברון רוטשילד הגיע. רון הגיע, ולרון אמרו."  # ברון is a baron, not "in Ron"
    found = _found(text, ["רון"])
    assert [_whole(text, c) for c in found] == ["ברון", "רון", "ולרון"]
    baron, bare, prefixed = found
    assert baron.needs_review and baron.reason is ReviewReason.SHORT_AFTER_PREFIX
    assert prefixed.needs_review  # the same rule: the letters before a short name may be part of a word
    assert bare.needs_review and bare.reason is ReviewReason.SHORT_NAME  # רון is also "sing!"
    assert all(c.confidence < 1 for c in found)


def test_short_arabic_name_that_is_the_tail_of_an_ordinary_word_needs_review() -> None:
    text = "حصل الجندي على وسام الشرف، ثم وصل سام إلى بيروت."  # وسام is a medal, not "and Sam"
    found = _found(text, ["سام"])
    assert [_whole(text, c) for c in found] == ["وسام", "سام"]
    assert found[0].needs_review and found[0].reason is ReviewReason.SHORT_AFTER_PREFIX
    assert found[1].needs_review


def test_capitalised_name_written_in_lower_case_needs_review() -> None:
    text = "Theresa May spoke; talks may resume in May. The UN and un día. Un año."
    found = _found(text, ["Theresa May", "May", "UN"])
    review = {(c.text, c.needs_review) for c in found}
    assert review == {
        ("Theresa May", False),
        ("may", True),
        ("May", False),
        ("UN", False),
        ("un", True),
        ("Un", True),  # an acronym written otherwise than in capitals
    }
    assert next(c for c in found if c.text == "may").reason is ReviewReason.CASE_DIFFERS


def test_longer_names_after_a_prefix_are_confident() -> None:
    found = _found("נחתו בפיונגיאנג", ["פיונגיאנג"])
    assert found[0].kind is MatchKind.PREFIXED and not found[0].needs_review


# --- near misses ---------------------------------------------------------------------------------------


def test_near_misses_are_variants_and_always_need_review() -> None:
    text = (
        "Sergei Shoygu met Sergei Shiogu (a typo) and Sergei Shoigu. "
        "Pjongjang, Pyongyang and Pyeongyang. Lavrow and Lavrov; Lavroff is too far."
    )
    found = _found(text, ["Sergei Shoigu", "Pyongyang", "Lavrov"])
    variants = [c for c in found if c.kind is MatchKind.VARIANT]
    assert _texts(variants) == ["Sergei Shoygu", "Sergei Shiogu", "Pjongjang", "Pyeongyang", "Lavrow"]
    assert all(c.needs_review and c.reason is ReviewReason.NEAR_MISS for c in variants)
    assert all(c.confidence < 0.9 for c in variants)
    assert {c.alias for c in variants} == {"Sergei Shoigu", "Pyongyang", "Lavrov"}
    exact = [c for c in found if c.kind is MatchKind.EXACT]
    assert _texts(exact) == ["Sergei Shoigu", "Pyongyang", "Lavrov"]


def test_near_misses_in_hebrew_and_arabic_also_behind_prefixes() -> None:
    hebrew = "שוייגו הגיע, ובשויגוו לא האמינו. ירושלם היא ירושלים."
    found = _found(hebrew, ["שויגו", "ירושלים"])
    assert [(c.text, c.kind.value) for c in found] == [
        ("שוייגו", "variant"),
        ("שויגוו", "variant"),
        ("ירושלם", "variant"),
        ("ירושלים", "exact"),
    ]
    assert _whole(hebrew, found[1]) == "ובשויגוו"
    arabic = "قال شويجو إن بيونج يانج بعيدة عن بيونغ يانغ."
    found = _found(arabic, ["شويغو", "بيونغ يانغ"])
    assert [(c.text, c.kind.value) for c in found] == [
        ("شويجو", "variant"),
        ("بيونج يانج", "variant"),
        ("بيونغ يانغ", "exact"),
    ]


def test_short_words_get_no_near_misses() -> None:
    assert max_edits("kim") == 0 and max_edits("lavrov") == 1 and max_edits("pyongyang") == 2
    assert _found("Kin and Kam met Tim", ["Kim"]) == []


def test_a_spelling_of_another_known_name_is_not_a_variant() -> None:
    finder = MentionFinder(["Lavrov"])
    vocabulary = Vocabulary(["lavrova", "lavrow"])
    assert [t.words for t in finder.variant_terms(vocabulary, exclude=["Lavrova"])] == [("lavrow",)]


def test_common_words_of_the_case_are_not_variants() -> None:
    finder = MentionFinder(["Moskva"])
    rare = Vocabulary(["moskve"], counts={"moskve": 3}, sources=1000)
    common = Vocabulary(["moskve"], counts={"moskve": 400}, sources=1000)
    assert [t.words for t in finder.variant_terms(rare)] == [("moskve",)]
    assert finder.variant_terms(common) == []


def test_finding_only_the_terms_the_index_reports_gives_the_same_result() -> None:
    text = "בפיונגיאנג נפגשו שויגו וקים.\nMoscow was quiet; Pyongyang too.\n" * 3
    finder = MentionFinder(["פיונגיאנג", "שויגו", "Moscow", "Pyongyang", "Tehran"])
    everything = finder.find(text)
    present = [term for term in finder.alias_terms if term.words != ("tehran",)]
    assert finder.find(text, terms=present, folded=fold(text)) == everything
    assert len(everything) == 12


# --- offsets are always honest ---------------------------------------------------------------------------

_WORDS = ["שויגו", "בשויגו", "שׁוֹיְגוּ", "القاهرة", "وبالقاهرة", "القـاهرة", "Kim", "Jong", "Un", "Pyóngyang"]
_FILLER = ["המטוס", "נחת", "وصل", "الوفد", "the", "plane", "ﻻ", "ß", "\u200f", "İ"]
_GAPS = [" ", "\n", ", ", " - ", "־", "\u200e "]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_WORDS + _FILLER), st.sampled_from(_GAPS)), max_size=30))
def test_every_candidate_points_at_exactly_its_text(pieces: list[tuple[str, str]]) -> None:
    text = normalize_text("".join(word + gap for word, gap in pieces))
    found = _found(text, ["שויגו", "القاهرة", "Kim Jong Un", "Pyongyang"])
    expected = sum(word in ("שויגו", "בשויגו", "שׁוֹיְגוּ") for word, _gap in pieces)
    assert sum(c.alias == "שויגו" for c in found) == expected


# --- naming a selection --------------------------------------------------------------------------------


def test_snap_to_words_widens_to_whole_words_and_trims_punctuation() -> None:
    text = "אמר כי קים ג'ונג און, ראש המדינה"
    start, end = snap_to_words(text, text.index("ים"), text.index("און") + 1)  # from inside קים into און
    assert text[start:end] == "קים ג'ונג און"
    assert snap_to_words("  (Pyongyang).", 1, 14) == (3, 12)
    with pytest.raises(InvalidValue):
        snap_to_words("a , b", 1, 3)


def test_suggest_name_leaves_an_attached_prefix_outside_the_name() -> None:
    text = "המטוס נחת בפיונגיאנג אתמול."
    start = text.index("בפיונגיאנג")
    span = Span(start + 2, start + 6)  # a careless selection inside the word
    assert suggest_name(text, span, known_aliases=["פיונגיאנג"]) == (start + 1, start + 10, "פיונגיאנג")
    by_vocabulary = suggest_name(text, span, vocabulary={"פיונגיאנג": 4})
    assert by_vocabulary.name == "פיונגיאנג" and by_vocabulary.start == start + 1


def test_suggest_name_keeps_a_word_whole_without_evidence_of_a_prefix() -> None:
    text = "השר נסע לברלין ולונדון."
    start = text.index("לברלין")
    assert suggest_name(text, (start, start + 6)).name == "לברלין"  # ל is "to", but who says so?
    assert suggest_name(text, (start, start + 6), vocabulary={"ברלינ": 2}).name == "ברלין"
    london = text.index("ולונדון")
    assert suggest_name(text, (london, london + 7), vocabulary={"לונדונ": 5}).name == "לונדון"


def test_suggest_name_restores_a_swallowed_article_and_splits_a_hyphenated_prefix() -> None:
    text = "דנו בכנסת ובקבינט; לפי ב-NK News."
    start = text.index("בכנסת")
    suggestion = suggest_name(text, (start, start + 5), known_aliases=["הכנסת"])
    assert suggestion == (start + 1, start + 5, "הכנסת")
    hyphen = text.index("ב-NK")
    assert suggest_name(text, (hyphen, hyphen + 9)) == (hyphen + 2, hyphen + 9, "NK News")
    arabic = "وغادر للقاهرة صباحا"
    lam = arabic.index("للقاهرة")
    assert suggest_name(arabic, (lam, lam + 7), vocabulary={"القاهره": 3}) == (lam + 1, lam + 7, "القاهرة")


def test_suggest_name_keeps_a_known_name_that_starts_like_a_prefix() -> None:
    text = "בולגריה ובריטניה"
    assert suggest_name(text, (0, 7), known_aliases=["בולגריה"], vocabulary={"ולגריה": 9}).name == "בולגריה"


# --- the fast path agrees with the search matcher ---------------------------------------------------------

_NAMES = ["פיונגיאנג", "הכנסת", "שויגו", "القاهرة", "موسكو", "NK", "Pyongyang", "Il-62M", "Kim Jong Un"]
_TOKENS = [
    "פיונגיאנג",
    "בפיונגיאנג",
    "ופיונגיאנג",
    "בכנסת",
    "הכנסת",
    "מהכנסת",
    "כנסת",
    "שויגו",
    "לשויגו",
    "בשויגו",
    "אפיונגיאנג",
    "القاهرة",
    "للقاهرة",
    "بالقاهرة",
    "قاهرة",
    "وموسكو",
    "موسكو",
    "NK",
    "בNK",
    "ב",
    "ו",
    "Pyongyang",
    "PYONGYANG",
    "Pyongyangs",
    "Il",
    "62M",
    "Kim",
    "Jong",
    "Un",
    "the",
    "נחת",
    "وصل",
    "בשויגוו",
    "Pyongyng",
    "בְּפְיוֹנְגְיָאנְג",
    "ß",
]
_SEPARATORS = [" ", " ", "\n", ", ", "-", "־", "‐", " (", ") ", "'", ": ", " …» "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_TOKENS), st.sampled_from(_SEPARATORS)), max_size=40))
def test_words_read_off_the_fold_agree_with_the_matcher(pieces: list[tuple[str, str]]) -> None:
    text = "".join(token + separator for token, separator in pieces)
    fast, slow = MentionFinder(_NAMES), MentionFinder(_NAMES, fast_path=False)
    vocabulary = Vocabulary.of_text(text)
    assert fast.find(text, terms=fast.search_terms(vocabulary)) == slow.find(
        text, terms=slow.search_terms(vocabulary)
    )


def test_the_fast_path_is_taken_and_finds_what_the_matcher_finds() -> None:
    text = "נחתו בפיונגיאנג ובכנסת; ב-NK ובNK, للقاهرة وموسكو. PYONGYANG!\nבְּפְיוֹנְגְיָאנְג …» Pyongyng."
    fast, slow = MentionFinder(_NAMES), MentionFinder(_NAMES, fast_path=False)
    terms = fast.search_terms(Vocabulary.of_text(text))
    found = fast.find(text, terms=terms)
    assert found == slow.find(text, terms=terms)
    assert [_whole(text, c) for c in found] == [
        "בפיונגיאנג",
        "ובכנסת",
        "ב-NK",
        "ובNK",
        "للقاهرة",
        "وموسكو",
        "PYONGYANG",
        "בְּפְיוֹנְגְיָאנְג",
        "Pyongyng",
    ]


# --- the labelled set: the recall gate ---------------------------------------------------------------------


def _evaluation() -> Any:
    """``bench/mention_eval.py`` (scoring of the labelled set), loaded from its file."""
    path = Path(__file__).resolve().parents[2] / "bench" / "mention_eval.py"
    spec = importlib.util.spec_from_file_location("mention_eval", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is being made
    spec.loader.exec_module(module)
    return module


def test_labelled_set_recall_gate_and_the_case_file_agrees(tmp_path: Path) -> None:
    evaluation = _evaluation()
    aliases, samples = evaluation.load()
    languages = {sample.lang for sample in samples}
    confident = [g for s in samples for g in s.gold if g.kind in ("exact", "prefixed")]
    assert languages == {"he", "ar", "en"} and len(confident) >= 300
    found = evaluation.run_core(aliases, samples)
    tallies = evaluation.score(samples, found)
    overall = tallies["all"]
    assert evaluation.recall(overall, "exact") >= evaluation.GATE, overall.misses
    assert evaluation.recall(overall, "prefixed") >= evaluation.GATE, overall.misses
    for lang in ("he", "ar"):
        assert evaluation.recall(tallies[lang], "prefixed") >= evaluation.GATE, tallies[lang].misses
    assert overall.silent_accepts == []  # every trap found is flagged for review
    assert evaluation.precision(overall, ("exact", "prefixed")) >= 0.95, overall.false_positives
    assert evaluation.run_store(aliases, samples, tmp_path) == found


def test_the_markup_of_the_labelled_set_is_read_as_meant() -> None:
    evaluation = _evaluation()
    text, gold = evaluation.parse_marked(
        "נחת ב[פיונגיאנג](pyongyang) ו-[NK News](nknews) [Shoygu](shoigu~) [ברון](ron!)"
    )
    assert text == "נחת בפיונגיאנג ו-NK News Shoygu ברון"
    assert [(text[g.start : g.end], g.entity, g.kind) for g in gold] == [
        ("פיונגיאנג", "pyongyang", "prefixed"),
        ("NK News", "nknews", "prefixed"),
        ("Shoygu", "shoigu", "variant"),
        ("ברון", "ron", "trap"),
    ]


def test_matching_many_texts_for_a_worker_gives_the_finders_candidates_as_rows() -> None:
    texts = [
        (1, "Sergei Shoigu flew to Pyongyang; בפיונגיאנג נחת שויגו."),
        (2, "وصل شويغو إلى بيونغ يانغ"),
        (3, "Nothing here."),
    ]
    aliases = ("Sergei Shoigu", "Pyongyang", "פיונגיאנג", "שויגו", "شويغو", "بيونغ يانغ")
    owners = {"Sergei Shoigu": [7], "שויגו": [7], "شويغو": [7, 9], "Pyongyang": [8], "פיונגיאנג": [8]}
    finder = MentionFinder(aliases)
    jobs = [(source_id, text, fold(text), finder.alias_terms) for source_id, text in texts]
    found = find_in_texts(finder.aliases, owners, jobs)
    assert [source_id for source_id, _rows in found] == [1, 2, 3]
    for (source_id, text), (_same, rows) in zip(texts, found, strict=True):
        assert rows == candidate_rows(source_id, finder.find(text), owners)
        for owner, source, start, end, surface, alias, kind, review, confidence, reason in rows:
            assert owner in owners[alias] and source == source_id and text[start:end] == surface
            assert kind in {"exact", "prefixed"} and reason in {r.value for r in ReviewReason}
            assert isinstance(review, bool) and 0 < confidence <= 1
    assert [row[0] for row in found[1][1]] == [7, 9]  # شويغو for both entities; بيونغ يانغ for none
    assert [row[4] for row in found[0][1]] == ["Sergei Shoigu", "Pyongyang", "פיונגיאנג", "שויגו"]
    assert found[2][1] == []
    assert find_in_texts(finder.aliases, owners, jobs[:1]) == found[:1]  # the kept finder gives the same


_CASE_WORDS = (
    "Pyongyang Pjongjang Pyongyan Phenian פיונגיאנג בפיונגיאנג לפיונגיאנג פיונגיינג שויגו ושוייגו שויגוב "
    "Shoigu Shoygu Shojgu Sergei Sergey Kim Jong Un Jon Yong singing ringing bring Moskva Moskve Moskwa "
    "بيونغيانغ وبيونغيانغ بيونغ يانغ شويغو شويجو"
)


def test_a_vocabulary_read_whole_from_the_index_finds_the_near_misses_of_one_built_from_tokens() -> None:
    from app.core.mentions import near_keys, near_misses

    tokens = sorted(set(tokenize(fold(_CASE_WORDS))))
    counts = {token: 1 + index % 5 for index, token in enumerate(tokens)}
    built = Vocabulary(tokens, counts=counts, sources=100)
    read = Vocabulary.from_index("\n".join(tokens), "\n".join(str(counts[t]) for t in tokens), 100)
    assert read.joined is not None and read.has("shoygu") and not read.has("shoyg")
    finder = MentionFinder(
        ["Pyongyang", "פיונגיאנג", "Sergei Shoigu", "שויגו", "شويغو", "Kim Jong Un", "Moskva"]
    )
    request = finder.near_request(exclude=["Sergey"])
    whole = built.near(request.budgets, request.spellings)
    assert read.near(request.budgets, request.spellings) == whole
    assert sum(map(len, whole.values())) >= 8
    words = sorted(request.budgets)
    halves = [
        near_misses(read.joined, 100, request.budgets, part, request.spellings)
        for part in (words[:3], words[3:])
    ]
    assert {**halves[0], **halves[1]} == whole  # the workers' shares make up the whole
    assert finder.variant_terms_from(request, whole) == finder.variant_terms(built, exclude=["Sergey"])
    heads, tails = near_keys(request.budgets)
    part = [t for t in tokens if t.startswith(tuple(heads)) or t[-2:] in tails]
    assert len(part) < len(tokens)
    part_counts = "\n".join(str(counts[t]) for t in part)
    read_part = Vocabulary.from_index("\n".join(part), part_counts, 100, whole=False)
    assert read_part.near(request.budgets, request.spellings) == whole  # the part is all it needs
    with pytest.raises(ValueError):
        read_part.has("shoygu")


def test_tokens_by_ending_read_off_the_joined_vocabulary_are_those_of_the_index_by_ending() -> None:
    from app.core.mentions import _lines_ending

    tokens = sorted(set(tokenize(fold(_CASE_WORDS))) | {"ng", "g"})
    joined = "\n".join(tokens)
    for tail in ("ng", "גו", "غو", "un", "zz"):
        assert _lines_ending(joined, tail) == [t for t in tokens if t[-2:] == tail]


def test_rows_of_a_text_are_its_candidates_as_rows_for_each_owner() -> None:
    from app.core.mentions import candidate_rows

    text = (
        "בפיונגיאנג נפגשו שויגו וקים; ב-NK News ובNK News.\nShoygu in Pyongyang, Pjongjang; may and May.\n"
        "وصل شويغو إلى بيونغيانغ. Pyong-\nyang."
    )
    finder = MentionFinder(
        ["פיונגיאנג", "שויגו", "NK News", "Shoigu", "Pyongyang", "May", "شويغو", "بيونغيانغ"]
    )
    terms = finder.search_terms(Vocabulary.of_text(text))
    owners = {
        alias: [index, 40 + index] if index % 2 else [index] for index, alias in enumerate(finder.aliases)
    }
    candidates = finder.find(text, terms=terms)
    assert {c.kind for c in candidates} == set(MatchKind) and any(c.needs_review for c in candidates)
    rows = finder.find_rows(7, text, owners, terms=terms)
    assert rows == candidate_rows(7, candidates, owners) and len(rows) > len(candidates)
