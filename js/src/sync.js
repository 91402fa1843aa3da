// @ts-check
/**
 * The running sync: the pump between the platforms and the engine (wasm/BRIDGE.md). It
 * decides nothing and keeps no copy of platform state: a platform event becomes an engine
 * input; each engine output's commands are executed on the platforms (a read answered with
 * what the platform reports now), each outcome goes back as a `result` input; the output's
 * decisions, actions and errors are dispatched as DOM events. Time, timeouts, retries,
 * takeover and every other policy are the engine's.
 *
 * Events: `decision`, `action`, `error` (`detail` as the engine gave it; the writer tab's
 * own, received by another tab, with `detail.remote: true` and `detail.from`), `leader`
 * (this tab's role: `{leader, mode, tabId}`, once it is known and on every change) and
 * `remote` (a decision, action or error of the writer tab, received by this tab:
 * `{type, from, detail}`). Events produced while `start` runs are dispatched in the task
 * after `start` resolves, so listeners added right after `await start(...)` receive them.
 *
 * Tab leadership (writer.js): every tab runs the engine and dispatches its own decisions;
 * only the writer tab executes writes (the engine is told with `{op: "leader"}`; a
 * follower's actions come out `skipped`) and shares its decisions, actions and errors with
 * the other tabs; a follower passes the writer's actions to its engine (`{op: "remote"}`),
 * which takes over when this tab becomes the writer.
 */

import { describe, platformError, LEVELS, consoleLog } from "./errors.js";
import { toEngineInput } from "./salesforce.js";

/**
 * @typedef {import("./types.js").Engine} Engine
 * @typedef {import("./types.js").EngineInput} EngineInput
 * @typedef {import("./types.js").EngineOutput} EngineOutput
 * @typedef {import("./types.js").Command} Command
 * @typedef {import("./types.js").Outcome} Outcome
 * @typedef {import("./types.js").LogLevel} LogLevel
 * @typedef {import("./types.js").SalesforceState} SalesforceState
 * @typedef {import("./writer.js").Writer} Writer
 * @typedef {ReturnType<typeof import("./connect.js").connectSide>} ConnectSide
 * @typedef {ReturnType<typeof import("./salesforce.js").salesforceSide>} SalesforceSide
 * @typedef {EventTarget & {readonly stopped: boolean, readonly leader: boolean, readonly tabId: string | null, stop(): Promise<void>}} PresenceSync
 * @typedef {{
 *   subscribe(): void,
 *   begin(connect: Record<string, unknown>, salesforce: SalesforceState | undefined): void,
 *   salesforceRead(salesforce: SalesforceState): void,
 *   startFailed(error: Error & {code?: string}): void,
 *   roleChanged(): void,
 *   message(m: import("./leadership-channel.js").LeadershipMessage): void,
 *   output(out: EngineOutput): void,
 *   release(): void,
 *   salesforceWaiting: Promise<typeof WAITING>,
 * }} Control how start.js drives the sync it builds (not part of the public object)
 */

/** What `salesforceWaiting` resolves to: the adapter said its platform has not answered yet. */
export const WAITING = Symbol("salesforce side waiting");

const CONNECT = "Connect Agent State";
/** Engine outputs the writer tab shares with the other tabs. */
const SHARED = new Set(["decision", "action", "error"]);

/**
 * Builds a sync over a created engine and both platform sides.
 * @param {{engine: Engine, connect: ConnectSide, salesforce: SalesforceSide, writer: Writer, logLevel?: LogLevel}} deps
 * @returns {{sync: PresenceSync, control: Control}}
 */
