from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    idle_logout_sso_summary = fields.Text(
        "After an Idle Logout, Single Sign-On",
        compute="_compute_idle_logout_sso_summary",
    )

    def _compute_idle_logout_sso_summary(self):
        """What the next sign-in through each enabled provider does after an idle
        logout: asked again always; checked with an ID token only; its session ended
        when chosen."""
        providers = (
            self.env["auth.oauth.provider"].sudo().search([("enabled", "=", True)])
        )
        lines = []
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
        for settings in self:
            settings.idle_logout_sso_summary = "\n".join(lines)
