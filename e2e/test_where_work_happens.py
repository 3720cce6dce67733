"""Work off the main path, in real Odoo apps: frames, website pages, the Point of Sale,
uploads, every way a session ends. 1-minute timeout; the pages' clock and the session's
stamps are moved, never waited for."""

import base64
import time

import pytest
from helpers import (
    CHECK_S,
    CHECKED_S,
    LOGIN_PAGE_LOAD_S,
    SLACK_S,
    TIMEOUT_S,
    age_session,
    assert_every_page_left,
    assert_leaves_on_time,
    click_when_ready,
    idle_until_just_before,
    login,
    login_time,
    move_clock,
    odoo_shell,
    on_login_page,
    page_time,
    session_is_open,
    wait_for,
    wait_for_bus,
    wait_for_login_page,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

# The user works for more than the timeout, an action every 50 s.
STEP_S = 50
WORK_STEPS = 2


@pytest.fixture(autouse=True)
def one_minute_timeout(apps):
    apps.configure(enabled=True, timeout_minutes=1)


def work(driver, act, check, steps=WORK_STEPS):
    """Act, let 50 s go by on the pages' clock and the tabs check, then `check`; `steps`
    times, then act once more. Returns when it last acted (page time)."""
    for _ in range(steps):
        act()
        move_clock(driver, STEP_S)
        time.sleep(CHECKED_S)
        check()
    act()
    return page_time(driver)


def minimal_pdf(pages=2):
    """A small valid PDF, one line of text a page."""
    font = 3 + 2 * pages
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>",
    ]
    for i in range(pages):
        text = f"BT /F1 18 Tf 40 100 Td (Page {i + 1}) Tj ET"
        page = f"/Contents {4 + 2 * i} 0 R /Resources << /Font << /F1 {font} 0 R >> >>"
        objects += [
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] {page} >>",
            f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        ]
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    pdf, offsets = "%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(pdf)
    pdf += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    pdf += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    pdf += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
    return (pdf + f"startxref\n{xref}\n%%EOF\n").encode()


def partner_with_attachment(apps, name, data, mimetype):
    partner_id = apps.call("res.partner", "create", [{"name": f"Holder of {name}"}])[0]
    apps.call(
        "ir.attachment",
        "create",
        [
            {
                "name": name,
                "res_model": "res.partner",
                "res_id": partner_id,
                "datas": base64.b64encode(data).decode(),
                "mimetype": mimetype,
            }
        ],
    )
    return partner_id


def open_mailing(apps, browser, subject, **values):
    """A mailing to the contacts, opened in the web client with its plain text template
    chosen (the email editor, which lives in an iframe); returns its id."""
    partner_model = apps.call("ir.model", "search", [("model", "=", "res.partner")])
    values = {"subject": subject, "email_from": "news@example.com", **values}
    mailing_id = apps.call(
        "mailing.mailing", "create", [{"mailing_model_id": partner_model[0], **values}]
    )[0]
    login(
        browser,
        apps,
        f"/odoo/action-mass_mailing.mailing_mailing_action_mail/{mailing_id}",
    )
    click_when_ready(browser, ".o_mail_theme_selector .dropdown-item")
    return mailing_id


def test_typing_in_the_email_editor_frame_is_activity(apps, browser):
    open_mailing(apps, browser, "Spring news")
    editor_frame = wait_for(browser, "iframe:not(.d-none)", timeout=60)
    browser.switch_to.frame(editor_frame)
    editable = wait_for(browser, "[contenteditable='true']")
    editable.click()

    def still_logged_in():
        browser.switch_to.default_content()
        assert not on_login_page(browser)
        browser.switch_to.frame(editor_frame)

    last_key = work(browser, lambda: editable.send_keys("a"), still_logged_in)

    browser.switch_to.default_content()
    assert_leaves_on_time(browser, last_key)


def test_text_typed_in_a_mailing_body_is_saved_at_the_logout(apps, browser):
    """An existing, valid mailing: what is typed in its email editor (an iframe that
    commits asynchronously) is saved before the idle logout, like any other field."""
    # Valid once saved: a sender and a reply-to address.
    mailing_id = open_mailing(apps, browser, "Autumn news", reply_to="news@example.com")
    click_when_ready(browser, ".o_form_button_save")
    WebDriverWait(browser, 20).until(
        lambda _: apps.call("mailing.mailing", "read", [mailing_id], ["body_arch"])[0][
            "body_arch"
        ]
    )
    editor_frame = wait_for(browser, "iframe:not(.d-none)", timeout=60)
    browser.switch_to.frame(editor_frame)
    editable = wait_for(browser, "[contenteditable='true']")
    editable.click()
    editable.send_keys("Kumquat")
    last_key = page_time(browser)
    browser.switch_to.default_content()

    assert_leaves_on_time(browser, last_key)
    body = apps.call("mailing.mailing", "read", [mailing_id], ["body_arch"])[0]
    assert "Kumquat" in body["body_arch"]


