"""An upgrade in place: the addon's previous release installed and in use, with Odoo's
single sign-on (auth_oauth), then `-u idle_user_logout` with this code, as an
administrator upgrades a live database."""

import io
import subprocess
import tarfile
import uuid

import pytest
from helpers import (
    REPO,
    WORK,
    OdooServer,
    authenticate,
    configured_addons_path,
    drop_database,
    free_port,
    login,
    odoo_addons,
    odoo_command,
    on_login_page,
    session_is_open,
    wait_for,
)

odoo_addons()
from odoo.addons.idle_user_logout.models.idle_user_logout_log import (
    session_hash,
)

# The last commit of release 19.0.1.3.0, whose audit trail recorded idle logouts only.
PREVIOUS_RELEASE = "e11c66693df7f501b27ff7ca9c9518843ff58c72"
BRIDGES = str(WORK / "addons" / "idle_user_logout" / "bridges")


@pytest.fixture
def previous_release(tmp_path):
    """The addons path with the previous release in place of this checkout (without
    the bridges, which it did not have)."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", PREVIOUS_RELEASE],
        capture_output=True,
        check=True,
    ).stdout
    addon = tmp_path / "idle_user_logout"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(addon, filter="data")
    others = [path for path in configured_addons_path()[1:] if path != BRIDGES]
    return ",".join([str(tmp_path), *others])


def test_upgrade_keeps_the_settings_and_the_live_session(
    previous_release, browser, expected_server_logs
):
    # The previous release's logout wrote from a cursor without a user (fixed since).
    expected_server_logs.append("odoo.api: Missing default_env, flushing as public")
    db = f"iul_upgrade_{uuid.uuid4().hex[:8]}"
    old_code = f"--addons-path={previous_release}"
    try:
        subprocess.run(
            odoo_command(
                *("-d", db, "-i", "idle_user_logout,auth_oauth", old_code),
                "--stop-after-init",
            ),
            check=True,
        )
        port = free_port()
        server = OdooServer(db, port, old_code, name="upgrade-old")
        try:
            server.configure(enabled=True, timeout_minutes=7)
            server.set_param("idle_user_logout.server_enforcement", "True")
            server.set_param("idle_user_logout.audit", "True")
            # An idle logout on record, as the previous release kept it.
            http, _info = authenticate(server)
            ended = http.cookies["session_id"][:42]
            http.get(
                f"{server.url}/web/session/logout?idle_logout_reason=browser_idle",
                timeout=30,
            )
            fields = server.call("idle_user_logout.log", "fields_get", [], ["type"])
            assert "session_identifier" in fields, "the previous release runs"
            login(browser, server, "/odoo/settings")
            wait_for(browser, "#idle_logout_setting")
            info = page_session_info(browser)
            assert info["idle_logout_timeout_minutes"] == 7
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
            bridge = server.call(
                "ir.module.module",
                "search_read",
                [("name", "=", "idle_user_logout_auth_oauth")],
                ["state"],
            )
            assert bridge[0]["state"] == "installed", "installed with its two sides"
            # The idle logout on record is the first session end of the record.
            rows = server.call(
                "idle_user_logout.log",
                "search_read",
                [],
                ["reason", "user_id", "session_hash"],
            )
            assert [(row["reason"], row["user_id"][1]) for row in rows] == [
                ("browser_idle", "Administrator")
            ]
            assert rows[0]["session_hash"] == session_hash(ended), "its digest"
            table = subprocess.run(
                ["psql", "-tAd", db, "-c", "SELECT * FROM idle_user_logout_log"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            assert session_hash(ended) in table
            assert ended not in table, "the session's id is gone from the record"
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
