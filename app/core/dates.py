"""Dates as the investigator's sources give them: honest about precision, approximation and uncertainty.

The value the app works with is ``UncertainDate``; its text form is EDTF (Library of Congress Extended
Date/Time Format), which is what the case file stores. Decisions worth knowing:

**Points.** A ``DatePoint`` has a precision (year, season, month, day, hour, minute, second) and may be
approximate (EDTF ``~``, "around"), uncertain (``?``, "probably") or both (``%``). Only what the source
gave is filled in: "July 2023" has no day, and nothing in this module ever invents one.

**Values.** An ``UncertainDate`` is a single point, or an interval whose ends are points or unbounded:
``../2018`` (open: no limit) or ``/2019`` (a start that exists but is unknown). Open ends are inclusive,
as in EDTF (``../2019`` admits 2019 itself), so a word that excludes its date moves it by one unit at its
own precision (``adjacent_point``): "before 2019" is ``../2018``, "after 31 July 2023" is
``2023-08-01/..``, while "until 2019", "by 2019" and "since March 2022" keep theirs. The display says
what is stored ("2018 or earlier"), never a word that the value contradicts.

**Early, mid, late.** "early 2020", "mid-2019", "late 2021" are the first, middle and last third of the
year (``2020-01/2020-04``, ``2019-05/2019-08``, ``2021-09/2021-12``); of a month they are days 1–10,
11–20 and 21–end; of a decade years 0–3, 4–6, 7–9. "Around mid-2019" marks both ends approximate
(``2019-05~/2019-08~``). Plain intervals are level-1 EDTF that every tool reads, and the display shows
what was actually assumed ("c. May – Aug 2019") instead of hiding it behind a word. Seasons are EDTF
21–24, northern-hemisphere meteorological: spring Mar–May, summer Jun–Aug, autumn Sep–Nov, and winter
Dec–Feb *starting* in the given year (``2019-24`` is Dec 2019 – Feb 2020).

**Bounds.** ``bounds()`` gives the earliest and latest instant the value admits, in UTC, ``None`` for an
open or unknown end. Approximate values widen by a fixed margin per precision (``APPROXIMATE_MARGIN``):
a year by one year each side, a season or month by one month, a day by three days, an hour by one hour,
a minute by fifteen minutes, a second by one minute. Uncertainty (``?``) does not widen: it says the
value itself may be wrong, which no margin captures; the timeline shows it instead.

**Time zones.** A time carries its UTC offset (``Z``, ``+03:00``) or none ("local time", zone unknown); a
date without a time has none. Values without an offset are *floating*: their bounds treat the wall clock
as if it were UTC. Spreading every date over the widest offsets (−12 … +14 h) would make 30 July and
31 July overlap, so a timeline could never order two consecutive days, and sources within one case
almost always share a region; the error is smaller than a day's own width. Where it does matter – a
floating value compared with one that has an offset – ``overlaps`` and ``definitely_before`` widen the
floating ends by −14/+12 hours, so the comparison never claims an order that a time zone could undo.
The stored ``bounds_epoch`` columns use the floating reading.

**Text form.** ``to_edtf`` writes EDTF that the ``edtf`` library reads, except where EDTF itself has no
words: hour and minute precision are written as ISO 8601 reduced times (``2023-07-31T14``,
``2023-07-31T14:05+03:00``; EDTF always wants seconds, and ``14:05:00`` would claim a precision the source
did not give); an approximate or uncertain time or season keeps its qualifier (``2023-07-31T14:05~``,
``2019-22~``); and an interval may run between times (EDTF intervals are of dates only). ``parse`` reads
everything ``to_edtf`` writes, so every value round-trips exactly (a property test checks it, and checks
that the library agrees wherever EDTF can say the value).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from enum import Enum, IntEnum

from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException

from app.core.errors import InvalidValue

_DAY_FIRST = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def normalize_edtf(text: str) -> str:
    """Return the canonical EDTF form of ``text`` or raise ``InvalidValue`` saying what is accepted.

    Besides EDTF proper (``2023``, ``2023-07``, ``2023-07-31``, ``2019~``, ``2023-07-31T10:20:00+03:00``,
    intervals) a day-first ``31.07.2023`` / ``31/07/2023`` is accepted, as written in Israel and Europe,
    and so is every form ``UncertainDate.to_edtf`` writes. Impossible days (``2019-02-29``) are refused.
    """
    value = text.strip()
    day_first = _DAY_FIRST.match(value)
    if day_first:
        day, month, year = day_first.groups()
        value = f"{year}-{int(month):02d}-{int(day):02d}"
    plain = _PLAIN_ISO.fullmatch(value)
    if plain:  # the common case, without the EDTF grammar's ~10 ms parse
        return _checked_plain_iso(plain, text)
    try:
        canonical = str(parse_edtf(value))
    except (EDTFParseException, ValueError, TypeError) as exc:
        try:
            return parse(value).to_edtf()
        except InvalidValue:
            raise _unreadable(text) from exc
    for year, month, day in _ISO_DAY.findall(canonical):
        if int(month) <= 12 and not _is_calendar_day(int(year), int(month), int(day)):
            raise _unreadable(text)
    return canonical


_PLAIN_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _checked_plain_iso(match: re.Match[str], text: str) -> str:
    year, month, day = match.groups()
    if month is not None and not 1 <= int(month) <= 12:
        raise _unreadable(text)
    if day is not None and not _is_calendar_day(int(year), int(month), int(day)):
        raise _unreadable(text)
    return match.group(0)


def _unreadable(text: str) -> InvalidValue:
    return InvalidValue(
        f"“{text}” is not a date Threadline can read: use 2023, 2023-07, 2023-07-31 or another EDTF "
        "form (2019~ for “around 2019”, 2023-07-31/2023-08-02 for a range)."
    )


def _is_calendar_day(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(max(year, 1), month)[1]


# --- the model ------------------------------------------------------------------------------------


class Precision(IntEnum):
    YEAR = 1
    SEASON = 2
    MONTH = 3
    DAY = 4
    HOUR = 5
    MINUTE = 6
    SECOND = 7


SPRING, SUMMER, AUTUMN, WINTER = 21, 22, 23, 24
#: Months (first, last) of each season; winter runs into the next year's February.
_SEASON_MONTHS = {SPRING: (3, 5), SUMMER: (6, 8), AUTUMN: (9, 11), WINTER: (12, 14)}

_MIN_TZ, _MAX_TZ = -12 * 60, 14 * 60


@dataclass(frozen=True, slots=True)
class DatePoint:
    """One point in time at the precision the source gave; ``None`` fields were not given.

    ``season`` (21–24, EDTF) replaces ``month``. ``tz_offset_minutes`` is the UTC offset of a time
    (``None`` = zone unknown); a date without a time has none.
    """

    year: int
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    tz_offset_minutes: int | None = None
    season: int | None = None
    approximate: bool = False
    uncertain: bool = False

    def __post_init__(self) -> None:
        problem = _point_problem(self)
        if problem:
            raise InvalidValue(problem)

    @property
    def precision(self) -> Precision:
        if self.second is not None:
            return Precision.SECOND
        if self.minute is not None:
            return Precision.MINUTE
        if self.hour is not None:
            return Precision.HOUR
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        if self.season is not None:
            return Precision.SEASON
        return Precision.YEAR

    @property
    def floating(self) -> bool:
        """True when the value has no UTC offset (a date, or a time in an unknown zone)."""
        return self.tz_offset_minutes is None

    def qualified(self, *, approximate: bool | None = None, uncertain: bool | None = None) -> DatePoint:
        """A copy with the qualifiers changed (``None`` keeps one as it is)."""
        return DatePoint(
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.tz_offset_minutes,
            self.season,
            self.approximate if approximate is None else approximate,
            self.uncertain if uncertain is None else uncertain,
        )

    def to_edtf(self) -> str:
        text = f"{self.year:04d}"
        if self.season is not None:
            text += f"-{self.season}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        if self.hour is not None:
            text += f"T{self.hour:02d}"
            if self.minute is not None:
                text += f":{self.minute:02d}"
            if self.second is not None:
                text += f":{self.second:02d}"
            text += _offset_text(self.tz_offset_minutes)
        return text + _QUALIFIER[self.approximate, self.uncertain]


def adjacent_point(point: DatePoint, step: int) -> DatePoint:
    """The year, season, month, day, hour, minute or second ``step`` units from ``point``, at its precision
    and with its qualifiers: "before 2019" ends at 2018, "after 31 July 2023" starts on 1 August.
    ``InvalidValue`` past year 1 or 9999."""
    precision = point.precision
    if precision == Precision.YEAR:
        return replace(point, year=point.year + step)
    if precision == Precision.SEASON:
        assert point.season is not None
        index = point.year * 4 + (point.season - SPRING) + step
        return replace(point, year=index // 4, season=SPRING + index % 4)
    if precision == Precision.MONTH:
        assert point.month is not None
        index = point.year * 12 + point.month - 1 + step
        return replace(point, year=index // 12, month=index % 12 + 1)
    assert point.month is not None and point.day is not None
    unit = {
        Precision.DAY: timedelta(days=1),
        Precision.HOUR: timedelta(hours=1),
        Precision.MINUTE: timedelta(minutes=1),
        Precision.SECOND: timedelta(seconds=1),
    }[precision]
    try:
        moved = (
            datetime(
                point.year, point.month, point.day, point.hour or 0, point.minute or 0, point.second or 0
            )
            + step * unit
        )
    except (OverflowError, ValueError):
        raise InvalidValue("The date is out of range: Threadline handles years 1 to 9999.") from None
    return replace(
        point,
        year=moved.year,
        month=moved.month,
        day=moved.day,
        hour=None if point.hour is None else moved.hour,
        minute=None if point.minute is None else moved.minute,
        second=None if point.second is None else moved.second,
    )


def _point_problem(point: DatePoint) -> str:
    """What is wrong with a point, in words for the user; empty when nothing is."""
    if not 1 <= point.year <= 9999:
        return f"The year {point.year} is out of range: Threadline handles years 1 to 9999."
    fields = (point.month, point.day, point.hour, point.minute, point.second)
    if point.season is not None:
        if point.season not in _SEASON_MONTHS:
            return f"Season {point.season} does not exist: use 21 spring, 22 summer, 23 autumn, 24 winter."
        if any(field is not None for field in fields):
            return "A season cannot have a month, day or time."
    given = [field is not None for field in fields]
    if given != sorted(given, reverse=True):
        return "A date must give its parts from the year down without gaps (a day needs its month)."
    if point.month is not None and not 1 <= point.month <= 12:
        return f"There is no month {point.month}."
    if (
        point.month is not None
        and point.day is not None
        and not _is_calendar_day(point.year, point.month, point.day)
    ):
        return f"{point.year:04d}-{point.month:02d} has no day {point.day}."
    for value, limit, name in (
        (point.hour, 23, "hour"),
        (point.minute, 59, "minute"),
        (point.second, 59, "second"),
    ):
        if value is not None and not 0 <= value <= limit:
            return f"The {name} must be between 0 and {limit}."
    if point.tz_offset_minutes is not None:
        if point.hour is None:
            return "Only a time can carry a UTC offset; a date alone has none."
        if not _MIN_TZ <= point.tz_offset_minutes <= _MAX_TZ:
            return "A UTC offset must lie between −12:00 and +14:00."
    return ""


_QUALIFIER = {(False, False): "", (True, False): "~", (False, True): "?", (True, True): "%"}


def _offset_text(minutes: int | None) -> str:
    if minutes is None:
        return ""
    if minutes == 0:
        return "Z"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


class Unbounded(Enum):
    """An interval end that is not a point."""

    OPEN = ".."  # no limit at all: "before 2019" is ../2018
    UNKNOWN = ""  # a limit exists but nobody knows it: /2019


Endpoint = DatePoint | Unbounded


@dataclass(frozen=True, slots=True)
class UncertainDate:
    """A single point (``end is None``) or an interval from ``start`` to ``end``, ends inclusive."""

    start: Endpoint
    end: Endpoint | None = None

    def __post_init__(self) -> None:
        if self.end is None:
            if not isinstance(self.start, DatePoint):
                raise InvalidValue("A single date needs a year; “..” only makes sense in a range.")
            return
        if isinstance(self.start, Unbounded) and isinstance(self.end, Unbounded):
            raise InvalidValue("A range needs at least one known end.")
        start, end = self.start, self.end
        if (
            isinstance(start, DatePoint)
            and isinstance(end, DatePoint)
            and _nominal(start)[0] > _nominal(end)[1]
        ):
            raise InvalidValue(f"The range {start.to_edtf()}/{end.to_edtf()} ends before it starts.")

    # constructors, for readability at call sites
    @classmethod
    def at(cls, point: DatePoint) -> UncertainDate:
        return cls(point)

    @classmethod
    def between(cls, start: Endpoint, end: Endpoint) -> UncertainDate:
        return cls(start, end)

    @classmethod
    def before(cls, point: DatePoint) -> UncertainDate:
        return cls(Unbounded.OPEN, point)

    @classmethod
    def after(cls, point: DatePoint) -> UncertainDate:
        return cls(point, Unbounded.OPEN)

    @property
    def is_interval(self) -> bool:
        return self.end is not None

    @property
    def points(self) -> tuple[DatePoint, ...]:
        ends = (self.start,) if self.end is None else (self.start, self.end)
        return tuple(end for end in ends if isinstance(end, DatePoint))

    @property
    def precision(self) -> Precision:
        """The coarsest precision of the value's points."""
        return min(point.precision for point in self.points)

    def to_edtf(self) -> str:
        if self.end is None:
            assert isinstance(self.start, DatePoint)
            return self.start.to_edtf()
        return f"{_end_text(self.start)}/{_end_text(self.end)}"

    def __str__(self) -> str:
        return self.to_edtf()

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """Earliest and latest instant the value admits, in UTC (``None`` = open or unknown)."""
        low, high = _bounds_us(self, zone_margin=False)
        return (None if low is None else _datetime(low), None if high is None else _datetime(high))

    def bounds_epoch(self) -> tuple[int | None, int | None]:
        """``bounds()`` as whole epoch seconds (the latest rounded down), for the database columns."""
        low, high = _bounds_us(self, zone_margin=False)
        return (None if low is None else low // _US, None if high is None else high // _US)

    def sort_key(self) -> tuple[int, int]:
        """Order by earliest then latest possible instant; open ends sort outermost."""
        low, high = _bounds_us(self, zone_margin=False)
        return (_MIN_US - 1 if low is None else low, _MAX_US + 1 if high is None else high)


def _end_text(end: Endpoint) -> str:
    return end.value if isinstance(end, Unbounded) else end.to_edtf()


# --- parsing EDTF ---------------------------------------------------------------------------------

_POINT_RE = re.compile(
    r"(?P<year>\d{4})"
    r"(?:-(?P<month>\d{2})"
    r"(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
    r"(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?"
    r"(?P<qualifier>[~?%])?"
)


def parse(edtf: str) -> UncertainDate:
    """Read an EDTF string (as ``UncertainDate.to_edtf`` writes it, or equivalent) into a value.

    Raises ``InvalidValue`` with guidance for anything else, including valid EDTF that Threadline's
    model does not hold (unspecified digits ``199X``, sets ``[..2019]``, partial qualification).
    """
    text = edtf.strip()
    try:
        if "/" in text:
            start_text, _, end_text = text.partition("/")
            return UncertainDate(_parse_end(start_text), _parse_end(end_text))
        return UncertainDate(_parse_point(text))
    except _NotOurForm:
        raise _not_representable(edtf) from None


class _NotOurForm(Exception):
    pass


def _parse_end(text: str) -> Endpoint:
    if text == "..":
        return Unbounded.OPEN
    if text == "":
        return Unbounded.UNKNOWN
    return _parse_point(text)


def _parse_point(text: str) -> DatePoint:
    match = _POINT_RE.fullmatch(text)
    if not match:
        raise _NotOurForm
    parts = match.groupdict()
    month = None if parts["month"] is None else int(parts["month"])
    season = None
    if month is not None and month in _SEASON_MONTHS and parts["day"] is None:
        season, month = month, None
    qualifier = parts["qualifier"] or ""
    return DatePoint(
        year=int(parts["year"]),
        month=month,
        day=_int_or_none(parts["day"]),
        hour=_int_or_none(parts["hour"]),
        minute=_int_or_none(parts["minute"]),
        second=_int_or_none(parts["second"]),
        tz_offset_minutes=_parse_offset(parts["tz"]),
        season=season,
        approximate=qualifier in ("~", "%"),
        uncertain=qualifier in ("?", "%"),
    )


def _int_or_none(text: str | None) -> int | None:
    return None if text is None else int(text)


def _parse_offset(text: str | None) -> int | None:
    if text is None:
        return None
    if text == "Z":
        return 0
    digits = text[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:]) if len(digits) > 2 else 0)
    return minutes if text[0] == "+" else -minutes


