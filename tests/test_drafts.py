from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.idle_user_logout.models.idle_user_logout_draft import MAX_DRAFT_BYTES
from odoo.addons.idle_user_logout.tests.common import JsonRpcMixin


@tagged("post_install", "-at_install")
class TestIdleLogoutDrafts(JsonRpcMixin, HttpCase):
    """What a form could not save at an idle logout, kept for its user alone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "idle_user_logout.enabled", "True"
        )
        for login, groups in (
            ("idle_writer", "base.group_user,base.group_partner_manager"),
            ("idle_other", "base.group_user,base.group_partner_manager"),
            ("idle_reader", "base.group_user"),
            ("idle_portal", "base.group_portal"),
        ):
            new_test_user(cls.env, login=login, password=f"{login}_pw", groups=groups)
        cls.partner = cls.env["res.partner"].create({"name": "Draft holder"})
        cls.Draft = cls.env["idle_user_logout.draft"].sudo()

    def keep(self, values, res_id=None, model="res.partner"):
        answer = self.jsonrpc(
            "/idle_user_logout/draft",
            model=model,
            res_id=self.partner.id if res_id is None else res_id,
            values=values,
            url="/odoo/contacts/1",
        )
        return answer.get("result", answer.get("error"))

    def take(self, res_id=None, model="res.partner"):
        answer = self.jsonrpc(
            "/idle_user_logout/draft/take",
            model=model,
            res_id=self.partner.id if res_id is None else res_id,
        )
        return answer.get("result", answer.get("error"))

    def test_a_draft_comes_back_once_to_its_user(self):
        self.log_in("idle_writer")
        self.assertTrue(self.keep({"name": "", "comment": "<p>Typed</p>"}))
        self.assertTrue(self.keep({"name": "", "comment": "<p>Typed more</p>"}))
        self.assertEqual(self.Draft.search_count([]), 1, "the form's latest only")
        draft = self.take()
        self.assertEqual(draft["values"], {"name": "", "comment": "<p>Typed more</p>"})
        self.assertTrue(draft["date"])
        self.assertIsNone(self.take(), "used once")

    def test_a_new_record_draft_belongs_to_its_page(self):
        self.log_in("idle_writer")
        self.assertTrue(self.keep({"email": "ann@example.com"}, res_id=0))
        info = self.jsonrpc("/web/session/get_session_info")["result"]
        self.assertNotIn("idle_logout_drafts", info, "read at the login")
        self.log_in("idle_writer")
        info = self.jsonrpc("/web/session/get_session_info")["result"]
        self.assertEqual(
            info["idle_logout_drafts"], [["res.partner", 0, "/odoo/contacts/1"]]
        )
        self.assertEqual(self.take(res_id=0)["values"], {"email": "ann@example.com"})

    def test_no_password_nor_file_is_kept_in_lines_either(self):
        self.authenticate("admin", "admin")
        server = self.env["ir.mail_server"].create(
            {"name": "Draft SMTP", "smtp_host": "localhost"}
        )
        values = {"smtp_user": "ann", "smtp_pass": "s3cret"}
        self.assertTrue(self.keep(values, res_id=server.id, model="ir.mail_server"))
        draft = self.take(res_id=server.id, model="ir.mail_server")
        self.assertEqual(draft["values"], {"smtp_user": "ann"}, "no password")
        line = {"name": "Kid", "image_1920": "A" * MAX_DRAFT_BYTES}
        self.assertTrue(self.keep({"child_ids": [[0, "virtual_1", line]]}))
        self.assertEqual(
            self.take()["values"],
            {"child_ids": [[0, "virtual_1", {"name": "Kid"}]]},
            "an image of a line neither, and the rest within the cap",
        )

    def test_employees_create_no_draft_of_their_own(self):
        writer = self.env["res.users"].search([("login", "=", "idle_writer")])
        with self.assertRaises(AccessError):
            self.env["idle_user_logout.draft"].with_user(writer).create(
                {
                    "user_id": writer.id,
                    "res_model": "res.partner",
                    "values": {"comment": "x" * (2 * MAX_DRAFT_BYTES)},
                }
            )

    def test_a_record_saved_since_says_by_whom_and_when(self):
        self.log_in("idle_writer")
        self.keep({"name": "Mine"})
        other = self.env["res.users"].search([("login", "=", "idle_other")])
        self.env.cr.execute(
            "UPDATE res_partner SET write_date = write_date + interval '1 hour', "
            "write_uid = %s WHERE id = %s",
            (other.id, self.partner.id),
        )
        self.partner.invalidate_recordset()
        draft = self.take()
        self.assertEqual(draft["values"], {"name": "Mine"})
        self.assertEqual(draft["saved_since"]["by"], other.name)
        self.assertEqual(
            draft["saved_since"]["date"],
            self.partner.write_date.strftime("%Y-%m-%d %H:%M:%S"),
        )
        self.keep({"name": "Mine again"})
        self.assertNotIn("saved_since", self.take(), "not saved since this one")

    def test_the_login_tells_the_web_client_which_forms_have_one(self):
        """...and its page carries the code that puts a draft back while one waits."""
        code = "idle_user_logout.assets_drafts"
        self.log_in("idle_writer")
        self.assertNotIn(code, self.url_open("/odoo").text, "none kept yet")
        self.keep({"name": ""})
        self.url_open("/web/session/logout")
        self.log_in("idle_writer")
        info = self.jsonrpc("/web/session/get_session_info")["result"]
        self.assertEqual(
            info["idle_logout_drafts"], [["res.partner", self.partner.id, False]]
        )
        self.assertIn(code, self.url_open("/odoo").text)
        self.take()
        info = self.jsonrpc("/web/session/get_session_info")["result"]
        self.assertNotIn("idle_logout_drafts", info, "taken: forgotten")
        self.assertNotIn(code, self.url_open("/odoo").text)

    def test_pages_read_it_from_the_session_not_from_the_database(self):
        self.log_in("idle_writer")
        writer = self.env["res.users"].search([("login", "=", "idle_writer")])
        self.Draft.create(
            {"user_id": writer.id, "res_model": "res.partner", "res_id": 1}
        )
        info = self.jsonrpc("/web/session/get_session_info")["result"]
        self.assertNotIn("idle_logout_drafts", info, "looked up at the login only")

    def test_only_its_user_reads_it(self):
        self.log_in("idle_writer")
        self.keep({"name": ""})
        for login in ("idle_other", "admin"):
            user = self.env["res.users"].search([("login", "=", login)])
            drafts = self.env["idle_user_logout.draft"].with_user(user)
            self.assertEqual(drafts.search_count([]), 0, login)
        self.log_in("idle_other")
        self.assertIsNone(self.take())
        self.assertEqual(self.Draft.search_count([]), 1, "still the writer's")

    def test_a_portal_user_keeps_and_reads_nothing(self):
        self.log_in("idle_writer")
        self.keep({"name": ""})
        self.log_in("idle_portal")
        self.assertFalse(self.keep({"name": "Portal"}))
        self.assertIsNone(self.take())
        portal = self.env["res.users"].search([("login", "=", "idle_portal")])
        with self.assertRaises(AccessError):
            self.env["idle_user_logout.draft"].with_user(portal).search([])

    def test_refused_or_dropped_with_nothing_else_changed(self):
        self.log_in("idle_writer")
        big = {"comment": "x" * (MAX_DRAFT_BYTES + 1)}
        self.assertFalse(self.keep(big), "larger than 1 MB")
        self.assertFalse(self.keep({"name": "x"}, model="no.such.model"))
        self.assertFalse(self.keep({"no_such_field": "x"}))
        self.assertTrue(
            self.keep({"name": "", "no_such_field": "x", "image_1920": "AA"})
        )
        self.assertEqual(self.take()["values"], {"name": ""}, "files are not kept")
        self.assertFalse(self.keep({"name": "x"}, res_id=10**9), "no such record")
        self.assertEqual(self.Draft.search_count([]), 0)

    def test_a_record_deleted_or_no_longer_writable_drops_its_draft(self):
        self.log_in("idle_writer")
        self.keep({"name": ""})
        self.partner.unlink()
        self.assertIsNone(self.take())
        self.assertEqual(self.Draft.search_count([]), 0)
        self.log_in("idle_reader")
        self.assertFalse(
            self.keep({"name": "x"}, res_id=self.env.ref("base.main_partner").id)
        )

    def test_old_drafts_go_with_the_auto_vacuum_and_all_when_disabled(self):
        self.log_in("idle_writer")
        self.keep({"name": ""})
        self.keep({"email": "new@example.com"}, res_id=0)
        old = self.Draft.search([("res_id", "=", 0)])
        self.env.cr.execute(
            "UPDATE idle_user_logout_draft SET create_date = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(days=8), old.id),
        )
        self.Draft._gc_old_drafts()
        self.assertEqual(self.Draft.search([]).mapped("res_id"), [self.partner.id])
        self.env["res.config.settings"].create({"idle_logout_enabled": False}).execute()
        self.assertEqual(self.Draft.search_count([]), 0)
