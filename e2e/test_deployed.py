"""Odoo as it is deployed: two servers with --workers and their websocket (gevent)
processes, --proxy-mode, one database and OCA session_db as the shared session store,
behind nginx configured as Odoo's deployment documentation says. 1-minute timeout: in
real time once, then with the pages' clock or the session's stamps moved."""

import contextlib
import subprocess
import time
import uuid
import xmlrpc.client

import pytest
import requests
from helpers import (
    CHECKED_S,
    LOGIN_PAGE_LOAD_S,
    REFUSED_AFTER_S,
    SLACK_S,
    TIMEOUT_S,
    Nginx,
    OdooServer,
    addons_path_with_peers,
    age_session,
    assert_every_page_left,
    assert_leaves_on_time,
    authenticate,
    click_heading,
    copy_database,
    drop_database,
    free_port,
    idle_until_just_before,
    login,
    login_time,
    move_clock,
    on_login_page,
    page_report,
    page_time,
    session_is_open,
    start_chrome,
    wait_for,
    wait_for_bus,
    wait_for_login_page,
    wait_for_warning_code,
    wait_until_heard,
)
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

IDLE_NOTICE = "You were logged out after 1 min of inactivity."
# A page every internal user may open: the contacts.
CONTACTS = "/odoo/action-base.action_partner_form"
# How long a session outlives its last tab (models/idle_user_logout_tab.py).
LAST_TAB_GRACE_S = 10


@pytest.fixture(scope="module")
def cluster():
    """Two prefork Odoo servers behind nginx; yields (proxy, servers)."""
    db = f"iul_e2e_prod_{uuid.uuid4().hex[:8]}"
    sessions_db = f"iul_prod_sessions_{uuid.uuid4().hex[:8]}"
    copy_database("addon", db)
    subprocess.run(["createdb", sessions_db], check=True)
    options = (
        *("--workers", "2", "--max-cron-threads", "1", "--proxy-mode"),
        f"--addons-path={addons_path_with_peers()}",
        "--load=base,rpc,web,session_db",
    )
    servers, ports = [], []
    try:
        for name in ("a", "b"):
            http_port, gevent_port = free_port(), free_port()
            servers.append(
                OdooServer(
                    db,
                    http_port,
                    *options,
                    *("--gevent-port", str(gevent_port)),
                    env={"SESSION_DB_URI": sessions_db},
                    name=f"deployed-{name}",
                )
            )
            ports.append((http_port, gevent_port))
        proxy = Nginx(free_port(), ports)
        proxy.upstreams = ports
        try:
            # Each gevent process answers a websocket handshake through the proxy.
            WebDriverWait(None, 60, poll_frequency=1).until(
                lambda _: proxy.websocket_upgrades() and proxy.websocket_upgrades()
            )
            yield proxy, servers
        finally:
            proxy.stop()
    finally:
        for server in servers:
            server.stop()
        drop_database(db)
        drop_database(sessions_db)


@pytest.fixture(scope="module")
def branches(cluster):
    """Two more fronts standing for two networks, each telling Odoo its own client
    address (as a branch's proxy would): the office (10.1.2.3) and a café
    (203.0.113.7). One browser reaches both with one session (the cookie is the
    host's)."""
    proxy, servers = cluster
    fronts = {
        name: Nginx(free_port(), proxy.upstreams, client=client)
        for name, client in (("office", "10.1.2.3"), ("cafe", "203.0.113.7"))
    }
    try:
        yield {name: servers[0].through(front.url) for name, front in fronts.items()}
    finally:
        for front in fronts.values():
            front.stop()


@pytest.fixture
def deployed(cluster):
    """The deployment as its users reach it: through the proxy."""
    proxy, servers = cluster
    front = servers[0].through(proxy.url)
    front.configure(enabled=True, timeout_minutes=1)
    return front


def open_tabs(
    deployed, driver, count=2, path="/odoo/settings", shown="#idle_logout_setting"
):
    """`count` tabs of the web client, connected to the bus; returns their handles."""
    for index in range(count):
        if index:
            driver.switch_to.new_window("tab")
            driver.get(f"{deployed.url}{path}")
        wait_for(driver, shown, timeout=60)
        wait_for_bus(driver)
    return driver.window_handles


