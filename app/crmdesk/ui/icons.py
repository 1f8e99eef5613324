"""The application icon, found in the source tree or the installed package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtGui import QIcon

ICON_NAME = "crmdesk.svg"


def icon_path() -> Path | None:
    """`resources/crmdesk.svg` of a checkout, else `crmdesk/resources/` if packaged."""
    checkout = Path(__file__).resolve().parents[3] / "resources" / ICON_NAME
    if checkout.is_file():
        return checkout
    try:
        packaged = resources.files("crmdesk") / "resources" / ICON_NAME
        if packaged.is_file():
            return Path(str(packaged))
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    return None


def app_icon() -> QIcon:
    """The crmdesk icon (an empty icon if the file is missing)."""
    path = icon_path()
    return QIcon(str(path)) if path is not None else QIcon()
