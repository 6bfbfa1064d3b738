"""The main window and the welcome view shown before a case is open.

The window does not open case files itself: it asks the user for a path and emits a ``*_requested``
signal; whoever owns the store connects to those, and calls ``show_workspace`` once the case is open.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

import app
from app.ui.resources import icon

CASE_SUFFIX = ".threadline"
_COLUMN_WIDTH = 560


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


class MainWindow(QMainWindow):
    """Menu bar, status bar and a central stack: the welcome view, or the workspace of the open case."""

    new_case_requested = Signal(object)  # Path the user chose for the new case file
    open_case_requested = Signal(object)  # Path of an existing case file
    demo_case_requested = Signal()

    def __init__(self, case_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case_dir = case_dir
        self.setWindowTitle(self.tr("Threadline"))
        self.resize(1100, 720)
        self._create_actions()
        self._create_menus()
        self.welcome = WelcomeView(case_dir, self)
        self.welcome.new_case_requested.connect(self.new_case_action.trigger)
        self.welcome.open_case_requested.connect(self.open_case_action.trigger)
        self.welcome.demo_case_requested.connect(self.open_demo_action.trigger)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self.welcome)
        self.setCentralWidget(self._stack)
        self.statusBar().showMessage(self.tr("No case open"))

    # --- what the store's owner calls ----------------------------------------------------------------------

    def show_workspace(self, workspace: QWidget) -> None:
        """Replace whatever is shown (welcome or another case) with ``workspace``."""
        self.show_welcome()
        self._stack.addWidget(workspace)
        self._stack.setCurrentWidget(workspace)

    def show_welcome(self) -> None:
        while self._stack.count() > 1:
            old = self._stack.widget(1)
            self._stack.removeWidget(old)
            old.deleteLater()
        self._stack.setCurrentWidget(self.welcome)

    def current_view(self) -> QWidget:
        return self._stack.currentWidget()

    # --- actions -------------------------------------------------------------------------------------------

    def _create_actions(self) -> None:
        self.new_case_action = self._action(self.tr("&New Case…"), "new-case", QKeySequence.StandardKey.New)
        self.open_case_action = self._action(self.tr("&Open Case…"), "open", QKeySequence.StandardKey.Open)
        self.open_demo_action = self._action(self.tr("Open the &Demo Case"), "source", None)
        self.quit_action = self._action(self.tr("&Quit"), None, QKeySequence.StandardKey.Quit)
        if self.quit_action.shortcut().isEmpty():  # Windows has no standard Quit key
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.about_action = self._action(self.tr("&About Threadline"), None, None)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.new_case_action.triggered.connect(self._ask_new_case_path)
        self.open_case_action.triggered.connect(self._ask_case_to_open)
        self.open_demo_action.triggered.connect(self.demo_case_requested)
        self.quit_action.triggered.connect(self.close)
        self.about_action.triggered.connect(self._show_about)

    def _action(self, text: str, icon_name: str | None, keys: QKeySequence.StandardKey | None) -> QAction:
        action = QAction(text, self)
        if icon_name is not None:
            action.setIcon(icon(icon_name))
        if keys is not None:
            action.setShortcut(keys)
        return action

    def _create_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addActions([self.new_case_action, self.open_case_action, self.open_demo_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.about_action)

    # --- dialogs -------------------------------------------------------------------------------------------

    def _case_filter(self) -> str:
        return self.tr("Threadline cases (*{suffix});;All files (*)").format(suffix=CASE_SUFFIX)

    def _ask_new_case_path(self) -> None:
        self.case_dir.mkdir(parents=True, exist_ok=True)
        suggested = self.case_dir / (self.tr("Untitled case") + CASE_SUFFIX)
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("New Case"), str(suggested), self._case_filter()
        )
        if chosen:
            path = Path(chosen)
            self.new_case_requested.emit(path if path.suffix else path.with_suffix(CASE_SUFFIX))

    def _ask_case_to_open(self) -> None:
        start = self.case_dir if self.case_dir.is_dir() else Path.home()
        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Open Case"), str(start), self._case_filter())
        if chosen:
            self.open_case_requested.emit(Path(chosen))

    def _show_about(self) -> None:
        text = self.tr(
            "<h3>Threadline {version}</h3><p>Evidence-linked timelines from multilingual sources.</p>"
            "<p>Everything stays on this computer: Threadline never uses the network.</p>",
        ).format(version=app.__version__)
        QMessageBox.about(self, self.tr("About Threadline"), text)
