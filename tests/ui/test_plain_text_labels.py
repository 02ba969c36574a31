"""Data is shown as plain text in every label: a product name, description or unit, or a
center name, that holds markup is shown as those characters, never rendered (a fake price, or an
``<img>`` that loads a local file). See docs/sync-engine.md, "Defences"."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from sqlalchemy import update

from kiosk.storage.center import set_center
from kiosk.storage.models import Product
from tests.ui.test_kiosk_flow import click, open_product, search

FAKE_PRICE = '<span style="font-size:40px">¥0.01</span>'
IMG = '<img src="/etc/hostname">'
UNIT = "<b>斤</b>"
CENTER = "<i>幸福村</i>"


def _marked_labels(window: Any) -> list[QLabel]:
    marks = (FAKE_PRICE, IMG, UNIT, CENTER)
    return [
        lab
        for lab in window.findChildren(QLabel)
        if any(m in lab.text() for m in marks) and lab.isVisible()
    ]


def test_hostile_markup_in_data_is_shown_as_plain_text(
    qtbot: Any, make_window: Any, kiosk_store: Any
) -> None:
    with kiosk_store.write() as s:
        s.execute(
            update(Product)
            .where(Product.sku == "LY-0001")
            .values(name=FAKE_PRICE, description=IMG, unit=UNIT)
        )
        set_center(s, "C017", CENTER)
    window = make_window()
    seen: dict[str, QLabel] = {}

    def collect() -> None:
        for lab in _marked_labels(window):
            # Rendered as plain text: the markup is what the villager reads, nothing else.
            assert lab.textFormat() == Qt.TextFormat.PlainText, (lab.objectName(), lab.text())
            seen[lab.text()] = lab

    collect()  # the top bar's center name
    search(qtbot, window, "LY-0001")
    open_product(qtbot, window, window.search.grid, 0)
    collect()  # detail: name, description, price per unit
    click(qtbot, window.detail.add_button)
    click(qtbot, window.top.cart)
    qtbot.waitUntil(lambda: bool(window.checkout.lines_box.findChildren(QPushButton, "remove_0")))
    collect()  # the cart line: name, price per unit
    texts = " ".join(seen)
    for mark in (FAKE_PRICE, IMG, UNIT, CENTER):
        assert mark in texts, f"no visible label showed {mark!r}: the test saw {list(seen)}"
    assert len(seen) >= 5


def test_tooltips_with_markup_are_escaped_plain_ones_kept(qapp: Any) -> None:
    from PySide6.QtGui import QTextDocument

    from kiosk.ui.widgets import plain_tooltip

    assert plain_tooltip("unknown_sku: LY-0001") == "unknown_sku: LY-0001"
    shown = plain_tooltip(f"unknown_sku: {IMG}")
    doc = QTextDocument()
    doc.setHtml(shown)
    assert doc.toPlainText() == f"unknown_sku: {IMG}"  # the characters, not an image
