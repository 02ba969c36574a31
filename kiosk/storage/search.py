"""Catalog search for villagers: Chinese substrings, pinyin, initials, SKU and barcode.

The FTS5 table ``product_search`` (migrations 0002 and 0007, rowid = ``products.id``) holds the
token columns built by :mod:`kiosk.search_keys`; only active products have a row. How a query
becomes an FTS5 expression, and why this never needs a full scan even for one-character queries,
is explained in ``docs/search.md``. Typed text never reaches FTS5 syntax directly: the query is
split into Han runs and ``[a-z0-9]`` runs first, so quotes, ``*``, ``NEAR`` and the like are
harmless.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from kiosk.search_keys import (
    PY_TOKEN_CAP,
    SearchKeys,
    SearchQuery,
    is_han,
    name_words,
    parse_query,
    product_keys,
)

TABLE = "product_search"
#: The DDL of the search table as migration 0002 first made it (0002 carries a frozen copy; a test
#: keeps them equal). Migration 0007 replaced it by :data:`TABLE_SQL`.
CREATE_SQL = (
    "CREATE VIRTUAL TABLE product_search USING fts5("
    "uni, bi, py, ini, codes, "
    "tokenize = \"unicode61 remove_diacritics 0 tokenchars '-._'\", "
    "prefix = '1 2 3')"
)
#: The DDL of the search table since migration 0007 (which carries a frozen copy; a test keeps
#: them equal): prefix indexes for 1-2 characters only, and no column sizes (bm25 is not used).
TABLE_SQL = (
    "CREATE VIRTUAL TABLE product_search USING fts5("
    "uni, bi, py, ini, codes, "
    "tokenize = \"unicode61 remove_diacritics 0 tokenchars '-._'\", "
    "prefix = '1 2', columnsize = 0)"
)
#: Rows written per executemany batch when (re)indexing.
BATCH = 1000
#: Most matches one search phase ranks (bounds the work of one- and two-letter queries).
CANDIDATES = 300

#: Ranking tiers, best first.
TIER_CODE = 0  # the query is the product's SKU or barcode
TIER_EXACT = 1  # the query is the whole name, or the whole name's pinyin/initials
TIER_PREFIX = 2  # the name (or its pinyin/initials, or the SKU) starts with the query
TIER_OTHER = 3  # the query occurs somewhere in the name

Executor = Session | Connection


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result, as the villager screen and ``kiosk catalog search`` show it."""

    sku: str
    name: str
    price_fen: int
    unit: str
    category: str
    image_hash: str | None
    stock: str
    rank_tier: int
    #: How often the product was viewed (ranking tie-break).
    views: int = 0


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """What the index needs to know about one active product."""

    id: int
    name: str
    sku: str
    barcode: str | None
    category_id: int
    #: ``product_keys(name, sku, barcode)`` if already computed (e.g. off the writing thread).
    keys: SearchKeys | None = None


# --- keeping the index in step -----------------------------------------------------------------


def _rows(entries: Iterable[IndexEntry]) -> Iterable[tuple[int, str, str, str, str, str]]:
    for e in entries:
        k = e.keys if e.keys is not None else product_keys(e.name, e.sku, e.barcode)
        codes = f"{k.codes} {category_token(e.category_id)}"
        yield (e.id, k.uni, k.bi, k.py, k.ini, codes)


