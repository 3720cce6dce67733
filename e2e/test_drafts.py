"""No work lost at an idle logout: what Odoo refuses to save is kept as the user's draft
and comes back, unsaved, after the login. Real Chromium, real server, the pages' clock
moved."""

import uuid
import xmlrpc.client

import pytest
from helpers import (
    assert_leaves_on_time,
    login,
    page_time,
    submit_login,
    wait_for,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from test_where_work_happens import open_mailing

NOTICE = ".o_notification:contains('are back')"


@pytest.fixture(autouse=True)
def one_minute_timeout(apps):
    apps.configure(enabled=True, timeout_minutes=1)


def draft_notice(driver):
    """The notice of a draft put back, once it shows."""
    return WebDriverWait(driver, 30).until(
        lambda d: [
            n
            for n in d.find_elements(By.CSS_SELECTOR, ".o_notification")
            if "are back" in n.text
        ]
    )[0]


def shown_in_page(driver, text):
    """Whether `text` shows in the page or one of its frames (the email editor's)."""
    return driver.execute_script(
        "const [text] = arguments;"
        "const docs = [document, ...[...document.querySelectorAll('iframe')]"
        "    .map((frame) => frame.contentDocument).filter(Boolean)];"
        "return docs.some((doc) => doc.body?.innerText.includes(text));",
        text,
    )


def back_after_the_login(driver):
    """Log in again from the login page the idle logout left the tab on."""
    submit_login(driver)
    return draft_notice(driver)


def test_a_mailing_odoo_refuses_to_save_comes_back_with_its_paragraph(apps, browser):
    # Reply To is required and empty: the mailing cannot be saved as it is.
    mailing_id = open_mailing(apps, browser, "Winter news", reply_to=False)
    frame = wait_for(browser, "iframe:not(.d-none)", timeout=60)
    browser.switch_to.frame(frame)
    editable = wait_for(browser, "[contenteditable='true']")
    editable.click()
    editable.send_keys("Kumquat season")
    last_key = page_time(browser)
    browser.switch_to.default_content()

    assert_leaves_on_time(browser, last_key)
    stored = apps.call("mailing.mailing", "read", [mailing_id], ["body_arch"])[0]
    assert "Kumquat" not in (stored["body_arch"] or ""), "not saved: invalid"

    notice = back_after_the_login(browser)
    assert "Discard" in notice.text
    WebDriverWait(browser, 30).until(lambda d: shown_in_page(d, "Kumquat season"))
    # What made it invalid can now be fixed, and the mailing saved.
    browser.find_element(By.XPATH, "//a[@role='tab'][contains(., 'Settings')]").click()
    reply_to = wait_for(browser, ".o_field_widget[name=reply_to] input")
    reply_to.send_keys("news@example.com")
    browser.find_element(By.CSS_SELECTOR, ".o_form_button_save").click()
    WebDriverWait(browser, 30).until(
        lambda _: (
            "Kumquat season"
            in (
                apps.call("mailing.mailing", "read", [mailing_id], ["body_arch"])[0][
                    "body_arch"
                ]
                or ""
            )
        )
    )


def test_a_new_contact_without_its_name_comes_back_as_a_new_form(apps, browser):
    login(browser, apps, "/odoo/contacts/new")
    email = wait_for(browser, ".o_field_widget[name=email] input")
    email.send_keys("ann@example.com")
    last_key = page_time(browser)

    assert_leaves_on_time(browser, last_key)
    assert "contacts%2Fnew" in browser.current_url
    back_after_the_login(browser)
    email = wait_for(browser, ".o_field_widget[name=email] input")
    assert email.get_attribute("value") == "ann@example.com"
    assert browser.execute_script("return location.pathname").endswith("/new")
    found = apps.call(
        "res.partner", "search_count", [("email", "=", "ann@example.com")]
    )
    assert found == 0, "unsaved until the user saves"


def test_a_save_held_forever_leaves_on_time_and_its_change_comes_back(
    apps, browser, expected_server_logs
):
    name = f"Held {uuid.uuid4().hex[:4]}"
    partner_id = apps.call("res.partner", "create", [{"name": name}])[0]
    login(browser, apps, f"/odoo/contacts/{partner_id}")
    field = wait_for(browser, ".o_field_widget[name=name] :is(input, textarea)")
    field.send_keys(" and stuck")
    last_key = page_time(browser)
    # The code that keeps a draft comes with the change: at the logout, the server
    # answers neither a save (held by the browser, as a locked row or a stuck worker
    # would) nor that code.
    WebDriverWait(browser, 30).until(
        lambda d: d.execute_script(
            "return odoo.loader.modules.has('@idle_user_logout/drafts/keep_draft')"
        )
    )
    held = ("*/web_save*", "*idle_user_logout.assets_drafts*")
    browser.execute_cdp_cmd(
        "Fetch.enable", {"patterns": [{"urlPattern": url} for url in held]}
    )

    assert_leaves_on_time(browser, last_key)
    browser.execute_cdp_cmd("Fetch.disable", {})
    assert apps.call("res.partner", "read", [partner_id], ["name"])[0]["name"] == name
    # Nobody else sees the draft: another internal user, a portal user.
    for login_name, groups in (
        ("idle_colleague", "base.group_user"),
        ("idle_client", "base.group_portal"),
    ):
        login_name = f"{login_name}_{uuid.uuid4().hex[:4]}"
        group = apps.call(
            "ir.model.data", "check_object_reference", *groups.split(".")
        )[1]
        user_id = apps.call(
            "res.users",
            "create",
            [
                {
                    "name": login_name,
                    "login": login_name,
                    "password": login_name,
                    "group_ids": [(6, 0, [group])],
                }
            ],
        )[0]
        # Odoo logs the refusal it is asked for.
        expected_server_logs.append("You are not allowed to access 'Unsaved Changes")
        models = xmlrpc.client.ServerProxy(f"{apps.url}/xmlrpc/2/object")
        try:
            seen = models.execute_kw(
                apps.db,
                user_id,
                login_name,
                "idle_user_logout.draft",
                "search_count",
                [[]],
            )
        except xmlrpc.client.Fault as fault:
            assert (
                "AccessError" in fault.faultString or "not allowed" in fault.faultString
            )
            seen = 0
        assert seen == 0, login_name

    back_after_the_login(browser)
    field = wait_for(browser, ".o_field_widget[name=name] :is(input, textarea)")
    assert field.get_attribute("value") == f"{name} and stuck"
