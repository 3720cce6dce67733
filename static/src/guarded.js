/**
 * The addon never crashes the page: its handlers run guarded, their errors written to the
 * console.
 */

/** Runs `fn`, logging its errors to the console. */
export function guarded(fn) {
    return async (...args) => {
        try {
            return await fn(...args);
        } catch (error) {
            console.error("idle_user_logout:", error);
        }
    };
}
