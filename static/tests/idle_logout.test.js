import {
    advanceTime,
    after,
    beforeEach,
    describe,
    expect,
    freezeTime,
    mockDate,
    test,
    tick,
} from "@odoo/hoot";
import { click, hover, manuallyDispatchProgrammaticEvent, press } from "@odoo/hoot-dom";
import { defineBusModels } from "@bus/../tests/bus_test_helpers";
import { makeMockEnv, patchWithCleanup } from "@web/../tests/web_test_helpers";
import { browser } from "@web/core/browser/browser";
import { user } from "@web/core/user";
import { session } from "@web/session";
import { CHECK_INTERVAL_MS, IdleTimer } from "@idle_user_logout/idle_timer";

defineBusModels();
describe.current.tags("desktop");

const MINUTE = 60_000;
let checkDelays;

function channelName() {
    return `idle_user_logout:${session.db}:${user.userId}`;
}

/** A second tab of the same session, as seen through the channel. */
function otherTab() {
    const channel = new browser.BroadcastChannel(channelName());
    const received = [];
    channel.addEventListener("message", ({ data }) => received.push(data.type));
    after(() => channel.close());
    return { channel, received };
}

/** Resolves once a message posted now has reached every listener of the channel. */
function messageDelivered() {
    const probe = new browser.BroadcastChannel(channelName());
    after(() => probe.close());
    return new Promise((resolve) => probe.addEventListener("message", resolve, { once: true }));
}

async function startService(timeoutMinutes) {
    patchWithCleanup(session, { idle_logout_timeout_minutes: timeoutMinutes });
    await makeMockEnv();
}

beforeEach(() => {
    mockDate("2019-02-11 09:30:00");
    freezeTime();
    checkDelays = [];
    patchWithCleanup(IdleTimer.prototype, {
        nextCheckDelay(now) {
            const delay = super.nextCheckDelay(now);
            checkDelays.push(delay);
            return delay;
        },
    });
    patchWithCleanup(browser.location, { assign: (url) => expect.step(url) });
    // Headless Chromium may not report focus; presence reads it on every focus event.
    patchWithCleanup(document, { hasFocus: () => true });
});

function expectLoggedOut() {
    expect.verifySteps([
        `/web/session/logout?redirect=${encodeURIComponent(
            `/web/login?idle_logout=1&redirect=${encodeURIComponent(
                browser.location.pathname + browser.location.search + browser.location.hash
            )}`
        )}`,
    ]);
}

test("idle timer: expiry, activity and check delay", () => {
    const timer = new IdleTimer(MINUTE, 1000);
    expect(timer.isExpired(1000 + MINUTE - 1)).toBe(false);
    expect(timer.isExpired(1000 + MINUTE)).toBe(true);
    expect(timer.nextCheckDelay(1000)).toBe(CHECK_INTERVAL_MS);
    expect(timer.nextCheckDelay(1000 + MINUTE - 1200)).toBe(1200);
    expect(timer.recordActivity(1000 + MINUTE)).toBe(false);
    expect(timer.recordActivity(1000 + MINUTE - 1)).toBe(true);
    expect(timer.recordActivity(500)).toBe(true);
    expect(timer.lastActivity).toBe(1000 + MINUTE - 1);
});

test("logs out when the timeout passes, not a millisecond before", async () => {
    await startService(1);
    await advanceTime(MINUTE - 1);
    expect.verifySteps([]);
    await advanceTime(1);
    expectLoggedOut();
});

test("logout URL ends the session and comes back to the current page", async () => {
    patchWithCleanup(browser.location, { pathname: "/odoo/action-42", search: "?debug=1", hash: "#x" });
    await startService(1);
    await advanceTime(MINUTE);
    expect.verifySteps([
        "/web/session/logout?redirect=%2Fweb%2Flogin%3Fidle_logout%3D1%26redirect%3D%252Fodoo%252Faction-42%253Fdebug%253D1%2523x",
    ]);
});

