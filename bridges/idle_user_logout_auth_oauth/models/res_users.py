from odoo import api, models
from odoo.http import request

from odoo.addons.idle_user_logout.models.ir_http import SSO_KEY

# Where the validated claims of an OpenID Connect login carry its raw ID token (put
# there by idle_user_logout_auth_oidc): its auth_time is checked; the logout's hint.
ID_TOKEN = "idle_logout_id_token"


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _auth_oauth_signin(self, provider, validation, params):
        id_token = validation.pop(ID_TOKEN, None)
        if id_token:
            user = self.search(
                [
                    ("oauth_uid", "=", validation["user_id"]),
                    ("oauth_provider_id", "=", provider),
                ]
            )
            if user:
                user._idle_logout_check_fresh_sign_on(validation.get("auth_time"))
        login = super()._auth_oauth_signin(provider, validation, params)
        if id_token and request:
            request.session[SSO_KEY] = {"provider": provider, "id_token": id_token}
        return login
