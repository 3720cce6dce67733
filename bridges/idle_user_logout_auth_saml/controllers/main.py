import json
from urllib.parse import unquote_plus

from odoo import http
from odoo.http import request

from odoo.addons.auth_saml.controllers.main import AuthSAMLController


class IdleLogoutAuthSAMLController(AuthSAMLController):
    @http.route()
    def signin(self, **kw):
        response = super().signin(**kw)
        state = json.loads(kw["RelayState"]) if kw.get("RelayState") else {}
        target = unquote_plus(state.get("r") or "")
        return request.env["ir.http"]._idle_logout_sign_on_refused(target) or response
