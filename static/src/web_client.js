import { registry } from "@web/core/registry";
import { patch } from "@web/core/utils/patch";
import { FormController } from "@web/views/form/form_controller";
import "@web/webclient/user_menu/user_menu_items";

patch(FormController.prototype, {
    async beforeLeave(options) {
        // HTML editors commit what is typed asynchronously: the idle logout waits for them.
        if (options?.idleLogout) {
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
        return idleLogout
            ? { ...item, callback: () => idleLogout.leave(undefined, item.callback) }
            : item;
    },
    { force: true }
);
