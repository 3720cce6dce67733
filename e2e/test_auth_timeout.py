"""With Odoo's own auth_timeout installed too: whichever limit comes first wins, with
one dialog at most, no loop, no error, and the other limit still holds. Their lock
comes from its server stamp, moved; our timeout on the pages' clock, moved."""

import time
import uuid

import pytest
from helpers import (
    LOGIN_PAGE_LOAD_S,
    SLACK_S,
    OdooServer,
    copy_database,
    drop_database,
    free_port,
    idle_until_just_before,
    login,
    move_clock,
    on_login_page,
    page_time,
    session_is_open,
    stored_session,
    submit_login,
    wait_for,
    wait_for_login_page,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

NAME_INPUT = ".o_field_widget[name=name] :is(input, textarea)"
LOCK_FORM = "form.o_check_identity_form"
NOTICE = "You were logged out after %d min of inactivity."


@pytest.fixture(scope="module")
def both():
    """A server whose database has this addon and auth_timeout."""
    db = copy_database("auth_timeout", f"iul_e2e_auth_timeout_{uuid.uuid4().hex[:8]}")
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


def assert_logged_out_by_us(driver, both, minutes, last_activity, titles=()):
    """Our logout at `last_activity` + `minutes`, with no dialog but `titles` before."""
    seen_titles = set()
    wait_s = idle_until_just_before(driver, last_activity + minutes * 60)
    deadline = time.time() + wait_s + SLACK_S + LOGIN_PAGE_LOAD_S
    while not on_login_page(driver) and time.time() < deadline:
        seen_titles.update(dialog_titles(driver))
        time.sleep(0.5)
    left_at = wait_for_login_page(driver, 1)
    assert minutes * 60 - 1 <= left_at - last_activity <= minutes * 60 + SLACK_S
    assert seen_titles <= set(titles), "no other dialog, no error, before the logout"
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
    last_activity = page_time(browser)

    assert_logged_out_by_us(browser, both, 1, last_activity)
    name = both.call("res.partner", "read", [partner_id], ["name"])[0]["name"]
    assert name == "Saved before the logout"
    assert_back_in_without_lock(browser)


def lock_now(driver, both):
    """auth_timeout's lock comes, as its server stamp says when it is due: a request of
    the page's own meets it."""
    sid = driver.get_cookie("session_id")["value"]
    store, session, _keys = stored_session(both, sid)
    session["identity-check-next"] = time.time() - 1
    store.save(session)
    driver.execute_script(
        "odoo.__WOWL_DEBUG__.root.env.services.orm.call('res.users', 'check_access',"
        " ['read'])"
    )
    wait_for(driver, LOCK_FORM, timeout=10)


def test_their_lock_first_unlocking_is_activity_then_our_logout(both, browser):
    configure(both, ours_minutes=2, lock_minutes=1)
    login(browser, both, "/odoo/settings")
    wait_for(browser, "#idle_logout_setting")
    browser.find_element(By.CSS_SELECTOR, ".o_main_navbar").click()
    clicked = page_time(browser)

    lock_now(browser, both)
    assert not on_login_page(browser)
    assert dialog_titles(browser) == ["Confirm access"], "one dialog, no error"
    # The user comes back: typing the password in the lock screen is activity.
    move_clock(browser, 60)
    password = wait_for(browser, f"{LOCK_FORM} input[name=password]")
    password.send_keys("admin")
    browser.find_element(By.CSS_SELECTOR, f"{LOCK_FORM} button[type=submit]").click()
    unlocked = page_time(browser)
    WebDriverWait(browser, 10).until(lambda d: dialog_titles(d) == [])
    wait_for(browser, "#idle_logout_setting")

    # Their lock comes back: our 2 minutes count from the unlock, not from the click
    # before the lock.
    lock_now(browser, both)
    assert clicked + 120 < unlocked + 120 - 1, "the click's deadline comes first"
    assert_logged_out_by_us(browser, both, 2, unlocked, titles={"Confirm access"})
    assert_back_in_without_lock(browser)
