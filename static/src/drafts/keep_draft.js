/**
 * What a form could not save when its page left for inactivity (invalid, new and refused,
 * a save given up) is kept on the server as the user's draft, and comes back, unsaved, when
 * the user opens that form again (`restore_draft.js`). Files, images and passwords are not
 * kept. Loaded once a form has changes (see `web_client.js`), or with the web client's page
 * while the login's drafts wait.
 */
import { browser } from "@web/core/browser/browser";
import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { delay } from "@web/core/utils/concurrency";
import { exprToBoolean } from "@web/core/utils/strings";

/** A save unanswered after this long is given up, its changes kept as a draft in time. */
const SAVE_PATIENCE_MS = 1500;

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

/**
 * Once the form's save is done, or given up after `SAVE_PATIENCE_MS`, sends what it left
 * unsaved, as the save would have sent it, passwords left out. Returns the save, unless it
 * was given up.
 */
async function keepDraft(controller, saved) {
    const answered = await Promise.race([
        saved.then(
            () => true,
            () => true
        ),
        delay(SAVE_PATIENCE_MS).then(() => false),
    ]);
    const record = controller.model.root;
    const values = record.dirty
        ? withoutPasswords(record._getChanges(), passwordFields(controller.archInfo))
        : {};
    if (Object.keys(values).length) {
        // A new record's draft comes back on this page only, not in any form of its model.
        const url = browser.location.pathname;
        await rpc("/idle_user_logout/draft", { ...formOf(record), values, url }, { silent: true });
    }
    return answered && saved;
}

registry.category("idle_user_logout").add("keep_draft", keepDraft);
