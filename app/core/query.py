"""The search language an investigator types, parsed into folded terms.

Words are all required; ``"quoted phrases"`` keep their words together; ``word*`` matches words that start
with ``word`` (inside quotes, only the last word may end with ``*``); ``OR`` (upper case) joins the terms
on either side of it; ``-word`` and ``-"phrase"`` exclude. Brackets are rejected rather than silently
ignored, because ``(a b) OR c`` would otherwise quietly mean something else.

A ``"`` between two letters is part of the word, not a quote: Hebrew acronyms are typed that way
(צה"ל), so ``צה"ל`` searches for the acronym. Typographic quotes “ ” „ work like ``"``.

Every term is folded and split into tokens exactly as the index is (``app.core.folding``), so ``Il-62M``
becomes the phrase [il, 62m] and ``צה"ל`` the phrase [צה, ל].
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from app.core.errors import QueryError
from app.core.folding import fold, is_token_text, tokenize

_QUOTES = '"“”„‟'
_BRACKETS = "()"
_OR = "OR"
_EXCERPT = 24


@dataclass(frozen=True)
class Term:
    """Folded words to find; more than one word is a phrase. ``prefix``: the last word may continue."""

    words: tuple[str, ...]
    prefix: bool = False
    negated: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class Query:
    """AND over ``groups``, OR within a group. An excluded term always forms a group of its own."""

    groups: tuple[tuple[Term, ...], ...]
    text: str

    @property
    def positive_terms(self) -> tuple[Term, ...]:
        return tuple(term for group in self.groups for term in group if not term.negated)

    @property
    def negative_terms(self) -> tuple[Term, ...]:
        return tuple(term for group in self.groups for term in group if term.negated)


@dataclass(frozen=True)
class _Or:
    position: int


def parse_query(text: str) -> Query:
    """Parse what the user typed; raise ``QueryError`` with a message saying what to change."""
    items = _Lexer(text).items()
    if not items:
        raise QueryError("Type a word to search for.")
    groups = _group(items)
    query = Query(tuple(tuple(group) for group in groups), text)
    if not query.positive_terms:
        raise QueryError(
            "Add a word to look for: a search made only of exclusions (-word) would match everything else."
        )
    return query


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text[:_EXCERPT]}…”" if len(text) > _EXCERPT else f"“{text}”"


def _is_letter_like(char: str) -> bool:
    return is_token_text(fold(char)) or unicodedata.category(char) == "Mn"


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def items(self) -> list[Term | _Or]:
        found: list[Term | _Or] = []
        while True:
            self._skip_space()
            if self.pos >= len(self.text):
                return found
            item = self._item()
            if item is not None:
                found.append(item)

    def _skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _item(self) -> Term | _Or | None:
        start = self.pos
        negated = self._at("-") and self.pos + 1 < len(self.text) and not self.text[self.pos + 1].isspace()
        if negated:
            self.pos += 1
        if self.text[self.pos] in _QUOTES:
            return self._phrase(negated)
        end = self._word_end()
        chunk = self.text[self.pos : end]
        self.pos = end
        if chunk == _OR and not negated:
            return _Or(start)
        return self._bare(chunk, start, negated)

    def _at(self, char: str) -> bool:
        return self.pos < len(self.text) and self.text[self.pos] == char

    def _word_end(self) -> int:
        end = self.pos
        while end < len(self.text) and not self.text[end].isspace():
            end += 1
        return end

    def _in_word(self, index: int) -> bool:
        """A quote mark between two letters is a gershayim (צה"ל), not a phrase delimiter."""
        text = self.text
        return (
            0 < index < len(text) - 1
            and _is_letter_like(text[index - 1])
            and _is_letter_like(text[index + 1])
        )

    def _phrase(self, negated: bool) -> Term | None:
        opening = self.pos
        close = next(
            (
                i
                for i in range(opening + 1, len(self.text))
                if self.text[i] in _QUOTES and not self._in_word(i)
            ),
            None,
        )
        if close is None:
            raise QueryError(f"The quote that starts at {_quote(self.text[opening:])} is not closed.")
        body = self.text[opening + 1 : close].rstrip()
        self.pos = close + 1
        prefix = body.endswith("*") or self._at("*")
        if self._at("*"):
            self.pos += 1
        if "*" in body.removesuffix("*"):
            raise QueryError(
                f"In {_quote(self.text[opening : self.pos])}, only the last word may end with *."
            )
        return _term(body.removesuffix("*"), prefix, negated, self.text[opening : self.pos])

    def _bare(self, chunk: str, start: int, negated: bool) -> Term | None:
        shown = self.text[start : start + len(chunk) + negated]
        for offset, char in enumerate(chunk):
            if char in _QUOTES and not self._in_word(self.pos - len(chunk) + offset):
                raise QueryError(
                    f"The quote mark in {_quote(shown)} does not open or close a phrase. "
                    'Put quotes around a whole phrase, like "kim jong un".'
                )
            if char in _BRACKETS:
                raise QueryError(
                    f"Brackets are not supported (in {_quote(shown)}). All words are required anyway, and "
                    "OR joins the two terms next to it; remove the brackets or put the text in quotes."
                )
        prefix = chunk.endswith("*")
        word = chunk.removesuffix("*")
        if "*" in word:
            raise QueryError(f"In {_quote(shown)}, * may only end a word, as in pyong*.")
        return _term(word, prefix, negated, shown)


#: Letters a lone word needs before ``*``: "s*" expands to thousands of index terms and finds everything.
MIN_PREFIX_LETTERS = 2


def _term(raw: str, prefix: bool, negated: bool, shown: str) -> Term | None:
    folded = fold(raw)
    words = tuple(tokenize(folded))
    if prefix and not (folded and is_token_text(folded[-1])):
        raise QueryError(f"In {_quote(shown)}, * must directly follow the start of a word, as in pyong*.")
    if prefix and len(words) == 1 and len(words[0]) < MIN_PREFIX_LETTERS:
        raise QueryError(
            f"{_quote(shown)} would match nearly every source: type at least {MIN_PREFIX_LETTERS} letters "
            "before *, as in py*."
        )
    return Term(words, prefix, negated) if words else None


def _group(items: list[Term | _Or]) -> list[list[Term]]:
    groups: list[list[Term]] = []
    previous: Term | _Or | None = None
    for item in items:
        if isinstance(item, _Or):
            if previous is None or isinstance(previous, _Or):
                raise QueryError("OR must stand between two search terms, as in moscow OR москва.")
            if previous.negated:
                raise QueryError("OR cannot join an exclusion (-word); write the exclusion on its own.")
        elif isinstance(previous, _Or):
            if item.negated:
                raise QueryError("OR cannot join an exclusion (-word); write the exclusion on its own.")
            groups[-1].append(item)
        else:
            groups.append([item])
        previous = item
    if isinstance(previous, _Or):
        raise QueryError("OR must stand between two search terms, as in moscow OR москва.")
    return groups
