// @ts-check
/**
 * The plain-JavaScript baseline of `make bench`: a straightforward evaluator of the same
 * rules document, driving the same platforms, written the way one would without the
 * engine. It implements the rule semantics that decide a write (rules/SEMANTICS.md
 * 1–5, 8): a rule is considered for events of its source when active; operands read the
 * event, else the last known value; Equal to / Not equal to compare numerically when both
 * sides are numbers, else as exact strings; ordering comparators need numbers; rules run
 * in document order and the first match per destination wins; no write when the
 * destination already is in the target state. It has none of the rest (echoes, loop
 * breaking, retries, deferral, decisions, traces): it is the floor the engine is compared
 * against, not a replacement.
 *
 * Its platform side is the shim's, reduced: Streams' `agent.onStateChange` and
 * `agent.setState`, and a Salesforce adapter's `subscribe`, `setStatus` and `logout`.
 */

/** @param {unknown} s */
const norm = (s) => String(s ?? "").toLowerCase().replace(/[\s_-]/g, "");

/** @param {string[]} labels */
const picklist = (labels) => new Map(labels.map((l) => [norm(l), l]));

const SOURCES = picklist(["Connect Agent State Change", "Salesforce Agent State Change", "Salesforce Agent Logout", "Salesforce Work Accepted", "Salesforce Workload Changed"]);
const OPERANDS = picklist([
  "Connect Agent New State", "Connect Agent Old State", "Salesforce Agent New State", "Salesforce Service Channel",
  "Salesforce Previous Workload", "Salesforce Previous Workload Pct", "Salesforce New Workload", "Salesforce New Workload Pct",
  "Salesforce Configured Capacity", "Static Value",
]);
const COMPARATORS = picklist(["Equal to", "Not equal to", "Greater than", "Greater than or equal to", "Less than", "Less than or equal to"]);
const DESTINATIONS = picklist(["Salesforce Agent State", "Connect Agent State"]);

/**
 * @param {Map<string, string>} list
 * @param {unknown} v
 * @param {string} what
 */
function label(list, v, what) {
  const l = list.get(norm(v));
  if (!l) throw new Error(`baseline: ${JSON.stringify(v)} is not a ${what}`);
  return l;
}

/**
 * @typedef {{source: string, a: string, aValue: unknown, cmp: string, b: string, bValue: unknown, destination: string, value: string}} CompiledRule
 * @typedef {{type: string, [k: string]: any}} EngineEvent
 */

/**
 * Compiles a rules document: the active rules, grouped by source, in document order.
 * @param {{rules: any[]}} doc
 * @returns {Map<string, CompiledRule[]>}
 */
export function compile(doc) {
  /** @type {Map<string, CompiledRule[]>} */
  const bySource = new Map();
  for (const r of doc.rules) {
    if (r.active === false) continue;
    const c = {
      source: label(SOURCES, r.source, "source"),
      a: label(OPERANDS, r.operandA, "operand"),
      aValue: r.operandAValue,
      cmp: label(COMPARATORS, r.comparator, "comparator"),
      b: label(OPERANDS, r.operandB, "operand"),
      bValue: r.operandBValue,
      destination: label(DESTINATIONS, r.destination, "destination"),
      value: String(r.value),
    };
    if (!bySource.has(c.source)) bySource.set(c.source, []);
    /** @type {CompiledRule[]} */ (bySource.get(c.source)).push(c);
  }
  return bySource;
}

/** @param {unknown} v @returns {number | null} */
function num(v) {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) return Number(v);
  return null;
}

/**
 * The known state of both systems, updated from every event.
 */
export class Known {
  connect = "";
  connectPrevious = "";
  salesforce = "";
  /** @type {unknown} */ capacity = undefined;
  /** @type {unknown} */ previousWorkload = undefined;
  /** @type {unknown} */ workload = undefined;
  serviceChannel = "";
}

/**
 * Reads an operand for an event.
 * @param {string} op
 * @param {unknown} staticValue
 * @param {EngineEvent} ev
 * @param {Known} k
 * @param {{developerName: string, keyPrefix: string}[]} channels
 * @returns {unknown} undefined when unavailable
 */
function operand(op, staticValue, ev, k, channels) {
  switch (op) {
    case "Static Value": return staticValue;
    case "Connect Agent New State": return ev.newState ?? k.connect;
    case "Connect Agent Old State": return ev.oldState ?? k.connectPrevious;
    case "Salesforce Agent New State":
      if (ev.type === "Salesforce Agent Logout") return "Offline";
      return ev.statusApiName ?? k.salesforce;
    case "Salesforce Service Channel": {
      if (ev.serviceChannel) return ev.serviceChannel;
      if (typeof ev.workItemId === "string") {
        const c = channels.find((x) => x.keyPrefix === ev.workItemId.slice(0, 3));
        if (c) return c.developerName;
      }
      return ev.type === "Salesforce Work Accepted" ? "" : k.serviceChannel;
    }
    case "Salesforce Previous Workload": return ev.previousWorkload ?? k.previousWorkload;
    case "Salesforce New Workload": return ev.newWorkload ?? k.workload;
    case "Salesforce Configured Capacity": return ev.configuredCapacity ?? k.capacity;
    case "Salesforce Previous Workload Pct":
    case "Salesforce New Workload Pct": {
      const cap = num(ev.configuredCapacity ?? k.capacity);
      const w = num(op === "Salesforce New Workload Pct" ? ev.newWorkload ?? k.workload : ev.previousWorkload ?? k.previousWorkload);
      if (cap === null || cap <= 0 || w === null) return undefined;
      return (w / cap) * 100;
    }
  }
  return undefined;
}

