"""The routes of drafts: a page leaving for inactivity keeps a form it could not save,
and the form opened again takes its draft back, once (see `idle_user_logout.draft`)."""

from odoo import http
from odoo.http import request

from ..models.idle_user_logout_draft import DRAFTS_KEY


class IdleLogoutDraft(http.Controller):
    @http.route("/idle_user_logout/draft", type="jsonrpc", auth="user")
    def keep(self, model, res_id, values, url=""):
        """A page leaving for inactivity keeps a form it could not save."""
        if not self._concerned():
            return False
        return request.env["idle_user_logout.draft"]._keep(model, res_id, values, url)

    @http.route("/idle_user_logout/draft/take", type="jsonrpc", auth="user")
    def take(self, model, res_id):
        """The form the user opens again gets its draft, once."""
        form = [model, res_id or 0]
        forms = request.session.get(DRAFTS_KEY) or []
        if any(other[:2] == form for other in forms):
            # A new list: the session saves what changed.
            request.session[DRAFTS_KEY] = [
                other for other in forms if other[:2] != form
            ]
        if not self._concerned():
            return None
        return request.env["idle_user_logout.draft"]._take(model, res_id)

    def _concerned(self):
        return request.env["idle_user_logout.session"]._concerned()
