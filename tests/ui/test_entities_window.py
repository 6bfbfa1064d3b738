"""Entities in the real window, offscreen: tagging from the reader, highlights, the review queue of found
mentions, merge, delete, identifiers and the entity page, each undone and redone through Edit ▸ Undo.

The case is the demo case, built from the real demo files by the real import pipeline, so the texts are
real Hebrew, Arabic, English and Russian as imported. Each test has its own user folders in ``tmp_path``.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QItemSelectionModel, QPoint, QPointF, QSettings, Qt, QTimer
from PySide6.QtGui import QColor, QContextMenuEvent, QHelpEvent, QKeyEvent, QTextCursor
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMenu, QMessageBox, QToolTip, QWidget
from pytestqt.qtbot import QtBot

from app.core.entity_records import CandidateStatus, SourceHighlight
from app.core.mentions import MatchKind
from app.store import CaseStore
from app.ui.application import create_main_window, default_case_dir
from app.ui.demo import build_demo_case
from app.ui.entities.dialogs import EntityTypeDialog, MergeDialog, NewEntityDialog
from app.ui.entities.models import CandidateColumn, EntityColumn, IdentifierColumn, SnippetRole
from app.ui.entities.tag_dialog import TagDialog
from app.ui.main_window import MainWindow
from app.ui.reader import MENTION_TINT_ALPHA, HighlightKind, ReaderView
from app.ui.settings import Settings

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "This plugin does not support (raise|grabbing)"
)

HEBREW_TITLE = "מטוס Il-62M של חברת שכר רוסית נחת בפיונגיאנג"


# --- a window with the demo case -----------------------------------------------------------------------


@pytest.fixture
def window(
    gui_app: QApplication, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MainWindow]:
    qt_config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    for variable, folder in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
    ):
        monkeypatch.setenv(variable, str(tmp_path / folder))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    case = tmp_path / "cases" / "demo.threadline"
    case.parent.mkdir()
    build_demo_case(case, worked=False)  # the sources only: these tests make the entities
    main = create_main_window(Settings(), default_case_dir())
    qtbot.addWidget(main)
    main.resize(1400, 900)
    main.show()
    qtbot.waitExposed(main)
    with qtbot.waitSignal(main.session.case_opened, timeout=5000):
        main.open_case_requested.emit(case)
    try:
        yield main
    finally:
        for widget in QApplication.topLevelWidgets():
            if widget is not main and widget.isVisible():
                widget.close()
        main.close()
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, qt_config_home)
        QSettings.setDefaultFormat(QSettings.Format.NativeFormat)


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


def store_of(window: MainWindow) -> CaseStore:
    assert window.store is not None
    return window.store


def source_id(window: MainWindow, title_part: str) -> int:
    return next(s.id for s in store_of(window).list_sources() if title_part in s.title)


def type_text(widget: QWidget, text: str) -> None:
    """Key events carrying the text (qtbot.keyClicks aborts on non-ASCII text on this stack)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            )


def press(widget: QWidget, key: Qt.Key) -> None:
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier))


def retype(widget: QWidget, text: str) -> None:
    widget.selectAll()  # type: ignore[attr-defined]
    press(widget, Qt.Key.Key_Delete)
    type_text(widget, text)


def tag_with_ctrl_e(window: MainWindow, qtbot: QtBot, start: int, end: int) -> TagDialog:
    window.reader.select_span(start, end)
    window.activateWindow()  # offscreen, closing a dialog activates no window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.entities.tag_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def reader_mentions(window: MainWindow) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in window.reader.mentions()]


