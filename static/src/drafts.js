import { toRaw } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { rpc } from "@web/core/network/rpc";
import { session } from "@web/session";

/**
 * What a form could not save when its page left for inactivity (invalid, new and refused,
 * a save given up) is kept on the server as the user's draft, and comes back, unsaved, when
 * the user opens that form again. Files and images are not kept.
 */

/** The form's record, as the server keeps its draft: model, and record id or 0 (new). */
function formOf(record) {
    return { model: record.resModel, res_id: record.resId || 0 };
}

/** Sends the form's unsaved changes, as its save would have sent them. */
export async function keepDraft(record) {
    const values = record._getChanges();
    if (Object.keys(values).length) {
        const { pathname, search, hash } = browser.location;
        const url = pathname + search + hash;
        await rpc("/idle_user_logout/draft", { ...formOf(record), values, url }, { silent: true });
    }
}

/**
 * Puts back the draft of the form just opened, if the login said there is one: applied as
 * changes the user makes (Odoo's onchange reads them), unsaved, with a notice offering to
 * discard them. The server gives a draft once.
 */
export async function restoreDraft(model, notification) {
    const record = model.root;
    const form = formOf(record);
    const forms = session.idle_logout_drafts || [];
    const index = forms.findIndex(([name, id]) => name === form.model && id === form.res_id);
    if (index < 0) {
        return;
    }
    forms.splice(index, 1);
    const draft = await rpc("/idle_user_logout/draft/take", form, { silent: true });
    const fieldNames = Object.keys(draft?.values || {}).filter(
        (name) => name in record.activeFields
    );
    if (!fieldNames.length) {
        return;
    }
    const values = Object.fromEntries(fieldNames.map((name) => [name, draft.values[name]]));
    const changes = { ...record._getChanges(record._changes, { withReadonly: true }), ...values };
    // Odoo's onchange reads them as the user's changes (relations, lines, what follows).
    const serverValues = await model._onchange(record.config, {
        changes,
        fieldNames,
        evalContext: toRaw(record.evalContext),
    });
    // Plain values are taken as they were, a field emptied included.
    const plainValues = Object.fromEntries(
        fieldNames
            .filter((name) => !record.fields[name].relation)
            .map((name) => [name, values[name]])
    );
    record._applyChanges({}, { ...plainValues, ...serverValues });
    record.dirty = true;
    const close = notification.add(
        _t("Your unsaved changes of %(date)s are back. Save them, or:", {
            date: formatDateTime(deserializeDateTime(draft.date)),
        }),
        {
            type: "info",
            sticky: true,
            buttons: [
                {
                    name: _t("Discard"),
                    onClick: () => {
                        record.discard();
                        close();
                    },
                },
            ],
        }
    );
}
