"""``threadline export pdf|csv|json|timelinejs|timesketch`` and ``threadline import-json``.

``app.cli.build_parser`` calls ``register`` with its sub-parsers (until it does, ``python -m app.cli_export``
runs ``threadline`` with these commands added). Conventions are ``app.cli``'s: ``--json`` prints a
machine-readable summary; a mistake the user can fix raises a ``ThreadlineError``, which ``app.cli.main``
prints as one line on stderr with exit status 1; a malformed command line is argparse's exit status 2.
Progress goes to stderr when it is a terminal. The PDF needs Qt's GUI module but no display: it runs on an
offscreen ``QGuiApplication``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from app.core.errors import InvalidValue, ThreadlineError

EXIT_OK = 0
_PARTS = ("cover", "chart", "chronology", "sources", "index")
_LANES = ("none", "category", "confidence", "entity", "tag")
_CONFIDENCES = ("confirmed", "probable", "possible", "doubtful", "unknown")


def register(subparsers: Any) -> None:
    """Add ``export`` (``pdf``, ``csv``, ``json``, ``timelinejs``, ``timesketch``) and ``import-json``."""
    export = subparsers.add_parser(
        "export", help="export a case: PDF report, CSV, JSON, TimelineJS, Timesketch"
    )
    formats = export.add_subparsers(title="formats", metavar="FORMAT")

    pdf = formats.add_parser("pdf", help="a timeline report for editors, lawyers and courts")
    _case_and_out(pdf, "OUT.pdf")
    _filters(pdf)
    pdf.add_argument(
        "--marking", default="", metavar="TEXT", help="classification or handling marking on every page"
    )
    pdf.add_argument("--paper", choices=("a4", "letter"), default="a4")
    pdf.add_argument("--landscape", action="store_true")
    pdf.add_argument(
        "--parts",
        default=",".join(_PARTS),
        metavar="LIST",
        help=f"which parts, comma-separated (default: all of {','.join(_PARTS)})",
    )
    pdf.add_argument("--notes", action="store_true", help="include the events' notes")
    pdf.add_argument("--lanes", choices=_LANES, default="none", help="lanes of the timeline chart")
    pdf.add_argument(
        "--tz",
        default="UTC",
        metavar="ZONE",
        help="time zone of the chart's axis and the report's stamps: UTC (default), an IANA name such as "
        "Asia/Jerusalem, or 'local' for this machine's zone",
    )
    _json_flag(pdf)
    pdf.set_defaults(handler=cmd_export_pdf)

    csv = formats.add_parser("csv", help="one row per event (UTF-8)")
    _case_and_out(csv, "OUT.csv")
    _filters(csv)
    csv.add_argument("--bom", action="store_true", help="start with a byte-order mark (for Excel)")
    csv.add_argument(
        "--excel-safe",
        action="store_true",
        help="prefix text cells starting with = + - @ with an apostrophe (spreadsheet formulas)",
    )
    _json_flag(csv)
    csv.set_defaults(handler=cmd_export_csv)

    whole = formats.add_parser("json", help="the whole case, every table (import it with import-json)")
    _case_and_out(whole, "OUT.json")
    _json_flag(whole)
    whole.set_defaults(handler=cmd_export_json)

    timeline = formats.add_parser("timelinejs", help="a TimelineJS 3 JSON file")
    _case_and_out(timeline, "OUT.json")
    _filters(timeline)
    timeline.add_argument(
        "--lanes", choices=_LANES, default="category", help="TimelineJS groups (default: category)"
    )
    _json_flag(timeline)
    timeline.set_defaults(handler=cmd_export_timelinejs)

    sketch = formats.add_parser("timesketch", help="Timesketch JSON Lines (.jsonl) or CSV (.csv)")
    _case_and_out(sketch, "OUT.jsonl")
    _filters(sketch)
    _json_flag(sketch)
    sketch.set_defaults(handler=cmd_export_timesketch)

    restore = subparsers.add_parser(
        "import-json", help="recreate a case from a JSON export, as a new case file"
    )
    restore.add_argument("new_case", type=Path, metavar="NEW_CASE")
    restore.add_argument("file", type=Path, metavar="FILE")
    _json_flag(restore)
    restore.set_defaults(handler=cmd_import_json)


def _case_and_out(parser: argparse.ArgumentParser, out: str) -> None:
    parser.add_argument("case", type=Path, metavar="CASE")
    parser.add_argument("out", type=Path, metavar=out)


def _filters(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("which events")
    group.add_argument(
        "--from", dest="date_from", metavar="DATE", help="events that may lie on or after DATE"
    )
    group.add_argument("--to", dest="date_to", metavar="DATE", help="events that may lie on or before DATE")
    group.add_argument(
        "--tag", action="append", default=[], metavar="T", help="tagged T (repeat: any of them)"
    )
    group.add_argument(
        "--entity",
        action="append",
        type=int,
        default=[],
        metavar="ID",
        help="with entity ID taking part (repeat: any of them)",
    )
    group.add_argument(
        "--category", action="append", default=[], metavar="C", help="in category C (repeatable)"
    )
    group.add_argument(
        "--min-confidence",
        choices=_CONFIDENCES,
        metavar="LEVEL",
        help=f"at least this sure ({', '.join(_CONFIDENCES)})",
    )
    group.add_argument("--no-disputed", action="store_true", help="leave out disputed events")
    group.add_argument("--no-undated", action="store_true", help="leave out undated events")


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def _report_filters(args: argparse.Namespace) -> Any:
    from app.core.records import Confidence
    from app.export.report import ReportFilters

    return ReportFilters(
        date_from=args.date_from,
        date_to=args.date_to,
        tags=tuple(args.tag),
        entity_ids=tuple(args.entity),
        categories=tuple(args.category),
        min_confidence=Confidence(args.min_confidence) if args.min_confidence else None,
        include_disputed=not args.no_disputed,
        include_undated=not args.no_undated,
    )


def _parts(text: str) -> frozenset[Any]:
    from app.export.report import ReportPart

    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in _PARTS]
    if unknown or not names:
        raise InvalidValue(f"--parts takes a comma-separated list of {', '.join(_PARTS)}, not “{text}”.")
    return frozenset(ReportPart(name) for name in names)


def _progress() -> Any:
    from app.core.progress import ignore_progress

    if not sys.stderr.isatty():
        return ignore_progress

    def show(update: Any) -> None:
        sys.stderr.write(f"\r[{update.done}/{update.total}] {str(update.current)[-50:]:<50}")
        if update.done >= update.total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _finish(args: argparse.Namespace, summary: dict[str, Any], text: str) -> int:
    if args.json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(text)
    return EXIT_OK


def _checked_out(path: Path) -> None:
    if path.is_dir():
        raise InvalidValue(f"{path} is a folder; give the name of the file to write.")
    if not path.parent.exists():
        raise InvalidValue(f"The folder {path.parent} does not exist.")


def _note_if_misnamed(path: Path, suffix: str) -> None:
    """A file written under another extension opens in the wrong program: say so (after writing it)."""
    if path.suffix.lower() != suffix:
        print(
            f"threadline: note: {path.name} holds a {suffix[1:].upper()} file despite its name.",
            file=sys.stderr,
        )


# -- commands ----------------------------------------------------------------------------------------------


def cmd_export_pdf(args: argparse.Namespace) -> int:
    """The same job as the export dialog's child process (``app.export.pdf.job``), in this process."""
    from app.core.event_records import LaneGrouping
    from app.export.pdf.geometry import PageSetup, Paper
    from app.export.pdf.job import export_pdf
    from app.export.report import ReportOptions

    _checked_out(args.out)
    options = ReportOptions(
        filters=_report_filters(args),
        parts=_parts(args.parts),
        include_notes=args.notes,
        marking=args.marking,
        lanes=LaneGrouping(args.lanes),
        time_zone=_zone(args.tz),
    )
    summary = export_pdf(
        args.case, args.out, options, PageSetup(Paper(args.paper), args.landscape), progress=_progress()
    )
    _note_if_misnamed(args.out, ".pdf")
    result = {key: value for key, value in asdict(summary).items() if key not in ("previewed", "pid")}
    result["bytes"] = result.pop("size")
    result["time_zone"] = options.time_zone
    return _finish(
        args,
        result,
        f"Wrote {summary.path}: {summary.pages} pages, {summary.events} events, {summary.quotes} quotes "
        f"from {summary.sources} sources ({summary.size:,} bytes; times in {options.time_zone}).",
    )