def same_session_elsewhere(deployed, browser):
    """Another browser (its own bus websocket) with this browser's session cookie."""
    other = start_chrome()
    other.get(f"{deployed.url}/web/health")
    cookie = browser.get_cookie("session_id")
    other.add_cookie({"name": "session_id", "value": cookie["value"], "path": "/"})
    other.get(f"{deployed.url}/odoo/settings")
    open_tabs(deployed, other, count=1)
    return other


def pages_of_one_session(deployed, browser):
    """Two tabs in this browser and one in another browser, all of one session."""
    login(browser, deployed, "/odoo/settings")
    handles = open_tabs(deployed, browser)
    other = same_session_elsewhere(deployed, browser)
    return [(browser, handle) for handle in handles] + [
        (other, other.current_window_handle)
    ], other


def test_an_idle_session_leaves_every_tab_and_is_audited_with_the_client_address(
    deployed, real_clock_browser
):
    """In real time, nothing moved: the promise itself, as deployed. And the server's
    own: a login nobody used is refused after the timeout and its grace."""
    browser = real_clock_browser
    deployed.set_param("idle_user_logout.audit", "True")
    unused, _info = authenticate(deployed)
    unused_since = time.time()
    login(browser, deployed, "/odoo/settings")
    handles = open_tabs(deployed, browser)
    session_id = browser.get_cookie("session_id")["value"]
    browser.switch_to.window(handles[0])
    last_click = click_heading(browser)
    # The tab in front first: switching to the other before it left would be activity.
    for handle in handles:
        if browser.current_window_handle != handle:
            browser.switch_to.window(handle)
        left_at = wait_for_login_page(browser, TIMEOUT_S + SLACK_S + LOGIN_PAGE_LOAD_S)
        assert TIMEOUT_S - 0.5 <= left_at - last_click <= TIMEOUT_S + SLACK_S
        notice = browser.find_element(By.CSS_SELECTOR, ".o_idle_logout_notice")
        assert notice.text == IDLE_NOTICE
    assert not session_is_open(browser, deployed)
    # nginx reaches Odoo from 127.0.0.3: --proxy-mode reads the browser's own address.
    rows, devices = deployed.audit_rows(session_id)
    assert [(row["reason"], row["ip_address"]) for row in rows] == [
        ("browser_idle", "127.0.0.1")
    ]
    assert {device["ip_address"] for device in devices} == {"127.0.0.1"}
    time.sleep(max(0, unused_since + REFUSED_AFTER_S + 2 - time.time()))
    page = unused.get(f"{deployed.url}/odoo", timeout=30)
    assert page.url.split("?")[0].endswith("/web/login"), "idle since its login"


def test_a_session_ended_through_one_server_reaches_the_pages_of_the_other(
    deployed, cluster, browser
):
    proxy, servers = cluster
    deployed.configure(enabled=True, timeout_minutes=60)
    pages, other = pages_of_one_session(deployed, browser)
    try:
        # The two browsers' websockets were proxied to both gevent processes.
        assert len(set(proxy.websocket_upstreams()[-2:])) == 2
        cookie = {"session_id": browser.get_cookie("session_id")["value"]}
        ended_at = time.time()
        requests.get(f"{servers[0].url}/web/session/logout", cookies=cookie, timeout=30)
        assert_every_page_left(pages, ended_at)
    finally:
        other.quit()


def test_logging_out_from_the_user_menu_or_the_logout_url_takes_every_page(
    deployed, browser
):
    deployed.configure(enabled=True, timeout_minutes=60)
    for way in ("user menu", "logout URL"):
        pages, other = pages_of_one_session(deployed, browser)
        try:
            browser.switch_to.window(pages[0][1])
            ended_at = time.time()
            if way == "user menu":
                browser.find_element(By.CSS_SELECTOR, ".o_user_menu button").click()
                wait_for(browser, ".o-dropdown-item[data-menu=logout]").click()
            else:
                browser.switch_to.new_window("tab")
                browser.get(f"{deployed.url}/web/session/logout")
            assert_every_page_left(pages, ended_at)
        finally:
            other.quit()
        for handle in browser.window_handles[1:]:
            browser.switch_to.window(handle)
            browser.close()
        browser.switch_to.window(browser.window_handles[0])


