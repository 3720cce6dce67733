import os
import uuid

import pytest
from helpers import (
    CHROMEDRIVER,
    OdooServer,
    create_database,
    drop_database,
    free_port,
    start_chrome,
)


@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    missing = [
        path for path in (CHROMEDRIVER, "/usr/bin/chromium") if not os.path.exists(path)
    ]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run tools/setup.sh", pytrace=False)


@pytest.fixture(scope="session")
def odoo():
    """One Odoo server of this tier's own: own port, own database."""
    db = f"iul_e2e_{uuid.uuid4().hex[:8]}"
    create_database(db)
    server = OdooServer(db, free_port())
    yield server
    server.stop()
    drop_database(db)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture
def browser(request):
    driver = start_chrome()
    yield driver
    if getattr(request.node, "call_failed", False):
        # The console of the tab the test ended in: what the page itself said.
        for entry in driver.get_log("browser"):
            print(f"browser console: {entry['level']} {entry['message']}")
    driver.quit()
