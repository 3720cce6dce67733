import inspect
import time
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.base.models.ir_autovacuum import is_autovacuum
from odoo.addons.idle_user_logout.models.idle_user_logout_log import session_hash
from odoo.addons.idle_user_logout.tests.common import JsonRpcMixin

# A 2-hour lifetime: refused 60 s past it (the grace the tabs get to save and leave).
LIFETIME_SECONDS = 2 * 3600
LIFETIME_GRACE_SECONDS = 60
# Timeout 1 minute: refused once idle for more than 95 s.
IDLE_LIMIT_SECONDS = 95


class IdleLogoutCase(JsonRpcMixin, HttpCase):
    # Test cursors share one connection: a read-only route's cursor cannot open the
    # read/write one a logout opens for its notices (a real server can: e2e).
    _registry_readonly_enabled = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.icp = cls.env["ir.config_parameter"].sudo()
        for key, value in {
            "enabled": "True",
            "timeout_minutes": "60",
            "server_enforcement": "True",
            "server_enforcement_since": "0",
            "max_session_hours": "2",
            "max_session_hours_since": "0",
            "audit": "True",
        }.items():
            cls.icp.set_param(f"idle_user_logout.{key}", value)
        cls.employee = new_test_user(
            cls.env, login="idle_employee", password="idle_employee_pw"
        )

    def log_in(self, login="idle_employee"):
        """The employee's real login; returns its session's identifier."""
        super().log_in(login)
        return self.opener.cookies["session_id"][:42]

    def record(self, session_identifier, reason):
        self.env["idle_user_logout.log"]._record(
            {
                "user_id": self.employee.id,
                "reason": reason,
                "timeout_minutes": 1,
                "identifier": session_identifier,
                "ip_address": "127.0.0.1",
                "browser": "chrome",
                "platform": "linux",
            }
        )

    def logs(self):
        return self.env["idle_user_logout.log"].search(
            [("user_id", "=", self.employee.id)]
        )


