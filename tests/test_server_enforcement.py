from urllib.parse import parse_qs, urlsplit

from odoo import Command
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from odoo.addons.idle_user_logout.tests.common import JsonRpcMixin

# Timeout 1 minute: refused once idle for more than 60 s + 20 s (a third) + 15 s.
LIMIT_SECONDS = 95


@tagged("post_install", "-at_install")
class TestIdleLogoutServerEnforcement(JsonRpcMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.icp = cls.env["ir.config_parameter"].sudo()
        cls.icp.set_param("idle_user_logout.enabled", "True")
        cls.icp.set_param("idle_user_logout.timeout_minutes", "1")
        cls.icp.set_param("idle_user_logout.server_enforcement", "True")
        cls.icp.set_param("idle_user_logout.server_enforcement_since", "0")
        for login, group in (
            ("idle_employee", "base.group_user"),
            ("idle_portal", "base.group_portal"),
        ):
            new_test_user(cls.env, login=login, password=f"{login}_pw", groups=group)

    def test_idle_session_refused_after_timeout_and_grace(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.authenticate("idle_employee", "idle_employee_pw")
            self.assertTrue(self.accepted())
            clock.tick(LIMIT_SECONDS + 1)
            self.assertFalse(self.accepted(), "JSON-RPC answers with session expired")
            self.assertFalse(self.accepted(), "the session is over for good")

    def test_idle_page_redirects_to_login_page_with_notice(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.authenticate("idle_employee", "idle_employee_pw")
            self.assertTrue(self.accepted())
            clock.tick(LIMIT_SECONDS + 1)
            response = self.url_open("/odoo/settings", allow_redirects=False)
            location = urlsplit(response.headers["Location"])
            self.assertEqual(location.path, "/web/login")
            self.assertEqual(
                parse_qs(location.query),
                {"idle_logout": ["1"], "redirect": ["/odoo/settings"]},
            )
            page = self.url_open(response.headers["Location"]).text
            self.assertIn("You were logged out after 1 min of inactivity.", page)

    def test_a_logout_refused_goes_on_where_it_was_going(self):
        """A laptop woken past the grace: its tab's logout comes after the server's
        refusal, and the next login goes back to the page, not to that logout."""
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.authenticate("idle_employee", "idle_employee_pw")
            self.assertTrue(self.accepted())
            clock.tick(LIMIT_SECONDS + 1)
            response = self.url_open(
                "/web/session/logout?idle_logout_reason=browser_idle"
                "&redirect=/odoo/settings",
                allow_redirects=False,
            )
            location = urlsplit(response.headers["Location"])
            self.assertEqual(location.path, "/web/login")
            self.assertEqual(
                parse_qs(location.query),
                {"idle_logout": ["1"], "redirect": ["/odoo/settings"]},
            )

    def test_a_user_made_internal_is_enforced_from_then(self):
        # Its refusal is told from a cursor of its own, after queries (caches cleared).
        self.set_registry_readonly_mode(False)
        self.addCleanup(self.set_registry_readonly_mode, True)
        portal = self.env["res.users"].search([("login", "=", "idle_portal")])
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.authenticate("idle_portal", "idle_portal_pw")
            self.assertTrue(self.accepted())
            clock.tick(3600)
            portal.group_ids = [
                Command.unlink(self.env.ref("base.group_portal").id),
                Command.link(self.env.ref("base.group_user").id),
            ]
            self.assertTrue(self.accepted(), "counted from now, not from its login")
            clock.tick(LIMIT_SECONDS + 1)
            self.assertFalse(self.accepted())

    def test_a_deleted_users_session_is_logged_out_not_broken(self):
        # Its logout is told from a cursor of its own, after queries (caches cleared).
        self.set_registry_readonly_mode(False)
        self.addCleanup(self.set_registry_readonly_mode, True)
        gone = new_test_user(self.env, login="idle_gone", password="idle_gone_pw")
        self.authenticate("idle_gone", "idle_gone_pw")
        self.assertTrue(self.accepted())
        gone.unlink()
        self.assertFalse(self.accepted())

    def test_active_session_kept(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.authenticate("idle_employee", "idle_employee_pw")
            for _ in range(20):  # ten minutes, a request every 30 s
                self.assertTrue(self.accepted())
                clock.tick(30)
            clock.tick(LIMIT_SECONDS - 30)
            self.assertTrue(
                self.accepted(), "idle exactly up to the limit: still served"
            )

    def test_keepalive_counts(self):
        """The browser's keepalive (once per third of the timeout) keeps it open."""
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.authenticate("idle_employee", "idle_employee_pw")
            for _ in range(10):
                self.assertTrue(self.accepted("/web/session/check"))
                clock.tick(20)

    def test_background_requests_are_not_activity(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.authenticate("idle_employee", "idle_employee_pw")
            self.assertTrue(self.accepted())
            for _ in range(4):
                clock.tick(30)
                self.jsonrpc("/web/webclient/version_info")
            clock.tick(LIMIT_SECONDS + 1 - 120)
            self.assertFalse(self.accepted())

    def test_off_means_off(self):
        self.icp.set_param("idle_user_logout.server_enforcement", "False")
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.authenticate("idle_employee", "idle_employee_pw")
            self.assertTrue(self.accepted())
            clock.tick(24 * 3600)
            self.assertTrue(self.accepted())

    def test_feature_disabled_means_no_enforcement(self):
        self.icp.set_param("idle_user_logout.enabled", "False")
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.authenticate("idle_employee", "idle_employee_pw")
            self.assertTrue(self.accepted())
            clock.tick(24 * 3600)
            self.assertTrue(self.accepted())

    def test_portal_user_not_affected(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.authenticate("idle_portal", "idle_portal_pw")
            self.assertTrue(self.accepted())
            clock.tick(24 * 3600)
            self.assertTrue(self.accepted())

    def test_turning_enforcement_or_the_addon_back_on_cuts_no_session_at_once(self):
        def save_settings(enforcement=True, enabled=True):
            self.env["res.config.settings"].create(
                {
                    "idle_logout_enabled": enabled,
                    "idle_logout_timeout_minutes": 1,
                    "idle_logout_server_enforcement": enforcement,
                }
            ).execute()

        for off in ({"enforcement": False}, {"enabled": False}):
            with self.subTest(**off), freeze_time("2026-11-28 10:00:00") as clock:
                save_settings()
                self.authenticate("idle_employee", "idle_employee_pw")
                self.assertTrue(self.accepted())  # stamped at 10:00
                save_settings(**off)
                clock.tick(3600)
                # Served while off: the server's rule for the user read then holds no
                # timeout; turned on, it is read again.
                self.assertTrue(self.accepted())
                save_settings()
                self.assertTrue(self.accepted(), "10:00 counts from the switch")
                clock.tick(LIMIT_SECONDS + 1)
                self.assertFalse(self.accepted())

    def test_a_new_global_timeout_holds_at_the_next_request(self):
        """The server's rule for a user is read once, until a setting changes."""
        # Its refusal is told from a cursor of its own, after queries (caches cleared).
        self.set_registry_readonly_mode(False)
        self.addCleanup(self.set_registry_readonly_mode, True)
        self.icp.set_param("idle_user_logout.timeout_minutes", "10")
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.authenticate("idle_employee", "idle_employee_pw")
            self.assertTrue(self.accepted())
            clock.tick(LIMIT_SECONDS + 1)
            self.assertTrue(self.accepted(), "10 min: served")
            self.icp.set_param("idle_user_logout.timeout_minutes", "1")
            clock.tick(LIMIT_SECONDS + 1)
            self.assertFalse(self.accepted(), "1 min since: refused")

    def test_session_info_asks_for_keepalive(self):
        """A page in use reports its activity each third of the timeout, up to 60 s."""
        self.authenticate("idle_employee", "idle_employee_pw")
        for minutes, seconds in ((1, 20), (2, 40), (15, 60), (480, 60)):
            self.icp.set_param("idle_user_logout.timeout_minutes", str(minutes))
            info = self.jsonrpc("/web/session/get_session_info")["result"]
            self.assertEqual(info["idle_logout_keepalive"], seconds)

    def test_long_timeout_grace_is_two_minutes_at_most(self):
        """15 minutes: a keepalive a minute, a stamp a minute; refused after 17 min."""
        self.icp.set_param("idle_user_logout.timeout_minutes", "15")
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.authenticate("idle_employee", "idle_employee_pw")
            self.assertTrue(self.accepted())
            clock.tick(17 * 60)
            self.assertTrue(self.accepted(), "idle 17 min exactly: still served")
            clock.tick(17 * 60 + 1)
            self.assertFalse(self.accepted())

    def test_session_never_used_after_login_counts_from_the_login(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in("idle_employee")
            clock.tick(LIMIT_SECONDS + 1)
            self.assertFalse(self.accepted(), "its first request comes too late")

    def test_session_never_used_since_the_switch_counts_from_the_switch(self):
        self.icp.set_param("idle_user_logout.server_enforcement", "False")
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in("idle_employee")  # no stamp: enforcement was off
            clock.tick(3600)
            self.env["res.config.settings"].create(
                {
                    "idle_logout_enabled": True,
                    "idle_logout_timeout_minutes": 1,
                    "idle_logout_server_enforcement": True,
                }
            ).execute()
            clock.tick(LIMIT_SECONDS - 5)
            self.assertTrue(self.accepted(), "not cut off by the switch itself")
            clock.tick(LIMIT_SECONDS + 1)
            self.assertFalse(self.accepted())

    def test_portal_login_is_never_enforced(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in("idle_portal")
            clock.tick(24 * 3600)
            self.assertTrue(self.accepted())


@tagged("post_install", "-at_install")
class TestIdleLogoutServerEnforcementByDefault(HttpCase):
    """A database where only the addon was enabled: the server ends idle sessions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.icp = cls.env["ir.config_parameter"].sudo()
        cls.icp.search([("key", "=like", "idle_user_logout.%")]).unlink()
        cls.icp.set_param("idle_user_logout.enabled", "True")
        cls.icp.set_param("idle_user_logout.timeout_minutes", "1")
        new_test_user(cls.env, login="idle_employee", password="idle_employee_pw")

    accepted = TestIdleLogoutServerEnforcement.accepted
    jsonrpc = TestIdleLogoutServerEnforcement.jsonrpc
    log_in = TestIdleLogoutServerEnforcement.log_in

    def test_on_when_never_stored_and_shown_so(self):
        settings = self.env["res.config.settings"]
        self.assertTrue(settings.create({}).idle_logout_server_enforcement)
        self.icp.set_param("idle_user_logout.server_enforcement", "False")
        self.assertFalse(
            settings.create({}).idle_logout_server_enforcement,
            "a stored choice is kept",
        )

    def test_session_unused_since_login_refused(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in("idle_employee")
            clock.tick(LIMIT_SECONDS)
            self.assertTrue(self.accepted(), "up to the limit: served")
            self.log_in("idle_employee")
            clock.tick(LIMIT_SECONDS + 1)
            self.assertFalse(self.accepted(), "idle since its login, never used")
