import json
from urllib.parse import quote_plus, urlencode, urlsplit

from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from odoo.addons.idle_user_logout.tests.common import JsonRpcMixin, set_params

# Nothing listens there: the provider's answers are the test's.
DOWN = "http://127.0.0.1:9"


@tagged("post_install", "-at_install")
class TestIdleLogoutHistory(JsonRpcMixin, HttpCase):
    """Plain OAuth 2.0 (Odoo's implicit flow, as its Google preset) leaves its sign-in,
    access token included, in the browser's history: after an idle logout, that entry
    no longer signs anyone in."""

    _registry_readonly_enabled = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_params(cls.env, enabled=True, timeout_minutes=1, audit=True)
        cls.provider = cls.env["auth.oauth.provider"].create(
            {
                "name": "Plain OAuth",
                "client_id": "odoo",
                "enabled": True,
                "auth_endpoint": f"{DOWN}/auth",
                "validation_endpoint": f"{DOWN}/userinfo",
                "body": "Sign in with plain OAuth",
            }
        )
        cls.user = new_test_user(
            cls.env,
            login="idle_history",
            oauth_provider_id=cls.provider.id,
            oauth_uid="ann",
        )

    def setUp(self):
        super().setUp()
        # The provider knows every access token it is shown, for an hour.
        self.patch(
            type(self.env["res.users"]),
            "_auth_oauth_rpc",
            lambda users, endpoint, access_token: {"sub": "ann"},
        )

    def sign_in(self, access_token):
        """The sign-in the provider's answer leads to, as Odoo's page makes it of the
        fragment: an entry of the browser's history."""
        state = {
            "d": self.env.cr.dbname,
            "p": self.provider.id,
            "r": quote_plus(f"{self.base_url()}/odoo"),
        }
        query = urlencode(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": "3599",
                "state": json.dumps(state),
            }
        )
        return self.url_open(f"/auth_oauth/signin?{query}", allow_redirects=False)

    def session_open(self):
        return "error" not in self.jsonrpc("/web/session/check")

    def test_the_history_entry_is_refused_after_an_idle_logout(self):
        with freeze_time("2026-12-07 10:00:00") as clock:
            self.sign_in("first-token")
            self.assertTrue(self.session_open())
            clock.tick(120)
            self.url_open("/web/session/logout?idle_logout_reason=browser_idle")
            clock.tick(60)
            replayed = self.sign_in("first-token")
            self.assertFalse(self.session_open(), "the server opened no session")
            location = replayed.headers["Location"]
            self.assertEqual(urlsplit(location).path, "/web/login")
            page = self.url_open(location).text
            self.assertIn("This sign-in was made before this account was logged", page)
            refused = self.env["idle_user_logout.log"].search(
                [("user_id", "=", self.user.id), ("reason", "=", "sso_refused")]
            )
            self.assertEqual(len(refused), 1, "on record")
            # The person, back at the provider, gets a new token.
            self.sign_in("second-token")
            self.assertTrue(self.session_open())
        digests = self.env["idle_user_logout.oauth_token"].search(
            [("user_id", "=", self.user.id)]
        )
        self.assertEqual(len(digests), 2)
        self.assertNotIn("first-token", digests.mapped("digest"), "never the token")
