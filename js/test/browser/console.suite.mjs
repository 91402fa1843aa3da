// The built-in Salesforce Classic console adapter (PresenceSync.salesforce.console) end to end:
// the real module and the real Streams in Chromium, Omni-Channel through the Console
// Integration Toolkit face of the one Omni-Channel fake (js/test/fakes/faces.js). Status both
// ways with the echo recognised, a login's repeated status change, workload payloads as Classic
// documents them (capitalized keys, numbers as strings), and the Winter '24 facts — the
// status-change reason and the interruptible capacity — passed to the engine when a payload
// carries them, so that rules on `Salesforce Change Reason` and the interruptible operands
// work in both consoles (the Lightning relay's are in lightning.suite.mjs).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ccpFrame, waitFor } from "./harness.mjs";

/** @param {() => import("./harness.mjs").Harness} h */
export function consoleSuite(h) {
  /**
   * @param {any} [rules]
   */
  async function open(rules) {
    const ccp = `${h().ccpBase}/fake-ccp/index.html?ui=0`;
    const page = await h().open(`/pages/tab.html?ccp=${encodeURIComponent(ccp)}&sf=console`);
    await waitFor(page, () => window.pageReady);
    const frame = await ccpFrame(page);
    assert.deepEqual(await page.evaluate((r) => window.t.start(r ? { rules: r } : {}), rules), { ok: true });
    return { page, frame };
  }

  /** The statuses and states of the default rules' catalogs, with rules of the test's own. */
  const withRules = async (/** @type {import("playwright-core").Page} */ page, /** @type {any[]} */ rules) =>
    page.evaluate((r) => ({ ...window.t.doc, rules: r }), rules);

  describe("Salesforce Classic console adapter", () => {
    it("status both ways through the toolkit; Omni-Channel's own change coming back is an echo", async () => {
      const { page, frame } = await open();
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      await waitFor(page, () => window.t.omni.status === "Lunch" && window.t.omniCalls().every((c) => c[2] !== null));
      assert.deepEqual(await page.evaluate(() => window.t.omniCalls()), [["setStatus", "0N5xx0000000002", "ok"]]);
      await waitFor(page, () => window.t.rec.decisions.some((d) => d.echo && d.event.type === "Salesforce Agent State Change"));
      const echo = await page.evaluate(() => window.t.rec.decisions.find((d) => d.echo));
      assert.equal(echo.event.statusApiName, "Lunch", "the echo is the status this module set");
      await page.evaluate(() => window.t.omni.agent.setStatus("Break"));
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Break");
      assert.deepEqual(page.pageErrors, []);
      await page.close();
    });

    it("workload as Classic sends it (capitalized keys, strings) with Winter '24 interruptible capacity: the interruptible operands read it", async () => {
      const ccp = `${h().ccpBase}/fake-ccp/index.html?ui=0`;
      const page = await h().open(`/pages/tab.html?ccp=${encodeURIComponent(ccp)}&sf=console`);
      await waitFor(page, () => window.pageReady);
      const frame = await ccpFrame(page);
      const rules = await withRules(page, [{
        name: "Interruptible full: Connect At Capacity",
        source: "Salesforce Workload Changed",
        criteria: { operandA: "Salesforce New Interruptible Workload Pct", comparator: "Greater than or equal to", operandB: "Static Value", operandBValue: 100 },
        destination: "Connect Agent State",
        state: "At Capacity",
      }]);
      assert.deepEqual(await page.evaluate((r) => window.t.start({ rules: r }), rules), { ok: true });
      await page.evaluate(() => {
        const c = window.t.console;
        // Below the interruptible capacity: no write.
        c.fire("WORKLOAD_CHANGED", { ConfiguredCapacity: "5", PreviousWorkload: "0", NewWorkload: "1",
          ConfiguredInterruptibleCapacity: "2", PreviousInterruptibleWorkload: "0", NewInterruptibleWorkload: "1" });
      });
      await waitFor(page, () => window.t.rec.decisions.some((d) => d.event.type === "Salesforce Workload Changed"));
      const first = await page.evaluate(() => window.t.rec.decisions.find((d) => d.event.type === "Salesforce Workload Changed"));
      assert.deepEqual(
        [first.event.configuredCapacity, first.event.newWorkload, first.event.configuredInterruptibleCapacity, first.event.previousInterruptibleWorkload, first.event.newInterruptibleWorkload],
        [5, 1, 2, 0, 1],
        "the engine read the capitalized keys and the strings as numbers",
      );
      assert.deepEqual(first.actions, []);
      await page.evaluate(() => window.t.console.fire("WORKLOAD_CHANGED", { ConfiguredCapacity: "5", PreviousWorkload: "1", NewWorkload: "1",
        ConfiguredInterruptibleCapacity: "2", PreviousInterruptibleWorkload: "1", NewInterruptibleWorkload: "2" }));
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "At Capacity");
      const fired = await page.evaluate(() => window.t.rec.actions.filter((a) => a.rule === "Interruptible full: Connect At Capacity").map((a) => a.status));
      assert.deepEqual(fired.slice(0, 2), ["issued", "applied"]);
      // A Classic payload without them (as the toolkit's documentation lists it): the Pct is unavailable, the rule does not fire.
      await page.evaluate(() => window.t.console.fire("WORKLOAD_CHANGED", { ConfiguredCapacity: "5", PreviousWorkload: "1", NewWorkload: "2" }));
      await waitFor(page, () => window.t.rec.decisions.filter((d) => d.event.type === "Salesforce Workload Changed").length === 3);
      const last = await page.evaluate(() => window.t.rec.decisions.filter((d) => d.event.type === "Salesforce Workload Changed")[2]);
      assert.equal(last.event.configuredInterruptibleCapacity, undefined);
      assert.deepEqual(page.pageErrors, []);
      await page.close();
    });

    it("a status change's reason reaches the engine: a rule on Salesforce Change Reason tells a supervisor's change from the agent's own", async () => {
      const ccp = `${h().ccpBase}/fake-ccp/index.html?ui=0`;
      const page = await h().open(`/pages/tab.html?ccp=${encodeURIComponent(ccp)}&sf=console`);
      await waitFor(page, () => window.pageReady);
      const frame = await ccpFrame(page);
      const rules = await withRules(page, [{
        name: "Supervisor moved Omni: Connect Break",
        source: "Salesforce Agent State Change",
        criteria: { operandA: "Salesforce Change Reason", comparator: "Equal to", operandB: "Static Value", operandBValue: "OmniSupervisorStatusChange" },
        destination: "Connect Agent State",
        state: "Break",
      }]);
      assert.deepEqual(await page.evaluate((r) => window.t.start({ rules: r }), rules), { ok: true });
      await page.evaluate(() => window.t.console.fire("STATUS_CHANGED", { statusId: "0N5xx0000000005", statusApiName: "Coffee", statusName: "Coffee", channels: "[]", reason: "OmniManualStatusChange" }));
      await page.evaluate(() => window.t.console.fire("STATUS_CHANGED", { statusId: "0N5xx0000000002AAA", channels: "[]", reason: "OmniSupervisorStatusChange" }));
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Break");
      const events = await page.evaluate(() => window.t.rec.decisions.filter((d) => d.event.type === "Salesforce Agent State Change").map((d) => [d.event.reason, d.event.statusApiName, d.actions.map((a) => a.value)]));
      assert.deepEqual(events, [
        ["OmniManualStatusChange", "Coffee", []],
        ["OmniSupervisorStatusChange", "Lunch", ["Break"]], // named by the engine from the 18-character Id's first 15
      ]);
      assert.deepEqual(page.pageErrors, []);
      await page.close();
    });
  });
}
