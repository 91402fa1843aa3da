// The built-in adapters' events through the engine (WebAssembly under Node): the adapters pass
// Salesforce's facts on as given (salesforce-lightning/console.test.mjs), and the engine fills
// in what they lack on its decision's event — a status's DeveloperName and label from the
// catalog, a work item's service channel from its key prefix (`named` in
// testdata/salesforce/*-events.json) — and reports what no read can name.

import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { classicConsole, createOmni } from "../fakes/index.js";
import { loadTestdata, settle } from "../fakes/node.js";
import { lightningPage } from "./lightning-harness.mjs";
import { defaultRules, fakeStreams, haveDist, loadShim, wasmUrl } from "./node-engine.mjs";

describe("the adapters' events, as the engine decides on them", { skip: haveDist ? false : "js/dist is not built (make dist)" }, () => {
  /** @type {any} */
  let PresenceSync;
  before(async () => {
    PresenceSync = await loadShim();
  });
  const catalog = loadTestdata("catalog.json");
  // The live catalog (the adapters' listStatuses and listServiceChannels) is catalog.json;
  // the rules' targets it lacks are unknown-state at start, which these tests leave aside.
  const rules = defaultRules;
  const options = { leadership: false, logLevel: "error", loopMaxWrites: 1000 };

  /**
   * Starts the sync on `adapter`; returns the decisions and errors it dispatches.
   * @param {any} adapter
   */
  async function run(adapter) {
    const streams = fakeStreams();
    const sync = await PresenceSync.start({ wasmUrl, rules, connect: streams.connect, salesforce: adapter, options });
    const rec = { decisions: /** @type {any[]} */ ([]), errors: /** @type {any[]} */ ([]) };
    sync.addEventListener("decision", (/** @type {any} */ e) => rec.decisions.push(e.detail));
    sync.addEventListener("error", (/** @type {any} */ e) => e.detail.code !== "unknown-state" && rec.errors.push(e.detail));
    await settle(3);
    return { sync, rec };
  }

  /** The decision's event for an expected adapter event, with the engine's names. @param {any} c */
  function decided(c) {
    const e = { ...c.expect, ...(c.named ?? {}) };
    switch (e.type) {
      case "statusChanged":
        return { type: "Salesforce Agent State Change", statusId: e.statusId, statusApiName: e.statusApiName, statusName: e.statusName, ...(e.reason ? { reason: e.reason } : {}) };
      case "workAccepted":
        return { type: "Salesforce Work Accepted", workItemId: e.workItemId, workId: e.workId, ...(e.serviceChannel ? { serviceChannel: e.serviceChannel } : {}) };
    }
    return null;
  }

  test("Lightning: a status by its Id only is named, a work item's channel found", async () => {
    const cases = loadTestdata("lightning-events.json").filter((/** @type {any} */ c) => decided(c));
    const page = await lightningPage({ catalog });
    const { sync, rec } = await run(page.adapter);
    for (const c of cases) {
      page.omni.fire(c.event, c.params);
      await settle(5);
      assert.deepEqual(pick(last(rec.decisions, decided(c)).event, decided(c)), decided(c), c.name);
    }
    assert.deepEqual(rec.errors, []);
    await sync.stop();
  });

  test("Classic console: the same, from the Console Integration Toolkit's payloads", async () => {
    const cases = loadTestdata("classic-events.json").filter((/** @type {any} */ c) => decided(c));
    const fake = classicConsole(createOmni({ catalog, status: "Training" }));
    const { sync, rec } = await run(PresenceSync.salesforce.console(fake.sforce, { catalog: async () => structuredClone(catalog) }));
    for (const c of cases) {
      fake.fire(c.event, c.payload);
      await settle(5);
      assert.deepEqual(pick(last(rec.decisions, decided(c)).event, decided(c)), decided(c), c.name);
    }
    assert.deepEqual(rec.errors, []);
    await sync.stop();
  });

  test("a status no catalog and no read can name: the engine reads the current status, then reports invalid-event naming statusApiName and skips it", async () => {
    const bad = loadTestdata("bad-payloads.json").find((/** @type {any} */ b) => b.by === "engine");
    const page = await lightningPage({ catalog });
    const { sync, rec } = await run(page.adapter);
    const reads = page.omni.state.calls.filter((c) => c.method === "getServicePresenceStatusId").length;
    page.omni.fire(bad.lightning, bad.payload);
    await settle(10);
    assert.equal(page.omni.state.calls.filter((c) => c.method === "getServicePresenceStatusId").length, reads + 1, "one read to name it");
    assert.deepEqual(rec.errors.map((e) => [e.code, e.field]), [["invalid-event", bad.field]]);
    assert.equal(rec.decisions.filter((d) => d.event.statusId === bad.payload.statusId).length, 0);
    await sync.stop();
  });
});

/** The last decision on an event of this type (a rule's write to Connect decides one after it). @param {any[]} ds @param {any} ev */
function last(ds, ev) {
  return ds.filter((d) => d.event.type === ev.type).at(-1) ?? { event: {} };
}

/** The keys of `like` in `o`. @param {any} o @param {any} like */
function pick(o, like) {
  return Object.fromEntries(Object.keys(like).map((k) => [k, o[k]]));
}
