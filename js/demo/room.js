// @ts-check
// The demo's one agent: the room the demo server holds for every demo tab
// (js/test/shared-platforms.mjs). Amazon Connect keeps an agent's state for every CCP the
// agent opens, and Salesforce keeps its Omni-Channel presence for every console tab: the
// demo server plays both, so that every tab sees every change, and tab leadership shows as
// it does in production. It also holds the rules the tabs run, as an org holds the rule
// records every softphone tab loads.
//
// One Server-Sent Events stream per tab (browsers allow six connections per origin, and an
// agent may open several tabs): `omni` (the Omni-Channel adapter's events), `view` (the
// Omni-Channel console, the armed faults, how many tabs are open), `rules` (the rules in force).

/**
 * @typedef {{text: string, name: string, version: number, by: string, at: number}} RulesInForce
 * @typedef {{
 *   omni: {status: string | null, label: string | null, statuses: {id: string, developerName: string, label: string}[],
 *     serviceChannels: {developerName: string, keyPrefix: string}[], workload: number, capacity: number, works: number,
 *     calls: {method: string, statusId: string | null, tab: string | null, outcome: string, at: number}[]},
 *   faults: {ccp: {failures: string[], hold: boolean, holdNext: number}, omni: {failures: string[], hold: boolean}},
 *   tabs: number, frames: number,
 * }} RoomView
 */

/**
 * Connects this tab to the room.
 * @param {string} name the room (`?room=`, default "demo")
 * @param {{onRules(r: RulesInForce): void, onView(v: RoomView): void}} hooks
 */
export function joinRoom(name, hooks) {
  const base = "/shared/" + encodeURIComponent(name) + "/";
  /** @type {Set<(data: any) => void>} */
  const omniListeners = new Set();
  const es = new EventSource(base + "demo/events");
  /** @param {string} event @param {(data: any) => void} fn */
  const on = (event, fn) =>
    es.addEventListener(event, (ev) => {
      let data;
      try {
        data = JSON.parse(/** @type {MessageEvent} */ (ev).data);
      } catch (e) {
        console.warn(`demo: an unreadable ${event} message from the demo server`, e);
        return;
      }
      fn(data);
    });
  on("rules", hooks.onRules);
  on("view", hooks.onView);
  on("omni", (data) => {
    for (const l of [...omniListeners]) l(data);
  });

  /**
   * @param {string} path
   * @param {unknown} body
   * @returns {Promise<any>}
   */
  async function post(path, body) {
    const r = await fetch(base + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const out = await r.json();
    if (!r.ok) throw new Error(out.error ?? `HTTP ${r.status}`);
    return out;
  }

  return {
    name,
    /**
     * Subscribes to the Omni-Channel adapter events on this tab's stream (the page's
     * Salesforce adapter reads them from here).
     * @param {(data: any) => void} deliver
     */
    omniEvents(deliver) {
      omniListeners.add(deliver);
      return () => {
        omniListeners.delete(deliver);
      };
    },
    /** What the agent does in the Omni-Channel widget. @param {string} op @param {...string} args */
    omni: (op, ...args) => post("omni/agent", { op, args }),
    /** Arms a fault: `{system, fail?, hold?, clear?}`. @param {any} body */
    fault: (body) => post("faults", body),
    /** New rules for every tab of the agent. @param {{text: string, name: string, by: string}} body */
    publishRules: (body) => post("rules", body),
    close: () => es.close(),
  };
}
