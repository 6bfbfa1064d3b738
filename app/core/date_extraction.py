"""Finding date expressions in English, Hebrew, Arabic and Russian text, with values and honest provenance.

How it works: the text is copied once through a *length-preserving* fold (Arabic-Indic digits → 0-9,
hamza seats → ا, dash and geresh variants unified), so every offset found in the copy is an offset into
the original. A cheap token pass looks up each word in a table of trigger words (month names with the
Hebrew and Arabic prefixes they carry, Russian month names in each case, seasons, decades, relative
words) and each number; only there is an anchor regex tried. Around an anchor small regexes look for the
rest of the expression: a day, a year, a time and its zone, a weekday written with the date, a range or
list ("between … and …", "3–5", "בין … ל…", "2 و3", "с … по …", "между … и …"), qualifiers ("around",
"בסביבות", "حوالي", "около", "early", "בסוף", "أواخر", "в середине", "the third quarter of"), open bounds
("before", "מאז", "منذ", "بحلول", "до", "с"). Left qualifiers are tried only where a run of qualifier
words ends at the anchor, which keeps a 5 KB article at about a millisecond; every Russian alternative
starts with a lookahead for a Cyrillic letter, so other text pays nothing for it.

Month names come from our own tables, so we do not inherit dateparser's mistakes (it reads "ב-31 ביולי"
as the 8th, copies the base day into month-only dates, ignores "האחרון" and does not know the Levantine
تموز، آب، شباط); dateparser is not used at all – the relative forms it would cover are in the tables too,
and scanning whole texts with it is far too slow.

Conventions (the labelled sets in ``tests/core/data`` follow them):

* ``text[start:end]`` is the exact expression, offsets are code points. Separate prepositions and cues
  ("in", "on", "ב-", "في", "عام", "בשנת", "в", "на") are left out; words that change the value are in
  ("around", "before", "between … and …", "last March", "early 2020", "около", "до", "с … по …"). A prefix
  attached to a month name is part of the word and so of the span ("ביולי 2023", "بتموز"). Russian "года",
  "году", "г." after a year are in ("31 июля 2023 года", "в 2019 году" → "2019 году") and make the number
  a year without a cue.
* A year alone counts only after a cue ("in 2019", "ב-2019", "عام 2019", "(2018)", "the 2014 agreement")
  or inside a range or qualifier, so "2,000 people", "page 2019", phone numbers, "Il-62M", "2:30",
  "version 3.12" are not dates. A month name alone needs a cue too; those that are also ordinary words
  (English "May"/"March", Hebrew "במאי" film director / "במרץ" vigorously, Arabic "آب"/"أب" father,
  "نيسان" the car maker) need a day, a year or a qualifier.
* ``inferred`` is True when part of the value did not come from the expression itself: the year of
  "31 July" (from the publication date – or, without one, from the last full date before it in the
  same text: one with at least a month, "4 August 2023", "July 2023", "31.07.2023"; a bare year such as
  "resolution 2397 (2017)" or "since mid-2019" never lends its year), or the whole of "yesterday".
  ``note`` says where it came from. A publication date wins over any date in the text.
* Year of a day or month without a year: the publication year, unless that puts the date more than three
  months after publication – then the previous year ("late December" in a January article); and a date
  more than nine months *before* publication moves to the next year ("3 January" published on
  28 December). News looks back more often than ahead, hence the lopsided window. A range without a
  year applies the window to its start ("from November through February" in October: Nov – next Feb).
* Without a publication date a relative expression ("yesterday", "last March") is still reported, with
  ``value=None`` and the note "needs a reference date", so the investigator sees it and can resolve it.
* Russian months with "этого/прошлого/следующего года" ("в марте этого года", "2 августа прошлого года")
  take the publication year (minus or plus one): relative and inferred, as "last March" is.
* Weeks start on Monday in English and Russian text and on Sunday in Hebrew and Arabic text. A bare
  weekday ("on Monday") is the latest such day on or before publication (future tense is not detected);
  "next" moves forward, "last" strictly back. A weekday written next to a full date joins it, and a note
  says when the two disagree.
* Numeric dates are day-first (Israel, the Arab world, Europe, Russia). In English text a slash date whose
  first two numbers could both be the month (03/04/2022) is marked uncertain (``?``) with a note (not in
  Hebrew, Arabic or Russian text: language "he", "ar", "ru" or the script); 12/31/2022 can only be
  American and is read so. "2018-2020" and "2019-20" are ranges of years, "2023-07" a month.
* Not read: Hebrew- and Hijri-calendar dates ("כ״ה בתמוז תשפ״ג", "15 رمضان 1444"), "today" (too often
  "nowadays"; Russian "сегодня" is read, as Russian news uses it for the day of publication), "накануне"
  (the eve of the story's day, not of publication), vague spans ("in recent months", "within two weeks").
  A Russian weekday needs "в"/"во" before it ("в среду"; "среда" is also "environment").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import accumulate, compress, count
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.core.dates import DatePoint, Precision, Unbounded, UncertainDate, adjacent_point
from app.core.errors import InvalidValue
from app.core.textnorm import guess_language


@dataclass(frozen=True, slots=True)
class DateMention:
    """One date expression in a text; ``value`` is None when it cannot be resolved (see ``note``)."""

    start: int
    end: int
    text: str
    value: UncertainDate | None
    inferred: bool
    note: str = ""
    relative: bool = False  # needs a reference date ("yesterday", "last March", "on Monday")


# --- folding that keeps every offset --------------------------------------------------------------

_FOLD_MAP = {
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ی": "ي",
    "ک": "ك",
    "\u05be": "-",  # Hebrew maqaf
    "\u2010": "-",
    "\u2011": "-",
    "\u2212": "-",
    "\u2012": "–",
    "\u2013": "–",
    "\u2014": "–",
    "\u2015": "–",
    "\u05f3": "'",  # geresh
    "\u05f4": '"',  # gershayim
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u00a0": " ",
    "\u200e": " ",
    "\u200f": " ",
    "\u061c": " ",
}
_FOLD_CHANGES = re.compile("[" + "".join(map(re.escape, _FOLD_MAP)) + "]")


def _fold(text: str) -> str:
    """Length-preserving: one character for one (substituting the few that change is ~10× faster than
    ``str.translate`` over every character)."""
    return _FOLD_CHANGES.sub(lambda match: _FOLD_MAP[match.group()], text)


def _compile(pattern: str) -> re.Pattern[str]:
    """Compile a pattern written in natural spelling ("إلى", "حتى") into the folded text's spelling."""
    return re.compile(_fold(pattern))


# --- lexicon --------------------------------------------------------------------------------------

_EN_MONTHS = [
    ("January", 1), ("February", 2), ("March", 3), ("April", 4), ("May", 5), ("June", 6), ("July", 7),
    ("August", 8), ("September", 9), ("October", 10), ("November", 11), ("December", 12),
]  # fmt: skip
_EN_ABBREVIATIONS = [
    ("Jan", 1), ("Feb", 2), ("Mar", 3), ("Apr", 4), ("Jun", 6), ("Jul", 7), ("Aug", 8), ("Sept", 9),
    ("Sep", 9), ("Oct", 10), ("Nov", 11), ("Dec", 12),
]  # fmt: skip
_HE_MONTHS = [
    ("ינואר", 1), ("פברואר", 2), ("מרץ", 3), ("מרס", 3), ("אפריל", 4), ("מאי", 5), ("יוני", 6),
    ("יולי", 7), ("אוגוסט", 8), ("ספטמבר", 9), ("אוקטובר", 10), ("נובמבר", 11), ("דצמבר", 12),
]  # fmt: skip
_HE_ABBREVIATIONS = [
    ("ינו", 1), ("פבר", 2), ("אפר", 4), ("אוג", 8), ("ספט", 9), ("אוק", 10), ("נוב", 11), ("דצמ", 12),
]  # fmt: skip
#: Arabic month names after folding (hamza seats → ا). Egyptian/Gulf, Maghrebi and Levantine/Iraqi.
_AR_MONTHS = [
    ("يناير", 1), ("جانفي", 1), ("فبراير", 2), ("فيفري", 2), ("شباط", 2), ("مارس", 3), ("اذار", 3),
    ("ابريل", 4), ("افريل", 4), ("نيسان", 4), ("مايو", 5), ("ايار", 5), ("يونيو", 6), ("يونيه", 6),
    ("جوان", 6), ("حزيران", 6), ("يوليو", 7), ("يوليه", 7), ("جويلية", 7), ("تموز", 7), ("اغسطس", 8),
    ("اوت", 8), ("سبتمبر", 9), ("ايلول", 9), ("اكتوبر", 10), ("نوفمبر", 11), ("ديسمبر", 12),
]  # fmt: skip
_AR_TWO_WORD = [("كانون", "ثاني", 1), ("كانون", "اول", 12), ("تشرين", "اول", 10), ("تشرين", "ثاني", 11)]
_AR_SHORT = [("اب", 8)]  # also "father" once folded: only "و" may precede it, and never alone
#: Russian month names in the cases news uses: nominative, genitive ("31 июля"), prepositional ("в июле"),
#: dative ("к июлю").
_RU_MONTHS = [
    (f"{stem}{ending}", number)
    for number, (stem, endings) in enumerate(
        [
            ("январ", "ьяею"), ("феврал", "ьяею"), ("март", ("", "а", "е", "у")), ("апрел", "ьяею"),
            ("ма", "йяею"), ("июн", "ьяею"), ("июл", "ьяею"), ("август", ("", "а", "е", "у")),
            ("сентябр", "ьяею"), ("октябр", "ьяею"), ("ноябр", "ьяею"), ("декабр", "ьяею"),
        ],
        1,
    )
    for ending in endings
]  # fmt: skip
_RU_ABBREVIATIONS = [
    ("янв", 1), ("фев", 2), ("февр", 2), ("мар", 3), ("апр", 4), ("июн", 6), ("июл", 7), ("авг", 8),
    ("сен", 9), ("сент", 9), ("окт", 10), ("ноя", 11), ("нояб", 11), ("дек", 12),
]  # fmt: skip

_MONTH_KEYS: dict[str, int] = {}
for _name, _number in _EN_MONTHS + _EN_ABBREVIATIONS:
    _MONTH_KEYS[_name.lower()] = _number
for _name, _number in _HE_MONTHS + _HE_ABBREVIATIONS + _AR_MONTHS + _AR_SHORT:
    _MONTH_KEYS[_name] = _number
for _name, _number in _RU_ABBREVIATIONS + _RU_MONTHS:  # "июн" and "июл" are forms too
    _MONTH_KEYS[_name] = _number
for _first, _second, _number in _AR_TWO_WORD:
    _MONTH_KEYS[f"{_first} {_second}"] = _number
    _MONTH_KEYS[f"{_first} ال{_second}"] = _number

#: Month words that are also ordinary words: alone they need a qualifier, not just a cue.
_AMBIGUOUS_MONTHS = (
    {name.lower() for name, _ in _EN_ABBREVIATIONS}
    | {"may", "march"}
    | {"מאי", "מרץ", "מרס"}
    | {name for name, _ in _HE_ABBREVIATIONS}
    | {"اب", "نيسان", "اوت", "جوان"}
    | {name for name, _ in _RU_ABBREVIATIONS} - {name for name, _ in _RU_MONTHS}
)

_HE_DAY_PREFIXES = ("ב", "ל", "מ", "וב", "ול", "ומ")
_HE_PREFIXES = ("וכש", "וב", "ול", "ומ", "שב", "ב", "ל", "מ", "ו")
_AR_PREFIXES = ("وب", "ول", "فب", "فل", "ب", "ل", "و", "ف")


