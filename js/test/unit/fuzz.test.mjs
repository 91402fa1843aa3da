// JS-side fuzzing: seeded, deterministic property tests that throw thousands of random and
// mutated payloads at the Salesforce payload normalisation (salesforce-payload.js), the
// Connect event mapping (connect.js), the adapter-event mapping (salesforce.js), the
// BroadcastChannel message check (leadership.js), and the shim→engine boundary: the real
// shim (sync.js) with the real engine (js/dist/presence-sync.wasm, run under Node the way
// wasm/testdata runs Go's wasm tests), fed through fake Streams, a fake adapter, and the
// built-in Lightning and Classic console adapters over the faithful Salesforce fakes.
//
// Properties: nothing thrown escapes; what cannot be read is reported as `invalid-event`
// (never `internal`, never a crash); Object.prototype stays clean; valid input still
// works afterwards and no js.Func leaks. FUZZ_SEED / FUZZ_RUNS pick the seed and the count.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { prng, SEED, RUNS, value, adapterEvent, omniPayload, str, show, prototypeKeys, mutate } from "./fuzz-gen.mjs";
import { readStatus, readWorkAccepted, readWorkload, readJsonList, readCatalog, omniListeners } from "../../src/salesforce-payload.js";
import { connectSide } from "../../src/connect.js";
import { platformError } from "../../src/errors.js";
import { toEngineInput } from "../../src/salesforce.js";
import { validateMessage } from "../../src/leadership.js";
import { classicConsole, createOmni } from "../fakes/index.js";
import { loadTestdata, settle } from "../fakes/node.js";
import { defaultRules, fakeStreams, haveDist, loadShim, rawEngine, wasmUrl } from "./node-engine.mjs";
import { lightningPage } from "./lightning-harness.mjs";

const PROTO = prototypeKeys();
const STRING_FIELDS = ["statusId", "statusApiName", "statusName", "reason", "workItemId", "workId", "serviceChannel"];

/**
 * Runs `fn` for RUNS cases of a seeded generator; a failure names seed and case.
 * @param {string} name
 * @param {(r: ReturnType<typeof prng>, i: number) => void | Promise<void>} fn
 * @param {number} [runs]
 */
async function forAll(name, fn, runs = RUNS) {
  const seed = (SEED ^ hash(name)) >>> 0;
  const r = prng(seed);
  for (let i = 0; i < runs; i++) {
    try {
      await fn(r, i);
    } catch (e) {
      const err = /** @type {Error} */ (e);
      err.message = `${name}: case ${i} (FUZZ_SEED=${SEED}, derived seed ${seed}): ${err.message}`;
      throw err;
    }
  }
  assert.equal(prototypeKeys(), PROTO, `${name}: Object.prototype was polluted`);
  assert.equal(/** @type {any} */ ({}).polluted, undefined, `${name}: Object.prototype was polluted`);
}

/** @param {string} s */
function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A reader either returns or throws an invalid-event PresenceSyncError: never anything else. @param {() => any} f */
function readsOrRejects(f) {
  try {
    return { ok: true, v: f() };
  } catch (e) {
    const err = /** @type {any} */ (e);
    assert.ok(err instanceof Error, `threw a non-Error ${show(err)}`);
    assert.equal(err.code, "invalid-event", `threw ${err.name}: ${err.message}`);
    assert.equal(typeof err.message, "string");
    assert.ok(err.message.length < 1000, "the message carries the payload");
    return { ok: false, v: err };
  }
}

/** @param {any} v @param {string[]} keys */
function stringsOnly(v, keys) {
  for (const k of keys) if (v[k] !== undefined) assert.equal(typeof v[k], "string", `${k} is ${typeof v[k]}`);
}

