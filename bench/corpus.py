"""A deterministic generator of multilingual, news-like text and of the files investigators import.

Everything is derived from a seed: document ``i`` of a corpus uses ``random.Random(f"{seed}:{kind}:{i}")``,
so corpora are identical across runs and machines and can be generated in parallel. Generated file sets are
cached under ``bench/out/corpus/`` keyed by their parameters (and ``GENERATOR_VERSION``); a corpus is
complete once its ``manifest.json`` exists.

The text imitates wire and web news about flights, delegations and sanctions, in English, Hebrew, Arabic
and Russian: sentence templates with named people, places, organisations, aircraft designations, numbers
and dates, mixed with filler sentences drawn from a Zipf-distributed vocabulary (real common words for the
head, generated pseudo-words for the long tail, as real news has). Hebrew and Arabic place names are
mostly written with attached prefixes and proclitics (בפיונגיאנג, לפיונגיאנג, وموسكو, بالقاهرة, للقاهرة),
and now and then with niqqud or harakat; Russian names decline (в Пхеньяне, из Москвы).

Each document records which entities it mentions and in which written form (``mentions``), so a search
benchmark knows how many sources a query should find.

    python -m bench.corpus import --files 1000      # generate (or reuse) the import corpus
    python -m bench.corpus sample --lang he         # print one generated Hebrew article
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import math
import os
import random
import re
import shutil
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import OUT_DIR

GENERATOR_VERSION = 2
CORPUS_DIR = OUT_DIR / "corpus"
LANGUAGES = ("en", "he", "ar", "ru")
#: A third of the documents are Hebrew or Arabic.
LANGUAGE_WEIGHTS = {"en": 0.50, "he": 0.17, "ar": 0.17, "ru": 0.16}
#: What an investigator's folder tends to hold: mostly web pages and PDFs, some Word files and plain text.
FORMAT_WEIGHTS = {"html": 0.30, "pdf": 0.25, "docx": 0.20, "txt": 0.25}
#: Plain-text files in legacy codepages, per language (the rest are UTF-8).
LEGACY_ENCODING = {"he": ("cp1255", 0.5), "ar": ("cp1256", 0.5), "ru": ("cp1251", 0.3)}

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)
FIXED_TIME = datetime(2026, 1, 1, tzinfo=UTC)  # stamped into PDF/DOCX so their bytes are reproducible


# -- entities --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    """A name as each language writes it. Russian forms are keyed by case (nom, gen, dat, acc, ins, prep)."""

    key: str
    kind: str  # person, place, org, aircraft
    weight: float  # how often news in this corpus is about it (relative)
    en: str
    he: str
    ar: str
    ru: dict[str, str]
    he_pointed: str | None = None  # the same with niqqud, as vocalised texts write it
    ar_marked: str | None = None  # the same with harakat
    latin_everywhere: bool = False  # written in Latin letters in every language (NK News, Il-62M)

    def form(self, lang: str, case: str = "nom") -> str:
        if lang == "ru":
            return self.ru.get(case, self.ru["nom"])
        return str(getattr(self, lang))


def _ru(
    nom: str,
    gen: str | None = None,
    dat: str | None = None,
    acc: str | None = None,
    ins: str | None = None,
    prep: str | None = None,
) -> dict[str, str]:
    return {
        "nom": nom,
        "gen": gen or nom,
        "dat": dat or nom,
        "acc": acc or nom,
        "ins": ins or nom,
        "prep": prep or nom,
    }


PEOPLE = (
    Entity("kim", "person", 5, "Kim Jong Un", "קים ג'ונג און", "كيم جونغ أون", _ru("Ким Чен Ын")),
    Entity(
        "shoigu",
        "person",
        4,
        "Sergei Shoigu",
        "סרגיי שויגו",
        "سيرغي شويغو",
        _ru("Сергей Шойгу", "Сергея Шойгу", "Сергею Шойгу", "Сергея Шойгу", "Сергеем Шойгу"),
    ),
    Entity(
        "lavrov",
        "person",
        3,
        "Sergei Lavrov",
        "סרגיי לברוב",
        "سيرغي لافروف",
        _ru(
            "Сергей Лавров",
            "Сергея Лаврова",
            "Сергею Лаврову",
            "Сергея Лаврова",
            "Сергеем Лавровым",
            "Сергее Лаврове",
        ),
    ),
    Entity("choe", "person", 2, "Choe Son Hui", "צ'ואה סון הוי", "تشوي سون هوي", _ru("Чхве Сон Хи")),
    Entity(
        "averbuch",
        "person",
        1.5,
        "Daniel Averbuch",
        "דניאל אוורבוך",
        "دانيال أفيربوخ",
        _ru(
            "Даниэль Авербух",
            "Даниэля Авербуха",
            "Даниэлю Авербуху",
            "Даниэля Авербуха",
            "Даниэлем Авербухом",
            "Даниэле Авербухе",
        ),
    ),
    Entity("halevi", "person", 1.5, "Miriam Halevi", "מרים הלוי", "مريم هاليفي", _ru("Мириам Галеви")),
    Entity(
        "haddad",
        "person",
        2,
        "Yusuf Haddad",
        "יוסף חדאד",
        "يوسف حداد",
        _ru(
            "Юсуф Хаддад",
            "Юсуфа Хаддада",
            "Юсуфу Хаддаду",
            "Юсуфа Хаддада",
            "Юсуфом Хаддадом",
            "Юсуфе Хаддаде",
        ),
    ),
    Entity(
        "mansour",
        "person",
        1.5,
        "Layla Mansour",
        "ליילה מנסור",
        "ليلى منصور",
        _ru("Лейла Мансур", "Лейлы Мансур", "Лейле Мансур", "Лейлу Мансур", "Лейлой Мансур", "Лейле Мансур"),
    ),
    Entity(
        "petrenko",
        "person",
        1.5,
        "Oleg Petrenko",
        "אולג פטרנקו",
        "أوليغ بيترينكو",
        _ru(
            "Олег Петренко",
            "Олега Петренко",
            "Олегу Петренко",
            "Олега Петренко",
            "Олегом Петренко",
            "Олеге Петренко",
        ),
    ),
    Entity(
        "volkova",
        "person",
        1,
        "Anna Volkova",
        "אנה וולקובה",
        "آنا فولكوفا",
        _ru(
            "Анна Волкова",
            "Анны Волковой",
            "Анне Волковой",
            "Анну Волкову",
            "Анной Волковой",
            "Анне Волковой",
        ),
    ),
)

PLACES = (
    Entity(
        "pyongyang",
        "place",
        6,
        "Pyongyang",
        "פיונגיאנג",
        "بيونغ يانغ",
        _ru("Пхеньян", "Пхеньяна", "Пхеньяну", "Пхеньян", "Пхеньяном", "Пхеньяне"),
        he_pointed="פְּיוֹנְגְיָאנְג",
    ),
    Entity(
        "moscow",
        "place",
        6,
        "Moscow",
        "מוסקבה",
        "موسكو",
        _ru("Москва", "Москвы", "Москве", "Москву", "Москвой", "Москве"),
        he_pointed="מוֹסְקְבָה",
        ar_marked="مُوسْكُو",
    ),
    Entity(
        "cairo",
        "place",
        3,
        "Cairo",
        "קהיר",
        "القاهرة",
        _ru("Каир", "Каира", "Каиру", "Каир", "Каиром", "Каире"),
        ar_marked="القَاهِرَة",
    ),
    Entity(
        "damascus",
        "place",
        3,
        "Damascus",
        "דמשק",
        "دمشق",
        _ru("Дамаск", "Дамаска", "Дамаску", "Дамаск", "Дамаском", "Дамаске"),
    ),
    Entity(
        "tehran",
        "place",
        3,
        "Tehran",
        "טהרן",
        "طهران",
        _ru("Тегеран", "Тегерана", "Тегерану", "Тегеран", "Тегераном", "Тегеране"),
    ),
    Entity(
        "beirut",
        "place",
        2,
        "Beirut",
        "ביירות",
        "بيروت",
        _ru("Бейрут", "Бейрута", "Бейруту", "Бейрут", "Бейрутом", "Бейруте"),
    ),
    Entity(
        "vladivostok",
        "place",
        2,
        "Vladivostok",
        "ולדיווסטוק",
        "فلاديفوستوك",
        _ru("Владивосток", "Владивостока", "Владивостоку", "Владивосток", "Владивостоком", "Владивостоке"),
    ),
    Entity(
        "jerusalem",
        "place",
        2,
        "Jerusalem",
        "ירושלים",
        "القدس",
        _ru("Иерусалим", "Иерусалима", "Иерусалиму", "Иерусалим", "Иерусалимом", "Иерусалиме"),
    ),
    Entity(
        "beijing",
        "place",
        3,
        "Beijing",
        "בייג'ינג",
        "بكين",
        _ru("Пекин", "Пекина", "Пекину", "Пекин", "Пекином", "Пекине"),
    ),
    Entity(
        "minsk",
        "place",
        1,
        "Minsk",
        "מינסק",
        "مينسك",
        _ru("Минск", "Минска", "Минску", "Минск", "Минском", "Минске"),
    ),
)

ORGS = (
    Entity("nknews", "org", 3, "NK News", "NK News", "NK News", _ru("NK News"), latin_everywhere=True),
    Entity(
        "kcna",
        "org",
        3,
        "KCNA",
        "סוכנות הידיעות הצפון קוריאנית",
        "وكالة الأنباء المركزية الكورية",
        _ru("ЦТАК"),
    ),
    Entity("un", "org", 2, "the United Nations", 'האו"ם', "الأمم المتحدة", _ru("ООН")),
    Entity("reuters", "org", 2, "Reuters", "רויטרס", "رويترز", _ru("Reuters")),
    Entity("tass", "org", 2, "TASS", 'טא"ס', "تاس", _ru("ТАСС")),
)

AIRCRAFT = (
    Entity("il62m", "aircraft", 3, "Il-62M", "Il-62M", "Il-62M", _ru("Ил-62М"), latin_everywhere=True),
    Entity("il76", "aircraft", 2, "Il-76", "Il-76", "Il-76", _ru("Ил-76"), latin_everywhere=True),
    Entity("tu204", "aircraft", 1, "Tu-204", "Tu-204", "Tu-204", _ru("Ту-204"), latin_everywhere=True),
    Entity("an148", "aircraft", 1, "An-148", "An-148", "An-148", _ru("Ан-148"), latin_everywhere=True),
)

ENTITIES = {entity.key: entity for entity in (*PEOPLE, *PLACES, *ORGS, *AIRCRAFT)}


def attach(prefix: str, word: str, lang: str) -> str:
    """Glue a Hebrew prefix or Arabic proclitic to a word, with the spelling rules news text follows."""
    if not prefix:
        return word
    if lang == "ar" and word.startswith("ال") and prefix.endswith(("ال", "لل")):
        return prefix + word[2:]  # بال + الحكومة → بالحكومة (one article, not two)
    if lang == "ar" and prefix.endswith("ل") and word.startswith("ال"):
        return prefix + word[1:]  # ل + القاهرة → للقاهرة
    if lang == "he" and prefix[-1] in "בלכ" and word.startswith("ה") and len(word) > 3:
        return prefix + word[1:]  # ב + הממשלה → בממשלה (the article merges)
    return prefix + word


def _words(text: str) -> list[str]:
    return text.split()


# -- vocabulary ------------------------------------------------------------------------------------------

EN_WORDS = _words(
    """
