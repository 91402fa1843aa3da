// @ts-check
/**
 * In-page fakes of the two Salesforce surfaces the built-in adapters use, driven by the
 * simulated Omni-Channel (js/demo/omni-sim.js), for browser tests of the real adapters:
 *
 *  - Lightning: `sforce.opencti`'s Lightning Message Service (subscribe / publish /
 *    unsubscribe with `{success, returnValue, errors}` callbacks; every subscriber, the
 *    publisher included, gets a structured clone of every message, asynchronously) and a
 *    stand-in for the PresenceSyncBridge utility item: it answers the softphone's requests
 *    from the simulated Omni and relays its events as `{kind: "event", event, payload}`.
 *    `bridge.silent = true` makes it stop answering (and relaying), like a bridge that is
 *    gone; `bridge.send(message)` publishes anything on the channel (hostile messages).
 *  - Classic console: `sforce.console.presence.*` with `{success, ...}` callbacks and
 *    `sforce.console.addEventListener(ConsoleEvent.PRESENCE.*, fn)`; `fire(type, result)`
 *    delivers any result to the listeners (hostile payloads).
 */

const CHANNEL = "PresenceSync__c";

/**
 * @param {ReturnType<typeof import("/demo/omni-sim.js").createOmniSim>} omni
 */
export function createFakeLightning(omni) {
  /** @type {Set<(message: any) => void>} */
  const subscribers = new Set();
  /** @type {any[]} every message published on the channel */
  const log = [];

  /** @param {any} message */
  function deliver(message) {
    log.push(message);
    if (log.length > 200) log.shift();
    const copy = structuredClone(message);
    for (const l of [...subscribers]) setTimeout(() => l(structuredClone(copy)), 0);
  }

  const opencti = {
    /** @param {{channelName: string, listener: (m: any) => void, callback?: (r: any) => void}} a */
    subscribe({ channelName, listener, callback }) {
      if (channelName !== CHANNEL) {
        setTimeout(() => callback?.({ success: false, returnValue: null, errors: [{ description: "Invalid channel " + channelName }] }), 0);
        return;
      }
      subscribers.add(listener);
      setTimeout(() => callback?.({ success: true, returnValue: { listener }, errors: null }), 0);
    },
    /** @param {{channelName: string, message: any, callback?: (r: any) => void}} a */
    publish({ channelName, message, callback }) {
      if (channelName !== CHANNEL) {
        setTimeout(() => callback?.({ success: false, returnValue: null, errors: [{ description: "Invalid channel " + channelName }] }), 0);
        return;
      }
      deliver(message);
      setTimeout(() => callback?.({ success: true, returnValue: null, errors: null }), 0);
    },
    /** @param {{subscription: any, callback?: (r: any) => void}} a */
    unsubscribe({ subscription, callback }) {
      const ok = subscribers.delete(subscription && subscription.listener);
      setTimeout(() => callback?.({ success: ok, returnValue: null, errors: ok ? null : [{ description: "not subscribed" }] }), 0);
    },
  };

  const bridge = {
    silent: false,
    /** requests the bridge saw */
    requests: 0,
    /** @param {any} message published on the channel as is */
    send(message) {
      deliver(message);
    },
    /** @param {string} event @param {any} payload */
    event(event, payload) {
      deliver({ protocol: 1, source: "PresenceSyncBridge", kind: "event", event, payload });
    },
  };

  /** @param {any} m */
  async function onRequest(m) {
    bridge.requests++;
    if (bridge.silent) return;
    /** @param {boolean} ok @param {any} value */
    const respond = (ok, value) => {
      if (bridge.silent) return;
      /** @type {any} */
      const r = { protocol: 1, source: "PresenceSyncBridge", kind: "response", id: m.id, ok };
      if (ok) r.result = value === undefined ? null : value;
      else r.error = { type: String(value?.type || "OmniToolkitError"), message: String(value?.message || value) };
      deliver(r);
    };
    try {
      switch (m.command) {
        case "setServicePresenceStatus":
          await omni.adapter.setStatus(m.args && m.args.statusId);
          return respond(true, { statusId: m.args.statusId });
        case "logout":
          await omni.adapter.logout();
          return respond(true, null);
        case "getServicePresenceStatusId": {
          const s = await omni.adapter.getStatus();
          if (!s) return respond(false, { type: "OmniToolkitError", message: "The agent is not logged in to Omni-Channel" });
          return respond(true, { ...s, channels: "[]" });
        }
        case "listStatuses":
          return respond(true, { statuses: omni.statuses, serviceChannels: omni.serviceChannels });
        case "ping":
          return respond(true, { protocol: 1 });
        default:
          return respond(false, { type: "InvalidParameterException", message: "Unknown command " + m.command });
      }
    } catch (e) {
      respond(false, e);
    }
  }

  // The bridge: listens on the channel like the Aura component, and relays Omni's events.
  subscribers.add((m) => {
    if (m && m.kind === "request") onRequest(m);
  });
  omni.adapter.subscribe((ev) => {
    if (bridge.silent) return;
    switch (ev.type) {
      case "statusChanged":
        bridge.event("statusChanged", { statusId: ev.statusId, statusApiName: ev.statusApiName, statusName: ev.statusName, reason: ev.reason, channels: "[]" });
        break;
      case "logout":
        bridge.event("logout", {});
        break;
      case "workAccepted":
        bridge.event("workAccepted", { workItemId: ev.workItemId, workId: ev.workId });
        break;
      case "workloadChanged":
        bridge.event("workloadChanged", { configuredCapacity: String(ev.configuredCapacity), previousWorkload: String(ev.previousWorkload), newWorkload: String(ev.newWorkload) });
        break;
    }
  });

  return { sforce: { opencti }, bridge, log, subscriberCount: () => subscribers.size };
}

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
