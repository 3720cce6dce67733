import json
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, TransactionCase, freeze_time, new_test_user, tagged

from odoo.addons.idle_user_logout.models.idle_user_logout_network import (
    NETWORK_CHANGED,
    OUTSIDE,
    address_in,
)
from odoo.addons.idle_user_logout.models.idle_user_logout_session import (
    session_channel,
)
from odoo.addons.idle_user_logout.models.res_users import OUTSIDE_RULE
from odoo.addons.idle_user_logout.tests.common import (
    ENFORCED,
    JsonRpcMixin,
    rule_notices,
    set_params,
)

OFFICE = (("Office", "10.0.0.0/8"),)
LAB = (("Lab", "2001:db8::/32"),)


class TestIdleLogoutAddresses(TransactionCase):
    """Which trusted network an address is in, whatever it looks like."""

    def test_ipv4_ipv6_and_mapped_addresses(self):
        self.assertEqual(address_in("10.1.2.3", OFFICE), "Office")
        self.assertEqual(address_in("11.1.2.3", OFFICE), OUTSIDE)
        self.assertEqual(address_in("::ffff:10.1.2.3", OFFICE), "Office", "mapped")
        self.assertEqual(address_in("2001:db8::1", OFFICE + LAB), "Lab")
        self.assertEqual(address_in("2001:db9::1", OFFICE + LAB), OUTSIDE)
        self.assertEqual(address_in("10.1.2.3", LAB), OUTSIDE, "another version")
        # Stored past the form's validation (by SQL): read as networks, or holding none.
        stored = (("Broken", "10.0.0.300/8"), ("Host bits", "10.1.0.1/16"))
        self.assertEqual(address_in("10.1.2.3", stored), "Host bits")

    def test_an_address_that_is_none_is_outside(self):
        for address in (None, "", "abc", "10.0.0.300", "10.0.0.1/8", "::g"):
            self.assertEqual(address_in(address, OFFICE), OUTSIDE, address)

    def test_networks_are_written_as_networks_or_refused_with_a_message(self):
        Networks = self.env["idle_user_logout.network"]
        cases = {
            "10.0.0.1/8": "10.0.0.0/8",
            " 192.0.2.15 ": "192.0.2.15/32",
            "2001:DB8::/32": "2001:db8::/32",
        }
        for entered, written in cases.items():
            network = Networks.create({"name": entered, "cidr": entered})
            self.assertEqual(network.cidr, written)
        for cidr, message in (
            ("10.0.0.256/8", "is not a network"),
            ("office", "is not a network"),
            ("0.0.0.0/0", "holds every address"),
            ("::/0", "holds every address"),
            ("10.0.0.0/8", "is already trusted"),
            ("10.1.0.0/8", "is already trusted"),
            ("", "Enter the network of Kiosk"),
            (False, "Enter the network of Kiosk"),
        ):
            with self.assertRaises(ValidationError) as error:
                Networks.create({"name": "Kiosk", "cidr": cidr})
            self.assertIn(message, str(error.exception), cidr)
        self.assertEqual(Networks.search_count([]), 3, "nothing saved")
        self.assertEqual(Networks._of_address("10.9.9.9"), "10.0.0.1/8", "by its label")


class NetworkRulesCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_params(cls.env, enabled=True, timeout_minutes=30)
        Groups = cls.env["res.groups"]
        cls.displays = Groups.create(
            {
                "name": "Idle displays",
                "idle_logout_exempt": True,
                "idle_logout_trusted_only": True,
            }
        )
        cls.sales = Groups.create(
            {
                "name": "Idle sales",
                "idle_logout_timeout_minutes": 60,
                "idle_logout_trusted_only": True,
            }
        )
        cls.display = new_test_user(cls.env, login="idle_net_display")
        cls.display.group_ids |= cls.displays
        cls.seller = new_test_user(cls.env, login="idle_net_seller")
        cls.seller.group_ids |= cls.sales
        cls.office = cls.env["idle_user_logout.network"].create(
            {"name": "Office", "cidr": "10.0.0.0/8"}
        )

    def settings(self):
        return self.env["res.config.settings"]._idle_logout_settings()

    def timeout(self, user, outside):
        return user._idle_logout_timeout_minutes(self.settings(), outside)


