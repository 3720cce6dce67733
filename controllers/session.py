from odoo import http
from odoo.http import request

from odoo.addons.web.controllers.session import Session

from ..models.ir_http import (
    BROWSER_REASONS,
    LOGOUT_REASONS,
    MINUTES_ARG,
    REASON_ARG,
    REAUTH_KEY,
    local_url,
    log_out_for_the_addon,
)


class IdleLogoutSession(Session):
    @http.route()
    def logout(self, redirect="/odoo", **kw):
        # Read from the query: another override of this route (http_routing's) may drop
        # an argument it does not know.
        # Only the pages of this server say why (another site's link is a plain logout).
        same_site = request.httprequest.headers.get("Sec-Fetch-Site", "same-origin")
        reason = same_site == "same-origin" and request.httprequest.args.get(REASON_ARG)
        page_minutes = request.httprequest.args.get(MINUTES_ARG, type=int)
        session = request.session
        ir_http = request.env["ir.http"]
        # Ended by the addon now (idle, lifetime), or already (the server's refusal).
        by_the_addon = reason in BROWSER_REASONS or bool(session.get(REAUTH_KEY))
        if session.uid and (reason in BROWSER_REASONS or not by_the_addon):
            ending = reason if reason in BROWSER_REASONS else "logout"
            ir_http._idle_logout_ending(session.uid, session.sid, ending)
        # A page loaded before an upgrade sends the login page itself.
        if reason in LOGOUT_REASONS and not redirect.startswith("/web/login"):
            redirect = ir_http._idle_logout_login_url(
                reason, redirect, session.uid, page_minutes
            )
        if not by_the_addon:
            return super().logout(redirect=redirect)
        log_out = super().logout
        log_out_for_the_addon(session, lambda: log_out(redirect=redirect))
        return ir_http._idle_logout_exit(local_url(redirect))
