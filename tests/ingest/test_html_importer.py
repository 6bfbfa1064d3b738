"""Saved web pages: the article without the site around it, and what the page says about itself."""

from __future__ import annotations

import time

import pytest

from app.core.errors import ImportRejected
from app.core.records import SourceKind
from app.core.textnorm import normalize_text
from app.ingest.html import HTML, edtf_date, language_tag
from app.ingest.limits import Limits
from tests.ingest.ingest_samples import ARABIC, BILLION_LAUGHS, HEBREW, RUSSIAN

LIMITS = Limits()

PARAGRAPHS = (
    "The mayor announced on Tuesday the opening of a new bridge over the river, after three years of "
    "construction work that closed the old ferry crossing twice.",
    "According to the city engineer, the bridge was designed to withstand strong earthquakes. Hundreds of "
    "residents attended the ceremony, and traffic started flowing in the afternoon.",
    "The municipality also plans a cycle path along the eastern bank next year, the official statement "
    "said, without giving a budget.",
)

ARTICLE_PAGE = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>New bridge opens | River Gazette</title>
<meta property="og:title" content="New bridge opens over the river">
<meta name="author" content="Maren Holt">
<meta property="article:published_time" content="2024-03-05T23:30:00-05:00">
<meta property="og:site_name" content="River Gazette">
<meta name="description" content="A new bridge opened on Tuesday.">
<link rel="canonical" href="https://gazette.example/2024/03/bridge">
</head>
<body>
<header><nav><ul>
<li><a href="/">Home page</a></li><li><a href="/sport">Sport results</a></li>
<li><a href="/subscribe">Subscribe to our newsletter</a></li></ul></nav></header>
<main><article>
<h1>New bridge opens over the river</h1>
<p>{PARAGRAPHS[0]}</p>
<p>{PARAGRAPHS[1]}</p>
<p>{PARAGRAPHS[2]}</p>
</article></main>
<aside><h3>Most read</h3><ul><li><a href="/a">Weather tomorrow: heavy rain expected</a></li>
<li><a href="/b">Football: the derby ends in a draw</a></li></ul></aside>
<footer><p>Copyright River Gazette Media Group. All rights reserved.</p>
<a href="/privacy">Privacy policy and cookie settings</a></footer>
<script>var tracking = "do not keep this";</script>
</body></html>
"""
BOILERPLATE = (
    "Home page",
    "Sport results",
    "Subscribe",
    "Most read",
    "Weather tomorrow",
    "derby",
    "Copyright",
    "Privacy policy",
    "tracking",
)


def test_article_text_without_boilerplate_and_the_page_metadata() -> None:
    extraction = HTML.extract(ARTICLE_PAGE.encode("utf-8"), "bridge.html", LIMITS)
    assert extraction.kind is SourceKind.HTML and extraction.media_type == "text/html"
    assert extraction.text == "\n".join(["New bridge opens over the river", *PARAGRAPHS])
    for junk in BOILERPLATE:
        assert junk not in extraction.text
    assert normalize_text(extraction.text) == extraction.text
    metadata = extraction.metadata
    assert metadata.title == "New bridge opens over the river"
    assert metadata.author == "Maren Holt"
    assert metadata.published == "2024-03-05"  # the publisher's own day, not converted to UTC
    assert metadata.url == "https://gazette.example/2024/03/bridge"
    assert metadata.language == "en"
    assert metadata.publisher == "River Gazette"
    assert metadata.extra["description"] == "A new bridge opened on Tuesday."
    assert extraction.warnings == ()


def _page(body: str, head: str = "", lang: str = "") -> str:
    attribute = f' lang="{lang}"' if lang else ""
    return f"<!DOCTYPE html><html{attribute}><head>{head}</head><body><article>{body}</article></body></html>"


@pytest.mark.parametrize(
    ("text", "codec", "lang", "expected_language"),
    [(HEBREW, "cp1255", "he", "he"), (ARABIC, "cp1256", "ar", "ar"), (RUSSIAN, "cp1251", "ru-RU", "ru")],
)
def test_declared_charset_decides(text: str, codec: str, lang: str, expected_language: str) -> None:
    label = {"cp1255": "windows-1255", "cp1256": "windows-1256", "cp1251": "windows-1251"}[codec]
    page = _page(f"<p>{text}</p>", head=f'<meta charset="{label}">', lang=lang)
    extraction = HTML.extract(page.encode(codec), "page.html", LIMITS)
    assert text in extraction.text
    assert extraction.metadata.language == expected_language
    assert extraction.metadata.extra["encoding"] == label


def test_undeclared_charset_is_detected() -> None:
    page = _page(f"<p>{HEBREW}</p>")
    extraction = HTML.extract(page.encode("cp1255"), "page.htm", LIMITS)
    assert HEBREW in extraction.text
    assert extraction.metadata.extra["encoding"] == "windows-1255"


def test_a_wrong_declaration_is_overruled_with_a_warning() -> None:
    page = _page(
        f"<p>{ARABIC}</p>", head='<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    )
    extraction = HTML.extract(page.encode("cp1256"), "page.html", LIMITS)
    assert ARABIC in extraction.text
    assert extraction.warnings == ("declared charset 'utf-8' does not fit the bytes; read as windows-1256",)


def test_utf16_page_with_bom() -> None:
    page = _page(f"<p>{RUSSIAN}</p>", lang="ru")
    extraction = HTML.extract(b"\xff\xfe" + page.encode("utf-16-le"), "page.html", LIMITS)
    assert RUSSIAN in extraction.text


def test_a_site_template_declaring_english_around_a_hebrew_article() -> None:
    extraction = HTML.extract(_page(f"<p>{HEBREW}</p>", lang="en").encode(), "page.html", LIMITS)
    assert extraction.metadata.language == "he"
    assert extraction.metadata.extra["declared_language"] == "en"


def test_json_ld_metadata() -> None:
    head = """<script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [
      {"@type": "WebSite", "name": "ignored"},
      {"@type": "NewsArticle", "headline": "Пожар на складе",
       "author": [{"@type": "Person", "name": "Ольга Пименова"}, {"@type": "Person", "name": "Иван Ким"}],
       "datePublished": "2023-08-01T18:05:00+08:00", "inLanguage": "ru",
       "url": "https://angara.example/fire", "publisher": {"@type": "Organization", "name": "Ангара"}}
    ]}</script>"""
    extraction = HTML.extract(_page(f"<p>{RUSSIAN}</p>", head=head).encode(), "page.html", LIMITS)
    metadata = extraction.metadata
    assert metadata.title == "Пожар на складе"
    assert metadata.author == "Ольга Пименова, Иван Ким"
    assert metadata.published == "2023-08-01"
    assert metadata.url == "https://angara.example/fire"
    assert metadata.publisher == "Ангара"
    assert metadata.language == "ru"


def test_a_short_page_falls_back_to_all_visible_text() -> None:
    page = "<html><head><title>Tip</title></head><body><nav>Menu</nav><p>Call me at noon.</p></body></html>"
    extraction = HTML.extract(page.encode(), "tip.html", LIMITS)
    assert "Call me at noon." in extraction.text
    assert extraction.metadata.title == "Tip"


def test_a_page_without_text_imports_with_a_warning() -> None:
    page = "<html><head><title>Photo</title></head><body><img src='x.jpg'></body></html>"
    extraction = HTML.extract(page.encode(), "photo.html", LIMITS)
    assert extraction.text == ""
    assert extraction.warnings == ("no readable text in the page",)


def test_xhtml_with_an_xml_declaration() -> None:
    page = (
        '<?xml version="1.0" encoding="windows-1251"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="ru"><head><title>Мост</title></head>'
        f"<body><p>{RUSSIAN}</p></body></html>"
    )
    extraction = HTML.extract(page.encode("cp1251"), "page.xhtml", LIMITS)
    assert RUSSIAN in extraction.text
    assert extraction.media_type == "application/xhtml+xml"
    assert extraction.metadata.language == "ru"


@pytest.mark.parametrize("filename", ["bomb.html", "bomb.xhtml", "bomb.txt"])
def test_entity_bomb_is_refused_before_parsing(filename: str) -> None:
    from app.ingest.registry import extract_bytes

    started = time.perf_counter()
    with pytest.raises(ImportRejected) as caught:
        extract_bytes(BILLION_LAUGHS.encode(), filename, LIMITS)
    assert str(caught.value) == "XML entity declarations are not allowed (possible entity bomb)"
    assert time.perf_counter() - started < 1.0


def test_external_entity_declaration_is_refused() -> None:
    page = '<!DOCTYPE html [<!ENTITY secret SYSTEM "file:///etc/passwd">]><html><body>&secret;</body></html>'
    with pytest.raises(ImportRejected) as caught:
        HTML.extract(page.encode(), "page.html", LIMITS)
    assert "entity" in str(caught.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05T23:30:00-05:00", "2024-03-05"),
        ("2024-03-05", "2024-03-05"),
        ("2024/3/5", "2024-03-05"),
        ("20240305", "2024-03-05"),
        ("2024-03", "2024-03"),
        ("Tue, 05 Mar 2024 09:30:00 GMT", "2024-03-05"),
        ("05/03/2024", None),  # May or March? not ours to guess
        ("2024-13-01", None),
        ("2024-02-30", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_machine_readable_dates_become_edtf(value: str, expected: str | None) -> None:
    assert edtf_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("he-IL", "he"), ("en_US", "en"), ("AR", "ar"), ("iw", "he"), ("x", None), ("", None), (None, None)],
)
def test_language_tags(value: str | None, expected: str | None) -> None:
    assert language_tag(value) == expected


def test_a_marked_up_article_keeps_its_byline_and_captions() -> None:
    page = f"""<html lang="he"><body><header><nav><a href="/">דף הבית</a></nav></header>
