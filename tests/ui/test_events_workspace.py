"""Events in the real window: ``EventsFeature`` installed as the lead will install it, real case files.

From a selection in a Hebrew source to an event with its quote, date and participants; the timeline, the
table and the editor following one another; undo and redo of every kind of edit; one set of filters for the
table and the timeline; dates in the source; links; and a screenshot of the demo case with events from
Hebrew, Arabic and English sources.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.core.event_records import EventFilter, case_key
from app.core.records import Confidence, Extraction, SourceKind, SourceMetadata, Stance
from app.core.textnorm import normalize_text
from app.store import CaseStore
from app.ui.application import create_main_window
from app.ui.events import EventsFeature
from app.ui.events.formatting import sentence_around
from app.ui.events.source_dates import underlined_spans
from app.ui.events.table_model import Column
from app.ui.events.timeline_items import Grouping
from app.ui.main_window import MainWindow
from app.ui.reader import HighlightKind
from app.ui.settings import Settings
from app.ui.timeline import TimelineView
from tests.ui.conftest import Screenshot
from tests.ui.test_workspace import press, type_text, user_folders_in

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

LANDED = "ב-31 ביולי 2023 נחת המטוס בפיונגיאנג"
HEBREW = (
    f"{LANDED}. על הסיפון הייתה משלחת רשמית.\n\n"
    "המשלחת חזרה למוסקבה ב-2 באוגוסט 2023, אחרי עצירה נוספת באירקוטסק."
)
ARABIC = "هبطت الطائرة في بيونغ يانغ يوم 1 أغسطس 2023 بعد توقف في إيركوتسك.\n\nوقالت مصادر إن الصناديق حُمّلت."
ENGLISH = "The airline says the aircraft returned on 3 August 2023, not on 2 August."


class Workspace:
    """The window, its events feature and the open case."""

    def __init__(self, window: MainWindow, feature: EventsFeature, qtbot: QtBot) -> None:
        self.window = window
        self.feature = feature
        self.qtbot = qtbot

    @property
    def store(self) -> CaseStore:
        assert self.window.store is not None
        return self.window.store

    def new_case(self, name: str = "Il-62M flights") -> Path:
        path = self.window.case_dir / f"{name}.threadline"
        with self.qtbot.waitSignal(self.window.session.case_opened, timeout=5000):
            self.window.new_case_requested.emit(path)
        self.settle()
        return path

    def add_source(self, text: str, title: str, language: str, published: str = "2023-08-02") -> int:
        extraction = Extraction(
            kind=SourceKind.TEXT,
            media_type="text/plain",
            text=normalize_text(text),
            metadata=SourceMetadata(title=title, language=language, published=published),
        )
        added = self.store.add_source(
            text.encode("utf-8"), extraction, original_filename=f"{title}.txt", imported_by="tester"
        )
        return added.source_id

    def show_source(self, source_id: int) -> None:
        with self.qtbot.waitSignal(self.feature.dates_shown, timeout=5000):
            self.window.show_source(source_id)

    def select(self, text: str, occurrence: int = 0) -> tuple[int, int]:
        whole = self.window.reader.text()
        start = -1
        for _ in range(occurrence + 1):
            start = whole.index(text, start + 1)
        self.window.reader.select_span(start, start + len(text))
        return start, start + len(text)

    def settle(self) -> None:
        """Let queued changes reach the views: the table's flush, the timeline's reload."""
        model = self.feature.table_model
        self.qtbot.wait(10)
        model.wait()
        if model.has_pending_changes():
            model.apply_pending_changes()
        self.feature.timeline_dock.wait()
        self.qtbot.wait(10)

    def table_ids(self) -> list[int]:
        return self.feature.table_model.event_ids()

    def timeline_ids(self) -> set[int]:
        return {item.id for item in self.feature.timeline_dock.items()}


def installed_feature(window: MainWindow) -> EventsFeature:
    """The window's events feature: the one the window installs itself, else installed here, as the
    window's lead does (``EventsFeature(window)`` once the window exists)."""
    found = window.findChild(QObject, "events_feature")
    return found if isinstance(found, EventsFeature) else EventsFeature(window)


@pytest.fixture
def workspace(
    gui_app: QApplication, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Workspace]:
    with user_folders_in(tmp_path, monkeypatch) as case_dir:
        window = create_main_window(Settings(), case_dir)
        feature = installed_feature(window)
        qtbot.addWidget(window)
        window.resize(1600, 1000)
        window.show()
        window.start()
        qtbot.waitExposed(window)
        yield Workspace(window, feature, qtbot)
        for widget in QApplication.topLevelWidgets():
            if widget is not window and widget.isVisible() and window.isAncestorOf(widget):
                widget.close()
        window.close()


