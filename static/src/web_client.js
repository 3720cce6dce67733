/**
 * The web client's part of leaving: a form saves what is being typed before the logout and
 * keeps as a draft what it could not save, a form opened again gets its draft back, and
 * Log out takes every tab of the session along.
 */
import { onMounted } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { registry } from "@web/core/registry";
import { delay } from "@web/core/utils/concurrency";
import { patch } from "@web/core/utils/patch";
import { session } from "@web/session";
import { FormController } from "@web/views/form/form_controller";
import "@web/webclient/user_menu/user_menu_items";

/** A save unanswered after this long is given up, its changes kept as a draft in time. */
const SAVE_PATIENCE_MS = 1500;

/** A function of the drafts' code (`drafts/`), a bundle loaded only when a form needs it. */
async function draftFunction(name) {
    const functions = registry.category("idle_user_logout");
    if (!functions.contains(name)) {
        await loadBundle("idle_user_logout.assets_drafts");
    }
    return functions.get(name);
}

patch(FormController.prototype, {
    setup() {
        super.setup(...arguments);
        // While the login's drafts wait (see `drafts/restore_draft.js`); a dialog's form (a
        // "Create and edit...", a child contact) takes no one's draft.
        if (session.idle_logout_drafts?.length && !this.env.inDialog) {
            onMounted(() =>
                draftFunction("restore_draft")
                    .then((restoreDraft) => restoreDraft(this))
                    .catch((error) => console.error("idle_user_logout:", error))
            );
        }
    },

    async beforeLeave(options) {
        if (!options?.idleLogout) {
            return super.beforeLeave(...arguments);
        }
        // HTML editors commit what is typed asynchronously: the idle logout waits for them.
        const dirty = await this.model.root.isDirty();
        const saved = super.beforeLeave(...arguments);
        if (!options.keepDraft || !dirty) {
            return saved;
        }
        // What the save leaves unsaved is kept as a draft, by code loaded while it is tried.
        const givenUp = delay(SAVE_PATIENCE_MS);
        return draftFunction("keep_draft").then(
            (keepDraft) => keepDraft(this, saved, givenUp),
            () => saved
        );
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
