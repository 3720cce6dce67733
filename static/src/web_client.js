/**
 * The web client's part of leaving: a form saves what is being typed before the logout and
 * keeps as a draft what it could not save, a form opened again gets its draft back, and
 * Log out takes every tab of the session along.
 */
import { onWillRender } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { registry } from "@web/core/registry";
import { useBus } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { FormController } from "@web/views/form/form_controller";
import "@web/webclient/user_menu/user_menu_items";

/**
 * Loads the drafts' code (`drafts/`), which keeps what a form could not save at the logout:
 * loaded once the form has changes, typed or taken, it is there however slow the server is
 * then.
 */
function loadDraftCode(dirty) {
    if (dirty) {
        loadBundle("idle_user_logout.assets_drafts").catch((error) =>
            console.error("idle_user_logout:", error)
        );
    }
}

patch(FormController.prototype, {
    setup() {
        super.setup(...arguments);
        useBus(this.model.bus, "FIELD_IS_DIRTY", ({ detail }) => loadDraftCode(detail));
        onWillRender(() => loadDraftCode(this.model.root?.dirty));
    },

    async beforeLeave(options) {
        if (options?.idleLogout) {
            // HTML editors commit what is typed asynchronously: the idle logout waits for them.
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
