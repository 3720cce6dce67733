"""The rules of groups: a timeout of their own or an exemption, maybe only from the
trusted networks; their combination for a user's groups (see `policy.group_rule`), and
the open pages of the members told when a write changes them."""

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import ormcache

from .policy import clamp_rule_minutes, group_rule

# Writes that change who gets which rule.
RULE_FIELDS = (
    "idle_logout_timeout_minutes",
    "idle_logout_exempt",
    "idle_logout_trusted_only",
)
MEMBERSHIP_FIELDS = ("user_ids", "all_user_ids", "implied_ids", "implied_by_ids")


def linked_ids(commands):
    """The ids a many-to-many value links: its LINK and SET commands, or plain ids."""
    ids = []
    for command in commands or ():
        if isinstance(command, int):
            ids.append(command)
        elif command[0] == Command.LINK:
            ids.append(command[1])
        elif command[0] == Command.SET:
            ids.extend(command[2])
    return ids


class ResGroups(models.Model):
    _inherit = "res.groups"

    idle_logout_timeout_minutes = fields.Integer(
        string="Idle Timeout (minutes)",
        groups="base.group_system",
        help="Minutes without activity before the members of this group are logged "
        "out. 0 means no rule: the timeout of General Settings applies. A member of "
        "several groups with a rule gets the shortest. A rule shorter than the "
        "warning of General Settings is warned at half of it.",
    )
    idle_logout_exempt = fields.Boolean(
        string="Never Logged Out for Inactivity",
        groups="base.group_system",
        help="For wall displays and kiosks: members of this group are never logged out "
        "for inactivity, whatever their other groups say. The session lifetime, when "
        "set, still ends their sessions.",
    )
    idle_logout_trusted_only = fields.Boolean(
        string="Only from Trusted Networks",
        groups="base.group_system",
        help="The group's rule (its timeout or its exemption) counts only for requests "
        "from the trusted networks of General Settings: from anywhere else, its "
        "members get the rule of their other groups, as if this one had none.",
    )
    idle_logout_user_count = fields.Integer(
        string="Internal Users Concerned",
        compute="_compute_idle_logout_user_count",
        groups="base.group_system",
    )

    @api.depends("all_user_ids.active")
    def _compute_idle_logout_user_count(self):
        for group in self:
            group.idle_logout_user_count = len(
                group.all_user_ids.filtered(
                    lambda user: user.active and user._is_internal()
                )
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
        rule = clamp_rule_minutes(minutes)
        if rule is None:
            raise ValidationError(
                self.env._(
                    "An idle timeout is a number of minutes: 0 for no rule, otherwise "
                    "at least 1."
                )
            )
        return rule

    @api.model_create_multi
    def create(self, vals_list):
        watched = False
        for vals in vals_list:
            if RULE_FIELDS[0] in vals:
                vals[RULE_FIELDS[0]] = self._idle_logout_clamp(vals[RULE_FIELDS[0]])
            if self._idle_logout_changes_rules(vals):
                self._idle_logout_users_given(vals)._idle_logout_watch_rules()
                watched = True
        groups = super().create(vals_list)
        if watched:
            self.env.registry.clear_cache("default")
        return groups

    def write(self, vals):
        if RULE_FIELDS[0] in vals:
            vals[RULE_FIELDS[0]] = self._idle_logout_clamp(vals[RULE_FIELDS[0]])
        if not self._idle_logout_changes_rules(vals):
            return super().write(vals)
        users = self.sudo().all_user_ids | self._idle_logout_users_given(vals)
        users._idle_logout_watch_rules()
        res = super().write(vals)
        # Their rules were cached before: read again from their groups and these rules.
        self.env.registry.clear_cache("default")
        return res

    def unlink(self):
        if not self._idle_logout_rules_exist():
            return super().unlink()
        users = self.sudo().all_user_ids
        users._idle_logout_watch_rules()
        res = super().unlink()
        self.env.registry.clear_cache("default")
        return res

    @api.model
    def _idle_logout_changes_rules(self, vals):
        """Whether these values may change users' rules: they set one, or change
        memberships while a group has a rule."""
        return any(field in vals for field in RULE_FIELDS) or (
            any(field in vals for field in MEMBERSHIP_FIELDS)
            and self._idle_logout_rules_exist()
        )

    @api.model
    def _idle_logout_users_given(self, vals):
        """The users a write or a create gives these groups' rules to: the members it
        links, and those of the groups it makes imply them."""
        users = self.env["res.users"].sudo()
        linked = {field: linked_ids(vals.get(field)) for field in MEMBERSHIP_FIELDS}
        implying = self.sudo().browse(linked["implied_by_ids"])
        return (
            users.browse(linked["user_ids"] + linked["all_user_ids"])
            | implying.all_user_ids
        )

    # Odoo's default cache, as auth_timeout's: its "groups" cache holds 64 entries,
    # fewer than a company's distinct sets of groups: a rule computed again per request.
    @api.model
    @ormcache()
    def _idle_logout_rules_exist(self):
        """Whether a group has a rule: while none has, memberships change no rule."""
        rules = ["|", (RULE_FIELDS[0], ">", 0), (RULE_FIELDS[1], "=", True)]
        return bool(self.sudo().search_count(rules, limit=1))

    @ormcache("self._ids", "outside")
    def _idle_logout_rule(self, outside=False):
        """The rule of a user with these groups, implied ones included (see
        `policy.group_rule`). From `outside` the trusted networks, the rules held only
        there do not count."""
        groups = self.sudo().all_implied_ids
        if outside:
            groups = groups.filtered(lambda group: not group.idle_logout_trusted_only)
        return group_rule(
            groups.mapped("idle_logout_exempt"), groups.mapped(RULE_FIELDS[0])
        )
