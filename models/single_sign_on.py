"""Single sign-on after a logout the addon caused, as the session keeps it: the mark
that the browser's next sign-on must prove the person again, what an SSO bridge keeps
for its identity provider's logout, and a sign-on refused for want of a fresh
authentication. The SSO bridges read these keys."""

import hashlib

# Session key of a browser the addon logged out: its next single sign-on must prove the
# person again (the SSO bridges read it), until a login.
REAUTH_KEY = "idle_logout_reauth"
# Session key where an SSO bridge keeps what the session's identity provider needs at
# the addon's logout (its own session ended too, when chosen); carried over it.
SSO_KEY = "idle_logout_sso"
# Session key telling an SSO bridge's sign-in route that the addon refused the sign-in
# (see `res.users._idle_logout_check_fresh_sign_on`): the provider did not ask who it
# was (1), or the sign-in was an older one replayed.
SSO_REFUSED_KEY = "idle_logout_sso_refused"
SSO_REPLAYED = "replayed"


def sid_hash(sid):
    """What is kept of a session's id to know its browser again by its cookie: a
    digest, from which the id cannot be found again."""
    return hashlib.sha256(f"idle_user_logout.tab:{sid}".encode()).hexdigest()


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
