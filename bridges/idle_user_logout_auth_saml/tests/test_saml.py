from odoo.exceptions import AccessDenied
from odoo.tests import TransactionCase, new_test_user, tagged

from ..models.auth_saml_provider import AUTHN_INSTANT


@tagged("post_install", "-at_install")
class TestIdleLogoutSaml(TransactionCase):
    """After a logout by the addon, a SAML sign-in whose assertion says the person
    authenticated before it is refused (the e2e tier proves it against a provider)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "idle_user_logout.enabled", "True"
        )
        cls.provider = cls.env["auth.saml.provider"].create(
            {
                "name": "Company SAML",
                "idp_metadata": "<EntityDescriptor/>",
                "sig_alg": "SIG_RSA_SHA256",
            }
        )
        cls.user = new_test_user(cls.env, login="idle_saml")
        cls.user.saml_ids = [
            (0, 0, {"saml_provider_id": cls.provider.id, "saml_uid": "ann"})
        ]

    def sign_in(self, authn_instant):
        validation = {"user_id": "ann", AUTHN_INSTANT: authn_instant}
        return self.env["res.users"]._auth_saml_signin(
            self.provider.id, validation, "response"
        )

    def test_a_sign_in_from_before_the_logout_is_refused(self):
        self.assertEqual(self.sign_in(None), "idle_saml", "no logout yet")
        self.user.sudo().idle_logout_ended_at = "2026-12-01 10:00:00"
        logged_out_at = 1796119200
        for instant in (None, logged_out_at - 60):
            with self.assertRaises(AccessDenied, msg=instant):
                self.sign_in(instant)
        self.assertEqual(self.sign_in(logged_out_at), "idle_saml")
        self.assertEqual(
            self.sign_in(logged_out_at - 3),
            "idle_saml",
            "the provider's clock a few seconds behind",
        )

    def test_off_the_addon_checks_nothing(self):
        self.user.sudo().idle_logout_ended_at = "2026-12-01 10:00:00"
        self.env["ir.config_parameter"].sudo().set_param(
            "idle_user_logout.enabled", "False"
        )
        self.assertEqual(self.sign_in(None), "idle_saml")

    def test_the_settings_say_what_the_next_sign_in_does(self):
        summary = self.env["res.config.settings"].create({}).idle_logout_sso_summary
        self.assertIn(
            "Company SAML (SAML): asks the person to authenticate again (checked on "
            "the server).",
            summary.splitlines(),
        )
