import { browser } from "@web/core/browser/browser";
import { rpc } from "@web/core/network/rpc";

/** Where the pages of the session (one per origin: one cookie) talk to each other. */
export const CHANNEL_NAME = "idle_user_logout";
/** Activity is shared with the other pages at most this often (a burst of keys is one message). */
export const BROADCAST_THROTTLE_MS = 1000;
/** The session's last activity, kept in the browser under a key of that session alone. */
const STORAGE_PREFIX = "idle_user_logout.activity.";

/** The tabs' channel; without BroadcastChannel (older browsers), a tab on its own. */
export function openChannel() {
    try {
        if (browser.BroadcastChannel) {
            return new browser.BroadcastChannel(CHANNEL_NAME);
        }
    } catch (error) {
        console.error("idle_user_logout:", error);
    }
    return new EventTarget();
}

/**
 * The session's last activity (epoch ms), kept where its later pages find it: a reopened
 * browser, a reload, a discarded tab or a new one knows how long the session was idle.
 * One session per origin at a time: the keys of earlier sessions are dropped.
 * @param {string} [sessionKey] the session's own key, from `session_info`
 */
export function storedActivity(sessionKey) {
    const key = sessionKey && STORAGE_PREFIX + sessionKey;
    const storage = browser.localStorage;
    try {
        const stale = [...Array(storage.length).keys()]
            .map((index) => storage.key(index))
            .filter((name) => name.startsWith(STORAGE_PREFIX) && name !== key);
        stale.forEach((name) => storage.removeItem(name));
    } catch {
        // Storage may be off limits (privacy settings): each page then starts afresh.
    }
    return {
        read() {
            try {
                return (key && Number(storage.getItem(key))) || 0;
            } catch {
                return 0;
            }
        },
        write(at) {
            try {
                if (key) {
                    storage.setItem(key, String(at));
                }
            } catch {
                // As above: the other tabs still hear of it on the channel.
            }
        },
    };
}

/**
 * Shares this page's activity: kept for the session's later pages, told to its other
 * tabs at most once a second, and to the server at most once per keepalive period.
 * @param {{ channel: EventTarget, store: ReturnType<storedActivity>, keepaliveMs: number }} params
 */
export function activityReporter({ channel, store, keepaliveMs }) {
    let lastBroadcast = 0;
    // The page's own load was a request: the server has seen the session just now.
    let lastKeepalive = Date.now();
    /**
     * @param {number} at when the activity happened
     * @param {{ urgent?: boolean, toServer?: boolean }} options urgent: not throttled
     */
    return (at, { urgent = false, toServer = false } = {}) => {
        store.write(at);
        if (urgent || at - lastBroadcast >= BROADCAST_THROTTLE_MS) {
            lastBroadcast = at;
            channel.postMessage?.({ type: "activity", at });
        }
        if (toServer && keepaliveMs < Infinity && (urgent || at - lastKeepalive >= keepaliveMs)) {
            lastKeepalive = at;
            rpc("/web/session/check", {}, { silent: true }).catch(() => {});
        }
    };
}
