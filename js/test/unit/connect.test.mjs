// Unit tests of the Connect side (js/src/connect.js) without a browser: a small stub of the
// Streams agent whose bus fires, for each snapshot, what Streams 2.28.2 fires and in the
// same order (src/core.js updateAgentData/_fireAgentUpdateEvents: agent::refresh, then
// agent::state_change when the state's name changed, then enqueued_next_state /
// cleared_next_state), synchronously.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { waitForAgent, connectSide } from "../../src/connect.js";
import { platformError } from "../../src/errors.js";

const ARN = "arn:aws:connect:us-east-1:123456789012:instance/i1/agent-state/";
const STATES = [
  { name: "Available", type: "routable", agentStateARN: ARN + "1" },
  { name: "Lunch", type: "not_routable", agentStateARN: ARN + "2" },
];

/**
 * @typedef {{state: {name: any, type: any}, nextState?: {name: string} | null, contacts?: {type: string, state: string}[],
 *   routingProfile?: string, agentStates?: any[]}} Snap
 */

/** A Streams-like global and agent, driven by `update(snapshot)`. @param {Snap} first */
function stubStreams(first) {
  /** @type {Map<string, Set<Function>>} */
  const bus = new Map();
  const sub = (/** @type {string} */ ev) => (/** @type {Function} */ f) => {
    if (!bus.has(ev)) bus.set(ev, new Set());
    bus.get(ev).add(f);
    return { unsubscribe: () => bus.get(ev).delete(f) };
  };
  /** Streams' bus: a handler's exception is swallowed (and counted). */
  const swallowed = [];
  const trigger = (/** @type {string} */ ev, /** @type {any} */ data) => {
    for (const f of [...(bus.get(ev) ?? [])]) {
      try {
        f(data);
      } catch (e) {
        swallowed.push(e);
      }
    }
  };
  /** @type {Snap} */
  let snap = first;
  const calls = [];
  const agent = {
    getState: () => snap.state,
    getNextState: () => snap.nextState ?? null,
    getContacts: () => (snap.contacts ?? []).map((c) => ({ getType: () => c.type, getState: () => ({ type: c.state, timestamp: new Date() }) })),
    getRoutingProfile: () => ({ name: snap.routingProfile ?? "Basic Routing Profile", queues: [] }),
    getAgentStates: () => snap.agentStates ?? STATES,
    onRefresh: sub("agent::refresh"),
    onStateChange: sub("agent::state_change"),
    onEnqueuedNextState: sub("agent::enqueued_next_state"),
    onClearedNextState: sub("agent::cleared_next_state"),
    setState(state, cb, opts) {
      calls.push({ state, opts });
      cb.success({});
    },
  };
  const streams = {
    agent: () => undefined,
    globalResiliency: { onFailoverCompleted: sub("globalResiliency::failover_complete") },
  };
  return {
    agent,
    streams,
    calls,
    swallowed,
    /** Subscriptions still held, by event. */
    subs: () => [...bus.values()].reduce((n, s) => n + s.size, 0),
    /** A new snapshot arrives, as Streams fires it. @param {Snap} next */
    update(next) {
      const old = snap;
      snap = next;
      trigger("agent::refresh", agent);
      if (old.state.name !== next.state.name) trigger("agent::state_change", { agent, oldState: old.state.name, newState: next.state.name });
      const on = old.nextState ? old.nextState.name : null;
      const nn = next.nextState ? next.nextState.name : null;
      if (on !== nn) trigger(nn ? "agent::enqueued_next_state" : "agent::cleared_next_state", agent);
    },
    /** The region failover Streams reports after the new region's first agent data. */
    failover: () => trigger("globalResiliency::failover_complete", { activeRegion: "us-west-2" }),
    trigger,
  };
}

const AVAILABLE = { name: "Available", type: "routable" };
const tick = () => new Promise((r) => setTimeout(r, 0));

