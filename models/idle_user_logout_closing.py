import contextlib
import hashlib
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.http import STORED_SESSION_BYTES, get_session_max_inactivity, root
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, mute_logger

from .ir_http import CLOSED_KEY, LAST_TAB_GRACE_SECONDS, SSO_KEY


def sid_hash(sid):
    """What is kept of a session's id to know its browser again by its cookie: a
    digest, from which the id cannot be found again."""
    return hashlib.sha256(f"idle_user_logout.closing:{sid}".encode()).hexdigest()


class IdleUserLogoutClosing(models.Model):
    """A session whose last known tab closed: it ends unless a tab says, within the
    grace, that it is still open (an option, for shared computers)."""

    _name = "idle_user_logout.closing"
    _description = "Session Whose Last Tab Closed"

    user_id = fields.Many2one("res.users", required=True, ondelete="cascade")
    session_identifier = fields.Char(required=True, index=True)
    closed_at = fields.Datetime(required=True, index=True)
    # A session with an identity provider (see `SSO_KEY`) waits, once ended, for its
    # browser to come back: it goes through the provider's logout then.
    sso = fields.Json("Identity Provider Logout", groups=fields.NO_ACCESS)
    session_hash = fields.Char(index=True)
    ended = fields.Boolean()

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
        sso = session.get(SSO_KEY)
        self.sudo().create(
            {
                "user_id": self.env.uid,
                "session_identifier": session.sid[:STORED_SESSION_BYTES],
                "closed_at": now,
                **({"sso": sso, "session_hash": sid_hash(session.sid)} if sso else {}),
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
        first = self.sudo().search([("ended", "=", False)], order="closed_at", limit=1)
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
        closed = self.sudo().search([("closed_at", "<", limit), ("ended", "=", False)])
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
        waiting = closed.filtered("sso")
        waiting.ended = True
        (closed - waiting).unlink()
        ir_http._idle_logout_session_ended(identifiers)

    @api.model
    def _take_provider_logout(self, sid):
        """What an SSO bridge kept of the session of this id, ended with its last tab,
        for its identity provider's logout; taken once, by its browser."""
        closing = self.sudo().search(
            [("session_hash", "=", sid_hash(sid)), ("ended", "=", True)], limit=1
        )
        if not closing:
            return None
        sso = closing.sso
        # A cursor of its own: a page load's may be read-only.
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL("DELETE FROM idle_user_logout_closing WHERE id = %s", closing.id)
            )
        return sso

    @api.autovacuum
    def _gc_ended(self):
        """A browser that did not come back within Odoo's session lifetime never will
        with that cookie."""
        lifetime = timedelta(seconds=get_session_max_inactivity(self.env))
        limit = fields.Datetime.now() - lifetime
        self.sudo().search([("ended", "=", True), ("closed_at", "<", limit)]).unlink()
