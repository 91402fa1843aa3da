// @ts-check
/**
 * `PresenceSync.start(...)` and the running sync: the shim between the platforms and the
 * engine (wasm/BRIDGE.md). It translates platform events into engine inputs, dispatches
 * the engine's decisions, actions and errors as DOM events, executes its commands on the
 * platforms and reports each outcome back. All policy lives in the engine.
 */

import { psError, describe } from "./errors.js";
import { loadEngine } from "./loader.js";
import { isStreams, waitForAgent, connectSide, connectEvent } from "./connect.js";
import { adapterProblems, toEngineEvent, salesforceSide } from "./salesforce.js";
import { singleWriter, agentKey } from "./writer.js";
import { WAITING, deferredWriter } from "./late-start.js";

/**
 * @typedef {"error" | "warn" | "info" | "debug"} LogLevel
 * @typedef {{
 *   echoWindowMs?: number, loopMaxWrites?: number, loopWindowMs?: number,
 *   retryAttempts?: number, retryBaseMs?: number, writeTimeoutMs?: number,
 *   leadership?: boolean, logLevel?: LogLevel, startTimeoutMs?: number,
 *   [key: string]: unknown,
 * }} Options
 * @typedef {{
 *   wasmUrl?: string,
 *   wasmExecUrl?: string,
 *   rules: object | string,
 *   connect: any,
 *   salesforce: import("./salesforce.js").SalesforceAdapter,
 *   options?: Options,
 * }} StartParams
 * @typedef {{
 *   decisions?: any[], actions?: any[], errors?: any[], wakeAt?: number,
 *   commands?: {id: number, destination: string, value?: string, statusId?: string, logout?: boolean, enqueueNextState?: boolean, read?: boolean}[],
 * }} EngineOutput
 */

/** Options the shim itself reads; the others are the engine's. */
const SHIM_OPTIONS = new Set(["leadership", "logLevel", "startTimeoutMs"]);
const LEVELS = { error: 0, warn: 1, info: 2, debug: 3 };
const CONNECT = "Connect Agent State";
/** Longest error message the shim passes on from an adapter. */
const MAX_MESSAGE = 2000;
/** Engine outputs the writer tab shares with the other tabs. */
const SHARED = new Set(["decision", "action", "error"]);
/** How long a new writer waits for the current Omni-Channel status before reconciling without it. */
const REFRESH_WAIT_MS = 400;
/** How long a new writer waits for the writes the previous writer had in flight to land. */
const REMOTE_WAIT_MS = 400;
/** Action statuses of a write that may still change a platform (applied: accepted, its change not seen yet). */
const IN_FLIGHT = new Set(["issued", "retrying", "applied"]);

/**
 * A running presence sync. Events: `decision`, `action`, `error` (`detail` as the engine
 * gave it), `leader` (this tab's role: `{leader, mode, tabId}`, once at start and on every
 * change) and `remote` (a decision, action or error of the writer tab, received by this
 * tab: `{type, from, detail}`). Events produced while `start` runs are dispatched in the
 * task after `start` resolves, so listeners added right after `await start(...)` receive them.
 *
 * Tab leadership (writer.js): every tab runs the engine and dispatches its own decisions;
 * only the writer tab executes writes (the engine is told with `{op: "leader"}`; a
 * follower's actions come out `skipped`) and shares its decisions, actions and errors with
 * the other tabs. A tab that becomes the writer reads both systems, feeds the engine any
 * change it missed, then tells the engine, which reconciles once.
 */
