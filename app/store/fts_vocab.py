"""SQLite FTS5 queries for finding entity mentions (besides ``fts``, the only SQLite-specific code here).

Mention finding asks the full-text index which sources contain a spelling (an alias with its Hebrew/Arabic
prefixed forms, or a Latin name with a Hebrew or Arabic prefix written onto it); the folded text of those
sources (the index keeps it, so it need not be folded again); and the case's vocabulary, where near misses
of names are looked for, with the number of sources holding the few tokens that come up. The vocabulary
comes from an ``fts5vocab`` table created in the connection's ``temp`` schema, so the case file's schema
does not change. Texts with a word hyphenated at a line end are found by scanning the stored texts, once,
rather than by asking the index for every way a name can be cut. Candidates are inserted as plain rows at
the driver's speed (``insert_rows``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import Connection, text

from app.core.folding import ARABIC_PREFIXES, HEBREW_PREFIXES
from app.core.mentions import SearchTerm
from app.store.fts import term_expression

_VOCABULARY = "temp.threadline_source_vocabulary"
_CHUNK = 500  # ids or words per statement, well below SQLite's variable limit
_GLUING = (*HEBREW_PREFIXES, *ARABIC_PREFIXES)


def _quoted(words: Sequence[str]) -> str:
    return '"' + " ".join(words).replace('"', '""') + '"'


def glued_spellings(term: SearchTerm) -> list[str]:
    """The first word of a Latin name with each Hebrew or Arabic prefix written onto it (בnk, لnk)."""
    if not term.glued_latin:
        return []
    return [prefix + term.words[0] for prefix in _GLUING]


def glued_in_index(connection: Connection, terms: Iterable[SearchTerm]) -> dict[SearchTerm, list[str]]:
    """For each Latin name among ``terms``, the ``glued_spellings`` the index has.

    The tokens a prefix is written onto a Latin letter or a digit sit together in the index, right after
    the prefix; one range of them is read per prefix instead of asking for each spelling (asking for a
    list of tokens scans the whole vocabulary once per 500 of them).
    """
    glued = {term: glued_spellings(term) for term in terms if term.glued_latin}
    if not glued:
        return {}
    ranges = [
        (min(tokens[i] for tokens in glued.values()), max(tokens[i] for tokens in glued.values()))
        for i in range(len(_GLUING))
    ]
    present = tokens_in_ranges(connection, ranges)
    return {term: [token for token in tokens if token in present] for term, tokens in glued.items()}


def search_expression(term: SearchTerm, glued: Collection[str] = ()) -> str:
    """An FTS5 expression, restricted to the text (not the title), for every spelling ``term`` covers;
    ``glued`` are the first-word tokens with a prefix written on (``glued_spellings``) that the index has."""
    alternatives = [term_expression(term.term) if term.prefixed else _quoted(term.words)]
    alternatives += [_quoted((token, *term.words[1:])) for token in glued]
    joined = alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"
    return f"body : {joined}"


def sources_matching(connection: Connection, expression: str) -> list[int]:
    rows = connection.execute(
        text("SELECT rowid FROM source_fts WHERE source_fts MATCH :expression"), {"expression": expression}
    )
    return [int(row[0]) for row in rows]


def sources_with_hyphen_breaks(connection: Connection) -> list[int]:
    """Sources whose text has a hyphen at the end of a line (a word cut in two by the layout)."""
    rows = connection.execute(
        text("SELECT source_id FROM source_texts WHERE instr(text, '-' || char(10)) > 0 ORDER BY source_id")
    )
    return [int(row[0]) for row in rows]


def folded_bodies(connection: Connection, source_ids: Iterable[int]) -> dict[int, str]:
    """The folded text the index holds for each source (``fold`` of its stored text)."""
    ids = sorted(set(source_ids))
    found: dict[int, str] = {}
    for index in range(0, len(ids), _CHUNK):
        chunk = ids[index : index + _CHUNK]
        marks = ", ".join(f":id{i}" for i in range(len(chunk)))
        rows = connection.execute(
            text(f"SELECT rowid, body FROM source_fts WHERE rowid IN ({marks})"),
            {f"id{i}": source_id for i, source_id in enumerate(chunk)},
        )
        found.update((int(row[0]), str(row[1])) for row in rows)
    return found


def _ensure_vocabulary(connection: Connection) -> None:
    connection.execute(
        text(f"CREATE VIRTUAL TABLE IF NOT EXISTS {_VOCABULARY} USING fts5vocab(main, source_fts, row)")
    )


def read_vocabulary(connection: Connection) -> tuple[str, str]:
    """Every token in the index, in the index's order (by code point), and how many sources hold each, as
    two texts of one line per token.

    One aggregate row: SQLite scans the whole index in one step, without handing 250,000 rows to Python one
    by one; that step runs outside Python's lock, so other threads work meanwhile (row by row, each row
    waits for the lock while another thread is busy, and the read took twice as long).
    """
    _ensure_vocabulary(connection)
    terms, counts = connection.execute(
        text(f"SELECT group_concat(term, char(10)), group_concat(doc, char(10)) FROM {_VOCABULARY}")
    ).one()
    return (str(terms), str(counts)) if terms is not None else ("", "")


def tokens_in_ranges(connection: Connection, ranges: Iterable[tuple[str, str]]) -> set[str]:
    """The index's tokens ``low <= token <= high`` for each range (each a quick look-up in the index)."""
    _ensure_vocabulary(connection)
    found: set[str] = set()
    for low, high in ranges:
        rows = connection.execute(
            text(f"SELECT term FROM {_VOCABULARY} WHERE term >= :low AND term <= :high"),
            {"low": low, "high": high},
        )
        found.update(str(row[0]) for row in rows)
    return found


def word_counts(connection: Connection, words: Collection[str]) -> dict[str, int]:
    """How many sources contain each of ``words`` (folded tokens); absent words are left out."""
    _ensure_vocabulary(connection)
    wanted = sorted(set(words))
    found: dict[str, int] = {}
    for index in range(0, len(wanted), _CHUNK):
        chunk = wanted[index : index + _CHUNK]
        marks = ", ".join(f":w{i}" for i in range(len(chunk)))
        rows = connection.execute(
            text(f"SELECT term, doc FROM {_VOCABULARY} WHERE term IN ({marks})"),
            {f"w{i}": word for i, word in enumerate(chunk)},
        )
        found.update((str(row[0]), int(row[1])) for row in rows)
    return found


def insert_rows(
    connection: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> list[int]:
    """Insert many rows of plain values (str, int, float, None) at the speed of the driver; return their ids.

    SQLite gives each new row of a rowid table the largest id so far plus one, so rows inserted together in
    one transaction get consecutive ids; that is checked, not assumed.
    """
    if not rows:
        return []
    last = connection.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar_one()
    names = ", ".join(f'"{column}"' for column in columns)
    marks = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(map(tuple, rows)))
    now_last = connection.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar_one()
    if now_last != last + len(rows):
        raise RuntimeError(f"ids of rows inserted into {table} are not consecutive")
    return list(range(last + 1, last + len(rows) + 1))