the of to and a in that for on is was said with by as at from it his has have were be an are which its
had not this but after their they also been who will would more than about new there one year two over
government officials told country state minister foreign visit delegation flight aircraft plane airport
military talks meeting report reports according sources agency statement week month president spokesman
sanctions trade cooperation agreement economic security defence nuclear missile programme officials
embassy border cargo shipment ship port rail train company companies million billion dollars thousand
north south east west korea russia china iran syria egypt lebanon israel during before since while
under between against into out up only could may other first last three several some most many held
later earlier official media state-run satellite images showed activity unusual confirmed denied
declined comment analysts experts said spokesperson added noted warned announced signed arrived left
returned landed departed met discussed agreed planned expected weapons equipment technology supplies
network front firms accounts payments transfers banks oil fuel coal food aid humanitarian council
resolution panel investigators documents records data tracking photos video observers journalists
"""
)

EN_FILLER_TEMPLATES = (
    "{N} officials said on {D} that talks would continue.",
    "The report, seen by {O}, was not made public.",
    "It was not immediately clear how long the delegation would stay.",
    "Satellite images taken on {D} showed at least {N} vehicles near the site.",
    "A spokesperson for the ministry declined to comment.",
)

HE_WORDS = _words(
    """
של את על עם לא כי גם אבל היה הוא היא הם זה זו אשר כל יותר אחרי לפני בין כמו רק עוד אמר אמרה הודיע
פרסם דיווח ממשלה שר משלחת מטוס טיסה ביקור פגישה נשיא ראש צבא רשמי רשמית מקורות לדברי לפי דיווחים
תקשורת הסכם שיתוף פעולה צבאי כלכלי סנקציות נשק טילים גרעין תוכנית ועדה דובר הודעה עיתונאים שבוע חודש
שנה יום היום אתמול מחר בוקר ערב לילה נמל שדה תעופה גבול מעבר רכבת אונייה מטען חברה סוחר כסף דולר מיליון
מיליארד אלף צפון דרום מזרח מערב קוריאה רוסיה סין ישראל מצרים סוריה איראן לבנון במהלך מאז בזמן נגד תחת
מספר כמה חלק רבים ראשון אחרון שלושה שניים הממשלה השר המשלחת המטוס הטיסה הביקור הצבא ההסכם הדובר
מסמכים רישומים נתונים תמונות סרטון משקיפים חוקרים לוויין פעילות חריגה אישר הכחיש סירב הוסיף הזהיר
"""
)
HE_NOUNS = _words(
    """
