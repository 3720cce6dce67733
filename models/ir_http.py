import contextlib
import hashlib
import time
from datetime import timedelta, timezone
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg2.errors
import werkzeug.exceptions

from odoo import SUPERUSER_ID, api, fields, models
from odoo.http import STORED_SESSION_BYTES, request, root
from odoo.tools import SQL, mute_logger

from .idle_user_logout_draft import DRAFTS_KEY
from .idle_user_logout_network import OUTSIDE
from .res_config_settings import clamp_timeout_minutes

# Requests made by the web client on its own, never by the user: they are not activity.
BACKGROUND_PATHS = (
    "/websocket",
    "/bus/",
    "/longpolling/",
    "/web/webclient/version_info",
    "/web/image",
    "/web/manifest.webmanifest",
    "/web/service-worker.js",
    # A page showing the server its network, or saying that it closed.
    "/idle_user_logout/ping",
    "/idle_user_logout/tab_closed",
)
# Session key holding the time of the user's last activity seen by the server; False
# marks a session that is never enforced (portal users).
SEEN_KEY = "idle_logout_seen"
# Session key holding the time of its login, which its lifetime counts from.
LOGIN_KEY = "idle_logout_login"
# What a tab tells the logout route: why the session ends ("ended": the server ended
# it already), for the audit and the login page's notice.
REASON_ARG = "idle_logout_reason"
BROWSER_REASONS = ("browser_idle", "lifetime")
# ...and the timeout it had, for the notice of a tab whose session another tab ended.
MINUTES_ARG = "idle_logout_minutes"
LOGOUT_REASONS = (*BROWSER_REASONS, "ended")
# How long past its lifetime the server still accepts a session: its tabs save first.
LIFETIME_GRACE_SECONDS = 60
# What the pages of a session hear when the server ended it.
SESSION_ENDED = "idle_user_logout/session_ended"
# What they hear when their session's network changed (in or out of the trusted ones).
NETWORK_CHANGED = "idle_user_logout/network"
# Session key: whether the session's last request came from outside trusted networks.
OUTSIDE_KEY = "idle_logout_outside"
# What the login page is told of a logout outside the trusted networks.
OUTSIDE_ARG = "idle_logout_outside"
# How often the end of a session is written, when its tabs end it at the same moment.
ENDING_ATTEMPTS = 3
# Session key holding when the last open page of the session closed, and where a page
# says it closes (see `idle_user_logout.tab`).
CLOSED_KEY = "idle_logout_closed"
TAB_CLOSED_PATH = "/idle_user_logout/tab_closed"
PING_PATH = "/idle_user_logout/ping"
# How long after its last page closed a session may still be used: a reload or a page
# opened meanwhile keeps it.
LAST_TAB_GRACE_SECONDS = 10
# Session key of a browser the addon logged out: its next single sign-on must prove the
# person again (the SSO bridges read it), until a login.
REAUTH_KEY = "idle_logout_reauth"
# Session key telling an SSO bridge's sign-in route that the addon refused the sign-in
# (see `res.users._idle_logout_check_fresh_sign_on`), and what the login page is told:
# why, the provider did not ask who it was (1) or the sign-in was an older one replayed.
SSO_REFUSED_KEY = "idle_logout_sso_refused"
SSO_REFUSED_ARG = "idle_logout_sso"
SSO_REPLAYED = "replayed"
# Session key where an SSO bridge keeps what the session's identity provider needs at
# the addon's logout (its own session ended too, when chosen); carried over it.
SSO_KEY = "idle_logout_sso"


def session_channel(sid):
    """The bus channel of one session, the same across its rotations, unguessable."""
    digest = hashlib.sha256(sid[:STORED_SESSION_BYTES].encode()).hexdigest()
    return f"idle_user_logout.session.{digest}"


def session_storage_key(sid):
    """Where the pages of one session keep its last activity in the browser: its own,
    the same across its rotations, and telling nothing of its id or its bus channel."""
    identifier = sid[:STORED_SESSION_BYTES]
    return hashlib.sha256(
        f"idle_user_logout.activity:{identifier}".encode()
    ).hexdigest()[:32]


