// Tab leadership (js/src/leadership.js) across several simulated tabs of one browser profile:
//  - a LockManager fake with the Web Locks request semantics (exclusive/shared, FIFO queue,
//    ifAvailable → callback(null), held until the callback's promise settles, signal abort,
//    steal, locks of a closed tab released by the "browser");
//  - a BroadcastChannel fake: every other open instance with the same name gets a
//    structured clone, asynchronously (a task), never the sender;
//  - a localStorage fake shared by the tabs, firing `storage` events at the other tabs only
//    (and only when a value really changes), asynchronously;
//  - a manual clock whose timers belong to a tab (so a tab's outstanding timers can be
//    counted, dropped when the tab crashes, and throttled as a hidden tab's are).
// Platform deliveries run as real macrotasks (setImmediate); time only moves in advance().

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULTS, MESSAGE_TYPES, createLeadership, validateMessage } from "../../src/leadership.js";

const KEY = "presence-sync:arn:aws:connect:us-east-1:111122223333:instance/abc/agent/def";
const LEASE_KEY = `${KEY}:lease`;

// ---------------------------------------------------------------- scheduler and clock

function createScheduler() {
  let pending = 0;
  return {
    /** Runs fn in a later macrotask, as the platform delivers events. @param {() => void} fn */
    task(fn) {
      pending++;
      setImmediate(() => {
        pending--;
        fn();
      });
    },
    /** Lets every queued task and promise reaction run. */
    async flush() {
      let quiet = 0;
      for (let i = 0; i < 500 && quiet < 3; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        quiet = pending === 0 ? quiet + 1 : 0;
      }
    },
  };
}

/** @param {() => Promise<void>} flush */
function createClock(flush) {
  let now = 1_700_000_000_000;
  let nextId = 1;
  let seq = 0;
  /** @type {Map<number, {id: number, owner: string, at: number, interval: number, fn: () => void, seq: number}>} */
  const timers = new Map();
  /** @type {Map<string, number>} owner → wake-up alignment (hidden tab throttling) */
  const throttle = new Map();

  /** @param {string} owner @param {number} at */
  const align = (owner, at) => {
    const step = throttle.get(owner);
    return step ? Math.ceil(at / step) * step : at;
  };
  /** @param {string} owner @param {() => void} fn @param {number} ms @param {boolean} repeat */
  const add = (owner, fn, ms, repeat) => {
    assert.equal(typeof fn, "function", "timers take a function (no strings: no eval)");
    const delay = Math.max(0, Number(ms) || 0);
    const id = nextId++;
    timers.set(id, { id, owner, at: align(owner, now + delay), interval: repeat ? Math.max(1, delay) : 0, fn, seq: seq++ });
    return id;
  };
  /** @param {string} owner @param {any} id */
  const clear = (owner, id) => {
    const t = timers.get(id);
    if (t && t.owner === owner) timers.delete(id);
  };

  return {
    now: () => now,
    /** The timer functions of one tab. @param {string} owner */
    forTab(owner) {
      return {
        now: () => now,
        setTimeout: (/** @type {() => void} */ fn, /** @type {number} */ ms) => add(owner, fn, ms, false),
        clearTimeout: (/** @type {any} */ id) => clear(owner, id),
        setInterval: (/** @type {() => void} */ fn, /** @type {number} */ ms) => add(owner, fn, ms, true),
        clearInterval: (/** @type {any} */ id) => clear(owner, id),
      };
    },
    /** Outstanding timers of a tab. @param {string} owner */
    pending(owner) {
      return [...timers.values()].filter((t) => t.owner === owner).length;
    },
    /** A crashed tab's timers never fire. @param {string} owner */
    drop(owner) {
      for (const t of [...timers.values()]) if (t.owner === owner) timers.delete(t.id);
    },
    /** Wake a tab's timers only on multiples of stepMs (0: not throttled). @param {string} owner @param {number} stepMs */
    throttle(owner, stepMs) {
      if (stepMs) throttle.set(owner, stepMs);
      else throttle.delete(owner);
      for (const t of timers.values()) if (t.owner === owner) t.at = align(owner, t.at);
    },
    /**
     * Moves time forward by ms. The timers due at one instant fire together, in the order
     * they were set, before any platform task runs (tabs run in parallel: two tabs whose
     * timers fire at the same instant both act before either hears of the other); then the
     * tasks run and onStep checks the state.
     * @param {number} ms @param {() => void} [onStep]
     */
    async advance(ms, onStep) {
      const end = now + ms;
      await flush();
      onStep?.();
      for (;;) {
        let at = Infinity;
        for (const t of timers.values()) if (t.at <= end && t.at < at) at = t.at;
        if (at === Infinity) break;
        now = Math.max(now, at);
        const due = [...timers.values()].filter((t) => t.at === at).sort((x, y) => x.seq - y.seq);
        for (const t of due) {
          if (timers.get(t.id) !== t) continue; // cleared by an earlier one
          if (t.interval) {
            t.at = align(t.owner, now + t.interval);
            t.seq = seq++;
          } else {
            timers.delete(t.id);
          }
          t.fn();
        }
        await flush();
        onStep?.();
      }
      now = end;
      await flush();
      onStep?.();
    },
  };
}

// ---------------------------------------------------------------- Web Locks

/** @param {string} name @param {string} message */
const domError = (name, message) => new DOMException(message, name);

