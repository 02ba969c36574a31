"""Search as you type, and category pages with sorting; both show the virtualized product grid.

Each keystroke searches at once on the background runner; while a search is on its way, newer
keystrokes wait for it and then only the newest text is searched (see ``docs/search.md``).
Searches carry a sequence number: a result that comes back after a newer search was started is
dropped, so the grid never shows an older query. What the villager searched is recorded
(scrubbed, no personal data) once the typing settles.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.storage.browsing import (
    ProductCard,
    ProductSort,
    list_products,
    record_category_visit,
    record_search,
)
from kiosk.storage.search import prepare_word_ranking, search_products
from kiosk.ui.models import ProductGridModel
from kiosk.ui.services import KioskServices
from kiosk.ui.widgets import ProductGrid, clear_layout

if TYPE_CHECKING:
    from kiosk.storage.store import KioskStore

log = logging.getLogger(__name__)

#: A search is recorded for demand counts when typing has paused this long.
RECORD_SETTLE_MS = 1500
#: Most results a search shows. Nobody scrolls past a few hundred tiles.
SEARCH_LIMIT = 300
#: Results a keystroke's search fetches: about two and a half screenfuls at 1366×768. The rest
#: (up to SEARCH_LIMIT) is fetched when the villager scrolls there: reading and ranking 300
#: results was most of a keystroke's time (docs/benchmarks.md, "Keystroke → results").
SEARCH_PAGE = 60
#: Rows fetched per page on category pages.
PAGE_SIZE = 200


def _search_cards(store: KioskStore, query: str, limit: int) -> list[ProductCard]:
    """The first ``limit`` results of ``query`` as tiles (on a worker)."""
    with store.read() as s:
        hits = search_products(s, query, limit=limit)
    return [
        ProductCard(h.sku, h.name, h.price_fen, h.unit, h.category, h.image_hash, h.stock)
        for h in hits
    ]


class SearchScreen(QWidget):
    """Search as you type.

    Signals:
        product_chosen(str): a result was tapped.
        category_chosen(str): a suggested category was tapped (after an empty result).
        results_shown(str, int): the grid now shows the results of this query (and how many).
    """

    product_chosen = Signal(str)
    category_chosen = Signal(str)
    results_shown = Signal(str, int)

    def __init__(
        self,
        services: KioskServices,
        suggestions: Callable[[], list[str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._suggestions = suggestions
        self._seq = 0
        # At most one search on the runner: keys typed meanwhile (a scanner types a code a few
        # milliseconds per key, an IME commits a word) are coalesced into one search of the
        # newest text when it returns. No timer: a search costs about a millisecond, so a
        # debounce would be most of the keystroke-to-results time (docs/benchmarks.md).
        self._searching = False
        self._stale = False
        self._prepared = False
        self._shown_query = ""
        self._unrecorded: tuple[str, int] | None = None
        col = QVBoxLayout(self)
        col.setContentsMargins(24, 14, 24, 8)
        col.setSpacing(10)
        self.box = QLineEdit(self)
        self.box.setObjectName("search")
        self.box.setPlaceholderText(self.tr("Search: type a name, pinyin or initials"))
        self.box.setMinimumHeight(76)
        self.box.textChanged.connect(self._changed)
        # Our own clear button, as big as the other buttons (Qt's built-in one is about 14 px).
        self.clear_button = QPushButton(self.tr("✕ Clear"), self)
        self.clear_button.setObjectName("clear_search")
        self.clear_button.setMinimumHeight(76)
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_button.clicked.connect(self._clear)
        self.clear_button.setEnabled(False)
        box_row = QHBoxLayout()
        box_row.setSpacing(10)
        box_row.addWidget(self.box, 1)
        box_row.addWidget(self.clear_button)
        col.addLayout(box_row)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        col.addWidget(self.status)
        self.suggest_box = QWidget(self)
        self.suggest_row = QHBoxLayout(self.suggest_box)
        self.suggest_row.setContentsMargins(0, 0, 0, 0)
        self.suggest_box.hide()
        col.addWidget(self.suggest_box)
        self.model = ProductGridModel(services.images, self)
        self.grid = ProductGrid(self)
        self.grid.setModel(self.model)
        self.grid.product_chosen.connect(self._chosen)
        self.model.more_wanted.connect(self._more_wanted)
        col.addWidget(self.grid, 1)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(RECORD_SETTLE_MS)
        self._settle.timeout.connect(self.record_pending)

    def start(self, text: str) -> None:
        """Open with ``text`` already typed (from the home screen's box)."""
        if not self._prepared:
            self._prepared = True
            self._services.runner.run(prepare_word_ranking)
        self.box.setText(text)
        self.box.setFocus()
        self.box.end(False)

    def _changed(self, text: str) -> None:
        self.clear_button.setEnabled(bool(text))
        if self._searching:
            self._stale = True  # searched when the running search returns
        else:
            self._search_now()

    def _clear(self) -> None:
        self.box.clear()
        self.box.setFocus()

    def _search_now(self) -> None:
        query = self.box.text().strip()
        self._seq += 1
        seq = self._seq
        if not query:
            self._show(seq, query, [])
            return
        store = self._services.store

        def run() -> list[ProductCard]:
            # One more than a page tells whether there are more to fetch on scrolling.
            return _search_cards(store, query, SEARCH_PAGE + 1)

        self._searching = True
        self._services.runner.run(
            run, lambda cards: self._returned(seq, query, cards), self._search_failed
        )

    def _more_wanted(self, offset: int) -> None:
        """The villager scrolled near the end of the results: the next page, the same search."""
        seq, query, store = self._seq, self._shown_query, self._services.store
        want = min(offset + SEARCH_PAGE, SEARCH_LIMIT)

        def run() -> list[ProductCard]:
            return _search_cards(store, query, want + 1)

        def show(cards: list[ProductCard]) -> None:
            if seq != self._seq:
                return  # another query since
            have = {self.model.card(i).sku for i in range(self.model.rowCount())}
            page = [c for c in cards[:want] if c.sku not in have]
            self.model.append_rows(page, more=len(cards) > want and want < SEARCH_LIMIT)
            self._say_found(self.model.rowCount(), self.model.canFetchMore(QModelIndex()))

        self._services.runner.run(run, show, self._page_failed)

    def _page_failed(self, exc: BaseException) -> None:
        log.error("search (next page) failed", exc_info=exc)

    def _returned(self, seq: int, query: str, cards: list[ProductCard]) -> None:
        self._searching = False
        if self._stale:
            self._stale = False
            self._search_now()  # the box changed meanwhile: this answer is already old
            return
        self._show(seq, query, cards)

    def _search_failed(self, exc: BaseException) -> None:
        log.error("search failed", exc_info=exc)
        self._searching = False
        if self._stale:
            self._stale = False
            self._search_now()

    def _show(self, seq: int, query: str, cards: list[ProductCard]) -> None:
        if seq != self._seq:
            return  # a newer search is on its way; this one is stale
        more = len(cards) > SEARCH_PAGE
        cards = cards[:SEARCH_PAGE]
        self.model.set_rows(cards, more=more)
        self.grid.scrollToTop()
        self._shown_query = query
        if not query:
            self.status.setText(self.tr("Type what you are looking for."))
            self._set_suggestions(False)
        elif cards:
            self._say_found(len(cards), more)
            self._set_suggestions(False)
        else:
            self.status.setText(
                self.tr(
                    "Sorry, we could not find “%1”. Try a shorter word, or look in a category:"
                ).replace("%1", query)
            )
            self._set_suggestions(True)
        if query:
            self._unrecorded = (query, len(cards))
            self._settle.start()
        self.results_shown.emit(query, len(cards))

    def _say_found(self, shown: int, more: bool) -> None:
        if more:
            self.status.setText(self.tr("More than %n product(s) found", "", shown))
        else:
            self.status.setText(self.tr("%n product(s) found", "", shown))

    def _set_suggestions(self, visible: bool) -> None:
        clear_layout(self.suggest_row)
        if visible:
            for name in self._suggestions()[:6]:
                btn = QPushButton(name, self.suggest_box)
                btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                btn.clicked.connect(lambda _=False, n=name: self.category_chosen.emit(n))
                self.suggest_row.addWidget(btn)
            self.suggest_row.addStretch(1)
        self.suggest_box.setVisible(visible)

    def record_pending(self) -> None:
        """Record the last shown search (once), e.g. when typing paused or a result was opened."""
        self._settle.stop()
        if self._unrecorded is None:
            return
        query, count = self._unrecorded
        self._unrecorded = None
        store = self._services.store
        self._services.runner.run(lambda: record_search(store, query, count))

    def _chosen(self, sku: str) -> None:
        self.record_pending()
        self.product_chosen.emit(sku)

    def reset(self) -> None:
        """Forget the query and results (idle timeout, leaving the screen)."""
        self.record_pending()
        self._seq += 1
        self._stale = False
        self.box.blockSignals(True)
        self.box.clear()
        self.box.blockSignals(False)
        self.model.set_rows([])
        self.status.clear()
        self._set_suggestions(False)


class CategoryScreen(QWidget):
    """One category's products, sorted by popularity (views on this kiosk) or price.

    Signals:
        product_chosen(str): a product was tapped.
        page_shown(int): rows now in the grid after a load.
    """

    product_chosen = Signal(str)
    page_shown = Signal(int)

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._category = ""
        self._sort = ProductSort.POPULAR
        self._seq = 0
        col = QVBoxLayout(self)
        col.setContentsMargins(24, 14, 24, 8)
        col.setSpacing(10)
        head = QHBoxLayout()
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.title.setObjectName("title")
        head.addWidget(self.title, 1)
        head.addWidget(QLabel(self.tr("Sort:"), self))
        self.sort_buttons = QButtonGroup(self)
        self.sort_buttons.setExclusive(True)
        for sort, label in (
            (ProductSort.POPULAR, self.tr("Popular")),
            (ProductSort.PRICE_ASC, self.tr("Price: low to high")),
            (ProductSort.PRICE_DESC, self.tr("Price: high to low")),
        ):
            btn = QPushButton(label, self)
            btn.setCheckable(True)
            btn.setObjectName(f"sort_{sort.value}")
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            btn.clicked.connect(lambda _=False, srt=sort: self.set_sort(srt))
            self.sort_buttons.addButton(btn)
            head.addWidget(btn)
            if sort == ProductSort.POPULAR:
                btn.setChecked(True)
        col.addLayout(head)
        self.model = ProductGridModel(services.images, self)
        self.model.more_wanted.connect(self._load_more)
        self.grid = ProductGrid(self)
        self.grid.setModel(self.model)
        self.grid.product_chosen.connect(self.product_chosen)
        col.addWidget(self.grid, 1)

    @property
    def category(self) -> str:
        """The category shown."""
        return self._category

    @property
    def sort(self) -> ProductSort:
        """The current order."""
        return self._sort

    def open(self, category: str) -> None:
        """Show ``category`` (most popular first) and record the visit."""
        self._category = category
        self.title.setText(category)
        store = self._services.store
        self._services.runner.run(lambda: record_category_visit(store, category))
        for btn in self.sort_buttons.buttons():
            btn.setChecked(btn.objectName() == f"sort_{ProductSort.POPULAR.value}")
        self._sort = ProductSort.POPULAR
        self._load(0)

    def set_sort(self, sort: ProductSort) -> None:
        """Re-sort the category."""
        self._sort = sort
        for btn in self.sort_buttons.buttons():
            btn.setChecked(btn.objectName() == f"sort_{sort.value}")
        self._load(0)

    def _load_more(self, offset: int) -> None:
        self._load(offset)

    def _load(self, offset: int) -> None:
        if offset == 0:
            self._seq += 1
        seq = self._seq
        store, category, sort = self._services.store, self._category, self._sort

        def run() -> list[ProductCard]:
            with store.read() as s:
                # One extra row tells whether another page exists.
                return list_products(s, category, sort, limit=PAGE_SIZE + 1, offset=offset)

        def show(cards: list[ProductCard]) -> None:
            if seq != self._seq:
                return
            more = len(cards) > PAGE_SIZE
            cards = cards[:PAGE_SIZE]
            if offset == 0:
                self.model.set_rows(cards, more=more)
                self.grid.scrollToTop()
            else:
                self.model.append_rows(cards, more=more)
            self.page_shown.emit(self.model.rowCount())

        self._services.runner.run(run, show)

    def reset(self) -> None:
        """Forget the category (idle timeout)."""
        self._seq += 1
        self.model.set_rows([])
