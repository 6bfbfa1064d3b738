"""Start the desktop application: the QApplication, fonts, translations, logging and the crash handler.

Errors come in two kinds (see ``app.core.errors``). A ``ThreadlineError`` that reaches the top is shown
with its own message. Anything else is a bug: its traceback goes to the log file and the user sees a short
apology that says where that file is, never a traceback.
"""

from __future__ import annotations

import gc
import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import platformdirs
from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QMessageLogContext,
    Qt,
    QTimer,
    QtMsgType,
    QTranslator,
    QUrl,
    qInstallMessageHandler,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

import app
from app.core.errors import ThreadlineError
from app.ui.fonts import setup_fonts
from app.ui.resources import icon, resource_roots
from app.ui.settings import Settings

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

APP_NAME = "Threadline"
LOG_FILE_NAME = "threadline.log"

log = logging.getLogger(__name__)


def run_gui(case_path: Path | None, link: str | None = None) -> int:
    """Run the desktop application until its last window closes; return the exit status.

    With ``link`` (an event link, ``threadline://…``) the event it names is shown once the window is up;
    without ``case_path`` its case is looked for among the recent cases and in the case folder.
    """
    log_file = configure_logging(log_dir())
    qInstallMessageHandler(_log_qt_message)
    application = QApplication.instance() or QApplication(sys.argv[:1])
    configure_application(application)
    sys.excepthook = ExceptionHook(log_file)
    settings = Settings()
    if case_path is None and link is not None:
        case_path = case_for_link(link, settings.recent_cases, default_case_dir())
    window = create_main_window(settings, default_case_dir())
    window.show()
    window.start(case_path)  # before the first paint, so the last case appears without a welcome flash
    if link is not None:
        follow_link(window, link)
    application.aboutToQuit.connect(window.session.shut_down)
    # The objects alive after start-up live as long as the app: keep full garbage collections (which
    # hold the GIL) from walking them again and again, or the window stutters during long work.
    gc.freeze()
    return application.exec()


def create_main_window(settings: Settings, case_dir: Path) -> MainWindow:
    """The main window with its case session; the session lives as long as the window."""
    from app.ui.case_session import CaseSession  # the store and the workspace load after QApplication
    from app.ui.main_window import MainWindow

    session = CaseSession(settings, case_dir)
    window = MainWindow(session, settings)
    session.setParent(window)
    return window


def follow_link(window: MainWindow, link: str) -> None:
    """Show the event ``link`` names once the window is on screen; if it cannot be (another case, an event
    deleted since), a message box says why."""
    QTimer.singleShot(0, lambda: window.events.open_link(link, loud=True))


def case_for_link(link: str, recent: list[Path], case_dir: Path) -> Path | None:
    """The case file an event link names: the most recent case of that file name, else one of that name
    in the case folder; None if there is none (the link is then explained once a case is open)."""
    from app.core.event_records import parse_link

    parsed = parse_link(link)
    if parsed is None:
        return None
    named = [path for path in recent if path.name == parsed.case_name]
    if not named and (case_dir / parsed.case_name).is_file():
        named = [case_dir / parsed.case_name]
    return named[0] if named else None


def configure_application(application: QApplication) -> None:
    """Names (for QSettings and paths), fonts, translations and the window icon."""
    application.setApplicationName(APP_NAME)
    application.setOrganizationName(APP_NAME)
    application.setApplicationVersion(app.__version__)
    application.setApplicationDisplayName(APP_NAME)
    application.setWindowIcon(icon("source"))
    setup_fonts(application)
    install_translations(application, QLocale())


def default_case_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME) / "cases"


def log_dir() -> Path:
    return platformdirs.user_log_path(APP_NAME)


# --- translations -----------------------------------------------------------------------------------------


def install_translations(application: QApplication, locale: QLocale) -> list[QTranslator]:
    """Install our translation for ``locale`` and Qt's own for the same language, or none at all.

    Qt's strings alone would give a Hebrew user Hebrew buttons around English text in a mirrored window,
    so Qt's catalogue is only loaded next to ours. Qt then takes the layout direction from the
    ``QT_LAYOUT_DIRECTION`` entry of the installed catalogue: right-to-left for a Hebrew or Arabic UI.
    """
    folders = [root / "i18n" for root in resource_roots() if (root / "i18n").is_dir()]
    ours = QTranslator(application)
    if not any(ours.load(locale, "threadline", "_", str(folder)) for folder in folders):
        return []
    qt_own = QTranslator(application)
    installed = [ours]
    if qt_own.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        installed.append(qt_own)
    for translator in installed:
        application.installTranslator(translator)
    return installed


# --- logging and the crash handler ------------------------------------------------------------------------


def configure_logging(folder: Path) -> RotatingFileHandler:
    """Send log records at INFO and above to ``folder/threadline.log`` (kept small by rotation)."""
    folder.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(folder / LOG_FILE_NAME, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)
    return handler


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _log_qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    logging.getLogger("qt").log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


class ExceptionHook:
    """``sys.excepthook`` for the GUI; Qt calls it for exceptions raised in slots and event handlers."""

    def __init__(self, log_file: Path) -> None:
        self.log_file = log_file
        self._showing = False  # an error while a dialog is open is logged, not stacked

    def __call__(self, kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        if isinstance(error, ThreadlineError):
            log.warning("Not handled where it happened: %s", error.message)
            self._show(user_error_box(error.message))
        else:
            log.error("Unexpected error", exc_info=(kind, error, trace))
            self._show(apology_box(self.log_file))

    def _show(self, box: QMessageBox | None) -> None:
        if box is None or self._showing:
            return
        self._showing = True
        try:
            box.exec()
        finally:
            self._showing = False
            box.deleteLater()


def user_error_box(message: str, parent: QWidget | None = None) -> QMessageBox | None:
    if QApplication.instance() is None:
        return None
    title = QCoreApplication.translate("ExceptionHook", "Threadline")
    return QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)


def apology_box(log_file: Path, parent: QWidget | None = None) -> QMessageBox | None:
    """A short apology naming the log file, with a button that opens its folder; None without a GUI."""
    if QApplication.instance() is None:
        return None
    tr = QCoreApplication.translate
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(tr("ExceptionHook", "Threadline"))
    box.setText(tr("ExceptionHook", "Sorry, Threadline ran into a problem it did not expect."))
    box.setInformativeText(
        tr(
            "ExceptionHook",
            "The details were written to the log file:\n{path}\n\n"
            "Please include it if you report the problem.",
        ).format(path=log_file)
    )
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # the path can be copied
    open_folder = box.addButton(tr("ExceptionHook", "Open Log Folder"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    open_folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_file.parent))))
    return box