/** A LockManager for one origin; each tab gets a client view (`forTab`). */
function createLockManager(/** @type {(fn: () => void) => void} */ task) {
  /** @typedef {{client: string, name: string, mode: string, callback: Function, resolve: (v: any) => void, reject: (e: any) => void, granted: boolean, settled: boolean}} Req */
  /** @type {Array<{name: string, mode: string, client: string, req: Req}>} */
  const held = [];
  /** @type {Map<string, Req[]>} */
  const queues = new Map();
  const closed = new Set();
  const log = /** @type {Array<{client: string, name: string, options: any}>} */ ([]);

  /** @param {Req} req @param {any} value @param {boolean} ok */
  const settle = (req, value, ok) => {
    if (req.settled) return;
    req.settled = true;
    if (ok) req.resolve(value);
    else req.reject(value);
  };
  /** @param {string} name */
  const queueOf = (name) => {
    let q = queues.get(name);
    if (!q) queues.set(name, (q = []));
    return q;
  };
  /** @param {string} name @param {string} mode */
  const compatible = (name, mode) =>
    mode === "shared" ? !held.some((h) => h.name === name && h.mode === "exclusive") : !held.some((h) => h.name === name);

  /** @param {Req} req */
  const grant = (req) => {
    req.granted = true;
    const record = { name: req.name, mode: req.mode, client: req.client, req };
    held.push(record);
    const release = () => {
      const i = held.indexOf(record);
      if (i >= 0) {
        held.splice(i, 1);
        process(req.name);
      }
    };
    task(() => {
      if (closed.has(req.client)) return;
      let result;
      try {
        result = req.callback({ name: req.name, mode: req.mode });
      } catch (err) {
        release();
        settle(req, err, false);
        return;
      }
      Promise.resolve(result).then(
        (v) => {
          release();
          settle(req, v, true);
        },
        (e) => {
          release();
          settle(req, e, false);
        },
      );
    });
  };

  /** @param {string} name */
  function process(name) {
    const q = queueOf(name);
    while (q.length && compatible(name, q[0].mode)) {
      const req = /** @type {Req} */ (q.shift());
      grant(req);
      if (req.mode === "exclusive") break;
    }
  }

  /** @param {string} client @param {string} name @param {any} a @param {any} [b] */
  function request(client, name, a, b) {
    const callback = typeof a === "function" ? a : b;
    const options = typeof a === "function" ? {} : (a ?? {});
    log.push({ client, name, options: { ...options, signal: options.signal ? "AbortSignal" : undefined } });
    if (typeof callback !== "function") return Promise.reject(new TypeError("callback required"));
    name = String(name);
    const mode = options.mode ?? "exclusive";
    if (mode !== "exclusive" && mode !== "shared") return Promise.reject(new TypeError("bad mode"));
    if (closed.has(client)) return Promise.reject(domError("InvalidStateError", "document not fully active"));
    if (name.startsWith("-")) return Promise.reject(domError("NotSupportedError", "names starting with - are reserved"));
    if (options.steal && options.ifAvailable) return Promise.reject(domError("NotSupportedError", "steal and ifAvailable"));
    if (options.steal && mode !== "exclusive") return Promise.reject(domError("NotSupportedError", "steal needs exclusive"));
    if (options.signal && (options.steal || options.ifAvailable)) return Promise.reject(domError("NotSupportedError", "signal with steal/ifAvailable"));
    if (options.signal?.aborted) return Promise.reject(options.signal.reason ?? domError("AbortError", "aborted"));
    /** @type {Req} */
    let req = /** @type {any} */ (null);
    const promise = new Promise((resolve, reject) => {
      req = { client, name, mode, callback, resolve, reject, granted: false, settled: false };
    });
    if (options.steal) {
      for (const h of held.filter((x) => x.name === name)) {
        held.splice(held.indexOf(h), 1);
        settle(h.req, domError("AbortError", "the lock was stolen"), false);
      }
      queueOf(name).unshift(req);
      process(name);
      return promise;
    }
    if (options.ifAvailable && !(queueOf(name).length === 0 && compatible(name, mode))) {
      task(() => {
        let result;
        try {
          result = callback(null);
        } catch (err) {
          settle(req, err, false);
          return;
        }
        Promise.resolve(result).then(
          (v) => settle(req, v, true),
          (e) => settle(req, e, false),
        );
      });
      return promise;
    }
    queueOf(name).push(req);
    if (options.signal) {
      options.signal.addEventListener(
        "abort",
        () => {
          const q = queueOf(name);
          const i = q.indexOf(req);
          if (i >= 0 && !req.granted) {
            q.splice(i, 1);
            settle(req, options.signal.reason ?? domError("AbortError", "aborted"), false);
          }
        },
        { once: true },
      );
    }
    process(name);
    return promise;
  }

  return {
    log,
    /** @param {string} client */
    forTab(client) {
      return {
        request: (/** @type {string} */ name, /** @type {any} */ a, /** @type {any} */ b) => request(client, name, a, b),
        query: async () => query(),
      };
    },
    query,
    /** The tab went away: the browser releases its locks and drops its requests. @param {string} client */
    closeTab(client) {
      closed.add(client);
      for (const [name, q] of queues) {
        for (let i = q.length - 1; i >= 0; i--) if (q[i].client === client) q.splice(i, 1);
        process(name);
      }
      for (const h of held.filter((x) => x.client === client)) {
        held.splice(held.indexOf(h), 1);
        process(h.name);
      }
    },
  };

  function query() {
    return {
      held: held.map((h) => ({ name: h.name, mode: h.mode, clientId: h.client })),
      pending: [...queues.values()].flat().map((r) => ({ name: r.name, mode: r.mode, clientId: r.client })),
    };
  }
}

// ---------------------------------------------------------------- BroadcastChannel

function createChannelHub(/** @type {(fn: () => void) => void} */ task) {
  /** @type {Set<any>} */
  const open = new Set();
  /** @param {string} owner */
  const ctorFor = (owner) =>
    class FakeBroadcastChannel extends EventTarget {
      /** @param {string} name */
      constructor(name) {
        super();
        this.name = String(name);
        this.owner = owner;
        this.closed = false;
        /** @type {((e: any) => void) | null} */
        this.onmessage = null;
        /** @type {((e: any) => void) | null} */
        this.onmessageerror = null;
        open.add(this);
      }
      /** @param {any} data */
      postMessage(data) {
        if (this.closed) throw domError("InvalidStateError", "channel closed");
        const serialized = structuredClone(data); // DataCloneError, synchronously, as in browsers
        for (const target of open) {
          if (target === this || target.name !== this.name) continue;
          task(() => target.deliver("message", structuredClone(serialized)));
        }
      }
      close() {
        this.closed = true;
        open.delete(this);
      }
      /** @param {string} type @param {any} data */
      deliver(type, data) {
        if (this.closed) return;
        const event = new MessageEvent(type, { data });
        this.dispatchEvent(event);
        const handler = type === "message" ? this.onmessage : this.onmessageerror;
        if (typeof handler === "function") handler.call(this, event);
      }
    };
  return {
    ctorFor,
    /** @param {string} owner */
    closeTab(owner) {
      for (const c of [...open]) if (c.owner === owner) c.close();
    },
    /** A message that cannot be deserialized reaches every instance of name. @param {string} name */
    messageError(name) {
      for (const c of open) if (c.name === name) task(() => c.deliver("messageerror", null));
    },
    openCount: (/** @type {string} */ owner) => [...open].filter((c) => c.owner === owner).length,
  };
}

