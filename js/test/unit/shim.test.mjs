// Unit tests of the shim's platform translation, runnable without a browser.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseConnectError, waitForAgent, connectSide } from "../../src/connect.js";
import { toEngineEvent, adapterProblems, adapterError, salesforceSide } from "../../src/salesforce.js";
import { isCspBlock } from "../../src/loader.js";
import { resolvePath, jsRoot, repoRoot } from "../server.mjs";
import path from "node:path";

describe("Connect side", () => {
  it("parses the CCP's JSON-string errors, objects and plain strings", () => {
    assert.deepEqual(parseConnectError('{"type":"InvalidStateException","message":"busy"}'), { type: "InvalidStateException", message: "busy" });
    assert.deepEqual(parseConnectError({ errorType: "AccessDeniedException", message: "no" }), { type: "AccessDeniedException", message: "no" });
    assert.deepEqual(parseConnectError("socket closed"), { type: "Error", message: "socket closed" });
    assert.deepEqual(parseConnectError(new TypeError("bad")), { type: "TypeError", message: "bad" });
    assert.equal(parseConnectError(undefined).type, "Error");
  });

  /** A Streams-like global whose agent is `agent` once `init()` is called. */
  function fakeStreams(agent, { bus = true } = {}) {
    const subs = new Set();
    const g = {
      initialized: false,
      busReady: bus,
      core: { getEventBus: () => (g.busReady ? {} : undefined) },
      agent(f) {
        if (!g.busReady) throw new TypeError("Cannot read properties of undefined (reading 'subscribe')");
        subs.add(f);
        if (g.initialized) f(agent);
        return { unsubscribe: () => subs.delete(f) };
      },
      init() {
        g.initialized = true;
        for (const f of [...subs]) f(agent);
      },
      subs,
    };
    return g;
  }

  it("waits for the agent, then unsubscribes", async () => {
    const agent = { id: 1 };
    const s = fakeStreams(agent);
    const p = waitForAgent(s, 1000, { cancelled: false });
    assert.equal(s.subs.size, 1);
    s.init();
    assert.equal(await p, agent);
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(s.subs.size, 0);
  });

  it("resolves at once when Streams already has the agent, leaving no subscription", async () => {
    const s = fakeStreams({ id: 2 });
    s.initialized = true;
    assert.deepEqual(await waitForAgent(s, 1000, { cancelled: false }), { id: 2 });
    assert.equal(s.subs.size, 0);
  });

  it("waits for initCCP's event bus before subscribing", async () => {
    const s = fakeStreams({ id: 3 }, { bus: false });
    const p = waitForAgent(s, 2000, { cancelled: false });
    await new Promise((r) => setTimeout(r, 80));
    s.busReady = true;
    s.initialized = true;
    assert.deepEqual(await p, { id: 3 });
  });

  it("times out with code timeout", async () => {
    const s = fakeStreams({});
    await assert.rejects(waitForAgent(s, 30, { cancelled: false }), (e) => e.code === "timeout" && /initCCP/.test(e.message));
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(s.subs.size, 0);
  });

  function fakeAgent() {
    const states = [{ name: "Available", type: "routable", agentStateARN: "arn:a" }, { name: "Lunch", type: "not_routable", agentStateARN: "arn:l" }];
    /** @type {any[]} */
    const calls = [];
    /** @type {((e: any) => void) | null} */
    let handler = null;
    return {
      calls,
      fire: (e) => handler && handler(e),
      getState: () => ({ name: "Available", type: "routable" }),
      getAgentStates: () => states,
      onStateChange(f) {
        handler = f;
        return { unsubscribe: () => { handler = null; } };
      },
      setState(state, cb, opts) {
        calls.push({ state, opts });
        if (state.name === "Lunch") cb.failure('{"type":"InvalidStateException","message":"on a call"}');
        else cb.success({});
      },
      hasHandler: () => handler !== null,
    };
  }

  it("translates onStateChange, skipping Streams' initial Init change", () => {
    const a = fakeAgent();
    const got = [];
    const unsub = connectSide(a).subscribe((e) => got.push(e), (e) => { throw e; });
    a.fire({ oldState: "Init", newState: "Available" });
    a.fire({ oldState: "Available", newState: "Lunch", agent: {} });
    assert.deepEqual(got, [{ type: "Connect Agent State Change", oldState: "Available", newState: "Lunch" }]);
    unsub();
    assert.equal(a.hasHandler(), false);
  });

  it("sets the state object by name, with enqueueNextState, and reports failures parsed", async () => {
    const a = fakeAgent();
    const side = connectSide(a);
    assert.deepEqual(await side.execute({ value: "Available" }), { ok: true });
    assert.deepEqual(a.calls[0], { state: a.getAgentStates()[0], opts: { enqueueNextState: false } });
    assert.deepEqual(await side.execute({ value: "Lunch", enqueueNextState: true }), { ok: false, error: { type: "InvalidStateException", message: "on a call" } });
    assert.equal(a.calls[1].opts.enqueueNextState, true);
    const missing = await side.execute({ value: "Gone" });
    assert.equal(missing.ok, false);
    assert.equal(missing.error.type, "unknown-state");
    assert.equal(a.calls.length, 2);
  });
});

