/**
 * The web client's part of leaving: a form saves what is being typed before the logout and
 * keeps as a draft what it could not save, a form opened again gets its draft back, and
 * Log out takes every tab of the session along.
 */
import { onMounted, status } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { delay } from "@web/core/utils/concurrency";
import { patch } from "@web/core/utils/patch";
import { FormController } from "@web/views/form/form_controller";
import "@web/webclient/user_menu/user_menu_items";
import { keepDraft, restoreDraftIfAny } from "./drafts";

/** A save unanswered after this long is given up, its changes kept as a draft in time. */
const SAVE_PATIENCE_MS = 1500;

patch(FormController.prototype, {
    setup() {
        super.setup(...arguments);
        // A dialog's form (a "Create and edit...", a child contact) takes no one's draft.
        if (!this.env.inDialog) {
            const isMounted = () => status(this) === "mounted";
            onMounted(() =>
                restoreDraftIfAny(this.model, this.env.services.notification, isMounted).catch(
                    (error) => console.error("idle_user_logout:", error)
                )
            );
        }
    },

    async beforeLeave(options) {
        if (!options?.idleLogout) {
            return super.beforeLeave(...arguments);
        }
        const record = this.model.root;
        // HTML editors commit what is typed asynchronously: the idle logout waits for them.
        await record.isDirty();
        const saved = super.beforeLeave(...arguments);
        if (!options.keepDraft) {
            return saved;
        }
        const answered = await Promise.race([
            saved.then(
                () => true,
                () => true
            ),
            delay(SAVE_PATIENCE_MS).then(() => false),
        ]);
        if (record.dirty) {
            await keepDraft(record, this.archInfo);
        }
        return answered && saved;
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
