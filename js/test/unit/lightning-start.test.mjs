// PresenceSync.start on the Lightning path with the real engine (WebAssembly under Node): the
// page's adapter over the real utility item bundle (lightning-harness.mjs) and a fake Streams
// agent. Start-up does not depend on the order in which the two sides load.

import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { settle } from "../fakes/node.js";
import { lightningPage } from "./lightning-harness.mjs";
import { defaultRules, fakeStreams, haveDist, loadShim, wasmUrl } from "./node-engine.mjs";

describe("PresenceSync.start on Lightning", { skip: haveDist ? false : "js/dist is not built (make dist)" }, () => {
  /** @type {any} */
  let PresenceSync;
  before(async () => {
    PresenceSync = await loadShim();
  });

  const catalog = { statuses: defaultRules.salesforce.statuses, serviceChannels: defaultRules.salesforce.serviceChannels };
  const quiet = { leadership: false, logLevel: "error", echoWindowMs: 100, retryBaseMs: 1 };

  /** @param {any} sync */
  function record(sync) {
    const rec = { errors: /** @type {any[]} */ ([]), leader: /** @type {any[]} */ ([]), actions: /** @type {any[]} */ ([]) };
    sync.addEventListener("error", (/** @type {any} */ e) => rec.errors.push(e.detail));
    sync.addEventListener("leader", (/** @type {any} */ e) => rec.leader.push(e.detail));
    sync.addEventListener("action", (/** @type {any} */ e) => rec.actions.push(e.detail));
    return rec;
  }

  /**
   * Advances the adapter's clock until `promise` settles (at most `steps` timeouts), once the
   * page's status read has reached the Omni toolkit through the utility item: the wait is
   * then Omni-Channel's alone, whatever the machine's load (before that, the utility item's
   * answer and the clock would race, and the page would say it waits for two reasons).
   * @param {any} page @param {Promise<any>} promise
   */
  async function advanceUntil(page, promise, steps = 10) {
    let done = false;
    promise.then(() => (done = true), () => (done = true));
    for (let i = 0; i < 1000 && !done && !page.omni.state.calls.some((/** @type {any} */ c) => c.method === "getServicePresenceStatusId"); i++) {
      await new Promise((r) => setTimeout(r, 1));
    }
    for (let i = 0; i < steps && !done; i++) {
      await settle(3);
      page.clock.advance(page.timeoutMs);
    }
    await settle(3);
    return done;
  }

  test("Omni-Channel late: start resolves, says it waits, keeps the agent's Connect change (deferred by the engine), and syncs it once Omni answers", async () => {
    const page = await lightningPage({ catalog, status: "Available" });
    page.omni.answering(false); // the Omni-Channel utility loads after the page
    const streams = fakeStreams();
    const starting = PresenceSync.start({ wasmUrl, rules: defaultRules, connect: streams.connect, salesforce: page.adapter, options: quiet });
    const recording = starting.then(record); // listeners added as soon as start resolves, as a page does
    assert.equal(await advanceUntil(page, starting), true, "start resolved while Omni-Channel is still silent");
    const sync = await starting;
    const rec = await recording;
    await settle(3);
    assert.equal(rec.errors.length, 1);
    assert.equal(rec.errors[0].code, "timeout");
    assert.equal(rec.errors[0].waiting, true);
    assert.equal(rec.errors[0].source, "salesforce");
    assert.match(rec.errors[0].message, /Waiting for Omni-Channel: the Presence Sync utility item answers, but Omni-Channel does not/);
    assert.deepEqual(rec.leader, [{ leader: true, mode: "off", tabId: null }], "the engine started: with leadership off this tab writes from the start");

    streams.change("Lunch"); // the agent goes to Lunch in the CCP meanwhile
    await settle(3);
    assert.deepEqual(page.omni.state.calls.filter((c) => c.method === "setServicePresenceStatus"), []);
    assert.deepEqual(rec.actions.filter((a) => a.rule === "Lunch to Omni").map((a) => a.status), ["deferred"], "the engine holds the write until Omni-Channel is read");

    page.omni.answering(true); // Omni-Channel shows up
    page.clock.advance(page.timeoutMs); // the status read is asked again and answered
    await settle(10);
    assert.deepEqual(page.omni.state.calls.filter((c) => c.method === "setServicePresenceStatus").map((c) => c.args), [{ statusId: "0N5xx0000000002" }]);
    await settle(10);
    assert.equal(page.omni.status, "Lunch");
    assert.deepEqual(rec.actions.filter((a) => a.rule === "Lunch to Omni").map((a) => a.status), ["deferred", "issued", "applied"]);
    assert.equal(rec.errors.length, 1, "one notice of the wait, nothing else");
    await sync.stop();
    assert.equal(page.windows.child.listenerCount("message"), 0, "no listener left on the page");
    assert.equal(streams.handlers, 0);
  });

  test("Omni-Channel late with tab leadership: the tab runs for writer only once Omni answers; the change made meanwhile is made by the engine's takeover", async () => {
    const page = await lightningPage({ catalog, status: "Available" });
    page.omni.answering(false);
    const streams = fakeStreams();
    const starting = PresenceSync.start({ wasmUrl, rules: defaultRules, connect: streams.connect, salesforce: page.adapter, options: { ...quiet, leadership: true } });
    const recording = starting.then(record);
    assert.equal(await advanceUntil(page, starting), true);
    const sync = await starting;
    const rec = await recording;
    await settle(3);
    assert.deepEqual(rec.leader, [], "not a candidate while Omni-Channel is missing");
    assert.equal(sync.leader, false);

    streams.change("Lunch");
    await settle(3);
    assert.deepEqual(rec.actions.filter((a) => a.rule === "Lunch to Omni").map((a) => a.status), ["skipped"], "a follower decides and writes nothing");

    page.omni.answering(true);
    page.clock.advance(page.timeoutMs);
    for (let i = 0; i < 50 && page.omni.status !== "Lunch"; i++) await settle(5);
    assert.deepEqual(rec.leader.map((l) => [l.leader, l.mode]), [[true, "single"]], "elected once both platforms were read");
    assert.equal(page.omni.status, "Lunch", "the takeover made the write this tab decided while it waited");
    assert.deepEqual(page.omni.state.calls.filter((c) => c.method === "setServicePresenceStatus").map((c) => c.args), [{ statusId: "0N5xx0000000002" }]);
    await sync.stop();
    assert.equal(page.windows.child.listenerCount("message"), 0);
  });

  test("stopped while it waits: nothing starts later, nothing is left", async () => {
    const page = await lightningPage({ catalog });
    page.omni.answering(false);
    const streams = fakeStreams();
    const starting = PresenceSync.start({ wasmUrl, rules: defaultRules, connect: streams.connect, salesforce: page.adapter, options: quiet });
    await advanceUntil(page, starting);
    const sync = await starting;
    const rec = record(sync);
    await sync.stop();
    page.omni.answering(true);
    page.clock.advance(page.timeoutMs);
    await settle(10);
    assert.deepEqual(rec.leader, []);
    assert.equal(page.windows.child.listenerCount("message"), 0);
    assert.equal(page.clock.pending, 0, "no timer left");
    streams.change("Lunch");
    await settle(5);
    assert.deepEqual(page.omni.state.calls.filter((c) => c.method === "setServicePresenceStatus"), []);
  });

  test("Omni-Channel there from the start: start resolves with both sides read, no waiting error", async () => {
    const page = await lightningPage({ catalog, status: "Break" });
    const streams = fakeStreams();
    const sync = await PresenceSync.start({ wasmUrl, rules: defaultRules, connect: streams.connect, salesforce: page.adapter, options: quiet });
    const rec = record(sync);
    await settle(5);
    assert.deepEqual(rec.errors, []);
    assert.equal(rec.leader.length, 1);
    page.omni.agent.setStatus("Lunch");
    await settle(10);
    assert.deepEqual(streams.calls.map((c) => c.name), ["Lunch"], "Omni Lunch reached Connect");
    await sync.stop();
    assert.equal(page.windows.child.listenerCount("message"), 0);
  });

  test("a refused status read is an error with Salesforce's words, never taken for a logout", async () => {
    const page = await lightningPage({ catalog, status: null, whenLoggedOut: "reject" });
    const streams = fakeStreams();
    await assert.rejects(
      PresenceSync.start({ wasmUrl, rules: defaultRules, connect: streams.connect, salesforce: page.adapter, options: quiet }),
      (/** @type {any} */ e) => e.code === "start-failed" && /isn't logged in to Omni-Channel/.test(e.message),
    );
    assert.equal(page.windows.child.listenerCount("message"), 0);
    assert.equal(streams.handlers, 0);
  });
});
