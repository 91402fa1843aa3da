// The demo page in headless Chromium: a scripted walk through a call, clicking the
// simulated CCP's and Omni-Channel console's own buttons, then a screenshot
// (js/test/artifacts/demo.png) with both systems in step and the decision log.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ARTIFACTS, ccpFrame, waitFor } from "./harness.mjs";

/** @param {() => import("./harness.mjs").Harness} h */
export function demoSuite(h) {
  describe("demo page", () => {
    it("walks through a call with both simulated systems in step, and screenshots it", async () => {
      const ccp = `${h().ccpBase}/fake-ccp/index.html`;
      const page = await h().open(`/demo/index.html?ccp=${encodeURIComponent(ccp)}`);
      const frame = await ccpFrame(page);
      await waitFor(page, () => window.demo && window.demo.ready && document.getElementById("status").textContent.startsWith("Syncing"));
      // The editor is preloaded from testdata/rules/default.json.
      const editor = await page.inputValue("#rules-editor");
      assert.ok(JSON.parse(editor).rules.some((r) => r.name === "On a call: Omni Busy"));

      const ccpState = () => frame.textContent("#ccp-state");
      const omniState = () => page.textContent("#omni-status");

      // An inbound call rings, is accepted: Connect Busy, and the rule makes Omni Busy.
      await frame.click("#ccp-ring");
      await waitFor(frame, () => document.getElementById("ccp-state").textContent === "PendingBusy");
      await frame.click("#ccp-answer");
      await waitFor(page, () => document.getElementById("omni-status").textContent === "Busy");
      assert.equal(await ccpState(), "Busy");
      // The call ends: After Call Work, then the contact is cleared: Available on both.
      await frame.click("#ccp-hangup");
      await waitFor(frame, () => document.getElementById("ccp-state").textContent === "AfterCallWork");
      await frame.click("#ccp-clear");
      await waitFor(page, () => document.getElementById("omni-status").textContent === "Available" &&
        document.querySelector("#log").textContent.includes("Available to Omni"));
      assert.equal(await ccpState(), "Available");
      // The agent goes to lunch in Omni-Channel: Connect follows.
      await page.click("#omni-set-Lunch");
      await waitFor(frame, () => document.getElementById("ccp-state").textContent === "Lunch");
      await waitFor(page, () => document.getElementById("streams-state").textContent === "Lunch");
      assert.equal(await omniState(), "Lunch");

      const logText = await page.textContent("#log");
      assert.match(logText, /✔ fired: On a call: Omni Busy/);
      assert.match(logText, /✔ fired: Available to Omni/);
      assert.match(logText, /✔ fired: Omni Lunch to Connect/);
      assert.match(logText, /✘ no-match: Lunch to Omni/);
      assert.match(logText, /echo suppressed/);
      assert.match(logText, /Salesforce Agent State = Busy: applied/);
      assert.match(logText, /Connect Agent State = Lunch: applied/);
      // What reached each system: Omni got Busy then Available (by Id); the CCP got Lunch.
      const calls = await page.evaluate(() => window.demo.omni.state.calls.filter((c) => c.method === "setServicePresenceStatus").map((c) => c.args.statusId));
      assert.deepEqual(calls, ["0N5xx0000000004", "0N5xx0000000001"]);
      const writes = await frame.evaluate(() => window.fakeCCP.writes().map((w) => w.params.state.name));
      assert.deepEqual(writes, ["Lunch"]);

      fs.mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, "demo.png");
      await page.screenshot({ path: file, fullPage: true });
      const png = fs.readFileSync(file);
      assert.equal(png.subarray(1, 4).toString(), "PNG");
      assert.ok(png.length > 20000, "the screenshot is suspiciously small");
      assert.deepEqual(page.pageErrors, []);
      await page.close();
    });
  });
}
