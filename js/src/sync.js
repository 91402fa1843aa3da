// @ts-check
/**
 * `PresenceSync.start(...)` and the running sync: the shim between the platforms and the
 * engine (wasm/BRIDGE.md). It translates platform events into engine inputs, dispatches
 * the engine's decisions, actions and errors as DOM events, executes its commands on the
 * platforms and reports each outcome back. All policy lives in the engine.
 */

import { psError, describe } from "./errors.js";
import { loadEngine } from "./loader.js";
import { isStreams, waitForAgent, connectSide } from "./connect.js";
import { adapterProblems, toEngineEvent, salesforceSide } from "./salesforce.js";
import { singleWriter } from "./writer.js";

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
 *   commands?: {id: number, destination: string, value: string, statusId?: string, logout?: boolean, enqueueNextState?: boolean}[],
 * }} EngineOutput
 */

/** Options the shim itself reads; the others are the engine's. */
const SHIM_OPTIONS = new Set(["leadership", "logLevel", "startTimeoutMs"]);
const LEVELS = { error: 0, warn: 1, info: 2, debug: 3 };
const CONNECT = "Connect Agent State";

/**
 * A running presence sync. Events: `decision`, `action`, `error` (`detail` as the engine
 * gave it). Events produced while `start` runs are dispatched in the task after `start`
 * resolves, so listeners added right after `await start(...)` receive them.
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
  /** @type {any[] | null} platform events that arrived before the engine's start */
  #early = [];
  #stopped = false;
  #level = LEVELS.warn;
  /** @type {ReturnType<typeof singleWriter>} */
  #writer;
  /** @type {Promise<void> | null} */
  #stopping = null;

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
  }

  /** True once stop() was called. */
  get stopped() {
    return this.#stopped;
  }

  /**
   * Stops the sync: unsubscribes from Streams and the Salesforce adapter, stops the
   * engine (its timer and window listeners) and releases every js.Func. Idempotent.
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
    try {
      this.#engine.stop();
    } catch (e) {
      problems.push(describe(e));
    }
    this.#early = null;
    this.#held = null;
    if (problems.length) this.#log("warn", "presence-sync: problems while stopping: " + problems.join("; "));
    this.#stopping = Promise.resolve();
    return this.#stopping;
  }

  /**
   * Subscribes to both platforms; events that arrive before the engine started are held.
   * @internal
   */
  _subscribe() {
    this.#unsubscribers.push(this.#connect.subscribe((ev) => this.#platformEvent(ev), (e) => this.#shimError("invalid-event", e)));
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
      if ("error" in mapped) {
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
   * @param {{state: string, states: any[]}} connect
   * @param {{status: any, statuses: any[], serviceChannels?: any[]}} salesforce
   * @internal
   */
  _start(connect, salesforce) {
    this.#input({ op: "start", now: Date.now(), connect, salesforce });
    if (!this.#writer.isWriter()) this.#input({ op: "leader", now: Date.now(), leader: false });
    const early = this.#early ?? [];
    this.#early = null;
    for (const ev of early) this.#input({ op: "event", now: Date.now(), event: ev });
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
    if (this.#stopped) return;
    if (this.#early) {
      this.#early.push(ev);
      return;
    }
    this.#input({ op: "event", now: Date.now(), event: ev });
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
    for (const c of out.commands ?? []) this.#execute(c);
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
        r = cmd.destination === CONNECT ? await this.#connect.execute(cmd) : await this.#salesforce.execute(cmd);
      } catch (e) {
        r = { ok: false, error: { type: "Error", message: describe(e) } };
      }
      if (this.#stopped) return;
      /** @type {Record<string, unknown>} */
      const input = { op: "result", now: Date.now(), id: cmd.id, ok: r.ok };
      if (!r.ok) input.error = r.error;
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

  const writer = singleWriter({ leadership: opts.leadership !== false });
  sync = new PresenceSync(engine, connectSide(agent), salesforceSide(params.salesforce), writer, opts.logLevel ?? "warn");
  try {
    sync._subscribe();
    sync._onStop(() => writer.stop());
    const cs = connectSide(agent).read();
    let sf;
    try {
      sf = await salesforceSide(params.salesforce).read();
    } catch (e) {
      throw psError("start-failed", `Could not read the Omni-Channel status: ${describe(e)}`, { cause: e });
    }
    await writer.ready;
    if (sync.stopped) throw psError("stopped", "PresenceSync was stopped while starting.");
    sync._start(cs, sf);
  } catch (e) {
    await sync.stop();
    throw e;
  }
  sync._release();
  return sync;
}
