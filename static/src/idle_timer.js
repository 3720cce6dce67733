/**
 * The idle decision, free of Odoo and of the DOM, and the user's rule it follows: times are
 * epoch milliseconds.
 */

/** The longest a tab waits between two checks. */
export const CHECK_INTERVAL_MS = 5000;

export class IdleTimer {
    /**
     * @param {number} timeoutMs idle time after which the user is logged out (Infinity: never)
     * @param {number} now time at which the timer starts, counted as activity
     * @param {number} endsAt end of the session's lifetime, whatever the activity
     * @param {number} warningMs how long before the logout the user is warned (0: never)
     */
    constructor(timeoutMs, now, endsAt = Infinity, warningMs = 0) {
        this.timeoutMs = timeoutMs;
        this.lastActivity = now;
        this.endsAt = endsAt;
        this.warningMs = warningMs;
        /** Work without input (a blocked screen, an upload, a call) at the last look. */
        this.working = false;
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

    /**
     * Notes whether work without input goes on at `now`: while it does, and when it ends,
     * the session is in use. Returns whether it was.
     */
    noteWork(now, busy) {
        const worked = busy || this.working;
        this.working = busy;
        if (worked) {
            this.recordOtherTabActivity(now);
        }
        return worked;
    }

    isExpired(now) {
        return now >= this.deadline;
    }

    isOverLifetime(now) {
        return now >= this.endsAt;
    }

    /** When the idle logout comes, unless activity is counted before. */
    get deadline() {
        return this.lastActivity + this.timeoutMs;
    }

    /** Whether the user is to be warned now: the logout is near, and not yet due. */
    isWarning(now) {
        return this.warningMs > 0 && now >= this.deadline - this.warningMs && !this.isExpired(now);
    }

    /**
     * Delay until the next check: the 5-second cadence, or a deadline if sooner; Infinity
     * when there is none to wait for (an exempt user's session without a lifetime).
     */
    nextCheckDelay(now) {
        const warnAt = this.deadline - this.warningMs;
        const deadline = Math.min(this.deadline, this.endsAt, warnAt > now ? warnAt : Infinity);
        if (deadline === Infinity) {
            return Infinity;
        }
        return Math.max(0, Math.min(CHECK_INTERVAL_MS, deadline - now));
    }
}

/**
 * The user's rule as the server gives it, in the page's session values or on the bus when it
 * changes: the idle timeout, the warning before it, and how often the server hears of
 * activity. Outside the trusted networks, the rule that holds there, when the server gives one.
 * @param {Object} values the server's values (`idle_logout_timeout_minutes`...)
 * @param {boolean} outside whether the session's requests come from outside the trusted networks
 * @returns {{ timeoutMs: number, warningMs: number, keepaliveMs: number } | null} in ms: no
 *   timeout (Infinity) for an exempt user, no warning or keepalive (0) when off; null when
 *   the addon is turned off
 */
export function ruleOf(values, outside) {
    const {
        idle_logout_timeout_minutes: minutes,
        idle_logout_warning_seconds: warningSeconds,
        idle_logout_keepalive: keepalive,
    } = (outside && values.idle_logout_outside_rule) || values;
    if (minutes === undefined) {
        return null;
    }
    return {
        timeoutMs: minutes ? minutes * 60_000 : Infinity,
        warningMs: warningSeconds * 1000 || 0,
        keepaliveMs: keepalive * 1000 || 0,
    };
}
