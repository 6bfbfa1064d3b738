"""``threadline event add|list`` and ``threadline dates``: events and dates over the same ``CaseStore``.

``app.cli.build_parser`` calls ``register`` with its sub-parsers. Conventions are ``app.cli``'s: ``--json``
for scripts; a mistake the user can fix raises a ``ThreadlineError``, which ``app.cli.main`` prints as one
line on stderr with exit status 1; a malformed command line is argparse's exit status 2. ``event add``
reads ``--date``/``--end`` as the GUI's date field does (``app.core.dates.read_user_input``: EDTF, ISO,
"31 July 2023", "July 2023", 31.07.2023 …; a day without its year or a relative "last March" counts from
the first quoted source's publication day, else today) and prints how it read each one, an ambiguous
08/01/2023 as the field shows it: "8 January 2023?", uncertain, with the order it assumed. Dates are
printed as EDTF; ``earliest``/``latest`` are the first and last instant an event may cover, in UTC
(ISO 8601).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from app.core.dates import DatePoint, Precision, TypedDate, UncertainDate, display, parse, read_user_input
from app.core.errors import InvalidValue, ThreadlineError
from app.core.event_records import EventLink, case_key
from app.core.textnorm import reveal_bidi_controls

EXIT_OK = 0
_EVIDENCE = re.compile(r"(\d+):(\d+)-(\d+)(?::([a-z]+))?(?::(\d))?")
_STANCE_MARK = {"supports": "+", "contradicts": "−", "context": "·"}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def register(subparsers: Any) -> None:
    """Add ``event`` (with ``add`` and ``list``) and ``dates`` to ``threadline``'s commands."""
    event = subparsers.add_parser("event", help="add events to a case and list them")
    actions = event.add_subparsers(title="event commands", metavar="ACTION")

    add = actions.add_parser("add", help="add an event, with quotes as evidence and entities taking part")
    add.add_argument("case", type=Path, metavar="CASE")
    add.add_argument("--title", required=True)
    add.add_argument(
        "--date",
        required=True,
        metavar="DATE",
        help="when it happened or began, as the date field reads it: EDTF or ISO (2023-07-31, 2019~), "
        "31 July 2023, July 2023, 31.07.2023, before 2019 …",
    )
    add.add_argument(
        "--end", metavar="DATE", help="when it ended, for an event that lasted (read the same way)"
    )
    add.add_argument("--category", default="", metavar="NAME")
    add.add_argument(
        "--evidence",
        action="append",
        default=[],
        metavar="SOURCE:START-END",
        help="a quote: source id and code-point offsets, optionally :supports|contradicts|context and "
        ":credibility 1-6 (e.g. 3:120-184:contradicts:2); may be repeated",
    )
    add.add_argument("--entity", action="append", type=int, default=[], metavar="ID", help="may be repeated")
    _json_flag(add)
    add.set_defaults(handler=cmd_event_add)

    listing = actions.add_parser("list", help="list the events with their dates, confidence and evidence")
    listing.add_argument("case", type=Path, metavar="CASE")
    _json_flag(listing)
    listing.set_defaults(handler=cmd_event_list)

    dates = subparsers.add_parser("dates", help="the date expressions found in a source's text")
    dates.add_argument("case", type=Path, metavar="CASE")
    dates.add_argument("source_id", type=int, metavar="SOURCE_ID")
    _json_flag(dates)
    dates.set_defaults(handler=cmd_dates)


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


# -- commands ----------------------------------------------------------------------------------------------


def cmd_event_add(args: argparse.Namespace) -> int:
    from app.store import CaseStore
    from app.store.events import NewEvidence, NewParticipant

    quotes = [_evidence(text, NewEvidence) for text in args.evidence]
    with CaseStore.open(args.case) as store:
        reference = _reference_day(store, quotes)
        start = _typed_date("--date", args.date, reference)
        end = _typed_date("--end", args.end, reference) if args.end not in (None, "") else None
        readings = [_reading_text("--date", args.date, start, reference)]
        if end is not None:
            readings.append(_reading_text("--end", args.end, end, reference))
        edit = store.events.create(
            args.title,
            start.value,
            None if end is None else end.value,
            category=args.category,
            evidence=quotes,
            participants=[NewParticipant(entity_id) for entity_id in args.entity],
        )
        assert edit.object_id is not None
        event = store.events.get(edit.object_id)
    for line in readings:  # on stderr with --json, so the JSON stays machine-readable
        print(line, file=sys.stderr if args.json else sys.stdout)
    if args.json:
        _print_json(_event_json(event))
    else:
        title = _shown(event.title)
        print(f"Added event #{event.id} “{title}” ({_dates_text(event)}, {event.confidence.value})")
    return EXIT_OK


def cmd_event_list(args: argparse.Namespace) -> int:
    from app.store import CaseStore

    with CaseStore.open(args.case) as store:
        events = store.events.details(store.events.event_ids())
        key = case_key(store.case_info().created_at)
        name = store.path.name
    if args.json:
        _print_json([_event_json(event) | {"link": EventLink(name, event.id, key).url()} for event in events])
        return EXIT_OK
    for event in events:
        flags = " DISPUTED" if event.disputed else ""
        overridden = " (set by hand)" if event.confidence_overridden else ""
        state = f"{event.confidence.value}{overridden}{flags}"
        print(f"#{event.id}  {_dates_text(event)}  {state}  {_shown(event.title)}")
        print(f"    {_instant(event.earliest) or '…'} – {_instant(event.latest) or '…'}")
        for quote in event.evidence:
            mark = _STANCE_MARK[quote.stance.value]
            where = f"#{quote.source_id} {_shown(quote.source_title)}:{quote.start}-{quote.end}"
            print(f"    {mark} {where} [{quote.grade}] “{_one_line(quote.quote)}”")
    if not events:
        print("No events.")
    return EXIT_OK


