"""The first-run wizard, shown when crmdesk starts without a working setup.

Pages: CRM connection → calendar connection (discovery, calendar choice) →
sync windows (its button saves the settings and passwords) → the first
sync and its report.  Nothing is written before that commit: Cancel on the
first three pages leaves the profile as it was.  "Skip: explore the demo
instead" closes the wizard and explains `crmdesk demo` (the GUI starts no
servers itself).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget, QWizard

from crmdesk.service_types import Status
from crmdesk.sync.report import SyncReport
from crmdesk.ui.api import GuiService
from crmdesk.ui.errors import show_error
from crmdesk.ui.firstrun.finish import FinishPage
from crmdesk.ui.firstrun.pages import CalendarPage, CrmPage, WindowsPage
from crmdesk.ui.icons import app_icon


class FirstRunWizard(QWizard):
    """Set up crmdesk; `committed` is True once settings were saved."""

    skipped = Signal()

    def __init__(self, service: GuiService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.settings = service.settings.copy()
        self.committed = False
        self.setWindowTitle(self.tr("Set up crmdesk"))
        self.setWindowIcon(app_icon())
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, app_icon().pixmap(48, 48))
        self.setTitleFormat(Qt.TextFormat.PlainText)
        self.setSubTitleFormat(Qt.TextFormat.PlainText)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        self.setOption(QWizard.WizardOption.HaveCustomButton1)
        self.setButtonText(QWizard.WizardButton.CustomButton1,
                           self.tr("Skip: explore the demo instead"))
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Save and synchronize"))
        self.button(QWizard.WizardButton.CustomButton1).setObjectName("skipToDemo")
        self.customButtonClicked.connect(self._on_custom_button)
        self.crm_page = CrmPage(service, self.settings)
        self.calendar_page = CalendarPage(service, self.settings)
        self.windows_page = WindowsPage(self.settings)
        self.windows_page.setCommitPage(True)
        self.finish_page = FinishPage(service)
        for page in (self.crm_page, self.calendar_page, self.windows_page, self.finish_page):
            self.addPage(page)
        self.currentIdChanged.connect(self._on_page)
        self.resize(720, 560)

    def _on_page(self, page_id: int) -> None:
        # Once the settings are saved, skipping to the demo makes no sense.
        self.setOption(QWizard.WizardOption.HaveCustomButton1,
                       self.page(page_id) is not self.finish_page)

    def _on_custom_button(self, which: int) -> None:
        if which == QWizard.WizardButton.CustomButton1.value and not self.committed:
            self.skipped.emit()
            self.reject()

    def commit(self) -> bool:
        """Save what the pages hold (settings.toml, passwords to the keyring)."""
        settings = self.settings.copy()
        self.crm_page.group.save(settings)
        self.calendar_page.group.save(settings)
        self.windows_page.save(settings)
        try:
            self.service.save_settings(settings, crm_password=self.crm_page.password() or None,
                                       calendar_password=self.calendar_page.password() or None)
        except Exception as exc:  # noqa: BLE001 - every error becomes words
            show_error(self, exc, self.tr("The settings were not saved."))
            return False
        self.committed = True
        return True

    @property
    def report(self) -> SyncReport | None:
        return self.finish_page.report

    def done(self, result: int) -> None:
        self.finish_page.stop_and_wait()
        super().done(result)


class SetupWindow(Protocol):
    """What the wizard needs of the main window."""

    service: GuiService
    status_changed: Signal

    def refresh(self) -> None: ...

    def show_sync_result(self, report: SyncReport) -> None: ...


def demo_help(parent: QWidget | None) -> QMessageBox:
    """How to try crmdesk with practice servers (plain text, opened not exec'd)."""
    box = QMessageBox(QMessageBox.Icon.Information, QCoreApplication.translate(
        "FirstRun", "Explore the demo"), QCoreApplication.translate(
        "FirstRun",
        "The demo runs a practice CRM and calendar on this computer, filled with a sales "
        "rep's week. Nothing you do there reaches a real server.\n\n"
        "To start it, open a terminal and run:\n\n"
        "    crmdesk demo\n\n"
        "It opens its own crmdesk window (the first start takes about half a minute). "
        "When you are ready to connect your own calendar and CRM, choose Set up crmdesk\u2026 "
        "here (also in the File menu)."), QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setObjectName("demoHelp")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class FirstRun(QObject):
    """Opens the wizard over the main window, and hands the outcome back to the
    window when it closes.

    `automatic` (the default): the wizard opens by itself when the window's
    first status says nothing is set up; otherwise only `open()` opens it (the
    main window's "Set up crmdesk…").  One wizard at a time: `open()` while one
    is showing brings that one forward.
    """

    opened = Signal(object)              # the FirstRunWizard

    def __init__(self, window: SetupWindow, parent: QObject | None = None,
                 automatic: bool = True) -> None:
        super().__init__(parent)
        self.window = window
        self.wizard: FirstRunWizard | None = None
        self.demo_box: QMessageBox | None = None
        if automatic:
            self.open_if_unconfigured()

    def open_if_unconfigured(self) -> None:
        """Open the wizard when the window's next status says nothing is set up."""
        self.window.status_changed.connect(self._first_status)

    def _first_status(self, status: Status) -> None:
        self.window.status_changed.disconnect(self._first_status)
        settings = self.window.service.settings
        # Servers set but a password unknown (its prompt was cancelled): the
        # window offers the password prompt; the wizard would start from scratch.
        if not status.configured and not (settings.crm.url and settings.calendar.url):
            self.open()

    def open(self) -> FirstRunWizard:
        if self.wizard is not None:
            self.wizard.raise_()
            self.wizard.activateWindow()
            return self.wizard
        parent = self.window if isinstance(self.window, QWidget) else None
        wizard = FirstRunWizard(self.window.service, parent)
        wizard.setWindowModality(Qt.WindowModality.WindowModal)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.skipped.connect(self._skipped)
        wizard.finished.connect(lambda _: self._closed(wizard))
        self.wizard = wizard
        wizard.open()
        self.opened.emit(wizard)
        return wizard

    def _skipped(self) -> None:
        self.demo_box = demo_help(self.window if isinstance(self.window, QWidget) else None)

    def _closed(self, wizard: FirstRunWizard) -> None:
        self.wizard = None                # it deletes itself on close
        if wizard.report is not None:
            self.window.show_sync_result(wizard.report)
        elif wizard.committed:
            self.window.refresh()
