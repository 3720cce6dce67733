import json
from unittest.mock import MagicMock, patch

from odoo.http import root
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from odoo.addons.bus.models.bus import channel_with_db, dispatch, hashable, json_dump
from odoo.addons.bus.tests.common import WebsocketCase
from odoo.addons.idle_user_logout.models.idle_user_logout_session import (
    session_channel,
)
from odoo.addons.idle_user_logout.models.idle_user_logout_session_end import (
    SESSION_ENDED,
)
from odoo.addons.idle_user_logout.tests.common import JsonRpcMixin

# Timeout 1 minute: the server refuses a session idle for more than 95 s.
LIMIT_SECONDS = 95


def enable_with_employee_and_portal(env):
    """The addon on, a 1-minute timeout; an internal user and a portal user."""
    icp = env["ir.config_parameter"].sudo()
    icp.set_param("idle_user_logout.enabled", "True")
    icp.set_param("idle_user_logout.timeout_minutes", "1")
    new_test_user(
        env, login="idle_portal", password="idle_portal_pw", groups="base.group_portal"
    )
    return new_test_user(env, login="idle_employee", password="idle_employee_pw")


@tagged("post_install", "-at_install")
class TestIdleLogoutSessionEnd(JsonRpcMixin, HttpCase):
    """However a session ends, its pages hear of it through the bus, at once."""

    # Test cursors share one connection: a read-only route's cursor cannot open the
    # read/write one a logout opens for its notices (a real server can: e2e).
    _registry_readonly_enabled = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = enable_with_employee_and_portal(cls.env)
        cls.icp = cls.env["ir.config_parameter"].sudo()

    def ended_notices(self, sid):
        channel = json_dump(channel_with_db(self.env.cr.dbname, session_channel(sid)))
        notices = self.env["bus.bus"].sudo().search([("channel", "=", channel)])
        return [json.loads(notice.message)["type"] for notice in notices]

    def test_logout_url_tells_the_session_pages(self):
        session = self.authenticate("idle_employee", "idle_employee_pw")
        self.url_open("/web/session/logout")
        self.assertEqual(self.ended_notices(session.sid), [SESSION_ENDED])

    def test_disabled_tells_nothing(self):
        self.icp.set_param("idle_user_logout.enabled", "False")
        session = self.authenticate("idle_employee", "idle_employee_pw")
        self.url_open("/web/session/logout")
        self.assertEqual(self.ended_notices(session.sid), [])

    def test_revoked_device_tells_the_session_pages(self):
        session = self.authenticate("idle_employee", "idle_employee_pw")
        self.url_open("/odoo")  # the device is logged on the first page
        devices = (
            self.env["res.device"].sudo().search([("user_id", "=", self.employee.id)])
        )
        self.assertTrue(devices)
        devices._revoke()
        self.assertEqual(self.ended_notices(session.sid), [SESSION_ENDED])
        self.assertIn("error", self.jsonrpc("/web/session/check"), "it is over")

    def test_server_refusal_tells_the_session_pages(self):
        self.icp.set_param("idle_user_logout.server_enforcement", "True")
        self.icp.set_param("idle_user_logout.server_enforcement_since", "0")
        with freeze_time("2026-11-28 10:00:00") as clock:
            session = self.authenticate("idle_employee", "idle_employee_pw")
            self.assertNotIn("error", self.jsonrpc("/web/session/check"))
            clock.tick(LIMIT_SECONDS + 1)
            self.assertIn("error", self.jsonrpc("/web/session/check"))
        self.assertEqual(self.ended_notices(session.sid), [SESSION_ENDED])


@tagged("post_install", "-at_install")
class TestIdleLogoutSessionChannel(WebsocketCase):
    """The pages of an internal user's session listen to its own channel on the bus."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        enable_with_employee_and_portal(cls.env)

    def connect(self, login):
        session = self.authenticate(login, f"{login}_pw")
        websocket = self.websocket_connect(cookie=f"session_id={session.sid}")
        self.subscribe(websocket, [], self.env["bus.bus"]._bus_last_id())
        return session, websocket

    def listens(self, session):
        channel = hashable(
            channel_with_db(self.env.cr.dbname, session_channel(session.sid))
        )
        return channel in dispatch._channels_to_ws

    def test_internal_user_session_listens_to_its_channel(self):
        session, _websocket = self.connect("idle_employee")
        self.assertTrue(self.listens(session))

    def test_portal_user_session_has_no_channel(self):
        session, _websocket = self.connect("idle_portal")
        self.assertFalse(self.listens(session))

    def test_channel_list_outside_a_live_request(self):
        """As Odoo's own bus test calls it: a stand-in request, with no session id."""
        stand_in = MagicMock()
        stand_in.session.uid = self.env.ref("base.user_admin").id
        with patch("odoo.addons.bus.models.ir_websocket.wsrequest", new=stand_in):
            channels = self.env["ir.websocket"]._build_bus_channel_list(["test"])
        self.assertIn("test", channels)
        self.assertFalse(
            [c for c in channels if str(c).startswith("idle_user_logout.session.")]
        )


@tagged("post_install", "-at_install")
class TestIdleLogoutBusAfterTheEnd(WebsocketCase):
    """A tab that leaves at its load races Odoo's bus, which connects on its own: that
    connection never brings the session back nor sends its cookie again."""

    _registry_readonly_enabled = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        enable_with_employee_and_portal(cls.env)

    def sends_a_session_cookie(self, websocket):
        return "session_id=" in websocket.getheaders().get("set-cookie", "")

    def test_connecting_with_an_unchanged_session_sends_no_cookie(self):
        session = self.authenticate("idle_employee", "idle_employee_pw")
        # The page that connects the bus was loaded first (its device noted then).
        self.url_open("/odoo")
        websocket = self.websocket_connect(cookie=f"session_id={session.sid}")
        self.assertFalse(self.sends_a_session_cookie(websocket))
        self.assertEqual(root.session_store.get(session.sid).uid, session.uid)

    def test_connecting_after_an_idle_logout_does_not_revive_the_session(self):
        session = self.authenticate("idle_employee", "idle_employee_pw")
        self.url_open("/odoo")
        self.url_open(
            "/web/session/logout?idle_logout_reason=browser_idle&redirect=/web/login"
        )
        websocket = self.websocket_connect(cookie=f"session_id={session.sid}")
        self.assertFalse(self.sends_a_session_cookie(websocket))
        self.assertFalse(root.session_store.get(session.sid))
