// @ts-check
// The simulated Omni-Channel console of the demo: the agent's presence as the demo server
// holds it for every tab (the one Omni-Channel fake, js/test/fakes/omni.js), drawn from the
// room's view, and what the agent does in the Omni-Channel widget (pick a status, log out,
// accept work on a channel, close a work item), sent to the room. The calls presence-sync
// made (from whichever tab wrote) are listed newest first.

import { el, clock } from "./log.js";

/** @param {string} id @returns {HTMLElement} */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * @param {{omni: (op: string, ...args: string[]) => Promise<any>, tabLabel: (tab: string | null) => string, onError: (text: string) => void}} o
 *   omni: the room's Omni-Channel widget; tabLabel: names the tab a call came from
 */
export function createOmniConsole(o) {
  let built = false;
  /** @type {import("./room.js").RoomView["omni"] | null} */
  let omni = null;

  /** @param {string} op @param {...string} args */
  function act(op, ...args) {
    o.omni(op, ...args).catch((e) => o.onError(`Omni-Channel: ${op} could not be done: ${e.message}`));
  }

  /** The buttons, once: statuses and channels are the catalog's. @param {NonNullable<typeof omni>} v */
  function build(v) {
    built = true;
    for (const s of v.statuses) {
      const b = el("button", { text: s.label, title: `DeveloperName ${s.developerName}` });
      b.setAttribute("type", "button");
      b.id = "omni-set-" + s.developerName;
      b.dataset.status = s.developerName;
      b.addEventListener("click", () => act("setStatus", s.developerName));
      $("omni-statuses").append(b);
    }
    for (const c of v.serviceChannels) {
      const b = el("button", { text: c.developerName, title: `a work item with key prefix ${c.keyPrefix}` });
      b.setAttribute("type", "button");
      b.id = "omni-accept-" + c.developerName;
      b.addEventListener("click", () => act("acceptWork", c.developerName));
      $("omni-channels").append(b);
    }
    $("omni-logout").addEventListener("click", () => act("logout"));
    $("omni-complete").addEventListener("click", () => act("completeWork"));
  }

  /** @param {import("./room.js").RoomView["omni"]} v */
  function render(v) {
    omni = v;
    if (!built) build(v);
    const st = $("omni-status");
    st.textContent = v.label ?? "Offline";
    st.className = "omni-status" + (v.status === null ? " offline" : "");
    for (const b of $("omni-statuses").querySelectorAll("button")) {
      b.classList.toggle("current", b.dataset.status === v.status);
      b.setAttribute("aria-pressed", String(b.dataset.status === v.status));
    }
    /** @type {HTMLButtonElement} */ ($("omni-logout")).disabled = v.status === null;
    const pct = v.capacity > 0 ? (v.workload / v.capacity) * 100 : 0;
    $("workload-fill").style.width = Math.min(100, pct) + "%";
    $("workload-text").textContent = `${v.workload} / ${v.capacity} (${Math.round(pct)}%)`;
    /** @type {HTMLButtonElement} */ ($("omni-complete")).disabled = v.works === 0;
    const byId = new Map(v.statuses.map((s) => [s.id.slice(0, 15), s.developerName]));
    const calls = v.calls.map((c) => {
      const what = c.method === "logout" ? "logout()" : `setStatus(${c.statusId} = ${byId.get(String(c.statusId).slice(0, 15)) ?? "?"})`;
      return el("li", { text: `${clock(c.at)} ${what} → ${c.outcome} · ${o.tabLabel(c.tab)}` });
    });
    $("omni-calls").replaceChildren(...calls);
    $("omni-calls-empty").hidden = calls.length > 0;
  }

  return {
    render,
    /** The console's state as last drawn. */
    get state() {
      return omni;
    },
  };
}
