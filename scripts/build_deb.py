"""Build the Debian package of Village Kiosk from the PyInstaller bundle (``make deb``).

Usage: ``python scripts/build_deb.py [--bundle dist/village-kiosk] [--out dist] [--version V]``

Only ``dpkg-deb`` is needed (no fpm, no debhelper). The package installs:

* ``/opt/village-kiosk/`` — the one-folder bundle and the session loop ``village-kiosk-session``;
* ``/usr/bin/village-kiosk`` and ``/usr/bin/village-kiosk-session`` — symlinks into ``/opt``;
* ``/usr/share/applications/village-kiosk.desktop`` — the menu entry;
* ``/etc/xdg/autostart/village-kiosk.desktop`` — full screen at login, restarted when it exits
  (a conffile: a technician's edit, e.g. ``Hidden=true`` to turn autostart off, survives upgrades).

No data is ever written under ``/opt``: the kiosk keeps it in each user's data folder, which is why
an upgrade or removal leaves orders alone.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINUX = ROOT / "installers" / "linux"
PACKAGE = "village-kiosk"
PREFIX = Path("opt") / PACKAGE

#: Debian packages for what the bundle does not carry: GL/EGL and the X/Wayland client libraries
#: must come from the PC (drivers), and Qt's xcb plugin needs a few xcb helpers PyInstaller
#: could not bundle (checked with ldd on the bundle). Fonts: the kiosk is Chinese first.
DEPENDS = [
    "libegl1",
    "libgl1",
    "libdrm2",
    "libxcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-shape0",
    "libxkbcommon-x11-0",
    "libwayland-client0",
    "libwayland-cursor0",
    "libwayland-egl1",
    "libfontconfig1",
    # Read aloud plays through PortAudio (the speech engine itself is in the bundle).
    "libportaudio2",
    "libdbus-1-3",
    "fonts-noto-cjk",
]

_GLIBC_VERSION = re.compile(rb"GLIBC_(2\.\d+)(?:\.\d+)?\x00")


class DebBuildError(Exception):
    """The package cannot be built (a missing bundle, dpkg-deb failed); the message says why."""


def project_version() -> str:
    """``kiosk.__version__``, read from the source (importing kiosk here is not needed)."""
    text = (ROOT / "kiosk" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if match is None:
        raise DebBuildError("no __version__ in kiosk/__init__.py")
    return match.group(1)


def host_arch() -> str:
    """The Debian architecture of this machine (the bundle is native code: build per arch)."""
    out = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True)
    return out.stdout.strip() or "amd64"


def min_glibc(bundle: Path) -> str | None:
    """The newest glibc symbol version any bundled ELF file needs (the bundle's libc6 floor)."""
    best: tuple[int, ...] | None = None
    for path in bundle.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        with path.open("rb") as fh:
            if fh.read(4) != b"\x7fELF":
                continue
            data = fh.read()
        for raw in _GLIBC_VERSION.findall(data):
            version = tuple(int(p) for p in raw.decode().split("."))
            if best is None or version > best:
                best = version
    return ".".join(map(str, best)) if best else None


def _link_or_copy(src: str, dst: str) -> None:
    # Hard links make staging a 200 MB bundle instant; dpkg-deb reads them like any file.
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _installed_size_kib(root: Path) -> int:
    total = 0
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += (path.stat().st_size + 1023) // 1024
    return max(total, 1)


def _md5sums(root: Path) -> str:
    lines = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.parts[len(root.parts)] != "DEBIAN":
            digest = hashlib.md5(path.read_bytes()).hexdigest()
            lines.append(f"{digest}  {path.relative_to(root).as_posix()}\n")
    return "".join(lines)


def stage(bundle: Path, staging: Path, version: str, arch: str) -> None:
    """Lay out the package tree (with DEBIAN/) in ``staging``."""
    opt = staging / PREFIX
    shutil.copytree(bundle, opt, symlinks=True, copy_function=_link_or_copy)
    shutil.copy2(LINUX / "village-kiosk-session", opt / "village-kiosk-session")
    (opt / "village-kiosk-session").chmod(0o755)

    usr_bin = staging / "usr" / "bin"
    usr_bin.mkdir(parents=True)
    (usr_bin / PACKAGE).symlink_to(f"/{PREFIX}/{PACKAGE}")
    (usr_bin / "village-kiosk-session").symlink_to(f"/{PREFIX}/village-kiosk-session")

    files = {
        LINUX / "village-kiosk.desktop": "usr/share/applications/village-kiosk.desktop",
        LINUX / "village-kiosk-autostart.desktop": "etc/xdg/autostart/village-kiosk.desktop",
        LINUX / "village-kiosk.svg": "usr/share/icons/hicolor/scalable/apps/village-kiosk.svg",
    }
    for src, rel in files.items():
        dst = staging / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        dst.chmod(0o644)
    doc = staging / "usr" / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        "Village Kiosk\nLicense: Apache-2.0\n"
        "On Debian systems the full license is in /usr/share/common-licenses/Apache-2.0.\n",
        encoding="utf-8",
    )
    (doc / "copyright").chmod(0o644)

    debian = staging / "DEBIAN"
    debian.mkdir()
    depends = list(DEPENDS)
    glibc = min_glibc(bundle)
    if glibc:
        depends.insert(0, f"libc6 (>= {glibc})")
    control = (
        (LINUX / "control.in")
        .read_text(encoding="utf-8")
        .replace("@VERSION@", version)
        .replace("@ARCH@", arch)
        .replace("@INSTALLED_SIZE@", str(_installed_size_kib(staging)))
        .replace("@DEPENDS@", ", ".join(depends))
    )
    (debian / "control").write_text(control, encoding="utf-8")
    (debian / "conffiles").write_text("/etc/xdg/autostart/village-kiosk.desktop\n")
    (debian / "md5sums").write_text(_md5sums(staging), encoding="utf-8")
    for script in ("postinst", "prerm", "postrm"):
        shutil.copyfile(LINUX / script, debian / script)
        (debian / script).chmod(0o755)
    for name in ("control", "conffiles", "md5sums"):
        (debian / name).chmod(0o644)
    # dpkg-deb insists on sane directory modes whatever the builder's umask was.
    for path in [staging, *staging.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)


