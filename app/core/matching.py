"""Find where query terms occur in a source's stored text, with the same semantics as the full-text index.

The index (FTS5 over ``fold``-ed text) tells *which* sources match; this module says *where*, as offsets
into the original stored text, so the reader can highlight hits and entity tagging can record mentions.

How the two sides are kept in agreement: a text is matched through its *shadow*, the text folded
character by character with the very table ``fold`` uses, ignorable characters (marks, bidi controls,
tatweel) dropped. The regex over the shadow therefore contains nothing but folded letters: it compiles in
about a millisecond and cannot disagree with ``fold``. Shadow offsets are mapped back to the original
through the dropped characters (counted lazily, only up to each hit) and through the rare characters that
fold to several letters (ß, ﬁ, the lam-alef ligature ﻻ …).

A term matches (index side: ``term_in_tokens``; text side: ``Matcher``) where a run of consecutive tokens
equals its words; the last word of a prefix term (``pyong*``) only has to start its token. With
``prefixed`` on, the *first* word of a Hebrew or Arabic term may also carry proclitics
(``folding.prefixed_variants``: בפיונגיאנג, للقاهرة). In the text a Hebrew prefix may be joined to any word
by a hyphen or maqaf (ב-NK News, ב־פיונגיאנג); the index sees two tokens there and finds the bare word, the
matcher reports the whole "ב-NK" with ``name_start`` at the N.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from app.core.folding import (
    FORMAT_IGNORABLES,
    HEBREW_PREFIXES,
    RUSSIAN_ENDINGS,
    FoldTable,
    changes_pattern,
    expanding_characters,
    fold_table,
    inflected_variants,
    is_hebrew_word,
    prefix_forms,
    prefixed_variants,
    russian_stems,
    split_tatweel_joins,
)
from app.core.query import Term
from app.core.records import Snippet, Span

# --- the shadow of a text -------------------------------------------------------------------------

_DROPPED = "\x00"  # stands for an ignorable character until it is dropped (stored text has no NUL)
_HYPHENS = "\u05be\u2010\u2011"  # maqaf and the Unicode hyphens read as "-" between prefix and word
# Private-use characters are token characters. In the shadow they all become ſ, a letter case folding
# never leaves behind, so that "token character" is the cheap class [^\W_] in every pattern (a class
# spelling out the private-use range costs 0.3 ms to compile, each time it appears).
_PRIVATE_USE_STAND_IN = "ſ"


def _build_shadow_table() -> FoldTable:
    table: FoldTable = [_DROPPED if value is None else value for value in fold_table()]
    for char in _HYPHENS:
        table[ord(char)] = "-"
    for code in range(0xE000, 0xF900):
        table[code] = _PRIVATE_USE_STAND_IN
    return table


_SHADOW_TABLE = _build_shadow_table()
_CHANGING = changes_pattern(
    _SHADOW_TABLE, "\\U000e0100-\\U000e01ef\\U000f0000-\\U000ffffd\\U00100000-\\U0010fffd"
)


def _changed(match: re.Match[str]) -> str:
    char = match.group()
    if char < "\U00010000":
        value = _SHADOW_TABLE[ord(char)]
        return value if isinstance(value, str) else char  # only changed characters get here
    return _DROPPED if char <= "\U000e01ef" else _PRIVATE_USE_STAND_IN


def _shadow_of(text: str) -> str:
    """One piece per character of ``text``: its fold, NUL for an ignorable one (``str.casefold`` and the
    substitution both work character by character, so the pieces line up with the original)."""
    if text.isascii():
        return text.lower()  # nothing in ASCII folds beyond case
    return _CHANGING.sub(_changed, split_tatweel_joins(text).casefold())


def _build_widths() -> dict[str, int]:
    """Characters whose shadow is longer than one character, and how long."""
    return {char: len(_shadow_of(char)) for char in expanding_characters() if len(_shadow_of(char)) != 1}


_WIDTHS = _build_widths()  # characters whose shadow is not exactly one character long
_EXPANDING = re.compile("[" + "".join(map(re.escape, sorted(_WIDTHS))) + "]")
_DROPPED_RUN = re.compile(_DROPPED + "*")


@dataclass(frozen=True)
class _Shadow:
    """The folded image of a text (``compact``) and what is needed to map its offsets back."""

    compact: str  # what the regex runs over: no dropped characters
    full: str  # one piece per original character, dropped ones still present as NUL
    has_dropped: bool
    shadow_starts: tuple[int, ...] = ()  # where each expanded character begins in ``full``
    original_at: tuple[int, ...] = ()  # that character's offset in the original
    widths: tuple[int, ...] = ()  # how many characters of ``full`` it became

    def original_start(self, pos: int) -> int:
        """The original offset of the character at ``full[pos]``."""
        index = bisect_right(self.shadow_starts, pos) - 1
        if index < 0:
            return pos
        start, width = self.shadow_starts[index], self.widths[index]
        if pos < start + width:
            return self.original_at[index]
        return self.original_at[index] + 1 + pos - start - width

    def original_end(self, pos: int) -> int:
        return self.original_start(pos - 1) + 1 if pos else 0


@functools.lru_cache(maxsize=4)  # the reader and the search often ask about the same text again
def _shadow(text: str) -> _Shadow:
    full = _shadow_of(text)
    has_dropped = _DROPPED in full
    compact = full.replace(_DROPPED, "") if has_dropped else full
    if len(full) == len(text):
        return _Shadow(compact, full, has_dropped)
    starts: list[int] = []
    originals: list[int] = []
    widths: list[int] = []
    extra = 0
    for match in _EXPANDING.finditer(text):
        width = _WIDTHS[match.group()]
        starts.append(match.start() + extra)
        originals.append(match.start())
        widths.append(width)
        extra += width - 1
    return _Shadow(compact, full, has_dropped, tuple(starts), tuple(originals), tuple(widths))


class _OffsetMapper:
    """Maps offsets in ``compact`` to the original text; queries must come in ascending order."""

    def __init__(self, shadow: _Shadow) -> None:
        self._shadow = shadow
        self._full_pos = 0  # invariant: full[:_full_pos] holds exactly _compact_pos kept characters
        self._compact_pos = 0

    def _full_index(self, pos: int) -> int:
        """Index in ``full`` of the character at ``compact[pos]``."""
        full = self._shadow.full
        if not self._shadow.has_dropped:
            return pos
        index, kept = self._full_pos, self._compact_pos
        if pos < kept:
            index, kept = 0, 0
        while kept < pos:
            step = index + pos - kept
            kept += step - index - full.count(_DROPPED, index, step)
            index = step
        index = _DROPPED_RUN.match(full, index).end()  # type: ignore[union-attr]  # "x*" always matches
        self._full_pos, self._compact_pos = index, pos
        return index

    def start(self, pos: int) -> int:
        return self._shadow.original_start(self._full_index(pos))

    def end(self, pos: int) -> int:
        """Original end for a hit ending at ``compact[pos]``: marks on its last letter included."""
        full_end = self._full_index(pos - 1) + 1
        if self._shadow.has_dropped:
            full_end = _DROPPED_RUN.match(self._shadow.full, full_end).end()  # type: ignore[union-attr]
        return self._shadow.original_end(full_end)


# --- regex building blocks (over the compact shadow, where every letter is already folded) ---------

_TOKEN_CHAR = "[^\\W_]"  # in the shadow: letters and digits (private use is ſ there)
_AFTER_SEPARATOR = f"(?<!{_TOKEN_CHAR}.)"  # placed after a token's first letter, which "." stands for
_AT_TOKEN_END = f"(?!{_TOKEN_CHAR})"
_GAP = "[\\W_]++"  # what separates the words of a phrase, line breaks included
_REST_OF_TOKEN = f"{_TOKEN_CHAR}*+"


def _shadow_word(folded_word: str) -> str:
    return re.escape(_shadow_of(folded_word))


def _prefix_trie(prefixes: Iterable[str]) -> str:
    """One regex for a non-empty set of non-empty prefixes, sharing their starts (ב, בה → ב(?:ה)?)."""
    by_first: dict[str, list[str]] = {}
    for prefix in prefixes:
        by_first.setdefault(prefix[0], []).append(prefix[1:])
    return "(?:" + "|".join(re.escape(first) + _trie_tails(tails) for first, tails in by_first.items()) + ")"


def _trie_tails(tails: list[str]) -> str:
    """The regex for what may follow a shared start: nothing (if "" is a tail) or one of the longer tails."""
    longer = [tail for tail in tails if tail]
    if not longer:
        return ""
    trie = _prefix_trie(longer)
    return f"(?:{trie})?" if "" in tails else trie


@dataclass(frozen=True)
class _Alternative:
    """One spelling of a term: a literal first letter, then a regex ending in the alternative's one group."""

    first: str
    rest: str
    term: Term
    has_prefix: bool


