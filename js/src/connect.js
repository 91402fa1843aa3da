// @ts-check
/**
 * The Amazon Connect side, on the real Streams API (`connect` global):
 * `connect.agent(cb)`, `agent.onStateChange`, `agent.getState()`, `agent.getAgentStates()`,
 * `agent.setState(state, {success, failure}, {enqueueNextState})`.
 *
 * Streams' `onStateChange` reports `{agent, oldState, newState}` (state names); it becomes
 * the engine event `{type: "Connect Agent State Change", oldState, newState}`. A write
 * `setState`s the state object Streams lists under that name in `getAgentStates()`; its
 * outcome is reported with `failure`'s error (a JSON string from the CCP such as
 * `{"type":"InvalidStateException","message":"..."}`) parsed into `{type, message}`.
 */

import { psError, describe } from "./errors.js";

/**
 * @typedef {{name: string, type: string, agentStateARN?: string | null}} AgentState
 * @typedef {{unsubscribe(): void}} Subscription
 * @typedef {{
 *   getState(): AgentState,
 *   getAgentStates(): AgentState[],
 *   onStateChange(f: (e: {oldState: string, newState: string}) => void): Subscription,
 *   setState(state: AgentState, callbacks: {success?: (data?: any) => void, failure?: (err: any, data?: any) => void}, options?: {enqueueNextState?: boolean}): void,
 * }} StreamsAgent
 * @typedef {{agent(f: (agent: StreamsAgent) => void): Subscription | undefined, core?: {getEventBus?(): any}, AgentAvailStates?: {INIT?: string}}} StreamsGlobal
 * @typedef {{type: string, message: string}} PlatformError
 * @typedef {{ok: true} | {ok: false, error: PlatformError}} CommandResult
 */

/** Streams reports the first state of a session as a change from this pseudo-state. */
const INIT_STATE = "Init";

/**
 * True when the value looks like the Streams global.
 * @param {unknown} c
 * @returns {c is StreamsGlobal}
 */
export function isStreams(c) {
  return !!c && typeof c === "object" && typeof (/** @type {any} */ (c).agent) === "function";
}

/**
 * Waits for Streams to report the agent: at once when it already has, else when the CCP
 * sends the agent's data. Before `connect.core.initCCP` Streams has no event bus yet; this
 * waits for it too.
 * @param {StreamsGlobal} connect
 * @param {number} timeoutMs
 * @param {{cancelled: boolean, cancel?: () => void}} token set `cancel` to abort
 * @returns {Promise<StreamsAgent>}
 */
export function waitForAgent(connect, timeoutMs, token) {
  return new Promise((resolve, reject) => {
    /** @type {Subscription | undefined} */
    let sub;
    /** @type {any} */
    let poll = null;
    let done = false;
    const finish = () => {
      done = true;
      clearTimeout(timer);
      if (poll) clearTimeout(poll);
      const s = sub;
      sub = undefined;
      // connect.agent may call back before it returns its subscription.
      if (s) queueMicrotask(() => s.unsubscribe());
    };
    const timer = setTimeout(() => {
      if (done) return;
      finish();
      reject(psError("timeout", `Amazon Connect Streams did not report the agent within ${timeoutMs} ms: ` +
        "call connect.core.initCCP (or load the CCP) before PresenceSync.start, and check that the agent is logged in."));
    }, timeoutMs);
    token.cancel = () => {
      if (done) return;
      finish();
      reject(psError("stopped", "PresenceSync was stopped while waiting for Amazon Connect."));
    };
    const hasBus = () => {
      const core = connect.core;
      return !core || typeof core.getEventBus !== "function" || !!core.getEventBus();
    };
    const subscribe = () => {
      if (done) return;
      if (!hasBus()) {
        poll = setTimeout(subscribe, 50);
        return;
      }
      try {
        let got = false;
        const s = connect.agent((agent) => {
          if (done || got) return;
          got = true;
          finish();
          resolve(agent);
        });
        if (done) {
          if (s) s.unsubscribe();
        } else {
          sub = s;
        }
      } catch (e) {
        finish();
        reject(psError("start-failed", `connect.agent failed: ${describe(e)}`, { cause: e }));
      }
    };
    subscribe();
  });
}

/**
 * Reads a Streams failure into {type, message}. The CCP sends a JSON string; other
 * callers may pass an object or an Error.
 * @param {unknown} err
 * @returns {PlatformError}
 */
export function parseConnectError(err) {
  if (typeof err === "string") {
    try {
      const o = JSON.parse(err);
      if (o && typeof o === "object") return fromObject(o, err);
    } catch {
      // not JSON: the string is the message
    }
    return { type: "Error", message: err };
  }
  if (err && typeof err === "object") return fromObject(/** @type {any} */ (err), "");
  return { type: "Error", message: err === undefined ? "unknown error" : String(err) };
}

/**
 * @param {any} o
 * @param {string} raw
 * @returns {PlatformError}
 */
function fromObject(o, raw) {
  const type = [o.type, o.errorType, o.errorCode, o.code, o.name].find((x) => typeof x === "string" && x) || "Error";
  const message = typeof o.message === "string" ? o.message : raw || describe(o);
  return { type, message };
}

/**
 * The Connect side of one sync instance.
 * @param {StreamsAgent} agent
 */
export function connectSide(agent) {
  return {
    /** @returns {{state: string, states: AgentState[]}} */
    read() {
      const st = agent.getState();
      const states = (agent.getAgentStates() || []).map((s) => ({ name: s.name, type: s.type, agentStateARN: s.agentStateARN ?? null }));
      return { state: st && st.name, states };
    },

    /**
     * Subscribes to state changes.
     * @param {(event: {type: string, oldState: string, newState: string}) => void} onEvent
     * @param {(e: unknown) => void} onError
     * @returns {() => void} unsubscribe
     */
    subscribe(onEvent, onError) {
      const sub = agent.onStateChange((e) => {
        // Streams' event bus swallows exceptions: report them instead.
        try {
          if (!e || e.oldState === INIT_STATE) return;
          onEvent({ type: "Connect Agent State Change", oldState: e.oldState, newState: e.newState });
        } catch (err) {
          onError(err);
        }
      });
      return () => sub.unsubscribe();
    },

    /**
     * Sets the agent state named `value`.
     * @param {{value: string, enqueueNextState?: boolean}} cmd
     * @returns {Promise<CommandResult>}
     */
    execute(cmd) {
      return new Promise((resolve) => {
        /** @type {AgentState | undefined} */
        let state;
        try {
          state = (agent.getAgentStates() || []).find((s) => s.name === cmd.value);
        } catch (e) {
          resolve({ ok: false, error: { type: "Error", message: `could not read the agent states: ${describe(e)}` } });
          return;
        }
        if (!state) {
          resolve({ ok: false, error: { type: "unknown-state", message: `"${cmd.value}" is not an agent state this agent can set in Amazon Connect` } });
          return;
        }
        let settled = false;
        /** @param {CommandResult} r */
        const settle = (r) => {
          if (settled) return;
          settled = true;
          resolve(r);
        };
        try {
          agent.setState(state, {
            success: () => settle({ ok: true }),
            failure: (err) => settle({ ok: false, error: parseConnectError(err) }),
          }, { enqueueNextState: !!cmd.enqueueNextState });
        } catch (e) {
          settle({ ok: false, error: parseConnectError(e) });
        }
      });
    },
  };
}
