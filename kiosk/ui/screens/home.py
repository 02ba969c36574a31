"""Home: a large search box, category tiles with pictures, and a few featured products."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk.storage.cards import HOME_FEATURED, CategoryTile, ProductCard
from kiosk.ui.models import ProductGridModel
from kiosk.ui.services import KioskServices
from kiosk.ui.widgets import ProductGrid, clear_layout

TILE_COLUMNS = 5
TILE_ICON_PX = 72
FEATURED_COUNT = HOME_FEATURED


class HomeScreen(QWidget):
    """The first screen, and where the idle timeout returns.

    Signals:
        search_typed(str): the villager started typing a search.
        category_chosen(str): a category tile was tapped.
        product_chosen(str): a featured product was tapped.
        loaded(): categories and featured products are on screen.
    """

    search_typed = Signal(str)
    category_chosen = Signal(str)
    product_chosen = Signal(str)
    loaded = Signal()

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._tiles: list[CategoryTile] = []
        #: Categories and featured products have been shown at least once.
        self.shown_once = False
        self._tile_buttons: dict[str, QPushButton] = {}
        col = QVBoxLayout(self)
        col.setContentsMargins(24, 14, 24, 8)
        col.setSpacing(10)
        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("Search: type a name, pinyin or initials"))
        self.search.setMinimumHeight(76)
        self.search.textEdited.connect(self._typed)
        col.addWidget(self.search)
        self.tiles_box = QWidget(self)
        self.tiles_grid = QGridLayout(self.tiles_box)
        self.tiles_grid.setContentsMargins(0, 0, 0, 0)
        self.tiles_grid.setSpacing(10)
        col.addWidget(self.tiles_box)
        # Said only while the store holds no products: a new kiosk before its first catalog.
        self.empty_note = QLabel(
            self.tr(
                "The shop's list of goods is not here yet. It downloads by itself when the "
                "internet is on; the shop owner can also load it from a USB stick."
            ),
            self,
        )
        self.empty_note.setObjectName("title")
        self.empty_note.setWordWrap(True)
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_note.hide()
        col.addWidget(self.empty_note)
        self.featured_title = QLabel(self.tr("Popular in this shop"), self)
        self.featured_title.setObjectName("title")
        col.addWidget(self.featured_title)
        self.model = ProductGridModel(services.images, self)
        self.grid = ProductGrid(self)
        self.grid.setModel(self.model)
        self.grid.product_chosen.connect(self.product_chosen)
        col.addWidget(self.grid, 1)
        services.images.ready.connect(self._image_ready)

    def refresh(self) -> None:
        """Reload categories and featured products in the background."""
        store = self._services.store

        def load() -> tuple[list[CategoryTile], list[ProductCard]]:
            # Not at import: the first paint needs no SQLAlchemy (kiosk.storage.first_paint).
            from kiosk.storage.browsing import category_tiles, featured_products

            with store.read() as s:
                return category_tiles(s), featured_products(s, FEATURED_COUNT)

        self._services.runner.run_latest("home", load, self._show)

    def show_read(self, tiles: list[CategoryTile], featured: list[ProductCard]) -> None:
        """Show categories and featured products read already (the kiosk's first paint reads
        them before the store is open: kiosk.storage.first_paint)."""
        self._show((tiles, featured))

    def _show(self, data: tuple[list[CategoryTile], list[ProductCard]]) -> None:
        tiles, featured = data
        self._tiles = tiles
        clear_layout(self.tiles_grid)
        self._tile_buttons = {}
        for i, tile in enumerate(tiles[: TILE_COLUMNS * 2]):
            btn = QPushButton(tile.name, self.tiles_box)
            btn.setObjectName("tile")
            btn.setMinimumHeight(88)
            btn.setIconSize(QSize(TILE_ICON_PX, TILE_ICON_PX))
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            btn.clicked.connect(lambda _=False, name=tile.name: self.category_chosen.emit(name))
            self._tile_buttons[tile.name] = btn
            self._set_icon(tile)
            self.tiles_grid.addWidget(btn, i // TILE_COLUMNS, i % TILE_COLUMNS)
        self.model.set_rows(featured)
        self.shown_once = True
        empty = not tiles and not featured
        self.empty_note.setVisible(empty)
        self.featured_title.setVisible(not empty)
        self.loaded.emit()

    def _set_icon(self, tile: CategoryTile) -> None:
        pix = self._services.images.pixmap(tile.image_hash, TILE_ICON_PX)
        btn = self._tile_buttons.get(tile.name)
        if pix is not None and btn is not None:
            btn.setIcon(QIcon(pix))

    def _image_ready(self, image_hash: str) -> None:
        for tile in self._tiles:
            if tile.image_hash == image_hash:
                self._set_icon(tile)

    def category_names(self) -> list[str]:
        """Names of the categories shown (for the search screen's suggestions)."""
        return [t.name for t in self._tiles]

    def _typed(self, text: str) -> None:
        if text.strip():
            self.search_typed.emit(text)
            self.search.clear()

    def reset(self) -> None:
        """Back to a clean home screen."""
        self.search.clear()
        self.grid.scrollToTop()
