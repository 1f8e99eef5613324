"""Connection settings: the CRM and the calendar server, with "Test connection".

Passwords go to the keyring through `service.save_settings`, never into
settings.toml; an empty password field keeps the stored one.  Each server
has its TLS settings: verification, a CA bundle, and a client certificate
(with its key file, unless the certificate file holds the key) for servers
that demand one.  Both tests run on a worker thread and report in words from
`ui.errors`.  The words are in the "ConnectionSettings" context (the groups
share them, whatever their class).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QGroupBox, QHBoxLayout,
                               QLineEdit, QPushButton, QWidget)

from crmdesk.model import Identity
from crmdesk.pim.base import CalendarInfo
from crmdesk.settings import CalendarSettings, CrmSettings, Settings
from crmdesk.ui.api import GuiService
from crmdesk.ui.errors import describe
from crmdesk.ui.look import plain_label
from crmdesk.ui.settings.base import FormPage, NotedForm, Problem, SettingsDialog, url_problem
from crmdesk.ui.tasks import TaskRunner, network_pool

OK_STYLE = "color: #1e7b34;"
FAIL_STYLE = "color: #b3261e;"
translate = QCoreApplication.translate


class ServerGroup(QGroupBox, FormPage):
    """Fields every server has: address, user, password, TLS, test button."""

    side = ""
    tested = Signal(object)          # the answer of a successful test
    test_failed = Signal(object)     # the exception of a failed one

    def __init__(self, service: GuiService, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._service = service
        self._runner = TaskRunner(network_pool(), self)
        self._loaded: Any = None
        self.url = QLineEdit()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.verify_tls = QCheckBox(translate(
            "ConnectionSettings", "Verify the server's TLS certificate (recommended)"))
        self.ca_bundle = QLineEdit()
        self.ca_bundle.setPlaceholderText(translate("ConnectionSettings", "System certificates"))
        self.client_cert = QLineEdit()
        self.client_cert.setPlaceholderText(translate("ConnectionSettings", "None"))
        self.client_key = QLineEdit()
        self.client_key.setPlaceholderText(translate(
            "ConnectionSettings", "In the certificate file"))
        self.test_button = QPushButton(translate("ConnectionSettings", "Test connection"))
        self.test_button.clicked.connect(self.test)
        self.result = plain_label("", wrap=True, name="testResult")
        self.form = NotedForm()

    def _file_row(self, field: QLineEdit, title: str, kinds: str) -> QWidget:
        browse = QPushButton(translate("ConnectionSettings", "Browse\u2026"))
        browse.clicked.connect(lambda: self._pick(field, title, kinds))
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(field, 1)
        line.addWidget(browse)
        return row

    def _test_row(self) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.test_button)
        line.addWidget(self.result, 1)
        return row

    def add_common_rows(self, before_user: list[tuple[str, QWidget]]) -> None:
        self.form.add(translate("ConnectionSettings", "Server address:"), self.url)
        for label, field in before_user:
            self.form.add(label, field)
        self.form.add(translate("ConnectionSettings", "User name:"), self.username)
        self.form.add(translate("ConnectionSettings", "Password:"), self.password)
        self.form.add("", self.verify_tls)
        certificates = translate("ConnectionSettings",
                                 "Certificates (*.pem *.crt *.cer);;All files (*)")
        keys = translate("ConnectionSettings", "Keys (*.pem *.key);;All files (*)")
        self.form.add(translate("ConnectionSettings", "CA bundle:"), self._file_row(
            self.ca_bundle, translate("ConnectionSettings", "CA bundle"), certificates),
            self.ca_bundle)
        self.form.add(translate("ConnectionSettings", "Client certificate:"), self._file_row(
            self.client_cert, translate("ConnectionSettings", "Client certificate"),
            certificates), self.client_cert)
        self.form.add(translate("ConnectionSettings", "Client key:"), self._file_row(
            self.client_key, translate("ConnectionSettings", "Client key"), keys),
            self.client_key)
        self.form.addRow(plain_label(), self._test_row())
        self.setLayout(self.form)

    def _pick(self, field: QLineEdit, title: str, kinds: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, title, field.text(), kinds)
        if path:
            field.setText(path)

    # -- page protocol ------------------------------------------------------

    def load_common(self, section: CrmSettings | CalendarSettings) -> None:
        self._loaded = (section.url, section.username)
        self.url.setText(section.url)
        self.username.setText(section.username)
        self.verify_tls.setChecked(section.verify_tls)
        self.ca_bundle.setText(section.ca_bundle)
        self.client_cert.setText(section.client_cert)
        self.client_key.setText(section.client_key)
        self.password.clear()
        stored = self._service.password(self.side) if section.url else None
        self.password.setPlaceholderText(
            translate("ConnectionSettings", "Stored in the keyring \u2014 leave empty to keep")
            if stored else translate("ConnectionSettings", "Password"))

    def save_common(self, section: CrmSettings | CalendarSettings) -> None:
        section.url = self.url.text().strip()
        section.username = self.username.text().strip()
        section.verify_tls = self.verify_tls.isChecked()
        section.ca_bundle = self.ca_bundle.text().strip()
        section.client_cert = self.client_cert.text().strip()
        section.client_key = self.client_key.text().strip()

    def check_common(self) -> list[Problem]:
        problems = []
        if message := url_problem(self.url.text().strip()):
            problems.append(Problem(self.field_name("url"), message, self.url))
        if not self.username.text().strip():
            problems.append(Problem(self.field_name("username"), translate(
                "ConnectionSettings", "Enter your user name."), self.username))
        if message := self._password_problem():
            problems.append(Problem(self.field_name("password"), message, self.password))
        return problems + self._file_problems()

    def _file_problems(self) -> list[Problem]:
        problems = []
        for field, name in ((self.ca_bundle, "ca_bundle"), (self.client_cert, "client_cert"),
                            (self.client_key, "client_key")):
            path = field.text().strip()
            if path and not Path(path).expanduser().is_file():
                problems.append(Problem(self.field_name(name), translate(
                    "ConnectionSettings", "No such file."), field))
        if self.client_key.text().strip() and not self.client_cert.text().strip():
            problems.append(Problem(self.field_name("client_cert"), translate(
                "ConnectionSettings", "Choose the certificate that goes with the key."),
                self.client_cert))
        return problems

    def field_name(self, what: str) -> str:
        """How a problem names the field of this attribute ("username" -> "CRM user name")."""
        raise NotImplementedError

    def _password_problem(self) -> str:
        if self.password.text():
            return ""
        typed = (self.url.text().strip(), self.username.text().strip())
        if self._loaded[0] and typed != self._loaded:
            return translate("ConnectionSettings", "Enter the password again: the server "
                             "address or user name changed.")
        if self._service.password(self.side) is None:
            return translate("ConnectionSettings", "Enter the password (none is stored yet).")
        return ""

    def new_password(self) -> str | None:
        """The typed password, or None to keep the stored one."""
        return self.password.text() or None


    # -- test connection ----------------------------------------------------

    def _test_password(self) -> str | None:
        """The typed password; None lets the service use the stored one."""
        return self.password.text() or None

    def test(self) -> None:
        self.clear_notes()
        if message := url_problem(self.url.text().strip()):
            self.show_problem(Problem(translate("ConnectionSettings", "Server address"),
                                      message, self.url))
            return
        self.test_button.setEnabled(False)
        self._say(translate("ConnectionSettings", "Testing\u2026"), "")
        self._runner.run(self._test_job(), self._tested, self._on_test_failed)

    def _tested(self, answer: Any) -> None:
        self._on_tested(answer)
        self.tested.emit(answer)

    def _test_job(self) -> Any:
        raise NotImplementedError

    def _on_tested(self, answer: Any) -> None:
        raise NotImplementedError

    def _on_test_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        self._say(describe(exc).message, FAIL_STYLE)
        self.test_failed.emit(exc)

    def _say(self, text: str, style: str) -> None:
        self.result.setStyleSheet(style)
        self.result.setText(text)


class CrmGroup(ServerGroup):
    side = "crm"

    def __init__(self, service: GuiService, parent: QWidget | None = None) -> None:
        super().__init__(service, translate("CrmGroup", "CRM"), parent)
        self.url.setPlaceholderText("https://crm.example.com")
        self.database = QLineEdit()
        self.add_common_rows([(self.tr("Database:"), self.database)])

    def field_name(self, what: str) -> str:
        names = {"url": self.tr("CRM server address"), "username": self.tr("CRM user name"),
                 "password": self.tr("CRM password"), "ca_bundle": self.tr("CRM CA bundle"),
                 "client_cert": self.tr("CRM client certificate"),
                 "client_key": self.tr("CRM client key")}
        return names[what]

    def load(self, settings: Settings) -> None:
        self.load_common(settings.crm)
        self.database.setText(settings.crm.database)

    def save(self, settings: Settings) -> None:
        self.save_common(settings.crm)
        settings.crm.database = self.database.text().strip()

    def check(self) -> list[Problem]:
        problems = self.check_common()
        if not self.database.text().strip():
            problems.insert(1, Problem(self.tr("CRM database"),
                                       self.tr("Enter the database name."), self.database))
        return problems

    def _test_job(self) -> Any:
        section = CrmSettings()
        self.save(Settings(crm=section))
        password, service = self._test_password(), self._service
        return lambda: service.test_crm(section, password)

    def _on_tested(self, identity: Identity) -> None:
        self.test_button.setEnabled(True)
        self._say(self.tr("Signed in as {name}").format(name=identity.name or identity.login),
                  OK_STYLE)


class CalendarGroup(ServerGroup):
    side = "calendar"

    def __init__(self, service: GuiService, parent: QWidget | None = None) -> None:
        super().__init__(service, translate("CalendarGroup", "Calendar (CalDAV)"), parent)
        self.url.setPlaceholderText("https://cloud.example.com/remote.php/dav")
        self.calendar = QComboBox()
        self.calendar.setPlaceholderText(self.tr("Press Test connection to list your calendars"))
        self.calendar.setMinimumContentsLength(24)
        self.add_common_rows([])
        self.form.add(self.tr("Calendar:"), self.calendar)

    def field_name(self, what: str) -> str:
        names = {"url": self.tr("Calendar server address"),
                 "username": self.tr("Calendar user name"),
                 "password": self.tr("Calendar password"),
                 "ca_bundle": self.tr("Calendar CA bundle"),
                 "client_cert": self.tr("Calendar client certificate"),
                 "client_key": self.tr("Calendar client key")}
        return names[what]

    def load(self, settings: Settings) -> None:
        self.load_common(settings.calendar)
        self.calendar.clear()
        if settings.calendar.calendar:
            self.calendar.addItem(settings.calendar.calendar, settings.calendar.calendar)
            self.calendar.setCurrentIndex(0)

    def save(self, settings: Settings) -> None:
        self.save_common(settings.calendar)
        chosen = self.calendar.currentData()
        settings.calendar.calendar = str(chosen) if chosen else ""

    def check(self) -> list[Problem]:
        problems = self.check_common()
        if not self.calendar.currentData():
            problems.append(Problem(self.tr("Calendar"), self.tr(
                "Choose a calendar (press Test connection to list them)."), self.calendar))
        return problems

    def _test_job(self) -> Any:
        section = CalendarSettings()
        self.save_common(section)
        password, service = self._test_password(), self._service
        return lambda: service.test_calendar(section, password)

    def _on_tested(self, calendars: list[CalendarInfo]) -> None:
        self.test_button.setEnabled(True)
        previous = self.calendar.currentData()
        self.calendar.clear()
        for info in calendars:
            self.calendar.addItem(info.name or info.url, info.url)
        match = next((i for i, info in enumerate(calendars)
                      if previous in (info.url, info.name)), 0 if calendars else -1)
        self.calendar.setCurrentIndex(match)
        count = len(calendars)
        if count == 1:
            text = self.tr("Connected: 1 calendar found")
        elif count:
            text = self.tr("Connected: {count} calendars found").format(count=count)
        else:
            text = self.tr("Connected, but this account has no calendar.")
        self._say(text, OK_STYLE if count else FAIL_STYLE)


class ConnectionDialog(SettingsDialog):
    """CRM + Calendar groups; OK validates, saves, and stores passwords."""

    def __init__(self, service: GuiService, parent: QWidget | None = None) -> None:
        super().__init__(service.settings, translate("ConnectionDialog", "Connection settings"),
                         parent)
        self._service = service
        self.crm = CrmGroup(service)
        self.calendar = CalendarGroup(service)
        self.pages = [self.crm, self.calendar]
        self.body.addWidget(self.crm)
        self.body.addWidget(self.calendar)
        self.finish_layout()
        self.resize(620, self.sizeHint().height())

    def commit(self) -> None:
        crm_pw, cal_pw = self.crm.new_password(), self.calendar.new_password()
        if self.changed() or crm_pw or cal_pw:
            self._service.save_settings(self.settings, crm_password=crm_pw,
                                        calendar_password=cal_pw)
