// The Lightning path in headless Chromium, three origins as in an org: the "Lightning domain"
// page (127.0.0.1) runs the real Presence Sync utility item bundle in the Aura runtime fake
// with the agent's Omni-Channel fake; the utility item frames the page on the "Visualforce
// domain" (vf.presence-sync.test), which runs the real page glue (softphone.js), the shim with
// the engine in WebAssembly, and the real Streams against the fake CCP (ccp.presence-sync.test).
// Omni-Channel and the page talk only through the utility item's postMessage relay.
// Rules: testdata/rules/default.json.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ccpFrame, vfFrame, waitFor } from "./harness.mjs";

/** Status Ids as the toolkit gets them (15 characters) for the 18-character Ids of the catalog. */
const ID15 = { Available: "0N5xx0000000001", Lunch: "0N5xx0000000002", Break: "0N5xx0000000003", Busy: "0N5xx0000000004" };

/** @param {() => import("./harness.mjs").Harness} h */
export function lightningSuite(h) {
  /**
   * Opens the Lightning page with the utility item, waits for the framed page and the CCP,
   * and (unless started: false) for the sync to run.
   * @param {{query?: Record<string, string>, ccpQuery?: string, timeout?: number, started?: boolean}} [o]
   */
  async function open(o = {}) {
    const ccp = `${h().ccpBase}/fake-ccp/index.html?ui=0${o.ccpQuery ?? ""}`;
    const q = new URLSearchParams({ vf: h().vfBase, ccp, timeout: String(o.timeout ?? 1500), ...(o.query ?? {}) });
    const page = await h().open(`/pages/lightning-host.html?${q}`);
    await waitFor(page, () => window.pageReady);
    const vf = await vfFrame(page);
    const frame = await ccpFrame(page);
    if (o.started !== false) await waitFor(vf, () => window.t.rec.leader.length > 0);
    return { page, vf, frame };
  }

  /** @param {import("playwright-core").Page} page */
  const toolkitCalls = (page) => page.evaluate(() => window.t.omni.state.calls.filter((c) => c.method !== "getServicePresenceStatusId").map((c) => ({ method: c.method, args: c.args ?? null })));
  /** @param {import("playwright-core").Frame} frame */
  const ccpWrites = (frame) => frame.evaluate(() => window.fakeCCP.writes().map((w) => ({ name: w.params.state.name, enqueue: w.params.enqueueNextState })));

  describe("Lightning: the utility item relays Omni-Channel to the framed page", () => {
    it("frames the page on the Visualforce origin with its properties; nothing else needed (no call center, no Open CTI)", async () => {
      const { page, vf } = await open();
      const url = new URL(await page.evaluate(() => window.t.frameUrl()));
      assert.equal(url.origin, h().vfBase);
      assert.equal(url.searchParams.get("timeoutMs"), "1500");
      assert.match(url.hash, /^#relay=[0-9a-f]{32}$/);
      assert.equal(await vf.evaluate(() => typeof window.sforce), "undefined");
      assert.equal(await vf.evaluate(() => window.t.status()), "Syncing: 12 rules from the static resource (this tab writes)");
      assert.deepEqual(await page.evaluate(() => window.t.errors()), []);
      assert.deepEqual(page.pageErrors, []);
      await page.close();
    });

    it("Connect Lunch sets Omni Lunch, by the 15-character Id; Omni's echo writes nothing back", async () => {
      const { page, vf, frame } = await open();
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      await waitFor(page, () => window.t.omni.status === "Lunch");
      assert.deepEqual(await toolkitCalls(page), [{ method: "setServicePresenceStatus", args: { statusId: ID15.Lunch } }]);
      const echo = await waitFor(vf, () => window.t.rec.decisions.find((d) => d.event.type === "Salesforce Agent State Change"));
      assert.equal(echo.echo, true);
      assert.equal(echo.event.reason, "OmniToolkitStatusChange");
      assert.equal(echo.event.statusApiName, "Lunch");
      assert.deepEqual(await vf.evaluate(() => window.t.statuses("Lunch to Omni")), ["issued", "applied"]);
      await page.waitForTimeout(200);
      assert.deepEqual(await ccpWrites(frame), [], "the echo wrote to Connect");
      await page.close();
    });

    it("Omni Break (the agent, in the Omni-Channel widget) reaches the CCP; the CCP's echo writes nothing to Omni", async () => {
      const { page, vf, frame } = await open();
      await page.evaluate(() => window.t.omni.agent.setStatus("Break"));
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Break");
      assert.deepEqual(await ccpWrites(frame), [{ name: "Break", enqueue: false }]);
      const d = await waitFor(vf, () => window.t.rec.decisions.find((x) => x.event.type === "Salesforce Agent State Change" && !x.echo));
      assert.equal(d.event.reason, "OmniManualStatusChange");
      await waitFor(vf, () => window.t.rec.decisions.some((x) => x.event.type === "Connect Agent State Change" && x.event.newState === "Break" && x.echo));
      await page.waitForTimeout(200);
      assert.deepEqual(await toolkitCalls(page), [], "the Connect echo wrote to Omni");
      await page.close();
    });

    it("an Omni logout (with its reason) sets Connect Offline; Connect Offline logs Omni out", async () => {
      const { page, vf, frame } = await open();
      await page.evaluate(() => window.t.omni.agent.logout("OmniSupervisorLogout"));
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Offline");
      const d = await waitFor(vf, () => window.t.rec.decisions.find((x) => x.event.type === "Salesforce Agent Logout"));
      assert.equal(d.event.reason, "OmniSupervisorLogout");
      assert.deepEqual(d.rules.filter((r) => r.matched).map((r) => r.name), ["Omni logout: Connect Offline"]);
      await page.close();

      const second = await open();
      await second.frame.evaluate(() => window.fakeCCP.setState("Offline"));
      await waitFor(second.page, () => window.t.omni.status === null);
      assert.deepEqual(await toolkitCalls(second.page), [{ method: "logout", args: null }]);
      await second.page.close();
    });

    it("a status named Offline is a status change, not a logout", async () => {
      const { page, vf, frame } = await open();
      await page.evaluate(() => window.t.omni.agent.setStatus("Offline"));
      const d = await waitFor(vf, () => window.t.rec.decisions.find((x) => x.event.type === "Salesforce Agent State Change" && x.event.statusApiName === "Offline"));
      assert.equal(d.event.statusId, "0N5xx0000000009AAA");
      assert.ok(!(await vf.evaluate(() => window.t.rec.decisions.some((x) => x.event.type === "Salesforce Agent Logout"))));
      await page.waitForTimeout(200);
      assert.deepEqual(await ccpWrites(frame), []);
      await page.close();
    });

    it("Work Accepted (channel from the key prefix) and Workload Changed (numbers as strings, Winter '24 fields) fire their rules", async () => {
      const { page, vf, frame } = await open();
      await page.evaluate(() => window.t.omni.agent.acceptWork("sfdc_case"));
      await waitFor(frame, () => window.fakeCCP.writes().some((w) => w.params.state.name === "Back Office" && w.answer));
      const accepted = await waitFor(vf, () => window.t.rec.decisions.find((x) => x.event.type === "Salesforce Work Accepted"));
      assert.equal(accepted.event.serviceChannel, "sfdc_case");
      assert.deepEqual(accepted.rules.filter((r) => r.matched).map((r) => r.name), ["Case accepted: back office"]);
      await page.evaluate(() => { for (let i = 0; i < 4; i++) window.t.omni.agent.acceptWork("sfdc_livechat"); });
      await waitFor(frame, () => window.fakeCCP.writes().some((w) => w.params.state.name === "At Capacity"));
      await page.evaluate(() => window.t.omni.agent.completeWork());
      await waitFor(frame, () => window.fakeCCP.writes().some((w) => w.params.state.name === "Available"));
      const wl = await vf.evaluate(() => window.t.rec.decisions.filter((x) => x.event.type === "Salesforce Workload Changed").map((x) => x.event));
      assert.deepEqual(wl.map((e) => [e.previousWorkload, e.newWorkload]), [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 4]]);
      assert.deepEqual(wl.map((e) => typeof e.configuredCapacity), ["number", "number", "number", "number", "number", "number"]);
      assert.equal(wl[0].configuredInterruptibleCapacity, 0);
      await page.close();
    });
  });

  describe("Lightning: start-up, stop and faults", () => {
    it("Omni-Channel loads late: the page says it waits (status line and error event), keeps the agent's change, and syncs when Omni answers", async () => {
      const { page, vf, frame } = await open({ query: { omniLate: "1" }, timeout: 1000, started: false });
      const waiting = await waitFor(vf, () => window.t.rec.errors.find((e) => e.waiting));
      assert.equal(waiting.code, "timeout");
      assert.match(waiting.message, /Waiting for Omni-Channel: the Presence Sync utility item answers, but Omni-Channel does not/);
      await waitFor(vf, () => /^Waiting for Omni-Channel: .*\(\d+ s\)$/.test(window.t.status()));
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      await page.waitForTimeout(300);
      assert.deepEqual(await toolkitCalls(page), [], "nothing written before Omni answered");
      await page.evaluate(() => window.t.omniLoads());
      await waitFor(page, () => window.t.omni.status === "Lunch", undefined, 20000);
      await waitFor(vf, () => window.t.status() === "Syncing: 12 rules from the static resource (this tab writes)");
      assert.deepEqual(await toolkitCalls(page), [{ method: "setServicePresenceStatus", args: { statusId: ID15.Lunch } }]);
      await page.close();
    });

    it("stop() leaves no listener on the page; the utility item's own listener goes when it is destroyed", async () => {
      const { page, vf } = await open();
      const counts = await vf.evaluate(() => ({ atStart: window.t.rec.listenersAtStart, running: window.t.messageListeners() }));
      assert.equal(counts.running, counts.atStart + 1, "the relay's one listener");
      await page.evaluate(() => window.t.omni.agent.setStatus("Break"));
      await waitFor(vf, () => window.t.rec.decisions.length > 0);
      await vf.evaluate(() => window.PresenceSyncSoftphone.sync.stop());
      assert.equal(await vf.evaluate(() => window.t.messageListeners()), counts.atStart);
      const n = await vf.evaluate(() => window.t.rec.decisions.length);
      await page.evaluate(() => window.t.omni.agent.setStatus("Lunch"));
      await page.waitForTimeout(300);
      assert.equal(await vf.evaluate(() => window.t.rec.decisions.length), n, "an event after stop reached the sync");
      assert.equal(await page.evaluate(() => window.t.messageListeners()), 1);
      await page.evaluate(() => window.t.relay.destroy());
      assert.equal(await page.evaluate(() => window.t.messageListeners()), 0);
      assert.equal(await page.evaluate(() => window.t.omni.listenerCount()), 0);
      await page.close();
    });

    it("Omni-Channel stops answering: the engine's timeout error (writeTimeoutMs, the one timeout); when it answers again the retried write lands", async () => {
      const { page, vf, frame } = await open({ timeout: 400 });
      await page.evaluate(() => window.t.omni.answering(false));
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      const err = await waitFor(vf, () => window.t.rec.errors.find((e) => e.code === "timeout"));
      assert.equal(err.destination, "Salesforce Agent State");
      assert.match(err.message, /Salesforce Agent State did not answer the write of "Lunch" within 5 s/);
      assert.equal((await vf.evaluate(() => window.t.rec.errors)).filter((e) => e.code === "timeout").length, 1, "one timeout, the engine's: the adapter has none of its own");
      await page.evaluate(() => window.t.omni.answering(true));
      await waitFor(page, () => window.t.omni.status === "Lunch");
      await waitFor(vf, () => window.t.statuses("Lunch to Omni").includes("applied"));
      assert.ok((await vf.evaluate(() => window.t.statuses("Lunch to Omni"))).includes("retrying"));
      // Sync goes on both ways.
      await page.evaluate(() => window.t.omni.agent.setStatus("Break"));
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Break");
      await page.close();
    });

    it("malformed relay messages and Omni payloads are rejected without effect; the next change still syncs", async () => {
      const { page, vf, frame } = await open();
      const n = await page.evaluate(() => {
        const t = window.t;
        const ev = (/** @type {string} */ event, /** @type {any} */ payload) => ({ kind: "event", event, payload });
        const hostile = [
          ev("statusChanged", { statusId: 123 }),
          ev("statusChanged", { statusId: "0N5xx0000000002", statusApiName: { x: 1 } }),
          ev("statusChanged", { statusId: "0N5xx0000000002", statusApiName: "x".repeat(1 << 20) }),
          ev("statusChanged", JSON.parse('{"__proto__":{"statusId":"0N5xx0000000002","polluted":true},"statusApiName":"Lunch"}')),
          ev("__proto__", { statusId: "0N5xx0000000002" }),
          ev("constructor", {}),
          ev("workloadChanged", { configuredCapacity: "5", previousWorkload: "one", newWorkload: "2" }),
          ev("workAccepted", { workItemId: "x".repeat(1 << 20), workId: "0Bzxx0000000001" }),
          ev("logout", "not an object"),
        ];
        for (const m of hostile) t.post(m);
        // Not presence-sync's, or not addressed to the page: ignored without an error.
        for (const m of [null, 5, "hello", [], { kind: 7 }, { kind: "response", id: "nobody", ok: true, result: {} }, { kind: "ready", protocol: 99 }]) t.post(m);
        // Straight from Omni-Channel, relayed untouched: a workload that is not a number.
        t.omni.fire("lightning:omniChannelWorkloadChanged", { configuredCapacity: "five", previousWorkload: "0", newWorkload: "1" });
        return hostile.length + 1;
      });
      await page.waitForTimeout(400);
      const errors = await vf.evaluate(() => window.t.rec.errors);
      assert.deepEqual([...new Set(errors.map((e) => e.code))], ["invalid-event"], JSON.stringify(errors.map((e) => e.message.slice(0, 120))));
      assert.ok(errors.length >= n, `${errors.length} invalid-event errors for ${n} bad messages`);
      for (const e of errors) assert.ok(e.message.length < 2000, "an error message carries the huge payload");
      assert.equal(await vf.evaluate(() => ({}).polluted), undefined);
      assert.deepEqual(await ccpWrites(frame), []);
      assert.deepEqual(await toolkitCalls(page), []);
      await page.evaluate(() => window.t.omni.agent.setStatus("Break"));
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Break");
      await page.close();
    });
  });
}
