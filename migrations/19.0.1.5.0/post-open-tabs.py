import time

from odoo import SUPERUSER_ID, api

from odoo.addons.idle_user_logout.models.policy import read_bool


def migrate(cr, version):
    """Sessions that end with their last tab are followed by their open tabs now
    (`idle_user_logout.tab`): the cron moves to that model before the model of closing
    tabs goes, and its table with it (Odoo keeps the tables of removed models). The
    sessions of before are left alone: their pages were not counted."""
    cr.execute(
        """
        UPDATE ir_act_server
        SET model_id = (SELECT id FROM ir_model WHERE model = 'idle_user_logout.tab')
        WHERE id IN (
            SELECT cron.ir_actions_server_id
            FROM ir_cron cron
            JOIN ir_model_data data ON data.res_id = cron.id
                AND data.model = 'ir.cron'
            WHERE data.module = 'idle_user_logout'
                AND data.name = 'ir_cron_end_closed_sessions'
        )
        """
    )
    cr.execute("DROP TABLE IF EXISTS idle_user_logout_closing")
    icp = api.Environment(cr, SUPERUSER_ID, {})["ir.config_parameter"]
    if read_bool(icp.get_param("idle_user_logout.end_on_last_tab_closed")):
        icp.set_param("idle_user_logout.end_on_last_tab_closed_since", str(time.time()))
