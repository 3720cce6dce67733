"""A browser the addon logged out leaves through its identity provider's logout, when
the provider's administrator chose so."""

from odoo import api, models
from odoo.http import request

from odoo.addons.idle_user_logout.models.single_sign_on import SSO_KEY


class IdleUserLogoutSessionEnd(models.AbstractModel):
    _inherit = "idle_user_logout.session_end"

    @api.model
    def _exit(self, url):
        """Through the identity provider's logout, when its administrator chose so: the
        one redirect off the server, to the End Session URL built here."""
        sso = request.session.pop(SSO_KEY, None) or {}
        provider = self.env["auth.oauth.provider"].sudo().browse(sso.get("provider"))
        if not (provider.exists() and provider.idle_logout_end_session):
            return super()._exit(url)
        logout = provider._idle_logout_end_session_url(sso.get("id_token"), url)
        return request.redirect(logout, 303, local=False)
