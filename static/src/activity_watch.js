import { browser } from "@web/core/browser/browser";
import { patch } from "@web/core/utils/patch";

/**
 * Clicks and key presses where the presence service does not listen: same-origin frames
 * (editors, viewers, even those that run no script) and windows the page opens itself.
 * Listeners are attached once per document, when it loads; cross-origin ones are out of reach.
 */
const ACTIVITY_EVENTS = ["click", "keydown"];

/** Watches the frames of this page (not the page itself, which presence watches) and its pop-outs. */
export function watchFramesAndPopOuts(onActivity) {
    function onLoad({ target }) {
        if (target.tagName === "IFRAME" || target.tagName === "FRAME") {
            watchWindow(target.contentWindow);
        }
    }

    function watchDocument(doc) {
        doc.addEventListener("load", onLoad, true);
        // Frames inside this one loaded before it did.
        for (const frame of doc.querySelectorAll("iframe, frame")) {
            watchWindow(frame.contentWindow);
        }
    }

    function watchWindow(win) {
        try {
            for (const type of ACTIVITY_EVENTS) {
                win.addEventListener(type, onActivity, true);
            }
            watchDocument(win.document);
        } catch {
            // Cross-origin or sandboxed: out of reach.
        }
    }

    watchDocument(document);
    // Pop-outs are watched when the user goes to them: their document may have been rewritten.
    const popOuts = new Set();
    patch(browser, {
        open() {
            const win = super.open(...arguments);
            popOuts.add(win);
            return win;
        },
    });
    window.documentPictureInPicture?.addEventListener("enter", ({ window }) => popOuts.add(window));
    browser.addEventListener("blur", () => {
        for (const win of popOuts) {
            if (!win || win.closed) {
                popOuts.delete(win);
            } else {
                watchWindow(win);
            }
        }
    });
}
