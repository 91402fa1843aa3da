// @ts-check
/**
 * Loads the engine: Go's `wasm_exec.js` (the one shipped beside the module, from the Go
 * that built it), then `presence-sync.wasm`, which registers
 * `globalThis.__presenceSyncEngine` (wasm/BRIDGE.md). Loading only: every call into the
 * loaded module is bridge.js's.
 *
 * Failures are reported before anything else is touched:
 *  - `wasm-blocked` when the page's Content-Security-Policy forbids compiling WebAssembly
 *    (its `script-src` lacks `'wasm-unsafe-eval'`);
 *  - `wasm-load-failed` when a file cannot be fetched or the module does not start.
 * The module is loaded once per page and URL; every `start` then creates its own engine.
 */

import { psError, describe } from "./errors.js";
import { bridgeable } from "./bridge.js";

/** @typedef {import("./bridge.js").LoadedModule} LoadedModule */

/** @type {Map<string, Promise<LoadedModule>>} */
const loads = new Map();

/** @type {string} the URL of the script this bundle was loaded from, set by the entry point */
let scriptUrl = "";

/**
 * Records where the shim was loaded from; files default to that directory.
 * @param {string | undefined | null} url
 */
export function setScriptUrl(url) {
  if (url) scriptUrl = url;
}

/**
 * Resolves a file name beside the shim's script.
 * @param {string} name
 * @returns {string}
 */
export function besideScript(name) {
  const base = scriptUrl || (typeof document !== "undefined" ? document.baseURI : "") || (typeof location !== "undefined" ? location.href : "");
  return new URL(name, base || undefined).href;
}

/**
 * Resolves a URL relative to the page.
 * @param {string} url
 */
function fromPage(url) {
  const base = typeof document !== "undefined" ? document.baseURI : typeof location !== "undefined" ? location.href : undefined;
  return new URL(url, base).href;
}

/**
 * True when an error thrown by WebAssembly compilation means that the page's
 * Content-Security-Policy forbids it.
 * @param {unknown} e
 */
export function isCspBlock(e) {
  const msg = describe(e);
  return (
    (typeof WebAssembly !== "undefined" && e instanceof WebAssembly.CompileError && /unsafe-eval|Content Security Policy|Refused to compile/i.test(msg)) ||
    /Refused to compile or instantiate WebAssembly|wasm-unsafe-eval|WebAssembly.*Content Security Policy/i.test(msg) ||
    (e instanceof Error && e.name === "EvalError" && /WebAssembly|wasm/i.test(msg))
  );
}

/**
 * Collects CSP violations reported while a load is under way, so that a blocked
 * `wasm_exec.js` or WebAssembly compilation is told apart from a network failure.
 */
function watchViolations() {
  /** @type {{directive: string, blockedURI: string}[]} */
  const seen = [];
  /** @param {any} e */
  const onViolation = (e) => seen.push({ directive: String(e.effectiveDirective || e.violatedDirective || ""), blockedURI: String(e.blockedURI || "") });
  if (typeof document !== "undefined") document.addEventListener("securitypolicyviolation", onViolation);
  return {
    seen,
    stop() {
      if (typeof document !== "undefined") document.removeEventListener("securitypolicyviolation", onViolation);
    },
  };
}

const CSP_HELP =
  "The page's Content-Security-Policy does not allow WebAssembly: add 'wasm-unsafe-eval' to its script-src " +
  "(for example: script-src 'self' 'wasm-unsafe-eval'). Presence sync was not started.";

/**
 * Loads Go's wasm_exec.js unless `Go` is already defined.
 * @param {string} url
 * @param {ReturnType<typeof watchViolations>} violations
 * @returns {Promise<void>}
 */
async function loadWasmExec(url, violations) {
  if (typeof (/** @type {any} */ (globalThis).Go) === "function") return;
  if (typeof document === "undefined") {
    try {
      await import(/* @vite-ignore */ url);
    } catch (e) {
      throw psError("wasm-load-failed", `Could not load ${url}: ${describe(e)}`, { cause: e, url });
    }
  } else {
    await new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = url;
      s.async = true;
      s.onload = () => {
        s.remove();
        resolve(undefined);
      };
      s.onerror = () => {
        s.remove();
        // Give the securitypolicyviolation event (queued as a task) a chance to arrive.
        setTimeout(() => {
          if (violations.seen.some((v) => v.blockedURI && url.startsWith(v.blockedURI))) {
            reject(psError("wasm-blocked", `The page's Content-Security-Policy blocked ${url}. ${CSP_HELP}`, { url }));
          } else {
            reject(psError("wasm-load-failed", `Could not load ${url} (Go's wasm_exec.js, shipped beside presence-sync.js).`, { url }));
          }
        }, 0);
      };
      document.head.appendChild(s);
    });
  }
  if (typeof (/** @type {any} */ (globalThis).Go) !== "function") {
    throw psError("wasm-load-failed", `${url} did not define Go: it must be the wasm_exec.js of the Go that built presence-sync.wasm.`, { url });
  }
}

/**
 * Fetches and compiles the module (it needs no imports for that, so this runs while
 * wasm_exec.js loads).
 * @param {string} url
 * @returns {Promise<WebAssembly.Module>}
 */
