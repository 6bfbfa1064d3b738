"""The pure rules behind events: confidence suggested by evidence, bounds and certain spans, checks."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction

import pytest

from app.core.dates import parse
from app.core.errors import InvalidValue
from app.core.event_records import (
    CONFIDENCE_THRESHOLDS,
    EventEdit,
    EventFlag,
    EvidenceGrade,
    RowUpdate,
    StoredRow,
    assess_confidence,
    certain_span,
    checked_confidence,
    checked_credibility,
    checked_dates,
    checked_stance,
    checked_title,
    date_extractor_version,
    event_bounds,
    event_flags,
    evidence_weight,
    page_of,
    title_from_quote,
    within_one_day,
)
from app.core.records import Confidence, Reliability, Stance

SUPPORTS, CONTRADICTS, CONTEXT = Stance.SUPPORTS, Stance.CONTRADICTS, Stance.CONTEXT


def grade(origin: int, admiralty: str, stance: Stance = SUPPORTS) -> EvidenceGrade:
    """``grade(1, "B2")``: a quote from source (origin) 1, reliability B, credibility 2."""
    return EvidenceGrade(origin, Reliability(admiralty[0]), int(admiralty[1]), stance)


def suggested(*grades: EvidenceGrade) -> Confidence:
    return assess_confidence(grades).suggested


def epoch(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp())  # type: ignore[misc]


# --- the confidence rule ---------------------------------------------------------------------------------


def test_weight_is_reliability_times_credibility_with_unjudged_grades_in_the_middle() -> None:
    assert evidence_weight(Reliability.A, 1) == 1
    assert evidence_weight(Reliability.B, 2) == Fraction(16, 25)
    assert evidence_weight(Reliability.E, 5) == Fraction(1, 25)
    # half a grade unjudged: that half counts as the middle (F as C, 6 as 3) and the judged half decides
    assert evidence_weight(Reliability.F, 2) == evidence_weight(Reliability.C, 2)
    assert evidence_weight(Reliability.A, 6) == evidence_weight(Reliability.A, 3)
    # nothing judged at all: no weight
    assert evidence_weight(Reliability.F, 6) == 0


@pytest.mark.parametrize(
    ("admiralty", "expected"),
    [
        ("A1", Confidence.CONFIRMED),  # credibility 1 already means "confirmed by other sources"
        ("A2", Confidence.PROBABLE),
        ("B1", Confidence.PROBABLE),
        ("B2", Confidence.PROBABLE),
        ("A3", Confidence.PROBABLE),  # 0.6: exactly on the threshold, no rounding error
        ("C3", Confidence.POSSIBLE),
        ("F6", Confidence.UNKNOWN),  # an ungraded quote: nobody has judged it yet
        ("F2", Confidence.POSSIBLE),  # unknown source, information judged probably true
        ("F1", Confidence.PROBABLE),
        ("A6", Confidence.PROBABLE),  # a reliable source, the information not judged
        ("C6", Confidence.POSSIBLE),
        ("E6", Confidence.DOUBTFUL),
        ("F5", Confidence.DOUBTFUL),
        ("B4", Confidence.POSSIBLE),
        ("C4", Confidence.DOUBTFUL),
        ("D3", Confidence.DOUBTFUL),
        ("E1", Confidence.DOUBTFUL),
        ("A5", Confidence.DOUBTFUL),
    ],
)
def test_one_supporting_quote(admiralty: str, expected: Confidence) -> None:
    assert suggested(grade(1, admiralty)) is expected


def test_independent_sources_corroborate_but_one_source_counts_once() -> None:
    assert suggested(grade(1, "B2"), grade(2, "B2")) is Confidence.PROBABLE  # 0.87
    assert suggested(grade(1, "B2"), grade(2, "B2"), grade(3, "B2")) is Confidence.CONFIRMED  # 0.95
    assert suggested(grade(1, "A2"), grade(2, "A2")) is Confidence.CONFIRMED  # 0.96
    same_source = suggested(grade(1, "B2"), grade(1, "B2"), grade(1, "B2"))
    assert same_source is Confidence.PROBABLE
    # the best quote of a source is what counts
    assert suggested(grade(1, "C4"), grade(1, "A1")) is Confidence.CONFIRMED
    assessment = assess_confidence([grade(1, "C3"), grade(2, "C3")])
    assert assessment.support == 1 - Fraction(16, 25) ** 2 and assessment.supporting_sources == 2


def test_contradiction_discounts_and_disputes() -> None:
    strong = assess_confidence([grade(1, "A1"), grade(2, "C3", CONTRADICTS)])
    assert strong.suggested is Confidence.PROBABLE and strong.disputed  # 1 × (1 − 0.36)
    assert strong.score == Fraction(16, 25)
    even = assess_confidence([grade(1, "B2"), grade(2, "B2", CONTRADICTS)])
    assert even.suggested is Confidence.DOUBTFUL and even.disputed
    only_against = assess_confidence([grade(1, "A1", CONTRADICTS)])
    assert only_against.suggested is Confidence.DOUBTFUL and only_against.score == 0


def test_no_bearing_evidence_is_unknown_and_context_is_ignored() -> None:
    assert suggested() is Confidence.UNKNOWN
    context_only = assess_confidence([grade(1, "A1", CONTEXT), grade(2, "B2", CONTEXT)])
    assert context_only.suggested is Confidence.UNKNOWN and context_only.context_quotes == 2
    assert not context_only.disputed
    assert suggested(grade(1, "C3"), grade(2, "A1", CONTEXT)) is Confidence.POSSIBLE


@pytest.mark.parametrize(
    ("quotes", "expected"),
    [
        # the trial's case: four independent sources, each quoted ungraded
        ([(1, "F6"), (2, "F6"), (3, "F6"), (4, "F6")], Confidence.UNKNOWN),
        ([(1, "F6")], Confidence.UNKNOWN),
        ([(1, "F2")], Confidence.POSSIBLE),
        # unjudged quotes neither add to nor take from a judged one
        ([(1, "B2"), (2, "F6"), (3, "F6")], Confidence.PROBABLE),
        ([(1, "C3"), (2, "F6")], Confidence.POSSIBLE),
        ([(1, "B2"), (2, "F6", CONTRADICTS)], Confidence.PROBABLE),
        # an unjudged contradiction still disputes: with nothing judged in favour, doubtful
        ([(1, "F6"), (2, "F6", CONTRADICTS)], Confidence.DOUBTFUL),
        ([(1, "F6", CONTRADICTS)], Confidence.DOUBTFUL),
        # judged halves still corroborate
        ([(1, "F2"), (2, "F2")], Confidence.PROBABLE),  # 1 − 0.52² = 0.73
        ([(1, "A6"), (2, "A6")], Confidence.PROBABLE),  # 0.84
    ],
)
def test_unjudged_quotes_add_no_confidence(quotes: list[tuple[int, str]], expected: Confidence) -> None:
    grades = [grade(*quote) for quote in quotes]
    assert suggested(*grades) is expected


def test_unjudged_quotes_are_counted_and_a_contradicting_one_still_disputes() -> None:
    assessment = assess_confidence([grade(1, "F6"), grade(2, "F6"), grade(3, "B2")])
    assert assessment.supporting_sources == 3 and assessment.unjudged_sources == 2
    assert assessment.support == Fraction(16, 25)
    against = assess_confidence([grade(1, "F6"), grade(2, "F6", CONTRADICTS)])
    assert against.suggested is Confidence.DOUBTFUL and against.disputed and against.score == 0
    assert against.unjudged_sources == 2


def test_thresholds_are_ordered_best_first() -> None:
    lows = [low for _level, low in CONFIDENCE_THRESHOLDS]
    assert lows == sorted(lows, reverse=True)


# --- checks ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1, 6, "3", " 4 "])
def test_credibility_accepts_the_six_grades(value: object) -> None:
    assert 1 <= checked_credibility(value) <= 6


@pytest.mark.parametrize("value", [0, 7, -1, "B", "", 2.5, None, True])
def test_credibility_refuses_anything_else(value: object) -> None:
    with pytest.raises(InvalidValue, match="1 to 6"):
        checked_credibility(value)


def test_stance_confidence_and_title_checks() -> None:
    assert checked_stance("Contradicts") is Stance.CONTRADICTS
    with pytest.raises(InvalidValue, match="supports, contradicts"):
        checked_stance("maybe")
    assert checked_confidence("PROBABLE") is Confidence.PROBABLE
    with pytest.raises(InvalidValue, match="confirmed, probable"):
        checked_confidence("sure")
    assert checked_title("  Landing\n at  Sunan ") == "Landing at Sunan"
    with pytest.raises(InvalidValue, match="needs a title"):
        checked_title(" \n")


# --- dates -----------------------------------------------------------------------------------------------


def test_bounds_run_from_the_starts_earliest_to_the_ends_latest() -> None:
    assert event_bounds(None, None) == (None, None)
    assert event_bounds(parse("2023-07-31"), None) == (epoch(2023, 7, 31), epoch(2023, 8, 1) - 1)
    assert event_bounds(parse("2023-07-31"), parse("2023-08-02")) == (
        epoch(2023, 7, 31),
        epoch(2023, 8, 3) - 1,
    )
    assert event_bounds(parse("../2019"), None) == (None, epoch(2020, 1, 1) - 1)
    assert event_bounds(parse("2019~"), None) == (epoch(2018, 1, 1), epoch(2021, 1, 1) - 1)


def test_dates_must_be_in_order_and_an_end_needs_a_start() -> None:
    checked_dates(parse("2023-07"), parse("2023-07-31"))  # may overlap: fine
    with pytest.raises(InvalidValue, match=r"ends .* before it starts"):
        checked_dates(parse("2023-08-01"), parse("2023-07-31"))
    with pytest.raises(InvalidValue, match="needs a start"):
        checked_dates(None, parse("2023"))


def test_certain_span_of_lasting_events() -> None:
    # a single date is a moment, however wide: nothing is certain
    assert certain_span(parse("2023-07"), None) == (None, None)
    # stated whole days: going on on each of them
    assert certain_span(parse("2023-07-31"), parse("2023-08-02")) == (
        epoch(2023, 7, 31),
        epoch(2023, 8, 3) - 1,
    )
    # approximate ends: the margins are only possible
    assert certain_span(parse("2019-05~"), parse("2019-08~")) == (epoch(2019, 5, 1), epoch(2019, 9, 1) - 1)
    # a start somewhere in May–June, an end somewhere in September: surely going on July–August
    assert certain_span(parse("2019-05/2019-06"), parse("2019-09")) == (
        epoch(2019, 7, 1) - 1,
        epoch(2019, 9, 30, 23, 59, 59),
    )
    # an end "in 2021 or later" may come as early as 2021 begins; a start "in 2019 or later", unknown
    assert certain_span(parse("2019"), parse("2021/..")) == (epoch(2019, 1, 1), epoch(2021, 1, 1))
    assert certain_span(parse("2019/.."), parse("2021")) == (None, None)
    # a start range reaching past the end's earliest: nothing certain
    assert certain_span(parse("2019/2022"), parse("2021")) == (None, None)


def test_certain_span_lies_inside_the_bounds() -> None:
    for start, end in [("2019-05~", "2019-08~"), ("2023-07-31T10:00", "2023-07-31T12:30"), ("2018", "2020?")]:
        low, high = event_bounds(parse(start), parse(end))
        first, last = certain_span(parse(start), parse(end))
        assert low is not None and high is not None and first is not None and last is not None
        assert low <= first <= last <= high


def test_one_day() -> None:
    assert within_one_day(*event_bounds(parse("2023-07-31T14:05"), None))
    assert not within_one_day(*event_bounds(parse("2023-07"), None))
    assert not within_one_day(*event_bounds(parse("1950-01-01~"), None))
    assert within_one_day(*event_bounds(parse("1950-01-01"), None))  # before 1970: floor, not truncation


def test_flags() -> None:
    assert event_flags("2023-07-31", None, False, False) == 0
    assert event_flags(None, None, False, False) == EventFlag.UNDATED
    assert event_flags("2019~", "2021?", True, True) == (
        EventFlag.HAS_END
        | EventFlag.APPROXIMATE
        | EventFlag.UNCERTAIN
        | EventFlag.DISPUTED
        | EventFlag.CONFIDENCE_OVERRIDDEN
    )
    assert event_flags("2019%", None, False, False) == EventFlag.APPROXIMATE | EventFlag.UNCERTAIN


# --- text and pages --------------------------------------------------------------------------------------


def test_title_from_a_quote_is_one_line_cut_at_a_word() -> None:
    assert title_from_quote("  The aircraft\nlanded. ") == "The aircraft landed."
    long = "המטוס נחת בפיונגיאנג " * 20
    title = title_from_quote(long)
    assert len(title) <= 121 and title.endswith("…") and " " not in title[-3:]
    assert title_from_quote("   ") == "Untitled event"


def test_pages_from_page_starts() -> None:
    assert page_of(5, ()) is None
    starts = (0, 100, 250)
    assert [page_of(offset, starts) for offset in (0, 99, 100, 249, 250, 10_000)] == [1, 1, 2, 2, 3, 3]


def test_extractor_version_is_stable_within_a_run() -> None:
    assert date_extractor_version() == date_extractor_version() and len(date_extractor_version()) >= 8


# --- undo records ----------------------------------------------------------------------------------------


def test_inverse_swaps_rows_and_values_and_twice_is_the_same() -> None:
    row = StoredRow("evidence", (("id", 3), ("event_id", 1)))
    update = RowUpdate("events", (("id", 1),), (("title", "a"),), (("title", "b"),))
    edit = EventEdit("edit", (1,), "event", 1, inserted=(row,), updated=(update,))
    inverse = edit.inverse()
    assert inverse.deleted == (row,) and not inverse.inserted
    assert inverse.updated[0].after == (("title", "a"),)
    assert inverse.inverse() == edit
    assert edit.changed and not EventEdit("none", (1,), "event", 1).changed
