// @ts-check
/**
 * The other faces of the one Omni-Channel fake (omni.js): the same agent's Omni-Channel as
 * the Salesforce Classic console's Console Integration Toolkit shows it, and as a page's own
 * Salesforce adapter (the adapter shape of js/API.md) would. Runs under Node and in the browser
 * (no imports), for the unit tests, the browser test pages, the demo and the bench.
 *
 * Classic (Salesforce Console Developer Guide, "Omni-Channel Methods for Salesforce
 * Classic" and "Omni-Channel Console Events"):
 *  - sforce.console.presence.getServicePresenceStatusId(callback): `{success, statusId,
 *    statusName, statusApiName}`; `success: false` while the agent is logged out;
 *  - setServicePresenceStatus(statusId, callback) and logout(callback): `{success, ...}`;
 *    a refusal is `{success: false, ...}` carrying what Salesforce said;
 *  - sforce.console.addEventListener(sforce.console.ConsoleEvent.PRESENCE.*, listener):
 *    STATUS_CHANGED {statusId, channels, statusName, statusApiName}, LOGIN_SUCCESS {statusId},
 *    LOGOUT {}, WORK_ACCEPTED {workItemId, workId}, WORKLOAD_CHANGED with the keys
 *    capitalized as the Console Integration Toolkit documents them (`ConfiguredCapacity`,
 *    `PreviousWorkload`, `NewWorkload`).
 */

/**
 * @typedef {ReturnType<typeof import("./omni.js").createOmni>} Omni
 */

/** @param {() => void} fn */
function later(fn) {
  const g = /** @type {any} */ (globalThis);
  if (typeof g.setImmediate === "function") g.setImmediate(fn);
  else setTimeout(fn, 0);
}

/** Classic's ConsoleEvent.PRESENCE names. */
export const PRESENCE = Object.freeze({
  LOGIN_SUCCESS: "presence.LOGIN_SUCCESS",
  STATUS_CHANGED: "presence.STATUS_CHANGED",
  LOGOUT: "presence.LOGOUT",
  WORK_ASSIGNED: "presence.WORK_ASSIGNED",
  WORK_ACCEPTED: "presence.WORK_ACCEPTED",
  WORK_DECLINED: "presence.WORK_DECLINED",
  WORK_CLOSED: "presence.WORK_CLOSED",
  WORKLOAD_CHANGED: "presence.WORKLOAD_CHANGED",
});

/**
 * Salesforce Classic's Console Integration Toolkit over the agent's Omni-Channel.
 * @param {Omni} omni
 * @param {{removeEventListener?: boolean}} [o] removeEventListener: false for an older toolkit without it
 */
export function classicConsole(omni, o = {}) {
  /** @type {Map<string, Set<(result: any) => void>>} */
  const listeners = new Map();

  /** @param {string} type @param {any} payload */
  function fire(type, payload) {
    for (const listener of [...(listeners.get(type) ?? [])]) later(() => listener(structuredClone(payload)));
  }

  omni.onEvent((event, params) => {
    switch (event) {
      case "lightning:omniChannelStatusChanged":
        fire(PRESENCE.STATUS_CHANGED, { statusId: params.statusId, channels: params.channels, statusName: params.statusName, statusApiName: params.statusApiName });
        break;
      case "lightning:omniChannelLoginSuccess":
        fire(PRESENCE.LOGIN_SUCCESS, { statusId: params.statusId });
        break;
      case "lightning:omniChannelLogout":
        fire(PRESENCE.LOGOUT, {});
        break;
      case "lightning:omniChannelWorkAccepted":
        fire(PRESENCE.WORK_ACCEPTED, { workItemId: params.workItemId, workId: params.workId });
        break;
      case "lightning:omniChannelWorkloadChanged":
        fire(PRESENCE.WORKLOAD_CHANGED, { ConfiguredCapacity: params.configuredCapacity, PreviousWorkload: params.previousWorkload, NewWorkload: params.newWorkload });
        break;
    }
  });

  /**
   * A toolkit call's promise as Classic's callback result.
   * @param {Promise<any>} call
   * @param {(result: any) => void} callback
   * @param {(value: any) => Record<string, any>} [ok]
   */
  function answer(call, callback, ok = (v) => (v && typeof v === "object" ? v : {})) {
    call.then(
      (v) => later(() => callback({ success: true, ...ok(v) })),
      (e) => later(() => callback({ success: false, ...(e && typeof e === "object" ? { ...e, message: e.message } : { message: String(e) }) })),
    );
  }

  const presence = {
    /** @param {(r: any) => void} callback */
    getServicePresenceStatusId(callback) {
      answer(omni.toolkit.getServicePresenceStatusId(), callback);
    },
    /** @param {string} statusId @param {(r: any) => void} callback */
    setServicePresenceStatus(statusId, callback) {
      answer(omni.toolkit.setServicePresenceStatus({ statusId }), callback);
    },
    /** @param {(r: any) => void} callback */
    logout(callback) {
      answer(omni.toolkit.logout(), callback, () => ({}));
    },
    /** @param {(r: any) => void} callback */
    getAgentWorkload(callback) {
      answer(omni.toolkit.getAgentWorkload(), callback);
    },
  };
  /** @type {any} */
  const sforceConsole = {
    presence,
    ConsoleEvent: { OPEN_TAB: "opentab", CLOSE_TAB: "closetab", PRESENCE },
    isInConsole: () => true,
    /** @param {string} type @param {(r: any) => void} listener */
    addEventListener(type, listener) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      /** @type {Set<any>} */ (listeners.get(type)).add(listener);
    },
  };
  if (o.removeEventListener !== false) {
    sforceConsole.removeEventListener = (/** @type {string} */ type, /** @type {(r: any) => void} */ listener) => {
      listeners.get(type)?.delete(listener);
    };
  }
  return {
    sforce: { console: sforceConsole },
    PRESENCE,
    /**
     * Fires a PRESENCE event, by its key ("STATUS_CHANGED") or its name, with any payload
     * (testdata, hostile payloads).
     * @param {string} event
     * @param {any} payload
     */
    fire(event, payload) {
      fire(event in PRESENCE ? PRESENCE[/** @type {keyof typeof PRESENCE} */ (event)] : event, payload);
    },
    listenerCount() {
      let n = 0;
      for (const set of listeners.values()) n += set.size;
      return n;
    },
  };
}

