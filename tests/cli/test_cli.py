"""The `threadline` command, run as a real subprocess against real case files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEBREW_ARTICLE = "המטוס מדגם Il-62M נחת בפיונגיאנג לאחר עצירה בולדיווסטוק, כך דיווח NK News.\n"
ARABIC_ARTICLE = "وصلت الطائرة إلى بموسكو صباح الاثنين وغادرت إلى بيونغ يانغ.\n"


def threadline(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    (folder / "nested").mkdir(parents=True)
    (folder / "he.txt").write_bytes(HEBREW_ARTICLE.encode("windows-1255"))
    (folder / "nested" / "ar.txt").write_bytes(ARABIC_ARTICLE.encode("windows-1256"))
    (folder / "nested" / "en.md").write_text("# Wire\n\nThe Il-62M left Moscow for Pyongyang.\n")
    return folder


def test_new_import_list_show_search_verify(tmp_path: Path, corpus: Path) -> None:
    case = tmp_path / "case.threadline"
    created = threadline("new", str(case), "--title", "Il-62M flights", "--investigator", "Dana")
    assert created.returncode == 0, created.stderr
    assert "Il-62M flights" in created.stdout

    imported = threadline("import", str(case), str(corpus), "--published", "1 August 2023", "--json")
    assert imported.returncode == 0, imported.stderr
    outcomes = json.loads(imported.stdout)
    assert [o["status"] for o in outcomes] == ["imported"] * 3
    by_name = {Path(o["path"]).name: o["source_id"] for o in outcomes}

    listed = json.loads(threadline("sources", str(case), "--json").stdout)
    assert {s["language"] for s in listed} >= {"he", "ar"}
    assert all(s["published"] == "2023-08-01" for s in listed)

    shown = threadline("show", str(case), str(by_name["he.txt"]))
    assert shown.stdout == HEBREW_ARTICLE

    found = json.loads(threadline("search", str(case), "פיונגיאנג", "--json").stdout)
    assert found["total"] == 1
    hit = found["hits"][0]
    start, end = hit["offsets"][0]
    assert HEBREW_ARTICLE[start:end] == "בפיונגיאנג"

    human = threadline("search", str(case), "Il-62M")
    assert human.returncode == 0 and "2 source(s)" in human.stdout and "[Il-62M]" in human.stdout

    verified = threadline("verify", str(case))
    assert verified.returncode == 0 and "OK: 3 original(s)" in verified.stdout


def test_duplicates_and_failures_are_reported_and_exit_non_zero(tmp_path: Path, corpus: Path) -> None:
    case = tmp_path / "case.threadline"
    threadline("new", str(case))
    first = json.loads(threadline("import", str(case), str(corpus / "he.txt"), "--json").stdout)
    (corpus / "empty.txt").write_bytes(b"")
    again = threadline("import", str(case), str(corpus / "he.txt"), str(corpus / "empty.txt"), "--json")
    assert again.returncode == 1
    outcomes = {Path(o["path"]).name: o for o in json.loads(again.stdout)}
    assert outcomes["he.txt"]["status"] == "duplicate"
    assert outcomes["he.txt"]["source_id"] == first[0]["source_id"]
    assert outcomes["empty.txt"]["status"] == "failed" and outcomes["empty.txt"]["reason"]
    assert len(json.loads(threadline("sources", str(case), "--json").stdout)) == 1


def test_user_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    case = tmp_path / "case.threadline"
    threadline("new", str(case))
    cases = [
        (("search", str(case), '"unclosed'), "quote"),
        (("show", str(case), "99"), "no source #99"),
        (("import", str(case), str(tmp_path), "--published", "soon"), "not a date"),
        (("sources", str(tmp_path / "missing.threadline")), "No case file"),
        (("new", str(case)), "already exists"),
        (("new", str(tmp_path / "no-such-folder" / "x.threadline")), "There is no folder"),
        (("import-json", str(tmp_path / "new.threadline"), str(tmp_path / "nothere.json")), "no such file"),
    ]
    for args, message in cases:
        result = threadline(*args)
        assert result.returncode == 1, (args, result.stdout)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_with_json_an_error_is_also_a_json_object_on_stdout(tmp_path: Path) -> None:
    result = threadline("sources", str(tmp_path / "missing.threadline"), "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout) == {"error": f"No case file at {tmp_path / 'missing.threadline'}."}
    assert "No case file" in result.stderr


def test_verify_exits_non_zero_and_names_the_problem(tmp_path: Path, corpus: Path) -> None:
    import sqlite3

    case = tmp_path / "case.threadline"
    threadline("new", str(case))
    threadline("import", str(case), str(corpus / "he.txt"))
    with sqlite3.connect(case) as raw:
        raw.execute("UPDATE originals SET data = X'00'")
    result = threadline("verify", str(case), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert not report["ok"] and report["problems"][0]["what"] == "hash"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert threadline("search").returncode == 2
    assert threadline("frobnicate").returncode == 2
    refused = threadline("import", str(tmp_path / "c.threadline"), str(tmp_path), "--max-size", "0")
    assert refused.returncode == 2 and "must be at least 1" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_new_case_gets_the_suffix_and_stays_where_asked(tmp_path: Path) -> None:
    created = threadline("new", "evidence", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "evidence.threadline").is_file() and not (tmp_path / "evidence").exists()
    assert not (tmp_path / "no-such-folder").exists()


def test_a_damaged_case_gets_a_message_not_a_traceback(tmp_path: Path, corpus: Path) -> None:
    import sqlite3

    case = tmp_path / "case.threadline"
    threadline("new", str(case))
    threadline("import", str(case), str(corpus / "he.txt"))
    with sqlite3.connect(case) as raw:
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute("DELETE FROM source_texts")
    shown = threadline("show", str(case), "1")
    assert shown.returncode == 1 and "damaged" in shown.stderr and "Traceback" not in shown.stderr


def test_output_cut_short_by_its_reader_is_not_an_error_message(tmp_path: Path, corpus: Path) -> None:
    case = tmp_path / "case.threadline"
    threadline("new", str(case))
    for index in range(40):
        (corpus / f"note{index}.txt").write_text(f"Note {index} on the Il-62M.\n")
    threadline("import", str(case), str(corpus))
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    pipeline = subprocess.run(
        f"{sys.executable} -m app sources {case} | head -1",
        shell=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert pipeline.stdout.startswith("ID") and "Traceback" not in pipeline.stderr
