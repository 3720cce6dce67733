"""The server's cost with many users in many group sets: 500 internal users in 200
distinct sets of groups (rules by group on some, trusted networks set, server
enforcement on), 200 of their sessions at work, behind Odoo with 4 workers; side by
side with the addon absent, in one run. Latency percentiles of a cheap authenticated
JSON-RPC route (/web/session/check), each request from the next session in turn, and
the CPU time each request costs the Odoo server and PostgreSQL; then, without a
server, the same requests served in one process, one at a time, request by request in
turn with the addon absent (the quietest measure of
what the addon adds: the CPU time and the queries of each).

Usage: make bench, or in bench/ with the venv: python rules_at_scale.py
[--seconds 3] [--rounds 20] [--process-rounds 15]
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import requests
from common import create_database, median_interval
from helpers import (
    WORK,
    addons_path_with_peers,
    drop_database,
    free_port,
    odoo_command,
    odoo_shell,
)

USERS = 500
GROUP_SETS = 200
SESSIONS = 200
ROUTE = "/web/session/check"
NETWORK_SQL = (
    "INSERT INTO idle_user_logout_network (name, cidr, create_date, write_date) "
    "VALUES ('Office', '10.0.0.0/8', now(), now())"
)
ENABLED = {
    "idle_user_logout.enabled": "True",
    "idle_user_logout.timeout_minutes": "15",
}
CONFIGURATIONS = {
    "addon absent": ("base_setup,bus", {}),
    "idle_user_logout, defaults (enforcement on)": ("idle_user_logout", ENABLED),
    "idle_user_logout, rules by group": ("idle_user_logout", ENABLED),
    "idle_user_logout, rules, networks, outside timeout": (
        "idle_user_logout",
        {**ENABLED, "idle_user_logout.outside_timeout_minutes": "10"},
        NETWORK_SQL,
    ),
}
# Where groups carry rules.
WITH_RULES = (
    "idle_user_logout, rules by group",
    "idle_user_logout, rules, networks, outside timeout",
)
# 8 groups give 256 sets: users take the first 200, in turn; with rules, 3 of the
# groups carry one (one only from the trusted networks), so their members' differ.
POPULATE = f"""
from odoo import Command
from odoo.http import get_default_session, root
from odoo.service import security

users_group = env.ref("base.group_user")
groups = env["res.groups"].create(
    [{{"name": f"Bench team {{index}}", "implied_ids": [Command.link(users_group.id)]}}
     for index in range(8)]
)
if {{rules}}:
    groups[0].idle_logout_timeout_minutes = 30
    groups[1].idle_logout_timeout_minutes = 5
    groups[2].write({{"idle_logout_exempt": True, "idle_logout_trusted_only": True}})
users = env["res.users"].with_context(no_reset_password=True).create(
    [
        {{
            "name": f"Bench user {{index}}",
            "login": f"bench{{index}}",
            "group_ids": [
                Command.set(
                    [users_group.id]
                    + [g.id for bit, g in enumerate(groups)
                       if (index % {GROUP_SETS}) >> bit & 1]
                )
            ],
        }}
        for index in range({USERS})
    ]
)
sids = []
for user in users[:{SESSIONS}]:
    session = root.session_store.new()
    session.update(get_default_session(), db=env.cr.dbname)
    session.uid = user.id
    session.login = user.login
    session.session_token = security.compute_session_token(session, env)
    session.context = dict(user.context_get())
    root.session_store.save(session)
    sids.append(session.sid)
