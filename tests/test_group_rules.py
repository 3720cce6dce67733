from urllib.parse import parse_qs, urlsplit

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, TransactionCase, freeze_time, new_test_user, tagged

from odoo.addons.idle_user_logout.models.policy import EXEMPT
from odoo.addons.idle_user_logout.models.res_users import RULES_BEFORE
from odoo.addons.idle_user_logout.tests.common import (
    ENFORCED,
    JsonRpcMixin,
    rule_notices,
    set_params,
)


class GroupRulesCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.icp = cls.env["ir.config_parameter"].sudo()
        cls.icp.set_param("idle_user_logout.enabled", "True")
        cls.icp.set_param("idle_user_logout.timeout_minutes", "30")
        Groups = cls.env["res.groups"]
        cls.accounting = Groups.create({"name": "Idle accounting"})
        cls.warehouse = Groups.create({"name": "Idle warehouse"})
        cls.displays = Groups.create({"name": "Idle wall displays"})
        cls.employee = new_test_user(cls.env, login="idle_rule_employee")
        cls.portal = new_test_user(
            cls.env, login="idle_rule_portal", groups="base.group_portal"
        )

    def settings(self):
        return self.env["res.config.settings"]._idle_logout_settings()

    def timeout(self, user):
        return user._idle_logout_timeout_minutes(self.settings())

    def join(self, user, *groups):
        user.write({"group_ids": [(4, group.id) for group in groups]})