def _name(first_word: str, term: Term) -> str:
    """The term from its first word (as spelled after any prefix) to the end of its last token."""
    words = [_shadow_word(first_word), *(_shadow_word(word) for word in term.words[1:])]
    return _GAP.join(words) + (_REST_OF_TOKEN if term.prefix else "")


def _with_prefixes(term: Term, prefixes: Iterable[str], after: str) -> Iterator[_Alternative]:
    """The alternatives ``<prefix><after>``, grouped by the prefix's first letter."""
    by_first: dict[str, list[str]] = {}
    for prefix in prefixes:
        by_first.setdefault(prefix[0], []).append(prefix[1:])
    for first, tails in by_first.items():
        yield _Alternative(first, _trie_tails(tails) + after, term, True)


def _alternatives(term: Term, prefixed: bool) -> Iterator[_Alternative]:
    first = term.words[0]
    name = _name(first, term)
    # the bare spelling: its group is empty, the name starts where the hit does
    yield _Alternative(_shadow_of(first[0]), name[len(_shadow_word(first[0])) :] + "()", term, False)
    if not prefixed:
        return
    if len(term.words) == 1 and not term.prefix:
        yield from _inflected(term)
    by_rest: dict[str, list[str]] = {}
    for prefix, rest in prefix_forms(first):
        by_rest.setdefault(rest, []).append(prefix)
    for rest, prefixes in by_rest.items():
        hyphen = "-?" if rest == first and is_hebrew_word(first) else ""
        yield from _with_prefixes(term, prefixes, f"{hyphen}({_name(rest, term)})")


