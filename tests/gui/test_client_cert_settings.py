"""Connection settings: the client certificate and key of each server (issue 8).

The rows load and save like the others, a file that isn't there is named
before anything is saved, and a key without its certificate is refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from crmdesk.service import AppService
from crmdesk.settings import load_settings
from crmdesk.ui.settings.connection import ConnectionDialog

from tests.gui.test_settings_dialogs import open_dialog, press, saved_settings

pytestmark = pytest.mark.gui
OK = QDialogButtonBox.StandardButton.Ok


def test_client_certificates_are_saved_per_server(qtbot: QtBot, service: AppService,
                                                  tmp_path: Path) -> None:
    saved_settings(service)
    cert, key, combined = (tmp_path / n for n in ("me.pem", "me.key", "both.pem"))
    for path in (cert, key, combined):
        path.write_text("-----BEGIN CERTIFICATE-----\n")
    dialog = open_dialog(qtbot, ConnectionDialog(service))
    assert dialog.crm.client_cert.text() == "" and dialog.calendar.client_key.text() == ""
    dialog.crm.client_cert.setText(str(cert))
    dialog.crm.client_key.setText(str(key))
    dialog.calendar.client_cert.setText(str(combined))     # key in the same file
    press(qtbot, dialog, OK)
    assert not dialog.isVisible()
    stored = load_settings(service.profile)
    assert (stored.crm.client_cert, stored.crm.client_key) == (str(cert), str(key))
    assert (stored.calendar.client_cert, stored.calendar.client_key) == (str(combined), "")
    again = open_dialog(qtbot, ConnectionDialog(service))
    assert again.crm.client_key.text() == str(key)


def test_missing_certificate_files_are_named(qtbot: QtBot, service: AppService,
                                             tmp_path: Path) -> None:
    saved_settings(service)
    before = service.profile.settings_path.read_bytes()
    dialog = open_dialog(qtbot, ConnectionDialog(service))
    dialog.crm.client_cert.setText(str(tmp_path / "gone.pem"))
    dialog.calendar.client_key.setText(str(tmp_path / "gone.key"))
    press(qtbot, dialog, OK)
    assert dialog.isVisible()
    notes = {w: n.text() for w, n in dialog.crm.form.notes.items() if not n.isHidden()}
    assert notes == {dialog.crm.client_cert: "No such file."}
    cal_notes = {w: n.text() for w, n in dialog.calendar.form.notes.items() if not n.isHidden()}
    assert cal_notes[dialog.calendar.client_key] == "No such file."
    assert cal_notes[dialog.calendar.client_cert] == \
        "Choose the certificate that goes with the key."
    assert "CRM client certificate" in dialog.summary.text()
    assert service.profile.settings_path.read_bytes() == before
