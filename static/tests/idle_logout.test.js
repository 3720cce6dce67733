import {
    advanceTime,
    after,
    beforeEach,
    describe,
    expect,
    freezeTime,
    mockDate,
    mockSendBeacon,
    test,
    tick,
} from "@odoo/hoot";
import {
    animationFrame,
    click,
    hover,
    manuallyDispatchProgrammaticEvent,
    press,
    unload,
} from "@odoo/hoot-dom";
import { busModels } from "@bus/../tests/bus_test_helpers";
import {
    contains,
    defineModels,
    fields,
    getService,
    makeMockEnv,
    MockServer,
    models,
    mountWebClient,
    onRpc,
    patchWithCleanup,
    stepAllNetworkCalls,
    webModels,
} from "@web/../tests/web_test_helpers";
import { Component, xml } from "@odoo/owl";
import { assets } from "@web/core/assets";
import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { useBus } from "@web/core/utils/hooks";
import { standardFieldProps } from "@web/views/fields/standard_field_props";
import { FormViewDialog } from "@web/views/view_dialogs/form_view_dialog";
import { session } from "@web/session";
import { CHECK_INTERVAL_MS, IdleTimer } from "@idle_user_logout/idle_timer";
import { CHANNEL_NAME } from "@idle_user_logout/tab_channel";

class Note extends models.Model {
    _name = "idle.note";
    name = fields.Char({ required: true });
    body = fields.Char();
    secret = fields.Char();
    _records = [
        { id: 1, name: "Draft" },
        { id: 2, name: "Other" },
    ];
    _views = {
        form: `<form><field name="name"/><field name="body"/><field name="secret" password="True"/></form>`,
    };
}

/** A field that commits what is typed only when asked, and asynchronously: an HTML editor. */
class SlowCommitField extends Component {
    static template = xml`<input class="o_slow_commit" t-on-input="(ev) => this.typed = ev.target.value"/>`;
    static props = standardFieldProps;

    setup() {
        useBus(this.props.record.model.bus, "NEED_LOCAL_CHANGES", ({ detail }) =>
            detail.proms.push(this.commit())
        );
    }

    async commit() {
        await new Promise((resolve) => setTimeout(resolve, 10));
        if (this.typed !== undefined) {
            await this.props.record.update({ [this.props.name]: this.typed });
        }
    }
}
registry.category("fields").add("idle_slow_commit", { component: SlowCommitField });

class Memo extends models.Model {
    _name = "idle.memo";
    body = fields.Char();
    _records = [{ id: 1, body: "Draft" }];
    _views = { form: `<form><field name="body" widget="idle_slow_commit"/></form>` };
}

defineModels({ ...webModels, ...busModels, Note, Memo });
describe.current.tags("desktop");

const MINUTE = 60_000;
/** Time a leaving tab gives the others to answer, then to save (see the service). */
const LEAVE_DELAY = 200;
let checkDelays;

/** Another tab of the same session, as seen through the channel. */
function otherTab() {
    const channel = new browser.BroadcastChannel(CHANNEL_NAME);
    const received = [];
    channel.addEventListener("message", ({ data }) => received.push(data));
    after(() => channel.close());
    return { channel, received, types: () => received.map(({ type }) => type) };
}

/** Resolves once the other tab has received `count` messages in all. */
async function messagesReceived(tab, count) {
    while (tab.received.length < count) {
        await new Promise((resolve) =>
            tab.channel.addEventListener("message", resolve, { once: true })
        );
    }
}

/** Resolves once a message posted now has reached every listener of the channel. */
function messageDelivered() {
    const probe = new browser.BroadcastChannel(CHANNEL_NAME);
    after(() => probe.close());
    return new Promise((resolve) => probe.addEventListener("message", resolve, { once: true }));
}

async function postFromOtherTab(tab, message) {
    const delivered = messageDelivered();
    tab.channel.postMessage(message);
    await delivered;
    await tick();
}

async function startService(timeoutMinutes, keepalive = false, lifetime = {}) {
    patchWithCleanup(session, {
        idle_logout_timeout_minutes: timeoutMinutes,
        idle_logout_keepalive: keepalive,
        ...lifetime,
    });
    await makeMockEnv();
}

/** The logout route, told why: it shows the login page, which brings the user back here. */
function logoutUrl(reason) {
    const { pathname, search, hash } = browser.location;
    return `/web/session/logout?idle_logout_reason=${reason}&redirect=${encodeURIComponent(
        pathname + search + hash
    )}`;
}

/** ...and, when idle, after how long, for the login page of a tab whose session has ended. */
function idleLogoutUrl(minutes = 1) {
    return logoutUrl(`browser_idle&idle_logout_minutes=${minutes}`);
}

function pageHidden() {
    return document.body.style.visibility === "hidden";
}

/** Lets a leaving tab's few chained steps (save, answers, logout) run. */
async function advanceLeave() {
    for (let step = 0; step < 4; step++) {
        await tick();
        await advanceTime(LEAVE_DELAY / 4);
    }
}

async function expectLoggedOut() {
    expect(pageHidden()).toBe(true);
    await advanceLeave();
    expect.verifySteps([idleLogoutUrl()]);
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
    patchWithCleanup(browser.location, {
        assign: (url) => url.startsWith("/web/session/logout") && expect.step(url),
    });
    // Headless Chromium may not report focus; presence reads it on every focus event.
    patchWithCleanup(document, { hasFocus: () => true });
    after(() => (document.body.style.visibility = ""));
});

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
    // Another tab vouches for its activity, even one this tab heard of late.
    timer.recordOtherTabActivity(1000 + 3 * MINUTE);
    expect(timer.isExpired(1000 + 3 * MINUTE + 1)).toBe(false);
});

test("idle timer: work without input is use while it goes on and when it ends", () => {
    const timer = new IdleTimer(MINUTE, 1000);
    expect(timer.isExpired(1000 + MINUTE)).toBe(true, { message: "asking changes nothing" });
    expect(timer.noteWork(1000 + MINUTE, true)).toBe(true);
    expect(timer.isExpired(1000 + MINUTE)).toBe(false);
    expect(timer.noteWork(1000 + 2 * MINUTE, false)).toBe(true, { message: "its end too" });
    expect(timer.lastActivity).toBe(1000 + 2 * MINUTE);
    expect(timer.noteWork(1000 + 3 * MINUTE, false)).toBe(false);
    expect(timer.isExpired(1000 + 3 * MINUTE)).toBe(true);
});

