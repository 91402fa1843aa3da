// The real amazon-connect-streams library against the fake CCP: proves the fake
// speaks the conduit protocol well enough for Streams to behave as in production.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ccpFrame, waitFor } from "./harness.mjs";

/** @param {() => import("./harness.mjs").Harness} h */
export function streamsSuite(h) {
  describe("real Streams against the fake CCP", () => {
    /** @param {string} [query] */
    async function open(query = "") {
      const ccp = `${h().ccpBase}/fake-ccp/index.html?ui=0${query}`;
      const page = await h().open(`/pages/streams.html?ccp=${encodeURIComponent(ccp)}`);
      const frame = await ccpFrame(page);
      await waitFor(page, () => window.rec.agentInits > 0);
      return { page, frame };
    }

    it("initCCP is acknowledged and connect.agent fires with the CCP's snapshot", async () => {
      const { page, frame } = await open("&state=Lunch");
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
  });
}
