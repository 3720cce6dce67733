"""Rules by group in real Chromium against a real server: a group's own timeout, an
exempt group (wall displays), a rule changed while a page is open, and roles (OCA
base_user_role) giving a rule. The pages' clock and the session's stamps are moved."""

import datetime
import subprocess
import time
import uuid

import pytest
from helpers import (
    CHECK_S,
    CHECKED_S,
    REFUSED_AFTER_S,
    TIMEOUT_S,
    OdooServer,
    addons_path_with_peers,
    age_session,
    assert_leaves_on_time,
    assert_stays,
    authenticate,
    copy_database,
    drop_database,
    free_port,
    login,
    move_clock,
    odoo_command,
    on_login_page,
    page_time,
    session_is_open,
    start_chrome,
    stored_session,
    wait_for,
    wait_for_login_page,
)
from selenium.webdriver.common.by import By

WARNING = ".o_idle_logout_warning [role=alertdialog]"
NOTICE = "You were logged out after %d min of inactivity."
OUTSIDE_NOTICE = (
    "You were logged out after %d min of inactivity, outside the trusted networks."
)


def user_in_group(odoo, **rule):
    """A new internal user, in a new group with `rule`; returns (login, group id)."""
    name = f"idle_{uuid.uuid4().hex[:6]}"
    user_id = odoo.call(
        "res.users", "create", [{"name": name, "login": name, "password": name}]
    )[0]
    group_id = odoo.call(
        "res.groups",
        "create",
        [{"name": f"Group of {name}", "user_ids": [(4, user_id)], **rule}],
    )[0]
    return name, group_id


def log_in_as(driver, odoo, name):
    login(driver, odoo, "/odoo", login_name=name, password=name)
    wait_for(driver, ".o_main_navbar")
    driver.find_element(By.CSS_SELECTOR, ".o_main_navbar").click()
    return page_time(driver)


def test_a_one_minute_group_rule_logs_out_its_member_only(odoo):
    odoo.configure(enabled=True, timeout_minutes=30)
    short, _group = user_in_group(odoo, idle_logout_timeout_minutes=1)
    other, _group = user_in_group(odoo)
    browsers = [start_chrome(clock=True) for _ in range(2)]
    try:
        last_activity = [
            log_in_as(driver, odoo, name)
            for driver, name in zip(browsers, (short, other), strict=True)
        ]
        move_clock(browsers[1], TIMEOUT_S + 2 * CHECK_S)
        assert_leaves_on_time(browsers[0], last_activity[0])
        notice = browsers[0].find_element(By.CSS_SELECTOR, ".o_idle_logout_notice")
        assert notice.text == NOTICE % 1
        time.sleep(CHECKED_S)
        assert page_time(browsers[1]) - last_activity[1] > TIMEOUT_S + CHECK_S
        assert not on_login_page(browsers[1]), "30 minutes for the other"
        assert session_is_open(browsers[1], odoo)
    finally:
        for driver in browsers:
            driver.quit()


def test_an_exempt_member_stays_in_the_web_client_and_is_accepted(odoo, browser):
    odoo.configure(enabled=True, timeout_minutes=1)
    display, _group = user_in_group(odoo, idle_logout_exempt=True)
    log_in_as(browser, odoo, display)
    # Twice the timeout and the server's grace go by, for the page and the server.
    gone_s = 2 * TIMEOUT_S + REFUSED_AFTER_S
    move_clock(browser, gone_s)
    age_session(odoo, browser.get_cookie("session_id")["value"], gone_s)
    time.sleep(CHECKED_S)
    assert not on_login_page(browser)
    assert session_is_open(browser, odoo), "the server accepts it too"
    browser.refresh()
    wait_for(browser, ".o_main_navbar")
    time.sleep(2)
    assert not on_login_page(browser), "and its next page too"


def save_settings(odoo, **values):
    """General Settings saved as an administrator saves them."""
    odoo.call(
        "res.config.settings",
        "execute",
        odoo.call("res.config.settings", "create", [values]),
    )


