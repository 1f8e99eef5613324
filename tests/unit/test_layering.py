"""STYLE rule 1: the pure core imports no Qt, HTTP or SQL."""

from __future__ import annotations

import subprocess
import sys

import pytest

BANNED = ("PySide6", "requests", "niquests", "sqlite3", "caldav", "urllib3")


@pytest.mark.parametrize("package", ["crmdesk.model", "crmdesk.sync.plan", "crmdesk.sync.merge",
                                     "crmdesk.sync.engine", "crmdesk.sync.apply"])
def test_pure_packages_import_no_io(package: str) -> None:
    code = (f"import sys, {package}; "
            f"print(','.join(m for m in {BANNED!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "", f"{package} pulls in {out}"
