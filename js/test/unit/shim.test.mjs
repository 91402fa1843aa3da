// Unit tests of the shim's Salesforce translation, loader and test server, runnable without a
// browser (the Connect side: connect.test.mjs).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { toEngineInput, adapterProblems, salesforceSide } from "../../src/salesforce.js";
import { isCspBlock } from "../../src/loader.js";
import { resolvePath, jsRoot, repoRoot } from "../server.mjs";
import path from "node:path";

describe("Salesforce side", () => {
  it("maps adapter events to engine inputs, as the adapter gave them", () => {
    /** @param {any} event */
    const ev = (event) => ({ input: { op: "event", event } });
    assert.deepEqual(toEngineInput({ type: "statusChanged", statusId: "0N5", statusApiName: "Lunch", statusName: "Lunch", reason: "OmniManualStatusChange" }),
      ev({ type: "Salesforce Agent State Change", statusId: "0N5", statusApiName: "Lunch", statusName: "Lunch", reason: "OmniManualStatusChange" }));
    assert.deepEqual(toEngineInput({ type: "statusChanged", statusId: "0N5", reason: "OmniLoginStatusChange" }),
      ev({ type: "Salesforce Agent State Change", statusId: "0N5", reason: "OmniLoginStatusChange" }), "a status by its Id only: the engine names it");
    assert.deepEqual(toEngineInput({ type: "logout", reason: "OmniSupervisorLogout" }), ev({ type: "Salesforce Agent Logout", reason: "OmniSupervisorLogout" }));
    assert.deepEqual(toEngineInput({ type: "workAccepted", workItemId: "500x", workId: "0Bz" }), ev({ type: "Salesforce Work Accepted", workItemId: "500x", workId: "0Bz" }));
    assert.deepEqual(toEngineInput({ type: "workloadChanged", configuredCapacity: "5", previousWorkload: 1, newWorkload: 2, newInterruptibleWorkload: "1" }),
      ev({ type: "Salesforce Workload Changed", configuredCapacity: "5", previousWorkload: 1, newWorkload: 2, newInterruptibleWorkload: "1" }));
    assert.deepEqual(toEngineInput({ type: "error", code: "invalid-event", message: "m" }), { error: { code: "invalid-event", message: "m", source: "salesforce" } });
    assert.deepEqual(toEngineInput({ type: "error", code: "timeout", message: "w", waiting: true }), { error: { code: "timeout", message: "w", source: "salesforce", waiting: true } });
    assert.equal(toEngineInput({ type: "ready", message: "Omni-Channel answers." }), null);
    assert.deepEqual(toEngineInput({ type: "mystery" }), ev({ type: "mystery" }), "the engine judges an unknown type");
    assert.equal(/** @type {any} */ (toEngineInput(42)).error.code, "invalid-event");
  });

  it("names every missing adapter method", () => {
    assert.deepEqual(adapterProblems({ getStatus() {}, listStatuses() {}, setStatus() {}, logout() {}, subscribe() {} }), []);
    assert.deepEqual(adapterProblems({ getStatus() {} }), ["salesforce.listStatuses must be a function", "salesforce.setStatus must be a function", "salesforce.logout must be a function", "salesforce.subscribe must be a function"]);
    assert.equal(adapterProblems(null).length, 1);
  });

  it("executes setStatus with the Id and logout; a rejection goes to the engine as the adapter gave it", async () => {
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
    assert.deepEqual(await side.execute({ value: "X", statusId: "bad" }), { ok: false, error: { name: "Error", message: "denied", type: "AccessDeniedException" } });
    assert.equal(/** @type {any} */ (await side.execute({ value: "Y" })).error.type, "unknown-state");
    assert.deepEqual(calls, [["setStatus", "0N5xx0000000002"], ["logout"], ["setStatus", "bad"]]);
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
