// @ts-check
/**
 * `PresenceSync.salesforce.lightning({...})`: the Salesforce adapter for Lightning Experience.
 *
 * In Lightning, Omni-Channel is reachable only from an Aura component
 * (`lightning:omniToolkitAPI` and the `lightning:omniChannel*` events), and WebAssembly
 * cannot run in Aura or LWC. So the engine runs in the PresenceSyncSoftphone Visualforce
 * page, framed by the Presence Sync utility item (aura/PresenceSyncBridge), which holds the
 * toolkit and relays commands and events: the default transport is salesforce-frame.js
 * (window.postMessage with strict origin checks). Any object of the RelayTransport shape can
 * replace it (`options.transport`), such as one over Lightning Message Service for a
 * rendering utility item and an Open CTI softphone.
 *
 * Start-up does not depend on load order: until Omni-Channel has answered once (the utility
 * item and, behind it, the Omni toolkit), requests wait for it and reading the current status
 * is asked again after each `timeoutMs`. While it waits longer than `timeoutMs` the listener
 * gets `{type: "error", code: "timeout", waiting: true, message}` (once per reason), and when
 * Omni-Channel first answers `{type: "ready", message}`. These are platform mechanics: what
 * the engine should make of the wait is not decided here.
 *
 * Facts passed as Salesforce gives them: status Ids go to the toolkit in the 15-character
 * form Salesforce's samples use; every payload field (reason, interruptible workload) reaches
 * the listener; a status comes with its Id (the engine names it when Salesforce does not);
 * a refusal rejects with the utility item's `{type, message}` of Salesforce's error (the
 * engine classifies it). "Logged out" comes only from what Omni-Channel says: the logout
 * event, or getServicePresenceStatusId resolving without a status Id. A rejected
 * getServicePresenceStatusId is an error with Salesforce's words, not a logout. A command
 * once Omni-Channel has answered has no timer here: the engine's `writeTimeoutMs` is the one
 * timeout (an answer that never comes is given up after MAX_PENDING newer requests).
 */

import { psError, describe, safeLog } from "./errors.js";
import { WAIT_NOTICE_MS, catalogCache, catalogReads, isSalesforceId, omniListeners, readCurrentStatus } from "./salesforce-payload.js";
import { frameTransport } from "./salesforce-frame.js";

export { PROTOCOL, SOURCE, RELAY_SOURCE, frameTransport } from "./salesforce-frame.js";

const EVENTS = new Set(["statusChanged", "loginSuccess", "logout", "workAccepted", "workloadChanged"]);
/** Requests sent and not answered that are kept; beyond, the oldest is given up. */
const MAX_PENDING = 64;

/**
 * @typedef {import("./types.js").SalesforceAdapter} SalesforceAdapter
 * @typedef {import("./types.js").LogFunction} LogFunction
 * @typedef {import("./salesforce-frame.js").RelayTransport} RelayTransport
 *
 * @typedef {{
 *   catalog: () => Promise<any>,
 *   parentOrigin?: string,
 *   relayToken?: string,
 *   transport?: RelayTransport,
 *   timeoutMs?: number,
 *   helloMs?: number,
 *   window?: any,
 *   log?: LogFunction,
 *   setTimeout?: (fn: () => void, ms: number) => any,
 *   clearTimeout?: (handle: any) => void,
 *   setInterval?: (fn: () => void, ms: number) => any,
 *   clearInterval?: (handle: any) => void,
 * }} LightningOptions
 *  - catalog: resolves to the presence status catalog (the page passes Visualforce Remoting
 *    to PresenceSyncController.getCatalogRemote: `{statuses, serviceChannels}`);
 *  - parentOrigin: the exact origin of the utility item (PresenceSyncOrigins gives it);
 *  - relayToken: the token the utility item put in the page's URL (`#relay=...`);
 *  - transport: another relay transport instead of the frame one;
 *  - timeoutMs: how long Omni-Channel may stay silent at first before the adapter says it
 *    waits, and asks for the current status again (default 5000);
 *  - helloMs: how often the page looks for the utility item until it answers (default 1000);
 *  - window, log, timers: the page's window, `(level, message, detail)`, injected timers (tests).
 */

/**
 * @typedef {{
 *   id: string, command: string, args: Record<string, any>, waitForOmni: boolean,
 *   resolve: (value: any) => void, reject: (error: any) => void, timer: any,
 * }} Request
 */

