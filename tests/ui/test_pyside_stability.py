"""Guard against the PySide6 release that corrupts the reference count of ``None``.

PySide6 6.12.0 drops one reference to ``None`` on every call of a void-returning Qt method under Python 3.11.
``None`` is not immortal before Python 3.12, so after a few thousand calls its count reaches zero and the
interpreter aborts ("deallocating None"), far from the call that caused it. 6.10 and 6.11 are clean, and
pyproject pins ``PySide6-Essentials<6.12``. These tests fail loudly if a later upgrade brings the bug back.
The calls run in a child process so that an abort fails this test instead of killing the test session.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import PySide6

CALLS_PER_KIND = 50_000
ALLOWED_DRIFT = 50  # unrelated objects holding None come and go; the bug loses one reference per call

CHILD = textwrap.dedent(
    """
    import gc, sys
    from PySide6.QtCore import QObject, QRect
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication([])
    widget, rect, qobject = QWidget(), QRect(), QObject()
    image = QImage(64, 64, QImage.Format.Format_ARGB32_Premultiplied)
    gc.collect()
    before = sys.getrefcount(None)
    painter = QPainter(image)
    for i in range({calls}):
        widget.setToolTip("tip")  # each of these returns void
        rect.setWidth(i)
        qobject.setObjectName("name")
        painter.drawLine(0, 0, i % 64, 63)
        painter.setPen(QColor(i % 256, 0, 0))
    painter.end()
    gc.collect()
    print(before, sys.getrefcount(None))
    """
)


def test_void_calls_keep_the_refcount_of_none() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.run(
        [sys.executable, "-c", CHILD.format(calls=CALLS_PER_KIND)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, (
        f"the interpreter died (status {child.returncode}) after void Qt calls; "
        f"PySide6 {PySide6.__version__} is probably corrupting the refcount of None.\n{child.stderr}"
    )
    before, after = (int(number) for number in child.stdout.split())
    assert before - after <= ALLOWED_DRIFT, (
        f"sys.getrefcount(None) fell from {before} to {after} over {5 * CALLS_PER_KIND} void calls"
    )


def test_installed_pyside6_is_not_the_broken_release() -> None:
    assert PySide6.__version__ != "6.12.0", (
        "PySide6 6.12.0 corrupts the refcount of None on void calls under Python 3.11 and the app aborts "
        "after a few thousand calls; install 6.10 or 6.11 (pyproject pins PySide6-Essentials<6.12)."
    )