def test_a_device_revoked_by_an_administrator_takes_every_page(deployed, browser):
    deployed.configure(enabled=True, timeout_minutes=60)
    user = f"dana_{uuid.uuid4().hex[:6]}"
    deployed.call(
        "res.users",
        "create",
        [{"name": user, "login": user, "password": f"{user}-Pw1!"}],
    )
    login(browser, deployed, "/odoo", login_name=user, password=f"{user}-Pw1!")
    handles = open_tabs(deployed, browser, path="/odoo", shown=".o_main_navbar")
    pages = [(browser, handle) for handle in handles]
    administrator = start_chrome()
    try:
        # Odoo's own devices list, and its password check before the revoke.
        login(administrator, deployed, "/odoo/user-device")
        row = next(
            row
            for row in WebDriverWait(administrator, 30).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, ".o_data_row")
            )
            if user in row.text
        )
        row.find_element(By.CSS_SELECTOR, "button[name=revoke]").click()
        password = wait_for(administrator, ".modal [name=password] input")
        password.send_keys("admin")
        administrator.find_element(By.CSS_SELECTOR, ".modal [name=run_check]").click()
        ended_at = time.time()
        assert_every_page_left(pages, ended_at)
        assert not session_is_open(browser, deployed)
    finally:
        administrator.quit()


def test_the_server_refusing_a_session_takes_every_page(deployed, browser):
    # A 60-minute timeout, which the pages keep: only the server ends this session.
    deployed.configure(enabled=True, timeout_minutes=60)
    pages, other = pages_of_one_session(deployed, browser)
    try:
        # For the server (its stamps in session_db), the session went unused longer
        # than the timeout and its grace (2 minutes at most).
        age_session(deployed, browser.get_cookie("session_id")["value"], 63 * 60)
        ended_at = time.time()
        assert not session_is_open(browser, deployed), "refused by the server"
        assert_every_page_left(pages, ended_at)
    finally:
        other.quit()


def test_a_rule_set_through_one_worker_holds_in_every_worker(deployed):
    """The workers of both servers each cache a user's rule for its requests: a rule
    set through one of them holds in all, at their next request."""
    deployed.configure(enabled=True, timeout_minutes=60)
    name = f"idle_{uuid.uuid4().hex[:6]}"
    group = deployed.call("res.groups", "create", [{"name": name}])[0]
    try:
        name = member_of(deployed, group)
        sessions = [authenticate(deployed, name, name)[0] for _ in range(6)]

        def served(http):
            answer = http.post(
                f"{deployed.url}/web/session/check",
                json={"jsonrpc": "2.0", "method": "call", "params": {}},
                timeout=30,
            ).json()
            return "error" not in answer

        for http in sessions:
            age_session(deployed, http.cookies["session_id"], 5 * 60)
            assert all(served(http) for _ in range(4)), "idle 5 minutes of 60"
            age_session(deployed, http.cookies["session_id"], 5 * 60)
        deployed.call(
            "res.groups", "write", [group], {"idle_logout_timeout_minutes": 1}
        )
        assert not any(served(http) for http in sessions), "idle 5 minutes of 1"
    finally:
        deployed.call("res.groups", "unlink", [group])


