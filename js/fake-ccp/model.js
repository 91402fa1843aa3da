// @ts-check
// The simulated agent behind the fake CCP: agent states, contacts of every channel, the
// next state, the routing profile and the region, and the snapshot Streams receives as
// `agent::update`. No DOM and no conduit here (ccp.js speaks to Streams, ui.js draws), so
// the unit tests run it under Node (js/test/unit/fake-ccp.test.mjs).
//
// What it models, and where each behaviour comes from (amazon-connect-streams at 2.28.2:
// `test/unit/sample-snapshots.js`, `src/api.js`, `src/core.js`, `Documentation.md`):
//   - contact shapes: `contactId, type, segmentAttributes, initiationMethod, state{type,
//     timestamp}, connections[{connectionId, endpoint, state, type, ...}], queue, ...` as in
//     sample-snapshots.js (inboundVoiceContactSoftphone l.17, monitoringVoiceContact l.201,
//     outboundVoiceContact l.264, queuedCallbackContactIncoming l.359,
//     queuedCallbackContactConnecting l.449, chatContact l.549, taskContact l.639);
//   - the agent state a contact puts the agent in: an inbound call rings as `PendingBusy`
//     (system), an outbound call or an accepted callback as `CallingCustomer` (system), an
//     incoming callback as `Pending` typed `not_routable` (queuedCallbackContactIncoming,
//     l.441-446: that is what Connect reports), a connected call as `Busy`, a call after it
//     ends as `AfterCallWork`; chat, task and monitoring contacts leave the agent in its state
//     (chatContact l.631, taskContact l.721, monitoringVoiceContact l.256: `Available`,
//     routable; Documentation.md "A note on Routability", l.7);
//   - `agentAvailabilityState` stays the state the agent chose (`Available` in every
//     fixture above while the agent is PendingBusy, Pending or CallingCustomer;
//     Documentation.md `agent.getAvailabilityState()`, l.819);
//   - a missed call puts the contact in `missed` (Documentation.md `contact.onMissed()`,
//     l.1191) and the agent in `MissedCallAgent`, typed `error` like every
//     `connect.AgentErrorStates` member (src/api.js l.46; Documentation.md `agent.onError()`,
//     l.648: "the agent fails to accept an incoming voice contact"); a failed connection puts
//     the contact in `error` and the agent in `FailedConnectAgent`/`FailedConnectCustomer`
//     (test/unit/core/core.agent-data-provider.test.js, "triggers ENDED on active->inactive
//     transition": state `error`/`FailedConnectCustomer`, contact `error`); the agent stays
//     in the error state until it picks a state;
//   - a plain `putAgentState` while the agent handles a live contact (After Call Work
//     included) fails with `InvalidStateException` "Cannot change agent state: Invalid
//     agent or contact state." (Documentation.md `agent.setState()`, l.918: "Can only be
//     performed if the agent is not handling a live contact"; the error text as Connect
//     returns it, amazon-connect-streams issue #465); with `enqueueNextState` it becomes the
//     next state, applied when the agent has no contact left;
//   - a state chosen while in an error state with a next state queued applies the queued
//     next state instead (amazon-connect-streams issue #613, a quirk Connect still has);
//   - the agent's own queue `.../queue/agent/<agentId>` among the routing profile's queues,
//     which Streams' logger reads the agent's resource Id from (release bundle,
//     `Agent.prototype._getResourceId`: "queueArns did not contain agentResourceId" otherwise);
//   - a region failover (Connect Global Resiliency): the replica instance in the other
//     region has its own ARNs for the same agent states (matched by name).

/**
 * @typedef {{agentStateARN: string | null, type: string, name: string}} AgentState
 * @typedef {"voice" | "queue_callback" | "chat" | "task" | "monitoring" | "outbound"} Channel
 * @typedef {{
 *   id: string, channel: Channel, state: string, since: Date, queued: Date,
 *   error?: string,
 * }} ContactRecord
 * @typedef {{states?: {name: string, type: string}[], state?: string, region?: string}} ModelOptions
 */

export const ACCOUNT = "123456789012";
export const AGENT_ID = "11111111-2222-4333-8444-555555555555";
/** The instance in each region (Global Resiliency: a replica in the other region). */
export const INSTANCES = Object.freeze({
  "us-east-1": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
  "us-west-2": "ffffffff-bbbb-4ccc-8ddd-eeeeeeeeeeee",
});
const ROUTING_PROFILE_ID = "66666666-7777-4888-9999-000000000000";

