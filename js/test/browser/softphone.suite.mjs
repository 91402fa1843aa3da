// @ts-check
// The softphone page's rules and status line in headless Chromium, through the Lightning
// path's three origins (lightning.suite.mjs): the real utility item bundle with the agent's
// Omni-Channel fake, the real page glue (softphone.js) on the Visualforce origin with the
// engine and the real Streams against the fake CCP. PresenceSyncController.getRulesRemote is
// answered with what the test puts in window.PresenceSyncTestRules on the Visualforce origin
// before the page loads (shaped as PresenceSyncRules.Result: source, rules, records,
// criteriaJson, profile, problems); without it the answer is source "none" and the page uses
// its "static resource" rules (testdata/rules/default.json, 12 rules).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ARTIFACTS, VF_HOST, ccpFrame, vfFrame, waitFor } from "./harness.mjs";
import path from "node:path";
import { mkdirSync } from "node:fs";

/** A rule in the canonical shape, as PresenceSyncRules (Apex) writes a record. */
function rule(/** @type {string} */ name, /** @type {string} */ source, /** @type {Record<string, any>} */ criteria, /** @type {string} */ destination, /** @type {string} */ state) {
  return { name, active: true, source, criteria, destination, state };
}
const connectIs = (/** @type {string} */ state) => ({ operandA: "Connect Agent New State", comparator: "Equal to", operandB: "Static Value", operandBValue: state });
const omniIs = (/** @type {string} */ state) => ({ operandA: "Salesforce Agent New State", comparator: "Equal to", operandB: "Static Value", operandBValue: state });

/**
 * getRulesRemote's answer for these records (rules[i] from records[i]).
 * @param {Array<[string, Record<string, any>, boolean?]>} records [DeveloperName, rule, from Criteria__c]
 * @param {any[]} [problems]
 */
function fromRecords(records, problems = []) {
  return {
    source: "records",
    rules: JSON.stringify({ rules: records.map(([, r]) => r) }, null, 2),
    records: records.map(([name]) => name),
    criteriaJson: records.map(([, , json]) => json === true),
    profile: null,
    problems,
  };
}

const TWO_RECORDS = fromRecords([
  ["Lunch_to_Omni", rule("Lunch to Omni", "Connect Agent State Change", connectIs("Lunch"), "Salesforce Agent State", "Lunch")],
  ["Omni_break_to_Connect", rule("Omni break to Connect", "Salesforce Agent State Change", omniIs("Break"), "Connect Agent State", "Break")],
]);