<article><h1>המטוס נחת בפיונגיאנג</h1>
<p class="byline">מאת נועה ברקוביץ · <time datetime="2023-08-02T09:40">2 באוגוסט 2023, 09:40</time></p>
<figure><img src="https://x.example/p.jpg" alt="">
<figcaption>מטוס מדגם Il-62M (צילום אילוסטרציה)</figcaption></figure>
<p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p></article>
<footer>כל הזכויות שמורות</footer></body></html>"""
    text = HTML.extract(page.encode("utf-8"), "he.html", LIMITS).text
    assert text.splitlines()[:3] == [
        "המטוס נחת בפיונגיאנג",
        "מאת נועה ברקוביץ · 2 באוגוסט 2023, 09:40",
        "מטוס מדגם Il-62M (צילום אילוסטרציה)",
    ]
    assert "דף הבית" not in text and "כל הזכויות שמורות" not in text


def test_a_page_without_article_markup_keeps_its_headline() -> None:
    page = f"""<html lang="ar"><body><h1>وصلت الطائرة إلى بيونغ يانغ</h1>
<img src="https://evil.example/track.png" alt="صورة"><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>
<p>{PARAGRAPHS[2]}</p></body></html>"""
    text = HTML.extract(page.encode("utf-8"), "ar.html", LIMITS).text
    assert text.splitlines()[0] == "وصلت الطائرة إلى بيونغ يانغ"
    assert PARAGRAPHS[2] in text
