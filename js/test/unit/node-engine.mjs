// The real shim with the real engine under Node (js/dist/presence-sync.wasm, run with the
// browser-like globals wasm/testdata uses), and a fake of Streams' agent that is enough for
// the shim: states, onStateChange, setState. Shared by the tests that drive PresenceSync.start.

import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const jsRoot = path.resolve(here, "..", "..");
const dist = path.join(jsRoot, "dist");

/** Whether js/dist holds the built module (make dist). */
export const haveDist = fs.existsSync(path.join(dist, "presence-sync.wasm")) && fs.existsSync(path.join(dist, "wasm_exec.js"));
/** The module's URL, for PresenceSync.start's wasmUrl. */
export const wasmUrl = pathToFileURL(path.join(dist, "presence-sync.wasm")).href;
/** testdata/rules/default.json. */
export const defaultRules = JSON.parse(fs.readFileSync(path.join(jsRoot, "..", "testdata", "rules", "default.json"), "utf8"));

/** @type {Promise<any> | null} */
let loading = null;

/** Installs the globals Go's module needs and loads the shim (src/index.js), once. */
export function loadShim() {
  if (!loading) {
    loading = (async () => {
      createRequire(import.meta.url)("../../../wasm/testdata/node-window.cjs");
      const realFetch = globalThis.fetch;
      globalThis.fetch = /** @type {any} */ (async (/** @type {any} */ url, /** @type {any} */ init) => {
        const u = String(url);
        if (!u.startsWith("file:")) return realFetch(url, init);
        return new Response(fs.readFileSync(fileURLToPath(u)), { headers: { "Content-Type": "application/wasm" } });
      });
      return import("../../src/index.js");
    })();
  }
  return loading;
}

/**
 * An engine instance driven with raw text through the module's exported input path, as
 * js/src/bridge.js drives it (for tests that send what the bridge never would).
 * @param {string} config
 * @returns {Promise<{handle(text: string): string, stop(): void}>}
 */
export async function rawEngine(config) {
  await loadShim();
  const { loadEngine } = await import("../../src/loader.js");
  const { api, exports: ex } = await loadEngine({ wasmUrl });
  const r = api.create(config, () => {});
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  return {
    handle(text) {
      const max = text.length * 3;
      const at = ex.presenceSyncInput(max) >>> 0;
      const n = enc.encodeInto(text, new Uint8Array(ex.mem.buffer, at, max)).written;
      const size = ex.presenceSyncHandle(r.id, n);
      return dec.decode(new Uint8Array(ex.mem.buffer, ex.presenceSyncOutput() >>> 0, size));
    },
    stop: () => api.stop(r.id),
  };
}

/**
 * Streams' agent, enough for the shim.
 * @param {{states?: any[], current?: string, arn?: string}} [o]
 */
export function fakeStreams(o = {}) {
  const states = (o.states ?? defaultRules.connect.states).map((/** @type {any} */ s, /** @type {number} */ i) => ({ ...s, agentStateARN: "arn:state/" + i }));
  /** @type {Set<(e: any) => void>} */
  const handlers = new Set();
  const calls = /** @type {any[]} */ ([]);
  let current = o.current ?? "Available";
  const agent = {
    getState: () => ({ name: current, type: states.find((/** @type {any} */ s) => s.name === current)?.type ?? "routable" }),
    getAgentStates: () => states,
    getAgentARN: () => o.arn ?? "arn:aws:connect:agent/test",
    onStateChange(/** @type {any} */ f) {
      handlers.add(f);
      return { unsubscribe: () => handlers.delete(f) };
    },
    setState(/** @type {any} */ st, /** @type {any} */ cb, /** @type {any} */ opts) {
      calls.push({ name: st.name, opts });
      setTimeout(() => {
        const old = current;
        current = st.name;
        cb.success?.();
        for (const h of [...handlers]) h({ agent, oldState: old, newState: current });
      }, 0);
    },
  };
  const connect = { agent: (/** @type {any} */ f) => (f(agent), { unsubscribe() {} }), core: { getEventBus: () => ({}) } };
  return {
    connect,
    calls,
    /** @param {any} e */
    emit(e) {
      for (const h of [...handlers]) h(e);
    },
    /** The agent changes state in the CCP. @param {string} name */
    change(name) {
      const old = current;
      current = name;
      for (const h of [...handlers]) h({ agent, oldState: old, newState: name });
    },
    get state() {
      return current;
    },
    get handlers() {
      return handlers.size;
    },
  };
}
