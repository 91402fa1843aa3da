// @ts-check
// The page glue (js/salesforce/softphone/softphone.js), run in a vm with the page's globals:
// Lightning settings from the utility item's URL, the Classic ones from the call center, the
// right adapter with the right options, the rules (records by Visualforce Remoting, else the
// static resource's rules.json), and the status line with every problem located.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import vm from "node:vm";
import { salesforceRoot } from "./salesforce-fakes.mjs";
import { settle } from "../fakes/node.js";

const source = readFileSync(path.join(salesforceRoot, "softphone", "softphone.js"), "utf8");
const STATIC_RULES = JSON.stringify({ rules: [{ name: "a" }, { name: "b", active: false }, { name: "c", active: true }] });

/** A rule in the canonical shape, as PresenceSyncRules writes it. */
const rule = (/** @type {string} */ name, /** @type {string} */ state) => ({
  name,
  active: true,
  source: "Connect Agent State Change",
  criteria: { operandA: "Connect Agent New State", comparator: "Equal to", operandB: "Static Value", operandBValue: state },
  destination: "Salesforce Agent State",
  state,
});
/** What PresenceSyncController.getRulesRemote returns with two records applying. */
const RECORDS = {
  source: "records",
  rules: JSON.stringify({ rules: [rule("Lunch to Omni", "Lunch"), rule("Break to Omni", "Break")] }, null, 2),
  records: ["Lunch_to_Omni", "Break_to_Omni"],
  criteriaJson: [false, false],
  profile: null,
  problems: [],
};
const NONE = { source: "none", rules: null, records: [], criteriaJson: [], profile: null, problems: [] };

/** The few DOM members the page glue uses, with textContent as the DOM computes it. */
class FakeElement {
  /** @param {string} tag */
  constructor(tag) {
    this.tagName = tag.toUpperCase();
    /** @type {FakeElement[]} */
    this.children = [];
    /** @type {Record<string, string>} */
    this.attributes = {};
    this.className = "";
    this.id = "";
    this.hidden = false;
    this.ownText = "";
  }
  /** @param {FakeElement} child */
  appendChild(child) {
    this.children.push(child);
    return child;
  }
  /** @param {string} name @param {string} value */
  setAttribute(name, value) {
    this.attributes[name] = String(value);
  }
  /** @returns {string} */
  get textContent() {
    return this.ownText + this.children.map((c) => c.textContent).join("");
  }
  set textContent(value) {
    this.children = [];
    this.ownText = String(value);
  }
  /** @param {string} cls @returns {FakeElement[]} */
  byClass(cls) {
    const own = this.className.split(" ").includes(cls) ? [this] : [];
    return [...own, ...this.children.flatMap((c) => c.byClass(cls))];
  }
}

/** Visualforce Remoting escapes the strings of a result unless escape is false. @param {any} v @returns {any} */
function htmlEscaped(v) {
  if (typeof v === "string") return v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  if (Array.isArray(v)) return v.map(htmlEscaped);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, htmlEscaped(x)]));
  return v;
}

/**
 * @param {"lightning" | "classic"} mode
 * @param {{search?: string, hash?: string, inConsole?: boolean, startFails?: any, callCenter?: Record<string, string>,
 *   rules?: any, rulesFail?: {type: string, message: string}, config?: boolean}} [o]
 */
