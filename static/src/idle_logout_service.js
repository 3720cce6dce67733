import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { session } from "@web/session";
import { clearUncommittedChanges } from "@web/webclient/actions/action_service";
import { IdleTimer } from "./idle_timer";

/** Activity is shared with the other tabs at most this often (a burst of keys is one message). */
const BROADCAST_THROTTLE_MS = 1000;

export function logoutUrl() {
    const { pathname, search, hash } = browser.location;
    const loginUrl = `/web/login?idle_logout=1&redirect=${encodeURIComponent(pathname + search + hash)}`;
    return `/web/session/logout?redirect=${encodeURIComponent(loginUrl)}`;
}

export const idleLogoutService = {
    dependencies: ["presence"],

    start(env, { presence }) {
        const timeoutMinutes = session.idle_logout_timeout_minutes;
        if (!timeoutMinutes) {
            return;
        }
        const idleTimer = new IdleTimer(timeoutMinutes * 60_000, Date.now());
        const channel = new browser.BroadcastChannel(`idle_user_logout:${session.db}:${user.userId}`);
        let lastBroadcast = 0;
        let checkTimeout;
        let leaving = false;

        async function leave({ tellOtherTabs }) {
            if (leaving) {
                return;
            }
            leaving = true;
            browser.clearTimeout(checkTimeout);
            if (tellOtherTabs) {
                channel.postMessage({ type: "logout" });
            }
            await clearUncommittedChanges(env);
            browser.location.assign(logoutUrl());
        }

        function check() {
            const now = Date.now();
            if (idleTimer.isExpired(now)) {
                leave({ tellOtherTabs: true });
            } else {
                browser.clearTimeout(checkTimeout);
                checkTimeout = browser.setTimeout(check, idleTimer.nextCheckDelay(now));
            }
        }

        function onActivity() {
            const now = Date.now();
            if (idleTimer.recordActivity(now) && now - lastBroadcast >= BROADCAST_THROTTLE_MS) {
                lastBroadcast = now;
                channel.postMessage({ type: "activity", at: now });
            }
        }

        // A return to the tab is checked before it counts: it never revives an expired session.
        function onReturn() {
            check();
            if (!leaving) {
                onActivity();
            }
        }

        channel.addEventListener("message", ({ data }) => {
            if (data.type === "activity") {
                idleTimer.recordActivity(data.at);
            } else if (data.type === "logout") {
                leave({ tellOtherTabs: false });
            }
        });
        presence.bus.addEventListener("presence", onActivity);
        // Only this tab's own focus (a boolean); other tabs' focus arrives as a string.
        env.bus.addEventListener("window_focus", ({ detail }) => detail === true && onReturn());
        document.addEventListener("visibilitychange", () => !document.hidden && check());
        browser.addEventListener("pageshow", check);
        onActivity();
        check();
    },
};

registry.category("services").add("idle_user_logout", idleLogoutService);