/**
 * A page's own Salesforce adapter (the adapter shape of js/API.md) over the agent's Omni-Channel, as a
 * page that reaches Omni-Channel its own way would write one: the current status and the
 * catalog read directly, writes through the toolkit (recorded in `omni.state.calls`;
 * `omni.failNext` and `omni.answering(false)` apply), every Omni-Channel event passed on
 * as the adapter event it is (a login as a status change with reason
 * OmniLoginStatusChange, workload numbers as the strings Omni-Channel gives).
 * @param {Omni} omni
 */
export function omniAdapter(omni) {
  /** @type {Set<(ev: any) => void>} */
  const listeners = new Set();
  /** @type {any[]} every event delivered, in order */
  const delivered = [];

  /** @param {any} ev */
  function emit(ev) {
    delivered.push(ev);
    for (const l of [...listeners]) {
      try {
        l(ev);
      } catch (e) {
        console.error("a listener of the Omni-Channel adapter threw", e);
      }
    }
  }

  omni.onEvent((event, p) => {
    switch (event) {
      case "lightning:omniChannelStatusChanged":
        emit({ type: "statusChanged", statusId: p.statusId, statusApiName: p.statusApiName, statusName: p.statusName, ...(p.reason ? { reason: p.reason } : {}) });
        break;
      case "lightning:omniChannelLoginSuccess":
        emit({ type: "statusChanged", statusId: p.statusId, reason: "OmniLoginStatusChange" });
        break;
      case "lightning:omniChannelLogout":
        emit({ type: "logout", ...(p.reason ? { reason: p.reason } : {}) });
        break;
      case "lightning:omniChannelWorkAccepted":
        emit({ type: "workAccepted", workItemId: p.workItemId, workId: p.workId });
        break;
      case "lightning:omniChannelWorkloadChanged":
        emit({ type: "workloadChanged", ...p });
        break;
    }
  });

  const catalog = omni.catalog;
  const adapter = {
    async getStatus() {
      const s = omni.state.status;
      return s ? { statusId: s.id, statusApiName: s.developerName, statusName: s.label } : null;
    },
    async listStatuses() {
      return catalog.statuses.map((s) => ({ ...s }));
    },
    async listServiceChannels() {
      return catalog.serviceChannels.map((c) => ({ ...c }));
    },
    /** @param {string} statusId */
    async setStatus(statusId) {
      await omni.toolkit.setServicePresenceStatus({ statusId });
    },
    async logout() {
      await omni.toolkit.logout();
    },
    /** @param {(ev: any) => void} listener */
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
  return {
    adapter,
    delivered,
    /** Delivers any event to the adapter's listeners (hostile and malformed events). @param {any} ev */
    emit,
    listenerCount: () => listeners.size,
  };
}
