import contextlib
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.http import STORED_SESSION_BYTES, root
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, mute_logger

from .ir_http import CLOSED_KEY, LAST_TAB_GRACE_SECONDS


class IdleUserLogoutClosing(models.Model):
    """A session whose last known tab closed: it ends unless a tab says, within the
    grace, that it is still open (an option, for shared computers)."""

    _name = "idle_user_logout.closing"
    _description = "Session Whose Last Tab Closed"

    user_id = fields.Many2one("res.users", required=True, ondelete="cascade")
    session_identifier = fields.Char(required=True, index=True)
    closed_at = fields.Datetime(required=True, index=True)

    @api.model
    def _closing(self, session):
        """A tab of this session closes: it ends with it, unless a request of it comes
        within the grace (see `ir.http._idle_logout_after_closing`)."""
        settings = self.env["res.config.settings"]._idle_logout_settings()
        if not (settings.enabled and settings.end_on_last_tab_closed):
            return
        if not self.env.user._is_internal():
            return
        session[CLOSED_KEY] = time.time()
        now = fields.Datetime.now()
        self.sudo().create(
            {
                "user_id": self.env.uid,
                "session_identifier": session.sid[:STORED_SESSION_BYTES],
                "closed_at": now,
            }
        )
        # Now: a cron runner wakes at once for a job due now, not for a later one.
        self.env.ref("idle_user_logout.ir_cron_end_closed_sessions")._trigger()

    @api.model
    def _reopened(self, sid):
        """A request of this session came: a tab is open, it does not end."""
        # A cursor of its own: the request may be read-only, and is retried if so.
        # Another request of the session deleting the same row at once did the same.
        with (
            contextlib.suppress(*PG_CONCURRENCY_EXCEPTIONS_TO_RETRY),
            mute_logger("odoo.sql_db"),
            self.env.registry.cursor() as cr,
        ):
            cr.execute(
                SQL(
                    "DELETE FROM idle_user_logout_closing "
                    "WHERE session_identifier = %s",
                    sid[:STORED_SESSION_BYTES],
                )
            )

    @api.model
    def _end_closed_sessions(self):
        """The cron a closing tab triggers: waits for the end of its grace, then ends
        the sessions due, as they stand then."""
        first = self.sudo().search([], order="closed_at", limit=1)
        if first:
            # Past the grace (the dates are kept to the second).
            due = first.closed_at + timedelta(seconds=LAST_TAB_GRACE_SECONDS + 1)
            wait = (due - fields.Datetime.now()).total_seconds()
            if 0 < wait <= LAST_TAB_GRACE_SECONDS + 1:
                time.sleep(wait)
        # A cursor of its own: a tab that said meanwhile that it is open counts.
        with self.env.registry.cursor() as cr:
            self.env(cr=cr)["idle_user_logout.closing"]._end_due_sessions()

    @api.model
    def _end_due_sessions(self):
        """Ends the sessions whose last tab closed, no tab having said since that it is
        open: removed from the session store, on record, no longer a device."""
        limit = fields.Datetime.now() - timedelta(seconds=LAST_TAB_GRACE_SECONDS)
        closed = self.sudo().search([("closed_at", "<", limit)])
        identifiers = set(closed.mapped("session_identifier"))
        if not identifiers:
            return
        root.session_store.delete_from_identifiers(list(identifiers))
        devices = (
            self.env["res.device.log"]
            .sudo()
            .search(
                [("session_identifier", "in", list(identifiers))],
                order="last_activity desc",
            )
        )
        ir_http = self.env["ir.http"]
        for identifier in identifiers:
            device = devices.filtered(
                lambda log, i=identifier: log.session_identifier == i
            )
            if device:
                ir_http._idle_logout_ended_device(device[0], "last_tab_closed")
        devices.write({"revoked": True})
        closed.unlink()
        ir_http._idle_logout_session_ended(identifiers)
