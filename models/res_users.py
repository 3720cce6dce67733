import time

from odoo import models
from odoo.http import request

from .ir_http import SEEN_KEY


class ResUsers(models.Model):
    _inherit = "res.users"

    def _update_last_login(self):
        res = super()._update_last_login()
        settings = self.env["res.config.settings"]._idle_logout_settings()
        # The server counts a session's idle time from its login, not its first request.
        if settings.enabled and settings.server_enforcement and request:
            request.session[SEEN_KEY] = time.time() if self._is_internal() else False
        return res
