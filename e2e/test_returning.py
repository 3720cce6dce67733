"""No unattended session comes back: a reopened browser, a tab opened later, a save that
never answers, a session nobody used. Real Chromium, real server, 1-minute timeout."""

import tempfile
import time

import pytest
import requests
from helpers import (
    CHECK_S,
    CHECKED_S,
    LOGIN_PAGE_LOAD_S,
    REFUSED_AFTER_S,
    SLACK_S,
    TIMEOUT_S,
    activity_stamp,
    age_session,
    click_heading,
    idle_until_just_before,
    login,
    move_clock,
    on_login_page,
    page_time,
    session_is_open,
    start_chrome,
    submit_login,
    wait_for,
    wait_for_login_page,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

NOTICE = "You were logged out after 1 min of inactivity."
# Installed before the page's scripts: notes, at every frame drawn, whether any part of
# the web client (its menu, a view) was on screen.
WATCH_SCRIPT = """
(() => {
    const drawn = () => {
        const shown = document.querySelector(".o_main_navbar, .o_view_controller");
        if (shown && getComputedStyle(shown).visibility === "visible") {
            sessionStorage.setItem("e2e.drawn", location.pathname);
        }
        requestAnimationFrame(drawn);
    };
    requestAnimationFrame(drawn);
})();
"""


@pytest.fixture(autouse=True)
def defaults_with_one_minute_timeout(odoo):
    """The addon enabled and nothing more stored: the server option has its default."""
    keys = odoo.call(
        "ir.config_parameter",
        "search",
        [("key", "=like", "idle_user_logout.server_enforcement%")],
    )
    odoo.call("ir.config_parameter", "unlink", keys)
    odoo.configure(enabled=True, timeout_minutes=1)


def open_watched(driver, url):
    """Open `url` in a page watched from its first script; returns when it was asked
    (page time)."""
    driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_SCRIPT}
    )
    asked_at = page_time(driver)
    driver.get(url)
    return asked_at


def assert_left_at_once_showing_nothing(driver, asked_at):
    left_at = wait_for_login_page(driver, 10)
    assert left_at - asked_at <= 2, f"left {left_at - asked_at:.1f} s after the load"
    assert driver.execute_script("return sessionStorage.getItem('e2e.drawn')") is None
    notice = driver.find_element(By.CSS_SELECTOR, ".o_idle_logout_notice").text
    assert notice == NOTICE


def test_a_browser_reopened_after_the_timeout_leaves_at_once(odoo):
    with tempfile.TemporaryDirectory() as profile:
        # A browser on a profile kept on disk, as a person's browser is between runs.
        driver = start_chrome(f"--user-data-dir={profile}", clock=True)
        try:
            login(driver, odoo, "/odoo/settings")
            wait_for(driver, "#idle_logout_setting")
            last_click = click_heading(driver)
        finally:
            driver.quit()

        # Reopened past the timeout: its clock is 70 s on.
        driver = start_chrome(f"--user-data-dir={profile}", clock=True)
        try:
            driver.get(f"{odoo.url}/web/health")
            move_clock(driver, last_click + TIMEOUT_S + 10 - page_time(driver))
            asked_at = open_watched(driver, f"{odoo.url}/odoo/settings")
            assert_left_at_once_showing_nothing(driver, asked_at)
            # A new login is never logged out by what the earlier session left.
            submit_login(driver)
            wait_for(driver, "#idle_logout_setting")
            time.sleep(3)
            assert not on_login_page(driver)
            assert session_is_open(driver, odoo)
        finally:
            driver.quit()


def test_a_tab_opened_after_the_timeout_leaves_at_once(odoo, browser):
    other_user = start_chrome(clock=True)
    try:
        login(other_user, odoo, "/odoo/settings")
        login(browser, odoo, "/odoo/settings")
        wait_for(browser, "#idle_logout_setting")
        click_heading(browser)
        # The Odoo tab is closed; the browser stays open on another page.
        browser.switch_to.new_window("tab")
        browser.get(f"{odoo.url}/web/health")
        odoo_tab = browser.window_handles[0]
        browser.switch_to.window(odoo_tab)
        browser.close()
        browser.switch_to.window(browser.window_handles[0])
        # Meanwhile another browser's user works on, for 70 s.
        for seconds in (35, 35):
            for driver in (browser, other_user):
                move_clock(driver, seconds)
            time.sleep(1)
            click_heading(other_user)

        browser.switch_to.new_window("tab")
        asked_at = open_watched(browser, f"{odoo.url}/odoo/settings")
        assert_left_at_once_showing_nothing(browser, asked_at)
        time.sleep(5)
        assert not on_login_page(other_user), "another browser's session goes on"
        assert session_is_open(other_user, odoo)
    finally:
        other_user.quit()


