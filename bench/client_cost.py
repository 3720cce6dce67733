"""What the addon costs the web client, measured in real Chromium through the DevTools
protocol, side by side with the same web client without the addon, in one run:

- network requests at page load and while idle;
- main-thread script and task time while idle (Performance.getMetrics), beside a third
  tab without the addon running only an empty 5-second timer: the floor that the seed's
  5-second check costs whatever it does;
- bytes added to the minified backend bundle (web.assets_web, raw and gzip), file by
  file as Odoo's bundle holds them;
- logout latency in a visible tab: idle deadline -> login page, with the deadline at
  different points of the 5-second cadence (the page's clock is moved, not waited for);
- JS heap after an hour of simulated activity and cross-tab messages;
- the users list, ready (its rows shown) after a page load, against the addon absent.

Bytes, latency and the users list are measured beside the addon as it was at a git
`--baseline` of this repository (the last turn's, by default), served in the same run.

Usage: make bench, or in bench/ with the venv: python client_cost.py
[--idle-minutes 3] [--latency-runs 3] [--list-runs 42] [--baseline e11c666]
"""

import argparse
import ast
import gzip
import os
import re
import statistics
import subprocess
import sys
import time
import traceback
from typing import NamedTuple

import requests
from common import baseline_addons_path, median_interval, odoo_serving
from helpers import (
    REPO,
    login,
    move_clock,
    page_time,
    start_chrome,
    wait_for_login_page,
)
from rjsmin import jsmin
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from odoo.tools.js_transpiler import transpile_javascript

TIMEOUT_MINUTES = 60
CHECK_INTERVAL_MS = 5000
FLOOR = "without the addon + an empty 5 s timer"
WITHOUT, WITH = "without the addon", "with idle_user_logout"
# The last turn's addon (issues 28-31), before issue 40 measured its weight and speed.
BASELINE_REF = "e11c666"
CONFIGURATIONS = {
    "without the addon": ("base_setup,bus", {}),
    "with idle_user_logout": (
        "idle_user_logout",
        {
            "idle_user_logout.enabled": "True",
            "idle_user_logout.timeout_minutes": str(TIMEOUT_MINUTES),
        },
    ),
}

# An hour of a user's clicks and of another tab's activity messages, one a second.
SIMULATED_HOUR = """
const done = arguments[arguments.length - 1];
const { session } = odoo.loader.modules.get("@web/session");
const { user } = odoo.loader.modules.get("@web/core/user");
const other = new BroadcastChannel(`idle_user_logout:${session.db}:${user.userId}`);
(async () => {
    for (let second = 0; second < 3600; second++) {
        localStorage.setItem("e2e.clock_ms", second * 1000);
        document.body.dispatchEvent(new MouseEvent("click", { bubbles: true }));
        other.postMessage({ type: "activity", at: Date.now() });
        if (second % 100 === 0) {
            await new Promise((resolve) => setTimeout(resolve, 0));
        }
    }
    other.close();
    done();
})();
"""


class Server(NamedTuple):
    url: str
    db: str


# Browsers tried for a login: Odoo's login page now and then never shows its form, in
# some browsers every time (see helpers.py); a new one shows it.
LOGIN_BROWSERS = 4


def logged_in_chrome(server, clock=False):
    """A new Chromium logged in as admin through the login form, as a user is."""
    for attempt in range(LOGIN_BROWSERS):
        driver = start_chrome(clock=clock)
        try:
            driver.get(f"{server.url}/web/login?db={server.db}")
            login(driver, server)
            return driver
        except AssertionError:
            driver.quit()
            if attempt == LOGIN_BROWSERS - 1:
                raise


