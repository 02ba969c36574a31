"""Render one 400×400 PNG per product of the demo catalog into ``assets/demo/images/``.

Each image has the category's colour as background, a simple drawn pictogram of the kind of
product (a sack, a bottle, a washing machine…), the product's name large on a white card, and the
category name small. Flat colours keep each file small. Rendering is deterministic: the same
catalog gives the same bytes, so the committed images only change when the catalog does::

    .venv/bin/python scripts/make_demo_images.py
    .venv/bin/python scripts/make_demo_images.py --contact-sheet /tmp/sheet.png   # to look at them

Qt runs offscreen; the font is "Noto Sans CJK SC" (Debian/Ubuntu package fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
)

from kiosk.catalog import CatalogProduct, read_catalog_file

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CATALOG = REPO_ROOT / "assets" / "demo" / "catalog.jsonl"

SIZE = 400
FONT_FAMILY = "Noto Sans CJK SC"

#: One background colour per category; all dark enough for white text and pictograms.
CATEGORY_COLOURS: dict[str, str] = {
    "粮油食品": "#B5651D",
    "日用百货": "#2874A6",
    "农资农具": "#2E7D32",
    "家用电器": "#37474F",
    "手机数码": "#5E35B1",
    "服装鞋帽": "#AD1457",
    "母婴用品": "#D04F7C",
    "医药保健": "#C62828",
    "酒水饮料": "#00838F",
    "五金建材": "#5D4037",
}
FALLBACK_COLOUR = "#455A64"
WHITE = QColor("#FFFFFF")
ACCENT = QColor("#FFD54F")
TEXT = QColor("#1B1B1B")

# The name card and the box the pictogram is drawn in.
CARD = QRectF(14, 214, SIZE - 28, SIZE - 214 - 14)
ICON = QRectF(125, 54, 150, 150)

Draw = Callable[[QPainter], None]

# ---------------------------------------------------------------------------------------------
# Pictograms. Each draws in a 100×100 box (origin top-left); the caller scales it into ICON and
# has set a white brush and a dark pen. Simple shapes only: they must read at thumbnail size.
# ---------------------------------------------------------------------------------------------


def _rr(p: QPainter, x: float, y: float, w: float, h: float, r: float = 6) -> None:
    p.drawRoundedRect(QRectF(x, y, w, h), r, r)


def _accent(p: QPainter) -> None:
    p.setBrush(ACCENT)


def _white(p: QPainter) -> None:
    p.setBrush(WHITE)


def _sack(p: QPainter) -> None:
    path = QPainterPath(QPointF(30, 18))
    path.lineTo(70, 18)
    path.quadTo(60, 26, 76, 40)
    path.quadTo(88, 70, 80, 92)
    path.lineTo(20, 92)
    path.quadTo(12, 70, 24, 40)
    path.quadTo(40, 26, 30, 18)
    p.drawPath(path)
    _accent(p)
    _rr(p, 30, 52, 40, 24, 4)
    p.drawLine(QPointF(34, 22), QPointF(66, 22))


def _packet(p: QPainter) -> None:
    path = QPainterPath(QPointF(22, 16))
    for i in range(1, 9):
        path.lineTo(22 + i * 7, 16 + (5 if i % 2 else 0))
    path.lineTo(78, 92)
    path.lineTo(22, 92)
    path.closeSubpath()
    p.drawPath(path)
    _accent(p)
    p.drawEllipse(QRectF(36, 44, 28, 28))


def _seed(p: QPainter) -> None:
    _rr(p, 22, 10, 56, 84, 4)
    leaf = QPainterPath(QPointF(50, 78))
    leaf.quadTo(50, 56, 50, 40)
    p.drawPath(leaf)
    _accent(p)
    for sx in (-1, 1):
        blade = QPainterPath(QPointF(50, 56))
        blade.quadTo(50 + sx * 22, 50, 50 + sx * 24, 30)
        blade.quadTo(50 + sx * 6, 34, 50, 56)
        p.drawPath(blade)
    p.drawEllipse(QRectF(40, 76, 20, 10))


def _bottle(p: QPainter) -> None:
    path = QPainterPath(QPointF(42, 8))
    path.lineTo(58, 8)
    path.lineTo(58, 28)
    path.quadTo(72, 34, 72, 48)
    path.lineTo(72, 92)
    path.lineTo(28, 92)
    path.lineTo(28, 48)
    path.quadTo(28, 34, 42, 28)
    path.closeSubpath()
    p.drawPath(path)
    _accent(p)
    p.drawRect(QRectF(28, 54, 44, 24))
    p.drawRect(QRectF(40, 4, 20, 8))


def _wine(p: QPainter) -> None:
    path = QPainterPath(QPointF(44, 4))
    path.lineTo(56, 4)
    path.lineTo(56, 34)
    path.quadTo(68, 40, 68, 54)
    path.lineTo(68, 96)
    path.lineTo(32, 96)
    path.lineTo(32, 54)
    path.quadTo(32, 40, 44, 34)
    path.closeSubpath()
    p.drawPath(path)
    _accent(p)
    p.drawRect(QRectF(32, 60, 36, 22))


def _jug(p: QPainter) -> None:
    _rr(p, 18, 26, 64, 68, 8)
    p.drawRect(QRectF(28, 12, 18, 14))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(QRectF(52, 8, 26, 30), 0, 180 * 16)
    _accent(p)
    _rr(p, 26, 48, 48, 30, 4)


def _can(p: QPainter) -> None:
    _rr(p, 24, 16, 52, 78, 10)
    p.drawEllipse(QRectF(24, 10, 52, 14))
    _accent(p)
    p.drawRect(QRectF(24, 40, 52, 32))


def _cans(p: QPainter) -> None:
    for x in (8, 38, 68):
        _white(p)
        _rr(p, x, 26, 26, 66, 6)
        _accent(p)
        p.drawRect(QRectF(x, 46, 26, 24))


def _box(p: QPainter) -> None:
    front = QRectF(14, 34, 58, 58)
    p.drawRect(front)
    top = QPainterPath(QPointF(14, 34))
    top.lineTo(32, 16)
    top.lineTo(90, 16)
    top.lineTo(72, 34)
    top.closeSubpath()
    side = QPainterPath(QPointF(72, 34))
    side.lineTo(90, 16)
    side.lineTo(90, 74)
    side.lineTo(72, 92)
    side.closeSubpath()
    _accent(p)
    p.drawPath(top)
    _white(p)
    p.drawPath(side)
    _accent(p)
    p.drawRect(QRectF(24, 52, 38, 22))


def _carton(p: QPainter) -> None:
    path = QPainterPath(QPointF(26, 30))
    path.lineTo(40, 12)
    path.lineTo(60, 12)
    path.lineTo(74, 30)
    path.lineTo(74, 94)
    path.lineTo(26, 94)
    path.closeSubpath()
    p.drawPath(path)
    p.drawLine(QPointF(26, 30), QPointF(74, 30))
    _accent(p)
    p.drawEllipse(QRectF(36, 46, 28, 28))


def _bowl(p: QPainter) -> None:
    p.setBrush(Qt.BrushStyle.NoBrush)
    for x in (36, 50, 64):
        wave = QPainterPath(QPointF(x, 46))
        wave.quadTo(x - 8, 34, x, 24)
        wave.quadTo(x + 8, 14, x, 6)
        p.drawPath(wave)
    _white(p)
    bowl = QPainterPath(QPointF(8, 50))
    bowl.lineTo(92, 50)
    bowl.quadTo(90, 86, 50, 88)
    bowl.quadTo(10, 86, 8, 50)
    p.drawPath(bowl)
    _accent(p)
    p.drawRect(QRectF(36, 88, 28, 6))


def _egg(p: QPainter) -> None:
    _accent(p)
    _rr(p, 8, 58, 84, 34, 6)
    _white(p)
    for x in (14, 40, 66):
        p.drawEllipse(QRectF(x, 24, 22, 40))


def _washer(p: QPainter) -> None:
    _rr(p, 16, 6, 68, 88, 6)
    p.drawLine(QPointF(16, 24), QPointF(84, 24))
    _accent(p)
    p.drawEllipse(QRectF(24, 12, 8, 8))
    p.drawEllipse(QRectF(36, 12, 8, 8))
    _white(p)
    p.drawEllipse(QRectF(27, 34, 46, 46))
    _accent(p)
    p.drawEllipse(QRectF(35, 42, 30, 30))


def _aircon(p: QPainter) -> None:
    _rr(p, 4, 22, 92, 40, 10)
    for y in (50, 55):
        p.drawLine(QPointF(14, y), QPointF(86, y))
    _accent(p)
    p.drawEllipse(QRectF(78, 30, 8, 8))
    p.setBrush(Qt.BrushStyle.NoBrush)
    for x in (30, 50, 70):
        wave = QPainterPath(QPointF(x, 70))
        wave.quadTo(x - 6, 78, x, 86)
        wave.quadTo(x + 6, 92, x, 98)
        p.drawPath(wave)


def _fan(p: QPainter) -> None:
    p.drawLine(QPointF(50, 58), QPointF(50, 90))
    _rr(p, 26, 86, 48, 10, 4)
    p.drawEllipse(QRectF(16, 6, 68, 68))
    _accent(p)
    for angle in (0, 120, 240):
        p.save()
        p.translate(50, 40)
        p.rotate(angle)
        p.drawEllipse(QRectF(-8, -28, 16, 26))
        p.restore()
    _white(p)
    p.drawEllipse(QRectF(44, 34, 12, 12))


def _fridge(p: QPainter) -> None:
    _rr(p, 24, 4, 52, 92, 6)
    p.drawLine(QPointF(24, 38), QPointF(76, 38))
    _accent(p)
    _rr(p, 30, 16, 5, 14, 2)
    _rr(p, 30, 46, 5, 24, 2)


def _tv(p: QPainter) -> None:
    _rr(p, 4, 14, 92, 62, 4)
    _accent(p)
    p.drawRect(QRectF(11, 21, 78, 48))
    _white(p)
    p.drawRect(QRectF(44, 76, 12, 10))
    _rr(p, 26, 86, 48, 8, 3)


def _cooker(p: QPainter) -> None:
    body = QPainterPath(QPointF(12, 44))
    body.lineTo(88, 44)
    body.lineTo(84, 88)
    body.quadTo(50, 96, 16, 88)
    body.closeSubpath()
    p.drawPath(body)
    lid = QPainterPath(QPointF(12, 44))
    lid.quadTo(50, 10, 88, 44)
    lid.closeSubpath()
    _accent(p)
    p.drawPath(lid)
    _white(p)
    _rr(p, 42, 18, 16, 8, 3)
    _accent(p)
    _rr(p, 38, 60, 24, 14, 3)


def _kettle(p: QPainter) -> None:
    body = QPainterPath(QPointF(26, 26))
    body.lineTo(66, 26)
    body.lineTo(72, 90)
    body.lineTo(20, 90)
    body.closeSubpath()
    p.drawPath(body)
    spout = QPainterPath(QPointF(26, 34))
    spout.lineTo(8, 26)
    spout.lineTo(22, 48)
    p.drawPath(spout)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(QRectF(58, 30, 30, 44), -90 * 16, 180 * 16)
    _accent(p)
    _rr(p, 16, 88, 60, 8, 3)


def _appliance(p: QPainter) -> None:
    _rr(p, 8, 20, 84, 64, 6)
    _accent(p)
    p.drawRect(QRectF(16, 30, 50, 44))
    _white(p)
    for y in (34, 52, 70):
        p.drawEllipse(QRectF(74, y - 4, 10, 10))


def _phone(p: QPainter) -> None:
    _rr(p, 28, 4, 44, 92, 8)
    _accent(p)
    p.drawRect(QRectF(33, 14, 34, 66))
    _white(p)
    p.drawEllipse(QRectF(45, 84, 10, 8))


def _watch(p: QPainter) -> None:
    _rr(p, 36, 2, 28, 96, 6)
    _accent(p)
    _rr(p, 24, 26, 52, 48, 12)
    _white(p)
    _rr(p, 32, 34, 36, 32, 6)


def _headphones(p: QPainter) -> None:
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(QRectF(14, 10, 72, 72), 0, 180 * 16)
    _accent(p)
    _rr(p, 8, 46, 20, 38, 8)
    _rr(p, 72, 46, 20, 38, 8)


def _plug(p: QPainter) -> None:
    _rr(p, 22, 24, 56, 46, 10)
    p.drawRect(QRectF(34, 6, 8, 18))
    p.drawRect(QRectF(58, 6, 8, 18))
    p.setBrush(Qt.BrushStyle.NoBrush)
    cord = QPainterPath(QPointF(50, 70))
    cord.quadTo(50, 96, 80, 94)
    p.drawPath(cord)
    _accent(p)
    p.drawEllipse(QRectF(42, 40, 16, 16))


def _radio(p: QPainter) -> None:
    p.drawLine(QPointF(70, 30), QPointF(86, 4))
    _rr(p, 6, 30, 88, 60, 8)
    _accent(p)
    p.drawEllipse(QRectF(14, 40, 40, 40))
    _white(p)
    p.drawEllipse(QRectF(26, 52, 16, 16))
    _rr(p, 62, 44, 24, 10, 3)
    _rr(p, 62, 62, 24, 10, 3)


def _camera(p: QPainter) -> None:
    p.drawEllipse(QRectF(20, 8, 60, 60))
    _accent(p)
    p.drawEllipse(QRectF(34, 22, 32, 32))
    _white(p)
    p.drawEllipse(QRectF(44, 32, 12, 12))
    p.drawRect(QRectF(44, 68, 12, 14))
    _rr(p, 24, 82, 52, 10, 4)


def _printer(p: QPainter) -> None:
    p.drawRect(QRectF(26, 6, 48, 30))
    _rr(p, 8, 34, 84, 40, 6)
    _accent(p)
    p.drawRect(QRectF(24, 60, 52, 34))
    _white(p)
    p.drawEllipse(QRectF(78, 42, 8, 8))


def _shirt(p: QPainter) -> None:
    path = QPainterPath(QPointF(36, 10))
    path.lineTo(8, 24)
    path.lineTo(16, 46)
    path.lineTo(26, 42)
    path.lineTo(26, 94)
    path.lineTo(74, 94)
    path.lineTo(74, 42)
    path.lineTo(84, 46)
    path.lineTo(92, 24)
    path.lineTo(64, 10)
    path.quadTo(50, 24, 36, 10)
    p.drawPath(path)
    _accent(p)
    p.drawEllipse(QRectF(44, 44, 12, 12))
    p.drawEllipse(QRectF(44, 66, 12, 12))


def _pants(p: QPainter) -> None:
    path = QPainterPath(QPointF(24, 6))
    path.lineTo(76, 6)
    path.lineTo(84, 94)
    path.lineTo(58, 94)
    path.lineTo(50, 36)
    path.lineTo(42, 94)
    path.lineTo(16, 94)
    path.closeSubpath()
    p.drawPath(path)
    _accent(p)
    p.drawRect(QRectF(24, 6, 52, 10))


def _shoe(p: QPainter) -> None:
    path = QPainterPath(QPointF(8, 30))
    path.lineTo(36, 30)
    path.quadTo(46, 50, 70, 54)
    path.quadTo(94, 58, 94, 76)
    path.lineTo(94, 80)
    path.lineTo(8, 80)
    path.closeSubpath()
    p.drawPath(path)
    _accent(p)
    _rr(p, 6, 78, 90, 12, 5)


def _hat(p: QPainter) -> None:
    _accent(p)
    p.drawEllipse(QRectF(4, 56, 92, 28))
    _white(p)
    crown = QPainterPath(QPointF(24, 68))
    crown.quadTo(22, 22, 50, 22)
    crown.quadTo(78, 22, 76, 68)
    crown.closeSubpath()
    p.drawPath(crown)


def _socks(p: QPainter) -> None:
    for dx in (0, 30):
        _white(p)
        path = QPainterPath(QPointF(18 + dx, 8))
        path.lineTo(42 + dx, 8)
        path.lineTo(42 + dx, 62)
        path.quadTo(44 + dx, 92, 20 + dx, 92)
        path.quadTo(4 + dx, 92, 8 + dx, 78)
        path.lineTo(18 + dx, 62)
        path.closeSubpath()
        p.drawPath(path)
        _accent(p)
        p.drawRect(QRectF(18 + dx, 8, 24, 12))


def _baby_bottle(p: QPainter) -> None:
    nipple = QPainterPath(QPointF(40, 24))
    nipple.quadTo(40, 4, 50, 4)
    nipple.quadTo(60, 4, 60, 24)
    nipple.closeSubpath()
    _accent(p)
    p.drawPath(nipple)
    _white(p)
    _rr(p, 32, 24, 36, 10, 3)
    _rr(p, 30, 34, 40, 62, 10)
    for y in (50, 62, 74):
        p.drawLine(QPointF(30, y), QPointF(42, y))


def _diaper(p: QPainter) -> None:
    path = QPainterPath(QPointF(8, 22))
    path.lineTo(92, 22)
    path.lineTo(86, 44)
    path.quadTo(64, 52, 62, 84)
    path.lineTo(38, 84)
    path.quadTo(36, 52, 14, 44)
    path.closeSubpath()
    p.drawPath(path)
    _accent(p)
    _rr(p, 14, 26, 12, 10, 3)
    _rr(p, 74, 26, 12, 10, 3)


def _stroller(p: QPainter) -> None:
    hood = QPainterPath(QPointF(20, 56))
    hood.lineTo(20, 40)
    hood.quadTo(20, 12, 50, 12)
    hood.lineTo(50, 56)
    hood.closeSubpath()
    _accent(p)
    p.drawPath(hood)
    _white(p)
    body = QPainterPath(QPointF(14, 46))
    body.lineTo(80, 46)
    body.quadTo(80, 74, 48, 74)
    body.quadTo(14, 74, 14, 46)
    p.drawPath(body)
    p.drawLine(QPointF(80, 46), QPointF(92, 20))
    p.drawEllipse(QRectF(18, 74, 20, 20))
    p.drawEllipse(QRectF(58, 74, 20, 20))


def _pill(p: QPainter) -> None:
    p.save()
    p.translate(50, 50)
    p.rotate(-40)
    _rr(p, -40, -16, 40, 32, 0)
    _accent(p)
    _rr(p, 0, -16, 40, 32, 0)
    p.setBrush(Qt.BrushStyle.NoBrush)
    _rr(p, -40, -16, 80, 32, 16)
    p.restore()
    _white(p)
    p.drawEllipse(QRectF(62, 66, 26, 26))


def _cross(p: QPainter) -> None:
    _rr(p, 10, 22, 80, 66, 8)
    p.drawRect(QRectF(36, 12, 28, 10))
    _accent(p)
    cross = QPainterPath()
    cross.addRect(QRectF(44, 36, 12, 38))
    cross.addRect(QRectF(31, 49, 38, 12))
    p.drawPath(cross.simplified())


def _meter(p: QPainter) -> None:
    _rr(p, 16, 10, 68, 84, 10)
    _accent(p)
    p.drawRect(QRectF(26, 20, 48, 30))
    _white(p)
    p.drawEllipse(QRectF(38, 60, 24, 24))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawLine(QPointF(32, 38), QPointF(42, 38))
    p.drawLine(QPointF(42, 38), QPointF(48, 28))
    p.drawLine(QPointF(48, 28), QPointF(54, 44))
    p.drawLine(QPointF(54, 44), QPointF(68, 36))


def _thermometer(p: QPainter) -> None:
    _rr(p, 40, 4, 20, 72, 10)
    _accent(p)
    p.drawEllipse(QRectF(34, 66, 32, 30))
    p.drawRect(QRectF(46, 30, 8, 40))


def _tube(p: QPainter) -> None:
    path = QPainterPath(QPointF(30, 14))
    path.lineTo(70, 14)
    path.lineTo(62, 78)
    path.lineTo(38, 78)
    path.closeSubpath()
    p.drawPath(path)
    _accent(p)
    p.drawRect(QRectF(26, 8, 48, 8))
    p.drawRect(QRectF(42, 78, 16, 14))


def _sprayer(p: QPainter) -> None:
    _rr(p, 22, 18, 46, 74, 12)
    _accent(p)
    _rr(p, 34, 8, 22, 12, 3)
    _white(p)
    p.setBrush(Qt.BrushStyle.NoBrush)
    hose = QPainterPath(QPointF(68, 78))
    hose.quadTo(92, 78, 88, 46)
    hose.lineTo(94, 16)
    p.drawPath(hose)
    _accent(p)
    p.drawRect(QRectF(28, 44, 34, 20))


def _hoe(p: QPainter) -> None:
    _accent(p)
    p.save()
    p.translate(50, 50)
    p.rotate(35)
    _rr(p, -4, -48, 8, 92, 3)
    p.restore()
    _white(p)
    blade = QPainterPath(QPointF(60, 62))
    blade.lineTo(92, 70)
    blade.lineTo(90, 96)
    blade.lineTo(56, 92)
    blade.closeSubpath()
    p.drawPath(blade)


def _shovel(p: QPainter) -> None:
    _accent(p)
    p.drawRect(QRectF(46, 8, 8, 52))
    _rr(p, 36, 2, 28, 10, 4)
    _white(p)
    blade = QPainterPath(QPointF(30, 56))
    blade.lineTo(70, 56)
    blade.lineTo(70, 76)
    blade.quadTo(60, 92, 50, 98)
    blade.quadTo(40, 92, 30, 76)
    blade.closeSubpath()
    p.drawPath(blade)


def _sickle(p: QPainter) -> None:
    blade = QPainterPath(QPointF(40, 66))
    blade.quadTo(10, 30, 40, 8)
    blade.quadTo(90, -4, 90, 40)
    blade.quadTo(76, 16, 50, 20)
    blade.quadTo(30, 30, 48, 62)
    blade.closeSubpath()
    p.drawPath(blade)
    _accent(p)
    p.save()
    p.translate(44, 64)
    p.rotate(-30)
    _rr(p, -6, 0, 12, 36, 4)
    p.restore()


def _rake(p: QPainter) -> None:
    _accent(p)
    p.drawRect(QRectF(46, 4, 8, 60))
    _white(p)
    _rr(p, 14, 60, 72, 10, 3)
    for x in (18, 36, 56, 74):
        p.drawRect(QRectF(x, 70, 8, 24))


def _roll(p: QPainter) -> None:
    p.drawRect(QRectF(50, 20, 44, 60))
    p.drawEllipse(QRectF(20, 20, 60, 60))
    _accent(p)
    p.drawEllipse(QRectF(38, 38, 24, 24))


def _tractor(p: QPainter) -> None:
    _accent(p)
    _rr(p, 14, 40, 60, 28, 4)
    _white(p)
    p.drawRect(QRectF(48, 14, 22, 26))
    p.drawLine(QPointF(74, 54), QPointF(96, 20))
    p.drawEllipse(QRectF(6, 56, 38, 38))
    p.drawEllipse(QRectF(60, 66, 28, 28))


def _paper_roll(p: QPainter) -> None:
    _rr(p, 10, 24, 80, 64, 6)
    _white(p)
    p.drawEllipse(QRectF(10, 12, 80, 24))
    _accent(p)
    p.drawEllipse(QRectF(40, 19, 20, 10))
    p.drawRect(QRectF(10, 50, 80, 16))


def _toothbrush(p: QPainter) -> None:
    p.save()
    p.translate(50, 50)
    p.rotate(-45)
    _accent(p)
    _rr(p, -46, -6, 62, 12, 6)
    _white(p)
    _rr(p, 16, -6, 30, 12, 4)
    for x in (19, 27, 35, 43):
        p.drawLine(QPointF(x, -6), QPointF(x, -18))
    p.restore()


def _bucket(p: QPainter) -> None:
    body = QPainterPath(QPointF(16, 30))
    body.lineTo(84, 30)
    body.lineTo(76, 94)
    body.lineTo(24, 94)
    body.closeSubpath()
    p.drawPath(body)
    p.drawEllipse(QRectF(16, 22, 68, 16))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(QRectF(20, 4, 60, 44), 20 * 16, 140 * 16)
    _accent(p)
    p.drawRect(QRectF(22, 52, 56, 20))


def _pot(p: QPainter) -> None:
    _accent(p)
    _rr(p, 40, 18, 20, 10, 4)
    _white(p)
    p.drawEllipse(QRectF(8, 24, 84, 20))
    body = QPainterPath(QPointF(12, 36))
    body.lineTo(88, 36)
    body.quadTo(88, 88, 50, 88)
    body.quadTo(12, 88, 12, 36)
    p.drawPath(body)
    _accent(p)
    _rr(p, 0, 40, 14, 8, 3)
    _rr(p, 86, 40, 14, 8, 3)


def _thermos(p: QPainter) -> None:
    _accent(p)
    _rr(p, 32, 4, 36, 20, 5)
    _white(p)
    _rr(p, 30, 22, 40, 74, 10)
    _accent(p)
    p.drawRect(QRectF(30, 46, 40, 18))


def _umbrella(p: QPainter) -> None:
    canopy = QPainterPath(QPointF(6, 50))
    canopy.quadTo(8, 8, 50, 8)
    canopy.quadTo(92, 8, 94, 50)
    for x in (72, 50, 28):
        canopy.quadTo(x + 11, 40, x, 50)
    canopy.closeSubpath()
    _accent(p)
    p.drawPath(canopy)
    p.setBrush(Qt.BrushStyle.NoBrush)
    handle = QPainterPath(QPointF(50, 50))
    handle.lineTo(50, 86)
    handle.quadTo(50, 96, 40, 96)
    handle.quadTo(32, 96, 32, 88)
    p.drawPath(handle)


def _coil(p: QPainter) -> None:
    p.setBrush(Qt.BrushStyle.NoBrush)
    spiral = QPainterPath(QPointF(50, 50))
    for i in range(1, 60):
        t = i / 6
        r = 6 + i * 0.7
        spiral.lineTo(50 + r * math.cos(t), 50 + r * math.sin(t))
    pen = p.pen()
    pen.setWidthF(pen.widthF() * 2.2)
    pen.setColor(ACCENT)
    p.setPen(pen)
    p.drawPath(spiral)


def _bulb(p: QPainter) -> None:
    _accent(p)
    glass = QPainterPath(QPointF(36, 66))
    glass.quadTo(18, 50, 18, 36)
    glass.quadTo(18, 6, 50, 6)
    glass.quadTo(82, 6, 82, 36)
    glass.quadTo(82, 50, 64, 66)
    glass.closeSubpath()
    p.drawPath(glass)
    _white(p)
    _rr(p, 36, 66, 28, 24, 3)
    p.drawLine(QPointF(36, 74), QPointF(64, 74))
    p.drawLine(QPointF(36, 82), QPointF(64, 82))


def _pipe(p: QPainter) -> None:
    for y in (18, 48):
        _white(p)
        p.drawRect(QRectF(4, y, 84, 22))
        _accent(p)
        p.drawEllipse(QRectF(80, y, 14, 22))
    _white(p)
    p.drawRect(QRectF(4, 78, 84, 14))


def _faucet(p: QPainter) -> None:
    _rr(p, 6, 30, 20, 40, 4)
    spout = QPainterPath(QPointF(26, 36))
    spout.lineTo(70, 36)
    spout.quadTo(86, 36, 86, 56)
    spout.lineTo(72, 56)
    spout.quadTo(72, 50, 66, 50)
    spout.lineTo(26, 50)
    spout.closeSubpath()
    p.drawPath(spout)
    _accent(p)
    _rr(p, 40, 16, 12, 20, 3)
    p.drawEllipse(QRectF(72, 66, 12, 16))


def _hammer(p: QPainter) -> None:
    _accent(p)
    p.save()
    p.translate(50, 50)
    p.rotate(35)
    _rr(p, -5, -24, 10, 70, 3)
    _white(p)
    _rr(p, -30, -42, 60, 20, 3)
    p.restore()


def _wrench(p: QPainter) -> None:
    p.save()
    p.translate(50, 50)
    p.rotate(-45)
    shape = QPainterPath()
    shape.addRoundedRect(QRectF(-8, -10, 16, 56), 6, 6)
    shape.addEllipse(QRectF(-20, -46, 40, 40))
    jaw = QPainterPath()
    jaw.addRect(QRectF(-7, -50, 14, 26))
    p.drawPath(shape.simplified().subtracted(jaw))
    p.restore()
    _accent(p)
    p.drawEllipse(QRectF(56, 56, 10, 10))


def _drill(p: QPainter) -> None:
    _accent(p)
    _rr(p, 12, 18, 60, 30, 8)
    _white(p)
    p.drawRect(QRectF(72, 26, 24, 8))
    handle = QPainterPath(QPointF(26, 48))
    handle.lineTo(48, 48)
    handle.lineTo(52, 80)
    handle.lineTo(28, 80)
    handle.closeSubpath()
    p.drawPath(handle)
    _accent(p)
    _rr(p, 20, 78, 40, 14, 4)


def _lock(p: QPainter) -> None:
    p.setBrush(Qt.BrushStyle.NoBrush)
    pen = p.pen()
    width = pen.widthF()
    pen.setWidthF(width * 2.4)
    p.setPen(pen)
    p.drawArc(QRectF(28, 8, 44, 50), 0, 180 * 16)
    p.drawLine(QPointF(28, 33), QPointF(28, 46))
    p.drawLine(QPointF(72, 33), QPointF(72, 46))
    pen.setWidthF(width)
    p.setPen(pen)
    _accent(p)
    _rr(p, 16, 44, 68, 50, 8)
    _white(p)
    p.drawEllipse(QRectF(44, 58, 12, 12))
    p.drawRect(QRectF(47, 68, 6, 14))


def _ladder(p: QPainter) -> None:
    _accent(p)
    for x0, x1 in ((30, 14), (58, 74)):
        p.save()
        path = QPainterPath(QPointF(x0 + 6, 4))
        path.lineTo(x0 + 12, 4)
        path.lineTo(x1 + 12, 96)
        path.lineTo(x1, 96)
        path.closeSubpath()
        p.drawPath(path)
        p.restore()
    _white(p)
    for y, inset in ((26, 6), (48, 0), (70, -6)):
        p.drawRect(QRectF(30 + inset - 4, y, 40 - 2 * inset + 8, 7))


def _card(p: QPainter) -> None:
    path = QPainterPath(QPointF(20, 6))
    path.lineTo(64, 6)
    path.lineTo(80, 22)
    path.lineTo(80, 94)
    path.lineTo(20, 94)
    path.closeSubpath()
    p.drawPath(path)
    _accent(p)
    for x in (28, 40, 52, 64):
        p.drawRect(QRectF(x, 14, 6, 16))
    p.drawRect(QRectF(28, 52, 44, 28))


def _battery(p: QPainter) -> None:
    for x in (12, 56):
        _white(p)
        _rr(p, x, 20, 32, 74, 5)
        p.drawRect(QRectF(x + 10, 12, 12, 8))
        _accent(p)
        p.drawRect(QRectF(x, 56, 32, 38))


def _book(p: QPainter) -> None:
    _rr(p, 16, 6, 68, 88, 4)
    _accent(p)
    p.drawRect(QRectF(16, 6, 14, 88))
    _white(p)
    for y in (28, 42, 56):
        p.drawLine(QPointF(40, y), QPointF(74, y))


def _towel(p: QPainter) -> None:
    _accent(p)
    _rr(p, 8, 14, 84, 10, 4)
    _white(p)
    p.drawRect(QRectF(18, 24, 64, 70))
    _accent(p)
    p.drawRect(QRectF(18, 74, 64, 10))


def _bed(p: QPainter) -> None:
    _rr(p, 6, 36, 88, 44, 8)
    _accent(p)
    _rr(p, 14, 22, 30, 20, 8)
    _rr(p, 56, 22, 30, 20, 8)
    _white(p)
    p.drawRect(QRectF(8, 80, 10, 14))
    p.drawRect(QRectF(82, 80, 10, 14))


def _pen(p: QPainter) -> None:
    p.save()
    p.translate(50, 50)
    p.rotate(45)
    _rr(p, -7, -44, 14, 70, 4)
    _accent(p)
    tip = QPainterPath(QPointF(-7, 26))
    tip.lineTo(7, 26)
    tip.lineTo(0, 44)
    tip.closeSubpath()
    p.drawPath(tip)
    p.drawRect(QRectF(-7, -44, 14, 16))
    p.restore()


def _spray_can(p: QPainter) -> None:
    _rr(p, 28, 26, 44, 70, 8)
    _accent(p)
    _rr(p, 38, 10, 24, 16, 3)
    p.drawRect(QRectF(28, 48, 44, 26))
    _white(p)
    p.drawRect(QRectF(60, 12, 14, 8))


def _chopsticks(p: QPainter) -> None:
    _accent(p)
    for dx in (-10, 10):
        path = QPainterPath(QPointF(40 + dx, 6))
        path.lineTo(50 + dx, 6)
        path.lineTo(48 + dx, 96)
        path.lineTo(42 + dx, 96)
        path.closeSubpath()
        p.drawPath(path)


#: Pictogram kind -> drawing function.
PICTOGRAMS: dict[str, Draw] = {
    "sack": _sack,
    "packet": _packet,
    "seed": _seed,
    "bottle": _bottle,
    "wine": _wine,
    "jug": _jug,
    "can": _can,
    "cans": _cans,
    "box": _box,
    "carton": _carton,
    "bowl": _bowl,
    "egg": _egg,
    "washer": _washer,
    "aircon": _aircon,
    "fan": _fan,
    "fridge": _fridge,
    "tv": _tv,
    "cooker": _cooker,
    "kettle": _kettle,
    "appliance": _appliance,
    "phone": _phone,
    "watch": _watch,
    "headphones": _headphones,
    "plug": _plug,
    "radio": _radio,
    "camera": _camera,
    "printer": _printer,
    "shirt": _shirt,
    "pants": _pants,
    "shoe": _shoe,
    "hat": _hat,
    "socks": _socks,
    "baby_bottle": _baby_bottle,
    "diaper": _diaper,
    "stroller": _stroller,
    "pill": _pill,
    "cross": _cross,
    "meter": _meter,
    "thermometer": _thermometer,
    "tube": _tube,
    "sprayer": _sprayer,
    "hoe": _hoe,
    "shovel": _shovel,
    "sickle": _sickle,
    "rake": _rake,
    "roll": _roll,
    "tractor": _tractor,
    "paper_roll": _paper_roll,
    "toothbrush": _toothbrush,
    "bucket": _bucket,
    "pot": _pot,
    "thermos": _thermos,
    "umbrella": _umbrella,
    "coil": _coil,
    "bulb": _bulb,
    "pipe": _pipe,
    "faucet": _faucet,
    "hammer": _hammer,
    "wrench": _wrench,
    "drill": _drill,
    "lock": _lock,
    "ladder": _ladder,
    "card": _card,
    "battery": _battery,
    "book": _book,
    "towel": _towel,
    "bed": _bed,
    "pen": _pen,
    "spray_can": _spray_can,
    "chopsticks": _chopsticks,
}

# Keyword (regular expression on the name) -> pictogram; the first match wins, so specific
# words come before general ones (空调扇 is a fan, not an air conditioner).
KEYWORDS: list[tuple[str, str]] = [
    (r"洗衣机|洗烘", "washer"),
    (r"空调扇|风扇", "fan"),
    (r"空调", "aircon"),
    (r"冰箱|冰柜", "fridge"),
    (r"电视", "tv"),
    (r"电饭煲|电压力锅|豆浆机|破壁机", "cooker"),
    (r"水壶", "kettle"),
    (r"热水器|取暖器|微波炉|电磁炉|油烟机|剃须刀|电吹风", "appliance"),
    (r"手表|手环", "watch"),
    (r"耳机", "headphones"),
    (r"充电器|数据线|插线板|插座", "plug"),
    (r"音箱|收音机", "radio"),
    (r"摄像头", "camera"),
    (r"路由器|打印", "printer"),
    (r"内存卡|U盘|卡套", "card"),
    (r"手机|平板", "phone"),
    (r"充电宝", "battery"),
    (r"纸尿裤|拉拉裤", "diaper"),
    (r"薯片|湿巾|雪饼|瓜子|垃圾袋", "packet"),
    (r"裤", "pants"),
    (r"鞋|雨靴", "shoe"),
    (r"帽", "hat"),
    (r"袜", "socks"),
    (r"围巾|毛巾", "towel"),
    (r"羽绒服|T恤|夹克|羊毛衫|内衣|连衣裙|唐装|睡衣|工作服|迷彩服|雨衣|连体衣|内裤", "shirt"),
    (r"奶瓶|奶嘴|暖奶器", "baby_bottle"),
    (r"推车|婴儿床|餐椅|背带|待产包", "stroller"),
    (r"奶粉|蛋白粉|营养米粉", "can"),
    (r"血压计|血氧仪|血糖仪|雾化器|制氧机", "meter"),
    (r"体温计", "thermometer"),
    (r"创可贴|口罩|轮椅|拐杖", "cross"),
    (r"膏|乳胶剂|牙膏", "tube"),
    (r"胶囊|\d+片|丸|颗粒|叶酸|钙维生素", "pill"),
    (r"种子", "seed"),
    (r"喷雾器", "sprayer"),
    (r"锄头", "hoe"),
    (r"铁锹", "shovel"),
    (r"镰刀", "sickle"),
    (r"钉耙", "rake"),
    (r"地膜|遮阳网|软管|滴灌带|电线|胶带|彩条布|保鲜膜", "roll"),
    (r"微耕机|割草机", "tractor"),
    (r"杀虫气雾剂|气雾剂", "spray_can"),
    (r"复合肥|尿素|二铵|碳酸氢铵|氯化钾|有机肥|水溶肥|饲料|洗衣粉|水泥", "sack"),
    (r"卷纸|抽纸|厨房用纸", "paper_roll"),
    (r"牙刷", "toothbrush"),
    (r"水桶|涂料|乳胶漆|墙面漆", "bucket"),
    (r"炒锅|压力锅", "pot"),
    (r"保温杯", "thermos"),
    (r"伞", "umbrella"),
    (r"蚊香", "coil"),
    (r"灯|手电筒", "bulb"),
    (r"水管", "pipe"),
    (r"水龙头|马桶", "faucet"),
    (r"锤", "hammer"),
    (r"扳手", "wrench"),
    (r"电钻|角磨机|电焊机", "drill"),
    (r"锁", "lock"),
    (r"梯", "ladder"),
    (r"电池", "battery"),
    (r"作业本", "book"),
    (r"中性笔", "pen"),
    (r"卷尺|工具箱|手套", "box"),
    (r"四件套|羊毛被", "bed"),
    (r"筷子", "chopsticks"),
    (r"挂面", "packet"),
    (r"鸡蛋", "egg"),
    (r"方便面|牛肉面|一菜一面|小面", "bowl"),
    (r"罐|听", "cans"),
    (r"牛奶|特仑苏|纯牛奶", "carton"),
    (r"箱|礼包|饼干|茶|保鲜盒|皂", "box"),
    (r"二锅头|度 |干红|葡萄酒", "wine"),
    (r"大米|小米|糯米|籼米|油粘米|糙米|面粉|小麦粉|饺子粉|玉米面|白砂糖|盐", "sack"),
    (r"油 5L|玉米油|花生油 5L|大豆油|菜籽油", "jug"),
    (
        r"油|酱油|生抽|老抽|醋|蚝油|豆豉|液|洗发水|沐浴露|花露水|蜜|酒精|碘伏|风油精|"
        r"杀菌剂|种衣剂|杀虫剂|除草剂|可乐|雪碧|瓶",
        "bottle",
    ),
    (r"霜", "can"),
]

#: Pictogram when no keyword matches, by category.
CATEGORY_DEFAULT: dict[str, str] = {
    "粮油食品": "packet",
    "日用百货": "box",
    "农资农具": "sack",
    "家用电器": "appliance",
    "手机数码": "phone",
    "服装鞋帽": "shirt",
    "母婴用品": "box",
    "医药保健": "cross",
    "酒水饮料": "bottle",
    "五金建材": "box",
}


def pictogram_for(product: CatalogProduct) -> str:
    """The pictogram kind drawn for a product (keyword on its name, else its category's)."""
    for pattern, kind in KEYWORDS:
        if re.search(pattern, product.name):
            return kind
    return CATEGORY_DEFAULT.get(product.category, "box")


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------

_RUN = re.compile(r"[A-Za-z0-9.%×+\-/]+|\s+|.")


def _pieces(word: str) -> list[str]:
    # Latin/digit runs ("10kg", "256GB") stay whole; Chinese may break between any characters.
    return _RUN.findall(word)


def wrap_name(
    name: str, metrics: QFontMetricsF, width: float, *, break_words: bool = True
) -> list[str]:
    """Greedy line breaking at spaces; a word too wide for a line is split between characters.

    With ``break_words=False`` a too-wide word is left whole on its own line (the caller checks
    the width and tries a smaller font).
    """
    lines: list[str] = []
    current = ""
    for word in name.split():
        candidate = f"{current} {word}" if current else word
        if metrics.horizontalAdvance(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
        if not break_words or metrics.horizontalAdvance(word) <= width:
            current = word
            continue
        for piece in _pieces(word):
            if current and metrics.horizontalAdvance(current + piece) > width:
                lines.append(current)
                current = ""
            current += piece
    if current:
        lines.append(current)
    return lines


def _line_height(font: QFont) -> float:
    # Noto CJK's own line spacing is ~1.45 em, too airy for a three-line name on a small card.
    return font.pixelSize() * 1.2


def _fits(
    lines: list[str], metrics: QFontMetricsF, font: QFont, box: QRectF, max_lines: int
) -> bool:
    return (
        len(lines) <= max_lines
        and all(metrics.horizontalAdvance(line) <= box.width() for line in lines)
        and len(lines) * _line_height(font) <= box.height()
    )


def fit_name(name: str, box: QRectF, max_lines: int = 3) -> tuple[QFont, list[str]]:
    """The largest bold font (52 px down to 22 px) at which the name fits the box.

    Breaking only at spaces reads best, so it wins unless breaking inside a Chinese word allows
    a much larger font.

    Raises:
        ValueError: if even the smallest size would clip the name.
    """
    font = QFont(FONT_FAMILY)
    font.setBold(True)
    by_words: tuple[int, list[str]] | None = None
    by_chars: tuple[int, list[str]] | None = None
    for pixels in range(52, 21, -2):
        font.setPixelSize(pixels)
        metrics = QFontMetricsF(font)
        lines = wrap_name(name, metrics, box.width())
        if by_chars is None and _fits(lines, metrics, font, box, max_lines):
            by_chars = (pixels, lines)
        words = name.split()
        if by_words is None and len(words) <= max_lines:
            lines = wrap_name(name, metrics, box.width(), break_words=False)
            if _fits(lines, metrics, font, box, max_lines):
                by_words = (pixels, lines)
        if by_words is not None:
            break
    if by_words is not None and (by_chars is None or by_chars[0] - by_words[0] <= 4):
        pixels, lines = by_words
    elif by_chars is not None:
        pixels, lines = by_chars
    else:
        raise ValueError(f"product name too long for its image: {name!r}")
    font.setPixelSize(pixels)
    return font, lines


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


def _palette(colours: list[QColor], steps: int = 12) -> list[int]:
    # Every blend between every pair of the flat colours used: that covers all anti-aliased
    # edges, so mapping to this palette loses nothing visible and shrinks the PNG about 3×.
    table: list[int] = []
    for i, a in enumerate(colours):
        for b in colours[i + 1 :]:
            for k in range(steps + 1):
                t = k / steps
                rgb = QColor(
                    round(a.red() + (b.red() - a.red()) * t),
                    round(a.green() + (b.green() - a.green()) * t),
                    round(a.blue() + (b.blue() - a.blue()) * t),
                ).rgb()
                if rgb not in table:
                    table.append(rgb)
    if len(table) > 256:
        raise ValueError(f"palette has {len(table)} colours, PNG allows 256")
    return table


def render_product(product: CatalogProduct) -> QImage:
    """Draw the product's image (400×400, opaque, 8-bit palette)."""
    background = QColor(CATEGORY_COLOURS.get(product.category, FALLBACK_COLOUR))
    ink = background.darker(260)
    disc = background.lighter(118)
    sku_colour = background.lighter(175)
    image = QImage(SIZE, SIZE, QImage.Format.Format_RGB32)
    image.fill(background)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)

        # A soft disc behind the pictogram lifts it off the background.
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(disc)
        painter.drawEllipse(ICON.adjusted(-26, -12, 26, 12).center(), 96, 86)

        category_font = QFont(FONT_FAMILY)
        category_font.setBold(True)
        category_font.setPixelSize(22)
        painter.setFont(category_font)
        painter.setPen(WHITE)
        painter.drawText(
            QRectF(20, 12, 220, 32),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            product.category,
        )
        sku_font = QFont(FONT_FAMILY)
        sku_font.setPixelSize(17)
        painter.setFont(sku_font)
        painter.setPen(sku_colour)
        painter.drawText(
            QRectF(SIZE - 180, 12, 160, 32),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            product.sku,
        )

        painter.save()
        painter.translate(ICON.topLeft())
        painter.scale(ICON.width() / 100, ICON.height() / 100)
        pen = QPen(ink, 3.2)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(QBrush(WHITE))
        PICTOGRAMS[pictogram_for(product)](painter)
        painter.restore()

        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(WHITE)
        painter.drawRoundedRect(CARD, 18, 18)
        text_box = CARD.adjusted(14, 10, -14, -10)
        font, lines = fit_name(product.name, text_box)
        painter.setFont(font)
        painter.setPen(TEXT)
        line_height = _line_height(font)
        top = text_box.center().y() - len(lines) * line_height / 2
        for i, line in enumerate(lines):
            painter.drawText(
                QRectF(text_box.left(), top + i * line_height, text_box.width(), line_height),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter),
                line,
            )
    finally:
        painter.end()
    palette = _palette([background, ink, disc, sku_colour, WHITE, ACCENT, TEXT])
    # Nearest palette colour, no dithering: dithering would add noise that compresses badly.
    return image.convertToFormat(
        QImage.Format.Format_Indexed8, palette, Qt.ImageConversionFlag.ThresholdDither
    )


