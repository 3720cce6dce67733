"""The settings' single sign-on box: one line per enabled OAuth 2.0 or OpenID Connect
provider, on what holds after an idle logout."""

from odoo import models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    def _idle_logout_sso_lines(self):
        """OAuth 2.0 and OpenID Connect providers: what holds after an idle logout, in
        plain words; their session ended when chosen."""
        lines = super()._idle_logout_sso_lines()
        providers = (
            self.env["auth.oauth.provider"].sudo().search([("enabled", "=", True)])
        )
        for provider in providers:
            line = self._idle_logout_provider_line(provider)
            if provider.idle_logout_end_session:
                line += " " + self.env._("Its own session is ended too.")
            lines.append(line)
        return lines

    def _idle_logout_provider_line(self, provider):
        name = provider.name
        if provider.idle_logout_holds == "checked":
            return self.env._(
                "%(provider)s: asks the person to authenticate again (checked on the "
                "server).",
                provider=name,
            )
        if provider.idle_logout_holds == "cannot_ask":
            return self.env._(
                "%(provider)s: cannot ask: whoever sits at the computer while the "
                "person's %(provider)s session is open gets back in.",
                provider=name,
            )
        if provider.idle_logout_has_id_token:
            return self.env._(
                "%(provider)s: asks, not checked: its ID tokens never say when the "
                "person authenticated (auth_time). Only a token issued after the "
                "logout is taken.",
                provider=name,
            )
        return self.env._(
            "%(provider)s: asks, not checked: plain OAuth 2.0 never says when the "
            "person authenticated (OpenID Connect, OCA auth_oidc, does). Only an "
            "access token not used before the logout is taken.",
            provider=name,
        )
