"""Single sign-on after an idle logout, in real Chromium, against real identity
providers started here: an OpenID Connect one (the certified `oidc-provider`, with OCA
auth_oidc) and a SAML one (built on pysaml2, with OCA auth_saml), each with its own
login form and session cookie. The provider's button on the login page never puts a
passer-by back into an idle-logged-out session. The pages' clock is moved to the idle
logout."""

import base64
import os
import subprocess
import sys
import time
import uuid
from types import SimpleNamespace

import pytest
import requests
from helpers import (
    REFUSED_AFTER_S,
    REPO,
    age_session,
    assert_leaves_on_time,
    free_port,
    log_path,
    odoo_addons,
    odoo_env,
    on_login_page,
    page_time,
    session_is_open,
    show_login_form,
    stop_process,
    wait_for,
)
from selenium.webdriver.common.by import By

odoo_addons()
from odoo.addons.idle_user_logout.models.res_users import (
    CLOCK_LEEWAY_SECONDS,
)

PROVIDERS = REPO / "e2e" / "providers"
REFUSED = "signed you in without asking who you are"
NOTICE = ".o_idle_logout_notice"
# A page every internal user may open: the contacts.
CONTACTS = "/odoo/action-base.action_partner_form"


@pytest.fixture(scope="module")
def provider(sso):
    """The identity provider, started once, and its two clients as Odoo providers:
    `odoo` as providers are, `lax` ignoring prompt=login and max_age."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = log_path("oidc-provider").open("wb")
    process = subprocess.Popen(
        ["node", str(PROVIDERS / "oidc_provider.mjs"), str(port), sso.url],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "NODE_MODULES": odoo_env()["NODE_MODULES"]},
    )
    wait_until_up(process, f"{url}/.well-known/openid-configuration")
    ids = {
        client: sso.call(
            "auth.oauth.provider",
            "create",
            [
                {
                    "name": f"{client.title()} IdP",
                    "body": f"Sign in with the {client} IdP",
                    "client_id": client,
                    "client_secret": f"{client}-secret",
                    "enabled": True,
                    "flow": "id_token_code",
                    "auth_endpoint": f"{url}/auth",
                    "token_endpoint": f"{url}/token",
                    "jwks_uri": f"{url}/jwks",
                    "validation_endpoint": f"{url}/me",
                    "scope": "openid email profile",
                }
            ],
        )[0]
        for client in ("odoo", "lax")
    }
    yield SimpleNamespace(url=url, ids=ids)
    stop_process(process, 10)


def wait_until_up(process, url):
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(url, timeout=5).ok:
                return
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline and process.poll() is None, "no provider"
        time.sleep(0.2)


def key_pair(folder, name):
    """A private key and its self-signed certificate, as a SAML party has them."""
    key, cert = folder / f"{name}.key", folder / f"{name}.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-subj", f"/CN={name}", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return key, cert


@pytest.fixture(scope="module")
def saml(sso, tmp_path_factory):
    """The SAML identity provider, started once, and its provider record in Odoo."""
    folder = tmp_path_factory.mktemp("saml")
    key_pair(folder, "idp")
    sp_key, sp_cert = key_pair(folder, "sp")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = log_path("saml-provider").open("wb")
    process = subprocess.Popen(
        [sys.executable, str(PROVIDERS / "saml_provider.py"), str(port), str(folder)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_until_up(process, f"{url}/metadata")
    provider_id = sso.call(
        "auth.saml.provider",
        "create",
        [
            {
                "name": "Saml IdP",
                "body": "Sign in with the saml IdP",
                "idp_metadata": requests.get(f"{url}/metadata", timeout=10).text,
                "sp_pem_public": base64.b64encode(sp_cert.read_bytes()).decode(),
                "sp_pem_private": base64.b64encode(sp_key.read_bytes()).decode(),
                "matching_attribute": "subject.nameId",
                "sig_alg": "SIG_RSA_SHA256",
            }
        ],
    )[0]
    sp_metadata = requests.get(
        f"{sso.url}/auth_saml/metadata?p={provider_id}&d={sso.db}", timeout=30
    ).text
    requests.post(f"{url}/sp", data=sp_metadata.encode(), timeout=10).raise_for_status()
    yield SimpleNamespace(url=url, id=provider_id)
    stop_process(process, 10)


def saml_user(sso, provider_id):
    """A new internal user who signs in through the SAML provider as `name`."""
    name = f"idle_{uuid.uuid4().hex[:6]}"
    sso.call(
        "res.users",
        "create",
        [
            {
                "name": name,
                "login": name,
                "password": name,
                "saml_ids": [
                    (0, 0, {"saml_provider_id": provider_id, "saml_uid": name})
                ],
            }
        ],
    )
    return name


def user_of(sso, provider_id):
    """A new internal user who signs in through the provider as its account `name`."""
    name = f"idle_{uuid.uuid4().hex[:6]}"
    sso.call(
        "res.users",
        "create",
        [
            {
                "name": name,
                "login": name,
                "password": name,
                "oauth_provider_id": provider_id,
                "oauth_uid": name,
            }
        ],
    )
    return name


def provider_button(driver, client):
    show_login_form(driver)
    return driver.find_element(By.PARTIAL_LINK_TEXT, f"Sign in with the {client} IdP")


def on_provider_login_form(driver, provider):
    return driver.current_url.startswith(provider.url) and bool(
        driver.find_elements(By.CSS_SELECTOR, "form input[name=password]")
    )


def sign_in_at_provider(driver, provider, name):
    """The provider's own login form asks who it is: the person answers."""
    wait_for(driver, "form input[name=password]")
    assert on_provider_login_form(driver, provider)
    driver.find_element(By.NAME, "login").send_keys(name)
    driver.find_element(By.NAME, "password").send_keys("secret")
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def signed_in(driver, sso, provider, client, name, path=CONTACTS):
    """Signed in through the provider's button from the login page of `path`; returns
    the last activity (page time), a click in the web client."""
    driver.get(f"{sso.url}/web/login?redirect={path}")
    provider_button(driver, client).click()
    sign_in_at_provider(driver, provider, name)
    authenticated_at = time.time()
    wait_for(driver, ".o_view_controller", timeout=60)
    driver.find_element(By.CSS_SELECTOR, ".o_main_navbar").click()
    clicked_at = page_time(driver)
    # Past the leeway the server gives the provider's clock, as a real logout is (a
    # timeout later): the pages' clock is moved, the server's is not.
    time.sleep(max(0, authenticated_at + CLOCK_LEEWAY_SECONDS + 1 - time.time()))
    return clicked_at


