"""SQLite FTS5 queries for finding entity mentions (besides ``fts``, the only SQLite-specific code here).

Mention finding asks the full-text index which sources contain a spelling (an alias with its Hebrew/Arabic
prefixed forms, or a Latin name with a Hebrew or Arabic prefix written onto it); the folded text of those
sources (the index keeps it, so it need not be folded again); and the case's vocabulary, where near misses
of names are looked for, with the number of sources holding the few tokens that come up. The vocabulary
comes from an ``fts5vocab`` table created in the connection's ``temp`` schema, so the case file's schema
does not change. Texts with a word hyphenated at a line end are found by scanning the stored texts, once,
rather than by asking the index for every way a name can be cut. Both whole-case reads run in a child
process when one can be started (``read_apart``). Candidates are inserted as plain rows at the driver's
speed (``insert_rows``).
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, text

from app.core.folding import ARABIC_PREFIXES, HEBREW_PREFIXES
from app.core.matching import first_word_forms
from app.core.mentions import SearchTerm
from app.store.fts import term_expression

log = logging.getLogger(__name__)

_VOCABULARY = "temp.threadline_source_vocabulary"
_CREATE_VOCABULARY = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {_VOCABULARY} USING fts5vocab(main, source_fts, row)"
)
_READ_VOCABULARY = f"SELECT group_concat(term, char(10)), group_concat(doc, char(10)) FROM {_VOCABULARY}"
_HYPHEN_BREAKS = (
    "SELECT source_id FROM source_texts WHERE instr(text, '-' || char(10)) > 0 ORDER BY source_id"
)
_READ_APART = f"""
import json, sqlite3, sys
connection = sqlite3.connect(sys.argv[1] + "?mode=ro", uri=True, timeout=10)
tokens = counts = broken = ""
if sys.argv[2]:
    connection.execute({_CREATE_VOCABULARY!r})
    tokens, counts = connection.execute(sys.argv[2], json.loads(sys.argv[3])).fetchone()
if sys.argv[4] == "1":
    broken = ",".join(str(row[0]) for row in connection.execute({_HYPHEN_BREAKS!r}))
