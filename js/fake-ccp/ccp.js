// @ts-check
// A simulated Amazon Connect Contact Control Panel (CCP) frame.
//
// It speaks the Streams conduit protocol to its parent window over postMessage,
// with messages shaped {event, data}, exactly as the real CCP does:
//   - it sends `acknowledge` once loaded and answers every `synchronize` with `acknowledge`;
//   - it pushes the agent's data as `agent::update` {snapshot, configuration} (model.js);
//   - it answers `api_request` (`putAgentState` and anything else) with `api_response`
//     {requestId, data, err}, a failure's `err` being a JSON string
//     such as {"type":"InvalidStateException","message":"..."};
//   - after a region failover it pushes the new region's `agent::update`, then
//     `globalResiliency::failover_complete` {activeRegion, activeCcpUrl}: Streams bridges every
//     message from the CCP into its event bus (src/core.js l.1547 at 2.28.2), where
//     `connect.globalResiliency.onFailoverCompleted` listens (src/core.js l.2955); with
//     `initGRCCP` Streams' own proxy triggers that event after the new region's first
//     `agent::update` (src/global-resiliency.js l.700-709), the same order.
//
// The real `amazon-connect-streams` library in the parent page then fires `connect.agent`,
// `agent.onRefresh`, `agent.onStateChange`, `agent.onEnqueuedNextState`,
// `agent.onClearedNextState` and the contact events as in production.
//
// Tests and the demo drive it through `window.fakeCCP` (tests evaluate in this frame
// with Playwright) and through the controls it renders (ui.js).
//
// Query parameters: `state` (initial state name, default Available),
// `latency` (ms between an accepted write and the agent::update that shows it, and before
//   Connect takes a missed contact away; default 40),
// `states` (name:type,name:type replacing the default agent states),
// `profile` (the routing profile's name, default "Basic Routing Profile"),
// `ui=0` to hide the controls,
// `shared=<room>`: the agent lives in the test server's room (js/test/shared-ccp.mjs; shared.js
//   here), shared by every frame opened with the same room, like one agent's CCP in several
//   tabs: every frame receives every change (state, contacts, next state, profile, region),
//   what the agent does in any frame and every putAgentState go to the room, and the room's
//   faults (failNext, holdWrites) apply to every frame,
// `keep=N`: remember only the last N requests and conduit events (long runs).

import { createModel, parseStates } from "./model.js";
import { createUI } from "./ui.js";
import { createShared } from "./shared.js";

const params = new URLSearchParams(location.search);
const statesParam = params.get("states");
const model = createModel({
  // states=Available:routable,Lunch:not_routable (no JSON: Streams formats the CCP URL with
  // its sprintf, which fails on a "%" in it).
  states: statesParam ? parseStates(statesParam) : undefined,
  state: params.get("state") ?? "Available",
});
if (params.get("profile")) model.setRoutingProfile(/** @type {string} */ (params.get("profile")));

const latency = Number(params.get("latency") ?? 40);
const room = params.get("shared");
/** Shared mode: the agent is the room's (every change comes from the server). */
const shared = room ? createShared(room, { onUpdate: sharedUpdate }) : null;
const keep = Number(params.get("keep") ?? 0);

/** @typedef {{method: string, params: any, requestId: string, at: number, answer?: {data: any, err: any}}} ApiRequest */

const control = {
  /** @type {ApiRequest[]} every api_request received, in order */
  requests: [],
  /** @type {{type: string, message: string}[]} errors to answer the next putAgentState calls with */
  failures: [],
  /** when true, putAgentState calls are recorded and never answered */
  hold: false,
  /** @type {string[]} every conduit event received from the parent */
  received: [],
  acknowledged: 0,
  updates: 0,
};

/** Drops the oldest entries of a record list beyond `keep`. @param {any[]} list */
function trim(list) {
  if (keep > 0 && list.length > keep) list.splice(0, list.length - keep);
}

/** @param {string} event @param {any} [data] */
function send(event, data) {
  window.parent.postMessage({ event, data }, "*");
}

/** @type {any} the last payload pushed (repush sends it again) */
let last = null;

function push() {
  control.updates++;
  last = shared ? shared.update : model.snapshot();
  send("agent::update", last);
  ui.render();
}

/** @param {string} requestId @param {any} data @param {any} err */
function answer(requestId, data, err) {
  const r = control.requests.find((x) => x.requestId === requestId);
  if (r) r.answer = { data, err };
  send("api_response", { requestId, data, err });
  ui.render();
}

