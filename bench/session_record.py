"""What the record of session ends costs, side by side in one run on one Odoo server:
the time of a logout (the route a tab leaves through) with the record off, on and
empty, and on with a million rows; then what an auditor's list asks of a million rows
(its first page, its count, grouped by reason and by month).

Usage: make bench, or in bench/ with the venv: python session_record.py [--logouts 40]
"""

import argparse
import statistics
import time

import requests
from common import odoo_serving, session_cookie

ENABLED = {
    "idle_user_logout.enabled": "True",
    "idle_user_logout.timeout_minutes": "15",
}
# A million session ends of the admin over two years, one every minute or so.
MILLION_ROWS = """
INSERT INTO idle_user_logout_log (user_id, reason, login_date, create_date, duration,
    timeout_minutes, ip_address, browser, platform, session_hash, create_uid,
    write_uid, write_date)
SELECT 2, (ARRAY['browser_idle', 'server_idle', 'logout', 'lifetime'])[1 + g % 4],
    now() - g * interval '1 minute' - interval '1 hour',
    now() - g * interval '1 minute',
    1, 15, '10.0.0.1', 'chrome', 'linux', md5(g::text), 2, 2, now()
FROM generate_series(1, 1000000) AS g
"""
CONFIGURATIONS = {
    "record off": ("idle_user_logout", ENABLED),
    "record on, empty": (
        "idle_user_logout",
        {**ENABLED, "idle_user_logout.audit": "True"},
    ),
    "record on, 1,000,000 rows": (
        "idle_user_logout",
        {**ENABLED, "idle_user_logout.audit": "True"},
        MILLION_ROWS,
    ),
}


def logout_ms(url, db):
    """How long the logout route takes to end a fresh session, as an idle tab does."""
    sid = session_cookie(url, db)
    started = time.perf_counter()
    response = requests.get(
        f"{url}/web/session/logout?idle_logout_reason=browser_idle&redirect=/odoo",
        cookies={"session_id": sid},
        allow_redirects=False,
        timeout=30,
    )
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code in (302, 303), response.status_code
    return elapsed


def call_ms(http, url, method, **kwargs):
    """How long one call of the record's list takes, as the web client makes it."""
    started = time.perf_counter()
    answer = http.post(
        f"{url}/web/dataset/call_kw/idle_user_logout.log/{method}",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": "idle_user_logout.log",
                "method": method,
                "args": [],
                "kwargs": kwargs,
            },
        },
        timeout=120,
    ).json()
    assert "result" in answer, answer
    return (time.perf_counter() - started) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--logouts", type=int, default=40)
    args = parser.parse_args()
    with odoo_serving(CONFIGURATIONS) as (url, dbs):
        for db in dbs.values():  # warm-up: caches, the first login
            logout_ms(url, db)
        times = {name: [] for name in dbs}
        for _ in range(args.logouts):
            for name, db in dbs.items():
                times[name].append(logout_ms(url, db))
        http = requests.Session()
        http.cookies.set(
            "session_id", session_cookie(url, dbs["record on, 1,000,000 rows"])
        )
        fields = ["create_date", "user_id", "reason", "duration", "ip_address"]
        page = call_ms(
            http,
            url,
            "web_search_read",
            domain=[],
            specification={name: {} for name in fields},
            limit=80,
        )
        count = call_ms(http, url, "search_count", domain=[])
        by_reason = call_ms(
            http,
            url,
            "web_read_group",
            domain=[],
            groupby=["reason"],
            aggregates=["__count"],
        )
        by_month = call_ms(
            http,
            url,
            "web_read_group",
            domain=[],
            groupby=["create_date:month"],
            aggregates=["__count"],
        )

    baseline = statistics.median(times["record off"])
    print(
        f"\nGET /web/session/logout (an idle tab's), {args.logouts} interleaved logouts"
    )
    print(f"{'configuration':28} {'median ms':>10} {'p90 ms':>8} {'vs off':>8}")
    for name, values in times.items():
        median = statistics.median(values)
        p90 = statistics.quantiles(values, n=10)[-1]
        print(f"{name:28} {median:10.1f} {p90:8.1f} {median - baseline:+8.1f}")
    print("\nThe list of a million session ends, as the web client asks for it (ms)")
    for name, value in (
        ("first page of 80 rows", page),
        ("count", count),
        ("grouped by reason", by_reason),
        ("grouped by month", by_month),
    ):
        print(f"{name:28} {value:10.1f}")


if __name__ == "__main__":
    main()