test("idle timer: the lifetime ends it whatever the activity, and is checked on time", () => {
    const timer = new IdleTimer(MINUTE, 1000, 1000 + 3000);
    expect(timer.nextCheckDelay(1000)).toBe(3000);
    expect(timer.isOverLifetime(1000 + 2999)).toBe(false);
    timer.recordActivity(1000 + 2999);
    expect(timer.isOverLifetime(1000 + 3000)).toBe(true);
    expect(new IdleTimer(MINUTE, 1000).isOverLifetime(1000 + 1e12)).toBe(false);
});

test("the session's lifetime takes every tab along, however busy the user", async () => {
    const tab = otherTab();
    const lifetime = { idle_logout_lifetime_left: 95 };
    await startService(1, false, lifetime);
    for (let second = 0; second < 90; second += 10) {
        await advanceTime(10_000);
        await click(document.body);
    }
    await postFromOtherTab(tab, { type: "activity", at: Date.now() });
    await advanceTime(4999);
    expect(pageHidden()).toBe(false);
    await advanceTime(1);
    expect(pageHidden()).toBe(true);
    await advanceLeave();
    expect.verifySteps([logoutUrl("lifetime")]);
    await postFromOtherTab(tab, { type: "noop" });
    expect(tab.received.filter(({ type }) => type !== "activity")).toEqual([
        { type: "leave", reason: "lifetime" },
        { type: "logout", reason: "lifetime" },
    ]);
});

test("a tab in use follows another tab out at the end of the lifetime", async () => {
    const tab = otherTab();
    await startService(1, false, { idle_logout_lifetime_left: 3600 });
    await click(document.body);
    await postFromOtherTab(tab, { type: "leave", reason: "lifetime" });
    expect(pageHidden()).toBe(true);
    await postFromOtherTab(tab, { type: "logout", reason: "lifetime" });
    expect.verifySteps([logoutUrl("lifetime")]);
});

test("a session past its lifetime leaves as soon as the page starts", async () => {
    await startService(15, false, { idle_logout_lifetime_left: -30 });
    expect(pageHidden()).toBe(true);
    await advanceLeave();
    expect.verifySteps([logoutUrl("lifetime")]);
});

test("logs out when the timeout passes, not a millisecond before", async () => {
    await startService(1);
    await advanceTime(MINUTE - 1);
    expect(pageHidden()).toBe(false);
    expect.verifySteps([]);
    await advanceTime(1);
    await expectLoggedOut();
});

test("logout URL ends the session and comes back to the current page", async () => {
    patchWithCleanup(browser.location, {
        pathname: "/odoo/action-42",
        search: "?debug=1",
        hash: "#x",
    });
    await startService(1);
    await advanceTime(MINUTE);
    await advanceLeave();
    expect.verifySteps([
        "/web/session/logout?idle_logout_reason=browser_idle&idle_logout_minutes=1&redirect=%2Fodoo%2Faction-42%3Fdebug%3D1%23x",
    ]);
});

for (const [activity, act] of [
    ["a click", () => click(document.body)],
    ["a key press", () => press("a")],
    ["the tab gaining focus", () => manuallyDispatchProgrammaticEvent(window, "focus")],
]) {
    test(`${activity} resets the timer`, async () => {
        await startService(1);
        await advanceTime(50_000);
        await act();
        await advanceTime(MINUTE - 1);
        expect.verifySteps([]);
        await advanceTime(1);
        await expectLoggedOut();
    });
}

test("mouse movement alone does not reset the timer", async () => {
    await startService(1);
    await advanceTime(50_000);
    await hover(document.body);
    await advanceTime(10_000);
    await expectLoggedOut();
});

test("checks every 5 seconds, then exactly at the deadline", async () => {
    await startService(1);
    await advanceTime(2500);
    await click(document.body);
    await advanceTime(MINUTE - 1);
    expect(pageHidden()).toBe(false);
    await advanceTime(1);
    await expectLoggedOut();
    // 12 checks at the 5-second cadence, then one shortened to meet the deadline.
    expect(checkDelays).toEqual([...Array(12).fill(CHECK_INTERVAL_MS), 2500]);
});

describe("coming back after the timeout logs out at once, never counts as activity", () => {
    // The machine slept two minutes: no timer ran in the meantime.
    const sleep = () => mockDate("2019-02-11 09:32:00");

    test("focus", async () => {
        await startService(1);
        sleep();
        await manuallyDispatchProgrammaticEvent(window, "focus");
        await expectLoggedOut();
    });

    test("the tab becoming visible", async () => {
        await startService(1);
        sleep();
        await manuallyDispatchProgrammaticEvent(document, "visibilitychange");
        await expectLoggedOut();
    });

    test("restored from the back-forward cache", async () => {
        await startService(1);
        sleep();
        await manuallyDispatchProgrammaticEvent(window, "pageshow", { persisted: true });
        await expectLoggedOut();
    });

    test("a click", async () => {
        const tab = otherTab();
        await startService(1);
        sleep();
        await click(document.body);
        await postFromOtherTab(tab, { type: "noop" });
        expect(tab.types()).toEqual(["activity"]);
        await advanceTime(CHECK_INTERVAL_MS);
        await expectLoggedOut();
    });
});

test("stale activity left by an earlier session does not log a fresh login out", async () => {
    browser.localStorage.setItem("presence.lastPresence", Date.now() - 24 * 60 * MINUTE);
    await startService(1);
    await advanceTime(MINUTE - 1);
    expect(pageHidden()).toBe(false);
    expect.verifySteps([]);
});

test("activity in another tab resets the timer", async () => {
    const tab = otherTab();
    await startService(1);
    await advanceTime(50_000);
    await postFromOtherTab(tab, { type: "activity", at: Date.now() });
    await advanceTime(MINUTE - 1);
    expect.verifySteps([]);
    await advanceTime(1);
    await expectLoggedOut();
});

