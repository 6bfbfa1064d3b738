"""Where an entity's names occur in a text, and what to call a selection the investigator tags.

Everything here reuses the search core, so a name is found exactly where a search for it finds it:
``folding`` decides which spellings are the same word, ``matching`` finds them in the original text with
honest offsets. On top of that this module adds what tagging needs:

* **Kinds.** A hit is *exact* (the alias, with case, accents, niqqud, harakat, tatweel and letter variants
  folded away), *prefixed* (behind Hebrew or Arabic proclitics: בפיונגיאנג, ב-NK News, בNK News,
  للقاهرة) or a *variant*: a near miss of an alias, such as another transliteration of a foreign name or
  two swapped letters (Shoygu for Shoigu, Pjöngjang for Pyongyang). Variants are never accepted without
  review.
* **Spans.** A candidate's ``start``/``end`` cover the *name*; an attached prefix stays outside it (it
  begins at ``token_start``), so the mention of "פיונגיאנג" in "בפיונגיאנג" is the city, not "in the city".
* **Review.** Some hits are probably right but need a look: a short name right behind a prefix letter is
  often the tail of an ordinary word (وسام is a medal, not "and Sam"; ברון is a baron, not "in Ron"), a
  short Hebrew or Arabic name is often a common word by itself, and a Latin or Cyrillic name written in
  lower case (or an acronym not in capitals) is often not a name at all ("may" for Theresa May, "Un" in
  Spanish for the UN). Such candidates carry ``needs_review`` and a ``reason``; callers never accept them
  silently.
* **Line breaks.** Words of a name split over lines still match (the matcher's gap is any run of
  separators), and so does a single-word name hyphenated at a line end ("Pyong-\\nyang").
* **Many names, big texts.** ``MentionFinder`` looks for many aliases at once, in the folded text the index
  keeps. Where a line's fold is character for character (most lines), a name found there is read off the
  folded words by the matcher's own rules (whole tokens; the first in one of the prefixed forms
  ``folding.prefix_forms`` gives; any separators between words), so its offsets are the text's; a property
  test holds this to what the matcher finds. Elsewhere the search matcher runs on the lines concerned.

Near misses are looked for in a *vocabulary* (the distinct folded tokens of a text, or of the whole case
from the full-text index): a token, or the token without a Hebrew/Arabic proclitic, is a near miss of an
alias word when its edit distance (with adjacent transpositions) is within a length-dependent budget and it
keeps the word's first or last two letters (three for words of seven letters or more). That anchor makes the
pre-filter a dictionary look-up; it loses only near misses that differ at both ends of a word. A one-word
near miss is then looked for as that very token; a phrase may have one or two of its words replaced.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations, pairwise
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA

from app.core.errors import InvalidValue
from app.core.folding import (
    ARABIC_PREFIXES,
    FORMAT_IGNORABLES,
    HEBREW_PREFIXES,
    expanding_characters,
    fold,
    prefix_forms,
    prefixed_variants,
    strip_prefix_candidates,
    tokenize,
)
from app.core.matching import Matcher, MatchSpan, compile_matcher
from app.core.query import Term
from app.core.records import Span


class MatchKind(StrEnum):
    EXACT = "exact"
    PREFIXED = "prefixed"
    VARIANT = "variant"


class ReviewReason(StrEnum):
    """Why a candidate should be looked at before it is accepted (empty: no reason)."""

    NONE = ""
    NEAR_MISS = "near-miss"  # a variant spelling, not the alias itself
    SHORT_AFTER_PREFIX = "short-after-prefix"  # a short name behind a prefix letter: maybe an ordinary word
    SHORT_NAME = "short-name"  # a Hebrew/Arabic name of three letters or fewer: often a common word too
    CASE_DIFFERS = "case-differs"  # a capitalised name in lower case, or an acronym not in capitals
    INSIDE_OTHER_MENTION = "inside-other-mention"  # inside a span already tagged as another entity


@dataclass(frozen=True)
class Candidate:
    """A place in a text where an alias (or a near miss of one) occurs.

    ``text`` is exactly ``source_text[start:end]``; ``token_start`` is where the word begins when a prefix
    is attached to the name (``start`` otherwise).
    """

    start: int
    end: int
    text: str
    alias: str
    kind: MatchKind
    needs_review: bool = False
    confidence: float = 1.0
    reason: ReviewReason = ReviewReason.NONE
    token_start: int | None = None

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


# --- limits --------------------------------------------------------------------------------------------

SHORT_NAME = 3  # letters: a name this short is reviewed when bare (Hebrew/Arabic) or behind a prefix
_MIN_VARIANT_WORD = 5  # a single word shorter than this gets no near misses (too many real words are)
_MIN_PHRASE_VARIANT_WORD = 4  # inside a multi-word name, a word this long may carry one edit
_MAX_PHRASE_VARIANTS = 64  # variant spellings tried per multi-word alias, closest first
_MAX_HYPHEN_PIECE = 2  # a hyphenated line break leaves at least this many letters on each side
COMMON_WORD_SHARE = 0.02  # a token in more than this share of the sources is an ordinary word, not a variant
COMMON_WORD_MIN_SOURCES = 20


def max_edits(word: str) -> int:
    """Edits allowed for a near miss of a single word of this (folded) spelling."""
    size = len(word)
    if size < _MIN_VARIANT_WORD:
        return 0
    return 1 if size < 9 else 2 if size < 13 else 3


def _phrase_word_edits(word: str) -> int:
    return max(max_edits(word), 1 if len(word) >= _MIN_PHRASE_VARIANT_WORD else 0)


def _anchor_size(word: str) -> int:
    return 2 if len(word) <= 6 else 3


# --- scripts and characters -----------------------------------------------------------------------------


def _is_hebrew(char: str) -> bool:
    return "\u0590" <= char <= "\u05ff" or "\ufb1d" <= char <= "\ufb4f"


def _is_arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f" or "\u08a0" <= char <= "\u08ff"


def _is_mark(char: str) -> bool:
    return char in FORMAT_IGNORABLES or unicodedata.category(char) in ("Mn", "Me")


def _is_letter(char: str) -> bool:
    return char.isalnum() and not _is_mark(char)


_IN_WORD_QUOTES = "'\"׳״’`"  # an apostrophe or gershayim between two letters is part of the word (ג'ונג)


def _in_word(text: str, index: int) -> bool:
    """Whether ``text[index]`` belongs to a word: a letter, a mark on one, or a quote between letters."""
    char = text[index]
    if _is_letter(char) or _is_mark(char):
        return True
    return (
        char in _IN_WORD_QUOTES
        and 0 < index < len(text) - 1
        and _is_letter(text[index - 1])
        and _is_letter(text[index + 1])
    )


def _proclitics(folded_word: str) -> tuple[str, ...]:
    if not folded_word:
        return ()
    if _is_hebrew(folded_word[0]):
        return HEBREW_PREFIXES
    if _is_arabic(folded_word[0]):
        return ARABIC_PREFIXES
    return ()


_HEBREW_PREFIX_SET = frozenset(HEBREW_PREFIXES)
_ARABIC_PREFIX_SET = frozenset(ARABIC_PREFIXES)
_LONGEST_HEBREW_PREFIX = max(map(len, HEBREW_PREFIXES))
_LONGEST_PREFIX = max(map(len, (*HEBREW_PREFIXES, *ARABIC_PREFIXES)))


def _forms(token: str) -> Iterator[tuple[str, int]]:
    """The token, then the token without each proclitic it may carry: (form, letters stripped)."""
    yield token, 0
    if not token:
        return
    first = token[0]
    prefixes = _HEBREW_PREFIX_SET if _is_hebrew(first) else _ARABIC_PREFIX_SET if _is_arabic(first) else None
    if prefixes is None:
        return
    for size in range(1, min(_LONGEST_PREFIX, len(token) - 2) + 1):
        if token[:size] in prefixes:
            yield token[size:], size


def alias_words(alias: str) -> tuple[str, ...]:
    """The folded words of an alias, as the index and the matcher see them: its identity as a spelling."""
    return tuple(tokenize(fold(alias)))


# --- naming a selection ---------------------------------------------------------------------------------


class NameSuggestion(NamedTuple):
    """The name to offer for a selection: ``text[start:end]`` is where it is written (any prefix left out),
    ``name`` how to call it (with an article a preposition swallowed put back: בכנסת → הכנסת)."""

    start: int
    end: int
    name: str


WordCounts = Mapping[str, int] | Callable[[Collection[str]], Mapping[str, int]]


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a selection to whole words and trim the spaces and punctuation at its edges."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if start > end:
        start, end = end, start
    while start < end and not _in_word(text, start):
        start += 1
    while end > start and not _in_word(text, end - 1):
        end -= 1
    if start == end:
        raise InvalidValue("The selection holds no word to tag; select a name.")
    while start > 0 and _in_word(text, start - 1):
        start -= 1
    while end < len(text) and _in_word(text, end):
        end += 1
    while start < end and _is_mark(text[start]):
        start += 1  # a mark with no letter before it in the selection belongs to nothing
    return start, end


def suggest_name(
    text: str,
    span: Span | tuple[int, int],
    *,
    known_aliases: Iterable[str] = (),
    vocabulary: WordCounts | None = None,
) -> NameSuggestion:
    """Snap a selection to words and leave an attached Hebrew/Arabic prefix outside the name.

    Which letters are a prefix is ambiguous (ב in בפיונגיאנג is "in", in ברלין it is the B of Berlin), so
    a prefix is split off only with evidence: the bare form is a known alias (``known_aliases``), or it
    occurs on its own in the case (``vocabulary``: folded word → number of sources, or a function giving
    that for the words asked). Without evidence the word is offered whole. A Hebrew prefix joined by a
    hyphen or maqaf (ב-NK News) is always split off.
    """
    start, end = (span.start, span.end) if isinstance(span, Span) else span
    start, end = snap_to_words(text, start, end)
    first_end = start
    while first_end < end and _in_word(text, first_end):
        first_end += 1
    hyphenated = _after_hyphenated_prefix(text, start, first_end, end)
    if hyphenated is not None:
        return NameSuggestion(hyphenated, end, text[hyphenated:end])
    words = alias_words(text[start:end])
    if not words:
        raise InvalidValue("The selection holds no word to tag; select a name.")
    reading = _best_reading(words[0], words[1:], known_aliases, vocabulary)
    if reading is None:
        return NameSuggestion(start, end, text[start:end])
    prefix_letters, restored = reading
    name_start = _skip_letters(text, start, prefix_letters)
    return NameSuggestion(name_start, end, restored + text[name_start:end])


def _after_hyphenated_prefix(text: str, start: int, first_end: int, end: int) -> int | None:
    """Where the name begins after a Hebrew prefix and a hyphen or maqaf (ב-NK News), if that is the case."""
    if first_end >= end - 1 or text[first_end] not in "-\u05be\u2010\u2011":
        return None
    if fold(text[start:first_end]) not in _HEBREW_PREFIX_SET:
        return None
    name_start = first_end + 1
    return name_start if _is_letter(text[name_start]) else None


def _best_reading(
    word: str, rest: tuple[str, ...], known_aliases: Iterable[str], vocabulary: WordCounts | None
) -> tuple[int, str] | None:
    """(prefix letters to leave out, letters to put back) for the best-supported bare form, or None."""
    readings = _readings(word)
    if not readings:
        return None
    known = {alias_words(alias) for alias in known_aliases}
    if (word, *rest) in known:
        return None  # the selection as written is a known name (ברלין, not ב + רלין)
    known_firsts = {words[0] for words in known if words}
    counts = _counts(vocabulary, [bare for bare, _prefix, _restored in readings])
    best: tuple[tuple[int, int, int], tuple[int, str]] | None = None
    for bare, prefix_letters, restored in readings:
        evidence = (
            int((bare, *rest) in known) * 2 + int(bare in known_firsts),
            counts.get(bare, 0),
            -len(restored),
        )
        if evidence[:2] != (0, 0) and (best is None or evidence > best[0]):
            best = (evidence, (prefix_letters, restored))
    return None if best is None else best[1]


def _readings(word: str) -> list[tuple[str, int, str]]:
    """(bare form, prefix letters, restored letters) for each way ``word`` may be prefix + name."""
    found: list[tuple[str, int, str]] = []
    for bare in strip_prefix_candidates(word):
        for restored in ("", "ה", "ا", "ال"):  # ا first: ل + القاهرة is ل + لقاهرة, as the matcher sees it
            if bare.startswith(restored) and word.endswith(bare[len(restored) :]):
                prefix_letters = len(word) - len(bare) + len(restored)
                if prefix_letters > 0:
                    found.append((bare, prefix_letters, restored))
                    break
    return found


def _counts(vocabulary: WordCounts | None, words: Collection[str]) -> Mapping[str, int]:
    if vocabulary is None:
        return {}
    if callable(vocabulary):
        return vocabulary(words)
    return vocabulary


def _skip_letters(text: str, start: int, letters: int) -> int:
    """The offset after ``letters`` folded letters from ``start``, marks on the last one included."""
    position, counted = start, 0
    while position < len(text) and counted < letters:
        counted += len(fold(text[position]).strip())
        position += 1
    while position < len(text) and _is_mark(text[position]):
        position += 1
    return position


# --- what to look for -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchTerm:
    """One spelling to look for: an alias, or a near miss of one (``variant``), as folded words.

    An alias is looked for with its Hebrew/Arabic prefixed forms. A one-word near miss is a token of the
    vocabulary exactly as it is (``prefixed`` off), its proclitic included: ``stripped`` letters of it are
    the prefix, left outside the name. That keeps near misses cheap to look up and to match.
    """

    words: tuple[str, ...]
    alias_words: tuple[str, ...]  # the alias this spelling stands for
    variant: bool = False
    distance: int = 0  # edits from the alias (variants)
    prefixed: bool = True
    stripped: int = 0

    @property
    def term(self) -> Term:
        return Term(self.words)

    @property
    def hyphen_splits(self) -> tuple[tuple[str, str], ...]:
        """For a single-word alias, the ways a line-end hyphen may cut it ("pyong", "yang")."""
        if self.variant or len(self.words) != 1:
            return ()
        word = self.words[0]
        if len(word) < 2 * _MAX_HYPHEN_PIECE or not word.isalpha():
            return ()
        return tuple(
            (word[:cut], word[cut:]) for cut in range(_MAX_HYPHEN_PIECE, len(word) - _MAX_HYPHEN_PIECE + 1)
        )

    @property
    def glued_latin(self) -> bool:
        """A Latin or digit-initial name, which Hebrew or Arabic text may glue a prefix to (בNK News,
        لـNK News)."""
        first = self.words[0][0]
        return not self.variant and (first.isdigit() or first.isascii() or "\u00c0" <= first <= "\u024f")


@dataclass(frozen=True)
class Near:
    """A vocabulary token that is a near miss of a word: ``form`` is the token without its proclitic."""

    token: str
    form: str
    stripped: int
    distance: int


@dataclass(frozen=True)
class NearRequest:
    """The near misses a find looks for: the aliases (as words), the edits allowed per word, the spellings
    that are names already, and the other names' words (``MentionFinder.near_request``)."""

    wanted: tuple[tuple[str, ...], ...]
    budgets: dict[str, int]
    spellings: frozenset[str]
    others: frozenset[tuple[str, ...]]