def _en_word(word: str, abbreviation: bool) -> str:
    """A capitalised English word: first letter as given, the rest in any case ("July", "JULY")."""
    return f"{word[0]}(?i:{word[1:]})" + (r"\.?" if abbreviation else "")


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_EN_MONTH_RE = "|".join(
    [_en_word(name, False) for name, _ in sorted(_EN_MONTHS, key=lambda item: -len(item[0]))]
    + [_en_word(name, True) for name, _ in sorted(_EN_ABBREVIATIONS, key=lambda item: -len(item[0]))]
)
_HE_MONTH_RE = (
    _alternation(name for name, _ in _HE_MONTHS) + "|" + "|".join(f"{name}'" for name, _ in _HE_ABBREVIATIONS)
)
_AR_MONTH_RE = "|".join(
    [rf"{first}\s+(?:ال)?{second}" for first, second, _ in _AR_TWO_WORD]
    + sorted((name for name, _ in _AR_MONTHS), key=len, reverse=True)
)
#: Put before every Russian alternative: other text fails it at once instead of trying each word.
_CYR = f"(?=[{chr(0x400)}-{chr(0x4FF)}])"
_CYR_OR_DIGIT = f"(?=[0-9{chr(0x400)}-{chr(0x4FF)}])"  # "3 дня назад"
_RU_MONTH_RE = (
    _CYR
    + "(?i:"
    + _alternation(name for name, _ in _RU_MONTHS)
    + "|"
    + "|".join(rf"{name}\." for name, _ in sorted(_RU_ABBREVIATIONS, key=lambda item: -len(item[0])))
    + "|"
    + _alternation(name for name, _ in _RU_ABBREVIATIONS)
    + ")"
)
_MONTH_BARE = rf"(?:{_EN_MONTH_RE}|{_HE_MONTH_RE}|{_AR_MONTH_RE}|{_RU_MONTH_RE}|اب)(?![\w])"
_MONTH = (
    rf"(?:(?:{_alternation(_HE_PREFIXES)})?(?:{_HE_MONTH_RE})"
    rf"|(?:{_alternation(_AR_PREFIXES)})?(?:{_AR_MONTH_RE})|{_EN_MONTH_RE}|{_RU_MONTH_RE}|و?اب)(?![\w])"
)
_DOUBLE_MONTH = rf"(?:\s*[/(]\s*(?P<m2>{_MONTH_BARE})(?:\s*\))?)?"
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])"
_YEAR = r"(?:1[0-9]|20)[0-9]{2}"
_NUM_BEFORE = r"(?:(?<![\w.,:/+])(?<![0-9][-–])|(?<=[\s(]و))"  # "و2021": Arabic "and" is attached
#: After a number: no more word ("2023г." and "2023م" excepted: the Russian abbreviation of "year" and the
#: Arabic mark of a Gregorian year), and no "AH"/"هـ" (a Hijri year, which is not read: 1445 AH is 2023–24).
_NUM_AFTER = r"(?!(?!гг?\.|م(?![\w]))[\w]|[.,:/\-–][0-9]|\s*(?:AH|A\.H\.|هـ|ه)(?![\w]))"
#: What Russian writes after a year ("2023 года", "в 2019 году", "2019-м году", "2023 г.", "1990-х годах"):
#: part of the expression, and a sign that the number is a year.
_RU_YEAR_WORD = _compile(
    r"(?:-(?:го|м|й))?(?:\s*(?i:гг\.|г\.)|\s+(?i:годами|годах|годов|годом|года|году|годы|год))(?![\w])"
)


def _month_number(token: str) -> tuple[int, str, str]:
    """(month, attached prefix, key) of a matched month word, e.g. "ביולי" → (7, "ב", "יולי")."""
    key = " ".join(token.lower().replace(".", "").replace("'", "").split())
    if key in _MONTH_KEYS:
        return _MONTH_KEYS[key], "", key
    for prefix in _HE_PREFIXES + _AR_PREFIXES:
        if key.startswith(prefix) and key[len(prefix) :] in _MONTH_KEYS:
            return _MONTH_KEYS[key[len(prefix) :]], prefix, key[len(prefix) :]
    raise KeyError(token)


# Seasons, decades, relative words ------------------------------------------------------------------

_SEASON_WORDS = {
    "spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24,
    "אביב": 21, "קיץ": 22, "סתיו": 23, "חורף": 24,
    "ربيع": 21, "صيف": 22, "خريف": 23, "شتاء": 24,
}  # fmt: skip
#: Russian seasons with a year: "летом 2019 года" (instrumental), "лето 2019", "весны 2020".
_RU_SEASON_WORDS = {
    f"{stem}{ending}": code
    for stem, endings, code in (
        ("весн", ("ой", "а", "у", "ы"), 21), ("лет", ("ом", "о", "а"), 22), ("осен", ("ью", "ь", "и"), 23),
        ("зим", ("ой", "а", "у", "ы"), 24),
    )
    for ending in endings
}  # fmt: skip
_TENS_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7, "eighties": 8,
    "nineties": 9,
    "עשרים": 2, "שלושים": 3, "ארבעים": 4, "חמישים": 5, "שישים": 6, "שבעים": 7, "שמונים": 8, "תשעים": 9,
    "عشرين": 2, "ثلاثين": 3, "اربعين": 4, "خمسين": 5, "ستين": 6, "سبعين": 7, "ثمانين": 8, "تسعين": 9,
}  # fmt: skip
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10,
    "שניים": 2, "שתיים": 2, "שלושה": 3, "שלוש": 3, "ארבעה": 4, "ארבע": 4, "חמישה": 5, "חמש": 5,
    "שישה": 6, "שש": 6, "שבעה": 7, "שבע": 7, "עשרה": 10, "עשר": 10,
    "ثلاثة": 3, "ثلاث": 3, "اربعة": 4, "اربع": 4, "خمسة": 5, "خمس": 5, "ستة": 6, "ست": 6, "سبعة": 7,
    "عشرة": 10,
}  # fmt: skip
#: Unit words of "… ago" and how many units each one says (Hebrew and Arabic have duals).
_UNIT_WORDS = {
    "day": ("day", 1), "days": ("day", 1), "week": ("week", 1), "weeks": ("week", 1),
    "month": ("month", 1), "months": ("month", 1), "year": ("year", 1), "years": ("year", 1),
    "יום": ("day", 1), "יומיים": ("day", 2), "ימים": ("day", 1), "שבוע": ("week", 1),
    "שבועיים": ("week", 2), "שבועות": ("week", 1), "חודש": ("month", 1), "חודשיים": ("month", 2),
    "חודשים": ("month", 1), "שנה": ("year", 1), "שנתיים": ("year", 2), "שנים": ("year", 1),
    "يوم": ("day", 1), "يومين": ("day", 2), "ايام": ("day", 1), "اسبوع": ("week", 1),
    "اسبوعين": ("week", 2), "اسابيع": ("week", 1), "شهر": ("month", 1), "شهرين": ("month", 2),
    "اشهر": ("month", 1), "شهور": ("month", 1), "عام": ("year", 1), "عامين": ("year", 2),
    "اعوام": ("year", 1), "سنة": ("year", 1), "سنتين": ("year", 2), "سنوات": ("year", 1),
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "ראשון": 6, "שני": 0, "שלישי": 1, "רביעי": 2, "חמישי": 3, "שישי": 4, "שבת": 5,
    "א": 6, "ב": 0, "ג": 1, "ד": 2, "ה": 3, "ו": 4,
    "الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعة": 4, "السبت": 5, "الاحد": 6,
    "понедельник": 0, "вторник": 1, "среду": 2, "среда": 2, "четверг": 3, "пятницу": 4, "пятница": 4,
    "субботу": 5, "суббота": 5, "воскресенье": 6,
}  # fmt: skip
#: Russian modifiers of a week, month, year or weekday, in every gender and case news uses.
_RU_PAST = ("прошл", "минувш", "предыдущ", "позапрошл")
_RU_NEXT = ("следующ", "будущ", "наступающ", "ближайш", "грядущ")
_RU_MODIFIERS = _alternation(
    {
        f"{stem}{ending}"
        for stem in ("прошл", "позапрошл")
        for ending in ("ом", "ой", "ую", "ый", "ого", "ое", "ая")
    }
    | {
        stem + ending
        for stem in ("минувш", "предыдущ", "следующ", "будущ", "наступающ", "ближайш", "грядущ", "текущ")
        for ending in ("ем", "ей", "ую", "ий", "его", "ее", "ая")
    }
    | {f"нынешн{ending}" for ending in ("ем", "ей", "юю", "ий", "его", "ее", "яя")}
    | {"этом", "этой", "эту", "этот", "этого", "сего"}  # not "это" ("it"): "в это воскресенье" is rare
)
_RU_DAY_WORDS = {"позавчера": -2, "вчера": -1, "сегодня": 0, "завтра": 1, "послезавтра": 2}
_PAST = {"last", "past", "האחרון", "האחרונה", "שעבר", "שעברה", "הקודם", "הקודמת", "الماضي", "الماضية",
         "المنصرم", "المنصرمة", "الفائت", "الفائتة"}  # fmt: skip
_NEXT = {"next", "coming", "הבא", "הבאה", "הקרוב", "הקרובה", "المقبل", "المقبلة", "القادم", "القادمة"}


def _ru_step(modifier: str) -> int:
    """-1, 0 or 1 for a Russian modifier: "прошлом" (last), "этом"/"текущем" (this), "следующем" (next)."""
    word = modifier.lower()
    if word.startswith("позапрошл"):
        return -2
    return -1 if word.startswith(_RU_PAST) else 1 if word.startswith(_RU_NEXT) else 0


def _ru_unit(word: str) -> str:
    """ "day", "week", "month" or "year" for a Russian unit word in any case ("неделе", "лет")."""
    word = word.lower()
    if word.startswith(("дн", "ден")):
        return "day"
    return "week" if word.startswith("недел") else "month" if word.startswith("месяц") else "year"


_UNIT_NAMES = {
    "week": "week", "month": "month", "year": "year", "שבוע": "week", "חודש": "month", "שנה": "year",
    "השבוע": "week", "החודש": "month", "השנה": "year", "الاسبوع": "week", "الشهر": "month",
    "العام": "year", "السنة": "year",
}  # fmt: skip
_ZONES = {
    "israel time": "Asia/Jerusalem", "שעון ישראל": "Asia/Jerusalem", "בשעון ישראל": "Asia/Jerusalem",
    "بتوقيت القدس": "Asia/Jerusalem", "بتوقيت بيروت": "Asia/Beirut", "بتوقيت دمشق": "Asia/Damascus",
    "بتوقيت غزة": "Asia/Gaza", "بتوقيت مكة": "Asia/Riyadh", "بتوقيت القاهرة": "Africa/Cairo",
    "بتوقيت غرينتش": "UTC", "moscow time": "Europe/Moscow", "kyiv time": "Europe/Kyiv",
    "по московскому времени": "Europe/Moscow", "по киевскому времени": "Europe/Kyiv",
    "по минскому времени": "Europe/Minsk", "по гринвичу": "UTC",
}  # fmt: skip

# --- the anchor pass ------------------------------------------------------------------------------

