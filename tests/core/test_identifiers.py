"""Identifiers in multilingual text: what is found, its normalised value, and what is not an identifier."""

from __future__ import annotations

import pytest

from app.core.identifiers import Identifier, IdentifierKind, extract_identifiers


def _found(text: str) -> list[tuple[str, str, str]]:
    items = extract_identifiers(text)
    for item in items:
        assert text[item.start : item.end] == item.text
    return [(item.kind.value, item.text, item.value) for item in items]


def _of(kind: IdentifierKind, text: str) -> list[str]:
    return [item.value for item in extract_identifiers(text) if item.kind is kind]


def test_urls_with_and_without_scheme_and_sentence_punctuation() -> None:
    text = (
        "See https://www.NKNews.org/2023/07/flight-il62m/ (archived), the wiki page "
        "https://en.wikipedia.org/wiki/Ilyushin_Il-62_(aircraft), www.example.com. and t.me/nkchannel!"
    )
    assert _found(text) == [
        (
            "url",
            "https://www.NKNews.org/2023/07/flight-il62m/",
            "https://www.nknews.org/2023/07/flight-il62m",
        ),
        (
            "url",
            "https://en.wikipedia.org/wiki/Ilyushin_Il-62_(aircraft)",
            "https://en.wikipedia.org/wiki/Ilyushin_Il-62_(aircraft)",
        ),
        ("url", "www.example.com", "http://www.example.com"),
        ("url", "t.me/nkchannel", "http://t.me/nkchannel"),
    ]


def test_urls_in_hebrew_and_arabic_text() -> None:
    assert _of(IdentifierKind.URL, "ראו ב-https://kcna.kp/ar/article/1.html ובאתר nknews.org.") == [
        "https://kcna.kp/ar/article/1.html",
        "http://nknews.org",
    ]
    assert _of(IdentifierKind.URL, "المصدر: https://sana.sy/?p=123، ثم") == ["https://sana.sy/?p=123"]


def test_file_names_and_abbreviations_are_not_urls() -> None:
    assert _of(IdentifierKind.URL, "Open report.pdf, e.g. the notes in file.docx or Node.js") == []


def test_email_addresses_are_lowercased_and_not_handles_or_urls() -> None:
    text = "Write to Desk@NKNews.org or a.b+tips@mail.example.co.uk; בדוא״ל press@idf.il."
    assert _found(text) == [
        ("email", "Desk@NKNews.org", "desk@nknews.org"),
        ("email", "a.b+tips@mail.example.co.uk", "a.b+tips@mail.example.co.uk"),
        ("email", "press@idf.il", "press@idf.il"),
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Call +972-3-123-4567 now", "+97231234567"),
        ("Call +972 (3) 123 4567 now", "+97231234567"),
        ("Call 00972 3 1234567 now", "+97231234567"),
        ("Звоните +7 495 123-45-67", "+74951234567"),
        ("Звоните 8 (495) 123-45-67", "+74951234567"),
        ("טלפון: 03-1234567.", "031234567"),
        ("נייד 050-123-4567", "0501234567"),
        ("هاتف 011 2345 6789", "01123456789"),
        ("Office (212) 555-0199.", "2125550199"),
        ("Office 212-555-0199.", "2125550199"),
    ],
)
def test_phone_numbers_international_and_local(text: str, value: str) -> None:
    assert _of(IdentifierKind.PHONE, text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "On 2023-07-31 the plane landed.",
        "On 31.07.2023 the plane landed.",
        "On 01.02.2023 the plane landed.",
        "On 01/02/2023 the plane landed.",
        "Between 1990-2000 and in 2023.",
        "From 10:30-12:00 on 31 July.",
        "ISBN 978-3-16-148410-0.",
        "Flight 0530 left at 0600.",
        "It cost 1,234,567 dollars, or 0.5 million.",
        "ב-31.7.2023 נחת המטוס.",
        "Version 1.2.3.4.5 shipped.",
    ],
)
def test_dates_years_times_and_numbers_are_not_phone_numbers(text: str) -> None:
    assert [item for item in extract_identifiers(text) if item.kind is IdentifierKind.PHONE] == []


def test_ip_addresses() -> None:
    text = (
        "From 192.168.0.1 and 10.0.0.0/8 via 2001:DB8::FF00:42:8329 and ::1; 256.1.1.1 and 1.2.3.4.5 are not."
    )
    assert _found(text) == [
        ("ipv4", "192.168.0.1", "192.168.0.1"),
        ("ipv4", "10.0.0.0/8", "10.0.0.0/8"),
        ("ipv6", "2001:DB8::FF00:42:8329", "2001:db8::ff00:42:8329"),
        ("ipv6", "::1", "::1"),
    ]


def test_times_and_mac_addresses_are_not_ipv6() -> None:
    assert extract_identifiers("At 12:30:45 the device 00:1A:2B:3C:4D:5E connected.") == []


def test_coordinates_decimal_and_dms() -> None:
    text = (
        "Site at 39.0392, 125.7625; also 39°01′57″N 125°45′09″E and 39°1'57\"N, 125°45'9\"E. "
        "Another: N 39.03 E 125.76 and 33.5138° N, 36.2765° E; south -33.8688, 151.2093."
    )
    assert _of(IdentifierKind.COORDINATES, text) == [
        "39.039200,125.762500",
        "39.032500,125.752500",
        "39.032500,125.752500",
        "39.030000,125.760000",
        "33.513800,36.276500",
        "-33.868800,151.209300",
    ]


def test_short_decimals_and_impossible_latitudes_are_not_coordinates() -> None:
    assert extract_identifiers("Growth was 1.5, 2.5 and 3.25; 95.12345, 20.12345 is off the globe.") == []


def test_handles_and_hashtags_in_any_script() -> None:
    text = (
        "Follow @nknewsorg and @KCNA_watch: #Pyongyang #פיונגיאנג #موسكو #Il62M; not #1, a@b.co or page#top."
    )
    assert _found(text) == [
        ("handle", "@nknewsorg", "@nknewsorg"),
        ("handle", "@KCNA_watch", "@kcna_watch"),
        ("hashtag", "#Pyongyang", "#pyongyang"),
        ("hashtag", "#פיונגיאנג", "#פיונגיאנג"),
        ("hashtag", "#موسكو", "#موسكو"),
        ("hashtag", "#Il62M", "#il62m"),
        ("email", "a@b.co", "a@b.co"),
    ]


def test_hashtags_with_niqqud_or_harakat_fold_to_one_value() -> None:
    assert _of(IdentifierKind.HASHTAG, "#שָׁלוֹם ו-#שלום; #مُوسْكُو و#موسكو") == [
        "#שלומ",
        "#שלומ",
        "#موسكو",
        "#موسكو",
    ]


def test_a_url_wins_over_what_it_contains() -> None:
    found = extract_identifiers("https://example.com/@user/#tag?ip=10.1.2.3")
    assert [item.kind for item in found] == [IdentifierKind.URL]
    assert isinstance(found[0], Identifier)
