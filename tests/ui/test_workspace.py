"""The desktop workspace end to end: a real window, real case files, real imported files, offscreen.

Each test runs with its own user folders (QSettings, platformdirs' data folder) inside ``tmp_path``, so a
"first run" really is one and nothing touches the real home folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fpdf import FPDF
from PySide6.QtCore import QEvent, QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeyEvent, QTextLayout
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.core.records import ImportOutcome, ImportStatus
from app.store import CaseStore
from app.ui.application import create_main_window, default_case_dir
from app.ui.case_session import CaseSession
from app.ui.main_window import MainWindow
from app.ui.reader import HighlightKind
from app.ui.settings import Settings
from tests.ui.conftest import Screenshot

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

HEBREW_HTML = """<!DOCTYPE html>
<html lang="he" dir="rtl"><head><meta charset="utf-8"><title>המטוס הרוסי נחת בפיונגיאנג</title>
<meta name="author" content="נועה ברקוביץ"></head>
<body><article><h1>המטוס הרוסי נחת בפיונגיאנג</h1>
<p>מטוס מדגם Il-62M של חברת שכר רוסית נחת בפיונגיאנג אחרי עצירת תדלוק באירקוטסק, ושם לפי עדות הועמסו עליו
ארגזים נוספים. החברה לא הגיבה לפנייתנו.</p>
<p>לפי גורמים בענף התעופה, המטוס המריא מנמל התעופה ונוקובו בשעות הלילה, ובדרכו חזרה מפיונגיאנג עצר שוב
באירקוטסק. מומחים שעמם שוחחנו הזכירו כי החלטה 2397 של מועצת הביטחון אוסרת להעביר לצפון קוריאה מכונות
תעשייתיות.</p>
<p>המשלחת הגיעה לפיונגיאנג כדי לחתום על הסכם לשיתוף פעולה תעשייתי, כך נמסר בהודעה רשמית.</p>
</article></body></html>
"""
ARABIC_TEXT = (
    "هبطت طائرة من طراز Il-62M تابعة لشركة تايغا ميريديان في بيونغ يانغ بعد توقف للتزود بالوقود في "
    "إيركوتسك.\r\nوقالت مصادر في المطار إن عشرات الصناديق حُمّلت على متن الطائرة.\r\n"
)
ENGLISH_PAGES = (
    "The chartered Il-62M left Vnukovo late on 31 July 2023 with a government delegation on board.",
    "After a refuelling stop in Irkutsk the aircraft landed in Pyongyang on 1 August 2023.",
)


# --- user folders and windows ----------------------------------------------------------------------------


@contextmanager
def user_folders_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point QSettings and platformdirs at ``tmp_path`` for a while; yield the folder new cases go to."""
    qt_config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    for variable, folder in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(variable, str(tmp_path / folder))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    case_dir = default_case_dir()
    assert tmp_path in case_dir.parents
    try:
        yield case_dir
    finally:  # Qt keeps these for the whole process: put back what later tests expect
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, qt_config_home)
        QSettings.setDefaultFormat(QSettings.Format.NativeFormat)


WindowFactory = Callable[[], MainWindow]


