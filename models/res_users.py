"""The rules as they fall on users: each user's effective timeout from their groups
(see `policy`), what their pages need of it and are told when it changes, who gets which
timeout for the settings; and a single sign-on refused when it does not come from an
authentication after the addon last logged the user out."""

import calendar
from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import AccessDenied
from odoo.http import request

from .policy import beyond_policy, effective_timeout, rule_values
from .single_sign_on import SSO_REFUSED_KEY, SSO_REPLAYED

# Provider clocks drift; below the 1-min shortest timeout, this lets no passer-by in.
CLOCK_LEEWAY_SECONDS = 5
# What the pages of a user hear when their rule changes; no values: the addon is off.
RULE_CHANGED = "idle_user_logout/rule"
# The rule values of the user's pages outside the trusted networks, in the values above.
OUTSIDE_RULE = "idle_logout_outside_rule"
# The rule values of the users a transaction may change, as they were before it.
RULES_BEFORE = "idle_user_logout.rules_before"


class ResUsers(models.Model):
    _inherit = "res.users"

    idle_logout_ended_at = fields.Datetime(
        "Last Logged Out by Idle Logout",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="When the addon last ended a session of this user (inactivity, lifetime): "
        "a later single sign-on must come from an authentication at the identity "
        "provider after it.",
    )

    def _idle_logout_authenticated_since_ended(
        self, authenticated_at, leeway=CLOCK_LEEWAY_SECONDS
    ):
        """Whether an identity provider's authentication of this user at
        `authenticated_at` (epoch seconds; None when it does not say) came after the
        addon last logged them out: else its single sign-on could put a passer-by back
        into their session. `leeway`: for the clock `authenticated_at` comes from."""
        self.ensure_one()
        ended = self.sudo().idle_logout_ended_at
        if not (
            ended and self.env["res.config.settings"]._idle_logout_settings().enabled
        ):
            return True
        ended_at = calendar.timegm(ended.timetuple())
        return bool(authenticated_at) and authenticated_at >= ended_at - leeway

    def _idle_logout_check_fresh_sign_on(
        self, authenticated_at, replayed=False, leeway=CLOCK_LEEWAY_SECONDS
    ):
        """Refuses a single sign-on of this user that does not come from an
        authentication after the addon last logged them out (see
        `_idle_logout_authenticated_since_ended`): the SSO bridge's sign-in route then
        leads to the login page (`login_page.sign_on_refused`). Called
        before the sign-in stores anything a session could be opened with.

        :param bool replayed: `authenticated_at` is when the sign-in's token was
            issued or first used (no provider says when the person authenticated): a
            refusal says the sign-in is an older one, replayed
        :param int leeway: seconds the clock of `authenticated_at` may be behind
        """
        if self._idle_logout_authenticated_since_ended(authenticated_at, leeway):
            return
        if request:
            request.session[SSO_REFUSED_KEY] = SSO_REPLAYED if replayed else 1
            session_end = self.env["idle_user_logout.session_end"]
            session_end._record_refused_sign_on(self)
        raise AccessDenied()

    def modified(self, fnames, create=False, before=False):
        # Every write of a user's groups passes here first, whichever module makes it
        # (OCA base_user_role writes them past this model's write).
        if before and "group_ids" in fnames and self.ids:
            self._idle_logout_watch_rules(memberships=True)
        return super().modified(fnames, create=create, before=before)

    def _idle_logout_timeout_minutes(self, settings, outside=False):
        """The user's idle timeout in minutes (see `policy.effective_timeout`): the
        shortest of their groups' rules, else the global one; None when a group of
        theirs is exempt. From `outside` the trusted networks, the rules held only there
        do not count. No query once cached."""
        self.ensure_one()
        groups = self.env["res.groups"].browse(self._get_group_ids())
        rule = groups._idle_logout_rule(outside=outside)
        return effective_timeout(rule, settings, outside)

    def _idle_logout_rule_groups(self, settings):
        """The groups the user's rule comes from: those that exempt them, else those
        whose timeout is theirs; none when the global timeout applies."""
        groups = self.env["res.groups"].sudo().browse(self._get_group_ids())
        exempting = groups.filtered("idle_logout_exempt")
        if exempting:
            return exempting
        minutes = self._idle_logout_timeout_minutes(settings)
        return groups.filtered(
            lambda group: group.idle_logout_timeout_minutes == minutes
        )

    def _idle_logout_rule_values(self, settings, outside=False):
        """What the user's pages need of their rule (session_info, and the bus when it
        changes; see `policy.rule_values`)."""
        return rule_values(
            self._idle_logout_timeout_minutes(settings, outside), settings
        )

    def _idle_logout_rules(self):
        """The rule values of the internal users among these, by id; none when off."""
        settings = self.env["res.config.settings"]._idle_logout_settings()
        if not settings.enabled:
            return {}
        # Where there are trusted networks, the pages outside them take the other rule.
        networks = bool(self.env["idle_user_logout.network"]._trusted())
        return {
            user.id: {
                **user._idle_logout_rule_values(settings),
                **(
                    {OUTSIDE_RULE: user._idle_logout_rule_values(settings, True)}
                    if networks
                    else {}
                ),
            }
            for user in self.sudo()
            if user.active and user._is_internal()
        }

    def _idle_logout_watch_rules(self, memberships=False):
        """Once the transaction is done, tells the open pages of these users their new
        rule if it changed. Memberships change no one's rule while no group has one."""
        if memberships and not (
            self.env["res.config.settings"]._idle_logout_settings().enabled
            and self.env["res.groups"]._idle_logout_rules_exist()
        ):
            return
        precommit = self.env.cr.precommit
        if RULES_BEFORE not in precommit.data:
            precommit.data[RULES_BEFORE] = {}
            precommit.add(self.env(su=True)["res.users"]._idle_logout_tell_rules)
        before = precommit.data[RULES_BEFORE]
        users = self.sudo().filtered(lambda user: user.id not in before)
        rules = users._idle_logout_rules()
        before.update({user_id: rules.get(user_id, {}) for user_id in users.ids})

    @api.model
    def _idle_logout_tell_rules(self):
        before = self.env.cr.precommit.data.pop(RULES_BEFORE, {})
        users = self.browse(before).exists()
        after = users._idle_logout_rules()
        for user in users:
            values = after.get(user.id, {})
            if values != before[user.id]:
                user._bus_send(RULE_CHANGED, values)

    def _update_last_login(self):
        res = super()._update_last_login()
        self.env["idle_user_logout.session"]._logged_in(self)
        return res

    def _idle_logout_who_gets_what(self, settings, policy_max_minutes):
        """What the settings say of these internal users' rules under `settings`: how
        many get each timeout, who is exempt, who goes beyond the policy maximum; the
        same outside the trusted networks, where there are some."""
        networks = bool(self.env["idle_user_logout.network"]._trusted())
        timeouts = {user: user._idle_logout_timeout_minutes(settings) for user in self}
        outside = networks and {
            user: user._idle_logout_timeout_minutes(settings, True) for user in self
        }
        exempt = self.filtered(lambda user: timeouts[user] is None)
        return {
            "idle_logout_rules_summary": self._idle_logout_summary(timeouts),
            "idle_logout_outside_summary": outside
            and self._idle_logout_summary(outside),
            "idle_logout_exempt_user_ids": exempt,
            "idle_logout_nobody_logged_out": bool(self)
            and exempt == self
            and not (outside and any(outside.values())),
            "idle_logout_beyond_policy_user_ids": self.filtered(
                lambda user: (
                    beyond_policy(timeouts[user], policy_max_minutes)
                    or bool(
                        outside and beyond_policy(outside[user], policy_max_minutes)
                    )
                )
            ),
        }

    @api.model
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

    @api.model
    def _idle_logout_users_label(self, count):
        if count == 1:
            return self.env._("1 internal user")
        return self.env._("%(count)s internal users", count=count)

    def _idle_logout_list_action(self, name):
        """These users, listed by name under the title `name`."""
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "res.users",
            "view_mode": "list,form",
            "domain": [("id", "in", self.ids)],
        }
