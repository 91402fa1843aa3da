// Rules editing in the demo, typed as an admin types: the module's own lint
// (PresenceSync.lint) checks the rules as they are typed and marks each problem at its line
// and column; Apply with invalid rules changes nothing (the running sync keeps its rules and
// keeps syncing); applied rules get a log entry, honour the document's `options.reconcile`,
// and are in force in every tab of the agent.
// Screenshots: demo-lint.png, demo-reconcile.png, demo-rules-other-tab.png.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "../server.mjs";
import { waitFor } from "./harness.mjs";
import { newPerson, newRoom, openDemo, screenshot, waitCcp, waitForLog, waitOmni } from "./demo-helpers.mjs";

const file = (/** @type {string} */ name) => fs.readFileSync(path.join(repoRoot, "testdata", "rules", name), "utf8");

/** @param {import("playwright-core").Page} page @param {RegExp} re */
const waitSummary = (page, re) => waitFor(page, ([s, f]) => new RegExp(s, f).test(document.getElementById("rules-summary").textContent), [re.source, re.flags]);

/**
 * Puts the cursor at the start of a line of the editor with the keyboard (Ctrl+Home, then
 * down), as a person would.
 * @param {import("playwright-core").Page} page @param {number} line 1-based
 */
async function toLine(page, line) {
  await page.click("#rules-editor");
  await page.keyboard.press("Control+Home");
  for (let i = 1; i < line; i++) await page.keyboard.press("ArrowDown");
}