def in_front(dock: QWidget) -> bool:
    """Shown and not behind another dock's tab (a tabbed dock behind says it is visible all the same)."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def epoch(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp())  # type: ignore[misc]


# --- installing ---------------------------------------------------------------------------------------------


def test_the_feature_attaches_its_docks_and_menus_and_follows_the_case(workspace: Workspace) -> None:
    window, feature = workspace.window, workspace.feature
    assert not any(dock.isVisible() for dock in feature.docks()), "no case: no event docks"
    assert not feature.new_event_action.isEnabled()
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus.index("E&vents") == len(menus) - 2, "the Events menu comes just before Help"
    entries = {action.text(): action.shortcut().toString() for action in feature.menu.actions()}
    assert entries["New &Event from Selection…"] == "Ctrl+Shift+E"
    assert "Add as Evidence to E&vent…" in entries and "&Fit Timeline" in entries
    assert entries["Ne&xt Event"] == "Ctrl+]" and entries["&Previous Event"] == "Ctrl+["
    submenus = [action.menu().title() for action in feature.menu.actions() if action.menu()]
    assert submenus == ["Display &Time Zone", "&Group by"]
    view_entries = {action.text(): action.shortcut().toString() for action in window.view_menu.actions()}
    assert view_entries["Timeline"] == "Ctrl+7" and view_entries["Events"] == "Ctrl+8"
    assert view_entries["Event"] == "Ctrl+9"
    workspace.new_case()
    assert all(dock.toggleViewAction().isChecked() for dock in feature.docks()), "all open"
    assert (
        in_front(feature.timeline_dock) and in_front(window.sources_dock) and in_front(window.inspector_dock)
    )
    assert not in_front(feature.table_dock), "the events table waits behind the sources list"
    grouping = next(action for action in feature.grouping_group.actions() if action.isChecked())
    assert grouping.data() == "none"
    assert feature.new_event_action.isEnabled() and not feature.delete_event_action.isEnabled()
    with workspace.qtbot.waitSignal(window.session.case_closed, timeout=2000):
        window.actions.close_case.trigger()
    assert not any(dock.isVisible() for dock in feature.docks())
    assert feature.store is None and feature.table_model.rowCount() == 0


def test_the_docks_come_back_after_a_first_run_that_ended_without_closing_the_window(
    workspace: Workspace,
) -> None:
    """A fresh profile, a case opened, the process killed (no ``closeEvent``, so the window never saved
    its layout on the way out): the next start shows the Timeline, Events and Event docks again."""
    window = workspace.window
    assert window.settings.window_state is None, "a fresh profile"
    workspace.new_case()
    assert window.settings.window_state is not None, "placing the docks saved the layout with them"
    # "killed": the first window is left as it is, unclosed; a new one starts from what was written
    again = create_main_window(Settings(), window.case_dir)
    feature = installed_feature(again)
    workspace.qtbot.addWidget(again)
    again.resize(1600, 1000)
    again.show()
    with workspace.qtbot.waitSignal(again.session.case_opened, timeout=5000):
        again.start()
    workspace.qtbot.waitExposed(again)
    try:
        assert again.store is not None, "the case reopens"
        assert all(not dock.isHidden() for dock in feature.docks())
        assert in_front(feature.timeline_dock) and in_front(again.sources_dock)
    finally:
        again.close()


def test_a_profile_marked_placed_without_a_saved_layout_places_the_docks_again(workspace: Workspace) -> None:
    """Profiles the earlier bug left behind: the mark is set but no layout was ever saved."""
    workspace.feature.settings.docks_placed = True
    workspace.new_case()
    assert all(not dock.isHidden() for dock in workspace.feature.docks())
    assert workspace.window.settings.window_state is not None


# --- from a selection to an event ---------------------------------------------------------------------------


def test_new_event_from_a_hebrew_selection(workspace: Workspace) -> None:
    window, feature, qtbot = workspace.window, workspace.feature, workspace.qtbot
    workspace.new_case()
    source = workspace.add_source(HEBREW, "מבט גלובלי", "he")
    pyongyang = workspace.store.entities.add("location", "פיונגיאנג")
    mention = HEBREW.index("בפיונגיאנג")
    workspace.store.entities.tag(source, mention, mention + len("בפיונגיאנג"), pyongyang.id)
    workspace.show_source(source)
    assert window.reader.text()[slice(*underlined_spans(window.reader)[0])] == "31 ביולי 2023"
    start, end = workspace.select(LANDED)
    window.reader.setFocus()
    qtbot.keyClick(
        window.reader, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    event_id = feature.current_event()
    assert event_id is not None
    detail = workspace.store.events.get(event_id)
    assert [quote.quote for quote in detail.evidence] == [LANDED], "the quote is exactly the selection"
    assert (detail.evidence[0].start, detail.evidence[0].end) == (start, end)
    assert detail.evidence[0].stance is Stance.SUPPORTS
    assert detail.start_edtf == "2023-07-31" and detail.end is None, "the date comes from the quote"
    assert [person.name for person in detail.participants] == ["פיונגיאנג"], "from the mention in the quote"
    editor = feature.editor
    assert editor.event_id() == event_id and feature.editor_dock.isVisible()
    assert editor.title_edit.text() == LANDED and editor.title_edit.hasFocus()
    assert editor.start_edit.reading() == "Reads as 31 July 2023 · EDTF 2023-07-31"
    assert "31 ביולי 2023" in editor.start_hint.text()
    assert [card.record.quote for card in editor.evidence_cards()] == [LANDED]
    quote_label = editor.evidence_cards()[0].quote_label
    assert quote_label.layoutDirection() == Qt.LayoutDirection.RightToLeft, (
        "the Hebrew quote reads from the right"
    )
    assert [row.record.name for row in editor.participant_rows()] == ["פיונגיאנג"]
    workspace.settle()
    assert workspace.table_ids() == [event_id] and workspace.timeline_ids() == {event_id}
    assert feature.table_dock.selected_event() == event_id
    assert window.reader.highlighted_spans(HighlightKind.EVIDENCE) == [(start, end)]
    assert window.statusBar().currentMessage().startswith("New event “")


def longest_inked_runs(image: QImage) -> list[int]:
    """For each row, the longest run of pixels clearly unlike the image's commonest one (the background)."""
    pixels = [[image.pixel(x, y) for x in range(image.width())] for y in range(image.height())]
    counts = Counter(pixel for row in pixels for pixel in row)
    background = QColor(counts.most_common(1)[0][0]).getRgb()[:3]
    runs = []
    for row in pixels:
        longest = run = 0
        for pixel in row:
            colour = QColor(pixel).getRgb()[:3]
            run = run + 1 if max(abs(a - b) for a, b in zip(colour, background, strict=True)) > 40 else 0
            longest = max(longest, run)
        runs.append(longest)
    return runs


def test_an_evidence_quote_reads_as_text_not_as_an_underlined_link(workspace: Workspace) -> None:
    """The quote in the editor still opens its source when clicked, but it is not drawn as a link: an
    underline would cross the dots under Arabic letters and the points under Hebrew ones."""
    feature = workspace.feature
    workspace.new_case()
    source = workspace.add_source(ENGLISH, "Statement", "en")
    edit = workspace.store.events.create_from_selection(source, 0, len(ENGLISH))
    assert edit.object_id is not None
    feature.edit_event(edit.object_id)
    card = feature.editor.evidence_cards()[0]
    label = card.quote_label
    workspace.qtbot.wait(50)
    image = label.grab().toImage()
    runs = longest_inked_runs(image)
    text_rows = [y for y, run in enumerate(runs) if run]
    assert text_rows, "the quote is drawn"
    assert max(runs) < label.fontMetrics().horizontalAdvance("M") * 3, "no line runs under the quote"
    with workspace.qtbot.waitSignal(feature.editor.evidence_requested):
        label.linkActivated.emit(f"evidence:{card.record.id}")