def test_after_an_idle_logout_the_provider_asks_who_it_is(sso, provider, browser):
    sso.configure(enabled=True, timeout_minutes=1)
    name = user_of(sso, provider.ids["odoo"])
    last_activity = signed_in(browser, sso, provider, "odoo", name)
    page = browser.current_url
    assert_leaves_on_time(browser, last_activity)
    # A passer-by clicks the provider's button: its session (seconds old) would answer.
    button = provider_button(browser, "odoo")
    assert "prompt=login" in button.get_attribute("href")
    button.click()
    sign_in_at_provider(browser, provider, name)
    wait_for(browser, ".o_view_controller", timeout=60)
    assert browser.current_url == page, "back on the page"
    assert not browser.find_elements(By.CSS_SELECTOR, ".o_idle_logout_notice")
    browser.get(f"{sso.url}/web/session/logout")
    button = provider_button(browser, "odoo")
    assert "prompt" not in button.get_attribute("href"), "asked once"


def test_without_its_cookies_a_passer_by_is_refused_then_asked(sso, provider, browser):
    sso.configure(enabled=True, timeout_minutes=1)
    name = user_of(sso, provider.ids["odoo"])
    assert_leaves_on_time(browser, signed_in(browser, sso, provider, "odoo", name))
    # Odoo's cookie only: on 127.0.0.1 the provider's share the host.
    browser.delete_cookie("session_id")
    browser.get(f"{sso.url}/web/login")
    button = provider_button(browser, "odoo")
    assert "prompt" not in button.get_attribute("href"), "nothing tells this browser"
    button.click()
    # The provider's session answers at once; the server checks its auth_time.
    show_login_form(browser)
    assert REFUSED in browser.find_element(By.CSS_SELECTOR, NOTICE).text
    assert not session_is_open(browser, sso), "the server opened no session"
    provider_button(browser, "odoo").click()
    assert on_provider_login_form(browser, provider), "asked this time"


