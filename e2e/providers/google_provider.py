"""A stand-in for Google's OAuth 2.0 server, for the e2e tier (Google cannot be reached
here), written from Google's published documentation ("Using OAuth 2.0 for Client-side
Web Applications", "OpenID Connect": developers.google.com/identity/protocols/oauth2).
It copies what Odoo's own preset (`auth_oauth.provider_google`) meets:

- the implicit flow at /o/oauth2/auth (`response_type=token`): the access token comes
  back in the redirect URI's fragment with `token_type=Bearer`, `expires_in=3599`,
  `scope` and `state`; the client ID and the exact redirect URI must be registered,
  else an error page (`invalid_client`, `redirect_uri_mismatch`);
- `prompt`, space-delimited, takes only `none`, `consent` and `select_account`; any
  other value (`login`) gets Google's own error page, "Access blocked: Authorization
  Error", "Error 400: invalid_request", "Invalid parameter value for prompt", and never
  goes back to the application; `none` without a session answers `error=login_required`;
  `consent` is granted at once (a first-party client); `max_age` is not in Google's
  list of parameters and is ignored;
- a session cookie: a browser signed in gets a new token at once, with no password;
  `select_account` shows the account chooser, which asks for no password either;
- the UserInfo endpoint /oauth2/v3/userinfo (`access_token` in the query or a Bearer
  header) answers the token's account (`sub`, `email`, `name`) while the token lives
  (an hour), else 401 `invalid_token`.

Any login with a password is taken, as a test provider's; the account's `sub` is the
login typed. Every redirect to the application is logged, as the browser's history
keeps it.

Usage: python google_provider.py <port> <client ID> <Odoo base URL>...
"""

import html
import json
import secrets
import sys
import time
from http.cookies import SimpleCookie
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

PORT, CLIENT_ID, *ODOO_URLS = sys.argv[1:]
REDIRECT_URIS = {f"{url}/auth_oauth/signin" for url in ODOO_URLS}
PROMPTS = {"none", "consent", "select_account"}
TOKEN_LIFETIME_S = 3599
COOKIE = "SID"
HTML = [("Content-Type", "text/html; charset=utf-8")]
# The accounts signed in (by cookie), the tokens given, the requests waiting (by key).
SESSIONS, TOKENS, PENDING = {}, {}, {}


def error_page(error, details):
    """Google's own error page: the browser stays there."""
    page = f"""<!DOCTYPE html><html><head><title>Error 400: {html.escape(error)}
</title></head><body><h1>Access blocked: Authorization Error</h1>
<p>Error 400: {html.escape(error)}</p>
<p>Request details: {html.escape(details)}</p></body></html>"""
    return "400 Bad Request", page, HTML


def page(action, key, fields, button):
    """A page of Google's own, a form whose answer goes on with the request `key`."""
    body = f"""<!DOCTYPE html><html><head><title>Sign in - Google Accounts</title>
</head><body><form method="post" action="{action}">
<input type="hidden" name="key" value="{html.escape(key)}">{fields}
<button type="submit">{html.escape(button)}</button></form></body></html>"""
    return "200 OK", body, HTML


def redirect(params, answer):
    """Back to the application, the answer in the redirect URI's fragment."""
    fragment = urlencode({**answer, "state": params.get("state", "")})
    location = f"{params['redirect_uri']}#{fragment}"
    print(f"redirect to {location}", flush=True)
    return "302 Found", "", [("Location", location)]


def token_for(params, login):
    token = f"ya29.{secrets.token_urlsafe(32)}"
    TOKENS[token] = (login, time.time() + TOKEN_LIFETIME_S)
    answer = {"access_token": token, "token_type": "Bearer"}
    answer.update(expires_in=TOKEN_LIFETIME_S, scope=params.get("scope", ""))
    return redirect(params, answer)


def authorize(params, login):
    if params.get("client_id") != CLIENT_ID:
        return error_page("invalid_client", "The OAuth client was not found.")
    if params.get("redirect_uri") not in REDIRECT_URIS:
        return error_page("redirect_uri_mismatch", params.get("redirect_uri", ""))
    if params.get("response_type") != "token":
        return error_page("unsupported_response_type", params.get("response_type"))
    prompts = set(params.get("prompt", "").split())
    if not prompts <= PROMPTS or ("none" in prompts and len(prompts) > 1):
        invalid = " ".join(sorted(prompts - PROMPTS)) or params["prompt"]
        details = f"Invalid parameter value for prompt: Invalid prompt: {invalid}"
        return error_page("invalid_request", details)
    if "none" in prompts:
        if login:
            return token_for(params, login)
        return redirect(params, {"error": "login_required"})
    if login and "select_account" not in prompts:
        return token_for(params, login)
    key = secrets.token_urlsafe(16)
    PENDING[key] = params
    if login:
        account = f'<p class="account">{html.escape(login)}</p>'
        return page("/chooser", key, account, f"Continue as {login}")
    fields = (
        '<input type="text" name="login" required autofocus>'
        '<input type="password" name="password" required>'
    )
    return page("/signin", key, fields, "Next")


def userinfo(environ, query):
    bearer = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
    login, expires = TOKENS.get(query.get("access_token") or bearer, (None, 0))
    if not login or expires < time.time():
        error = {"error": "invalid_request", "error_description": "Invalid Credentials"}
        headers = [("WWW-Authenticate", 'Bearer error="invalid_token"')]
        return "401 Unauthorized", json.dumps(error), headers
    account = {"sub": login, "email": f"{login}@example.com", "name": login}
    return "200 OK", json.dumps(account), [("Content-Type", "application/json")]


def app(environ, start_response):
    path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    cookies = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    login = SESSIONS.get(cookies[COOKIE].value) if COOKIE in cookies else None
    posted = {}
    if method == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode()
        posted = {k: v[0] for k, v in parse_qs(body).items()}
    status, body, headers = "404 Not Found", "not found", HTML
    if path == "/o/oauth2/auth":
        status, body, headers = authorize(query, login)
    elif path == "/signin" and posted.get("key") in PENDING:
        cookie = secrets.token_urlsafe(16)
        SESSIONS[cookie] = posted["login"]
        status, body, headers = token_for(PENDING.pop(posted["key"]), posted["login"])
        headers = [*headers, ("Set-Cookie", f"{COOKIE}={cookie}; Path=/; HttpOnly")]
    elif path == "/chooser" and login and posted.get("key") in PENDING:
        status, body, headers = token_for(PENDING.pop(posted["key"]), login)
    elif path == "/oauth2/v3/userinfo":
        status, body, headers = userinfo(environ, query)
    start_response(status, headers)
    return [body.encode()]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, message, *args):
        sys.stderr.write(f"{self.address_string()} {message % args}\n")


class ThreadingServer(ThreadingMixIn, WSGIServer):
    """Odoo asks the UserInfo endpoint while the browser may hold a connection open."""

    daemon_threads = True


print(f"ready on {PORT}", flush=True)
make_server(
    "127.0.0.1", int(PORT), app, ThreadingServer, handler_class=QuietHandler
).serve_forever()