describe("fuzz: Salesforce payload normalisation (salesforce-payload.js)", () => {
  it("readStatus / readWorkAccepted / readWorkload / readJsonList return well-typed values or reject with invalid-event", async () => {
    await forAll("readers", (r) => {
      const name = r.pick(["statusChanged", "workAccepted", "workloadChanged", "logout"]);
      // What the toolkits deliver: data (LMS and the console hand over copies), however odd.
      const p = omniPayload(r, name, false);
      const s = readsOrRejects(() => readStatus(p));
      if (s.ok) {
        stringsOnly(s.v, ["statusId", "statusApiName", "statusName", "reason"]);
        assert.match(s.v.statusId, /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/);
      }
      const w = readsOrRejects(() => readWorkAccepted(p));
      if (w.ok) stringsOnly(w.v, ["workItemId", "workId"]);
      const l = readsOrRejects(() => readWorkload(p));
      if (l.ok) {
        for (const k of ["configuredCapacity", "previousWorkload", "newWorkload"]) {
          assert.equal(typeof l.v[k], "number");
          assert.ok(!Number.isNaN(l.v[k]), `${k} is NaN`);
          // Infinity from an overflowing numeric string ("1e999"): see the todo test below.
        }
      }
      const j = readsOrRejects(() => readJsonList(p && typeof p === "object" ? p : {}, "channels"));
      if (j.ok) assert.ok(Array.isArray(j.v));
    });
  });

  it("a numeric string that overflows (\"1e999\") is rejected, not read as Infinity", () => {
    const r = readsOrRejects(() => readWorkload({ configuredCapacity: "1e999", previousWorkload: "1", newWorkload: "2" }));
    assert.equal(r.ok, false);
  });

  it("readCatalog keeps only well-formed rows or rejects with a coded Error", async () => {
    await forAll("catalog", (r) => {
      const rows = [];
      for (let i = r.int(5); i > 0; i--) rows.push(r.chance(0.5) ? { id: str(r), developerName: str(r), label: value(r) } : value(r, 1));
      // A refusal's error as Apex and the toolkits shape it (strings, numbers); see the todo test for others.
      const refusal = { type: r.pick(["AccessDeniedException", "QueryException", 5, null]), message: r.chance(0.8) ? str(r) : null };
      const raw = r.pick([rows, { statuses: rows, serviceChannels: [value(r, 1), { developerName: str(r), keyPrefix: str(r) }] }, value(r), { error: r.chance(0.5) ? refusal : str(r) }]);
      try {
        const c = readCatalog(raw);
        for (const s of c.statuses) {
          assert.match(s.id, /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/);
          assert.ok(typeof s.developerName === "string" && s.developerName !== "");
          assert.equal(typeof s.label, "string");
        }
        for (const ch of c.serviceChannels) assert.equal(ch.keyPrefix.length, 3);
      } catch (e) {
        const err = /** @type {any} */ (e);
        assert.ok(err instanceof Error && typeof err.code === "string", `threw ${show(err)}`);
      }
    });
  });

  it("platformError gives the engine a JSON-safe error, whatever a platform rejected with", async () => {
    await forAll("platform-error", (r) => {
      const raw = r.chance(0.3) ? Object.assign(new Error(str(r)), { type: r.pick(["AccessDeniedException", 5, undefined]) }) : value(r, 0, true);
      const e = platformError(raw);
      assert.doesNotThrow(() => JSON.stringify(e));
      assert.ok(JSON.stringify(e) === undefined || JSON.stringify(e).length <= 8100, `${JSON.stringify(e)?.length} characters`);
    });
    const hostile = { get type() { throw new Error("getter"); } };
    assert.equal(typeof platformError(hostile), "string");
  });

  it("the Omni event listeners deliver well-formed events or invalid-event errors, in order, for any raw event", async () => {
    /** @type {any[]} */
    const got = [];
    const listeners = omniListeners(() => {});
    listeners.subscribe((ev) => got.push(ev));
    let pushed = 0;
    await forAll("omni-stream", async (r) => {
      const name = r.chance(0.9) ? r.pick(["statusChanged", "loginSuccess", "logout", "workAccepted", "workloadChanged"]) : str(r);
      listeners.push(name, omniPayload(r, name, false));
      pushed++;
    });
    assert.equal(got.length, pushed, "one delivery per event");
    for (const ev of got) {
      switch (ev.type) {
        case "statusChanged":
          stringsOnly(ev, ["statusId", "statusApiName", "statusName", "reason"]);
          assert.match(ev.statusId, /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/);
          break;
        case "logout":
          break;
        case "workAccepted":
          stringsOnly(ev, ["workItemId", "workId", "serviceChannel"]);
          break;
        case "workloadChanged":
          for (const k of ["configuredCapacity", "previousWorkload", "newWorkload"]) assert.equal(typeof ev[k], "number");
          break;
        case "error":
          assert.equal(ev.code, "invalid-event", show(ev));
          assert.equal(typeof ev.message, "string");
          break;
        default:
          assert.fail(`delivered ${show(ev)}`);
      }
    }
  });
});