def _zone(name: str) -> str:
    """``--tz``: a zone name the report can use ("local" becomes this machine's zone)."""
    from app.export.common import local_zone_name, zone_named

    resolved = local_zone_name() if name == "local" else name.strip()
    try:
        zone_named(resolved)
    except ValueError:
        raise InvalidValue(
            f"--tz: there is no time zone “{name}” (give UTC, an IANA name such as Asia/Jerusalem, or local)."
        ) from None
    return "UTC" if resolved.upper() == "UTC" else resolved


def cmd_export_csv(args: argparse.Namespace) -> int:
    from app.export.csv_events import export_events_csv
    from app.store import CaseStore

    _checked_out(args.out)
    with CaseStore.open(args.case) as store:
        result = export_events_csv(
            store,
            args.out,
            filters=_report_filters(args),
            bom=args.bom,
            excel_safe=args.excel_safe,
            progress=_progress(),
        )
    return _finish(
        args,
        {"path": str(result.path), "events": result.items, "bytes": result.size},
        f"Wrote {result.path}: {result.items} events.",
    )


def cmd_export_json(args: argparse.Namespace) -> int:
    from app.export.case_json import export_case_json
    from app.store import CaseStore

    _checked_out(args.out)
    with CaseStore.open(args.case) as store:
        result = export_case_json(store, args.out, progress=_progress())
    return _finish(
        args,
        {"path": str(result.path), "tables": result.items, "bytes": result.size},
        f"Wrote {result.path}: the whole case, {result.items} tables ({result.size:,} bytes).",
    )


