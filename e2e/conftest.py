import os
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