_RUSSIAN_ENDING = "(?:" + "|".join(sorted(RUSSIAN_ENDINGS, key=len, reverse=True)) + ")"


def _inflected(term: Term) -> Iterator[_Alternative]:
    """A lone Russian word in its case forms: each stem, then any one ending (``inflected_variants``)."""
    for stem in russian_stems(term.words[0]):
        yield _Alternative(
            stem[0], _shadow_word(stem)[len(_shadow_word(stem[0])) :] + _RUSSIAN_ENDING + "?()", term, False
        )


_HEBREW_PREFIX_SET = frozenset(HEBREW_PREFIXES)
_LONGEST_HEBREW_PREFIX = max(map(len, HEBREW_PREFIXES))


def _hyphenated_prefix_start(compact: str, pos: int, floor: int) -> int:
    """Where a hit at ``pos`` begins if a Hebrew prefix and a hyphen precede it (ב-NK News, ל-2023).

    Done after matching rather than as regex alternatives: seven more branches starting with the commonest
    Hebrew letters would slow the scan of every Hebrew text by half for a cosmetic difference (the index
    sees the prefix as a token of its own and matches the bare word either way).
    """
    if pos < 2 or compact[pos - 1] != "-":
        return pos
    letters_end = begin = pos - 1
    while begin > floor and letters_end - begin < _LONGEST_HEBREW_PREFIX and compact[begin - 1].isalnum():
        begin -= 1
    at_token_start = begin == 0 or not compact[begin - 1].isalnum()
    return begin if at_token_start and compact[begin:letters_end] in _HEBREW_PREFIX_SET else pos


