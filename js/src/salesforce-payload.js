// @ts-check
/**
 * Shared by the Salesforce adapters (salesforce-lightning.js, salesforce-console.js):
 * reading Omni-Channel payloads as Salesforce really sends them, the status and
 * service-channel catalog, error classification, and the ordered event stream that
 * turns raw Omni events into the adapter events of DESIGN.md "Browser API".
 *
 * Payload facts handled here (DESIGN.md "Platform facts"):
 *  - `channels` (and `works`) arrive as JSON strings, sometimes as arrays (API 32-35
 *    Classic docs), and are empty ("", "[]", missing) for Busy statuses;
 *  - workload numbers may arrive as strings ("2"); the Aura events declare them as
 *    string attributes;
 *  - Classic documents WORKLOAD_CHANGED keys capitalized (`ConfiguredCapacity`);
 *  - record Ids come as 15 or 18 characters: compare on the first 15 (case-sensitive);
 *  - `reason` is missing outside Lightning and on older orgs.
 */

/**
 * @typedef {{id: string, developerName: string, label: string}} StatusInfo
 * @typedef {{developerName: string, keyPrefix: string, label?: string, id?: string, relatedEntity?: string}} ServiceChannelInfo
 * @typedef {{statuses: StatusInfo[], serviceChannels: ServiceChannelInfo[]}} Catalog
 * @typedef {{statusId: string, statusApiName: string, statusName: string}} PresenceStatus
 *
 * @typedef {{type: "statusChanged", statusId: string, statusApiName: string, statusName: string, reason?: string}} StatusChangedEvent
 * @typedef {{type: "logout", reason?: string}} LogoutEvent
 * @typedef {{type: "workAccepted", workItemId: string, workId: string, serviceChannel?: string}} WorkAcceptedEvent
 * @typedef {{type: "workloadChanged", configuredCapacity: number, previousWorkload: number, newWorkload: number,
 *   configuredInterruptibleCapacity?: number, previousInterruptibleWorkload?: number, newInterruptibleWorkload?: number}} WorkloadChangedEvent
 *
 * Extension of DESIGN.md's listener contract: besides the four platform events an
 * adapter delivers problems it could not turn into a rejected promise to the same
 * listener. The shim re-dispatches them as the public `error` event.
 *  - `invalid-event`: Salesforce sent a payload that cannot be read (the event is skipped;
 *    `payload` holds what arrived);
 *  - `timeout`: the platform stopped answering (sent once when it goes silent; calls keep
 *    being tried and sync resumes by itself when it answers again);
 *  - `permission`: the user lacks a permission the adapter needs (e.g. "View Setup and
 *    Configuration" / "View DeveloperName" to read presence statuses);
 *  - `unavailable`: the platform refused the event subscription itself (no events will come).
 * A `timeout` with `waiting: true` means the platform has not answered at all yet (it loads
 * later than this page): the adapter keeps waiting for it, and says `{type: "ready", message}`
 * when it first answers.
 * @typedef {{type: "error", code: "invalid-event" | "timeout" | "permission" | "unavailable", message: string, payload?: any, waiting?: boolean}} AdapterErrorEvent
 * @typedef {{type: "ready", message: string}} ReadyEvent
 *
 * @typedef {StatusChangedEvent | LogoutEvent | WorkAcceptedEvent | WorkloadChangedEvent | AdapterErrorEvent | ReadyEvent} AdapterEvent
 * @typedef {(event: AdapterEvent) => void} AdapterListener
 *
 * A Salesforce adapter, exactly DESIGN.md's shape.
 * @typedef {{
 *   getStatus(): Promise<PresenceStatus | null>,
 *   listStatuses(): Promise<StatusInfo[]>,
 *   setStatus(statusId: string): Promise<void>,
 *   logout(): Promise<void>,
 *   subscribe(listener: AdapterListener): () => void
 * }} SalesforceAdapter
 *
 * Errors the adapters' promises reject with: an Error carrying
 *  - `code`: "timeout" | "permission" | "salesforce" | "invalid-event" | "unavailable";
 *  - `type`: the Salesforce error type when Salesforce gave one ("AccessDeniedException" for
 *    every permission problem, so the engine treats it as permanent; "Timeout" for timeouts);
 *  - `salesforceType`, `cause`: what Salesforce actually reported, when it did.
 * @typedef {Error & {code: string, type?: string, salesforceType?: string, cause?: any}} AdapterError
 *
 * @typedef {"error" | "warn" | "info" | "debug"} LogLevel
 * @typedef {(level: LogLevel, message: string, detail?: any) => void} LogFunction
 */

