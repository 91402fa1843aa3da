// The page glue (js/salesforce/softphone/softphone.js), run in a vm with the page's globals:
// Lightning settings from the utility item's URL, the Classic ones from the call center, the
// right adapter with the right options, and the status line.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import vm from "node:vm";
import { salesforceRoot } from "./salesforce-fakes.mjs";
import { settle } from "../fakes/node.js";

const source = readFileSync(path.join(salesforceRoot, "softphone", "softphone.js"), "utf8");
const RULES = JSON.stringify({ rules: [{ name: "a" }, { name: "b", active: false }, { name: "c", active: true }] });

/**
 * @param {"lightning" | "classic"} mode
 * @param {{search?: string, hash?: string, inConsole?: boolean, startFails?: any, callCenter?: Record<string, string>}} [o]
 */
function page(mode, o = {}) {
  const record = /** @type {Record<string, any[]>} */ ({ initCCP: [], lightning: [], console: [], start: [], remoting: [], fetch: [], logs: [], intervals: [] });
  const sync = new EventTarget();
  const status = { textContent: "" };
  /** @type {any} */
  const window = {
    PresenceSyncConfig: {
      mode,
      ccpContainerId: "presence-sync-ccp",
      statusElementId: "presence-sync-status",
      wasmUrl: "/resource/123/PresenceSync/presence-sync.wasm",
      rulesUrl: "/resource/123/PresenceSync/rules.json",
      catalogRemoteAction: "PresenceSyncController.getCatalogRemote",
      lightningOrigin: "https://acme.lightning.force.com",
    },
    location: { search: o.search ?? "", hash: o.hash ?? "" },
    document: { getElementById: (/** @type {string} */ id) => (id === "presence-sync-status" ? status : { id }) },
    console: Object.fromEntries(["error", "warn", "info", "debug", "log"].map((l) => [l, (/** @type {any[]} */ ...a) => record.logs.push([l, ...a])])),
    localStorage: { getItem: () => null },
    setInterval: (/** @type {Function} */ fn) => (record.intervals.push(fn), record.intervals.length),
    clearInterval: () => {},
    fetch: async (/** @type {string} */ url) => {
      record.fetch.push(url);
      return { ok: true, status: 200, text: async () => RULES };
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
          invokeAction: (/** @type {string} */ name, /** @type {Function} */ callback) => {
            record.remoting.push(name);
            setImmediate(() => callback({ statuses: [] }, { status: true }));
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
  vm.runInContext(source, vm.createContext({ window, JSON, Promise, Object, parseInt, String, Date, Math, decodeURIComponent }), { filename: "softphone.js" });
  return { window, record, sync, status };
}

describe("Lightning: inside the Presence Sync utility item", () => {
  const search = "?ccpUrl=https%3A%2F%2Facme.my.connect.aws%2Fccp-v2%2F&logLevel=info&timeoutMs=2500";

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
    assert.deepEqual(record.remoting, ["PresenceSyncController.getCatalogRemote"]);
    assert.deepEqual(record.fetch, ["/resource/123/PresenceSync/rules.json"]);
    const start = record.start[0];
    assert.equal(start.wasmUrl, "/resource/123/PresenceSync/presence-sync.wasm");
    assert.equal(start.rules, RULES);
    assert.deepEqual(start.salesforce, { kind: "lightning" });
    assert.equal(start.options.logLevel, "info");
  });

  test("without a CCP URL it says where to set it and starts nothing", async () => {
    const { window, record, status } = page("lightning", { search: "?logLevel=warn" });
    assert.equal(await window.PresenceSyncSoftphone.ready, null);
    assert.equal(record.initCCP.length, 0);
    assert.match(status.textContent, /Not started: set the Amazon Connect CCP URL in the Presence Sync utility item's properties/);
  });

  test("the status line: starting, waiting for Omni-Channel with the seconds, then syncing N rules, and the last error", async () => {
    const { window, sync, status, record } = page("lightning", { search, hash: "#relay=abc" });
    assert.equal(status.textContent, "Starting presence sync\u2026");
    await window.PresenceSyncSoftphone.ready;
    sync.dispatchEvent(new CustomEvent("error", { detail: { code: "timeout", waiting: true, message: "Waiting for Omni-Channel: the Presence Sync utility item answers, but Omni-Channel does not." } }));
    assert.match(status.textContent, /^Waiting for Omni-Channel: .* does not\. \(\d+ s\)$/);
    assert.equal(record.intervals.length, 1, "the seconds tick");
    sync.dispatchEvent(new CustomEvent("leader", { detail: { leader: true, mode: "locks", tabId: "t1" } }));
    assert.equal(status.textContent, "Syncing: 2 rules");
    sync.dispatchEvent(new CustomEvent("error", { detail: { code: "write-failed", message: "could not set Connect Agent State to \"Lunch\"" } }));
    assert.equal(status.textContent, "Syncing: 2 rules \u2014 last error: write-failed: could not set Connect Agent State to \"Lunch\"");
    sync.dispatchEvent(new CustomEvent("leader", { detail: { leader: false } }));
    assert.match(status.textContent, /^Syncing: 2 rules \(another tab of this agent writes\)/);
  });

  test("a failed start is on the status line", async () => {
    const failure = Object.assign(new Error("The rules are invalid: rule 1 ..."), { code: "invalid-rules" });
    const { window, status } = page("lightning", { search, startFails: failure });
    assert.equal(await window.PresenceSyncSoftphone.ready, null);
    assert.equal(status.textContent, "Not started. \u2014 last error: invalid-rules: The rules are invalid: rule 1 ...");
  });
});

describe("Salesforce Classic console: the call center's softphone", () => {
  test("the console adapter with its catalog by Visualforce Remoting; settings from the call center", async () => {
    const { window, record } = page("classic");
    await window.PresenceSyncSoftphone.ready;
    assert.equal(record.lightning.length, 0);
    assert.equal(record.console.length, 1);
    assert.equal(record.console[0].timeoutMs, 2500);
    assert.deepEqual(await record.console[0].catalog(), { statuses: [] });
    assert.deepEqual(record.start[0].salesforce, { kind: "console" });
    assert.equal(record.start[0].options.logLevel, "debug");
    assert.equal(record.initCCP[0][1].ccpUrl, "https://example.my.connect.aws/ccp-v2/");
  });

  test("outside the console: the CCP runs, presence sync does not start, and the status line says why", async () => {
    const { window, record, status } = page("classic", { inConsole: false });
    assert.equal(await window.PresenceSyncSoftphone.ready, null);
    assert.equal(record.initCCP.length, 1);
    assert.equal(record.start.length, 0);
    await settle();
    assert.match(status.textContent, /Lightning apps and the Salesforce Classic console only/);
  });
});
