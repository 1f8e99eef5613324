"""Translations: Qt's tr() strings with an English base, one .qm file per language.

Widgets mark their words with `self.tr("…")` (or
`QCoreApplication.translate(context, "…")` outside a QObject).  English is the
source language, so without a translation the English text shows.  At start
`install_translations` loads `crmdesk_<locale>.qm` from
`resources/translations/` for the system locale when there is one, and Qt's
own `qtbase_<locale>.qm` (the standard buttons: OK, Cancel, Next…).  Every
string is listed in the English base `resources/translations/crmdesk_en.ts`
(`scripts/translations.sh` regenerates it).  How to write a translatable
string and make a translation: see `resources/translations/README.md`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

DOMAIN = "crmdesk"


def translations_dir() -> Path | None:
    """`resources/translations` of a checkout, else the packaged copy."""
    checkout = Path(__file__).resolve().parents[3] / "resources" / "translations"
    if checkout.is_dir():
        return checkout
    try:
        packaged = resources.files("crmdesk") / "resources" / "translations"
        if packaged.is_dir():
            return Path(str(packaged))
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    return None


def install_translations(app: QCoreApplication, locale: QLocale | None = None,
                         directory: Path | None = None) -> list[QTranslator]:
    """Load crmdesk's and Qt's translations for `locale` (default: the system's).

    Returns the translators installed (none when the language has no .qm,
    e.g. English); they are children of `app`, so they live as long as it.
    """
    locale = locale or QLocale.system()
    ours = directory or translations_dir()
    wanted = [(DOMAIN, ours), ("qtbase", Path(QLibraryInfo.path(
        QLibraryInfo.LibraryPath.TranslationsPath)))]
    installed = []
    for name, folder in wanted:
        if folder is None:
            continue
        translator = QTranslator(app)
        # Tries crmdesk_de_AT.qm, crmdesk_de.qm… for each of the locale's UI languages.
        if translator.load(locale, name, "_", str(folder)):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            translator.deleteLater()
    return installed