test("activity is shared with the other tabs, a burst as one message", async () => {
    const tab = otherTab();
    await startService(1);
    await advanceTime(2000);
    await click(document.body);
    await press("a");
    await press("b");
    await postFromOtherTab(tab, { type: "noop" });
    expect(tab.received).toEqual([
        { type: "activity", at: Date.now() - 2000 },
        { type: "activity", at: Date.now() },
    ]);
});

test("an idle tab takes the other tabs along", async () => {
    const tab = otherTab();
    await startService(1);
    await advanceTime(MINUTE);
    await expectLoggedOut();
    await postFromOtherTab(tab, { type: "noop" });
    expect(tab.types()).toEqual(["activity", "leave", "logout"]);
    expect(tab.received.at(-1)).toEqual({ type: "logout", reason: "idle" });
});

test("an idle tab waits until the other tabs saved their changes", async () => {
    const tab = otherTab();
    await startService(1);
    await advanceTime(MINUTE);
    await postFromOtherTab(tab, { type: "saving" });
    await advanceTime(1000);
    expect.verifySteps([]);
    await postFromOtherTab(tab, { type: "saved" });
    await advanceLeave();
    expect.verifySteps([idleLogoutUrl()]);
});

test("a tab told to leave saves its changes, then follows", async () => {
    const tab = otherTab();
    await startService(15);
    await postFromOtherTab(tab, { type: "leave" });
    expect(pageHidden()).toBe(true);
    await advanceTime(0);
    await postFromOtherTab(tab, { type: "noop" });
    expect(tab.types()).toEqual(["activity", "saving", "saved"]);
    expect.verifySteps([]);
    await postFromOtherTab(tab, { type: "logout" });
    expect.verifySteps(["/web/session/logout"]);
});

test("a tab told to leave leaves even if the other tab never ends the session", async () => {
    const tab = otherTab();
    await startService(15);
    await postFromOtherTab(tab, { type: "leave" });
    await advanceTime(3000);
    expect.verifySteps([]);
    await advanceLeave();
    expect.verifySteps(["/web/session/logout"]);
});

test("an idle tab's leave is followed by a tab idle too, which missed its checks", async () => {
    const tab = otherTab();
    await startService(1);
    mockDate("2019-02-11 09:32:00");
    await postFromOtherTab(tab, { type: "leave", reason: "idle" });
    expect(pageHidden()).toBe(true);
    await postFromOtherTab(tab, { type: "logout", reason: "idle" });
    expect.verifySteps([idleLogoutUrl()]);
});

test("a tab in use answers an idle tab's leave with its activity, and stays", async () => {
    const tab = otherTab();
    await startService(1);
    await advanceTime(30_000);
    await postFromOtherTab(tab, { type: "leave", reason: "idle" });
    await messagesReceived(tab, 2);
    expect(pageHidden()).toBe(false);
    expect(tab.received).toEqual([
        { type: "activity", at: Date.now() - 30_000 },
        { type: "activity", at: Date.now() - 30_000 },
    ]);
    await advanceLeave();
    expect.verifySteps([]);
});

test("an idle tab told of activity it missed stays, and leaves at the new deadline", async () => {
    const tab = otherTab();
    await startService(1);
    await advanceTime(MINUTE);
    expect(pageHidden()).toBe(true);
    await postFromOtherTab(tab, { type: "activity", at: Date.now() - 1000 });
    await advanceLeave();
    expect(pageHidden()).toBe(false);
    expect.verifySteps([]);
    expect(tab.types()).toEqual(["activity", "leave", "stay"]);
    await advanceTime(MINUTE - 1000 - LEAVE_DELAY);
    await expectLoggedOut();
});

test("a tab hidden to follow an idle tab shows its page at once when that tab stays", async () => {
    const leader = otherTab();
    const inUse = otherTab();
    await startService(1);
    // A minute passes while this tab's timers could not run (a frozen tab).
    mockDate("2019-02-11 09:31:00");
    await postFromOtherTab(leader, { type: "leave", reason: "idle" });
    expect(pageHidden()).toBe(true);
    await postFromOtherTab(inUse, { type: "activity", at: Date.now() });
    await postFromOtherTab(leader, { type: "stay" });
    expect(pageHidden()).toBe(false);
    await advanceTime(5000);
    expect.verifySteps([]);
    await advanceTime(MINUTE - 5000);
    await expectLoggedOut();
});

/** The session's last activity as its earlier pages left it in the browser. */
function storeActivity(at, sessionKey = "s1") {
    browser.localStorage.setItem(`idle_user_logout.activity.${sessionKey}`, String(at));
}

test("a page of a session idle past the timeout leaves as it starts, before any render", async () => {
    storeActivity(Date.now() - 61_000);
    patchWithCleanup(session, { idle_logout_session_key: "s1" });
    await startService(1);
    expect(pageHidden()).toBe(true);
    await expectLoggedOut();
});

test("a page counts the session's idle time from its last activity in any page", async () => {
    storeActivity(Date.now() - 40_000);
    patchWithCleanup(session, { idle_logout_session_key: "s1" });
    patchWithCleanup(document, { hasFocus: () => false });
    await startService(1);
    await advanceTime(20_000 - 1);
    expect(pageHidden()).toBe(false);
    await advanceTime(1);
    await expectLoggedOut();
});

test("an earlier session's stored activity is never read, and is dropped", async () => {
    storeActivity(Date.now() - 24 * 60 * MINUTE, "earlier");
    patchWithCleanup(session, { idle_logout_session_key: "s1" });
    await startService(1);
    expect(browser.localStorage.getItem("idle_user_logout.activity.earlier")).toBe(null);
    await advanceTime(MINUTE - 1);
    expect(pageHidden()).toBe(false);
    await click(document.body);
    expect(browser.localStorage.getItem("idle_user_logout.activity.s1")).toBe(String(Date.now()));
});

test("a tab that missed another tab's messages reads its activity from the store", async () => {
    patchWithCleanup(session, { idle_logout_session_key: "s1" });
    await startService(1);
    await advanceTime(50_000);
    storeActivity(Date.now());
    await advanceTime(MINUTE - 1);
    expect.verifySteps([]);
    await advanceTime(CHECK_INTERVAL_MS);
    await expectLoggedOut();
});

