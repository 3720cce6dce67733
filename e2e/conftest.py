import itertools
import os
import re
import uuid

import pytest
from helpers import (
    CHROMEDRIVER,
    TEMPLATES,
    OdooServer,
    copy_database,
    drop_database,
    free_port,
    start_chrome,
    template_name,
    template_options,
    worker_logs,
)


@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    missing = [
        path for path in (CHROMEDRIVER, "/usr/bin/chromium") if not os.path.exists(path)
    ]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run tools/setup.sh", pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def _templates():
    """The template databases of this run: tools/test.sh's, or this session's own,
    built on first use and dropped at its end."""
    if os.environ.get("IUL_TEMPLATES"):
        yield
        return
    os.environ["IUL_TEMPLATES"] = f"iul_tmpl_{uuid.uuid4().hex[:8]}"
    try:
        yield
    finally:
        for key in TEMPLATES:
            drop_database(template_name(key))
        del os.environ["IUL_TEMPLATES"]


@pytest.fixture(scope="session")
def odoo():
    """One Odoo server of this tier's own: own port, own database."""
    db = copy_database("addon", f"iul_e2e_{uuid.uuid4().hex[:8]}")
    server = OdooServer(db, free_port())
    yield server
    server.stop()
    drop_database(db)


@pytest.fixture(scope="session")
def sso():
    """A server whose database has this addon, OCA auth_oidc and auth_saml, and the
    bridges (test_single_sign_on.py, test_google_sign_on.py)."""
    db = copy_database("sso", f"iul_e2e_sso_{uuid.uuid4().hex[:8]}")
    server = OdooServer(db, free_port(), *template_options("sso"), name="sso")
    # The post-logout address the provider is told of is the server's own.
    server.set_param("web.base.url", server.url)
    server.set_param("web.base.url.freeze", "True")
    yield server
    server.stop()
    drop_database(db)


@pytest.fixture(scope="session")
def apps():
    """A server whose database has the apps where work happens off the main path:
    Email Marketing, Website, Point of Sale."""
    db = copy_database("apps", f"iul_e2e_apps_{uuid.uuid4().hex[:8]}")
    server = OdooServer(db, free_port(), name="apps")
    yield server
    server.stop()
    drop_database(db)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


def chrome_for(request, **options):
    driver = start_chrome(**options)
    yield driver
    if getattr(request.node, "call_failed", False):
        # The console of the tab the test ended in: what the page itself said.
        for entry in driver.get_log("browser"):
            print(f"browser console: {entry['level']} {entry['message']}")
    driver.quit()


@pytest.fixture
def browser(request):
    """Chromium whose pages run on a clock the test moves (`helpers.move_clock`)."""
    yield from chrome_for(request, clock=True)


@pytest.fixture
def real_clock_browser(request):
    """Chromium as users have it: real time, nothing moved."""
    yield from chrome_for(request)


# What the servers may log at WARNING or above through no fault of the addon: the tests'
# own XML-RPC calls (deprecated in Odoo 19), Odoo's start without an interface given,
# and OCA auth_saml's login link, whose `redirect` its own route does not take.
TOLERATED = (
    "odoo.addons.rpc.controllers.xmlrpc: The /xmlrpc",
    "odoo.tools.config: missing --http-interface",
    "auth_saml.controllers.main.get_auth_request> called ignoring args {'redirect'}",
)
# A log record starts with its date; its traceback, if any, follows on the next lines.
RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ ", re.MULTILINE)


def odoo_retried(record):
    """A concurrent update PostgreSQL refused in a query of Odoo's own (a parameter the
    tests set while a login sets it too), which Odoo retries; not one of the addon's
    (its tables and columns), whose expected refusals are quiet."""
    return "could not serialize access" in record and not re.search(
        "idle_(user_)?logout", record
    )


@pytest.fixture
def expected_server_logs():
    """What a test expects the servers to log as a warning (a refusal it provokes)."""
    return []


@pytest.fixture(autouse=True)
def quiet_servers(expected_server_logs):
    """No server logs a warning or an error during a test, but the tolerated ones and
    those the test expects: a normal logout, refusal or sign-in logs none."""
    before = {path: path.stat().st_size for path in worker_logs()}
    yield
    allowed = (*TOLERATED, *expected_server_logs)
    problems = []
    for path in worker_logs():
        with path.open("rb") as file:
            file.seek(before.get(path, 0))
            text = file.read().decode(errors="replace")
        bounds = [match.start() for match in RECORD.finditer(text)] + [len(text)]
        for start, end in itertools.pairwise(bounds):
            record = text[start:end]
            first_line = record.splitlines()[0]
            if re.search(r" (WARNING|ERROR|CRITICAL) ", first_line) and not (
                any(pattern in record for pattern in allowed) or odoo_retried(record)
            ):
                problems.append(f"{path.name}: {record.strip()[:2000]}")
    assert not problems, "the servers logged:\n" + "\n".join(problems)
