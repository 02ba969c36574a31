"""The PyInstaller bundle: what it carries, and that it runs with no Python around it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.installers.conftest import APP, METRICS, REPO_ROOT, clean_env, run_app, run_gui_selftest

pytestmark = pytest.mark.installers


def _internal(bundle: Path) -> Path:
    return bundle / "_internal"


def _tree_size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _source_modules() -> set[str]:
    """Every importable module under kiosk/ in this checkout (what the bundle must carry)."""
    found = set()
    for path in (REPO_ROOT / "kiosk").rglob("*.py"):
        rel = path.relative_to(REPO_ROOT).with_suffix("")
        if "migrations" in rel.parts or "__pycache__" in rel.parts:
            continue  # Alembic scripts are files, not modules (checked separately)
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        found.add(".".join(parts))
    return found


def _bundled_modules(bundle: Path) -> set[str]:
    from PyInstaller.archive.readers import CArchiveReader

    archive = CArchiveReader(str(bundle / APP))
    pyz = archive.open_embedded_archive("PYZ.pyz")
    return set(pyz.toc)


def test_bundle_carries_every_kiosk_module(bundle: Path) -> None:
    modules = _bundled_modules(bundle)
    missing = sorted(_source_modules() - modules)
    assert not missing, f"modules of kiosk/ not in the bundle: {missing}"
    unwanted = sorted(
        m
        for m in modules
        if m.split(".")[0] in {"central", "fastapi", "uvicorn", "psycopg", "pytest", "tests"}
    )
    assert not unwanted, f"the kiosk does not need: {unwanted[:20]}"


def test_bundle_carries_data_files_and_qt_plugins(bundle: Path) -> None:
    internal = _internal(bundle)
    migrations = REPO_ROOT / "kiosk" / "storage" / "migrations"
    for script in [migrations / "env.py", *sorted((migrations / "versions").glob("*.py"))]:
        bundled = internal / script.relative_to(REPO_ROOT)
        assert bundled.is_file(), f"migration script missing: {bundled}"
        assert bundled.read_bytes() == script.read_bytes()
    for qm in sorted((REPO_ROOT / "kiosk" / "ui" / "i18n").glob("*.qm")):
        assert (internal / qm.relative_to(REPO_ROOT)).is_file(), f"translation missing: {qm.name}"
    demo = REPO_ROOT / "assets" / "demo"
    demo_files = [p for p in demo.rglob("*") if p.is_file()]
    assert demo_files
    for src in demo_files:
        assert (internal / src.relative_to(REPO_ROOT)).is_file(), f"asset missing: {src}"

    plugins = internal / "PySide6" / "Qt" / "plugins"
    wanted = ("platforms/libqoffscreen.so", "platforms/libqxcb.so", "imageformats/libqjpeg.so")
    for plugin in wanted:
        assert (plugins / plugin).is_file(), f"Qt plugin missing: {plugin}"
    assert any((plugins / "printsupport").iterdir()), "no Qt print support plugin"
    # Dropped on purpose: loading the PC's GTK over bundled GLib/Pango can crash.
    assert not (plugins / "platformthemes" / "libqgtk3.so").exists()
    qt_libs = {p.name for p in (internal / "PySide6" / "Qt" / "lib").iterdir()}
    for unused in ("libQt6Qml.so.6", "libQt6Quick.so.6", "libQt6WebEngineCore.so.6"):
        assert unused not in qt_libs, f"unused Qt library bundled: {unused}"

    size = _tree_size(bundle)
    METRICS["bundle size (unpacked)"] = f"{size / 1e6:.0f} MB"
    assert size < 300e6, f"bundle grew to {size / 1e6:.0f} MB"


def test_doctor_from_bundle_in_clean_env(bundle: Path, tmp_path: Path) -> None:
    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    env = clean_env(home, data)

    # A fresh PC: doctor reports the missing database and creates nothing.
    fresh = run_app(bundle / APP, "doctor", "--json", env=env)
    assert fresh.returncode == 1, fresh.stderr
    assert json.loads(fresh.stdout)["ok"] is False
    assert not (data / "kiosk.db").exists()

    # Seed from the demo catalog the bundle itself carries, back up, and everything is ok.
    catalog = _internal(bundle) / "assets" / "demo" / "catalog.jsonl"
    imported = run_app(bundle / APP, "catalog", "import", str(catalog), "--json", env=env)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["created"] > 0
    assert run_app(bundle / APP, "backup", env=env).returncode == 0

    done = run_app(bundle / APP, "doctor", "--json", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert report["ok"] is True, [c for c in report["checks"] if not c["ok"]]
    assert "up to date" in checks["schema"]["detail"]
    assert "Python 3.11" in checks["versions"]["detail"]


def test_gui_from_bundle_offscreen_screenshot(bundle: Path, tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    env = clean_env(home, data)
    catalog = _internal(bundle) / "assets" / "demo" / "catalog.jsonl"
    assert run_app(bundle / APP, "catalog", "import", str(catalog), env=env).returncode == 0

    shot = tmp_path / "bundle-gui.png"
    done, shown_s = run_gui_selftest(bundle / APP, shot, env)
    assert done.returncode == 0, done.stderr
    assert f"KIOSK_SELFTEST screenshot={shot}" in done.stdout
    image = QImage(str(shot))
    assert not image.isNull() and image.width() >= 640 and image.height() >= 480
    # A real screen has many colours; a blank or black window has one or two.
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, 200, 5)}
    assert len(colours) > 20, "the screenshot looks blank"
    METRICS["bundle: launch to kiosk window (first start)"] = f"{shown_s:.2f} s"
    METRICS["bundle screenshot"] = str(shot)


def test_bundle_speaks_mandarin_offline(bundle: Path, tmp_path: Path) -> None:
    """The read-aloud engine and its Mandarin voice travel inside the bundle (no system package)."""
    from tests.helpers.wav_measure import measure

    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    env = clean_env(home, data)
    wav = tmp_path / "voice.wav"
    said = run_app(bundle / APP, "tech", "speech-test", "--wav", str(wav), "--json", env=env)
    assert said.returncode == 0, said.stderr
    m = measure(wav, pitch=False)
    assert 10 < m.seconds < 40 and m.voiced_fraction > 0.5, m
    voices = _internal(bundle) / "espeakng_loader" / "espeak-ng-data"
    assert (voices / "cmn_dict").is_file() and (voices / "en_dict").is_file()
    assert not (voices / "yue_dict").exists()  # only the voices the kiosk speaks
