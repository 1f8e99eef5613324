"""The start-up line packaging/smoke-test-linux.sh looks for."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from crmdesk.ui.app import application
from crmdesk.ui.mainwindow import MainWindow
from crmdesk.ui.smoke import describe


def test_the_line_names_the_window_its_menus_and_icon(window: MainWindow) -> None:
    app = application()
    assert isinstance(app, QApplication)
    line = describe(app, window)
    assert line.startswith("smoke: window shown: title='crmdesk'")
    assert "menus=File" in line and "icon=yes" in line and "platform=offscreen" in line
