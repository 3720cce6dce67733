"""Server-side enforcement across real servers: prefork workers, two servers sharing
one database and session store, with the filesystem store and with OCA's session_db.
The time the server counts is moved in the store (the session's stamps), not waited."""

import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest
from helpers import (
    REFUSED_AFTER_S,
    OdooServer,
    addons_path_with_peers,
    age_session,
    authenticate,
    drop_database,
    free_port,
)


class Browserless:
    """A user's session driven over HTTP, as the web client would."""

    def __init__(self, server):
        self.http, info = authenticate(server)
        assert info["uid"]

    @property
    def sid(self):
        return self.http.cookies["session_id"]

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
    """Three sessions of one user, used on one server and checked on the other: one
    active, one idle, one with background traffic only. Returns what was observed."""
    sessions = active, idle, background = [Browserless(first) for _ in range(3)]
    for session in sessions:
        assert session.accepted(second), "logged in on one server, known to the other"
    # For the server, they were last used 20 s short of being refused...
    for session in sessions:
        age_session(first, session.sid, REFUSED_AFTER_S - 20)
    kept = [active.accepted(second)]
    background.jsonrpc(first, "/web/webclient/version_info")
    # ...then 30 s more went by.
    for session in sessions:
        age_session(second, session.sid, 30)
    kept.append(active.accepted(first))
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
    with ThreadPoolExecutor(len(clusters)) as pool:
        results = list(pool.map(lambda pair: scenario(*pair), clusters))
    for result in results:
        location = urlsplit(result.pop("idle page location"))
        assert location.path == "/web/login"
        assert parse_qs(location.query)["idle_logout"] == ["1"]
        assert result == {
            "active kept on both servers": True,
            "idle refused": True,
            "background refused": True,
        }
