// @ts-check
/**
 * `PresenceSync.salesforce.console(sforce, options)`: the Salesforce Classic console adapter,
 * over the Console Integration Toolkit (`/support/console/NN.0/integration.js`, API 32.0+):
 * `sforce.console.presence.*` calls (results in `{success, ...}` callbacks) and
 * `sforce.console.addEventListener(sforce.console.ConsoleEvent.PRESENCE.*, listener)`.
 *
 * The presence status catalog (`listStatuses`) comes from `options.catalog` when given (the
 * Visualforce softphone page passes a Visualforce Remoting call to
 * `PresenceSyncController.getCatalogRemote`, as in Lightning), else
 * from the AJAX Toolkit (`sforce.connection`, `/soap/ajax/NN.0/connection.js`) with
 * `SELECT Id, DeveloperName, MasterLabel FROM ServicePresenceStatus` and the service
 * channels' related entities resolved to key prefixes with describeGlobal.
 *
 * Facts passed as Salesforce gives them: a status comes with its Id (the engine names it
 * when Salesforce does not); an unsuccessful call rejects with the toolkit's own result
 * (`{success: false, ...}`), which the engine reads and classifies; no call has a timer
 * here (the engine's `writeTimeoutMs` is the one timeout; a start whose first read gets no
 * answer goes on without Omni-Channel, start.js).
 */

import { psError, describe, safeLog } from "./errors.js";
import { catalogCache, catalogReads, omniListeners, readCurrentStatus } from "./salesforce-payload.js";

/**
 * @typedef {import("./types.js").SalesforceAdapter} SalesforceAdapter
 * @typedef {import("./types.js").LogFunction} LogFunction
 *
 * @typedef {{
 *   catalog?: () => Promise<any>,
 *   log?: LogFunction,
 * }} ConsoleOptions
 *  - catalog: resolves to the Apex controller's `{statuses, serviceChannels}` (or a list of
 *    statuses); default: the AJAX Toolkit, when loaded;
 *  - log: `(level, message, detail)` for debug output.
 */

/** Omni-Channel console events (keys of sforce.console.ConsoleEvent.PRESENCE) → raw event names. */
export const PRESENCE_EVENTS = Object.freeze({
  STATUS_CHANGED: "statusChanged",
  LOGIN_SUCCESS: "loginSuccess",
  LOGOUT: "logout",
  WORK_ACCEPTED: "workAccepted",
  WORKLOAD_CHANGED: "workloadChanged",
});

const STATUS_SOQL = "SELECT Id, DeveloperName, MasterLabel FROM ServicePresenceStatus";
/** Salesforce's note on reading DeveloperName (the feature's public description, Winter '22). */
const DEVELOPER_NAME_NOTE =
  'Since Winter \'22, reading ServicePresenceStatus.DeveloperName needs the "View Setup and Configuration" or the ' +
  '"View DeveloperName" permission, through the profile or a permission set.';
const CHANNEL_SOQL = "SELECT Id, DeveloperName, MasterLabel, RelatedEntity FROM ServiceChannel";

/**
 * @param {any} [sforce] the Salesforce global (default `globalThis.sforce`)
 * @param {ConsoleOptions} [options]
 * @returns {SalesforceAdapter & {listServiceChannels(): Promise<import("./types.js").ServiceChannelInfo[]>}}
 */