/**
 * @param {string} cmp
 * @param {unknown} a
 * @param {unknown} b
 */
function compare(cmp, a, b) {
  if (a === undefined || b === undefined) return false;
  const x = num(a);
  const y = num(b);
  const numeric = x !== null && y !== null;
  switch (cmp) {
    case "Equal to": return numeric ? x === y : String(a) === String(b);
    case "Not equal to": return numeric ? x !== y : String(a) !== String(b);
  }
  if (!numeric) return false;
  switch (cmp) {
    case "Greater than": return x > y;
    case "Greater than or equal to": return x >= y;
    case "Less than": return x < y;
    case "Less than or equal to": return x <= y;
  }
  return false;
}

/**
 * Evaluates one event: the first matching rule per destination.
 * @param {Map<string, CompiledRule[]>} bySource
 * @param {EngineEvent} ev
 * @param {Known} k
 * @param {{developerName: string, keyPrefix: string}[]} channels
 * @returns {{destination: string, value: string}[]}
 */
export function evaluate(bySource, ev, k, channels) {
  const rules = bySource.get(ev.type);
  if (!rules) return [];
  /** @type {{destination: string, value: string}[]} */
  const out = [];
  let salesforce = false;
  let connect = false;
  for (const r of rules) {
    const isSf = r.destination === "Salesforce Agent State";
    if (isSf ? salesforce : connect) continue;
    if (ev.type === "Salesforce Agent Logout" && !(r.a === "Salesforce Agent New State" && r.cmp === "Equal to" && r.b === "Static Value" && r.bValue === "Offline")) continue;
    if (!compare(r.cmp, operand(r.a, r.aValue, ev, k, channels), operand(r.b, r.bValue, ev, k, channels))) continue;
    out.push({ destination: r.destination, value: r.value });
    if (isSf) salesforce = true;
    else connect = true;
    if (salesforce && connect) break;
  }
  return out;
}

/**
 * @param {EngineEvent} ev
 * @param {Known} k
 */
function apply(ev, k) {
  switch (ev.type) {
    case "Connect Agent State Change":
      k.connectPrevious = ev.oldState ?? k.connect;
      k.connect = ev.newState ?? k.connect;
      break;
    case "Salesforce Agent State Change":
      if (ev.statusApiName) k.salesforce = ev.statusApiName;
      break;
    case "Salesforce Agent Logout":
      k.salesforce = "Offline";
      break;
    case "Salesforce Work Accepted":
      if (ev.serviceChannel) k.serviceChannel = ev.serviceChannel;
      break;
    case "Salesforce Workload Changed":
      if (ev.configuredCapacity !== undefined) k.capacity = ev.configuredCapacity;
      if (ev.previousWorkload !== undefined) k.previousWorkload = ev.previousWorkload;
      if (ev.newWorkload !== undefined) k.workload = ev.newWorkload;
      break;
  }
}

/**
 * Starts the baseline on the same platforms as PresenceSync.start.
 * @param {{rules: {rules: any[], salesforce?: {serviceChannels?: any[]}}, agent: any, salesforce: any}} p
 *   agent: the Streams agent (from connect.agent); salesforce: an adapter
 * @returns {Promise<{stop(): void, known: Known}>}
 */
export async function startBaseline(p) {
  const bySource = compile(p.rules);
  const channels = p.rules.salesforce?.serviceChannels ?? [];
  const k = new Known();
  k.connect = p.agent.getState().name;
  const [status, statuses] = await Promise.all([p.salesforce.getStatus(), p.salesforce.listStatuses()]);
  k.salesforce = status ? status.statusApiName : "Offline";
  /** @type {Map<string, string>} */
  const ids = new Map(statuses.map((/** @type {any} */ s) => [s.developerName, s.id]));

  /** @param {EngineEvent} ev */
  const onEvent = (ev) => {
    const writes = evaluate(bySource, ev, k, channels);
    apply(ev, k);
    for (const w of writes) {
      // The known state becomes the target as the write is sent (what was last asked for).
      if (w.destination === "Salesforce Agent State") {
        if (k.salesforce === w.value) continue;
        k.salesforce = w.value;
        if (w.value === "Offline") p.salesforce.logout().catch(() => {});
        else {
          const id = ids.get(w.value);
          if (id) p.salesforce.setStatus(id).catch(() => {});
        }
      } else {
        if (k.connect === w.value) continue;
        k.connect = w.value;
        const st = p.agent.getAgentStates().find((/** @type {any} */ s) => s.name === w.value);
        if (st) p.agent.setState(st, { success() {}, failure() {} }, { enqueueNextState: false });
      }
    }
  };
  const sub = p.agent.onStateChange((/** @type {any} */ e) => {
    if (e.oldState === "Init") return;
    onEvent({ type: "Connect Agent State Change", oldState: e.oldState, newState: e.newState });
  });
  const unsub = p.salesforce.subscribe((/** @type {any} */ e) => {
    switch (e.type) {
      case "statusChanged": onEvent({ type: "Salesforce Agent State Change", statusId: e.statusId, statusApiName: e.statusApiName, statusName: e.statusName }); break;
      case "logout": onEvent({ type: "Salesforce Agent Logout" }); break;
      case "workAccepted": onEvent({ type: "Salesforce Work Accepted", workItemId: e.workItemId, workId: e.workId, serviceChannel: e.serviceChannel }); break;
      case "workloadChanged": onEvent({ type: "Salesforce Workload Changed", configuredCapacity: e.configuredCapacity, previousWorkload: e.previousWorkload, newWorkload: e.newWorkload }); break;
    }
  });
  return {
    known: k,
    stop() {
      sub.unsubscribe();
      unsub();
    },
  };
}