export class PresenceSync extends EventTarget {
  /** @type {import("./loader.js").EngineInstance} */
  #engine;
  /** @type {(() => void)[]} */
  #unsubscribers = [];
  /** @type {ReturnType<typeof connectSide>} */
  #connect;
  /** @type {ReturnType<typeof salesforceSide>} */
  #salesforce;
  /** @type {{type: string, detail: any}[] | null} events held until start resolves */
  #held = [];
  /** @type {Record<string, unknown>[] | null} platform inputs (`event`, `connect`) that arrived before the engine's start */
  #early = [];
  #stopped = false;
  #level = LEVELS.warn;
  /** @type {ReturnType<typeof singleWriter>} */
  #writer;
  /** @type {Promise<void> | null} */
  #stopping = null;
  /** @type {EngineOutput[]} engine outputs whose events are not dispatched yet (#output) */
  #outputs = [];
  /** whether the engine was told this tab writes (the engine starts as the writer) */
  #leader = true;
  /** set by _start: role changes before it are read there */
  #started = false;
  /** serialises role changes (a new writer reads both systems first) */
  #roleTask = Promise.resolve();
  /** @type {{connect: string | null, salesforce: string | null | undefined}} the states last fed to the engine (salesforce: DeveloperName, null when logged out) */
  #known = { connect: null, salesforce: undefined };
  /** @type {{connect: () => any, salesforce: () => Promise<any>} | null} */
  #readers = null;
  /** @type {Map<string, {destination: string, value: string, at: number}>} the writer tab's writes in flight, by tab and action id */
  #remoteWrites = new Map();
  /** @type {Map<unknown, Set<boolean>>} the `decision` listeners (and their capture flags) */
  #decisionListeners = new Map();
  /** @type {[unknown, boolean][]} those added with `once`: gone after the next decision */
  #onceListeners = [];
  /** @type {Promise<typeof WAITING>} resolves when the Salesforce adapter says it waits for its platform (late-start.js) */
  #salesforceWaiting;
  /** @type {() => void} */
  #noteSalesforceWaiting = () => {};