@tagged("post_install", "-at_install")
class TestIdleLogoutRulesByNetwork(NetworkRulesCase):
    def test_a_rule_held_only_in_the_office_does_not_count_outside(self):
        self.assertIsNone(self.timeout(self.display, False), "exempt in the office")
        self.assertEqual(self.timeout(self.display, True), 30, "the global outside")
        self.assertEqual(self.timeout(self.seller, False), 60)
        self.assertEqual(self.timeout(self.seller, True), 30)

    def test_a_shorter_timeout_outside_and_no_exemption_there(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "idle_user_logout.outside_timeout_minutes", "10"
        )
        self.displays.idle_logout_trusted_only = False
        self.assertIsNone(self.timeout(self.display, False))
        self.assertEqual(self.timeout(self.display, True), 10, "no exemption outside")
        self.assertEqual(self.timeout(self.seller, True), 10)

    def test_the_outside_timeout_is_shorter_than_the_global_one(self):
        for outside in (30, 45, -1):
            with self.assertRaises(ValidationError):
                self.env["res.config.settings"].create(
                    {
                        "idle_logout_enabled": True,
                        "idle_logout_timeout_minutes": 30,
                        "idle_logout_outside_timeout_minutes": outside,
                    }
                ).execute()
        self.assertEqual(self.settings().outside_timeout_minutes, 0, "none set")

    def test_the_settings_say_who_gets_what_outside(self):
        internal = self.env["res.users"].search_count([("share", "=", False)])
        settings = self.env["res.config.settings"].create({})
        inside = settings.idle_logout_rules_summary
        self.assertIn("1 internal user after 60 min", inside)
        self.assertIn("1 internal user never (exempt)", inside)
        # The office's exemption and its sellers' hour do not hold outside.
        self.assertEqual(
            settings.idle_logout_outside_summary,
            f"{internal} internal users after 30 min",
        )
        settings = self.env["res.config.settings"].create(
            {"idle_logout_outside_timeout_minutes": 10}
        )
        self.assertEqual(
            settings.idle_logout_outside_summary,
            f"{internal} internal users after 10 min",
        )
        self.office.unlink()
        settings = self.env["res.config.settings"].create({})
        self.assertFalse(settings.idle_logout_outside_summary, "no trusted network")


