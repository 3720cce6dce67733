{
    "name": "Idle User Logout: Single Sign-On",
    "summary": "After an idle logout, the next single sign-on proves the person "
    "again at the identity provider (OAuth 2.0, OpenID Connect)",
    "version": "19.0.1.1.0",
    "category": "Hidden/Tools",
    "license": "LGPL-3",
    "author": "idle_user_logout developers",
    "depends": ["idle_user_logout", "auth_oauth"],
    "data": [
        "security/ir.model.access.csv",
        "views/auth_oauth_provider_views.xml",
    ],
    "auto_install": True,
}