  /**
   * @param {import("./loader.js").EngineInstance} engine
   * @param {ReturnType<typeof connectSide>} connect
   * @param {ReturnType<typeof salesforceSide>} salesforce
   * @param {ReturnType<typeof singleWriter>} writer
   * @param {LogLevel} level
   * @internal use PresenceSync.start
   */
  constructor(engine, connect, salesforce, writer, level) {
    super();
    this.#engine = engine;
    this.#connect = connect;
    this.#salesforce = salesforce;
    this.#writer = writer;
    this.#level = LEVELS[level] ?? LEVELS.warn;
    this.#salesforceWaiting = new Promise((resolve) => {
      this.#noteSalesforceWaiting = () => resolve(WAITING);
    });
  }

  /**
   * Resolves when the Salesforce adapter reports it is still waiting for its platform
   * (late-start.js).
   * @internal
   */
  _salesforceWaiting() {
    return this.#salesforceWaiting;
  }

  /**
   * EventTarget's, keeping count of `decision` listeners: the engine renders a decision's
   * per-rule trace (its `rules`) only when something will read it.
   * @param {string} type
   * @param {EventListenerOrEventListenerObject | null} listener
   * @param {boolean | AddEventListenerOptions} [options]
   */
  addEventListener(type, listener, options) {
    super.addEventListener(type, listener, options);
    if (type !== "decision" || !listener) return;
    const capture = typeof options === "boolean" ? options : !!options?.capture;
    const set = this.#decisionListeners.get(listener) ?? new Set();
    if (set.has(capture)) return; // already registered: EventTarget ignores it too
    set.add(capture);
    this.#decisionListeners.set(listener, set);
    if (typeof options === "object" && options?.once) this.#onceListeners.push([listener, capture]);
  }

  /**
   * @param {string} type
   * @param {EventListenerOrEventListenerObject | null} listener
   * @param {boolean | EventListenerOptions} [options]
   */
  removeEventListener(type, listener, options) {
    super.removeEventListener(type, listener, options);
    if (type !== "decision" || !listener) return;
    const capture = typeof options === "boolean" ? options : !!options?.capture;
    const set = this.#decisionListeners.get(listener);
    set?.delete(capture);
    if (set && !set.size) this.#decisionListeners.delete(listener);
  }

  /**
   * Whether decisions need their per-rule trace: while start's events are held (their
   * listeners are added when start resolves), with a `decision` listener, or with
   * `logLevel: "debug"` (decisions are logged).
   */
  #wantsTrace() {
    return this.#held !== null || this.#decisionListeners.size > 0 || this.#level >= LEVELS.debug;
  }

  /** True once stop() was called. */
  get stopped() {
    return this.#stopped;
  }

  /** True while this tab is the writer (always, with `leadership: false`). */
  get leader() {
    return !this.#stopped && this.#leader;
  }

  /** This tab's id among the tabs of the agent (null with `leadership: false`). */
  get tabId() {
    return this.#writer.tabId;
  }

  /**
   * Stops the sync: unsubscribes from Streams and the Salesforce adapter, gives up tab
   * leadership (another tab takes over), stops the engine (its timer and window
   * listeners) and releases every js.Func. Idempotent.
   * @returns {Promise<void>}
   */
  stop() {
    if (this.#stopping) return this.#stopping;
    this.#stopped = true;
    const problems = [];
    for (const u of this.#unsubscribers.splice(0)) {
      try {
        u();
      } catch (e) {
        problems.push(describe(e));
      }
    }
    this.#early = null;
    this.#held = null;
    this.#stopping = (async () => {
      try {
        await this.#writer.stop();
      } catch (e) {
        problems.push(describe(e));
      }
      try {
        this.#engine.stop();
      } catch (e) {
        problems.push(describe(e));
      }
      if (problems.length) this.#log("warn", "presence-sync: problems while stopping: " + problems.join("; "));
    })();
    return this.#stopping;
  }

  /**
   * Subscribes to both platforms; events that arrive before the engine started are held.
   * @internal
   */
  _subscribe() {
    this.#unsubscribers.push(this.#connect.subscribe((input) => this.#platformInput(input), (e) => this.#shimError("invalid-event", e)));
    this.#unsubscribers.push(this.#salesforce.subscribe((ev) => {
      if (this.#stopped) return;
      let mapped;
      try {
        mapped = toEngineEvent(ev);
      } catch (e) {
        this.#shimError("invalid-event", e);
        return;
      }
      if (!mapped) return;
      if (ev?.type === "error" && ev.waiting === true) this.#noteSalesforceWaiting(); // late-start.js
      if ("error" in mapped) {
        const m = mapped.error.message;
        // A hostile payload must not come back whole in the message (it is logged and shared with every tab).
        if (typeof m === "string" && m.length > MAX_MESSAGE) mapped.error.message = m.slice(0, MAX_MESSAGE) + `… (${m.length} characters)`;
        this.#dispatch("error", mapped.error);
      } else {
        this.#platformEvent(mapped.event);
      }
    }));
  }

  /**
   * Adds a clean-up run by stop().
   * @param {() => void} f
   * @internal
   */
  _onStop(f) {
    this.#unsubscribers.push(f);
  }

  /**
   * Feeds the engine what the platforms report now, then the events held meanwhile.
   * @param {{state?: unknown, states: any[]}} connect connectSide().read()
   * @param {{status: any, statuses: any[], serviceChannels?: any[]}} salesforce
   * @internal
   */
  _start(connect, salesforce) {
    // A follower must never write: the engine learns its role before it starts.
    this.#leader = this.#writer.isWriter();
    this.#input({ op: "leader", now: Date.now(), leader: this.#leader });
    this.#input({ op: "start", now: Date.now(), connect, salesforce });
    this.#known.connect = typeof connect.state === "string" ? connect.state : null;
    this.#known.salesforce = salesforce.status ? salesforce.status.statusApiName : null;
    this.#started = true;
    this.#dispatch("leader", this.#role());
    const early = this.#early ?? [];
    this.#early = null;
    for (const input of early) this.#feed(input);
  }

  /**
   * The Salesforce side could not be read after `start` resolved without it (late-start.js):
   * reported as a `start-failed` error, then the sync stops.
   * @param {Error & {code?: string}} e
   * @internal
   */
  _startFailed(e) {
    if (this.#stopped) return;
    this.#dispatch("error", { code: e.code ?? "start-failed", message: e.message, source: "salesforce" });
    this.stop();
  }

  /**
   * How a new writer reads both systems: Connect now (connectSide().peek()), and the Omni-Channel status.
   * @param {() => any} connect
   * @param {() => Promise<any>} salesforce
   * @internal
   */
  _setReaders(connect, salesforce) {
    this.#readers = { connect, salesforce };
  }

  /**
   * Tab leadership changed (writer.js onChange). Applied in order; before _start the
   * role is read there.
   * @internal
   */
  _roleChanged() {
    if (this.#stopped || !this.#started) return;
    this.#roleTask = this.#roleTask.then(() => this.#applyRole()).catch((e) => this.#shimError("internal", e));
  }

  /** Tells the engine this tab's current role; a new writer first reads both systems. */
  async #applyRole() {
    if (this.#stopped || this.#writer.isWriter() === this.#leader) return;
    if (this.#leader) {
      this.#leader = false;
      this.#log("info", "presence-sync: this tab stopped writing; the writer tab writes");
      this.#dispatch("leader", this.#role());
      this.#input({ op: "leader", now: Date.now(), leader: false });
      return;
    }
    await this.#remoteWritesLanded();
    await this.#refresh();
    if (this.#stopped || !this.#writer.isWriter()) return;
    this.#leader = true;
    this.#log("info", "presence-sync: this tab is now the writer; reconciling both systems");
    this.#dispatch("leader", this.#role());
    this.#input({ op: "leader", now: Date.now(), leader: true });
  }

  /**
   * Waits (up to REMOTE_WAIT_MS) until the writes the previous writer tab had in flight show
   * in the platforms' events, so that the reconciliation neither repeats them nor undoes them.
   */
  async #remoteWritesLanded() {
    const deadline = Date.now() + REMOTE_WAIT_MS;
    for (;;) {
      this.#pruneRemoteWrites();
      if (!this.#remoteWrites.size || this.#stopped) break;
      if (Date.now() >= deadline) {
        this.#log("info", "presence-sync: the previous writer's last writes did not show up in time; reconciling anyway");
        break;
      }
      await new Promise((r) => setTimeout(r, 15));
    }
    this.#remoteWrites.clear();
  }

  /** Forgets the writer tab's writes whose change this tab has seen (or that are old). */
  #pruneRemoteWrites() {
    const now = Date.now();
    for (const [id, w] of this.#remoteWrites) {
      if (this.#landed(w) || now - w.at > 30000) this.#remoteWrites.delete(id);
    }
  }

  /**
   * Whether a platform already shows what a write sets.
   * @param {{destination: string, value: string}} w
   */
  #landed(w) {
    const k = this.#known;
    return w.destination === CONNECT ? k.connect === w.value : w.value === "Offline" ? k.salesforce === null : k.salesforce === w.value;
  }

  /**
   * Reads both systems and feeds the engine, as events, what differs from what it was
   * last told (a change this tab missed), so that the reconciliation sees the present.
   */
  async #refresh() {
    const r = this.#readers;
    if (!r) return;
    /** @type {any} */
    let timer;
    const status = await Promise.race([
      Promise.resolve()
        .then(() => r.salesforce())
        .then((s) => ({ ok: true, s }), (e) => ({ ok: false, e })),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, e: `no answer within ${REFRESH_WAIT_MS} ms` }), REFRESH_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (this.#stopped) return;
    let connect = null;
    try {
      connect = r.connect();
    } catch (e) {
      this.#log("warn", `presence-sync: could not read the Connect state: ${describe(e)}`);
    }
    if (connect && typeof connect.state === "string" && connect.state && connect.state !== this.#known.connect) {
      this.#platformEvent(connectEvent(this.#known.connect ?? "", connect));
    }
    const st = /** @type {any} */ (status);
    if (!st.ok) {
      this.#log("warn", `presence-sync: could not read the Omni-Channel status (${describe(st.e)}); reconciling with the last one known`);
      return;
    }
    const s = st.s;
    if (s === null || s === undefined) {
      if (this.#known.salesforce !== null) this.#platformEvent({ type: "Salesforce Agent Logout" });
    } else if (s && typeof s === "object" && typeof s.statusApiName === "string" && s.statusApiName !== this.#known.salesforce) {
      this.#platformEvent({ type: "Salesforce Agent State Change", statusId: s.statusId, statusApiName: s.statusApiName, statusName: s.statusName });
    }
  }

  /** The `leader` event's detail. */
  #role() {
    return { leader: this.#leader, mode: this.#writer.mode, tabId: this.#writer.tabId };
  }

  /**
   * Remembers the state an event reports (for #refresh).
   * @param {Record<string, unknown>} ev
   */
  #track(ev) {
    switch (ev.type) {
      case "Connect Agent State Change":
        if (typeof ev.newState === "string") this.#known.connect = ev.newState;
        break;
      case "Salesforce Agent State Change":
        if (typeof ev.statusApiName === "string") this.#known.salesforce = ev.statusApiName;
        break;
      case "Salesforce Agent Logout":
        this.#known.salesforce = null;
        break;
    }
    if (this.#remoteWrites.size) this.#pruneRemoteWrites();
  }

  /**
   * A message from another tab (writer.js onMessage, already validated by leadership.js):
   * the writer's decisions, actions and errors become `remote` events here.
   * @param {import("./leadership.js").LeadershipMessage} m
   * @internal
   */
  _message(m) {
    if (this.#stopped) return;
    if (m.type === "hello") {
      this.#log("debug", `presence-sync: tab ${m.from} says it is ${m.payload.leader ? "the writer" : "not the writer"}`);
      return;
    }
    if (!SHARED.has(m.type) || !remoteShapeOk(m.type, m.payload)) {
      this.#log("debug", "presence-sync: ignored a malformed message from another tab", m.type);
      return;
    }
    this.#log("debug", `presence-sync: the writer tab ${m.from} reports a ${m.type}`, m.payload);
    if (m.type === "action" && typeof m.payload.id === "number") {
      const k = m.from + ":" + m.payload.id;
      const w = { destination: m.payload.destination, value: String(m.payload.value), at: Date.now() };
      if (IN_FLIGHT.has(m.payload.status) && !this.#landed(w)) {
        this.#remoteWrites.set(k, w);
        if (this.#remoteWrites.size > 64) this.#remoteWrites.delete(/** @type {string} */ (this.#remoteWrites.keys().next().value));
      } else {
        this.#remoteWrites.delete(k);
      }
      // The engine tracks the writer's writes too (takeover: wait for them, make the ones nobody made).
      this.#input({ op: "remote", now: Date.now(), from: m.from, action: m.payload });
    }
    this.#dispatch("remote", { type: m.type, from: m.from, detail: m.payload });
  }

  /**
   * Dispatches the events held during start, in the next task.
   * @internal
   */
  _release() {
    setTimeout(() => {
      const held = this.#held ?? [];
      this.#held = null;
      if (this.#stopped) return;
      for (const h of held) this.#dispatchNow(h.type, h.detail);
    }, 0);
  }

  /**
   * Emit callback for outputs produced by the engine's own timer.
   * @param {string} json
   * @internal
   */
  _emit(json) {
    if (this.#stopped) return;
    this.#output(json);
  }

  /** @param {Record<string, unknown>} ev */
  #platformEvent(ev) {
    this.#platformInput({ op: "event", event: ev });
  }

  /**
   * A platform's input for the engine: `{op: "event", event}`, or `{op: "connect", connect}`
   * (what changed in Connect without a state change); held until the engine started.
   * @param {Record<string, unknown>} input
   */
  #platformInput(input) {
    if (this.#stopped) return;
    if (this.#early) {
      this.#early.push(input);
      return;
    }
    this.#feed(input);
  }

  /** @param {Record<string, unknown>} input */
  #feed(input) {
    if (input.op === "event") {
      const ev = /** @type {Record<string, unknown>} */ (input.event);
      this.#track(ev);
      this.#input({ op: "event", now: Date.now(), trace: this.#wantsTrace(), event: ev });
    } else {
      this.#input({ ...input, now: Date.now(), trace: this.#wantsTrace() });
    }
  }

  /**
   * Sends one input to the engine and handles its output.
   * @param {Record<string, unknown>} input
   */
  #input(input) {
    if (this.#stopped) return;
    let json;
    try {
      json = JSON.stringify(input);
    } catch (e) {
      this.#shimError("invalid-event", e);
      return;
    }
    let out;
    try {
      out = this.#engine.handle(json);
    } catch (e) {
      this.#shimError("internal", e);
      return;
    }
    this.#output(out);
  }

  /** @param {string} json */
  #output(json) {
    /** @type {EngineOutput} */
    let out;
    try {
      out = JSON.parse(json);
    } catch (e) {
      this.#shimError("internal", e);
      return;
    }
    // Commands first: each starts its platform call in a microtask queued here, and this
    // output's events are dispatched in a microtask queued after it, so that listeners
    // (and sharing with other tabs) do not delay the write. Every output's events go
    // through the one queue, so they keep their order.
    for (const c of out.commands ?? []) this.#execute(c);
    this.#outputs.push(out);
    if (this.#outputs.length === 1) queueMicrotask(() => this.#dispatchOutputs());
  }

  /** Dispatches the events of the outputs queued by #output, in order. */
  #dispatchOutputs() {
    const outs = this.#outputs;
    this.#outputs = [];
    for (const out of outs) {
      for (const d of out.decisions ?? []) {
        this.#log("debug", "presence-sync decision", d);
        this.#dispatch("decision", d);
      }
      for (const a of out.actions ?? []) {
        this.#log("info", `presence-sync action: ${a.destination} = ${a.value} (${a.rule}): ${a.status}`, a);
        this.#dispatch("action", a);
      }
      for (const e of out.errors ?? []) {
        this.#log("error", `presence-sync ${e.code}: ${e.message}`, e);
        this.#dispatch("error", e);
      }
    }
  }

  /**
   * Executes a command on its platform and reports the outcome to the engine.
   * @param {NonNullable<EngineOutput["commands"]>[number]} cmd
   */
  #execute(cmd) {
    queueMicrotask(async () => {
      if (this.#stopped) return;
      /** @type {import("./connect.js").CommandResult} */
      let r;
      try {
        if (cmd.read) {
          // A read command: the engine asks for that platform's current state (wasm/BRIDGE.md).
          r = { ok: true, state: cmd.destination === CONNECT ? this.#connect.read() : await this.#salesforce.read() };
        } else {
          r = cmd.destination === CONNECT ? await this.#connect.execute(cmd) : await this.#salesforce.execute(cmd);
        }
      } catch (e) {
        r = { ok: false, error: { type: "Error", message: describe(e) } };
      }
      if (this.#stopped) return;
      /** @type {Record<string, unknown>} */
      const input = { op: "result", now: Date.now(), id: cmd.id, ok: r.ok };
      if (!r.ok) input.error = r.error;
      else if ("state" in r) input.state = r.state;
      this.#input(input);
    });
  }

  /**
   * @param {string} code
   * @param {unknown} e
   */
  #shimError(code, e) {
    const detail = { code, message: describe(e) };
    this.#log("error", `presence-sync ${code}: ${detail.message}`);
    this.#dispatch("error", detail);
  }

  /**
   * @param {string} type
   * @param {any} detail
   */
  #dispatch(type, detail) {
    if (this.#stopped) return;
    // Only the writer shares what it decided and did, so that every tab's log shows it.
    if (this.#leader && this.#started && SHARED.has(type)) this.#writer.broadcast(/** @type {any} */ (type), detail);
    if (this.#held) {
      this.#held.push({ type, detail });
      return;
    }
    this.#dispatchNow(type, detail);
  }

  /**
   * @param {string} type
   * @param {any} detail
   */
  #dispatchNow(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
    if (type === "decision" && this.#onceListeners.length) {
      for (const [l, capture] of this.#onceListeners.splice(0)) {
        const set = this.#decisionListeners.get(l);
        set?.delete(capture);
        if (set && !set.size) this.#decisionListeners.delete(l);
      }
    }
  }

  /**
   * @param {LogLevel} level
   * @param {string} msg
   * @param {unknown} [detail]
   */
  #log(level, msg, detail) {
    if (LEVELS[level] > this.#level) return;
    const c = /** @type {any} */ (globalThis).console;
    if (!c) return;
    const f = level === "debug" ? c.debug : level === "info" ? c.info : level === "warn" ? c.warn : c.error;
    if (detail === undefined) f.call(c, msg);
    else f.call(c, msg, detail);
  }
}

/**
 * The shape a writer tab's shared decision, action or error must have (on top of
 * leadership.js's checks: a JSON-shaped plain object without prototype keys).
 * @param {string} type
 * @param {Record<string, any>} p
 */
function remoteShapeOk(type, p) {
  const str = (/** @type {unknown} */ v) => typeof v === "string" && v.length <= 10000;
  switch (type) {
    case "decision":
      return !!p.event && typeof p.event === "object" && !Array.isArray(p.event) && str(p.event.type) &&
        (p.rules === undefined || Array.isArray(p.rules)) && (p.actions === undefined || Array.isArray(p.actions));
    case "action":
      return str(p.destination) && str(p.status) && (p.value === undefined || str(p.value));
    case "error":
      return str(p.code) && str(p.message);
  }
  return false;
}

/**
 * A platform side whose writes are refused when this tab is not the writer: a last
 * guard, the engine itself never asks a follower to write.
 * @template {{execute(cmd: any): Promise<import("./connect.js").CommandResult>}} T
 * @param {T} side
 * @param {import("./writer.js").Writer} writer
 * @returns {T}
 */
function writerOnly(side, writer) {
  return {
    ...side,
    execute(/** @type {any} */ cmd) {
      if (!writer.isWriter()) {
        return Promise.resolve({
          ok: false,
          error: { type: "NotWriter", message: "this tab stopped being the writer before the write was sent; the writer tab applies the rules" },
        });
      }
      return side.execute(cmd);
    },
  };
}

/**
 * Checks start's parameters; returns the problems.
 * @param {any} p
 * @returns {string[]}
 */
function paramProblems(p) {
  if (!p || typeof p !== "object") return ["start needs an object {rules, connect, salesforce, options}"];
  const problems = [];
  if (p.rules === undefined || p.rules === null) problems.push("rules is required (the rules document, as an object or JSON text)");
  else if (typeof p.rules !== "object" && typeof p.rules !== "string") problems.push("rules must be an object or JSON text");
  if (!isStreams(p.connect)) problems.push("connect must be the Amazon Connect Streams global (window.connect)");
  problems.push(...adapterProblems(p.salesforce));
  if (p.options !== undefined && (p.options === null || typeof p.options !== "object" || Array.isArray(p.options))) {
    problems.push("options must be an object");
  }
  return problems;
}

/**
 * Builds the engine configuration (BRIDGE.md): the rules as given and the engine's options.
 * @param {StartParams} p
 * @returns {string}
 */
function engineConfig(p) {
  /** @type {Record<string, unknown>} */
  const options = {};
  for (const [k, v] of Object.entries(p.options ?? {})) {
    if (!SHIM_OPTIONS.has(k)) options[k] = v;
  }
  return JSON.stringify({ rules: p.rules, options });
}

/**
 * Starts presence sync. Resolves when the module is instantiated, the rules compiled,
 * both platforms subscribed and their current states read. Rejects with an Error whose
 * `code` says why (see errors.js), having written nothing and left no listener.
 * @param {StartParams} params
 * @returns {Promise<PresenceSync>}
 */
export async function start(params) {
  const problems = paramProblems(params);
  if (problems.length) {
    throw psError("invalid-options", "PresenceSync.start: " + problems.join("; "), { problems });
  }
  const opts = params.options ?? {};
  let config;
  try {
    config = engineConfig(params);
  } catch (e) {
    throw psError("invalid-rules", `The rules cannot be serialised: ${describe(e)}`);
  }

  const mod = await loadEngine({ wasmUrl: params.wasmUrl, wasmExecUrl: params.wasmExecUrl });

  /** @type {PresenceSync | null} */
  let sync = null;
  const created = mod.create(config, (json) => sync?._emit(json));
  if (!created.ok) {
    const f = /** @type {import("./loader.js").EngineFailure} */ (created);
    const err = f.error || { code: "internal", message: "the engine could not be created" };
    throw psError(err.code || "invalid-rules", err.message, { problems: err.problems ?? [] });
  }
  const engine = /** @type {import("./loader.js").EngineInstance} */ (created);

  const token = { cancelled: false, /** @type {undefined | (() => void)} */ cancel: undefined };
  let agent;
  try {
    agent = await waitForAgent(params.connect, Number(opts.startTimeoutMs ?? 30000), token);
  } catch (e) {
    engine.stop();
    throw e;
  }

  const level = LEVELS[opts.logLevel ?? "warn"] ?? LEVELS.warn;
  // late-start.js: leadership begins when the engine starts (at once, unless the Salesforce side is late).
  const writer = deferredWriter(() => singleWriter({
    leadership: opts.leadership !== false,
    key: agentKey(agent),
    onChange: () => sync?._roleChanged(),
    onMessage: (m) => sync?._message(m),
    log: (lvl, msg, detail) => {
      if ((LEVELS[lvl] ?? LEVELS.debug) > level) return;
      const c = /** @type {any} */ (globalThis).console;
      c?.[lvl === "error" ? "error" : lvl === "warn" ? "warn" : lvl === "info" ? "info" : "debug"]?.(msg, detail);
    },
  }));
  const connect = connectSide(agent, params.connect);
  const sfSide = salesforceSide(params.salesforce);
  sync = new PresenceSync(engine, writerOnly(connect, writer), writerOnly(sfSide, writer), writer, opts.logLevel ?? "warn");
  sync._setReaders(() => connect.peek(), () => params.salesforce.getStatus());
  try {
    sync._subscribe();
    const cs = connect.read();
    const reading = salesforceSide(params.salesforce).read().then((sf) => ({ sf }), (error) => ({ error }));
    const first = await Promise.race([reading, sync._salesforceWaiting()]);
    if (first !== WAITING) {
      if ("error" in first) throw readFailure(first.error);
      await writer.begin();
      if (sync.stopped) throw psError("stopped", "PresenceSync was stopped while starting.");
      sync._start(cs, first.sf);
    } else {
      // Late Salesforce side (late-start.js): start resolves now; the engine starts when it is read.
      const late = /** @type {PresenceSync} */ (sync);
      reading.then(async (r) => {
        if (late.stopped) return;
        if ("error" in r) {
          late._startFailed(readFailure(r.error));
          return;
        }
        await writer.begin();
        if (!late.stopped) late._start(cs, r.sf);
      });
    }
  } catch (e) {
    await sync.stop();
    throw e;
  }
  sync._release();
  return sync;
}

/**
 * The start-failed error for a Salesforce side that could not be read.
 * @param {unknown} e
 */
function readFailure(e) {
  return psError("start-failed", `Could not read the Omni-Channel status: ${describe(e)}`, { cause: e });
}
