"""The auto logout with a 1-minute timeout, real server, real Chromium, the pages' clock
moved instead of waited for (in real time once, deployed: test_deployed.py)."""

import time

import pytest
from helpers import (
    CHECKED_S,
    SLACK_S,
    TIMEOUT_S,
    assert_leaves_on_time,
    click_heading,
    login,
    move_clock,
    on_login_page,
    session_is_open,
    submit_login,
    wait_for,
    wait_for_login_page,
)
from selenium.webdriver.common.by import By


@pytest.fixture(autouse=True)
def one_minute_timeout(odoo):
    odoo.configure(enabled=True, timeout_minutes=1)


def test_untouched_tab_reaches_login_page_after_timeout(odoo, browser):
    """The promise itself, on the pages' clock (in real time: test_deployed.py): the
    session ends on the server too, on record with its device, and the user is back
    where they were after logging in."""
    odoo.configure(timeout_minutes=0)  # stored below the minimum: 1 minute applies
    odoo.set_param("idle_user_logout.audit", "True")
    login(browser, odoo, "/odoo/settings")
    wait_for(browser, "#idle_logout_setting")
    session_id = browser.get_cookie("session_id")["value"]
    last_activity = click_heading(browser)

    assert_leaves_on_time(browser, last_activity)
    assert not session_is_open(browser, odoo), "the server session is over too"
    notice = browser.find_element(By.CSS_SELECTOR, ".o_idle_logout_notice").text
    assert notice == "You were logged out after 1 min of inactivity."
    rows, devices = odoo.audit_rows(session_id)
    assert [row.pop("reason") for row in rows] == ["browser_idle"]
    assert rows[0] | {"id": 0} == devices[-1] | {"id": 0}, "the device Odoo logged"
    assert (rows[0]["ip_address"], rows[0]["browser"]) == ("127.0.0.1", "chrome")
    active = [["session_identifier", "=", session_id[:42]]]
    assert odoo.call("res.device", "search_count", active) == 0, "no longer active"
    submit_login(browser)
    assert browser.execute_script("return location.pathname") == "/odoo/settings"


def test_working_in_one_tab_keeps_both_then_both_leave(odoo, browser):
    login(browser, odoo, "/odoo/settings")
    wait_for(browser, "#idle_logout_setting")
    # Tab B is opened by tab A so that A can watch it without ever giving it focus.
    browser.execute_script("window.tabB = window.open('/odoo/settings', '_blank')")
    tab_a = browser.current_window_handle
    browser.switch_to.window(tab_a)
    tab_b_path = "return window.tabB.location.pathname"

    # Two and a half minutes of work, a click every 50 s: each tab checks in between.
    for _ in range(3):
        click_heading(browser)
        move_clock(browser, 50)
        time.sleep(CHECKED_S)
        assert browser.execute_script(tab_b_path).startswith("/odoo")
        assert not on_login_page(browser)
    last_activity = click_heading(browser)

    left_a = assert_leaves_on_time(browser, last_activity)
    tab_b = next(handle for handle in browser.window_handles if handle != tab_a)
    browser.switch_to.window(tab_b)
    left_b = wait_for_login_page(browser, 5)

    assert TIMEOUT_S - 0.5 <= left_b - last_activity <= TIMEOUT_S + SLACK_S
    assert abs(left_a - left_b) < 2, "the tabs leave together"
