// Initialises the real Streams library against the fake CCP named by ?ccp=
// and records what Streams reports. Streams swallows exceptions thrown in its
// handlers, so everything is recorded here and asserted by the test.
(function () {
  "use strict";
  const params = new URLSearchParams(location.search);
  /**
   * @type {{agentInits: number, stateChanges: {oldState: string, newState: string}[], results: any[],
   *   refreshes: number, enqueued: (string | null)[], cleared: (string | null)[], failovers: {data: any, states: any[]}[]}}
   */
  const rec = { agentInits: 0, stateChanges: [], results: [], refreshes: 0, enqueued: [], cleared: [], failovers: [] };
  Object.defineProperty(window, "rec", { value: rec });

  connect.core.initCCP(document.getElementById("ccp"), {
    ccpUrl: params.get("ccp"),
    loginPopup: false,
    softphone: { allowFramedSoftphone: false },
  });

  /** @type {any} */
  let agentRef = null;
  const nextName = function () {
    const n = agentRef.getNextState();
    return n ? n.name : null;
  };
  connect.agent(function (agent) {
    rec.agentInits++;
    agentRef = agent;
    agent.onStateChange(function (e) {
      rec.stateChanges.push({ oldState: e.oldState, newState: e.newState });
    });
    agent.onRefresh(function () { rec.refreshes++; });
    agent.onEnqueuedNextState(function () { rec.enqueued.push(nextName()); });
    agent.onClearedNextState(function () { rec.cleared.push(nextName()); });
  });
  connect.globalResiliency.onFailoverCompleted(function (data) {
    rec.failovers.push({ data: data, states: agentRef.getAgentStates() });
  });

  /**
   * Sets the agent state by name through Streams and records the outcome.
   * @param {string} name
   * @param {boolean} enqueue
   */
  window.setAgentState = function (name, enqueue) {
    const state = agentRef.getAgentStates().find(function (s) { return s.name === name; });
    agentRef.setState(state, {
      success: function (data) { rec.results.push({ name: name, ok: true, data: data }); },
      failure: function (err, data) { rec.results.push({ name: name, ok: false, err: err, data: data }); },
    }, { enqueueNextState: enqueue });
  };
  window.currentState = function () {
    return agentRef ? agentRef.getState() : null;
  };
  window.agentStates = function () {
    return agentRef ? agentRef.getAgentStates() : null;
  };
  /** What Streams' API shows of the agent now. */
  window.agentView = function () {
    const st = agentRef.getState();
    return {
      state: [st.name, st.type],
      availability: agentRef.getAvailabilityState().state,
      next: nextName(),
      contacts: agentRef.getContacts().map(function (c) {
        // (The connections' types from the snapshot: Streams' getConnections() needs the
        // task and chat media libraries for a task's or chat's connections.)
        const data = agentRef._getData().snapshot.contacts.find(function (d) { return d.contactId === c.getContactId(); });
        return { type: c.getType(), state: c.getState().type, subtype: c.getContactSubtype(), connections: data.connections.map(function (k) { return k.type; }) };
      }),
      routingProfile: agentRef.getRoutingProfile().name,
      resourceId: String(agentRef._getResourceId()),
    };
  };
})();