class Page:
    """A logged-in web client tab with DevTools network and performance domains on."""

    def __init__(self, url, db):
        self.driver = logged_in_chrome(Server(url, db), clock=True)
        self.driver.set_script_timeout(300)
        self.driver.execute_cdp_cmd("Performance.enable", {})
        time.sleep(3)  # late requests of the page load

    def requests_since_load(self):
        """Resource URLs fetched by the page, without their database-specific hashes."""
        entries = self.driver.execute_script(
            "return performance.getEntriesByType('resource')"
            ".filter(e => !e.name.startsWith('data:')).map(e => e.name)"
        )
        return [re.sub(r"/web/assets/[^/]+/|\?.*", "/", url) for url in entries]

    def metrics(self):
        values = self.driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
        return {item["name"]: item["value"] for item in values}

    def heap_mb(self):
        self.driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
        usage = self.driver.execute_cdp_cmd("Runtime.getHeapUsage", {})
        return usage["usedSize"] / 1e6

    def quit(self):
        self.driver.quit()


def own_bundle_bytes(ref=None):
    """The addon's files in web.assets_web at git `ref` (None: this tree), each as
    Odoo's bundle holds it: transpiled, minified, headed with its path."""

    def read(path):
        if ref is None:
            return (REPO / path).read_text()
        return subprocess.run(
            ["git", "-C", str(REPO), "show", f"{ref}:{path}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    manifest = ast.literal_eval(read("__manifest__.py"))
    sizes = {}
    for asset in manifest["assets"]["web.assets_backend"]:
        url = f"/{asset}"
        content = jsmin(transpile_javascript(url, read(asset.split("/", 1)[1])))
        # The header, and the ";\n" that joins it to the next file.
        sizes[asset.split("/")[-1]] = len(f"\n/* {url} */\n{content};\n".encode())
    return sizes


def bundle_bytes(page):
    src = page.driver.execute_script(
        "return [...document.scripts].map(s => s.src)"
        ".find(s => s.includes('web.assets_web') && s.endsWith('.min.js'))"
    )
    cookies = {c["name"]: c["value"] for c in page.driver.get_cookies()}
    body = requests.get(src, cookies=cookies, timeout=60).content
    return len(body), len(gzip.compress(body))


# The session's last activity as the page stored it (epoch s, page time).
STORED_ACTIVITY = """
return Math.max(...Object.keys(localStorage)
    .filter((key) => key.startsWith("idle_user_logout.activity."))
    .map((key) => Number(localStorage.getItem(key)))) / 1000;
"""


def logout_latency(url, db, phases, runs):
    """Seconds from the idle deadline to the login page navigation, for deadlines
    falling at each phase (s) of a 5-second window; the page's clock is moved."""
    samples = {phase: [] for phase in phases}
    for phase in phases:
        for _ in range(runs):
            page = Page(url, db)
            try:
                samples[phase].append(latency_of(page.driver, phase))
            finally:
                page.quit()
    return samples


def latency_of(driver, phase):
    """One logout's latency (s), the deadline `phase` s into a 5-second window."""
    # A real click is the last activity; the clock jumps to `phase` seconds into a
    # 5-second window 10 s before the deadline, so the checks approach it as they would
    # have in real time.
    clicked = page_time(driver)
    driver.find_element(By.CSS_SELECTOR, ".o_main_navbar").click()
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script(STORED_ACTIVITY) >= clicked
    )
    deadline = driver.execute_script(STORED_ACTIVITY) + TIMEOUT_MINUTES * 60
    move_clock(driver, TIMEOUT_MINUTES * 60 - 10 - phase)
    return wait_for_login_page(driver, 30) - deadline


# Set on every page load of the browser: when the list's first row shows (ms since the
# navigation started).
LIST_READY = """
const observer = new MutationObserver(() => {
    if (document.querySelector(".o_list_renderer .o_data_row")) {
        window.listReadyMs = performance.now();
        observer.disconnect();
    }
});
observer.observe(document, { childList: true, subtree: true });
"""


def users_list_ready(servers, runs):
    """Milliseconds from a page load of the users list to its rows shown, per
    {name: Server}; the loads of each are interleaved, each configuration in every place
    of a round in turn (the second load of a round ran faster), after one to warm up."""
    drivers = {}
    for name, server in servers.items():
        driver = drivers[name] = logged_in_chrome(server)
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": LIST_READY}
        )
    samples = {name: [] for name in servers}
    names = list(drivers)
    try:
        for run in range(runs + 1):
            for name in names[run % len(names) :] + names[: run % len(names)]:
                driver = drivers[name]
                # The last load's late requests are no part of this one.
                time.sleep(0.5)
                driver.get(f"{servers[name].url}/odoo/action-base.action_res_users")
                ready = WebDriverWait(driver, 30, poll_frequency=0.05).until(
                    lambda d: d.execute_script("return window.listReadyMs")
                )
                if run:
                    samples[name].append(ready)
    finally:
        for driver in drivers.values():
            driver.quit()
    return samples


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle-minutes", type=float, default=3)
    parser.add_argument("--latency-runs", type=int, default=3)
    # A multiple of the three configurations: each in every place as often.
    parser.add_argument("--list-runs", type=int, default=42)
    parser.add_argument("--baseline", default=BASELINE_REF)
    args = parser.parse_args()
    baseline = f"idle_user_logout at {args.baseline}"

    with (
        odoo_serving(CONFIGURATIONS) as (url, dbs),
        odoo_serving(
            {baseline: CONFIGURATIONS[WITH]}, baseline_addons_path(args.baseline)
        ) as (baseline_url, baseline_dbs),
    ):
        # Opened first: its server builds its bundles while the others idle.
        baseline_page = Page(baseline_url, baseline_dbs[baseline])
        pages = {name: Page(url, db) for name, db in dbs.items()}
        loads = {name: page.requests_since_load() for name, page in pages.items()}
        floor = Page(url, dbs[WITHOUT])
        floor.driver.execute_script(f"setInterval(() => {{}}, {CHECK_INTERVAL_MS})")
        idling = {**pages, FLOOR: floor}
        before = {name: page.metrics() for name, page in idling.items()}
        time.sleep(args.idle_minutes * 60)
        after = {name: page.metrics() for name, page in idling.items()}
        floor.quit()
        idle_requests = {
            name: len(page.requests_since_load()) - len(loads[name])
            for name, page in pages.items()
        }
        bundles = {name: bundle_bytes(page) for name, page in pages.items()}
        bundles[baseline] = bundle_bytes(baseline_page)
        baseline_page.quit()
        heap = {}
        for name, page in pages.items():
            start = page.heap_mb()
            page.driver.execute_async_script(SIMULATED_HOUR)
            heap[name] = (start, page.heap_mb())
        for page in pages.values():
            page.quit()
        print_costs(args, loads, idle_requests, before, after, bundles, heap)
        print_own_bytes(args.baseline)
        phases = (0.5, 1.5, 2.5, 3.5, 4.5)
        latency = {
            WITH: logout_latency(url, dbs[WITH], phases, args.latency_runs),
            baseline: logout_latency(
                baseline_url, baseline_dbs[baseline], phases, args.latency_runs
            ),
        }
        print_latency(latency)
        servers = {
            WITHOUT: Server(url, dbs[WITHOUT]),
            WITH: Server(url, dbs[WITH]),
            baseline: Server(baseline_url, baseline_dbs[baseline]),
        }
        print_users_list(users_list_ready(servers, args.list_runs))


