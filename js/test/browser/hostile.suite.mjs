// Bad input and security (the points 3 and 5): malformed and hostile payloads (wrong
// types, 1 MB strings, prototype-polluting keys) from the Connect side (the fake CCP pushing
// them through the real Streams), through the built-in Classic console adapter (console
// events) and through a custom adapter are rejected without effect and pollute nothing (the
// Lightning relay's hostile messages are in lightning.suite.mjs); a page with
// `script-src 'self' 'wasm-unsafe-eval'` syncs end to end; the demo renders data as text,
// never as HTML.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ccpFrame, waitFor } from "./harness.mjs";

/** @param {() => import("./harness.mjs").Harness} h */
export function hostileSuite(h) {
  /** @param {string} [query] */
  async function open(query = "") {
    const ccp = `${h().ccpBase}/fake-ccp/index.html?ui=0`;
    const page = await h().open(`/pages/tab.html?ccp=${encodeURIComponent(ccp)}${query}`);
    await waitFor(page, () => window.pageReady);
    const frame = await ccpFrame(page);
    assert.deepEqual(await page.evaluate(() => window.t.start()), { ok: true });
    return { page, frame };
  }

  /** @param {import("playwright-core").Page} page */
  const summary = (page) => page.evaluate(() => ({
    codes: [...new Set(window.t.rec.errors.map((e) => e.code))],
    invalid: window.t.rec.errors.filter((e) => e.code === "invalid-event").length,
    issued: window.t.rec.actions.filter((a) => a.status === "issued").length,
    clean: window.t.protoClean(),
  }));

  /**
   * After the hostile input: only invalid-event errors, no write, nothing polluted; then a
   * valid change in Omni still reaches Connect.
   * @param {import("playwright-core").Page} page
   * @param {import("playwright-core").Frame} frame
   * @param {number} minInvalid
   */
  async function rejectedWithoutEffect(page, frame, minInvalid) {
    await page.waitForTimeout(300);
    const s = await summary(page);
    assert.deepEqual(s.codes, ["invalid-event"], JSON.stringify(await page.evaluate(() => window.t.rec.errors.map((e) => e.message.slice(0, 160)))));
    assert.ok(s.invalid >= minInvalid, `${s.invalid} invalid-event errors, expected at least ${minInvalid}`);
    assert.equal(s.issued, 0, "a hostile payload caused a write");
    assert.equal(s.clean, true, "Object.prototype was polluted");
    assert.deepEqual(await frame.evaluate(() => window.fakeCCP.writes().length), 0);
    assert.deepEqual(await page.evaluate(() => window.t.omniCalls().length), 0);
    for (const m of await page.evaluate(() => window.t.rec.errors.map((e) => e.message))) {
      assert.ok(m.length < 2000, "an error message carries the huge payload");
    }
    await page.evaluate(() => window.t.omni.agent.setStatus("Break"));
    await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Break");
    assert.deepEqual(page.pageErrors, []);
  }

  describe("hostile input", () => {
    it("Connect side: states of the wrong type, 1 MB names and prototype keys from the CCP are rejected", async () => {
      const { page, frame } = await open();
      const n = await frame.evaluate(() => {
        const base = { agentStateARN: null, type: "not_routable", startTimestamp: new Date() };
        const hostile = [
          { ...base, name: { toString: null, evil: true } },
          { ...base, name: "x".repeat(1 << 20) },
          { ...base, name: 42 },
          { ...base, name: ["Lunch"] },
          JSON.parse('{"name":"Coffee Break","type":"routable","agentStateARN":null,"__proto__":{"polluted":true,"name":"Lunch"}}'),
          { ...base, name: "__proto__" },
          { ...base, name: "constructor" },
        ];
        for (const s of hostile) {
          window.fakeCCP.pushRawState(s);
          window.fakeCCP.setState("Training");
        }
        return hostile.length;
      });
      assert.equal(n, 7);
      // The object, the huge string, the number and the list (as newState, then as oldState).
      await rejectedWithoutEffect(page, frame, 8);
      const msgs = await page.evaluate(() => window.t.rec.errors.map((e) => e.message));
      assert.ok(msgs.some((m) => /newState must be a string/.test(m)), msgs.join("\n"));
      assert.ok(msgs.some((m) => /too long/.test(m)), msgs.join("\n"));
      await page.close();
    });

    it("a custom adapter's malformed, huge, cyclic and prototype-polluting events are rejected", async () => {
      const { page, frame } = await open();
      const n = await page.evaluate(() => {
        const cyclic = /** @type {any} */ ({ type: "statusChanged", statusId: "0N5xx0000000002", statusApiName: "Lunch" });
        cyclic.statusName = { self: cyclic };
        const hostile = [
          { type: "statusChanged", statusId: {}, statusApiName: "Lunch", statusName: "Lunch" },
          { type: "statusChanged", statusId: "0N5xx0000000002", statusApiName: "x".repeat(1 << 20), statusName: "Lunch" },
          { type: "workloadChanged", configuredCapacity: [], previousWorkload: "1", newWorkload: "lots" },
          { type: "workAccepted", workItemId: 5, workId: null },
          JSON.parse('{"type":"statusChanged","__proto__":{"statusId":"0N5xx0000000002","statusApiName":"Lunch","polluted":true}}'),
          { type: "__proto__" },
          { type: "constructor", statusApiName: "Lunch" },
          { type: { toString: () => "statusChanged" } },
          null,
          "statusChanged",
          cyclic,
          { get type() { throw new Error("hostile getter"); } },
        ];
        for (const ev of hostile) window.t.sf.emit(ev);
        return hostile.length;
      });
      assert.equal(n, 12);
      await rejectedWithoutEffect(page, frame, 11);
      await page.close();
    });

    it("Classic console: malformed presence event results are rejected", async () => {
      const { page, frame } = await open("&sf=console");
      const n = await page.evaluate(() => {
        const c = window.t.console;
        const P = c.PRESENCE;
        const hostile = [
          [P.STATUS_CHANGED, { statusId: 5 }],
          [P.STATUS_CHANGED, { statusId: "0N5xx0000000002", statusApiName: [] }],
          [P.STATUS_CHANGED, JSON.parse('{"__proto__":{"statusId":"0N5xx0000000002","polluted":true}}')],
          [P.WORKLOAD_CHANGED, { ConfiguredCapacity: "abc", PreviousWorkload: "1", NewWorkload: "2" }],
          [P.WORK_ACCEPTED, { workItemId: "x".repeat(1 << 20), workId: "0Bzxx0000000001" }],
          [P.LOGOUT, "not an object"],
          [P.LOGIN_SUCCESS, { statusId: { evil: true } }],
        ];
        for (const [type, result] of hostile) c.fire(type, result);
        return hostile.length;
      });
      assert.equal(n, 7);
      await rejectedWithoutEffect(page, frame, 7);
      await page.close();
    });
  });

  describe("security", () => {
    it("a page served with `script-src 'self' 'wasm-unsafe-eval'` syncs end to end, without a CSP violation", async () => {
      const csp = "script-src 'self' 'wasm-unsafe-eval'";
      const { page, frame } = await open(`&csp=${encodeURIComponent(csp)}`);
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      await waitFor(page, () => window.t.omni.status === "Lunch");
      await page.evaluate(() => window.t.omni.agent.setStatus("Break"));
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Break");
      assert.deepEqual(await page.evaluate(() => window.t.violations), []);
      assert.deepEqual(await page.evaluate(() => window.t.rec.errors), []);
      assert.deepEqual(page.pageErrors, []);
      await page.close();
    });

    it("the demo renders rule names and messages as text: `<img src=x onerror=...>` stays text", async () => {
      const ccp = `${h().ccpBase}/fake-ccp/index.html`;
      const page = await h().open(`/demo/index.html?ccp=${encodeURIComponent(ccp)}`);
      const frame = await ccpFrame(page);
      await waitFor(page, () => window.demo && window.demo.ready && document.getElementById("status").textContent.startsWith("Syncing"));
      const evil = '<img src=x onerror="window.__xss=1">';
      const doc = JSON.parse(await page.inputValue("#rules-editor"));
      doc.rules[0].name = evil; // Lunch to Omni
      await page.fill("#rules-editor", JSON.stringify(doc, null, 2));
      await page.click("#rules-apply");
      await waitFor(page, () => document.getElementById("status").textContent.startsWith("Syncing"));
      await frame.click("#ccp-set-Lunch");
      await waitFor(page, () => document.getElementById("omni-status").textContent === "Lunch");
      await waitFor(page, (e) => document.getElementById("log").textContent.includes(e), evil);
      // An invalid rule with the same name: the problem list shows it as text too.
      doc.rules[0].source = '<script>window.__xss=2</script>';
      await page.fill("#rules-editor", JSON.stringify(doc, null, 2));
      await page.click("#rules-apply");
      await waitFor(page, () => document.getElementById("rules-problems").textContent.includes("<script>"));
      await page.waitForTimeout(200);
      const r = await page.evaluate(() => ({
        xss: /** @type {any} */ (window).__xss,
        imgs: document.querySelectorAll("#log img, #rules-problems img, #rules-problems script").length,
        problems: document.getElementById("rules-problems").textContent,
      }));
      assert.equal(r.xss, undefined);
      assert.equal(r.imgs, 0);
      assert.ok(r.problems.includes(evil) || r.problems.includes("<script>window.__xss=2</script>"), r.problems);
      assert.deepEqual(page.pageErrors, []);
      await page.close();
    });
  });
}
