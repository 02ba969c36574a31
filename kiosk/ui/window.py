"""The kiosk window: the top bar over a stack of screens, navigation, and the idle reset.

The idle reset warns first: when there is something to lose (a cart, a name or phone number
typed, any screen but home), a "Still there?" panel counts down the last seconds with a big
button to keep going; any tap keeps going. See ``docs/ui.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.cart import Cart
from kiosk.ui.models import CartModel
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.services import KioskServices
from kiosk.ui.speech import attach_to_grid
from kiosk.ui.widgets import TopBar

if TYPE_CHECKING:
    # The other screens are imported when first shown (see KioskWindow): start-up only needs home.
    from kiosk.storage.cards import ProductCard
    from kiosk.storage.first_paint import FirstPaint
    from kiosk.ui.admin.area import AdminArea
    from kiosk.ui.bridge import SyncIndicator
    from kiosk.ui.practice import PracticeMode
    from kiosk.ui.screens.browse import CategoryScreen, SearchScreen
    from kiosk.ui.screens.checkout import CheckoutScreen, Receipt
    from kiosk.ui.screens.confirmation import ConfirmationScreen
    from kiosk.ui.screens.detail import DetailScreen
    from kiosk.ui.screens.myorders import MyOrdersScreen
    from kiosk.ui.sync_control import SyncController

#: Default idle timeout: back to home, cart and customer details cleared.
IDLE_TIMEOUT_MS = 120_000
#: The "Still there?" warning shows this long before the reset (at most a quarter of the
#: timeout, so short test timeouts keep their proportions).
IDLE_WARNING_MS = 20_000

_ACTIVITY = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.KeyPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.Wheel,
    QEvent.Type.InputMethod,
}


class IdleWatcher(QObject):
    """Fires :attr:`idle` when nobody touched the kiosk for ``timeout_ms``, and
    :attr:`warning` :meth:`warning_ms` before that.

    Signals:
        warning(): the timeout is near; the reset follows unless someone touches the kiosk.
        active(): someone touched the kiosk (after a warning: the warning is off).
        idle(): the timeout passed without a tap, key or scroll.
    """

    warning = Signal()
    active = Signal()
    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.idle)
        self._warn = QTimer(self)
        self._warn.setSingleShot(True)
        self._warn.setInterval(timeout_ms - min(IDLE_WARNING_MS, timeout_ms // 4))
        self._warn.timeout.connect(self._warned)
        self._warning = False
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.poke()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self.poke()
        return False

    def _warned(self) -> None:
        self._warning = True
        self.warning.emit()

    def warning_ms(self) -> int:
        """How long before the reset the warning comes."""
        return self._timer.interval() - self._warn.interval()

    def remaining_ms(self) -> int:
        """Time left before the reset."""
        return max(0, self._timer.remainingTime())

    def poke(self) -> None:
        """Count as activity."""
        self._timer.start()
        self._warn.start()
        if self._warning:
            self._warning = False
            self.active.emit()

    def stop(self) -> None:
        """Stop watching (window closing)."""
        self._timer.stop()
        self._warn.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class IdleWarning(QWidget):
    """The "Still there?" panel over the whole window, with a countdown and a big button.

    Signals:
        keep_going(): the villager tapped "I'm still here".
    """

    keep_going = Signal()

    def __init__(self, watcher: IdleWatcher, parent: QWidget) -> None:
        super().__init__(parent)
        self._watcher = watcher
        self.setObjectName("idlewarning")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        panel = QFrame(self)
        panel.setObjectName("idlepanel")
        panel.setMinimumWidth(640)
        col = QVBoxLayout(panel)
        col.setContentsMargins(40, 32, 40, 32)
        col.setSpacing(18)
        title = QLabel(self.tr("Still there?"), panel)
        title.setObjectName("title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = QLabel(panel)
        self.countdown.setObjectName("countdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.what = QLabel(
            self.tr("Then the cart and your name and number are cleared for the next person."),
            panel,
        )
        self.what.setWordWrap(True)
        self.what.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = QPushButton(self.tr("I'm still here: keep going"), panel)
        self.button.setObjectName("big")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self.keep_going)
        for w in (title, self.countdown, self.what, self.button):
            col.addWidget(w)
        outer.addWidget(panel)
        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self._update)
        self.hide()

    def open(self) -> None:
        """Cover the window and count down."""
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self._update()
        self.show()
        self.raise_()
        self._tick.start()

    def close_warning(self) -> None:
        """Take the panel away."""
        self._tick.stop()
        self.hide()

    def _update(self) -> None:
        seconds = (self._watcher.remaining_ms() + 999) // 1000
        self.countdown.setText(self.tr("Starting over in %n second(s)", "", seconds))


class KioskWindow(QWidget):
    """The villager's kiosk.

    Only the top bar and the home screen are built with the window; every other screen (and the
    owner/technician area) is built, with its module imported, the first time it is used, so the
    home screen paints sooner. :meth:`prebuild_screens` builds them during idle time after start-up.

    Signals:
        reset_done(): the idle timeout (or "Done") returned to a clean home screen.
        order_placed(object): checkout placed an order (its ``Receipt``), committed locally.
        enrolled(object): the technician enrolled the kiosk (wizard or technician screen).
        restart_requested(): a restore replaced the data; the application restarts the kiosk.
    """

    reset_done = Signal()
    order_placed = Signal(object)
    #: The technician enrolled the kiosk (first-run wizard or technician screen): the
    #: :class:`kiosk.sync.factory.Enrollment`. The application starts the background sync on it.
    enrolled = Signal(object)
    restart_requested = Signal()

    #: Lazily built screens, in the order :meth:`prebuild_screens` builds them.
    LAZY_SCREENS = (
        "search",
        "detail",
        "checkout",
        "confirmation",
        "category",
        "my_orders",
        "admin",
    )

    def __init__(
        self,
        services: KioskServices,
        indicator: SyncIndicator | None = None,
        *,
        idle_timeout_ms: int = IDLE_TIMEOUT_MS,
        first: FirstPaint | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``first``: the home screen's data read before the store was opened (the kiosk's
        start-up); the store's other reads wait for :meth:`store_opened`."""
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
        self.stack.addWidget(self.home)
        attach_to_grid(self.home.grid, services.read_aloud)
        if first is not None:
            self.home.show_read(first.tiles, first.featured)
        else:
            # First: the home screen's query runs on a worker while the rest is built and shown.
            self.home.refresh()

        self.top.home_clicked.connect(self.go_home)
        self.top.cart_clicked.connect(self.show_checkout)
        self.top.orders_clicked.connect(self.show_my_orders)
        self.home.search_typed.connect(self.show_search)
        self.home.category_chosen.connect(self.show_category)
        self.home.product_chosen.connect(self.show_product)
        for sig in (self.cart.modelReset, self.cart.rowsInserted, self.cart.rowsRemoved):
            sig.connect(self._cart_changed)
        self.cart.dataChanged.connect(self._cart_changed)

        self.indicator = indicator
        if indicator is not None:
            indicator.changed.connect(self.top.set_sync_text)
            self.top.set_sync_text(indicator.text)
            if first is None:
                indicator.refresh()
        # Owner and technician mode: a small button at the top right, always through the PIN.
        self._leaving_admin = False
        self.admin_button = QPushButton(self.tr("Owner"), self.top)
        self.admin_button.setObjectName("admin")
        self.admin_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.admin_button.clicked.connect(self.show_admin)
        top_row = self.top.layout()
        if top_row is not None:
            top_row.addWidget(self.admin_button)
        self._before_detail: QWidget | None = None
        self.idle = IdleWatcher(idle_timeout_ms, self)
        self.idle_warning = IdleWarning(self.idle, self)
        self.idle_warning.keep_going.connect(self.idle.poke)
        self.idle.warning.connect(self._idle_warning)
        self.idle.active.connect(self.idle_warning.close_warning)
        self._sync: SyncController | None = None
        self.idle.idle.connect(self._idle_reset)
        # The technician's way out of full-screen kiosk mode.
        QShortcut(QKeySequence("Ctrl+Shift+Q"), self, self.close)

    def store_opened(self) -> None:
        """The store is open (after a first paint from ``first``): read what the window shows
        from it."""
        if self.indicator is not None:
            self.indicator.refresh()
        if self.services.read_aloud is not None:
            self.services.read_aloud.load()

    # -- screens, built on first use ----------------------------------------------------------

    def _built(self, name: str) -> bool:
        """True when the lazily built screen ``name`` exists already (cached_property)."""
        return name in self.__dict__

    @cached_property
    def search(self) -> SearchScreen:
        """Search as you type."""
        from kiosk.ui.screens.browse import SearchScreen

        screen = SearchScreen(self.services, self.home.category_names, self)
        self.stack.addWidget(screen)
        attach_to_grid(screen.grid, self.services.read_aloud)
        screen.product_chosen.connect(self.show_product)
        screen.category_chosen.connect(self.show_category)
        return screen

    @cached_property
    def category(self) -> CategoryScreen:
        """A category's products."""
        from kiosk.ui.screens.browse import CategoryScreen

        screen = CategoryScreen(self.services, self)
        self.stack.addWidget(screen)
        attach_to_grid(screen.grid, self.services.read_aloud)
        screen.product_chosen.connect(self.show_product)
        return screen

    @cached_property
    def detail(self) -> DetailScreen:
        """A product's detail."""
        from kiosk.ui.screens.detail import DetailScreen

        screen = DetailScreen(self.services, self)
        self.stack.addWidget(screen)
        screen.add_to_cart.connect(self._add_to_cart)
        screen.order_now.connect(self._order_now)
        screen.back.connect(self._back_from_detail)
        return screen

    @cached_property
    def checkout(self) -> CheckoutScreen:
        """Cart and checkout."""
        from kiosk.ui.screens.checkout import CheckoutScreen

        screen = CheckoutScreen(self.services, self.cart, self)
        self.stack.addWidget(screen)
        screen.placed.connect(self._placed)
        screen.browse_more.connect(self.go_home)
        return screen

    @cached_property
    def confirmation(self) -> ConfirmationScreen:
        """The placed order's pickup code."""
        from kiosk.ui.screens.confirmation import ConfirmationScreen

        screen = ConfirmationScreen(self.services, self)
        self.stack.addWidget(screen)
        screen.done.connect(self.reset_session)
        return screen

    @cached_property
    def my_orders(self) -> MyOrdersScreen:
        """A villager's orders by phone number and pickup code."""
        from kiosk.ui.screens.myorders import MyOrdersScreen

        screen = MyOrdersScreen(self.services, self)
        self.stack.addWidget(screen)
        return screen

    @cached_property
    def admin(self) -> AdminArea:
        """Owner and technician mode (reached only through its PIN screen)."""
        from kiosk.ui.admin.area import AdminArea

        area = AdminArea(self.services, self)
        self.stack.addWidget(area)
        area.exited.connect(self._leave_admin)
        area.center_named.connect(self._center_named)
        area.wizard.enrolled.connect(self.enrolled)
        area.technician.enrolled.connect(self.enrolled)
        area.technician.enrolled.connect(self._enrolled_center)
        area.practice_requested.connect(self.enter_practice)
        area.technician.sync = self._sync
        area.technician.restart_requested.connect(self.restart_requested)
        return area

    @cached_property
    def practice(self) -> PracticeMode:
        """Practice mode for training a representative (entered from the owner's screens)."""
        from kiosk.ui.practice import PracticeMode

        return PracticeMode(self)

    def practicing(self) -> bool:
        """True while practice mode is on (the practice kiosk shows instead of this one)."""
        return self._built("practice") and self.practice.active

    def enter_practice(self) -> None:
        """Leave owner mode and open the practice kiosk (the real one waits, hidden)."""
        self.reset_session()
        self.practice.enter()

    def set_sync_controller(self, sync: SyncController) -> None:
        """The application's background sync: the technician's restore pauses it, then asks
        for a restart (:attr:`restart_requested`)."""
        self._sync = sync
        if self._built("admin"):
            self.admin.technician.sync = sync

    def prebuild_screens(self, pause_ms: int = 0) -> None:
        """Build the screens not built yet, one per event-loop turn (after start-up), so the
        first tap on each does not pay for it."""
        pending: Iterator[str] = iter([name for name in self.LAZY_SCREENS if not self._built(name)])

        def next_one() -> None:
            name = next(pending, None)
            if name is not None:
                getattr(self, name)
                QTimer.singleShot(pause_ms, self, next_one)

        next_one()

    # -- navigation ---------------------------------------------------------------------------

    def current(self) -> QWidget | None:
        """The screen on top."""
        return self.stack.currentWidget()

    def catalog_changed(self) -> None:
        """Products arrived or went (a sync): the home screen on show reloads its tiles."""
        if self.stack.currentWidget() is self.home:
            self.home.refresh()

    def go_home(self) -> None:
        """Back to the home screen (cart kept)."""
        if self._built("search"):
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
        self._record_pending_search()
        self.stack.setCurrentWidget(self.category)
        self.category.open(name)

    def show_product(self, sku: str) -> None:
        """A product's detail screen; its back button leads to the screen it was opened from."""
        came_from = self.current()
        if came_from is not self.detail:
            self._before_detail = came_from
        before = self._before_detail
        if before is not None and self._built("search") and before is self.search:
            self.detail.set_back_text(self.tr("← Back to the search results"))
        elif before is not None and self._built("category") and before is self.category:
            self.detail.set_back_text(self.tr("← Back to %1").replace("%1", self.category.category))
        else:
            self.detail.set_back_text(self.tr("← Back to the home screen"))
        self.stack.setCurrentWidget(self.detail)
        self.detail.open(sku)

    def _back_from_detail(self) -> None:
        before = self._before_detail
        if before is None or before is self.home:
            self.go_home()
        else:
            self.stack.setCurrentWidget(before)

    def show_checkout(self) -> None:
        """The cart and checkout."""
        self._record_pending_search()
        self.stack.setCurrentWidget(self.checkout)
        self.checkout.begin()

    def show_my_orders(self) -> None:
        """My orders."""
        self._record_pending_search()
        self.stack.setCurrentWidget(self.my_orders)
        self.my_orders.begin()

    def _record_pending_search(self) -> None:
        if self._built("search"):
            self.search.record_pending()

    def _add_to_cart(self, card: ProductCard, qty: int) -> None:
        before = self.cart.cart.item_count
        self.cart.add(card, qty)
        if self._built("detail"):
            self.detail.show_added(self.cart.cart.item_count - before, self.cart.cart.item_count)

    def _order_now(self, card: ProductCard, qty: int) -> None:
        self.cart.add(card, qty)
        self.show_checkout()

    def _placed(self, receipt: Receipt) -> None:
        self.confirmation.show_receipt(receipt)
        self.stack.setCurrentWidget(self.confirmation)
        self.order_placed.emit(receipt)

    def _cart_changed(self, *_args: object) -> None:
        self.top.set_cart_count(self.cart.cart.item_count)

    def show_admin(self) -> None:
        """The PIN screen (the only way into owner or technician mode)."""
        self._record_pending_search()
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
        return self._built("admin") and self.stack.currentWidget() is self.admin

    def _leave_admin(self) -> None:
        self.top.show()
        if not self._leaving_admin:
            self.reset_session()

    def _center_named(self, name: str) -> None:
        if name:
            self.top.center.setText(name)

    def _has_something_to_lose(self) -> bool:
        if not self.cart.cart.is_empty() or self.current() is not self.home:
            return True
        return bool(self.home.search.text())

    def _idle_warning(self) -> None:
        # An unlocked admin session has its own, longer idle lock (kiosk.ui.admin.session).
        if self.in_admin_mode() or not self._has_something_to_lose():
            return
        self.idle_warning.open()

    def _enrolled_center(self, enrollment: object) -> None:
        # Enrollment brings the center's name from the platform (slips and the top bar).
        name = str(getattr(enrollment, "center_name", "") or "")
        if name:
            self.services.center_name = name
            self._center_named(name)

    def _idle_reset(self) -> None:
        self.idle_warning.close_warning()
        # An unlocked admin session has its own, longer idle lock (kiosk.ui.admin.session).
        if self._built("admin") and self.admin.session.active:
            return
        self.reset_session()

    def resizeEvent(self, event: QResizeEvent) -> None:
        if self.idle_warning.isVisible():
            self.idle_warning.setGeometry(self.rect())
        super().resizeEvent(event)

    def reset_session(self) -> None:
        """Clear the cart, customer details, pickup code and lookups; back to home."""
        self.idle_warning.close_warning()
        if self.in_admin_mode():
            self._leaving_admin = True
            try:
                self.admin.lock()
            finally:
                self._leaving_admin = False
            self.top.show()
        self.cart.clear()
        if self.services.read_aloud is not None:
            self.services.read_aloud.stop()
        # A screen never built holds nothing to clear.
        if self._built("checkout"):
            self.checkout.clear_customer()
        if self._built("confirmation"):
            self.confirmation.clear()
        if self._built("my_orders"):
            self.my_orders.reset()
        if self._built("category"):
            self.category.reset()
        self.go_home()
        self.reset_done.emit()

    def closeEvent(self, event: object) -> None:
        self.idle.stop()
        if self.services.read_aloud is not None:
            self.services.read_aloud.close()
        super().closeEvent(event)  # type: ignore[arg-type]


def show_kiosk(window: KioskWindow, *, windowed: bool) -> None:
    """Show full-screen and frameless (the shop) or as a normal window (development)."""
    if windowed:
        window.resize(1366, 768)
        window.show()
    else:
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        window.showFullScreen()