def _chunks(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _connection(s: Executor) -> Connection:
    return s.connection() if isinstance(s, Session) else s


# Plain DB-API statements with tuples: a first sync indexes 100,000 products, and SQLAlchemy's
# per-row parameter processing of text() statements was a large share of that (docs/benchmarks.md).
_INSERT = f"INSERT INTO {TABLE} (rowid, uni, bi, py, ini, codes) VALUES (?, ?, ?, ?, ?, ?)"
_DELETE = f"DELETE FROM {TABLE} WHERE rowid = ?"


def index_products(s: Executor, entries: Iterable[IndexEntry], *, replace: bool = True) -> int:
    """Write the search rows of ``entries`` (active products) inside the caller's transaction.

    Args:
        s: a session or connection in a write transaction.
        entries: the products to index.
        replace: delete any existing row first; pass ``False`` only for products just created.

    Returns:
        How many rows were written.
    """
    conn = _connection(s)
    count = 0
    for chunk in _chunks(_rows(entries), BATCH):
        if replace:
            conn.exec_driver_sql(_DELETE, [(r[0],) for r in chunk])
        conn.exec_driver_sql(_INSERT, chunk)
        count += len(chunk)
    return count


def unindex_products(s: Executor, ids: Iterable[int]) -> None:
    """Remove the search rows of these product ids (missing rows are fine)."""
    conn = _connection(s)
    for chunk in _chunks(((i,) for i in ids), BATCH):
        conn.exec_driver_sql(_DELETE, chunk)


def reindex_connection(conn: Executor) -> int:
    """Rebuild the whole index from ``products`` (active ones only); returns rows written."""
    conn.execute(text(f"DELETE FROM {TABLE}"))
    result = conn.execute(
        text("SELECT id, name, sku, barcode, category_id FROM products WHERE active = 1")
    )
    entries = [IndexEntry(r[0], r[1], r[2], r[3], r[4]) for r in result]
    return index_products(conn, entries, replace=False)


def reindex_after(s: Executor, after_id: int, limit: int) -> tuple[int, int]:
    """Re-index up to ``limit`` active products with ids above ``after_id``, in id order.

    Returns the last id done and how many were done (fewer than ``limit``: that was the end).
    """
    result = s.execute(
        text(
            "SELECT id, name, sku, barcode, category_id FROM products"
            " WHERE active = 1 AND id > :after ORDER BY id LIMIT :limit"
        ),
        {"after": after_id, "limit": limit},
    )
    entries = [IndexEntry(r[0], r[1], r[2], r[3], r[4]) for r in result]
    done = index_products(s, entries, replace=True)
    return (entries[-1].id if entries else after_id), done


def reindex_all(s: Session) -> int:
    """Rebuild the whole index inside the caller's write unit of work; returns rows written.

    Use after a change of :data:`kiosk.search_keys.KEYS_VERSION` or of the pypinyin dictionary.
    """
    return reindex_connection(s)


# --- building the FTS5 query -------------------------------------------------------------------


def _quote(token: str) -> str:
    # Tokens come from parse_query: Han characters or [a-z0-9._-] only, never a double quote.
    assert '"' not in token
    return f'"{token}"'


def _han_phrase(run: str) -> str:
    """One character → that token in ``uni``; two or more → the phrase of its bigrams in ``bi``."""
    if len(run) == 1:
        return _quote(run)
    return _quote(" ".join(run[i : i + 2] for i in range(len(run) - 1)))


def _run_term(run: str, *, anchored: bool = False) -> str:
    caret = "^" if anchored else ""
    if is_han(run):
        column = "uni" if len(run) == 1 else "bi"
        return f"{column} : {caret}{_han_phrase(run)}"
    return f"{{uni py ini codes}} : {caret}{_quote(run)}*"


def match_expression(q: SearchQuery) -> str | None:
    """The FTS5 expression finding every product that matches ``q`` (``None``: nothing can)."""
    alternatives: list[str] = []
    if q.runs:
        alternatives.append(" AND ".join(f"({_run_term(r)})" for r in q.runs))
        if len(q.runs) > 1 and not any(is_han(r) for r in q.runs):
            # "xi yi ji" typed with spaces is also the pinyin "xiyiji".
            joined = "".join(q.runs)[:PY_TOKEN_CAP]
            alternatives.append(f"{{py ini}} : {_quote(joined)}*")
    if q.code is not None and q.runs != (q.code,):
        alternatives.append(f"codes : {_quote(q.code)}*")
    if not alternatives:
        return None
    return " OR ".join(f"({a})" for a in alternatives)


def prefix_expression(q: SearchQuery) -> str | None:
    """Products whose name, pinyin, initials or SKU start with the query's first run."""
    if not q.runs:
        return None
    return _run_term(q.runs[0], anchored=True)


def exact_pinyin_expression(q: SearchQuery) -> str | None:
    """For a single Latin run: products whose whole-name pinyin or initials equal it.

    The first ``py``/``ini`` token is the whole name's reading, so this is one exact-token
    lookup (no prefix merge) and needs no further check.
    """
    if len(q.runs) != 1 or is_han(q.runs[0]):
        return None
    return f"{{py ini}} : ^{_quote(q.runs[0])}"


def category_token(category_id: int) -> str:
    """The token in ``codes`` naming a product's category (a SKU can never start with ``_``)."""
    return f"_c{category_id}"


@dataclass(frozen=True, slots=True)
class SearchPhase:
    """One statement of a search: its SQL, parameters and the tier of what it finds."""

    tier: int
    sql: str
    params: dict[str, Any]


#: What a phase returns for each candidate: products.id, name, views and the tier found.
Candidate = tuple[int, str, int, int]


def _fts_phase(tier: int, expr: str, limit: int, tier_sql: str | None = None) -> SearchPhase:
    # The inner LIMIT bounds the work: FTS5 yields matches in rowid order and stops early, so a
    # one-character query never ranks more than CANDIDATES products however many contain it.
    # Only what ranking needs is read here; the shown columns are read for the winners only.
    sql = f"""
        SELECT p.id, p.name, p.views, {tier_sql or tier} AS tier
        FROM (SELECT rowid AS id FROM {TABLE} WHERE {TABLE} MATCH :expr LIMIT :cap) AS m
        JOIN products AS p ON p.id = m.id
        WHERE p.active = 1
        ORDER BY tier, p.views DESC, p.name
        LIMIT :limit
    """
    return SearchPhase(tier, sql, {"expr": expr, "cap": CANDIDATES, "limit": limit})


def search_phases(query: str, limit: int = 50, category_id: int | None = None) -> list[SearchPhase]:
    """The statements :func:`search_products` runs, best tier first (empty: nothing can match).

    Each statement returns :data:`Candidate` rows (``id, name, views, tier``). Public so tests
    and benchmarks can inspect every statement's query plan.
    """
    q = parse_query(query)
    match = match_expression(q)
    if match is None or limit <= 0:
        return []

    def in_category(expr: str) -> str:
        if category_id is None:
            return expr
        return f"({expr}) AND (codes : {_quote(category_token(category_id))})"

    # Later phases may find rows already found by earlier ones: ask for enough to fill up.
    phases: list[SearchPhase] = []
    if q.code is not None:
        cat = " AND p.category_id = :category_id" if category_id is not None else ""
        phases.append(
            SearchPhase(
                TIER_CODE,
                f"""
                SELECT p.id, p.name, p.views, {TIER_CODE} AS tier FROM products AS p
                WHERE (p.sku IN (:code, :code_upper, :code_typed) OR p.barcode = :code)
                    AND p.active = 1{cat}
                ORDER BY p.views DESC, p.name
                LIMIT :limit
                """,
                {
                    "code": q.code,
                    "code_upper": q.code.upper(),
                    "code_typed": query.strip(),
                    "category_id": category_id,
                    "limit": limit,
                },
            )
        )
    exact = exact_pinyin_expression(q)
    if exact is not None:
        phases.append(_fts_phase(TIER_EXACT, in_category(exact), limit * 2))
    prefix = prefix_expression(q)
    if prefix is None:
        phases.append(_fts_phase(TIER_OTHER, in_category(match), limit))
        return phases
    # With one run the anchored term already implies the match; with more, both must hold.
    anchored = prefix if len(q.runs) == 1 else f"({prefix}) AND ({match})"
    tier_sql: str | None = None
    params: dict[str, Any] = {}
    if all(is_han(r) for r in q.runs):
        # A name equal to the query starts with it, so exact names are among these rows.
        tier_sql = (
            f"CASE WHEN replace(lower(p.name), ' ', '') = :compact "
            f"THEN {TIER_EXACT} ELSE {TIER_PREFIX} END"
        )
        params["compact"] = q.compact
    phase = _fts_phase(TIER_PREFIX, in_category(anchored), limit * 2, tier_sql)
    phase.params.update(params)
    phases.append(phase)
    phases.append(_fts_phase(TIER_OTHER, in_category(f"({match}) NOT ({prefix})"), limit))
    return phases


_SHOWN_SQL = (
    "SELECT p.id, p.sku, p.name, p.price_fen, p.unit, c.name, p.image_hash, p.stock, p.views"
    " FROM products AS p JOIN categories AS c ON c.id = p.category_id WHERE p.id IN ({})"
)


def search_products(
    s: Session, query: str, limit: int = 50, category: str | None = None
) -> list[SearchHit]:
    """Find active products for what a villager typed, best first.

    Ranking tiers: exact SKU/barcode, exact name (or whole-name pinyin/initials), name/pinyin/
    SKU prefix, then the rest. Within a tier: most viewed first, then by name; a tier with more
    than :data:`CANDIDATES` matches is ranked among its first :data:`CANDIDATES` in index order
    (see ``docs/search.md``). Any text is accepted: a query with nothing searchable in it returns
    an empty list, never an error.

    Args:
        s: a read (or write) unit of work.
        query: the text as typed.
        limit: most results to return.
        category: only this category's products (by name), if given.
    """
    # The DB-API connection of the session's transaction: a search is a few short statements,
    # and SQLAlchemy's per-statement and per-row overhead was a third of its time
    # (docs/benchmarks.md).
    db = _connection(s).connection.driver_connection
    assert db is not None
    category_id: int | None = None
    if category is not None:
        found = db.execute("SELECT id FROM categories WHERE name = ?", (category,)).fetchone()
        if found is None:
            return []
        category_id = int(found[0])
    q = parse_query(query)
    word_query = _word_query(q)
    # Whole-word ranking reorders within a tier, so a phase must deliver all its candidates,
    # not only the first ``limit`` in views order. Each phase is one tier, best first: once
    # ``limit`` hits are in, later phases cannot move ahead of them and are not run.
    fetch = max(limit, CANDIDATES) if word_query is not None and limit > 0 else limit
    found_rows: list[Candidate] = []
    seen: set[int] = set()
    for phase in search_phases(query, fetch, category_id):
        for row in db.execute(phase.sql, phase.params):
            if row[0] in seen:
                continue
            seen.add(row[0])
            found_rows.append(row)
            if len(found_rows) >= fetch:
                break
        if len(found_rows) >= limit:
            break
    if word_query is not None:
        found_rows = rank_whole_words(found_rows, word_query)
    best = found_rows[:limit]
    if not best:
        return []
    shown = {
        r[0]: r
        for r in db.execute(_SHOWN_SQL.format(",".join("?" * len(best))), [c[0] for c in best])
    }
    return [
        SearchHit(
            sku=r[1],
            name=r[2],
            price_fen=r[3],
            unit=r[4],
            category=r[5],
            image_hash=r[6],
            stock=r[7],
            rank_tier=tier,
            views=r[8],
        )
        for id_, _name, _views, tier in best
        if (r := shown.get(id_)) is not None
    ]


def prepare_word_ranking() -> None:
    """Load what ranking a letters-only query needs (pypinyin's dictionary and segmenter).

    The first letter query after start-up would otherwise load it (about 0.2 s); call this on a
    worker when the search screen opens, before anyone types.
    """
    name_words("洗衣机")


def _word_query(q: SearchQuery) -> str | None:
    """The query as pinyin or initials of a word (one run of two or more letters), or ``None``."""
    if len(q.runs) != 1 or is_han(q.runs[0]):
        return None
    run = q.runs[0]
    return run if len(run) >= 2 and run.isascii() and run.isalpha() else None


def rank_whole_words(found: list[Candidate], query: str) -> list[Candidate]:
    """Within the prefix and "rest" tiers, put products where ``query`` names a whole word first.

    ``query`` names a word of a product when it is that word's pinyin or initials (``dm`` and
    ``dami`` for 大米 in 东北大米, ``xyj`` for 洗衣机 in 滚筒洗衣机). Such products come first
    in their tier, grouped by word; the word the results carry most (each product counts
    1 + its views) comes first, so ``dm`` lists the rice before 地膜 when the shop sells more
    rice. Other products keep their order (views, then name). Tiers never change.
    """
    word_of: dict[int, str] = {}
    weight: dict[str, int] = {}
    for id_, name, views, tier in found:
        if tier < TIER_PREFIX:
            continue
        for pinyin, initials in name_words(name):
            if query in (pinyin, initials):
                word_of[id_] = pinyin
                weight[pinyin] = weight.get(pinyin, 0) + 1 + views
                break
    if not word_of:
        return found

    def key(item: tuple[int, Candidate]) -> tuple[int, int, int, str, int]:
        index, (id_, _name, _views, tier) = item
        word = word_of.get(id_)
        if word is None:
            return (tier, 1, 0, "", index)
        return (tier, 0, -weight[word], word, index)

    return [c for _, c in sorted(enumerate(found), key=key)]


def indexed_ids(s: Session, ids: Sequence[int]) -> set[int]:
    """Which of these product ids have a search row (for checks and tests)."""
    if not ids:
        return set()
    rows = s.execute(
        text(f"SELECT rowid FROM {TABLE} WHERE rowid IN ({','.join(str(int(i)) for i in ids)})")
    )
    return {r[0] for r in rows}