class TestIdleLogoutGroupRules(GroupRulesCase):
    def test_no_rule_is_the_global_timeout(self):
        self.assertEqual(self.timeout(self.employee), 30)

    def test_the_shortest_rule_wins(self):
        self.accounting.idle_logout_timeout_minutes = 5
        self.warehouse.idle_logout_timeout_minutes = 60
        self.join(self.employee, self.warehouse)
        self.assertEqual(self.timeout(self.employee), 60, "longer than the global")
        self.join(self.employee, self.accounting)
        self.assertEqual(self.timeout(self.employee), 5)

    def test_exempt_wins_over_any_timeout(self):
        self.accounting.idle_logout_timeout_minutes = 5
        self.displays.idle_logout_exempt = True
        self.join(self.employee, self.accounting, self.displays)
        self.assertIsNone(self.timeout(self.employee))
        rule = self.env["res.groups"].browse(self.employee._get_group_ids())
        self.assertEqual(rule._idle_logout_rule(), EXEMPT)

    def test_implied_groups_count(self):
        self.displays.idle_logout_exempt = True
        self.warehouse.implied_ids = self.displays
        self.join(self.employee, self.warehouse)
        self.assertIsNone(self.timeout(self.employee))
        # A rule on a group the user's groups imply, set after the fact.
        self.displays.idle_logout_exempt = False
        self.env.ref("base.group_user").idle_logout_timeout_minutes = 10
        self.assertEqual(self.timeout(self.employee), 10, "Internal User implied")

    def test_the_rule_is_cached_per_group_set_and_costs_no_query(self):
        self.accounting.idle_logout_timeout_minutes = 5
        self.join(self.employee, self.accounting)
        self.assertEqual(self.timeout(self.employee), 5)
        with self.assertQueryCount(0):
            self.assertEqual(self.timeout(self.employee), 5)

    def test_the_cache_follows_rules_groups_and_memberships(self):
        self.join(self.employee, self.accounting)
        self.assertEqual(self.timeout(self.employee), 30)
        self.accounting.idle_logout_timeout_minutes = 5
        self.assertEqual(self.timeout(self.employee), 5, "a rule set")
        self.accounting.implied_ids = self.displays
        self.displays.idle_logout_exempt = True
        self.assertIsNone(self.timeout(self.employee), "an implied group exempt")
        self.accounting.implied_ids = False
        self.assertEqual(self.timeout(self.employee), 5, "no longer implied")
        self.employee.write({"group_ids": [(3, self.accounting.id)]})
        self.assertEqual(self.timeout(self.employee), 30, "left the group")
        self.warehouse.write({"user_ids": [(4, self.employee.id)]})
        self.warehouse.idle_logout_timeout_minutes = 45
        self.assertEqual(self.timeout(self.employee), 45, "added from the group")
        self.warehouse.unlink()
        self.assertEqual(self.timeout(self.employee), 30, "the group deleted")

    def test_a_rule_shorter_than_the_warning_is_warned_at_half_of_it(self):
        self.icp.set_param("idle_user_logout.timeout_minutes", "15")
        self.icp.set_param("idle_user_logout.warning_seconds", "120")
        self.join(self.employee, self.accounting)
        for minutes, warning in ((1, 30), (2, 60), (3, 120)):
            self.accounting.idle_logout_timeout_minutes = minutes
            values = self.employee._idle_logout_rule_values(self.settings())
            self.assertEqual(values["idle_logout_warning_seconds"], warning, minutes)

    def test_archived_users_are_not_counted_as_concerned(self):
        self.join(self.employee, self.accounting)
        self.assertEqual(self.accounting.idle_logout_user_count, 1)
        self.employee.active = False
        self.assertEqual(self.accounting.idle_logout_user_count, 0)

    def test_portal_users_are_never_concerned(self):
        self.displays.idle_logout_exempt = True
        self.accounting.idle_logout_timeout_minutes = 1
        self.assertEqual(self.portal._idle_logout_rules(), {})

    def test_rules_are_clamped_or_refused_with_a_message(self):
        for entered, stored in ((0, 0), (1, 1), (2.5, 2), (10**9, 525600)):
            self.accounting.idle_logout_timeout_minutes = entered
            self.assertEqual(self.accounting.idle_logout_timeout_minutes, stored)
        for refused in (-5, "abc"):
            with self.assertRaisesRegex(ValidationError, "0 for no rule"):
                self.accounting.write({"idle_logout_timeout_minutes": refused})
        self.assertEqual(self.accounting.idle_logout_timeout_minutes, 525600)
        form_group = self.accounting.new({"idle_logout_timeout_minutes": 0})
        form_group.idle_logout_timeout_minutes = 10**9
        form_group._onchange_idle_logout_timeout_minutes()
        self.assertEqual(form_group.idle_logout_timeout_minutes, 525600)

    def test_a_rule_on_a_group_without_internal_users_applies_to_nobody(self):
        self.accounting.idle_logout_timeout_minutes = 5
        self.assertEqual(self.accounting.idle_logout_user_count, 0)
        self.join(self.portal.sudo(), self.accounting)
        self.assertEqual(self.accounting.idle_logout_user_count, 0, "portal only")
        self.join(self.employee, self.accounting)
        self.assertEqual(self.accounting.idle_logout_user_count, 1)

    def test_only_settings_administrators_set_rules(self):
        manager = new_test_user(
            self.env, login="idle_access_manager", groups="base.group_erp_manager"
        )
        with self.assertRaises(AccessError):
            self.accounting.with_user(manager).write({"idle_logout_exempt": True})
        with self.assertRaises(AccessError):
            self.employee.with_user(self.employee).write(
                {"group_ids": [(4, self.displays.id)]}
            )
        self.assertFalse(self.displays.idle_logout_exempt)