def test_undo_and_redo_of_a_new_event_and_of_an_evidence_link(workspace: Workspace) -> None:
    window, feature, qtbot = workspace.window, workspace.feature, workspace.qtbot
    workspace.new_case()
    source = workspace.add_source(HEBREW, "מבט גלובלי", "he")
    workspace.show_source(source)
    workspace.select(LANDED)
    window.reader.new_event_action.trigger()
    event_id = feature.current_event()
    assert event_id is not None
    assert window.undo_action.text() == "&Undo Create event “\u2068" + LANDED + "\u2069”"
    window.undo_action.trigger()
    assert workspace.store.events.count() == 0
    workspace.settle()
    assert workspace.table_ids() == [] and workspace.timeline_ids() == set()
    assert feature.editor.event_id() is None
    window.redo_action.trigger()
    assert workspace.store.events.get(event_id).evidence[0].quote == LANDED, "back with its id and quote"
    workspace.settle()
    assert workspace.table_ids() == [event_id] and workspace.timeline_ids() == {event_id}

    # Add the next sentence as evidence through the picker, typing part of the Hebrew title.
    quote = "המשלחת חזרה למוסקבה ב-2 באוגוסט 2023"
    start, end = workspace.select(quote)
    window.reader.add_evidence_action.trigger()
    picker = feature.evidence_picker
    assert picker is not None and picker.isVisible()
    picker.search_edit.setFocus()
    type_text(picker.search_edit, "פיונגיאנג")
    picker.search()
    assert picker.titles() == [LANDED]
    picker.stance_combo.setCurrentIndex(picker.stance_combo.findData(Stance.CONTEXT.value))
    press(picker.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: feature.evidence_picker is None, timeout=2000)
    quotes = workspace.store.events.get(event_id).evidence
    assert [(quote.quote, quote.stance) for quote in quotes][-1] == (quote, Stance.CONTEXT)
    qtbot.waitUntil(lambda: len(feature.editor.evidence_cards()) == 2, timeout=2000)
    assert window.undo_action.text().startswith("&Undo Link evidence to “")
    window.undo_action.trigger()
    assert [quote.quote for quote in workspace.store.events.get(event_id).evidence] == [LANDED]
    qtbot.waitUntil(lambda: len(feature.editor.evidence_cards()) == 1, timeout=2000)
    window.redo_action.trigger()
    assert len(workspace.store.events.get(event_id).evidence) == 2
    qtbot.waitUntil(
        lambda: (start, end) in window.reader.highlighted_spans(HighlightKind.EVIDENCE), timeout=2000
    )
    audited = [entry.action for entry in workspace.store.audit_log()]
    for action in ("create event", "undo create event", "redo create event", "link evidence"):
        assert action in audited
    assert audited[:2] == ["redo link evidence", "undo link evidence"], "newest first"


@pytest.mark.qt_log_ignore("This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)")
def test_every_edit_in_the_editor_is_one_undo_step(workspace: Workspace) -> None:
    window, feature, qtbot = workspace.window, workspace.feature, workspace.qtbot
    workspace.new_case()
    source = workspace.add_source(HEBREW, "מבט גלובלי", "he")
    workspace.store.entities.add("person", "Gennady Solovtsov", ["סולובצוב", "سولوفتسوف"])
    workspace.show_source(source)
    workspace.select(LANDED)
    window.reader.new_event_action.trigger()
    event_id = feature.current_event()
    assert event_id is not None
    editor = feature.editor
    events = workspace.store.events

    editor.title_edit.selectAll()
    type_text(editor.title_edit, "המטוס נחת")
    press(editor.title_edit, Qt.Key.Key_Return)
    assert events.get(event_id).title == "המטוס נחת"

    editor.end_edit.line.setFocus()
    type_text(editor.end_edit.line, "2 באוגוסט 2023")
    assert editor.end_edit.reading() == "Reads as 2 August 2023 · EDTF 2023-08-02"
    press(editor.end_edit.line, Qt.Key.Key_Return)
    assert events.get(event_id).end_edtf == "2023-08-02"

    editor.start_edit.line.setFocus()
    editor.start_edit.line.selectAll()
    type_text(editor.start_edit.line, "3 באוגוסט 2023")
    press(editor.start_edit.line, Qt.Key.Key_Return)
    assert events.get(event_id).start_edtf == "2023-07-31", "an end before the start is refused"
    assert editor.date_error.isVisible() and "ends" in editor.date_error.text()
    assert editor.start_edit.text() == "2023-07-31"

    editor.confidence_combo.setCurrentIndex(editor.confidence_combo.findData("confirmed"))
    editor.confidence_combo.activated.emit(editor.confidence_combo.currentIndex())
    detail = events.get(event_id)
    assert detail.confidence.value == "confirmed" and detail.confidence_overridden
    assert editor.use_suggested_button.isVisible() and "Set by hand" in editor.confidence_note.text()

    editor.tag_edit.setFocus()
    type_text(editor.tag_edit, "טיסות")
    press(editor.tag_edit, Qt.Key.Key_Return)
    assert [tag.name for tag in events.get(event_id).tags] == ["טיסות"]

    feature.entities.wait()
    qtbot.wait(20)
    editor.entity_picker.setFocus()
    type_text(editor.entity_picker, "سولوف")
    assert editor.entity_picker.matches() == ["Gennady Solovtsov · person"], "found by its Arabic alias"
    editor.entity_picker.pick("Gennady Solovtsov · person")
    type_text(editor.role_edit, "delegation head")
    editor.add_participant_button.click()
    assert [(p.name, p.role) for p in events.get(event_id).participants] == [
        ("Gennady Solovtsov", "delegation head")
    ]

    workspace.settle()
    rebuilds = feature.timeline_dock.rebuilds
    editor.note_edit.setPlainText("Check the Irkutsk stop against the radar log.")
    editor.add_note_button.click()
    workspace.settle()
    assert feature.timeline_dock.rebuilds == rebuilds, "a note changes nothing the timeline draws"
    notes = events.get(event_id).notes
    assert [note.body for note in notes] == ["Check the Irkutsk stop against the radar log."]
    qtbot.waitUntil(lambda: len(editor.note_cards()) == 1, timeout=2000)
    assert editor.note_cards()[0].meta_label.text().startswith(workspace.store.actor)

    editor.description_edit.setFocus()
    editor.description_edit.setMarkdown("**Il-62M** seen by two witnesses")
    editor.description_edit.document().setModified(True)
    editor.title_edit.setFocus()
    assert events.get(event_id).description == "**Il-62M** seen by two witnesses"

    card = editor.evidence_cards()[0]
    card.credibility_combo.setCurrentIndex(card.credibility_combo.findData(2))
    card.credibility_combo.activated.emit(card.credibility_combo.currentIndex())
    assert events.get(event_id).evidence[0].credibility == 2
    workspace.settle()
    assert feature.timeline_dock.rebuilds == rebuilds, (
        "the confidence set by hand stays: nothing drawn changed"
    )
    retitled = events.update(event_id, {"title": "המטוס נחת בפיונגיאנג"})
    workspace.settle()
    assert feature.timeline_dock.rebuilds == rebuilds + 1, "a title it draws changed"
    events.revert(retitled)

    steps = window.undo_stack.count()
    assert steps == 9, [window.undo_stack.text(index) for index in range(steps)]
    for _ in range(steps - 1):
        window.undo_action.trigger()
    detail = events.get(event_id)
    assert (detail.title, detail.end_edtf, detail.description) == (LANDED, None, "")
    assert (
        not detail.tags and not detail.participants and not detail.notes and not detail.confidence_overridden
    )
    assert detail.evidence[0].credibility == 6
    qtbot.waitUntil(lambda: editor.title_edit.text() == LANDED, timeout=2000)
    for _ in range(steps - 1):
        window.redo_action.trigger()
    assert events.get(event_id).evidence[0].credibility == 2 and events.get(event_id).notes


