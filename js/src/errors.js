// @ts-check
/**
 * The shim's one error type and its helpers for words and logs.
 *
 * Every error the shim raises or rejects with is a PresenceSyncError: an `Error` whose
 * `name` is "PresenceSyncError" and whose `code` is stable (rules/SEMANTICS.md section 14, plus
 * the shim's own). Codes of `start` rejections:
 *  - `invalid-rules`: the rules (or the engine options) are invalid; `problems` lists each one;
 *  - `invalid-options`: `start` was called without a usable `connect` or `salesforce`;
 *  - `wasm-blocked`: the page's Content-Security-Policy forbids WebAssembly
 *    (`script-src` needs `'wasm-unsafe-eval'`);
 *  - `wasm-load-failed`: `presence-sync.wasm` or `wasm_exec.js` could not be fetched or run;
 *  - `timeout`: Amazon Connect Streams did not report the agent in time;
 *  - `start-failed`: reading the current state of a platform failed;
 *  - `stopped`: `stop()` was called while `start` ran.
 * The built-in adapters reject with `unavailable` (what they need is missing) and
 * `invalid-event` (Salesforce answered something that cannot be read); a platform's own
 * refusal reaches the engine as the platform gave it (platformError).
 */

/**
 * @typedef {Error & {code: string, problems?: unknown[], cause?: unknown, [key: string]: unknown}} PresenceSyncError
 */

/** Longest text the shim passes on from a platform or an adapter. */
export const MAX_TEXT = 2000;

/**
 * Makes a PresenceSyncError.
 * @param {string} code
 * @param {string} message
 * @param {Record<string, unknown>} [extra] more fields (undefined ones are left out)
 * @returns {PresenceSyncError}
 */
export function psError(code, message, extra) {
  const e = /** @type {PresenceSyncError} */ (new Error(message));
  e.name = "PresenceSyncError";
  e.code = code;
  if (extra) {
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) e[k] = v;
  }
  return e;
}

/**
 * Describes any thrown or received value in words, bounded. Never throws.
 * @param {unknown} e
 * @returns {string}
 */
export function describe(e) {
  let s;
  try {
    if (e instanceof Error) s = e.message;
    else if (typeof e === "string") s = e;
    else s = JSON.stringify(e) ?? String(e);
  } catch {
    try {
      s = String(e);
    } catch {
      s = "a value that cannot be shown";
    }
  }
  return bounded(s);
}

/**
 * A short description of a payload value for a message (never the value whole).
 * @param {unknown} value
 */
export function show(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "function") return "a function";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? value.slice(0, 57) + "..." : value);
  return String(value); // number, boolean, bigint, undefined, symbol: all render safely
}

/**
 * A text cut to MAX_TEXT characters, saying how long it was.
 * @param {string} s
 */
export function bounded(s) {
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}… (${s.length} characters)` : s;
}

/**
 * A platform's error as the engine reads it (wasm/BRIDGE.md `result`): a string or a
 * plain JSON-shaped object as the platform gave it; an Error as `{name, message}` and the
 * `type`/`code` it carries; anything else described. Never throws.
 * @param {unknown} e
 * @returns {unknown}
 */
export function platformError(e) {
  if (typeof e === "string") return bounded(e);
  if (e instanceof Error) {
    const o = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (e));
    /** @type {Record<string, unknown>} */
    const out = { name: e.name, message: bounded(String(e.message)) };
    for (const k of ["type", "code"]) if (typeof o[k] === "string") out[k] = o[k];
    return out;
  }
  if (e && typeof e === "object") {
    try {
      const text = JSON.stringify(e);
      if (text && text.length <= 4 * MAX_TEXT) return JSON.parse(text);
    } catch {
      // cyclic, or a getter that throws: described below
    }
  }
  return describe(e);
}

/**
 * Wraps an optional logging function so that it never throws.
 * @param {unknown} log
 * @returns {import("./types.js").LogFunction}
 */
export function safeLog(log) {
  if (typeof log !== "function") return () => {};
  return (level, message, detail) => {
    try {
      log(level, message, detail);
    } catch {
      // a broken logger must not break sync
    }
  };
}

/** Log levels, by how much they show. */
export const LEVELS = Object.freeze({ error: 0, warn: 1, info: 2, debug: 3 });

/**
 * A log function writing to the console what `level` shows.
 * @param {import("./types.js").LogLevel | undefined} level
 * @returns {import("./types.js").LogFunction}
 */
export function consoleLog(level) {
  const max = LEVELS[level ?? "warn"] ?? LEVELS.warn;
  return safeLog((/** @type {import("./types.js").LogLevel} */ lvl, /** @type {string} */ msg, /** @type {unknown} */ detail) => {
    if ((LEVELS[lvl] ?? LEVELS.debug) > max) return;
    const c = /** @type {any} */ (globalThis).console;
    if (!c) return;
    const f = lvl === "debug" ? c.debug : lvl === "info" ? c.info : lvl === "warn" ? c.warn : c.error;
    if (detail === undefined) f.call(c, msg);
    else f.call(c, msg, detail);
  });
}
