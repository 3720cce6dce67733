from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

REASONS = [
    ("browser_idle", "Idle (browser)"),
    ("server_idle", "Idle (refused by the server)"),
    ("lifetime", "Session lifetime reached"),
]


class IdleUserLogoutLog(models.Model):
    _name = "idle_user_logout.log"
    _description = "Inactivity Logout"
    _order = "create_date desc, id desc"
    _rec_name = "user_id"

    user_id = fields.Many2one(
        "res.users", required=True, readonly=True, ondelete="cascade"
    )
    reason = fields.Selection(REASONS, required=True, readonly=True)
    timeout_minutes = fields.Integer(
        "Idle Timeout (minutes)",
        readonly=True,
        help="The timeout that applied to the user (their groups' rule, or the "
        "global one).",
    )
    session_identifier = fields.Char(readonly=True)
    ip_address = fields.Char("IP Address", readonly=True)
    browser = fields.Char(readonly=True)
    platform = fields.Char(readonly=True)

    # A session ends once: its tabs leaving together report it once.
    _session_identifier_unique = models.UniqueIndex("(session_identifier)")

    @api.model
    def _record(self, values):
        """Log one session ended; a session's other tabs reporting it again change
        nothing."""
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO idle_user_logout_log (user_id, reason, timeout_minutes,
                    session_identifier, ip_address, browser, platform,
                    create_uid, create_date, write_uid, write_date)
                VALUES (%(user_id)s, %(reason)s, %(timeout_minutes)s,
                    %(session_identifier)s, %(ip_address)s, %(browser)s, %(platform)s,
                    %(user_id)s, %(now)s, %(user_id)s, %(now)s)
                ON CONFLICT (session_identifier) DO NOTHING
                """,
                now=now,
                **values,
            )
        )

    @api.autovacuum
    def _gc_old_logs(self):
        days = self.env["res.config.settings"]._idle_logout_settings().retention_days
        self.search(
            [("create_date", "<", fields.Datetime.now() - timedelta(days=days))]
        ).unlink()