/** The default agent states. */
export const DEFAULT_STATES = Object.freeze([
  { name: "Available", type: "routable" },
  { name: "Lunch", type: "not_routable" },
  { name: "Break", type: "not_routable" },
  { name: "Coffee", type: "not_routable" },
  { name: "Training", type: "not_routable" },
  { name: "Back Office", type: "not_routable" },
  { name: "At Capacity", type: "not_routable" },
  { name: "Offline", type: "offline" },
]);

/** Contact states in which the agent no longer handles the contact (src/api.js CONTACT_ACTIVE_STATES, l.138, plus `ended`: After Call Work is still handled). */
const NOT_LIVE = new Set(["missed", "error", "rejected"]);
/** Channels that take the agent's voice line. */
const VOICE_LINE = new Set(["voice", "outbound", "queue_callback"]);

export const INVALID_STATE = Object.freeze({
  type: "InvalidStateException",
  message: "Cannot change agent state: Invalid agent or contact state.",
});

/**
 * Reads `name:type,name:type` (the `states` query parameter).
 * @param {string} text
 * @returns {{name: string, type: string}[]}
 */
export function parseStates(text) {
  return text.split(",").filter(Boolean).map((p) => {
    const i = p.lastIndexOf(":");
    return { name: p.slice(0, i), type: p.slice(i + 1) };
  });
}

/**
 * The simulated agent.
 * @param {ModelOptions} [opts]
 */
