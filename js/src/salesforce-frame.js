// @ts-check
/**
 * The page side of the relay between the sync engine's page and Omni-Channel in Lightning:
 * the PresenceSyncSoftphone Visualforce page runs inside the Presence Sync utility item
 * (aura/PresenceSyncBridge), which holds `lightning:omniToolkitAPI`; the two talk with
 * `window.postMessage`. This is the default transport of `PresenceSync.salesforce.lightning`
 * (salesforce-lightning.js); another transport of the same shape can replace it.
 *
 * Salesforce documents this pattern: a Visualforce page and the Lightning component that
 * frames it are on different origins and talk with postMessage ("Communicating Between
 * Lightning Components and Visualforce Pages",
 * https://developer.salesforce.com/blogs/developer-relations/2017/01/lightning-visualforce-communication.html);
 * Lightning Web Security keeps iframe.contentWindow.postMessage and the identity of a
 * message's origin ("Access to iframe Content in Lightning Web Security",
 * https://developer.salesforce.com/docs/platform/lightning-components-security/guide/lws-iframes.html).
 *
 * Messages (every one carries `protocol: 1`, `source` and the relay's `token`):
 *   page → utility item  {kind: "hello"}   sent every `helloMs` until the item answers
 *                        {kind: "request", id, command, args}
 *   utility item → page  {kind: "ready"}
 *                        {kind: "response", id, ok: true, result} | {kind: "response", id, ok: false, error: {type, message}}
 *                        {kind: "event", event, payload}   payload: the Aura event's parameters as Salesforce gave them
 * Strict on both sides: this page posts only to `parentOrigin` (never "*") and keeps only
 * messages whose origin is exactly `parentOrigin`, whose source is its parent window, and
 * whose token is the one the utility item put in the page's URL.
 */

import { psError } from "./errors.js";

/** Version of the relay protocol. */
export const PROTOCOL = 1;
/** `source` of this side's messages. */
export const SOURCE = "PresenceSyncSoftphone";
/** `source` of the utility item's messages. */
export const RELAY_SOURCE = "PresenceSyncBridge";
/** How often an unanswered page says hello again. */
export const HELLO_MS = 1000;

/**
 * A relay transport: how the Lightning adapter reaches the component holding the Omni toolkit.
 * @typedef {{
 *   open(sink: {message(message: Record<string, any>): void, connected(): void}): void,
 *   send(message: Record<string, any>): void,
 *   close(): void,
 *   readonly connected: boolean,
 *   waiting(): string,
 * }} RelayTransport
 *  - open: start listening and looking for the other side; `connected()` once it answers,
 *    then `message(m)` for each of its messages (kind "response" or "event");
 *  - send: a message to the other side (only once connected);
 *  - close: stop listening; nothing is delivered afterwards;
 *  - waiting(): why the other side has not answered yet, in words an admin can act on.
 */

/**
 * @param {{
 *   parentOrigin?: string,
 *   token?: string,
 *   window?: any,
 *   helloMs?: number,
 *   setInterval?: (fn: () => void, ms: number) => any,
 *   clearInterval?: (handle: any) => void,
 *   log?: (level: "error" | "warn" | "info" | "debug", message: string, detail?: any) => void,
 * }} o
 *  - parentOrigin: the exact origin of the utility item (the org's Lightning domain; the
 *    Visualforce page gets it from the PresenceSyncOrigins Apex class);
 *  - token: the relay token from the page's URL (`#relay=...`);
 *  - window: the page's window (default globalThis).
 * @returns {RelayTransport}
 */
export function frameTransport(o) {
  const win = o.window ?? /** @type {any} */ (globalThis);
  const parentOrigin = o.parentOrigin;
  if (typeof parentOrigin !== "string" || !isOrigin(parentOrigin)) {
    throw psError(
      "unavailable",
      `PresenceSync.salesforce.lightning needs parentOrigin, the exact origin of the Presence Sync utility item (such as https://MyDomain.lightning.force.com), not ${JSON.stringify(parentOrigin)}.`,
    );
  }
  const token = typeof o.token === "string" ? o.token : "";
  const helloMs = o.helloMs ?? HELLO_MS;
  const setEvery = o.setInterval ?? ((/** @type {() => void} */ fn, /** @type {number} */ ms) => globalThis.setInterval(fn, ms));
  const clearEvery = o.clearInterval ?? ((/** @type {any} */ h) => globalThis.clearInterval(h));
  const log = o.log ?? (() => {});
  /** @type {{message(m: Record<string, any>): void, connected(): void} | null} */
  let sink = null;
  let connected = false;
  /** @type {any} */
  let timer = null;
  let warnedProtocol = false;
  let ignored = 0;

  const framed = () => !!win.parent && win.parent !== win;

  function hello() {
    if (!framed()) return;
    try {
      win.parent.postMessage({ protocol: PROTOCOL, source: SOURCE, token, kind: "hello" }, parentOrigin);
    } catch (e) {
      log("warn", "Could not say hello to the Presence Sync utility item.", e);
    }
  }

  /** @param {any} event */
  function onMessage(event) {
    if (!sink) return;
    if (!event || event.origin !== parentOrigin || event.source !== win.parent) {
      if (++ignored <= 3) log("debug", `Ignored a message from ${event && typeof event.origin === "string" ? event.origin : "an unknown origin"}: only the utility item at ${parentOrigin} is heard.`);
      return;
    }
    const m = event.data;
    if (!m || typeof m !== "object" || Array.isArray(m) || m.source !== RELAY_SOURCE || m.token !== token) return;
    if (m.protocol !== PROTOCOL) {
      if (!warnedProtocol) log("warn", `The Presence Sync utility item speaks relay protocol ${String(m.protocol)}, this page ${PROTOCOL}: deploy the two from the same release.`);
      warnedProtocol = true;
      return;
    }
    if (m.kind === "ready") {
      if (connected) return;
      connected = true;
      if (timer !== null) clearEvery(timer);
      timer = null;
      log("debug", "The Presence Sync utility item answered.");
      sink.connected();
      return;
    }
    if (!connected) return;
    try {
      sink.message(m);
    } catch (e) {
      log("error", "A message from the Presence Sync utility item could not be handled.", e);
    }
  }

  return Object.freeze({
    open(s) {
      if (sink) return;
      sink = s;
      win.addEventListener("message", onMessage);
      hello();
      timer = setEvery(hello, helloMs);
    },
    send(message) {
      win.parent.postMessage({ ...message, protocol: PROTOCOL, source: SOURCE, token }, parentOrigin);
    },
    close() {
      if (!sink) return;
      sink = null;
      connected = false;
      win.removeEventListener("message", onMessage);
      if (timer !== null) clearEvery(timer);
      timer = null;
    },
    get connected() {
      return connected;
    },
    waiting() {
      if (win.origin === "null") {
        return "this page runs in a sandboxed frame (its origin is \"null\"), so the Presence Sync utility item cannot trust its messages: the frame must point at the org's Visualforce domain";
      }
      if (!framed()) {
        return "this page is not inside the Presence Sync utility item: open the Lightning app whose utility bar has the Presence Sync item";
      }
      if (!connected) {
        return `the Presence Sync utility item (${parentOrigin}) has not answered: is it in this app's utility bar?`;
      }
      return "the Presence Sync utility item answers, but Omni-Channel does not: add the Omni-Channel utility to this app's utility bar";
    },
  });
}

/** @param {string} value */
function isOrigin(value) {
  try {
    const u = new URL(value);
    return (u.protocol === "https:" || u.protocol === "http:") && u.origin === value;
  } catch {
    return false;
  }
}
