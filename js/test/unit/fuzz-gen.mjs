// Seeded, deterministic generators of random and mutated payloads for the JS-side property
// tests (fuzz.test.mjs). No dependencies. FUZZ_SEED and FUZZ_RUNS (environment) choose the
// seed and the number of cases; a failure names the seed and the case to replay it.

/** Mulberry32: a small, fast, seeded PRNG. @param {number} seed */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** @param {number} n */
    int: (n) => Math.floor(next() * n),
    /** @template T @param {readonly T[]} xs @returns {T} */
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    /** @param {number} p */
    chance: (p) => next() < p,
  };
}

/** @typedef {ReturnType<typeof prng>} Rng */

export const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
export const RUNS = Number(process.env.FUZZ_RUNS ?? 2500);

/** Keys the platforms and the engine read, plus the ones a polluter tries. */
export const KEYS = [
  "type", "statusId", "statusApiName", "statusName", "reason", "channels", "works",
  "workItemId", "workId", "serviceChannel", "configuredCapacity", "previousWorkload", "newWorkload",
  "ConfiguredCapacity", "PreviousWorkload", "NewWorkload", "oldState", "newState", "agent",
  "op", "now", "event", "id", "ok", "error", "message", "code", "leader", "payload",
  "__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "polluted",
];

const IDS = ["0N5xx0000000001", "0N5xx0000000002", "0N5xx0000000003AAA", "0N5xx000000000", "500xx000000abcd", "0Bzxx0000000001", "570xx0000000001"];
const NAMES = ["Available", "Lunch", "Break", "Busy", "Offline", "Training", "AfterCallWork", "Init", "Coffee", "Back Office", "At Capacity"];
const TYPES = ["statusChanged", "logout", "workAccepted", "workloadChanged", "loginSuccess", "error",
  "Connect Agent State Change", "Salesforce Agent State Change", "Salesforce Agent Logout", "Salesforce Work Accepted", "Salesforce Workload Changed"];

/** A string from a pool of awkward ones (and now and then a huge one). @param {Rng} r */
export function str(r) {
  switch (r.int(12)) {
    case 0: return "";
    case 1: return r.pick(NAMES);
    case 2: return r.pick(IDS);
    case 3: return r.pick(TYPES);
    case 4: return r.pick(["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"]);
    case 5: return r.pick(["1", "1.5", " 2 ", "-0", "1e999", "NaN", "Infinity", "0x10", "5e-324", "+3", "1_000", "٣"]);
    case 6: return r.pick(["\u0000", "\ud800", "\udfff\ud800", "é", "𝄞", "\u202e", "<img src=x onerror=alert(1)>", "'\"\\", "\n\r\t"]);
    case 7: return r.pick(["[]", "[{}]", "{}", "null", '[{"developerName":"sfdc_case"}]', "[1,", '"x"']);
    case 8: return r.chance(0.02) ? "x".repeat(1 << 20) : "y".repeat(r.int(5000));
    case 9: return r.pick(NAMES).toLowerCase() + r.pick(["", " ", "_", "-"]);
    default: {
      let s = "";
      const n = r.int(12);
      for (let i = 0; i < n; i++) s += String.fromCharCode(r.int(0x3000));
      return s;
    }
  }
}

/** A number, awkward ones included. @param {Rng} r */
export function num(r) {
  return r.pick([0, -0, 1, 2, 5, 100, -1, 0.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1, NaN, Infinity, -Infinity, 5e-324, r.int(10)]);
}

/**
 * Any JSON-ish value (cloneable), depth-limited; with `hostile`, also values that only live in
 * one realm: throwing getters, Proxies, cycles, null-prototype objects, functions, symbols, BigInts.
 * @param {Rng} r
 * @param {number} depth
 * @param {boolean} hostile
 * @returns {any}
 */
export function value(r, depth = 0, hostile = false) {
  const k = r.int(hostile ? 14 : 10);
  if (depth > 3 && k >= 6) return str(r);
  switch (k) {
    case 0: return null;
    case 1: return r.chance(0.5);
    case 2: case 3: return num(r);
    case 4: case 5: return str(r);
    case 6: {
      const a = [];
      const n = r.int(4);
      for (let i = 0; i < n; i++) a.push(value(r, depth + 1, hostile));
      return a;
    }
    case 7: case 8: case 9: return object(r, depth + 1, hostile);
    case 10: {
      const o = object(r, depth + 1, false);
      Object.defineProperty(o, r.pick(KEYS), { enumerable: true, get() { throw new Error("hostile getter"); } });
      return o;
    }
    case 11:
      return new Proxy({}, {
        get() { throw new Error("hostile proxy get"); },
        ownKeys() { throw new Error("hostile proxy keys"); },
        getOwnPropertyDescriptor() { throw new Error("hostile proxy descriptor"); },
        has() { throw new Error("hostile proxy has"); },
      });
    case 12: {
      const o = /** @type {any} */ (object(r, depth + 1, false));
      Object.defineProperty(o, r.pick(KEYS), { value: o, enumerable: true, writable: true, configurable: true });
      return o;
    }
    default:
      return r.pick([() => 1, Symbol("s"), 10n, undefined, Object.create(null), new Date(0), /re/, new Map()]);
  }
}

