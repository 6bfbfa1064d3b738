"""Safety limits applied to every imported file.

Investigators import whatever they were sent, including files built to hurt the tool that opens them
(zip bombs, entity bombs, PDFs with a million pages). Every importer checks its input against these limits
*before* handing it to a parser, and reports a breach as an ordinary ``ImportRejected`` reason.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 250 * MB  # any single original, on disk or inside an e-mail
    max_uncompressed_bytes: int = 500 * MB  # sum of a DOCX's members once unzipped
    max_compression_ratio: float = 100.0  # per large zip member; real Office XML stays far below
    max_zip_members: int = 10_000
    max_pdf_pages: int = 10_000
    max_attachments: int = 500  # per e-mail
    max_nesting: int = 3  # e-mail attached to an e-mail attached to an e-mail …

    def __post_init__(self) -> None:
        for item in fields(self):
            if getattr(self, item.name) <= 0:
                raise ValueError(f"Limits.{item.name} must be positive")


def human_size(size: int) -> str:
    """A size as people read it in a rejection reason: ``"312.4 MB"``, ``"12 KB"``, ``"800 bytes"``."""
    if size >= MB:
        return f"{size / MB:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"
