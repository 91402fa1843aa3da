// @ts-check
/**
 * Reading what Salesforce sends, as it really sends it, into the adapter events and values
 * of js/API.md — shared by the built-in adapters (salesforce-lightning.js,
 * salesforce-console.js). Translation only: naming a status, finding a work item's service
 * channel, telling a login's repeat, classifying a refusal and timing a call out are the
 * engine's (rules/coordinator_salesforce.go, coordinator_errors.go, coordinator_retry.go);
 * the adapters pass Salesforce's facts on as Salesforce gave them.
 *
 * Payload facts handled here (as Salesforce documents them):
 *  - `channels` (and `works`) arrive as JSON strings, sometimes as arrays (API 32-35
 *    Classic docs), and are empty ("", "[]", missing) for Busy statuses;
 *  - workload numbers may arrive as strings ("2"); the Aura events declare them as
 *    string attributes;
 *  - Classic documents WORKLOAD_CHANGED keys capitalized (`ConfiguredCapacity`);
 *  - record Ids come as 15 or 18 characters;
 *  - `reason` is missing outside Lightning and on older orgs; a login event carries the
 *    status Id only.
 * A payload that cannot be read is a PresenceSyncError `invalid-event` naming the field.
 */

import { psError, describe as words, show } from "./errors.js";

/**
 * @typedef {import("./types.js").StatusInfo} StatusInfo
 * @typedef {import("./types.js").ServiceChannelInfo} ServiceChannelInfo
 * @typedef {import("./types.js").PresenceStatus} PresenceStatus
 * @typedef {import("./types.js").AdapterEvent} AdapterEvent
 * @typedef {import("./types.js").AdapterListener} AdapterListener
 * @typedef {import("./types.js").LogFunction} LogFunction
 * @typedef {{statuses: StatusInfo[], serviceChannels: ServiceChannelInfo[]}} Catalog
 */

/** The reason of the status change a login is sent as (rules.ReasonLogin). */
export const LOGIN_REASON = "OmniLoginStatusChange";

const ID_RE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const NUMBER_RE = /^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/**
 * @param {string} message
 * @param {string} [field]
 */
function unreadable(message, field) {
  return psError("invalid-event", message, { field });
}

/**
 * @param {unknown} value
 * @returns {value is string}
 */
export function isSalesforceId(value) {
  return typeof value === "string" && ID_RE.test(value);
}

/**
 * Reads a field, accepting the capitalized spelling Classic uses (`ConfiguredCapacity`).
 * @param {Record<string, any>} payload
 * @param {string} name
 */
export function field(payload, name) {
  if (payload[name] !== undefined && payload[name] !== null) return payload[name];
  const capitalized = name.charAt(0).toUpperCase() + name.slice(1);
  if (payload[capitalized] !== undefined && payload[capitalized] !== null) return payload[capitalized];
  return undefined;
}

/**
 * A number that may arrive as a string. `undefined` when missing and not required.
 * @param {Record<string, any>} payload
 * @param {string} name
 * @param {boolean} required
 * @returns {number | undefined}
 */
export function readNumber(payload, name, required) {
  const value = field(payload, name);
  if (value === undefined || value === "") {
    if (required) throw unreadable(`${name} is missing`, name);
    return undefined;
  }
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
  } else if (typeof value === "string" && NUMBER_RE.test(value)) {
    const n = Number(value);
    if (Number.isFinite(n)) return n; // "1e999" is not a workload
  }
  throw unreadable(`${name} is ${show(value)}, which is not a number`, name);
}

/**
 * A string field. Numbers are not accepted where Salesforce documents a string.
 * @param {Record<string, any>} payload
 * @param {string} name
 * @param {boolean} required
 * @returns {string | undefined}
 */
export function readString(payload, name, required) {
  const value = field(payload, name);
  if (value === undefined || value === "") {
    if (required) throw unreadable(`${name} is missing`, name);
    return undefined;
  }
  if (typeof value !== "string") throw unreadable(`${name} is ${show(value)}, where Salesforce sends a string`, name);
  return value;
}

/**
 * A record Id field (15 or 18 characters).
 * @param {Record<string, any>} payload
 * @param {string} name
 * @returns {string}
 */
