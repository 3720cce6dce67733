import re
from urllib.parse import quote, urlsplit

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
        self.authenticate("idle_employee", "idle_employee_pw")
        login = "/web/login?idle_logout=15&redirect=" + quote("/odoo/settings", safe="")
        response = self.url_open(
            "/web/session/logout?redirect=" + quote(login, safe=""),
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(urlsplit(response.headers["Location"]).path, "/web/login")
        response = self.url_open(response.headers["Location"])
        self.assertIn("You were logged out after 15 min of inactivity.", response.text)
        self.assertEqual(urlsplit(self.url_open("/odoo").url).path, "/web/login")

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
