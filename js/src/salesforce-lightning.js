// @ts-check
/**
 * `PresenceSync.salesforce.lightning({...})`: the softphone side of the Lightning bridge.
 *
 * In Lightning Experience, Omni-Channel is reachable only from an Aura component
 * (`lightning:omniToolkitAPI`, `lightning:omniChannel*` events), and WebAssembly cannot run
 * in Aura or LWC. So the engine runs in the Open CTI softphone page, and the
 * `PresenceSyncBridge` background utility item (js/salesforce/force-app/.../aura) relays
 * between the two over a Lightning Message Channel (`PresenceSync__c`), which the softphone
 * reaches with `sforce.opencti.subscribe/publish`.
 *
 * Messages on the channel (every one carries `protocol: 1` and `source`):
 *   softphone → bridge  {kind: "request", id, command, args}
 *                       commands: setServicePresenceStatus {statusId}, logout,
 *                       getServicePresenceStatusId, getAgentWorkload, listStatuses, ping
 *   bridge → softphone  {kind: "response", id, ok: true, result}
 *                       {kind: "response", id, ok: false, error: {type, message}}
 *                       {kind: "event", event, payload}   event: statusChanged | logout |
 *                         workAccepted | workloadChanged | loginSuccess; payload: the Aura
 *                         event's parameters as Salesforce gave them
 *                       {kind: "ready"}   the bridge (re)started: unanswered requests are sent again
 * Everyone on the channel sees every message (including their own): each side handles only
 * the kinds addressed to it, and the softphone only responses whose `id` it issued.
 */

import {
  DEFAULT_CHANNEL,
  DEFAULT_TIMEOUT_MS,
  adapterError,
  catalogCache,
  classifyError,
  createOmniEventStream,
  describe,
  readCurrentStatus,
  safeLog,
  silenceTracker,
  timersFrom,
  withTimeout,
} from "./salesforce-payload.js";

/** Version of the message protocol spoken on the channel. */
export const PROTOCOL = 1;
/** `source` of the messages this side publishes. */
export const SOURCE = "PresenceSyncSoftphone";
/** Every field a message on the channel may carry (declared in the message channel). */
export const MESSAGE_FIELDS = Object.freeze(["protocol", "source", "kind", "id", "command", "args", "ok", "result", "error", "event", "payload"]);

const EVENTS = new Set(["statusChanged", "loginSuccess", "logout", "workAccepted", "workloadChanged"]);

/**
 * @typedef {import("./salesforce-payload.js").SalesforceAdapter} SalesforceAdapter
 * @typedef {import("./salesforce-payload.js").Catalog} Catalog
 * @typedef {import("./salesforce-payload.js").AdapterError} AdapterError
 * @typedef {import("./salesforce-payload.js").LogFunction} LogFunction
 *
 * @typedef {{
 *   subscribe(args: {channelName: string, listener: (message: any) => void, callback?: (response: {success: boolean, returnValue?: any, errors?: any}) => void}): void,
 *   publish(args: {channelName: string, message: any, callback?: (response: {success: boolean, returnValue?: any, errors?: any}) => void}): void,
 *   unsubscribe?(args: {subscription: any, callback?: (response: {success: boolean, errors?: any}) => void}): void,
 * }} OpenCti
 *
 * @typedef {{
 *   sforce?: {opencti?: OpenCti},
 *   channel?: string,
 *   timeoutMs?: number,
 *   catalog?: () => Promise<any>,
 *   log?: LogFunction,
 *   setTimeout?: (fn: () => void, ms: number) => any,
 *   clearTimeout?: (handle: any) => void,
 * }} LightningOptions
 *  - sforce: the Open CTI global (default `globalThis.sforce`; needs opencti_min.js API 47.0+);
 *  - channel: the Lightning Message Channel's API name (default "PresenceSync__c");
 *  - timeoutMs: how long to wait for the bridge to answer a command (default 5000);
 *  - catalog: optional replacement for the `listStatuses` bridge command (resolving to the
 *    Apex controller's `{statuses, serviceChannels}` or a list of statuses);
 *  - log: `(level, message, detail)` for debug output;
 *  - setTimeout / clearTimeout: timers (tests inject their own).
 */

