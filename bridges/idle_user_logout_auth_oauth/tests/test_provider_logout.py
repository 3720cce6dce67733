import re
import time
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from odoo.http import root
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from odoo.addons.idle_user_logout.models.session_stamps import SEEN_KEY
from odoo.addons.idle_user_logout.models.single_sign_on import SSO_KEY
from odoo.addons.idle_user_logout.tests.common import JsonRpcMixin, set_params

PROVIDER = "http://127.0.0.1:9"
# What a browser sends when it loads a page to show it.
NAVIGATE = {"Sec-Fetch-Mode": "navigate"}
END_SESSION = f"{PROVIDER}/session/end"
# Off-site targets a link may give the logout route.
OFF_SITE = (
    "https://elsewhere.example/",
    "//elsewhere.example/",
    "/\\elsewhere.example/",
    "https:elsewhere.example",
)


@tagged("post_install", "-at_install")
class TestIdleLogoutProviderLogout(JsonRpcMixin, HttpCase):
    """Chosen for a provider, its logout follows every way the addon ends a session:
    the one redirect that leaves the server."""

    # A refusal writes from a cursor of its own, which a read-only route's test
    # cursor cannot open (a real server can: e2e).
    _registry_readonly_enabled = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_params(
            cls.env,
            enabled=True,
            timeout_minutes=1,
            server_enforcement=True,
            server_enforcement_since=0,
            max_session_hours=8,
            max_session_hours_since=0,
        )
        cls.provider = cls.env["auth.oauth.provider"].create(
            {
                "name": "Company IdP",
                "client_id": "odoo",
                "enabled": True,
                "flow": "id_token_code",
                "auth_endpoint": f"{PROVIDER}/auth",
                "token_endpoint": f"{PROVIDER}/token",
                "jwks_uri": f"{PROVIDER}/jwks",
                "body": "Sign in with the company IdP",
                "idle_logout_end_session": True,
                "idle_logout_end_session_endpoint": END_SESSION,
            }
        )
        new_test_user(cls.env, login="idle_rp", password="idle_rp_pw")

    def setUp(self):
        super().setUp()
        # The provider answers at the logout.
        self.patch(
            requests, "head", lambda *args, **kw: SimpleNamespace(status_code=200)
        )

    def log_in_through_the_provider(self):
        self.log_in("idle_rp")
        session = root.session_store.get(self.opener.cookies["session_id"])
        session[SSO_KEY] = {"provider": self.provider.id, "id_token": "the-id-token"}
        root.session_store.save(session)

    def age_the_session(self):
        session = root.session_store.get(self.opener.cookies["session_id"])
        session[SEEN_KEY] = time.time() - 3600
        root.session_store.save(session)

    def assert_through_the_provider(self, response, notice):
        """The browser goes to the provider's logout, which brings it back to the login
        page saying `notice`; the Odoo session has ended."""
        location = urlsplit(response.headers["Location"])
        self.assertEqual(
            f"{location.scheme}://{location.netloc}{location.path}", END_SESSION
        )
        query = parse_qs(location.query)
        self.assertEqual(query["id_token_hint"], ["the-id-token"])
        back = urlsplit(query["state"][0])
        self.assertEqual((back.scheme, back.netloc, back.path), ("", "", "/web/login"))
        self.assertIn(notice, parse_qs(back.query))
        self.assertEqual(self.jsonrpc("/web/session/check")["error"]["code"], 100)

    def logout(self, **args):
        query = urlencode({"redirect": "/odoo", **args})
        return self.url_open(f"/web/session/logout?{query}", allow_redirects=False)

    def test_idle_in_the_browser_and_the_lifetime(self):
        for reason, notice in (
            ("browser_idle", "idle_logout"),
            ("lifetime", "idle_logout_lifetime"),
        ):
            self.log_in_through_the_provider()
            response = self.logout(idle_logout_reason=reason)
            self.assert_through_the_provider(response, notice)

    def test_the_servers_refusal_of_a_page(self):
        self.log_in_through_the_provider()
        self.age_the_session()
        response = self.url_open("/odoo/contacts", allow_redirects=False)
        self.assert_through_the_provider(response, "idle_logout")

    def test_the_servers_refusal_of_a_request(self):
        self.log_in_through_the_provider()
        self.age_the_session()
        refused = self.jsonrpc(
            "/web/dataset/call_kw/res.partner/write",
            model="res.partner",
            method="write",
            args=[[], {}],
            kwargs={},
        )
        self.assertEqual(refused["error"]["code"], 100, "session expired")
        # Its pages hear of it, and leave through the logout route.
        response = self.logout(idle_logout_reason="ended")
        self.assert_through_the_provider(response, "redirect")

    def test_the_last_tab_closed(self):
        set_params(self.env, end_on_last_tab_closed=True)
        with freeze_time("2026-12-07 10:00:00") as clock:
            self.log_in_through_the_provider()
            page = self.url_open("/odoo", headers=NAVIGATE)
            key = re.search(r'"idle_logout_tab": "([^"]+)"', page.text).group(1)
            closed = self.url_open(
                "/idle_user_logout/tab_closed", data={"key": key}, method="POST"
            )
            self.assertEqual(closed.status_code, 204)
            clock.tick(11)
            self.env["idle_user_logout.tab"]._end_closed_sessions()
            # The browser comes back, with the cookie of the session that ended.
            response = self.url_open(
                "/odoo/contacts", headers=NAVIGATE, allow_redirects=False
            )
            self.assert_through_the_provider(response, "idle_logout_closed")
            again = self.url_open("/odoo", headers=NAVIGATE, allow_redirects=False)
            location = urlsplit(again.headers["Location"])
            self.assertEqual(location.path, "/web/login", "through it once")

    def test_only_the_providers_logout_leaves_the_server(self):
        for target in OFF_SITE:
            self.log_in_through_the_provider()
            response = self.logout(idle_logout_reason="browser_idle", redirect=target)
            self.assert_through_the_provider(response, "idle_logout")
            # Logged out by the addon, without a provider session to end.
            location = self.logout(redirect=target).headers["Location"]
            # As browsers read it, a backslash for a slash.
            host = urlsplit(location.replace("\\", "/")).netloc
            self.assertIn(host, ("", urlsplit(self.base_url()).netloc), target)
