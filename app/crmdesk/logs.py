"""Rotating log files in the profile's log dir, with every secret scrubbed.

`setup_logging(profile)` sends crmdesk's own records (INFO and up) and other
libraries' warnings to `<log dir>/crmdesk.log`, rotated at 1 MB with five
old files kept.  `RedactSecrets` runs on the file handler before anything is
written: it replaces every password crmdesk has read (see
`settings.secrets.known_secrets`), Authorization / Session / Basic
credentials, password-like `key=value` pairs and the user-info part of URLs
with `***`.  The same `scrub()` cleans what goes into a diagnostics bundle.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import Callable

from crmdesk import __version__
from crmdesk.settings import Profile
from crmdesk.settings.secrets import known_secrets

LOG_NAME = "crmdesk.log"
LEVEL_VARIABLE = "CRMDESK_LOG_LEVEL"
MAX_BYTES = 1_000_000
BACKUPS = 5
MASK = "***"
# A shorter "password" would mangle ordinary words in every line.
MIN_SECRET_LEN = 4

_PATTERNS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    # Authorization: Session abc== / "Authorization": "Basic abc=="
    (re.compile(r"(?i)\b(authorization|cookie|x-api-key)([\"']?\s*[:=]\s*[\"']?)"
                r"(?:(basic|bearer|session|digest)\s+)?[^\s\"',;}]+"),
     lambda m: m.group(1) + m.group(2) + (m.group(3) + " " if m.group(3) else "") + MASK),
    # A credential scheme followed by a token, wherever it appears.
    (re.compile(r"\b(Session|Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{12,}"), r"\1 " + MASK),
    # scheme://user:password@host -> scheme://***@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@\"'<>]+@"), r"\1" + MASK + "@"),
    # password=..., "password": "...", 'passwd': '...'
    (re.compile(r"(?i)([\"']?\b(?:pass(?:word|wd)?|secret|token|api[_-]?key)\b[\"']?\s*"
                r"(?:\s*=\s*[\"']?|:\s*[\"']))[^\s\"',;&}]*"),
     r"\1" + MASK),
)

_lock = threading.Lock()
_handler: logging.Handler | None = None
_root_level: int | None = None       # the root level before setup, restored at shutdown

log = logging.getLogger("crmdesk")


def scrub(text: str) -> str:
    """`text` with known passwords, credentials and URL user-info masked."""
    for secret in sorted(known_secrets(), key=len, reverse=True):
        if len(secret) >= MIN_SECRET_LEN and secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """Rewrites each record's message, traceback and stack with `scrub()`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):      # a bad format string: keep it visible
            message = f"{record.msg!r} % {record.args!r}"
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


class _OwnInfoOthersWarnings(logging.Filter):
    """crmdesk's INFO lines, but only warnings from chatty libraries (unless DEBUG)."""

    def __init__(self, everything: bool) -> None:
        super().__init__()
        self.everything = everything

    def filter(self, record: logging.LogRecord) -> bool:
        own = record.name == "crmdesk" or record.name.startswith("crmdesk.")
        return own or self.everything or record.levelno >= logging.WARNING


def log_path(profile: Profile) -> Path:
    return profile.log_dir / LOG_NAME


def level_from_environment(default: int = logging.INFO) -> int:
    """CRMDESK_LOG_LEVEL=DEBUG (or INFO, WARNING) for a support session."""
    name = os.environ.get(LEVEL_VARIABLE, "").strip().upper()
    level = logging.getLevelName(name) if name else default
    return level if isinstance(level, int) else default


def setup_logging(profile: Profile, level: int | None = None) -> Path:
    """Log to the profile's rotating file; safe to call again (replaces the handler).

    `level` defaults to CRMDESK_LOG_LEVEL, else INFO; at DEBUG the HTTP
    libraries' lines (request lines, no headers) are kept too.
    """
    global _handler, _root_level
    level = level_from_environment() if level is None else level
    path = log_path(profile)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES,
                                                   backupCount=BACKUPS, encoding="utf-8",
                                                   delay=True)
    handler.setLevel(level)
    handler.addFilter(_OwnInfoOthersWarnings(everything=level <= logging.DEBUG))
    handler.addFilter(RedactSecrets())
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"))
    root = logging.getLogger()
    with _lock:
        if _handler is not None:
            root.removeHandler(_handler)
            _handler.close()
        _handler = handler
        root.addHandler(handler)
        if _root_level is None:
            _root_level = root.level
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    log.setLevel(level)
    logging.captureWarnings(True)
    _install_excepthook()
    log.info("crmdesk %s, Python %s, profile %s", __version__, sys.version.split()[0],
             profile.config_dir)
    return path


def shutdown_logging() -> None:
    """Detach and close the file handler (tests; the end of a CLI run)."""
    global _handler, _root_level
    with _lock:
        root = logging.getLogger()
        if _handler is not None:
            root.removeHandler(_handler)
            _handler.close()
            _handler = None
        if _root_level is not None:
            root.setLevel(_root_level)
            _root_level = None
        log.setLevel(logging.NOTSET)
    logging.captureWarnings(False)
    previous = getattr(sys.excepthook, "_crmdesk_previous", None)
    if previous is not None:
        sys.excepthook = previous


def _install_excepthook() -> None:
    """Uncaught exceptions reach the log too (then the usual hook runs)."""
    if getattr(sys.excepthook, "_crmdesk_previous", None) is not None:
        return
    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException,
             tb: TracebackType | None) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            log.critical("uncaught exception", exc_info=(kind, value, tb))
        previous(kind, value, tb)

    hook._crmdesk_previous = previous  # type: ignore[attr-defined]
    sys.excepthook = hook
