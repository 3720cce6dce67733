/**
 * The web client's part of leaving: a form saves what is being typed before the logout and
 * keeps as a draft what it could not save, a form opened again gets its draft back, and
 * Log out takes every tab of the session along.
 */
import { loadBundle } from "@web/core/assets";
import { registry } from "@web/core/registry";
import { useBus } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { FormController } from "@web/views/form/form_controller";
import "@web/webclient/user_menu/user_menu_items";

/**
 * A function of the drafts' code (`drafts/`), a bundle loaded once a form has changes (it
 * is there at the logout, however slow the server is then); none when it cannot be loaded.
 */
async function draftFunction(name) {
    const functions = registry.category("idle_user_logout");
    try {
        if (!functions.contains(name)) {
            await loadBundle("idle_user_logout.assets_drafts");
        }
        return functions.get(name);
    } catch (error) {
        console.error("idle_user_logout:", error);
    }
}

/** A form's first change loads the code that keeps a draft: the change never waits for it. */
function loadDraftCode() {
    draftFunction("keep_draft");
}

patch(FormController.prototype, {
    setup() {
        super.setup(...arguments);
        // Where the addon may log out: typed, not yet taken by the record.
        if (this.env.services.idle_user_logout) {
            useBus(this.model.bus, "FIELD_IS_DIRTY", ({ detail }) => detail && loadDraftCode());
        }
    },

    get modelParams() {
        const params = super.modelParams;
        // ...and taken by the record: typed, picked, ticked.
        if (this.env.services.idle_user_logout) {
            params.hooks.onRecordChanged = loadDraftCode;
        }
        return params;
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
        // A failed save is the draft's to keep: its outcome is taken at once.
        saved.catch(() => {});
        const keepDraft = await draftFunction("keep_draft");
        return keepDraft ? keepDraft(this, saved) : saved;
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