/** Subscribes a side; returns what it sends. @param {ReturnType<typeof stubStreams>} s */
function listen(s) {
  const side = connectSide(s.agent, s.streams);
  const start = side.read();
  /** @type {any[]} */
  const inputs = [];
  /** @type {unknown[]} */
  const errors = [];
  const stop = side.subscribe((i) => inputs.push(i), (e) => errors.push(e));
  return { side, start, inputs, errors, stop };
}

describe("Connect side: what the engine is told", () => {
  it("start carries the state, its type, the contacts, the next state, the routing profile and the agent states", () => {
    const s = stubStreams({ state: AVAILABLE, contacts: [{ type: "chat", state: "connected" }], nextState: { name: "Lunch" } });
    const { start } = listen(s);
    assert.deepEqual(start, {
      state: "Available",
      stateType: "routable",
      contacts: [{ type: "chat", state: "connected" }],
      nextState: "Lunch",
      routingProfile: "Basic Routing Profile",
      states: STATES,
    });
  });

  it("a state change is one event carrying the new snapshot's type, contacts, next state and routing profile", async () => {
    const s = stubStreams({ state: AVAILABLE });
    const { inputs, errors } = listen(s);
    s.update({ state: { name: "PendingBusy", type: "system" }, contacts: [{ type: "voice", state: "connecting" }] });
    await tick();
    assert.deepEqual(inputs, [{
      op: "event",
      event: {
        type: "Connect Agent State Change", oldState: "Available", newState: "PendingBusy", stateType: "system",
        contacts: [{ type: "voice", state: "connecting" }], nextState: "", routingProfile: "Basic Routing Profile",
      },
    }]);
    assert.deepEqual(errors, []);
  });

  it("skips Streams' first change from Init (start reports it)", async () => {
    const s = stubStreams({ state: { name: "Init", type: "init" } });
    const { inputs } = listen(s);
    s.update({ state: AVAILABLE });
    await tick();
    assert.deepEqual(inputs, []);
  });

  it("a chat accepted while Available (no state change) is a connect input; an identical snapshot is not", async () => {
    const s = stubStreams({ state: AVAILABLE });
    const { inputs } = listen(s);
    s.update({ state: AVAILABLE });
    await tick();
    assert.deepEqual(inputs, [], "the same snapshot again told the engine something");
    s.update({ state: AVAILABLE, contacts: [{ type: "chat", state: "connecting" }] });
    s.update({ state: AVAILABLE, contacts: [{ type: "chat", state: "connecting" }] });
    await tick();
    s.update({ state: AVAILABLE, contacts: [{ type: "chat", state: "connected" }] });
    await tick();
    s.update({ state: AVAILABLE, contacts: [] });
    s.update({ state: AVAILABLE, contacts: [] });
    await tick();
    assert.deepEqual(inputs, [
      { op: "connect", connect: { contacts: [{ type: "chat", state: "connecting" }] } },
      { op: "connect", connect: { contacts: [{ type: "chat", state: "connected" }] } },
      { op: "connect", connect: { contacts: [] } },
    ]);
  });

  it("one snapshot that changes the state and the contacts is one input, not two", async () => {
    const s = stubStreams({ state: { name: "AfterCallWork", type: "system" }, contacts: [{ type: "voice", state: "ended" }] });
    const { inputs } = listen(s);
    s.update({ state: { name: "Lunch", type: "not_routable" }, contacts: [] });
    await tick();
    assert.equal(inputs.length, 1);
    assert.equal(inputs[0].op, "event");
    assert.deepEqual(inputs[0].event.contacts, []);
  });

  it("several snapshots before the microtask runs are compared once, against the last", async () => {
    const s = stubStreams({ state: AVAILABLE });
    const { inputs } = listen(s);
    s.update({ state: AVAILABLE, contacts: [{ type: "task", state: "connecting" }] });
    s.update({ state: AVAILABLE, contacts: [{ type: "task", state: "connected" }] });
    await tick();
    assert.deepEqual(inputs, [{ op: "connect", connect: { contacts: [{ type: "task", state: "connected" }] } }]);
  });

  it("a next state queued and cleared by the agent, and another routing profile, are connect inputs", async () => {
    const s = stubStreams({ state: { name: "Busy", type: "system" }, contacts: [{ type: "voice", state: "connected" }] });
    const { inputs } = listen(s);
    const busy = { state: { name: "Busy", type: "system" }, contacts: [{ type: "voice", state: "connected" }] };
    s.update({ ...busy, nextState: { name: "Lunch" } });
    await tick();
    s.update({ ...busy, nextState: null });
    await tick();
    s.update({ ...busy, routingProfile: "Sales" });
    await tick();
    assert.deepEqual(inputs, [
      { op: "connect", connect: { nextState: "Lunch" } },
      { op: "connect", connect: { nextState: "" } },
      { op: "connect", connect: { routingProfile: "Sales" } },
    ]);
  });

  it("onEnqueuedNextState and onClearedNextState report the next state without agent::refresh (older Streams)", async () => {
    const s = stubStreams({ state: { name: "Busy", type: "system" } });
    const { inputs } = listen(s);
    s.agent.getNextState = () => ({ name: "Break" });
    s.trigger("agent::enqueued_next_state", s.agent);
    await tick();
    s.agent.getNextState = () => null;
    s.trigger("agent::cleared_next_state", s.agent);
    await tick();
    assert.deepEqual(inputs, [{ op: "connect", connect: { nextState: "Break" } }, { op: "connect", connect: { nextState: "" } }]);
  });

  it("after a region failover every field is read again, the agent states (new ARNs) included", async () => {
    const s = stubStreams({ state: AVAILABLE });
    const { inputs } = listen(s);
    const west = STATES.map((x, i) => ({ ...x, agentStateARN: "arn:aws:connect:us-west-2:123456789012:instance/i2/agent-state/" + (i + 1) }));
    s.update({ state: AVAILABLE, agentStates: west });
    s.failover();
    await tick();
    assert.deepEqual(inputs, [{
      op: "connect",
      connect: { stateType: "routable", contacts: [], nextState: "", routingProfile: "Basic Routing Profile", states: west },
    }]);
  });

  it("agent states changed without a failover are told too", async () => {
    const s = stubStreams({ state: AVAILABLE });
    const { inputs } = listen(s);
    const more = [...STATES, { name: "Coffee", type: "not_routable", agentStateARN: ARN + "3" }];
    s.update({ state: AVAILABLE, agentStates: more });
    await tick();
    assert.deepEqual(inputs, [{ op: "connect", connect: { states: more } }]);
    // With a state change in the same snapshot: the event, then the states (not in events).
    s.update({ state: { name: "Lunch", type: "not_routable" }, agentStates: STATES });
    await tick();
    assert.deepEqual(inputs.slice(1).map((i) => [i.op, i.event?.newState ?? i.connect]), [["event", "Lunch"], ["connect", { states: STATES }]]);
  });

  it("a field Streams cannot give is left out and reported once; the event still goes", async () => {
    const s = stubStreams({ state: AVAILABLE });
    const { inputs, errors } = listen(s);
    s.agent.getContacts = () => { throw new Error("Contact c1 no longer exists."); };
    s.update({ state: { name: "Lunch", type: "not_routable" } });
    s.update({ state: { name: "Break", type: "not_routable" } });
    await tick();
    assert.deepEqual(inputs.map((i) => [i.event.newState, "contacts" in i.event]), [["Lunch", false], ["Break", false]]);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /contacts.*no longer exists/);
  });

  it("never throws into Streams' bus: a failing consumer is reported through onError", async () => {
    const s = stubStreams({ state: AVAILABLE });
    const side = connectSide(s.agent, s.streams);
    side.read();
    const errors = [];
    side.subscribe(() => { throw new Error("consumer broke"); }, (e) => errors.push(e));
    s.update({ state: { name: "Lunch", type: "not_routable" } });
    s.update({ state: { name: "Lunch", type: "not_routable" }, contacts: [{ type: "chat", state: "connecting" }] });
    await tick();
    assert.deepEqual(s.swallowed, []);
    assert.deepEqual(errors.map(String), ["Error: consumer broke", "Error: consumer broke"]);
  });

  it("stop unsubscribes everything it subscribed, and a pending comparison sends nothing", async () => {
    const s = stubStreams({ state: AVAILABLE });
    const { inputs, stop } = listen(s);
    assert.equal(s.subs(), 5, "onStateChange, onRefresh, onEnqueuedNextState, onClearedNextState, onFailoverCompleted");
    s.update({ state: AVAILABLE, contacts: [{ type: "chat", state: "connecting" }] });
    stop();
    await tick();
    assert.equal(s.subs(), 0);
    assert.deepEqual(inputs, []);
  });

  it("an onFailoverCompleted that returns a deregistering function (as Documentation-GR.md says) is undone by stop", () => {
    const s = stubStreams({ state: AVAILABLE });
    let registered = 0;
    s.streams.globalResiliency.onFailoverCompleted = () => {
      registered++;
      return () => { registered--; };
    };
    const stop = connectSide(s.agent, s.streams).subscribe(() => {}, (e) => { throw e; });
    assert.equal(registered, 1);
    stop();
    assert.equal(registered, 0);
  });

  it("works with a Streams that has none of the newer readers and events (the state's name only)", async () => {
    const s = stubStreams({ state: AVAILABLE });
    for (const k of ["getNextState", "getContacts", "getRoutingProfile", "onRefresh", "onEnqueuedNextState", "onClearedNextState"]) delete s.agent[k];
    const side = connectSide(s.agent);
    assert.deepEqual(side.read(), { state: "Available", stateType: "routable", states: STATES });
    const got = [];
    const stop = side.subscribe((i) => got.push(i), (e) => { throw e; });
    s.update({ state: { name: "Lunch", type: "not_routable" } });
    await tick();
    assert.deepEqual(got, [{ op: "event", event: { type: "Connect Agent State Change", oldState: "Available", newState: "Lunch", stateType: "not_routable" } }]);
    stop();
    assert.equal(s.subs(), 0);
  });

  it("hostile values are passed on as Streams gave them (the engine rejects them), cyclic ones included", async () => {
    const s = stubStreams({ state: AVAILABLE });
    const { inputs, errors } = listen(s);
    const cyclic = { name: "x" };
    cyclic.self = cyclic;
    s.update({ state: { name: 42, type: cyclic } });
    s.update({ state: { name: 42, type: cyclic } });
    await tick();
    assert.deepEqual(errors, []);
    assert.equal(inputs.length, 1);
    assert.equal(inputs[0].event.newState, 42);
    assert.equal(inputs[0].event.stateType, cyclic);
  });
  it("a read (the engine's read command) is what Streams reports now, in start's shape", () => {
    const s = stubStreams({ state: { name: "Busy", type: "system" }, contacts: [{ type: "voice", state: "connected" }], nextState: { name: "Lunch" } });
    const side = connectSide(s.agent, s.streams);
    assert.deepEqual(side.read(), {
      state: "Busy", stateType: "system", contacts: [{ type: "voice", state: "connected" }], nextState: "Lunch", routingProfile: "Basic Routing Profile",
      states: STATES.map((x) => ({ name: x.name, type: x.type, agentStateARN: x.agentStateARN })),
    });
  });
});

