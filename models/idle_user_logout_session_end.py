"""Where a session of an internal user ends, whatever ends it (a tab leaving, the logout
URL, the server's refusal, a device revoked, its last tab closed): on record when the
record is on, no longer an active device, its user's next single sign-on to prove them
again, and every page of it told; then the way its browser leaves. A session that ended
is never saved back, and a refused single sign-on is on record too."""

import contextlib
import time
from datetime import timezone

import psycopg2.errors
import werkzeug.exceptions

from odoo import SUPERUSER_ID, api, fields, models
from odoo.http import STORED_SESSION_BYTES, request, root
from odoo.tools import SQL, mute_logger

from .idle_user_logout_log import NOT_BY_THE_ADDON
from .idle_user_logout_network import OUTSIDE
from .login_page import login_url, way_back
from .session_stamps import LOGIN_KEY, SEEN_KEY
from .single_sign_on import log_out_for_the_addon

# What the pages of a session hear when it ended.
SESSION_ENDED = "idle_user_logout/session_ended"
# How often the end of a session is written, when its tabs end it at the same moment.
ENDING_ATTEMPTS = 3


def request_device():
    """The device of the current request, as Odoo's devices list reads it: its address
    (the proxy's client with --proxy-mode), browser and platform."""
    user_agent = request.httprequest.user_agent
    return {
        "ip_address": request.httprequest.remote_addr,
        "browser": user_agent.browser,
        "platform": user_agent.platform,
    }


