// @ts-check
// Test page: the real Streams (initCCP against the fake CCP named by ?ccp=), the ES module
// build of the shim, and the one Omni-Channel fake (js/test/fakes/) behind a page's own
// adapter. Everything the shim reports is recorded in window.t.rec; tests assert from outside.
import * as PresenceSync from "/dist/presence-sync.mjs";
import { createOmni, omniAdapter } from "/fakes/index.js";
import { omniTestHooks } from "./omni-hooks.js";

const params = new URLSearchParams(location.search);
const w = /** @type {any} */ (window);
const connect = w.connect;

// ?hook=1: watch the engine's one input path (the module's exported presenceSyncHandle) so
// that a test can see whether each decision came out with its per-rule trace, and make the
// next inputs fail at the boundary (a length past the input buffer: the module's internal
// error), to see the shim report it and go on.
let corrupt = 0;
/** @type {{type: string, traceAsked: unknown, rules: boolean, traced: unknown}[]} */
const engineDecisions = [];
if (params.get("hook") === "1") {
  const dec = new TextDecoder();
  /** @param {WebAssembly.Instance} inst */
  const watched = (inst) => {
    const ex = /** @type {any} */ (inst.exports);
    let at = 0;
    const exports = Object.freeze(Object.assign({}, ex, {
      presenceSyncInput(/** @type {number} */ max) {
        at = ex.presenceSyncInput(max) >>> 0;
        return at;
      },
      presenceSyncHandle(/** @type {number} */ id, /** @type {number} */ n) {
        if (corrupt > 0) {
          corrupt--;
          return ex.presenceSyncHandle(id, 1 << 30);
        }
        const input = dec.decode(new Uint8Array(ex.mem.buffer, at, n));
        const size = ex.presenceSyncHandle(id, n);
        try {
          const asked = JSON.parse(input).trace;
          const out = JSON.parse(dec.decode(new Uint8Array(ex.mem.buffer, ex.presenceSyncOutput() >>> 0, size)));
          for (const d of out.decisions ?? []) engineDecisions.push({ type: d.event?.type, traceAsked: asked, rules: Array.isArray(d.rules), traced: d.traced });
        } catch {
          // not JSON
        }
        return size;
      },
    }));
    return Object.create(WebAssembly.Instance.prototype, { exports: { value: exports } });
  };
  for (const name of /** @type {const} */ (["instantiate", "instantiateStreaming"])) {
    const real = /** @type {any} */ (WebAssembly)[name];
    /** @type {any} */ (WebAssembly)[name] = async (/** @type {any[]} */ ...args) => {
      const r = await real.apply(WebAssembly, args);
      return r.instance ? { module: r.module, instance: watched(r.instance) } : watched(r);
    };
  }
}

const doc = await (await fetch("/testdata/rules/default.json")).json();
const omni = createOmni({ catalog: doc.salesforce, status: params.get("omni") ?? "Available", latencyMs: 20 });
const sf = omniAdapter(omni);

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
  sf,
  ...omniTestHooks(omni),
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
        salesforce: sf.adapter,
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
  /** The next n inputs fail at the boundary (the module's internal error). */
  corruptNext(n = 1) {
    corrupt = n;
  },
  /** Actions of one rule, as [status, ...]. @param {string} rule */
  statuses(rule) {
    return rec.actions.filter((a) => a.rule === rule).map((a) => a.status);
  },
};
w.pageReady = true;