// ---------------------------------------------------------------- localStorage

/**
 * localStorage as browsers implement it across tabs: each tab reads and writes its own copy
 * at once; writes reach the shared store in order (a task later) and from there every other
 * tab's copy, with a `storage` event there (only for a real change). A tab ignores changes
 * that were committed before its own still-unacknowledged write of the same key, so all
 * copies converge on the last write to reach the store: two tabs writing "at once" both see
 * their own value first, and one of them later sees the other's.
 */
function createStorageHub(/** @type {(fn: () => void) => void} */ task) {
  /** @type {Map<string, string>} the shared store */
  const data = new Map();
  /** @type {Array<{tab: string, key: string, value: string | null}>} */
  const writes = [];
  /** @type {Map<string, {window: EventTarget, storage: any, cache: Map<string, string>, unacked: Map<string, number>, attached: boolean}>} */
  const tabs = new Map();

  /** @param {string} from @param {string | null} key @param {string | null} value (null: removed; key null: cleared) */
  const commit = (from, key, value) => {
    const changes = key === null ? [...data.keys()].map((k) => /** @type {[string, string | null]} */ ([k, null])) : [[key, value]];
    for (const [k, v] of changes) {
      const old = data.get(k) ?? null;
      if (v === null) data.delete(k);
      else data.set(k, v);
      for (const [id, tab] of tabs) {
        task(() => {
          if (id === from) {
            tab.unacked.set(k, (tab.unacked.get(k) ?? 1) - 1);
            return;
          }
          if (!tab.attached || (tab.unacked.get(k) ?? 0) > 0) return;
          const before = tab.cache.get(k) ?? null;
          if (v === null) tab.cache.delete(k);
          else tab.cache.set(k, v);
          if (before === v && old === v) return;
          const event = Object.assign(new Event("storage"), { key: k, oldValue: old, newValue: v, url: "https://example.test/softphone", storageArea: tab.storage });
          tab.window.dispatchEvent(event);
        });
      }
    }
  };

  return {
    data,
    writes,
    /** @param {string} id @param {EventTarget} window @param {{broken?: boolean}} [o] */
    forTab(id, window, o = {}) {
      const cache = new Map(data);
      /** @type {Map<string, number>} */
      const unacked = new Map();
      /** @param {string} k @param {string | null} v */
      const local = (k, v) => {
        if (v === null) cache.delete(k);
        else cache.set(k, v);
        unacked.set(k, (unacked.get(k) ?? 0) + 1);
        writes.push({ tab: id, key: k, value: v });
        task(() => commit(id, k, v));
      };
      const storage = {
        get length() {
          return cache.size;
        },
        key: (/** @type {number} */ i) => [...cache.keys()][i] ?? null,
        getItem: (/** @type {string} */ k) => cache.get(String(k)) ?? null,
        setItem(/** @type {string} */ k, /** @type {string} */ v) {
          if (o.broken) throw domError("QuotaExceededError", "quota exceeded");
          k = String(k);
          v = String(v);
          if (cache.get(k) === v) return;
          local(k, v);
        },
        removeItem(/** @type {string} */ k) {
          k = String(k);
          if (!cache.has(k)) return;
          local(k, null);
        },
        clear() {
          for (const k of [...cache.keys()]) local(k, null);
        },
      };
      tabs.set(id, { window, storage, cache, unacked, attached: true });
      return storage;
    },
    /** The tab is gone: it gets nothing more. @param {string} id */
    detach(id) {
      const tab = tabs.get(id);
      if (tab) tab.attached = false;
    },
    /** Another tab's write, already visible everywhere, whose `storage` event has not been dispatched yet. @param {string} k @param {string} v */
    writeSilently(k, v) {
      data.set(k, v);
      for (const tab of tabs.values()) tab.cache.set(k, v);
    },
    /** A write by a tab that is not under test. @param {string} from @param {string} k @param {string} v */
    writeAs(from, k, v) {
      writes.push({ tab: from, key: k, value: v });
      task(() => commit(from, k, v));
    },
  };
}

// ---------------------------------------------------------------- tabs

/**
 * @param {{locks?: boolean}} [o]
 */
function createBrowser(o = {}) {
  const scheduler = createScheduler();
  const clock = createClock(scheduler.flush);
  const locks = createLockManager(scheduler.task);
  const channels = createChannelHub(scheduler.task);
  const storage = createStorageHub(scheduler.task);
  const useLocks = o.locks !== false;
  /** @type {any[]} */
  const tabs = [];

  /**
   * @param {string} id
   * @param {Record<string, any>} [extra] options overriding the defaults
   * @param {{brokenStorage?: boolean}} [t]
   */
  function open(id, extra = {}, t = {}) {
    const window = new EventTarget();
    const document = Object.assign(new EventTarget(), { visibilityState: "visible" });
    const timers = clock.forTab(id);
    const tab = {
      id,
      clock,
      window,
      document,
      dead: false,
      /** @type {Array<{leader: boolean, at: number}>} */
      changes: [],
      /** @type {any[]} */
      messages: [],
      /** @type {Array<{level: string, message: string, detail: any}>} */
      logs: [],
      /** @type {any} */
      leadership: null,
      get isLeader() {
        return !tab.dead && tab.leadership.isLeader();
      },
    };
    tab.leadership = createLeadership({
      key: KEY,
      tabId: id,
      locks: useLocks ? locks.forTab(id) : null,
      BroadcastChannel: channels.ctorFor(id),
      storage: storage.forTab(id, window, { broken: t.brokenStorage }),
      window,
      document,
      ...timers,
      onLeaderChange: (leader) => tab.changes.push({ leader, at: clock.now() }),
      onMessage: (m) => tab.messages.push(m),
      log: (level, message, detail) => tab.logs.push({ level, message, detail }),
      ...extra,
    });
    tabs.push(tab);
    return tab;
  }

  /** The tab disappears without running any script (renderer crash, kill). @param {any} tab */
  function crash(tab) {
    tab.dead = true;
    clock.drop(tab.id);
    locks.closeTab(tab.id);
    channels.closeTab(tab.id);
    storage.detach(tab.id);
  }

  /** The tab is closed or reloaded: `pagehide` runs, then the document goes away. @param {any} tab */
  function close(tab) {
    tab.window.dispatchEvent(Object.assign(new Event("pagehide"), { persisted: false }));
    crash(tab);
  }

  const live = () => tabs.filter((t) => !t.dead);
  const leaders = () => live().filter((t) => t.isLeader);

  /** Fails the test when two tabs lead at once. */
  function atMostOneLeader() {
    const l = leaders();
    assert.ok(l.length <= 1, `at ${clock.now()} several tabs lead: ${l.map((t) => t.id).join(", ")}`);
  }

  return { scheduler, clock, locks, channels, storage, tabs, open, crash, close, live, leaders, atMostOneLeader };
}

