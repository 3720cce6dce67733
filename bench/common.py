"""What the benchmarks share: databases with or without the addon, one Odoo server."""

import math
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "e2e"))
from helpers import (
    REPO,
    WORK,
    addons_path_with_peers,
    configured_addons_path,
    drop_database,
    free_port,
    odoo_command,
)


def create_database(db, modules, params, *statements, addons_path=None):
    """A database with `modules` (from `addons_path`, by default this checkout's with
    the peers), then these parameters set and SQL `statements` run."""
    subprocess.run(
        odoo_command(
            f"--addons-path={addons_path or addons_path_with_peers()}",
            *("-d", db, "-i", modules, "--stop-after-init", "--log-level=warn"),
        ),
        check=True,
        stderr=subprocess.DEVNULL,
    )
    for key, value in params.items():
        sql = (
            "DELETE FROM ir_config_parameter WHERE key = %(key)r;"
            "INSERT INTO ir_config_parameter (key, value) VALUES (%(key)r, %(value)r)"
        )
        subprocess.run(
            ["psql", "-q", "-d", db, "-c", sql % {"key": key, "value": value}],
            check=True,
        )
    for statement in statements:
        subprocess.run(["psql", "-q", "-d", db, "-c", statement], check=True)


def group_sql(group, **values):
    """SQL setting integer `values` (timeouts, in minutes) on the base group `group`."""
    assignments = ", ".join(f"{field} = {value:d}" for field, value in values.items())
    return (
        f"UPDATE res_groups SET {assignments} WHERE id = (SELECT res_id FROM "
        f"ir_model_data WHERE module = 'base' AND name = {group!r})"
    )


def internal_users_sql(**values):
    """SQL setting `values` (auth_timeout's timeouts, in minutes) on Internal User."""
    return group_sql("group_user", **values)


def baseline_addons_path(ref):
    """An addons path where idle_user_logout is the addon as it was at the git `ref`
    of this repository (exported once per commit), Odoo's addons beside it."""
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--verify", f"{ref}^{{commit}}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    folder = WORK / "bench-baseline" / commit
    if not (folder / "idle_user_logout" / "__manifest__.py").exists():
        (folder / "idle_user_logout").mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", commit],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(
            ["tar", "-x", "-C", str(folder / "idle_user_logout")],
            input=archive,
            check=True,
        )
    odoo_addons = [
        path
        for path in configured_addons_path()
        if not path.startswith(str(WORK / "addons"))
    ]
    return ",".join((str(folder), *odoo_addons))


@contextmanager
def odoo_serving(configurations, addons_path=None):
    """Create one database per configuration {name: (modules, params, *sql)}; serve them
    all from one threaded Odoo server (on `addons_path`, by default this checkout's with
    the peers); yield (url, {name: db}); drop them after."""
    addons_path = addons_path or addons_path_with_peers()
    prefix = f"iul_bench_{uuid.uuid4().hex[:6]}_"
    dbs = {name: f"{prefix}{i}" for i, name in enumerate(configurations)}
    port = free_port()
    server = None
    try:
        for name, configuration in configurations.items():
            create_database(dbs[name], *configuration, addons_path=addons_path)
        server = subprocess.Popen(
            odoo_command(
                f"--addons-path={addons_path}",
                f"--db-filter=^{prefix}",
                *("--http-port", str(port), "--http-interface", "127.0.0.1"),
                *("--log-level", "warn", "--max-cron-threads", "0"),
                f"--logfile={WORK / 'logs' / f'bench-server-{port}.log'}",
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                requests.get(f"{url}/web/health", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.5)
        yield url, dbs
    finally:
        if server:
            server.terminate()
            server.wait(30)
        for db in dbs.values():
            drop_database(db)


def session_cookie(url, db):
    """Log in as admin on `db`; return the session id."""
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"db": db, "login": "admin", "password": "admin"},
    }
    response = requests.post(
        f"{url}/web/session/authenticate", json=payload, timeout=60
    )
    assert response.json()["result"]["uid"], response.text
    return response.cookies["session_id"]


def median_interval(values):
    """The median and its 95 % confidence interval, from order statistics (no
    assumption on the distribution)."""
    ordered = sorted(values)
    half_width = 1.96 * math.sqrt(len(ordered)) / 2
    low = max(0, math.floor(len(ordered) / 2 - half_width))
    high = min(len(ordered) - 1, math.ceil(len(ordered) / 2 + half_width))
    return statistics.median(ordered), ordered[low], ordered[high]