function consoleAdapter(sforce, options = {}) {
  const sf = sforce ?? /** @type {any} */ (globalThis).sforce;
  const toolkit = sf && sf.console;
  const presence = toolkit && toolkit.presence;
  const eventTypes = toolkit && toolkit.ConsoleEvent && toolkit.ConsoleEvent.PRESENCE;
  if (!presence || typeof toolkit.addEventListener !== "function" || !eventTypes) {
    throw psError(
      "unavailable",
      "PresenceSync.salesforce.console needs the Console Integration Toolkit with Omni-Channel (sforce.console.presence and ConsoleEvent.PRESENCE, integration.js API 32.0 or later).",
    );
  }
  const log = safeLog(options.log);

  const catalog = catalogCache(() => (options.catalog ? options.catalog() : catalogFromAjaxToolkit()), log);
  const events = omniListeners(log);

  /**
   * Calls `sforce.console.presence[method](...args, callback)`; resolves with the toolkit's
   * result (`{success, ...}`).
   * @param {string} method
   * @param {...any} args
   * @returns {Promise<any>}
   */
  function call(method, ...args) {
    const fn = presence[method];
    if (typeof fn !== "function") {
      return Promise.reject(psError("unavailable", `sforce.console.presence.${method} is not available in this console.`));
    }
    return new Promise((resolve, reject) => {
      try {
        fn.call(presence, ...args, (/** @type {any} */ result) => {
          resolve(result && typeof result === "object" ? result : { success: false, message: String(result) });
        });
      } catch (error) {
        reject(error);
      }
    });
  }

  /**
   * Calls a write and rejects with the toolkit's own result when it is unsuccessful.
   * @param {string} method
   * @param {...any} args
   */
  async function write(method, ...args) {
    const result = await call(method, ...args);
    if (!result.success) throw result;
  }

  /**
   * An AJAX Toolkit call; rejects with Salesforce's refusal as the toolkit gives it.
   * @template T
   * @param {(callbacks: {onSuccess: (result: any) => void, onFailure: (error: any) => void}) => void} start
   * @returns {Promise<T>}
   */
  function ajax(start) {
    return new Promise((resolve, reject) => start({ onSuccess: resolve, onFailure: reject }));
  }

  /**
   * @param {any} connection
   * @param {string} soql
   * @returns {Promise<any[]>}
   */
  async function query(connection, soql) {
    const result = await ajax((cb) => connection.query(soql, cb));
    return records(result, "records");
  }

  /**
   * AJAX Toolkit results expose lists through getArray(); plain objects may hold one record
   * as an object rather than a one-element list.
   * @param {any} result
   * @param {string} name
   * @returns {any[]}
   */
  function records(result, name) {
    if (!result) return [];
    if (typeof result.getArray === "function") return result.getArray(name) || [];
    const value = result[name];
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value : [value];
  }

  /** @returns {Promise<any>} */
  async function catalogFromAjaxToolkit() {
    const connection = sf.connection;
    if (!connection || typeof connection.query !== "function") {
      throw psError(
        "unavailable",
        "listStatuses needs options.catalog or the AJAX Toolkit (sforce.connection, /soap/ajax/NN.0/connection.js) on the page.",
      );
    }
    let statuses;
    try {
      statuses = await query(connection, STATUS_SOQL);
    } catch (error) {
      // Since Winter '22 this query needs a permission (the feature's own note), which is
      // what Salesforce's refusal of it most often means: say so beside its words.
      throw psError("salesforce", `Salesforce refused ${STATUS_SOQL}: ${describe(error)}. ${DEVELOPER_NAME_NOTE}`, { cause: error });
    }
    /** @type {Record<string, unknown>[]} */
    let serviceChannels = [];
    try {
      const channels = await query(connection, CHANNEL_SOQL);
      /** @type {Map<string, string>} */
      const prefixes = new Map();
      if (channels.length && typeof connection.describeGlobal === "function") {
        const global = await ajax((cb) => connection.describeGlobal(cb));
        for (const sobject of records(global, "sobjects")) {
          if (sobject && sobject.name && sobject.keyPrefix) prefixes.set(String(sobject.name).toLowerCase(), String(sobject.keyPrefix));
        }
      }
      serviceChannels = channels.map((c) => ({
        id: c.Id,
        developerName: c.DeveloperName,
        label: c.MasterLabel,
        relatedEntity: c.RelatedEntity,
        keyPrefix: c.RelatedEntity ? prefixes.get(String(c.RelatedEntity).toLowerCase()) : undefined,
      }));
    } catch (error) {
      log("warn", "Could not read the service channels; Work Accepted events go without their channel.", error);
    }
    return { statuses, serviceChannels };
  }


  // Console event listeners: attached while anyone listens. Without removeEventListener
  // (older toolkits) detached handlers stay registered but ignore events (generation check).
  let generation = 0;
  /** @type {Array<[string, (result: any) => void]>} */
  let attached = [];

  function attach() {
    const current = ++generation;
    attached = [];
    for (const [key, name] of Object.entries(PRESENCE_EVENTS)) {
      const type = eventTypes[key];
      if (!type) {
        log("warn", `sforce.console.ConsoleEvent.PRESENCE.${key} is not available; that event will not sync.`);
        continue;
      }
      const handler = (/** @type {any} */ result) => {
        if (current !== generation) return;
        log("debug", `Omni-Channel ${name}`, result);
        events.push(name, result);
      };
      toolkit.addEventListener(type, handler);
      attached.push([type, handler]);
    }
  }

  function detach() {
    generation++;
    if (typeof toolkit.removeEventListener === "function") {
      for (const [type, handler] of attached) {
        try {
          toolkit.removeEventListener(type, handler);
        } catch (error) {
          log("warn", `Could not remove the ${type} listener.`, error);
        }
      }
    }
    attached = [];
  }

  return Object.freeze({
    /** The current status as the toolkit gives it; null when it says the agent is not logged in. */
    async getStatus() {
      const result = await call("getServicePresenceStatusId");
      if (!result.success) {
        log("debug", "getServicePresenceStatusId was unsuccessful: the agent is not logged in to Omni-Channel.", result);
        return null;
      }
      return readCurrentStatus(result);
    },
    ...catalogReads(catalog),
    /** @param {string} statusId */
    setStatus: (statusId) => write("setServicePresenceStatus", statusId),
    logout: () => write("logout"),
    /** @param {import("./types.js").AdapterListener} listener */
    subscribe(listener) {
      const unsubscribe = events.subscribe(listener);
      if (events.size === 1) attach();
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        unsubscribe();
        if (events.size === 0) detach();
      };
    },
  });
}

export { consoleAdapter as console };
