"""Product pictures from the local media cache, decoded off the GUI thread.

Files are content-addressed: ``media_dir / hash[:2] / f"{hash}{suffix}"``. A worker finds the
file, decodes it with :class:`QImageReader` already scaled to the size asked for, and the GUI
thread turns the :class:`QImage` into a :class:`QPixmap` (pixmaps may only be made there). Until a
picture is ready the view paints a placeholder; :attr:`ImageCache.ready` says when to repaint.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap

from kiosk.ui.tasks import TaskRunner

#: Decoded pictures kept in memory (per size); older ones are dropped first.
CACHE_ENTRIES = 600

Key = tuple[str, int, bool]


def decode_scaled(path: Path, side: int, *, fill: bool = False) -> QImage:
    """Decode ``path`` scaled to fit a ``side``×``side`` square (safe on worker threads).

    A smaller picture keeps its size unless ``fill`` (the product page on a big screen).
    """
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (fill or size.width() > side or size.height() > side):
        reader.setScaledSize(size.scaled(QSize(side, side), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return image


class ImageCache(QObject):
    """Pictures by content hash and size, loaded in the background.

    Signals:
        ready(str): the picture for this hash (at some size) can now be painted.
    """

    ready = Signal(str)

    def __init__(self, media_dir: Path, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._media_dir = media_dir
        self._runner = runner
        self._pixmaps: OrderedDict[Key, QPixmap | None] = OrderedDict()
        self._loading: set[Key] = set()

    def pixmap(self, image_hash: str | None, side: int, *, fill: bool = False) -> QPixmap | None:
        """The picture if decoded already; otherwise start loading it and return ``None``.

        A product without a picture, or whose file is missing or broken, stays ``None`` (the
        placeholder is painted) and is not retried until the cache forgets it.
        """
        if not image_hash:
            return None
        key = (image_hash, side, fill)
        if key in self._pixmaps:
            self._pixmaps.move_to_end(key)
            return self._pixmaps[key]
        if key not in self._loading:
            self._loading.add(key)
            media_dir = self._media_dir

            def load() -> QImage | None:
                # Imported on the worker, on first use (plain file-system work, no SQLAlchemy:
                # the home screen's pictures load while it is first painted).
                from kiosk.storage.media_files import find_media

                path = find_media(media_dir, image_hash)
                if path is None:
                    return None
                image = decode_scaled(path, side, fill=fill)
                return None if image.isNull() else image

            self._runner.run(
                load,
                lambda image: self._store(key, image),
                lambda _exc: self._store(key, None),
            )
        return None

    def _store(self, key: Key, image: QImage | None) -> None:
        self._loading.discard(key)
        self._pixmaps[key] = QPixmap.fromImage(image) if image is not None else None
        while len(self._pixmaps) > CACHE_ENTRIES:
            self._pixmaps.popitem(last=False)
        if image is not None:
            self.ready.emit(key[0])
