"""The idle logout policy as a printable report (PDF), what an auditor asks for: the
settings with the trusted networks, the groups' rules, and each internal user's timeout
in and outside the trusted networks, pointed out beyond the policy maximum."""

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..models.policy import beyond_policy
from ..models.res_groups import RULE_FIELDS


class PolicyReport(models.AbstractModel):
    """The idle logout policy as configured when printed: what an auditor asks for."""

    _name = "report.idle_user_logout.report_policy"
    _description = "Idle Logout Policy"

    @api.model
    def _get_report_values(self, docids, data=None):
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(self.env._("Only settings administrators print it."))
        settings = self.env["res.config.settings"]._idle_logout_settings()
        rules = ["|", (RULE_FIELDS[0], ">", 0), (RULE_FIELDS[1], "=", True)]
        groups = self.env["res.groups"].sudo().search(rules, order="name")
        users = (
            self.env["res.users"].sudo().search([("share", "=", False)], order="name")
        )
        networks = (
            self.env["idle_user_logout.network"]
            .sudo()
            .search([("cidr", "!=", False)], order="name")
        )
        maximum = settings.policy_max_minutes
        rows = []
        for user in users:
            minutes = user._idle_logout_timeout_minutes(settings)
            # Where there are trusted networks, what holds outside them too.
            outside = (
                user._idle_logout_timeout_minutes(settings, True)
                if networks
                else minutes
            )
            rows.append(
                {
                    "user": user,
                    "minutes": minutes,
                    "outside_minutes": outside,
                    "groups": user._idle_logout_rule_groups(settings),
                    "beyond": beyond_policy(minutes, maximum)
                    or beyond_policy(outside, maximum),
                }
            )
        return {
            "settings": settings,
            "networks": networks,
            "groups": groups,
            "rows": rows,
            "beyond_count": sum(row["beyond"] for row in rows),
            "printed_on": fields.Datetime.now(),
            "printed_by": self.env.user,
        }
