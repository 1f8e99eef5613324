"""The retry policy and what it may repeat; redirects; TLS options; reasons.

Pure: no sockets.  The proxy-driven tests in tests/integration/test_faults_*
show the same protections against real servers.
"""

from __future__ import annotations

import random
import ssl
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests

from crmdesk import errors
from crmdesk.crm.tryton_rpc import LOGIN, repeatable as rpc_repeatable
from crmdesk.netreason import network_reason
from crmdesk.pim.davhttp import repeatable as dav_repeatable
from crmdesk.retry import Backoff, RetryPolicy, retry_after_seconds
from crmdesk.transport import TlsOptions, redirect_target, wire_failure


def test_backoff_grows_is_capped_and_stops_after_the_last_attempt() -> None:
    waits: list[float] = []
    policy = RetryPolicy(attempts=5, base=1.0, cap=3.0)
    backoff = Backoff(policy, sleep=waits.append, rng=random.Random(1))
    assert [backoff.again("503") for _ in range(6)] == [True] * 4 + [False] * 2
    assert 0.5 <= waits[0] <= 1.0 and 1.0 <= waits[1] <= 2.0
    assert all(1.5 <= w <= 3.0 for w in waits[2:])          # capped


def test_retry_after_is_honoured_up_to_the_longest_wait() -> None:
    waits: list[float] = []
    backoff = Backoff(RetryPolicy(max_wait=10), sleep=waits.append)
    assert backoff.again("429", retry_after=4) and waits == [4]
    assert not backoff.again("429", retry_after=60) and waits == [4]   # said so instead


