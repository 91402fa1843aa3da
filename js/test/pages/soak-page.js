// @ts-check
// Soak test page (js/test/soak.mjs): the real Streams against the fake CCP (?ccp=), the ES
// module build of the shim with the engine in WebAssembly, and the one Omni-Channel fake
// (js/test/fakes/) behind a page's own adapter.
// window.soak drives Omni-Channel events in chunks (the CCP frame drives Connect's) and
// reports the figures the soak samples: WebAssembly linear memory, the engine's stats
// (live js.Func, Go's heap when the module reports it) and counts. It keeps no per-event
// record itself, so that what grows is the module's.

// Capture the Go instance's linear memory as the shim instantiates the module (whichever
// of instantiate / instantiateStreaming / new Instance the loader uses).
/** @type {WebAssembly.Memory | null} */
let memory = null;
/** @param {any} r */
const seen = (r) => {
  const inst = r && r.instance ? r.instance : r;
  if (inst?.exports?.mem instanceof WebAssembly.Memory) memory = inst.exports.mem;
  return r;
};
for (const name of /** @type {const} */ (["instantiate", "instantiateStreaming"])) {
  const real = /** @type {any} */ (WebAssembly)[name];
  if (typeof real !== "function") continue;
  /** @type {any} */ (WebAssembly)[name] = async (/** @type {any[]} */ ...args) => seen(await real.apply(WebAssembly, args));
}
const RealInstance = WebAssembly.Instance;
/** @type {any} */ (WebAssembly).Instance = function (/** @type {any} */ mod, /** @type {any} */ imports) {
  return seen(new RealInstance(mod, imports));
};
/** @type {any} */ (WebAssembly).Instance.prototype = RealInstance.prototype;

import * as PresenceSync from "/dist/presence-sync.mjs";
import { createOmni, omniAdapter } from "/fakes/index.js";

const params = new URLSearchParams(location.search);
const w = /** @type {any} */ (window);
const connect = w.connect;
const doc = await (await fetch("/testdata/rules/default.json")).json();
const omni = createOmni({ catalog: doc.salesforce, status: "Available", latencyMs: 1 });
const sf = omniAdapter(omni);
connect.core.initCCP(document.getElementById("ccp"), { ccpUrl: params.get("ccp"), loginPopup: false, softphone: { allowFramedSoftphone: false } });
// Streams keeps every log line it writes for up to an hour (it rolls its log every 30
// minutes and keeps one roll). At soak rates that is Streams' growth, bounded by time, not
// the module's: roll it every second so that the figures show the module.
const logRollMs = Number(params.get("logRollMs") ?? 1000);
if (logRollMs > 0) connect.getLog().setLogRollInterval(logRollMs);
// Streams also queues an internal log entry (with a stack trace) for every agent.setState,
// for its CCP to upload; only the CCP's own window drains that queue, so in a page that
// embeds the CCP it grows by about 1.5 KB per write, for good (amazon-connect-streams
// 2.28.2, Logger._serverBoundInternalLogs). That is Streams' growth, not the module's: the
// soak empties the queue as the CCP would, and counts what it emptied.
let streamsInternalLogsDrained = 0;
function drainStreamsInternalLogs() {
  const l = connect.getLog();
  if (params.get("drainStreamsLogs") === "0" || !Array.isArray(l._serverBoundInternalLogs)) return;
  streamsInternalLogsDrained += l._serverBoundInternalLogs.length;
  l._serverBoundInternalLogs = [];
}

const counts = { decisions: 0, actions: 0, errors: 0, remote: 0, driven: 0 };
/** @type {Record<string, number>} */
const errorCodes = {};
/** @type {any} */
let sync = null;
const names = doc.salesforce.statuses.map((/** @type {any} */ s) => s.developerName);
let seed = 12345;
const rand = (/** @type {number} */ n) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};

w.soak = {
  /** @param {any} [options] */
  async start(options = {}) {
    sync = await PresenceSync.start({ rules: doc, connect, salesforce: sf.adapter, options: { logLevel: "error", ...options } });
    sync.addEventListener("decision", () => counts.decisions++);
    sync.addEventListener("action", () => counts.actions++);
    sync.addEventListener("remote", () => counts.remote++);
    sync.addEventListener("error", (/** @type {CustomEvent} */ e) => {
      counts.errors++;
      errorCodes[e.detail.code] = (errorCodes[e.detail.code] ?? 0) + 1;
    });
    return true;
  },
  /**
   * Drives n Omni-Channel events: status changes by the agent (most), work accepted and
   * closed (workload up and down), and now and then a logout; yields to the event loop
   * every `yieldEvery` events so that writes, echoes and timers run.
   * @param {number} n
   * @param {number} [yieldEvery]
   */
  async omni(n, yieldEvery = 25) {
    for (let i = 0; i < n; i++) {
      const k = rand(20);
      if (k < 14) omni.agent.setStatus(names[rand(names.length)]);
      else if (k < 17 && omni.state.workload < omni.state.capacity) omni.agent.acceptWork(rand(2) ? "sfdc_case" : "sfdc_livechat");
      else if (k < 19 && omni.state.works.length) omni.agent.completeWork();
      else if (k === 19) omni.agent.logout();
      else omni.agent.setStatus("Available");
      counts.driven++;
      // The fake's own records (scaffolding, not the module) are kept short.
      for (const log of [omni.state.fired, omni.state.calls, sf.delivered]) if (log.length > 100) log.splice(0, log.length - 100);
      if ((i + 1) % yieldEvery === 0) await new Promise((r) => setTimeout(r, 0));
    }
    return n;
  },
  /** Lets writes in flight, echoes and timers finish. @param {number} ms */
  async settle(ms = 400) {
    await new Promise((r) => setTimeout(r, ms));
    drainStreamsInternalLogs();
  },
  /** The figures sampled in the page. @param {boolean} [gc] */
  figures(gc = true) {
    const api = /** @type {any} */ (globalThis).__presenceSyncEngine;
    const st = api ? api.stats({ gc }) : {};
    const bus = connect.core.getEventBus();
    return {
      wasmMemory: memory ? memory.buffer.byteLength : null,
      liveFuncs: st.liveFuncs ?? null,
      instances: st.instances ?? null,
      goHeapAlloc: typeof st.heapAlloc === "number" ? st.heapAlloc : null,
      goHeapInuse: typeof st.heapInuse === "number" ? st.heapInuse : null,
      streamsSubscriptions: bus ? bus.getSubscriptions(connect.AgentEvents.STATE_CHANGE).length : null,
      omniListeners: sf.listenerCount(),
      streamsLogLines: connect.getLog()._logs.length + connect.getLog()._rolledLogs.length,
      streamsInternalLogsDrained,
      ...counts,
      errorCodes: { ...errorCodes },
    };
  },
  async stop() {
    await sync.stop();
    return this.figures(false);
  },
};

w.soakReady = true;
