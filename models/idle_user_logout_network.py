"""Trusted networks, whose requests may use the group rules marked "only from trusted
networks", and where a request comes from; a session whose requests moved in or out of
them: its pages hear of it with the rule that holds there, and look again when the
networks change."""

import functools
import ipaddress

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.http import request
from odoo.tools import ormcache

# A request from none of the trusted networks (when there are some).
OUTSIDE = ""
# What the pages of the users hear when the trusted networks change: they look again.
NETWORKS_CHANGED = "idle_user_logout/networks"
# What the pages of a session hear when its network changed (in or out of the trusted
# ones), with the rule that holds there.
NETWORK_CHANGED = "idle_user_logout/network"
# Session key: whether the session's last request came from outside trusted networks.
OUTSIDE_KEY = "idle_logout_outside"
# A request of a page that is no activity: the server sees the network it comes from.
PING_PATH = "/idle_user_logout/ping"


# Each address matched once while the networks stay: a request pays a lookup (the
# networks as text: hashed in C, not by ipaddress's Python).
@functools.lru_cache(maxsize=4096)
def address_in(address, networks):
    """The label of the first of `networks` ((label, CIDR) pairs) that holds the
    address, `OUTSIDE` when none does or the address is not one (a request without a
    usable address is outside)."""
    try:
        ip = ipaddress.ip_address(address)
    except (TypeError, ValueError):
        return OUTSIDE
    # An IPv4 client seen through an IPv6 socket: ::ffff:192.0.2.15.
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return next((label for label, cidr in networks if _holds(cidr, ip)), OUTSIDE)


def _holds(cidr, ip):
    """Whether the network `cidr` holds `ip`; one stored past its validation (by SQL)
    holds none."""
    try:
        return ip in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


class IdleUserLogoutNetwork(models.Model):
    """A network whose requests may use the group rules marked "only from trusted
    networks" (the office where wall displays stand)."""

    _name = "idle_user_logout.network"
    _description = "Trusted Network"
    _order = "name, id"

    name = fields.Char("Label", required=True)
    cidr = fields.Char(
        "Network",
        required=True,
        help="An IPv4 or IPv6 network in CIDR notation (10.0.0.0/8, 2001:db8::/32); "
        "a single address is a /32 (IPv4) or a /128 (IPv6). As Odoo reads the "
        "client's address: behind a proxy, run Odoo with --proxy-mode.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["cidr"] = self._normalized(vals.get("cidr"), vals.get("name"))
        users = self._users_told()
        networks = super().create(vals_list)
        networks._check_unique()
        self._changed(users)
        return networks

    def write(self, vals):
        if "cidr" in vals:
            vals["cidr"] = self._normalized(vals["cidr"], vals.get("name"))
        users = self._users_told()
        res = super().write(vals)
        self._check_unique()
        self._changed(users)
        return res

    def unlink(self):
        users = self._users_told()
        res = super().unlink()
        self._changed(users)
        return res

    @api.model
    def _users_told(self):
        """The internal users whose open pages follow a change of the trusted networks:
        their rules are watched (their rule outside them may appear or go)."""
        users = self.env["res.users"].sudo().search([("share", "=", False)])
        users._idle_logout_watch_rules()
        return users

    @api.model
    def _changed(self, users):
        self.env.registry.clear_cache("stable")
        if self.env["res.config.settings"]._idle_logout_settings().enabled:
            for user in users:
                user._bus_send(NETWORKS_CHANGED, {})

    @api.model
    def _normalized(self, cidr, label):
        """The network, written as Python writes it; a clear message for any other."""
        if not (cidr or "").strip():
            raise ValidationError(
                self.env._(
                    "Enter the network of %(label)s: an address or a CIDR network "
                    "such as 10.0.0.0/8.",
                    label=label or self.env._("this trusted network"),
                )
            )
        try:
            network = ipaddress.ip_network(cidr.strip(), strict=False)
        except ValueError:
            raise ValidationError(
                self.env._(
                    "%(cidr)s is not a network: write an IPv4 or IPv6 address, or a "
                    "CIDR network such as 10.0.0.0/8 or 2001:db8::/32.",
                    cidr=cidr,
                )
            ) from None
        if network.prefixlen == 0:
            raise ValidationError(
                self.env._(
                    "%(cidr)s holds every address: trusting it would make every rule "
                    "marked as trusted only hold everywhere.",
                    cidr=cidr,
                )
            )
        return str(network)

    def _check_unique(self):
        for network in self:
            twins = self.search_count(
                [("cidr", "=", network.cidr), ("id", "!=", network.id)], limit=1
            )
            if twins:
                raise ValidationError(
                    self.env._("%(cidr)s is already trusted.", cidr=network.cidr)
                )

    @api.model
    @ormcache(cache="stable")
    def _trusted(self):
        """The trusted networks: (label, CIDR) pairs."""
        return tuple(
            (network.name, network.cidr)
            for network in self.sudo().search([("cidr", "!=", False)], order="id")
        )

    @api.model
    def _of_address(self, address):
        """Where a request from `address` comes from: the label of its trusted network,
        `OUTSIDE`, or None when there are no trusted networks (every rule holds)."""
        networks = self._trusted()
        return address_in(address, networks) if networks else None

    @api.model
    def _of_request(self):
        """Where the current request comes from (see `_of_address`). Called on the
        caller's environment: a request without a database (an authentication) has none
        of its own."""
        return self._of_address(request.httprequest.remote_addr)

    @api.model
    def _session_moved(self, outside, settings):
        """The current request's session moved in or out of the trusted networks
        (`outside` them now): its pages hear of it, with the rule that holds there."""
        session = request.session
        session[OUTSIDE_KEY] = outside
        if not settings.enabled:
            return
        user = self.env["res.users"].sudo().browse(session.uid)
        if user._is_internal():
            values = user._idle_logout_rule_values(settings, outside)
            message = {**values, "idle_logout_outside": outside}
            self.env["idle_user_logout.session"]._tell(
                session.sid, NETWORK_CHANGED, message
            )
