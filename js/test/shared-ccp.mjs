// @ts-check
// One agent's Amazon Connect, held by the test server for every fake CCP frame of a room
// (shared-platforms.mjs), as Amazon Connect holds an agent's state for every CCP the agent
// has open: the fake CCP's own model (js/fake-ccp/model.js: states, contacts of every
// channel, next state, error states, routing profile, region failover) lives here once, and
// every frame opened with `?shared=<room>` shows it (js/fake-ccp/shared.js). Each change is
// pushed to every frame as the `agent::update` payload Streams receives (Dates cross as ISO
// strings; the frame revives them), with a small view of the agent for the frame's controls.
//
// putAgentState from any frame is answered here, as Connect answers it: the model's checks
// (an ARN of another region, a plain write during a live contact: InvalidStateException),
// then the faults armed from the demo or a test (the next writes fail with an error type,
// or go unanswered).

import { createModel } from "../fake-ccp/model.js";

/** Longest error type and message a fault may carry (they are shown in every frame). */
const MAX_TYPE = 100;
const MAX_MESSAGE = 300;
/** Most faults armed at once, and most writes remembered. */
const MAX_FAULTS = 20;
const MAX_WRITES = 1000;

/**
 * @typedef {{name: string, enqueueNextState: boolean, at: number, outcome: string}} CcpWrite
 * @typedef {{type: string, message: string}} Fault
 */

/**
 * @param {{latencyMs?: number, later: (fn: () => void, ms: number) => void, publish: (text: string) => void, changed: () => void, frames: () => number}} o
 *   publish: sends a message to every frame; changed: the room's view changed (faults, writes);
 *   frames: how many frames listen
 */
