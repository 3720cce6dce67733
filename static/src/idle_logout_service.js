/**
 * The idle logout of a page (web client, website and portal pages of an internal user): its
 * state, the handlers of what happens to it (activity, a check, a rule changed, the session
 * ended), and the listeners that call them. The decision is the timer's (`idle_timer.js`),
 * the talk between tabs the channel's (`tab_channel.js`), the way out `leaving.js`'s.
 */
import { loadBundle } from "@web/core/assets";
import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { session } from "@web/session";
import { isWorkingWithoutInput, watchFramesAndPopOuts } from "./activity_watch";
import { IdleTimer, ruleOf } from "./idle_timer";
import { leavingTogether } from "./leaving";
import { guarded, tabChannel } from "./tab_channel";

/** The bus closes its websocket with this code once the server ended the session. */
const SESSION_EXPIRED_CLOSE_CODE = 4001;

export const idleLogoutService = {
    dependencies: ["bus_service", "overlay", "presence", "ui"],

    start(env, services) {
        // An exempt user's timeout is false: their pages still leave when the session ends.
        // A website page framed in the web client (the website editor) is watched by it.
        const on = session.idle_logout_timeout_minutes !== undefined;
        if (on && !(session.is_frontend && window.frameElement)) {
            return guarded(startIdleLogout)(env, services);
        }
    },
};

