"""A small real case for the export tests, built through the store and the import pipeline.

Sources in Hebrew, Arabic, English and Russian (text extractions as the importers hand them over) and a
two-page PDF imported through the pipeline, so a quote has a page. Events cover what a report must be
honest about: a disputed event, approximate and uncertain dates, a season, a range start, an open
"before", a lasting event, a time with its zone, an undated event, an event without evidence, Hebrew and
Arabic titles, notes, tags, participants with roles, and one source that nothing cites.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.core.records import Extraction, SourceKind, SourceMetadata
from app.core.textnorm import normalize_text
from app.ingest.pipeline import import_paths
from app.store import CaseStore
from app.store.events import NewEvidence, NewParticipant

HEBREW = (
    "ב-31 ביולי 2023 נחת מטוס איליושין 62 בנמל התעופה של פיונגיאנג. "
    "לדברי עדי ראייה, המטוס חנה ליד הטרמינל במשך שלוש שעות ולאחר מכן המריא שוב."
)
HEBREW_QUOTE = "נחת מטוס איליושין 62 בנמל התעופה של פיונגיאנג"
HEBREW_RUMOUR = "המטוס חנה ליד הטרמינל במשך שלוש שעות"  # Hebrew words only: no digit or comma
ARABIC = (
    "قالت وزارة الخارجية في بيان يوم 2 أغسطس 2023 إن الطائرة لم تهبط في بيونغ يانغ، "
    "ونفت كل التقارير التي تحدثت عن رحلة سرية."
)
ARABIC_QUOTE = "إن الطائرة لم تهبط في بيونغ يانغ"
ARABIC_DENIAL = "ونفت كل التقارير التي تحدثت عن رحلة سرية"
ENGLISH = (
    "PYONGYANG, Aug 1 (Wire) - An Il-62M aircraft landed at Sunan airport on 31 July 2023, according to "
    "flight-tracking data. Officials met the delegation in early August, and the crew left the next "
    "afternoon at 14:05 local time."
)
ENGLISH_LANDED = "An Il-62M aircraft landed at Sunan airport on 31 July 2023"
ENGLISH_MET = "Officials met the delegation in early August"
ENGLISH_LEFT = "the crew left the next afternoon at 14:05 local time"
RUSSIAN = "По данным источника, делегация прибыла в Пхеньян в начале августа 2023 года и провела переговоры."
RUSSIAN_QUOTE = "делегация прибыла в Пхеньян в начале августа 2023 года"
PDF_PAGES = [
    "Annual transport review. The airline operated few flights in 2019 and earlier years.",
    "Cargo was unloaded at the airport during the summer of 2023, the review says.",
]
PDF_QUOTE = "Cargo was unloaded at the airport during the summer of 2023"
UNCITED = "A note that no event cites."
MARKING = "CONFIDENTIAL – LEGAL PRIVILEGE"


@dataclass
class Built:
    path: Path
    sources: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    entities: dict[str, int] = field(default_factory=dict)


def _text_source(store: CaseStore, text: str, filename: str, *, language: str, **meta: str) -> int:
    extraction = Extraction(
        kind=SourceKind.TEXT,
        media_type="text/plain",
        text=normalize_text(text),
        metadata=SourceMetadata(language=language, **meta),
    )
    return store.add_source(text.encode("utf-8"), extraction, original_filename=filename).source_id


def _span(store: CaseStore, source_id: int, quote: str, **kwargs: object) -> NewEvidence:
    text = store.source_text(source_id)
    start = text.index(quote)
    return NewEvidence(source_id, start, start + len(quote), quote=quote, **kwargs)  # type: ignore[arg-type]


def build_case(folder: Path) -> Built:
    """Create ``folder/case.threadline`` with the sources and events described in the module docstring."""
    from tests.ingest.ingest_samples import make_pdf

    built = Built(folder / "case.threadline")
    with CaseStore.create(
        built.path, title="Operation Night Flight", investigator="R. Analyst", actor="tester"
    ) as store:
        store.update_case(
            {
                "notes": "Whether an **Il-62M** landed in Pyongyang on 31 July 2023, and who met it.\n\n"
                "Sources disagree: the ministry denies the landing."
            }
        )
        s = built.sources
        s["he"] = _text_source(
            store,
            HEBREW,
            "haaretz-2023-08-01.txt",
            language="he",
            title="הארץ: המטוס נחת בפיונגיאנג",
            publisher="הארץ",
            author="כתב הארץ",
            url="https://example.org/haaretz/il62",
            published="2023-08-01",
        )
        s["ar"] = _text_source(
            store,
            ARABIC,
            "ministry-statement.txt",
            language="ar",
            title="بيان وزارة الخارجية",
            publisher="وزارة الخارجية",
            published="2023-08-02",
        )
        s["en"] = _text_source(
            store,
            ENGLISH,
            "wire-0801.txt",
            language="en",
            title="Wire: Il-62M lands at Sunan",
            publisher="Wire Service",
            author="Staff",
            url="https://example.org/wire/0801?id=1&x=2",
            published="2023-08-01",
        )
        s["ru"] = _text_source(
            store, RUSSIAN, "source-ru.txt", language="ru", title="Источник: делегация в Пхеньяне"
        )
        s["uncited"] = _text_source(store, UNCITED, "uncited.txt", language="en", title="Uncited note")
        pdf_path = folder / "transport-review.pdf"
        pdf_path.write_bytes(make_pdf(PDF_PAGES, title="Annual transport review"))
        outcome = import_paths(store, [pdf_path], imported_by="tester", workers=1)[0]
        assert outcome.source_id is not None, outcome.reason
        s["pdf"] = outcome.source_id
        for key, grade in (("he", "B"), ("ar", "C"), ("en", "A"), ("ru", "F"), ("pdf", "B")):
            store.update_source(s[key], {"reliability": grade})

        e = built.entities
        e["koryo"] = store.entities.add("organisation", "Air Koryo").id
        e["pyongyang"] = store.entities.add("location", "Pyongyang", ["פיונגיאנג"]).id
        e["ministry"] = store.entities.add("organisation", "وزارة الخارجية").id
        e["delegation"] = store.entities.add("person", "משלחת הסחר").id

        ev = built.events
        events = store.events

        def create(key: str, title: str, start: str | None, end: str | None = None, **kwargs: object) -> None:
            edit = events.create(title, start, end, **kwargs)  # type: ignore[arg-type]
            assert edit.object_id is not None
            ev[key] = edit.object_id

        create(
            "landing",
            "Il-62M lands at Pyongyang Sunan airport",
            "2023-07-31",
            description="Seen by **two** independent sources; denied by the ministry.",
            category="movement",
            evidence=[
                _span(store, s["he"], HEBREW_QUOTE, credibility=2),
                _span(store, s["en"], ENGLISH_LANDED, credibility=2, note="ADS-B trace matches."),
                _span(store, s["ar"], ARABIC_QUOTE, stance="contradicts", credibility=3),
            ],
            participants=[
                NewParticipant(e["koryo"], "operator"),
                NewParticipant(e["pyongyang"], "destination"),
            ],
            tags=["flights"],
        )
        events.add_note(ev["landing"], "Checked against the ADS-B archive on 3 August.")
        create(
            "stay",
            "Delegation stays in Pyongyang",
            "2023-07-31",
            "2023-08-03",
            category="meeting",
            evidence=[_span(store, s["ru"], RUSSIAN_QUOTE, credibility=3)],
            participants=[NewParticipant(e["delegation"]), NewParticipant(e["pyongyang"], "place")],
        )
        create(
            "talks",
            "Officials meet the delegation",
            "2023-08-01/2023-08-10",
            category="meeting",
            evidence=[_span(store, s["en"], ENGLISH_MET, credibility=2)],
            participants=[e["delegation"]],
            tags=["meetings"],
        )
        create(
            "departure",
            "Crew leaves Pyongyang",
            "2023-08-01T14:05+09:00",
            category="movement",
            evidence=[_span(store, s["en"], ENGLISH_LEFT, credibility=3)],
            participants=[e["koryo"]],
            tags=["flights"],
        )
        create(
            "denial",
            "نفي وزارة الخارجية",
            "2023-08-02",
            category="statement",
            evidence=[_span(store, s["ar"], ARABIC_DENIAL, credibility=2)],
            participants=[e["ministry"]],
        )
        create(
            "cargo",
            "Cargo unloaded",
            "2023-22",
            category="movement",
            evidence=[_span(store, s["pdf"], PDF_QUOTE, credibility=3)],
        )
        create(
            "earlier",
            "Earlier flights",
            "../2019-12",
            category="movement",
            evidence=[_span(store, s["pdf"], "The airline operated few flights in 2019", stance="context")],
        )
        create("seen2019", "Aircraft reportedly seen", "2019~", category="movement")
        create(
            "rumour",
            "שמועה על נחיתה שנייה",
            None,
            evidence=[_span(store, s["he"], HEBREW_RUMOUR, stance="context")],
        )
    return built
