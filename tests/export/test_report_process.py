"""The report job as the export dialog runs it: ``python -m app.export.pdf`` in a child process, spoken to
in JSON lines, and ``ProcessTask`` listening to it without blocking the event loop."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from app.export.pdf.job import PdfJob, PdfSummary, preview_indices
from app.export.report import ReportFilters, ReportOptions, ReportPart
from app.ui.workers import ProcessTask
from tests.export.casefile import MARKING, Built

ROOT = Path(__file__).resolve().parents[2]


def child(job: PdfJob | str) -> tuple[int, list[dict[str, object]], str]:
    request = job if isinstance(job, str) else job.to_json()
    result = subprocess.run(
        [sys.executable, "-m", "app.export.pdf"],
        input=request,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    return result.returncode, [json.loads(line) for line in result.stdout.splitlines()], result.stderr


def test_a_job_survives_the_trip_as_json(built: Built, tmp_path: Path) -> None:
    options = ReportOptions(
        filters=ReportFilters(date_from="2023", tags=("flights",), entity_ids=(3,), min_confidence=None),
        parts=frozenset({ReportPart.CHART, ReportPart.SOURCES}),
        include_notes=True,
        marking=MARKING,
        time_zone="Asia/Jerusalem",
    )
    job = PdfJob(built.path, options, out=tmp_path / "r.pdf", nice=5)
    assert PdfJob.from_json(job.to_json()) == job


def test_the_child_writes_the_pdf_and_says_so_in_json_lines(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "child.pdf"
    code, messages, _errors = child(PdfJob(built.path, ReportOptions(marking=MARKING), out=out))
    assert code == 0
    progress = [m["progress"] for m in messages if "progress" in m]
    assert progress and progress[-1][0] == progress[-1][1]  # type: ignore[index]
    assert [m["progress"][0] for m in messages if "progress" in m] == sorted(  # type: ignore[index]
        m["progress"][0]
        for m in messages
        if "progress" in m  # type: ignore[index]
    )
    summary = PdfSummary.from_mapping(messages[-1]["result"])  # type: ignore[arg-type]
    assert summary.path == str(out) and summary.pages == len(PdfReader(out).pages) and summary.events == 9


def test_the_child_draws_preview_pages_as_png(built: Built) -> None:
    code, messages, _errors = child(PdfJob(built.path, ReportOptions(), preview_dpi=30))
    assert code == 0
    pages = [m for m in messages if "page" in m]
    summary = PdfSummary.from_mapping(messages[-1]["result"])  # type: ignore[arg-type]
    assert [p["page"] for p in pages] == preview_indices(summary.pages) and summary.path is None
    image = QImage.fromData(base64.b64decode(str(pages[0]["png"])), "PNG")
    assert (image.width(), image.height()) == (248, 351)  # A4 at 30 dpi


def test_a_mistake_is_a_message_and_a_bug_a_crash(tmp_path: Path) -> None:
    code, messages, _errors = child(PdfJob(tmp_path / "missing.threadline", out=tmp_path / "x.pdf"))
    assert code == 1 and "missing.threadline" in str(messages[-1]["error"])
    code, messages, _errors = child("{not json")
    assert code == 1 and "Not a report job" in str(messages[-1]["error"])
    assert not list(tmp_path.iterdir())


def test_process_task_reports_failure_and_crash(qtbot: QtBot, tmp_path: Path) -> None:
    job = PdfJob(tmp_path / "missing.threadline", out=tmp_path / "x.pdf")
    task = ProcessTask("app.export.pdf", job.to_json(), name="report")
    with qtbot.waitSignal(task.failed, timeout=60_000) as failed:
        task.start()
    assert "missing.threadline" in failed.args[0]
    broken = ProcessTask("app.export.no_such_module", "", name="report", cleanup=[tmp_path / "partial"])
    (tmp_path / "partial").write_bytes(b"half")
    with qtbot.waitSignal(broken.crashed, timeout=60_000) as crashed:
        broken.start()
    assert "Sorry" in crashed.args[0] and not (tmp_path / "partial").exists()


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo"])
def test_the_job_takes_the_zone_to_the_child(built: Built, tmp_path: Path, zone: str) -> None:
    out = tmp_path / "zoned.pdf"
    code, _messages, errors = child(PdfJob(built.path, ReportOptions(time_zone=zone), out=out))
    assert code == 0, errors
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert ("Axis times in UTC." if zone == "UTC" else "Axis times in Asia/Tokyo (UTC+09:00)") in text
