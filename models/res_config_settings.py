import math
import time
from collections import Counter
from typing import NamedTuple

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import ormcache, str2bool

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


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    idle_logout_enabled = fields.Boolean(
        string="Log Out Idle Users",
        help="Log internal users out of the web client after a period of inactivity.",
    )
    idle_logout_timeout_minutes = fields.Integer(
        string="Idle Timeout (minutes)",
        default=DEFAULT_TIMEOUT_MINUTES,
        help="Minutes without a click, a key press or a return to the Odoo tab "
        "before the user is logged out. The minimum is 1 minute.",
    )
    idle_logout_server_enforcement = fields.Boolean(
        string="Also end idle sessions on the server",
        help="On by default: the server refuses a session idle for longer than the "
        "timeout (plus a grace of 2 minutes at most), even if its browser was closed, "
        "its scripts never ran or its cookie was copied, as OWASP asks of an idle "
        "timeout. Costs one small request a minute at most while the user works, "
        "none while idle.",
    )
    idle_logout_max_session_hours = fields.Integer(
        string="Session Lifetime (hours)",
        help="End every session this many hours after its login, whatever the "
        "activity. 0 means no limit.",
    )
    idle_logout_warning_seconds = fields.Integer(
        string="Warning (seconds)",
        help="Show a warning this many seconds before the logout, with a button to "
        "stay logged in (WCAG 2.2.1). 0 means no warning: the logout is silent. At "
        "least 20 seconds, and less than the timeout. Users whose group rule is "
        "shorter than the warning are warned at half of their timeout.",
    )
    idle_logout_audit = fields.Boolean(
        string="Record Every Session End",
        help="Record every session of an internal user that ends, whatever ended it "
        "(inactivity, its lifetime, Log out, a revoked device, its last tab closed, a "
        "refused single sign-on): who, when, after how long, under which timeout and "
        "from which device.",
    )
    idle_logout_policy_max_minutes = fields.Integer(
        string="Policy Maximum (minutes)",
        help="The longest idle timeout your security policy allows (15 minutes for "
        "PCI DSS 4.0 8.2.8): users whose timeout is longer, or who are exempt, are "
        "pointed out here and in the policy report. 0 means none.",
    )
    idle_logout_beyond_policy_user_ids = fields.Many2many(
        "res.users",
        string="Beyond the Policy Maximum",
        compute="_compute_idle_logout_rules_summary",
    )
    idle_logout_outside_timeout_minutes = fields.Integer(
        string="Timeout Outside Trusted Networks (minutes)",
        help="Where trusted networks are set: from any other network, every user's "
        "idle timeout is at most this, and no exemption holds there. 0 means none.",
    )
    idle_logout_outside_summary = fields.Char(
        string="Outside Trusted Networks",
        compute="_compute_idle_logout_rules_summary",
    )
    idle_logout_end_on_last_tab_closed = fields.Boolean(
        string="End the Session When Its Last Tab Closes",
        help="For shared computers: closing every Odoo tab of a session (or the "
        "browser) ends it about 10 seconds later. A reload, a page opened in Odoo "
        "or another tab still open keeps it. Applies to sessions started after it "
        "is turned on.",
    )
    idle_logout_rules_summary = fields.Char(
        string="Who Gets Which Timeout",
        compute="_compute_idle_logout_rules_summary",
    )
    idle_logout_exempt_user_ids = fields.Many2many(
        "res.users",
        string="Exempt Users",
        compute="_compute_idle_logout_rules_summary",
    )
    idle_logout_nobody_logged_out = fields.Boolean(
        string="Nobody Logged Out",
        compute="_compute_idle_logout_rules_summary",
    )
    idle_logout_sso_summary = fields.Text(
        string="After an Idle Logout, Single Sign-On",
        compute="_compute_idle_logout_sso_summary",
    )
    idle_logout_audit_retention_days = fields.Integer(
        string="Keep Log Entries (days)",
        default=DEFAULT_RETENTION_DAYS,
        help="Older entries are removed every day. At least 1 day.",
    )

    @api.model
    @ormcache(cache="stable")
    def _idle_logout_settings(self):
        """Effective settings, whatever is stored; cached until parameters change."""
        get_param = self.env["ir.config_parameter"].sudo().get_param
        minutes = clamp_timeout_minutes(
            get_param(TIMEOUT_PARAM) or DEFAULT_TIMEOUT_MINUTES
        )
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

    @api.depends(
        "idle_logout_timeout_minutes",
        "idle_logout_policy_max_minutes",
        "idle_logout_outside_timeout_minutes",
    )
    def _compute_idle_logout_rules_summary(self):
        """How many internal users have each effective timeout, and who is exempt; the
        same outside the trusted networks, where there are some."""
        users = self.env["res.users"].sudo().search([("share", "=", False)])
        stored = self._idle_logout_settings()
        networks = bool(self.env["idle_user_logout.network"]._trusted())
        for record in self:
            settings = stored._replace(
                timeout_minutes=clamp_timeout_minutes(
                    record.idle_logout_timeout_minutes
                ),
                outside_timeout_minutes=max(
                    0, record.idle_logout_outside_timeout_minutes
                ),
            )
            timeouts = {
                user: user._idle_logout_timeout_minutes(settings) for user in users
            }
            exempt = users.filtered(lambda user, t=timeouts: t[user] is None)
            record.idle_logout_rules_summary = self._idle_logout_summary(timeouts)
            record.idle_logout_outside_summary = networks and self._idle_logout_summary(
                {
                    user: user._idle_logout_timeout_minutes(settings, True)
                    for user in users
                }
            )
            record.idle_logout_exempt_user_ids = exempt
            record.idle_logout_nobody_logged_out = bool(users) and exempt == users
            maximum = record.idle_logout_policy_max_minutes
            record.idle_logout_beyond_policy_user_ids = maximum > 0 and users.filtered(
                lambda user, t=timeouts, m=maximum: t[user] is None or t[user] > m
            )

    def _idle_logout_summary(self, timeouts):
        """'3 internal users after 5 min · 1 internal user never (exempt)'."""
        counts = Counter(timeout for timeout in timeouts.values() if timeout)
        parts = [
            self.env._(
                "%(users)s after %(minutes)s min",
                users=self._idle_logout_users_label(count),
                minutes=timeout,
            )
            for timeout, count in sorted(counts.items())
        ]
        exempt = sum(timeout is None for timeout in timeouts.values())
        if exempt:
            parts.append(
                self.env._(
                    "%(users)s never (exempt)",
                    users=self._idle_logout_users_label(exempt),
                )
            )
        return " · ".join(parts)

    def _compute_idle_logout_sso_summary(self):
        """What the next sign-in through each enabled identity provider does after an
        idle logout (the SSO bridges say it); empty without single sign-on."""
        summary = "\n".join(self._idle_logout_sso_lines())
        for settings in self:
            settings.idle_logout_sso_summary = summary

    def _idle_logout_sso_lines(self):
        """One line per SSO module installed without its bridge, then one per enabled
        identity provider (the SSO bridges add theirs)."""
        return self.env["ir.module.module"]._idle_logout_missing_bridges()

    def _idle_logout_users_label(self, count):
        if count == 1:
            return self.env._("1 internal user")
        return self.env._("%(count)s internal users", count=count)

    def action_idle_logout_exempt_users(self):
        """The internal users never logged out for inactivity, by name."""
        return self._idle_logout_users_action(
            self.env._("Never Logged Out for Inactivity"),
            self.idle_logout_exempt_user_ids,
        )

    def action_idle_logout_beyond_policy_users(self):
        """The internal users whose timeout exceeds the policy maximum, or exempt."""
        return self._idle_logout_users_action(
            self.env._("Beyond the Policy Maximum"),
            self.idle_logout_beyond_policy_user_ids,
        )

    def _idle_logout_users_action(self, name, users):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "res.users",
            "view_mode": "list,form",
            "domain": [("id", "in", users.ids)],
        }

    def action_idle_logout_print_policy(self):
        """The policy as configured now, as a printable report (PDF)."""
        report = self.env.ref("idle_user_logout.action_report_policy")
        # The internal layout: no company document layout to configure first.
        return report.report_action(self, config=False)

    @api.onchange(
        "idle_logout_timeout_minutes",
        "idle_logout_max_session_hours",
        "idle_logout_warning_seconds",
    )
    def _onchange_idle_logout_numbers(self):
        self.idle_logout_timeout_minutes = clamp_timeout_minutes(
            self.idle_logout_timeout_minutes
        )
        self.idle_logout_max_session_hours = clamp_session_hours(
            self.idle_logout_max_session_hours
        )
        self.idle_logout_warning_seconds = clamp_warning_seconds(
            self.idle_logout_warning_seconds
        )

    @api.model
    def get_values(self):
        res = super().get_values()
        settings = self._idle_logout_settings()
        res.update(
            idle_logout_enabled=settings.enabled,
            idle_logout_timeout_minutes=settings.timeout_minutes,
            idle_logout_server_enforcement=settings.server_enforcement,
            idle_logout_max_session_hours=settings.max_session_hours,
            idle_logout_warning_seconds=settings.warning_seconds,
            idle_logout_audit=settings.audit,
            idle_logout_audit_retention_days=settings.retention_days,
            idle_logout_policy_max_minutes=settings.policy_max_minutes,
            idle_logout_end_on_last_tab_closed=settings.end_on_last_tab_closed,
            idle_logout_outside_timeout_minutes=settings.outside_timeout_minutes,
        )
        return res

    def set_values(self):
        res = super().set_values()
        minutes = clamp_timeout_minutes(self.idle_logout_timeout_minutes)
        enforcement = bool(self.idle_logout_server_enforcement)
        hours = clamp_session_hours(self.idle_logout_max_session_hours)
        warning = clamp_warning_seconds(self.idle_logout_warning_seconds)
        if not warning_fits(warning, minutes):
            raise ValidationError(
                self.env._(
                    "The warning must come before the logout: less than %(seconds)s "
                    "seconds with a %(minutes)s-minute timeout.",
                    seconds=minutes * 60,
                    minutes=minutes,
                )
            )
        if self.idle_logout_audit_retention_days < 1:
            raise ValidationError(
                self.env._(
                    "Session ends are kept at least 1 day: enter a number of days."
                )
            )
        outside = self.idle_logout_outside_timeout_minutes
        if outside < 0 or (outside and outside >= minutes):
            raise ValidationError(
                self.env._(
                    "The timeout outside the trusted networks is shorter than the "
                    "global one (%(minutes)s min): 0 for none, otherwise at most "
                    "%(longest)s minutes.",
                    minutes=minutes,
                    longest=minutes - 1,
                )
            )
        if self.idle_logout_policy_max_minutes < 0:
            raise ValidationError(
                self.env._(
                    "The policy maximum is a number of minutes: 0 for none, "
                    "otherwise at least 1."
                )
            )
        icp = self.env["ir.config_parameter"].sudo()
        before = self._idle_logout_settings()
        enabled = bool(self.idle_logout_enabled)
        # The pages open follow the addon turned on or off, a new timeout or warning.
        if (enabled, minutes, warning, enforcement) != (
            before.enabled,
            before.timeout_minutes,
            before.warning_seconds,
            before.server_enforcement,
        ):
            users = self.env["res.users"].sudo().search([("share", "=", False)])
            users._idle_logout_watch_rules()
        # Turned on, the server counts idle time and lifetimes from then on.
        switched_on = enabled and not before.enabled
        if enforcement and (switched_on or not before.server_enforcement):
            icp.set_param(ENFORCED_SINCE_PARAM, str(int(time.time())))
        if hours and (switched_on or not before.max_session_hours):
            icp.set_param(LIFETIME_SINCE_PARAM, str(int(time.time())))
        last_tab = bool(self.idle_logout_end_on_last_tab_closed)
        if last_tab and (switched_on or not before.end_on_last_tab_closed):
            icp.set_param(END_ON_LAST_TAB_SINCE_PARAM, str(time.time()))
        icp.set_param(ENABLED_PARAM, str(enabled))
        icp.set_param(TIMEOUT_PARAM, str(minutes))
        icp.set_param(SERVER_ENFORCEMENT_PARAM, str(enforcement))
        icp.set_param(MAX_SESSION_HOURS_PARAM, str(hours))
        icp.set_param(WARNING_PARAM, str(warning))
        icp.set_param(AUDIT_PARAM, str(bool(self.idle_logout_audit)))
        icp.set_param(
            RETENTION_DAYS_PARAM,
            str(clamp_retention_days(self.idle_logout_audit_retention_days)),
        )
        icp.set_param(
            POLICY_MAX_PARAM,
            str(min(self.idle_logout_policy_max_minutes, MAX_TIMEOUT_MINUTES)),
        )
        icp.set_param(END_ON_LAST_TAB_PARAM, str(last_tab))
        icp.set_param(OUTSIDE_TIMEOUT_PARAM, str(outside))
        # Off, the addon keeps no one's unsaved changes any more.
        if before.enabled and not enabled:
            self.env["idle_user_logout.draft"]._remove_all()
        return res
