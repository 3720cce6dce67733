"""OCA auth_oidc's providers: the flows that give an ID token, and its raw token handed
to the sign-in, which checks its claims and keeps it for the provider's logout."""

from odoo import api, models

from odoo.addons.idle_user_logout_auth_oauth.models.res_users import ID_TOKEN


class AuthOauthProvider(models.Model):
    _inherit = "auth.oauth.provider"

    @api.depends("flow")
    def _compute_idle_logout_has_id_token(self):
        for provider in self:
            provider.idle_logout_has_id_token = provider.flow in (
                "id_token",
                "id_token_code",
            )

    def _parse_id_token(self, id_token, access_token):
        validation = super()._parse_id_token(id_token, access_token)
        # The sign-in checks its claims, and keeps it for the provider's logout.
        validation[ID_TOKEN] = id_token
        return validation
