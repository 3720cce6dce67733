"""Server-side enforcement across real servers: prefork workers, two servers sharing one
database and session store, with the filesystem store and with OCA's session_db."""

import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from helpers import OdooServer, addons_path_with_peers, drop_database, free_port

# Timeout 1 minute: refused once idle for more than 60 s + 20 s + 15 s (see ir_http.py).
LIMIT_S = 95
IDLE_S = LIMIT_S + 8


class Browserless:
    """A user's session driven over HTTP, as the web client would."""

    def __init__(self, server):
        self.http = requests.Session()
        answer = self.jsonrpc(
            server,
            "/web/session/authenticate",
            {"db": server.db, "login": "admin", "password": "admin"},
        )
        assert answer["result"]["uid"]

    def jsonrpc(self, server, path, params=None):
        payload = {"jsonrpc": "2.0", "method": "call", "params": params or {}}
        return self.http.post(server.url + path, json=payload, timeout=30).json()

    def accepted(self, server):
        answer = self.jsonrpc(server, "/web/session/check")
        if "error" in answer:
            assert (
                answer["error"]["data"]["name"] == "odoo.http.SessionExpiredException"
            )
            return False
        return True


def scenario(first, second):
    """Three sessions of one user over ~2 minutes, alternating between the servers: one
    active, one idle, one with background traffic only. Returns what was observed."""
    active, idle, background = (Browserless(first) for _ in range(3))
    servers = (first, second)
    for session in (active, idle, background):
        assert session.accepted(second), "logged in on one server, known to the other"
    started = time.monotonic()
    kept = []
    while time.monotonic() - started < IDLE_S:
        time.sleep(20)
        turn = int(time.monotonic() - started) // 20 % 2
        kept.append(active.accepted(servers[turn]))
        background.jsonrpc(servers[1 - turn], "/web/webclient/version_info")
    page = idle.http.get(
        f"{first.url}/odoo/settings", allow_redirects=False, timeout=30
    )
    return {
        "active kept on both servers": all(kept) and active.accepted(second),
        "idle refused": not idle.accepted(second),
        "idle page location": page.headers.get("Location", ""),
        "background refused": not background.accepted(first),
    }


def start_pair(db, name, *options, env=None):
    """A prefork server (2 workers) and a threaded one, on the same database."""
    prefork = OdooServer(
        db,
        free_port(),
        "--workers",
        "2",
        "--gevent-port",
        str(free_port()),
        *options,
        env=env,
        name=f"{name}-prefork",
    )
    threaded = OdooServer(db, free_port(), *options, env=env, name=f"{name}-threaded")
    return prefork, threaded


@pytest.fixture
def clusters(odoo):
    """The addon's database served twice: filesystem sessions, then session_db ones."""
    sessions_db = f"iul_sessions_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", sessions_db], check=True)
    peers = f"--addons-path={addons_path_with_peers()}"
    pairs = [
        start_pair(odoo.db, "fs"),
        start_pair(
            odoo.db,
            "session-db",
            peers,
            "--load=base,rpc,web,session_db",
            env={"SESSION_DB_URI": sessions_db},
        ),
    ]
    yield pairs
    for pair in pairs:
        for server in pair:
            server.stop()
    drop_database(sessions_db)


def test_enforcement_with_workers_two_servers_and_any_session_store(odoo, clusters):
    (prefork, _), _ = clusters
    # The settings change is made on one server and honoured by all of them.
    prefork.configure(enabled=True, timeout_minutes=1)
    prefork.set_param("idle_user_logout.server_enforcement", "True")
    try:
        with ThreadPoolExecutor(len(clusters)) as pool:
            results = list(pool.map(lambda pair: scenario(*pair), clusters))
    finally:
        prefork.set_param("idle_user_logout.server_enforcement", "False")
    for result in results:
        location = urlsplit(result.pop("idle page location"))
        assert location.path == "/web/login"
        assert parse_qs(location.query)["idle_logout"] == ["1"]
        assert result == {
            "active kept on both servers": True,
            "idle refused": True,
            "background refused": True,
        }
