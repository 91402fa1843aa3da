// @ts-check
/**
 * Errors the shim raises: an `Error` with a stable `code` (DESIGN.md "Semantics" 14,
 * plus the loader's and the shim's own codes).
 *
 * Codes of `start` rejections:
 *  - `invalid-rules`: the rules (or the engine options) are invalid; `problems` lists each one;
 *  - `invalid-options`: `start` was called without a usable `connect` or `salesforce`;
 *  - `wasm-blocked`: the page's Content-Security-Policy forbids WebAssembly
 *    (`script-src` needs `'wasm-unsafe-eval'`);
 *  - `wasm-load-failed`: `presence-sync.wasm` or `wasm_exec.js` could not be fetched or run;
 *  - `timeout`: Amazon Connect Streams did not report the agent in time;
 *  - `start-failed`: reading the current state of a platform failed.
 */

/**
 * @typedef {Error & {code: string, problems?: any[], cause?: unknown, [key: string]: unknown}} PresenceSyncError
 */

/**
 * Makes an Error with a code.
 * @param {string} code
 * @param {string} message
 * @param {Record<string, unknown>} [extra]
 * @returns {PresenceSyncError}
 */
export function psError(code, message, extra) {
  const e = /** @type {PresenceSyncError} */ (new Error(message));
  e.name = "PresenceSyncError";
  e.code = code;
  if (extra) Object.assign(e, extra);
  return e;
}

/**
 * Describes any thrown value in words.
 * @param {unknown} e
 * @returns {string}
 */
export function describe(e) {
  if (e instanceof Error) return e.message;
  if (typeof e === "string") return e;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}
