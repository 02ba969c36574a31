"""The technician's first-run wizard: language, center, central service and enrollment, PINs,
connection test and an optional catalog from a USB stick.

It opens when the kiosk has no PINs yet (:func:`needs_first_run`) and can be finished offline:
enrollment can wait (``kiosk enroll`` or the technician screen later). Enrollment and the catalog
import run off the GUI thread; the device credential goes to the keyring, never to the database.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.admin import PIN_MAX_DIGITS, Role, check_pin_rules
from kiosk.errors import InvalidInput
from kiosk.storage.admin import pins_configured, set_pin
from kiosk.storage.catalog import ImportSummary, import_catalog_file
from kiosk.storage.center import set_center
from kiosk.storage.settings import CENTER_ID, CENTER_NAME, LANGUAGE, SERVER_URL
from kiosk.storage.store import KioskStore
from kiosk.ui import theme
from kiosk.ui.admin.tech.database import default_choose_file
from kiosk.ui.admin.tech.sync import complete_server_url, ping_central
from kiosk.ui.errors import error_words
from kiosk.ui.services import KioskServices
from kiosk.ui.widgets import Keypad

ACTOR = Role.TECHNICIAN.value

STEPS = ("language", "center", "server", "pins", "catalog")


def needs_first_run(store: KioskStore) -> bool:
    """True when the owner's or the technician's PIN is not set yet."""
    return not all(pins_configured(store).values())


class _Relay(QObject):
    """Carries import progress from the worker to the GUI thread (queued signal)."""

    progress = Signal(int, int)


def save_center(store: KioskStore, center_id: str, name: str) -> None:
    """Store the center's id and name (audited); runs off the GUI thread."""
    with store.write() as s:
        set_center(s, center_id, name)
        KioskStore.audit(s, ACTOR, "center_set", center_id, name)


def save_pins(store: KioskStore, owner_pin: str, tech_pin: str) -> None:
    """Set both PINs (Argon2id); runs off the GUI thread."""
    set_pin(store, Role.TECHNICIAN, tech_pin, ACTOR)
    set_pin(store, Role.OWNER, owner_pin, ACTOR)


