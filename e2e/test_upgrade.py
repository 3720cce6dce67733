"""An upgrade in place: the addon's previous release installed and in use, then
`-u idle_user_logout` with this code, as an administrator upgrades a live database."""

import io
import subprocess
import tarfile
import uuid

import pytest
from helpers import (
    REPO,
    OdooServer,
    configured_addons_path,
    drop_database,
    free_port,
    login,
    odoo_command,
    on_login_page,
    session_is_open,
    wait_for,
)

# The last commit of release 19.0.1.0.0.
PREVIOUS_RELEASE = "0be9ddd542fe12b00011372508a89eaac5a49a99"


@pytest.fixture
def previous_release(tmp_path):
    """The addons path with the previous release in place of this checkout."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", PREVIOUS_RELEASE],
        capture_output=True,
        check=True,
    ).stdout
    addon = tmp_path / "idle_user_logout"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(addon, filter="data")
    return ",".join([str(tmp_path), *configured_addons_path()[1:]])


def test_upgrade_keeps_the_settings_and_the_live_session(previous_release, browser):
    db = f"iul_upgrade_{uuid.uuid4().hex[:8]}"
    old_code = f"--addons-path={previous_release}"
    try:
        subprocess.run(
            odoo_command(
                "-d", db, "-i", "idle_user_logout", old_code, "--stop-after-init"
            ),
            check=True,
        )
        port = free_port()
        server = OdooServer(db, port, old_code, name="upgrade-old")
        try:
            server.configure(enabled=True, timeout_minutes=7)
            server.set_param("idle_user_logout.server_enforcement", "True")
            login(browser, server, "/odoo/settings")
            wait_for(browser, "#idle_logout_setting")
            info = page_session_info(browser)
            assert info["idle_logout_timeout_minutes"] == 7
            assert "idle_logout_session_key" not in info, "the previous release runs"
        finally:
            server.stop()

        upgrade = subprocess.run(
            odoo_command("-d", db, "-u", "idle_user_logout", "--stop-after-init"),
            capture_output=True,
            text=True,
            check=True,
        )
        problems = [
            line
            for line in upgrade.stderr.splitlines()
            if " ERROR " in line or " CRITICAL " in line or "Traceback" in line
        ]
        assert problems == []

        server = OdooServer(db, port, name="upgrade-new")
        try:
            params = {
                key: server.call("ir.config_parameter", "get_param", key)
                for key in (
                    "idle_user_logout.enabled",
                    "idle_user_logout.timeout_minutes",
                    "idle_user_logout.server_enforcement",
                )
            }
            assert params == {
                "idle_user_logout.enabled": "True",
                "idle_user_logout.timeout_minutes": "7",
                "idle_user_logout.server_enforcement": "True",
            }
            version = server.call(
                "ir.module.module",
                "search_read",
                [("name", "=", "idle_user_logout")],
                ["latest_version"],
            )[0]["latest_version"]
            manifest = (REPO / "__manifest__.py").read_text()
            assert f'"version": "{version}"' in manifest
            # The browser's session goes on, served by the new code.
            assert session_is_open(browser, server)
            browser.refresh()
            wait_for(browser, "#idle_logout_setting")
            assert not on_login_page(browser)
            info = page_session_info(browser)
            assert info["idle_logout_timeout_minutes"] == 7
            assert info["idle_logout_session_key"]
        finally:
            server.stop()
    finally:
        drop_database(db)


def page_session_info(browser):
    """The session info the web client started with (Odoo's `@web/session`)."""
    return browser.execute_script(
        "return odoo.loader.modules.get('@web/session').session"
    )
