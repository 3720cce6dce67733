import { loadBundle } from "@web/core/assets";
import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { delay } from "@web/core/utils/concurrency";
import { session } from "@web/session";
import { watchFramesAndPopOuts } from "./activity_watch";
import { IdleTimer } from "./idle_timer";
import { LEAVE_TIMEOUT_MS, sayWhenClosed, tabChannel } from "./tab_channel";

/** The bus closes its websocket with this code once the server ended the session. */
const SESSION_EXPIRED_CLOSE_CODE = 4001;

/**
 * Where a tab goes when the session ends: through the logout route, which says why on the
 * login page (idle after `minutes`, too old, or `ended` by the server) and brings the user
 * back here; when logged out by hand, as Odoo does.
 */
function exitThrough(reason, minutes) {
    const { pathname, search, hash } = browser.location;
    const back = encodeURIComponent(pathname + search + hash);
    const why = reason === "idle" ? `browser_idle&idle_logout_minutes=${minutes}` : reason;
    const url = why
        ? `/web/session/logout?idle_logout_reason=${why}&redirect=${back}`
        : "/web/session/logout";
    return () => browser.location.assign(url);
}

/** The idle timeout of the user's rule, in ms: none (Infinity) for an exempt user. */
function timeoutMsOf(minutes) {
    return minutes ? minutes * 60_000 : Infinity;
}

/** Runs `fn`, logging its errors to the console: the addon never crashes the page. */
function guarded(fn) {
    return async (...args) => {
        try {
            return await fn(...args);
        } catch (error) {
            console.error("idle_user_logout:", error);
        }
    };
}

export const idleLogoutService = {
    dependencies: ["bus_service", "overlay", "presence", "ui"],

    start(env, services) {
        // An exempt user's timeout is false: their pages still leave when the session ends.
        // A website page framed in the web client (the website editor) is watched by it.
        const on = session.idle_logout_timeout_minutes !== undefined;
        if (on && !(session.is_frontend && window.frameElement)) {
            return guarded(startIdleLogout)(env, services);
        }
        if (session.idle_logout_tab) {
            // Served as a page of the session all the same.
            sayWhenClosed(session.idle_logout_tab);
        }
    },
};