class TestIdleLogoutRuleNotices(GroupRulesCase):
    """The open pages of a user whose rule changes hear of it on the bus, once the
    transaction is done, whichever way it changed."""

    def notices(self, user):
        """What the pages of `user` heard since the last look: the transaction ends."""
        return rule_notices(self.env, user)

    def setUp(self):
        super().setUp()
        self.notices(self.employee)

    def rule(self, minutes, keepalive=None):
        """The values a page hears: its timeout (False: exempt), its keepalive."""
        return {
            "idle_logout_timeout_minutes": minutes,
            "idle_logout_keepalive": keepalive or min(60, (minutes or 30) * 20),
        }

    def test_a_new_rule_reaches_its_members(self):
        self.join(self.employee, self.accounting)
        self.assertEqual(self.notices(self.employee), [], "joining changed nothing")
        self.accounting.idle_logout_timeout_minutes = 5
        self.assertEqual(self.notices(self.employee), [self.rule(5)])
        self.displays.idle_logout_exempt = True
        self.join(self.employee, self.displays)
        self.assertEqual(self.notices(self.employee), [self.rule(False)])

    def test_one_notice_per_transaction_with_its_outcome(self):
        self.join(self.employee, self.accounting)
        self.accounting.idle_logout_timeout_minutes = 5
        self.accounting.idle_logout_timeout_minutes = 1
        self.warehouse.idle_logout_timeout_minutes = 2
        self.assertEqual(self.notices(self.employee), [self.rule(1)])
        self.accounting.idle_logout_timeout_minutes = 3
        self.accounting.idle_logout_timeout_minutes = 1
        self.assertEqual(self.notices(self.employee), [], "back where it was")

    def test_a_short_rule_gets_its_own_keepalive(self):
        """The server refuses on the user's rule: the page reports within it (a
        keepalive from the 15-minute global timeout would come after the refusal)."""
        self.icp.set_param("idle_user_logout.timeout_minutes", "15")
        self.join(self.employee, self.accounting)
        for minutes, keepalive in ((1, 20), (2, 40), (15, 60)):
            self.accounting.idle_logout_timeout_minutes = minutes
            self.assertEqual(
                self.notices(self.employee), [self.rule(minutes, keepalive)]
            )

    def test_a_group_created_with_a_rule_and_members_reaches_them(self):
        self.assertEqual(self.timeout(self.employee), 30, "cached before")
        self.env["res.groups"].create(
            {
                "name": "Idle new group",
                "idle_logout_timeout_minutes": 3,
                "user_ids": [Command.link(self.employee.id)],
            }
        )
        self.assertEqual(self.timeout(self.employee), 3)
        self.assertEqual(self.notices(self.employee), [self.rule(3)])

    def test_a_group_created_implied_by_a_members_group_reaches_them(self):
        self.join(self.employee, self.accounting)
        self.assertEqual(self.timeout(self.employee), 30, "cached before")
        self.env["res.groups"].create(
            {
                "name": "Idle implied group",
                "idle_logout_exempt": True,
                "implied_by_ids": [Command.link(self.accounting.id)],
            }
        )
        self.assertIsNone(self.timeout(self.employee))
        self.assertEqual(self.notices(self.employee), [self.rule(False)])

    def test_groups_written_past_every_override_reach_the_pages(self):
        """OCA base_user_role writes a user's groups through `super()` from its own
        class, past the overrides of modules loaded after it: only Odoo's base
        `res.users.write` runs. Its roles' daily cron does so too."""
        base_write = next(
            cls.write
            for cls in type(self.employee).__mro__
            if cls.__module__ == "odoo.addons.base.models.res_users"
            and cls.__name__ == "ResUsers"
        )
        self.accounting.idle_logout_timeout_minutes = 5
        self.notices(self.employee)
        base_write(self.employee, {"group_ids": [Command.link(self.accounting.id)]})
        self.assertEqual(self.notices(self.employee), [self.rule(5)])
        base_write(self.employee, {"group_ids": [Command.unlink(self.accounting.id)]})
        self.assertEqual(self.notices(self.employee), [self.rule(30)])

    def test_without_any_rule_memberships_cost_no_rule_work(self):
        self.join(self.employee, self.accounting)
        self.accounting.write({"user_ids": [Command.unlink(self.employee.id)]})
        self.assertNotIn(RULES_BEFORE, self.env.cr.precommit.data)

    def test_a_new_global_timeout_reaches_users_without_rule(self):
        self.accounting.idle_logout_timeout_minutes = 5
        self.join(self.employee, self.accounting)
        other = new_test_user(self.env, login="idle_rule_other")
        self.notices(other)
        self.env["res.config.settings"].create(
            {"idle_logout_enabled": True, "idle_logout_timeout_minutes": 20}
        ).execute()
        self.assertEqual(self.notices(other), [self.rule(20, 60)])
        self.assertEqual(self.notices(self.employee), [], "their rule is unchanged")

    def test_the_addon_turned_off_and_on_again_reaches_open_pages(self):
        def save(**values):
            self.env["res.config.settings"].create(
                {"idle_logout_timeout_minutes": 30, **values}
            ).execute()

        save(idle_logout_enabled=False)
        self.assertEqual(self.notices(self.employee), [{}], "no rule: off")
        save(idle_logout_enabled=True)
        self.assertEqual(self.notices(self.employee), [self.rule(30)])
        save(idle_logout_enabled=True, idle_logout_server_enforcement=False)
        self.assertEqual(
            self.notices(self.employee),
            [{"idle_logout_timeout_minutes": 30, "idle_logout_keepalive": False}],
        )

    def test_a_timeout_set_in_system_parameters_reaches_open_pages(self):
        """System Parameters (or a script) writes the parameter itself."""
        key = "idle_user_logout.timeout_minutes"
        self.icp.search([("key", "=", key)]).value = "20"
        self.assertEqual(self.notices(self.employee), [self.rule(20)])
        self.icp.search([("key", "=", key)]).unlink()
        self.assertEqual(self.notices(self.employee), [self.rule(15)], "the default")
        self.icp.create({"key": key, "value": "5"})
        self.assertEqual(self.notices(self.employee), [self.rule(5)])

    def test_nothing_is_told_when_the_addon_is_off(self):
        self.icp.set_param("idle_user_logout.enabled", "False")
        self.assertEqual(self.notices(self.employee), [{}], "no rule: off")
        self.join(self.employee, self.accounting)
        self.accounting.idle_logout_timeout_minutes = 5
        self.assertEqual(self.notices(self.employee), [])