function page(mode, o = {}) {
  const record = /** @type {Record<string, any[]>} */ ({ initCCP: [], lightning: [], console: [], start: [], remoting: [], fetch: [], logs: [], intervals: [] });
  const sync = new EventTarget();
  const status = new FakeElement("div");
  status.id = "presence-sync-status";
  const head = new FakeElement("head");
  /** @type {any} */
  const window = {
    PresenceSyncConfig: o.config === false ? undefined : {
      mode,
      ccpContainerId: "presence-sync-ccp",
      statusElementId: "presence-sync-status",
      wasmUrl: "/resource/123/PresenceSync/presence-sync.wasm",
      rulesUrl: "/resource/123/PresenceSync/rules.json",
      catalogRemoteAction: "PresenceSyncController.getCatalogRemote",
      rulesRemoteAction: "PresenceSyncController.getRulesRemote",
      lightningOrigin: "https://acme.lightning.force.com",
    },
    location: { search: o.search ?? "", hash: o.hash ?? "" },
    document: {
      head,
      getElementById: (/** @type {string} */ id) => (id === "presence-sync-status" ? status : head.children.find((c) => c.id === id) ?? (id === "presence-sync-ccp" ? { id } : null)),
      createElement: (/** @type {string} */ tag) => new FakeElement(tag),
    },
    console: Object.fromEntries(["error", "warn", "info", "debug", "log"].map((l) => [l, (/** @type {any[]} */ ...a) => record.logs.push([l, ...a])])),
    localStorage: { getItem: () => null },
    setInterval: (/** @type {Function} */ fn) => (record.intervals.push(fn), record.intervals.length),
    clearInterval: () => {},
    fetch: async (/** @type {string} */ url) => {
      record.fetch.push(url);
      return { ok: true, status: 200, text: async () => STATIC_RULES };
    },
    connect: { core: { initCCP: (/** @type {any[]} */ ...args) => record.initCCP.push(args) } },
    PresenceSync: {
      salesforce: {
        lightning: (/** @type {any} */ options) => (record.lightning.push(options), { kind: "lightning" }),
        console: (/** @type {any} */ sforce, /** @type {any} */ options) => (record.console.push(options), { kind: "console" }),
      },
      start: async (/** @type {any} */ options) => {
        record.start.push(options);
        if (o.startFails) throw o.startFails;
        return sync;
      },
    },
    Visualforce: {
      remoting: {
        Manager: {
          invokeAction: (/** @type {string} */ name, /** @type {Function} */ callback, /** @type {any} */ options) => {
            record.remoting.push(name);
            /** @type {[any, any]} */
            let answer = [null, { status: false, type: "exception", message: `No such action ${name}` }];
            if (name === "PresenceSyncController.getCatalogRemote") answer = [{ statuses: [] }, { status: true, type: "rpc" }];
            if (name === "PresenceSyncController.getRulesRemote") {
              answer = o.rulesFail ? [null, { status: false, ...o.rulesFail }] : [o.rules ?? NONE, { status: true, type: "rpc" }];
            }
            const [result, event] = answer;
            setImmediate(() => callback(options?.escape === false ? result : htmlEscaped(result), event));
          },
        },
      },
    },
  };
  if (mode === "classic") {
    const settings = o.callCenter ?? {
      "/reqGeneralInfo/reqAdapterUrl": "/apex/PresenceSyncSoftphone",
      "/reqPresenceSync/reqConnectCcpUrl": "https://example.my.connect.aws/ccp-v2/",
      "/reqPresenceSync/reqLogLevel": "debug",
      "/reqPresenceSync/reqBridgeTimeoutMs": "2500",
    };
    window.sforce = {
      interaction: { cti: { getCallCenterSettings: (/** @type {Function} */ cb) => setImmediate(() => cb({ result: JSON.stringify(settings) })) } },
      console: { isInConsole: () => o.inConsole !== false },
    };
  }
  vm.runInContext(source, vm.createContext({ window, JSON, Promise, Object, Array, Set, parseInt, String, Date, Math, decodeURIComponent }), { filename: "softphone.js" });
  const items = () => status.byClass("ps-problems")[0].children.map((li) => li.textContent);
  const lastError = () => status.byClass("ps-last-error")[0];
  return { window, record, sync, status, head, items, lastError, state: () => status.children[0].textContent };
}

