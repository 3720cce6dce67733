import { browser } from "@web/core/browser/browser";
import { registry } from "@web/core/registry";
import { session } from "@web/session";
import { BROADCAST_THROTTLE_MS, CHANNEL_NAME } from "./idle_timer";

/**
 * The Point of Sale has its own lock screen and is never logged out from here; a cashier's
 * clicks and keys keep the session's other tabs open, and answer an idle tab about to leave.
 */
export const pointOfSaleRelayService = {
    start() {
        const timeoutMs = session.idle_logout_timeout_minutes * 60_000;
        if (!timeoutMs || !browser.BroadcastChannel) {
            return;
        }
        const channel = new browser.BroadcastChannel(CHANNEL_NAME);
        let lastActivity = Date.now();
        let lastBroadcast = 0;
        const onActivity = () => {
            lastActivity = Date.now();
            if (lastActivity - lastBroadcast >= BROADCAST_THROTTLE_MS) {
                lastBroadcast = lastActivity;
                channel.postMessage({ type: "activity", at: lastActivity });
            }
        };
        browser.addEventListener("click", onActivity, true);
        browser.addEventListener("keydown", onActivity, true);
        channel.addEventListener("message", ({ data }) => {
            if (
                data.type === "leave" &&
                data.reason === "idle" &&
                Date.now() - lastActivity < timeoutMs
            ) {
                channel.postMessage({ type: "activity", at: lastActivity });
            }
        });
    },
};

registry.category("services").add("idle_user_logout_point_of_sale", pointOfSaleRelayService);