describe("fuzz: the Connect and adapter event mappings, the BroadcastChannel check", () => {
  it("connect.js: any onStateChange payload becomes a Connect event or a reported error; nothing escapes", async () => {
    /** @type {any} */
    let handler = null;
    const agent = /** @type {any} */ ({
      getState: () => ({ name: "Lunch", type: "not_routable" }),
      getAgentStates: () => [],
      onStateChange: (/** @type {any} */ f) => {
        handler = f;
        return { unsubscribe() {} };
      },
    });
    /** @type {any[]} */
    const events = [];
    let errors = 0;
    connectSide(agent).subscribe((e) => events.push(e), () => errors++);
    await forAll("connect-map", (r) => {
      const e = r.chance(0.7) ? mutate(r, { agent, oldState: r.pick(["Available", "Init", "Lunch"]), newState: r.pick(["Lunch", "Busy"]) }, true) : value(r, 0, true);
      const before = events.length;
      handler(e); // must not throw: Streams' event bus would swallow it
      if (events.length > before) assert.equal(events.at(-1).op === "event" && events.at(-1).event.type, "Connect Agent State Change");
    });
    assert.ok(events.length > RUNS / 4, `${events.length} events mapped`);
    assert.ok(errors > 0, "hostile getters were reported");
  });

  it("salesforce.js toEngineInput maps cloneable adapter events; only a type that cannot become text throws (the shim reports that as invalid-event)", async () => {
    await forAll("adapter-map", (r) => {
      const ev = r.chance(0.8) ? adapterEvent(r, false) : value(r);
      let m;
      try {
        m = toEngineInput(ev);
      } catch (e) {
        assert.ok(e instanceof TypeError && ev && typeof ev.type === "object", `threw ${String(e)} for ${show(ev)}`);
        return;
      }
      if (m === null) return;
      if ("error" in m) {
        assert.equal(typeof m.error.code, "string");
        assert.equal(typeof m.error.message, "string");
      } else {
        assert.equal(m.input.op, "event");
        assert.equal(typeof m.input.event.type, "string");
        assert.equal(Object.getPrototypeOf(m.input.event), Object.prototype);
      }
    });
  });

  it("leadership.js validateMessage accepts only well-formed messages from other tabs", async () => {
    const key = "presence-sync:agent";
    await forAll("bc-message", (r) => {
      const base = { v: 1, channel: key, from: "tab-" + r.int(3), type: r.pick(["decision", "action", "error", "hello", "x"]), payload: value(r, 1) };
      const data = r.chance(0.8) ? mutate(r, base, true) : value(r, 0, true);
      const m = validateMessage(data, key, "tab-0");
      if (m) {
        assert.deepEqual(Object.keys(m), ["v", "channel", "from", "type", "payload"]);
        assert.notEqual(m.from, "tab-0");
        assert.equal(Object.getPrototypeOf(m.payload) === Object.prototype || Object.getPrototypeOf(m.payload) === null, true);
        const keys = (/** @type {any} */ v) => {
          if (!v || typeof v !== "object") return;
          for (const k of Object.keys(v)) {
            assert.ok(!["__proto__", "constructor", "prototype"].includes(k), `accepted a ${k} key`);
            keys(v[k]);
          }
        };
        keys(m.payload);
      }
    });
  });
});

// ---- the shim → engine boundary, with the real engine ---------------------------------

