// Preloaded (node --require) before Go's wasm_exec_node.js when the wasm/ package's
// tests run under Node: it gives Node the window-level APIs a browser has and the
// module uses — addEventListener/removeEventListener/dispatchEvent on the global
// object, and numeric timer ids — plus counters the tests read.
"use strict";

const target = new EventTarget();
/** @type {Map<string, Set<unknown>>} */
const listeners = new Map();

globalThis.addEventListener = function (type, fn, opts) {
  if (!listeners.has(type)) listeners.set(type, new Set());
  listeners.get(type).add(fn);
  target.addEventListener(type, fn, opts);
};
globalThis.removeEventListener = function (type, fn, opts) {
  listeners.get(type)?.delete(fn);
  target.removeEventListener(type, fn, opts);
};
globalThis.dispatchEvent = (ev) => target.dispatchEvent(ev);
/** Number of listeners of a type on the global object. */
globalThis.__listenerCount = (type) => listeners.get(type)?.size ?? 0;

const realSet = globalThis.setTimeout;
const realClear = globalThis.clearTimeout;
/** @type {Map<number, unknown>} */
const timers = new Map();
let nextId = 1;
let timersSet = 0;
globalThis.setTimeout = function (fn, ms, ...args) {
  timersSet++;
  const id = nextId++;
  timers.set(id, realSet(() => {
    timers.delete(id);
    fn(...args);
  }, ms));
  return id;
};
globalThis.clearTimeout = function (id) {
  if (typeof id === "number") {
    const t = timers.get(id);
    if (t !== undefined) realClear(t);
    timers.delete(id);
  } else {
    realClear(id);
  }
};
/** Number of setTimeout calls so far. */
globalThis.__timersSet = () => timersSet;
/** Number of pending timers made through setTimeout. */
globalThis.__pendingTimers = () => timers.size;
