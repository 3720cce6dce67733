from odoo import api, models

from .policy import ENABLED_PARAM, END_ON_LAST_TAB_PARAM

# The parameters the last-tab option's code in the pages' bundles follows.
LAST_TAB_PARAMS = (ENABLED_PARAM, END_ON_LAST_TAB_PARAM)


class IrConfigParameter(models.Model):
    _inherit = "ir.config_parameter"

    @api.model_create_multi
    def create(self, vals_list):
        params = super().create(vals_list)
        params._idle_logout_follow_last_tab()
        return params

    def write(self, vals):
        before = self.filtered(lambda param: param.key in LAST_TAB_PARAMS)
        res = super().write(vals)
        (before | self)._idle_logout_follow_last_tab()
        return res

    def unlink(self):
        last_tab = any(param.key in LAST_TAB_PARAMS for param in self)
        res = super().unlink()
        if last_tab:
            self.env["idle_user_logout.tab"]._sync_last_tab_assets()
        return res

    def _idle_logout_follow_last_tab(self):
        """The pages' code for the last-tab option follows it and the addon's switch,
        however they are set: the settings, System Parameters, a script."""
        if any(param.key in LAST_TAB_PARAMS for param in self):
            self.env["idle_user_logout.tab"]._sync_last_tab_assets()
