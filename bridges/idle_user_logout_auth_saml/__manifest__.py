{
    "name": "Idle User Logout: SAML",
    "summary": "After an idle logout, the next SAML sign-in (OCA auth_saml) asks the "
    "identity provider to authenticate the person again, and checks it",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tools",
    "license": "LGPL-3",
    "author": "idle_user_logout developers",
    "depends": ["idle_user_logout", "auth_saml"],
    "auto_install": True,
}
