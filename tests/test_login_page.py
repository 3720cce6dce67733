import re
from urllib.parse import parse_qs, quote, urlsplit

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestIdleLogoutLoginPage(HttpCase):
    # Test cursors share one connection: a read-only route's cursor cannot open the
    # read/write one a logout opens for its notices (a real server can: e2e).
    _registry_readonly_enabled = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(
            cls.env,
            login="idle_employee",
            password="idle_employee_pw",
            groups="base.group_user",
        )

    def login_form_csrf_token(self):
        page = self.url_open("/web/login").text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def login_page(self, query):
        return self.url_open(f"/web/login?{query}").text

    def test_notice_after_idle_logout(self):
        page = self.login_page("idle_logout=15&redirect=/odoo/settings")
        self.assertIn("You were logged out after 15 min of inactivity.", page)

    def test_notice_after_the_session_lifetime(self):
        page = self.login_page("idle_logout_lifetime=8&redirect=/odoo/settings")
        self.assertIn("Your session reached its 8-hour limit and was ended.", page)

    def test_no_notice_otherwise(self):
        for query in (
            "",
            "idle_logout=",
            "idle_logout=<b>x</b>",
            "idle_logout=-5",
            "idle_logout_lifetime=<b>x</b>",
            "idle_logout_lifetime=1.5",
        ):
            with self.subTest(query=query):
                page = self.login_page(query)
                self.assertNotIn("o_idle_logout_notice", page)
                self.assertNotIn("<b>x</b>", page)

    def test_logout_chain_ends_session_and_lands_on_login_page(self):
        self.env["ir.config_parameter"].set_param(
            "idle_user_logout.timeout_minutes", "15"
        )
        self.authenticate("idle_employee", "idle_employee_pw")
        response = self.url_open(
            "/web/session/logout?idle_logout_reason=browser_idle&redirect="
            + quote("/odoo/settings", safe=""),
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        location = urlsplit(response.headers["Location"])
        self.assertEqual(location.path, "/web/login")
        self.assertEqual(
            parse_qs(location.query),
            {"idle_logout": ["15"], "redirect": ["/odoo/settings"]},
        )
        response = self.url_open(response.headers["Location"])
        self.assertIn("You were logged out after 15 min of inactivity.", response.text)
        self.assertEqual(urlsplit(self.url_open("/odoo").url).path, "/web/login")

    def test_logout_route_says_why_on_the_login_page(self):
        self.env["ir.config_parameter"].set_param(
            "idle_user_logout.max_session_hours", "8"
        )
        login = "/web/login?idle_logout=15&redirect=" + quote("/odoo/settings", safe="")
        for query, expected in (
            ("idle_logout_reason=lifetime&redirect=/odoo", "idle_logout_lifetime=8&"),
            ("idle_logout_reason=ended&redirect=/odoo", "/web/login?redirect=%2Fodoo"),
            # A page loaded before an upgrade sent the login page itself.
            (
                "idle_logout_reason=browser_idle&redirect=" + quote(login, safe=""),
                login,
            ),
            ("redirect=/odoo/settings", "/odoo/settings"),
        ):
            with self.subTest(query=query):
                self.authenticate("idle_employee", "idle_employee_pw")
                response = self.url_open(
                    f"/web/session/logout?{query}", allow_redirects=False
                )
                self.assertIn(expected, response.headers["Location"])

    def test_back_on_the_same_page_after_logging_in(self):
        for redirect, expected in (
            ("/odoo/settings", "/odoo/settings"),
            ("https://evil.example/odoo", "/odoo"),
            ("//evil.example/odoo", "/odoo"),
        ):
            with self.subTest(redirect=redirect):
                self.authenticate(None, None)
                response = self.url_open(
                    "/web/login",
                    data={
                        "login": "idle_employee",
                        "password": "idle_employee_pw",
                        "redirect": redirect,
                        "csrf_token": self.login_form_csrf_token(),
                    },
                    allow_redirects=False,
                )
                location = urlsplit(response.headers["Location"])
                self.assertEqual(location.path, expected)
                self.assertIn(location.netloc, ("", urlsplit(self.base_url()).netloc))
