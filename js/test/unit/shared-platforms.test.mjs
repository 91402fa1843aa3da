// The rooms the test server holds for several tabs (js/test/shared-platforms.mjs,
// shared-ccp.mjs): one agent's Connect (the fake CCP's model: a plain putAgentState during a
// live contact refused as Connect refuses it, a next state queued), one Omni-Channel, the
// faults the demo arms, the rules in force; and their HTTP face, as the frames and the demo
// reach them (two servers sharing one set of rooms, as `make demo` runs them).

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startServer } from "../server.mjs";
import { createRooms } from "../shared-platforms.mjs";

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe("shared platforms: one agent for every tab", () => {
  test("Connect: putAgentState as Connect answers it, the agent's actions, the faults armed", async () => {
    const rooms = createRooms();
    try {
      const r = rooms.room("unit-ccp");
      const ccp = r.ccp;
      const lunch = ccp.model.byName("Lunch");
      assert.deepEqual(ccp.put({ state: lunch, enqueueNextState: false }), { ok: true });
      await sleep(ccp.latencyMs + 20);
      assert.equal(ccp.state, "Lunch");
      // A state of another region's ARN is refused (InvalidParameterException), as Connect refuses it.
      const foreign = { ...ccp.model.byName("Break"), agentStateARN: "arn:aws:connect:eu-west-2:1:instance/x/agent-state/1" };
      assert.equal(JSON.parse(/** @type {string} */ (ccp.put({ state: foreign }).err)).type, "InvalidParameterException");

      // On a call: a plain write is refused, one with enqueueNextState becomes the next state.
      ccp.agent("setState", ["Available"]);
      const id = ccp.agent("ring", ["voice"]);
      ccp.agent("answer", [id]);
      assert.equal(ccp.state, "Busy");
      assert.equal(JSON.parse(/** @type {string} */ (ccp.put({ state: ccp.model.byName("Break") }).err)).type, "InvalidStateException");
      assert.deepEqual(ccp.put({ state: ccp.model.byName("Break"), enqueueNextState: true }), { ok: true });
      assert.equal(ccp.view().nextState?.name, "Break");
      ccp.agent("hangup", [id]);
      ccp.agent("clear", [id]);
      await sleep(ccp.latencyMs + 20);
      assert.equal(ccp.state, "Break", "the next state applies when the contact is closed");
      assert.throws(() => ccp.agent("hangup", []), /no contact to end/);
      assert.throws(() => ccp.agent("eval", []), /no such CCP action/);

      // Faults: the next writes fail with the armed type, or go unanswered, then all is well again.
      ccp.failNext("InvalidStateException", 2, "busy");
      ccp.holdNext(1);
      assert.deepEqual(r.view().faults.ccp, { failures: ["InvalidStateException", "InvalidStateException"], hold: false, holdNext: 1 });
      const avail = ccp.model.byName("Available");
      assert.deepEqual(ccp.put({ state: avail }), { held: true });
      assert.deepEqual(JSON.parse(/** @type {string} */ (ccp.put({ state: avail }).err)), { type: "InvalidStateException", message: "busy" });
      assert.ok(ccp.put({ state: avail }).err);
      assert.deepEqual(ccp.put({ state: avail }), { ok: true });
      assert.deepEqual(r.view().faults.ccp, { failures: [], hold: false, holdNext: 0 });
      assert.deepEqual(ccp.writes.slice(-4).map((w) => w.outcome), ["held", "InvalidStateException", "InvalidStateException", "ok"]);
      ccp.failNext("AccessDeniedException", 3);
      ccp.clearFaults();
      assert.deepEqual(r.view().faults.ccp, { failures: [], hold: false, holdNext: 0 });
    } finally {
      rooms.closeAll();
    }
  });

  test("Omni-Channel: the agent's actions, a rejection armed for the next write and used by it, the calls in the view", async () => {
    const rooms = createRooms();
    try {
      const r = rooms.room("unit-omni");
      r.omni.agent("setStatus", ["Lunch"]);
      assert.equal(r.omni.status, "Lunch");
      const work = r.omni.agent("acceptWork", ["sfdc_case"]);
      assert.match(String(work), /^500/);
      assert.equal(r.view().omni.workload, 1);
      r.omni.agent("completeWork");
      assert.equal(r.view().omni.workload, 0);
      assert.throws(() => r.omni.agent("setStatus", [42]), /must be a string/);

      r.omni.failNext("INSUFFICIENT_ACCESS", 1, "You don't have access to the presence status you selected.");
      assert.deepEqual(r.view().faults.omni.failures, ["INSUFFICIENT_ACCESS"]);
      const refused = await r.omni.call({ method: "setStatus", args: ["0N5xx0000000003"], tab: "tab-1" });
      assert.deepEqual(refused, { error: { type: "INSUFFICIENT_ACCESS", message: "You don't have access to the presence status you selected." } });
      assert.deepEqual(r.view().faults.omni.failures, []);
      assert.deepEqual(await r.omni.call({ method: "setStatus", args: ["0N5xx0000000003"], tab: "tab-1" }), { ok: true });
      assert.equal(r.omni.status, "Break");
      // Newest first in the console's view, with the tab that made each call.
      assert.deepEqual(r.view().omni.calls.map((c) => [c.statusId, c.outcome, c.tab]), [["0N5xx0000000003", "ok", "tab-1"], ["0N5xx0000000003", "INSUFFICIENT_ACCESS", "tab-1"]]);
    } finally {
      rooms.closeAll();
    }
  });

  describe("over HTTP, two servers sharing the rooms", () => {
    const rooms = createRooms();
    /** @type {Awaited<ReturnType<typeof startServer>>[]} */
    const servers = [];
    before(async () => {
      servers.push(await startServer({ rooms }), await startServer({ rooms }));
    });
    after(async () => {
      await Promise.all(servers.map((s) => s.close()));
    });
    /** @param {number} i @param {string} path @param {unknown} [body] */
    const call = async (i, path, body) => {
      const res = await fetch(servers[i].url + path, body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.json() };
    };

    test("the agent, the faults and the rules: one room whichever server is asked", async () => {
      assert.equal((await call(0, "/shared/unit-http/ccp/agent", { op: "setState", args: ["Coffee"] })).status, 200);
      const state = await call(1, "/shared/unit-http/ccp/state");
      assert.equal(state.body.state, "Coffee");
      assert.equal(state.body.view.availability, "Coffee");
      assert.equal(state.body.update.snapshot.state.name, "Coffee");
      // What the agent cannot do is refused and changes nothing.
      const refused = await call(1, "/shared/unit-http/ccp/agent", { op: "hangup", args: [] });
      assert.deepEqual([refused.status, /no contact/.test(refused.body.error)], [409, true]);
      // Faults: validated; an Omni-Channel rejection cannot be taken back.
      assert.equal((await call(0, "/shared/unit-http/faults", { system: "ccp", fail: { type: "InvalidStateException", times: 3 } })).body.faults.ccp.failures.length, 3);
      assert.equal((await call(1, "/shared/unit-http/faults", { system: "nope" })).status, 400);
      assert.equal((await call(1, "/shared/unit-http/faults", { system: "omni", clear: true })).status, 400);
      assert.equal((await call(1, "/shared/unit-http/faults", { system: "ccp", clear: true })).body.faults.ccp.failures.length, 0);
      // Rules: a new version for every tab; no text, no version.
      assert.equal((await call(0, "/shared/unit-http/rules")).body.version, 1);
      assert.equal((await call(0, "/shared/unit-http/rules", { text: "  " })).status, 400);
      const put = await call(1, "/shared/unit-http/rules", { text: '{"rules": []}', name: "empty.json", by: "tab-x" });
      assert.deepEqual(put.body, { ok: true, version: 2 });
      const got = (await call(0, "/shared/unit-http/rules")).body;
      assert.deepEqual([got.text, got.name, got.by, got.version], ['{"rules": []}', "empty.json", "tab-x", 2]);
      // A demo tab's stream starts with the rules in force and the view.
      const ctl = new AbortController();
      const res = await fetch(servers[1].url + "/shared/unit-http/demo/events", { signal: ctl.signal });
      const reader = /** @type {ReadableStreamDefaultReader<Uint8Array>} */ (res.body?.getReader());
      let text = "";
      while (!/event: view/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
      ctl.abort();
      assert.match(text, /event: rules\ndata: \{"text":"\{\\"rules\\": \[\]\}","name":"empty\.json"/);
      assert.match(text, /event: view\ndata: \{"omni":\{"status":"Available"/);
    });
  });
});
