// Initialises the real Streams library against the fake CCP named by ?ccp=
// and records what Streams reports. Streams swallows exceptions thrown in its
// handlers, so everything is recorded here and asserted by the test.
(function () {
  "use strict";
  const params = new URLSearchParams(location.search);
  /** @type {{agentInits: number, stateChanges: {oldState: string, newState: string}[], results: any[]}} */
  const rec = { agentInits: 0, stateChanges: [], results: [] };
  Object.defineProperty(window, "rec", { value: rec });

  connect.core.initCCP(document.getElementById("ccp"), {
    ccpUrl: params.get("ccp"),
    loginPopup: false,
    softphone: { allowFramedSoftphone: false },
  });

  /** @type {any} */
  let agentRef = null;
  connect.agent(function (agent) {
    rec.agentInits++;
    agentRef = agent;
    agent.onStateChange(function (e) {
      rec.stateChanges.push({ oldState: e.oldState, newState: e.newState });
    });
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
})();