def test_the_session_lifetime_takes_every_page_however_busy(deployed, browser):
    deployed.configure(enabled=True, timeout_minutes=60)
    deployed.set_param("idle_user_logout.max_session_hours", "1")
    try:
        login(browser, deployed, "/odoo/settings")
        pages = [(browser, handle) for handle in open_tabs(deployed, browser)]
        session_id = browser.get_cookie("session_id")["value"]
        ends_at = page_time(browser, login_time(deployed, session_id) + 3600)
        # An hour of work later (the pages' clock moved), 12 s before its end.
        click_heading(browser)
        move_clock(browser, ends_at - 12 - page_time(browser))
        while page_time(browser) < ends_at - 2:
            assert not on_login_page(browser), "not a second before its lifetime"
            browser.find_element(By.TAG_NAME, "body").click()
            time.sleep(3)
        notice = "Your session reached its 1-hour limit and was ended."
        assert_every_page_left(pages, ends_at, notice)
    finally:
        deployed.set_param("idle_user_logout.max_session_hours", "0")


def test_the_warning_shows_in_both_tabs_and_staying_in_one_keeps_both(
    deployed, browser
):
    deployed.set_param("idle_user_logout.warning_seconds", "20")
    warning = ".o_idle_logout_warning [role=alertdialog]"
    in_tab_b = f"return !!window.tabB.document.querySelector('{warning}')"
    try:
        login(browser, deployed, "/odoo/settings")
        wait_for_bus(browser)
        # Tab B is a visible window watched from tab A: it is never given focus.
        browser.execute_script(
            "window.tabB = window.open('/odoo/settings', '_blank', 'width=1200')"
        )
        browser.switch_to.window(browser.window_handles[0])
        WebDriverWait(browser, 60).until(
            lambda d: d.execute_script(
                "return !!window.tabB.document.querySelector('#idle_logout_setting')"
            )
        )
        for page in ("window", "window.tabB"):
            wait_for_warning_code(browser, page)
        last_click = click_heading(browser)
        wait_until_heard(browser, last_click)
        wait_s = idle_until_just_before(browser, last_click + TIMEOUT_S - 20)
        try:
            wait_for(browser, warning, timeout=wait_s + SLACK_S)
        except TimeoutException as timeout:
            tabs = page_report(browser), page_report(browser, "window.tabB")
            raise AssertionError(
                f"no warning, clicked {last_click}: {tabs}"
            ) from timeout
        WebDriverWait(browser, SLACK_S).until(lambda d: d.execute_script(in_tab_b))
        assert page_time(browser) - last_click >= TIMEOUT_S - 20 - 0.5
        browser.find_element(
            By.XPATH, "//button[contains(., 'Stay logged in')]"
        ).click()
        WebDriverWait(browser, SLACK_S).until(
            lambda d: (
                not d.execute_script(in_tab_b)
                and not d.find_elements(By.CSS_SELECTOR, warning)
            )
        )
        assert not on_login_page(browser)
        assert session_is_open(browser, deployed)
    finally:
        deployed.set_param("idle_user_logout.warning_seconds", "0")


def page_key(driver):
    """The key the server gave this page, which it closes with (last tab option)."""
    session = 'odoo.loader.modules.get("@web/session").session'
    return driver.execute_script(f"return {session}.idle_logout_tab")


def wait_until_closed_on_the_server(server, key):
    """Wait until the server heard that the page of `key` closed."""
    WebDriverWait(None, 10, poll_frequency=0.2).until(
        lambda _: server.call(
            "idle_user_logout.tab", "search_read", [("key", "=", key)], ["closed_at"]
        )[0]["closed_at"]
    )


