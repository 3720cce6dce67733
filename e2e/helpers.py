"""Helpers for the end-to-end tier: Odoo servers of its own and real Chromium."""

import copy
import hashlib
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
import xmlrpc.client
from pathlib import Path

import requests
from selenium import webdriver
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    ElementNotInteractableException,
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parent.parent
# The tooling's state, outside the addon (see tools/paths.sh).
WORK = Path(
    os.environ.get("IUL_WORK")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "idle_user_logout"
    / hashlib.sha1(str(REPO).encode()).hexdigest()[:12]
)
CHROMEDRIVER = "/usr/bin/chromedriver"
NGINX = "/usr/sbin/nginx"


def odoo_env():
    """Variables written by tools/setup.sh; the e2e tier cannot run without them."""
    values = {}
    for line in (WORK / "env").read_text().splitlines():
        key, _, value = line.partition("=")
        values[key] = value.strip("'")
    return values


def configured_addons_path():
    """The addons path of tools/setup.sh's configuration, this checkout first."""
    with open(odoo_env()["ODOO_CONF"]) as file:
        line = next(li for li in file if li.startswith("addons_path"))
    return line.split("=", 1)[1].strip().split(",")


def addons_path_with_peers():
    """The configured addons path, with the peer addons (OCA) beside this one."""
    return ",".join((*configured_addons_path(), odoo_env()["PEERS_PATH"]))


def odoo_command(*args, subcommand=()):
    env = odoo_env()
    return [*shlex.split(env["ODOO_CMD"]), *subcommand, "-c", env["ODOO_CONF"], *args]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create_database(name, *apps):
    """A database with this addon, and the Odoo `apps` named, installed."""
    modules = ",".join(("idle_user_logout", *apps))
    subprocess.run(
        odoo_command(
            "-d", name, "-i", modules, "--stop-after-init", "--log-level=warn"
        ),
        check=True,
    )


def odoo_shell(db, code, *options, env=None):
    """Run `code` in `odoo shell` on `db`, as an administrator's script would."""
    subprocess.run(
        odoo_command(
            "-d", db, "--no-http", "--log-level=warn", *options, subcommand=("shell",)
        ),
        input=code.encode(),
        check=True,
        env={**os.environ, **(env or {})},
    )


def drop_database(name):
    subprocess.run(["dropdb", "--if-exists", name], check=False)


class OdooServer:
    def __init__(self, db, port, *options, env=None, name=None):
        """Start Odoo on `port` for `db`, with more command-line `options` if any."""
        self.db = db
        self.url = f"http://127.0.0.1:{port}"
        self.env = env or {}
        log = WORK / "logs" / f"e2e-{name or db}.log"
        self.process = subprocess.Popen(
            odoo_command(
                *("-d", db, "--db-filter", f"^{db}$", "--http-port", str(port)),
                *("--http-interface", "127.0.0.1", "--log-level", "warn", *options),
            ),
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Odoo exited early, see {log}")
            try:
                # A new database builds its assets on its first page: slow.
                if requests.get(f"{self.url}/web/login", timeout=60).ok:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.5)
        else:
            raise RuntimeError(f"Odoo did not answer within 120 s, see {log}")
        common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common")
        self.uid = common.authenticate(db, "admin", "admin", {})
        self.models = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object")

    def call(self, model, method, *args):
        return self.models.execute_kw(
            self.db, self.uid, "admin", model, method, list(args)
        )

    def set_param(self, key, value):
        self.call("ir.config_parameter", "set_param", key, value)

    def audit_rows(self, session_id):
        """The audit rows of a session, each with the device Odoo logged for it."""
        identifier = [["session_identifier", "=", session_id[:42]]]
        fields = ["ip_address", "browser", "platform"]
        device = self.call("res.device.log", "search_read", identifier, fields)
        rows = self.call(
            "idle_user_logout.log", "search_read", identifier, fields + ["reason"]
        )
        return rows, device

    def configure(self, enabled=True, timeout_minutes=1):
        self.set_param("idle_user_logout.enabled", str(enabled))
        self.set_param("idle_user_logout.timeout_minutes", str(timeout_minutes))

    def through(self, url):
        """The same server as seen through a proxy at `url`."""
        front = copy.copy(self)
        front.url = url
        return front

    def stop(self):
        stop_process(self.process, 20)


