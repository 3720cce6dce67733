from odoo import models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    def _idle_logout_sso_lines(self):
        """OAuth 2.0 and OpenID Connect providers: asked again always; checked with an
        ID token only; their session ended when chosen."""
        lines = super()._idle_logout_sso_lines()
        providers = (
            self.env["auth.oauth.provider"].sudo().search([("enabled", "=", True)])
        )
        for provider in providers:
            if provider.idle_logout_checked:
                line = self.env._(
                    "%(provider)s: asked to authenticate the person again "
                    "(prompt=login, max_age=0), and checked: a sign-in from an older "
                    "authentication (the ID token's auth_time) is refused.",
                    provider=provider.name,
                )
            else:
                line = self.env._(
                    "%(provider)s: asked to authenticate the person again "
                    "(prompt=login, max_age=0), not checked: plain OAuth 2.0 gives no "
                    "ID token, so a provider that ignores the request signs the "
                    "person in. Use OpenID Connect (OCA auth_oidc) to have it checked.",
                    provider=provider.name,
                )
            if provider.idle_logout_end_session:
                line += " " + self.env._("Its own session is ended too.")
            lines.append(line)
        return lines
