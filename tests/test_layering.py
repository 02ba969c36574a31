"""The layering promise: the core packages never import Qt (nor the domain SQLAlchemy/httpx)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text

from kiosk.storage.orders import get_order
from kiosk.storage.store import KioskStore
from tests.conftest import REPO_ROOT
from tests.helpers.seed import seed_products

BLOCKER = textwrap.dedent(
    """
    import importlib.abc, sys
    BLOCKED = {blocked!r}
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"layering: {{name}} must not be imported here")
            return None
    sys.meta_path.insert(0, Block())
    import importlib, pkgutil
    for top in {modules!r}:
        mod = importlib.import_module(top)
        if hasattr(mod, "__path__"):
            for info in pkgutil.walk_packages(mod.__path__, top + "."):
                if {skip!r} and any(info.name.startswith(s) for s in {skip!r}):
                    continue
                importlib.import_module(info.name)
    print("LAYERING-OK")
    """
)


def _run(
    blocked: set[str], modules: list[str], skip: list[str]
) -> subprocess.CompletedProcess[str]:
    code = BLOCKER.format(blocked=blocked, modules=modules, skip=skip)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )


def test_core_packages_import_without_pyside6() -> None:
    result = _run(
        {"PySide6", "shiboken6"},
        [
            "kiosk.storage",
            "kiosk.sync",
            "kiosk.speech",
            "central",
            "kiosk.wire",
            "kiosk.orders",
            "kiosk.catalog",
        ],
        ["kiosk.storage.migrations", "central.migrations"],
    )
    assert result.returncode == 0, result.stderr
    assert "LAYERING-OK" in result.stdout


def test_domain_modules_import_without_sqlalchemy_httpx_or_qt() -> None:
    domain = [
        "kiosk.money",
        "kiosk.ids",
        "kiosk.orders",
        "kiosk.customers",
        "kiosk.pickup",
        "kiosk.catalog",
        "kiosk.wire",
        "kiosk.errors",
        "kiosk.textfiles",
    ]
    result = _run({"PySide6", "shiboken6", "sqlalchemy", "httpx", "alembic"}, domain, [])
    assert result.returncode == 0, result.stderr
    assert "LAYERING-OK" in result.stdout


def test_blocker_really_blocks() -> None:
    """The check above must be able to fail: importing Qt under the blocker is refused."""
    result = _run({"PySide6"}, ["kiosk.ui_probe_does_not_exist"], [])
    assert result.returncode != 0
    code = BLOCKER.format(blocked={"PySide6"}, modules=["PySide6.QtCore"], skip=[])
    probe = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert probe.returncode != 0 and "layering: PySide6" in probe.stderr


#: What the command line's start and its order path must not import: each costs a noticeable
#: part of a second at start-up (docs/benchmarks.md, "Command line").
HEAVY_AT_START = {"sqlalchemy", "alembic", "pydantic", "PySide6", "shiboken6", "httpx", "pypinyin"}

CLI_RUNNER = textwrap.dedent(
    """
    import importlib.abc, sys
    BLOCKED = {blocked!r}
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"start-up: {{name}} must not be imported here")
            return None
    sys.meta_path.insert(0, Block())
    from kiosk.cli import main
    sys.exit(main({argv!r}))
    """
)


def _cli_blocked(argv: list[str], blocked: set[str]) -> subprocess.CompletedProcess[str]:
    code = CLI_RUNNER.format(blocked=blocked, argv=argv)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )


def test_cli_import_and_help_import_nothing_heavy() -> None:
    result = _cli_blocked(["--help"], HEAVY_AT_START)
    assert result.returncode == 0, result.stderr
    assert "orders" in result.stdout


def test_cli_order_path_imports_nothing_heavy(store: KioskStore) -> None:
    """`kiosk orders place` on a ready store: SQLAlchemy, pydantic and the rest stay unloaded,
    and the order is really placed (read back through the full store)."""
    seed_products(store)
    argv = ["--data-dir", str(store.data_dir), "orders", "place", "--name", "张三"]
    argv += ["--phone", "13812345678", "--item", "LY-0001:2", "--json"]
    result = _cli_blocked(argv, HEAVY_AT_START)
    assert result.returncode == 0, result.stderr
    placed = json.loads(result.stdout.splitlines()[0])
    with store.read() as s:
        assert get_order(s, placed["order_id"]).local_no == placed["local_no"] == "LOCAL-0001"


def test_cli_start_guard_can_fail(store: KioskStore) -> None:
    """The guard above must be able to fail: a store behind the schema head needs the full open
    (Alembic, SQLAlchemy), which the blocker refuses."""
    seed_products(store)
    with store.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '0005'"))
    argv = ["--data-dir", str(store.data_dir), "orders", "place", "--name", "张三"]
    argv += ["--phone", "13812345678", "--item", "LY-0001:2", "--json"]
    result = _cli_blocked(argv, HEAVY_AT_START)
    assert result.returncode != 0 and "start-up: sqlalchemy" in result.stderr
    assert result.stdout == ""


# --- Module-level import graph -----------------------------------------------------------------

PROJECT_PACKAGES = ("kiosk", "central")


def _module_files() -> dict[str, Path]:
    """Every project module by dotted name (not the Alembic scripts: Alembic loads them by path)."""
    found: dict[str, Path] = {}
    for top in PROJECT_PACKAGES:
        for path in sorted((REPO_ROOT / top).rglob("*.py")):
            rel = path.relative_to(REPO_ROOT).with_suffix("")
            if "migrations" in rel.parts:
                continue
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            found[".".join(parts)] = path
    return found


def _runtime_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements that run when the module is imported (not ``if TYPE_CHECKING:`` blocks,
    nor the bodies of functions and classes' methods, which run later)."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            test = stmt.test
            name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", "")
            if name != "TYPE_CHECKING":
                yield from _runtime_statements(stmt.body)
            yield from _runtime_statements(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            for block in (stmt.body, *(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody):
                yield from _runtime_statements(block)
        elif isinstance(stmt, ast.With | ast.ClassDef):
            yield from _runtime_statements(stmt.body)
        else:
            yield stmt


def module_import_graph() -> dict[str, set[str]]:
    """Project module -> the project modules it imports while being imported."""
    files = _module_files()
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for stmt in _runtime_statements(tree.body):
            targets: list[str] = []
            if isinstance(stmt, ast.Import):
                targets = [alias.name for alias in stmt.names]
            elif isinstance(stmt, ast.ImportFrom):
                if stmt.level:
                    base = name.split(".")
                    base = base[: len(base) - stmt.level + (1 if is_package else 0)]
                    source = ".".join([*base, stmt.module] if stmt.module else base)
                else:
                    source = stmt.module or ""
                targets = [source]
                targets += [f"{source}.{alias.name}" for alias in stmt.names]
            for target in targets:
                if target in files and target != name:
                    graph[name].add(target)
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(cycles)


def test_no_import_cycle_among_project_modules() -> None:
    graph = module_import_graph()
    assert "kiosk.storage.store" in graph and "central.app" in graph  # the walk found the tree
    cycles = import_cycles(graph)
    assert cycles == [], "module-level import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_cycle_finder_finds_a_cycle() -> None:
    """The check above must be able to fail."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert import_cycles(graph) == [["a", "b", "c"]]