def test_a_provider_that_ignores_prompt_is_refused(sso, provider, browser):
    sso.configure(enabled=True, timeout_minutes=1)
    name = user_of(sso, provider.ids["lax"])
    assert_leaves_on_time(browser, signed_in(browser, sso, provider, "lax", name))
    provider_button(browser, "lax").click()
    show_login_form(browser)
    assert REFUSED in browser.find_element(By.CSS_SELECTOR, NOTICE).text
    assert not session_is_open(browser, sso), "the server opened no session"


def test_a_day_as_usual_is_not_asked_twice(sso, provider, browser):
    """Logged out by hand, the provider's button signs in at once, as always."""
    name = user_of(sso, provider.ids["odoo"])
    signed_in(browser, sso, provider, "odoo", name)
    browser.get(f"{sso.url}/web/session/logout")
    provider_button(browser, "odoo").click()
    wait_for(browser, ".o_main_navbar", timeout=60)
    assert not on_provider_login_form(browser, provider)


def test_the_providers_session_may_end_too(sso, provider, browser):
    sso.configure(enabled=True, timeout_minutes=1)
    provider_id = provider.ids["odoo"]
    sso.call(
        "auth.oauth.provider", "write", [provider_id], {"idle_logout_end_session": True}
    )
    try:
        endpoint = sso.call(
            "auth.oauth.provider",
            "read",
            [provider_id],
            ["idle_logout_end_session_endpoint"],
        )[0]["idle_logout_end_session_endpoint"]
        assert endpoint == f"{provider.url}/session/end", "read from its discovery"
        name = user_of(sso, provider_id)
        assert_leaves_on_time(browser, signed_in(browser, sso, provider, "odoo", name))
        assert on_login_page(browser)
        notice = browser.find_element(By.CSS_SELECTOR, ".o_idle_logout_notice")
        assert notice.text == "You were logged out after 1 min of inactivity."
        # No session at the provider any more: even a client ignoring prompt is asked.
        browser.get(f"{sso.url}/web/login")
        provider_button(browser, "lax").click()
        assert on_provider_login_form(browser, provider)
        # Signed in again, the browser closed; a bookmark opened past the timeout: the
        # server refuses the session, through the provider's logout too.
        signed_in(browser, sso, provider, "odoo", name)
        session_id = browser.get_cookie("session_id")["value"]
        browser.get("about:blank")
        age_session(sso, session_id, REFUSED_AFTER_S)
        browser.get(f"{sso.url}{CONTACTS}")
        show_login_form(browser)
        notice = browser.find_element(By.CSS_SELECTOR, ".o_idle_logout_notice")
        assert notice.text == "You were logged out after 1 min of inactivity."
        provider_button(browser, "lax").click()
        assert on_provider_login_form(browser, provider), "its session ended"
    finally:
        sso.call(
            "auth.oauth.provider",
            "write",
            [provider_id],
            {"idle_logout_end_session": False},
        )


def test_after_an_idle_logout_the_saml_provider_asks_who_it_is(sso, saml, browser):
    """The next AuthnRequest carries ForceAuthn: the provider asks for credentials."""
    sso.configure(enabled=True, timeout_minutes=1)
    name = saml_user(sso, saml.id)
    last_activity = signed_in(browser, sso, saml, "saml", name)
    page = browser.current_url
    assert_leaves_on_time(browser, last_activity)
    provider_button(browser, "saml").click()
    sign_in_at_provider(browser, saml, name)
    wait_for(browser, ".o_view_controller", timeout=60)
    assert browser.current_url == page, "back on the page"


def test_a_saml_sign_in_from_before_the_logout_is_refused(sso, saml, browser):
    """Without Odoo's cookie nothing asks for ForceAuthn: the provider's session
    answers, and the server refuses its older AuthnInstant."""
    sso.configure(enabled=True, timeout_minutes=1)
    name = saml_user(sso, saml.id)
    assert_leaves_on_time(browser, signed_in(browser, sso, saml, "saml", name))
    browser.delete_cookie("session_id")
    browser.get(f"{sso.url}/web/login")
    provider_button(browser, "saml").click()
    show_login_form(browser)
    assert REFUSED in browser.find_element(By.CSS_SELECTOR, NOTICE).text
    assert not session_is_open(browser, sso), "the server opened no session"
    provider_button(browser, "saml").click()
    assert on_provider_login_form(browser, saml), "asked this time"
