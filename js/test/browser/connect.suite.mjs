// The Connect side end to end, on the real Streams: the module (ES build, Go engine in
// WebAssembly) in headless Chromium, `connect.core.initCCP` against the fake CCP, the
// simulated Omni-Channel as the Salesforce adapter. One test per sequence where telling
// the engine only the state's name goes wrong (rules/SEMANTICS.md, sections 12, 16, 19):
// contacts that leave the agent Available, a contact still open after another's After
// Call Work, the state Connect restores after an outbound call, an error state after a
// missed call, a next state the agent queues or cancels, several contacts and a repeated
// report, the routing profile and next state as rule operands, a region failover.
//
// Each asserts what reaches the CCP (putAgentState and its enqueueNextState) and what the
// engine reports (action statuses, errors).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ccpFrame, waitFor } from "./harness.mjs";

/** Status Ids of testdata/rules/default.json (the simulated Omni-Channel's statuses). */
const ID = { Available: "0N5xx0000000001", Lunch: "0N5xx0000000002", Busy: "0N5xx0000000004" };

/**
 * A rule in the adapter's record form.
 * @param {string} name
 * @param {"Salesforce" | "Connect"} from the source: a Salesforce or a Connect agent state change
 * @param {string} operandA
 * @param {string} value operand B's static value
 * @param {string} target the other system's state
 */
function rule(name, from, operandA, value, target) {
  return {
    name,
    source: from === "Salesforce" ? "Salesforce Agent State Change" : "Connect Agent State Change",
    operandA,
    comparator: "Equal to",
    operandB: "Static Value",
    operandBValue: value,
    destination: from === "Salesforce" ? "Connect Agent State" : "Salesforce Agent State",
    value: target,
  };
}

/** Omni-Channel status `status` sets Connect state `state`. @param {string} status @param {string} state */
const omniToConnect = (status, state) => rule(`Omni ${status} to Connect`, "Salesforce", "Salesforce Agent New State", status, state);