@tagged("post_install", "-at_install")
class TestIdleLogoutNetworksOnTheServer(JsonRpcMixin, HttpCase):
    """The server judges each request from its own address (127.0.0.1 here)."""

    _registry_readonly_enabled = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_params(cls.env, **ENFORCED, timeout_minutes=1)
        displays = cls.env["res.groups"].create(
            {
                "name": "Idle displays",
                "idle_logout_exempt": True,
                "idle_logout_trusted_only": True,
            }
        )
        display = new_test_user(
            cls.env, login="idle_net_kiosk", password="idle_net_kiosk_pw"
        )
        display.group_ids |= displays
        cls.Networks = cls.env["idle_user_logout.network"]

    def accepted(self):
        return "error" not in self.jsonrpc("/web/session/check")

    def test_the_display_is_exempt_in_the_office_only(self):
        office = self.Networks.create({"name": "Office", "cidr": "127.0.0.0/8"})
        with freeze_time("2026-11-28 10:00:00") as clock:
            self.log_in("idle_net_kiosk")
            info = self.jsonrpc("/web/session/get_session_info")["result"]
            self.assertIs(info["idle_logout_timeout_minutes"], False, "exempt")
            self.assertNotIn("idle_logout_outside", info)
            clock.tick(3600)
            self.assertTrue(self.accepted(), "exempt in the office")
            office.cidr = "10.0.0.0/8"  # the display taken elsewhere
            info = self.jsonrpc("/web/session/get_session_info")["result"]
            self.assertEqual(info["idle_logout_timeout_minutes"], 1)
            self.assertTrue(info["idle_logout_outside"])
            clock.tick(96)
            response = self.url_open("/odoo", allow_redirects=False)
        query = parse_qs(urlsplit(response.headers["Location"]).query)
        self.assertEqual(query["idle_logout"], ["1"])
        self.assertEqual(query["idle_logout_outside"], ["1"])
        page = self.url_open(response.headers["Location"]).text
        self.assertIn("outside the trusted networks", page)
        log = self.env["idle_user_logout.log"].search([("reason", "=", "server_idle")])
        self.assertEqual(
            (log.outside, log.network, log.timeout_minutes), (True, False, 1)
        )

    def test_its_pages_hear_when_the_session_moves_out(self):
        office = self.Networks.create({"name": "Office", "cidr": "127.0.0.0/8"})
        self.log_in("idle_net_kiosk")
        self.assertTrue(self.accepted())
        sid = self.opener.cookies["session_id"]
        office.cidr = "10.0.0.0/8"
        self.assertTrue(self.accepted(), "not idle: only moved")
        self.env.cr.precommit.run()
        heard = [
            json.loads(bus.message)
            for bus in self.env["bus.bus"]
            .sudo()
            .search([("channel", "like", session_channel(sid))])
        ]
        moved = [message for message in heard if message["type"] == NETWORK_CHANGED]
        self.assertEqual(len(moved), 1)
        self.assertEqual(moved[0]["payload"]["idle_logout_outside"], True)
        self.assertEqual(moved[0]["payload"]["idle_logout_timeout_minutes"], 1)

    def told(self, sid, kind):
        """What the pages of this session heard of `kind`, once the transaction ends."""
        self.env.cr.precommit.run()
        return [
            message["payload"]
            for message in (
                json.loads(bus.message)
                for bus in self.env["bus.bus"]
                .sudo()
                .search([("channel", "like", session_channel(sid))])
            )
            if message["type"] == kind
        ]

    def test_a_page_from_before_any_network_hears_it_is_outside(self):
        self.log_in("idle_net_kiosk")
        self.assertTrue(self.accepted())
        sid = self.opener.cookies["session_id"]
        # The first network set: its pages' next request (their ping) tells them.
        self.Networks.create({"name": "Office", "cidr": "10.0.0.0/8"})
        self.assertTrue(self.accepted())
        moved = self.told(sid, NETWORK_CHANGED)
        self.assertEqual(len(moved), 1)
        self.assertIs(moved[0]["idle_logout_outside"], True)
        self.assertEqual(moved[0]["idle_logout_timeout_minutes"], 1, "not exempt")

    def test_the_timeout_outside_changed_reaches_the_open_pages(self):
        self.Networks.create({"name": "Office", "cidr": "10.0.0.0/8"})
        set_params(self.env, outside_timeout_minutes=0, timeout_minutes=30)
        self.env.cr.precommit.run()
        self.env["bus.bus"].sudo().search([]).unlink()
        user = self.env["res.users"].search([("login", "=", "idle_net_kiosk")])

        def heard_outside():
            return [
                rule[OUTSIDE_RULE]["idle_logout_timeout_minutes"]
                for rule in rule_notices(self.env, user)
            ]

        self.env["res.config.settings"].create(
            {"idle_logout_outside_timeout_minutes": 5}
        ).execute()
        self.assertEqual(heard_outside(), [5])
        # System Parameters writes the parameter itself, past the settings.
        param = self.env["ir.config_parameter"].search(
            [("key", "=", "idle_user_logout.outside_timeout_minutes")]
        )
        param.value = "3"
        self.assertEqual(heard_outside(), [3])
        param.unlink()
        self.assertEqual(heard_outside(), [30], "none outside: the global one")

    def test_a_forwarded_address_is_ignored_without_proxy_mode(self):
        self.Networks.create({"name": "Office", "cidr": "10.0.0.0/8"})
        self.log_in("idle_net_kiosk")
        forged = {"X-Forwarded-For": "10.1.2.3", "X-Forwarded-Host": "odoo.example"}
        answer = self.url_open(
            "/web/session/get_session_info",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {}}),
            headers={"Content-Type": "application/json", **forged},
        ).json()["result"]
        self.assertEqual(answer["idle_logout_timeout_minutes"], 1, "not the office")

    def test_an_api_client_signs_in_without_a_database_chosen(self):
        # A server of several databases: the authentication is served without one.
        self.Networks.create({"name": "Office", "cidr": "10.0.0.0/8"})
        self.opener.cookies.clear()
        with patch("odoo.http.db_list", return_value=[self.env.cr.dbname, "other"]):
            answer = self.jsonrpc(
                "/web/session/authenticate",
                db=self.env.cr.dbname,
                login="idle_net_kiosk",
                password="idle_net_kiosk_pw",
            )
        self.assertEqual(answer["result"]["idle_logout_timeout_minutes"], 1)
        self.assertTrue(answer["result"]["idle_logout_outside"])
