"""The unsaved changes of a form that could not be saved when its page left for
inactivity, kept as a private draft of its user and given back, once, when the user
opens that form again; never a secret, never a file, never over someone's later save."""

import json
from datetime import timedelta

from lxml import etree

from odoo import api, fields, models
from odoo.exceptions import AccessError, MissingError
from odoo.tools import SQL, str2bool

# Session key holding the forms the user has a draft of, read at the login.
DRAFTS_KEY = "idle_logout_drafts"
# What a form leaving for inactivity may keep, at most.
MAX_DRAFT_BYTES = 1_000_000
# Drafts older than this are removed by Odoo's daily auto-vacuum.
DRAFT_DAYS = 7


class IdleUserLogoutDraft(models.Model):
    _name = "idle_user_logout.draft"
    _description = "Unsaved Changes Kept at an Idle Logout"
    _order = "create_date desc, id desc"

    user_id = fields.Many2one(
        "res.users", required=True, readonly=True, index=True, ondelete="cascade"
    )
    res_model = fields.Char("Model", required=True, readonly=True)
    res_id = fields.Integer("Record", readonly=True, help="0 for a new record.")
    values = fields.Json(readonly=True)
    url = fields.Char(
        "Page",
        readonly=True,
        help="The page of a new record's form: its draft comes back there only.",
    )
    record_write_date = fields.Datetime(
        "Record Saved On",
        readonly=True,
        help="When the record had last been saved as its draft was kept: a later save "
        "is somebody's newer work, which the draft does not silently undo.",
    )

    @api.model
    def _keep(self, res_model, res_id, values, url):
        """Keep the current user's changes of a form that could not be saved; the form's
        earlier draft, if any, is replaced. Returns whether it was kept."""
        values = self._applicable(res_model, res_id, values)
        if not values or len(json.dumps(values)) > MAX_DRAFT_BYTES:
            return False
        record = self.env[res_model].browse(res_id)
        self._of(res_model, res_id).unlink()
        # Users may not create drafts themselves: only what passed the checks above.
        self.sudo().create(
            {
                "user_id": self.env.uid,
                "res_model": res_model,
                "res_id": res_id or 0,
                "values": values,
                "url": not res_id and url,
                "record_write_date": record.write_date,
            }
        )
        return True

    @api.model
    def _take(self, res_model, res_id):
        """The current user's draft of this form, used once: it is gone after this,
        whether it still applies or not. None when there is none or it no longer
        applies (the record deleted, no longer writable, its fields gone). When the
        record was saved since, who saved it and when."""
        drafts = self._of(res_model, res_id)
        if not drafts:
            return None
        draft = drafts[0]
        values, when, saved = draft.values, draft.create_date, draft.record_write_date
        drafts.unlink()
        values = self._applicable(res_model, res_id, values)
        if not values:
            return None
        answer = {"values": values, "date": fields.Datetime.to_string(when)}
        record = self.env[res_model].browse(res_id).sudo()
        if res_id and saved and record.write_date > saved:
            answer["saved_since"] = {
                "date": fields.Datetime.to_string(record.write_date),
                "by": record.write_uid.name,
            }
        return answer

    def _of(self, res_model, res_id):
        """The current user's drafts of that form; only this model writes them."""
        return self.sudo().search(
            [
                ("user_id", "=", self.env.uid),
                ("res_model", "=", res_model),
                ("res_id", "=", res_id or 0),
            ]
        )

    @api.model
    def _applicable(self, res_model, res_id, values):
        """The values the current user may still write on that form (see `_kept`);
        none if the model is gone, the record deleted or the user may not write it (or
        create one, for a new record)."""
        well_formed = (
            isinstance(res_model, str)
            and isinstance(res_id, int)
            and isinstance(values, dict)
        )
        if not well_formed or res_model not in self.env:
            return {}
        model = self.env[res_model]
        try:
            if res_id:
                record = model.browse(res_id).exists()
                if not record:
                    return {}
                record.check_access("write")
            else:
                model.check_access("create")
        except (AccessError, MissingError):
            return {}
        return self._kept(model, values, self._password_fields(res_model))

    @api.model
    def _kept(self, model, values, passwords):
        """What a draft keeps of these values: those of fields that exist, neither
        files nor shown as passwords, in the lines of a one2many or many2many too."""
        kept = {}
        for name, value in values.items():
            field = model._fields.get(name)
            if not field or field.type == "binary" or name in passwords:
                continue
            if field.type in ("one2many", "many2many") and isinstance(value, list):
                comodel = self.env[field.comodel_name]
                secrets = passwords | self._password_fields(comodel._name)
                value = [
                    [*command[:2], self._kept(comodel, command[2], secrets)]
                    if isinstance(command, list)
                    and len(command) == 3
                    and isinstance(command[2], dict)
                    else command
                    for command in value
                ]
            kept[name] = value
        return kept

    @api.model
    def _password_fields(self, res_model):
        """The fields a view of that model shows as passwords (`password="True"`):
        secrets such as a mail server's or a payment provider's, never kept."""
        views = self.env["ir.ui.view"].sudo().search([("model", "=", res_model)])
        return {
            node.get("name")
            for view in views
            for node in etree.fromstring(view.arch_db).iter("field")
            if str2bool(node.get("password") or "0", False)
        }

    @api.model
    def _forms_with_drafts(self):
        """The forms [model, record id or 0, page of a new record] the current user has
        a draft of: read once at the login, they reach the web client with the
        session's other values."""
        drafts = self.sudo().search([("user_id", "=", self.env.uid)])
        return [[draft.res_model, draft.res_id, draft.url or False] for draft in drafts]

    @api.autovacuum
    def _gc_old_drafts(self):
        """Drafts older than a week go, and all of them once the addon is off."""
        if not self.env["res.config.settings"]._idle_logout_settings().enabled:
            self._remove_all()
            return
        limit = fields.Datetime.now() - timedelta(days=DRAFT_DAYS)
        self.sudo().search([("create_date", "<", limit)]).unlink()

    @api.model
    def _remove_all(self):
        """Everyone's drafts go: the addon keeps no unsaved changes any more."""
        self.env.cr.execute(SQL("DELETE FROM idle_user_logout_draft"))
        self.invalidate_model()