class IdleUserLogoutSessionEnd(models.AbstractModel):
    _name = "idle_user_logout.session_end"
    _description = "Session End by Idle Logout"

    @api.model
    def _ending(self, user_id, sid, reason, values=None):
        """A session of this user ends in the current request, for a reason of the
        session record: recorded when the record is on; ended by the addon (not a reason
        of `NOT_BY_THE_ADDON`), its user's next single sign-on must prove them again,
        and it is no longer an active device. `values`: the session's, when Odoo has
        already logged it out."""
        settings = self.env["res.config.settings"]._idle_logout_settings()
        if not settings.enabled or (reason in NOT_BY_THE_ADDON and not settings.audit):
            return
        identifier = sid[:STORED_SESSION_BYTES]
        values = values or request.session
        login = values.get(LOGIN_KEY)
        seen = settings.server_enforcement and values.get(SEEN_KEY)
        # As the server counts it (`policy.verdict`): from the switch at the earliest.
        seen = seen and max(seen, settings.enforced_since)
        network = self.env["idle_user_logout.network"]._of_request()
        device = {**request_device(), "network": network}
        # What the server saw beside the browser's word: the idle time by its own stamp.
        device["server_idle_minutes"] = (
            max(time.time() - seen, 0) / 60 if seen else None
        )
        # A cursor of its own: the logout route is read-only, a refusal rolls back. The
        # session's tabs end it at once: a refused concurrent write is made again (and
        # logged only when the last attempt fails).
        for attempt in range(ENDING_ATTEMPTS):
            last = attempt == ENDING_ATTEMPTS - 1
            quiet = contextlib.nullcontext() if last else mute_logger("odoo.sql_db")
            with quiet, self.env.registry.cursor() as cr:
                try:
                    self.env(cr=cr, user=SUPERUSER_ID)[self._name]._end(
                        user_id, identifier, reason, login, device, settings
                    )
                    return
                except psycopg2.errors.SerializationFailure:
                    cr.rollback()
                    if last:
                        raise

    @api.model
    def _end(self, user_id, identifier, reason, login, device, settings):
        user = self.env["res.users"].browse(user_id)
        if not user._is_internal():
            return
        if settings.audit:
            outside = device["network"] == OUTSIDE
            self.env["idle_user_logout.log"]._record(
                {
                    **device,
                    "user_id": user_id,
                    "reason": reason,
                    "timeout_minutes": user._idle_logout_timeout_minutes(
                        settings, outside
                    ),
                    "identifier": identifier,
                    "login": login,
                }
            )
        if reason in NOT_BY_THE_ADDON:
            return
        self._stamp_ended(user_id)
        self.env.cr.execute(
            SQL(
                "UPDATE res_device_log SET revoked = TRUE "
                "WHERE session_identifier = %s AND revoked IS NOT TRUE",
                identifier,
            ),
            log_exceptions=False,
        )

    @api.model
    def _stamp_ended(self, user_id):
        """The addon ended a session of this user now: their next single sign-on must
        come from an authentication after it (a plain write: no res.users write)."""
        self.env.cr.execute(
            SQL(
                "UPDATE res_users SET idle_logout_ended_at = %s WHERE id = %s",
                fields.Datetime.now(),
                user_id,
            ),
            log_exceptions=False,
        )
        self.env["res.users"].invalidate_model(["idle_logout_ended_at"])

    @api.model
    def _ended_away(self, device, reason):
        """A session ends away from its browser (`device_revoked` by an administrator,
        `last_tab_closed`), known by its device as Odoo logs it: on record; ended by the
        addon, its user's next single sign-on must prove them again."""
        settings = self.env["res.config.settings"]._idle_logout_settings()
        user = device.user_id.sudo()
        if not (settings.enabled and user._is_internal()):
            return
        if settings.audit:
            login = device.first_activity
            network = self.env["idle_user_logout.network"]._of_address(
                device.ip_address
            )
            self.env["idle_user_logout.log"].sudo()._record(
                {
                    "user_id": user.id,
                    "reason": reason,
                    "timeout_minutes": user._idle_logout_timeout_minutes(
                        settings, network == OUTSIDE
                    ),
                    "identifier": device.session_identifier,
                    "login": login and login.replace(tzinfo=timezone.utc).timestamp(),
                    "ip_address": device.ip_address,
                    "network": network,
                    "browser": device.browser,
                    "platform": device.platform,
                }
            )
        if reason == "last_tab_closed":
            self._stamp_ended(user.id)

    @api.model
    def _record_refused_sign_on(self, user):
        """A single sign-on of `user` refused in the current request (see
        `res.users._idle_logout_check_fresh_sign_on`): on record when the record is on,
        in the sign-in's own transaction (its route catches the refusal: the row is
        kept)."""
        settings = self.env["res.config.settings"]._idle_logout_settings()
        if not settings.audit:
            return
        network = self.env["idle_user_logout.network"]._of_request()
        self.env["idle_user_logout.log"].sudo()._record(
            {
                **request_device(),
                "network": network,
                "user_id": user.id,
                "reason": "sso_refused",
                "timeout_minutes": user._idle_logout_timeout_minutes(
                    settings, network == OUTSIDE
                ),
            }
        )

    @api.model
    def _tell_ended(self, sids):
        """Tell every page of these sessions, through the bus, that they ended."""
        if not self.env["res.config.settings"]._idle_logout_settings().enabled:
            return
        for sid in sids:
            self.env["idle_user_logout.session"]._tell(sid, SESSION_ENDED, {})

    @api.model
    def _refuse(self, endpoint, reason):
        """The server refuses the current request's session (idle, lifetime, its last
        tab closed): it ends, and a page goes to the login page, saying why."""
        session = request.session
        user_id = session.uid
        self._ending(user_id, session.sid, reason)
        log_out_for_the_addon(session, lambda: session.logout(keep_db=True))
        request.env = api.Environment(request.env.cr, None, session.context)
        if endpoint.routing["type"] != "http":
            # JSON-RPC answers "session expired" and saves no session: the end is saved
            # now, or the next request would find the session alive.
            root.session_store.save(session)
        # Pages show the login page.
        elif endpoint.routing["auth"] != "public":
            login = login_url(request.env, reason, way_back(), user_id)
            werkzeug.exceptions.abort(request.env[self._name]._exit(login))

    @api.model
    def _exit(self, url):
        """The redirect of a browser the addon logged out: to the login page (`url`, on
        this server); an SSO bridge may send it through its identity provider's logout
        first (see `single_sign_on.SSO_KEY`), the only way off the server."""
        return request.redirect(url, 303)

    @api.model
    def _stale_save(self, session):
        """Whether saving this session would write nothing new or bring back one that
        ended: logged out while this request ran, or ended by the addon before."""
        if not self.env["res.config.settings"]._idle_logout_settings().enabled:
            return False
        # A new session, or one this request logs in or out, is Odoo's to save.
        if session.should_rotate or request.cookies.get("session_id") != session.sid:
            return False
        stored = root.session_store.get(session.sid)
        if stored:
            # Logged out meanwhile (a refused JSON-RPC request saves it at once).
            return dict(stored) == dict(session) or bool(
                session.uid and not stored.get("uid")
            )
        if session.uid:
            return True
        identifier = session.sid[:STORED_SESSION_BYTES]
        ended = [("session_identifier", "=", identifier), ("revoked", "=", True)]
        return bool(self.env["res.device.log"].sudo().search_count(ended, limit=1))
