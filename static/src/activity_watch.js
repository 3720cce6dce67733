/**
 * Activity the presence service does not see: clicks and key presses in same-origin frames
 * (editors, viewers, even those that run no script) and in windows the page opens itself,
 * and work without input that the page counts as use.
 */
import { browser } from "@web/core/browser/browser";
import { patch } from "@web/core/utils/patch";

/**
 * Watched in each frame and pop-out, attached once per document, when it loads;
 * cross-origin ones are out of reach.
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

/** Work without input that the page counts as use: a blocked screen, an upload, a call. */
export function isWorkingWithoutInput({ ui, file_upload: fileUpload, "discuss.rtc": rtc }) {
    return (
        ui.isBlocked || Object.keys(fileUpload?.uploads || {}).length > 0 || !!rtc?.state?.channel
    );
}
