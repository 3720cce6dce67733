"""The optional warning before the logout (WCAG 2.2.1) in real Chromium: two tabs of one
session, a 1-minute timeout, a warning 20 s before; the pages' clock is moved."""

import pytest
from helpers import (
    TIMEOUT_S,
    WORK,
    click_heading,
    idle_until_just_before,
    login,
    page_report,
    page_time,
    wait_for,
    wait_for_login_page,
    wait_for_warning_code,
    wait_until_heard,
)
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WARNING_S = 20
# A tab's timers and a WebDriver poll: the warning shows and closes within that.
SLACK_S = 2
AXE = WORK / "node" / "node_modules" / "axe-core" / "axe.min.js"
WARNING = ".o_idle_logout_warning [role=alertdialog]"
# Tab B is opened by tab A and watched from it: it is never given focus (activity).
IN_TAB_B = f"return !!window.tabB.document.querySelector('{WARNING}')"
TAB_B_UP = "return !!window.tabB.document?.querySelector('#idle_logout_setting')"


@pytest.fixture(autouse=True)
def warning_20_s_before(odoo):
    odoo.configure(enabled=True, timeout_minutes=1)
    odoo.set_param("idle_user_logout.warning_seconds", str(WARNING_S))
    yield
    odoo.set_param("idle_user_logout.warning_seconds", "0")


def warned(driver):
    return bool(driver.find_elements(By.CSS_SELECTOR, WARNING))


def wait_until(driver, condition, timeout):
    """Wait for `condition(driver)`; return when it held (page time)."""
    WebDriverWait(driver, timeout, poll_frequency=0.2).until(condition)
    return page_time(driver)


def axe_violations(driver, selector):
    """What an axe-core scan of `selector` finds (WCAG 2.2 A and AA, best practice)."""
    driver.execute_script(AXE.read_text())
    return driver.execute_async_script(
        """
        const [selector, done] = arguments;
        const runOnly = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
        axe.run(document.querySelector(selector), {
            runOnly: [...runOnly, "best-practice"],
        }).then(({ violations }) => done(violations.map((v) => `${v.id}: ${v.help}`)));
        """,
        selector,
    )


def test_warned_in_both_tabs_stay_from_one_then_both_leave_on_time(odoo, browser):
    login(browser, odoo, "/odoo/settings")
    wait_for(browser, "#idle_logout_setting")
    # A window of its own, visible: a hidden tab draws its warning when it is shown.
    browser.execute_script(
        "window.tabB = window.open('/odoo/settings', '_blank', 'width=1200,height=800')"
    )
    tab_a = browser.current_window_handle
    browser.switch_to.window(tab_a)
    # Tab B's web client counts its start as activity (it has focus): before the click.
    wait_until(browser, lambda d: d.execute_script(TAB_B_UP), 60)
    for page in ("window", "window.tabB"):
        wait_for_warning_code(browser, page)
    last_activity = click_heading(browser)
    wait_until_heard(browser, last_activity)
    warn_at = last_activity + TIMEOUT_S - WARNING_S

    wait_s = idle_until_just_before(browser, warn_at)
    try:
        shown_a = wait_until(browser, warned, wait_s + SLACK_S)
    except TimeoutException as timeout:
        tabs = page_report(browser), page_report(browser, "window.tabB")
        raise AssertionError(
            f"no warning, clicked {last_activity}: {tabs}"
        ) from timeout
    shown_b = wait_until(browser, lambda d: d.execute_script(IN_TAB_B), SLACK_S)
    for shown in (shown_a, shown_b):
        assert warn_at - 0.5 <= shown <= warn_at + SLACK_S
    dialog = browser.find_element(By.CSS_SELECTOR, WARNING)
    assert "You will be logged out in" in dialog.text
    assert browser.switch_to.active_element.text == "Stay logged in", (
        "focus in the dialog"
    )
    assert axe_violations(browser, ".o_idle_logout_warning") == []

    stayed = page_time(browser)
    browser.switch_to.active_element.click()
    wait_until_heard(browser, stayed)
    wait_until(browser, lambda d: not warned(d), SLACK_S)
    wait_until(browser, lambda d: not d.execute_script(IN_TAB_B), SLACK_S)

    warn_again_at = stayed + TIMEOUT_S - WARNING_S
    wait_s = idle_until_just_before(browser, warn_again_at)
    shown_again = wait_until(browser, warned, wait_s + SLACK_S)
    assert shown_again >= warn_again_at - 0.5, "both tabs were kept"
    wait_s = idle_until_just_before(browser, stayed + TIMEOUT_S)
    left_a = wait_for_login_page(browser, wait_s + 10)
    tab_b = next(handle for handle in browser.window_handles if handle != tab_a)
    browser.switch_to.window(tab_b)
    left_b = wait_for_login_page(browser, 5)
    for left in (left_a, left_b):
        assert TIMEOUT_S - 0.5 <= left - stayed <= TIMEOUT_S + 5, "ignored: on time"