const search = "?ccpUrl=https%3A%2F%2Facme.my.connect.aws%2Fccp-v2%2F&logLevel=info&timeoutMs=2500";
/** @param {string} type @param {any} detail */
const fire = (/** @type {EventTarget} */ sync, type, detail) => sync.dispatchEvent(new CustomEvent(type, { detail }));

describe("Lightning: inside the Presence Sync utility item", () => {
  test("the CCP and the adapter come from the utility item's URL; the catalog from Visualforce Remoting; no call center, no Open CTI", async () => {
    const { window, record, sync } = page("lightning", { search, hash: "#relay=abc123" });
    assert.equal(await window.PresenceSyncSoftphone.ready, sync);
    assert.equal(window.sforce, undefined);
    assert.equal(record.initCCP[0][1].ccpUrl, "https://acme.my.connect.aws/ccp-v2/");
    const options = record.lightning[0];
    assert.equal(options.parentOrigin, "https://acme.lightning.force.com");
    assert.equal(options.relayToken, "abc123");
    assert.equal(options.timeoutMs, 2500);
    assert.deepEqual(await options.catalog(), { statuses: [] });
    const start = record.start[0];
    assert.equal(start.wasmUrl, "/resource/123/PresenceSync/presence-sync.wasm");
    assert.deepEqual(start.salesforce, { kind: "lightning" });
    assert.equal(start.options.logLevel, "info");
  });

  test("without a CCP URL it says where to set it and starts nothing", async () => {
    const { window, record, status } = page("lightning", { search: "?logLevel=warn" });
    assert.equal(await window.PresenceSyncSoftphone.ready, null);
    assert.equal(record.initCCP.length, 0);
    assert.equal(record.remoting.length, 0, "no rules read for nothing");
    assert.match(status.textContent, /^Not syncing: set the Amazon Connect CCP URL in the Presence Sync utility item's properties/);
  });
});

describe("the rules: records first, then the static resource", () => {
  test("records that apply: one Remoting call, unescaped, and their rules are started; rules.json is not fetched", async () => {
    const { window, record, state } = page("lightning", { search, rules: RECORDS });
    const sync = await window.PresenceSyncSoftphone.ready;
    assert.deepEqual(record.remoting, ["PresenceSyncController.getRulesRemote"], "one call at start (the catalog is the adapter's)");
    assert.deepEqual(record.fetch, []);
    assert.equal(record.start[0].rules, RECORDS.rules, "the JSON text as Apex wrote it: Remoting did not HTML-escape it");
    assert.equal(window.PresenceSyncSoftphone.rules.source, "records");
    fire(sync, "leader", { leader: true, mode: "locks", tabId: "t1" });
    assert.equal(state(), "Syncing: 2 rules from records (this tab writes)");
  });

  test("source none: rules.json of the static resource, and Apex's reason is on the status line", async () => {
    const unreadable = {
      ...NONE,
      problems: [{ severity: "error", code: "records-unreadable", record: null, label: null, field: null, value: null, message: "Presence sync cannot read the Presence Sync Rule records: assign the Presence Sync Agent permission set." }],
    };
    const { window, record, state, items } = page("lightning", { search, rules: unreadable });
    const sync = await window.PresenceSyncSoftphone.ready;
    assert.deepEqual(record.fetch, ["/resource/123/PresenceSync/rules.json"]);
    assert.equal(record.start[0].rules, STATIC_RULES);
    fire(sync, "leader", { leader: false, mode: "locks", tabId: "t2" });
    assert.equal(state(), "Syncing: 2 rules from the static resource (another tab of this agent writes)");
    assert.deepEqual(items(), ["Presence sync cannot read the Presence Sync Rule records: assign the Presence Sync Agent permission set."]);
  });

  test("a failed Remoting call: the static resource's rules, and a warning that says why", async () => {
    const { window, record, items } = page("lightning", { search, rulesFail: { type: "exception", message: "Unable to connect to the server" } });
    await window.PresenceSyncSoftphone.ready;
    assert.equal(record.start[0].rules, STATIC_RULES);
    assert.deepEqual(items(), ["Warning: Could not read the Presence Sync Rule records (exception: Unable to connect to the server); the static resource's rules apply."]);
  });

  test("a warning of Apex (duplicate order) stays on the line while syncing, located by record and field", async () => {
    const rules = { ...RECORDS, problems: [{ severity: "warning", code: "duplicate-order", record: "Break_to_Omni", label: "Break to Omni", field: "Order__c", value: "10", message: "Order 10 is also the Order of Lunch_to_Omni." }] };
    const { window, items, status } = page("lightning", { search, rules });
    const sync = await window.PresenceSyncSoftphone.ready;
    fire(sync, "leader", { leader: true });
    assert.deepEqual(items(), ["Warning: record Break_to_Omni, field Order__c: Order 10 is also the Order of Lunch_to_Omni."]);
    assert.deepEqual(status.byClass("ps-warning").length, 1);
  });
});

describe("not syncing, and why: every problem located", () => {
  /** An invalid-rules rejection as PresenceSync.start gives it. @param {any[]} problems */
  const invalid = (problems) => Object.assign(new Error("The rules are invalid: …"), { code: "invalid-rules", problems });

  test("records: each engine problem names the record and the record's field; Apex's own words win at the same place", async () => {
    const rules = {
      source: "records",
      rules: JSON.stringify({ rules: [{}, {}, {}, {}] }),
      records: ["Lunch_to_Omni", "Full_in_Omni", "Broken", "Empty"],
      criteriaJson: [false, true, true, false],
      profile: null,
      problems: [
        { severity: "error", code: "criteria-json", record: "Broken", label: "Broken", field: "Criteria__c", value: "{", message: "Criteria (JSON) is not valid JSON." },
        { severity: "error", code: "missing-field", record: "Empty", label: "Empty", field: "Source__c", value: null, message: "Source is empty: the rule needs the event that triggers it." },
      ],
    };
    const failure = invalid([
      { severity: "error", code: "not-numeric", ruleIndex: 0, ruleName: "Lunch to Omni", field: "criteria.operandBValue", message: "\"Greater than\" compares numbers, but the static value \"Lunch\" is not a number" },
      { severity: "error", code: "unknown-value", ruleIndex: 1, ruleName: "Full in Omni", field: "criteria.all[1].operandA", message: "\"Connect Agent New Stat\" is not an operand" },
      { severity: "error", code: "type", ruleIndex: 2, ruleName: "Broken", field: "criteria", message: "criteria must be a criterion or a group" },
      { severity: "error", code: "missing-field", ruleIndex: 3, ruleName: "Empty", field: "source", message: "the rule has no source" },
      { severity: "error", code: "unknown-value", ruleIndex: 3, ruleName: "Empty", field: "destination", message: "\"Salesforce Agent Stat\" is not a destination" },
    ]);
    const { window, items, state, lastError } = page("lightning", { search, rules, startFails: failure });
    assert.equal(await window.PresenceSyncSoftphone.ready, null);
    assert.equal(state(), "Not syncing: the rules from records have 5 problems.");
    assert.deepEqual(items(), [
      "record Broken, field Criteria__c: Criteria (JSON) is not valid JSON.",
      "record Empty, field Source__c: Source is empty: the rule needs the event that triggers it.",
      "record Lunch_to_Omni, field Operand_B_Value__c: \"Greater than\" compares numbers, but the static value \"Lunch\" is not a number",
      "record Full_in_Omni, field Criteria__c (all[1].operandA): \"Connect Agent New Stat\" is not an operand",
      "record Empty, field Destination__c: \"Salesforce Agent Stat\" is not a destination",
    ]);
    assert.match(lastError().textContent, /^Last error \d\d:\d\d:\d\d: invalid-rules: the rules from records were refused; nothing was written\.$/);
  });

  test("the static resource: by rule number, name and field", async () => {
    const failure = invalid([{ severity: "error", code: "unknown-value", ruleIndex: 1, ruleName: "Break to Omni", field: "criteria.comparator", message: "\"Equals\" is not a comparator; did you mean \"Equal to\"?" }]);
    const { window, items, state } = page("lightning", { search, startFails: failure });
    await window.PresenceSyncSoftphone.ready;
    assert.equal(state(), "Not syncing: the rules from the static resource have 1 problem.");
    assert.deepEqual(items(), ["rules.json, rule 2 \"Break to Omni\", field criteria.comparator: \"Equals\" is not a comparator; did you mean \"Equal to\"?"]);
  });

  test("WebAssembly blocked by the page's CSP: said in words, with the module's message", async () => {
    const failure = Object.assign(new Error("The page's Content-Security-Policy blocks WebAssembly: allow 'wasm-unsafe-eval' in script-src."), { code: "wasm-blocked" });
    const { window, state, lastError } = page("lightning", { search, startFails: failure });
    await window.PresenceSyncSoftphone.ready;
    assert.equal(state(), "Not syncing: this page's Content-Security-Policy blocks WebAssembly.");
    assert.match(lastError().textContent, /wasm-blocked: .*'wasm-unsafe-eval'/);
  });
});

describe("the status line", () => {
  test("starting, waiting for Omni-Channel with the seconds (hidden from screen readers), syncing, the last error with its time", async () => {
    const { window, sync, status, record, state, lastError, head } = page("lightning", { search, hash: "#relay=abc", rules: RECORDS });
    assert.equal(state(), "Starting presence sync\u2026");
    assert.equal(status.attributes.role, "status");
    assert.equal(status.attributes["aria-live"], "polite");
    assert.ok(head.children.some((c) => c.tagName === "STYLE" && /\.ps-status\{[^}]*overflow-wrap:anywhere/.test(c.textContent)), "the line wraps at the utility bar's width");
    assert.equal(lastError().hidden, true);
    await window.PresenceSyncSoftphone.ready;
    fire(sync, "error", { code: "timeout", waiting: true, message: "Waiting for Omni-Channel: the Presence Sync utility item answers, but Omni-Channel does not." });
    assert.match(state(), /^Waiting for Omni-Channel: .* does not\. \(\d+ s\)$/);
    const elapsed = status.byClass("ps-elapsed")[0];
    assert.equal(elapsed.attributes["aria-hidden"], "true");
    assert.equal(record.intervals.length, 1, "the seconds tick");
    assert.equal(lastError().hidden, true, "waiting is not an error");
    fire(sync, "leader", { leader: true, mode: "locks", tabId: "t1" });
    assert.equal(state(), "Syncing: 2 rules from records (this tab writes)");
    assert.equal(elapsed.textContent, "");
    fire(sync, "error", { code: "write-failed", message: "could not set Connect Agent State to \"Lunch\"" });
    assert.equal(lastError().hidden, false);
    assert.match(lastError().textContent, /^Last error \d\d:\d\d:\d\d: write-failed: could not set Connect Agent State to "Lunch"$/);
    fire(sync, "error", { code: "unknown-state", rule: "Break to Omni", ruleIndex: 1, message: "\"Break\" is not a presence status of this org" });
    assert.match(lastError().textContent, /^Last error \d\d:\d\d:\d\d \(2 errors since start\): unknown-state: record Break_to_Omni, field Value__c: "Break" is not a presence status of this org$/);
    assert.equal(state(), "Syncing: 2 rules from records (this tab writes)", "an error does not stop the sync");
    const snap = window.PresenceSyncSoftphone.status.snapshot();
    assert.equal(snap.lastError.code, "unknown-state");
    assert.equal(snap.lastError.count, 2);
  });

  test("an error heard from the writer tab says so", async () => {
    const { window, sync, lastError } = page("lightning", { search });
    await window.PresenceSyncSoftphone.ready;
    fire(sync, "error", { code: "loop", remote: true, message: "writes to Salesforce Agent State paused" });
    assert.match(lastError().textContent, /: loop: \(the writer tab\) writes to Salesforce Agent State paused$/);
  });

  test("an engine that cannot start after all (start-failed) is not syncing", async () => {
    const { window, sync, state } = page("lightning", { search });
    await window.PresenceSyncSoftphone.ready;
    fire(sync, "error", { code: "start-failed", message: "getServicePresenceStatusId failed" });
    assert.equal(state(), "Not syncing: presence sync could not start (below).");
  });
});

describe("recordField: the Presence Sync Rule field behind an engine field", () => {
  const { window } = page("lightning", { config: false });
  test("loaded without a page (a tool), it defines recordField and runs nothing", async () => {
    assert.equal(await window.PresenceSyncSoftphone.ready, null);
    assert.equal(typeof window.PresenceSyncSoftphone.recordField, "function");
  });
  const cases = [
    ["name", false, "MasterLabel"],
    ["source", false, "Source__c"],
    ["destination", false, "Destination__c"],
    ["state", false, "Value__c"],
    ["value", false, "Value__c"],
    ["cooldownMs", false, "Cooldown_Ms__c"],
    ["description", false, "Description__c"],
    ["criteria.operandA", false, "Operand_A__c"],
    ["criteria.operandAValue", false, "Operand_A_Value__c"],
    ["criteria.comparator", false, "Comparator__c"],
    ["criteria.operandBValue", false, "Operand_B_Value__c"],
    ["operandB", true, "Operand_B__c"],
    ["criteria", true, "Criteria__c"],
    ["criteria", false, "Criteria__c"],
    ["criteria.operandA", true, "Criteria__c (operandA)"],
    ["criteria.all[1].operandA", true, "Criteria__c (all[1].operandA)"],
    ["criteria.any[0].all[2]", true, "Criteria__c (any[0].all[2])"],
    ["", false, ""],
  ];
  for (const [field, json, expected] of cases) {
    test(`${field || "(none)"}${json ? " (from Criteria__c)" : ""} → ${expected || "(none)"}`, () => {
      assert.equal(window.PresenceSyncSoftphone.recordField(field, json), expected);
    });
  }
});

describe("Salesforce Classic console: the call center's softphone", () => {
  test("the console adapter with its catalog by Visualforce Remoting; settings from the call center; the records as in Lightning", async () => {
    const { window, record, sync, state } = page("classic", { rules: RECORDS });
    await window.PresenceSyncSoftphone.ready;
    assert.equal(record.lightning.length, 0);
    assert.equal(record.console.length, 1);
    assert.equal(record.console[0].timeoutMs, 2500);
    assert.deepEqual(await record.console[0].catalog(), { statuses: [] });
    assert.deepEqual(record.start[0].salesforce, { kind: "console" });
    assert.equal(record.start[0].options.logLevel, "debug");
    assert.equal(record.start[0].rules, RECORDS.rules);
    assert.equal(record.initCCP[0][1].ccpUrl, "https://example.my.connect.aws/ccp-v2/");
    fire(sync, "leader", { leader: true });
    assert.equal(state(), "Syncing: 2 rules from records (this tab writes)");
  });

  test("the static resource when no record applies", async () => {
    const { window, record } = page("classic", { rules: NONE });
    await window.PresenceSyncSoftphone.ready;
    assert.equal(record.start[0].rules, STATIC_RULES);
  });

  test("outside the console: the CCP runs, presence sync does not start, and the status line says why", async () => {
    const { window, record, status } = page("classic", { inConsole: false });
    assert.equal(await window.PresenceSyncSoftphone.ready, null);
    assert.equal(record.initCCP.length, 1);
    assert.equal(record.start.length, 0);
    await settle();
    assert.match(status.textContent, /^Not syncing: .*Lightning apps and the Salesforce Classic console only/);
  });
});