class TestIdleLogoutRulesSummary(GroupRulesCase):
    def summary(self):
        return self.env["res.config.settings"].create({})

    def test_who_gets_which_timeout(self):
        others = self.env["res.users"].search_count([("share", "=", False)])
        self.accounting.idle_logout_timeout_minutes = 5
        self.displays.idle_logout_exempt = True
        self.join(self.employee, self.accounting)
        display = new_test_user(self.env, login="idle_rule_display", name="Lobby")
        self.join(display, self.displays)
        settings = self.summary()
        rest = self.env["res.users"]._idle_logout_users_label(others - 1)
        self.assertEqual(
            settings.idle_logout_rules_summary,
            f"1 internal user after 5 min · {rest} after 30 min · 1 internal user "
            "never (exempt)",
        )
        self.assertEqual(settings.idle_logout_exempt_user_ids, display)
        self.assertFalse(settings.idle_logout_nobody_logged_out)
        action = settings.action_idle_logout_exempt_users()
        self.assertEqual(
            self.env["res.users"].search(action["domain"]).mapped("name"), ["Lobby"]
        )

    def test_the_summary_follows_the_timeout_being_entered(self):
        settings = self.summary()
        settings.idle_logout_timeout_minutes = 12
        self.assertIn("after 12 min", settings.idle_logout_rules_summary)

    def test_exempting_every_internal_user_is_said_plainly(self):
        self.env.ref("base.group_user").idle_logout_exempt = True
        settings = self.summary()
        self.assertTrue(settings.idle_logout_nobody_logged_out)
        self.assertNotIn("after", settings.idle_logout_rules_summary)


