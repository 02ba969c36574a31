"""The layering promise: the core packages never import Qt (nor the domain SQLAlchemy/httpx)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import REPO_ROOT

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
