"""The last-tab option's code in the pages' bundles (data/ir_asset.xml) follows the
option and the addon's switch, however they are set: the settings, System Parameters,
a script, an upgrade."""

from odoo import api, models

from .policy import ENABLED_PARAM, END_ON_LAST_TAB_PARAM

# The parameters it follows, and the code by which a page says it closes.
LAST_TAB_PARAMS = (ENABLED_PARAM, END_ON_LAST_TAB_PARAM)
LAST_TAB_CODE_PATH = "idle_user_logout/static/src/last_tab.js"


class IrConfigParameter(models.Model):
    _inherit = "ir.config_parameter"

    @api.model_create_multi
    def create(self, vals_list):
        params = super().create(vals_list)
        if params._idle_logout_last_tab_params():
            self._idle_logout_sync_last_tab_assets()
        return params

    def write(self, vals):
        # A key renamed away counts as much as one renamed to.
        followed = self._idle_logout_last_tab_params()
        res = super().write(vals)
        if followed or self._idle_logout_last_tab_params():
            self._idle_logout_sync_last_tab_assets()
        return res

    def unlink(self):
        followed = self._idle_logout_last_tab_params()
        res = super().unlink()
        if followed:
            self._idle_logout_sync_last_tab_assets()
        return res

    def _idle_logout_last_tab_params(self):
        return any(param.key in LAST_TAB_PARAMS for param in self)

    @api.model
    def _idle_logout_sync_last_tab_assets(self):
        """The pages' bundles carry the code by which a page says it closes only while
        the addon and the option are on: otherwise, no page loads any of it."""
        settings = self.env["res.config.settings"]._idle_logout_settings()
        on = settings.enabled and settings.end_on_last_tab_closed
        assets = (
            self.env["ir.asset"]
            .sudo()
            .with_context(active_test=False, no_cow=True)
            .search([("path", "=", LAST_TAB_CODE_PATH)])
        )
        # Written only when it changes: a write empties Odoo's cache of every bundle.
        switched = assets.filtered(lambda asset: asset.active != on)
        switched.active = on
