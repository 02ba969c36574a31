"""Fixtures for the villager UI tests: a small real catalog (imported through the real importer,
so search and pictures work), a store copied from it per test, and a kiosk window in English."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

#: (sku, name, category, price_fen, unit, stock)
PRODUCTS: list[tuple[str, str, str, int, str, str]] = [
    ("LY-0001", "金龙鱼 东北大米 10kg", "粮油食品", 5990, "袋", "in_stock"),
    ("LY-0002", "鲁花 花生油 5L", "粮油食品", 12850, "桶", "in_stock"),
    ("LY-0003", "福临门 面粉 5kg", "粮油食品", 2990, "袋", "low"),
    ("LY-0004", "太粮 油粘米 10kg", "粮油食品", 6500, "袋", "in_stock"),
    ("JD-0001", "海尔 滚筒洗衣机 10公斤", "家用电器", 189900, "台", "in_stock"),
    ("JD-0002", "美的 波轮洗衣机 8公斤", "家用电器", 99900, "台", "in_stock"),
    ("JD-0003", "格力 空调 1.5匹", "家用电器", 259900, "台", "in_stock"),
    ("JD-0004", "小天鹅 洗衣机 9公斤", "家用电器", 129900, "台", "out_of_stock"),
    ("RY-0001", "蓝月亮 洗衣液 2kg", "日用百货", 3450, "瓶", "in_stock"),
    ("RY-0002", "心相印 卷纸 10卷", "日用百货", 2490, "提", "in_stock"),
    ("NZ-0001", "史丹利 复合肥 50kg", "农资农具", 16800, "袋", "in_stock"),
    ("NZ-0002", "京研 白菜种子 20g", "农资农具", 500, "包", "in_stock"),
]
COLORS = ["#b5651d", "#37474f", "#1e88e5", "#2e7d32"]

#: Warnings the offscreen platform plugin prints about itself (not about our code).
QT_OFFSCREEN_NOISE = ("This plugin does not support propagateSizeHints",)

NAME = "王秀英"
PHONE = "13812345678"


def _write_catalog(folder: Path) -> Path:
    from PySide6.QtGui import QColor, QImage

    (folder / "images").mkdir(parents=True)
    lines = []
    for i, (sku, name, cat, price, unit, stock) in enumerate(PRODUCTS):
        image = QImage(64, 64, QImage.Format.Format_RGB32)
        image.fill(QColor(COLORS[i % len(COLORS)]).lighter(100 + 7 * i))
        image.save(str(folder / "images" / f"{sku}.png"))
        lines.append(
            json.dumps(
                {
                    "sku": sku,
                    "name": name,
                    "category": cat,
                    "price_fen": price,
                    "unit": unit,
                    "description": f"{name}，送货到店。",
                    "image": f"images/{sku}.png",
                    "stock": stock,
                },
                ensure_ascii=False,
            )
        )
    path = folder / "catalog.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def template_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the small catalog imported, made once per test session."""
    from kiosk.storage.catalog import import_catalog_file
    from kiosk.storage.center import set_center
    from kiosk.storage.store import KioskStore

    root = tmp_path_factory.mktemp("ui-template")
    catalog = _write_catalog(root / "catalog")
    data = root / "data"
    with KioskStore.open(data) as store:
        import_catalog_file(store, catalog)
        with store.write() as s:
            set_center(s, "C017", "幸福村服务站")
    return data


@pytest.fixture
def kiosk_store(template_data_dir: Path, tmp_path: Path) -> Iterator[object]:
    """A fresh copy of the template store for one test."""
    from kiosk.storage.store import KioskStore

    data = tmp_path / "kiosk-data"
    shutil.copytree(template_data_dir, data)
    store = KioskStore.open(data)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def make_window(qtbot: object, kiosk_store: object) -> Iterator[Callable[..., object]]:
    """Build a kiosk window (English) on the test store; waits for the home screen to load."""
    from kiosk.ui.app import build_window, make_app

    made: list[object] = []

    def build(idle_timeout_ms: int = 600_000, lang: str = "en") -> object:
        make_app(lang=lang)
        window = build_window(
            kiosk_store,  # type: ignore[arg-type]
            lang=lang,
            idle_timeout_ms=idle_timeout_ms,
            connected=False,
        )
        window.resize(1366, 768)
        with qtbot.waitSignal(window.home.loaded, timeout=10_000):  # type: ignore[attr-defined]
            window.show()
        made.append(window)
        return window

    yield build
    # Not handed to qtbot.addWidget: pytest-qt deletes those widgets before fixtures finish, and
    # the window owns the task runner whose last results must be delivered before the store
    # closes.
    for window in made:
        runner = window.services.runner  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda r=runner: not r.busy, timeout=10_000)  # type: ignore[attr-defined]
        window.close()  # type: ignore[attr-defined]
        window.deleteLater()  # type: ignore[attr-defined]
