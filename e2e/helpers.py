"""Helpers for the end-to-end tier: Odoo servers of its own and real Chromium."""

import copy
import fcntl
import hashlib
import os
import re
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
from selenium.webdriver.common.bidi.common import command_builder
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
# The e2e tier runs in two processes (pytest-xdist): each names the logs of its own
# servers after itself, and checks only those.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
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


def log_path(name):
    """Where a server or provider this process starts writes its log."""
    return WORK / "logs" / f"e2e-{WORKER}{'-' if WORKER else ''}{name}.log"


def worker_logs():
    """The logs of the servers and providers this process started."""
    return sorted((WORK / "logs").glob(f"e2e-{WORKER}*.log"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create_database(name, *apps, options=()):
    """A database with this addon, and the Odoo `apps` named, installed."""
    modules = ",".join(("idle_user_logout", *apps))
    subprocess.run(
        odoo_command(
            "-d", name, "-i", modules, "--stop-after-init", "--log-level=warn", *options
        ),
        check=True,
    )


# Databases built once per run (the addon, and the apps some tests need), their assets
# built too, then copied for each use: an install and a first page cost once.
TEMPLATES = {
    "addon": (),
    "apps": ("mass_mailing", "website", "point_of_sale"),
    "auth_timeout": ("auth_timeout",),
    # Single sign-on through OCA auth_oidc and auth_saml, peers: the addon's bridges
    # install with them.
    "sso": ("auth_oidc", "auth_saml"),
}
# The templates whose apps are peers (tools/peers.txt): built and served with them.
WITH_PEERS = {"sso"}
# The pages whose bundles a template builds beforehand: the login page, the web client,
# and a website page where there is a website.
WARMED_PATHS = ("/web/login", "/odoo", "/contactus")
# The bundles pages load later (Odoo's loadBundle), built beforehand too: two requests
# building the same bundle at once race on its file (Odoo: "The attachment collides
# with an existing file"), as the email editor and its frame do.
LAZY_BUNDLES = (
    "bus.websocket_worker_assets",
    "web.assets_emoji",
    "web_tour.interactive",
    "idle_user_logout.assets_warning",
    "idle_user_logout.assets_drafts",
)
LAZY_APP_BUNDLES = {
    "apps": (
        "mass_mailing.assets_iframe_style",
        "mass_mailing.assets_inside_builder_iframe",
        "point_of_sale.assets_prod",
    ),
}


def template_name(key):
    """The template of this run (tools/test.sh names them; conftest.py otherwise)."""
    return f"{os.environ['IUL_TEMPLATES']}_{key}"


def template_options(key):
    """The command-line options of the servers of a template's databases."""
    return (f"--addons-path={addons_path_with_peers()}",) if key in WITH_PEERS else ()


def database_exists(name):
    found = subprocess.run(
        [
            "psql",
            "-tAd",
            "postgres",
            "-c",
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return found.stdout.strip() == "1"


def build_template(key):
    """The template `key` of this run, built if it is not there yet (by one process
    at a time)."""
    name = template_name(key)
    with (WORK / "templates.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not database_exists(name):
            build_new_template(key, name)
    return name


def build_new_template(key, name):
    options = template_options(key)
    try:
        create_database(name, *TEMPLATES[key], options=options)
        server = OdooServer(name, free_port(), *options, name=f"template-{key}")
        try:
            warm_assets(server, key)
        finally:
            server.stop()
    except BaseException:
        drop_database(name)
        raise


def authenticate(server, login="admin", password="admin"):
    """A session logged in over HTTP, as the web client logs in, and the session info
    the login answered."""
    http = requests.Session()
    params = {"db": server.db, "login": login, "password": password}
    answer = http.post(
        f"{server.url}/web/session/authenticate",
        json={"jsonrpc": "2.0", "method": "call", "params": params},
        timeout=60,
    ).json()
    assert "result" in answer, answer
    return http, answer["result"]


def warm_assets(server, key):
    """Build the bundles of `WARMED_PATHS` (with the addon on, as the tests have it)
    and the lazy ones of template `key`, as the first visit of each page would, one at
    a time."""
    server.set_param("idle_user_logout.enabled", "True")
    http, _info = authenticate(server)
    assets = set()
    for path in WARMED_PATHS:
        page = http.get(f"{server.url}{path}", timeout=300)
        assets.update(re.findall(r"/web/assets/[^\"'<> ]+", page.text))
    for bundle in (*LAZY_BUNDLES, *LAZY_APP_BUNDLES.get(key, ())):
        files = http.get(f"{server.url}/web/bundle/{bundle}", timeout=300).json()
        assets.update(file["src"] for file in files if file["src"])
    for asset in sorted(assets):
        http.get(f"{server.url}{asset}", timeout=300).raise_for_status()
    # Unset, as a new database has it.
    server.set_param("idle_user_logout.enabled", False)


def copy_database(key, name):
    """A database of its own for a test: a copy of the template `key`, filestore too."""
    template = build_template(key)
    subprocess.run(["createdb", "-T", template, name], check=True)
    source = filestore(template)
    if source.exists():
        # Odoo never rewrites a stored file in place: links are copies enough.
        subprocess.run(["cp", "-al", str(source), str(filestore(name))], check=True)
    return name


def filestore(db):
    return WORK / "data" / "filestore" / db


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
    # Forced: a server's pool (the session store's) may still hold a connection.
    subprocess.run(["dropdb", "--if-exists", "--force", name], check=False)
    shutil.rmtree(filestore(name), ignore_errors=True)


class OdooServer:
    def __init__(self, db, port, *options, env=None, name=None):
        """Start Odoo on `port` for `db`, with more command-line `options` if any."""
        self.db = db
        self.url = f"http://127.0.0.1:{port}"
        self.env = env or {}
        log = log_path(name or db)
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

    def audit_rows(self, session_id, extra=()):
        """The session ends on record of a session (their device, reason and `extra`
        fields), and the devices Odoo logged for it."""
        odoo_addons()
        from odoo.addons.idle_user_logout.models.idle_user_logout_log import (
            session_hash,
        )

        identifier = session_id[:42]
        fields = ["ip_address", "browser", "platform"]
        device = self.call(
            "res.device.log",
            "search_read",
            [("session_identifier", "=", identifier)],
            fields,
        )
        rows = self.call(
            "idle_user_logout.log",
            "search_read",
            [("session_hash", "=", session_hash(identifier))],
            [*fields, "reason", *extra],
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

    def __init__(self, port, servers, client=None):
        """`client`: the address this proxy says its clients have (a network of its
        own, as a branch office's proxy would); by default, their own."""
        self.prefix = Path(tempfile.mkdtemp(prefix="iul-nginx-"))
        self.url = f"http://127.0.0.1:{port}"
        conf = self.prefix / "nginx.conf"
        values = {
            "@PREFIX@": str(self.prefix),
            "@PORT@": str(port),
            "@HTTP_SERVERS@": " ".join(f"server 127.0.0.1:{h};" for h, _ in servers),
            "@GEVENT_SERVERS@": " ".join(f"server 127.0.0.1:{g};" for _, g in servers),
        }
        if client:
            values["$proxy_add_x_forwarded_for"] = client
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


def start_chrome(*flags, clock=False, skew_s=0):
    """Chromium with the tier's options and `flags` (e.g. a profile of its own). With
    `clock`, every page of every tab runs on a clock the test moves (`move_clock`),
    `skew_s` off the real one."""
    options = chrome_options()
    for flag in flags:
        options.add_argument(flag)
    # WebDriver BiDi: a preload script reaches every tab, window.open's included.
    options.web_socket_url = clock
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.clock_offset_s = 0
    if clock:
        driver._start_bidi()
        driver._websocket_connection.execute(
            command_builder(
                "script.addPreloadScript",
                {"functionDeclaration": CLOCK_SCRIPT % (skew_s * 1000)},
            )
        )
    return driver


def login_without_the_form(driver, odoo, path="/odoo"):
    """Logged in as admin through Odoo's authenticate route, the cookie given to the
    browser: in a browser whose clock is 3 hours ahead, Odoo's login page now and then
    never shows its form (1 load in 4 here, its user-switch component never mounted)."""
    http, _info = authenticate(odoo)
    driver.get(f"{odoo.url}/web/login")
    driver.add_cookie(
        {"name": "session_id", "value": http.cookies["session_id"], "path": "/"}
    )
    driver.get(f"{odoo.url}{path}")
    wait_for(driver, ".o_main_navbar", timeout=60)


def login(driver, odoo, path="/odoo", login_name="admin", password="admin"):
    driver.get(f"{odoo.url}/web/login?redirect={path}")
    submit_login(driver, login_name, password)


# How many times the login page is loaded before its form is taken as missing.
LOGIN_FORM_ATTEMPTS = 4


def submit_login(driver, login_name="admin", password="admin"):
    """Fill the login form of the current page; wait for the web client."""
    show_login_form(driver)
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


def show_login_form(driver):
    """Wait for the login form of the current page (its provider buttons too)."""
    for attempt in range(LOGIN_FORM_ATTEMPTS):
        # A first load may build bundles; a reload, less.
        if login_form_shown(driver, timeout=30 if attempt == 0 else 15):
            return
        # Odoo 19 un-hides the form from a lazily loaded component (web.user_switch),
        # now and then never mounted though its module is loaded: about 1 load in 16
        # here, 1 in 4 with a clock 3 hours ahead, with or without the addon. The
        # service worker is dropped and the page loaded again, as a user would.
        console = [entry["message"] for entry in driver.get_log("browser")]
        state = driver.execute_script(LOGIN_PAGE_STATE)
        print(f"login form hidden at {driver.current_url}: {state}; console: {console}")
        if attempt == LOGIN_FORM_ATTEMPTS - 1:
            shown = f"{driver.current_url}: {page_text(driver)!r}"
            raise AssertionError(f"no login form after {attempt} reloads at {shown}")
        origin = driver.execute_script("return location.origin")
        driver.execute_cdp_cmd(
            "Storage.clearDataForOrigin",
            {"origin": origin, "storageTypes": "service_workers,cache_storage"},
        )
        driver.refresh()


# Where a login page stands: its load, its lazy scripts, Odoo's lazy loader.
LOGIN_PAGE_STATE = """return {
    readyState: document.readyState,
    lazyScripts: document.querySelectorAll("script[data-src]").length,
    lazyWaiting: document.body?.classList.contains("o_lazy_js_waiting"),
    userSwitch: !!odoo.loader?.modules.has("@web/core/user_switch/user_switch"),
    failed: odoo.loader && [...odoo.loader.failed || []],
    resources: performance.getEntriesByType("resource").length,
}"""


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


def odoo_addons():
    """Odoo's addons package, with this addon and the peers importable from it."""
    import odoo.addons

    for path in (str(WORK / "addons"), odoo_env()["PEERS_PATH"]):
        if path not in odoo.addons.__path__:
            odoo.addons.__path__.append(path)
    return odoo.addons


def session_store(server):
    """The session store `server` uses (its files, or OCA session_db's table), read and
    written as Odoo does."""
    odoo_addons()
    from odoo import http

    if uri := server.env.get("SESSION_DB_URI"):
        from odoo.addons.session_db.pg_session_store import (
            PGSessionStore,
        )

        return PGSessionStore(uri, session_class=http.Session)
    return http.FilesystemSessionStore(
        str(WORK / "data" / "sessions"), session_class=http.Session, renew_missing=True
    )


def stored_session(server, session_id):
    """The session as `server` stored it, its store, and the names of the addon's login
    and idle stamps, as models/session_stamps.py has them."""
    store = session_store(server)
    from odoo.addons.idle_user_logout.models.session_stamps import (
        LOGIN_KEY,
        SEEN_KEY,
    )

    session = store.get(session_id)
    assert session.get("uid"), "a logged-in session"
    return store, session, (LOGIN_KEY, SEEN_KEY)


def age_session(server, session_id, seconds):
    """The session's login and last activity, as the server stamped them, move
    `seconds` into the past: for the server, that long went by unused."""
    store, session, keys = stored_session(server, session_id)
    for key in keys:
        if session.get(key):
            session[key] -= seconds
    store.save(session)


def activity_stamp(server, session_id):
    """The session's last activity as the server stamped it (epoch s)."""
    _store, session, (_login_key, seen_key) = stored_session(server, session_id)
    return session[seen_key]


def login_time(server, session_id):
    """When the server counts the session logged in (epoch s), its lifetime's start."""
    _store, session, (login_key, _seen_key) = stored_session(server, session_id)
    return session[login_key]


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
    """Wait for the login page; return when the tab started going there (page time)."""
    WebDriverWait(driver, timeout, poll_frequency=0.25).until(
        lambda d: on_login_page(d)
    )
    return page_time(
        driver, driver.execute_script("return performance.timeOrigin") / 1000
    )


# Date.now() shifted by a fixed skew plus what the test moved the clock by, kept in the
# origin's localStorage for every tab to read; installed before the page's own scripts.
# Timers run on that clock, as on a test clock: when it jumps, those it made due fire at
# once (looked at every 100 ms). It also notes the tab's visibility changes,
# to tell that a tab really was hidden.
CLOCK_SCRIPT = """() => {
    const realNow = Date.now.bind(Date);
    const skew = %d;
    const moved = () => Number(localStorage.getItem("e2e.clock_ms") || 0);
    Date.now = () => realNow() + skew + moved();
    const realSetTimeout = window.setTimeout.bind(window);
    const realClearTimeout = window.clearTimeout.bind(window);
    const timers = new Map();
    const fire = (id) => {
        const timer = timers.get(id);
        if (timer) {
            timers.delete(id);
            realClearTimeout(id);
            try {
                timer.handler(...timer.args);
            } catch (error) {
                realSetTimeout(() => {
                    throw error;
                });
            }
        }
    };
    window.setTimeout = (handler, delay, ...args) => {
        if (typeof handler !== "function") {
            return realSetTimeout(handler, delay, ...args);
        }
        const id = realSetTimeout(() => fire(id), delay);
        timers.set(id, { due: Date.now() + (Number(delay) || 0), handler, args });
        return id;
    };
    window.clearTimeout = (id) => {
        timers.delete(id);
        realClearTimeout(id);
    };
    let lastMoved = moved();
    setInterval(() => {
        if (moved() !== lastMoved) {
            lastMoved = moved();
            const now = Date.now();
            const due = [...timers].filter(([, timer]) => timer.due <= now);
            due.forEach(([id]) => fire(id));
        }
    }, 100);
    const seen = () => sessionStorage.getItem("e2e.visibility") || "";
    document.addEventListener("visibilitychange", () =>
        sessionStorage.setItem("e2e.visibility", seen() + document.visibilityState[0])
    );
}"""


def move_clock(driver, seconds, origin=None):
    """Every page of the browser's `origin` (the current page's) jumps `seconds` ahead,
    as after a laptop's sleep. Written by the browser itself, so that a frozen page or
    one whose storage refuses writes is moved too."""
    driver.clock_offset_s += seconds
    origin = origin or "/".join(driver.current_url.split("/")[:3])
    driver.execute_cdp_cmd(
        "DOMStorage.setDOMStorageItem",
        {
            "storageId": {"securityOrigin": origin, "isLocalStorage": True},
            "key": "e2e.clock_ms",
            "value": str(int(driver.clock_offset_s * 1000)),
        },
    )


def page_time(driver, real=None):
    """What the pages of a browser with a moved clock read at `real` (epoch s, now)."""
    return (time.time() if real is None else real) + driver.clock_offset_s


def page_report(driver, window="window"):
    """What a page of the session shows and holds (`window`: a script expression), to
    say why a test's wait failed: its visibility and focus, its visibility changes, the
    session's last activity in the browser and the page's time (epoch s)."""
    return driver.execute_script(
        f"""
        const page = {window};
        const storage = page.localStorage;
        const activity = Object.keys(storage)
            .filter((key) => key.startsWith("idle_user_logout.activity."))
            .map((key) => Number(storage.getItem(key)) / 1000);
        const registry = page.odoo.loader.modules.get("@web/core/registry").registry;
        return {{
            warning_loaded: registry.category("idle_user_logout").contains("warning"),
            visibility: page.document.visibilityState,
            focus: page.document.hasFocus(),
            changes: page.sessionStorage.getItem("e2e.visibility"),
            activity,
            now: page.Date.now() / 1000,
        }};
        """
    )


def click_heading(driver, text="Auto Logout"):
    """A harmless real click (the title of a settings block). Returns when it was asked
    (page time): the page counts it then or a little later (a loaded machine may take a
    second to answer WebDriver), never before."""
    heading = driver.find_element(By.XPATH, f"//h2[contains(., '{text}')]")
    asked_at = page_time(driver)
    heading.click()
    return asked_at


def wait_for_warning_code(driver, window="window"):
    """Wait until the page `window` loaded the warning's code, a bundle of its own that
    its first check asks for: what the tests time is the warning, not that load."""
    registry = f'{window}.odoo.loader.modules.get("@web/core/registry").registry'
    WebDriverWait(driver, 30, poll_frequency=0.2).until(
        lambda d: d.execute_script(
            f'return {registry}.category("idle_user_logout").contains("warning")'
        )
    )


def wait_until_heard(driver, at, window="window.tabB"):
    """Wait until the page `window` heard of the activity at `at` (page time) in another
    tab: an event still on its way when the clock moves would be stamped moved."""
    presence = f"{window}.odoo.__WOWL_DEBUG__.root.env.services.presence"
    WebDriverWait(driver, 10, poll_frequency=0.1).until(
        lambda d: (
            d.execute_script(f"return Number({presence}.getLastPresence())")
            >= at * 1000
        )
    )


# The timeout of the tests, 1 minute, and what a visible tab may take past its deadline
# to start leaving (navigation, a WebDriver poll).
TIMEOUT_S = 60
SLACK_S = 5
# How often a tab checks (idle_timer.js).
CHECK_S = 5


# How long after the clock moved a tab has run the checks it made due (100 ms, on a
# loaded machine more).
CHECKED_S = 1


def idle_until_just_before(driver, deadline, early_s=2 * CHECKED_S):
    """Moves the clock to `early_s` before `deadline` (page time): the tab's check made
    due runs at once, and its own timer then meets the deadline, as it would have after
    waiting. Returns the real seconds left until the deadline."""
    move_clock(driver, deadline - early_s - page_time(driver))
    return early_s


def assert_leaves_on_time(driver, last_activity, timeout_s=TIMEOUT_S):
    """The tab goes idle past its last activity (page time), and leaves at the deadline,
    not a second early nor more than `SLACK_S` late."""
    wait_s = idle_until_just_before(driver, last_activity + timeout_s)
    left_at = wait_for_login_page(driver, wait_s + SLACK_S + LOGIN_PAGE_LOAD_S)
    idle_s = left_at - last_activity
    assert timeout_s - 0.5 <= idle_s <= timeout_s + SLACK_S, (
        f"left after {idle_s:.1f} s"
    )
    return left_at


def assert_stays(driver, why):
    """The page does not leave: no login page within the time a due logout takes."""
    try:
        left_at = wait_for_login_page(driver, CHECKED_S + LEAVE_S)
    except TimeoutException:
        return
    raise AssertionError(f"left at {left_at:.1f} (page time): {why}")


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
