"""An OAuth 2.0 / OpenID Connect sign-in after an idle logout: checked before it opens a
session, its ID token kept for the provider's logout."""

from odoo import api, models
from odoo.http import request

from odoo.addons.idle_user_logout.models.single_sign_on import SSO_KEY

# Where the validated claims of an OpenID Connect login carry its raw ID token (put
# there by idle_user_logout_auth_oidc): its claims are checked; the logout's hint.
ID_TOKEN = "idle_logout_id_token"


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _auth_oauth_signin(self, provider, validation, params):
        id_token = validation.pop(ID_TOKEN, None)
        if self.env["res.config.settings"]._idle_logout_settings().enabled:
            oauth_provider = self.env["auth.oauth.provider"].browse(provider)
            if id_token:
                oauth_provider._idle_logout_learn(validation)
            user = self.search(
                [
                    ("oauth_uid", "=", validation["user_id"]),
                    ("oauth_provider_id", "=", provider),
                ]
            )
            if user:
                oauth_provider._idle_logout_check_sign_on(
                    user,
                    validation,
                    params.get("access_token"),
                    params.get("expires_in"),
                )
        login = super()._auth_oauth_signin(provider, validation, params)
        if id_token and request:
            request.session[SSO_KEY] = {"provider": provider, "id_token": id_token}
        elif login and self.env["res.config.settings"]._idle_logout_settings().enabled:
            # A first sign-in (a signup, an invitation) too: its token is known used.
            self.env["idle_user_logout.oauth_token"]._first_used(
                self.search([("login", "=", login)]),
                params.get("access_token"),
                params.get("expires_in"),
            )
        return login
