from odoo import http
from odoo.http import request

from odoo.addons.web.controllers.session import Session

from ..models.ir_http import BROWSER_REASONS, LOGOUT_REASONS, REASON_ARG


class IdleLogoutSession(Session):
    @http.route()
    def logout(self, redirect="/odoo", **kw):
        # Read from the query: another override of this route (http_routing's) may drop
        # an argument it does not know.
        reason = request.httprequest.args.get(REASON_ARG)
        session = request.session
        if reason in BROWSER_REASONS and session.uid:
            request.env["ir.http"]._idle_logout_ending(session.uid, session.sid, reason)
        # A page loaded before an upgrade sends the login page itself.
        if reason in LOGOUT_REASONS and not redirect.startswith("/web/login"):
            redirect = request.env["ir.http"]._idle_logout_login_url(reason, redirect)
        return super().logout(redirect=redirect)
