"""The open tabs of sessions that end with their last tab (an option for shared
computers): the server counts the pages it served and the pages that said they closed,
so no message racing another decides it, and a tab frozen in the background counts. A
session ends the grace after its last tab closed, and its browser coming back goes
through its identity provider's logout."""

import json
import secrets
import time
from datetime import timedelta

import werkzeug.exceptions

from odoo import api, fields, models
from odoo.http import STORED_SESSION_BYTES, get_session_max_inactivity, request, root
from odoo.tools import SQL

from .login_page import login_url, way_back
from .session_stamps import LOGIN_KEY
from .single_sign_on import REAUTH_KEY, SSO_KEY, sid_hash

# Session key holding when the last open page of the session closed, and where a page
# says it closes.
CLOSED_KEY = "idle_logout_closed"
TAB_CLOSED_PATH = "/idle_user_logout/tab_closed"
# How long after its last page closed a session may still be used: a reload or a page
# opened meanwhile keeps it.
LAST_TAB_GRACE_SECONDS = 10


def page_load(settings):
    """Whether the current request loads a page the browser shows (not one Odoo's
    service worker caches), for sessions that end with their last tab."""
    if not (settings.enabled and settings.end_on_last_tab_closed):
        return False
    headers = request.httprequest.headers
    if mode := headers.get("Sec-Fetch-Mode"):
        return mode == "navigate"
    # Over plain HTTP, no Fetch Metadata (nor service worker): a page asks for HTML.
    return "text/html" in headers.get("Accept", "")


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
    def _page_key(self, settings):
        """The key of the page the current request serves, counted open once until it
        says it closed; None when not counted."""
        if not hasattr(request, "idle_logout_tab_key"):
            counted = request.session.sid and page_load(settings)
            request.idle_logout_tab_key = counted and self.sudo()._opened(
                request.session, settings
            )
        return request.idle_logout_tab_key

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
        if no other page of it is open then. Decided then, with what has been said
        since (the pages of a browser closing say it at once, none sees the others)."""
        identifier = session.sid[:STORED_SESSION_BYTES]
        sso = session.get(SSO_KEY)
        self.env.cr.execute(
            SQL(
                "UPDATE idle_user_logout_tab SET closed_at = %s, sso = %s, "
                "session_hash = %s "
                "WHERE session_identifier = %s AND key = %s AND closed_at IS NULL",
                fields.Datetime.now(),
                sso and json.dumps(sso),
                sso and sid_hash(session.sid),
                identifier,
                key,
            )
        )
        if not self.env.cr.rowcount:
            return
        session[CLOSED_KEY] = time.time()
        due = fields.Datetime.now() + timedelta(seconds=LAST_TAB_GRACE_SECONDS + 1)
        self.env.ref("idle_user_logout.ir_cron_end_closed_sessions")._trigger(due)

    @api.model
    def _last_closed(self, identifier, since):
        """When its last page counted since the option is on closed; None: one open."""
        self.env.cr.execute(
            SQL(
                "SELECT max(closed_at) FROM idle_user_logout_tab "
                "WHERE session_identifier = %s AND ended IS NOT TRUE "
                "AND opened_at >= to_timestamp(%s) AT TIME ZONE 'UTC' "
                "HAVING bool_and(closed_at IS NOT NULL)",
                identifier,
                since,
            )
        )
        return (self.env.cr.fetchone() or [None])[0]

    @api.model
    def _end_closed_sessions(self):
        """Ends the sessions whose last page closed more than the grace ago, no page
        of theirs served since: removed from the session store, on record, no longer
        a device. The cron a closing page triggers for the end of its grace."""
        settings = self.env["res.config.settings"]._idle_logout_settings()
        if not (settings.enabled and settings.end_on_last_tab_closed):
            return
        limit = fields.Datetime.now() - timedelta(seconds=LAST_TAB_GRACE_SECONDS)
        self.env.cr.execute(
            SQL(
                "SELECT session_identifier FROM idle_user_logout_tab "
                "WHERE opened_at >= to_timestamp(%s) AT TIME ZONE 'UTC' "
                "GROUP BY session_identifier "
                "HAVING bool_and(closed_at IS NOT NULL) AND NOT bool_or(ended IS TRUE) "
                "AND max(closed_at) < %s",
                settings.end_on_last_tab_since,
                limit,
            )
        )
        identifiers = [row[0] for row in self.env.cr.fetchall()]
        if identifiers:
            self._end_sessions(identifiers)

    @api.model
    def _end_sessions(self, identifiers):
        root.session_store.delete_from_identifiers(identifiers)
        device_logs = self.env["res.device.log"].sudo()
        devices = device_logs.search(
            [("session_identifier", "in", identifiers)], order="last_activity desc"
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
    def _request_after_closing(self, endpoint, settings):
        """A page load, or a request after a page of the session closed (the only ones
        handed here): refused when the last page of the session closed more than the
        grace ago, no page of it served since (a reload, another tab). Decided on what
        the server knows, not on the session's word, which a concurrent request may
        have overwritten."""
        session = request.session
        if request.httprequest.path == TAB_CLOSED_PATH:
            return
        if not (settings.enabled and settings.end_on_last_tab_closed):
            session.pop(CLOSED_KEY, None)
            return
        identifier = session.sid[:STORED_SESSION_BYTES]
        # A cursor of its own: the request may be read-only, a refusal rolls it back.
        with self.env.registry.cursor() as cr:
            tabs = self.env(cr=cr, su=True)[self._name]
            last_closed = tabs._last_closed(identifier, settings.end_on_last_tab_since)
            grace = timedelta(seconds=LAST_TAB_GRACE_SECONDS)
            past_grace = last_closed and fields.Datetime.now() - last_closed > grace
            if past_grace:
                tabs._forget([identifier])
        if not last_closed:
            session.pop(CLOSED_KEY, None)
        elif past_grace:
            self.env["idle_user_logout.session_end"]._refuse(
                endpoint, "last_tab_closed"
            )

    @api.model
    def _browser_back(self, endpoint):
        """A browser opens a page with the cookie of a session that ended with its last
        tab: it goes through the identity provider's logout its SSO bridge kept (see
        `SSO_KEY`) to the login page, and its next single sign-on proves the person."""
        settings = self.env["res.config.settings"]._idle_logout_settings()
        if not (endpoint.routing["type"] == "http" and page_load(settings)):
            return
        sso = self._take_provider_logout(request.cookies["session_id"])
        if not sso:
            return
        request.session[REAUTH_KEY] = True
        request.session[SSO_KEY] = sso
        login = login_url(self.env, "last_tab_closed", way_back(), None)
        session_end = self.env["idle_user_logout.session_end"]
        werkzeug.exceptions.abort(session_end._exit(login))

    @api.model
    def _forget(self, identifiers, keep_provider_logout=False):
        """Forgets the pages of these sessions, which ended; but what an SSO bridge
        kept for its identity provider's logout, for the browser to come back."""
        self.env.cr.execute(
            SQL(
                "DELETE FROM idle_user_logout_tab WHERE session_identifier IN %s "
                "RETURNING session_identifier, sso, session_hash, closed_at, user_id",
                tuple(identifiers),
            )
        )
        # One per session: its pages kept the same.
        provider_logouts = {
            identifier: (identifier, json.dumps(sso), sid, closed_at, user_id)
            for identifier, sso, sid, closed_at, user_id in self.env.cr.fetchall()
            if sso is not None
        }
        if keep_provider_logout and provider_logouts:
            self.env.cr.execute(
                SQL(
                    "INSERT INTO idle_user_logout_tab (session_identifier, sso, "
                    "session_hash, closed_at, user_id, key, opened_at, ended) "
                    "VALUES %s",
                    SQL(", ").join(
                        SQL("(%s, %s, %s, %s, %s, '', %s, TRUE)", *row, row[3])
                        for row in provider_logouts.values()
                    ),
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
