import { registry } from "@web/core/registry";
import { patch } from "@web/core/utils/patch";
import { FormController } from "@web/views/form/form_controller";
import { clearUncommittedChanges } from "@web/webclient/actions/action_service";
import "@web/webclient/user_menu/user_menu_items";
import { idleLogoutService } from "./idle_logout_service";

let leaving = false;

// In the web client, leaving saves the views' changes the way Odoo's own navigation does.
idleLogoutService.saveChanges = async (env) => {
    leaving = true;
    try {
        return await clearUncommittedChanges(env);
    } finally {
        leaving = false;
    }
};

patch(FormController.prototype, {
    async beforeLeave() {
        // HTML editors commit what is typed asynchronously: wait for them before the save.
        if (leaving) {
            await this.model.root.isDirty();
        }
        return super.beforeLeave(...arguments);
    },
});

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
