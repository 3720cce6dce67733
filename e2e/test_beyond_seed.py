"""What users expect beyond the seed, in real Chromium against a real server."""

import time

import pytest
from helpers import (
    click_heading,
    install_clock,
    login,
    on_login_page,
    start_chrome,
    wait_for,
    wait_for_login_page,
)
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT_S = 60
SLACK_S = 5
HOURS_3 = 3 * 3600 * 1000


@pytest.fixture(autouse=True)
def one_minute_timeout(odoo):
    odoo.configure(enabled=True, timeout_minutes=1)


def settings_tab_then_hide_it(browser, odoo):
    """Log in on the settings, with the clock under control, then open a second tab of
    the origin that is not a web client: the first one is hidden. Returns the first."""
    install_clock(browser)
    login(browser, odoo, "/odoo/settings")
    wait_for(browser, "#idle_logout_setting")
    odoo_tab = browser.current_window_handle
    browser.switch_to.new_window("tab")
    browser.get(f"{odoo.url}/web/health")
    return odoo_tab


def sleep_machine(browser, minutes):
    """Every controlled clock of the origin jumps forward, as after a laptop's sleep."""
    browser.execute_script(
        "localStorage.setItem('e2e.sleep_ms', arguments[0])", minutes * 60_000
    )


def test_hidden_tab_that_slept_logs_out_by_itself(odoo, browser):
    odoo_tab = settings_tab_then_hide_it(browser, odoo)

    sleep_machine(browser, 2)
    slept_at = time.time()
    # The hidden tab's own 5-second check, nobody looking; a hidden tab's timers run
    # on whole seconds, so its few steps out may add a second or two.
    time.sleep(12)
    came_back_at = time.time()
    browser.switch_to.window(odoo_tab)

    left_at = wait_for_login_page(browser, 5)
    assert slept_at <= left_at <= slept_at + 9
    assert left_at < came_back_at, "it left while hidden, not on return"
    visibility = browser.execute_script(
        "return sessionStorage.getItem('e2e.visibility')"
    )
    assert "h" in visibility, "the tab really was hidden"


def test_coming_back_after_sleep_logs_out_at_once(odoo, browser):
    odoo_tab = settings_tab_then_hide_it(browser, odoo)

    sleep_machine(browser, 2)
    browser.switch_to.window(odoo_tab)
    came_back_at = time.time()

    left_at = wait_for_login_page(browser, 10)
    assert left_at <= came_back_at + 1.5, "coming back never counts as activity first"


def test_stale_activity_and_skewed_clocks_never_log_out_early(odoo):
    """Browser clocks 3 hours ahead and behind the server, stale presence data."""
    browsers = [start_chrome(), start_chrome()]
    try:
        for driver, skew in zip(browsers, (HOURS_3, -HOURS_3), strict=True):
            install_clock(driver, skew)
            driver.get(f"{odoo.url}/web/login")
            yesterday = "Date.now() - 24 * 3600e3"
            driver.execute_script(
                f"localStorage.setItem('presence.lastPresence', {yesterday})"
            )
            login(driver, odoo, "/odoo/settings")
            wait_for(driver, "#idle_logout_setting")
        last_activity = [click_heading(driver) for driver in browsers]

        time.sleep(TIMEOUT_S - 5)
        for driver in browsers:
            assert not on_login_page(driver), "no early logout, no loop"
            assert driver.find_elements(By.CSS_SELECTOR, ".o_error_dialog") == []
        for driver, last in zip(browsers, last_activity, strict=True):
            left_at = wait_for_login_page(driver, SLACK_S + 10)
            assert TIMEOUT_S - 0.5 <= left_at - last <= TIMEOUT_S + SLACK_S
    finally:
        for driver in browsers:
            driver.quit()


def test_logging_out_by_hand_takes_every_tab_along(odoo, browser):
    login(browser, odoo, "/odoo/settings")
    wait_for(browser, "#idle_logout_setting")
    browser.execute_script("window.open('/odoo/settings', '_blank')")
    tab_a = browser.current_window_handle
    tab_b = next(handle for handle in browser.window_handles if handle != tab_a)
    browser.switch_to.window(tab_b)
    wait_for(browser, "#idle_logout_setting")
    browser.switch_to.window(tab_a)

    browser.find_element(By.CSS_SELECTOR, ".o_user_menu button").click()
    wait_for(browser, ".o-dropdown-item[data-menu=logout]").click()
    left_a = wait_for_login_page(browser, 10)
    browser.switch_to.window(tab_b)
    left_b = wait_for_login_page(browser, 5)

    assert abs(left_a - left_b) < 1.5, "the tabs leave together"
    assert "o_idle_logout_notice" not in browser.page_source, "not an idle logout"


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
    last_activity = time.time()

    left_valid = wait_for_login_page(browser, TIMEOUT_S + SLACK_S + 10)
    browser.switch_to.window(tab_invalid)
    left_invalid = wait_for_login_page(browser, 5)

    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - no "Leave site?" prompt
    for left in (left_valid, left_invalid):
        assert TIMEOUT_S - 0.5 <= left - last_activity <= TIMEOUT_S + SLACK_S
    names = odoo.call("res.partner", "read", [valid_id, invalid_id], ["name"])
    assert [partner["name"] for partner in names] == [
        "Saved by the idle logout",
        "Invalid draft",
    ]


@pytest.mark.parametrize(
    ("stored", "effective"),
    [
        ("abc", 15),
        ("0", 1),
        ("-5", 1),
        ("2.5", 2),
        ("1e30", 525600),
        ("", 15),
        (None, 15),
    ],
)
def test_odd_stored_values_never_break_the_web_client(odoo, browser, stored, effective):
    if stored is None:
        params = odoo.call(
            "ir.config_parameter",
            "search",
            [("key", "=", "idle_user_logout.timeout_minutes")],
        )
        odoo.call("ir.config_parameter", "unlink", params)
    else:
        odoo.set_param("idle_user_logout.timeout_minutes", stored)
    login(browser, odoo, "/odoo/settings")
    wait_for(browser, "#idle_logout_setting")
    received = browser.execute_script(
        "const { session } = odoo.loader.modules.get('@web/session');"
        "return session.idle_logout_timeout_minutes"
    )
    assert received == effective
    time.sleep(3)
    assert not on_login_page(browser), "no logout loop"
    assert browser.find_elements(By.CSS_SELECTOR, ".o_error_dialog") == []
    shown = browser.find_element(By.CSS_SELECTOR, "#idle_logout_setting input.o_input")
    WebDriverWait(browser, 5).until(
        lambda _: shown.get_attribute("value").replace(",", "") == str(effective)
    )


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
def test_web_client_starts_and_logs_out_without_the_apis(odoo, broken):
    driver = start_chrome()
    try:
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": broken}
        )
        login(driver, odoo, "/odoo/settings")
        wait_for(driver, "#idle_logout_setting")
        last_click = click_heading(driver)
        assert not driver.find_elements(By.CSS_SELECTOR, ".o_error_dialog")
        left_at = wait_for_login_page(driver, TIMEOUT_S + SLACK_S + 10)
        assert TIMEOUT_S - 1 <= left_at - last_click <= TIMEOUT_S + SLACK_S
    finally:
        driver.quit()
