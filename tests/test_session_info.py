from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.idle_user_logout.tests.common import JsonRpcMixin


@tagged("post_install", "-at_install")
class TestIdleLogoutSessionInfo(JsonRpcMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("idle_user_logout.enabled", "True")
        icp.set_param("idle_user_logout.timeout_minutes", "7")
        new_test_user(
            cls.env,
            login="idle_employee",
            password="idle_employee_pw",
            groups="base.group_user",
        )
        new_test_user(
            cls.env,
            login="idle_portal",
            password="idle_portal_pw",
            groups="base.group_portal",
        )

    def session_info(self):
        return self.jsonrpc("/web/session/get_session_info")["result"]

    def test_internal_user_receives_timeout(self):
        self.authenticate("idle_employee", "idle_employee_pw")
        self.assertEqual(self.session_info()["idle_logout_timeout_minutes"], 7)
        page = self.url_open("/odoo").text
        self.assertIn('"idle_logout_timeout_minutes": 7', page)

    def test_warning_sent_only_when_on(self):
        self.authenticate("idle_employee", "idle_employee_pw")
        icp = self.env["ir.config_parameter"].sudo()
        icp.set_param("idle_user_logout.warning_seconds", "0")
        self.assertNotIn("idle_logout_warning_seconds", self.session_info())
        icp.set_param("idle_user_logout.warning_seconds", "30")
        self.assertEqual(self.session_info()["idle_logout_warning_seconds"], 30)

    def test_odd_stored_timeout_is_clamped(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "idle_user_logout.timeout_minutes", "-5"
        )
        self.authenticate("idle_employee", "idle_employee_pw")
        self.assertEqual(self.session_info()["idle_logout_timeout_minutes"], 1)

    def test_disabled_sends_nothing(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "idle_user_logout.enabled", "False"
        )
        self.authenticate("idle_employee", "idle_employee_pw")
        self.assertNotIn("idle_logout_timeout_minutes", self.session_info())

    def test_portal_user_receives_nothing(self):
        self.authenticate("idle_portal", "idle_portal_pw")
        self.assertNotIn("idle_logout_timeout_minutes", self.session_info())

    def test_public_user_receives_nothing(self):
        self.assertNotIn(
            "idle_logout_timeout_minutes", self.url_open("/web/login").text
        )

    def test_website_and_portal_pages_load_the_script_for_internal_users_only(self):
        bundle = "idle_user_logout.assets_frontend"
        self.assertNotIn(bundle, self.url_open("/web/login").text)
        self.authenticate("idle_portal", "idle_portal_pw")
        self.assertNotIn(bundle, self.url_open("/web/login").text)
        self.authenticate("idle_employee", "idle_employee_pw")
        page = self.url_open("/web/login").text
        self.assertIn(bundle, page)
        self.assertIn('"idle_logout_timeout_minutes": 7', page)

    def test_session_key_is_the_session_own_and_not_its_id(self):
        """Where the pages keep the session's last activity: one key per session."""
        first = self.authenticate("idle_employee", "idle_employee_pw")
        key = self.session_info()["idle_logout_session_key"]
        self.assertEqual(self.session_info()["idle_logout_session_key"], key)
        self.assertNotIn(key, first.sid)
        self.assertNotIn(first.sid[:16], key)
        self.authenticate("idle_employee", "idle_employee_pw")
        self.assertNotEqual(self.session_info()["idle_logout_session_key"], key)