describe("fuzz: the shim and the engine (WebAssembly under Node)", { skip: haveDist ? false : "js/dist is not built (make dist)" }, () => {
  /** @type {any} */
  let PresenceSync;
  const doc = defaultRules;

  before(async () => {
    PresenceSync = await loadShim();
  });

  /** A minimal adapter of the shape of js/API.md whose listener the test drives. */
  function fakeAdapter() {
    /** @type {Set<(e: any) => void>} */
    const listeners = new Set();
    const calls = /** @type {any[]} */ ([]);
    return {
      calls,
      adapter: {
        getStatus: async () => ({ statusId: "0N5xx0000000001", statusApiName: "Available", statusName: "Available" }),
        listStatuses: async () => doc.salesforce.statuses,
        listServiceChannels: async () => doc.salesforce.serviceChannels,
        setStatus: async (/** @type {string} */ id) => void calls.push(["setStatus", id]),
        logout: async () => void calls.push(["logout"]),
        subscribe(/** @type {(e: any) => void} */ l) {
          listeners.add(l);
          return () => listeners.delete(l);
        },
      },
      /** @param {any} e */
      emit(e) {
        for (const l of [...listeners]) l(e);
      },
      get listeners() {
        return listeners.size;
      },
    };
  }

  /**
   * Starts the shim and records its events.
   * @param {any} connect
   * @param {any} adapter
   */
  async function startSync(connect, adapter) {
    const sync = await PresenceSync.start({ wasmUrl, rules: doc, connect, salesforce: adapter, options: { leadership: false, retryBaseMs: 1, echoWindowMs: 50, logLevel: "error", loopMaxWrites: 1000000 } });
    /** @type {any[]} */
    const errors = [];
    let decisions = 0;
    sync.addEventListener("error", (/** @type {any} */ e) => errors.push(e.detail));
    sync.addEventListener("decision", () => decisions++);
    await new Promise((r) => setTimeout(r, 5));
    return { sync, errors, decisions: () => decisions };
  }

  const quietConsole = () => {
    const c = { error: console.error, warn: console.warn, info: console.info, debug: console.debug };
    console.error = console.warn = console.info = console.debug = () => {};
    return () => Object.assign(console, c);
  };

  it("random and hostile Connect and Salesforce events through the shim: only invalid-event, then valid events still sync", async () => {
    const restore = quietConsole();
    try {
      const streams = fakeStreams();
      const sf = fakeAdapter();
      const { sync, errors, decisions } = await startSync(streams.connect, sf.adapter);
      const engine = /** @type {any} */ (globalThis).__presenceSyncEngine;
      const funcs = engine.stats().liveFuncs;
      let n = 0;
      await forAll("shim-boundary", async (r, i) => {
        if (r.chance(0.5)) {
          const e = r.chance(0.7) ? mutate(r, { oldState: r.pick(["Available", "Lunch"]), newState: r.pick(["Lunch", "Break", "Busy", "Training"]) }, true) : value(r, 0, true);
          streams.emit(e);
        } else {
          sf.emit(r.chance(0.8) ? adapterEvent(r, true) : value(r, 0, true));
        }
        n++;
        if (i % 200 === 0) await new Promise((res) => setTimeout(res, 0));
      });
      await new Promise((r) => setTimeout(r, 50));
      const codes = new Set(errors.map((e) => e.code));
      assert.ok(!codes.has("internal"), `an internal error: ${show(errors.find((e) => e.code === "internal"))}`);
      // Besides the engine's codes, a `{type: "error"}` event is the adapter reporting a problem of its own (source: salesforce).
      for (const e of errors) assert.ok(["invalid-event", "loop", "write-failed", "timeout", "unknown-state"].includes(e.code) || e.source === "salesforce", `unexpected error ${show(e)}`);
      assert.ok(errors.filter((e) => e.code === "invalid-event").length > n / 10, "malformed input was reported as invalid-event");
      // (The engine quotes an unknown `type` whole: see the todo test below.)
      for (const e of errors) if (e.field !== "type") assert.ok(typeof e.message === "string" && e.message.length < 5000, `an error message carries the payload: ${show({ ...e, message: e.message.slice(0, 300) })}`);
      assert.ok(decisions() > n / 4, `${decisions()} decisions for ${n} events`);
      // Valid input still works: Connect Lunch → Omni Lunch; Omni Break → Connect Break.
      streams.change("Available");
      await new Promise((r) => setTimeout(r, 60));
      const before = sf.calls.length;
      streams.change("Lunch");
      await new Promise((r) => setTimeout(r, 30));
      assert.deepEqual(sf.calls.slice(before), [["setStatus", "0N5xx0000000002"]]);
      const cBefore = streams.calls.length;
      sf.emit({ type: "statusChanged", statusId: "0N5xx0000000003", statusApiName: "Break", statusName: "On Break", reason: "OmniManualStatusChange" });
      await new Promise((r) => setTimeout(r, 30));
      assert.deepEqual(streams.calls.slice(cBefore).map((c) => c.name), ["Break"]);
      assert.equal(engine.stats().liveFuncs, funcs, "js.Func count changed");
      await sync.stop();
      assert.equal(streams.handlers, 0);
      assert.equal(sf.listeners, 0);
      assert.equal(engine.stats().instances, 0);
    } finally {
      restore();
    }
  });

  it("an unknown event type of 1 MB yields an error message of bounded size", async () => {
    const restore = quietConsole();
    const streams = fakeStreams();
    const sf = fakeAdapter();
    const { sync, errors } = await startSync(streams.connect, sf.adapter);
    sf.emit({ type: "y".repeat(1 << 20) });
    await new Promise((r) => setTimeout(r, 10));
    await sync.stop();
    restore();
    assert.equal(errors[0]?.code, "invalid-event");
    assert.ok(errors[0].message.length < 5000, `${errors[0].message.length} characters`);
  });

  it("random JSON and non-JSON strings straight into the engine's exported input path: always a JSON output, never internal", async () => {
    const inst = await rawEngine(JSON.stringify({ rules: doc }));
    const valid = [
      { op: "start", now: 1, connect: { state: "Available", states: doc.connect.states }, salesforce: { status: { statusId: "0N5xx0000000001", statusApiName: "Available", statusName: "Available" }, statuses: doc.salesforce.statuses } },
      { op: "event", now: 2, event: { type: "Connect Agent State Change", oldState: "Available", newState: "Lunch" } },
      { op: "result", now: 3, id: 1, ok: false, error: { type: "InvalidStateException", message: "x" } },
      { op: "tick", now: 4 },
      { op: "leader", now: 5, leader: false },
      { op: "leader", now: 6, leader: true },
    ];
    inst.handle(JSON.stringify(valid[0]));
    await forAll("engine-handle", (r) => {
      let input;
      switch (r.int(4)) {
        case 0: input = JSON.stringify(mutate(r, structuredClone(r.pick(valid)), false)); break;
        case 1: input = JSON.stringify({ op: "event", now: r.int(1e6), event: adapterEvent(r, false) }); break;
        case 2: input = str(r); break;
        default: {
          const s = JSON.stringify(r.pick(valid));
          const at = r.int(s.length);
          input = s.slice(0, at) + str(r).slice(0, 5) + s.slice(at + r.int(3));
        }
      }
      const out = JSON.parse(inst.handle(input));
      assert.ok(out && typeof out === "object");
      for (const e of out.errors ?? []) assert.notEqual(e.code, "internal", `${show(input)} → ${e.message}`);
      assert.equal(typeof out.wakeAt, "number");
    });
    // Still working.
    const out = JSON.parse(inst.handle(JSON.stringify({ op: "event", now: 1e7, event: { type: "Connect Agent State Change", oldState: "Break", newState: "Lunch" } })));
    assert.equal(out.decisions.length, 1);
    inst.stop();
  });

  it("the Lightning adapter through the real utility item bundle: random Omni events and raw relay messages, only invalid-event", async () => {
    const restore = quietConsole();
    try {
      const page = await lightningPage();
      const token = /#relay=(\w+)/.exec(/** @type {string} */ (page.frameUrl))?.[1];
      const streams = fakeStreams();
      const { sync, errors } = await startSync(streams.connect, page.adapter);
      const events = ["lightning:omniChannelStatusChanged", "lightning:omniChannelLoginSuccess", "lightning:omniChannelLogout", "lightning:omniChannelWorkAccepted", "lightning:omniChannelWorkloadChanged"];
      await forAll("lightning", async (r, i) => {
        if (r.chance(0.7)) {
          const ev = r.pick(events);
          const name = ev.replace("lightning:omniChannel", "").replace(/^./, (c) => c.toLowerCase());
          const p = omniPayload(r, name === "loginSuccess" ? "statusChanged" : name, false);
          // Aura hands the utility item an event whose parameters are read one by one.
          page.omni.fire(ev, p && typeof p === "object" && !Array.isArray(p) ? p : { statusId: p, configuredCapacity: p, workItemId: p });
        } else {
          // Raw messages on the relay, as if from the utility item (right origin and token), however odd.
          const message = r.chance(0.7) ? mutate(r, { protocol: 1, source: "PresenceSyncBridge", token, kind: "event", event: r.pick(["statusChanged", "workloadChanged", "logout"]), payload: omniPayload(r, "statusChanged") }, false) : value(r, 0, false);
          page.windows.frameWindow.postMessage(message, "https://acme--c.vf.force.com");
        }
        if (i % 50 === 0) await settle(5);
      }, Math.ceil(RUNS / 2));
      await settle(50);
      const codes = new Set(errors.map((e) => e.code));
      assert.ok(!codes.has("internal"), show(errors.find((e) => e.code === "internal")));
      for (const c of codes) assert.ok(["invalid-event", "loop", "write-failed", "timeout", "unknown-state"].includes(c), `unexpected error code ${c}: ${show(errors.find((e) => e.code === c))}`);
      assert.ok(errors.some((e) => e.code === "invalid-event"));
      assert.deepEqual(page.relay?.errors, [], "the utility item's code never threw");
      await sync.stop();
    } finally {
      restore();
    }
  });

  it("a relay message naming an event that cannot become text is reported, not thrown", async () => {
    const page = await lightningPage();
    const token = /#relay=(\w+)/.exec(/** @type {string} */ (page.frameUrl))?.[1];
    /** @type {any[]} */
    const got = [];
    const unsubscribe = page.adapter.subscribe((e) => got.push(e));
    await page.adapter.getStatus();
    const onError = (/** @type {any} */ e) => assert.fail(e);
    process.once("uncaughtException", onError);
    page.windows.frameWindow.postMessage({ protocol: 1, source: "PresenceSyncBridge", token, kind: "event", event: [{ toString: 0 }], payload: {} }, "https://acme--c.vf.force.com");
    await settle();
    process.off("uncaughtException", onError);
    unsubscribe();
    assert.equal(got.filter((e) => e.type !== "ready")[0]?.code, "invalid-event");
  });

  it("the Classic console adapter: random presence event results, only invalid-event", async () => {
    const restore = quietConsole();
    try {
      const catalog = loadTestdata("catalog.json");
      const fake = classicConsole(createOmni({ catalog }));
      const adapter = PresenceSync.salesforce.console(fake.sforce, { catalog: async () => catalog });
      const streams = fakeStreams();
      const { sync, errors } = await startSync(streams.connect, adapter);
      const keys = /** @type {const} */ (["STATUS_CHANGED", "LOGIN_SUCCESS", "LOGOUT", "WORK_ACCEPTED", "WORKLOAD_CHANGED"]);
      const names = { STATUS_CHANGED: "statusChanged", LOGIN_SUCCESS: "statusChanged", LOGOUT: "logout", WORK_ACCEPTED: "workAccepted", WORKLOAD_CHANGED: "workloadChanged" };
      await forAll("console", async (r, i) => {
        const k = r.pick(keys);
        fake.fire(k, omniPayload(r, names[k], false));
        if (i % 50 === 0) await settle(5);
      }, Math.ceil(RUNS / 2));
      await settle(50);
      const codes = new Set(errors.map((e) => e.code));
      assert.ok(!codes.has("internal"), show(errors.find((e) => e.code === "internal")));
      for (const c of codes) assert.ok(["invalid-event", "loop", "write-failed", "timeout", "unknown-state"].includes(c), `unexpected error code ${c}`);
      assert.ok(errors.some((e) => e.code === "invalid-event"));
      await sync.stop();
    } finally {
      restore();
    }
  });
});

// Keep STRING_FIELDS referenced for readers of the properties above.
void STRING_FIELDS;
