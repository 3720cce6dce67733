"""The stamps the server keeps in a session of an internal user: its login, which its
lifetime counts from, and its last activity seen, which its idle time counts from."""

import time

# Session key holding the time of the user's last activity seen by the server; False
# marks a session that is never enforced (portal users).
SEEN_KEY = "idle_logout_seen"
# Session key holding the time of its login, which its lifetime counts from.
LOGIN_KEY = "idle_logout_login"


def login_stamp(session, settings):
    """The session's login stamp. A session with none (older than the addon) is stamped
    now, once: its lifetime counts from the switch, or from now."""
    return session.setdefault(LOGIN_KEY, settings.lifetime_since or time.time())
