// @ts-check
/**
 * A Salesforce adapter (js/API.md) over the Omni-Channel the test server shares
 * between tabs (js/test/shared-platforms.mjs): every tab sees every change, as every
 * Salesforce tab of one agent sees its one Omni-Channel presence. Writes go to the server,
 * which records which tab made them; their change comes back to every tab, like Omni's.
 * The events come over the room's own stream (/shared/<room>/omni/events), or over one the
 * page already has (`events`: the demo's one stream per tab).
 */

/**
 * @param {string} room
 * @param {{tab?: () => string | null, events?: (deliver: (data: any) => void) => () => void}} [o]
 *   tab: names the tab in the server's record of calls; events: subscribes to the room's
 *   adapter events on the page's own stream (returns the unsubscribe), instead of opening one
 */
export function createSharedOmni(room, o = {}) {
  const base = "/shared/" + encodeURIComponent(room) + "/omni/";
  /** @type {Set<(ev: any) => void>} */
  const listeners = new Set();
  /** @type {EventSource | null} */
  let source = null;
  /** @type {(() => void) | null} */
  let off = null;
  let received = 0;

  async function state() {
    const r = await fetch(base + "state");
    return r.json();
  }

  /** @param {string} method @param {any[]} args */
  async function call(method, args) {
    const r = await fetch(base + "call", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ method, args, tab: o.tab ? o.tab() : null }),
    });
    const res = await r.json();
    if (res.held) return new Promise(() => {}); // Omni never answers
    if (res.error) throw Object.assign(new Error(res.error.message), { type: res.error.type, code: "salesforce" });
    return undefined;
  }

  /** @param {any} data */
  function deliver(data) {
    received++;
    for (const l of [...listeners]) {
      try {
        l(data);
      } catch (e) {
        console.error("shared omni listener threw", e);
      }
    }
  }

  function open() {
    if (o.events) {
      off = o.events(deliver);
      return;
    }
    const es = new EventSource(base + "events");
    source = es;
    es.onmessage = (ev) => {
      let data;
      try {
        data = JSON.parse(ev.data);
      } catch {
        data = ev.data;
      }
      deliver(data);
    };
  }

  function close() {
    off?.();
    off = null;
    source?.close();
    source = null;
  }

  const adapter = {
    async getStatus() {
      const s = await state();
      const st = s.status === null ? null : s.statuses.find((/** @type {any} */ x) => x.developerName === s.status);
      return st ? { statusId: st.id, statusApiName: st.developerName, statusName: st.label } : null;
    },
    async listStatuses() {
      return (await state()).statuses;
    },
    async listServiceChannels() {
      return (await state()).serviceChannels;
    },
    /** @param {string} statusId */
    setStatus(statusId) {
      return call("setStatus", [statusId]);
    },
    logout() {
      return call("logout", []);
    },
    /** @param {(ev: any) => void} listener */
    subscribe(listener) {
      if (!listeners.size) open();
      listeners.add(listener);
      return () => {
        if (!listeners.delete(listener)) return;
        if (!listeners.size) close();
      };
    },
  };
  return {
    adapter,
    state,
    get received() {
      return received;
    },
    listenerCount: () => listeners.size,
  };
}
