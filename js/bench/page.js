// @ts-check
// The benchmark page: real Streams against the fake CCP (named by ?ccp=), the one
// Omni-Channel fake (js/test/fakes/) behind a page's own adapter, whose setStatus calls end
// the per-event measurement, the rule set of ?n= rules, and either presence-sync (the classic
// script, loaded on demand so that its start-up is timed from the script's load) or the
// plain-JavaScript baseline. bench.mjs drives it through window.B and drives the agent's
// state from the CCP frame.
import { RULESETS, ccpStatesParam, statuses, expectedStatus } from "./rulesets.js";
import { startBaseline } from "./baseline.js";
import { createOmni, omniAdapter } from "/fakes/index.js";

const w = /** @type {any} */ (window);
const params = new URLSearchParams(location.search);
const n = Number(params.get("n") ?? 10);
/** The rule set (rulesets.js RULESETS): "single" criteria (the default) or 5-member "groups". */
const set = /** @type {keyof typeof RULESETS} */ (params.get("set") ?? "single");
// The rules as a page passes them (the catalogs come from the live platforms).
const doc = { rules: RULESETS[set](n).rules };
const ids = new Map(statuses().map((s) => [s.developerName, s.id]));
const connect = w.connect;

connect.core.initCCP(document.getElementById("ccp"), {
  ccpUrl: `${params.get("ccp")}?ui=0&states=${ccpStatesParam()}`,
  loginPopup: false,
  softphone: { allowFramedSoftphone: false },
});

/** Trace entries read by listenDecisions' listener. */
let traceEntries = 0;
/** @param {any} e */
const readTrace = (e) => {
  traceEntries += e.detail.rules ? e.detail.rules.length : 0;
};

/** A burst not settled after this long has a wrong final state. */
const SETTLE_LIMIT_MS = 120000;

/** The per-event recorder: onStateChange (first subscriber) to setStatus. */
const rec = {
  evT: new Float64Array(1 << 16),
  /** @type {string[]} */
  evState: [],
  nEv: 0,
  pending: false,
  /** @type {number[]} */
  lat: [],
  unpaired: 0,
  /**
   * What a settle waits for: `target` events seen, at least one write made since it began
   * (every burst moves the agent away first), none in flight, both systems in the final state.
   * @type {null | {target: number, connect: string, expected: string, calls: number, resolve: (t: number) => void}}
   */
  waiter: null,
  reset() {
    this.nEv = 0;
    this.evState = [];
    this.pending = false;
    this.lat = [];
    this.unpaired = 0;
  },
};

// Omni-Channel answers at once (a write resolves in a microtask, its change comes back in
// the next task, reason OmniToolkitStatusChange): no network in the measured path.
const model = createOmni({ catalog: { statuses: statuses() }, status: "Available", latencyMs: 0 });
const face = omniAdapter(model);
const omni = {
  state: { inflight: 0, calls: 0 },
  /** DeveloperName of the current status, null while logged out. */
  get status() {
    return model.status;
  },
  /** The page's adapter: the fake's, each write timed as it is called (the end of the per-event measurement). */
  adapter: {
    ...face.adapter,
    /** @param {string} statusId */
    setStatus(statusId) {
      const t = performance.now();
      if (rec.pending && rec.nEv > 0 && statusId === ids.get(/** @type {string} */ (expectedStatus(rec.evState[rec.nEv - 1])))) {
        rec.lat.push(t - rec.evT[rec.nEv - 1]);
        rec.pending = false;
      } else {
        rec.unpaired++;
      }
      return counted(() => face.adapter.setStatus(statusId));
    },
    logout: () => counted(() => face.adapter.logout()),
  },
  /** The fake's own records (scaffolding, not what is measured) kept short. */
  trim() {
    for (const log of [model.state.fired, model.state.calls, face.delivered]) log.length = 0;
  },
};
/**
 * A write counted in flight from before its call (the fake tells its watchers of the call
 * as it is made) until it settles.
 * @param {() => Promise<void>} call
 */
function counted(call) {
  omni.state.calls++;
  omni.state.inflight++;
  return call().finally(() => {
    omni.state.inflight--;
  });
}
model.watch(() => check());

