"""Saved web pages: the article text without navigation and boilerplate, plus what the page says about itself.

Nothing here fetches anything. The page is parsed once, by lxml's HTML parser with networking off; the
same tree feeds our metadata reader and trafilatura (which then never parses or downloads on its own).
Pages that declare XML entities are refused before any parser sees them.
"""

from __future__ import annotations

import email.utils
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from app.core.errors import ImportRejected
from app.core.records import Extraction, SourceKind, SourceMetadata
from app.core.textnorm import guess_language, normalize_text
from app.ingest.limits import Limits
from app.ingest.text import Decoded, decode_text, decode_with_bom, encoding_label

ENTITY_REASON = "XML entity declarations are not allowed (possible entity bomb)"
NO_TEXT_WARNING = "no readable text in the page"


def safe_html_parser() -> lxml.html.HTMLParser:
    """The only way we parse HTML: no network, no huge trees, no comments or processing instructions."""
    return lxml.html.HTMLParser(
        encoding="utf-8",
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        default_doctype=False,
        collect_ids=False,
    )


# -- decoding -----------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# What browsers actually do with some labels (WHATWG Encoding Standard).
_LABEL_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
}


def decode_html(data: bytes) -> tuple[Decoded, tuple[str, ...]]:
    """Decode a page: BOM, then its declared charset if that really decodes it, then detection."""
    bom = decode_with_bom(data)
    if bom is not None:
        return bom, ()
    head = data[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if match is None:
        return decode_text(data), ()
    label = match.group(1).decode("ascii").lower()
    codec = _LABEL_ALIASES.get(label, label)
    if codec.startswith(("utf-16", "utf16", "utf-32")):  # the bytes were just read as ASCII: it is not
        codec = "utf-8"
    try:
        return Decoded(data.decode(codec), encoding_label(codec)), ()
    except LookupError:
        warning = f"unknown declared charset {label!r}"
    except UnicodeDecodeError:
        warning = f"declared charset {label!r} does not fit the bytes"
    decoded = decode_text(data)
    return decoded, (f"{warning}; read as {decoded.encoding}",)


_DOCTYPE_SUBSET = re.compile(r"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
_SUBSET_END = re.compile(r"\]\s*>")
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)


def reject_entity_declarations(markup: str) -> None:
    """Refuse a DOCTYPE internal subset that declares entities ("billion laughs" and friends)."""
    opening = _DOCTYPE_SUBSET.search(markup)
    if opening is None:
        return
    closing = _SUBSET_END.search(markup, opening.end())
    subset = markup[opening.end() : closing.start() if closing else len(markup)]
    if _ENTITY_DECLARATION.search(subset):
        raise ImportRejected(ENTITY_REASON)


def parse_html(markup: str) -> lxml.html.HtmlElement | None:
    reject_entity_declarations(markup)
    payload = markup.replace("\x00", "").encode("utf-8", errors="replace")
    try:
        return lxml.html.document_fromstring(payload, parser=safe_html_parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):  # an empty document
        return None


# -- text ---------------------------------------------------------------------------------------------


def html_text(markup: str, *, main_content_only: bool = True) -> str:
    """Readable, normalised text of an HTML document or fragment.

    ``main_content_only=False`` keeps every visible text: an e-mail body has no navigation to drop, and
    trafilatura would throw away quoted replies and signature blocks that matter as evidence.
    """
    tree = parse_html(markup)
    if tree is None:
        return ""
    return _main_text(tree, markup) if main_content_only else plain_text(tree)


#: An ``<article>`` (or ``<main>``) with less text than this is a teaser or a shell: let trafilatura look.
_MIN_MARKED_ARTICLE_CHARS = 200


def _main_text(tree: lxml.html.HtmlElement, markup: str) -> str:
    """The article: all of it when the page marks it up (one ``<article>``, else one ``<main>``), so its
    headline, byline and captions are kept as evidence; else what trafilatura finds, with the page's
    headline put back when trafilatura left it out."""
    marked = _marked_article(tree)
    if marked is not None:
        text = element_text(marked)
        if len(text) >= _MIN_MARKED_ARTICLE_CHARS:
            return text
    extracted = trafilatura.extract(
        tree,
        favor_recall=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=False,
        deduplicate=False,
        with_metadata=False,
        output_format="txt",
    )
    if extracted and extracted.strip():
        text = normalize_text(extracted).strip()
        headline = _headline(parse_html(markup))  # trafilatura may have pruned the tree it was given
        return f"{headline}\n{text}" if headline and headline not in text else text
    fresh = parse_html(markup)
    return plain_text(fresh) if fresh is not None else ""


def _marked_article(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    for tag in ("article", "main"):
        found = tree.xpath(f"//body//{tag}")
        if len(found) == 1:
            return found[0]
    return None


def _headline(tree: lxml.html.HtmlElement | None) -> str:
    """The page's first ``<h1>`` outside its header and navigation, as one line."""
    if tree is None:
        return ""
    for heading in tree.xpath("//body//h1[not(ancestor::header) and not(ancestor::nav)]"):
        text = " ".join(element_text(heading).split())
        if text:
            return text
    return ""


def element_text(element: lxml.html.HtmlElement) -> str:
    """Every visible text inside ``element`` (not the text that follows it), blocks on their own lines."""
    parts: list[str] = []
    _collect(element, parts)
    if element.tail:
        parts.pop()  # _collect ends with the element's tail: text after it, not in it
    return _joined(parts)


_SKIPPED = frozenset(
    (
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "button",
        "select",
        "option",
        "svg",
        "iframe",
        "object",
        "embed",
        "canvas",
    )
)
_BLOCKS = frozenset(
    (
        "address",
        "article",
        "blockquote",
        "body",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
        "br",
        "caption",
    )
)


def plain_text(tree: lxml.html.HtmlElement) -> str:
    """Every visible text of the page with blocks on their own lines: the fallback when trafilatura
    finds no article (short pages, lists, e-mail bodies made of tables)."""
    parts: list[str] = []
    _collect(tree, parts)
    return _joined(parts)


def _joined(parts: list[str]) -> str:
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return normalize_text("\n".join(line for line in lines if line))


def _collect(element: Any, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.lower() in _SKIPPED:
        if element.tail:
            parts.append(element.tail)
        return
    block = tag.lower() in _BLOCKS
    if block:
        parts.append("\n")
    if tag.lower() in ("td", "th"):
        parts.append("\t")
    if element.text:
        parts.append(element.text)
    for child in element:
        _collect(child, parts)
    if block:
        parts.append("\n")
    if element.tail:
        parts.append(element.tail)


# -- metadata -----------------------------------------------------------------------------------------


def page_metadata(tree: lxml.html.HtmlElement) -> SourceMetadata:
    meta = _meta_values(tree)
    article = _json_ld_article(tree)
    title = _first(meta.get("og:title"), _title_element(tree), _text(article.get("headline")), _h1(tree))
    author = _first(
        meta.get("author"),
        _json_ld_name(article.get("author")),
        meta.get("dc.creator"),
        meta.get("byl"),
        _not_url(meta.get("article:author")),
    )
    published = _first_date(
        meta.get("article:published_time"),
        _text(article.get("datePublished")),
        meta.get("og:published_time"),
        meta.get("citation_publication_date"),
        meta.get("citation_date"),
        meta.get("dc.date"),
        meta.get("dcterms.created"),
        meta.get("date"),
        meta.get("pubdate"),
        meta.get("publishdate"),
        meta.get("publish_date"),
        *_marked_dates(tree),
    )
    url = _first(
        _absolute(_canonical(tree)),
        _absolute(meta.get("og:url")),
        _absolute(_text(article.get("url"))),
    )
    language = _first(
        language_tag(tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")),
        language_tag(meta.get("og:locale")),
        language_tag(meta.get("content-language")),
        language_tag(meta.get("language")),
        language_tag(meta.get("dc.language")),
        language_tag(_text(article.get("inLanguage"))),
    )
    publisher = _first(meta.get("og:site_name"), _json_ld_name(article.get("publisher")))
    extra = {"description": description} if (description := meta.get("description")) else {}
    return SourceMetadata(
        title=title,
        author=author,
        publisher=publisher,
        published=published,
        url=url,
        language=language,
        extra=extra,
    )


def _meta_values(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """``<meta name|property|http-equiv|itemprop=… content=…>`` by lower-cased key; the first one wins."""
    values: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("http-equiv")
        key = key or element.get("itemprop")
        content = " ".join((element.get("content") or "").split())
        if key and content:
            values.setdefault(key.strip().lower(), content)
    return values


def _title_element(tree: lxml.html.HtmlElement) -> str | None:
    element = tree.find(".//title")
    return _text(element.text_content()) if element is not None else None


def _h1(tree: lxml.html.HtmlElement) -> str | None:
    element = tree.find(".//h1")
    return _text(element.text_content()) if element is not None else None


def _canonical(tree: lxml.html.HtmlElement) -> str | None:
    for element in tree.iter("link"):
        if "canonical" in (element.get("rel") or "").lower().split():
            return str(element.get("href") or "") or None
    return None


def _marked_dates(tree: lxml.html.HtmlElement) -> Iterator[str | None]:
    """Dates the page marks up as *the* publication date (not every ``<time>``: comments have them too)."""
    for element in tree.iter("time"):
        if element.get("pubdate") is not None or element.get("itemprop") == "datePublished":
            yield element.get("datetime") or element.text_content()


_ARTICLE_TYPES = frozenset(
    (
        "NewsArticle",
        "Article",
        "BlogPosting",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "Report",
        "ScholarlyArticle",
        "WebPage",
    )
)


def _json_ld_article(tree: lxml.html.HtmlElement) -> dict[str, Any]:
    """The first schema.org article object in the page's JSON-LD blocks, or ``{}``."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        if len(script.text) > 1_000_000:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for item in _json_objects(data, depth=0):
            types = item.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(kind in _ARTICLE_TYPES for kind in types if isinstance(kind, str)):
                return item
    return {}


def _json_objects(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _json_objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        yield from _json_objects(data.get("@graph"), depth + 1)


def _json_ld_name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [name for item in value if (name := _json_ld_name(item))]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _not_url(_text(value))


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = normalize_text(" ".join(value.split()))
    return cleaned or None


def _not_url(value: str | None) -> str | None:
    return None if value is None or value.startswith(("http://", "https://", "/")) else value


def _absolute(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if re.match(r"https?://[^\s/]+", value) else None


def _first(*values: str | None) -> str | None:
    return next((value for value in values if value), None)


_ISO_DAY = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d/.-])")
_COMPACT_DAY = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T|$)")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})$")


def edtf_date(value: str | None) -> str | None:
    """A machine-readable date as EDTF day (``2024-03-05``) or month (``2024-03``), else ``None``.

    The date is taken as written, in the publisher's own time zone: "2024-03-05T23:30-05:00" is the 5th.
    Only unambiguous forms count (ISO 8601, RFC 2822); "05/03/2024" could be May or March and is skipped.
    """
    value = (value or "").strip()
    match = _ISO_DAY.match(value) or _COMPACT_DAY.match(value)
    if match:
        year, month, day = (int(part) for part in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return None
    match = _ISO_MONTH.match(value)
    if match:
        return value if 1 <= int(match.group(2)) <= 12 else None
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _first_date(*values: str | None) -> str | None:
    return next((found for value in values if (found := edtf_date(value))), None)


_LEGACY_LANGUAGES = {"iw": "he", "ji": "yi", "in": "id"}


def language_tag(value: str | None) -> str | None:
    """The primary language subtag of ``he-IL``, ``en_US``, ``ar`` …, lower-cased; ``None`` if invalid."""
    primary = re.split(r"[-_]", (value or "").strip())[0].lower()
    if not re.fullmatch(r"[a-z]{2,3}", primary):
        return None
    return _LEGACY_LANGUAGES.get(primary, primary)


# -- the importer ---------------------------------------------------------------------------------------

_SCRIPT_LANGUAGES = frozenset({"he", "ar", "ru"})


class HtmlImporter:
    kind: SourceKind = SourceKind.HTML
    media_types: tuple[str, ...] = ("text/html", "application/xhtml+xml")
    extensions: tuple[str, ...] = (".html", ".htm", ".xhtml", ".shtml")

    def extract(self, data: bytes, filename: str | None, limits: Limits) -> Extraction:
        decoded, warnings = decode_html(data)
        tree = parse_html(decoded.text)
        if tree is None:
            text, metadata = "", SourceMetadata()
        else:
            metadata = page_metadata(tree)
            text = _main_text(tree, decoded.text)
        if not text:
            warnings = (*warnings, NO_TEXT_WARNING)
        extra = {**metadata.extra, "encoding": decoded.encoding}
        language, extra = _checked_language(metadata.language, text, extra)
        return Extraction(
            kind=self.kind,
            media_type="application/xhtml+xml" if _is_xhtml(filename, decoded.text) else "text/html",
            text=text,
            metadata=SourceMetadata(
                title=metadata.title,
                author=metadata.author,
                publisher=metadata.publisher,
                published=metadata.published,
                url=metadata.url,
                language=language,
                extra=extra,
            ),
            warnings=warnings,
        )


def _checked_language(declared: str | None, text: str, extra: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Trust the page's language, except when its script says otherwise: site templates often declare
    ``lang="en"`` around a Hebrew or Arabic article."""
    guessed = guess_language(text)
    if declared is None:
        return guessed, extra
    if guessed in _SCRIPT_LANGUAGES and guessed != declared:
        return guessed, {**extra, "declared_language": declared}
    return declared, extra


def _is_xhtml(filename: str | None, markup: str) -> bool:
    return (filename or "").lower().endswith(".xhtml") or markup.lstrip().startswith("<?xml")


HTML = HtmlImporter()
