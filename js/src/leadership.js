// @ts-check
/**
 * Tab leadership: exactly one browser tab per agent writes.
 *
 * Agents keep several Salesforce tabs open; the softphone (and its CCP) loads in each, and
 * Streams delivers every agent state change to every tab. Every tab runs the engine (so every
 * tab's log shows what the rules decided), but only the leader tab executes writes; the
 * others are followers, and the engine is told which one this tab is (`{op: "leader"}`).
 *
 * Election:
 *  - "locks": the Web Locks API. The lock named `key` is requested with `{ifAvailable: true}`
 *    first, to learn at once whether this tab leads; a follower then queues a normal request
 *    (abortable), granted when the leader's lock goes away. The browser releases a closed or
 *    reloaded tab's locks itself, so a follower takes over at once. A stolen lock (another
 *    context requesting with `steal: true`) makes this tab a follower again. If the lock
 *    manager refuses requests (sandboxed or opaque-origin documents), the lease takes over.
 *  - "lease": without Web Locks, a lease in localStorage under `${key}:lease`, JSON
 *    `{tabId, expires}`. The holder renews it every `heartbeatMs`; the others check it every
 *    `heartbeatMs` and on every `storage` event for the key, and claim it once it is missing or
 *    expired. A claim is a write followed, `settleMs` later, by a re-read: only the tab whose
 *    id is still there leads (two tabs writing at once: the last write wins, the other backs
 *    off). `pagehide` removes the lease so a closing or reloading leader hands over at once;
 *    a leader that vanishes without `pagehide` is replaced within leaseMs + heartbeatMs +
 *    settleMs (850 ms with the defaults). A hidden leader tab writes a longer lease
 *    (`hiddenLeaseMs`) because browsers throttle hidden tabs' timers to about once a second;
 *    closing it still hands over at once. `isLeader()` re-reads the lease, so a tab whose
 *    lease was taken while its timers were throttled stops writing as soon as it asks.
 *  - "single": neither Web Locks nor a usable localStorage: this tab leads.
 *
 * Messages: a BroadcastChannel named `key` carries `{v: 1, channel: key, from: tabId, type,
 * payload}` with type one of "decision", "action", "error", "hello". The module posts "hello"
 * (`{leader, mode}`) when this tab learns its role and whenever it changes, and the leader
 * answers a newcomer's hello (`{leader: true, mode, reply: true}`), so every tab knows the
 * writer (`leaderId()`). Received messages are validated (version, channel, sender, type,
 * JSON-shaped payload, no `__proto__` / `constructor` / `prototype` keys); anything else is
 * ignored and counted, never thrown.
 *
 * Callbacks: `onLeaderChange(isLeader)` is called once when the role is first known (true or
 * false, just before `ready` resolves) and then on every change; `onMessage(msg)` for every
 * valid message from another tab. Callbacks never fire synchronously inside
 * `createLeadership`, and never after `stop()` was called. Exceptions they throw are logged
 * and swallowed.
 */

/** The message types that may cross the channel. */
export const MESSAGE_TYPES = Object.freeze(["decision", "action", "error", "hello"]);

/** Version of the channel message format. */
export const PROTOCOL_VERSION = 1;

/**
 * Default timings (ms). Takeover after a leader vanishes without `pagehide`:
 * leaseMs + heartbeatMs + settleMs = 850 ms; with `pagehide` (close, reload): settleMs.
 */
export const DEFAULTS = Object.freeze({ leaseMs: 600, heartbeatMs: 200, settleMs: 50, hiddenLeaseMs: 2500 });

const MAX_ID_LENGTH = 100;
const MAX_DEPTH = 32;
const MAX_NODES = 20000;
const MAX_LEASE_TEXT = 1000;
/** Other tabs remembered (a hostile page posting from made-up ids cannot grow the set). */
const MAX_PEERS = 64;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
const MESSAGE_KEYS = new Set(["v", "channel", "from", "type", "payload"]);
const TYPES = new Set(MESSAGE_TYPES);