Counts = Mapping[str, int] | Callable[[Collection[str]], Mapping[str, int]]


class Vocabulary:
    """Distinct folded tokens (of one text, or of a whole case) in which near misses are looked for.

    ``counts`` (token → number of sources containing it, or a function giving that for the tokens asked)
    lets ordinary words of the case be told from rare spellings: a token in more than
    ``COMMON_WORD_SHARE`` of ``sources`` (and at least ``COMMON_WORD_MIN_SOURCES``) is never offered as a
    variant. Tokens are kept sorted, so those starting with some letters are a range found by bisection;
    tokens by their last two letters are indexed once, when first needed, and kept with the vocabulary.
    """

    def __init__(self, tokens: Iterable[str], *, counts: Counts | None = None, sources: int = 1) -> None:
        listed = tokens if isinstance(tokens, list) else list(tokens)
        ordered = all(a < b for a, b in pairwise(listed))  # as the index gives them
        self.tokens = listed if ordered else sorted(set(listed))
        self.sources = sources
        self._counts = counts or {}
        self._common = max(COMMON_WORD_MIN_SOURCES, int(sources * COMMON_WORD_SHARE))
        self._by_tail: dict[str, list[str]] | None = None
        self._by_key: dict[tuple[str, str, str], _FormsBySize] = {}
        self._joined: tuple[str, str] | None = None
        self._tails_read = 0
        self.whole = True

    @classmethod
    def of_text(cls, text: str) -> Vocabulary:
        return cls(tokenize(fold(text)))

    @classmethod
    def from_index(cls, tokens: str, counts: str, sources: int, *, whole: bool = True) -> Vocabulary:
        """The case vocabulary as the index gives it in one read: its tokens in order, and how many sources
        hold each, one per line (``joined`` gives both back, to hand to another process cheaply). Not
        ``whole``: only the tokens ``near_keys`` names for some words, which find the same near misses of
        them, but say nothing of other tokens (``has``)."""
        listed = tokens.split("\n") if tokens else []
        numbers = counts.split("\n") if counts else []
        vocabulary = cls(listed, sources=sources)
        vocabulary.whole = whole
        ordered = vocabulary.tokens is listed
        vocabulary._counts = _CountsOf(listed, numbers, ordered=ordered)
        if ordered:  # its lines can be searched for a few endings
            vocabulary._joined = (tokens, counts)
        return vocabulary

    def has(self, token: str) -> bool:
        """Whether the case has the token (only a ``whole`` vocabulary can tell)."""
        if not self.whole:
            raise ValueError("a vocabulary read for some words only cannot tell what else the case has")
        index = bisect_left(self.tokens, token)
        return index < len(self.tokens) and self.tokens[index] == token

    @property
    def joined(self) -> tuple[str, str] | None:
        """(tokens, counts) one per line, for a vocabulary ``from_index``."""
        return self._joined

    def near(
        self,
        budgets: Mapping[str, int],
        exclude: Collection[str] = (),
        *,
        words: Iterable[str] | None = None,
    ) -> dict[str, list[Near]]:
        """For each word (→ edits allowed), the tokens that are near misses of it, closest first.

        A token is skipped when it is in ``exclude`` (spellings that are names already), is common in the
        case, or has any form equal to one of the words. ``words`` limits the answer to some of them (the
        rest of ``budgets`` still rules tokens out), so that processes can share the work.
        """
        chosen = budgets if words is None else words
        wanted = [word for word in chosen if budgets.get(word, 0) > 0 and len(word) >= 2]
        found = {word: self._near_word(word, budgets[word]) for word in wanted}
        tokens = {near.token for nears in found.values() for near in nears}
        counts = self._counts(tokens) if callable(self._counts) else self._counts
        known = set(budgets)

        def kept(near: Near) -> bool:
            if near.token in exclude or counts.get(near.token, 0) > self._common:
                return False
            return not any(other in known for other, _stripped in _forms(near.token))

        return {word: [near for near in nears if kept(near)] for word, nears in found.items()}

    def _starting(self, head: str) -> list[str]:
        low = bisect_left(self.tokens, head)
        high = bisect_left(self.tokens, head + "\U0010ffff", low)
        return self.tokens[low:high]

    def _ending(self, tail: str) -> list[str]:
        if self._by_tail is None and self._joined is not None and self._tails_read < _TAILS_READ:
            self._tails_read += 1  # a few endings (one name's words) are quicker read off the lines
            return _lines_ending(self._joined[0], tail)
        if self._by_tail is None:
            by_tail: dict[str, list[str]] = {}
            for token in self.tokens:
                by_tail.setdefault(token[-2:], []).append(token)
            self._by_tail = by_tail
        return self._by_tail.get(tail, [])

    def _forms_of(self, word: str, budget: int) -> tuple[list[str], list[tuple[str, int]]]:
        """Forms (token, or token without a proclitic) sharing the word's first or last two letters, as
        long as the word give or take ``budget`` letters (no other can be that near)."""
        forms: list[str] = []
        meta: list[tuple[str, int]] = []
        for by_size in (self._heads(word[:2], word[0]), self._tails(word[-2:])):
            for size in range(len(word) - budget, len(word) + budget + 1):
                sized = by_size.get(size)
                if sized is not None:
                    forms += sized[0]
                    meta += sized[1]
        return forms, meta

    def _heads(self, letters: str, script_letter: str) -> _FormsBySize:
        """Forms starting with two letters, behind any proclitic of the script of a letter, by their
        length; kept, since many names share them."""
        key = ("h", letters, script_letter)
        found = self._by_key.get(key)
        if found is None:
            found = self._by_key[key] = {}
            for prefix in ("", *_proclitics(script_letter)):
                for token in self._starting(prefix + letters):
                    if not prefix or len(token) - len(prefix) >= 2:
                        _add_form(found, token[len(prefix) :], token, len(prefix))
        return found

    def _tails(self, letters: str) -> _FormsBySize:
        """Forms ending with two letters (the tokens, and the tokens without a proclitic), by length."""
        key = ("t", letters, "")
        found = self._by_key.get(key)
        if found is None:
            found = self._by_key[key] = {}
            for token in self._ending(letters):
                for form, stripped in _forms(token):
                    size = len(form)
                    if size >= 2:  # (a form also found by its head is checked twice, kept once)
                        sized = found.get(size)
                        if sized is None:
                            sized = found[size] = ([], [])
                        sized[0].append(form)
                        sized[1].append((token, stripped))
        return found

    def _near_word(self, word: str, budget: int) -> list[Near]:
        anchor = _anchor_size(word)
        forms, meta = self._forms_of(word, budget)
        found: dict[tuple[str, str], Near] = {}
        for form, distance, index in process.extract(
            word, forms, scorer=OSA.distance, score_cutoff=budget, limit=None
        ):
            token, stripped = meta[index]
            if (token, form) in found or abs(len(form) - len(word)) > budget:
                continue
            if form[:anchor] != word[:anchor] and form[-anchor:] != word[-anchor:]:
                continue
            found[(token, form)] = Near(token, form, stripped, int(distance))
        return sorted(found.values(), key=lambda near: (near.distance, near.token))


