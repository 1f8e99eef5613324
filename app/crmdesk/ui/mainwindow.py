"""The main window: Calendar / To-dos / Activities on the left, the selected
item's share bar and form on the right, Preview and Synchronize in the
toolbar; History, settings and Remove CRM data in the File menu.

The window keeps no data of its own: every view asks the service (off the
GUI thread) and redraws from the answer.
"""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (QMainWindow, QSplitter, QStackedWidget, QStyle, QTabWidget,
                               QToolBar, QVBoxLayout, QWidget)

from crmdesk.errors import Cancelled, MassDeleteBlocked
from crmdesk.service_types import ItemView, Status
from crmdesk.settings import Priority
from crmdesk.sync.actions import Action
from crmdesk.sync.report import SyncReport
from crmdesk.ui.api import GuiService
from crmdesk.ui.autosync import AutoSync
from crmdesk.ui.calendar.page import CalendarPage
from crmdesk.ui.errors import show_error
from crmdesk.ui.firstrun.wizard import FirstRun, FirstRunWizard
from crmdesk.ui.icons import app_icon
from crmdesk.ui.itemform import ItemForm
from crmdesk.ui.itemlist import ACTIVITY_COLUMNS, TODO_COLUMNS, ItemList
from crmdesk.ui.notconfigured import NotConfiguredPage
from crmdesk.ui.offline import OfflineState
from crmdesk.ui.password_prompt import ask_missing_passwords
from crmdesk.ui.settings.connection import ConnectionDialog
from crmdesk.ui.settings.sync import SyncSettingsDialog
from crmdesk.ui.help import install_help_menu
from crmdesk.ui.sharebar import ShareBar
from crmdesk.ui.sharemail import MailShare
from crmdesk.ui.sync.conflicts import ConflictsDialog
from crmdesk.ui.sync.history import HistoryDialog
from crmdesk.ui.sync.massdelete import MassDeleteDialog
from crmdesk.ui.sync.preview import PreviewDialog
from crmdesk.ui.sync.statusbar import SyncStatusBar
from crmdesk.ui.sync.worker import Mode, SyncRunner
from crmdesk.ui.tasks import TaskRunner
from crmdesk.ui.tray import SyncTray
from crmdesk.ui.uninstall import RemoveCrmData
from crmdesk.ui.windowstate import restore_window, save_window, state_path