def test_the_rule_outside_the_trusted_networks_reaches_an_open_page(odoo, browser):
    """The first trusted network set and the timeout outside them changed while the
    page is open, then the network removed: the page follows each, as the server does
    (this browser's 127.0.0.1 is outside 10.0.0.0/8)."""
    odoo.configure(enabled=True, timeout_minutes=30)
    name, _group = user_in_group(odoo)
    log_in_as(browser, odoo, name)
    network = odoo.call(
        "idle_user_logout.network", "create", [{"name": "Office", "cidr": "10.0.0.0/8"}]
    )
    try:
        save_settings(odoo, idle_logout_outside_timeout_minutes=1)
        time.sleep(2)
        last_activity = page_time(browser)
        browser.find_element(By.CSS_SELECTOR, ".o_main_navbar").click()
        assert_leaves_on_time(browser, last_activity)
        notice = browser.find_element(By.CSS_SELECTOR, ".o_idle_logout_notice")
        assert notice.text == OUTSIDE_NOTICE % 1
        log_in_as(browser, odoo, name)
        odoo.call("idle_user_logout.network", "unlink", network)
        network = None
        time.sleep(2)
        move_clock(browser, 2 * TIMEOUT_S)
        assert_stays(browser, "30 minutes again, the network gone")
    finally:
        if network:
            odoo.call("idle_user_logout.network", "unlink", network)
        odoo.set_param("idle_user_logout.outside_timeout_minutes", "0")


def test_a_rule_shortened_while_the_page_is_open_applies_without_a_reload(
    odoo, browser
):
    odoo.configure(enabled=True, timeout_minutes=30)
    name, group_id = user_in_group(odoo, idle_logout_timeout_minutes=30)
    last_activity = log_in_as(browser, odoo, name)
    move_clock(browser, TIMEOUT_S / 2)
    time.sleep(1)
    odoo.call("res.groups", "write", [group_id], {"idle_logout_timeout_minutes": 1})
    assert_leaves_on_time(browser, last_activity)
    notice = browser.find_element(By.CSS_SELECTOR, ".o_idle_logout_notice")
    assert notice.text == NOTICE % 1


@pytest.mark.parametrize("minutes", [1, 2])
def test_a_short_rule_never_refuses_a_user_at_work(odoo, browser, minutes):
    """Under a 15-minute global timeout, a user whose group gives 1 or 2 minutes and
    clicks every 50 s for 5 minutes is never refused: the page tells the server within
    the user's own rule (the global timeout's keepalive, 60 s, came after the refusal
    of a 1-minute rule, 95 s)."""
    odoo.configure(enabled=True, timeout_minutes=15)
    name, _group = user_in_group(odoo, idle_logout_timeout_minutes=minutes)
    log_in_as(browser, odoo, name)
    session_id = browser.get_cookie("session_id")["value"]

    def server_seen():
        _store, session, (_login_key, seen_key) = stored_session(odoo, session_id)
        return session[seen_key]

    for step in range(6):
        move_clock(browser, 50)
        age_session(odoo, session_id, 50)
        clicked_at = time.time()
        browser.find_element(By.CSS_SELECTOR, ".o_main_navbar").click()
        deadline = time.monotonic() + 10
        while server_seen() < clicked_at - 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert server_seen() >= clicked_at - 1, f"click {step + 1} never reported"
    assert not on_login_page(browser)
    assert session_is_open(browser, odoo)


@pytest.fixture(scope="module")
def roles():
    """A server whose database has this addon and OCA base_user_role."""
    db = copy_database("addon", f"iul_e2e_roles_{uuid.uuid4().hex[:8]}")
    peers = f"--addons-path={addons_path_with_peers()}"
    subprocess.run(
        odoo_command(
            "-d",
            db,
            "-i",
            "base_user_role",
            peers,
            "--stop-after-init",
            "--log-level=warn",
        ),
        check=True,
    )
    server = OdooServer(db, free_port(), peers, name="roles")
    yield server
    server.stop()
    drop_database(db)


