import { browser } from "@web/core/browser/browser";
import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { delay } from "@web/core/utils/concurrency";
import { session } from "@web/session";
import { clearUncommittedChanges } from "@web/webclient/actions/action_service";
import "@web/webclient/user_menu/user_menu_items";
import { CHECK_INTERVAL_MS, IdleTimer } from "./idle_timer";

/** Activity is shared with the other tabs at most this often (a burst of keys is one message). */
const BROADCAST_THROTTLE_MS = 1000;
/** A leaving tab gives the other tabs this long to say that they save their changes... */
const SAVE_ANSWER_MS = 100;
/** ...and waits this long at most for those saves before the session ends. */
const SAVE_TIMEOUT_MS = 3000;

/** Ends the session, then shows the login page, which brings the user back here. */
export function idleLogoutUrl(timeoutMinutes) {
    const { pathname, search, hash } = browser.location;
    const back = encodeURIComponent(pathname + search + hash);
    const loginUrl = `/web/login?idle_logout=${timeoutMinutes}&redirect=${back}`;
    return `/web/session/logout?redirect=${encodeURIComponent(loginUrl)}`;
}

export const idleLogoutService = {
    dependencies: ["presence"],

    start(env, { presence }) {
        const timeoutMinutes = session.idle_logout_timeout_minutes;
        if (!timeoutMinutes) {
            return null;
        }
        const idleTimer = new IdleTimer(timeoutMinutes * 60_000, Date.now());
        const channel = new browser.BroadcastChannel(
            `idle_user_logout:${session.db}:${user.userId}`
        );
        // With the server enforcing the timeout too, activity is reported to it at most
        // once per third of the timeout (the page load itself was reported).
        const keepaliveMs = session.idle_logout_keepalive ? idleTimer.timeoutMs / 3 : Infinity;
        let lastKeepalive = Date.now();
        let otherTabsSaving = 0;
        let lastBroadcast = 0;
        let checkInterval;
        let deadlineTimeout;
        let saved;
        let exit;
        let left = false;

        /** Where a tab goes when the session ends: idle, with the notice; by hand, as Odoo. */
        const exitFor = (idle) => () =>
            browser.location.assign(idle ? idleLogoutUrl(timeoutMinutes) : "/web/session/logout");

        /** Saves this tab's changes once, the way Odoo saves when a page is left. */
        function saveChanges() {
            saved ||= (async () => {
                // What is being typed counts too, as when the user clicks elsewhere.
                document.activeElement?.blur();
                await delay(0);
                return clearUncommittedChanges(env);
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

        /** Whether activity counted since an idle leave began makes the session in use. */
        const inUseAfterAll = (idle) => idle && !idleTimer.isExpired(Date.now());

        /** Checks every 5 seconds, and now. */
        function startChecking() {
            checkInterval = browser.setInterval(check, CHECK_INTERVAL_MS);
            check();
        }

        /** A tab in use answered an idle leave: this tab shows its page again and waits on. */
        function resume() {
            if (!left) {
                exit = saved = undefined;
                document.body.style.visibility = "";
                startChecking();
            }
        }

        /** Stops the timer and takes the page off the screen: no record data stays visible. */
        function stop(exitPage) {
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

        /** This tab ends the session: every tab saves its changes, then all leave together. */
        async function leave({ idle, exitPage = exitFor(idle) }) {
            if (exit) {
                return;
            }
            stop(exitPage);
            channel.postMessage({ type: "leave", idle });
            await saveChanges();
            await otherTabsSaved();
            if (inUseAfterAll(idle)) {
                return resume();
            }
            channel.postMessage({ type: "logout", idle });
            leavePage();
        }

        /** Another tab ends the session: save here first, then follow it out. */
        async function follow({ idle }) {
            // Activity the idle tab missed (a frozen or throttled tab): it is told, and stays.
            if (inUseAfterAll(idle)) {
                channel.postMessage({ type: "activity", at: idleTimer.lastActivity });
                return;
            }
            channel.postMessage({ type: "saving" });
            if (!exit) {
                stop(exitFor(idle));
                const leaveOrResume = () => (inUseAfterAll(idle) ? resume() : leavePage());
                browser.setTimeout(leaveOrResume, SAVE_ANSWER_MS + SAVE_TIMEOUT_MS);
            }
            await saveChanges();
            channel.postMessage({ type: "saved" });
        }

        function check() {
            const now = Date.now();
            if (idleTimer.isExpired(now)) {
                leave({ idle: true });
            } else if (!exit) {
                const nextCheck = idleTimer.nextCheckDelay(now);
                // The deadline comes before the next 5-second check: a one-shot timer meets it.
                if (nextCheck < CHECK_INTERVAL_MS) {
                    browser.clearTimeout(deadlineTimeout);
                    deadlineTimeout = browser.setTimeout(check, nextCheck);
                }
            }
        }

        function onActivity() {
            const now = Date.now();
            if (exit || !idleTimer.recordActivity(now)) {
                return;
            }
            if (now - lastBroadcast >= BROADCAST_THROTTLE_MS) {
                lastBroadcast = now;
                channel.postMessage({ type: "activity", at: now });
            }
            // Only the tab the user works in reports (the others hear of it too).
            if (now - lastKeepalive >= keepaliveMs && document.hasFocus()) {
                lastKeepalive = now;
                rpc("/web/session/check", {}, { silent: true }).catch(() => {});
            }
        }

        // A return to the tab is checked before it counts: it never revives an expired session.
        function onReturn() {
            check();
            onActivity();
        }

        const onMessage = {
            activity: ({ at }) => idleTimer.recordOtherTabActivity(at),
            leave: follow,
            saving: () => otherTabsSaving++,
            saved: () => otherTabsSaving--,
            logout: ({ idle }) => {
                if (!exit) {
                    stop(exitFor(idle));
                }
                leavePage();
            },
        };
        channel.addEventListener("message", ({ data }) => onMessage[data.type]?.(data));
        // Registered before any view's: changes are saved beforehand, so no "Leave site?"
        // prompt or second save may hold the logout.
        browser.addEventListener("beforeunload", (ev) => exit && ev.stopImmediatePropagation());
        presence.bus.addEventListener("presence", onActivity);
        // This tab's own focus only (a boolean); other tabs' focus arrives as a string.
        env.bus.addEventListener("window_focus", ({ detail }) => detail === true && onReturn());
        document.addEventListener("visibilitychange", () => !document.hidden && check());
        browser.addEventListener("pageshow", check);
        onActivity();
        // One timer, however busy the user: activity only moves a date.
        startChecking();

        return { leave };
    },
};

registry.category("services").add("idle_user_logout", idleLogoutService);

// Logging out by hand takes every tab of the session along, after each saved its changes.
const userMenuItems = registry.category("user_menuitems");
const logOutItem = userMenuItems.get("log_out");
userMenuItems.add(
    "log_out",
    (env) => {
        const item = logOutItem(env);
        const idleLogout = env.services.idle_user_logout;
        if (!idleLogout) {
            return item;
        }
        const callback = () => idleLogout.leave({ idle: false, exitPage: item.callback });
        return { ...item, callback };
    },
    { force: true }
);