/** @type {any} */
const agent = await new Promise((resolve) => connect.agent(resolve));
// Writes to Connect (none are expected: the Connect → Omni rules decide every event, and
// the reverse rules see only echoes).
let connectWrites = 0;
{
  const proto = Object.getPrototypeOf(agent);
  const setState = proto.setState;
  proto.setState = function (/** @type {any[]} */ ...args) {
    connectWrites++;
    return setState.apply(this, args);
  };
}
agent.onStateChange((/** @type {any} */ e) => {
  if (e.oldState === "Init") return;
  const i = rec.nEv++ & 0xffff;
  rec.evT[i] = performance.now();
  rec.evState[rec.nEv - 1] = e.newState;
  rec.pending = expectedStatus(e.newState) !== null;
  // The check runs after the other subscribers (presence-sync or the baseline) and
  // their microtasks.
  if (rec.waiter) queueMicrotask(check);
});

/** Resolves a settle waiter when both systems show the burst's final state. */
function check() {
  const wt = rec.waiter;
  if (!wt) return;
  // (A burst leaves Omni-Channel where it ends: without a write made since it began, a
  // check between the last event and the first write would find it settled already.)
  if (rec.nEv >= wt.target && omni.state.calls > wt.calls && omni.state.inflight === 0 && omni.status === wt.expected && agent.getState().name === wt.connect) {
    rec.waiter = null;
    wt.resolve(performance.timeOrigin + performance.now());
  }
}

/** @type {any} */
let sync = null;
/** @type {any} */
let baseline = null;
let shimLoaded = false;

/** Heap of the wasm module's linear memory, in bytes (0 before it is loaded). */
function wasmMemory() {
  const inst = w.benchWasm;
  const mem = inst && inst.exports && inst.exports.mem;
  return mem ? mem.buffer.byteLength : 0;
}

