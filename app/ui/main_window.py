"""The main window: the welcome view before a case is open, the workspace once one is.

The workspace is the reader (with the find bar under it) in the centre, the sources and the entities on
the left, the inspector and the entity page on the right, the search results and the mention review under
the reader; all docks can be moved, and their layout is remembered. The entity features live in
``app.ui.entities`` and reach the window through one ``EntitiesController``. The window never opens a
case file itself: the ``CaseSession`` does, and the window follows its ``case_opened`` /
``case_closed``. Changes to the case reach the views through one ``StoreBridge``.

Every edit is written to the case file as it is made, so there is nothing to save. The window only makes
sure an edit still being typed (a field with the focus) is finished before a case closes.
"""

from __future__ import annotations

import logging
import unicodedata
from contextlib import suppress
from pathlib import Path

from PySide6.QtCore import QMimeData, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QKeySequence,
    QPalette,
    QResizeEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCommandLinkButton,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

import app
from app.core.errors import ThreadlineError
from app.core.records import Change, ChangeKind, ImportOutcome, ImportStatus, SearchHit
from app.store import CaseStore
from app.ui.actions import WindowActions, bring_up_with, with_shortcut_in_tooltip
from app.ui.case_session import CASE_SUFFIX, CaseSession, with_case_suffix
from app.ui.case_watch import CaseWatcher
from app.ui.entities.controller import EntitiesController
from app.ui.events import EventsFeature
from app.ui.export_dialog import add_export_menu
from app.ui.find_bar import FindBar
from app.ui.import_controller import ImportController
from app.ui.inspector import InspectorDock
from app.ui.original_viewer import open_original
from app.ui.reader import HighlightKind, ReaderView, paragraph_direction
from app.ui.resources import icon
from app.ui.search_panel import SearchPanel
from app.ui.settings import Settings
from app.ui.sources_dock import SourcesDock
from app.ui.store_bridge import StoreBridge

log = logging.getLogger(__name__)

_COLUMN_WIDTH = 560
_MESSAGE_MS = 8000
_FSI, _PDI = "\u2068", "\u2069"  # first-strong isolate and its end


def isolated(name: str) -> str:
    """``name`` wrapped in a bidi isolate if it holds right-to-left letters.

    In "טיסות Il-62M — Threadline" the Hebrew would make the whole title right-to-left and put
    "Threadline" first; isolated, the name keeps its own order and the title stays "name — Threadline".
    """
    if any(unicodedata.bidirectional(char) in ("R", "AL") for char in name):
        return f"{_FSI}{name}{_PDI}"
    return name


class WelcomeView(QWidget):
    """Three ways in: a new case, an existing one, or the demo case."""

    new_case_requested = Signal()
    open_case_requested = Signal()
    demo_case_requested = Signal()

    def __init__(self, case_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        self.new_case_button = self._button(
            "welcome_new_case",
            "new-case",
            self.tr("New Case…"),
            self.tr("Start an empty case file, then import your sources into it."),
        )
        self.open_case_button = self._button(
            "welcome_open_case",
            "open",
            self.tr("Open Case…"),
            self.tr("Continue with a case file you already have."),
        )
        self.demo_case_button = self._button(
            "welcome_demo_case",
            "source",
            self.tr("Open the Demo Case"),
            self.tr(
                "A fictional story told by news, posts and a tip-off in Hebrew, Arabic, English and Russian."
            ),
        )
        self.new_case_button.clicked.connect(self.new_case_requested)
        self.open_case_button.clicked.connect(self.open_case_requested)
        self.demo_case_button.clicked.connect(self.demo_case_requested)
        row = QHBoxLayout(self)
        row.addStretch(1)
        row.addWidget(self._column(case_dir), 3)
        row.addStretch(1)

    def _column(self, case_dir: Path) -> QWidget:
        """Everything in one column of bounded width, so wrapped text gets the height it needs."""
        column = QWidget(self)
        column.setMaximumWidth(_COLUMN_WIDTH)
        layout = QVBoxLayout(column)
        layout.setSpacing(8)
        layout.addStretch(1)
        layout.addWidget(self._title())
        layout.addWidget(self._tagline())
        layout.addSpacing(24)
        for button in (self.new_case_button, self.open_case_button, self.demo_case_button):
            layout.addWidget(button)
        layout.addSpacing(24)
        layout.addWidget(self._where_cases_live(case_dir))
        layout.addStretch(2)
        return column

    def _title(self) -> QLabel:
        title = QLabel(self.tr("Threadline"))
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 2.4)
        font.setWeight(QFont.Weight.DemiBold)
        title.setFont(font)
        return title

    def _tagline(self) -> QLabel:
        tagline = QLabel(self.tr("Evidence-linked timelines from multilingual sources."))
        tagline.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        tagline.setWordWrap(True)
        return tagline

    def _button(self, name: str, icon_name: str, text: str, description: str) -> QCommandLinkButton:
        button = QCommandLinkButton(text, description, self)
        button.setObjectName(name)
        button.setIcon(icon(icon_name))
        button.setIconSize(QSize(24, 24))
        return button

    def _where_cases_live(self, case_dir: Path) -> QLabel:
        label = QLabel(
            self.tr("New cases are saved in {folder} unless you choose another place.").format(
                folder=case_dir
            )
        )
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # muted, yet readable in any theme
        return label


