/**
 * The warning before the logout (WCAG 2.2.1), and its slot for the service: a bundle of its
 * own, loaded only when the warning is on.
 */
import { Component, onMounted, onWillUnmount, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useActiveElement } from "@web/core/ui/ui_service";

/** Screen readers hear the time left this often, not every second. */
export const ANNOUNCE_EVERY_S = 15;

/** "1 min 20 s", "45 s": short enough to read at a glance and to hear. */
export function formatTimeLeft(seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    if (!minutes) {
        return _t("%(seconds)s s", { seconds: rest });
    }
    return _t("%(minutes)s min %(seconds)s s", { minutes, seconds: rest });
}

/**
 * WCAG 2.2.1: the user is warned before the idle logout and keeps the session with one
 * simple action. Any click or key press in the page (this dialog included) is activity,
 * which closes it in every tab; the button is that action made obvious.
 */
export class IdleWarning extends Component {
    static template = "idle_user_logout.IdleWarning";
    static props = {
        deadline: Number,
        onStay: Function,
        close: { type: Function, optional: true },
    };

    setup() {
        this.state = useState({ secondsLeft: this.secondsLeft() });
        this.announced = useState({ text: this.timeLeftText(this.state.secondsLeft) });
        // Focus moves into the dialog, stays there, and goes back where it was.
        useActiveElement("dialog");
        let countdown;
        onMounted(() => {
            countdown = browser.setInterval(() => this.tick(), 1000);
        });
        onWillUnmount(() => browser.clearInterval(countdown));
    }

    secondsLeft() {
        return Math.max(0, Math.ceil((this.props.deadline - Date.now()) / 1000));
    }

    timeLeftText(seconds) {
        return _t("You will be logged out in %(time)s.", { time: formatTimeLeft(seconds) });
    }

    tick() {
        const seconds = this.secondsLeft();
        this.state.secondsLeft = seconds;
        if (seconds % ANNOUNCE_EVERY_S === 0) {
            this.announced.text = this.timeLeftText(seconds);
        }
    }
}

/**
 * Where the warning shows, for the service: opened when the logout is near, closed once
 * the session is in use. Loaded with the warning, only when it is on.
 * @param {{ overlay, idleTimer: IdleTimer, catchUp: Function, onStay: Function }} params
 *   the overlay service, the tab's timer, what counts the activity the tab missed, and
 *   what staying does
 */
export function idleWarningSlot({ overlay, idleTimer, catchUp, onStay }) {
    let close;
    const slot = {
        get shown() {
            return Boolean(close);
        },
        update(now) {
            if (!idleTimer.isWarning(now)) {
                slot.hide();
            } else if (!close && catchUp(now).isWarning(now)) {
                // Work without input at that moment was use: it restarted the timer, no warning.
                close = overlay.add(IdleWarning, { deadline: idleTimer.deadline, onStay });
            }
        },
        hide() {
            close?.();
            close = undefined;
        },
    };
    return slot;
}

registry.category("idle_user_logout").add("warning", idleWarningSlot);