test("a save the server never answers does not keep the session, its changes kept", async () => {
    onRpc("web_save", () => new Promise(() => {}));
    stepDrafts();
    await openNoteForm();
    await contains(".o_field_widget[name=name] input").edit("Stuck", { confirm: false });
    await advanceTime(MINUTE);
    expect(pageHidden()).toBe(true);
    await advanceTime(1500);
    // Given up after 1.5 s, within the leave's bound: the draft is sent while the session
    // lives, and the tab leaves at once.
    await advanceLeave();
    expect.verifySteps(['draft idle.note 1 {"name":"Stuck"}', idleLogoutUrl()]);
});

test("work without input is reported to the server, one keepalive per period", async () => {
    await startService(1, 20);
    stepAllNetworkCalls();
    getService("ui").block();
    await advanceTime(3 * MINUTE);
    // Seen from the deadline on, every 5 s: reported every 20 s (at 60, 80 ... 180 s).
    expect.verifySteps([...Array(7).fill("/web/session/check")]);
    getService("ui").unblock();
    await advanceTime(MINUTE - CHECK_INTERVAL_MS);
    expect.verifySteps([]);
});

test("logging out by hand takes the other tabs along", async () => {
    const tab = otherTab();
    patchWithCleanup(session, { idle_logout_timeout_minutes: 15 });
    const env = await makeMockEnv();
    const item = registry.category("user_menuitems").get("log_out")(env);
    item.callback();
    await advanceLeave();
    await postFromOtherTab(tab, { type: "noop" });
    // By hand: no reason, so no notice on the login page and nothing audited.
    expect(tab.received.slice(-2)).toEqual([
        { type: "leave", reason: undefined },
        { type: "logout", reason: undefined },
    ]);
    expect(browser.location.pathname).toBe("/web/session/logout");
});

/** The web client showing a record's form (the note's by default), with a 1-minute timeout. */
async function openNoteForm(resModel = "idle.note", resId = 1, options = {}) {
    patchWithCleanup(session, { idle_logout_timeout_minutes: 1 });
    await mountWebClient();
    await openForm(resModel, resId, options);
}

/** Opens a record's form in the web client (`options`: the action service's). */
async function openForm(resModel, resId, options = {}) {
    await getService("action").doAction(
        {
            type: "ir.actions.act_window",
            res_model: resModel,
            res_id: resId,
            views: [[false, "form"]],
        },
        options
    );
}

/** Notes each draft the page keeps: its form and values. */
function stepDrafts() {
    onRpc("/idle_user_logout/draft", async (request) => {
        const { params } = await request.json();
        expect.step(`draft ${params.model} ${params.res_id} ${JSON.stringify(params.values)}`);
        return true;
    });
}

test("a valid unsaved record is saved before leaving", async () => {
    onRpc("web_save", ({ args }) => expect.step(`save ${args[1].name}`));
    await openNoteForm();
    // Still typing: the value is not even committed to the record yet.
    await contains(".o_field_widget[name=name] input").edit("Unsaved draft", {
        confirm: false,
    });
    await advanceTime(MINUTE);
    await advanceLeave();
    expect.verifySteps(["save Unsaved draft", idleLogoutUrl()]);
});

test("what an editor commits asynchronously is saved before leaving", async () => {
    onRpc("web_save", ({ args }) => expect.step(`save ${args[1].body}`));
    await openNoteForm("idle.memo");
    await contains(".o_slow_commit").edit("Typed in the editor", { confirm: false });
    await advanceTime(MINUTE);
    await advanceLeave();
    expect.verifySteps(["save Typed in the editor", idleLogoutUrl()]);
});

test("an invalid unsaved record never holds the logout, and leaves no data on screen", async () => {
    onRpc("web_save", () => expect.step("save"));
    onRpc("/idle_user_logout/draft", () => true);
    await openNoteForm();
    await contains(".o_field_widget[name=name] input").clear({ confirm: false });
    await advanceTime(MINUTE);
    expect(pageHidden()).toBe(true);
    await expectLoggedOut();
    // Odoo's form would try an urgent save and ask to stay: it never gets the event.
    window.addEventListener("beforeunload", () => expect.step("bubble"));
    const [event] = await unload();
    await animationFrame();
    expect(event.defaultPrevented).toBe(false);
    expect.verifySteps([]);
});

class Task extends models.Model {
    _name = "idle.task";
    done = fields.Boolean();
    _records = [{ id: 1, done: false }];
    _views = { form: `<form><field name="done"/></form>` };
}
defineModels({ Task });

describe("the code that keeps a draft comes with a form's first change", () => {
    /** The drafts' code as if it were not there yet, `loadBundle` loading it (`load()`). */
    function withoutDraftCode(loadBundle) {
        const functions = registry.category("idle_user_logout");
        const keepDraft = functions.get("keep_draft");
        functions.remove("keep_draft");
        after(() => functions.add("keep_draft", keepDraft, { force: true }));
        const load = () => functions.add("keep_draft", keepDraft);
        patchWithCleanup(assets, { loadBundle: (name) => loadBundle(name, load) });
    }

    /** Notes each load of the drafts' code, as if it were not there yet. */
    function stepDraftCodeLoads() {
        withoutDraftCode(async (name, load) => {
            expect.step(`load ${name}`);
            load();
        });
    }

    test("typed, before the record takes it, and only once", async () => {
        stepDraftCodeLoads();
        await openNoteForm();
        expect.verifySteps([]);
        await contains(".o_field_widget[name=body] input").edit("Typ", { confirm: false });
        await contains(".o_field_widget[name=body] input").edit("Typed", { confirm: false });
        expect.verifySteps(["load idle_user_logout.assets_drafts"]);
    });

    test("ticked: taken by the record at once", async () => {
        stepDraftCodeLoads();
        await openNoteForm("idle.task");
        expect.verifySteps([]);
        await contains(".o_field_widget[name=done] input").click();
        expect.verifySteps(["load idle_user_logout.assets_drafts"]);
    });

    test("the change never waits for it: saved at once while it still loads", async () => {
        withoutDraftCode(() => new Promise(() => {}));
        onRpc("web_save", ({ args }) => expect.step(`save ${args[1].done}`));
        await openNoteForm("idle.task");
        await contains(".o_field_widget[name=done] input").click();
        await contains(".o_form_button_save").click();
        expect.verifySteps(["save true"]);
    });

    test("never while the addon is off", async () => {
        stepDraftCodeLoads();
        await mountWebClient();
        await openForm("idle.note", 1);
        await contains(".o_field_widget[name=body] input").edit("Typed", { confirm: false });
        await contains(".o_field_widget[name=name] input").edit("Named");
        expect.verifySteps([]);
    });
});

