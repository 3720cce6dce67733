"""The idle logout policy, free of the ORM: the settings as a value read from and
written to their parameters, the clamps any stored or entered value goes through, a
user's effective rule from their groups' rules, and the server's verdict on a request
with its grace, keepalive and stamp arithmetic. Times are epoch seconds."""

import math
from typing import NamedTuple

from odoo.tools import str2bool

ENABLED_PARAM = "idle_user_logout.enabled"
TIMEOUT_PARAM = "idle_user_logout.timeout_minutes"
SERVER_ENFORCEMENT_PARAM = "idle_user_logout.server_enforcement"
# When the server enforcement was last turned on: older activity stamps count from then.
ENFORCED_SINCE_PARAM = "idle_user_logout.server_enforcement_since"
MAX_SESSION_HOURS_PARAM = "idle_user_logout.max_session_hours"
# When the session lifetime was last turned on: older logins count from then.
LIFETIME_SINCE_PARAM = "idle_user_logout.max_session_hours_since"
WARNING_PARAM = "idle_user_logout.warning_seconds"
AUDIT_PARAM = "idle_user_logout.audit"
RETENTION_DAYS_PARAM = "idle_user_logout.audit_retention_days"
POLICY_MAX_PARAM = "idle_user_logout.policy_max_minutes"
END_ON_LAST_TAB_PARAM = "idle_user_logout.end_on_last_tab_closed"
# When ending sessions with their last tab was last turned on: older sessions' pages
# were served uncounted.
END_ON_LAST_TAB_SINCE_PARAM = "idle_user_logout.end_on_last_tab_closed_since"
OUTSIDE_TIMEOUT_PARAM = "idle_user_logout.outside_timeout_minutes"
DEFAULT_TIMEOUT_MINUTES = 15
MIN_TIMEOUT_MINUTES = 1
# One year: a larger value means "never" and would overflow the settings column.
MAX_TIMEOUT_MINUTES = 525600
MAX_SESSION_HOURS = 8760
# WCAG 2.2.1: a warning comes at least 20 seconds before the logout.
MIN_WARNING_SECONDS = 20
# A year of session ends on record, as auditors ask (PCI DSS 4.0 10.5.1).
DEFAULT_RETENTION_DAYS = 365
MAX_RETENTION_DAYS = 36500
# A user's rule when one of their groups is exempt.
EXEMPT = "exempt"
# How long past its lifetime the server still accepts a session: its tabs save first.
LIFETIME_GRACE_SECONDS = 60


