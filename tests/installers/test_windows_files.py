"""Static checks of the Windows installer files (they can only be built on a Windows runner).

What can be checked here: the workflow copy GitHub runs is the reviewed one, it builds with the
same spec, and the Inno Setup script keeps its upgrade identity and never deletes the data folder.
"""

from __future__ import annotations

import re

from tests.installers.conftest import REPO_ROOT

WINDOWS = REPO_ROOT / "installers" / "windows"
ISS = WINDOWS / "kiosk.iss"
WORKFLOW = WINDOWS / "build-windows.yml"
GITHUB_COPY = REPO_ROOT / ".github" / "workflows" / "windows-installer.yml"

#: The AppId of the first release: changing it would install side by side instead of upgrading.
APP_ID = "{{6E1C7B52-3F0A-4C8E-9D2B-5A7F14C3E890}"


def _iss_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = header.group(1)
            sections.setdefault(current, [])
        else:
            sections.setdefault(current, []).append(line)
    return sections


def test_workflow_copy_is_identical_and_uses_the_spec() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert GITHUB_COPY.read_text(encoding="utf-8") == text
    assert "\t" not in text, "YAML must be indented with spaces"
    assert "runs-on: windows-latest" in text
    assert 'python-version: "3.11"' in text
    assert r"installers\kiosk.spec" in text and r"installers\windows\kiosk.iss" in text


def test_inno_script_upgrades_in_place_and_keeps_data() -> None:
    raw = ISS.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM: Inno Setup reads the Chinese text right"
    sections = _iss_sections(raw.decode("utf-8-sig"))
    setup = dict(line.split("=", 1) for line in sections["Setup"] if "=" in line)
    assert setup["AppId"] == APP_ID
    assert setup["PrivilegesRequired"] == "admin"
    assert setup["DefaultDirName"].startswith("{autopf}")
    assert any("CurrentVersion\\Run" in line for line in sections["Registry"])
    assert any("{group}" in line for line in sections["Icons"])
    # Nothing the installer or uninstaller deletes may reach the data folder.
    for name in ("InstallDelete", "UninstallDelete"):
        for line in sections.get(name, []):
            assert "{app}" in line and "localappdata" not in line.lower(), line
    # The executables the script and the workflow name are the ones the spec builds.
    spec = (REPO_ROOT / "installers" / "kiosk.spec").read_text(encoding="utf-8")
    assert 'NAME = "village-kiosk"' in spec and 'name="kiosk-cli"' in spec
