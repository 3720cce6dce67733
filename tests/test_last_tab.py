from odoo.tests import freeze_time, tagged

from odoo.addons.idle_user_logout.tests.test_lifetime_and_audit import IdleLogoutCase

GRACE_SECONDS = 10


@tagged("post_install", "-at_install")
class TestIdleLogoutLastTab(IdleLogoutCase):
    """With the option on, a session whose last tab closed ends: a request from it
    within seconds (a reload, another tab) says a tab is open; none, and it ends."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.icp.set_param("idle_user_logout.end_on_last_tab_closed", "True")

    def close_a_tab(self):
        # As a beacon sends it: a POST without a body.
        response = self.url_open("/idle_user_logout/tab_closed", method="POST")
        self.assertEqual(response.status_code, 204)

    def device(self, session_identifier):
        return self.env["res.device.log"].search(
            [("session_identifier", "=", session_identifier)]
        )

    def closing(self, session_identifier):
        return self.env["idle_user_logout.closing"].search(
            [("session_identifier", "=", session_identifier)]
        )

    def test_a_page_loaded_within_the_grace_keeps_the_session(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            session_identifier = self.log_in()
            self.url_open("/odoo")  # the device is logged on the first page
            self.close_a_tab()
            self.assertTrue(self.closing(session_identifier))
            clock.tick(GRACE_SECONDS - 1)
            self.assertTrue(self.accepted(), "a reload, another tab")
            self.assertFalse(self.closing(session_identifier), "a tab is open")
            clock.tick(3600)
            self.env["idle_user_logout.closing"]._end_due_sessions()
            self.assertTrue(self.accepted(), "not ended since")
        self.assertFalse(self.logs())

    def test_a_request_past_the_grace_is_refused_and_on_record(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            self.url_open("/odoo")
            self.close_a_tab()
            clock.tick(GRACE_SECONDS + 1)
            self.assertFalse(self.accepted(), "a browser reopened later")
        self.assertEqual(self.logs().mapped("reason"), ["last_tab_closed"])

    def test_the_cron_ends_it_when_no_tab_comes_back(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            session_identifier = self.log_in()
            self.url_open("/odoo")
            self.close_a_tab()
            clock.tick(GRACE_SECONDS - 1)
            self.env["idle_user_logout.closing"]._end_due_sessions()
            self.assertEqual(self.logs().mapped("reason"), [], "not yet")
            clock.tick(2)
            self.env["idle_user_logout.closing"]._end_due_sessions()
        log = self.logs()
        self.assertEqual(log.reason, "last_tab_closed")
        self.assertTrue(all(self.device(session_identifier).mapped("revoked")))
        self.assertTrue(self.employee.idle_logout_ended_at, "SSO must prove them again")
        self.assertFalse(self.accepted(), "gone from the session store")

    def test_off_a_closed_tab_changes_nothing(self):
        self.icp.set_param("idle_user_logout.end_on_last_tab_closed", "False")
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            self.url_open("/odoo")
            self.close_a_tab()
            clock.tick(600)
            self.env["idle_user_logout.closing"]._end_due_sessions()
            self.assertTrue(self.accepted())
