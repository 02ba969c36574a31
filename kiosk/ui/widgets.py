"""Building blocks of the villager screens: the product grid, keypad, quantity stepper, top bar,
and :class:`Asker` — the one replaceable place that opens dialogs (tests answer it)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QDateTime,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtCore import Signal as _Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPen, QPixmap, QResizeEvent
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListView,
    QMessageBox,
    QPushButton,
    QScroller,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.storage.cards import ProductCard
from kiosk.ui import theme
from kiosk.ui.models import CardRole, PriceTextRole

Index = QModelIndex | QPersistentModelIndex

TILE_W = 250
TILE_H = 350
TILE_PAD = 10
TILE_IMAGE = 200


def stock_words(stock: str) -> str:
    """Availability in plain words."""
    from PySide6.QtCore import QCoreApplication

    if stock == "out_of_stock":
        return QCoreApplication.translate("Stock", "Out of stock")
    if stock == "low":
        return QCoreApplication.translate("Stock", "Only a few left")
    return QCoreApplication.translate("Stock", "In stock")


def stock_style(stock: str) -> str:
    """The label style (object name) for a stock word: green only for "in stock"."""
    return {"in_stock": "ok", "low": "warn"}.get(stock, "error")


def restyle(widget: QWidget, object_name: str) -> None:
    """Give ``widget`` another style-sheet object name and apply it now.

    Qt applies object-name selectors when a widget is polished; changing the name later does
    nothing visible until the widget is polished again.
    """
    if widget.objectName() == object_name:
        return
    widget.setObjectName(object_name)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def paint_placeholder(p: QPainter, rect: QRect) -> None:
    """A plain grey square with a simple parcel outline while the picture loads (or is missing)."""
    p.fillRect(rect, theme.PLACEHOLDER)
    p.setPen(QPen(theme.CARD_LINE, 4))
    box = rect.adjusted(
        rect.width() // 3, rect.height() // 3, -rect.width() // 3, -rect.height() // 3
    )
    p.drawRect(box)
    p.drawLine(
        box.left(), box.top() + box.height() // 3, box.right(), box.top() + box.height() // 3
    )


def plain_tooltip(text: str) -> str:
    """``text`` for ``setToolTip`` shown as written: tooltips render anything that looks like
    markup, so such text is escaped (plain text stays as it is)."""
    return GuiQt.convertFromPlainText(text) if GuiQt.mightBeRichText(text) else text


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget of ``layout``."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


class ProductTileDelegate(QStyledItemDelegate):
    """Paints one product tile: big picture, name on two lines, big red price, unit, stock."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        view = self.parent()
        if isinstance(view, QListView) and view.gridSize().isValid():
            return view.gridSize()
        return QSize(TILE_W, TILE_H)

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        card: ProductCard | None = index.data(CardRole)
        if card is None:
            return
        r = option.rect.adjusted(6, 6, -6, -6)
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        p.setPen(QPen(theme.BAR if selected else theme.CARD_LINE, 3 if selected else 2))
        p.setBrush(theme.PAPER)
        p.drawRoundedRect(r, 10, 10)
        img_rect = QRect(
            r.left() + (r.width() - TILE_IMAGE) // 2, r.top() + TILE_PAD, TILE_IMAGE, TILE_IMAGE
        )
        pix = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(pix, QPixmap) and not pix.isNull():
            x = img_rect.left() + (img_rect.width() - pix.width()) // 2
            y = img_rect.top() + (img_rect.height() - pix.height()) // 2
            p.drawPixmap(x, y, pix)
        else:
            paint_placeholder(p, img_rect)
        text_left = r.left() + TILE_PAD
        text_w = r.width() - 2 * TILE_PAD
        y = img_rect.bottom() + 6
        p.setPen(theme.INK)
        p.setFont(theme.font(theme.SMALL_PX, bold=True))
        name_rect = QRect(text_left, y, text_w, 2 * (theme.SMALL_PX + 6))
        metrics = p.fontMetrics()
        name = metrics.elidedText(card.name, Qt.TextElideMode.ElideRight, text_w * 2 - 20)
        p.drawText(name_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap), name)
        y = name_rect.bottom() + 2
        p.setFont(theme.font(theme.PRICE_PX, bold=True))
        p.setPen(theme.PRICE)
        price = str(index.data(PriceTextRole))
        price_rect = QRect(text_left, y, text_w, theme.PRICE_PX + 10)
        p.drawText(
            price_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), price
        )
        p.setFont(theme.font(theme.SMALL_PX))
        p.setPen(theme.MUTED)
        unit_x = (
            text_left + p.fontMetrics().horizontalAdvance(" ") + _advance(price, theme.PRICE_PX)
        )
        p.drawText(
            QRect(unit_x, y, text_w, theme.PRICE_PX + 10),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            f"/{card.unit}",
        )
        if card.stock != "in_stock":
            p.setPen(theme.WARN if card.stock == "low" else theme.PRICE)
            p.drawText(
                QRect(text_left, price_rect.bottom() + 2, text_w, theme.SMALL_PX + 8),
                int(Qt.AlignmentFlag.AlignLeft),
                stock_words(card.stock),
            )
        p.restore()
        view = self.parent()
        if isinstance(view, ProductGrid) and view.speaker_shown:
            from kiosk.ui.speech import draw_tile_speaker

            draw_tile_speaker(p, r)