ממשלה משלחת מטוס טיסה ביקור פגישה צבא הסכם נמל גבול רכבת אונייה מטען חברה כסף תוכנית ועדה שבוע חודש
שנה יום בוקר ערב לילה הממשלה המשלחת המטוס הטיסה הביקור הצבא ההסכם מסמכים נתונים תמונות חוקרים
"""
)
HE_PREFIXES = ("ב", "ל", "ו", "מ", "ה", "ש", "וב", "ול", "שב", "מה", "כש")

AR_WORDS = _words(
    """
في من إلى على عن مع أن إن التي الذي هذا هذه قال قالت وقال أعلن ذكرت أفادت الحكومة وزير وزارة الخارجية
الدفاع الرئيس الوفد الطائرة رحلة زيارة الزيارة اجتماع مسؤول مسؤولون مصادر وكالة الأنباء تقرير التقرير
اتفاق تعاون عسكري اقتصادي عقوبات أسلحة صواريخ نووي برنامج لجنة متحدث بيان مؤتمر صحفي أسبوع شهر عام يوم
اليوم أمس غدا صباحا مساء ميناء مطار الحدود معبر قطار سفينة شحنة شركة تاجر أموال دولار مليون مليار ألف
شمال جنوب شرق غرب كوريا روسيا الصين مصر سوريا إيران لبنان خلال منذ بينما ضد تحت عدة بعض كثير أول آخر
ثلاثة اثنان الرسمية الإعلام الأقمار الصناعية صور نشاط غير عادي أكد نفى رفض أضاف حذر وثائق سجلات بيانات
"""
)
AR_NOUNS = _words(
    """
الحكومة وزارة الوفد الطائرة رحلة زيارة اجتماع تقرير اتفاق برنامج لجنة بيان مؤتمر ميناء مطار الحدود
قطار سفينة شحنة شركة أموال الإعلام صور وثائق سجلات بيانات الخارجية الدفاع
"""
)
AR_PREFIXES = ("و", "ب", "ل", "ف", "وب", "ول", "لل", "بال", "وال", "فال")

RU_WORDS = _words(
    """
и в на с по что не как из за к от о для это также был была были заявил сообщил сообщила правительство
министр министерство иностранных дел обороны президент делегация самолёт самолет рейс визит встреча
официальный источники агентство доклад соглашение сотрудничество военный экономический санкции оружие
ракеты ядерный программа комиссия представитель заявление пресс-конференция неделя месяц год день
сегодня вчера утром вечером порт аэропорт граница поезд судно груз компания долларов миллионов
миллиардов тысяч север юг Корея Россия Китай Иран Сирия Египет после до между против под только
несколько первый последний три два спутниковые снимки активность подтвердил опроверг отказался добавил
предупредил документы данные фотографии наблюдатели журналисты
"""
)

COMMON_WORDS = {"en": EN_WORDS, "he": HE_WORDS, "ar": AR_WORDS, "ru": RU_WORDS}

_SYLLABLES = {
    "en": _words(
        "ka ro mi ten sal ver no dal pre con ist ion ment ar el ous ble tra por sen lin ma de ter ship "
        "gar ven tor ack bre stru fen ol im qu"
    ),
    "he": _words("א ב ג ד ה ו ז ח ט י כ ל מ נ ס ע פ צ ק ר ש ת"),
    "ar": _words("ا ب ت ث ج ح خ د ذ ر ز س ش ص ض ط ظ ع غ ف ق ك ل م ن ه و ي ة"),
    "ru": _words(
        "ка ро ми тен сал вер но дал пре кон ист ция мент ар ель ный ски тра пор сен лин ма де тер щи "
        "бо жу зо ву ха"
    ),
}
_HE_FINALS = {"כ": "ך", "מ": "ם", "נ": "ן", "פ": "ף", "צ": "ץ"}
TAIL_SIZE = 50_000  # generated long-tail words per language


def _pseudo_words(lang: str, count: int) -> list[str]:
    """Deterministic made-up words in the language's script: the long tail of a news vocabulary."""
    rng = random.Random(f"tail:{lang}:{GENERATOR_VERSION}")
    syllables = _SYLLABLES[lang]
    seen: set[str] = set(COMMON_WORDS[lang])
    words: list[str] = []
    while len(words) < count:
        if lang in ("he", "ar"):
            word = "".join(rng.choice(syllables) for _ in range(rng.randint(3, 7)))
            if lang == "he" and word[-1] in _HE_FINALS:
                word = word[:-1] + _HE_FINALS[word[-1]]
            if lang == "ar" and rng.random() < 0.3:
                word = "ال" + word
        else:
            word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


