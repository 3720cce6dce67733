/**
 * A page of a session that ends with its last page (an option) tells the server when it
 * closes. The pages' bundles carry this code only while the option is on (see
 * `ir_config_parameter.py`): the web client, website pages and the Point of Sale alike.
 */
import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { session } from "@web/session";
import { guarded } from "./tab_channel";

/** Where a closing page says so. */
const TAB_CLOSED_URL = "/idle_user_logout/tab_closed";
/** Where a tab keeps the key of its page. */
const TAB_KEY = "idle_user_logout.tab";

/**
 * The server counts the pages it served, each with its own `key`, until they say they
 * closed. A page kept for the back button has not closed. A page the browser discarded
 * could not say it: the tab says it for it when it is loaded again.
 */
function sayWhenClosed(key) {
    const close = (pageKey) =>
        browser.navigator.sendBeacon(TAB_CLOSED_URL, new URLSearchParams({ key: pageKey }));
    const storage = browser.sessionStorage;
    const discarded = storage.getItem(TAB_KEY);
    if (document.wasDiscarded && discarded && discarded !== key) {
        close(discarded);
    }
    try {
        storage.setItem(TAB_KEY, key);
    } catch {
        // The storage is full: a discarded page is left to the idle timeout.
    }
    browser.addEventListener("pagehide", ({ persisted }) => {
        if (!persisted) {
            close(key);
            storage.removeItem(TAB_KEY);
        }
    });
}

export const lastTabService = {
    start() {
        // Any page the server counted, whatever its user's rule: an exempt user's too.
        if (session.idle_logout_tab) {
            guarded(sayWhenClosed)(session.idle_logout_tab);
        }
    },
};

registry.category("services").add("idle_user_logout_last_tab", lastTabService);
