// @ts-check
/**
 * The Salesforce side: any object of the adapter shape of js/API.md (`getStatus`,
 * `listStatuses`, `setStatus`, `logout`, `subscribe`, optionally `listServiceChannels`),
 * such as the built-in `PresenceSync.salesforce.lightning(...)` and `.console(sforce)`, or
 * a page's own.
 *
 * Adapter events become engine inputs, as the adapter gave them:
 *   statusChanged   → event Salesforce Agent State Change {statusId, statusApiName, statusName, reason}
 *                     (a status with its Id only is named by the engine: from the catalog, else a read)
 *   logout          → event Salesforce Agent Logout {reason}
 *   workAccepted    → event Salesforce Work Accepted {workItemId, workId, serviceChannel}
 *                     (without a channel, the engine finds it by the work item's key prefix)
 *   workloadChanged → event Salesforce Workload Changed {configuredCapacity, previousWorkload, newWorkload,
 *                     configuredInterruptibleCapacity, previousInterruptibleWorkload, newInterruptibleWorkload}
 *   ready           → nothing (the adapter's platform answers after a wait)
 * An adapter's `{type: "error", code, message}` is a problem it reports: it is dispatched as
 * the public `error` event (`source: "salesforce"`). The engine checks every value's type
 * and reports a malformed one as `invalid-event`.
 */

import { describe, bounded, platformError, psError } from "./errors.js";

/**
 * @typedef {import("./types.js").SalesforceAdapter} SalesforceAdapter
 * @typedef {import("./types.js").SalesforceState} SalesforceState
 * @typedef {import("./types.js").Outcome} Outcome
 * @typedef {import("./types.js").ErrorDetail} ErrorDetail
 * @typedef {{input: {op: "event", event: Record<string, unknown>}} | {error: ErrorDetail} | null} Mapped
 */

const METHODS = ["getStatus", "listStatuses", "setStatus", "logout", "subscribe"];
/** Optional fields passed on when the adapter gives them. */
const OPTIONAL = {
  statusChanged: ["statusApiName", "statusName", "reason"],
  logout: ["reason"],
  workAccepted: ["serviceChannel"],
  workloadChanged: ["configuredInterruptibleCapacity", "previousInterruptibleWorkload", "newInterruptibleWorkload"],
};

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
 * Maps an adapter event to an engine input, or to a problem the adapter reports.
 * @param {any} ev
 * @returns {Mapped}
 */
export function toEngineInput(ev) {
  if (!ev || typeof ev !== "object") {
    return { error: { code: "invalid-event", message: `The Salesforce adapter sent ${describe(ev)} instead of an event object.`, source: "salesforce" } };
  }
  /** @type {Record<string, unknown>} */
  let event;
  switch (ev.type) {
    case "statusChanged":
      event = { type: "Salesforce Agent State Change", statusId: ev.statusId };
      break;
    case "logout":
      event = { type: "Salesforce Agent Logout" };
      break;
    case "workAccepted":
      event = { type: "Salesforce Work Accepted", workItemId: ev.workItemId, workId: ev.workId };
      break;
    case "workloadChanged":
      event = { type: "Salesforce Workload Changed", configuredCapacity: ev.configuredCapacity, previousWorkload: ev.previousWorkload, newWorkload: ev.newWorkload };
      break;
    case "error":
      return {
        error: {
          code: typeof ev.code === "string" && ev.code ? ev.code : "salesforce",
          message: typeof ev.message === "string" ? bounded(ev.message) : "The Salesforce adapter reported a problem.",
          source: "salesforce",
          ...(ev.waiting === true ? { waiting: true } : {}),
          ...(ev.payload !== undefined ? { payload: ev.payload } : {}),
        },
      };
    case "ready":
      return null;
    default:
      // The engine judges it: an unknown type is its invalid-event.
      return { input: { op: "event", event: { type: typeof ev.type === "string" ? ev.type : String(ev.type) } } };
  }
  for (const k of OPTIONAL[/** @type {keyof typeof OPTIONAL} */ (ev.type)]) if (ev[k] !== undefined) event[k] = ev[k];
  return { input: { op: "event", event } };
}

/**
 * The Salesforce side of one sync instance.
 * @param {SalesforceAdapter} adapter
 */
export function salesforceSide(adapter) {
  return Object.freeze({
    /**
     * What Omni-Channel reports now, for the engine's `start` and `salesforce` inputs and
     * its read commands.
     * @returns {Promise<SalesforceState>}
     */
    async read() {
      const [status, statuses, serviceChannels] = await Promise.all([
        adapter.getStatus(),
        adapter.listStatuses(),
        typeof adapter.listServiceChannels === "function" ? adapter.listServiceChannels() : Promise.resolve(undefined),
      ]);
      /** @type {SalesforceState} */
      const out = { status: status ?? null, statuses: Array.isArray(statuses) ? statuses : [] };
      if (Array.isArray(serviceChannels)) out.serviceChannels = serviceChannels;
      return out;
    },

    /**
     * @param {import("./types.js").AdapterListener} listener
     * @returns {() => void}
     */
    subscribe(listener) {
      const unsub = adapter.subscribe(listener);
      if (typeof unsub !== "function") throw psError("invalid-options", "salesforce.subscribe must return an unsubscribe function");
      return unsub;
    },

    /**
     * Sets the status or logs out; the outcome carries the adapter's rejection as it gave it.
     * @param {{statusId?: string, logout?: boolean, value?: string}} cmd
     * @returns {Promise<Outcome>}
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
        return { ok: false, error: platformError(e) };
      }
    },
  });
}
