"""Single sign-on through Odoo's own Google preset (plain OAuth 2.0, implicit flow), in
real Chromium, against a stand-in that behaves as Google documents
(providers/google_provider.py): after an idle logout its button asks Google only what
Google takes, the person gets back in, and the sign-in the browser's history keeps
opens no session any more."""

import subprocess
import sys
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
import requests
from helpers import (
    assert_leaves_on_time,
    free_port,
    log_path,
    page_time,
    session_is_open,
    show_login_form,
    stop_process,
    wait_for,
)
from selenium.webdriver.common.by import By
from test_single_sign_on import CONTACTS, NOTICE, PROVIDERS, user_of, wait_until_up

CLIENT_ID = "odoo-e2e.apps.googleusercontent.com"
REPLAYED = "This sign-in was made before this account was logged out for inactivity"


@pytest.fixture(scope="module")
def google(sso):
    """The stand-in, started once, behind Odoo's Google preset, whose way of asking
    after an idle logout is Google's own (from its host, kept)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = log_path("google-provider")
    process = subprocess.Popen(
        [sys.executable, str(PROVIDERS / "google_provider.py"), str(port)]
        + [CLIENT_ID, sso.url],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    signin = urlencode(
        {
            "client_id": CLIENT_ID,
            "redirect_uri": f"{sso.url}/auth_oauth/signin",
            "response_type": "token",
        }
    )
    wait_until_up(process, f"{url}/o/oauth2/auth?{signin}")
    preset = sso.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "auth_oauth"), ("name", "=", "provider_google")],
        ["res_id"],
    )[0]["res_id"]
    provider = sso.call("auth.oauth.provider", "read", [preset], ["idle_logout_reauth"])
    assert provider[0]["idle_logout_reauth"] == "select_account", "Google's way"
    sso.call(
        "auth.oauth.provider",
        "write",
        [preset],
        {
            "client_id": CLIENT_ID,
            "enabled": True,
            "auth_endpoint": f"{url}/o/oauth2/auth",
            "validation_endpoint": f"{url}/oauth2/v3/userinfo",
            "idle_logout_reauth": "select_account",
        },
    )
    yield SimpleNamespace(url=url, id=preset, log=log)
    sso.call("auth.oauth.provider", "write", [preset], {"enabled": False})
    stop_process(process, 10)


def google_button(driver):
    show_login_form(driver)
    return driver.find_element(By.PARTIAL_LINK_TEXT, "Sign in with Google")


def last_redirect(google):
    """Google's last answer, as the browser's history keeps it: Odoo's page moves the
    fragment into the query of its sign-in route."""
    lines = google.log.read_text().splitlines()
    answer = [line for line in lines if line.startswith("redirect to ")][-1]
    return answer.removeprefix("redirect to ").replace("#", "?", 1)


def test_google_asks_what_it_documents_and_the_history_is_refused(sso, google, browser):
    sso.configure(enabled=True, timeout_minutes=1)
    sso.set_param("idle_user_logout.audit", "True")
    name = user_of(sso, google.id)
    browser.get(f"{sso.url}/web/login?redirect={CONTACTS}")
    google_button(browser).click()
    browser.find_element(By.NAME, "login").send_keys(name)
    browser.find_element(By.NAME, "password").send_keys("secret")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, ".o_view_controller", timeout=60)
    page = browser.current_url
    history = last_redirect(google)
    browser.find_element(By.CSS_SELECTOR, ".o_main_navbar").click()
    assert_leaves_on_time(browser, page_time(browser))

    # A passer-by opens the sign-in from the history: its token lives an hour.
    browser.get(history)
    show_login_form(browser)
    assert REPLAYED in browser.find_element(By.CSS_SELECTOR, NOTICE).text
    assert not session_is_open(browser, sso), "the server opened no session"
    refused = sso.call(
        "idle_user_logout.log",
        "search_read",
        [("user_id.login", "=", name), ("reason", "=", "sso_refused")],
        ["reason"],
    )
    assert len(refused) == 1, "on record"

    # The button asks Google what it takes: its account chooser, never prompt=login
    # (its error page, and no way back for a person without a password).
    button = google_button(browser)
    assert "prompt=select_account" in button.get_attribute("href")
    login_asked = button.get_attribute("href").replace("select_account", "login")
    refusal = requests.get(login_asked, timeout=10)
    assert refusal.status_code == 400
    assert "Access blocked: Authorization Error" in refusal.text
    button.click()
    wait_for(browser, ".account")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(browser, ".o_view_controller", timeout=60)
    assert browser.current_url == page, "the person back on the page"