/** @param {() => import("./harness.mjs").Harness} h */
export function softphoneSuite(h) {
  /**
   * The Lightning page in a fresh browser context, getRulesRemote answering `rules`.
   * @param {{rules?: any, query?: Record<string, string>, started?: boolean, context?: import("playwright-core").BrowserContext}} [o]
   */
  async function open(o = {}) {
    const context = o.context ?? (await h().browser.newContext({ viewport: { width: 1280, height: 860 } }));
    if (o.rules && !o.context) {
      await context.addInitScript(({ host, rules }) => {
        if (location.hostname === host) /** @type {any} */ (window).PresenceSyncTestRules = rules;
      }, { host: VF_HOST, rules: o.rules });
    }
    const ccp = `${h().ccpBase}/fake-ccp/index.html?ui=0`;
    const q = new URLSearchParams({ vf: h().vfBase, ccp, timeout: "1500", ...(o.query ?? {}) });
    const page = await h().openIn(context, `/pages/lightning-host.html?${q}`);
    await waitFor(page, () => window.pageReady);
    const vf = await vfFrame(page);
    const frame = await ccpFrame(page);
    if (o.started !== false) await waitFor(vf, () => window.t.rec.leader.length > 0);
    return { context, page, vf, frame };
  }

  /** @param {import("playwright-core").Frame} vf */
  const line = (vf) =>
    vf.evaluate(() => {
      const el = /** @type {HTMLElement} */ (document.getElementById("presence-sync-status"));
      const q = (/** @type {string} */ s) => /** @type {HTMLElement | null} */ (el.querySelector(s));
      const lastError = q(".ps-last-error");
      return {
        state: q("p")?.textContent ?? "",
        problems: [...el.querySelectorAll(".ps-problems li")].map((li) => li.textContent),
        lastError: lastError && !lastError.hidden ? lastError.textContent : null,
      };
    });
  /** @param {import("playwright-core").Page} page */
  const toolkitCalls = (page) => page.evaluate(() => window.t.omni.state.calls.filter((c) => c.method !== "getServicePresenceStatusId").map((c) => ({ method: c.method, args: c.args ?? null })));

  describe("Salesforce softphone page: the rules it loads and the status line", () => {
    it("records apply: their rules run, the file's do not, and the line says so; accessible and within the utility bar's width", async () => {
      const { context, page, vf, frame } = await open({ rules: TWO_RECORDS });
      assert.equal((await line(vf)).state, "Syncing: 2 rules from records (this tab writes)");
      assert.deepEqual(await vf.evaluate(() => window.PresenceSyncSoftphone.rules.records), ["Lunch_to_Omni", "Omni_break_to_Connect"]);
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      await waitFor(page, () => window.t.omni.status === "Lunch");
      const d = await waitFor(vf, () => window.t.rec.decisions.find((x) => x.event.type === "Connect Agent State Change" && x.event.newState === "Lunch"));
      assert.ok(d.rules.length <= 2 && d.rules.every((r) => ["Lunch to Omni", "Omni break to Connect"].includes(r.name)), JSON.stringify(d.rules.map((r) => r.name)));
      assert.ok(d.rules.some((r) => r.name === "Lunch to Omni" && r.matched));
      await page.evaluate(() => window.t.omni.agent.setStatus("Break"));
      await waitFor(frame, () => window.fakeCCP.snapshot().snapshot.state.name === "Break");
      await page.waitForTimeout(300);
      const calls = await toolkitCalls(page);
      assert.deepEqual(calls.map((c) => c.method), ["setServicePresenceStatus"], "the static resource's Break to Omni did not run");
      const look = await vf.evaluate(() => {
        const el = /** @type {HTMLElement} */ (document.getElementById("presence-sync-status"));
        return { role: el.getAttribute("role"), live: el.getAttribute("aria-live"), fits: el.scrollWidth <= el.clientWidth, width: el.clientWidth };
      });
      assert.deepEqual({ ...look, width: look.width > 0 }, { role: "status", live: "polite", fits: true, width: true });
      assert.deepEqual(page.pageErrors, []);
      await context.close();
    });

    it("no record applies (source none, with Apex's reason): the static resource's rules, and the reason on the line", async () => {
      const problem = { severity: "error", code: "records-unreadable", record: null, label: null, field: null, value: null, message: "Presence sync cannot read the Presence Sync Rule records (custom metadata type PresenceSyncRule__mdt): assign the agent the Presence Sync Agent permission set. Until then the rules file of the PresenceSync static resource applies." };
      const { context, page, vf, frame } = await open({ rules: { source: "none", rules: null, records: [], criteriaJson: [], profile: null, problems: [problem] } });
      const shown = await line(vf);
      assert.equal(shown.state, "Syncing: 12 rules from the static resource (this tab writes)");
      assert.deepEqual(shown.problems, [problem.message]);
      assert.equal(shown.lastError, null);
      await frame.evaluate(() => window.fakeCCP.setState("Break"));
      await waitFor(page, () => window.t.omni.status === "Break");
      await context.close();
    });

    it("a malformed record: not syncing, every problem by record and field, nothing written", async () => {
      const broken = "{\"all\": [{\"operandA\": \"Connect Agent New State\",";
      const rules = fromRecords(
        [
          ["Lunch_to_Omni", rule("Lunch to Omni", "Connect Agent State Change", { ...connectIs("Lunch"), comparator: "Greater than" }, "Salesforce Agent State", "Lunch")],
          ["Broken_group", { name: "Broken group", active: true, source: "Connect Agent State Change", criteria: broken, destination: "Salesforce Agent State", state: "Break" }, true],
          ["Typo_in_group", rule("Typo in group", "Connect Agent State Change", { all: [connectIs("Available"), { ...omniIs("Lunch"), operandA: "Salesforce Agent New Stat" }] }, "Salesforce Agent State", "Available"), true],
        ],
        [{ severity: "error", code: "criteria-json", record: "Broken_group", label: "Broken group", field: "Criteria__c", value: broken, message: "Criteria (JSON) is not valid JSON: Unexpected end of input." }],
      );
      const { context, page, vf, frame } = await open({ rules, started: false });
      assert.equal(await vf.evaluate(() => window.PresenceSyncSoftphone.ready), null);
      const shown = await line(vf);
      assert.equal(shown.state, "Not syncing: the rules from records have 4 problems.", shown.problems.join("\n"));
      assert.equal(shown.problems[0], "record Broken_group, field Criteria__c: Criteria (JSON) is not valid JSON: Unexpected end of input.");
      assert.match(shown.problems[1], /^record Lunch_to_Omni, field Operand_A__c: "Greater than" compares numbers, but "Connect Agent New State" is a name/);
      assert.match(shown.problems[2], /^record Lunch_to_Omni, field Operand_B_Value__c: "Greater than" compares numbers, but the static value "Lunch" is not a number/);
      assert.match(shown.problems[3], /^record Typo_in_group, field Criteria__c \(all\[1\]\.operandA\): "Salesforce Agent New Stat" is not an operand; did you mean "Salesforce Agent New State"\?/);
      assert.equal(shown.problems.length, 4, `the engine's own error on Broken_group's Criteria__c is not said twice: ${shown.problems.join(" | ")}`);
      assert.match(/** @type {string} */ (shown.lastError), /^Last error \d\d:\d\d:\d\d: invalid-rules: the rules from records were refused; nothing was written\.$/);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.locator("#utility").screenshot({ path: path.join(ARTIFACTS, "softphone-status-invalid.png") });
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      await page.waitForTimeout(300);
      assert.deepEqual(await toolkitCalls(page), []);
      await context.close();
    });

    it("a runtime error: the record whose target the org lacks, with the code, the time and the field", async () => {
      const rules = fromRecords([
        ["Lunch_to_Omni", rule("Lunch to Omni", "Connect Agent State Change", connectIs("Lunch"), "Salesforce Agent State", "Lunch")],
        ["Break_to_Training", rule("Break to Training", "Connect Agent State Change", connectIs("Break"), "Salesforce Agent State", "Training")],
      ]);
      const { context, page, vf, frame } = await open({ rules });
      const shown = await waitFor(vf, () => {
        const el = document.querySelector("#presence-sync-status .ps-last-error");
        return el && !(/** @type {HTMLElement} */ (el).hidden) ? el.textContent : null;
      });
      assert.match(shown, /^Last error \d\d:\d\d:\d\d: unknown-state: record Break_to_Training, field Value__c: .*Training/);
      assert.equal((await line(vf)).state, "Syncing: 2 rules from records (this tab writes)", "the other rule still syncs");
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      await waitFor(page, () => window.t.omni.status === "Lunch");
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.setViewportSize({ width: 420, height: 700 });
      await page.locator("#utility").screenshot({ path: path.join(ARTIFACTS, "softphone-status.png") });
      await context.close();
    });

    it("waiting for Omni-Channel: the seconds tick (hidden from screen readers), then it syncs the records' rules", async () => {
      const { context, page, vf, frame } = await open({ rules: TWO_RECORDS, query: { omniLate: "1", timeout: "800" }, started: false });
      await waitFor(vf, () => /^Waiting for Omni-Channel: .*\(\d+ s\)$/.test(document.querySelector("#presence-sync-status p")?.textContent ?? ""));
      assert.equal(await vf.evaluate(() => document.querySelector("#presence-sync-status .ps-elapsed")?.getAttribute("aria-hidden")), "true");
      assert.equal((await line(vf)).lastError, null, "waiting is not an error");
      await frame.evaluate(() => window.fakeCCP.setState("Lunch"));
      await page.evaluate(() => window.t.omniLoads());
      await waitFor(vf, () => document.querySelector("#presence-sync-status p")?.textContent === "Syncing: 2 rules from records (this tab writes)", undefined, 20000);
      await waitFor(page, () => window.t.omni.status === "Lunch", undefined, 20000);
      await context.close();
    });

    it("a second tab of the agent says that another tab writes", async () => {
      const first = await open({ rules: TWO_RECORDS });
      const second = await open({ context: first.context });
      assert.equal((await line(first.vf)).state, "Syncing: 2 rules from records (this tab writes)");
      assert.equal((await line(second.vf)).state, "Syncing: 2 rules from records (another tab of this agent writes)");
      await first.context.close();
    });
  });
}