def _not_representable(text: str) -> InvalidValue:
    try:
        parse_edtf(text.strip())
    except (EDTFParseException, ValueError, TypeError, AttributeError):
        return InvalidValue(
            f"“{text}” is not a date Threadline can read. Examples: 2023, 2023-07, 2023-07-31, "
            "2019~ (around 2019), 2019? (probably 2019), 2023-07-31/2023-08-02 (a range), "
            "../2019 (before 2019), 2022-03/.. (after March 2022), 2023-07-31T14:05+03:00."
        )
    return InvalidValue(
        f"“{text}” is valid EDTF, but Threadline cannot hold that form (unspecified digits, sets and "
        "qualifiers on a single part are not supported): use a range instead, e.g. 1990/1999 for 199X."
    )


# --- bounds ---------------------------------------------------------------------------------------

_US = 1_000_000
_HOUR_US = 3600 * _US
_DAY_US = 24 * _HOUR_US
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: How far an approximate value (``~`` or ``%``) widens on each side, by precision.
APPROXIMATE_MARGIN: dict[Precision, str] = {
    Precision.YEAR: "1 year",
    Precision.SEASON: "1 month",
    Precision.MONTH: "1 month",
    Precision.DAY: "3 days",
    Precision.HOUR: "1 hour",
    Precision.MINUTE: "15 minutes",
    Precision.SECOND: "1 minute",
}
_MARGIN_MONTHS = {Precision.YEAR: 12, Precision.SEASON: 1, Precision.MONTH: 1}
_MARGIN_US = {
    Precision.DAY: 3 * _DAY_US,
    Precision.HOUR: _HOUR_US,
    Precision.MINUTE: 15 * 60 * _US,
    Precision.SECOND: 60 * _US,
}
#: Widening of a floating value compared with one whose offset is known: local clocks run from UTC−12
#: to UTC+14, so a local wall-clock time is at most 14 h before and 12 h after the same UTC reading.
_ZONE_EARLIER_US = 14 * _HOUR_US
_ZONE_LATER_US = 12 * _HOUR_US


