// @ts-check
/**
 * The Amazon Connect side, on the real Streams API (`connect` global, 2.28.x):
 * `connect.agent(cb)`, `agent.onStateChange`, `agent.onRefresh`, `agent.onEnqueuedNextState`,
 * `agent.onClearedNextState`, `connect.globalResiliency.onFailoverCompleted`, and the readers
 * `agent.getState()`, `agent.getContacts()` (each contact's `getType()`, `getState().type`),
 * `agent.getNextState()`, `agent.getRoutingProfile()`, `agent.getAgentStates()`; writes with
 * `agent.setState(state, {success, failure}, {enqueueNextState})`.
 *
 * It reports what Streams says and decides nothing (the engine decides "on a contact"):
 *  - a state change (`onStateChange`: `{oldState, newState}`) becomes the engine input
 *    `{op: "event", event: {type: "Connect Agent State Change", oldState, newState, stateType,
 *    contacts: [{type, state}], nextState, routingProfile}}`, the other fields read from the
 *    agent's snapshot at that moment (`nextState` "" when none);
 *  - any of those fields changing without a state change (a chat accepted while Available, a
 *    contact ended, a next state queued or cleared by the agent, another routing profile, the
 *    agent states after a region failover) becomes `{op: "connect", connect: {...the fields
 *    that changed}}`. Streams fires `agent::refresh` for every snapshot (src/core.js
 *    `updateAgentData`, before `_fireAgentUpdateEvents` fires the state change and next
 *    state events of the same snapshot), so the snapshot is compared once those ran, in a
 *    microtask: one input per snapshot, none for a snapshot identical to the last one (a
 *    saving of crossings only: the engine decides nothing from a repeated report, as
 *    `TestConnectReportRepeatedChangesNothing` in rules/coordinator_contact_test.go shows);
 *  - after a region failover every field is read again, the agent states included.
 * A write `setState`s the state object Streams lists under that name in `getAgentStates()`
 * now (after a failover: the new region's); its outcome is reported with `failure`'s error
 * as Streams gives it (a JSON string from the CCP such as
 * `{"type":"InvalidStateException","message":"..."}`), which the engine reads and classifies.
 * A read (the engine's read command) is what Streams reports now, in `start`'s shape.
 * Streams' event bus swallows exceptions thrown in handlers: every handler here catches and
 * reports them through `onError`.
 */

import { psError, describe, platformError } from "./errors.js";

/**
 * @typedef {{name: string, type: string, agentStateARN?: string | null}} AgentState
 * @typedef {{unsubscribe(): void}} Subscription
 * @typedef {{getType(): string, getState(): {type: string}}} StreamsContact
 * @typedef {{
 *   getState(): AgentState,
 *   getAgentStates(): AgentState[],
 *   getContacts?(): StreamsContact[],
 *   getNextState?(): AgentState | null,
 *   getRoutingProfile?(): {name?: string},
 *   onStateChange(f: (e: {oldState: string, newState: string}) => void): Subscription,
 *   onRefresh?(f: () => void): Subscription,
 *   onEnqueuedNextState?(f: () => void): Subscription,
 *   onClearedNextState?(f: () => void): Subscription,
 *   setState(state: AgentState, callbacks: {success?: (data?: any) => void, failure?: (err: any, data?: any) => void}, options?: {enqueueNextState?: boolean}): void,
 * }} StreamsAgent
 * @typedef {{
 *   agent(f: (agent: StreamsAgent) => void): Subscription | undefined,
 *   core?: {getEventBus?(): any},
 *   globalResiliency?: {onFailoverCompleted?(f: (e: unknown) => void): Subscription},
 * }} StreamsGlobal
 * @typedef {{type: unknown, state: unknown}} ContactInfo
 * @typedef {{
 *   stateType?: unknown, contacts?: ContactInfo[], nextState?: unknown, routingProfile?: unknown,
 *   states?: {name: unknown, type: unknown, agentStateARN: unknown}[],
 * }} ConnectFacts what the engine is told besides the state's name; a field Streams could not give is left out
 * @typedef {{op: "event", event: Record<string, unknown>} | {op: "connect", connect: ConnectFacts}} ConnectInput
 * @typedef {import("./types.js").Outcome} Outcome
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

/** The fields compared between snapshots (ConnectFacts), in the order the engine gets them. */
const FACTS = /** @type {const} */ (["stateType", "contacts", "nextState", "routingProfile", "states"]);