/** @param {number[]} xs @param {number} q */
function quantile(xs, q) {
  if (!xs.length) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

w.B = {
  n,
  /**
   * Loads the shim's classic script and starts presence-sync; the start-up figures, in ms
   * from the moment the script element is added.
   * @param {Record<string, unknown>} [options]
   */
  async startSync(options = {}) {
    const t0 = performance.now();
    const marks = w.benchMarks;
    if (!shimLoaded) {
      await new Promise((resolve, reject) => {
        const s = document.createElement("script");
        s.src = "/dist/presence-sync.js";
        s.onload = resolve;
        s.onerror = () => reject(new Error("could not load /dist/presence-sync.js"));
        document.head.appendChild(s);
      });
      shimLoaded = true;
    }
    const scriptLoaded = performance.now();
    sync = await w.PresenceSync.start({
      rules: doc,
      connect,
      salesforce: omni.adapter,
      options: { loopMaxWrites: 1000000, loopWindowMs: 1, ...options },
    });
    const ready = performance.now();
    return {
      scriptMs: scriptLoaded - t0,
      compiledMs: marks.compiled ? marks.compiled - t0 : null,
      instantiateCalledMs: marks.instantiateCalled ? marks.instantiateCalled - t0 : null,
      instantiatedMs: marks.instantiated ? marks.instantiated - t0 : null,
      registeredMs: marks.registered ? marks.registered - t0 : null,
      createCalledMs: marks.createCalled ? marks.createCalled - t0 : null,
      createdMs: marks.created ? marks.created - t0 : null,
      readyMs: ready - t0,
      wasmMemory: wasmMemory(),
    };
  },
  /**
   * Compiles the page's rules a second time, as PresenceSync.start passes them, once
   * presence-sync has started (create called → created, in ms; the engine made is stopped).
   * By then the browser has compiled the module's functions that compiling runs, and
   * optimised the hot ones: what the first compile costs beyond this is that work. The
   * collection the first compile put off (wasm/engine.go) is made before, not measured.
   */
  compileAgain() {
    const api = w.__presenceSyncEngine;
    const config = JSON.stringify({ rules: doc, options: { loopMaxWrites: 1000000, loopWindowMs: 1 } });
    api.stats({ gc: true });
    const t = performance.now();
    const r = api.create(config, () => {});
    const ms = performance.now() - t;
    if (!r || r.ok !== true) throw new Error(`compileAgain: ${JSON.stringify(r)}`);
    api.stop(r.id);
    return ms;
  },
  /**
   * Adds (or removes) a `decision` listener that reads each decision's per-rule trace, as
   * an admin's log would: the engine then renders the trace for every event.
   * @param {boolean} on
   */
  listenDecisions(on) {
    if (!sync) return;
    if (on) sync.addEventListener("decision", readTrace);
    else sync.removeEventListener("decision", readTrace);
  },
  async stopSync() {
    await sync?.stop();
    sync = null;
  },
  async startBaseline() {
    const t0 = performance.now();
    baseline = await startBaseline({ rules: doc, agent, salesforce: omni.adapter });
    return { readyMs: performance.now() - t0 };
  },
  stopBaseline() {
    baseline?.stop();
    baseline = null;
  },
  reset() {
    rec.reset();
    omni.trim();
    traceEntries = 0;
    if (w.benchHandle) Object.assign(w.benchHandle, { ms: 0, calls: 0 });
  },
  /** The per-event figures since reset. */
  stats() {
    return {
      events: rec.nEv,
      paired: rec.lat.length,
      unpaired: rec.unpaired,
      isolated: w.crossOriginIsolated === true,
      mean: (rec.lat.reduce((a, b) => a + b, 0) / rec.lat.length) * 1000,
      p50: quantile(rec.lat, 0.5) * 1000,
      p99: quantile(rec.lat, 0.99) * 1000,
      max: quantile(rec.lat, 1) * 1000,
      // presence-sync only: the engine's share (all inputs: events, results, echoes)
      handleCalls: sync && w.benchHandle ? w.benchHandle.calls : 0,
      handleUsPerEvent: sync && w.benchHandle && rec.nEv ? (w.benchHandle.ms / rec.nEv) * 1000 : 0,
      // per-rule trace entries read by listenDecisions' listener
      traceEntries,
    };
  },
  /**
   * Resolves (absolute ms, performance.timeOrigin-based) when n events were seen and both
   * systems show the final state.
   * @param {number} target
   * @param {string} last
   */
  settled(target, last) {
    return new Promise((resolve) => {
      rec.waiter = { target, connect: last, expected: /** @type {string} */ (expectedStatus(last)), calls: omni.state.calls, resolve };
      setTimeout(() => {
        if (rec.waiter && rec.waiter.resolve === resolve) {
          rec.waiter = null;
          resolve(NaN);
        }
      }, SETTLE_LIMIT_MS);
      check();
      const poll = () => {
        if (!rec.waiter) return;
        check();
        setTimeout(poll, 1);
      };
      setTimeout(poll, 1);
    });
  },
  /**
   * A burst in one tick: `count` Connect state changes published synchronously on
   * Streams' own event bus (its STATE_CHANGE event, which every agent.onStateChange
   * subscriber receives), cycling through `cycle`. The CCP's agent keeps its state (the
   * changes are a burst Streams reports, then the agent is back where it was: the last
   * change returns to it), so both systems are settled when Omni-Channel shows the
   * status the last change maps to, nothing is in flight and Connect was not written.
   * Resolves the time (ms) from the first change to settled, and the end state.
   * @param {{count: number, cycle: string[]}} p
   */
  async burst({ count, cycle }) {
    const bus = connect.core.getEventBus();
    const here = agent.getState().name;
    // A sequence that starts away from the current state and ends on it.
    const seq = [];
    for (let i = 0; i < count - 1; i++) seq.push(cycle[i % cycle.length] === here ? cycle[(i + 1) % cycle.length] : cycle[i % cycle.length]);
    seq.push(here);
    const connectWritesBefore = connectWrites;
    const settled = new Promise((resolve) => {
      rec.waiter = { target: count, connect: here, expected: /** @type {string} */ (expectedStatus(here)), calls: omni.state.calls, resolve };
      // Never settled (a wrong final state): give up after SETTLE_LIMIT_MS.
      setTimeout(() => {
        if (rec.waiter && rec.waiter.resolve === resolve) {
          rec.waiter = null;
          resolve(NaN);
        }
      }, SETTLE_LIMIT_MS);
    });
    const t0 = performance.timeOrigin + performance.now();
    let prev = here;
    for (const next of seq) {
      bus.trigger(connect.AgentEvents.STATE_CHANGE, { agent, oldState: prev, newState: next });
      prev = next;
    }
    const tick = performance.timeOrigin + performance.now();
    const poll = () => {
      if (!rec.waiter) return;
      check();
      setTimeout(poll, 1);
    };
    setTimeout(poll, 0);
    const t1 = await settled;
    return { ms: t1 - t0, tickMs: tick - t0, connect: agent.getState().name, salesforce: omni.status, expected: expectedStatus(here), connectWrites: connectWrites - connectWritesBefore };
  },
  state() {
    return { connect: agent.getState().name, salesforce: omni.status, inflight: omni.state.inflight, calls: omni.state.calls, events: rec.nEv };
  },
  /** Salesforce status to start a run from (no write pending), without an event. */
  async resetOmni() {
    model.state.status = model.catalog.statuses[0];
    omni.trim();
  },
  wasmMemory,
  engineStats() {
    const api = w.__presenceSyncEngine;
    return api ? api.stats() : null;
  },
};
w.benchReady = true;
