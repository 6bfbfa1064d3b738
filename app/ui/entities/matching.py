"""Which entities a few typed letters mean: the type-ahead of the tag dialog and the entities filter.

No new folding here: a query and an alias are compared as the search index compares them
(``app.core.folding.fold`` and ``tokenize``, ``app.core.matching.term_in_tokens``), so case, niqqud,
harakat, final letters and alef variants never matter. The last word typed may be unfinished ("Pyong"
finds Pyongyang), and a Hebrew or Arabic query keeps working when it is typed with the prefix the text
had: "בפיונגיאנג" finds the entity called "פיונגיאנג".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from app.core.folding import fold, strip_prefix_candidates, tokenize
from app.core.matching import term_in_tokens
from app.core.query import Term

EXACT, AT_START, INSIDE = 0, 1, 2  # how well an alias matches, best first


class QueryForms(NamedTuple):
    """The folded words of a query, and the same without a proclitic on the first word."""

    words: tuple[str, ...]
    stripped: tuple[tuple[str, ...], ...]

    @property
    def empty(self) -> bool:
        return not self.words


def query_forms(query: str) -> QueryForms:
    words = tuple(tokenize(fold(query)))
    if not words:
        return QueryForms((), ())
    stripped = tuple((bare, *words[1:]) for bare in strip_prefix_candidates(words[0]))
    return QueryForms(words, stripped)


def alias_rank(forms: QueryForms, alias_words: tuple[str, ...]) -> tuple[int, int] | None:
    """(how, 0 as typed / 1 with a prefix taken off) for the best way the query matches the alias."""
    best: tuple[int, int] | None = None
    for stripped, words in enumerate((forms.words, *forms.stripped)):
        rank = _rank(words, alias_words)
        if rank is not None and (best is None or (rank, min(stripped, 1)) < best):
            best = (rank, min(stripped, 1))
    return best


def _rank(words: tuple[str, ...], alias_words: tuple[str, ...]) -> int | None:
    if not words or not alias_words:
        return None
    if words == alias_words:
        return EXACT
    term = Term(words, prefix=True)
    tokens = list(alias_words)  # term_in_tokens compares slices of its tokens with lists
    if term_in_tokens(term, tokens[: len(words)], prefixed=False):
        return AT_START
    if term_in_tokens(term, tokens, prefixed=True):
        return INSIDE
    return None


def best_alias(
    forms: QueryForms, aliases: Iterable[tuple[str, tuple[str, ...]]]
) -> tuple[tuple[int, int], str] | None:
    """The best-matching alias among (text, folded words) pairs, with its rank; None if none matches."""
    best: tuple[tuple[int, int], str] | None = None
    for text, words in aliases:
        rank = alias_rank(forms, words)
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, text)
    return best
