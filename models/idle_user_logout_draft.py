import json
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, MissingError

# Session key holding the forms the user has a draft of, read at the login.
DRAFTS_KEY = "idle_logout_drafts"
# What a form leaving for inactivity may keep, at most.
MAX_DRAFT_BYTES = 1_000_000
# Drafts older than this are removed by Odoo's daily auto-vacuum.
DRAFT_DAYS = 7
# Files and images are not kept: a draft holds what is typed and chosen.
SKIPPED_TYPES = ("binary", "image")


class IdleUserLogoutDraft(models.Model):
    _name = "idle_user_logout.draft"
    _description = "Unsaved Changes Kept at an Idle Logout"
    _order = "create_date desc, id desc"

    user_id = fields.Many2one(
        "res.users",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.user,
    )
    res_model = fields.Char("Model", required=True, readonly=True)
    res_id = fields.Integer("Record", readonly=True, help="0 for a new record.")
    values = fields.Json(readonly=True)
    url = fields.Char(readonly=True)

    @api.model
    def _keep(self, res_model, res_id, values, url):
        """Keep the current user's changes of a form that could not be saved; the form's
        earlier draft, if any, is replaced. Returns whether it was kept."""
        if len(json.dumps(values)) > MAX_DRAFT_BYTES:
            return False
        values = self._applicable(res_model, res_id, values)
        if not values:
            return False
        self._of(res_model, res_id).unlink()
        self.create(
            {
                "res_model": res_model,
                "res_id": res_id or 0,
                "values": values,
                "url": url,
            }
        )
        return True

    @api.model
    def _take(self, res_model, res_id):
        """The current user's draft of this form, used once: it is gone after this,
        whether it still applies or not. None when there is none or it no longer
        applies (the record deleted, no longer writable, its fields gone)."""
        draft = self._of(res_model, res_id)[:1]
        if not draft:
            return None
        values, when = draft.values, draft.create_date
        self._of(res_model, res_id).unlink()
        values = self._applicable(res_model, res_id, values)
        if not values:
            return None
        return {"values": values, "date": fields.Datetime.to_string(when)}

    def _of(self, res_model, res_id):
        return self.search(
            [
                ("user_id", "=", self.env.uid),
                ("res_model", "=", res_model),
                ("res_id", "=", res_id or 0),
            ]
        )

    @api.model
    def _applicable(self, res_model, res_id, values):
        """The values the current user may still write on that form: those of fields
        that exist and are not files; none if the model is gone, the record deleted or
        the user may not write it (or create one, for a new record)."""
        if res_model not in self.env or not isinstance(values, dict):
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
        return {
            name: value
            for name, value in values.items()
            if name in model._fields and model._fields[name].type not in SKIPPED_TYPES
        }

    @api.model
    def _forms_with_drafts(self):
        """The forms [model, record id or 0] the current user has a draft of: read once
        at the login, they reach the web client with the session's other values."""
        drafts = self.search([("user_id", "=", self.env.uid)])
        return [[draft.res_model, draft.res_id] for draft in drafts]

    @api.autovacuum
    def _gc_old_drafts(self):
        """Drafts older than a week go, and all of them once the addon is off."""
        if not self.env["res.config.settings"]._idle_logout_settings().enabled:
            self.sudo().search([]).unlink()
            return
        limit = fields.Datetime.now() - timedelta(days=DRAFT_DAYS)
        self.sudo().search([("create_date", "<", limit)]).unlink()
