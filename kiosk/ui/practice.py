"""Practice mode on screen: the banner, the guided lessons beside the kiosk, entering and leaving.

:class:`PracticeMode` belongs to the real kiosk window. Entering (owner or technician, after the
PIN) opens the practice store off the GUI thread (``kiosk/storage/practice.py``), builds a second
kiosk window on it (the same screens, no sync) inside :class:`PracticeShell`, and hides the real
window. The shell shows :class:`PracticeBanner` above every screen of the practice window, and
:class:`LessonPanel` beside it. Leaving closes the practice window, deletes the practice store and
shows the real window again, in villager mode.

The lessons are checked by ``kiosk/practice.py`` from the practice store; this module gives their
words (zh_CN and en through the translation catalog).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.money import format_yuan
from kiosk.practice import LESSONS, Finding, Found, Lesson, LessonResult
from kiosk.ui import theme

if TYPE_CHECKING:
    from kiosk.storage.practice import LessonStart, PracticeStore
    from kiosk.ui.window import KioskWindow

log = logging.getLogger(__name__)

# The banner's colours: black on the yellow of road works; nothing else on the kiosk looks so.
BANNER_STYLE = (
    "background: #ffd400; color: #111111; font-weight: bold; padding: 10px 12px;"
    " border-bottom: 4px solid #111111;"
)
#: The kiosk's top bar, where the sync state would be.
TOP_BAR_STYLE = "background: #ffd400; color: #111111; font-weight: bold; padding: 4px 10px;"
PANEL_WIDTH = 320
#: The practice kiosk is narrower than the screen (the lesson is beside it): category tiles
#: take a smaller font (still at least 18 px) so their names fit.
KIOSK_STYLE = "QPushButton#tile { font-size: 18px; }"


def lesson_title(lesson: Lesson) -> str:
    """The lesson's name."""
    titles = {
        Lesson.ORDER: QCoreApplication.translate("Practice", "Order for a villager"),
        Lesson.READ_CODE: QCoreApplication.translate("Practice", "Read back the pickup code"),
        Lesson.PARCEL: QCoreApplication.translate("Practice", "A parcel is on its way"),
        Lesson.CHECK_IN: QCoreApplication.translate("Practice", "Check the parcel in"),
        Lesson.HAND_OVER: QCoreApplication.translate("Practice", "Hand the parcel over"),
        Lesson.CANCEL: QCoreApplication.translate("Practice", "Cancel an order"),
        Lesson.RETURN: QCoreApplication.translate("Practice", "Take a parcel back"),
        Lesson.CLOSE_DAY: QCoreApplication.translate("Practice", "Close the day"),
    }
    return titles[lesson]


def lesson_steps(lesson: Lesson) -> str:
    """What the trainee does in the lesson."""
    steps = {
        Lesson.ORDER: QCoreApplication.translate(
            "Practice",
            "A villager wants something. Find it, put it in the cart and place the order with "
            "the villager's name and phone number. Choose cash now or pay at pickup.",
        ),
        Lesson.READ_CODE: QCoreApplication.translate(
            "Practice",
            "Read the pickup code to the villager. Type the code you read here, then press "
            "“Check my steps”.",
        ),
        Lesson.PARCEL: QCoreApplication.translate(
            "Practice",
            "The platform accepted the order and the van is bringing the parcel. Open the owner "
            "screen (button Owner, your PIN) and find it under “to check in”.",
        ),
        Lesson.CHECK_IN: QCoreApplication.translate(
            "Practice", "The van is here. On the owner screen, check the parcel in."
        ),
        Lesson.HAND_OVER: QCoreApplication.translate(
            "Practice",
            "The villager comes for the parcel. First type a wrong code once and see it refused; "
            "then type the villager's right code and hand the parcel over.",
        ),
        Lesson.CANCEL: QCoreApplication.translate(
            "Practice",
            "A villager changes their mind. Place a new order, then cancel it on the owner "
            "screen and give the money back.",
        ),
        Lesson.RETURN: QCoreApplication.translate(
            "Practice",
            "The villager brings the parcel back. On the owner screen, take it back and refund.",
        ),
        Lesson.CLOSE_DAY: QCoreApplication.translate(
            "Practice", "The shop closes. On the owner screen, close the day's cash."
        ),
    }
    return steps[lesson]


