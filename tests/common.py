import json


class JsonRpcMixin:
    """For HttpCase: JSON-RPC calls and real logins, as the web client makes them."""

    def jsonrpc(self, path, **params):
        return self.url_open(
            path,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"},
        ).json()

    def log_in(self, login):
        """A real login (password `<login>_pw`), through the route the web client and
        API clients use."""
        self.jsonrpc(
            "/web/session/authenticate",
            db=self.env.cr.dbname,
            login=login,
            password=f"{login}_pw",
        )