export function readId(payload, name) {
  const value = /** @type {string} */ (readString(payload, name, true));
  if (!isSalesforceId(value)) throw unreadable(`${name} is ${show(value)}, which is not a 15- or 18-character Salesforce Id`, name);
  return value;
}

/**
 * `channels` / `works`: a JSON string of an array, an array, or empty (Busy statuses have no
 * channels). Returns the array; throws on text that is not a JSON array.
 * @param {Record<string, any>} payload
 * @param {string} name
 * @returns {any[]}
 */
export function readJsonList(payload, name) {
  const value = field(payload, name);
  if (value === undefined || value === "") return [];
  if (Array.isArray(value)) return value;
  if (typeof value === "string") {
    let parsed;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw unreadable(`${name} is ${show(value)}, which is not JSON`, name);
    }
    if (parsed === null) return [];
    if (Array.isArray(parsed)) return parsed;
  }
  throw unreadable(`${name} is ${show(value)}, where Salesforce sends a JSON list`, name);
}

/**
 * @param {unknown} payload
 * @returns {Record<string, any>}
 */
function asObject(payload) {
  if (payload === undefined || payload === null) return {};
  if (typeof payload !== "object" || Array.isArray(payload)) throw unreadable(`the payload is ${show(payload)}, not an object`);
  return /** @type {Record<string, any>} */ (payload);
}

/**
 * A status as a status-changed, login or get-status payload gives it: its Id, and its
 * DeveloperName and label when the payload has them (older APIs and login events do not;
 * the engine names the status from its Id). The `channels` are read to check them.
 * @param {unknown} payload
 * @returns {PresenceStatus & {reason?: string}}
 */
export function readStatus(payload) {
  const p = asObject(payload);
  /** @type {PresenceStatus & {reason?: string}} */
  const status = { statusId: readId(p, "statusId") };
  const statusApiName = readString(p, "statusApiName", false);
  const statusName = readString(p, "statusName", false);
  const reason = readString(p, "reason", false);
  readJsonList(p, "channels");
  if (statusApiName) status.statusApiName = statusApiName;
  if (statusName) status.statusName = statusName;
  if (reason) status.reason = reason;
  return status;
}

/**
 * @param {unknown} payload
 * @returns {{workItemId: string, workId: string}}
 */
export function readWorkAccepted(payload) {
  const p = asObject(payload);
  return { workItemId: readId(p, "workItemId"), workId: readId(p, "workId") };
}

/** The interruptible-capacity fields of Winter '24 workload payloads: optional, passed on when present. */
const INTERRUPTIBLE = /** @type {const} */ (["configuredInterruptibleCapacity", "previousInterruptibleWorkload", "newInterruptibleWorkload"]);

/**
 * @param {unknown} payload
 * @returns {{configuredCapacity: number, previousWorkload: number, newWorkload: number,
 *   configuredInterruptibleCapacity?: number, previousInterruptibleWorkload?: number, newInterruptibleWorkload?: number}}
 */
export function readWorkload(payload) {
  const p = asObject(payload);
  /** @type {ReturnType<typeof readWorkload>} */
  const out = {
    configuredCapacity: /** @type {number} */ (readNumber(p, "configuredCapacity", true)),
    previousWorkload: /** @type {number} */ (readNumber(p, "previousWorkload", true)),
    newWorkload: /** @type {number} */ (readNumber(p, "newWorkload", true)),
  };
  for (const name of INTERRUPTIBLE) {
    const n = readNumber(p, name, false);
    if (n !== undefined) out[name] = n;
  }
  return out;
}

/**
 * A logout payload: its `reason` when Salesforce gives one.
 * @param {unknown} payload
 * @returns {{reason?: string}}
 */
export function readLogout(payload) {
  const p = asObject(payload);
  const reason = readString(p, "reason", false);
  return reason ? { reason } : {};
}

/**
 * A get-status result (getServicePresenceStatusId's) as the status it reports.
 * @param {unknown} result
 * @returns {PresenceStatus}
 */
export function readCurrentStatus(result) {
  try {
    const status = readStatus(result);
    delete status.reason;
    return status;
  } catch (error) {
    throw psError("invalid-event", `Salesforce returned a presence status that cannot be read: ${words(error)}.`, { payload: result });
  }
}

