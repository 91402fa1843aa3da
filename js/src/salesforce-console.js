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
 */

import {
  DEFAULT_TIMEOUT_MS,
  adapterError,
  catalogCache,
  classifyError,
  createOmniEventStream,
  readCurrentStatus,
  safeLog,
  silenceTracker,
  timersFrom,
  withTimeout,
} from "./salesforce-payload.js";

/**
 * @typedef {import("./salesforce-payload.js").SalesforceAdapter} SalesforceAdapter
 * @typedef {import("./salesforce-payload.js").Catalog} Catalog
 * @typedef {import("./salesforce-payload.js").LogFunction} LogFunction
 *
 * @typedef {{
 *   timeoutMs?: number,
 *   catalog?: () => Promise<any>,
 *   log?: LogFunction,
 *   setTimeout?: (fn: () => void, ms: number) => any,
 *   clearTimeout?: (handle: any) => void,
 * }} ConsoleOptions
 *  - timeoutMs: how long to wait for a toolkit callback (default 5000);
 *  - catalog: resolves to the Apex controller's `{statuses, serviceChannels}` (or a list of
 *    statuses); default: the AJAX Toolkit, when loaded;
 *  - log: `(level, message, detail)` for debug output;
 *  - setTimeout / clearTimeout: timers (tests inject their own).
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
const CHANNEL_SOQL = "SELECT Id, DeveloperName, MasterLabel, RelatedEntity FROM ServiceChannel";

/**
 * @param {any} [sforce] the Salesforce global (default `globalThis.sforce`)
 * @param {ConsoleOptions} [options]
 * @returns {SalesforceAdapter}
 */
function consoleAdapter(sforce, options = {}) {
  const sf = sforce ?? /** @type {any} */ (globalThis).sforce;
  const toolkit = sf && sf.console;
  const presence = toolkit && toolkit.presence;
  const eventTypes = toolkit && toolkit.ConsoleEvent && toolkit.ConsoleEvent.PRESENCE;
  if (!presence || typeof toolkit.addEventListener !== "function" || !eventTypes) {
    throw adapterError(
      "unavailable",
      "PresenceSync.salesforce.console needs the Console Integration Toolkit with Omni-Channel (sforce.console.presence and ConsoleEvent.PRESENCE, integration.js API 32.0 or later).",
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timers = timersFrom(options);
  const log = safeLog(options.log);

  const catalog = catalogCache(() => (options.catalog ? options.catalog() : catalogFromAjaxToolkit()), log);

  const events = createOmniEventStream({ catalog: catalog.get, currentStatus: () => readStatus(), log });
  const silence = silenceTracker((e) => events.deliver(e), log, "The Salesforce console");

  /**
   * Calls `sforce.console.presence[method](...args, callback)`.
   * @param {string} method
   * @param {...any} args
   * @returns {Promise<any>}
   */
  function call(method, ...args) {
    const fn = presence[method];
    if (typeof fn !== "function") {
      return Promise.reject(adapterError("unavailable", `sforce.console.presence.${method} is not available in this console.`));
    }
    return withTimeout(
      (resolve) => {
        fn.call(presence, ...args, (/** @type {any} */ result) => {
          silence.answered();
          resolve(result && typeof result === "object" ? result : { success: false, message: String(result) });
        });
      },
      {
        ms: timeoutMs,
        setTimeout: timers.setTimeout,
        clearTimeout: timers.clearTimeout,
        message: `The Salesforce console did not answer sforce.console.presence.${method} within ${timeoutMs} ms.`,
        onTimeout: (error) => silence.timedOut(error),
      },
    );
  }

  /**
   * @param {any} result a `{success: false, ...}` callback result
   * @param {string} what
   */
  function refused(result, what) {
    const message = result.message || result.error || result.errorMessage || (Array.isArray(result.errors) && result.errors.length ? undefined : `Salesforce refused ${what}.`);
    return classifyError({ type: result.type || result.errorCode, message, errors: result.errors }, what);
  }

  async function readStatus() {
    const result = await call("getServicePresenceStatusId");
    if (!result.success) {
      log("debug", "getServicePresenceStatusId was unsuccessful: taken as logged out of Omni-Channel.", result);
      return null;
    }
    return readCurrentStatus(result, catalog.get);
  }

  /**
   * @template T
   * @param {(callbacks: {onSuccess: (result: any) => void, onFailure: (error: any) => void}) => void} start
   * @param {string} what
   * @returns {Promise<T>}
   */
  function ajax(start, what) {
    return withTimeout(
      (resolve, reject) => start({ onSuccess: resolve, onFailure: (error) => reject(classifyError(error, "catalog")) }),
      { ms: timeoutMs, setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout, message: `Salesforce did not answer ${what} within ${timeoutMs} ms.` },
    );
  }

  /**
   * @param {any} connection
   * @param {string} soql
   * @returns {Promise<any[]>}
   */
  async function query(connection, soql) {
    const result = await ajax((cb) => connection.query(soql, cb), soql);
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
      throw adapterError(
        "unavailable",
        "listStatuses needs options.catalog or the AJAX Toolkit (sforce.connection, /soap/ajax/NN.0/connection.js) on the page.",
      );
    }
    const statuses = await query(connection, STATUS_SOQL);
    let serviceChannels = [];
    try {
      const channels = await query(connection, CHANNEL_SOQL);
      /** @type {Map<string, string>} */
      const prefixes = new Map();
      if (channels.length && typeof connection.describeGlobal === "function") {
        const global = await ajax((cb) => connection.describeGlobal(cb), "describeGlobal");
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
        silence.answered();
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

  return {
    async getStatus() {
      const status = await readStatus();
      events.knowStatus(status ? status.statusId : null);
      return status;
    },
    async listStatuses() {
      const { statuses } = await catalog.reload();
      return statuses.map((s) => ({ ...s }));
    },
    async setStatus(statusId) {
      const result = await call("setServicePresenceStatus", statusId);
      if (!result.success) throw refused(result, `setServicePresenceStatus(${statusId})`);
    },
    async logout() {
      const result = await call("logout");
      if (!result.success) throw refused(result, "logout");
    },
    subscribe(listener) {
      const unsubscribe = events.subscribe(listener);
      if (events.listenerCount === 1) attach();
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        unsubscribe();
        if (events.listenerCount === 0) detach();
      };
    },
  };
}

export { consoleAdapter as console };
