"""The addon's build backend (pyproject.toml): OCA's whool, given the addon's own files
only (`ADDON_FILES`), never the tooling around it (tools/, e2e/, bench/, Makefile,
dotfiles), so that a plain `pip wheel .` makes what `make dist` makes. Run as a script
(`zip DIST`), it also makes the zip an Odoo Apps upload takes."""

import ast
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from whool import buildapi

ADDON = "idle_user_logout"
# What an Odoo server receives: the addon, and its bridges (an addons path folder).
ADDON_FILES = (
    *("__init__.py", "__manifest__.py", "hooks.py", "LICENSE", "README.md"),
    *("bridges", "controllers", "data", "i18n", "migrations", "models", "report"),
    *("security", "static", "tests", "views"),
)
REPO = Path(__file__).resolve().parent.parent


def stage(destination):
    """Copies the addon's own tracked files into `destination`/idle_user_logout."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--", *ADDON_FILES],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    addon = Path(destination) / ADDON
    for name in filter(None, tracked.split("\0")):
        target = addon / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    return addon


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    wheel_directory = os.path.abspath(wheel_directory)
    with tempfile.TemporaryDirectory() as tmp:
        addon = stage(tmp)
        # Outside git, whool's version is the manifest's, with no post-release part.
        os.environ["WHOOL_POST_VERSION_STRATEGY_OVERRIDE"] = "none"
        cwd = os.getcwd()
        os.chdir(addon)
        try:
            return buildapi.build_wheel(wheel_directory, config_settings)
        finally:
            os.chdir(cwd)


def build_zip(dist):
    version = ast.literal_eval((REPO / "__manifest__.py").read_text())["version"]
    path = Path(dist) / f"{ADDON}-{version}.zip"
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path, "w") as archive:
        addon = stage(tmp)
        for file in sorted(addon.rglob("*")):
            archive.write(file, file.relative_to(tmp))
    return path


if __name__ == "__main__" and sys.argv[1:2] == ["zip"]:
    print(build_zip(sys.argv[2]))