def print_costs(args, loads, idle_requests, before, after, bundles, heap):
    without, with_ = WITHOUT, WITH
    print(f"\n{'measure':58} {without:>18} {with_:>22}")

    def row(label, a, b, fmt="{}"):
        print(f"{label:58} {fmt.format(a):>18} {fmt.format(b):>22}")

    extra = sorted(set(loads[with_]) - set(loads[without]))
    row("requests at page load", len(loads[without]), len(loads[with_]))
    print(f"  requests only with the addon: {extra or 'none'}")
    row(
        f"requests while idle ({args.idle_minutes:g} min), per hour",
        idle_requests[without] * 60 / args.idle_minutes,
        idle_requests[with_] * 60 / args.idle_minutes,
        "{:.0f}",
    )
    for metric in ("ScriptDuration", "TaskDuration"):
        spent = {n: (after[n][metric] - before[n][metric]) * 1e3 for n in after}
        row(f"{metric} while idle (ms)", spent[without], spent[with_], "{:.1f}")
        print(
            f"  ratio with / without: {spent[with_] / spent[without]:.3f}; "
            f"{FLOOR}: {spent[FLOOR]:.1f} ms, "
            f"ratio {spent[FLOOR] / spent[without]:.3f}"
        )
    row("web.assets_web.min.js bytes", bundles[without][0], bundles[with_][0])
    row("  gzip bytes", bundles[without][1], bundles[with_][1])
    for name in (with_, f"idle_user_logout at {args.baseline}"):
        print(
            f"  added by {name}: {bundles[name][0] - bundles[without][0]} bytes, "
            f"{bundles[name][1] - bundles[without][1]} gzipped"
        )
    row(
        "JS heap before / after a simulated hour (MB)",
        "{:.1f} / {:.1f}".format(*heap[without]),
        "{:.1f} / {:.1f}".format(*heap[with_]),
    )
    sys.stdout.flush()


