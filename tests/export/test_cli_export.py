"""``threadline export …`` and ``threadline import-json`` as real subprocesses on a real case, headless."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from app.cli import build_parser
from tests.export.casefile import MARKING, Built
from tests.export.pdftext import pdf_pages, plain

#: Through ``threadline`` itself once app/cli.py registers the commands; until then, the module's own entry.
ENTRY = ["-m", "app"] if "export" in build_parser().format_help() else ["-m", "app.cli_export"]


def threadline(*args: str, display: bool = False) -> subprocess.CompletedProcess[str]:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("QT_", "DISPLAY", "WAYLAND"))
    }
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, *ENTRY, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def ok(*args: str) -> str:
    result = threadline(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_export_pdf_without_a_display(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    summary = json.loads(
        ok(
            "export",
            "pdf",
            str(built.path),
            str(out),
            "--marking",
            MARKING,
            "--paper",
            "letter",
            "--landscape",
            "--tag",
            "flights",
            "--from",
            "2023-07",
            "--lanes",
            "entity",
            "--json",
        )
    )
    assert summary["events"] == 2 and summary["pages"] == len(PdfReader(out).pages)
    box = PdfReader(out).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (792, 612)
    pages = pdf_pages(out)
    assert all(MARKING in plain(page) for page in pages)
    assert "Tagged “flights”" in plain(pages[0])


def test_export_pdf_parts_and_entity_filter(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "parts.pdf"
    text = ok(
        "export",
        "pdf",
        str(built.path),
        str(out),
        "--parts",
        "chronology,sources",
        "--entity",
        str(built.entities["delegation"]),
        "--no-disputed",
    )
    assert text.startswith(f"Wrote {out}:") and "2 events" in text
    assert "Threadline · Cover" not in plain("\n".join(pdf_pages(out)))


def test_a_pdf_written_under_another_extension_is_pointed_out(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    result = threadline("export", "pdf", str(built.path), str(out), "--parts", "sources")
    assert result.returncode == 0, result.stderr
    assert "report.txt holds a PDF file despite its name" in result.stderr
    assert out.read_bytes().startswith(b"%PDF-")


def test_open_formats(built: Built, tmp_path: Path) -> None:
    csv_out, js_out = tmp_path / "events.csv", tmp_path / "timeline.json"
    assert json.loads(ok("export", "csv", str(built.path), str(csv_out), "--bom", "--json"))["events"] == 9
    assert len(pd.read_csv(csv_out, encoding="utf-8-sig")) == 9
    summary = json.loads(ok("export", "timelinejs", str(built.path), str(js_out), "--json"))
    assert summary == {
        "path": str(js_out),
        "events": 8,
        "undated_left_out": 1,
        "bytes": js_out.stat().st_size,
    }
    for name in ("sketch.jsonl", "sketch.csv"):
        out = tmp_path / name
        assert "undated event(s) left out" in ok("export", "timesketch", str(built.path), str(out))
        assert out.stat().st_size > 0


def test_json_round_trip_through_the_command_line(built: Built, tmp_path: Path) -> None:
    exported, copy = tmp_path / "case.json", tmp_path / "copy.threadline"
    assert json.loads(ok("export", "json", str(built.path), str(exported), "--json"))["tables"] >= 19
    summary = json.loads(ok("import-json", str(copy), str(exported), "--json"))
    assert summary["title"] == "Operation Night Flight" and summary["sources"] == 6
    assert (
        "OK:"
        in subprocess.run(
            [sys.executable, "-m", "app", "verify", str(copy)], capture_output=True, text=True, check=True
        ).stdout
    )


def test_mistakes_are_one_line_with_status_1(built: Built, tmp_path: Path) -> None:
    result = threadline("export", "pdf", str(built.path), str(tmp_path / "x.pdf"), "--tag", "nope")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("threadline: No event has the tag “nope”")
    result = threadline("export", "csv", str(built.path), str(tmp_path / "missing" / "x.csv"))
    assert result.returncode == 1 and "does not exist" in result.stderr
    result = threadline("import-json", str(built.path), str(tmp_path / "x.json"))
    assert result.returncode == 1 and "already exists" in result.stderr
    result = threadline("export", "pdf", str(built.path), str(tmp_path / "x.pdf"), "--paper", "a3")
    assert result.returncode == 2
    result = threadline(
        "export", "pdf", str(built.path), str(tmp_path / "x.pdf"), "--parts", "cover,appendix"
    )
    assert result.returncode == 1 and "--parts" in result.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("command", [["export", "--help"], ["import-json", "--help"]])
def test_help(command: list[str]) -> None:
    assert "usage" in ok(*command)


def test_export_pdf_in_a_time_zone(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "jerusalem.pdf"
    summary = json.loads(ok("export", "pdf", str(built.path), str(out), "--tz", "Asia/Jerusalem", "--json"))
    assert summary["time_zone"] == "Asia/Jerusalem" and summary["pages"] == len(PdfReader(out).pages)
    text = plain("\n".join(pdf_pages(out)))
    assert "Axis times in Asia/Jerusalem (UTC+03:00)" in text  # the chart's window is in summer 2023
    wrong = threadline("export", "pdf", str(built.path), str(tmp_path / "x.pdf"), "--tz", "Nowhere/Land")
    assert wrong.returncode == 1 and "--tz: there is no time zone “Nowhere/Land”" in wrong.stderr
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--category", "nosuch", "No event has the category “nosuch” (categories of events: "),
        ("--tag", "nosuch", "No event has the tag “nosuch” (tags on events: "),
        ("--entity", "999", "No entity #999 in this case (entities taking part in events: #"),
    ],
)
@pytest.mark.parametrize("kind", ["pdf", "csv", "timelinejs", "timesketch"])
def test_an_unknown_filter_name_is_an_error_naming_what_exists(
    built: Built, tmp_path: Path, kind: str, option: str, value: str, message: str
) -> None:
    """A mistyped category, tag or entity must not quietly give an empty report: every export refuses it
    alike (one line, status 1, the names the case has) and writes nothing."""
    out = tmp_path / ("x.jsonl" if kind == "timesketch" else "x.out")
    result = threadline("export", kind, str(built.path), str(out), option, value)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("threadline: " + message), result.stderr
    assert not list(tmp_path.iterdir())


def test_a_known_category_gives_a_report_of_that_category(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "movement.pdf"
    summary = json.loads(
        ok(
            "export",
            "pdf",
            str(built.path),
            str(out),
            "--category",
            "movement",
            "--parts",
            "chronology",
            "--json",
        )
    )
    assert summary["events"] > 0
    text = plain("\n".join(pdf_pages(out)))
    assert text.count("category: movement") == summary["events"] and "category: meeting" not in text
