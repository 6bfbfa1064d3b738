"""``threadline entity …`` and ``threadline tag``: entities, their mention candidates and tagging.

``register(commands)`` adds the commands to the ``threadline`` parser (``app.cli.build_parser`` calls it).
They keep its conventions: ``--json`` for scripts; a mistake the user can fix is one line on stderr and
exit 1; a malformed command line exits 2. This module imports ``app.cli`` only inside functions, because
``app.cli`` imports it at the top.

    threadline entity add CASE --type person --name "Sergei Shoigu" --alias Shoigu --alias שויגו
    threadline entity list CASE
    threadline entity find CASE ENTITY_ID          # candidates: id, source, offsets, text, kind
    threadline entity accept CASE CANDIDATE_ID...
    threadline tag CASE --source 3 --start 120 --end 129 --entity 1
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from app.core.entity_records import CandidateRecord, EntityRecord, EntitySummary


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``entity`` (with ``add``, ``list``, ``find``, ``accept``) and ``tag`` to ``commands``."""
    entity = commands.add_parser("entity", help="entities: add, list, find their mentions, accept candidates")
    entity.set_defaults(handler=lambda _args: _entity_help(entity))
    actions = entity.add_subparsers(title="entity commands", metavar="COMMAND")

    add = actions.add_parser("add", help="add an entity with its name and aliases (any script)")
    _case(add)
    add.add_argument("--type", required=True, dest="type_key", metavar="T", help="person, location, …")
    add.add_argument("--name", required=True, metavar="N")
    add.add_argument(
        "--alias", action="append", default=[], metavar="A", help="another spelling (repeatable)"
    )
    add.add_argument("--description", default="", metavar="TEXT")
    _json(add)
    add.set_defaults(handler=cmd_entity_add)

    listing = actions.add_parser("list", help="list the entities with their mention counts")
    _case(listing)
    listing.add_argument("--type", dest="type_key", metavar="T", help="only entities of this type")
    _json(listing)
    listing.set_defaults(handler=cmd_entity_list)

    find = actions.add_parser("find", help="find where an entity may be mentioned, as candidates to accept")
    _case(find)
    find.add_argument("entity_id", type=int, metavar="ENTITY_ID")
    find.add_argument("--no-variants", action="store_true", help="skip near-miss spellings")
    _json(find)
    find.set_defaults(handler=cmd_entity_find)

    accept = actions.add_parser("accept", help="accept mention candidates as mentions")
    _case(accept)
    accept.add_argument("candidate_ids", type=int, nargs="+", metavar="CANDIDATE_ID")
    _json(accept)
    accept.set_defaults(handler=cmd_entity_accept)

    tag = commands.add_parser("tag", help="tag a span of a source's text as a mention of an entity")
    _case(tag)
    tag.add_argument("--source", type=int, required=True, dest="source_id", metavar="S")
    tag.add_argument("--start", type=int, required=True, metavar="A", help="code-point offset (inclusive)")
    tag.add_argument("--end", type=int, required=True, metavar="B", help="code-point offset (exclusive)")
    tag.add_argument("--entity", type=int, required=True, dest="entity_id", metavar="E")
    tag.add_argument(
        "--alias", metavar="A", help="the alias to add if the spelling is new (default: guessed)"
    )
    _json(tag)
    tag.set_defaults(handler=cmd_tag)