def _epoch_us(year: int, month: int, day: int, seconds: int = 0) -> int:
    return ((date(year, month, day).toordinal() - _EPOCH_ORDINAL) * 86_400 + seconds) * _US


_MIN_US = _epoch_us(1, 1, 1)
_MAX_US = _epoch_us(9999, 12, 31) + _DAY_US - 1


def _month_start_us(year: int, month: int) -> int:
    """Start of a month given as (year, month) with ``month`` possibly outside 1–12; clamped."""
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    if year < 1:
        return _MIN_US
    if year > 9999:
        return _MAX_US + 1
    return _epoch_us(year, month, 1)


def _month_end_us(year: int, month: int) -> int:
    return min(_month_start_us(year, month + 1) - 1, _MAX_US)


def _nominal(point: DatePoint) -> tuple[int, int]:
    """Bounds of the point as written (no approximation margin), in UTC epoch microseconds."""
    precision = point.precision
    year = point.year
    if precision is Precision.YEAR:
        low, high = _month_start_us(year, 1), _month_end_us(year, 12)
    elif precision is Precision.SEASON:
        assert point.season is not None
        first, last = _SEASON_MONTHS[point.season]
        low, high = _month_start_us(year, first), _month_end_us(year, last)
    elif precision is Precision.MONTH:
        assert point.month is not None
        low, high = _month_start_us(year, point.month), _month_end_us(year, point.month)
    else:
        assert point.month is not None and point.day is not None
        seconds = (point.hour or 0) * 3600 + (point.minute or 0) * 60 + (point.second or 0)
        low = _epoch_us(year, point.month, point.day, seconds)
        width = {
            Precision.DAY: _DAY_US,
            Precision.HOUR: _HOUR_US,
            Precision.MINUTE: 60 * _US,
            Precision.SECOND: _US,
        }[precision]
        high = low + width - 1
        if point.tz_offset_minutes is not None:
            shift = point.tz_offset_minutes * 60 * _US
            low, high = low - shift, high - shift
    return low, high