# --- the timeline, the table and the editor in step ------------------------------------------------------


def make_three_events(workspace: Workspace) -> dict[str, int]:
    events = workspace.store.events
    ids = {}
    for title, start in (
        ("Left Vnukovo", "2023-07-31"),
        ("Landed in Pyongyang", "2023-08-01"),
        ("Back in Moscow", "2023-08-03"),
    ):
        made = events.create(title, start).object_id
        assert made is not None
        ids[title] = made
    workspace.settle()
    return ids


def click_timeline(
    workspace: Workspace,
    position: QPoint,
    *,
    double: bool = False,
    button: Qt.MouseButton = Qt.MouseButton.LeftButton,
) -> None:
    view = workspace.feature.timeline_dock.view
    viewport = view.plot.viewport()
    at = QPointF(viewport.mapFrom(view, position))
    left, none = button, Qt.MouseButton.NoButton
    kinds = [(QEvent.Type.MouseButtonPress, left, left), (QEvent.Type.MouseButtonRelease, left, none)]
    if double:
        kinds += [(QEvent.Type.MouseButtonDblClick, left, left), (QEvent.Type.MouseButtonRelease, left, none)]
    for kind, button, held in kinds:
        global_at = QPointF(viewport.mapToGlobal(at.toPoint()))
        QApplication.sendEvent(
            viewport, QMouseEvent(kind, at, global_at, button, held, Qt.KeyboardModifier.NoModifier)
        )


def test_zoom_and_click_on_the_timeline_and_the_table_and_editor_follow(workspace: Workspace) -> None:
    feature, qtbot = workspace.feature, workspace.qtbot
    workspace.new_case()
    ids = make_three_events(workspace)
    feature.timeline_dock.raise_()
    view = feature.timeline_dock.view
    view.zoom_to(epoch(2023, 7, 31, 12), epoch(2023, 8, 2))
    qtbot.wait(20)
    position = view.item_position(ids["Landed in Pyongyang"])
    assert position is not None
    assert view.item_position(ids["Back in Moscow"]) is None, "zoomed in: the last one is out of view"
    assert not in_front(feature.editor_dock), "behind the inspector until an event is chosen"
    click_timeline(workspace, position)
    assert feature.current_event() == ids["Landed in Pyongyang"]
    qtbot.waitUntil(lambda: in_front(feature.editor_dock), timeout=2000)
    assert feature.table_dock.selected_event() == ids["Landed in Pyongyang"]
    assert feature.editor.event_id() == ids["Landed in Pyongyang"]
    assert feature.editor.title_edit.text() == "Landed in Pyongyang"

    # Selecting in the table scrolls the timeline to the event.
    row = feature.table_model.row_of(ids["Back in Moscow"])
    assert row is not None
    feature.table_dock.view.setCurrentIndex(feature.table_model.index(row, int(Column.TITLE)))
    assert feature.current_event() == ids["Back in Moscow"]
    assert view.selected() == ids["Back in Moscow"]
    low, high = view.visible_range()
    assert low <= epoch(2023, 8, 3, 12) <= high
    assert feature.editor.event_id() == ids["Back in Moscow"]

    # Keys: previous and next in time; double-click opens the editor with the title ready.
    feature.previous_event_action.trigger()
    assert feature.current_event() == ids["Landed in Pyongyang"]
    assert feature.table_dock.selected_event() == ids["Landed in Pyongyang"]
    feature.previous_event_action.trigger()
    feature.previous_event_action.trigger()
    assert feature.current_event() == ids["Left Vnukovo"], "the first stays first"
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert feature.current_event() == ids["Landed in Pyongyang"]
    workspace.window.inspector_dock.raise_()
    position = view.item_position(ids["Landed in Pyongyang"])
    assert position is not None
    click_timeline(workspace, position, double=True)
    qtbot.waitUntil(feature.editor.title_edit.hasFocus, timeout=2000)
    assert feature.editor_dock.isVisible() and feature.editor.event_id() == ids["Landed in Pyongyang"]


def drawn_titles(view: TimelineView) -> set[str]:
    return {label.text.text() for label in view.drawn_labels()}


def test_the_timeline_is_laid_out_on_a_worker_and_keeps_its_picture_until_the_new_one_is_ready(
    workspace: Workspace,
) -> None:
    feature = workspace.feature
    workspace.new_case()
    ids = make_three_events(workspace)
    dock, view = feature.timeline_dock, feature.timeline_dock.view
    store = workspace.store
    feature.set_grouping(Grouping.CATEGORY)
    workspace.settle()
    feature.set_grouping(Grouping.NONE)
    workspace.settle()
    assert view.layouts_made_here == 0, "every layout came ready from the worker"
    titles = drawn_titles(view)
    assert "Back in Moscow" in titles

    rebuilds = dock.rebuilds
    store.events.update(ids["Back in Moscow"], {"title": "Returned to Moscow"})
    dock.refresh()  # the rows are being read and laid out on the worker …
    assert dock.is_loading()
    assert drawn_titles(view) == titles, "… and the old picture stays"
    store.events.update(ids["Back in Moscow"], {"title": "Back in Moscow at last"})
    dock.refresh()  # asked again meanwhile: the first result is stale and is never shown
    workspace.settle()
    assert dock.rebuilds == rebuilds + 1
    assert "Back in Moscow at last" in {item.title for item in dock.items()}
    assert "Back in Moscow" not in drawn_titles(view)
    assert view.layouts_made_here == 0