/**
 * The tabs' `ready` results, moving fake time in small steps until all are known (a lease
 * claim is confirmed settleMs after it is written).
 * @param {any[]} tabs
 */
async function readyAll(tabs) {
  const all = Promise.all(tabs.map((t) => t.leadership.ready));
  let done = false;
  all.then(() => (done = true));
  for (let i = 0; i < 100 && !done; i++) await tabs[0].clock.advance(10);
  assert.ok(done, "ready did not resolve within one second of fake time");
  return all;
}
/** @param {any} tab */
const ready = async (tab) => (await readyAll([tab]))[0];

// ================================================================= Web Locks

describe("with Web Locks", () => {
  test("exactly one of three tabs leads; the others are told they follow", async () => {
    const b = createBrowser();
    const tabs = ["a", "b", "c"].map((id) => b.open(id));
    const roles = await readyAll(tabs);
    await b.scheduler.flush();
    assert.deepEqual(roles.filter(Boolean).length, 1);
    for (const t of tabs) assert.equal(t.leadership.mode, "locks");
    const [leader] = b.leaders();
    assert.ok(leader);
    for (const t of tabs) assert.deepEqual(t.changes.map((c) => c.leader), [t === leader]);
    const q = b.locks.query();
    assert.deepEqual(q.held, [{ name: KEY, mode: "exclusive", clientId: leader.id }]);
    assert.equal(q.pending.length, 2);
  });

  test("a follower asks with ifAvailable first, then waits in line with an abort signal", async () => {
    const b = createBrowser();
    const a = b.open("a");
    await ready(a);
    const f = b.open("f");
    assert.equal(await ready(f), false);
    const asks = b.locks.log.filter((l) => l.client === "f");
    assert.equal(asks.length, 2);
    assert.equal(asks[0].options.ifAvailable, true);
    assert.equal(asks[0].options.signal, undefined);
    assert.equal(asks[1].options.ifAvailable, undefined);
    assert.equal(asks[1].options.signal, "AbortSignal");
  });

  test("stopping the leader hands over to exactly one other tab within one second", async () => {
    const b = createBrowser();
    const tabs = ["a", "b", "c"].map((id) => b.open(id));
    await readyAll(tabs);
    const first = b.leaders()[0];
    const stoppedAt = b.clock.now();
    await first.leadership.stop();
    await b.clock.advance(1000, b.atMostOneLeader);
    const next = b.leaders();
    assert.equal(next.length, 1);
    assert.notEqual(next[0], first);
    const took = next[0].changes.at(-1);
    assert.equal(took.leader, true);
    assert.ok(took.at - stoppedAt <= 1000, `took over after ${took.at - stoppedAt} ms`);
    assert.deepEqual(next[0].changes.map((c) => c.leader), [false, true]);
    const other = b.live().find((t) => t !== first && t !== next[0]);
    assert.deepEqual(other.changes.map((c) => c.leader), [false]);

    // and again: the last tab takes over from the second
    await next[0].leadership.stop();
    await b.clock.advance(1000, b.atMostOneLeader);
    assert.deepEqual(b.leaders(), [other]);
    assert.deepEqual(other.changes.map((c) => c.leader), [false, true]);
  });

  test("closing or crashing the leader tab hands over at once (the browser drops its lock)", async () => {
    for (const how of ["close", "crash"]) {
      const b = createBrowser();
      const tabs = ["a", "b", "c"].map((id) => b.open(id));
      await readyAll(tabs);
      const first = b.leaders()[0];
      const at = b.clock.now();
      if (how === "close") b.close(first);
      else b.crash(first);
      await b.clock.advance(1000, b.atMostOneLeader);
      const next = b.leaders();
      assert.equal(next.length, 1, how);
      assert.ok(next[0].changes.at(-1).at - at <= 1000, how);
    }
  });

  test("followers never lead while the leader lives", async () => {
    const b = createBrowser();
    const tabs = ["a", "b", "c"].map((id) => b.open(id));
    await readyAll(tabs);
    const leader = b.leaders()[0];
    await b.clock.advance(30_000, b.atMostOneLeader);
    assert.deepEqual(b.leaders(), [leader]);
    for (const t of tabs) assert.deepEqual(t.changes.map((c) => c.leader), [t === leader]);
  });

  test("a stolen lock makes the leader a follower until the thief lets go", async () => {
    const b = createBrowser();
    const tabs = ["a", "b"].map((id) => b.open(id));
    await readyAll(tabs);
    const first = b.leaders()[0];
    /** @type {() => void} */
    let letGo = () => {};
    const thief = b.locks.forTab("devtools").request(KEY, { steal: true }, () => new Promise((r) => (letGo = () => r(undefined))));
    await b.clock.advance(100, b.atMostOneLeader);
    assert.deepEqual(b.leaders(), []);
    assert.deepEqual(first.changes.map((c) => c.leader), [true, false]);
    letGo();
    await thief;
    await b.clock.advance(100, b.atMostOneLeader);
    assert.equal(b.leaders().length, 1);
  });

  test("a lock manager that refuses requests falls back to the localStorage lease", async () => {
    for (const refuse of ["throw", "reject"]) {
      const b = createBrowser();
      const locks = {
        request() {
          const err = domError("SecurityError", "denied in this context");
          if (refuse === "throw") throw err;
          return Promise.reject(err);
        },
      };
      const tabs = ["a", "b"].map((id) => b.open(id, { locks }));
      const roles = await readyAll(tabs);
      assert.deepEqual(roles.filter(Boolean).length, 1, refuse);
      for (const t of tabs) assert.equal(t.leadership.mode, "lease", refuse);
      assert.equal(JSON.parse(/** @type {string} */ (b.storage.data.get(LEASE_KEY))).tabId, b.leaders()[0].id);
    }
  });

  test("a leader that stops inside its own callback releases the lock and hands over", async () => {
    const b = createBrowser();
    const a = b.open("a", {
      onLeaderChange: (/** @type {boolean} */ leader) => {
        a.changes.push({ leader, at: b.clock.now() });
        if (leader) a.leadership.stop();
      },
    });
    await b.scheduler.flush();
    const f = b.open("f");
    await b.clock.advance(1000, b.atMostOneLeader);
    assert.deepEqual(b.leaders(), [f]);
    assert.deepEqual(a.changes.map((c) => c.leader), [true]);
  });
});

