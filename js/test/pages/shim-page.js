// @ts-check
// Test page: the real Streams (initCCP against the fake CCP named by ?ccp=), the ES module
// build of the shim, and the simulated Omni-Channel console as the Salesforce adapter.
// Everything the shim reports is recorded in window.t.rec; tests assert from outside.
import * as PresenceSync from "/dist/presence-sync.mjs";
import { createOmniSim } from "/demo/omni-sim.js";

const params = new URLSearchParams(location.search);
const w = /** @type {any} */ (window);
const connect = w.connect;

// ?hook=1: wrap the engine's handle so that a test can make the shim pass a value that is
// not JSON text across the boundary, which makes Go panic inside the module, and see
// whether each decision came out with its per-rule trace.
let corrupt = 0;
/** @type {{type: string, traceAsked: unknown, rules: boolean, traced: unknown}[]} */
const engineDecisions = [];
if (params.get("hook") === "1") {
  /** @type {any} */
  let real;
  Object.defineProperty(globalThis, "__presenceSyncEngine", {
    configurable: true,
    get: () => real,
    set(api) {
      real = {
        version: api.version,
        stats: () => api.stats(),
        create(/** @type {any} */ cfg, /** @type {any} */ emit) {
          const inst = api.create(cfg, emit);
          if (!inst.ok) return inst;
          return {
            ok: true,
            stop: () => inst.stop(),
            stats: () => inst.stats(),
            handle(/** @type {string} */ input) {
              if (corrupt > 0) {
                corrupt--;
                return inst.handle({ notJson: input });
              }
              const out = inst.handle(input);
              try {
                const asked = JSON.parse(input).trace;
                for (const d of JSON.parse(out).decisions ?? []) engineDecisions.push({ type: d.event?.type, traceAsked: asked, rules: Array.isArray(d.rules), traced: d.traced });
              } catch {
                // not JSON: the panic test
              }
              return out;
            },
          };
        },
      };
    },
  });
}

const doc = await (await fetch("/testdata/rules/default.json")).json();
const omni = createOmniSim({
  statuses: doc.salesforce.statuses,
  serviceChannels: doc.salesforce.serviceChannels,
  initialStatus: params.get("omni") ?? "Available",
  latencyMs: 20,
});

if (params.get("ccp")) {
  connect.core.initCCP(document.getElementById("ccp"), {
    ccpUrl: params.get("ccp"),
    loginPopup: false,
    softphone: { allowFramedSoftphone: false },
  });
}

/** @type {{decisions: any[], actions: any[], errors: any[]}} */
const rec = { decisions: [], actions: [], errors: [] };
/** @type {any} */
let sync = null;
/** @type {any} */
let decisionListener = null;

w.t = {
  PresenceSync,
  omni,
  doc,
  rec,
  engineDecisions,
  /** Removes or adds back the recording `decision` listener. @param {boolean} on */
  listenDecisions(on) {
    if (on) sync.addEventListener("decision", decisionListener);
    else sync.removeEventListener("decision", decisionListener);
  },
  get sync() {
    return sync;
  },
  /**
   * Starts the sync; resolves {ok: true} or the rejection's {code, message, problems}.
   * @param {{rules?: any, options?: any, wasmUrl?: string, connect?: any}} [o]
   */
  async start(o = {}) {
    try {
      sync = await PresenceSync.start({
        wasmUrl: o.wasmUrl,
        rules: o.rules ?? doc,
        connect: o.connect ?? connect,
        salesforce: omni.adapter,
        options: { echoWindowMs: 2000, retryBaseMs: 50, ...(o.options ?? {}) },
      });
    } catch (e) {
      const err = /** @type {any} */ (e);
      return { ok: false, code: err.code, message: err.message, problems: err.problems, name: err.name };
    }
    for (const type of ["decision", "action", "error"]) {
      const l = (/** @type {CustomEvent} */ e) => {
        /** @type {any} */ (rec)[type + "s"].push(JSON.parse(JSON.stringify(e.detail)));
      };
      if (type === "decision") decisionListener = l;
      sync.addEventListener(type, l);
    }
    return { ok: true };
  },
  async stop() {
    await sync.stop();
  },
  /** Subscribers of Streams' agent state change event. */
  streamsSubs() {
    const bus = connect.core.getEventBus();
    return bus ? bus.getSubscriptions(connect.AgentEvents.STATE_CHANGE).length : 0;
  },
  engineStats() {
    const api = /** @type {any} */ (globalThis).__presenceSyncEngine;
    return api ? api.stats() : null;
  },
  /** The next n inputs the shim sends cross the boundary as an object instead of JSON text. */
  corruptNext(n = 1) {
    corrupt = n;
  },
  /** Actions of one rule, as [status, ...]. @param {string} rule */
  statuses(rule) {
    return rec.actions.filter((a) => a.rule === rule).map((a) => a.status);
  },
};
w.pageReady = true;
