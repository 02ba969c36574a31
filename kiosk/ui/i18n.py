"""Languages of the kiosk: Simplified Chinese by default, English for technicians and development.

UI strings are written in English in the code (``self.tr()`` / ``QCoreApplication.translate``) and
translated through Qt's translation files in ``kiosk/ui/i18n/`` (``.ts`` sources, compiled ``.qm``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

I18N_DIR = Path(__file__).resolve().parent / "i18n"
DEFAULT_LANGUAGE = "zh_CN"


def install_translator(app: QCoreApplication, lang: str) -> QTranslator | None:
    """Install the translation for ``lang`` on ``app``.

    Returns the translator, which the caller must keep alive while the app runs.
    """
    QLocale.setDefault(QLocale(lang))
    # One kiosk language at a time: drop a translator installed earlier (tests switch languages).
    for old in app.findChildren(QTranslator):
        app.removeTranslator(old)
        old.deleteLater()
    # English needs its .qm too: it carries only the plural forms ("1 product" / "2 products").
    translator = QTranslator(app)
    if not translator.load(str(I18N_DIR / f"kiosk_{lang}.qm")):
        # A missing .qm is a packaging bug, but English is better than a dead kiosk.
        return None
    app.installTranslator(translator)
    install_qt_translator(app, lang)
    return translator


def install_qt_translator(app: QCoreApplication, lang: str) -> QTranslator | None:
    """Qt's own words (the file dialogs' "Look in", "Choose", "Cancel" …) for ``lang``.

    ``qtbase_zh_CN.qm`` ships in ``kiosk/ui/i18n`` (a copy of the one in PySide6, so a packaged
    kiosk has it too); Qt's translations folder is the fallback. English needs none.
    """
    if lang == "en":
        return None
    qt = QTranslator(app)
    name = f"qtbase_{lang}"
    if not (
        qt.load(name, str(I18N_DIR))
        or qt.load(name, QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    ):
        return None
    app.installTranslator(qt)
    return qt


def is_chinese(lang: str) -> bool:
    """True for the Chinese variants (used to pick plain status words)."""
    return lang.startswith("zh")