sys.stdout.buffer.write("\\0".join((tokens or "", counts or "", broken)).encode("utf-8"))
"""
_CHUNK = 500  # ids or words per statement, well below SQLite's variable limit
_GLUING = (*HEBREW_PREFIXES, *ARABIC_PREFIXES)
_MATCH_CHUNK = 200  # index look-ups per statement
PART_MAX_HEADS = 400  # ranges read in one statement (SQLite joins at most 500 selects)


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


def search_expression(
    term: SearchTerm, glued: Collection[str] = (), present: Callable[[str], bool] | None = None
) -> str | None:
    """An FTS5 expression, restricted to the text (not the title), for every spelling ``term`` covers;
    ``glued`` are the first-word tokens with a prefix written on (``glued_spellings``) that the index has.

    With ``present`` (whether the index has a token), only the first-word forms the index has are asked
    for: a phrase whose first token is nowhere matches nothing. None when no form is left.
    """
    if present is None:
        alternatives = [term_expression(term.term) if term.prefixed else _quoted(term.words)]
    else:  # the forms ``term_expression`` joins, those the index has
        firsts = first_word_forms(term.term) if term.prefixed else term.words[:1]
        alternatives = [_quoted((first, *term.words[1:])) for first in firsts if present(first)]
    alternatives += [_quoted((token, *term.words[1:])) for token in glued]
    if not alternatives:
        return None
    joined = alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"
    return f"body : {joined}"


def sources_matching(connection: Connection, expression: str) -> list[int]:
    rows = connection.execute(
        text("SELECT rowid FROM source_fts WHERE source_fts MATCH :expression"), {"expression": expression}
    )
    return [int(row[0]) for row in rows]


def sources_matching_each(connection: Connection, expressions: Sequence[str]) -> list[list[int]]:
    """``sources_matching`` for each expression, a few hundred per statement answered as one row: SQLite
    runs them all in one step, outside Python's lock (row by row, each row waits for the lock while another
    thread is busy)."""
    found: list[list[int]] = []
    for index in range(0, len(expressions), _MATCH_CHUNK):
        chunk = expressions[index : index + _MATCH_CHUNK]
        each = " UNION ALL ".join(
            f"SELECT {i} AS i, (SELECT group_concat(rowid) FROM source_fts WHERE source_fts MATCH :e{i}) "
            "AS ids"
            for i in range(len(chunk))
        )
        joined = connection.execute(
            text(f"SELECT group_concat(i || ':' || coalesce(ids, ''), ';') FROM ({each})"),
            {f"e{i}": expression for i, expression in enumerate(chunk)},
        ).scalar_one()
        answers = dict(part.split(":") for part in str(joined).split(";"))
        for i in range(len(chunk)):
            ids = answers[str(i)]
            found.append([int(source_id) for source_id in ids.split(",")] if ids else [])
    return found


def sources_with_hyphen_breaks(connection: Connection) -> list[int]:
    """Sources whose text has a hyphen at the end of a line (a word cut in two by the layout)."""
    return [int(row[0]) for row in connection.execute(text(_HYPHEN_BREAKS))]


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
    connection.execute(text(_CREATE_VOCABULARY))


def read_vocabulary(connection: Connection) -> tuple[str, str]:
    """Every token in the index, in the index's order (by code point), and how many sources hold each, as
    two texts of one line per token.

    One aggregate row: SQLite scans the whole index in one step, without handing 250,000 rows to Python one
    by one (that took twice as long; each row waited for Python's lock while another thread was busy).
    """
    _ensure_vocabulary(connection)
    tokens, counts = connection.execute(text(_READ_VOCABULARY)).one()
    return (str(tokens), str(counts)) if tokens is not None else ("", "")


@dataclass(frozen=True)
class IndexRead:
    """What a find reads from the whole index before it looks for near misses (``read_apart``)."""

    tokens: str  # ``read_vocabulary``'s two texts ("" if not asked for)
    counts: str
    broken: list[int]  # ``sources_with_hyphen_breaks`` (empty if not asked for)


VocabularyQuery = tuple[
    str, list[str]
]  # a statement giving (tokens, counts) as ``read_vocabulary``, its values


def vocabulary_query(heads: Sequence[str] | None = None, tails: Sequence[str] = ()) -> VocabularyQuery:
    """The statement ``read_vocabulary`` runs: for the whole vocabulary, or (with ``heads``) for only the
    tokens that begin with one of ``heads`` or end with one of ``tails``: a range of the index for each
    beginning, and one scan for the endings (quicker than the whole, which is handed over as 250,000
    tokens). At most ``PART_MAX_HEADS`` beginnings."""
    if heads is None:
        return _READ_VOCABULARY, []
    if len(heads) > PART_MAX_HEADS:
        raise ValueError(f"at most {PART_MAX_HEADS} beginnings per statement")
    parts = [f"SELECT term, doc FROM {_VOCABULARY} WHERE term >= ? AND term < ?" for _head in heads]
    values = [bound for head in heads for bound in (head, head + "\U0010ffff")]
    if tails:
        marks = ", ".join("?" * len(tails))
        parts.append(f"SELECT term, doc FROM {_VOCABULARY} WHERE substr(term, -2) IN ({marks})")
        values += tails
    if not parts:
        return _READ_VOCABULARY + " WHERE 0", []
    each = " UNION ".join(parts)
    statement = (
        "SELECT group_concat(term, char(10)), group_concat(doc, char(10)) "
        f"FROM (SELECT term, doc FROM ({each}) ORDER BY term)"
    )
    return statement, values


def read_here(connection: Connection, *, words: VocabularyQuery | None, cuts: bool) -> IndexRead:
    """The vocabulary as ``words`` reads it (see ``vocabulary_query``), and with ``cuts`` the sources with
    a word cut at a line end."""
    tokens, counts = "", ""
    if words is not None:
        _ensure_vocabulary(connection)
        tokens, counts = connection.exec_driver_sql(words[0], tuple(words[1])).one()
    broken = sources_with_hyphen_breaks(connection) if cuts else []
    return IndexRead(str(tokens or ""), str(counts or ""), broken)


def read_apart(path: Path, *, words: VocabularyQuery | None, cuts: bool) -> IndexRead | None:
    """``read_here`` in a short-lived child process (a plain Python with its standard library, on a
    read-only connection); None where there is none to start (a frozen application) or it failed.

    Both reads scan the whole case (the index, the texts) inside SQLite. Done on a thread of this process
    they slowed the thread that matches meanwhile by a third (measured: 0.8 → 1.2 s for one dense entity;
    SQLite's shared state, not Python's lock, which the scans do not hold); in another process they do not.
    """
    if getattr(sys, "frozen", False) or any(char in str(path) for char in "?%"):
        return None  # (SQLite opens another file for a URI with an escaped "?" in its path)
    statement, values = words if words is not None else ("", [])
    arguments = [path.resolve().as_uri(), statement, json.dumps(values), "1" if cuts else "0"]
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _READ_APART, *arguments],
            capture_output=True,
            check=True,
            timeout=600,
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
        tokens, counts, broken = done.stdout.decode("utf-8").split("\0")
    except (OSError, ValueError, subprocess.SubprocessError) as error:
        log.warning("reading the case vocabulary in a child process failed (%s); reading it here", error)
        return None
    return IndexRead(tokens, counts, [int(source_id) for source_id in broken.split(",") if source_id])


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
    connection: Connection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    same: Mapping[str, str | int | float | None] | None = None,
    *,
    checked: bool = False,
) -> list[int]:
    """Insert many rows of plain values (str, int, float, None) at the speed of the driver; return their ids.
    ``same`` gives columns that have one value in every row (written into the statement once, not bound
    for each row). ``checked``: the caller has checked every row against the table's CHECK constraints,
    so SQLite skips them for this statement only (``PRAGMA ignore_check_constraints``, which expires
    prepared statements when it changes; NOT NULL, UNIQUE and foreign keys are still enforced). SQLite
    evaluates ``x IN ('a', 'b', 'c')`` slowly for each row: for mention candidates the checks were 40 % of
    the insert.

    SQLite gives each new row of a rowid table the largest id so far plus one, so rows inserted together in
    one transaction get consecutive ids; that is checked, not assumed.
    """
    if not rows:
        return []
    fixed = dict(same or {})
    last = connection.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar_one()
    names = ", ".join(f'"{column}"' for column in (*columns, *fixed))
    marks = ", ".join(["?"] * len(columns) + [_literal(value) for value in fixed.values()])
    if checked:
        connection.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
    try:
        connection.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    finally:
        if checked:
            connection.exec_driver_sql("PRAGMA ignore_check_constraints = OFF")
    now_last = connection.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar_one()
    if now_last != last + len(rows):
        raise RuntimeError(f"ids of rows inserted into {table} are not consecutive")
    return list(range(last + 1, last + len(rows) + 1))


def _literal(value: str | int | float | None) -> str:
    """An SQL literal for a plain value."""
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, bool):
        return str(int(value))
    return repr(value)


def texts_and_folds(connection: Connection, source_ids: Sequence[int]) -> list[tuple[int, str, str | None]]:
    """(source, stored text, the folded text the index holds) for each source that still exists, in one
    statement."""
    found: list[tuple[int, str, str | None]] = []
    for index in range(0, len(source_ids), _CHUNK):
        chunk = list(source_ids[index : index + _CHUNK])
        marks = ", ".join("?" * len(chunk))
        found += connection.exec_driver_sql(
            "SELECT t.source_id, t.text, f.body FROM source_texts AS t "
            f"LEFT JOIN source_fts AS f ON f.rowid = t.source_id WHERE t.source_id IN ({marks}) "
            "ORDER BY t.source_id",
            tuple(chunk),
        ).all()
    return found