def test_retry_after_reads_seconds_and_dates() -> None:
    now = datetime(2030, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("7") == 7
    assert retry_after_seconds("Tue, 01 Jan 2030 12:00:30 GMT", now) == 30
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


@pytest.mark.parametrize("method, headers, safe", [
    ("PROPFIND", {}, True), ("REPORT", {}, True), ("GET", {}, True),
    ("PUT", {"If-Match": '"abc"'}, True), ("DELETE", {"If-Match": '"abc"'}, True),
    ("PUT", {"If-None-Match": "*"}, True),
    ("PUT", {}, False), ("PUT", {"If-Match": ""}, False), ("DELETE", {}, False),
    ("POST", {}, False), ("MKCALENDAR", {}, False),
])
def test_caldav_repeats_reads_and_guarded_writes_only(method: str, headers: dict, safe: bool
                                                     ) -> None:
    assert dav_repeatable(method, headers) is safe


@pytest.mark.parametrize("method, params, safe", [
    ("model.crm.activity.changes", [None, {}], True),
    ("model.crm.activity.sync_search", [[], None, {}], True),
    ("model.res.user.get_preferences", [False, {}], True),
    (LOGIN, ["rita", {"password": "x"}, "en"], True),
    ("model.crm.activity.sync_write", [[7], {"comment": "x"},
                                       {"_timestamp": {"crm.activity,7": "123"}}], True),
    ("model.crm.activity.write", [[7], {"a": 1}, [8], {"a": 2},
                                  {"_timestamp": {"crm.activity,7": "1", "crm.activity,8": "2"}}],
     True),
    # a write without its precondition, or with one record unguarded: never twice
    ("model.crm.activity.sync_write", [[7], {"comment": "x"}, {}], False),
    ("model.crm.activity.write", [[7], {"a": 1}, [8], {"a": 2},
                                  {"_timestamp": {"crm.activity,7": "1"}}], False),
    ("model.crm.activity.sync_write", [[7], {"comment": "x"},
                                       {"_timestamp": {"crm.activity,7": ""}}], False),
    ("model.crm.activity.sync_create", [[{"description": "x"}], {}], False),
    ("model.crm.activity.delete", [[7], {}], False),
    ("model.crm.activity.leave_team", [[7], {}], False),
    ("model.crm.activity.join_shared", ["uid", "a@b", {}], False),
])
def test_tryton_repeats_reads_and_timestamped_writes_only(method: str, params: list,
                                                         safe: bool) -> None:
    assert rpc_repeatable(method, params) is safe


@pytest.mark.parametrize("url, location", [
    ("https://dav.example.com/dav/", "https://evil.example.net/dav/"),
    ("https://dav.example.com/dav/", "http://dav.example.com/dav/"),       # downgrade
    ("http://127.0.0.1:8080/", "http://localhost:8080/"),                 # another host name
    ("https://dav.example.com/", "ftp://dav.example.com/"),
])
def test_credentials_never_follow_a_redirect_elsewhere(url: str, location: str) -> None:
    with pytest.raises(errors.RedirectRefused) as caught:
        redirect_target("CalDAV", url, location)
    assert caught.value.target.startswith(location.split("/", 3)[0])


@pytest.mark.parametrize("url, location, target", [
    ("https://dav.example.com/", "/remote.php/dav/", "https://dav.example.com/remote.php/dav/"),
    ("http://dav.example.com/", "https://dav.example.com/", "https://dav.example.com/"),
    ("https://dav.example.com:8443/x", "https://DAV.example.com/y",
     "https://DAV.example.com/y"),
])
def test_same_host_redirects_are_followed(url: str, location: str, target: str) -> None:
    assert redirect_target("CalDAV", url, location) == target


def test_tls_options(tmp_path: Path) -> None:
    cert, key = tmp_path / "me.pem", tmp_path / "me.key"
    cert.write_text("x")
    key.write_text("y")
    assert TlsOptions.from_settings() == TlsOptions(True, None)
    assert TlsOptions.from_settings(False, str(cert)).verify is False
    assert TlsOptions.from_settings(True, str(cert)).verify == str(cert)
    assert TlsOptions.from_settings(client_cert=str(cert)).cert == str(cert)
    assert TlsOptions.from_settings(client_cert=str(cert), client_key=str(key)).cert == (
        str(cert), str(key))
    for kwargs in ({"ca_bundle": str(tmp_path / "nope.pem")},
                   {"client_cert": str(tmp_path / "nope.pem")},
                   {"client_key": str(key)}):
        with pytest.raises(errors.UserError):
            TlsOptions.from_settings(**kwargs)


def _wrapped(message: str, kind: type[OSError] = requests.ConnectionError) -> OSError:
    try:
        try:
            raise ssl.SSLError(1, message)
        except ssl.SSLError as inner:
            raise kind(inner) from inner
    except OSError as outer:
        return outer


@pytest.mark.parametrize("message, kind, reason", [
    ("[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required",
     errors.ClientCertError, "it asks for a client certificate"),
    ("[SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca", errors.ClientCertError,
     "it did not accept the client certificate"),
    ("[X509: KEY_VALUES_MISMATCH] key values mismatch", errors.ClientCertError,
     "the client certificate or its key can't be used"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate",
     errors.TlsError, "its certificate is not trusted"),
])
def test_tls_failures_say_whose_certificate(message: str, kind: type, reason: str) -> None:
    failure = wire_failure("CalDAV", "https://dav.example.com/", _wrapped(message))
    assert type(failure.error) is kind and failure.error.detail == reason
    assert not failure.transient


def test_transient_and_final_wire_failures() -> None:
    reset = requests.ConnectionError("('Connection aborted.', ConnectionResetError(104, "
                                     "'Connection reset by peer'))")
    refused = requests.ConnectionError("[Errno 111] Connection refused")
    cut = requests.exceptions.ChunkedEncodingError("Connection broken: IncompleteRead(10 bytes)")
    timeout = requests.ReadTimeout("Read timed out. (read timeout=1)")
    missing = OSError("Could not find the TLS certificate file, invalid path: /x.pem")
    results = {name: wire_failure("Tryton", "http://crm/", exc) for name, exc in (
        ("reset", reset), ("refused", refused), ("cut", cut), ("timeout", timeout),
        ("missing", missing))}
    assert {n for n, f in results.items() if f.transient} == {"reset", "cut", "timeout"}
    assert results["timeout"].error.detail == "the server did not answer in time"
    assert results["cut"].error.detail == "the answer was cut off"
    assert isinstance(results["missing"].error, errors.UserError)
    assert network_reason(reset) == "the connection was reset"