@pytest.fixture
def open_window(
    gui_app: QApplication, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[WindowFactory]:
    """Start Threadline's window the way ``run_gui`` does; call again after closing one to "restart"."""
    windows: list[MainWindow] = []

    def start() -> MainWindow:
        window = create_main_window(Settings(), default_case_dir())
        qtbot.addWidget(window)
        window.show()
        window.start()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    with user_folders_in(tmp_path, monkeypatch):
        yield start
        for window in windows:
            close_dialogs(window)
            window.close()


def close_dialogs(window: QWidget) -> None:
    for widget in QApplication.topLevelWidgets():
        if widget is not window and widget.isVisible() and window.isAncestorOf(widget):
            widget.close()


@pytest.fixture
def window(open_window: WindowFactory) -> MainWindow:
    return open_window()


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` as key events carrying it (qtbot.keyClicks aborts on non-ASCII text here)."""
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            )


def press(
    widget: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, key, modifiers))


def new_case(window: MainWindow, qtbot: QtBot, name: str = "Il-62M flights") -> Path:
    path = window.case_dir / f"{name}.threadline"
    with qtbot.waitSignal(window.session.case_opened, timeout=5000):
        window.new_case_requested.emit(path)
    return path


# --- real files to import ----------------------------------------------------------------------------------


@pytest.fixture
def sample_files(tmp_path: Path) -> list[Path]:
    """A Hebrew web page, an Arabic windows-1256 text and a two-page English PDF."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    html = folder / "mabat.html"
    html.write_text(HEBREW_HTML, encoding="utf-8")
    arabic = folder / "ufuq.txt"
    arabic.write_bytes(ARABIC_TEXT.encode("cp1256"))
    pdf = folder / "ledger.pdf"
    document = FPDF()
    document.add_font("DejaVu", fname=str(DEJAVU))
    document.set_font("DejaVu", size=12)
    for page in ENGLISH_PAGES:
        document.add_page()
        document.multi_cell(0, 8, page)
    document.output(str(pdf))
    return [html, arabic, pdf]


def drop_files(target: QWidget, paths: list[Path]) -> tuple[bool, bool]:
    """Drag ``paths`` over ``target`` and drop them there, as the window system would."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    centre = target.rect().center()
    enter = QDragEnterEvent(
        centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(target, enter)
    drop = QDropEvent(
        QPointF(centre),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, drop)
    return enter.isAccepted(), drop.isAccepted()


def import_by_drop(window: MainWindow, qtbot: QtBot, paths: list[Path]) -> list[ImportOutcome]:
    with qtbot.waitSignal(window.import_controller.import_finished, timeout=30_000) as finished:
        entered, dropped = drop_files(window.reader.viewport(), paths)
        assert entered and dropped, "files dropped on the reader reach the window's import"
    summary = window.import_controller.summary_dialog
    if summary is not None:
        summary.close()
    activate(window, qtbot)  # the summary window had the focus
    return finished.args[0]


def activate(window: MainWindow, qtbot: QtBot) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)


def source_titles(window: MainWindow) -> list[str]:
    model = window.sources_dock.model
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


# --- first run and cases -----------------------------------------------------------------------------------


def test_first_run_shows_the_welcome_view(window: MainWindow) -> None:
    assert window.current_view() is window.welcome
    assert window.windowTitle() == "Threadline"
    assert not any(dock.isVisible() for dock in window._docks())
    assert not window.actions.import_files.isEnabled() and not window.actions.close_case.isEnabled()
    assert window.actions.new_case.isEnabled() and window.actions.open_demo.isEnabled()
    assert window.welcome.demo_case_button.isVisible()
    assert window.case_label.text() == "No case open"


def test_a_new_case_opens_the_workspace(window: MainWindow, qtbot: QtBot) -> None:
    path = new_case(window, qtbot)
    assert path.is_file() and window.case_dir in path.parents
    assert window.current_view() is window.workspace
    assert window.windowTitle() == "Il-62M flights — Threadline"
    assert all(dock.isVisible() for dock in window._docks())
    assert window.source_count_label.text() == "0 sources"
    assert window.actions.import_files.isEnabled()
    assert window.session.recent_cases() == [path.resolve()]


def test_a_hebrew_case_name_keeps_the_title_in_order(window: MainWindow, qtbot: QtBot) -> None:
    new_case(window, qtbot, "טיסות Il-62M")
    assert window.windowTitle() == "\u2068טיסות Il-62M\u2069 — Threadline"
    assert window.case_label.text() == "\u2068טיסות Il-62M\u2069"
    recent = window.recent_menu.actions()[0]
    assert recent.text() == "&1 \u2068טיסות Il-62M.threadline\u2069"
    # inside its isolate the name reads right to left: the Hebrew word ends up right of "Il-62M"
    layout_text = window.case_label.text()
    layout = QTextLayout(layout_text, window.case_label.font())
    layout.beginLayout()
    line = layout.createLine()
    layout.endLayout()
    hebrew_x = line.cursorToX(layout_text.index("טיסות") + 1)[0]
    latin_x = line.cursorToX(layout_text.index("Il-62M") + 1)[0]
    assert hebrew_x > latin_x


def test_a_file_that_is_not_a_case_is_explained(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    path = new_case(window, qtbot)
    stranger = tmp_path / "notes.threadline"
    stranger.write_text("not a database", encoding="utf-8")
    window.open_case_requested.emit(stranger)
    box = window.findChild(QMessageBox, "message_box")
    assert box is not None and box.isVisible()
    assert "is not a Threadline case file" in box.text()
    box.close()
    assert window.store is not None and window.store.path == path, "the open case stays open"


def test_closing_the_case_returns_to_the_welcome_view(window: MainWindow, qtbot: QtBot) -> None:
    new_case(window, qtbot)
    with qtbot.waitSignal(window.session.case_closed, timeout=1000):
        window.actions.close_case.trigger()
    assert window.current_view() is window.welcome
    assert window.windowTitle() == "Threadline"
    assert window.settings.last_case is None, "a case closed by hand does not reopen at the next start"
    assert not any(dock.isVisible() for dock in window._docks())


def test_recent_cases_menu(window: MainWindow, qtbot: QtBot) -> None:
    first = new_case(window, qtbot, "first")
    second = new_case(window, qtbot, "second")
    texts = [action.text() for action in window.recent_menu.actions() if not action.isSeparator()]
    assert texts == ["&1 second.threadline", "&2 first.threadline", "&Clear Recent Cases"]
    with qtbot.waitSignal(window.session.case_opened, timeout=5000):
        window.recent_menu.actions()[1].trigger()
    assert window.store is not None and window.store.path == first
    window.actions.close_case.trigger()
    second.unlink()
    window._fill_recent_menu()
    texts = [action.text() for action in window.recent_menu.actions() if not action.isSeparator()]
    assert texts == ["&1 first.threadline", "&Clear Recent Cases"], "a missing case leaves the list"


def test_save_a_copy(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    path = new_case(window, qtbot)
    copy = tmp_path / "copies" / "copy.threadline"
    copy.parent.mkdir()
    assert window.save_copy(copy)
    with CaseStore.open(copy) as opened:
        assert opened.case_info().title == "Il-62M flights"
    assert window.store is not None and window.store.path == path


# --- the whole day: import, read, search, find, edit, undo, reopen --------------------------------------


def test_drop_search_find_edit_undo_and_reopen(
    open_window: WindowFactory, qtbot: QtBot, sample_files: list[Path]
) -> None:
    window = open_window()
    path = new_case(window, qtbot)

    # Drop three real files on the window: they import and appear in the list without a restart.
    outcomes = import_by_drop(window, qtbot, sample_files)
    assert [outcome.status for outcome in outcomes] == [ImportStatus.IMPORTED] * 3
    qtbot.waitUntil(lambda: window.sources_dock.model.rowCount() == 3, timeout=3000)
    assert "המטוס הרוסי נחת בפיונגיאנג" in source_titles(window)
    assert window.source_count_label.text() == "3 sources"
    hebrew_id = next(o.source_id for o in outcomes if o.path.endswith("mabat.html"))
    assert hebrew_id is not None

    # Search all sources: the Hebrew page matches with its prefixed forms; clicking opens it.
    window.actions.search_all.trigger()
    assert window.search_panel.query_edit.hasFocus()
    type_text(window.search_panel.query_edit, "פיונגיאנג")
    qtbot.waitUntil(lambda: window.search_panel.model.rowCount() == 1, timeout=5000)
    assert window.search_panel.summary() == "1 source matches."
    results = window.search_panel.results_view
    row = results.visualRect(window.search_panel.model.index(0))
    qtbot.mouseClick(results.viewport(), Qt.MouseButton.LeftButton, pos=row.center())
    assert window.reader.source_id() == hebrew_id
    text = window.reader.text()
    highlighted = [text[start:end] for start, end in window.reader.highlighted_spans(HighlightKind.SEARCH)]
    assert highlighted == ["בפיונגיאנג", "בפיונגיאנג", "מפיונגיאנג", "לפיונגיאנג"]
    current = window.reader.highlighted_spans(HighlightKind.CURRENT)
    assert [text[start:end] for start, end in current] == ["בפיונגיאנג"]
    assert window.reader.cursor_offset() == current[0][0], "the first hit is where the reader is"
    assert window.reader.viewport().rect().contains(window.reader.cursorRect().center())
    assert window.sources_dock.selected_ids() == [hebrew_id]
    assert window.inspector_dock.source_id() == hebrew_id
    assert window.source_header.title() == "המטוס הרוסי נחת בפיונגיאנג"

    # Find in the source: the same matching, counted.
    window.actions.find.trigger()
    type_text(window.find_bar.query_edit, "פיונגיאנג")
    assert window.find_bar.count_label.text().endswith("of 4")
    window.actions.find_next.trigger()
    first_count = window.find_bar.count_label.text()
    window.actions.find_previous.trigger()
    assert window.find_bar.count_label.text() != first_count
    press(window.find_bar.query_edit, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()

    # Edit the title in the inspector; Edit ▸ Undo puts it back.
    title_editor = window.inspector_dock.editors["title"]
    title_editor.setFocus()
    title_editor.selectAll()
    type_text(title_editor, "מבט גלובלי — פיונגיאנג")
    press(title_editor, Qt.Key.Key_Return)
    assert window.store is not None
    assert window.store.source(hebrew_id).title == "מבט גלובלי — פיונגיאנג"
    assert window.undo_action.isEnabled()
    assert window.undo_action.text().startswith("&Undo Edit title of")
    qtbot.waitUntil(lambda: window.source_header.title() == "מבט גלובלי — פיונגיאנג", timeout=3000)
    window.undo_action.trigger()
    assert window.store.source(hebrew_id).title == "המטוס הרוסי נחת בפיונגיאנג"
    qtbot.waitUntil(lambda: title_editor.text() == "המטוס הרוסי נחת בפיונגיאנג", timeout=3000)
    assert window.redo_action.isEnabled()

    # An edit left in the field when the case closes is still saved.
    window.inspector_dock.editors["author"].setFocus()
    window.inspector_dock.editors["author"].setText("נועה ברקוביץ (מבט גלובלי)")
    window.actions.close_case.trigger()
    assert window.current_view() is window.welcome
    window.open_case_requested.emit(path)
    assert window.store is not None
    qtbot.waitUntil(lambda: window.sources_dock.model.rowCount() == 3, timeout=3000)
    assert window.store.source(hebrew_id).author == "נועה ברקוביץ (מבט גלובלי)"
    assert window.store.source(hebrew_id).title == "המטוס הרוסי נחת בפיונגיאנג"

    # Quit with the case open and start again: the case reopens, everything where it was.
    window.inspector_dock.show_source(hebrew_id)
    window.inspector_dock.editors["publisher"].setFocus()
    window.inspector_dock.editors["publisher"].setText("מבט גלובלי")
    titles = sorted(source_titles(window))
    window.close()
    again = open_window()
    assert again.store is not None and again.store.path == path
    assert again.current_view() is again.workspace
    assert again.windowTitle() == "Il-62M flights — Threadline"
    qtbot.waitUntil(lambda: again.sources_dock.model.rowCount() == 3, timeout=3000)
    assert sorted(source_titles(again)) == titles
    assert again.store.source(hebrew_id).publisher == "מבט גלובלי", "typing left in a field at quit is kept"
    again.search_panel.set_query("بيونغ يانغ")
    qtbot.waitUntil(lambda: again.search_panel.model.rowCount() == 1, timeout=5000)
    assert again.search_panel.model.hit(0).title == "ufuq"


def test_a_pdf_shows_the_page_of_the_cursor(
    window: MainWindow, qtbot: QtBot, sample_files: list[Path]
) -> None:
    new_case(window, qtbot)
    outcomes = import_by_drop(window, qtbot, [sample_files[2]])
    pdf_id = outcomes[0].source_id
    assert pdf_id is not None
    window.show_source(pdf_id)
    assert window.page_label.isVisible()
    assert window.page_label.text() == "Page 1 of 2"
    window.reader.scroll_to(window.reader.text().index("Pyongyang"))
    assert window.page_label.text() == "Page 2 of 2"


def test_selection_commands_report_what_they_would_get(
    window: MainWindow, qtbot: QtBot, sample_files: list[Path]
) -> None:
    new_case(window, qtbot)
    outcomes = import_by_drop(window, qtbot, [sample_files[0]])
    source_id = outcomes[0].source_id
    window.show_source(source_id)
    assert not window.reader.tag_entity_action.isEnabled()
    text = window.reader.text()
    start = text.index("Il-62M")
    window.reader.select_span(start, start + len("Il-62M"))
    assert window.reader.tag_entity_action.isEnabled() and window.actions.copy.isEnabled()
    window.reader.tag_entity_action.trigger()
    dialog = window.entities.tag_dialog
    assert dialog is not None and dialog.isVisible(), "Tag as Entity opens the tag dialog"
    assert dialog.picker.text() == "Il-62M"
    dialog.reject()
    window.reader.new_event_action.trigger()
    assert window.statusBar().currentMessage() == "New event “Il-62M” with the selection as evidence."
    edit_menu = window.menuBar().actions()[1].menu()
    assert window.reader.add_evidence_action in edit_menu.actions()


def test_hebrew_paragraphs_read_right_to_left(
    window: MainWindow, qtbot: QtBot, sample_files: list[Path]
) -> None:
    new_case(window, qtbot)
    outcomes = import_by_drop(window, qtbot, sample_files[:2])
    for outcome in outcomes:
        window.show_source(outcome.source_id)
        document = window.reader.document()
        block = document.findBlock(window.reader.text().index("Il-62M"))
        assert block.blockFormat().layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert block.textDirection() == Qt.LayoutDirection.RightToLeft
        assert block.blockFormat().alignment() & Qt.AlignmentFlag.AlignRight
        line = block.layout().lineAt(0)
        assert line.naturalTextRect().right() > window.reader.viewport().width() - 40, "set against the right"


def test_dropping_without_a_case_is_refused(window: MainWindow) -> None:
    entered, dropped = drop_files(window, [Path(__file__)])
    assert not entered and not dropped


def test_menus_and_shortcuts(window: MainWindow) -> None:
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&View", "E&ntities", "E&vents", "&Help"]

    def entries(index: int) -> dict[str, str]:
        menu = window.menuBar().actions()[index].menu()
        return {
            action.text(): action.shortcut().toString()
            for action in menu.actions()
            if not action.isSeparator()
        }

    file_menu = entries(0)
    for text in (
        "&New Case…",
        "&Open Case…",
        "Open &Recent",
        "Save a &Copy…",
        "&Close Case",
        "&Import Files…",
        "Import &Folder…",
        "&Paste as New Source…",
        "New &Note…",
        "&Quit",
    ):
        assert text in file_menu
    assert file_menu["&Import Files…"] == "Ctrl+I" and file_menu["&Close Case"] == "Ctrl+W"
    edit_menu = entries(1)
    assert edit_menu["&Undo"] == "Ctrl+Z"
    assert edit_menu["&Find in Source…"] == "Ctrl+F"
    assert edit_menu["Find &Next"] == "F3" and edit_menu["Find Pre&vious"] == "Shift+F3"
    assert edit_menu["&Search All Sources…"] == "Ctrl+Shift+F"
    assert edit_menu["Tag as &Entity…"] == "Ctrl+E"
    view_menu = entries(2)
    assert view_menu["Sources"] == "Ctrl+1" and view_menu["Zoom In"] == "Ctrl++"
    assert "&Word Wrap" in view_menu
    assert all(not action.icon().isNull() for action in window.toolbar.actions() if not action.isSeparator())


def test_dock_layout_and_zoom_are_remembered(open_window: WindowFactory, qtbot: QtBot) -> None:
    window = open_window()
    new_case(window, qtbot)
    window.inspector_dock.toggleViewAction().trigger()
    assert not window.inspector_dock.isVisible()
    window.reader.zoom_in_action.trigger()
    size = window.reader.point_size()
    window.close()
    again = open_window()
    assert again.store is not None
    assert not again.inspector_dock.isVisible() and again.sources_dock.isVisible()
    assert again.reader.point_size() == size


def test_the_session_alone(
    gui_app: QApplication, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with user_folders_in(tmp_path, monkeypatch) as case_dir:
        session = CaseSession(Settings(), case_dir)
        failures: list[str] = []
        session.failed.connect(failures.append)
        assert not session.open_case(tmp_path / "missing.threadline")
        assert failures and "No case file at" in failures[0]
        assert session.new_case(case_dir / "one")
        assert session.store is not None and session.store.path == case_dir / "one.threadline"
        assert not session.new_case(case_dir / "one.threadline"), "an existing file is not overwritten"
        assert "already exists" in failures[-1]
        with qtbot.waitSignal(session.case_closed, timeout=1000):
            session.shut_down()
        assert session.store is None
        assert Settings().last_case == (case_dir / "one.threadline").resolve()


def test_an_upgraded_case_says_where_the_old_copy_is(window: MainWindow) -> None:
    """Only one schema exists so far, so the session's signal stands in for a real upgrade."""
    window.session.upgraded.emit("/cases/old.threadline.schema-0001.20261125T120000Z.bak")
    box = window.findChild(QMessageBox, "message_box")
    assert box is not None and box.icon() == QMessageBox.Icon.Information
    assert "/cases/old.threadline.schema-0001.20261125T120000Z.bak" in box.text()
    box.close()


def test_the_keyboard_reaches_every_frequent_command(
    window: MainWindow, qtbot: QtBot, sample_files: list[Path]
) -> None:
    new_case(window, qtbot)
    outcomes = import_by_drop(window, qtbot, [sample_files[0]])
    window.show_source(outcomes[0].source_id)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible() and window.find_bar.query_edit.hasFocus()
    type_text(window.find_bar.query_edit, "פיונגיאנג")
    assert window.find_bar.count_label.text() == "1 of 4"
    qtbot.keyClick(window.find_bar.query_edit, Qt.Key.Key_F3)
    assert window.find_bar.count_label.text() == "2 of 4"
    qtbot.keyClick(window.find_bar.query_edit, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert window.find_bar.count_label.text() == "1 of 4"
    shift_control = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.reader, Qt.Key.Key_F, shift_control)
    assert window.search_panel.query_edit.hasFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert not window.sources_dock.isVisible()
    qtbot.keyClick(window.reader, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.sources_dock.isVisible()
    size = window.reader.point_size()
    qtbot.keyClick(window.search_panel.query_edit, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.reader.point_size() == size + 1, "zoom works wherever the focus is"
    text = window.reader.text()
    start = text.index("Il-62M")
    window.reader.select_span(start, start + len("Il-62M"))
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.entities.tag_dialog
    assert dialog is not None and dialog.isVisible() and dialog.picker.text() == "Il-62M"
    press(dialog.picker.line, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    window.actions.copy.trigger()
    assert QApplication.clipboard().text() == "Il-62M"


def test_a_copy_that_cannot_be_written_is_explained(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    new_case(window, qtbot)
    assert not window.save_copy(tmp_path / "no such folder" / "copy.threadline")
    box = window.findChild(QMessageBox, "message_box")
    assert box is not None and "no such folder" in box.text()
    box.close()


def test_an_import_from_a_terminal_is_noticed_and_a_reload_shows_it(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, screenshot: Screenshot
) -> None:
    import subprocess
    import sys

    path = new_case(window, qtbot)
    window.case_watch._timer.setInterval(100)
    window.case_watch.set_store(window.store)
    note = tmp_path / "wire.txt"
    note.write_text("The Il-62M landed in Pyongyang on 31 July 2023.", encoding="utf-8")
    qtbot.wait(400)
    assert window.reload_button.isHidden()  # the window's own case creation is not "another program"
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "import", str(path), str(note)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert source_titles(window) == []  # the list shows what this window knows
    qtbot.waitUntil(window.reload_button.isVisible, timeout=5000)
    screenshot(window, "outside_changes.png")
    window.reload_button.click()
    qtbot.waitUntil(lambda: source_titles(window) == ["wire"], timeout=5000)
    assert window.reload_button.isHidden()
    assert window.store is not None and not window.store.changed_elsewhere()


def test_tab_leaves_a_list_and_a_panel_shortcut_brings_a_hidden_tab_forward(
    window: MainWindow, qtbot: QtBot
) -> None:
    from PySide6.QtTest import QTest

    new_case(window, qtbot)
    listing = window.sources_dock.view
    listing.setFocus()
    qtbot.waitUntil(listing.hasFocus, timeout=2000)
    QTest.keyClick(listing, Qt.Key.Key_Tab)
    assert not listing.hasFocus()  # arrows move inside the list; Tab goes on to the next part
    review, timeline = window.review_dock, window.events.timeline_dock
    timeline.raise_()  # Mention Review is open, behind the Timeline tab
    qtbot.waitUntil(lambda: review.visibleRegion().isEmpty(), timeout=2000)
    QTest.keyClick(window.reader, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not review.visibleRegion().isEmpty(), timeout=2000)
    assert review.isVisible() and review.toggleViewAction().isChecked()
    QTest.keyClick(window.reader, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert not review.isVisible()  # pressed again, on a panel in view: it hides
