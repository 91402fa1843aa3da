// @ts-check
/**
 * Tab leadership by the Web Locks API: the lock named `key` is requested with
 * `{ifAvailable: true}` first, to learn at once whether this tab leads; a follower then
 * queues a normal request (abortable), granted when the leader's lock goes away. The
 * browser releases a closed or reloaded tab's locks itself, so a follower takes over at
 * once. A stolen lock (another context requesting with `steal: true`) makes this tab a
 * follower again. If the lock manager refuses requests (sandboxed or opaque-origin
 * documents), `failed` hands over to the lease.
 */

import { describe } from "./errors.js";

/**
 * @typedef {{request(name: string, options: any, callback: (lock: any) => any): Promise<any>}} LockManagerLike
 * @typedef {{granted: boolean, aborted: boolean, release: (() => void) | null, controller: AbortController | null, promise: Promise<any> | null}} LockRequest
 * @typedef {{
 *   start(): void,
 *   release(): void,
 *   waits(): Promise<unknown>[],
 * }} LocksElection
 *  - start: requests the lock;
 *  - release: lets the held lock go and aborts the queued request (pagehide, stop);
 *  - waits: the requests stop should wait for (those that will settle).
 */

/**
 * @param {{
 *   name: string,
 *   locks: LockManagerLike,
 *   Abort: (new () => AbortController) | null,
 *   active: () => boolean,
 *   setLeader: (value: boolean, why: string) => void,
 *   failed: (err: unknown) => void,
 *   log: import("./types.js").LogFunction,
 * }} o
 *  - active: leadership runs, the page is shown, and the mode is still "locks";
 *  - failed: the lock manager refused a request.
 * @returns {LocksElection}
 */
export function createLocksElection(o) {
  /** @type {LockRequest | null} the request holding the lock */
  let held = null;
  /** @type {LockRequest | null} the queued (waiting) request */
  let queued = null;
  /** @type {Set<LockRequest>} requests whose promise has not settled */
  const pending = new Set();

  /** @param {boolean} ifAvailable */
  function request(ifAvailable) {
    /** @type {LockRequest} */
    const req = { granted: false, aborted: false, release: null, controller: null, promise: null };
    /** @type {any} */
    const lockOptions = { mode: "exclusive" };
    if (ifAvailable) lockOptions.ifAvailable = true;
    else if (o.Abort) {
      try {
        req.controller = new o.Abort();
        lockOptions.signal = req.controller.signal;
      } catch {
        req.controller = null;
      }
    }
    /** @param {any} lock */
    const callback = (lock) => {
      req.granted = true;
      if (!o.active() || req.aborted) return undefined;
      if (lock === null || lock === undefined) {
        // ifAvailable and another tab holds it: a follower, waiting in line.
        o.setLeader(false, "another tab holds the lock");
        if (o.active()) request(false);
        return undefined;
      }
      if (queued === req) queued = null;
      return new Promise((resolve) => {
        req.release = () => resolve(undefined);
        held = req;
        o.setLeader(true, ifAvailable ? "the lock was free" : "the previous writer went away");
      });
    };
    let promise;
    try {
      promise = o.locks.request(o.name, lockOptions, callback);
    } catch (err) {
      o.failed(err);
      return;
    }
    if (!ifAvailable) queued = req;
    req.promise = Promise.resolve(promise);
    pending.add(req);
    req.promise.then(
      () => {
        pending.delete(req);
        if (held === req) held = null;
        if (queued === req) queued = null;
      },
      (err) => {
        pending.delete(req);
        if (queued === req) queued = null;
        if (held === req) {
          // The lock was taken from us (steal) or broke: stop writing, wait in line again.
          held = null;
          req.release = null;
          if (!o.active()) return;
          o.log("warn", "leadership: the lock was taken away from this tab", { error: describe(err) });
          o.setLeader(false, "the lock was taken away");
          if (o.active()) request(false);
          return;
        }
        if (req.aborted || !o.active()) return;
        if (!req.granted) o.failed(err);
      },
    );
  }

  return Object.freeze({
    start: () => request(true),
    release() {
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
    },
    waits() {
      /** @type {Promise<unknown>[]} */
      const out = [];
      for (const req of pending) {
        // A queued request that cannot be aborted may never settle: do not wait for it.
        if (req.aborted && !req.controller && !req.granted) continue;
        if (req.promise) out.push(req.promise.catch(() => {}));
      }
      return out;
    },
  });
}