/**
 * @typedef {"decision" | "action" | "error" | "hello"} MessageType
 * @typedef {{v: 1, channel: string, from: string, type: MessageType, payload: Record<string, any>}} LeadershipMessage
 * @typedef {(level: "error" | "warn" | "info" | "debug", message: string, detail?: any) => void} LogFunction
 *
 * @typedef {{
 *   request(name: string, options: any, callback: (lock: any) => any): Promise<any>,
 * }} LockManagerLike
 *
 * @typedef {{
 *   getItem(key: string): string | null,
 *   setItem(key: string, value: string): void,
 *   removeItem(key: string): void,
 * }} StorageLike
 *
 * @typedef {{
 *   addEventListener(type: string, listener: (event: any) => void): void,
 *   removeEventListener(type: string, listener: (event: any) => void): void,
 * }} EventTargetLike
 *
 * @typedef {{
 *   key: string,
 *   onLeaderChange: (isLeader: boolean) => void,
 *   onMessage?: (message: LeadershipMessage) => void,
 *   locks?: LockManagerLike | null,
 *   BroadcastChannel?: (new (name: string) => any) | null,
 *   storage?: StorageLike | null,
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
 *  - key: names the lock, the channel and the lease (`${key}:lease`); one per agent, e.g.
 *    "presence-sync:" + the agent ARN;
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

  const locks = pick(options, "locks", () => globalThis.navigator?.locks);
  const Channel = pick(options, "BroadcastChannel", () => globalThis.BroadcastChannel);
  const storage = pick(options, "storage", () => globalThis.localStorage);
  const win = pick(options, "window", () => (typeof globalThis.addEventListener === "function" ? globalThis : null));
  const doc = pick(options, "document", () => globalThis.document);
  const Abort = pick(options, "AbortController", () => globalThis.AbortController);

  const lockName = key;
  const leaseKey = `${key}:lease`;

  /** @type {"locks" | "lease" | "single"} */
  let mode = locks && typeof locks.request === "function" ? "locks" : storageUsable() ? "lease" : "single";

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
  let received = 0;
  let ignored = 0;

  /** @type {(value: boolean) => void} */
  let resolveReady = () => {};
  let readyDone = false;
  /** @type {Promise<boolean>} */
  const ready = new Promise((resolve) => {
    resolveReady = resolve;
  });

  // ---- timers: every handle is tracked so stop() leaves none behind ----

  /** @type {Set<{kind: "timeout" | "interval", handle: any}>} */
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

  /** @param {{kind: "timeout" | "interval", handle: any} | null} entry */
  function cancel(entry) {
    if (!entry || !timers.has(entry)) return;
    timers.delete(entry);
    try {
      if (entry.kind === "timeout") clearTimeoutFn(entry.handle);
      else clearIntervalFn(entry.handle);
    } catch (err) {
      log("warn", "leadership: clearing a timer failed", { error: String(err) });
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
      log("error", "leadership: internal error", { error: String(err) });
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

  /** Tells onLeaderChange, the other tabs, and `ready` about the current role, once per change. */
  function publish() {
    if (stopped) return;
    const value = leader;
    if (notified !== value) {
      notified = value;
      try {
        onLeaderChange(value);
      } catch (err) {
        log("error", "leadership: onLeaderChange threw", { error: String(err) });
      }
    }
    if (stopped) return;
    if (announced !== leader) {
      announced = leader;
      post("hello", { leader, mode });
    }
    if (!readyDone) {
      readyDone = true;
      resolveReady(leader);
    }
  }

  // ---- Web Locks ----

  /**
   * @typedef {{granted: boolean, aborted: boolean, release: (() => void) | null, controller: AbortController | null, promise: Promise<any> | null}} LockRequest
   */
  /** @type {LockRequest | null} the request holding the lock */
  let held = null;
  /** @type {LockRequest | null} the queued (waiting) request */
  let queued = null;
  /** @type {Set<LockRequest>} requests whose promise has not settled */
  const pendingRequests = new Set();

  function locksStart() {
    lockRequest(true);
  }

  /** @param {boolean} ifAvailable */
  function lockRequest(ifAvailable) {
    /** @type {LockRequest} */
    const req = { granted: false, aborted: false, release: null, controller: null, promise: null };
    /** @type {any} */
    let lockOptions = { mode: "exclusive" };
    if (ifAvailable) lockOptions.ifAvailable = true;
    else if (Abort) {
      try {
        req.controller = new Abort();
        lockOptions.signal = req.controller.signal;
      } catch {
        req.controller = null;
      }
    }
    /** @param {any} lock */
    const callback = (lock) => {
      req.granted = true;
      if (stopped || suspended || req.aborted || mode !== "locks") return undefined;
      if (lock === null || lock === undefined) {
        // ifAvailable and another tab holds it: a follower, waiting in line.
        setLeader(false, "another tab holds the lock");
        if (!stopped && !suspended) lockRequest(false);
        return undefined;
      }
      if (queued === req) queued = null;
      return new Promise((resolve) => {
        req.release = () => resolve(undefined);
        held = req;
        setLeader(true, ifAvailable ? "the lock was free" : "the previous writer went away");
      });
    };
    let promise;
    try {
      promise = locks.request(lockName, lockOptions, callback);
    } catch (err) {
      locksFailed(err);
      return;
    }
    if (!ifAvailable) queued = req;
    req.promise = Promise.resolve(promise);
    pendingRequests.add(req);
    req.promise.then(
      () => {
        pendingRequests.delete(req);
        if (held === req) held = null;
        if (queued === req) queued = null;
      },
      (err) => {
        pendingRequests.delete(req);
        if (queued === req) queued = null;
        if (held === req) {
          // The lock was taken from us (steal) or broke: stop writing, wait in line again.
          held = null;
          req.release = null;
          if (stopped || suspended) return;
          log("warn", "leadership: the lock was taken away from this tab", { error: errorText(err) });
          setLeader(false, "the lock was taken away");
          if (!stopped && !suspended && mode === "locks") lockRequest(false);
          return;
        }
        if (req.aborted || stopped || suspended) return;
        if (!req.granted) locksFailed(err);
      },
    );
  }

  /** @param {unknown} err */
  function locksFailed(err) {
    if (stopped || mode !== "locks") return;
    mode = storageUsable() ? "lease" : "single";
    log("warn", `leadership: Web Locks refused the request; using ${mode === "lease" ? "a localStorage lease" : "this tab alone"}`, {
      error: errorText(err),
    });
    if (suspended) return;
    if (mode === "lease") leaseStart();
    else setLeader(true, "no Web Locks and no localStorage");
  }

  function locksRelease() {
    if (held) {
      const release = held.release;
      held.release = null;
      if (release) release();
    }
    if (queued) {
      const q = queued;
      queued = null;
      q.aborted = true;
      try {
        q.controller?.abort();
      } catch {
        // nothing to abort
      }
    }
  }

  // ---- localStorage lease ----

  /** @type {ReturnType<typeof every> | null} */
  let beat = null;
  /** @type {ReturnType<typeof after> | null} */
  let settleTimer = null;

  function storageUsable() {
    if (!storage || typeof storage.getItem !== "function" || typeof storage.setItem !== "function") return false;
    try {
      const probe = `${key}:probe:${self}`;
      storage.setItem(probe, "1");
      storage.removeItem(probe);
      return true;
    } catch {
      return false;
    }
  }

  /** @returns {{tabId: string, expires: number} | null} */
  function readLease() {
    try {
      return parseLease(/** @type {StorageLike} */ (storage).getItem(leaseKey));
    } catch {
      return null;
    }
  }

  function writeLease() {
    const hidden = doc?.visibilityState === "hidden";
    const expires = now() + (hidden ? hiddenLeaseMs : leaseMs);
    try {
      /** @type {StorageLike} */ (storage).setItem(leaseKey, JSON.stringify({ tabId: self, expires }));
      return true;
    } catch (err) {
      log("warn", "leadership: writing the lease failed", { error: errorText(err) });
      return false;
    }
  }

  function removeOwnLease() {
    if (!storage) return;
    try {
      if (readLease()?.tabId === self) storage.removeItem(leaseKey);
    } catch {
      // storage went away: the lease expires on its own
    }
  }

  /** @param {{tabId: string, expires: number} | null} rec @param {number} t */
  function liveOther(rec, t) {
    // A lease further ahead than any tab writes (clock moved back, tampering) is not trusted.
    return rec !== null && rec.tabId !== self && rec.expires > t && rec.expires - t <= hiddenLeaseMs + heartbeatMs;
  }

  function leaseStart() {
    cancel(beat);
    beat = every(heartbeatMs, leaseBeat);
    const rec = readLease();
    if (liveOther(rec, now())) setLeader(false, "another tab holds the lease");
    else claim();
  }

  function leaseBeat() {
    if (stopped || suspended || mode !== "lease") return;
    const rec = readLease();
    if (leader) {
      if (liveOther(rec, now())) {
        setLeader(false, "another tab holds the lease");
        return;
      }
      if (!writeLease()) setLeader(false, "the lease cannot be renewed");
      return;
    }
    if (!settleTimer && !liveOther(rec, now())) claim();
  }

  function claim() {
    if (settleTimer || stopped || suspended) return;
    if (!writeLease()) {
      setLeader(false, "the lease cannot be written");
      return;
    }
    settleTimer = after(settleMs, () => {
      settleTimer = null;
      if (stopped || suspended || mode !== "lease") return;
      const rec = readLease();
      if (rec && rec.tabId === self) {
        writeLease();
        setLeader(true, "the lease was free");
      } else {
        log("debug", "leadership: another tab claimed the lease at the same time; this tab follows", { tabId: self, holder: rec?.tabId ?? null });
        setLeader(false, "another tab claimed the lease at the same time");
      }
    });
  }

  /** @param {any} event */
  function onStorage(event) {
    if (stopped || suspended || mode !== "lease") return;
    let eventKey;
    try {
      eventKey = event?.key;
    } catch {
      return;
    }
    if (eventKey !== null && eventKey !== leaseKey) return;
    guard(() => {
      const rec = readLease();
      if (leader) {
        if (liveOther(rec, now())) setLeader(false, "another tab took the lease");
        else if (!rec || rec.tabId !== self) writeLease();
      } else if (!settleTimer && !liveOther(rec, now())) {
        claim();
      }
    });
  }

  function onVisibility() {
    if (stopped || suspended || mode !== "lease" || !leader) return;
    // Hidden tabs' timers are throttled: write the longer (or, when visible again, the normal) lease now.
    guard(() => {
      if (!liveOther(readLease(), now())) writeLease();
    });
  }

  // ---- page lifecycle ----

  function onPageHide() {
    if (stopped || suspended) return;
    suspended = true;
    guard(() => {
      cancelAll();
      beat = null;
      settleTimer = null;
      if (mode === "locks") locksRelease();
      if (mode === "lease") removeOwnLease();
    });
    if (leader) {
      leader = false;
      if (knownLeader === self) knownLeader = null;
      log("info", "leadership: page hidden (closing, reloading or cached); this tab stops writing", { tabId: self, mode });
      post("hello", { leader: false, mode, leaving: true });
      announced = false;
      if (notified !== false && notified !== null) {
        notified = false;
        try {
          onLeaderChange(false);
        } catch (err) {
          log("error", "leadership: onLeaderChange threw", { error: String(err) });
        }
      }
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

  function startElection() {
    if (mode === "locks") locksStart();
    else if (mode === "lease") leaseStart();
    else setLeader(true, "no Web Locks and no localStorage");
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
      log("warn", `leadership: cannot listen to ${type}`, { error: errorText(err) });
    }
  }

  // ---- BroadcastChannel ----

  /** @type {any} */
  let channel = null;
  if (typeof Channel === "function") {
    try {
      channel = new Channel(key);
      channel.onmessage = onChannelMessage;
      channel.onmessageerror = () => {
        if (stopped) return;
        received++;
        ignored++;
      };
    } catch (err) {
      channel = null;
      log("warn", "leadership: BroadcastChannel unavailable; other tabs will not see this tab's log", { error: errorText(err) });
    }
  }

  /**
   * The other tabs heard from (every tab says hello when it starts, and goodbye when it
   * stops): with none, there is nobody to share decisions, actions and errors with, and
   * broadcast skips the copy and the post. A tab closed without stopping stays counted.
   * @type {Set<string>}
   */
  const peers = new Set();

  /** @param {any} event */
  function onChannelMessage(event) {
    if (stopped) return;
    received++;
    /** @type {LeadershipMessage | null} */
    let message = null;
    try {
      message = validateMessage(event?.data, key, self);
    } catch {
      message = null;
    }
    if (!message) {
      ignored++;
      return;
    }
    if (message.type === "hello" && message.payload.leaving === true) peers.delete(message.from);
    else if (peers.size < MAX_PEERS) peers.add(message.from);
    if (message.type === "hello") onHello(message);
    if (stopped || !onMessage) return;
    try {
      onMessage(message);
    } catch (err) {
      log("error", "leadership: onMessage threw", { error: String(err) });
    }
  }

  /** @param {LeadershipMessage} message */
  function onHello(message) {
    const p = message.payload;
    if (p.leader === true) {
      if (leader && !suspended) {
        log("warn", "leadership: another tab also says it is the writer; checking", { other: message.from, mode });
        if (mode === "lease") guard(leaseBeat);
      }
      knownLeader = message.from;
    } else if (knownLeader === message.from) {
      knownLeader = null;
    }
    // Answer a newcomer so it learns who writes.
    if (leader && !suspended && p.reply !== true && p.leader !== true && p.leaving !== true) post("hello", { leader: true, mode, reply: true });
  }

  /**
   * @param {string} type
   * @param {any} payload
   */
  function post(type, payload) {
    if (stopped || !channel) return false;
    if (!TYPES.has(type)) {
      log("error", `leadership: cannot broadcast a message of type ${JSON.stringify(String(type))}`, { allowed: MESSAGE_TYPES });
      return false;
    }
    if (!isPlainObject(payload) || !jsonShaped(payload)) {
      log("error", "leadership: a broadcast payload must be a JSON-shaped plain object", { type });
      return false;
    }
    try {
      channel.postMessage({ v: PROTOCOL_VERSION, channel: key, from: self, type, payload });
      return true;
    } catch (err) {
      log("warn", "leadership: broadcast failed", { type, error: errorText(err) });
      return false;
    }
  }

  // ---- public API ----

  function isLeader() {
    if (stopped || suspended || !leader) return false;
    if (mode === "lease" && liveOther(readLease(), now())) {
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
    if (!suspended) post("hello", { leader: false, mode, leaving: true });
    stopped = true;
    leader = false;
    knownLeader = null;
    cancelAll();
    beat = null;
    settleTimer = null;
    for (const [target, type, fn] of listeners.splice(0)) {
      try {
        target.removeEventListener(type, fn);
      } catch {
        // the target is gone
      }
    }
    if (channel) {
      try {
        channel.onmessage = null;
        channel.onmessageerror = null;
        channel.close();
      } catch {
        // already closed
      }
      channel = null;
    }
    if (!readyDone) {
      readyDone = true;
      resolveReady(false);
    }
    /** @type {Promise<any>[]} */
    const waits = [];
    if (mode === "locks") {
      const heldReq = held;
      locksRelease();
      for (const req of pendingRequests) {
        // A queued request that cannot be aborted may never settle: do not wait for it.
        if (req.aborted && !req.controller && req !== heldReq) continue;
        if (req.promise) waits.push(req.promise.catch(() => {}));
      }
    }
    if (mode === "lease") removeOwnLease();
    log("debug", "leadership: stopped", { tabId: self, mode, wasLeader });
    stopping = Promise.all(waits).then(() => undefined);
    return stopping;
  }

  listen(win, "pagehide", onPageHide);
  listen(win, "pageshow", onPageShow);
  listen(win, "storage", onStorage);
  listen(doc, "visibilitychange", onVisibility);

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
    broadcast(type, payload) {
      if (!peers.size) return false;
      return post(type, payload);
    },
    /** How many other tabs this tab has heard from and not heard leave. */
    peers() {
      return stopped ? 0 : peers.size;
    },
    stats() {
      return { received, ignored };
    },
    stop,
  });
}

/**
 * Checks a message received on the channel. Returns a fresh `{v, channel, from, type,
 * payload}` for a valid message from another tab, and null for anything else. Never throws.
 * @param {unknown} data
 * @param {string} key
 * @param {string} selfId
 * @returns {LeadershipMessage | null}
 */
export function validateMessage(data, key, selfId) {
  try {
    if (!isPlainObject(data)) return null;
    const d = /** @type {Record<string, any>} */ (data);
    for (const k of Reflect.ownKeys(d)) {
      if (typeof k !== "string" || !MESSAGE_KEYS.has(k)) return null;
    }
    if (d.v !== PROTOCOL_VERSION || d.channel !== key) return null;
    const from = d.from;
    if (typeof from !== "string" || from === "" || from.length > MAX_ID_LENGTH || from === selfId) return null;
    const type = d.type;
    if (typeof type !== "string" || !TYPES.has(type)) return null;
    const payload = d.payload;
    if (!isPlainObject(payload) || !jsonShaped(payload)) return null;
    return { v: PROTOCOL_VERSION, channel: key, from, type: /** @type {MessageType} */ (type), payload };
  } catch {
    return null;
  }
}

/** @param {unknown} value */
function isPlainObject(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * JSON-like data (plain objects, arrays, strings, finite or not numbers, booleans, null,
 * undefined) without `__proto__` / `constructor` / `prototype` keys, no deeper than
 * MAX_DEPTH and with at most MAX_NODES values (which also rules out cycles).
 * @param {unknown} root
 */
function jsonShaped(root) {
  let budget = MAX_NODES;
  /** @param {unknown} value @param {number} depth @returns {boolean} */
  const walk = (value, depth) => {
    if (--budget < 0) return false;
    if (value === null || value === undefined) return true;
    const t = typeof value;
    if (t === "string" || t === "number" || t === "boolean") return true;
    if (t !== "object" || depth >= MAX_DEPTH) return false;
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) return false;
      for (const k of Reflect.ownKeys(value)) {
        if (typeof k !== "string") return false;
        if (k === "length") continue;
        if (!/^(0|[1-9][0-9]*)$/.test(k)) return false;
        const desc = Object.getOwnPropertyDescriptor(value, k);
        if (!desc || !("value" in desc) || !walk(desc.value, depth + 1)) return false;
      }
      return true;
    }
    if (!isPlainObject(value)) return false;
    for (const k of Reflect.ownKeys(/** @type {object} */ (value))) {
      if (typeof k !== "string" || FORBIDDEN_KEYS.has(k)) return false;
      const desc = Object.getOwnPropertyDescriptor(value, k);
      if (!desc || !("value" in desc) || !walk(desc.value, depth + 1)) return false;
    }
    return true;
  };
  return walk(root, 0);
}

/**
 * @param {unknown} raw
 * @returns {{tabId: string, expires: number} | null}
 */
function parseLease(raw) {
  if (typeof raw !== "string" || raw.length > MAX_LEASE_TEXT) return null;
  let v;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isPlainObject(v)) return null;
  const { tabId, expires } = v;
  if (typeof tabId !== "string" || tabId === "" || tabId.length > MAX_ID_LENGTH) return null;
  if (typeof expires !== "number" || !Number.isFinite(expires)) return null;
  return { tabId, expires };
}

/**
 * @template T
 * @param {Record<string, any>} options
 * @param {string} name
 * @param {() => T} fallback
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

/** @param {LogFunction | undefined} log @returns {LogFunction} */
function safeLog(log) {
  if (typeof log !== "function") return () => {};
  return (level, message, detail) => {
    try {
      log(level, message, detail);
    } catch {
      // a broken logger must not break leadership
    }
  };
}

/** @param {unknown} err */
function errorText(err) {
  try {
    if (err && typeof err === "object" && "name" in err) return `${/** @type {any} */ (err).name}: ${/** @type {any} */ (err).message}`;
    return String(err);
  } catch {
    return "unknown error";
  }
}