_FormsBySize = dict[int, tuple[list[str], list[tuple[str, int]]]]  # form length → forms, (token, stripped)


def _add_form(by_size: _FormsBySize, form: str, token: str, stripped: int) -> None:
    sized = by_size.get(len(form))
    if sized is None:
        sized = by_size[len(form)] = ([], [])
    sized[0].append(form)
    sized[1].append((token, stripped))


def near_keys(budgets: Mapping[str, int]) -> tuple[list[str], list[str]]:
    """The beginnings and endings of the tokens ``Vocabulary.near`` compares with these words (→ edits
    allowed): a vocabulary of only the tokens that begin or end so finds the same near misses of them."""
    heads: set[str] = set()
    tails: set[str] = set()
    for word, budget in budgets.items():
        if budget > 0 and len(word) >= 2:  # as ``Vocabulary.near`` chooses them
            heads.update(prefix + word[:2] for prefix in ("", *_proclitics(word[0])))  # ``_heads``
            tails.add(word[-2:])  # ``_tails``
    return sorted(heads), sorted(tails)


_TAILS_READ = 16  # endings looked up in the joined tokens before the tokens are indexed by ending


def _lines_ending(joined: str, tail: str) -> list[str]:
    """The lines of ``joined`` (tokens in order, one per line) ending with ``tail``, in order."""
    found: list[str] = []
    needle = tail + "\n"
    position = joined.find(needle)
    while position >= 0:
        end = position + len(tail)
        start = joined.rfind("\n", 0, end) + 1
        if end - start >= len(tail):
            found.append(joined[start:end])
        position = joined.find(needle, position + 1)
    if joined.endswith(tail):
        last = joined[joined.rfind("\n") + 1 :]
        if len(last) >= len(tail):
            found.append(last)
    return found


