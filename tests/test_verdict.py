from odoo.tests.common import BaseCase

from odoo.addons.idle_user_logout.models.policy import IdleLogoutSettings, verdict

NOW = 1_800_000_000.0
# A 1-minute timeout: stamped every 15 s, refused past 60 s + 35 s of grace.
SETTINGS = IdleLogoutSettings(
    enabled=True,
    timeout_minutes=1,
    server_enforcement=True,
    enforced_since=0.0,
    max_session_hours=0,
    lifetime_since=0.0,
    warning_seconds=0,
    audit=False,
    retention_days=365,
    policy_max_minutes=0,
    end_on_last_tab_closed=False,
    end_on_last_tab_since=0.0,
    outside_timeout_minutes=0,
)


class TestIdleLogoutVerdict(BaseCase):
    """The server's decision on its own: (refusal, new activity stamp)."""

    def test_fresh_session_is_kept_as_it_is(self):
        self.assertEqual(verdict(NOW, NOW - 14, NOW - 14, SETTINGS, 1), (None, None))

    def test_stamp_due_is_written_unless_the_request_is_background(self):
        self.assertEqual(verdict(NOW, NOW - 15, NOW - 15, SETTINGS, 1), (None, NOW))
        background = verdict(NOW, NOW - 15, NOW - 15, SETTINGS, 1, background=True)
        self.assertEqual(background, (None, None))

    def test_idle_past_timeout_and_grace_is_refused(self):
        self.assertEqual(verdict(NOW, NOW - 95, NOW, SETTINGS, 1), (None, NOW))
        self.assertEqual(
            verdict(NOW, NOW - 96, NOW, SETTINGS, 1), ("server_idle", None)
        )
        # A background request ends it too: it is no activity.
        refused = verdict(NOW, NOW - 96, NOW, SETTINGS, 1, background=True)
        self.assertEqual(refused, ("server_idle", None))

    def test_lifetime_past_grace_is_refused_whatever_the_activity(self):
        settings = SETTINGS._replace(max_session_hours=8)
        login = NOW - 8 * 3600
        self.assertEqual(verdict(NOW, NOW, login, settings, 1)[0], None)
        self.assertEqual(verdict(NOW, NOW, login - 60, settings, 1)[0], None)
        self.assertEqual(verdict(NOW, NOW, login - 61, settings, 1), ("lifetime", None))

    def test_lifetime_switched_on_late_counts_from_the_switch(self):
        settings = SETTINGS._replace(max_session_hours=1, lifetime_since=NOW - 600)
        self.assertEqual(verdict(NOW, NOW, NOW - 86400, settings, 1), (None, None))

    def test_portal_session_is_never_enforced(self):
        self.assertEqual(verdict(NOW, False, NOW - 86400, SETTINGS, 1), (None, None))

    def test_enforcement_switched_on_late_counts_from_the_switch(self):
        settings = SETTINGS._replace(enforced_since=NOW - 30)
        # An old stamp counts from the switch, and is renewed when due.
        self.assertEqual(verdict(NOW, NOW - 86400, NOW, settings, 1), (None, NOW))
        # A session never stamped (older than the switch) gets the switch's time.
        self.assertEqual(verdict(NOW, None, NOW, settings, 1), (None, NOW))
        settings = SETTINGS._replace(enforced_since=NOW - 10)
        self.assertEqual(verdict(NOW, None, NOW, settings, 1), (None, NOW - 10))
        settings = SETTINGS._replace(enforced_since=NOW - 96)
        self.assertEqual(verdict(NOW, None, NOW, settings, 1), ("server_idle", None))

    def test_session_never_stamped_without_a_switch_counts_from_now(self):
        self.assertEqual(verdict(NOW, None, NOW, SETTINGS, 1), (None, NOW))

    def test_the_users_own_timeout_decides(self):
        # A 5-minute group rule: 300 s + 60 s + 60 s of grace.
        self.assertEqual(verdict(NOW, NOW - 420, NOW, SETTINGS, 5), (None, NOW))
        self.assertEqual(verdict(NOW, NOW - 421, NOW, SETTINGS, 5)[0], "server_idle")

    def test_exempt_user_is_stamped_never_refused_for_inactivity(self):
        self.assertEqual(verdict(NOW, NOW - 86400, NOW, SETTINGS, None), (None, NOW))
        self.assertEqual(verdict(NOW, NOW - 14, NOW, SETTINGS, None), (None, None))
        settings = SETTINGS._replace(max_session_hours=1)
        refused = verdict(NOW, NOW, NOW - 3661, settings, None)
        self.assertEqual(refused, ("lifetime", None), "the lifetime applies to all")
