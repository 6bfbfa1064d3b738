"""The uncertain-date model: EDTF round trips, bounds, honest ordering, display and typed input."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

import pytest
from edtf import parse_edtf
from hypothesis import assume, given
from hypothesis import strategies as st

from app.core.dates import (
    DatePoint,
    Precision,
    Unbounded,
    UncertainDate,
    definitely_before,
    display,
    normalize_edtf,
    overlaps,
    parse,
    parse_user_input,
    sort_key,
)
from app.core.errors import InvalidValue

# --- strategies -----------------------------------------------------------------------------------


@st.composite
def date_points(draw: st.DrawFn, *, times: bool = True) -> DatePoint:
    year = draw(st.integers(1, 9999))
    precision = draw(st.sampled_from(list(Precision) if times else list(Precision)[:4]))
    flags = {"approximate": draw(st.booleans()), "uncertain": draw(st.booleans())}
    if precision is Precision.YEAR:
        return DatePoint(year, **flags)
    if precision is Precision.SEASON:
        return DatePoint(year, season=draw(st.integers(21, 24)), **flags)
    month = draw(st.integers(1, 12))
    if precision is Precision.MONTH:
        return DatePoint(year, month, **flags)
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    if precision is Precision.DAY:
        return DatePoint(year, month, day, **flags)
    hour = draw(st.integers(0, 23))
    minute = draw(st.integers(0, 59)) if precision >= Precision.MINUTE else None
    second = draw(st.integers(0, 59)) if precision is Precision.SECOND else None
    offset = draw(st.none() | st.integers(-12 * 60, 14 * 60))
    return DatePoint(year, month, day, hour, minute, second, offset, **flags)


@st.composite
def uncertain_dates(draw: st.DrawFn, *, times: bool = True) -> UncertainDate:
    kind = draw(st.sampled_from(["point", "interval", "before", "after", "unknown start", "unknown end"]))
    first = draw(date_points(times=times))
    if kind == "point":
        return UncertainDate(first)
    if kind == "before":
        return UncertainDate.before(first)
    if kind == "after":
        return UncertainDate.after(first)
    if kind == "unknown start":
        return UncertainDate(Unbounded.UNKNOWN, first)
    if kind == "unknown end":
        return UncertainDate(first, Unbounded.UNKNOWN)
    second = draw(date_points(times=times))
    try:
        return UncertainDate(first, second)
    except InvalidValue:
        return UncertainDate(second, first)  # drawn the wrong way round


def _strict_edtf(value: UncertainDate) -> bool:
    """Whether EDTF itself can say this (see the ``app.core.dates`` docstring for the exceptions)."""
    points = value.points
    for point in points:
        if point.precision in (Precision.HOUR, Precision.MINUTE):
            return False
        if point.precision in (Precision.SEASON, Precision.SECOND) and (point.approximate or point.uncertain):
            return False
    return not (value.is_interval and any(point.hour is not None for point in points))


# --- EDTF round trips -----------------------------------------------------------------------------


@given(uncertain_dates())
def test_every_value_round_trips_through_its_edtf_text(value: UncertainDate) -> None:
    text = value.to_edtf()
    assert parse(text) == value
    assert parse(text).to_edtf() == text


@given(uncertain_dates())
def test_the_edtf_library_reads_what_we_write_wherever_edtf_can_say_it(value: UncertainDate) -> None:
    assume(_strict_edtf(value))
    text = value.to_edtf()
    assert str(parse_edtf(text)) == text


@pytest.mark.parametrize(
    ("edtf", "expected"),
    [
        ("2023", DatePoint(2023)),
        ("2023-07", DatePoint(2023, 7)),
        ("2023-07-31", DatePoint(2023, 7, 31)),
        ("2019~", DatePoint(2019, approximate=True)),
        ("2019?", DatePoint(2019, uncertain=True)),
        ("2019%", DatePoint(2019, approximate=True, uncertain=True)),
        ("2019-22", DatePoint(2019, season=22)),
        ("2023-07-31T14", DatePoint(2023, 7, 31, 14)),
        ("2023-07-31T14:05+03:00", DatePoint(2023, 7, 31, 14, 5, tz_offset_minutes=180)),
        ("2023-07-31T14:05:09Z", DatePoint(2023, 7, 31, 14, 5, 9, 0)),
        ("2023-07-31T14:05:09-0430", DatePoint(2023, 7, 31, 14, 5, 9, -270)),
    ],
)
def test_points_keep_exactly_the_precision_written(edtf: str, expected: DatePoint) -> None:
    assert parse(edtf) == UncertainDate(expected)


def test_intervals_and_open_ends() -> None:
    assert parse("2023-07-31/2023-08-02") == UncertainDate(DatePoint(2023, 7, 31), DatePoint(2023, 8, 2))
    assert parse("../2019") == UncertainDate.before(DatePoint(2019))
    assert parse("2022-03/..") == UncertainDate.after(DatePoint(2022, 3))
    assert parse("/2019").start is Unbounded.UNKNOWN
    assert parse("2019-05~/2019-08~").to_edtf() == "2019-05~/2019-08~"


@pytest.mark.parametrize(
    ("bad", "hint"),
    [
        ("", "2023-07-31"),
        ("soon", "2023-07-31"),
        ("2023-13", "no month 13"),
        ("2019-02-29", "no day 29"),
        ("2023-08/2023-07", "ends before it starts"),
        ("../..", "at least one known end"),
        ("2023-07-31T25:00", "hour"),
        ("2023-07-31T10:00+15:00", "UTC offset"),
        ("0000", "years 1 to 9999"),
        ("199X", "valid EDTF"),
        ("[..2019]", "valid EDTF"),
        ("2004-06~-11", "valid EDTF"),
    ],
)
def test_unreadable_values_say_why(bad: str, hint: str) -> None:
    with pytest.raises(InvalidValue, match=hint):
        parse(bad)


def test_points_refuse_impossible_shapes() -> None:
    with pytest.raises(InvalidValue, match="from the year down"):
        DatePoint(2023, None, 5)
    with pytest.raises(InvalidValue, match="Only a time"):
        DatePoint(2023, 7, 31, tz_offset_minutes=180)
    with pytest.raises(InvalidValue, match="season"):
        DatePoint(2023, 7, season=22)
    with pytest.raises(InvalidValue, match="needs a year"):
        UncertainDate(Unbounded.OPEN)


def test_normalize_edtf_keeps_its_behaviour_and_reads_our_reduced_times() -> None:
    assert normalize_edtf("31.07.2023") == "2023-07-31"
    assert normalize_edtf("2023-07-31T10:20:00+03:00") == "2023-07-31T10:20:00+03:00"
    assert normalize_edtf("199X") == "199X"  # valid EDTF stays accepted for published dates
    assert normalize_edtf("2023-07-31T14:05+03:00") == "2023-07-31T14:05+03:00"
    with pytest.raises(InvalidValue):
        normalize_edtf("2019-02-29")


# --- bounds ---------------------------------------------------------------------------------------


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("edtf", "earliest", "latest"),
    [
        ("2023-07", _utc(2023, 7, 1), _utc(2023, 7, 31, 23, 59, 59, 999999)),
        ("2023-02-28/2024-02", _utc(2023, 2, 28), _utc(2024, 2, 29, 23, 59, 59, 999999)),
        ("2019~", _utc(2018, 1, 1), _utc(2020, 12, 31, 23, 59, 59, 999999)),
        ("2023-07~", _utc(2023, 6, 1), _utc(2023, 8, 31, 23, 59, 59, 999999)),
        ("2023-07-31~", _utc(2023, 7, 28), _utc(2023, 8, 3, 23, 59, 59, 999999)),
        ("2019?", _utc(2019, 1, 1), _utc(2019, 12, 31, 23, 59, 59, 999999)),  # uncertainty does not widen
        ("2019-22", _utc(2019, 6, 1), _utc(2019, 8, 31, 23, 59, 59, 999999)),
        ("2019-24", _utc(2019, 12, 1), _utc(2020, 2, 29, 23, 59, 59, 999999)),
        ("2023-07-31T14:05+03:00", _utc(2023, 7, 31, 11, 5), _utc(2023, 7, 31, 11, 5, 59, 999999)),
        ("2023-07-31T14:05", _utc(2023, 7, 31, 14, 5), _utc(2023, 7, 31, 14, 5, 59, 999999)),
        ("2023-07-31T14~", _utc(2023, 7, 31, 13), _utc(2023, 7, 31, 15, 59, 59, 999999)),
        ("../2019", None, _utc(2019, 12, 31, 23, 59, 59, 999999)),
        ("2022-03/..", _utc(2022, 3, 1), None),
        ("9999~", _utc(9998, 1, 1), datetime.max.replace(tzinfo=UTC)),
        ("0001-01~", datetime.min.replace(tzinfo=UTC), _utc(1, 2, 28, 23, 59, 59, 999999)),
    ],
)
def test_bounds_follow_precision_margins_and_offsets(
    edtf: str, earliest: datetime | None, latest: datetime | None
) -> None:
    assert parse(edtf).bounds() == (earliest, latest)


def test_bounds_epoch_are_whole_seconds_for_the_database() -> None:
    assert parse("2023-07").bounds_epoch() == (1688169600, 1690847999)
    assert parse("../2019").bounds_epoch() == (None, 1577836799)


@given(uncertain_dates())
def test_bounds_are_ordered_and_approximation_only_widens(value: UncertainDate) -> None:
    earliest, latest = value.bounds()
    if earliest is not None and latest is not None:
        assert earliest <= latest
    plain = UncertainDate(
        *(end.qualified(approximate=False) if isinstance(end, DatePoint) else end for end in _ends(value))
    )
    plain_earliest, plain_latest = plain.bounds()
    if earliest is not None:
        assert plain_earliest is not None and earliest <= plain_earliest
    if latest is not None:
        assert plain_latest is not None and latest >= plain_latest


def _ends(value: UncertainDate) -> tuple[DatePoint | Unbounded, ...]:
    return (value.start,) if value.end is None else (value.start, value.end)


# --- comparing ------------------------------------------------------------------------------------


def test_consecutive_days_are_ordered_but_a_month_and_its_day_are_not() -> None:
    july_30, july_31 = parse("2023-07-30"), parse("2023-07-31")
    assert definitely_before(july_30, july_31)
    assert not definitely_before(july_31, july_30)
    assert overlaps(parse("2023-07"), july_31)
    assert not definitely_before(parse("2023-07"), july_31)
    assert overlaps(parse("2023-07-31~"), parse("2023-08-02"))  # ± 3 days


def test_a_floating_date_against_a_time_with_an_offset_claims_no_false_order() -> None:
    # 01:00 in Israel on 31 July is 30 July 22:00 UTC: still possibly "31 July" wherever that was written
    early_in_israel = parse("2023-07-31T01:00+03:00")
    assert overlaps(parse("2023-07-31"), early_in_israel)
    assert not definitely_before(early_in_israel, parse("2023-07-31"))
    # two values with offsets compare exactly
    assert definitely_before(parse("2023-07-31T10:00:00+03:00"), parse("2023-07-31T08:00:00Z"))
    # the stored bounds keep the floating (wall-clock-as-UTC) reading
    assert parse("2023-07-31").bounds()[0] == _utc(2023, 7, 31)


def test_open_ranges_order_only_what_they_exclude() -> None:
    before_2019 = parse("../2019")
    assert definitely_before(before_2019, parse("2020"))
    assert overlaps(before_2019, parse("2019-06"))
    assert overlaps(before_2019, parse("1900"))
    assert overlaps(parse("2022-03/.."), parse("2100"))


@given(uncertain_dates(), uncertain_dates())
def test_definitely_before_agrees_with_overlaps_and_the_sort_key(a: UncertainDate, b: UncertainDate) -> None:
    assert overlaps(a, b) == overlaps(b, a)
    if definitely_before(a, b):
        assert not overlaps(a, b)
        assert not definitely_before(b, a)
        assert sort_key(a) < sort_key(b)


def test_sorting_puts_open_starts_first_and_precise_dates_in_calendar_order() -> None:
    values = [parse(text) for text in ("2023-08-02", "2023-07", "../2019", "2023-07-31", "2023")]
    ordered = sorted(values, key=sort_key)
    assert [value.to_edtf() for value in ordered] == [
        "../2019",
        "2023",
        "2023-07",
        "2023-07-31",
        "2023-08-02",
    ]


# --- display --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edtf", "en", "he", "ar"),
    [
        ("2023-07", "July 2023", "יולי 2023", "يوليو 2023"),
        ("2019~", "c. 2019", "בערך 2019", "حوالي 2019"),
        ("2019?", "2019?", "כנראה 2019", "ربما 2019"),
        ("2023-07-31", "31 July 2023", "31 ביולי 2023", "31 يوليو 2023"),
        (
            "2023-07-31/2023-08-02",
            "31 Jul – 2 Aug 2023",
            "31 ביולי – 2 באוגוסט 2023",
            "31 يوليو – 2 أغسطس 2023",
        ),
        ("2023-07-03/2023-07-05", "3–5 July 2023", "3–5 ביולי 2023", "3–5 يوليو 2023"),
        ("../2018", "2018 or earlier", "2018 או לפני כן", "2018 أو قبل ذلك"),
        ("2022-03/..", "March 2022 or later", "מרץ 2022 או אחרי כן", "مارس 2022 أو بعد ذلك"),
        ("2019-05~/2019-08~", "c. May – Aug 2019", "בערך מאי – אוגוסט 2019", "حوالي مايو – أغسطس 2019"),
        ("2019/2021", "2019–2021", "2019–2021", "2019–2021"),
        ("2019-22", "summer 2019", "קיץ 2019", "صيف 2019"),
        ("2019-24", "winter 2019–20", "חורף 2019–20", "شتاء 2019–20"),
        (
            "2023-07-31T14:05+03:00",
            "31 July 2023, 14:05 (UTC+3)",
            "31 ביולי 2023, 14:05 (UTC+3)",
            "31 يوليو 2023، 14:05 (UTC+3)",
        ),
        (
            "2023-07-31T14:05:30Z",
            "31 July 2023, 14:05:30 (UTC)",
            "31 ביולי 2023, 14:05:30 (UTC)",
            "31 يوليو 2023، 14:05:30 (UTC)",
        ),
        ("/2019", "? – 2019", "? – 2019", "? – 2019"),
    ],
)
def test_display_follows_precision_in_three_languages(edtf: str, en: str, he: str, ar: str) -> None:
    value = parse(edtf)
    assert display(value) == en
    assert display(value, "he") == he
    assert display(value, "ar") == ar


def test_unknown_locales_fall_back_to_english() -> None:
    assert display(parse("2023-07"), "ru") == "July 2023"


@given(uncertain_dates(times=False))
def test_a_value_without_time_never_displays_a_clock(value: UncertainDate) -> None:
    for locale in ("en", "he", "ar"):
        assert ":" not in display(value, locale)


# --- typed input ----------------------------------------------------------------------------------

TODAY = date(2024, 5, 10)


@pytest.mark.parametrize(
    ("typed", "edtf"),
    [
        ("2023-07-31", "2023-07-31"),
        ("2019~", "2019~"),
        ("31.07.2023", "2023-07-31"),
        ("31 July 2023", "2023-07-31"),
        ("July 2023", "2023-07"),
        ("31 ביולי 2023", "2023-07-31"),
        ("ב-31 ביולי 2023", "2023-07-31"),
        ("אוגוסט 2023", "2023-08"),
        ("31 يوليو 2023", "2023-07-31"),
        ("2 آب 2023", "2023-08-02"),
        ("٣١ تموز ٢٠٢٣", "2023-07-31"),
        ("mid-2019", "2019-05/2019-08"),
        ("around 2019", "2019~"),
        ("probably 2019", "2019?"),
        ("between 31 July and 2 August 2023", "2023-07-31/2023-08-02"),
        ("before 2019", "../2018"),
        ("until 2019", "../2019"),
        ("after March 2022", "2022-04/.."),
        ("since March 2022", "2022-03/.."),
        ("last March", "2024-03"),
        ("yesterday", "2024-05-09"),
        ("summer 2019", "2019-22"),
        ("the 1990s", "1990/1999"),
        ("31 July 2023, 14:05 (UTC+3)", "2023-07-31T14:05+03:00"),
    ],
)
def test_typed_dates_in_three_languages(typed: str, edtf: str) -> None:
    assert parse_user_input(typed, reference=TODAY).to_edtf() == edtf


def test_typed_input_never_invents_a_day_or_month() -> None:
    assert parse_user_input("July 2023").precision is Precision.MONTH
    assert parse_user_input("2023").precision is Precision.YEAR
    assert parse_user_input("last March", reference=TODAY).precision is Precision.MONTH


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("", "Type a date"),
        ("soon", "Try 31 July 2023"),
        ("31 July 2023 and 2 August 2023", "Try 31 July 2023"),
        ("yesterday", "reference date"),
        ("July", "Try 31 July 2023"),
        ("31 February 2023", "Try 31 July 2023"),
    ],
)
def test_typed_input_that_cannot_be_read_gets_guidance(typed: str, hint: str) -> None:
    with pytest.raises(InvalidValue, match=hint):
        parse_user_input(typed)


def test_typed_input_respects_the_allowed_languages() -> None:
    with pytest.raises(InvalidValue):
        parse_user_input("31 ביולי 2023", languages=("en",))
    with pytest.raises(InvalidValue):
        parse_user_input("31 July 2023", languages=("he", "ar"))
    assert parse_user_input("31.07.2023", languages=("he",)).to_edtf() == "2023-07-31"  # no words at all
    assert parse_user_input("2 آب 2023", languages=("ar",)).to_edtf() == "2023-08-02"