def test_a_role_whose_group_has_a_rule_gives_it_to_its_users(roles):
    roles.configure(enabled=True, timeout_minutes=30)
    internal = roles.call(
        "ir.model.data", "check_object_reference", "base", "group_user"
    )
    employees, cashiers = (
        roles.call(
            "res.users.role",
            "create",
            [{"name": name, "implied_ids": [(4, internal[1])], **rule}],
        )[0]
        for name, rule in (
            ("Employees", {}),
            ("Cashiers", {"idle_logout_timeout_minutes": 5}),
        )
    )
    name = f"idle_{uuid.uuid4().hex[:6]}"
    user_id = roles.call(
        "res.users",
        "create",
        [
            {
                "name": name,
                "login": name,
                "password": name,
                "role_line_ids": [(0, 0, {"role_id": employees})],
            }
        ],
    )[0]

    def timeout_at_login():
        _http, info = authenticate(roles, name, name)
        return info["idle_logout_timeout_minutes"]

    assert timeout_at_login() == 30
    roles.call(
        "res.users",
        "write",
        [user_id],
        {"role_line_ids": [(0, 0, {"role_id": cashiers})]},
    )
    assert timeout_at_login() == 5, "the role's rule"
    cashier_line = roles.call(
        "res.users.role.line",
        "search",
        [("user_id", "=", user_id), ("role_id", "=", cashiers)],
    )
    roles.call("res.users.role.line", "unlink", cashier_line)
    assert timeout_at_login() == 30, "the role taken away"


def test_an_open_page_follows_its_roles_without_a_reload(roles, browser):
    """base_user_role writes a user's groups past this addon's overrides: a role
    whose end date passed (its cron) and a role given on the user's form reach the
    open page."""
    roles.configure(enabled=True, timeout_minutes=30)
    roles.set_param("idle_user_logout.warning_seconds", "20")
    internal = roles.call(
        "ir.model.data", "check_object_reference", "base", "group_user"
    )
    employees, cashiers, night = (
        roles.call(
            "res.users.role",
            "create",
            [{"name": f"{name} {uuid.uuid4().hex[:6]}", **rule}],
        )[0]
        for name, rule in (
            ("Employees", {"implied_ids": [(4, internal[1])]}),
            ("Cashiers", {"idle_logout_timeout_minutes": 1}),
            ("Night shift", {"idle_logout_timeout_minutes": 1}),
        )
    )
    today = datetime.date.today()
    name = f"idle_{uuid.uuid4().hex[:6]}"
    user_id = roles.call(
        "res.users",
        "create",
        [
            {
                "name": name,
                "login": name,
                "password": name,
                "role_line_ids": [
                    (0, 0, {"role_id": employees}),
                    (0, 0, {"role_id": cashiers, "date_to": today.isoformat()}),
                ],
            }
        ],
    )[0]
    log_in_as(browser, roles, name)
    # The page starts with the cashiers' minute: warned before it.
    move_clock(browser, TIMEOUT_S - 15)
    wait_for(browser, WARNING, timeout=CHECK_S + CHECKED_S)
    browser.switch_to.active_element.click()
    # The cashier role ends: its daily cron takes its group away.
    line = roles.call(
        "res.users.role.line",
        "search",
        [("user_id", "=", user_id), ("role_id", "=", cashiers)],
    )
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    roles.call("res.users.role.line", "write", line, {"date_to": yesterday})
    cron = roles.call(
        "ir.model.data", "check_object_reference", "base_user_role", "cron_update_users"
    )
    roles.call("ir.cron", "method_direct_trigger", [cron[1]])
    time.sleep(2)
    move_clock(browser, 2 * TIMEOUT_S)
    assert_stays(browser, "30 minutes again, not the cashiers' 1")
    # A role with a 1-minute rule given on the user's form: idle 2 minutes, it leaves.
    roles.call(
        "res.users", "write", [user_id], {"role_line_ids": [(0, 0, {"role_id": night})]}
    )
    wait_for_login_page(browser, CHECK_S + 30)
    notice = browser.find_element(By.CSS_SELECTOR, ".o_idle_logout_notice")
    assert notice.text == NOTICE % 1
