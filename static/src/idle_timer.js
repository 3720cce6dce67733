/**
 * The idle decision, free of Odoo and of the DOM: times are epoch milliseconds.
 */

/** The longest a tab waits between two checks. */
export const CHECK_INTERVAL_MS = 5000;
/** Where the pages of the session (one per origin: one cookie) talk to each other. */
export const CHANNEL_NAME = "idle_user_logout";
/** Activity is shared with the other pages at most this often (a burst of keys is one message). */
export const BROADCAST_THROTTLE_MS = 1000;

export class IdleTimer {
    /**
     * @param {number} timeoutMs idle time after which the user is logged out
     * @param {number} now time at which the timer starts, counted as activity
     * @param {number} endsAt end of the session's lifetime, whatever the activity
     */
    constructor(timeoutMs, now, endsAt = Infinity) {
        this.timeoutMs = timeoutMs;
        this.lastActivity = now;
        this.endsAt = endsAt;
    }

    /**
     * Counts activity at `at`, unless the timeout has already passed: a late event never
     * brings an expired session back. Returns whether it was counted.
     */
    recordActivity(at) {
        if (this.isExpired(at)) {
            return false;
        }
        this.lastActivity = Math.max(this.lastActivity, at);
        return true;
    }

    /** Counts another tab's activity: that tab shares only activity it counted itself. */
    recordOtherTabActivity(at) {
        this.lastActivity = Math.max(this.lastActivity, at);
    }

    isExpired(now) {
        return now - this.lastActivity >= this.timeoutMs;
    }

    isOverLifetime(now) {
        return now >= this.endsAt;
    }

    /** Delay until the next check: the 5-second cadence, or a deadline if sooner. */
    nextCheckDelay(now) {
        const deadline = Math.min(this.lastActivity + this.timeoutMs, this.endsAt);
        return Math.max(0, Math.min(CHECK_INTERVAL_MS, deadline - now));
    }
}
