"""The chosen events as a TimelineJS 3 JSON file (Knight Lab's storytelling timeline).

Dates go into TimelineJS's ``year``/``month``/``day``/``hour``/``minute``/``second`` fields only as far as
they are known: "July 2023" has no ``day``, "2019" no ``month``. What those fields cannot say is kept in
two ways: ``display_date`` is the date as the report writes it ("c. 2019", "December 2019 or earlier",
"1 August 2023, 14:05 (UTC+9)"), and a value that is a span - a season, a range start, an event that lasts -
gets an ``end_date``, so TimelineJS draws the span instead of inventing a day. Times are the wall clock the
source gave (TimelineJS has no time zones; the zone is in ``display_date``). An open start ("before 2019")
starts at its known end. Undated events cannot be placed and are left out (counted in the result).

Each slide's text is HTML made from the description (Markdown, raw HTML off), the participants and every
quote with its citation ``[n]``, followed by the sources it cites, numbered as in the PDF report (in order
of first citation over the chosen events). Groups are the report's lanes (an event in several lanes,
under entity or tag lanes, goes in the first). Bidi embedding, override and isolate controls in the text
are shown as markers ("⟦RLO⟧"), as in the PDF; the CSV, Timesketch and JSON exports keep the text exact.
"""

from __future__ import annotations

import json
from html import escape as html_escape
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from app.core.dates import DatePoint, UncertainDate
from app.core.event_records import LaneGrouping
from app.core.progress import CancelToken, ProgressSink, ignore_progress
from app.core.textnorm import reveal_bidi_controls
from app.export.common import ExportResult, replaced_atomically
from app.export.report import ChronologyEntry, Report, ReportOptions, ReportPart, SourceEntry, load_report
from app.store import CaseStore

_MARKDOWN = MarkdownIt("commonmark", {"html": False})


def escape(text: str, quote: bool = True) -> str:
    """Text for the slides' HTML, its bidi controls revealed ("⟦RLO⟧"): TimelineJS is for reading, and an
    override would show other characters than those stored (the PDF report does the same)."""
    return html_escape(reveal_bidi_controls(text), quote=quote)


def date_fields(point: DatePoint, display: str | None = None) -> dict[str, Any]:
    """A TimelineJS date of ``point``, with the parts it has and no others (a season: its first month)."""
    fields: dict[str, Any] = {"year": point.year}
    if point.season is not None:
        fields["month"] = {21: 3, 22: 6, 23: 9, 24: 12}[point.season]
    for name in ("month", "day", "hour", "minute", "second"):
        value = getattr(point, name)
        if value is not None:
            fields[name] = value
    if display:
        fields["display_date"] = display
    return fields


