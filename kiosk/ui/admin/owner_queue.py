"""The shop owner's work queue on one screen, and the tasks it leads to.

The queue shows the day's counts as big buttons ("3 parcels to check in", "5 waiting for
pickup", "1 order needs attention", returns since the last close) over the list of the chosen
section. Every task is at most three screens: the queue → the task page (check in, hand over,
cancel/return, close the day, change my PIN) → back to the queue with the outcome in plain
words.

The order-number field takes a barcode scanner (it types like a keyboard and presses Enter): a
parcel that is on its way opens the check-in page, one waiting in the shop the hand-over page.
All store work runs on :attr:`KioskServices.runner`; phone numbers arrive masked from the store.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kiosk.admin import Role
from kiosk.errors import KioskError
from kiosk.money import format_yuan, parse_yuan, yuan_for_field
from kiosk.orders import OrderStatus, Payment
from kiosk.storage.cash import DayCloseResult, DaySummary, close_day, open_day_summary
from kiosk.storage.orders import OrderView
from kiosk.storage.owner import (
    AttentionKind,
    CodeRefused,
    OrderTask,
    OwnerChange,
    QueueOrder,
    WorkQueue,
    cancel_order,
    check_in,
    confirm_pickup,
    load_order_task,
    load_work_queue,
    return_order,
)
from kiosk.ui import theme
from kiosk.ui.admin.owner_words import attention_words, change_words
from kiosk.ui.admin.pin_dialog import PinChangeForm
from kiosk.ui.admin.printing import Paper, day_close_html, kind_words, print_day_close
from kiosk.ui.admin.read_aloud_form import ReadAloudForm
from kiosk.ui.errors import error_words
from kiosk.ui.order_words import status_words
from kiosk.ui.services import KioskServices
from kiosk.ui.widgets import Keypad, clear_layout

ACTOR = Role.OWNER.value

#: Sections of the queue, in the order of the big buttons.
SECTIONS = ("to_check_in", "waiting_pickup", "on_order", "attention", "returns")


def order_line_text(o: QueueOrder | OrderView) -> str:
    """One list row: number, name, masked phone, pieces, total."""
    pieces = sum(ln.qty for ln in o.lines)
    text = QCoreApplication.translate("OrderWords", "%1 · %2 %3 · pieces: %4 · %5")
    text = (
        text.replace("%1", o.local_no)
        .replace("%2", o.customer_name)
        .replace("%3", o.customer_phone_masked)
        .replace("%4", str(pieces))
        .replace("%5", format_yuan(o.total_fen))
    )
    if isinstance(o, QueueOrder) and o.partly_arrived:
        text += " · " + QCoreApplication.translate("OrderWords", "partly arrived")
    return text


def order_header(o: OrderView) -> str:
    """The top lines of a task page."""
    head = QCoreApplication.translate("OrderWords", "Order %1 · %2").replace("%1", o.local_no)
    head = head.replace("%2", status_words(o.status))
    who = f"{o.customer_name}  {o.customer_phone_masked}"
    if o.payment is Payment.CASH:
        pay = QCoreApplication.translate("OrderWords", "Paid in cash when ordered: %1")
    else:
        pay = QCoreApplication.translate("OrderWords", "To pay at pickup: %1")
    return f"{head}\n{who}\n{pay.replace('%1', format_yuan(o.total_fen))}"


#: A main action that cannot be pressed now (working, or already done) must look it.
DISABLED_PRIMARY = "QPushButton:disabled { background: #d6d6d6; color: #777; border-color: #bbb; }"


def _title(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
    label.setObjectName("title")
    return label


def _message_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
    label.setObjectName("error")
    label.setWordWrap(True)
    return label


def say(label: QLabel, text: str, *, ok: bool) -> None:
    """Show ``text`` on ``label``: green for a success, red for a problem."""
    label.setObjectName("ok" if ok else "error")
    label.setStyleSheet("")
    label.style().unpolish(label)
    label.style().polish(label)
    label.setText(text)


class _Page(QWidget):
    """A task page: title, order header, body, message and the Back / action buttons.

    Signals:
        back(): leave without doing anything.
        done(str): the task was done; the plain-words outcome for the queue screen.
    """

    back = Signal()
    done = Signal(str)

    def __init__(self, services: KioskServices, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._busy = False
        self.col = QVBoxLayout(self)
        self.col.setContentsMargins(28, 14, 28, 14)
        self.col.setSpacing(10)
        self.title = _title(title, self)
        self.col.addWidget(self.title)
        self.header = QLabel(self)
        self.header.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.header.setFont(theme.font(theme.BASE_PX + 2, bold=True))
        self.header.setWordWrap(True)
        self.col.addWidget(self.header)
        self.body = QHBoxLayout()
        self.body.setSpacing(28)
        self.col.addLayout(self.body, 1)
        self.message = _message_label(self)
        self.col.addWidget(self.message)
        row = QHBoxLayout()
        self.back_button = QPushButton(QCoreApplication.translate("OwnerPage", "Back"), self)
        self.back_button.clicked.connect(self.back)
        self.action = QPushButton(self)
        self.action.setObjectName("primary")
        self.action.setStyleSheet(DISABLED_PRIMARY)
        self.action.clicked.connect(self.submit)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.action, 2)
        self.col.addLayout(row)

    def submit(self) -> None:  # pragma: no cover - every page overrides it
        raise NotImplementedError

    def _run(self, fn: Callable[[], OwnerChange]) -> None:
        if self._busy:
            return
        self._busy = True
        self.action.setEnabled(False)
        self.message.clear()
        self._services.write("owner_move", fn, self._succeeded, self._failed)

    def _succeeded(self, change: OwnerChange) -> None:
        self._busy = False
        self.action.setEnabled(True)
        self.done.emit(change_words(change))

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.action.setEnabled(True)
        self.message.setText(error_words(exc))


class _Count(QWidget):
    """A − n + control for arrived pieces (0 allowed: that line did not come)."""

    def __init__(self, maximum: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.maximum = maximum
        self._value = maximum
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.minus = QPushButton("−", self)
        self.plus = QPushButton("+", self)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setMinimumWidth(60)
        self.label.setFont(theme.font(theme.TITLE_PX - 4, bold=True))
        self.minus.clicked.connect(lambda: self.set_value(self._value - 1))
        self.plus.clicked.connect(lambda: self.set_value(self._value + 1))
        row.addWidget(self.minus)
        row.addWidget(self.label)
        row.addWidget(self.plus)
        self.set_value(maximum)

    def value(self) -> int:
        """Pieces that arrived now."""
        return self._value

    def set_value(self, value: int) -> None:
        """Set the count (kept within 0…maximum)."""
        self._value = max(0, min(self.maximum, value))
        self.label.setText(str(self._value))
        self.minus.setEnabled(self._value > 0)
        self.plus.setEnabled(self._value < self.maximum)


class CheckInPage(_Page):
    """Check in the parcels of one order; a line can be counted short (partial arrival)."""

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(services, self.tr("Check in parcels"), parent)
        self.hint = QLabel(
            self.tr("Count what came in the van. Set a line to 0 if it did not come."), self
        )
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.col.insertWidget(2, self.hint)
        self.lines = QGridLayout()
        self.lines.setHorizontalSpacing(18)
        self.body.addLayout(self.lines, 1)
        self.action.setText(self.tr("Check in"))
        self.task: OrderTask | None = None
        self.counts: dict[str, _Count] = {}

    def open(self, task: OrderTask) -> None:
        """Show ``task``'s lines with the pieces still expected."""
        self.task = task
        self.header.setText(order_header(task.order))
        self.message.clear()
        clear_layout(self.lines)
        self.counts = {}
        for row, ln in enumerate(task.order.lines):
            left = ln.qty - task.arrived.get(ln.line_no, 0)
            name = QLabel(f"{ln.name}", self)
            name.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
            name.setWordWrap(True)
            self.lines.addWidget(name, row, 0)
            have = self.tr("ordered %1, in the shop %2")
            have = have.replace("%1", f"{ln.qty}{ln.unit}")
            have = have.replace("%2", f"{task.arrived.get(ln.line_no, 0)}{ln.unit}")
            self.lines.addWidget(QLabel(have, self, textFormat=Qt.TextFormat.PlainText), row, 1)
            if left > 0:
                count = _Count(left, self)
                self.counts[ln.sku] = count
                self.lines.addWidget(count, row, 2)
        self.lines.setColumnStretch(0, 1)
        # Lines at the top, the space below them (not spread over the page).
        self.lines.addWidget(QWidget(self), len(task.order.lines), 0)
        self.lines.setRowStretch(len(task.order.lines), 1)

    def submit(self) -> None:
        """Check in the counted pieces."""
        if self.task is None:
            return
        wanted = {sku: c.value() for sku, c in self.counts.items() if c.value() > 0}
        if not wanted:
            self.message.setText(self.tr("Nothing counted. Set how many pieces came."))
            return
        everything = all(c.value() == c.maximum for c in self.counts.values())
        store, ref = self._services.store, self.task.order.order_id
        lines = None if everything else wanted
        self._run(lambda: check_in(store, ref, lines, ACTOR))


