// End to end in headless Chromium: the shim (ES module build) with the Go engine in
// WebAssembly, the real Streams library against the fake CCP, and the simulated
// Omni-Channel console as the Salesforce adapter. Rules: testdata/rules/default.json.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ccpFrame, waitFor } from "./harness.mjs";

/** The Ids of testdata/rules/default.json's statuses. */
const ID = { Available: "0N5xx0000000001", Lunch: "0N5xx0000000002", Break: "0N5xx0000000003", Busy: "0N5xx0000000004" };

/** @param {() => import("./harness.mjs").Harness} h */
export function shimSuite(h) {
  /**
   * Opens the test page with Streams initialised against the fake CCP and starts the sync.
   * @param {{query?: string, ccpQuery?: string, start?: boolean, startOptions?: any}} [o]
   */
  async function open(o = {}) {
    const ccp = `${h().ccpBase}/fake-ccp/index.html?ui=0${o.ccpQuery ?? ""}`;
    const page = await h().open(`/pages/shim.html?ccp=${encodeURIComponent(ccp)}${o.query ?? ""}`);
    const frame = await ccpFrame(page);
    await waitFor(page, () => window.pageReady);
    if (o.start !== false) {
      const r = await page.evaluate((so) => window.t.start(so), o.startOptions ?? {});
      assert.deepEqual(r, { ok: true });
    }
    return { page, frame };
  }

  /** @param {import("playwright-core").Frame} frame */
  const ccpWrites = (frame) => frame.evaluate(() => window.fakeCCP.writes().map((w) => ({ params: w.params, answer: w.answer ?? null })));
  /** @param {import("playwright-core").Page} page */
  const omniCalls = (page) => page.evaluate(() => window.t.omniCalls().map(([method, id, outcome]) => ({ method, args: id === null ? [] : [id], outcome })));

  describe("presence sync end to end (ES module, real Streams, fake CCP, simulated Omni)", () => {
    it("Connect Agent State Change: Lunch in the CCP sets Omni to Lunch by Id; the echo triggers nothing", async () => {
      const { page, frame } = await open();
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      await waitFor(page, () => window.t.omni.status === "Lunch");
      assert.deepEqual(await omniCalls(page), [{ method: "setStatus", args: [ID.Lunch], outcome: "ok" }]);
      // The decision names the rule that fired and says why the others did not.
      const d = await waitFor(page, () => window.t.rec.decisions.find((x) => x.event.type === "Connect Agent State Change" && x.event.newState === "Lunch"));
      assert.equal(d.echo, false);
      assert.deepEqual(d.event, {
        type: "Connect Agent State Change", oldState: "Available", newState: "Lunch", stateType: "not_routable",
        contacts: [], nextState: "", routingProfile: "Basic Routing Profile",
      });
      const fired = d.rules.filter((r) => r.matched).map((r) => r.name);
      assert.deepEqual(fired, ["Lunch to Omni"]);
      const notFired = d.rules.find((r) => r.name === "Break to Omni");
      assert.equal(notFired.matched, false);
      assert.match(notFired.reason, /Lunch/);
      // Omni's status change comes back (OmniToolkitStatusChange): an echo, no rule evaluated.
      const echo = await waitFor(page, () => window.t.rec.decisions.find((x) => x.event.type === "Salesforce Agent State Change"));
      assert.equal(echo.echo, true);
      assert.equal(echo.event.statusApiName, "Lunch");
      assert.deepEqual(await page.evaluate(() => window.t.statuses("Lunch to Omni")), ["issued", "applied"]);
      await page.waitForTimeout(150);
      assert.deepEqual(await ccpWrites(frame), [], "the echo wrote to Connect");
      assert.equal((await omniCalls(page)).length, 1);
      await page.close();
    });

    it("Salesforce Agent State Change: Break in Omni reaches the CCP as putAgentState with the state object", async () => {
      const { page, frame } = await open();
      await page.evaluate(() => window.t.omni.agent.setStatus("Break"));
      const writes = await waitFor(frame, () => {
        const w = window.fakeCCP.writes();
        return w.length && w[0].answer ? w : null;
      });
      const breakState = await frame.evaluate(() => window.fakeCCP.agentStates.find((s) => s.name === "Break"));
      assert.equal(writes.length, 1);
      assert.deepEqual(writes[0].params, { state: breakState, enqueueNextState: false });
      assert.equal(writes[0].answer.err, null);
      // The CCP's change comes back through onStateChange: an echo, nothing written to Omni.
      const echo = await waitFor(page, () => window.t.rec.decisions.find((x) => x.event.type === "Connect Agent State Change" && x.event.newState === "Break"));
      assert.equal(echo.echo, true);
      await page.waitForTimeout(150);
      assert.deepEqual(await omniCalls(page), [], "the Connect echo wrote to Omni");
      await page.close();
    });

    it("Salesforce Agent Logout sets Connect Offline; Connect Offline logs Omni out", async () => {
      const { page, frame } = await open();
      await page.evaluate(() => window.t.omni.agent.logout());
      const w = await waitFor(frame, () => window.fakeCCP.writes()[0]);
      assert.equal(w.params.state.name, "Offline");
      assert.equal(w.params.state.type, "offline");
      await page.close();

      const second = await open();
      await second.frame.evaluate(() => window.fakeCCP.setState("Offline"));
      await waitFor(second.page, () => window.t.omni.status === null);
      assert.deepEqual(await omniCalls(second.page), [{ method: "logout", args: [], outcome: "ok" }]);
      await second.page.close();
    });

    it("a decision's per-rule trace is rendered only while something listens for decisions", async () => {
      const { page, frame } = await open({ query: "&hook=1" });
      await page.evaluate(() => window.t.listenDecisions(false));
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      await waitFor(page, () => window.t.omni.status === "Lunch");
      await waitFor(page, () => window.t.rec.actions.some((a) => a.rule === "Lunch to Omni" && a.status === "applied"));
      const quiet = await page.evaluate(() => window.t.engineDecisions.filter((d) => d.type === "Connect Agent State Change"));
      assert.deepEqual(quiet.at(-1), { type: "Connect Agent State Change", traceAsked: false, rules: false, traced: false });
      assert.equal((await page.evaluate(() => window.t.rec.decisions.filter((d) => d.event.newState === "Lunch"))).length, 0);
      await page.evaluate(() => window.t.listenDecisions(true));
      await frame.evaluate(() => window.fakeCCP.setState("Break"));
      await waitFor(page, () => window.t.omni.status === "Break");
      const d = await waitFor(page, () => window.t.rec.decisions.find((x) => x.event.newState === "Break"));
      assert.deepEqual(d.rules.filter((r) => r.matched).map((r) => r.name), ["Break to Omni"]);
      assert.equal(d.traced, undefined);
      const loud = await page.evaluate(() => window.t.engineDecisions.filter((x) => x.type === "Connect Agent State Change"));
      assert.deepEqual(loud.at(-1), { type: "Connect Agent State Change", traceAsked: true, rules: true, traced: undefined });
      await page.close();
    });

    it("Salesforce Work Accepted and Workload Changed fire their rules (channel from the key prefix, workload %)", async () => {
      const { page, frame } = await open();
      await page.evaluate(() => window.t.omni.agent.acceptWork("sfdc_case"));
      const first = await waitFor(frame, () => window.fakeCCP.writes()[0]?.answer && window.fakeCCP.writes()[0]);
      assert.equal(first.params.state.name, "Back Office");
      const d = await waitFor(page, () => window.t.rec.decisions.find((x) => x.event.type === "Salesforce Work Accepted"));
      assert.deepEqual(d.rules.filter((r) => r.matched).map((r) => r.name), ["Case accepted: back office"]);
      // Up to the configured capacity (5): 100% makes Connect "At Capacity".
      await page.evaluate(() => { for (let i = 0; i < 4; i++) window.t.omni.agent.acceptWork("sfdc_livechat"); });
      await waitFor(frame, () => window.fakeCCP.writes().some((w) => w.params.state.name === "At Capacity"));
      await waitFor(page, () => window.t.statuses("Omni full: Connect not routable").includes("applied"));
      // Down again: the previous workload was 100%, so Connect goes back to Available.
      await page.evaluate(() => window.t.omni.agent.completeWork());
      await waitFor(frame, () => window.fakeCCP.writes().some((w) => w.params.state.name === "Available"));
      const wl = await page.evaluate(() => window.t.rec.decisions.filter((x) => x.event.type === "Salesforce Workload Changed").map((x) => [x.event.previousWorkload, x.event.newWorkload]));
      assert.deepEqual(wl, [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 4]]);
      await page.close();
    });

    it("on a contact a not-routable target is sent with enqueueNextState and applies when the contact clears", async () => {
      const { page, frame } = await open();
      await frame.evaluate(() => { window.fakeCCP.ring(); window.fakeCCP.answer(); });
      // The call connects: Busy in Connect makes Omni Busy.
      await waitFor(page, () => window.t.omni.status === "Busy");
      assert.deepEqual((await omniCalls(page)).map((c) => c.args[0]), [ID.Busy]);
      // The agent picks Lunch in Omni during the call.
      await page.evaluate(() => window.t.omni.agent.setStatus("Lunch"));
      const w = await waitFor(frame, () => window.fakeCCP.writes()[0]?.answer && window.fakeCCP.writes()[0]);
      assert.equal(w.params.state.name, "Lunch");
      assert.equal(w.params.enqueueNextState, true);
      assert.equal(w.answer.err, null);
      await waitFor(page, () => window.t.statuses("Omni Lunch to Connect").includes("enqueued"));
      await frame.evaluate(() => { window.fakeCCP.hangup(); window.fakeCCP.clear(); });
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Lunch");
      // Lunch arrives in Connect: the enqueued write's echo, no write back to Omni.
      await waitFor(page, () => window.t.rec.decisions.some((x) => x.event.newState === "Lunch" && x.echo));
      await page.waitForTimeout(150);
      assert.deepEqual((await omniCalls(page)).map((c) => c.args[0]), [ID.Busy]);
      await page.close();
    });

    it("an InvalidStateException from the CCP is retried and reported; three in a row raise write-failed", async () => {
      const { page, frame } = await open();
      await frame.evaluate(() => window.fakeCCP.failNext("InvalidStateException", 1));
      await page.evaluate(() => window.t.omni.agent.setStatus("Break"));
      await waitFor(page, () => window.t.statuses("Omni Break to Connect").includes("applied"));
      const writes = await ccpWrites(frame);
      assert.equal(writes.length, 2);
      assert.deepEqual(JSON.parse(writes[0].answer.err).type, "InvalidStateException");
      assert.equal(writes[1].answer.err, null);
      assert.equal(writes[1].params.state.name, "Break");
      const retry = await page.evaluate(() => window.t.rec.actions.find((a) => a.status === "retrying"));
      assert.equal(retry.error, "InvalidStateException");
      assert.equal(retry.rule, "Omni Break to Connect");

      await frame.evaluate(() => window.fakeCCP.failNext("InvalidStateException", 3));
      await page.evaluate(() => window.t.omni.agent.setStatus("Lunch"));
      const err = await waitFor(page, () => window.t.rec.errors.find((e) => e.code === "write-failed"));
      assert.equal(err.destination, "Connect Agent State");
      assert.equal(err.value, "Lunch");
      assert.equal((await ccpWrites(frame)).length, 5);
      assert.ok((await page.evaluate(() => window.t.statuses("Omni Lunch to Connect"))).includes("failed"));
      await page.close();
    });

    it("a Salesforce permission error is not retried", async () => {
      const { page, frame } = await open();
      await page.evaluate(() => window.t.failOmni("AccessDeniedException", 3));
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      await waitFor(page, () => window.t.statuses("Lunch to Omni").includes("failed"));
      await page.waitForTimeout(200);
      assert.equal((await omniCalls(page)).length, 1);
      await page.close();
    });

    it("stop() leaves no listener behind: a later event reaches nothing, every js.Func is released", async () => {
      const { page, frame } = await open({ start: false });
      const before = await page.evaluate(() => ({ subs: window.t.streamsSubs(), omni: window.t.sf.listenerCount() }));
      assert.deepEqual(await page.evaluate(() => window.t.start()), { ok: true });
      const running = await page.evaluate(() => ({ subs: window.t.streamsSubs(), omni: window.t.sf.listenerCount(), funcs: window.t.engineStats().liveFuncs }));
      assert.equal(running.subs, before.subs + 1);
      assert.equal(running.omni, 1);
      assert.ok(running.funcs > 0);
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      await waitFor(page, () => window.t.omni.status === "Lunch");
      await page.evaluate(() => window.t.stop());
      const after = await page.evaluate(() => ({ subs: window.t.streamsSubs(), omni: window.t.sf.listenerCount(), stats: window.t.engineStats() }));
      assert.equal(after.subs, before.subs);
      assert.equal(after.omni, 0);
      assert.equal(after.stats.liveFuncs, 0);
      assert.equal(after.stats.instances, 0);
      const counts = await page.evaluate(() => [window.t.rec.decisions.length, window.t.rec.actions.length, window.t.rec.errors.length]);
      await frame.evaluate(() => window.fakeCCP.setState("Break"));
      await page.evaluate(() => window.t.omni.agent.setStatus("Available"));
      await page.waitForTimeout(300);
      assert.deepEqual(await page.evaluate(() => [window.t.rec.decisions.length, window.t.rec.actions.length, window.t.rec.errors.length]), counts);
      assert.deepEqual((await omniCalls(page)).map((c) => c.args[0]), [ID.Lunch]);
      assert.deepEqual(await ccpWrites(frame), []);
      assert.deepEqual(await page.evaluate(() => window.pageErrors ?? []), []);
      await page.close();
    });

    it("invalid rules reject start with invalid-rules listing every problem, leaving no listener", async () => {
      const { page, frame } = await open({ start: false });
      const before = await page.evaluate(() => window.t.streamsSubs());
      const r = await page.evaluate(() => {
        const doc = structuredClone(window.t.doc);
        doc.rules[0].source = "Conect Agent State Change";
        doc.rules[3].criteria.comparator = "Bigger than"; // default.json is in the canonical shape
        return window.t.start({ rules: doc });
      });
      assert.equal(r.ok, false);
      assert.equal(r.code, "invalid-rules");
      assert.match(r.message, /Conect Agent State Change/);
      assert.match(r.message, /Bigger than/);
      assert.equal(r.problems.length, 2);
      assert.equal(await page.evaluate(() => window.t.streamsSubs()), before);
      assert.equal(await page.evaluate(() => window.t.sf.listenerCount()), 0);
      assert.equal((await page.evaluate(() => window.t.engineStats())).instances, 0);
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      await page.waitForTimeout(150);
      assert.deepEqual(await omniCalls(page), []);
      await page.close();
    });

    it("an internal error at the module's boundary is reported as an error event and the next event still works", async () => {
      // (A panic inside Go recovered at each entry point: wasm/engine_test.go TestEveryEntryRecoversPanicsAndKeepsWorking.)
      const { page, frame } = await open({ query: "&hook=1" });
      await page.evaluate(() => window.t.corruptNext(1));
      await frame.evaluate(() => window.fakeCCP.setState("Break"));
      const err = await waitFor(page, () => window.t.rec.errors.find((e) => e.code === "internal"));
      assert.match(err.message, /internal error, input skipped: the input is not in the input buffer/);
      await page.waitForTimeout(100);
      assert.deepEqual(await omniCalls(page), [], "the corrupted event wrote");
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      await waitFor(page, () => window.t.omni.status === "Lunch");
      assert.deepEqual((await omniCalls(page)).map((c) => c.args[0]), [ID.Lunch]);
      await page.close();
    });

    it("a malformed platform event is an invalid-event error and the next event still works", async () => {
      const { page } = await open();
      await page.evaluate(() => window.t.sf.emit({ type: "workloadChanged", configuredCapacity: 5, previousWorkload: { n: 1 }, newWorkload: "lots" }));
      const err = await waitFor(page, () => window.t.rec.errors.find((e) => e.code === "invalid-event"));
      assert.match(err.message, /Workload/i);
      await page.evaluate(() => window.t.sf.emit({ type: "error", code: "permission", message: "cannot read statuses" }));
      await waitFor(page, () => window.t.rec.errors.some((e) => e.code === "permission" && e.message === "cannot read statuses"));
      await page.evaluate(() => window.t.omni.agent.logout());
      await waitFor(page, () => window.t.rec.actions.some((a) => a.rule === "Omni logout: Connect Offline" && a.status === "applied"));
      await page.close();
    });

    it("a start-time unknown-state error is dispatched after start resolves", async () => {
      const { page } = await open({ start: false, ccpQuery: "&states=Available:routable,Lunch:not_routable,Break:not_routable,Offline:offline" });
      assert.deepEqual(await page.evaluate(() => window.t.start()), { ok: true });
      // Two rules target Connect states this agent does not have.
      const errs = await waitFor(page, () => {
        const u = window.t.rec.errors.filter((e) => e.code === "unknown-state");
        return u.length >= 2 && u;
      });
      await page.waitForTimeout(100);
      const all = await page.evaluate(() => window.t.rec.errors.filter((e) => e.code === "unknown-state").map((e) => e.value).sort());
      assert.deepEqual(all, ["At Capacity", "Back Office"]);
      assert.equal(errs[0].destination, "Connect Agent State");
      await page.close();
    });
  });

  describe("loading", () => {
    it("the classic script defines window.PresenceSync and finds the module beside itself", async () => {
      const ccp = `${h().ccpBase}/fake-ccp/index.html?ui=0`;
      const page = await h().open(`/pages/classic.html?ccp=${encodeURIComponent(ccp)}`);
      const frame = await ccpFrame(page);
      const r = await waitFor(page, () => window.result);
      assert.deepEqual(r, { ok: true, hasLightning: true, hasConsole: true });
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      await waitFor(page, () => window.log.some((d) => d.event.newState === "Lunch" && d.rules.some((x) => x.matched)));
      await page.close();
    });

    it("a CSP without 'wasm-unsafe-eval' rejects with wasm-blocked and touches nothing", async () => {
      const csp = "default-src 'self'; script-src 'self'";
      const page = await h().open(`/pages/load.html?csp=${encodeURIComponent(csp)}`);
      const r = await waitFor(page, () => window.tryStart && window.tryStart());
      assert.equal(r.code, "wasm-blocked");
      assert.match(r.message, /wasm-unsafe-eval/);
      assert.deepEqual(r.touched, []);
      await page.close();
    });

    it("the same CSP with 'wasm-unsafe-eval' loads the module", async () => {
      const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";
      const page = await h().open(`/pages/load.html?csp=${encodeURIComponent(csp)}`);
      const r = await waitFor(page, () => window.tryStart && window.tryStart());
      // It gets past loading and compiling: it fails only later, on the stub Streams.
      assert.equal(r.code, "timeout");
      assert.ok(r.touched.includes("connect.agent"));
      await page.close();
    });

    it("a .wasm that cannot be fetched rejects with wasm-load-failed and touches nothing", async () => {
      const page = await h().open(`/pages/load.html?wasm=/dist/missing.wasm`);
      const r = await waitFor(page, () => window.tryStart && window.tryStart());
      assert.equal(r.code, "wasm-load-failed");
      assert.match(r.message, /missing\.wasm.*404/);
      assert.deepEqual(r.touched, []);
      await page.close();
    });
  });
}
