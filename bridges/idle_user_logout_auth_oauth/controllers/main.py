import json
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from odoo import http
from odoo.http import request

from odoo.addons.auth_oauth.controllers.main import OAuthController, OAuthLogin
from odoo.addons.idle_user_logout.models.ir_http import REAUTH_KEY

from ..models.auth_oauth_provider import POST_LOGOUT_PATH, PROVIDER_DOWN_ARG
from ..models.res_users import REFUSED_KEY

# OpenID Connect Core 1.0, 3.1.2.1: the provider authenticates the person again, now,
# and says when in the ID token (auth_time).
FRESH_AUTHENTICATION = {"prompt": "login", "max_age": "0"}
# What the login page is told when a sign-in was refused for want of a fresh one.
REFUSED_ARG = "idle_logout_sso"


def with_fresh_authentication(link):
    """The provider's authorization link, asking it to authenticate the person again."""
    scheme, netloc, path, query, fragment = urlsplit(link)
    params = {**dict(parse_qsl(query)), **FRESH_AUTHENTICATION}
    return urlunsplit((scheme, netloc, path, urlencode(params), fragment))


class IdleLogoutOAuthLogin(OAuthLogin):
    def list_providers(self):
        providers = super().list_providers()
        if request.session.get(REAUTH_KEY):
            for provider in providers:
                provider["auth_link"] = with_fresh_authentication(provider["auth_link"])
        return providers

    @http.route()
    def web_login(self, *args, **kw):
        response = super().web_login(*args, **kw)
        if response.is_qweb:
            error = self._idle_logout_sso_error()
            if error:
                response.qcontext["error"] = error
        return response

    def _idle_logout_sso_error(self):
        """Why single sign-on did not go as usual, from the login page's parameters."""
        if request.params.get(REFUSED_ARG):
            return request.env._(
                "Your identity provider signed you in without asking who you are, "
                "after this account was logged out for inactivity. Sign in again: "
                "the provider will ask for your credentials."
            )
        provider_id = request.params.get(PROVIDER_DOWN_ARG, "")
        if provider_id.isdigit():
            provider = (
                request.env["auth.oauth.provider"].sudo().browse(int(provider_id))
            )
            return request.env._(
                "%(provider)s did not answer: your session there may still be open. "
                "Sign out there, or sign in again here: it will ask who you are.",
                provider=provider.exists().name
                or request.env._("The identity provider"),
            )
        return None


class IdleLogoutOAuthController(OAuthController):
    @http.route()
    def signin(self, **kw):
        response = super().signin(**kw)
        if request.session.pop(REFUSED_KEY, None):
            # Its provider links now ask for a fresh authentication.
            request.session[REAUTH_KEY] = True
            params = {REFUSED_ARG: 1}
            target = unquote_plus(json.loads(kw["state"]).get("r") or "")
            if target:
                _scheme, _netloc, path, query, _fragment = urlsplit(target)
                params["redirect"] = f"{path}?{query}" if query else path
            response = request.redirect(f"/web/login?{urlencode(params)}", 303)
        return response

    @http.route(POST_LOGOUT_PATH, type="http", auth="none", readonly=True)
    def provider_logged_out(self, state=None, **kw):
        """Back from the identity provider's logout: the login page and its notice."""
        if not (state or "").startswith("/web/login"):
            state = "/web/login"
        return request.redirect(state, 303)
