// The demo page in headless Chromium, driven as a person drives it: clicks on the
// simulated CCP's and Omni-Channel console's own buttons, typing in the rules editor. This
// suite: a walk through a call with both systems in step, what a normal run must never
// show (console errors or warnings, failed requests, favicon.ico included), the log newest
// first with a hint before the first event, and the page at 1,024 px. The other demo suites:
// tabs (demo-tabs), rules editing (demo-rules), faults (demo-faults).
// Screenshots: js/test/artifacts/demo.png, demo-1024.png.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { waitFor } from "./harness.mjs";
import { ccpState, newPerson, newRoom, omniState, openDemo, screenshot, waitCcp, waitForLog, waitOmni } from "./demo-helpers.mjs";

/** Times of the log's entries, top to bottom, in ms of the day. @param {import("playwright-core").Page} page */
const entryTimes = (page) =>
  page.$$eval("#log > li .time", (ts) => ts.map((t) => {
    const [h, m, s] = (t.textContent ?? "").split(":");
    return (Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000;
  }));

/** @param {() => import("./harness.mjs").Harness} h */
export function demoSuite(h) {
  describe("demo page", () => {
    it("walks through a call with both systems in step; newest first everywhere; a normal run shows no error", async () => {
      const room = newRoom("walk");
      const person = await newPerson(h());
      try {
        const tab = await openDemo(h(), person, room);
        const { page, frame } = tab;
        // First load: the rules in force are default.json's, and the empty log says what to try.
        assert.equal(await page.textContent("#status"), "Syncing 12 rules");
        assert.equal(await page.textContent("#role"), "This tab writes");
        assert.equal(await page.textContent("#tabs"), "1 tab open");
        assert.ok(JSON.parse(await page.inputValue("#rules-editor")).rules.some((r) => r.name === "On a call: Omni Busy"));
        assert.equal(await page.isVisible("#log-hint"), true, "a hint while the log has no decision");
        assert.match(await page.textContent("#log-hint"), /Pick a state in the CCP/);
        assert.match(await page.textContent("#rules-summary"), /No problems/);

        // Omni-Channel Break: the rule makes Connect Break; the hint goes.
        await page.click("#omni-set-Break");
        await waitCcp(tab, "Break");
        await waitFor(page, () => document.getElementById("log-hint").hidden);
        // Connect Available: Omni-Channel follows.
        await frame.click("#ccp-set-Available");
        await waitOmni(tab, "Available");

        // An inbound call rings, is accepted: Connect Busy, and the rule makes Omni Busy.
        await frame.click("#ccp-ring");
        await waitFor(frame, () => document.getElementById("ccp-state").textContent === "PendingBusy");
        await frame.click("#ccp-answer");
        await waitOmni(tab, "Busy");
        assert.equal(await ccpState(tab), "Busy");
        // On the call, the agent picks On Break in Omni-Channel: the Connect write goes as the
        // next status (a plain one would be refused during a live contact).
        await page.click("#omni-set-Break");
        await waitFor(frame, () => document.getElementById("ccp-next")?.textContent.startsWith("Next status: Break"));
        await waitForLog(page, /Connect Agent State = Break \(as the next status\): issued · enqueued/);
        // During the call, the CCP's request list shows whole, newest first, inside the panel.
        const list = await frame.evaluate(() => {
          const items = [...document.querySelectorAll("#ccp-log li")];
          const last = items.at(-1);
          return { items: items.map((li) => li.textContent), bottom: last ? last.getBoundingClientRect().bottom : 0, height: window.innerHeight };
        });
        assert.deepEqual(list.items, ["putAgentState Break (next status) \u2192 accepted", "putAgentState Break \u2192 accepted"]);
        assert.ok(list.bottom > 0 && list.bottom <= list.height, `the request list is cut off during a call: ${JSON.stringify(list)}`);
        // The call ends: After Call Work, then the contact is closed: the next status, Break, applies.
        await frame.click("#ccp-hangup");
        await waitFor(frame, () => document.getElementById("ccp-state").textContent === "AfterCallWork");
        await frame.click("#ccp-clear");
        await waitCcp(tab, "Break");
        await waitForLog(page, /Connect: AfterCallWork → Break/);
        assert.equal(await omniState(tab), "On Break");
        // Connect Available: Omni-Channel follows.
        await frame.click("#ccp-set-Available");
        await waitOmni(tab, "Available");
        await waitForLog(page, /fired: Available to Omni[\s\S]*fired: On a call: Omni Busy/);
        // The agent goes to lunch in Omni-Channel: Connect follows.
        await page.click("#omni-set-Lunch");
        await waitCcp(tab, "Lunch");
        await waitFor(page, () => document.getElementById("streams-state").textContent === "Lunch");
        assert.equal(await omniState(tab), "Lunch");

        const text = await page.textContent("#log");
        assert.match(text, /✔ fired: On a call: Omni Busy/);
        assert.match(text, /✔ fired: Available to Omni/);
        assert.match(text, /✔ fired: Omni Lunch to Connect/);
        assert.match(text, /✘ no-match: Lunch to Omni/);
        assert.match(text, /echo suppressed/);
        assert.match(text, /Salesforce Agent State = Busy: issued · applied/);
        assert.match(text, /Connect Agent State = Lunch: issued · applied/);
        assert.match(text, /Rules applied: 12 rules from default\.json \(version 1\)/);
        // Newest first: the log, Omni-Channel's calls, the CCP's requests.
        const times = await entryTimes(page);
        assert.ok(times.length > 8 && times.every((t, i) => i === 0 || t <= times[i - 1]), `log not newest first: ${times}`);
        assert.match(await page.textContent("#log > li:first-child"), /Connect: Break → Lunch|Omni-Channel: status Lunch|Connect: Available → Lunch/);
        const calls = await page.$$eval("#omni-calls li", (ls) => ls.map((l) => l.textContent));
        assert.equal(calls.length, 3);
        assert.match(calls[0], /setStatus\(0N5xx0000000001 = Available\) → ok · from this tab/);
        assert.match(calls[2], /setStatus\(0N5xx0000000001 = Available\) → ok/);
        assert.match(calls[1], /= Busy\) → ok/);
        const requests = await frame.$$eval("#ccp-log li", (ls) => ls.map((l) => l.textContent));
        assert.deepEqual(requests, ["putAgentState Lunch \u2192 accepted", "putAgentState Break (next status) \u2192 accepted", "putAgentState Break \u2192 accepted"]);

        // What reached each system, as the demo server saw it: Omni got Available, Busy,
        // Available (by Id, from this tab); Connect got Break, Break as the next status, Lunch.
        const r = h().rooms.room(room);
        assert.deepEqual(r.omni.calls.map((c) => c.args[0]), ["0N5xx0000000001", "0N5xx0000000004", "0N5xx0000000001"]);
        assert.deepEqual(r.ccp.writes.map((w) => [w.name, w.enqueueNextState]), [["Break", false], ["Break", true], ["Lunch", false]]);
        // No console error or warning (Streams' "queueArns did not contain agentResourceId"
        // included), no failed request (favicon.ico included).
        assert.deepEqual(tab.problems, []);
        assert.deepEqual(tab.messages.filter((m) => /queueArns|agentResourceId/.test(m)), [], "Streams found the agent's own queue");
        assert.ok(tab.messages.some((m) => /ContactEvent\] ENDED/.test(m)), "Streams' log was heard (the call's end)");
        await screenshot(page, "demo");
      } finally {
        await person.close();
      }
    });

    it("is usable from 1,024 px: no sideways scrolling, three panels over two, an editor that keeps lines whole", async () => {
      const person = await newPerson(h(), 1024);
      try {
        const tab = await openDemo(h(), person, newRoom("narrow"));
        const { page } = tab;
        const layout = await page.evaluate(() => {
          const box = (/** @type {string} */ id) => {
            const r = document.getElementById(id).getBoundingClientRect();
            return { left: Math.round(r.left), right: Math.round(r.right), top: Math.round(r.top), bottom: Math.round(r.bottom), width: Math.round(r.width) };
          };
          const ta = /** @type {HTMLTextAreaElement} */ (document.getElementById("rules-editor"));
          return {
            scrollWidth: document.documentElement.scrollWidth,
            panels: Object.fromEntries(["connect-panel", "omni-panel", "faults-panel", "rules-panel", "log-panel"].map((id) => [id, box(id)])),
            whiteSpace: getComputedStyle(ta).whiteSpace,
            lines: ta.value.split("\n").length,
            visualLines: Math.round((ta.scrollHeight - 12) / 18),
            gutter: document.getElementById("rules-gutter").childElementCount,
          };
        });
        assert.ok(layout.scrollWidth <= 1024, `the page scrolls sideways: ${layout.scrollWidth} px`);
        const p = layout.panels;
        // The platforms and the faults side by side, the rules and the log side by side below.
        assert.equal(p["connect-panel"].top, p["omni-panel"].top);
        assert.equal(p["omni-panel"].top, p["faults-panel"].top);
        assert.ok(p["connect-panel"].right <= p["omni-panel"].left && p["omni-panel"].right <= p["faults-panel"].left, JSON.stringify(p));
        assert.equal(p["rules-panel"].top, p["log-panel"].top);
        assert.ok(p["rules-panel"].top >= p["connect-panel"].bottom && p["rules-panel"].right <= p["log-panel"].left, JSON.stringify(p));
        for (const [id, b] of Object.entries(p)) assert.ok(b.width >= 300 && b.right <= 1024, `${id}: ${JSON.stringify(b)}`);
        // No wrapping: a line of the document is a line of the editor, numbered in the gutter.
        assert.equal(layout.whiteSpace, "pre");
        assert.equal(layout.visualLines, layout.lines);
        assert.equal(layout.gutter, layout.lines);

        // The keyboard: Tab leaves the editor (no trap); Ctrl+Enter applies. A one-rule file says "1 rule".
        await page.selectOption("#rules-file", "seed-lunch-example.json");
        await waitFor(page, () => document.getElementById("rules-summary").textContent.includes("not applied yet"));
        await page.focus("#rules-editor");
        await page.keyboard.press("Control+Enter");
        await waitFor(page, () => document.getElementById("status").textContent === "Syncing 1 rule");
        await waitForLog(page, /Rules applied: 1 rule from seed-lunch-example\.json \(version 2\), by this tab/);
        await page.focus("#rules-editor");
        await page.keyboard.press("Tab");
        assert.notEqual(await page.evaluate(() => document.activeElement?.id), "rules-editor");
        assert.deepEqual(tab.problems, []);
        await screenshot(page, "demo-1024");
      } finally {
        await person.close();
      }
    });
  });
}