_NUMERIC = (
    rf"{_NUM_BEFORE}(?:(?P<iy>[0-9]{{4}})-(?P<im>[0-9]{{2}})-(?P<id>[0-9]{{2}})"
    r"(?:T(?P<ih>[0-9]{2}):(?P<imi>[0-9]{2})(?::(?P<is>[0-9]{2}))?(?P<itz>Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
    rf"|(?P<nd>[0-9]{{1,2}})(?P<sep>[./-])(?P<nm>[0-9]{{1,2}})(?P=sep)(?P<ny>[0-9]{{4}}|[0-9]{{2}})"
    rf"|(?P<ry1>{_YEAR})[-–](?P<ry2>{_YEAR}|[0-9]{{2}})){_NUM_AFTER}"
)
_DECADE = (
    r"(?<![\w'])(?P<dcen>1[5-9]|20)(?P<dten>[0-9])0s(?![\w])"
    r"|(?<![\w])'(?P<dten2>[0-9])0s(?![\w])"
    r"|(?<=\bthe )(?:(?P<dten3>[2-9])0s"
    r"|(?P<dword>(?i:twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)))(?![\w])"
    r"|(?<![\w])(?:ו?[במל])?שנות\s+ה-?(?:(?P<dhe>[0-9]0|[12][0-9]{2}0)"
    r"|(?P<dhew>עשרים|שלושים|ארבעים|חמישים|שישים|שבעים|שמונים|תשעים))(?![\w])"
    r"|(?<![\w])(?:[وف]?[بل]?)?(?:ال)?(?P<dar>عشرين|ثلاثين|اربعين|خمسين|ستين|سبعين|ثمانين|تسعين)(?:يات|ات)"
    r"(?:\s+(?:من\s+)?(?P<dcent>القرن\s+(?:الماضي|العشرين|المنصرم|الحالي|الحادي\s+والعشرين)))?(?![\w])"
    r"|(?=[0-9]+0-)(?<![\w'])(?P<dru>(?:1[5-9]|20)?[0-9]0)-(?i:ые|ых|х|е)(?![\w])"  # "1990-х (годах)", "90-е"
)
_SEASON = (
    rf"(?<![\w])(?P<sen>(?i:spring|summer|autumn|fall|winter))(?:\s+of)?\s+(?P<sey>{_YEAR})(?![\w])"
    rf"|(?<![\w])(?:ו?ב)?(?P<she>אביב|קיץ|סתיו|חורף)\s+(?:של\s+)?(?P<shey>{_YEAR})(?![\w])"
    rf"|(?<![\w])(?:[وف]?ب?)?(?:ال)?(?P<sar>ربيع|صيف|خريف|شتاء)\s+(?:(?:عام|سنة)\s+)?(?P<sary>{_YEAR})(?![\w])"
    rf"|(?<![\w]){_CYR}(?P<sru>(?i:{_alternation(_RU_SEASON_WORDS)}))\s+"
    rf"(?:(?P<sruy>{_YEAR}){_NUM_AFTER}|(?P<sruym>(?i:{_RU_MODIFIERS}))\s+(?i:года)(?![\w]))"
)
_EN_WEEKDAY = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_RU_WEEKDAY = "понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье"
_RU_NUMBERS = {
    "один": 1, "одну": 1, "одна": 1, "два": 2, "две": 2, "пару": 2, "три": 3, "четыре": 4, "пять": 5,
    "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
}  # fmt: skip
#: Russian relative expressions. A weekday ("в понедельник") must follow "в"/"во" (checked when read).
_RU_RELATIVE = (
    rf"|{_CYR_OR_DIGIT}(?i:(?P<rrud>позавчера|вчера|сегодня|завтра|послезавтра)"
    r"(?:\s+(?:утром|днём|днем|вечером|ночью))?"
    rf"|(?P<rrago>(?:(?P<rrn>[0-9]{{1,2}}|{_alternation(_RU_NUMBERS)})\s+)?"
    r"(?P<rru>дня|дней|день|неделю|недели|недель|месяца|месяцев|месяц|года|лет|год)\s+назад)"
    rf"|(?P<rrunit>(?P<rrum>{_RU_MODIFIERS})\s+(?P<rruu>месяце|месяца|месяц|году|года|год|неделе|неделю|недели|неделя))"
    rf"|(?P<rwru>(?:(?P<rwrum>{_RU_MODIFIERS})\s+)?(?P<rwrud>{_RU_WEEKDAY})(?!\s+обитания)))"
)
_RELATIVE = (
    r"(?<![\w])(?:"
    r"(?P<rdby>(?i:the\s+day\s+before\s+yesterday)|שלשום|اول\s+امس|امس\s+الاول)"
    r"|(?P<rday1>(?i:yesterday|last\s+night)|אתמול|אמש|امس|البارحة)"
    r"|(?P<rtmrw>(?i:tomorrow)|מחר|غدا\u064b?)"
    r"|(?P<rtoday>(?i:this\s+(?:morning|afternoon|evening)|tonight|earlier\s+today)"
    r"|(?<!בשעות\s)(?<!של\s)הבוקר|(?:صباح|مساء|ظهر|فجر|ليلة|عصر)\s+اليوم)"
    r"|(?P<rago>(?i:(?P<ragon>a|an|one|two|three|four|five|six|seven|eight|nine|ten|[0-9]{1,2})\s+"
    r"(?P<ragou>days?|weeks?|months?|years?)\s+ago)"
    r"|לפני\s+(?:(?P<rhn>[0-9]{1,2}|שלושה|שלוש|ארבעה|ארבע|חמישה|חמש|שישה|שש|שבעה|שבע|עשרה|עשר)\s+)?"
    r"(?P<rhu>יומיים|ימים|יום|שבועיים|שבועות|שבוע|חודשיים|חודשים|חודש|שנתיים|שנים|שנה)"
    r"|(?:قبل|منذ)\s+(?:(?P<ran>[0-9]{1,2}|ثلاثة|ثلاث|اربعة|اربع|خمسة|خمس|ستة|ست|سبعة|عشرة)\s+)?"
    r"(?P<rau>يومين|ايام|يوم|اسبوعين|اسابيع|اسبوع|شهرين|اشهر|شهور|شهر|عامين|اعوام|عام|سنتين|سنوات|سنة))"
    r"|(?P<runit>(?P<reum>(?i:last|this|next|coming))\s+(?P<reu>(?i:week|month|year))"
    r"|(?:ו?ב|ה)?(?P<rhu2>שבוע|חודש|שנה)\s+(?P<rhm>שעבר|שעברה|הבא|הבאה|הקודם|הקודמת)"
    r"|(?<!ראש )(?<!איש )(?<!אשת )ו?(?P<rhthis>השבוע|החודש|השנה)(?!\s+(?:שעבר|שעברה|הבא|הבאה)(?![\w]))"
    r"|(?P<rau2>الاسبوع|الشهر|العام|السنة)\s+(?P<ram>الماضي|الماضية|المنصرم|المنصرمة|الفائت|المقبل|المقبلة|القادم|القادمة|الجاري|الجارية|الحالي|الحالية)"
    r"|(?:هذا|هذه)\s+(?P<rathis>الاسبوع|الشهر|العام|السنة))"
    rf"|(?P<rwen>(?:(?P<rwenm>(?i:last|next|this|coming))\s+)?(?P<rwend>{_EN_WEEKDAY})(?!\s+(?:Times|Telegraph|Express|Mirror|Post|Herald)))"
    r"|(?P<rwhe>(?:ו?ב)?יום\s+(?P<rwhed>ראשון|שני|שלישי|רביעי|חמישי|שישי|שבת|[אבגדהו]')"
    r"(?:\s+(?P<rwhem>האחרון|שעבר|הבא|הקרוב))?|(?P<rwsat>(?:ו?ב)(?:מוצאי\s+|ליל\s+)?שבת)(?:\s+(?P<rwsatm>האחרונה|שעברה|הבאה|הקרובה))?)"
    r"|(?P<rwar>(?P<rwaryom>(?:[وف]?ب?)يوم\s+)?(?P<rward>الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعة|السبت|الاحد)"
    r"(?:\s+(?P<rwarm>الماضي|المقبل|القادم|الفائت))?)" + _RU_RELATIVE + r")(?![\w])"
)
_YEAR_ANCHOR = rf"{_NUM_BEFORE}(?P<year>{_YEAR}){_NUM_AFTER}(?!\s*%)"
_MONTH_ANCHOR = rf"(?<![\w])(?P<month>{_MONTH}){_DOUBLE_MONTH}"

_ANCHOR_PATTERNS = {
    kind: _compile(pattern)
    for kind, pattern in (
        ("num", _NUMERIC),
        ("decade", _DECADE),
        ("season", _SEASON),
        ("rel", _RELATIVE),
        ("mon", _MONTH_ANCHOR),
        ("yr", _YEAR_ANCHOR),
    )
}
_TOKEN_SPLIT = re.compile(r"([0-9]+|[^\W\d_]+)")


def _tokens(folded: str) -> tuple[list[int], list[int], list[str]]:
    """Starts, ends and lower-cased words of the tokens of ``folded``.

    Done without a Python-level loop over the tokens (a news article has thousands): ``split`` with a
    capturing group alternates separators and tokens, and the running sum of their lengths gives every
    offset.
    """
    lowered = folded.lower()
    same_length = len(lowered) == len(folded)  # not so for a few letters (İ): then lower word by word
    parts = _TOKEN_SPLIT.split(lowered if same_length else folded)
    offsets = list(accumulate(map(len, parts), initial=0))
    words = parts[1::2] if same_length else [word.lower() for word in parts[1::2]]
    return offsets[1::2], offsets[2::2], words


_PREFIXES = tuple(
    sorted({*_HE_PREFIXES, *_AR_PREFIXES, "ال", "وال", "بال", "لل", "فال", "ה", "וה"}, key=len, reverse=True)
)


def _words_of(*patterns: str) -> set[str]:
    """The words a pattern can contain (plus a few regex letters, harmlessly), folded and lower-cased."""
    return {word.lower() for pattern in patterns for word in re.findall(r"[^\W\d_]+", _fold(pattern))}


def _triggers() -> dict[str, tuple[str, ...]]:
    """Which anchor patterns a word can start: the heavy regexes run only where one of these stands."""
    kinds: dict[str, list[str]] = {}

    def add(words: Iterable[str], kind: str) -> None:
        for word in words:
            kinds.setdefault(word, [])
            if kind not in kinds[word]:
                kinds[word].append(kind)

    add(_words_of(_DECADE) - {"i", "s", "w", "the", "ые", "ых", "х", "е"}, "decade")
    tens = [_fold(word) for word in _TENS_WORDS if not word.isascii()]
    add(
        (f"{article}{word}{ending}" for word in tens for article in ("", "ال") for ending in ("يات", "ات")),
        "decade",
    )
    add((f"{article}{word}" for word in _SEASON_WORDS for article in ("", "ال")), "season")
    add(_RU_SEASON_WORDS, "season")
    add(_words_of(_RELATIVE) - _RU_NOT_FIRST, "rel")
    add((key.split()[0] for key in _MONTH_KEYS), "mon")
    order = ("decade", "season", "rel", "mon")
    return {word: tuple(sorted(found, key=order.index)) for word, found in kinds.items()}


#: Words of ``_RU_RELATIVE`` no expression starts with ("года" of "прошлого года", "назад"): not triggers.
_RU_NOT_FIRST = {
    "утром", "днём", "днем", "вечером", "ночью", "назад", "году", "года", "месяце", "месяца", "неделе",
    "недели", "неделя", "дня", "дней", "недель", "месяцев", "лет",
}  # fmt: skip
_TRIGGERS = _triggers()
#: Every word ``_word_kinds`` gives kinds to: a trigger, bare or behind a Hebrew or Arabic prefix.
_TRIGGER_FORMS = frozenset(_TRIGGERS) | {
    prefix + word for prefix in _PREFIXES for word in _TRIGGERS if not "\u0400" <= word[0] <= "\u04ff"
}
_DIGIT_KINDS = ("num", "decade", "yr")
#: Unit words of "… ago" that may follow a number: only there is a number tried as a relative expression.
_AGO_UNITS = frozenset(
    {"day", "days", "week", "weeks", "month", "months", "year", "years"}
    | {
        "день",
        "дня",
        "дней",
        "неделю",
        "недели",
        "недель",
        "месяц",
        "месяца",
        "месяцев",
        "год",
        "года",
        "лет",
    }
)
_NUMBER = re.compile("[0-9]+")


@lru_cache(maxsize=65536)
def _forms(word: str) -> tuple[str, ...]:
    """A lower-case word and what is left of it without each Hebrew or Arabic prefix it may carry."""
    if word.isascii():
        return (word,)
    return (
        word,
        *(word[len(prefix) :] for prefix in _PREFIXES if word.startswith(prefix) and len(word) > len(prefix)),
    )


@lru_cache(maxsize=65536)
def _word_kinds(word: str) -> tuple[str, ...]:
    for form in _forms(word):
        kinds = _TRIGGERS.get(form)
        if kinds is not None:
            return kinds
    return ()


# --- context regexes (run only around anchors) ----------------------------------------------------

