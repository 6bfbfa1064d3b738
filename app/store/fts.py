"""Full-text search on SQLite FTS5 (the only other SQLite-specific module besides ``engine``).

The index holds the *folded* title and text of each source (``app.core.folding.fold``: niqqud, harakat,
accents and letter variants removed, case folded) in a ``unicode61`` FTS5 table whose rowid is the source
id. Hebrew and Arabic attach prefixes to words, so a query word is expanded to the OR of its prefixed
forms (``פיונגיאנג`` → ``בפיונגיאנג``, ``לפיונגיאנג`` …): every alternative is an exact token look-up, far
faster and more precise than a trigram index. Hit offsets and snippets are then computed on the original
text by ``app.core.matching`` with the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import Connection, text

from app.core.folding import fold
from app.core.matching import first_word_forms
from app.core.query import Query, Term

#: The tables FTS5 keeps behind ``source_fts`` (``source_fts_data``, ``source_fts_idx`` …).
SHADOW_TABLE_PREFIX = "source_fts_"

TITLE_WEIGHT = 4.0
BODY_WEIGHT = 1.0


class IndexRow(NamedTuple):
    """A source as the index takes it: its title as written, its body already folded."""

    source_id: int
    title: str
    folded_body: str


def index_sources(connection: Connection, rows: Sequence[IndexRow]) -> None:
    """Index sources, all in one statement (one index segment for the lot)."""
    connection.execute(
        text("INSERT INTO source_fts (rowid, title, body) VALUES (:id, :title, :body)"),
        [{"id": row.source_id, "title": fold(row.title), "body": row.folded_body} for row in rows],
    )


def index_source(connection: Connection, source_id: int, title: str, body: str) -> None:
    index_sources(connection, [IndexRow(source_id, title, fold(body))])


def reindex_title(connection: Connection, source_id: int, title: str) -> None:
    connection.execute(
        text("UPDATE source_fts SET title = :title WHERE rowid = :id"),
        {"id": source_id, "title": fold(title)},
    )


def remove_source(connection: Connection, source_id: int) -> None:
    connection.execute(text("DELETE FROM source_fts WHERE rowid = :id"), {"id": source_id})


def _quoted(words: Sequence[str], prefix: bool) -> str:
    phrase = " ".join(words).replace('"', '""')
    return f'"{phrase}"' + ("*" if prefix else "")


def term_expression(term: Term) -> str:
    """An FTS5 expression for one term: the OR of its first word's forms (as phrases when multi-word)."""
    rest = term.words[1:]
    alternatives = [_quoted((variant, *rest), term.prefix) for variant in first_word_forms(term)]
    return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"


def match_expression(query: Query) -> str:
    """Translate a parsed query into FTS5 syntax: AND of OR-groups, then NOT for each exclusion."""
    positive: list[str] = []
    negative: list[str] = []
    for group in query.groups:
        included = [term_expression(term) for term in group if not term.negated]
        excluded = [term_expression(term) for term in group if term.negated]
        if included:
            positive.append(included[0] if len(included) == 1 else "(" + " OR ".join(included) + ")")
        negative.extend(excluded)
    expression = " AND ".join(positive)
    for exclusion in negative:
        expression = f"({expression}) NOT {exclusion}"
    return expression


def ranked_source_ids(
    connection: Connection, query: Query, limit: int, offset: int = 0
) -> list[tuple[int, float]]:
    """Source ids matching ``query``, best first, with their BM25 score (lower is better in FTS5)."""
    rows = connection.execute(
        text(
            f"SELECT rowid, bm25(source_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score FROM source_fts "
            "WHERE source_fts MATCH :expression ORDER BY score LIMIT :limit OFFSET :offset"
        ),
        {"expression": match_expression(query), "limit": limit, "offset": offset},
    )
    return [(int(row[0]), float(row[1])) for row in rows]


def count_matching_sources(connection: Connection, query: Query) -> int:
    return int(
        connection.execute(
            text("SELECT count(*) FROM source_fts WHERE source_fts MATCH :expression"),
            {"expression": match_expression(query)},
        ).scalar_one()
    )


def indexed_source_ids(connection: Connection) -> set[int]:
    return {int(row[0]) for row in connection.execute(text("SELECT rowid FROM source_fts"))}


def integrity_problems(connection: Connection) -> list[str]:
    try:
        connection.execute(text("INSERT INTO source_fts (source_fts) VALUES ('integrity-check')"))
    except Exception as exc:  # the FTS5 module reports corruption as a generic database error
        return [f"the full-text index is damaged ({exc}); it can be rebuilt"]
    return []