export function createSync(deps) {
  const { engine, connect, salesforce, writer } = deps;
  const level = LEVELS[deps.logLevel ?? "warn"] ?? LEVELS.warn;
  const log = consoleLog(deps.logLevel);
  const target = new EventTarget();
  const addListener = EventTarget.prototype.addEventListener;
  const removeListener = EventTarget.prototype.removeEventListener;

  let stopped = false;
  /** @type {Promise<void> | null} */
  let stopping = null;
  /** @type {(() => void)[]} */
  const unsubscribers = [];
  /** @type {{type: string, detail: unknown}[] | null} events held until start resolves */
  let held = [];
  /** @type {EngineInput[] | null} platform inputs that came before the engine's start */
  let early = [];
  /** the engine has had its start input */
  let started = false;
  /** what the engine was last told of this tab's role */
  let leader = false;
  /** @type {boolean | null} the role last dispatched as a `leader` event */
  let announced = null;
  /** @type {EngineOutput[]} engine outputs whose events are not dispatched yet */
  let outputs = [];
  /** @type {Map<unknown, Set<boolean>>} the `decision` listeners (and their capture flags) */
  const decisionListeners = new Map();
  /** @type {[unknown, boolean][]} those added with `once`: gone after the next decision */
  let onceListeners = [];
  /** @type {() => void} */
  let noteWaiting = () => {};
  /** @type {Promise<typeof WAITING>} */
  const salesforceWaiting = new Promise((resolve) => {
    noteWaiting = () => resolve(WAITING);
  });

  /**
   * Whether decisions need their per-rule trace: while start's events are held (their
   * listeners are added when start resolves), with a `decision` listener, or with
   * `logLevel: "debug"` (decisions are logged).
   */
  const wantsTrace = () => held !== null || decisionListeners.size > 0 || level >= LEVELS.debug;

  /**
   * One input to the engine; its output handled.
   * @param {EngineInput} input
   */
  function input(input) {
    if (stopped) return;
    output(engine.input({ ...input, trace: wantsTrace() }));
  }

  /**
   * Commands first: each starts its platform call in a microtask queued here, and this
   * output's events are dispatched in a microtask queued after it, so that listeners (and
   * sharing with other tabs) do not delay the write. Every output's events go through the
   * one queue, so they keep their order.
   * @param {EngineOutput} out
   */
  function output(out) {
    if (stopped) return;
    for (const c of out.commands ?? []) execute(c);
    outputs.push(out);
    if (outputs.length === 1) queueMicrotask(dispatchOutputs);
  }

  function dispatchOutputs() {
    const outs = outputs;
    outputs = [];
    for (const out of outs) {
      for (const d of out.decisions ?? []) {
        log("debug", "presence-sync decision", d);
        dispatch("decision", d);
      }
      for (const a of out.actions ?? []) {
        log("info", `presence-sync action: ${a.destination} = ${a.value} (${a.rule}): ${a.status}`, a);
        dispatch("action", a);
      }
      for (const e of out.errors ?? []) {
        log("error", `presence-sync ${e.code}: ${e.message}`, e);
        dispatch("error", e);
      }
    }
  }

  /**
   * Executes a command on its platform and reports the outcome to the engine: a write's,
   * or a read's (what the platform reports now, in `start`'s shape).
   * @param {Command} cmd
   */
  function execute(cmd) {
    queueMicrotask(async () => {
      if (stopped) return;
      /** @type {Outcome} */
      let r;
      try {
        if (cmd.read) r = { ok: true, state: cmd.destination === CONNECT ? connect.read() : await salesforce.read() };
        else if (!writer.isWriter()) r = notWriter();
        else r = cmd.destination === CONNECT ? await connect.execute(cmd) : await salesforce.execute(cmd);
      } catch (e) {
        r = { ok: false, error: platformError(e) };
      }
      if (stopped) return;
      input(r.ok ? { op: "result", id: cmd.id, ok: true, ...("state" in r ? { state: r.state } : {}) } : { op: "result", id: cmd.id, ok: false, error: r.error });
    });
  }

  /**
   * @param {string} type
   * @param {any} detail
   */
  function dispatch(type, detail) {
    if (stopped) return;
    // Only the writer shares what it decided and did, so that every tab's log shows it; of
    // its errors, those the engine marks `share` (the other tabs find the rest themselves).
    if (leader && started && SHARED.has(type) && (type !== "error" || detail.share === true)) {
      writer.broadcast(/** @type {any} */ (type), detail);
    }
    if (held) held.push({ type, detail });
    else dispatchNow(type, detail);
  }

  /**
   * @param {string} type
   * @param {unknown} detail
   */
  function dispatchNow(type, detail) {
    target.dispatchEvent(new CustomEvent(type, { detail }));
    if (type === "decision" && onceListeners.length) {
      for (const [l, capture] of onceListeners.splice(0)) {
        const set = decisionListeners.get(l);
        set?.delete(capture);
        if (set && !set.size) decisionListeners.delete(l);
      }
    }
  }

  /**
   * A platform's input: held until the engine started.
   * @param {EngineInput} i
   */
  function platformInput(i) {
    if (stopped) return;
    if (early) early.push(i);
    else input(i);
  }

  /** @param {string} code @param {unknown} e */
  function shimError(code, e) {
    const detail = { code, message: describe(e) };
    log("error", `presence-sync ${code}: ${detail.message}`);
    dispatch("error", detail);
  }

  const role = () => ({ leader, mode: writer.mode, tabId: writer.tabId });

  /** @type {Control} */
  const control = {
    salesforceWaiting,

    subscribe() {
      unsubscribers.push(connect.subscribe((i) => platformInput(i), (e) => shimError("invalid-event", e)));
      unsubscribers.push(salesforce.subscribe((ev) => {
        if (stopped) return;
        let mapped;
        try {
          mapped = toEngineInput(ev);
        } catch (e) {
          shimError("invalid-event", e);
          return;
        }
        if (!mapped) return;
        if ("error" in mapped) {
          if (mapped.error.waiting === true) noteWaiting();
          dispatch("error", mapped.error);
        } else {
          platformInput(mapped.input);
        }
      }));
    },

    begin(connectState, salesforceState) {
      if (stopped) return;
      leader = writer.known && writer.isWriter();
      input({ op: "leader", leader });
      input({ op: "start", connect: connectState, ...(salesforceState ? { salesforce: salesforceState } : {}) });
      started = true;
      const inputs = early ?? [];
      early = null;
      for (const i of inputs) input(i);
      control.roleChanged();
    },

    salesforceRead(salesforceState) {
      input({ op: "salesforce", salesforce: salesforceState });
    },

    startFailed(e) {
      if (stopped) return;
      dispatch("error", { code: e.code ?? "start-failed", message: e.message, source: "salesforce" });
      sync.stop();
    },

    roleChanged() {
      if (stopped || !started || !writer.known) return;
      const w = writer.isWriter();
      if (w !== leader) {
        leader = w;
        log("info", w ? "presence-sync: this tab is now the writer" : "presence-sync: this tab stopped writing; the writer tab writes");
        input({ op: "leader", leader });
      }
      if (announced !== leader) {
        announced = leader;
        dispatch("leader", role());
      }
    },

    message(m) {
      if (stopped) return;
      if (m.type === "hello") {
        log("debug", `presence-sync: tab ${m.from} says it is ${m.payload.leader ? "the writer" : "not the writer"}`);
        return;
      }
      if (!SHARED.has(m.type) || !remoteShapeOk(m.type, m.payload)) {
        log("debug", "presence-sync: ignored a malformed message from another tab", m.type);
        return;
      }
      log("debug", `presence-sync: the writer tab ${m.from} reports a ${m.type}`, m.payload);
      // The engine follows the writer's writes (its takeover picks up what they leave undone).
      if (m.type === "action") input({ op: "remote", from: m.from, action: m.payload });
      const detail = { ...m.payload, remote: true, from: m.from };
      if (held) held.push({ type: m.type, detail });
      else dispatchNow(m.type, detail);
      dispatch("remote", { type: m.type, from: m.from, detail: m.payload });
    },

    output,

    release() {
      setTimeout(() => {
        const h = held ?? [];
        held = null;
        if (stopped) return;
        for (const x of h) dispatchNow(x.type, x.detail);
      }, 0);
    },
  };

  /**
   * EventTarget's, keeping count of `decision` listeners: the engine renders a decision's
   * per-rule trace (its `rules`) only when something will read it.
   * @param {string} type
   * @param {EventListenerOrEventListenerObject | null} listener
   * @param {boolean | AddEventListenerOptions} [options]
   */
  function addEventListener(type, listener, options) {
    addListener.call(target, type, listener, options);
    if (type !== "decision" || !listener) return;
    const capture = typeof options === "boolean" ? options : !!options?.capture;
    const set = decisionListeners.get(listener) ?? new Set();
    if (set.has(capture)) return; // already registered: EventTarget ignores it too
    set.add(capture);
    decisionListeners.set(listener, set);
    if (typeof options === "object" && options?.once) onceListeners.push([listener, capture]);
  }

  /**
   * @param {string} type
   * @param {EventListenerOrEventListenerObject | null} listener
   * @param {boolean | EventListenerOptions} [options]
   */
  function removeEventListener(type, listener, options) {
    removeListener.call(target, type, listener, options);
    if (type !== "decision" || !listener) return;
    const capture = typeof options === "boolean" ? options : !!options?.capture;
    const set = decisionListeners.get(listener);
    set?.delete(capture);
    if (set && !set.size) decisionListeners.delete(listener);
    onceListeners = onceListeners.filter(([l, c]) => l !== listener || c !== capture);
  }

  /**
   * Stops the sync: unsubscribes from Streams and the Salesforce adapter, gives up tab
   * leadership (another tab takes over), stops the engine (its timer and page listeners)
   * and releases every js.Func. Idempotent.
   * @returns {Promise<void>}
   */
  function stop() {
    if (stopping) return stopping;
    stopped = true;
    const problems = [];
    for (const u of unsubscribers.splice(0)) {
      try {
        u();
      } catch (e) {
        problems.push(describe(e));
      }
    }
    early = null;
    held = null;
    stopping = (async () => {
      try {
        await writer.stop();
      } catch (e) {
        problems.push(describe(e));
      }
      try {
        engine.stop();
      } catch (e) {
        problems.push(describe(e));
      }
      if (problems.length) log("warn", "presence-sync: problems while stopping: " + problems.join("; "));
    })();
    return stopping;
  }

  const sync = /** @type {PresenceSync} */ (Object.freeze(Object.defineProperties(target, {
    addEventListener: { value: addEventListener },
    removeEventListener: { value: removeEventListener },
    stop: { value: stop },
    /** True once stop() was called. */
    stopped: { get: () => stopped, enumerable: true },
    /** True while this tab is the writer (always, with `leadership: false`). */
    leader: { get: () => !stopped && leader, enumerable: true },
    /** This tab's id among the tabs of the agent (null with `leadership: false`). */
    tabId: { get: () => writer.tabId, enumerable: true },
    [Symbol.toStringTag]: { value: "PresenceSync" },
  })));
  return { sync, control };
}

/** @returns {Outcome} */
function notWriter() {
  // The election's last word: the engine never asks a follower to write, but the role can
  // change between the command and its call (a lease taken while this tab's timers slept).
  return { ok: false, error: { type: "NotWriter", message: "this tab stopped being the writer before the write was sent; the writer tab applies the rules" } };
}

/**
 * The shape a writer tab's shared decision, action or error must have (on top of
 * leadership-channel.js's checks: a JSON-shaped plain object without prototype keys).
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

