from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        result = super().session_info()
        if self.env.user._is_internal():
            settings = self.env["res.config.settings"]
            enabled, timeout_minutes = settings._idle_logout_settings()
            if enabled:
                result["idle_logout_timeout_minutes"] = timeout_minutes
        return result
