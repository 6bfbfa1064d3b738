"""``threadline entity …`` and ``threadline tag``, run as real subprocesses against real case files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEBREW = "המטוס נחת בפיונגיאנג ביום שלישי. שויגו הגיע לפיונגיאנג, ושוייגו נאם.\n"
ENGLISH = "Sergei Shoigu flew to Pyongyang; Shoygu met Kim Jong Un.\n"


def threadline(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env, timeout=120
    )


def _json(*args: str) -> object:
    result = threadline(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def case(tmp_path: Path) -> Path:
    path = tmp_path / "case.threadline"
    (tmp_path / "he.txt").write_text(HEBREW, encoding="utf-8")
    (tmp_path / "en.txt").write_text(ENGLISH, encoding="utf-8")
    assert threadline("new", str(path)).returncode == 0
    imported = threadline("import", str(path), str(tmp_path / "he.txt"), str(tmp_path / "en.txt"))
    assert imported.returncode == 0, imported.stderr
    return path


def test_add_find_accept_list_and_tag(case: Path) -> None:
    added = _json(
        "entity", "add", str(case), "--type", "person", "--name", "Sergei Shoigu", "--alias", "שויגו"
    )
    assert added["type"] == "person" and [a["text"] for a in added["aliases"]] == ["Sergei Shoigu", "שויגו"]

    found = _json("entity", "find", str(case), str(added["id"]))
    assert [(c["source_id"], c["text"], c["kind"]) for c in found] == [
        (1, "שויגו", "exact"),
        (1, "שוייגו", "variant"),
        (2, "Sergei Shoigu", "exact"),  # (Shoygu alone is no near miss: no alias is Shoigu alone)
    ]
    texts = {1: HEBREW, 2: ENGLISH}
    for candidate in found:
        assert texts[candidate["source_id"]][candidate["start"] : candidate["end"]] == candidate["text"]
        assert candidate["needs_review"] == (candidate["kind"] == "variant")

    exact = [str(c["id"]) for c in found if c["kind"] == "exact"]
    accepted = _json("entity", "accept", str(case), *exact)
    assert sorted(m["source_id"] for m in accepted["mentions"]) == [1, 2]

    listed = _json("entity", "list", str(case))
    assert listed[0]["mentions"] == 2 and listed[0]["sources"] == 2 and listed[0]["pending_candidates"] == 1

    start = HEBREW.index("פיונגיאנג")
    place = _json("entity", "add", str(case), "--type", "location", "--name", "Pyongyang")
    tagged = _json(
        "tag",
        str(case),
        "--source",
        "1",
        "--start",
        str(start),
        "--end",
        str(start + 9),
        "--entity",
        str(place["id"]),
    )
    assert tagged["text"] == "פיונגיאנג" and tagged["added_alias"] == "פיונגיאנג"


def test_human_readable_output(case: Path) -> None:
    added = threadline(
        "entity", "add", str(case), "--type", "location", "--name", "Pyongyang", "--alias", "פיונגיאנג"
    )
    assert added.returncode == 0 and "Added entity #1 “Pyongyang” (location)" in added.stdout
    found = threadline("entity", "find", str(case), "1")
    assert found.returncode == 0
    lines = found.stdout.splitlines()
    assert lines[0] == "3 candidate(s) for “Pyongyang” in 2 source(s):"
    assert "prefixed" in lines[1] and "“פיונגיאנג”" in lines[1]
    listed = threadline("entity", "list", str(case))
    assert listed.stdout.splitlines()[0].split() == [
        "ID",
        "TYPE",
        "MENTIONS",
        "SOURCES",
        "EVENTS",
        "PENDING",
        "NAME",
    ]
    accepted = threadline("entity", "accept", str(case), "1", "2")
    assert "Accepted 2 candidate(s) as 2 new mention(s)." in accepted.stdout
    again = threadline("entity", "accept", str(case), "1")
    assert "1 candidate(s) were already accepted." in again.stdout


def test_adding_a_spelling_another_entity_has_says_so(case: Path) -> None:
    first = _json(
        "entity",
        "add",
        str(case),
        "--type",
        "person",
        "--name",
        "Sergei Shoigu",
        "--alias",
        "Шойгу",
        "--json",
    )
    again = threadline("entity", "add", str(case), "--type", "person", "--name", "sergei shoigu")
    assert again.returncode == 0  # two people may share a name: told, not refused
    assert (
        f"Note: “sergei shoigu” is also a spelling of entity #{first['id']} “Sergei Shoigu”" in again.stdout
    )  # type: ignore[index]
    shared = _json(
        "entity", "add", str(case), "--type", "person", "--name", "S. Shoigu", "--alias", "ШОЙГУ", "--json"
    )
    assert shared["spellings_of_other_entities"] == [  # type: ignore[index]
        {"text": "ШОЙГУ", "entity_id": first["id"], "entity_name": "Sergei Shoigu"}  # type: ignore[index]
    ]


def test_errors_are_one_line_and_exit_1(case: Path) -> None:
    threadline("entity", "add", str(case), "--type", "person", "--name", "Shoigu")
    cases = [
        (("entity", "add", str(case), "--type", "ship", "--name", "X"), "no entity type “ship”"),
        (("entity", "find", str(case), "99"), "no entity #99"),
        (("entity", "accept", str(case), "12345"), "no mention candidate #12345"),
        (("tag", str(case), "--source", "1", "--start", "5", "--end", "999", "--entity", "1"), "outside"),
        (("tag", str(case), "--source", "7", "--start", "0", "--end", "3", "--entity", "1"), "no source #7"),
        (("entity", "list", str(case.with_name("missing.threadline"))), "No case file"),
    ]
    for args, message in cases:
        result = threadline(*args)
        assert result.returncode == 1, (args, result.stdout)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_usage_errors_exit_2(case: Path) -> None:
    assert threadline("entity").returncode == 2
    assert threadline("entity", "add", str(case), "--name", "No type").returncode == 2
    assert threadline("tag", str(case), "--source", "1").returncode == 2
