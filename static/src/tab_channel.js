/**
 * The pages of a session and what they tell each other (activity, leaving, saving, staying),
 * the session's last activity kept in the browser for its later pages, activity reported to
 * the server. The addon never crashes the page: what the pages tell each other, and every
 * handler of the addon, runs `guarded`.
 */
import { browser } from "@web/core/browser/browser";
import { rpc } from "@web/core/network/rpc";
import { delay } from "@web/core/utils/concurrency";

/** Where the pages of the session (one per origin: one cookie) talk to each other. */
export const CHANNEL_NAME = "idle_user_logout";
/** Activity is shared with the other pages at most this often (a burst of keys is one message). */
const BROADCAST_THROTTLE_MS = 1000;
/** A leaving page gives the others this long to say that they save their changes... */
const SAVE_ANSWER_MS = 100;
/** ...and waits this long in all for the saves; a page that follows it, as long. */
export const LEAVE_TIMEOUT_MS = SAVE_ANSWER_MS + 3000;
/** The session's last activity, kept in the browser under a key of that session alone. */
const STORAGE_PREFIX = "idle_user_logout.activity.";
/** A request that is no activity (see ir_http.py). */
const PING_URL = "/idle_user_logout/ping";

/** Runs `fn`, logging its errors to the console. */
export function guarded(fn) {
    return async (...args) => {
        try {
            return await fn(...args);
        } catch (error) {
            console.error("idle_user_logout:", error);
        }
    };
}

/**
 * The pages of a session and what they tell each other, posted with `post(type, data)`:
 * - `activity` `{ at }`: a page counted activity at `at` (epoch ms);
 * - `leave` `{ reason }`: a page ends the session, the others save their changes and follow;
 * - `saving`, then `saved`: a page saves its changes first (the leaving page waits);
 * - `stay`: the leaving page stays after all (another was in use), and so do its followers;
 * - `logout` `{ reason }`: the session ends now.
 * `reason` is `"idle"`, `"lifetime"`, or none: logged out by hand.
 *
 * The session's last activity is also kept where its later pages find it: a reopened
 * browser, a reload, a discarded tab or a new one knows how long the session was idle.
 *
 * @param {{ sessionKey?: string, keepaliveMs: number, onMessage: Function }} params the
 *   session's own key (from `session_info`), how often the server hears of activity (0:
 *   never; the user's rule sets it, and may change it), and what this page does with the
 *   messages of the others (guarded)
 */
export function tabChannel({ sessionKey, keepaliveMs, onMessage }) {
    const key = sessionKey && STORAGE_PREFIX + sessionKey;
    const storage = browser.localStorage;
    let channel;
    try {
        channel = new browser.BroadcastChannel(CHANNEL_NAME);
    } catch {
        // Without BroadcastChannel (older browsers), a page on its own.
        channel = new EventTarget();
    }
    let othersSaving = 0;
    let lastBroadcast = 0;
    // The page's own load was a request: the server has seen the session just now.
    let lastKeepalive = Date.now();
    // One session per origin at a time: the keys of earlier sessions are dropped.
    for (const name of Object.keys(storage)) {
        if (name.startsWith(STORAGE_PREFIX) && name !== key) {
            storage.removeItem(name);
        }
    }
    const post = (type, data) => channel.postMessage?.({ type, ...data });
    const deliver = guarded(onMessage);
    channel.addEventListener("message", ({ data }) => {
        othersSaving += { saving: 1, saved: -1 }[data.type] || 0;
        deliver(data);
    });

    return {
        post,
        keepaliveMs,

        /** The session's last activity in any of its pages, as they stored it. */
        storedActivity() {
            return (key && Number(storage.getItem(key))) || 0;
        },

        /**
         * Shares this page's activity: kept for the session's later pages, told to its
         * other tabs at most once a second, to the server at most once per keepalive.
         * @param {{ urgent?: boolean, toServer?: boolean }} options urgent: not throttled
         */
        report(at, { urgent, toServer } = {}) {
            try {
                if (key) {
                    storage.setItem(key, String(at));
                }
            } catch {
                // The storage is full: the other tabs still hear of it on the channel.
            }
            if (urgent || at - lastBroadcast >= BROADCAST_THROTTLE_MS) {
                lastBroadcast = at;
                post("activity", { at });
            }
            const period = this.keepaliveMs;
            if (toServer && period && (urgent || at - lastKeepalive >= period)) {
                lastKeepalive = at;
                rpc("/web/session/check", {}, { silent: true }).catch(() => {});
            }
        },

        /** A request that is no activity: the server sees the network this page comes from. */
        ping() {
            rpc(PING_URL, {}, { silent: true }).catch(() => {});
        },

        /** This page's save and the other pages', waited for `LEAVE_TIMEOUT_MS` at most. */
        async allSaved(saved) {
            const deadline = Date.now() + LEAVE_TIMEOUT_MS;
            const othersSaved = delay(SAVE_ANSWER_MS).then(async () => {
                while (othersSaving > 0 && Date.now() < deadline) {
                    await delay(50);
                }
            });
            // A save the server never answers does not keep the session: it is given up.
            await Promise.race([Promise.all([saved, othersSaved]), delay(LEAVE_TIMEOUT_MS)]);
        },
    };
}