export function createModel(opts = {}) {
  let region = opts.region ?? "us-east-1";
  /** @type {{name: string, type: string}[]} */
  let catalog = (opts.states ?? DEFAULT_STATES).map((s) => ({ name: s.name, type: s.type }));
  const instanceArn = () => `arn:aws:connect:${region}:${ACCOUNT}:instance/${INSTANCES[/** @type {keyof typeof INSTANCES} */ (region)] ?? INSTANCES["us-east-1"]}`;
  /** @returns {AgentState[]} */
  const buildStates = () => catalog.map((s, i) => ({
    agentStateARN: instanceArn() + "/agent-state/" + String(i + 1).padStart(8, "0"),
    type: s.type,
    name: s.name,
  }));
  let agentStates = buildStates();
  /** @param {string} name */
  const byName = (name) => agentStates.find((s) => s.name === name);
  const first = byName(opts.state ?? "Available") ?? agentStates[0];

  const m = {
    /** @type {any} the current state as Streams shows it (any value: hostile tests push raw ones) */
    state: { ...first, startTimestamp: new Date() },
    /** the state the agent chose (agentAvailabilityState) */
    availability: { state: first.name, timeStamp: new Date() },
    /** @type {AgentState | null} */
    nextState: null,
    /** @type {AgentState | null} the error state the agent is in until it picks a state */
    errorState: null,
    /** @type {ContactRecord[]} */
    contacts: [],
    seq: 0,
    routingProfile: "Basic Routing Profile",
  };

  /** @param {AgentState} st */
  function enter(st) {
    if (m.state && m.state.name === st.name && m.state.type === st.type) return;
    m.state = { ...st, startTimestamp: new Date() };
  }

  /** @param {AgentState} st the agent's own choice */
  function choose(st) {
    m.availability = { state: st.name, timeStamp: new Date() };
  }

  /** Whether the agent handles a contact: any contact not missed, in error or rejected. */
  function live() {
    return m.contacts.some((c) => !NOT_LIVE.has(c.state));
  }

  /** The state a voice-line contact puts the agent in. @param {ContactRecord} c @returns {AgentState} */
  function voiceState(c) {
    const sys = (/** @type {string} */ name, type = "system") => ({ agentStateARN: null, type, name });
    switch (c.state) {
      case "incoming":
        return sys("Pending", "not_routable");
      case "connecting":
        return c.channel === "voice" ? sys("PendingBusy") : sys("CallingCustomer");
      case "connected":
        return sys("Busy");
      case "ended":
        return sys("AfterCallWork");
      case "missed":
        return sys("MissedCallAgent", "error");
      default:
        return sys(c.error ?? "FailedConnectAgent", "error");
    }
  }

  /** Puts the agent in the state its contacts (or its choice) give it. */
  function settle() {
    const voice = m.contacts.find((c) => VOICE_LINE.has(c.channel));
    if (voice) {
      const st = voiceState(voice);
      if (st.type === "error") m.errorState = st;
      enter(st);
      return;
    }
    if (m.errorState) {
      enter(m.errorState);
      return;
    }
    if (!m.contacts.length && m.nextState) {
      const next = m.nextState;
      m.nextState = null;
      choose(next);
    }
    enter(byName(m.availability.state) ?? { agentStateARN: null, type: "not_routable", name: m.availability.state });
  }

  /**
   * The contact `id`, or the one the agent would act on: a voice-line contact first, else
   * the latest one, among those `ok` accepts.
   * @param {string | undefined} id
   * @param {(c: ContactRecord) => boolean} ok
   * @param {string} what
   */
  function pick(id, ok, what) {
    const cs = id ? m.contacts.filter((c) => c.id === id) : m.contacts.filter(ok);
    const c = id ? cs[0] : (cs.find((x) => VOICE_LINE.has(x.channel)) ?? cs.at(-1));
    if (!c) throw new Error(id ? `no contact ${id}` : `no contact to ${what}`);
    if (!ok(c)) throw new Error(`contact ${c.id} (${c.channel}, ${c.state}) cannot ${what}`);
    return c;
  }

  /** @param {ContactRecord} c @param {string} state */
  function move(c, state) {
    c.state = state;
    c.since = new Date();
  }

  const model = {
    get state() {
      return m.state;
    },
    /** Replaces the current state with any value (hostile payload tests). @param {any} st */
    set state(st) {
      m.state = st;
    },
    get agentStates() {
      return agentStates;
    },
    get nextState() {
      return m.nextState;
    },
    get availability() {
      return m.availability.state;
    },
    get contacts() {
      return m.contacts;
    },
    get region() {
      return region;
    },
    get routingProfile() {
      return m.routingProfile;
    },
    byName,
    live,

    /**
     * The agent picks a state in the CCP: on a contact it becomes the next state (the CCP's
     * "next status"), in an error state with a next state queued that one applies (#613).
     * @param {string} name
     */
    agentSet(name) {
      const st = byName(name);
      if (!st) throw new Error("no such agent state: " + name);
      if (live()) {
        m.nextState = { ...st };
        return;
      }
      model.applyState(st);
    },

    /** The agent cancels the next state it queued. */
    clearNextState() {
      if (!m.nextState) throw new Error("no next state to clear");
      m.nextState = null;
    },

    /**
     * Whether a putAgentState would be accepted: null, or the error Connect answers.
     * @param {any} params {state, enqueueNextState}
     * @returns {{type: string, message: string} | null}
     */
    checkPut(params) {
      const p = params || {};
      const target = p.state && typeof p.state.name === "string" ? byName(p.state.name) : undefined;
      if (!target || p.state.agentStateARN !== target.agentStateARN) {
        return {
          type: "InvalidParameterException",
          message: "Agent state " + JSON.stringify(p.state && p.state.name) + " is not valid for this agent",
        };
      }
      if (live() && !p.enqueueNextState) return { ...INVALID_STATE };
      return null;
    },

    /**
     * Applies an accepted putAgentState: the next state while the agent handles a contact,
     * else the state.
     * @param {string} name
     */
    put(name) {
      const st = byName(name);
      if (!st) return;
      if (live()) {
        m.nextState = { ...st };
        return;
      }
      model.applyState(st);
    },

    /**
     * The agent is put in `st` (no live contact): out of an error state, with the contacts
     * that were missed or failed closed; a queued next state wins from an error state (#613).
     * @param {AgentState} st
     */
    applyState(st) {
      let target = st;
      if (m.errorState && m.nextState) target = m.nextState;
      m.errorState = null;
      m.nextState = null;
      m.contacts = m.contacts.filter((c) => !NOT_LIVE.has(c.state));
      choose(target);
      settle();
    },

    /** Forces any state, system and error states included. @param {string} name @param {string} [type] */
    force(name, type = "system") {
      m.state = { ...(byName(name) ?? { agentStateARN: null, type, name }), startTimestamp: new Date() };
    },

    /**
     * A contact arrives: `voice` (inbound call, rings), `queue_callback` (incoming),
     * `chat`, `task` (connecting), `monitoring` (a supervisor listening in: connected at
     * once), `outbound` (the agent dials: CallingCustomer).
     * @param {Channel} channel
     * @returns {string} the contact's id
     */
    arrive(channel) {
      if (!["voice", "queue_callback", "chat", "task", "monitoring", "outbound"].includes(channel)) {
        throw new Error("unknown channel " + channel);
      }
      const voiceLine = VOICE_LINE.has(channel) || channel === "monitoring";
      if (voiceLine && m.contacts.some((c) => VOICE_LINE.has(c.channel) || c.channel === "monitoring")) {
        throw new Error("the agent's voice line is busy (routing profile: VOICE 1)");
      }
      if (channel !== "monitoring" && channel !== "outbound" && byName(m.availability.state)?.type !== "routable") {
        throw new Error("the agent is not routable (" + m.availability.state + "): Connect routes it no contact");
      }
      m.seq++;
      const id = `${channel}-${String(m.seq).padStart(4, "0")}-0000-4000-8000-000000000000`;
      const now = new Date();
      const first = channel === "queue_callback" ? "incoming" : channel === "monitoring" ? "connected" : "connecting";
      m.contacts.push({ id, channel, state: first, since: now, queued: now });
      settle();
      return id;
    },

    /** The agent accepts (a callback: then dials the customer; an outbound call: the customer answers). @param {string} [id] */
    accept(id) {
      const c = pick(id, (x) => x.state === "incoming" || x.state === "connecting", "be accepted");
      move(c, c.state === "incoming" ? "connecting" : "connected");
      settle();
    },

    /** The contact ends: After Call Work (its contact state `ended`). @param {string} [id] */
    end(id) {
      const c = pick(id, (x) => x.state === "connected" || x.state === "connecting", "end");
      move(c, "ended");
      settle();
    },

    /** The agent closes the contact (after After Call Work, a miss or an error). @param {string} [id] */
    clear(id) {
      const c = pick(id, (x) => x.state === "ended" || NOT_LIVE.has(x.state), "be cleared");
      m.contacts = m.contacts.filter((x) => x !== c);
      settle();
    },

    /** Connect takes a missed contact away (it is routed to another agent). @param {string} id */
    remove(id) {
      m.contacts = m.contacts.filter((x) => x.id !== id);
      settle();
    },

    /** The agent does not answer: the contact is missed. @param {string} [id] */
    miss(id) {
      const c = pick(id, (x) => x.state === "incoming" || x.state === "connecting", "be missed");
      move(c, "missed");
      settle();
      return c.id;
    },

    /** The connection fails: the contact goes to `error` (a call: the agent to the error state `stateName`). @param {string} [id] @param {string} [stateName] */
    fail(id, stateName = "FailedConnectAgent") {
      const c = pick(id, (x) => !NOT_LIVE.has(x.state) && x.state !== "ended", "fail");
      c.error = stateName;
      move(c, "error");
      settle();
    },

    /** An admin moves the agent to another routing profile. @param {string} name */
    setRoutingProfile(name) {
      m.routingProfile = name;
    },

    /**
     * Region failover: the agent is now served by the replica instance in the other region,
     * whose agent states have their own ARNs (optionally another catalog).
     * @param {{region?: string, states?: {name: string, type: string}[]}} [o]
     */
    failover(o = {}) {
      region = o.region ?? (region === "us-east-1" ? "us-west-2" : "us-east-1");
      if (o.states) catalog = o.states.map((s) => ({ name: s.name, type: s.type }));
      agentStates = buildStates();
      const cur = m.state && typeof m.state.name === "string" ? byName(m.state.name) : undefined;
      if (cur) m.state = { ...cur, startTimestamp: m.state.startTimestamp };
      if (m.nextState) m.nextState = byName(m.nextState.name) ?? null;
    },

    /** The `agent::update` payload: {snapshot, configuration}. */
    snapshot() {
      const now = new Date();
      return {
        snapshot: {
          state: m.state && typeof m.state === "object" ? { ...m.state } : m.state,
          agentAvailabilityState: { state: m.availability.state, timeStamp: m.availability.timeStamp },
          nextState: m.nextState ? { ...m.nextState } : null,
          contacts: m.contacts.map(contactData),
          snapshotTimestamp: now,
          localTimestamp: now,
          skew: 0,
        },
        configuration: configuration(),
      };
    },
  };

  function configuration() {
    const inst = instanceArn();
    const queue = { queueARN: inst + "/queue/q1", name: "BasicQueue", queueId: inst + "/queue/q1" };
    const own = { queueARN: inst + "/queue/agent/" + AGENT_ID, name: null, queueId: inst + "/queue/agent/" + AGENT_ID };
    const rp = inst + "/routing-profile/" + ROUTING_PROFILE_ID;
    return {
      agentStates: agentStates.map((s) => ({ ...s })),
      name: "Jane Agent",
      username: "jane",
      agentARN: inst + "/agent/" + AGENT_ID,
      extension: "",
      softphoneEnabled: false,
      softphoneAutoAccept: false,
      dialableCountries: ["us"],
      agentPreferences: { LANGUAGE: "en_US" },
      permissions: ["outboundCall"],
      routingProfile: {
        name: m.routingProfile,
        routingProfileARN: rp,
        routingProfileId: rp,
        defaultOutboundQueue: queue,
        queues: [queue, own],
        channelConcurrencyMap: { VOICE: 1, CHAT: 3, TASK: 3 },
      },
    };
  }

  /** A contact as the snapshot carries it (sample-snapshots.js shapes). @param {ContactRecord} c */
  function contactData(c) {
    const inst = instanceArn();
    const st = { type: c.state, timestamp: c.since };
    const gone = c.state === "ended" || NOT_LIVE.has(c.state);
    const agentLeg = gone ? "disconnected" : c.state === "incoming" ? "connecting" : c.state;
    const type = c.channel === "monitoring" || c.channel === "outbound" ? "voice" : c.channel;
    /** @param {string} suffix @param {string} connType @param {any} endpoint @param {string} legState @param {boolean} initial */
    const conn = (suffix, connType, endpoint, legState, initial) => ({
      chatMediaInfo: type === "chat" ? { chatAutoAccept: false, connectionData: "redacted", customerName: connType === "agent" ? null : "Customer" } : null,
      connectionId: c.id + suffix,
      endpoint,
      initial,
      monitoringInfo: null,
      mute: type === "voice" ? false : null,
      quickConnectName: null,
      softphoneMediaInfo: null,
      state: { type: legState, timestamp: c.since },
      type: connType,
    });
    const agentEndpoint = { agentLogin: null, endpointARN: null, name: null, phoneNumber: null, queue: null, type: "agent" };
    const phone = { agentLogin: null, endpointARN: null, name: null, phoneNumber: "+15555550100", queue: null, type: "phone_number" };
    const customerLeg = gone ? "disconnected" : c.channel === "queue_callback" && c.state === "connecting" ? "connecting" : "connected";
    /** @type {any[]} */
    let connections;
    switch (c.channel) {
      case "monitoring":
        connections = [conn("", "monitoring", null, gone ? "disconnected" : "connected", true)];
        break;
      case "task":
        connections = [conn("-agent", "agent", null, agentLeg, true)];
        break;
      case "chat":
        connections = [conn("-agent", "agent", agentEndpoint, agentLeg, false), conn("-customer", "inbound", null, customerLeg, true)];
        break;
      default:
        connections = [
          conn("-agent", "agent", agentEndpoint, agentLeg, false),
          conn("-customer", c.channel === "outbound" ? "outbound" : "inbound", phone, customerLeg, true),
        ];
    }
    return {
      attributes: {},
      channelContext: c.channel === "task" ? { scheduledTime: null, taskTemplateId: null, taskTemplateVersion: null } : null,
      connections,
      contactDuration: String(Math.max(0, Math.round((Date.now() - c.queued.getTime()) / 1000))),
      contactFeatures: null,
      contactId: c.id,
      // contact.getContactSubtype() reads segmentAttributes["connect:Subtype"] (Documentation.md
      // `contact.getSegmentAttributes()`: {"connect:Direction": {ValueString}, "connect:Subtype": {ValueString}})
      segmentAttributes: {
        "connect:Direction": { ValueString: c.channel === "outbound" || c.channel === "queue_callback" ? "OUTBOUND" : "INBOUND" },
        "connect:Subtype": { ValueString: c.channel === "chat" ? "connect:Chat" : c.channel === "task" ? "connect:Task" : "connect:Telephony" },
      },
      description: null,
      initialContactId: c.channel === "monitoring" || c.channel === "chat" || c.channel === "task" ? null : c.id,
      // null as in every fixture but the task's ("api")
      initiationMethod: c.channel === "task" ? "api" : null,
      name: c.channel === "task" ? "Follow up" : null,
      queue: c.channel === "monitoring" ? null : { name: "BasicQueue", queueARN: inst + "/queue/q1" },
      queueTimestamp: c.channel === "monitoring" ? null : c.queued,
      references: c.channel === "task" ? {} : null,
      state: st,
      type,
    };
  }

  return model;
}