def build_deb(
    bundle: Path,
    out_dir: Path,
    *,
    version: str | None = None,
    arch: str | None = None,
    compression: str = "xz",
    level: int | None = None,
) -> Path:
    """Build ``village-kiosk_<version>_<arch>.deb`` in ``out_dir`` and return its path."""
    if not (bundle / PACKAGE).is_file():
        raise DebBuildError(f"no bundle at {bundle}: run `make bundle` first")
    if shutil.which("dpkg-deb") is None:
        raise DebBuildError("dpkg-deb is not installed (apt-get install dpkg)")
    version = version or project_version()
    arch = arch or host_arch()
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{PACKAGE}_{version}_{arch}.deb"
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".deb-staging-") as tmp:
        staging = Path(tmp) / "root"
        stage(bundle, staging, version, arch)
        cmd = ["dpkg-deb", "--root-owner-group", f"-Z{compression}"]
        if level is not None:
            cmd.append(f"-z{level}")
        partial = deb.with_name(deb.name + ".partial")
        cmd += ["--build", str(staging), str(partial)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            partial.unlink(missing_ok=True)
            raise DebBuildError(f"dpkg-deb failed: {done.stderr.strip() or done.stdout.strip()}")
        # Only a complete package ever carries the final name.
        partial.replace(deb)
    return deb


def main(argv: list[str] | None = None) -> int:
    """Command line of ``make deb``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / PACKAGE)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--version", help="package version (default: kiosk.__version__)")
    parser.add_argument("--arch", help="Debian architecture (default: this machine's)")
    parser.add_argument("--compression", default="xz", choices=["xz", "gzip", "zstd", "none"])
    parser.add_argument("--level", type=int, help="compression level (dpkg-deb -z)")
    args = parser.parse_args(argv)
    try:
        deb = build_deb(
            args.bundle,
            args.out,
            version=args.version,
            arch=args.arch,
            compression=args.compression,
            level=args.level,
        )
    except DebBuildError as exc:
        print(f"build_deb: {exc}", file=sys.stderr)
        return 1
    print(f"{deb} ({deb.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
