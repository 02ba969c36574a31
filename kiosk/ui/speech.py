"""Read aloud in the GUI: the speaker buttons and the bridge to the background speaker.

:class:`ReadAloud` owns the Qt-free :class:`kiosk.speech.speaker.Speaker` (made, and
``kiosk.speech`` imported, on the first reading, so start-up does not pay for the engine) and
re-emits its outcomes as signals on the GUI thread. It keeps the owner's settings
(``kiosk.storage.read_aloud``); speaker buttons show only while read aloud is on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QPushButton, QWidget

from kiosk.storage.read_aloud import ReadAloudSettings, load_read_aloud
from kiosk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from kiosk.speech.sound import SoundOutput
    from kiosk.speech.speaker import Speaker
    from kiosk.speech.words import Utterance
    from kiosk.storage.cards import ProductCard
    from kiosk.storage.store import KioskStore
    from kiosk.ui.widgets import ProductGrid


class ReadAloud(QObject):
    """The kiosk's voice, for the screens.

    Signals:
        started(int): a reading (request number) began rendering.
        finished(int, float, bool): a reading ended: its length in seconds, and whether a newer
            request cut it short.
        failed(int, str): a reading could not be done (``"no_sound"``, ``"engine_missing"`` …).
        settings_changed(object): the :class:`ReadAloudSettings` now in force.
    """

    started = Signal(int)
    finished = Signal(int, float, bool)
    failed = Signal(int, str)
    settings_changed = Signal(object)

    def __init__(
        self, store: KioskStore, runner: TaskRunner, lang: str, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._runner = runner
        self._lang = lang
        self._settings = ReadAloudSettings()
        self._output: SoundOutput | None = None
        self._speaker: Speaker | None = None

    @property
    def settings(self) -> ReadAloudSettings:
        """The settings in force."""
        return self._settings

    @property
    def enabled(self) -> bool:
        """True when the owner turned read aloud on."""
        return self._settings.enabled

    def load(self) -> None:
        """Read the settings off the GUI thread; ``settings_changed`` follows."""
        self._runner.run(lambda: load_read_aloud(self._store), self.apply)

    def apply(self, settings: ReadAloudSettings) -> None:
        """Use ``settings`` from now on (after loading, or after the owner saved them)."""
        self._settings = settings
        if not settings.enabled:
            self.stop()
        self.settings_changed.emit(settings)

    def use_output(self, output: SoundOutput) -> None:
        """Send readings to ``output`` instead of the speakers (tests, recording)."""
        self._output = output
        if self._speaker is not None:
            self._speaker.close()
            self._speaker = None

    # -- the speaker's thread reports here (no widget calls: these only emit) --------------------

    def on_started(self, request: int) -> None:
        """Re-emitted on the GUI thread (queued)."""
        self.started.emit(request)

    def on_finished(self, request: int, seconds: float, interrupted: bool) -> None:
        """Re-emitted on the GUI thread (queued)."""
        self.finished.emit(request, seconds, interrupted)

    def on_failed(self, request: int, kind: str) -> None:
        """Re-emitted on the GUI thread (queued)."""
        self.failed.emit(request, kind)

    # -- readings ----------------------------------------------------------------------------------

    def say(self, utterance: Utterance, volume: int | None = None, rate: int | None = None) -> int:
        """Read ``utterance`` now, interrupting any reading; returns its request number.

        ``volume`` and ``rate`` override the settings for this reading (the owner's *Try it*).
        """
        if self._speaker is None:
            from kiosk.speech.espeak import EspeakEngine
            from kiosk.speech.sound import SpeakerOutput
            from kiosk.speech.speaker import Speaker

            self._speaker = Speaker(EspeakEngine(), self._output or SpeakerOutput(), self)
        s = self._settings
        return self._speaker.say(
            utterance,
            volume=s.volume if volume is None else volume,
            rate=s.rate if rate is None else rate,
        )

    def say_product(self, name: str, price_fen: int, unit: str) -> int:
        """ "金龙鱼东北大米十公斤，五十九块九一袋"."""
        from kiosk.speech import words

        return self.say(words.product(name, price_fen, unit, self._lang))

    def say_cart_total(self, total_fen: int, items: int) -> int:
        """ "一共三件，一百二十块五"."""
        from kiosk.speech import words

        return self.say(words.cart_total(total_fen, items, self._lang))

    def say_pickup_code(self, code: str) -> int:
        """The pickup code digit by digit, twice, slowly."""
        from kiosk.speech import words

        return self.say(words.pickup_code(code, self._lang))

    def stop(self) -> None:
        """Stop reading (leaving a screen, the idle reset)."""
        if self._speaker is not None:
            self._speaker.stop()

    def close(self) -> None:
        """Stop and end the speaker's thread (the window closes)."""
        if self._speaker is not None:
            self._speaker.close()
            self._speaker = None


def speaker_icon(px: int, color: QColor | None = None) -> QIcon:
    """A loudspeaker with two sound waves, drawn (no icon font or file needed)."""
    pix = QPixmap(px, px)
    pix.fill(Qt.GlobalColor.transparent)
    paint_speaker(pix, QRectF(0, 0, px, px), color or QColor("#333333"))
    return QIcon(pix)


def paint_speaker(device: QPixmap | QWidget, rect: QRectF, color: QColor) -> None:
    """Draw the loudspeaker glyph into ``rect`` of ``device``."""
    p = QPainter(device)
    try:
        draw_speaker(p, rect, color)
    finally:
        p.end()


def draw_speaker(p: QPainter, rect: QRectF, color: QColor) -> None:
    """Draw the loudspeaker glyph with an active painter (used by the product tiles too)."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = min(rect.width(), rect.height())
    x, y = rect.x() + (rect.width() - s) / 2, rect.y() + (rect.height() - s) / 2
    body = QPainterPath()
    body.moveTo(x + 0.10 * s, y + 0.36 * s)
    body.lineTo(x + 0.28 * s, y + 0.36 * s)
    body.lineTo(x + 0.50 * s, y + 0.16 * s)
    body.lineTo(x + 0.50 * s, y + 0.84 * s)
    body.lineTo(x + 0.28 * s, y + 0.64 * s)
    body.lineTo(x + 0.10 * s, y + 0.64 * s)
    body.closeSubpath()
    p.fillPath(body, color)
    pen = QPen(color, max(1.5, 0.07 * s))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    centre = QPointF(x + 0.50 * s, y + 0.50 * s)
    for radius in (0.18 * s, 0.34 * s):
        arc = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
        p.drawArc(arc, -45 * 16, 90 * 16)
    p.restore()


class SpeakerButton(QPushButton):
    """A big "read aloud" button, shown only while read aloud is on.

    Args:
        read_aloud: the kiosk's voice (``None``: the button stays hidden).
    """

    def __init__(self, read_aloud: ReadAloud | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("speaker")
        self.setText(self.tr("Read aloud"))
        self.setIcon(speaker_icon(48))
        self.setIconSize(QSize(36, 36))
        self.setMinimumHeight(64)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setToolTip(self.tr("Read aloud"))
        self.setVisible(read_aloud is not None and read_aloud.enabled)
        if read_aloud is not None:
            read_aloud.settings_changed.connect(self._settings_changed)

    def _settings_changed(self, settings: ReadAloudSettings) -> None:
        self.setVisible(settings.enabled)


#: The speaker's place on a product tile: a round button at the picture's top-right corner.
TILE_SPEAKER_PX = 56


def tile_speaker_rect(tile: QRect) -> QRect:
    """Where a tile's speaker button is, for painting and for hit-testing the tap."""
    return QRect(
        tile.right() - TILE_SPEAKER_PX - 8, tile.top() + 8, TILE_SPEAKER_PX, TILE_SPEAKER_PX
    )


def draw_tile_speaker(p: QPainter, tile: QRect) -> None:
    """Paint the tile's speaker: a white disc with a ring and the loudspeaker."""
    r = QRectF(tile_speaker_rect(tile))
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(QColor("#555555"), 2))
    p.setBrush(QColor(255, 255, 255, 235))
    p.drawEllipse(r.adjusted(1, 1, -1, -1))
    p.restore()
    draw_speaker(p, r.adjusted(12, 12, -12, -12), QColor("#222222"))


def attach_to_grid(grid: ProductGrid, read_aloud: ReadAloud | None) -> None:
    """Show speakers on ``grid``'s tiles while read aloud is on; a tap reads that product."""
    if read_aloud is None:
        return

    def shown(settings: ReadAloudSettings) -> None:
        grid.set_speaker_shown(settings.enabled)

    def read(card: ProductCard) -> None:
        read_aloud.say_product(card.name, card.price_fen, card.unit)

    shown(read_aloud.settings)
    read_aloud.settings_changed.connect(shown)
    grid.read_aloud_requested.connect(read)
