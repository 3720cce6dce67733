"""The Auto Logout block of General Settings: its fields, read from and written to
their parameters (see `policy`), the checks of what is entered, and the buttons of its
boxes. Who gets which timeout is said by the rules (`res.users`)."""

import time

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import ormcache

from .policy import (
    DEFAULT_RETENTION_DAYS,
    DEFAULT_TIMEOUT_MINUTES,
    MAX_TIMEOUT_MINUTES,
    clamp_retention_days,
    clamp_session_hours,
    clamp_timeout_minutes,
    clamp_warning_seconds,
    read_settings,
    since_params,
    stored_params,
    warning_fits,
)


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
        return read_settings(self.env["ir.config_parameter"].sudo().get_param)

    @api.depends(
        "idle_logout_timeout_minutes",
        "idle_logout_policy_max_minutes",
        "idle_logout_outside_timeout_minutes",
    )
    def _compute_idle_logout_rules_summary(self):
        """Who gets which timeout with the values being entered (see
        `res.users._idle_logout_who_gets_what`)."""
        users = self.env["res.users"].sudo().search([("share", "=", False)])
        stored = self._idle_logout_settings()
        for record in self:
            settings = stored._replace(
                timeout_minutes=clamp_timeout_minutes(
                    record.idle_logout_timeout_minutes
                ),
                outside_timeout_minutes=max(
                    0, record.idle_logout_outside_timeout_minutes
                ),
            )
            record.update(
                users._idle_logout_who_gets_what(
                    settings, record.idle_logout_policy_max_minutes
                )
            )

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

    def action_idle_logout_exempt_users(self):
        """The internal users never logged out for inactivity, by name."""
        return self.idle_logout_exempt_user_ids._idle_logout_list_action(
            self.env._("Never Logged Out for Inactivity")
        )

    def action_idle_logout_beyond_policy_users(self):
        """The internal users whose timeout exceeds the policy maximum, or exempt."""
        return self.idle_logout_beyond_policy_user_ids._idle_logout_list_action(
            self.env._("Beyond the Policy Maximum")
        )

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

    @api.model_create_multi
    def create(self, vals_list):
        # Text where a number goes (an API client, an import): the addon says where.
        for vals in vals_list:
            for name, value in vals.items():
                field = self._fields.get(name)
                integer = field is not None and field.type == "integer"
                if not (integer and name.startswith("idle_logout_")):
                    continue
                try:
                    int(value or 0)
                except (TypeError, ValueError):
                    raise ValidationError(
                        self.env._(
                            "%(setting)s is a whole number: “%(value)s” is not one.",
                            setting=field._description_string(self.env),
                            value=value,
                        )
                    ) from None
        return super().create(vals_list)

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
        before = self._idle_logout_settings()
        after = self._idle_logout_entered(before)
        icp = self.env["ir.config_parameter"].sudo()
        params = {**since_params(before, after, time.time()), **stored_params(after)}
        for param, value in params.items():
            icp.set_param(param, value)
        # Off, the addon keeps no one's unsaved changes any more.
        if before.enabled and not after.enabled:
            self.env["idle_user_logout.draft"]._remove_all()
        return res

    def _idle_logout_entered(self, before):
        """The settings as entered, clamped (see `policy`); refused, saying why, where
        they cannot hold."""
        minutes = clamp_timeout_minutes(self.idle_logout_timeout_minutes)
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
        return before._replace(
            enabled=bool(self.idle_logout_enabled),
            timeout_minutes=minutes,
            server_enforcement=bool(self.idle_logout_server_enforcement),
            max_session_hours=clamp_session_hours(self.idle_logout_max_session_hours),
            warning_seconds=warning,
            audit=bool(self.idle_logout_audit),
            retention_days=clamp_retention_days(self.idle_logout_audit_retention_days),
            policy_max_minutes=min(
                self.idle_logout_policy_max_minutes, MAX_TIMEOUT_MINUTES
            ),
            end_on_last_tab_closed=bool(self.idle_logout_end_on_last_tab_closed),
            outside_timeout_minutes=outside,
        )