// ================================================================= lease

describe("with the localStorage lease (no Web Locks)", () => {
  test("defaults let a vanished leader be replaced within one second", () => {
    assert.ok(DEFAULTS.leaseMs + DEFAULTS.heartbeatMs + DEFAULTS.settleMs <= 1000);
  });

  test("exactly one of three tabs leads, and it keeps the lease fresh", async () => {
    const b = createBrowser({ locks: false });
    const tabs = ["a", "b", "c"].map((id) => b.open(id));
    const roles = await readyAll(tabs);
    assert.equal(roles.filter(Boolean).length, 1);
    for (const t of tabs) assert.equal(t.leadership.mode, "lease");
    await b.clock.advance(10_000, b.atMostOneLeader);
    const [leader] = b.leaders();
    assert.ok(leader);
    const lease = JSON.parse(/** @type {string} */ (b.storage.data.get(LEASE_KEY)));
    assert.equal(lease.tabId, leader.id);
    assert.ok(lease.expires > b.clock.now());
    for (const t of tabs) assert.deepEqual(t.changes.map((c) => c.leader), [t === leader]);
  });

  test("tabs opened one after another: the first leads, later ones follow at once", async () => {
    const b = createBrowser({ locks: false });
    const a = b.open("a");
    assert.equal(await ready(a), true);
    await b.clock.advance(500);
    const c = b.open("c");
    assert.equal(await ready(c), false);
    await b.clock.advance(5000, b.atMostOneLeader);
    assert.deepEqual(b.leaders(), [a]);
  });

  test("two tabs writing the lease at the same instant: one leads, the other backs off", async () => {
    const b = createBrowser({ locks: false });
    const tabs = ["a", "b"].map((id) => b.open(id));
    // both see no lease and write in the same tick
    await b.clock.advance(0);
    assert.equal(tabs.filter((t) => t.leadership.isLeader()).length, 0, "nobody leads before re-reading");
    const claims = b.storage.writes.filter((w) => w.key === LEASE_KEY).map((w) => w.tab);
    assert.deepEqual(claims, ["a", "b"], "both claimed");
    const roles = await (async () => {
      await b.clock.advance(DEFAULTS.settleMs, b.atMostOneLeader);
      return readyAll(tabs);
    })();
    assert.equal(roles.filter(Boolean).length, 1);
    const loser = tabs.find((t) => !t.leadership.isLeader());
    assert.equal(loser.id, "a", "the last write wins");
    assert.ok(loser.logs.some((l) => /same time/.test(l.message)));
    assert.deepEqual(loser.changes.map((c) => c.leader), [false]);
    await b.clock.advance(10_000, b.atMostOneLeader);
    assert.equal(b.leaders().length, 1);
  });

  test("stopping the leader hands over to exactly one other tab within one second", async () => {
    const b = createBrowser({ locks: false });
    const tabs = ["a", "b", "c"].map((id) => b.open(id));
    await readyAll(tabs);
    await b.clock.advance(2000, b.atMostOneLeader);
    const first = b.leaders()[0];
    const at = b.clock.now();
    await first.leadership.stop();
    assert.deepEqual(b.storage.writes.at(-1), { tab: first.id, key: LEASE_KEY, value: null }, "stop removes the lease");
    await b.clock.advance(1000, b.atMostOneLeader);
    const next = b.leaders();
    assert.equal(next.length, 1);
    assert.ok(next[0].changes.at(-1).at - at <= 1000);
    await b.clock.advance(10_000, b.atMostOneLeader);
    assert.deepEqual(b.leaders(), next);
  });

  test("a closing (pagehide) leader hands over within settleMs", async () => {
    const b = createBrowser({ locks: false });
    const tabs = ["a", "b", "c"].map((id) => b.open(id));
    await readyAll(tabs);
    await b.clock.advance(1000);
    const first = b.leaders()[0];
    const at = b.clock.now();
    b.close(first);
    await b.clock.advance(1000, b.atMostOneLeader);
    const next = b.leaders();
    assert.equal(next.length, 1);
    assert.ok(next[0].changes.at(-1).at - at <= DEFAULTS.settleMs, `took ${next[0].changes.at(-1).at - at} ms`);
  });

  test("a crashed leader (no pagehide) is replaced within one second, by exactly one tab", async () => {
    for (const offset of [0, 1, 99, 199]) {
      const b = createBrowser({ locks: false });
      const tabs = ["a", "b", "c"].map((id) => b.open(id));
      await readyAll(tabs);
      await b.clock.advance(1000 + offset);
      const first = b.leaders()[0];
      const at = b.clock.now();
      const writesBefore = b.storage.writes.length;
      b.crash(first);
      await b.clock.advance(1000, b.atMostOneLeader);
      const next = b.leaders();
      assert.equal(next.length, 1, `offset ${offset}`);
      const took = next[0].changes.at(-1).at - at;
      assert.ok(took <= 1000, `offset ${offset}: took ${took} ms`);
      await b.clock.advance(5000, b.atMostOneLeader);
      assert.deepEqual(b.leaders(), next);
      // the two survivors' heartbeats are aligned, so both claimed in the same tick
      const claimants = new Set(b.storage.writes.slice(writesBefore).map((w) => w.tab));
      assert.equal(claimants.size, 2, `offset ${offset}: both survivors claimed`);
      const loser = b.live().find((t) => t !== next[0]);
      assert.deepEqual(loser.changes.map((c) => c.leader), [false]);
    }
  });

  test("a hidden leader whose timers are throttled to 1 Hz keeps the lease; closing it still hands over at once", async () => {
    const b = createBrowser({ locks: false });
    const tabs = ["a", "b"].map((id) => b.open(id));
    await readyAll(tabs);
    await b.clock.advance(500);
    const leader = b.leaders()[0];
    const follower = tabs.find((t) => t !== leader);
    leader.document.visibilityState = "hidden";
    leader.document.dispatchEvent(new Event("visibilitychange"));
    b.clock.throttle(leader.id, 1000);
    follower.document.visibilityState = "hidden";
    b.clock.throttle(follower.id, 1000);
    await b.clock.advance(60_000, b.atMostOneLeader);
    assert.deepEqual(b.leaders(), [leader]);
    assert.deepEqual(follower.changes.map((c) => c.leader), [false]);
    const at = b.clock.now();
    b.close(leader);
    await b.clock.advance(1000, b.atMostOneLeader);
    assert.deepEqual(b.leaders(), [follower]);
    assert.ok(follower.changes.at(-1).at - at <= 1000);
  });

  test("isLeader() re-reads the lease: a tab whose lease was taken stops at once and is told", async () => {
    const b = createBrowser({ locks: false });
    const a = b.open("a");
    await ready(a);
    b.storage.writeSilently(LEASE_KEY, JSON.stringify({ tabId: "elsewhere", expires: b.clock.now() + 500 }));
    assert.equal(a.leadership.isLeader(), false);
    await b.scheduler.flush();
    assert.deepEqual(a.changes.map((c) => c.leader), [true, false]);
  });

  test("a storage event announcing another tab's lease makes the leader step down", async () => {
    const b = createBrowser({ locks: false });
    const a = b.open("a");
    await ready(a);
    b.storage.writeAs("other", LEASE_KEY, JSON.stringify({ tabId: "other", expires: b.clock.now() + 600 }));
    await b.scheduler.flush();
    assert.deepEqual(a.changes.map((c) => c.leader), [true, false]);
    // the other tab never renews: the lease expires and a claims it again
    await b.clock.advance(1000);
    assert.deepEqual(a.changes.map((c) => c.leader), [true, false, true]);
  });

  test("garbage and far-future leases are not trusted", async () => {
    for (const raw of ["{not json", '{"tabId": 5, "expires": 1}', "[]", JSON.stringify({ tabId: "x", expires: 8.64e15 })]) {
      const b = createBrowser({ locks: false });
      b.storage.writeSilently(LEASE_KEY, raw);
      const a = b.open("a");
      assert.equal(await ready(a), true, raw);
    }
  });

  test("back/forward cache: pagehide stops leading, pageshow(persisted) elects again", async () => {
    const b = createBrowser({ locks: false });
    const tabs = ["a", "b"].map((id) => b.open(id));
    await readyAll(tabs);
    const first = b.leaders()[0];
    const other = tabs.find((t) => t !== first);
    first.window.dispatchEvent(Object.assign(new Event("pagehide"), { persisted: true }));
    assert.equal(first.leadership.isLeader(), false);
    assert.equal(b.clock.pending(first.id), 0);
    await b.clock.advance(1000, b.atMostOneLeader);
    assert.deepEqual(b.leaders(), [other]);
    first.window.dispatchEvent(Object.assign(new Event("pageshow"), { persisted: true }));
    await b.clock.advance(5000, b.atMostOneLeader);
    assert.deepEqual(b.leaders(), [other]);
    assert.deepEqual(first.changes.map((c) => c.leader), [true, false]);
  });
});

