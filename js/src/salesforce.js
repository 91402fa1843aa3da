// @ts-check
/**
 * The Salesforce side: any object of DESIGN.md's adapter shape
 * (`getStatus`, `listStatuses`, `setStatus`, `logout`, `subscribe`), such as the built-in
 * `PresenceSync.salesforce.lightning(...)` and `.console(sforce)`, or a page's own.
 *
 * Adapter events become engine events:
 *   statusChanged   → Salesforce Agent State Change {statusId, statusApiName, statusName, reason}
 *   logout          → Salesforce Agent Logout {reason}
 *   workAccepted    → Salesforce Work Accepted {workItemId, workId, serviceChannel}
 *   workloadChanged → Salesforce Workload Changed {configuredCapacity, previousWorkload, newWorkload,
 *                     configuredInterruptibleCapacity, previousInterruptibleWorkload, newInterruptibleWorkload}
 *   ready           → nothing (the adapter's platform answers; see salesforce-payload.js)
 * An adapter's `{type: "error", code, message}` is a problem it reports (DESIGN.md
 * extension in salesforce-payload.js): it is dispatched as the public `error` event.
 * Values are passed on as the adapter gave them: the engine checks their types and
 * reports a malformed one as `invalid-event`.
 */

import { describe } from "./errors.js";

/**
 * @typedef {{statusId: string, statusApiName: string, statusName: string}} PresenceStatus
 * @typedef {{id: string, developerName: string, label: string}} StatusInfo
 * @typedef {{
 *   getStatus(): Promise<PresenceStatus | null>,
 *   listStatuses(): Promise<StatusInfo[]>,
 *   setStatus(statusId: string): Promise<unknown>,
 *   logout(): Promise<unknown>,
 *   subscribe(listener: (event: any) => void): () => void,
 *   listServiceChannels?(): Promise<{developerName: string, keyPrefix: string}[]>,
 * }} SalesforceAdapter
 * @typedef {{type: string, message: string}} PlatformError
 * @typedef {{ok: true} | {ok: false, error: PlatformError}} CommandResult
 */

const METHODS = ["getStatus", "listStatuses", "setStatus", "logout", "subscribe"];
/** Winter '24 workload fields, passed on when the adapter gives them. */
const INTERRUPTIBLE = ["configuredInterruptibleCapacity", "previousInterruptibleWorkload", "newInterruptibleWorkload"];

/**
 * Lists what the object lacks to be an adapter ([] when it is one).
 * @param {unknown} a
 * @returns {string[]}
 */
export function adapterProblems(a) {
  if (!a || (typeof a !== "object" && typeof a !== "function")) return ["salesforce must be an adapter object"];
  const o = /** @type {Record<string, unknown>} */ (a);
  return METHODS.filter((m) => typeof o[m] !== "function").map((m) => `salesforce.${m} must be a function`);
}

/**
 * Maps an adapter event to an engine event, or to a reported problem.
 * @param {any} ev
 * @returns {{event: Record<string, unknown>} | {error: {code: string, message: string, [k: string]: unknown}} | null}
 */
export function toEngineEvent(ev) {
  if (!ev || typeof ev !== "object") {
    return { error: { code: "invalid-event", message: `The Salesforce adapter sent ${describe(ev)} instead of an event object.` } };
  }
  switch (ev.type) {
    case "statusChanged": {
      /** @type {Record<string, unknown>} */
      const e = { type: "Salesforce Agent State Change", statusId: ev.statusId, statusApiName: ev.statusApiName, statusName: ev.statusName };
      if (ev.reason !== undefined) e.reason = ev.reason;
      return { event: e };
    }
    case "logout": {
      /** @type {Record<string, unknown>} */
      const e = { type: "Salesforce Agent Logout" };
      if (ev.reason !== undefined) e.reason = ev.reason;
      return { event: e };
    }
    case "workAccepted": {
      /** @type {Record<string, unknown>} */
      const e = { type: "Salesforce Work Accepted", workItemId: ev.workItemId, workId: ev.workId };
      if (ev.serviceChannel !== undefined) e.serviceChannel = ev.serviceChannel;
      return { event: e };
    }
    case "workloadChanged": {
      /** @type {Record<string, unknown>} */
      const e = {
        type: "Salesforce Workload Changed",
        configuredCapacity: ev.configuredCapacity,
        previousWorkload: ev.previousWorkload,
        newWorkload: ev.newWorkload,
      };
      for (const k of INTERRUPTIBLE) if (ev[k] !== undefined) e[k] = ev[k];
      return { event: e };
    }
    case "error":
      return {
        error: {
          code: typeof ev.code === "string" && ev.code ? ev.code : "salesforce",
          message: typeof ev.message === "string" ? ev.message : "The Salesforce adapter reported a problem.",
          source: "salesforce",
          ...(ev.waiting === true ? { waiting: true } : {}),
          ...(ev.payload !== undefined ? { payload: ev.payload } : {}),
        },
      };
    case "loginSuccess":
    case "ready": // the adapter's platform answers (salesforce-payload.js): nothing for the engine
      return null;
    default:
      // Let the engine judge it: it reports an unknown type as invalid-event.
      return { event: { type: typeof ev.type === "string" ? ev.type : String(ev.type) } };
  }
}

/**
 * Reads an adapter's rejection into {type, message}: the adapters put the Salesforce
 * error type in `type` (AccessDeniedException for permission problems).
 * @param {unknown} e
 * @returns {PlatformError}
 */
export function adapterError(e) {
  if (e && typeof e === "object") {
    const o = /** @type {any} */ (e);
    const type = [o.type, o.errorType, o.code, o.name].find((x) => typeof x === "string" && x) || "Error";
    return { type, message: typeof o.message === "string" ? o.message : describe(e) };
  }
  return { type: "Error", message: describe(e) };
}

/**
 * The Salesforce side of one sync instance.
 * @param {SalesforceAdapter} adapter
 */
export function salesforceSide(adapter) {
  return {
    /** @returns {Promise<{status: PresenceStatus | null, statuses: StatusInfo[], serviceChannels?: {developerName: string, keyPrefix: string}[]}>} */
    async read() {
      const [status, statuses, serviceChannels] = await Promise.all([
        adapter.getStatus(),
        adapter.listStatuses(),
        typeof adapter.listServiceChannels === "function" ? adapter.listServiceChannels() : Promise.resolve(undefined),
      ]);
      /** @type {{status: PresenceStatus | null, statuses: StatusInfo[], serviceChannels?: {developerName: string, keyPrefix: string}[]}} */
      const out = { status: status ?? null, statuses: Array.isArray(statuses) ? statuses : [] };
      if (Array.isArray(serviceChannels)) out.serviceChannels = serviceChannels;
      return out;
    },

    /**
     * @param {(ev: any) => void} listener
     * @returns {() => void}
     */
    subscribe(listener) {
      const unsub = adapter.subscribe(listener);
      if (typeof unsub !== "function") {
        throw new TypeError("salesforce.subscribe must return an unsubscribe function");
      }
      return unsub;
    },

    /**
     * @param {{statusId?: string, logout?: boolean, value: string}} cmd
     * @returns {Promise<CommandResult>}
     */
    async execute(cmd) {
      try {
        if (cmd.logout) {
          await adapter.logout();
        } else {
          if (!cmd.statusId) return { ok: false, error: { type: "unknown-state", message: `no presence status Id for "${cmd.value}"` } };
          await adapter.setStatus(cmd.statusId);
        }
        return { ok: true };
      } catch (e) {
        return { ok: false, error: adapterError(e) };
      }
    },
  };
}
