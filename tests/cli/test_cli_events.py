"""`threadline event add|list` and `threadline dates`, run as real subprocesses against real case files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import build_parser

WIRE = "On 31 July 2023 the Il-62M landed in Pyongyang.\nThe ministry denied it the next day.\n"
HEBREW = "ב-31 ביולי 2023 נחת המטוס בפיונגיאנג. אתמול יצאה המשלחת.\n"

pytestmark = pytest.mark.skipif(
    "event" not in build_parser().format_help(),
    reason="app/cli.py does not register app.cli_events yet",
)


def threadline(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env, timeout=120
    )


def ok(*args: str) -> str:
    result = threadline(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def case(tmp_path: Path) -> Path:
    path = tmp_path / "case.threadline"
    ok("new", str(path), "--title", "Flights")
    (tmp_path / "wire.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "he.txt").write_text(HEBREW, encoding="utf-8")
    return path


@pytest.fixture
def ids(case: Path, tmp_path: Path) -> dict[str, int]:
    files = (str(tmp_path / "wire.txt"), str(tmp_path / "he.txt"))
    imported = json.loads(ok("import", str(case), *files, "--published", "2023-08-02", "--json"))
    return {Path(outcome["path"]).stem: outcome["source_id"] for outcome in imported}


def test_add_and_list_events_with_evidence(case: Path, ids: dict[str, int]) -> None:
    landed = WIRE.index("the Il-62M landed in Pyongyang")
    denied = WIRE.index("The ministry denied it")
    added = json.loads(
        ok(
            "event",
            "add",
            str(case),
            "--title",
            "Il-62M lands",
            "--date",
            "2023-07-31",
            "--evidence",
            f"{ids['wire']}:{landed}-{landed + 30}:supports:2",
            "--evidence",
            f"{ids['wire']}:{denied}-{denied + 22}:contradicts",
            "--json",
        )
    )
    assert added["start"] == "2023-07-31" and added["end"] is None
    assert (added["earliest"], added["latest"]) == ("2023-07-31T00:00:00Z", "2023-07-31T23:59:59Z")
    assert added["disputed"] is True
    assert [q["quote"] for q in added["evidence"]] == [
        "the Il-62M landed in Pyongyang",
        "The ministry denied it",
    ]
    assert [(q["stance"], q["grade"]) for q in added["evidence"]] == [
        ("supports", "F2"),
        ("contradicts", "F6"),
    ]

    human = ok("event", "add", str(case), "--title", "נחיתה", "--date", "2023-07~", "--end", "2023-08")
    assert "Added event #2 “נחיתה” (2023-07~ – 2023-08" in human

    listed = json.loads(ok("event", "list", str(case), "--json"))
    assert [e["title"] for e in listed] == ["נחיתה", "Il-62M lands"]  # by date: c. July starts in June
    assert listed[0]["earliest"] == "2023-06-01T00:00:00Z" and listed[0]["latest"] == "2023-08-31T23:59:59Z"
    assert listed[1]["confidence"] == "possible" and listed[1]["suggested_confidence"] == "possible"

    text = ok("event", "list", str(case))
    assert "#1  2023-07-31  possible DISPUTED  Il-62M lands" in text
    assert "2023-07-31T00:00:00Z – 2023-07-31T23:59:59Z" in text
    assert "− #1 wire:" in text and "“The ministry denied it”" in text


def test_add_with_entities(case: Path) -> None:
    import sqlite3

    with sqlite3.connect(case) as raw:  # an entity, as the entities panel would have made it
        raw.execute(
            "INSERT INTO entities (id, type_id, name, description, notes, created_at) "
            "VALUES (7, 1, 'Sergei Shoigu', '', '', '2026-01-01 00:00:00')"
        )
    added = json.loads(
        ok("event", "add", str(case), "--title", "Visit", "--date", "2023-08", "--entity", "7", "--json")
    )
    assert added["participants"] == [{"entity_id": 7, "name": "Sergei Shoigu", "type": "person", "role": ""}]


def test_a_bidi_override_in_a_title_is_shown_not_obeyed(case: Path) -> None:
    title = "Invoice \u202eexe.fdp"  # displays as "Invoice pdf.exe" where the override is obeyed
    added = ok("event", "add", str(case), "--title", title, "--date", "2023")
    listed = ok("event", "list", str(case))
    for output in (added, listed):
        assert "Invoice ⟦RLO⟧exe.fdp" in output and "\u202e" not in output
    assert json.loads(ok("event", "list", str(case), "--json"))[0]["title"] == title  # stored as given


def test_dates_of_a_source(case: Path, ids: dict[str, int]) -> None:
    found = json.loads(ok("dates", str(case), str(ids["he"]), "--json"))
    assert [(d["text"], d["edtf"], d["inferred"]) for d in found] == [
        ("31 ביולי 2023", "2023-07-31", False),
        ("אתמול", "2023-08-01", True),
    ]
    assert HEBREW[found[0]["start"] : found[0]["end"]] == "31 ביולי 2023"
    assert found[1]["relative"] is True and found[1]["note"]
    text = ok("dates", str(case), str(ids["wire"]))
    assert text.startswith("3-15  2023-07-31") and "stated" in text and "“31 July 2023”" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("event", "add", "{case}", "--title", "x", "--date", "soon"), "not a date"),
        (
            ("event", "add", "{case}", "--title", "x", "--date", "2023-08-02", "--end", "2023-07-01"),
            "before it",
        ),
        (
            ("event", "add", "{case}", "--title", "x", "--date", "2023", "--evidence", "1:5"),
            "SOURCE:START-END",
        ),
        (
            ("event", "add", "{case}", "--title", "x", "--date", "2023", "--evidence", "1:5-9999"),
            "outside the source's text",
        ),
        (
            ("event", "add", "{case}", "--title", "x", "--date", "2023", "--evidence", "1:0-5:supports:7"),
            "1 to 6",
        ),
        (
            ("event", "add", "{case}", "--title", "x", "--date", "2023", "--evidence", "99:0-5"),
            "no source #99",
        ),
        (("event", "add", "{case}", "--title", "x", "--date", "2023", "--entity", "42"), "no entity #42"),
        (("event", "add", "{case}", "--title", " ", "--date", "2023"), "needs a title"),
        (("dates", "{case}", "99"), "no source #99"),
        (("event", "list", "{missing}"), "No case file"),
    ],
)
def test_user_errors_are_one_line_and_change_nothing(
    case: Path, ids: dict[str, int], tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = threadline(*(a.format(case=case, missing=tmp_path / "missing.threadline") for a in args))
    assert result.returncode == 1, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(ok("event", "list", str(case), "--json")) == []


@pytest.mark.parametrize(
    ("typed", "edtf", "reading"),
    [
        # what the GUI's date field shows for the same text (tests/ui/test_date_edit.py)
        (
            "08/01/2023",
            "2023-01-08?",
            "8 January 2023? · EDTF 2023-01-08? (day/month order assumed day-first)",
        ),
        ("31 July 2023", "2023-07-31", "31 July 2023 · EDTF 2023-07-31"),
        ("July 2023", "2023-07", "July 2023 · EDTF 2023-07"),
        ("2023/08/01", "2023-08-01", "1 August 2023 · EDTF 2023-08-01"),  # year first: unambiguous
        ("31.07.2023", "2023-07-31", "31 July 2023 · EDTF 2023-07-31"),
        ("2019~", "2019~", "c. 2019 · EDTF 2019~"),
    ],
)
def test_event_add_reads_dates_as_the_date_field_does(
    case: Path, typed: str, edtf: str, reading: str
) -> None:
    printed = ok("event", "add", str(case), "--title", "Landing", "--date", typed)
    assert f"--date “{typed}” reads as {reading}\n" in printed
    assert json.loads(ok("event", "list", str(case), "--json"))[0]["start"] == edtf


def test_event_add_counts_relative_dates_from_the_quoted_source(case: Path, ids: dict[str, int]) -> None:
    landed = WIRE.index("the Il-62M landed")
    result = threadline(
        "event", "add", str(case), "--title", "Landing", "--date", "yesterday",
        "--evidence", f"{ids['wire']}:{landed}-{landed + 17}", "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["start"] == "2023-08-01", (
        "the JSON stays clean; the reading goes to stderr"
    )
    assert "reads as 1 August 2023 · EDTF 2023-08-01 (counted from 2 August 2023)" in result.stderr


@pytest.mark.parametrize(
    ("date_args", "message"),
    [
        (("--date", ""), "--date: Type a date"),
        (("--date", "   "), "--date: Type a date"),
        (("--date", "2023-13-01"), "--date: There is no month 13."),
        (("--date", "2023/02/30"), "--date: 2023-02 has no day 30."),
        (("--date", "soon"), "--date: “soon” is not a date Threadline can read"),
        (("--date", "2023-08-02", "--end", "2023-13"), "--end: There is no month 13."),
    ],
)
def test_event_add_refuses_a_date_it_cannot_read(
    case: Path, date_args: tuple[str, ...], message: str
) -> None:
    result = threadline("event", "add", str(case), "--title", "Landing", *date_args)
    assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert json.loads(ok("event", "list", str(case), "--json")) == []


def test_malformed_command_lines_exit_2(case: Path) -> None:
    assert threadline("event", "add", str(case), "--date", "2023").returncode == 2  # no --title
    assert (
        threadline("event", "add", str(case), "--title", "x", "--date", "2023", "--entity", "x").returncode
        == 2
    )
    assert threadline("dates", str(case)).returncode == 2


# --- threadline gui --open LINK -----------------------------------------------------------------------------

# The real entry point in a child process, offscreen: it reports what the window shows once the event is
# in the editor or a message box has come up (or after thirty seconds), then quits.
GUI_PROBE = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
application = QApplication(sys.argv[:1])
waited = 0

def probe():
    global waited
    waited += 1
    window = next((w for w in application.topLevelWidgets() if hasattr(w, "events")), None)
    box = window.findChild(QMessageBox, "message_box") if window is not None else None
    shown = window.events.editor.event_id() if window is not None else None
    if shown is None and (box is None or not box.isVisible()) and waited < 300:
        QTimer.singleShot(100, probe)
        return
    store = window.store if window is not None else None
    print(json.dumps({
        "case": store.path.name if store is not None else None,
        "event": shown,
        "message": box.text() if box is not None else None,
    }))
    application.quit()

QTimer.singleShot(100, probe)
from app.cli import main
sys.exit(main(sys.argv[1:]))
"""


