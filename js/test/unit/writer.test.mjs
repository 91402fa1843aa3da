// The leadership seam (js/src/writer.js): the agent's key, leadership off, and leadership on
// over leadership.js with injected platform pieces.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { agentKey, createWriter } from "../../src/writer.js";
import { webLocks } from "./web-locks.mjs";

describe("writer.js", () => {
  it("keys the tabs by the agent's username, else its agent id: never by the region or instance a failover changes", () => {
    const east = "arn:aws:connect:us-east-1:123456789012:instance/i-east/agent/a1";
    const west = "arn:aws:connect:us-west-2:123456789012:instance/i-west/agent/a1";
    /** @param {string} arn @param {string} [username] */
    const agent = (arn, username) => ({ getAgentARN: () => arn, getConfiguration: () => ({ agentARN: arn, ...(username ? { username } : {}) }) });
    assert.equal(agentKey(agent(east, "jane")), "presence-sync:user:jane");
    assert.equal(agentKey(agent(east, "jane")), agentKey(agent(west, "jane")), "tabs started before and after a region failover share one key");
    assert.equal(agentKey(agent(east)), "presence-sync:agent:a1");
    assert.equal(agentKey(agent(east)), agentKey(agent(west)));
    assert.notEqual(agentKey(agent(east, "jane")), agentKey(agent(east, "joe")));
    assert.equal(agentKey({ getAgentARN: () => { throw new Error("no"); } }), "presence-sync:agent");
    assert.equal(agentKey(null), "presence-sync:agent");
    assert.equal(agentKey({ getConfiguration: () => ({ username: "x".repeat(5000) }) }).length, "presence-sync:".length + 400);
  });

  it("leadership off: this tab writes alone and shares nothing", async () => {
    const w = createWriter({ leadership: false });
    assert.equal(w.known, true, "no election: the role is known from the start");
    assert.equal(w.isWriter(), true);
    assert.equal(await w.begin(), true);
    assert.equal(w.mode, "off");
    assert.equal(w.tabId, null);
    assert.equal(w.broadcast("decision", { event: { type: "x" } }), false);
    await w.stop();
  });

  it("leadership on, alone (no Web Locks, no storage): this tab writes; role callback once; stop is prompt", async () => {
    /** @type {boolean[]} */
    const roles = [];
    const w = createWriter({
      leadership: true,
      key: "presence-sync:test",
      onChange: (l) => roles.push(l),
      leadershipOptions: { locks: null, storage: null, BroadcastChannel: null, window: null, document: null },
    });
    await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual([roles, w.known, w.isWriter()], [[], false, false], "no election before begin: not the writer");
    const begun = w.begin();
    assert.deepEqual(roles, [], "no callback inside begin");
    assert.equal(await begun, true);
    assert.equal(w.known, true);
    assert.deepEqual(roles, [true]);
    assert.equal(w.mode, "single");
    assert.equal(typeof w.tabId, "string");
    assert.equal(w.isWriter(), true);
    const t = Date.now();
    await w.stop();
    assert.ok(Date.now() - t < 500);
    assert.equal(w.isWriter(), false);
  });

  it("leadership on with a lock manager: the first tab writes, the second follows, and takes over when the first stops", async () => {
    const locks = webLocks();
    const common = { storage: null, BroadcastChannel: null, window: null, document: null, locks };
    /** @type {boolean[]} */
    const second = [];
    const a = createWriter({ leadership: true, key: "presence-sync:k", leadershipOptions: common });
    assert.equal(await a.begin(), true);
    const b = createWriter({ leadership: true, key: "presence-sync:k", onChange: (l) => second.push(l), leadershipOptions: common });
    assert.equal(await b.begin(), false);
    assert.deepEqual([...new Set(locks.requested)], ["presence-sync:k"], "every lock asked for is the agent's key");
    assert.equal(a.mode, "locks");
    assert.deepEqual([a.isWriter(), b.isWriter()], [true, false]);
    await a.stop();
    for (let i = 0; i < 20 && !b.isWriter(); i++) await new Promise((r) => setTimeout(r, 1));
    assert.equal(b.isWriter(), true);
    assert.deepEqual(second, [false, true]);
    await b.stop();
  });
});