/**
 * @param {LightningOptions} options
 * @returns {SalesforceAdapter & {listServiceChannels(): Promise<import("./types.js").ServiceChannelInfo[]>}}
 */
export function lightning(options) {
  const o = /** @type {LightningOptions} */ (options ?? {});
  if (typeof o.catalog !== "function") {
    throw psError(
      "unavailable",
      "PresenceSync.salesforce.lightning needs options.catalog: a function resolving to the presence status catalog (the PresenceSyncSoftphone page passes Visualforce Remoting to PresenceSyncController.getCatalogRemote).",
    );
  }
  const timeoutMs = o.timeoutMs ?? WAIT_NOTICE_MS;
  const timers = {
    setTimeout: o.setTimeout ?? ((/** @type {() => void} */ fn, /** @type {number} */ ms) => globalThis.setTimeout(fn, ms)),
    clearTimeout: o.clearTimeout ?? ((/** @type {any} */ handle) => globalThis.clearTimeout(handle)),
  };
  const log = safeLog(o.log);
  const transport = o.transport ?? frameTransport({
    parentOrigin: o.parentOrigin,
    token: o.relayToken,
    window: o.window,
    helloMs: o.helloMs,
    setInterval: o.setInterval,
    clearInterval: o.clearInterval,
    log,
  });
  const idPrefix = `ps-${Math.random().toString(36).slice(2, 10)}`;
  let sequence = 0;
  let open = false;
  /** Omni-Channel has answered at least once since the transport opened. */
  let answered = false;
  /** The reason of the last waiting notice ("" none). */
  let waitingNoticed = "";
  /** @type {any} */
  let waitTimer = null;
  /** @type {Request[]} requests waiting for the utility item */
  const queued = [];
  /** @type {Map<string, Request>} requests sent, waiting for their answer */
  const pending = new Map();

  const catalog = catalogCache(() => o.catalog(), log);
  const events = omniListeners(log);

  function ensureOpen() {
    if (open) return;
    open = true;
    answered = false;
    waitingNoticed = "";
    transport.open({
      connected() {
        log("debug", "The Presence Sync utility item is there; sending the waiting requests.", { queued: queued.length });
        for (const r of queued.splice(0)) send(r);
        if (!answered) armWaitClock();
      },
      message: onMessage,
    });
    armWaitClock();
  }

  /** Reports the wait once it has lasted timeoutMs without an answer from Omni-Channel. */
  function armWaitClock() {
    if (waitTimer !== null) timers.clearTimeout(waitTimer);
    waitTimer = timers.setTimeout(() => {
      waitTimer = null;
      if (answered || !open) return;
      noticeWaiting();
    }, timeoutMs);
  }

  function noticeWaiting() {
    const reason = transport.waiting();
    if (reason === waitingNoticed) return;
    waitingNoticed = reason;
    const message = `Waiting for Omni-Channel: ${reason}. Presence sync starts as soon as it answers.`;
    log("warn", message);
    events.deliver({ type: "error", code: "timeout", waiting: true, message });
  }

  function omniAnswered() {
    if (answered) return;
    answered = true;
    if (waitTimer !== null) timers.clearTimeout(waitTimer);
    waitTimer = null;
    const message = waitingNoticed ? "Omni-Channel answers; presence sync is running." : "Omni-Channel answers.";
    log(waitingNoticed ? "info" : "debug", message);
    events.deliver({ type: "ready", message });
  }

  /** @param {Request} r */
  function send(r) {
    pending.set(r.id, r);
    if (pending.size > MAX_PENDING) giveUpOldest();
    try {
      transport.send({ kind: "request", id: r.id, command: r.command, args: r.args });
    } catch (error) {
      settle(r);
      r.reject(psError("unavailable", `Could not send ${r.command} to the Presence Sync utility item: ${describe(error)}.`, { cause: error }));
      return;
    }
    // Until Omni-Channel first answers, a read waiting for it is asked again after each
    // timeoutMs (it is late, not failing); nothing else has a timer here.
    if (r.waitForOmni && !answered) r.timer = timers.setTimeout(() => askAgain(r), timeoutMs);
  }

  /** @param {Request} r */
  function askAgain(r) {
    r.timer = null;
    if (!pending.delete(r.id)) return;
    if (!answered && open) noticeWaiting();
    r.id = `${idPrefix}-${++sequence}`;
    send(r);
  }

  /** The oldest request never answered is given up: its answer will not come now. */
  function giveUpOldest() {
    const [oldest] = pending.values();
    settle(oldest);
    oldest.reject(psError("unavailable", `${oldest.command} was never answered by the Presence Sync utility item (${transport.waiting()}); given up after ${MAX_PENDING} newer requests.`));
  }

  /** Forgets a request (answered, failed or abandoned). @param {Request} r */
  function settle(r) {
    pending.delete(r.id);
    if (r.timer !== null) timers.clearTimeout(r.timer);
    r.timer = null;
  }

  /** @param {Record<string, any>} m */
  function onMessage(m) {
    switch (m.kind) {
      case "response": {
        const r = typeof m.id === "string" ? pending.get(m.id) : undefined;
        if (!r) {
          log("debug", "An answer to a request this page is no longer waiting for (answered late).", m);
          return;
        }
        omniAnswered();
        settle(r);
        // A refusal is passed on as the utility item gives Salesforce's: {type, message}.
        if (m.ok === true) r.resolve(m.result);
        else r.reject(m.error ?? { type: "OmniToolkitError", message: `the utility item reported a failure of ${r.command} without details` });
        releaseIfIdle();
        return;
      }
      case "event":
        omniAnswered();
        if (typeof m.event !== "string" || !EVENTS.has(m.event)) {
          events.deliver({
            type: "error",
            code: "invalid-event",
            message: `Skipped a message from the Presence Sync utility item naming an unknown Omni-Channel event ${describe(m.event)}.`,
            payload: m,
          });
          return;
        }
        log("debug", `Omni-Channel ${m.event}`, m.payload);
        events.push(m.event, m.payload);
        return;
      default:
        log("debug", `Ignored a message of kind ${describe(m.kind)} from the utility item.`, m);
    }
  }

  /**
   * Sends a command to the utility item and waits for its answer.
   * @param {string} command
   * @param {Record<string, any>} [args]
   * @param {{waitForOmni?: boolean}} [how] waitForOmni: until Omni-Channel first answers, ask again after each timeout
   * @returns {Promise<any>}
   */
  function request(command, args = {}, how = {}) {
    return new Promise((resolve, reject) => {
      /** @type {Request} */
      const r = { id: `${idPrefix}-${++sequence}`, command, args, waitForOmni: !!how.waitForOmni, resolve, reject, timer: null };
      ensureOpen();
      if (transport.connected) send(r);
      else queued.push(r);
    });
  }

  /** Closes the transport when nobody listens and nothing is asked. */
  function releaseIfIdle() {
    if (!open || events.size > 0 || pending.size > 0 || queued.length > 0) return;
    open = false;
    if (waitTimer !== null) timers.clearTimeout(waitTimer);
    waitTimer = null;
    transport.close();
  }

  /** The last listener left: what only waits for Omni-Channel to show up is given up. */
  function abandonWaiting() {
    const stopped = () => psError("unavailable", "Stopped waiting for Omni-Channel: nothing listens to it any more.");
    for (const r of queued.splice(0)) r.reject(stopped());
    if (!answered) {
      for (const r of [...pending.values()]) {
        if (!r.waitForOmni) continue;
        settle(r);
        r.reject(stopped());
      }
    }
    releaseIfIdle();
  }

  return Object.freeze({
    /** The current status as Omni-Channel gives it, or null when it says there is none (logged out). */
    async getStatus() {
      const result = await request("getServicePresenceStatusId", {}, { waitForOmni: true });
      if (result === null || result === undefined) return null;
      if (typeof result === "object" && !Array.isArray(result) && (result.statusId === null || result.statusId === undefined || result.statusId === "")) {
        return null;
      }
      return readCurrentStatus(result);
    },
    ...catalogReads(catalog),
    async setStatus(statusId) {
      // Salesforce's samples and connectors give the toolkit the 15-character Id.
      await request("setServicePresenceStatus", { statusId: isSalesforceId(statusId) ? statusId.slice(0, 15) : statusId });
    },
    async logout() {
      await request("logout");
    },
    subscribe(listener) {
      const unsubscribe = events.subscribe(listener);
      ensureOpen();
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        unsubscribe();
        if (events.size === 0) abandonWaiting();
      };
    },
  });
}
