// Faults on a click in the demo: each button arms one fault in the demo server (the fake
// CCP's putAgentState, the Omni-Channel fake's setStatus) for the next write, and the log
// shows what the module does about it: a transient failure retried and applied, three in a
// row ending in `write-failed`, a permanent one not retried, a write left unanswered timing
// out and retried, Omni-Channel rejecting, and a two-rule loop paused by the loop breaker,
// then resumed by a status the agent picks by hand.
// Screenshots: demo-faults-connect.png, demo-faults-omni.png, demo-loop.png.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { waitFor } from "./harness.mjs";
import { newPerson, newRoom, openDemo, screenshot, waitCcp, waitForLog, waitOmni } from "./demo-helpers.mjs";

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** @param {import("playwright-core").Page} page @param {RegExp} re */
const waitArmed = (page, re) => waitFor(page, ([s, f]) => new RegExp(s, f).test(document.getElementById("faults-armed").textContent), [re.source, re.flags]);

/** The log's entries of one kind, newest first. @param {import("playwright-core").Page} page @param {string} selector */
const entries = (page, selector) => page.$$eval(`#log > li${selector}`, (ls) => ls.map((l) => l.textContent ?? ""));

/** @param {() => import("./harness.mjs").Harness} h */
export function demoFaultsSuite(h) {
  describe("demo: faults on a click", () => {
    it("Connect faults: retried and applied, write-failed after 3 tries, a permanent refusal not retried, a timeout then the retry", async () => {
      const room = newRoom("faults-ccp");
      const person = await newPerson(h());
      try {
        const tab = await openDemo(h(), person, room);
        const { page } = tab;
        const r = h().rooms.room(room);
        const outcomes = () => r.ccp.writes.map((w) => `${w.name}:${w.outcome}`);

        // Once: the write fails, is retried, and lands. No error: a retried failure is not one.
        await page.click("#fault-ccp-once");
        await waitArmed(page, /Connect: the next write fails \(InvalidStateException\)/);
        await page.click("#omni-set-Break");
        await waitCcp(tab, "Break");
        await waitForLog(page, /Connect Agent State = Break: issued · retrying \[InvalidStateException\] · applied \(try 2\)/);
        await waitArmed(page, /Nothing armed/);
        assert.deepEqual(outcomes(), ["Break:InvalidStateException", "Break:ok"]);
        assert.equal((await entries(page, ".error")).length, 0);

        // Three times: every try fails; write-failed, and Connect stays where it was.
        await page.click("#fault-ccp-thrice");
        await waitArmed(page, /the next 3 writes fail \(InvalidStateException ×3\)/);
        await page.click("#omni-set-Lunch");
        await waitForLog(page, /write-failed[\s\S]*could not set Connect Agent State to "Lunch" for rule "Omni Lunch to Connect": InvalidStateException[\s\S]*after 3 tries/);
        await waitForLog(page, /Connect Agent State = Lunch: issued · retrying \[InvalidStateException\] · retrying \(try 2\) \[InvalidStateException\] · failed \(try 3\) \[InvalidStateException\]/);
        assert.equal(await tab.frame.textContent("#ccp-state"), "Break");
        assert.deepEqual(outcomes().slice(2), ["Lunch:InvalidStateException", "Lunch:InvalidStateException", "Lunch:InvalidStateException"]);

        // Refused (AccessDeniedException): permanent, one try, write-failed at once.
        await page.click("#fault-ccp-denied");
        await waitArmed(page, /AccessDeniedException/);
        await page.click("#omni-set-Available");
        await waitForLog(page, /write-failed[\s\S]*"Available"[\s\S]*AccessDeniedException[\s\S]*a permanent error, not retried/);
        await sleep(800); // a retry would come within 250 ms
        assert.deepEqual(outcomes().slice(5), ["Available:AccessDeniedException"]);
        assert.equal(await tab.frame.textContent("#ccp-state"), "Break");

        // Unanswered: the engine's timeout (writeTimeoutMs, 5 s), then the retry is answered and lands.
        await page.click("#fault-ccp-hold");
        await waitArmed(page, /Connect: the next write goes unanswered/);
        await page.click("#omni-set-Lunch");
        await waitForLog(page, /timeout[\s\S]*Connect Agent State did not answer the write of "Lunch" within 5 s/, 12000);
        await waitCcp(tab, "Lunch");
        await waitForLog(page, /Connect Agent State = Lunch: issued · retrying \[Timeout\] · applied \(try 2\)/);
        assert.deepEqual(outcomes().slice(6), ["Lunch:held", "Lunch:ok"]);
        const codes = await page.$$eval("#log > li.error .tag.error", (ts) => ts.map((t) => t.textContent));
        assert.deepEqual(codes, ["timeout", "write-failed", "write-failed"]);
        await screenshot(page, "demo-faults-connect");
      } finally {
        await person.close();
      }
    });

    it("Omni-Channel faults: a rejected setStatus is retried; no access to the status fails at once", async () => {
      const room = newRoom("faults-omni");
      const person = await newPerson(h());
      try {
        const tab = await openDemo(h(), person, room);
        const { page } = tab;
        const r = h().rooms.room(room);
        await page.click("#fault-omni-once");
        await waitArmed(page, /Omni-Channel: the next setStatus rejects \(ConnectionException\)/);
        await tab.frame.click("#ccp-set-Lunch");
        await waitOmni(tab, "Lunch");
        await waitForLog(page, /Salesforce Agent State = Lunch: issued · retrying \[ConnectionException\] · applied \(try 2\)/);
        assert.deepEqual(r.omni.calls.map((c) => c.outcome), ["ConnectionException", "ok"]);

        await page.click("#fault-omni-denied");
        await waitArmed(page, /INSUFFICIENT_ACCESS/);
        await tab.frame.click("#ccp-set-Break");
        await waitForLog(page, /write-failed[\s\S]*"Break"[\s\S]*You don't have access to the presence status you selected[\s\S]*permanent/);
        await sleep(800);
        assert.deepEqual(r.omni.calls.map((c) => c.outcome), ["ConnectionException", "ok", "INSUFFICIENT_ACCESS"]);
        assert.equal(await page.textContent("#omni-status"), "Lunch");
        assert.match(await page.textContent("#omni-calls li:first-child"), /= Break\) → INSUFFICIENT_ACCESS · from this tab/);
        await screenshot(page, "demo-faults-omni");
      } finally {
        await person.close();
      }
    });

    it("a two-rule loop: lint warns, the loop breaker pauses it with a loop error naming both rules, a status picked by hand resumes", async () => {
      const room = newRoom("loop");
      const person = await newPerson(h());
      try {
        const tab = await openDemo(h(), person, room);
        const { page } = tab;
        const r = h().rooms.room(room);
        await page.click("#fault-loop");
        await waitFor(page, () => document.getElementById("status").textContent === "Syncing 2 rules");
        await waitForLog(page, /Rules applied: 2 rules from two-rule-loop\.json/);
        await waitForLog(page, /Loaded the two-rule loop/);
        // The lint's warning about the cycle, in the editor: the rules apply (a warning is not an error).
        await waitFor(page, () => /0 errors, 1 warning/.test(document.getElementById("rules-summary").textContent));
        assert.match(await page.textContent("#rules-problems"), /these rules form a cycle/);

        await page.click("#omni-set-Lunch");
        await waitForLog(page, /loop[\s\S]*Rules involved: Omni Lunch: Omni Break, Omni Break: Omni Lunch/);
        const loop = (await entries(page, ".error")).find((t) => /loop/.test(t)) ?? "";
        assert.match(loop, /Salesforce Agent State/);
        await waitForLog(page, /paused by the loop breaker/);
        await sleep(500);
        const written = r.omni.calls.length;
        assert.equal(written, 6, `six writes to Omni-Channel, then the pause: ${JSON.stringify(r.omni.calls.map((c) => c.args[0]))}`);
        await screenshot(page, "demo-loop");

        // The agent picks Available by hand: the decision says writes resume; nothing answers Available.
        await page.click("#omni-set-Available");
        await waitForLog(page, /Omni-Channel: status Available \(OmniManualStatusChange\)[\s\S]*the agent changed state by hand: writes to Salesforce Agent State paused by the loop breaker resume/);
        await sleep(300);
        assert.equal(r.omni.calls.length, written);
        // Back to the default rules.
        await page.click("#fault-default");
        await waitFor(page, () => document.getElementById("status").textContent === "Syncing 12 rules");
        await tab.frame.click("#ccp-set-Break");
        await waitOmni(tab, "On Break");
      } finally {
        await person.close();
      }
    });
  });
}
