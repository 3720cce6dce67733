import time

from odoo import models
from odoo.http import request

from .ir_http import LOGIN_KEY, SEEN_KEY


class ResUsers(models.Model):
    _inherit = "res.users"

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
        return res