_EN_ORDINALS = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
    "nineteenth", "twentieth",
]  # fmt: skip
_AR_ORDINALS = [
    "الاول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر",
    "الحادي عشر", "الثاني عشر", "الثالث عشر", "الرابع عشر", "الخامس عشر", "السادس عشر", "السابع عشر",
    "الثامن عشر", "التاسع عشر", "العشرين",
]  # fmt: skip
#: Days written as ordinal words: "the fifth of June", "الخامس من حزيران".
_ORDINAL_DAYS = {word: day for day, word in enumerate(_EN_ORDINALS, 1)}
_ORDINAL_DAYS |= {f"twenty-{word}": 20 + day for day, word in enumerate(_EN_ORDINALS[:9], 1)}
_ORDINAL_DAYS |= {"thirtieth": 30, "thirty-first": 31}
_ORDINAL_DAYS |= {word: day for day, word in enumerate(_AR_ORDINALS, 1)}
_ORDINAL_DAYS |= {f"{word} والعشرين": 20 + day for day, word in enumerate(["الحادي", *_AR_ORDINALS[1:9]], 1)}
_ORDINAL_DAYS |= {"الثلاثين": 30, "الحادي والثلاثين": 31}
_RU_ORDINALS = [
    "первого", "второго", "третьего", "четвертого", "пятого", "шестого", "седьмого", "восьмого", "девятого",
    "десятого", "одиннадцатого", "двенадцатого", "тринадцатого", "четырнадцатого", "пятнадцатого",
    "шестнадцатого", "семнадцатого", "восемнадцатого", "девятнадцатого", "двадцатого",
]  # fmt: skip
_RU_ORDINAL_DAYS = {word: day for day, word in enumerate(_RU_ORDINALS, 1)}
_RU_ORDINAL_DAYS |= {f"двадцать {word}": 20 + day for day, word in enumerate(_RU_ORDINALS[:9], 1)}
_RU_ORDINAL_DAYS |= {"тридцатого": 30, "тридцать первого": 31}
_RU_ORDINAL_DAYS |= {key.replace("четвертого", "четвёртого"): day for key, day in _RU_ORDINAL_DAYS.items()}
_ORDINAL_DAYS |= _RU_ORDINAL_DAYS
_RU_ORDINAL_DAY_BEFORE = _compile(
    r"(?<![\w])(?P<dw>(?i:" + _alternation(word.replace(" ", r"\s+") for word in _RU_ORDINAL_DAYS) + r"))\s+$"
)
_ORDINAL_DAY_BEFORE = _compile(
    r"(?<![\w])(?:(?i:the)\s+)?(?P<dw>"
    + _alternation(re.escape(word).replace("\\ ", r"\s+") for word in _ORDINAL_DAYS)
    + r")\s+(?:(?i:of)|من(?:\s+شهر)?)\s+$"
)
_DAY_BEFORE = _compile(
    rf"(?:(?<![\w.,:/+])|(?<=[\s(]و))(?P<d>{_DAY})(?:st|nd|rd|th|-го)?(?:\s+of|\s+من(?:\s+شهر)?)?\s+$"
)
_DAY_AFTER = _compile(rf"\s+(?P<d>{_DAY})(?:st|nd|rd|th)?(?![\w]|[.:/\-][0-9])")
_YEAR_AFTER = _compile(rf"(?:\s*[,،]\s*|\s+)(?P<y>{_YEAR}){_NUM_AFTER}")
_ZONE = (
    r"(?:\s*\(?\s*(?:(?P<utc>UTC|GMT|Z)(?:\s*(?P<zsign>[+\-–])\s*(?P<zh>[0-9]{1,2})(?::?(?P<zm>[0-9]{2}))?)?"
    r"|(?P<abbr>EDT|EST|CDT|CST|MDT|MST|PDT|PST|BST|CEST|CET|EEST|EET|MSK|IDT|МСК|мск)"
    r"|(?P<local>(?i:local\s+time|по\s+местному\s+времени)|שעון\s+מקומי|بالتوقيت\s+المحلي)"
    r"|(?P<named>(?i:israel\s+time|moscow\s+time|kyiv\s+time|по\s+(?:московскому|киевскому|минскому)\s+времени"
    r"|по\s+гринвичу)|ב?שעון\s+ישראל|بتوقيت\s+(?:القدس|بيروت|دمشق|غزة|مكة|القاهرة|غرينتش)))"
    r"\s*\)?)"
)
_ZONE_AFTER = _compile(_ZONE + r"(?![\w])")
_ZONE_ABBREVIATIONS = {
    "EDT": -240, "EST": -300, "CDT": -300, "CST": -360, "MDT": -360, "MST": -420, "PDT": -420, "PST": -480,
    "BST": 60, "CET": 60, "CEST": 120, "EET": 120, "EEST": 180, "MSK": 180, "IDT": 180, "МСК": 180,
    "мск": 180,
}  # fmt: skip
_TIME_AFTER = _compile(
    r"(?:\s*[,،]\s*|\s+)(?:(?i:at|в)\s+|ב-?שעה\s+|בשעה\s+|(?:عند|في|في\s+تمام)?\s*الساعة\s+)?"
    r"(?:(?P<tapx>(?i:about|around|approximately|около|примерно|приблизительно)|בסביבות|حوالي)\s+)?"
    r"(?P<h>[01]?[0-9]|2[0-3])(?::(?P<mi>[0-5][0-9]))?(?::(?P<s>[0-5][0-9]))?"
    r"(?:\s*(?P<ampm>a\.m\.|p\.m\.|(?i:am|pm)(?![\w])))?"
    rf"(?P<zone>{_ZONE})?(?![\w:])"
)
_TIME_BEFORE = _compile(
    r"(?<![\w:])(?P<h>[01]?[0-9]|2[0-3]):(?P<mi>[0-5][0-9])(?:\s*(?P<ampm>a\.m\.|p\.m\.|(?i:am|pm)))?"
    rf"(?P<zone>{_ZONE})?\s+(?:(?i:on)|ב-?)\s*$"
)

_UNCERTAIN_WORDS = (
    rf"(?i:probably|possibly|perhaps|likely)|{_CYR}(?i:вероятно|возможно|предположительно|по-видимому|видимо)"
    r"|ככל\s+הנראה|כנראה|אולי|ربما|على\s+الارجح|من\s+المرجح"
)
_APPROX_WORDS = (
    r"(?i:around|about|approximately|circa|roughly)|(?i:c|ca)\.|בסביבות|בערך|לערך|סביב|כ-"
    rf"|حوالي|نحو|قرابة|تقريبا|{_CYR}(?i:около|примерно|приблизительно|ориентировочно)"
)
_OPEN_WORDS = (
    r"(?i:before|until|till|by|prior\s+to|no\s+later\s+than|after|since|as\s+of|starting)"
    r"|לפני|עד|אחרי|לאחר|מאז|החל\s+מ-?|החל\s+מן|החל|קודם\s+ל-?"
    r"|قبل|حتى|لغاية|بحلول|بعد|منذ|اعتبارا\s+من|ابتداء\s+من|بدءا\s+من"
    rf"|{_CYR}(?i:вплоть\s+до|до|не\s+позднее|не\s+позже|не\s+ранее|не\s+раньше|к|после|начиная\s+со|начиная\s+с|со|с)"
)
#: Russian parts of a year, month or decade, written out (the vocabulary of left qualifiers is made of whole
#: words): "в начале", "до середины", "к концу", "в первой половине", "в третьем квартале", "в III квартале".
_RU_PARTS = _alternation(
    [
        *(f"начал{ending}" for ending in ("е", "а", "у", "о", "ом")),
        *(f"середин{ending}" for ending in ("е", "ы", "у", "а", "ой")),
        *(f"конц{ending}" for ending in ("е", "а", "у", "ом")),
        "конец",
        *(
            rf"{first}\s+половин{ending}"
            for first in ("первой", "первая", "первую", "второй", "вторая", "вторую")
            for ending in ("е", "ы", "у", "а")
        ),
        *(
            rf"{first}\s+квартал{ending}"
            for first in (
                "первом", "первого", "первый", "втором", "второго", "второй", "третьем", "третьего", "третий",
                "четвертом", "четвертого", "четвертый", "четвёртом", "четвёртого", "четвёртый", "последнем",
                "последнего", "последний",
            )
            for ending in ("е", "а", "")
        ),
    ]
)  # fmt: skip
_PART_WORDS = (
    r"(?i:early|the\s+early|mid-|mid|the\s+mid-|the\s+middle\s+of|middle\s+of|late|the\s+late|the\s+end\s+of|end\s+of"
    r"|the\s+beginning\s+of|beginning\s+of|the\s+start\s+of|start\s+of|the\s+first\s+half\s+of|first\s+half\s+of"
    r"|the\s+second\s+half\s+of|second\s+half\s+of"
    r"|(?:the\s+)?(?:first|second|third|fourth|last|final)\s+quarter\s+of|q[1-4])"
    r"|בתחילת|בראשית|תחילת|באמצע|אמצע|בסוף|סוף|בשלהי|במחצית\s+הראשונה\s+של|במחצית\s+השנייה\s+של"
    r"|ב?ה?רבעון\s+ה?(?:ראשון|שני|שלישי|רביעי|אחרון)\s+של"
    r"|مطلع|بداية|اوائل|منتصف|اواسط|اواخر|نهاية|اخر|اخير|النصف\s+الاول\s+من|النصف\s+الثاني\s+من"
    r"|الربع\s+(?:الاول|الثاني|الثالث|الرابع|الاخير)\s+من"
    rf"|{_CYR}(?i:{_RU_PARTS})|(?:IV|III|II|I)\s+(?i:квартале|квартала|квартал)"
)
_EARLIER_WORDS = (
    rf"(?i:earlier|later)|{_CYR}(?i:ранее|позднее|позже)|מוקדם\s+יותר|בהמשך|في\s+وقت\s+سابق(?:\s+من)?|في\s+وقت\s+لاحق(?:\s+من)?"
    r"|سابقا|لاحقا"
)
_CUE_WORDS = (
    r"(?i:in|on|during|of|for|from|into|throughout|the\s+year|the|year)"
    r"|ב-|ב|בשנת|שנת|במהלך|בשנים|מ-|ו-|ל-"
    r"|في|عام|العام|لعام|بعام|سنة|خلال|من|شهر|لشهر|بشهر|يوم"
    rf"|{_CYR}(?i:в\s+течение|в|во|на|за|от)"
)
_LEFT = _compile(
    rf"(?:(?<![\w])(?P<unc>{_UNCERTAIN_WORDS})\s*[,،]?\s+)?"
    rf"(?:(?<![\w])(?P<apx>{_APPROX_WORDS})\s*)?"
    rf"(?:(?<![\w])(?:ו|و)?(?P<opn>{_OPEN_WORDS})\s*)?"
    rf"(?:(?<![\w])(?:ו|و)?(?:(?i:в|во)\s+)?(?P<part>{_PART_WORDS})\s*)?"
    rf"(?:(?<![\w])(?P<elr>{_EARLIER_WORDS})\s*)?"
    r"(?:(?<![\w])(?P<rel>(?i:last|this|next|coming|past))\s+)?"
    rf"(?:(?<![\w])(?:ו|و)?(?P<cue>{_CUE_WORDS})\s*)?$"
)
_RIGHT = _compile(
    r"\s+(?:(?P<rmod>האחרון|האחרונה|שעבר|שעברה|הבא|הבאה|הקרוב|הקרובה|الماضي|الماضية|المنصرم|المنصرمة"
    r"|الفائت|المقبل|المقبلة|القادم|القادمة)"
    rf"|{_CYR}(?P<rruy>(?i:{_RU_MODIFIERS})\s+(?i:года))"
    r"|(?P<runc>على\s+الارجح|على\s+ما\s+يبدو)|(?P<rapx>تقريبا|בערך|(?i:or\s+so)))(?![\w])"
)
_LEFT_FORM = (
    rf"{_NUM_BEFORE}(?:(?P<ld>{_DAY})(?:st|nd|rd|th|-го)?(?:\s+(?:of\s+)?(?P<lm>{_MONTH}))?"
    rf"(?:\s*,?\s+(?P<ly>{_YEAR})(?:{_RU_YEAR_WORD.pattern})?)?"
    rf"|(?<![\w])(?P<lm2>{_MONTH})(?:\s+(?P<ld2>{_DAY})(?:st|nd|rd|th)?)?"
    rf"(?:\s*,?\s+(?P<ly2>{_YEAR})(?:{_RU_YEAR_WORD.pattern})?)?"
    rf"|(?P<ly3>{_YEAR})(?:{_RU_YEAR_WORD.pattern})?)(?![\w])"
)
_RANGE_OPENERS = (
    rf"(?i:between|from)|{_CYR}(?i:между|начиная\s+со|начиная\s+с|со|с|от)|בין|מ-|מ|החל\s+מ-?|بين|من"
)
_CONNECTORS = (
    rf"(?i:and|to|through|till|until|thru)|{_CYR}(?i:по|до|на|и)|–|-|ועד|עד|ל-|ל|וב-|וב|ו-|ו|و|الى|حتى|لغاية"
)
_YEARS_CUE = r"(?i:the\s+years)|השנים|عامي|العامين|سنتي"
_RANGE_LEFT = _compile(
    rf"(?:(?<![\w])(?P<opener>{_RANGE_OPENERS})\s*(?:(?P<ycue>{_YEARS_CUE})\s+)?)?"
    rf"(?P<left>{_LEFT_FORM})"
    rf"\s*(?P<conn>{_CONNECTORS})\s*$"
)
_RANGE_LEFT_ATTACHED = _compile(
    rf"(?:(?<![\w])(?P<opener>{_RANGE_OPENERS})\s*(?:(?P<ycue>{_YEARS_CUE})\s+)?)?"
    rf"(?P<left>{_LEFT_FORM})\s+$"
)
_LEFT_VOCABULARY = _words_of(
    _UNCERTAIN_WORDS,
    _APPROX_WORDS,
    _OPEN_WORDS,
    _PART_WORDS,
    _EARLIER_WORDS,
    _CUE_WORDS,
    "last this next coming past",
) | {"1", "2", "3", "4"}  # "Q3 2023"
_CONNECTOR_WORDS = _words_of(_CONNECTORS)
_RANGE_VOCABULARY = _words_of(
    _RANGE_OPENERS, _CONNECTORS, _YEARS_CUE, _RU_YEAR_WORD.pattern, "of st nd rd th ثاني الثاني اول الأول"
)
_NEEDS_BETWEEN = {"and", "ו", "ו-", "וב", "וב-", "و", "ל", "ל-", "и"}
_LIST_CONNECTORS = {"and", "ו", "ו-", "וב", "וב-", "و", "и"}
_OPENER_BEFORE = _compile(rf"(?<![\w])(?P<opener>{_RANGE_OPENERS})\s*$")
_GAP_CONNECTOR = _compile(rf"\s*(?P<conn>{_CONNECTORS})\s*")
_WEEKDAY_BEFORE = _compile(
    rf"(?<![\w])(?:(?:ו?ב)?יום\s+(?P<whe>ראשון|שני|שלישי|רביעי|חמישי|שישי|שבת|[אבגדהו]')|(?:[وف]?ب?يوم\s+)?"
    rf"(?P<war>الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعة|السبت|الاحد)|(?P<wen>{_EN_WEEKDAY})"
    rf"|{_CYR}(?P<wru>(?i:понедельник|вторник|среду|среда|четверг|пятницу|пятница|субботу|суббота|воскресенье)))"
    r"\s*[,،]?\s*(?:(?i:the)\s+)?$"
)
_WEEKDAY_VOCABULARY = _words_of(
    _EN_WEEKDAY, "יום ביום וביום ראשון שני שלישי רביעי חמישי שישי שבת א ב ג ד ה ו the يوم بيوم"
)
_WEEKDAY_VOCABULARY |= _words_of("الاثنين الثلاثاء الاربعاء الخميس الجمعة السبت الاحد")
_WEEKDAY_VOCABULARY |= _words_of(
    "понедельник вторник среду среда четверг пятницу пятница субботу суббота воскресенье"
)
_BETWEEN = {"between", "בין", "بين", "между"}
_TIME_OF_DAY_AR = {_fold(word) for word in ("صباح", "مساء", "ليلة", "ليل", "فجر", "ظهر", "عصر", "ضحى")}
_LOWER_WORD_AFTER = _compile(r"\s+[a-z]")
#: A Russian year is written with "года"/"году"; a bare number before a noun is a count ("около 2000
#: человек", "в 2019 человек"), unless a range or list goes on ("в 2019 и 2020 годах").
_RU_COUNTED_NOUN_AFTER = _compile(
    r"\s+(?!(?:и|или|а|но|же|уже|по|до|на|в|во|с|со|к|от|за|из|у|о|об|при)(?![\w]))[а-яё]"
)
_LEFT_WINDOW = 64


