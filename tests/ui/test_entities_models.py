"""The entity views' parts on their own: item models (with qtmodeltester), type-ahead matching, the
keyword-in-context delegate's direction, the reader's mention highlights, and the undo commands.

Each test uses a real case file on disk with real texts added through the store.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPointF, QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QStandardItem, QStandardItemModel, QUndoStack
from PySide6.QtWidgets import QApplication, QListView, QStyleOptionViewItem
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.core.entity_records import SourceHighlight
from app.core.mentions import alias_words
from app.core.records import Snippet, Span
from app.ingest.pipeline import import_paths
from app.store import CaseStore
from app.ui.entities.catalogue import EntityCatalogue
from app.ui.entities.commands import DecisionCommand, GroupCommand, MergeCommand, TagCommand, UntagCommand
from app.ui.entities.kwic import KwicDelegate, line_origin
from app.ui.entities.matching import AT_START, EXACT, INSIDE, alias_rank, query_forms
from app.ui.entities.models import (
    AliasesModel,
    CandidatesModel,
    ColourRole,
    EntitiesModel,
    EntityColumn,
    IdentifiersModel,
    MatchModel,
    MentionsModel,
    SnippetRole,
)
from app.ui.reader import MENTION_TINT_ALPHA, ReaderView
from app.ui.store_bridge import StoreBridge

HEBREW = (
    "מטוס מדגם Il-62M נחת בפיונגיאנג אחרי עצירה באירקוטסק.\n"
    "ההמראה מפיונגיאנג נדחתה. המשלחת הגיעה לפיונגיאנג כדי לחתום על הסכם."
)
ARABIC = (
    "هبطت طائرة من طراز Il-62M في بيونغ يانغ بعد توقف في إيركوتسك.\n"
    "وقالت مصادر إن الطائرة غادرت بيونغ يانغ ليلاً."
)
ENGLISH = (
    "The chartered Il-62M landed in Pyongyang after a stop in Irkutsk. Contact: tips@ledger.example, "
    "https://ledger.example/meridian and @nkflightwatch.\nIt left Pyongyang two days later."
)
RUSSIAN = (
    "Самолёт Ил-62М вылетел из Внукова в Пхеньян с посадкой в Иркутске. Делегация вернулась из Пхеньяна."
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CaseStore]:
    with CaseStore.create(tmp_path / "case.threadline", title="Entities", actor="tester") as opened:
        yield opened


def import_texts(store: CaseStore, folder: Path, texts: dict[str, str]) -> dict[str, int]:
    """Write the texts as UTF-8 files and import them with the real pipeline; ids by name."""
    folder.mkdir(exist_ok=True)
    paths = []
    for name, text in texts.items():
        path = folder / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    outcomes = import_paths(store, paths, imported_by="tests", workers=1)
    ids = {Path(outcome.path).stem: outcome.source_id for outcome in outcomes}
    assert all(isinstance(value, int) for value in ids.values())
    return ids  # type: ignore[return-value]


@pytest.fixture
def sources(store: CaseStore, tmp_path: Path) -> dict[str, int]:
    return import_texts(store, tmp_path / "texts", {"he": HEBREW, "ar": ARABIC, "en": ENGLISH, "ru": RUSSIAN})


@pytest.fixture
def catalogue(gui_app: QApplication, store: CaseStore, qtbot: QtBot) -> Iterator[EntityCatalogue]:
    bridge = StoreBridge(store)
    found = EntityCatalogue()
    found.set_store(store, bridge)
    yield found
    found.set_store(None, None)
    bridge.detach()


def deliver(qtbot: QtBot, catalogue: EntityCatalogue) -> None:
    """Changes come through the bridge queued; let them arrive, and the alias index fill."""
    catalogue.ensure_index()
    qtbot.waitUntil(catalogue.is_index_loaded, timeout=5000)
    QApplication.processEvents()


# --- matching -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "alias", "rank"),
    [
        ("pyongyang", "Pyongyang", (EXACT, 0)),
        ("Pyong", "Pyongyang", (AT_START, 0)),
        ("yang", "Pyong Yang", (INSIDE, 0)),
        ("פִּיוֹנְגְיָאנְג", "פיונגיאנג", (EXACT, 0)),  # niqqud typed, none in the alias
        ("בפיונגיאנג", "פיונגיאנג", (EXACT, 1)),  # typed with the text's prefix
        ("לפיונ", "פיונגיאנג", (AT_START, 1)),
        ("بيونغ", "بيونغ يانغ", (AT_START, 0)),
        ("وبيونغ يانغ", "بيونغ يانغ", (EXACT, 1)),
        ("ГЕННАДИЙ", "Геннадий Соловцов", (AT_START, 0)),
        ("גנאדי סולו", "גנאדי סולובצוב", (AT_START, 0)),
        ("Pyongyang", "פיונגיאנג", None),  # no transliteration: every script finds its own aliases
        ("x", "Pyongyang", None),
    ],
)
def test_typed_text_matches_aliases_as_search_does(
    typed: str, alias: str, rank: tuple[int, int] | None
) -> None:
    assert alias_rank(query_forms(typed), alias_words(alias)) == rank


def test_the_catalogue_matches_every_alias_best_first(
    store: CaseStore, catalogue: EntityCatalogue, qtbot: QtBot
) -> None:
    city = store.entities.add("location", "Pyongyang", ["פיונגיאנג", "Пхеньян"])
    old = store.entities.add("location", "Pyongyang Sunan airport")
    deliver(qtbot, catalogue)
    assert [m.entity_id for m in catalogue.match("pyongyang")] == [city.id, old.id]
    assert [(m.entity_id, m.alias) for m in catalogue.match("פיונג")] == [(city.id, "פיונגיאנג")]
    assert [m.entity_id for m in catalogue.match("sunan")] == [old.id]
    store.entities.add_alias(old.id, "סונאן")
    QApplication.processEvents()
    assert [m.entity_id for m in catalogue.match("סונאן")] == [old.id], "the index follows the changes"
    store.entities.delete(city.id)
    QApplication.processEvents()
    assert catalogue.match("Пхеньян") == []


# --- item models ----------------------------------------------------------------------------------------


def test_entities_model_filters_sorts_follows_changes_and_passes_the_model_tester(
    store: CaseStore,
    sources: dict[str, int],
    catalogue: EntityCatalogue,
    qtbot: QtBot,
    qtmodeltester: ModelTester,
) -> None:
    person = store.entities.add("person", "Gennady Solovtsov", ["Геннадий Соловцов"])
    place = store.entities.add("location", "Pyongyang", ["פיונגיאנג", "بيونغ يانغ"])
    store.entities.find_candidates(place.id)
    store.entities.accept_all(place.id)
    deliver(qtbot, catalogue)
    model = EntitiesModel(catalogue)
    model.reload()
    qtmodeltester.check(model, force_py=True)
    assert model.entity_ids() == [person.id, place.id]
    assert model.index(1, EntityColumn.MENTIONS).data() == "7"  # 3 Hebrew, 2 Arabic, 2 English
    assert model.index(1, EntityColumn.SOURCES).data() == "3"
    assert model.index(1, EntityColumn.TYPE).data(Qt.ItemDataRole.ToolTipRole) == "Location"
    assert not model.index(1, EntityColumn.TYPE).data(Qt.ItemDataRole.DecorationRole).isNull()

    model.sort(EntityColumn.MENTIONS, Qt.SortOrder.DescendingOrder)
    assert model.entity_ids() == [place.id, person.id]
    model.set_filter(text="Соловц")
    assert model.entity_ids() == [person.id]
    model.set_filter(text="بيونغ")
    assert model.entity_ids() == [place.id]
    model.set_filter(type_key="person")
    assert model.entity_ids() == [person.id]
    model.set_filter()

    inserted: list[tuple[int, int]] = []
    removed: list[tuple[int, int]] = []
    changed: list[int] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda _parent, first, last: removed.append((first, last)))
    model.dataChanged.connect(lambda top, _bottom, _roles: changed.append(top.row()))
    irkutsk = store.entities.add("location", "Irkutsk")
    QApplication.processEvents()
    model.refresh()
    assert inserted == [(1, 1)] and model.entity_ids() == [place.id, irkutsk.id, person.id]
    store.entities.rename(person.id, "G. Solovtsov")
    QApplication.processEvents()
    model.refresh()
    assert changed == [2] and inserted == [(1, 1)], "an edit is a dataChanged in place"
    store.entities.delete(irkutsk.id)
    QApplication.processEvents()
    model.refresh()
    assert removed == [(1, 1)]
    qtmodeltester.check(model, force_py=True)


def test_counts_after_an_event_change_are_read_on_a_worker_and_the_old_ones_shown_meanwhile(
    store: CaseStore,
    sources: dict[str, int],
    catalogue: EntityCatalogue,
    qtbot: QtBot,
) -> None:
    from app.store.events import NewEvidence

    place = store.entities.add("location", "Pyongyang", ["פיונגיאנג"])
    deliver(qtbot, catalogue)
    model = EntitiesModel(catalogue)
    model.reload()
    assert model.index(0, EntityColumn.EVENTS).data() == "0"
    store.events.create(
        "Landing", "2023-07-31", evidence=[NewEvidence(sources["en"], 0, 5)], participants=[place.id]
    )
    QApplication.processEvents()  # the change arrives: a read starts, nothing is read in this thread
    assert catalogue.is_reading_counts()
    assert catalogue.summaries()[place.id].events == 0  # the old counts until the new ones are in
    qtbot.waitUntil(lambda: not catalogue.is_reading_counts(), timeout=5000)
    qtbot.waitUntil(lambda: model.index(0, EntityColumn.EVENTS).data() == "1", timeout=5000)


def test_candidates_model_shows_keyword_in_context(
    store: CaseStore,
    sources: dict[str, int],
    catalogue: EntityCatalogue,
    qtbot: QtBot,
    qtmodeltester: ModelTester,
) -> None:
    place = store.entities.add("location", "Pyongyang", ["פיונגיאנג", "بيونغ يانغ", "Пхеньян"])
    records = store.entities.find_candidates(place.id)
    deliver(qtbot, catalogue)
    model = CandidatesModel(catalogue)
    model.set_store(store)
    model.set_candidates(records)
    qtmodeltester.check(model, force_py=True)
    by_text: dict[str, int] = {}
    for row in range(model.rowCount()):
        by_text.setdefault(model.candidate_at(row).text, row)
    row = by_text["פיונגיאנג"]
    snippet = model.index(row, 0).data(SnippetRole)
    assert isinstance(snippet, Snippet)
    [span] = snippet.highlights
    assert snippet.text[span.start : span.end] == "פיונגיאנג"
    assert HEBREW[snippet.start : snippet.start + len(snippet.text)].replace("\n", " ") == snippet.text
    assert model.index(row, 0).data(ColourRole) == "#2ca02c"
    assert model.index(row, 2).data().startswith("line 1 · ")
    assert model.index(row, 3).data() == "Prefixed"
    variant = next(r for r in range(model.rowCount()) if model.candidate_at(r).kind.value == "variant")
    assert model.index(variant, 3).data() == "Variant · needs review"
    assert "Needs review" in model.index(variant, 3).data(Qt.ItemDataRole.ToolTipRole)

    store.entities.reject([model.candidate_at(row).id])
    QApplication.processEvents()
    model.refresh()
    assert model.index(row, 4).data() == "Rejected"
    assert model.index(row, 1).data(Qt.ItemDataRole.ForegroundRole) is not None, "decided rows are dimmed"
    qtmodeltester.check(model, force_py=True)


def test_small_models_pass_the_model_tester(
    store: CaseStore,
    sources: dict[str, int],
    catalogue: EntityCatalogue,
    qtbot: QtBot,
    qtmodeltester: ModelTester,
) -> None:
    place = store.entities.add("location", "Pyongyang", ["פיונגיאנג", "بيونغ يانغ"])
    store.entities.find_candidates(place.id)
    store.entities.accept_all(place.id)
    deliver(qtbot, catalogue)

    matches = MatchModel(catalogue)
    matches.set_matches(catalogue.match("פיונג"), "פיונג", "location")
    qtmodeltester.check(matches, force_py=True)
    assert matches.rowCount() == 2 and matches.entity_id_at(0) == place.id and matches.create_row() == 1
    assert matches.index(1).data() == "New Location: “\u2068פיונג\u2069”"

    mentions = MentionsModel(catalogue)
    mentions.set_entity(store, place.id, "#2ca02c")
    qtmodeltester.check(mentions, force_py=True)
    assert mentions.rowCount() == 7
    assert mentions.mention_at(0).source_title == "he"

    aliases = AliasesModel()
    record = store.entities.get(place.id)
    aliases.set_aliases(record.name, record.aliases)
    qtmodeltester.check(aliases, force_py=True)
    renamed: list[tuple[object, str]] = []
    aliases.rename_requested.connect(lambda alias, text: renamed.append((alias, text)))
    assert not aliases.setData(aliases.index(1), "  פיונג יאנג ")
    assert renamed == [(record.aliases[1], "פיונג יאנג")]

    identifiers = IdentifiersModel()
    identifiers.set_offers(store.entities.identifier_candidates(sources["en"]))
    qtmodeltester.check(identifiers, force_py=True)
    texts = [identifiers.index(row, 1).data() for row in range(identifiers.rowCount())]
    assert texts == ["tips@ledger.example", "https://ledger.example/meridian", "@nkflightwatch"]


def test_mentions_are_fetched_a_page_at_a_time(
    store: CaseStore, catalogue: EntityCatalogue, qtbot: QtBot, qtmodeltester: ModelTester, tmp_path: Path
) -> None:
    source = import_texts(store, tmp_path / "long", {"long": " ".join(["Pyongyang again."] * 250)})["long"]
    place = store.entities.add("location", "Pyongyang")
    store.entities.find_candidates(place.id)
    store.entities.accept_all(place.id)
    model = MentionsModel(catalogue)
    model.set_entity(store, place.id)
    assert model.rowCount() == 100 and model.canFetchMore(QModelIndex())
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(300, 200)
    view.show()
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > 100, timeout=2000)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 250 and model.mention_at(249).mention.source_id == source
    qtmodeltester.check(model, force_py=True)


# --- the keyword-in-context delegate -----------------------------------------------------------------------


def ink_columns(image: QImage) -> tuple[int, int]:
    """The leftmost and rightmost columns with dark pixels (the text)."""
    columns = [
        x
        for x in range(image.width())
        if any(QColor(image.pixel(x, y)).lightness() < 100 for y in range(image.height()))
    ]
    return columns[0], columns[-1]


@pytest.mark.parametrize(
    ("text", "rtl"), [("הגיעה לפיונגיאנג כדי לחתום", True), ("it landed in Pyongyang", False)]
)
def test_a_short_line_sits_on_its_reading_side(
    gui_app: QApplication, fonts: object, text: str, rtl: bool
) -> None:
    word = "פיונגיאנג" if rtl else "Pyongyang"
    start = text.index(word)
    snippet = Snippet(text, 0, (Span(start, start + len(word)),))
    model = QStandardItemModel()
    item = QStandardItem(text)
    item.setData(snippet, SnippetRole)
    item.setData("#2ca02c", ColourRole)
    model.appendRow(item)
    view = QListView()
    image = QImage(QSize(600, 30), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = QRect(0, 0, 600, 30)
    option.font = view.font()
    option.fontMetrics = view.fontMetrics()
    painter = QPainter(image)
    KwicDelegate().paint(painter, option, model.index(0, 0))
    painter.end()
    left, right = ink_columns(image)
    if rtl:
        assert right > 580 and left > 300, "right-aligned"
    else:
        assert left < 20 and right < 300, "left-aligned"


def test_a_long_line_keeps_the_match_in_view() -> None:
    cell = QRect(0, 0, 200, 20)
    assert line_origin(150, cell, Qt.LayoutDirection.RightToLeft, (10, 40)) == 50  # fits: against the right
    assert line_origin(150, cell, Qt.LayoutDirection.LeftToRight, (10, 40)) == 0
    origin = line_origin(1000, cell, Qt.LayoutDirection.RightToLeft, (480, 520))
    assert origin + 480 >= 0 and origin + 520 <= 200, "the match is inside the cell"
    assert line_origin(1000, cell, Qt.LayoutDirection.LeftToRight, (5, 40)) == 0, "no gap at the start"
    assert line_origin(1000, cell, Qt.LayoutDirection.RightToLeft, (960, 995)) == -800, "no gap at the end"


# --- the reader's mention highlights -------------------------------------------------------------------


def painted_colours(reader: ReaderView, mention: SourceHighlight) -> tuple[QColor, QColor]:
    """The commonest colour inside a mention's boxes and along its underline, as the reader paints them."""
    image = reader.viewport().grab().toImage()
    shift = QPointF(-reader.horizontalScrollBar().value(), -reader.verticalScrollBar().value())
    inside: Counter[int] = Counter()
    underline: Counter[int] = Counter()
    boxes = reader.mention_boxes(mention)
    assert boxes, "the mention is laid out"
    for box, baseline in boxes:
        box = box.translated(shift)
        for x in range(int(box.left()) + 1, int(box.right())):
            for y in range(int(box.top()) + 1, int(box.bottom())):
                inside[image.pixel(x, y)] += 1
            for y in {math.floor(baseline + shift.y()), math.ceil(baseline + shift.y())}:
                underline[image.pixel(x, y)] += 1
    return QColor(inside.most_common(1)[0][0]), QColor(underline.most_common(1)[0][0])


