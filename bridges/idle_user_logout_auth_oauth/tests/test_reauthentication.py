import json
import re
from types import SimpleNamespace
from unittest.mock import patch
from urllib.parse import parse_qs, urlencode, urlsplit

from odoo.exceptions import AccessDenied
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.idle_user_logout.models.single_sign_on import REAUTH_KEY
from odoo.addons.idle_user_logout.tests.common import JsonRpcMixin, set_params

from ..models import auth_oauth_provider
from ..models.res_users import ID_TOKEN

# Nothing listens there: the provider is never reached.
DOWN = "http://127.0.0.1:9"
# 2026-12-01 10:00:00 UTC: when the addon last logged the user out.
LOGGED_OUT_AT = 1796119200


@tagged("post_install", "-at_install")
class TestIdleLogoutReauthentication(JsonRpcMixin, HttpCase):
    """Each provider is asked after an idle logout only what it documents, and whatever
    it answers, the person gets back in by authenticating there."""

    # A logout writes from a cursor of its own, which a read-only route's test cursor
    # cannot open (a real server can: e2e).
    _registry_readonly_enabled = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_params(cls.env, enabled=True, timeout_minutes=1)
        cls.provider = cls.env["auth.oauth.provider"].create(
            {
                "name": "Company IdP",
                "client_id": "odoo",
                "enabled": True,
                "flow": "id_token_code",
                "auth_endpoint": f"{DOWN}/auth",
                "token_endpoint": f"{DOWN}/token",
                "jwks_uri": f"{DOWN}/jwks",
                "body": "Sign in with the company IdP",
            }
        )
        cls.user = new_test_user(
            cls.env,
            login="idle_reauth",
            oauth_provider_id=cls.provider.id,
            oauth_uid="ann",
        )

    def provider_link(self):
        """What the provider's button on the login page asks it after a logout."""
        page = self.url_open("/web/login").text
        link = re.search(r'href="(http://127\.0\.0\.1:9/auth\?[^"]*)"', page)
        query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
        return {key: query[key] for key in ("prompt", "max_age") if key in query}

    def test_the_default_follows_what_the_provider_documents(self):
        # Odoo's presets, there before the bridge: set when it was installed.
        self.assertEqual(
            self.env.ref("auth_oauth.provider_google").idle_logout_reauth,
            "select_account",
        )
        self.assertEqual(
            self.env.ref("auth_oauth.provider_openerp").idle_logout_reauth, "none"
        )
        self.assertEqual(self.provider.idle_logout_reauth, "prompt_login")
        self.provider.auth_endpoint = "https://accounts.google.com/o/oauth2/v2/auth"
        self.assertEqual(self.provider.idle_logout_reauth, "select_account")
        self.provider.idle_logout_reauth = "max_age"
        self.assertEqual(self.provider.idle_logout_reauth, "max_age", "as chosen")

    def test_a_checked_provider_is_always_asked_to_say_when(self):
        """auth_time is required only where max_age is asked: a provider leaving it
        out otherwise (Entra ID) would have every sign-in after one idle logout refused
        once, then asked to authenticate again."""
        self.assertEqual(self.provider_link(), {}, "not known to send it yet")
        self.provider.idle_logout_auth_time = "sent"
        self.assertEqual(self.provider_link(), {"max_age": ["31536000"]})
        self.answer("invalid_request")
        self.assertEqual(self.provider_link(), {}, "an error: never a lockout")
        self.provider.idle_logout_auth_time = "missing"
        self.url_open("/web/session/logout")
        self.assertEqual(self.provider_link(), {}, "asked, not checked")

    def test_the_button_asks_each_provider_what_it_documents(self):
        self.assertEqual(self.provider_link(), {}, "a day started as usual")
        self.url_open("/web/session/logout?idle_logout_reason=browser_idle")
        expected = {
            "prompt_login": {"prompt": ["login"], "max_age": ["0"]},
            "max_age": {"max_age": ["0"]},
            "select_account": {"prompt": ["select_account"]},
            "none": {},
        }
        for reauth, asked in expected.items():
            self.provider.idle_logout_reauth = reauth
            self.assertEqual(self.provider_link(), asked, reauth)

    def answer(self, error):
        """The provider's answer to its button: an error instead of a sign-in."""
        state = {"d": self.env.cr.dbname, "p": self.provider.id, "r": "%2Fodoo"}
        query = urlencode({"error": error, "state": json.dumps(state)})
        response = self.url_open(f"/auth_oauth/signin?{query}", allow_redirects=False)
        self.assertEqual(urlsplit(response.headers["Location"]).path, "/web/login")
        return self.url_open(response.headers["Location"]).text

    def test_an_error_from_the_provider_is_said_and_never_locks_out(self):
        self.url_open("/web/session/logout?idle_logout_reason=browser_idle")
        for error in ("login_required", "interaction_required", "invalid_request"):
            page = self.answer(error)
            self.assertIn(
                f"Company IdP answered {error} instead of signing you in", page
            )
            check = self.jsonrpc("/web/session/check")
            self.assertEqual(check["error"]["code"], 100, "no session opened")
        self.assertIn("Its button now asks it nothing more", page)
        self.assertEqual(self.provider_link(), {}, "nothing it may refuse")
        # The page repeats no text a link brings.
        self.assertIn("Company IdP answered an error instead", self.answer("Call 911"))

    def sign_in(self, **claims):
        """An OpenID Connect sign-in of the user, with the claims of its ID token."""
        validation = {"user_id": "ann", **claims, ID_TOKEN: "token"}
        return self.env["res.users"]._auth_oauth_signin(
            self.provider.id, validation, {"access_token": "access", "state": "{}"}
        )

    def asked(self):
        """A sign-in whose link asked for a new authentication (a browser the addon
        logged out)."""
        session = SimpleNamespace(session={REAUTH_KEY: True})
        return patch.object(auth_oauth_provider, "request", session)

    def test_a_provider_that_never_sends_auth_time_is_asked_not_checked(self):
        self.user.sudo().idle_logout_ended_at = "2026-12-01 10:00:00"
        issued_since = LOGGED_OUT_AT + 60
        with self.assertRaises(AccessDenied, msg="not asked, not known yet"):
            self.sign_in(iat=issued_since)
        self.assertFalse(self.provider.idle_logout_auth_time)
        with self.asked():
            self.assertEqual(self.sign_in(iat=issued_since), "idle_reauth")
        self.assertEqual(self.provider.idle_logout_auth_time, "missing", "learned")
        self.assertEqual(self.provider.idle_logout_holds, "asked")
        # A token issued since the logout, however often; never one from before it.
        self.assertEqual(self.sign_in(iat=issued_since), "idle_reauth")
        with self.assertRaises(AccessDenied):
            self.sign_in(iat=LOGGED_OUT_AT - 3600)
        # A token that says it after all: checked from then on.
        self.assertEqual(
            self.sign_in(auth_time=LOGGED_OUT_AT, iat=issued_since), "idle_reauth"
        )
        self.assertEqual(self.provider.idle_logout_holds, "checked")
        with self.assertRaises(AccessDenied):
            self.sign_in(iat=issued_since)

    def test_a_provider_that_cannot_be_asked_takes_tokens_issued_since(self):
        self.provider.idle_logout_reauth = "select_account"
        self.user.sudo().idle_logout_ended_at = "2026-12-01 10:00:00"
        with self.asked():
            # Its session answers: an old authentication, a token issued now.
            login = self.sign_in(auth_time=LOGGED_OUT_AT - 3600, iat=LOGGED_OUT_AT + 60)
            self.assertEqual(login, "idle_reauth")
            with self.assertRaises(AccessDenied, msg="issued before the logout"):
                self.sign_in(auth_time=LOGGED_OUT_AT - 3600, iat=LOGGED_OUT_AT - 60)