describe("what could not be saved is kept, and comes back", () => {
    test("an invalid record is kept as its user's draft before the tab leaves", async () => {
        stepDrafts();
        await openNoteForm();
        await contains(".o_field_widget[name=name] input").clear({ confirm: false });
        await advanceTime(MINUTE);
        await advanceLeave();
        expect.verifySteps(['draft idle.note 1 {"name":false}', idleLogoutUrl()]);
    });

    test("a new record without its required name is kept with what was typed", async () => {
        stepDrafts();
        await openNoteForm("idle.note", false);
        await contains(".o_field_widget[name=body] input").edit("Typed, unnamed", {
            confirm: false,
        });
        await advanceTime(MINUTE);
        await advanceLeave();
        expect.verifySteps([
            'draft idle.note 0 {"name":false,"body":"Typed, unnamed"}',
            idleLogoutUrl(),
        ]);
    });

    test("a leave with nothing unsaved sends nothing more", async () => {
        await openNoteForm();
        stepAllNetworkCalls();
        await advanceTime(MINUTE);
        await advanceLeave();
        expect.verifySteps([idleLogoutUrl()]);
    });

    test("logging out by hand keeps no draft", async () => {
        stepDrafts();
        await openNoteForm();
        await contains(".o_field_widget[name=name] input").clear({ confirm: false });
        getService("idle_user_logout").leave(undefined, () => expect.step("out"));
        await advanceLeave();
        await advanceTime(3000);
        expect.verifySteps(["out"]);
    });

    test("the draft comes back to its form, unsaved, with a notice offering Discard", async () => {
        patchWithCleanup(session, { idle_logout_drafts: [["idle.note", 1]] });
        onRpc("/idle_user_logout/draft/take", async (request) => {
            const { params } = await request.json();
            expect.step(`take ${params.model} ${params.res_id}`);
            return { values: { name: "Kept at the logout" }, date: "2019-02-11 09:10:00" };
        });
        await openNoteForm();
        await animationFrame();
        expect.verifySteps(["take idle.note 1"]);
        expect(".o_field_widget[name=name] input").toHaveValue("Kept at the logout");
        expect(".o_form_status_indicator_buttons:not(.invisible)").toHaveCount(1);
        expect(".o_notification").toHaveCount(1);
        expect(".o_notification").toHaveText(/unsaved changes of .* are back/);
        await contains(".o_notification button:contains(Discard)").click();
        expect(".o_field_widget[name=name] input").toHaveValue("Draft");
        expect(".o_notification").toHaveCount(0);
    });

    test("a field shown as a password is never kept", async () => {
        stepDrafts();
        await openNoteForm();
        await contains(".o_field_widget[name=secret] input").edit("s3cret", { confirm: false });
        await contains(".o_field_widget[name=name] input").clear({ confirm: false });
        await advanceTime(MINUTE);
        await advanceLeave();
        expect.verifySteps(['draft idle.note 1 {"name":false}', idleLogoutUrl()]);
    });

    /** A draft of a record saved by somebody after it was kept. */
    const SAVED_SINCE_DRAFT = {
        values: { name: "Mine" },
        date: "2019-02-11 09:10:00",
        saved_since: { by: "Ann", date: "2019-02-11 09:20:00" },
    };

    /** The drafts the login announced, and the takes the page asks the server for. */
    function announceDrafts(
        forms,
        draft = { values: { name: "Kept" }, date: "2019-02-11 09:10:00" }
    ) {
        patchWithCleanup(session, { idle_logout_drafts: forms });
        onRpc("/idle_user_logout/draft/take", async (request) => {
            const { params } = await request.json();
            expect.step(`take ${params.model} ${params.res_id}`);
            return draft;
        });
    }

    test("a new record's draft comes back on its page, never in a dialog", async () => {
        patchWithCleanup(browser.location, { pathname: "/odoo/notes/new" });
        announceDrafts([
            ["idle.note", 0, "/odoo/elsewhere/new"],
            ["idle.note", 0, "/odoo/notes/new"],
        ]);
        await openNoteForm("idle.note", false);
        getService("dialog").add(FormViewDialog, { resModel: "idle.note" });
        await animationFrame();
        expect(".modal .o_field_widget[name=name] input").toHaveValue("");
        expect.verifySteps(["take idle.note 0"]);
        expect(".o_action .o_field_widget[name=name] input").toHaveValue("Kept");
    });

    test("a record saved by somebody since: the draft waits to be asked for", async () => {
        announceDrafts([["idle.note", 1, false]], SAVED_SINCE_DRAFT);
        await openNoteForm();
        await animationFrame();
        expect.verifySteps(["take idle.note 1"]);
        expect(".o_field_widget[name=name] input").toHaveValue("Draft");
        expect(".o_notification").toHaveText(/Ann saved this record on .*not applied/);
        await contains(".o_notification button:contains(Apply My Changes)").click();
        expect(".o_field_widget[name=name] input").toHaveValue("Mine");
        expect(".o_notification").toHaveText(/unsaved changes of .* are back/);
    });

    test("a notice's changes are never applied to a form opened since", async () => {
        announceDrafts([["idle.note", 1, false]], SAVED_SINCE_DRAFT);
        await openNoteForm();
        await animationFrame();
        expect.verifySteps(["take idle.note 1"]);
        await openForm("idle.note", 2);
        await contains(".o_notification button:contains(Apply My Changes)").click();
        expect(".o_field_widget[name=name] input").toHaveValue("Other");
        expect(".o_form_status_indicator_buttons:not(.invisible)").toHaveCount(0);
        expect(".o_notification").toHaveCount(0);
    });

    test("paging on with unsaved changes: a notice's draft stays with its record", async () => {
        announceDrafts([["idle.note", 1, false]], SAVED_SINCE_DRAFT);
        await openNoteForm("idle.note", 1, { props: { resIds: [1, 2] } });
        await animationFrame();
        expect.verifySteps(["take idle.note 1"]);
        await contains(".o_field_widget[name=body] input").edit("Typed");
        // The pager saves the record and shows the next one in the same form.
        await contains(".o_pager_next").click();
        expect(".o_field_widget[name=name] input").toHaveValue("Other");
        await contains(".o_notification button:contains(Apply My Changes)").click();
        expect(".o_field_widget[name=name] input").toHaveValue("Other");
        expect(".o_notification").toHaveCount(0);
    });

    test("a form without a draft asks nothing", async () => {
        patchWithCleanup(session, { idle_logout_drafts: [["idle.note", 2]] });
        onRpc("/idle_user_logout/draft/take", () => expect.step("take"));
        await openNoteForm();
        await animationFrame();
        expect.verifySteps([]);
        expect(".o_notification").toHaveCount(0);
    });
});

