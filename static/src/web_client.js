import { registry } from "@web/core/registry";
import { clearUncommittedChanges } from "@web/webclient/actions/action_service";
import "@web/webclient/user_menu/user_menu_items";
import { idleLogoutService } from "./idle_logout_service";

// In the web client, leaving saves the views' changes the way Odoo's own navigation does.
idleLogoutService.saveChanges = clearUncommittedChanges;

// Logging out by hand takes every tab of the session along, after each saved its changes.
const userMenuItems = registry.category("user_menuitems");
const logOutItem = userMenuItems.get("log_out");
userMenuItems.add(
    "log_out",
    (env) => {
        const item = logOutItem(env);
        const idleLogout = env.services.idle_user_logout;
        if (!idleLogout) {
            return item;
        }
        const callback = () => idleLogout.leave({ exitPage: item.callback });
        return { ...item, callback };
    },
    { force: true }
);
