import { loadBundle } from "@web/core/assets";
import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { delay } from "@web/core/utils/concurrency";
import { patch } from "@web/core/utils/patch";
import { session } from "@web/session";
import { watchFrames } from "./activity_watch";
import { CHECK_INTERVAL_MS, IdleTimer } from "./idle_timer";
import { activityReporter, openChannel, storedActivity } from "./tab_channel";

/** A leaving tab gives the other tabs this long to say that they save their changes... */
const SAVE_ANSWER_MS = 100;
/** ...and waits this long at most for those saves before the session ends. */
const SAVE_TIMEOUT_MS = 3000;
/** The bus closes its websocket with this code once the server ended the session. */
const SESSION_EXPIRED_CLOSE_CODE = 4001;

/**
 * Ends the session, then shows the login page, which brings the user back here.
 * @param {string} [notice] what the login page says, e.g. `idle_logout=15`
 * @param {string} [reason] why the session ends, for the server's audit trail
 */
export function idleLogoutUrl(notice, reason) {
    const { pathname, search, hash } = browser.location;
    const back = encodeURIComponent(pathname + search + hash);
    const loginUrl = `/web/login?${notice ? `${notice}&` : ""}redirect=${back}`;
    const audit = reason ? `idle_logout_reason=${reason}&` : "";
    return `/web/session/logout?${audit}redirect=${encodeURIComponent(loginUrl)}`;
}

/** Runs `fn`, logging its errors to the console: the addon never crashes the page. */
function guarded(fn) {
    return (...args) => {
        try {
            return Promise.resolve(fn(...args)).catch(logError);
        } catch (error) {
            logError(error);
        }
    };
}

function logError(error) {
    console.error("idle_user_logout:", error);
}

/** The warning's code, loaded only when the warning is on (its own bundle). */
async function loadWarning() {
    const components = registry.category("idle_user_logout");
    if (!components.contains("warning")) {
        await loadBundle("idle_user_logout.assets_warning");
    }
    return components.get("warning");
}

/** Told of the windows the page opens itself (pop-outs), while the service runs. */
let onWindowOpened = null;
patch(browser, {
    open() {
        const win = super.open(...arguments);
        if (win) {
            onWindowOpened?.(win);
        }
        return win;
    },
});

export const idleLogoutService = {
    dependencies: ["bus_service", "overlay", "presence", "ui"],

    /** Saves this page's changes the way Odoo saves when a page is left (the web client's). */
    async saveChanges(env) {
        return true;
    },

    start(env, services) {
        // A website page framed in the web client (the website editor) is watched by it.
        if (!session.idle_logout_timeout_minutes || (session.is_frontend && window.frameElement)) {
            return null;
        }
        try {
            return startIdleLogout(env, services);
        } catch (error) {
            logError(error);
            return null;
        }
    },
};