test("work without input: a blocked screen holds the logout, the timer restarts after", async () => {
    await startService(1);
    getService("ui").block();
    await advanceTime(3 * MINUTE);
    expect(pageHidden()).toBe(false);
    expect.verifySteps([]);
    getService("ui").unblock();
    // The end of the work is seen at the next 5-second check at the latest.
    await advanceTime(MINUTE - 1);
    expect.verifySteps([]);
    await advanceTime(CHECK_INTERVAL_MS + 1);
    await expectLoggedOut();
});

test("a tab at work answers an idle tab's leave, and stays", async () => {
    const tab = otherTab();
    await startService(1);
    getService("ui").block();
    await advanceTime(2 * MINUTE);
    await postFromOtherTab(tab, { type: "leave", reason: "idle" });
    await messagesReceived(tab, 2);
    expect(tab.received.at(-1)).toEqual({ type: "activity", at: Date.now() });
    expect(pageHidden()).toBe(false);
});

test("the server ending the session takes the tab to the login page at once", async () => {
    patchWithCleanup(browser.location, { pathname: "/odoo/action-42", search: "", hash: "" });
    await startService(15);
    getService("bus_service").trigger("BUS:RECONNECTING", { closeCode: 1006 });
    await tick();
    expect.verifySteps([]);
    getService("bus_service").trigger("BUS:RECONNECTING", { closeCode: 4001 });
    await tick();
    expect(pageHidden()).toBe(true);
    expect.verifySteps([
        "/web/session/logout?idle_logout_reason=ended&redirect=%2Fodoo%2Faction-42",
    ]);
});

test("without BroadcastChannel the tab still logs out on time", async () => {
    patchWithCleanup(browser, { BroadcastChannel: undefined });
    await startService(1);
    await advanceTime(30_000);
    await click(document.body);
    await advanceTime(MINUTE - 1);
    expect.verifySteps([]);
    await advanceTime(1);
    await expectLoggedOut();
});

test("waiting and working make no network call", async () => {
    await startService(60);
    stepAllNetworkCalls();
    for (let minute = 0; minute < 59; minute++) {
        await click(document.body);
        await advanceTime(MINUTE);
    }
    expect.verifySteps([]);
});

test("with the server enforcing too: one keepalive per period the server gives, if active", async () => {
    await startService(15, 60);
    stepAllNetworkCalls();
    for (let seconds = 30; seconds <= 240; seconds += 30) {
        await advanceTime(30_000);
        await click(document.body);
    }
    // Clicks at 60, 120, 180 and 240 s are the first a minute after the last report.
    expect.verifySteps([...Array(4).fill("/web/session/check")]);
    await advanceTime(14 * MINUTE + 59_000);
    expect.verifySteps([]);
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
    const open = browser.open;
    await startService(undefined);
    await click(document.body);
    await advanceTime(24 * 60 * MINUTE);
    expect.verifySteps([]);
    expect(checkDelays).toEqual([]);
    expect(pageHidden()).toBe(false);
    expect(browser.open).toBe(open, { message: "the pop-outs are left alone" });
});

test("clicks in a window the page opened count, once the user went to it", async () => {
    // A pop-out (Discuss, a report): a window of the page's own origin, opened by it.
    const popOutDocument = document.implementation.createHTMLDocument("pop-out");
    const popOut = {
        closed: false,
        document: popOutDocument,
        addEventListener: (...args) => popOutDocument.addEventListener(...args),
    };
    patchWithCleanup(browser, { open: () => popOut });
    await startService(1);
    expect(browser.open("/odoo/discuss")).toBe(popOut);
    await manuallyDispatchProgrammaticEvent(window, "blur");
    await advanceTime(50_000);
    popOutDocument.body.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    await advanceTime(MINUTE - 1);
    expect.verifySteps([]);
    await advanceTime(1);
    await expectLoggedOut();
});

test("a huge timeout never overflows a browser timer", async () => {
    await startService(525600);
    await advanceTime(30 * MINUTE);
    expect.verifySteps([]);
    expect(checkDelays.length).toBeGreaterThan(0);
    expect(Math.max(...checkDelays)).toBe(CHECK_INTERVAL_MS);
});

