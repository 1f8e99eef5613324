"""Log files: where they go, that they rotate, that no secret reaches them."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Iterator

import pytest

from crmdesk.logs import BACKUPS, MAX_BYTES, scrub, setup_logging, shutdown_logging
from crmdesk.settings import Profile
from crmdesk.settings.secrets import get_password, remember_for_session, set_password


@pytest.fixture
def profile(tmp_path: Path) -> Iterator[Profile]:
    yield Profile.at(tmp_path / "profile")
    shutdown_logging()


def read_logs(profile: Profile) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in profile.log_dir.iterdir())


def test_logs_go_to_the_profile_log_dir(profile: Profile) -> None:
    path = setup_logging(profile)
    logging.getLogger("crmdesk.test").info("hello from the test")
    assert path.parent == profile.log_dir
    assert "crmdesk.test: hello from the test" in path.read_text(encoding="utf-8")


def test_calling_setup_again_does_not_double_lines(profile: Profile) -> None:
    setup_logging(profile)
    path = setup_logging(profile)
    logging.getLogger("crmdesk.test").info("once only")
    assert path.read_text(encoding="utf-8").count("once only") == 1


def test_other_libraries_log_warnings_only(profile: Profile) -> None:
    path = setup_logging(profile)
    logging.getLogger("urllib3.connectionpool").info("chatty detail")
    logging.getLogger("urllib3.connectionpool").warning("retrying a request")
    text = path.read_text(encoding="utf-8")
    assert "retrying a request" in text and "chatty detail" not in text


def test_a_password_read_through_secrets_is_scrubbed(profile: Profile) -> None:
    set_password("crm", "https://crm.example.com", "rita", "Tr0ub4dor&3")
    assert get_password("crm", "https://crm.example.com", "rita") == "Tr0ub4dor&3"
    remember_for_session("calendar", "https://dav", "rita", "session-only-pw")
    setup_logging(profile)
    logger = logging.getLogger("crmdesk.test")
    logger.info("signing in with %s", "Tr0ub4dor&3")
    logger.warning("calendar said no to session-only-pw")
    try:
        raise RuntimeError("bad password Tr0ub4dor&3")
    except RuntimeError:
        logger.exception("failed")
    logger.info("stack", stack_info=True, extra={})
    text = read_logs(profile)
    assert "Tr0ub4dor&3" not in text and "session-only-pw" not in text
    assert "signing in with ***" in text and "RuntimeError: bad password ***" in text


def test_an_uncaught_exception_is_logged_scrubbed(profile: Profile,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[BaseException] = []
    # The hook crmdesk wraps (pytest-qt's own would fail the test on purpose).
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: shown.append(value))
    remember_for_session("crm", "https://crm", "rita", "uncaught-pw")
    setup_logging(profile)
    try:
        raise ValueError("uncaught-pw leaked")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    text = read_logs(profile)
    assert "uncaught exception" in text and "ValueError: *** leaked" in text
    assert len(shown) == 1          # the previous hook still runs


@pytest.mark.parametrize("line, expected", [
    ("Authorization: Session cml0YToxOjEyMzQ1Njc4OWFiY2RlZg==", "Authorization: Session ***"),
    ("{'Authorization': 'Basic cml0YTpodW50ZXIy'}", "{'Authorization': 'Basic ***'}"),
    ("headers={'authorization': 'abc'}", "headers={'authorization': '***'}"),
    ("GET https://rita:hunter2@dav.example.com/cal/", "GET https://***@dav.example.com/cal/"),
    ("login?user=rita&password=hunter2&db=x", "login?user=rita&password=***&db=x"),
    ('{"password": "hunter2"}', '{"password": "***"}'),
    ("passwd='hunter2'", "passwd='***'"),
    # Ordinary sentences and paths survive.
    ("crm password: no CRM password is stored", "crm password: no CRM password is stored"),
    ("https://dav.example.com/rita@example.com/", "https://dav.example.com/rita@example.com/"),
    ("the session expired", "the session expired"),
])
def test_scrub(line: str, expected: str) -> None:
    assert scrub(line) == expected


def test_logs_rotate(profile: Profile) -> None:
    path = setup_logging(profile)
    logger = logging.getLogger("crmdesk.test")
    line = "x" * 1000
    for _ in range((MAX_BYTES // 1000) * (BACKUPS + 2)):
        logger.info(line)
    files = sorted(p.name for p in profile.log_dir.iterdir())
    assert files == ["crmdesk.log"] + [f"crmdesk.log.{n}" for n in range(1, BACKUPS + 1)]
    assert all(p.stat().st_size <= MAX_BYTES + 2000 for p in profile.log_dir.iterdir())
    assert path.exists()


def test_debug_level_from_the_environment_keeps_library_lines(
        profile: Profile, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRMDESK_LOG_LEVEL", "debug")
    path = setup_logging(profile)
    logging.getLogger("urllib3.connectionpool").debug('"PROPFIND /dav/ HTTP/1.1" 207')
    logging.getLogger("crmdesk.test").debug("own detail")
    text = path.read_text(encoding="utf-8")
    assert "PROPFIND /dav/" in text and "own detail" in text
    monkeypatch.setenv("CRMDESK_LOG_LEVEL", "nonsense")
    setup_logging(profile)
    logging.getLogger("crmdesk.test").debug("hidden detail")
    assert "hidden detail" not in path.read_text(encoding="utf-8")


def test_shutdown_restores_the_hook_and_stops_writing(profile: Profile) -> None:
    before = sys.excepthook
    path = setup_logging(profile)
    assert sys.excepthook is not before
    shutdown_logging()
    assert sys.excepthook is before
    logging.getLogger("crmdesk.test").warning("after shutdown")
    assert "after shutdown" not in path.read_text(encoding="utf-8")
