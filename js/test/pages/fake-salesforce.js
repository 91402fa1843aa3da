// @ts-check
/**
 * An in-page fake of the Salesforce Classic console's surface the console adapter uses,
 * driven by the simulated Omni-Channel (js/demo/omni-sim.js), for browser tests of the real
 * adapter: `sforce.console.presence.*` with `{success, ...}` callbacks and
 * `sforce.console.addEventListener(ConsoleEvent.PRESENCE.*, fn)`; `fire(type, result)`
 * delivers any result to the listeners (hostile payloads). (The Lightning side's fakes are
 * js/test/fakes/, used by lightning-host.js.)
 */

/**
 * @param {ReturnType<typeof import("/demo/omni-sim.js").createOmniSim>} omni
 */
export function createFakeConsole(omni) {
  const PRESENCE = {
    STATUS_CHANGED: "presence.STATUS_CHANGED",
    LOGIN_SUCCESS: "presence.LOGIN_SUCCESS",
    LOGOUT: "presence.LOGOUT",
    WORK_ACCEPTED: "presence.WORK_ACCEPTED",
    WORKLOAD_CHANGED: "presence.WORKLOAD_CHANGED",
  };
  /** @type {Map<string, Set<(result: any) => void>>} */
  const listeners = new Map();
  let silent = false;

  /** @param {string} type @param {any} result */
  function fire(type, result) {
    for (const l of [...(listeners.get(type) ?? [])]) setTimeout(() => l(result), 0);
  }

  /** @param {(r: any) => void} cb @param {() => Promise<any>} run */
  function answer(cb, run) {
    if (silent) return;
    run().then(
      (r) => setTimeout(() => cb({ success: true, ...(r || {}) }), 0),
      (e) => setTimeout(() => cb({ success: false, type: e?.type, message: String(e?.message || e) }), 0),
    );
  }

  const presence = {
    /** @param {(r: any) => void} cb */
    getServicePresenceStatusId(cb) {
      answer(cb, async () => {
        const s = await omni.adapter.getStatus();
        if (!s) throw Object.assign(new Error("not logged in"), { type: "NotLoggedIn" });
        return { statusId: s.statusId, statusApiName: s.statusApiName, statusName: s.statusName, channels: "[]" };
      });
    },
    /** @param {string} id @param {(r: any) => void} cb */
    setServicePresenceStatus(id, cb) {
      answer(cb, async () => {
        await omni.adapter.setStatus(id);
        return { statusId: id };
      });
    },
    /** @param {(r: any) => void} cb */
    logout(cb) {
      answer(cb, async () => {
        await omni.adapter.logout();
        return {};
      });
    },
  };

  omni.adapter.subscribe((ev) => {
    if (silent) return;
    switch (ev.type) {
      case "statusChanged":
        fire(PRESENCE.STATUS_CHANGED, { statusId: ev.statusId, statusApiName: ev.statusApiName, statusName: ev.statusName, channels: "[]" });
        break;
      case "logout":
        fire(PRESENCE.LOGOUT, {});
        break;
      case "workAccepted":
        fire(PRESENCE.WORK_ACCEPTED, { workItemId: ev.workItemId, workId: ev.workId });
        break;
      case "workloadChanged":
        fire(PRESENCE.WORKLOAD_CHANGED, { ConfiguredCapacity: ev.configuredCapacity, PreviousWorkload: ev.previousWorkload, NewWorkload: ev.newWorkload });
        break;
    }
  });

  const sforce = {
    console: {
      presence,
      ConsoleEvent: { PRESENCE },
      /** @param {string} type @param {(r: any) => void} fn */
      addEventListener(type, fn) {
        if (!listeners.has(type)) listeners.set(type, new Set());
        /** @type {Set<any>} */ (listeners.get(type)).add(fn);
      },
      /** @param {string} type @param {(r: any) => void} fn */
      removeEventListener(type, fn) {
        listeners.get(type)?.delete(fn);
      },
    },
  };
  return {
    sforce,
    PRESENCE,
    fire,
    set silent(v) {
      silent = !!v;
    },
    get silent() {
      return silent;
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
}
