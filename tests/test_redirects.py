from urllib.parse import urlencode, urlsplit

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.idle_user_logout.tests.common import set_params

# Off-site targets a link may give the logout route (a phishing page on another host).
OFF_SITE = (
    "https://elsewhere.example/",
    "//elsewhere.example/",
    "/\\elsewhere.example/",
    "https:elsewhere.example",
)


@tagged("post_install", "-at_install")
class TestIdleLogoutRedirects(HttpCase):
    """The logout route never sends a browser off the server, whatever it is told: no
    open redirect on the company's own domain."""

    # Test cursors share one connection: a read-only route's cursor cannot open the
    # read/write one a logout opens for its notices (a real server can: e2e).
    _registry_readonly_enabled = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_params(cls.env, enabled=True, timeout_minutes=1)
        new_test_user(cls.env, login="idle_redirected", password="idle_redirected_pw")

    def logout(self, target, **args):
        query = urlencode({"redirect": target, **args})
        return self.url_open(f"/web/session/logout?{query}", allow_redirects=False)

    def assert_stays(self, response, state):
        location = response.headers["Location"]
        # As browsers read it, a backslash for a slash.
        host = urlsplit(location.replace("\\", "/")).netloc
        self.assertIn(host, ("", urlsplit(self.base_url()).netloc), state)

    def test_no_redirect_leaves_the_server(self):
        for target in OFF_SITE:
            for reason in (None, "browser_idle", "lifetime", "ended"):
                args = {"idle_logout_reason": reason} if reason else {}
                self.authenticate("idle_redirected", "idle_redirected_pw")
                self.assert_stays(self.logout(target, **args), f"logged in {args}")
                # The browser keeps the mark of a logout by the addon.
                self.authenticate("idle_redirected", "idle_redirected_pw")
                self.logout("/odoo", idle_logout_reason="browser_idle")
                state = f"after an idle logout {args}"
                self.assert_stays(self.logout(target, **args), state)
                # Anyone may give a reason: an anonymous browser forging one.
                self.opener.cookies.clear()
                self.assert_stays(self.logout(target, **args), f"anonymous {args}")

    def test_another_sites_link_is_a_plain_logout(self):
        """A link of another site may log the browser out, as Odoo's own route does,
        but never as the addon: no idle logout on record, no provider logout."""
        set_params(self.env, audit=True)
        user = self.env["res.users"].search([("login", "=", "idle_redirected")])
        # The browser says where the link was (over HTTPS); a form, its Origin.
        for source in (
            {"Sec-Fetch-Site": "cross-site"},
            {"Origin": "http://elsewhere.example"},
        ):
            self.authenticate("idle_redirected", "idle_redirected_pw")
            response = self.url_open(
                "/web/session/logout?idle_logout_reason=browser_idle",
                headers=source,
                allow_redirects=False,
            )
            self.assertNotIn("idle_logout", response.headers["Location"], source)
        log = self.env["idle_user_logout.log"].search([("user_id", "=", user.id)])
        self.assertEqual(log.mapped("reason"), ["logout", "logout"])
        self.assertFalse(user.sudo().idle_logout_ended_at)