class FirstRunWizard(QWidget):
    """Five steps with Back / Next; Finish returns to villager mode.

    Signals:
        finished(): the wizard is done (PINs set).
        step_changed(str): the step now shown (one of :data:`STEPS`).
        enrolled(object): enrollment succeeded (the :class:`kiosk.sync.factory.Enrollment`).
        imported(object): the catalog import finished (the :class:`ImportSummary`).
    """

    finished = Signal()
    step_changed = Signal(str)
    enrolled = Signal(object)
    imported = Signal(object)

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._busy = False
        self.enrollment: Any = None
        self.choose_file: Callable[[QWidget, str, Path], Path | None] = default_choose_file
        #: The keyring backend for enrollment (``None``: the system's); tests pass a fake.
        self.keyring_backend: Any = None
        col = QVBoxLayout(self)
        col.setContentsMargins(36, 16, 36, 16)
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.title.setObjectName("title")
        col.addWidget(self.title)
        self.stack = QStackedWidget(self)
        col.addWidget(self.stack, 1)
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        col.addWidget(self.message)
        row = QHBoxLayout()
        self.back_button = QPushButton(self.tr("Back"), self)
        self.next_button = QPushButton(self.tr("Next"), self)
        self.next_button.setObjectName("primary")
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.next_button, 1)
        col.addLayout(row)

        # 1. Language.
        page = QWidget(self)
        v = QVBoxLayout(page)
        v.addWidget(QLabel(self.tr("Language of the kiosk"), page))
        langs = QHBoxLayout()
        self.zh_button = QPushButton("简体中文", page)
        self.en_button = QPushButton("English", page)
        self._langs = QButtonGroup(self)
        for btn in (self.zh_button, self.en_button):
            btn.setCheckable(True)
            btn.setMinimumHeight(96)
            self._langs.addButton(btn)
            langs.addWidget(btn)
        v.addLayout(langs)
        v.addStretch(1)
        self.stack.addWidget(page)

        # 2. Center.
        page = QWidget(self)
        g = QGridLayout(page)
        g.addWidget(QLabel(self.tr("Center name"), page), 0, 0)
        self.center_name = QLineEdit(page)
        self.center_name.setPlaceholderText("幸福村服务站")
        g.addWidget(self.center_name, 0, 1)
        g.addWidget(QLabel(self.tr("Center id"), page), 1, 0)
        self.center_id = QLineEdit(page)
        self.center_id.setPlaceholderText("C017")
        self.center_id.setMaxLength(32)
        g.addWidget(self.center_id, 1, 1)
        hint = QLabel(self.tr("Both are on the platform's letter. Enrolling fills them in."), page)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        g.addWidget(hint, 2, 0, 1, 2)
        g.setRowStretch(3, 1)
        self.stack.addWidget(page)

        # 3. Central service and enrollment.
        page = QWidget(self)
        g = QGridLayout(page)
        g.addWidget(QLabel(self.tr("Central service address"), page), 0, 0)
        self.server_url = QLineEdit(page)
        self.server_url.setPlaceholderText("https://central.example.cn")
        g.addWidget(self.server_url, 0, 1)
        g.addWidget(QLabel(self.tr("Enrollment code"), page), 1, 0)
        self.enroll_code = QLineEdit(page)
        self.enroll_code.setMaxLength(64)
        g.addWidget(self.enroll_code, 1, 1)
        buttons = QHBoxLayout()
        self.test_button = QPushButton(self.tr("Test the connection"), page)
        self.enroll_button = QPushButton(self.tr("Enroll now"), page)
        self.test_button.clicked.connect(self.test_connection)
        self.enroll_button.clicked.connect(self.enroll)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.enroll_button)
        buttons.addStretch(1)
        g.addLayout(buttons, 2, 0, 1, 2)
        self.server_words = QLabel(
            self.tr("No internet here? Press Next: enroll later from the technician screen."), page
        )
        self.server_words.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.server_words.setObjectName("hint")
        self.server_words.setWordWrap(True)
        g.addWidget(self.server_words, 3, 0, 1, 2)
        g.setRowStretch(4, 1)
        self.stack.addWidget(page)

        # 4. PINs.
        page = QWidget(self)
        g = QGridLayout(page)
        self.owner_pin = self._pin_field(page)
        self.owner_pin2 = self._pin_field(page)
        self.tech_pin = self._pin_field(page)
        self.tech_pin2 = self._pin_field(page)
        g.addWidget(QLabel(self.tr("Shop owner's PIN"), page), 0, 0)
        g.addWidget(self.owner_pin, 0, 1)
        g.addWidget(QLabel(self.tr("again"), page), 0, 2)
        g.addWidget(self.owner_pin2, 0, 3)
        g.addWidget(QLabel(self.tr("Technician's PIN"), page), 1, 0)
        g.addWidget(self.tech_pin, 1, 1)
        g.addWidget(QLabel(self.tr("again"), page), 1, 2)
        g.addWidget(self.tech_pin2, 1, 3)
        rule = QLabel(
            self.tr(
                "4 to 12 digits, not 1234 or 1111. The two PINs must differ. "
                "Write them down for the owner."
            ),
            page,
        )
        rule.setObjectName("hint")
        rule.setWordWrap(True)
        g.addWidget(rule, 2, 0, 1, 4)
        # A touch screen has no keyboard: big digit keys type into the box last tapped, and a
        # "next box" key moves on (a repeated PIN moves on by itself once it is long enough).
        self.pin_fields = (self.owner_pin, self.owner_pin2, self.tech_pin, self.tech_pin2)
        self.pin_keypad = Keypad(page)
        self.pin_keypad.set_target(self.owner_pin)
        keys = QHBoxLayout()
        keys.addWidget(self.pin_keypad)
        self.next_pin_button = QPushButton(self.tr("Next box"), page)
        self.next_pin_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.next_pin_button.setMinimumSize(160, 62)
        self.next_pin_button.clicked.connect(self.next_pin_field)
        keys.addWidget(self.next_pin_button, 0, Qt.AlignmentFlag.AlignBottom)
        keys.addStretch(1)
        g.addLayout(keys, 3, 0, 1, 4)
        g.setRowStretch(4, 1)
        for first, again in ((self.owner_pin, self.owner_pin2), (self.tech_pin, self.tech_pin2)):
            again.textChanged.connect(lambda text, a=again, f=first: self._pin_repeated(a, f, text))
        self.stack.addWidget(page)

        # 5. Catalog from a USB stick (optional) and finish.
        page = QWidget(self)
        v = QVBoxLayout(page)
        usb = QLabel(self.tr("Load the catalog from a USB stick (or let the first sync do it)."))
        usb.setWordWrap(True)
        v.addWidget(usb)
        self.import_button = QPushButton(self.tr("Choose the catalog file…"), page)
        self.import_button.clicked.connect(self.import_catalog)
        v.addWidget(self.import_button)
        self.import_bar = QProgressBar(page)
        self.import_bar.setMinimumHeight(36)
        self.import_bar.setValue(0)
        v.addWidget(self.import_bar)
        self.import_words = QLabel(page)
        self.import_words.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.import_words.setWordWrap(True)
        v.addWidget(self.import_words)
        v.addStretch(1)
        self.stack.addWidget(page)

        self._relay = _Relay(self)
        self._relay.progress.connect(self._import_progress)

    def _pin_field(self, parent: QWidget) -> QLineEdit:
        field = QLineEdit(parent)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        field.setMaxLength(PIN_MAX_DIGITS)
        field.setValidator(
            QRegularExpressionValidator(QRegularExpression(rf"\d{{0,{PIN_MAX_DIGITS}}}"), field)
        )
        field.setMinimumHeight(56)
        field.setFont(theme.font(theme.TITLE_PX - 4, bold=True))
        field.installEventFilter(self)
        return field

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        # The keypad types into the PIN box that was tapped last.
        if event.type() == QEvent.Type.FocusIn and obj in getattr(self, "pin_fields", ()):
            assert isinstance(obj, QLineEdit)
            self.pin_keypad.set_target(obj)
        return False

    def next_pin_field(self) -> None:
        """Move the keypad (and the cursor) to the next PIN box, round to the first."""
        target = self.pin_keypad.target()
        fields = list(self.pin_fields)
        index = fields.index(target) if target in fields else -1
        following = fields[(index + 1) % len(fields)]
        self.pin_keypad.set_target(following)
        following.setFocus()

    def _pin_repeated(self, again: QLineEdit, first: QLineEdit, text: str) -> None:
        # Once the repeated PIN is as long as the first one, the next box is the one to type in.
        if (
            self.pin_keypad.target() is again
            and first.text()
            and len(text) == len(first.text())
            and again is not self.tech_pin2
        ):
            self.next_pin_field()

    # -- navigation -----------------------------------------------------------------------------

    @property
    def step(self) -> str:
        """The step shown."""
        return STEPS[self.stack.currentIndex()]

    def begin(self) -> None:
        """Start at the language step, prefilled with what the store already knows."""
        store = self._services.store
        (self.en_button if not self._services.chinese else self.zh_button).setChecked(True)
        self.center_name.setText(store.setting(CENTER_NAME) or "")
        center_id = store.setting(CENTER_ID) or ""
        self.center_id.setText("" if center_id == "LOCAL" else center_id)
        self.server_url.setText(store.setting(SERVER_URL) or "")
        self._go(0)

    def _go(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        self.message.clear()
        titles = [
            self.tr("Step 1 of 5: language"),
            self.tr("Step 2 of 5: the service center"),
            self.tr("Step 3 of 5: the platform"),
            self.tr("Step 4 of 5: PINs"),
            self.tr("Step 5 of 5: catalog"),
        ]
        self.title.setText(titles[index])
        self.back_button.setEnabled(index > 0)
        last = index == len(STEPS) - 1
        self.next_button.setText(self.tr("Finish") if last else self.tr("Next"))
        if STEPS[index] == "pins":  # the box the keypad types into shows the cursor
            target = self.pin_keypad.target() or self.owner_pin
            target.setFocus()
        self.step_changed.emit(STEPS[index])

    def back(self) -> None:
        """One step back."""
        if not self._busy and self.stack.currentIndex() > 0:
            self._go(self.stack.currentIndex() - 1)

    def next(self) -> None:
        """Check and save the current step, then go on."""
        if self._busy:
            return
        step, store = self.step, self._services.store
        if step == "language":
            lang = "en" if self.en_button.isChecked() else "zh_CN"
            self._work(lambda: _save_setting(store, LANGUAGE, lang), self._advance)
        elif step == "center":
            name = " ".join(self.center_name.text().split())
            cid = self.center_id.text().strip().upper()
            if not name or not cid:
                self._error(self.tr("Type the center's name and id."))
                return
            self._work(lambda: save_center(store, cid, name), self._advance)
        elif step == "server":
            self._advance()  # enrolling is optional here
        elif step == "pins":
            self._save_pins()
        else:
            self.finished.emit()

    def _advance(self, _result: object = None) -> None:
        self._go(self.stack.currentIndex() + 1)

    def _work(self, fn: Callable[[], Any], ok: Callable[[Any], None]) -> None:
        self._busy = True
        self.next_button.setEnabled(False)

        def done(value: Any) -> None:
            self._busy = False
            self.next_button.setEnabled(True)
            ok(value)

        def failed(exc: BaseException) -> None:
            self._busy = False
            self.next_button.setEnabled(True)
            self._error(error_words(exc))

        self._services.runner.run(fn, done, failed)

    def _error(self, text: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text)

    def _info(self, text: str) -> None:
        self.message.setStyleSheet(f"color: {theme.OK.name()}; font-weight: bold;")
        self.message.setText(text)

    # -- steps ----------------------------------------------------------------------------------

    def _save_pins(self) -> None:
        owner, tech = self.owner_pin.text(), self.tech_pin.text()
        if owner != self.owner_pin2.text():
            self._error(self.tr("The shop owner's PIN was typed differently twice. Type it again."))
            for f in (self.owner_pin, self.owner_pin2):
                f.clear()
            self.owner_pin.setFocus()
            self.pin_keypad.set_target(self.owner_pin)
            return
        if tech != self.tech_pin2.text():
            self._error(self.tr("The technician's PIN was typed differently twice. Type it again."))
            for f in (self.tech_pin, self.tech_pin2):
                f.clear()
            self.tech_pin.setFocus()
            self.pin_keypad.set_target(self.tech_pin)
            return
        try:
            check_pin_rules(owner)
            check_pin_rules(tech)
        except InvalidInput as exc:
            self._error(error_words(exc))
            return
        if owner == tech:
            self._error(self.tr("The owner and the technician need different PINs."))
            return
        store = self._services.store
        for f in (self.owner_pin, self.owner_pin2, self.tech_pin, self.tech_pin2):
            f.clear()
        self._work(lambda: save_pins(store, owner, tech), self._advance)

    def _typed_url(self) -> str:
        """The typed address, ``https://`` added when left out (shown back as used)."""
        url = complete_server_url(self.server_url.text())
        if url != self.server_url.text():
            self.server_url.setText(url)
        return url

    def test_connection(self) -> None:
        """Ask the typed central service address if it answers."""
        url = self._typed_url()
        if not url:
            self._error(self.tr("Type the central service address first."))
            return
        self._work(
            lambda: ping_central(url),
            lambda v: self._info(self.tr("The central service answers (%1).").replace("%1", v)),
        )

    def enroll(self) -> None:
        """Enroll with the typed address and code (off the GUI thread)."""
        url, code = self._typed_url(), self.enroll_code.text().strip()
        if not url or not code:
            self._error(self.tr("Type the address and the enrollment code."))
            return
        store, backend = self._services.store, self.keyring_backend

        def run() -> Any:
            from kiosk.sync.factory import enroll

            return enroll(store, url, code, backend=backend)

        self._work(run, self._enrolled)

    def _enrolled(self, enrollment: Any) -> None:
        self.enrollment = enrollment
        self.enroll_code.clear()
        typed = self.center_id.text().strip().upper()
        self.center_id.setText(enrollment.center_id)
        self.center_name.setText(enrollment.center_name)
        text = (
            self.tr("Enrolled as %1 (%2).")
            .replace("%1", enrollment.center_name)
            .replace("%2", enrollment.center_id)
        )
        if typed and typed != enrollment.center_id:
            # Never silently: the platform's id wins, and the technician should know.
            text += " " + self.tr(
                "The center id %1 typed earlier was replaced by the platform's id %2."
            ).replace("%1", typed).replace("%2", enrollment.center_id)
        self._info(text)
        self.enrolled.emit(enrollment)

    def import_catalog(self) -> None:
        """Import a catalog file chosen on the USB stick, with progress."""
        path = self.choose_file(self, self.tr("Choose the catalog file"), Path.home())
        if path is None:
            return
        store, relay = self._services.store, self._relay
        self.import_bar.setValue(0)
        self.import_words.setText(self.tr("Checking the file…"))

        def run() -> ImportSummary:
            return import_catalog_file(store, path, lambda d, t: relay.progress.emit(d, t))

        def ok(summary: ImportSummary) -> None:
            self.import_bar.setRange(0, 1)
            self.import_bar.setValue(1)
            self.import_words.setText(import_summary_words(summary))
            self.imported.emit(summary)

        self._work(run, ok)

    def _import_progress(self, done: int, total: int) -> None:
        self.import_bar.setRange(0, max(1, total))
        self.import_bar.setValue(done)
        self.import_words.setText(
            self.tr("%1 of %2 products").replace("%1", str(done)).replace("%2", str(total))
        )


def import_summary_words(summary: ImportSummary) -> str:
    """What a catalog import did, with its counts, in the screen's language."""
    return (
        QCoreApplication.translate(
            "FirstRunWizard",
            "Catalog loaded: %1 new products, %2 updated, %3 unchanged, %4 pictures copied.",
        )
        .replace("%1", str(summary.created))
        .replace("%2", str(summary.updated))
        .replace("%3", str(summary.unchanged))
        .replace("%4", str(summary.images_copied))
    )


def _save_setting(store: KioskStore, key: str, value: str) -> None:
    with store.write() as s:
        KioskStore.set_setting(s, key, value)