test("a click resets the timer", async () => {
    await startService(1);
    await advanceTime(50_000);
    await click(document.body);
    await advanceTime(MINUTE - 1);
    expect.verifySteps([]);
    await advanceTime(1);
    expectLoggedOut();
});

test("a key press resets the timer", async () => {
    await startService(1);
    await advanceTime(50_000);
    await press("a");
    await advanceTime(MINUTE - 1);
    expect.verifySteps([]);
    await advanceTime(1);
    expectLoggedOut();
});

test("mouse movement alone does not reset the timer", async () => {
    await startService(1);
    await advanceTime(50_000);
    await hover(document.body);
    await advanceTime(10_000);
    expectLoggedOut();
});

test("the tab gaining focus resets the timer", async () => {
    await startService(1);
    await advanceTime(50_000);
    await manuallyDispatchProgrammaticEvent(window, "focus");
    await advanceTime(MINUTE - 1);
    expect.verifySteps([]);
    await advanceTime(1);
    expectLoggedOut();
});

test("focus after the timeout passed logs out instead of counting as activity", async () => {
    await startService(1);
    mockDate("2019-02-11 09:32:00"); // the machine slept two minutes: no timer ran
    await manuallyDispatchProgrammaticEvent(window, "focus");
    await tick();
    expectLoggedOut();
});

test("checks every 5 seconds, then exactly at the deadline", async () => {
    await startService(1);
    await advanceTime(2500);
    await click(document.body);
    await advanceTime(MINUTE - 1);
    expect.verifySteps([]);
    await advanceTime(1);
    expectLoggedOut();
    // 12 checks at the 5-second cadence, then one shortened to meet the deadline.
    expect(checkDelays).toEqual([...Array(12).fill(CHECK_INTERVAL_MS), 2500]);
});

test("activity in another tab resets the timer", async () => {
    const tab = otherTab();
    await startService(1);
    await advanceTime(50_000);
    const delivered = messageDelivered();
    tab.channel.postMessage({ type: "activity", at: Date.now() });
    await delivered;
    await advanceTime(MINUTE - 1);
    expect.verifySteps([]);
    await advanceTime(1);
    expectLoggedOut();
});

test("activity is shared with the other tabs", async () => {
    const tab = otherTab();
    await startService(1);
    await advanceTime(2000);
    const delivered = messageDelivered();
    await click(document.body);
    await delivered;
    expect(tab.received).toEqual(["activity", "activity"]);
});

test("an idle logout takes the other tabs along, and a tab told to leave leaves", async () => {
    const tab = otherTab();
    await startService(1);
    await advanceTime(MINUTE);
    expectLoggedOut();
    const delivered = messageDelivered();
    tab.channel.postMessage({ type: "noop" });
    await delivered;
    expect(tab.received).toEqual(["activity", "logout"]);
});

test("leaves when another tab logs out", async () => {
    const tab = otherTab();
    await startService(15);
    const delivered = messageDelivered();
    tab.channel.postMessage({ type: "logout" });
    await delivered;
    await advanceTime(0);
    expectLoggedOut();
});

test("disabled: no channel, no timer, no logout", async () => {
    patchWithCleanup(browser, {
        BroadcastChannel: class extends browser.BroadcastChannel {
            constructor(name) {
                super(name);
                expect.step(name);
            }
        },
    });
    await startService(undefined);
    await click(document.body);
    await advanceTime(24 * 60 * MINUTE);
    expect.verifySteps([]);
    expect(checkDelays).toEqual([]);
});

test("a huge timeout never overflows a browser timer", async () => {
    await startService(525600);
    await advanceTime(30 * MINUTE);
    expect.verifySteps([]);
    expect(checkDelays.length).toBeGreaterThan(0);
    expect(Math.max(...checkDelays)).toBe(CHECK_INTERVAL_MS);
});