describe("Salesforce side", () => {
  it("maps adapter events to engine events", () => {
    assert.deepEqual(toEngineEvent({ type: "statusChanged", statusId: "0N5", statusApiName: "Lunch", statusName: "Lunch", reason: "OmniManualStatusChange" }),
      { event: { type: "Salesforce Agent State Change", statusId: "0N5", statusApiName: "Lunch", statusName: "Lunch", reason: "OmniManualStatusChange" } });
    assert.deepEqual(toEngineEvent({ type: "logout" }), { event: { type: "Salesforce Agent Logout" } });
    assert.deepEqual(toEngineEvent({ type: "workAccepted", workItemId: "500x", workId: "0Bz" }), { event: { type: "Salesforce Work Accepted", workItemId: "500x", workId: "0Bz" } });
    assert.deepEqual(toEngineEvent({ type: "workloadChanged", configuredCapacity: "5", previousWorkload: 1, newWorkload: 2 }),
      { event: { type: "Salesforce Workload Changed", configuredCapacity: "5", previousWorkload: 1, newWorkload: 2 } });
    assert.deepEqual(toEngineEvent({ type: "error", code: "permission", message: "m" }), { error: { code: "permission", message: "m", source: "salesforce" } });
    assert.equal(toEngineEvent({ type: "loginSuccess" }), null);
    assert.deepEqual(toEngineEvent({ type: "mystery" }), { event: { type: "mystery" } });
    assert.equal(toEngineEvent(42).error.code, "invalid-event");
  });

  it("names every missing adapter method", () => {
    assert.deepEqual(adapterProblems({ getStatus() {}, listStatuses() {}, setStatus() {}, logout() {}, subscribe() {} }), []);
    assert.deepEqual(adapterProblems({ getStatus() {} }), ["salesforce.listStatuses must be a function", "salesforce.setStatus must be a function", "salesforce.logout must be a function", "salesforce.subscribe must be a function"]);
    assert.equal(adapterProblems(null).length, 1);
  });

  it("executes setStatus with the Id, logout, and reads rejections", async () => {
    const calls = [];
    const side = salesforceSide({
      getStatus: async () => null,
      listStatuses: async () => [],
      setStatus: async (id) => { calls.push(["setStatus", id]); if (id === "bad") throw Object.assign(new Error("denied"), { type: "AccessDeniedException" }); },
      logout: async () => { calls.push(["logout"]); },
      subscribe: () => () => {},
    });
    assert.deepEqual(await side.execute({ value: "Lunch", statusId: "0N5xx0000000002" }), { ok: true });
    assert.deepEqual(await side.execute({ value: "Offline", logout: true }), { ok: true });
    assert.deepEqual(await side.execute({ value: "X", statusId: "bad" }), { ok: false, error: { type: "AccessDeniedException", message: "denied" } });
    assert.equal((await side.execute({ value: "Y" })).error.type, "unknown-state");
    assert.deepEqual(calls, [["setStatus", "0N5xx0000000002"], ["logout"], ["setStatus", "bad"]]);
    assert.deepEqual(adapterError("boom"), { type: "Error", message: "boom" });
  });
});

describe("loader and server", () => {
  it("tells a CSP block from other compile errors", () => {
    assert.equal(isCspBlock(new WebAssembly.CompileError("WebAssembly.instantiate(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source of script")), true);
    assert.equal(isCspBlock(new WebAssembly.CompileError("WebAssembly.instantiate(): expected magic word 00 61 73 6d")), false);
    assert.equal(isCspBlock(new TypeError("Failed to fetch")), false);
  });

  it("serves only inside its mounts", () => {
    assert.equal(resolvePath("/dist/presence-sync.js"), path.join(jsRoot, "dist", "presence-sync.js"));
    assert.equal(resolvePath("/testdata/rules/default.json"), path.join(repoRoot, "testdata", "rules", "default.json"));
    assert.equal(resolvePath("/dist/../../go.mod"), null);
    assert.equal(resolvePath("/dist/%2e%2e/%2e%2e/go.mod"), null);
    assert.equal(resolvePath("/etc/passwd"), null);
    assert.equal(resolvePath("/demo/"), path.join(jsRoot, "demo", "index.html"));
    assert.equal(resolvePath("/dist/%E0%A4%A"), null);
  });
});
