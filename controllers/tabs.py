from odoo import http
from odoo.http import request

from ..models.ir_http import PING_PATH, TAB_CLOSED_PATH


class IdleLogoutTabs(http.Controller):
    # A beacon cannot send Odoo's CSRF token; all it can do is end its own session.
    @http.route(TAB_CLOSED_PATH, type="http", methods=["POST"], auth="user", csrf=False)
    def tab_closed(self):
        """A tab of this session closes (see `idle_user_logout.closing`)."""
        request.env["idle_user_logout.closing"]._closing(request.session)
        return request.make_response("", status=204)

    @http.route(PING_PATH, type="jsonrpc", auth="user", readonly=True)
    def ping(self):
        """A request of a page that is no activity: it says that a tab of the session
        is open, and lets the server see the session's network."""
        return True
