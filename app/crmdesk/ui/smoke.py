"""Start-up self-check for packaged builds (packaging/smoke-test-linux.sh).

With CRMDESK_SMOKE_TEST set, `crmdesk` (the GUI) waits for its main window
to be shown, prints one line about it on stdout and quits with status 0;
status 3 (and a line on stderr) when no window came within the timeout.
It runs offscreen, so a build can be checked on a machine with no display.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

from crmdesk.ui.app import application

VARIABLE = "CRMDESK_SMOKE_TEST"
NO_WINDOW = 3


def requested() -> bool:
    return bool(os.environ.get(VARIABLE))


def arm_smoke_check(timeout_s: float = 60.0) -> QTimer:
    """Poll for the shown main window once the event loop runs; then quit."""
    app = application()
    started = time.monotonic()
    timer = QTimer(app)
    timer.setInterval(100)

    def check() -> None:
        shown = [w for w in app.topLevelWidgets()
                 if isinstance(w, QMainWindow) and w.isVisible()]
        if shown:
            timer.stop()
            print(describe(app, shown[0]), flush=True)
            # Let the window's first loads settle before the orderly quit.
            QTimer.singleShot(1000, lambda: app.exit(0))
        elif time.monotonic() - started > timeout_s:
            timer.stop()
            print(f"smoke: no main window after {timeout_s:.0f} s", file=sys.stderr, flush=True)
            app.exit(NO_WINDOW)

    timer.timeout.connect(check)
    timer.start()
    return timer


def describe(app: QApplication, window: QMainWindow) -> str:
    menus = [a.text().replace("&", "") for a in window.menuBar().actions() if a.text()]
    icon = "yes" if not app.windowIcon().isNull() else "MISSING"
    return (f"smoke: window shown: title={window.windowTitle()!r} "
            f"size={window.width()}x{window.height()} menus={','.join(menus)} "
            f"icon={icon} platform={app.platformName()}")