@dataclass
class Vocabulary:
    words: list[str]
    cum_weights: list[float]

    @classmethod
    def build(cls, lang: str) -> Vocabulary:
        words = list(dict.fromkeys(COMMON_WORDS[lang])) + _pseudo_words(lang, TAIL_SIZE)
        weights = [1.0 / (rank + 2.7) ** 1.07 for rank in range(len(words))]  # Zipf–Mandelbrot
        return cls(words, list(itertools.accumulate(weights)))

    def sample(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum_weights, k=count)


_VOCABULARIES: dict[str, Vocabulary] = {}


def vocabulary(lang: str) -> Vocabulary:
    if lang not in _VOCABULARIES:
        _VOCABULARIES[lang] = Vocabulary.build(lang)
    return _VOCABULARIES[lang]


# -- sentence templates ------------------------------------------------------------------------------------
# {P} {P2} people, {L} {L2} places, {O} organisation, {A} aircraft, {N} number, {D} date.
# {L|ב} attaches a prefix (Hebrew) or proclitic (Arabic); {L:prep} picks a Russian case.

TEMPLATES = {
    "en": (
        "According to {O}, {P} landed in {L} on {D} aboard an {A}.",
        "The delegation led by {P} left {L} for {L2} early on {D}.",
        "{P} said the visit to {L} was meant to deepen economic and military cooperation.",
        "Officials in {L} said {N} crew members had arrived in {L2} on a special flight.",
        "{L} denied the reports, but satellite images published on {D} show unusual activity.",
        "When {P} arrived in {L}, he met {P2} for talks that lasted about two hours.",
        "An {A} of the state airline was seen in {L} three times last month, {O} reported.",
        "A spokesman for the embassy in {L} declined to comment, {O} said.",
        "Speaking to {O}, {P} said {L} wanted to expand its ties with {L2}.",
        "The shipment sent from {L} included {N} tonnes of equipment, the documents show.",
        "An estimated {N} million dollars were moved to {L} through shell companies, investigators said.",
        "{P} returned to {L} after a {N}-day visit to {L2}.",
        "State media in {L} published photos of the ceremony on {D}.",
        "During the visit to {L} the two sides signed {N} agreements, {O} said.",
        "Flight tracking data show the {A} left {L} at dawn and landed in {L2} {N} hours later.",
        "{P} told reporters in {L} that the sanctions had failed.",
    ),
    "he": (
        "לפי דיווח של {O}, {P} נחת {L|ב} ב-{D} על סיפון מטוס {A}.",
        "המשלחת בראשות {P} המריאה {L|מ} {L2|ל} בשעות הבוקר של {D}.",
        "{P} אמר כי הביקור {L|ב} נועד לקדם שיתוף פעולה כלכלי וצבאי.",
        "גורמים {L|ב} מסרו כי {N} אנשי צוות הגיעו {L2|ל} בטיסה מיוחדת.",
        "{L|ו} הכחישה את הדיווחים, אך תמונות לוויין שפורסמו ב-{D} מראות פעילות חריגה.",
        "כשהגיע {L|ל}, נפגש {P} עם {P2} לשיחה שנמשכה כשעתיים.",
        "מטוס {A} של חברת התעופה הממלכתית נראה {L|ב} שלוש פעמים בחודש האחרון, כך דיווח {O}.",
        "דובר השגרירות {L|שב} סירב להגיב על הדברים.",
        "בשיחה עם {O} אמר {P} כי {L} מעוניינת להרחיב את קשריה {L2|עם }.",
        "המטען שנשלח {L|מ} כלל {N} טונות של ציוד, כך עולה מהמסמכים.",
        "על פי הערכות, {N} מיליון דולר הועברו {L|ל} דרך חברות קש.",
        "{P} שב {L|ל} לאחר ביקור בן {N} ימים {L2|ב}.",
        "כלי התקשורת הממלכתיים {L|ב} פרסמו ב-{D} תמונות מהטקס.",
        "במהלך הביקור {L|ב} חתמו הצדדים על {N} הסכמים, כך מסר {O}.",
        "נתוני מעקב טיסות מראים כי מטוס ה-{A} יצא {L|מ} עם שחר ונחת {L2|ב} כעבור {N} שעות.",
        "{L|וב} נמסר כי {P} ימשיך {L2|ל} בשבוע הבא.",
        "{P} אמר לכתבים {L|ב} כי הסנקציות נכשלו.",
    ),
    "ar": (
        "وفقا لموقع {O}، وصل {P} إلى {L} في {D} على متن طائرة من طراز {A}.",
        "غادر الوفد برئاسة {P} {L} متوجها {L2|إلى } صباح {D}.",
        "وقال {P} إن الزيارة {L|ل} تهدف إلى تعزيز التعاون الاقتصادي والعسكري.",
        "وأفادت مصادر {L|ب} بأن {N} من أفراد الطاقم وصلوا إلى {L2} في رحلة خاصة.",
        "{L|و} تنفي هذه التقارير، لكن صور الأقمار الصناعية التي نشرت في {D} تظهر نشاطا غير عادي.",
        "والتقى {P} {L|ب} مع {P2} في اجتماع استمر نحو ساعتين.",
        "وشوهدت طائرة {A} تابعة لشركة الطيران الحكومية {L|ب} ثلاث مرات خلال الشهر الماضي، بحسب {O}.",
        "ورفض المتحدث باسم السفارة {L|ب} التعليق على هذه المعلومات.",
        "وقال {P} في حديث مع {O} إن {L} ترغب في توسيع علاقاتها {L2|مع }.",
        "وشملت الشحنة التي أرسلت من {L} نحو {N} طن من المعدات، بحسب الوثائق.",
        "وتشير التقديرات إلى أن {N} مليون دولار حولت {L|ل} عبر شركات وهمية.",
        "وعاد {P} {L|ل} بعد زيارة استمرت {N} أيام {L2|ل}.",
        "ونشرت وسائل الإعلام الرسمية {L|ب} صورا من الحفل في {D}.",
        "وخلال الزيارة {L|ل} وقع الطرفان على {N} اتفاقيات، وفقا لـ{O}.",
        "وتظهر بيانات تتبع الرحلات أن الطائرة {A} غادرت {L} فجرا وهبطت {L2|ب} بعد {N} ساعات.",
        "{L|وب} أعلن أن {P} سيتوجه {L2|إلى } الأسبوع المقبل.",
        "{L|ف} لم تعلق رسميا على زيارة {P}.",
    ),
    "ru": (
        "По данным {O}, {P} прилетел в {L:acc} {D} на самолёте {A}.",
        "Делегация во главе с {P:ins} вылетела из {L:gen} в {L2:acc} утром {D}.",
        "{P} заявил, что визит в {L:acc} призван углубить экономическое и военное сотрудничество.",
        "Источники в {L:prep} сообщили, что {N} членов экипажа прибыли в {L2:acc} специальным рейсом.",
        "{L} опровергает эти сообщения, но спутниковые снимки, опубликованные {D}, показывают активность.",
        "Прибыв в {L:acc}, {P} встретился с {P2:ins}; переговоры длились около двух часов.",
        "Самолёт {A} государственной авиакомпании видели в {L:prep} трижды за последний месяц, сообщает {O}.",
        "Представитель посольства в {L:prep} отказался от комментариев.",
        "В беседе с {O} {P} заявил, что {L} хочет расширить связи с {L2:ins}.",
        "Груз, отправленный из {L:gen}, включал {N} тонн оборудования, следует из документов.",
        "По оценкам следователей, {N} миллионов долларов были переведены в {L:acc} через подставные фирмы.",
        "{P} вернулся в {L:acc} после {N}-дневного визита в {L2:acc}.",
        "Государственные СМИ в {L:prep} опубликовали {D} фотографии церемонии.",
        "Во время визита в {L:acc} стороны подписали {N} соглашений, сообщает {O}.",
        "По данным отслеживания рейсов, {A} вылетел из {L:gen} на рассвете и приземлился в {L2:prep}.",
    ),
}