def stop_process(process, timeout):
    """Ask a server to stop; kill it if it has not within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()


class Nginx:
    """nginx in the foreground, before Odoo servers given as (http, gevent) ports."""

    def __init__(self, port, servers):
        self.prefix = Path(tempfile.mkdtemp(prefix="iul-nginx-"))
        self.url = f"http://127.0.0.1:{port}"
        conf = self.prefix / "nginx.conf"
        values = {
            "@PREFIX@": str(self.prefix),
            "@PORT@": str(port),
            "@HTTP_SERVERS@": " ".join(f"server 127.0.0.1:{h};" for h, _ in servers),
            "@GEVENT_SERVERS@": " ".join(f"server 127.0.0.1:{g};" for _, g in servers),
        }
        text = (REPO / "tools" / "nginx.conf").read_text()
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        conf.write_text(text)
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.prefix), "-c", str(conf), "-g", "daemon off;"],
            stderr=(self.prefix / "stderr.log").open("wb"),
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.prefix / "stderr.log").read_text()
                raise RuntimeError(f"nginx exited: {log}")
            try:
                requests.get(f"{self.url}/web/health", timeout=10)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError("nginx did not answer within 20 s")

    def websocket_upstreams(self):
        """The Odoo servers (gevent ports) the websockets so far were proxied to."""
        log = (self.prefix / "access.log").read_text().splitlines()
        return [line.split()[1] for line in log if line.startswith("/websocket")]

    def websocket_upgrades(self):
        """Whether a websocket handshake through the proxy reaches a gevent process."""
        handshake = {
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version": "13",
            "Origin": self.url,
        }
        with requests.get(
            f"{self.url}/websocket", headers=handshake, stream=True, timeout=10
        ) as response:
            return response.status_code == 101

    def stop(self):
        stop_process(self.process, 10)
        shutil.rmtree(self.prefix, ignore_errors=True)


def chrome_options():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-popup-blocking",
        "--window-size=1366,900",
    ):
        options.add_argument(flag)
    return options


def start_chrome(*flags):
    """Chromium with the tier's options and `flags` (e.g. a profile of its own)."""
    options = chrome_options()
    for flag in flags:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    return driver


def login(driver, odoo, path="/odoo", login_name="admin", password="admin"):
    driver.get(f"{odoo.url}/web/login?redirect={path}")
    submit_login(driver, login_name, password)


def submit_login(driver, login_name="admin", password="admin"):
    """Fill the login form of the current page; wait for the web client."""
    if not login_form_shown(driver):
        # Odoo 19 un-hides the form from a lazily loaded script (web.user_switch): it
        # now and then never runs in a fresh Chromium, with or without the addon. The
        # service worker is dropped and the page loaded again, as a user would.
        console = [entry["message"] for entry in driver.get_log("browser")]
        print(f"login form hidden at {driver.current_url}; console: {console}")
        origin = driver.execute_script("return location.origin")
        driver.execute_cdp_cmd(
            "Storage.clearDataForOrigin",
            {"origin": origin, "storageTypes": "service_workers,cache_storage"},
        )
        driver.refresh()
        if not login_form_shown(driver):
            shown = f"{driver.current_url}: {page_text(driver)!r}"
            raise AssertionError(f"no login form after a reload at {shown}")
    field = driver.find_element(By.NAME, "login")
    field.clear()
    field.send_keys(login_name)
    driver.find_element(By.NAME, "password").send_keys(password)
    form_button = "form.oe_login_form button[type=submit]"
    driver.find_element(By.CSS_SELECTOR, form_button).click()
    try:
        wait_for(driver, ".o_main_navbar", timeout=60)
    except TimeoutException as error:
        shown = f"{driver.current_url}: {page_text(driver)!r}"
        raise AssertionError(
            f"no web client 60 s after the login at {shown}"
        ) from error


def login_form_shown(driver, timeout=30):
    """Whether the login form shows within `timeout` s (a first load builds bundles)."""
    try:
        WebDriverWait(driver, timeout).until(
            expected_conditions.visibility_of_element_located((By.NAME, "login"))
        )
    except TimeoutException:
        return False
    return True


