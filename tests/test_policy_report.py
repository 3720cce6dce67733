import io

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.pdf import PdfFileReader

REPORT = "idle_user_logout.report_policy"


@tagged("post_install", "-at_install")
class TestIdleLogoutPolicyReport(TransactionCase):
    """The policy as configured, for an auditor: the settings, the rules by group and
    every internal user's rule with where it comes from, beyond a policy maximum or
    not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        icp = cls.env["ir.config_parameter"].sudo()
        for key, value in (("enabled", "True"), ("timeout_minutes", "30")):
            icp.set_param(f"idle_user_logout.{key}", value)
        Groups = cls.env["res.groups"]
        cls.accounting = Groups.create(
            {"name": "Idle accounting", "idle_logout_timeout_minutes": 5}
        )
        cls.displays = Groups.create(
            {"name": "Idle wall displays", "idle_logout_exempt": True}
        )
        cls.accountant = new_test_user(cls.env, login="idle_report_accountant")
        cls.accountant.group_ids |= cls.accounting
        cls.display = new_test_user(cls.env, login="idle_report_display")
        cls.display.group_ids |= cls.displays
        cls.clerk = new_test_user(cls.env, login="idle_report_clerk")

    def settings(self, **values):
        return self.env["res.config.settings"].create(values)

    def test_users_beyond_the_policy_maximum_are_pointed_out(self):
        settings = self.settings(idle_logout_policy_max_minutes=15)
        beyond = settings.idle_logout_beyond_policy_user_ids
        self.assertIn(self.clerk, beyond, "30 min, the global timeout")
        self.assertIn(self.display, beyond, "exempt")
        self.assertNotIn(self.accountant, beyond, "5 min")
        action = settings.action_idle_logout_beyond_policy_users()
        self.assertEqual(self.env["res.users"].search(action["domain"]), beyond)
        self.assertFalse(self.settings().idle_logout_beyond_policy_user_ids, "none")
        # A rule held only in the office: outside it, the accountant has 30 minutes.
        self.env["idle_user_logout.network"].create(
            {"name": "Office", "cidr": "10.0.0.0/8"}
        )
        self.accounting.idle_logout_trusted_only = True
        settings = self.settings(idle_logout_policy_max_minutes=15)
        self.assertIn(self.accountant, settings.idle_logout_beyond_policy_user_ids)

    def test_the_report_shows_the_policy_and_who_printed_it(self):
        self.settings(idle_logout_policy_max_minutes=15).execute()
        reports = self.env["ir.actions.report"]
        html = str(reports._render_qweb_html(REPORT, self.settings().ids)[0])
        self.assertIn("Printed on", html)
        self.assertIn(self.env.user.name, html)
        self.assertIn("<th>Rule set by</th>", html)
        beyond = self.settings().idle_logout_beyond_policy_user_ids
        self.assertIn(f"in or outside the trusted networks: {len(beyond)}", html)
        for group in (self.accounting, self.displays):
            self.assertIn(group.full_name, html)
        rows = {
            user: html.split(f"<td>{user.login}</td>")[1].split("</tr>")[0]
            for user in (self.accountant, self.display, self.clerk)
        }
        self.assertIn("5 min", rows[self.accountant])
        self.assertIn(self.accounting.full_name, rows[self.accountant])
        self.assertNotIn("Beyond the policy maximum", rows[self.accountant])
        self.assertIn("Exempt", rows[self.display])
        self.assertIn(self.displays.full_name, rows[self.display])
        self.assertIn("Beyond the policy maximum", rows[self.display])
        self.assertIn("30 min", rows[self.clerk])
        self.assertIn("General Settings", rows[self.clerk])
        self.assertIn("Beyond the policy maximum", rows[self.clerk])

    def test_a_settings_administrator_prints_what_is_enforced_as_a_pdf(self):
        self.env["idle_user_logout.network"].create(
            {"name": "Head office", "cidr": "10.0.0.0/8"}
        )
        self.displays.idle_logout_trusted_only = True
        self.settings(
            idle_logout_policy_max_minutes=15, idle_logout_outside_timeout_minutes=10
        ).execute()
        admin = new_test_user(
            self.env, login="idle_report_admin", groups="base.group_system"
        )
        reports = (
            self.env["ir.actions.report"]
            .with_user(admin)
            .with_context(force_report_rendering=True)
        )
        pdf, kind = reports._render_qweb_pdf(REPORT, self.settings().ids)
        self.assertEqual(kind, "pdf")
        pages = PdfFileReader(io.BytesIO(pdf)).pages
        text = " ".join(" ".join(page.extract_text() for page in pages).split())
        for said in (
            f"by {admin.name}",
            "Log out idle users Yes",
            "Idle timeout (everyone without a rule) 30 min",
            "Trusted networks Head office (10.0.0.0/8)",
            "Outside the trusted networks at most 10 min, no exemption",
            "Policy maximum 15 min",
            "Outside them Rule set by (in the trusted networks)",
            f"{self.displays.full_name} Exempt (in the trusted networks only)",
            f"{self.accounting.full_name} 5 min",
            # The display, exempt in the office only: 10 minutes outside.
            f"{self.display.login} Exempt 10 min {self.displays.full_name} Beyond",
            f"{self.clerk.login} 30 min 10 min General Settings Beyond",
            f"{self.accountant.login} 5 min 5 min {self.accounting.full_name}",
        ):
            self.assertIn(said, text)

    def test_only_settings_administrators_print_it(self):
        manager = new_test_user(
            self.env, login="idle_report_manager", groups="base.group_erp_manager"
        )
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(manager)._render_qweb_html(
                REPORT, self.settings().ids
            )
        action = self.settings().action_idle_logout_print_policy()
        self.assertEqual(action["report_name"], REPORT)
