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
                "%(provider)s (SAML): asked to authenticate the person again "
                '(ForceAuthn="true"), and checked: a sign-in from an older '
                "authentication (the assertion's AuthnInstant) is refused.",
                provider=provider.name,
            )
            for provider in providers
        ]
        return lines