class _CountsOf:
    """Sources per token, from the index's tokens and counts (two lists in the same order), for the few
    tokens asked."""

    def __init__(self, tokens: Sequence[str], counts: Sequence[str], *, ordered: bool) -> None:
        self._tokens = tokens
        self._counts = counts
        self._ordered = ordered
        self._index: dict[str, int] | None = None

    def __call__(self, words: Collection[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for word in words:
            index = self._position(word)
            if index is not None:
                found[word] = int(self._counts[index])
        return found

    def _position(self, word: str) -> int | None:
        if self._ordered:
            index = bisect_left(self._tokens, word)
            return index if index < len(self._tokens) and self._tokens[index] == word else None
        if self._index is None:
            self._index = {token: index for index, token in enumerate(self._tokens)}
        return self._index.get(word)


# --- finding --------------------------------------------------------------------------------------------


@dataclass
class _Hit:
    start: int  # the whole token, prefix included
    name_start: int
    end: int
    term: SearchTerm


_EXPANDING = re.compile("[" + "".join(re.escape(char) for char in sorted(expanding_characters())) + "]")


_RTL_LETTER = re.compile("[\u05d0-\u05ea\u0621-\u064a]")


class _Lines:
    """A text and its fold, line by line: fold keeps every line break, so line ``i`` of one is line ``i`` of
    the other. Where a line's fold is character for character (most lines of most texts), an offset in the
    fold is the same offset in the text, and a name can be matched in its own word instead of its line."""

    def __init__(self, text: str, folded: str) -> None:
        self.text = text
        self.folded = folded
        self.text_starts = _line_starts(text)
        self.folded_starts = _line_starts(folded)
        self._aligned: dict[int, bool] = {}
        self._expanding = not text.isascii() and _EXPANDING.search(text) is not None

    @property
    def consistent(self) -> bool:
        return len(self.text_starts) == len(self.folded_starts)

    def line_of(self, folded_position: int) -> int:
        return bisect_right(self.folded_starts, folded_position) - 1

    def aligned(self, line: int) -> bool:
        """Whether the line's fold is character for character, so offsets in one are offsets in the other.

        Fold deletes characters (marks, bidi controls, tatweel), writes a run of non-ASCII separators as
        one space and expands a few (ß, ﬁ, ﻻ). Without expanding characters, a fold as long as the line can
        have deleted or merged nothing.
        """
        known = self._aligned.get(line)
        if known is None:
            begin, end = self.bounds(line, line)
            folded_end = (
                self.folded_starts[line + 1] - 1 if line + 1 < len(self.folded_starts) else len(self.folded)
            )
            known = end - begin == folded_end - self.folded_starts[line] and not (
                self._expanding and _EXPANDING.search(self.text, begin, end)
            )
            self._aligned[line] = known
        return known

    def occurrences(self, needle: str, *, word_start: bool, glued: bool) -> Iterator[int]:
        """Folded offsets where ``needle`` ends a token (and, with ``word_start``, begins one; ``glued``
        lets a Hebrew letter stand before it, as a prefix written onto a Latin name)."""
        folded, size = self.folded, len(needle)
        position = folded.find(needle)
        while position >= 0:
            after = position + size
            if after == len(folded) or not folded[after].isalnum():
                before = folded[position - 1] if position else " "
                if (
                    not word_start
                    or not before.isalnum()
                    or (glued and (_is_hebrew(before) or _is_arabic(before)))
                ):
                    yield position
            position = folded.find(needle, position + 1)

    def bounds(self, first: int, last: int) -> tuple[int, int]:
        first, last = max(0, first), min(len(self.text_starts) - 1, last)
        end = self.text_starts[last + 1] - 1 if last + 1 < len(self.text_starts) else len(self.text)
        return self.text_starts[first], end


def _line_starts(text: str) -> list[int]:
    starts = [0]
    position = text.find("\n")
    while position >= 0:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def _needle(term: SearchTerm) -> tuple[str, int]:
    """The most selective letters every spelling of ``term`` contains, and which word they come from.

    A preposition may swallow the first word's article (בכנסת for הכנסת, للقاهرة for القاهرة), so of a
    word starting with one only the letters after it are certain; other words are written as they are.
    """
    first = term.words[0]
    if term.prefixed and first.startswith("ה") and len(first) > 2:
        first = first[1:]
    elif term.prefixed and first.startswith("ال") and len(first) > 3:
        first = first[2:]
    best, index = first, 0
    for position, word in enumerate(term.words[1:], start=1):
        if len(word) > len(best):
            best, index = word, position
    return best, index


def _line_ranges(lines: _Lines, term: SearchTerm) -> list[tuple[int, int]]:
    """The lines a term may be on: those where its most selective word ends a token, and the lines its
    other words may reach."""
    needle, index = _needle(term)
    first = term.words[0]
    word_start = index > 0 or not term.prefixed or not (_is_hebrew(first[0]) or _is_arabic(first[0]))
    last = len(term.words) - 1 - index
    return [
        (line - index, line + last)
        for line in dict.fromkeys(
            lines.line_of(position)
            for position in lines.occurrences(needle, word_start=word_start, glued=term.glued_latin)
        )
    ]


@functools.lru_cache(maxsize=8192)
def _first_forms(term: SearchTerm) -> dict[str, int]:
    """Every token the term's first word matches as → letters of it that are a prefix.

    The same spellings the matcher is compiled from (``folding.prefix_forms``), plus a Hebrew prefix glued
    onto a Latin name; a near-miss token matches only as itself, its proclitic ``stripped`` letters long.
    """
    word = term.words[0]
    if not term.prefixed:
        return {word: term.stripped}
    forms = {prefix + rest: len(prefix) for prefix, rest in prefix_forms(word)}
    if term.glued_latin:
        forms.update({prefix + word: len(prefix) for prefix in (*HEBREW_PREFIXES, *ARABIC_PREFIXES)})
    forms[word] = 0
    return forms


_HYPHENS = "-\u05be\u2010\u2011"  # what the matcher reads as a hyphen after a prefix: ב-NK, ב־פיונגיאנג
_MISS = (-2, 0, 0)
_CROSSES = (-1, 0, 0)  # a phrase that may go on over a line break: left to the matcher


def _fast_hits(lines: _Lines, term: SearchTerm) -> tuple[list[_Hit], list[tuple[int, int]]]:
    """Hits of a term in aligned lines, read off the folded tokens by the matcher's rules (whole tokens,
    the first in one of its prefixed forms, separated by anything but letters and digits); line ranges
    where the matcher has to look instead."""
    needle, index = _needle(term)
    first = term.words[0]
    word_start = index > 0 or not term.prefixed or not (_is_hebrew(first[0]) or _is_arabic(first[0]))
    glued = term.glued_latin and index == 0
    hits: list[_Hit] = []
    ranges: list[tuple[int, int]] = []
    for position in lines.occurrences(needle, word_start=word_start, glued=glued):
        line = lines.line_of(position)
        found = (
            _read_phrase(lines, line, position + len(needle), index, term) if lines.aligned(line) else None
        )
        if found is None or found == _CROSSES:
            ranges.append((line - index, line + len(term.words) - 1 - index))
        elif found != _MISS:
            token_start, prefix, end = found
            shift = lines.text_starts[line] - lines.folded_starts[line]
            start = token_start + shift
            if term.prefixed and prefix == 0:
                start = _hyphenated_prefix(
                    lines.folded, lines.text, token_start, shift, lines.folded_starts[line]
                )
            hits.append(_Hit(start, token_start + shift + prefix, end + shift, term))
    return hits, ranges


def _read_phrase(
    lines: _Lines, line: int, token_end: int, index: int, term: SearchTerm
) -> tuple[int, int, int]:
    """(first token's start, its prefix letters, last token's end) of the term around its word ``index``,
    which ends at ``token_end`` in an aligned line; ``_MISS`` or ``_CROSSES`` otherwise."""
    folded, words = lines.folded, term.words
    floor = lines.folded_starts[line]
    ceiling = lines.folded_starts[line + 1] - 1 if line + 1 < len(lines.folded_starts) else len(folded)
    start = _token_start(folded, token_end, floor)
    first_end = token_end
    for position in range(index - 1, -1, -1):  # back over the gap to each word before
        if folded[start:first_end] != words[position + 1]:
            return _MISS
        gap = start
        while gap > floor and not folded[gap - 1].isalnum():
            gap -= 1
        if gap == floor:
            return _CROSSES if floor else _MISS
        first_end = gap
        start = _token_start(folded, gap, floor)
    prefix = _first_forms(term).get(folded[start:first_end])
    if prefix is None:
        return _MISS
    end = token_end
    for position in range(index + 1, len(words)):  # forward over the gap to each word after
        gap = end
        while gap < ceiling and not folded[gap].isalnum():
            gap += 1
        if gap == ceiling:
            return _CROSSES if ceiling < len(folded) else _MISS
        end = _token_end(folded, gap)
        if folded[gap:end] != words[position]:
            return _MISS
    return start, prefix, end


def _token_start(folded: str, end: int, floor: int) -> int:
    start = end
    while start > floor and folded[start - 1].isalnum():
        start -= 1
    return start


def _token_end(folded: str, start: int) -> int:
    end = start
    while end < len(folded) and folded[end].isalnum():
        end += 1
    return end


def _hyphenated_prefix(folded: str, text: str, token_start: int, shift: int, line_start: int) -> int:
    """Where a word begins when a Hebrew prefix and a hyphen or maqaf are written before it (ב-NK)."""
    hyphen = token_start - 1
    if hyphen <= line_start or text[hyphen + shift] not in _HYPHENS:
        return token_start + shift
    begin = hyphen
    while begin > line_start and hyphen - begin < _LONGEST_HEBREW_PREFIX and folded[begin - 1].isalnum():
        begin -= 1
    at_token_start = begin == line_start or not folded[begin - 1].isalnum()
    if at_token_start and folded[begin:hyphen] in _HEBREW_PREFIX_SET:
        return begin + shift
    return token_start + shift


_GLUED_PREFIX = re.compile(
    "(?<![^\\W_])([\u05d0-\u05ea]{1,4}|[\u0621-\u064a\u0640]{1,6})(?=[A-Za-z0-9\u00c0-\u024f])"
)
_GLUED_PREFIXES = frozenset(HEBREW_PREFIXES) | frozenset(ARABIC_PREFIXES)
_HYPHEN_BREAK = re.compile("(?<![^\\W_])([^\\W\\d_]+)-\n([^\\W\\d_]+)(?![^\\W_])")


class MentionFinder:
    """Finds many aliases (and near misses of them) in texts; build once, use for every text."""

    def __init__(self, aliases: Iterable[str], *, fast_path: bool = True) -> None:
        self.fast_path = fast_path  # off: every hit goes through the matcher (tests compare the two)
        self.aliases = tuple(aliases)  # as given: ``MentionFinder(finder.aliases)`` is the same finder
        self._aliases: dict[tuple[str, ...], list[str]] = {}
        for alias in self.aliases:
            words = alias_words(alias)
            if words and alias not in self._aliases.setdefault(words, []):
                self._aliases[words].append(alias)

    @property
    def alias_terms(self) -> tuple[SearchTerm, ...]:
        return tuple(SearchTerm(words, words) for words in self._aliases)

    def aliases_of(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """Every alias given that folds to ``words`` (differing only in case, marks, final letters …)."""
        return tuple(self._aliases.get(words, ()))

    def exact_spellings(self) -> set[str]:
        """Tokens that are an alias word as written or behind a proclitic: never near misses."""
        return _spellings(self._aliases)

    def search_terms(self, vocabulary: Vocabulary | None = None) -> list[SearchTerm]:
        """The aliases, then (with a vocabulary) the near-miss spellings of them found in it."""
        terms = list(self.alias_terms)
        if vocabulary is not None:
            terms += self.variant_terms(vocabulary)
        return terms

    def variant_terms(
        self, vocabulary: Vocabulary, *, of: Iterable[str] | None = None, exclude: Iterable[str] = ()
    ) -> list[SearchTerm]:
        """Near-miss spellings found in ``vocabulary`` of the aliases ``of`` (default: all given).

        A token that is an alias here or in ``exclude`` (other names in the case), as written or behind a
        proclitic, is a name already and never a near miss.
        """
        request = self.near_request(of=of, exclude=exclude)
        return self.variant_terms_from(request, vocabulary.near(request.budgets, request.spellings))

    def near_request(self, *, of: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> NearRequest:
        """What ``variant_terms`` looks for in a vocabulary (``Vocabulary.near`` takes it, in parts if
        several processes share the work); ``variant_terms_from`` makes the terms of what is found."""
        wanted = list(self._aliases) if of is None else list(dict.fromkeys(alias_words(a) for a in of))
        wanted = [words for words in wanted if words]
        if any(words not in self._aliases for words in wanted):
            raise ValueError("near misses are looked for only of aliases the finder was built with")
        budgets: dict[str, int] = {}
        for words in wanted:
            for word in words:
                budget = max_edits(word) if len(words) == 1 else _phrase_word_edits(word)
                budgets[word] = max(budgets.get(word, 0), budget)
        others = [alias_words(alias) for alias in exclude]
        spellings = self.exact_spellings() | _spellings(words for words in others if words)
        return NearRequest(tuple(wanted), budgets, frozenset(spellings), frozenset(others))

    def variant_terms_from(self, request: NearRequest, near: Mapping[str, list[Near]]) -> list[SearchTerm]:
        """The near-miss spellings of ``request``'s aliases, given the near misses of their words."""
        exact = set(self._aliases) | request.others
        found: dict[tuple[str, ...], SearchTerm] = {}
        for words in request.wanted:
            if len(words) == 1:
                for candidate in near.get(words[0], ()):
                    spelling: tuple[str, ...] = (candidate.token,)
                    if spelling not in exact and spelling not in found:
                        found[spelling] = SearchTerm(
                            spelling,
                            words,
                            variant=True,
                            distance=candidate.distance,
                            prefixed=False,
                            stripped=candidate.stripped,
                        )
            for spelling, distance in _variant_spellings(words, near):
                if spelling not in exact and spelling not in found:
                    found[spelling] = SearchTerm(spelling, words, variant=True, distance=distance)
        return list(found.values())

    @staticmethod
    def matcher(term: Term, prefixed: bool = True) -> Matcher:
        return _matcher(term, prefixed)

    def find(
        self, text: str, *, folded: str | None = None, terms: Iterable[SearchTerm] | None = None
    ) -> list[Candidate]:
        """Candidates in ``text`` for ``terms`` (default: the aliases), non-overlapping, in text order.

        ``folded`` may pass ``fold(text)`` when it is at hand (the index stores it). ``terms`` may be
        limited to those the index says the text contains: the result is the same, only faster.
        """
        return [self._candidate(text, hit) for hit in self._kept_hits(text, folded, terms)]

    def find_rows(
        self,
        source_id: int,
        text: str,
        owners: Mapping[str, Sequence[int]],
        *,
        folded: str | None = None,
        terms: Iterable[SearchTerm] | None = None,
    ) -> list[CandidateRow]:
        """``candidate_rows(source_id, self.find(text, ...), owners)``, without making the ``Candidate``
        objects in between (a find of every entity makes hundreds of thousands)."""
        rows: list[CandidateRow] = []
        for hit in self._kept_hits(text, folded, terms):
            start, end, surface, alias, kind, reason, confidence = self._described(text, hit)
            owned = owners.get(alias)
            if owned:
                review = reason is not ReviewReason.NONE
                rows += [
                    (
                        owner,
                        source_id,
                        start,
                        end,
                        surface,
                        alias,
                        kind.value,
                        review,
                        confidence,
                        reason.value,
                    )
                    for owner in owned
                ]
        return rows

    def _kept_hits(self, text: str, folded: str | None, terms: Iterable[SearchTerm] | None) -> list[_Hit]:
        lines = _Lines(text, folded if folded is not None else fold(text))
        if not lines.consistent:
            lines = _Lines(text, fold(text))
        chosen = list(self.alias_terms if terms is None else terms)
        hits = self._hits(text, lines, chosen)
        if "-\n" in text:
            hits += self._hyphen_hits(text, chosen)
        return _without_overlaps(hits)

    def _hits(self, text: str, lines: _Lines, terms: Sequence[SearchTerm]) -> list[_Hit]:
        """Each term where its letters are. In a line whose fold is character for character a name is read
        off the folded words (``_fast_hits``); anything else goes through the search matcher, on the
        line(s) around it."""
        windows: dict[tuple[int, int], list[SearchTerm]] = {}
        hits: list[_Hit] = []
        for term in terms:
            if self.fast_path:
                found, ranges = _fast_hits(lines, term)
                hits += found
            else:
                ranges = _line_ranges(lines, term)
            for first_line, last_line in _merged(ranges):
                windows.setdefault(lines.bounds(first_line, last_line), []).append(term)
        for (begin, end), window_terms in windows.items():
            window = text[begin:end]
            right_to_left = _RTL_LETTER.search(window) is not None
            for term in window_terms:
                matcher = self.matcher(term.term, term.prefixed)
                hits += [_shifted(match, term, begin) for match in matcher.find_detailed(window)]
                if right_to_left and term.glued_latin:
                    hits += self._glued_hits(window, begin, term)
        return hits

    def _glued_hits(self, window: str, begin: int, term: SearchTerm) -> list[_Hit]:
        """A Hebrew prefix written straight onto a Latin name, without a hyphen (בNK News, לIl-62M)."""
        hits: list[_Hit] = []
        matcher = self.matcher(term.term, term.prefixed)
        for glued in _GLUED_PREFIX.finditer(window):
            if fold(glued.group(1)) not in _GLUED_PREFIXES:
                continue
            rest = window[glued.end() :]
            for match in matcher.find_detailed(rest):
                if match.start == 0:
                    offset = begin + glued.end()
                    hits.append(_Hit(begin + glued.start(), offset, offset + match.end, term))
                break
        return hits

    def _hyphen_hits(self, text: str, terms: Sequence[SearchTerm]) -> list[_Hit]:
        """Single-word names cut by a hyphen at a line end (Pyong-⏎yang)."""
        splits = {split: term for term in terms for split in term.hyphen_splits}
        hits: list[_Hit] = []
        for broken in _HYPHEN_BREAK.finditer(text):
            key = (fold(broken.group(1)), fold(broken.group(2)))
            term = splits.get(key)
            if term is not None:
                hits.append(_Hit(broken.start(), broken.start(), broken.end(), term))
        return hits

    def _candidate(self, text: str, hit: _Hit) -> Candidate:
        start, end, surface, alias, kind, reason, confidence = self._described(text, hit)
        token_start = hit.start if hit.start != start else None
        return Candidate(
            start, end, surface, alias, kind, reason is not ReviewReason.NONE, confidence, reason, token_start
        )

    def _described(self, text: str, hit: _Hit) -> tuple[int, int, str, str, MatchKind, ReviewReason, float]:
        """(name start, end, text, alias, kind, review reason, confidence) of a hit."""
        term = hit.term
        if term.stripped and hit.name_start == hit.start:
            hit.name_start = _skip_letters(text, hit.start, term.stripped)
        alias = self._aliases[term.alias_words][0]
        surface = text[hit.name_start : hit.end]
        if term.variant:
            kind = MatchKind.VARIANT
        else:
            kind = MatchKind.EXACT if hit.name_start == hit.start else MatchKind.PREFIXED
        reason, confidence = _review(surface, alias, term, kind)
        return hit.name_start, hit.end, surface, alias, kind, reason, confidence


def _spellings(aliases: Iterable[tuple[str, ...]]) -> set[str]:
    spellings: set[str] = set()
    for words in aliases:
        spellings.update(words)
        spellings.update(prefixed_variants(words[0]))
    return spellings


@functools.lru_cache(maxsize=8192)  # finders come and go with every find; a name's regex stays the same
def _matcher(term: Term, prefixed: bool) -> Matcher:
    return compile_matcher([term], prefixed=prefixed)


def _shifted(match: MatchSpan, term: SearchTerm, offset: int) -> _Hit:
    return _Hit(match.start + offset, match.name_start + offset, match.end + offset, term)


def _merged(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _without_overlaps(hits: Iterable[_Hit]) -> list[_Hit]:
    """Keep the longest of overlapping hits (a name over a shorter name inside it), aliases over variants."""
    starts: list[int] = []
    ends: list[int] = []
    kept: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.term.variant, h.term.distance, h.start)):
        index = bisect_right(starts, hit.start)
        if (index and ends[index - 1] > hit.start) or (index < len(starts) and starts[index] < hit.end):
            continue
        starts.insert(index, hit.start)
        ends.insert(index, hit.end)
        kept.insert(index, hit)
    return kept


def _review(surface: str, alias: str, term: SearchTerm, kind: MatchKind) -> tuple[ReviewReason, float]:
    if kind is MatchKind.VARIANT:
        letters = sum(map(len, term.alias_words))
        return ReviewReason.NEAR_MISS, round(max(0.1, 0.8 * (1 - term.distance / max(letters, 1))), 2)
    cased, short, alias_lower, alias_upper = _facts(term, alias)
    if cased and ((alias_upper and not surface.isupper()) or (not alias_lower and surface.islower())):
        return ReviewReason.CASE_DIFFERS, 0.6  # "may" for May; "Un" or "un" for the acronym UN
    if kind is MatchKind.PREFIXED and short:
        return ReviewReason.SHORT_AFTER_PREFIX, 0.5
    if kind is MatchKind.EXACT and short and not cased:
        return ReviewReason.SHORT_NAME, 0.6
    return ReviewReason.NONE, 1.0 if kind is MatchKind.EXACT else 0.9


@functools.lru_cache(maxsize=8192)
def _facts(term: SearchTerm, alias: str) -> tuple[bool, bool, bool, bool]:
    """(written in a cased script, a short one-word name, alias in lower case, alias in capitals)."""
    first = term.words[0]
    cased = not (_is_hebrew(first[0]) or _is_arabic(first[0]))
    short = len(term.words) == 1 and len(first) <= SHORT_NAME
    return cased, short, alias.islower(), alias.isupper()


def _variant_spellings(
    words: tuple[str, ...], near: Mapping[str, list[Near]]
) -> Iterator[tuple[tuple[str, ...], int]]:
    """Spellings of an alias with one word (or, in a phrase, up to two) replaced by a near miss."""
    if len(words) == 1:
        return  # one-word near misses are vocabulary tokens as they are (see ``variant_terms``)
    total = max(1, max_edits("".join(words)))
    options: list[list[tuple[str, int]]] = []
    for position, word in enumerate(words):
        nears = near.get(word, ())
        forms = [
            (n.form if position == 0 else n.token, n.distance)
            for n in nears
            if position == 0 or not n.stripped
        ]
        options.append([item for item in forms if item[1] <= _phrase_word_edits(word)])
    spellings: list[tuple[int, tuple[str, ...]]] = []
    for replaced in (1, 2):
        for positions in combinations(range(len(words)), replaced):
            spellings += _replacements(words, options, positions, total)
    for distance, spelling in sorted(set(spellings))[:_MAX_PHRASE_VARIANTS]:
        yield spelling, distance


def _replacements(
    words: tuple[str, ...],
    options: Sequence[Sequence[tuple[str, int]]],
    positions: tuple[int, ...],
    total: int,
) -> list[tuple[int, tuple[str, ...]]]:
    found: list[tuple[int, tuple[str, ...]]] = [(0, words)]
    for position in positions:
        found = [
            (distance + extra, (*spelling[:position], form, *spelling[position + 1 :]))
            for distance, spelling in found
            for form, extra in options[position]
            if distance + extra <= total
        ]
    return found


# --- many texts in a worker process --------------------------------------------------------------------

TextJob = tuple[int, str, "str | None", Sequence[SearchTerm]]  # source id, text, its fold (or None), terms
CandidateRow = tuple[int, int, int, int, str, str, str, bool, float, str]
"""A candidate for one entity as plain values, cheap to send between processes and to store: (entity,
source, start, end, text, alias, kind, needs review, confidence, reason)."""

_worker_finder: tuple[tuple[str, ...], MentionFinder] | None = None


def candidate_rows(
    source_id: int, candidates: Iterable[Candidate], owners: Mapping[str, Sequence[int]]
) -> list[CandidateRow]:
    """The candidates of a source as rows, one for each entity ``owners`` gives for the alias matched."""
    return [
        (
            owner,
            source_id,
            c.start,
            c.end,
            c.text,
            c.alias,
            c.kind.value,
            c.needs_review,
            c.confidence,
            reason,
        )
        for c in candidates
        for reason in (c.reason.value,)
        for owner in owners.get(c.alias, ())
    ]


def find_in_texts(
    aliases: tuple[str, ...], owners: Mapping[str, Sequence[int]], jobs: Sequence[TextJob]
) -> list[tuple[int, list[CandidateRow]]]:
    """``MentionFinder(aliases).find`` over many texts, for a worker process: the finder is built once per
    set of aliases and kept (with its compiled names) for the next batch; candidates go back as rows."""
    global _worker_finder
    if _worker_finder is None or _worker_finder[0] != aliases:
        _worker_finder = (aliases, MentionFinder(aliases))
    finder = _worker_finder[1]
    return [
        (source_id, finder.find_rows(source_id, text, owners, folded=folded, terms=terms))
        for source_id, text, folded, terms in jobs
    ]


def near_misses(
    joined: tuple[str, str],
    sources: int,
    budgets: Mapping[str, int],
    words: Sequence[str],
    exclude: Collection[str],
) -> dict[str, list[Near]]:
    """``Vocabulary.near`` of some ``words``, for a worker process: the vocabulary comes as the two texts
    ``Vocabulary.joined`` gives (tokens, counts)."""
    vocabulary = Vocabulary.from_index(joined[0], joined[1], sources)
    return vocabulary.near(budgets, exclude, words=words)


def find_candidates(text: str, aliases: Iterable[str], *, variants: bool = True) -> list[Candidate]:
    """Every place in ``text`` where one of ``aliases`` (or, with ``variants``, a near miss) occurs."""
    finder = MentionFinder(aliases)
    terms = finder.search_terms(Vocabulary.of_text(text) if variants else None)
    return finder.find(text, terms=terms)
