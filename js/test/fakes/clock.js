// @ts-check
/**
 * A manual clock for code that takes its timers as options (the Lightning adapter's wait
 * for Omni-Channel, leadership's lease): time moves only when a test advances it.
 */

export function createClock() {
  let now = 0;
  let nextId = 1;
  /** @type {Map<number, {at: number, fn: () => void}>} */
  const timers = new Map();
  return {
    setTimeout(/** @type {() => void} */ fn, /** @type {number} */ ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(/** @type {number} */ id) {
      timers.delete(id);
    },
    setInterval(/** @type {() => void} */ fn, /** @type {number} */ ms) {
      const id = nextId++;
      const again = () => {
        timers.set(id, { at: now + ms, fn: () => { again(); fn(); } });
      };
      again();
      return id;
    },
    clearInterval(/** @type {number} */ id) {
      timers.delete(id);
    },
    /** @param {number} ms */
    advance(ms) {
      now += ms;
      for (const [id, t] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now && timers.has(id)) {
          timers.delete(id);
          t.fn();
        }
      }
    },
    get pending() {
      return timers.size;
    },
  };
}