def moves_text(start: LessonStart) -> str:
    """What the lesson did in the platform's place (parcel lesson), in words."""
    if not start.moves or start.subject is None:
        return ""
    return QCoreApplication.translate(
        "Practice", "The platform accepted order %1 and shipped it. The van is on its way."
    ).replace("%1", start.subject.local_no)


def finding_text(finding: Finding) -> str:
    """One checked step in words (the mark ✓/✗ is added by the panel)."""
    p = finding.params
    words = {
        Found.ORDER_PLACED: QCoreApplication.translate("Practice", "Order %1 was placed."),
        Found.NO_NEW_ORDER: QCoreApplication.translate("Practice", "No new order was placed yet."),
        Found.NAME_GIVEN: QCoreApplication.translate("Practice", "The villager's name was given."),
        Found.NO_NAME: QCoreApplication.translate("Practice", "The villager's name is missing."),
        Found.PHONE_GIVEN: QCoreApplication.translate("Practice", "The phone number was given."),
        Found.NO_PHONE: QCoreApplication.translate("Practice", "The phone number is missing."),
        Found.PAID_CASH: QCoreApplication.translate(
            "Practice", "Paid in cash now: take the money."
        ),
        Found.PAY_LATER: QCoreApplication.translate(
            "Practice", "Pays at pickup: take the money when the parcel is handed over."
        ),
        Found.CODE_RIGHT: QCoreApplication.translate(
            "Practice", "Right: that is the pickup code of order %1."
        ),
        Found.CODE_WRONG: QCoreApplication.translate(
            "Practice", "That is not the pickup code. Look at the screen again."
        ),
        Found.NO_ORDER_YET: QCoreApplication.translate(
            "Practice", "There is no order for this lesson yet: do the lessons before."
        ),
        Found.ON_THE_VAN: QCoreApplication.translate(
            "Practice", "Order %1 is on the van: it waits to be checked in."
        ),
        Found.NOT_ON_THE_VAN: QCoreApplication.translate("Practice", "Order %1 is not on the van."),
        Found.CHECKED_IN: QCoreApplication.translate(
            "Practice", "Order %1 was checked in: the villager can come for it."
        ),
        Found.NOT_CHECKED_IN: QCoreApplication.translate(
            "Practice", "Order %1 is not checked in yet."
        ),
        Found.WRONG_CODE_REFUSED: QCoreApplication.translate(
            "Practice", "A wrong code was refused: good, never hand over without it."
        ),
        Found.NO_WRONG_CODE_TRIED: QCoreApplication.translate(
            "Practice", "Try a wrong code once first, to see it refused."
        ),
        Found.HANDED_OVER: QCoreApplication.translate(
            "Practice", "Order %1 was handed over against the right code."
        ),
        Found.NOT_HANDED_OVER: QCoreApplication.translate(
            "Practice", "Order %1 is not handed over yet."
        ),
        Found.CANCELLED: QCoreApplication.translate("Practice", "Order %1 was cancelled."),
        Found.NOT_CANCELLED: QCoreApplication.translate("Practice", "No order was cancelled yet."),
        Found.RETURNED: QCoreApplication.translate("Practice", "Order %1 was taken back."),
        Found.NOT_RETURNED: QCoreApplication.translate(
            "Practice", "Order %1 is not taken back yet."
        ),
        Found.REFUNDED: QCoreApplication.translate(
            "Practice", "%1 was given back to the villager."
        ),
        Found.DAY_CLOSED: QCoreApplication.translate(
            "Practice", "The day is closed: count the cash in the drawer."
        ),
        Found.DAY_NOT_CLOSED: QCoreApplication.translate("Practice", "The day is not closed yet."),
    }
    text = words[finding.kind]
    if finding.kind is Found.REFUNDED:
        return text.replace("%1", format_yuan(int(p.get("refund_fen", "0"))))
    return text.replace("%1", p.get("order", ""))


