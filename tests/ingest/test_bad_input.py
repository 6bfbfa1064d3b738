"""Every kind of bad input ends in exactly one readable line of reason, never a traceback.

Each case is a real file on disk, read the way a worker process reads it (``worker.extract_file``).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from app.ingest.limits import Limits
from app.ingest.worker import BUG_REASON, extract_file
from tests.ingest.ingest_samples import (
    BILLION_LAUGHS,
    ENGLISH,
    ENTITY_BOMB_DOCUMENT,
    FONT,
    make_docx,
    make_pdf,
    rewritten_zip,
)

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01"
ELF_HEADER = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00"


def _encrypted_pdf() -> bytes:
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, ENGLISH)
    pdf.set_encryption(owner_password="o", user_password="u", encryption_method=EncryptionMethod.RC4)
    return bytes(pdf.output())


def _zip_bomb_docx() -> bytes:
    return rewritten_zip(make_docx(["Title", "Body"]), add={"word/media/bomb.bin": bytes(16 * 1024 * 1024)})


def _entity_bomb_docx() -> bytes:
    return rewritten_zip(make_docx(["T", "B"]), replace={"word/document.xml": ENTITY_BOMB_DOCUMENT})


def _plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "a")
    return buffer.getvalue()


CASES: list[tuple[str, Callable[[], bytes], str]] = [
    ("empty.txt", lambda: b"", "empty file"),
    ("empty.pdf", lambda: b"", "empty file"),
    ("photo.png", lambda: PNG_HEADER, "unsupported file type: .png"),
    ("old.doc", lambda: OLE_HEADER, "unsupported file type: .doc (old Word format; save it as .docx)"),
    ("archive.zip", _plain_zip, "unsupported file type: .zip"),
    ("photo.txt", lambda: PNG_HEADER, "looks like a binary file, not text"),
    ("program", lambda: ELF_HEADER, "looks like a binary file, not text"),
    ("archive.txt", _plain_zip, "looks like a binary file, not text"),
    ("cut.pdf", lambda: make_pdf([ENGLISH])[:300], None),  # "corrupt or unreadable PDF: …", checked below
    ("fake.pdf", lambda: b"plain words, whatever the name says", "corrupt or unreadable PDF: no PDF header"),
    ("locked.pdf", _encrypted_pdf, "encrypted PDF (password required)"),
    ("letter.docx", lambda: b"Dear sir, this was never a Word file.", "not a DOCX (not a zip archive)"),
    ("bomb.docx", _zip_bomb_docx, None),  # "DOCX part … is compressed N:1 (limit 100:1; possible zip bomb)"
    (
        "entities.docx",
        _entity_bomb_docx,
        "DOCX contains an XML DOCTYPE or entity declaration (possible entity bomb)",
    ),
    ("laughs.html", BILLION_LAUGHS.encode, "XML entity declarations are not allowed (possible entity bomb)"),
    ("laughs.xhtml", BILLION_LAUGHS.encode, "XML entity declarations are not allowed (possible entity bomb)"),
    ("blank.txt", lambda: b"\n \n", "empty file (only whitespace)"),
    ("note.eml", lambda: b"no headers at all\n", "not an e-mail (no From, To, Subject or Date header)"),
]


@pytest.mark.parametrize(("name", "make", "reason"), CASES, ids=[case[0] for case in CASES])
def test_bad_file_gets_one_line_of_reason(
    tmp_path: Path, name: str, make: Callable[[], bytes], reason: str | None
) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    result = extract_file(str(path), Limits())
    assert result.extraction is None
    assert result.bug == "" and result.reason != BUG_REASON
    assert "\n" not in result.reason and "Traceback" not in result.reason
    if reason is not None:
        assert result.reason == reason
    elif name == "cut.pdf":
        assert result.reason.startswith("corrupt or unreadable PDF: ")
    else:
        assert result.reason.startswith("DOCX part word/media/bomb.bin is compressed ")
        assert result.reason.endswith(":1 (limit 100:1; possible zip bomb)")


def test_file_over_the_size_limit_is_not_even_read(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 3000)
    result = extract_file(str(path), Limits(max_file_bytes=2048))
    assert result.reason == "file too large: 3 KB (limit 2 KB)"


def test_missing_file(tmp_path: Path) -> None:
    assert extract_file(str(tmp_path / "gone.txt"), Limits()).reason == "file not found (moved or deleted?)"


def test_folder_that_vanished(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    folder.rmdir()
    assert extract_file(str(folder), Limits()).reason == "file not found (moved or deleted?)"


def test_a_pipe_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert extract_file(str(fifo), Limits()).reason == "not a regular file (a device, pipe or socket)"


def run_without_root_powers(code: str) -> str:
    """Run Python code where file permissions apply (root normally ignores them)."""
    command = [sys.executable, "-c", code]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def test_unreadable_file_and_folder(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text("secret")
    locked.chmod(0)
    closed = tmp_path / "closed"
    closed.mkdir()
    (closed / "inside.txt").write_text("inside")
    closed.chmod(0)
    try:
        output = run_without_root_powers(
            "from app.ingest.worker import extract_file\n"
            "from app.ingest.limits import Limits\n"
            f"print(extract_file({str(locked)!r}, Limits()).reason)\n"
            f"print(extract_file({str(closed)!r}, Limits()).reason)\n"
        )
    finally:
        closed.chmod(0o755)
    assert output.splitlines() == ["cannot read: permission denied", "cannot read folder: permission denied"]