// ================================================================= single

describe("without Web Locks or localStorage", () => {
  test("the tab leads alone", async () => {
    const b = createBrowser({ locks: false });
    const a = b.open("a", { storage: null });
    assert.equal(a.leadership.mode, "single");
    assert.equal(a.changes.length, 0, "no callback inside createLeadership");
    assert.equal(await ready(a), true);
    assert.deepEqual(a.changes.map((c) => c.leader), [true]);
    assert.equal(a.leadership.isLeader(), true);
    await a.leadership.stop();
    assert.equal(a.leadership.isLeader(), false);
  });

  test("a localStorage that refuses writes counts as none", async () => {
    const b = createBrowser({ locks: false });
    const a = b.open("a", {}, { brokenStorage: true });
    assert.equal(a.leadership.mode, "single");
    assert.equal(await ready(a), true);
  });
});

// ================================================================= messages

describe("BroadcastChannel messages", () => {
  test("broadcast reaches every other tab, not the sender, as {v, channel, from, type, payload}", async () => {
    const b = createBrowser();
    const tabs = ["a", "b", "c"].map((id) => b.open(id));
    await readyAll(tabs);
    await b.scheduler.flush();
    for (const t of tabs) t.messages.length = 0;
    const payload = { event: { type: "Connect Agent State Change", newState: "Lunch" }, rules: [{ name: "Lunch to Omni", matched: true }] };
    for (const type of MESSAGE_TYPES) assert.equal(tabs[0].leadership.broadcast(type, payload), true);
    await b.scheduler.flush();
    assert.deepEqual(tabs[0].messages, []);
    for (const t of tabs.slice(1)) {
      assert.deepEqual(
        t.messages.map((m) => m.type),
        MESSAGE_TYPES,
      );
      for (const m of t.messages) {
        assert.deepEqual(m, { v: 1, channel: KEY, from: "a", type: m.type, payload });
        assert.notEqual(m.payload, payload, "a copy");
      }
      assert.deepEqual(t.leadership.stats(), { received: t.leadership.stats().received, ignored: 0 });
    }
  });

  test("with no other tab, broadcast posts nothing; a tab that says hello or goodbye is counted", async () => {
    const b = createBrowser();
    const a = b.open("a");
    await ready(a);
    await b.scheduler.flush();
    assert.equal(a.leadership.peers(), 0);
    assert.equal(a.leadership.broadcast("decision", { x: 1 }), false, "nobody to tell");
    const late = b.open("late");
    await ready(late);
    await b.scheduler.flush();
    assert.equal(a.leadership.peers(), 1);
    assert.equal(late.leadership.peers(), 1, "the newcomer heard the writer's answer");
    late.messages.length = 0;
    assert.equal(a.leadership.broadcast("decision", { x: 1 }), true);
    await b.scheduler.flush();
    assert.deepEqual(late.messages.map((m) => m.type), ["decision"]);
    await late.leadership.stop();
    await b.scheduler.flush();
    assert.equal(a.leadership.peers(), 0, "a follower says goodbye too");
    assert.equal(a.leadership.broadcast("decision", { x: 1 }), false);
  });

  test("every tab learns which tab writes, newcomers included", async () => {
    const b = createBrowser();
    const tabs = ["a", "b"].map((id) => b.open(id));
    await readyAll(tabs);
    await b.scheduler.flush();
    const leader = b.leaders()[0];
    for (const t of tabs) assert.equal(t.leadership.leaderId(), leader.id);
    const late = b.open("late");
    await ready(late);
    await b.scheduler.flush();
    assert.equal(late.leadership.leaderId(), leader.id);
    const hellos = late.messages.filter((m) => m.type === "hello" && m.payload.leader === true);
    assert.deepEqual(hellos.map((m) => m.from), [leader.id]);
    await leader.leadership.stop();
    await b.clock.advance(100);
    const next = b.leaders()[0];
    for (const t of b.live().filter((t) => t !== leader)) assert.equal(t.leadership.leaderId(), next.id);
  });

  test("bad broadcasts are refused without throwing", async () => {
    const b = createBrowser();
    const a = b.open("a");
    const other = b.open("other"); // someone to broadcast to: the payload is what is refused
    await readyAll([a, other]);
    await b.scheduler.flush();
    assert.equal(a.leadership.peers(), 1);
    assert.equal(a.leadership.broadcast(/** @type {any} */ ("eval"), {}), false);
    assert.equal(a.leadership.broadcast("decision", /** @type {any} */ ([1])), false);
    assert.equal(a.leadership.broadcast("decision", { f: () => 1 }), false);
    assert.equal(a.leadership.broadcast("decision", JSON.parse('{"__proto__": {"x": 1}}')), false);
    await a.leadership.stop();
    assert.equal(a.leadership.broadcast("decision", {}), false);
  });

  test("malformed and hostile messages are ignored and counted, never thrown", async () => {
    const b = createBrowser();
    const a = b.open("a");
    await ready(a);
    await b.scheduler.flush();
    const before = a.leadership.stats();
    const messagesBefore = a.messages.length;
    const Attacker = b.channels.ctorFor("attacker");
    const evil = new Attacker(KEY);
    const ok = { v: 1, channel: KEY, from: "b", type: "decision", payload: { x: 1 } };
    /** @type {any} */
    const cyclic = { a: {} };
    cyclic.a.self = cyclic;
    /** @type {any} */
    let deep = {};
    for (let i = 0; i < 100; i++) deep = { d: deep };
    const bad = [
      null,
      undefined,
      42,
      "hello",
      [ok],
      new Date(0),
      new Map([["v", 1]]),
      { ...ok, v: 2 },
      { ...ok, v: "1" },
      { ...ok, channel: "presence-sync:someone-else" },
      { ...ok, from: undefined },
      { ...ok, from: "" },
      { ...ok, from: 7 },
      { ...ok, from: "x".repeat(101) },
      { ...ok, from: "a" }, // claims to be the receiver itself
      { ...ok, type: "eval" },
      { ...ok, type: "toString" },
      { ...ok, type: undefined },
      { ...ok, payload: undefined },
      { ...ok, payload: null },
      { ...ok, payload: "x" },
      { ...ok, payload: [1, 2] },
      { ...ok, payload: new Date(0) },
      { ...ok, payload: { when: new Date(0) } },
      { ...ok, payload: { m: new Map() } },
      { ...ok, payload: { buf: new Uint8Array(4) } },
      { ...ok, payload: cyclic },
      { ...ok, payload: deep },
      { ...ok, extra: true },
      JSON.parse(`{"v":1,"channel":${JSON.stringify(KEY)},"from":"b","type":"decision","payload":{},"__proto__":{"polluted":true}}`),
      JSON.parse(`{"v":1,"channel":${JSON.stringify(KEY)},"from":"b","type":"decision","payload":{"__proto__":{"polluted":true}}}`),
      { ...ok, constructor: { prototype: { polluted: true } } },
      { ...ok, payload: { constructor: { prototype: { polluted: true } } } },
      { ...ok, payload: { nested: [{ ok: 1 }, { prototype: { polluted: true } }] } },
      { ...ok, payload: JSON.parse('{"a":{"b":{"__proto__":{"polluted":true}}}}') },
    ];
    for (const m of bad) evil.postMessage(m);
    b.channels.messageError(KEY);
    await b.scheduler.flush();
    const after = a.leadership.stats();
    assert.equal(after.received - before.received, bad.length + 1);
    assert.equal(after.ignored - before.ignored, bad.length + 1);
    assert.equal(a.messages.length, messagesBefore, "nothing reached onMessage");
    assert.equal(/** @type {any} */ ({}).polluted, undefined);
    assert.equal(/** @type {any} */ (Object.prototype).polluted, undefined);

    evil.postMessage(ok);
    evil.postMessage({ ...ok, payload: { list: [1, "two", null, true, { x: [] }] } });
    await b.scheduler.flush();
    assert.equal(a.leadership.stats().ignored - before.ignored, bad.length + 1);
    assert.deepEqual(a.messages.slice(messagesBefore).map((m) => m.payload), [{ x: 1 }, { list: [1, "two", null, true, { x: [] }] }]);
    evil.close();
  });

  test("validateMessage never throws, even on objects with throwing getters or proxies", () => {
    const getter = Object.defineProperty({}, "v", {
      get() {
        throw new Error("boom");
      },
      enumerable: true,
    });
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error("boom");
        },
      },
    );
    for (const d of [getter, proxy, { v: 1, channel: KEY, from: "b", type: "hello", payload: Object.defineProperty({}, "x", { get: () => 1, enumerable: true }) }]) {
      assert.equal(validateMessage(d, KEY, "a"), null);
    }
    const nullProto = Object.assign(Object.create(null), { leader: true });
    assert.deepEqual(validateMessage({ v: 1, channel: KEY, from: "b", type: "hello", payload: nullProto }, KEY, "a")?.type, "hello");
  });

  test("callbacks that throw do not break leadership or delivery", async () => {
    const b = createBrowser();
    const boom = () => {
      throw new Error("boom");
    };
    const a = b.open("a", { onLeaderChange: boom, onMessage: boom });
    const c = b.open("c", { onLeaderChange: boom, onMessage: boom, log: boom });
    await readyAll([a, c]);
    c.leadership.broadcast("action", { status: "applied" });
    a.leadership.broadcast("action", { status: "applied" });
    await b.scheduler.flush();
    assert.equal(b.leaders().length, 1);
    assert.ok(a.logs.some((l) => /onMessage threw/.test(l.message)));
    assert.ok(a.logs.some((l) => /onLeaderChange threw/.test(l.message)));
  });
});