def _case(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("case", type=Path, metavar="CASE")


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def _entity_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


# -- commands ----------------------------------------------------------------------------------------------


def cmd_entity_add(args: argparse.Namespace) -> int:
    from app.cli import EXIT_OK, _print_json
    from app.store import CaseStore

    with CaseStore.open(args.case) as store:
        others = store.entities.records()
        record = store.entities.add(args.type_key, args.name, args.alias, description=args.description)
    shared = _shared_spellings(record, others)
    if args.json:
        _print_json(
            {
                "id": record.id,
                "type": record.type_key,
                "name": record.name,
                "aliases": [{"id": alias.id, "text": alias.text} for alias in record.aliases],
                "spellings_of_other_entities": [
                    {"text": text, "entity_id": other.id, "entity_name": other.name} for text, other in shared
                ],
            }
        )
    else:
        spellings = ", ".join(alias.text for alias in record.aliases)
        print(f"Added entity #{record.id} “{record.name}” ({record.type_key}); spellings: {spellings}")
        for text, other in shared:
            print(
                f"Note: “{text}” is also a spelling of entity #{other.id} “{other.name}” ({other.type_key}); "
                "if they are the same, merge them (Entities ▸ Merge)."
            )
    return EXIT_OK


def _shared_spellings(record: EntityRecord, others: Sequence[EntityRecord]) -> list[tuple[str, EntityRecord]]:
    """Spellings of the new entity that another entity already has (case, accents and niqqud aside)."""
    from app.core.folding import fold

    mine = {fold(alias.text): alias.text for alias in record.aliases}
    shared: list[tuple[str, EntityRecord]] = []
    for other in others:
        for folded in sorted({fold(alias.text) for alias in other.aliases} & set(mine)):
            shared.append((mine[folded], other))
    return shared


def cmd_entity_list(args: argparse.Namespace) -> int:
    from app.cli import EXIT_OK, _print_json, _print_table
    from app.store import CaseStore

    with CaseStore.open(args.case) as store:
        summaries = store.entities.list_entities(type_key=args.type_key)
    if args.json:
        _print_json([_summary_json(summary) for summary in summaries])
        return EXIT_OK
    rows = [
        (
            str(s.id),
            s.type_key,
            str(s.mentions),
            str(s.sources),
            str(s.events),
            str(s.pending_candidates),
            s.name,
        )
        for s in summaries
    ]
    _print_table(("ID", "TYPE", "MENTIONS", "SOURCES", "EVENTS", "PENDING", "NAME"), rows)
    return EXIT_OK


def cmd_entity_find(args: argparse.Namespace) -> int:
    from app.cli import EXIT_OK, _print_json, _progress_printer
    from app.store import CaseStore

    progress = _progress_printer(sys.stderr) if sys.stderr.isatty() and not args.json else None
    with CaseStore.open(args.case) as store:
        name = store.entities.get(args.entity_id).name
        kwargs: dict[str, Any] = {"variants": not args.no_variants}
        if progress is not None:
            kwargs["progress"] = progress
        candidates = store.entities.find_candidates(args.entity_id, **kwargs)
    if args.json:
        _print_json([_candidate_json(candidate) for candidate in candidates])
        return EXIT_OK
    sources = len({candidate.source_id for candidate in candidates})
    print(
        f"{len(candidates)} candidate(s) for “{name}” in {sources} source(s)" + (":" if candidates else ".")
    )
    for candidate in candidates:
        print(_candidate_line(candidate))
    return EXIT_OK


def cmd_entity_accept(args: argparse.Namespace) -> int:
    from app.cli import EXIT_OK, _print_json
    from app.store import CaseStore

    with CaseStore.open(args.case) as store:
        decision = store.entities.accept(args.candidate_ids)
    if args.json:
        _print_json(
            {
                "accepted": list(decision.candidate_ids),
                "mentions": [
                    {
                        "id": m.id,
                        "entity_id": m.entity_id,
                        "source_id": m.source_id,
                        "start": m.start,
                        "end": m.end,
                    }
                    for m in decision.mentions
                ],
                "added_aliases": [alias.text for alias in decision.added_aliases],
            }
        )
        return EXIT_OK
    unchanged = len(set(args.candidate_ids)) - len(decision.candidate_ids)
    print(f"Accepted {len(decision.candidate_ids)} candidate(s) as {len(decision.mentions)} new mention(s).")
    if unchanged:
        print(f"{unchanged} candidate(s) were already accepted.")
    for alias in decision.added_aliases:
        print(f"New alias of entity #{alias.entity_id}: “{alias.text}”")
    return EXIT_OK


def cmd_tag(args: argparse.Namespace) -> int:
    from app.cli import EXIT_OK, _print_json
    from app.store import CaseStore

    with CaseStore.open(args.case) as store:
        result = store.entities.tag(args.source_id, args.start, args.end, args.entity_id, alias=args.alias)
        name = store.entities.get(args.entity_id).name
    mention = result.mention
    if args.json:
        _print_json(
            {
                "mention_id": mention.id,
                "entity_id": mention.entity_id,
                "source_id": mention.source_id,
                "start": mention.start,
                "end": mention.end,
                "text": mention.text,
                "added_alias": result.added_alias.text if result.added_alias else None,
            }
        )
        return EXIT_OK
    print(
        f"Tagged “{_one_line(mention.text)}” in source #{mention.source_id} ({mention.start}–{mention.end}) "
        f"as “{name}” (mention #{mention.id})."
    )
    if result.added_alias is not None:
        print(f"New alias: “{result.added_alias.text}”")
    return EXIT_OK


# -- presentation ------------------------------------------------------------------------------------------


def _summary_json(summary: EntitySummary) -> dict[str, Any]:
    return {
        "id": summary.id,
        "type": summary.type_key,
        "name": summary.name,
        "aliases": summary.aliases,
        "mentions": summary.mentions,
        "sources": summary.sources,
        "events": summary.events,
        "pending_candidates": summary.pending_candidates,
    }


def _candidate_json(candidate: CandidateRecord) -> dict[str, Any]:
    return {
        "id": candidate.id,
        "entity_id": candidate.entity_id,
        "source_id": candidate.source_id,
        "start": candidate.start,
        "end": candidate.end,
        "text": candidate.text,
        "alias": candidate.alias,
        "kind": candidate.kind.value,
        "needs_review": candidate.needs_review,
        "reason": candidate.reason.value,
        "confidence": candidate.confidence,
        "status": candidate.status.value,
    }


def _candidate_line(candidate: CandidateRecord) -> str:
    review = f"  review: {candidate.reason.value}" if candidate.needs_review else ""
    return (
        f"  #{candidate.id:<6} source #{candidate.source_id:<5} {candidate.start}–{candidate.end:<8} "
        f"{candidate.kind.value:<8} “{_one_line(candidate.text)}”{review}"
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())