def gui(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONIOENCODING": "utf-8",
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
    }
    return subprocess.run(
        [sys.executable, "-c", GUI_PROBE, "gui", *args], capture_output=True, text=True, env=env, timeout=120
    )


def shown(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def link_to(case: Path, event_id: int) -> str:
    from app.core.event_records import EventLink, case_key
    from app.store import CaseStore

    store = CaseStore.open(case)
    try:
        return EventLink(case.name, event_id, case_key(store.case_info().created_at)).url()
    finally:
        store.close()


def test_gui_open_link_shows_the_event(case: Path, tmp_path: Path) -> None:
    event_id = json.loads(
        ok("event", "add", str(case), "--title", "Landing", "--date", "2023-07-31", "--json")
    )["id"]
    link = link_to(case, event_id)
    assert link.startswith(f"threadline://case/case.threadline/event/{event_id}?case=")
    [listed] = json.loads(ok("event", "list", str(case), "--json"))
    assert listed["link"] == link, "event list gives the link the app copies"
    window = shown(gui(tmp_path, str(case), "--open", link))
    assert window == {"case": "case.threadline", "event": event_id, "message": None}

    missing = shown(gui(tmp_path, str(case), "--open", link_to(case, 999)))
    assert missing["event"] is None
    assert "There is no event #999 in this case" in str(missing["message"])


def test_gui_with_a_bare_link_finds_its_case_in_the_case_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "Threadline" / "cases"
    folder.mkdir(parents=True)
    case = folder / "Il-62M טיסות.threadline"
    ok("new", str(case), "--title", "Flights")
    event_id = json.loads(
        ok("event", "add", str(case), "--title", "Landing", "--date", "2023-07-31", "--json")
    )["id"]
    window = shown(gui(tmp_path, link_to(case, event_id)))
    assert window == {"case": case.name, "event": event_id, "message": None}


def test_gui_link_to_another_case_of_the_same_name_says_so(case: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "case.threadline"
    other.parent.mkdir()
    ok("new", str(other), "--title", "Another case, same file name")
    ok("event", "add", str(other), "--title", "Elsewhere", "--date", "2020")
    event_id = json.loads(
        ok("event", "add", str(case), "--title", "Landing", "--date", "2023-07-31", "--json")
    )["id"]
    window = shown(gui(tmp_path, str(other), "--open", link_to(case, event_id)))
    assert window["event"] is None
    assert "another case that is also called" in str(window["message"])


def test_gui_refuses_a_malformed_link_before_starting(case: Path, tmp_path: Path) -> None:
    result = gui(tmp_path, str(case), "--open", "threadline://case/case.threadline/source/3")
    assert result.returncode == 1
    assert result.stderr.startswith("threadline: ") and "is not a link to an event" in result.stderr
    assert "Traceback" not in result.stderr
