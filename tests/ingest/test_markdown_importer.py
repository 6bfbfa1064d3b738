"""Markdown is stored as the text a reader sees, not as markup."""

from __future__ import annotations

from app.core.records import SourceKind
from app.core.textnorm import normalize_text
from app.ingest.limits import Limits
from app.ingest.markdown import MARKDOWN

NOTE = """\
# Мост через реку **открыт**

Мэр города сегодня объявил об [открытии](https://example.org/most) нового моста
через реку после `трёх` лет работы.
Жёсткий перенос:\\
вторая строка.

- первый пункт
- второй пункт
  1. вложенный
  2. ещё один

| Город | Дата |
|-------|------|
| Иркутск | 2023-08-01 |

```
код остаётся как есть
```

> Цитата из заявления.

![Фото моста](bridge.jpg)

<div>HTML-блок <b>тоже</b> текст</div>
"""

EXPECTED = """\
Мост через реку открыт

Мэр города сегодня объявил об открытии нового моста через реку после трёх лет работы. Жёсткий перенос:
вторая строка.

• первый пункт
• второй пункт
  1. вложенный
  2. ещё один

Город\tДата
Иркутск\t2023-08-01

код остаётся как есть

Цитата из заявления.

Фото моста

HTML-блок тоже текст"""


def test_markdown_becomes_readable_text_with_the_first_heading_as_title() -> None:
    extraction = MARKDOWN.extract(NOTE.encode("utf-8"), "note.md", Limits())
    assert extraction.text == EXPECTED
    assert extraction.kind is SourceKind.MARKDOWN and extraction.media_type == "text/markdown"
    assert extraction.metadata.title == "Мост через реку открыт"
    assert extraction.metadata.language == "ru"
    assert normalize_text(extraction.text) == extraction.text


def test_front_matter_gives_title_date_author_and_language() -> None:
    source = (
        '---\ntitle: "גשר חדש"\nauthor: Dana Levi\ndate: 2024-03-05\nlang: he-IL\n---\n# כותרת\n\nטקסט.\n'
    )
    extraction = MARKDOWN.extract(source.encode("utf-8"), "note.md", Limits())
    assert extraction.text == "כותרת\n\nטקסט."
    metadata = extraction.metadata
    assert (metadata.title, metadata.author, metadata.published, metadata.language) == (
        "גשר חדש",
        "Dana Levi",
        "2024-03-05",
        "he",
    )


def test_markdown_in_a_legacy_codepage() -> None:
    source = "# عنوان\n\nأعلن رئيس البلدية اليوم افتتاح جسر جديد.\n"
    extraction = MARKDOWN.extract(source.encode("cp1256"), "note.md", Limits())
    assert extraction.text == "عنوان\n\nأعلن رئيس البلدية اليوم افتتاح جسر جديد."
    assert extraction.metadata.extra["encoding"] == "windows-1256"
