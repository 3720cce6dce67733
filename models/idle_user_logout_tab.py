"""The open tabs of sessions that end with their last tab (an option for shared
computers): the server counts the pages it served and the pages that said they closed,
so no message racing another decides it, and a tab frozen in the background counts. A
session ends the grace after its last tab closed, and its browser coming back goes
through its identity provider's logout."""

import hashlib
import secrets
import time
from datetime import timedelta

import werkzeug.exceptions

from odoo import api, fields, models
from odoo.http import (
    STORED_SESSION_BYTES,
    get_session_max_inactivity,
    request,
    root,
)
from odoo.tools import SQL

from .idle_user_logout_session import LOGIN_KEY
from .login_page import login_url
from .single_sign_on import REAUTH_KEY, SSO_KEY

# Session key holding when the last open page of the session closed, and where a page
# says it closes.
CLOSED_KEY = "idle_logout_closed"
TAB_CLOSED_PATH = "/idle_user_logout/tab_closed"
# How long after its last page closed a session may still be used: a reload or a page
# opened meanwhile keeps it.
LAST_TAB_GRACE_SECONDS = 10


def sid_hash(sid):
    """What is kept of a session's id to know its browser again by its cookie: a
    digest, from which the id cannot be found again."""
    return hashlib.sha256(f"idle_user_logout.tab:{sid}".encode()).hexdigest()


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
    # The last page of a session with an identity provider (see `SSO_KEY`): once the
    # session ended, its browser goes through the provider's logout when it comes back.
    sso = fields.Json("Identity Provider Logout", groups=fields.NO_ACCESS)
    session_hash = fields.Char(index=True)
    ended = fields.Boolean()

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
        if sso := session.get(SSO_KEY):
            self.search(
                [("session_identifier", "=", identifier), ("key", "=", key)]
            ).write({"sso": sso, "session_hash": sid_hash(session.sid)})
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
                "HAVING bool_and(closed_at IS NOT NULL) AND NOT bool_or(ended IS TRUE) "
                "AND max(closed_at) < %s",
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
        session_end = self.env["idle_user_logout.session_end"]
        for identifier in identifiers:
            device = devices.filtered(
                lambda log, i=identifier: log.session_identifier == i
            )
            if device:
                session_end._ended_away(device[0], "last_tab_closed")
        devices.write({"revoked": True})
        self._forget(identifiers, keep_provider_logout=True)
        session_end._tell_ended(identifiers)

    @api.model
    def _request_after_closing(self, endpoint):
        """A request after the last page of the session closed: refused past the
        grace, unless a page of it was served since (a reload, another tab)."""
        if request.httprequest.path == TAB_CLOSED_PATH:
            return
        session = request.session
        settings = self.env["res.config.settings"]._idle_logout_settings()
        if not (settings.enabled and settings.end_on_last_tab_closed):
            session.pop(CLOSED_KEY)
            return
        past_grace = time.time() - session[CLOSED_KEY] > LAST_TAB_GRACE_SECONDS
        # A cursor of its own: the request may be read-only, a refusal rolls it back.
        with self.env.registry.cursor() as cr:
            tabs = self.env(cr=cr, su=True)[self._name]
            identifier = session.sid[:STORED_SESSION_BYTES]
            if tabs._open_tab_exists(identifier):
                session.pop(CLOSED_KEY)
                return
            if past_grace:
                tabs._forget([identifier])
        if past_grace:
            self.env["idle_user_logout.session_end"]._refuse(
                endpoint, "last_tab_closed"
            )

    @api.model
    def _browser_back(self, endpoint):
        """A browser opens a page with the cookie of a session that ended with its last
        tab: it goes through the identity provider's logout its SSO bridge kept (see
        `SSO_KEY`) to the login page, and its next single sign-on proves the person."""
        settings = self.env["res.config.settings"]._idle_logout_settings()
        page = (
            endpoint.routing["type"] == "http"
            and request.httprequest.headers.get("Sec-Fetch-Mode") == "navigate"
        )
        if not (settings.enabled and settings.end_on_last_tab_closed and page):
            return
        sso = self._take_provider_logout(request.cookies["session_id"])
        if not sso:
            return
        request.session[REAUTH_KEY] = True
        request.session[SSO_KEY] = sso
        back = request.httprequest.full_path.rstrip("?")
        login = login_url(self.env, "last_tab_closed", back, None)
        session_end = self.env["idle_user_logout.session_end"]
        werkzeug.exceptions.abort(session_end._exit(login))

    @api.model
    def _forget(self, identifiers, keep_provider_logout=False):
        """Forgets the pages of these sessions, which ended; but the one waiting for
        its browser to go through its identity provider's logout."""
        self.env.cr.execute(
            SQL(
                "DELETE FROM idle_user_logout_tab WHERE session_identifier IN %s%s",
                tuple(identifiers),
                SQL(" AND sso IS NULL") if keep_provider_logout else SQL(),
            )
        )
        if keep_provider_logout:
            self.env.cr.execute(
                SQL(
                    "UPDATE idle_user_logout_tab SET ended = TRUE "
                    "WHERE session_identifier IN %s",
                    tuple(identifiers),
                )
            )

    @api.model
    def _take_provider_logout(self, sid):
        """What an SSO bridge kept of the session of this id, ended with its last page,
        for its identity provider's logout; taken once, by its browser."""
        # A cursor of its own: a page load's may be read-only.
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "DELETE FROM idle_user_logout_tab "
                    "WHERE session_hash = %s AND ended RETURNING sso",
                    sid_hash(sid),
                )
            )
            row = cr.fetchone()
        return row and row[0]

    @api.autovacuum
    def _gc_tabs_of_ended_sessions(self):
        """The pages of sessions gone from the session store (logged out, expired),
        those that closed while others stay open, and the provider logouts of browsers
        that did not come back within Odoo's session lifetime (they never will with
        that cookie)."""
        lifetime = timedelta(seconds=get_session_max_inactivity(self.env))
        self.env.cr.execute(
            SQL(
                "DELETE FROM idle_user_logout_tab WHERE ended AND closed_at < %s",
                fields.Datetime.now() - lifetime,
            )
        )
        self.env.cr.execute(
            "DELETE FROM idle_user_logout_tab tab WHERE closed_at IS NOT NULL "
            "AND EXISTS (SELECT 1 FROM idle_user_logout_tab other "
            "WHERE other.session_identifier = tab.session_identifier "
            "AND other.closed_at IS NULL)"
        )
        self.env.cr.execute(
            "SELECT DISTINCT session_identifier FROM idle_user_logout_tab "
            "WHERE ended IS NOT TRUE"
        )
        identifiers = {row[0] for row in self.env.cr.fetchall()}
        if gone := root.session_store.get_missing_session_identifiers(identifiers):
            self._forget(list(gone))
