"""Start the desktop app: one QApplication, one main window."""

from __future__ import annotations

import signal
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from crmdesk.ui.api import GuiService
from crmdesk.ui.icons import app_icon
from crmdesk.ui.mainwindow import MainWindow
from crmdesk.ui.tasks import wait_for_all


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
    return app


def run_gui(service: GuiService) -> int:
    """Show the main window and run the event loop; returns the exit code."""
    app = application()
    window = MainWindow(service)
    window.show()
    ticker = quit_on_signals(app)
    code = app.exec()
    ticker.stop()
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