def test_clicks_in_the_pdf_viewer_are_activity(apps, browser):
    partner_id = partner_with_attachment(
        apps, "terms.pdf", minimal_pdf(), "application/pdf"
    )
    login(browser, apps, f"/odoo/contacts/{partner_id}")
    click_when_ready(browser, ".o-mail-Chatter-attachFiles")
    click_when_ready(browser, ".o-mail-AttachmentContainer")
    viewer = wait_for(browser, "iframe.o-FileViewer-view")
    browser.switch_to.frame(viewer)
    wait_for(browser, "#viewerContainer .page")
    buttons = iter(["#next", "#previous"] * WORK_STEPS)

    def still_logged_in():
        browser.switch_to.default_content()
        assert not on_login_page(browser)
        browser.switch_to.frame(viewer)

    last_click = work(
        browser, lambda: click_when_ready(browser, next(buttons)), still_logged_in
    )

    browser.switch_to.default_content()
    assert_leaves_on_time(browser, last_click)


def test_working_in_the_point_of_sale_keeps_the_idle_backend_tab(apps, browser):
    config_id = apps.call("pos.config", "search", [])
    config_id = (
        config_id[0]
        if config_id
        else apps.call("pos.config", "create", [{"name": "Shop"}])[0]
    )
    apps.call("pos.config", "open_ui", [config_id])
    login(browser, apps, "/odoo/settings")
    wait_for(browser, "#idle_logout_setting")
    # The backend tab opens the Point of Sale; it is left idle from then on.
    browser.execute_script(f"window.open('/pos/ui/{config_id}', '_blank')")
    browser.switch_to.window(browser.window_handles[-1])
    # The POS shows its own login screen first; its clock is a harmless place to click.
    clock = wait_for(browser, ".screen-login-timer", timeout=90)
    backend_path = "return window.opener.location.pathname"

    def backend_still_there():
        assert browser.execute_script(backend_path) == "/odoo/settings"

    last_click = work(browser, clock.click, backend_still_there)

    assert session_is_open(browser, apps)
    wait_s = idle_until_just_before(browser, last_click + TIMEOUT_S)
    WebDriverWait(browser, wait_s + SLACK_S + LOGIN_PAGE_LOAD_S).until(
        lambda d: d.execute_script(backend_path) == "/web/login"
    )
    assert page_time(browser) - last_click >= TIMEOUT_S - 1
    # The Point of Sale itself is never taken away by this addon (it has its own lock).
    assert browser.execute_script("return location.pathname").startswith("/pos/ui")


def test_an_upload_longer_than_the_timeout_is_not_cut(apps, browser, tmp_path):
    partner_id = apps.call("res.partner", "create", [{"name": "Upload holder"}])[0]
    upload = tmp_path / "scan.bin"
    upload.write_bytes(b"\0" * 80_000)
    login(browser, apps, f"/odoo/contacts/{partner_id}")
    wait_for(browser, ".o-mail-Chatter-attachFiles")
    # A slow line: 80 kB at 4 kB/s take about 20 s, while the pages' clock moves 100 s.
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": 4096,
        },
    )
    file_input = browser.find_element(
        By.CSS_SELECTOR, ".o-mail-Chatter input[type=file]"
    )
    file_input.send_keys(str(upload))
    started = page_time(browser)

    def uploaded():
        return apps.call(
            "ir.attachment",
            "search_count",
            [("res_id", "=", partner_id), ("res_model", "=", "res.partner")],
        )

    for _ in range(2):
        move_clock(browser, STEP_S)
        time.sleep(CHECKED_S)
        assert not uploaded(), "the upload is still going on"
    while not uploaded():
        assert not on_login_page(browser), (
            f"logged out {page_time(browser) - started:.0f} s into the upload"
        )
        time.sleep(1)
    upload_end = page_time(browser)
    assert upload_end - started > TIMEOUT_S, (
        "the upload really was longer than the timeout"
    )

    # The tab's next check sees the work ended: the idle time counts from then.
    time.sleep(CHECK_S + 1)
    wait_s = idle_until_just_before(browser, upload_end + TIMEOUT_S)
    left_at = wait_for_login_page(browser, wait_s + 2 * SLACK_S + LOGIN_PAGE_LOAD_S)
    assert TIMEOUT_S - 1 <= left_at - upload_end <= TIMEOUT_S + 2 * SLACK_S