async function compile(url) {
  /** @type {Response} */
  let res;
  try {
    res = await fetch(url, { credentials: "same-origin" });
  } catch (e) {
    throw psError("wasm-load-failed", `Could not fetch ${url}: ${describe(e)}`, { cause: e, url });
  }
  if (!res.ok) {
    throw psError("wasm-load-failed", `Could not fetch ${url}: HTTP ${res.status} ${res.statusText}`.trim(), { url, status: res.status });
  }
  // Served as application/wasm, the module is compiled while it downloads, and the
  // browser may keep the compiled code with the cached file. If that fails for a reason
  // other than the page's CSP, the bytes are fetched again (from the cache) and compiled.
  if (typeof WebAssembly.compileStreaming === "function" && /^application\/wasm\b/i.test(res.headers.get("Content-Type") || "")) {
    try {
      return await WebAssembly.compileStreaming(res);
    } catch (e) {
      if (isCspBlock(e)) throw psError("wasm-blocked", CSP_HELP, { cause: e, url });
    }
    try {
      res = await fetch(url, { credentials: "same-origin" });
    } catch (e) {
      throw psError("wasm-load-failed", `Could not fetch ${url}: ${describe(e)}`, { cause: e, url });
    }
  }
  /** @type {ArrayBuffer} */
  let bytes;
  try {
    bytes = await res.arrayBuffer();
  } catch (e) {
    throw psError("wasm-load-failed", `Could not read ${url}: ${describe(e)}`, { cause: e, url });
  }
  try {
    return await WebAssembly.compile(bytes);
  } catch (e) {
    if (isCspBlock(e)) throw psError("wasm-blocked", CSP_HELP, { cause: e, url });
    throw psError("wasm-load-failed", `${url} is not a usable WebAssembly module: ${describe(e)}`, { cause: e, url });
  }
}

/**
 * Instantiates the compiled module with Go's imports.
 * @param {WebAssembly.Module} module
 * @param {any} importObject
 * @param {string} url
 * @returns {Promise<WebAssembly.Instance>}
 */
async function instantiate(module, importObject, url) {
  try {
    return await WebAssembly.instantiate(module, importObject);
  } catch (e) {
    if (isCspBlock(e)) throw psError("wasm-blocked", CSP_HELP, { cause: e, url });
    throw psError("wasm-load-failed", `${url} is not a usable WebAssembly module: ${describe(e)}`, { cause: e, url });
  }
}

/**
 * Loads the engine module (once per URL).
 * @param {{wasmUrl?: string, wasmExecUrl?: string}} [opts]
 * @returns {Promise<LoadedModule>}
 */
export function loadEngine(opts = {}) {
  const wasmUrl = opts.wasmUrl ? fromPage(opts.wasmUrl) : besideScript("presence-sync.wasm");
  const execUrl = opts.wasmExecUrl ? fromPage(opts.wasmExecUrl) : new URL("wasm_exec.js", wasmUrl).href;
  const key = wasmUrl;
  let p = loads.get(key);
  if (!p) {
    p = load(wasmUrl, execUrl);
    loads.set(key, p);
    // A failed load may be retried by a later start.
    p.catch(() => loads.delete(key));
  }
  return p;
}

/**
 * @param {string} wasmUrl
 * @param {string} execUrl
 * @returns {Promise<LoadedModule>}
 */
async function load(wasmUrl, execUrl) {
  if (typeof WebAssembly === "undefined" || typeof WebAssembly.instantiate !== "function") {
    throw psError("wasm-blocked", "This browser does not provide WebAssembly.");
  }
  const g = /** @type {any} */ (globalThis);
  const violations = watchViolations();
  try {
    // The module is fetched and compiled while wasm_exec.js loads.
    const compiling = compile(wasmUrl);
    compiling.catch(() => {}); // awaited below, after wasm_exec.js (whose failure comes first)
    await loadWasmExec(execUrl, violations);
    const go = new g.Go();
    const before = g.__presenceSyncEngine;
    const instance = await instantiate(await compiling, go.importObject, wasmUrl);
    let exited = false;
    /** @type {unknown} */
    let runError = null;
    // go.run resolves when the Go program exits; the engine's main never returns.
    Promise.resolve()
      .then(() => go.run(instance))
      .then(
        () => { exited = true; },
        (/** @type {unknown} */ e) => { exited = true; runError = e; },
      );
    for (let i = 0; i < 200 && !exited; i++) {
      const api = g.__presenceSyncEngine;
      if (api && api !== before && typeof api.create === "function") {
        if (!bridgeable(api, instance.exports)) {
          throw psError("wasm-load-failed", `${wasmUrl} is not this version's presence-sync engine (its exported input path is missing).`, { url: wasmUrl });
        }
        return { api, exports: /** @type {any} */ (instance.exports) };
      }
      await new Promise((r) => setTimeout(r, i < 20 ? 0 : 10));
    }
    throw psError("wasm-load-failed", `${wasmUrl} did not start the presence-sync engine${runError ? ": " + describe(runError) : ""}.`, { url: wasmUrl });
  } finally {
    violations.stop();
  }
}