/**
 * @param {LightningOptions} [options]
 * @returns {SalesforceAdapter}
 */
export function lightning(options = {}) {
  const sforce = options.sforce ?? /** @type {any} */ (globalThis).sforce;
  const opencti = sforce && sforce.opencti;
  if (!opencti || typeof opencti.subscribe !== "function" || typeof opencti.publish !== "function") {
    throw adapterError(
      "unavailable",
      "PresenceSync.salesforce.lightning needs sforce.opencti with Lightning Message Service (opencti_min.js, API 47.0 or later) on the softphone page.",
    );
  }
  const channelName = options.channel ?? DEFAULT_CHANNEL;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timers = timersFrom(options);
  const log = safeLog(options.log);
  const idPrefix = `ps-${Math.random().toString(36).slice(2, 10)}`;
  let sequence = 0;
  /** Requests started and not settled (counted before they wait for the subscription). */
  let inFlight = 0;

  /** @type {Map<string, {id: string, command: string, args: any, resolve: (v: any) => void, reject: (e: any) => void}>} */
  const pending = new Map();
  /** @type {Promise<void> | null} */
  let subscribing = null;
  /** @type {any} */
  let subscription = null;
  let warnedProtocol = false;

  const catalog = catalogCache(() => (options.catalog ? options.catalog() : request("listStatuses")), log);

  const events = createOmniEventStream({
    catalog: catalog.get,
    currentStatus: () => readStatusRaw(),
    log,
  });
  const silence = silenceTracker((e) => events.deliver(e), log, "The Omni-Channel bridge");

  function ensureSubscribed() {
    if (subscribing) return subscribing;
    subscribing = new Promise((resolve, reject) => {
      try {
        opencti.subscribe({
          channelName,
          listener: onMessage,
          callback: (response) => {
            if (response && response.success) {
              subscription = response.returnValue;
              log("debug", `Subscribed to Lightning Message Channel ${channelName}.`);
              resolve();
            } else {
              subscribing = null;
              reject(failure("subscribe", response));
            }
          },
        });
      } catch (error) {
        subscribing = null;
        reject(failure("subscribe", error));
      }
    });
    return subscribing;
  }

  /**
   * @param {string} what
   * @param {any} response
   */
  function failure(what, response) {
    const errors = response && response.errors;
    const detail = errors ? (typeof errors === "string" ? errors : JSON.stringify(errors)) : response instanceof Error ? response.message : "no details";
    return adapterError("salesforce", `Could not ${what} on Lightning Message Channel ${channelName}: ${detail}.`, { type: "LightningMessageServiceError", cause: response });
  }

  function releaseIfIdle() {
    if (events.listenerCount > 0 || inFlight > 0 || !subscribing) return;
    const sub = subscription;
    subscribing = null;
    subscription = null;
    if (sub && typeof opencti.unsubscribe === "function") {
      try {
        opencti.unsubscribe({
          subscription: sub,
          callback: (response) => {
            if (!response || !response.success) log("warn", `Could not unsubscribe from ${channelName}.`, response);
          },
        });
      } catch (error) {
        log("warn", `Could not unsubscribe from ${channelName}.`, error);
      }
    }
  }

  /** @param {any} message */
  function publish(message) {
    return new Promise((resolve, reject) => {
      try {
        opencti.publish({
          channelName,
          message: { protocol: PROTOCOL, source: SOURCE, ...message },
          callback: (response) => {
            if (response && response.success === false) reject(failure("publish", response));
            else resolve(undefined);
          },
        });
      } catch (error) {
        reject(failure("publish", error));
      }
    });
  }

  /** @param {any} message */
  function onMessage(message) {
    if (!message || typeof message !== "object" || typeof message.kind !== "string") {
      log("debug", `Ignored a message on ${channelName} that is not presence-sync's.`, message);
      return;
    }
    if (message.kind === "request") return; // ours, or another softphone's
    if (message.protocol !== PROTOCOL && !warnedProtocol) {
      warnedProtocol = true;
      log("warn", `The Omni-Channel bridge speaks protocol ${message.protocol}, this page ${PROTOCOL}; deploy matching versions.`);
    }
    switch (message.kind) {
      case "response": {
        const entry = pending.get(message.id);
        if (!entry) {
          log("debug", "A bridge response to a request this page is not waiting for (answered late, or another page's).", message);
          return;
        }
        silence.answered();
        pending.delete(message.id);
        if (message.ok === true) entry.resolve(message.result);
        else entry.reject(classifyError(message.error ?? "the bridge reported a failure without details", entry.command));
        return;
      }
      case "event":
        silence.answered();
        log("debug", `Omni-Channel ${typeof message.event === "string" ? message.event : describe(message.event)}`, message.payload);
        if (typeof message.event !== "string" || !EVENTS.has(message.event)) {
          events.deliver({
            type: "error",
            code: "invalid-event",
            message: `Skipped a message from the Omni-Channel bridge naming an unknown event ${describe(message.event)}.`,
            payload: message,
          });
          return;
        }
        events.push(message.event, message.payload);
        return;
      case "ready":
        silence.answered();
        log("info", "The Omni-Channel bridge (re)started; sending unanswered requests again.", { pending: pending.size });
        for (const entry of pending.values()) {
          publish({ kind: "request", id: entry.id, command: entry.command, args: entry.args }).catch((error) => {
            pending.delete(entry.id);
            entry.reject(error);
          });
        }
        return;
      default:
        log("debug", `Ignored a message of kind ${message.kind} on ${channelName}.`, message);
    }
  }

  /**
   * Sends a command to the bridge and waits for its answer.
   * @param {string} command
   * @param {Record<string, any>} [args]
   * @returns {Promise<any>}
   */
  async function request(command, args = {}) {
    inFlight++;
    try {
      await ensureSubscribed();
    } catch (error) {
      inFlight--;
      throw error;
    }
    const id = `${idPrefix}-${++sequence}`;
    const promise = withTimeout(
      (resolve, reject) => {
        pending.set(id, { id, command, args, resolve, reject });
        publish({ kind: "request", id, command, args }).catch((error) => {
          pending.delete(id);
          reject(error);
        });
      },
      {
        ms: timeoutMs,
        setTimeout: timers.setTimeout,
        clearTimeout: timers.clearTimeout,
        message:
          `The Omni-Channel bridge did not answer ${command} within ${timeoutMs} ms. Check that the ` +
          `"Presence Sync Bridge" utility item is in this Lightning app's utility bar.`,
        onTimeout: (error) => {
          pending.delete(id);
          silence.timedOut(error);
        },
      },
    );
    try {
      return await promise;
    } finally {
      inFlight--;
      releaseIfIdle();
    }
  }


  /** The current status, or null when logged out; API name completed from the catalog. */
  async function readStatusRaw() {
    let result;
    try {
      result = await request("getServicePresenceStatusId");
    } catch (error) {
      const e = /** @type {AdapterError} */ (error);
      if (e.code === "salesforce") {
        // The toolkit rejects getServicePresenceStatusId while the agent is not logged in to Omni-Channel.
        log("debug", "getServicePresenceStatusId failed: taken as logged out of Omni-Channel.", e.message);
        return null;
      }
      throw error;
    }
    if (result === null || result === undefined) return null;
    return readCurrentStatus(result, catalog.get);
  }

  return {
    async getStatus() {
      const status = await readStatusRaw();
      events.knowStatus(status ? status.statusId : null);
      return status;
    },
    async listStatuses() {
      const { statuses } = await catalog.reload();
      return statuses.map((s) => ({ ...s }));
    },
    async setStatus(statusId) {
      await request("setServicePresenceStatus", { statusId });
    },
    async logout() {
      await request("logout");
    },
    subscribe(listener) {
      const unsubscribe = events.subscribe(listener);
      ensureSubscribed().catch((error) => {
        log("error", error.message, error);
        events.deliver({ type: "error", code: "unavailable", message: error.message });
      });
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        unsubscribe();
        releaseIfIdle();
      };
    },
  };
}
