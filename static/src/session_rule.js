/**
 * The user's rule as the server gives it, in the page's session values or on the bus when it
 * changes: the idle timeout, the warning before it, and how often the server hears of
 * activity. Outside the trusted networks, the rule that holds there, when the server gives one.
 */

/**
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