def _imports_anywhere(path: Path, module: str) -> Iterator[str]:
    """Every module an import statement anywhere in the file names (functions and
    ``TYPE_CHECKING`` blocks included), resolved to absolute dotted names."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            yield source
            yield from (f"{source}.{alias.name}" for alias in node.names)


def _forbidden_imports(package: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for name, path in _module_files().items():
        if name != package and not name.startswith(package + "."):
            continue
        for target in _imports_anywhere(path, name):
            if any(target == f or target.startswith(f + ".") for f in forbidden):
                found.append(f"{name} imports {target}")
    return sorted(set(found))


def test_central_imports_nothing_from_kiosk_storage_or_ui() -> None:
    """Central shares the domain, the wire schema and the kernel, never the kiosk's store or GUI:
    no import statement anywhere in central/ names them, and importing every central module
    loads neither."""
    assert _forbidden_imports("central", ("kiosk.storage", "kiosk.ui")) == []
    code = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import central
        for info in pkgutil.walk_packages(central.__path__, "central."):
            if not info.name.startswith("central.migrations"):
                importlib.import_module(info.name)
        bad = sorted(m for m in sys.modules if m.startswith(("kiosk.storage", "kiosk.ui")))
        print("LOADED:", bad)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "LOADED: []" in result.stdout, result.stdout


def test_kernel_imports_nothing_else_of_the_project() -> None:
    """The shared kernel stands on the standard library, SQLAlchemy and Alembic only."""
    project = ("kiosk", "central")
    found = [
        line
        for line in _forbidden_imports("kiosk.kernel", project)
        if not line.split(" imports ")[1].startswith("kiosk.kernel")
    ]
    assert found == []


def test_forbidden_import_finder_finds_one() -> None:
    """The checks above must be able to fail: the kiosk's store does import its models."""
    assert "kiosk.storage.store imports kiosk.storage.models" in _forbidden_imports(
        "kiosk.storage.store", ("kiosk.storage.models",)
    )


def test_no_import_cycle_in_the_store_even_through_deferred_imports() -> None:
    """Inside kiosk/storage (and the kernel under it) no module needs a function-level import to
    dodge a cycle: counting every import statement, deferred and ``TYPE_CHECKING`` ones too,
    the graph has no cycle."""
    files = _module_files()
    scope = [n for n in files if n.startswith(("kiosk.storage", "kiosk.kernel"))]
    graph = {
        name: {t for t in _imports_anywhere(files[name], name) if t in scope and t != name}
        for name in scope
    }
    assert "kiosk.storage.store" in graph and "kiosk.storage.recovery" in graph
    cycles = import_cycles(graph)
    assert cycles == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)
