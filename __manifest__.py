{
    "name": "Idle User Logout",
    "summary": "Log internal users out of the web client after a period of inactivity",
    "version": "19.0.1.6.0",
    "category": "Hidden/Tools",
    "license": "LGPL-3",
    "author": "idle_user_logout developers",
    "depends": ["base_setup", "bus"],
    "data": [
        "security/ir.model.access.csv",
        "security/idle_user_logout_security.xml",
        "data/ir_cron.xml",
        "data/ir_asset.xml",
        "data/sso_bridges.xml",
        "views/idle_user_logout_log_views.xml",
        "views/idle_user_logout_network_views.xml",
        "views/res_groups_views.xml",
        "views/res_config_settings_views.xml",
        "views/webclient_templates.xml",
        "report/policy_report_templates.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "idle_user_logout/static/src/idle_timer.js",
            "idle_user_logout/static/src/tab_channel.js",
            "idle_user_logout/static/src/activity_watch.js",
            "idle_user_logout/static/src/leaving.js",
            "idle_user_logout/static/src/idle_logout_service.js",
            "idle_user_logout/static/src/web_client.js",
        ],
        # Website and portal pages, for internal users only (webclient_templates.xml).
        "idle_user_logout.assets_frontend": [
            "idle_user_logout/static/src/idle_timer.js",
            "idle_user_logout/static/src/tab_channel.js",
            "idle_user_logout/static/src/activity_watch.js",
            "idle_user_logout/static/src/leaving.js",
            "idle_user_logout/static/src/idle_logout_service.js",
        ],
        # The warning before the logout, loaded only when it is on.
        "idle_user_logout.assets_warning": [
            "idle_user_logout/static/src/warning/*",
        ],
        # A form's draft kept or put back, loaded only when a form needs it.
        "idle_user_logout.assets_drafts": [
            "idle_user_logout/static/src/drafts/*",
        ],
        "point_of_sale._assets_pos": [
            "idle_user_logout/static/src/tab_channel.js",
            "idle_user_logout/static/src/point_of_sale_relay.js",
        ],
        "web.assets_unit_tests": [
            "idle_user_logout/static/src/last_tab.js",
            "idle_user_logout/static/src/warning/*",
            "idle_user_logout/static/src/drafts/*",
            "idle_user_logout/static/tests/*.test.js",
        ],
        "web.assets_tests": [
            "idle_user_logout/static/tests/tours/*",
        ],
    },
    "images": ["static/description/settings.png"],
    "uninstall_hook": "uninstall_hook",
}