describe("Connect side: Streams plumbing", () => {
  it("passes the CCP's errors on as Streams gives them (the engine reads them: rules/session_test.go, coordinator_errors_test.go), JSON-safe", () => {
    assert.equal(platformError('{"type":"InvalidStateException","message":"busy"}'), '{"type":"InvalidStateException","message":"busy"}');
    assert.deepEqual(platformError({ errorType: "AccessDeniedException", message: "no" }), { errorType: "AccessDeniedException", message: "no" });
    assert.deepEqual(platformError(new TypeError("bad")), { name: "TypeError", message: "bad" });
    const cyclic = /** @type {any} */ ({ type: "X" });
    cyclic.self = cyclic;
    assert.equal(typeof platformError(cyclic), "string");
    assert.equal(platformError(undefined), "undefined");
    assert.match(/** @type {string} */ (platformError("x".repeat(5000))), /\(5000 characters\)$/);
  });

  /** A Streams-like global whose agent is `agent` once `init()` is called. */
  function fakeStreams(agent, { bus = true } = {}) {
    const subs = new Set();
    const g = {
      initialized: false,
      busReady: bus,
      core: { getEventBus: () => (g.busReady ? {} : undefined) },
      agent(f) {
        if (!g.busReady) throw new TypeError("Cannot read properties of undefined (reading 'subscribe')");
        subs.add(f);
        if (g.initialized) f(agent);
        return { unsubscribe: () => subs.delete(f) };
      },
      init() {
        g.initialized = true;
        for (const f of [...subs]) f(agent);
      },
      subs,
    };
    return g;
  }

  it("waits for the agent, then unsubscribes", async () => {
    const agent = { id: 1 };
    const s = fakeStreams(agent);
    const p = waitForAgent(s, 1000, { cancelled: false });
    assert.equal(s.subs.size, 1);
    s.init();
    assert.equal(await p, agent);
    await tick();
    assert.equal(s.subs.size, 0);
  });

  it("resolves at once when Streams already has the agent, leaving no subscription", async () => {
    const s = fakeStreams({ id: 2 });
    s.initialized = true;
    assert.deepEqual(await waitForAgent(s, 1000, { cancelled: false }), { id: 2 });
    assert.equal(s.subs.size, 0);
  });

  it("waits for initCCP's event bus before subscribing", async () => {
    const s = fakeStreams({ id: 3 }, { bus: false });
    const p = waitForAgent(s, 2000, { cancelled: false });
    await new Promise((r) => setTimeout(r, 80));
    s.busReady = true;
    s.initialized = true;
    assert.deepEqual(await p, { id: 3 });
  });

  it("times out with code timeout", async () => {
    const s = fakeStreams({});
    await assert.rejects(waitForAgent(s, 30, { cancelled: false }), (e) => e.code === "timeout" && /initCCP/.test(e.message));
    await tick();
    assert.equal(s.subs.size, 0);
  });

  it("sets the state object by name (the current region's), with enqueueNextState, and reports failures as Streams gives them", async () => {
    const s = stubStreams({ state: AVAILABLE });
    s.agent.setState = (state, cb, opts) => {
      s.calls.push({ state, opts });
      if (state.name === "Lunch") cb.failure('{"type":"InvalidStateException","message":"on a call"}');
      else cb.success({});
    };
    const side = connectSide(s.agent, s.streams);
    assert.deepEqual(await side.execute({ value: "Available" }), { ok: true });
    assert.deepEqual(s.calls[0], { state: STATES[0], opts: { enqueueNextState: false } });
    assert.deepEqual(await side.execute({ value: "Lunch", enqueueNextState: true }), { ok: false, error: '{"type":"InvalidStateException","message":"on a call"}' });
    assert.equal(s.calls[1].opts.enqueueNextState, true);
    const missing = await side.execute({ value: "Gone" });
    assert.equal(missing.ok, false);
    assert.equal(missing.error.type, "unknown-state");
    assert.equal(s.calls.length, 2);
    // After a failover the same name is the new region's state object.
    const west = STATES.map((x) => ({ ...x, agentStateARN: x.agentStateARN.replace("us-east-1", "us-west-2") }));
    s.update({ state: AVAILABLE, agentStates: west });
    assert.deepEqual(await side.execute({ value: "Available" }), { ok: true });
    assert.equal(s.calls[2].state.agentStateARN, west[0].agentStateARN);
  });
});
