import time

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Server enforcement is now on unless an administrator turned it off. Where that
    choice was never stored it starts with this upgrade: sessions not stamped yet count
    from now, so nobody is cut off by the upgrade itself."""
    icp = api.Environment(cr, SUPERUSER_ID, {})["ir.config_parameter"]
    if icp.get_param("idle_user_logout.server_enforcement") is False:
        icp.set_param(
            "idle_user_logout.server_enforcement_since", str(int(time.time()))
        )
