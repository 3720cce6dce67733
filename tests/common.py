import json

from odoo.addons.idle_user_logout.models.res_users import RULE_CHANGED


def rule_notices(env, user):
    """The rules the pages of `user` heard on the bus since the last look, once the
    transaction is done."""
    env.cr.precommit.run()
    messages = env["bus.bus"].sudo().search([])
    heard = [
        json.loads(bus.message)["payload"]
        for bus in messages
        if json.loads(bus.message)["type"] == RULE_CHANGED
        and json.loads(bus.channel)[:3]
        == [env.cr.dbname, "res.partner", user.partner_id.id]
    ]
    messages.unlink()
    return heard


class JsonRpcMixin:
    """For HttpCase: JSON-RPC calls and real logins, as the web client makes them."""

    def jsonrpc(self, path, **params):
        return self.url_open(
            path,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"},
        ).json()

    def accepted(self, path="/web/session/check"):
        """Whether the server still serves this session (a JSON-RPC call); a refusal is
        a session expiry, nothing else."""
        answer = self.jsonrpc(path)
        if "error" in answer:
            self.assertEqual(
                answer["error"]["data"]["name"], "odoo.http.SessionExpiredException"
            )
            return False
        return True

    def log_in(self, login):
        """A real login (password `<login>_pw`), through the route the web client and
        API clients use."""
        self.jsonrpc(
            "/web/session/authenticate",
            db=self.env.cr.dbname,
            login=login,
            password=f"{login}_pw",
        )


def set_params(env, **values):
    """Stores the addon's parameters (`idle_user_logout.<key>`) as an administrator's
    settings would."""
    icp = env["ir.config_parameter"].sudo()
    for key, value in values.items():
        icp.set_param(f"idle_user_logout.{key}", str(value))


# Server enforcement and the record on, counted from the start: the server tests' base.
ENFORCED = {
    "enabled": True,
    "server_enforcement": True,
    "server_enforcement_since": 0,
    "audit": True,
}