def test_a_few_days_zoomed_in_have_every_title_and_one_status_line(
    workspace: Workspace, screenshot: Screenshot
) -> None:
    """Four events over 31 July - 3 August, zoomed to those days: every marker has its title, on its
    left where the right edge or the next marker leaves no room; the header says the zone once and the
    counts in one line."""
    feature, qtbot = workspace.feature, workspace.qtbot
    workspace.new_case()
    feature.timeline_dock.raise_()
    for title, start, end in (
        ("Left Vnukovo", "2023-07-31T22:40~", None),
        ("Landed in Pyongyang", "2023-08-01", None),
        ("Delegation met officials", "2023-08-01", "2023-08-02"),
        ("Back in Moscow", "2023-08-03", None),
        ("Undated rumour", None, None),
    ):
        workspace.store.events.create(title, start, end)
    workspace.settle()
    dock, view = feature.timeline_dock, feature.timeline_dock.view
    view.zoom_to(epoch(2023, 7, 31), epoch(2023, 8, 4))
    qtbot.wait(20)
    screenshot(dock, "threadline-timeline-days.png")
    assert {title.removeprefix("~ ") for title in drawn_titles(view)} == {
        "Left Vnukovo",
        "Landed in Pyongyang",
        "Delegation met officials",
        "Back in Moscow",
    }
    marker_at = {marker.ids[0]: marker.time for marker in view.drawn_markers()}
    label_at = {label.text.text().removeprefix("~ "): view.label_time(label) for label in view.drawn_labels()}
    assert label_at["Left Vnukovo"] < marker_at[1], "no room before the next marker: on the left"
    assert label_at["Back in Moscow"] < marker_at[4], "no room before the right edge: on the left"
    assert label_at["Landed in Pyongyang"] > marker_at[2], "room enough: on the right"
    assert view.time_axis.labelText == "Times in UTC"
    assert dock.status_label.text() == "5 events: 4 on the timeline, 1 undated"
    assert dock.filter_bar.count_label.isHidden(), "the count is said once"
    assert view.empty_text() == ""
    dock.filter_bar.text_edit.setText("Moscow")
    qtbot.waitUntil(lambda: dock.status_label.text() == "1 of 5 events, on the timeline", timeout=3000)


def test_an_empty_case_shows_this_year_and_says_how_to_make_an_event(
    workspace: Workspace, screenshot: Screenshot
) -> None:
    feature = workspace.feature
    workspace.new_case()
    feature.timeline_dock.raise_()
    workspace.settle()
    view = feature.timeline_dock.view
    workspace.qtbot.wait(20)
    screenshot(feature.timeline_dock, "threadline-timeline-empty.png")
    assert view.empty_text().startswith("No dated events yet") and "(Ctrl+Shift+E)" in view.empty_text()
    hint = view.empty_label.geometry()
    plot = view.plot.viewport().rect()
    assert abs(hint.center().x() - plot.center().x()) < plot.width() / 4, "centred over the plot"
    assert hint.height() >= view.empty_label.heightForWidth(hint.width()), "every line of the hint fits"
    feature.timeline_dock.resize(feature.timeline_dock.width(), 190)  # a short dock: the plot is a strip
    workspace.qtbot.wait(20)
    view._place_empty_label()  # as a resize of the plot does
    short = view.empty_label.geometry()
    assert short.height() >= view.empty_label.heightForWidth(short.width()), "still fits"
    box = view.view_box.sceneBoundingRect().toAlignedRect()
    assert view.empty_label.autoFillBackground() or box.contains(short), "over the axis only on a background"
    assert view.empty_label.autoFillBackground(), "this strip is too short for two lines"
    low, high = view.visible_range()
    year = datetime.now(UTC).year
    assert low < epoch(year, 7, 1) < high and high - low < 400 * 86_400, "this year, not 1 January 1970"
    workspace.store.events.create("Undated rumour")
    workspace.settle()
    assert view.empty_text() == "No dated events yet: give an event a date in the Event editor."
    made = workspace.store.events.create("Landed", "2023-08-01").object_id
    workspace.settle()
    assert view.empty_text() == "" and [marker.ids for marker in view.drawn_markers()] == [(made,)]


def test_the_date_column_fits_its_longest_date_until_the_user_sizes_it(
    workspace: Workspace, screenshot: Screenshot
) -> None:
    feature, qtbot = workspace.feature, workspace.qtbot
    workspace.new_case()
    events = workspace.store.events
    events.create("Left Vnukovo", "2023-07-31T22:40~")
    events.create("The whole trip", "2023-07-31", "2023-08-02")
    events.create("Back in Moscow", "2023-08-03")
    workspace.settle()
    dock = feature.table_dock
    dock.raise_()
    workspace.window.resizeDocks([dock], [560], Qt.Orientation.Horizontal)
    qtbot.wait(20)
    screenshot(dock, "threadline-events-table-dates.png")
    date_column = int(Column.DATE)
    metrics = dock.view.fontMetrics()
    texts = [
        str(feature.table_model.index(row, date_column).data())
        for row in range(feature.table_model.rowCount())
    ]
    assert "c. 31 July 2023, 22:40" in texts
    widest = max(metrics.horizontalAdvance(text) for text in texts)
    assert dock.view.columnWidth(date_column) >= widest + 8, "no date is cut short"
    assert not dock.view.isColumnHidden(int(Column.TITLE))
    dock.view.horizontalHeader().resizeSection(date_column, 90)  # the user's width stays
    events.create("Delegation met officials", "2023-08-01T09:00/2023-08-02T18:30")
    workspace.settle()
    qtbot.wait(20)
    assert dock.view.columnWidth(date_column) == 90


def test_a_long_date_error_wraps_and_the_form_makes_room_for_it(
    workspace: Workspace, screenshot: Screenshot
) -> None:
    """The reading under the Start field grows with its message (here the long "cannot read" list with
    its Hebrew, Arabic and Russian examples) and pushes the End field down: never clipped, never under it."""
    feature, qtbot = workspace.feature, workspace.qtbot
    workspace.new_case()
    made = workspace.store.events.create("Landed", "2023-07-31").object_id
    workspace.settle()
    assert made is not None
    feature.edit_event(made)
    editor = feature.editor
    label = editor.start_edit.reading_label
    for width in (260, 420, 700):
        workspace.window.resizeDocks([feature.editor_dock], [width], Qt.Orientation.Horizontal)
        for typed in ("the night of 31 July or so", "2023-13-01"):
            editor.start_edit.line.setFocus()
            editor.start_edit.line.selectAll()
            type_text(editor.start_edit.line, typed)
            qtbot.wait(20)
            assert editor.start_edit.problem()
            assert label.height() >= label.heightForWidth(label.width()), "the whole message shows"
            bottom = label.mapTo(editor, QPoint(0, label.height())).y()
            assert bottom <= editor.end_edit.mapTo(editor, QPoint(0, 0)).y(), "it never runs under End"
        if width == 260:
            editor.start_edit.line.selectAll()
            type_text(editor.start_edit.line, "the night of 31 July or so")
            qtbot.wait(20)
            screenshot(feature.editor_dock, "threadline-editor-date-error.png")
    editor.start_edit.revert()


