from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestIdleLogoutSettingsUi(HttpCase):
    def test_general_settings_show_auto_logout_block(self):
        """General Settings open without error and show the Auto Logout block."""
        self.env["ir.config_parameter"].set_param("idle_user_logout.enabled", "False")
        self.start_tour(
            "/odoo/settings", "idle_user_logout_settings_tour", login="admin"
        )
        icp = self.env["ir.config_parameter"]
        self.assertEqual(icp.get_param("idle_user_logout.enabled"), "True")
        self.assertEqual(icp.get_param("idle_user_logout.timeout_minutes"), "1")
