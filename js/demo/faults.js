// @ts-check
// Faults on a click: each button arms one fault in the demo server's room (the fake CCP's
// putAgentState answers, the Omni-Channel fake's setStatus), for whichever tab writes next,
// so that an admin sees what the module does about it — retries, `write-failed`,
// `timeout`, `loop`, and the resume by hand — in the decision log. The errors' types are
// the platforms' own: Connect answers putAgentState with a JSON error such as
// {"type":"InvalidStateException"}; the engine classifies them (AccessDeniedException and
// Salesforce's INSUFFICIENT_ACCESS are permanent, never retried; the others are retried).

import { el } from "./log.js";

/** @param {string} id @returns {HTMLElement} */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * The fault buttons: id → what the room is asked to do.
 * @type {Record<string, any>}
 */
export const FAULTS = Object.freeze({
  "fault-ccp-once": { system: "ccp", fail: { type: "InvalidStateException", message: "Simulated by the demo: Connect refused this change for now", times: 1 } },
  "fault-ccp-thrice": { system: "ccp", fail: { type: "InvalidStateException", message: "Simulated by the demo: Connect refused this change for now", times: 3 } },
  "fault-ccp-denied": { system: "ccp", fail: { type: "AccessDeniedException", message: "Simulated by the demo: the agent's security profile forbids this state", times: 1 } },
  "fault-ccp-hold": { system: "ccp", hold: 1 },
  "fault-omni-once": { system: "omni", fail: { type: "ConnectionException", message: "Simulated by the demo: Omni-Channel could not be reached", times: 1 } },
  "fault-omni-denied": { system: "omni", fail: { type: "INSUFFICIENT_ACCESS", message: "You don't have access to the presence status you selected.", times: 1 } },
  "fault-ccp-clear": { system: "ccp", clear: true },
});

/**
 * @param {{
 *   fault: (body: any) => Promise<any>,
 *   onArmed: (text: string) => void,
 *   onError: (text: string) => void,
 *   loadLoop: () => void, loadDefault: () => void,
 * }} o
 */
export function createFaults(o) {
  for (const [id, body] of Object.entries(FAULTS)) {
    const b = $(id);
    b.addEventListener("click", () => {
      o.fault(body).then(
        () => o.onArmed(id === "fault-ccp-clear" ? "Connect faults disarmed." : `Armed: ${b.textContent}. The next write shows what happens.`),
        (e) => o.onError(`The fault could not be armed: ${e.message}`),
      );
    });
  }
  $("fault-loop").addEventListener("click", o.loadLoop);
  $("fault-default").addEventListener("click", o.loadDefault);

  /** What is armed now, from the room's view. @param {import("./room.js").RoomView["faults"]} f */
  function render(f) {
    const items = [];
    const count = (/** @type {string[]} */ types) => {
      /** @type {Map<string, number>} */
      const m = new Map();
      for (const t of types) m.set(t, (m.get(t) ?? 0) + 1);
      return [...m].map(([t, n]) => `${t}${n > 1 ? ` ×${n}` : ""}`).join(", ");
    };
    if (f.ccp.failures.length) items.push(`Connect: the next ${f.ccp.failures.length === 1 ? "write fails" : `${f.ccp.failures.length} writes fail`} (${count(f.ccp.failures)})`);
    if (f.ccp.holdNext > 0 || f.ccp.hold) items.push(`Connect: the next ${f.ccp.hold ? "writes go" : f.ccp.holdNext === 1 ? "write goes" : `${f.ccp.holdNext} writes go`} unanswered`);
    if (f.omni.failures.length) items.push(`Omni-Channel: the next ${f.omni.failures.length === 1 ? "setStatus rejects" : `${f.omni.failures.length} setStatus calls reject`} (${count(f.omni.failures)})`);
    $("faults-armed").replaceChildren(...(items.length ? items.map((t) => el("li", { text: t })) : [el("li", { class: "none", text: "Nothing armed: every write succeeds." })]));
    /** @type {HTMLButtonElement} */ ($("fault-ccp-clear")).disabled = !(f.ccp.failures.length || f.ccp.holdNext || f.ccp.hold);
  }

  return { render };
}
