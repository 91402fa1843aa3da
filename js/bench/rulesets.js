// @ts-check
/**
 * Deterministic rule sets and platform catalogs for `make bench` (no randomness: the
 * same size always gives the same document). Loaded by Node (bench.mjs) and by the bench
 * page in the browser.
 *
 * The shape of a set of n rules (n >= 10):
 *  - the Connect agent states the fake CCP offers: Available, then CYCLE (not routable);
 *    the benchmark moves the agent through CYCLE over and over;
 *  - the Salesforce presence statuses: Available, Offline-free, and one "Omni_<state>" per
 *    Connect state, plus a few more;
 *  - the rules that decide come LAST in the document (the worst place for a linear
 *    evaluator): for each state of CYCLE, "Connect New State Equal to <state>" writes
 *    Salesforce "Omni_<state>", plus the reverse mapping (Salesforce New State Equal to
 *    Omni_<state> writes Connect <state>), so every write's echo is tested too;
 *  - before them, n - 2·|CYCLE| filler rules spread over the five sources and the six
 *    comparators, none of which matches the benchmark's events: state names that never
 *    occur, inactive rules, workload comparisons that are false, numeric comparisons of
 *    names (false by Semantics 3, rules/SEMANTICS.md).
 */

/** Connect states the benchmark cycles through (all not routable). */
export const CYCLE = ["Lunch", "Break", "Coffee", "Training", "Meeting"];

const SOURCES = [
  "Connect Agent State Change",
  "Salesforce Agent State Change",
  "Salesforce Agent Logout",
  "Salesforce Work Accepted",
  "Salesforce Workload Changed",
];

/** The fake CCP's `states` query parameter: name:type,... */
export function ccpStatesParam() {
  return ["Available:routable", ...CYCLE.map((s) => `${s}:not_routable`), "Offline:offline"].join(",");
}

/** Salesforce presence statuses. @returns {{id: string, developerName: string, label: string}[]} */
export function statuses() {
  const names = ["Available", ...CYCLE.map((s) => "Omni_" + s), "Busy", "Away"];
  return names.map((n, i) => ({ id: "0N5xx00000000" + String(i + 1).padStart(2, "0"), developerName: n, label: n.replace(/_/g, " ") }));
}

/**
 * @param {number} i
 * @returns {Record<string, unknown>}
 */
function filler(i) {
  const source = SOURCES[i % SOURCES.length];
  const k = Math.floor(i / SOURCES.length);
  /** @type {Record<string, unknown>} */
  const r = { name: `filler ${i}`, active: i % 17 !== 16, source };
  switch (source) {
    case "Connect Agent State Change":
      // Names that never occur, through every name operand and comparator shape.
      if (k % 3 === 0) Object.assign(r, { operandA: "Connect Agent New State", comparator: "Equal to", operandB: "Static Value", operandBValue: `Unused ${i}` });
      else if (k % 3 === 1) Object.assign(r, { operandA: "Connect Agent Old State", comparator: "Equal to", operandB: "Static Value", operandBValue: `Unused ${i}` });
      else Object.assign(r, { operandA: "Salesforce New Workload Pct", comparator: "Greater than", operandB: "Static Value", operandBValue: String(1000 + i) });
      Object.assign(r, { destination: "Salesforce Agent State", value: "Busy" });
      break;
    case "Salesforce Agent State Change":
      Object.assign(r, { operandA: "Salesforce Agent New State", comparator: "Equal to", operandB: "Static Value", operandBValue: `Unused_${i}`, destination: "Connect Agent State", value: "Available" });
      break;
    case "Salesforce Agent Logout":
      // A Logout rule tests New State = Offline (Semantics 4, rules/SEMANTICS.md); the benchmark never
      // logs out. All but the first are inactive (they would only shadow it).
      if (k > 0) r.active = false;
      Object.assign(r, { operandA: "Salesforce Agent New State", comparator: "Equal to", operandB: "Static Value", operandBValue: "Offline", destination: "Connect Agent State", value: "Offline" });
      break;
    case "Salesforce Work Accepted":
      Object.assign(r, { operandA: "Salesforce Service Channel", comparator: "Equal to", operandB: "Static Value", operandBValue: `channel_${i}`, destination: "Connect Agent State", value: "Available" });
      break;
    default: {
      const cmp = ["Greater than", "Greater than or equal to", "Less than", "Less than or equal to", "Not equal to", "Equal to"][k % 6];
      if (cmp === "Not equal to") {
        // Two equal static values: never unequal.
        Object.assign(r, { operandA: "Static Value", operandAValue: `x${i}`, comparator: cmp, operandB: "Static Value", operandBValue: `x${i}` });
      } else {
        Object.assign(r, { operandA: "Salesforce New Workload Pct", comparator: cmp, operandB: "Static Value", operandBValue: String(cmp.startsWith("Less") ? -1 - i : 1000 + i) });
      }
      Object.assign(r, { destination: "Connect Agent State", value: "Available" });
    }
  }
  return r;
}