def cmd_dates(args: argparse.Namespace) -> int:
    from app.store import CaseStore

    with CaseStore.open(args.case) as store:
        found = store.events.dates_in(args.source_id)
    if args.json:
        _print_json(
            [
                {
                    "start": d.start,
                    "end": d.end,
                    "text": d.text,
                    "edtf": d.edtf,
                    "inferred": d.inferred,
                    "relative": d.relative,
                    "note": d.note,
                }
                for d in found
            ]
        )
        return EXIT_OK
    for d in found:
        inferred = "inferred" if d.inferred else "stated"
        note = f"  ({d.note})" if d.note else ""
        print(f"{d.start}-{d.end}  {d.edtf or '?':<24} {inferred:<8}  “{_one_line(d.text)}”{note}")
    if not found:
        print(f"No date expressions in source #{args.source_id}.")
    return EXIT_OK


# -- helpers -----------------------------------------------------------------------------------------------


def _evidence(text: str, make: Any) -> Any:
    match = _EVIDENCE.fullmatch(text.strip())
    if match is None:
        raise InvalidValue(
            f"--evidence takes SOURCE:START-END with optional :STANCE and :CREDIBILITY (e.g. 3:120-184 or "
            f"3:120-184:contradicts:2), not “{text}”."
        )
    source, start, end, stance, credibility = match.groups()
    return make(
        int(source),
        int(start),
        int(end),
        stance=stance or "supports",
        credibility=int(credibility) if credibility else 6,
    )


def _typed_date(option: str, text: str, reference: date) -> TypedDate:
    try:
        return read_user_input(text, reference=reference)
    except InvalidValue as error:
        raise InvalidValue(f"{option}: {error.message}") from None


def _reading_text(option: str, text: str, typed: TypedDate, reference: date) -> str:
    """How a typed date was read, as the date field says it: "8 January 2023? · EDTF 2023-01-08? (…)"."""
    try:
        relative = read_user_input(text).value != typed.value
    except InvalidValue:
        relative = True
    if relative:
        day = UncertainDate(DatePoint(reference.year, reference.month, reference.day))
        note = f" (counted from {display(day)})"
    else:
        note = f" ({typed.note})" if typed.note else ""
    return f"{option} “{text.strip()}” reads as {display(typed.value)} · EDTF {typed.value.to_edtf()}{note}"


def _reference_day(store: Any, quotes: list[Any]) -> date:
    """The day relative dates count from, as in the editor: the first quoted source's publication day."""
    for quote in quotes:
        try:
            published = store.source(quote.source_id).published
            point = parse(published).points[0] if published else None
        except (ThreadlineError, IndexError):
            continue
        if point is not None and point.precision >= Precision.DAY:
            assert point.month is not None and point.day is not None
            return date(point.year, point.month, point.day)
    return date.today()


def _instant(epoch: int | None) -> str | None:
    if epoch is None:
        return None
    return (_EPOCH + timedelta(seconds=epoch)).isoformat().replace("+00:00", "Z")


def _dates_text(event: Any) -> str:
    if event.start_edtf is None:
        return "undated"
    return event.start_edtf if event.end_edtf is None else f"{event.start_edtf} – {event.end_edtf}"


def _one_line(text: str) -> str:
    return _shown(" ".join(text.split()))


def _shown(text: str) -> str:
    """User text for the terminal: a bidi override in a title would reorder the rest of the line."""
    return reveal_bidi_controls(text)


def _event_json(event: Any) -> dict[str, Any]:
    return {
        "id": event.id,
        "title": event.title,
        "description": event.description,
        "start": event.start_edtf,
        "end": event.end_edtf,
        "earliest": _instant(event.earliest),
        "latest": _instant(event.latest),
        "category": event.category,
        "confidence": event.confidence.value,
        "suggested_confidence": event.suggested_confidence.value,
        "confidence_overridden": event.confidence_overridden,
        "disputed": event.disputed,
        "same_day_order": event.same_day_order,
        "participants": [
            {"entity_id": p.entity_id, "name": p.name, "type": p.type_key, "role": p.role}
            for p in event.participants
        ],
        "tags": [tag.name for tag in event.tags],
        "evidence": [
            {
                "id": quote.id,
                "source_id": quote.source_id,
                "source_title": quote.source_title,
                "start": quote.start,
                "end": quote.end,
                "page": quote.page,
                "last_page": quote.last_page if quote.last_page is not None else quote.page,
                "quote": quote.quote,
                "stance": quote.stance.value,
                "credibility": quote.credibility,
                "grade": quote.grade,
                "note": quote.note,
            }
            for quote in event.evidence
        ],
        "notes": [
            {"author": note.author, "body": note.body, "created": note.created_at.isoformat()}
            for note in event.notes
        ],
    }


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
