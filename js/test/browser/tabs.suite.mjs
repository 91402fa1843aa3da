// One agent, several tabs: one browser context (one profile: shared Web Locks,
// BroadcastChannel and localStorage), three pages, each with the real Streams against its
// own fake CCP frame, all frames showing one shared agent state, and one Omni-Channel
// shared by every tab (js/test/shared-platforms.mjs, held by the test server). Every tab
// runs the sync; exactly one writes.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { waitFor } from "./harness.mjs";

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls a Node-side condition.
 * @template T
 * @param {() => T} fn
 * @param {string} what
 * @param {number} [timeout]
 * @returns {Promise<T>}
 */
async function until(fn, what, timeout = 10000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** @param {() => import("./harness.mjs").Harness} h */
export function tabsSuite(h) {
  let seq = 0;

  /**
   * Opens one tab of the agent in `context` and starts the sync in it.
   * @param {import("playwright-core").BrowserContext} context
   * @param {string} room
   */
  async function openTab(context, room) {
    const ccp = `${h().ccpBase}/fake-ccp/index.html?ui=0&shared=${room}`;
    const page = await h().openIn(context, `/pages/tab.html?sf=shared&room=${room}&ccp=${encodeURIComponent(ccp)}`);
    await waitFor(page, () => window.pageReady);
    // reconcile: "connect" — a new writer applies the rules to Connect's state once (Semantics 17).
    const r = await page.evaluate(() => window.t.start({ options: { reconcile: "connect" } }));
    assert.deepEqual(r, { ok: true });
    return page;
  }

  /**
   * Opens `n` tabs and waits until every frame and tab listens and one tab writes.
   * @param {import("playwright-core").BrowserContext} context
   * @param {ReturnType<import("./harness.mjs").Harness["rooms"]["room"]>} room
   * @param {number} n
   */
  async function openTabs(context, room, n) {
    const tabs = [];
    for (let i = 0; i < n; i++) tabs.push(await openTab(context, room.name));
    await until(() => room.ccp.frames === n && room.omni.tabs === n, `${n} CCP frames and ${n} Omni listeners`);
    return tabs;
  }

  /** @param {import("playwright-core").Page[]} tabs */
  async function roles(tabs) {
    return Promise.all(tabs.map((p) => p.evaluate(() => window.t.role())));
  }

  /** @param {import("playwright-core").Page[]} tabs */
  async function theLeader(tabs) {
    const rs = await roles(tabs);
    const leaders = rs.map((r, i) => (r.leader ? i : -1)).filter((i) => i >= 0);
    assert.equal(leaders.length, 1, `exactly one writer tab, got ${JSON.stringify(rs)}`);
    return { index: leaders[0], tabId: rs[leaders[0]].tabId, roles: rs };
  }

  /**
   * Closes the writer tab; waits for another tab to say it writes; returns it and how long
   * the handover took (from the close to the new writer's `leader` event; the engine's
   * takeover — waiting for the old writer's writes in flight, reading both systems — follows).
   * @param {import("playwright-core").Page[]} tabs
   */
  async function closeLeader(tabs) {
    const { index } = await theLeader(tabs);
    const rest = tabs.filter((_, i) => i !== index);
    const t0 = Date.now();
    await tabs[index].close();
    const deadline = Date.now() + 5000;
    for (;;) {
      const at = await Promise.all(rest.map((p) => p.evaluate(() => window.t.rec.leader.find((l) => l.leader)?.at ?? 0)));
      const i = at.findIndex((x) => x > 0);
      if (i >= 0) return { tabs: rest, next: rest[i], ms: at[i] - t0 };
      if (Date.now() > deadline) throw new Error("no tab took over within 5 s");
      await sleep(10);
    }
  }

  /**
   * Drives a change and checks it produced exactly one write in all (to the other system),
   * made by the writer tab.
   * @param {ReturnType<import("./harness.mjs").Harness["rooms"]["room"]>} room
   * @param {() => void} change
   * @param {"ccp" | "omni"} target which system the rule writes
   * @param {string} value the state the target must reach
   * @param {string | null} writer tabId of the writer (Omni calls record it)
   */
  async function oneWrite(room, change, target, value, writer) {
    const before = { ccp: room.ccp.writes.length, omni: room.omni.calls.length };
    change();
    await until(() => (target === "ccp" ? room.ccp.state === value : room.omni.status === value), `${target} to reach ${value}`);
    await sleep(400); // echoes come back to every tab; nothing else may be written
    const after = { ccp: room.ccp.writes.length, omni: room.omni.calls.length };
    assert.deepEqual(after, { ccp: before.ccp + (target === "ccp" ? 1 : 0), omni: before.omni + (target === "omni" ? 1 : 0) },
      `one write for one change: ${JSON.stringify({ before, after, ccp: room.ccp.writes, omni: room.omni.calls })}`);
    if (target === "omni" && writer) assert.equal(room.omni.calls.at(-1)?.tab, writer, "the write came from the writer tab");
    if (target === "ccp") assert.equal(room.ccp.writes.at(-1)?.name, value);
  }

  describe("tab leadership: three tabs of one agent", () => {
    it("each change produces exactly one write; closing the writer hands over within 1 s; nothing lost or doubled", async (t) => {
      const room = h().rooms.room(`three-${++seq}-${Date.now()}`);
      const context = await h().browser.newContext();
      try {
        let tabs = await openTabs(context, room, 3);
        const first = await theLeader(tabs);
        assert.deepEqual(first.roles.map((r) => typeof r.tabId === "string"), [true, true, true]);
        assert.equal(new Set(first.roles.map((r) => r.tabId)).size, 3);
        const modes = await Promise.all(tabs.map((p) => p.evaluate(() => window.t.rec.leader[0]?.mode)));
        assert.deepEqual(modes, ["locks", "locks", "locks"]);

        await oneWrite(room, () => room.ccp.setState("Lunch"), "omni", "Lunch", first.tabId);
        await oneWrite(room, () => room.omni.agentSetStatus("Break"), "ccp", "Break", first.tabId);
        await oneWrite(room, () => room.ccp.setState("Available"), "omni", "Available", first.tabId);

        // Every tab decided; followers skipped their writes and hear the writer's decisions,
        // actions and errors as the same events, marked remote (and as `remote` events).
        for (const [i, p] of tabs.entries()) {
          const log = await p.evaluate(() => ({
            decisions: window.t.rec.decisions.filter((d) => d.event.newState === "Lunch" && !d.echo && !d.remote).length,
            issued: window.t.rec.actions.filter((a) => a.status === "issued" && !a.remote).length,
            skipped: window.t.rec.actions.filter((a) => a.status === "skipped" && /follower/.test(a.reason ?? "")).length,
            remote: window.t.rec.remote.filter((r) => r.type === "decision" && r.detail.event.newState === "Lunch").length,
            remoteApplied: window.t.rec.remote.filter((r) => r.type === "action" && r.detail.status === "applied").length,
            heardDecisions: window.t.rec.decisions.filter((d) => d.remote && d.event.newState === "Lunch").length,
            heardApplied: window.t.rec.actions.filter((a) => a.remote && a.status === "applied").length,
            pageErrors: window.pageErrors ?? [],
          }));
          assert.equal(log.decisions, 1, `tab ${i} decided on the Lunch change`);
          if (i === first.index) {
            assert.equal(log.issued, 3, "the writer issued the three writes");
            assert.deepEqual([log.remote, log.heardDecisions, log.heardApplied], [0, 0, 0], "the writer hears nothing back");
          } else {
            assert.equal(log.issued, 0, `follower tab ${i} issued a write`);
            assert.ok(log.skipped >= 3, `follower tab ${i} skipped its writes (${log.skipped})`);
            assert.equal(log.remote, 1, `follower tab ${i} shows the writer's decision`);
            assert.equal(log.remoteApplied, 3, `follower tab ${i} shows the writer's applied writes`);
            assert.deepEqual([log.heardDecisions, log.heardApplied], [1, 3], `follower tab ${i} hears them as its own decision and action events, marked remote`);
          }
        }

        // The writer tab closes: another takes over within 1 s and reconciles (both systems
        // agree: no write).
        const writes = { ccp: room.ccp.writes.length, omni: room.omni.calls.length };
        const hand = await closeLeader(tabs);
        assert.ok(hand.ms < 1000, `handover took ${hand.ms} ms`);
        t.diagnostic(`Web Locks handover: ${hand.ms} ms`);
        tabs = hand.tabs;
        const second = await theLeader(tabs);
        assert.equal(tabs[second.index], hand.next);
        // The engine's takeover follows the leader event: it reads both systems, then reconciles.
        await waitFor(hand.next, () => window.t.rec.decisions.some((d) => /reconcile/.test(d.note ?? "")), undefined, 3000);
        await sleep(300);
        assert.deepEqual({ ccp: room.ccp.writes.length, omni: room.omni.calls.length }, writes, "reconciling agreeing systems wrote");

        // The new writer writes, once per change.
        await oneWrite(room, () => room.omni.agentSetStatus("Lunch"), "ccp", "Lunch", second.tabId);
        await oneWrite(room, () => room.ccp.setState("Break"), "omni", "Break", second.tabId);

        // A change made while the writer tab is going away is not lost, nor written twice.
        const before = { ccp: room.ccp.writes.length, omni: room.omni.calls.length };
        const closing = closeLeader(tabs);
        room.omni.agentSetStatus("Available");
        const third = await closing;
        assert.ok(third.ms < 1000, `second handover took ${third.ms} ms`);
        t.diagnostic(`Web Locks handover with a change in flight: ${third.ms} ms`);
        await until(() => room.ccp.state === "Available", "Connect to follow Omni's Available");
        await sleep(500);
        assert.deepEqual({ ccp: room.ccp.writes.length, omni: room.omni.calls.length }, { ccp: before.ccp + 1, omni: before.omni },
          JSON.stringify(room.ccp.writes));
        assert.equal(room.ccp.writes.at(-1)?.name, "Available");
        assert.deepEqual({ connect: room.ccp.state, omni: room.omni.status }, { connect: "Available", omni: "Available" });
        const last = await third.next.evaluate(() => window.t.role());
        assert.equal(last.leader, true);
        for (const p of third.tabs) assert.deepEqual(await p.evaluate(() => window.pageErrors ?? []), []);
      } finally {
        await context.close();
      }
    });

    it("without Web Locks the localStorage lease elects one writer and hands over within 1 s", async (t) => {
      const room = h().rooms.room(`lease-${++seq}-${Date.now()}`);
      const context = await h().browser.newContext();
      await context.addInitScript(() => {
        delete (/** @type {any} */ (Navigator.prototype)).locks;
      });
      try {
        let tabs = await openTabs(context, room, 3);
        assert.equal(await tabs[0].evaluate(() => "locks" in navigator), false);
        const modes = await Promise.all(tabs.map((p) => p.evaluate(() => window.t.rec.leader[0]?.mode)));
        assert.deepEqual(modes, ["lease", "lease", "lease"]);
        const first = await theLeader(tabs);
        await oneWrite(room, () => room.ccp.setState("Lunch"), "omni", "Lunch", first.tabId);
        await oneWrite(room, () => room.omni.agentSetStatus("Break"), "ccp", "Break", first.tabId);

        const hand = await closeLeader(tabs);
        assert.ok(hand.ms < 1000, `lease handover took ${hand.ms} ms`);
        t.diagnostic(`lease handover: ${hand.ms} ms`);
        tabs = hand.tabs;
        const second = await theLeader(tabs);
        await oneWrite(room, () => room.ccp.setState("Available"), "omni", "Available", second.tabId);

        // A change during the handover is applied once by the last tab.
        const before = room.ccp.writes.length;
        const closing = closeLeader(tabs);
        room.omni.agentSetStatus("Lunch");
        const third = await closing;
        assert.ok(third.ms < 1000, `second lease handover took ${third.ms} ms`);
        t.diagnostic(`lease handover with a change in flight: ${third.ms} ms`);
        await until(() => room.ccp.state === "Lunch", "Connect to follow Omni's Lunch");
        await sleep(500);
        assert.equal(room.ccp.writes.length, before + 1, JSON.stringify(room.ccp.writes));
        assert.deepEqual({ connect: room.ccp.state, omni: room.omni.status }, { connect: "Lunch", omni: "Lunch" });
      } finally {
        await context.close();
      }
    });

    it("reloading the writer tab hands over within 1 s; the reloaded tab comes back as a follower", async (t) => {
      const room = h().rooms.room(`reload-${++seq}-${Date.now()}`);
      const context = await h().browser.newContext();
      try {
        const tabs = await openTabs(context, room, 2);
        const first = await theLeader(tabs);
        const other = tabs[1 - first.index];
        const t0 = Date.now();
        await tabs[first.index].reload();
        const at = await waitFor(other, () => window.t.rec.leader.find((l) => l.leader)?.at, undefined, 5000);
        assert.ok(at - t0 < 1000, `reload handover took ${at - t0} ms`);
        t.diagnostic(`handover on reload: ${at - t0} ms`);
        // The reloaded page starts again, and follows.
        const reloaded = tabs[first.index];
        await waitFor(reloaded, () => window.pageReady);
        assert.deepEqual(await reloaded.evaluate(() => window.t.start()), { ok: true });
        await until(() => room.ccp.frames === 2 && room.omni.tabs === 2, "the reloaded tab to listen again");
        const again = await theLeader([reloaded, other]);
        assert.equal(again.index, 1, "the reloaded tab took the writer's place back");
        await oneWrite(room, () => room.ccp.setState("Lunch"), "omni", "Lunch", again.tabId);
        await oneWrite(room, () => room.omni.agentSetStatus("Break"), "ccp", "Break", again.tabId);
      } finally {
        await context.close();
      }
    });

    it("an error every tab finds itself reaches each tab once; the writer's failed write reaches every tab", async () => {
      const room = h().rooms.room(`errors-${++seq}-${Date.now()}`);
      const context = await h().browser.newContext();
      try {
        const tabs = await openTabs(context, room, 2);
        const { index } = await theLeader(tabs);
        const writer = tabs[index];
        const follower = tabs[1 - index];
        /** @param {import("playwright-core").Page} p */
        const errors = (p) => p.evaluate(() => window.t.rec.errors.map((e) => ({ code: e.code, remote: !!e.remote, share: !!e.share })));

        // A malformed Omni-Channel payload reaches every tab: each reports it, once.
        room.omni.emit({ type: "workloadChanged", configuredCapacity: 5, previousWorkload: { n: 1 }, newWorkload: "lots" });
        for (const p of tabs) await waitFor(p, () => window.t.rec.errors.some((e) => e.code === "invalid-event"));
        await sleep(300); // a shared copy would have arrived by now
        for (const p of tabs) {
          assert.deepEqual(await errors(p), [{ code: "invalid-event", remote: false, share: false }], "reported by the tab itself, not shared");
        }

        // The writer's Omni-Channel write is refused for good: the writer reports it, and the
        // follower (which made no write) hears it from the writer, once.
        room.omni.failNext("INSUFFICIENT_ACCESS");
        room.ccp.setState("Lunch");
        await waitFor(writer, () => window.t.rec.errors.some((e) => e.code === "write-failed"));
        await waitFor(follower, () => window.t.rec.errors.some((e) => e.code === "write-failed"));
        await sleep(300);
        assert.deepEqual((await errors(writer)).slice(1), [{ code: "write-failed", remote: false, share: true }]);
        assert.deepEqual((await errors(follower)).slice(1), [{ code: "write-failed", remote: true, share: true }]);
      } finally {
        await context.close();
      }
    });

    it("messages on the BroadcastChannel are checked: hostile ones are ignored and pollute nothing", async () => {
      const room = h().rooms.room(`bc-${++seq}-${Date.now()}`);
      const context = await h().browser.newContext();
      try {
        const tabs = await openTabs(context, room, 2);
        const { index } = await theLeader(tabs);
        const follower = tabs[1 - index];
        const key = "presence-sync:arn:aws:connect:us-east-1:123456789012:instance/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee/agent/11111111-2222-4333-8444-555555555555";
        // A third party on the same origin posts on the agent's channel.
        const sent = await tabs[index].evaluate((k) => {
          const bc = new BroadcastChannel(k);
          const big = "x".repeat(1 << 20);
          const msgs = [
            JSON.parse('{"v":1,"channel":"' + k + '","from":"evil","type":"decision","payload":{"__proto__":{"polluted":true},"event":{"type":"x"}}}'),
            { v: 1, channel: k, from: "evil", type: "decision", payload: { constructor: { prototype: { polluted: true } }, event: { type: "x" } } },
            { v: 1, channel: "other", from: "evil", type: "decision", payload: { event: { type: "Connect Agent State Change" } } },
            { v: 2, channel: k, from: "evil", type: "decision", payload: { event: { type: "Connect Agent State Change" } } },
            { v: 1, channel: k, from: "evil", type: "eval", payload: {} },
            { v: 1, channel: k, from: "evil", type: "decision", payload: "not an object" },
            { v: 1, channel: k, from: "evil", type: "decision", payload: { event: "not an object" } },
            { v: 1, channel: k, from: "evil", type: "action", payload: { destination: 5, status: "applied" } },
            { v: 1, channel: k, from: "evil", type: "error", payload: { code: "x", message: big } },
            { v: 1, channel: k, from: big, type: "error", payload: { code: "x", message: "y" } },
            { v: 1, channel: k, from: "evil", type: "hello", payload: { leader: true, mode: "locks" }, extra: 1 },
            null, 42, "text", [1, 2],
          ];
          for (const m of msgs) bc.postMessage(m);
          bc.close();
          return msgs.length;
        }, key);
        assert.equal(sent, 15);
        await sleep(300);
        const seen = await follower.evaluate(() => ({ remote: window.t.rec.remote.filter((r) => r.from === "evil" || r.from.length > 100).length, clean: window.t.protoClean(), role: window.t.role() }));
        assert.deepEqual(seen, { remote: 0, clean: true, role: { leader: false, tabId: seen.role.tabId, stopped: false } });
        assert.equal(await tabs[index].evaluate(() => window.t.protoClean()), true);
        // Still one writer, and sync still works.
        await theLeader(tabs);
        await oneWrite(room, () => room.ccp.setState("Lunch"), "omni", "Lunch", null);
      } finally {
        await context.close();
      }
    });
  });
}
