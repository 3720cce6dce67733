/**
 * What a form could not save when its page left for inactivity (invalid, new and refused,
 * a save given up) is kept on the server as the user's draft, and comes back, unsaved, when
 * the user opens that form again. Files, images and passwords are not kept.
 */
import { toRaw } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { rpc } from "@web/core/network/rpc";
import { exprToBoolean } from "@web/core/utils/strings";
import { session } from "@web/session";

/** The form's record, as the server keeps its draft: model, and record id or 0 (new). */
function formOf(record) {
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

/** Applies the draft's values as changes the user makes (Odoo's onchange reads them). */
async function applyDraft(model, values) {
    const record = model.root;
    const fieldNames = Object.keys(values).filter((name) => name in record.activeFields);
    const draftValues = Object.fromEntries(fieldNames.map((name) => [name, values[name]]));
    const changes = {
        ...record._getChanges(record._changes, { withReadonly: true }),
        ...draftValues,
    };
    const serverValues = await model._onchange(record.config, {
        changes,
        fieldNames,
        evalContext: toRaw(record.evalContext),
    });
    // Plain values are taken as they were, a field emptied included.
    const plainValues = Object.fromEntries(
        fieldNames
            .filter((name) => !record.fields[name].relation)
            .map((name) => [name, draftValues[name]])
    );
    record._applyChanges({}, { ...plainValues, ...serverValues });
    record.dirty = true;
}

/**
 * Puts back the draft of the form just opened, if the login said there is one: applied
 * unsaved, with a notice offering to discard it. Saved by somebody since, it is not applied
 * over their work unless the user asks. The server gives a draft once.
 */
export async function restoreDraft(model, notification) {
    const record = model.root;
    const form = formOf(record);
    const forms = session.idle_logout_drafts || [];
    const index = forms.findIndex(
        ([name, id, url]) =>
            name === form.model &&
            id === form.res_id &&
            (id || !url || url === browser.location.pathname)
    );
    if (index < 0) {
        return;
    }
    forms.splice(index, 1);
    const draft = await rpc("/idle_user_logout/draft/take", form, {
        silent: true,
    });
    const values = draft?.values || {};
    if (!Object.keys(values).some((name) => name in record.activeFields)) {
        return;
    }
    const date = formatDateTime(deserializeDateTime(draft.date));
    /** A notice that stays until one of its buttons is clicked. */
    const notify = (message, buttons) => {
        const close = notification.add(message, {
            type: draft.saved_since ? "warning" : "info",
            sticky: true,
            buttons: buttons.map(({ name, onClick }) => ({
                name,
                onClick: () => {
                    close();
                    onClick();
                },
            })),
        });
    };
    const putBack = async () => {
        await applyDraft(model, values);
        notify(_t("Your unsaved changes of %(date)s are back. Save them, or:", { date }), [
            { name: _t("Discard"), onClick: () => record.discard() },
        ]);
    };
    if (!draft.saved_since) {
        return putBack();
    }
    notify(
        _t(
            "%(user)s saved this record on %(saved)s, after your unsaved changes of %(date)s were kept: they are not applied over that work.",
            {
                user: draft.saved_since.by,
                saved: formatDateTime(deserializeDateTime(draft.saved_since.date)),
                date,
            }
        ),
        [
            { name: _t("Apply My Changes"), onClick: putBack },
            { name: _t("Discard"), onClick: () => {} },
        ]
    );
}