def point_of(window: MainWindow, offset: int) -> QPoint:
    """The middle of the character at ``offset`` in the reader's viewport."""
    reader = window.reader
    cursor = QTextCursor(reader.document())
    cursor.setPosition(offset)
    left = reader.cursorRect(cursor)
    cursor.setPosition(offset + 1)
    right = reader.cursorRect(cursor)
    return QPoint((left.x() + right.x()) // 2, left.center().y())


def settle(window: MainWindow, qtbot: QtBot) -> None:
    """Let the changes of edits made straight through the store reach the views (they come queued)."""
    qtbot.waitUntil(window.entities.catalogue.is_index_loaded, timeout=5000)
    QApplication.processEvents()


def find_and_wait(window: MainWindow, qtbot: QtBot, entity_id: int | None) -> None:
    task = window.entities.find_mentions(entity_id)
    assert task is not None
    qtbot.waitUntil(lambda: not window.entities.is_finding(), timeout=20_000)


# --- tagging in the reader ----------------------------------------------------------------------------


def test_tag_a_prefixed_hebrew_name_then_undo_and_redo(window: MainWindow, qtbot: QtBot) -> None:
    store = store_of(window)
    hebrew = source_id(window, HEBREW_TITLE)
    window.show_source(hebrew)
    text = window.reader.text()
    start = text.index("בפיונגיאנג")
    dialog = tag_with_ctrl_e(window, qtbot, start, start + len("בפיונגיאנג"))

    assert dialog.picker.text() == "פיונגיאנג", "the prefix ב stays outside the name"
    assert dialog.picker.is_create_current()
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("location"))
    assert dialog.ok_button.text() == "Create and Tag"
    press(dialog.picker.line, Qt.Key.Key_Return)
    assert not dialog.isVisible()

    [entity] = store.entities.list_entities()
    assert (entity.name, entity.type_key, entity.mentions) == ("פיונגיאנג", "location", 1)
    [mention] = store.entities.mentions_in(hebrew)
    assert (mention.start, mention.end) == (start + 1, start + len("בפיונגיאנג"))
    assert text[mention.start : mention.end] == "פיונגיאנג", "the mention covers the name exactly"
    qtbot.waitUntil(lambda: reader_mentions(window) == [(start + 1, start + 10)], timeout=2000)
    he = "\u2068פיונגיאנג\u2069"  # Hebrew in an English sentence sits in a bidi isolate
    assert window.undo_action.text() == f"&Undo Tag “{he}” as new entity {he}"

    window.undo_action.trigger()
    assert store.entities.list_entities() == []
    qtbot.waitUntil(lambda: reader_mentions(window) == [], timeout=2000)
    window.redo_action.trigger()
    [again] = store.entities.mentions_in(hebrew)
    assert again == mention, "redo brings back the same entity and mention"
    qtbot.waitUntil(lambda: reader_mentions(window) == [(start + 1, start + 10)], timeout=2000)

    # The same name behind another prefix: the dialog now finds the entity, Enter links to it.
    second = text.index("לפיונגיאנג")
    dialog = tag_with_ctrl_e(window, qtbot, second, second + len("לפיונגיאנג"))
    assert dialog.picker.text() == "פיונגיאנג"
    assert dialog.picker.current_entity_id() == entity.id
    assert dialog.ok_button.text() == f"Tag as {he}"
    press(dialog.picker.line, Qt.Key.Key_Return)
    assert len(store.entities.mentions_in(hebrew)) == 2
    assert len(store.entities.list_entities()) == 1
    window.undo_action.trigger()
    assert len(store.entities.mentions_in(hebrew)) == 1 and len(store.entities.list_entities()) == 1


def test_mentions_are_tinted_underlined_and_tell_their_entity(window: MainWindow, qtbot: QtBot) -> None:
    store = store_of(window)
    hebrew = source_id(window, HEBREW_TITLE)
    place = store.entities.add("location", "Pyongyang", ["פיונגיאנג"])
    text = store.source_text(hebrew)
    start = text.index("בפיונגיאנג") + 1
    store.entities.tag(hebrew, start, start + 9, place.id)
    window.show_source(hebrew)
    qtbot.waitUntil(lambda: len(window.reader.mentions()) == 1, timeout=2000)

    window.reader.scroll_to(start)
    [mention] = window.reader.mentions()
    inside, underline = painted_colours(window.reader, mention)
    base = window.reader.palette().base().color()
    assert close(inside, tinted(base, "#2ca02c")), f"a light tint, not a fill: {inside.name()}"
    assert close(underline, QColor("#2ca02c"), 40), f"underlined in the type's colour: {underline.name()}"
    point = point_of(window, start + 3)
    assert window.reader.mention_at_point(point) is not None
    event = QHelpEvent(QEvent.Type.ToolTip, point, window.reader.viewport().mapToGlobal(point))
    QApplication.sendEvent(window.reader.viewport(), event)
    tip = QToolTip.text()
    assert tip.startswith("Pyongyang\nLocation") and "פיונגיאנג" in tip
    QToolTip.hideText()

    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.entity_page_dock.entity_id() == place.id
    assert window.entities_dock.selected_ids() == [place.id]
    assert window.entity_page_dock.name_edit.text() == "Pyongyang"


def test_remove_and_retag_a_mention_from_the_context_menu(window: MainWindow, qtbot: QtBot) -> None:
    store = store_of(window)
    hebrew = source_id(window, HEBREW_TITLE)
    city = store.entities.add("location", "Pyongyang", ["פיונגיאנג"])
    airport = store.entities.add("location", "Sunan airport", ["סונאן"])
    text = store.source_text(hebrew)
    start = text.index("בפיונגיאנג") + 1
    mention = store.entities.tag(hebrew, start, start + 9, city.id).mention
    window.show_source(hebrew)
    qtbot.waitUntil(lambda: len(window.reader.mentions()) == 1, timeout=2000)
    window.reader.scroll_to(start)

    def choose(name: str) -> None:
        def pick() -> None:
            menu = QApplication.activePopupWidget()
            assert isinstance(menu, QMenu)
            action = next(a for a in menu.actions() if a.objectName() == name)
            menu.close()
            action.trigger()

        QTimer.singleShot(0, pick)
        point = point_of(window, start + 2)
        event = QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, point, window.reader.viewport().mapToGlobal(point)
        )
        window.reader.contextMenuEvent(event)

    choose("mention_remove")
    assert store.entities.mentions_in(hebrew) == []
    qtbot.waitUntil(lambda: window.reader.mentions() == [], timeout=2000)
    window.undo_action.trigger()
    assert [m.mention_id for m in store.entities.mentions_in(hebrew)] == [mention.id]
    qtbot.waitUntil(lambda: len(window.reader.mentions()) == 1, timeout=2000)

    settle(window, qtbot)
    choose("mention_retag")
    dialog = window.entities.tag_dialog
    assert dialog is not None and dialog.windowTitle() == "Tag as Another Entity"
    retype(dialog.picker.line, "סונא")
    assert dialog.picker.current_entity_id() == airport.id
    press(dialog.picker.line, Qt.Key.Key_Return)
    [moved] = store.entities.mentions_in(hebrew)
    assert (moved.entity_id, moved.start, moved.end) == (airport.id, start, start + 9)
    window.undo_action.trigger()
    [back] = store.entities.mentions_in(hebrew)
    assert (back.mention_id, back.entity_id) == (mention.id, city.id), "one undo step puts it back"


