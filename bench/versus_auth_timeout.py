"""idle_user_logout beside Odoo 19's own auth_timeout, in one run, each on an Odoo
server of its own (same machine, same source), in real Chromium and real time: both at
1 minute of inactivity on internal users (ours: timeout 1 min, server enforcement on,
lifetime 4 h; theirs: inactivity lock 1 min and session timeout 4 h on the Internal
User group). Each database has Email Marketing (its editor is an iframe). The two
products run each scenario at the same time.

- how late the logout / lock screen comes after the idle deadline, and what a replayed
  session cookie then gets; whether an unsaved form change survives;
- HTTP requests and bus (websocket) messages sent by the page while idle and working;
- a laptop sleep (the page's clock jumps 10 minutes: timers stand still, dates do not);
- two tabs, one worked in; typing in the email editor's iframe for 2 minutes;
- a browser closed right after a click: what its cookie gets 50 to 110 s later;
- 4 hours of use against a 4-hour session limit (the session's timestamps are moved
  back, as the server's clock would move);
- bytes each adds to the web client's bundle.

Usage: make bench, or in bench/ with the venv: python versus_auth_timeout.py
[--only idle_on_a_form,working,...]
"""

import argparse
import gzip
import json
import re
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import requests
from common import create_database, internal_users_sql, session_cookie
from helpers import (
    WORK,
    OdooServer,
    drop_database,
    free_port,
    login,
    move_clock,
    on_login_page,
    start_chrome,
    wait_for,
)
from selenium.webdriver.common.by import By

OURS, THEIRS = "idle_user_logout", "auth_timeout"
TIMEOUT_S = 60
LIFETIME_H = 4
CONFIGURATIONS = {
    OURS: (
        "idle_user_logout,mass_mailing",
        {
            "idle_user_logout.enabled": "True",
            "idle_user_logout.timeout_minutes": "1",
            # The server option is left unstored: on by default.
            "idle_user_logout.max_session_hours": str(LIFETIME_H),
        },
    ),
    THEIRS: (
        "auth_timeout,mass_mailing",
        {},
        internal_users_sql(lock_timeout_inactivity=1, lock_timeout=LIFETIME_H * 60),
    ),
}
# Counts what the page sends on the bus (the websocket, behind a shared worker).
COUNT_BUS_SCRIPT = """
performance.setResourceTimingBufferSize(100000);
window.busSends = [];
for (const proto of [MessagePort.prototype, Worker.prototype]) {
    const post = proto.postMessage;
    proto.postMessage = function (message, ...rest) {
        if (message?.action === "BUS:SEND") {
            window.busSends.push(message.data.event_name);
        }
        return post.call(this, message, ...rest);
    };
}
"""
PROBE = {
    "jsonrpc": "2.0",
    "method": "call",
    "params": {
        "model": "res.partner",
        "method": "search_count",
        "args": [[]],
        "kwargs": {},
    },
}


class Tab:
    """A logged-in Chromium tab whose requests and bus messages are counted."""

    def __init__(self, server, path="/odoo"):
        self.driver = start_chrome(clock=True)
        self.driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": COUNT_BUS_SCRIPT}
        )
        login(self.driver, server, path)
        time.sleep(3)  # late requests of the page load
        self.cookie = self.driver.get_cookie("session_id")["value"]

    def counts(self):
        return self.driver.execute_script(
            "return [performance.getEntriesByType('resource').length,"
            " window.busSends.length]"
        )

    def click(self):
        self.driver.find_element(By.CSS_SELECTOR, ".o_main_navbar").click()
        return time.time()

    def quit(self):
        self.driver.quit()


def outcome(driver):
    """What the user sees: the login page, the lock screen, or still the page."""
    if on_login_page(driver):
        return "logged out"
    if driver.find_elements(By.CSS_SELECTOR, "form.o_check_identity_form"):
        return "locked"
    return None


def wait_outcome(driver, timeout):
    """(what the user sees, epoch s) once something ended the page, or (None, now)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        seen = outcome(driver)
        if seen:
            return seen, time.time()
        time.sleep(0.25)
    return None, time.time()


def probe(url, cookie):
    """A JSON-RPC read of the contacts as session `cookie`: "data" or the short name of
    the error, and the session's cookie from then on (Odoo may have rotated it)."""
    response = requests.post(
        f"{url}/web/dataset/call_kw",
        json=PROBE,
        cookies={"session_id": cookie},
        timeout=30,
    )
    answer = response.json()
    error = answer.get("error", {}).get("data", {}).get("name", "")
    result = "data" if "result" in answer else error.rsplit(".", 1)[-1]
    return result, response.cookies.get("session_id", cookie)


def replay(url, cookie):
    """What a replayed session cookie gets: a JSON-RPC call, and the web client page."""
    rpc, _ = probe(url, cookie)
    page = requests.get(f"{url}/odoo", cookies={"session_id": cookie}, timeout=30)
    return f"{rpc}; /odoo -> {page.url.split('?')[0].removeprefix(url)}"


