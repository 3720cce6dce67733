"""Take the app page's screenshots in real Chromium against a real server:
static/description/settings.png (the Auto Logout block, its boxes in Odoo's grid),
group_rules.png (timeouts and exemptions by group), warning.png (the optional warning,
20 s before the logout) and login_notice.png.

Usage: make screenshots
"""

import io
import uuid

from helpers import (
    REPO,
    OdooServer,
    create_database,
    drop_database,
    free_port,
    login,
    start_chrome,
    wait_for,
)
from PIL import Image
from selenium.webdriver.common.by import By

OUT = REPO / "static" / "description"


def crop(driver, elements, path, margin=16):
    """Save the part of the viewport that holds `elements`."""
    boxes = [
        driver.execute_script("return arguments[0].getBoundingClientRect()", e)
        for e in elements
    ]
    ratio = driver.execute_script("return window.devicePixelRatio")
    height = driver.execute_script("return window.innerHeight")
    left = min(b["left"] for b in boxes) - margin
    top = min(b["top"] for b in boxes) - margin
    right = max(b["right"] for b in boxes) + margin
    bottom = min(max(b["bottom"] for b in boxes) + margin, height)
    image = Image.open(io.BytesIO(driver.get_screenshot_as_png()))
    box = [round(v * ratio) for v in (max(left, 0), max(top, 0), right, bottom)]
    image.crop(box).save(path)


def give_groups_rules(server):
    """A company's rules: 5 min for accounting, 60 for the warehouse, a wall display."""
    for group, rule, people in (
        ("Accounting", {"idle_logout_timeout_minutes": 5}, ("Ana", "Bo")),
        ("Warehouse", {"idle_logout_timeout_minutes": 60}, ("Chen", "Dee", "Eli")),
        ("Wall displays", {"idle_logout_exempt": True}, ("Lobby screen",)),
    ):
        users = [
            server.call("res.users", "create", [{"name": name, "login": name.lower()}])[
                0
            ]
            for name in people
        ]
        server.call(
            "res.groups",
            "create",
            [{"name": group, "user_ids": [(6, 0, users)], **rule}],
        )


def main():
    db = f"iul_shots_{uuid.uuid4().hex[:8]}"
    create_database(db)
    server = OdooServer(db, free_port())
    # Tall enough for the whole Auto Logout block and its title.
    driver = start_chrome("--window-size=1366,1300")
    try:
        server.configure(enabled=True, timeout_minutes=15)
        give_groups_rules(server)
        login(driver, server, "/odoo/settings")
        wait_for(driver, "#idle_logout_setting")
        heading = driver.find_element(By.XPATH, "//h2[contains(., 'Auto Logout')]")
        # The block's grid: every box of the Auto Logout settings.
        block = heading.find_element(
            By.XPATH, "following-sibling::div[contains(@class, 'o_settings_container')]"
        )
        driver.execute_script("arguments[0].scrollIntoView({block: 'end'})", block)
        wait_for(driver, "#idle_logout_setting .o_field_integer input")
        crop(driver, [heading, block], OUT / "settings.png")

        driver.get(
            f"{server.url}/odoo/action-idle_user_logout.res_groups_idle_logout_action"
        )
        rules = wait_for(driver, ".o_list_renderer table")
        wait_for(driver, ".o_data_row")
        crop(
            driver,
            [driver.find_element(By.CSS_SELECTOR, ".o_control_panel"), rules],
            OUT / "group_rules.png",
        )

        server.configure(enabled=True, timeout_minutes=1)
        server.set_param("idle_user_logout.warning_seconds", "20")
        driver.refresh()
        dialog = wait_for(driver, ".o_idle_logout_warning .modal-content", timeout=60)
        crop(driver, [dialog], OUT / "warning.png")

        driver.delete_all_cookies()
        driver.get(f"{server.url}/web/login?idle_logout=15&redirect=/odoo/settings")
        card = wait_for(driver, ".o_idle_logout_notice")
        wait_for(driver, "form.oe_login_form button[type=submit]")
        crop(
            driver,
            [card, driver.find_element(By.CSS_SELECTOR, ".card")],
            OUT / "login_notice.png",
        )
    finally:
        driver.quit()
        server.stop()
        drop_database(db)
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