/**
 * A value's identity for comparing two snapshots (any value: a hostile CCP's included).
 * @param {unknown} v
 */
function keyOf(v) {
  try {
    return JSON.stringify(v) ?? "undefined";
  } catch {
    return "\u0000unserialisable";
  }
}

/**
 * Reads what Streams reports of the agent now: the state's name and everything of
 * ConnectFacts. A reader that throws leaves its field out and adds to `problems`.
 * @param {StreamsAgent} agent
 * @param {string[]} problems
 * @returns {{state?: unknown} & ConnectFacts}
 */
export function readAgent(agent, problems) {
  /** @type {{state?: unknown} & ConnectFacts} */
  const r = {};
  /** @param {string} what @param {() => void} f */
  const guard = (what, f) => {
    try {
      f();
    } catch (e) {
      problems.push(`could not read the agent's ${what} from Amazon Connect Streams: ${describe(e)}`);
    }
  };
  guard("state", () => {
    const st = agent.getState();
    r.state = st ? st.name : undefined;
    r.stateType = st ? st.type : undefined;
  });
  if (typeof agent.getContacts === "function") {
    guard("contacts", () => {
      const cs = /** @type {NonNullable<StreamsAgent["getContacts"]>} */ (agent.getContacts).call(agent);
      r.contacts = Array.from(cs ?? [], (c) => {
        const st = c.getState();
        return { type: c.getType(), state: st ? st.type : undefined };
      });
    });
  }
  if (typeof agent.getNextState === "function") {
    guard("next state", () => {
      const n = /** @type {NonNullable<StreamsAgent["getNextState"]>} */ (agent.getNextState).call(agent);
      r.nextState = n ? n.name : "";
    });
  }
  if (typeof agent.getRoutingProfile === "function") {
    guard("routing profile", () => {
      const rp = /** @type {NonNullable<StreamsAgent["getRoutingProfile"]>} */ (agent.getRoutingProfile).call(agent);
      if (rp && rp.name !== undefined && rp.name !== null) r.routingProfile = rp.name;
    });
  }
  guard("agent states", () => {
    r.states = (agent.getAgentStates() || []).map((s) => ({ name: s.name, type: s.type, agentStateARN: s.agentStateARN ?? null }));
  });
  return r;
}

/**
 * The engine event for a state change from `oldState` to `newState`, with what `read`
 * (readAgent) shows of the rest of the snapshot.
 * @param {unknown} oldState
 * @param {unknown} newState the new state as Streams' event names it
 * @param {{state?: unknown} & ConnectFacts} read
 * @returns {Record<string, unknown>}
 */
function connectEvent(oldState, newState, read) {
  /** @type {Record<string, unknown>} */
  const ev = { type: "Connect Agent State Change", oldState, newState };
  for (const f of FACTS) {
    if (f !== "states" && read[f] !== undefined) ev[f] = read[f];
  }
  return ev;
}

/**
 * The Connect side of one sync instance.
 * @param {StreamsAgent} agent
 * @param {StreamsGlobal} [streams] the Streams global (for `connect.globalResiliency`)
 */