class PickupPage(_Page):
    """Hand a parcel over against the villager's pickup code (checked offline)."""

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(services, self.tr("Hand over a parcel"), parent)
        left = QVBoxLayout()
        code_label = QLabel(self.tr("Pickup code (the villager says it or shows the slip)"), self)
        left.addWidget(code_label)
        self.code_field = QLineEdit(self)
        self.code_field.setMaxLength(6)
        self.code_field.setValidator(QRegularExpressionValidator(r"\d{0,6}", self.code_field))
        self.code_field.setFont(theme.font(theme.TITLE_PX, bold=True))
        self.code_field.returnPressed.connect(self.submit)
        left.addWidget(self.code_field)
        self.pay_label = QLabel(self.tr("How did the villager pay?"), self)
        left.addWidget(self.pay_label)
        pay = QHBoxLayout()
        self.cash_button = QPushButton(self.tr("Cash"), self)
        self.mobile_button = QPushButton(self.tr("Mobile payment"), self)
        self._pay = QButtonGroup(self)
        for btn in (self.cash_button, self.mobile_button):
            btn.setCheckable(True)
            self._pay.addButton(btn)
            pay.addWidget(btn)
        self.cash_button.setChecked(True)
        left.addLayout(pay)
        left.addStretch(1)
        self.body.addLayout(left, 3)
        self.keypad = Keypad(self)
        self.keypad.set_target(self.code_field)
        self.body.addWidget(self.keypad, 2)
        self.action.setText(self.tr("Hand over"))
        self.task: OrderTask | None = None

    def open(self, task: OrderTask) -> None:
        """Show ``task`` and an empty code field."""
        self.task = task
        self.header.setText(order_header(task.order))
        self.message.clear()
        self.code_field.clear()
        on_pickup = task.order.payment is Payment.ON_PICKUP
        for w in (self.pay_label, self.cash_button, self.mobile_button):
            w.setVisible(on_pickup)
        self.cash_button.setChecked(True)
        self.code_field.setFocus()

    def submit(self) -> None:
        """Check the code and hand over."""
        if self.task is None:
            return
        code = self.code_field.text()
        if len(code) != 6:
            self.message.setText(self.tr("The pickup code has 6 digits."))
            return
        how: str | None = None
        if self.task.order.payment is Payment.ON_PICKUP:
            how = "mobile" if self.mobile_button.isChecked() else "cash"
        store, ref = self._services.store, self.task.order.order_id
        self._run(lambda: confirm_pickup(store, ref, code, how, ACTOR))

    def _failed(self, exc: BaseException) -> None:
        # The message (wrong code, or how long to wait) comes from the error's code.
        super()._failed(exc)
        if isinstance(exc, CodeRefused):
            self.code_field.clear()