def _point_bounds(point: DatePoint, *, zone_margin: bool) -> tuple[int, int]:
    low, high = _nominal(point)
    if point.approximate:
        precision = point.precision
        if precision in _MARGIN_MONTHS:
            months = _MARGIN_MONTHS[precision]
            first = _datetime(low)
            last = _datetime(min(high, _MAX_US))
            low = _month_start_us(first.year, first.month - months)
            high = _month_end_us(last.year, last.month + months)
        else:
            low, high = low - _MARGIN_US[precision], high + _MARGIN_US[precision]
    if zone_margin and point.floating:
        low, high = low - _ZONE_EARLIER_US, high + _ZONE_LATER_US
    return max(low, _MIN_US), min(high, _MAX_US)


def _bounds_us(value: UncertainDate, *, zone_margin: bool) -> tuple[int | None, int | None]:
    start = value.start
    end = start if value.end is None else value.end
    low = _point_bounds(start, zone_margin=zone_margin)[0] if isinstance(start, DatePoint) else None
    high = _point_bounds(end, zone_margin=zone_margin)[1] if isinstance(end, DatePoint) else None
    return low, high


def _datetime(epoch_us: int) -> datetime:
    return _UNIX_EPOCH + timedelta(microseconds=max(min(epoch_us, _MAX_US), _MIN_US))