HEADLINES = {
    "en": (
        "{P} visits {L}",
        "Report: {A} seen in {L}",
        "{L} and {L2} sign {N} agreements",
        "Sanctions monitors track cargo from {L}",
        "{P} meets {P2} in {L}",
    ),
    "he": (
        "{P} ביקר {L|ב}",
        "דיווח: מטוס {A} נראה {L|ב}",
        "{L} {L2|ו} חתמו על {N} הסכמים",
        "מעקב אחר מטען {L|מ}",
        "{P} נפגש עם {P2} {L|ב}",
    ),
    "ar": (
        "{P} يزور {L}",
        "تقرير: طائرة {A} {L|ب}",
        "{L} {L2|و} توقعان {N} اتفاقيات",
        "تتبع شحنات من {L}",
        "{P} يلتقي {P2} {L|ب}",
    ),
    "ru": (
        "{P} посетил {L:acc}",
        "{A} заметили в {L:prep}",
        "{L} и {L2} подписали {N} соглашений",
        "Груз из {L:gen} под наблюдением",
        "{P} встретился с {P2:ins} в {L:prep}",
    ),
}

AUTHORS = {
    "en": ("Chad O'Carroll", "Colin Zwirko", "Jeongmin Kim", "Sarah Lee", "Tom Harris", "Ana Ortiz"),
    "he": ("יוסי מלמן", "נועה לנדאו", "עמוס הראל", "שירה כהן", "אבי ישכרוף"),
    "ar": ("أحمد السيد", "منى خليل", "عمر الفاروق", "سارة يوسف", "خالد عبد الله"),
    "ru": ("Иван Смирнов", "Ольга Кузнецова", "Павел Орлов", "Мария Соколова"),
}
PUBLISHERS = {
    "en": ("NK News", "Reuters", "The Investigator", "Open Source Monitor"),
    "he": ("הארץ", "ynet", "מעריב", "וואלה"),
    "ar": ("الأهرام", "الشرق الأوسط", "الجزيرة نت", "العربي الجديد"),
    "ru": ("Коммерсантъ", "РБК", "Ведомости", "Новая газета"),
}

MONTHS = {
    "en": _words("January February March April May June July August September October November December"),
    "he": _words("ינואר פברואר מרץ אפריל מאי יוני יולי אוגוסט ספטמבר אוקטובר נובמבר דצמבר"),
    "ar": _words("يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر"),
    "ru": _words("января февраля марта апреля мая июня июля августа сентября октября ноября декабря"),
}

_SLOT = re.compile(r"\{([A-Z]\d?)(?::(\w+))?(?:\|([^}]*))?\}")


def format_date(day: date, lang: str) -> str:
    month = MONTHS[lang][day.month - 1]
    if lang == "he":
        return f"{day.day} ב{month} {day.year}"
    if lang == "ru":
        return f"{day.day} {month} {day.year} года"
    return f"{day.day} {month} {day.year}"


def random_day(rng: random.Random) -> date:
    return date(2019, 1, 1) + timedelta(days=rng.randrange(7 * 365))


def random_number(rng: random.Random) -> str:
    value = rng.choice((rng.randint(2, 12), rng.randint(10, 99), rng.randint(100, 5000)))
    return f"{value:,}" if value >= 1000 else str(value)


# -- documents ---------------------------------------------------------------------------------------------


@dataclass
class Article:
    """One generated news article: the plain text content every file format is made from."""

    index: int
    lang: str
    title: str
    author: str
    publisher: str
    published: str  # ISO date
    paragraphs: list[str]
    mentions: set[str] = field(default_factory=set)  # "pyongyang@he", "nknews@latin", "il62m@ru"

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def text(self) -> str:
        """Title, then the body: what a plain-text export of the article holds."""
        return f"{self.title}\n\n{self.body}\n"