/** Default time to wait for Salesforce (or the Lightning utility item) to answer a call. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** The message shown whenever reading presence statuses is refused. */
export const PERMISSION_HELP =
  'Presence sync cannot read the Omni-Channel presence statuses: since Winter \'22, reading ' +
  'ServicePresenceStatus.DeveloperName needs the "View Setup and Configuration" or the ' +
  '"View DeveloperName" permission. Grant one of them to the agent through the profile or a ' +
  "permission set.";

const ID_RE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const NUMBER_RE = /^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/**
 * Creates an Error with a stable `code` (and any extra fields).
 * @param {string} code
 * @param {string} message
 * @param {Record<string, any>} [extra]
 * @returns {AdapterError}
 */
export function adapterError(code, message, extra) {
  const error = /** @type {AdapterError} */ (new Error(message));
  error.code = code;
  if (extra) {
    for (const [key, value] of Object.entries(extra)) {
      if (value !== undefined) /** @type {any} */ (error)[key] = value;
    }
  }
  return error;
}

/** A payload field that cannot be read as its documented type. */
export class PayloadError extends Error {
  /**
   * @param {string} message
   * @param {string} [field]
   */
  constructor(message, field) {
    super(message);
    this.name = "PayloadError";
    this.code = "invalid-event";
    this.field = field;
  }
}

/**
 * @param {unknown} value
 * @returns {value is string}
 */
export function isSalesforceId(value) {
  return typeof value === "string" && ID_RE.test(value);
}

/**
 * True when both are Salesforce Ids of the same record (15- and 18-character forms compare
 * equal; the 15-character form is case-sensitive).
 * @param {unknown} a
 * @param {unknown} b
 */
export function sameId(a, b) {
  return isSalesforceId(a) && isSalesforceId(b) && a.slice(0, 15) === b.slice(0, 15);
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
    if (required) throw new PayloadError(`${name} is missing`, name);
    return undefined;
  }
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
  } else if (typeof value === "string" && NUMBER_RE.test(value)) {
    const n = Number(value);
    if (Number.isFinite(n)) return n; // "1e999" is not a workload
  }
  throw new PayloadError(`${name} is ${describe(value)}, which is not a number`, name);
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
    if (required) throw new PayloadError(`${name} is missing`, name);
    return undefined;
  }
  if (typeof value !== "string") {
    throw new PayloadError(`${name} is ${describe(value)}, where Salesforce sends a string`, name);
  }
  return value;
}

/**
 * A record Id field (15 or 18 characters).
 * @param {Record<string, any>} payload
 * @param {string} name
 * @returns {string}
 */
export function readId(payload, name) {
  const value = readString(payload, name, true);
  if (!isSalesforceId(value)) {
    throw new PayloadError(`${name} is ${describe(value)}, which is not a 15- or 18-character Salesforce Id`, name);
  }
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
      throw new PayloadError(`${name} is ${describe(value)}, which is not JSON`, name);
    }
    if (parsed === null) return [];
    if (Array.isArray(parsed)) return parsed;
  }
  throw new PayloadError(`${name} is ${describe(value)}, where Salesforce sends a JSON list`, name);
}

/**
 * @param {unknown} value
 */
export function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "function") return "a function";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? value.slice(0, 57) + "..." : value);
  return String(value); // number, boolean, bigint, undefined, symbol: all render safely
}

/**
 * Text of a value Salesforce put in an error: strings as they are (bounded),
 * numbers and booleans spelled out, anything else described. Never throws.
 * @param {unknown} value
 * @returns {string}
 */
function errorText(value) {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value.length > 2000 ? value.slice(0, 1997) + "..." : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return describe(value);
}

/**
 * @param {unknown} payload
 * @returns {Record<string, any>}
 */
