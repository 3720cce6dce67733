/**
 * What a form could not save when its page left for inactivity (invalid, new and refused,
 * a save given up) is kept on the server as the user's draft, and comes back, unsaved, when
 * the user opens that form again. Files, images and passwords are not kept.
 */
import { loadBundle } from "@web/core/assets";
import { browser } from "@web/core/browser/browser";
import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { exprToBoolean } from "@web/core/utils/strings";
import { session } from "@web/session";

/** The form's record, as the server keeps its draft: model, and record id or 0 (new). */
export function formOf(record) {
    return { model: record.resModel, res_id: record.resId || 0 };
}

/** The fields a form and its lines show as passwords (`password="True"`). */
function passwordFields(archInfo, names = new Set()) {
    for (const node of Object.values(archInfo?.fieldNodes || {})) {
        if (exprToBoolean(node.attrs?.password)) {
            names.add(node.name);
        }
        for (const view of Object.values(node.views || {})) {
            passwordFields(view, names);
        }
    }
    return names;
}

/** The values without those fields, in the lines' commands too. */
function withoutPasswords(values, names) {
    const kept = Object.entries(values).filter(([name]) => !names.has(name));
    return Object.fromEntries(
        kept.map(([name, value]) => [
            name,
            Array.isArray(value)
                ? value.map((command) =>
                      command?.[2] instanceof Object
                          ? [command[0], command[1], withoutPasswords(command[2], names)]
                          : command
                  )
                : value,
        ])
    );
}

/** Sends the form's unsaved changes, as its save would have sent them, passwords left out. */
export async function keepDraft(record, archInfo) {
    const values = withoutPasswords(record._getChanges(), passwordFields(archInfo));
    if (Object.keys(values).length) {
        // A new record's draft comes back on this page only, not in any form of its model.
        const url = browser.location.pathname;
        await rpc("/idle_user_logout/draft", { ...formOf(record), values, url }, { silent: true });
    }
}

/**
 * Puts back the draft of the form just opened, if the login said there is one (see
 * `draft_restore/`): its code is loaded only then.
 * @param {Function} isMounted whether the form is still on screen
 */
export async function restoreDraftIfAny(model, notification, isMounted) {
    if (!session.idle_logout_drafts?.length) {
        return;
    }
    const functions = registry.category("idle_user_logout");
    if (!functions.contains("restore_draft")) {
        await loadBundle("idle_user_logout.assets_draft_restore");
    }
    return functions.get("restore_draft")(model, notification, isMounted);
}