def idle_on_a_form(server):
    """An unsaved change on a contact, then nothing: when does it end, what remains."""
    partner_id = server.call("res.partner", "create", [{"name": "Draft"}])[0]
    tab = Tab(server, f"/odoo/res.partner/{partner_id}")
    field = wait_for(tab.driver, ".o_field_widget[name=name] :is(input, textarea)")
    field.clear()
    field.send_keys("Changed, not saved")
    last = time.time()
    seen, at = wait_outcome(tab.driver, TIMEOUT_S + 30)
    name = server.call("res.partner", "read", [partner_id], ["name"])[0]["name"]
    result = {
        "idle: the page ends by": seen or "nothing",
        "idle: seconds after the deadline": f"{at - last - TIMEOUT_S:+.1f}",
        "idle: the unsaved change is": kept(name == "Changed, not saved"),
        "idle: the replayed cookie then gets": replay(server.url, tab.cookie),
    }
    tab.quit()
    return result


def kept(saved):
    return "saved" if saved else "lost"


def idle_traffic(server):
    """Requests and bus messages of a page left alone for 55 s, before any deadline."""
    tab = Tab(server)
    tab.click()
    before = tab.counts()
    time.sleep(55)
    after = tab.counts()
    tab.quit()
    return {
        "idle 55 s: HTTP requests": after[0] - before[0],
        "idle 55 s: bus messages": after[1] - before[1],
    }


def working(server):
    """A click every 5 s for 2 minutes: the traffic, and whether the page stays."""
    tab = Tab(server)
    before = tab.counts()
    started = time.time()
    seen = None
    while time.time() - started < 120 and not seen:
        tab.click()
        time.sleep(5)
        seen = outcome(tab.driver)
    after = tab.counts()
    tab.quit()
    return {
        "working 2 min: page stays": "yes" if not seen else f"no, {seen}",
        "working 2 min: HTTP requests": after[0] - before[0],
        "working 2 min: bus messages": after[1] - before[1],
    }


def laptop_sleep(server):
    """The page's clock jumps 10 minutes 10 s after a click, as after a sleep."""
    tab = Tab(server)
    tab.click()
    time.sleep(10)
    move_clock(tab.driver, 600)
    woke = time.time()
    seen, at = wait_outcome(tab.driver, TIMEOUT_S + 30)
    tab.quit()
    return {"after a sleep, ends after (s)": f"{seen or 'nothing'}, {at - woke:.1f}"}


def two_tabs(server):
    """Clicks in tab A every 10 s for 90 s; tab B is never touched."""
    tab = Tab(server)
    driver = tab.driver
    driver.execute_script("window.tabB = window.open('/odoo', '_blank')")
    a = driver.current_window_handle
    b = next(handle for handle in driver.window_handles if handle != a)
    driver.switch_to.window(a)
    started = time.time()
    b_seen = None
    while time.time() - started < 90 and not b_seen:
        last = tab.click()
        time.sleep(10)
        driver.switch_to.window(b)
        b_seen = outcome(driver)
        driver.switch_to.window(a)
    a_seen, a_at = wait_outcome(driver, TIMEOUT_S + 30)
    driver.switch_to.window(b)
    b_end, b_at = wait_outcome(driver, 10)
    tab.quit()
    return {
        "two tabs: idle tab B while A works": b_seen or "stays",
        "two tabs: both idle, A / B end after (s)": (
            f"{a_seen}, {a_at - last:.1f} / {b_end}, {b_at - last:.1f}"
        ),
    }


def typing_in_the_editor(server):
    """A key every 10 s for 2 minutes in the email editor, an iframe; then nothing."""
    model = server.call("ir.model", "search", [["model", "=", "res.partner"]])
    mailing_id = server.call(
        "mailing.mailing",
        "create",
        [{"subject": "News", "email_from": "a@ex.com", "mailing_model_id": model[0]}],
    )[0]
    action = "action-mass_mailing.mailing_mailing_action_mail"
    tab = Tab(server, f"/odoo/{action}/{mailing_id}")
    driver = tab.driver
    wait_for(driver, ".o_mail_theme_selector .dropdown-item", 60).click()
    frame = wait_for(driver, "iframe:not(.d-none)", 60)
    driver.switch_to.frame(frame)
    editable = wait_for(driver, "[contenteditable='true']")
    editable.click()
    started = time.time()
    seen = None
    while time.time() - started < 120 and not seen:
        editable.send_keys("typed ")
        last = time.time()
        time.sleep(10)
        driver.switch_to.default_content()
        seen = outcome(driver)
        if not seen:
            driver.switch_to.frame(frame)
    driver.switch_to.default_content()
    interrupted = f"no, {seen} after {last - started:.0f} s" if seen else "yes"
    if not seen:
        wait_outcome(driver, TIMEOUT_S + 30)  # then idle: the page ends, saving first
    body = server.call("mailing.mailing", "read", [mailing_id], ["body_arch"])[0]
    tab.quit()
    return {
        "typing in the email editor 2 min: goes on": interrupted,
        "typing in the email editor: the text is": kept(
            "typed" in (body["body_arch"] or "")
        ),
    }


