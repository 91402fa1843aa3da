// @ts-check
/**
 * Tab leadership: exactly one browser tab per agent writes.
 *
 * Agents keep several Salesforce tabs open; the softphone (and its CCP) loads in each, and
 * Streams delivers every agent state change to every tab. Every tab runs the engine (so every
 * tab's log shows what the rules decided), but only the leader tab executes writes; the
 * others are followers, and the engine is told which one this tab is (`{op: "leader"}`).
 * This file is the mechanics of electing that tab, nothing else: who writes is decided
 * here, what a new writer does is the engine's (its takeover).
 *
 * Election, by the first that works here:
 *  - "locks": the Web Locks API (leadership-locks.js); if the lock manager refuses
 *    requests (sandboxed or opaque-origin documents), the lease takes over;
 *  - "lease": a localStorage lease with heartbeats (leadership-lease.js); with the
 *    defaults a writer that vanishes without `pagehide` is replaced within 850 ms, one that
 *    closes or reloads within `settleMs`;
 *  - "single": neither Web Locks nor a usable localStorage: this tab leads.
 * `pagehide` gives the role up at once (a closing, reloading or cached tab), `pageshow`
 * from the back/forward cache elects again.
 *
 * Messages (leadership-channel.js): a BroadcastChannel named `key`. This tab posts
 * "hello" (`{leader, mode}`) when it learns its role and whenever it changes, and the
 * leader answers a newcomer's hello (`{leader: true, mode, reply: true}`), so every tab
 * knows the writer (`leaderId()`).
 *
 * Callbacks: `onLeaderChange(isLeader)` is called once when the role is first known (true or
 * false, just before `ready` resolves) and then on every change; `onMessage(msg)` for every
 * valid message from another tab. Callbacks never fire synchronously inside
 * `createLeadership`, and never after `stop()` was called. Exceptions they throw are logged
 * and swallowed.
 */

import { describe, safeLog } from "./errors.js";
import { createChannel, MAX_ID_LENGTH, MESSAGE_TYPES, PROTOCOL_VERSION, validateMessage } from "./leadership-channel.js";
import { createLeaseElection } from "./leadership-lease.js";
import { createLocksElection } from "./leadership-locks.js";

export { MESSAGE_TYPES, PROTOCOL_VERSION, validateMessage };

/**
 * Default timings (ms). Takeover after a leader vanishes without `pagehide`:
 * leaseMs + heartbeatMs + settleMs = 850 ms; with `pagehide` (close, reload): settleMs.
 */
export const DEFAULTS = Object.freeze({ leaseMs: 600, heartbeatMs: 200, settleMs: 50, hiddenLeaseMs: 2500 });

/**
 * @typedef {import("./leadership-channel.js").MessageType} MessageType
 * @typedef {import("./leadership-channel.js").LeadershipMessage} LeadershipMessage
 * @typedef {import("./types.js").LogFunction} LogFunction
 * @typedef {{
 *   addEventListener(type: string, listener: (event: any) => void): void,
 *   removeEventListener(type: string, listener: (event: any) => void): void,
 * }} EventTargetLike
 *
 * @typedef {{
 *   key: string,
 *   onLeaderChange: (isLeader: boolean) => void,
 *   onMessage?: (message: LeadershipMessage) => void,
 *   locks?: import("./leadership-locks.js").LockManagerLike | null,
 *   BroadcastChannel?: (new (name: string) => any) | null,
 *   storage?: import("./leadership-lease.js").StorageLike | null,
 *   window?: EventTargetLike | null,
 *   document?: (EventTargetLike & {visibilityState?: string}) | null,
 *   AbortController?: (new () => AbortController) | null,
 *   now?: () => number,
 *   setTimeout?: (fn: () => void, ms: number) => any,
 *   clearTimeout?: (handle: any) => void,
 *   setInterval?: (fn: () => void, ms: number) => any,
 *   clearInterval?: (handle: any) => void,
 *   leaseMs?: number,
 *   heartbeatMs?: number,
 *   settleMs?: number,
 *   hiddenLeaseMs?: number,
 *   tabId?: string,
 *   log?: LogFunction,
 * }} LeadershipOptions
 *  - key: names the lock, the channel and the lease (`${key}:lease`); one per agent;
 *  - onLeaderChange / onMessage: see above;
 *  - locks, BroadcastChannel, storage, window (for `storage`, `pagehide`, `pageshow`),
 *    document (for `visibilitychange`), AbortController: default from globalThis
 *    (`navigator.locks`, `localStorage`, ...); `null` turns one off;
 *  - now, setTimeout / clearTimeout / setInterval / clearInterval: clock and timers;
 *  - leaseMs, heartbeatMs, settleMs, hiddenLeaseMs: lease timings (DEFAULTS);
 *  - tabId: this tab's id (default: a random UUID), at most 100 characters;
 *  - log: `(level, message, detail)`.
 *
 * @typedef {{
 *   ready: Promise<boolean>,
 *   tabId: string,
 *   readonly mode: "locks" | "lease" | "single",
 *   isLeader(): boolean,
 *   leaderId(): string | null,
 *   broadcast(type: MessageType, payload: Record<string, any>): boolean,
 *   peers(): number,
 *   stats(): {received: number, ignored: number},
 *   stop(): Promise<void>,
 * }} Leadership
 */