def page_text(driver):
    """The start of what the page shows, to say where a wait failed."""
    return driver.execute_script("return document.body?.innerText.slice(0, 300)")


def session_is_open(driver, odoo):
    """Whether the server still accepts this browser's session cookie."""
    cookie = driver.get_cookie("session_id")
    response = requests.get(
        f"{odoo.url}/odoo", cookies={"session_id": cookie["value"]}, timeout=30
    )
    return not response.url.split("?")[0].endswith("/web/login")


def wait_for(driver, selector, timeout=30):
    return WebDriverWait(driver, timeout).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, selector))
    )


def click_when_ready(driver, selector, timeout=30):
    """Click what `selector` finds once it shows, however often the view re-renders."""

    def clicked(d):
        try:
            d.find_element(By.CSS_SELECTOR, selector).click()
        except (
            ElementClickInterceptedException,
            ElementNotInteractableException,
            NoSuchElementException,
            StaleElementReferenceException,
        ):
            return False
        return True

    WebDriverWait(driver, timeout, poll_frequency=0.25).until(clicked)


def on_login_page(driver):
    return driver.execute_script(
        "return location.pathname === '/web/login'"
        " && !!document.querySelector('form.oe_login_form')"
    )


def wait_for_login_page(driver, timeout):
    """Wait for the login page; return when the tab started going there (epoch s)."""
    WebDriverWait(driver, timeout, poll_frequency=0.25).until(
        lambda d: on_login_page(d)
    )
    return driver.execute_script("return performance.timeOrigin") / 1000


# Date.now() shifted by a fixed offset plus one any tab of the origin can change later
# (localStorage), installed before the page's own scripts: skew and sleep, on demand.
CLOCK_SCRIPT = """
(() => {
    const realNow = Date.now.bind(Date);
    const fixed = %d;
    const slept = () => Number(localStorage.getItem("e2e.sleep_ms") || 0);
    Date.now = () => realNow() + fixed + slept();
    const seen = () => sessionStorage.getItem("e2e.visibility") || "";
    document.addEventListener("visibilitychange", () =>
        sessionStorage.setItem("e2e.visibility", seen() + document.visibilityState[0])
    );
})();
"""


def install_clock(driver, skew_ms=0):
    """Every page this tab loads from now on runs with the controlled clock."""
    driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": CLOCK_SCRIPT % skew_ms}
    )


def click_heading(driver, text="Auto Logout"):
    """A harmless real click (the title of a settings block). Returns when it was asked
    (epoch s): the page counts it then or a little later (a loaded machine may take a
    second to answer WebDriver), never before."""
    heading = driver.find_element(By.XPATH, f"//h2[contains(., '{text}')]")
    asked_at = time.time()
    heading.click()
    return asked_at


def wait_for_bus(driver):
    """Wait until the page is connected to Odoo's bus, as it is once loaded."""
    state = "return odoo.__WOWL_DEBUG__?.root?.env.services.bus_service.workerState"
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(state) == "CONNECTED")


# With a 1-minute timeout the server refuses a session idle for 60 s + 20 s + 15 s.
REFUSED_AFTER_S = 95
# The longest a page may take to start leaving once its session ended (the spec's 5 s),
# and what its login page may take to load on a busy machine, which is not counted.
LEAVE_S = 5
LOGIN_PAGE_LOAD_S = 30


def assert_every_page_left(pages, ended_at, notice=None):
    """Every page, a (driver, window handle) pair, started leaving within 5 s of
    `ended_at`, to a login page saying `notice` (nothing when the session ended some
    other way than idle or old)."""
    for driver, handle in pages:
        driver.switch_to.window(handle)
        left_at = wait_for_login_page(driver, LEAVE_S + LOGIN_PAGE_LOAD_S)
        # When a page starts leaving is what counts, not the login page's load time.
        assert left_at - ended_at <= LEAVE_S, f"{handle}: {left_at - ended_at:.1f} s"
        shown = driver.find_elements(By.CSS_SELECTOR, ".o_idle_logout_notice")
        assert [element.text for element in shown] == ([notice] if notice else [])
