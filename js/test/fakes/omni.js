// @ts-check
/**
 * One agent's Omni-Channel, as Lightning Experience exposes it to an Aura component:
 * `lightning:omniToolkitAPI` (methods returning Promises) and the `lightning:omniChannel*`
 * application events, with the payloads Salesforce documents, quirks included. Runs under
 * Node and in the browser (no imports), for the unit tests and the browser test pages.
 *
 * Documents followed (Salesforce Console Developer Guide, "Omni-Channel Toolkit Methods for
 * Lightning Experience" and "Events for Omni-Channel"):
 *  - setServicePresenceStatus for Lightning Experience
 *    https://developer.salesforce.com/docs/service/api-console/guide/sforce-api-console-lightning-setservicepresencestatus.html
 *    `{statusId}` in, resolves to {statusId, channels (a JSON string), statusName, statusApiName};
 *    a logged-out agent is logged in with that status. The sample passes the 15-character Id.
 *  - getServicePresenceStatusId for Lightning Experience
 *    https://developer.salesforce.com/docs/service/api-console/guide/sforce-api-console-lightning-getservicepresencestatusid.html
 *    resolves to {statusName, statusApiName, statusId}. What it does while the agent is logged
 *    out is not documented: `whenLoggedOut` chooses ("reject", the default, or "resolve-empty").
 *  - getAgentWorkload for Lightning Experience
 *    https://developer.salesforce.com/docs/service/api-console/guide/sforce-api-console-lightning-getagentworkload.html
 *    resolves to numbers: configuredCapacity, currentWorkload, configuredInterruptibleCapacity,
 *    currentInterruptibleWorkload.
 *  - lightning:omniChannelStatusChanged {statusId, channels, statusName, statusApiName, reason};
 *    lightning:omniChannelLoginSuccess {statusId}; lightning:omniChannelLogout (reason with
 *    Winter '24); lightning:omniChannelWorkAccepted {workItemId, workId};
 *    lightning:omniChannelWorkloadChanged {configuredCapacity, previousWorkload, newWorkload,
 *    configuredInterruptibleCapacity, previousInterruptibleWorkload, newInterruptibleWorkload}
 *    https://developer.salesforce.com/docs/service/api-console/guide/sforce-api-console-events-omnichannelworkloadchanged.html
 *    The Aura component reference declares the workload attributes as `string`
 *    (https://developer.salesforce.com/docs/platform/lightning-component-reference/guide/aura-omni-channel-workload-changed.html):
 *    a handler's getParam returns "5", not 5, and this fake hands them so.
 *
 * `answering(false)` makes every toolkit call hang (Omni-Channel not loaded yet, or frozen);
 * calls made meanwhile never settle, as nothing ever answers them.
 *
 * This is the one Omni-Channel fake of the project: the Lightning tests drive it through the
 * real utility item (aura.js), the Classic console tests through its Console Integration
 * Toolkit face, and the browser test pages, the demo and the bench through a page's own
 * adapter over it (faces.js).
 */

/**
 * @typedef {{id: string, developerName: string, label: string}} Status
 * @typedef {{developerName: string, keyPrefix: string, id?: string}} Channel
 * @typedef {{method: string, args: any, outcome?: string}} ToolkitCall
 * @typedef {(event: string, params: Record<string, any>) => void} EventSink
 * @typedef {{
 *   catalog: {statuses: Status[], serviceChannels?: Channel[]},
 *   status?: string | null,
 *   allowed?: string[],
 *   capacity?: number,
 *   interruptibleCapacity?: number,
 *   whenLoggedOut?: "reject" | "resolve-empty",
 *   latencyMs?: number,
 * }} OmniOptions
 *  - status: DeveloperName of the status at start (default the first); null: logged out;
 *  - allowed: DeveloperNames the agent's profile gives access to (default all);
 *  - latencyMs: how long after a toolkit call resolves its change event fires (default 0).
 */

/** Reasons Omni-Channel gives a status change or a logout (rules/SEMANTICS.md, section 16). */
export const REASONS = Object.freeze({
  manual: "OmniManualStatusChange",
  toolkit: "OmniToolkitStatusChange",
  supervisor: "OmniSupervisorStatusChange",
  login: "OmniLoginStatusChange",
  supervisorLogout: "OmniSupervisorLogout",
});

/**
 * One agent's Omni-Channel. Its faces: `toolkit` and the events (Lightning, here), and, in
 * faces.js, Classic's Console Integration Toolkit and a page's own adapter.
 * @param {OmniOptions} o
 */
