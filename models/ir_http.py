import hashlib
import time

import werkzeug.exceptions

from odoo import api, models
from odoo.http import STORED_SESSION_BYTES, request

# Requests made by the web client on its own, never by the user: they are not activity.
BACKGROUND_PATHS = (
    "/websocket",
    "/bus/",
    "/longpolling/",
    "/web/webclient/version_info",
    "/web/image",
    "/web/manifest.webmanifest",
    "/web/service-worker.js",
)
# Session key holding the time of the user's last activity seen by the server; False
# marks a session that is never enforced (portal users).
SEEN_KEY = "idle_logout_seen"
# What the pages of a session hear when the server ended it.
SESSION_ENDED = "idle_user_logout/session_ended"


def session_channel(sid):
    """The bus channel of one session, the same across its rotations, unguessable."""
    digest = hashlib.sha256(sid[:STORED_SESSION_BYTES].encode()).hexdigest()
    return f"idle_user_logout.session.{digest}"


def stamp_interval_seconds(timeout_minutes):
    """How often a session's activity stamp is written: a quarter of the timeout, one
    minute at most."""
    return min(60, timeout_minutes * 15)


def grace_seconds(timeout_minutes):
    """How long past the timeout the server still accepts a session: the browser reports
    activity once per third of the timeout, and the stamp may lag one interval more."""
    return timeout_minutes * 20 + stamp_interval_seconds(timeout_minutes)


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @api.model
    def _idle_logout_notice(self, minutes):
        """What the login page says after an idle logout, in the visitor's language."""
        return self.env._(
            "You were logged out after %(minutes)s min of inactivity.", minutes=minutes
        )

    @api.model
    def _idle_logout_session_values(self):
        """What an internal user's page needs to log out on time; nothing for others."""
        if not self.env.user._is_internal():
            return {}
        settings = self.env["res.config.settings"]._idle_logout_settings()
        if not settings.enabled:
            return {}
        return {
            "idle_logout_timeout_minutes": settings.timeout_minutes,
            "idle_logout_keepalive": settings.server_enforcement,
        }

    def session_info(self):
        result = super().session_info()
        result.update(self._idle_logout_session_values())
        return result

    def get_frontend_session_info(self):
        result = super().get_frontend_session_info()
        result.update(self._idle_logout_session_values())
        return result

    @api.model
    def _idle_logout_session_ended(self, sids):
        """Tell every page of these sessions, through the bus, that they ended."""
        if not self.env["res.config.settings"]._idle_logout_settings().enabled:
            return
        # A cursor of its own: a request refused for inactivity rolls its own back.
        with self.env.registry.cursor() as cr:
            bus = self.env(cr=cr, su=True)["bus.bus"]
            for sid in sids:
                bus._sendone(session_channel(sid), SESSION_ENDED, {})

    @classmethod
    def _post_logout(cls):
        res = super()._post_logout()
        request.env["ir.http"]._idle_logout_session_ended([request.session.sid])
        return res

    @classmethod
    def _authenticate(cls, endpoint):
        if request.session.uid and request.session.get(SEEN_KEY) is not False:
            cls._idle_logout_enforce(endpoint)
        return super()._authenticate(endpoint)

    @classmethod
    def _idle_logout_enforce(cls, endpoint):
        """End the session when it has been idle for too long, else stamp activity."""
        settings = request.env["res.config.settings"]._idle_logout_settings()
        if not (settings.enabled and settings.server_enforcement):
            return
        session = request.session
        now = time.time()
        seen = session.get(SEEN_KEY)
        if seen is None:
            # Once per session: whether it concerns an internal user at all.
            user = request.env["res.users"].sudo().browse(session.uid)
            if not user._is_internal():
                session[SEEN_KEY] = False
                return
            # Not stamped at its login: it predates the switch (or the addon), counted
            # from it.
            seen = session[SEEN_KEY] = settings.enforced_since or now
        seen = max(seen, settings.enforced_since)
        minutes = settings.timeout_minutes
        if now - seen > minutes * 60 + grace_seconds(minutes):
            session.logout(keep_db=True)
            request.env = api.Environment(request.env.cr, None, session.context)
            # JSON-RPC then answers "session expired"; pages show the login page.
            if (
                endpoint.routing["type"] == "http"
                and endpoint.routing["auth"] != "public"
            ):
                login = request.redirect_query(
                    "/web/login",
                    {
                        "idle_logout": minutes,
                        "redirect": request.httprequest.full_path.rstrip("?"),
                    },
                )
                werkzeug.exceptions.abort(login)
        elif now - seen >= stamp_interval_seconds(minutes) and not (
            request.httprequest.path.startswith(BACKGROUND_PATHS)
        ):
            session[SEEN_KEY] = now
