"""`kiosk` with no command opens the kiosk; `kiosk gui` takes its options."""

from __future__ import annotations

from typing import Any

from kiosk.cli import build_parser
from kiosk.cli.gui import cmd_gui


def test_plain_kiosk_defaults_to_the_gui() -> None:
    args = build_parser().parse_args([])
    assert getattr(args, "func", None) is None
    assert args.default_func is cmd_gui


def test_gui_options() -> None:
    args = build_parser().parse_args(["gui", "--windowed", "--lang", "en", "--idle-timeout", "30"])
    assert args.func is cmd_gui
    assert args.windowed and args.lang == "en" and args.idle_timeout == 30.0


def test_language_comes_from_the_flag_then_the_first_run_choice(store: Any) -> None:
    from kiosk.storage.store import KioskStore
    from kiosk.ui.admin.wizard import LANGUAGE
    from kiosk.ui.app import choose_language

    assert choose_language(store, None) == "zh_CN"
    with store.write() as s:
        KioskStore.set_setting(s, LANGUAGE, "en")
    assert choose_language(store, None) == "en"
    assert choose_language(store, "zh_CN") == "zh_CN"
    with store.write() as s:
        KioskStore.set_setting(s, LANGUAGE, "klingon")
    assert choose_language(store, None) == "zh_CN"