# --- comparing ------------------------------------------------------------------------------------


def _mixed_zones(a: UncertainDate, b: UncertainDate) -> bool:
    """True when one value has a floating point and the other a point with a known offset."""
    a_floating = any(point.floating for point in a.points)
    b_floating = any(point.floating for point in b.points)
    a_fixed = any(not point.floating for point in a.points)
    b_fixed = any(not point.floating for point in b.points)
    return (a_floating and b_fixed) or (b_floating and a_fixed)


def definitely_before(a: UncertainDate, b: UncertainDate) -> bool:
    """True only if everything ``a`` admits lies before everything ``b`` admits."""
    margin = _mixed_zones(a, b)
    a_high = _bounds_us(a, zone_margin=margin)[1]
    b_low = _bounds_us(b, zone_margin=margin)[0]
    return a_high is not None and b_low is not None and a_high < b_low


def overlaps(a: UncertainDate, b: UncertainDate) -> bool:
    """True if ``a`` and ``b`` may be the same moment: then neither is definitely before the other."""
    return not definitely_before(a, b) and not definitely_before(b, a)


def sort_key(value: UncertainDate) -> tuple[int, int]:
    """A total order for lists and timelines (see ``UncertainDate.sort_key``)."""
    return value.sort_key()


# --- display --------------------------------------------------------------------------------------

_MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "he": ["ינואר", "פברואר", "מרץ", "אפריל", "מאי", "יוני", "יולי", "אוגוסט", "ספטמבר", "אוקטובר", "נובמבר",
           "דצמבר"],
    "ar": ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
           "نوفمبر", "ديسمبر"],
}  # fmt: skip
_SHORT_MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "he": _MONTHS["he"],
    "ar": _MONTHS["ar"],
}
_SEASONS = {
    "en": {SPRING: "spring", SUMMER: "summer", AUTUMN: "autumn", WINTER: "winter"},
    "he": {SPRING: "אביב", SUMMER: "קיץ", AUTUMN: "סתיו", WINTER: "חורף"},
    "ar": {SPRING: "ربيع", SUMMER: "صيف", AUTUMN: "خريف", WINTER: "شتاء"},
}
_WORDS = {
    "en": {
        "approx": "c. {}",
        "uncertain": "{}?",
        "before": "{} or earlier",
        "after": "{} or later",
        "comma": ", ",
    },
    "he": {
        "approx": "בערך {}",
        "uncertain": "כנראה {}",
        "before": "{} או לפני כן",
        "after": "{} או אחרי כן",
        "comma": ", ",
    },
    "ar": {
        "approx": "حوالي {}",
        "uncertain": "ربما {}",
        "before": "{} أو قبل ذلك",
        "after": "{} أو بعد ذلك",
        "comma": "، ",
    },
}
_DASH = " – "