def tinted(base: QColor, colour: str) -> QColor:
    """``colour`` at the reader's tint strength over ``base``."""
    solid, alpha = QColor(colour), MENTION_TINT_ALPHA / 255
    return QColor(
        *(
            round(b * (1 - alpha) + c * alpha)
            for b, c in zip(base.getRgb()[:3], solid.getRgb()[:3], strict=True)
        )
    )


def close(one: QColor, other: QColor, tolerance: int = 6) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(one.getRgb()[:3], other.getRgb()[:3], strict=True))


def test_the_reader_draws_and_finds_mentions(gui_app: QApplication, qtbot: QtBot, fonts: object) -> None:
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.resize(700, 300)
    reader.set_text(HEBREW, source_id=1)
    reader.show()
    qtbot.waitExposed(reader)
    start = HEBREW.index("פיונגיאנג")
    outer = SourceHighlight(
        1, 7, "Il-62M", "equipment", "#9467bd", HEBREW.index("Il-62M"), HEBREW.index("Il-62M") + 6
    )
    city = SourceHighlight(2, 3, "Pyongyang", "location", "#2ca02c", start, start + 9)
    reader.set_mentions([city, outer])
    assert reader.mentions() == [outer, city], "by position"
    assert reader.mention_at(start) == city and reader.mention_at(start + 8) == city
    assert reader.mention_at(start + 9) is None and reader.mention_at(start - 1) is None
    base = reader.palette().base().color()
    for mention in (outer, city):
        inside, underline = painted_colours(reader, mention)
        assert close(inside, tinted(base, mention.colour)), (mention.entity_name, inside.name())
        assert close(underline, QColor(mention.colour), 40), (mention.entity_name, underline.name())
    assert reader.extraSelections() == [], "mentions are painted, not extra selections"
    [box] = reader.mention_boxes(city)
    cursor_x = reader.cursorRect(reader._cursor_for(start, start)).x() + reader.horizontalScrollBar().value()
    assert abs(box[0].right() - cursor_x) < 3, "right to left: the name starts at the box's right edge"
    reader.set_text(ENGLISH)
    assert reader.mentions() == []