@tagged("post_install", "-at_install")
class TestIdleLogoutLifetime(IdleLogoutCase):
    def test_session_ends_after_its_lifetime_whatever_the_activity(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            for _ in range(12):  # two hours, a request every 10 minutes
                clock.tick(600)
                self.assertTrue(self.accepted())
            clock.tick(LIFETIME_GRACE_SECONDS)
            self.assertTrue(self.accepted(), "the tabs' grace to save and leave")
            clock.tick(1)
            self.assertFalse(self.accepted())
        self.assertEqual(self.logs().mapped("reason"), ["lifetime"])

    def test_page_past_lifetime_shows_login_page_with_notice(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            clock.tick(LIFETIME_SECONDS + LIFETIME_GRACE_SECONDS + 1)
            response = self.url_open("/odoo/settings", allow_redirects=False)
            location = urlsplit(response.headers["Location"])
            self.assertEqual(
                parse_qs(location.query),
                {"idle_logout_lifetime": ["2"], "redirect": ["/odoo/settings"]},
            )
            page = self.url_open(response.headers["Location"]).text
            self.assertIn("Your session reached its 2-hour limit and was ended.", page)

    def test_browser_is_told_the_seconds_left_not_a_date(self):
        self.icp.set_param("idle_user_logout.server_enforcement", "False")
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            clock.tick(1800)
            info = self.jsonrpc("/web/session/get_session_info")["result"]
        self.assertEqual(info["idle_logout_lifetime_left"], LIFETIME_SECONDS - 1800)

    def test_lifetime_off_tells_the_browser_nothing(self):
        self.icp.set_param("idle_user_logout.max_session_hours", "0")
        self.log_in()
        info = self.jsonrpc("/web/session/get_session_info")["result"]
        self.assertNotIn("idle_logout_lifetime_left", info)
        self.assertEqual(info["idle_logout_timeout_minutes"], 60)

    def test_older_session_counts_from_the_switch(self):
        self.icp.set_param("idle_user_logout.max_session_hours", "0")
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            for _ in range(10):  # five hours at work
                clock.tick(1800)
                self.assertTrue(self.accepted())
            self.env["res.config.settings"].create(
                {
                    "idle_logout_enabled": True,
                    "idle_logout_timeout_minutes": 60,
                    "idle_logout_server_enforcement": True,
                    "idle_logout_max_session_hours": 2,
                }
            ).execute()
            self.assertTrue(self.accepted(), "not cut off by the switch itself")
            for _ in range(4):
                clock.tick(LIFETIME_SECONDS / 4)
                self.assertTrue(self.accepted())
            clock.tick(LIFETIME_GRACE_SECONDS + 1)
            self.assertFalse(self.accepted())


@tagged("post_install", "-at_install")
class TestIdleLogoutAudit(IdleLogoutCase):
    def refused_when_idle(self):
        """A session used once, then left idle until the server refuses it."""
        self.icp.set_param("idle_user_logout.timeout_minutes", "1")
        with freeze_time("2026-11-28 10:00:00") as clock:
            session_identifier = self.log_in()
            self.url_open("/odoo")  # the device is logged on the first page
            clock.tick(IDLE_LIMIT_SECONDS + 1)
            self.assertFalse(self.accepted())
            self.assertFalse(self.accepted())
        return session_identifier

    def test_server_refusal_leaves_one_row_with_the_device(self):
        session_identifier = self.refused_when_idle()
        device = self.env["res.device.log"].search(
            [("session_identifier", "=", session_identifier)]
        )
        self.assertEqual(len(device), 1)
        log = self.logs()
        self.assertEqual(len(log), 1, "one row, however many requests come after")
        self.assertEqual(log.reason, "server_idle")
        self.assertEqual(
            (log.ip_address, log.browser, log.platform),
            (device.ip_address, device.browser, device.platform),
        )
        self.assertEqual(log.ip_address, "127.0.0.1")

    def test_ended_session_is_no_longer_an_active_device(self):
        self.icp.set_param("idle_user_logout.audit", "False")
        session_identifier = self.refused_when_idle()
        self.assertFalse(self.logs(), "the audit trail is off")
        devices = (
            self.env["res.device"]
            .sudo()
            .search([("session_identifier", "=", session_identifier)])
        )
        self.assertFalse(devices, "Odoo's devices list does not show it as active")

    def test_a_logout_by_hand_is_on_record_with_its_login_and_duration(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            session_identifier = self.log_in()
            clock.tick(1800)
            self.url_open("/web/session/logout")
        self.assertFalse(self.accepted())
        log = self.logs()
        self.assertEqual(log.reason, "logout")
        self.assertEqual(str(log.login_date), "2026-11-28 10:00:00")
        self.assertEqual(str(log.create_date), "2026-11-28 10:30:00")
        self.assertEqual(log.duration, 0.5, "half an hour")
        self.assertEqual(log.timeout_minutes, 60, "the rule of its user")
        self.assertNotIn(session_identifier, str(log.read()), "no session id kept")

    def test_the_web_clients_own_logout_call_is_on_record(self):
        self.log_in()
        self.jsonrpc("/web/session/destroy")
        self.assertFalse(self.accepted())
        self.assertEqual(self.logs().reason, "logout")

    def test_a_session_odoo_logs_out_after_a_new_password_is_on_record(self):
        self.log_in()
        self.assertTrue(self.accepted())
        self.employee.password = "idle_employee_new_pw"
        # A page (a JSON-RPC call's refusal rolls back the test's shared cursor).
        self.url_open("/web/login")
        self.assertFalse(self.accepted(), "Odoo logged it out")
        log = self.logs()
        self.assertEqual(log.reason, "credentials_changed")
        self.assertEqual(log.timeout_minutes, 60)
        self.assertFalse(self.employee.idle_logout_ended_at, "not ended by the addon")

    def test_beside_the_browsers_word_the_idle_time_the_server_saw(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            clock.tick(600)
            # A page says it went idle: the server last saw its session 10 minutes ago.
            self.url_open("/web/session/logout?idle_logout_reason=browser_idle")
        log = self.logs()
        self.assertEqual(log.reason, "browser_idle")
        self.assertEqual(log.server_idle_minutes, 10)
        self.log_in()
        self.url_open("/web/session/logout?idle_logout_reason=browser_idle")
        self.assertLess(self.logs()[0].server_idle_minutes, 1, "said, not seen")

    def test_the_idle_time_the_server_saw_counts_from_its_switch(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            clock.tick(600)
            # Server enforcement turned back on at 10:10: it counts from then.
            self.icp.set_param(
                "idle_user_logout.server_enforcement_since", str(time.time())
            )
            clock.tick(300)
            self.url_open("/web/session/logout?idle_logout_reason=browser_idle")
        self.assertEqual(self.logs().server_idle_minutes, 5)

    def test_a_revoked_device_is_on_record_with_its_device(self):
        session_identifier = self.log_in()
        self.url_open("/odoo")  # the device is logged on the first page
        device = self.env["res.device"].search(
            [("session_identifier", "=", session_identifier)]
        )
        device._revoke()
        log = self.logs()
        self.assertEqual(log.reason, "device_revoked")
        self.assertEqual(
            (log.ip_address, log.browser, log.login_date),
            (device.ip_address, device.browser, device.first_activity),
        )
        self.assertFalse(self.accepted(), "Odoo ended it")

    def test_only_settings_administrators_read_it(self):
        self.record("x" * 42, "lifetime")
        manager = new_test_user(
            self.env, login="idle_manager", groups="base.group_erp_manager"
        )
        for user in (self.employee, manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["idle_user_logout.log"].with_user(user).search([])
        admin = new_test_user(self.env, login="idle_admin", groups="base.group_system")
        rows = self.env["idle_user_logout.log"].with_user(admin).search([])
        self.assertEqual(rows.mapped("reason"), ["lifetime"])
        with self.assertRaises(AccessError):
            rows.with_user(admin).write({"reason": "browser_idle"})
        with self.assertRaises(AccessError):
            rows.with_user(admin).unlink()
        with self.assertRaises(AccessError):
            rows.with_user(admin).create({"user_id": admin.id, "reason": "logout"})

    def test_old_rows_removed_after_the_retention_period(self):
        Log = self.env["idle_user_logout.log"]
        for days in (366, 100, 10, 0):
            self.record(f"{days:042d}", "browser_idle")
            self.env.cr.execute(
                SQL(
                    "UPDATE idle_user_logout_log SET create_date = %s "
                    "WHERE session_hash = %s",
                    datetime.now() - timedelta(days=days, hours=1),
                    session_hash(f"{days:042d}"),
                )
            )
        Log.invalidate_model()
        self.assertIn(
            "_gc_old_logs",
            dict(inspect.getmembers(type(Log), is_autovacuum)),
            "run by Odoo's daily auto-vacuum cron",
        )
        Log._gc_old_logs()
        self.assertEqual(len(self.logs()), 3, "a year by default")
        self.icp.set_param("idle_user_logout.audit_retention_days", "5")
        Log._gc_old_logs()
        self.assertEqual(len(self.logs()), 1)

    def test_settings_page_links_to_the_list(self):
        self.authenticate("admin", "admin")
        action = self.env.ref("idle_user_logout.idle_user_logout_log_action")
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn(f'name="{action.id}"', arch)
        self.assertEqual(action.context, "{'search_default_group_by_user': 1}")


@tagged("post_install", "-at_install")
class TestIdleLogoutAuditFromTheBrowser(IdleLogoutCase):
    def test_idle_tabs_logout_is_recorded_once(self):
        session_identifier = self.log_in()
        self.url_open("/odoo")
        logout = (
            "/web/session/logout?idle_logout_reason=browser_idle&redirect=/web/login"
        )
        # The logout route takes the reason: Odoo warns of no argument it ignored.
        with self.assertNoLogs("odoo.http", "WARNING"):
            self.url_open(logout)
        self.url_open(logout)  # the session's other tabs follow
        self.assertFalse(self.accepted())
        log = self.logs()
        self.assertEqual(log.mapped("reason"), ["browser_idle"])
        self.assertEqual(log.session_hash, session_hash(session_identifier))
