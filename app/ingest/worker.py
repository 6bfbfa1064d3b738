"""What a worker process does with one file: read it, hash it, extract it (and its attachments).

Kept apart from the pipeline so a worker imports only the importers, never the store (SQLAlchemy) or
anything else it does not need; everything here is picklable and never raises for bad input.
"""

from __future__ import annotations

import hashlib
import os
import stat
import traceback
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import ImportRejected, UnsupportedFormat
from app.core.records import Extraction, SourceMetadata
from app.core.source_prep import PreparedText, prepare_text
from app.ingest.limits import Limits
from app.ingest.registry import extract_bytes, too_large

BUG_REASON = "internal error while reading this file (details are in the log)"


@dataclass(frozen=True)
class FileResult:
    """What a worker learned about one original (picklable). ``children`` follow the attachments;
    ``prepared`` is the text's search form and dates, so the writer need not compute them."""

    sha256: str = ""
    extraction: Extraction | None = None
    prepared: PreparedText | None = None
    reason: str = ""  # the one-line reason when ``extraction`` is None
    unsupported: bool = False  # no importer reads this format (an image, a spreadsheet …)
    bug: str = ""  # the traceback of an unexpected error, for the log
    children: tuple[FileResult, ...] = ()


def read_original(path: Path, limits: Limits) -> bytes:
    """The bytes of a regular file within the size limit, or ``ImportRejected`` saying why not."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ImportRejected("file not found (moved or deleted?)") from None
    except OSError as exc:
        raise ImportRejected(f"cannot read: {_strerror(exc)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ImportRejected(_folder_problem(path))
    if not stat.S_ISREG(info.st_mode):
        raise ImportRejected("not a regular file (a device, pipe or socket)")
    if info.st_size > limits.max_file_bytes:
        raise ImportRejected(too_large(info.st_size, limits))
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):  # swapped since the stat above
                raise ImportRejected("not a regular file (a device, pipe or socket)")
            data = stream.read(limits.max_file_bytes + 1)
    except FileNotFoundError:
        raise ImportRejected("file not found (moved or deleted?)") from None
    except OSError as exc:
        raise ImportRejected(f"cannot read: {_strerror(exc)}") from None
    if len(data) > limits.max_file_bytes:
        raise ImportRejected(too_large(len(data), limits))
    return data


def _folder_problem(path: Path) -> str:
    try:
        with os.scandir(path):
            pass
    except OSError as exc:
        return f"cannot read folder: {_strerror(exc)}"
    return "is a folder"


def _strerror(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or type(exc).__name__).lower()


def extract_file(path: str, limits: Limits, overrides: SourceMetadata | None = None) -> FileResult:
    """Read, hash, extract and prepare one file. Top level so worker processes can run it; never raises.

    ``overrides`` are the metadata the import sets for every source (a publication date), which the
    date expressions are resolved against.
    """
    try:
        data = read_original(Path(path), limits)
    except ImportRejected as exc:
        return FileResult(reason=exc.message)
    return extract_tree(data, Path(path).name, limits, overrides=overrides)


def extract_tree(
    data: bytes,
    filename: str | None,
    limits: Limits,
    depth: int = 0,
    *,
    overrides: SourceMetadata | None = None,
) -> FileResult:
    """Extract an original and, recursively, the attachments it carries."""
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        extraction = extract_bytes(data, filename, limits)
        prepared = prepare_text(extraction, overrides)
    except UnsupportedFormat as exc:
        return FileResult(sha256, reason=exc.message, unsupported=True)
    except ImportRejected as exc:
        return FileResult(sha256, reason=exc.message)
    except MemoryError:
        return FileResult(sha256, reason="not enough memory to read this file")
    except RecursionError:
        return FileResult(sha256, reason="too deeply nested to read")
    except Exception:  # a bug, or a parser failing in a way nobody anticipated: log it, go on
        return FileResult(sha256, reason=BUG_REASON, bug=traceback.format_exc())
    children = tuple(
        _extract_child(item.data, item.filename, limits, depth, overrides) for item in extraction.attachments
    )
    return FileResult(sha256, extraction, prepared, children=children)


def _extract_child(
    data: bytes, filename: str, limits: Limits, depth: int, overrides: SourceMetadata | None
) -> FileResult:
    if depth + 1 >= limits.max_nesting:
        reason = f"attachment nested too deeply (limit {limits.max_nesting} levels)"
        return FileResult(hashlib.sha256(data).hexdigest(), reason=reason)
    return extract_tree(data, filename, limits, depth + 1, overrides=overrides)
