"""How events read on screen: dates at their own precision in the display time zone, confidence, stance
and credibility in words, the sentence around a date, and event links.

**Dates** are shown as the sources gave them (``app.core.dates.display``: "July 2023", "c. 2019"). A value
with a time *and* a known UTC offset is an instant, so it is shown in the display time zone ("31 July 2023,
11:05 (UTC)" for ``2023-07-31T14:05+03:00`` in UTC); a date without a time, or a time whose zone the source
did not give, is not moved - no zone can be honestly applied to it. The stored value never changes.

**Event links** are ``threadline://case/<case file name>/event/<id>``, the file name percent-encoded
(``threadline://case/Demo%20case.threadline/event/12``). A link names the case by its file name only, so it
still works when the case folder moves or the link is opened on a colleague's copy; opening one in another
case is refused with a message naming the case it is for.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QCoreApplication, QTimeZone

from app.core.dates import DatePoint, Precision, UncertainDate, display, parse
from app.core.errors import InvalidValue
from app.core.event_records import CREDIBILITY_MEANING
from app.core.records import Confidence, Stance


def tr(text: str, context: str = "Events") -> str:
    return QCoreApplication.translate(context, text)


# --- words -------------------------------------------------------------------------------------------

_FSI, _PDI = "\u2068", "\u2069"  # first-strong isolate and its end


def isolate(text: str) -> str:
    """``text`` in a bidi isolate if it holds right-to-left letters, so a Hebrew title quoted in an English
    sentence keeps its own order ("2 באוגוסט 2023", not "2023 באוגוסט 2") and leaves the sentence's alone."""
    if any(unicodedata.bidirectional(char) in ("R", "AL") for char in text):
        return f"{_FSI}{text}{_PDI}"
    return text


def confidence_label(level: Confidence) -> str:
    return {
        Confidence.CONFIRMED: tr("confirmed"),
        Confidence.PROBABLE: tr("probable"),
        Confidence.POSSIBLE: tr("possible"),
        Confidence.DOUBTFUL: tr("doubtful"),
        Confidence.UNKNOWN: tr("unknown"),
    }[level]


def stance_label(stance: Stance) -> str:
    return {
        Stance.SUPPORTS: tr("supports"),
        Stance.CONTRADICTS: tr("contradicts"),
        Stance.CONTEXT: tr("context"),
    }[stance]


def credibility_label(grade: int) -> str:
    meanings = {
        1: tr("confirmed by other sources"),
        2: tr("probably true"),
        3: tr("possibly true"),
        4: tr("doubtful"),
        5: tr("improbable"),
        6: tr("truth cannot be judged"),
    }
    assert set(meanings) == set(CREDIBILITY_MEANING)
    return f"{grade} — {meanings[grade]}"


# --- zones -------------------------------------------------------------------------------------------


def resolve_timezone(name: str | None) -> tzinfo:
    """A zone from an IANA name, "UTC", or None/"local" for the computer's own (as the timeline reads
    them: ``app.ui.timeline.text.resolve_timezone``, kept apart so the window need not load the timeline)."""
    if name is None or name == "local":
        name = bytes(QTimeZone.systemTimeZoneId().data()).decode() or "UTC"
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


# --- dates -------------------------------------------------------------------------------------------


def in_zone(point: DatePoint, tz: tzinfo) -> DatePoint:
    """The same instant as wall-clock time of ``tz``, at the same precision; floating points stay."""
    if point.hour is None or point.tz_offset_minutes is None:
        return point
    assert point.month is not None and point.day is not None
    wall = datetime(
        point.year,
        point.month,
        point.day,
        point.hour,
        point.minute or 0,
        point.second or 0,
        tzinfo=UTC,
    ) - timedelta(minutes=point.tz_offset_minutes)
    local = wall.astimezone(tz)
    offset = local.utcoffset() or timedelta(0)
    return DatePoint(
        local.year,
        local.month,
        local.day,
        local.hour,
        local.minute if point.precision >= Precision.MINUTE else None,
        local.second if point.precision >= Precision.SECOND else None,
        int(offset.total_seconds() // 60),
        approximate=point.approximate,
        uncertain=point.uncertain,
    )


def value_in_zone(value: UncertainDate, tz: tzinfo) -> UncertainDate:
    start = in_zone(value.start, tz) if isinstance(value.start, DatePoint) else value.start
    if value.end is None:
        return UncertainDate(start)
    end = in_zone(value.end, tz) if isinstance(value.end, DatePoint) else value.end
    return UncertainDate(start, end)


def event_date_text(
    start_edtf: str | None, end_edtf: str | None, tz: tzinfo = UTC, language: str = "en"
) -> str:
    """An event's date for a list: "31 July 2023", "31 July 2023 – 2 August 2023", "" when undated."""
    if not start_edtf:
        return ""
    try:
        start = display(value_in_zone(parse(start_edtf), tz), language)
        if not end_edtf:
            return start
        end = display(value_in_zone(parse(end_edtf), tz), language)
    except (InvalidValue, ValueError, OverflowError):  # a form another program wrote: show it as stored
        return f"{start_edtf} – {end_edtf}" if end_edtf else start_edtf
    return f"{start} – {end}"


# --- text around a date ------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?؟۔׃…](?=[\s\"'”’»)\]]|$)")
_PARAGRAPH_END = re.compile(r"\n\s*\n")
_MAX_SENTENCE = 600


def hard_wrapped(text: str) -> bool:
    """Whether the text's lines are wrapped at a width (an e-mail, a plain-text file) rather than one
    paragraph per line (a web page): paragraphs apart by blank lines, and most lines of about one length."""
    if "\n\n" not in text:
        return False
    lengths = [len(line) for line in text.split("\n") if line.strip()]
    return bool(lengths) and sum(40 <= length <= 120 for length in lengths) >= 0.6 * len(lengths)


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence holding ``text[start:end]``, trimmed of spaces.

    A sentence ends at a full stop (or ! ? ؟ …) followed by a space or a quote mark - so "31.07.2023" and
    "Il-62M" do not end one - and at the end of a paragraph: a line break, or in hard-wrapped text a blank
    line. A sentence longer than ``_MAX_SENTENCE`` characters is cut around the date.
    """
    ends = _PARAGRAPH_END if hard_wrapped(text) else re.compile(r"\n")
    low, high = max(0, start - _MAX_SENTENCE), min(len(text), end + _MAX_SENTENCE)
    first = low
    for pattern in (_SENTENCE_END, ends):
        for match in pattern.finditer(text, low, start):
            first = max(first, match.end())
    last = high
    for pattern, keep in ((_SENTENCE_END, True), (ends, False)):
        found = pattern.search(text, end, high)
        if found is not None:
            last = min(last, found.end() if keep else found.start())
    while first < start and text[first].isspace():
        first += 1
    while last > end and text[last - 1].isspace():
        last -= 1
    return first, max(last, end)


# --- links -------------------------------------------------------------------------------------------
