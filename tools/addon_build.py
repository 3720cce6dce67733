"""The addon's build backend (pyproject.toml): OCA's whool, given the addon's own files
only (`ADDON_FILES`), never the tooling around it (tools/, e2e/, bench/, Makefile,
dotfiles), so that a plain `pip wheel .` makes what `make dist` makes; its bridges
(bridges/) go beside it, each an addon of its own, where Odoo finds them with no
addons path of their own. Run as a script (`zip DIST`), it also makes the zip an Odoo
Apps upload takes."""

import ast
import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from whool import buildapi

ADDON = "idle_user_logout"
# What an Odoo server receives: the addon...
ADDON_FILES = (
    *("__init__.py", "__manifest__.py", "hooks.py", "LICENSE", "README.md"),
    *("controllers", "data", "i18n", "migrations", "models", "report"),
    *("security", "static", "tests", "views"),
)
# ...and its bridges to optional modules, beside it.
BRIDGES = "bridges"
REPO = Path(__file__).resolve().parent.parent


def stage(destination):
    """Copies the addon's own tracked files into `destination`/idle_user_logout, and
    each of its bridges into `destination`/<bridge>."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--", *ADDON_FILES, BRIDGES],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    addon = Path(destination) / ADDON
    for name in filter(None, tracked.split("\0")):
        bridge = name.removeprefix(f"{BRIDGES}/")
        target = Path(destination) / bridge if bridge != name else addon / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    return addon


def record_line(name, data):
    """A wheel's RECORD line for a file (PEP 376, PEP 427)."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"{name},sha256={digest.decode()},{len(data)}\n"


def add_bridges(wheel, staged):
    """Puts the staged bridges in the wheel beside the addon (odoo/addons/<bridge>),
    on its RECORD too."""
    bridges = {
        f"odoo/addons/{path.relative_to(staged)}": path.read_bytes()
        for path in sorted(staged.rglob("*"))
        if path.is_file() and path.relative_to(staged).parts[0] != ADDON
    }
    with zipfile.ZipFile(wheel) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist()}
    record = next(name for name in files if name.endswith(".dist-info/RECORD"))
    lines = files.pop(record).decode()
    lines += "".join(record_line(name, data) for name, data in bridges.items())
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in {**files, **bridges, record: lines.encode()}.items():
            archive.writestr(name, data)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    wheel_directory = os.path.abspath(wheel_directory)
    with tempfile.TemporaryDirectory() as tmp:
        addon = stage(tmp)
        # Outside git, whool's version is the manifest's, with no post-release part.
        os.environ["WHOOL_POST_VERSION_STRATEGY_OVERRIDE"] = "none"
        cwd = os.getcwd()
        os.chdir(addon)
        try:
            name = buildapi.build_wheel(wheel_directory, config_settings)
        finally:
            os.chdir(cwd)
        add_bridges(Path(wheel_directory) / name, Path(tmp))
        return name


def build_zip(dist):
    version = ast.literal_eval((REPO / "__manifest__.py").read_text())["version"]
    path = Path(dist) / f"{ADDON}-{version}.zip"
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path, "w") as archive:
        stage(tmp)
        for file in sorted(Path(tmp).rglob("*")):
            archive.write(file, file.relative_to(tmp))
    return path


if __name__ == "__main__" and sys.argv[1:2] == ["zip"]:
    print(build_zip(sys.argv[2]))
