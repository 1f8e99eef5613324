"""Start the desktop app: one QApplication, one main window."""

from __future__ import annotations

import signal
import sys

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from crmdesk.messages import describe_recovery
from crmdesk.ui.api import GuiService
from crmdesk.ui.errors import show_notice
from crmdesk.ui.i18n import install_translations
from crmdesk.ui.icons import app_icon
from crmdesk.ui.mainwindow import MainWindow
from crmdesk.ui.password_prompt import ask_missing_passwords, missing_password_sides
from crmdesk.ui.single import SingleInstance, bring_to_front
from crmdesk.ui.tasks import wait_for_all


GIL_SWITCH_S = 0.001


def application(argv: list[str] | None = None) -> QApplication:
    """The running QApplication, created (and named crmdesk) if needed."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("crmdesk")
    app.setApplicationDisplayName("crmdesk")
    app.setOrganizationName("crmdesk")
    app.setDesktopFileName("crmdesk")
    app.setWindowIcon(app_icon())
    # The sync and store threads run Python too; the GUI thread waits for the
    # GIL up to one switch interval each time it wants it back.  The default
    # 5 ms turns 20 ms of painting into 40-60 ms of wall time during a sync.
    sys.setswitchinterval(GIL_SWITCH_S)
    return app


def run_gui(service: GuiService) -> int:
    """Show the main window and run the event loop; returns the exit code.

    A second launch with the same profile only raises the first one's window.
    """
    app = application()
    install_translations(app)
    instance = SingleInstance(service.profile)
    if instance.notify_running():
        print(QCoreApplication.translate(
            "App", "crmdesk: already running with this profile; its window was brought "
            "to the front."), file=sys.stderr)
        return 0
    instance.listen()
    window = MainWindow(service)
    instance.raise_requested.connect(lambda: bring_to_front(window))
    window.show()
    if getattr(service, "recovered", None) is not None:
        show_notice(window, QCoreApplication.translate("App", "Local store restored"),
                    describe_recovery(service.recovered, QCoreApplication.translate))
    # Configured but no keyring (or an empty one): ask for this session first,
    # so that only a profile with nothing set up gets the first-run wizard.
    if missing_password_sides(service) and ask_missing_passwords(window, service):
        window.refresh()
    window.first_run.open_if_unconfigured()   # the wizard, if nothing is set up yet
    ticker = quit_on_signals(app)
    code = app.exec()
    ticker.stop()
    instance.close()
    wait_for_all()
    return code


def quit_on_signals(app: QApplication) -> QTimer:
    """Quit cleanly on SIGTERM/SIGINT (logout, Ctrl-C, `kill`).

    Python runs signal handlers only between bytecodes, never while Qt's
    event loop idles in C++; a cheap timer gives it that chance.
    """
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: app.quit())
    ticker = QTimer(app)
    ticker.setInterval(300)
    ticker.timeout.connect(lambda: None)
    ticker.start()
    return ticker