class SourceHeader(QLabel):
    """The title of the source in the reader, over it, laid out in the title's own direction."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("source_header")
        self.setContentsMargins(10, 6, 10, 2)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setWeight(QFont.Weight.DemiBold)
        self.setFont(font)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._full = ""

    def set_title(self, title: str) -> None:
        self._full = title
        direction = paragraph_direction(title) or Qt.LayoutDirection.LeftToRight
        self.setLayoutDirection(direction)
        side = (
            Qt.AlignmentFlag.AlignRight
            if direction == Qt.LayoutDirection.RightToLeft
            else Qt.AlignmentFlag.AlignLeft
        )
        self.setAlignment(side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter)
        self.setToolTip(title)
        self._elide()

    def title(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(0, self.width() - 20)
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width))


class MainWindow(QMainWindow):
    """Menus, toolbar, status bar, and in the middle the welcome view or the workspace of the open case."""

    new_case_requested = Signal(object)  # Path the user chose for the new case file
    open_case_requested = Signal(object)  # Path of an existing case file
    demo_case_requested = Signal()

    def __init__(self, session: CaseSession, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.session = session
        self.settings = settings
        self.case_dir = session.case_dir
        self._store: CaseStore | None = None
        self._bridge: StoreBridge | None = None
        self._layout_restored = False
        self._demo_task: object | None = None
        self.undo_stack = QUndoStack(self)
        self.setWindowTitle(self.tr("Threadline"))
        self.resize(1280, 800)
        self._build_centre()
        self._build_docks()
        self.import_controller = ImportController(self)
        self.case_watch = CaseWatcher(self)
        self._create_actions()
        self._create_menus()
        self._create_toolbar()
        self._create_status_bar()
        self._connect()
        self.setAcceptDrops(True)
        self._restore_reader_settings()
        self._restore_geometry()
        self._show_no_case()
        self.events = EventsFeature(self)  # timeline, events table, event editor; attaches itself
        self._let_tab_leave_lists()

    def _let_tab_leave_lists(self) -> None:
        """Tab moves to the next part of the window; arrows move within a list or table. (An item view
        takes Tab for itself by default, so keyboard users were stuck in the first list they reached.)"""
        for view in self.findChildren(QAbstractItemView):
            view.setTabKeyNavigation(False)

    # --- building -----------------------------------------------------------------------------------------

    def _build_centre(self) -> None:
        self.welcome = WelcomeView(self.case_dir, self)
        self.reader = ReaderView(self)
        self.reader.setObjectName("reader")
        self.reader.setPlaceholderText(self.tr("Choose a source in the list to read it here."))
        self.find_bar = FindBar(self.reader, self)
        self.source_header = SourceHeader(self)
        self.workspace = QWidget(self)
        self.workspace.setObjectName("workspace")
        column = QVBoxLayout(self.workspace)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.source_header)
        column.addWidget(self.reader, 1)
        column.addWidget(self.find_bar)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self.welcome)
        self._stack.addWidget(self.workspace)
        self.setCentralWidget(self._stack)

    def _build_docks(self) -> None:
        self.sources_dock = SourcesDock(self)
        self.inspector_dock = InspectorDock(self.undo_stack, self)
        self.inspector_dock.setObjectName("inspector_dock")
        self.search_panel = SearchPanel(self)
        self.search_dock = QDockWidget(self.tr("Search"), self)
        self.search_dock.setObjectName("search_dock")
        self.search_dock.setWidget(self.search_panel)
        self.entities = EntitiesController(self, self.reader, self.undo_stack)
        self.entities_dock = self.entities.dock
        self.entity_page_dock = self.entities.page
        self.review_dock = self.entities.review
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
        )
        self._place_docks()

    def _place_docks(self) -> None:
        """The first-run layout: sources over entities on the left, the inspector right with the entity
        page behind it, search results under the reader with the mention review behind them."""
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.sources_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.inspector_dock)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.search_dock)
        self.splitDockWidget(self.sources_dock, self.entities_dock, Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.inspector_dock, self.entity_page_dock)
        self.tabifyDockWidget(self.search_dock, self.review_dock)

    def _docks(self) -> list[QDockWidget]:
        return [
            self.sources_dock,
            self.search_dock,
            self.inspector_dock,
            self.entities_dock,
            self.entity_page_dock,
            self.review_dock,
        ]

    def _create_actions(self) -> None:
        self.actions = WindowActions(self)
        a = self.actions
        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("&Undo"))
        self.undo_action.setObjectName("undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setIcon(icon("undo"))
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("&Redo"))
        self.redo_action.setObjectName("redo")
        self.redo_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Redo))
        self.redo_action.setIcon(icon("redo"))
        self.show_original_action = a.show_original
        # The reader's own zoom and wrap commands, reachable from anywhere in the window.
        for action in (
            self.reader.zoom_in_action,
            self.reader.zoom_out_action,
            self.reader.reset_zoom_action,
        ):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.reader.wrap_action.setText(self.tr("&Word Wrap"))
        toggles = [
            (self.sources_dock, "Ctrl+1"),
            (self.search_dock, "Ctrl+2"),
            (self.inspector_dock, "Ctrl+3"),
            (self.entities_dock, "Ctrl+4"),
            (self.entity_page_dock, "Ctrl+5"),
            (self.review_dock, "Ctrl+6"),
        ]
        for dock, keys in toggles:
            bring_up_with(dock, keys, self)
        for action in (a.new_case, a.open_case, a.import_files, a.paste_source, a.new_note, a.search_all):
            with_shortcut_in_tooltip(action)
        for action in self.reader.selection_actions:
            with_shortcut_in_tooltip(action)
        self.entities.connect_actions(a)

    def _create_menus(self) -> None:
        a = self.actions
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addActions([a.new_case, a.open_case])
        self.recent_menu = file_menu.addMenu(self.tr("Open &Recent"))
        self.recent_menu.setObjectName("recent_menu")
        self.recent_menu.setToolTipsVisible(True)  # the full path of each case
        file_menu.addAction(a.open_demo)
        file_menu.addSeparator()
        file_menu.addActions([a.save_copy, a.close_case])
        file_menu.addSeparator()
        add_export_menu(file_menu, self, lambda: self.store)
        file_menu.addSeparator()
        file_menu.addActions([a.import_files, a.import_folder, a.paste_source, a.new_note])
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        edit_menu = bar.addMenu(self.tr("&Edit"))
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addAction(a.copy)
        edit_menu.addSeparator()
        edit_menu.addActions([a.find, a.find_next, a.find_previous, a.search_all])
        edit_menu.addSeparator()
        edit_menu.addActions(list(self.reader.selection_actions))
        view_menu = bar.addMenu(self.tr("&View"))
        view_menu.addActions([dock.toggleViewAction() for dock in self._docks()])
        view_menu.addSeparator()
        view_menu.addActions(
            [
                self.reader.zoom_in_action,
                self.reader.zoom_out_action,
                self.reader.reset_zoom_action,
                self.reader.wrap_action,
            ]
        )
        view_menu.addSeparator()
        view_menu.addAction(self.show_original_action)
        self.view_menu = view_menu
        entities_menu = bar.addMenu(self.tr("E&ntities"))
        entities_menu.setObjectName("entities_menu")
        entities_menu.addActions([self.reader.tag_entity_action, a.new_entity, a.new_entity_type])
        entities_menu.addSeparator()
        entities_menu.addActions([a.find_mentions, a.find_all_mentions, a.review_mentions])
        entities_menu.addSeparator()
        entities_menu.addActions([a.merge_entities, a.delete_entity])
        self.entities_menu = entities_menu
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(a.about)
        self._fill_recent_menu()

    def _create_toolbar(self) -> None:
        a = self.actions
        toolbar = QToolBar(self.tr("Toolbar"), self)
        toolbar.setObjectName("main_toolbar")
        toolbar.setIconSize(QSize(20, 20))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        toolbar.addActions([a.new_case, a.open_case])
        toolbar.addSeparator()
        toolbar.addActions([a.import_files, a.paste_source, a.new_note])
        toolbar.addSeparator()
        toolbar.addActions([self.undo_action, self.redo_action])
        toolbar.addSeparator()
        toolbar.addAction(a.search_all)
        toolbar.addSeparator()
        toolbar.addActions([self.reader.tag_entity_action, self.reader.new_event_action])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar
        self.view_menu.insertAction(self.view_menu.actions()[len(self._docks())], toolbar.toggleViewAction())

    def _create_status_bar(self) -> None:
        bar = self.statusBar()
        self.page_label = QLabel(self)
        self.page_label.setObjectName("status_page")
        self.source_count_label = QLabel(self)
        self.source_count_label.setObjectName("status_sources")
        self.case_label = QLabel(self)
        self.case_label.setObjectName("status_case")
        for label in (self.page_label, self.source_count_label, self.case_label):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)
        self.reload_button = QPushButton(self.tr("Changed by another program: Reload"), self)
        self.reload_button.setObjectName("status_reload")
        self.reload_button.setToolTip(
            self.tr(
                "Another program (an import from the command line, a second window) has changed this case. "
                "Reload it to see those changes; nothing you did here is lost."
            )
        )
        self.reload_button.hide()
        bar.insertPermanentWidget(0, self.reload_button)

    def _connect(self) -> None:
        a = self.actions
        s = self.session
        self.welcome.new_case_requested.connect(a.new_case.trigger)
        self.welcome.open_case_requested.connect(a.open_case.trigger)
        self.welcome.demo_case_requested.connect(a.open_demo.trigger)
        a.new_case.triggered.connect(self._ask_new_case_path)
        a.open_case.triggered.connect(self._ask_case_to_open)
        a.open_demo.triggered.connect(self.demo_case_requested)
        a.clear_recent.triggered.connect(s.forget_recent_cases)
        a.save_copy.triggered.connect(self._ask_copy_path)
        a.close_case.triggered.connect(self.close_case)
        a.import_files.triggered.connect(self._ask_files_to_import)
        a.import_folder.triggered.connect(self._ask_folder_to_import)
        a.paste_source.triggered.connect(self.import_controller.paste_as_new_source)
        a.new_note.triggered.connect(self.import_controller.new_note)
        a.quit.triggered.connect(self.close)
        a.copy.triggered.connect(self.reader.copy)
        a.find.triggered.connect(self.find_bar.open_bar)
        a.find_next.triggered.connect(self.find_bar.find_next)
        a.find_previous.triggered.connect(self.find_bar.find_previous)
        a.search_all.triggered.connect(self.show_search)
        a.about.triggered.connect(self._show_about)
        self.show_original_action.triggered.connect(self._show_original)
        self.new_case_requested.connect(s.new_case)
        self.open_case_requested.connect(s.open_case)
        self.demo_case_requested.connect(self.open_demo_case)
        s.case_opened.connect(self._case_opened)
        s.case_closed.connect(self._case_closed)
        s.failed.connect(self.show_error)
        s.upgraded.connect(self._show_upgrade_notice)
        s.recent_cases_changed.connect(self._fill_recent_menu)
        self.sources_dock.source_activated.connect(self.open_source)
        self.sources_dock.selection_changed.connect(self._sources_selected)
        self.inspector_dock.source_requested.connect(self.show_source)
        self.search_panel.hit_activated.connect(self.open_hit)
        self.import_controller.import_finished.connect(self._import_finished)
        self.import_controller.source_added.connect(self.show_source)
        self.case_watch.changed_elsewhere.connect(self._show_outside_changes)
        self.reload_button.clicked.connect(self.reload_case)
        self.reader.copyAvailable.connect(a.copy.setEnabled)
        self.reader.page_changed.connect(self._show_page)
        self.reader.zoom_changed.connect(self._remember_zoom)
        self.reader.wrap_action.toggled.connect(self._remember_wrap)
        self.reader.entity_tag_requested.connect(self.entities.tag_selection)
        self.entities.span_requested.connect(self.show_span)
        self.entities.message.connect(lambda text: self.statusBar().showMessage(text, _MESSAGE_MS))
        self.entities.error.connect(self.show_error)

    def current_view(self) -> QWidget:
        """The welcome view or the workspace, whichever is shown."""
        return self._stack.currentWidget()

    # --- start-up and settings ----------------------------------------------------------------------------

    def start(self, case_path: Path | None = None) -> None:
        """Open ``case_path``, or else the case that was open when Threadline last closed."""
        if case_path is not None:
            self.session.open_case(case_path)
        else:
            self.session.reopen_last_case()

    def _restore_geometry(self) -> None:
        geometry = self.settings.window_geometry
        if geometry is not None:
            self.restoreGeometry(geometry)

    def _restore_reader_settings(self) -> None:
        size = self.settings.reader_point_size
        if size is not None:
            self.reader.set_point_size(size)
        self.reader.set_word_wrap(self.settings.word_wrap)

    def _remember_zoom(self, size: float) -> None:
        self.settings.reader_point_size = size

    def _remember_wrap(self, wrap: bool) -> None:
        self.settings.word_wrap = wrap

    def _save_layout(self) -> None:
        """Docks and toolbars as they are with a case open (the welcome view hides the docks)."""
        if self._store is not None:
            self.settings.window_state = self.saveState()

    def _show_docks(self) -> None:
        state = self.settings.window_state
        if state is None or not self.restoreState(state):
            for dock in self._docks():
                dock.show()
            self.inspector_dock.raise_()  # the front tabs; the entity page and review come up when used
            self.search_dock.raise_()
            self._default_dock_sizes()

    def _default_dock_sizes(self) -> None:
        width = self.width()
        self.resizeDocks(
            [self.sources_dock, self.inspector_dock],
            [int(width * 0.26), int(width * 0.26)],
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks([self.search_dock], [int(self.height() * 0.32)], Qt.Orientation.Vertical)
        self.resizeDocks(
            [self.sources_dock, self.entities_dock],
            [int(self.height() * 0.55), int(self.height() * 0.45)],
            Qt.Orientation.Vertical,
        )

    # --- the case -----------------------------------------------------------------------------------------

    @property
    def store(self) -> CaseStore | None:
        return self._store

    def _case_opened(self, store: CaseStore) -> None:
        self._store = store
        self._bridge = StoreBridge(store, self)
        self._bridge.changed.connect(self._store_changed)
        self.undo_stack.clear()
        self.sources_dock.set_store(store, self._bridge)
        self.inspector_dock.set_store(store, self._bridge)
        self.search_panel.set_store(store, self._bridge)
        self.entities.set_store(store, self._bridge)
        self.import_controller.set_store(store)
        self.case_watch.set_store(store)
        self.reload_button.hide()
        self._clear_reader()
        self._stack.setCurrentWidget(self.workspace)
        self._show_docks()
        self._set_case_actions_enabled(True)
        self._update_case_labels()
        self.statusBar().showMessage(self.tr("Opened {path}").format(path=store.path), _MESSAGE_MS)

    def close_case(self) -> None:
        self.finish_editing()
        self.session.close_case()

    def _show_outside_changes(self) -> None:
        self.reload_button.show()
        self.statusBar().showMessage(
            self.tr("Another program has changed this case; reload it to see the changes."), _MESSAGE_MS
        )

    def reload_case(self) -> None:
        """Close and reopen the case to show what another program changed, back at the source shown."""
        if self._store is None:
            return
        self.finish_editing()
        shown = self.reader.source_id()
        if self.session.reload_case() and shown is not None:
            self.open_source(shown)

    def _case_closed(self) -> None:
        """The session is about to close the store: let go of it while it is still open."""
        self.finish_editing()
        self._save_layout()
        self.case_watch.set_store(None)
        self.reload_button.hide()
        self.import_controller.set_store(None)
        self.search_panel.set_store(None)
        self.entities.set_store(None, None)
        self.inspector_dock.set_store(None, None)
        self.sources_dock.set_store(None, None)
        if self._bridge is not None:
            self._bridge.detach()
            self._bridge.deleteLater()
        self._store, self._bridge = None, None
        self.undo_stack.clear()
        self._clear_reader()
        self._show_no_case()

    def _show_no_case(self) -> None:
        for dock in self._docks():
            dock.hide()
        self._stack.setCurrentWidget(self.welcome)
        self._set_case_actions_enabled(False)
        self._update_case_labels()

    def _set_case_actions_enabled(self, enabled: bool) -> None:
        for action in [*self.actions.needing_a_case(), self.show_original_action]:
            action.setEnabled(enabled)
        if not enabled:
            for action in self.actions.for_an_entity():
                action.setEnabled(False)
        for dock in self._docks():
            dock.toggleViewAction().setEnabled(enabled)
        if not enabled:
            self.actions.copy.setEnabled(False)
        self.show_original_action.setEnabled(enabled and self.reader.source_id() is not None)

    def finish_editing(self) -> None:
        """Let a field being edited commit (inspector fields save when they lose the focus)."""
        focused = QApplication.focusWidget()
        if focused is not None and self.isAncestorOf(focused):
            focused.clearFocus()
        self.inspector_dock.commit_pending()
        self.entities.page.commit_pending()

    def _store_changed(self, change: Change) -> None:
        if change.object_type == "case":
            self._update_case_labels()
        elif change.object_type == "source":
            self._update_source_count()
            shown = self.reader.source_id()
            if shown in change.ids:
                if change.kind is ChangeKind.REMOVED:
                    self._clear_reader()
                elif change.kind is ChangeKind.UPDATED:
                    self._refresh_header(shown)

    def _update_case_labels(self) -> None:
        if self._store is None:
            self.setWindowTitle(self.tr("Threadline"))
            self.case_label.setText(self.tr("No case open"))
            self.case_label.setToolTip("")
            self.source_count_label.clear()
            return
        info = self._store.case_info()
        self.setWindowTitle(self.tr("{case} — Threadline").format(case=isolated(info.title)))
        self.case_label.setText(isolated(info.title))
        self.case_label.setToolTip(str(self._store.path))
        self._show_source_count(info.source_count)

    def _update_source_count(self) -> None:
        if self._store is not None:
            self._show_source_count(self._store.count_sources())

    def _show_source_count(self, count: int) -> None:
        text = self.tr("1 source") if count == 1 else self.tr("%Ln sources", "", count)
        self.source_count_label.setText(text)

    # --- reading ------------------------------------------------------------------------------------------

    def open_source(self, source_id: int) -> bool:
        """Show ``source_id`` in the reader (if it is not shown already)."""
        if self._store is None:
            return False
        if self.reader.source_id() == source_id:
            return True
        try:
            detail = self._store.source(source_id)
            text = self._store.source_text(source_id)
        except ThreadlineError as error:
            self.statusBar().showMessage(error.message, _MESSAGE_MS)
            return False
        self.reader.set_text(text, detail.page_starts, source_id=source_id)
        self.source_header.set_title(detail.title)
        self._show_page(self.reader.current_page())
        self.show_original_action.setEnabled(True)
        return True

    def show_source(self, source_id: int) -> None:
        """Open ``source_id`` in the reader and select it in the list (a link to a related source)."""
        if self.open_source(source_id):
            self.sources_dock.select_source(source_id)

    def open_hit(self, hit: SearchHit) -> None:
        """Open a search result: the source, every hit highlighted, the first one current and in view."""
        if not self.open_source(hit.source_id):
            return
        self.sources_dock.select_source(hit.source_id)
        self.reader.highlight(hit.hits, HighlightKind.SEARCH)
        if hit.hits:
            first = hit.hits[0]
            self.reader.highlight([first], HighlightKind.CURRENT)
            QTimer.singleShot(0, lambda: self._scroll_reader_to(hit.source_id, first.start))
            self.reader.scroll_to(first.start)

    def show_span(self, source_id: int, start: int, end: int) -> None:
        """Open a source at a span (a mention, a candidate, an identifier), marked as the current hit."""
        if not self.open_source(source_id):
            return
        self.sources_dock.select_source(source_id)
        self.reader.highlight([(start, end)], HighlightKind.CURRENT)
        QTimer.singleShot(0, lambda: self._scroll_reader_to(source_id, start))
        self.reader.scroll_to(start)

    def _scroll_reader_to(self, source_id: int, offset: int) -> None:
        """Again once laid out: a just-shown document may not know its line positions yet."""
        if self.reader.source_id() == source_id:
            self.reader.scroll_to(offset)

    def _sources_selected(self, ids: list[int]) -> None:
        self.inspector_dock.show_source(ids[0] if len(ids) == 1 else None)

    def _clear_reader(self) -> None:
        self.find_bar.close_bar()
        self.reader.set_text("")
        self.source_header.set_title("")
        self._show_page(None)
        self.show_original_action.setEnabled(False)

    def _refresh_header(self, source_id: int) -> None:
        if self._store is not None:
            self.source_header.set_title(self._store.source(source_id).title)

    def _show_page(self, page: int | None) -> None:
        count = self.reader.page_count()
        if page is None or not count:
            self.page_label.clear()
            self.page_label.hide()
            return
        self.page_label.setText(self.tr("Page {page} of {count}").format(page=page, count=count))
        self.page_label.show()

    def show_search(self) -> None:
        self.search_dock.show()
        self.search_dock.raise_()
        self.search_panel.focus_query()

    def _show_original(self) -> None:
        source_id = self.reader.source_id()
        if self._store is None or source_id is None:
            return
        try:
            viewer = open_original(self._store, source_id, self)
        except ThreadlineError as error:
            self.show_error(error.message)
            return
        if viewer is not None:
            viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    # --- importing ----------------------------------------------------------------------------------------

    def import_paths(self, paths: list[Path]) -> None:
        if self._store is None:
            self.statusBar().showMessage(self.tr("Open or create a case before importing."), _MESSAGE_MS)
            return
        self.import_controller.import_paths(paths)

    def _import_finished(self, outcomes: list[ImportOutcome]) -> None:
        imported = [o for o in outcomes if o.status is ImportStatus.IMPORTED and o.source_id is not None]
        self._update_source_count()
        if imported and self.reader.source_id() is None:
            first = imported[0].source_id
            assert first is not None
            self.show_source(first)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._accepts(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._accepts(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = (
            self.import_controller.paths_from_mime(event.mimeData())
            if self._accepts(event.mimeData())
            else []
        )
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_paths(paths)

    def _accepts(self, mime: QMimeData) -> bool:
        return self._store is not None and self.import_controller.accepts_drop(mime)

    # --- dialogs ------------------------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        """A problem the user can fix, in their words; window-modal, so nothing else waits on it."""
        self._message_box(QMessageBox.Icon.Warning, message)

    def _show_upgrade_notice(self, backup: str) -> None:
        self._message_box(
            QMessageBox.Icon.Information,
            self.tr(
                "This case was made by an earlier version of Threadline and has been brought up to date. "
                "The file as it was before is kept at:\n{path}"
            ).format(path=backup),
        )

    def _message_box(self, kind: QMessageBox.Icon, message: str) -> QMessageBox:
        box = QMessageBox(kind, self.tr("Threadline"), message, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("message_box")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def _case_filter(self) -> str:
        return self.tr("Threadline cases (*{suffix});;All files (*)").format(suffix=CASE_SUFFIX)

    def _ask_new_case_path(self) -> None:
        with suppress(OSError):  # the dialog opens anyway; creating the case then explains any problem
            self.case_dir.mkdir(parents=True, exist_ok=True)
        suggested = self.case_dir / (self.tr("Untitled case") + CASE_SUFFIX)
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("New Case"), str(suggested), self._case_filter()
        )
        if chosen:
            self.new_case_requested.emit(with_case_suffix(Path(chosen)))

    def _ask_case_to_open(self) -> None:
        start = self.case_dir if self.case_dir.is_dir() else Path.home()
        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Open Case"), str(start), self._case_filter())
        if chosen:
            self.open_case_requested.emit(Path(chosen))

    def _ask_copy_path(self) -> None:
        if self._store is None:
            return
        path = self._store.path
        suggested = path.with_name(self.tr("{name} (copy)").format(name=path.stem) + CASE_SUFFIX)
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save a Copy"), str(suggested), self._case_filter()
        )
        if chosen:
            self.save_copy(with_case_suffix(Path(chosen)))

    def save_copy(self, destination: Path) -> bool:
        """Write a consistent copy of the open case to ``destination``; the open case stays as it is."""
        if self._store is None:
            return False
        try:
            if destination.exists():
                destination.unlink()  # the file dialog has already asked whether to replace it
            self._store.save_copy(destination)
        except ThreadlineError as error:
            self.show_error(error.message)
            return False
        except OSError as error:
            self.show_error(
                self.tr("Cannot write {path}: {reason}.").format(
                    path=destination, reason=error.strerror or error
                )
            )
            return False
        self.statusBar().showMessage(self.tr("Saved a copy as {path}").format(path=destination), _MESSAGE_MS)
        return True

    def _ask_files_to_import(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(self, self.tr("Import Files"), str(Path.home()))
        if chosen:
            self.import_paths([Path(name) for name in chosen])

    def _ask_folder_to_import(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Import Folder"), str(Path.home()))
        if chosen:
            self.import_paths([Path(chosen)])

    def open_demo_case(self) -> None:
        """Open the demo case, building it first (off the GUI thread) if this is the first time."""
        from app.ui.demo import demo_case_path, ensure_demo_case  # the import pipeline loads only if needed
        from app.ui.workers import run_task

        path = demo_case_path(self.case_dir)
        if path.exists():
            self.session.open_case(path)
            return
        if self._demo_task is not None:
            return
        self.statusBar().showMessage(self.tr("Preparing the demo case…"))
        self.welcome.demo_case_button.setEnabled(False)
        self.actions.open_demo.setEnabled(False)
        self._demo_task = run_task(
            lambda progress, cancel: ensure_demo_case(self.case_dir, progress, cancel),
            self,
            name="demo case",
            on_result=self._demo_ready,
            on_error=self._demo_failed,
        )

    def _demo_ready(self, path: Path) -> None:
        self._demo_built()
        self.statusBar().clearMessage()
        self.session.open_case(path)

    def _demo_failed(self, message: str) -> None:
        self._demo_built()
        self.statusBar().clearMessage()
        self.show_error(message)

    def _demo_built(self) -> None:
        self._demo_task = None
        self.welcome.demo_case_button.setEnabled(True)
        self.actions.open_demo.setEnabled(True)

    def _fill_recent_menu(self) -> None:
        menu: QMenu = self.recent_menu
        menu.clear()
        recent = self.session.recent_cases()
        for number, path in enumerate(recent, start=1):
            name = isolated(path.name)
            label = f"&{number} {name}" if number < 10 else f"1&0 {name}"
            action = menu.addAction(label)
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.triggered.connect(
                lambda _checked=False, chosen=path: self.open_case_requested.emit(chosen)
            )
        if not recent:
            empty = menu.addAction(self.tr("No recent cases"))
            empty.setEnabled(False)
        menu.addSeparator()
        menu.addAction(self.actions.clear_recent)
        self.actions.clear_recent.setEnabled(bool(recent))

    def _show_about(self) -> None:
        text = self.tr(
            "<h3>Threadline {version}</h3><p>Evidence-linked timelines from multilingual sources.</p>"
            "<p>Everything stays on this computer: Threadline never uses the network.</p>",
        ).format(version=app.__version__)
        QMessageBox.about(self, self.tr("About Threadline"), text)

    # --- closing ------------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.finish_editing()
        self._save_layout()
        self.settings.window_geometry = self.saveGeometry()
        self.session.shut_down()
        super().closeEvent(event)