// ================================================================= stop

describe("stop()", () => {
  for (const kind of ["locks", "lease"]) {
    test(`${kind}: after stop no callback fires, no timer is left, the channel is closed`, async () => {
      const b = createBrowser({ locks: kind === "locks" });
      const tabs = ["a", "b", "c"].map((id) => b.open(id));
      await readyAll(tabs);
      await b.clock.advance(1000);
      for (const t of tabs) {
        const changes = t.changes.length;
        const messages = t.messages.length;
        await t.leadership.stop();
        assert.equal(b.clock.pending(t.id), 0, `${t.id} left timers`);
        assert.equal(b.channels.openCount(t.id), 0, `${t.id} left its channel open`);
        assert.equal(t.leadership.isLeader(), false);
        assert.equal(t.leadership.leaderId(), null);
        // the others keep talking and electing
        for (const o of b.live()) if (o !== t) o.leadership.broadcast("decision", { n: 1 });
        b.storage.writeAs("z", LEASE_KEY, JSON.stringify({ tabId: "z", expires: 0 }));
        t.window.dispatchEvent(Object.assign(new Event("pageshow"), { persisted: true }));
        t.window.dispatchEvent(Object.assign(new Event("pagehide"), { persisted: true }));
        t.document.dispatchEvent(new Event("visibilitychange"));
        await b.clock.advance(2000);
        assert.equal(t.changes.length, changes, `${t.id}: onLeaderChange after stop`);
        assert.equal(t.messages.length, messages, `${t.id}: onMessage after stop`);
        t.dead = true;
      }
      if (kind === "locks") assert.deepEqual(b.locks.query(), { held: [], pending: [] });
      else {
        const lease = b.storage.data.get(LEASE_KEY);
        assert.ok(!lease || !["a", "b", "c"].includes(JSON.parse(lease).tabId), `a stopped tab still holds the lease: ${lease}`);
      }
      // stop is idempotent
      await tabs[0].leadership.stop();
    });
  }

  test("stop before the role is known: ready resolves false, no callback fires, nothing is held", async () => {
    for (const locks of [true, false]) {
      const b = createBrowser({ locks });
      const a = b.open("a");
      const stopped = a.leadership.stop();
      assert.equal(await ready(a), false);
      await stopped;
      await b.clock.advance(1000);
      assert.deepEqual(a.changes, []);
      assert.equal(b.clock.pending("a"), 0);
      if (locks) assert.deepEqual(b.locks.query(), { held: [], pending: [] });
      assert.equal(b.storage.data.has(LEASE_KEY), false);
    }
  });

  test("a stopping leader says goodbye so the others forget it", async () => {
    const b = createBrowser();
    const tabs = ["a", "b"].map((id) => b.open(id));
    await readyAll(tabs);
    const leader = b.leaders()[0];
    const other = tabs.find((t) => t !== leader);
    await leader.leadership.stop();
    await b.scheduler.flush();
    const bye = other.messages.find((m) => m.type === "hello" && m.payload.leaving === true);
    assert.ok(bye);
    assert.equal(bye.from, leader.id);
  });
});

describe("options", () => {
  test("bad options are programming errors, reported at once", () => {
    const base = { key: KEY, onLeaderChange: () => {}, locks: null, storage: null, BroadcastChannel: null, window: null, document: null };
    assert.throws(() => createLeadership(/** @type {any} */ (undefined)), TypeError);
    assert.throws(() => createLeadership({ ...base, key: "" }), TypeError);
    assert.throws(() => createLeadership({ ...base, onLeaderChange: /** @type {any} */ (undefined) }), TypeError);
    assert.throws(() => createLeadership({ ...base, tabId: "x".repeat(101) }), TypeError);
    assert.throws(() => createLeadership({ ...base, leaseMs: 100, heartbeatMs: 200 }), RangeError);
    assert.throws(() => createLeadership({ ...base, leaseMs: -1 }), RangeError);
  });

  test("a longer lease alone gets a matching heartbeat", async () => {
    const b = createBrowser({ locks: false });
    const tabs = ["a", "b"].map((id) => b.open(id, { leaseMs: 3000 }));
    await readyAll(tabs);
    await b.clock.advance(20_000, b.atMostOneLeader);
    assert.equal(b.leaders().length, 1);
    for (const t of tabs) assert.equal(t.changes.length, 1);
  });
});
