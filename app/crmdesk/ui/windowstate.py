"""Remember the main window's size, place and splitter between runs.

Kept in a small `window.ini` next to the store (the profile's data folder),
not in settings.toml: it is the app's memory, not the rep's choice, and
admins who write settings.toml must not have to care about it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

from crmdesk.settings import Profile

STATE_FILE = "window.ini"


def state_path(profile: Profile) -> Path:
    return profile.data_dir / STATE_FILE


def _file(path: Path) -> QSettings:
    return QSettings(str(path), QSettings.Format.IniFormat)


def save_window(window: QMainWindow, path: Path) -> None:
    """Write geometry, toolbar state and splitter sizes (best effort)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    state = _file(path)
    state.setValue("window/geometry", window.saveGeometry())
    state.setValue("window/state", window.saveState())
    splitter = window.centralWidget()
    if isinstance(splitter, QSplitter):
        state.setValue("window/splitter", splitter.saveState())
    state.sync()


def restore_window(window: QMainWindow, path: Path) -> bool:
    """Put the window back where it was; False when nothing was saved yet."""
    if not path.is_file():
        return False
    state = _file(path)
    geometry = state.value("window/geometry")
    if not isinstance(geometry, QByteArray) or not window.restoreGeometry(geometry):
        return False
    saved = state.value("window/state")
    if isinstance(saved, QByteArray):
        window.restoreState(saved)
    splitter, sizes = window.centralWidget(), state.value("window/splitter")
    if isinstance(splitter, QSplitter) and isinstance(sizes, QByteArray):
        splitter.restoreState(sizes)
    return True
