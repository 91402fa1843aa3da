// The real amazon-connect-streams library against the fake CCP: proves the fake
// speaks the conduit protocol well enough for Streams to behave as in production, and that
// what Streams' API shows of its contacts, states and next state is what Streams' own
// fixtures show (test/unit/sample-snapshots.js at 2.28.2; js/fake-ccp/model.js cites each).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ccpFrame, waitFor } from "./harness.mjs";

/** @param {() => import("./harness.mjs").Harness} h */
export function streamsSuite(h) {
  describe("real Streams against the fake CCP", () => {
    /** @param {string} [query] */
    async function open(query = "?ui=0") {
      const ccp = `${h().ccpBase}/fake-ccp/index.html${query}`;
      const page = await h().open(`/pages/streams.html?ccp=${encodeURIComponent(ccp)}`);
      const frame = await ccpFrame(page);
      await waitFor(page, () => window.rec.agentInits > 0);
      return { page, frame };
    }

    it("initCCP is acknowledged and connect.agent fires with the CCP's snapshot", async () => {
      const { page, frame } = await open("?ui=0&state=Lunch");
      const st = await page.evaluate(() => window.currentState());
      assert.equal(st.name, "Lunch");
      assert.equal(st.type, "not_routable");
      const names = await page.evaluate(() => window.agentStates().map((s) => s.name));
      const fromCCP = await frame.evaluate(() => window.fakeCCP.agentStates.map((s) => s.name));
      assert.deepEqual(names, fromCCP);
      // Streams' keepalive synchronizes with the CCP and is acknowledged.
      await waitFor(frame, () => window.fakeCCP.control.received.includes("synchronize"));
      await page.close();
    });

    it("onStateChange fires for a change pushed by the CCP", async () => {
      const { page, frame } = await open();
      await frame.evaluate(() => window.fakeCCP.setState("Break"));
      const changes = await waitFor(page, () => {
        const c = window.rec.stateChanges.filter((x) => x.oldState !== "Init");
        return c.length ? c : null;
      });
      assert.deepEqual(changes, [{ oldState: "Available", newState: "Break" }]);
      await page.close();
    });

    it("agent.setState reaches the CCP as putAgentState with the state object, then the change comes back", async () => {
      const { page, frame } = await open();
      await page.evaluate(() => window.setAgentState("Training", false));
      const writes = await waitFor(frame, () => {
        const w = window.fakeCCP.writes();
        return w.length ? w : null;
      });
      const states = await page.evaluate(() => window.agentStates());
      assert.equal(writes.length, 1);
      assert.deepEqual(writes[0].params, {
        state: states.find((s) => s.name === "Training"),
        enqueueNextState: false,
      });
      await waitFor(page, () => window.rec.results.length === 1 && window.rec.results[0].ok);
      await waitFor(page, () => window.rec.stateChanges.some((c) => c.newState === "Training"));
      await page.close();
    });

    it("on a contact, enqueueNextState is carried and the next state applies when the contact clears", async () => {
      const { page, frame } = await open();
      await frame.evaluate(() => { window.fakeCCP.ring(); window.fakeCCP.answer(); });
      await waitFor(page, () => window.currentState().name === "Busy");
      await page.evaluate(() => window.setAgentState("Lunch", true));
      const w = await waitFor(frame, () => window.fakeCCP.writes()[0]);
      assert.equal(w.params.enqueueNextState, true);
      assert.equal(w.params.state.name, "Lunch");
      await waitFor(page, () => window.rec.results.length === 1);
      assert.equal(await page.evaluate(() => window.currentState().name), "Busy");
      await frame.evaluate(() => { window.fakeCCP.hangup(); });
      await waitFor(page, () => window.currentState().name === "AfterCallWork");
      await frame.evaluate(() => { window.fakeCCP.clear(); });
      await waitFor(page, () => window.currentState().name === "Lunch");
      const seq = await page.evaluate(() => window.rec.stateChanges.map((c) => c.newState));
      assert.deepEqual(seq.slice(-4), ["PendingBusy", "Busy", "AfterCallWork", "Lunch"]);
      await page.close();
    });

    it("a CCP failure reaches the failure callback as a JSON-string error", async () => {
      const { page, frame } = await open();
      await frame.evaluate(() => window.fakeCCP.failNext("InvalidStateException", 1, "not now"));
      await page.evaluate(() => window.setAgentState("Lunch", false));
      const r = await waitFor(page, () => window.rec.results[0]);
      assert.equal(r.ok, false);
      assert.equal(typeof r.err, "string");
      assert.deepEqual(JSON.parse(r.err), { type: "InvalidStateException", message: "not now" });
      await page.close();
    });

    /** @param {import("playwright-core").Page} page */
    const view = (page) => page.evaluate(() => window.agentView());
    /** @param {import("playwright-core").Frame} frame @param {string} js */
    const ccp = (frame, js) => frame.evaluate(js);

    it("Streams shows a blended agent's chat, task and monitoring contacts at once, the agent still Available (routable)", async () => {
      const { page, frame } = await open();
      await ccp(frame, "window.fakeCCP.ring('chat')");
      await waitFor(page, () => window.agentView().contacts.length === 1);
      assert.deepEqual(await view(page), {
        state: ["Available", "routable"], availability: "Available", next: null, routingProfile: "Basic Routing Profile",
        contacts: [{ type: "chat", state: "connecting", subtype: "connect:Chat", connections: ["agent", "inbound"] }],
        resourceId: "11111111-2222-4333-8444-555555555555",
      });
      await ccp(frame, "window.fakeCCP.answer(); window.fakeCCP.ring('task'); window.fakeCCP.monitor()");
      await waitFor(page, () => window.agentView().contacts.length === 3);
      const v = await view(page);
      assert.deepEqual(v.state, ["Available", "routable"]);
      assert.deepEqual(v.contacts.map((c) => [c.type, c.state, c.connections.join("+")]), [
        ["chat", "connected", "agent+inbound"], ["task", "connecting", "agent"], ["voice", "connected", "monitoring"],
      ]);
      assert.deepEqual(await page.evaluate(() => window.rec.stateChanges.filter((c) => c.oldState !== "Init")), [], "a chat, task or monitoring contact changed the agent's state");
      await page.close();
    });

    it("inbound call, queued callback and outbound call: the system states, Pending typed not_routable, availability kept", async () => {
      const { page, frame } = await open();
      await ccp(frame, "window.fakeCCP.ring('queue_callback')");
      await waitFor(page, () => window.agentView().state[0] === "Pending");
      assert.deepEqual((await view(page)).state, ["Pending", "not_routable"]);
      assert.deepEqual((await view(page)).contacts.map((c) => [c.type, c.state]), [["queue_callback", "incoming"]]);
      await ccp(frame, "window.fakeCCP.answer()");
      await waitFor(page, () => window.agentView().state[0] === "CallingCustomer");
      await ccp(frame, "window.fakeCCP.answer(); window.fakeCCP.hangup(); window.fakeCCP.clear()");
      await waitFor(page, () => window.agentView().state[0] === "Available");
      // The agent goes to Lunch, then places an outbound call: Connect restores Lunch after it.
      await ccp(frame, "window.fakeCCP.setState('Lunch'); window.fakeCCP.dial()");
      await waitFor(page, () => window.agentView().state[0] === "CallingCustomer");
      const calling = await view(page);
      assert.equal(calling.availability, "Lunch");
      assert.deepEqual(calling.contacts.map((c) => [c.type, c.state, c.connections.join("+")]), [["voice", "connecting", "agent+outbound"]]);
      await ccp(frame, "window.fakeCCP.answer(); window.fakeCCP.hangup(); window.fakeCCP.clear()");
      await waitFor(page, () => window.agentView().state[0] === "Lunch");
      const seq = await page.evaluate(() => window.rec.stateChanges.filter((c) => c.oldState !== "Init").map((c) => c.newState));
      assert.deepEqual(seq, ["Pending", "CallingCustomer", "Busy", "AfterCallWork", "Available", "Lunch", "CallingCustomer", "Busy", "AfterCallWork", "Lunch"]);
      await page.close();
    });

    it("a missed call: MissedCallAgent typed error, the contact missed then gone; a plain setState gets the agent out", async () => {
      const { page, frame } = await open();
      await ccp(frame, "window.fakeCCP.ring(); window.fakeCCP.miss()");
      await waitFor(page, () => window.agentView().state[0] === "MissedCallAgent");
      const missed = await view(page);
      assert.deepEqual([missed.state, missed.availability], [["MissedCallAgent", "error"], "Available"]);
      await waitFor(page, () => window.agentView().contacts.length === 0);
      assert.deepEqual((await view(page)).state, ["MissedCallAgent", "error"]);
      await page.evaluate(() => window.setAgentState("Available", false));
      await waitFor(page, () => window.agentView().state[0] === "Available");
      assert.deepEqual(await page.evaluate(() => window.rec.results.map((r) => r.ok)), [true]);
      await page.close();
    });

    it("a plain setState during a live contact fails as Connect's does; enqueued it fires onEnqueuedNextState, cancelled onClearedNextState", async () => {
      const { page, frame } = await open();
      await ccp(frame, "window.fakeCCP.ring('chat'); window.fakeCCP.answer()");
      await waitFor(page, () => window.agentView().contacts.length === 1);
      await page.evaluate(() => window.setAgentState("Lunch", false));
      const r = await waitFor(page, () => window.rec.results[0]);
      assert.equal(r.ok, false);
      assert.deepEqual(JSON.parse(r.err), { type: "InvalidStateException", message: "Cannot change agent state: Invalid agent or contact state." });
      await page.evaluate(() => window.setAgentState("Lunch", true));
      await waitFor(page, () => window.rec.enqueued.length === 1);
      assert.deepEqual(await page.evaluate(() => [window.rec.enqueued, window.agentView().next, window.agentView().state[0]]), [["Lunch"], "Lunch", "Available"]);
      // The agent picks Break in the CCP (its next status), then cancels it.
      await ccp(frame, "window.fakeCCP.setState('Break')");
      await waitFor(page, () => window.agentView().next === "Break");
      await ccp(frame, "window.fakeCCP.clearNextState()");
      await waitFor(page, () => window.rec.cleared.length === 1);
      assert.deepEqual(await page.evaluate(() => [window.rec.enqueued, window.rec.cleared, window.agentView().next]), [["Lunch", "Break"], [null], null]);
      await page.close();
    });

    it("the same snapshot twice is an agent::refresh without a state change; another routing profile shows in getRoutingProfile", async () => {
      const { page, frame } = await open();
      await waitFor(page, () => window.rec.refreshes > 0);
      const before = await page.evaluate(() => window.rec.refreshes);
      await ccp(frame, "window.fakeCCP.repush()");
      await waitFor(page, (n) => window.rec.refreshes > n, before);
      await ccp(frame, "window.fakeCCP.setRoutingProfile('Sales Routing Profile')");
      await waitFor(page, () => window.agentView().routingProfile === "Sales Routing Profile");
      assert.deepEqual(await page.evaluate(() => window.rec.stateChanges.filter((c) => c.oldState !== "Init")), []);
      await page.close();
    });

    it("the simulated CCP's own controls (the demo's): a chat, its next status queued and cancelled, a missed call, a failover", async () => {
      const { page, frame } = await open("?");
      await frame.click("#ccp-chat");
      await frame.click("#ccp-chat1-answer");
      await waitFor(page, () => window.agentView().contacts[0]?.state === "connected");
      await frame.click("#ccp-set-Lunch");
      await waitFor(page, () => window.agentView().next === "Lunch");
      assert.match(await frame.textContent("#ccp-next"), /Next status: Lunch/);
      await frame.click("#ccp-clear-next");
      await waitFor(page, () => window.rec.cleared.length === 1);
      await frame.click("#ccp-chat1-hangup");
      await frame.click("#ccp-chat1-clear");
      await frame.click("#ccp-ring");
      await frame.click("#ccp-miss");
      await waitFor(page, () => window.agentView().state[0] === "MissedCallAgent");
      assert.equal(await frame.textContent("#ccp-state"), "MissedCallAgent");
      await frame.click("#ccp-set-Available");
      await waitFor(page, () => window.agentView().state[0] === "Available");
      await frame.click("#ccp-failover");
      await waitFor(page, () => window.rec.failovers.length === 1);
      assert.equal(await frame.textContent("#ccp-region"), "Region: us-west-2");
      await page.close();
    });

    it("a region failover: onFailoverCompleted fires once Streams has the new region's agent states; writes need their ARNs", async () => {
      const { page, frame } = await open();
      const east = await page.evaluate(() => window.agentStates());
      await ccp(frame, "window.fakeCCP.failover()");
      const f = await waitFor(page, () => window.rec.failovers[0]);
      assert.equal(f.data.activeRegion, "us-west-2");
      assert.deepEqual(f.states.map((s) => s.name), east.map((s) => s.name));
      for (const s of f.states) assert.match(s.agentStateARN, /^arn:aws:connect:us-west-2:/);
      // The old region's state object is refused; the new one is accepted.
      await page.evaluate((st) => {
        window.__old = st;
      }, east.find((s) => s.name === "Lunch"));
      await page.evaluate(() => new Promise((resolve) => {
        connect.agent((a) => a.setState(window.__old, { success: resolve, failure: (e) => { window.rec.results.push({ ok: false, err: e }); resolve(); } }));
      }));
      assert.equal(JSON.parse(await page.evaluate(() => window.rec.results[0].err)).type, "InvalidParameterException");
      await page.evaluate(() => window.setAgentState("Lunch", false));
      await waitFor(page, () => window.agentView().state[0] === "Lunch");
      await page.close();
    });
  });
}
