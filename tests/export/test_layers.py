"""The open exports run without Qt at all, and the PDF report without Qt's widgets (headless)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.export.casefile import Built

BLOCK = textwrap.dedent(
    """
    import importlib.abc, sys

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if any(name == blocked or name.startswith(blocked + ".") for blocked in BLOCKED):
                raise ImportError(f"{name} is not available here")
            return None

    sys.meta_path.insert(0, Block())
    """
)


def run(script: str) -> subprocess.CompletedProcess[str]:
    env_script = BLOCK + textwrap.dedent(script)
    return subprocess.run([sys.executable, "-c", env_script], capture_output=True, text=True, timeout=180)


def test_open_exports_need_no_qt(built: Built, tmp_path: Path) -> None:
    result = run(
        f"""
        BLOCKED = ("PySide6", "shiboken6", "pyqtgraph")
        from pathlib import Path
        from app.store import CaseStore
        from app.export import case_json, chart_data, csv_events, report, timelinejs, timesketch
        out = Path({str(tmp_path)!r})
        with CaseStore.open(Path({str(built.path)!r})) as store:
            assert len(report.load_report(store).entries) == 9
            csv_events.export_events_csv(store, out / "e.csv")
            timelinejs.export_timelinejs(store, out / "t.json")
            timesketch.export_timesketch(store, out / "t.jsonl")
            case_json.export_case_json(store, out / "c.json")
        case_json.import_case_json(out / "c.threadline", out / "c.json")
        assert not any(name.startswith("PySide6") for name in sys.modules)
        """
    )
    assert result.returncode == 0, result.stderr


def test_the_pdf_report_needs_no_widgets(built: Built, tmp_path: Path) -> None:
    result = run(
        f"""
        BLOCKED = ("PySide6.QtWidgets", "pyqtgraph", "app.ui")
        import os
        os.environ.pop("QT_QPA_PLATFORM", None)
        os.environ.pop("DISPLAY", None)
        from app.cli_export import main
        assert main(["export", "pdf", {str(built.path)!r}, {str(tmp_path / "r.pdf")!r}]) == 0
        assert "PySide6.QtGui" in sys.modules and "PySide6.QtWidgets" not in sys.modules
        """
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "r.pdf").stat().st_size > 10_000


def test_exports_reach_the_case_only_through_the_store_facade() -> None:
    """No SQLite in app/export: the JSON round trip reads and restores through ``CaseStore``."""
    import ast

    root = Path(__file__).resolve().parents[2] / "app" / "export"
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        imported = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
        forbidden = {"sqlite3", "app.store.engine", "app.store.fts"} & imported
        assert not forbidden, (path, forbidden)
        assert "PRAGMA" not in source and "sqlite_master" not in source, path