# --- reference dates ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ref:
    """What the publication date tells: always a year, maybe a month and a day."""

    year: int
    month: int | None
    day: int | None

    @property
    def day_date(self) -> date | None:
        if self.month is None or self.day is None:
            return None
        return date(self.year, self.month, self.day)


def _reference(published: UncertainDate | date | None) -> _Ref | None:
    if published is None:
        return None
    if isinstance(published, date):  # a datetime too: its own calendar day
        return _Ref(published.year, published.month, published.day)
    points = published.points
    if not points:
        return None
    first, last = points[0], points[-1]
    if len(points) == 1 or first == last:
        return _Ref(first.year, first.month, first.day)
    if first.year != last.year:
        return None
    if first.month != last.month:
        return _Ref(first.year, None, None)
    return _Ref(first.year, first.month, first.day if first.day == last.day else None)


# --- the result of reading one expression ---------------------------------------------------------


@dataclass(slots=True)
class _Reading:
    """One expression being read; becomes a ``DateMention`` once it is complete."""

    start: int
    end: int
    value: UncertainDate | None = None
    # a single date still missing its year ("31 July"), or a month/day/season to build
    year: int | None = None
    month: int | None = None
    day: int | None = None
    season: int | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    tz: int | None = None
    approximate: bool = False
    uncertain: bool = False
    weak: bool = False  # a bare year or month: needs a cue
    ambiguous: bool = False  # a month word that is also an ordinary word
    prefix: str = ""  # letters attached to the month word
    kind: str = "date"  # "date", "year", "month", "decade", "relative"
    inferred: bool = False
    relative: bool = False
    needs_ref: bool = False  # its year is relative to a publication date the source lacks ("этого года")
    notes: tuple[str, ...] = ()

    def point(self) -> DatePoint:
        assert self.year is not None
        return DatePoint(
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.tz,
            self.season,
            self.approximate,
            self.uncertain,
        )


class _Context:
    """Per-text state: the folded text, the reference date, the language and the last full year seen."""

    def __init__(self, text: str, published: UncertainDate | date | None, language: str | None) -> None:
        self.text = text
        self.folded = _fold(text)
        self.ref = _reference(published)
        self.language = language
        self.context_year: tuple[int, str] | None = None  # (year, expression) of the last full date
        self.starts, self.ends, self.words = _tokens(self.folded)

    def word(self, index: int) -> str:
        return self.words[index]

    def tokens_before(
        self, position: int, vocabulary: set[str], *, reach: int, dates: bool = False
    ) -> list[int]:
        """Starts of the run of tokens just before ``position`` that are all in ``vocabulary`` (or, with
        ``dates``, numbers and month words), nearest first. A left qualifier can only begin at one of
        these, so its regex is tried there and nowhere else – that keeps extraction fast."""
        index = bisect_left(self.starts, position) - 1
        found: list[int] = []
        while index >= 0 and self.starts[index] >= position - reach:
            word = self.word(index)
            known = any(form in vocabulary for form in _forms(word))
            if not known and dates:
                known = word.isdigit() or "mon" in _word_kinds(word)
            if not known:
                break
            found.append(self.starts[index])
            index -= 1
        return found

    def previous_word(self, position: int) -> tuple[str, int]:
        """The token before ``position`` and where it ends ("" and −1 at the start of the text)."""
        index = bisect_left(self.starts, position) - 1
        return (self.word(index), self.ends[index]) if index >= 0 else ("", -1)

    def language_of(self, start: int, end: int) -> str:
        return _script_language(self.folded[start:end], latin=False) or self.language or "en"


# --- the public functions -------------------------------------------------------------------------


def extract_dates(
    text: str, *, published: UncertainDate | date | None = None, language: str | None = None
) -> list[DateMention]:
    """Every date expression in ``text``, in order, with its value at the precision the text gives.

    ``published`` (the source's publication date) resolves relative expressions and missing years;
    ``language`` ("en", "he", "ar", "ru") decides ambiguous numeric dates and the first day of the week
    for text not written in Hebrew, Arabic or Cyrillic script.
    """
    context = _Context(text, published, language)
    mentions: list[DateMention] = []
    taken_until = -1
    for index in _candidate_indexes(context.words, context.folded):
        if context.starts[index] < taken_until:
            continue
        found = _anchor_at(context, index)
        if found is None:
            continue
        kind, anchor = found
        taken_until = anchor.end()
        reading = _read_anchor(kind, anchor, context)
        if reading is None:
            continue
        for mention in _finish(reading, context):
            while mentions and mentions[-1].end > mention.start:
                mentions.pop()  # a range or qualifier swallowed the previous expression
            merged = _merged_range(mentions[-1], mention, context) if mentions else None
            if merged is not None:
                mentions[-1] = merged
            else:
                mentions.append(mention)
            taken_until = max(taken_until, mention.end)
    return mentions


def _candidate_indexes(words: list[str], folded: str) -> Iterator[int]:
    """Indexes of the tokens an expression can start at: numbers and the words ``_word_kinds`` knows.

    Set operations and ``compress`` do it without a Python-level loop over the words: a digit run is
    always a whole token (letters tokens exclude digits), and ``_TRIGGER_FORMS`` holds every word that
    has kinds.
    """
    wanted = _TRIGGER_FORMS.intersection(words).union(_NUMBER.findall(folded))
    return compress(count(), map(wanted.__contains__, words))


def _merged_range(first: DateMention, second: DateMention, context: _Context) -> DateMention | None:
    """Two complete expressions joined as a range: "between late 2015 and early 2016"."""
    if first.value is None or second.value is None or first.relative or second.relative:
        return None
    if not isinstance(first.value.start, DatePoint) or not isinstance(
        second.value.end or second.value.start, DatePoint
    ):
        return None
    gap = _GAP_CONNECTOR.fullmatch(context.folded, first.end, second.start)
    if gap is None:
        return None
    connector = gap["conn"].lower()
    if connector == "на":
        return None  # "с 2018 на 2019" is a change, not a span
    opener = _OPENER_BEFORE.search(context.folded, max(0, first.start - 12), first.start)
    opener_text = " ".join(opener["opener"].lower().split()) if opener else ""
    if connector in _NEEDS_BETWEEN and opener_text not in _BETWEEN:
        return None
    try:
        value = UncertainDate(first.value.points[0], second.value.points[-1])
    except InvalidValue:
        return None
    start = opener.start() if opener else first.start
    notes = [note for note in (first.note, second.note) if note]
    return DateMention(
        start=start,
        end=second.end,
        text=context.text[start : second.end],
        value=value,
        inferred=first.inferred or second.inferred,
        note="; ".join(dict.fromkeys(notes)),
    )


def _anchor_at(context: _Context, index: int) -> tuple[str, re.Match[str]] | None:
    """The anchor starting at token ``index`` (or at the quote before "'90s"), if any."""
    folded = context.folded
    start = context.starts[index]
    word = context.word(index)
    kinds: tuple[str, ...]
    if word[0].isdigit():
        if start and folded[start - 1] == "'":
            decade = _ANCHOR_PATTERNS["decade"].match(folded, start - 1)
            if decade is not None:
                return "decade", decade
        kinds = _DIGIT_KINDS
        if index + 1 < len(context.words) and context.words[index + 1] in _AGO_UNITS:
            kinds = (*kinds, "rel")  # "3 дня назад", "3 days ago"
    else:
        kinds = _word_kinds(word)
    for kind in kinds:
        match = _ANCHOR_PATTERNS[kind].match(folded, start)
        if match is not None:
            return kind, match
    return None


_FILLER = _compile(
    r"(?:\s|[,.;:!?()\-–]|(?i:on|in|the|at|of|date|dated|в|во|на|от)(?![\w])|ב-|ב(?=[0-9])|בשנת|שנת|في|عام|سنة|العام|يوم)*"
)


def read_single_date(
    text: str, *, reference: date | None, languages: tuple[str, ...] = ("en", "he", "ar", "ru")
) -> UncertainDate:
    """The one date ``text`` expresses (for ``dates.parse_user_input``), or ``InvalidValue``."""
    language = next((lang for lang in languages if lang in ("en", "he", "ar", "ru")), "en")
    found = [
        mention
        for mention in extract_dates(text, published=reference, language=language)
        if _script_language(mention.text) in (*languages, "")
    ]
    if len(found) == 1:
        mention = found[0]
        rest_before, rest_after = text[: mention.start], text[mention.end :]
        if _FILLER.fullmatch(_fold(rest_before)) and _FILLER.fullmatch(_fold(rest_after)):
            if mention.value is None:
                raise InvalidValue(
                    f"“{text.strip()}” {mention.note}: give the full date (e.g. 31 July 2023), or set the "
                    "reference date."
                )
            return mention.value
    raise InvalidValue(
        f"“{text.strip()}” is not a date Threadline can read. Try 31 July 2023, July 2023, 2023-07-31, "
        "around 2019, mid-2019, before 2019, between 31 July and 2 August 2023, 31 ביולי 2023, "
        "31 يوليو 2023, 31 июля 2023 – or EDTF such as 2019~ or 2023-07-31/2023-08-02."
    )


def _script_language(text: str, *, latin: bool = True) -> str:
    """ "he", "ar", "ru" or (with ``latin``) "en" by the letters of ``text``; "" when it has none
    (31.07.2023)."""
    for char in text:
        if "\u0590" <= char <= "\u05ff":
            return "he"
        if "\u0600" <= char <= "\u06ff":
            return "ar"
        if "\u0400" <= char <= "\u04ff":
            return "ru"
        if latin and char.isascii() and char.isalpha():
            return "en"
    return ""


# --- reading anchors ------------------------------------------------------------------------------


def _read_anchor(kind: str, anchor: re.Match[str], context: _Context) -> _Reading | None:
    if kind == "num":
        return _read_numeric(anchor, context)
    if kind == "decade":
        return _read_decade(anchor)
    if kind == "season":
        return _read_season(anchor, context)
    if kind == "rel":
        return _read_relative(anchor, context)
    if kind == "mon":
        return _read_month(anchor, context)
    if kind == "yr":
        return _Reading(anchor.start(), anchor.end(), year=int(anchor["year"]), weak=True, kind="year")
    return None


def _read_numeric(anchor: re.Match[str], context: _Context) -> _Reading | None:
    start, end = anchor.start(), anchor.end()
    if anchor["iy"]:
        year, month, day = int(anchor["iy"]), int(anchor["im"]), int(anchor["id"])
        if not _valid_day(year, month, day):
            return None
        reading = _Reading(start, end, year=year, month=month, day=day)
        if anchor["ih"]:
            reading.hour, reading.minute = int(anchor["ih"]), int(anchor["imi"])
            reading.second = int(anchor["is"]) if anchor["is"] else None
            if anchor["itz"]:
                reading.tz = _offset_minutes(anchor["itz"])
        return reading
    if anchor["ry1"]:
        return _read_year_pair(anchor)
    first, second, year_text = int(anchor["nd"]), int(anchor["nm"]), anchor["ny"]
    notes: tuple[str, ...] = ()
    year = int(year_text)
    if len(year_text) == 2:
        if anchor["sep"] == "-":
            return None  # 12-05-19 is more often a reference number than a date
        year += 2000 if year <= (context.ref.year % 100 + 1 if context.ref else 40) else 1900
        notes += ("two-digit year read as " + str(year),)
    uncertain = False
    day, month = first, second
    if anchor["sep"] == "/" and first <= 12 and second <= 12 and first != second:
        language = context.language_of(start, end)
        if context.language is None and language == "en":
            language = guess_language(context.text)
        if language not in ("he", "ar", "ru"):
            uncertain = True
            notes += ("day/month order assumed day-first",)
    elif anchor["sep"] == "/" and second > 12 >= first and context.language_of(start, end) == "en":
        day, month = second, first  # 12/31/2023: American order is the only reading
    if not _valid_day(year, month, day):
        return None
    return _Reading(start, end, year=year, month=month, day=day, uncertain=uncertain, notes=notes)