def display(value: UncertainDate, locale: str = "en") -> str:
    """A short human form at the value's own precision: "July 2023", "c. 2019", "2018 or earlier".

    ``locale`` is "en", "he" or "ar" (anything else falls back to English). Day and month names in
    Hebrew follow the usual ``31 ביולי 2023`` / ``יולי 2023``; Arabic uses the month names of Egypt and
    the Gulf, understood everywhere.
    """
    lang = locale if locale in _MONTHS else "en"
    words = _WORDS[lang]
    if value.end is None:
        assert isinstance(value.start, DatePoint)
        return _qualify(_point_text(value.start, lang), value.start, lang)
    start, end = value.start, value.end
    if start is Unbounded.OPEN and isinstance(end, DatePoint):
        return words["before"].format(_qualify(_point_text(end, lang), end, lang))
    if end is Unbounded.OPEN and isinstance(start, DatePoint):
        return words["after"].format(_qualify(_point_text(start, lang), start, lang))
    if not isinstance(start, DatePoint) or not isinstance(end, DatePoint):
        known = start if isinstance(start, DatePoint) else end
        assert isinstance(known, DatePoint)
        text = _qualify(_point_text(known, lang), known, lang)
        return f"?{_DASH}{text}" if known is end else f"{text}{_DASH}?"
    if (start.approximate, start.uncertain) == (end.approximate, end.uncertain):
        return _qualify(_range_text(start, end, lang), start, lang)
    first, last = _qualify(_point_text(start, lang), start, lang), _qualify(_point_text(end, lang), end, lang)
    return f"{first}{_DASH}{last}"


def _qualify(text: str, point: DatePoint, lang: str) -> str:
    words = _WORDS[lang]
    if point.approximate:
        text = words["approx"].format(text)
    if point.uncertain:
        text = words["uncertain"].format(text)
    return text


def _day_month(day: int, month: int, lang: str, *, short: bool = False) -> str:
    if lang == "he":
        return f"{day} ב{_MONTHS['he'][month - 1]}"
    names = _SHORT_MONTHS if short else _MONTHS
    return f"{day} {names[lang][month - 1]}"


def _point_text(point: DatePoint, lang: str) -> str:
    precision = point.precision
    if precision is Precision.YEAR:
        return str(point.year)
    if precision is Precision.SEASON:
        assert point.season is not None
        name = _SEASONS[lang][point.season]
        if point.season == WINTER:
            return f"{name} {point.year}–{(point.year + 1) % 100:02d}"
        return f"{name} {point.year}"
    assert point.month is not None
    if precision is Precision.MONTH:
        return f"{_MONTHS[lang][point.month - 1]} {point.year}"
    assert point.day is not None
    text = f"{_day_month(point.day, point.month, lang)} {point.year}"
    if point.hour is None:
        return text
    return text + _WORDS[lang]["comma"] + _time_text(point)


def _time_text(point: DatePoint) -> str:
    if point.minute is None:
        clock = f"{point.hour:02d}h"
    elif point.second is None:
        clock = f"{point.hour:02d}:{point.minute:02d}"
    else:
        clock = f"{point.hour:02d}:{point.minute:02d}:{point.second:02d}"
    offset = point.tz_offset_minutes
    if offset is None:
        return clock
    if offset == 0:
        return f"{clock} (UTC)"
    hours, minutes = divmod(abs(offset), 60)
    sign = "+" if offset > 0 else "-"
    return f"{clock} (UTC{sign}{hours}{f':{minutes:02d}' if minutes else ''})"