def closed_browser(server):
    """A click, then the browser is closed; each cookie is replayed once, later."""
    delays = (50, 70, 90, 110)
    results = {}

    def one(delay):
        tab = Tab(server)
        last = tab.click()
        cookie = tab.cookie
        tab.quit()
        time.sleep(max(0, last + delay - time.time()))
        results[delay] = replay(server.url, cookie).split(";")[0]

    threads = [threading.Thread(target=one, args=(d,)) for d in delays]
    for thread in threads:
        thread.start()
        time.sleep(15)
    for thread in threads:
        thread.join()
    return {f"browser closed, cookie {d} s later": results.get(d) for d in delays}


def four_hours_of_use(server):
    """Requests across 4 h 5 min of use, the clock moved by the session's timestamps."""
    cookie = session_cookie(server.url, server.db)
    answers = []
    for hours in (3.05, 1.0):  # Odoo rotates a session after 3 h
        travel(cookie, hours * 3600)
        answer, cookie = probe(server.url, cookie)
        answers.append(answer)
    return {
        "4 h limit: a request after 3 h 03 of use gets": answers[0],
        "4 h limit: a request after 4 h 03 of use gets": answers[1],
    }


def travel(sid, seconds):
    """Move a session `seconds` into the future, used all along: every time it keeps
    (login, creation, rotation) is moved back; its last activity is now."""
    path = Path(WORK, "data", "sessions", sid[:2], sid)
    data = json.loads(path.read_text())
    for key in ("create_time", "idle_logout_login"):
        if key in data:
            data[key] -= seconds
    if "idle_logout_seen" in data:
        data["idle_logout_seen"] = time.time()
    path.write_text(json.dumps(data))


def own_bundle_bytes(server):
    """Bytes of each module's files in the minified web client bundle."""
    cookies = {"session_id": session_cookie(server.url, server.db)}
    page = requests.get(f"{server.url}/odoo", cookies=cookies, timeout=60).text
    src = re.search(r'src="([^"]*web\.assets_web[^"]*\.min\.js)"', page).group(1)
    body = requests.get(server.url + src, cookies=cookies, timeout=60).text
    parts = re.split(r"\n/\* /(\w+)/static/[^\n]* \*/\n", body)
    contents = {}
    for module, content in zip(parts[1::2], parts[2::2], strict=True):
        contents[module] = contents.get(module, "") + content
    return {module: content.encode() for module, content in contents.items()}


def bundle_row(raw):
    return f"{len(raw)}, {len(gzip.compress(raw))}"


SCENARIOS = (
    idle_on_a_form,
    idle_traffic,
    working,
    laptop_sleep,
    two_tabs,
    typing_in_the_editor,
    closed_browser,
    four_hours_of_use,
)


def side_by_side(servers, scenario):
    """Runs `scenario` for both products at the same time."""
    results = {}

    def run(name):
        results[name] = scenario(servers[name])

    threads = [threading.Thread(target=run, args=(name,)) for name in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@contextmanager
def serving_each():
    """One database and one Odoo server per product (a lone database: no selector)."""
    prefix = f"iul_bench_{uuid.uuid4().hex[:6]}_"
    servers = {}
    try:
        for name, configuration in CONFIGURATIONS.items():
            create_database(prefix + name, *configuration)
            servers[name] = OdooServer(prefix + name, free_port(), name=f"bench-{name}")
        yield servers
    finally:
        for server in servers.values():
            server.stop()
        for name in CONFIGURATIONS:
            drop_database(prefix + name)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", help="comma-separated scenario names")
    args = parser.parse_args()
    chosen = args.only.split(",") if args.only else [s.__name__ for s in SCENARIOS]
    with serving_each() as servers:
        rows = {OURS: {}, THEIRS: {}}
        for scenario in (s for s in SCENARIOS if s.__name__ in chosen):
            for name, result in side_by_side(servers, scenario).items():
                rows[name].update(result)
        bundles = {name: own_bundle_bytes(s) for name, s in servers.items()}
    for name, modules in bundles.items():
        rows[name]["web.assets_web: its own files (bytes, gzip)"] = bundle_row(
            modules.get(name, b"")
        )
    print(f"\n{'1-minute inactivity, real time':52} {OURS:>30} {THEIRS:>30}")
    for label, ours in rows[OURS].items():
        print(f"{label:52} {ours!s:>30} {rows[THEIRS].get(label)!s:>30}")


if __name__ == "__main__":
    main()