class MainWindow(QMainWindow):
    """The rep's one window onto calendar and CRM."""

    status_changed = Signal(object)      # Status, after each reload

    def __init__(self, service: GuiService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle("crmdesk")
        self.setWindowIcon(app_icon())
        self.resize(1200, 760)
        self.runner = TaskRunner(parent=self)
        self.runner.failed.connect(lambda exc: show_error(self, exc))
        self.sync_runner = SyncRunner(service, self)
        self.status: Status | None = None
        self.last_report: SyncReport | None = None
        self.reviews = 0                 # invitees waiting in "People to review"
        self.selected_key = ""
        self.remove_flow: RemoveCrmData | None = None
        self.first_run = FirstRun(self, self, automatic=False)
        self._build_actions()
        self._build_center()
        self.status_bar = SyncStatusBar()
        self.setStatusBar(self.status_bar)
        self._connect_sync()
        self.offline = OfflineState()
        # Tray and timer connect to the runner after the window: they see its state first.
        self.tray = SyncTray(self, self)
        self.auto_sync = AutoSync(self, self)
        restore_window(self, state_path(service.profile))
        self.runner.run(service.last_report, self._on_last_report)
        self.refresh()

    # -- construction -------------------------------------------------------

    def _action(self, text: str, shortcut: str, slot: object, tip: str,
                icon: QStyle.StandardPixmap | None = None) -> QAction:
        action = QAction(text, self)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.preview_action = self._action(
            self.tr("Preview"), "Shift+F9", self.preview,
            self.tr("Show what Synchronize would change, changing nothing"),
            QStyle.StandardPixmap.SP_FileDialogContentsView)
        self.sync_action = self._action(self.tr("Synchronize"), "F9", self.synchronize,
                                        self.tr("Two-way sync of the calendar and the CRM"),
                                        QStyle.StandardPixmap.SP_BrowserReload)
        self.history_action = self._action(self.tr("History\u2026"), "Ctrl+H", self.open_history,
                                           self.tr("What the last synchronizations did"))
        self.remove_action = self._action(self.tr("Remove CRM data\u2026"), "",
                                          self.remove_crm_data,
                                          self.tr("Delete the CRM's items from your calendar "
                                                  "and this computer's CRM data and passwords"))
        self.connection_action = self._action(self.tr("Connection settings\u2026"),
                                              "Ctrl+Shift+,", self.open_connection_settings,
                                              self.tr("CRM and calendar server, user, password"))
        self.sync_settings_action = self._action(self.tr("Sync settings\u2026"), "Ctrl+,",
                                                 self.open_sync_settings,
                                                 self.tr("Conflict priority and sync windows"))
        self.setup_action = self._action(self.tr("Set up crmdesk\u2026"), "",
                                         self.open_setup,
                                         self.tr("Connect the CRM and your calendar step by "
                                                 "step, then synchronize"))
        self.mail_share = MailShare(self)      # File › Share E-mail… and .eml drops
        toolbar = QToolBar(self.tr("Main"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setIconSize(QSize(20, 20))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(self.preview_action)
        toolbar.addAction(self.sync_action)
        toolbar.addAction(self.history_action)
        toolbar.addSeparator()
        toolbar.addAction(self.connection_action)
        toolbar.addAction(self.sync_settings_action)
        self.addToolBar(toolbar)
        self._build_menu()

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu(self.tr("&File"))
        for action in (self.mail_share.action, None,
                       self.preview_action, self.sync_action, self.history_action, None,
                       self.setup_action, self.connection_action, self.sync_settings_action,
                       None, self.remove_action, None):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        quit_action = menu.addAction(self.tr("Quit"))
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        install_help_menu(self, self.service)

    def _build_center(self) -> None:
        self.calendar = CalendarPage(self.service, self.runner)
        self.todos = ItemList(TODO_COLUMNS, self.tr("No to-dos in your calendar."))
        self.activities = ItemList(ACTIVITY_COLUMNS, self.tr(
            "No activities shared with the CRM yet. Select a calendar entry and press "
            "\u201cShare with CRM\u201d."))
        self.calendar_stack = QStackedWidget()
        self.calendar_stack.addWidget(self.calendar)
        self.calendar_stack.addWidget(self._not_configured_page())
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.calendar_stack, self.tr("Calendar"))
        self.tabs.addTab(self.todos, self.tr("To-dos"))
        self.tabs.addTab(self.activities, self.tr("Activities"))
        for index, view in enumerate((self.calendar, self.todos, self.activities)):
            view.selected.connect(self.select)
            QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self,
                      lambda i=index: self.tabs.setCurrentIndex(i))
        splitter = QSplitter()
        splitter.addWidget(self.tabs)
        splitter.addWidget(self._build_side())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([820, 380])
        self.setCentralWidget(splitter)

    def _build_side(self) -> QWidget:
        """The selected item: share bar on top of its form."""
        self.share_bar = ShareBar(self.service, self.runner)
        self.share_bar.changed.connect(self._on_item_changed)
        self.form = ItemForm()
        side = QWidget()
        side.setMinimumWidth(340)
        column = QVBoxLayout(side)
        column.setContentsMargins(6, 6, 6, 6)
        column.addWidget(self.share_bar)
        column.addWidget(self.form, 1)
        return side

    def _not_configured_page(self) -> NotConfiguredPage:
        page = NotConfiguredPage()
        page.setup_requested.connect(self.open_setup)
        page.passwords_requested.connect(self.ask_passwords)
        page.settings_requested.connect(self.open_connection_settings)
        self.not_configured_page = page
        self.not_configured = page.headline
        return page

    def _connect_sync(self) -> None:
        runner, bar = self.sync_runner, self.status_bar
        runner.started.connect(lambda: self._set_syncing(True))
        runner.progressed.connect(bar.show_progress)
        runner.finished.connect(self._on_synced)
        runner.previewed.connect(self._on_previewed)
        runner.failed.connect(self._on_sync_failed)
        bar.cancel_button.clicked.connect(runner.cancel)
        bar.issues_button.clicked.connect(self.open_conflicts)

    # -- loading ------------------------------------------------------------

    def refresh(self) -> None:
        """Reload status and every view from the service, and the selected item."""
        self._reload_views()
        if self.selected_key:
            self.select(self.selected_key)

    def _reload_views(self) -> None:
        self.runner.run(self.service.status, self._on_status)
        self.runner.run(self.service.review_count, self._on_reviews)
        self.calendar.refresh()
        self.runner.run(self.service.todos, self.todos.set_items)
        self.runner.run(self.service.activities, self.activities.set_items)

    def _on_status(self, status: Status) -> None:
        self.status = status
        self.calendar_stack.setCurrentIndex(0 if status.configured else 1)
        self.not_configured_page.show_missing(passwords_only=self._servers_set())
        if not self.sync_runner.running:
            self._show_idle()
        self.status_changed.emit(status)

    def _show_idle(self) -> None:
        """The status bar's resting text: offline, the last report, else the status."""
        if self.offline.active:
            self.status_bar.show_offline(self.offline.text(self.status), self.offline.hint())
        elif self.last_report is not None:
            self.status_bar.show_report(self.last_report,
                                        self.status.last_sync if self.status else None)
        elif self.status is not None:
            self.status_bar.show_status(self.status, passwords_only=self._servers_set())
        self._update_issues()

    def _update_issues(self) -> None:
        """What the Sync issues dialog lists: conflicts waiting in the store, and
        the last sync's skipped items and errors (else the items in error), and
        the people to review."""
        conflicts = self.status.conflicts if self.status else 0
        if self.last_report is not None:
            others = len(self.last_report.skipped) + len(self.last_report.errors)
        else:
            others = self.status.errors if self.status else 0
        self.status_bar.set_issues(conflicts + others + self.reviews)

    def _on_reviews(self, count: int) -> None:
        self.reviews = count
        self._update_issues()

    def _on_last_report(self, report: SyncReport | None) -> None:
        if report is not None and self.last_report is None and not self.sync_runner.running:
            self.last_report = report
            self.status_bar.show_report(report, self.status.last_sync if self.status else None)
            self._update_issues()

    def select(self, key: str) -> None:
        """Show `key` in the form and share bar (and mark it in every view)."""
        self.selected_key = key
        for view in (self.calendar, self.todos, self.activities):
            view.select(key)
        self.runner.run(lambda: self.service.item(key), self._show_item)

    def _show_item(self, item: ItemView | None) -> None:
        if item is not None and item.key != self.selected_key:
            return                       # the rep has moved on meanwhile
        if item is None:
            self.selected_key = ""
        self.form.show_item(item)
        self.share_bar.show_item(item)

    def _on_item_changed(self, item: ItemView) -> None:
        if item.key == self.selected_key:
            self.form.show_item(item)
        self._reload_views()

    # -- synchronize --------------------------------------------------------

    def _servers_set(self) -> bool:
        """Both servers in the settings: "not configured" then means a password is unknown."""
        settings = self.service.settings
        return bool(settings.crm.url and settings.calendar.url)

    def _needs_connection(self) -> bool:
        """True (and the set-up wizard or the password prompt open) when there is
        nothing to sync with."""
        if self.status is not None and not self.status.configured:
            if self._servers_set():
                self.ask_passwords()
            else:
                self.open_setup()
            return True
        return False

    def synchronize(self) -> None:
        if not self._needs_connection():
            self.sync_runner.start()

    def preview(self) -> None:
        """Plan the next sync in the background; the dialog opens when it is ready."""
        if not self._needs_connection():
            self.sync_runner.preview()

    def _set_syncing(self, syncing: bool) -> None:
        for action in (self.sync_action, self.preview_action, self.remove_action):
            action.setEnabled(not syncing)
        previewing = self.sync_runner.mode is Mode.PREVIEW
        self.status_bar.set_syncing(syncing, self.tr("Preparing a preview\u2026") if previewing
                                    else self.tr("Synchronizing\u2026"))

    def _on_synced(self, report: SyncReport) -> None:
        self._set_syncing(False)
        self.last_report = report
        if not report.cancelled:
            self.offline.sync_succeeded()
        self.status_bar.show_report(report, datetime.now(timezone.utc))
        self.refresh()
        if (report.conflicts and self.service.settings.sync.priority is Priority.ASK
                and not self.sync_runner.automatic):
            self.open_conflicts()

    def show_sync_result(self, report: SyncReport) -> None:
        """A sync run elsewhere (the first-run wizard) finished: show it here."""
        self._on_synced(report)

    def _on_previewed(self, actions: list[Action]) -> PreviewDialog:
        self._set_syncing(False)
        self.refresh()                   # reading the servers may have brought new items
        dialog = PreviewDialog(actions, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.synchronize)
        dialog.open()
        return dialog

    def _on_sync_failed(self, exc: BaseException) -> None:
        self._set_syncing(False)
        if self.sync_runner.mode is Mode.PREVIEW:
            self._show_idle()
            if not isinstance(exc, Cancelled):
                show_error(self, exc, self.tr("The preview could not be made."))
        elif isinstance(exc, MassDeleteBlocked):
            self.offline.sync_succeeded()          # the servers did answer
            self.status_bar.say(self.tr("Synchronization stopped before deleting many "
                                        "items \u2014 nothing was changed."))
            if not self.sync_runner.automatic:
                self.confirm_mass_delete(exc)
        else:
            self.status_bar.say(self.tr("Synchronization failed \u2014 nothing more was changed."))
            offline = self.offline.sync_failed(exc)
            if offline:
                self.runner.run(self.service.status, self._on_status)  # count what waits
            if not self.sync_runner.automatic:
                show_error(self, exc, self.offline.hint() if offline
                           else self.tr("Synchronization stopped."))

    def confirm_mass_delete(self, blocked: MassDeleteBlocked) -> MassDeleteDialog:
        """Ask; "Delete them" runs the sync again with the guard lifted once."""
        dialog = MassDeleteDialog(blocked, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.sync_runner.start(allow_mass_delete=True))
        dialog.open()
        return dialog

    # -- dialogs ------------------------------------------------------------

    def open_setup(self) -> FirstRunWizard:
        """The first-run wizard: CRM, calendar, sync windows, first Synchronize."""
        return self.first_run.open()

    def ask_passwords(self) -> None:
        """The settings are saved but a password is unknown: ask for it (this session)."""
        if ask_missing_passwords(self, self.service):
            self.refresh()

    def open_connection_settings(self) -> ConnectionDialog:
        dialog = ConnectionDialog(self.service, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog

    def open_sync_settings(self) -> SyncSettingsDialog:
        dialog = SyncSettingsDialog(self.service, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.refresh)
        dialog.remove_requested.connect(self.remove_crm_data)
        dialog.open()
        return dialog

    def open_conflicts(self) -> ConflictsDialog:
        dialog = ConflictsDialog(self.service, self.last_report, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.refresh)
        dialog.review.changed.connect(self.refresh)
        dialog.open()
        return dialog

    def open_history(self) -> HistoryDialog:
        dialog = HistoryDialog(self.service, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def remove_crm_data(self) -> RemoveCrmData | None:
        """Confirm, then remove the CRM's traces (not while a sync runs)."""
        if self.sync_runner.running or self.remove_flow is not None:
            return None
        flow = RemoveCrmData(self.service, self)
        flow.finished.connect(self._on_removed)
        self.remove_flow = flow
        for action in (self.sync_action, self.preview_action, self.remove_action):
            action.setEnabled(False)
        flow.start()
        return flow

    def _on_removed(self, removed: bool) -> None:
        for action in (self.sync_action, self.preview_action, self.remove_action):
            action.setEnabled(True)
        if self.remove_flow is not None:
            self.remove_flow.deleteLater()
            self.remove_flow = None
        if removed:
            self.last_report = None
            self.selected_key = ""
            self._show_item(None)
            self.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop a running sync at its next step before the window goes."""
        if self.sync_runner.running:
            self.sync_runner.cancel()
            self.sync_runner.wait()
        self.runner.forget()
        save_window(self, state_path(self.service.profile))
        super().closeEvent(event)
