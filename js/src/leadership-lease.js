// @ts-check
/**
 * Tab leadership without Web Locks: a lease in localStorage under `${key}:lease`, JSON
 * `{tabId, expires}`. The holder renews it every `heartbeatMs`; the others check it every
 * `heartbeatMs` and on every `storage` event for the key, and claim it once it is missing
 * or expired. A claim is a write followed, `settleMs` later, by a re-read: only the tab
 * whose id is still there leads (two tabs writing at once: the last write wins, the other
 * backs off). On pagehide the holder removes the lease so a closing or reloading writer
 * hands over at once; a writer that vanishes without pagehide is replaced within
 * leaseMs + heartbeatMs + settleMs. A hidden writer tab writes a longer lease
 * (`hiddenLeaseMs`) because browsers throttle hidden tabs' timers to about once a second;
 * closing it still hands over at once. `heldByOther` re-reads the lease, so a tab whose
 * lease was taken while its timers were throttled stops writing as soon as it asks.
 */

import { describe } from "./errors.js";
import { isPlainObject, MAX_ID_LENGTH } from "./leadership-channel.js";

const MAX_LEASE_TEXT = 1000;

/**
 * @typedef {{getItem(key: string): string | null, setItem(key: string, value: string): void, removeItem(key: string): void}} StorageLike
 * @typedef {{kind: "timeout" | "interval", handle: any}} TimerEntry
 * @typedef {{
 *   usable(): boolean,
 *   start(): void,
 *   beat(): void,
 *   onStorage(event: any): void,
 *   onVisibility(): void,
 *   heldByOther(): boolean,
 *   release(): void,
 * }} LeaseElection
 *  - usable: localStorage can be written here;
 *  - start: begins the heartbeat and claims the lease unless another tab holds it;
 *  - beat: one heartbeat now (another tab also says it writes: check at once);
 *  - onStorage / onVisibility: the page's `storage` and `visibilitychange` events;
 *  - heldByOther: another tab holds a live lease;
 *  - release: stops the heartbeat and removes this tab's lease (pagehide, stop).
 */

/**
 * @param {{
 *   key: string,
 *   self: string,
 *   storage: StorageLike | null,
 *   document: {visibilityState?: string} | null,
 *   leaseMs: number, heartbeatMs: number, settleMs: number, hiddenLeaseMs: number,
 *   now: () => number,
 *   after: (ms: number, fn: () => void) => TimerEntry,
 *   every: (ms: number, fn: () => void) => TimerEntry,
 *   cancel: (entry: TimerEntry | null) => void,
 *   active: () => boolean,
 *   isLeader: () => boolean,
 *   setLeader: (value: boolean, why: string) => void,
 *   log: import("./types.js").LogFunction,
 * }} o
 *  - active: leadership runs, the page is shown, and the mode is "lease";
 *  - after / every / cancel: leadership's tracked timers.
 * @returns {LeaseElection}
 */
export function createLeaseElection(o) {
  const { self, storage } = o;
  const leaseKey = `${o.key}:lease`;
  /** @type {TimerEntry | null} */
  let heartbeat = null;
  /** @type {TimerEntry | null} */
  let settleTimer = null;

  function usable() {
    if (!storage || typeof storage.getItem !== "function" || typeof storage.setItem !== "function") return false;
    try {
      const probe = `${o.key}:probe:${self}`;
      storage.setItem(probe, "1");
      storage.removeItem(probe);
      return true;
    } catch {
      return false;
    }
  }

  /** @returns {{tabId: string, expires: number} | null} */
  function read() {
    try {
      return parseLease(/** @type {StorageLike} */ (storage).getItem(leaseKey));
    } catch {
      return null;
    }
  }

  function write() {
    const hidden = o.document?.visibilityState === "hidden";
    const expires = o.now() + (hidden ? o.hiddenLeaseMs : o.leaseMs);
    try {
      /** @type {StorageLike} */ (storage).setItem(leaseKey, JSON.stringify({ tabId: self, expires }));
      return true;
    } catch (err) {
      o.log("warn", "leadership: writing the lease failed", { error: describe(err) });
      return false;
    }
  }

  function removeOwn() {
    if (!storage) return;
    try {
      if (read()?.tabId === self) storage.removeItem(leaseKey);
    } catch {
      // storage went away: the lease expires on its own
    }
  }

  /** @param {{tabId: string, expires: number} | null} rec */
  function liveOther(rec) {
    const t = o.now();
    // A lease further ahead than any tab writes (clock moved back, tampering) is not trusted.
    return rec !== null && rec.tabId !== self && rec.expires > t && rec.expires - t <= o.hiddenLeaseMs + o.heartbeatMs;
  }

  function beat() {
    if (!o.active()) return;
    const rec = read();
    if (o.isLeader()) {
      if (liveOther(rec)) {
        o.setLeader(false, "another tab holds the lease");
        return;
      }
      if (!write()) o.setLeader(false, "the lease cannot be renewed");
      return;
    }
    if (!settleTimer && !liveOther(rec)) claim();
  }

  function claim() {
    if (settleTimer || !o.active()) return;
    if (!write()) {
      o.setLeader(false, "the lease cannot be written");
      return;
    }
    settleTimer = o.after(o.settleMs, () => {
      settleTimer = null;
      if (!o.active()) return;
      const rec = read();
      if (rec && rec.tabId === self) {
        write();
        o.setLeader(true, "the lease was free");
      } else {
        o.log("debug", "leadership: another tab claimed the lease at the same time; this tab follows", { tabId: self, holder: rec?.tabId ?? null });
        o.setLeader(false, "another tab claimed the lease at the same time");
      }
    });
  }

  return Object.freeze({
    usable,
    start() {
      o.cancel(heartbeat);
      heartbeat = o.every(o.heartbeatMs, beat);
      if (liveOther(read())) o.setLeader(false, "another tab holds the lease");
      else claim();
    },
    beat,
    /** @param {any} event */
    onStorage(event) {
      if (!o.active()) return;
      let eventKey;
      try {
        eventKey = event?.key;
      } catch {
        return;
      }
      if (eventKey !== null && eventKey !== leaseKey) return;
      const rec = read();
      if (o.isLeader()) {
        if (liveOther(rec)) o.setLeader(false, "another tab took the lease");
        else if (!rec || rec.tabId !== self) write();
      } else if (!settleTimer && !liveOther(rec)) {
        claim();
      }
    },
    onVisibility() {
      // Hidden tabs' timers are throttled: write the longer (or, visible again, the normal) lease now.
      if (o.active() && o.isLeader() && !liveOther(read())) write();
    },
    heldByOther: () => liveOther(read()),
    release() {
      o.cancel(heartbeat);
      o.cancel(settleTimer);
      heartbeat = null;
      settleTimer = null;
      removeOwn();
    },
  });
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