def end_closed_sessions(server):
    """The cron that ends the sessions whose last page closed, run now (the closing
    page triggered it for the end of the grace; a cron worker wakes a minute late)."""
    (cron,) = server.call(
        "ir.model.data",
        "search_read",
        [
            ("module", "=", "idle_user_logout"),
            ("name", "=", "ir_cron_end_closed_sessions"),
        ],
        ["res_id"],
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            server.call("ir.cron", "method_direct_trigger", [cron["res_id"]])
            return
        except xmlrpc.client.Fault:
            # The cron worker runs it this moment: its run counts as well.
            assert time.monotonic() < deadline, "the cron never ran"
            time.sleep(1)


def session_accepted(server, session_id):
    """Whether the server accepts the session, asked without a browser."""
    answer = requests.post(
        f"{server.url}/web/session/check",
        json={"jsonrpc": "2.0", "method": "call", "params": {}},
        cookies={"session_id": session_id},
        timeout=30,
    ).json()
    return "error" not in answer


def test_the_session_ends_with_its_last_tab_not_before(deployed):
    """The option for shared computers. Beside a tab kept open, frozen in the
    background as Chrome's savers freeze tabs, five tabs are opened and closed one
    after another, each closing heard by the server, and a reload: the session stays.
    Closing the last two at once ends it, the grace later, on record as such."""
    deployed.set_param("idle_user_logout.end_on_last_tab_closed", "True")
    deployed.set_param("idle_user_logout.audit", "True")
    # A browser of its own: the test closes it.
    browser = start_chrome()
    try:
        deployed.configure(enabled=True, timeout_minutes=30)
        login(browser, deployed, "/odoo/settings")
        session_id = browser.get_cookie("session_id")["value"]
        browser.refresh()
        wait_for(browser, "#idle_logout_setting", timeout=60)
        kept = browser.current_window_handle
        browser.execute_cdp_cmd("Page.setWebLifecycleState", {"state": "frozen"})
        for _ in range(5):
            browser.switch_to.new_window("tab")
            browser.get(f"{deployed.url}{CONTACTS}")
            wait_for(browser, ".o_list_view", timeout=60)
            key = page_key(browser)
            browser.close()
            browser.switch_to.window(kept)
            wait_until_closed_on_the_server(deployed, key)
        time.sleep(LAST_TAB_GRACE_S + 1)
        end_closed_sessions(deployed)
        assert deployed.audit_rows(session_id)[0] == [], "a tab still open keeps it"
        assert session_accepted(deployed, session_id)
        browser.execute_cdp_cmd("Page.setWebLifecycleState", {"state": "active"})
        assert browser.find_element(By.CSS_SELECTOR, "#idle_logout_setting")
        assert not on_login_page(browser)
        keys = [page_key(browser)]
        browser.switch_to.new_window("tab")
        browser.get(f"{deployed.url}{CONTACTS}")
        wait_for(browser, ".o_list_view", timeout=60)
        keys.append(page_key(browser))
        # Its two last tabs at once, and the browser with them: neither sees the
        # other's word.
        browser.close()
        browser.switch_to.window(kept)
        browser.close()
        for key in keys:
            wait_until_closed_on_the_server(deployed, key)
        time.sleep(LAST_TAB_GRACE_S + 1)
        assert not session_accepted(deployed, session_id), "ended"
        rows = deployed.audit_rows(session_id, ("login_date", "duration"))[0]
        assert [row["reason"] for row in rows] == ["last_tab_closed"]
        assert rows[0]["login_date"] and rows[0]["duration"] > 0
    finally:
        # Closing its last tab may have ended the WebDriver session already.
        with contextlib.suppress(WebDriverException):
            browser.quit()
        deployed.set_param("idle_user_logout.end_on_last_tab_closed", "False")
        deployed.set_param("idle_user_logout.audit", "False")


@pytest.fixture
def trusted_office(deployed):
    """The office's network trusted, and its two rules: the wall displays exempt and
    the sales staff at 30 minutes, both only from there; 1 minute for everyone else."""
    network = deployed.call(
        "idle_user_logout.network", "create", [{"name": "Office", "cidr": "10.0.0.0/8"}]
    )
    groups = {
        name: deployed.call(
            "res.groups",
            "create",
            [{"name": f"{name} {uuid.uuid4().hex[:6]}", **rule}],
        )[0]
        for name, rule in (
            ("Wall displays", {"idle_logout_exempt": True}),
            ("Sales", {"idle_logout_timeout_minutes": 30}),
        )
    }
    deployed.call(
        "res.groups",
        "write",
        list(groups.values()),
        {"idle_logout_trusted_only": True},
    )
    yield groups
    deployed.call("res.groups", "unlink", list(groups.values()))
    deployed.call("idle_user_logout.network", "unlink", network)


def member_of(server, group_id):
    name = f"idle_{uuid.uuid4().hex[:6]}"
    user_id = server.call(
        "res.users", "create", [{"name": name, "login": name, "password": name}]
    )[0]
    server.call("res.groups", "write", [group_id], {"user_ids": [(4, user_id)]})
    return name


def test_the_wall_display_is_exempt_in_the_office_only(
    deployed, branches, trusted_office, browser
):
    """The same session, in the office and then from a café: its pages and the server
    judge each request from its network."""
    office, cafe = branches["office"], branches["cafe"]
    name = member_of(deployed, trusted_office["Wall displays"])
    login(browser, office, CONTACTS, login_name=name, password=name)
    wait_for(browser, ".o_main_navbar", timeout=60)
    gone_s = TIMEOUT_S + REFUSED_AFTER_S
    move_clock(browser, gone_s)
    session_id = browser.get_cookie("session_id")["value"]
    age_session(deployed, session_id, gone_s)
    time.sleep(CHECKED_S)
    assert not on_login_page(browser), "exempt in the office"
    browser.refresh()
    # Loaded, its requests answered: none of them saves a newer stamp over the aged one.
    wait_for(browser, ".o_kanban_record, .o_data_row", timeout=60)
    wait_for_bus(browser)
    age_session(deployed, session_id, gone_s)
    # The tablet taken to a café: the server refuses it, the login page says why.
    browser.get(f"{cafe.url}/odoo")
    wait_for_login_page(browser, 30)
    notice = browser.find_element(By.CSS_SELECTOR, ".o_idle_logout_notice")
    assert notice.text == (
        "You were logged out after 1 min of inactivity, outside the trusted networks."
    )


def test_a_sales_timeout_follows_the_network(
    deployed, branches, trusted_office, browser
):
    office, cafe = branches["office"], branches["cafe"]
    name = member_of(deployed, trusted_office["Sales"])
    login(browser, office, CONTACTS, login_name=name, password=name)
    wait_for(browser, ".o_main_navbar", timeout=60)
    browser.find_element(By.CSS_SELECTOR, ".o_main_navbar").click()
    move_clock(browser, 2 * TIMEOUT_S)
    time.sleep(CHECKED_S)
    assert not on_login_page(browser), "30 minutes in the office"
    # From the café, the same session's page has the 1-minute timeout. The café is
    # another origin: its pages read the browser's moved clock too.
    browser.get(f"{cafe.url}/web/health")
    move_clock(browser, 0)
    browser.get(f"{cafe.url}{CONTACTS}")
    wait_for(browser, ".o_main_navbar", timeout=60)
    clicked_at = page_time(browser)
    browser.find_element(By.CSS_SELECTOR, ".o_main_navbar").click()
    assert_leaves_on_time(browser, clicked_at)
    notice = browser.find_element(By.CSS_SELECTOR, ".o_idle_logout_notice")
    assert notice.text.endswith("outside the trusted networks.")


def test_a_forged_forwarded_address_changes_nothing_without_proxy_mode(odoo):
    """A server without --proxy-mode reads the client's own address, whatever a
    client says it is."""
    odoo.configure(enabled=True, timeout_minutes=1)
    network = odoo.call(
        "idle_user_logout.network", "create", [{"name": "Office", "cidr": "10.0.0.0/8"}]
    )
    group = odoo.call(
        "res.groups",
        "create",
        [
            {
                "name": "Kiosks",
                "idle_logout_exempt": True,
                "idle_logout_trusted_only": True,
            }
        ],
    )[0]
    try:
        name = member_of(odoo, group)
        http = requests.Session()
        http.headers.update(
            {"X-Forwarded-For": "10.1.2.3", "X-Forwarded-Host": "odoo.example"}
        )
        params = {"db": odoo.db, "login": name, "password": name}
        info = http.post(
            f"{odoo.url}/web/session/authenticate",
            json={"jsonrpc": "2.0", "method": "call", "params": params},
            timeout=60,
        ).json()["result"]
        assert info["idle_logout_timeout_minutes"] == 1, "not exempt: not the office"
        assert info["idle_logout_outside"] is True
    finally:
        odoo.call("res.groups", "unlink", [group])
        odoo.call("idle_user_logout.network", "unlink", network)