def _read_year_pair(anchor: re.Match[str]) -> _Reading | None:
    """ "2018-2020" and "2019-20" are ranges of years; "2023-07" is a month in ISO form."""
    first, second_text = int(anchor["ry1"]), anchor["ry2"]
    start, end = anchor.start(), anchor.end()
    if len(second_text) == 2 and int(second_text) <= 12:
        month = int(second_text)
        return _Reading(start, end, year=first, month=month, kind="date") if month else None
    second = int(second_text) if len(second_text) == 4 else first // 100 * 100 + int(second_text)
    if not first < second <= first + 100:
        return None
    value = UncertainDate(DatePoint(first), DatePoint(second))
    return _Reading(start, end, value=value, year=first, kind="years")


def _read_decade(anchor: re.Match[str]) -> _Reading:
    start, end = anchor.start(), anchor.end()
    note = ""
    if anchor["dcen"]:
        first = int(anchor["dcen"]) * 100 + int(anchor["dten"]) * 10
    elif anchor["dhe"] or anchor["dru"]:
        digits = anchor["dhe"] or anchor["dru"]
        if len(digits) == 4:
            first = int(digits)
        else:
            first, note = 1900 + int(digits), "twentieth century assumed"
    else:
        tens = (
            anchor["dten2"]
            or anchor["dten3"]
            or _TENS_WORDS.get((anchor["dword"] or anchor["dhew"] or anchor["dar"] or "").lower())
        )
        assert tens is not None
        first = 1900 + int(tens) * 10
        century = anchor["dcent"]
        if century and ("الحالي" in century or "الحادي" in century):
            first += 100
        elif not century:
            note = "twentieth century assumed"
    reading = _Reading(
        start,
        end,
        value=UncertainDate(DatePoint(first), DatePoint(first + 9)),
        kind="decade",
        year=first,
    )
    if note:
        reading.notes = (note,)
    return reading


def _read_season(anchor: re.Match[str], context: _Context) -> _Reading:
    word = (anchor["sen"] or anchor["she"] or anchor["sar"] or anchor["sru"]).lower()
    season = _SEASON_WORDS.get(word) or _RU_SEASON_WORDS[word]
    if anchor["sruym"]:  # "осенью прошлого года"
        reading = _Reading(anchor.start(), anchor.end(), season=season, kind="season")
        _year_of_relative_year(reading, anchor["sruym"], context)
        return reading
    year = int(anchor["sey"] or anchor["shey"] or anchor["sary"] or anchor["sruy"])
    return _Reading(anchor.start(), anchor.end(), year=year, season=season)


def _read_month(anchor: re.Match[str], context: _Context) -> _Reading | None:
    month, prefix, key = _month_number(anchor["month"])
    if anchor["m2"] is not None:
        if _month_number(anchor["m2"])[0] != month:
            return None
        end = anchor.end()
    else:
        end = anchor.end("month")
    folded = context.folded
    start = anchor.start()
    reading = _Reading(start, end, month=month, prefix=prefix, ambiguous=key in _AMBIGUOUS_MONTHS)
    day_before = None
    near = folded[max(0, start - 16) : start]
    if any(char.isdigit() for char in near) and (not prefix or prefix in _HE_DAY_PREFIXES):
        # "31 ביולי": in Hebrew the day comes before the month word with its prefix
        day_before = _DAY_BEFORE.search(folded, max(0, start - 16), start)
    elif not prefix and context.previous_word(start)[0] in ("of", "من", "شهر"):
        day_before = _ORDINAL_DAY_BEFORE.search(folded, max(0, start - 40), start)
    elif context.previous_word(start)[0] in _RU_ORDINAL_DAYS:  # "первого августа", "тридцать первого июля"
        day_before = _RU_ORDINAL_DAY_BEFORE.search(folded, max(0, start - 40), start)
    if day_before is not None:
        reading.day = (
            int(day_before["d"])
            if "d" in day_before.re.groupindex
            else _ORDINAL_DAYS[" ".join(day_before["dw"].lower().split())]
        )
        reading.start = day_before.start()
    elif not prefix and key in _MONTH_KEYS and anchor["month"][0].isascii():
        day_after = _DAY_AFTER.match(folded, end)
        if day_after is not None and not _YEAR_AFTER.match(folded, end):
            reading.day = int(day_after["d"])
            reading.end = end = day_after.end()
    year_after = _YEAR_AFTER.match(folded, reading.end)
    if year_after is not None:
        reading.year = int(year_after["y"])
        reading.end = year_after.end()
    if reading.day is not None:
        check_year = reading.year if reading.year is not None else 2000  # 29 February needs a leap year
        if not _valid_day(check_year, month, reading.day):
            return None
        reading.kind = "date"
    else:
        reading.kind = "month"
        reading.weak = reading.year is None
    return reading


def _read_relative(anchor: re.Match[str], context: _Context) -> _Reading | None:
    start, end = anchor.start(), anchor.end()
    group = next(name for name in _RELATIVE_KINDS if anchor[name] is not None)
    reading = _Reading(start, end, kind="relative", relative=True, inferred=True)
    bare_weekday = group == "rwar" and not anchor["rwaryom"] and not anchor["rwarm"]
    if bare_weekday and context.previous_word(start)[0] not in _TIME_OF_DAY_AR:
        return None  # "الأحد" alone may be "the one"; a weekday needs يوم, a time of day or a modifier
    if group == "rwru" and context.previous_word(start)[0] not in ("в", "во"):
        return None  # "в среду" is Wednesday, "среда" alone also "environment"
    resolved = _resolve_relative(anchor, group, context)
    if isinstance(resolved, str):
        reading.notes = (resolved,)
    else:
        reading.value, note = resolved
        reading.notes = (note,)
    return reading


_RELATIVE_KINDS = (
    "rdby", "rday1", "rtmrw", "rtoday", "rago", "runit", "rwen", "rwhe", "rwar",
    "rrud", "rrago", "rrunit", "rwru",
)  # fmt: skip


def _resolve_relative(
    anchor: re.Match[str], group: str | None, context: _Context
) -> tuple[UncertainDate, str] | str:
    """The value of a relative expression and a note, or the reason it has none."""
    ref = context.ref
    if ref is None:
        return "needs a reference date (the source has no publication date)"
    today = ref.day_date
    if group in ("rdby", "rday1", "rtmrw", "rtoday", "rrud"):
        if today is None:
            return "needs a publication date with a day"
        shift = (
            _RU_DAY_WORDS[anchor["rrud"].lower()]
            if group == "rrud"
            else {"rdby": -2, "rday1": -1, "rtmrw": 1, "rtoday": 0}[group]
        )
        return _day_value(today + timedelta(days=shift)), "from the publication date"
    if group == "rrago":
        count_text = (anchor["rrn"] or "").lower()
        count = int(count_text) if count_text.isdigit() else _RU_NUMBERS.get(count_text, 1)
        return _ago(ref, _ru_unit(anchor["rru"]), count)
    if group == "rrunit":
        step = _ru_step(anchor["rrum"])
        return _unit_value(ref, _ru_unit(anchor["rruu"]), step, "ru")
    if group == "rago":
        count_text = (anchor["ragon"] or anchor["rhn"] or anchor["ran"] or "").lower()
        unit, multiple = _UNIT_WORDS[(anchor["ragou"] or anchor["rhu"] or anchor["rau"]).lower()]
        count = (
            multiple
            if not count_text
            else (int(count_text) if count_text.isdigit() else _NUMBER_WORDS.get(count_text, 1))
        )
        return _ago(ref, unit, count)
    if group == "runit":
        unit_word = (
            anchor["reu"] or anchor["rhu2"] or anchor["rhthis"] or anchor["rau2"] or anchor["rathis"]
        ).lower()
        unit = _UNIT_NAMES[unit_word]
        modifier = (anchor["reum"] or anchor["rhm"] or anchor["ram"] or "this").lower()
        step = -1 if modifier in _PAST else 1 if modifier in _NEXT else 0
        return _unit_value(ref, unit, step, context.language_of(anchor.start(), anchor.end()))
    # weekdays
    if today is None:
        return "needs a publication date with a day"
    if group == "rwen":
        weekday, modifier = _WEEKDAYS[anchor["rwend"].lower()], (anchor["rwenm"] or "").lower()
    elif group == "rwhe":
        if anchor["rwsat"]:
            weekday, modifier = 5, anchor["rwsatm"] or ""
        else:
            weekday, modifier = _WEEKDAYS[anchor["rwhed"].rstrip("'")], anchor["rwhem"] or ""
    elif group == "rwru":
        step = _ru_step(anchor["rwrum"]) if anchor["rwrum"] else 0
        weekday = _WEEKDAYS[anchor["rwrud"].lower()]
        if step < -1:  # "в позапрошлую среду": the week before last
            last = today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
            return _day_value(last - timedelta(weeks=1)), "the such weekday a week before the last one"
        modifier = {-1: "last", 0: "", 1: "next"}[step]
    else:
        weekday, modifier = _WEEKDAYS[anchor["rward"]], anchor["rwarm"] or ""
    return _weekday_value(today, weekday, modifier)


def _day_value(day: date) -> UncertainDate:
    return UncertainDate(DatePoint(day.year, day.month, day.day))


def _weekday_value(today: date, weekday: int, modifier: str) -> tuple[UncertainDate, str]:
    back = (today.weekday() - weekday) % 7
    if modifier in _NEXT:
        ahead = (weekday - today.weekday()) % 7 or 7
        return _day_value(today + timedelta(days=ahead)), "the next such weekday after publication"
    if modifier in _PAST:
        return _day_value(today - timedelta(days=back or 7)), "the last such weekday before publication"
    return _day_value(today - timedelta(days=back)), "the latest such weekday up to publication"


def _ago(ref: _Ref, unit: str, count: int) -> tuple[UncertainDate, str] | str:
    note = "counted back from the publication date"
    today = ref.day_date
    if unit in ("day", "week"):
        if today is None:
            return "needs a publication date with a day"
        day = today - timedelta(days=count * (7 if unit == "week" else 1))
        point = DatePoint(day.year, day.month, day.day, approximate=unit == "week")
        return UncertainDate(point), note
    if unit == "month":
        if ref.month is None:
            return "needs a publication date with a month"
        year, month = divmod(ref.year * 12 + ref.month - 1 - count, 12)
        return UncertainDate(DatePoint(year, month + 1, approximate=True)), note
    return UncertainDate(DatePoint(ref.year - count, approximate=True)), note


def _week_start(language: str) -> int:
    return 6 if language in ("he", "ar") else 0  # Sunday in Hebrew and Arabic, Monday in English and Russian


def _unit_value(ref: _Ref, unit: str, step: int, language: str) -> tuple[UncertainDate, str] | str:
    note = "from the publication date"
    if unit == "year":
        return UncertainDate(DatePoint(ref.year + step)), note
    if unit == "month":
        if ref.month is None:
            return "needs a publication date with a month"
        year, month = divmod(ref.year * 12 + ref.month - 1 + step, 12)
        return UncertainDate(DatePoint(year, month + 1)), note
    today = ref.day_date
    if today is None:
        return "needs a publication date with a day"
    first = today - timedelta(days=(today.weekday() - _week_start(language)) % 7) + timedelta(weeks=step)
    last = first + timedelta(days=6)
    return UncertainDate(_day_point(first), _day_point(last)), note


def _day_point(day: date, **flags: bool) -> DatePoint:
    return DatePoint(day.year, day.month, day.day, **flags)


def _valid_day(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _offset_minutes(text: str) -> int:
    if text == "Z":
        return 0
    digits = text[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:]) if len(digits) > 2 else 0)
    return minutes if text[0] == "+" else -minutes


# --- completing a reading: time, qualifiers, ranges, missing years --------------------------------