def contact_sheet(images: list[QImage], columns: int = 6, thumb: int = 200) -> QImage:
    """Thumbnails of many images in one grid, for a person to look over at once."""
    rows = max(1, (len(images) + columns - 1) // columns)
    sheet = QImage(columns * thumb, rows * thumb, QImage.Format.Format_RGB32)
    sheet.fill(QColor("#FFFFFF"))
    painter = QPainter(sheet)
    try:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for i, image in enumerate(images):
            target = QRectF((i % columns) * thumb, (i // columns) * thumb, thumb, thumb)
            painter.drawImage(target.adjusted(2, 2, -2, -2), image)
    finally:
        painter.end()
    return sheet


def _require_font() -> None:
    if FONT_FAMILY not in QFontDatabase.families():
        sys.exit(
            f"font '{FONT_FAMILY}' not found: install it (sudo apt-get install fonts-noto-cjk) "
            "so Chinese names do not render as empty boxes"
        )


def main(argv: list[str] | None = None) -> int:
    """Render every product's image (or only --sku ones); optionally write a contact sheet."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG, help="catalog file")
    parser.add_argument("--sku", action="append", default=[], help="render only this SKU")
    parser.add_argument(
        "--contact-sheet", type=Path, help="also write a grid of thumbnails to this PNG"
    )
    parser.add_argument(
        "--sheet-count", type=int, default=24, help="thumbnails on the contact sheet"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    _require_font()

    catalog: Path = args.catalog
    products = read_catalog_file(catalog)
    if args.sku:
        wanted = set(args.sku)
        products = [p for p in products if p.sku in wanted]
    rendered: list[QImage] = []
    total_bytes = 0
    for product in products:
        if product.image is None:
            continue
        target = catalog.parent / product.image
        target.parent.mkdir(parents=True, exist_ok=True)
        image = render_product(product)
        # Write beside, then rename, so an interrupted run never leaves a truncated PNG.
        # The ".png" suffix tells Qt the format (PySide's typing of format= disagrees with itself).
        tmp = target.with_name(target.stem + ".tmp.png")
        # Quality 0 is zlib's strongest compression for Qt's PNG writer.
        if not image.save(str(tmp), None, 0):
            raise OSError(f"could not write {tmp}")
        tmp.replace(target)
        total_bytes += target.stat().st_size
        rendered.append(image)
    print(f"wrote {len(rendered)} images, {total_bytes / 1024:.0f} KiB in all")
    if args.contact_sheet is not None:
        step = max(1, len(rendered) // max(1, args.sheet_count))
        chosen = rendered[::step][: args.sheet_count]
        contact_sheet(chosen).save(str(args.contact_sheet))
        print(f"contact sheet: {args.contact_sheet}")
    # Images hold font resources: release them while the application still exists.
    rendered.clear()
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
