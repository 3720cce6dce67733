"""A session of an internal user while it lives, as the server follows it: its stamps
written at the login (see `session_stamps`), what its pages are given to log out on time
(session_info) and told through its own bus channel, and the server's verdict on each of
its requests (see `policy.verdict`)."""

import hashlib
import time
from typing import NamedTuple

from odoo import SUPERUSER_ID, api, models
from odoo.http import STORED_SESSION_BYTES, request
from odoo.tools import ormcache

from .idle_user_logout_draft import DRAFTS_KEY
from .idle_user_logout_network import OUTSIDE, OUTSIDE_KEY, PING_PATH, address_in
from .idle_user_logout_tab import CLOSED_KEY, TAB_CLOSED_PATH, page_load
from .login_page import LOGOUT_PATH
from .policy import IdleLogoutSettings, lifetime_start, verdict
from .session_stamps import LOGIN_KEY, SEEN_KEY, login_stamp
from .single_sign_on import REAUTH_KEY

# Requests made by the web client on its own, never by the user, and those that end the
# session (what the server saw before them goes on record): they are not activity.
BACKGROUND_PATHS = (
    LOGOUT_PATH,
    "/web/session/destroy",
    "/websocket",
    "/bus/",
    "/longpolling/",
    "/web/webclient/version_info",
    "/web/image",
    "/web/manifest.webmanifest",
    "/web/service-worker.js",
    # A page showing the server its network, or saying that it closed.
    PING_PATH,
    TAB_CLOSED_PATH,
)


class RequestRule(NamedTuple):
    """What every request of a user's sessions is checked against."""

    settings: IdleLogoutSettings
    # The trusted networks: (label, CIDR) pairs.
    networks: tuple
    # Whether the user is internal; False (and no timeouts) while enforcement is off.
    internal: bool
    # The user's idle timeout in minutes (None: exempt), and outside the networks.
    minutes: int | None
    minutes_outside: int | None


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


class IdleUserLogoutSession(models.AbstractModel):
    _name = "idle_user_logout.session"
    _description = "Session Followed by Idle Logout"

    @api.model
    def _concerned(self):
        """Whether the addon watches this user's pages (no work done for others)."""
        settings = self.env["res.config.settings"]._idle_logout_settings()
        return settings.enabled and self.env.user._is_internal()

    @api.model
    def _page_values(self):
        """What an internal user's page needs to log out on time; nothing for others."""
        if not self._concerned():
            return {}
        settings = self.env["res.config.settings"]._idle_logout_settings()
        user = self.env.user
        outside = bool(request) and (
            self.env["idle_user_logout.network"]._of_request() == OUTSIDE
        )
        values = user._idle_logout_rule_values(settings, outside)
        if outside:
            values["idle_logout_outside"] = True
        if request and request.session.sid:
            values["idle_logout_session_key"] = session_storage_key(request.session.sid)
            # The forms with changes kept at an earlier idle logout, read at the login.
            if forms := request.session.get(DRAFTS_KEY):
                values["idle_logout_drafts"] = forms
        tabs = self.env["idle_user_logout.tab"]
        if request and (key := tabs._page_key(settings)):
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
    def _logged_in(self, user):
        """`user` logged in to the current request's session: its stamps start now,
        and it brings back the forms with changes kept at an earlier idle logout."""
        settings = self.env["res.config.settings"]._idle_logout_settings()
        if not (settings.enabled and request):
            return
        now = time.time()
        request.session[LOGIN_KEY] = now
        # Logged in again: the person proved who they are.
        request.session.pop(REAUTH_KEY, None)
        # The server counts a session's idle time from its login, not its first request.
        if settings.server_enforcement:
            request.session[SEEN_KEY] = now if user._is_internal() else False
        if user._is_internal() and (
            forms := self.env["idle_user_logout.draft"]
            .with_user(user)
            ._forms_with_drafts()
        ):
            request.session[DRAFTS_KEY] = forms

    @api.model
    def _follow(self, endpoint):
        """Follows a request of the session: its pages, its network, the server's
        verdict."""
        session = request.session
        rule = self._request_rule(session.uid)
        # A page load where sessions end with their last tab, or after a page closed.
        if session.get(CLOSED_KEY) or page_load(rule.settings):
            self.env["idle_user_logout.tab"]._request_after_closing(
                endpoint, rule.settings
            )
            # A session its last tab ended just now is followed no further.
            if not session.uid:
                return
        outside = False
        if rule.networks:
            address = request.httprequest.remote_addr
            outside = address_in(address, rule.networks) == OUTSIDE
            # A page never told (no trusted networks then) takes itself as inside.
            if session.get(OUTSIDE_KEY, False) != outside:
                trusted = self.env["idle_user_logout.network"]
                trusted._session_moved(outside, rule.settings)
        if session.get(SEEN_KEY) is not False or rule.internal:
            self._enforce(endpoint, rule, outside)

    @api.model
    @ormcache("uid")
    def _request_rule(self, uid):
        """What every request of the user's sessions is checked against, in one lookup
        per request (see `RequestRule`). Cached per user in Odoo's default cache, as
        Odoo caches a user's groups: cleared with the settings, the networks, a group's
        rule and the user's groups; computed whatever the request's context."""
        settings = self.env["res.config.settings"]._idle_logout_settings()
        networks = self.env["idle_user_logout.network"]._trusted()
        if not (settings.enabled and settings.server_enforcement):
            return RequestRule(settings, networks, False, None, None)
        user = self.env(user=uid, context={}, su=True)["res.users"].browse(uid)
        minutes = user._idle_logout_timeout_minutes(settings)
        minutes_outside = (
            user._idle_logout_timeout_minutes(settings, True) if networks else minutes
        )
        return RequestRule(
            settings, networks, user._is_internal(), minutes, minutes_outside
        )

    @api.model
    def _enforce(self, endpoint, rule, outside=False):
        """Acts on the server's verdict on the current request (by the user's `rule`,
        `outside` the trusted networks or not): refuses its session, or stamps its
        activity."""
        settings = rule.settings
        if not (settings.enabled and settings.server_enforcement):
            return
        session = request.session
        now = time.time()
        seen = session.get(SEEN_KEY)
        # Once per session: whether it concerns an internal user at all.
        if seen is None and not rule.internal:
            session[SEEN_KEY] = False
            return
        # A user made internal since the session's login: its idle time counts from now.
        if seen is False:
            seen = session[SEEN_KEY] = now
        refusal, stamp = verdict(
            now,
            seen,
            settings.max_session_hours and login_stamp(session, settings),
            settings,
            rule.minutes_outside if outside else rule.minutes,
            background=request.httprequest.path.startswith(BACKGROUND_PATHS),
        )
        if refusal:
            self.env["idle_user_logout.session_end"]._refuse(endpoint, refusal)
        elif stamp:
            session[SEEN_KEY] = stamp

    @api.model
    def _tell(self, sid, kind, message):
        """Tells every page of this session, through the bus (its own channel)."""
        # A cursor of its own: a refused request rolls its own back, a page's may be
        # read-only.
        with self.env.registry.cursor() as cr:
            bus = self.env(cr=cr, user=SUPERUSER_ID)["bus.bus"]
            bus._sendone(session_channel(sid), kind, message)