def test_leaving_at_the_load_never_spoils_the_next_login_nor_revives_the_session(
    odoo, browser
):
    """The page leaves while Odoo's bus connects on its own: that connection may neither
    bring the session back nor hand the browser its old cookie (a refused login). Each
    round is a race, so it is run several times."""
    login(browser, odoo, "/odoo/settings")
    for round_ in range(1, 9):
        wait_for(browser, "#idle_logout_setting")
        ended = browser.get_cookie("session_id")["value"]
        odoo_tab = browser.current_window_handle
        browser.switch_to.new_window("tab")
        browser.get(f"{odoo.url}/web/health")
        browser.switch_to.window(odoo_tab)
        browser.close()
        browser.switch_to.window(browser.window_handles[0])
        # The browser's clock jumps past the timeout; the server saw the session now.
        move_clock(browser, 70)
        browser.get(f"{odoo.url}/odoo/settings")
        wait_for_login_page(browser, 10)
        submit_login(browser)
        gone = requests.get(
            f"{odoo.url}/odoo", cookies={"session_id": ended}, timeout=30
        )
        assert gone.url.split("?")[0].endswith("/web/login"), f"round {round_}"


def test_a_save_that_never_answers_does_not_keep_the_session(odoo, browser):
    partner_id = odoo.call("res.partner", "create", [{"name": "Held"}])[0]
    login(browser, odoo, f"/odoo/res.partner/{partner_id}")
    field = wait_for(browser, ".o_field_widget[name=name] textarea")
    # Every save is held by the browser, as a locked row or a stuck worker would.
    browser.execute_cdp_cmd(
        "Fetch.enable", {"patterns": [{"urlPattern": "*/web_save*"}]}
    )
    field.send_keys(" and stuck")
    last_key = page_time(browser)

    move_clock(browser, TIMEOUT_S)
    left_at = wait_for_login_page(browser, 15)
    assert left_at - last_key <= TIMEOUT_S + 10
    assert not session_is_open(browser, odoo), "the session ended on the server"
    # What was lost is what an invalid record loses: the change was never written.
    assert odoo.call("res.partner", "read", [partner_id], ["name"])[0]["name"] == "Held"


def test_the_server_keeps_a_session_at_work_without_input(odoo, browser):
    """A page whose screen a request blocks (a long report, an import) has no input
    and makes no request of its own: it tells the server it is at work, so that a
    session about to be refused is kept. Its idle time counts from the work's end.
    The session's stamps and the page's clock are moved (the server's refusal in real
    time: test_deployed.py)."""
    login(browser, odoo, "/odoo/settings")
    wait_for(browser, "#idle_logout_setting")
    session_id = browser.get_cookie("session_id")["value"]
    browser.execute_script("odoo.__WOWL_DEBUG__.root.env.services.ui.block()")
    blocked_at = page_time(browser)
    # For the server, the session is 10 s from its refusal; for the page, its idle
    # time is over.
    age_session(odoo, session_id, REFUSED_AFTER_S - 10)
    move_clock(browser, TIMEOUT_S + CHECK_S)
    WebDriverWait(None, 10, poll_frequency=0.2).until(
        lambda _: time.time() - activity_stamp(odoo, session_id) < 10,
        "the page at work told the server",
    )
    assert not on_login_page(browser)
    assert session_is_open(browser, odoo)
    browser.execute_script("odoo.__WOWL_DEBUG__.root.env.services.ui.unblock()")
    unblocked_at = page_time(browser)
    # The tab's next check sees the work ended: the idle time counts from then.
    time.sleep(CHECK_S + 1)
    idle_until_just_before(browser, unblocked_at + TIMEOUT_S)
    left_at = wait_for_login_page(browser, CHECK_S + SLACK_S + LOGIN_PAGE_LOAD_S)
    assert left_at - unblocked_at >= TIMEOUT_S - 0.5, "counted from the work's end"
    assert left_at - blocked_at >= 2 * TIMEOUT_S + CHECK_S - 1


def test_a_frozen_tab_reloaded_after_the_timeout_leaves_at_once(odoo, browser):
    """A tab the browser froze (memory saver, mobile) runs no timer; reloaded after the
    timeout, as when it was discarded and the user comes back, it shows nothing."""
    login(browser, odoo, "/odoo/settings")
    wait_for(browser, "#idle_logout_setting")
    click_heading(browser)
    browser.execute_cdp_cmd("Page.setWebLifecycleState", {"state": "frozen"})
    move_clock(browser, TIMEOUT_S + 10, origin=odoo.url)
    time.sleep(2 * CHECKED_S)
    where = browser.execute_cdp_cmd(
        "Runtime.evaluate", {"expression": "location.pathname", "timeout": 2000}
    )
    assert where["result"]["value"] == "/odoo/settings", "its timers did not run"

    browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_SCRIPT}
    )
    asked_at = page_time(browser)
    browser.execute_cdp_cmd("Page.reload", {})
    assert_left_at_once_showing_nothing(browser, asked_at)
