from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestIdleLogoutSettings(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.icp = cls.env["ir.config_parameter"].sudo()
        cls.employee = new_test_user(
            cls.env, login="idle_employee", groups="base.group_user"
        )

    def save_settings(self, **values):
        self.env["res.config.settings"].create(values).execute()

    def test_defaults(self):
        self.icp.search([("key", "like", "idle_user_logout.")]).unlink()
        settings = self.env["res.config.settings"].create({})
        self.assertFalse(settings.idle_logout_enabled)
        self.assertEqual(settings.idle_logout_timeout_minutes, 15)

    def test_settings_are_read_once_until_a_parameter_changes(self):
        settings = self.env["res.config.settings"]
        first = settings._idle_logout_settings()
        with self.assertQueryCount(0):
            self.assertIs(settings._idle_logout_settings(), first, "cached")
        self.env["ir.config_parameter"].sudo().set_param(
            "idle_user_logout.timeout_minutes", "7"
        )
        self.assertEqual(settings._idle_logout_settings().timeout_minutes, 7)

    def test_round_trip(self):
        self.save_settings(idle_logout_enabled=True, idle_logout_timeout_minutes=42)
        self.assertEqual(self.icp.get_param("idle_user_logout.enabled"), "True")
        self.assertEqual(self.icp.get_param("idle_user_logout.timeout_minutes"), "42")
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.idle_logout_enabled)
        self.assertEqual(settings.idle_logout_timeout_minutes, 42)

        self.save_settings(idle_logout_enabled=False, idle_logout_timeout_minutes=42)
        self.assertEqual(self.icp.get_param("idle_user_logout.enabled"), "False")
        self.assertFalse(self.env["res.config.settings"].create({}).idle_logout_enabled)

    def test_saving_below_minimum_stores_one_minute(self):
        for entered in (0, -5):
            with self.subTest(entered=entered):
                self.save_settings(
                    idle_logout_enabled=True, idle_logout_timeout_minutes=entered
                )
                self.assertEqual(
                    self.icp.get_param("idle_user_logout.timeout_minutes"), "1"
                )
                self.assertEqual(
                    self.env["res.config.settings"]
                    .create({})
                    .idle_logout_timeout_minutes,
                    1,
                )

    def test_onchange_raises_entered_value(self):
        settings = self.env["res.config.settings"].new(
            {"idle_logout_timeout_minutes": 0}
        )
        settings._onchange_idle_logout_numbers()
        self.assertEqual(settings.idle_logout_timeout_minutes, 1)

    def test_reading_odd_stored_values(self):
        expected = {
            None: 15,
            "": 15,
            "abc": 15,
            "0": 1,
            "-5": 1,
            "2.5": 2,
            "nan": 15,
            "1e400": 525600,
            "-1e400": 1,
            "99999999999999999999": 525600,
        }
        for stored, minutes in expected.items():
            with self.subTest(stored=stored):
                self.icp.search(
                    [("key", "=", "idle_user_logout.timeout_minutes")]
                ).unlink()
                if stored is not None:
                    self.icp.create(
                        {"key": "idle_user_logout.timeout_minutes", "value": stored}
                    )
                self.icp.set_param("idle_user_logout.enabled", "True")
                settings = self.env["res.config.settings"].create({})
                self.assertEqual(settings.idle_logout_timeout_minutes, minutes)
                effective = self.env["res.config.settings"]._idle_logout_settings()
                self.assertEqual(
                    (effective.enabled, effective.timeout_minutes), (True, minutes)
                )

    def test_reading_odd_enabled_values(self):
        for stored, enabled in {
            "True": True,
            "1": True,
            "False": False,
            "abc": False,
            "": False,
        }.items():
            with self.subTest(stored=stored):
                self.icp.search([("key", "=", "idle_user_logout.enabled")]).unlink()
                if stored:
                    self.icp.create(
                        {"key": "idle_user_logout.enabled", "value": stored}
                    )
                self.assertEqual(
                    self.env["res.config.settings"]._idle_logout_settings().enabled,
                    enabled,
                )

    def test_non_admin_cannot_change_settings(self):
        self.icp.set_param("idle_user_logout.enabled", "True")
        self.icp.set_param("idle_user_logout.timeout_minutes", "15")
        employee_env = self.env(user=self.employee)
        with self.assertRaises(AccessError):
            employee_env["res.config.settings"].create(
                {"idle_logout_enabled": False, "idle_logout_timeout_minutes": 600}
            ).execute()
        with self.assertRaises(AccessError):
            employee_env["ir.config_parameter"].set_param(
                "idle_user_logout.enabled", "False"
            )
        with self.assertRaises(AccessError):
            employee_env["ir.config_parameter"].search(
                [("key", "=", "idle_user_logout.timeout_minutes")]
            ).write({"value": "600"})
        self.assertEqual(self.icp.get_param("idle_user_logout.enabled"), "True")
        self.assertEqual(self.icp.get_param("idle_user_logout.timeout_minutes"), "15")

    def test_lifetime_and_audit_settings(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(
            (
                settings.idle_logout_max_session_hours,
                settings.idle_logout_audit,
                settings.idle_logout_audit_retention_days,
            ),
            (0, False, 365),
            "off by default, a year of retention",
        )
        self.save_settings(
            idle_logout_enabled=True,
            idle_logout_max_session_hours=8,
            idle_logout_audit=True,
            idle_logout_audit_retention_days=30,
        )
        effective = self.env["res.config.settings"]._idle_logout_settings()
        self.assertEqual(
            (effective.max_session_hours, effective.audit, effective.retention_days),
            (8, True, 30),
        )
        self.assertTrue(
            float(self.icp.get_param("idle_user_logout.max_session_hours_since"))
        )

    def test_a_retention_or_policy_maximum_out_of_bounds_says_why(self):
        self.save_settings(idle_logout_enabled=True)
        before = {
            key: self.icp.get_param(f"idle_user_logout.{key}")
            for key in ("audit_retention_days", "policy_max_minutes", "timeout_minutes")
        }
        for values, message in (
            ({"idle_logout_audit_retention_days": 0}, "at least 1 day"),
            ({"idle_logout_audit_retention_days": -3}, "at least 1 day"),
            ({"idle_logout_policy_max_minutes": -1}, "0 for none"),
        ):
            with self.subTest(**values), self.assertRaises(ValidationError) as error:
                self.save_settings(
                    idle_logout_enabled=True, idle_logout_timeout_minutes=9, **values
                )
            self.assertIn(message, str(error.exception))
            after = {
                key: self.icp.get_param(f"idle_user_logout.{key}") for key in before
            }
            self.assertEqual(after, before, "nothing changed")
        for field, label in (
            ("idle_logout_policy_max_minutes", "Policy Maximum (minutes)"),
            ("idle_logout_audit_retention_days", "Keep Log Entries (days)"),
        ):
            with self.assertRaises(ValidationError) as error:
                self.env["res.config.settings"].create({field: "fifteen"})
            self.assertEqual(
                str(error.exception),
                f"{label} is a whole number: “fifteen” is not one.",
            )

    def test_odd_lifetime_and_retention_values(self):
        for hours, days, stored in (
            (-5, 1, ("0", "1")),
            (10**9, 10**9, ("8760", "36500")),
        ):
            with self.subTest(hours=hours, days=days):
                self.save_settings(
                    idle_logout_enabled=True,
                    idle_logout_max_session_hours=hours,
                    idle_logout_audit_retention_days=days,
                )
                self.assertEqual(
                    (
                        self.icp.get_param("idle_user_logout.max_session_hours"),
                        self.icp.get_param("idle_user_logout.audit_retention_days"),
                    ),
                    stored,
                )
        for stored in ("abc", "-3", "nan", ""):
            with self.subTest(stored=stored):
                self.icp.set_param("idle_user_logout.max_session_hours", stored)
                self.icp.set_param("idle_user_logout.audit_retention_days", stored)
                effective = self.env["res.config.settings"]._idle_logout_settings()
                self.assertEqual(effective.max_session_hours, 0, "off")
                self.assertGreaterEqual(effective.retention_days, 1)

    def test_warning_setting(self):
        self.icp.search([("key", "=", "idle_user_logout.warning_seconds")]).unlink()
        self.assertEqual(
            self.env["res.config.settings"].create({}).idle_logout_warning_seconds,
            0,
            "silent by default",
        )
        for entered, stored in ((10, "20"), (45, "45"), (0, "0"), (-5, "0")):
            with self.subTest(entered=entered):
                self.save_settings(
                    idle_logout_enabled=True,
                    idle_logout_timeout_minutes=1,
                    idle_logout_warning_seconds=entered,
                )
                self.assertEqual(
                    self.icp.get_param("idle_user_logout.warning_seconds"), stored
                )

    def test_warning_longer_than_the_timeout_is_refused(self):
        self.save_settings(
            idle_logout_enabled=True,
            idle_logout_timeout_minutes=5,
            idle_logout_warning_seconds=0,
        )
        with self.assertRaisesRegex(ValidationError, "less than 60 seconds"):
            self.save_settings(
                idle_logout_enabled=True,
                idle_logout_timeout_minutes=1,
                idle_logout_warning_seconds=60,
            )
        self.assertEqual(self.icp.get_param("idle_user_logout.timeout_minutes"), "5")
        self.assertEqual(self.icp.get_param("idle_user_logout.warning_seconds"), "0")

    def test_odd_stored_warning_values(self):
        self.icp.set_param("idle_user_logout.timeout_minutes", "1")
        for stored, seconds in {
            "abc": 0,
            "-5": 0,
            "": 0,
            "5": 20,
            "59": 59,
            "60": 0,
            "1e400": 0,
        }.items():
            with self.subTest(stored=stored):
                self.icp.set_param("idle_user_logout.warning_seconds", stored)
                settings = self.env["res.config.settings"]._idle_logout_settings()
                self.assertEqual(settings.warning_seconds, seconds)