def test_ungraded_quotes_leave_an_event_unknown_and_the_editor_says_why(workspace: Workspace) -> None:
    feature = workspace.feature
    workspace.new_case()
    events = workspace.store.events
    made = events.create("Il-62M landed", "2023-07-31").object_id
    assert made is not None
    for number in range(4):  # four independent sources, each quoted ungraded (F6)
        source = workspace.add_source(f"Report {number}: the Il-62M landed.", f"Report {number}", "en")
        events.link_evidence(made, source, 0, 8)
    workspace.settle()
    assert events.get(made).confidence is Confidence.UNKNOWN
    feature.edit_event(made)
    note = feature.editor.confidence_note.text()
    assert "4 supporting" in note and "4 of them quoted only ungraded (F6)" in note


def test_a_source_without_dates_says_so_instead_of_an_empty_table(workspace: Workspace) -> None:
    feature = workspace.feature
    workspace.new_case()
    panel = feature.dates_panel
    assert panel.empty_label.isVisibleTo(panel) and not panel.view.isVisibleTo(panel)
    assert panel.empty_label.text() == "Open a source in the reader to see the dates it mentions."
    plain = workspace.add_source("The delegation stayed in the hotel.", "Note", "en")
    workspace.show_source(plain)
    assert panel.heading.text() == "Dates in this source (0)"
    assert panel.empty_label.isVisibleTo(panel) and not panel.view.isVisibleTo(panel)
    assert panel.empty_label.text().startswith("No dates found in this source.")
    dated = workspace.add_source(ENGLISH, "Airline", "en")
    workspace.show_source(dated)
    assert panel.view.isVisibleTo(panel) and not panel.empty_label.isVisibleTo(panel)


def test_events_of_one_day_are_put_in_order_from_the_table_menu_and_undone(workspace: Workspace) -> None:
    feature, window = workspace.feature, workspace.window
    workspace.new_case()
    events = workspace.store.events
    ids = {
        title: events.create(title, date).object_id or 0
        for title, date in (
            ("Boarding", "2023-07-31"),
            ("Take-off", "2023-07-31"),
            ("Landing", "2023-07-31"),
            ("Next morning", "2023-08-01"),
            ("That month", "2023-07"),
        )
    }
    workspace.settle()
    feature.table_dock.show()
    feature.table_dock.raise_()
    table = feature.table_dock.view
    row = feature.table_model.row_of(ids["Landing"])
    assert row is not None
    asked: list[int] = []
    feature.table_dock.context_requested.disconnect()  # the menu is looked at, not popped up offscreen
    feature.table_dock.context_requested.connect(lambda event_id, _at: asked.append(event_id))
    table.customContextMenuRequested.emit(table.visualRect(feature.table_model.index(row, 1)).center())
    assert asked == [ids["Landing"]] and table.currentIndex().row() == row, "a right click selects the row"
    menu = feature.event_menu(ids["Landing"])
    assert feature.current_event() == ids["Landing"]
    texts = [action.text() for action in menu.actions() if not action.isSeparator()]
    assert "Move &Earlier in Its Day" in texts and "Move Lat&er in Its Day" in texts
    assert feature.move_earlier_action.isEnabled() and not feature.move_later_action.isEnabled()
    menu.close()

    feature.move_earlier_action.trigger()  # Landing before Take-off
    feature.move_earlier_action.trigger()  # … and before Boarding
    workspace.settle()
    day = [ids["Landing"], ids["Boarding"], ids["Take-off"]]
    assert workspace.table_ids()[1:4] == day, "the table's date order follows"
    assert not feature.move_earlier_action.isEnabled() and feature.move_later_action.isEnabled()
    view = feature.timeline_dock.view
    items = {item.id: item for item in feature.timeline_dock.items()}
    assert [items[event_id].sequence for event_id in day] == [1 / 4, 2 / 4, 3 / 4]
    view.select(ids["Boarding"])
    view.setFocus()
    press(view, Qt.Key.Key_Left)
    assert view.selected() == ids["Landing"], "stepping on the timeline follows the order"
    feature.timeline_dock.raise_()
    view.zoom_to(epoch(2023, 7, 31), epoch(2023, 8, 1))
    workspace.qtbot.wait(20)
    spots = [view.item_position(event_id) for event_id in day]
    assert all(spot is not None for spot in spots)
    assert [spot.x() for spot in spots if spot is not None] == sorted(spot.x() for spot in spots if spot), (
        "zoomed in, the day's markers stand apart in their order"
    )
    asked.clear()
    feature.timeline_dock.context_requested.disconnect()
    feature.timeline_dock.context_requested.connect(lambda event_id, _at: asked.append(event_id))
    click_timeline(workspace, spots[2] or QPoint(), button=Qt.MouseButton.RightButton)
    assert asked == [ids["Take-off"]] and feature.current_event() == ids["Take-off"], "right click: its menu"
    feature.select_event(ids["Boarding"])
    assert feature.step(1) == ids["Take-off"] and feature.step(-1) == ids["Boarding"]
    feature.select_event(ids["That month"])
    assert not feature.move_earlier_action.isEnabled() and not feature.move_later_action.isEnabled()

    assert window.undo_stack.undoText() == "Order events of a day"
    window.undo_action.trigger()
    window.undo_action.trigger()
    workspace.settle()
    assert workspace.table_ids()[1:4] == [ids["Boarding"], ids["Take-off"], ids["Landing"]]
    assert all(item.sequence is None for item in feature.timeline_dock.items())
    window.redo_action.trigger()
    workspace.settle()
    assert workspace.table_ids()[1:4] == [ids["Boarding"], ids["Landing"], ids["Take-off"]]


