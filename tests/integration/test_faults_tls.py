"""TLS in front of the real servers: verified by default, a private CA taken
from the CA bundle setting, and client certificates for servers that demand
one (a TLS-terminating proxy with CERT_REQUIRED in front of Radicale and of
trytond).  Every refusal is a typed error that says what to set.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Any, Iterator

import pytest

from crmdesk.crm.tryton import TrytonConnector
from crmdesk.errors import ClientCertError, TlsError, UserError
from crmdesk.messages import describe
from crmdesk.pim.caldav import CalDavClient

from tests.faults.certs import Pki, make_pki
from tests.faults.harness import via
from tests.faults.proxy import FaultProxy, server_context
from tests.fixtures.caldav import _environment
from tests.integration.conftest import make_rep, soon
from tests.integration.test_caldav_client import event

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def _tls_proxy(upstream: str, pki: Pki, demand_client_cert: bool) -> FaultProxy:
    ctx = server_context(str(pki.server_cert), str(pki.server_key),
                         str(pki.ca) if demand_client_cert else None)
    return FaultProxy(upstream, tls=ctx)


@pytest.fixture
def radicale(radicale_server: Any) -> Iterator[Any]:
    """One server is enough: the proxy does the TLS."""
    yield from _environment("radicale", radicale_server)


@pytest.fixture
def strict_crm(tryton_server: Any, pki: Pki) -> Iterator[FaultProxy]:
    """trytond behind HTTPS that demands a client certificate from our CA."""
    with _tls_proxy(tryton_server.url, pki, True) as proxy:
        yield proxy


@pytest.fixture
def strict_dav(radicale_server: Any, pki: Pki) -> Iterator[FaultProxy]:
    with _tls_proxy(radicale_server.url, pki, True) as proxy:
        yield proxy


def _crm(proxy: FaultProxy, server: Any, rep: Any, **tls: Any) -> TrytonConnector:
    return TrytonConnector(proxy.url, server.database, rep.login, rep.password, timeout=10,
                           **tls)


# -- server certificates ---------------------------------------------------------------

def test_a_crm_with_a_private_ca_is_refused_then_accepted_with_its_bundle(
        tryton_server: Any, tryton_rep: Any, pki: Pki) -> None:
    with _tls_proxy(tryton_server.url, pki, False) as proxy:
        with pytest.raises(TlsError) as caught:
            _crm(proxy, tryton_server, tryton_rep).login()
        assert not isinstance(caught.value, ClientCertError)
        words = describe(caught.value)
        assert "certificate that can't be verified" in words and "CA bundle" in words
        assert tryton_rep.password not in words
        me = _crm(proxy, tryton_server, tryton_rep, ca_bundle=str(pki.ca)).login()
        assert me.login == tryton_rep.login
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")            # urllib3's InsecureRequestWarning
            assert _crm(proxy, tryton_server, tryton_rep, verify_tls=False).login() == me
    assert proxy.handshake_errors                       # the refusal happened in TLS


def test_the_ca_bundle_wins_over_the_environment(tryton_server: Any, tryton_rep: Any,
                                                 pki: Pki, monkeypatch: Any,
                                                 tmp_path: Path) -> None:
    """REQUESTS_CA_BUNDLE must not replace the bundle the rep chose."""
    other = make_pki(tmp_path / "other")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(other.ca))
    with _tls_proxy(tryton_server.url, pki, False) as proxy:
        assert _crm(proxy, tryton_server, tryton_rep, ca_bundle=str(pki.ca)).login()


# -- client certificates ----------------------------------------------------------------

def test_a_crm_demanding_a_client_certificate(strict_crm: FaultProxy, tryton_server: Any,
                                              tryton_rep: Any, pki: Pki) -> None:
    ca = {"ca_bundle": str(pki.ca)}
    with pytest.raises(ClientCertError) as caught:
        _crm(strict_crm, tryton_server, tryton_rep, **ca).login()
    assert "asks for a client certificate" in describe(caught.value)
    assert "client certificate and its key in Connection settings" in describe(caught.value)
    mine = {"client_cert": str(pki.client_cert), "client_key": str(pki.client_key)}
    assert _crm(strict_crm, tryton_server, tryton_rep, **ca, **mine).login()
    combined = {"client_cert": str(pki.client_combined)}
    assert _crm(strict_crm, tryton_server, tryton_rep, **ca, **combined).login()
    stranger = {"client_cert": str(pki.stranger_cert), "client_key": str(pki.stranger_key)}
    with pytest.raises(ClientCertError) as refused:
        _crm(strict_crm, tryton_server, tryton_rep, **ca, **stranger).login()
    assert "did not accept the client certificate" in describe(refused.value)


def test_a_calendar_demanding_a_client_certificate(strict_dav: FaultProxy, radicale: Any,
                                                   pki: Pki) -> None:
    caldav = radicale
    url = via(strict_dav, caldav.server.url, caldav.calendar_url)
    caldav.put("over-tls", event("over-tls"))

    def client(**tls: Any) -> CalDavClient:
        return CalDavClient(url, caldav.username, caldav.password, timeout=10,
                            ca_bundle=str(pki.ca), **tls)

    with pytest.raises(ClientCertError):
        client().sync(url, None)
    with client(client_cert=str(pki.client_cert), client_key=str(pki.client_key)) as c:
        assert [i.uid for i in c.sync(url, None).changed] == ["over-tls"]
    with pytest.raises(ClientCertError):
        client(client_cert=str(pki.stranger_cert), client_key=str(pki.stranger_key)).calendars()
    with pytest.raises(ClientCertError) as unusable:     # a key that is not the cert's
        client(client_cert=str(pki.client_cert), client_key=str(pki.stranger_key)).calendars()
    assert "can't be used" in describe(unusable.value)


def test_a_missing_certificate_file_is_named(pki: Pki, tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        CalDavClient("https://127.0.0.1:1/", "rita", "pw", client_cert=str(tmp_path / "me.pem"))
    assert "me.pem does not exist" in describe(caught.value)
    with pytest.raises(UserError):
        TrytonConnector("https://127.0.0.1:1", "db", "rita", "pw",
                        client_key=str(pki.client_key))          # a key without its certificate


def test_a_sync_with_client_certificates_from_the_settings(
        tmp_path: Path, strict_crm: FaultProxy, strict_dav: FaultProxy, radicale: Any,
        tryton_server: Any, tryton_rep: Any, pki: Pki) -> None:
    """Both servers demand a certificate: the settings carry it to both connectors."""
    caldav = radicale
    env = dataclasses.replace(caldav, url=via(strict_dav, caldav.server.url, caldav.url),
                              calendar_url=via(strict_dav, caldav.server.url,
                                               caldav.calendar_url))
    crm_server = type("S", (), {"url": strict_crm.url.rstrip("/"),
                                "database": tryton_server.database})()
    rep = make_rep(tmp_path / "profile", env, crm_server, tryton_rep)
    settings = rep.app.settings.copy()
    for section in (settings.crm, settings.calendar):
        section.ca_bundle = str(pki.ca)
        section.client_cert, section.client_key = str(pki.client_cert), str(pki.client_key)
    rep.app.save_settings(settings)
    rep.caldav = caldav
    try:
        rep.plan_in_crm("Over mutual TLS", soon(3))
        report = rep.sync()
        assert report.calendar.created == 1
        assert [n.fields["description"] for n in rep.natives()] == ["Over mutual TLS"]
    finally:
        rep.app.close()