@dataclass(frozen=True)
class MatchSpan:
    """One hit: ``[start, end)`` covers the whole token(s) with any prefix; the name begins at ``name_start``.

    ``text[name_start:end]`` is what an entity mention records: "פיונגיאנג" out of "בפיונגיאנג".
    """

    start: int
    end: int
    name_start: int
    term: Term

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


class Matcher:
    """Finds every occurrence of a set of positive terms in original stored texts."""

    def __init__(
        self,
        terms: Sequence[Term],
        pattern: re.Pattern[str] | None,
        groups: dict[int, tuple[Term, bool]],
        *,
        prefixed: bool,
    ) -> None:
        self.terms = tuple(terms)
        self.pattern = pattern
        self.prefixed = prefixed
        self._groups = groups

    def find(self, text: str, *, limit: int | None = None) -> list[Span]:
        """All non-overlapping hits, in order (the first ``limit`` of them, if given)."""
        return [hit.span for hit in self.find_detailed(text, limit=limit)]

    def find_detailed(self, text: str, *, limit: int | None = None) -> list[MatchSpan]:
        """All non-overlapping hits, in order, with the term each one matched and where its name starts;
        with ``limit``, only the first that many (a 70 MB text can hold a million hits)."""
        if self.pattern is None or not text or limit == 0:
            return []
        shadow = _shadow(text)
        offsets = _OffsetMapper(shadow)
        hits: list[MatchSpan] = []
        previous_end = 0
        for match in self.pattern.finditer(shadow.compact):
            group = match.lastindex
            assert group is not None  # every alternative ends by closing its one group
            term, has_prefix = self._groups[group]
            hit_start = name_start = match.start(group) if has_prefix else match.start()
            if has_prefix:
                hit_start = match.start()
            elif self.prefixed:
                hit_start = _hyphenated_prefix_start(shadow.compact, hit_start, previous_end)
            start = offsets.start(hit_start)
            name = offsets.start(name_start) if name_start != hit_start else start
            end = offsets.end(match.end())
            while end > name + 1 and text[end - 1] in FORMAT_IGNORABLES:
                end -= 1  # a trailing bidi mark belongs to the layout, not to the word
            hits.append(MatchSpan(start, end, name, term))
            if len(hits) == limit:
                break
            previous_end = match.end()
        return hits


def compile_matcher(terms: Iterable[Term], *, prefixed: bool = True) -> Matcher:
    """Build a matcher for the positive terms (exclusions are ignored: they have nothing to highlight).

    ``prefixed`` lets Hebrew and Arabic terms match with proclitics attached (the search default); turn it
    off for an exact-word Find.
    """
    positive = [term for term in terms if not term.negated and term.words]
    # longer phrases first, so "kim jong un" wins over "kim" where both start
    ordered = sorted(positive, key=lambda term: (-len(term.words), -sum(map(len, term.words))))
    by_first: dict[str, list[_Alternative]] = {}
    for term in ordered:
        for alternative in _alternatives(term, prefixed):
            by_first.setdefault(alternative.first, []).append(alternative)
    if not by_first:
        return Matcher(positive, None, {}, prefixed=prefixed)
    # Every branch starts with a literal letter, which lets ``re`` skip to where a hit can start; the
    # separator check after it replaces a look-behind at every position of the text.
    branches = []
    groups: dict[int, tuple[Term, bool]] = {}
    for first, alternatives in by_first.items():
        rests = [alternative.rest for alternative in alternatives]
        rest = rests[0] if len(rests) == 1 else "(?:" + "|".join(rests) + ")"
        branches.append(re.escape(first) + _AFTER_SEPARATOR + rest)
        for alternative in alternatives:
            groups[len(groups) + 1] = (alternative.term, alternative.has_prefix)
    pattern = re.compile("(?:" + "|".join(branches) + ")" + _AT_TOKEN_END)
    return Matcher(positive, pattern, groups, prefixed=prefixed)


