import re
from datetime import datetime, timedelta

from odoo.http import root
from odoo.tests import freeze_time, tagged
from odoo.tools.convert import convert_file

from odoo.addons.idle_user_logout.models.idle_user_logout_tab import CLOSED_KEY
from odoo.addons.idle_user_logout.tests.test_lifetime_and_audit import IdleLogoutCase

GRACE_SECONDS = 10
# What a browser sends when it loads a page to show it.
PAGE = {"Sec-Fetch-Mode": "navigate"}


@tagged("post_install", "-at_install")
class TestIdleLogoutLastTab(IdleLogoutCase):
    """With the option on, a session whose last page closed ends: the server counts
    the pages it served until each says it closed, whatever order their words come
    in; a page served within seconds (a reload, another tab) keeps it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.icp.set_param("idle_user_logout.end_on_last_tab_closed", "True")

    def open_a_page(self):
        """A page of the web client, as the browser loads it; returns its key."""
        page = self.url_open("/odoo", headers=PAGE)
        return re.search(r'"idle_logout_tab": "([^"]+)"', page.text).group(1)

    def close(self, key):
        # As a beacon sends it: a form-encoded POST, without Odoo's CSRF token.
        response = self.url_open(
            "/idle_user_logout/tab_closed", data={"key": key}, method="POST"
        )
        self.assertEqual(response.status_code, 204)

    def end_due_sessions(self):
        self.env["idle_user_logout.tab"]._end_closed_sessions()

    def device(self, session_identifier):
        return self.env["res.device.log"].search(
            [("session_identifier", "=", session_identifier)]
        )

    def test_a_page_left_open_keeps_the_session_whatever_closes_around_it(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            kept = self.open_a_page()
            for _ in range(5):
                self.close(self.open_a_page())
                clock.tick(GRACE_SECONDS + 1)
                self.end_due_sessions()
                self.assertTrue(self.accepted())
            self.close(kept)
            clock.tick(GRACE_SECONDS + 1)
            self.assertFalse(self.accepted(), "its last page closed")
        self.assertEqual(self.logs().mapped("reason"), ["last_tab_closed"])

    def test_a_page_served_before_the_closing_word_of_another_keeps_it(self):
        """A reload: the new page is served before the old one's word arrives."""
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            old = self.open_a_page()
            self.open_a_page()
            self.close(old)
            clock.tick(3600)
            self.end_due_sessions()
            self.assertTrue(self.accepted())
        self.assertFalse(self.logs())

    def test_a_page_served_within_the_grace_keeps_the_session(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            self.close(self.open_a_page())
            clock.tick(GRACE_SECONDS - 1)
            self.open_a_page()
            clock.tick(3600)
            self.end_due_sessions()
            self.assertTrue(self.accepted(), "not ended since")
        self.assertFalse(self.logs())

    def test_a_request_past_the_grace_is_refused_and_on_record(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            self.close(self.open_a_page())
            clock.tick(GRACE_SECONDS - 1)
            self.assertTrue(self.accepted(), "within the grace")
            clock.tick(2)
            self.assertFalse(self.accepted(), "a browser reopened later")
            self.assertFalse(self.accepted(), "and for good")
            self.end_due_sessions()
        self.assertEqual(self.logs().mapped("reason"), ["last_tab_closed"])

    def test_the_cron_ends_it_at_the_end_of_the_grace(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            session_identifier = self.log_in()
            self.close(self.open_a_page())
            cron = self.env.ref("idle_user_logout.ir_cron_end_closed_sessions")
            due = datetime(2026, 11, 28, 10, 0, GRACE_SECONDS + 1)
            triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
            self.assertIn(due, triggers.mapped("call_at"), "no cron sleeps meanwhile")
            clock.tick(GRACE_SECONDS - 1)
            self.end_due_sessions()
            self.assertFalse(self.logs(), "not yet")
            clock.tick(2)
            self.end_due_sessions()
        log = self.logs()
        self.assertEqual(log.reason, "last_tab_closed")
        self.assertTrue(all(self.device(session_identifier).mapped("revoked")))
        self.assertTrue(self.employee.idle_logout_ended_at, "SSO must prove them again")
        self.assertFalse(self.accepted(), "gone from the session store")

    def test_a_page_fetched_but_not_shown_is_not_counted(self):
        """Odoo's service worker fetches the web client to cache it."""
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            self.url_open("/odoo", headers={"Sec-Fetch-Mode": "cors"})
            self.close(self.open_a_page())
            clock.tick(GRACE_SECONDS + 1)
            self.assertFalse(self.accepted())

    def test_over_plain_http_a_page_is_counted_by_what_it_asks_for(self):
        """Browsers send Fetch Metadata over HTTPS only: a page asks for HTML."""
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            self.url_open("/odoo", headers={"Accept": "*/*"})
            html = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
            page = self.url_open("/odoo", headers=html)
            self.close(re.search(r'"idle_logout_tab": "([^"]+)"', page.text).group(1))
            clock.tick(GRACE_SECONDS + 1)
            self.assertFalse(self.accepted(), "its only page closed")

    def test_the_end_is_decided_on_the_pages_not_on_the_sessions_word(self):
        """A concurrent request may save the session over the word the closing page
        left there: the next page load is refused all the same."""
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            self.close(self.open_a_page())
            session = root.session_store.get(self.opener.cookies["session_id"])
            session.pop(CLOSED_KEY)
            root.session_store.save(session)
            clock.tick(GRACE_SECONDS + 1)
            page = self.url_open("/odoo", headers=PAGE, allow_redirects=False)
            self.assertIn("/web/login", page.headers["Location"])
        self.assertEqual(self.logs().mapped("reason"), ["last_tab_closed"])

    def test_a_website_or_portal_page_is_counted_once(self):
        """Its layout asks for the session's values twice (its session info and the
        addon's bundle)."""
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            page = self.url_open("/web/login", headers=PAGE)
            key = re.search(r'"idle_logout_tab": "([^"]+)"', page.text).group(1)
            tabs = self.env["idle_user_logout.tab"].search([])
            self.assertEqual(tabs.mapped("key"), [key])
            self.close(key)
            clock.tick(GRACE_SECONDS + 1)
            self.assertFalse(self.accepted(), "its only page closed")

    def test_only_a_pages_own_key_closes_it(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            self.open_a_page()
            self.close("not-its-key")
            clock.tick(GRACE_SECONDS + 1)
            self.end_due_sessions()
            self.assertTrue(self.accepted())

    def test_only_a_page_of_this_server_closes_it(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            key = self.open_a_page()
            for forged in (
                {"Sec-Fetch-Site": "cross-site"},
                {"Sec-Fetch-Site": "same-site"},
                {"Origin": "https://elsewhere.example"},
            ):
                response = self.url_open(
                    "/idle_user_logout/tab_closed",
                    data={"key": key},
                    method="POST",
                    headers=forged,
                )
                self.assertEqual(response.status_code, 403, forged)
            clock.tick(GRACE_SECONDS + 1)
            self.end_due_sessions()
            self.assertTrue(self.accepted(), "its page is still open")

    def test_a_session_older_than_the_option_is_left_alone(self):
        """Its pages served before the option went uncounted: one may be open. Its
        pages are not counted after it either, nor ever closed."""
        self.icp.set_param("idle_user_logout.end_on_last_tab_closed", "False")
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            clock.tick(60)
            settings = self.env["res.config.settings"].create(
                {"idle_logout_end_on_last_tab_closed": True}
            )
            settings.set_values()
            page = self.url_open("/odoo", headers=PAGE)
            self.assertNotIn("idle_logout_tab", page.text, "not counted")
            clock.tick(GRACE_SECONDS + 1)
            self.end_due_sessions()
            self.assertTrue(self.accepted())

    def test_the_pages_counted_before_it_was_turned_on_again_say_nothing(self):
        """Turned off, then on again: a page closed before does not end the session
        whose pages were served meanwhile, uncounted."""
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            self.close(self.open_a_page())
            self.icp.set_param("idle_user_logout.end_on_last_tab_closed", "False")
            self.url_open("/odoo", headers=PAGE)
            clock.tick(60)
            settings = self.env["res.config.settings"].create(
                {"idle_logout_end_on_last_tab_closed": True}
            )
            settings.set_values()
            clock.tick(GRACE_SECONDS + 1)
            self.end_due_sessions()
            self.assertTrue(self.accepted(), "its page served while off is open")
        self.assertFalse(self.logs())

    def test_the_pages_carry_its_code_while_it_is_on_only(self):
        """On, the bundles of the web client, the website pages and the Point of Sale
        carry the code by which a page says it closes; off, or the addon off, none does:
        saved in the settings or set as a parameter, and as an upgrade finds it."""
        code = "/idle_user_logout/static/src/last_tab.js"
        bundles = [
            "web.assets_web",
            "idle_user_logout.assets_frontend",
            "point_of_sale._assets_pos",
        ]

        def carried():
            assets = self.env["ir.asset"]
            return [
                bundle
                for bundle in bundles
                if code in [path for path, *_ in assets._get_asset_paths(bundle, {})]
            ]

        def save(on):
            self.env["res.config.settings"].create(
                {"idle_logout_end_on_last_tab_closed": on}
            ).execute()

        self.assertEqual(carried(), bundles, "on since the class set it")
        save(False)
        self.assertEqual(carried(), [])
        save(True)
        self.assertEqual(carried(), bundles)
        self.icp.search(
            [("key", "=", "idle_user_logout.end_on_last_tab_closed")]
        ).unlink()
        self.assertEqual(carried(), [], "its parameter removed: off")
        self.icp.set_param("idle_user_logout.end_on_last_tab_closed", "True")
        self.assertEqual(carried(), bundles)
        self.icp.set_param("idle_user_logout.enabled", "False")
        self.assertEqual(carried(), [], "the addon off")
        self.icp.set_param("idle_user_logout.enabled", "True")
        self.assertEqual(carried(), bundles)
        self.env["ir.asset"].search([("path", "=", code[1:])]).active = False
        convert_file(
            self.env, "idle_user_logout", "data/ir_asset.xml", {}, mode="update"
        )
        self.assertEqual(carried(), bundles, "as an upgrade finds it")

    def test_off_a_closed_tab_changes_nothing(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            key = self.open_a_page()
            self.icp.set_param("idle_user_logout.end_on_last_tab_closed", "False")
            self.close(key)
            clock.tick(600)
            self.end_due_sessions()
            self.assertTrue(self.accepted())

    def test_the_pages_of_ended_sessions_are_forgotten(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in()
            self.open_a_page()
            self.url_open("/web/session/logout")
            clock.tick(timedelta(days=1))
            tabs = self.env["idle_user_logout.tab"]
            self.assertTrue(tabs.search_count([]))
            tabs._gc_tabs_of_ended_sessions()
            self.assertFalse(tabs.search_count([]))