def _season_end(point: DatePoint) -> dict[str, Any] | None:
    if point.season is None:
        return None
    last = {21: 5, 22: 8, 23: 11, 24: 14}[point.season]
    return {"year": point.year + (last - 1) // 12, "month": (last - 1) % 12 + 1}


def _ends(value: UncertainDate) -> tuple[DatePoint | None, DatePoint | None]:
    points = [end if isinstance(end, DatePoint) else None for end in (value.start, value.end or value.start)]
    return points[0], points[1]


def slide_dates(entry: ChronologyEntry) -> dict[str, Any] | None:
    event = entry.event
    if event.start is None:
        return None
    first, last = _ends(event.start)
    if event.end is not None:
        last = _ends(event.end)[1] or _ends(event.end)[0]
    start = first or last
    assert start is not None
    dates: dict[str, Any] = {"start_date": date_fields(start), "display_date": entry.date_text}
    end_fields = None
    if last is not None and last != start:
        end_fields = _season_end(last) or date_fields(last)
    elif start.season is not None:
        end_fields = _season_end(start)
    if end_fields is not None:
        dates["end_date"] = end_fields
    return dates


def slide_text(entry: ChronologyEntry, sources: dict[int, SourceEntry]) -> str:
    event = entry.event
    parts: list[str] = []
    if event.description.strip():
        parts.append(_MARKDOWN.render(reveal_bidi_controls(event.description)))
    meta = [f"Confidence: {escape(event.confidence.value)}"]
    if event.disputed:
        meta.append("<strong>disputed</strong>: a source contradicts it")
    if event.participants:
        names = "; ".join(escape(p.name + (f" ({p.role})" if p.role else "")) for p in event.participants)
        meta.append(f"Taking part: {names}")
    parts.append("<p>" + "<br>".join(meta) + "</p>")
    cited: list[int] = []
    for quote in entry.quotes:
        evidence = quote.evidence
        parts.append(f'<blockquote dir="auto">{escape(evidence.quote)}</blockquote>')
        parts.append(
            f"<p>[{quote.source_number}] {escape(quote.locator)} · {escape(evidence.stance.value)} · "
            f"{escape(evidence.grade)}</p>"
        )
        if quote.source_number not in cited:
            cited.append(quote.source_number)
    if cited:
        items = "".join(f"<li>{_source_html(sources[number])}</li>" for number in cited)
        parts.append(f"<p>Sources:</p><ul>{items}</ul>")
    return "".join(parts)


def _source_html(entry: SourceEntry) -> str:
    source = entry.source
    bits = [f'[{entry.number}] <span dir="auto">{escape(source.title)}</span>']
    for value in (source.publisher, source.author, source.published):
        if value:
            bits.append(f'<span dir="auto">{escape(value)}</span>')
    if source.url:
        bits.append(f'<a href="{escape(source.url, quote=True)}">{escape(source.url)}</a>')
    bits.append(f"reliability {source.reliability.value}")
    bits.append(f"SHA-256 {source.sha256}")
    return ", ".join(bits)


def timeline_json(report: Report) -> tuple[dict[str, Any], int]:
    """The TimelineJS document of ``report`` and how many undated events it had to leave out."""
    sources = {entry.number: entry for entry in report.sources}
    groups = _groups(report)
    events: list[dict[str, Any]] = []
    skipped = 0
    for entry in report.entries:
        dates = slide_dates(entry)
        if dates is None:
            skipped += 1
            continue
        slide: dict[str, Any] = {
            **dates,
            "text": {"headline": escape(entry.event.title), "text": slide_text(entry, sources)},
            "unique_id": f"event-{entry.event.id}",
        }
        if entry.event.id in groups:
            slide["group"] = groups[entry.event.id]
        events.append(slide)
    case = report.case
    intro = [f"<p>{escape(line)}</p>" for line in report.filter_summary]
    if case.notes.strip():
        intro.insert(0, _MARKDOWN.render(reveal_bidi_controls(case.notes)))
    intro.append(
        f"<p>{len(report.entries)} of {report.total_events} events; generated "
        f"{report.generated_at.strftime('%Y-%m-%d %H:%M UTC')} by Threadline"
        + (f"; {escape(report.options.marking)}" if report.options.marking else "")
        + "</p>"
    )
    title = {"text": {"headline": escape(case.title), "text": "".join(intro)}}
    return {"title": title, "events": events, "scale": "human"}, skipped


def _groups(report: Report) -> dict[int, str]:
    rows = report.timeline
    if rows is None or rows.grouping is LaneGrouping.NONE:
        return {}
    labels = dict(rows.lane_labels)
    return {
        event_id: labels.get(keys[0], str(keys[0]))
        for event_id, keys in zip(rows.ids, rows.lane_keys, strict=True)
        if keys
    }


def export_timelinejs(
    store: CaseStore,
    path: Path | str,
    options: ReportOptions = ReportOptions(),  # noqa: B008 - frozen
    *,
    progress: ProgressSink = ignore_progress,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Write the events ``options`` choose; ``options.lanes`` gives the groups."""
    wanted = ReportOptions(
        filters=options.filters,
        parts=frozenset({ReportPart.CHRONOLOGY, ReportPart.SOURCES})
        | (frozenset({ReportPart.CHART}) if options.lanes is not LaneGrouping.NONE else frozenset()),
        marking=options.marking,
        lanes=options.lanes,
        locale=options.locale,
    )
    report = load_report(store, wanted, progress=progress, cancel=cancel)
    document, skipped = timeline_json(report)
    with replaced_atomically(path, "w", encoding="utf-8") as stream:
        json.dump(document, stream, ensure_ascii=False, indent=1)
        stream.write("\n")
    return ExportResult(Path(path), len(document["events"]), skipped, Path(path).stat().st_size)