def first_word_forms(term: Term, *, prefixed: bool = True) -> tuple[str, ...]:
    """The spellings the first word of ``term`` may take in running text: with Hebrew or Arabic
    proclitics, and for a lone Russian word (not in a phrase, not a prefix) each of its case forms.
    The index is queried for exactly these (``app.store.fts``), and ``Matcher`` finds exactly these."""
    first = term.words[0]
    if not prefixed:
        return (first,)
    if len(term.words) == 1 and not term.prefix:
        return _dedupe_forms((*prefixed_variants(first), *inflected_variants(first)))
    return prefixed_variants(first)


def _dedupe_forms(forms: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(forms))


def term_in_tokens(term: Term, tokens: Sequence[str], *, prefixed: bool = True) -> bool:
    """Whether the index side matches ``term`` in a token list (``tokenize(fold(text))``).

    The reference for what the store's FTS query must express and what ``Matcher`` must find.
    """
    firsts = first_word_forms(term, prefixed=prefixed)
    size = len(term.words)
    for index in range(len(tokens) - size + 1):
        window = tokens[index : index + size]
        if size == 1:
            if any(_word_matches(window[0], first, term.prefix) for first in firsts):
                return True
        elif (
            window[0] in firsts
            and tuple(window[1:-1]) == term.words[1:-1]
            and _word_matches(window[-1], term.words[-1], term.prefix)
        ):
            return True
    return False


def _word_matches(token: str, word: str, prefix: bool) -> bool:
    return token.startswith(word) if prefix else token == word


# --- snippets -------------------------------------------------------------------------------------

_WHITESPACE = " \t\n"


def make_snippet(text: str, hits: Sequence[Span], *, context_chars: int = 80, max_hits: int = 5) -> Snippet:
    """A short excerpt around the first hit, cut at spaces, with the hits inside it highlighted.

    Line breaks become spaces one for one, so ``Snippet.start + offset`` is still an offset into ``text``.
    No ellipses are added: the presenter knows whether the excerpt starts or ends mid-text.
    """
    if hits:
        first = hits[0]
        start = _cut_before(text, first.start, first.start - context_chars)
        end = _cut_after(text, first.end, first.end + context_chars)
    else:
        start, end = 0, _cut_after(text, 0, 2 * context_chars)
    while start < end and text[start] in _WHITESPACE:
        start += 1
    while end > start and text[end - 1] in _WHITESPACE:
        end -= 1
    inside = [hit for hit in hits if start <= hit.start and hit.end <= end][:max_hits]
    excerpt = text[start:end].replace("\n", " ").replace("\t", " ")
    return Snippet(excerpt, start, tuple(Span(hit.start - start, hit.end - start) for hit in inside))


def _cut_before(text: str, limit: int, wanted: int) -> int:
    """A start at or after ``wanted`` (and at or before ``limit``) that does not split a word."""
    if wanted <= 0:
        return 0
    for pos in range(wanted, limit):
        if text[pos - 1] in _WHITESPACE:
            return pos
    return wanted


def _cut_after(text: str, limit: int, wanted: int) -> int:
    """An end at or before ``wanted`` (and at or after ``limit``) that does not split a word."""
    if wanted >= len(text):
        return len(text)
    for pos in range(wanted, limit, -1):
        if text[pos] in _WHITESPACE:
            return pos
    return wanted