def clamp(value, default, low, high):
    """A whole number within bounds, for any stored or entered value."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    if math.isnan(number):
        return default
    return int(max(low, min(number, high)))


def clamp_timeout_minutes(value):
    return clamp(
        value, DEFAULT_TIMEOUT_MINUTES, MIN_TIMEOUT_MINUTES, MAX_TIMEOUT_MINUTES
    )


def clamp_session_hours(value):
    """0 (no lifetime) for anything that is not a positive number of hours."""
    return clamp(value, 0, 0, MAX_SESSION_HOURS)


def clamp_warning_seconds(value):
    """0 (silent) for anything that is not a positive number, else at least 20 s."""
    seconds = clamp(value, 0, 0, MAX_TIMEOUT_MINUTES * 60)
    return max(seconds, MIN_WARNING_SECONDS) if seconds else 0


def warning_fits(warning_seconds, timeout_minutes):
    """Whether a warning can be met: it must come before the logout."""
    return warning_seconds < timeout_minutes * 60


def clamp_retention_days(value):
    return clamp(value, DEFAULT_RETENTION_DAYS, 1, MAX_RETENTION_DAYS)


def clamp_rule_minutes(value):
    """A group's rule: 0 (no rule) or whole minutes, at least 1, at most a year; None
    for a value that is no number of minutes (negative, not a number)."""
    try:
        minutes = float(value or 0)
    except (TypeError, ValueError):
        return None
    if minutes < 0 or math.isnan(minutes):
        return None
    return clamp_timeout_minutes(minutes) if minutes else 0


class IdleLogoutSettings(NamedTuple):
    enabled: bool
    timeout_minutes: int
    server_enforcement: bool
    enforced_since: float
    max_session_hours: int
    lifetime_since: float
    warning_seconds: int
    audit: bool
    retention_days: int
    policy_max_minutes: int
    end_on_last_tab_closed: bool
    end_on_last_tab_since: float
    outside_timeout_minutes: int


def read_bool(value, default=False):
    return str2bool(value, default) if value else default


def read_time(value):
    try:
        return float(value or 0)
    except ValueError:
        return 0.0


def read_settings(get_param):
    """The effective settings, whatever is stored; `get_param` reads a parameter."""
    minutes = clamp_timeout_minutes(get_param(TIMEOUT_PARAM) or DEFAULT_TIMEOUT_MINUTES)
    warning = clamp_warning_seconds(get_param(WARNING_PARAM))
    return IdleLogoutSettings(
        enabled=read_bool(get_param(ENABLED_PARAM)),
        timeout_minutes=minutes,
        # On unless an administrator turned it off (OWASP: enforced on the server).
        server_enforcement=read_bool(get_param(SERVER_ENFORCEMENT_PARAM), True),
        enforced_since=read_time(get_param(ENFORCED_SINCE_PARAM)),
        max_session_hours=clamp_session_hours(get_param(MAX_SESSION_HOURS_PARAM)),
        lifetime_since=read_time(get_param(LIFETIME_SINCE_PARAM)),
        # A stored warning as long as the timeout could never be met: silent.
        warning_seconds=warning if warning_fits(warning, minutes) else 0,
        audit=read_bool(get_param(AUDIT_PARAM)),
        retention_days=clamp_retention_days(
            get_param(RETENTION_DAYS_PARAM) or DEFAULT_RETENTION_DAYS
        ),
        # 0 (none) for anything that is not a positive number of minutes.
        policy_max_minutes=clamp(
            get_param(POLICY_MAX_PARAM), 0, 0, MAX_TIMEOUT_MINUTES
        ),
        end_on_last_tab_closed=read_bool(get_param(END_ON_LAST_TAB_PARAM)),
        end_on_last_tab_since=read_time(get_param(END_ON_LAST_TAB_SINCE_PARAM)),
        outside_timeout_minutes=clamp(
            get_param(OUTSIDE_TIMEOUT_PARAM), 0, 0, MAX_TIMEOUT_MINUTES
        ),
    )


def stored_params(settings):
    """The parameters that store `settings` (read back by `read_settings`); when things
    were turned on is stored by `since_params`."""
    return {
        ENABLED_PARAM: str(settings.enabled),
        TIMEOUT_PARAM: str(settings.timeout_minutes),
        SERVER_ENFORCEMENT_PARAM: str(settings.server_enforcement),
        MAX_SESSION_HOURS_PARAM: str(settings.max_session_hours),
        WARNING_PARAM: str(settings.warning_seconds),
        AUDIT_PARAM: str(settings.audit),
        RETENTION_DAYS_PARAM: str(settings.retention_days),
        POLICY_MAX_PARAM: str(settings.policy_max_minutes),
        END_ON_LAST_TAB_PARAM: str(settings.end_on_last_tab_closed),
        OUTSIDE_TIMEOUT_PARAM: str(settings.outside_timeout_minutes),
    }


def since_params(before, after, now):
    """What `after` turns on that `before` had off (or the addon with it), stamped
    `now`: the server counts idle time and lifetimes from then on, and the last tabs of
    the sessions that start after it."""
    switched_on = after.enabled and not before.enabled
    params = {}
    if after.server_enforcement and (switched_on or not before.server_enforcement):
        params[ENFORCED_SINCE_PARAM] = str(int(now))
    if after.max_session_hours and (switched_on or not before.max_session_hours):
        params[LIFETIME_SINCE_PARAM] = str(int(now))
    if after.end_on_last_tab_closed and (
        switched_on or not before.end_on_last_tab_closed
    ):
        params[END_ON_LAST_TAB_SINCE_PARAM] = str(now)
    return params


def group_rule(exempt, timeouts):
    """The rule of a user from their groups' rules (`exempt` flags, `timeouts` in
    minutes, 0 for none): `EXEMPT` if one is exempt, else the shortest timeout, else
    None."""
    if any(exempt):
        return EXEMPT
    return min((minutes for minutes in timeouts if minutes), default=None)


def effective_timeout(rule, settings, outside=False):
    """A user's idle timeout in minutes from their groups' rule (see `group_rule`):
    the rule, else the global timeout; None when exempt. From `outside` the trusted
    networks, the outside timeout, when set, caps it (no exemption there)."""
    minutes = None if rule == EXEMPT else rule or settings.timeout_minutes
    if outside and settings.outside_timeout_minutes:
        return min(
            minutes or settings.outside_timeout_minutes,
            settings.outside_timeout_minutes,
        )
    return minutes


def rule_values(minutes, settings):
    """What a user's pages need of their rule (`minutes`, None: exempt): the timeout
    (False: exempt), how often a page in use tells the server (False: never), and the
    warning when on, within a rule shorter than it."""
    values = {
        "idle_logout_timeout_minutes": minutes or False,
        # The server refuses on the user's own timeout: a page reports within it.
        "idle_logout_keepalive": settings.server_enforcement
        and keepalive_seconds(minutes or settings.timeout_minutes),
    }
    warning = settings.warning_seconds
    if warning and minutes:
        # A rule shorter than the warning is warned at half of it (20 s at least).
        fits = warning_fits(warning, minutes)
        values["idle_logout_warning_seconds"] = warning if fits else minutes * 30
    return values


def beyond_policy(minutes, maximum):
    """Whether a user's timeout (None: exempt) goes beyond the policy maximum (0 or
    less: none)."""
    return maximum > 0 and (minutes is None or minutes > maximum)


def lifetime_start(login, settings):
    """When the session's lifetime started: its login, or the switch if later."""
    return max(login, settings.lifetime_since)


