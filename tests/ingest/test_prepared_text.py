"""Work done in the import workers (fold, fields, dates) reaches the case exactly as the writer would do it.

The writer trusts a ``PreparedText`` only when it fits the source it stores; these tests pin both sides:
what a worker hands over equals what ``add_source`` computes on its own, and a misfit is recomputed.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.core.date_extraction import DateMention
from app.core.folding import fold
from app.core.records import Extraction, SourceKind, SourceMetadata
from app.core.source_prep import find_source_dates, prepare_text, source_fields
from app.ingest.limits import Limits
from app.ingest.pipeline import import_paths
from app.ingest.worker import extract_file
from app.store import CaseStore

HEBREW_ARTICLE = (
    "המשלחת נחתה בפיונגיאנג ב-31 ביולי 2023 ושבה במרץ האחרון, כך מסרו גורמים רשמיים בירושלים.\n"
    "לדברי המקורות, הפגישה הבאה תתקיים בסתיו.\n"
    "(Reuters, last March)\n"
)


def _extraction(text: str = HEBREW_ARTICLE, published: str | None = "2024-05-10") -> Extraction:
    return Extraction(SourceKind.TEXT, "text/plain", text, SourceMetadata(published=published))


def _stored_dates(store: CaseStore, source_id: int) -> list[tuple[int, int, str | None, bool]]:
    return [(d.start, d.end, d.edtf, d.inferred) for d in store.events.dates_in(source_id)]


def test_prepared_text_matches_what_the_writer_computes() -> None:
    extraction = _extraction()
    prepared = prepare_text(extraction)
    assert prepared is not None
    fields = source_fields(extraction)
    assert (prepared.published, prepared.language) == ("2024-05-10", "he")
    assert prepared.folded == fold(extraction.text)
    assert list(prepared.dates) == find_source_dates(extraction.text, "2024-05-10", "he")
    edtfs = [mention.value.to_edtf() for mention in prepared.dates if mention.value is not None]
    assert "2023-07-31" in edtfs and "2024-03" in edtfs  # "last March" resolved against the publication
    assert prepared.fits(extraction.text, fields.published, fields.language)


def test_an_override_of_the_publication_date_is_what_relative_dates_resolve_against() -> None:
    prepared = prepare_text(_extraction(), SourceMetadata(published="2021-06-01"))
    assert prepared is not None
    assert prepared.published == "2021-06-01"
    edtfs = {mention.value.to_edtf() for mention in prepared.dates if mention.value is not None}
    assert "2021-03" in edtfs and "2024-03" not in edtfs


@pytest.mark.parametrize(
    ("text", "published", "language"),
    [
        (HEBREW_ARTICLE + "x", "2024-05-10", "he"),  # another text
        (HEBREW_ARTICLE.replace("31", "30"), "2024-05-10", "he"),  # same length, other text
        (HEBREW_ARTICLE, "2024-05-11", "he"),  # another publication date
        (HEBREW_ARTICLE, "2024-05-10", "en"),  # another language
    ],
)
def test_prepared_text_does_not_fit_other_inputs(text: str, published: str, language: str) -> None:
    prepared = prepare_text(_extraction())
    assert prepared is not None
    assert not prepared.fits(text, published, language)


def test_the_writer_uses_what_fits_and_recomputes_what_does_not(tmp_path: Path) -> None:
    store = CaseStore.create(tmp_path / "case.threadline", title="prepared")
    extraction = _extraction()
    prepared = prepare_text(extraction)
    assert prepared is not None
    marker = DateMention(0, 3, "המש", None, False, note="planted by the test")
    planted = replace(prepared, dates=(marker,))
    used = store.add_source(b"one", extraction, original_filename="a.txt", prepared=planted)
    assert _stored_dates(store, used.source_id) == [(0, 3, None, False)]  # taken as handed over

    misfit = replace(planted, published="1999")
    recomputed = store.add_source(b"two", extraction, original_filename="b.txt", prepared=misfit)
    alone = store.add_source(b"three", extraction, original_filename="c.txt")
    assert _stored_dates(store, recomputed.source_id) == _stored_dates(store, alone.source_id)
    assert len(_stored_dates(store, alone.source_id)) >= 2
    assert store.search("פיונגיאנג").total == 3
    store.close()


def test_a_worker_result_carries_the_prepared_text_of_its_file(tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(HEBREW_ARTICLE, encoding="utf-8")
    result = extract_file(str(path), Limits(), SourceMetadata(published="2024-05-10"))
    assert result.extraction is not None and result.prepared is not None
    assert result.prepared.fits(result.extraction.text, "2024-05-10", "he")


def test_an_import_through_worker_processes_stores_the_same_as_one_without(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for index in range(12):  # more than SMALL_BATCH: worker processes do the reading
        (folder / f"{index:02}.txt").write_text(f"Item {index}.\n{HEBREW_ARTICLE}", encoding="utf-8")
    stores = []
    for workers in (2, 1):
        store = CaseStore.create(tmp_path / f"w{workers}.threadline", title="import")
        outcomes = import_paths(store, [folder], imported_by="t", workers=workers, published="2024-05-10")
        assert all(outcome.source_id for outcome in outcomes)
        stores.append(store)
    parallel, serial = stores
    for source_id in serial.source_ids():
        assert _stored_dates(parallel, source_id) == _stored_dates(serial, source_id)
        assert _stored_dates(serial, source_id)
    assert parallel.search("במרץ").total == serial.search("במרץ").total == 12
    for store in stores:
        store.close()
