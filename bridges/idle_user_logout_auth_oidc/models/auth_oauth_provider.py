from odoo import models

from odoo.addons.idle_user_logout_auth_oauth.models.res_users import ID_TOKEN


class AuthOauthProvider(models.Model):
    _inherit = "auth.oauth.provider"

    def _parse_id_token(self, id_token, access_token):
        validation = super()._parse_id_token(id_token, access_token)
        # The sign-in checks its auth_time, and keeps it for the provider's logout.
        validation[ID_TOKEN] = id_token
        return validation
