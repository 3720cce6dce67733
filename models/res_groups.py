import math

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import ormcache

from .res_config_settings import MAX_TIMEOUT_MINUTES, MIN_TIMEOUT_MINUTES

# A user's rule when one of their groups is exempt.
EXEMPT = "exempt"
# Writes that change who gets which rule.
RULE_FIELDS = ("idle_logout_timeout_minutes", "idle_logout_exempt")
MEMBERSHIP_FIELDS = ("user_ids", "implied_ids", "implied_by_ids")


class ResGroups(models.Model):
    _inherit = "res.groups"

    idle_logout_timeout_minutes = fields.Integer(
        string="Idle Timeout (minutes)",
        groups="base.group_system",
        help="Minutes without activity before the members of this group are logged "
        "out. 0 means no rule: the timeout of General Settings applies. A member of "
        "several groups with a rule gets the shortest.",
    )
    idle_logout_exempt = fields.Boolean(
        string="Never Logged Out for Inactivity",
        groups="base.group_system",
        help="For wall displays and kiosks: members of this group are never logged out "
        "for inactivity, whatever their other groups say. The session lifetime, when "
        "set, still ends their sessions.",
    )
    idle_logout_user_count = fields.Integer(
        string="Internal Users Concerned",
        compute="_compute_idle_logout_user_count",
        groups="base.group_system",
    )

    @api.depends("all_user_ids")
    def _compute_idle_logout_user_count(self):
        for group in self:
            group.idle_logout_user_count = len(
                group.all_user_ids.filtered(lambda user: user._is_internal())
            )

    @api.onchange("idle_logout_timeout_minutes")
    def _onchange_idle_logout_timeout_minutes(self):
        for group in self:
            group.idle_logout_timeout_minutes = group._idle_logout_clamp(
                group.idle_logout_timeout_minutes
            )

    @api.model
    def _idle_logout_clamp(self, minutes):
        """0 is no rule; a rule is whole minutes, at least 1, at most a year."""
        try:
            minutes = float(minutes or 0)
        except (TypeError, ValueError):
            minutes = -1
        if minutes < 0 or math.isnan(minutes):
            raise ValidationError(
                self.env._(
                    "An idle timeout is a number of minutes: 0 for no rule, otherwise "
                    "at least 1."
                )
            )
        if not minutes:
            return 0
        return int(max(MIN_TIMEOUT_MINUTES, min(minutes, MAX_TIMEOUT_MINUTES)))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if RULE_FIELDS[0] in vals:
                vals[RULE_FIELDS[0]] = self._idle_logout_clamp(vals[RULE_FIELDS[0]])
        # The members a new group is created with: the group form saves them with it.
        users = self.env["res.users"].sudo()
        for vals in vals_list:
            for command in vals.get("user_ids") or ():
                if command[0] == Command.LINK:
                    users |= users.browse(command[1])
                elif command[0] == Command.SET:
                    users |= users.browse(command[2])
        before = users._idle_logout_rules()
        groups = super().create(vals_list)
        if any(
            field in vals
            for vals in vals_list
            for field in (*RULE_FIELDS, *MEMBERSHIP_FIELDS)
        ):
            self.env.registry.clear_cache("default", "groups")
            users._idle_logout_tell_new_rules(before)
        return groups

    def write(self, vals):
        if RULE_FIELDS[0] in vals:
            vals[RULE_FIELDS[0]] = self._idle_logout_clamp(vals[RULE_FIELDS[0]])
        if not any(field in vals for field in (*RULE_FIELDS, *MEMBERSHIP_FIELDS)):
            return super().write(vals)
        users = self.sudo().all_user_ids
        before = users._idle_logout_rules()
        res = super().write(vals)
        self.env.registry.clear_cache("default", "groups")
        (users | self.sudo().all_user_ids)._idle_logout_tell_new_rules(before)
        return res

    def unlink(self):
        users = self.sudo().all_user_ids
        before = users._idle_logout_rules()
        res = super().unlink()
        self.env.registry.clear_cache("default", "groups")
        users.exists()._idle_logout_tell_new_rules(before)
        return res

    @ormcache("self._ids", cache="groups")
    def _idle_logout_rule(self):
        """The rule of a user with these groups, implied ones included: `EXEMPT` if
        one is exempt, else the shortest timeout among their rules, else None."""
        groups = self.sudo().all_implied_ids
        if any(groups.mapped("idle_logout_exempt")):
            return EXEMPT
        timeouts = [minutes for minutes in groups.mapped(RULE_FIELDS[0]) if minutes]
        return min(timeouts, default=None)