def quick_reasons() -> list[str]:
    """Reasons the owner can tap instead of typing."""
    return [
        QCoreApplication.translate("CancelReturnPage", "Villager changed their mind"),
        QCoreApplication.translate("CancelReturnPage", "Damaged"),
        QCoreApplication.translate("CancelReturnPage", "Wrong item"),
    ]


class CancelReturnPage(_Page):
    """Cancel an order not yet shipped, or take back one in the shop or picked up; refund cash."""

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(services, self.tr("Cancel or return"), parent)
        form = QVBoxLayout()
        form.addWidget(QLabel(self.tr("Reason"), self))
        self.reason_field = QLineEdit(self)
        self.reason_field.setMaxLength(200)
        self.reason_field.setPlaceholderText(self.tr("or type the reason"))
        quick = QHBoxLayout()
        self.quick_buttons: list[QPushButton] = []
        for text in quick_reasons():
            btn = QPushButton(text, self)
            btn.clicked.connect(lambda _=False, t=text: self.reason_field.setText(t))
            self.quick_buttons.append(btn)
            quick.addWidget(btn)
        form.addLayout(quick)
        form.addWidget(self.reason_field)
        self.refund_label = QLabel(self)
        self.refund_label.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        form.addWidget(self.refund_label)
        self.refund_field = QLineEdit(self)
        self.refund_field.setMaxLength(12)
        self.refund_field.setFont(theme.font(theme.TITLE_PX, bold=True))
        form.addWidget(self.refund_field)
        form.addStretch(1)
        self.body.addLayout(form, 3)
        # The refund is typed on the screen: the kiosk often has no keyboard.
        self.keypad = Keypad(self, point=True)
        self.keypad.set_target(self.refund_field)
        self.body.addWidget(self.keypad, 2)
        self.task: OrderTask | None = None

    def open(self, task: OrderTask) -> None:
        """Show ``task`` with the refund preset to what the villager paid."""
        self.task = task
        self.header.setText(order_header(task.order))
        self.message.clear()
        self.reason_field.clear()
        paid = max(0, task.paid_fen)
        self.refund_label.setText(
            self.tr("Cash to give back (the villager paid %1)").replace("%1", format_yuan(paid))
        )
        self.refund_field.setText(yuan_for_field(paid))
        self.refund_field.setEnabled(paid > 0)
        self.keypad.setEnabled(paid > 0)
        if self.is_return:
            self.action.setText(self.tr("Take back and refund"))
        else:
            self.action.setText(self.tr("Cancel the order"))

    @property
    def is_return(self) -> bool:
        """True when the order is in the shop or picked up (a return), else a cancellation."""
        return self.task is not None and self.task.order.status in (
            OrderStatus.ARRIVED,
            OrderStatus.PICKED_UP,
        )

    def submit(self) -> None:
        """Cancel or return with the reason and refund."""
        if self.task is None:
            return
        reason = self.reason_field.text().strip()
        if not reason:
            self.message.setText(self.tr("Choose or type a reason."))
            return
        try:
            refund = parse_yuan(self.refund_field.text()) if self.refund_field.isEnabled() else 0
        except KioskError as exc:
            self.message.setText(error_words(exc))
            return
        if not self.confirm(refund):
            return
        store, ref = self._services.store, self.task.order.order_id
        move = return_order if self.is_return else cancel_order
        self._run(lambda: move(store, ref, reason, refund, ACTOR))

    def confirm(self, refund_fen: int) -> bool:
        """Ask once more, showing the order and the cash to give back (True: go ahead)."""
        assert self.task is not None
        number = self.task.order.local_no
        money = format_yuan(refund_fen)
        if self.is_return:
            question = (
                self.tr("Take back order %1 and give the villager %2 in cash?")
                if refund_fen > 0
                else self.tr("Take back order %1? Nothing is refunded.")
            )
            yes = self.tr("Yes, take it back")
        else:
            question = (
                self.tr("Cancel order %1 and give the villager %2 in cash?")
                if refund_fen > 0
                else self.tr("Cancel order %1? Nothing is refunded.")
            )
            yes = self.tr("Yes, cancel it")
        question = question.replace("%1", number).replace("%2", money)
        return self._services.asker.ask(self, question, yes, self.tr("No, keep it"))


