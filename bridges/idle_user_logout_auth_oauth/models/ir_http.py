from odoo import api, models
from odoo.http import request

from odoo.addons.idle_user_logout.models.ir_http import SSO_KEY


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @api.model
    def _idle_logout_exit(self, login_url):
        """Through the identity provider's logout, when its administrator chose so: the
        one redirect off the server, to the End Session URL built here."""
        sso = request.session.pop(SSO_KEY, None) or {}
        provider = self.env["auth.oauth.provider"].sudo().browse(sso.get("provider"))
        if not (provider.exists() and provider.idle_logout_end_session):
            return super()._idle_logout_exit(login_url)
        url = provider._idle_logout_end_session_url(sso.get("id_token"), login_url)
        return request.redirect(url, 303, local=False)
