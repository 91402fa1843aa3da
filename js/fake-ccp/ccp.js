// A simulated Amazon Connect Contact Control Panel (CCP) frame.
//
// It speaks the Streams conduit protocol to its parent window over postMessage,
// with messages shaped {event, data}, exactly as the real CCP does:
//   - it sends `acknowledge` once loaded and answers every `synchronize` with `acknowledge`;
//   - it pushes the agent's data as `agent::update` {snapshot, configuration};
//   - it answers `api_request` (`putAgentState` and anything else) with `api_response`
//     {requestId, data, err}, a failure's `err` being a JSON string
//     such as {"type":"InvalidStateException","message":"..."}.
//
// The real `amazon-connect-streams` library in the parent page then fires
// `connect.agent` and `agent.onStateChange` as in production.
//
// Tests and the demo drive it through `window.fakeCCP` (tests evaluate in this frame
// with Playwright) and through the buttons it renders.
//
// Query parameters: `state` (initial state name, default Available),
// `latency` (ms between an accepted write and the agent::update that shows it, default 40),
// `states` (name:type,name:type replacing the default agent states),
// `ui=0` to hide the controls,
// `shared=<room>`: the agent state is the test server's room state (js/test/shared-platforms.mjs),
//   shared by every frame opened with the same room, like one agent's CCP in several tabs:
//   every frame receives every change, and putAgentState goes to the shared state,
// `keep=N`: remember only the last N requests and conduit events (long runs).

