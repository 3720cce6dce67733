"""The addon's parameters followed however they are set (the settings, System
Parameters, a script, an upgrade): the open pages hear of a new rule, and the last-tab
option's code is in the pages' bundles (data/ir_asset.xml) only while it is on."""

from odoo import api, models

from .policy import (
    ENABLED_PARAM,
    END_ON_LAST_TAB_PARAM,
    OUTSIDE_TIMEOUT_PARAM,
    SERVER_ENFORCEMENT_PARAM,
    TIMEOUT_PARAM,
    WARNING_PARAM,
)

# The parameters the open pages follow without a reload (their timeouts, warning and
# keepalive), and those the last-tab option's code follows.
RULE_PARAMS = {
    ENABLED_PARAM,
    TIMEOUT_PARAM,
    OUTSIDE_TIMEOUT_PARAM,
    WARNING_PARAM,
    SERVER_ENFORCEMENT_PARAM,
}
LAST_TAB_PARAMS = {ENABLED_PARAM, END_ON_LAST_TAB_PARAM}
# The code by which a page says it closes.
LAST_TAB_CODE_PATH = "idle_user_logout/static/src/last_tab.js"
# Context key: the addon's parameters go with it (no page to tell).
UNINSTALLING = "idle_user_logout_uninstalling"


class IrConfigParameter(models.Model):
    _inherit = "ir.config_parameter"

    @api.model_create_multi
    def create(self, vals_list):
        keys = {vals.get("key") for vals in vals_list}
        # Refused before any work for who may not create one.
        self.check_access("create")
        self._idle_logout_pages_follow(keys)
        params = super().create(vals_list)
        if keys & LAST_TAB_PARAMS:
            self._idle_logout_sync_last_tab_assets()
        return params

    def write(self, vals):
        # A key renamed away counts as much as one renamed to.
        keys = set(self.mapped("key")) | {vals.get("key")}
        self._idle_logout_pages_follow(keys)
        res = super().write(vals)
        if keys & LAST_TAB_PARAMS:
            self._idle_logout_sync_last_tab_assets()
        return res

    def unlink(self):
        keys = set(self.mapped("key"))
        self._idle_logout_pages_follow(keys)
        res = super().unlink()
        if keys & LAST_TAB_PARAMS:
            self._idle_logout_sync_last_tab_assets()
        return res

    @api.model
    def _idle_logout_pages_follow(self, keys):
        """Before a change of these parameters: the open pages of the internal users
        hear of their new rule once the transaction is done, if it changed (none while
        the addon stays off, nor when it is uninstalled)."""
        if not keys & RULE_PARAMS or self.env.context.get(UNINSTALLING):
            return
        settings = self.env["res.config.settings"]._idle_logout_settings()
        if settings.enabled or ENABLED_PARAM in keys:
            users = self.env["res.users"].sudo().search([("share", "=", False)])
            users._idle_logout_watch_rules()

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
