"""The bus channels a page's websocket listens on: an internal user's session adds its
own (see `idle_user_logout.session`), on which its pages hear that it ended."""

from odoo import models
from odoo.http import request

# The bus's own reference to the websocket request, which its callers and tests patch.
from odoo.addons.bus.models import ir_websocket as bus_ir_websocket

from .idle_user_logout_session import session_channel


class IrWebsocket(models.AbstractModel):
    _inherit = "ir.websocket"

    def _build_bus_channel_list(self, channels):
        channels = super()._build_bus_channel_list(channels)
        session = (request or bus_ir_websocket.wsrequest).session
        # A stand-in session (a caller outside a live request) has no id to listen on.
        sid = getattr(session, "sid", None)
        real = isinstance(sid, str) and session.uid
        if real and self.env["idle_user_logout.session"]._page_values():
            channels.append(session_channel(sid))
        return channels