def cmd_export_timelinejs(args: argparse.Namespace) -> int:
    from app.core.event_records import LaneGrouping
    from app.export.report import ReportOptions
    from app.export.timelinejs import export_timelinejs
    from app.store import CaseStore

    _checked_out(args.out)
    options = ReportOptions(filters=_report_filters(args), lanes=LaneGrouping(args.lanes))
    with CaseStore.open(args.case) as store:
        result = export_timelinejs(store, args.out, options, progress=_progress())
    return _finish(
        args,
        {
            "path": str(result.path),
            "events": result.items,
            "undated_left_out": result.skipped,
            "bytes": result.size,
        },
        f"Wrote {result.path}: {result.items} events" + _left_out(result.skipped),
    )


def cmd_export_timesketch(args: argparse.Namespace) -> int:
    from app.export.timesketch import export_timesketch
    from app.store import CaseStore

    _checked_out(args.out)
    with CaseStore.open(args.case) as store:
        result = export_timesketch(store, args.out, filters=_report_filters(args), progress=_progress())
    return _finish(
        args,
        {
            "path": str(result.path),
            "rows": result.items,
            "undated_left_out": result.skipped,
            "bytes": result.size,
        },
        f"Wrote {result.path}: {result.items} rows" + _left_out(result.skipped),
    )


def cmd_import_json(args: argparse.Namespace) -> int:
    from app.export.case_json import import_case_json
    from app.store import CaseStore

    result = import_case_json(args.new_case, args.file, progress=_progress())
    with CaseStore.open(result.path) as store:
        info = store.case_info()
    return _finish(
        args,
        {"case": str(result.path), "title": info.title, "rows": result.items, "sources": info.source_count},
        f"Created case “{info.title}” at {result.path} from {args.file} "
        f"({result.items} rows, {info.source_count} "
        "sources; originals checked against their SHA-256).",
    )


def _left_out(count: int) -> str:
    return f"; {count} undated event(s) left out (the format needs a date)." if count else "."


# -- running before app.cli registers these ------------------------------------------------------------------


def _subparsers(parser: argparse.ArgumentParser) -> Any:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise LookupError("the threadline parser has no commands")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m app.cli_export``: ``threadline`` with these commands, before ``app.cli`` has them."""
    from app import cli

    parser = cli.build_parser()
    commands = _subparsers(parser)
    if "export" not in commands.choices:
        register(commands)
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return cli.EXIT_USAGE
    try:
        return int(args.handler(args))
    except ThreadlineError as exc:
        print(f"threadline: {exc.message}", file=sys.stderr)
        return cli.EXIT_FAILED
    except KeyboardInterrupt:
        print("threadline: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
