// Two tabs of one agent in one process (the real shim and engine under Node): an in-process
// Web Locks elects the writer, Node's BroadcastChannel carries the writer's decisions,
// actions and errors. Every tab hears the writer's, with `detail.remote: true` (js/API.md,
// "Several tabs"), so whichever tab the agent looks at tells the truth.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createOmni, omniAdapter } from "../fakes/index.js";
import { loadTestdata, settle } from "../fakes/node.js";
import { defaultRules, fakeStreams, haveDist, loadShim, wasmUrl } from "./node-engine.mjs";
import { webLocks } from "./web-locks.mjs";

describe("two tabs of one agent", { skip: haveDist ? false : "js/dist is not built (make dist)" }, () => {
  /** @type {any} */
  let PresenceSync;
  /** @type {any} */
  let navigator;
  before(async () => {
    PresenceSync = await loadShim();
    navigator = Object.getOwnPropertyDescriptor(globalThis, "navigator");
    Object.defineProperty(globalThis, "navigator", { value: { locks: webLocks() }, configurable: true, writable: true });
  });
  after(() => {
    if (navigator) Object.defineProperty(globalThis, "navigator", navigator);
    else delete (/** @type {any} */ (globalThis)).navigator;
  });

  test("the follower hears the writer's decisions, actions and errors as its own events, marked remote", async () => {
    const omni = createOmni({ catalog: loadTestdata("catalog.json"), status: "Available" });
    const face = omniAdapter(omni);
    const streams = fakeStreams();
    const options = { logLevel: "error", retryBaseMs: 1 };
    const tabs = [];
    for (let i = 0; i < 2; i++) {
      const sync = await PresenceSync.start({ wasmUrl, rules: defaultRules, connect: streams.connect, salesforce: face.adapter, options });
      const rec = { errors: /** @type {any[]} */ ([]), actions: /** @type {any[]} */ ([]), decisions: /** @type {any[]} */ ([]), remote: /** @type {any[]} */ ([]) };
      sync.addEventListener("error", (/** @type {any} */ e) => rec.errors.push(e.detail));
      sync.addEventListener("action", (/** @type {any} */ e) => rec.actions.push(e.detail));
      sync.addEventListener("decision", (/** @type {any} */ e) => rec.decisions.push(e.detail));
      sync.addEventListener("remote", (/** @type {any} */ e) => rec.remote.push(e.detail));
      tabs.push({ sync, rec });
    }
    await settle(5);
    const [writer, follower] = tabs[0].sync.leader ? tabs : [tabs[1], tabs[0]];
    assert.deepEqual([writer.sync.leader, follower.sync.leader], [true, false]);
    for (const t of tabs) for (const k of /** @type {const} */ (["errors", "actions", "decisions", "remote"])) t.rec[k].length = 0;

    omni.failNext({ errorCode: "INSUFFICIENT_ACCESS", message: "You don't have access to the presence status you selected." });
    streams.change("Lunch");
    for (let i = 0; i < 50 && !follower.rec.errors.some((e) => e.remote); i++) await settle(2);

    assert.deepEqual(writer.rec.errors.map((e) => [e.code, e.remote]), [["write-failed", undefined]], "the writer's own error");
    assert.deepEqual(follower.rec.errors.map((e) => [e.code, e.remote, e.from]), [["write-failed", true, writer.sync.tabId]], "the follower hears it, marked remote");
    assert.equal(follower.rec.errors[0].message, writer.rec.errors[0].message);
    assert.ok(follower.rec.actions.some((a) => a.remote && a.status === "failed"), "and the writer's actions");
    assert.ok(follower.rec.actions.some((a) => !a.remote && a.status === "skipped"), "beside its own (a follower writes nothing)");
    assert.ok(follower.rec.decisions.some((d) => d.remote && d.event.newState === "Lunch"), "and the writer's decision");
    assert.ok(follower.rec.remote.some((r) => r.type === "error" && r.detail.code === "write-failed"), "the remote event too");
    assert.equal(writer.rec.errors.filter((e) => e.remote).length, 0, "the writer hears nothing back");
    assert.deepEqual(omni.state.calls.filter((c) => c.method === "setServicePresenceStatus").length, 1, "one write, by the writer; a permission error is not retried");
    for (const t of tabs) await t.sync.stop();
  });
});
