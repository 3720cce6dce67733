/**
 * How the tabs of a session leave together when it ends: the tab that ends it (idle, the
 * lifetime, by hand) hides its page, every tab saves its changes the way Odoo saves them when
 * a view is left, then all go through the logout route, which says why on the login page and
 * brings the user back. An idle tab that finds the session in use after all stays, and so do
 * the tabs following it.
 */
import { browser } from "@web/core/browser/browser";
import { delay } from "@web/core/utils/concurrency";
import { guarded, LEAVE_TIMEOUT_MS } from "./tab_channel";

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

/**
 * Saves the changes of the page's views the way Odoo saves them when a view is left; leaving
 * for inactivity or the lifetime (`reason`), what cannot be saved is kept as the user's draft.
 */
async function saveChanges(env, reason) {
    // What is being typed counts too, as when the user clicks elsewhere.
    document.activeElement?.blur();
    await delay(0);
    const beforeLeave = [];
    env.bus.trigger("CLEAR-UNCOMMITTED-CHANGES", beforeLeave);
    const options = { idleLogout: true, keepDraft: !!reason };
    await Promise.all(beforeLeave.map((callback) => callback(options)));
}

/**
 * A tab's way out, with the other tabs of its session. Its `phase`: watching for idleness,
 * then leaving (its page hidden, its changes saved), then gone; or off, while the addon is
 * turned off (the service's to set).
 * @param {{ env, channel, idleTimer, stillInUse: Function, onStop: Function,
 *   onResume: Function }} params the tab's environment, channel and timer; whether the
 *   session is in use after all; what stops the tab's checks, and starts them again
 */
export function leavingTogether({ env, channel, idleTimer, stillInUse, onStop, onResume }) {
    // Where the tab goes once the session ended, set when it starts leaving.
    let exitPage;
    // This tab's save, once per leave.
    let saved;
    // A following tab's way out, unless the session goes on after all.
    let following;
    /** Where this tab goes when the session ends, and why. */
    const exitFor = (reason) => exitThrough(reason, idleTimer.timeoutMs / 60_000);

    /** Takes the page off the screen and stops the checks: no record data stays visible. */
    function stop(exit) {
        tab.phase = "leaving";
        exitPage = exit;
        onStop();
        document.body.style.visibility = "hidden";
    }

    /** Leaves for good, whichever of the timers and messages comes first. */
    function go(exit) {
        if (tab.phase === "watching") {
            stop(exit);
        }
        if (tab.phase === "leaving") {
            tab.phase = "gone";
            exitPage();
        }
    }

    /** The session goes on after all: this tab shows its page again, and so do its followers. */
    function resume() {
        if (tab.phase === "leaving") {
            tab.phase = "watching";
            saved = undefined;
            browser.clearTimeout(following);
            document.body.style.visibility = "";
            channel.post("stay");
            onResume();
        }
    }

    /** Saves this tab's changes once per leave (see `saveChanges`). */
    function save(reason) {
        saved ||= saveChanges(env, reason).catch(() => {});
        return saved;
    }

    /**
     * This tab ends the session: every tab saves its changes, then all leave together.
     * @param {"idle" | "lifetime"} [reason] none: by hand
     */
    async function leave(reason, exit = exitFor(reason)) {
        if (tab.phase === "off") {
            return exit();
        }
        if (tab.phase === "watching") {
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
        if (tab.phase === "watching") {
            stop(exitFor(reason));
            const leaveOrResume = () => (idle && stillInUse() ? resume() : go());
            following = browser.setTimeout(guarded(leaveOrResume), LEAVE_TIMEOUT_MS);
        }
        await save(reason);
        channel.post("saved");
    }

    /** The session ended (`ended` by the server, or another tab's `reason`): this tab goes. */
    function end(reason) {
        go(exitFor(reason));
    }

    const tab = { phase: "watching", leave, follow, end, resume };
    return tab;
}