function startIdleLogout(env, { bus_service: busService, overlay, presence, ui }) {
    const channel = tabChannel({
        sessionKey: session.idle_logout_session_key,
        keepaliveMs: session.idle_logout_keepalive * 1000,
        onMessage: guarded((data) => phase !== "off" && onMessage[data.type]?.(data)),
    });
    const now = Date.now();
    // The session's idle time began before this page: at its last activity in any page.
    const idleTimer = new IdleTimer(
        timeoutMsOf(session.idle_logout_timeout_minutes),
        Math.min(channel.storedActivity() || now, now),
        now + (session.idle_logout_lifetime_left ?? Infinity) * 1000,
        session.idle_logout_warning_seconds * 1000 || 0
    );
    /** Where this tab goes when the session ends, and why. */
    const exitFor = (reason) => exitThrough(reason, idleTimer.timeoutMs / 60_000);
    // Watching for idleness, then leaving (its page hidden, its changes saved), then gone;
    // or off, while the addon is turned off.
    let phase = "watching";
    // Where the tab goes once the session ended, set when it starts leaving.
    let exitPage;
    // Whether the session's requests come from outside the trusted networks.
    let outside = !!session.idle_logout_outside;
    // This tab's save, once per leave.
    let saved;
    // The tab's one timer: its next check while watching, its way out while following.
    let pending;
    // The warning's slot, once its code is loaded.
    let warning;

    /**
     * Counts what this tab may have missed, and returns the timer: the session's activity
     * in its other pages (a page that was frozen missed their messages, the store has it
     * all) and work without input (a blocked screen, an upload, a call), which the server
     * hears of too.
     */
    function catchUp(now) {
        const { file_upload: fileUpload, "discuss.rtc": rtc } = env.services;
        const busy =
            ui.isBlocked ||
            Object.keys(fileUpload?.uploads || {}).length > 0 ||
            !!rtc?.state?.channel;
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
        if (phase !== "watching") {
            return;
        }
        const now = Date.now();
        browser.clearTimeout(pending);
        // Work without input is looked at from the deadline on, until it ends.
        if (idleTimer.working || idleTimer.isExpired(now)) {
            catchUp(now);
        }
        if (idleTimer.isOverLifetime(now)) {
            leave("lifetime");
        } else if (idleTimer.isExpired(now)) {
            leave("idle");
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
        // Outside the trusted networks, the user's rule there (when the server gives one).
        const {
            idle_logout_timeout_minutes: minutes,
            idle_logout_warning_seconds: warningSeconds,
            idle_logout_keepalive: keepalive,
        } = (outside && values.idle_logout_outside_rule) || values;
        if (minutes === undefined) {
            if (phase === "watching") {
                phase = "off";
                warning?.hide();
                browser.clearTimeout(pending);
            }
            return;
        }
        if (phase === "off") {
            // Turned on again: the idle time counts from now, as on the server.
            phase = "watching";
            idleTimer.recordOtherTabActivity(Date.now());
        }
        idleTimer.timeoutMs = timeoutMsOf(minutes);
        idleTimer.warningMs = warningSeconds * 1000 || 0;
        channel.keepaliveMs = keepalive * 1000 || 0;
        check();
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

    /** Takes the page off the screen and stops the checks: no record data stays visible. */
    function stop(exit) {
        phase = "leaving";
        exitPage = exit;
        warning?.hide();
        browser.clearTimeout(pending);
        document.body.style.visibility = "hidden";
    }

    /** Leaves for good, whichever of the timers and messages comes first. */
    function go(exit) {
        if (phase === "watching") {
            stop(exit);
        }
        if (phase === "leaving") {
            phase = "gone";
            exitPage();
        }
    }

    /** The session goes on after all: this tab shows its page again, and so do its followers. */
    function resume() {
        if (phase === "leaving") {
            phase = "watching";
            saved = undefined;
            document.body.style.visibility = "";
            channel.post("stay");
            check();
        }
    }

    /**
     * Saves this tab's changes once, the way Odoo saves them when a view is left; leaving
     * for inactivity or the lifetime, what cannot be saved is kept as the user's draft.
     */
    function save(reason) {
        saved ||= (async () => {
            // What is being typed counts too, as when the user clicks elsewhere.
            document.activeElement?.blur();
            await delay(0);
            const beforeLeave = [];
            env.bus.trigger("CLEAR-UNCOMMITTED-CHANGES", beforeLeave);
            const options = { idleLogout: true, keepDraft: !!reason };
            await Promise.all(beforeLeave.map((callback) => callback(options)));
        })().catch(() => {});
        return saved;
    }

    /**
     * This tab ends the session: every tab saves its changes, then all leave together.
     * @param {"idle" | "lifetime"} [reason] none: by hand
     */
    async function leave(reason, exit = exitFor(reason)) {
        if (phase === "off") {
            return exit();
        }
        if (phase === "watching") {
            stop(exit);
            channel.post("leave", { reason });
            await channel.allSaved(save(reason));
            if (reason === "idle" && stillInUse()) {
                return resume();
            }
            channel.post("logout", { reason });
            go();
        }
    }

    /** Another tab ends the session: this tab saves its changes, then follows it out. */
    async function follow({ reason }) {
        const idle = reason === "idle";
        // Activity the idle tab missed (a frozen tab, work without input): it is told, and stays.
        if (idle && stillInUse()) {
            return channel.post("activity", { at: idleTimer.lastActivity });
        }
        channel.post("saving");
        if (phase === "watching") {
            stop(exitFor(reason));
            const leaveOrResume = () => (idle && stillInUse() ? resume() : go());
            pending = browser.setTimeout(guarded(leaveOrResume), LEAVE_TIMEOUT_MS);
        }
        await save(reason);
        channel.post("saved");
    }

    function onActivity() {
        const now = Date.now();
        if (phase === "watching" && idleTimer.recordActivity(now)) {
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
    const end = () => go(exitFor("ended"));
    const onMessage = {
        activity: ({ at }) => {
            idleTimer.recordOtherTabActivity(at);
            return phase === "watching" && warning?.update(Date.now());
        },
        leave: follow,
        stay: () => phase === "leaving" && stillInUse() && resume(),
        logout: ({ reason }) => go(exitFor(reason)),
    };
    const listen = (target, type, handler) => target.addEventListener(type, guarded(handler));
    // Registered before any view's: changes are saved beforehand, so no "Leave site?"
    // prompt or second save may hold the logout.
    listen(browser, "beforeunload", (ev) => phase !== "watching" && ev.stopImmediatePropagation());
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
    if (session.idle_logout_tab) {
        sayWhenClosed(session.idle_logout_tab);
    }
    busService.subscribe("idle_user_logout/session_ended", guarded(end));
    busService.subscribe("idle_user_logout/rule", guarded(followRule));
    // The session moved in or out of the trusted networks: the rule that holds there.
    busService.subscribe(
        "idle_user_logout/network",
        guarded((values) => {
            outside = values.idle_logout_outside;
            followRule(values);
        })
    );
    // The trusted networks changed: the server sees this page's network again.
    busService.subscribe("idle_user_logout/networks", guarded(channel.ping));
    busService.start();
    watchFramesAndPopOuts(guarded(onActivity));
    // One timer, however busy the user: activity only moves a date. A page's load is no
    // activity (a reopened browser, a restored tab): it leaves at once if the session is idle.
    check();
    if (document.hasFocus()) {
        onActivity();
    }
    return { leave };
}

registry.category("services").add("idle_user_logout", idleLogoutService);