def _range_text(start: DatePoint, end: DatePoint, lang: str) -> str:
    """A compact range when both ends share a precision of day, month or year and no time."""
    both = {start.precision, end.precision}
    if both == {Precision.YEAR}:
        return f"{start.year}–{end.year}"
    if both == {Precision.MONTH} and start.year == end.year:
        assert start.month is not None and end.month is not None
        names = _SHORT_MONTHS[lang]
        return f"{names[start.month - 1]}{_DASH}{names[end.month - 1]} {end.year}"
    if both == {Precision.DAY}:
        assert start.month is not None and end.month is not None
        assert start.day is not None and end.day is not None
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{_day_month(end.day, end.month, lang)} {end.year}"
        if start.year == end.year:
            first = _day_month(start.day, start.month, lang, short=True)
            return f"{first}{_DASH}{_day_month(end.day, end.month, lang, short=True)} {end.year}"
        first = f"{_day_month(start.day, start.month, lang, short=True)} {start.year}"
        return f"{first}{_DASH}{_day_month(end.day, end.month, lang, short=True)} {end.year}"
    return f"{_point_text(start, lang)}{_DASH}{_point_text(end, lang)}"


# --- reading what a user typed --------------------------------------------------------------------


def parse_user_input(
    text: str, *, reference: date | None = None, languages: tuple[str, ...] = ("en", "he", "ar", "ru")
) -> UncertainDate:
    """Read a date typed into the date-entry widget: EDTF/ISO, or natural text in English, Hebrew, Arabic
    or Russian.

    Natural text uses the same grammar as the extraction from sources ("31 ביולי 2023", "2 آب 2023",
    "1 августа 2023", "mid-2019", "before 2019", "between 31 July and 2 August 2023"); ``reference``
    (usually today or the source's publication date) resolves "last March" or "yesterday". It never
    invents a part the text did not give. Raises ``InvalidValue`` with examples when the text is not one
    date it can read.
    """
    return read_user_input(text, reference=reference, languages=languages).value


@dataclass(frozen=True)
class TypedDate:
    """A typed date as read, and how an ambiguous text was taken ("day/month order assumed day-first")."""

    value: UncertainDate
    note: str = ""


_YEAR_FIRST = re.compile(r"(\d{4})([/.])(\d{1,2})\2(\d{1,2})")
_ISO_SHAPE = re.compile(r"[+-]?\d{4}-\d{2}(?:-\d{2})?(?:T\S*)?[~?%]?")


def read_user_input(
    text: str, *, reference: date | None = None, languages: tuple[str, ...] = ("en", "he", "ar", "ru")
) -> TypedDate:
    """``parse_user_input`` with the note on how it was read: the date field and ``threadline event add``
    both show it, so the same text reads the same way in either.

    A year first (2023/08/01, 2023.08.01) is unambiguous and read as ISO. Text shaped like ISO whose parts
    do not exist (2023-13-01, 2023/02/30) gets EDTF's own reason ("There is no month 13.") rather than
    the list of forms.
    """
    stripped = text.strip()
    if not stripped:
        raise InvalidValue("Type a date, e.g. 2023-07-31, 31 July 2023, July 2023, around 2019.")
    year_first = _YEAR_FIRST.fullmatch(stripped)
    iso = stripped
    if year_first is not None:
        iso = f"{year_first[1]}-{int(year_first[3]):02d}-{int(year_first[4]):02d}"
    try:
        return TypedDate(parse(iso))
    except InvalidValue as error:
        reason = error
    # Imported here: the extraction grammar builds on this module's model.
    from app.core.date_extraction import extract_dates, read_single_date

    try:
        value = read_single_date(stripped, reference=reference, languages=languages)
    except InvalidValue:
        if year_first is not None or _ISO_SHAPE.fullmatch(stripped):
            raise reason from None
        raise
    language = next(iter(languages), "en")
    notes = [
        found.note
        for found in extract_dates(stripped, published=reference, language=language)
        if found.value == value and found.note
    ]
    return TypedDate(value, notes[0] if notes else "")
