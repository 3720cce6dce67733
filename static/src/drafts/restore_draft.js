/**
 * A draft put back in its form: in the web client's page while the login's drafts wait (see
 * `webclient_templates.xml`), or loaded with the code that keeps one.
 */
import { onMounted, status, toRaw } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { rpc } from "@web/core/network/rpc";
import { patch } from "@web/core/utils/patch";
import { session } from "@web/session";
import { FormController } from "@web/views/form/form_controller";
import { formOf } from "./keep_draft";

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
 * Puts back the draft of the form just opened (its `controller`), if the login said there is
 * one: applied unsaved, with a notice offering to discard it. Saved by somebody since, it is
 * not applied over their work unless the user asks. The server gives a draft once, and only
 * to the form that still shows its record.
 */
async function restoreDraft(controller) {
    const { model } = controller;
    const { notification } = controller.env.services;
    const record = model.root;
    const form = formOf(record);
    // The form shows the draft's record still (saved, reloaded or not); a new one, itself.
    const shown = () =>
        status(controller) === "mounted" &&
        model.root.resModel === form.model &&
        (form.res_id ? model.root.resId === form.res_id : model.root === record);
    const forms = session.idle_logout_drafts || [];
    const index = forms.findIndex(
        ([name, id, url]) =>
            name === form.model &&
            id === form.res_id &&
            (id || !url || url === browser.location.pathname)
    );
    if (index < 0 || !shown()) {
        return;
    }
    forms.splice(index, 1);
    const draft = await rpc("/idle_user_logout/draft/take", form, {
        silent: true,
    });
    const values = draft?.values || {};
    if (!shown() || !Object.keys(values).some((name) => name in record.activeFields)) {
        return;
    }
    const date = formatDateTime(deserializeDateTime(draft.date));
    // A notice that stays until a button is clicked, which only closes it once the form is gone.
    const notify = (message, buttons) => {
        const close = notification.add(message, {
            type: draft.saved_since ? "warning" : "info",
            sticky: true,
            buttons: buttons.map(({ name, onClick }) => ({
                name,
                onClick: () => {
                    close();
                    return shown() && onClick();
                },
            })),
        });
    };
    const putBack = async () => {
        await applyDraft(model, values);
        notify(_t("Your unsaved changes of %(date)s are back. Save them, or:", { date }), [
            { name: _t("Discard"), onClick: () => model.root.discard() },
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

patch(FormController.prototype, {
    setup() {
        super.setup(...arguments);
        // A dialog's form (a "Create and edit...", a child contact) takes no one's draft.
        if (session.idle_logout_drafts?.length && !this.env.inDialog) {
            // Its errors stay in the console: the form stays as it opened.
            onMounted(() =>
                restoreDraft(this).catch((error) => console.error("idle_user_logout:", error))
            );
        }
    },
});
