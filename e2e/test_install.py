"""The addon installs and uninstalls cleanly on a fresh database (a copy of the run's
template, where it was installed on a new database)."""

import subprocess
import uuid

from helpers import copy_database, drop_database, odoo_command

ADDON = "idle_user_logout"


def query(db, sql):
    result = subprocess.run(
        ["psql", "-tA", "-d", db, "-c", sql], check=True, capture_output=True, text=True
    )
    return result.stdout.strip()


def addon_traces(db):
    """What the addon leaves in a database: its state, records, views and parameters."""
    return {
        "state": query(
            db, f"SELECT state FROM ir_module_module WHERE name = '{ADDON}'"
        ),
        "records": query(
            db, f"SELECT count(*) FROM ir_model_data WHERE module = '{ADDON}'"
        ),
        "views": query(
            db,
            "SELECT count(*) FROM ir_ui_view WHERE arch_db::text LIKE '%idle_logout%'",
        ),
        "parameters": query(
            db, f"SELECT count(*) FROM ir_config_parameter WHERE key LIKE '{ADDON}.%'"
        ),
    }


def test_install_then_uninstall_leaves_nothing_behind():
    db = f"iul_install_{uuid.uuid4().hex[:8]}"
    try:
        copy_database("addon", db)
        enable = "INSERT INTO ir_config_parameter (key, value) VALUES (%r, 'True')"
        query(db, enable % f"{ADDON}.enabled")
        installed = addon_traces(db)
        assert installed["state"] == "installed"
        assert installed["records"] != "0"
        assert installed["views"] != "0"
        assert installed["parameters"] == "1"

        uninstall = odoo_command("-d", db, ADDON, subcommand=("module", "uninstall"))
        subprocess.run(uninstall, check=True)

        assert addon_traces(db) == {
            "state": "uninstalled",
            "records": "0",
            "views": "0",
            "parameters": "0",
        }
    finally:
        drop_database(db)