describe("rules by group", () => {
    /** The server tells the user's pages that their rule changed (an administrator). */
    function ruleChanged(values) {
        return busMessage("idle_user_logout/rule", values);
    }

    /** A message of the server on the bus, once this page has heard it. */
    async function busMessage(type, values) {
        let heard = false;
        const onMessage = () => (heard = true);
        const busService = getService("bus_service");
        busService.subscribe(type, onMessage);
        MockServer.env["bus.bus"]._sendone("broadcast", type, values);
        // The bus delivers it after a few steps of its own (the mocked websocket).
        while (!heard) {
            await advanceTime(10);
        }
        busService.unsubscribe(type, onMessage);
        await tick();
    }

    test("an exempt page runs no idle timer and never leaves for inactivity", async () => {
        await startService(false);
        await advanceTime(7 * 24 * 60 * MINUTE);
        expect.verifySteps([]);
        expect(pageHidden()).toBe(false);
        expect(checkDelays).toEqual([Infinity]);
    });

    test("an exempt page still leaves when the session ends", async () => {
        patchWithCleanup(browser.location, { pathname: "/odoo", search: "", hash: "" });
        await startService(false);
        await advanceTime(24 * 60 * MINUTE);
        getService("bus_service").trigger("BUS:RECONNECTING", { closeCode: 4001 });
        await tick();
        expect.verifySteps(["/web/session/logout?idle_logout_reason=ended&redirect=%2Fodoo"]);
    });

    test("an exempt page still leaves at the end of the session's lifetime", async () => {
        await startService(false, false, { idle_logout_lifetime_left: 3600 });
        await advanceTime(60 * MINUTE - 1);
        await click(document.body);
        expect.verifySteps([]);
        await advanceTime(1);
        await advanceLeave();
        expect.verifySteps([logoutUrl("lifetime")]);
    });

    test("a shorter timeout counts from the last activity", async () => {
        await startService(30);
        const lastActivity = Date.now();
        await advanceTime(2 * MINUTE);
        await ruleChanged({ idle_logout_timeout_minutes: 5 });
        expect.verifySteps([]);
        await advanceTime(lastActivity + 5 * MINUTE - 1 - Date.now());
        expect.verifySteps([]);
        await advanceTime(1);
        await advanceLeave();
        expect.verifySteps([idleLogoutUrl(5)]);
    });

    test("a timeout shorter than the idle time so far logs out at once", async () => {
        await startService(30);
        await advanceTime(2 * MINUTE);
        await ruleChanged({ idle_logout_timeout_minutes: 1 });
        await advanceLeave();
        expect.verifySteps([idleLogoutUrl(1)]);
    });

    test("a longer timeout no longer logs out early; an exemption stops the timer", async () => {
        await startService(1);
        await advanceTime(30_000);
        await ruleChanged({ idle_logout_timeout_minutes: 60 });
        await advanceTime(59 * MINUTE);
        expect.verifySteps([]);
        await ruleChanged({ idle_logout_timeout_minutes: false });
        checkDelays = [];
        await advanceTime(24 * 60 * MINUTE);
        expect.verifySteps([]);
        expect(checkDelays.every((delay) => delay === Infinity)).toBe(true);
    });

    test("a new rule brings its keepalive: a page in use reports within the rule", async () => {
        await startService(15, 60);
        await ruleChanged({ idle_logout_timeout_minutes: 1, idle_logout_keepalive: 20 });
        stepAllNetworkCalls();
        for (let n = 0; n < 6; n++) {
            await advanceTime(50_000);
            await click(document.body);
        }
        // Every click 50 s after the last report: each reported, within the 1-minute rule.
        expect.verifySteps([...Array(6).fill("/web/session/check")]);
    });

    test("turned off, a page stops; turned on again, it counts from then", async () => {
        await startService(1);
        await advanceTime(30_000);
        await ruleChanged({});
        await advanceTime(24 * 60 * MINUTE);
        await click(document.body);
        expect.verifySteps([]);
        expect(pageHidden()).toBe(false);
        await ruleChanged({ idle_logout_timeout_minutes: 1 });
        const turnedOn = Date.now();
        await advanceTime(turnedOn + MINUTE - 1 - Date.now());
        expect.verifySteps([]);
        await advanceTime(1);
        await expectLoggedOut();
    });

    test("turned off, logging out by hand still logs out", async () => {
        patchWithCleanup(session, { idle_logout_timeout_minutes: 15 });
        const env = await makeMockEnv();
        await ruleChanged({});
        registry.category("user_menuitems").get("log_out")(env).callback();
        await advanceLeave();
        expect(browser.location.pathname).toBe("/web/session/logout");
    });

    test("outside the trusted networks, a page follows the rule that holds there", async () => {
        patchWithCleanup(session, { idle_logout_outside: true });
        await startService(30);
        await ruleChanged({
            idle_logout_timeout_minutes: false,
            idle_logout_outside_rule: { idle_logout_timeout_minutes: 5 },
        });
        const lastActivity = Date.now();
        await advanceTime(lastActivity + 5 * MINUTE - Date.now());
        await advanceLeave();
        expect.verifySteps([idleLogoutUrl(5)]);
    });

    test("a session moving into the office takes its rule there, without a reload", async () => {
        patchWithCleanup(session, { idle_logout_outside: true });
        await startService(1);
        await advanceTime(30_000);
        await busMessage("idle_user_logout/network", {
            idle_logout_outside: false,
            idle_logout_timeout_minutes: false,
        });
        await advanceTime(60 * MINUTE);
        expect.verifySteps([]);
        await click(document.body);
        // A rule change now applies its rule in the office, not outside.
        await ruleChanged({
            idle_logout_timeout_minutes: 60,
            idle_logout_outside_rule: { idle_logout_timeout_minutes: 1 },
        });
        await advanceTime(59 * MINUTE);
        expect.verifySteps([]);
    });

    test("the trusted networks changed: the page shows the server its network", async () => {
        onRpc("/idle_user_logout/ping", () => expect.step("ping"));
        await startService(15);
        await busMessage("idle_user_logout/networks", {});
        expect.verifySteps(["ping"]);
    });

    test("an exempt page given a timeout leaves on it, warned first if the warning is on", async () => {
        patchWithCleanup(session, {
            idle_logout_timeout_minutes: false,
            idle_logout_keepalive: false,
        });
        await mountWebClient();
        const lastActivity = Date.now();
        await ruleChanged({ idle_logout_timeout_minutes: 1, idle_logout_warning_seconds: 20 });
        await advanceTime(lastActivity + 40_000 - Date.now());
        await animationFrame();
        expect(".o_idle_logout_warning [role=alertdialog]").toHaveCount(1);
        await advanceTime(20_000);
        await advanceLeave();
        expect.verifySteps([idleLogoutUrl(1)]);
    });
});

