from urllib.parse import urlencode, urlsplit, urlunsplit

import requests

from odoo import api, fields, models
from odoo.exceptions import UserError

# Where the provider sends the browser back after its logout (to register there).
POST_LOGOUT_PATH = "/idle_user_logout/provider_logout"
# What the login page is told when the provider could not end its session.
PROVIDER_DOWN_ARG = "idle_logout_provider_down"
DISCOVERY_PATH = ".well-known/openid-configuration"
# The provider is asked at most this long, at the logout and when its document is read.
PROVIDER_TIMEOUT_S = 3


def discovery_urls(auth_endpoint):
    """Where a provider may publish its discovery document (OpenID Connect Discovery
    1.0): under its issuer, which its authorization URL starts with (Keycloak's realm,
    Entra ID's tenant, a root), the longest first."""
    scheme, netloc, path, _query, _fragment = urlsplit(auth_endpoint or "")
    if not (scheme and netloc):
        return []
    parts = [part for part in path.split("/") if part]
    return [
        urlunsplit(
            (scheme, netloc, "/".join(["", *parts[:length], DISCOVERY_PATH]), "", "")
        )
        for length in range(len(parts) - 1, -1, -1)
    ]


class AuthOauthProvider(models.Model):
    _inherit = "auth.oauth.provider"

    idle_logout_end_session = fields.Boolean(
        "End Its Session at an Idle Logout",
        help="When the addon logs a user out (inactivity, lifetime), also end the "
        "user's session at this provider (OpenID Connect RP-Initiated Logout): the "
        "person is logged out of every other application using it too. Off, the "
        "next sign-in through it still asks the person to authenticate again.",
    )
    idle_logout_end_session_endpoint = fields.Char(
        "End Session URL",
        help="The provider's end_session_endpoint, read from its discovery document "
        "when left empty.",
    )
    idle_logout_post_logout_uri = fields.Char(
        "Post-Logout Redirect URI",
        compute="_compute_idle_logout_post_logout_uri",
        help="Register it at the provider: the browser comes back there after the "
        "provider's logout, and goes on to the login page.",
    )
    idle_logout_checked = fields.Boolean(
        "Fresh Authentication Checked",
        compute="_compute_idle_logout_checked",
        help="Whether the server can check that a sign-in after an idle logout comes "
        "from a new authentication: only with an ID token (its auth_time), that is "
        "OpenID Connect (OCA auth_oidc), not plain OAuth 2.0.",
    )

    def _compute_idle_logout_post_logout_uri(self):
        for provider in self:
            provider.idle_logout_post_logout_uri = (
                provider.get_base_url() + POST_LOGOUT_PATH
            )

    def _compute_idle_logout_checked(self):
        for provider in self:
            provider.idle_logout_checked = provider._fields.get("flow") and (
                provider.flow in ("id_token", "id_token_code")
            )

    @api.model_create_multi
    def create(self, vals_list):
        providers = super().create(vals_list)
        providers._idle_logout_discover()
        return providers

    def write(self, vals):
        res = super().write(vals)
        self._idle_logout_discover()
        return res

    def _idle_logout_discover(self):
        """Reads the End Session URL of the providers asked to end their session, from
        their discovery document; without one, says so and saves nothing."""
        for provider in self:
            if not provider.idle_logout_end_session or (
                provider.idle_logout_end_session_endpoint
            ):
                continue
            endpoint = provider._idle_logout_read_end_session_endpoint()
            if not endpoint:
                raise UserError(
                    self.env._(
                        "%(provider)s publishes no end_session_endpoint in a discovery "
                        "document near its authorization URL (%(tried)s). Enter its "
                        "End Session URL, or leave its session open at an idle logout.",
                        provider=provider.name,
                        tried=", ".join(discovery_urls(provider.auth_endpoint))
                        or provider.auth_endpoint,
                    )
                )
            provider.idle_logout_end_session_endpoint = endpoint

    def _idle_logout_read_end_session_endpoint(self):
        for url in discovery_urls(self.auth_endpoint):
            try:
                response = requests.get(url, timeout=PROVIDER_TIMEOUT_S)
                document = response.json() if response.ok else {}
            except (requests.RequestException, ValueError):
                continue
            if isinstance(document, dict) and document.get("end_session_endpoint"):
                return document["end_session_endpoint"]
        return None

    def _idle_logout_end_session_url(self, id_token, login_url):
        """The provider's logout for this ID token, coming back to the login page; the
        login page itself, saying why, when the provider does not answer."""
        self.ensure_one()
        endpoint = self.idle_logout_end_session_endpoint
        try:
            down = (
                requests.head(endpoint, timeout=PROVIDER_TIMEOUT_S).status_code >= 500
            )
        except requests.RequestException:
            down = True
        if down:
            separator = "&" if "?" in login_url else "?"
            return f"{login_url}{separator}{urlencode({PROVIDER_DOWN_ARG: self.id})}"
        params = {
            "id_token_hint": id_token,
            "client_id": self.client_id,
            "post_logout_redirect_uri": self.idle_logout_post_logout_uri,
            "state": login_url,
        }
        separator = "&" if "?" in endpoint else "?"
        return f"{endpoint}{separator}{urlencode(params)}"
