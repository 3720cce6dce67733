"""The open tabs of sessions that end with their last tab (an option for shared
computers): the server counts the pages it served and the pages that said they closed,
so no message racing another decides it, and a tab frozen in the background counts."""

import secrets
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.http import STORED_SESSION_BYTES, root
from odoo.tools import SQL

from .ir_http import CLOSED_KEY, LAST_TAB_GRACE_SECONDS, LOGIN_KEY


class IdleUserLogoutTab(models.Model):
    _name = "idle_user_logout.tab"
    _description = "Open Tab of a Session That Ends With Its Last Tab"
    _log_access = False

    user_id = fields.Many2one("res.users", required=True, ondelete="cascade")
    session_identifier = fields.Char(required=True, index=True)
    # What the page says when it closes: a secret of its own, so that no other site
    # can close it.
    key = fields.Char(required=True)
    opened_at = fields.Datetime(required=True)
    # Empty while the page is open.
    closed_at = fields.Datetime()

    @api.model
    def _opened(self, session, settings):
        """A page of this session is served: it is open until it says it closed.
        Returns its key; none for a session older than the option, whose pages
        served before it were not counted (one may still be open)."""
        if session.get(LOGIN_KEY, 0) < settings.end_on_last_tab_since:
            return None
        key = secrets.token_urlsafe(16)
        # A cursor of its own: the page's request may be read-only.
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "INSERT INTO idle_user_logout_tab "
                    "(user_id, session_identifier, key, opened_at) "
                    "VALUES (%s, %s, %s, %s)",
                    session.uid,
                    session.sid[:STORED_SESSION_BYTES],
                    key,
                    fields.Datetime.now(),
                )
            )
        session.pop(CLOSED_KEY, None)
        return key

    @api.model
    def _closed(self, session, key):
        """A page of this session closed: the session ends with it, the grace later,
        if no other page of it is open then."""
        identifier = session.sid[:STORED_SESSION_BYTES]
        self.env.cr.execute(
            SQL(
                "UPDATE idle_user_logout_tab SET closed_at = %s "
                "WHERE session_identifier = %s AND key = %s AND closed_at IS NULL",
                fields.Datetime.now(),
                identifier,
                key,
            )
        )
        if not self.env.cr.rowcount or self._open_tab_exists(identifier):
            return
        session[CLOSED_KEY] = time.time()
        due = fields.Datetime.now() + timedelta(seconds=LAST_TAB_GRACE_SECONDS + 1)
        self.env.ref("idle_user_logout.ir_cron_end_closed_sessions")._trigger(due)

    @api.model
    def _open_tab_exists(self, identifier):
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM idle_user_logout_tab "
                "WHERE session_identifier = %s AND closed_at IS NULL LIMIT 1",
                identifier,
            )
        )
        return bool(self.env.cr.rowcount)

    @api.model
    def _end_closed_sessions(self):
        """Ends the sessions whose last page closed more than the grace ago, no page
        of theirs served since: removed from the session store, on record, no longer
        a device. The cron a closing page triggers for the end of its grace."""
        limit = fields.Datetime.now() - timedelta(seconds=LAST_TAB_GRACE_SECONDS)
        self.env.cr.execute(
            SQL(
                "SELECT session_identifier FROM idle_user_logout_tab "
                "GROUP BY session_identifier "
                "HAVING bool_and(closed_at IS NOT NULL) AND max(closed_at) < %s",
                limit,
            )
        )
        identifiers = [row[0] for row in self.env.cr.fetchall()]
        if identifiers:
            self._end_sessions(identifiers)

    @api.model
    def _end_sessions(self, identifiers):
        root.session_store.delete_from_identifiers(identifiers)
        devices = (
            self.env["res.device.log"]
            .sudo()
            .search(
                [("session_identifier", "in", identifiers)],
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
        self._forget(identifiers)
        ir_http._idle_logout_session_ended(identifiers)

    @api.model
    def _forget(self, identifiers):
        self.env.cr.execute(
            SQL(
                "DELETE FROM idle_user_logout_tab WHERE session_identifier IN %s",
                tuple(identifiers),
            )
        )

    @api.autovacuum
    def _gc_tabs_of_ended_sessions(self):
        """The pages of sessions gone from the session store (logged out, expired), and
        those that closed while others stay open."""
        self.env.cr.execute(
            "DELETE FROM idle_user_logout_tab tab WHERE closed_at IS NOT NULL "
            "AND EXISTS (SELECT 1 FROM idle_user_logout_tab other "
            "WHERE other.session_identifier = tab.session_identifier "
            "AND other.closed_at IS NULL)"
        )
        self.env.cr.execute(
            "SELECT DISTINCT session_identifier FROM idle_user_logout_tab"
        )
        identifiers = {row[0] for row in self.env.cr.fetchall()}
        if gone := root.session_store.get_missing_session_identifiers(identifiers):
            self._forget(list(gone))
