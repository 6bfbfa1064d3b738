"""The domain, the store, the importers and the CLI's non-GUI commands run on a machine without Qt."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

BLOCK_QT = textwrap.dedent(
    """
    import importlib.abc, sys

    class NoQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph"):
                raise ImportError(f"{name} is not available in this headless test")
            return None

    sys.meta_path.insert(0, NoQt())
    """
)


def test_import_and_search_work_with_qt_absent(tmp_path: Path) -> None:
    (tmp_path / "he.txt").write_bytes("המטוס נחת בפיונגיאנג.".encode("windows-1255"))
    script = BLOCK_QT + textwrap.dedent(
        f"""
        import pkgutil, importlib
        import app.core, app.store, app.ingest
        for package in (app.core, app.store, app.ingest):
            for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
                if ".migrations" not in module.name:
                    importlib.import_module(module.name)
        from app.cli import main
        case = {str(tmp_path / "c.threadline")!r}
        assert main(["new", case]) == 0
        assert main(["import", case, {str(tmp_path / "he.txt")!r}]) == 0
        assert main(["search", case, "פיונגיאנג", "--json"]) == 0
        assert not any(name.startswith("PySide6") for name in sys.modules)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert '"total": 1' in result.stdout