describe("the session ends with its last tab (an option)", () => {
    /** The page is left: closed, or kept for the back button (`persisted`). */
    function closeThisTab({ persisted = false } = {}) {
        window.dispatchEvent(new PageTransitionEvent("pagehide", { persisted }));
    }

    /** The web client of a page the server counts open, with its key. */
    async function startClosable() {
        mockSendBeacon((url, data) => expect.step(`beacon ${url} ${data}`));
        patchWithCleanup(session, { idle_logout_tab: "page-key" });
        await startService(15);
    }

    test("a closing page tells the server with its own key", async () => {
        await startClosable();
        closeThisTab();
        expect.verifySteps(["beacon /idle_user_logout/tab_closed key=page-key"]);
    });

    test("a page kept for the back button says nothing", async () => {
        await startClosable();
        closeThisTab({ persisted: true });
        expect.verifySteps([]);
    });

    test("a tab the browser discarded says its old page closed when it loads again", async () => {
        browser.sessionStorage.setItem("idle_user_logout.tab", "discarded-key");
        patchWithCleanup(document, { wasDiscarded: true });
        await startClosable();
        expect.verifySteps(["beacon /idle_user_logout/tab_closed key=discarded-key"]);
        closeThisTab();
        expect.verifySteps(["beacon /idle_user_logout/tab_closed key=page-key"]);
        expect(browser.sessionStorage.getItem("idle_user_logout.tab")).toBe(null);
    });

    test("a tab opened from another, its storage copied, closes nothing of it", async () => {
        browser.sessionStorage.setItem("idle_user_logout.tab", "opener-key");
        await startClosable();
        expect.verifySteps([]);
        expect(browser.sessionStorage.getItem("idle_user_logout.tab")).toBe("page-key");
    });

    test("off, a tab closes in silence", async () => {
        mockSendBeacon((url) => expect.step(`beacon ${url}`));
        await startService(15);
        closeThisTab();
        await advanceTime(3000);
        expect.verifySteps([]);
    });
});

describe("the optional warning (WCAG 2.2.1)", () => {
    const WARNING = ".o_idle_logout_warning [role=alertdialog]";

    /** The web client with a 1-minute timeout and a warning `seconds` before. */
    async function startWarned(seconds, keepalive = false) {
        patchWithCleanup(session, {
            idle_logout_timeout_minutes: 1,
            idle_logout_keepalive: keepalive,
            idle_logout_warning_seconds: seconds,
        });
        await mountWebClient();
        await animationFrame();
    }

    test("shown exactly N seconds before the logout, labelled, with the focus", async () => {
        await startWarned(20);
        await advanceTime(40_000 - 1);
        await animationFrame();
        expect(WARNING).toHaveCount(0);
        await advanceTime(1);
        await animationFrame();
        expect(WARNING).toHaveCount(1);
        expect(WARNING).toHaveAttribute("aria-modal", "true");
        const dialog = document.querySelector(WARNING);
        const labels = (ids) =>
            ids.split(" ").map((id) => document.getElementById(id).textContent.trim());
        expect(labels(dialog.getAttribute("aria-labelledby"))).toEqual(["Are you still there?"]);
        expect(labels(dialog.getAttribute("aria-describedby")).join(" ")).toMatch(
            /logged out in 20 s\..*Unsaved changes are saved first/s
        );
        expect(dialog.contains(document.activeElement)).toBe(true);
        expect(document.activeElement).toHaveText("Stay logged in");
    });

    test("focus goes back where it was once the user stays", async () => {
        await startWarned(20);
        const field = document.createElement("input");
        document.querySelector(".o_action_manager").append(field);
        field.focus();
        await advanceTime(40_000);
        await animationFrame();
        expect(document.activeElement).toHaveText("Stay logged in");
        await press("Tab");
        expect(document.activeElement).toHaveText("Stay logged in", {
            message: "the focus stays in the dialog",
        });
        await press("Enter");
        await animationFrame();
        expect(WARNING).toHaveCount(0);
        expect(document.activeElement).toBe(field);
    });

    test("ignored, the logout comes on time", async () => {
        await startWarned(20);
        await advanceTime(40_000);
        await animationFrame();
        expect(WARNING).toHaveCount(1);
        await advanceTime(20_000 - 1);
        expect.verifySteps([]);
        await advanceTime(1);
        expect(WARNING).toHaveCount(0);
        await expectLoggedOut();
    });

    test("the time left is shown every second, announced every 15 seconds", async () => {
        await startWarned(40);
        await advanceTime(20_000);
        await animationFrame();
        const live = ".o_idle_logout_warning [aria-live=polite]";
        expect(live).toHaveText("You will be logged out in 40 s.");
        await advanceTime(1000);
        await animationFrame();
        expect(".o_idle_logout_warning p.fs-4").toHaveText("You will be logged out in 39 s.");
        expect(live).toHaveText("You will be logged out in 40 s.");
        await advanceTime(9000);
        await animationFrame();
        expect(live).toHaveText("You will be logged out in 30 s.");
    });

    test("the button keeps the session in every tab, and tells the server", async () => {
        const tab = otherTab();
        await startWarned(20, 20);
        stepAllNetworkCalls();
        await advanceTime(40_000);
        await animationFrame();
        await click(".o_idle_logout_warning button");
        await animationFrame();
        expect(WARNING).toHaveCount(0);
        await postFromOtherTab(tab, { type: "noop" });
        expect(tab.received.at(-1)).toEqual({ type: "activity", at: Date.now() });
        expect.verifySteps(["/web/session/check"]);
        await advanceTime(40_000 - 1);
        await animationFrame();
        expect(WARNING).toHaveCount(0);
        await advanceTime(1);
        await animationFrame();
        expect(WARNING).toHaveCount(1, { message: "warned again, 40 s after staying" });
    });

    test("any key press in it keeps the session, and activity in another tab closes it", async () => {
        const tab = otherTab();
        await startWarned(20);
        await advanceTime(40_000);
        await animationFrame();
        await press("Escape");
        await animationFrame();
        expect(WARNING).toHaveCount(0);
        await advanceTime(40_000);
        await animationFrame();
        expect(WARNING).toHaveCount(1);
        await postFromOtherTab(tab, { type: "activity", at: Date.now() });
        await animationFrame();
        expect(WARNING).toHaveCount(0);
        await advanceTime(MINUTE - 1);
        expect.verifySteps([]);
    });

    test("off: nothing more is scheduled, nothing is shown", async () => {
        await startService(1);
        await advanceTime(MINUTE - 1);
        await animationFrame();
        expect(WARNING).toHaveCount(0);
        expect(checkDelays.every((delay) => delay === CHECK_INTERVAL_MS)).toBe(true);
        await advanceTime(1);
        await expectLoggedOut();
    });

    test("on: the warning time is met by the check, to the millisecond", async () => {
        await startWarned(22);
        await advanceTime(MINUTE - 22_000);
        expect(checkDelays).toInclude(3000);
    });
});