class DayClosePage(QWidget):
    """The cash since the last close, the close itself, and printing the summary.

    Signals:
        back(): leave.
        closed(object): the :class:`DayCloseResult` (also when the day was closed before).
        printed(str): the paper the summary went to (``receipt`` / ``a4``).
    """

    back = Signal()
    closed = Signal(object)
    printed = Signal(str)

    def __init__(
        self,
        services: KioskServices,
        printer: Callable[[], QPrinter | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        #: Gives the printer; ``None``: the kiosk's receipt printer (``services.slip_printer``).
        self.printer = printer
        self.result: DayCloseResult | None = None
        col = QVBoxLayout(self)
        col.setContentsMargins(28, 14, 28, 14)
        col.addWidget(_title(self.tr("Close the day"), self))
        self.summary = QTextBrowser(self)
        self.summary.setFont(theme.font(theme.BASE_PX))
        col.addWidget(self.summary, 1)
        self.message = _message_label(self)
        col.addWidget(self.message)
        row = QHBoxLayout()
        self.back_button = QPushButton(self.tr("Back"), self)
        self.back_button.clicked.connect(self.back)
        self.receipt_button = QPushButton(self.tr("Print receipt"), self)
        self.a4_button = QPushButton(self.tr("Print A4"), self)
        self.close_button = QPushButton(self.tr("Close the day"), self)
        self.close_button.setObjectName("primary")
        self.close_button.setStyleSheet(DISABLED_PRIMARY)
        self.receipt_button.clicked.connect(lambda: self.print_summary(Paper.RECEIPT))
        self.a4_button.clicked.connect(lambda: self.print_summary(Paper.A4))
        self.close_button.clicked.connect(self.close_now)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.receipt_button)
        row.addWidget(self.a4_button)
        row.addWidget(self.close_button, 2)
        col.addLayout(row)

    def open(self) -> None:
        """Show what closing now would count (read off the GUI thread)."""
        self.result = None
        say(self.message, "", ok=True)
        self.receipt_button.setEnabled(False)
        self.a4_button.setEnabled(False)
        self.close_button.setEnabled(True)
        store = self._services.store
        self._services.runner.run(lambda: open_day_summary(store), self._show_summary)

    def _show_summary(self, summary: DaySummary) -> None:
        rows = "".join(
            f"<tr><td>{kind_words(kind)}</td><td align='right'>{t.count}</td>"
            f"<td align='right'>{format_yuan(t.fen)}</td></tr>"
            for kind, t in summary.totals.items()
        )
        expected = self.tr("Cash expected in the drawer: %1").replace(
            "%1", format_yuan(summary.expected_cash_fen)
        )
        since = self.tr("Cash since the last close")
        self.summary.setHtml(
            f"<p><b>{since}</b></p><table width='100%' cellpadding='4'>{rows}</table>"
            f"<p style='font-size: 26px;'><b>{expected}</b></p>"
        )

    def close_now(self) -> None:
        """Close the day (idempotent in the store)."""
        self.close_button.setEnabled(False)
        store = self._services.store
        self._services.write(
            "day_closed", lambda: close_day(store, ACTOR), self._closed, self._failed
        )

    def _closed(self, result: DayCloseResult) -> None:
        self.result = result
        self.summary.setHtml(
            day_close_html(
                result,
                self._services.center_name or "",
                Paper.A4,
                practice=self._services.practice,
            )
        )
        self.receipt_button.setEnabled(True)
        self.a4_button.setEnabled(True)
        say(
            self.message,
            self.tr("This day was already closed.")
            if result.already_closed
            else self.tr("Day closed. Count the drawer and print the summary."),
            ok=True,
        )
        self.closed.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.close_button.setEnabled(True)
        say(self.message, error_words(exc), ok=False)

    def print_summary(self, paper: Paper) -> None:
        """Print the close's summary on ``paper``."""
        if self.result is None:
            return
        printer = (self.printer or self._services.slip_printer)()
        if printer is None:
            say(self.message, self.tr("No printer is connected."), ok=False)
            return
        print_day_close(
            printer,
            self.result,
            self._services.center_name or "",
            paper,
            practice=self._services.practice,
        )
        say(self.message, self.tr("Summary sent to the printer."), ok=True)
        self.printed.emit(paper.value)


class OwnerQueueScreen(QWidget):
    """The owner's work queue with counts, the order-number field, and the task pages.

    Signals:
        refreshed(): the queue was (re)read and shown.
        lock_requested(): the owner pressed "Lock".
    """

    refreshed = Signal()
    lock_requested = Signal()

    def __init__(
        self,
        services: KioskServices,
        printer: Callable[[], QPrinter | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.queue: WorkQueue | None = None
        self.section = "to_check_in"
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        outer.addWidget(self.stack)

        self.home = QWidget(self)
        col = QVBoxLayout(self.home)
        col.setContentsMargins(24, 12, 24, 12)
        col.setSpacing(10)
        top = QHBoxLayout()
        top.addWidget(_title(self.tr("Today's work"), self.home))
        self.order_field = QLineEdit(self.home)
        self.order_field.setPlaceholderText(self.tr("Scan or type the order number"))
        self.order_field.returnPressed.connect(self.open_typed)
        top.addWidget(self.order_field, 1)
        self.open_button = QPushButton(self.tr("Open"), self.home)
        self.open_button.clicked.connect(self.open_typed)
        top.addWidget(self.open_button)
        self.cancel_button = QPushButton(self.tr("Cancel / return"), self.home)
        self.cancel_button.clicked.connect(lambda: self.open_typed(cancel=True))
        top.addWidget(self.cancel_button)
        col.addLayout(top)

        counts = QHBoxLayout()
        self.count_buttons: dict[str, QPushButton] = {}
        self._sections = QButtonGroup(self)
        for name in SECTIONS:
            btn = QPushButton(self.home)
            btn.setObjectName("tile")
            btn.setCheckable(True)
            btn.setMinimumHeight(96)
            # Five tiles share the width: a size smaller, so the longest words fit at 1366 px.
            btn.setStyleSheet(f"font-size: {theme.BASE_PX}px; padding: 4px 6px;")
            btn.clicked.connect(lambda _=False, n=name: self.show_section(n))
            self._sections.addButton(btn)
            self.count_buttons[name] = btn
            counts.addWidget(btn, 1)
        self.count_buttons["to_check_in"].setChecked(True)
        col.addLayout(counts)

        middle = QHBoxLayout()
        self.list = QListWidget(self.home)
        self.list.setFont(theme.font(theme.BASE_PX))
        self.list.setStyleSheet("QListWidget::item { min-height: 56px; }")
        # Attention sentences are long (what happened and what to do): wrap, never cut.
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.itemClicked.connect(self._item_clicked)
        middle.addWidget(self.list, 3)
        # Digits for the order number: the end of it is enough ("0002" opens C001-0002).
        self.keypad = Keypad(self.home)
        self.keypad.set_target(self.order_field)
        middle.addWidget(self.keypad, 1, Qt.AlignmentFlag.AlignTop)
        col.addLayout(middle, 1)
        self.message = QLabel(self.home)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.message.setObjectName("ok")
        self.message.setWordWrap(True)
        col.addWidget(self.message)
        bottom = QHBoxLayout()
        self.lock_button = QPushButton(self.tr("Lock"), self.home)
        self.lock_button.clicked.connect(self.lock_requested)
        self.pin_button = QPushButton(self.tr("Change my PIN"), self.home)
        self.pin_button.clicked.connect(self.show_pin_change)
        self.day_button = QPushButton(self.tr("Close the day"), self.home)
        self.day_button.clicked.connect(self.show_day_close)
        bottom.addWidget(self.lock_button)
        bottom.addWidget(self.pin_button)
        self.read_aloud_button = QPushButton(self.tr("Read aloud"), self.home)
        self.read_aloud_button.clicked.connect(self.show_read_aloud)
        bottom.addWidget(self.read_aloud_button)
        bottom.addStretch(1)
        bottom.addWidget(self.day_button)
        #: The home page's bottom row (the admin area puts its practice-mode button in it).
        self.bottom_row = bottom
        col.addLayout(bottom)
        self.stack.addWidget(self.home)

        self.check_in = CheckInPage(services, self)
        self.pickup = PickupPage(services, self)
        self.cancel = CancelReturnPage(services, self)
        self.day_close = DayClosePage(services, printer, self)
        for page in (self.check_in, self.pickup, self.cancel):
            self.stack.addWidget(page)
            page.back.connect(self.show_home)
            page.done.connect(self._task_done)
        self.stack.addWidget(self.day_close)
        self.day_close.back.connect(self.show_home)
        # The owner changes only the owner's own PIN here; resetting it is the technician's.
        self.pin_form = PinChangeForm(services, parent=self)
        self.stack.addWidget(self.pin_form)
        self.pin_form.back.connect(self.show_home)
        self.pin_form.changed.connect(self._task_done)
        self.read_aloud_form = ReadAloudForm(services, self)
        self.stack.addWidget(self.read_aloud_form)
        self.read_aloud_form.back.connect(self.show_home)
        self.read_aloud_form.changed.connect(self._task_done)
        self._set_counts(WorkQueue())

    # -- the queue ------------------------------------------------------------------------------

    def begin(self) -> None:
        """Show the queue, freshly read."""
        self.message.clear()
        self.show_home()

    def show_home(self) -> None:
        """Back to the queue (re-read)."""
        self.stack.setCurrentWidget(self.home)
        self.order_field.clear()
        self.order_field.setFocus()
        self.refresh()

    def refresh(self) -> None:
        """Re-read the work queue off the GUI thread."""
        store = self._services.store
        self._services.runner.run(lambda: load_work_queue(store), self._show_queue, self._error)

    def _show_queue(self, queue: WorkQueue) -> None:
        self.queue = queue
        self._set_counts(queue)
        self.show_section(self.section)
        self.refreshed.emit()

    def _set_counts(self, queue: WorkQueue) -> None:
        n = queue.counts
        texts = {
            "to_check_in": self.tr("%n parcel(s) to check in", "", n["to_check_in"]),
            "waiting_pickup": self.tr("%n waiting for pickup", "", n["waiting_pickup"]),
            "on_order": self.tr("%n not shipped yet", "", n["on_order"]),
            "attention": self.tr("%n order(s) need attention", "", n["attention"]),
            "returns": self.tr("%n return(s) since the last close", "", n["returns"]),
        }
        for name, text in texts.items():
            # Two lines, the count on top: five tiles share the width of a small screen.
            self.count_buttons[name].setText(text.replace(" ", "\n", 1))

    def show_section(self, name: str) -> None:
        """List one section of the queue under the counts."""
        self.section = name
        self.count_buttons[name].setChecked(True)
        self.list.clear()
        q = self.queue or WorkQueue()
        if name == "attention":
            for a in q.attention:
                item = QListWidgetItem(attention_words(a))
                refund = a.order_id if a.kind == AttentionKind.REJECTED else ""
                item.setData(Qt.ItemDataRole.UserRole, refund)
                self.list.addItem(item)
        else:
            orders = {
                "to_check_in": q.to_check_in,
                "waiting_pickup": q.waiting_pickup,
                "on_order": q.on_order,
                "returns": q.returns,
            }[name]
            for o in orders:
                item = QListWidgetItem(order_line_text(o))
                item.setData(Qt.ItemDataRole.UserRole, o.order_id)
                self.list.addItem(item)
        if self.list.count() == 0:
            empty = QListWidgetItem(self.tr("Nothing here."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(empty)

    def _item_clicked(self, item: QListWidgetItem) -> None:
        ref = item.data(Qt.ItemDataRole.UserRole)
        if ref:
            # A refused order is settled, one not shipped yet can only be cancelled.
            self.open_order(str(ref), cancel=self.section in ("attention", "on_order"))

    # -- opening a task -------------------------------------------------------------------------

    def open_typed(self, cancel: bool = False) -> None:
        """Open the order in the number field (Enter from a barcode scanner lands here)."""
        ref = self.order_field.text().strip()
        if not ref:
            self._error_text(self.tr("Scan or type the order number first."))
            return
        self.open_order(ref, cancel=cancel)

    def open_order(self, ref: str, *, cancel: bool = False) -> None:
        """Open the right task page for the order ``ref`` (read off the GUI thread)."""
        store = self._services.store
        self._services.runner.run(
            lambda: load_order_task(store, ref),
            lambda task: self._open_task(task, cancel),
            self._error,
        )

    def _open_task(self, task: OrderTask, cancel: bool) -> None:
        status = task.order.status
        if cancel or status is OrderStatus.REJECTED:
            self.cancel.open(task)
            self.stack.setCurrentWidget(self.cancel)
        elif status in (OrderStatus.SHIPPED, OrderStatus.ACCEPTED, OrderStatus.SUBMITTED):
            self.check_in.open(task)
            self.stack.setCurrentWidget(self.check_in)
        elif status is OrderStatus.ARRIVED:
            self.pickup.open(task)
            self.stack.setCurrentWidget(self.pickup)
        else:
            self._error_text(
                self.tr("Nothing to do here for order %1 (its status: %2).")
                .replace("%1", task.order.local_no)
                .replace("%2", status_words(status))
            )

    def show_day_close(self) -> None:
        """The day-close page."""
        self.stack.setCurrentWidget(self.day_close)
        self.day_close.open()

    def show_pin_change(self) -> None:
        """The page that changes the owner's PIN (current PIN, new PIN twice)."""
        self.pin_form.begin_change(Role.OWNER)
        self.stack.setCurrentWidget(self.pin_form)
        self.pin_form.current_field.setFocus()

    def show_read_aloud(self) -> None:
        """The owner's read-aloud settings (on/off, the pickup code by itself, volume, speed)."""
        self.read_aloud_form.open()
        self.stack.setCurrentWidget(self.read_aloud_form)

    def _task_done(self, text: str) -> None:
        self.show_home()
        say(self.message, text, ok=True)

    def _error(self, exc: BaseException) -> None:
        self._error_text(error_words(exc))

    def _error_text(self, text: str) -> None:
        say(self.message, text, ok=False)