class PracticeBanner(QLabel):
    """The unmistakable strip above every practice screen: colour and words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("practicebanner")
        self.setText(
            QCoreApplication.translate("Practice", "练习模式 PRACTICE — these are not real orders")
        )
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setFixedWidth(PANEL_WIDTH)
        self.setFont(theme.font(theme.BASE_PX + 6, bold=True))
        self.setStyleSheet(BANNER_STYLE)


class LessonPanel(QFrame):
    """The guided lesson beside the practice kiosk.

    Signals:
        check_requested(): "Check my steps".
        next_requested(): "Next lesson".
        restart_requested(): "Start practice over".
        leave_requested(): "Leave practice".
    """

    check_requested = Signal()
    next_requested = Signal()
    restart_requested = Signal()
    leave_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lessonpanel")
        self.setFixedWidth(PANEL_WIDTH)
        self.setStyleSheet("#lessonpanel { background: #fff8d6; border-left: 6px solid #ffd400; }")
        col = QVBoxLayout(self)
        col.setContentsMargins(16, 10, 16, 10)
        col.setSpacing(8)
        # The lesson's words and its verdict scroll when they are long; the code field and the
        # buttons stay in place below them.
        content = QWidget()
        words = QVBoxLayout(content)
        words.setContentsMargins(0, 0, 8, 0)
        words.setSpacing(8)
        self.progress = QLabel(content)
        self.title = QLabel(content)
        self.title.setObjectName("title")
        self.title.setWordWrap(True)
        self.steps = QLabel(content)
        self.steps.setWordWrap(True)
        self.moves = QLabel(content)
        self.moves.setWordWrap(True)
        self.moves.setStyleSheet(f"color: {theme.BAR.name()}; font-weight: bold;")
        self.result = QLabel(content)
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        for w in (self.progress, self.title, self.steps, self.moves, self.result):
            words.addWidget(w)
        words.addStretch(1)
        self.words_area = QScrollArea(self)
        self.words_area.setWidget(content)
        self.words_area.setWidgetResizable(True)
        self.words_area.setFrameShape(QFrame.Shape.NoFrame)
        self.words_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.code = QLineEdit(self)
        self.code.setPlaceholderText(
            QCoreApplication.translate("Practice", "The code you read to the villager")
        )
        self.code.setMaxLength(12)
        self.check_button = QPushButton(
            QCoreApplication.translate("Practice", "Check my steps"), self
        )
        self.next_button = QPushButton(QCoreApplication.translate("Practice", "Next lesson"), self)
        self.restart_button = QPushButton(
            QCoreApplication.translate("Practice", "Start practice over"), self
        )
        self.leave_button = QPushButton(
            QCoreApplication.translate("Practice", "Leave practice"), self
        )
        col.addWidget(self.words_area, 1)
        self._to_result = False
        self.words_area.verticalScrollBar().rangeChanged.connect(self._scroll_to_result)
        col.addWidget(self.code)
        col.addWidget(self.check_button)
        for b in (self.next_button, self.restart_button, self.leave_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            col.addWidget(b)
        self.check_button.clicked.connect(self.check_requested)
        self.next_button.clicked.connect(self.next_requested)
        self.restart_button.clicked.connect(self.restart_requested)
        self.leave_button.clicked.connect(self.leave_requested)

    def show_lesson(self, start: LessonStart) -> None:
        """Show a lesson that has just begun."""
        n = LESSONS.index(start.lesson) + 1
        self.progress.setText(
            QCoreApplication.translate("Practice", "Lesson %1 of %2")
            .replace("%1", str(n))
            .replace("%2", str(len(LESSONS)))
        )
        self.title.setText(lesson_title(start.lesson))
        self.steps.setText(lesson_steps(start.lesson))
        moves = moves_text(start)
        self.moves.setText(moves)
        self.moves.setVisible(bool(moves))
        self.code.clear()
        self.code.setVisible(start.lesson is Lesson.READ_CODE)
        self.result.clear()
        self._to_result = False
        self.words_area.verticalScrollBar().setValue(0)
        self.next_button.setEnabled(n < len(LESSONS))
        self.check_button.setEnabled(True)

    def _scroll_to_result(self, *_args: object) -> None:
        bar = self.words_area.verticalScrollBar()
        if self._to_result and self.result.y() > 0 and bar.maximum() > 0:
            bar.setValue(min(self.result.y(), bar.maximum()))
            self._to_result = bar.maximum() < self.result.y()

    def show_result(self, result: LessonResult) -> None:
        """Say what went right and what went wrong."""
        import html

        head = (
            QCoreApplication.translate("Practice", "Well done: this lesson is right.")
            if result.passed
            else QCoreApplication.translate(
                "Practice", "Not yet: look at what is missing and try again."
            )
        )
        colour = theme.OK.name() if result.passed else theme.PRICE.name()
        rows = "".join(
            f"<p style='color: {theme.OK.name() if f.ok else theme.PRICE.name()};'>"
            f"{'✓' if f.ok else '✗'} {html.escape(finding_text(f))}</p>"
            for f in result.findings
        )
        self.result.setText(f"<p style='color: {colour};'><b>{html.escape(head)}</b></p>{rows}")
        # Once the layout has taken the new text: bring the verdict's first line to the top.
        self._to_result = True
        self._scroll_to_result()


class PracticeShell(QWidget):
    """The practice kiosk window with the banner and the lesson beside it.

    The banner heads the column on the right, beside every screen (villager, owner, technician),
    and the kiosk's own top bar says it too where it would show the sync state (a practice
    store never syncs). Nothing is added above the kiosk: its screens keep their full height.
    """

    def __init__(self, kiosk: KioskWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("Practice", "Village Kiosk: practice"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.kiosk = kiosk
        kiosk.setParent(self)
        kiosk.setStyleSheet(KIOSK_STYLE)
        row.addWidget(kiosk, 1)
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(0)
        self.banner = PracticeBanner(self)
        side.addWidget(self.banner)
        self.panel = LessonPanel(self)
        side.addWidget(self.panel, 1)
        row.addLayout(side)
        indicator = kiosk.indicator
        if indicator is not None:
            indicator.changed.disconnect(kiosk.top.set_sync_text)
        # The whole banner heads the column beside; the top bar says it short, so that on a
        # 1024-pixel monitor its buttons keep their words.
        kiosk.top.set_sync_text(QCoreApplication.translate("Practice", "Practice"))
        kiosk.top.sync.setWordWrap(False)
        kiosk.top.sync.setStyleSheet(TOP_BAR_STYLE)


class PracticeMode(QObject):
    """Entering and leaving practice for the real kiosk window, and running the lessons.

    Signals:
        entered(): the practice shell is shown.
        lesson_begun(object): a lesson began (its ``LessonStart``).
        lesson_checked(object): a lesson was checked (its ``LessonResult``).
        left(): the practice store is deleted and the real kiosk is back.
        failed(str): practice could not start or end (one line, for the log and the shop).
    """

    entered = Signal()
    lesson_begun = Signal(object)
    lesson_checked = Signal(object)
    left = Signal()
    failed = Signal(str)

    def __init__(self, real: KioskWindow) -> None:
        super().__init__(real)
        self.real = real
        self.store: PracticeStore | None = None
        self.shell: PracticeShell | None = None
        self.start: LessonStart | None = None
        self._busy = False

    @property
    def active(self) -> bool:
        """True while the practice shell is up."""
        return self.shell is not None

    @property
    def kiosk(self) -> KioskWindow | None:
        """The practice kiosk window (inside the shell)."""
        return self.shell.kiosk if self.shell is not None else None

    def enter(self) -> None:
        """Open (or make) the practice store off the GUI thread, then show the practice kiosk."""
        from kiosk.storage.practice import start_practice

        if self.active or self._busy:
            return
        self._busy = True
        data_dir = self.real.services.store.data_dir
        self.real.services.runner.run(lambda: start_practice(data_dir), self._opened, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        log.error("practice mode: %s", exc)
        if self.shell is None and self.real.isHidden():
            self.real.show()  # never leave the shop without a kiosk on the screen
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            " ",
            QCoreApplication.translate(
                "Practice",
                "Practice mode hit a problem. Nothing of the real shop was changed. Please try "
                "again; if it keeps happening, call the technician.",
            ),
            QMessageBox.StandardButton.Ok,
            self.shell or self.real,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()
        self.failed.emit(str(exc))

    def leave_now(self) -> None:
        """Leave at once, on the GUI thread (the kiosk is closing): close and delete it all."""
        from kiosk.storage.practice import end_practice

        store = self.store
        self._close_kiosk()
        self.store = None
        self.start = None
        if store is not None:
            end_practice(self.real.services.store.data_dir, store)

    def _opened(self, store: PracticeStore) -> None:
        from kiosk.ui.app import build_window

        self._busy = False
        self.store = store
        services = self.real.services
        kiosk = build_window(store, lang=services.lang, connected=False)
        kiosk.services.practice = True
        self.shell = PracticeShell(kiosk)
        panel = self.shell.panel
        panel.check_requested.connect(self.check)
        panel.next_requested.connect(self.next_lesson)
        panel.restart_requested.connect(self.restart)
        panel.leave_requested.connect(self.leave)
        if self.real.isFullScreen():
            self.shell.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.shell.showFullScreen()
        else:
            self.shell.resize(self.real.size())
            self.shell.show()
        self.real.hide()
        self.begin(LESSONS[0])
        self.entered.emit()

    def _run(self, fn: Callable[[], object], done: Callable[[object], None]) -> None:
        kiosk = self.kiosk
        if kiosk is not None:
            kiosk.services.runner.run(fn, done, self._failed)

    def begin(self, lesson: Lesson) -> None:
        """Begin ``lesson`` (the parcel lesson plays the platform's moves first)."""
        from kiosk.storage.practice import begin_lesson

        store = self.store
        if store is None:
            return
        self._run(lambda: begin_lesson(store, lesson), self._begun)

    def _begun(self, start: object) -> None:
        from kiosk.storage.practice import LessonStart

        assert isinstance(start, LessonStart)
        self.start = start
        if self.shell is not None:
            self.shell.panel.show_lesson(start)
        self.lesson_begun.emit(start)

    def check(self) -> None:
        """Check the trainee's steps in the current lesson."""
        from kiosk.storage.practice import finish_lesson

        store, start, shell = self.store, self.start, self.shell
        if store is None or start is None or shell is None:
            return
        code = shell.panel.code.text()
        self._run(lambda: finish_lesson(store, start, code), self._checked)

    def _checked(self, result: object) -> None:
        assert isinstance(result, LessonResult)
        if self.shell is not None:
            self.shell.panel.show_result(result)
        self.lesson_checked.emit(result)

    def next_lesson(self) -> None:
        """Go on to the next lesson of the day."""
        if self.start is None:
            return
        i = LESSONS.index(self.start.lesson)
        if i + 1 < len(LESSONS):
            self.begin(LESSONS[i + 1])

    def _close_kiosk(self) -> None:
        shell, self.shell = self.shell, None
        if shell is None:
            return
        kiosk = shell.kiosk
        kiosk.services.runner.shutdown()
        kiosk.close()
        shell.close()
        shell.deleteLater()

    def restart(self) -> None:
        """Throw the practice orders away and start again from the first lesson."""
        from kiosk.storage.practice import reset_practice

        store = self.store
        if store is None or self._busy:
            return
        self._busy = True
        real = self.real
        self._close_kiosk()
        self.store = None
        data_dir = real.services.store.data_dir
        real.services.runner.run(
            lambda: reset_practice(data_dir, store), self._opened, self._failed
        )

    def leave(self) -> None:
        """Delete the practice store and show the real kiosk again, in villager mode."""
        from kiosk.storage.practice import end_practice

        store = self.store
        if store is None or self._busy:
            return
        self._busy = True
        self._close_kiosk()
        self.store = None
        self.start = None
        data_dir = self.real.services.store.data_dir
        self.real.services.runner.run(
            lambda: end_practice(data_dir, store), self._ended, self._failed
        )

    def _ended(self, _existed: object) -> None:
        self._busy = False
        if self.real.isHidden():
            self.real.show()
        self.real.reset_session()
        self.left.emit()