env.cr.commit()
open("{{path}}", "w").write("\\n".join(sids))
"""
# wrk: each request from the next session in turn.
WRK_SCRIPT = """
local sids = {}
for line in io.lines("%s") do sids[#sids + 1] = line end
local index = 0
wrk.method = "POST"
wrk.body = '{"jsonrpc":"2.0","method":"call","params":{}}'
wrk.headers["Content-Type"] = "application/json"
request = function()
    index = index %% #sids + 1
    wrk.headers["Cookie"] = "session_id=" .. sids[index]
    return wrk.format()
end
done = function(summary, latency, requests)
    io.write(string.format("percentiles %%d %%d\\n", latency:percentile(50),
        latency:percentile(95)))
end
"""


# The requests of wrk's script, served one at a time by Odoo in one `odoo shell`: in
# each round, request by request, one of every database's in turn (each session names
# its own), so that the machine's drift falls on all alike.
IN_PROCESS = """
import gc, json, random, time
from werkzeug.test import EnvironBuilder
from odoo import sql_db
from odoo.http import root
sids = {{name: open(path).read().split() for name, path in {sids}.items()}}
body = json.dumps({{"jsonrpc": "2.0", "method": "call", "params": {{}}}})
def environ(sid):
    return EnvironBuilder(
        path="{route}", method="POST", data=body,
        headers={{"Content-Type": "application/json", "Cookie": f"session_id={{sid}}"}},
        environ_base={{"REMOTE_ADDR": "127.0.0.1"}},
    ).get_environ()
def serve(environ):
    answer = b"".join(root(environ, lambda code, headers: None))
    assert b'"error"' not in answer, answer
for name in sids:
    for sid in sids[name] * 2:
        serve(environ(sid))
# The warm heap frozen, collected before each round: a full collection of Odoo's
# heap (tens of ms) is no configuration's own.
gc.collect()
gc.freeze()
rounds = {{name: [] for name in sids}}
for _ in range({rounds}):
    turns = [[(name, environ(sids[name][index % len(sids[name])]))
              for name in random.sample(list(sids), len(sids))]
             for index in range(len(next(iter(sids.values()))) * 5)]
    cpu = dict.fromkeys(sids, 0.0)
    queries = dict.fromkeys(sids, 0)
    gc.collect()
    for turn in turns:
        for name, each in turn:
            count, start = sql_db.sql_counter, time.process_time()
            serve(each)
            cpu[name] += time.process_time() - start
            queries[name] += sql_db.sql_counter - count
    for name in sids:
        rounds[name].append((cpu[name] * 1000 / len(turns), queries[name] / len(turns)))
open("{out}", "w").write(json.dumps(rounds))
"""


def in_process(dbs, sids, rounds, workdir, prefix):
    """CPU ms and queries per request, served in one process, of each configuration's
    sessions {name: file of session ids} (databases named `prefix`...): one pair per
    round, by name."""
    out = Path(workdir, "in_process.json")
    paths = {name: str(path) for name, path in sids.items()}
    code = IN_PROCESS.format(sids=paths, route=ROUTE, rounds=rounds, out=out)
    odoo_shell(next(iter(dbs.values())), code, f"--db-filter=^{prefix}")
    return json.loads(out.read_text())


def populate(db, workdir, rules):
    """The users, their groups (with `rules`) and their sessions; returns the file of
    session ids."""
    path = Path(workdir, f"{db}.sids")
    code = POPULATE.replace("{path}", str(path)).replace("{rules}", str(rules))
    odoo_shell(db, code)
    return path


def cpu_seconds(server_pid):
    """CPU time so far of the Odoo server (its workers, live and gone) and of
    PostgreSQL (its processes, live and gone)."""
    stats = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # gone meanwhile
        fields = text[text.rindex(")") + 2 :].split()
        name = text[text.index("(") + 1 : text.rindex(")")]
        stats[int(stat.parent.name)] = (name, int(fields[1]), fields)
    ticks = 0
    for pid, (name, parent, fields) in stats.items():
        postmaster = name == "postgres" and stats.get(parent, ("",))[0] != "postgres"
        if pid == server_pid or postmaster:
            ticks += sum(map(int, fields[11:15]))  # its own, and its reaped children's
        elif parent == server_pid or (name == "postgres" and not postmaster):
            ticks += sum(map(int, fields[11:13]))
    return ticks / os.sysconf("SC_CLK_TCK")


def latencies(url, sids, seconds, workdir, server_pid):
    """p50 and p95 of wrk's requests (ms), 2 threads, 8 connections, and the CPU
    time per request (ms)."""
    script = Path(workdir, f"{sids.stem}.lua")
    script.write_text(WRK_SCRIPT % sids)
    command = [
        *("wrk", "-t2", "-c8", f"-d{seconds}s", "-s", str(script)),
        url + ROUTE,
    ]
    cpu_before = cpu_seconds(server_pid)
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    cpu = cpu_seconds(server_pid) - cpu_before
    assert "Non-2xx" not in out, out
    p50, p95 = re.search(r"^percentiles (\d+) (\d+)$", out, re.MULTILINE).groups()
    count = int(re.search(r"^\s*(\d+) requests in", out, re.MULTILINE).group(1))
    return {50: int(p50) / 1000, 95: int(p95) / 1000, "cpu": cpu * 1000 / count}


def main():
    parser = argparse.ArgumentParser()
    # Short rounds, many: the machine drifts less within a round of every configuration.
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--process-rounds", type=int, default=15)
    args = parser.parse_args()

    prefix = f"iul_bench_scale_{uuid.uuid4().hex[:6]}_"
    dbs = {name: f"{prefix}{i}" for i, name in enumerate(CONFIGURATIONS)}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = None
    results = {name: [] for name in dbs}
    with tempfile.TemporaryDirectory() as workdir:
        try:
            sids = {}
            for name, configuration in CONFIGURATIONS.items():
                create_database(dbs[name], *configuration)
                sids[name] = populate(dbs[name], workdir, name in WITH_RULES)
            server = subprocess.Popen(
                odoo_command(
                    f"--addons-path={addons_path_with_peers()}",
                    f"--db-filter=^{prefix}",
                    *("--http-port", str(port), "--http-interface", "127.0.0.1"),
                    *("--workers", "4", "--max-cron-threads", "0"),
                    *("--gevent-port", str(free_port()), "--log-level", "warn"),
                    f"--logfile={WORK / 'logs' / 'bench-scale.log'}",
                ),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(240):
                try:
                    requests.get(f"{url}/web/health", timeout=2)
                    break
                except requests.ConnectionError:
                    time.sleep(0.5)
            for name in dbs:  # warm-up: every worker's caches, the first stamps
                latencies(url, sids[name], 3, workdir, server.pid)
            for _ in range(args.rounds):
                # Each round in its own order: no configuration always runs first.
                for name in random.sample(list(dbs), len(dbs)):
                    results[name].append(
                        latencies(url, sids[name], args.seconds, workdir, server.pid)
                    )
            server.terminate()
            server.wait(30)
            server = None
            served = in_process(dbs, sids, args.process_rounds, workdir, prefix)
        finally:
            if server:
                server.terminate()
                server.wait(30)
            for db in dbs.values():
                drop_database(db)

    baseline = "addon absent"

    def paired(rounds, measure):
        """The ratio to the addon absent within each round, its median and 95 %
        interval (order statistics; the range up to 7 rounds): the machine's drift
        between rounds cancels."""
        ratios = [
            mine[measure] / absent[measure]
            for mine, absent in zip(rounds, results[baseline], strict=True)
        ]
        return "{:.3f} ({:.3f}-{:.3f})".format(*median_interval(ratios))

    print(
        f"\nPOST {ROUTE}: {USERS} users in {GROUP_SETS} group sets, {SESSIONS} "
        f"sessions in turn; wrk 2 threads, 8 connections, {args.rounds} interleaved "
        f"rounds of {args.seconds} s; Odoo with 4 workers; medians, and the ratio to "
        "the addon absent within rounds (95 % interval, the range up to 7 rounds)\n"
    )
    print(
        f"{'configuration':48} {'p50 ms':>7} {'p95 ms':>7} {'p95 vs absent':>22} "
        f"{'CPU ms/request':>15} {'CPU vs absent':>22}"
    )
    for name, rounds in results.items():
        p50, p95, cpu = (
            statistics.median(each[measure] for each in rounds)
            for measure in (50, 95, "cpu")
        )
        print(
            f"{name:48} {p50:7.1f} {p95:7.1f} {paired(rounds, 95):>22} "
            f"{cpu:15.2f} {paired(rounds, 'cpu'):>22}"
        )
    print(
        f"\nthe same requests served one at a time in one process (no server), "
        f"{args.process_rounds} rounds of {SESSIONS * 5} per configuration, "
        "interleaved request by request:\n"
    )
    print(
        f"{'configuration':48} {'CPU ms/request':>15} {'vs absent':>22} {'queries':>8}"
    )
    for name, rounds in served.items():
        cpu = statistics.median(cpu for cpu, _ in rounds)
        ratios = [
            mine / absent
            for (mine, _), (absent, _) in zip(rounds, served[baseline], strict=True)
        ]
        ratio = "{:.3f} ({:.3f}-{:.3f})".format(*median_interval(ratios))
        queries = statistics.median(count for _, count in rounds)
        print(f"{name:48} {cpu:15.3f} {ratio:>22} {queries:8.2f}")


if __name__ == "__main__":
    main()
