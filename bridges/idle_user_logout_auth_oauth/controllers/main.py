"""The login page of single sign-on after an idle logout: provider buttons asking for
a fresh authentication, what a provider's error means, a refused sign-in's way to the
login page, and the way back from a provider's logout."""

import json
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from odoo import http
from odoo.http import request

from odoo.addons.auth_oauth.controllers.main import OAuthController, OAuthLogin
from odoo.addons.idle_user_logout.models.login_page import sign_on_refused
from odoo.addons.idle_user_logout.models.single_sign_on import REAUTH_KEY

from ..models.auth_oauth_provider import (
    CHECKED_PARAMS,
    DECLINED_KEY,
    PLAIN_KEY,
    POST_LOGOUT_PATH,
    PROVIDER_DOWN_ARG,
    REAUTH_PARAMS,
)

# What the login page is told when a provider answered an error instead of a sign-in.
PROVIDER_ERROR_ARG = "idle_logout_provider_error"
ERROR_ARG = "idle_logout_error"
# The errors an authorization request may get (RFC 6749, 4.1.2.1; OpenID Connect Core
# 1.0, 3.1.2.6): only these are shown, the page never repeats what a link says.
KNOWN_ERRORS = {
    *("invalid_request", "unauthorized_client", "access_denied", "invalid_scope"),
    *("unsupported_response_type", "server_error", "temporarily_unavailable"),
    *("interaction_required", "login_required", "account_selection_required"),
    *("consent_required", "invalid_request_uri", "invalid_request_object"),
}


def with_params(link, params):
    """The provider's authorization link with these parameters."""
    scheme, netloc, path, query, fragment = urlsplit(link)
    query = urlencode({**dict(parse_qsl(query)), **params})
    return urlunsplit((scheme, netloc, path, query, fragment))


def provider_of(state):
    """The provider a sign-in's state names (Odoo's `p`), None for a garbled one."""
    try:
        provider_id = json.loads(state or "{}").get("p")
    except (ValueError, AttributeError):
        return None
    return provider_id if isinstance(provider_id, int) else None


class IdleLogoutOAuthLogin(OAuthLogin):
    def list_providers(self):
        providers = super().list_providers()
        session = request.session
        declined = session.get(DECLINED_KEY, [])
        plain = session.get(PLAIN_KEY, [])
        for provider in providers:
            if provider["id"] in declined:
                continue
            if session.get(REAUTH_KEY):
                params = REAUTH_PARAMS[provider["idle_logout_reauth"]]
            elif (
                provider["idle_logout_holds"] == "checked"
                and provider["idle_logout_auth_time"] == "sent"
                and provider["id"] not in plain
            ):
                params = CHECKED_PARAMS
            else:
                continue
            provider["auth_link"] = with_params(provider["auth_link"], params)
        return providers

    @http.route()
    def web_login(self, *args, **kw):
        response = super().web_login(*args, **kw)
        if response.is_qweb and (error := self._idle_logout_provider_notice()):
            response.qcontext["error"] = error
        return response

    def _idle_logout_provider_notice(self):
        """What the login page says when a provider did not sign the person in: it did
        not answer at the logout, or answered an error."""
        params = request.params
        down = params.get(PROVIDER_DOWN_ARG, "")
        failed = params.get(PROVIDER_ERROR_ARG, "")
        provider_id = down or failed
        if not provider_id.isdigit():
            return None
        providers = request.env["auth.oauth.provider"].sudo()
        name = providers.browse(int(provider_id)).exists().name or request.env._(
            "The identity provider"
        )
        if down:
            return request.env._(
                "%(provider)s did not answer: your session there may still be open. "
                "Sign out there, or sign in again here: it will ask who you are.",
                provider=name,
            )
        error = params.get(ERROR_ARG)
        error = error if error in KNOWN_ERRORS else request.env._("an error")
        if int(provider_id) in request.session.get(DECLINED_KEY, []):
            return request.env._(
                "%(provider)s answered %(error)s instead of signing you in, when asked "
                "to authenticate you again. Its button now asks it nothing more: sign "
                "in with it, and if you are still refused, sign out at %(provider)s "
                "first.",
                provider=name,
                error=error,
            )
        return request.env._(
            "%(provider)s answered %(error)s instead of signing you in.",
            provider=name,
            error=error,
        )


class IdleLogoutOAuthController(OAuthController):
    @http.route()
    def signin(self, **kw):
        if kw.get("error"):
            return self._idle_logout_provider_error(kw)
        response = super().signin(**kw)
        state = json.loads(kw["state"]) if kw.get("state") else {}
        target = unquote_plus(state.get("r") or "")
        return sign_on_refused(target) or response

    def _idle_logout_provider_error(self, kw):
        """The provider answered an error instead of a sign-in (RFC 6749, 4.1.2.1 and
        4.2.2.1): the login page says so. Asked to authenticate the person again, it
        may not take it (an unknown prompt): its button asks it nothing more, and the
        server's check of the sign-in remains. Otherwise its button no longer asks a
        max_age."""
        provider_id = provider_of(kw.get("state"))
        session = request.session
        if provider_id:
            key = DECLINED_KEY if session.get(REAUTH_KEY) else PLAIN_KEY
            session[key] = [*session.get(key, []), provider_id]
        params = {PROVIDER_ERROR_ARG: provider_id or 0, ERROR_ARG: kw["error"]}
        return request.redirect(f"/web/login?{urlencode(params)}", 303)

    @http.route(POST_LOGOUT_PATH, type="http", auth="none", readonly=True)
    def provider_logged_out(self, state=None, **kw):
        """Back from the identity provider's logout: the login page and its notice."""
        if not (state or "").startswith("/web/login"):
            state = "/web/login"
        return request.redirect(state, 303)
