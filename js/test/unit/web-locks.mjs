// A minimal in-process Web Locks for the unit tests that run several tabs of one agent in one
// process (tabs.test.mjs, writer.test.mjs): exclusive locks, `ifAvailable`, queued requests
// and `signal` abort. leadership.test.mjs has the full LockManager (shared mode, steal, a
// closed tab's locks released) on its own manual scheduler.

/**
 * @returns {{request: (name: string, opts: any, cb: (lock: any) => any) => Promise<any>, requested: string[]}}
 *   `requested`: every lock name asked for, in order.
 */
export function webLocks() {
  /** @type {Map<string, {held: boolean, queue: Array<() => void>}>} */
  const locks = new Map();
  /** @type {string[]} */
  const requested = [];
  return {
    requested,
    request(name, opts, cb) {
      requested.push(name);
      const lock = locks.get(name) ?? { held: false, queue: [] };
      locks.set(name, lock);
      const run = () => {
        lock.held = true;
        return Promise.resolve(cb({ name })).finally(() => {
          lock.held = false;
          lock.queue.shift()?.();
        });
      };
      if (!lock.held) return run();
      if (opts.ifAvailable) return Promise.resolve(cb(null));
      return new Promise((resolve, reject) => {
        const go = () => run().then(resolve, reject);
        lock.queue.push(go);
        opts.signal?.addEventListener("abort", () => {
          lock.queue = lock.queue.filter((f) => f !== go);
          reject(new DOMException("aborted", "AbortError"));
        });
      });
    },
  };
}
