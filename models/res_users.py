import time

from odoo import models
from odoo.http import request

from .idle_user_logout_draft import DRAFTS_KEY
from .ir_http import LOGIN_KEY, SEEN_KEY
from .res_config_settings import warning_fits
from .res_groups import EXEMPT

# What the pages of a user hear when their rule changes.
RULE_CHANGED = "idle_user_logout/rule"


class ResUsers(models.Model):
    _inherit = "res.users"

    def write(self, vals):
        if "group_ids" not in vals:
            return super().write(vals)
        before = self._idle_logout_rules()
        res = super().write(vals)
        self._idle_logout_tell_new_rules(before)
        return res

    def _idle_logout_timeout_minutes(self, settings):
        """The user's idle timeout in minutes: the shortest of their groups' rules,
        else the global one; None when a group of theirs is exempt. No query once its
        groups' rule is cached."""
        self.ensure_one()
        rule = self.env["res.groups"].browse(self._get_group_ids())._idle_logout_rule()
        return None if rule == EXEMPT else rule or settings.timeout_minutes

    def _idle_logout_rule_values(self, settings):
        """What the user's pages need of their rule (session_info, and the bus when it
        changes): the timeout (False: exempt) and the warning, when on and it can be
        met."""
        minutes = self._idle_logout_timeout_minutes(settings)
        values = {"idle_logout_timeout_minutes": minutes or False}
        warning = settings.warning_seconds
        if warning and minutes and warning_fits(warning, minutes):
            values["idle_logout_warning_seconds"] = warning
        return values

    def _idle_logout_rules(self):
        """The rule values of the internal users among these, by id; none when off."""
        settings = self.env["res.config.settings"]._idle_logout_settings()
        if not settings.enabled:
            return {}
        return {
            user.id: user._idle_logout_rule_values(settings)
            for user in self.sudo()
            if user.active and user._is_internal()
        }

    def _idle_logout_tell_new_rules(self, before):
        """Tells the open pages of the users whose rule changed since `before`."""
        for user_id, values in self._idle_logout_rules().items():
            if values != before.get(user_id):
                self.browse(user_id).sudo()._bus_send(RULE_CHANGED, values)

    def _update_last_login(self):
        res = super()._update_last_login()
        settings = self.env["res.config.settings"]._idle_logout_settings()
        if not (settings.enabled and request):
            return res
        now = time.time()
        request.session[LOGIN_KEY] = now
        # The server counts a session's idle time from its login, not its first request.
        if settings.server_enforcement:
            request.session[SEEN_KEY] = now if self._is_internal() else False
        if self._is_internal() and (
            forms := self.env["idle_user_logout.draft"]
            .with_user(self)
            ._forms_with_drafts()
        ):
            request.session[DRAFTS_KEY] = forms
        return res
