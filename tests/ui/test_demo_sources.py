"""The demo sources are what their README says: fictional, multilingual, in the promised formats."""

from __future__ import annotations

import email
import email.policy
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.core.textnorm import Script, dominant_script
from app.ui.resources import resource_path

DEMO = resource_path("demo")
ENCODINGS = {
    "he-civil-radar-2023-08-01.txt": "cp1255",
    "ar-ufuq-bulletin-2023-08-03.txt": "cp1256",
}
SCRIPTS = {"he": Script.HEBREW, "ar": Script.ARABIC, "en": Script.LATIN, "ru": Script.CYRILLIC}


def sources() -> list[Path]:
    return sorted(path for path in DEMO.iterdir() if path.name != "README.md")


def text_of(path: Path) -> str:
    return path.read_bytes().decode(ENCODINGS.get(path.name, "utf-8"))


class _HeadReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.html: dict[str, str | None] = {}
        self.meta: dict[str, str | None] = {}
        self.links: dict[str, str | None] = {}
        self.images: list[str | None] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.html = found
        elif tag == "meta":
            self.meta[found.get("name") or found.get("property") or ""] = found.get("content")
        elif tag == "link":
            self.links[found.get("rel") or ""] = found.get("href")
        elif tag == "img":
            self.images.append(found.get("src"))
        self._in_title = tag == "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


def read_head(path: Path) -> _HeadReader:
    reader = _HeadReader()
    reader.feed(text_of(path))
    return reader


def test_readme_lists_every_file_and_says_it_is_fiction() -> None:
    readme = (DEMO / "README.md").read_text(encoding="utf-8")
    assert "fiction" in readme.lower()
    listed = set(re.findall(r"^\| `([^`]+)`", readme, flags=re.MULTILINE))
    assert listed == {path.name for path in sources()}
    assert 6 <= len(listed) <= 9


@pytest.mark.parametrize("path", sources(), ids=lambda path: path.name)
def test_each_source_is_in_its_language(path: Path) -> None:
    language = path.name[:2]
    text = text_of(path)
    if path.suffix == ".eml":
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        text = message.get_body(("plain",)).get_content()
    assert dominant_script(text) is SCRIPTS[language]


@pytest.mark.parametrize("name", ENCODINGS)
def test_legacy_encodings_are_really_legacy(name: str) -> None:
    raw = (DEMO / name).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert b"\r\n" in raw
    assert raw.decode(ENCODINGS[name]).startswith(("רדאר", "نشرة"))


@pytest.mark.parametrize(
    ("name", "language"),
    [("he-mabat-globali-2023-08-02.html", "he"), ("ar-marsad-almilaha-2023-08-02.html", "ar")],
)
def test_html_pages_carry_metadata_and_a_remote_image(name: str, language: str) -> None:
    head = read_head(DEMO / name)
    assert head.html == {"lang": language, "dir": "rtl"}
    assert head.title.strip()
    assert head.meta["author"]
    assert re.fullmatch(r"2023-08-02T\d\d:\d\d:00\+03:00", head.meta["article:published_time"] or "")
    assert (head.links["canonical"] or "").startswith("https://")
    if language == "he":
        assert head.images and all((src or "").startswith("https://") for src in head.images)


def test_every_address_is_reserved_and_unreachable() -> None:
    hosts = {
        host for path in DEMO.iterdir() for host in re.findall(r"https?://([^/\s\"'<>]+)", text_of(path))
    }
    assert hosts
    assert all(host.endswith(".example") for host in hosts), hosts


def test_the_tip_carries_its_attachment() -> None:
    message = email.message_from_bytes(
        (DEMO / "en-tip-2023-08-03.eml").read_bytes(), policy=email.policy.default
    )
    assert message["Date"] == "Thu, 03 Aug 2023 06:12:40 +0800"
    attachments = list(message.iter_attachments())
    assert [part.get_filename() for part in attachments] == ["manifest_excerpt.txt"]
    assert "Соловцова" in attachments[0].get_content()


@pytest.mark.parametrize(
    "spelling",
    ["Gennady Solovtsov", "Gennadiy Solovtsov", "Геннадий Соловцов", "גנאדי סולובצוב", "غينادي سولوفتسوف"],
)
def test_the_minister_is_named_in_several_scripts(spelling: str) -> None:
    corpus = "\n".join(text_of(path) for path in sources())
    decoded_tip = email.message_from_bytes(
        (DEMO / "en-tip-2023-08-03.eml").read_bytes(), policy=email.policy.default
    ).get_body(("plain",))
    assert spelling in corpus + decoded_tip.get_content()


@pytest.mark.parametrize(
    "phrase", ["31 ביולי 2023", "באוגוסט", "في 2 آب/أغسطس 2023", "last March", "around mid-2019"]
)
def test_dates_come_in_varied_forms(phrase: str) -> None:
    assert any(phrase in text_of(path) for path in sources())


def test_latin_runs_sit_inside_right_to_left_text() -> None:
    hebrew = text_of(DEMO / "he-mabat-globali-2023-08-02.html")
    arabic = text_of(DEMO / "ar-marsad-almilaha-2023-08-02.html")
    assert re.search(r"[\u0590-\u05ff] Il-62M [\u0590-\u05ff]", hebrew)
    assert re.search(r"[\u0590-\u05ff] NK Flightwatch,", hebrew)
    assert re.search(r"[\u0600-\u06ff] Il-62M [\u0600-\u06ff]", arabic)