def test_one_filter_bar_filters_the_table_and_the_timeline(workspace: Workspace) -> None:
    feature, qtbot = workspace.feature, workspace.qtbot
    workspace.new_case()
    source = workspace.add_source(HEBREW, "מבט גלובלי", "he")
    ids = make_three_events(workspace)
    store = workspace.store
    crew = store.entities.add("person", "Captain Orlov")
    store.events.add_participant(ids["Landed in Pyongyang"], crew.id)
    start = HEBREW.index("המשלחת")
    store.events.link_evidence(ids["Back in Moscow"], source, start, start + 30, stance=Stance.CONTRADICTS)
    workspace.settle()
    bar = feature.timeline_dock.filter_bar
    bar.reload_lists()

    bar.disputed_check.click()
    workspace.settle()
    assert workspace.table_ids() == [ids["Back in Moscow"]]
    assert workspace.timeline_ids() == {ids["Back in Moscow"]}
    assert bar.count_label.text() == "1 of 3"
    bar.disputed_check.click()

    bar.entity_combo.setCurrentIndex(bar.entity_combo.findData(crew.id))
    bar.entity_combo.activated.emit(bar.entity_combo.currentIndex())
    workspace.settle()
    assert workspace.table_ids() == [ids["Landed in Pyongyang"]]
    assert workspace.timeline_ids() == {ids["Landed in Pyongyang"]}
    bar.clear_button.click()
    workspace.settle()
    assert len(workspace.table_ids()) == 3 and bar.entity_combo.currentIndex() == 0

    bar.from_edit.setFocus()
    type_text(bar.from_edit, "1 באוגוסט 2023")
    type_text(bar.to_edit, "2023-08-02")
    press(bar.text_edit, Qt.Key.Key_Return)
    workspace.settle()
    assert workspace.table_ids() == [ids["Landed in Pyongyang"]]
    assert workspace.timeline_ids() == {ids["Landed in Pyongyang"]}
    assert feature.filters.filter.earliest == epoch(2023, 8, 1)

    feature.filters.set_filter(EventFilter(text="moscow"))
    workspace.settle()
    assert bar.text_edit.text() == "moscow" and bar.from_edit.text() == ""
    assert workspace.table_ids() == [ids["Back in Moscow"]] and workspace.timeline_ids() == {
        ids["Back in Moscow"]
    }

    # An edit that takes an event out of the filter takes it out of both views.
    store.events.update(ids["Back in Moscow"], {"title": "Back in Vnukovo"})
    workspace.settle()
    qtbot.waitUntil(lambda: workspace.table_ids() == [], timeout=2000)
    assert workspace.timeline_ids() == set()


def test_lanes_zone_and_links(workspace: Workspace) -> None:
    feature, window = workspace.feature, workspace.window
    path = workspace.new_case()
    ids = make_three_events(workspace)
    store = workspace.store
    store.events.update(ids["Left Vnukovo"], {"category": "Flight"})
    store.events.update(ids["Landed in Pyongyang"], {"category": "Flight"})
    workspace.settle()
    grouping = next(action for action in feature.grouping_group.actions() if action.data() == "category")
    grouping.trigger()
    workspace.settle()
    assert feature.timeline_dock.view.lane_titles() == ["Flight", "(no category)"]
    crew = store.entities.add("person", "Captain Orlov")
    store.events.add_participant(ids["Back in Moscow"], crew.id, "pilot")
    feature.set_grouping(Grouping.ENTITY)
    workspace.settle()
    assert feature.timeline_dock.view.lane_titles() == ["Captain Orlov", "(no participant)"]
    assert feature.timeline_dock.grouping_combo.currentData() == "entity"
    assert feature.settings.timeline_lanes == "entity"
    zone = next(action for action in feature.zone_group.actions() if action.data() == "Asia/Jerusalem")
    zone.trigger()
    assert str(feature.timezone()) == "Asia/Jerusalem"
    assert feature.timeline_dock.zone_combo.currentData() == "Asia/Jerusalem"
    assert store.events.get(ids["Left Vnukovo"]).start_edtf == "2023-07-31"
    assert feature.settings.display_timezone == "Asia/Jerusalem"

    feature.select_event(ids["Back in Moscow"])
    feature.copy_link_action.trigger()
    link = QGuiApplication.clipboard().text()
    key = case_key(store.case_info().created_at)
    name = path.name.replace(" ", "%20")
    assert link == f"threadline://case/{name}/event/{ids['Back in Moscow']}?case={key}"
    feature.select_event(None)
    assert feature.open_link(link)
    assert (
        feature.current_event() == ids["Back in Moscow"]
        and feature.editor.event_id() == ids["Back in Moscow"]
    )
    assert feature.open_link(f"threadline://case/renamed.threadline/event/{ids['Back in Moscow']}?case={key}")
    assert feature.open_link(f"threadline://case/{name}/event/{ids['Back in Moscow']}"), "a link without key"
    assert not feature.open_link("threadline://case/other.threadline/event/1")
    assert "other.threadline" in window.statusBar().currentMessage()
    assert not feature.open_link(f"threadline://case/{name}/event/1?case=0123456789ab")
    assert "another case that is also called" in window.statusBar().currentMessage()
    assert not feature.open_link(f"threadline://case/{name}/event/999?case={key}")
    assert "no event #999" in window.statusBar().currentMessage()

    feature.delete_event_action.trigger()
    assert store.events.count() == 2 and feature.current_event() is None
    window.undo_action.trigger()
    assert store.events.get(ids["Back in Moscow"]).title == "Back in Moscow"


