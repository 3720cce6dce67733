"""The wheel built by whool installs beside Odoo and Odoo installs the addon from it,
its single sign-on bridges beside it: found, and installed with their other side."""

import ast
import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

from helpers import REPO, WORK, drop_database, odoo_env
from test_install import query

ADDON = "idle_user_logout"


def run(*command, cwd=None, env=None):
    return subprocess.run(
        command, check=True, capture_output=True, text=True, cwd=cwd, env=env
    ).stdout.strip()


def site_packages(python):
    return run(
        str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"
    )


# What an Odoo server receives: the addon's own files, none of the tooling around it...
SHIPPED = {
    *("__init__.py", "__manifest__.py", "hooks.py", "LICENSE", "README.md"),
    *(
        "controllers",
        "data",
        "i18n",
        "migrations",
        "models",
        "report",
        "security",
        "static",
        "tests",
        "views",
    ),
}
# ...and its bridges beside it, each an addon of its own.
BRIDGES = {f"{ADDON}_auth_oauth", f"{ADDON}_auth_oidc", f"{ADDON}_auth_saml"}


def shipped(names, prefix):
    """The top-level entries of the addon in an archive's file list."""
    return {
        name[len(prefix) :].split("/")[0] for name in names if name.startswith(prefix)
    }


def test_wheel_installs_in_odoo_from_a_scratch_venv(tmp_path):
    # whool names the package after the addon's directory, as a user's clone would be.
    checkout = tmp_path / ADDON
    run("git", "clone", "-q", str(REPO), str(checkout))
    # The clone builds with this checkout's tooling (its venv, whool).
    run(
        "bash", "tools/dist.sh", cwd=checkout, env={**os.environ, "IUL_WORK": str(WORK)}
    )
    version = ast.literal_eval((checkout / "__manifest__.py").read_text())["version"]
    wheel = (
        checkout / "dist" / f"odoo_addon_idle_user_logout-{version}-py3-none-any.whl"
    )
    files = zipfile.ZipFile(wheel).namelist()
    assert shipped(files, f"odoo/addons/{ADDON}/") == SHIPPED
    # A plain `pip wheel .`, as anyone builds it, carries the same files.
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "-q",
        "--no-deps",
        "-w",
        "plain",
        ".",
        cwd=checkout,
    )
    plain = next((checkout / "plain").glob("*.whl"))
    assert sorted(zipfile.ZipFile(plain).namelist()) == sorted(files)
    assert f"odoo/addons/{ADDON}/static/src/idle_timer.js" in files
    addons = {name.split("/")[2] for name in files if name.startswith("odoo/addons/")}
    assert addons == {ADDON, *BRIDGES}
    # The zip an Odoo Apps upload takes: the addon's directory, the same files.
    upload = zipfile.ZipFile(checkout / "dist" / f"{ADDON}-{version}.zip").namelist()
    assert shipped(upload, f"{ADDON}/") - {""} == SHIPPED
    assert {name.split("/")[0] for name in upload} == {ADDON, *BRIDGES}

    # A venv of its own that sees Odoo and its requirements, but not this checkout.
    scratch = tmp_path / "venv"
    run(sys.executable, "-m", "venv", str(scratch))
    python = scratch / "bin" / "python"
    site = site_packages(python)
    with open(f"{site}/odoo-beside.pth", "w") as pth:
        pth.write(f"import site; site.addsitedir({site_packages(sys.executable)!r})\n")
    run(str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel))
    find_addon = (
        f"import importlib.util as u; print(u.find_spec('odoo.addons.{ADDON}').origin)"
    )
    origin = run(str(python), "-c", find_addon)
    assert origin == f"{site}/odoo/addons/{ADDON}/__init__.py"

    # Odoo's own addons only: the addon comes from the wheel through odoo.addons.
    env = odoo_env()
    src = env["ODOO_SRC"]
    addons_path = ",".join(
        path for path in (f"{src}/addons", f"{src}/odoo/addons") if Path(path).is_dir()
    )
    db = f"iul_wheel_{uuid.uuid4().hex[:8]}"
    try:
        # With Odoo's own single sign-on: its bridge comes from the wheel too.
        run(
            str(python),
            *("-m", "odoo", "-c", env["ODOO_CONF"], "--addons-path", addons_path),
            *("-d", db, "-i", f"{ADDON},auth_oauth", "--stop-after-init"),
            "--log-level=warn",
        )
        states = dict(
            line.split("|")
            for line in query(
                db,
                "SELECT name, state FROM ir_module_module "
                f"WHERE name LIKE '{ADDON}%' ORDER BY name",
            ).splitlines()
        )
        assert states == {
            ADDON: "installed",
            f"{ADDON}_auth_oauth": "installed",
            # Found, waiting for OCA auth_oidc and auth_saml.
            f"{ADDON}_auth_oidc": "uninstalled",
            f"{ADDON}_auth_saml": "uninstalled",
        }
        settings = "res.config.settings.view.form.inherit.idle.user.logout"
        views = f"SELECT count(*) FROM ir_ui_view WHERE name = '{settings}'"
        assert query(db, views) == "1", "its Auto Logout block"
    finally:
        drop_database(db)