class ArticleWriter:
    """Writes sentences for one article about a few people and places (the story's cast)."""

    def __init__(self, rng: random.Random, lang: str) -> None:
        self.rng = rng
        self.lang = lang
        self.vocab = vocabulary(lang)
        self.mentions: set[str] = set()
        # Most articles are about the case's story; some touch it in passing, some not at all.
        self.template_rate = rng.choices((0.32, 0.12, 0.0), weights=(0.6, 0.25, 0.15))[0]
        self.cast = {
            "P": self._pick(PEOPLE, 2, 3),
            "L": self._pick(PLACES, 2, 3),
            "O": self._pick(ORGS, 1, 2),
            "A": self._pick(AIRCRAFT, 1, 1),
        }

    def _pick(self, entities: Sequence[Entity], least: int, most: int) -> list[Entity]:
        count = self.rng.randint(least, most)
        chosen: list[Entity] = []
        weights = [entity.weight for entity in entities]
        while len(chosen) < count:
            entity = self.rng.choices(entities, weights=weights)[0]
            if all(entity.key != other.key for other in chosen):
                chosen.append(entity)
        return chosen

    # -- names

    def _entity_text(self, entity: Entity, case: str, prefix: str) -> str:
        lang = self.lang
        cyrillic = lang == "ru" and entity.ru["nom"] != entity.en  # Il-62M is also written Ил-62М
        if entity.latin_everywhere and not (cyrillic and self.rng.random() < 0.5):
            self.mentions.add(f"{entity.key}@latin")
            return (prefix + "-" if prefix and lang in ("he", "ar") else prefix) + entity.en
        self.mentions.add(f"{entity.key}@{lang}")
        surface = entity.form(lang, case)
        if lang == "he" and entity.he_pointed and self.rng.random() < 0.05:
            surface = entity.he_pointed
        if lang == "ar" and entity.ar_marked and self.rng.random() < 0.05:
            surface = entity.ar_marked
        if prefix.endswith(" "):  # a separate preposition, not a clitic ("עם ", "إلى ")
            return prefix + surface
        return attach(prefix, surface, lang)

    def _slot(self, match: re.Match[str], chosen: dict[str, Entity]) -> str:
        name, case, prefix = match.group(1), match.group(2) or "nom", match.group(3) or ""
        rng = self.rng
        if name == "N":
            return random_number(rng)
        if name == "D":
            return format_date(random_day(rng), self.lang)
        if name not in chosen:  # {P2} is someone other than {P} in the same sentence
            taken = {entity.key for entity in chosen.values()}
            group = [entity for entity in self.cast[name[0]] if entity.key not in taken] or self.cast[name[0]]
            chosen[name] = rng.choice(group)
        return self._entity_text(chosen[name], case, prefix)

    def fill(self, template: str) -> str:
        chosen: dict[str, Entity] = {}
        return _SLOT.sub(lambda match: self._slot(match, chosen), template)

    # -- sentences

    def filler_sentence(self) -> str:
        words = self.vocab.sample(self.rng, self.rng.randint(7, 24))
        if self.lang == "he":
            words = [self._maybe_prefix(word, HE_NOUNS, HE_PREFIXES, 0.35) for word in words]
        elif self.lang == "ar":
            words = [self._maybe_prefix(word, AR_NOUNS, AR_PREFIXES, 0.35) for word in words]
        if self.rng.random() < 0.25:
            words.insert(self.rng.randrange(len(words)), random_number(self.rng))
        if self.lang in ("en", "ru"):
            words[0] = words[0][:1].upper() + words[0][1:]
        punctuation = "،" if self.lang == "ar" else ","
        if len(words) > 10 and self.rng.random() < 0.5:
            words[len(words) // 2] += punctuation
        return " ".join(words) + "."

    def _maybe_prefix(self, word: str, nouns: Sequence[str], prefixes: Sequence[str], p: float) -> str:
        if self.rng.random() < p and (word in nouns or len(word) > 4):
            return attach(self.rng.choice(prefixes), word, self.lang)
        return word

    def sentence(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < self.template_rate:
            return self.fill(rng.choice(TEMPLATES[self.lang]))
        if self.lang == "en" and roll < self.template_rate + 0.05:
            return self.fill(rng.choice(EN_FILLER_TEMPLATES))
        return self.filler_sentence()

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 6)))


def make_article(index: int, lang: str, rng: random.Random, text_bytes: int) -> Article:
    """An article whose body is about ``text_bytes`` bytes of UTF-8."""
    writer = ArticleWriter(rng, lang)
    title = writer.fill(rng.choice(HEADLINES[lang]))
    paragraphs: list[str] = []
    size = len(title.encode()) + 2
    while size < text_bytes:
        paragraph = writer.paragraph()
        paragraphs.append(paragraph)
        size += len(paragraph.encode()) + 2
    return Article(
        index=index,
        lang=lang,
        title=title,
        author=rng.choice(AUTHORS[lang]),
        publisher=rng.choice(PUBLISHERS[lang]),
        published=random_day(rng).isoformat(),
        paragraphs=paragraphs,
        mentions=writer.mentions,
    )


def pick_language(rng: random.Random) -> str:
    return rng.choices(list(LANGUAGE_WEIGHTS), weights=list(LANGUAGE_WEIGHTS.values()))[0]


def log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


# -- file formats ------------------------------------------------------------------------------------------


def find_font() -> str:
    for candidate in FONT_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    raise SystemExit("No DejaVuSans.ttf found for the PDF corpus; install fonts-dejavu-core.")


def txt_bytes(article: Article, rng: random.Random) -> tuple[bytes, str]:
    legacy = LEGACY_ENCODING.get(article.lang)
    if legacy and rng.random() < legacy[1]:
        try:
            return article.text.encode(legacy[0]), legacy[0]
        except UnicodeEncodeError:
            pass  # a character outside the codepage (cannot happen with our lists, but stay safe)
    newline = "\r\n" if rng.random() < 0.2 else "\n"  # some files come from Windows
    return article.text.replace("\n", newline).encode("utf-8"), "utf-8"