/** @param {{requestId: string, method: string, params: any}} req */
function putAgentState(req) {
  const p = req.params || {};
  if (shared) {
    // The room answers, as Connect answers every CCP of the agent.
    shared.put(p, (data, err) => answer(req.requestId, data, err));
    return;
  }
  if (control.hold) return;
  if (control.failures.length) {
    answer(req.requestId, null, JSON.stringify(control.failures.shift()));
    return;
  }
  const err = model.checkPut(p);
  if (err) {
    answer(req.requestId, null, JSON.stringify(err));
    return;
  }
  answer(req.requestId, {}, null);
  // A next state is queued at once (the contact may be cleared before the next snapshot);
  // a state is entered when the snapshot that shows it is pushed.
  const name = p.state.name;
  const queued = !!p.enqueueNextState && model.live();
  if (queued) model.put(name);
  setTimeout(() => {
    if (!queued) model.put(name);
    push();
  }, latency);
}

window.addEventListener("message", (ev) => {
  if (ev.source !== window.parent) return;
  const msg = ev.data;
  if (!msg || typeof msg.event !== "string") return;
  control.received.push(msg.event);
  trim(control.received);
  if (msg.event === "synchronize") {
    control.acknowledged++;
    send("acknowledge", { id: "fake-ccp-port" });
  } else if (msg.event === "api_request") {
    const req = msg.data || {};
    control.requests.push({ method: req.method, params: req.params, requestId: req.requestId, at: Date.now() });
    trim(control.requests);
    if (req.method === "putAgentState") {
      putAgentState(req);
    } else {
      answer(req.requestId, {}, null);
    }
    ui.render();
  }
});

/**
 * Runs a change of the model, then pushes the snapshot that shows it.
 * @template T
 * @param {() => T} f
 * @returns {T}
 */
function change(f) {
  const r = f();
  push();
  return r;
}

const api = {
  control,
  /** The agent states of the current region (their ARNs change with a failover). */
  get agentStates() {
    return model.agentStates;
  },
  /** @returns {ReturnType<typeof model.snapshot>} */
  snapshot: () => model.snapshot(),
  /** The contacts as the model holds them: [{id, channel, state}]. */
  contacts: () => model.contacts.map((c) => ({ id: c.id, channel: c.channel, state: c.state })),
  /**
   * The agent picks a state in the CCP; on a contact it becomes the next state.
   * @param {string} name
   */
  setState(name) {
    if (!model.byName(name)) throw new Error("no such agent state: " + name);
    change(() => model.agentSet(name));
  },
  /** The agent cancels its next state (Streams then fires onClearedNextState). */
  clearNextState: () => change(() => model.clearNextState()),
  /** Forces any state, system states included (e.g. MissedCallAgent). @param {string} name @param {string} [type] */
  forceState: (name, type) => change(() => model.force(name, type)),
  /**
   * A contact arrives and rings: `voice` (default), `queue_callback`, `chat`, `task`.
   * @param {"voice" | "queue_callback" | "chat" | "task"} [channel]
   * @returns {string} the contact's id
   */
  ring: (channel = "voice") => change(() => model.arrive(channel)),
  /** A supervisor starts monitoring a call: a connected voice contact, the agent's state unchanged. */
  monitor: () => change(() => model.arrive("monitoring")),
  /** The agent places an outbound call from its current state. */
  dial: () => change(() => model.arrive("outbound")),
  /** The agent accepts (a callback: dials; an outbound call: the customer answers). @param {string} [id] */
  answer: (id) => change(() => model.accept(id)),
  /** The contact ends: After Call Work. @param {string} [id] */
  hangup: (id) => change(() => model.end(id)),
  /** The agent clears the contact: with none left, the next state applies, else the state it chose. @param {string} [id] */
  clear: (id) => change(() => model.clear(id)),
  /**
   * The agent misses the contact: `missed`, the agent in MissedCallAgent (error); `latency`
   * ms later Connect takes the contact away (another agent gets it).
   * @param {string} [id]
   */
  miss(id) {
    const cid = change(() => model.miss(id));
    setTimeout(() => {
      if (model.contacts.some((c) => c.id === cid && c.state === "missed")) change(() => model.remove(cid));
    }, latency);
    return cid;
  },
  /** The connection fails: contact `error`, the agent in `stateName` (error). @param {string} [id] @param {string} [stateName] */
  fail: (id, stateName) => change(() => model.fail(id, stateName)),
  /** An admin moves the agent to another routing profile. @param {string} name */
  setRoutingProfile: (name) => change(() => model.setRoutingProfile(name)),
  /**
   * Region failover: the new region's agent data, then `globalResiliency::failover_complete`.
   * @param {{region?: string, states?: {name: string, type: string}[]}} [o]
   */
  failover(o = {}) {
    change(() => model.failover(o));
    send("globalResiliency::failover_complete", { activeRegion: model.region, activeCcpUrl: location.href });
  },
  /** Sends the last agent::update again (Connect reports the same snapshot twice). */
  repush() {
    control.updates++;
    send("agent::update", last ?? model.snapshot());
  },
  /** The next putAgentState calls fail with these errors. @param {string} type @param {number} [times] @param {string} [message] */
  failNext(type, times = 1, message = "simulated " + type) {
    for (let i = 0; i < times; i++) control.failures.push({ type, message });
  },
  /** putAgentState calls are recorded and never answered while on. @param {boolean} on */
  holdWrites(on) {
    control.hold = !!on;
  },
  /** putAgentState requests, in order. */
  writes() {
    return control.requests.filter((r) => r.method === "putAgentState");
  },
  /**
   * Pushes an agent::update whose state is exactly `state`, whatever it holds (hostile
   * payloads: wrong types, huge names, prototype keys). @param {any} state
   */
  pushRawState(state) {
    model.state = state;
    push();
  },
  /** Sends any conduit message to Streams. @param {string} event @param {any} data */
  sendRaw(event, data) {
    send(event, data);
  },
};
/**
 * Shared mode: what the agent does goes to the room (every frame shows the result, as it
 * arrives); the methods return promises of their result. A refusal (no contact to end) is
 * logged, as the real CCP greys out what cannot be done.
 * @param {string} op
 */
