"""With Odoo's own auth_timeout installed too, in real time: whichever limit comes first
wins, with one dialog at most, no loop, no error, and the other limit still holds."""

import time
import uuid

import pytest
from helpers import (
    OdooServer,
    create_database,
    drop_database,
    free_port,
    login,
    on_login_page,
    session_is_open,
    submit_login,
    wait_for,
    wait_for_login_page,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

SLACK_S = 5
NAME_INPUT = ".o_field_widget[name=name] :is(input, textarea)"
LOCK_FORM = "form.o_check_identity_form"
NOTICE = "You were logged out after %d min of inactivity."


@pytest.fixture(scope="module")
def both():
    """A server whose database has this addon and auth_timeout."""
    db = f"iul_e2e_auth_timeout_{uuid.uuid4().hex[:8]}"
    create_database(db, "auth_timeout")
    server = OdooServer(db, free_port(), name="auth_timeout")
    yield server
    server.stop()
    drop_database(db)


def configure(both, ours_minutes, lock_minutes):
    """Our timeout, and auth_timeout's inactivity lock on internal users."""
    both.configure(enabled=True, timeout_minutes=ours_minutes)
    both.set_param("idle_user_logout.server_enforcement", "True")
    internal = both.call(
        "ir.model.data", "check_object_reference", "base", "group_user"
    )[1]
    lock = {"lock_timeout_inactivity": lock_minutes}
    both.call("res.groups", "write", [internal], lock)


def dialog_titles(driver):
    """The titles of the dialogs on screen: a crash would show one too."""
    return driver.execute_script(
        "return [...document.querySelectorAll('.modal .modal-title')]"
        ".map((title) => title.textContent.trim())"
    )


def assert_logged_out_by_us(driver, both, minutes, last_activity):
    left_at = wait_for_login_page(driver, minutes * 60 + SLACK_S + 10)
    assert minutes * 60 - 1 <= left_at - last_activity <= minutes * 60 + SLACK_S
    notice = driver.find_element(By.CSS_SELECTOR, ".o_idle_logout_notice").text
    assert notice == NOTICE % minutes
    assert not session_is_open(driver, both)
    time.sleep(3)
    assert on_login_page(driver), "no loop: the login page stays"


def assert_back_in_without_lock(driver):
    submit_login(driver)
    time.sleep(3)
    assert dialog_titles(driver) == [], "a new session starts unlocked"
    assert not driver.find_elements(By.CSS_SELECTOR, ".o_error_dialog")


def test_our_timeout_first_saves_and_logs_out_without_lock_screen(both, browser):
    configure(both, ours_minutes=1, lock_minutes=2)
    partner_id = both.call("res.partner", "create", {"name": "Draft"})
    login(browser, both, f"/odoo/res.partner/{partner_id}")
    field = wait_for(browser, NAME_INPUT)
    field.clear()
    field.send_keys("Saved before the logout")
    last_activity = time.time()
    seen_titles = set()
    while not on_login_page(browser) and time.time() - last_activity < 75:
        seen_titles.update(dialog_titles(browser))
        time.sleep(0.5)

    assert_logged_out_by_us(browser, both, 1, last_activity)
    assert seen_titles == set(), "no lock screen, no error, before the logout"
    name = both.call("res.partner", "read", [partner_id], ["name"])[0]["name"]
    assert name == "Saved before the logout"
    assert_back_in_without_lock(browser)


def test_their_lock_first_unlocking_is_activity_then_our_logout(both, browser):
    configure(both, ours_minutes=2, lock_minutes=1)
    login(browser, both, "/odoo/settings")
    wait_for(browser, "#idle_logout_setting")
    browser.find_element(By.CSS_SELECTOR, ".o_main_navbar").click()
    clicked = time.time()

    wait_for(browser, LOCK_FORM, timeout=60 + SLACK_S + 10)
    locked_at = time.time()
    assert 60 - 1 <= locked_at - clicked <= 60 + SLACK_S
    assert not on_login_page(browser)
    assert dialog_titles(browser) == ["Confirm access"], "one dialog, no error"
    # The user comes back: typing the password in the lock screen is activity.
    password = wait_for(browser, f"{LOCK_FORM} input[name=password]")
    password.send_keys("admin")
    browser.find_element(By.CSS_SELECTOR, f"{LOCK_FORM} button[type=submit]").click()
    unlocked = time.time()
    WebDriverWait(browser, 10).until(lambda d: dialog_titles(d) == [])
    wait_for(browser, "#idle_logout_setting")

    # Our 2 minutes count from the unlock, not from the click before the lock.
    while time.time() - clicked < 120 + SLACK_S + 5:
        assert not on_login_page(browser), "unlocking was activity"
        assert set(dialog_titles(browser)) <= {"Confirm access"}
        time.sleep(1)
    assert browser.find_elements(By.CSS_SELECTOR, LOCK_FORM), "their lock came back"
    assert_logged_out_by_us(browser, both, 2, unlocked)
    assert_back_in_without_lock(browser)