/** @param {() => import("./harness.mjs").Harness} h */
export function connectSuite(h) {
  /**
   * Opens the shim page with Streams against the fake CCP and starts the sync.
   * @param {{ccp?: string, omni?: string, rules: any[]}} o ccp: fake CCP query; omni: the initial Omni status
   */
  async function open(o) {
    const ccp = `${h().ccpBase}/fake-ccp/index.html?ui=0${o.ccp ?? ""}`;
    const page = await h().open(`/pages/shim.html?ccp=${encodeURIComponent(ccp)}${o.omni ? "&omni=" + o.omni : ""}`);
    const frame = await ccpFrame(page);
    await waitFor(page, () => window.pageReady);
    const r = await page.evaluate((rules) => window.t.start({ rules: { rules } }), o.rules);
    assert.deepEqual(r, { ok: true });
    return { page, frame };
  }

  /** putAgentState calls the CCP received. @param {import("playwright-core").Frame} frame */
  const writes = (frame) => frame.evaluate(() => window.fakeCCP.writes().map((w) => ({
    name: w.params.state.name,
    enqueueNextState: w.params.enqueueNextState,
    outcome: w.answer ? (w.answer.err ? JSON.parse(w.answer.err).type : "ok") : "pending",
  })));
  /**
   * Runs fake CCP controls in the frame: `js` is an expression (calls joined with commas)
   * over `c`, window.fakeCCP; returns its value.
   * @param {import("playwright-core").Frame} frame @param {string} js
   */
  const ccp = (frame, js) => frame.evaluate(`(() => { const c = window.fakeCCP; return (${js}); })()`);
  /** Waits until Streams in the page shows `name` and `contacts` contacts. @param {import("playwright-core").Page} page */
  const streamsShows = (page, /** @type {string} */ name, /** @type {number} */ contacts) => waitFor(page, ([n, k]) => {
    const a = new connect.Agent();
    return a.getState().name === n && a.getContacts().length === k;
  }, [name, contacts]);
  /** @param {import("playwright-core").Page} page @param {string} rule */
  const statuses = (page, rule) => page.evaluate((r) => window.t.statuses(r), rule);
  /** @param {import("playwright-core").Page} page */
  const errors = (page) => page.evaluate(() => window.t.rec.errors.map((e) => `${e.code}: ${e.message}`));
  /** @param {import("playwright-core").Frame} frame */
  const ccpState = (frame) => frame.evaluate(() => window.fakeCCP.snapshot().snapshot.state.name);

  describe("the Connect side true to Streams (real Streams, fake CCP, the engine)", () => {
    // Streams Documentation.md "A note on Routability" (chat and task contacts do not change
    // the agent's state) and `agent.setState` ("only if the agent is not handling a live
    // contact"); sample-snapshots.js chatContact, taskContact, monitoringVoiceContact (Available).
    for (const [channel, arrive] of [["chat", "c.ring('chat'), c.answer()"], ["task", "c.ring('task'), c.answer()"], ["monitoring", "c.monitor()"]]) {
      it(`a blended agent Available with a ${channel} contact: a not-routable target goes with enqueueNextState`, async () => {
        const { page, frame } = await open({ rules: [omniToConnect("Lunch", "Lunch")] });
        await ccp(frame, arrive);
        await streamsShows(page, "Available", 1);
        await page.evaluate(() => window.t.omni.agent.setStatus("Lunch"));
        await waitFor(frame, () => window.fakeCCP.writes().some((w) => w.answer));
        await page.waitForTimeout(200);
        assert.deepEqual(await writes(frame), [{ name: "Lunch", enqueueNextState: true, outcome: "ok" }]);
        assert.equal(await frame.evaluate(() => window.fakeCCP.snapshot().snapshot.nextState?.name), "Lunch");
        // The contact ends: Connect applies the next state; nothing more is written.
        await ccp(frame, "c.hangup(), c.clear()");
        await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Lunch");
        await page.waitForTimeout(200);
        assert.equal((await writes(frame)).length, 1);
        assert.deepEqual(await errors(page), []);
        assert.deepEqual(page.pageErrors, []);
        await page.close();
      });
    }

    // Documentation.md `agent.onAfterCallWork` (ACW is a voice-only agent state); a chat's
    // contact stays in the snapshot until it is cleared.
    it("a chat still open after the voice call's After Call Work: the agent is Available and still on a contact", async () => {
      const { page, frame } = await open({ rules: [omniToConnect("Lunch", "Lunch")] });
      const chat = await ccp(frame, "c.ring('chat')");
      await ccp(frame, `c.answer(${JSON.stringify(chat)}), c.ring(), c.answer()`);
      await streamsShows(page, "Busy", 2);
      await ccp(frame, "c.hangup(), c.clear()");
      await streamsShows(page, "Available", 1);
      await page.evaluate(() => window.t.omni.agent.setStatus("Lunch"));
      await waitFor(frame, () => window.fakeCCP.writes().some((w) => w.answer));
      await page.waitForTimeout(200);
      assert.deepEqual(await writes(frame), [{ name: "Lunch", enqueueNextState: true, outcome: "ok" }]);
      await ccp(frame, `c.hangup(${JSON.stringify(chat)}), c.clear(${JSON.stringify(chat)})`);
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Lunch");
      assert.deepEqual(await errors(page), []);
      await page.close();
    });

    // sample-snapshots.js outboundVoiceContact: CallingCustomer while agentAvailabilityState
    // stays the agent's own state, which Connect restores when the contact is cleared.
    it("an outbound call placed from Lunch: the Available that waited is written when Connect restores Lunch", async () => {
      const { page, frame } = await open({ ccp: "&state=Lunch", omni: "Lunch", rules: [omniToConnect("Available", "Available")] });
      await ccp(frame, "c.dial(), c.answer()");
      await streamsShows(page, "Busy", 1);
      await page.evaluate(() => window.t.omni.agent.setStatus("Available"));
      await waitFor(page, () => window.t.statuses("Omni Available to Connect").includes("deferred"));
      await page.waitForTimeout(200);
      assert.deepEqual(await writes(frame), [], "a routable state was written during the call");
      await ccp(frame, "c.hangup(), c.clear()");
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Available");
      assert.deepEqual(await writes(frame), [{ name: "Available", enqueueNextState: false, outcome: "ok" }]);
      assert.deepEqual(await errors(page), []);
      await page.close();
    });

    // src/api.js AgentErrorStates (MissedCallAgent); Documentation.md `agent.onError` and
    // `contact.onMissed`: the agent is not routable until it picks a state.
    it("a missed call (MissedCallAgent, typed error) while a routable write waits: the write is issued", async () => {
      const { page, frame } = await open({ omni: "Break", rules: [omniToConnect("Available", "Available")] });
      await ccp(frame, "c.ring()");
      await streamsShows(page, "PendingBusy", 1);
      await page.evaluate(() => window.t.omni.agent.setStatus("Available"));
      await waitFor(page, () => window.t.statuses("Omni Available to Connect").includes("deferred"));
      await ccp(frame, "c.miss()");
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Available");
      assert.deepEqual(await writes(frame), [{ name: "Available", enqueueNextState: false, outcome: "ok" }]);
      assert.deepEqual(await errors(page), []);
      await page.close();
    });

    // Documentation.md `agent.onEnqueuedNextState` / `agent.getNextState`.
    it("the agent queues a next state during the call: the deferred write is superseded then, and never written", async () => {
      const { page, frame } = await open({ omni: "Break", rules: [omniToConnect("Available", "Available")] });
      await ccp(frame, "c.ring(), c.answer()");
      await streamsShows(page, "Busy", 1);
      await page.evaluate(() => window.t.omni.agent.setStatus("Available"));
      await waitFor(page, () => window.t.statuses("Omni Available to Connect").includes("deferred"));
      await ccp(frame, "c.setState('Lunch')");
      await waitFor(page, () => new connect.Agent().getNextState()?.name === "Lunch");
      await waitFor(page, () => window.t.statuses("Omni Available to Connect").includes("superseded"), undefined, 3000);
      assert.equal(await ccpState(frame), "Busy", "superseded only when the contact ended");
      await ccp(frame, "c.hangup(), c.clear()");
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Lunch");
      await page.waitForTimeout(300);
      assert.deepEqual(await writes(frame), []);
      assert.equal(await ccpState(frame), "Lunch");
      assert.deepEqual(await errors(page), []);
      await page.close();
    });

    // Streams 2.28.1 `agent.onClearedNextState` (src/core.js _fireAgentUpdateEvents, #1063).
    it("the agent cancels the next state the engine enqueued: the write is reported superseded", async () => {
      const { page, frame } = await open({ rules: [omniToConnect("Lunch", "Lunch")] });
      await ccp(frame, "c.ring(), c.answer()");
      await streamsShows(page, "Busy", 1);
      await page.evaluate(() => window.t.omni.agent.setStatus("Lunch"));
      await waitFor(page, () => new connect.Agent().getNextState()?.name === "Lunch");
      assert.deepEqual(await writes(frame), [{ name: "Lunch", enqueueNextState: true, outcome: "ok" }]);
      await ccp(frame, "c.clearNextState()");
      await waitFor(page, () => window.t.statuses("Omni Lunch to Connect").includes("superseded"), undefined, 3000);
      assert.equal(await ccpState(frame), "Busy");
      await ccp(frame, "c.hangup(), c.clear()");
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Available");
      await page.waitForTimeout(300);
      assert.equal((await writes(frame)).length, 1, "the cancelled next state was written again");
      assert.deepEqual(await errors(page), []);
      await page.close();
    });

    // src/core.js updateAgentData: agent::refresh for every snapshot, the same one included.
    it("several contacts, and the last one's end reported twice: one write, once no contact is left", async () => {
      const { page, frame } = await open({
        ccp: "&states=Available:routable,Blended:routable,Lunch:not_routable,Offline:offline",
        rules: [omniToConnect("Available_Chat", "Blended")],
      });
      const chat = await ccp(frame, "c.ring('chat')");
      await ccp(frame, `c.answer(${JSON.stringify(chat)}), c.ring(), c.answer()`);
      await streamsShows(page, "Busy", 2);
      await page.evaluate(() => window.t.omni.agent.setStatus("Available_Chat"));
      await waitFor(page, () => window.t.statuses("Omni Available_Chat to Connect").includes("deferred"));
      // The call ends and is cleared: Available again, the chat still open.
      await ccp(frame, "c.hangup(), c.clear()");
      await streamsShows(page, "Available", 1);
      await page.waitForTimeout(300);
      assert.deepEqual(await writes(frame), [], "written while the chat was still open");
      await ccp(frame, `c.hangup(${JSON.stringify(chat)}), c.clear(${JSON.stringify(chat)}), c.repush(), c.repush()`);
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Blended");
      await page.waitForTimeout(300);
      assert.deepEqual(await writes(frame), [{ name: "Blended", enqueueNextState: false, outcome: "ok" }]);
      assert.deepEqual(await errors(page), []);
      await page.close();
    });

    it("Connect Routing Profile and Connect Agent Next State are read from Streams by rules", async () => {
      const { page, frame } = await open({
        rules: [
          rule("Lunch queued: Omni Lunch", "Connect", "Connect Agent Next State", "Lunch", "Lunch"),
          rule("Sales profile: Omni Busy", "Connect", "Connect Routing Profile", "Sales Routing Profile", "Busy"),
        ],
      });
      const omniCalls = () => page.evaluate(() => window.t.omniCalls().map(([method, id]) => id ?? method));
      // On the Basic profile a call changes nothing in Omni.
      await ccp(frame, "c.ring(), c.answer()");
      await streamsShows(page, "Busy", 1);
      await ccp(frame, "c.hangup(), c.clear()");
      await streamsShows(page, "Available", 0);
      await page.waitForTimeout(200);
      assert.deepEqual(await omniCalls(), []);
      // An admin moves the agent to the Sales profile (no state change), then a call connects.
      await ccp(frame, "c.setRoutingProfile('Sales Routing Profile'), c.ring(), c.answer()");
      await waitFor(page, () => window.t.omni.status === "Busy");
      // The agent queues Lunch; the call's After Call Work carries it.
      await ccp(frame, "c.setState('Lunch'), c.hangup()");
      await waitFor(page, () => window.t.omni.status === "Lunch");
      assert.deepEqual(await omniCalls(), [ID.Busy, ID.Lunch]);
      const d = await page.evaluate(() => window.t.rec.decisions.findLast((x) => x.event.newState === "AfterCallWork"));
      assert.equal(d.event.nextState, "Lunch");
      assert.equal(d.event.routingProfile, "Sales Routing Profile");
      assert.deepEqual(d.rules.filter((r) => r.matched).map((r) => r.name), ["Lunch queued: Omni Lunch", "Sales profile: Omni Busy"]);
      assert.deepEqual(await errors(page), []);
      await page.close();
    });

    // src/core.js `connect.globalResiliency.onFailoverCompleted`; Documentation-GR.md.
    it("a region failover: the agent states are read again, a state only the new region has can be set, with its ARN", async () => {
      const { page, frame } = await open({
        ccp: "&states=Available:routable,Lunch:not_routable,Offline:offline",
        rules: [omniToConnect("Coffee", "Coffee")],
      });
      // Coffee is not an agent state here yet: raised once at start.
      assert.deepEqual((await page.evaluate(() => window.t.rec.errors)).map((e) => e.code), ["unknown-state"]);
      await ccp(frame, "c.failover({states: [{name: 'Available', type: 'routable'}, {name: 'Lunch', type: 'not_routable'}, {name: 'Coffee', type: 'not_routable'}, {name: 'Offline', type: 'offline'}]})");
      await waitFor(page, () => new connect.Agent().getAgentStates().some((s) => s.name === "Coffee"));
      await page.evaluate(() => window.t.omni.agent.setStatus("Coffee"));
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Coffee");
      const w = await frame.evaluate(() => window.fakeCCP.writes().map((x) => x.params.state));
      assert.equal(w.length, 1);
      assert.match(w[0].agentStateARN, /^arn:aws:connect:us-west-2:/);
      assert.deepEqual((await page.evaluate(() => window.t.rec.errors)).map((e) => e.code), ["unknown-state"]);
      await page.close();
    });

    it("stop unsubscribes every Streams event the Connect side listens to", async () => {
      const { page } = await open({ rules: [omniToConnect("Lunch", "Lunch")] });
      const count = () => page.evaluate(() => {
        const bus = connect.core.getEventBus();
        const names = [connect.AgentEvents.STATE_CHANGE, connect.AgentEvents.REFRESH, connect.AgentEvents.ENQUEUED_NEXT_STATE,
          connect.AgentEvents.CLEARED_NEXT_STATE, connect.GlobalResiliencyEvents.FAILOVER_COMPLETE];
        return names.map((n) => bus.getSubscriptions(n).length);
      });
      const running = await count();
      await page.evaluate(() => window.t.stop());
      const after = await count();
      assert.deepEqual(running.map((n, i) => n - after[i]), [1, 1, 1, 1, 1]);
      await page.close();
    });
  });
}