def _finish(reading: _Reading, context: _Context) -> list[DateMention]:
    """The mentions a reading makes: usually one; a list ("2 and 3 April") makes two, a reject none."""
    folded = context.folded
    if reading.year is not None and (reading.kind == "decade" or folded[reading.end - 1].isdigit()):
        year_word = _RU_YEAR_WORD.match(folded, reading.end)
        if year_word is not None:  # "2023 года", "в 2019 году": the number is a year
            reading.end = year_word.end()
            reading.weak = False
    if reading.kind == "date" and reading.day is not None:
        if reading.hour is None:
            _attach_time(reading, context)
        _attach_weekday(reading, context)
    right = _RIGHT.match(folded, reading.end)
    right_modifier = ""
    if right is not None and reading.kind in ("month", "date", "year"):
        if right["rruy"] and reading.kind in ("month", "date") and reading.year is None:
            _year_of_relative_year(reading, right["rruy"].split()[0], context)
            reading.end = right.end()
        elif right["rmod"] and reading.kind == "month" and reading.year is None:
            right_modifier = right["rmod"]
            reading.end = right.end()
        elif right["runc"]:
            reading.uncertain = True
            reading.end = right.end()
        elif right["rapx"] and reading.kind != "relative":
            reading.approximate = True
            reading.end = right.end()
    ranged, listed = _try_range(reading, context)
    if ranged is not None:
        _note_context_year(reading, context)
        return [ranged]
    left = _left_match(context, reading.start)
    if left is not None and left["opn"] == "החל" and not reading.prefix.startswith("מ"):
        left = None  # "החל" is "began" unless it is "החל מ…", "starting from"
    groups = _left_groups(left)
    if not _accepted(reading, groups, right_modifier, context) and listed is None:
        return []
    start = _start_of_value_words(left) if left is not None and _left_counts(groups) else reading.start
    if groups["unc"]:
        reading.uncertain = True
    if groups["apx"]:
        reading.approximate = True
    modifier = (groups["rel"] or right_modifier or "").lower()
    if reading.kind == "month" and reading.year is None and modifier:
        return [_month_relative(reading, modifier, start, context)]
    value = _value_of(reading, context)
    if value is not None:
        if groups["part"] or groups["elr"]:
            value = _apply_part(value, groups["part"] or "", groups["elr"] or "", reading, context)
        if value is not None and groups["opn"]:
            value = _apply_open(value, groups["opn"])
    _note_context_year(reading, context)
    mention = _mention(reading, start, value, context)
    return [mention] if listed is None else [listed, mention]


def _note_context_year(reading: _Reading, context: _Context) -> None:
    """Remember the year of a full date ("4 August 2023", "July 2023", "31.07.2023") for later dates
    without one. A bare year never counts: "resolution 2397 (2017)", "since mid-2019" say nothing about
    when "3 August" was."""
    if reading.year is not None and reading.month is not None and not reading.inferred:
        context.context_year = (reading.year, context.text[reading.start : reading.end])


def _year_of_relative_year(reading: _Reading, modifier: str, context: _Context) -> None:
    """ "в марте этого года", "2 августа прошлого года": the year counted from publication."""
    reading.relative = reading.inferred = True
    reading.weak = False
    if context.ref is None:
        reading.needs_ref = True
        reading.notes += ("needs a reference date (the source has no publication date)",)
        return
    reading.year = context.ref.year + _ru_step(modifier)
    reading.notes += ("year from the publication date",)


def _attach_weekday(reading: _Reading, context: _Context) -> None:
    """ "Monday, 4 March 2024", "يوم الجمعة 25 تشرين الثاني": the weekday belongs to the date (and is
    checked against it)."""
    for position in reversed(context.tokens_before(reading.start, _WEEKDAY_VOCABULARY, reach=24)):
        match = _WEEKDAY_BEFORE.fullmatch(context.folded, position, reading.start)
        if match is None:
            continue
        reading.start = match.start()
        if match["wen"]:
            named = _WEEKDAYS[match["wen"].lower()]
        elif match["whe"]:
            named = _WEEKDAYS[match["whe"].rstrip("'")]
        elif match["wru"]:
            named = _WEEKDAYS[match["wru"].lower()]
        else:
            named = _WEEKDAYS[match["war"]]
        if reading.year is not None and reading.month is not None and reading.day is not None:
            actual = date(reading.year, reading.month, reading.day).weekday()
            if actual != named:
                names = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
                reading.notes += (f"the text says {names[named]}, but that date was a {names[actual]}",)
        return


def _left_match(context: _Context, start: int) -> re.Match[str] | None:
    """The qualifiers and cue just before ``start`` ("probably around", "בסוף", "منذ", "in"), longest."""
    for position in reversed(context.tokens_before(start, _LEFT_VOCABULARY, reach=_LEFT_WINDOW)):
        match = _LEFT.fullmatch(context.folded, position, start)
        if match is not None:
            return match
    return None


def _left_groups(left: re.Match[str] | None) -> dict[str, str]:
    names = ("unc", "apx", "opn", "part", "elr", "rel", "cue")
    if left is None:
        return dict.fromkeys(names, "")
    return {name: left[name] or "" for name in names}


def _left_counts(groups: dict[str, str]) -> bool:
    return any(groups[name] for name in ("unc", "apx", "opn", "part", "elr", "rel"))


def _start_of_value_words(left: re.Match[str]) -> int:
    """Where the words that change the value begin (a leading plain cue is not part of the span)."""
    for name in ("unc", "apx", "opn", "part", "elr", "rel"):
        if left[name]:
            return left.start(name)
    return left.end()


_STRONG_CUES = {"in", "during", "since", "until", "throughout"}


def _accepted(reading: _Reading, groups: dict[str, str], right_modifier: str, context: _Context) -> bool:
    """Whether a bare year or a month without day and year has enough around it to be a date."""
    if not reading.weak:
        return True
    qualified = bool(groups["part"] or groups["rel"] or groups["elr"] or right_modifier or groups["apx"])
    cue = " ".join(groups["cue"].lower().split())
    if reading.kind == "year":
        if _RU_COUNTED_NOUN_AFTER.match(context.folded, reading.end) or (cue == "от" and not qualified):
            return False  # "около 2000 человек"; "от 1500 до …" (a year after "от" has "года")
        if qualified or groups["opn"] or groups["unc"] or cue:
            return cue != "the" or _adjectival_year(reading, context)
        folded = context.folded
        return (
            reading.start > 0
            and folded[reading.start - 1] == "("
            and folded[reading.end : reading.end + 1] == ")"
        )
    if reading.ambiguous:
        return qualified or (
            context.language_of(reading.start, reading.end) == "en"
            and (cue in _STRONG_CUES or groups["opn"].lower() in _STRONG_CUES)
        )
    if reading.prefix:
        return True
    if cue == "the":
        return False
    return qualified or bool(cue) or bool(groups["opn"])


def _adjectival_year(reading: _Reading, context: _Context) -> bool:
    """ "the 2014 agreement": a year used as an adjective, followed by a lower-case English word."""
    return _LOWER_WORD_AFTER.match(context.folded, reading.end) is not None


def _attach_time(reading: _Reading, context: _Context) -> None:
    folded = context.folded
    time = _TIME_AFTER.match(folded, reading.end)
    before = None
    if time is None or not (time["mi"] or time["ampm"]):
        time = None
        window = max(0, reading.start - 24)
        before = (
            _TIME_BEFORE.search(folded, window, reading.start)
            if ":" in folded[window : reading.start]
            else None
        )
        if before is None:
            return
    source = time or before
    assert source is not None
    hour = int(source["h"])
    ampm = (source["ampm"] or "").lower().replace(".", "")
    if ampm in ("am", "pm"):
        if not 1 <= hour <= 12:
            return
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    reading.hour = hour
    reading.minute = int(source["mi"]) if source["mi"] else None
    reading.second = int(source["s"]) if time is not None and source["mi"] and source["s"] else None
    if time is not None:
        reading.end = time.end()
        if time["tapx"]:
            reading.approximate = True
        zone_match: re.Match[str] | None = time if time["zone"] else None
    else:
        assert before is not None
        reading.start = before.start()
        zone_match = before if before["zone"] else _ZONE_AFTER.match(folded, reading.end)
        if zone_match is not None and zone_match is not before:
            reading.end = zone_match.end()
    if zone_match is not None:
        _apply_zone(reading, zone_match)


def _apply_zone(reading: _Reading, zone: re.Match[str]) -> None:
    if zone["utc"]:
        offset = 0
        if zone["zh"]:
            offset = int(zone["zh"]) * 60 + int(zone["zm"] or 0)
            if zone["zsign"] != "+":
                offset = -offset
        reading.tz = offset if -720 <= offset <= 840 else None
    elif zone["abbr"]:
        reading.tz = _ZONE_ABBREVIATIONS[zone["abbr"]]
    elif zone["named"]:
        name = _ZONES.get(" ".join(zone["named"].lower().split()))
        if name is None or reading.year is None or reading.month is None or reading.day is None:
            return
        try:
            local = datetime(reading.year, reading.month, reading.day, reading.hour or 0, reading.minute or 0)
            utc_offset = local.replace(tzinfo=ZoneInfo(name)).utcoffset()
        except (ZoneInfoNotFoundError, ValueError):
            reading.notes += ("time zone database missing: offset left unknown",)
            return
        if utc_offset is not None:
            reading.tz = int(utc_offset.total_seconds() // 60)
            reading.notes += (f"UTC offset of {name} on that day",)


def _value_of(reading: _Reading, context: _Context) -> UncertainDate | None:
    if reading.kind == "relative":
        return reading.value
    if reading.value is not None:
        if reading.kind == "decade" and (reading.approximate or reading.uncertain):
            start, end = reading.value.points
            flags = {"approximate": reading.approximate, "uncertain": reading.uncertain}
            return UncertainDate(start.qualified(**flags), end.qualified(**flags))
        return reading.value
    if reading.needs_ref:
        return None
    if reading.year is None:
        _infer_year(reading, context)
        if reading.year is None:
            return None
    return UncertainDate(reading.point())


def _infer_year(reading: _Reading, context: _Context) -> None:
    """Give a day or month without a year the year of publication (or of the text's last full date)."""
    assert reading.month is not None
    reading.inferred = True
    ref = context.ref
    if ref is None:
        if context.context_year is not None:
            year, expression = context.context_year
            if reading.day is None or _valid_day(year, reading.month, reading.day):
                reading.year = year
                reading.notes += (f"year from the date mentioned before ({expression})",)
                return
        reading.notes += ("needs a reference date (no year, and the source has no publication date)",)
        return
    candidate, note = _year_near(ref, reading.month, reading.day)
    if reading.day is not None and not _valid_day(candidate, reading.month, reading.day):
        reading.notes += (f"no {reading.day}/{reading.month} in {candidate}",)
        return
    reading.year = candidate
    reading.notes += (note,)


def _year_near(ref: _Ref, month: int, day: int | None) -> tuple[int, str]:
    """The year that puts ``month``/``day`` at most three months after or nine months before publication."""
    note = "year from the publication date"
    if ref.month is None:
        return ref.year, note
    distance = (date(2000, month, min(day or 15, 28)) - date(2000, ref.month, min(ref.day or 15, 28))).days
    if distance > 92:
        return ref.year - 1, f"{note}: the previous year, as this year's would lie months after publication"
    if distance < -274:
        return ref.year + 1, f"{note}: the next year, as this year's would lie most of a year before it"
    return ref.year, note


def _month_relative(reading: _Reading, modifier: str, start: int, context: _Context) -> DateMention:
    """ "last March", "במרץ האחרון", "ديسمبر الماضي": a month counted from publication."""
    assert reading.month is not None
    reading.relative = True
    reading.inferred = True
    ref = context.ref
    value: UncertainDate | None = None
    if ref is None or ref.month is None:
        reading.notes = ("needs a reference date (the source has no publication date with a month)",)
    else:
        if modifier in _PAST:
            year = ref.year if reading.month < ref.month else ref.year - 1
        elif modifier in _NEXT:
            year = ref.year if reading.month > ref.month else ref.year + 1
        else:
            year = ref.year
        value = UncertainDate(DatePoint(year, reading.month, approximate=reading.approximate))
        reading.notes = ("year from the publication date",)
    return _mention(reading, start, value, context)


_PART_CODES = {
    "early": "early", "the early": "early", "beginning of": "early", "the beginning of": "early",
    "start of": "early", "the start of": "early", "בתחילת": "early", "בראשית": "early", "תחילת": "early",
    "مطلع": "early", "بداية": "early", "اوائل": "early",
    "mid": "mid", "mid-": "mid", "the mid-": "mid", "the middle of": "mid", "middle of": "mid",
    "באמצע": "mid", "אמצע": "mid", "منتصف": "mid", "اواسط": "mid",
    "late": "late", "the late": "late", "end of": "late", "the end of": "late", "בסוף": "late",
    "סוף": "late", "בשלהי": "late", "اواخر": "late", "نهاية": "late", "اخر": "late", "اخير": "late",
    "first half of": "h1", "the first half of": "h1", "במחצית הראשונה של": "h1", "النصف الاول من": "h1",
    "second half of": "h2", "the second half of": "h2", "במחצית השנייה של": "h2", "النصف الثاني من": "h2",
}  # fmt: skip
_QUARTER_ORDINALS = {
    "first": "q1", "second": "q2", "third": "q3", "fourth": "q4", "last": "q4", "final": "q4",
    "ראשון": "q1", "שני": "q2", "שלישי": "q3", "רביעי": "q4", "אחרון": "q4",
    "الاول": "q1", "الثاني": "q2", "الثالث": "q3", "الرابع": "q4", "الاخير": "q4",
}  # fmt: skip


def _part_code(text: str) -> str | None:
    key = " ".join(_fold(text).lower().split())
    if key in _PART_CODES:
        return _PART_CODES[key]
    if key in ("q1", "q2", "q3", "q4"):
        return key
    if "\u0400" <= key[:1] <= "\u04ff" or key.startswith(("i", "v")):
        return _ru_part_code(key)
    if "quarter" in key or "רבעון" in key or "الربع" in key:
        for word in key.split():
            code = _QUARTER_ORDINALS.get(word) or _QUARTER_ORDINALS.get(word.removeprefix("ה"))
            if code:
                return code
    return None


def _ru_part_code(key: str) -> str | None:
    """ "начале" → early, "середины" → mid, "конца" → late, "первой половине" → h1, "III квартале" → q3."""
    first = key.split()[0]
    if "половин" in key:
        return "h1" if first.startswith("перв") else "h2"
    if "квартал" in key:
        roman = {"i": "q1", "ii": "q2", "iii": "q3", "iv": "q4"}
        if first in roman:
            return roman[first]
        for stem, code in (("перв", "q1"), ("втор", "q2"), ("трет", "q3"), ("четв", "q4"), ("последн", "q4")):
            if first.startswith(stem):
                return code
        return None
    if first.startswith("начал"):
        return "early"
    if first.startswith("середин"):
        return "mid"
    return "late" if first.startswith("кон") else None


#: (first, last) month of each part of a year; of a month the days; of a decade the years.
_YEAR_PARTS = {
    "early": (1, 4), "mid": (5, 8), "late": (9, 12), "h1": (1, 6), "h2": (7, 12),
    "q1": (1, 3), "q2": (4, 6), "q3": (7, 9), "q4": (10, 12),
}  # fmt: skip
_MONTH_PARTS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31), "h1": (1, 15), "h2": (16, 31)}
_DECADE_PARTS = {"early": (0, 3), "mid": (4, 6), "late": (7, 9), "h1": (0, 4), "h2": (5, 9)}