/**
 * An adapter's catalog methods: `listStatuses` reads the catalog afresh, `listServiceChannels`
 * gives its service channels (for the engine to find a work item's by its key prefix).
 * @param {ReturnType<typeof catalogCache>} catalog
 */
export function catalogReads(catalog) {
  return {
    /** @returns {Promise<StatusInfo[]>} */
    async listStatuses() {
      const { statuses } = await catalog.reload();
      return statuses.map((s) => ({ ...s }));
    },
    /** @returns {Promise<ServiceChannelInfo[]>} */
    async listServiceChannels() {
      const { serviceChannels } = await catalog.get();
      return serviceChannels.map((c) => ({ ...c }));
    },
  };
}

/**
 * The presence status catalog, read with `fetchRaw` (any shape readCatalog reads), once at a
 * time: `reload` reads it afresh (listStatuses); `get` returns the last one read, or shares
 * the read under way (listServiceChannels, asked alongside).
 * @param {() => Promise<unknown>} fetchRaw
 * @param {LogFunction} log
 * @returns {{get(): Promise<Catalog>, reload(): Promise<Catalog>}}
 */
export function catalogCache(fetchRaw, log) {
  /** @type {Catalog | null} */
  let cache = null;
  /** @type {Promise<Catalog> | null} */
  let loading = null;
  function reload() {
    const p = (async () => {
      const catalog = readCatalog(await fetchRaw());
      if (catalog.skipped.length) log("warn", "Skipped catalog entries without an Id, DeveloperName or key prefix.", catalog.skipped);
      for (const warning of catalog.warnings) log("warn", warning);
      cache = { statuses: catalog.statuses, serviceChannels: catalog.serviceChannels };
      return cache;
    })();
    loading = p;
    p.then(() => { if (loading === p) loading = null; }, () => { if (loading === p) loading = null; });
    return p;
  }
  return Object.freeze({
    get: () => loading ?? (cache ? Promise.resolve(cache) : reload()),
    reload,
  });
}

/**
 * Reads a status catalog in any of the shapes it comes in:
 *  - the Apex controller's `{statuses: [{id, developerName, label}], serviceChannels: [...], error?}`;
 *  - a plain list of statuses;
 *  - SOQL records `{Id, DeveloperName, MasterLabel}` (AJAX toolkit, REST).
 * Entries without an Id or DeveloperName are skipped and listed in `skipped`. A catalog
 * carrying `error` (the controller's refusal, worded by it) throws it, with its type.
 * The controller's `warnings` (e.g. service channels it could not read) come back in `warnings`.
 * @param {unknown} value
 * @returns {Catalog & {skipped: unknown[], warnings: string[]}}
 */
export function readCatalog(value) {
  const raw = /** @type {any} */ (value);
  if (raw && typeof raw === "object" && !Array.isArray(raw) && raw.error) {
    const e = raw.error;
    const message = typeof e === "object" && e && typeof e.message === "string" ? e.message : words(e);
    throw psError("salesforce", message, { type: typeof e?.type === "string" ? e.type : undefined, cause: e });
  }
  /** @type {any[]} */
  let statusRows;
  /** @type {any[]} */
  let channelRows = [];
  if (Array.isArray(raw)) {
    statusRows = raw;
  } else if (raw && typeof raw === "object") {
    if (!Array.isArray(raw.statuses)) throw psError("invalid-event", "The presence status catalog has no list of statuses.", { payload: value });
    statusRows = raw.statuses;
    if (Array.isArray(raw.serviceChannels)) channelRows = raw.serviceChannels;
  } else {
    throw psError("invalid-event", `The presence status catalog is ${show(value)}.`, { payload: value });
  }
  const skipped = [];
  /** @type {StatusInfo[]} */
  const statuses = [];
  for (const row of statusRows) {
    const r = row && typeof row === "object" ? row : {};
    const id = first(r, ["id", "Id"]);
    const developerName = first(r, ["developerName", "DeveloperName"]);
    const label = first(r, ["label", "MasterLabel", "masterLabel"]) ?? developerName;
    if (!isSalesforceId(id) || typeof developerName !== "string" || developerName === "") {
      skipped.push(row);
      continue;
    }
    statuses.push({ id, developerName, label: typeof label === "string" ? label : developerName });
  }
  /** @type {ServiceChannelInfo[]} */
  const serviceChannels = [];
  for (const row of channelRows) {
    const r = row && typeof row === "object" ? row : {};
    const developerName = first(r, ["developerName", "DeveloperName"]);
    const keyPrefix = first(r, ["keyPrefix", "KeyPrefix"]);
    if (typeof developerName !== "string" || developerName === "" || typeof keyPrefix !== "string" || keyPrefix.length !== 3) {
      skipped.push(row);
      continue;
    }
    /** @type {ServiceChannelInfo} */
    const channel = { developerName, keyPrefix };
    const id = first(r, ["id", "Id"]);
    const label = first(r, ["label", "MasterLabel"]);
    const relatedEntity = first(r, ["relatedEntity", "RelatedEntity"]);
    if (typeof id === "string") channel.id = id;
    if (typeof label === "string") channel.label = label;
    if (typeof relatedEntity === "string") channel.relatedEntity = relatedEntity;
    serviceChannels.push(channel);
  }
  const warnings = raw && !Array.isArray(raw) && Array.isArray(raw.warnings) ? raw.warnings.map(String) : [];
  return { statuses, serviceChannels, skipped, warnings };
}

