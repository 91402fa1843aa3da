// @ts-check
/**
 * A simulated Salesforce Omni-Channel console: the agent's presence status, log out,
 * work accepted on a service channel, workload up and down. Its `adapter` is an object of
 * DESIGN.md's Salesforce adapter shape, so the shim drives it exactly as it drives the
 * built-in Lightning and Console adapters. Used by the demo page and the browser tests.
 *
 * Like Omni-Channel, a write made through the toolkit (`setStatus`, `logout`) comes back
 * as an event after `latencyMs`: a status change with reason `OmniToolkitStatusChange`.
 * A change the agent makes in the widget comes with reason `OmniManualStatusChange`.
 */

/**
 * @typedef {{id: string, developerName: string, label: string}} StatusInfo
 * @typedef {{developerName: string, keyPrefix: string}} ServiceChannel
 * @typedef {{method: "setStatus" | "logout", args: any[], at: number, outcome?: "ok" | string}} Call
 * @typedef {{
 *   statuses: StatusInfo[],
 *   serviceChannels?: ServiceChannel[],
 *   initialStatus?: string | null,
 *   capacity?: number,
 *   latencyMs?: number,
 * }} OmniSimOptions
 */

/**
 * @param {OmniSimOptions} opts
 */
export function createOmniSim(opts) {
  const statuses = opts.statuses.map((s) => ({ ...s }));
  const serviceChannels = (opts.serviceChannels ?? []).map((c) => ({ ...c }));
  const latencyMs = opts.latencyMs ?? 30;
  /** @type {Set<(ev: any) => void>} */
  const listeners = new Set();
  /** @type {Set<() => void>} */
  const watchers = new Set();

  const state = {
    /** DeveloperName of the current status; null while logged out. */
    /** @type {string | null} */
    status: opts.initialStatus === undefined ? "Available" : opts.initialStatus,
    capacity: opts.capacity ?? 5,
    workload: 0,
    /** @type {{workItemId: string, workId: string, channel: string}[]} */
    works: [],
    /** @type {Call[]} every call the shim made, in order */
    calls: [],
    /** @type {{type: string, message: string}[]} errors for the next setStatus/logout calls */
    failures: [],
    /** @type {any[]} every event delivered to the adapter's listeners */
    emitted: [],
  };
  let seq = 0;

  /** @param {string} id */
  const byId = (id) => statuses.find((s) => s.id.slice(0, 15) === String(id).slice(0, 15));
  /** @param {string} name */
  const byName = (name) => statuses.find((s) => s.developerName === name);

  /** @param {any} ev */
  function emit(ev) {
    state.emitted.push(ev);
    for (const l of [...listeners]) {
      try {
        l(ev);
      } catch (e) {
        console.error("omni-sim listener threw", e);
      }
    }
    changed();
  }

  function changed() {
    for (const w of [...watchers]) w();
  }

  /** @param {string} developerName @param {string} reason */
  function enterStatus(developerName, reason) {
    const s = byName(developerName);
    if (!s) throw new Error("no such presence status: " + developerName);
    state.status = s.developerName;
    emit({ type: "statusChanged", statusId: s.id, statusApiName: s.developerName, statusName: s.label, reason });
  }

  /**
   * @param {Call} call
   * @param {() => void} apply
   * @returns {Promise<void>}
   */
  function write(call, apply) {
    state.calls.push(call);
    changed();
    return new Promise((resolve, reject) => {
      setTimeout(() => {
        const f = state.failures.shift();
        if (f) {
          call.outcome = f.type;
          changed();
          reject(Object.assign(new Error(f.message), { type: f.type, code: "salesforce" }));
          return;
        }
        call.outcome = "ok";
        resolve();
        // The change comes back as an event, as Omni-Channel's would.
        setTimeout(apply, 0);
      }, latencyMs);
    });
  }

  /** @param {number} previous */
  function workloadChanged(previous) {
    emit({ type: "workloadChanged", configuredCapacity: state.capacity, previousWorkload: previous, newWorkload: state.workload });
  }

  const adapter = {
    async getStatus() {
      const s = state.status === null ? null : byName(state.status);
      return s ? { statusId: s.id, statusApiName: s.developerName, statusName: s.label } : null;
    },
    async listStatuses() {
      return statuses.map((s) => ({ ...s }));
    },
    async listServiceChannels() {
      return serviceChannels.map((c) => ({ ...c }));
    },
    /** @param {string} statusId */
    setStatus(statusId) {
      const s = byId(statusId);
      if (!s) {
        state.calls.push({ method: "setStatus", args: [statusId], at: Date.now(), outcome: "INVALID_ID" });
        changed();
        return Promise.reject(Object.assign(new Error("no presence status with Id " + statusId), { type: "InvalidParameterException" }));
      }
      return write({ method: "setStatus", args: [statusId], at: Date.now() }, () => enterStatus(s.developerName, "OmniToolkitStatusChange"));
    },
    logout() {
      return write({ method: "logout", args: [], at: Date.now() }, () => {
        state.status = null;
        emit({ type: "logout" });
      });
    },
    /** @param {(ev: any) => void} listener */
    subscribe(listener) {
      listeners.add(listener);
      changed();
      return () => {
        listeners.delete(listener);
        changed();
      };
    },
  };

  return {
    adapter,
    state,
    statuses,
    serviceChannels,
    /** Number of listeners subscribed through the adapter. */
    listenerCount: () => listeners.size,
    /** @param {() => void} f called after every change (for a UI) */
    watch(f) {
      watchers.add(f);
      return () => watchers.delete(f);
    },
    /** The agent picks a status in the Omni-Channel widget. @param {string} developerName */
    agentSetStatus(developerName) {
      enterStatus(developerName, "OmniManualStatusChange");
    },
    /** The agent logs out of Omni-Channel. */
    agentLogout() {
      state.status = null;
      emit({ type: "logout" });
    },
    /**
     * The agent accepts a work item routed on a service channel.
     * @param {string} channel DeveloperName of the service channel
     * @param {{withChannel?: boolean}} [o] withChannel: include serviceChannel in the event
     *   (by default the engine resolves it from the work item's key prefix)
     */
    acceptWork(channel, o = {}) {
      const ch = serviceChannels.find((c) => c.developerName === channel);
      if (!ch) throw new Error("no such service channel: " + channel);
      seq++;
      const workItemId = (ch.keyPrefix + "xx" + String(seq).padStart(10, "0")).slice(0, 15);
      const workId = ("0Bzxx" + String(seq).padStart(10, "0")).slice(0, 15);
      state.works.push({ workItemId, workId, channel });
      /** @type {any} */
      const ev = { type: "workAccepted", workItemId, workId };
      if (o.withChannel) ev.serviceChannel = channel;
      emit(ev);
      const prev = state.workload;
      state.workload++;
      workloadChanged(prev);
      return workItemId;
    },
    /** The agent closes a work item: the workload goes down. */
    completeWork() {
      if (!state.works.length) throw new Error("no work to complete");
      state.works.shift();
      const prev = state.workload;
      state.workload--;
      workloadChanged(prev);
    },
    /** Delivers any event to the adapter's listeners (tests: malformed payloads). @param {any} ev */
    emitRaw(ev) {
      emit(ev);
    },
    /** The next setStatus/logout calls fail with this error type. @param {string} type @param {number} [times] */
    failNext(type, times = 1) {
      for (let i = 0; i < times; i++) state.failures.push({ type, message: "simulated " + type });
    },
    /** Label of the current status ("Offline" while logged out). */
    statusLabel() {
      if (state.status === null) return "Offline";
      return byName(state.status)?.label ?? state.status;
    },
  };
}
