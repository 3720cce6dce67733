"""What a page says of itself without being activity: that it closes (a session that
ends with its last tab, see `idle_user_logout.tab`), or where it comes from (its
network, after the trusted networks changed)."""

from odoo import http
from odoo.http import request

from ..models.idle_user_logout_network import PING_PATH
from ..models.idle_user_logout_tab import TAB_CLOSED_PATH
from .session import from_this_server


class IdleLogoutTabs(http.Controller):
    # A beacon cannot send Odoo's CSRF token: the page's own key, which no other site
    # knows, says that it is this page that closes, and the browser where it comes from.
    @http.route(TAB_CLOSED_PATH, type="http", methods=["POST"], auth="user", csrf=False)
    def tab_closed(self, key=""):
        """A page of this session closes (see `idle_user_logout.tab`)."""
        settings = request.env["res.config.settings"]._idle_logout_settings()
        if not from_this_server():
            return request.make_response("", status=403)
        if key and settings.enabled and settings.end_on_last_tab_closed:
            tabs = request.env["idle_user_logout.tab"].sudo()
            tabs._closed(request.session, key)
        return request.make_response("", status=204)

    @http.route(PING_PATH, type="jsonrpc", auth="user", readonly=True)
    def ping(self):
        """A request of a page that is no activity: the server sees the session's
        network (after the trusted networks changed)."""
        return True
