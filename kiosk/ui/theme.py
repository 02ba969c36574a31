"""Look and feel for villagers: big type, big targets, high contrast, prices that stand out.

Sizes are in pixels for a 1366×768 screen and stay the same on 1920×1080 (the grid simply shows
more columns there): the villager stands a metre away, so bigger screens should not make text
smaller.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont

#: Font families in order of preference: Noto Sans CJK SC (installed by the Makefile), then what
#: Windows and older Linux PCs in a village shop usually have.
FONT_FAMILIES = [
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "WenQuanYi Micro Hei",
    "PingFang SC",
    "SimHei",
    "sans-serif",
]

BASE_PX = 20  # body text (at least 18 px for older eyes; docs/ui.md, Sizes)
SMALL_PX = 18
TITLE_PX = 30
PRICE_PX = 28  # prices larger than the text around them
BIG_PRICE_PX = 44
CODE_PX = 96  # the pickup code on the confirmation screen
TOUCH_PX = 64  # every button at least 56 px high (docs/ui.md, Sizes); 64 leaves room for a thumb
BIG_TOUCH_PX = 96  # the one button that matters on a screen (the idle warning's "I'm here")
ROW_PX = 56  # list rows and tabs on the villager screens

INK = QColor("#111111")
MUTED = QColor("#444444")
PAPER = QColor("#ffffff")
PRICE = QColor("#c8102e")  # the red villagers know from shop price tags
OK = QColor("#116b2e")
WARN = QColor("#a14f00")
BAR = QColor("#17324d")
CARD_LINE = QColor("#b8b8b8")
PLACEHOLDER = QColor("#eeeeee")
#: Text of a button that cannot be used now: grey on grey, with a dashed border (never the
#: active red), and a reason in words next to it (``QLabel#why``).
DISABLED_INK = "#6b6b6b"


def font(px: int = BASE_PX, *, bold: bool = False) -> QFont:
    """The kiosk font at ``px`` pixels."""
    f = QFont()
    f.setFamilies(FONT_FAMILIES)
    f.setPixelSize(px)
    f.setBold(bold)
    return f


STYLE_SHEET = f"""
QWidget {{ background: {PAPER.name()}; color: {INK.name()}; font-size: {BASE_PX}px; }}
QLabel#title {{ font-size: {TITLE_PX}px; font-weight: bold; }}
QLabel#hint {{ color: {MUTED.name()}; }}
QLabel#price {{ color: {PRICE.name()}; font-size: {BIG_PRICE_PX}px; font-weight: bold; }}
QLabel#total {{ color: {PRICE.name()}; font-size: {PRICE_PX}px; font-weight: bold; }}
QLabel#error {{ color: {PRICE.name()}; font-weight: bold; }}
QLabel#code {{ font-size: {CODE_PX}px; font-weight: bold; letter-spacing: 8px; }}
QLabel#ok {{ color: {OK.name()}; font-weight: bold; }}
QLabel#warn {{ color: {WARN.name()}; font-weight: bold; }}
QPushButton {{
    min-height: {TOUCH_PX}px; min-width: {TOUCH_PX}px; padding: 0 18px;
    border: 2px solid #555; border-radius: 10px; background: #f2f2f2; font-size: {BASE_PX + 2}px;
}}
QPushButton:pressed {{ background: #d6d6d6; }}
QPushButton:checked {{ background: {BAR.name()}; color: white; border-color: {BAR.name()}; }}
QPushButton:disabled {{ color: {DISABLED_INK}; border: 2px dashed #aaa; background: #f4f4f4; }}
QPushButton#primary {{
    background: {PRICE.name()}; color: white; border-color: {PRICE.name()}; font-weight: bold;
}}
QPushButton#primary:pressed {{ background: #8f0b20; }}
QPushButton#primary:disabled {{
    background: #e2e2e2; color: {DISABLED_INK}; border: 2px dashed #999; font-weight: normal;
}}
QPushButton#big {{ min-height: {BIG_TOUCH_PX}px; font-size: {TITLE_PX}px; font-weight: bold; }}
QLabel#why {{ color: {WARN.name()}; font-weight: bold; }}
QLabel#added {{
    background: #e3f3e8; color: {OK.name()}; font-weight: bold; border-radius: 10px;
    padding: 8px 14px;
}}
QWidget#idlewarning {{ background: rgba(0, 0, 0, 150); }}
QFrame#idlepanel {{
    background: {PAPER.name()}; border: 4px solid {BAR.name()}; border-radius: 18px;
}}
QLabel#countdown {{ font-size: {BIG_PRICE_PX}px; font-weight: bold; color: {BAR.name()}; }}
QPushButton#tile {{ text-align: center; font-size: {BASE_PX + 2}px; font-weight: bold; }}
QLineEdit {{
    min-height: {TOUCH_PX}px; padding: 0 12px; border: 2px solid #555; border-radius: 10px;
    font-size: {BASE_PX + 6}px;
}}
QLineEdit:focus {{ border: 3px solid {BAR.name()}; }}
QLineEdit#search {{ font-size: {TITLE_PX}px; }}
QWidget#topbar, QWidget#topbar QLabel {{ background: {BAR.name()}; color: white; }}
QWidget#topbar QPushButton {{
    background: {BAR.name()}; color: white; border: 2px solid white; font-weight: bold;
}}
QWidget#topbar QPushButton:pressed {{ background: #0c1d2e; }}
QListView {{ border: none; }}
QListView#orders::item {{ min-height: {ROW_PX}px; padding: 6px; }}
QScrollBar:vertical {{ width: 28px; }}
QScrollBar::handle:vertical {{ min-height: 60px; background: #999; border-radius: 8px; }}
"""
