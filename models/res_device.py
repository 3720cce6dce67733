from odoo import models


class ResDevice(models.Model):
    _inherit = "res.device"

    def _revoke(self):
        for device in self.sudo():
            self.env["ir.http"]._idle_logout_ended_device(device, "device_revoked")
        res = super()._revoke()
        self.env["ir.http"]._idle_logout_session_ended(
            self.mapped("session_identifier")
        )
        return res
