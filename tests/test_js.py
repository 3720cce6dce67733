from odoo.tests import HttpCase, tagged

from odoo.addons.web.tests.test_js import unit_test_error_checker


def hoot_job_id(name):
    """Hoot's id for a suite or test, as computed by the web client's test runner."""
    value = 0
    for char in name:
        value = ((value << 5) - value + ord(char)) & 0xFFFFFFFF
    return f"{value:08x}"


@tagged("post_install", "-at_install")
class TestIdleLogoutJs(HttpCase):
    def test_hoot_suite(self):
        """Run this addon's Hoot tests (static/tests) in Chromium."""
        self.browser_js(
            "/web/tests?headless&loglevel=2&preset=desktop&timeout=15000"
            f"&id={hoot_job_id('@idle_user_logout')}",
            "",
            "",
            login="admin",
            timeout=600,
            success_signal="[HOOT] Test suite succeeded",
            error_checker=unit_test_error_checker,
        )
