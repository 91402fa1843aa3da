// Fakes of the Salesforce Classic console APIs the console adapter uses, built to their
// documented shapes: the Console Integration Toolkit (sforce.console.presence.* with
// {success, ...} callbacks, addEventListener/removeEventListener with ConsoleEvent.PRESENCE.*)
// and the AJAX toolkit; plus a manual clock. The Lightning side (Omni toolkit, Aura runtime,
// Lightning Message Service and Open CTI, windows with origins) is js/test/fakes/.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "..", "..", "..");
export const salesforceRoot = path.join(repoRoot, "js", "salesforce");
export const metadataRoot = path.join(salesforceRoot, "force-app", "main", "default");
export const testdata = path.join(repoRoot, "testdata", "salesforce");

/** @param {string} name */
export function loadTestdata(name) {
  return JSON.parse(readFileSync(path.join(testdata, name), "utf8"));
}

/** Lets every pending callback, promise and setImmediate run. */
export async function settle(rounds = 20) {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A manual clock for the adapters' timeouts. */
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

/**
 * The Console Integration Toolkit's presence API for one agent (Salesforce Classic console).
 * @param {{catalog: any, status?: string | null, removeEventListener?: boolean}} setup
 */
export function createClassicConsole(setup) {
  const statuses = setup.catalog.statuses;
  let current = setup.status === undefined ? statuses[0].id : setup.status;
  const calls = /** @type {Array<{method: string, args: any[]}>} */ ([]);
  /** @type {Map<string, Set<(result: any) => void>>} */
  const listeners = new Map();
  let answering = true;
  let refuseNext = /** @type {any} */ (null);
  /** @param {string} id */
  const find = (id) => statuses.find((/** @type {any} */ s) => s.id.slice(0, 15) === String(id).slice(0, 15));
  const PRESENCE = {
    LOGIN_SUCCESS: "presence.LOGIN_SUCCESS",
    STATUS_CHANGED: "presence.STATUS_CHANGED",
    LOGOUT: "presence.LOGOUT",
    WORK_ASSIGNED: "presence.WORK_ASSIGNED",
    WORK_ACCEPTED: "presence.WORK_ACCEPTED",
    WORK_DECLINED: "presence.WORK_DECLINED",
    WORK_CLOSED: "presence.WORK_CLOSED",
    WORKLOAD_CHANGED: "presence.WORKLOAD_CHANGED",
  };
  /** @param {(result: any) => void} callback @param {any} result */
  const answer = (callback, result) => {
    if (answering) setImmediate(() => callback(result));
  };
  /** @param {string} type @param {any} payload */
  const emit = (type, payload) => {
    for (const listener of [...(listeners.get(type) ?? [])]) setImmediate(() => listener(structuredClone(payload)));
  };

  const presence = {
    getServicePresenceStatusId(/** @type {(r: any) => void} */ callback) {
      calls.push({ method: "getServicePresenceStatusId", args: [] });
      if (current === null) return answer(callback, { success: false });
      const s = find(current);
      answer(callback, { success: true, statusId: s.id, statusName: s.label, statusApiName: s.developerName });
    },
    setServicePresenceStatus(/** @type {string} */ statusId, /** @type {(r: any) => void} */ callback) {
      calls.push({ method: "setServicePresenceStatus", args: [statusId] });
      if (refuseNext) {
        const result = refuseNext;
        refuseNext = null;
        return answer(callback, result);
      }
      const s = find(statusId);
      if (!s) return answer(callback, { success: false });
      const wasLoggedOut = current === null;
      current = s.id;
      answer(callback, { success: true, statusId: s.id, channels: "[]", statusName: s.label, statusApiName: s.developerName });
      if (answering) {
        if (wasLoggedOut) emit(PRESENCE.LOGIN_SUCCESS, { statusId: s.id });
        emit(PRESENCE.STATUS_CHANGED, { statusId: s.id, channels: "[]", statusName: s.label, statusApiName: s.developerName });
      }
    },
    logout(/** @type {(r: any) => void} */ callback) {
      calls.push({ method: "logout", args: [] });
      current = null;
      answer(callback, { success: true });
      if (answering) emit(PRESENCE.LOGOUT, {});
    },
    getAgentWorkload(/** @type {(r: any) => void} */ callback) {
      calls.push({ method: "getAgentWorkload", args: [] });
      answer(callback, { success: true, configuredCapacity: 5, currentWorkload: 1 });
    },
    getServicePresenceStatusChannels(/** @type {(r: any) => void} */ callback) {
      calls.push({ method: "getServicePresenceStatusChannels", args: [] });
      answer(callback, { success: true, channels: "[]" });
    },
  };
  /** @type {any} */
  const sforceConsole = {
    presence,
    ConsoleEvent: { OPEN_TAB: "opentab", CLOSE_TAB: "closetab", PRESENCE },
    isInConsole: () => true,
    addEventListener(/** @type {string} */ type, /** @type {(r: any) => void} */ listener) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      /** @type {Set<any>} */ (listeners.get(type)).add(listener);
    },
  };
  if (setup.removeEventListener !== false) {
    sforceConsole.removeEventListener = (/** @type {string} */ type, /** @type {(r: any) => void} */ listener) => {
      listeners.get(type)?.delete(listener);
    };
  }
  return {
    sforce: { console: sforceConsole },
    calls,
    PRESENCE,
    get current() {
      return current;
    },
    /** @param {keyof typeof PRESENCE} key @param {any} payload */
    fire(key, payload) {
      emit(PRESENCE[key], payload);
    },
    listenerCount() {
      let n = 0;
      for (const set of listeners.values()) n += set.size;
      return n;
    },
    /** The console stops calling back (frozen), or starts again. @param {boolean} on */
    answering(on) {
      answering = on;
    },
    /** The next setServicePresenceStatus answers this. @param {any} result */
    refuseNextWith(result) {
      refuseNext = result;
    },
  };
}