def test_type_ahead_finds_an_entity_by_any_alias_in_the_script_typed(
    window: MainWindow, qtbot: QtBot
) -> None:
    store = store_of(window)
    person = store.entities.add("person", "Gennady Solovtsov", ["גנאדי סולובצוב", "Геннадий Соловцов"])
    store.entities.add("organisation", "Taiga Meridian", ["טייגה מרידיאן"])
    english = source_id(window, "The Meridian run")
    window.show_source(english)
    text = window.reader.text()
    start = text.index("Solovtsov")
    settle(window, qtbot)
    dialog = tag_with_ctrl_e(window, qtbot, start, start + len("Solovtsov"))
    line = dialog.picker.line
    assert dialog.picker.model.entity_id_at(0) == person.id, "Latin: found by the name's last word"
    assert dialog.picker.is_create_current(), "a surname alone is not the name: Enter would create"
    press(line, Qt.Key.Key_Up)
    assert dialog.picker.current_entity_id() == person.id
    assert dialog.ok_button.text() == "Tag as Gennady Solovtsov"
    for typed in ("gennady sol", "סולו", "גנאדי סולובצוב", "Соловц", "ГЕННАДИЙ"):
        retype(line, typed)
        assert dialog.picker.model.entity_id_at(0) == person.id, typed
    retype(line, "לגנאדי")  # Hebrew typed with the prefix the text had
    assert dialog.picker.model.entity_id_at(0) == person.id
    retype(line, "Meridian")
    assert dialog.picker.current_entity_id() != person.id
    retype(line, "Somebody Else")
    assert dialog.picker.is_create_current() and dialog.ok_button.text() == "Create and Tag"
    press(line, Qt.Key.Key_Down)
    assert dialog.picker.is_create_current(), "Down stays on the last row"
    press(line, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert len(store.entities.list_entities()) == 2, "cancelling tags nothing"

    dialog = tag_with_ctrl_e(window, qtbot, start, start + len("Solovtsov"))
    press(dialog.picker.line, Qt.Key.Key_Up)
    press(dialog.picker.line, Qt.Key.Key_Return)
    assert [m.entity_id for m in store.entities.mentions_in(english)] == [person.id]
    assert "Solovtsov" in [a.text for a in store.entities.get(person.id).aliases], "a new spelling"


# --- finding and reviewing mentions -------------------------------------------------------------------


def test_find_review_accept_reject_and_rerun(window: MainWindow, qtbot: QtBot) -> None:
    store = store_of(window)
    place = store.entities.add("location", "Pyongyang", ["פיונגיאנג", "بيونغ يانغ"])
    hebrew = source_id(window, HEBREW_TITLE)
    arabic = source_id(window, "ar-ufuq")
    english = source_id(window, "taiga-meridian-statement")
    window.entities.show_entity(place.id)
    window.show_source(hebrew)

    with qtbot.waitSignal(window.entities.review.model.modelReset, timeout=20_000):
        qtbot.mouseClick(window.entity_page_dock.find_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.entities.is_finding(), timeout=20_000)
    review = window.review_dock
    model = review.model
    assert review.isVisible()
    rows = model.candidates()
    by_source = {s: [c for c in rows if c.source_id == s] for s in (hebrew, arabic, english)}
    assert all(by_source.values()), "found in the Hebrew, Arabic and English sources"
    assert {c.kind for c in by_source[hebrew]} == {MatchKind.PREFIXED}
    assert all(c.status is CandidateStatus.PENDING for c in rows)

    # Keyword in context: a few words each side, the match inside, the Hebrew line right to left.
    for row, candidate in enumerate(rows):
        snippet = model.index(row, CandidateColumn.CONTEXT).data(SnippetRole)
        [span] = snippet.highlights
        assert snippet.text[span.start : span.end] == candidate.text
        assert snippet.start + span.start == candidate.start
        assert 3 <= len(snippet.text.split()) <= 14
    hebrew_row = rows.index(by_source[hebrew][0])
    assert model.index(hebrew_row, CandidateColumn.KIND).data() == "Prefixed"
    assert HEBREW_TITLE[:10] in model.index(hebrew_row, CandidateColumn.SOURCE).data()

    # Accept the first Hebrew one: it becomes a mention and the open reader highlights it at once.
    first = by_source[hebrew][0]
    review.select_row(rows.index(first))
    qtbot.mouseClick(review.accept_button, Qt.MouseButton.LeftButton)
    assert [(m.start, m.end) for m in store.entities.mentions_in(hebrew)] == [(first.start, first.end)]
    qtbot.waitUntil(lambda: reader_mentions(window) == [(first.start, first.end)], timeout=2000)
    assert model.candidate_at(rows.index(first)).status is CandidateStatus.ACCEPTED

    # Reject an English one; then accept all in the Arabic source.
    rejected = by_source[english][0]
    review.select_row(rows.index(rejected))
    qtbot.mouseClick(review.reject_button, Qt.MouseButton.LeftButton)
    assert store.entities.candidates(place.id, status=CandidateStatus.REJECTED) == [
        model.candidate_at(rows.index(rejected))
    ]
    review.select_row(rows.index(by_source[arabic][0]))
    qtbot.mouseClick(review.accept_source_button, Qt.MouseButton.LeftButton)
    arabic_mentions = store.entities.mentions_in(arabic)
    assert len(arabic_mentions) == len(by_source[arabic])
    assert "Accepted" in window.statusBar().currentMessage()

    # Each decision is one undo step.
    window.undo_action.trigger()
    assert store.entities.mentions_in(arabic) == []
    window.redo_action.trigger()
    assert len(store.entities.mentions_in(arabic)) == len(by_source[arabic])

    # Find again: the rejected one stays rejected and is not offered; the accepted ones are mentions.
    find_and_wait(window, qtbot, place.id)
    again = {c.id for c in model.candidates()}
    assert rejected.id not in again and first.id not in again
    assert all(c.status is CandidateStatus.PENDING for c in model.candidates())
    [still] = store.entities.candidates(place.id, status=CandidateStatus.REJECTED)
    assert still.id == rejected.id


def test_find_all_mentions_with_progress_and_accept_all(window: MainWindow, qtbot: QtBot) -> None:
    store = store_of(window)
    store.entities.add(
        "organisation", "Taiga Meridian", ["Тайга Меридиан", "טייגה מרידיאן", "تايغا ميريديان"]
    )
    store.entities.add("location", "Irkutsk", ["Иркутск", "אירקוטסק", "إيركوتسك"])
    window.actions.find_all_mentions.trigger()
    review = window.review_dock
    assert review.is_finding() and review.progress.isVisible() and review.cancel_button.isVisible()
    assert review.summary_label.text() == "Finding mentions of every entity…"
    qtbot.waitUntil(lambda: not window.entities.is_finding(), timeout=20_000)
    assert not review.progress.isVisible()
    model = review.model
    first_letters = {c.text[0] for c in model.candidates()}
    for low, high in (("A", "z"), ("\u0590", "\u05ff"), ("\u0600", "\u06ff"), ("\u0400", "\u04ff")):
        assert any(low <= letter <= high for letter in first_letters), (low, high)
    assert review.scope is None and "for every entity" in review.summary_label.text()
    pending = model.pending_count()
    certain = sum(1 for c in model.candidates() if not c.needs_review and c.kind is not MatchKind.VARIANT)
    qtbot.mouseClick(window.review_dock.accept_all_button, Qt.MouseButton.LeftButton)
    assert model.pending_count() == pending - certain, "those needing review stay pending"
    assert sum(s.mentions for s in store.entities.list_entities()) == certain
    window.undo_action.trigger()
    assert sum(s.mentions for s in store.entities.list_entities()) == 0, "accept all is one undo step"


# --- merge and delete ---------------------------------------------------------------------------------


def test_merge_two_entities_and_undo_splits_them_exactly(window: MainWindow, qtbot: QtBot) -> None:
    store = store_of(window)
    latin = store.entities.add("person", "Gennady Solovtsov", ["Gennadiy Solovtsov"], notes="Deputy minister")
    cyrillic = store.entities.add("person", "Геннадий Соловцов", ["גנאדי סולובצוב"])
    english = source_id(window, "The Meridian run")
    hebrew = source_id(window, "he-civil-radar")
    english_text = store.source_text(english)
    start = english_text.index("Solovtsov")
    store.entities.tag(english, start, start + 9, latin.id)
    hebrew_text = store.source_text(hebrew)
    hebrew_start = hebrew_text.index("סולובצוב")
    store.entities.tag(hebrew, hebrew_start, hebrew_start + 8, cyrillic.id)
    before = {e: (store.entities.get(e), store.entities.mentions_of(e)) for e in (latin.id, cyrillic.id)}

    dock = window.entities_dock
    qtbot.waitUntil(lambda: dock.model.rowCount() == 2, timeout=2000)
    dock.select_entity(latin.id)
    row = dock.model.row_of(cyrillic.id)
    assert row is not None
    dock.view.selectionModel().select(
        dock.model.index(row, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert sorted(dock.selected_ids()) == sorted([latin.id, cyrillic.id])
    window.actions.merge_entities.trigger()
    dialog = window.entities.dialog
    assert isinstance(dialog, MergeDialog)
    dialog.set_survivor(latin.id)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    survivor = store.entities.get(latin.id)
    assert {a.text for a in survivor.aliases} >= {"Gennadiy Solovtsov", "Геннадий Соловцов", "גנאדי סולובצוב"}
    assert {m.mention.source_id for m in store.entities.mentions_of(latin.id)} == {english, hebrew}
    assert [s.id for s in store.entities.list_entities()] == [latin.id]
    assert window.entity_page_dock.entity_id() == latin.id

    window.undo_action.trigger()
    after = {e: (store.entities.get(e), store.entities.mentions_of(e)) for e in (latin.id, cyrillic.id)}
    assert after == before, "undo splits them exactly: same ids, aliases, mentions, notes"
    qtbot.waitUntil(lambda: dock.model.rowCount() == 2, timeout=2000)


def test_delete_names_what_goes_and_undo_restores(window: MainWindow, qtbot: QtBot) -> None:
    store = store_of(window)
    place = store.entities.add("location", "Irkutsk", ["Иркутск"])
    english = source_id(window, "The Meridian run")
    text = store.source_text(english)
    for found in (text.index("Irkutsk"), text.rindex("Irkutsk")):
        store.entities.tag(english, found, found + 7, place.id)
    store.events.create("Refuelling stop in Irkutsk", "2023-07-31", participants=[place.id])
    window.show_source(english)
    window.entities.show_entity(place.id)
    qtbot.waitUntil(lambda: len(window.reader.mentions()) == 2, timeout=2000)
    before = (store.entities.get(place.id), store.entities.mentions_of(place.id))

    qtbot.mouseClick(window.entity_page_dock.delete_button, Qt.MouseButton.LeftButton)
    box = window.entities.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "2 aliases" in box.text() and "2 mentions" in box.text() and "1 event link" in box.text()
    ok = next(b for b in box.buttons() if b.objectName() == "delete_entity_ok")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert store.entities.list_entities() == []
    qtbot.waitUntil(lambda: window.reader.mentions() == [], timeout=2000)
    assert window.entity_page_dock.entity_id() is None

    window.undo_action.trigger()
    assert (store.entities.get(place.id), store.entities.mentions_of(place.id)) == before
    assert store.entities.list_entities()[0].events == 1
    qtbot.waitUntil(lambda: len(window.reader.mentions()) == 2, timeout=2000)


# --- the dock, identifiers, the page, types --------------------------------------------------------------


def test_entities_dock_filters_by_any_alias_and_sorts(window: MainWindow, qtbot: QtBot) -> None:
    store = store_of(window)
    store.entities.add("person", "Gennady Solovtsov", ["Геннадий Соловцов"])
    place = store.entities.add("location", "Pyongyang", ["פיונגיאנג"])
    store.entities.add("organisation", "Taiga Meridian")
    english = source_id(window, "The Meridian run")
    text = store.source_text(english)
    for found in (text.index("Pyongyang"), text.rindex("Pyongyang")):
        store.entities.tag(english, found, found + 9, place.id)
    dock = window.entities_dock
    qtbot.waitUntil(lambda: dock.model.rowCount() == 3, timeout=2000)
    names = lambda: [dock.model.index(r, EntityColumn.NAME).data() for r in range(dock.model.rowCount())]  # noqa: E731
    assert names() == ["Gennady Solovtsov", "Pyongyang", "Taiga Meridian"]
    dock.filter_edit.setFocus()
    type_text(dock.filter_edit, "соловц")  # a Cyrillic alias, typed in lower case
    dock.apply_filter()
    qtbot.waitUntil(lambda: names() == ["Gennady Solovtsov"], timeout=5000)
    assert dock.count_label.text() == "1 of 3"
    retype(dock.filter_edit, "פיונג")
    dock.apply_filter()
    qtbot.waitUntil(lambda: names() == ["Pyongyang"], timeout=2000)
    dock.clear_filter()
    dock.type_combo.setCurrentIndex(dock.type_combo.findData("organisation"))
    assert names() == ["Taiga Meridian"]
    dock.clear_filter()
    dock.view.sortByColumn(EntityColumn.MENTIONS, Qt.SortOrder.DescendingOrder)
    assert names()[0] == "Pyongyang"
    assert dock.model.index(0, EntityColumn.MENTIONS).data() == "2"
    assert dock.model.index(0, EntityColumn.SOURCES).data() == "1"
    assert dock.model.index(0, EntityColumn.TYPE).data(Qt.ItemDataRole.ToolTipRole) == "Location"
    # A new entity appears without a reload, where the sort puts it.
    store.entities.add("equipment", "Il-62M")
    qtbot.waitUntil(lambda: dock.model.rowCount() == 4, timeout=2000)
    assert dock.count_label.text() == "4 entities"
    dock.view.sortByColumn(EntityColumn.NAME, Qt.SortOrder.AscendingOrder)
    cell = dock.view.visualRect(
        dock.model.index(dock.model.row_of(place.id) or 0, EntityColumn.NAME)
    ).center()
    qtbot.mouseClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert window.entity_page_dock.entity_id() == place.id


def test_identifiers_in_the_source_are_tagged_with_one_click(window: MainWindow, qtbot: QtBot) -> None:
    store = store_of(window)
    radar = source_id(window, "he-civil-radar")
    window.show_source(radar)
    dock = window.entities_dock
    qtbot.waitUntil(lambda: dock.identifiers.rowCount() == 3, timeout=3000)
    offers = dock.identifiers.offers()
    assert [o.identifier.text for o in offers] == ["#Il62M", "#פיונגיאנג", "#טייגה_מרידיאן"]
    assert "not tagged" in dock.identifiers_label.text()
    first = offers[0]
    cell = dock.identifiers_view.visualRect(dock.identifiers.index(0, IdentifierColumn.ACTION))
    assert dock.identifiers.index(0, IdentifierColumn.ACTION).data() == "Tag"
    qtbot.mouseClick(dock.identifiers_view.viewport(), Qt.MouseButton.LeftButton, pos=cell.center())
    [entity] = store.entities.list_entities()
    assert (entity.name, entity.type_key, entity.mentions) == (first.identifier.value, "identifier", 1)
    qtbot.waitUntil(lambda: dock.identifiers.offers()[0].tagged, timeout=2000)
    assert dock.identifiers.index(0, IdentifierColumn.ACTION).data() == "Tagged"
    qtbot.waitUntil(
        lambda: reader_mentions(window) == [(first.identifier.start, first.identifier.end)], timeout=2000
    )
    window.undo_action.trigger()
    assert store.entities.list_entities() == []
    qtbot.waitUntil(lambda: not dock.identifiers.offers()[0].tagged, timeout=2000)


def test_entity_page_edits_are_undoable(window: MainWindow, qtbot: QtBot) -> None:
    store = store_of(window)
    place = store.entities.add("location", "Pyongyang", ["Пхеньян"])
    window.entities.show_entity(place.id)
    page = window.entity_page_dock
    assert page.isVisible() and page.name_edit.text() == "Pyongyang"

    page.alias_edit.setFocus()
    type_text(page.alias_edit, "פיונגיאנג")
    press(page.alias_edit, Qt.Key.Key_Return)
    assert [a.text for a in store.entities.get(place.id).aliases] == ["Pyongyang", "Пхеньян", "פיונגיאנג"]
    qtbot.waitUntil(lambda: page.aliases.rowCount() == 3, timeout=2000)

    page.description_edit.setFocus()
    type_text(page.description_edit, "בירת צפון קוריאה")
    page.notes_edit.setFocus()  # leaving the description commits it
    assert store.entities.get(place.id).description == "בירת צפון קוריאה"
    assert window.undo_action.text() == "&Undo Edit description of Pyongyang"

    window.undo_action.trigger()
    assert store.entities.get(place.id).description == ""
    qtbot.waitUntil(lambda: page.description_edit.toPlainText() == "", timeout=2000)
    window.undo_action.trigger()
    assert [a.text for a in store.entities.get(place.id).aliases] == ["Pyongyang", "Пхеньян"]

    page.aliases.setData(page.aliases.index(1), "Phenjan")
    assert [a.text for a in store.entities.get(place.id).aliases] == ["Pyongyang", "Phenjan"]
    window.undo_action.trigger()
    assert [a.text for a in store.entities.get(place.id).aliases] == ["Pyongyang", "Пхеньян"]

    retype(page.name_edit, "Pyongyang (city)")
    press(page.name_edit, Qt.Key.Key_Return)
    assert store.entities.get(place.id).name == "Pyongyang (city)"
    window.undo_action.trigger()
    assert store.entities.get(place.id).name == "Pyongyang"

    page.type_combo.setCurrentIndex(page.type_combo.findData("other"))
    page.type_combo.activated.emit(page.type_combo.currentIndex())
    assert store.entities.get(place.id).type_key == "other"
    window.undo_action.trigger()
    assert store.entities.get(place.id).type_key == "location"


def test_mentions_on_the_page_open_the_reader_at_the_mention(window: MainWindow, qtbot: QtBot) -> None:
    store = store_of(window)
    place = store.entities.add("location", "Pyongyang", ["פיונגיאנג", "بيونغ يانغ"])
    store.entities.find_candidates(place.id)
    store.entities.accept_all(place.id)
    window.entities.show_entity(place.id)
    page = window.entity_page_dock
    qtbot.waitUntil(lambda: page.mentions.rowCount() > 3, timeout=2000)
    last = page.mentions.rowCount() - 1
    mention = page.mentions.mention_at(last)
    page.mention_view.scrollTo(page.mentions.index(last))
    rect = page.mention_view.visualRect(page.mentions.index(last))
    qtbot.mouseClick(page.mention_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.reader.source_id() == mention.mention.source_id
    current = window.reader.highlighted_spans(HighlightKind.CURRENT)
    assert current == [(mention.mention.start, mention.mention.end)]
    qtbot.waitUntil(lambda: "Mentions — " in page.mentions_box.title(), timeout=2000)


def test_new_entity_and_new_type_dialogs(window: MainWindow, qtbot: QtBot) -> None:
    store = store_of(window)
    window.actions.new_entity_type.trigger()
    dialog = window.entities.dialog
    assert isinstance(dialog, EntityTypeDialog)
    type_text(dialog.label_edit, "Vessel")
    from PySide6.QtGui import QColor

    dialog.set_colour(QColor("#0077b6"))
    dialog.icon_combo.setCurrentIndex(dialog.icon_combo.findData("event"))
    dialog.accept()
    vessel = next(t for t in store.entities.list_types() if t.key == "vessel")
    assert (vessel.colour, vessel.icon, vessel.builtin) == ("#0077b6", "event", False)
    qtbot.waitUntil(lambda: window.entities.catalogue.type_for("vessel") is not None, timeout=2000)

    window.actions.new_entity.trigger()
    dialog = window.entities.dialog
    assert isinstance(dialog, NewEntityDialog)
    assert dialog.type_combo.findData("vessel") >= 0, "the new type is offered at once"
    type_text(dialog.name_edit, "Meridian 3107")
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("vessel"))
    dialog.aliases_edit.setPlainText("Меридиан 3107\nמרידיאן 3107")
    dialog.accept()
    [entity] = store.entities.list_entities()
    assert (entity.name, entity.type_key, entity.aliases) == ("Meridian 3107", "vessel", 3)
    assert window.entity_page_dock.entity_id() == entity.id

    window.undo_action.trigger()
    assert store.entities.list_entities() == []
    window.undo_action.trigger()
    assert all(t.key != "vessel" for t in store.entities.list_types())


def test_entities_menu_and_view_toggles(window: MainWindow) -> None:
    menus = [action.text() for action in window.menuBar().actions()]
    assert "E&ntities" in menus
    entries = [a.text() for a in window.entities_menu.actions() if not a.isSeparator()]
    assert entries == [
        "Tag as &Entity…",
        "&New Entity…",
        "New Entity &Type…",
        "&Find Mentions of This Entity",
        "Find &All Mentions",
        "&Review Mentions",
        "&Merge Entities…",
        "&Delete Entity…",
    ]
    assert window.reader.tag_entity_action.shortcut().toString() == "Ctrl+E"
    toggles = {a.text(): a.shortcut().toString() for a in window.view_menu.actions()}
    assert toggles["Entities"] == "Ctrl+4" and toggles["Entity"] == "Ctrl+5"
    assert toggles["Mention Review"] == "Ctrl+6"
    assert not window.actions.delete_entity.isEnabled(), "no entity chosen yet"
    assert window.actions.new_entity.isEnabled()


# --- a look at it all --------------------------------------------------------------------------------------


def test_screenshot_of_the_demo_case_with_entities(window: MainWindow, qtbot: QtBot, screenshot) -> None:  # type: ignore[no-untyped-def]
    """Main window, a Hebrew source with highlighted mentions, the entities dock and the review queue."""
    store = store_of(window)
    store.entities.add("location", "Pyongyang", ["פיונגיאנג", "بيونغ يانغ", "Пхеньян"])
    store.entities.add(
        "organisation", "Taiga Meridian", ["טייגה מרידיאן", "تايغا ميريديان", "Тайга Меридиан"]
    )
    store.entities.add(
        "person", "Gennady Solovtsov", ["גנאדי סולובצוב", "غينادي سولوفتسوف", "Геннадий Соловцов"]
    )
    store.entities.add("location", "Irkutsk", ["אירקוטסק", "إيركوتسك", "Иркутск"])
    store.entities.add("equipment", "Il-62M", ["Ил-62М"])
    mabat = source_id(window, HEBREW_TITLE)
    radar = source_id(window, "he-civil-radar")
    find_and_wait(window, qtbot, None)
    for candidate in window.review_dock.model.candidates():
        if candidate.source_id in (mabat, radar) and candidate.status is CandidateStatus.PENDING:
            window.entities.accept_all_in_source(candidate)
    window.review_dock.model.refresh()
    window.show_source(mabat)
    qtbot.waitUntil(lambda: len(window.reader.mentions()) >= 5, timeout=3000)
    place = next(s.id for s in store.entities.list_entities() if s.name == "Pyongyang")
    window.entities.show_entity(place)
    window.review_dock.raise_()
    window.review_dock.select_row(0)
    window.reader.scroll_to(0)
    qtbot.waitUntil(lambda: not window.entities.is_scanning(), timeout=3000)
    qtbot.wait(100)
    shot = screenshot(window, "threadline-entities.png")
    assert shot.stat().st_size > 10_000

    # The tag dialog over a prefixed Hebrew name that is an alias already, and one that is new.
    text = window.reader.text()
    start = text.index("לפיונגיאנג")
    dialog = tag_with_ctrl_e(window, qtbot, start, start + len("לפיונגיאנג"))
    qtbot.wait(50)
    screenshot(dialog, "threadline-entities-tag.png")
    dialog.reject()


def test_the_entity_docks_are_remembered_with_the_layout(window: MainWindow, qtbot: QtBot) -> None:
    assert window.entities_dock.isVisible()
    window.entities_dock.toggleViewAction().trigger()
    window.close()
    again = create_main_window(Settings(), default_case_dir())
    qtbot.addWidget(again)
    again.show()
    again.start()
    qtbot.waitExposed(again)
    try:
        assert again.store is not None, "the case reopens"
        assert not again.entities_dock.isVisible() and again.sources_dock.isVisible()
        assert not again.review_dock.isHidden() and not again.entity_page_dock.isHidden()
    finally:
        again.close()


def test_docks_newer_than_a_saved_layout_are_shown(window: MainWindow, qtbot: QtBot) -> None:
    """A layout saved before the entity docks existed (an earlier Threadline) still shows them (Qt
    places docks the saved state does not name where they were first added)."""
    for dock in (window.entities_dock, window.entity_page_dock, window.review_dock):
        window.removeDockWidget(dock)
    window.settings.window_state = window.saveState()
    window.close()
    again = create_main_window(Settings(), default_case_dir())
    qtbot.addWidget(again)
    again.show()
    again.start()
    qtbot.waitExposed(again)
    try:
        assert again.store is not None
        assert all(
            not dock.isHidden() for dock in (again.entities_dock, again.entity_page_dock, again.review_dock)
        )
    finally:
        again.close()


def test_cancelling_a_find_changes_nothing(window: MainWindow, qtbot: QtBot) -> None:
    store = store_of(window)
    store.entities.add("location", "Pyongyang", ["פיונגיאנג", "بيونغ يانغ"])
    task = window.entities.find_mentions(None)
    assert task is not None
    window.review_dock.cancel_button.click()
    qtbot.waitUntil(lambda: not window.entities.is_finding(), timeout=20_000)
    assert "cancelled" in window.statusBar().currentMessage()
    assert store.entities.candidates(status=None) == []
    assert window.review_dock.model.rowCount() == 0 and not window.review_dock.progress.isVisible()


def test_the_page_lists_the_events_an_entity_takes_part_in(window: MainWindow, qtbot: QtBot) -> None:
    store = store_of(window)
    person = store.entities.add("person", "Gennady Solovtsov")
    store.events.create("Delegation leaves Vnukovo", "2023-07-31", participants=[person.id])
    store.events.create("Delegation lands in Pyongyang", "2023-08-01", participants=[person.id])
    window.entities.show_entity(person.id)
    page = window.entity_page_dock
    events = page.events
    assert [(events.index(r, 0).data(), events.index(r, 1).data()) for r in range(events.rowCount())] == [
        ("31 July 2023", "Delegation leaves Vnukovo"),
        ("1 August 2023", "Delegation lands in Pyongyang"),
    ]
    assert page.events_box.title() == "Events — 2"
    store.events.create("Return flight", "2023-08-02", participants=[person.id])
    qtbot.waitUntil(lambda: page.events.rowCount() == 3, timeout=2000)


def date_left_edges(view: QAbstractItemView, rows: int) -> list[int]:
    """Where each row's date starts on screen: the leftmost dark pixel of the row's date cell, so a
    date drawn at the other end of a right-to-left row is caught."""
    image = view.viewport().grab().toImage()
    model = view.model()
    edges = []
    for row in range(rows):
        rect = view.visualRect(model.index(row, 0))
        dark = [
            x
            for x in range(view.viewport().width())
            for y in range(rect.top() + 2, rect.bottom() - 1)
            if QColor(image.pixel(x, y)).lightness() < 110
        ]
        edges.append(min(dark))
    return edges


def test_entity_events_read_dates_as_words_in_one_column(
    window: MainWindow, qtbot: QtBot, screenshot
) -> None:  # type: ignore[no-untyped-def]
    """An EDTF code reads as the rest of the app reads it, and the dates stay in one column whether the
    title is English, Hebrew or Arabic."""
    store = store_of(window)
    plane = store.entities.add("equipment", "Il-62M")
    store.events.create("Il-62M flight (rumour)", "2019-05~/2019-08~", participants=[plane.id])
    store.events.create("שויגו נוחת בפיונגיאנג", "2023-07-25", participants=[plane.id])
    store.events.create("وصول طائرة Il-62M إلى موسكو", "2023-07-31", participants=[plane.id])
    window.entities.show_entity(plane.id)
    page = window.entity_page_dock
    page.show()
    page.raise_()
    model = page.events
    rows = model.rowCount()
    assert rows == 3
    assert [model.index(row, 0).data() for row in range(rows)] == [
        "c. May – Aug 2019",
        "25 July 2023",
        "31 July 2023",
    ]
    assert [model.index(row, 1).data() for row in range(rows)] == [
        "Il-62M flight (rumour)",
        "שויגו נוחת בפיונגיאנג",
        "وصول طائرة Il-62M إلى موسكو",
    ]
    qtbot.wait(50)
    edges = date_left_edges(page.event_view, rows)
    assert max(edges) - min(edges) <= 2, f"the dates start at x = {edges}"
    screenshot(page.event_view, "threadline-entity-events.png")


def test_a_type_colour_is_chosen_in_the_colour_dialog(window: MainWindow, qtbot: QtBot) -> None:
    window.actions.new_entity_type.trigger()
    dialog = window.entities.dialog
    assert isinstance(dialog, EntityTypeDialog)
    qtbot.mouseClick(dialog.colour_button, Qt.MouseButton.LeftButton)
    picker = dialog.colour_dialog
    assert picker is not None and picker.isVisible()
    picker.setCurrentColor(QColor("#c2185b"))
    picker.accept()
    assert dialog.colour() == "#c2185b" and dialog.colour_button.text() == "#c2185b"
    dialog.reject()


def test_candidates_left_by_an_earlier_find_are_there_to_review_when_the_case_opens(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    case = tmp_path / "cases" / "found-before.threadline"
    build_demo_case(case, worked=False)
    with CaseStore.open(case) as store:  # another session, or `threadline entity find`
        entity = store.entities.add("location", "Pyongyang", ["פיונגיאנג", "بيونغ يانغ"])
        pending = store.entities.find_candidates(entity.id)
    assert pending
    with qtbot.waitSignal(window.session.case_opened, timeout=5000):
        window.open_case_requested.emit(case)
    model = window.entities.review.model
    qtbot.waitUntil(lambda: model.rowCount() == len(pending), timeout=10_000)