def stamp_interval_seconds(timeout_minutes):
    """How often a session's activity stamp is written: a quarter of the timeout, one
    minute at most."""
    return min(60, timeout_minutes * 15)


def keepalive_seconds(timeout_minutes):
    """How often a page in use reports activity to the server: a third of the timeout,
    one minute at most."""
    return min(60, timeout_minutes * 20)


def grace_seconds(timeout_minutes):
    """How long past the timeout the server still accepts a session: the browser reports
    activity once per keepalive period, and the stamp may lag one interval more."""
    return keepalive_seconds(timeout_minutes) + stamp_interval_seconds(timeout_minutes)


def verdict(now, seen, login, settings, minutes, background=False):
    """What the server does with a request of a session, from its stamps alone.

    :param float now: the time of the request
    :param seen: the session's activity stamp; None when it has none yet (older than
        the switch or the addon: counted from the switch); False for a session never
        enforced (a portal user's)
    :param float login: the session's login stamp, when the settings give sessions a
        lifetime
    :param settings: the effective settings, with the server enforcement on
    :param minutes: the user's idle timeout; None for a user exempt from it, whose
        activity is still stamped (a rule may come later) but never refused
    :param bool background: a request the web client makes on its own, which is no
        activity
    :return: why the request is refused (``"server_idle"``, ``"lifetime"``) or None; and
        the activity stamp the session gets now, or None to leave it as it is
    """
    if seen is False:
        return None, None
    stamp = None
    if seen is None:
        seen = stamp = settings.enforced_since or now
    seen = max(seen, settings.enforced_since)
    hours = settings.max_session_hours
    if hours and now - lifetime_start(login, settings) > (
        hours * 3600 + LIFETIME_GRACE_SECONDS
    ):
        return "lifetime", None
    if minutes and now - seen > minutes * 60 + grace_seconds(minutes):
        return "server_idle", None
    interval = stamp_interval_seconds(minutes or settings.timeout_minutes)
    if now - seen >= interval and not background:
        stamp = now
    return None, stamp
