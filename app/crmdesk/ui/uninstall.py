"""Remove CRM data… (rule 23): confirm with the real numbers, run, report.

1. `service.uninstall_plan()` is read on the store thread;
2. a confirmation names what goes and what stays (the CRM is not touched);
3. `service.uninstall()` deletes calendar items on a network thread, while a
   busy indicator shows;
4. the result, or the items that could not be deleted (then nothing local
   was removed and running it again finishes the job).

A successful run closes the service's stores, including the GUI store
thread's; that thread is replaced so the next read opens a fresh store.

Everything is shown as plain text: failure reasons and titles come from the
servers.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from crmdesk.uninstall import UninstallPlan, UninstallReport
from crmdesk.ui.api import GuiService
from crmdesk.ui.errors import show_error
from crmdesk.ui.look import title_text
from crmdesk.ui.tasks import TaskRunner, network_pool, store_pool

MAX_LISTED = 10
translate = QCoreApplication.translate


def confirm_text(plan: UninstallPlan) -> str:
    """What Remove CRM data will do, in the plan's numbers."""
    return translate(
        "RemoveCrmData", "This deletes {deleted} that came from the CRM, keeps {kept} in your "
        "calendar (no longer shared), and removes the local data and the stored passwords "
        "from this computer.\n\nThe CRM itself is not changed.").format(
            deleted=_calendar_items(len(plan.delete)), kept=_shared_items(plan.unshare))


def done_text(report: UninstallReport) -> str:
    if report.unshared == 1:
        head = translate("RemoveCrmData", "Deleted {deleted} that came from the CRM; {kept} "
                         "stays in your calendar, no longer shared.")
    else:
        head = translate("RemoveCrmData", "Deleted {deleted} that came from the CRM; {kept} "
                         "stay in your calendar, no longer shared.")
    return head.format(deleted=_calendar_items(report.deleted),
                        kept=_shared_items(report.unshared)) + " " + translate(
        "RemoveCrmData", "The local data and the stored passwords were removed. The CRM was "
        "not changed.\n\nTo start again, enter the passwords in Connection settings and "
        "Synchronize.")


def failed_text(report: UninstallReport) -> str:
    """Why nothing local was removed, and the first failures."""
    lines = [f"\u2022 {title_text(title)}: {reason}"
             for title, reason in report.failed[:MAX_LISTED]]
    if len(report.failed) > MAX_LISTED:
        lines.append(translate("RemoveCrmData", "\u2026 and {n} more").format(
            n=len(report.failed) - MAX_LISTED))
    return translate(
        "RemoveCrmData", "{failed} could not be deleted from your calendar, so nothing local "
        "was removed. Check the connection to the calendar server and choose Remove CRM data "
        "again.").format(failed=_calendar_items(len(report.failed))) + "\n\n" + \
        "\n".join(lines)


def _calendar_items(count: int) -> str:
    if count == 1:
        return translate("RemoveCrmData", "1 calendar item")
    return translate("RemoveCrmData", "{n} calendar items").format(n=count)


def _shared_items(count: int) -> str:
    if count == 1:
        return translate("RemoveCrmData", "1 shared item")
    return translate("RemoveCrmData", "{n} shared items").format(n=count)


def _box(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    return box


class RemoveCrmData(QObject):
    """One run of the flow; `finished(removed: bool)` when it is over."""

    finished = Signal(bool)

    def __init__(self, service: GuiService, parent: QWidget) -> None:
        super().__init__(parent)
        self._service = service
        self._parent = parent
        self._store = TaskRunner(parent=self)
        self._network = TaskRunner(network_pool(), self)
        self.box: QMessageBox | None = None
        self.busy: QProgressDialog | None = None
        self.report: UninstallReport | None = None

    def start(self) -> None:
        self._store.run(self._service.uninstall_plan, self._confirm, self._failed)

    def _confirm(self, plan: UninstallPlan) -> None:
        box = _box(self._parent, QMessageBox.Icon.Warning, self.tr("Remove CRM data?"),
                   confirm_text(plan))
        box.setObjectName("confirmUninstall")
        remove = box.addButton(self.tr("Remove CRM data"), QMessageBox.ButtonRole.DestructiveRole)
        remove.setObjectName("removeCrmData")
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        remove.clicked.connect(self._run)
        cancel.clicked.connect(lambda: self.finished.emit(False))
        self.box = box
        box.open()

    def _run(self) -> None:
        self.busy = QProgressDialog(self.tr("Removing CRM data\u2026"), "", 0, 0, self._parent)
        self.busy.setWindowTitle(self.tr("Remove CRM data"))
        self.busy.setCancelButton(None)           # deletes already made can't be undone
        self.busy.setWindowModality(Qt.WindowModality.WindowModal)
        self.busy.setMinimumDuration(0)
        self.busy.show()
        self._network.run(self._service.uninstall, self._done, self._failed)

    def _close_busy(self) -> None:
        if self.busy is not None:
            self.busy.close()
            self.busy.deleteLater()
            self.busy = None

    def _done(self, report: UninstallReport) -> None:
        self._close_busy()
        self.report = report
        if report.complete:
            store_pool().restart()
            box = _box(self._parent, QMessageBox.Icon.Information, self.tr("CRM data removed"),
                       done_text(report))
        else:
            box = _box(self._parent, QMessageBox.Icon.Warning, self.tr("CRM data not removed"),
                       failed_text(report))
        box.setObjectName("uninstallResult")
        box.addButton(QMessageBox.StandardButton.Ok)
        self.box = box
        box.open()
        self.finished.emit(report.complete)

    def _failed(self, exc: BaseException) -> None:
        self._close_busy()
        store_pool().restart()       # the service may have closed its stores already
        self.box = show_error(self._parent, exc, self.tr("Remove CRM data stopped."))
        self.finished.emit(False)