/** @param {() => import("./harness.mjs").Harness} h */
export function demoRulesSuite(h) {
  describe("demo: editing rules", () => {
    it("a mistake typed in the editor is marked at its line and column as it is typed; Apply leaves the running sync untouched", async () => {
      const room = newRoom("lint");
      const person = await newPerson(h());
      try {
        const tab = await openDemo(h(), person, room);
        const { page } = tab;
        // Line 10 of default.json is the first rule's `"comparator": "Equal to",`: select
        // Equal to with the keyboard and type Equals over it. No Apply: the lint runs by itself.
        assert.equal((await page.inputValue("#rules-editor")).split("\n")[9], '        "comparator": "Equal to",');
        await toLine(page, 10);
        await page.keyboard.press("End");
        await page.keyboard.press("ArrowLeft");
        await page.keyboard.press("ArrowLeft");
        for (let i = 0; i < "Equal to".length; i++) await page.keyboard.press("Shift+ArrowLeft");
        await page.keyboard.type("Equals");
        await waitSummary(page, /^1 error, 0 warnings\. Edited: not applied yet\.$/);

        // Marked: the gutter's line 10, a mark under the value, the problem listed with its place.
        const marks = await page.evaluate(() => ({
          gutter: [...document.querySelectorAll("#rules-gutter .error")].map((d) => [d.textContent, d.getAttribute("title")]),
          under: [...document.querySelectorAll("#rules-marks .mark.error")].map((m) => /** @type {HTMLElement} */ (m).style.top),
          problems: [...document.querySelectorAll("#rules-problems button")].map((b) => b.textContent),
          invalid: document.getElementById("rules-editor").getAttribute("aria-invalid"),
        }));
        assert.equal(marks.gutter.length, 1);
        assert.equal(marks.gutter[0][0], "10");
        assert.match(marks.gutter[0][1] ?? "", /"Equals" is not a comparator/);
        assert.deepEqual(marks.under, [`${6 + 9 * 18}px`]);
        assert.deepEqual(marks.problems, [
          'Line 10, column 23 · error · rules[0] "Lunch to Omni" · criteria.comparator: "Equals" is not a comparator; did you mean "Equal to"? Allowed: "Equal to", "Not equal to", "Greater than", "Greater than or equal to", "Less than", "Less than or equal to".',
        ]);
        assert.equal(marks.invalid, "true");
        // Choosing the problem puts the cursor on the bad value.
        await page.click("#rules-problems button");
        assert.equal(await page.evaluate(() => {
          const ta = /** @type {HTMLTextAreaElement} */ (document.getElementById("rules-editor"));
          return document.activeElement === ta && ta.value.slice(ta.selectionStart, ta.selectionEnd);
        }), '"Equals"');

        // Apply: refused, said, and nothing changes — the rules in force, the sync, the room's rules.
        await page.click("#rules-apply");
        await waitSummary(page, /Not applied: 1 error\. The running sync keeps the rules in force \(default\.json, version 1\)\./);
        await waitForLog(page, /Rules not applied: 1 error/);
        assert.equal(await page.textContent("#status"), "Syncing 12 rules");
        assert.equal(h().rooms.room(room).rules.version, 1);
        await screenshot(page, "demo-lint");
        // The running sync still syncs with the rules in force.
        await tab.frame.click("#ccp-set-Lunch");
        await waitOmni(tab, "Lunch");
        await waitForLog(page, /✔ fired: Lunch to Omni/);

        // Typed right again (over the selected value), the rules check clean and apply.
        await page.click("#rules-problems button");
        await page.keyboard.type('"Equal to"');
        await waitSummary(page, /^✓ No problems\.$/);
        assert.equal(await page.locator("#rules-marks .mark").count(), 0);
        assert.equal(await page.locator("#rules-gutter .error").count(), 0);
        await page.click("#rules-apply");
        await waitForLog(page, /Rules applied: 12 rules from default\.json \(version 2\), by this tab/);
        assert.equal(await page.textContent("#rules-in-force"), "In force: default.json, version 2");
        assert.deepEqual(tab.problems, []);
      } finally {
        await person.close();
      }
    });

    it("applied rules honour the document's reconcile option: the writer applies them once to Connect's current state", async () => {
      const person = await newPerson(h());
      try {
        const tab = await openDemo(h(), person, newRoom("reconcile"));
        const { page } = tab;
        // Omni-Channel Coffee by hand: no rule answers it, so the two systems now differ.
        await page.click("#omni-set-Coffee");
        await waitForLog(page, /Omni-Channel: status Coffee/);
        assert.equal(await tab.frame.textContent("#ccp-state"), "Available");
        // The admin adds "options": {"reconcile": "connect"} to the document, and applies it.
        await toLine(page, 1);
        await page.keyboard.press("End");
        await page.keyboard.press("Enter");
        await page.keyboard.type('  "options": {"reconcile": "connect"},');
        await waitSummary(page, /^✓ No problems\. Edited: not applied yet\.$/);
        await page.click("#rules-apply");
        await waitForLog(page, /Rules applied: 12 rules from default\.json, edited \(version 2\), by this tab; the writer tab applies them once to Connect's current state \(options\.reconcile: connect\)/);
        // The reconcile decision: Connect's Available as a change, the rule writes Omni-Channel.
        await waitOmni(tab, "Available");
        await waitForLog(page, /reconcile[\s\S]*✔ fired: Available to Omni[\s\S]*Salesforce Agent State = Available: issued · applied/);
        const entry = await page.$eval("#log li.decision:has(.tag.reconcile)", (l) => l.textContent);
        assert.match(entry ?? "", /Connect: \(nothing\) → Available/);
        assert.deepEqual(tab.problems, []);
        await screenshot(page, "demo-reconcile");
      } finally {
        await person.close();
      }
    });

    it("rules applied in one tab are in force in every tab; edits in progress elsewhere are kept and said", async () => {
      const room = newRoom("rules-tabs");
      const person = await newPerson(h());
      try {
        const one = await openDemo(h(), person, room);
        const two = await openDemo(h(), person, room);
        await one.page.selectOption("#rules-file", "seed-lunch-example.json");
        await waitSummary(one.page, /not applied yet/);
        await one.page.click("#rules-apply");
        await waitFor(two.page, () => document.getElementById("status").textContent === "Syncing 1 rule");
        await waitFor(one.page, () => document.getElementById("status").textContent === "Syncing 1 rule");
        assert.equal(await two.page.inputValue("#rules-editor"), file("seed-lunch-example.json"));
        await waitForLog(two.page, /Rules applied: 1 rule from seed-lunch-example\.json \(version 2\), by another tab/);
        await waitForLog(one.page, /Rules applied: 1 rule from seed-lunch-example\.json \(version 2\), by this tab/);
        // Still one writer, and the one rule in force works.
        const roles = await Promise.all([one, two].map((t) => t.page.textContent("#role")));
        assert.deepEqual(roles.slice().sort(), ["Follower: another tab writes", "This tab writes"]);
        await two.frame.click("#ccp-set-Lunch");
        for (const t of [one, two]) await waitOmni(t, "Lunch");

        // Tab two is being edited when tab one applies default.json: tab two runs the new
        // rules, keeps its edit, and says so.
        await toLine(two.page, 4);
        await two.page.keyboard.type("    ");
        await waitSummary(two.page, /Edited: not applied yet/);
        const edited = await two.page.inputValue("#rules-editor");
        await one.page.selectOption("#rules-file", "default.json");
        await waitSummary(one.page, /not applied yet/);
        await one.page.click("#rules-apply");
        await waitFor(two.page, () => document.getElementById("status").textContent === "Syncing 12 rules");
        await waitFor(two.page, () => !document.getElementById("rules-notice").hidden);
        assert.match(await two.page.textContent("#rules-notice-text"), /Another tab applied default\.json \(version 3\)\. Your edits here are kept and are not in force\./);
        assert.equal(await two.page.inputValue("#rules-editor"), edited);
        await screenshot(two.page, "demo-rules-other-tab");
        await two.page.click("#rules-notice-load");
        assert.equal(await two.page.inputValue("#rules-editor"), file("default.json"));
        assert.equal(await two.page.isHidden("#rules-notice"), true);
        await waitSummary(two.page, /^✓ No problems\.$/);
        for (const t of [one, two]) assert.deepEqual(t.problems, []);
        await waitCcp(one, "Lunch");
      } finally {
        await person.close();
      }
    });
  });
}
