"""Short, human reasons for network failures, shared by both connectors.

requests/urllib3 messages carry pool reprs and object addresses ("Max
retries exceeded … <urllib3.connection.HTTPConnection object at 0x…>");
a rep needs "connection refused".
"""

from __future__ import annotations

import re

# A TLS failure about the client's own certificate, not the server's.
CLIENT_CERT_REASONS = frozenset({
    "it asks for a client certificate", "it did not accept the client certificate",
    "the client certificate or its key can't be used"})

_PATTERNS: list[tuple[str, str]] = [
    (r"CERTIFICATE_REQUIRED|certificate required|PEER_DID_NOT_RETURN_A_CERTIFICATE",
     "it asks for a client certificate"),
    (r"ALERT_UNKNOWN_CA|ALERT_BAD_CERTIFICATE|ALERT_CERTIFICATE_UNKNOWN|"
     r"ALERT_UNSUPPORTED_CERTIFICATE|ALERT_CERTIFICATE_EXPIRED|ALERT_ACCESS_DENIED",
     "it did not accept the client certificate"),
    (r"KEY_VALUES_MISMATCH|PEM lib|NO_START_LINE|BAD_END_LINE|X509_check_private_key|"
     r"BAD_BASE64_DECODE|\[SSL\] PEM",
     "the client certificate or its key can't be used"),
    (r"certificate has expired", "its certificate has expired"),
    (r"CERTIFICATE_VERIFY_FAILED|certificate verify failed", "its certificate is not trusted"),
    (r"hostname .* doesn't match|Hostname mismatch", "its certificate is for another host name"),
    (r"WRONG_VERSION_NUMBER|wrong version number", "it does not speak TLS on that port"),
    (r"Connection refused|ECONNREFUSED|Errno 111", "connection refused"),
    (r"Name or service not known|nodename nor servname|getaddrinfo failed|"
     r"Temporary failure in name resolution|NameResolutionError", "the host name is unknown"),
    (r"Read timed out|ReadTimeout", "the server did not answer in time"),
    (r"timed out|Timeout", "the connection timed out"),
    (r"Connection reset|ECONNRESET|Errno 104", "the connection was reset"),
    (r"RemoteDisconnected|Connection aborted|closed connection",
     "the server closed the connection"),
    (r"Network is unreachable|No route to host", "the network is unreachable"),
    (r"IncompleteRead|Connection broken|ChunkedEncodingError|ended prematurely",
     "the answer was cut off"),
]


def network_reason(exc: BaseException) -> str:
    """The reason behind a requests exception, in a few plain words."""
    text = _chain_text(exc)
    for pattern, words in _PATTERNS:
        if re.search(pattern, text):
            return words
    inner = _innermost(exc)
    return type(inner).__name__


def _innermost(exc: BaseException) -> BaseException:
    seen = {id(exc)}
    while exc.__context__ is not None and id(exc.__context__) not in seen:
        exc = exc.__context__
        seen.add(id(exc))
    return exc


def _chain_text(exc: BaseException) -> str:
    parts, seen = [], set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts.append(f"{type(current).__name__}: {current}")
        current = current.__context__ or current.__cause__
    return " | ".join(parts)
