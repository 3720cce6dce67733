"""Odoo's request hooks, each handing over to the room of its concern: a request's
session followed (its last tab, its network, the server's verdict), a session Odoo logs
out on record, what its pages are given, an ended session never saved back, and its
pages told when it is logged out."""

from odoo import models
from odoo.http import request

from .session_stamps import LOGIN_KEY, SEEN_KEY


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _authenticate(cls, endpoint):
        session = request.session
        if session.uid:
            request.env["idle_user_logout.session"]._follow(endpoint)
        # A cookie naming a session gone from the store (ended away from its browser).
        elif session.is_new and request.cookies.get("session_id"):
            request.env["idle_user_logout.tab"]._browser_back(endpoint)
        return super()._authenticate(endpoint)

    @classmethod
    def _authenticate_explicit(cls, auth):
        session = request.session
        # Odoo logs out a session whose check fails (a new password, an archived user):
        # on record, unless the user is gone.
        known = (
            session.uid
            and "deletion_time" not in session
            and {
                "uid": session.uid,
                LOGIN_KEY: session.get(LOGIN_KEY),
                SEEN_KEY: session.get(SEEN_KEY),
            }
        )
        try:
            return super()._authenticate_explicit(auth)
        finally:
            user = known and session.uid is None and known["uid"]
            if user and request.env["res.users"].sudo().browse(user).exists():
                session_end = request.env["idle_user_logout.session_end"]
                session_end._ending(user, session.sid, "credentials_changed", known)

    @classmethod
    def _post_dispatch(cls, response):
        # The bus connects while a tab leaves at its load: saving the session then could
        # bring it back, or send a cookie that outruns the next one (a refused login).
        session = request.session
        if session.is_dirty:
            session_end = request.env["idle_user_logout.session_end"]
            if session_end._stale_save(session):
                session.can_save = False
        return super()._post_dispatch(response)

    def session_info(self):
        result = super().session_info()
        result.update(self.env["idle_user_logout.session"]._page_values())
        return result

    def get_frontend_session_info(self):
        result = super().get_frontend_session_info()
        result.update(self.env["idle_user_logout.session"]._page_values())
        return result

    @classmethod
    def _post_logout(cls):
        res = super()._post_logout()
        request.env["idle_user_logout.session_end"]._tell_ended([request.session.sid])
        return res
