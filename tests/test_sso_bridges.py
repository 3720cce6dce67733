from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestIdleLogoutSsoBridges(TransactionCase):
    """The SSO bridges come with their two sides, at an upgrade too; where one is
    missing, the settings say so and what to do."""

    def module(self, name):
        return self.env["ir.module.module"].search([("name", "=", name)])

    def summary(self):
        return self.env["res.config.settings"].create({}).idle_logout_sso_summary

    def test_an_upgrade_installs_the_bridges_whose_two_sides_are(self):
        bridge = self.module("idle_user_logout_auth_oauth")
        self.assertEqual(bridge.state, "uninstalled", "found, auth_oauth is not there")
        self.env["ir.module.module"]._idle_logout_install_bridges()
        self.assertEqual(bridge.state, "uninstalled", "one side only")
        # auth_oauth installed before the addon's upgrade.
        self.module("auth_oauth").state = "installed"
        self.env["ir.module.module"]._idle_logout_install_bridges()
        self.assertEqual(bridge.state, "to install")
        self.assertEqual(self.module("idle_user_logout_auth_saml").state, "uninstalled")

    def test_the_settings_say_when_a_bridge_is_missing(self):
        self.assertFalse(self.summary(), "no single sign-on")
        self.module("auth_oauth").state = "installed"
        self.assertEqual(
            self.summary(),
            "Single sign-on through auth_oauth is not covered: its bridge "
            "idle_user_logout_auth_oauth is not installed. Upgrade Idle User Logout, "
            "which installs it, or install it from Apps.",
        )
        # Its folder is not in the addons path (a wheel of an older release).
        self.module("idle_user_logout_auth_oauth").unlink()
        self.assertIn(
            "Odoo does not find its bridge idle_user_logout_auth_oauth. Put the "
            "addon's bridges in the addons path",
            self.summary(),
        )
