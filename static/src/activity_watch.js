/**
 * Clicks and key presses where the presence service does not listen: same-origin frames
 * (editors, viewers, even those that run no script) and windows the page opens itself.
 * Listeners are attached once per document, when it loads; cross-origin ones are out of reach.
 */
const ACTIVITY_EVENTS = ["click", "keydown"];

/**
 * Watches the frames of `win` (not `win` itself, which presence watches) and returns
 * `watchWindow`, to watch another window of the page with its frames.
 */
export function watchFrames(win, onActivity) {
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

    function watchWindow(frameWin) {
        try {
            for (const type of ACTIVITY_EVENTS) {
                frameWin.addEventListener(type, onActivity, true);
            }
            watchDocument(frameWin.document);
        } catch {
            // Cross-origin or sandboxed: out of reach.
        }
    }

    watchDocument(win.document);
    return watchWindow;
}
