"""Odoo's devices: each shows its trusted network, and a device an administrator
revokes ends its session where the addon ends sessions (see `session_end`)."""

from odoo import fields, models


class ResDevice(models.Model):
    _inherit = "res.device"

    idle_logout_network = fields.Char(
        "Trusted Network",
        compute="_compute_idle_logout_network",
        help="The trusted network of the device's last address; empty when outside "
        "them (or when none is set).",
    )

    def _compute_idle_logout_network(self):
        networks = self.env["idle_user_logout.network"]
        for device in self:
            device.idle_logout_network = networks._of_address(device.ip_address)

    def _revoke(self):
        session_end = self.env["idle_user_logout.session_end"]
        for device in self.sudo():
            session_end._ended_away(device, "device_revoked")
        res = super()._revoke()
        session_end._tell_ended(self.mapped("session_identifier"))
        return res
