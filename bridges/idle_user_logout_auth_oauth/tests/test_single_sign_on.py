import re
import time
from urllib.parse import parse_qs, urlsplit

from odoo.exceptions import AccessDenied, UserError
from odoo.http import root
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.idle_user_logout.models.single_sign_on import SSO_KEY
from odoo.addons.idle_user_logout.tests.common import JsonRpcMixin

from ..models.auth_oauth_provider import discovery_urls
from ..models.res_users import ID_TOKEN

# Nothing listens there: a provider that is down.
DOWN = "http://127.0.0.1:9"


@tagged("post_install", "-at_install")
class TestIdleLogoutSingleSignOn(JsonRpcMixin, HttpCase):
    """After a logout the addon caused, the next single sign-on must come from a fresh
    authentication at the identity provider; nothing changes otherwise."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("idle_user_logout.enabled", "True")
        icp.set_param("idle_user_logout.timeout_minutes", "1")
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
            login="idle_sso",
            password="idle_sso_pw",
            oauth_provider_id=cls.provider.id,
            oauth_uid="ann",
        )

    def provider_link(self, path="/web/login"):
        """The query of the provider's link on the login page that `path` leads to."""
        page = self.url_open(path).text
        link = re.search(r'href="(http://127\.0\.0\.1:9/auth\?[^"]*)"', page)
        self.assertTrue(link, "the provider's button is on the login page")
        return parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)

    def asks_fresh_authentication(self, path="/web/login"):
        query = self.provider_link(path)
        fresh = query.get("prompt") == ["login"] and query.get("max_age") == ["0"]
        self.assertEqual("prompt" in query, fresh, query)
        return fresh

    def test_only_a_logout_by_the_addon_asks_the_provider_again(self):
        self.assertFalse(self.asks_fresh_authentication(), "a day started as usual")
        self.log_in("idle_sso")
        self.url_open("/web/session/logout")
        self.assertFalse(self.asks_fresh_authentication(), "logged out by hand")
        self.log_in("idle_sso")
        self.url_open(
            "/web/session/logout?idle_logout_reason=browser_idle&redirect=/odoo"
        )
        for path in ("/web/login?idle_logout=1", "/web/login", "/odoo/settings"):
            self.assertTrue(self.asks_fresh_authentication(path), path)
        self.log_in("idle_sso")
        self.url_open("/web/session/logout")
        self.assertFalse(self.asks_fresh_authentication(), "logged in again since")

    def test_a_refusal_by_the_server_asks_the_provider_again(self):
        self.log_in("idle_sso")
        self.env["ir.config_parameter"].sudo().set_param(
            "idle_user_logout.server_enforcement_since", "0"
        )
        session = root.session_store.get(self.opener.cookies["session_id"])
        session["idle_logout_seen"] = time.time() - 3600
        root.session_store.save(session)
        # A request that writes: the refusal's own cursor may follow its test cursor.
        refused = self.jsonrpc(
            "/web/dataset/call_kw/res.partner/write",
            model="res.partner",
            method="write",
            args=[[], {}],
            kwargs={},
        )
        self.assertEqual(refused["error"]["code"], 100, "session expired")
        # The refused session stays logged out with its mark. (The user's stamp is
        # written from a cursor of its own, which a real server commits and the test's
        # cursor undoes with the refused request.)
        self.assertTrue(self.asks_fresh_authentication())

    def sign_in(self, **claims):
        """The sign-in of the user through the provider, as OCA auth_oidc makes it once
        the provider's ID token is verified: its claims, with the token itself."""
        validation = {"user_id": "ann", **claims, ID_TOKEN: "token"}
        return self.env["res.users"]._auth_oauth_signin(
            self.provider.id, validation, {"access_token": "access", "state": "{}"}
        )

    def test_a_sign_in_from_an_authentication_before_the_logout_is_refused(self):
        self.assertEqual(self.sign_in(), "idle_sso", "none since")
        self.user.sudo().idle_logout_ended_at = "2026-12-01 10:00:00"
        logged_out_at = 1796119200  # 2026-12-01 10:00:00 UTC
        for auth_time in (None, logged_out_at - 3600, logged_out_at - 60):
            with self.assertRaises(AccessDenied, msg=auth_time):
                self.sign_in(auth_time=auth_time, iat=logged_out_at + 60)
        self.assertEqual(self.sign_in(auth_time=logged_out_at), "idle_sso")
        self.assertEqual(self.provider.idle_logout_auth_time, "sent", "learned")
        self.assertEqual(
            self.sign_in(auth_time=logged_out_at - 3),
            "idle_sso",
            "the provider's clock a few seconds behind",
        )
        self.assertEqual(self.user.sudo().oauth_access_token, "access")

    def test_the_login_page_says_why_single_sign_on_did_not_go_as_usual(self):
        page = self.url_open("/web/login?idle_logout_sso=1").text
        self.assertIn("signed you in without asking who you are", page)
        page = self.url_open(
            f"/web/login?idle_logout_provider_down={self.provider.id}"
        ).text
        self.assertIn("Company IdP did not answer", page)

    def test_a_provider_down_at_the_logout_still_leads_to_the_login_page(self):
        self.provider.write(
            {
                "idle_logout_end_session": True,
                "idle_logout_end_session_endpoint": f"{DOWN}/session/end",
            }
        )
        self.log_in("idle_sso")
        session = root.session_store.get(self.opener.cookies["session_id"])
        session[SSO_KEY] = {"provider": self.provider.id, "id_token": "token"}
        root.session_store.save(session)
        response = self.url_open(
            "/web/session/logout?idle_logout_reason=browser_idle&redirect=/odoo",
            allow_redirects=False,
        )
        location = urlsplit(response.headers["Location"])
        self.assertEqual(location.path, "/web/login")
        query = parse_qs(location.query)
        self.assertEqual(query["idle_logout"], ["1"])
        self.assertEqual(query["idle_logout_provider_down"], [str(self.provider.id)])
        ended = self.jsonrpc("/web/session/check")
        self.assertEqual(ended["error"]["code"], 100, "the Odoo session ended")

    def test_a_provider_without_discovery_document_says_so_and_saves_nothing(self):
        with self.assertRaises(UserError) as refused:
            self.provider.write({"idle_logout_end_session": True})
        self.assertIn("no end_session_endpoint", str(refused.exception))
        self.assertFalse(self.provider.idle_logout_end_session)
        self.assertEqual(
            discovery_urls("https://kc.example.com/realms/acme/protocol/oidc/auth")[2],
            "https://kc.example.com/realms/acme/.well-known/openid-configuration",
        )

    def test_the_settings_say_what_holds_after_an_idle_logout(self):
        copy = self.provider.copy
        copy({"name": "Plain OAuth", "flow": "access_token", "enabled": True})
        copy({"name": "Entra", "idle_logout_auth_time": "missing", "enabled": True})
        copy({"name": "Gmail", "idle_logout_reauth": "select_account", "enabled": True})
        summary = self.env["res.config.settings"].create({}).idle_logout_sso_summary
        lines = summary.splitlines()
        self.assertIn(
            "Company IdP: asks the person to authenticate again (checked on the "
            "server).",
            lines,
        )
        self.assertIn("Plain OAuth: asks, not checked: plain OAuth 2.0", summary)
        self.assertIn("Entra: asks, not checked: its ID tokens never say", summary)
        self.assertIn(
            "Gmail: cannot ask: whoever sits at the computer while the person's Gmail "
            "session is open gets back in.",
            lines,
        )

    def test_the_login_page_says_it_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        bridge = self.env["ir.module.module"].search(
            [("name", "=", "idle_user_logout_auth_oauth")]
        )
        bridge._update_translations(["fr_FR"])
        page = self.url_open(
            f"/web/login?idle_logout_provider_down={self.provider.id}",
            headers={"Accept-Language": "fr-FR,fr;q=0.9"},
        ).text
        self.assertIn("Company IdP n&#39;a pas répondu", page)
