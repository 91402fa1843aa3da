// @ts-check
/**
 * The benchmark's Salesforce adapter (DESIGN.md's adapter shape): Omni-Channel with no
 * network. setStatus and logout resolve at once (in a microtask), then the change comes
 * back as Omni-Channel's own would, as a status change with reason
 * OmniToolkitStatusChange. `onSet` is told of every call as it is made: the end of the
 * per-event measurement.
 */

/**
 * @param {{statuses: {id: string, developerName: string, label: string}[], initial: string, onSet?: (statusId: string) => void, onSettle?: () => void}} o
 */
export function benchAdapter(o) {
  /** @type {Set<(ev: any) => void>} */
  const listeners = new Set();
  const byId = new Map(o.statuses.map((s) => [s.id, s]));
  const state = { status: /** @type {string | null} */ (o.initial), inflight: 0, calls: 0 };

  /** @param {any} ev */
  const emit = (ev) => {
    for (const l of listeners) l(ev);
    o.onSettle?.();
  };

  const adapter = {
    async getStatus() {
      const s = o.statuses.find((x) => x.developerName === state.status);
      return s ? { statusId: s.id, statusApiName: s.developerName, statusName: s.label } : null;
    },
    async listStatuses() {
      return o.statuses.map((s) => ({ ...s }));
    },
    /** @param {string} statusId */
    setStatus(statusId) {
      o.onSet?.(statusId);
      state.calls++;
      const s = byId.get(statusId);
      if (!s) return Promise.reject(Object.assign(new Error("no status " + statusId), { type: "InvalidParameterException" }));
      state.inflight++;
      return Promise.resolve().then(() => {
        state.inflight--;
        state.status = s.developerName;
        queueMicrotask(() => emit({ type: "statusChanged", statusId: s.id, statusApiName: s.developerName, statusName: s.label, reason: "OmniToolkitStatusChange" }));
      });
    },
    logout() {
      state.calls++;
      state.inflight++;
      return Promise.resolve().then(() => {
        state.inflight--;
        state.status = null;
        queueMicrotask(() => emit({ type: "logout" }));
      });
    },
    /** @param {(ev: any) => void} l */
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { adapter, state };
}
