"""The logout route, which every tab leaving takes: the session ends where the addon
ends sessions, and the browser lands on the login page saying why (see
`models/login_page.py`), back to the page it was on after the login."""

from urllib.parse import urlsplit

from odoo import http
from odoo.http import request

from odoo.addons.web.controllers.session import Session

from ..models.login_page import (
    BROWSER_REASONS,
    LOGOUT_REASONS,
    MINUTES_ARG,
    REASON_ARG,
    local_url,
    login_url,
)
from ..models.single_sign_on import REAUTH_KEY, log_out_for_the_addon


def from_this_server():
    """Whether the current request comes from a page of this server, as the browser
    says (Sec-Fetch-Site). Over plain HTTP it does not: a POST's Origin tells, and a
    navigation is taken at its word (a proxy may change the host a Referer would be
    matched with: a real idle logout must never pass for a plain one)."""
    headers = request.httprequest.headers
    if site := headers.get("Sec-Fetch-Site"):
        return site == "same-origin"
    origin = headers.get("Origin")
    return not origin or urlsplit(origin).netloc == request.httprequest.host


class IdleLogoutSession(Session):
    @http.route()
    def logout(self, redirect="/odoo", **kw):
        # Read from the query: another override of this route (http_routing's) may drop
        # an argument it does not know.
        # Only the pages of this server say why (see `from_this_server`).
        reason = from_this_server() and request.httprequest.args.get(REASON_ARG)
        page_minutes = request.httprequest.args.get(MINUTES_ARG, type=int)
        session = request.session
        session_end = request.env["idle_user_logout.session_end"]
        # Ended by the addon now (idle, lifetime), or already (the server's refusal).
        by_the_addon = reason in BROWSER_REASONS or bool(session.get(REAUTH_KEY))
        if session.uid and (reason in BROWSER_REASONS or not by_the_addon):
            ending = reason if reason in BROWSER_REASONS else "logout"
            session_end._ending(session.uid, session.sid, ending)
        # A page loaded before an upgrade sends the login page itself.
        if reason in LOGOUT_REASONS and not redirect.startswith("/web/login"):
            redirect = login_url(
                request.env, reason, redirect, session.uid, page_minutes
            )
        if not by_the_addon:
            return super().logout(redirect=redirect)
        log_out = super().logout
        log_out_for_the_addon(session, lambda: log_out(redirect=redirect))
        return session_end._exit(local_url(redirect))

    @http.route()
    def destroy(self):
        session = request.session
        if session.uid:
            session_end = request.env["idle_user_logout.session_end"]
            session_end._ending(session.uid, session.sid, "logout")
        return super().destroy()
