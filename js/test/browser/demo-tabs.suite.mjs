// The demo as one agent in several tabs (one person: one browser context, so the tabs share
// Web Locks and BroadcastChannel, as a real agent's tabs do). The demo server holds the
// agent's Connect state and Omni-Channel presence for every tab, so a change made in any tab
// is seen in every tab; one tab writes; a follower's log shows the writer tab's decisions,
// actions and errors; closing the writer tab hands the role over.
// Screenshots: demo-two-tabs-writer.png, demo-two-tabs-follower.png, demo-takeover.png.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { waitFor } from "./harness.mjs";
import { newPerson, newRoom, openDemo, screenshot, waitCcp, waitForLog, waitOmni } from "./demo-helpers.mjs";

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** @param {import("./demo-helpers.mjs").DemoTab} tab */
const role = (tab) => tab.page.textContent("#role");

/** @param {import("./demo-helpers.mjs").DemoTab[]} tabs */
async function writerOf(tabs) {
  const roles = await Promise.all(tabs.map(role));
  const writers = roles.map((r, i) => (r === "This tab writes" ? i : -1)).filter((i) => i >= 0);
  assert.equal(writers.length, 1, `exactly one writer tab: ${JSON.stringify(roles)}`);
  for (const [i, r] of roles.entries()) if (i !== writers[0]) assert.equal(r, "Follower: another tab writes");
  return writers[0];
}

/** @param {() => import("./harness.mjs").Harness} h */
export function demoTabsSuite(h) {
  describe("demo: one agent in several tabs", () => {
    it("two tabs: a change made in the follower tab reaches both systems once; every tab shows the writer's decisions and errors", async () => {
      const room = newRoom("two");
      const person = await newPerson(h());
      try {
        const first = await openDemo(h(), person, room);
        const second = await openDemo(h(), person, room);
        const tabs = [first, second];
        for (const t of tabs) await waitFor(t.page, () => document.getElementById("tabs").textContent === "2 tabs of this agent open");
        const w = await writerOf(tabs);
        const writer = tabs[w];
        const follower = tabs[1 - w];
        await waitForLog(follower.page, /This tab is a follower/);
        const r = h().rooms.room(room);
        const writerId = await writer.page.evaluate(() => window.demo.pageId);

        // The agent picks Lunch in the follower tab's CCP: every CCP shows it, the writer
        // writes Omni-Channel once, and both tabs' Omni-Channel consoles show Lunch.
        await follower.frame.click("#ccp-set-Lunch");
        for (const t of tabs) {
          await waitCcp(t, "Lunch");
          await waitOmni(t, "Lunch");
        }
        await sleep(400); // echoes come back to every tab: nothing else may be written
        assert.deepEqual(r.omni.calls.map((c) => [c.args[0], c.tab]), [["0N5xx0000000002", writerId]], "one write, by the writer tab");
        // The follower's log shows the writer's decision and how its write ended, marked as the writer's.
        await waitForLog(follower.page, /from the writer tab[\s\S]*✔ fired: Lunch to Omni[\s\S]*Salesforce Agent State = Lunch: issued · applied/);
        const followerEntry = await follower.page.$$eval("#log > li.decision.remote", (ls) => ls.map((l) => l.textContent).find((t) => /Available → Lunch/.test(t ?? "")));
        assert.ok(followerEntry && /✘ no-match: Break to Omni/.test(followerEntry), followerEntry ?? "no entry");
        await waitForLog(writer.page, /Connect: Available → Lunch[\s\S]*Salesforce Agent State = Lunch: issued · applied/);
        assert.equal(await writer.page.locator("#log .tag.remote").count(), 0, "the writer's own entries are not marked as another tab's");
        // The Omni-Channel console of both tabs says which tab made the call.
        await waitFor(writer.page, () => /= Lunch\) → ok · from this tab/.test(document.getElementById("omni-calls").textContent));
        await waitFor(follower.page, () => /= Lunch\) → ok · from another tab/.test(document.getElementById("omni-calls").textContent));

        // A fault armed in the follower tab hits the writer's next write; the error shows in both tabs.
        await follower.page.click("#fault-ccp-denied");
        await waitFor(writer.page, () => /AccessDeniedException/.test(document.getElementById("faults-armed").textContent));
        await follower.page.click("#omni-set-Break");
        for (const t of tabs) await waitOmni(t, "On Break");
        await waitForLog(writer.page, /write-failed[\s\S]*AccessDeniedException/);
        await waitForLog(follower.page, /write-failed\s*from the writer tab[\s\S]*AccessDeniedException/);
        assert.equal(await follower.page.locator("#log li.error .tag.remote").count(), 1);
        for (const t of tabs) assert.equal(await t.frame.textContent("#ccp-state"), "Lunch", "the refused write changed nothing");
        assert.deepEqual(r.ccp.writes.map((x) => [x.name, x.outcome]), [["Break", "AccessDeniedException"]]);

        for (const t of tabs) assert.deepEqual(t.problems.filter((p) => !/presence-sync write-failed/.test(p)), []);
        await screenshot(writer.page, "demo-two-tabs-writer");
        await screenshot(follower.page, "demo-two-tabs-follower");
      } finally {
        await person.close();
      }
    });

    it("three tabs: closing the writer tab hands over; the new writer says so and writes the next change once", async () => {
      const room = newRoom("three");
      const person = await newPerson(h());
      try {
        let tabs = [await openDemo(h(), person, room), await openDemo(h(), person, room), await openDemo(h(), person, room)];
        for (const t of tabs) await waitFor(t.page, () => document.getElementById("tabs").textContent === "3 tabs of this agent open");
        const w = await writerOf(tabs);
        const r = h().rooms.room(room);
        await tabs[w].page.close();
        tabs = tabs.filter((_, i) => i !== w);
        // One of the others takes over within a few seconds, and says so in its badge and log.
        await waitFor(tabs[0].page, () => true);
        const deadline = Date.now() + 5000;
        let next = -1;
        while (next < 0) {
          const roles = await Promise.all(tabs.map(role));
          next = roles.indexOf("This tab writes");
          if (next < 0 && Date.now() > deadline) throw new Error(`no tab took over: ${JSON.stringify(roles)}`);
          if (next < 0) await sleep(50);
        }
        assert.equal(await writerOf(tabs), next);
        const writer = tabs[next];
        const other = tabs[1 - next];
        await waitForLog(writer.page, /This tab is now the writer/);
        for (const t of tabs) await waitFor(t.page, () => document.getElementById("tabs").textContent === "2 tabs of this agent open");

        // The agent picks Break in the remaining follower's Omni-Channel: the new writer writes Connect, once.
        const before = r.ccp.writes.length;
        await other.page.click("#omni-set-Break");
        for (const t of tabs) await waitCcp(t, "Break");
        await sleep(400);
        assert.deepEqual(r.ccp.writes.slice(before).map((x) => x.name), ["Break"]);
        await waitForLog(other.page, /from the writer tab[\s\S]*✔ fired: Omni Break to Connect[\s\S]*Connect Agent State = Break: issued · applied/);
        const frames = await Promise.all(tabs.map((t) => t.frame.evaluate(() => window.fakeCCP.writes().length)));
        assert.equal(frames[next], 1, "the new writer's Streams sent the write");
        assert.equal(frames[1 - next], 0, "the follower's Streams sent none");
        for (const t of tabs) assert.deepEqual(t.problems, []);
        await screenshot(writer.page, "demo-takeover");
      } finally {
        await person.close();
      }
    });
  });
}