function startIdleLogout(env, { bus_service: busService, overlay, presence, ui }) {
    const timeoutMinutes = session.idle_logout_timeout_minutes;
    const lifetimeLeft = session.idle_logout_lifetime_left;
    const store = storedActivity(session.idle_logout_session_key);
    // The session's idle time began before this page: at its last activity in any page.
    const idleTimer = new IdleTimer(
        timeoutMinutes * 60_000,
        Math.min(store.read() || Date.now(), Date.now()),
        lifetimeLeft === undefined ? Infinity : Date.now() + lifetimeLeft * 1000,
        (session.idle_logout_warning_seconds || 0) * 1000
    );
    // Why a tab leaves: what its login page then says, and what the server audits.
    const exitUrls = {
        idle: () => idleLogoutUrl(`idle_logout=${timeoutMinutes}`, "browser_idle"),
        lifetime: () =>
            idleLogoutUrl(`idle_logout_lifetime=${session.idle_logout_lifetime_hours}`, "lifetime"),
    };
    const channel = openChannel();
    const postMessage = (message) => channel.postMessage?.(message);
    // With the server enforcing the timeout too, activity is reported to it at most once
    // per period it gives, a third of the timeout up to a minute.
    const keepaliveMs = session.idle_logout_keepalive * 1000 || Infinity;
    const report = activityReporter({ channel, store, keepaliveMs });
    let otherTabsSaving = 0;
    let checkInterval;
    let deadlineTimeout;
    let followTimeout;
    let saved;
    let exit;
    let left = false;
    // Work without input was going on at the last look: looked at on every check until it ends.
    let working = false;
    // The warning's component once loaded, and how to close it while it is shown.
    let IdleWarning;
    let warningLoad;
    let closeWarning;

    /** Where a tab goes when the session ends: idle or old, with a notice; by hand, as Odoo. */
    const exitFor = (reason) => () =>
        browser.location.assign(exitUrls[reason]?.() ?? "/web/session/logout");

    /** Saves this tab's changes once, the way Odoo saves when a page is left. */
    function saveChanges() {
        saved ||= (async () => {
            // What is being typed counts too, as when the user clicks elsewhere.
            document.activeElement?.blur();
            await delay(0);
            return idleLogoutService.saveChanges(env);
        })().catch(() => false);
        return saved;
    }

    /** Leaves the page for good, whichever of the timers and messages calls first. */
    function leavePage() {
        if (!left) {
            left = true;
            exit();
        }
    }

    /** Work without input: a request that blocks the screen, an upload, a call. */
    function isBusy() {
        const { file_upload: fileUpload, "discuss.rtc": rtc } = env.services;
        return (
            ui.isBlocked ||
            Object.keys(fileUpload?.uploads || {}).length > 0 ||
            Boolean(rtc?.state?.channel)
        );
    }

    /**
     * Whether the session is in use after all: activity counted since in any of its
     * pages, or work without input, which the server hears of too and after which the
     * timer restarts.
     */
    function inUse() {
        const now = Date.now();
        const wasWorking = working;
        working = isBusy();
        // A page that was frozen or closed may have missed messages: the store has it all.
        idleTimer.recordOtherTabActivity(Math.min(store.read(), now));
        if (working || wasWorking) {
            idleTimer.recordOtherTabActivity(now);
            report(now, { toServer: working });
        }
        return !idleTimer.isExpired(now);
    }

    /** Checks every 5 seconds, and now. */
    function startChecking() {
        checkInterval = browser.setInterval(guarded(check), CHECK_INTERVAL_MS);
        check();
    }

    /** A tab in use answered an idle leave: this tab shows its page again and waits on. */
    function resume() {
        if (exit && !left) {
            exit = saved = undefined;
            browser.clearTimeout(followTimeout);
            document.body.style.visibility = "";
            // The tabs that hid to follow this one show their pages again at once.
            postMessage({ type: "stay" });
            startChecking();
        }
    }

    /** Shows the warning when the logout is near, closes it once the session is in use. */
    function updateWarning(now) {
        if (!idleTimer.warningMs || exit) {
            return;
        }
        if (!IdleWarning) {
            return loadWarningOnce();
        }
        if (!idleTimer.isWarning(now)) {
            return hideWarning();
        }
        if (closeWarning) {
            return;
        }
        // Work without input at that moment is use: it restarts the timer, no warning.
        inUse();
        if (idleTimer.isWarning(now)) {
            const props = { deadline: idleTimer.deadline, onStay: guarded(onActivity) };
            closeWarning = overlay.add(IdleWarning, props);
        }
    }

    /** Loads the warning's code; a failed load is tried again at the next check. */
    function loadWarningOnce() {
        warningLoad ||= loadWarning().then(
            (component) => {
                IdleWarning = component;
                check();
            },
            (error) => {
                warningLoad = undefined;
                logError(error);
            }
        );
    }

    function hideWarning() {
        closeWarning?.();
        closeWarning = undefined;
    }

    /** Stops the timer and takes the page off the screen: no record data stays visible. */
    function stop(exitPage) {
        hideWarning();
        exit = exitPage;
        browser.clearInterval(checkInterval);
        browser.clearTimeout(deadlineTimeout);
        document.body.style.visibility = "hidden";
    }

    async function otherTabsSaved() {
        const deadline = Date.now() + SAVE_TIMEOUT_MS;
        await delay(SAVE_ANSWER_MS);
        while (otherTabsSaving > 0 && Date.now() < deadline) {
            await delay(50);
        }
    }

    /**
     * This tab ends the session: every tab saves its changes, then all leave together.
     * @param {{ reason?: "idle" | "lifetime", exitPage?: Function }} options no reason: by hand
     */
    async function leave({ reason, exitPage = exitFor(reason) }) {
        if (exit) {
            return;
        }
        stop(exitPage);
        postMessage({ type: "leave", reason });
        // A save the server never answers does not keep the session: it is given up.
        const saves = Promise.all([saveChanges(), otherTabsSaved()]);
        await Promise.race([saves, delay(SAVE_ANSWER_MS + SAVE_TIMEOUT_MS)]);
        if (reason === "idle" && inUse()) {
            return resume();
        }
        postMessage({ type: "logout", reason });
        leavePage();
    }

    /** Another tab ends the session: save here first, then follow it out. */
    async function follow({ reason }) {
        const idle = reason === "idle";
        // Activity the idle tab missed (a frozen tab, work without input): it is told, and stays.
        if (idle && inUse()) {
            postMessage({ type: "activity", at: idleTimer.lastActivity });
            return;
        }
        postMessage({ type: "saving" });
        if (!exit) {
            stop(exitFor(reason));
            const leaveOrResume = () => (idle && inUse() ? resume() : leavePage());
            followTimeout = browser.setTimeout(
                guarded(leaveOrResume),
                SAVE_ANSWER_MS + SAVE_TIMEOUT_MS
            );
        }
        await saveChanges();
        postMessage({ type: "saved" });
    }

    /** The server ended the session: another tab's logout URL, a revoked device... */
    function onSessionEnded() {
        if (!exit) {
            stop(() => browser.location.assign(idleLogoutUrl()));
        }
        leavePage();
    }

    function check() {
        const now = Date.now();
        if (idleTimer.isOverLifetime(now)) {
            leave({ reason: "lifetime" });
        } else if ((working || idleTimer.isExpired(now)) && !inUse()) {
            leave({ reason: "idle" });
        } else if (!exit) {
            updateWarning(now);
            const nextCheck = idleTimer.nextCheckDelay(now);
            // The deadline comes before the next 5-second check: a one-shot timer meets it.
            if (nextCheck < CHECK_INTERVAL_MS) {
                browser.clearTimeout(deadlineTimeout);
                deadlineTimeout = browser.setTimeout(guarded(check), nextCheck);
            }
        }
    }

    function onActivity() {
        const now = Date.now();
        if (exit || !idleTimer.recordActivity(now)) {
            return;
        }
        // Staying from the warning: every tab and the server hear of it at once.
        const stayed = Boolean(closeWarning);
        hideWarning();
        // Only the tab the user works in tells the server (the others hear of it too).
        report(now, { urgent: stayed, toServer: stayed || document.hasFocus() });
    }

    // A return to the tab is checked before it counts: it never revives an expired session.
    function onReturn() {
        check();
        onActivity();
    }

    const onMessage = {
        activity: ({ at }) => {
            idleTimer.recordOtherTabActivity(at);
            updateWarning(Date.now());
        },
        leave: follow,
        stay: () => exit && inUse() && resume(),
        saving: () => otherTabsSaving++,
        saved: () => otherTabsSaving--,
        logout: ({ reason }) => {
            if (!exit) {
                stop(exitFor(reason));
            }
            leavePage();
        },
    };
    channel.addEventListener(
        "message",
        guarded(({ data }) => onMessage[data.type]?.(data))
    );
    // Registered before any view's: changes are saved beforehand, so no "Leave site?"
    // prompt or second save may hold the logout.
    browser.addEventListener("beforeunload", (ev) => exit && ev.stopImmediatePropagation());
    presence.bus.addEventListener("presence", guarded(onActivity));
    // This tab's own focus only (a boolean); other tabs' focus arrives as a string.
    env.bus.addEventListener(
        "window_focus",
        guarded(({ detail }) => detail === true && onReturn())
    );
    document.addEventListener(
        "visibilitychange",
        guarded(() => !document.hidden && check())
    );
    browser.addEventListener("pageshow", guarded(check));
    busService.addEventListener(
        "BUS:RECONNECTING",
        guarded(
            ({ detail }) => detail?.closeCode === SESSION_EXPIRED_CLOSE_CODE && onSessionEnded()
        )
    );
    busService.subscribe("idle_user_logout/session_ended", guarded(onSessionEnded));
    busService.start();
    const watchWindow = watchFrames(window, guarded(onActivity));
    // Pop-outs are watched when the user goes to them: their document may have been rewritten.
    const openedWindows = new Set();
    onWindowOpened = (win) => openedWindows.add(win);
    window.documentPictureInPicture?.addEventListener("enter", ({ window: win }) =>
        openedWindows.add(win)
    );
    browser.addEventListener(
        "blur",
        guarded(() => {
            for (const win of openedWindows) {
                if (win.closed) {
                    openedWindows.delete(win);
                } else {
                    watchWindow(win);
                }
            }
        })
    );
    // One timer, however busy the user: activity only moves a date. A page's load is no
    // activity (a reopened browser, a restored tab): it leaves at once if the session is idle.
    startChecking();
    if (document.hasFocus()) {
        onActivity();
    }

    return { leave };
}

registry.category("services").add("idle_user_logout", idleLogoutService);
