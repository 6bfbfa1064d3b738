"""Markdown notes and exports, stored as the readable text a person sees, not the markup.

The text is rebuilt from markdown-it-py's token stream: headings, paragraphs and code blocks become
paragraphs, list items keep a bullet or number, table cells are separated by tabs, links keep their
words (not their addresses), images their alt text. A YAML-style front matter block gives metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from app.core.errors import ImportRejected
from app.core.records import Extraction, SourceKind, SourceMetadata
from app.core.textnorm import guess_language, normalize_text
from app.ingest.html import edtf_date, html_text, language_tag
from app.ingest.limits import Limits
from app.ingest.text import decode_text, encoding_warning

_PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_BLOCK_ENDS = frozenset({"paragraph_close", "heading_close", "table_close", "blockquote_close"})


@dataclass
class _Writer:
    lines: list[str] = field(default_factory=list)
    lists: list[list[int]] = field(default_factory=list)  # [ordered (0/1), next number] per open list
    prefix: str | None = None  # bullet waiting for the first line of a list item
    row: list[str] | None = None
    in_heading: bool = False
    title: str | None = None

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def add(self, text: str) -> None:
        indent = "  " * len(self.lists)
        for line in text.split("\n"):
            if self.prefix is not None:
                self.lines.append(self.prefix + line)
                self.prefix = None
            else:
                self.lines.append(indent + line if self.lists and line else line)


def markdown_text(source: str) -> tuple[str, str | None]:
    """Plain text of a Markdown document (not yet normalised) and its first heading."""
    writer = _Writer()
    for token in _PARSER.parse(source):
        _handle(writer, token)
    text = "\n".join(writer.lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip(), writer.title


def _handle(writer: _Writer, token: Token) -> None:
    kind = token.type
    if kind in ("bullet_list_open", "ordered_list_open"):
        start = token.attrGet("start")
        writer.lists.append([kind == "ordered_list_open", int(start) if isinstance(start, int | str) else 1])
    elif kind in ("bullet_list_close", "ordered_list_close"):
        writer.lists.pop()
        if not writer.lists:
            writer.blank()
    elif kind == "list_item_open":
        ordered, number = writer.lists[-1]
        writer.prefix = "  " * (len(writer.lists) - 1) + (f"{number}. " if ordered else "• ")
        writer.lists[-1][1] += 1
    elif kind == "heading_open":
        writer.in_heading = True
    elif kind == "tr_open":
        writer.row = []
    elif kind == "tr_close":
        writer.add("\t".join(writer.row or []))
        writer.row = None
    elif kind == "inline":
        _inline(writer, token)
    elif kind in ("fence", "code_block"):
        writer.add(token.content.rstrip("\n"))
        writer.blank()
    elif kind == "html_block":
        writer.add(html_text(token.content, main_content_only=False))
        writer.blank()
    elif kind == "hr":
        writer.blank()
    elif kind in _BLOCK_ENDS or (kind == "paragraph_close" and not writer.lists):
        writer.in_heading = False
        if not writer.lists:
            writer.blank()


def _inline(writer: _Writer, token: Token) -> None:
    text = _inline_text(token)
    if writer.row is not None:
        writer.row.append(text.replace("\n", " "))
        return
    if writer.in_heading and writer.title is None and text.strip():
        writer.title = " ".join(text.split())
    writer.add(text)


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline_text(child) or child.content)
        elif child.type == "html_inline":
            continue  # a tag; the text around it is kept
    return "".join(parts)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def front_matter(source: str) -> tuple[dict[str, str], str]:
    """Simple ``key: value`` lines of a leading front matter block, and the document without it."""
    match = _FRONT_MATTER.match(source[:16_384])
    if match is None:
        return {}, source
    fields: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, colon, value = line.partition(":")
        if colon and key.strip() and not key.startswith((" ", "\t")):
            fields[key.strip().lower()] = value.strip().strip("\"'")
    return fields, source[match.end() :]


class MarkdownImporter:
    kind: SourceKind = SourceKind.MARKDOWN
    media_types: tuple[str, ...] = ("text/markdown",)
    extensions: tuple[str, ...] = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")

    def extract(self, data: bytes, filename: str | None, limits: Limits) -> Extraction:
        decoded = decode_text(data)
        fields, body = front_matter(normalize_text(decoded.text))
        raw_text, heading = markdown_text(body)
        text = normalize_text(raw_text)
        if not text.strip() and not fields:
            raise ImportRejected("empty file (only whitespace)")
        metadata = SourceMetadata(
            title=fields.get("title") or heading,
            author=fields.get("author") or None,
            published=edtf_date(fields.get("date")),
            language=language_tag(fields.get("lang") or fields.get("language")) or guess_language(text),
            extra={"encoding": decoded.encoding},
        )
        return Extraction(
            kind=self.kind,
            media_type="text/markdown",
            text=text,
            metadata=metadata,
            warnings=encoding_warning(decoded),
        )


MARKDOWN = MarkdownImporter()
