"""The command line without servers: version, status, offline share errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmdesk import __version__
from crmdesk.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_status_of_a_new_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--profile-dir", str(tmp_path), "status"]) == 0
    out = capsys.readouterr().out
    assert "Not configured yet" in out and "Last sync: never" in out


def test_sync_without_settings_names_the_missing_key(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--profile-dir", str(tmp_path), "sync"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("crmdesk: Setting crm.url:") and err.count("\n") == 1


def test_share_of_an_unknown_uid_says_what_to_do(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--profile-dir", str(tmp_path), "share", "no-such-uid"]) == 2
    assert "Run 'crmdesk sync' first" in capsys.readouterr().err


def test_bad_settings_file_is_reported_not_a_traceback(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "settings.toml").write_text('[sync]\npriority = "often"\n')
    assert main(["--profile-dir", str(tmp_path), "status"]) == 2
    assert "sync.priority" in capsys.readouterr().err
