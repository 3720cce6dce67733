"""The login page after a logout the addon caused: its URL, which says why (the timeout
that applied to the user and from where, the lifetime, the last tab closed) and brings
the user back to the page they were on; the notice it shows, in the visitor's language
(see `controllers/home.py`); and a refused single sign-on's way to it."""

from urllib.parse import urlencode, urlsplit, urlunsplit

from odoo.http import request

from .idle_user_logout_network import OUTSIDE
from .policy import clamp_timeout_minutes
from .single_sign_on import REAUTH_KEY, SSO_REFUSED_KEY, SSO_REPLAYED

# What a tab tells the logout route: why the session ends ("ended": the server ended
# it already), for the record and the login page's notice.
REASON_ARG = "idle_logout_reason"
BROWSER_REASONS = ("browser_idle", "lifetime")
# ...and the timeout it had, for the notice of a tab whose session another tab ended.
MINUTES_ARG = "idle_logout_minutes"
LOGOUT_REASONS = (*BROWSER_REASONS, "ended")
# What the login page is told: the idle timeout, from outside the trusted networks; the
# lifetime in hours; the last tab closed; a refused single sign-on (its session key).
IDLE_ARG = "idle_logout"
OUTSIDE_ARG = "idle_logout_outside"
LIFETIME_ARG = "idle_logout_lifetime"
CLOSED_ARG = "idle_logout_closed"
SSO_REFUSED_ARG = "idle_logout_sso"
# The route every tab leaving takes (see controllers/session.py).
LOGOUT_PATH = "/web/session/logout"


def local_url(url):
    """`url` on this server, as Odoo's local redirects make it: without its scheme and
    host, nor the leading slashes a browser would read as another host (`//`, `/\\`)."""
    _scheme, _netloc, path, query, fragment = urlsplit(url or "")
    return "/" + urlunsplit(("", "", path, query, fragment)).lstrip("/\\")


def way_back():
    """Where the login page brings the current request's browser back to: the page it
    asked for; a logout goes where it was going (back to it, it would end the next
    login)."""
    httprequest = request.httprequest
    if httprequest.path == LOGOUT_PATH:
        return local_url(httprequest.args.get("redirect", "/odoo"))
    return httprequest.full_path.rstrip("?")


def login_url(env, reason, redirect, user_id, page_minutes=None):
    """The login page after a logout: it says why (the timeout that applied to that
    user, from where the request came), and brings the user back to `redirect`."""
    settings = env["res.config.settings"]._idle_logout_settings()
    why = {}
    if reason == "lifetime" and settings.max_session_hours:
        why = {LIFETIME_ARG: settings.max_session_hours}
    elif reason in ("browser_idle", "server_idle"):
        outside = env["idle_user_logout.network"]._of_request() == OUTSIDE
        minutes = timeout_shown(env, user_id, settings, page_minutes, outside)
        why = {IDLE_ARG: minutes, **({OUTSIDE_ARG: 1} if outside else {})}
    elif reason == "last_tab_closed":
        why = {CLOSED_ARG: 1}
    return "/web/login?" + urlencode({**why, "redirect": redirect})


def timeout_shown(env, user_id, settings, page_minutes=None, outside=False):
    """The idle timeout a user was logged out after: theirs; when the session ended
    already (a tab following another out), what the page says it had, only shown; else
    the global one."""
    user = env["res.users"].sudo().browse(user_id)
    if user:
        minutes = user._idle_logout_timeout_minutes(settings, outside)
        return minutes or settings.timeout_minutes
    return clamp_timeout_minutes(page_minutes or settings.timeout_minutes)


def notice(env, params):
    """What the login page says after a logout the addon caused, in the visitor's
    language; nothing for any other `params`."""
    minutes = params.get(IDLE_ARG, "")
    hours = params.get(LIFETIME_ARG, "")
    if minutes.isdigit() and params.get(OUTSIDE_ARG):
        return env._(
            "You were logged out after %(minutes)s min of inactivity, outside the "
            "trusted networks.",
            minutes=int(minutes),
        )
    if minutes.isdigit():
        return env._(
            "You were logged out after %(minutes)s min of inactivity.",
            minutes=int(minutes),
        )
    if hours.isdigit():
        return env._(
            "Your session reached its %(hours)s-hour limit and was ended.",
            hours=int(hours),
        )
    if params.get(CLOSED_ARG):
        return env._("Your session ended when its last tab was closed.")
    if params.get(SSO_REFUSED_ARG) == SSO_REPLAYED:
        return env._(
            "This sign-in was made before this account was logged out for "
            "inactivity (an entry of the browser's history, for instance). Sign in "
            "again through your identity provider."
        )
    if params.get(SSO_REFUSED_ARG):
        return env._(
            "Your identity provider signed you in without asking who you are, "
            "after this account was logged out for inactivity. Sign in again: "
            "the provider will ask for your credentials (if it does not, sign out "
            "there first)."
        )
    return ""


def sign_on_refused(target):
    """After a single sign-on the addon refused: the login page, saying why, its
    provider buttons asking for a fresh authentication, then `target` (a URL the
    sign-in was to lead to). None when the sign-in was not refused here; an SSO
    bridge's sign-in route asks."""
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
