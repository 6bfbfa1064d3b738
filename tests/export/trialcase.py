"""The case of the new-user trial: the demo sources and eight realistic events, with spoofing text.

Events as an investigator enters them: a day in December 2017, "c. 2019" (EDTF ``2019~``, a three-year
possible range), a month (March 2023), four flight events between 31 July and 2 August 2023 (two of
them within one day, one with a Hebrew title that mixes in Latin, one with an Arabic title that ends in
digits) and a statement on 3 August. Participants in Hebrew, Arabic and Latin script. Some user text
carries explicit bidi controls, as a spoof would: a title and a quoted attachment name with a
right-to-left override (U+202E), a description, a note, an entity's name and a source's author.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.ingest.pipeline import import_paths
from app.store import CaseStore
from app.store.events import NewEvidence, NewParticipant

RLO, PDF, LRO, RLI, PDI = "\u202e", "\u202c", "\u202d", "\u2067", "\u2069"
HEBREW_TITLE = "המטוס נחת בפיונגיאנג (Sunan, FNJ) ב-1 באוגוסט"
ARABIC_TITLE = "هبوط الطائرة في موسكو 2 آب/أغسطس 2023"
SPOOF_TITLE = f"Payment to {RLO}exe.fdp{PDF} account"
SPOOF_QUOTE = f"Attachment name: report{RLO}exe.fdp{PDF}"
SPOOF_DESCRIPTION = f"The invoice reads {RLO}0001$ SU{PDF}."
SPOOF_NOTE = f"Ask about {RLI}exe.fdp{PDI} again."
SPOOF_ENTITY = f"{LRO}Meridian Holdings{PDF}"
SPOOF_AUTHOR = f"{RLO}rehtona{PDF}"
HEBREW_NAME = "גנאדי סולובצוב"
ARABIC_NAME = "بيونغ يانغ"


@dataclass
class Trial:
    path: Path
    sources: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)


def _span(store: CaseStore, source_id: int, quote: str) -> NewEvidence:
    start = store.source_text(source_id).index(quote)
    return NewEvidence(source_id, start, start + len(quote), quote=quote, credibility=3)


def build_trial(folder: Path) -> Trial:
    trial = Trial(folder / "trial.threadline")
    demo = Path(__file__).resolve().parents[2] / "resources" / "demo"
    tip = folder / "tip-attachment.txt"
    tip.write_text(f"Forwarded tip. {SPOOF_QUOTE} (received 3 August 2023).\n", encoding="utf-8")
    with CaseStore.create(
        trial.path, title="Il-62M flights", investigator="D. Levi", actor="tester"
    ) as store:
        for outcome in import_paths(store, [demo, tip], imported_by="tester", workers=1):
            assert outcome.source_id is not None, outcome.reason
            if outcome.parent_path is None:  # the e-mail's attachment is a source of its own
                trial.sources[Path(outcome.path).stem] = outcome.source_id
        s = {name.split("-2023")[0]: number for name, number in trial.sources.items()}
        store.update_source(s["tip-attachment"], {"author": SPOOF_AUTHOR})
        solovtsov = store.entities.add("person", HEBREW_NAME, ["Gennady Solovtsov"]).id
        pyongyang = store.entities.add("location", ARABIC_NAME, ["Pyongyang"]).id
        irkutsk = store.entities.add("location", "Irkutsk").id
        holdings = store.entities.add("organisation", SPOOF_ENTITY).id

        def create(key: str, title: str, start: str, *evidence: NewEvidence, **kwargs: object) -> None:
            edit = store.events.create(title, start, evidence=list(evidence), **kwargs)  # type: ignore[arg-type]
            assert edit.object_id is not None
            trial.events[key] = edit.object_id

        create(
            "resolution",
            "UN Security Council adopts resolution 2397",
            "2017-12-22",
            _span(store, s["README"], "UN Security Council resolution 2397 (2017)"),
            category="context",
        )
        create(
            "acquired",
            "Taiga Meridian acquires the Il-62M",
            "2019~",
            _span(store, s["en-open-skies-ledger"], "It acquired the aircraft around mid-2019"),
            _span(store, s["en-taiga-meridian-statement"], "has flown this aircraft since mid-2019"),
            category="aircraft",
        )
        create(
            "march",
            "Same aircraft flies Moscow–Pyongyang (flour)",
            "2023-03",
            _span(store, s["en-open-skies-ledger"], "the same airframe made the same trip to Pyongyang"),
            category="flight",
            participants=[NewParticipant(pyongyang)],
        )
        create(
            "departure",
            "Departure from Vnukovo as Meridian 3107",
            "2023-07-31T22:40:00+03:00",
            _span(store, s["he-civil-radar"], "המריא אמש, 31 ביולי 2023, בסביבות 22:40 שעון מוסקבה"),
            category="flight",
            participants=[NewParticipant(solovtsov)],
        )
        create(
            "irkutsk",
            "Landing in Irkutsk; crates loaded",
            "2023-08-01T09:20:00+08:00",
            _span(
                store, s["en-tip"], "The aircraft landed at about 09:20 local time and left two hours later."
            ),
            category="flight",
            participants=[NewParticipant(irkutsk), NewParticipant(solovtsov)],
        )
        create(
            "pyongyang",
            HEBREW_TITLE,
            "2023-08-01",
            _span(
                store, s["he-mabat-globali"], "נחת ביום שלישי, 1 באוגוסט 2023, בנמל התעופה סונאן שבפיונגיאנג"
            ),
            _span(store, s["ar-marsad-almilaha"], "حطّت طائرة ركاب روسية قديمة"),
            category="flight",
            participants=[NewParticipant(solovtsov), NewParticipant(pyongyang)],
        )
        create(
            "return",
            ARABIC_TITLE,
            "2023-08-02",
            _span(store, s["ar-ufuq-bulletin"], "عادت طائرة الـIl-62M"),
            category="flight",
        )
        create(
            "payment",
            SPOOF_TITLE,
            "2023-08-03",
            _span(store, s["tip-attachment"], SPOOF_QUOTE),
            category="statement",
            description=SPOOF_DESCRIPTION,
            participants=[NewParticipant(holdings)],
        )
        store.events.add_note(trial.events["payment"], SPOOF_NOTE)
    return trial