function startIdleLogout(env, { bus_service: busService, overlay, presence }) {
    // Whether the session's requests come from outside the trusted networks.
    let outside = !!session.idle_logout_outside;
    // The user's rule as the page was served.
    const served = ruleOf(session, outside);
    const channel = tabChannel({
        sessionKey: session.idle_logout_session_key,
        keepaliveMs: served.keepaliveMs,
        onMessage: (data) => tab.phase !== "off" && onMessage[data.type]?.(data),
    });
    const now = Date.now();
    // The session's idle time began before this page: at its last activity in any page.
    const idleTimer = new IdleTimer(
        served.timeoutMs,
        Math.min(channel.storedActivity() || now, now),
        now + (session.idle_logout_lifetime_left ?? Infinity) * 1000,
        served.warningMs
    );
    // The tab's next check, while it watches.
    let pending;
    // The warning's slot, once its code is loaded.
    let warning;
    /** No more checks nor warning, until the tab watches again. */
    const stopChecks = () => {
        warning?.hide();
        browser.clearTimeout(pending);
    };
    // Its phase (watching, leaving, gone; off while the addon is), and its way out.
    const tab = leavingTogether({
        env,
        channel,
        idleTimer,
        stillInUse,
        onStop: stopChecks,
        onResume: check,
    });

    /**
     * Counts what this tab may have missed, and returns the timer: the session's activity
     * in its other pages (a page that was frozen missed their messages, the store has it
     * all) and work without input (a blocked screen, an upload, a call), which the server
     * hears of too.
     */
    function catchUp(now) {
        const busy = isWorkingWithoutInput(env.services);
        idleTimer.recordOtherTabActivity(Math.min(channel.storedActivity(), now));
        if (idleTimer.noteWork(now, busy)) {
            channel.report(now, { toServer: busy });
        }
        return idleTimer;
    }

    /** Whether the session is in use after all, once what this tab missed is counted. */
    function stillInUse() {
        const now = Date.now();
        return !catchUp(now).isExpired(now);
    }

    /** Checks now, then every 5 seconds or at the next deadline if it comes sooner. */
    function check() {
        if (tab.phase !== "watching") {
            return;
        }
        const now = Date.now();
        browser.clearTimeout(pending);
        // Work without input is looked at from the deadline on, until it ends.
        if (idleTimer.working || idleTimer.isExpired(now)) {
            catchUp(now);
        }
        if (idleTimer.isOverLifetime(now)) {
            tab.leave("lifetime");
        } else if (idleTimer.isExpired(now)) {
            tab.leave("idle");
        } else {
            if (warning) {
                warning.update(now);
            } else if (idleTimer.warningMs) {
                // A failed load is tried again at the next check.
                guarded(loadWarning)();
            }
            const delay = idleTimer.nextCheckDelay(now);
            // Nothing to wait for (exempt, no lifetime): no timer at all.
            if (delay < Infinity) {
                pending = browser.setTimeout(guarded(check), delay);
            }
        }
    }

    /**
     * The user's rule changed (an administrator, a group, a role): counted from the last
     * activity. No rule: the addon was turned off, and the page waits to be turned on again.
     */
    function followRule(values) {
        const rule = ruleOf(values, outside);
        if (!rule) {
            if (tab.phase === "watching") {
                tab.phase = "off";
                stopChecks();
            }
            return;
        }
        if (tab.phase === "off") {
            // Turned on again: the idle time counts from now, as on the server.
            tab.phase = "watching";
            idleTimer.recordOtherTabActivity(Date.now());
        }
        idleTimer.timeoutMs = rule.timeoutMs;
        idleTimer.warningMs = rule.warningMs;
        channel.keepaliveMs = rule.keepaliveMs;
        check();
    }

    /** The session moved in or out of the trusted networks: the rule that holds there. */
    function followNetwork(values) {
        outside = values.idle_logout_outside;
        followRule(values);
    }

    /** The warning's slot comes with its code, a bundle loaded only when the warning is on. */
    async function loadWarning() {
        const slots = registry.category("idle_user_logout");
        if (!slots.contains("warning")) {
            await loadBundle("idle_user_logout.assets_warning");
        }
        warning ||= slots.get("warning")({
            overlay,
            idleTimer,
            catchUp,
            onStay: guarded(onActivity),
        });
        check();
    }

    function onActivity() {
        const now = Date.now();
        if (tab.phase === "watching" && idleTimer.recordActivity(now)) {
            // Staying from the warning: every tab and the server hear of it at once.
            const stayed = !!warning?.shown;
            warning?.hide();
            // Only the tab the user works in tells the server (the others hear of it too).
            channel.report(now, {
                urgent: stayed,
                toServer: stayed || document.hasFocus(),
            });
        }
    }

    /** The server ended the session: another tab's logout URL, a revoked device... */
    const end = () => tab.end("ended");
    const onMessage = {
        activity: ({ at }) => {
            idleTimer.recordOtherTabActivity(at);
            return tab.phase === "watching" && warning?.update(Date.now());
        },
        leave: tab.follow,
        stay: () => tab.phase === "leaving" && stillInUse() && tab.resume(),
        logout: ({ reason }) => tab.end(reason),
    };

    const listen = (target, type, handler) => target.addEventListener(type, guarded(handler));
    // Registered before any view's: changes are saved beforehand, so no "Leave site?"
    // prompt or second save may hold the logout.
    listen(
        browser,
        "beforeunload",
        (ev) => tab.phase !== "watching" && ev.stopImmediatePropagation()
    );
    listen(presence.bus, "presence", onActivity);
    // This tab's own focus only (a boolean), checked before it counts: a return to the tab
    // never revives an expired session. Other tabs' focus arrives as a string.
    listen(env.bus, "window_focus", ({ detail }) => detail === true && (check(), onActivity()));
    listen(document, "visibilitychange", () => !document.hidden && check());
    listen(browser, "pageshow", check);
    listen(
        busService,
        "BUS:RECONNECTING",
        ({ detail }) => detail?.closeCode === SESSION_EXPIRED_CLOSE_CODE && end()
    );
    const subscribe = (type, handler) =>
        busService.subscribe(`idle_user_logout/${type}`, guarded(handler));
    subscribe("session_ended", end);
    subscribe("rule", followRule);
    subscribe("network", followNetwork);
    // The trusted networks changed: the server sees this page's network again.
    subscribe("networks", channel.ping);
    busService.start();
    watchFramesAndPopOuts(guarded(onActivity));
    // One timer, however busy the user: activity only moves a date. A page's load is no
    // activity (a reopened browser, a restored tab): it leaves at once if the session is idle.
    check();
    if (document.hasFocus()) {
        onActivity();
    }
    return { leave: tab.leave };
}

registry.category("services").add("idle_user_logout", idleLogoutService);