def test_a_date_in_the_source_becomes_an_event_in_one_click(workspace: Workspace) -> None:
    feature, window, qtbot = workspace.feature, workspace.window, workspace.qtbot
    workspace.new_case()
    source = workspace.add_source(HEBREW, "מבט גלובלי", "he")
    workspace.show_source(source)
    panel = feature.dates_panel
    written = [panel.model.data(panel.model.index(row, 0)) for row in range(panel.model.rowCount())]
    assert written == ["31 ביולי 2023", "2 באוגוסט 2023"]
    assert panel.heading.text() == "Dates in this source (2)"
    text = window.reader.text()
    assert [text[start:end] for start, end in underlined_spans(window.reader)] == written
    rect = panel.view.visualRect(panel.model.index(1, 2))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    event_id = feature.current_event()
    assert event_id is not None
    detail = workspace.store.events.get(event_id)
    assert detail.start_edtf == "2023-08-02"
    assert [quote.quote for quote in detail.evidence] == [
        "המשלחת חזרה למוסקבה ב-2 באוגוסט 2023, אחרי עצירה נוספת באירקוטסק."
    ], "the sentence around the date"
    rect = panel.view.visualRect(panel.model.index(0, 0))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    start = text.index("31 ביולי 2023")
    assert window.reader.highlighted_spans(HighlightKind.CURRENT) == [(start, start + len("31 ביולי 2023"))]

    # The same in Arabic: one click, the date and the Arabic sentence around it.
    arabic = workspace.add_source(ARABIC, "مرصد الملاحة", "ar")
    workspace.show_source(arabic)
    assert panel.model.data(panel.model.index(0, 0)) == "1 أغسطس 2023"
    assert [ARABIC[start:end] for start, end in underlined_spans(window.reader)] == ["1 أغسطس 2023"]
    rect = panel.view.visualRect(panel.model.index(0, 2))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    from_arabic = workspace.store.events.get(feature.current_event() or 0)
    assert from_arabic.start_edtf == "2023-08-01" and from_arabic.id != event_id
    assert [(quote.quote, quote.stance) for quote in from_arabic.evidence] == [
        ("هبطت الطائرة في بيونغ يانغ يوم 1 أغسطس 2023 بعد توقف في إيركوتسك.", Stance.SUPPORTS)
    ]
    workspace.window.undo_action.trigger()
    assert workspace.store.events.count() == 1, "one undo step"

    # A quote in the editor opens its source at the quote.
    other = workspace.add_source(ENGLISH, "Statement", "en")
    workspace.show_source(other)
    feature.edit_event(event_id)
    card = feature.editor.evidence_cards()[0]
    card.quote_label.linkActivated.emit(f"evidence:{card.record.id}")
    assert window.reader.source_id() == source
    assert window.reader.highlighted_spans(HighlightKind.CURRENT) == [(card.record.start, card.record.end)]


# --- the demo case -----------------------------------------------------------------------------------------

#: (file name start, words in the sentence, how): events from Hebrew, Arabic and English sources
SELECTIONS = (
    ("he-mabat", "1 באוגוסט 2023", "selection"),
    ("ar-marsad", "الأول من آب/أغسطس 2023", "selection"),
    ("en-open-skies", "machine-tool parts rather than pumps", "selection"),
    ("en-taiga", "2 August 2023", "date"),
    ("he-civil-radar", "31 ביולי 2023", "date"),
)


def test_screenshot_of_the_demo_case_with_events(workspace: Workspace, screenshot: Screenshot) -> None:
    window, feature, qtbot = workspace.window, workspace.feature, workspace.qtbot
    with qtbot.waitSignal(window.session.case_opened, timeout=60_000):
        window.welcome.demo_case_button.click()
    workspace.settle()
    store = workspace.store
    worked = set(workspace.table_ids())  # the demo case comes with events of its own
    files = {store.source(summary.id).original_filename or "": summary.id for summary in store.list_sources()}

    def source_of(prefix: str) -> int:
        return next(source_id for name, source_id in files.items() if name.startswith(prefix))

    airline = store.entities.add(
        "organisation", "Taiga Meridian Airlines", ["טייגה מרידיאן", "تايغا ميريديان", "Taiga Meridian"]
    )
    for prefix, spelling in (("he-mabat", "טייגה מרידיאן"), ("ar-marsad", "تايغا ميريديان")):
        text = store.source_text(source_of(prefix))
        position = text.find(spelling)
        while position >= 0:
            store.entities.tag(source_of(prefix), position, position + len(spelling), airline.id)
            position = text.find(spelling, position + 1)

    made = []
    for prefix, words, how in SELECTIONS:
        workspace.show_source(source_of(prefix))
        if how == "selection":
            text = window.reader.text()
            window.reader.select_span(
                *sentence_around(text, text.index(words), text.index(words) + len(words))
            )
            window.reader.new_event_action.trigger()
        else:
            panel = feature.dates_panel
            row = next(row for row, found in enumerate(panel.model.dates()) if found.text.startswith(words))
            panel.create_requested.emit(panel.model.date_at(row))
        assert feature.current_event() is not None
        made.append(feature.current_event())
    landed, landed_ar, cargo, returned, departed = made
    events = store.events
    assert events.get(landed).start_edtf == "2023-08-01" and events.get(landed_ar).start_edtf == "2023-08-01"
    assert events.get(departed).start_edtf == "2023-07-31T22:40~"
    assert events.get(cargo).start is None, "no date near the quote: the investigator gives one"
    editor = feature.editor
    feature.edit_event(cargo)
    editor.start_edit.line.setFocus()
    type_text(editor.start_edit.line, "1 August 2023")
    press(editor.start_edit.line, Qt.Key.Key_Return)
    assert events.get(cargo).start_edtf == "2023-08-01"
    statement = source_of("en-taiga")
    text = store.source_text(statement)
    first, last = sentence_around(text, text.index("The only cargo"), text.index("The only cargo") + 14)
    events.link_evidence(cargo, statement, first, last, stance=Stance.CONTRADICTS, credibility=3)
    events.update(cargo, {"title": "Machine-tool parts loaded in Irkutsk as pumps", "category": "Cargo"})
    for event_id in (landed, landed_ar, departed, returned):
        events.update(event_id, {"category": "Flight"})
    events.tag(landed, "Il-62M")
    workspace.settle()
    assert set(workspace.table_ids()) == worked | set(made) and len(made) == len(SELECTIONS)
    assert workspace.timeline_ids() == worked | set(made)
    assert events.get(cargo).disputed
    assert [person.name for person in events.get(landed).participants] == ["Taiga Meridian Airlines"]
    assert [person.name for person in events.get(landed_ar).participants] == ["Taiga Meridian Airlines"]

    feature.set_grouping(Grouping.SOURCE)
    workspace.settle()
    assert set(feature.timeline_dock.view.lane_titles()) >= {store.source(statement).title}
    feature.set_grouping(Grouping.CATEGORY)
    workspace.settle()
    assert {"Cargo", "Flight"} <= set(feature.timeline_dock.view.lane_titles())
    feature.edit_event(cargo)
    workspace.show_source(source_of("he-mabat"))
    window.reader.scroll_to(window.reader.text().index("1 באוגוסט 2023"))
    feature.table_dock.raise_()
    feature.timeline_dock.raise_()
    window.resizeDocks([feature.table_dock, feature.editor_dock], [470, 410], Qt.Orientation.Horizontal)
    window.resizeDocks([feature.timeline_dock], [380], Qt.Orientation.Vertical)
    qtbot.wait(50)
    feature.timeline_dock.view.zoom_to(epoch(2023, 7, 31), epoch(2023, 8, 3, 12))
    qtbot.wait(200)
    shot = screenshot(window, "threadline-events.png")
    assert shot.stat().st_size > 50_000