def _advance(text: str, px: int) -> int:
    from PySide6.QtGui import QFontMetrics

    return QFontMetrics(theme.font(px, bold=True)).horizontalAdvance(text)


class ProductGrid(QListView):
    """A virtualized grid of product tiles (only visible tiles are painted).

    Signals:
        product_chosen(str): the SKU of the tile a villager tapped.
        read_aloud_requested(object): the tile's speaker was tapped; the ProductCard.
    """

    product_chosen = _Signal(str)
    read_aloud_requested = _Signal(object)
    #: Tiles carry a speaker button (read aloud is on; kiosk.ui.speech.attach_to_grid).
    speaker_shown = False

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWrapping(True)
        self.setUniformItemSizes(True)  # layout of 100,000 tiles stays cheap
        self.setGridSize(QSize(TILE_W, TILE_H))
        self.setSpacing(0)
        self.setItemDelegate(ProductTileDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(40)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Finger drags scroll the grid on touch screens; a tap still counts as a click.
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        self.clicked.connect(self._clicked)
        self._pressed_at = QPoint(-1, -1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Share the spare width among the columns so tiles fill the row instead of leaving a gap.
        width = self.viewport().width() - 2
        columns = max(1, width // TILE_W)
        self.setGridSize(QSize(width // columns, TILE_H))
        super().resizeEvent(event)

    def set_speaker_shown(self, shown: bool) -> None:
        """Paint (or stop painting) the speaker button on every tile."""
        self.speaker_shown = shown
        self.viewport().update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._pressed_at = event.position().toPoint()
        super().mousePressEvent(event)

    def _clicked(self, index: QModelIndex) -> None:
        card = index.data(CardRole)
        if card is None:
            return
        if self.speaker_shown:
            from kiosk.ui.speech import tile_speaker_rect

            tile = self.visualRect(index).adjusted(6, 6, -6, -6)
            if tile_speaker_rect(tile).contains(self._pressed_at):
                self.read_aloud_requested.emit(card)
                return
        self.product_chosen.emit(card.sku)


class Keypad(QWidget):
    """Big digit keys for phone numbers, pickup codes, order numbers and money; types into
    :meth:`target`.

    Tapping a key never moves the keyboard focus, so the field being typed into stays the one
    the villager chose. With ``point`` (amounts in yuan) the keypad has a decimal point where
    the Clear key was, and Clear moves to a wide key underneath.
    """

    def __init__(self, parent: QWidget | None = None, *, point: bool = False) -> None:
        super().__init__(parent)
        self._target: QLineEdit | None = None
        grid = QGridLayout(self)
        grid.setSpacing(8)
        grid.setContentsMargins(0, 0, 0, 0)
        third = "." if point else "clear"
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", third, "0", "back"]
        if point:
            keys.append("clear")
        for i, key in enumerate(keys):
            if key == "clear":
                label = self.tr("Clear")
            elif key == "back":
                label = "⌫"
            else:
                label = key
            btn = QPushButton(label, self)
            btn.setObjectName("key_point" if key == "." else f"key_{key}")
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            btn.setMinimumSize(96, 62)
            btn.setFont(theme.font(theme.TITLE_PX, bold=True))
            btn.clicked.connect(lambda _=False, k=key: self.press(k))
            if i == 12:
                grid.addWidget(btn, 4, 0, 1, 3)
            else:
                grid.addWidget(btn, i // 3, i % 3)

    def set_target(self, field: QLineEdit | None) -> None:
        """The field the keys type into."""
        self._target = field

    def target(self) -> QLineEdit | None:
        """The field the keys type into."""
        return self._target

    def press(self, key: str) -> None:
        """Press one key: a digit, ``"."``, ``"back"`` or ``"clear"``."""
        field = self._target
        if field is None or not field.isEnabled():
            return
        if key == "back":
            field.backspace()
        elif key == "clear":
            field.clear()
        elif key == "." and "." in field.text():
            return
        elif len(field.text()) < field.maxLength():
            field.insert(key)


class QuantityStepper(QWidget):
    """A − qty + control with big buttons.

    Signals:
        value_changed(int): the new quantity.
    """

    value_changed = _Signal(int)

    def __init__(self, value: int = 1, maximum: int = 999, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = value
        self._max = maximum
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.minus = QPushButton("−", self)
        self.plus = QPushButton("+", self)
        self.label = QLabel(str(value), self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setMinimumWidth(70)
        self.label.setFont(theme.font(theme.TITLE_PX, bold=True))
        for btn in (self.minus, self.plus):
            btn.setFont(theme.font(theme.TITLE_PX, bold=True))
            btn.setMinimumWidth(80)
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.minus.clicked.connect(lambda: self.set_value(self._value - 1))
        self.plus.clicked.connect(lambda: self.set_value(self._value + 1))
        row.addWidget(self.minus)
        row.addWidget(self.label)
        row.addWidget(self.plus)

    def value(self) -> int:
        """The quantity."""
        return self._value

    def set_value(self, value: int) -> None:
        """Set the quantity (kept within 1…maximum)."""
        value = max(1, min(self._max, value))
        self.minus.setEnabled(value > 1)
        self.plus.setEnabled(value < self._max)
        if value != self._value:
            self._value = value
            self.label.setText(str(value))
            self.value_changed.emit(value)


class TopBar(QWidget):
    """Center name, big navigation buttons, the always-visible sync words and the time.

    Signals:
        home_clicked(), cart_clicked(), orders_clicked()
    """

    home_clicked = _Signal()
    cart_clicked = _Signal()
    orders_clicked = _Signal()

    def __init__(self, center_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("topbar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.setSpacing(12)
        self.center = QLabel(center_name, self)
        self.center.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.center.setFont(theme.font(theme.TITLE_PX - 4, bold=True))
        self.home = QPushButton(self.tr("Home"), self)
        self.orders = QPushButton(self.tr("My orders"), self)
        self.cart = QPushButton(self)
        self.sync = QLabel(self)
        self.sync.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.sync.setObjectName("sync")
        self.sync.setFont(theme.font(theme.SMALL_PX))
        self.sync.setWordWrap(True)
        # A passing note above the sync words (e.g. the catalog's search index being rebuilt).
        self.note = QLabel(self)
        self.note.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.note.setObjectName("warn")
        self.note.setFont(theme.font(theme.SMALL_PX, bold=True))
        self.note.setWordWrap(True)
        self.note.hide()
        self.clock = QLabel(self)
        self.clock.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.clock.setFont(theme.font(theme.TITLE_PX - 4, bold=True))
        for btn in (self.home, self.orders, self.cart):
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.home.clicked.connect(self.home_clicked)
        self.cart.clicked.connect(self.cart_clicked)
        self.orders.clicked.connect(self.orders_clicked)
        row.addWidget(self.center)
        row.addWidget(self.home)
        row.addWidget(self.orders)
        row.addWidget(self.cart)
        words = QVBoxLayout()
        words.setContentsMargins(0, 0, 0, 0)
        words.setSpacing(0)
        words.addWidget(self.note)
        words.addWidget(self.sync)
        row.addLayout(words, 1)
        row.addWidget(self.clock)
        self.set_cart_count(0)
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._update_clock)
        self._tick.start(1000)
        self._update_clock()

    def set_cart_count(self, n: int) -> None:
        """Show how many pieces are in the cart."""
        self.cart.setText(self.tr("Cart (%n)", "", n))

    def set_sync_text(self, text: str) -> None:
        """Show the sync indicator's words."""
        self.sync.setText(text)

    def set_note(self, text: str) -> None:
        """Show a passing note above the sync words; an empty text hides it."""
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def _update_clock(self) -> None:
        self.clock.setText(QDateTime.currentDateTime().toString("HH:mm"))


class Asker:
    """Opens the kiosk's few dialogs. Tests replace :attr:`answer` to reply without a dialog."""

    def __init__(self) -> None:
        self.answer: Callable[[QWidget | None, str, str, str], bool] | None = None
        self.asked: list[str] = []

    def ask(self, parent: QWidget | None, question: str, yes: str, no: str) -> bool:
        """Ask a yes/no question with big buttons; True for yes."""
        self.asked.append(question)
        if self.answer is not None:
            return self.answer(parent, question, yes, no)
        box = QMessageBox(parent)
        box.setWindowTitle(" ")
        box.setText(question)
        box.setTextFormat(Qt.TextFormat.PlainText)  # names in questions are data, never markup
        box.setFont(theme.font(theme.BASE_PX + 4))
        yes_btn = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
        box.addButton(no, QMessageBox.ButtonRole.NoRole)
        box.exec()
        return box.clickedButton() is yes_btn