export function createSharedCcp(o) {
  const model = createModel();
  const latencyMs = o.latencyMs ?? 40;

  /** What the frame's controls show (the getters js/fake-ccp/ui.js reads of a model). */
  function view() {
    const st = model.state && typeof model.state === "object" ? model.state : { name: String(model.state), type: "error" };
    return {
      state: { name: String(st.name), type: String(st.type) },
      availability: model.availability,
      nextState: model.nextState ? { name: model.nextState.name, type: model.nextState.type } : null,
      contacts: model.contacts.map((c) => ({ id: c.id, channel: c.channel, state: c.state })),
      agentStates: model.agentStates.map((s) => ({ ...s })),
      routingProfile: model.routingProfile,
      region: model.region,
    };
  }

  /** The message every frame receives: the agent::update payload and the view. @param {boolean} [failover] */
  function message(failover = false) {
    return JSON.stringify({ update: model.snapshot(), view: view(), ...(failover ? { failover: { activeRegion: model.region } } : {}) });
  }

  /** @param {boolean} [failover] */
  function push(failover = false) {
    o.publish(message(failover));
    o.changed();
  }

  /** @param {unknown} v @param {string} what */
  function str(v, what) {
    if (typeof v !== "string" || v.length > 200) throw new Error(`${what} must be a string`);
    return v;
  }
  /** @param {unknown} v */
  const optId = (v) => (v === undefined || v === null ? undefined : str(v, "a contact id"));

  /** What the agent (or Connect, or an admin) does, from any frame. @type {Record<string, (...args: unknown[]) => unknown>} */
  const ops = {
    setState: (name) => {
      const n = str(name, "a state name");
      if (model.byName(n)) model.agentSet(n);
      else model.force(n);
    },
    clearNextState: () => model.clearNextState(),
    forceState: (name, type) => model.force(str(name, "a state name"), type === undefined ? undefined : str(type, "a state type")),
    ring: (channel) => model.arrive(/** @type {any} */ (channel === undefined ? "voice" : str(channel, "a channel"))),
    monitor: () => model.arrive("monitoring"),
    dial: () => model.arrive("outbound"),
    answer: (id) => model.accept(optId(id)),
    hangup: (id) => model.end(optId(id)),
    clear: (id) => model.clear(optId(id)),
    miss: (id) => {
      const cid = model.miss(optId(id));
      // Connect takes a missed contact away a moment later (another agent gets it).
      o.later(() => {
        if (model.contacts.some((c) => c.id === cid && c.state === "missed")) {
          model.remove(cid);
          push();
        }
      }, latencyMs);
      return cid;
    },
    fail: (id, stateName) => model.fail(optId(id), stateName === undefined ? undefined : str(stateName, "an error state name")),
    setRoutingProfile: (name) => model.setRoutingProfile(str(name, "a routing profile name")),
    failover: (opts) => {
      const region = opts && typeof opts === "object" ? /** @type {any} */ (opts).region : undefined;
      model.failover(region === undefined ? {} : { region: str(region, "a region") });
    },
  };

  const ccp = {
    /** the agent state's name, shared by every frame */
    get state() {
      const st = model.state;
      return st && typeof st === "object" ? String(st.name) : String(st);
    },
    /** the agent's model itself (tests read contacts and the next state) */
    model,
    /** @type {CcpWrite[]} every putAgentState, from any frame (the last MAX_WRITES) */
    writes: /** @type {CcpWrite[]} */ ([]),
    /** @type {Fault[]} errors the next putAgentState calls are answered with */
    failures: /** @type {Fault[]} */ ([]),
    /** every putAgentState goes unanswered while on */
    hold: false,
    /** the next this many putAgentState calls go unanswered */
    holdCount: 0,
    latencyMs,
    /** how many frames show the agent */
    get frames() {
      return o.frames();
    },
    view,
    message,
    /**
     * The agent does `op` in a CCP (any frame): every frame shows the result.
     * @param {string} op
     * @param {unknown[]} [args]
     */
    agent(op, args = []) {
      if (!Object.prototype.hasOwnProperty.call(ops, op)) throw new Error(`no such CCP action: ${String(op).slice(0, 40)}`);
      const r = ops[op](...args);
      push(op === "failover");
      return r;
    },
    /** The agent picks a state in a CCP (on a contact: the next state). @param {string} state */
    setState(state) {
      return ccp.agent("setState", [state]);
    },
    /** @param {string} type @param {number} [times] @param {string} [message] */
    failNext(type, times = 1, message = "simulated " + type) {
      const t = String(type).slice(0, MAX_TYPE);
      const m = String(message).slice(0, MAX_MESSAGE);
      for (let i = 0; i < times && ccp.failures.length < MAX_FAULTS; i++) ccp.failures.push({ type: t, message: m });
      o.changed();
    },
    /** @param {boolean} on */
    holdWrites(on) {
      ccp.hold = !!on;
      o.changed();
    },
    /** The next `n` putAgentState calls are recorded and never answered. @param {number} n */
    holdNext(n) {
      ccp.holdCount = Math.max(0, Math.min(MAX_FAULTS, Math.floor(n)));
      o.changed();
    },
    clearFaults() {
      ccp.failures.length = 0;
      ccp.hold = false;
      ccp.holdCount = 0;
      o.changed();
    },
    faults() {
      return { failures: ccp.failures.map((f) => f.type), hold: ccp.hold, holdNext: ccp.holdCount };
    },
    /**
     * putAgentState from a frame, `{state: {name, agentStateARN}, enqueueNextState}` as
     * Streams sends it (or `{name}`: the state of that name): {ok: true} (the change is
     * pushed to every frame latencyMs later), {err: "<JSON string>"}, or {held: true}.
     * @param {{state?: unknown, name?: unknown, enqueueNextState?: unknown}} body
     */
    put(body) {
      const given = body.state && typeof body.state === "object" ? /** @type {any} */ (body.state) : model.byName(String(body.name));
      const name = String(given?.name ?? body.name);
      /** @type {CcpWrite} */
      const w = { name, enqueueNextState: body.enqueueNextState === true, at: Date.now(), outcome: "pending" };
      ccp.writes.push(w);
      if (ccp.writes.length > MAX_WRITES) ccp.writes.splice(0, ccp.writes.length - MAX_WRITES);
      try {
        if (ccp.hold || ccp.holdCount > 0) {
          if (!ccp.hold) ccp.holdCount--;
          w.outcome = "held";
          return { held: true };
        }
        const f = ccp.failures.shift();
        if (f) {
          w.outcome = f.type;
          return { err: JSON.stringify(f) };
        }
        const err = model.checkPut({ state: given, enqueueNextState: w.enqueueNextState });
        if (err) {
          w.outcome = err.type;
          return { err: JSON.stringify(err) };
        }
        w.outcome = "ok";
        // A next state is queued at once (the contact may be cleared before the next
        // snapshot); a state is entered when the snapshot that shows it is pushed.
        const queued = w.enqueueNextState && model.live();
        if (queued) model.put(name);
        o.later(() => {
          if (!queued) model.put(name);
          push();
        }, latencyMs);
        return { ok: true };
      } finally {
        o.changed();
      }
    },
  };
  return ccp;
}
