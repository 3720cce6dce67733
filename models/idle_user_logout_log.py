"""The record of every session end (an option): who, why, when, after how long, under
which timeout and from which device; a session known only by a digest, kept a year by
default."""

import hashlib
from datetime import datetime, timedelta, timezone

from odoo import api, fields, models
from odoo.tools import SQL

REASONS = [
    ("browser_idle", "Idle (browser)"),
    ("server_idle", "Idle (refused by the server)"),
    ("lifetime", "Session lifetime reached"),
    ("logout", "Logged out"),
    ("device_revoked", "Device revoked"),
    ("last_tab_closed", "Last tab closed"),
    ("sso_refused", "Single sign-on refused"),
    ("credentials_changed", "Ended by Odoo: a new password or login, an archived user"),
]
# Session ends the addon does not cause: on record only, single sign-on left as is.
NOT_BY_THE_ADDON = ("logout", "credentials_changed")


def session_hash(identifier):
    """What the record keeps of a session to write it once: a digest, from which
    neither the session's id nor its identifier can be found again."""
    return hashlib.sha256(f"idle_user_logout.log:{identifier}".encode()).hexdigest()


class IdleUserLogoutLog(models.Model):
    _name = "idle_user_logout.log"
    _description = "Session End"
    _order = "create_date desc, id desc"
    _rec_name = "user_id"

    user_id = fields.Many2one(
        "res.users", required=True, readonly=True, index=True, ondelete="cascade"
    )
    reason = fields.Selection(REASONS, required=True, readonly=True, index=True)
    create_date = fields.Datetime("Ended On", readonly=True, index=True)
    login_date = fields.Datetime(
        "Logged In On",
        readonly=True,
        help="When the session's user logged in (empty when unknown: a session "
        "older than the addon, a sign-in that was refused).",
    )
    duration = fields.Float(
        "Duration (hours)",
        readonly=True,
        help="From the login to the end of the session.",
    )
    timeout_minutes = fields.Integer(
        "Idle Timeout (minutes)",
        readonly=True,
        help="The idle timeout that applied to the user (their groups' rule, or the "
        "global one); empty for an exempt user.",
    )
    server_idle_minutes = fields.Float(
        "Idle Time Seen by the Server (minutes)",
        readonly=True,
        help="How long the session had been idle when it ended, by the server's own "
        "stamp of its last request, which it renews every few minutes only (a "
        "fraction of the timeout): beside the reason the browser gave, what the "
        "server saw. Empty when the server does not check sessions.",
    )
    ip_address = fields.Char("IP Address", readonly=True)
    network = fields.Char(
        readonly=True,
        help="The trusted network the session ended from; empty from outside them, or "
        "when none was set.",
    )
    outside = fields.Boolean(
        "Outside Trusted Networks",
        readonly=True,
        help="The session ended from outside the trusted networks: the rules held only "
        "there did not count.",
    )
    browser = fields.Char(readonly=True)
    platform = fields.Char(readonly=True)
    session_hash = fields.Char(readonly=True)

    # A session ends once: its tabs leaving together report it once.
    _session_hash_unique = models.UniqueIndex("(session_hash)")

    @api.model
    def _record(self, values):
        """Record one session end: `values` of the fields above, with the session's
        `identifier` (or None) and its `login` (epoch seconds, or None); a session's
        other tabs reporting it again change nothing."""
        now = fields.Datetime.now()
        login = values.pop("login", None)
        identifier = values.pop("identifier", None)
        # The device as Odoo knows it: unknown is empty (Odoo's records say False).
        device = {
            name: values.pop(name, None) or None
            for name in ("ip_address", "browser", "platform")
        }
        # Its network: a trusted one's label, "" outside them, None with none set.
        network = values.pop("network", None)
        login_date = login and datetime.fromtimestamp(login, timezone.utc).replace(
            tzinfo=None, microsecond=0
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO idle_user_logout_log (user_id, reason, login_date,
                    duration, timeout_minutes, server_idle_minutes, ip_address, network,
                    outside, browser, platform, session_hash, create_uid, create_date,
                    write_uid, write_date)
                VALUES (%(user_id)s, %(reason)s, %(login_date)s, %(duration)s,
                    %(timeout_minutes)s, %(server_idle_minutes)s, %(ip_address)s,
                    %(network)s, %(outside)s, %(browser)s, %(platform)s,
                    %(session_hash)s, %(user_id)s, %(now)s, %(user_id)s, %(now)s)
                ON CONFLICT (session_hash) DO NOTHING
                """,
                now=now,
                login_date=login_date,
                duration=login_date and (now - login_date).total_seconds() / 3600,
                session_hash=identifier and session_hash(identifier),
                network=network or None,
                outside=network == "",
                **device,
                **{"timeout_minutes": None, "server_idle_minutes": None, **values},
            ),
            # Two tabs of a session may write it at once: the caller writes it again.
            log_exceptions=False,
        )

    @api.autovacuum
    def _gc_old_logs(self):
        days = self.env["res.config.settings"]._idle_logout_settings().retention_days
        limit = fields.Datetime.now() - timedelta(days=days)
        self.env.cr.execute(
            SQL("DELETE FROM idle_user_logout_log WHERE create_date < %s", limit)
        )
