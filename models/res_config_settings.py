import math
import time
from typing import NamedTuple

from odoo import api, fields, models
from odoo.tools import str2bool

ENABLED_PARAM = "idle_user_logout.enabled"
TIMEOUT_PARAM = "idle_user_logout.timeout_minutes"
SERVER_ENFORCEMENT_PARAM = "idle_user_logout.server_enforcement"
# When the server enforcement was last turned on: older activity stamps count from then.
ENFORCED_SINCE_PARAM = "idle_user_logout.server_enforcement_since"
DEFAULT_TIMEOUT_MINUTES = 15
MIN_TIMEOUT_MINUTES = 1
# One year: a larger value means "never" and would overflow the settings column.
MAX_TIMEOUT_MINUTES = 525600


def clamp_timeout_minutes(value):
    """A whole number of minutes within bounds, for any stored or entered value."""
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        return DEFAULT_TIMEOUT_MINUTES
    if math.isnan(minutes):
        return DEFAULT_TIMEOUT_MINUTES
    return int(max(MIN_TIMEOUT_MINUTES, min(minutes, MAX_TIMEOUT_MINUTES)))


class IdleLogoutSettings(NamedTuple):
    enabled: bool
    timeout_minutes: int
    server_enforcement: bool
    enforced_since: float


def read_bool(value):
    return str2bool(value or "False", False)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    idle_logout_enabled = fields.Boolean(
        string="Log Out Idle Users",
        help="Log internal users out of the web client after a period of inactivity.",
    )
    idle_logout_timeout_minutes = fields.Integer(
        string="Idle Timeout (minutes)",
        default=DEFAULT_TIMEOUT_MINUTES,
        help="Minutes without a click, a key press or a return to the Odoo tab "
        "before the user is logged out. The minimum is 1 minute.",
    )
    idle_logout_server_enforcement = fields.Boolean(
        string="Also end idle sessions on the server",
        help="The server refuses a session idle for longer than the timeout, even if "
        "its browser was closed or its scripts never ran.",
    )

    @api.model
    def _idle_logout_settings(self):
        """Effective settings, whatever is stored (parameters are cached: no query)."""
        get_param = self.env["ir.config_parameter"].sudo().get_param
        try:
            since = float(get_param(ENFORCED_SINCE_PARAM) or 0)
        except ValueError:
            since = 0.0
        return IdleLogoutSettings(
            enabled=read_bool(get_param(ENABLED_PARAM)),
            timeout_minutes=clamp_timeout_minutes(
                get_param(TIMEOUT_PARAM) or DEFAULT_TIMEOUT_MINUTES
            ),
            server_enforcement=read_bool(get_param(SERVER_ENFORCEMENT_PARAM)),
            enforced_since=since,
        )

    @api.onchange("idle_logout_timeout_minutes")
    def _onchange_idle_logout_timeout_minutes(self):
        minutes = clamp_timeout_minutes(self.idle_logout_timeout_minutes)
        self.idle_logout_timeout_minutes = minutes

    @api.model
    def get_values(self):
        res = super().get_values()
        settings = self._idle_logout_settings()
        res.update(
            idle_logout_enabled=settings.enabled,
            idle_logout_timeout_minutes=settings.timeout_minutes,
            idle_logout_server_enforcement=settings.server_enforcement,
        )
        return res

    def set_values(self):
        res = super().set_values()
        minutes = clamp_timeout_minutes(self.idle_logout_timeout_minutes)
        enforcement = bool(self.idle_logout_server_enforcement)
        icp = self.env["ir.config_parameter"].sudo()
        if enforcement and not read_bool(icp.get_param(SERVER_ENFORCEMENT_PARAM)):
            icp.set_param(ENFORCED_SINCE_PARAM, str(int(time.time())))
        icp.set_param(ENABLED_PARAM, str(bool(self.idle_logout_enabled)))
        icp.set_param(TIMEOUT_PARAM, str(minutes))
        icp.set_param(SERVER_ENFORCEMENT_PARAM, str(enforcement))
        return res