def _apply_part(
    value: UncertainDate, part_text: str, elr_text: str, reading: _Reading, context: _Context
) -> UncertainDate | None:
    """ "early 2020" → 2020-01/2020-04; "late July" → days 21–31; "earlier this month" → up to publication."""
    flags = {"approximate": reading.approximate, "uncertain": reading.uncertain}
    if elr_text:
        return _earlier_later(value, elr_text, context) or value
    code = _part_code(part_text)
    if code is None:
        return value
    if code.startswith("q") and value.precision is not Precision.YEAR:
        return value  # a quarter of a month means nothing
    if reading.kind == "decade" and reading.year is not None:
        first, last = _DECADE_PARTS[code]
        return UncertainDate(
            DatePoint(reading.year + first, **flags), DatePoint(reading.year + last, **flags)
        )
    points = value.points
    if value.is_interval and reading.kind == "relative" and len(points) == 2:
        return value  # "early next week": keep the week
    point = points[0]
    if point.precision is Precision.YEAR and not value.is_interval:
        first, last = _YEAR_PARTS[code]
        return UncertainDate(DatePoint(point.year, first, **flags), DatePoint(point.year, last, **flags))
    if point.precision is Precision.MONTH and not value.is_interval:
        assert point.month is not None
        first, last = _MONTH_PARTS[code]
        last = min(last, _days_in_month(point.year, point.month))
        return UncertainDate(
            DatePoint(point.year, point.month, first, **flags),
            DatePoint(point.year, point.month, last, **flags),
        )
    return value


def _earlier_later(value: UncertainDate, elr_text: str, context: _Context) -> UncertainDate | None:
    """ "earlier this month": from the unit's start up to publication; "later": from publication on."""
    ref = context.ref
    today = ref.day_date if ref is not None else None
    if today is None or (value.is_interval and len(value.points) != 2):
        return None
    earliest, latest = value.bounds()  # a week, month or year from the table: never approximate
    if earliest is None or latest is None:
        return None
    start_day, end_day = earliest.date(), latest.date()
    if not start_day <= today <= end_day:
        return None
    later = elr_text.lower().startswith(("later", "בהמשך", "في وقت لاحق", "لاحقا"))
    if later:
        return UncertainDate(_day_point(today), _day_point(end_day))
    return UncertainDate(_day_point(start_day), _day_point(today))


def _days_in_month(year: int, month: int) -> int:
    return ((date(year + month // 12, month % 12 + 1, 1)) - date(year, month, 1)).days


_BEFORE_WORDS = {
    _fold(word)
    for word in ("before", "until", "till", "by", "prior to", "no later than", "לפני", "עד", "קודם ל",
                 "קודם ל-", "قبل", "حتى", "لغاية", "بحلول", "до", "вплоть до", "не позднее", "не позже", "к")
}  # fmt: skip
#: Words that exclude the date they name: "before 2019" says nothing happened in 2019. ("до" is left out:
#: Russian uses it for "until" as often as for "before", and a wider range never excludes the truth.)
_EXCLUSIVE_WORDS = {
    _fold(word)
    for word in ("before", "prior to", "לפני", "קודם ל", "קודם ל-", "قبل", "after", "אחרי", "לאחר", "بعد",
                 "после")
}  # fmt: skip


def _apply_open(value: UncertainDate, open_text: str) -> UncertainDate:
    """ "until 2019" → ../2019, "before 2019" → ../2018, "since March 2022" → 2022-03/.., "after March
    2022" → 2022-04/.. (EDTF open ends are inclusive, so an excluding word moves its end by one unit)."""
    word = " ".join(open_text.lower().split())
    points = value.points
    before = word in _BEFORE_WORDS
    if word not in _EXCLUSIVE_WORDS:
        return (
            UncertainDate(Unbounded.OPEN, points[-1]) if before else UncertainDate(points[0], Unbounded.OPEN)
        )
    try:
        if before:
            return UncertainDate(Unbounded.OPEN, adjacent_point(points[0], -1))
        return UncertainDate(adjacent_point(points[-1], +1), Unbounded.OPEN)
    except InvalidValue:  # before year 1: keep the inclusive reading
        return (
            UncertainDate(Unbounded.OPEN, points[-1]) if before else UncertainDate(points[0], Unbounded.OPEN)
        )


def _try_range(reading: _Reading, context: _Context) -> tuple[DateMention | None, DateMention | None]:
    """A range ending in ``reading`` ("between 31 July and 2 August 2023", "3–5 July 2023", "מינואר 2022
    ועד פברואר 2023"), or else the first element of a list ("2 and 3 April 2019"), or neither."""
    nothing: tuple[DateMention | None, DateMention | None] = (None, None)
    if reading.kind not in ("date", "month", "year") or reading.relative:
        return nothing
    folded = context.folded
    word, word_end = context.previous_word(reading.start)
    gap = folded[word_end : reading.start].strip() if word_end >= 0 else ""
    attached = reading.prefix in ("ל", "ו", "و", "ول", "וב")
    if gap in ("-", "–") or (gap in ("", "-") and word in _CONNECTOR_WORDS):
        pattern = _RANGE_LEFT
    elif attached and not gap:
        pattern = _RANGE_LEFT_ATTACHED
    else:
        return nothing
    match = None
    for position in reversed(
        context.tokens_before(reading.start, _RANGE_VOCABULARY, reach=_LEFT_WINDOW + 16, dates=True)
    ):
        match = pattern.fullmatch(folded, position, reading.start)
        if match is not None:
            break
    if match is None:
        return nothing
    connector = match["conn"].lower() if pattern is _RANGE_LEFT else reading.prefix[0]
    opener = " ".join((match["opener"] or "").lower().split())
    listing = connector in _LIST_CONNECTORS and opener not in _BETWEEN
    if connector in _NEEDS_BETWEEN and opener not in _BETWEEN and not listing:
        return nothing
    if connector == "на" and (opener not in ("с", "со") or reading.day is None):
        return nothing  # "(в ночь) с 31 июля на 1 августа"; otherwise "на" is "on", "for"
    if reading.kind == "year" and reading.weak and _RU_COUNTED_NOUN_AFTER.match(folded, reading.end):
        return nothing  # "от 1500 до 2000 рублей"
    if connector in ("-", "–") and not match["ld"] and not match["lm2"] and not match["ly3"]:
        return nothing
    left = _left_reading(match, reading)
    if left is None or (listing and left[0] is not None):
        return nothing  # a first element with its own year was read already
    if reading.year is None and reading.month is not None and left[0] is not None and left[1] is not None:
        _take_left_year(reading, left)  # "between 31 July 2023 and 2 August": the end is in 2023 too
    if reading.year is None and reading.month is not None and context.ref is not None:
        _infer_range_year(reading, left, context.ref)
    end_value = _value_of(reading, context)
    if end_value is None or not end_value.points:
        return nothing
    end_point = end_value.points[-1]
    start_point = _fill_left(left, end_point, wrap=not listing)
    if start_point is None:
        return nothing
    if listing:
        return None, _listed(match, start_point, reading, context)
    try:
        value = UncertainDate(start_point, end_point)
    except InvalidValue:
        return nothing
    start = match.start("opener") if match["opener"] else match.start("left")
    return _mention(reading, start, value, context), None


def _listed(match: re.Match[str], point: DatePoint, reading: _Reading, context: _Context) -> DateMention:
    """The first element of "2 and 3 April 2019": its own mention, month and year from the second."""
    start, end = match.start("left"), match.end("left")
    return DateMention(
        start=start,
        end=end,
        text=context.text[start:end],
        value=UncertainDate(point),
        inferred=reading.inferred,
        note="; ".join(reading.notes),
    )


def _infer_range_year(reading: _Reading, left: tuple[int | None, int | None, int | None], ref: _Ref) -> None:
    """A range without a year takes it where its *start* lies near publication ("from November through
    February" in an October article is this November to next February)."""
    _, left_month, left_day = left
    assert reading.month is not None
    start_month = left_month or reading.month
    year, note = _year_near(ref, start_month, left_day)
    if _crosses_new_year(start_month, reading.month):
        year += 1
    reading.year = year
    reading.inferred = True
    reading.notes += (note,)


def _take_left_year(reading: _Reading, left: tuple[int | None, int | None, int | None]) -> None:
    """The end of a range whose start alone gives the year: the same year, or the next across New Year."""
    left_year, left_month = left[0], left[1]
    assert left_year is not None and left_month is not None and reading.month is not None
    reading.year = left_year + (1 if _crosses_new_year(left_month, reading.month) else 0)


def _crosses_new_year(start_month: int, end_month: int) -> bool:
    """Whether a range from ``start_month`` to an earlier ``end_month`` runs over New Year ("30 December –
    2 January", "from November through February"). Only a short span does: "between 2 August and 31 July
    2023" is written backwards, not a range of eleven months, and is left unread."""
    return start_month > end_month and end_month + 12 - start_month <= 6


def _left_reading(
    match: re.Match[str], reading: _Reading
) -> tuple[int | None, int | None, int | None] | None:
    """(year, month, day) the left side of a range gives; None where it takes them from the right."""
    day_text = match["ld"] or match["ld2"]
    month_text = match["lm"] or match["lm2"]
    year_text = match["ly"] or match["ly2"] or match["ly3"]
    day = int(day_text) if day_text else None
    month = _month_number(month_text)[0] if month_text else None
    year = int(year_text) if year_text else None
    if day is not None and month is None and reading.day is None:
        return None  # "3–5 July": a bare left day needs a day on the right
    if (
        year is not None
        and month is None
        and day is None
        and reading.kind != "year"
        and reading.month is None
    ):
        return None
    if month is not None and reading.month is None and reading.season is None and reading.kind != "year":
        return None
    return year, month, day


def _fill_left(
    left: tuple[int | None, int | None, int | None], end: DatePoint, *, wrap: bool = True
) -> DatePoint | None:
    year, month, day = left
    if year is not None and month is None and day is None:
        return DatePoint(year)
    if month is None:
        month = end.month
    if month is None:
        return None
    if year is None:
        year = end.year
        if wrap and end.month is not None and _crosses_new_year(month, end.month):
            year -= 1  # "30 December – 2 January 2023"
    if day is not None and not _valid_day(year, month, day):
        return None
    return DatePoint(year, month, day)


def _mention(reading: _Reading, start: int, value: UncertainDate | None, context: _Context) -> DateMention:
    end = reading.end
    return DateMention(
        start=start,
        end=end,
        text=context.text[start:end],
        value=value,
        inferred=reading.inferred,
        note="; ".join(reading.notes),
        relative=reading.relative,
    )


__all__ = ["DateMention", "extract_dates", "read_single_date"]
