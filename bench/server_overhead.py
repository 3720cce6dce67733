"""Requests per second on a cheap authenticated JSON-RPC route (/web/session/check), in
one run and on one Odoo server: addon absent, idle_user_logout with server enforcement
on, with rules by group (the user's rule worked out on each request), with every option
on (enforcement, lifetime, audit trail), with trusted networks (each request's address
matched, the rule outside them), OCA
auth_session_timeout instead, and Odoo's auth_timeout beside its own dependencies (mail,
two-factor, passkeys), which it cannot go without. Rounds are interleaved; medians are
reported.

Usage: make bench, or in bench/ with the venv: python server_overhead.py
[--seconds 8] [--rounds 3]
"""

import argparse
import statistics
import subprocess
import tempfile
from pathlib import Path

from common import group_sql, internal_users_sql, odoo_serving, session_cookie

# Rules only from trusted networks, and two of them (the requests come from neither).
TRUSTED_ONLY_SQL = (
    "UPDATE res_groups SET idle_logout_trusted_only = TRUE "
    "WHERE idle_logout_timeout_minutes > 0"
)
NETWORKS_SQL = (
    "INSERT INTO idle_user_logout_network (name, cidr, create_date, write_date) "
    "VALUES ('Office', '10.0.0.0/8', now(), now()), "
    "('Lab', '2001:db8::/32', now(), now())"
)
CONFIGURATIONS = {
    "addon absent": ("base_setup,bus", {}),
    "idle_user_logout, defaults (enforcement on)": (
        "idle_user_logout",
        {
            "idle_user_logout.enabled": "True",
            "idle_user_logout.timeout_minutes": "15",
        },
    ),
    "idle_user_logout, rules by group": (
        "idle_user_logout",
        {
            "idle_user_logout.enabled": "True",
            "idle_user_logout.timeout_minutes": "15",
        },
        group_sql("group_user", idle_logout_timeout_minutes=30),
        group_sql("group_system", idle_logout_timeout_minutes=10),
    ),
    "idle_user_logout, all options on": (
        "idle_user_logout",
        {
            "idle_user_logout.enabled": "True",
            "idle_user_logout.timeout_minutes": "15",
            "idle_user_logout.server_enforcement": "True",
            "idle_user_logout.max_session_hours": "8",
            "idle_user_logout.audit": "True",
        },
    ),
    "idle_user_logout, trusted networks": (
        "idle_user_logout",
        {
            "idle_user_logout.enabled": "True",
            "idle_user_logout.timeout_minutes": "15",
            "idle_user_logout.outside_timeout_minutes": "10",
        },
        group_sql("group_system", idle_logout_timeout_minutes=30),
        TRUSTED_ONLY_SQL,
        NETWORKS_SQL,
    ),
    "OCA auth_session_timeout": ("base_setup,bus,auth_session_timeout", {}),
    "auth_timeout's dependencies only": ("auth_totp_mail,auth_passkey", {}),
    "Odoo auth_timeout, 15 min lock": (
        "auth_timeout",
        {},
        internal_users_sql(lock_timeout_inactivity=15),
    ),
}
ROUTE = "/web/session/check"


def wrk(url, sid, seconds, workdir):
    """Requests per second of wrk posting an empty JSON-RPC call as the session."""
    script = Path(workdir, f"{sid[:8]}.lua")
    script.write_text(
        'wrk.method = "POST"\n'
        'wrk.body = \'{"jsonrpc":"2.0","method":"call","params":{}}\'\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Cookie"] = "session_id={sid}"\n'
    )
    command = ["wrk", "-t1", "-c2", f"-d{seconds}s", "-s", str(script), url + ROUTE]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    assert "Non-2xx" not in out, out
    rate = next(line for line in out.splitlines() if line.startswith("Requests/sec"))
    return float(rate.split()[1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    with odoo_serving(CONFIGURATIONS) as (url, dbs):
        sids = {name: session_cookie(url, db) for name, db in dbs.items()}
        rates = {name: [] for name in dbs}
        with tempfile.TemporaryDirectory() as workdir:
            for name in dbs:  # warm-up: caches, first activity stamp
                wrk(url, sids[name], 2, workdir)
            for _ in range(args.rounds):
                for name in dbs:
                    rates[name].append(wrk(url, sids[name], args.seconds, workdir))

    baseline = statistics.median(rates["addon absent"])
    print(
        f"\nPOST {ROUTE}: wrk, 1 thread, 2 connections, {args.rounds} interleaved "
        f"rounds of {args.seconds} s, one threaded Odoo server\n"
    )
    print(f"{'configuration':44} {'req/s median':>12} {'rounds':>20} {'vs absent':>10}")
    for name, values in rates.items():
        median = statistics.median(values)
        rounds = " ".join(f"{value:.0f}" for value in values)
        print(f"{name:44} {median:12.0f} {rounds:>20} {median / baseline:10.3f}")


if __name__ == "__main__":
    main()
