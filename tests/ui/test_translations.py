"""Every visible string of the kiosk has a Simplified Chinese translation, and the compiled .qm
files are up to date with the .ts sources."""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.ui.conftest import QT_OFFSCREEN_NOISE

UI = REPO_ROOT / "kiosk" / "ui"
TS_ZH = UI / "i18n" / "kiosk_zh_CN.ts"


def source_strings() -> set[tuple[str, str]]:
    """(context, text) of every self.tr("…") and QCoreApplication.translate("ctx", "…") call."""
    found: set[tuple[str, str]] = set()
    for path in UI.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)] + [tree]:
            context = cls.name if isinstance(cls, ast.ClassDef) else ""
            for node in ast.walk(cls):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                args = node.args
                if node.func.attr == "tr" and context and args:
                    if isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                        found.add((context, args[0].value))
                elif (
                    node.func.attr == "translate"
                    and len(args) >= 2
                    and isinstance(args[0], ast.Constant)
                    and isinstance(args[1], ast.Constant)
                ):
                    found.add((str(args[0].value), str(args[1].value)))
    return found


def ts_messages(path: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(path).getroot()
    out: dict[tuple[str, str], ET.Element] = {}
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            out[(name, msg.findtext("source") or "")] = msg
    return out


def test_scanner_finds_strings() -> None:
    strings = source_strings()
    assert ("TopBar", "My orders") in strings
    assert ("PickupSlip", "Pickup code") in strings
    assert len(strings) > 60


def test_every_ui_string_has_a_chinese_translation() -> None:
    messages = ts_messages(TS_ZH)
    missing = sorted(s for s in source_strings() if s not in messages)
    assert not missing, f"run the lupdate step: strings not in {TS_ZH.name}: {missing}"
    unfinished: list[Any] = []
    for key, msg in messages.items():
        tr = msg.find("translation")
        assert tr is not None
        forms = [f.text for f in tr.iter("numerusform")] or [tr.text]
        if tr.get("type") in {"unfinished", "vanished", "obsolete"} or not all(forms):
            unfinished.append(key)
    assert not unfinished, f"untranslated in {TS_ZH.name}: {unfinished}"


def test_every_plural_has_its_english_forms() -> None:
    """English is the source language, but a "%n order(s)" text needs its singular and plural
    written out in kiosk_en.ts, or the English screen shows "(s)"."""
    messages = ts_messages(UI / "i18n" / "kiosk_en.ts")
    plurals = {key for key, msg in messages.items() if msg.get("numerus") == "yes"}
    assert ("SearchScreen", "%n product(s) found") in plurals  # the scan sees them
    missing = []
    for key in sorted(plurals):
        tr = messages[key].find("translation")
        assert tr is not None
        forms = [f.text for f in tr.iter("numerusform")]
        if tr.get("type") == "unfinished" or len(forms) != 2 or not all(forms):
            missing.append(key)
    assert not missing, f"plural forms missing in kiosk_en.ts: {missing}"


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_compiled_translations_are_current(lang: str) -> None:
    ts = UI / "i18n" / f"kiosk_{lang}.ts"
    qm = UI / "i18n" / f"kiosk_{lang}.qm"
    assert qm.is_file() and qm.stat().st_size > 100, f"run pyside6-lrelease on {ts.name}"
    from PySide6.QtCore import QTranslator

    translator = QTranslator()
    assert translator.load(str(qm))
    # Every finished translation in the .ts is what the .qm answers.
    for (context, source), msg in ts_messages(ts).items():
        tr = msg.find("translation")
        assert tr is not None
        if msg.get("numerus") == "yes":
            expected = [f.text for f in tr.iter("numerusform")][-1]
            got = translator.translate(context, source, "", 2)
        else:
            expected, got = tr.text, translator.translate(context, source)
        assert got == expected, f"{qm.name} is stale for {context}/{source!r}: rerun lrelease"


@pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)
def test_chinese_screen_shows_chinese(qtbot: Any, make_window: Any) -> None:
    window = make_window(lang="zh_CN")
    assert window.top.orders.text() == "我的订单"
    assert window.top.cart.text() == "购物车 (0)"
    assert window.detail.delivery.text() == "通常 2-3 天到店"
    assert window.indicator.text == "还没有连接平台"
