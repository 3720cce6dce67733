from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestIdleLogoutTranslations(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        addon = cls.env["ir.module.module"].search([("name", "=", "idle_user_logout")])
        addon._update_translations(["fr_FR"])

    def test_settings_block_in_french(self):
        settings = self.env["res.config.settings"].with_context(lang="fr_FR")
        arch = settings.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("Déconnexion automatique", arch)
        self.assertIn("Minimum 1 minute : une valeur inférieure est portée à 1.", arch)
        self.assertIn("une session inactive au-delà du délai est refusée", arch)
        fields = settings.fields_get(
            ["idle_logout_enabled", "idle_logout_server_enforcement"]
        )
        self.assertEqual(
            fields["idle_logout_enabled"]["string"],
            "Déconnecter les utilisateurs inactifs",
        )

    def test_login_notice_in_french(self):
        page = self.url_open(
            "/web/login?idle_logout=15", headers={"Accept-Language": "fr-FR,fr;q=0.9"}
        ).text
        self.assertIn("Vous avez été déconnecté après 15 min d&#39;inactivité.", page)
        french = {"Accept-Language": "fr-FR,fr;q=0.9"}
        page = self.url_open("/web/login?idle_logout_sso=1", headers=french).text
        self.assertIn("vous a connecté sans vous demander qui vous êtes", page)

    def test_lifetime_notice_and_log_list_in_french(self):
        page = self.url_open(
            "/web/login?idle_logout_lifetime=8",
            headers={"Accept-Language": "fr-FR,fr;q=0.9"},
        ).text
        self.assertIn("Votre session a atteint sa durée maximale de 8 h", page)
        log = self.env["idle_user_logout.log"].with_context(lang="fr_FR")
        reasons = dict(log.fields_get(["reason"])["reason"]["selection"])
        self.assertEqual(reasons["server_idle"], "Inactivité (refusée par le serveur)")

    def test_warning_in_french(self):
        terms, _lang = self.env["ir.http"]._get_translations_for_webclient(
            ["idle_user_logout"], "fr_FR"
        )
        messages = {
            message["id"]: message["string"]
            for message in terms["idle_user_logout"]["messages"]
        }
        self.assertEqual(messages["Stay logged in"], "Rester connecté")
        self.assertEqual(
            messages["You will be logged out in %(time)s."],
            "Vous serez déconnecté dans %(time)s.",
        )

    def test_rules_by_group_in_french(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "idle_user_logout.enabled", "True"
        )
        settings = self.env["res.config.settings"].with_context(lang="fr_FR").create({})
        self.assertIn("utilisateur", settings.idle_logout_rules_summary)
        self.assertIn("après 15 min", settings.idle_logout_rules_summary)
        groups = self.env["res.groups"].with_context(lang="fr_FR")
        fields = groups.fields_get(["idle_logout_exempt"])
        self.assertEqual(
            fields["idle_logout_exempt"]["string"], "Jamais déconnecté pour inactivité"
        )
