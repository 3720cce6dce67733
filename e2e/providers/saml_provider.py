"""A real SAML 2.0 identity provider for the e2e tier, built on pysaml2's `Server`:
its own login form and session cookie, signed responses whose AuthnInstant is when the
person typed their credentials, and `ForceAuthn="true"` honoured as identity providers
honour it (asked again). Any login with a password is taken, as a test provider's.

Usage: python saml_provider.py <port> <folder with idp.key and idp.crt>
  GET  /metadata  its metadata, for the service provider (Odoo's auth_saml)
  POST /sp        the service provider's metadata, once it exists
  GET  /sso       the single sign-on service (HTTP-Redirect binding)
"""

import html
import secrets
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.authn_context import PASSWORD
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_UNSPECIFIED, NameID
from saml2.server import Server

PORT, FOLDER = int(sys.argv[1]), Path(sys.argv[2])
BASE = f"http://127.0.0.1:{PORT}"
COOKIE = "idp_session"
# The people signed in here (by cookie), and the requests waiting for a login (by key).
SESSIONS, PENDING = {}, {}


def server(sp_metadata=None):
    config = IdPConfig()
    config.load(
        {
            "entityid": f"{BASE}/metadata",
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [
                            (f"{BASE}/sso", BINDING_HTTP_REDIRECT)
                        ]
                    },
                    "policy": {"default": {"name_form": NAME_FORMAT_URI}},
                }
            },
            "key_file": str(FOLDER / "idp.key"),
            "cert_file": str(FOLDER / "idp.crt"),
            "metadata": {"inline": [sp_metadata]} if sp_metadata else {},
        }
    )
    return Server(config=config)


# The provider, made again once it knows the service provider.
IDP = {"server": server()}


def respond(request, relay_state, session):
    """The signed response to the service provider, posted by the browser."""
    idp = IDP["server"]
    args = idp.response_args(request.message, [BINDING_HTTP_POST])
    response = idp.create_authn_response(
        {"uid": [session["login"]]},
        name_id=NameID(format=NAMEID_FORMAT_UNSPECIFIED, text=session["login"]),
        authn={
            "class_ref": PASSWORD,
            "authn_auth": BASE,
            "authn_instant": session["at"],
        },
        sign_response=True,
        sign_assertion=True,
        **args,
    )
    destination = args["destination"]
    posted = idp.apply_binding(
        BINDING_HTTP_POST, str(response), destination, relay_state, response=True
    )
    return posted["data"]


def login_form(key):
    return f"""<!DOCTYPE html><html><head><title>Sign in</title></head><body>
<h1>Identity provider</h1>
<form method="post" action="/login">
<input type="hidden" name="key" value="{html.escape(key)}">
<input type="text" name="login" required autofocus>
<input type="password" name="password" required>
<button type="submit">Sign in</button>
</form></body></html>"""


def app(environ, start_response):
    path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    cookies = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    session = SESSIONS.get(cookies[COOKIE].value) if COOKIE in cookies else None
    headers = [("Content-Type", "text/html; charset=utf-8")]
    body = ""
    if method == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        posted = environ["wsgi.input"].read(length).decode()
    if path == "/metadata":
        headers = [("Content-Type", "text/xml")]
        body = create_metadata_string(None, config=IDP["server"].config, valid=24)
        body = body.decode() if isinstance(body, bytes) else body
    elif path == "/sp" and method == "POST":
        IDP["server"] = server(posted)
        body = "ok"
    elif path == "/sso":
        request = IDP["server"].parse_authn_request(
            query["SAMLRequest"], BINDING_HTTP_REDIRECT
        )
        relay_state = query.get("RelayState", "")
        if session and request.message.force_authn != "true":
            body = respond(request, relay_state, session)
        else:
            key = secrets.token_urlsafe(16)
            PENDING[key] = (request, relay_state)
            body = login_form(key)
    elif path == "/login" and method == "POST":
        form = {k: v[0] for k, v in parse_qs(posted).items()}
        request, relay_state = PENDING.pop(form["key"])
        token = secrets.token_urlsafe(16)
        session = SESSIONS[token] = {"login": form["login"], "at": int(time.time())}
        headers.append(("Set-Cookie", f"{COOKIE}={token}; Path=/; HttpOnly"))
        body = respond(request, relay_state, session)
    else:
        start_response("404 Not Found", headers)
        return [b"not found"]
    start_response("200 OK", headers)
    return [body.encode()]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, message, *args):
        sys.stderr.write(f"{self.address_string()} {message % args}\n")


print(f"ready on {PORT}", flush=True)
make_server("127.0.0.1", PORT, app, handler_class=QuietHandler).serve_forever()
