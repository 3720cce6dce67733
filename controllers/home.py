"""The login page says why the addon logged the user out (`models/login_page.py`)."""

from odoo import http
from odoo.http import request

from odoo.addons.web.controllers.home import Home

from ..models.login_page import notice


class IdleLogoutHome(Home):
    @http.route()
    def web_login(self, *args, **kw):
        response = super().web_login(*args, **kw)
        if response.is_qweb:
            response.qcontext["idle_logout_notice"] = notice(
                request.env, request.params
            )
        return response
