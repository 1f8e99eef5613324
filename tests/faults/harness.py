"""A rep's crmdesk that talks to both real servers through fault proxies.

`faulty_rep` starts one FaultProxy in front of the CalDAV server and one in
front of trytond, points the rep's settings at them and gives the app
connectors that it keeps for its whole life (as the GUI's AppService does),
with short timeouts and quick retries so that a stall costs about a second.
The rep's direct handles (`rep.caldav`, `rep.crm`) bypass the proxies: they
are the phone and the CRM's own client.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterator

from crmdesk.crm.tryton import TrytonConnector
from crmdesk.pim.caldav import CalDavClient
from crmdesk.retry import RetryPolicy
from crmdesk.sync.report import SyncReport

from tests.faults.proxy import FaultProxy, Request
from tests.integration.conftest import Rep, make_rep

FAST = RetryPolicy(attempts=3, base=0.05, cap=0.2, max_wait=2.0)
TIMEOUT = 1.5           # the clients' read timeout behind the proxies
STALL = TIMEOUT + 0.5   # a stall that outlasts it


def via(proxy: FaultProxy, server_url: str, url: str) -> str:
    """`url` of the server at `server_url`, reached through `proxy`."""
    assert url.startswith(server_url.rstrip("/")), (url, server_url)
    return proxy.url.rstrip("/") + url[len(server_url.rstrip("/")):]


@dataclass
class Faulty:
    rep: Rep
    cal: FaultProxy
    crm: FaultProxy
    crm_client: TrytonConnector
    cal_client: CalDavClient

    @property
    def app(self) -> Any:
        return self.rep.app

    def sync(self) -> SyncReport:
        return self.app.sync()

    def calm(self) -> None:
        """No more faults."""
        self.cal.script = self.crm.script = lambda r: None

    def patient(self) -> None:
        """Normal timeouts again (for the final clean syncs)."""
        self.crm_client.rpc.timeout = 30
        self.cal_client.http.timeout = 30


def session_key(request: Request) -> str:
    return request.headers.get("authorization", "")


@contextmanager
def faulty_rep(tmp_path: Path, caldav: Any, server: Any, rep: Any, *,
               timeout: float = TIMEOUT, retry: RetryPolicy = FAST) -> Iterator[Faulty]:
    with FaultProxy(caldav.server.url) as cal, FaultProxy(server.url) as crm:
        env = SimpleNamespace(url=via(cal, caldav.server.url, caldav.url),
                              username=caldav.username, password=caldav.password,
                              calendar_url=via(cal, caldav.server.url, caldav.calendar_url))
        crm_server = SimpleNamespace(url=crm.url.rstrip("/"), database=server.database)
        made = make_rep(tmp_path, env, crm_server, rep)
        made.caldav = caldav                      # the phone talks to the server directly
        crm_client = TrytonConnector(crm_server.url, server.database, rep.login, rep.password,
                                     timeout=timeout, retry=retry)
        cal_client = CalDavClient(env.url, caldav.username, caldav.password,
                                  timeout=timeout, retry=retry)
        cal_client.http.sleep = crm_client.rpc.sleep = _short_sleep
        # The app keeps its connectors, as the GUI's AppService does.
        made.app.make_crm = lambda *a, **k: crm_client          # type: ignore[method-assign]
        made.app.make_calendar = lambda *a, **k: cal_client     # type: ignore[method-assign]
        try:
            yield Faulty(made, cal, crm, crm_client, cal_client)
        finally:
            made.app.close()
            cal_client.close()


def _short_sleep(seconds: float) -> None:
    """Backoff waits, shortened for the tests (a Retry-After may ask for seconds)."""
    time.sleep(min(seconds, 0.2))