/**
 * A rules document of n rules (with the catalogs, so lint can check it offline).
 * @param {number} n
 */
export function rulesDocument(n) {
  const deciding = [];
  for (const s of CYCLE) {
    deciding.push({
      name: `${s} to Omni`, active: true, source: "Connect Agent State Change",
      operandA: "Connect Agent New State", comparator: "Equal to", operandB: "Static Value", operandBValue: s,
      destination: "Salesforce Agent State", value: "Omni_" + s,
    });
    deciding.push({
      name: `Omni ${s} to Connect`, active: true, source: "Salesforce Agent State Change",
      operandA: "Salesforce Agent New State", comparator: "Equal to", operandB: "Static Value", operandBValue: "Omni_" + s,
      destination: "Connect Agent State", value: s,
    });
  }
  const rules = [];
  for (let i = 0; rules.length < n - deciding.length; i++) rules.push(filler(i));
  rules.push(...deciding);
  return {
    rules,
    connect: { states: [{ name: "Available", type: "routable" }, ...CYCLE.map((s) => ({ name: s, type: "not_routable" })), { name: "Offline", type: "offline" }] },
    salesforce: { statuses: statuses(), serviceChannels: [{ developerName: "sfdc_case", keyPrefix: "500" }] },
  };
}

/**
 * The Salesforce status the rules write for a Connect state (null: none).
 * @param {string} connectState
 */
export function expectedStatus(connectState) {
  return CYCLE.includes(connectState) ? "Omni_" + connectState : null;
}

/**
 * One criterion of the canonical shape: `operandA` compared with a static value.
 * @param {string} operandA
 * @param {string} comparator
 * @param {string | number} value
 */
function criterion(operandA, comparator, value) {
  return { operandA, comparator, operandB: "Static Value", operandBValue: value };
}

/**
 * The four members every rule of the groups set adds to the one that tells it apart:
 * true on every event of the benchmark (names compared with a name that never occurs).
 */
const ALWAYS = [
  criterion("Connect Agent Old State", "Not equal to", "Unused"),
  criterion("Connect Routing Profile", "Not equal to", "Unused"),
  criterion("Connect Agent Next State", "Not equal to", "Unused"),
  criterion("Salesforce Agent New State", "Not equal to", "Unused"),
];

/**
 * The same rule set as rulesDocument(n) — the same catalogs, the same deciding rules last,
 * the same fillers that never match — written in the seed's canonical shape ("criteria"
 * and "state") with every rule's criteria a 5-member "all" group: the member of the
 * record-form rule first, then four members that are always true. For the compile figure
 * of 1,000 such rules (target ≤ 150 ms in the browser) and the per-event cost of groups.
 * @param {number} n
 */
export function groupsRulesDocument(n) {
  const doc = rulesDocument(n);
  const rules = doc.rules.map((/** @type {Record<string, unknown>} */ r) => {
    const { operandA, operandAValue, comparator, operandB, operandBValue, value, ...rest } = r;
    /** @type {Record<string, unknown>} */
    const first = { operandA, comparator, operandB };
    if (operandAValue !== undefined) first.operandAValue = operandAValue;
    if (operandBValue !== undefined) first.operandBValue = operandBValue;
    // A Logout rule keeps New State = "Offline" as a member of its top-level group
    // (Semantics 4, rules/SEMANTICS.md), so the always-true member on the Salesforce state is left out.
    const always = r.source === "Salesforce Agent Logout" ? [...ALWAYS.slice(0, 3), criterion("Connect Agent New State", "Not equal to", "Unused")] : ALWAYS;
    const { destination, ...head } = rest;
    return { ...head, criteria: { all: [first, ...always] }, destination, state: value };
  });
  return { ...doc, rules };
}

/** The rule sets bench.mjs can measure, by name. */
export const RULESETS = { single: rulesDocument, groups: groupsRulesDocument };
