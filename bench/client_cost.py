"""What the addon costs the web client, measured in real Chromium through the DevTools
protocol, side by side with the same web client without the addon, in one run:

- network requests at page load and while idle;
- main-thread script and task time while idle (Performance.getMetrics), beside a third
  tab without the addon running only an empty 5-second timer: the floor that the seed's
  5-second check costs whatever it does;
- bytes added to the minified backend bundle (web.assets_web, raw and gzip);
- logout latency in a visible tab: idle deadline -> login page, with the deadline at
  different points of the 5-second cadence (the page's clock is moved, not waited for);
- JS heap after an hour of simulated activity and cross-tab messages.

Usage: make bench, or in bench/ with the venv: python client_cost.py
[--idle-minutes 3] [--latency-runs 3]
"""

import argparse
import gzip
import re
import statistics
import sys
import time

import requests
from common import odoo_serving
from helpers import login, move_clock, page_time, start_chrome, wait_for_login_page
from selenium.webdriver.common.by import By

TIMEOUT_MINUTES = 60
CHECK_INTERVAL_MS = 5000
FLOOR = "without the addon + an empty 5 s timer"
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


class Page:
    """A logged-in web client tab with DevTools network and performance domains on."""

    def __init__(self, url, db):
        self.driver = start_chrome(clock=True)
        self.driver.set_script_timeout(300)
        self.driver.execute_cdp_cmd("Performance.enable", {})
        self.driver.get(f"{url}/web/login?db={db}")
        login(self.driver, type("Server", (), {"url": url}), "/odoo")
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


def bundle_bytes(url, page):
    src = page.driver.execute_script(
        "return [...document.scripts].map(s => s.src)"
        ".find(s => s.includes('web.assets_web') && s.endsWith('.min.js'))"
    )
    cookies = {c["name"]: c["value"] for c in page.driver.get_cookies()}
    body = requests.get(src, cookies=cookies, timeout=60).content
    return len(body), len(gzip.compress(body))


def logout_latency(url, db, phases, runs):
    """Seconds from the idle deadline to the login page navigation, for deadlines
    falling at each phase (s) of a 5-second window; the page's clock is moved."""
    samples = {phase: [] for phase in phases}
    for phase in phases:
        for _ in range(runs):
            page = Page(url, db)
            driver = page.driver
            # A real click is the last activity; the clock jumps to `phase` seconds into
            # a 5-second window 10 s before the deadline, so the checks approach it as
            # they would have in real time.
            deadline = page_time(driver) + TIMEOUT_MINUTES * 60
            driver.find_element(By.CSS_SELECTOR, ".o_main_navbar").click()
            move_clock(driver, TIMEOUT_MINUTES * 60 - 10 - phase)
            left = wait_for_login_page(driver, 30)
            samples[phase].append(left - deadline)
            page.quit()
    return samples


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle-minutes", type=float, default=3)
    parser.add_argument("--latency-runs", type=int, default=3)
    args = parser.parse_args()

    with odoo_serving(CONFIGURATIONS) as (url, dbs):
        pages = {name: Page(url, db) for name, db in dbs.items()}
        loads = {name: page.requests_since_load() for name, page in pages.items()}
        floor = Page(url, dbs["without the addon"])
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
        bundles = {name: bundle_bytes(url, page) for name, page in pages.items()}
        heap = {}
        for name, page in pages.items():
            start = page.heap_mb()
            page.driver.execute_async_script(SIMULATED_HOUR)
            heap[name] = (start, page.heap_mb())
        for page in pages.values():
            page.quit()
        print_costs(args, loads, idle_requests, before, after, bundles, heap)
        latency = logout_latency(
            url,
            dbs["with idle_user_logout"],
            (0.5, 1.5, 2.5, 3.5, 4.5),
            args.latency_runs,
        )
    print_latency(latency)


def print_costs(args, loads, idle_requests, before, after, bundles, heap):
    without, with_ = "without the addon", "with idle_user_logout"
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
    print(
        f"  added by the addon: {bundles[with_][0] - bundles[without][0]} bytes, "
        f"{bundles[with_][1] - bundles[without][1]} gzipped"
    )
    row(
        "JS heap before / after a simulated hour (MB)",
        "{:.1f} / {:.1f}".format(*heap[without]),
        "{:.1f} / {:.1f}".format(*heap[with_]),
    )
    sys.stdout.flush()


def print_latency(latency):
    print("\nlogout latency, idle deadline -> login page navigation (s), visible tab")
    print(f"{'deadline after a 5 s check':28} {'median':>8} {'worst':>8}   runs")
    for phase, values in latency.items():
        runs = " ".join(f"{v:.2f}" for v in values)
        median, worst = statistics.median(values), max(values)
        print(f"{phase:26.1f} s {median:8.2f} {worst:8.2f}   {runs}")
    everything = [v for values in latency.values() for v in values]
    print(f"{'all':28} {statistics.median(everything):8.2f} {max(everything):8.2f}")
    print(
        "seed's cadence alone: 0 to 5 s late; OCA web_session_auto_close: 17-23 s late"
    )


if __name__ == "__main__":
    main()