_NAV = {
    "en": ("Home", "World", "Politics", "Business", "Analysis", "Opinion", "Video", "Subscribe", "Log in"),
    "he": ("ראשי", "חדשות", "פוליטי", "כלכלה", "דעות", "ספורט", "תרבות", "וידאו", "הירשמו"),
    "ar": ("الرئيسية", "أخبار", "سياسة", "اقتصاد", "رأي", "رياضة", "ثقافة", "فيديو", "اشترك"),
    "ru": ("Главная", "Мир", "Политика", "Экономика", "Мнения", "Спорт", "Культура", "Видео", "Войти"),
}
_FOOTER = {
    "en": "© 2024 {pub}. All rights reserved. Cookie settings · Privacy policy · Terms of use · Contact us",
    "he": "© 2024 {pub}. כל הזכויות שמורות. הגדרות עוגיות · מדיניות פרטיות · תנאי שימוש · צור קשר",
    "ar": "© 2024 {pub}. جميع الحقوق محفوظة. إعدادات ملفات تعريف الارتباط · سياسة الخصوصية · اتصل بنا",
    "ru": "© 2024 {pub}. Все права защищены. Настройки cookie · Политика конфиденциальности · Контакты",
}


def html_bytes(article: Article, rng: random.Random) -> bytes:
    from html import escape

    lang = article.lang
    direction = "rtl" if lang in ("he", "ar") else "ltr"
    slug = f"article-{article.index}"
    nav = "".join(f'<li><a href="/{i}">{escape(item)}</a></li>' for i, item in enumerate(_NAV[lang]))
    related = "".join(
        f'<li><a href="/news/{rng.randint(1000, 99999)}">{escape(ArticleWriter(rng, lang).fill(h))}</a></li>'
        for h in rng.sample(HEADLINES[lang], 3)
    )
    paragraphs = "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in article.paragraphs)
    figure = (
        f'<figure><img src="https://cdn.example-news.org/img/{slug}.jpg" alt="{escape(article.title)}" '
        'width="800" height="450"><figcaption>Photo: agency</figcaption></figure>'
    )
    page = f"""<!DOCTYPE html>
<html lang="{lang}" dir="{direction}">
<head>
<meta charset="utf-8">
<title>{escape(article.title)} | {escape(article.publisher)}</title>
<meta name="author" content="{escape(article.author)}">
<meta name="description" content="{escape(article.paragraphs[0][:150])}">
<meta property="og:title" content="{escape(article.title)}">
<meta property="og:site_name" content="{escape(article.publisher)}">
<meta property="article:published_time" content="{article.published}T08:00:00Z">
<link rel="canonical" href="https://www.example-news.org/{lang}/{slug}">
<link rel="stylesheet" href="https://static.example-news.org/css/site.css">
<script src="https://static.example-news.org/js/analytics.js" async></script>
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"page": "{slug}"}});</script>
</head>
<body>
<header class="site-header"><a class="logo" href="/">{escape(article.publisher)}</a>
<nav class="main-nav"><ul>{nav}</ul></nav>
<form class="search" action="/search"><input name="q" placeholder="Search"></form></header>
<div class="ad-slot" id="ad-top">Advertisement</div>
<main>
<article>
<h1>{escape(article.title)}</h1>
<p class="byline">{escape(article.author)} ·
<time datetime="{article.published}">{article.published}</time></p>
{figure}
{paragraphs}
</article>
<aside class="related"><h2>Related</h2><ul>{related}</ul></aside>
</main>
<footer class="site-footer"><nav><ul>{nav}</ul></nav>
<p>{escape(_FOOTER[lang].format(pub=article.publisher))}</p></footer>
</body>
</html>
"""
    return page.encode("utf-8")


