"""The settings' single sign-on box: one line per active SAML provider."""

from odoo import models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    def _idle_logout_sso_lines(self):
        lines = super()._idle_logout_sso_lines()
        providers = (
            self.env["auth.saml.provider"].sudo().search([("active", "=", True)])
        )
        lines += [
            self.env._(
                "%(provider)s (SAML): asks the person to authenticate again (checked "
                "on the server).",
                provider=provider.name,
            )
            for provider in providers
        ]
        return lines
