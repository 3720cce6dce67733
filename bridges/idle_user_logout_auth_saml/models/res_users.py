"""A SAML sign-in after an idle logout is checked to come from a fresh authentication
before it opens a session."""

from odoo import models

from .auth_saml_provider import AUTHN_INSTANT


class ResUsers(models.Model):
    _inherit = "res.users"

    def _auth_saml_signin(self, provider, validation, saml_response):
        user_saml = self.env["res.users.saml"].search(
            [
                ("saml_uid", "=", validation["user_id"]),
                ("saml_provider_id", "=", provider),
            ],
            limit=1,
        )
        if user_saml.user_id:
            user_saml.user_id._idle_logout_check_fresh_sign_on(
                validation.get(AUTHN_INSTANT)
            )
        return super()._auth_saml_signin(provider, validation, saml_response)
