import math

from odoo import api, fields, models
from odoo.tools import str2bool

ENABLED_PARAM = "idle_user_logout.enabled"
TIMEOUT_PARAM = "idle_user_logout.timeout_minutes"
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

    @api.model
    def _idle_logout_settings(self):
        """Effective settings whatever is stored: (enabled, timeout in minutes)."""
        get_param = self.env["ir.config_parameter"].sudo().get_param
        enabled = str2bool(get_param(ENABLED_PARAM) or "False", False)
        timeout = get_param(TIMEOUT_PARAM) or DEFAULT_TIMEOUT_MINUTES
        return enabled, clamp_timeout_minutes(timeout)

    @api.onchange("idle_logout_timeout_minutes")
    def _onchange_idle_logout_timeout_minutes(self):
        minutes = clamp_timeout_minutes(self.idle_logout_timeout_minutes)
        self.idle_logout_timeout_minutes = minutes

    @api.model
    def get_values(self):
        res = super().get_values()
        enabled, timeout = self._idle_logout_settings()
        res.update(idle_logout_enabled=enabled, idle_logout_timeout_minutes=timeout)
        return res

    def set_values(self):
        res = super().set_values()
        minutes = clamp_timeout_minutes(self.idle_logout_timeout_minutes)
        set_param = self.env["ir.config_parameter"].sudo().set_param
        set_param(ENABLED_PARAM, str(bool(self.idle_logout_enabled)))
        set_param(TIMEOUT_PARAM, str(minutes))
        return res
