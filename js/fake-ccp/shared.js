// @ts-check
// The fake CCP frame's shared mode (`?shared=<room>`): the agent lives in the test server's
// room (js/test/shared-ccp.mjs), as a real agent's state lives in Amazon Connect, and every
// frame opened with the same room shows it, as every CCP an agent has open does. The server
// pushes each change to every frame (Server-Sent Events); the frame passes the
// `agent::update` on to Streams, as a real CCP passes on what Connect pushes to it, and
// draws its controls from the agent's view. What the agent does in any frame, and every
// `putAgentState` Streams sends, goes to the server, which answers it as Connect does.

const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/**
 * Reads an `agent::update` payload that crossed as JSON: its timestamps become Dates again
 * (Streams calls `getTime()` on `state.startTimestamp` and on each contact's
 * `state.timestamp`).
 * @param {string} text
 */
export function reviveUpdate(text) {
  return JSON.parse(text, (k, v) => (typeof v === "string" && /timestamp$/i.test(k) && ISO_DATE.test(v) ? new Date(v) : v));
}

/**
 * @typedef {{name: string, type: string, agentStateARN?: string | null}} StateView
 * @typedef {{
 *   state: StateView, availability: string, nextState: StateView | null,
 *   contacts: {id: string, channel: string, state: string}[],
 *   agentStates: StateView[], routingProfile: string, region: string,
 * }} AgentView what the server sends for the frame's controls
 */

/**
 * @param {string} room
 * @param {{onUpdate(update: any, failover: {activeRegion: string} | null): void}} hooks
 *   onUpdate: the agent as Connect pushes it now (the first call: the agent when the frame connects)
 */
export function createShared(room, hooks) {
  const roomBase = "/shared/" + encodeURIComponent(room) + "/";
  const base = roomBase + "ccp/";
  /** @type {AgentView} */
  let view = { state: { name: "", type: "offline" }, availability: "", nextState: null, contacts: [], agentStates: [], routingProfile: "", region: "" };
  /** @type {any} the last agent::update */
  let update = null;

  /** The agent as the frame's controls read a model (js/fake-ccp/ui.js). */
  const mirror = {
    get state() {
      return view.state;
    },
    get availability() {
      return view.availability;
    },
    get nextState() {
      return view.nextState;
    },
    get contacts() {
      return view.contacts;
    },
    get agentStates() {
      return view.agentStates;
    },
    get routingProfile() {
      return view.routingProfile;
    },
    get region() {
      return view.region;
    },
    /** @param {string} name */
    byName: (name) => view.agentStates.find((s) => s.name === name),
  };

  /** @param {string} path @param {unknown} body */
  async function post(path, body) {
    const r = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    return r.json();
  }

  /**
   * The agent does `op` (the server's model runs it; every frame shows the result).
   * Resolves with its result; rejects with what the agent could not do.
   * @param {string} op
   * @param {unknown[]} args
   */
  async function agent(op, ...args) {
    const r = await post(base + "agent", { op, args: args.filter((a) => a !== undefined) });
    if (r.error) throw new Error(r.error);
    return r.result;
  }

  /**
   * putAgentState: the server answers as Connect does; `answer` is called with (data, err),
   * or never when the write goes unanswered.
   * @param {any} params {state, enqueueNextState}
   * @param {(data: any, err: any) => void} answer
   */
  function put(params, answer) {
    const p = params || {};
    post(base + "put", { state: p.state, enqueueNextState: !!p.enqueueNextState })
      .then((r) => {
        if (r.held) return;
        if (r.err) answer(null, r.err);
        else answer({}, null);
      })
      .catch((e) => answer(null, JSON.stringify({ type: "NetworkException", message: String(e) })));
  }

  /** Arms a fault on the server, for every frame. @param {any} body */
  function fault(body) {
    return post(roomBase + "faults", { system: "ccp", ...body });
  }

  function connect() {
    const es = new EventSource(base + "events");
    es.onmessage = (ev) => {
      let m;
      try {
        m = JSON.parse(ev.data);
        m.update = reviveUpdate(JSON.stringify(m.update));
      } catch (e) {
        console.warn("fake CCP: a shared agent message could not be read", e);
        return;
      }
      view = m.view;
      update = m.update;
      hooks.onUpdate(update, m.failover ?? null);
    };
  }

  return {
    mirror,
    agent,
    put,
    fault,
    connect,
    /** the last agent::update */
    get update() {
      return update;
    },
  };
}
