// The fake CCP's agent model (js/fake-ccp/model.js) against what Streams' own fixtures
// show (amazon-connect-streams 2.28.2 test/unit/sample-snapshots.js; the browser suites
// check the same snapshots through the real Streams library).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createModel, parseStates, AGENT_ID, INSTANCES, INVALID_STATE } from "../../fake-ccp/model.js";

/** The parts of a snapshot a test compares. @param {ReturnType<typeof createModel>} m */
function view(m) {
  const s = m.snapshot().snapshot;
  return {
    state: [s.state.name, s.state.type],
    availability: s.agentAvailabilityState.state,
    next: s.nextState ? s.nextState.name : null,
    contacts: s.contacts.map((c) => [c.type, c.state.type]),
  };
}

/** @param {ReturnType<typeof createModel>} m @param {string} name */
const put = (m, name, enqueueNextState = false) => ({ state: m.byName(name), enqueueNextState });

describe("fake CCP model", () => {
  it("an inbound call: PendingBusy, Busy, AfterCallWork, then the state the agent chose; availability stays Available", () => {
    const m = createModel();
    const id = m.arrive("voice");
    assert.deepEqual(view(m), { state: ["PendingBusy", "system"], availability: "Available", next: null, contacts: [["voice", "connecting"]] });
    const c = m.snapshot().snapshot.contacts[0];
    assert.equal(c.contactId, id);
    assert.equal(c.segmentAttributes["connect:Subtype"].ValueString, "connect:Telephony");
    // inboundVoiceContactSoftphone: the agent's leg connecting, the customer's connected, inbound.
    assert.deepEqual(c.connections.map((x) => [x.type, x.state.type]), [["agent", "connecting"], ["inbound", "connected"]]);
    m.accept();
    assert.deepEqual(view(m).state, ["Busy", "system"]);
    m.end();
    assert.deepEqual(view(m), { state: ["AfterCallWork", "system"], availability: "Available", next: null, contacts: [["voice", "ended"]] });
    m.clear();
    assert.deepEqual(view(m), { state: ["Available", "routable"], availability: "Available", next: null, contacts: [] });
  });

  it("an outbound call placed from Lunch: CallingCustomer, and Connect restores Lunch when it is cleared", () => {
    const m = createModel({ state: "Lunch" });
    m.arrive("outbound");
    assert.deepEqual(view(m), { state: ["CallingCustomer", "system"], availability: "Lunch", next: null, contacts: [["voice", "connecting"]] });
    // outboundVoiceContact: the customer's leg is of type outbound.
    assert.equal(m.snapshot().snapshot.contacts[0].connections[1].type, "outbound");
    m.accept();
    m.end();
    m.clear();
    assert.deepEqual(view(m).state, ["Lunch", "not_routable"]);
  });

  it("a queued callback: Pending typed not_routable while incoming (as Connect reports it), then CallingCustomer, then Busy", () => {
    const m = createModel();
    m.arrive("queue_callback");
    assert.deepEqual(view(m), { state: ["Pending", "not_routable"], availability: "Available", next: null, contacts: [["queue_callback", "incoming"]] });
    m.accept();
    assert.deepEqual(view(m).state, ["CallingCustomer", "system"]);
    assert.deepEqual(m.snapshot().snapshot.contacts[0].connections.map((x) => x.state.type), ["connecting", "connecting"]);
    m.accept();
    assert.deepEqual(view(m).state, ["Busy", "system"]);
  });

  it("chat, task and monitoring leave a blended agent Available (routable)", () => {
    for (const ch of /** @type {const} */ (["chat", "task", "monitoring"])) {
      const m = createModel();
      m.arrive(ch);
      const v = view(m);
      assert.deepEqual(v.state, ["Available", "routable"], ch);
      const c = m.snapshot().snapshot.contacts[0];
      if (ch === "monitoring") {
        // monitoringVoiceContact: a voice contact, connected, one connection of type monitoring.
        assert.deepEqual([c.type, c.state.type, c.connections.map((x) => x.type)], ["voice", "connected", ["monitoring"]]);
      } else if (ch === "task") {
        assert.deepEqual([c.type, c.initiationMethod, c.connections.length, c.connections[0].endpoint], ["task", "api", 1, null]);
      } else {
        assert.deepEqual([c.type, c.segmentAttributes["connect:Subtype"].ValueString, c.connections.map((x) => x.type)], ["chat", "connect:Chat", ["agent", "inbound"]]);
      }
      assert.equal(m.live(), true);
    }
  });

  it("several contacts: the voice call cleared leaves the chat; the next state applies when none is left", () => {
    const m = createModel();
    const chat = m.arrive("chat");
    m.accept(chat);
    const call = m.arrive("voice");
    m.accept(call);
    assert.deepEqual(view(m).contacts, [["chat", "connected"], ["voice", "connected"]]);
    m.agentSet("Lunch");
    assert.equal(view(m).next, "Lunch");
    m.end(call);
    m.clear(call);
    assert.deepEqual(view(m), { state: ["Available", "routable"], availability: "Available", next: "Lunch", contacts: [["chat", "connected"]] });
    m.end(chat);
    assert.deepEqual(view(m).state, ["Available", "routable"], "chat After Call Work does not change the agent's state");
    m.clear(chat);
    assert.deepEqual(view(m), { state: ["Lunch", "not_routable"], availability: "Lunch", next: null, contacts: [] });
  });

  it("putAgentState: refused during a live contact (ACW too) unless enqueued; unknown states and stale ARNs are invalid", () => {
    const m = createModel();
    assert.equal(m.checkPut(put(m, "Lunch")), null);
    m.arrive("chat");
    assert.deepEqual(m.checkPut(put(m, "Lunch")), INVALID_STATE);
    assert.equal(INVALID_STATE.message, "Cannot change agent state: Invalid agent or contact state.");
    assert.equal(m.checkPut(put(m, "Lunch", true)), null);
    m.put("Lunch");
    assert.equal(view(m).next, "Lunch");
    m.accept();
    m.end();
    assert.deepEqual(m.checkPut(put(m, "Break")), INVALID_STATE, "After Call Work is still a contact the agent handles");
    assert.equal(m.checkPut({ state: { name: "Nap", agentStateARN: "x" } }).type, "InvalidParameterException");
    assert.equal(m.checkPut({ state: { ...m.byName("Break"), agentStateARN: "arn:other" }, enqueueNextState: true }).type, "InvalidParameterException");
  });

  it("a missed call: contact missed, the agent in MissedCallAgent (error) until it picks a state", () => {
    const m = createModel();
    const id = m.arrive("voice");
    m.miss();
    assert.deepEqual(view(m), { state: ["MissedCallAgent", "error"], availability: "Available", next: null, contacts: [["voice", "missed"]] });
    assert.equal(m.live(), false);
    m.remove(id);
    assert.deepEqual(view(m), { state: ["MissedCallAgent", "error"], availability: "Available", next: null, contacts: [] });
    assert.equal(m.checkPut(put(m, "Available")), null);
    m.put("Available");
    assert.deepEqual(view(m).state, ["Available", "routable"]);
  });

  it("from an error state with a next state queued, the next state wins over the one picked (amazon-connect-streams #613)", () => {
    const m = createModel();
    m.arrive("voice");
    m.agentSet("Offline");
    m.miss();
    m.put("Available");
    assert.deepEqual(view(m), { state: ["Offline", "offline"], availability: "Offline", next: null, contacts: [] });
  });

  it("a failed connection: contact error, the agent in the error state named", () => {
    const m = createModel();
    m.arrive("outbound");
    m.fail(undefined, "FailedConnectCustomer");
    assert.deepEqual(view(m), { state: ["FailedConnectCustomer", "error"], availability: "Available", next: null, contacts: [["voice", "error"]] });
    m.clear();
    assert.deepEqual(view(m).state, ["FailedConnectCustomer", "error"]);
  });

  it("the agent clears the next state it queued", () => {
    const m = createModel();
    m.arrive("task");
    m.agentSet("Break");
    m.clearNextState();
    assert.equal(view(m).next, null);
    assert.throws(() => m.clearNextState(), /no next state/);
  });

  it("routing: no inbound contact while not routable, one voice line, outbound and monitoring from any state", () => {
    const m = createModel({ state: "Lunch" });
    assert.throws(() => m.arrive("voice"), /not routable/);
    assert.throws(() => m.arrive("chat"), /not routable/);
    m.arrive("monitoring");
    assert.throws(() => m.arrive("outbound"), /voice line is busy/);
  });

  it("configuration: the agent's own queue is among the routing profile's queues; Streams reads the instance from the routing profile Id", () => {
    const m = createModel();
    const cfg = m.snapshot().configuration;
    assert.ok(cfg.routingProfile.queues.some((q) => q.queueARN.endsWith("/queue/agent/" + AGENT_ID)));
    assert.equal(cfg.routingProfile.routingProfileId.match(/instance\/([0-9a-fA-F|-]+)\//)[1], INSTANCES["us-east-1"]);
    m.setRoutingProfile("Sales Routing Profile");
    assert.equal(m.snapshot().configuration.routingProfile.name, "Sales Routing Profile");
  });

  it("a region failover: the same states by name with the replica region's ARNs; the current state follows", () => {
    const m = createModel({ state: "Lunch" });
    const before = m.agentStates.map((s) => s.agentStateARN);
    m.failover();
    assert.equal(m.region, "us-west-2");
    assert.deepEqual(m.agentStates.map((s) => s.name), createModel().agentStates.map((s) => s.name));
    for (const [i, s] of m.agentStates.entries()) {
      assert.notEqual(s.agentStateARN, before[i]);
      assert.match(s.agentStateARN, new RegExp(`^arn:aws:connect:us-west-2:\\d+:instance/${INSTANCES["us-west-2"]}/agent-state/`));
    }
    assert.equal(m.snapshot().snapshot.state.agentStateARN, m.byName("Lunch").agentStateARN);
    assert.match(m.snapshot().configuration.agentARN, /us-west-2/);
    m.failover({ states: parseStates("Available:routable,Training:not_routable") });
    assert.equal(m.region, "us-east-1");
    assert.deepEqual(m.agentStates.map((s) => s.name), ["Available", "Training"]);
  });
});
