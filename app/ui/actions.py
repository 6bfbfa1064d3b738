"""The main window's commands as named ``QAction``s: text, icon, shortcut, and where each one appears.

One place says what the menus, the toolbar and the keyboard offer, so a shortcut is defined once and shows
in the menu next to its command. What an action *does* is wired by the main window.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QWidget

from app.ui.resources import icon

Keys = QKeySequence | QKeySequence.StandardKey | str | None


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class WindowActions:
    """Every command of the main window that is not owned by a widget (the reader owns its own)."""

    def __init__(self, parent: QObject) -> None:
        self._parent = parent
        # File
        self.new_case = self._make("new_case", _tr("&New Case…"), "new-case", QKeySequence.StandardKey.New)
        self.open_case = self._make("open_case", _tr("&Open Case…"), "open", QKeySequence.StandardKey.Open)
        self.open_demo = self._make("open_demo", _tr("Open the &Demo Case"), "source")
        self.clear_recent = self._make("clear_recent", _tr("&Clear Recent Cases"))
        self.save_copy = self._make("save_copy", _tr("Save a &Copy…"), None, "Ctrl+Shift+S")
        self.close_case = self._make("close_case", _tr("&Close Case"), None, "Ctrl+W")
        self.import_files = self._make("import_files", _tr("&Import Files…"), "import", "Ctrl+I")
        self.import_folder = self._make("import_folder", _tr("Import &Folder…"), None, "Ctrl+Shift+I")
        self.paste_source = self._make("paste_source", _tr("&Paste as New Source…"), "source", "Ctrl+Shift+V")
        self.new_note = self._make("new_note", _tr("New &Note…"), "note", "Ctrl+Shift+N")
        self.quit = self._make("quit", _tr("&Quit"), None, QKeySequence.StandardKey.Quit)
        if self.quit.shortcut().isEmpty():  # Windows has no standard Quit key
            self.quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)
        # Edit
        self.copy = self._make("copy", _tr("&Copy"), None, QKeySequence.StandardKey.Copy)
        self.find = self._make("find", _tr("&Find in Source…"), None, QKeySequence.StandardKey.Find)
        self.find_next = self._make("find_next", _tr("Find &Next"), None, "F3")
        self.find_previous = self._make("find_previous", _tr("Find Pre&vious"), None, "Shift+F3")
        self.search_all = self._make("search_all", _tr("&Search All Sources…"), "search", "Ctrl+Shift+F")
        # Entities
        self.new_entity = self._make("new_entity", _tr("&New Entity…"), "entity")
        self.new_entity_type = self._make("new_entity_type", _tr("New Entity &Type…"))
        self.find_mentions = self._make("find_mentions", _tr("&Find Mentions of This Entity"), "search")
        self.find_all_mentions = self._make("find_all_mentions", _tr("Find &All Mentions"))
        self.review_mentions = self._make("review_mentions", _tr("&Review Mentions"))
        self.merge_entities = self._make("merge_entities", _tr("&Merge Entities…"))
        self.delete_entity = self._make("delete_entity", _tr("&Delete Entity…"))
        # View
        self.show_original = self._make("show_original", _tr("Show &Original…"), None, "Ctrl+Shift+O")
        # Help
        self.about = self._make("about", _tr("&About Threadline"))
        self.about.setMenuRole(QAction.MenuRole.AboutRole)

    def _make(self, name: str, text: str, icon_name: str | None = None, keys: Keys = None) -> QAction:
        action = QAction(text, self._parent)
        action.setObjectName(name)
        if icon_name is not None:
            action.setIcon(icon(icon_name))
        if keys is not None:
            action.setShortcut(QKeySequence(keys) if isinstance(keys, str) else keys)
        return action

    def needing_a_case(self) -> list[QAction]:
        """Enabled only while a case is open."""
        return [
            self.save_copy,
            self.close_case,
            self.import_files,
            self.import_folder,
            self.paste_source,
            self.new_note,
            self.find,
            self.find_next,
            self.find_previous,
            self.search_all,
            self.new_entity,
            self.new_entity_type,
            self.find_all_mentions,
            self.review_mentions,
        ]

    def for_an_entity(self) -> list[QAction]:
        """Enabled while an entity is selected (or shown on its page); the entities controller decides."""
        return [self.find_mentions, self.merge_entities, self.delete_entity]


def with_shortcut_in_tooltip(action: QAction) -> None:
    """Toolbar buttons show only an icon; their tooltip names the command and its key."""
    text = action.text().replace("&&", "\x00").replace("&", "").replace("\x00", "&").removesuffix("…")
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{text} ({keys})" if keys else text)


def bring_up_with(dock: QDockWidget, keys: str, window: QWidget) -> QAction:
    """Give ``dock`` a shortcut that toggles it the way a person means it: a panel in view is hidden, a
    hidden one is shown; one that is open but behind another tab is brought in front (a dock's own toggle
    action hid it instead). The keyboard goes into a panel that comes up. The View menu's entry still
    shows the keys."""
    toggle = dock.toggleViewAction()
    toggle.setShortcut(QKeySequence(keys))  # shown in the View menu ...
    toggle.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # ... but the window's action takes the keys
    action = QAction(window)
    action.setObjectName(f"show_{dock.objectName()}")
    action.setShortcut(QKeySequence(keys))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

    def bring_up() -> None:
        if not toggle.isEnabled():
            return
        if dock.isVisible() and not dock.visibleRegion().isEmpty():
            dock.hide()
            return
        dock.show()
        dock.raise_()
        inner = dock.widget()
        if inner is not None:
            inner.setFocus(Qt.FocusReason.ShortcutFocusReason)

    action.triggered.connect(bring_up)
    window.addAction(action)
    return action