# --- undo commands ---------------------------------------------------------------------------------------


def test_commands_wrap_store_edits_and_their_undo_records(
    store: CaseStore, sources: dict[str, int], gui_app: QApplication
) -> None:
    stack = QUndoStack()
    place = store.entities.add("location", "Pyongyang")
    other = store.entities.add("location", "P'yŏngyang")
    start = ENGLISH.index("Pyongyang")
    result = store.entities.tag(sources["en"], start, start + 9, place.id)
    stack.push(TagCommand(store, result, "Pyongyang"))
    assert stack.undoText() == "Tag “Pyongyang” as Pyongyang"
    stack.undo()
    assert store.entities.mentions_in(sources["en"]) == []
    stack.redo()
    assert [m.mention_id for m in store.entities.mentions_in(sources["en"])] == [result.mention.id]

    record = store.entities.untag(result.mention.id)
    stack.push(UntagCommand(store, record, "Pyongyang"))
    stack.undo()
    assert len(store.entities.mentions_in(sources["en"])) == 1

    hebrew = store.entities.add("location", "Pyongyang (Hebrew)", ["פיונגיאנג"])
    candidates = store.entities.find_candidates(hebrew.id)
    decision = store.entities.accept([candidates[0].id])
    rejection = store.entities.reject([candidates[1].id])
    decisions = [DecisionCommand(store, decision), DecisionCommand(store, rejection)]
    stack.push(GroupCommand("two decisions", decisions))
    stack.undo()
    assert [c.id for c in store.entities.candidates(hebrew.id)] == [c.id for c in candidates], "all pending"
    assert store.entities.mentions_of(hebrew.id) == []
    stack.redo()
    statuses = [c.status.value for c in store.entities.candidates(hebrew.id, status=None)]
    assert statuses == ["accepted", "rejected", "pending"]

    merged = store.entities.merge(place.id, [other.id])
    stack.push(MergeCommand(store, merged, "Pyongyang"))
    assert stack.undoText() == "Merge 1 entity into Pyongyang"
    stack.undo()
    assert store.entities.get(other.id).name == "P'yŏngyang"
    stack.redo()
    assert [e.id for e in store.entities.list_entities()] == [place.id, hebrew.id]

    # A step the store can no longer take leaves the stack with its reason, and nothing breaks.
    reasons: list[str] = []
    stale = store.entities.tag(
        sources["en"], ENGLISH.rindex("Pyongyang"), ENGLISH.rindex("Pyongyang") + 9, place.id
    )
    stack.push(TagCommand(store, stale, "Pyongyang", reasons.append))
    count = stack.count()
    store.entities.delete(place.id)
    stack.undo()
    assert reasons == [f"There is no mention #{stale.mention.id} in this case."]
    assert stack.count() == count - 1, "the obsolete step left the stack"


def test_the_delete_question_names_only_what_goes_with_the_entity(gui_app: object) -> None:
    from app.core.entity_records import DeletionImpact
    from app.ui.entities.words import deletion_text

    impact = DeletionImpact(
        1, "Sergei Shoigu", aliases=3, mentions=8, sources=2, event_links=0, candidates=6, notes=0, taggings=0
    )
    assert deletion_text(impact).startswith(
        "Delete “Sergei Shoigu”? This also deletes its 3 aliases, 8 mentions and 6 mention candidates."
    )
    bare = DeletionImpact(
        2, "X", aliases=0, mentions=0, sources=0, event_links=0, candidates=0, notes=0, taggings=0
    )
    assert deletion_text(bare).startswith("Delete “X”? Nothing else goes with it.")