def test_website_tab_counts_and_leaves_when_idle(apps, browser):
    login(browser, apps, "/odoo/settings")
    wait_for(browser, "#idle_logout_setting")
    backend_tab = browser.current_window_handle
    browser.execute_script("window.open('/contactus', '_blank')")
    browser.switch_to.window(browser.window_handles[-1])
    wait_for(browser, "#wrap")
    backend_path = "return window.opener.location.pathname"

    def backend_still_there():
        assert browser.execute_script(backend_path) == "/odoo/settings"

    last_click = work(
        browser,
        lambda: browser.find_element(By.TAG_NAME, "h1").click(),
        backend_still_there,
    )

    assert_leaves_on_time(browser, last_click)
    notice = browser.find_element(By.CSS_SELECTOR, ".o_idle_logout_notice").text
    assert notice == "You were logged out after 1 min of inactivity."
    assert "redirect=%2Fcontactus" in browser.current_url
    browser.switch_to.window(backend_tab)
    assert on_login_page(browser)


def open_backend_and_website_tabs(apps, browser):
    """A backend tab and a website tab of one session; returns their handles."""
    apps.configure(enabled=True, timeout_minutes=60)
    login(browser, apps, "/odoo/settings")
    return open_website_tab(apps, browser)


def open_website_tab(apps, browser):
    """Next to the loaded backend tab, a website tab; returns both handles."""
    wait_for(browser, "#idle_logout_setting")
    wait_for_bus(browser)
    browser.switch_to.new_window("tab")
    browser.get(f"{apps.url}/contactus")
    wait_for(browser, "#wrap")
    wait_for_bus(browser)
    return browser.window_handles


def tabs(browser, handles):
    return [(browser, handle) for handle in handles]


def test_logout_url_in_another_tab_takes_every_tab_along(apps, browser):
    handles = open_backend_and_website_tabs(apps, browser)
    browser.switch_to.new_window("tab")
    ended_at = time.time()
    browser.get(f"{apps.url}/web/session/logout")
    assert on_login_page(browser)
    assert_every_page_left(tabs(browser, handles), ended_at)


def test_device_revoked_by_an_administrator_takes_every_tab_along(apps, browser):
    handles = open_backend_and_website_tabs(apps, browser)
    session_id = browser.get_cookie("session_id")["value"]
    odoo_shell(
        apps.db,
        "devices = env['res.device'].search([('session_identifier', '=', "
        f"{session_id[:42]!r})])\nassert devices\ndevices._revoke()\nenv.cr.commit()\n",
    )
    ended_at = time.time()
    assert_every_page_left(tabs(browser, handles), ended_at)


def assert_one_audit_row(apps, session_id, reason, browser):
    """One row for the session, naming the device of the request that ended it."""
    rows, devices = apps.audit_rows(session_id)
    assert [row.pop("reason") for row in rows] == [reason]
    assert rows[0] | {"id": 0} in [device | {"id": 0} for device in devices]
    assert rows[0]["ip_address"] == "127.0.0.1"
    assert rows[0]["browser"] == browser


def test_server_refusing_the_session_takes_every_tab_along(apps, browser):
    # A 60-minute timeout, which the pages keep: only the server ends this session.
    apps.set_param("idle_user_logout.audit", "True")
    handles = open_backend_and_website_tabs(apps, browser)
    session_id = browser.get_cookie("session_id")["value"]
    assert session_is_open(browser, apps)
    # For the server (its stamps in its store), the session went unused longer than
    # the timeout and its grace (2 minutes at most).
    age_session(apps, session_id, 63 * 60)
    ended_at = time.time()
    assert not session_is_open(browser, apps), "a request of the session is refused"
    assert_every_page_left(tabs(browser, handles), ended_at)
    # The request refused was session_is_open's, made with Python's requests.
    assert_one_audit_row(apps, session_id, "server_idle", browser=False)


def test_session_past_its_lifetime_takes_every_tab_along(apps, browser):
    """A 1-hour lifetime: an hour after the login (the pages' clock moved), every tab
    leaves, however busy, and the end is audited."""
    apps.configure(enabled=True, timeout_minutes=60)
    apps.set_param("idle_user_logout.audit", "True")
    apps.set_param("idle_user_logout.max_session_hours", "1")
    try:
        login(browser, apps, "/odoo/settings")
        session_id = browser.get_cookie("session_id")["value"]
        handles = open_website_tab(apps, browser)
        backend = handles[0]
        browser.switch_to.window(backend)
        ends_at = page_time(browser, login_time(apps, session_id) + 3600)
        browser.find_element(By.TAG_NAME, "body").click()
        move_clock(browser, ends_at - 12 - page_time(browser))
        while page_time(browser) < ends_at - 2:
            assert not on_login_page(browser), "not a second before its lifetime"
            browser.find_element(By.TAG_NAME, "body").click()
            time.sleep(3)
        notice = "Your session reached its 1-hour limit and was ended."
        assert_every_page_left(tabs(browser, handles), ends_at, notice)
        assert_one_audit_row(apps, session_id, "lifetime", browser="chrome")
    finally:
        apps.set_param("idle_user_logout.max_session_hours", "0")