/** @param {Rng} r @param {number} depth @param {boolean} hostile */
export function object(r, depth = 0, hostile = false) {
  let json = "{";
  const n = r.int(5);
  /** @type {Record<string, any>} */
  const extra = {};
  for (let i = 0; i < n; i++) {
    const key = r.chance(0.85) ? r.pick(KEYS) : str(r).slice(0, 40);
    if (key === "__proto__" || key === "constructor" || key === "prototype") {
      // Own keys, as JSON.parse makes them: the way a polluter gets them past a clone.
      json += (json === "{" ? "" : ",") + JSON.stringify(key) + ":" + safeJson(value(r, depth + 1, false));
    } else {
      extra[key] = value(r, depth + 1, hostile);
    }
  }
  const o = JSON.parse(json + "}");
  for (const [key, v] of Object.entries(extra)) o[key] = v;
  return o;
}

/** @param {any} v */
function safeJson(v) {
  try {
    return JSON.stringify(v) ?? "null";
  } catch {
    return "null";
  }
}

/**
 * A valid adapter event (js/API.md), then maybe mutated: a field replaced by
 * a random value, deleted, or a junk field added.
 * @param {Rng} r
 * @param {boolean} hostile
 */
export function adapterEvent(r, hostile = false) {
  const s = r.pick([
    { type: "statusChanged", statusId: "0N5xx0000000002", statusApiName: "Lunch", statusName: "Lunch", reason: "OmniManualStatusChange" },
    { type: "statusChanged", statusId: "0N5xx0000000003AAA", statusApiName: "Break", statusName: "On Break" },
    { type: "logout" },
    { type: "workAccepted", workItemId: "500xx000000abcd", workId: "0Bzxx0000000001" },
    { type: "workloadChanged", configuredCapacity: 5, previousWorkload: "1", newWorkload: 2 },
  ]);
  return mutate(r, { ...s }, hostile);
}

/**
 * A raw Omni-Channel payload (as the toolkits give them) for an event name.
 * @param {Rng} r
 * @param {string} name
 * @param {boolean} hostile
 */
export function omniPayload(r, name, hostile = false) {
  /** @type {Record<string, any>} */
  let base;
  switch (name) {
    case "statusChanged":
    case "loginSuccess":
      base = { statusId: r.pick(IDS), channels: r.pick(["[]", '[{"channelId":"0N9xx0000000001","developerName":"sfdc_case"}]', ""]), statusName: r.pick(NAMES), statusApiName: r.pick(NAMES) };
      break;
    case "workAccepted":
      base = { workItemId: r.pick(IDS), workId: r.pick(IDS) };
      break;
    case "workloadChanged":
      base = r.chance(0.5)
        ? { configuredCapacity: String(r.int(10)), previousWorkload: String(r.int(10)), newWorkload: String(r.int(10)) }
        : { ConfiguredCapacity: r.int(10), PreviousWorkload: r.int(10), NewWorkload: r.int(10) };
      break;
    default:
      base = {};
  }
  return r.chance(0.1) ? value(r, 0, hostile) : mutate(r, base, hostile);
}

/**
 * @param {Rng} r
 * @param {Record<string, any>} o
 * @param {boolean} hostile
 */
export function mutate(r, o, hostile = false) {
  const n = r.int(3);
  for (let i = 0; i < n; i++) {
    const keys = Object.keys(o);
    switch (r.int(4)) {
      case 0:
        if (keys.length) o[r.pick(keys)] = value(r, 1, hostile);
        break;
      case 1:
        if (keys.length) delete o[r.pick(keys)];
        break;
      case 2:
        // An own property even for "__proto__" (as JSON.parse makes it), never the prototype.
        Object.defineProperty(o, r.pick(KEYS), { value: value(r, 1, hostile), enumerable: true, writable: true, configurable: true });
        break;
      default:
        if (keys.length) o[r.pick(keys)] = str(r);
    }
  }
  return o;
}

/** A short description of a case for failure messages. @param {any} v */
export function show(v) {
  try {
    const s = JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : typeof x === "string" && x.length > 80 ? x.slice(0, 80) + `…(${x.length})` : x));
    return (s ?? String(v)).slice(0, 600);
  } catch (e) {
    return `<${String(e)}>`;
  }
}

/** The own property names of Object.prototype, to detect pollution. */
export function prototypeKeys() {
  return Object.getOwnPropertyNames(Object.prototype).sort().join(",");
}
