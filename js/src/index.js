// @ts-check
/**
 * presence-sync's browser API (js/API.md):
 *
 *   const sync = await PresenceSync.start({wasmUrl, rules, connect, salesforce, options});
 *   sync.addEventListener("decision" | "action" | "error", (e) => e.detail);
 *   await sync.stop();
 *
 * plus the built-in Salesforce adapters `PresenceSync.salesforce.lightning(...)` and
 * `PresenceSync.salesforce.console(sforce)`, and the module's own check of a rules document,
 * `await PresenceSync.lint(rulesText)` → `{ok, problems}` (each located at its line and column).
 */

import { start } from "./start.js";
import { lint } from "./lint.js";
import { lightning } from "./salesforce-lightning.js";
import { console as consoleAdapter } from "./salesforce-console.js";

/** Version of the shim. */
export const version = "0.1.0";

/** The built-in Salesforce adapters. */
export const salesforce = Object.freeze({ lightning, console: consoleAdapter });

export { start, lint };
