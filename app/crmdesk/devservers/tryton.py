"""A real Tryton server on 127.0.0.1, for the test suite and `crmdesk demo`.

Building a database with party, company, sale_opportunity and crm_activity
takes ~15 s, so it is done once into a template SQLite file, cached under a
key that changes with the server module's source, the trytond version and the
admin password.  Each server copies the template and starts `trytond -d` on a
free port.  `TrytonAdmin` seeds data over JSON-RPC as the administrator: a
company, reps (users with an employee, in the "CRM Activities" group),
accounts, contacts, opportunities and activities.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module
from importlib.metadata import version
from pathlib import Path
from typing import Any, Mapping, Sequence

import requests
from platformdirs import user_cache_dir

from crmdesk.devservers.lifetime import die_with_parent
from crmdesk.crm.tryton import TrytonConnector, TrytonRpc

MODULES = ("party", "company", "sale_opportunity", "crm_activity")
ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "crmdesk-Admin-2024"
ADMIN_EMAIL = "admin@example.com"
REP_GROUP = "CRM Activities"
MANAGER_GROUP = "CRM Activities Manager"


def default_cache_dir() -> Path:
    """$CRMDESK_TRYTON_TEMPLATE_DIR, else the user cache dir (CI can cache it)."""
    override = os.environ.get("CRMDESK_TRYTON_TEMPLATE_DIR")
    return Path(override) if override else Path(user_cache_dir("crmdesk")) / "tryton-template"


def _bin(name: str) -> str:
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} is not installed (pip install 'crmdesk[demo]')")
    return found


def template_key(modules: Sequence[str] = MODULES, admin_password: str = ADMIN_PASSWORD) -> str:
    """Changes with the crm_activity source, trytond and the admin password."""
    digest = hashlib.sha256()
    digest.update(f"{version('trytond')}|{','.join(modules)}".encode())
    digest.update(hashlib.sha256(admin_password.encode()).digest())
    source = Path(import_module("trytond.modules.crm_activity").__file__ or "").parent
    for path in sorted(source.rglob("*")):
        if path.suffix in (".py", ".xml", ".cfg") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(source)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def _environment(db_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRYTON")}
    env.update({"TRYTOND_DATABASE__URI": "sqlite://",
                "TRYTOND_DATABASE__PATH": str(db_dir)})
    env.update(extra or {})
    return env


def build_template(cache_dir: Path | None = None, *, modules: Sequence[str] = MODULES,
                   admin_password: str = ADMIN_PASSWORD, timeout: float = 600) -> Path:
    """The cached template database file, built first if missing."""
    cache_dir = Path(cache_dir or default_cache_dir())
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / f"crmdesk-{template_key(modules, admin_password)}.sqlite"
    if target.exists():
        return target
    work = Path(tempfile.mkdtemp(prefix="build-", dir=cache_dir))
    try:
        (work / "template.sqlite").touch()
        passfile = work / "adminpass"
        passfile.write_text(admin_password + "\n")
        passfile.chmod(0o600)
        _run_admin(work, passfile, modules, timeout)
        _checkpoint(work / "template.sqlite")
        os.replace(work / "template.sqlite", target)  # atomic: racing builders agree
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _run_admin(work: Path, passfile: Path, modules: Sequence[str], timeout: float) -> None:
    env = _environment(work, {"TRYTONPASSFILE": str(passfile)})
    command = [_bin("trytond-admin"), "-d", "template", "--all", "-u", *modules,
               "--activate-dependencies", "--email", ADMIN_EMAIL]
    with open(work / "admin.log", "wb") as log:
        done = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, stdout=log,
                              stderr=subprocess.STDOUT, timeout=timeout, check=False)
    if done.returncode != 0:
        tail = (work / "admin.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"trytond-admin failed ({done.returncode}):\n{tail}")


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the file so that a plain copy is complete."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TrytonServer:
    """One trytond process serving a fresh copy of the template database."""

    def __init__(self, workdir: Path, *, database: str = "crmdesk",
                 cache_dir: Path | None = None, admin_password: str = ADMIN_PASSWORD,
                 config: Mapping[str, str] | None = None, port: int = 0,
                 keep_data: bool = False, modules: Sequence[str] = MODULES) -> None:
        self.workdir = Path(workdir)
        self.keep_data = keep_data  # reuse the database a previous run left
        self.modules = tuple(modules)
        self.database = database
        self.cache_dir = cache_dir
        self.admin_login = ADMIN_LOGIN
        self.admin_password = admin_password
        self.config = dict(config or {})  # e.g. {"session.max_attempt": "1"}
        self.port = port  # 0: a free one at start
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "trytond.log"

    def start(self, timeout: float = 30) -> None:
        db_dir = self.workdir / "db"
        db_dir.mkdir(parents=True, exist_ok=True)
        db_file = db_dir / f"{self.database}.sqlite"
        if not (self.keep_data and db_file.exists()):
            template = build_template(self.cache_dir, modules=self.modules,
                                      admin_password=self.admin_password)
            shutil.copyfile(template, db_file)
        self.port = self.port or free_port()
        extra = {"TRYTOND_WEB__LISTEN": f"127.0.0.1:{self.port}"}
        for key, value in self.config.items():
            section, option = key.split(".", 1)
            extra[f"TRYTOND_{section.upper()}__{option.upper()}"] = value
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [_bin("trytond"), "-d", self.database], env=_environment(db_dir, extra),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent())
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        # trytond loads the database (-d) before it listens: any answer will do
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"trytond exited:\n{self._log_tail()}")
            try:
                requests.get(f"{self.url}/", timeout=2)
                return
            except requests.ConnectionError:
                pass
            time.sleep(0.02)  # poll interval, not a wait for readiness
        self.stop()
        raise TimeoutError(f"trytond not ready after {timeout} s:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def __enter__(self) -> TrytonServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def admin(self) -> TrytonAdmin:
        return TrytonAdmin(self.url, self.database, self.admin_login, self.admin_password)

    def connector(self, login: str, password: str) -> TrytonConnector:
        return TrytonConnector(self.url, self.database, login, password)


@dataclass(frozen=True)
class Rep:
    """A sales-rep user as TrytonAdmin created it."""

    login: str
    password: str
    name: str
    email: str
    user_id: int
    employee_id: int
    party_id: int


class TrytonAdmin:
    """Seeds a Tryton database over JSON-RPC as the administrator."""

    def __init__(self, url: str, database: str, login: str, password: str) -> None:
        self.url = url
        self.database = database
        self.rpc = TrytonRpc(url, database, login, password)
        self.company_id: int | None = None
        self.currency_id: int | None = None

    def call(self, model: str, method: str, *params: Any) -> Any:
        context = {"company": self.company_id} if self.company_id else {}
        return self.rpc.model(model, method, *params, context=context)

    def search(self, model: str, domain: list[Any]) -> list[int]:
        return list(self.call(model, "search", domain, 0, None, None))

    def setup_company(self, name: str = "Example Corp", currency: str = "EUR") -> int:
        """The company (created once), set as the admin's company; idempotent."""
        found = self.search("company.company", [("party.name", "=", name)])
        if found:
            self.company_id = found[0]
            self.currency_id = self.call("company.company", "read", found, ["currency"])[0]["currency"]
            return found[0]
        self.currency_id = self._currency(currency)
        party = self.create_party(name)
        self.company_id, = self.call("company.company", "create",
                                     [{"party": party, "currency": self.currency_id}])
        self.call("res.user", "write", [self.rpc.user_id], {
            "companies": [("add", [self.company_id])], "company": self.company_id,
            "groups": [("add", [self.group_id(MANAGER_GROUP)])]})
        return self.company_id

    def _currency(self, code: str) -> int:
        found = self.search("currency.currency", [("code", "=", code)])
        if found:
            return found[0]
        return self.call("currency.currency", "create", [{
            "name": code, "code": code, "symbol": code, "digits": 2,
            "rounding": Decimal("0.01")}])[0]

    def group_id(self, name: str) -> int:
        return self.search("res.group", [("name", "=", name)])[0]

    def create_party(self, name: str, email: str = "") -> int:
        values: dict[str, Any] = {"name": name}
        if email:
            values["contact_mechanisms"] = [("create", [{"type": "email", "value": email}])]
        return self.call("party.party", "create", [values])[0]

    def create_employee(self, name: str, email: str = "") -> tuple[int, int]:
        """(employee id, party id) of a new employee of the company."""
        party = self.create_party(name, email)
        employee, = self.call("company.employee", "create",
                              [{"party": party, "company": self._company()}])
        return employee, party

    def create_rep(self, login: str, password: str, name: str, email: str, *,
                   manager: bool = False) -> Rep:
        """A user with an employee, in the CRM Activities group (and manager)."""
        employee, party = self.create_employee(name, email)
        groups = [self.group_id(REP_GROUP)]
        if manager:
            groups.append(self.group_id(MANAGER_GROUP))
        user, = self.call("res.user", "create", [{
            "login": login, "name": name, "password": password, "email": email,
            "groups": [("add", groups)], "companies": [("add", [self._company()])],
            "company": self._company(), "employees": [("add", [employee])],
            "employee": employee}])
        return Rep(login, password, name, email, user, employee, party)

    def create_account(self, name: str) -> int:
        return self.create_party(name)

    def create_contact(self, name: str, email: str, account: int | None = None) -> int:
        """A contact: a party with an e-mail address, working for `account`."""
        values: dict[str, Any] = {"name": name, "crm_account": account}
        if email:
            values["contact_mechanisms"] = [("create", [{"type": "email", "value": email}])]
        return self.call("party.party", "create", [values])[0]

    def add_email(self, party: int, email: str) -> None:
        """One more e-mail contact mechanism on a party."""
        self.call("party.contact_mechanism", "create",
                  [{"party": party, "type": "email", "value": email}])

    def create_opportunity(self, description: str, account: int,
                           employee: int | None = None) -> int | None:
        """A sale opportunity, or None when sale_opportunity is not active."""
        if not self.search("ir.model", [("name", "=", "sale.opportunity")]):
            return None
        values = {"description": description, "party": account, "company": self._company(),
                  "currency": self.currency_id, "employee": employee}
        return self.call("sale.opportunity", "create", [values])[0]

    def set_generic_owner(self, employee: int | None) -> None:
        self.call("company.company", "write", [self._company()],
                  {"crm_generic_owner": employee})

    def create_activities(self, vlist: list[dict[str, Any]]) -> list[int]:
        """Activities created as the admin (Tryton values; team as id lists)."""
        rows = self.call("crm.activity", "sync_create",
                         [{"company": self._company(), **v} for v in vlist])
        return [row["id"] for row in rows]

    def read_activities(self, ids: Sequence[int], names: Sequence[str]) -> list[dict[str, Any]]:
        return list(self.call("crm.activity", "read", list(ids), list(names)))

    def _company(self) -> int:
        if self.company_id is None:
            raise RuntimeError("call setup_company() first")
        return self.company_id
