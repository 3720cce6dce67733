"""A SAML sign-in the addon refused leads to the login page, saying why."""

import json
from urllib.parse import unquote_plus

from odoo import http

from odoo.addons.auth_saml.controllers.main import AuthSAMLController
from odoo.addons.idle_user_logout.models.login_page import sign_on_refused


class IdleLogoutAuthSAMLController(AuthSAMLController):
    @http.route()
    def signin(self, **kw):
        response = super().signin(**kw)
        state = json.loads(kw["RelayState"]) if kw.get("RelayState") else {}
        target = unquote_plus(state.get("r") or "")
        return sign_on_refused(target) or response