def local_url(url):
    """`url` on this server, as Odoo's local redirects make it: without its scheme and
    host, nor the leading slashes a browser would read as another host (`//`, `/\\`)."""
    _scheme, _netloc, path, query, fragment = urlsplit(url or "")
    return "/" + urlunsplit(("", "", path, query, fragment)).lstrip("/\\")


def request_network(env):
    """Where the current request comes from (see `idle_user_logout.network`): the label
    of its trusted network, "" (outside them), or None (no trusted networks). `env`: the
    caller's (a request without a database, as an authentication, has none of its
    own)."""
    networks = env["idle_user_logout.network"]
    return networks._of_address(request.httprequest.remote_addr)


def page_load(settings):
    """Whether the current request loads a page the browser shows (not one Odoo's
    service worker caches), for sessions that end with their last tab."""
    return (
        settings.enabled
        and settings.end_on_last_tab_closed
        and request.httprequest.headers.get("Sec-Fetch-Mode") == "navigate"
    )


def request_device():
    """The device of the current request, as Odoo's devices list reads it: its address
    (the proxy's client with --proxy-mode), browser and platform."""
    user_agent = request.httprequest.user_agent
    return {
        "ip_address": request.httprequest.remote_addr,
        "browser": user_agent.browser,
        "platform": user_agent.platform,
    }


def log_out_for_the_addon(session, log_out):
    """Logs out a session the addon ends, through `log_out`: its browser's next single
    sign-on must prove the person again, and its identity provider's session may end
    too (see `SSO_KEY`)."""
    sso = session.get(SSO_KEY)
    response = log_out()
    session[REAUTH_KEY] = True
    if sso:
        session[SSO_KEY] = sso
    return response


def login_stamp(session, settings):
    """The session's login stamp. A session with none (older than the addon) is stamped
    now, once: its lifetime counts from the switch, or from now."""
    return session.setdefault(LOGIN_KEY, settings.lifetime_since or time.time())


def lifetime_start(login, settings):
    """When the session's lifetime started: its login, or the switch if later."""
    return max(login, settings.lifetime_since)


def stamp_interval_seconds(timeout_minutes):
    """How often a session's activity stamp is written: a quarter of the timeout, one
    minute at most."""
    return min(60, timeout_minutes * 15)


def keepalive_seconds(timeout_minutes):
    """How often a page in use reports activity to the server: a third of the timeout,
    one minute at most."""
    return min(60, timeout_minutes * 20)


def grace_seconds(timeout_minutes):
    """How long past the timeout the server still accepts a session: the browser reports
    activity once per keepalive period, and the stamp may lag one interval more."""
    return keepalive_seconds(timeout_minutes) + stamp_interval_seconds(timeout_minutes)


