"""The kiosk window: the top bar over a stack of screens, navigation, and the idle reset."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from kiosk.storage.browsing import ProductCard
from kiosk.ui.admin.area import AdminArea
from kiosk.ui.bridge import SyncIndicator
from kiosk.ui.cart import Cart
from kiosk.ui.models import CartModel
from kiosk.ui.screens.browse import CategoryScreen, SearchScreen
from kiosk.ui.screens.checkout import CheckoutScreen, Receipt
from kiosk.ui.screens.confirmation import ConfirmationScreen
from kiosk.ui.screens.detail import DetailScreen
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.screens.myorders import MyOrdersScreen
from kiosk.ui.services import KioskServices
from kiosk.ui.widgets import TopBar

#: Default idle timeout: back to home, cart and customer details cleared.
IDLE_TIMEOUT_MS = 120_000

_ACTIVITY = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.KeyPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.Wheel,
    QEvent.Type.InputMethod,
}


class IdleWatcher(QObject):
    """Fires :attr:`idle` when nobody touched the kiosk for ``timeout_ms``.

    Signals:
        idle(): the timeout passed without a tap, key or scroll.
    """

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.idle)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer.start()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self._timer.start()
        return False

    def poke(self) -> None:
        """Count as activity."""
        self._timer.start()

    def stop(self) -> None:
        """Stop watching (window closing)."""
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class KioskWindow(QWidget):
    """The villager's kiosk.

    Signals:
        reset_done(): the idle timeout (or "Done") returned to a clean home screen.
    """

    reset_done = Signal()

    def __init__(
        self,
        services: KioskServices,
        indicator: SyncIndicator | None = None,
        *,
        idle_timeout_ms: int = IDLE_TIMEOUT_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.setWindowTitle(self.tr("Village Kiosk"))
        self.cart = CartModel(Cart(), self)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        self.top = TopBar(services.center_name or self.tr("Village service center"), self)
        col.addWidget(self.top)
        self.stack = QStackedWidget(self)
        col.addWidget(self.stack, 1)

        self.home = HomeScreen(services, self)
        self.search = SearchScreen(services, self.home.category_names, self)
        self.category = CategoryScreen(services, self)
        self.detail = DetailScreen(services, self)
        self.checkout = CheckoutScreen(services, self.cart, self)
        self.confirmation = ConfirmationScreen(services, self)
        self.my_orders = MyOrdersScreen(services, self)
        for screen in (
            self.home,
            self.search,
            self.category,
            self.detail,
            self.checkout,
            self.confirmation,
            self.my_orders,
        ):
            self.stack.addWidget(screen)

        self.top.home_clicked.connect(self.go_home)
        self.top.cart_clicked.connect(self.show_checkout)
        self.top.orders_clicked.connect(self.show_my_orders)
        self.home.search_typed.connect(self.show_search)
        self.home.category_chosen.connect(self.show_category)
        self.home.product_chosen.connect(self.show_product)
        self.search.product_chosen.connect(self.show_product)
        self.search.category_chosen.connect(self.show_category)
        self.category.product_chosen.connect(self.show_product)
        self.detail.add_to_cart.connect(self._add_to_cart)
        self.detail.order_now.connect(self._order_now)
        self.checkout.placed.connect(self._placed)
        self.checkout.browse_more.connect(self.go_home)
        self.confirmation.done.connect(self.reset_session)
        for sig in (self.cart.modelReset, self.cart.rowsInserted, self.cart.rowsRemoved):
            sig.connect(self._cart_changed)
        self.cart.dataChanged.connect(self._cart_changed)

        self.indicator = indicator
        if indicator is not None:
            indicator.changed.connect(self.top.set_sync_text)
            self.top.set_sync_text(indicator.text)
            indicator.refresh()
        # Owner and technician mode: a small button at the top right, always through the PIN.
        self.admin = AdminArea(services, self)
        self._leaving_admin = False
        self.stack.addWidget(self.admin)
        self.admin_button = QPushButton(self.tr("Owner"), self.top)
        self.admin_button.setObjectName("admin")
        self.admin_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.admin_button.clicked.connect(self.show_admin)
        top_row = self.top.layout()
        if top_row is not None:
            top_row.addWidget(self.admin_button)
        self.admin.exited.connect(self._leave_admin)
        self.admin.center_named.connect(self._center_named)
        self.idle = IdleWatcher(idle_timeout_ms, self)
        self.idle.idle.connect(self._idle_reset)
        # The technician's way out of full-screen kiosk mode.
        QShortcut(QKeySequence("Ctrl+Shift+Q"), self, self.close)
        self.home.refresh()

    # -- navigation ---------------------------------------------------------------------------

    def current(self) -> QWidget | None:
        """The screen on top."""
        return self.stack.currentWidget()

    def go_home(self) -> None:
        """Back to the home screen (cart kept)."""
        self.search.reset()
        self.home.reset()
        self.home.refresh()
        self.stack.setCurrentWidget(self.home)

    def show_search(self, text: str) -> None:
        """The search screen with ``text`` typed."""
        self.stack.setCurrentWidget(self.search)
        self.search.start(text)

    def show_category(self, name: str) -> None:
        """A category's products."""
        self.search.record_pending()
        self.stack.setCurrentWidget(self.category)
        self.category.open(name)

    def show_product(self, sku: str) -> None:
        """A product's detail screen."""
        self.stack.setCurrentWidget(self.detail)
        self.detail.open(sku)

    def show_checkout(self) -> None:
        """The cart and checkout."""
        self.search.record_pending()
        self.stack.setCurrentWidget(self.checkout)
        self.checkout.begin()

    def show_my_orders(self) -> None:
        """My orders."""
        self.search.record_pending()
        self.stack.setCurrentWidget(self.my_orders)
        self.my_orders.begin()

    def _add_to_cart(self, card: ProductCard, qty: int) -> None:
        self.cart.add(card, qty)

    def _order_now(self, card: ProductCard, qty: int) -> None:
        self.cart.add(card, qty)
        self.show_checkout()

    def _placed(self, receipt: Receipt) -> None:
        self.confirmation.show_receipt(receipt)
        self.stack.setCurrentWidget(self.confirmation)
        if self.indicator is not None:
            self.indicator.refresh()

    def _cart_changed(self, *_args: object) -> None:
        self.top.set_cart_count(self.cart.cart.item_count)

    def show_admin(self) -> None:
        """The PIN screen (the only way into owner or technician mode)."""
        self.search.record_pending()
        self.top.hide()
        self.stack.setCurrentWidget(self.admin)
        self.admin.open_pin()

    def show_first_run(self) -> None:
        """The technician's first-run wizard (at start, on a kiosk without PINs)."""
        self.top.hide()
        self.stack.setCurrentWidget(self.admin)
        self.admin.start_wizard()

    def in_admin_mode(self) -> bool:
        """True while the admin area (PIN screen or an unlocked screen) is shown."""
        return self.stack.currentWidget() is self.admin

    def _leave_admin(self) -> None:
        self.top.show()
        if not self._leaving_admin:
            self.reset_session()

    def _center_named(self, name: str) -> None:
        if name:
            self.top.center.setText(name)

    def _idle_reset(self) -> None:
        # An unlocked admin session has its own, longer idle lock (kiosk.ui.admin.session).
        if self.admin.session.active:
            return
        self.reset_session()

    def reset_session(self) -> None:
        """Clear the cart, customer details, pickup code and lookups; back to home."""
        if self.in_admin_mode():
            self._leaving_admin = True
            try:
                self.admin.lock()
            finally:
                self._leaving_admin = False
            self.top.show()
        self.cart.clear()
        self.checkout.clear_customer()
        self.confirmation.clear()
        self.my_orders.reset()
        self.category.reset()
        self.go_home()
        self.reset_done.emit()

    def closeEvent(self, event: object) -> None:
        self.idle.stop()
        if self.indicator is not None:
            self.indicator.stop()
        super().closeEvent(event)  # type: ignore[arg-type]


def show_kiosk(window: KioskWindow, *, windowed: bool) -> None:
    """Show full-screen and frameless (the shop) or as a normal window (development)."""
    if windowed:
        window.resize(1366, 768)
        window.show()
    else:
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        window.showFullScreen()
