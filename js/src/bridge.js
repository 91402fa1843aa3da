// @ts-check
/**
 * The one crossing between the shim and the engine (wasm/BRIDGE.md): every call into the
 * WebAssembly module is made here, and every engine input takes one path.
 *
 * The module (loaded by loader.js) registers `__presenceSyncEngine = {version, create,
 * stop, stats}` and exports `presenceSyncInput`, `presenceSyncHandle` and
 * `presenceSyncOutput`. An input crosses once each way as UTF-8 JSON in the module's
 * linear memory: written into the buffer `presenceSyncInput(max)` returns, run by
 * `presenceSyncHandle(id, n)`, its output read at `presenceSyncOutput()` — no Go
 * `js.Func` on the way, no `js.Value` made. The module owns time: it reads the clock for
 * each input (the shim passes none) and arms a page timer for the engine's next wakeAt,
 * which calls the `wake` function given to `create`; the bridge answers it with a `tick`
 * input on the same path and hands the output to `onWake`.
 */

import { psError, describe } from "./errors.js";

/**
 * @typedef {import("./types.js").EngineInput} EngineInput
 * @typedef {import("./types.js").EngineOutput} EngineOutput
 * @typedef {import("./types.js").Engine} Engine
 * @typedef {{
 *   version: string,
 *   create(configJSON: string, wake: () => void): {ok: true, id: number, version: string} | {ok: false, error: {code: string, message: string, problems: unknown[]}},
 *   stop(id: number): void,
 *   stats(options?: {gc?: boolean, id?: number}): Record<string, any>,
 *   lint?(rulesText: string): {ok: boolean, problems: import("./types.js").Problem[]},
 * }} ModuleAPI what the module registers as `__presenceSyncEngine`
 * @typedef {{
 *   mem: WebAssembly.Memory,
 *   presenceSyncInput(maxBytes: number): number,
 *   presenceSyncHandle(id: number, n: number): number,
 *   presenceSyncOutput(): number,
 * }} ModuleExports the module's exported input path
 * @typedef {{api: ModuleAPI, exports: ModuleExports}} LoadedModule
 */

const TICK = '{"op":"tick"}';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Whether a loaded module has what the bridge calls.
 * @param {any} api
 * @param {any} exports
 * @returns {boolean}
 */
export function bridgeable(api, exports) {
  return !!api && typeof api.create === "function" && typeof api.stop === "function" && typeof api.stats === "function" &&
    !!exports && exports.mem instanceof WebAssembly.Memory && typeof exports.presenceSyncInput === "function" &&
    typeof exports.presenceSyncHandle === "function" && typeof exports.presenceSyncOutput === "function";
}

/**
 * The module's lint of a rules document's text (what `presencesync lint` reports: errors
 * and warnings, each at its line and column in that text). Creates no engine.
 * @param {LoadedModule} mod
 * @param {string} text
 * @returns {import("./types.js").LintResult}
 */
export function lintRules(mod, text) {
  if (typeof mod.api.lint !== "function") {
    throw psError("wasm-load-failed", "This presence-sync.wasm cannot check rules (it has no lint): it is not this version's engine.");
  }
  const r = mod.api.lint(text);
  return { ok: r.ok === true, problems: Array.isArray(r.problems) ? r.problems : [] };
}

/**
 * Creates an engine instance: compiles the rules (config is rules.NewSession's JSON). Throws
 * a PresenceSyncError (`invalid-rules` with `problems`, or the module's code) when the
 * module refuses them.
 * @param {LoadedModule} mod
 * @param {string} config
 * @param {(output: EngineOutput) => void} onWake receives the output of each tick
 * @returns {Engine}
 */
export function createEngine(mod, config, onWake) {
  const { api, exports: ex } = mod;
  let stopped = false;
  /** @type {number} */
  let id = 0;

  /**
   * Runs one input (JSON text) through the module; returns the output (JSON text).
   * @param {string} json
   */
  function run(json) {
    const max = json.length * 3; // UTF-16 code units to UTF-8 bytes, at most
    const at = ex.presenceSyncInput(max) >>> 0;
    const n = encoder.encodeInto(json, new Uint8Array(ex.mem.buffer, at, max)).written;
    const size = ex.presenceSyncHandle(id, n);
    return decoder.decode(new Uint8Array(ex.mem.buffer, ex.presenceSyncOutput() >>> 0, size));
  }

  /**
   * One input in, its output out. Never throws: what goes wrong on the way is the
   * output's error.
   * @param {EngineInput} input
   * @returns {EngineOutput}
   */
  function input(input) {
    if (stopped) return {};
    let json;
    try {
      json = JSON.stringify(input);
    } catch (e) {
      return { errors: [{ code: "invalid-event", message: `An input could not be written as JSON: ${describe(e)}` }] };
    }
    return outputOf(() => run(json));
  }

  /** @param {() => string} call @returns {EngineOutput} */
  function outputOf(call) {
    try {
      return JSON.parse(call());
    } catch (e) {
      return { errors: [{ code: "internal", message: `internal error at the engine's boundary: ${describe(e)}` }] };
    }
  }

  const wake = () => {
    if (!stopped) onWake(outputOf(() => run(TICK)));
  };
  const r = api.create(config, wake);
  if (!r || r.ok !== true) {
    const err = (r && !r.ok && r.error) || { code: "internal", message: "the engine could not be created", problems: [] };
    throw psError(err.code || "invalid-rules", err.message, { problems: err.problems ?? [] });
  }
  id = r.id;

  return Object.freeze({
    input,
    stop() {
      if (stopped) return;
      stopped = true;
      api.stop(id);
    },
    /** @param {boolean} [gc] */
    stats(gc) {
      return api.stats({ gc: !!gc, id });
    },
  });
}
