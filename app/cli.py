"""``threadline``: the command line over the same ``CaseStore`` the desktop app uses.

Every command that lists things takes ``--json`` for scripts. Exit status: 0 success, 1 when the work
failed in part or whole (a file not imported, a problem found by ``verify``, a user error), 2 for a
malformed command line. Errors the user can fix are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, TextIO

from app import __version__, cli_entities, cli_events, cli_export
from app.core.errors import ThreadlineError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.handler(args))
    except ThreadlineError as exc:
        print(f"threadline: {exc.message}", file=sys.stderr)
        if getattr(args, "json", False):  # a script reading stdout gets the reason too
            _print_json({"error": exc.message})
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("threadline: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (| head): nothing more to say, and nowhere to say it
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except OSError as exc:  # a file named on the command line that cannot be read or written
        where = f": {exc.filename}" if exc.filename else ""
        print(f"threadline: {(exc.strerror or str(exc)).lower()}{where}", file=sys.stderr)
        return EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="threadline", description="Evidence-linked timelines from multilingual sources."
    )
    parser.add_argument("--version", action="version", version=f"threadline {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    new = commands.add_parser("new", help="create a new case file")
    new.add_argument("case", type=Path, metavar="CASE")
    new.add_argument("--title", help="case title (default: the file name)")
    new.add_argument("--investigator", default="", metavar="NAME")
    _json_flag(new)
    new.set_defaults(handler=cmd_new)

    imp = commands.add_parser("import", help="import files and folders (recursively) into a case")
    imp.add_argument("case", type=Path, metavar="CASE")
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    imp.add_argument(
        "--published",
        metavar="DATE",
        help="published date for every imported file (2023-07-31, 31 July 2023, July 2023, EDTF)",
    )
    imp.add_argument(
        "--max-size", type=_positive_int, metavar="MB", help="size limit per file in MB (default 250)"
    )
    imp.add_argument(
        "--workers", type=_positive_int, metavar="N", help="extraction processes (default: up to 2)"
    )
    _json_flag(imp)
    imp.set_defaults(handler=cmd_import)

    sources = commands.add_parser("sources", help="list the sources of a case")
    sources.add_argument("case", type=Path, metavar="CASE")
    _json_flag(sources)
    sources.set_defaults(handler=cmd_sources)

    show = commands.add_parser("show", help="print a source's stored text (or its metadata with --json)")
    show.add_argument("case", type=Path, metavar="CASE")
    show.add_argument("source_id", type=int, metavar="SOURCE_ID")
    _json_flag(show)
    show.set_defaults(handler=cmd_show)

    search = commands.add_parser("search", help="full-text search across the sources of a case")
    search.add_argument("case", type=Path, metavar="CASE")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--limit", type=int, default=20, metavar="N")
    _json_flag(search)
    search.set_defaults(handler=cmd_search)

    verify = commands.add_parser("verify", help="re-hash every original and check the case file's integrity")
    verify.add_argument("case", type=Path, metavar="CASE")
    _json_flag(verify)
    verify.set_defaults(handler=cmd_verify)

    cli_entities.register(commands)
    cli_events.register(commands)
    cli_export.register(commands)

    gui = commands.add_parser("gui", help="open the desktop application")
    gui.add_argument("case", nargs="?", metavar="CASE", help="a case file, or an event link (threadline://…)")
    gui.add_argument(
        "--open", dest="link", metavar="LINK", help="show the event of a link made with Copy Event Link"
    )
    gui.set_defaults(handler=cmd_gui)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


# -- commands ----------------------------------------------------------------------------------------------


CASE_SUFFIX = ".threadline"


def cmd_new(args: argparse.Namespace) -> int:
    from app.core.errors import CaseFileError
    from app.store import CaseStore

    path: Path = args.case if args.case.suffix else args.case.with_name(args.case.name + CASE_SUFFIX)
    if not path.parent.is_dir():
        raise CaseFileError(f"There is no folder {path.parent}; create it first, or choose another place.")
    title = args.title or path.stem
    with CaseStore.create(path, title=title, investigator=args.investigator) as store:
        info = store.case_info()
    if args.json:
        _print_json({"case": str(path), "title": info.title, "investigator": info.investigator})
    else:
        print(f"Created case “{info.title}” at {path}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from app.core.records import ImportStatus
    from app.ingest.limits import Limits
    from app.ingest.pipeline import import_paths
    from app.store import CaseStore
    from app.store.casestore import current_user

    limits = Limits() if args.max_size is None else Limits(max_file_bytes=args.max_size * 1024 * 1024)
    published = _checked_published(args.published)
    progress = _progress_printer(sys.stderr) if sys.stderr.isatty() and not args.json else None
    with CaseStore.open(args.case) as store:
        kwargs: dict[str, Any] = {"limits": limits, "published": published, "imported_by": current_user()}
        if progress is not None:
            kwargs["progress"] = progress
        if args.workers is not None:
            kwargs["workers"] = args.workers
        outcomes = import_paths(store, args.paths, **kwargs)
    if args.json:
        _print_json([_outcome_json(outcome) for outcome in outcomes])
    else:
        _print_import_report(outcomes, sys.stdout)
    return EXIT_FAILED if any(o.status is ImportStatus.FAILED for o in outcomes) else EXIT_OK


def cmd_sources(args: argparse.Namespace) -> int:
    from app.store import CaseStore

    with CaseStore.open(args.case) as store:
        sources = store.list_sources()
    if args.json:
        _print_json([_jsonable(source) for source in sources])
        return EXIT_OK
    rows = [
        (str(s.id), s.kind.value, s.language, s.published or "", s.reliability.value, _size(s.size), s.title)
        for s in sources
    ]
    _print_table(("ID", "KIND", "LANG", "PUBLISHED", "REL", "SIZE", "TITLE"), rows)
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    from app.store import CaseStore

    with CaseStore.open(args.case) as store:
        detail = store.source(args.source_id)
        text = store.source_text(args.source_id)
    if args.json:
        _print_json({**_jsonable(detail), "text": text})
    else:
        sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from app.store import CaseStore

    if args.limit < 1:
        raise _usage_error("--limit must be at least 1")
    with CaseStore.open(args.case) as store:
        results = store.search(args.query, limit=args.limit)
    if args.json:
        _print_json(
            {
                "query": results.query,
                "total": results.total,
                "hits": [
                    {
                        "source_id": hit.source_id,
                        "title": hit.title,
                        "score": round(hit.score, 4),
                        "offsets": [[span.start, span.end] for span in hit.hits],
                        "more_offsets": hit.more_hits,
                        "title_offsets": [[span.start, span.end] for span in hit.title_hits],
                        "snippet": hit.snippet.text,
                        "snippet_start": hit.snippet.start,
                        "snippet_highlights": [[s.start, s.end] for s in hit.snippet.highlights],
                    }
                    for hit in results.hits
                ],
            }
        )
        return EXIT_OK
    shown = f", the best {len(results.hits)} shown" if len(results.hits) < results.total else ""
    print(f"{results.total} source(s) match “{results.query}”{shown}" + (":" if results.hits else "."))
    for hit in results.hits:
        print(f"#{hit.source_id} {hit.title}  ({_hit_count(hit)})")
        print(f"    {_marked_snippet(hit.snippet)}")
    return EXIT_OK


def _hit_count(hit: Any) -> str:
    if not hit.hits:
        return "in the title only" if hit.title_hits else "0 hits"
    count = f"{len(hit.hits)}{'+' if hit.more_hits else ''} hit{'s' if len(hit.hits) > 1 else ''}"
    return f"{count}, first @{hit.hits[0].start}"


def cmd_verify(args: argparse.Namespace) -> int:
    from app.store import CaseStore

    with CaseStore.open(args.case) as store:
        report = store.verify()
    if args.json:
        _print_json(
            {
                "ok": report.ok,
                "sources_checked": report.sources_checked,
                "problems": [{"what": p.what, "detail": p.detail} for p in report.problems],
                "not_checked": list(report.not_checked),
            }
        )
    else:
        if report.ok:
            print(f"OK: {report.sources_checked} original(s) match their SHA-256; integrity checks passed.")
        else:
            print(f"{len(report.problems)} problem(s) in {args.case}:")
            for problem in report.problems:
                print(f"  [{problem.what}] {problem.detail}")
        for note in report.not_checked:
            print(f"  Not checked: {note}.")
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_gui(args: argparse.Namespace) -> int:
    """``threadline gui [CASE] [--open LINK]``; ``threadline gui LINK`` finds the link's case itself."""
    from app.core.event_records import LINK_SCHEME, parse_link

    case: str | None = args.case
    link: str | None = args.link
    if case is not None and case.strip().startswith(f"{LINK_SCHEME}:"):
        if link is not None:
            raise _usage_error("Give one event link: either in place of the case or after --open.")
        case, link = None, case
    if link is not None and parse_link(link) is None:
        raise _usage_error(
            f"“{link}” is not a link to an event (they look like threadline://case/NAME/event/ID)."
        )
    from app.ui.application import run_gui

    return run_gui(Path(case) if case is not None else None, link)


