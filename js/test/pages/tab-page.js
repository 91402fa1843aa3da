// @ts-check
// Test page for the robustness suites: the real Streams (initCCP against the fake CCP named
// by ?ccp=, at load or later with t.initCCP), the ES module build of the shim, and one of
// several Salesforce sides (?sf=), each over the one Omni-Channel fake (js/test/fakes/):
//   sim        a page's own adapter over this page's Omni-Channel (omniAdapter)
//   shared     the Omni-Channel the test server holds for every tab of ?room=
//              (js/test/shared-platforms.mjs), reached over HTTP (shared-omni.js)
//   console    the built-in Classic console adapter over the Console Integration Toolkit
//              face of this page's Omni-Channel (classicConsole)
// (The built-in Lightning adapter runs in its own pages: lightning-host.html frames lightning-vf.html.)
// Everything the shim reports is recorded in window.t.rec; tests assert from outside.
import * as PresenceSync from "/dist/presence-sync.mjs";
import { classicConsole, createOmni, omniAdapter } from "/fakes/index.js";
import { createSharedOmni } from "./shared-omni.js";
import { omniTestHooks } from "./omni-hooks.js";

const params = new URLSearchParams(location.search);
const w = /** @type {any} */ (window);
const connect = w.connect;
const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort().join(",");
/** @type {{directive: string, blockedURI: string, sample: string}[]} Content-Security-Policy violations */
const violations = [];
document.addEventListener("securitypolicyviolation", (e) => violations.push({ directive: e.effectiveDirective, blockedURI: e.blockedURI, sample: e.sample }));

const doc = await (await fetch("/testdata/rules/default.json")).json();
const sfKind = params.get("sf") ?? "sim";
const omni = createOmni({ catalog: doc.salesforce, status: params.get("omni") ?? "Available", latencyMs: 20 });
const sf = omniAdapter(omni);
/** @type {any} */
let sync = null;
/** @type {any} */
let adapter;
/** @type {any} */
let consoleFake = null;
/** @type {any} */
let shared = null;
if (sfKind === "shared") {
  shared = createSharedOmni(params.get("room") ?? "default", { tab: () => sync?.tabId ?? null });
  adapter = shared.adapter;
} else if (sfKind === "console") {
  consoleFake = classicConsole(omni);
  adapter = PresenceSync.salesforce.console(consoleFake.sforce, {
    catalog: async () => ({ statuses: doc.salesforce.statuses, serviceChannels: doc.salesforce.serviceChannels }),
  });
} else {
  adapter = sf.adapter;
}

/** @param {string} url */
function initCCP(url) {
  connect.core.initCCP(document.getElementById("ccp"), { ccpUrl: url, loginPopup: false, softphone: { allowFramedSoftphone: false } });
}
if (params.get("ccp")) initCCP(/** @type {string} */ (params.get("ccp")));

/** @type {{decisions: any[], actions: any[], errors: any[], remote: any[], leader: any[]}} */
const rec = { decisions: [], actions: [], errors: [], remote: [], leader: [] };
/** @type {Promise<any> | null} */
let starting = null;

w.t = {
  PresenceSync,
  omni,
  sf,
  ...omniTestHooks(omni),
  shared,
  get console() {
    return consoleFake;
  },
  doc,
  rec,
  violations,
  get sync() {
    return sync;
  },
  initCCP,
  /**
   * Starts the sync; resolves {ok: true} or the rejection's {code, message, problems}.
   * @param {{rules?: any, options?: any, wasmUrl?: string}} [o]
   */
  start(o = {}) {
    starting = (async () => {
      try {
        sync = await PresenceSync.start({
          wasmUrl: o.wasmUrl,
          rules: o.rules ?? doc,
          connect,
          salesforce: adapter,
          options: { echoWindowMs: 2000, retryBaseMs: 50, ...(o.options ?? {}) },
        });
      } catch (e) {
        const err = /** @type {any} */ (e);
        return { ok: false, code: err.code, message: err.message, problems: err.problems, name: err.name };
      }
      for (const type of ["decision", "action", "error", "remote", "leader"]) {
        sync.addEventListener(type, (/** @type {CustomEvent} */ e) => {
          const d = JSON.parse(JSON.stringify(e.detail));
          if (type === "leader") d.at = Date.now();
          /** @type {any} */ (rec)[type === "remote" || type === "leader" ? type : type + "s"].push(d);
        });
      }
      return { ok: true };
    })();
    return starting;
  },
  /** The pending or finished start. */
  started() {
    return starting;
  },
  async stop() {
    await sync.stop();
  },
  role() {
    return sync ? { leader: sync.leader, tabId: sync.tabId, stopped: sync.stopped } : null;
  },
  engineStats() {
    const api = /** @type {any} */ (globalThis).__presenceSyncEngine;
    return api ? api.stats() : null;
  },
  streamsSubs() {
    const bus = connect.core.getEventBus();
    return bus ? bus.getSubscriptions(connect.AgentEvents.STATE_CHANGE).length : 0;
  },
  /** Object.prototype gained no property (pollution). */
  protoClean() {
    return Object.getOwnPropertyNames(Object.prototype).sort().join(",") === protoKeys && /** @type {any} */ ({}).polluted === undefined;
  },
  /** Actions of one rule, as [status, ...]. @param {string} rule */
  statuses(rule) {
    return rec.actions.filter((a) => a.rule === rule).map((a) => a.status);
  },
};
w.pageReady = true;
