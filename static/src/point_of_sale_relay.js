/**
 * The Point of Sale's relay: a cashier's clicks and keys count as the session's activity, in
 * its other tabs and on the server; the POS itself is never logged out from here.
 */
import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { session } from "@web/session";
import { tabChannel } from "./tab_channel";

/**
 * The Point of Sale has its own lock screen and is never logged out from here; a cashier's
 * clicks and keys keep the session open, in its other tabs and on the server (its orders
 * may wait offline, with no request for a long while), and answer an idle tab about to leave.
 */
export const pointOfSaleRelayService = {
    start() {
        const timeoutMs = session.idle_logout_timeout_minutes * 60_000;
        if (!timeoutMs) {
            return;
        }
        let lastActivity = Date.now();
        const channel = tabChannel({
            sessionKey: session.idle_logout_session_key,
            keepaliveMs: session.idle_logout_keepalive * 1000,
            onMessage: ({ type, reason }) => {
                if (
                    type === "leave" &&
                    reason === "idle" &&
                    Date.now() - lastActivity < timeoutMs
                ) {
                    channel.post("activity", { at: lastActivity });
                }
            },
        });
        const onActivity = () => {
            lastActivity = Date.now();
            channel.report(lastActivity, { toServer: true });
        };
        browser.addEventListener("click", onActivity, true);
        browser.addEventListener("keydown", onActivity, true);
    },
};

registry.category("services").add("idle_user_logout_point_of_sale", pointOfSaleRelayService);
