def uninstall_hook(env):
    env["ir.config_parameter"].search([("key", "=like", "idle_user_logout.%")]).unlink()