@tagged("post_install", "-at_install")
class TestIdleLogoutRulesOnTheServer(JsonRpcMixin, HttpCase):
    """The server's refusal, the login page's notice and the audit follow the user's
    own rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_params(cls.env, **ENFORCED, timeout_minutes=30)
        cls.short = cls.env["res.groups"].create(
            {"name": "Idle short", "idle_logout_timeout_minutes": 2}
        )
        cls.kiosk = cls.env["res.groups"].create(
            {"name": "Idle kiosk", "idle_logout_exempt": True}
        )
        cls.accountant = new_test_user(
            cls.env, login="idle_accountant", password="idle_accountant_pw"
        )
        cls.accountant.group_ids |= cls.short
        cls.display = new_test_user(
            cls.env, login="idle_display", password="idle_display_pw"
        )
        cls.display.group_ids |= cls.kiosk

    def test_a_2_minute_rule_is_refused_after_2_minutes_and_grace(self):
        # 120 s + a keepalive of 40 s + a stamp interval of 30 s.
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in("idle_accountant")
            clock.tick(190)
            self.assertTrue(self.accepted())
            clock.tick(191)
            response = self.url_open("/odoo/settings", allow_redirects=False)
            location = urlsplit(response.headers["Location"])
            self.assertEqual(parse_qs(location.query)["idle_logout"], ["2"])
        log = self.env["idle_user_logout.log"].search(
            [("user_id", "=", self.accountant.id)]
        )
        self.assertEqual((log.reason, log.timeout_minutes), ("server_idle", 2))

    def test_an_exempt_user_is_never_refused_for_inactivity(self):
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in("idle_display")
            clock.tick(7 * 24 * 3600 - 60)
            self.assertTrue(self.accepted())

    def test_a_rule_changed_under_an_open_session_holds_at_its_next_request(self):
        # The refusals follow cleared caches: their record opens a cursor of its own.
        self.set_registry_readonly_mode(False)
        self.addCleanup(self.set_registry_readonly_mode, True)
        # 30 min + a keepalive of 60 s + a stamp interval of 60 s; 2 min + 40 s + 30 s.
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in("idle_display")
            self.assertTrue(self.accepted())
            self.kiosk.idle_logout_exempt = False
            clock.tick(1921)
            self.assertFalse(self.accepted(), "its exemption taken away")
            self.log_in("idle_accountant")
            self.assertTrue(self.accepted())
            self.accountant.group_ids -= self.short
            clock.tick(381)
            self.assertTrue(self.accepted(), "out of the group with 2 minutes")
            self.env["res.groups"].create(
                {
                    "name": "Idle new",
                    "idle_logout_timeout_minutes": 2,
                    "user_ids": [Command.link(self.accountant.id)],
                }
            )
            clock.tick(191)
            self.assertFalse(self.accepted(), "in a group created with 2 minutes")
        logs = self.env["idle_user_logout.log"].search(
            [("user_id", "in", (self.display + self.accountant).ids)], order="id"
        )
        self.assertEqual(
            logs.mapped(lambda log: (log.user_id, log.reason, log.timeout_minutes)),
            [(self.display, "server_idle", 30), (self.accountant, "server_idle", 2)],
        )

    def test_the_lifetime_still_ends_an_exempt_session(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "idle_user_logout.max_session_hours", "1"
        )
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in("idle_display")
            clock.tick(3600 + 61)
            self.assertFalse(self.accepted())

    def test_each_user_gets_their_own_timeout_in_the_page(self):
        self.assertEqual(
            self.env["idle_user_logout.session"]
            .with_user(self.accountant)
            ._page_values()["idle_logout_timeout_minutes"],
            2,
        )
        display_values = (
            self.env["idle_user_logout.session"].with_user(self.display)._page_values()
        )
        self.assertIs(display_values["idle_logout_timeout_minutes"], False)
        accountant_values = (
            self.env["idle_user_logout.session"]
            .with_user(self.accountant)
            ._page_values()
        )
        self.assertEqual(
            accountant_values["idle_logout_keepalive"], 40, "a third of its 2 minutes"
        )
        self.assertIn("idle_logout_keepalive", display_values, "its pages still run")

    def test_the_login_page_gives_the_users_own_timeout(self):
        self.log_in("idle_accountant")
        # While the session lives, the user's rule; once another tab ended it, what the
        # page says it had, only shown.
        for shown in ("2", "9"):
            response = self.url_open(
                "/web/session/logout?idle_logout_reason=browser_idle"
                "&idle_logout_minutes=9&redirect=/odoo",
                allow_redirects=False,
            )
            location = urlsplit(response.headers["Location"])
            self.assertEqual(parse_qs(location.query)["idle_logout"], [shown])
