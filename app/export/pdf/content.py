"""The report's text: cover, chronology entries, source entries and the entity index, as ``TextFlow``\\ s.

A line that a reader (or a test) must find as a whole, such as a citation ``[3]`` or a hash, is kept free
of right-to-left text, so its order survives any PDF reader's reordering; titles and quotes in Hebrew or
Arabic get paragraphs of their own, set in their own direction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import cache

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QTextCharFormat

from app.core.dates import display, parse
from app.core.errors import InvalidValue
from app.core.event_records import CREDIBILITY_MEANING, EventDetail, EvidenceRecord
from app.core.records import Reliability, SourceDetail, Stance
from app.export.common import zone_named
from app.export.pdf.flow import (
    ACCENT,
    ALERT,
    MUTED,
    DocWriter,
    Isolated,
    TextFlow,
    block_format,
    cell_paragraph,
    char_format,
)
from app.export.pdf.fonts import Face
from app.export.report import ChronologyEntry, IndexEntry, Report, SourceEntry

RELIABILITY_MEANING = {
    Reliability.A: "completely reliable",
    Reliability.B: "usually reliable",
    Reliability.C: "fairly reliable",
    Reliability.D: "not usually reliable",
    Reliability.E: "unreliable",
    Reliability.F: "reliability cannot be judged",
}
_STANCE_RULE = {Stance.SUPPORTS: ACCENT, Stance.CONTRADICTS: ALERT, Stance.CONTEXT: QColor("#b5b5b5")}


def tr(text: str) -> str:
    return QCoreApplication.translate("Report", text)


def when(moment: datetime, zone: tzinfo = UTC) -> str:
    """A stored instant as the report prints it, to the minute, with its zone: "2023-08-01 14:05 UTC" or
    "2023-08-01 17:05 UTC+03:00"."""
    local = moment.astimezone(zone)
    if zone is UTC:
        return local.strftime("%Y-%m-%d %H:%M UTC")
    offset = local.strftime("%z")
    return local.strftime("%Y-%m-%d %H:%M ") + f"UTC{offset[:3]}:{offset[3:]}"


def counted(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def published_text(edtf: str | None) -> str:
    if not edtf:
        return ""
    try:
        return f"{display(parse(edtf))} ({edtf})"
    except InvalidValue:
        return edtf


def size_text(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit} ({size:,} bytes)"
        value /= 1024
    return f"{size:,} bytes"


def listed(items: Sequence[str], separator: str, fmt: QTextCharFormat) -> list[tuple[str, QTextCharFormat]]:
    """Runs of ``items`` (each ``Isolated``, so names in different scripts keep their order) between
    separators."""
    runs: list[tuple[str, QTextCharFormat]] = []
    for number, item in enumerate(items):
        if number:
            runs.append((separator, fmt))
        runs.append((item, fmt))
    return runs


# --- styles ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    """Character formats of the report (made on first use: fonts need the application)."""

    title: QTextCharFormat
    section: QTextCharFormat
    entry_head: QTextCharFormat
    entry_title: QTextCharFormat
    meta: QTextCharFormat
    meta_bold: QTextCharFormat
    flag: QTextCharFormat
    body: QTextCharFormat
    small: QTextCharFormat
    quote: QTextCharFormat
    cite: QTextCharFormat
    label: QTextCharFormat
    value: QTextCharFormat
    hash: QTextCharFormat
    note: QTextCharFormat


@cache
def styles() -> Styles:
    return Styles(
        title=char_format(Face.SANS, 24, bold=True),
        section=char_format(Face.SANS, 16, bold=True),
        entry_head=char_format(Face.SANS, 9.5, bold=True, colour=ACCENT),
        entry_title=char_format(Face.SANS, 11, bold=True),
        meta=char_format(Face.SANS, 8.5, colour=MUTED),
        meta_bold=char_format(Face.SANS, 8.5, bold=True, colour=MUTED),
        flag=char_format(Face.SANS, 8.5, bold=True, colour=ALERT),
        body=char_format(Face.SERIF, 10),
        small=char_format(Face.SERIF, 9),
        quote=char_format(Face.SERIF, 10),
        cite=char_format(Face.SANS, 8.5, bold=True, colour=ACCENT),
        label=char_format(Face.SANS, 8.5, bold=True, colour=MUTED),
        value=char_format(Face.SERIF, 9),
        hash=char_format(Face.MONO, 8.3),
        note=char_format(Face.SERIF, 9, italic=True, colour=MUTED),
    )


# --- cover ---------------------------------------------------------------------------------------------


def cover_flow(
    report: Report, width: float, contents: Sequence[tuple[str, int | None]], page_count: int | None
) -> TextFlow:
    """The cover: title, investigator, date, marking, summary note, what the report covers, contents."""
    st = styles()
    doc = DocWriter(width)
    case = report.case
    ltr = block_format(ltr=True, below=2)
    doc.paragraph(block_format(below=6), (tr("Timeline report"), char_format(Face.SANS, 11, colour=MUTED)))
    doc.paragraph(block_format(below=14), (case.title, st.title))
    if report.options.marking.strip():
        doc.paragraph(
            block_format(below=12),
            (report.options.marking.strip(), char_format(Face.SANS, 13, bold=True, colour=ALERT)),
        )
    zone = zone_named(report.options.time_zone)
    rows = [
        (tr("Investigator"), case.investigator or tr("not recorded")),
        (tr("Generated"), when(report.generated_at, zone)),
        (tr("Case opened"), when(case.created_at, zone)),
        (tr("Case file schema"), case.schema_revision),
    ]
    for label, value in rows:
        doc.paragraph(ltr, (f"{label}: ", st.label), (value, st.value))
    doc.paragraph(
        block_format(above=12, below=4),
        (tr("What this report covers"), char_format(Face.SANS, 11, bold=True)),
    )
    dated = sum(1 for entry in report.entries if not entry.undated)
    counts = tr(
        "{shown} of the case's {total}, {dated} dated; {quotes} from {sources}; {entities} taking part."
    ).format(
        shown=len(report.entries),
        total=counted(report.total_events, tr("event"), tr("events")),
        dated=dated,
        quotes=counted(report.quote_count, tr("quote"), tr("quotes")),
        sources=counted(len(report.sources), tr("source"), tr("sources")),
        entities=counted(len(report.index), tr("entity"), tr("entities")),
    )
    doc.paragraph(block_format(below=3), (counts, st.body))
    for line in report.filter_summary or (tr("All events of the case (no filter)."),):
        doc.paragraph(block_format(indent=10, below=1), ("• " + line, st.body))
    doc.paragraph(
        block_format(above=4, below=2),
        (
            tr(
                "Dates are given exactly as precisely as they are known: “c.” marks an approximate date, "
                "“?” an uncertain one, and a range says the event lies somewhere within it. Times without a "
                "zone are the local time the source gave. Entries follow the earliest possible time of each "
                "event; where the dates of neighbouring entries overlap, the entry says that their order is "
                "not established. Every quote cites its source as [n], listed under Sources with the "
                "SHA-256 of the original file."
            ),
            st.small,
        ),
    )
    if case.notes.strip():
        doc.paragraph(
            block_format(above=10, below=4), (tr("Case summary"), char_format(Face.SANS, 11, bold=True))
        )
        doc.markdown(case.notes, block_format(below=3), st.body)
    if contents:
        doc.paragraph(
            block_format(above=12, below=4), (tr("Contents"), char_format(Face.SANS, 11, bold=True))
        )
        for title, page in contents:
            where = "" if page is None else tr("page {page}").format(page=page)
            doc.paragraph(
                block_format(ltr=True, below=1, indent=10),
                (title, st.body),
                ("  ·  " + where if where else "", st.meta),
            )
        if page_count is not None:
            doc.paragraph(
                block_format(ltr=True, above=3),
                (tr("{pages} pages in all.").format(pages=page_count), st.meta),
            )
    return doc.flow()


def section_flow(title: str, lines: Sequence[str], width: float) -> TextFlow:
    st = styles()
    doc = DocWriter(width)
    doc.paragraph(block_format(below=6), (title, st.section))
    for line in lines:
        doc.paragraph(block_format(below=3), (line, st.small))
    return doc.flow()


# --- chronology ------------------------------------------------------------------------------------------


def confidence_text(event: EventDetail) -> str:
    text = tr("confidence: {level}").format(level=event.confidence.value)
    if event.confidence_overridden and event.suggested_confidence != event.confidence:
        text += tr(" (set by the investigator; the evidence suggests {level})").format(
            level=event.suggested_confidence.value
        )
    elif event.confidence_overridden:
        text += tr(" (set by the investigator)")
    return text


def entry_flow(
    entry: ChronologyEntry,
    width: float,
    *,
    include_notes: bool,
    previous: int | None,
    zone: tzinfo = UTC,
) -> TextFlow:
    """One chronology entry; ``zone`` is the display time zone of the notes' stamps (as of the cover's)."""
    st = styles()
    event = entry.event
    doc = DocWriter(width)
    head = [(f"{entry.number}.  ", st.entry_head), (entry.date_text, st.entry_head)]
    doc.paragraph(block_format(ltr=True, below=1), *head)
    doc.paragraph(block_format(below=2), (event.title, st.entry_title))
    meta = [(confidence_text(event), st.meta)]
    if event.category:
        meta.append(("  ·  " + tr("category: {name}").format(name=event.category), st.meta))
    meta.append(("  ·  " + tr("event #{id}").format(id=event.id), st.meta))
    if event.disputed:
        meta.append(("  ·  " + tr("DISPUTED: a source contradicts it"), st.flag))
    doc.paragraph(block_format(ltr=True, below=2), *meta)
    if entry.overlaps_previous and previous is not None:
        overlap = tr("Its dates overlap those of entry {n}: which came first is not established.")
        overlap = overlap.format(n=previous)
        doc.paragraph(block_format(ltr=True, below=2), (overlap, st.note))
    if entry.ordered_by_hand:
        doc.paragraph(
            block_format(ltr=True, below=2), (tr("Placed within its day by the investigator."), st.note)
        )
    if event.description.strip():
        doc.markdown(event.description, block_format(below=2), st.body)
    if event.participants:
        names = [Isolated(p.name + (f" ({p.role})" if p.role else "")) for p in event.participants]
        doc.paragraph(block_format(below=1), (tr("Taking part: "), st.label), *listed(names, "; ", st.value))
    if event.tags:
        tags = [Isolated(tag.name) for tag in event.tags]
        doc.paragraph(block_format(below=1), (tr("Tags: "), st.label), *listed(tags, ", ", st.value))
    for quote in entry.quotes:
        _quote(doc, quote.evidence, quote.source_number, quote.locator)
    if not entry.quotes:
        doc.paragraph(block_format(ltr=True, above=2), (tr("No evidence is linked to this event."), st.note))
    if include_notes and event.notes:
        doc.paragraph(block_format(ltr=True, above=3, below=1), (tr("Notes"), st.label))
        for note in event.notes:
            doc.markdown(note.body, block_format(indent=10, below=1), st.small)
            byline = f"— {note.author}, {when(note.updated_at, zone)}"
            doc.paragraph(block_format(ltr=True, indent=10, below=2), (byline, st.meta))
    return doc.flow()


def _quote(doc: DocWriter, evidence: EvidenceRecord, number: int, locator: str) -> None:
    """The quote in a box ruled in its stance's colour, then its citation line (kept free of
    right-to-left text, so ``[n]`` reads the same in any extractor), the source's title and the note."""
    st = styles()
    cell = doc.quote_box(_STANCE_RULE[evidence.stance])
    cell_paragraph(cell, True, block_format(below=1), (evidence.quote, st.quote))
    grade = f"{evidence.grade} ({RELIABILITY_MEANING[evidence.source_reliability]}; "
    grade += f"{CREDIBILITY_MEANING[evidence.credibility]})"
    cite = [(f"[{number}]", st.cite), (f"  {locator}  ·  {evidence.stance.value}  ·  {grade}", st.meta)]
    cell_paragraph(cell, False, block_format(ltr=True), *cite)
    cell_paragraph(cell, False, block_format(), (evidence.source_title, st.meta_bold))
    if evidence.note.strip():
        cell_paragraph(cell, False, block_format(), (evidence.note, st.note))