# -- presentation helpers ---------------------------------------------------------------------------


class _UsageError(ThreadlineError):
    pass


def _usage_error(message: str) -> ThreadlineError:
    return _UsageError(message)


def _checked_published(value: str | None) -> str | None:
    """``--published`` read as the date field and ``event add --date`` read dates ("31 July 2023",
    "2023-07-31", "July 2023", "31 ביולי 2023"); an ambiguous form says how it was taken, on stderr."""
    if value is None:
        return None
    from app.core.dates import read_user_input

    typed = read_user_input(value)
    if typed.note:
        print(f"--published “{value}” read as {typed.value.to_edtf()} ({typed.note}).", file=sys.stderr)
    return typed.value.to_edtf()


def _progress_printer(stream: TextIO) -> Callable[[Any], None]:
    def show(update: Any) -> None:
        stream.write(f"\r[{update.done}/{update.total}] {str(update.current)[-60:]:<60}")
        if update.done >= update.total:
            stream.write("\n")
        stream.flush()

    return show


def _outcome_json(outcome: Any) -> dict[str, Any]:
    data = {
        "path": outcome.path,
        "status": outcome.status.value,
        "source_id": outcome.source_id,
        "reason": outcome.reason,
    }
    if outcome.parent_path:
        data["parent_path"] = outcome.parent_path
    return data


def _print_import_report(outcomes: Sequence[Any], stream: TextIO) -> None:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status.value] = counts.get(outcome.status.value, 0) + 1
        source = f"#{outcome.source_id}" if outcome.source_id is not None else "-"
        reason = f"  {outcome.reason}" if outcome.reason else ""
        stream.write(f"{outcome.status.value:<9} {source:>6}  {outcome.path}{reason}\n")
    summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
    stream.write(f"{summary or 'nothing to import'}\n")


def _marked_snippet(snippet: Any) -> str:
    text, pieces, cursor = snippet.text, [], 0
    for span in snippet.highlights:
        pieces += [text[cursor : span.start], "[", text[span.start : span.end], "]"]
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces).replace("\n", " ")


def _print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max([len(header[i])] + [len(row[i]) for row in rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]))


def _size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {key: _jsonable(item) for key, item in asdict(value).items()}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    sys.exit(main())
