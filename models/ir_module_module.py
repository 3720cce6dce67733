"""The SSO bridges (bridges/ folder): installed at each install and upgrade of the addon
where their two sides are, and what the settings say of a single sign-on module left
without its bridge."""

from odoo import api, models

# The single sign-on modules, and the bridge of each, in the addon's bridges/ folder.
SSO_BRIDGES = {
    "auth_oauth": "idle_user_logout_auth_oauth",
    "auth_oidc": "idle_user_logout_auth_oidc",
    "auth_saml": "idle_user_logout_auth_saml",
}
INSTALL_STATES = ("installed", "to install", "to upgrade")


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    @api.model
    def _idle_logout_install_bridges(self):
        """Marks for installation the SSO bridges whose two sides are installed (at each
        install and upgrade of the addon): Odoo installs a module by itself only while
        one of its dependencies is being installed, never at an upgrade."""
        bridges = self.search(
            [("name", "in", list(SSO_BRIDGES.values())), ("state", "=", "uninstalled")]
        )
        bridges.filtered(
            lambda bridge: all(
                dependency.state in INSTALL_STATES
                for dependency in bridge.dependencies_id
            )
        ).button_install()

    @api.model
    def _idle_logout_missing_bridges(self):
        """What the settings say of each SSO module installed without its bridge."""
        modules = self.sudo().search(
            [("name", "in", [*SSO_BRIDGES, *SSO_BRIDGES.values()])]
        )
        states = {module.name: module.state for module in modules}
        lines = []
        for sso, bridge in SSO_BRIDGES.items():
            if states.get(sso) != "installed" or states.get(bridge) in INSTALL_STATES:
                continue
            if states.get(bridge, "uninstallable") == "uninstallable":
                lines.append(
                    self.env._(
                        "Single sign-on through %(module)s is not covered: Odoo does "
                        "not find its bridge %(bridge)s. Put the addon's bridges in "
                        "the addons path (the wheel and the Apps zip put them beside "
                        "the addon; from a git checkout, add its bridges folder), "
                        "update the Apps list, then upgrade Idle User Logout.",
                        module=sso,
                        bridge=bridge,
                    )
                )
            else:
                lines.append(
                    self.env._(
                        "Single sign-on through %(module)s is not covered: its bridge "
                        "%(bridge)s is not installed. Upgrade Idle User Logout, which "
                        "installs it, or install it from Apps.",
                        module=sso,
                        bridge=bridge,
                    )
                )
        return lines
