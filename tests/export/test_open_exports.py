"""CSV, TimelineJS and Timesketch exports of a real case, read back with the tools their users have."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from app.core.errors import Cancelled
from app.core.event_records import LaneGrouping
from app.core.progress import CancelToken
from app.export.csv_events import CSV_COLUMNS, export_events_csv
from app.export.report import ReportFilters, ReportOptions
from app.export.timelinejs import export_timelinejs
from app.export.timesketch import FIELDS, export_timesketch
from app.store import CaseStore
from tests.export.casefile import ARABIC_QUOTE, HEBREW_QUOTE, Built


@pytest.fixture
def store(built: Built) -> Iterator[CaseStore]:
    with CaseStore.open(built.path) as opened:
        yield opened


# --- CSV ------------------------------------------------------------------------------------------------


def test_csv_has_one_row_per_event_and_pandas_reads_it(
    store: CaseStore, built: Built, tmp_path: Path
) -> None:
    path = tmp_path / "events.csv"
    result = export_events_csv(store, path)
    assert result.items == 9
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, encoding="utf-8", dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(CSV_COLUMNS)
    assert len(frame) == 9 and frame["id"].is_unique
    landing = frame.set_index("id").loc[str(built.events["landing"])]
    assert landing["start_edtf"] == "2023-07-31"
    assert (
        landing["earliest_utc"] == "2023-07-31T00:00:00Z" and landing["latest_utc"] == "2023-07-31T23:59:59Z"
    )
    assert landing["disputed"] == "yes"
    quotes = landing["evidence_quotes"].split("\n")
    assert quotes[0] == HEBREW_QUOTE and quotes[2] == ARABIC_QUOTE
    assert (
        landing["evidence_source_ids"]
        == f"{built.sources['he']}; {built.sources['en']}; {built.sources['ar']}"
    )
    refs = landing["evidence_refs"].split("; ")
    source, span, stance, _credibility = refs[2].split(":")
    start, end = map(int, span.split("-"))
    assert store.source_text(int(source))[start:end] == ARABIC_QUOTE and stance == "contradicts"
    parsed = pd.to_datetime(frame["earliest_utc"].replace("", None), utc=True)
    assert parsed.notna().sum() == 7  # undated and "before …" have no earliest
    undated = frame.set_index("id").loc[str(built.events["rumour"])]
    assert undated["start_edtf"] == "" and undated["date_text"] == "Undated"


def test_csv_with_bom_for_excel_and_formula_protection(store: CaseStore, tmp_path: Path) -> None:
    edit = store.events.create('=HYPERLINK("http://example.org")', "2024-01-02", description="@SUM(A1)")
    path = tmp_path / "excel.csv"
    export_events_csv(store, path, bom=True, excel_safe=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False).set_index("id")
    row = frame.loc[str(edit.object_id)]
    assert row["title"] == '\'=HYPERLINK("http://example.org")' and row["description"] == "'@SUM(A1)"
    assert row["start_edtf"] == "2024-01-02"  # dates are not text cells: never prefixed
    plain = tmp_path / "plain.csv"
    export_events_csv(store, plain, filters=ReportFilters(date_from="2024"))
    with plain.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [r["title"] for r in rows] == ['=HYPERLINK("http://example.org")']  # exact unless asked
    store.events.delete(edit.object_id or 0)


def test_csv_follows_the_report_filters(store: CaseStore, built: Built, tmp_path: Path) -> None:
    path = tmp_path / "flights.csv"
    result = export_events_csv(store, path, filters=ReportFilters(tags=("flights",), include_disputed=False))
    frame = pd.read_csv(path, dtype=str)
    assert result.items == 1 and list(frame["id"]) == [str(built.events["departure"])]


def test_cancelled_export_leaves_nothing(store: CaseStore, tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        export_events_csv(store, tmp_path / "x.csv", cancel=token)
    assert list(tmp_path.iterdir()) == []


# --- TimelineJS -----------------------------------------------------------------------------------------


def test_timelinejs_dates_keep_their_precision(store: CaseStore, built: Built, tmp_path: Path) -> None:
    path = tmp_path / "timeline.json"
    result = export_timelinejs(store, path, ReportOptions(lanes=LaneGrouping.CATEGORY))
    document = json.loads(path.read_text(encoding="utf-8"))
    assert result.items == 8 and result.skipped == 1  # the undated event cannot be placed
    slides = {slide["unique_id"]: slide for slide in document["events"]}
    ev = built.events

    def slide(key: str) -> dict[str, object]:
        return slides[f"event-{ev[key]}"]

    assert slide("landing")["start_date"] == {"year": 2023, "month": 7, "day": 31}
    assert "end_date" not in slide("landing")
    assert (
        slide("seen2019")["start_date"] == {"year": 2019} and slide("seen2019")["display_date"] == "c. 2019"
    )
    assert slide("cargo")["start_date"] == {"year": 2023, "month": 6}  # summer: June to August
    assert slide("cargo")["end_date"] == {"year": 2023, "month": 8}
    assert slide("stay")["end_date"] == {"year": 2023, "month": 8, "day": 3}
    assert slide("talks")["start_date"] == {"year": 2023, "month": 8, "day": 1}
    assert slide("talks")["end_date"] == {"year": 2023, "month": 8, "day": 10}
    assert slide("departure")["start_date"] == {"year": 2023, "month": 8, "day": 1, "hour": 14, "minute": 5}
    assert slide("departure")["display_date"] == "1 August 2023, 14:05 (UTC+9)"
    assert slide("earlier")["start_date"] == {"year": 2019, "month": 12}
    assert slide("earlier")["display_date"] == "December 2019 or earlier"
    assert slide("landing")["group"] == "movement" and slide("denial")["group"] == "statement"
    assert document["title"]["text"]["headline"] == "Operation Night Flight"


def test_timelinejs_text_carries_quotes_with_citations(
    store: CaseStore, built: Built, tmp_path: Path
) -> None:
    path = tmp_path / "timeline.json"
    export_timelinejs(store, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    landing = next(s for s in document["events"] if s["unique_id"] == f"event-{built.events['landing']}")
    text = landing["text"]["text"]
    assert f'<blockquote dir="auto">{HEBREW_QUOTE}</blockquote>' in text
    assert "[2] characters" in text and "[4] characters" in text and "contradicts" in text
    assert "<strong>two</strong>" in text  # the description's Markdown
    sha = store.source(built.sources["he"]).sha256
    assert f"SHA-256 {sha}" in text and "https://example.org/haaretz/il62" in text
    store.events.update(built.events["stay"], {"description": "<script>alert(1)</script>"})
    export_timelinejs(store, path)
    stay = next(
        s for s in json.loads(path.read_text())["events"] if s["unique_id"] == f"event-{built.events['stay']}"
    )
    assert "<script>" not in stay["text"]["text"]  # raw HTML in a description is not passed on
    store.events.update(built.events["stay"], {"description": ""})


# --- Timesketch -----------------------------------------------------------------------------------------


def test_timesketch_jsonl_rows_have_the_required_fields(
    store: CaseStore, built: Built, tmp_path: Path
) -> None:
    path = tmp_path / "events.jsonl"
    result = export_timesketch(store, path)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == result.items == 9 and result.skipped == 1  # 8 dated events, one of them lasting
    for row in rows:
        assert {"message", "datetime", "timestamp", "timestamp_desc"} <= row.keys()
        assert row["datetime"].endswith("+00:00")
        assert pd.Timestamp(row["datetime"]).value // 1000 == row["timestamp"]
    stay = [row for row in rows if row["threadline_event_id"] == built.events["stay"]]
    assert [row["timestamp_desc"].split(" (")[0] for row in stay] == ["Event start", "Event end"]
    assert stay[1]["datetime"] == "2023-08-03T23:59:59+00:00"
    earlier = next(row for row in rows if row["threadline_event_id"] == built.events["earlier"])
    assert earlier["timestamp_desc"].startswith("Event (latest possible, open start")
    seen = next(row for row in rows if row["threadline_event_id"] == built.events["seen2019"])
    assert "year precision, approximate" in seen["timestamp_desc"] and seen["datetime"].startswith(
        "2018-01-01"
    )
    landing = next(row for row in rows if row["threadline_event_id"] == built.events["landing"])
    assert HEBREW_QUOTE in landing["threadline_evidence"] and landing["threadline_disputed"] is True


def test_timesketch_csv(store: CaseStore, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    export_timesketch(store, path)
    frame = pd.read_csv(path, dtype=str)
    assert list(frame.columns) == list(FIELDS) and len(frame) == 9
    assert set(frame["threadline_disputed"]) == {"true", "false"}
