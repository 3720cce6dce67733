from odoo import models
from odoo.http import request

from odoo.addons.bus.websocket import wsrequest

from .ir_http import session_channel


class IrWebsocket(models.AbstractModel):
    _inherit = "ir.websocket"

    def _build_bus_channel_list(self, channels):
        channels = super()._build_bus_channel_list(channels)
        session = (request or wsrequest).session
        if session.uid and self.env["ir.http"]._idle_logout_session_values():
            channels.append(session_channel(session.sid))
        return channels