def verdict(now, seen, login, settings, minutes, background=False):
    """What the server does with a request of a session, from its stamps alone.

    :param float now: the time of the request
    :param seen: the session's activity stamp; None when it has none yet (older than
        the switch or the addon: counted from the switch); False for a session never
        enforced (a portal user's)
    :param float login: the session's login stamp (see ``login_stamp``), when the
        settings give sessions a lifetime
    :param settings: the effective settings, with the server enforcement on
    :param minutes: the user's idle timeout; None for a user exempt from it, whose
        activity is still stamped (a rule may come later) but never refused
    :param bool background: a request the web client makes on its own, which is no
        activity
    :return: why the request is refused (``"server_idle"``, ``"lifetime"``) or None; and
        the activity stamp the session gets now, or None to leave it as it is
    """
    if seen is False:
        return None, None
    stamp = None
    if seen is None:
        seen = stamp = settings.enforced_since or now
    seen = max(seen, settings.enforced_since)
    hours = settings.max_session_hours
    if hours and now - lifetime_start(login, settings) > (
        hours * 3600 + LIFETIME_GRACE_SECONDS
    ):
        return "lifetime", None
    if minutes and now - seen > minutes * 60 + grace_seconds(minutes):
        return "server_idle", None
    interval = stamp_interval_seconds(minutes or settings.timeout_minutes)
    if now - seen >= interval and not background:
        stamp = now
    return None, stamp


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @api.model
    def _idle_logout_login_url(self, reason, redirect, user_id, page_minutes=None):
        """The login page after a logout: it says why (the timeout that applied to that
        user, from where the request came), and brings the user back."""
        settings = self.env["res.config.settings"]._idle_logout_settings()
        notice = {}
        if reason == "lifetime" and settings.max_session_hours:
            notice = {"idle_logout_lifetime": settings.max_session_hours}
        elif reason in ("browser_idle", "server_idle"):
            outside = request_network(self.env) == OUTSIDE
            minutes = self._idle_logout_minutes(
                user_id, settings, page_minutes, outside
            )
            notice = {"idle_logout": minutes, **({OUTSIDE_ARG: 1} if outside else {})}
        elif reason == "last_tab_closed":
            notice = {"idle_logout_closed": 1}
        return "/web/login?" + urlencode({**notice, "redirect": redirect})

    @api.model
    def _idle_logout_minutes(self, user_id, settings, page_minutes=None, outside=False):
        """The idle timeout a user was logged out after: theirs; when the session ended
        already (a tab following another out), what the page says it had, only shown;
        else the global one."""
        user = self.env["res.users"].sudo().browse(user_id)
        if user:
            minutes = user._idle_logout_timeout_minutes(settings, outside)
            return minutes or settings.timeout_minutes
        return clamp_timeout_minutes(page_minutes or settings.timeout_minutes)

    @api.model
    def _idle_logout_notice(self, params):
        """What the login page says after an idle logout, in the visitor's language."""
        minutes = params.get("idle_logout", "")
        hours = params.get("idle_logout_lifetime", "")
        if minutes.isdigit() and params.get(OUTSIDE_ARG):
            return self.env._(
                "You were logged out after %(minutes)s min of inactivity, outside the "
                "trusted networks.",
                minutes=int(minutes),
            )
        if minutes.isdigit():
            return self.env._(
                "You were logged out after %(minutes)s min of inactivity.",
                minutes=int(minutes),
            )
        if hours.isdigit():
            return self.env._(
                "Your session reached its %(hours)s-hour limit and was ended.",
                hours=int(hours),
            )
        if params.get("idle_logout_closed"):
            return self.env._("Your session ended when its last tab was closed.")
        if params.get(SSO_REFUSED_ARG) == SSO_REPLAYED:
            return self.env._(
                "This sign-in was made before this account was logged out for "
                "inactivity (an entry of the browser's history, for instance). Sign in "
                "again through your identity provider."
            )
        if params.get(SSO_REFUSED_ARG):
            return self.env._(
                "Your identity provider signed you in without asking who you are, "
                "after this account was logged out for inactivity. Sign in again: "
                "the provider will ask for your credentials (if it does not, sign out "
                "there first)."
            )
        return ""

    @api.model
    def _idle_logout_session_values(self):
        """What an internal user's page needs to log out on time; nothing for others."""
        settings = self.env["res.config.settings"]._idle_logout_settings()
        user = self.env.user
        if not (settings.enabled and user._is_internal()):
            return {}
        outside = bool(request) and request_network(self.env) == OUTSIDE
        values = user._idle_logout_rule_values(settings, outside)
        if outside:
            values["idle_logout_outside"] = True
        if request and request.session.sid:
            values["idle_logout_session_key"] = session_storage_key(request.session.sid)
            # The forms with changes kept at an earlier idle logout, read at the login.
            if forms := request.session.get(DRAFTS_KEY):
                values["idle_logout_drafts"] = forms
        if request and (key := self._idle_logout_tab_key(settings)):
            values["idle_logout_tab"] = key
        if settings.max_session_hours and request:
            # Seconds left, not a date: the browser's clock may be off by hours.
            login = login_stamp(request.session, settings)
            ends_at = (
                lifetime_start(login, settings) + settings.max_session_hours * 3600
            )
            values["idle_logout_lifetime_left"] = int(ends_at - time.time())
        return values

    @api.model
    def _idle_logout_tab_key(self, settings):
        """The key of the page this request serves, counted open once until it says it
        closed (see `idle_user_logout.tab`); None when not counted."""
        if not hasattr(request, "idle_logout_tab_key"):
            tabs = self.env["idle_user_logout.tab"].sudo()
            counted = request.session.sid and page_load(settings)
            request.idle_logout_tab_key = counted and tabs._opened(
                request.session, settings
            )
        return request.idle_logout_tab_key

    @api.model
    def _idle_logout_concerned(self):
        """Whether the addon watches this user's pages (no work done for it)."""
        settings = self.env["res.config.settings"]._idle_logout_settings()
        return settings.enabled and self.env.user._is_internal()

    def session_info(self):
        result = super().session_info()
        result.update(self._idle_logout_session_values())
        return result

    def get_frontend_session_info(self):
        result = super().get_frontend_session_info()
        result.update(self._idle_logout_session_values())
        return result

    @api.model
    def _idle_logout_ending(self, user_id, sid, reason):
        """A session of this user ends, for a reason of the session record (`logout`:
        by hand): recorded when the record is on; ended by the addon, its user's next
        single sign-on must prove them again, and it is no longer an active device."""
        settings = self.env["res.config.settings"]._idle_logout_settings()
        if not settings.enabled or (reason == "logout" and not settings.audit):
            return
        identifier = sid[:STORED_SESSION_BYTES]
        login = request.session.get(LOGIN_KEY)
        device = {**request_device(), "network": request_network(self.env)}
        # A cursor of its own: the logout route is read-only, a refusal rolls back. The
        # session's tabs end it at once: a refused concurrent write is made again (and
        # logged only when the last attempt fails).
        for attempt in range(ENDING_ATTEMPTS):
            last = attempt == ENDING_ATTEMPTS - 1
            quiet = contextlib.nullcontext() if last else mute_logger("odoo.sql_db")
            with quiet, self.env.registry.cursor() as cr:
                try:
                    self.env(cr=cr, user=SUPERUSER_ID)["ir.http"]._idle_logout_end(
                        user_id, identifier, reason, login, device, settings
                    )
                    return
                except psycopg2.errors.SerializationFailure:
                    cr.rollback()
                    if last:
                        raise

    @api.model
    def _idle_logout_end(self, user_id, identifier, reason, login, device, settings):
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
        if reason == "logout":
            return
        self._idle_logout_stamp_ended(user_id)
        self.env.cr.execute(
            SQL(
                "UPDATE res_device_log SET revoked = TRUE "
                "WHERE session_identifier = %s AND revoked IS NOT TRUE",
                identifier,
            ),
            log_exceptions=False,
        )

    @api.model
    def _idle_logout_stamp_ended(self, user_id):
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
    def _idle_logout_ended_device(self, device, reason):
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
            self._idle_logout_stamp_ended(user.id)

    @api.model
    def _idle_logout_session_ended(self, sids):
        """Tell every page of these sessions, through the bus, that they ended."""
        if not self.env["res.config.settings"]._idle_logout_settings().enabled:
            return
        for sid in sids:
            self._idle_logout_notify_session(sid, SESSION_ENDED, {})

    @api.model
    def _idle_logout_notify_session(self, sid, kind, message):
        """Tells every page of this session, through the bus (its own channel)."""
        # A cursor of its own: a refused request rolls its own back, a page's may be
        # read-only.
        with self.env.registry.cursor() as cr:
            bus = self.env(cr=cr, user=SUPERUSER_ID)["bus.bus"]
            bus._sendone(session_channel(sid), kind, message)

    @classmethod
    def _post_logout(cls):
        res = super()._post_logout()
        request.env["ir.http"]._idle_logout_session_ended([request.session.sid])
        return res

    @classmethod
    def _post_dispatch(cls, response):
        # The bus connects while a tab leaves at its load: saving the session then could
        # bring it back, or send a cookie that outruns the next one (a refused login).
        session = request.session
        if (
            session.is_dirty
            and request.env["res.config.settings"]._idle_logout_settings().enabled
            and cls._idle_logout_stale_save(session)
        ):
            session.can_save = False
        return super()._post_dispatch(response)

    @classmethod
    def _idle_logout_stale_save(cls, session):
        """Whether saving this session would write nothing new or bring back one that
        ended: logged out while this request ran, or ended by the addon before."""
        # A new session, or one this request logs in or out, is Odoo's to save.
        if session.should_rotate or request.cookies.get("session_id") != session.sid:
            return False
        stored = root.session_store.get(session.sid)
        if stored:
            return dict(stored) == dict(session)
        if session.uid:
            return True
        identifier = session.sid[:STORED_SESSION_BYTES]
        ended = [("session_identifier", "=", identifier), ("revoked", "=", True)]
        return bool(request.env["res.device.log"].sudo().search_count(ended, limit=1))

    @classmethod
    def _authenticate(cls, endpoint):
        session = request.session
        # A cookie naming a session gone from the store (ended away from its browser).
        if session.is_new and request.cookies.get("session_id") and not session.uid:
            cls._idle_logout_returning(endpoint)
        settings = request.env["res.config.settings"]._idle_logout_settings()
        if session.uid and (session.get(CLOSED_KEY) or page_load(settings)):
            cls._idle_logout_after_closing(endpoint)
        # Matched once per request, only where there are trusted networks.
        outside = bool(
            session.uid
            and request.env["idle_user_logout.network"]._trusted()
            and cls._idle_logout_follow_network()
        )
        if session.uid and session.get(SEEN_KEY) is not False:
            cls._idle_logout_enforce(endpoint, outside)
        return super()._authenticate(endpoint)

    @classmethod
    def _idle_logout_follow_network(cls):
        """A session whose requests move in or out of the trusted networks: its pages
        hear of it, with the rule that holds there now. Returns whether the request
        comes from outside them."""
        session = request.session
        outside = request_network(request.env) == OUTSIDE
        known = session.get(OUTSIDE_KEY)
        session[OUTSIDE_KEY] = outside
        settings = request.env["res.config.settings"]._idle_logout_settings()
        if known is None or known == outside or not settings.enabled:
            return outside
        user = request.env["res.users"].sudo().browse(session.uid)
        if user._is_internal():
            values = user._idle_logout_rule_values(settings, outside)
            message = {**values, "idle_logout_outside": outside}
            request.env["ir.http"]._idle_logout_notify_session(
                session.sid, NETWORK_CHANGED, message
            )
        return outside

    @classmethod
    def _idle_logout_after_closing(cls, endpoint):
        """A page load, or a request after a page of the session closed: refused when
        the last page of the session closed more than the grace ago, no page of it
        served since (a reload, another tab). Decided on what the server knows, not
        on the session's word, which a concurrent request may have overwritten."""
        if request.httprequest.path == TAB_CLOSED_PATH:
            return
        session = request.session
        settings = request.env["res.config.settings"]._idle_logout_settings()
        if not (settings.enabled and settings.end_on_last_tab_closed):
            session.pop(CLOSED_KEY, None)
            return
        identifier = session.sid[:STORED_SESSION_BYTES]
        # A cursor of its own: the request may be read-only, a refusal rolls it back.
        with request.env.registry.cursor() as cr:
            tabs = request.env(cr=cr, su=True)["idle_user_logout.tab"]
            last_closed = tabs._last_closed(identifier)
            grace = timedelta(seconds=LAST_TAB_GRACE_SECONDS)
            past_grace = last_closed and fields.Datetime.now() - last_closed > grace
            if past_grace:
                tabs._forget([identifier])
        if not last_closed:
            session.pop(CLOSED_KEY, None)
        elif past_grace:
            cls._idle_logout_refuse(endpoint, "last_tab_closed")

    @classmethod
    def _idle_logout_returning(cls, endpoint):
        """A browser opens a page with the cookie of a session that ended with its last
        tab: it goes through the identity provider's logout its SSO bridge kept (see
        `SSO_KEY`) to the login page, and its next single sign-on proves the person."""
        settings = request.env["res.config.settings"]._idle_logout_settings()
        if not (endpoint.routing["type"] == "http" and page_load(settings)):
            return
        tabs = request.env["idle_user_logout.tab"]
        sso = tabs._take_provider_logout(request.cookies["session_id"])
        if not sso:
            return
        request.session[REAUTH_KEY] = True
        request.session[SSO_KEY] = sso
        back = request.httprequest.full_path.rstrip("?")
        ir_http = request.env["ir.http"]
        login = ir_http._idle_logout_login_url("last_tab_closed", back, None)
        werkzeug.exceptions.abort(ir_http._idle_logout_exit(login))

    @classmethod
    def _idle_logout_enforce(cls, endpoint, outside=False):
        """Acts on the server's verdict: refuses the session, or stamps its activity
        (by the user's rule `outside` the trusted networks or not)."""
        settings = request.env["res.config.settings"]._idle_logout_settings()
        if not (settings.enabled and settings.server_enforcement):
            return
        session = request.session
        seen = session.get(SEEN_KEY)
        user = request.env["res.users"].sudo().browse(session.uid)
        # Once per session: whether it concerns an internal user at all.
        if seen is None and not user._is_internal():
            session[SEEN_KEY] = False
            return
        refusal, stamp = verdict(
            time.time(),
            seen,
            settings.max_session_hours and login_stamp(session, settings),
            settings,
            user._idle_logout_timeout_minutes(settings, outside),
            background=request.httprequest.path.startswith(BACKGROUND_PATHS),
        )
        if refusal:
            cls._idle_logout_refuse(endpoint, refusal)
        elif stamp:
            session[SEEN_KEY] = stamp

    @classmethod
    def _idle_logout_refuse(cls, endpoint, reason):
        session = request.session
        user_id = session.uid
        request.env["ir.http"]._idle_logout_ending(user_id, session.sid, reason)
        log_out_for_the_addon(session, lambda: session.logout(keep_db=True))
        request.env = api.Environment(request.env.cr, None, session.context)
        # JSON-RPC then answers "session expired"; pages show the login page.
        if endpoint.routing["type"] == "http" and endpoint.routing["auth"] != "public":
            back = request.httprequest.full_path.rstrip("?")
            ir_http = request.env["ir.http"]
            login = ir_http._idle_logout_login_url(reason, back, user_id)
            werkzeug.exceptions.abort(ir_http._idle_logout_exit(login))

    @api.model
    def _idle_logout_sign_on_refused(self, target):
        """After a single sign-on the addon refused: the login page, saying why, its
        provider buttons asking for a fresh authentication, then `target` (a URL the
        sign-in was to lead to). None when the sign-in was not refused here."""
        session = request.session
        refused = session.pop(SSO_REFUSED_KEY, None)
        if not refused:
            return None
        session[REAUTH_KEY] = True
        params = {SSO_REFUSED_ARG: refused}
        _scheme, _netloc, path, query, _fragment = urlsplit(target or "")
        if path:
            params["redirect"] = f"{path}?{query}" if query else path
        return request.redirect(f"/web/login?{urlencode(params)}", 303)

    @api.model
    def _idle_logout_exit(self, login_url):
        """The redirect of a browser the addon logged out: to the login page
        (`login_url`, on this server); an SSO bridge may send it through its identity
        provider's logout first (see `SSO_KEY`), the only way off the server."""
        return request.redirect(login_url, 303)
