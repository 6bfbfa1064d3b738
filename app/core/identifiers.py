"""Identifiers in a text: URLs, e-mail addresses, phone numbers, IP addresses, coordinates, handles, hashtags.

Each comes with its offsets in the text (code points, half-open) and a normalised value, so the same
identifier written two ways ("+972 3-123-4567" and "00972 3 1234567") becomes one identifier entity.

False positives cost the investigator time, so the patterns are strict where text is ambiguous: a phone
number needs a leading + or 00, or the shape of a local number (a trunk 0 or 8, or the US 3-3-4 grouping),
and never has the shape of a date; an IPv4 address is four octets not followed by a fifth; decimal
coordinates need three decimals or a hemisphere letter; a hashtag needs a letter (#1 is a rank); a URL
without a scheme needs a common top-level domain. Where two patterns claim the same characters, the more
specific kind wins (a URL over the e-mail address and hashtag inside it, coordinates over phone numbers).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from app.core.folding import fold


class IdentifierKind(StrEnum):
    URL = "url"
    EMAIL = "email"
    PHONE = "phone"
    IPV4 = "ipv4"
    IPV6 = "ipv6"
    COORDINATES = "coordinates"
    HANDLE = "handle"
    HASHTAG = "hashtag"


@dataclass(frozen=True)
class Identifier:
    kind: IdentifierKind
    start: int
    end: int
    text: str  # exactly ``source_text[start:end]``
    value: str  # normalised: the identifier entity's name


# --- patterns ------------------------------------------------------------------------------------------

_TLDS = (
    "com|org|net|edu|gov|mil|int|info|biz|io|me|tv|co|news|online|site|app|"
    "ru|ua|by|kz|il|ir|iq|sy|lb|jo|eg|sa|ae|qa|tr|kp|kr|cn|jp|in|pk|uk|de|fr|it|es|nl|ch|se|no|pl|eu|us|ca"
)
_URL = re.compile(r"(?<![\w@.])(?:(?:https?|ftp)://|www\.)[^\s<>\"'“”‘’«»\[\]{}|\\^`]+", re.IGNORECASE)
_BARE_DOMAIN = re.compile(
    rf"(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{_TLDS})(?![\w-])(?:/[^\s<>\"'“”«»]*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
    r"(?![\w-])"
)
_HANDLE = re.compile(r"(?<![\w@./])@([A-Za-z0-9_]{2,32})(?![\w@]|\.[A-Za-z])")
_MARKS = "\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c\u200d"
_PROCLITIC = "وفبلكוכבלהמש"  # a Hebrew/Arabic conjunction or preposition may be written onto a hashtag
_HASHTAG = re.compile(rf"(?:(?<![\w&/#])|(?<=(?<!\w)[{_PROCLITIC}]))#((?:\w|[{_MARKS}])+)")
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(rf"(?<![\w.])(?:{_OCTET}\.){{3}}{_OCTET}(?:/(?:3[0-2]|[12]?[0-9]))?(?![\w]|\.[0-9])")
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:[0-9]{1,3}\.){3}[0-9]{1,3})?(?![\w:])"
)
_NUMBER = r"[-+−]?\d{1,3}\.\d+"
_DECIMAL_PAIR = re.compile(
    rf"(?<![\w.])(?P<ns1>[NS]\s?)?(?P<lat>{_NUMBER})\s?°?\s?(?P<ns2>[NS])?\s?[,;/]?\s"
    rf"?(?P<ew1>[EW]\s?)?(?P<lon>{_NUMBER})\s?°?\s?(?P<ew2>[EW])?(?!\w|[.,]\d)"
)
_DMS_PART = (
    r"(?P<d{n}>\d{{1,3}})\s?°\s?(?P<m{n}>\d{{1,2}}(?:\.\d+)?)\s?['′’]\s?"
    r"(?:(?P<s{n}>\d{{1,2}}(?:\.\d+)?)\s?[\"″”]\s?)?"
)
_DMS = re.compile(
    r"(?<![\w.])"
    + _DMS_PART.format(n=1)
    + r"(?P<h1>[NS])[,;\s]\s?"
    + _DMS_PART.format(n=2)
    + r"(?P<h2>[EW])(?!\w)"
)
_SEPARATOR = r"[\s.\-‐‑–]"
_PHONE_INTERNATIONAL = re.compile(
    rf"(?<![\w+])(?:\+|00)[1-9]\d{{0,3}}(?:{_SEPARATOR}?\(?\d{{1,5}}\)?){{1,6}}(?!\w|[.,]\d)"
)
_PHONE_LOCAL = re.compile(
    rf"(?<![\w+./:-])(?:\(0\d{{1,3}}\)|0\d{{1,3}})(?:{_SEPARATOR}?\d{{2,4}}){{1,3}}(?![\w/:-]|[.,]\d)"
    rf"|(?<![\w+./:-])\(?[2-9]\d{{2}}\)?{_SEPARATOR}?\d{{3}}[\s.\-]\d{{4}}(?![\w/:-]|[.,]\d)"
    rf"|(?<![\w+./:-])8{_SEPARATOR}?\(?\d{{3}}\)?{_SEPARATOR}?\d{{3}}-?\d{{2}}-?\d{{2}}(?![\w/:-]|[.,]\d)"
)
_DATE_LIKE = re.compile(r"\(?\d{1,4}[./\-‐‑–]\d{1,2}[./\-‐‑–]\d{1,4}\)?")
_PRIORITY = (
    IdentifierKind.URL,
    IdentifierKind.EMAIL,
    IdentifierKind.COORDINATES,
    IdentifierKind.IPV6,
    IdentifierKind.IPV4,
    IdentifierKind.PHONE,
    IdentifierKind.HANDLE,
    IdentifierKind.HASHTAG,
)
_TRAILING = ".,;:!?…،؛؟׃"
_CLOSING = {")": "(", "]": "["}


def extract_identifiers(text: str) -> list[Identifier]:
    """Every identifier in ``text``, in text order, none overlapping another."""
    found: list[Identifier] = []
    for finder in (_urls, _emails, _coordinates, _ipv6, _ipv4, _phones, _handles, _hashtags):
        found += finder(text)
    kept: list[Identifier] = []
    for item in sorted(found, key=lambda i: (_PRIORITY.index(i.kind), i.start)):
        if not any(item.start < other.end and other.start < item.end for other in kept):
            kept.append(item)
    return sorted(kept, key=lambda item: item.start)


def _make(kind: IdentifierKind, text: str, start: int, end: int, value: str) -> Identifier:
    return Identifier(kind, start, end, text[start:end], value)


# --- URLs and addresses ----------------------------------------------------------------------------------


def _trim_url(candidate: str) -> str:
    """Drop punctuation that ends the sentence rather than the URL, and unbalanced closing brackets."""
    while candidate:
        last = candidate[-1]
        unbalanced = last in _CLOSING and candidate.count(last) > candidate.count(_CLOSING[last])
        if last in _TRAILING or unbalanced:
            candidate = candidate[:-1]
        else:
            break
    return candidate


def _normalised_url(url: str) -> str:
    if not re.match(r"(?i)[a-z]+://", url):
        url = "http://" + url
    scheme, rest = url.split("://", 1)
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}".rstrip("/")


def _urls(text: str) -> list[Identifier]:
    found: list[Identifier] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_URL, _BARE_DOMAIN):
        for match in pattern.finditer(text):
            url = _trim_url(match.group())
            end = match.start() + len(url)
            if "." not in url or any(match.start() < e and s < end for s, e in taken):
                continue
            taken.append((match.start(), end))
            found.append(_make(IdentifierKind.URL, text, match.start(), end, _normalised_url(url)))
    return found


def _emails(text: str) -> list[Identifier]:
    return [
        _make(IdentifierKind.EMAIL, text, match.start(), match.end(), match.group().lower())
        for match in _EMAIL.finditer(text)
    ]


def _handles(text: str) -> list[Identifier]:
    return [
        _make(IdentifierKind.HANDLE, text, match.start(), match.end(), "@" + match.group(1).lower())
        for match in _HANDLE.finditer(text)
        if any(char.isalpha() for char in match.group(1))
    ]


def _hashtags(text: str) -> list[Identifier]:
    found = []
    for match in _HASHTAG.finditer(text):
        body = match.group(1)
        if not any(char.isalpha() for char in body):
            continue  # #1, #2024: a rank or a number, not a tag
        folded = "".join(fold(body).split())
        found.append(_make(IdentifierKind.HASHTAG, text, match.start(), match.end(), "#" + folded))
    return found


def _ipv4(text: str) -> list[Identifier]:
    found = []
    for match in _IPV4.finditer(text):
        address = match.group()
        network = ipaddress.ip_network(address, strict=False) if "/" in address else None
        value = str(network) if network is not None else str(ipaddress.IPv4Address(address))
        found.append(_make(IdentifierKind.IPV4, text, match.start(), match.end(), value))
    return found


def _ipv6(text: str) -> list[Identifier]:
    found = []
    for match in _IPV6.finditer(text):
        candidate = match.group()
        if candidate.count(":") < 2 or not any(char in "0123456789abcdefABCDEF" for char in candidate):
            continue
        try:
            address = ipaddress.IPv6Address(candidate)
        except ValueError:
            continue
        found.append(_make(IdentifierKind.IPV6, text, match.start(), match.end(), address.compressed))
    return found


# --- coordinates ---------------------------------------------------------------------------------------


def _coordinate_value(lat: float, lon: float) -> str | None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return f"{lat:.6f},{lon:.6f}"


def _signed(number: str, hemisphere: str | None, negative: str) -> float:
    value = float(number.replace("−", "-"))
    return -abs(value) if hemisphere == negative else value


def _coordinates(text: str) -> list[Identifier]:
    found: list[Identifier] = []
    for match in _DMS.finditer(text):
        lat = _dms(match, 1, match.group("h1"), "S")
        lon = _dms(match, 2, match.group("h2"), "W")
        value = _coordinate_value(lat, lon)
        if value is not None:
            found.append(_make(IdentifierKind.COORDINATES, text, match.start(), match.end(), value))
    for match in _DECIMAL_PAIR.finditer(text):
        ns = (match.group("ns1") or match.group("ns2") or "").strip() or None
        ew = (match.group("ew1") or match.group("ew2") or "").strip() or None
        lat_text, lon_text = match.group("lat"), match.group("lon")
        precise = min(_decimals(lat_text), _decimals(lon_text)) >= 3
        if not (precise or (ns and ew)) or bool(ns) != bool(ew):
            continue
        if "," not in match.group() and ";" not in match.group() and "/" not in match.group() and not ns:
            continue  # two numbers side by side are a pair only when written as one
        value = _coordinate_value(_signed(lat_text, ns, "S"), _signed(lon_text, ew, "W"))
        if value is not None:
            found.append(_make(IdentifierKind.COORDINATES, text, match.start(), match.end(), value))
    return found


def _decimals(number: str) -> int:
    return len(number.partition(".")[2])


def _dms(match: re.Match[str], n: int, hemisphere: str, negative: str) -> float:
    degrees = float(match.group(f"d{n}"))
    minutes = float(match.group(f"m{n}"))
    seconds = float(match.group(f"s{n}") or 0)
    value = degrees + minutes / 60 + seconds / 3600
    return -value if hemisphere == negative else value


# --- phone numbers -------------------------------------------------------------------------------------


def _digits(text: str) -> str:
    return "".join(str(unicodedata.digit(char)) for char in text if char.isdigit())


def _phones(text: str) -> list[Identifier]:
    found: list[Identifier] = []
    for match in _PHONE_INTERNATIONAL.finditer(text):
        digits = _digits(match.group())
        if match.group().startswith("00"):
            digits = digits[2:]
        if 8 <= len(digits) <= 15:
            found.append(_make(IdentifierKind.PHONE, text, match.start(), match.end(), "+" + digits))
    for match in _PHONE_LOCAL.finditer(text):
        number = match.group()
        digits = _digits(number)
        if not 9 <= len(digits) <= 11 or _DATE_LIKE.fullmatch(number):
            continue
        if any(match.start() < item.end and item.start < match.end() for item in found):
            continue
        value = "+7" + digits[1:] if digits.startswith("8") and len(digits) == 11 else digits
        found.append(_make(IdentifierKind.PHONE, text, match.start(), match.end(), value))
    return found
