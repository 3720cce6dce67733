"""What users expect beyond the seed, in real Chromium against a real server; the pages'
clock is moved, never waited for."""

import time

import pytest
from helpers import (
    CHECKED_S,
    SLACK_S,
    TIMEOUT_S,
    assert_leaves_on_time,
    click_heading,
    idle_until_just_before,
    login,
    login_without_the_form,
    move_clock,
    on_login_page,
    page_time,
    start_chrome,
    wait_for,
    wait_for_login_page,
)
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

HOURS_3 = 3 * 3600


@pytest.fixture(autouse=True)
def one_minute_timeout(odoo):
    odoo.configure(enabled=True, timeout_minutes=1)


def settings_tab_then_hide_it(browser, odoo):
    """Log in on the settings, then open a second tab of the origin that is not a web
    client: the first one is hidden. Returns the first."""
    login(browser, odoo, "/odoo/settings")
    wait_for(browser, "#idle_logout_setting")
    odoo_tab = browser.current_window_handle
    browser.switch_to.new_window("tab")
    browser.get(f"{odoo.url}/web/health")
    return odoo_tab


def test_hidden_tab_that_slept_logs_out_by_itself(odoo, browser):
    odoo_tab = settings_tab_then_hide_it(browser, odoo)

    move_clock(browser, 2 * 60)
    slept_at = page_time(browser)
    # The hidden tab's own check made due by the sleep, nobody looking; a hidden tab's
    # timers run on whole seconds, so its few steps out may add a second or two.
    time.sleep(8)
    came_back_at = page_time(browser)
    browser.switch_to.window(odoo_tab)

    left_at = wait_for_login_page(browser, 5)
    assert slept_at <= left_at <= slept_at + 7
    assert left_at < came_back_at, "it left while hidden, not on return"
    visibility = browser.execute_script(
        "return sessionStorage.getItem('e2e.visibility')"
    )
    assert "h" in visibility, "the tab really was hidden"


def test_coming_back_after_sleep_logs_out_at_once(odoo, browser):
    odoo_tab = settings_tab_then_hide_it(browser, odoo)

    move_clock(browser, 2 * 60)
    browser.switch_to.window(odoo_tab)
    came_back_at = page_time(browser)

    left_at = wait_for_login_page(browser, 10)
    assert left_at <= came_back_at + 1.5, "coming back never counts as activity first"


def test_stale_activity_and_skewed_clocks_never_log_out_early(odoo):
    """Browser clocks 3 hours ahead and behind the server, stale presence data."""
    browsers = [start_chrome(clock=True, skew_s=skew) for skew in (HOURS_3, -HOURS_3)]
    try:
        for driver in browsers:
            driver.get(f"{odoo.url}/web/login")
            yesterday = "Date.now() - 24 * 3600e3"
            driver.execute_script(
                f"localStorage.setItem('presence.lastPresence', {yesterday})"
            )
            login_without_the_form(driver, odoo, "/odoo/settings")
            wait_for(driver, "#idle_logout_setting")
        last_activity = [click_heading(driver) for driver in browsers]

        for driver, last in zip(browsers, last_activity, strict=True):
            idle_until_just_before(driver, last + TIMEOUT_S, early_s=4 * CHECKED_S)
        time.sleep(2 * CHECKED_S)
        for driver in browsers:
            assert not on_login_page(driver), "no early logout, no loop"
            assert driver.find_elements(By.CSS_SELECTOR, ".o_error_dialog") == []
        for driver, last in zip(browsers, last_activity, strict=True):
            left_at = wait_for_login_page(driver, SLACK_S + 10)
            assert TIMEOUT_S - 0.5 <= left_at - last <= TIMEOUT_S + SLACK_S
    finally:
        for driver in browsers:
            driver.quit()


def test_unsaved_work_is_saved_and_never_blocks_the_logout(odoo, browser):
    valid_id, invalid_id = (
        odoo.call("res.partner", "create", {"name": name})
        for name in ("Valid draft", "Invalid draft")
    )
    login(browser, odoo, f"/odoo/res.partner/{invalid_id}")
    name_input = ".o_field_widget[name=name] textarea"
    wait_for(browser, name_input).clear()  # required: the record is now invalid
    tab_invalid = browser.current_window_handle
    browser.execute_script(f"window.open('/odoo/res.partner/{valid_id}', '_blank')")
    tab_valid = next(h for h in browser.window_handles if h != tab_invalid)
    browser.switch_to.window(tab_valid)
    field = wait_for(browser, name_input)
    field.clear()
    field.send_keys("Saved by the idle logout")
    last_activity = page_time(browser)

    left_valid = assert_leaves_on_time(browser, last_activity)
    browser.switch_to.window(tab_invalid)
    left_invalid = wait_for_login_page(browser, 5)

    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - no "Leave site?" prompt
    assert TIMEOUT_S - 0.5 <= left_invalid - last_activity <= TIMEOUT_S + SLACK_S
    assert abs(left_valid - left_invalid) < 2, "the tabs leave together"
    names = odoo.call("res.partner", "read", [valid_id, invalid_id], ["name"])
    assert [partner["name"] for partner in names] == [
        "Saved by the idle logout",
        "Invalid draft",
    ]


NO_BROADCAST_CHANNEL = "delete window.BroadcastChannel;"
# Storage that refuses writes (full, or old private modes), and the channel failing: an
# error of the addon's own. (Storage that throws on every read stops Odoo 19 itself.)
STORAGE_FULL_AND_CHANNEL_THROWING = """
Storage.prototype.setItem = () => {
    throw new DOMException("full", "QuotaExceededError");
};
window.BroadcastChannel = class {
    constructor() {
        throw new Error("broken");
    }
};
"""


@pytest.mark.parametrize(
    "broken",
    [NO_BROADCAST_CHANNEL, STORAGE_FULL_AND_CHANNEL_THROWING],
    ids=["no-broadcast-channel", "storage-full-and-channel-throwing"],
)
def test_web_client_starts_and_logs_out_without_the_apis(odoo, browser, broken):
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": broken})
    login(browser, odoo, "/odoo/settings")
    wait_for(browser, "#idle_logout_setting")
    last_click = click_heading(browser)
    assert not browser.find_elements(By.CSS_SELECTOR, ".o_error_dialog")
    assert_leaves_on_time(browser, last_click)
