"""Every settings key is declared once (kiosk/storage/settings.py) and used through its constant."""

from __future__ import annotations

import ast
from pathlib import Path

from kiosk.customers import Customer
from kiosk.orders import LineRequest, Payment
from kiosk.storage import settings
from kiosk.storage.center import set_center
from kiosk.storage.models import Setting
from kiosk.storage.orders import place_order
from kiosk.storage.privacy import set_retention_days
from kiosk.storage.read_aloud import ReadAloudSettings, save_read_aloud
from kiosk.storage.store import KioskStore
from tests.conftest import REPO_ROOT
from tests.helpers.seed import seed_products

SETTINGS_MODULE = REPO_ROOT / "kiosk" / "storage" / "settings.py"


def _spelt_out_keys(root: Path) -> list[str]:
    """Every string literal under ``root`` that is a settings key (or a counter's key)."""
    keys = set(settings.SETTINGS)
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.resolve() == SETTINGS_MODULE.resolve():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            if node.value in keys or node.value.startswith(settings.SEQUENCE_PREFIX):
                found.append(f"{path.relative_to(root)}:{node.lineno} {node.value!r}")
    return found


def test_no_module_spells_out_a_settings_key() -> None:
    assert _spelt_out_keys(REPO_ROOT / "kiosk") == []


def test_the_key_finder_finds_one(tmp_path: Path) -> None:
    """The check above must be able to fail."""
    (tmp_path / "probe.py").write_text('URL = store.setting("sync.server_url")\n', "utf-8")
    (tmp_path / "counter.py").write_text('KEY = "seq.order"\n', "utf-8")
    assert _spelt_out_keys(tmp_path) == [
        "counter.py:1 'seq.order'",
        "probe.py:1 'sync.server_url'",
    ]


def test_every_key_constant_is_in_the_table() -> None:
    """Each key constant of the settings module has its type and default in ``SETTINGS``."""
    tree = ast.parse(SETTINGS_MODULE.read_text(encoding="utf-8"))
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
        and "." in node.value.value
        and target.id != "SEQUENCE_PREFIX"
    }
    assert "SERVER_URL" in constants and "CENTER_ID" in constants
    assert sorted(set(constants.values()) - set(settings.SETTINGS)) == []
    for key, spec in settings.SETTINGS.items():
        assert spec.type in (str, int, float, bool), key
        assert spec.default is None or isinstance(spec.default, spec.type), key


def test_every_key_the_store_writes_is_declared(tmp_path: Path) -> None:
    """Through the real store: the center, an order, read-aloud and retention settings."""
    with KioskStore.open(tmp_path) as store:
        sku = seed_products(store)[0]
        with store.write() as s:
            set_center(s, "C017", "Village shop")
        place_order(
            store,
            Customer("李四", "13800138000"),
            [LineRequest(sku, 1)],
            Payment.ON_PICKUP,
        )
        save_read_aloud(store, ReadAloudSettings(enabled=True), "owner")
        set_retention_days(store, 45, "owner")
        with store.read() as s:
            written = {row.key for row in s.query(Setting)}
    assert {settings.CENTER_ID, settings.ORDER_SEQUENCE_KEY, settings.READ_ALOUD_RATE} <= written
    assert sorted(written - set(settings.SETTINGS)) == []
