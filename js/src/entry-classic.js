// @ts-check
// Entry of the classic script js/dist/presence-sync.js (an IIFE defining window.PresenceSync).
// Files default to the directory this script was loaded from.
import { setScriptUrl } from "./loader.js";

const current = typeof document !== "undefined" ? /** @type {HTMLScriptElement | null} */ (document.currentScript) : null;
setScriptUrl(current && current.src);

export * from "./index.js";
