"""What an investigator would have made of the demo sources after an hour: dates, names, a first timeline.

The demo case should show Threadline at work, not an empty shell: each source gets the publication date
its outlet gave (``resources/demo/README.md``; the plain-text files carry it in their names), the story's
people, organisations, places and aircraft become entities with their spellings in four scripts, and a
handful of events are linked to the very quotes that support or contradict them. Everything goes through
the ``CaseStore`` facade like any user edit, so it is audited as made by "Threadline demo".

A quote is looked up in the stored text of its source; if an importer ever extracts a source differently
and a quote is no longer there, that quote is left out (and logged) rather than the demo failing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from app.core.records import Reliability, Stance
from app.store import CaseStore
from app.store.events import NewEvidence, NewParticipant

log = logging.getLogger(__name__)

_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})$")

#: How far each outlet can be trusted, as an investigator might grade it (A–F, F = cannot be judged).
RELIABILITY = {
    "ru-angara-week": Reliability.B,
    "he-civil-radar": Reliability.C,
    "he-mabat-globali": Reliability.B,
    "ar-marsad-almilaha": Reliability.C,
    "ar-ufuq-bulletin": Reliability.C,
    "en-taiga-meridian-statement": Reliability.D,
    "en-tip-2023-08-03": Reliability.F,
    "en-open-skies-ledger": Reliability.B,
}

#: type, name, aliases (the spellings the sources use)
ENTITIES = (
    (
        "person",
        "Gennady Solovtsov",
        ("Gennadiy Solovtsov", "Геннадий Соловцов", "גנאדי סולובצוב", "غينادي سولوفتسوف"),
    ),
    (
        "organisation",
        "Taiga Meridian Airlines",
        ("Taiga Meridian", "Тайга Меридиан", "טייגה מרידיאן", "تايغا ميريديان"),
    ),
    ("location", "Pyongyang", ("פיונגיאנג", "بيونغ يانغ", "Пхеньян")),
    ("location", "Irkutsk", ("אירקוטסק", "إيركوتسك", "Иркутск")),
    ("location", "Moscow Vnukovo airport", ("Vnukovo", "Внуково", "ונוקובו", "فنوكوفو")),
    ("equipment", "Il-62M", ("Ил-62М", "Meridian 3107")),
)


@dataclass(frozen=True)
class Quote:
    source: str  # the start of the demo file's name
    text: str  # exactly as in the stored text
    stance: Stance = Stance.SUPPORTS
    credibility: int = 2  # 1 confirmed … 6 cannot be judged


@dataclass(frozen=True)
class Story:
    title: str
    start: str  # EDTF
    end: str | None
    category: str
    participants: tuple[str, ...]  # entity names
    quotes: tuple[Quote, ...]
    tags: tuple[str, ...] = ()


EVENTS = (
    Story(
        "Il-62M leaves Moscow Vnukovo as Meridian 3107",
        "2023-07-31",
        None,
        "flight",
        ("Il-62M", "Taiga Meridian Airlines", "Moscow Vnukovo airport", "Gennady Solovtsov"),
        (
            Quote("ru-angara-week", "Самолёт вылетел из Внукова накануне, 31 июля 2023 года, около 22:40"),
            Quote(
                "he-civil-radar", "המריא אמש, 31 ביולי 2023, בסביבות 22:40 שעון מוסקבה, מנמל התעופה ונוקובו"
            ),
        ),
        ("Meridian 3107",),
    ),
    Story(
        "Refuelling stop in Irkutsk; crates loaded",
        "2023-08-01",
        None,
        "cargo",
        ("Il-62M", "Irkutsk"),
        (
            Quote("ru-angara-week", "в грузовой отсек загрузили 14 деревянных ящиков"),
            Quote("he-mabat-globali", "באירקוטסק הועמסו על המטוס ארגזים נוספים", credibility=3),
            Quote(
                "en-taiga-meridian-statement",
                "agricultural irrigation equipment for humanitarian purposes",
                Stance.CONTRADICTS,
                credibility=4,
            ),
        ),
        ("Meridian 3107", "sanctions"),
    ),
    Story(
        "Delegation led by Gennady Solovtsov lands at Pyongyang Sunan",
        "2023-08-01",
        None,
        "flight",
        ("Gennady Solovtsov", "Pyongyang", "Il-62M"),
        (
            Quote("he-mabat-globali", "נחת ביום שלישי, 1 באוגוסט 2023, בנמל התעופה סונאן שבפיונגיאנג"),
            Quote("ar-marsad-almilaha", "حطّت طائرة ركاب روسية قديمة من طراز Il-62M"),
            Quote(
                "en-taiga-meridian-statement", "on behalf of a government delegation headed by", credibility=3
            ),
        ),
        ("Meridian 3107",),
    ),
    Story(
        "Aircraft back in Moscow",
        "2023-08-02",
        None,
        "flight",
        ("Il-62M", "Moscow Vnukovo airport"),
        (
            Quote(
                "en-taiga-meridian-statement",
                "The aircraft returned to Moscow on 2 August 2023.",
                credibility=3,
            ),
            Quote("ar-ufuq-bulletin", "إلى مطار فنوكوفو في موسكو مساء أمس الأربعاء"),
        ),
        ("Meridian 3107",),
    ),
    Story(
        "Same aircraft flies to North Korea, declared as flour",
        "2023-03",
        None,
        "flight",
        ("Il-62M", "Taiga Meridian Airlines"),
        (
            Quote("ru-angara-week", "В марте этого года он уже летал в КНДР"),
            Quote("he-civil-radar", "במרץ אותו מטוס בדיוק עשה את אותו מסלול"),
        ),
    ),
    Story(
        "Taiga Meridian acquires the aircraft",
        "2019~",
        None,
        "background",
        ("Taiga Meridian Airlines", "Il-62M"),
        (
            Quote("en-taiga-meridian-statement", "has flown this aircraft since mid-2019", credibility=3),
            Quote("ar-ufuq-bulletin", "منذ منتصف عام 2019 تقريباً"),
        ),
    ),
)


def add_demo_story(store: CaseStore) -> None:
    """Dates, grades, entities and events for a case into which the demo sources were just imported."""
    sources = _sources_by_file(store)
    for stem, source_id in sources.items():
        changes: dict[str, object] = {}
        found = _DATE_IN_NAME.search(stem)
        if found and not store.source(source_id).published:
            changes["published"] = found.group(1)
        grade = next((grade for prefix, grade in RELIABILITY.items() if stem.startswith(prefix)), None)
        if grade is not None:
            changes["reliability"] = grade
        if changes:
            store.update_source(source_id, changes)
    entity_ids = {name: store.entities.add(kind, name, aliases).id for kind, name, aliases in ENTITIES}
    for story in EVENTS:
        evidence = [found for quote in story.quotes if (found := _evidence(store, sources, quote))]
        if not evidence:
            continue
        store.events.create(
            story.title,
            story.start,
            story.end,
            category=story.category,
            evidence=evidence,
            participants=[NewParticipant(entity_ids[name]) for name in story.participants],
            tags=story.tags,
        )


def _sources_by_file(store: CaseStore) -> dict[str, int]:
    found: dict[str, int] = {}
    for summary in store.list_sources():
        name = store.source(summary.id).original_filename
        if name:
            found.setdefault(Path(name).stem, summary.id)
    return found


def _evidence(store: CaseStore, sources: dict[str, int], quote: Quote) -> NewEvidence | None:
    source_id = next((sid for stem, sid in sources.items() if stem.startswith(quote.source)), None)
    if source_id is None:
        log.warning("demo story: no source %s", quote.source)
        return None
    start = store.source_text(source_id).find(quote.text)
    if start < 0:
        log.warning("demo story: %r is not in source #%d", quote.text, source_id)
        return None
    return NewEvidence(
        source_id,
        start,
        start + len(quote.text),
        stance=quote.stance,
        credibility=quote.credibility,
        quote=quote.text,
    )