def pdf_bytes(article: Article) -> bytes:
    """A multi-page PDF set in DejaVu Sans (covers Latin, Cyrillic, Hebrew and Arabic).

    fpdf2 lays right-to-left runs out in visual order (as many real PDF producers do) and, without
    HarfBuzz, uses unjoined Arabic letter forms; the text layer still maps back to the same letters.
    """
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_TIME)
    pdf.set_title(article.title)
    pdf.set_author(article.author)
    pdf.set_subject(article.publisher)
    pdf.add_font("DejaVu", fname=find_font())
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font("DejaVu", size=15)
    align = "R" if article.lang in ("he", "ar") else "L"
    pdf.multi_cell(0, 8, article.title, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=9)
    pdf.multi_cell(
        0, 5, f"{article.author} — {article.published}", align=align, new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(3)
    pdf.set_font("DejaVu", size=10)
    for paragraph in article.paragraphs:
        pdf.multi_cell(0, 5, paragraph, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


def docx_bytes(article: Article) -> bytes:
    from docx import Document
    from docx.oxml import OxmlElement

    document = Document()
    properties = document.core_properties
    properties.title = article.title
    properties.author = article.author
    properties.created = FIXED_TIME.replace(tzinfo=None)
    properties.modified = FIXED_TIME.replace(tzinfo=None)
    rtl = article.lang in ("he", "ar")
    paragraphs = [document.add_heading(article.title, level=1)]
    paragraphs.append(document.add_paragraph(f"{article.author}, {article.publisher}, {article.published}"))
    paragraphs += [document.add_paragraph(paragraph) for paragraph in article.paragraphs]
    if rtl:
        for paragraph in paragraphs:
            paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# -- the import corpus -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportCorpusSpec:
    files: int = 1000
    seed: int = 20261125
    min_kb: float = 5
    max_kb: float = 50

    @property
    def key(self) -> str:
        return f"import-n{self.files}-s{self.seed}-{self.min_kb:g}-{self.max_kb:g}kb-v{GENERATOR_VERSION}"

    @property
    def directory(self) -> Path:
        return CORPUS_DIR / self.key


@dataclass(frozen=True)
class CorpusFile:
    path: str  # relative to the corpus's ``files`` folder
    format: str
    lang: str
    encoding: str
    text_bytes: int  # UTF-8 size of the article text the file was made from
    file_bytes: int
    title: str
    mentions: tuple[str, ...]
    probe: str  # a word from the body that the extracted text should contain


def _probe_word(article: Article) -> str:
    """A long word of the body (a name where possible) to check extraction kept the text readable."""
    words = [w.strip(".,،;:!?\"'()") for w in article.paragraphs[0].split()]
    long_words = [w for w in words if len(w) >= 6 and w.isalpha()]
    return max(long_words, key=len) if long_words else max(words, key=len)


def generate_import_file(spec: ImportCorpusSpec, index: int, files_dir: str) -> CorpusFile:
    rng = random.Random(f"{spec.seed}:import:{index}")
    lang = pick_language(rng)
    fmt = rng.choices(list(FORMAT_WEIGHTS), weights=list(FORMAT_WEIGHTS.values()))[0]
    size = int(log_uniform(rng, spec.min_kb * 1024, spec.max_kb * 1024))
    article = make_article(index, lang, rng, size)
    encoding = "utf-8" if fmt == "html" else "binary"
    if fmt == "txt":
        data, encoding = txt_bytes(article, rng)
    elif fmt == "html":
        data = html_bytes(article, rng)
    elif fmt == "pdf":
        data = pdf_bytes(article)
    else:
        data = docx_bytes(article)
    relative = f"{lang}/{index:05d}-{lang}.{fmt}"
    target = Path(files_dir) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return CorpusFile(
        path=relative,
        format=fmt,
        lang=lang,
        encoding=encoding,
        text_bytes=len(article.text.encode()),
        file_bytes=len(data),
        title=article.title,
        mentions=tuple(sorted(article.mentions)),
        probe=_probe_word(article),
    )


@dataclass
class ImportCorpus:
    spec: ImportCorpusSpec
    files: list[CorpusFile]

    @property
    def files_dir(self) -> Path:
        return self.spec.directory / "files"

    def paths(self) -> list[Path]:
        return [self.files_dir / item.path for item in self.files]


def import_corpus(spec: ImportCorpusSpec, *, workers: int = 2, log: bool = True) -> ImportCorpus:
    """The cached corpus for ``spec``, generated (in ``workers`` processes) when missing."""
    manifest = spec.directory / "manifest.json"
    if manifest.exists():
        items = json.loads(manifest.read_text(encoding="utf-8"))["files"]
        files = [CorpusFile(**{**item, "mentions": tuple(item["mentions"])}) for item in items]
        return ImportCorpus(spec, files)
    if spec.directory.exists():
        shutil.rmtree(spec.directory)  # an interrupted generation
    files_dir = spec.directory / "files"
    files_dir.mkdir(parents=True)
    if log:
        print(f"generating {spec.files} files into {spec.directory} …", file=sys.stderr, flush=True)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(generate_import_file, spec, i, str(files_dir)) for i in range(spec.files)]
        files = [future.result() for future in futures]
    body = {"spec": asdict(spec), "generator_version": GENERATOR_VERSION, "files": [asdict(f) for f in files]}
    manifest.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    return ImportCorpus(spec, files)


# -- the search corpus -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchCorpusSpec:
    sources: int = 10_000
    total_mb: float = 50
    seed: int = 20261125

    @property
    def key(self) -> str:
        return f"search-n{self.sources}-{self.total_mb:g}mb-s{self.seed}-v{GENERATOR_VERSION}"


def search_sizes(spec: SearchCorpusSpec) -> list[int]:
    """Text sizes in bytes: log-normal (many short wire items, a few long reports), summing to total_mb."""
    rng = random.Random(f"{spec.seed}:sizes")
    raw = [min(max(rng.lognormvariate(0, 0.9), 0.12), 14.0) for _ in range(spec.sources)]
    scale = spec.total_mb * 1_000_000 / sum(raw)
    return [max(300, int(size * scale)) for size in raw]


@dataclass(frozen=True)
class SearchSource:
    index: int
    lang: str
    kind: str  # text, html, pdf, docx: what the source pretends to have been imported from
    title: str
    author: str
    publisher: str
    published: str
    text: str
    mentions: tuple[str, ...]


def generate_search_source(spec: SearchCorpusSpec, index: int, size: int) -> SearchSource:
    rng = random.Random(f"{spec.seed}:search:{index}")
    lang = pick_language(rng)
    kind = rng.choices(("html", "pdf", "docx", "text"), weights=list(FORMAT_WEIGHTS.values()))[0]
    article = make_article(index, lang, rng, size)
    return SearchSource(
        index=index,
        lang=lang,
        kind=kind,
        title=article.title,
        author=article.author,
        publisher=article.publisher,
        published=article.published,
        text=article.body,
        mentions=tuple(sorted(article.mentions)),
    )


def _search_source_star(args: tuple[SearchCorpusSpec, int, int]) -> SearchSource:
    return generate_search_source(*args)


def search_sources(spec: SearchCorpusSpec, *, workers: int = 1) -> Iterator[SearchSource]:
    """The search corpus, in order; generated in ``workers`` background processes when > 0."""
    sizes = search_sizes(spec)
    jobs = ((spec, index, size) for index, size in enumerate(sizes))
    if workers <= 0:
        yield from map(_search_source_star, jobs)
        return
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(_search_source_star, jobs, chunksize=32)


# -- command line ----------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    imp = commands.add_parser("import", help="generate (or reuse) the import corpus")
    imp.add_argument("--files", type=int, default=1000)
    imp.add_argument("--seed", type=int, default=ImportCorpusSpec.seed)
    sample = commands.add_parser("sample", help="print one generated article")
    sample.add_argument("--lang", choices=LANGUAGES, default="he")
    sample.add_argument("--kb", type=float, default=3)
    sample.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.command == "import":
        corpus = import_corpus(ImportCorpusSpec(files=args.files, seed=args.seed))
        print(f"{len(corpus.files)} files in {corpus.files_dir}")
    else:
        article = make_article(0, args.lang, random.Random(args.seed), int(args.kb * 1024))
        print(article.text)
        print("mentions:", ", ".join(sorted(article.mentions)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
