{
    "name": "Idle User Logout: OpenID Connect",
    "summary": "After an idle logout, an OpenID Connect sign-in (OCA auth_oidc) is "
    "checked to come from a fresh authentication, and may end the provider's session",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tools",
    "license": "LGPL-3",
    "author": "idle_user_logout developers",
    "depends": ["idle_user_logout_auth_oauth", "auth_oidc"],
    "auto_install": True,
}