const viaRoom = (op) => (/** @type {unknown[]} */ ...args) => {
  const s = /** @type {NonNullable<typeof shared>} */ (shared);
  return s.agent(op, ...args).catch((e) => {
    console.warn(`fake CCP: ${op}: ${e.message}`);
    throw e;
  });
};
if (shared) {
  const s = shared;
  Object.assign(api, {
    setState: viaRoom("setState"),
    clearNextState: viaRoom("clearNextState"),
    forceState: viaRoom("forceState"),
    ring: viaRoom("ring"),
    monitor: viaRoom("monitor"),
    dial: viaRoom("dial"),
    answer: viaRoom("answer"),
    hangup: viaRoom("hangup"),
    clear: viaRoom("clear"),
    miss: viaRoom("miss"),
    fail: viaRoom("fail"),
    setRoutingProfile: viaRoom("setRoutingProfile"),
    failover: viaRoom("failover"),
    snapshot: () => s.update,
    contacts: () => s.mirror.contacts.map((c) => ({ ...c })),
    /** @param {string} type @param {number} [times] @param {string} [message] */
    failNext: (type, times = 1, message = "simulated " + type) => s.fault({ fail: { type, times, message } }),
    /** @param {boolean} on */
    holdWrites: (on) => (on ? s.fault({ hold: 1 }) : s.fault({ clear: true })),
  });
  Object.defineProperty(api, "agentStates", { get: () => s.mirror.agentStates });
}
Object.defineProperty(window, "fakeCCP", { value: api });

// In shared mode the controls show the room's agent (and act through the methods above).
const ui = createUI(params.get("ui") === "0" ? null : (document.getElementById("ccp") ?? document.body), shared ? /** @type {any} */ (shared.mirror) : model, api, control);

let booted = false;

/**
 * Shared mode: the room's agent as Connect pushes it, the first time when the frame
 * connects (the frame then says it is ready), then every change, to every frame.
 * @param {any} update
 * @param {{activeRegion: string} | null} failover
 */
function sharedUpdate(update, failover) {
  if (!booted) {
    booted = true;
    boot();
    return;
  }
  push();
  if (failover) send("globalResiliency::failover_complete", { activeRegion: failover.activeRegion, activeCcpUrl: location.href });
}

function boot() {
  ui.render();
  control.acknowledged++;
  send("acknowledge", { id: "fake-ccp-port" });
  push();
}

if (shared) shared.connect();
else boot();