/**
 * @param {Record<string, any>} row
 * @param {string[]} keys
 */
function first(row, keys) {
  for (const key of keys) {
    if (row[key] !== undefined && row[key] !== null) return row[key];
  }
  return undefined;
}

/** Omni-Channel's event names, as both toolkits' events are named here. */
const LABELS = Object.freeze({
  statusChanged: "Status Changed",
  loginSuccess: "Login Success",
  logout: "Logout",
  workAccepted: "Work Accepted",
  workloadChanged: "Workload Changed",
});

/**
 * One raw Omni-Channel event as the adapter event it is. A login is a status change with
 * reason OmniLoginStatusChange (Omni-Channel's own repeat of it, a status change right
 * after, is the engine's to tell: wasm/BRIDGE.md `event`).
 * @param {string} name statusChanged | loginSuccess | logout | workAccepted | workloadChanged
 * @param {unknown} payload
 * @returns {AdapterEvent}
 */
export function omniEvent(name, payload) {
  switch (name) {
    case "statusChanged":
      return { type: "statusChanged", ...readStatus(payload) };
    case "loginSuccess": {
      const s = readStatus(payload);
      return { type: "statusChanged", ...s, reason: s.reason ?? LOGIN_REASON };
    }
    case "logout":
      return { type: "logout", ...readLogout(payload) };
    case "workAccepted":
      return { type: "workAccepted", ...readWorkAccepted(payload) };
    case "workloadChanged":
      return { type: "workloadChanged", ...readWorkload(payload) };
  }
  throw unreadable(`unknown Omni-Channel event ${show(name)}`);
}

/**
 * The listeners of an adapter: raw Omni-Channel events in, adapter events out to every
 * listener, in order; a payload that cannot be read is an `invalid-event` error event
 * (with the payload), and the event is skipped.
 * @param {LogFunction} log
 */
export function omniListeners(log) {
  /** @type {Set<AdapterListener>} */
  const listeners = new Set();

  /** @param {AdapterEvent} event */
  function deliver(event) {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        log("error", "A presence listener threw; other listeners still got the event.", error);
      }
    }
  }

  return Object.freeze({
    deliver,
    /**
     * Reads one raw Omni-Channel event and delivers it.
     * @param {string} name
     * @param {unknown} payload
     */
    push(name, payload) {
      let event;
      try {
        event = omniEvent(name, payload);
      } catch (error) {
        const label = LABELS[/** @type {keyof typeof LABELS} */ (name)] ?? String(name);
        log("warn", `Skipped an Omni-Channel ${label} event that could not be read.`, { payload, error });
        deliver({ type: "error", code: "invalid-event", message: `Skipped an Omni-Channel ${label} event from Salesforce: ${words(error)}.`, payload });
        return;
      }
      deliver(event);
    },
    /**
     * @param {AdapterListener} listener
     * @returns {() => void}
     */
    subscribe(listener) {
      if (typeof listener !== "function") throw new TypeError("subscribe(listener): listener must be a function");
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    get size() {
      return listeners.size;
    },
  });
}

/** The default for how long the Lightning adapter waits for the utility item before saying so. */
export const WAIT_NOTICE_MS = 5000;
