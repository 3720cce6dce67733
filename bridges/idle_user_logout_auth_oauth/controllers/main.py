import json
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from odoo import http
from odoo.http import request

from odoo.addons.auth_oauth.controllers.main import OAuthController, OAuthLogin
from odoo.addons.idle_user_logout.models.ir_http import REAUTH_KEY

from ..models.auth_oauth_provider import POST_LOGOUT_PATH, PROVIDER_DOWN_ARG

# OpenID Connect Core 1.0, 3.1.2.1: the provider authenticates the person again, now,
# and says when in the ID token (auth_time).
FRESH_AUTHENTICATION = {"prompt": "login", "max_age": "0"}


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
        provider_id = request.params.get(PROVIDER_DOWN_ARG, "")
        if response.is_qweb and provider_id.isdigit():
            # The provider whose session was to end at an idle logout did not answer.
            providers = request.env["auth.oauth.provider"].sudo()
            name = providers.browse(int(provider_id)).exists().name
            response.qcontext["error"] = request.env._(
                "%(provider)s did not answer: your session there may still be open. "
                "Sign out there, or sign in again here: it will ask who you are.",
                provider=name or request.env._("The identity provider"),
            )
        return response


class IdleLogoutOAuthController(OAuthController):
    @http.route()
    def signin(self, **kw):
        response = super().signin(**kw)
        state = json.loads(kw["state"]) if kw.get("state") else {}
        target = unquote_plus(state.get("r") or "")
        return request.env["ir.http"]._idle_logout_sign_on_refused(target) or response

    @http.route(POST_LOGOUT_PATH, type="http", auth="none", readonly=True)
    def provider_logged_out(self, state=None, **kw):
        """Back from the identity provider's logout: the login page and its notice."""
        if not (state or "").startswith("/web/login"):
            state = "/web/login"
        return request.redirect(state, 303)
