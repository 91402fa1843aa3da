// Fault injection (the point 2): each fault yields a clear error (an `error` event, or
// start's rejection) and loses no change; each test checks the final state of both systems.
// The real Streams against the fake CCP, the shim (ES module) with the engine in WebAssembly,
// and the one Omni-Channel fake behind a page's own adapter (the Lightning adapter's faults are in
// lightning.suite.mjs).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ccpFrame, waitFor } from "./harness.mjs";

const ID = { Available: "0N5xx0000000001", Lunch: "0N5xx0000000002", Break: "0N5xx0000000003" };

/** @param {() => import("./harness.mjs").Harness} h */
export function faultsSuite(h) {
  /**
   * Opens /pages/tab.html with its own fake CCP.
   * @param {{query?: string, ccpQuery?: string, init?: boolean, start?: boolean, startOptions?: any, csp?: string}} [o]
   */
  async function open(o = {}) {
    const ccp = `${h().ccpBase}/fake-ccp/index.html?ui=0${o.ccpQuery ?? ""}`;
    const q = (o.init === false ? "" : `&ccp=${encodeURIComponent(ccp)}`) + (o.csp ? `&csp=${encodeURIComponent(o.csp)}` : "") + (o.query ?? "");
    const page = await h().open(`/pages/tab.html?x=1${q}`);
    await waitFor(page, () => window.pageReady);
    const frame = o.init === false ? null : await ccpFrame(page);
    if (o.start !== false) {
      const r = await page.evaluate((so) => window.t.start(so), o.startOptions ?? {});
      assert.deepEqual(r, { ok: true });
    }
    return { page, frame, ccp };
  }

  /** @param {import("playwright-core").Frame} frame */
  const ccpWrites = (frame) => frame.evaluate(() => window.fakeCCP.writes().map((w) => ({ name: w.params.state.name, err: w.answer ? w.answer.err : "no answer" })));
  /** @param {import("playwright-core").Frame} frame */
  const ccpState = (frame) => frame.evaluate(() => window.fakeCCP.snapshot().snapshot.state.name);
  /** @param {import("playwright-core").Page} page */
  const omniCalls = (page) => page.evaluate(() => window.t.omniCalls());
  /** @param {import("playwright-core").Page} page */
  const omniStatus = (page) => page.evaluate(() => window.t.omni.status);
  /** @param {import("playwright-core").Page} page */
  const errors = (page) => page.evaluate(() => window.t.rec.errors);

  describe("fault injection", () => {
    it("setState failure: a transient one is retried and applied; three in a row raise write-failed; the next change still syncs", async () => {
      const { page, frame } = await open();
      await frame.evaluate(() => window.fakeCCP.failNext("InvalidStateException", 1, "the agent is busy"));
      await page.evaluate(() => window.t.omni.agent.setStatus("Break"));
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Break");
      assert.deepEqual(await errors(page), [], "a retried failure is not an error");
      assert.deepEqual(await page.evaluate(() => window.t.statuses("Omni Break to Connect")), ["issued", "retrying", "applied"]);

      await frame.evaluate(() => window.fakeCCP.failNext("InvalidStateException", 3, "the agent is busy"));
      await page.evaluate(() => window.t.omni.agent.setStatus("Lunch"));
      const err = await waitFor(page, () => window.t.rec.errors.find((e) => e.code === "write-failed"));
      assert.equal(err.destination, "Connect Agent State");
      assert.equal(err.value, "Lunch");
      assert.equal(err.rule, "Omni Lunch to Connect");
      assert.match(err.message, /could not set Connect Agent State to "Lunch".*InvalidStateException.*the agent is busy.*after 3 tries/);
      // Both systems: Connect stayed where it was, Omni where the agent put it.
      assert.equal(await ccpState(frame), "Break");
      assert.equal(await omniStatus(page), "Lunch");
      assert.deepEqual((await ccpWrites(frame)).map((w) => w.name), ["Break", "Break", "Lunch", "Lunch", "Lunch"]);
      // Nothing is stuck: the next change goes through.
      await page.evaluate(() => window.t.omni.agent.setStatus("Available"));
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Available");
      assert.equal((await errors(page)).length, 1);
      await page.close();
    });

    it("setState with no answer at all: a timeout error, then the retry lands", async () => {
      // The retry waits 1.5 s after the timeout (retryBaseMs): the test has answered the
      // timeout by letting Connect answer again long before, however slow the machine, so
      // that exactly one try goes unanswered.
      const { page, frame } = await open({ startOptions: { options: { writeTimeoutMs: 600, retryBaseMs: 1500 } } });
      await frame.evaluate(() => window.fakeCCP.holdWrites(true));
      await page.evaluate(() => window.t.omni.agent.setStatus("Break"));
      const err = await waitFor(page, () => window.t.rec.errors.find((e) => e.code === "timeout"));
      assert.equal(err.destination, "Connect Agent State");
      assert.equal(err.value, "Break");
      assert.match(err.message, /Connect Agent State did not answer the write of "Break" within (600 ms|0\.6 s)/);
      assert.ok((await page.evaluate(() => window.t.statuses("Omni Break to Connect"))).includes("retrying"));
      // Connect answers again: the retry is applied.
      await frame.evaluate(() => window.fakeCCP.holdWrites(false));
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Break");
      await waitFor(page, () => window.t.statuses("Omni Break to Connect").includes("applied"));
      const writes = await ccpWrites(frame);
      assert.ok(writes.length >= 2 && writes[0].err === "no answer" && writes.at(-1).err === null, JSON.stringify(writes));
      assert.equal(await omniStatus(page), "Break");
      assert.deepEqual((await errors(page)).map((e) => e.code), ["timeout"]);
      await page.close();
    });

    it("Omni rejects a write: a permission error fails at once with write-failed; a transient one is retried", async () => {
      const { page, frame } = await open();
      await page.evaluate(() => window.t.failOmni("AccessDeniedException", 1));
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      const err = await waitFor(page, () => window.t.rec.errors.find((e) => e.code === "write-failed"));
      assert.equal(err.destination, "Salesforce Agent State");
      assert.equal(err.value, "Lunch");
      assert.match(err.message, /AccessDeniedException.*simulated AccessDeniedException.*permanent error, not retried/);
      await page.waitForTimeout(300);
      assert.deepEqual(await omniCalls(page), [["setStatus", ID.Lunch, "AccessDeniedException"]]);
      assert.equal(await omniStatus(page), "Available");
      assert.equal(await ccpState(frame), "Lunch");

      await page.evaluate(() => window.t.failOmni("ConnectionException", 1));
      await frame.evaluate(() => window.fakeCCP.setState("Break"));
      await waitFor(page, () => window.t.omni.status === "Break");
      assert.deepEqual((await omniCalls(page)).slice(1), [["setStatus", ID.Break, "ConnectionException"], ["setStatus", ID.Break, "ok"]]);
      assert.equal((await errors(page)).length, 1);
      await page.close();
    });

    for (const variant of [
      { name: "presence-sync.wasm is missing", code: "wasm-load-failed", message: /missing\.wasm.*404/, startOptions: { wasmUrl: "/dist/missing.wasm" } },
      { name: "the page's CSP blocks WebAssembly", code: "wasm-blocked", message: /Content-Security-Policy.*'wasm-unsafe-eval'.*not started/, csp: "script-src 'self'" },
    ]) {
      it(`${variant.name}: start rejects with ${variant.code}; nothing is touched and nothing syncs`, async () => {
        const { page, frame } = await open({ start: false, csp: variant.csp });
        const subs = await page.evaluate(() => window.t.streamsSubs());
        const r = await page.evaluate((so) => window.t.start(so), variant.startOptions ?? {});
        assert.equal(r.ok, false);
        assert.equal(r.code, variant.code);
        assert.match(r.message, variant.message);
        await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
        await page.evaluate(() => window.t.omni.agent.setStatus("Break"));
        await page.waitForTimeout(300);
        assert.equal(await page.evaluate(() => window.t.streamsSubs()), subs);
        assert.equal(await page.evaluate(() => window.t.sf.listenerCount()), 0);
        assert.deepEqual(await ccpWrites(frame), []);
        assert.deepEqual(await omniCalls(page), []);
        assert.deepEqual({ connect: await ccpState(frame), omni: await omniStatus(page) }, { connect: "Lunch", omni: "Break" });
        await page.close();
      });
    }

    it("rules invalid at start: start rejects with invalid-rules listing every problem; nothing runs", async () => {
      const { page, frame } = await open({ start: false });
      const r = await page.evaluate(() => {
        const doc = structuredClone(window.t.doc);
        doc.rules[0].source = "Conect Agent State Change";
        doc.rules[2].criteria.comparator = "Bigger than"; // default.json is in the canonical shape
        doc.rules[5].destination = "Salesforce";
        return window.t.start({ rules: doc });
      });
      assert.equal(r.ok, false);
      assert.equal(r.code, "invalid-rules");
      assert.equal(r.problems.length, 3, JSON.stringify(r.problems));
      for (const bad of ["Conect Agent State Change", "Bigger than", '"Salesforce"']) assert.ok(r.message.includes(bad), `${bad} in ${r.message}`);
      assert.match(r.message, /did you mean "Connect Agent State Change"/);
      assert.equal((await page.evaluate(() => window.t.engineStats())).instances, 0);
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      await page.evaluate(() => window.t.omni.agent.setStatus("Break"));
      await page.waitForTimeout(300);
      assert.deepEqual(await ccpWrites(frame), []);
      assert.deepEqual(await omniCalls(page), []);
      assert.deepEqual({ connect: await ccpState(frame), omni: await omniStatus(page) }, { connect: "Lunch", omni: "Break" });
      await page.close();
    });

    it("Streams not initialised yet: start waits for connect.agent, then syncs; never initialised: a timeout", async () => {
      const { page } = await open({ init: false, start: false });
      await page.evaluate(() => { window.t.start(); });
      await page.waitForTimeout(400);
      assert.equal(await page.evaluate(() => window.t.sync), null, "start resolved before Streams had the agent");
      const ccp = `${h().ccpBase}/fake-ccp/index.html?ui=0&state=Break`;
      await page.evaluate((u) => window.t.initCCP(u), ccp);
      assert.deepEqual(await page.evaluate(() => window.t.started()), { ok: true });
      const frame = await ccpFrame(page);
      // The current states were read once Streams had them: Connect Break.
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      await waitFor(page, () => window.t.omni.status === "Lunch");
      const d = await page.evaluate(() => window.t.rec.decisions[0]);
      assert.deepEqual(d.event, {
        type: "Connect Agent State Change", oldState: "Break", newState: "Lunch", stateType: "not_routable",
        contacts: [], nextState: "", routingProfile: "Basic Routing Profile",
      });
      assert.deepEqual(await errors(page), []);
      await page.close();

      const second = await open({ init: false, start: false });
      const r = await second.page.evaluate(() => window.t.start({ options: { startTimeoutMs: 500 } }));
      assert.equal(r.code, "timeout");
      assert.match(r.message, /did not report the agent within 500 ms.*initCCP/);
      assert.equal((await second.page.evaluate(() => window.t.engineStats())).instances, 0);
      assert.equal(await second.page.evaluate(() => window.t.sf.listenerCount()), 0);
      await second.page.close();
    });
  });
}