(function () {
  "use strict";

  const params = new URLSearchParams(location.search);
  const INSTANCE = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
  const ARN = "arn:aws:connect:us-east-1:123456789012:instance/" + INSTANCE;

  /** @typedef {{name: string, type: string, agentStateARN: string|null}} AgentState */
  /** @typedef {{method: string, params: any, requestId: string, at: number, answer?: {data: any, err: any}}} ApiRequest */

  /** @type {{name: string, type: string}[]} */
  let baseStates = [
    { name: "Available", type: "routable" },
    { name: "Lunch", type: "not_routable" },
    { name: "Break", type: "not_routable" },
    { name: "Coffee", type: "not_routable" },
    { name: "Training", type: "not_routable" },
    { name: "Back Office", type: "not_routable" },
    { name: "At Capacity", type: "not_routable" },
    { name: "Offline", type: "offline" },
  ];
  // states=Available:routable,Lunch:not_routable,Back+Office:not_routable (no JSON: Streams
  // formats the CCP URL with its sprintf, which fails on a "%" in it).
  const statesParam = params.get("states");
  if (statesParam) {
    baseStates = statesParam.split(",").map((p) => {
      const i = p.lastIndexOf(":");
      return { name: p.slice(0, i), type: p.slice(i + 1) };
    });
  }
  /** @type {AgentState[]} */
  const agentStates = baseStates.map((s, i) => ({
    agentStateARN: ARN + "/agent-state/" + String(i + 1).padStart(8, "0"),
    type: s.type,
    name: s.name,
  }));

  const latency = Number(params.get("latency") ?? 40);
  const room = params.get("shared");
  const sharedBase = room ? "/shared/" + encodeURIComponent(room) + "/ccp/" : "";
  const keep = Number(params.get("keep") ?? 0);

  /** @param {string} name @returns {AgentState|undefined} */
  const byName = (name) => agentStates.find((s) => s.name === name);

  /** @param {string} name @param {string} type */
  const systemState = (name, type = "system") => ({ agentStateARN: null, type, name });

  const model = {
    /** @type {{agentStateARN: string|null, name: string, type: string, startTimestamp: Date}} */
    state: { ...(byName(params.get("state") ?? "Available") ?? agentStates[0]), startTimestamp: new Date() },
    /** @type {null | {agentStateARN: string|null, name: string, type: string}} */
    nextState: null,
    /** @type {any[]} */
    contacts: [],
    /** the state to return to when a contact clears without a next state */
    /** @type {AgentState|null} */
    resumeState: null,
    contactSeq: 0,
  };

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

  function snapshot() {
    const now = new Date();
    return {
      snapshot: {
        state: { ...model.state },
        agentAvailabilityState: { state: model.state.name, timeStamp: model.state.startTimestamp },
        nextState: model.nextState ? { ...model.nextState } : null,
        contacts: model.contacts.map((c) => structuredClone(c)),
        snapshotTimestamp: now,
        localTimestamp: now,
        skew: 0,
      },
      configuration: {
        agentStates: agentStates.map((s) => ({ ...s })),
        name: "Jane Agent",
        username: "jane",
        agentARN: ARN + "/agent/11111111-2222-4333-8444-555555555555",
        extension: "",
        softphoneEnabled: false,
        softphoneAutoAccept: false,
        dialableCountries: ["us"],
        agentPreferences: { LANGUAGE: "en_US" },
        permissions: ["outboundCall"],
        routingProfile: {
          name: "Basic Routing Profile",
          routingProfileARN: ARN + "/routing-profile/66666666-7777-4888-9999-000000000000",
          routingProfileId: ARN + "/routing-profile/66666666-7777-4888-9999-000000000000",
          defaultOutboundQueue: { queueARN: ARN + "/queue/q1", name: "BasicQueue", queueId: ARN + "/queue/q1" },
          queues: [{ queueARN: ARN + "/queue/q1", name: "BasicQueue", queueId: ARN + "/queue/q1" }],
          channelConcurrencyMap: { VOICE: 1, CHAT: 0, TASK: 0 },
        },
      },
    };
  }

  function push() {
    control.updates++;
    send("agent::update", snapshot());
    render();
  }

  /** @param {{agentStateARN: string|null, name: string, type: string}} st */
  function enter(st) {
    model.state = { ...st, startTimestamp: new Date() };
  }

  /** @param {string} requestId @param {any} data @param {any} err */
  function answer(requestId, data, err) {
    const r = control.requests.find((x) => x.requestId === requestId);
    if (r) r.answer = { data, err };
    send("api_response", { requestId, data, err });
    render();
  }

  /** putAgentState on the shared state: the server answers; the change comes back as an event. */
  /** @param {{requestId: string, method: string, params: any}} req @param {AgentState} target */
  function sharedPut(req, target) {
    const p = req.params || {};
    fetch(sharedBase + "put", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: target.name, enqueueNextState: !!p.enqueueNextState }),
    })
      .then((r) => r.json())
      .then((r) => {
        if (r.held) return;
        if (r.err) answer(req.requestId, null, r.err);
        else answer(req.requestId, {}, null);
      })
      .catch((e) => answer(req.requestId, null, JSON.stringify({ type: "NetworkException", message: String(e) })));
  }

  /** @param {{requestId: string, method: string, params: any}} req */
  function putAgentState(req) {
    const p = req.params || {};
    if (room) {
      const target = p.state && byName(p.state.name);
      if (!target || p.state.agentStateARN !== target.agentStateARN) {
        answer(req.requestId, null, JSON.stringify({
          type: "InvalidParameterException",
          message: "Agent state " + JSON.stringify(p.state && p.state.name) + " is not valid for this agent",
        }));
        return;
      }
      sharedPut(req, target);
      return;
    }
    if (control.hold) return;
    if (control.failures.length) {
      const f = /** @type {{type: string, message: string}} */ (control.failures.shift());
      answer(req.requestId, null, JSON.stringify(f));
      return;
    }
    const target = p.state && byName(p.state.name);
    if (!target || !p.state || p.state.agentStateARN !== target.agentStateARN) {
      answer(req.requestId, null, JSON.stringify({
        type: "InvalidParameterException",
        message: "Agent state " + JSON.stringify(p.state && p.state.name) + " is not valid for this agent",
      }));
      return;
    }
    if (model.contacts.length) {
      if (!p.enqueueNextState) {
        answer(req.requestId, null, JSON.stringify({
          type: "InvalidStateException",
          message: "The agent is on a contact: set the next status with enqueueNextState",
        }));
        return;
      }
      answer(req.requestId, {}, null);
      model.nextState = { ...target };
      setTimeout(push, latency);
      return;
    }
    answer(req.requestId, {}, null);
    setTimeout(() => {
      if (model.contacts.length) {
        model.nextState = { ...target };
      } else {
        enter(target);
      }
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
      render();
    }
  });

  // ---- contacts -------------------------------------------------------------------

  /** @param {string} id @param {string} contactState @param {string} connState */
  function voiceContact(id, contactState, connState) {
    const ts = new Date();
    return {
      contactId: id,
      initialContactId: id,
      type: "voice",
      contactSubtype: "connect:Telephony",
      initiationMethod: "inbound",
      state: { type: contactState, timestamp: ts },
      queue: { queueARN: ARN + "/queue/q1", name: "BasicQueue", queueId: ARN + "/queue/q1" },
      queueTimestamp: ts,
      attributes: {},
      contactDuration: "0",
      connections: [
        {
          connectionId: id + "-agent",
          endpoint: { endpointARN: null, phoneNumber: "", agentLogin: "jane", name: "Jane Agent", queue: null, type: "agent" },
          state: { type: connState, timestamp: ts },
          type: "agent",
          initial: false,
          mute: false,
        },
        {
          connectionId: id + "-customer",
          endpoint: { endpointARN: null, phoneNumber: "+15555550100", agentLogin: null, name: null, queue: null, type: "phone_number" },
          state: { type: connState === "disconnected" ? "disconnected" : "connected", timestamp: ts },
          type: "inbound",
          initial: true,
          mute: false,
        },
      ],
    };
  }

  const api = {
    control,
    agentStates,
    /** @returns {ReturnType<typeof snapshot>} */
    snapshot,
    /** The agent picks a state in the CCP. @param {string} name */
    setState(name) {
      const st = byName(name);
      if (!st) throw new Error("no such agent state: " + name);
      if (room) {
        fetch(sharedBase + "set", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name }) });
        return;
      }
      if (model.contacts.length) {
        model.nextState = { ...st };
      } else {
        enter(st);
      }
      push();
    },
    /** Forces any state, system states included (e.g. MissedCallAgent). @param {string} name @param {string} [type] */
    forceState(name, type) {
      enter(byName(name) ?? systemState(name, type));
      push();
    },
    /** An inbound call rings. */
    ring() {
      if (model.contacts.length) throw new Error("already on a contact");
      model.contactSeq++;
      const id = "contact-" + String(model.contactSeq).padStart(4, "0");
      model.resumeState = byName(model.state.name) ?? byName("Available") ?? null;
      model.contacts = [voiceContact(id, "connecting", "connecting")];
      enter(systemState("PendingBusy"));
      push();
      return id;
    },
    /** The agent accepts the ringing call. */
    answer() {
      const c = model.contacts[0];
      if (!c) throw new Error("no contact");
      model.contacts = [voiceContact(c.contactId, "connected", "connected")];
      enter(systemState("Busy"));
      push();
    },
    /** The call ends: the agent goes to After Call Work. */
    hangup() {
      const c = model.contacts[0];
      if (!c) throw new Error("no contact");
      model.contacts = [voiceContact(c.contactId, "ended", "disconnected")];
      enter(systemState("AfterCallWork"));
      push();
    },
    /** The agent clears the contact: the next state applies, else the state before the call. */
    clear() {
      if (!model.contacts.length) throw new Error("no contact");
      model.contacts = [];
      const next = model.nextState ?? model.resumeState ?? byName("Available") ?? agentStates[0];
      model.nextState = null;
      model.resumeState = null;
      enter(next);
      push();
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
  Object.defineProperty(window, "fakeCCP", { value: api });

  // ---- UI ------------------------------------------------------------------------

  /** @type {HTMLElement|null} */
  let root = null;

  /** @param {string} tag @param {Record<string, string>} [attrs] @param {(string|Node)[]} [kids] */
  function el(tag, attrs = {}, kids = []) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    for (const k of kids) e.append(k);
    return e;
  }

  /** @param {string} label @param {() => void} fn @param {boolean} [disabled] @param {string} [id] */
  function button(label, fn, disabled = false, id = "") {
    const b = el("button", { type: "button" }, [label]);
    if (id) b.id = id;
    b.disabled = disabled;
    b.addEventListener("click", () => {
      try {
        fn();
      } catch (e) {
        console.error(e);
      }
    });
    return b;
  }

  function render() {
    if (!root) return;
    const onContact = model.contacts.length > 0;
    const c = model.contacts[0];
    root.replaceChildren();
    root.append(el("h2", {}, ["Amazon Connect CCP (simulated)"]));
    const stateRow = el("div", { class: "state state-" + model.state.type, id: "ccp-state" }, [model.state.name]);
    root.append(stateRow);
    if (model.nextState) root.append(el("div", { class: "next", id: "ccp-next" }, ["Next status: " + model.nextState.name]));
    const states = el("div", { class: "row" });
    for (const s of agentStates) {
      const b = button(s.name, () => api.setState(s.name), false, "ccp-set-" + s.name.replace(/\W+/g, "-"));
      if (s.name === model.state.name) b.className = "current";
      states.append(b);
    }
    root.append(states);
    const call = el("div", { class: "row call" });
    call.append(button("Inbound call", () => api.ring(), onContact || model.state.type !== "routable", "ccp-ring"));
    call.append(button("Accept", () => api.answer(), !c || c.state.type !== "connecting", "ccp-answer"));
    call.append(button("Hang up", () => api.hangup(), !c || c.state.type !== "connected", "ccp-hangup"));
    call.append(button("Clear contact", () => api.clear(), !c || c.state.type !== "ended", "ccp-clear"));
    root.append(call);
    if (c) root.append(el("div", { class: "contact", id: "ccp-contact" }, ["Call " + c.contactId + " from +1 555 555 0100: " + c.state.type]));
    const log = el("ol", { class: "log", id: "ccp-log" });
    for (const r of control.requests.filter((x) => x.method === "putAgentState").slice(-6)) {
      const p = r.params || {};
      let outcome = "pending";
      if (r.answer) outcome = r.answer.err ? "failed: " + JSON.parse(r.answer.err).type : "accepted";
      log.append(el("li", {}, ["putAgentState " + (p.state && p.state.name) + (p.enqueueNextState ? " (next status)" : "") + " \u2192 " + outcome]));
    }
    root.append(el("div", { class: "label" }, ["API requests from Streams"]), log);
  }

  /** Shared mode: the room's state first, then every change as it happens. */
  function bootShared() {
    /** @param {string} name */
    const show = (name) => {
      if (typeof name !== "string" || name === model.state.name) return;
      enter(byName(name) ?? systemState(name));
      push();
    };
    fetch(sharedBase + "state")
      .then((r) => r.json())
      .then((r) => {
        if (typeof r.state === "string") model.state = { ...(byName(r.state) ?? systemState(r.state)), startTimestamp: new Date() };
        const es = new EventSource(sharedBase + "events");
        es.onmessage = (ev) => {
          try {
            show(JSON.parse(ev.data).state);
          } catch (e) {
            console.error("fake CCP: bad shared event", e);
          }
        };
        boot();
      });
  }

  function boot() {
    if (params.get("ui") !== "0") {
      root = document.getElementById("ccp") ?? document.body;
      render();
    }
    control.acknowledged++;
    send("acknowledge", { id: "fake-ccp-port" });
    push();
  }

  const begin = room ? bootShared : boot;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", begin);
  } else {
    begin();
  }
})();
