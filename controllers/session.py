from odoo import http

from odoo.addons.web.controllers import session


class Session(session.Session):
    # Not read-only here: a session that ends tells its pages, through the bus.
    @http.route(readonly=False)
    def logout(self, redirect="/odoo"):
        return super().logout(redirect=redirect)
