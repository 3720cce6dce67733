"""Odoo's own tests with the addon installed and enabled, as an OCA CI runs every
installed module's tests, beside the same suites on a database without it, in one run:
the addon may add no failure."""

import re
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers import WORK, drop_database, free_port, odoo_command

APPS = ("mail", "auth_timeout")
# The suites nearest to what the addon changes: the bus and its websocket, the settings,
# sessions and login, presence, Odoo's own timeout; and the bus's JS unit tests (Hoot).
SUITES = (
    "/bus,/base_setup,/auth_timeout,/web:TestWebLogin,/web:TestSessionInfo,"
    "/mail:TestMailPresence,/mail:TestWebsocketController,"
    "/mail:TestIrWebsocket,/web:WebSuite.test_unit_desktop[@bus]"
)
UPDATED = ("bus", "base_setup", "web", "auth_timeout", "mail")
REPORT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading")
# A failed test, as Odoo's runner logs it, read as its test tag: /module:Class.method.
FAILURE = re.compile(r"odoo\.addons\.(\w+)\.tests\.[\w.]+: (?:FAIL|ERROR): (\w+\.\w+)")


def run_suites(db, with_addon):
    """Install, enable, then run the suites (at_install ones on update, post_install
    ones once every module is loaded); returns (tests run, tags of the failed ones)."""
    modules = ",".join((*APPS, "idle_user_logout") if with_addon else APPS)
    subprocess.run(
        odoo_command("-d", db, "-i", modules, "--stop-after-init", "--log-level=warn"),
        check=True,
    )
    if with_addon:
        for key, value in (("enabled", "True"), ("timeout_minutes", "15")):
            insert = (
                "INSERT INTO ir_config_parameter (key, value) "
                f"VALUES ('idle_user_logout.{key}', '{value}')"
            )
            subprocess.run(["psql", "-q", "-d", db, "-c", insert], check=True)
    return run_tests(db, UPDATED, SUITES, "with" if with_addon else "without")


def run_tests(db, updated, tags, name):
    """Odoo's runner on `db`: `updated` modules updated, the tests `tags` run."""
    log = WORK / "logs" / f"odoo-suites-{name}.log"
    with log.open("wb") as output:
        subprocess.run(
            odoo_command(
                *("-d", db, "-u", ",".join(updated), "--test-tags", tags),
                *(
                    "--stop-after-init",
                    "--log-level=test",
                    "--http-interface=127.0.0.1",
                ),
                *("--http-port", str(free_port()), "--gevent-port", str(free_port())),
            ),
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    text = log.read_text(errors="replace")
    reports = REPORT.findall(text)
    assert reports, f"no test report in {log}"
    failed = {f"/{module}:{test}" for module, test in FAILURE.findall(text)}
    return int(reports[-1][2]), sorted(failed)


@pytest.fixture(scope="module")
def results():
    dbs = {True: f"iul_suites_with_{uuid.uuid4().hex[:6]}"}
    dbs[False] = f"iul_suites_without_{uuid.uuid4().hex[:6]}"
    try:
        with ThreadPoolExecutor(2) as pool:
            runs = {flag: pool.submit(run_suites, db, flag) for flag, db in dbs.items()}
            yield {flag: run.result() for flag, run in runs.items()}, dbs[True]
    finally:
        for db in dbs.values():
            drop_database(db)


def test_odoo_suites_pass_as_well_with_the_addon_enabled(results):
    runs, db_with = results
    (run_with, failed_with), (run_without, failed_without) = runs[True], runs[False]
    print(
        f"Odoo's suites without the addon: {run_without} tests, failed {failed_without}"
    )
    print(f"Odoo's suites with it, enabled:  {run_with} tests, failed {failed_with}")
    assert run_without > 50, "the suites ran"
    assert run_with == run_without, "the same tests ran beside each other"
    added = [tag for tag in failed_with if tag not in failed_without]
    if added:
        # Odoo's own tours race with the machine's load now and then (seen: the
        # identity check of auth_timeout's, 1 run in 4): the addon's own fails again.
        print(f"failed with the addon only, run again on their own: {added}")
        modules = sorted({tag.split(":")[0].strip("/") for tag in added})
        # A suite's filter ([@bus]) is kept.
        tags = [
            next((suite for suite in SUITES.split(",") if suite.startswith(tag)), tag)
            for tag in added
        ]
        _run, added = run_tests(db_with, modules, ",".join(tags), "with-again")
    assert added == []
