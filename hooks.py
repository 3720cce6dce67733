from .models.ir_config_parameter import UNINSTALLING


def uninstall_hook(env):
    params = env["ir.config_parameter"].with_context(**{UNINSTALLING: True})
    params.search([("key", "=like", "idle_user_logout.%")]).unlink()