/**
 * Elects the writer tab among the tabs sharing `options.key`.
 * @param {LeadershipOptions} options
 * @returns {Leadership}
 */
export function createLeadership(options) {
  if (!options || typeof options !== "object") throw new TypeError("createLeadership: options are required");
  const key = options.key;
  if (typeof key !== "string" || key === "") throw new TypeError("createLeadership: options.key must be a non-empty string");
  const onLeaderChange = options.onLeaderChange;
  if (typeof onLeaderChange !== "function") throw new TypeError("createLeadership: options.onLeaderChange must be a function");
  const onMessage = typeof options.onMessage === "function" ? options.onMessage : null;
  const log = safeLog(options.log);

  const now = typeof options.now === "function" ? options.now : () => Date.now();
  const setTimeoutFn = options.setTimeout ?? ((/** @type {() => void} */ fn, /** @type {number} */ ms) => globalThis.setTimeout(fn, ms));
  const clearTimeoutFn = options.clearTimeout ?? ((/** @type {any} */ h) => globalThis.clearTimeout(h));
  const setIntervalFn = options.setInterval ?? ((/** @type {() => void} */ fn, /** @type {number} */ ms) => globalThis.setInterval(fn, ms));
  const clearIntervalFn = options.clearInterval ?? ((/** @type {any} */ h) => globalThis.clearInterval(h));

  const leaseMs = positive(options.leaseMs, DEFAULTS.leaseMs, "leaseMs");
  const heartbeatMs =
    options.heartbeatMs === undefined ? Math.min(DEFAULTS.heartbeatMs, leaseMs / 3) : positive(options.heartbeatMs, DEFAULTS.heartbeatMs, "heartbeatMs");
  const settleMs = nonNegative(options.settleMs, DEFAULTS.settleMs, "settleMs");
  const hiddenLeaseMs = Math.max(leaseMs, positive(options.hiddenLeaseMs, DEFAULTS.hiddenLeaseMs, "hiddenLeaseMs"));
  if (heartbeatMs >= leaseMs) throw new RangeError("createLeadership: heartbeatMs must be shorter than leaseMs");

  let tabId = options.tabId;
  if (tabId === undefined) tabId = newTabId();
  if (typeof tabId !== "string" || tabId === "" || tabId.length > MAX_ID_LENGTH) {
    throw new TypeError(`createLeadership: options.tabId must be a string of 1 to ${MAX_ID_LENGTH} characters`);
  }
  const self = tabId;

  const lockManager = pick(options, "locks", () => globalThis.navigator?.locks);
  const Channel = pick(options, "BroadcastChannel", () => globalThis.BroadcastChannel);
  const storage = pick(options, "storage", () => globalThis.localStorage);
  const win = pick(options, "window", () => (typeof globalThis.addEventListener === "function" ? globalThis : null));
  const doc = pick(options, "document", () => globalThis.document);
  const Abort = pick(options, "AbortController", () => globalThis.AbortController);

  let stopped = false;
  /** Between `pagehide` and a `pageshow` from the back/forward cache. */
  let suspended = false;
  let leader = false;
  /** @type {boolean | null} last value given to onLeaderChange */
  let notified = null;
  /** @type {boolean | null} last role announced with "hello" */
  let announced = null;
  /** @type {string | null} */
  let knownLeader = null;

  /** @type {(value: boolean) => void} */
  let resolveReady = () => {};
  let readyDone = false;
  /** @type {Promise<boolean>} */
  const ready = new Promise((resolve) => {
    resolveReady = resolve;
  });

  // ---- timers: every handle is tracked so stop() leaves none behind ----

  /** @type {Set<import("./leadership-lease.js").TimerEntry>} */
  const timers = new Set();

  /** @param {number} ms @param {() => void} fn */
  function after(ms, fn) {
    const entry = { kind: /** @type {const} */ ("timeout"), handle: /** @type {any} */ (undefined) };
    entry.handle = setTimeoutFn(() => {
      timers.delete(entry);
      if (!stopped) guard(fn);
    }, ms);
    timers.add(entry);
    return entry;
  }

  /** @param {number} ms @param {() => void} fn */
  function every(ms, fn) {
    const entry = { kind: /** @type {const} */ ("interval"), handle: /** @type {any} */ (undefined) };
    entry.handle = setIntervalFn(() => {
      if (!stopped) guard(fn);
    }, ms);
    timers.add(entry);
    return entry;
  }

  /** @param {import("./leadership-lease.js").TimerEntry | null} entry */
  function cancel(entry) {
    if (!entry || !timers.has(entry)) return;
    timers.delete(entry);
    try {
      if (entry.kind === "timeout") clearTimeoutFn(entry.handle);
      else clearIntervalFn(entry.handle);
    } catch (err) {
      log("warn", "leadership: clearing a timer failed", { error: describe(err) });
    }
  }

  function cancelAll() {
    for (const entry of [...timers]) cancel(entry);
  }

  /** @param {() => void} fn */
  function guard(fn) {
    try {
      fn();
    } catch (err) {
      log("error", "leadership: internal error", { error: describe(err) });
    }
  }

  // ---- role changes ----

  /**
   * @param {boolean} value
   * @param {string} why
   * @param {boolean} [defer] notify from a microtask (when called from isLeader())
   */
  function setLeader(value, why, defer = false) {
    if (stopped) return;
    if (leader !== value) {
      leader = value;
      log("info", value ? "leadership: this tab is now the writer" : "leadership: this tab is not the writer", { tabId: self, mode, why });
    }
    if (leader) knownLeader = self;
    else if (knownLeader === self) knownLeader = null;
    if (defer) Promise.resolve().then(publish);
    else publish();
  }

  /** @param {boolean} value */
  function notify(value) {
    notified = value;
    try {
      onLeaderChange(value);
    } catch (err) {
      log("error", "leadership: onLeaderChange threw", { error: describe(err) });
    }
  }

  /** Tells onLeaderChange, the other tabs, and `ready` about the current role, once per change. */
  function publish() {
    if (stopped) return;
    if (notified !== leader) notify(leader);
    if (stopped) return;
    if (announced !== leader) {
      announced = leader;
      channel.post("hello", { leader, mode });
    }
    if (!readyDone) {
      readyDone = true;
      resolveReady(leader);
    }
  }

  // ---- the elections ----

  const locks = createLocksElection({
    name: key,
    locks: lockManager,
    Abort,
    active: () => !stopped && !suspended && mode === "locks",
    setLeader,
    failed: locksFailed,
    log,
  });
  const lease = createLeaseElection({
    key, self, storage, document: doc, leaseMs, heartbeatMs, settleMs, hiddenLeaseMs, now, after, every, cancel,
    active: () => !stopped && !suspended && mode === "lease",
    isLeader: () => leader,
    setLeader,
    log,
  });

  /** @type {"locks" | "lease" | "single"} */
  let mode = lockManager && typeof lockManager.request === "function" ? "locks" : lease.usable() ? "lease" : "single";

  /** @param {unknown} err */
  function locksFailed(err) {
    if (stopped || mode !== "locks") return;
    mode = lease.usable() ? "lease" : "single";
    log("warn", `leadership: Web Locks refused the request; using ${mode === "lease" ? "a localStorage lease" : "this tab alone"}`, {
      error: describe(err),
    });
    if (suspended) return;
    if (mode === "lease") lease.start();
    else setLeader(true, "no Web Locks and no localStorage");
  }

  function startElection() {
    if (mode === "locks") locks.start();
    else if (mode === "lease") lease.start();
    else setLeader(true, "no Web Locks and no localStorage");
  }

  function release() {
    if (mode === "locks") locks.release();
    if (mode === "lease") lease.release();
  }

  // ---- messages ----

  const channel = createChannel({
    key,
    self,
    Channel,
    log,
    active: () => !stopped,
    onMessage(message) {
      if (message.type === "hello") onHello(message);
      if (stopped || !onMessage) return;
      try {
        onMessage(message);
      } catch (err) {
        log("error", "leadership: onMessage threw", { error: describe(err) });
      }
    },
  });

  /** @param {LeadershipMessage} message */
  function onHello(message) {
    const p = message.payload;
    if (p.leader === true) {
      if (leader && !suspended) {
        log("warn", "leadership: another tab also says it is the writer; checking", { other: message.from, mode });
        if (mode === "lease") guard(lease.beat);
      }
      knownLeader = message.from;
    } else if (knownLeader === message.from) {
      knownLeader = null;
    }
    // Answer a newcomer so it learns who writes.
    if (leader && !suspended && p.reply !== true && p.leader !== true && p.leaving !== true) channel.post("hello", { leader: true, mode, reply: true });
  }

  // ---- page lifecycle ----

  function onPageHide() {
    if (stopped || suspended) return;
    suspended = true;
    guard(() => {
      cancelAll();
      release();
    });
    if (leader) {
      leader = false;
      if (knownLeader === self) knownLeader = null;
      log("info", "leadership: page hidden (closing, reloading or cached); this tab stops writing", { tabId: self, mode });
      channel.post("hello", { leader: false, mode, leaving: true });
      announced = false;
      if (notified !== false && notified !== null) notify(false);
    }
    if (!readyDone) {
      readyDone = true;
      resolveReady(false);
    }
  }

  /** @param {any} event */
  function onPageShow(event) {
    if (stopped || !suspended) return;
    let persisted = false;
    try {
      persisted = event?.persisted === true;
    } catch {
      persisted = false;
    }
    if (!persisted) return;
    suspended = false;
    log("info", "leadership: page restored from the back/forward cache; electing again", { tabId: self });
    guard(startElection);
  }

  /** @type {Array<[EventTargetLike, string, (event: any) => void]>} */
  const listeners = [];
  /** @param {EventTargetLike | null | undefined} target @param {string} type @param {(event: any) => void} fn */
  function listen(target, type, fn) {
    if (!target || typeof target.addEventListener !== "function") return;
    try {
      target.addEventListener(type, fn);
      listeners.push([target, type, fn]);
    } catch (err) {
      log("warn", `leadership: cannot listen to ${type}`, { error: describe(err) });
    }
  }

  // ---- public API ----

  function isLeader() {
    if (stopped || suspended || !leader) return false;
    if (mode === "lease" && lease.heldByOther()) {
      // Our lease was taken while our timers slept: stop writing now, tell the callback soon.
      setLeader(false, "another tab holds the lease", true);
      return false;
    }
    return true;
  }

  /** @type {Promise<void> | null} */
  let stopping = null;

  function stop() {
    if (stopping) return stopping;
    const wasLeader = leader;
    // Say goodbye while the channel is still open (no callback of ours fires for it): the
    // others learn the writer left, and that there is one tab fewer to share with.
    if (!suspended) channel.post("hello", { leader: false, mode, leaving: true });
    stopped = true;
    leader = false;
    knownLeader = null;
    cancelAll();
    for (const [target, type, fn] of listeners.splice(0)) {
      try {
        target.removeEventListener(type, fn);
      } catch {
        // the target is gone
      }
    }
    channel.close();
    if (!readyDone) {
      readyDone = true;
      resolveReady(false);
    }
    /** @type {Promise<unknown>[]} */
    let waits = [];
    if (mode === "locks") {
      locks.release();
      waits = locks.waits();
    }
    if (mode === "lease") lease.release();
    log("debug", "leadership: stopped", { tabId: self, mode, wasLeader });
    stopping = Promise.all(waits).then(() => undefined);
    return stopping;
  }

  listen(win, "pagehide", onPageHide);
  listen(win, "pageshow", onPageShow);
  listen(win, "storage", (event) => guard(() => lease.onStorage(event)));
  listen(doc, "visibilitychange", () => guard(lease.onVisibility));

  // Elect after createLeadership returns, so no callback runs before the caller holds the result.
  Promise.resolve().then(() => {
    if (!stopped && !suspended) guard(startElection);
  });

  return Object.freeze({
    ready,
    tabId: self,
    get mode() {
      return mode;
    },
    isLeader,
    /** The tab known to be the writer (this tab's id when it leads), or null. */
    leaderId() {
      if (stopped) return null;
      return isLeader() ? self : knownLeader;
    },
    /**
     * Posts `{v: 1, channel: key, from: tabId, type, payload}` to the other tabs.
     * @param {MessageType} type
     * @param {Record<string, any>} payload
     * @returns {boolean} whether it was posted (false: stopped, no channel, no other tab, bad type or payload)
     */
    broadcast: (type, payload) => channel.broadcast(type, payload),
    /** How many other tabs this tab has heard from and not heard leave. */
    peers: () => (stopped ? 0 : channel.peers()),
    stats: () => channel.stats(),
    stop,
  });
}

/**
 * @param {Record<string, any>} options
 * @param {string} name
 * @param {() => unknown} fallback
 * @returns {any}
 */
function pick(options, name, fallback) {
  if (options[name] !== undefined) return options[name];
  try {
    return fallback() ?? null;
  } catch {
    // e.g. localStorage throws SecurityError in a third-party frame with storage blocked
    return null;
  }
}

function newTabId() {
  try {
    const c = globalThis.crypto;
    if (c && typeof c.randomUUID === "function") return c.randomUUID();
  } catch {
    // fall through
  }
  return `tab-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/** @param {unknown} value @param {number} fallback @param {string} name */
function positive(value, fallback, name) {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`createLeadership: ${name} must be a positive number of milliseconds`);
  }
  return value;
}

/** @param {unknown} value @param {number} fallback @param {string} name */
function nonNegative(value, fallback, name) {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`createLeadership: ${name} must be a non-negative number of milliseconds`);
  }
  return value;
}