function asObject(payload) {
  if (payload === undefined || payload === null) return {};
  if (typeof payload !== "object" || Array.isArray(payload)) {
    throw new PayloadError(`the payload is ${describe(payload)}, not an object`);
  }
  return /** @type {Record<string, any>} */ (payload);
}

/**
 * Status fields of a status-changed / login / get-status payload. `statusApiName` and
 * `statusName` may be missing (older APIs, login events); the caller completes them.
 * @param {unknown} payload
 * @returns {{statusId: string, statusApiName?: string, statusName?: string, reason?: string, channels: any[]}}
 */
export function readStatus(payload) {
  const p = asObject(payload);
  const statusId = readId(p, "statusId");
  const statusApiName = readString(p, "statusApiName", false);
  const statusName = readString(p, "statusName", false);
  const reason = readString(p, "reason", false);
  const channels = readJsonList(p, "channels");
  return { statusId, statusApiName, statusName, reason, channels };
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
 * The status catalog of an adapter, read with `fetchRaw` (any shape readCatalog reads):
 * `get` returns the cached catalog, loading it once (concurrent callers share the load);
 * `reload` reads it afresh (listStatuses) and caches the result.
 * @param {() => Promise<unknown>} fetchRaw
 * @param {LogFunction} log
 * @returns {{get(): Promise<Catalog>, reload(): Promise<Catalog>}}
 */
export function catalogCache(fetchRaw, log) {
  /** @type {Catalog | null} */
  let cache = null;
  /** @type {Promise<Catalog> | null} */
  let loading = null;
  async function reload() {
    const catalog = readCatalog(await fetchRaw());
    if (catalog.skipped.length) log("warn", "Skipped catalog entries without an Id, DeveloperName or key prefix.", catalog.skipped);
    for (const warning of catalog.warnings) log("warn", warning);
    cache = { statuses: catalog.statuses, serviceChannels: catalog.serviceChannels };
    return cache;
  }
  function get() {
    if (cache) return Promise.resolve(cache);
    if (!loading) {
      loading = reload().finally(() => {
        loading = null;
      });
    }
    return loading;
  }
  return { get, reload };
}

/**
 * Reads a status catalog in any of the shapes it comes in:
 *  - the Apex controller's `{statuses: [{id, developerName, label}], serviceChannels: [...], error?}`;
 *  - a plain list of statuses;
 *  - SOQL records `{Id, DeveloperName, MasterLabel}` (AJAX toolkit, REST).
 * Entries without an Id or DeveloperName are skipped and listed in `skipped`.
 * A catalog carrying `error` (the Apex controller's refusal) throws the classified error.
 * The controller's `warnings` (e.g. service channels it could not read) come back in `warnings`.
 * @param {unknown} value
 * @returns {Catalog & {skipped: any[], warnings: string[]}}
 */
export function readCatalog(value) {
  if (value && typeof value === "object" && !Array.isArray(value) && /** @type {any} */ (value).error) {
    throw classifyError(/** @type {any} */ (value).error, "catalog");
  }
  /** @type {any[]} */
  let statusRows;
  /** @type {any[]} */
  let channelRows = [];
  if (Array.isArray(value)) {
    statusRows = value;
  } else if (value && typeof value === "object") {
    const v = /** @type {any} */ (value);
    if (!Array.isArray(v.statuses)) {
      throw adapterError("invalid-event", "The presence status catalog has no list of statuses.", { payload: value });
    }
    statusRows = v.statuses;
    if (Array.isArray(v.serviceChannels)) channelRows = v.serviceChannels;
  } else {
    throw adapterError("invalid-event", `The presence status catalog is ${describe(value)}.`, { payload: value });
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
  const raw = /** @type {any} */ (value);
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

/**
 * The status of the catalog with this Id (15/18-character tolerant).
 * @param {Catalog | null | undefined} catalog
 * @param {string} statusId
 */
export function findStatus(catalog, statusId) {
  if (!catalog) return undefined;
  return catalog.statuses.find((s) => sameId(s.id, statusId));
}

/**
 * The service channel whose related entity has the work item's key prefix (its first
 * three characters), or undefined.
 * @param {string} workItemId
 * @param {ServiceChannelInfo[] | undefined} serviceChannels
 */
export function serviceChannelFor(workItemId, serviceChannels) {
  if (!isSalesforceId(workItemId) || !serviceChannels) return undefined;
  const prefix = workItemId.slice(0, 3);
  const match = serviceChannels.find((c) => c.keyPrefix === prefix);
  return match ? match.developerName : undefined;
}

const PERMISSION_TYPES = new Set([
  "AccessDeniedException",
  "NoAccessException",
  "System.NoAccessException",
  "INSUFFICIENT_ACCESS",
  "INSUFFICIENT_ACCESS_OR_READONLY",
  "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY",
  "sf:INSUFFICIENT_ACCESS",
]);
const PERMISSION_TEXT =
  /View Setup and Configuration|View DeveloperName|insufficient (?:access|privileges|permissions)|(?:do not|don't|doesn't|does not) have (?:access|permission)|no access to|not allowed to|inaccessible|No such column '?DeveloperName/i;

/**
 * Turns what Salesforce reported (an Aura/Apex error, a toolkit rejection, a SOAP fault, a
 * Classic `{success:false}` result, a string) into an AdapterError. Permission problems get
 * code "permission" and type "AccessDeniedException" (permanent for the engine), with the
 * original type kept in `salesforceType`; anything else gets code "salesforce" and keeps
 * Salesforce's type.
 * @param {unknown} raw
 * @param {string} context what was being done ("catalog" adds the permission help)
 * @returns {AdapterError}
 */
export function classifyError(raw, context) {
  if (raw instanceof Error && typeof (/** @type {any} */ (raw).code) === "string" && /** @type {any} */ (raw).code !== "salesforce") {
    return /** @type {AdapterError} */ (raw);
  }
  let type = "";
  let message = "";
  if (typeof raw === "string") {
    message = raw;
  } else if (raw && typeof raw === "object") {
    const r = /** @type {any} */ (raw);
    type = errorText(r.type ?? r.errorCode ?? r.faultcode ?? r.exceptionType ?? r.statusCode ?? (r.name && r.name !== "Error" ? r.name : ""));
    message = errorText(r.message ?? r.faultstring ?? r.error);
    if (!message && Array.isArray(r.errors) && r.errors.length) {
      message = r.errors
        .slice(0, 10)
        .map((/** @type {any} */ e) => (e && typeof e === "object" ? errorText(e.message ?? e.description) || describe(e) : errorText(e)))
        .join("; ");
    }
  }
  type = type.replace(/^sf:/, "");
  if (!message) message = `Salesforce refused ${context}` + (type ? ` (${type})` : "") + ".";
  const permission = PERMISSION_TYPES.has(type) || PERMISSION_TYPES.has(`sf:${type}`) || PERMISSION_TEXT.test(message) || PERMISSION_TEXT.test(type);
  if (permission) {
    const text = context === "catalog" && !/View Setup and Configuration/.test(message) ? `${PERMISSION_HELP} Salesforce said: ${message}` : message;
    return adapterError("permission", text, {
      type: "AccessDeniedException",
      salesforceType: type || undefined,
      cause: raw,
    });
  }
  return adapterError("salesforce", message, { type: type || "SalesforceError", salesforceType: type || undefined, cause: raw });
}

/**
 * Wraps an optional logging function so it never throws.
 * @param {LogFunction | undefined} log
 * @returns {LogFunction}
 */
export function safeLog(log) {
  if (typeof log !== "function") return () => {};
  return (level, message, detail) => {
    try {
      log(level, message, detail);
    } catch {
      // a broken logger must not break sync
    }
  };
}

/**
 * Tracks whether a platform answers: reports one `timeout` error when it goes silent, and
 * logs when it answers again.
 * @param {(event: AdapterErrorEvent) => void} report
 * @param {LogFunction} log
 * @param {string} what
 */
export function silenceTracker(report, log, what) {
  let silent = false;
  return {
    /** @param {AdapterError} error */
    timedOut(error) {
      if (silent) return;
      silent = true;
      report({ type: "error", code: "timeout", message: error.message });
    },
    answered() {
      if (!silent) return;
      silent = false;
      log("info", `${what} is answering again; sync resumes.`);
    },
    get silent() {
      return silent;
    },
  };
}

/**
 * Turns raw Omni-Channel events into adapter events, in order, and fans them out.
 *
 * Raw event names: "statusChanged", "loginSuccess", "logout", "workAccepted",
 * "workloadChanged". A login produces a statusChanged (reason `OmniLoginStatusChange`
 * unless Salesforce gave one) and the identical status change Omni may fire right after
 * it is not delivered twice. A status without its API name is completed from the catalog,
 * else from a fresh read of the current status. A Work Accepted gets its service channel
 * from the work item's key prefix through the catalog.
 *
 * @param {{
 *   catalog: () => Promise<Catalog>,
 *   currentStatus: () => Promise<{statusId: string, statusApiName?: string, statusName?: string} | null>,
 *   log: LogFunction,
 * }} deps
 */
export function createOmniEventStream(deps) {
  /** @type {Set<AdapterListener>} */
  const listeners = new Set();
  let chain = Promise.resolve();
  /** @type {string | null} */
  let lastStatusId = null;
  let afterLogin = false;

  /** @param {AdapterEvent} event */
  function deliver(event) {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        deps.log("error", "A presence listener threw; other listeners still got the event.", error);
      }
    }
  }

  /**
   * @param {{statusId: string, statusApiName?: string, statusName?: string}} status
   * @returns {Promise<PresenceStatus>}
   */
  async function complete(status) {
    let { statusApiName, statusName } = status;
    if (!statusApiName) {
      let known;
      try {
        known = findStatus(await deps.catalog(), status.statusId);
      } catch (error) {
        deps.log("warn", "Could not load the presence status catalog to name a status.", error);
      }
      if (known) {
        statusApiName = known.developerName;
        statusName = statusName || known.label;
      } else {
        const current = await deps.currentStatus();
        if (current && sameId(current.statusId, status.statusId) && current.statusApiName) {
          statusApiName = current.statusApiName;
          statusName = statusName || current.statusName;
        }
      }
      if (!statusApiName) {
        throw new PayloadError(
          `statusApiName is missing and status ${status.statusId} is not in the presence status catalog`,
          "statusApiName",
        );
      }
    }
    return { statusId: status.statusId, statusApiName, statusName: statusName || statusApiName };
  }

  /**
   * @param {string} name
   * @param {unknown} payload
   */
  async function process(name, payload) {
    switch (name) {
      case "statusChanged": {
        const raw = readStatus(payload);
        const status = await complete(raw);
        if (afterLogin && sameId(lastStatusId, status.statusId)) {
          afterLogin = false;
          deps.log("debug", "Omni status change repeating the login status; already delivered.", payload);
          return;
        }
        afterLogin = false;
        lastStatusId = status.statusId;
        /** @type {StatusChangedEvent} */
        const event = { type: "statusChanged", ...status };
        if (raw.reason) event.reason = raw.reason;
        deliver(event);
        return;
      }
      case "loginSuccess": {
        const raw = readStatus(payload);
        if (sameId(lastStatusId, raw.statusId)) {
          deps.log("debug", "Omni login reporting the status already delivered.", payload);
          return;
        }
        const status = await complete(raw);
        lastStatusId = status.statusId;
        afterLogin = true;
        deliver({ type: "statusChanged", ...status, reason: raw.reason || "OmniLoginStatusChange" });
        return;
      }
      case "logout": {
        const logout = readLogout(payload);
        lastStatusId = null;
        afterLogin = false;
        deliver({ type: "logout", ...logout });
        return;
      }
      case "workAccepted": {
        const work = readWorkAccepted(payload);
        /** @type {WorkAcceptedEvent} */
        const event = { type: "workAccepted", ...work };
        try {
          const channel = serviceChannelFor(work.workItemId, (await deps.catalog()).serviceChannels);
          if (channel) event.serviceChannel = channel;
        } catch (error) {
          const e = /** @type {AdapterError} */ (error);
          if (e && e.code === "permission") {
            deliver({ type: "error", code: "permission", message: e.message });
          } else {
            deps.log("warn", "Could not load the service channels; Work Accepted goes without its channel.", error);
          }
        }
        deliver(event);
        return;
      }
      case "workloadChanged":
        deliver({ type: "workloadChanged", ...readWorkload(payload) });
        return;
      default:
        throw new PayloadError(`unknown Omni-Channel event ${describe(name)}`);
    }
  }

  const LABELS = /** @type {Record<string, string>} */ ({
    statusChanged: "Status Changed",
    loginSuccess: "Login Success",
    logout: "Logout",
    workAccepted: "Work Accepted",
    workloadChanged: "Workload Changed",
  });

  return {
    /**
     * Queues one raw Omni event. Resolves once it (and everything before it) is delivered.
     * @param {string} name
     * @param {unknown} payload
     */
    push(name, payload) {
      chain = chain
        .then(() => process(name, payload))
        .catch((error) => {
          const e = /** @type {AdapterError} */ (error);
          if (e && (e.code === "permission" || e.code === "timeout")) {
            deliver({ type: "error", code: e.code, message: e.message });
            return;
          }
          const label = LABELS[name] || String(name);
          deps.log("warn", `Skipped an Omni-Channel ${label} event that could not be read.`, { payload, error });
          deliver({
            type: "error",
            code: "invalid-event",
            message: `Skipped an Omni-Channel ${label} event from Salesforce: ${e && e.message ? e.message : String(error)}.`,
            payload,
          });
        });
      return chain;
    },
    /** @param {AdapterEvent} event */
    deliver,
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
    get listenerCount() {
      return listeners.size;
    },
    /** The status last delivered (used to seed after getStatus). @param {string | null} statusId */
    knowStatus(statusId) {
      lastStatusId = statusId;
      afterLogin = false;
    },
  };
}

/**
 * A status read (getServicePresenceStatusId, setServicePresenceStatus result), completed
 * from the catalog when the API name is missing.
 * @param {unknown} payload
 * @param {() => Promise<Catalog>} catalog
 * @returns {Promise<PresenceStatus>}
 */
export async function readCurrentStatus(payload, catalog) {
  let raw;
  try {
    raw = readStatus(payload);
  } catch (error) {
    throw adapterError("invalid-event", `Salesforce returned a presence status that cannot be read: ${/** @type {Error} */ (error).message}.`, { payload });
  }
  let { statusApiName, statusName } = raw;
  if (!statusApiName) {
    const known = findStatus(await catalog(), raw.statusId);
    if (!known) {
      throw adapterError("invalid-event", `Salesforce returned status ${raw.statusId} without its API name, and it is not in the presence status catalog.`, { payload });
    }
    statusApiName = known.developerName;
    statusName = statusName || known.label;
  }
  return { statusId: raw.statusId, statusApiName, statusName: statusName || statusApiName };
}

/**
 * Runs `start(resolve, reject)` with a deadline; on expiry rejects with a `timeout` error.
 * @template T
 * @param {(resolve: (value: T) => void, reject: (error: any) => void) => void} start
 * @param {{ms: number, setTimeout: (fn: () => void, ms: number) => any, clearTimeout: (handle: any) => void, message: string, onTimeout?: (error: AdapterError) => void}} deadline
 * @returns {Promise<T>}
 */
export function withTimeout(start, deadline) {
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = deadline.setTimeout(() => {
      if (done) return;
      done = true;
      const error = adapterError("timeout", deadline.message, { type: "Timeout" });
      if (deadline.onTimeout) deadline.onTimeout(error);
      reject(error);
    }, deadline.ms);
    try {
      start(
        (value) => {
          if (done) return;
          done = true;
          deadline.clearTimeout(timer);
          resolve(value);
        },
        (error) => {
          if (done) return;
          done = true;
          deadline.clearTimeout(timer);
          reject(error);
        },
      );
    } catch (error) {
      if (!done) {
        done = true;
        deadline.clearTimeout(timer);
        reject(error);
      }
    }
  });
}

/**
 * The timer functions an adapter uses: injected ones, else the global ones.
 * @param {{setTimeout?: (fn: () => void, ms: number) => any, clearTimeout?: (handle: any) => void}} options
 */
export function timersFrom(options) {
  const set = options.setTimeout ?? ((/** @type {() => void} */ fn, /** @type {number} */ ms) => globalThis.setTimeout(fn, ms));
  const clear = options.clearTimeout ?? ((/** @type {any} */ handle) => globalThis.clearTimeout(handle));
  return { setTimeout: set, clearTimeout: clear };
}
