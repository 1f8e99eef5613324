"""The system tray icon: Synchronize, Show crmdesk, the last-sync line, Quit,
and a desktop notification when a sync ends with conflicts or errors.

The menu is built even where there is no system tray (offscreen tests,
some desktops), so its actions work the same everywhere; the icon itself
is created only when `QSystemTrayIcon.isSystemTrayAvailable()`.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from crmdesk.errors import Cancelled
from crmdesk.service_types import Status
from crmdesk.sync.report import SyncReport
from crmdesk.ui.errors import describe
from crmdesk.ui.icons import app_icon
from crmdesk.ui.offline import OfflineState, is_offline_error
from crmdesk.ui.single import bring_to_front
from crmdesk.ui.sync.statusbar import moment_text
from crmdesk.ui.sync.worker import Mode, SyncRunner

MESSAGE_MS = 10_000
translate = QCoreApplication.translate


class TrayWindow(Protocol):
    """What the tray needs of the main window."""

    sync_action: QAction
    sync_runner: SyncRunner
    status: Status | None
    offline: OfflineState
    status_changed: Signal

    def close(self) -> bool: ...


def last_sync_line(status: Status | None, syncing: bool, offline: OfflineState) -> str:
    """The tray's state line: syncing, offline, or when the last sync ran."""
    if syncing:
        return translate("SyncTray", "Synchronizing\u2026")
    if offline.active:
        return offline.text(status)
    if status is None:
        return translate("SyncTray", "Loading\u2026")
    if not status.configured:
        return translate("SyncTray", "Not connected yet")
    if status.last_sync is None:
        return translate("SyncTray", "Never synchronized")
    return translate("SyncTray", "Last synchronized {when}").format(
        when=moment_text(status.last_sync))


def report_problems(report: SyncReport) -> str:
    """"2 conflicts wait for your decision; 1 item could not be synchronized", or ""."""
    parts = []
    if len(report.conflicts) == 1:
        parts.append(translate("SyncTray", "1 conflict waits for your decision"))
    elif report.conflicts:
        parts.append(translate("SyncTray", "{n} conflicts wait for your decision").format(
            n=len(report.conflicts)))
    if len(report.errors) == 1:
        parts.append(translate("SyncTray", "1 item could not be synchronized"))
    elif report.errors:
        parts.append(translate("SyncTray", "{n} items could not be synchronized").format(
            n=len(report.errors)))
    return "; ".join(parts)


class SyncTray(QObject):
    """Tray menu and icon for one main window; `notified` fires per notification."""

    notified = Signal(str, str)          # title, text

    def __init__(self, window: TrayWindow, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.menu = QMenu()
        self.menu.setObjectName("trayMenu")
        self.last_sync_action = self.menu.addAction("")
        self.last_sync_action.setEnabled(False)
        self.menu.addSeparator()
        self.sync_action = window.sync_action
        self.menu.addAction(self.sync_action)
        self.show_action = self.menu.addAction(self.tr("Show crmdesk"))
        self.show_action.triggered.connect(self.show_window)
        self.menu.addSeparator()
        self.quit_action = self.menu.addAction(self.tr("Quit crmdesk"))
        self.quit_action.triggered.connect(self.quit)
        self.icon: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.icon = self._make_icon()
        runner = window.sync_runner
        window.status_changed.connect(self.update)
        runner.started.connect(self.update)
        runner.finished.connect(self._on_finished)
        runner.failed.connect(self._on_failed)
        self.update()

    def _make_icon(self) -> QSystemTrayIcon:
        icon = QSystemTrayIcon(app_icon(), self)
        icon.setContextMenu(self.menu)
        icon.activated.connect(self._on_activated)
        icon.messageClicked.connect(self.show_window)
        icon.show()
        return icon

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_window()

    def show_window(self) -> None:
        if isinstance(self.window, QWidget):
            bring_to_front(self.window)

    def quit(self) -> None:
        """Close the window (which stops a running sync), then leave the app."""
        if self.window.close():
            QCoreApplication.quit()

    def update(self, *_: object) -> None:
        """Refresh the state line and the icon's tooltip."""
        line = last_sync_line(self.window.status, self.window.sync_runner.running,
                              self.window.offline)
        self.last_sync_action.setText(line)
        if self.icon is not None:
            self.icon.setToolTip(f"crmdesk \u2014 {line}")

    def _on_finished(self, report: SyncReport) -> None:
        self.update()
        problems = report_problems(report)
        if problems and not report.cancelled and not self._watched():
            self.notify(self.tr("Synchronization needs your attention"),
                        self.tr("{problems}. Open crmdesk to see them.").format(
                            problems=problems))

    def _on_failed(self, exc: BaseException) -> None:
        self.update()
        if self.window.sync_runner.mode is Mode.PREVIEW or isinstance(exc, Cancelled):
            return
        if is_offline_error(exc) or self._watched():
            return                        # offline is a state, shown in the window and here
        words = describe(exc)
        self.notify(self.tr("Synchronization failed: {title}").format(title=words.title),
                    words.message)

    def _watched(self) -> bool:
        """The rep pressed Synchronize and looks at the window: it tells her."""
        window = self.window
        return (not window.sync_runner.automatic and isinstance(window, QWidget)
                and window.isActiveWindow())

    def notify(self, title: str, text: str) -> None:
        """A desktop notification (where there is a tray to show it)."""
        if self.icon is not None and self.icon.isVisible():
            self.icon.showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning, MESSAGE_MS)
        self.notified.emit(title, text)