# --- sources ---------------------------------------------------------------------------------------------


def source_flow(entry: SourceEntry, width: float, zone: tzinfo = UTC) -> TextFlow:
    """One entry of the list of sources; ``zone``: the display time zone of the import stamp."""
    st = styles()
    source: SourceDetail = entry.source
    doc = DocWriter(width)
    cited = ", ".join(str(number) for number in entry.cited_in)
    quotes = tr("{count} quote(s)").format(count=entry.quotes)
    doc.paragraph(
        block_format(ltr=True, below=1),
        (f"[{entry.number}]", char_format(Face.SANS, 10, bold=True, colour=ACCENT)),
        (
            "  "
            + tr("source #{id} · cited in entries {entries} · {quotes}").format(
                id=source.id, entries=cited, quotes=quotes
            ),
            st.meta,
        ),
    )
    doc.paragraph(block_format(below=2), (source.title, char_format(Face.SANS, 10, bold=True)))
    fields: list[tuple[str, str]] = [
        (tr("Publisher"), source.publisher or ""),
        (tr("Author"), source.author or ""),
        (tr("URL"), source.url or ""),
        (tr("Published"), published_text(source.published)),
        (
            tr("Imported"),
            f"{when(source.imported_at, zone)} " + tr("by {who}").format(who=source.imported_by),
        ),
        (
            tr("Original file"),
            f"{source.original_filename or tr('(none: typed or pasted)')} — {source.media_type}, "
            f"{size_text(source.size)}",
        ),
        (tr("Language"), source.language),
        (tr("Reliability"), f"{source.reliability.value} — {RELIABILITY_MEANING[source.reliability]}"),
    ]
    if source.parent_id is not None:
        fields.append((tr("Attached to"), tr("source #{id}").format(id=source.parent_id)))
    for label, value in fields:
        if value:  # isolated: a value in Hebrew or Arabic must not take the label's colon into its run
            doc.paragraph(
                block_format(ltr=True, below=0.5), (f"{label}: ", st.label), (Isolated(value), st.value)
            )
    doc.paragraph(
        block_format(ltr=True, keep_line=True, above=1),
        (tr("SHA-256") + ": ", st.label),
        (source.sha256, st.hash),
    )
    return doc.flow()


# --- entity index ----------------------------------------------------------------------------------------


def index_flows(
    items: Sequence[IndexEntry], pages: Mapping[int, int], width: float, chunk: int = 40
) -> list[TextFlow]:
    """The index in flows of ``chunk`` entities; ``pages`` maps entry numbers to the page they start on."""
    st = styles()
    flows: list[TextFlow] = []
    for start in range(0, len(items), chunk):
        doc = DocWriter(width)
        for item in items[start : start + chunk]:
            refs = ", ".join(
                f"{number} (p. {pages[number]})" if number in pages else str(number)
                for number in item.entries
            )
            roles = f" — {', '.join(item.roles)}" if item.roles else ""
            doc.paragraph(
                block_format(ltr=True, below=2),
                (Isolated(item.name), char_format(Face.SERIF, 10, bold=True)),
                (f"  ({item.type_label}){roles}", st.meta),
            )
            doc.paragraph(block_format(ltr=True, indent=12, below=3), (tr("entries ") + refs, st.value))
        flows.append(doc.flow())
    return flows