export function createOmni(o) {
  const statuses = o.catalog.statuses.map((s) => ({ ...s }));
  const channels = (o.catalog.serviceChannels ?? []).map((c) => ({ ...c }));
  const allowed = new Set(o.allowed ?? statuses.map((s) => s.developerName));
  const latencyMs = o.latencyMs ?? 0;
  /** @type {Set<EventSink>} */
  const sinks = new Set();
  /** @type {Set<() => void>} */
  const watchers = new Set();
  let answering = true;
  /** @type {any[]} errors the next toolkit writes reject with */
  const failures = [];
  let workSeq = 0;

  const state = {
    /** @type {Status | null} the current status; null while logged out */
    status: o.status === null ? null : byName(o.status ?? statuses[0].developerName),
    capacity: o.capacity ?? 5,
    interruptibleCapacity: o.interruptibleCapacity ?? 0,
    workload: 0,
    interruptibleWorkload: 0,
    /** @type {{workItemId: string, workId: string, channel: string}[]} */
    works: [],
    /** @type {ToolkitCall[]} every toolkit call, in order */
    calls: [],
    /** @type {{event: string, params: any}[]} every event fired */
    fired: [],
  };

  /** @param {string} name */
  function byName(name) {
    const s = statuses.find((x) => x.developerName === name);
    if (!s) throw new Error(`no presence status ${name} in the fake's catalog`);
    return s;
  }
  /** @param {unknown} id */
  function byId(id) {
    return typeof id === "string" && (id.length === 15 || id.length === 18) ? statuses.find((s) => s.id.slice(0, 15) === id.slice(0, 15)) : undefined;
  }
  /**
   * Omni-Channel's `channels`: a JSON string of the status's service channels, "[]" for a Busy
   * status. A catalog status may say `online: true|false`; else a DeveloperName starting with
   * "Available" is an Online status (with every channel), any other a Busy one.
   * @param {Status & {online?: boolean}} s
   */
  function channelsOf(s) {
    if (!(s.online ?? /^Available/.test(s.developerName))) return "[]";
    return JSON.stringify(channels.map((c, i) => ({ channelId: c.id ?? `0N9xx000000000${i + 1}`, developerName: c.developerName })));
  }
  function changed() {
    for (const w of [...watchers]) w();
  }
  /** @param {string} event @param {Record<string, any>} params */
  function fire(event, params) {
    state.fired.push({ event, params: structuredClone(params) });
    for (const sink of [...sinks]) sink(event, structuredClone(params));
    changed();
  }
  /**
   * Runs fn latencyMs later; with no latency, as soon as the call that caused it has
   * returned (a microtask: a page's timers are clamped to 4 ms once nested, which would make
   * a fast Omni-Channel look slow to the benchmark).
   * @param {() => void} fn
   */
  function soon(fn) {
    if (latencyMs > 0) setTimeout(fn, latencyMs);
    else queueMicrotask(fn);
  }
  /** The status becomes s; `announce()` fires its events (at once, or later for a toolkit call). @param {Status} s @param {string} reason */
  function enter(s, reason) {
    const wasOut = state.status === null;
    state.status = s;
    return () => {
      if (wasOut) fire("lightning:omniChannelLoginSuccess", { statusId: s.id });
      fire("lightning:omniChannelStatusChanged", { statusId: s.id, channels: channelsOf(s), statusName: s.label, statusApiName: s.developerName, reason });
    };
  }
  /** @param {string} [reason] */
  function leave(reason) {
    state.status = null;
    return () => fire("lightning:omniChannelLogout", reason ? { reason } : {});
  }
  /** @param {number} previous @param {number} previousInterruptible */
  function workloadChanged(previous, previousInterruptible) {
    fire("lightning:omniChannelWorkloadChanged", {
      configuredCapacity: String(state.capacity),
      previousWorkload: String(previous),
      newWorkload: String(state.workload),
      configuredInterruptibleCapacity: String(state.interruptibleCapacity),
      previousInterruptibleWorkload: String(previousInterruptible),
      newInterruptibleWorkload: String(state.interruptibleWorkload),
    });
  }

  /**
   * Records a call and runs it while Omni-Channel answers; otherwise the promise never settles.
   * @template T
   * @param {string} method
   * @param {any} args
   * @param {() => T | Promise<T>} run
   * @returns {Promise<T>}
   */
  function call(method, args, run) {
    /** @type {ToolkitCall} */
    const c = { method, args: args === undefined ? undefined : structuredClone(args) };
    state.calls.push(c);
    changed();
    if (!answering) {
      c.outcome = "no answer";
      return new Promise(() => {});
    }
    try {
      const out = Promise.resolve(run());
      out.then(() => { c.outcome = c.outcome ?? "ok"; changed(); }, (e) => { c.outcome = c.outcome ?? String(e && (e.errorCode || e.message) || e); changed(); });
      return out;
    } catch (e) {
      c.outcome = String(/** @type {any} */ (e)?.message ?? e);
      return Promise.reject(e);
    }
  }

  /** lightning:omniToolkitAPI (the methods presence sync uses). */
  const toolkit = {
    /** @param {{statusId: string}} args */
    setServicePresenceStatus(args) {
      return call("setServicePresenceStatus", args, () => {
        const f = failures.shift();
        if (f) return Promise.reject(f);
        const s = byId(args && args.statusId);
        if (!s) return Promise.reject(new Error(`Invalid status Id: ${args && args.statusId}`));
        if (!allowed.has(s.developerName)) {
          return Promise.reject({ message: "You don't have access to the presence status you selected.", errorCode: "INSUFFICIENT_ACCESS" });
        }
        soon(enter(s, REASONS.toolkit));
        return { statusId: s.id, channels: channelsOf(s), statusName: s.label, statusApiName: s.developerName };
      });
    },
    logout() {
      return call("logout", undefined, () => {
        const f = failures.shift();
        if (f) return Promise.reject(f);
        soon(leave());
        return true;
      });
    },
    getServicePresenceStatusId() {
      return call("getServicePresenceStatusId", undefined, () => {
        const s = state.status;
        if (s) return { statusId: s.id, statusName: s.label, statusApiName: s.developerName };
        if (o.whenLoggedOut === "resolve-empty") return { statusId: null };
        return Promise.reject(new Error("The agent isn't logged in to Omni-Channel."));
      });
    },
    getAgentWorkload() {
      return call("getAgentWorkload", undefined, () => ({
        configuredCapacity: state.capacity,
        currentWorkload: state.workload,
        configuredInterruptibleCapacity: state.interruptibleCapacity,
        currentInterruptibleWorkload: state.interruptibleWorkload,
      }));
    },
  };

  /** What the agent (or a supervisor) does in the Omni-Channel widget. */
  const agent = {
    /** @param {string} developerName @param {string} [reason] */
    setStatus(developerName, reason = REASONS.manual) {
      enter(byName(developerName), reason)();
    },
    /** @param {string} [reason] */
    logout(reason) {
      leave(reason)();
    },
    /**
     * Omni routes a work item of the channel (DeveloperName) and the agent accepts it: the
     * workload rises, then Work Accepted fires.
     * @param {string} channel
     */
    acceptWork(channel) {
      const c = channels.find((x) => x.developerName === channel);
      if (!c) throw new Error(`no service channel ${channel} in the fake's catalog`);
      workSeq++;
      const work = {
        workItemId: `${c.keyPrefix}xx${String(workSeq).padStart(10, "0")}AAA`,
        workId: `0Bzxx${String(workSeq).padStart(10, "0")}AAA`,
        channel,
      };
      state.works.push(work);
      const previous = state.workload;
      state.workload++;
      workloadChanged(previous, state.interruptibleWorkload);
      fire("lightning:omniChannelWorkAccepted", { workItemId: work.workItemId, workId: work.workId });
      return work;
    },
    /** The agent closes the oldest work item: the workload drops. */
    completeWork() {
      if (!state.works.length) throw new Error("no work to complete");
      state.works.shift();
      const previous = state.workload;
      state.workload--;
      workloadChanged(previous, state.interruptibleWorkload);
    },
  };

  return {
    toolkit,
    agent,
    state,
    /** The catalog the fake was made with (statuses and service channels). */
    catalog: { statuses, serviceChannels: channels },
    /** Fires any event with any parameters (hostile payloads). @param {string} event @param {Record<string, any>} params */
    fire,
    /**
     * Delivers every lightning:omniChannel* event to `sink` (the Aura runtime's handlers).
     * @param {EventSink} sink
     * @returns {() => void}
     */
    onEvent(sink) {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
    /** @param {() => void} fn called on every change (the browser test pages re-render) */
    watch(fn) {
      watchers.add(fn);
      return () => watchers.delete(fn);
    },
    /** The next toolkit write rejects with this. @param {any} error */
    failNext(error) {
      failures.push(error);
    },
    /** @param {boolean} on */
    answering(on) {
      answering = on;
    },
    /** DeveloperName of the current status, null while logged out. */
    get status() {
      return state.status ? state.status.developerName : null;
    },
    listenerCount() {
      return sinks.size;
    },
  };
}