def print_own_bytes(ref):
    """The addon's files in web.assets_web, this tree beside `ref`, file by file."""
    now, then = own_bundle_bytes(), own_bundle_bytes(ref)
    print(f"\nthe addon's files in web.assets_web (bytes){'this tree':>22} {ref:>10}")
    for name in [*now, *(name for name in then if name not in now)]:
        print(f"  {name:50} {now.get(name, '-'):>10} {then.get(name, '-'):>10}")
    total_now, total_then = sum(now.values()), sum(then.values())
    print(f"  {'total':50} {total_now:>10} {total_then:>10}")
    print(f"  difference: {total_now - total_then:+d} bytes")


def print_latency(latency):
    print("\nlogout latency, idle deadline -> login page navigation (s), visible tab")
    names = list(latency)
    print(f"{'':28}" + "".join(f"{name:>32}" for name in names))
    print(f"{'deadline after a 5 s check':28}" + f"{'median   worst':>32}" * len(names))

    def cells(values):
        return f"{statistics.median(values):8.2f} {max(values):6.2f}".rjust(32)

    for phase in latency[names[0]]:
        row = "".join(cells(latency[name][phase]) for name in names)
        print(f"{phase:26.1f} s{row}")
    everything = {
        name: [v for values in samples.values() for v in values]
        for name, samples in latency.items()
    }
    print(f"{'all':28}" + "".join(cells(everything[name]) for name in names))
    print(
        "goal: 0.3 s at most; seed's cadence alone: 0 to 5 s late; "
        "OCA web_session_auto_close: 17-23 s late"
    )


def print_users_list(samples):
    """Each configuration's loads beside the addon absent: the ratio of their medians,
    and the ratio within each round of interleaved loads (paired: the machine's drift
    between rounds cancels out), its median with a 95 % confidence interval."""
    print("\nthe users list, page load -> rows shown (ms), interleaved loads")
    without = samples[WITHOUT]
    for name, values in samples.items():
        median = statistics.median(values)
        quartiles = statistics.quantiles(values, n=4)
        line = (
            f"  {name:40} median {median:7.0f} (quartiles {quartiles[0]:.0f}"
            f"-{quartiles[2]:.0f})  ratio {median / statistics.median(without):.3f}"
        )
        if name != WITHOUT:
            paired = [
                value / alone for value, alone in zip(values, without, strict=True)
            ]
            ratio, low, high = median_interval(paired)
            line += f"  paired {ratio:.3f} (95 % CI {low:.3f}-{high:.3f})"
        print(line)
    print("  goal: a ratio of 1.02 at most (shown when the paired interval's top is)")


if __name__ == "__main__":
    try:
        main()
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        # A browser left open by the failure keeps its WebDriver BiDi thread alive.
        os._exit(1)