export function connectSide(agent, streams) {
  /** @type {Record<string, string>} the key of each field as last told to the engine */
  let told = {};
  let toldProblems = "";

  /** Remembers what the engine was told. @param {ConnectFacts} facts */
  const remember = (facts) => {
    for (const f of FACTS) {
      if (facts[f] !== undefined) told[f] = keyOf(facts[f]);
    }
  };

  /**
   * The fields that differ from what the engine was told (all of them with `all`).
   * @param {ConnectFacts} read
   * @param {boolean} all
   * @returns {ConnectFacts | null}
   */
  const changes = (read, all) => {
    /** @type {Record<string, unknown>} */
    const out = {};
    let any = false;
    for (const f of FACTS) {
      if (read[f] === undefined) continue;
      if (all || told[f] !== keyOf(read[f])) {
        out[f] = read[f];
        any = true;
      }
    }
    return any ? /** @type {ConnectFacts} */ (out) : null;
  };

  return Object.freeze({
    /**
     * What Streams reports now, for the engine's `start` input and its read commands:
     * `{state, stateType, contacts, nextState, routingProfile, states}`. What it returns
     * counts as told to the engine.
     * @returns {{state?: unknown} & ConnectFacts & {states: unknown[]}}
     */
    read() {
      const r = readAgent(agent, []);
      told = {};
      remember(r);
      return { ...r, states: r.states ?? [] };
    },

    /**
     * Subscribes to what changes in Streams; each change becomes one engine input.
     * @param {(input: ConnectInput) => void} onInput
     * @param {(e: unknown) => void} onError what Streams could not give, or a handler's failure
     * @returns {() => void} unsubscribe (everything subscribed here)
     */
    subscribe(onInput, onError) {
      /** @type {Subscription[]} */
      const subs = [];
      let stopped = false;
      let pending = false;

      /** @param {string[]} problems */
      const report = (problems) => {
        const text = problems.join("; ");
        if (text && text !== toldProblems) onError(new Error(text));
        toldProblems = text;
      };

      /** One snapshot: whatever changed without a state change (forced: everything). @param {boolean} all */
      const flush = (all) => {
        pending = false;
        if (stopped) return;
        try {
          /** @type {string[]} */
          const problems = [];
          const r = readAgent(agent, problems);
          report(problems);
          const c = changes(r, all);
          if (!c) return;
          remember(c);
          onInput({ op: "connect", connect: c });
        } catch (e) {
          onError(e);
        }
      };
      const schedule = () => {
        if (pending || stopped) return;
        pending = true;
        queueMicrotask(() => flush(false));
      };
      /**
       * A Streams handler that never throws into Streams' bus.
       * @template {any[]} A
       * @param {(...args: A) => void} f
       * @returns {(...args: A) => void}
       */
      const guarded = (f) => (...args) => {
        try {
          f(...args);
        } catch (e) {
          onError(e);
        }
      };
      /** @param {string} name @param {(f: any) => Subscription | undefined} on @param {(...a: any[]) => void} f */
      const on = (name, on, f) => {
        try {
          const s = /** @type {any} */ (on(guarded(f)));
          // Streams returns a subscription; Documentation-GR.md says onFailoverCompleted
          // returns a function that deregisters: both are undone by stop.
          if (s && typeof s.unsubscribe === "function") subs.push(s);
          else if (typeof s === "function") subs.push({ unsubscribe: s });
        } catch (e) {
          onError(new Error(`could not subscribe to ${name}: ${describe(e)}`));
        }
      };

      on("agent.onStateChange", (f) => agent.onStateChange(f), (/** @type {any} */ e) => {
        if (!e) return;
        /** @type {string[]} */
        const problems = [];
        const r = readAgent(agent, problems);
        report(problems);
        // The agent states are not part of the event: a change of them is told by flush.
        remember({ ...r, states: undefined });
        // The session's first state reaches the engine with `start`.
        if (e.oldState === INIT_STATE) return;
        onInput({ op: "event", event: connectEvent(e.oldState, e.newState, r) });
      });
      for (const name of /** @type {const} */ (["onRefresh", "onEnqueuedNextState", "onClearedNextState"])) {
        const f = agent[name];
        if (typeof f === "function") on("agent." + name, (h) => f.call(agent, h), schedule);
      }
      const gr = streams && typeof streams === "object" ? streams.globalResiliency : undefined;
      if (gr && typeof gr.onFailoverCompleted === "function") {
        on("connect.globalResiliency.onFailoverCompleted", (h) => /** @type {any} */ (gr).onFailoverCompleted(h), () => flush(true));
      }
      return () => {
        stopped = true;
        for (const s of subs.splice(0)) s.unsubscribe();
      };
    },

    /**
     * Sets the agent state named `value`; the outcome carries Streams' error as it gave it.
     * @param {{value?: string, enqueueNextState?: boolean}} cmd
     * @returns {Promise<Outcome>}
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
        /** @param {Outcome} r */
        const settle = (r) => {
          if (settled) return;
          settled = true;
          resolve(r);
        };
        try {
          agent.setState(state, {
            success: () => settle({ ok: true }),
            failure: (err) => settle({ ok: false, error: platformError(err) }),
          }, { enqueueNextState: !!cmd.enqueueNextState });
        } catch (e) {
          settle({ ok: false, error: platformError(e) });
        }
      });
    },
  });
}
