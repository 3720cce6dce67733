"""An OAuth 2.0 / OpenID Connect provider after an idle logout: what its button asks it,
as it documents it; what it learned of auth_time and so what holds; the sign-in refused
when it may not come from the person; and its session ended with the addon's logout."""

from urllib.parse import urlencode, urlsplit, urlunsplit

import requests

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.idle_user_logout.models.single_sign_on import REAUTH_KEY

# Where the provider sends the browser back after its logout (to register there).
POST_LOGOUT_PATH = "/idle_user_logout/provider_logout"
# What the login page is told when the provider could not end its session.
PROVIDER_DOWN_ARG = "idle_logout_provider_down"
DISCOVERY_PATH = ".well-known/openid-configuration"
# What the End Session URL is read from, and asked for by.
DISCOVERY_FIELDS = {
    "idle_logout_end_session",
    "idle_logout_end_session_endpoint",
    "auth_endpoint",
}
# The provider is asked at most this long, at the logout and when its document is read.
PROVIDER_TIMEOUT_S = 3
# How a provider is asked to authenticate the person again after an idle logout, and
# what its authorization link gets then (OpenID Connect Core 1.0, 3.1.2.1).
REAUTH_PARAMS = {
    "prompt_login": {"prompt": "login", "max_age": "0"},
    "max_age": {"max_age": "0"},
    "select_account": {"prompt": "select_account"},
    "none": {},
}
ASKING = ("prompt_login", "max_age")
# Any other link of a provider known to send auth_time: it is required only where
# max_age is asked (OpenID Connect Core 1.0, 2), and Entra ID leaves it out otherwise.
CHECKED_PARAMS = {"max_age": str(365 * 24 * 3600)}
# What providers document, by the host of their authorization endpoint: Google takes
# no prompt=login (an error page), Odoo.com publishes nothing.
REAUTH_BY_HOST = {"google.com": "select_account", "odoo.com": "none"}
# Session key: the providers that answered an error to a link asking for a new
# authentication; their buttons ask nothing more of them (never a lockout).
DECLINED_KEY = "idle_logout_sso_declined"
# Session key: the providers that answered an error to any other link: theirs no longer
# ask a max_age.
PLAIN_KEY = "idle_logout_sso_plain"


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


def default_reauth(auth_endpoint):
    """How a provider is asked after an idle logout, from what its host documents."""
    host = urlsplit(auth_endpoint or "").hostname or ""
    for domain, reauth in REAUTH_BY_HOST.items():
        if host == domain or host.endswith(f".{domain}"):
            return reauth
    return "prompt_login"


class AuthOauthProvider(models.Model):
    _inherit = "auth.oauth.provider"

    idle_logout_reauth = fields.Selection(
        [
            ("prompt_login", "Authenticate again (prompt=login, max_age=0)"),
            ("max_age", "A new authentication (max_age=0 only)"),
            ("select_account", "Choose the account (prompt=select_account)"),
            ("none", "Nothing"),
        ],
        string="After an Idle Logout, Ask",
        compute="_compute_idle_logout_reauth",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="What the provider's button asks it after an idle logout, as the provider "
        "documents it: Google knows only prompt=select_account (its account chooser, "
        "no new authentication) and shows an error page for prompt=login; authentik "
        "and AD FS may ignore max_age=0. Set from its authorization URL.",
    )
    idle_logout_auth_time = fields.Selection(
        [("sent", "Sends It"), ("missing", "Never Sends It")],
        string="auth_time in Its ID Tokens",
        help="Learned from its ID tokens, or set here. A provider that never sends "
        "auth_time (Entra ID without that optional claim) cannot be checked: after an "
        "idle logout, a sign-in through it needs an ID token issued after the logout.",
    )
    idle_logout_has_id_token = fields.Boolean(
        "Gives ID Tokens", compute="_compute_idle_logout_has_id_token"
    )
    idle_logout_holds = fields.Selection(
        [
            ("checked", "Asks to authenticate again (checked on the server)"),
            ("asked", "Asks, not checked"),
            ("cannot_ask", "Cannot ask"),
        ],
        string="After an Idle Logout",
        compute="_compute_idle_logout_holds",
        help="Checked: the ID token must say that the person authenticated after the "
        "logout (auth_time). Not checked: only a token issued or first used after the "
        "logout is taken. Cannot ask: whoever sits at the computer while the person's "
        "session at the provider is open gets back in.",
    )

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

    def _compute_idle_logout_post_logout_uri(self):
        for provider in self:
            provider.idle_logout_post_logout_uri = (
                provider.get_base_url() + POST_LOGOUT_PATH
            )

    @api.depends("auth_endpoint")
    def _compute_idle_logout_reauth(self):
        for provider in self:
            provider.idle_logout_reauth = default_reauth(provider.auth_endpoint)

    def _compute_idle_logout_has_id_token(self):
        """Plain OAuth 2.0 gives an access token only (OCA auth_oidc's bridge says
        which of its flows give an ID token)."""
        self.idle_logout_has_id_token = False

    @api.depends(
        "idle_logout_reauth", "idle_logout_auth_time", "idle_logout_has_id_token"
    )
    def _compute_idle_logout_holds(self):
        for provider in self:
            if provider.idle_logout_reauth not in ASKING:
                provider.idle_logout_holds = "cannot_ask"
            elif provider.idle_logout_has_id_token and (
                provider.idle_logout_auth_time != "missing"
            ):
                provider.idle_logout_holds = "checked"
            else:
                provider.idle_logout_holds = "asked"

    def _idle_logout_asked(self):
        """Whether this browser's sign-in through the provider was asked for a new
        authentication (a logout by the addon, and no error from it since)."""
        session = request.session if request else {}
        return bool(
            session.get(REAUTH_KEY)
            and self.idle_logout_reauth in ASKING
            and self.id not in session.get(DECLINED_KEY, [])
        )

    def _idle_logout_learn(self, claims):
        """What the provider's ID tokens say of auth_time: it sends it once a token
        has it; it never does when a token asked for one has none (max_age=0 makes
        it required, OpenID Connect Core 1.0, 3.1.2.1)."""
        if claims.get("auth_time"):
            learned = "sent"
        elif not self.idle_logout_auth_time and self._idle_logout_asked():
            learned = "missing"
        else:
            return
        if self.idle_logout_auth_time != learned:
            self.sudo().idle_logout_auth_time = learned

    def _idle_logout_check_sign_on(self, user, claims, access_token, expires_in):
        """After an idle logout of `user`, refuses a sign-in through the provider that
        may not come from the person: checked, from an authentication before it
        (auth_time); else made with a token issued (iat) or first used before it, an
        older sign-in replayed (the browser's history)."""
        if self.idle_logout_holds == "checked":
            user._idle_logout_check_fresh_sign_on(claims.get("auth_time"))
        elif self.idle_logout_has_id_token:
            user._idle_logout_check_fresh_sign_on(claims.get("iat"), replayed=True)
        else:
            tokens = self.env["idle_user_logout.oauth_token"]
            first_used = tokens._first_used(user, access_token, expires_in)
            # Odoo's own clock: no leeway.
            user._idle_logout_check_fresh_sign_on(first_used, replayed=True, leeway=0)

    @api.model_create_multi
    def create(self, vals_list):
        providers = super().create(vals_list)
        providers._idle_logout_discover()
        return providers

    def write(self, vals):
        res = super().write(vals)
        # Not when a sign-in learns of auth_time: nothing to discover then.
        if DISCOVERY_FIELDS & vals.keys():
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
