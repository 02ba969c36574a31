"""The owner's read-aloud settings: on or off (off by default), reading the pickup code by
itself after each order, volume and speed, with a *Try it* button that reads a sample."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from kiosk.storage.read_aloud import (
    RATE_RANGE,
    VOLUME_RANGE,
    ReadAloudSettings,
    load_read_aloud,
    save_read_aloud,
)
from kiosk.ui.errors import error_words
from kiosk.ui.services import KioskServices

# What *Try it* reads: a product as the villager screens read it.
SAMPLE = ("金龙鱼 东北大米 10kg", 5990, "袋")


def _slider(bounds: tuple[int, int], parent: QWidget) -> QSlider:
    s = QSlider(Qt.Orientation.Horizontal, parent)
    s.setRange(*bounds)
    s.setSingleStep(10)
    s.setPageStep(10)
    s.setMinimumHeight(48)
    return s


class ReadAloudForm(QWidget):
    """Read-aloud settings, as the owner sets them.

    Signals:
        changed(str): the settings were saved; the outcome in plain words.
        back(): "Back" was pressed.
    """

    changed = Signal(str)
    back = Signal()

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        # Finger-sized boxes and slider handles (the owner uses the touch screen).
        self.setStyleSheet(
            "QCheckBox { spacing: 14px; min-height: 52px; }"
            "QCheckBox::indicator { width: 40px; height: 40px; }"
            "QSlider::groove:horizontal { height: 14px; border-radius: 7px; background: #ddd; }"
            "QSlider::sub-page:horizontal { border-radius: 7px; background: #1e88e5; }"
            "QSlider::handle:horizontal { width: 44px; margin: -15px 0; border-radius: 22px;"
            " background: white; border: 2px solid #555; }"
        )
        col = QVBoxLayout(self)
        col.setContentsMargins(28, 14, 28, 14)
        col.setSpacing(14)
        title = QLabel(self.tr("Read aloud"), self)
        title.setObjectName("title")
        col.addWidget(title)
        hint = QLabel(
            self.tr(
                "Speaker buttons on the product, the cart total and the pickup code read them "
                "aloud for villagers who read little."
            ),
            self,
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        col.addWidget(hint)
        self.enabled = QCheckBox(self.tr("Read aloud on this kiosk"), self)
        self.auto_code = QCheckBox(self.tr("Read the pickup code by itself after each order"), self)
        col.addWidget(self.enabled)
        col.addWidget(self.auto_code)
        grid = QGridLayout()
        self.volume = _slider(VOLUME_RANGE, self)
        self.rate = _slider(RATE_RANGE, self)
        self.volume_value = QLabel(self)
        self.rate_value = QLabel(self)
        for row, (label, slider, value) in enumerate(
            (
                (self.tr("Volume"), self.volume, self.volume_value),
                (self.tr("Speed"), self.rate, self.rate_value),
            )
        ):
            grid.addWidget(QLabel(label, self), row, 0)
            grid.addWidget(slider, row, 1)
            grid.addWidget(value, row, 2)
            value.setMinimumWidth(90)
            slider.valueChanged.connect(lambda v, lbl=value: lbl.setText(f"{v} %"))
        col.addLayout(grid)
        self.message = QLabel(self)
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        col.addWidget(self.message)
        col.addStretch(1)
        buttons = QHBoxLayout()
        self.back_button = QPushButton(self.tr("Back"), self)
        self.try_button = QPushButton(self.tr("Try it"), self)
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setObjectName("primary")
        for btn in (self.back_button, self.try_button, self.save_button):
            btn.setMinimumHeight(64)
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back_button.clicked.connect(self.back)
        self.try_button.clicked.connect(self.try_it)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.try_button)
        buttons.addWidget(self.save_button)
        col.addLayout(buttons)
        self.auto_code.setEnabled(False)
        self.enabled.toggled.connect(self.auto_code.setEnabled)
        if services.read_aloud is not None:
            services.read_aloud.failed.connect(self._voice_failed)
        self._show(ReadAloudSettings())

    def open(self) -> None:
        """Show the stored settings (read off the GUI thread)."""
        self.message.clear()
        store = self._services.store
        self._services.runner.run(lambda: load_read_aloud(store), self._show, self._failed)

    def _show(self, settings: ReadAloudSettings) -> None:
        self.enabled.setChecked(settings.enabled)
        self.auto_code.setChecked(settings.auto_pickup_code)
        self.auto_code.setEnabled(settings.enabled)
        self.volume.setValue(settings.volume)
        self.rate.setValue(settings.rate)
        self.volume_value.setText(f"{settings.volume} %")
        self.rate_value.setText(f"{settings.rate} %")

    def chosen(self) -> ReadAloudSettings:
        """The settings as the form shows them."""
        return ReadAloudSettings(
            enabled=self.enabled.isChecked(),
            auto_pickup_code=self.enabled.isChecked() and self.auto_code.isChecked(),
            volume=self.volume.value(),
            rate=self.rate.value(),
        )

    def try_it(self) -> None:
        """Read a sample product with the volume and speed chosen (before saving)."""
        voice = self._services.read_aloud
        if voice is not None:
            from kiosk.speech import words

            name, price, unit = SAMPLE
            chosen = self.chosen()
            lang = self._services.lang
            voice.say(words.product(name, price, unit, lang), chosen.volume, chosen.rate)

    def save(self) -> None:
        """Store the settings off the GUI thread; the screens follow at once."""
        settings = self.chosen()
        store = self._services.store

        def done(_: object) -> None:
            if self._services.read_aloud is not None:
                self._services.read_aloud.apply(settings)
            self.changed.emit(self.tr("Read aloud settings saved."))

        self._services.runner.run(
            lambda: save_read_aloud(store, settings, "owner"), done, self._failed
        )

    def _voice_failed(self, _request: int, kind: str) -> None:
        if not self.isVisible():
            return
        if kind == "no_sound":
            text = self.tr(
                "No loudspeaker found: check that the speakers are plugged in and switched on."
            )
        else:
            text = self.tr("The voice could not be loaded. Please call the technician.")
        self.message.setText(text)

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(error_words(exc))
